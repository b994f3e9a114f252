// A scripted stand-in for the wasm core, for unit tests of the JavaScript that run from the
// source in js/ with no cargo and no wasm build (npm run test:unit). It answers only what the
// modules under test ask of it, in the core's terms, and records what it was handed; what the
// real core decides is tested natively (src/core/) and against the real core in tests/node/.
// Importing it binds it (js/core.js). (Not a test file.)
import { bindCore } from '../../js/core.js';
import { createError, UpvestError, WebhookError } from '../../js/errors.js';
import { webhookSignature } from './fake-webhook-signature.mjs';

/** What `CallCore.judge` answers, as the driver reads it: generated from api/src/seam.rs. */
import { DONE_WITH_BODY, DONE_EMPTY, RETRY, REFRESH_TOKEN, FAIL } from '../../js/seam.js';
export { DONE_WITH_BODY, DONE_EMPTY, RETRY, REFRESH_TOKEN, FAIL };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The core's reading of a delivery, reduced to what the receiver needs: `{ payload: [events] }`
 * whose events have UUID ids and a CATEGORY.ACTION type; anything else a WebhookError 'shape'. */
function webhookEvents(parsed) {
  const payload = parsed?.payload;
  if (!Array.isArray(payload)) throw new WebhookError('Invalid webhook delivery: payload must be an array of events', { code: 'shape' });
  payload.forEach((event, i) => {
    if (!UUID.test(event?.id ?? '') || !/^[A-Z_]+\.[A-Z_]+$/.test(event?.type ?? '')) {
      throw new WebhookError(`Invalid webhook delivery: payload[${i}] is not an event`, { code: 'shape' });
    }
  });
  return payload;
}

/** What `checkProvidedToken` was handed, in order (the token tests read and clear it). */
export const providedTokens = [];

/** The core's reading of a token provider's answer (src/core/token.rs, reduced): a string is
 * usable forever, `{ access_token, expires_in }` until its lifetime less half of it; anything else
 * an `UpvestError`. */
function checkProvidedToken(value, nowMs) {
  providedTokens.push(value);
  if (typeof value === 'string' && value !== '') return { token: value, usableUntil: Infinity };
  const token = value?.access_token;
  if (typeof token !== 'string' || token === '') throw new UpvestError('Token provider failed: the token provider must resolve with a string or { access_token, expires_in }');
  const lifetime = value.expires_in === undefined ? Infinity : value.expires_in * 1000;
  return { token, usableUntil: nowMs + lifetime / 2 };
}

bindCore(/** @type {any} */ ({ webhookEvents, checkProvidedToken, webhookSignature }));

/**
 * One verdict of a scripted call, as the core would give it for an attempt.
 * @typedef {object} Step
 * @property {number} verdict DONE_WITH_BODY … FAIL
 * @property {number} [waitMs] after RETRY
 * @property {boolean} [problemBody] after FAIL: whether the body is to be parsed and handed to `error`
 * @property {string} [errorName] the error class of the attempt (retried or failed)
 */

/**
 * A CallCore (js/wasm-core.d.ts, src/wasm/call.rs) that replays `steps`, one per judged attempt,
 * and records what the driver handed it: per attempt the token and time of `plan`, and the
 * status, bytes or failure of `judge`/`judgeFailure`. It refuses what the real one never sees
 * (a judgement without a plan, more attempts than scripted, any use after `free`).
 */
export class ScriptedCall {
  /**
   * @param {object} script
   * @param {Step[]} script.steps
   * @param {'GET' | 'POST' | 'DELETE'} [script.method]
   * @param {string} [script.url]
   * @param {string} [script.path]
   * @param {string} [script.body]
   * @param {number} [script.attemptTimeoutMs]
   * @param {number} [script.timeLimitMs] what `timeLimit` answers
   * @param {number} [script.maxResponseBytes]
   */
  constructor({ steps, method = 'GET', url = 'https://api.test/account_groups/g1', path = '/account_groups/g1', body, attemptTimeoutMs = 5000, timeLimitMs = 5000, maxResponseBytes = 1 << 20 }) {
    Object.assign(this, { steps, method, url, path, body, attemptTimeoutMs, timeLimitMs, maxResponseBytes });
    /** @type {{ token: string | undefined, plannedAt: number, headers: string[], judged?: object }[]} */
    this.attempts = [];
    /** @type {{ problem: unknown, cause: unknown, error: Error }[]} */
    this.errors = [];
    this.freed = 0;
    this.timeLimits = [];
  }

  #live() {
    if (this.freed > 0) throw new Error('the call was used after free()');
  }

  /** The current attempt's step, once judged. */
  get #step() {
    const step = this.steps[this.attempts.length - 1];
    if (step === undefined || this.attempts.at(-1)?.judged === undefined) throw new Error('a verdict was read before a judgement');
    return step;
  }

  timeLimit(nowMs) {
    this.#live();
    this.timeLimits.push(nowMs);
    return this.timeLimitMs;
  }

  plan(token, nowMs) {
    this.#live();
    if (this.attempts.length > 0 && this.attempts.at(-1).judged === undefined) throw new Error('planned again before the attempt was judged');
    if (this.attempts.length >= this.steps.length) throw new Error(`attempt ${this.attempts.length + 1} is past the script (${this.steps.length} steps)`);
    const headers = ['accept', 'application/json', 'upvest-client-id', 'client-1'];
    if (token !== undefined) headers.unshift('authorization', `Bearer ${token}`);
    this.attempts.push({ token, plannedAt: nowMs, headers: [...headers] });
    return headers.map((text) => `${text}\n`).join('');
  }

  wantsBody(status, contentType) {
    this.#live();
    return status !== 204 && status !== 202 && (contentType === undefined || contentType.includes('json'));
  }

  #judge(judged) {
    this.#live();
    const attempt = this.attempts.at(-1);
    if (attempt === undefined || attempt.judged !== undefined) throw new Error('judged without a plan');
    attempt.judged = judged;
    return this.steps[this.attempts.length - 1].verdict;
  }

  judge(status, requestId, contentType, retryAfter, body, nowMs, random) {
    return this.#judge({ failure: '', status, requestId, contentType, retryAfter, body: Uint8Array.from(body), nowMs, random });
  }

  judgeFailure(failure, message, status, requestId, nowMs, random) {
    return this.#judge({ failure, message, status, requestId, nowMs, random });
  }

  get waitMs() {
    return this.#step.waitMs ?? 0;
  }

  get problemBody() {
    return this.#step.problemBody ?? false;
  }

  get lastErrorName() {
    const step = this.#step;
    return step.verdict <= DONE_EMPTY ? undefined : (step.errorName ?? 'ProblemError');
  }

  error(problem, cause) {
    const step = this.#step;
    if (step.verdict !== FAIL) throw new Error('error() asked of a call that did not fail');
    const error = createError(step.errorName ?? 'ProblemError', `scripted failure of attempt ${this.attempts.length}`, { problem, cause });
    this.errors.push({ problem, cause, error });
    return error;
  }

  free() {
    this.freed += 1;
  }
}

/**
 * A PagerCore (js/wasm-core.d.ts) over scripted pages: `next()` hands out one ScriptedCall a
 * page while `pages` lasts (none once `stopAfter` pages were advanced over, as the core says when
 * the list is done), and `advance` records what it was told, or throws what `refuse(n)` makes
 * for page n (the core refusing a page that does not continue the iteration).
 */
export class ScriptedPager {
  /**
   * @param {object} script
   * @param {Step[][]} script.calls the steps of each page's call
   * @param {(page: number) => Error | undefined} [script.refuse]
   */
  constructor({ calls, refuse = () => undefined }) {
    this.callSteps = calls;
    this.refuse = refuse;
    /** @type {ScriptedCall[]} */
    this.handedOut = [];
    /** @type {{ offset: number, received: number, totalCount: number, seen: number, requestId: string | undefined }[]} */
    this.advanced = [];
    this.freed = 0;
  }

  next() {
    if (this.freed > 0) throw new Error('the pager was used after free()');
    if (this.handedOut.length !== this.advanced.length) throw new Error('next() before the previous page was advanced over');
    const steps = this.callSteps[this.handedOut.length];
    if (steps === undefined) return undefined;
    const call = new ScriptedCall({ steps, url: `https://api.test/account_groups?page=${this.handedOut.length}`, path: '/account_groups' });
    this.handedOut.push(call);
    return call;
  }

  advance(offset, received, totalCount, seen, requestId) {
    if (this.freed > 0) throw new Error('the pager was used after free()');
    this.advanced.push({ offset, received, totalCount, seen, requestId });
    const refused = this.refuse(this.advanced.length - 1);
    if (refused !== undefined) throw refused;
  }

  free() {
    this.freed += 1;
  }
}
