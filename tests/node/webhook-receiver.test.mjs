// createWebhookReceiver: what it answers for every kind of delivery, through the Fetch API
// (`handle`) and node:http (`listener`), over MemoryWebhookStore and over stores that fail or
// hang; and the mock delivering to it over loopback. Each answer is checked with what the store
// then holds: 2xx only once recorded, never a non-2xx for a delivery that verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as api from '../../pkg/node/index.mjs';
import { startMock } from '../../scripts/with-mock.mjs';
import { freshBody, newSigner, signDelivery, withHeader } from '../shared/webhook-verifier-cases.mjs';
import { within } from './fixtures.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';

/** A signer, a verifier for its key, a memory store and a receiver over them. */
async function setup(options = {}) {
  const signer = await newSigner();
  const store = options.store ?? new api.MemoryWebhookStore();
  const reports = [];
  const verify = options.verify ?? api.createWebhookVerifier({ keys: { keys: [signer.jwk] } });
  const receiver = api.createWebhookReceiver({ verify, store, onError: (error, context) => reports.push({ error, ...context }), ...options.receiver });
  return { signer, store, reports, receiver };
}

/** A delivery as a Fetch API Request to http://127.0.0.1 + its url. */
const asRequest = (delivery, init = {}) =>
  new Request(`http://127.0.0.1${delivery.url}`, { method: delivery.method, headers: delivery.headers, body: delivery.body, ...init });

async function answer(receiver, delivery, init) {
  const response = await receiver.handle(asRequest(delivery, init));
  return { status: response.status, body: await response.json() };
}

test('a signed delivery is recorded, then answered 200; a redelivery is 200 and records nothing new', async () => {
  const { signer, store, receiver } = await setup();
  const delivery = await signDelivery(signer);
  assert.deepEqual(await answer(receiver, delivery), { status: 200, body: { received: 1 } });
  const [recorded] = store.take();
  const sent = JSON.parse(delivery.body).payload[0];
  assert.deepEqual({ id: recorded.id, type: recorded.type, event: recorded.event }, { id: sent.id, type: sent.type, event: sent });
  const again = await signDelivery(signer, { body: delivery.body });
  assert.deepEqual(await answer(receiver, again), { status: 200, body: { received: 1 } });
  assert.equal(store.pending, 0, 'recorded once');
});

test('each refusal: 401 for what Upvest did not sign, with the store untouched', async () => {
  const { signer, store, receiver, reports } = await setup();
  const other = await newSigner();
  const dayAgo = Math.floor(Date.now() / 1000) - 86_400;
  const good = await signDelivery(signer);
  const cases = {
    'no signature': withHeader(withHeader(good, 'signature', undefined), 'signature-input', undefined),
    'signed by another key': await signDelivery(other, { kid: signer.kid }),
    'an unknown keyid': await signDelivery(other),
    'a day old': await signDelivery(signer, { created: dayAgo }),
    'the body changed': { ...good, body: good.body.replace('CREATED', 'CLOSED') },
    'the path changed': { ...good, url: '/elsewhere' },
    'the digest not covered': await signDelivery(signer, { covered: ['@method', '@path', 'content-type'] }),
  };
  for (const [name, delivery] of Object.entries(cases)) {
    const got = await answer(receiver, delivery);
    assert.equal(got.status, 401, name);
    assert.match(got.body.title, /^Webhook signature refused \(/, name);
  }
  assert.equal(store.pending, 0);
  assert.deepEqual(reports.map((r) => [r.status, r.stage]), Object.keys(cases).map(() => [401, 'verify']));
  assert.ok(reports.every((r) => r.error instanceof api.WebhookVerificationError));
});

test('an unsigned request is refused before its body is read; a signed one may be large', async () => {
  const { signer, store, receiver } = await setup({ receiver: { maxBodyBytes: 64 * 1024 } });
  let pulled = 0;
  // A body that never ends: answering at all shows it was not waited for.
  const endless = new ReadableStream({
    pull(controller) {
      pulled += 1;
      return new Promise((resolve) => setTimeout(() => resolve(controller.enqueue(new Uint8Array(1024))), 5));
    },
  });
  const request = new Request('http://127.0.0.1/hooks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: endless, duplex: 'half' });
  const response = await receiver.handle(request);
  assert.equal(response.status, 401);
  assert.ok(pulled <= 2, `read ${pulled} chunks of an unsigned body`);

  const big = JSON.stringify({ payload: Array.from({ length: 80 }, () => JSON.parse(freshBody()).payload[0]) });
  assert.ok(big.length > 32 * 1024);
  assert.equal((await answer(receiver, await signDelivery(signer, { body: big }))).status, 200);
  assert.equal(store.take().length, 80);
  const tooBig = await signDelivery(signer, { body: big.repeat(3).slice(0, 0) + JSON.stringify({ payload: Array.from({ length: 250 }, () => JSON.parse(freshBody()).payload[0]) }) });
  const refused = await receiver.handle(asRequest(tooBig));
  assert.equal(refused.status, 413);
  assert.equal(store.pending, 0);
});

test('a delivery that verifies but is not events is kept in quarantine and answered 200, once; replay records it when it reads', async () => {
  const { signer, store, receiver, reports } = await setup();
  const body = JSON.stringify({ payload: 'not a list' });
  for (let i = 0; i < 2; i += 1) {
    const got = await answer(receiver, await signDelivery(signer, { body }));
    assert.equal(got.status, 200);
    assert.match(got.body.quarantined, /^sha256-[0-9a-f]{64}$/);
  }
  const kept = store.quarantined();
  assert.equal(kept.length, 1);
  assert.equal(new TextDecoder().decode(kept[0].body), body);
  assert.match(kept[0].reason, /payload must be an array of events/);
  assert.deepEqual(reports.map((r) => [r.status, r.stage]), [[200, 'quarantine'], [200, 'quarantine']]);
  for (const unreadable of ['not json', '\u00ff\u00fe', JSON.stringify({ payload: [{ id: 'not-a-uuid' }] })]) {
    assert.equal((await answer(receiver, await signDelivery(signer, { body: unreadable }))).status, 200, unreadable);
  }
  assert.equal(store.quarantined().length, 4);
  assert.equal(store.pending, 0);
  // Replay: what a mended reader would do with a kept body.
  const good = freshBody();
  assert.deepEqual(await receiver.replay(good), { status: 200, body: { received: 1 } });
  assert.equal(store.take().length, 1);
});

test('an event type added later is recorded like any other', async () => {
  const { signer, store, receiver } = await setup();
  const event = { ...JSON.parse(freshBody()).payload[0], type: 'PORTFOLIO.REBALANCED', object: { anything: [1, 2] } };
  assert.equal((await answer(receiver, await signDelivery(signer, { body: JSON.stringify({ payload: [event] }) }))).status, 200);
  assert.deepEqual(store.take().map((r) => [r.type, r.event.object]), [['PORTFOLIO.REBALANCED', { anything: [1, 2] }]]);
});

test('a store that fails or hangs: 503, within storeTimeoutMs, and the store is told to stop', async () => {
  let signal;
  const failing = { record: async () => Promise.reject(new Error('Redis is down')), quarantine: async () => {} };
  const hanging = {
    record: (_, context) => {
      signal = context.signal;
      return new Promise(() => {});
    },
    quarantine: async () => {},
  };
  for (const [name, store] of [['failing', failing], ['hanging', hanging]]) {
    const { signer, receiver, reports } = await setup({ store, receiver: { storeTimeoutMs: 200 } });
    const started = Date.now();
    const response = await receiver.handle(asRequest(await signDelivery(signer)));
    assert.equal(response.status, 503, name);
    assert.equal(response.headers.get('retry-after'), '1');
    assert.ok(Date.now() - started < 5000, name);
    assert.deepEqual(reports.map((r) => [r.status, r.stage]), [[503, 'store']]);
  }
  assert.equal(signal.aborted, true);
});

test('the key source failing is 503 (Upvest delivers again), not 401', async () => {
  const signer = await newSigner();
  const verify = api.createWebhookVerifier({ keys: async () => Promise.reject(new Error('Upvest unreachable')) });
  const { receiver, store } = await setup({ verify });
  assert.equal((await receiver.handle(asRequest(await signDelivery(signer)))).status, 503);
  assert.equal(store.pending, 0);
});

test('verify: false and a verify of ones own: the body is read first, under maxUnverifiedBodyBytes', async () => {
  const seen = [];
  const own = async (request) => {
    seen.push(new TextDecoder().decode(request.body));
    if (!request.headers.get('x-shared-secret')) throw new api.WebhookVerificationError('no secret', { code: 'bad-signature' });
  };
  const { receiver, store } = await setup({ verify: own, receiver: { maxUnverifiedBodyBytes: 1000 } });
  const body = freshBody();
  assert.equal((await receiver.handle(new Request('http://127.0.0.1/hooks', { method: 'POST', body }))).status, 401);
  assert.equal((await receiver.handle(new Request('http://127.0.0.1/hooks', { method: 'POST', body, headers: { 'x-shared-secret': '1' } }))).status, 200);
  assert.deepEqual(seen, [body, body]);
  assert.equal((await receiver.handle(new Request('http://127.0.0.1/hooks', { method: 'POST', body: 'x'.repeat(1001) }))).status, 413);
  const broken = await setup({ verify: () => Promise.reject(new TypeError('a bug')) });
  assert.equal((await broken.receiver.handle(new Request('http://127.0.0.1/hooks', { method: 'POST', body }))).status, 500);
  const unchecked = await setup({ verify: false });
  assert.equal((await unchecked.receiver.handle(new Request('http://127.0.0.1/hooks', { method: 'POST', body }))).status, 200);
  assert.equal(store.take().length + unchecked.store.take().length, 2);
});

test('not a POST: 405; an onError that throws changes nothing', async () => {
  const store = new api.MemoryWebhookStore();
  const receiver = api.createWebhookReceiver({ verify: false, store, onError: () => { throw new Error('a broken logger'); } });
  const got = await receiver.handle(new Request('http://127.0.0.1/hooks'));
  assert.equal(got.status, 405);
  assert.equal(got.headers.get('allow'), 'POST');
  assert.equal((await receiver.handle(new Request('http://127.0.0.1/hooks', { method: 'POST', body: 'nope' }))).status, 200);
});

test('bad options are InvalidInputError naming the option; verify must be given, also to parseWebhookEvents', async () => {
  const store = new api.MemoryWebhookStore();
  const cases = [
    [{ store }, 'verify', 'required'],
    [{ store, verify: true }, 'verify', 'type'],
    [{ verify: false }, 'store', 'required'],
    [{ verify: false, store: {} }, 'store', 'type'],
    [{ verify: false, store, storeTimeoutMs: 0 }, 'storeTimeoutMs', 'range'],
    [{ verify: false, store, maxBodyBytes: 1.5 }, 'maxBodyBytes', 'type'],
    [{ verify: false, store, onError: 'log' }, 'onError', 'type'],
    [{ verify: false, store, verifyKeys: 1 }, 'verifyKeys', 'unknown-field'],
  ];
  for (const [options, field, code] of cases) {
    assert.throws(() => api.createWebhookReceiver(options), (e) => e instanceof api.InvalidInputError && e.field === field && e.code === code, JSON.stringify(options));
  }
  assert.throws(() => api.createWebhookReceiver(), (e) => e instanceof api.InvalidInputError);
  const error = await api.parseWebhookEvents(freshBody()).catch((e) => e);
  assert.ok(error instanceof api.InvalidInputError && error.field === 'verify' && error.code === 'required', String(error));
  assert.match(error.message, /verify: false|or false/);
  assert.equal((await api.parseWebhookEvents(freshBody(), { verify: false })).length, 1);
});

test('node:http: the mock delivers a create and a close to http.createServer(receiver.listener), signed, recorded once', async () => {
  const store = new api.MemoryWebhookStore();
  const reports = [];
  let client;
  const verify = api.createWebhookVerifier({ keys: ({ signal }) => client.verifyKeys({ signal }) });
  const receiver = api.createWebhookReceiver({ verify, store, onError: (error, context) => reports.push({ error, ...context }) });
  const server = http.createServer(receiver.listener);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const mock = await startMock(['--webhook-url', `http://127.0.0.1:${server.address().port}/upvest/hooks?tenant=acme`, '--webhook-retry-base-ms', '50', '--close-delay-ms', '200']);
  try {
    client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't' });
    const group = await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
    await client.close(group.id);
    const events = [];
    await within(15_000, 'CREATED, ACTIVATED, CLOSING_INITIATED and CLOSED recorded', () => {
      events.push(...store.take());
      return events.length >= 4;
    });
    assert.deepEqual(events.map((r) => r.type), ['ACCOUNT_GROUP.CREATED', 'ACCOUNT_GROUP.ACTIVATED', 'ACCOUNT_GROUP.CLOSING_INITIATED', 'ACCOUNT_GROUP.CLOSED']);
    assert.ok(events.every((r) => r.event.object.id === group.id));
    assert.deepEqual(reports, [], 'nothing refused');
    // A forged POST to the same server: 401.
    const forged = await fetch(`http://127.0.0.1:${server.address().port}/upvest/hooks?tenant=acme`, { method: 'POST', body: freshBody(), headers: { 'content-type': 'application/json' } });
    assert.equal(forged.status, 401);
  } finally {
    mock.stop();
    server.close();
  }
});

test('Express and Fastify, as the README mounts them: signed deliveries 200 (also under a Router mount path), forged ones 401', async () => {
  const { default: express } = await import('express');
  const { default: Fastify } = await import('fastify');
  const { signer, store, receiver } = await setup();
  const app = express();
  app.post('/upvest/webhooks', receiver.listener);
  const router = express.Router();
  router.post('/webhooks', receiver.listener);
  app.use('/mounted', router);
  const raw = express();
  raw.post('/upvest/webhooks', express.raw({ type: '*/*' }), receiver.listener);
  const parsed = express();
  parsed.post('/upvest/webhooks', express.json(), receiver.listener);
  const fastify = Fastify();
  fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (request, payload, done) => done(null));
    scope.post('/upvest/webhooks', (request, reply) => {
      reply.hijack();
      return receiver.listener(request.raw, reply.raw);
    });
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const servers = [];
  const listen = (handler) =>
    new Promise((resolve) => {
      const server = http.createServer(handler).listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
      servers.push(server);
    });
  try {
    const origins = { express: await listen(app), 'express.raw()': await listen(raw), fastify: `http://127.0.0.1:${fastify.server.address().port}` };
    const post = async (origin, delivery) => (await fetch(`${origin}${delivery.url}`, { method: 'POST', headers: delivery.headers, body: delivery.body })).status;
    for (const [name, origin] of Object.entries(origins)) {
      assert.equal(await post(origin, await signDelivery(signer, { url: '/upvest/webhooks' })), 200, name);
      assert.equal(await post(origin, { url: '/upvest/webhooks', headers: { 'content-type': 'application/json' }, body: freshBody() }), 401, `${name}: forged`);
    }
    assert.equal(await post(origins.express, await signDelivery(signer, { url: '/mounted/webhooks' })), 200, 'under a Router mount');
    assert.equal(store.take().length, 4);
    // After express.json() the raw bytes are gone: the receiver says so (500), and records nothing.
    const status = await post(await listen(parsed), await signDelivery(signer, { url: '/upvest/webhooks' }));
    assert.equal(status, 500);
    assert.equal(store.pending, 0);
  } finally {
    for (const server of servers) server.close();
    await fastify.close();
  }
});

test('the in-process mock delivers to two receivers handle()s round-robin, with no network: each event recorded once in their shared store', async () => {
  const { createMock } = await import('../../pkg/mock/index.mjs');
  const mock = await createMock();
  const store = new api.MemoryWebhookStore();
  const reports = [];
  const verify = api.createWebhookVerifier({ keys: async () => mock.verifyKeys() });
  const replicas = [0, 1].map(() => api.createWebhookReceiver({ verify, store, onError: (error, context) => reports.push({ error, ...context }) }));
  const calls = [0, 0];
  const loop = mock.deliverWebhooks({ targets: replicas.map((replica, i) => (request) => (calls[i] += 1, replica.handle(request))), retryBaseMs: 20 });
  try {
    const client = new api.AccountGroups({ baseUrl: mock.url, fetch: mock.fetch, clientId, accessToken: 't' });
    for (let i = 0; i < 3; i += 1) await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
    const events = [];
    await within(10_000, 'six events recorded', () => {
      events.push(...store.take());
      return events.length >= 6;
    });
    assert.equal(new Set(events.map((r) => r.id)).size, 6);
    assert.ok(calls[0] > 0 && calls[1] > 0, `both replicas took deliveries: ${calls}`);
    assert.deepEqual(reports, []);
  } finally {
    await loop.stop();
  }
});

test('replay takes a quarantine record as the stores keep it: bytes, text, or base64; a bad one is InvalidInputError', async () => {
  const { receiver, store } = await setup({ verify: false });
  const body = freshBody();
  const bytes = new TextEncoder().encode(body);
  const b64 = btoa(String.fromCharCode(...bytes));
  for (const record of [{ body: bytes }, { body, encoding: 'utf8' }, { body: b64, encoding: 'base64' }]) {
    assert.deepEqual(await receiver.replay(record), { status: 200, body: { received: 1 } }, JSON.stringify(record).slice(0, 40));
  }
  assert.equal(store.take().length, 1, 'the same event, recorded once');
  for (const bad of [{ body: '%%%', encoding: 'base64' }, { body: 1 }, 42, null]) {
    await assert.rejects(receiver.replay(bad), (e) => e instanceof api.InvalidInputError, JSON.stringify(bad));
  }
});

test('verify: false under NODE_ENV=production warns once, at creation', async () => {
  const warned = [];
  const { warn } = console;
  const before = process.env.NODE_ENV;
  console.warn = (line) => warned.push(line);
  try {
    process.env.NODE_ENV = 'production';
    api.createWebhookReceiver({ verify: false, store: new api.MemoryWebhookStore() });
    process.env.NODE_ENV = 'test';
    api.createWebhookReceiver({ verify: false, store: new api.MemoryWebhookStore() });
  } finally {
    console.warn = warn;
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
  assert.equal(warned.length, 1);
  assert.match(warned[0], /verify: false.*NODE_ENV=production/);
});
