// The webhook receiver, its body reading and the memory store, from the source in js/ over a
// scripted core (tests/unit/fake-core.mjs): every answer, in milliseconds, with no build.
import './fake-core.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { InvalidInputError, WebhookVerificationError } from '../../js/errors.js';
import { MemoryWebhookStore } from '../../js/memory-webhook-store.js';
import { BodyAlreadyParsedError, readIncomingBody, TOO_LARGE } from '../../js/request-body.js';
import { createWebhookReceiver } from '../../js/webhook-receiver.js';
import { createWebhookVerifier } from '../../js/webhook-verifier.js';
import { freshBody, newSigner, signDelivery } from '../shared/webhook-verifier-cases.mjs';
import { storeContractCases } from '../shared/webhook-store-contract.mjs';

const post = (body, headers = {}) => new Request('http://127.0.0.1/hooks', { method: 'POST', headers, body });
const answer = async (receiver, request) => {
  const response = await receiver.handle(request);
  return [response.status, await response.json()];
};

test('recorded once; a redelivery is 200 with nothing new; not a POST is 405', async () => {
  const store = new MemoryWebhookStore();
  const receiver = createWebhookReceiver({ verify: false, store });
  const body = freshBody();
  assert.deepEqual(await answer(receiver, post(body)), [200, { received: 1 }]);
  assert.deepEqual(await answer(receiver, post(body)), [200, { received: 1 }]);
  assert.equal(store.take().length, 1);
  assert.equal((await receiver.handle(new Request('http://127.0.0.1/hooks'))).status, 405);
});

test('what the core refuses is quarantined once and answered 200; replay decodes a store record', async () => {
  const reports = [];
  const store = new MemoryWebhookStore();
  const receiver = createWebhookReceiver({ verify: false, store, onError: (error, context) => reports.push(context) });
  for (let i = 0; i < 2; i += 1) {
    const [status, body] = await answer(receiver, post('{"payload":7}'));
    assert.equal(status, 200);
    assert.match(body.quarantined, /^sha256-[0-9a-f]{64}$/);
  }
  assert.equal(store.quarantined().length, 1);
  assert.deepEqual(reports.map((r) => r.stage), ['quarantine', 'quarantine']);
  const good = new TextEncoder().encode(freshBody());
  assert.deepEqual(await receiver.replay({ body: btoa(String.fromCharCode(...good)), encoding: 'base64' }), { status: 200, body: { received: 1 } });
  await assert.rejects(receiver.replay({ body: 3 }), InvalidInputError);
});

test('a store that fails or hangs is 503 within storeTimeoutMs, and its signal aborts', async () => {
  let signal;
  const stores = [
    { record: async () => Promise.reject(new Error('down')), quarantine: async () => {} },
    { record: (_, context) => ((signal = context.signal), new Promise(() => {})), quarantine: async () => {} },
  ];
  for (const store of stores) {
    const receiver = createWebhookReceiver({ verify: false, store, storeTimeoutMs: 30 });
    const [status] = await answer(receiver, post(freshBody()));
    assert.equal(status, 503);
  }
  assert.equal(signal.aborted, true);
});

test('with createWebhookVerifier: unsigned refused before its body is read, signed recorded, the key source failing 503', async () => {
  const signer = await newSigner();
  const store = new MemoryWebhookStore();
  const receiver = createWebhookReceiver({ verify: createWebhookVerifier({ keys: { keys: [signer.jwk] } }), store });
  let pulled = 0;
  const endless = new ReadableStream({ pull: (controller) => void ((pulled += 1), controller.enqueue(new Uint8Array(1024))) });
  const refused = await receiver.handle(new Request('http://127.0.0.1/hooks', { method: 'POST', body: endless, duplex: 'half' }));
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get('connection'), 'close');
  assert.ok(pulled <= 2, `pulled ${pulled}`);
  const delivery = await signDelivery(signer);
  assert.equal((await receiver.handle(new Request(`http://127.0.0.1${delivery.url}`, { method: 'POST', headers: delivery.headers, body: delivery.body }))).status, 200);
  assert.equal(store.pending, 1);
  const failing = createWebhookReceiver({ verify: createWebhookVerifier({ keys: async () => Promise.reject(new Error('no keys')) }), store });
  assert.equal((await failing.handle(new Request(`http://127.0.0.1${delivery.url}`, { method: 'POST', headers: delivery.headers, body: delivery.body }))).status, 503);
  const own = createWebhookReceiver({ verify: () => Promise.reject(new WebhookVerificationError('no', { code: 'bad-signature' })), store });
  assert.equal((await own.handle(post(freshBody()))).status, 401);
});

test("a Node request's body: over the limit, already parsed, given raw, cut short", async () => {
  const incoming = (extra = {}) => Object.assign(new EventEmitter(), { headers: {}, readableEnded: false, complete: false, ...extra });
  const big = incoming();
  const reading = readIncomingBody(big, 4);
  big.emit('data', new Uint8Array(3));
  big.emit('data', new Uint8Array(3));
  assert.equal(await reading, TOO_LARGE);
  assert.equal(await readIncomingBody(incoming({ headers: { 'content-length': '5' } }), 4), TOO_LARGE);
  await assert.rejects(readIncomingBody(incoming({ body: { parsed: true } }), 100), BodyAlreadyParsedError);
  assert.deepEqual(await readIncomingBody(incoming({ body: new Uint8Array([1, 2]) }), 100), new Uint8Array([1, 2]));
  const cut = incoming();
  const cutReading = readIncomingBody(cut, 100);
  cut.emit('data', new Uint8Array(1));
  cut.emit('close');
  await assert.rejects(cutReading, /closed before the body was complete/);
});

for (const [name, run] of Object.entries(storeContractCases)) {
  test(`MemoryWebhookStore: ${name}`, async () => {
    const store = new MemoryWebhookStore();
    const taken = [];
    const settle = async () => void taken.push(...store.take());
    await run({
      store: () => store,
      recorded: async () => (await settle(), taken.map(({ id, type, event }) => ({ id, type, event }))),
      settle,
      quarantined: () => store.quarantined().map(({ id, body, reason }) => ({ id, body: new TextDecoder().decode(body), reason })),
    });
  });
}
