// Driving async code under node:test's mocked timers: the clock (`Date.now()` and `setTimeout`)
// moves only when everything runnable has run, straight to the next timer, so a sleep of 30 s
// takes no time and is measured exactly. (Not a test file.)

/** Mocks `setTimeout` and `Date` for the rest of the test `t`, from `now`.
 * @param {import('node:test').TestContext} t
 * @param {number} [now] */
export function fakeClock(t, now = 1_795_000_000_000) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now });
  return t.mock.timers;
}

/** Resolves once the event loop has run everything runnable (setImmediate is not mocked). */
export const idle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Settles `promise` under the fake clock: whenever nothing more can run, `onIdle` is called (it
 * may abort a signal, say) and then the pending timers fire, the clock moving to the furthest
 * one (the code under test keeps one at a time). Resolves with `{ value }` or `{ error }`;
 * throws when the promise neither settles nor waits for a timer.
 * @param {Promise<unknown>} promise
 * @param {{ runAll(): void }} timers
 * @param {(round: number) => void} [onIdle]
 * @returns {Promise<{ value?: unknown, error?: unknown }>}
 */
export async function settle(promise, timers, onIdle) {
  /** @type {{ value?: unknown, error?: unknown } | undefined} */
  let outcome;
  promise.then(
    (value) => (outcome = { value }),
    (error) => (outcome = { error }),
  );
  for (let round = 0; round < 1000; round += 1) {
    await idle();
    if (outcome) return outcome;
    onIdle?.(round);
    timers.runAll();
  }
  throw new Error('the promise neither settled nor waited for a timer in 1000 rounds');
}
