// Waiting for a change only the server makes (a CLOSING group becoming CLOSED): ask again after
// growing pauses, so a group that stays CLOSING for hours costs a request a minute rather than
// one a second, and stop the moment the view that asked goes away.

/**
 * A pause that ends early, rejecting with the signal's reason, when `signal` aborts.
 * @param {number} ms
 * @param {AbortSignal} signal
 * @returns {Promise<void>}
 */
export function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * Calls `check()` after 1 s, then after pauses growing by half each time up to `maxMs`, until it
 * resolves true. Rejects with the signal's reason once `signal` aborts.
 * @param {() => Promise<boolean>} check
 * @param {{ signal: AbortSignal, firstMs?: number, factor?: number, maxMs?: number }} options
 * @returns {Promise<void>}
 */
export async function pollUntil(check, { signal, firstMs = 1000, factor = 1.5, maxMs = 60_000 }) {
  for (let wait = firstMs; ; wait = Math.min(maxMs, wait * factor)) {
    await pause(wait, signal);
    if (await check()) return;
  }
}
