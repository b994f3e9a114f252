// What only JavaScript can do, for the wasm core: timers, listening to an AbortSignal, calling
// user code without letting it break a call, the async-iterator protocol, and text decoding.
// (Kept in one file: each snippet is one more module a page loads before the wasm.)

/** One attempt's time limit, joined with the caller's AbortSignal. */
export class AttemptTimer {
  constructor(ms, caller) {
    this.controller = new AbortController();
    this.timedOut = false;
    this.caller = caller;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new DOMException(`the attempt took longer than ${ms} ms`, 'TimeoutError'));
    }, ms);
    this.onAbort = () => this.controller.abort(caller.reason);
    if (caller?.aborted) this.onAbort();
    else caller?.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal() {
    return this.controller.signal;
  }

  dispose() {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onAbort);
  }
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

/** @internal The wasm page cursor as an async iterable for `for await`. Calls to next() are
 * chained, so a caller that does not await one before the next still gets items in order. */
export function toAsyncIterable(cursor) {
  let previous = Promise.resolve();
  const iterator = {
    next() {
      const step = previous.then(() => cursor.next());
      previous = step.catch(() => {});
      return step;
    },
    // `break`, `return` or a throw inside `for await` lands here: no page is fetched after it.
    return(value) {
      cursor.finish();
      return Promise.resolve({ done: true, value });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** @internal A webhook's raw body as text: a string as it is; bytes decoded as strict UTF-8. */
export function decodeBody(raw) {
  if (typeof raw === 'string') return raw;
  if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
  }
  throw new TypeError('the raw body must be a string, a Uint8Array (a Buffer) or an ArrayBuffer');
}
