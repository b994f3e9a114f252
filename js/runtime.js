// @ts-check
// What only JavaScript can do: one HTTP attempt with its timer and signal, and sleeping.

import { bare, inherent, method as methodOf } from './plain.js';

/** Listener options with no prototype: the platform reads `signal`, `capture` and `passive` from
 * them, and none may come from a polluted `Object.prototype`. */
const ONCE = Object.freeze(bare({ once: true }));

/**
 * What one attempt brought: `failure` is '' with a response read whole, else 'aborted' (`error`
 * is the caller's reason), 'timeout', 'network' (`error` is what fetch threw) or 'too-large'.
 * @typedef {object} AttemptResult
 * @property {'' | 'aborted' | 'timeout' | 'network' | 'too-large'} failure
 * @property {number} status 0 when no response arrived
 * @property {string | undefined} requestId
 * @property {string | undefined} contentType
 * @property {string | undefined} retryAfter
 * @property {Uint8Array | undefined} body
 * @property {unknown} error
 * @property {unknown} headers the response's headers object, as fetch gave it (read lazily)
 */

/**
 * How one attempt is made: `exchange` over `fetch`, or the Node transport (js/node-http.js).
 * @typedef {(transport: { fetch: ((url: string, init: RequestInit) => Promise<Response>) | undefined, agent: unknown }, method: string, url: string, headerList: string[], body: string | undefined, timeoutMs: number, caller: AbortSignal | undefined, maxBytes: number, wantsBody: (status: number, contentType: string | undefined) => boolean) => Promise<AttemptResult>} Exchange
 */

/** The transport used when the caller gives no `fetch`: the Node entry binds the one on
 * node:http (js/node-http.js); the web and Workers entries bind none, so `fetch` is used. */
let defaultExchange = /** @type {Exchange | undefined} */ (undefined);

/** @param {Exchange} exchange */
export function bindDefaultExchange(exchange) {
  defaultExchange = exchange;
}

/** Whether this runtime has a default transport other than fetch (then `agent` applies). */
export const hasNodeTransport = () => defaultExchange !== undefined;

/**
 * The exchange a client's calls use: its `fetch` option's (the global `fetch` given as the
 * option is the same as none), else the runtime's default.
 * @param {unknown} fetchOption
 * @returns {Exchange}
 */
export function exchangeFor(fetchOption) {
  return fetchOption === undefined && defaultExchange !== undefined ? defaultExchange : exchange;
}

/** An attempt's result before anything arrived. @returns {AttemptResult} */
export const emptyResult = () => ({ failure: '', status: 0, requestId: undefined, contentType: undefined, retryAfter: undefined, body: undefined, error: undefined, headers: undefined });

/**
 * What a failed attempt was, by one rule for every transport: the caller's abort, else the
 * attempt's time limit, else the network (`error` is what the platform said).
 * @param {AttemptResult} result
 * @param {AbortSignal | undefined} caller
 * @param {boolean} timedOut
 * @param {unknown} error
 * @returns {AttemptResult}
 */
export function failed(result, caller, timedOut, error) {
  if (caller?.aborted) return { ...result, failure: 'aborted', error: caller.reason };
  if (timedOut) return { ...result, failure: 'timeout' };
  return { ...result, failure: 'network', error };
}

/**
 * The attempt's limits, one timer and one listener: `stop(reason)` is called once, when
 * `timeoutMs` passes (`timedOut()` is then true) or the caller's signal aborts; `clear()` ends
 * both. No `AbortSignal` is made here.
 * @param {number} timeoutMs
 * @param {AbortSignal | undefined} caller
 * @param {(reason: unknown) => void} stop
 */
export function attemptLimits(timeoutMs, caller, stop) {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop(new DOMException(`the attempt took longer than ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onAbort = () => stop(caller?.reason);
  caller?.addEventListener('abort', onAbort, ONCE);
  return {
    timedOut: () => timedOut,
    clear() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * An attempt's one outcome, for a transport that settles it from events: `settle` resolves it
 * once (and ends the limits), `fail` names a failure by `failed`'s rule; `stop(reason)` is called
 * when `timeoutMs` passes or the caller's signal aborts (see `attemptLimits`).
 * @param {AttemptResult} result
 * @param {number} timeoutMs
 * @param {AbortSignal | undefined} caller
 * @param {(outcome: AttemptResult) => void} resolve
 * @param {(reason: unknown) => void} stop
 */
export function attemptOutcome(result, timeoutMs, caller, resolve, stop) {
  let settled = false;
  const limits = attemptLimits(timeoutMs, caller, stop);
  const outcome = {
    settled: () => settled,
    timedOut: () => limits.timedOut(),
    /** @param {AttemptResult} value */
    settle(value) {
      if (settled) return;
      settled = true;
      limits.clear();
      resolve(value);
    },
    /** @param {unknown} error */
    fail(error) {
      outcome.settle(failed(result, caller, limits.timedOut(), error));
    },
  };
  return outcome;
}

/** What to do with a response's body, given its head. */
export const SKIP = 0;
export const TOO_LARGE = 1;
export const READ = 2;

/**
 * Fills `result` from a response's status and headers (`header(name)` gives a header's value
 * or `undefined`), and says what to do with its body: `SKIP` a body that will not be used
 * (dropped unread, whatever its size or pace), `TOO_LARGE` one that declares more than
 * `maxBytes`, else `READ`.
 * @param {AttemptResult} result
 * @param {number} status
 * @param {(name: string) => string | undefined} header
 * @param {number} maxBytes
 * @param {(status: number, contentType: string | undefined) => boolean} wantsBody
 */
export function readHead(result, status, header, maxBytes, wantsBody) {
  result.status = status;
  result.requestId = header('upvest-request-id');
  result.contentType = header('content-type');
  result.retryAfter = header('retry-after');
  if (!wantsBody(status, result.contentType)) return SKIP;
  return Number(header('content-length')) > maxBytes ? TOO_LARGE : READ;
}

/** A body's chunks, gathered up to a limit. */
export class Gathered {
  /** @param {number} maxBytes */
  constructor(maxBytes) {
    this.maxBytes = maxBytes;
    this.length = 0;
    /** @type {Uint8Array[]} */
    this.chunks = [];
  }

  /** Adds a chunk; false (and nothing kept) once the body is past the limit.
   * @param {Uint8Array} chunk */
  add(chunk) {
    this.length += chunk.length;
    if (this.length > this.maxBytes) {
      this.chunks = [];
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  /** The body, one array. */
  bytes() {
    const { chunks } = this;
    if (chunks.length === 1) return chunks[0];
    const bytes = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }
}

/**
 * One HTTP attempt over `fetch`, bounded by `timeoutMs` and the caller's signal; the body is
 * read as a stream and the read stops (and the connection is cancelled) as soon as more than
 * `maxBytes` arrived (counted after decompression). Never rejects.
 * @type {Exchange}
 */
export async function exchange({ fetch: fetchImpl }, method, url, headerList, body, timeoutMs, caller, maxBytes, wantsBody) {
  const result = emptyResult();
  if (caller?.aborted) return failed(result, caller, false, undefined);
  const controller = new AbortController();
  const { signal } = controller;
  const limits = attemptLimits(timeoutMs, caller, (reason) => controller.abort(reason));
  // A Headers object, as callers' own fetch functions may expect one (and set headers on it).
  const headers = new Headers();
  for (let i = 0; i < headerList.length; i += 2) headers.append(headerList[i], headerList[i + 1]);
  // A redirect would carry the credentials to another host; it is reported instead.
  /** @type {RequestInit} */
  // No prototype: Node's fetch reads `dispatcher` (and more) from it, which must never come from
  // a polluted `Object.prototype`.
  const init = bare({ method, headers, redirect: /** @type {RequestRedirect} */ ('manual'), signal, body });
  // The global fetch stops at the signal by itself; one supplied by the caller might not, so
  // its promises are raced against the signal.
  /** @type {<T>(promise: Promise<T>) => Promise<T>} */
  const bounded = fetchImpl ? (promise) => settleFirst(promise, signal) : (promise) => promise;
  try {
    const response = await bounded(fetchImpl ? fetchImpl(url, init) : fetch(url, init));
    const status = inherent(response, 'status');
    const responseHeaders = inherent(response, 'headers');
    const get = methodOf(responseHeaders, 'get');
    if (typeof status !== 'number' || get === undefined) {
      return { ...result, failure: 'network', error: new TypeError('fetch resolved with something that is not a Response') };
    }
    /** @param {string} name */
    const header = (name) => {
      const value = get.call(responseHeaders, name);
      return value == null ? undefined : String(value);
    };
    result.headers = responseHeaders;
    const next = readHead(result, status, header, maxBytes, wantsBody);
    if (next !== READ) {
      cancel(response);
      return next === SKIP ? { ...result, body: new Uint8Array(0) } : { ...result, failure: 'too-large' };
    }
    // A body whose length is declared, within the limit and not compressed cannot grow past what
    // it declared (fetch enforces it): read whole, which costs less than a stream. Any other is
    // read as a stream and cut off at the limit.
    const declared = Number(header('content-length'));
    const whole = declared <= maxBytes && header('content-encoding') === undefined && methodOf(response, 'arrayBuffer') !== undefined;
    const bytes = await bounded(whole ? response.arrayBuffer().then((buffer) => new Uint8Array(buffer)) : readBody(response, maxBytes));
    return bytes === undefined || bytes.length > maxBytes ? { ...result, failure: 'too-large' } : { ...result, body: bytes };
  } catch (error) {
    return failed(result, caller, limits.timedOut(), error);
  } finally {
    limits.clear();
  }
}

/**
 * A response's body, or `undefined` once it grows past `maxBytes` (the read then stops and the
 * stream is cancelled, so an endless or inflating body costs at most about `maxBytes`).
 * @param {Response} response
 * @param {number} maxBytes
 * @returns {Promise<Uint8Array | undefined>}
 */
async function readBody(response, maxBytes) {
  const stream = /** @type {ReadableStream<Uint8Array> | null | undefined} */ (inherent(response, 'body'));
  if (!stream || methodOf(stream, 'getReader') === undefined) {
    // A fetch of the caller's whose Response has no web stream: read whole, then measured.
    if (methodOf(response, 'arrayBuffer') === undefined) throw new TypeError('fetch resolved with a Response that has no body to read');
    const whole = new Uint8Array(await response.arrayBuffer());
    return whole.length > maxBytes ? undefined : whole;
  }
  const reader = stream.getReader();
  const gathered = new Gathered(maxBytes);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return gathered.bytes();
    if (!gathered.add(value)) {
      reader.cancel().catch(() => {});
      return undefined;
    }
  }
}

/** Cancels a body that will not be read; a body that cannot be cancelled is left to be dropped.
 * @param {Response} response */
function cancel(response) {
  try {
    const body = inherent(response, 'body');
    const cancelling = methodOf(body, 'cancel')?.call(body);
    methodOf(cancelling, 'catch')?.call(cancelling, () => {});
  } catch {
    // Nothing more to do.
  }
}

/**
 * Settles like `promise`, unless `signal` aborts first (it rejects with the signal's reason) or,
 * when `timeoutMs` is given, that time passes first (it rejects with what `timedOut` makes). So
 * neither a fetch implementation that ignores its signal nor caller code that never settles can
 * outlive a call's limits.
 * @template T
 * @param {T | PromiseLike<T>} promise
 * @param {AbortSignal | undefined} signal
 * @param {number} [timeoutMs]
 * @param {() => unknown} [timedOut]
 * @returns {Promise<T>}
 */
export function settleFirst(promise, signal, timeoutMs, timedOut) {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => settle(() => reject(signal?.reason));
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle(() => reject(timedOut?.())), timeoutMs);
    signal?.addEventListener('abort', onAbort, ONCE);
    /** @param {() => void} finish */
    function settle(finish) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      finish();
    }
    // A thenable whose `then` throws becomes a rejection here, not a throw.
    Promise.resolve(promise).then(
      (value) => settle(() => resolve(value)),
      (error) => settle(() => reject(error)),
    );
  });
}

/**
 * Resolves after `ms`; rejects with the signal's reason at once when it aborts.
 * @param {number} ms
 * @param {AbortSignal | undefined} signal
 * @returns {Promise<void>}
 */
export function sleep(ms, signal) {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, ONCE);
  });
}
