// Seeded random schedules of what a server and a network can do to one call, in the vocabulary
// of src/core/simulate.rs (statuses, Retry-After in every form, 401s, dropped connections,
// time-outs, bodies too large, malformed bodies), each paired with the verdict a core gives it,
// plus what the caller does around it (token source, signer, hooks, an abort). The driver's test
// replays them through a scripted core and transport. (Not a test file.)
import { DONE_EMPTY, DONE_WITH_BODY, FAIL, REFRESH_TOKEN, RETRY } from './fake-core.mjs';
import { response } from './scripted-transport.mjs';

const MASK = (1n << 64n) - 1n;

/** SplitMix64, as in src/core/simulate.rs: small, fast, and good enough to draw schedules. */
export class SplitMix64 {
  /** @param {number | bigint} seed */
  constructor(seed) {
    this.state = BigInt(seed) & MASK;
  }

  next() {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    return z ^ (z >> 31n);
  }

  /** @param {number} n */
  below(n) {
    return Number(this.next() % BigInt(n));
  }

  /** @template T @param {readonly T[]} items @returns {T} */
  pick(items) {
    return items[this.below(items.length)];
  }
}

const GROUP = '{"id":"9d95820d-4333-46b6-98de-04ab7512e76f","type":"ISA","status":"ACTIVE","users":[{"id":"413715f2-5401-4b97-8055-034a6b879f8c","type":"OWNER"}]}';
const PROBLEM = '{"type":"https://docs.upvest.co/errors/x","status":500,"title":"t"}';
const TRANSIENT = [408, 429, 500, 502, 503, 504];
const MAX_WAIT_MS = 30_000;

/** A network failure as Node's fetch reports one: the code on the cause. */
const networkError = () => new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });

/** A `Retry-After` the server might send, and the wait a core makes of it. @param {SplitMix64} rng */
function retryAfter(rng) {
  switch (rng.below(6)) {
    case 0:
      return ['0', 0];
    case 1: {
      const seconds = rng.below(100);
      return [String(seconds), Math.min(seconds * 1000, MAX_WAIT_MS)];
    }
    case 2:
      return ['Wed, 25 Nov 2026 02:00:00 GMT', 0];
    case 3:
      return [rng.pick(['soon', '-1', '1.5', '', ' 7 ', '99999999999999999999']), rng.below(2000)];
    default:
      return [undefined, rng.below(2000)];
  }
}

/**
 * One attempt: what came back, and the core's verdict on it.
 * @param {SplitMix64} rng
 * @param {{ retriesLeft: boolean, refreshable: boolean }} state
 * @returns {{ result: import('./scripted-transport.mjs').Scripted, step: import('./fake-core.mjs').Step }}
 */
function attempt(rng, { retriesLeft, refreshable }) {
  const event = rng.below(16);
  if (event === 0) {
    return { result: { failure: 'network', error: networkError() }, step: retriesLeft ? { verdict: RETRY, waitMs: rng.below(2000), errorName: 'NetworkError' } : { verdict: FAIL, errorName: 'NetworkError' } };
  }
  if (event === 1) return { result: { failure: 'timeout' }, step: { verdict: FAIL, errorName: 'TimeoutError' } };
  if (event === 2) return { result: { failure: 'too-large', status: 200, requestId: 'req-large' }, step: { verdict: FAIL, errorName: 'ResponseError' } };
  if (event <= 8) {
    if (rng.below(4) === 0) return { result: response(202, '', { 'content-type': 'application/json' }), step: { verdict: DONE_EMPTY } };
    const [body, good] = rng.pick([
      [GROUP, true],
      [GROUP, true],
      [GROUP.slice(0, GROUP.length / 2), false],
      ['[]', false],
      ['{"id":"nope"}', false],
    ]);
    const contentType = rng.pick(['application/json', 'application/json; charset=utf-8', 'text/html']);
    const meetsContract = good && contentType.startsWith('application/json');
    return { result: response(200, body, { 'content-type': contentType, 'x-Custom': 'A' }), step: meetsContract ? { verdict: DONE_WITH_BODY } : { verdict: FAIL, errorName: 'ResponseError' } };
  }
  const status = rng.pick([301, 400, 401, 401, 401, 403, 404, 408, 409, 422, 429, 429, 500, 502, 503, 503, 504]);
  const [after, waitMs] = retryAfter(rng);
  const body = rng.pick([PROBLEM, 'not json', '', '{}']);
  const headers = { 'content-type': 'application/problem+json', ...(after === undefined ? {} : { 'retry-after': after }) };
  let step;
  if (status === 401 && refreshable) step = { verdict: REFRESH_TOKEN, errorName: 'ProblemError' };
  else if (TRANSIENT.includes(status) && retriesLeft) step = { verdict: RETRY, waitMs, errorName: 'ProblemError' };
  else step = { verdict: FAIL, problemBody: rng.below(4) !== 0, errorName: 'ProblemError' };
  return { result: response(status, body, headers), step };
}

/**
 * @typedef {object} Schedule
 * @property {number} seed
 * @property {'none' | 'fixed' | 'provider'} tokens
 * @property {'none' | 'sync' | 'async'} signer
 * @property {boolean} watched whether onRequest, onResponse and a log are given
 * @property {boolean} throwingHooks whether those hooks throw
 * @property {string | undefined} userAgent
 * @property {string[]} extra the call's own headers
 * @property {import('./scripted-transport.mjs').Scripted[]} results
 * @property {import('./fake-core.mjs').Step[]} steps
 * @property {{ attempt: number, phase: 'before' | 'exchange' | 'sleep' } | undefined} abort
 */

/**
 * A schedule drawn from `seed`: attempts until the core's verdict is final (retries bounded by a
 * drawn maxRetries, one token refresh at most, as the core's policy has it).
 * @param {number} seed
 * @returns {Schedule}
 */
export function schedule(seed) {
  const rng = new SplitMix64(seed);
  const tokens = rng.pick(/** @type {const} */ (['none', 'fixed', 'provider', 'provider']));
  const maxRetries = rng.below(6);
  let retries = 0;
  let refreshed = false;
  const results = [];
  const steps = [];
  for (;;) {
    const { result, step } = attempt(rng, { retriesLeft: retries < maxRetries, refreshable: tokens === 'provider' && !refreshed });
    results.push(result);
    steps.push(step);
    if (step.verdict === RETRY) retries += 1;
    else if (step.verdict === REFRESH_TOKEN) refreshed = true;
    else break;
  }
  let abort;
  if (rng.below(5) === 0) {
    const at = rng.below(steps.length);
    const phase = rng.pick(/** @type {const} */ (['before', 'exchange', 'sleep']));
    abort = phase === 'before' ? { attempt: 0, phase } : { attempt: at, phase: phase === 'sleep' && steps[at].verdict !== RETRY ? 'exchange' : phase };
  }
  return {
    seed,
    tokens,
    signer: rng.pick(/** @type {const} */ (['none', 'sync', 'async'])),
    watched: rng.below(2) === 0,
    throwingHooks: rng.below(4) === 0,
    userAgent: rng.below(2) === 0 ? 'test-agent/1' : undefined,
    extra: rng.below(2) === 0 ? ['x-trace', `t-${seed}`] : [],
    results,
    steps,
    abort,
  };
}
