// The token source (js/tokens.js) from its source, over the scripted core's reading of a
// provider's answer (tests/unit/fake-core.mjs): one provider call however many requests wait,
// the token kept while the core says it is usable, asked again once after a refusal, and a
// provider that fails or hangs bounded and asked afresh.
import { providedTokens } from './fake-core.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidInputError, ProblemError, TimeoutError, UpvestError } from '../../js/errors.js';
import { TokenSource } from '../../js/tokens.js';
import { fakeClock, settle } from './fake-clock.mjs';

/** A provider that answers with each of `answers` in turn (a function of nothing, or a value),
 * counting its calls. */
function provider(...answers) {
  const ask = () => {
    const answer = answers[ask.calls];
    ask.calls += 1;
    return typeof answer === 'function' ? answer() : answer;
  };
  ask.calls = 0;
  return ask;
}

/** A promise settled from outside. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => ([resolve, reject] = [yes, no]));
  return { promise, resolve, reject };
}

test('a fixed token: ready at once, always, and never forgotten', () => {
  const tokens = new TokenSource('fixed', undefined);
  const lease = tokens.ready();
  assert.deepEqual(lease, { token: 'fixed', generation: 0 });
  tokens.forget(lease);
  assert.deepEqual(tokens.ready(), lease);
});

test('concurrent requests share one provider call; the token is then ready without an await', async () => {
  const answer = deferred();
  const ask = provider(() => answer.promise);
  const tokens = new TokenSource(undefined, ask);
  assert.equal(tokens.ready(), undefined, 'nothing ready before the provider answered');
  const waiting = Array.from({ length: 5 }, () => tokens.current(undefined, 1000));
  answer.resolve('t-1');
  const leases = await Promise.all(waiting);
  assert.equal(ask.calls, 1);
  assert.ok(leases.every((lease) => lease.token === 't-1' && lease.generation === 1));
  assert.deepEqual(tokens.ready(), { token: 't-1', generation: 1 }, 'ready, synchronously');
  assert.deepEqual(await tokens.current(undefined, 1000), leases[0]);
  assert.equal(ask.calls, 1);
});

test('forget: the refused lease is replaced once; a stale lease (already replaced) refreshes nothing', async () => {
  const ask = provider('t-1', 't-2', 't-3');
  const tokens = new TokenSource(undefined, ask);
  const first = await tokens.current(undefined, 1000);
  // Two requests refused with the same token: one refresh.
  tokens.forget(first);
  assert.equal(tokens.ready(), undefined);
  const second = await tokens.current(undefined, 1000);
  tokens.forget(first);
  assert.deepEqual(tokens.ready(), second, 'the newer token is kept');
  assert.deepEqual([first.token, second.token, second.generation, ask.calls], ['t-1', 't-2', 2, 2]);
  tokens.forget(undefined);
  assert.deepEqual(tokens.ready(), second);
});

test('forget goes by the generation: a provider that gives the same token again is not asked a third time for an old refusal', async () => {
  const ask = provider('same', 'same', 'other');
  const tokens = new TokenSource(undefined, ask);
  const first = await tokens.current(undefined, 1000);
  tokens.forget(first);
  const second = await tokens.current(undefined, 1000);
  tokens.forget(first);
  assert.deepEqual([second, tokens.ready(), ask.calls], [{ token: 'same', generation: 2 }, second, 2]);
});

test('the token is used while the core says it is usable, and asked for again after', async (t) => {
  const timers = fakeClock(t);
  const ask = provider({ access_token: 't-1', expires_in: 60 }, { access_token: 't-2', expires_in: 60 });
  const tokens = new TokenSource(undefined, ask);
  assert.equal((await tokens.current(undefined, 1000)).token, 't-1');
  // The scripted core keeps a token for half its lifetime.
  timers.tick(29_999);
  assert.equal(tokens.ready()?.token, 't-1');
  timers.tick(1);
  assert.equal(tokens.ready(), undefined);
  assert.equal((await tokens.current(undefined, 1000)).token, 't-2');
  assert.equal(ask.calls, 2);
});

test("the provider's answer reaches the core as a plain copy: nothing inherited, no getter", async () => {
  providedTokens.length = 0;
  const inherited = new TokenSource(undefined, () => Object.create({ access_token: 'inherited' }));
  await assert.rejects(inherited.current(undefined, 1000), (error) => error instanceof UpvestError && /must resolve with a string/.test(error.message));
  assert.equal(Object.getPrototypeOf(providedTokens[0]), null);
  assert.equal(providedTokens[0].access_token, undefined);
  const thrown = new Error('getter');
  const hostile = new TokenSource(undefined, () => ({
    get access_token() {
      throw thrown;
    },
  }));
  await assert.rejects(hostile.current(undefined, 1000), (error) => error.constructor === UpvestError && /^Token provider failed: Invalid input: access_token could not be read/.test(error.message) && error.cause instanceof InvalidInputError && error.cause.cause === thrown);
  assert.equal(providedTokens.length, 1, 'an unreadable answer never reaches the core');
});

test("a provider's failures: what it throws as the cause of an UpvestError, an UpvestError as it is; the next request asks again", async () => {
  const thrown = new Error('down');
  const own = new ProblemError('the token endpoint said no', { status: 401 });
  const ask = provider(
    () => Promise.reject(thrown),
    () => {
      throw own;
    },
    () => {
      throw 'a string';
    },
    'fine',
  );
  const tokens = new TokenSource(undefined, ask);
  await assert.rejects(tokens.current(undefined, 1000), (error) => error.constructor === UpvestError && error.message === 'Token provider failed: down' && error.cause === thrown);
  await assert.rejects(tokens.current(undefined, 1000), (error) => error === own);
  await assert.rejects(tokens.current(undefined, 1000), (error) => error.message === 'Token provider failed: a string');
  assert.equal((await tokens.current(undefined, 1000)).token, 'fine');
  assert.equal(ask.calls, 4);
});

test('no provider and no token: a clear failure', async () => {
  await assert.rejects(new TokenSource(undefined, undefined).current(undefined, 1000), /Token provider failed: there is none/);
});

test('a provider that hangs is given up after the time limit and asked afresh; a late answer disturbs nothing', async (t) => {
  const timers = fakeClock(t);
  const late = deferred();
  const fresh = deferred();
  const ask = provider(
    () => late.promise,
    () => fresh.promise,
  );
  const tokens = new TokenSource(undefined, ask);
  const started = Date.now();
  const { error } = await settle(tokens.current(undefined, 250), timers);
  assert.ok(error instanceof TimeoutError && /the token provider did not settle within 250 ms/.test(error.message), String(error));
  assert.equal(Date.now() - started, 250);
  // A second request asks again; while that is in flight, the first provider call fails late.
  const second = tokens.current(undefined, 1000);
  assert.equal(ask.calls, 2);
  late.reject(new Error('late'));
  await settle(Promise.resolve(), timers);
  const third = tokens.current(undefined, 1000);
  assert.equal(ask.calls, 2, 'still one provider call in flight');
  fresh.resolve('t-2');
  assert.deepEqual((await Promise.all([second, third])).map((lease) => lease.token), ['t-2', 't-2']);
});

test('an abort while waiting for the provider rejects with its reason; an aborted signal asks nothing', async () => {
  const ask = provider(() => new Promise(() => {}));
  const tokens = new TokenSource(undefined, ask);
  const controller = new AbortController();
  const waiting = tokens.current(controller.signal, 60_000);
  controller.abort('stop');
  await assert.rejects(waiting, (error) => error === 'stop');
  await assert.rejects(tokens.current(AbortSignal.abort('already'), 60_000), (error) => error === 'already');
  assert.equal(ask.calls, 1);
});
