// A strict TypeScript consumer of the published declarations: `tsc -p tests/types` must pass.
// Every `@ts-expect-error` line is a mistake the types must catch (tsc fails if one compiles).
import {
  AccountGroups,
  InvalidInputError,
  NetworkError,
  PRODUCTION_BASE_URL,
  ProblemError,
  ResponseError,
  SANDBOX_BASE_URL,
  SignerError,
  TimeoutError,
  UpvestError,
  type AccountGroup,
  type AccountGroupList,
  type AccountGroupStatus,
  type ResponseMeta,
  type ResponseEvent,
  type Logger,
  type TracerLike,
  clientCredentials,
  collect,
  createUpvestSigner,
  parseWebhookEvents,
  createWebhookReceiver,
  MemoryWebhookStore,
  type WebhookStore,
  type WebhookEventRecord,
  type QuarantinedWebhookDelivery,
  type WebhookReceiver,
  type WebhookReceiverErrorContext,
  WebhookDeduplicator,
  WebhookError,
  WebhookVerificationError,
  createWebhookVerifier,
  isAccountGroupEvent,
  isAccountGroupClosed,
  type WebhookErrorCode,
  type WebhookKeySet,
  type WebhookVerificationCode,
  type WebhookVerifier,
} from 'upvest-account-groups';
import { trace } from '@opentelemetry/api';

export async function webhooks(raw: Uint8Array): Promise<string[]> {
  const seen = new WebhookDeduplicator({ size: 100 });
  try {
    const events = await parseWebhookEvents(raw, { verify: async ({ body, headers }) => void [body, headers] });
    return seen.filter(events).map((event) => {
      if (isAccountGroupClosed(event)) {
        const closed: 'ACCOUNT_GROUP.CLOSED' = event.type;
        return `${closed} ${event.object.id}`;
      }
      if (isAccountGroupEvent(event)) return `${event.type} ${event.object.status}`;
      // @ts-expect-error another category's object is unknown until checked
      return event.object.id;
    });
  } catch (error) {
    if (error instanceof WebhookError) return [error.message];
    throw error;
  }
}

const client = new AccountGroups({ baseUrl: SANDBOX_BASE_URL, clientId: 'c', accessToken: 't', apiVersion: '1', fetch: globalThis.fetch });
// The Node transport's agent: anything with an http.Agent's `addRequest` (no Node types needed).
const agent = { addRequest(request: unknown, options: unknown) { return [request, options]; } };
new AccountGroups({ clientId: 'c', accessToken: 't', agent });
// @ts-expect-error an agent is an http.Agent, not a URL
new AccountGroups({ clientId: 'c', accessToken: 't', agent: 'http://proxy:8080' });

// A receiver as Node hands it a request: headers with string or string[] values.
export async function verifiedWebhooks(raw: Uint8Array, headers: Record<string, string | string[] | undefined>): Promise<string> {
  const verify: WebhookVerifier = createWebhookVerifier({ keys: () => client.verifyKeys(), clockSkewSeconds: 30, maxValiditySeconds: 300, now: Date.now });
  const fixed = createWebhookVerifier({ keys: { keys: [{ kid: 'k', kty: 'EC', crv: 'P-521', x: 'x', y: 'y' }] }, clockSkewSeconds: undefined });
  try {
    await fixed({ method: 'POST', url: 'https://receiver.example/hooks', headers: new Headers(), body: raw });
    const events = await parseWebhookEvents(raw, { method: 'POST', url: '/hooks', headers, verify, maxBodyBytes: 64 * 1024 });
    const keys = await client.verifyKeys({ signal: AbortSignal.timeout(1000) });
    const set: WebhookKeySet = keys;
    return `${events.length} ${set.keys[0]?.kid} ${keys.lastResponse.requestId}`;
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      const code: WebhookVerificationCode = error.code;
      return code;
    }
    if (error instanceof WebhookError) return describeRefusal(error.code);
    throw error;
  }
}

// Both code unions are closed: a switch over them is exhaustive.
export function describeRefusal(code: WebhookErrorCode): string {
  switch (code) {
    case 'too-large':
      return '413';
    case 'encoding':
    case 'json':
    case 'shape':
    case 'missing-signature':
    case 'malformed-signature':
    case 'not-covered':
    case 'missing-component':
    case 'created-in-future':
    case 'expired':
    case 'validity-too-long':
    case 'missing-digest':
    case 'digest-mismatch':
    case 'unknown-key':
    case 'bad-signature':
      return '400';
    case 'key-source-failed':
      return '503';
    case 'verify-failed':
      return '500';
    default: {
      const never: never = code;
      return never;
    }
  }
}
// @ts-expect-error not a refusal code
export const forged: WebhookVerificationCode = 'forged';
// @ts-expect-error a verifier needs keys
createWebhookVerifier({ clockSkewSeconds: 30 });
// @ts-expect-error keys are a JWKS, not a list of keys
createWebhookVerifier({ keys: [{ kid: 'k', kty: 'EC', crv: 'P-521', x: 'x', y: 'y' }] });
// @ts-expect-error maxBodyBytes is a number
parseWebhookEvents('{}', { maxBodyBytes: '1mb', verify: false });
// @ts-expect-error verify must be given (false to skip the check)
parseWebhookEvents('{}', {});
// @ts-expect-error options must be given
parseWebhookEvents('{}');

// A receiver for node:http and for the Fetch API, over a store of one's own.
const ownStore: WebhookStore = {
  async record(events: readonly WebhookEventRecord[], { signal }: { signal: AbortSignal }) {
    for (const { id, type, event } of events) void [id.length, type.length, event.id, signal.aborted];
  },
  async quarantine({ id, body, reason, receivedAt }: QuarantinedWebhookDelivery) {
    void [id, body.byteLength, reason, receivedAt];
  },
};
const receiver: WebhookReceiver = createWebhookReceiver({
  verify: createWebhookVerifier({ keys: { keys: [] } }),
  store: ownStore,
  storeTimeoutMs: 5000,
  onError: (error: unknown, { status, stage }: WebhookReceiverErrorContext) => void [error, status, stage],
});
export const handleRoute = (request: Request): Promise<Response> => receiver.handle(request);
const memory = new MemoryWebhookStore({ windowMs: 60_000 });
createWebhookReceiver({ verify: false, store: memory });
export const taken: string[] = memory.take(10).map(({ type, recordedAt }) => `${type} ${recordedAt}`);
// @ts-expect-error a receiver needs a store
createWebhookReceiver({ verify: false });
// @ts-expect-error and verify
createWebhookReceiver({ store: memory });
const live: 'https://api.upvest.co' = PRODUCTION_BASE_URL;

export async function everyMethod(signal: AbortSignal): Promise<void> {
  const user = await client.create({ user_id: 'u', type: 'PERSONAL' }, { idempotencyKey: crypto.randomUUID(), signal });
  const users: string[] = user.users.map((u) => u.id ?? '');
  const business = await client.create({ business_id: 'b', type: 'BUSINESS', securities_account_number: '123456789' });
  const businessId: string = business.business_id;
  const requestId: string | undefined = business.lastResponse.requestId;

  const group: AccountGroup = await client.get('id', { signal });
  if (group.type === 'BUSINESS') {
    const id: string = group.business_id;
    // @ts-expect-error a business group has no users
    group.users;
    void id;
  } else {
    const first = group.users[0];
    const relation: string | undefined = first?.type;
    // @ts-expect-error a user group has no business_id
    const nope: string = group.business_id;
    void relation;
    void nope;
  }
  const status: AccountGroupStatus = group.status;
  const knownOrNew: boolean = status === 'ACTIVE' || status === 'SOMETHING_NEW';

  const page: AccountGroupList = await client.list({ sort: 'updated_at', order: 'DESC', offset: 0, limit: 10 });
  const total: number = page.meta.total_count;
  const mine = await client.listForUser('u', { limit: 5 }, { signal });
  const accepted: ResponseMeta = await client.close('id', { closure_reason: 'aml', notification_only: true });
  const code: number = accepted.status;

  for await (const g of client.iterate({ pageSize: 50, sort: 'created_at' })) {
    const id: string = g.id;
    void id;
  }
  for await (const g of client.iterateForUser('u')) {
    if (g.type !== 'BUSINESS') void g.users;
  }
  for await (const page of client.iteratePages({ pageSize: 1000, order: 'DESC' }, { signal })) {
    const batch: AccountGroup[] = page;
    void batch.length;
  }
  for await (const page of client.iteratePagesForUser('u')) {
    const first: string | undefined = page[0]?.id;
    void first;
  }
  void [users, businessId, requestId, knownOrNew, total, mine, code, live];
}

export function everyOption(): AccountGroups {
  const upvestSigner = createUpvestSigner({ keyId: 'k', privateKey: '-----BEGIN PRIVATE KEY-----…', algorithm: 'ed25519', ttlSeconds: 30 });
  // @ts-expect-error RSA is not an Upvest algorithm
  createUpvestSigner({ keyId: 'k', privateKey: 'pem', algorithm: 'rsa' });
  const tokenProvider = clientCredentials({ tokenUrl: `${SANDBOX_BASE_URL}/auth/token`, clientId: 'c', clientSecret: 's', scopes: ['accounts:read'], signer: upvestSigner });
  return new AccountGroups({
    clientId: 'c',
    tokenProvider,
    maxRetries: 3,
    retryBaseDelayMs: 100,
    maxRetryDelayMs: 5000,
    timeoutMs: 10_000,
    signer: async ({ method, url, headers, body }) => ({ signature: `${method}${url}${headers['accept']}${body ?? ''}` }),
    onRequest: (event) => console.log(event.method, event.path, event.attempt),
    onResponse: (event: ResponseEvent) => console.log(event.status, event.durationMs, event.requestId, event.error),
  });
}

export function observed(): AccountGroups[] {
  // An OpenTelemetry Tracer is a TracerLike; console, a function and a { debug } object are Loggers.
  const tracer: TracerLike = trace.getTracer('acme-backoffice', '1.4.2');
  const pinoLike = { level: 'debug', debug(message: string, ...rest: unknown[]): void { void [message, rest]; }, info(): void {} };
  const loggers: Logger[] = [console, (line: string): void => console.warn(line), pinoLike];
  clientCredentials({ tokenUrl: `${SANDBOX_BASE_URL}/auth/token`, clientId: 'c', clientSecret: 's', scopes: ['accounts:read'], logger: console, tracer });
  // @ts-expect-error a logger needs a debug method
  new AccountGroups({ clientId: 'c', accessToken: 't', logger: { info: (line: string) => line } });
  // @ts-expect-error a tracer needs startSpan
  new AccountGroups({ clientId: 'c', accessToken: 't', tracer: {} });
  return loggers.map((logger) => new AccountGroups({ clientId: 'c', accessToken: 't', logger, tracer }));
}

export async function everyError(): Promise<string> {
  try {
    await client.get('id');
  } catch (error) {
    if (error instanceof ProblemError) {
      const fields: [number, string, string | undefined, string | undefined, string | undefined, string | undefined] = [
        error.status, error.type, error.title, error.detail, error.instance, error.requestId,
      ];
      return `${fields.join()} ${JSON.stringify(error.problem)}`;
    }
    if (error instanceof InvalidInputError) return `${error.field} ${error.rule}`;
    if (error instanceof ResponseError) return `${error.status} ${error.requestId}`;
    if (error instanceof TimeoutError) return `${error.timeoutMs}`;
    if (error instanceof NetworkError) return `${error.code ?? 'no code'} ${String(error.cause)}`;
    if (error instanceof SignerError) return String(error.cause);
    if (error instanceof UpvestError) return error.name;
  }
  return '';
}

export async function mistakes(): Promise<void> {
  // @ts-expect-error clientId is required
  new AccountGroups({ accessToken: 't' });
  // @ts-expect-error a token or a provider is required
  new AccountGroups({ clientId: 'c' });
  // @ts-expect-error not both
  new AccountGroups({ clientId: 'c', accessToken: 't', tokenProvider: async () => 't' });
  // @ts-expect-error a signer resolves with headers
  new AccountGroups({ clientId: 'c', accessToken: 't', signer: async () => 'sig' });
  // @ts-expect-error an unknown type
  await client.create({ user_id: 'u', type: 'SAVINGS' });
  // @ts-expect-error BUSINESS needs business_id, not user_id
  await client.create({ user_id: 'u', type: 'BUSINESS' });
  // @ts-expect-error user types need user_id
  await client.create({ business_id: 'b', type: 'ISA' });
  // @ts-expect-error a typo in a field name
  await client.create({ user_id: 'u', type: 'ISA', securities_acount_number: '123456789' });
  // @ts-expect-error the sort field is closed
  await client.list({ sort: 'id' });
  // @ts-expect-error limit is a number
  await client.list({ limit: '10' });
  // @ts-expect-error iterate takes pageSize, not limit
  client.iterate({ limit: 10 });
  // @ts-expect-error a page is an array of groups, not a group
  for await (const page of client.iteratePages()) void page.id;
  // @ts-expect-error closure reasons are a closed set
  await client.close('id', { closure_reason: 'bored' });
  // @ts-expect-error get takes no idempotency key
  await client.get('id', { idempotencyKey: 'k' });
  const group = await client.get('id');
  // @ts-expect-error lastResponse is read-only
  group.lastResponse = { status: 1, requestId: undefined };
}

// Options read from the environment are `string | undefined`; under exactOptionalPropertyTypes an
// optional option still takes `undefined`, as the runtime does (it means "not given").
export function fromEnvironment(env: Record<string, string | undefined>): AccountGroups {
  return new AccountGroups({
    baseUrl: env.UPVEST_BASE_URL,
    clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6',
    accessToken: 'token',
    timeoutMs: env.TIMEOUT ? Number(env.TIMEOUT) : undefined,
    fetch: undefined,
  });
}

// `code` is a closed union: a switch over it is exhaustive, and a misspelt code does not compile.
export function describeInputError(error: InvalidInputError): string {
  switch (error.code) {
    case 'required':
    case 'type':
    case 'uuid':
    case 'enum':
    case 'range':
    case 'format':
    case 'unknown-field':
    case 'conflict':
    case 'unreadable':
      return `${error.field}: ${error.code}`;
    default: {
      const never: never = error.code;
      return never;
    }
  }
}
// @ts-expect-error not one of the codes
export const misspelt: InvalidInputError['code'] = 'uuid-format';

// collect: at most `max` items of an iteration, typed as the iteration's items; `max` is required.
export async function firstGroups(client: AccountGroups, limit: number | undefined): Promise<string[]> {
  const latest: AccountGroup[] = await collect(client.iterate({ order: 'DESC', pageSize: 25 }), { max: 25 });
  const everyOne = await collect(client.iterateForUser('u'), { max: limit ?? Infinity });
  const numbers: number[] = await collect([1, 2, 3], { max: 2 });
  // @ts-expect-error max is required
  await collect(client.iterate(), {});
  // @ts-expect-error the options with max are required
  await collect(client.iterate());
  // @ts-expect-error max is a number, and undefined is not a bound
  await collect(client.iterate(), { max: limit });
  // @ts-expect-error the items are groups, not strings
  const wrong: string[] = await collect(client.iterate(), { max: 1 });
  return [...latest, ...everyOne].map((group) => group.id).concat(numbers.map(String), wrong);
}
