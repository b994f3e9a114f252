// What only JavaScript can do, for the wasm core: one HTTP attempt with its timer and signal,
// calling user code without letting it break a call, the async-iterator protocol, and reading
// webhook bodies (which stay out of wasm memory).
// (Kept in one file: each snippet is one more module a page loads before the wasm.)

import { WebhookError } from './errors.js';

const utf8 = new TextDecoder();

/**
 * @internal One HTTP attempt, start to end in JavaScript, so that the wasm transport crosses the
 * boundary once per attempt instead of once per header, promise and property. Bounded by
 * `timeoutMs` and the caller's signal; reads at most `maxBytes`. Never rejects: it resolves with
 * `{ failure: '', status, requestId, contentType, retryAfter, body }` (the body as bytes), or with
 * `failure` set to 'aborted' (`error` is the caller's reason), 'timeout', 'network' (`error` is
 * what fetch threw) or 'too-large'.
 * @param headerLines `name:value` lines joined by newlines (no header value holds a newline).
 */
export async function exchange(fetchImpl, method, url, headerLines, body, timeoutMs, caller, maxBytes) {
  if (caller?.aborted) return { failure: 'aborted', error: caller.reason };
  const controller = new AbortController();
  const { signal } = controller;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`the attempt took longer than ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onAbort = () => controller.abort(caller.reason);
  caller?.addEventListener('abort', onAbort, { once: true });
  // A Headers object, as callers' own fetch functions may expect one (and set headers on it).
  const headers = new Headers();
  for (const line of headerLines.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon), line.slice(colon + 1));
  }
  // A redirect would carry the credentials to another host; it is reported instead.
  const init = { method, headers, redirect: 'manual', signal, body };
  // The global fetch stops at the signal by itself; one supplied by the caller might not, so
  // its promises are raced against the signal.
  const bounded = fetchImpl ? (promise) => untilAborted(promise, signal) : (promise) => promise;
  try {
    const response = await bounded(fetchImpl ? fetchImpl(url, init) : fetch(url, init));
    if (typeof response?.status !== 'number' || typeof response.arrayBuffer !== 'function' || typeof response.headers?.get !== 'function') {
      return { failure: 'network', error: new TypeError('fetch resolved with something that is not a Response') };
    }
    const header = (name) => {
      const value = response.headers.get(name);
      return value == null ? undefined : String(value);
    };
    const result = { failure: '', status: response.status, requestId: header('upvest-request-id'), contentType: header('content-type'), retryAfter: header('retry-after') };
    if (Number(header('content-length')) > maxBytes) {
      try {
        // A web stream is cancelled; another kind of body (node-fetch's) is left to be dropped.
        response.body?.cancel?.()?.catch?.(() => {});
      } catch {
        // Nothing more to do for a body that cannot be cancelled.
      }
      return { ...result, failure: 'too-large' };
    }
    const bytes = new Uint8Array(await bounded(response.arrayBuffer()));
    return bytes.length > maxBytes ? { ...result, failure: 'too-large' } : { ...result, body: bytes };
  } catch (error) {
    if (caller?.aborted) return { failure: 'aborted', error: caller.reason };
    if (timedOut) return { failure: 'timeout' };
    return { failure: 'network', error };
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onAbort);
  }
}

/** @internal A JSON body's value, parsed by the platform from its UTF-8 bytes. */
export function parseJson(bytes) {
  return JSON.parse(utf8.decode(bytes));
}

/** @internal Gives a result its non-enumerable `lastResponse`, so the body still equals (and
 * serialises as) what the API sent; returns `{ status, requestId }` when there is no body. */
export function withResponse(body, status, requestId) {
  const meta = { status, requestId };
  if (body === undefined) return meta;
  Object.defineProperty(body, 'lastResponse', { value: meta });
  return body;
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts, so a fetch
 * implementation that ignores its signal cannot outlive a time limit. */
export function untilAborted(promise, signal) {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Resolves after `ms`; rejects with the signal's reason at once when it aborts. */
export function sleep(ms, signal) {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Calls an observability hook; whatever it throws or rejects with is swallowed. */
export function callHook(hook, event) {
  try {
    const result = hook(event);
    if (result && typeof result.then === 'function') result.then(undefined, () => {});
  } catch {
    // A broken hook must not break the call it observes.
  }
}

/** Calls a user callback and always returns a promise (a synchronous throw becomes a rejection). */
export function callAsync(callback, argument) {
  try {
    return Promise.resolve(callback(argument));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** @internal The wasm page cursor as an async iterable for `for await`. Pages come from wasm
 * (`nextPage`, which holds the paging policy); the items of a page are handed out here, without a
 * crossing per item. A `next()` made before the previous one settled waits for it, so items come
 * in order however the caller calls. */
export function toAsyncIterable(cursor) {
  let page = [];
  let index = 0;
  let closed = false;
  let pending = null;
  const pull = async () => {
    for (;;) {
      if (index < page.length) return { value: page[index++], done: false };
      const data = closed ? undefined : await cursor.nextPage();
      if (data === undefined || closed) return { value: undefined, done: true };
      page = data;
      index = 0;
    }
  };
  const iterator = {
    next() {
      if (pending === null && index < page.length) return Promise.resolve({ value: page[index++], done: false });
      const step = (pending ?? Promise.resolve()).then(pull);
      // Once this step settles, either way, and no later one waits on it, the fast path is open.
      const release = () => {
        if (pending === settled) pending = null;
      };
      const settled = step.then(release, release);
      pending = settled;
      return step;
    },
    // `break`, `return` or a throw inside `for await` lands here: no page is fetched after it.
    return(value) {
      closed = true;
      page = [];
      cursor.finish();
      return Promise.resolve({ done: true, value });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** @internal The `[name, value]` pairs of the headers a signer resolved with: a plain object, or
 * a `Headers` (or anything else with `entries()`); `undefined` when it is neither. */
export function headerEntries(value) {
  if (typeof value !== 'object' || value === null) return undefined;
  return typeof value.entries === 'function' ? Array.from(value.entries()) : Object.entries(value);
}

const webhookError = (code, reason) => new WebhookError(`Invalid webhook delivery: ${reason}`, { code });

/** @internal Refuses a webhook body over `maxBytes` (UTF-8 bytes, for a string), and anything
 * that is not a body, before it is verified or parsed. */
export function checkWebhookBodySize(raw, maxBytes) {
  if (utf8Length(raw, maxBytes) > maxBytes) throw webhookError('too-large', `the body is larger than ${maxBytes} bytes (maxBodyBytes)`);
}

/** How many bytes a body is; for a string, its UTF-8 length, counted only as far as it matters. */
function utf8Length(raw, maxBytes) {
  if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) return raw.byteLength;
  if (typeof raw !== 'string') throw webhookError('encoding', 'the raw body must be a string, a Uint8Array (a Buffer) or an ArrayBuffer');
  // Every UTF-16 unit is at least one UTF-8 byte and at most three.
  if (raw.length > maxBytes || raw.length * 3 <= maxBytes) return raw.length;
  let bytes = raw.length;
  for (let i = 0; i < raw.length; i += 1) {
    const unit = raw.charCodeAt(i);
    // U+0080..U+07FF take two bytes, the rest of the BMP three; each half of a surrogate pair
    // counts two of the pair's four.
    if (unit >= 0x80) bytes += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}

/** @internal A webhook's raw body decoded (strict UTF-8, for bytes) and parsed by the platform. */
export function parseWebhookBody(raw) {
  let text;
  try {
    text = typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (error) {
    throw webhookError('encoding', `the body could not be read as UTF-8 text (${error.message})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw webhookError('json', 'the body is not valid JSON');
  }
}
