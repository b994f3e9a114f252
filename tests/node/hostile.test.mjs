// Hostile callers: throwing Proxies and getters in every argument and option, throwing and
// hanging signers and token providers, a polluted Object.prototype. Each is a rejected promise
// with a clear error (never a synchronous throw), nothing is sent, no field is dropped, and the
// package keeps working in the same process afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../pkg/node/index.mjs';

const baseUrl = process.env.UPVEST_MOCK_URL;
const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const userId = '413715f2-5401-4b97-8055-034a6b879f8c';
const groupId = '9d95820d-4333-46b6-98de-04ab7512e76f';
const boom = () => {
  throw new Error('boom');
};
/** A Proxy whose every trap throws. */
const throwingProxy = () => new Proxy({}, { ownKeys: boom, get: boom, getOwnPropertyDescriptor: boom, has: boom, getPrototypeOf: boom });
/** An object whose one member is a throwing getter. */
const throwingGetter = (object, name) => Object.defineProperty({ ...object }, name, { get: boom, enumerable: true });
const client = (extra = {}) => new api.AccountGroups({ baseUrl, clientId, accessToken: 'hostile', maxRetries: 0, ...extra });
// Positions in the mock's request log are sequence numbers (the log is a ring).
const logMark = async () => (await (await fetch(`${baseUrl}/__mock/stats`)).json()).requests_seen;
const requestsSince = async (mark) => (await fetch(`${baseUrl}/__mock/requests?since=${mark}`)).json();

/** Calls `call` and asserts it returned a promise (no synchronous throw) that rejected. */
async function rejects(call, check) {
  let promise;
  assert.doesNotThrow(() => {
    promise = call();
  }, 'no synchronous throw');
  assert.ok(promise instanceof Promise, 'a promise');
  const error = await promise.then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  check(error);
  return error;
}

const unreadable = (field) => (error) => {
  assert.ok(error instanceof api.InvalidInputError, String(error));
  assert.equal(error.code, 'unreadable');
  assert.equal(error.field, field);
  assert.equal(error.cause?.message, 'boom');
};

/** Every hostile call: what it is, the call, and what its rejection must be. */
function hostileCalls() {
  const c = client();
  return [
    ['list(Proxy)', () => c.list(throwingProxy()), unreadable('query')],
    ['create(Proxy)', () => c.create(throwingProxy()), unreadable('request')],
    ['create with a throwing getter', () => c.create(throwingGetter({ type: 'ISA' }, 'user_id')), unreadable('user_id')],
    ['create with throwing options', () => c.create({ user_id: userId, type: 'ISA' }, throwingProxy()), unreadable('options')],
    ['get(Proxy id)', () => c.get(throwingProxy()), unreadable('accountGroupId')],
    ['get with a throwing signal getter', () => c.get(groupId, throwingGetter({}, 'signal')), unreadable('signal')],
    ['close with a throwing notification_only', () => c.close(groupId, throwingGetter({ closure_reason: 'aml' }, 'notification_only')), unreadable('notification_only')],
    ['listForUser with a throwing query', () => c.listForUser(userId, throwingGetter({}, 'limit')), unreadable('limit')],
    ['iterate(Proxy).next()', () => c.iterate(throwingProxy()).next(), unreadable('query')],
    ['parseWebhookEvents with throwing options', () => api.parseWebhookEvents('[]', throwingProxy()), unreadable('options')],
    [
      'a throwing verify',
      () => api.parseWebhookEvents('[]', { verify: boom }),
      (e) => assert.ok(e instanceof api.WebhookError && e.code === 'verify-failed' && e.cause?.message === 'boom', String(e)),
    ],
  ];
}

test('a mock URL is given', () => assert.match(baseUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/));

test('each hostile call rejects with a clear error, and nothing is sent', async () => {
  const before = await logMark();
  for (const [name, call, check] of hostileCalls()) {
    await rejects(call, check).catch((e) => assert.fail(`${name}: ${e.message}`));
  }
  assert.equal(await logMark(), before, 'no request reached the mock');
});

test('a signer that resolves with a throwing getter is a SignerError; the process lives', async () => {
  const c = client({ signer: async () => ({ get signature() { throw new Error('boom'); } }) });
  await rejects(() => c.get(groupId), (e) => {
    assert.ok(e instanceof api.SignerError, String(e));
    assert.equal(e.cause?.message, 'boom');
  });
});

test('a signer that never settles is bounded by timeoutMs, and by the signal', async () => {
  const hanging = client({ signer: () => new Promise(() => {}), timeoutMs: 200 });
  const started = Date.now();
  await rejects(() => hanging.get(groupId), (e) => assert.ok(e instanceof api.TimeoutError, String(e)));
  assert.ok(Date.now() - started < 2_000, 'rejected near timeoutMs');
  const controller = new AbortController();
  const slow = client({ signer: () => new Promise(() => {}), timeoutMs: 60_000 });
  setTimeout(() => controller.abort(new Error('stop')), 50);
  await rejects(() => slow.get(groupId, { signal: controller.signal }), (e) => assert.equal(e.message, 'stop'));
});

test('a token provider that never settles is bounded too, and a later call asks again', async () => {
  let asked = 0;
  const c = client({
    accessToken: undefined,
    tokenProvider: () => {
      asked += 1;
      return asked === 1 ? new Promise(() => {}) : Promise.resolve('fresh-token');
    },
  });
  // Only the first call is held to 200 ms (its deadline bounds the wait for a token); the second
  // has the default time limit, so a slow machine cannot turn its 404 into a time-out.
  await rejects(() => c.get(groupId, { deadlineMs: 200 }), (e) => assert.ok(e instanceof api.TimeoutError && e.timeoutMs <= 200, String(e)));
  const group = await c.get(groupId).catch((e) => e);
  assert.ok(group instanceof api.ProblemError && group.status === 404, `the second call got a token: ${group}`);
  assert.equal(asked, 2);
});

test('a polluted Object.prototype adds no option: the token goes where baseUrl says', async () => {
  const before = await logMark();
  Object.prototype.baseUrl = 'https://attacker.invalid';
  Object.prototype.notification_only = true;
  try {
    const c = new api.AccountGroups({ baseUrl, clientId, accessToken: 'polluted' });
    const created = await c.create({ user_id: userId, type: 'ISA' });
    const closed = await c.close(created.id, {});
    assert.equal(closed.status, 202);
    const [, close] = await requestsSince(before);
    assert.equal(close.method, 'DELETE');
    assert.equal(close.query ?? '', '', 'no inherited notification_only was sent');
    assert.equal((await c.get(created.id)).status, 'CLOSING', 'the close really closed');
  } finally {
    delete Object.prototype.baseUrl;
    delete Object.prototype.notification_only;
  }
});

test('a throwing Proxy given to WebhookDeduplicator.filter throws InvalidInputError and leaves it working', () => {
  const seen = new api.WebhookDeduplicator({ size: 10 });
  assert.throws(() => seen.filter(throwingProxy()), (e) => e instanceof api.InvalidInputError);
  assert.throws(() => seen.filter([throwingProxy()]), (e) => e instanceof api.InvalidInputError && e.code === 'unreadable');
  assert.throws(() => seen.isNew('x'.repeat(101)), (e) => e instanceof api.InvalidInputError && e.code === 'range');
  assert.equal(seen.size, 0, 'nothing remembered from a refused list');
  assert.deepEqual(seen.filter([{ id: 'a' }, { id: 'a' }, { id: 'b' }]).map((e) => e.id), ['a', 'b']);
});

test('100,000 hostile calls, then the package still works in the same process', async () => {
  const calls = hostileCalls();
  let rejected = 0;
  for (let i = 0; i < 100_000; i += 1) {
    const [, call] = calls[i % calls.length];
    let promise;
    try {
      promise = call();
    } catch (error) {
      assert.fail(`call ${i} threw synchronously: ${error}`);
    }
    await promise.then(
      () => assert.fail(`call ${i} resolved`),
      () => {
        rejected += 1;
      },
    );
  }
  assert.equal(rejected, 100_000);
  const c = client();
  const created = await c.create({ user_id: userId, type: 'PERSONAL' });
  assert.equal((await c.get(created.id)).id, created.id);
  assert.ok((await c.list({ limit: 1 })).meta.total_count >= 1);
  const dedup = new api.WebhookDeduplicator();
  assert.equal(dedup.isNew('72da9e41-9926-419f-976e-4c8069a04249'), true);
  const event = {
    id: '72da9e41-9926-419f-976e-4c8069a04249',
    created_at: '2021-07-21T14:10:00.00Z',
    type: 'ACCOUNT_GROUP.CREATED',
    object: created,
    webhook_id: '9df39835-be87-4243-9018-f2500b39cee6',
  };
  assert.equal((await api.parseWebhookEvents(JSON.stringify({ payload: [event] }), { verify: false })).length, 1);
});
