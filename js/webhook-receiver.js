// @ts-check
// A ready webhook endpoint. Upvest retries a delivery answered with anything but 2xx, and holds
// every later delivery behind it, so the receiver answers 2xx exactly when the delivery's events
// are durably recorded in the caller's store, and never refuses a delivery that verified: one it
// cannot read as events is kept whole, in quarantine, and acknowledged. Processing happens later,
// from the store (a BullMQ queue, say), never before the answer.
import { core } from './core.js';
import { digest, fromBase64, toHex } from './crypto.js';
import { describeThrown } from './failures.js';
import { WebhookVerificationError } from './errors.js';
import { bare, method, own } from './members.js';
import { invalidInput as invalid, knownOptions, wholeOption } from './option-checks.js';
import { member } from './plain.js';
import { BodyAlreadyParsedError, readIncomingBody, readRequestBody, TOO_LARGE } from './request-body.js';
import { settleFirst } from './runtime.js';
import { parseWebhookBody } from './webhook-body.js';
import { checkedVerify } from './webhook-events.js';
import { signatureFirst } from './webhook-verifier.js';

const OPTION_NAMES = ['verify', 'store', 'maxBodyBytes', 'maxUnverifiedBodyBytes', 'storeTimeoutMs', 'onError'];
/** A delivery whose signature was checked before its body was read: Upvest batches up to 30 s
 * of events into one POST, so the limit is generous. */
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** A delivery read before anything vouches for it (a `verify` that needs the body, or none). */
const DEFAULT_MAX_UNVERIFIED_BODY_BYTES = 1024 * 1024;
/** Long enough for a store under load (100 jobs take Redis a few ms), short enough to answer
 * well before a sender's own limit (upvest-mock's is 10 s; Upvest's is not published). */
const DEFAULT_STORE_TIMEOUT_MS = 5_000;
const MAX_TIMEOUT_MS = 600_000;

/** @typedef {{ status: number, headers: Record<string, string>, body: string }} Answer */

/** What the receiver needs of one request, whichever API it came in by.
 * @typedef {object} Incoming
 * @property {unknown} method
 * @property {unknown} url
 * @property {unknown} headers a `Headers` or Node's `IncomingHttpHeaders`
 * @property {(limit: number) => Promise<import('./request-body.js').BodyRead>} readBody */

/**
 * `createWebhookReceiver({ verify, store, ... })`: `handle(request)` for the Fetch API and
 * `listener(req, res)` for `node:http`, both answering as the module comment says. Throws
 * `InvalidInputError` for bad options.
 * @param {unknown} options
 */
export function createWebhookReceiver(options) {
  const settings = readOptions(options);
  /** @param {Incoming} incoming @returns {Promise<Answer>} */
  const receive = async (incoming) => {
    try {
      return await receiveDelivery(settings, incoming);
    } catch (error) {
      // A fault of this side (a bug, a hook that broke): never an unhandled rejection.
      settings.onError(error, { status: 500, stage: 'receive' });
      return answer(500, { title: 'The receiver failed' });
    }
  };
  return {
    /** @param {Request} request @returns {Promise<Response>} */
    async handle(request) {
      const incoming = { method: request.method, url: request.url, headers: request.headers, readBody: (/** @type {number} */ limit) => readRequestBody(request, limit) };
      const { status, headers, body } = await receive(incoming);
      return new Response(body, bare({ status, headers }));
    },
    /** @param {import('./request-body.js').NodeRequest} request @param {import('./request-body.js').NodeResponse} response */
    async listener(request, response) {
      // Behind Express' routers `url` loses the mount path; the signature covers the whole path.
      const url = own(request, 'originalUrl') ?? request.url;
      const incoming = { method: request.method, url, headers: request.headers, readBody: (/** @type {number} */ limit) => readIncomingBody(request, limit) };
      const { status, headers, body } = await receive(incoming);
      if (!response.headersSent) response.writeHead(status, headers).end(body);
    },
    /**
     * Records a body again, as a verified delivery would be: for a quarantined delivery, once the
     * code that refused it is mended. Takes the body (bytes or text) or a quarantine record as a
     * store keeps it: `MemoryWebhookStore`'s (`body` bytes) or a BullMQ quarantine job's `data`
     * (`body` text, `encoding` `utf8` or `base64`). Resolves with what a delivery would have been
     * answered.
     * @param {unknown} delivery
     */
    async replay(delivery) {
      const answer = await record(settings, replayedBytes(delivery));
      return { status: answer.status, body: JSON.parse(answer.body) };
    },
  };
}

/** The bytes of what `replay` was given (see there).
 * @param {unknown} delivery @returns {Uint8Array<ArrayBuffer>} */
function replayedBytes(delivery) {
  if (typeof delivery === 'string') return new TextEncoder().encode(delivery);
  if (delivery instanceof Uint8Array) return new Uint8Array(delivery);
  const [body, encoding] = [member(delivery, 'body', 'body'), member(delivery, 'encoding', 'encoding')];
  if (body instanceof Uint8Array) return new Uint8Array(body);
  if (typeof body === 'string' && (encoding === undefined || encoding === 'utf8')) return new TextEncoder().encode(body);
  if (typeof body === 'string' && encoding === 'base64') {
    try {
      return fromBase64(body);
    } catch (error) {
      throw invalid('body', 'format', 'must be base64 when encoding is base64');
    }
  }
  throw invalid('delivery', 'type', 'must be a body (a Uint8Array or a string) or a quarantine record { body, encoding? }');
}

/**
 * @typedef {object} ReceiverSettings
 * @property {((request: unknown) => unknown) | false} verify
 * @property {{ record: Function, quarantine: Function, store: object }} store
 * @property {number} maxBodyBytes
 * @property {number} maxUnverifiedBodyBytes
 * @property {number} storeTimeoutMs
 * @property {(error: unknown, context: { status: number, stage: string }) => void} onError
 */

/** `verify: false` is for tests; in a process that says it is production, it is said once, loudly
 * (an accident there accepts forged events). */
function warnIfProduction() {
  const env = /** @type {{ process?: { env?: Record<string, string | undefined> } }} */ (globalThis).process?.env;
  if (env?.NODE_ENV === 'production') {
    console.warn('upvest-account-groups: createWebhookReceiver({ verify: false }) with NODE_ENV=production: deliveries are accepted without checking that Upvest signed them');
  }
}

/** @param {ReceiverSettings} settings @param {Incoming} incoming @returns {Promise<Answer>} */
async function receiveDelivery(settings, incoming) {
  const { verify, onError } = settings;
  if (incoming.method !== 'POST') return answer(405, { title: 'Webhook deliveries are POSTs' }, { allow: 'POST' });
  /** @type {Record<string, unknown>} */
  const request = bare({ method: incoming.method, url: incoming.url, headers: incoming.headers, body: undefined });
  const twoStep = signatureFirst(verify);
  if (twoStep) {
    const refusal = await refused(() => twoStep.headers(request), onError);
    // Its body is not read: the connection closes rather than drain it.
    if (refusal) return { ...refusal, headers: bare({ ...refusal.headers, connection: 'close' }) };
  }
  const limit = twoStep ? settings.maxBodyBytes : settings.maxUnverifiedBodyBytes;
  let body;
  try {
    body = await incoming.readBody(limit);
  } catch (error) {
    const status = error instanceof BodyAlreadyParsedError ? 500 : 400;
    onError(error, { status, stage: 'body' });
    return answer(status, { title: status === 500 ? 'The server parsed the body before the receiver' : 'The body could not be read' });
  }
  if (body === TOO_LARGE) {
    onError(new Error(`a webhook delivery larger than ${limit} bytes was refused`), { status: 413, stage: 'body' });
    return answer(413, { title: `The body is larger than ${limit} bytes` }, { connection: 'close' });
  }
  request.body = body;
  if (verify) {
    const refusal = await refused(() => (twoStep ? twoStep.digest(request) : verify(request)), onError);
    if (refusal) return refusal;
  }
  return record(settings, body);
}

/** Runs a check; a refusal becomes a 401 (503 when the keys could not be had: it is not the
 * sender's fault, and a retry may pass), a check that broke a 500.
 * @param {() => unknown} check @param {ReceiverSettings['onError']} onError
 * @returns {Promise<Answer | undefined>} */
async function refused(check, onError) {
  try {
    await check();
    return undefined;
  } catch (error) {
    const verification = error instanceof WebhookVerificationError;
    const status = !verification ? 500 : error.code === 'key-source-failed' ? 503 : 401;
    // A forged delivery is anyone's to send: it is reported, not logged by default.
    onError(error, { status, stage: 'verify' });
    return answer(status, { title: verification ? `Webhook signature refused (${error.code})` : 'The webhook check failed' });
  }
}

/**
 * Records a verified body: its events, or, when it is not events as the checks read them, the
 * body in quarantine. 200 once recorded; 503 when the store fails or does not answer in time.
 * @param {ReceiverSettings} settings @param {Uint8Array<ArrayBuffer>} body @returns {Promise<Answer>}
 */
async function record(settings, body) {
  let events;
  let unreadable;
  try {
    events = core.webhookEvents(parseWebhookBody(body));
  } catch (error) {
    unreadable = error;
  }
  const { store, onError } = settings;
  try {
    if (events) {
      const records = events.map((event) => bare({ id: /** @type {string} */ (own(event, 'id')), type: /** @type {string} */ (own(event, 'type')), event }));
      await withinTime(settings.storeTimeoutMs, (signal) => Reflect.apply(store.record, store.store, [records, bare({ signal })]));
      return answer(200, { received: records.length });
    }
    const entry = await quarantined(body, unreadable);
    await withinTime(settings.storeTimeoutMs, (signal) => Reflect.apply(store.quarantine, store.store, [entry, bare({ signal })]));
    onError(unreadable, { status: 200, stage: 'quarantine' });
    return answer(200, { received: 0, quarantined: entry.id });
  } catch (error) {
    onError(error, { status: 503, stage: 'store' });
    return answer(503, { title: 'The delivery could not be recorded; deliver it again' }, { 'retry-after': '1' });
  }
}

/** A body kept whole, named by its SHA-256 so a redelivery is kept once.
 * @param {Uint8Array<ArrayBuffer>} body @param {unknown} why */
async function quarantined(body, why) {
  const id = `sha256-${toHex(new Uint8Array(await digest('SHA-256', body)))}`;
  return bare({ id, body, reason: describeThrown(why), receivedAt: new Date().toISOString() });
}

/**
 * Runs `work` with a signal that aborts at the limit, and rejects then whatever `work` does.
 * @template T
 * @param {number} ms @param {(signal: AbortSignal) => Promise<T>} work @returns {Promise<T>}
 */
function withinTime(ms, work) {
  const controller = new AbortController();
  const late = () => {
    const error = new Error(`the store did not answer within ${ms} ms`);
    controller.abort(error);
    return error;
  };
  return settleFirst(work(controller.signal), undefined, ms, late);
}

/** @param {number} status @param {object} body @param {Record<string, string>} [headers] @returns {Answer} */
function answer(status, body, headers = {}) {
  const type = status < 300 ? 'application/json' : 'application/problem+json';
  return { status, headers: bare({ 'content-type': type, 'cache-control': 'no-store', ...headers }), body: JSON.stringify(status < 300 ? body : { status, ...body }) };
}

/** @param {unknown} options @returns {ReceiverSettings} */
function readOptions(options) {
  knownOptions(options, OPTION_NAMES, 'createWebhookReceiver', false);
  const checked = /** @type {object} */ (options);
  const verify = checkedVerify(options);
  if (verify === false) warnIfProduction();
  const store = member(options, 'store', 'store');
  const record = method(store, 'record');
  const quarantine = method(store, 'quarantine');
  if (store === undefined) throw invalid('store', 'required', 'is required: a MemoryWebhookStore, a BullMQWebhookStore, or your own { record, quarantine }');
  if (!record || !quarantine) throw invalid('store', 'type', 'must have record(events, { signal }) and quarantine(delivery, { signal }) methods');
  const onError = member(options, 'onError', 'onError') ?? (() => {});
  if (typeof onError !== 'function') throw invalid('onError', 'type', 'must be a function');
  return {
    verify,
    store: { record, quarantine, store: /** @type {object} */ (store) },
    maxBodyBytes: wholeOption(checked, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES, 1, 2 ** 31),
    maxUnverifiedBodyBytes: wholeOption(checked, 'maxUnverifiedBodyBytes', DEFAULT_MAX_UNVERIFIED_BODY_BYTES, 1, 2 ** 31),
    storeTimeoutMs: wholeOption(checked, 'storeTimeoutMs', DEFAULT_STORE_TIMEOUT_MS, 1, MAX_TIMEOUT_MS),
    onError: (error, context) => {
      try {
        Reflect.apply(onError, undefined, [error, bare(context)]);
      } catch {
        // A reporting hook that throws must not change the answer.
      }
    },
  };
}

