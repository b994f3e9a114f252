// @ts-check
// `mock.deliverWebhooks(…)`: the in-process mock sends its webhook deliveries as Upvest does, and
// as the `upvest-mock` binary does with several `--webhook-url`s (mock/src/webhooks.rs): one
// delivery at a time; each POST to the target after the previous POST's (round-robin, as a load
// balancer in front of a receiver's replicas, so a retry lands on another one); a delivery not
// answered with 2xx is retried after 1, 2, 3, 5, 8 … (at most 600) × the base, without end, and
// every later delivery waits behind it.

import { bare, inherent, method } from '../members.js';
import { settleFirst, sleep } from '../runtime.js';

/** Upvest's longest wait between two attempts, in multiples of the base (600 s). */
const MAX_BACKOFF = 600;
/** How long one attempt may take before it counts as failed, as for the binary. */
const ATTEMPT_LIMIT_MS = 10_000;
/** How often an idle loop looks for new deliveries (and lets closing groups become CLOSED). */
const POLL_MS = 20;
/** The longest wait a timer takes. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Listener options with no prototype, so none come from a polluted `Object.prototype`. */
const ONCE = Object.freeze(bare({ once: true }));

/**
 * Where the loop sends: `url` is what the request carries and is signed for.
 * @typedef {{ url: URL, send: (request: Request) => unknown }} Target
 */

/**
 * The mock's side of the loop.
 * @typedef {object} DeliverySource
 * @property {() => string | undefined} next the oldest body nobody has taken yet
 * @property {(body: string) => void} putBack returns a body not yet delivered to the front
 * @property {(url: URL, body: string) => import('./mock').WebhookDelivery} sign signed now for `url`
 */

/**
 * Starts the loop; it runs until `stop()`.
 * @param {DeliverySource} source
 * @param {Target[]} targets at least one
 * @param {number} retryBaseMs
 * @returns {import('./mock').WebhookDeliveryLoop}
 */
export function startDelivering(source, targets, retryBaseMs) {
  const stopping = new AbortController();
  let delivered = 0;
  let failedAttempts = 0;
  let turn = 0;

  /** Sends `body` until a target answers 2xx; rejects only when stopped. @param {string} body */
  async function deliver(body) {
    let [wait, following] = [1, 2];
    for (;;) {
      const target = targets[turn];
      turn = (turn + 1) % targets.length;
      if (await attempt(target, body)) return;
      // An attempt cut short by stop() did not fail: the delivery goes back to the mock.
      stopping.signal.throwIfAborted();
      failedAttempts += 1;
      await sleep(Math.min(retryBaseMs * wait, MAX_TIMER_MS), stopping.signal);
      [wait, following] = [following, Math.min(wait + following, MAX_BACKOFF)];
    }
  }

  /**
   * One POST, signed now for its target; true on a 2xx answer. Bounded by the attempt limit and
   * by `stop()`, also for a function target that ignores its request's signal. Never rejects.
   * @param {Target} target @param {string} body
   */
  async function attempt(target, body) {
    const controller = new AbortController();
    const onStop = () => controller.abort(stopping.signal.reason);
    stopping.signal.addEventListener('abort', onStop, ONCE);
    try {
      const { method: verb, url, headers } = source.sign(target.url, body);
      const request = new Request(url, bare({ method: verb, headers, body, signal: controller.signal, redirect: /** @type {RequestRedirect} */ ('manual') }));
      const timedOut = () => {
        const reason = new DOMException(`the attempt took longer than ${ATTEMPT_LIMIT_MS} ms`, 'TimeoutError');
        controller.abort(reason);
        return reason;
      };
      const response = await settleFirst(target.send(request), controller.signal, ATTEMPT_LIMIT_MS, timedOut);
      const status = inherent(response, 'status');
      // An answer's body is not read: cancelling it frees the connection.
      const responseBody = inherent(response, 'body');
      method(responseBody, 'cancel')?.call(responseBody)?.catch?.(() => {});
      return typeof status === 'number' && status >= 200 && status <= 299;
    } catch {
      return false;
    } finally {
      stopping.signal.removeEventListener('abort', onStop);
    }
  }

  const running = (async () => {
    while (!stopping.signal.aborted) {
      const body = source.next();
      try {
        if (body === undefined) {
          await sleep(POLL_MS, stopping.signal);
        } else {
          await deliver(body);
          delivered += 1;
        }
      } catch {
        // Stopped: a delivery under way stays with the mock, to be sent (or taken) later.
        if (body !== undefined) source.putBack(body);
      }
    }
  })();

  return {
    get delivered() {
      return delivered;
    },
    get failedAttempts() {
      return failedAttempts;
    },
    async stop() {
      stopping.abort(new DOMException('mock.deliverWebhooks was stopped', 'AbortError'));
      await running;
    },
  };
}
