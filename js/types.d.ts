// The package's declarations but the API's data, which js/api.d.ts declares, and the seam's
// codes and limit options, which js/seam-types.d.ts declares (both generated from api/src).
// scripts/assemble-pkg.mjs joins api.d.ts, seam-types.d.ts, this file (without the imports below)
// and errors.d.ts into the package's index.d.ts.
import type {
  AccountGroup,
  AccountGroupEventType,
  AccountGroupList,
  CloseOptions,
  CreateAccountGroupRequest,
  CreateBusinessAccountGroupRequest,
  CreateUserAccountGroupRequest,
  BusinessAccountGroup,
  ListQuery,
  Open,
  SortField,
  SortOrder,
  UserAccountGroup,
} from './api.js';
import type { CallLimitOptions, ClientLimitOptions } from './seam-types.js';

/** Options of `iterate` and `iterateForUser`. */
export interface IterateQuery {
  /** Sort field; the API's default is `created_at`. */
  sort?: SortField | undefined;
  /** Sort order; the API's default is `ASC`. */
  order?: SortOrder | undefined;
  /** How many groups each page request asks for, 1 to 1000; default 100. */
  pageSize?: number | undefined;
}

/** What every response carried besides its body. */
export interface ResponseMeta {
  /** The HTTP status. */
  status: number;
  /** The `upvest-request-id` header: log it, and quote it to Upvest support. */
  requestId: string | undefined;
  /**
   * Every header of the response, by lower-case name (several values joined by `, `), frozen:
   * rate-limit or tracing headers. Non-enumerable, so that it neither serialises nor counts in
   * deep equality, as before it was added; read when first asked for.
   */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A result with its response's metadata under `lastResponse`, a non-enumerable property: it is
 * not part of the API's body, so it neither serialises nor counts in deep equality.
 */
export type WithResponse<T> = T & { readonly lastResponse: ResponseMeta };

/** Options every call takes: its own limits (`deadlineMs`, `timeoutMs`, `maxRetries`), and these. */
export interface CallOptions extends CallLimitOptions {
  /** Aborts the call; the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /**
   * Extra request headers for this call (a correlation id, a tracing header), sent with every
   * attempt (with every page, for `iterate`) and handed to the signer with the rest. Headers
   * the client, the signature or the transport set (`authorization`, `accept`,
   * `upvest-client-id`, `upvest-api-version`, `idempotency-key`, `content-type`, `signature`,
   * `signature-input`, `content-digest`, `upvest-signature-version`, `connection`, `host`, …)
   * are an `InvalidInputError` (`code: 'conflict'`) before anything is sent. A `Headers` or a
   * `Map` is taken too.
   */
  headers?: Readonly<Record<string, string>> | Headers | ReadonlyMap<string, string> | undefined;
}

/** Options of `create`. */
export interface CreateOptions extends CallOptions {
  /** A UUID (v4 recommended) to make the create idempotent; a fresh one is made when absent. */
  idempotencyKey?: string | undefined;
}

/** A `fetch`-compatible function. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What a token provider resolves with: the token, or the token endpoint's answer. */
export type ProvidedToken = string | { access_token: string; expires_in?: number | undefined };

/**
 * Supplies access tokens. Called lazily, once for any number of concurrent calls; its token is
 * kept until shortly before `expires_in` runs out, and it is asked again once after a 401.
 */
export type TokenProvider = () => Promise<ProvidedToken>;

/** The request a signer signs: every header is set, the signature headers are not. */
export interface SignableRequest {
  /** `GET`, `POST` or `DELETE`. */
  method: 'GET' | 'POST' | 'DELETE';
  /** The full URL, with the query. */
  url: string;
  /** The headers about to be sent, lower-case names. */
  headers: Record<string, string>;
  /** The body as sent (JSON, or the token request's form), if any. */
  body: string | undefined;
}

/**
 * Signs a request: resolves with the headers to add (e.g. `signature`, `signature-input`,
 * `content-digest`, `upvest-signature-version`). It may not replace a header. It is called once
 * per attempt, so a retry is signed afresh; a throw or rejection becomes a `SignerError`.
 */
export type Signer = (request: SignableRequest) => Promise<Record<string, string>>;

/** What `onRequest` sees before each attempt. Secrets in `headers` are `[redacted]`. */
export interface RequestEvent {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  path: string;
  /** 1 for the first attempt, then 2, 3, … for retries. */
  attempt: number;
  headers: Record<string, string>;
}

/** What `onResponse` sees after each attempt. */
export interface ResponseEvent {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  path: string;
  attempt: number;
  /** The HTTP status; 0 when no response arrived. */
  status: number;
  durationMs: number;
  requestId: string | undefined;
  /** The error class name when the attempt failed (`ProblemError`, `NetworkError`, `TimeoutError`, …). */
  error: string | undefined;
}

/**
 * Where the client's log lines go: a function of the line, or a logger whose `debug` method
 * takes it (`console`, pino, winston, Octokit's `log`). One line per request sent, such as
 * `upvest-account-groups GET /account_groups/… attempt=1 status=503 ms=12 request_id=…
 * retry=ProblemError wait_ms=250`; never a header, a token, a signature or a body.
 */
export type Logger = ((line: string) => void) | { debug(message: string): unknown };

/** The attributes a span of this client is started with (see `TracerLike`). */
export interface SpanStartOptions {
  /** `SpanKind.CLIENT`. */
  kind: 2;
  attributes: Record<string, string | number>;
}

/** The part of an OpenTelemetry `Span` the client uses. */
export interface SpanLike {
  setAttribute(key: string, value: string | number): unknown;
  setStatus(status: { code: 2 }): unknown;
  end(): unknown;
}

/**
 * The part of an OpenTelemetry `Tracer` (`trace.getTracer('my-app')` from `@opentelemetry/api`)
 * the client uses; the package never imports `@opentelemetry/api` itself. Where the tracer has
 * `startActiveSpan` (every `Tracer` has), the request runs inside the span.
 */
export interface TracerLike {
  startSpan(name: string, options: SpanStartOptions): SpanLike;
}

/** An `http.Agent` or `https.Agent` from `node:http`/`node:https`, or a subclass (proxy agents);
 * declared by the one method the package checks, so that no Node types are needed. */
export interface AgentLike {
  addRequest(...args: any[]): unknown;
}

/** Options shared by the client and `clientCredentials`. */
interface TransportOptions {
  /**
   * A fetch implementation to use. Without one, Node sends requests over `node:http` and
   * `node:https` (keep-alive, at most 128 sockets per host), and every other runtime (browsers,
   * Workers, Deno, Bun) over the global `fetch`. Pass `fetch: globalThis.fetch` to use Node's
   * fetch (undici) instead.
   */
  fetch?: FetchLike | undefined;
  /**
   * Node only: the `http.Agent` or `https.Agent` requests go through (a proxy agent such as
   * `https-proxy-agent`'s, or `new https.Agent({ ca, cert, key })` for a private CA or a client
   * certificate). Refused with `fetch` and outside Node. Keep-alive and socket limits are then
   * the agent's own.
   */
  agent?: AgentLike | undefined;
  /** Signs every request (see `createUpvestSigner` for Upvest's scheme). */
  signer?: Signer | undefined;
  /** Called before each attempt; what it throws is ignored. */
  onRequest?: ((event: RequestEvent) => void | Promise<void>) | undefined;
  /** Called after each attempt; what it throws is ignored. */
  onResponse?: ((event: ResponseEvent) => void | Promise<void>) | undefined;
  /**
   * Writes one line per request sent (method, path, attempt, status, milliseconds, request id,
   * and why it is retried or failed); what it throws is ignored. Without it, in Node, setting
   * `DEBUG=upvest-account-groups` writes the lines to `console.error`.
   */
  logger?: Logger | undefined;
  /**
   * An OpenTelemetry `Tracer`: one CLIENT span per request sent, with the stable HTTP client
   * attributes, inside the caller's active context.
   */
  tracer?: TracerLike | undefined;
}

interface ClientOptionsBase extends TransportOptions, ClientLimitOptions {
  /** `https://…`, or `http://` on a loopback host; default `SANDBOX_BASE_URL`. */
  baseUrl?: string | undefined;
  /** The tenant's client id (UUID), sent as `upvest-client-id`. */
  clientId: string;
  /** The `upvest-api-version` header; default `"1"`. */
  apiVersion?: string | undefined;
  /**
   * Your application's name and version, such as `'acme-backoffice/1.4.2'` (visible ASCII and
   * spaces, at most 200 characters), put first in the `user-agent` requests carry:
   * `acme-backoffice/1.4.2 upvest-account-groups/0.2.0 node/20.20.2`. Where the platform sets
   * its own (browsers), no `user-agent` is set.
   */
  userAgent?: string | undefined;
}

/** Constructor options: a fixed `accessToken`, or a `tokenProvider`. */
export type AccountGroupsOptions =
  | (ClientOptionsBase & { /** The OAuth bearer token. */ accessToken: string; tokenProvider?: undefined })
  | (ClientOptionsBase & { /** Supplies tokens as needed. */ tokenProvider: TokenProvider; accessToken?: undefined });

/** Options of `clientCredentials`. */
export interface ClientCredentialsOptions extends TransportOptions {
  /** The token endpoint, e.g. `https://sandbox.upvest.co/auth/token`. */
  tokenUrl: string;
  /** The tenant's client id (UUID). */
  clientId: string;
  /** The client secret. Never shown in an error. */
  clientSecret: string;
  /** The scopes to ask for, e.g. `['accounts:read']`; Upvest advises separate read and admin tokens. */
  scopes: string[] | string;
}

/**
 * A token provider for Upvest's OAuth client-credentials flow (`POST /auth/token`, form-encoded,
 * signed by `signer` when given, without `authorization`). Pass it as `tokenProvider`. A refused
 * token request rejects with the endpoint's `ProblemError`.
 */
export declare function clientCredentials(options: ClientCredentialsOptions): TokenProvider;

/** Options of `createUpvestSigner`. */
export interface UpvestSignerOptions {
  /** The key id registered with Upvest (sent as `keyid`). */
  keyId: string;
  /**
   * The private key, of the type `algorithm` names (Ed25519, or EC P-521): an unencrypted PEM
   * string, PKCS#8 (`-----BEGIN PRIVATE KEY-----`) or SEC1 (`-----BEGIN EC PRIVATE KEY-----`); a
   * Node `KeyObject`; or a WebCrypto `CryptoKey` with the `sign` usage. It is checked when the
   * signer is made: a public, encrypted or malformed key, or one of another type or curve than
   * `algorithm`, throws an `InvalidInputError` with `field: 'privateKey'`.
   */
  privateKey: string | CryptoKey | { type: 'private'; export(options: { format: 'der'; type: 'pkcs8' }): Uint8Array };
  /** The key's algorithm. */
  algorithm: 'ed25519' | 'ecdsa-p521-sha512';
  /** How long a signature stays valid (`expires - created`), 1 to 3600 s; default 30. */
  ttlSeconds?: number | undefined;
}

/**
 * A signer for Upvest's HTTP Message Signatures v15: label `sig1`, covering `@method`, `@path`,
 * `@query` (with a query), `accept`, `authorization` (not on the token request),
 * `content-length`, `content-type` and `content-digest` (with a body), `idempotency-key` (when
 * sent) and `upvest-client-id`; parameters `keyid`, `created`, `expires`, `nonce`. It adds
 * `signature`, `signature-input`, `content-digest` and `upvest-signature-version: 15`. Hashing
 * and signing use the platform's WebCrypto. Pass it as `signer` to the client and to
 * `clientCredentials`.
 */
export declare function createUpvestSigner(options: UpvestSignerOptions): Signer;

/** A client for the Account Groups endpoints of the Upvest Investment API. */
export class AccountGroups {
  /** Checks the options; throws `InvalidInputError` when one breaks a rule. */
  constructor(options: AccountGroupsOptions);
  /**
   * Releases the wasm memory this client holds, at once; afterwards its calls reject with an
   * `UpvestError`. Optional: the memory is also released when the client is garbage-collected.
   */
  free(): void;
  /**
   * Creates an account group for a user or a business. Every attempt of one call sends the same
   * `idempotency-key`, so the API creates the group at most once.
   */
  create(request: CreateUserAccountGroupRequest, options?: CreateOptions): Promise<WithResponse<UserAccountGroup>>;
  create(request: CreateBusinessAccountGroupRequest, options?: CreateOptions): Promise<WithResponse<BusinessAccountGroup>>;
  create(request: CreateAccountGroupRequest, options?: CreateOptions): Promise<WithResponse<AccountGroup>>;
  /** Fetches one account group. */
  get(accountGroupId: string, options?: CallOptions): Promise<WithResponse<AccountGroup>>;
  /** Fetches one page of the tenant's account groups. */
  list(query?: ListQuery, options?: CallOptions): Promise<WithResponse<AccountGroupList>>;
  /** Fetches one page of a user's account groups. */
  listForUser(userId: string, query?: ListQuery, options?: CallOptions): Promise<WithResponse<AccountGroupList>>;
  /**
   * Starts closing an account group (`CLOSING`, later `CLOSED`); resolves with the response's
   * status (202) and request id once the API accepted it.
   */
  close(accountGroupId: string, closeOptions?: CloseOptions, options?: CallOptions): Promise<ResponseMeta>;
  /**
   * Fetches the public keys Upvest signs webhooks with (`GET /auth/verify_keys`; the token needs
   * the scope `webhooks:read` or `webhooks:admin`), through this client's base URL, token,
   * signer and retries. For `createWebhookVerifier({ keys: () => client.verifyKeys() })`.
   */
  verifyKeys(options?: CallOptions): Promise<WithResponse<WebhookKeySet>>;
  /**
   * Every account group, for `for await`: pages are fetched one at a time, only when the loop
   * has used up the previous one, and none after the loop ends (`break`, `return`, a throw).
   * Bad input rejects the first step.
   */
  iterate(query?: IterateQuery, options?: CallOptions): AsyncIterableIterator<AccountGroup>;
  /** Every account group of one user, for `for await`, fetched lazily like `iterate`. */
  iterateForUser(userId: string, query?: IterateQuery, options?: CallOptions): AsyncIterableIterator<AccountGroup>;
  /**
   * `iterate` a page at a time, for work done in batches: each step is an array of the groups
   * of one page that this iteration has not yielded before (never an empty one), with the same
   * promises and the same laziness as `iterate`. One `for await` step a page instead of one a
   * group.
   */
  iteratePages(query?: IterateQuery, options?: CallOptions): AsyncIterableIterator<AccountGroup[]>;
  /** `iterateForUser` a page at a time, as `iteratePages`. */
  iteratePagesForUser(userId: string, query?: IterateQuery, options?: CallOptions): AsyncIterableIterator<AccountGroup[]>;
}

/** Options of `collect`. */
export interface CollectOptions {
  /**
   * The most items to collect: a whole number from 0, or `Infinity` for every item. Required:
   * what is collected is held in memory at once.
   */
  max: number;
}

/**
 * At most `max` items of an iteration (`client.iterate()`, `client.iterateForUser()` or any
 * iterable), in order, as an array. It leaves the loop as soon as it holds `max`, so `iterate`
 * fetches no page after the one that held the last; it resolves with fewer when the iteration
 * ends first. Rejects with what the iteration throws, and with `InvalidInputError` for a bad
 * argument.
 *
 * ```js
 * const first = await collect(client.iterate({ pageSize: 25 }), { max: 25 });
 * ```
 */
export declare function collect<T>(iterable: AsyncIterable<T> | Iterable<T>, options: CollectOptions): Promise<T[]>;

/** Fields every webhook event has. */
interface WebhookEventBase {
  /** The event's id (UUID): deduplicate on it. */
  id: string;
  /** When the event happened, RFC 3339. */
  created_at: string;
  /** The webhook subscription's id (UUID). */
  webhook_id: string;
}

/** An event about an account group; `object` is the group as of the event. */
export interface AccountGroupEvent<T extends string = Open<AccountGroupEventType>> extends WebhookEventBase {
  type: T;
  object: AccountGroup;
}

/** An event of another category (its `object` is not checked by this package). */
export interface OtherWebhookEvent extends WebhookEventBase {
  type: string;
  object: unknown;
}

/** One event of a delivery. Narrow with the `isAccountGroup…` guards. */
export type WebhookEvent = AccountGroupEvent | OtherWebhookEvent;

/** The raw request, as the `verify` hook sees it. */
export interface WebhookRequest {
  method: string | undefined;
  url: string | undefined;
  headers: Record<string, string | string[] | undefined> | Headers | undefined;
  /** The raw body, exactly as given to `parseWebhookEvents`. */
  body: string | Uint8Array | ArrayBuffer;
}

/** Options of `parseWebhookEvents`. */
export interface ParseWebhookOptions {
  /**
   * Required. Checks the delivery before its body is parsed: pass `createWebhookVerifier(…)` for
   * Upvest's signature, or `false` to accept it unchecked (tests only: anyone can post a forged
   * event to a public URL). A rejection that is an `UpvestError` (a `WebhookVerificationError`)
   * passes through as it is; any other becomes a `WebhookError` with `code: 'verify-failed'` (and
   * what it threw as `cause`).
   */
  verify: ((request: WebhookRequest) => Promise<void> | void) | false;
  /** The request's method (`request.method`), passed on to `verify`. */
  method?: string | undefined;
  /** The request's URL: Node's `request.url` (path and query) or a full URL; passed on to `verify`. */
  url?: string | undefined;
  /** The request's headers (Node's `request.headers`, or a `Headers`); passed on to `verify`. */
  headers?: Record<string, string | string[] | undefined> | Headers | undefined;
  /** The largest body accepted, in bytes (UTF-8 bytes for a string), 1 to 2³² − 1; default 1 MiB. A larger one is refused before it is verified or parsed. */
  maxBodyBytes?: number | undefined;
}

/**
 * Reads a webhook delivery: hand it the raw body (a string, a `Buffer`/`Uint8Array` or an
 * `ArrayBuffer`, before any JSON parsing) and get its events, in the order sent. Accepts a bundle
 * `{ "payload": [events] }`, a list of events, or one event. The body's size is checked first,
 * then `verify` runs, then the body is parsed. Anything refused rejects with a `WebhookError`
 * whose `code` says why and whose message names what is wrong. `verify` must be given (a
 * missing one is an `InvalidInputError`, `code: 'required'`). A receiver that records deliveries
 * durably is `createWebhookReceiver`.
 */
export declare function parseWebhookEvents(rawBody: string | Uint8Array | ArrayBuffer, options: ParseWebhookOptions): Promise<WebhookEvent[]>;

/** One public key of `GET /auth/verify_keys` (a JWK). Members the API adds are kept. */
export interface WebhookKey {
  /** The key id that signatures name as `keyid`. */
  kid: string;
  /** `EC` for Upvest's webhook keys. */
  kty: Open<'EC'>;
  /** `P-521` for Upvest's webhook keys. */
  crv: Open<'P-521'>;
  /** The x coordinate, base64url. */
  x: string;
  /** The y coordinate, base64url. */
  y: string;
  /** `ES512`, when given. */
  alg?: string;
  /** `sig`, when given. */
  use?: string;
}

/** The public keys Upvest signs webhooks with (a JWKS), as `GET /auth/verify_keys` answers. */
export interface WebhookKeySet {
  /** The keys; a signature names the one it was made with by `keyid`. */
  keys: WebhookKey[];
}

/** Options of `createWebhookVerifier`. */
export interface WebhookVerifierOptions {
  /**
   * Upvest's webhook keys: a JWKS, or an async function returning one, such as
   * `({ signal }) => client.verifyKeys({ signal })`. A function is called on first use and its
   * keys kept; a signature by an unknown `keyid` calls it again, at most once a minute (Upvest
   * rotates keys), and kept keys are asked for again once half `maxKeyAgeSeconds` old. A call
   * that takes longer than `keySourceTimeoutMs` has failed, and its `signal` aborts; concurrent
   * deliveries share one call; after a failure it is not called again for 5 s, doubling with each
   * failure in a row up to 5 minutes, and deliveries that need it meanwhile are refused
   * (`key-source-failed`).
   */
  keys: WebhookKeySet | ((options: { signal: AbortSignal }) => Promise<WebhookKeySet>);
  /** How far clocks may disagree, for `created` and `expires`, 0 to 3600 s; default 30. */
  clockSkewSeconds?: number | undefined;
  /** The longest validity (`expires − created`) accepted, 1 to 3600 s; default 300. */
  maxValiditySeconds?: number | undefined;
  /**
   * The longest the key source's keys are used after it listed them, 60 to 86,400 s; default
   * 3600. They are asked for again once half this old; while the source fails, the kept keys
   * verify until this age, never after, so a key Upvest removes (revokes) stops verifying within
   * it.
   */
  maxKeyAgeSeconds?: number | undefined;
  /** How long a call to the key source may take, 1 to 300,000 ms; default 10,000. A call that
   * takes longer is `key-source-failed`. */
  keySourceTimeoutMs?: number | undefined;
  /** The clock, in milliseconds since the epoch (for tests); default `Date.now`. */
  now?: (() => number) | undefined;
}

/** Checks a webhook request's signature; rejects with a `WebhookVerificationError`. */
export type WebhookVerifier = (request: WebhookRequest) => Promise<void>;

/**
 * A `verify` function for `parseWebhookEvents` that checks Upvest's webhook signature (v6): the
 * `digest` header is `SHA-256=` and the base64 SHA-256 of the body; `signature` and
 * `signature-input` carry a `sig1` signature that covers `@method`, `@path`, `digest` (and
 * `@query` when the URL has one), was created (give or take `clockSkewSeconds`) and has not
 * expired, lives at most `maxValiditySeconds`, and verifies (ECDSA P-521 with SHA-512, DER or raw
 * r‖s) with the key of its `keyid`. A failure rejects with a `WebhookVerificationError` whose
 * `code` says which check failed. Uses the platform's WebCrypto. Throws `InvalidInputError` for
 * bad options.
 */
export declare function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier;

/** One event of a verified delivery, as a store records it. */
export interface WebhookEventRecord {
  /** The event id (a UUID): the deduplication key. */
  id: string;
  /** The event type, e.g. `ACCOUNT_GROUP.CREATED` (or one added later). */
  type: string;
  /** The event, as Upvest sent it (parsed JSON). */
  event: WebhookEvent;
}

/** A delivery that verified but could not be read as events, kept whole. */
export interface QuarantinedWebhookDelivery {
  /** `sha256-` and the hex SHA-256 of the body: a redelivery is kept once. */
  id: string;
  /** The raw body, as received. */
  body: Uint8Array;
  /** Why it could not be read (the `WebhookError`'s message). */
  reason: string;
  /** When it was received (RFC 3339). */
  receivedAt: string;
}

/**
 * Where a webhook receiver records deliveries. Two methods; a Postgres store (pg-boss, say) is a
 * page. Both must resolve only once what they were given is durable, may be called for the same
 * events again (a redelivery, another replica at the same moment) and must then record nothing
 * twice, and should stop when `signal` aborts (the receiver has answered 503 by then).
 */
export interface WebhookStore {
  /**
   * Records a delivery's events, each at most once within the store's window (its `id` is the
   * key), all or none: a rejection means the delivery will come again, and what was recorded
   * must count as recorded then.
   */
  record(events: readonly WebhookEventRecord[], context: { signal: AbortSignal }): Promise<unknown>;
  /** Keeps a delivery that verified but is not events (once per `id`). */
  quarantine(delivery: QuarantinedWebhookDelivery, context: { signal: AbortSignal }): Promise<unknown>;
}

/** What a webhook receiver reports: a refused or failed delivery, or a quarantined one. */
export interface WebhookReceiverErrorContext {
  /** The status answered: 401 (signature refused), 413 (too large), 400 (body unreadable), 503
   * (keys or store unavailable: Upvest delivers again), 500 (a `verify` that broke), or 200 for a
   * delivery kept in quarantine. */
  status: number;
  /** Where: `verify`, `body`, `store`, `quarantine`, `receive`. */
  stage: 'verify' | 'body' | 'store' | 'quarantine' | 'receive';
}

/** Options of `createWebhookReceiver`. */
export interface WebhookReceiverOptions {
  /**
   * Required: `createWebhookVerifier(…)` (its signature check runs before the body is read, so
   * an unsigned request is refused unread), any other check of the whole request, or `false` to
   * accept deliveries unchecked (tests only; with `NODE_ENV=production` it warns once).
   */
  verify: WebhookVerifier | ((request: WebhookRequest) => Promise<void> | void) | false;
  /** Where deliveries are recorded: a `MemoryWebhookStore`, a `BullMQWebhookStore`
   * (`upvest-account-groups/bullmq`), or your own. */
  store: WebhookStore;
  /** The largest body read once its signature checked out, in bytes; default 32 MiB (Upvest
   * batches up to 30 s of events). A larger one is answered 413. */
  maxBodyBytes?: number | undefined;
  /** The largest body read before anything vouched for it (a `verify` that needs the body, or
   * `false`); default 1 MiB. */
  maxUnverifiedBodyBytes?: number | undefined;
  /** How long the store may take, 1 to 600,000 ms; default 5,000. Longer is answered 503 (and
   * the store's `signal` aborts): Upvest delivers again, and nothing is lost. */
  storeTimeoutMs?: number | undefined;
  /** Told of every delivery answered with an error, and of each one quarantined; what it throws
   * is ignored. By default nothing is logged. */
  onError?: ((error: unknown, context: WebhookReceiverErrorContext) => void) | undefined;
}

/** What the receiver uses of Node's `IncomingMessage` (Express' `Request` is one). */
export interface NodeWebhookRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  readonly readableEnded: boolean;
  readonly complete: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/** What the receiver uses of Node's `ServerResponse`. */
export interface NodeWebhookResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): { end(body: string): unknown };
}

/** A ready webhook endpoint; see `createWebhookReceiver`. */
export interface WebhookReceiver {
  /** For the Fetch API: Next.js route handlers, Bun, Deno, Workers. */
  handle(request: Request): Promise<Response>;
  /** For `node:http` (`http.createServer(receiver.listener)`) and Express. */
  listener(request: NodeWebhookRequest, response: NodeWebhookResponse): Promise<void>;
  /** Records a body as a verified delivery would be (a quarantined one, once the code that
   * refused it is mended): the body itself, or a quarantine record as a store keeps it
   * (`MemoryWebhookStore`'s, or a BullMQ quarantine job's `data`, base64 bodies decoded);
   * resolves with the status and body a delivery would be answered with. */
  replay(delivery: Uint8Array | string | { body: Uint8Array | string; encoding?: 'utf8' | 'base64' | undefined }): Promise<{ status: number; body: unknown }>;
}

/**
 * A webhook endpoint that never holds up Upvest's deliveries: it answers 2xx once every event of
 * a delivery is recorded in `store` (deduplicated by event id), 401 to a delivery whose
 * signature does not check out, 413 to one over the body limit, and 503 when the store (or the
 * key source) does not answer in time, so Upvest delivers again and nothing is lost. A delivery
 * that verifies is never refused: one that is not events as this package reads them is kept in
 * quarantine and answered 200. Handle the events from the store, after the answer. Throws
 * `InvalidInputError` for bad options (a missing `verify` or `store` among them).
 */
export declare function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver;

/** Options of `MemoryWebhookStore`. */
export interface MemoryWebhookStoreOptions {
  /** How long an event id is remembered, 1 ms to 366 days; default 7 days. */
  windowMs?: number | undefined;
  /** The most ids remembered, 1 to 10,000,000; default 100,000 (the oldest go first). */
  maxIds?: number | undefined;
  /** The clock, in milliseconds since the epoch (for tests); default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * A webhook store in this process's memory, for development and tests: each event recorded once
 * within the window, kept until taken. Lost with the process, and not shared between replicas:
 * behind a load balancer, use `BullMQWebhookStore` (`upvest-account-groups/bullmq`).
 */
export declare class MemoryWebhookStore implements WebhookStore {
  constructor(options?: MemoryWebhookStoreOptions);
  record(events: readonly WebhookEventRecord[]): Promise<{ recorded: number; duplicates: number }>;
  quarantine(delivery: QuarantinedWebhookDelivery): Promise<void>;
  /** The recorded events not taken yet, oldest first, now removed from the store. */
  take(max?: number): Array<WebhookEventRecord & { recordedAt: string }>;
  /** The quarantined deliveries. */
  quarantined(): QuarantinedWebhookDelivery[];
  /** How many recorded events wait to be taken. */
  readonly pending: number;
}

/** Remembers recent event ids (bounded), so that a redelivered event is handled once. */
export declare class WebhookDeduplicator {
  /** Keeps up to `size` ids (default 10,000); the oldest is forgotten first. */
  constructor(options?: { size?: number | undefined });
  /** True the first time an id is seen, and remembers it. */
  isNew(id: string): boolean;
  /** The events not seen before, remembering their ids. */
  filter<E extends { id: string }>(events: E[]): E[];
  /** How many ids are remembered. */
  readonly size: number;
  /** Kept for compatibility; a deduplicator holds no wasm memory. */
  free(): void;
}

/** Whether an event is about an account group (any type, including later ones). */
export declare function isAccountGroupEvent(event: WebhookEvent): event is AccountGroupEvent;
/** `ACCOUNT_GROUP.CREATED` */
export declare function isAccountGroupCreated(event: WebhookEvent): event is AccountGroupEvent<Extract<AccountGroupEventType, `${string}.CREATED`>>;
/** `ACCOUNT_GROUP.ACTIVATED` */
export declare function isAccountGroupActivated(event: WebhookEvent): event is AccountGroupEvent<Extract<AccountGroupEventType, `${string}.ACTIVATED`>>;
/** `ACCOUNT_GROUP.CLOSING_INITIATED` */
export declare function isAccountGroupClosingInitiated(event: WebhookEvent): event is AccountGroupEvent<Extract<AccountGroupEventType, `${string}.CLOSING_INITIATED`>>;
/** `ACCOUNT_GROUP.CLOSED` */
export declare function isAccountGroupClosed(event: WebhookEvent): event is AccountGroupEvent<Extract<AccountGroupEventType, `${string}.CLOSED`>>;
/** `ACCOUNT_GROUP.LOCKED` */
export declare function isAccountGroupLocked(event: WebhookEvent): event is AccountGroupEvent<Extract<AccountGroupEventType, `${string}.LOCKED`>>;
