// The driver (js/driver.js) from its source, over a scripted core and transport: seeded random
// schedules in the vocabulary of src/core/simulate.rs, each replayed under a fake clock and
// checked against what the driver promises (it does what the core says, and only that), and
// the bounds on caller code one at a time.
import { DONE_EMPTY, DONE_WITH_BODY, FAIL, REFRESH_TOKEN, RETRY, ScriptedCall } from './fake-core.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../js/driver.js';
import { SignerError, TimeoutError, UpvestError } from '../../js/errors.js';
import { emptyResult } from '../../js/runtime.js';
import { TokenSource } from '../../js/tokens.js';
import { fakeClock, settle } from './fake-clock.mjs';
import { schedule, SplitMix64 } from './schedules.mjs';
import { response, scriptedExchange } from './scripted-transport.mjs';

const SCHEDULES = 400;
const FIRST_SEED = 20_261_201;
const SECRET_HEADERS = ['authorization', 'signature', 'signature-input'];
const utf8 = new TextDecoder();

/** A transport with nothing but `exchange`, and what is given. */
const transportOf = (exchange, more = {}) => ({ fetch: undefined, exchange, agent: undefined, signer: undefined, onRequest: undefined, onResponse: undefined, log: undefined, tracer: undefined, tokens: undefined, userAgent: undefined, ...more });

/** @param {Uint8Array | undefined} bytes */
const parsedOrUndefined = (bytes) => {
  try {
    return JSON.parse(utf8.decode(bytes ?? new Uint8Array(0)));
  } catch {
    return undefined;
  }
};

test('SplitMix64 gives the reference sequence (as simulate.rs draws it)', () => {
  const rng = new SplitMix64(0);
  assert.deepEqual([rng.next(), rng.next(), rng.next()], [0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn]);
});

/**
 * Replays one schedule through `run` and returns what every fake recorded.
 * @param {import('./schedules.mjs').Schedule} s
 * @param {{ runAll(): void }} timers
 */
async function replay(s, timers) {
  const controller = new AbortController();
  const reason = new Error(`aborted in schedule ${s.seed}`);
  const call = new ScriptedCall({ steps: s.steps, method: 'POST', body: '{"type":"ISA"}', attemptTimeoutMs: 1234, maxResponseBytes: 4096 });
  const abortsIn = (phase, attempt) => s.abort?.phase === phase && s.abort.attempt === attempt;
  // An abort during an attempt: the transport sees it and answers as the real ones do.
  const results = s.results.map((result, i) => (abortsIn('exchange', i) ? (/** @type {any} */ sent) => (controller.abort(reason), { ...emptyResult(), failure: 'aborted', error: sent.signal.reason }) : result));
  const { exchange, calls } = scriptedExchange(results);
  let provided = 0;
  const tokens = s.tokens === 'none' ? undefined : s.tokens === 'fixed' ? new TokenSource('fixed-token', undefined) : new TokenSource(undefined, async () => `token-${(provided += 1)}`);
  const signed = [];
  const signer =
    s.signer === 'none'
      ? undefined
      : (request) => {
          signed.push(request);
          const headers = { signature: `sig1=:${signed.length}:`, 'signature-input': 'sig1=("authorization")' };
          return s.signer === 'sync' ? headers : Promise.resolve(headers);
        };
  const seen = { requests: [], responses: [], lines: [] };
  const hook = (list) => (event) => {
    list.push(event);
    if (s.throwingHooks) throw new Error('a broken hook');
  };
  const watchers = s.watched ? { onRequest: hook(seen.requests), onResponse: hook(seen.responses), log: hook(seen.lines) } : {};
  const transport = transportOf(exchange, { signer, tokens, userAgent: s.userAgent, ...watchers });
  if (s.abort?.phase === 'before') controller.abort(reason);
  const outcome = await settle(run(transport, call, controller.signal, s.extra), timers, () => {
    // Asleep after the attempt the abort is scripted for: the only idle time after a judgement.
    const last = call.attempts.at(-1);
    if (s.abort?.phase === 'sleep' && call.attempts.length === s.abort.attempt + 1 && last?.judged !== undefined) controller.abort(reason);
  });
  return { outcome, reason, call, calls, provided, signed, seen, transport };
}

/**
 * The driver's promises, checked on one replayed schedule.
 * @param {import('./schedules.mjs').Schedule} s
 * @param {Awaited<ReturnType<typeof replay>>} replayed
 */
function checkInvariants(s, { outcome, reason, call, calls, provided, signed, seen }) {
  const where = `schedule ${s.seed}`;
  assert.equal(call.freed, 1, `${where}: the call is freed once`);
  const attempts = s.abort === undefined ? s.steps.length : s.abort.phase === 'before' ? 0 : s.abort.attempt + 1;
  assert.equal(calls.length, attempts, `${where}: the transport is called once an attempt, exactly while the core says retry`);
  assert.equal(call.attempts.length, attempts, `${where}: one plan an attempt`);
  assert.equal(signed.length, s.signer === 'none' ? 0 : attempts, `${where}: the signer signs each attempt`);
  let refreshes = 0;
  for (let i = 0; i < attempts; i += 1) {
    const at = `${where}, attempt ${i + 1}`;
    const sent = calls[i];
    const planned = call.attempts[i];
    assert.equal(sent.abortedWhenCalled, false, `${at}: the transport is never called after an abort`);
    assert.deepEqual([sent.method, sent.url, sent.body, sent.timeoutMs, sent.maxBytes], ['POST', call.url, '{"type":"ISA"}', 1234, 4096], `${at}: the call's request and limits`);
    const expectedToken = s.tokens === 'none' ? undefined : s.tokens === 'fixed' ? 'fixed-token' : `token-${1 + refreshes}`;
    assert.equal(planned.token, expectedToken, `${at}: the token (a fresh one after each refresh, the same after a retry)`);
    const unsigned = [...planned.headers, ...(s.userAgent ? ['user-agent', s.userAgent] : []), ...s.extra];
    const signature = s.signer === 'none' ? [] : ['signature', `sig1=:${i + 1}:`, 'signature-input', 'sig1=("authorization")'];
    assert.deepEqual(sent.headers, [...unsigned, ...signature], `${at}: the core's headers, the user agent, the call's own, the signer's`);
    if (s.signer !== 'none') assert.deepEqual({ ...signed[i].headers }, Object.fromEntries(unsigned.flatMap((_, j) => (j % 2 ? [] : [[unsigned[j], unsigned[j + 1]]]))), `${at}: the signer sees what is sent`);
    if (s.watched) {
      const shown = seen.requests[i].headers;
      for (let j = 0; j < sent.headers.length; j += 2) {
        const [name, value] = [sent.headers[j], sent.headers[j + 1]];
        assert.equal(shown[name], SECRET_HEADERS.includes(name) ? '[redacted]' : value, `${at}: hooks see ${name} ${SECRET_HEADERS.includes(name) ? 'redacted' : 'as sent'}`);
      }
    }
    const judged = planned.judged;
    if (judged === undefined) {
      assert.ok(s.abort?.phase === 'exchange' && s.abort.attempt === i, `${at}: every attempt is judged but an aborted one`);
      continue;
    }
    const result = sent.result;
    assert.equal(judged.failure, result.failure, `${at}: the failure kind`);
    assert.equal(judged.status, result.status, `${at}: the status`);
    assert.equal(judged.requestId, result.requestId, `${at}: the request id`);
    if (result.failure === '') {
      assert.deepEqual([judged.contentType, judged.retryAfter], [result.contentType, result.retryAfter], `${at}: the head`);
      assert.deepEqual(judged.body, result.body, `${at}: the bytes that came back`);
    } else if (result.failure === 'network') {
      assert.equal(judged.message, 'fetch failed (ECONNRESET)', `${at}: the network error's message, with its cause's code`);
    }
    assert.ok(judged.random >= 0 && judged.random < 1, `${at}: a random number in [0, 1)`);
    const verdict = s.steps[i].verdict;
    if (i + 1 < attempts) {
      const waited = call.attempts[i + 1].plannedAt - judged.nowMs;
      assert.equal(waited, verdict === RETRY ? s.steps[i].waitMs : 0, `${at}: sleeps waitMs before a retry, nothing before a refresh`);
      assert.ok(verdict === RETRY || verdict === REFRESH_TOKEN, `${at}: no attempt after a final verdict`);
    }
    if (verdict === REFRESH_TOKEN) refreshes += 1;
  }
  assert.equal(provided, s.tokens === 'provider' && attempts > 0 ? 1 + refreshes : 0, `${where}: the provider is asked once, and once again after each refresh`);
  if (s.watched) {
    assert.equal(seen.responses.length, attempts, `${where}: onResponse once an attempt`);
    assert.equal(seen.lines.length, attempts, `${where}: a log line an attempt`);
    const shown = JSON.stringify([seen.requests, seen.responses, seen.lines]);
    assert.ok(!/Bearer|token-|sig1=:/.test(shown), `${where}: no hook sees a token or a signature`);
    seen.responses.forEach((event, i) => {
      const at = `${where}, attempt ${i + 1}`;
      const step = s.steps[i];
      const judged = call.attempts[i].judged !== undefined;
      const error = !judged ? 'AbortError' : step.verdict <= DONE_EMPTY ? undefined : step.verdict === FAIL ? call.errors[0].error.name : step.errorName;
      assert.deepEqual([event.attempt, event.status, event.requestId, event.error], [i + 1, calls[i].result.status, calls[i].result.requestId, error], `${at}: onResponse says how the attempt ended`);
      const follows = !judged ? '' : step.verdict === RETRY ? ` wait_ms=${step.waitMs}` : step.verdict === REFRESH_TOKEN ? ' refresh_token=true' : '';
      assert.ok(seen.lines[i].endsWith(follows) && seen.lines[i].includes(`attempt=${i + 1} `), `${at}: the log line says what follows: ${seen.lines[i]}`);
    });
  }
  if (s.abort !== undefined) {
    assert.equal(outcome.error, reason, `${where}: an abort rejects with the signal's reason`);
    return;
  }
  const last = s.steps.at(-1);
  const result = calls.at(-1).result;
  if (last.verdict === FAIL) {
    assert.equal(call.errors.length, 1, `${where}: error() once`);
    const [{ problem, cause, error }] = call.errors;
    assert.equal(outcome.error, error, `${where}: throws what error() made`);
    assert.equal(cause, result.error, `${where}: with what the transport threw as the cause`);
    assert.deepEqual(problem, last.problemBody ? parsedOrUndefined(result.body) : undefined, `${where}: the parsed body as the problem only when problemBody`);
    return;
  }
  assert.equal(outcome.error, undefined, `${where}: done resolves`);
  assert.equal(call.errors.length, 0);
  const value = /** @type {any} */ (outcome.value);
  const meta = last.verdict === DONE_EMPTY ? value : value.lastResponse;
  if (last.verdict === DONE_WITH_BODY) {
    assert.deepEqual(value, JSON.parse(utf8.decode(result.body)), `${where}: the body parsed`);
    assert.equal(Object.getOwnPropertyDescriptor(value, 'lastResponse')?.enumerable, false, `${where}: lastResponse is not enumerable`);
  }
  assert.deepEqual({ ...meta }, { status: result.status, requestId: result.requestId }, `${where}: status and requestId`);
  assert.equal(Object.getOwnPropertyDescriptor(meta, 'headers')?.enumerable, false, `${where}: headers are not enumerable`);
  assert.ok(Object.isFrozen(meta.headers) && meta.headers['content-type'] === result.contentType, `${where}: the response's headers, frozen, by lower-case name`);
}

test(`${SCHEDULES} seeded schedules: the driver does what the core says, and only that`, async (t) => {
  const timers = fakeClock(t);
  const tally = { attempts: 0, retries: 0, refreshes: 0, aborted: 0, done: 0, failed: 0 };
  for (let i = 0; i < SCHEDULES; i += 1) {
    const s = schedule(FIRST_SEED + i);
    const replayed = await replay(s, timers);
    checkInvariants(s, replayed);
    tally.attempts += replayed.calls.length;
    tally.retries += s.steps.filter((step) => step.verdict === RETRY).length;
    tally.refreshes += s.steps.filter((step) => step.verdict === REFRESH_TOKEN).length;
    if (s.abort) tally.aborted += 1;
    else if (s.steps.at(-1).verdict === FAIL) tally.failed += 1;
    else tally.done += 1;
  }
  t.diagnostic(`${SCHEDULES} schedules from seed ${FIRST_SEED}: ${JSON.stringify(tally)}`);
  // The schedules reach every verdict and every abort.
  assert.ok(Object.values(tally).every((n) => n > 0), JSON.stringify(tally));
});

test('a signer that never settles is stopped at the time limit; nothing is sent; the call is freed', async (t) => {
  const timers = fakeClock(t);
  const call = new ScriptedCall({ steps: [{ verdict: DONE_EMPTY }], timeLimitMs: 777 });
  const { exchange, calls } = scriptedExchange([]);
  const started = Date.now();
  const { error } = await settle(run(transportOf(exchange, { signer: () => new Promise(() => {}) }), call, undefined), timers);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(error.message, /the signer did not settle within 777 ms/);
  assert.equal(Date.now() - started, 777);
  assert.deepEqual([calls.length, call.freed], [0, 1]);
});

test("a signer's failures: what it throws as a SignerError's cause, an UpvestError as it is, a bad answer refused", async (t) => {
  const timers = fakeClock(t);
  const thrown = new Error('no key');
  const own = new UpvestError('mine');
  const cases = [
    [() => Promise.reject(thrown), (e) => e instanceof SignerError && e.cause === thrown && /no key/.test(e.message)],
    [() => {
      throw own;
    }, (e) => e === own],
    [() => 42, (e) => e instanceof SignerError && /must resolve with an object/.test(e.message)],
    [() => ({ authorization: 'Bearer other' }), (e) => e instanceof SignerError && /authorization, which is set already/.test(e.message)],
    [() => ({ get signature() {
      throw thrown;
    } }), (e) => e instanceof SignerError && e.cause === thrown],
  ];
  for (const [signer, expected] of cases) {
    const call = new ScriptedCall({ steps: [{ verdict: DONE_EMPTY }] });
    const { exchange, calls } = scriptedExchange([]);
    const { error } = await settle(run(transportOf(exchange, { signer, tokens: new TokenSource('t', undefined) }), call, undefined), timers);
    assert.ok(expected(error), String(error));
    assert.deepEqual([calls.length, call.freed], [0, 1]);
  }
});

test('an abort while the signer hangs rejects at once with the reason', async (t) => {
  const timers = fakeClock(t);
  const controller = new AbortController();
  const call = new ScriptedCall({ steps: [{ verdict: DONE_EMPTY }], timeLimitMs: 60_000 });
  const { exchange, calls } = scriptedExchange([]);
  const started = Date.now();
  const { error } = await settle(run(transportOf(exchange, { signer: () => new Promise(() => {}) }), call, controller.signal), timers, () => controller.abort('stop'));
  assert.deepEqual([error, Date.now() - started, calls.length, call.freed], ['stop', 0, 0, 1]);
});

test('a token provider that never settles is stopped at the time limit, and asked afresh by the next call', async (t) => {
  const timers = fakeClock(t);
  let asked = 0;
  const tokens = new TokenSource(undefined, () => ((asked += 1), asked === 1 ? new Promise(() => {}) : 'second'));
  const { exchange, calls } = scriptedExchange([response(202, '')]);
  const first = new ScriptedCall({ steps: [{ verdict: DONE_EMPTY }], timeLimitMs: 300 });
  const started = Date.now();
  const { error } = await settle(run(transportOf(exchange, { tokens }), first, undefined), timers);
  assert.ok(error instanceof TimeoutError && /the token provider did not settle within 300 ms/.test(error.message), String(error));
  assert.deepEqual([Date.now() - started, calls.length, first.freed], [300, 0, 1]);
  const second = new ScriptedCall({ steps: [{ verdict: DONE_EMPTY }] });
  await settle(run(transportOf(exchange, { tokens }), second, undefined), timers);
  assert.deepEqual([asked, second.attempts[0].token], [2, 'second']);
});

test('REFRESH_TOKEN: the lease of the refused attempt is forgotten and the next attempt asks for a token; no sleep', async (t) => {
  const timers = fakeClock(t);
  const leases = [{ token: 'a', generation: 1 }, { token: 'b', generation: 2 }];
  const forgotten = [];
  let handed = 0;
  const tokens = { ready: () => undefined, current: async () => leases[handed++], forget: (lease) => forgotten.push(lease) };
  const call = new ScriptedCall({ steps: [{ verdict: REFRESH_TOKEN, waitMs: 5000 }, { verdict: DONE_EMPTY }] });
  const { exchange } = scriptedExchange([response(401, ''), response(202, '')]);
  await settle(run(transportOf(exchange, { tokens }), call, undefined), timers);
  assert.deepEqual(forgotten, [leases[0]]);
  assert.equal(forgotten[0], leases[0], 'the very lease handed out');
  assert.deepEqual(call.attempts.map((a) => a.token), ['a', 'b']);
  assert.equal(call.attempts[1].plannedAt, call.attempts[0].judged.nowMs);
});

test('FAIL: the body is parsed for error() only when problemBody, and not-JSON is no problem', async (t) => {
  const timers = fakeClock(t);
  for (const [body, problemBody, problem] of [
    ['{"type":"x","status":400}', true, { type: 'x', status: 400 }],
    ['{"type":"x","status":400}', false, undefined],
    ['not json', true, undefined],
  ]) {
    const call = new ScriptedCall({ steps: [{ verdict: FAIL, problemBody }] });
    const { exchange } = scriptedExchange([response(400, body, { 'content-type': 'application/problem+json' })]);
    const { error } = await settle(run(transportOf(exchange), call, undefined), timers);
    assert.equal(error, call.errors[0].error);
    assert.deepEqual(call.errors[0].problem, problem);
  }
});
