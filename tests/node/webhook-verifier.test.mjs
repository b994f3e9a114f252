// Webhook signatures in Node: the shared verifier cases (tests/shared/webhook-verifier-cases.mjs),
// then what needs the mock or Node: client.verifyKeys through the client's transport, the mock's
// own deliveries verified across a key rotation, when the key source is asked, option checks,
// and one error class for `import` and `require`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as api from '../../pkg/node/index.mjs';
import { startMock } from '../../scripts/with-mock.mjs';
import { newSigner, signDelivery, webhookVerifierCases, withHeader } from '../shared/webhook-verifier-cases.mjs';
import { receiver, within } from './fixtures.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';

for (const { name, run } of webhookVerifierCases(api)) {
  test(name, run);
}

/** parseWebhookEvents over a delivery as the fixtures' receiver keeps it, with `verify`. */
const parse = (delivery, verify) => api.parseWebhookEvents(delivery.body, { method: delivery.method, url: delivery.url, headers: delivery.headers, verify });

test('client.verifyKeys: GET /auth/verify_keys through the client (token, signer, retries), its answer checked', async () => {
  const mock = await startMock();
  try {
    await fetch(`${mock.url}/__mock/faults`, { method: 'POST', body: JSON.stringify([{ method: 'GET', path: '/auth/verify_keys', status: 503 }]) });
    const signed = [];
    const signer = async ({ method, url }) => {
      signed.push(`${method} ${url}`);
      return { 'x-signed-by': 'test' };
    };
    const client = new api.AccountGroups({ baseUrl: mock.url, clientId, tokenProvider: async () => 'provided', signer, retryBaseDelayMs: 10 });
    const jwks = await client.verifyKeys();
    assert.equal(jwks.keys.length, 1);
    assert.deepEqual(Object.keys(jwks.keys[0]), ['kid', 'kty', 'crv', 'x', 'y', 'alg', 'use'], 'extra members kept');
    assert.equal(jwks.lastResponse.status, 200);
    const requests = (await (await fetch(`${mock.url}/__mock/requests`)).json()).filter((r) => r.path === '/auth/verify_keys');
    assert.equal(requests.length, 2, 'the 503 was retried');
    for (const request of requests) {
      assert.deepEqual([request.method, request.headers.authorization, request.headers['upvest-client-id'], request.headers['x-signed-by']], ['GET', 'Bearer provided', clientId, 'test']);
    }
    assert.deepEqual(signed, [`GET ${mock.url}/auth/verify_keys`, `GET ${mock.url}/auth/verify_keys`], 'each attempt signed');

    const answering = (body) => new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't', fetch: async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }) });
    const broken = await answering('{"keys":[{"kid":7,"kty":"EC","crv":"P-521","x":"a","y":"b"}]}').verifyKeys().catch((e) => e);
    assert.ok(broken instanceof api.ResponseError, String(broken));
    assert.match(broken.message, /keys\[0\]\.kid must be a string/);
    const typo = await client.verifyKeys({ singal: AbortSignal.timeout(10) }).catch((e) => e);
    assert.ok(typo instanceof api.InvalidInputError && typo.code === 'unknown-field', String(typo));
  } finally {
    mock.stop();
  }
});

test("the mock's deliveries verify with client.verifyKeys(), across a key rotation", async () => {
  const hooks = await receiver({ path: '/upvest/hooks?tenant=acme' });
  const mock = await startMock(['--webhook-url', hooks.url, '--close-delay-ms', '200']);
  try {
    const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't' });
    let asked = 0;
    // A clock a test can move on: the verifier asks again for an unknown keyid once a minute.
    let offsetMs = 0;
    const verify = api.createWebhookVerifier({ keys: () => ((asked += 1), client.verifyKeys()), now: () => Date.now() + offsetMs });
    const group = await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
    await within(5000, 'the create delivery', () => hooks.deliveries.length >= 1);
    assert.deepEqual((await parse(hooks.deliveries[0], verify)).map((e) => e.type), ['ACCOUNT_GROUP.CREATED', 'ACCOUNT_GROUP.ACTIVATED']);
    assert.equal(asked, 1);

    await fetch(`${mock.url}/__mock/webhook-key/rotate`, { method: 'POST' });
    await client.close(group.id);
    await within(5000, 'CLOSING_INITIATED and CLOSED', () => hooks.deliveries.length >= 3);
    const byNewKey = hooks.deliveries[1];
    const early = await parse(byNewKey, verify).catch((e) => e);
    assert.equal(early.code, 'unknown-key', 'within a minute of the last load, an unknown keyid is not looked up again');
    assert.equal(asked, 1);
    offsetMs = 61_000;
    assert.equal((await parse(byNewKey, verify))[0].type, 'ACCOUNT_GROUP.CLOSING_INITIATED');
    assert.equal((await parse(hooks.deliveries[2], verify))[0].type, 'ACCOUNT_GROUP.CLOSED');
    assert.equal(asked, 2, 'asked once more, for the rotated key');
    assert.equal((await parse(hooks.deliveries[0], verify)).length, 2, 'the old key is still listed');
  } finally {
    mock.stop();
    hooks.close();
  }
});

test('a key source that failed is asked again on the next delivery, but not for every unknown keyid', async () => {
  const signer = await newSigner();
  let asked = 0;
  let up = false;
  const verify = api.createWebhookVerifier({
    keys: async () => {
      asked += 1;
      if (!up) throw new Error('down');
      return { keys: [signer.jwk] };
    },
  });
  const delivery = await signDelivery(signer);
  assert.equal((await parse(delivery, verify).catch((e) => e)).code, 'key-source-failed');
  up = true;
  assert.equal((await parse(delivery, verify)).length, 1);
  assert.equal(asked, 2);
  const stranger = await signDelivery(await newSigner('rotated-in-later'));
  assert.equal((await parse(stranger, verify).catch((e) => e)).code, 'unknown-key');
  assert.equal(asked, 2, 'the keys were loaded less than a minute ago');
});

test('headers as Node gives them: one sent twice (a string[]) reads as its values joined by ", ", names in any case', async () => {
  const signer = await newSigner();
  const delivery = await signDelivery(signer, { covered: ['@method', '@path', 'digest', 'x-trace'], extraHeaders: { 'x-trace': 'a, b' } });
  const verify = api.createWebhookVerifier({ keys: { keys: [signer.jwk] } });
  assert.equal((await parse(withHeader(delivery, 'x-trace', ['a', ' b ']), verify)).length, 1);
  assert.equal((await parse(withHeader(withHeader(delivery, 'x-trace'), 'X-Trace', 'a, b'), verify)).length, 1);
  assert.equal((await parse(withHeader(delivery, 'x-trace', ['a', 'c']), verify).catch((e) => e)).code, 'bad-signature');
});

test('options are checked when the verifier is made: InvalidInputError', () => {
  for (const [options, field, code] of [
    [undefined, 'options', 'required'],
    [{}, 'keys', 'required'],
    [{ keys: [] }, 'keys', 'type'],
    [{ keys: { keys: [] }, clockSkewSeconds: '30' }, 'clockSkewSeconds', 'type'],
    [{ keys: { keys: [] }, clockSkewSeconds: -1 }, 'clockSkewSeconds', 'range'],
    [{ keys: { keys: [] }, maxValiditySeconds: 0 }, 'maxValiditySeconds', 'range'],
    [{ keys: { keys: [] }, now: 5 }, 'now', 'type'],
    [{ keys: { keys: [] }, clockSkew: 30 }, 'options', 'unknown-field'],
  ]) {
    assert.throws(() => api.createWebhookVerifier(options), (e) => e instanceof api.InvalidInputError && e.field === field && e.code === code, `${field} ${code}`);
  }
  assert.equal(typeof api.createWebhookVerifier({ keys: { keys: [] }, clockSkewSeconds: undefined }), 'function', 'undefined means not given');
});

test('import and require share the error classes: a verifier error is instanceof both', async () => {
  const cjs = createRequire(import.meta.url)('../../pkg/node/index.cjs');
  assert.equal(cjs.WebhookVerificationError, api.WebhookVerificationError);
  assert.equal(cjs.createWebhookVerifier, api.createWebhookVerifier);
  const error = await cjs.createWebhookVerifier({ keys: { keys: [] } })({ method: 'POST', url: '/', headers: {}, body: '' }).catch((e) => e);
  assert.ok(error instanceof api.WebhookError && error instanceof cjs.UpvestError, String(error));
  assert.equal(error.code, 'missing-signature');
});
