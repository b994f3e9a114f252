// The mock delivers webhooks as a load balancer in front of a receiver's replicas would: with
// several targets (the binary's `--webhook-url` given three times, the in-process mock's
// `deliverWebhooks({ targets })`), each POST goes to the target after the previous POST's, so
// deliveries go round-robin and a retry lands on the next replica; Upvest's rules hold across
// them (a failed delivery is retried with back-off and blocks every later one), and every POST
// verifies for the URL it went to. Receivers are node:http servers on 127.0.0.1 (the binary's,
// and URL targets) or Fetch-API functions called in process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as api from '../../pkg/node/index.mjs';
import { createMock } from '../../pkg/mock/index.mjs';
import { startMock } from '../../scripts/with-mock.mjs';
import { within } from './fixtures.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const newUser = () => ({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
const WAIT_MS = 15_000;
const REPLICAS = ['a', 'b', 'c'];

/**
 * What the receivers saw, in arrival order: `{ replica, url, headers, body, groups, status }` per
 * POST (`groups`: the ids of the account groups its events are about). Each POST is answered
 * with the status `answer(replica, attempt)` gives (200 by default), after the signature is
 * checked.
 */
function replicaLog(verifyFor, answer = () => 200) {
  const attempts = [];
  return {
    attempts,
    /** Records one POST and answers it; throws when its signature does not verify for `url`. */
    async receive(replica, { method, url, headers, body }) {
      const events = await api.parseWebhookEvents(body, { verify: verifyFor(), method, url, headers });
      const attempt = { replica, url, headers, body, groups: [...new Set(events.map((e) => e.object.id))], status: 0 };
      attempts.push(attempt);
      attempt.status = answer(replica, attempt);
      return attempt.status;
    },
    /** Whether a POST about `group` was answered with a 2xx. */
    delivered: (group) => attempts.some((a) => a.groups.includes(group) && a.status >= 200 && a.status < 300),
    /** The replicas the attempts about `group` went to, in order. */
    replicasFor: (group) => attempts.filter((a) => a.groups.includes(group)).map((a) => a.replica),
  };
}

/** Three node:http receivers on 127.0.0.1, each at its own path and query, feeding `log`. */
async function httpReplicas(log) {
  const servers = await Promise.all(
    REPLICAS.map(async (replica) => {
      const server = http.createServer(async (request, response) => {
        const chunks = [];
        for await (const chunk of request) chunks.push(chunk);
        const url = `http://127.0.0.1:${server.address().port}${request.url}`;
        const status = await log.receive(replica, { method: request.method, url, headers: request.headers, body: Buffer.concat(chunks).toString() }).catch(() => 400);
        response.writeHead(status).end();
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { url: `http://127.0.0.1:${server.address().port}/hooks/${replica}?replica=${replica}`, server };
    }),
  );
  return { urls: servers.map((s) => s.url), close: () => Promise.all(servers.map(({ server }) => new Promise((resolve) => server.close(resolve)))) };
}

/** Three Fetch-API handlers feeding `log`, as a receiver's `handle` would be. */
const functionReplicas = (log) =>
  REPLICAS.map((replica) => async (request) => {
    const status = await log.receive(replica, { method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() }).catch(() => 400);
    return new Response(null, { status });
  });

/**
 * The scenarios, run against the binary and against the in-process mock: `setup(answer)` starts
 * a mock delivering to three replicas (answered by `answer`) with a retry base of 50 ms, and
 * resolves with `{ client, log, stop }`.
 */
const scenarios = {
  async roundRobin(setup) {
    const { client, log, stop } = await setup();
    try {
      const groups = [];
      for (let i = 0; i < 6; i += 1) {
        groups.push((await client.create(newUser())).id);
        // One change at a time, so that each change is one delivery.
        await within(WAIT_MS, `delivery ${i + 1}`, () => log.delivered(groups[i]));
      }
      assert.deepEqual(groups.map(log.replicasFor), [['a'], ['b'], ['c'], ['a'], ['b'], ['c']]);
      for (const attempt of log.attempts) assert.match(attempt.url, new RegExp(`/hooks/${attempt.replica}\\?replica=${attempt.replica}$|/webhooks$`), 'signed for its own target');
    } finally {
      await stop();
    }
  },

  async retryToNext(setup) {
    // b fails its first POST; the retry goes to c, then the turn carries on at a.
    const { client, log, stop } = await setup((replica) => (replica === 'b' && log.attempts.filter((a) => a.replica === 'b').length === 1 ? 500 : 200));
    try {
      const groups = [];
      for (let i = 0; i < 3; i += 1) {
        groups.push((await client.create(newUser())).id);
        await within(WAIT_MS, `delivery ${i + 1}`, () => log.delivered(groups[i]));
      }
      assert.deepEqual(groups.map(log.replicasFor), [['a'], ['b', 'c'], ['a']]);
      const [failed, retried] = log.attempts.filter((a) => a.groups.includes(groups[1]));
      assert.equal(retried.body, failed.body, 'the whole POST again');
      assert.notEqual(retried.headers.signature, failed.headers.signature, 'signed afresh, for the other target');
    } finally {
      await stop();
    }
  },

  async blocking(setup) {
    // Every replica fails until `healthy`: the first delivery goes round all three and again,
    // and the second, made meanwhile, waits behind it.
    let healthy = false;
    const { client, log, stop } = await setup(() => (healthy ? 200 : 500));
    try {
      const first = (await client.create(newUser())).id;
      await within(WAIT_MS, 'the first attempt', () => log.attempts.length >= 1);
      const second = (await client.create(newUser())).id;
      // Retries after 50, 100, 150, 250 ms: four more attempts within about 0.6 s.
      await within(WAIT_MS, 'four retries', () => log.attempts.length >= 5);
      assert.deepEqual(log.attempts.map((a) => a.groups), Array(log.attempts.length).fill([first]), 'only the failing delivery is sent');
      assert.deepEqual(log.replicasFor(first).slice(0, 5), ['a', 'b', 'c', 'a', 'b'], 'each retry at the next replica');
      healthy = true;
      await within(WAIT_MS, 'the second delivery', () => log.delivered(second));
      const order = log.attempts.map((a) => a.groups[0]);
      assert.equal(order.lastIndexOf(first), order.indexOf(second) - 1, 'the second went out right after the first succeeded');
      assert.deepEqual(log.replicasFor(second), [REPLICAS[log.replicasFor(first).length % 3]], 'on the next replica');
    } finally {
      await stop();
    }
  },
};

/** The binary with `--webhook-url` three times. */
async function nativeMock(answer) {
  /** The mock's verifier, once it has started (its keys are made at start). */
  let verify;
  const log = replicaLog(() => verify, answer);
  const replicas = await httpReplicas(log);
  const mock = await startMock(['--webhook-retry-base-ms', '50', '--close-delay-ms', '60000', ...replicas.urls.flatMap((url) => ['--webhook-url', url])]);
  const keys = () => fetch(`${mock.url}/auth/verify_keys`, { headers: { authorization: 'Bearer t', 'upvest-client-id': clientId, accept: 'application/json' } }).then((r) => r.json());
  verify = api.createWebhookVerifier({ keys });
  const stop = async () => {
    mock.stop();
    await replicas.close();
  };
  return { client: new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't' }), log, stop };
}

/** The in-process mock delivering to three functions. */
const inProcessMock = async (answer) => {
  const mock = await createMock({ closeDelayMs: 60_000 });
  const verify = api.createWebhookVerifier({ keys: () => mock.verifyKeys() });
  const log = replicaLog(() => verify, answer);
  const loop = mock.deliverWebhooks({ targets: functionReplicas(log), retryBaseMs: 50 });
  return { client: new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't', fetch: mock.fetch }), log, stop: () => loop.stop(), loop };
};

for (const [name, setup] of [['the binary (--webhook-url ×3)', nativeMock], ['the in-process mock (deliverWebhooks, function targets)', inProcessMock]]) {
  test(`${name}: deliveries go round-robin, each signed for its own target`, () => scenarios.roundRobin(setup));
  test(`${name}: a replica answering 500 makes the retry land on the next one`, () => scenarios.retryToNext(setup));
  test(`${name}: a failing delivery blocks later ones, retried round the replicas, until it succeeds`, () => scenarios.blocking(setup));
}

test('deliverWebhooks to URL targets: POSTed with fetch, round-robin, signed for each', async () => {
  const mock = await createMock();
  const verify = api.createWebhookVerifier({ keys: () => mock.verifyKeys() });
  const log = replicaLog(() => verify, (replica) => (replica === 'a' && log.attempts.length === 1 ? 503 : 204));
  const replicas = await httpReplicas(log);
  const loop = mock.deliverWebhooks({ targets: [replicas.urls[0], new URL(replicas.urls[1]), replicas.urls[2]], retryBaseMs: 10 });
  try {
    const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't', fetch: mock.fetch });
    const first = (await client.create(newUser())).id;
    const second = (await client.create(newUser())).id;
    await within(WAIT_MS, 'both delivered', () => loop.delivered === 2);
    assert.deepEqual([log.replicasFor(first), log.replicasFor(second)], [['a', 'b'], ['c']]);
    assert.equal(loop.failedAttempts, 1);
    assert.ok(log.attempts.every((a) => a.url.includes(`/hooks/${a.replica}?replica=${a.replica}`)));
  } finally {
    await loop.stop();
    await replicas.close();
  }
});

test('deliverWebhooks: stop() cuts a hanging attempt short, leaves no timer, and the delivery stays with the mock', async () => {
  const mock = await createMock();
  const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't', fetch: mock.fetch });
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  let seen = 0;
  let aborted;
  // A receiver that never answers, and ignores its request's signal but for noting it.
  const hanging = (request) => {
    seen += 1;
    request.signal.addEventListener('abort', () => (aborted = request.signal.reason));
    return new Promise(() => {});
  };
  const loop = mock.deliverWebhooks({ targets: [hanging] });
  const group = await client.create(newUser());
  await within(WAIT_MS, 'the attempt', () => seen === 1);
  assert.ok(timers() - before <= 2, `at most the attempt's limit and the loop's wait: ${timers() - before}`);
  const stopped = Date.now();
  await loop.stop();
  assert.ok(Date.now() - stopped < 1000, 'stop() did not wait for the attempt');
  assert.equal(aborted?.name, 'AbortError', 'the request was aborted');
  assert.equal(timers(), before, 'no timer left behind');
  assert.deepEqual([loop.delivered, loop.failedAttempts], [0, 0], 'cut short by stop(), not failed');
  await loop.stop();
  const [kept] = mock.webhookDeliveries();
  assert.equal(JSON.parse(kept.body).payload[0].object.id, group.id, 'the undelivered delivery is still there');

  // A new loop may start once the first is stopped, not before.
  const next = mock.deliverWebhooks({ targets: [() => new Response(null, { status: 200 })] });
  assert.throws(() => mock.deliverWebhooks({ targets: ['http://127.0.0.1:9/'] }), /already delivering/);
  await next.stop();
});

test('deliverWebhooks refuses wrong options, reading only their own members', async () => {
  const mock = await createMock();
  for (const [options, type, message] of [
    [undefined, TypeError, /takes \{ targets, retryBaseMs\?, handlerUrl\? \}/],
    [{ targets: [] }, TypeError, /at least one target/],
    [{ targets: 'http://127.0.0.1/' }, TypeError, /targets must be an array/],
    [{ targets: [42] }, TypeError, /targets\[0\] must be a URL/],
    [{ targets: ['not a url'] }, TypeError, /targets\[0\] is not a URL/],
    [{ targets: [() => {}], retryBaseMs: -1 }, RangeError, /retryBaseMs must be a whole number from 0 to/],
    [{ targets: [() => {}], retryBase: 5 }, TypeError, /unknown option retryBase/],
    // What an object inherits is never read: a polluted prototype supplies no targets.
    [Object.create({ targets: ['http://127.0.0.1/'] }), TypeError, /targets must be an array/],
  ]) {
    assert.throws(() => mock.deliverWebhooks(options), (e) => e instanceof type && message.test(e.message), String(message));
  }
});

test('deliverWebhooks under a polluted Object.prototype reads only the options\' own members', async () => {
  const mock = await createMock();
  const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't', fetch: mock.fetch });
  const polluted = { retryBaseMs: 'soon', handlerUrl: 42, 0: 'http://127.0.0.1:9/' };
  const requests = [];
  for (const [name, value] of Object.entries(polluted)) Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
  try {
    // A hole in the list is not filled from Object.prototype.
    // eslint-disable-next-line no-sparse-arrays
    assert.throws(() => mock.deliverWebhooks({ targets: [, () => {}] }), /targets\[0\] must be a URL/);
    const loop = mock.deliverWebhooks({ targets: [async (request) => (requests.push(request.url), new Response(null, { status: 200 }))] });
    await client.create(newUser());
    await within(WAIT_MS, 'the delivery', () => loop.delivered === 1);
    await loop.stop();
  } finally {
    for (const name of Object.keys(polluted)) delete Object.prototype[name];
  }
  assert.deepEqual(requests, ['http://127.0.0.1/webhooks'], 'the default handlerUrl, not the inherited one');
});

test('webhookDeliveries with several targets signs deliveries for them round-robin, across calls', async () => {
  const mock = await createMock();
  const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't', fetch: mock.fetch });
  const targets = ['http://127.0.0.1:1/a', 'http://127.0.0.1:2/b?x=1'];
  await client.create(newUser());
  await client.create(newUser());
  await client.create(newUser());
  const urls = mock.webhookDeliveries(targets).map((d) => d.url);
  await client.create(newUser());
  urls.push(...mock.webhookDeliveries(targets).map((d) => d.url));
  assert.deepEqual(urls, [targets[0], targets[1], targets[0], targets[1]]);
  const verify = api.createWebhookVerifier({ keys: () => mock.verifyKeys() });
  await client.create(newUser());
  const [delivery] = mock.webhookDeliveries(targets);
  assert.equal(delivery.url, targets[0]);
  await api.parseWebhookEvents(delivery.body, { verify, method: delivery.method, url: delivery.url, headers: delivery.headers });
  assert.throws(() => mock.webhookDeliveries([]), /at least one target/);
});
