// Timers and callbacks for the wasm core: what only JavaScript can do (setTimeout, listening to an
// AbortSignal, calling user code without letting it break a call).

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
