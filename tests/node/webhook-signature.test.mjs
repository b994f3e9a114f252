// The mock signs its webhook deliveries the Upvest v6 way; each delivery is verified here
// independently, with node:crypto, from Upvest's v6 rules: the digest of the body, a base with
// bare component names ending in the signature-input member as sent, ECDSA P-521/SHA-512 in DER,
// by the key GET /auth/verify_keys lists under the signature's keyid. Also: redeliveries signed
// afresh, key rotation, a key given with --webhook-signing-key, the scopes verify_keys needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from '../../scripts/with-mock.mjs';
import { receiver, within } from './fixtures.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const headers = (token = 'any-token') => ({ authorization: `Bearer ${token}`, 'upvest-client-id': clientId, accept: 'application/json' });

/** Creates a group with plain fetch, which makes the mock deliver CREATED and ACTIVATED. */
const createGroup = (url, token) =>
  fetch(`${url}/account_groups`, {
    method: 'POST',
    headers: { ...headers(token), 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ user_id: crypto.randomUUID(), type: 'PERSONAL' }),
  }).then((r) => r.json());

const verifyKeys = async (url, token) => (await fetch(`${url}/auth/verify_keys`, { headers: headers(token) })).json();

/** Verifies one delivery as a receiver following Upvest's v6 docs would; returns its parameters. */
function verifyDelivery(delivery, jwks) {
  const digest = `SHA-256=${createHash('sha256').update(delivery.body).digest('base64')}`;
  assert.equal(delivery.headers.digest, digest, 'digest covers the body');
  assert.equal(delivery.headers['content-length'], String(delivery.body.length));
  assert.equal(delivery.headers['content-type'], 'application/json');
  const input = delivery.headers['signature-input'];
  const match = /^sig1=(\(([^)]*)\)(.*))$/.exec(input);
  assert.ok(match, `signature-input ${input}`);
  const [, signatureParams, list, rest] = match;
  const covered = list.split(' ').map((c) => JSON.parse(c));
  const target = new URL(delivery.url, 'http://receiver');
  assert.deepEqual(covered, ['@method', '@path', ...(target.search ? ['@query'] : []), 'content-type', 'content-length', 'digest']);
  const params = Object.fromEntries(rest.split(';').slice(1).map((p) => p.split('=')).map(([k, v]) => [k, v.startsWith('"') ? JSON.parse(v) : Number(v)]));
  assert.deepEqual(Object.keys(params), ['keyid', 'created', 'expires', 'nonce']);
  const seconds = Date.now() / 1000;
  assert.ok(params.created <= seconds + 1 && params.expires > seconds, `valid now: ${rest}`);
  const value = (name) => ({ '@method': delivery.method, '@path': target.pathname, '@query': target.search })[name] ?? delivery.headers[name];
  const base = [...covered.map((c) => `${c}: ${value(c)}`), `@signature-params: ${signatureParams}`].join('\n');
  const jwk = jwks.keys.find((k) => k.kid === params.keyid);
  assert.ok(jwk, `verify_keys lists the keyid ${params.keyid}`);
  assert.deepEqual([jwk.kty, jwk.crv, jwk.alg, jwk.use], ['EC', 'P-521', 'ES512', 'sig']);
  const signature = /^sig1=:([A-Za-z0-9+/=]+):$/.exec(delivery.headers.signature);
  assert.ok(signature, `signature ${delivery.headers.signature}`);
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  assert.ok(verify('sha512', Buffer.from(base), { key, dsaEncoding: 'der' }, Buffer.from(signature[1], 'base64')), `the signature verifies over\n${base}`);
  return params;
}

test('deliveries are signed v6 with the key verify_keys lists; redeliveries afresh; rotation', async () => {
  const hooks = await receiver({ failures: 1 });
  const mock = await startMock(['--webhook-url', hooks.url, '--webhook-retry-base-ms', '1100', '--close-delay-ms', '200']);
  try {
    const group = await createGroup(mock.url);
    await within(8000, 'the create delivery and its redelivery', () => hooks.deliveries.length >= 2);
    const jwks = await verifyKeys(mock.url);
    assert.equal(jwks.keys.length, 1);
    const [first, again] = hooks.deliveries.map((d) => verifyDelivery(d, jwks));
    assert.deepEqual(hooks.deliveries[0].body, hooks.deliveries[1].body, 'the same bundle again');
    assert.notEqual(first.nonce, again.nonce, 'a redelivery is signed afresh');
    assert.ok(again.created > first.created, 'and later');
    assert.equal(first.keyid, jwks.keys[0].kid);

    const rotated = await (await fetch(`${mock.url}/__mock/webhook-key/rotate`, { method: 'POST' })).json();
    assert.notEqual(rotated.kid, first.keyid);
    await fetch(`${mock.url}/account_groups/${group.id}`, { method: 'DELETE', headers: headers() });
    await within(5000, 'CLOSING_INITIATED and CLOSED', () => hooks.deliveries.length >= 4);
    const both = await verifyKeys(mock.url);
    assert.deepEqual(both.keys.map((k) => k.kid), [first.keyid, rotated.kid], 'the old key stays listed');
    for (const delivery of hooks.deliveries.slice(2)) assert.equal(verifyDelivery(delivery, both).keyid, rotated.kid);
  } finally {
    mock.stop();
    hooks.close();
  }
});

test('--webhook-signing-key: that key signs; verify_keys needs a webhooks scope under --strict-tokens', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  const dir = mkdtempSync(join(tmpdir(), 'upvest-webhook-key-'));
  const file = join(dir, 'webhook.pem');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const hooks = await receiver({ path: '/upvest/hooks?source=mock' });
  const mock = await startMock(['--webhook-url', hooks.url, '--webhook-signing-key', file, '--strict-tokens']);
  try {
    const issue = async (scope) => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'mock-client-secret', scope });
      const response = await fetch(`${mock.url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      return (await response.json()).access_token;
    };
    const forbidden = await fetch(`${mock.url}/auth/verify_keys`, { headers: headers(await issue('accounts:read')) });
    assert.equal(forbidden.status, 403);
    assert.match((await forbidden.json()).detail, /webhooks:read or webhooks:admin/);
    assert.equal((await fetch(`${mock.url}/auth/verify_keys`, { headers: { accept: 'application/json' } })).status, 401, 'unauthenticated');
    const jwks = await verifyKeys(mock.url, await issue('webhooks:read'));
    const own = publicKey.export({ format: 'jwk' });
    assert.deepEqual([jwks.keys[0].x, jwks.keys[0].y], [own.x, own.y], 'the key given');
    assert.equal((await fetch(`${mock.url}/auth/verify_keys`, { headers: headers(await issue('webhooks:admin')) })).status, 200);

    await createGroup(mock.url, await issue('accounts:admin'));
    await within(5000, 'the create delivery', () => hooks.deliveries.length >= 1);
    assert.equal(hooks.deliveries[0].url, '/upvest/hooks?source=mock');
    verifyDelivery(hooks.deliveries[0], jwks);
  } finally {
    mock.stop();
    hooks.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
