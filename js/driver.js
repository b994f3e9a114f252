// @ts-check
// The driver of one call: it does every effect the core decides on. Per attempt: a token, the
// core's plan, the signer, the hooks, the fetch, the core's judgement, and a sleep before a
// retry. Every await on caller code (token provider, signer) is bounded by the attempt's time
// limit and the call's signal. The core never calls caller code and never awaits a promise.

import { SignerError } from './errors.js';
import { bounded, signerFailure } from './failures.js';
import { bare, inherent, method as methodOf, own } from './plain.js';
import { checkedHeaders, headerList } from './headers.js';
import { sleep } from './runtime.js';
import { callHook, watch } from './observe.js';
import { DONE_EMPTY, DONE_WITH_BODY, REFRESH_TOKEN, RETRY } from './seam.js';

/** Headers whose values are secrets: hooks see them redacted. */
const SECRET_HEADERS = new Set(['authorization', 'signature', 'signature-input']);
const utf8 = new TextDecoder();

/**
 * How requests leave, shared by a client's calls (and the token request's).
 * @typedef {object} Transport
 * @property {((url: string, init: RequestInit) => Promise<Response>) | undefined} fetch
 * @property {import('./runtime.js').Exchange} exchange how an attempt is made: over `fetch`, or
 *   the Node transport (js/node-http.js)
 * @property {unknown} agent the `agent` option, for the Node transport
 * @property {((request: object) => unknown) | undefined} signer
 * @property {((event: object) => unknown) | undefined} onRequest
 * @property {((event: object) => unknown) | undefined} onResponse
 * @property {((line: string) => void) | undefined} log where the attempts' log lines go
 * @property {object | undefined} tracer an OpenTelemetry `Tracer`, for a span per attempt
 * @property {import('./tokens.js').TokenSource | undefined} tokens
 * @property {string | undefined} userAgent the `user-agent` header, where the platform takes one
 */

/**
 * Runs a call to completion: the result (the body with a non-enumerable `lastResponse`, or
 * `{ status, requestId }` for a 202), or the error of its last attempt. The call's wasm memory is
 * freed when it settles, either way.
 * @param {Transport} transport
 * @param {import('./wasm-core').CallCore} call
 * @param {AbortSignal | undefined} signal
 * @param {string[]} [extra] the call's own headers, `[name, value, …]`, checked
 * @returns {Promise<any>}
 */
export async function run(transport, call, signal, extra = []) {
  try {
    return await attempts(transport, call, signal, extra);
  } finally {
    call.free();
  }
}

/**
 * The attempts of a call, until the core says it is done or failed.
 * @param {Transport} transport
 * @param {import('./wasm-core').CallCore} call
 * @param {AbortSignal | undefined} signal
 * @param {string[]} extra
 * @returns {Promise<any>}
 */
async function attempts(transport, call, signal, extra) {
  const { method, url, body, maxResponseBytes } = call;
  const { userAgent } = transport;
  const watched = transport.onRequest !== undefined || transport.onResponse !== undefined || transport.log !== undefined || transport.tracer !== undefined;
  const path = watched ? call.path : '';
  const tokens = transport.tokens;
  /** @param {number} status @param {string | undefined} contentType */
  const wantsBody = (status, contentType) => call.wantsBody(status, contentType);
  for (let attempt = 1; ; attempt += 1) {
    if (signal?.aborted) throw signal.reason;
    // A token at hand (a fixed one, or the provider's while usable) is taken without an await.
    const lease = tokens === undefined ? undefined : (tokens.ready() ?? (await tokens.current(signal, call.timeLimit(Date.now()))));
    // Names and values in turn, each ended by a line feed (src/wasm/call.rs).
    let headers = call.plan(lease?.token, Date.now()).split('\n');
    headers.pop();
    if (userAgent !== undefined) headers.push('user-agent', userAgent);
    for (let i = 0; i < extra.length; i += 1) headers.push(extra[i]);
    if (transport.signer) headers = headers.concat(await sign(transport.signer, { method, url, headers, body }, signal, call.timeLimit(Date.now())));
    /** @type {ReturnType<typeof watch<import('./runtime.js').AttemptResult>> | undefined} */
    let watcher;
    /** @type {import('./runtime.js').AttemptResult} */
    let result;
    if (watched) {
      const sent = headers;
      const send = () => transport.exchange(transport, method, url, sent, body, call.attemptTimeoutMs, signal, maxResponseBytes, wantsBody);
      const event = { method, url, path, attempt, headers: {} };
      if (transport.onRequest) {
        event.headers = redacted(headers);
        callHook(transport.onRequest, event);
      }
      watcher = watch(transport, event, send);
      result = await watcher.result;
    } else {
      result = await transport.exchange(transport, method, url, headers, body, call.attemptTimeoutMs, signal, maxResponseBytes, wantsBody);
    }
    if (result.failure === 'aborted') {
      watcher?.end({ status: 0, requestId: undefined, error: 'AbortError', retry: undefined });
      throw result.error;
    }
    const bytes = result.body ?? EMPTY;
    const verdict =
      result.failure === ''
        ? call.judge(result.status, result.requestId, result.contentType, result.retryAfter, bytes, Date.now(), Math.random())
        : call.judgeFailure(result.failure, networkMessage(result.error), result.status, result.requestId, Date.now(), Math.random());
    if (verdict === DONE_WITH_BODY || verdict === DONE_EMPTY) {
      watcher?.end({ status: result.status, requestId: result.requestId, error: undefined, retry: undefined });
      const meta = responseMeta(result);
      if (verdict === DONE_EMPTY) return meta;
      const value = JSON.parse(utf8.decode(bytes));
      // A descriptor with no prototype: an inherited `get` or `set` would make it invalid.
      Object.defineProperty(value, 'lastResponse', bare({ value: meta }));
      return value;
    }
    if (verdict === RETRY || verdict === REFRESH_TOKEN) {
      watcher?.end({ status: result.status, requestId: result.requestId, error: call.lastErrorName, retry: verdict === REFRESH_TOKEN ? 'token' : call.waitMs });
      if (verdict === REFRESH_TOKEN) tokens?.forget(lease);
      else await sleep(call.waitMs, signal);
      continue;
    }
    let error;
    try {
      error = call.error(call.problemBody ? parseOrUndefined(bytes) : undefined, result.error);
    } finally {
      watcher?.end({ status: result.status, requestId: result.requestId, error: error?.name ?? 'Error', retry: undefined });
    }
    throw error;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * What a call's result carries besides its body: `{ status, requestId }`, and the response's
 * `headers`, a non-enumerable getter (results compared or serialised stay as they were) that
 * copies them when first read, so a call that never asks pays nothing.
 * @param {import('./runtime.js').AttemptResult} result
 */
function responseMeta({ status, requestId, headers }) {
  const meta = { status, requestId };
  /** @type {Readonly<Record<string, string>> | undefined} */
  let copied;
  const get = () => (copied ??= headerRecord(headers));
  Object.defineProperty(meta, 'headers', bare({ get, configurable: true }));
  return meta;
}

/**
 * A response's headers as a frozen record by lower-case name (`Headers` joins repeated ones
 * with ", "); `Object.fromEntries` defines each name as its own member, so a header named
 * `__proto__` is one more header, not a prototype.
 * @param {unknown} headers
 * @returns {Readonly<Record<string, string>>}
 */
function headerRecord(headers) {
  const entries = methodOf(headers, 'entries');
  const pairs = entries === undefined ? [] : Array.from(/** @type {Iterable<[string, string]>} */ (entries.call(headers)), ([name, value]) => [String(name).toLowerCase(), String(value)]);
  return Object.freeze(Object.fromEntries(pairs));
}

/**
 * @param {Uint8Array} bytes
 * @returns {unknown}
 */
function parseOrUndefined(bytes) {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * What a rejected fetch said, with its cause's code where Node puts the reason; read defensively,
 * since a caller's fetch may reject with anything.
 * @param {unknown} error
 */
function networkMessage(error) {
  try {
    const text = inherent(error, 'message');
    const message = typeof text === 'string' ? text : typeof error === 'string' ? error : 'fetch failed';
    // Node's errors carry their code; its fetch's, on their cause.
    const code = [error, own(error, 'cause')].map((at) => own(at, 'code')).find((found) => typeof found === 'string');
    return code === undefined ? message : `${message} (${code})`;
  } catch {
    return 'fetch failed';
  }
}

/**
 * Asks the signer for this attempt's headers to add, bounded like every await on caller code.
 * What it resolves with is copied and checked (js/headers.js: names, values, no replacing).
 * @param {(request: object) => unknown} signer
 * @param {{ method: string, url: string, headers: string[], body: string | undefined }} request
 * @param {AbortSignal | undefined} signal
 * @param {number} timeoutMs
 * @returns {Promise<string[]>}
 */
async function sign(signer, request, signal, timeoutMs) {
  /** @type {Record<string, string>} */
  const headers = {};
  for (let i = 0; i < request.headers.length; i += 2) headers[request.headers[i]] = request.headers[i + 1];
  let added;
  try {
    added = await bounded(() => signer({ method: request.method, url: request.url, headers, body: request.body }), signal, timeoutMs, 'the signer');
  } catch (error) {
    throw error === signal?.reason ? error : signerFailure(error);
  }
  let flat;
  try {
    flat = headerList(added);
  } catch (error) {
    throw new SignerError('Signer failed: what it resolved with could not be read (a getter or Proxy threw)', { cause: error });
  }
  if (flat === undefined) throw new SignerError('Signer failed: it must resolve with an object (or a Headers) of headers to add');
  return checkedHeaders(flat, [], request.headers, (_, reason) => new SignerError(`Signer failed: it added ${reason}`));
}

/**
 * The headers as hooks see them, with secrets replaced.
 * @param {string[]} headers `[name, value, …]`
 */
function redacted(headers) {
  /** @type {Record<string, string>} */
  const shown = {};
  for (let i = 0; i < headers.length; i += 2) shown[headers[i]] = SECRET_HEADERS.has(headers[i]) ? '[redacted]' : headers[i + 1];
  return shown;
}
