// Request signing end to end: the ready signer (createUpvestSigner) against a mock that verifies
// signatures (--verify-key), with both key types; tampering refused; a retry signed afresh; and
// every signature checked once more by a verifier written here, from the rules, with node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import * as api from '../../pkg/node/index.mjs';
import { withVerifyingMock as verifyingMock } from './fixtures.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const keyId = 'a5a2b1c8-2b3c-4d5e-8f90-1a2b3c4d5e6f';

const KEY_TYPES = {
  ed25519: () => generateKeyPairSync('ed25519'),
  'ecdsa-p521-sha512': () => generateKeyPairSync('ec', { namedCurve: 'P-521' }),
};

/** The signature base built here from Upvest's v15 rules, independently of the package. */
function independentBase(request) {
  const input = request.headers['signature-input'];
  const match = /^sig1=\(([^)]*)\)(.*)$/.exec(input);
  assert.ok(match, `signature-input ${input}`);
  const components = match[1].split(' ').map((c) => JSON.parse(c));
  const value = (name) => {
    if (name === '@method') return request.method;
    if (name === '@path') return request.path;
    if (name === '@query') return `?${request.query}`;
    return request.headers[name];
  };
  const lines = components.map((name) => `"${name}": ${value(name)}`);
  lines.push(`"@signature-params": ${input.slice('sig1='.length)}`);
  return { base: lines.join('\n'), components };
}

function checkIndependently(request, publicKey, algorithm) {
  const { base, components } = independentBase(request);
  const expected = ['@method', '@path', ...(request.query ? ['@query'] : []), 'accept'];
  if (request.path !== '/auth/token') expected.push('authorization');
  if (request.body) expected.push('content-length', 'content-type', 'content-digest');
  if (request.headers['idempotency-key']) expected.push('idempotency-key');
  expected.push('upvest-client-id');
  assert.deepEqual(components, expected, 'covers exactly what Upvest requires');
  if (request.body) {
    const digest = createHash('sha512').update(request.body).digest('base64');
    assert.equal(request.headers['content-digest'], `sha-512=:${digest}:`);
  }
  assert.equal(request.headers['upvest-signature-version'], '15');
  assert.match(request.headers['signature-input'], /;keyid="a5a2b1c8-2b3c-4d5e-8f90-1a2b3c4d5e6f";created=\d+;expires=\d+;nonce="[0-9a-f]{32}"$/);
  const signature = Buffer.from(/^sig1=:(.*):$/.exec(request.headers.signature)[1], 'base64');
  const key = algorithm === 'ed25519' ? publicKey : { key: publicKey, dsaEncoding: 'der' };
  assert.ok(verify(algorithm === 'ed25519' ? null : 'sha512', Buffer.from(base), key, signature), 'node:crypto verifies the signature');
}

const withVerifyingMock = (publicKey, body) => verifyingMock(publicKey, body, ['--strict-tokens']);

const log = async (url) => (await fetch(`${url}/__mock/requests`)).json();

for (const [algorithm, generate] of Object.entries(KEY_TYPES)) {
  test(`${algorithm}: create, list, get and close signed end to end, each verified twice`, async () => {
    const { privateKey, publicKey } = generate();
    await withVerifyingMock(publicKey, async (url) => {
      const signer = api.createUpvestSigner({ keyId, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }), algorithm });
      const tokenProvider = api.clientCredentials({ tokenUrl: `${url}/auth/token`, clientId, clientSecret: 'mock-client-secret', scopes: ['accounts:admin'], signer });
      const client = new api.AccountGroups({ baseUrl: url, clientId, tokenProvider, signer });
      const group = await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
      assert.equal((await client.list({ limit: 5, order: 'DESC' })).data[0].id, group.id);
      assert.equal((await client.get(group.id)).id, group.id);
      assert.equal((await client.close(group.id, { closure_reason: 'user_initiated' })).status, 202);
      const requests = await log(url);
      assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`), [
        'POST /auth/token', 'POST /account_groups', 'GET /account_groups', `GET /account_groups/${group.id}`, `DELETE /account_groups/${group.id}`,
      ]);
      for (const request of requests) checkIndependently(request, publicKey, algorithm);
      console.log(`signature-input (${algorithm}, POST /account_groups): ${requests[1].headers['signature-input']}`);
    });
  });
}

test('a key object works as well as PEM, and unsigned or tampered requests are refused', async () => {
  const { privateKey, publicKey } = KEY_TYPES.ed25519();
  await withVerifyingMock(publicKey, async (url) => {
    const signer = api.createUpvestSigner({ keyId, privateKey, algorithm: 'ed25519' });
    const tokenProvider = api.clientCredentials({ tokenUrl: `${url}/auth/token`, clientId, clientSecret: 'mock-client-secret', scopes: 'accounts:read accounts:admin', signer });
    const signed = new api.AccountGroups({ baseUrl: url, clientId, tokenProvider, signer, maxRetries: 0 });
    const group = await signed.create({ user_id: crypto.randomUUID(), type: 'ISA' });

    const unsignedToken = await fetch(`${url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    assert.equal(unsignedToken.status, 401);
    const unsigned = new api.AccountGroups({ baseUrl: url, clientId, tokenProvider, maxRetries: 0 });
    const refused = await unsigned.get(group.id).catch((e) => e);
    assert.ok(refused instanceof api.ProblemError);
    assert.equal(refused.status, 401);
    assert.match(refused.detail, /upvest-signature-version|signature-input/);

    // Each tamperer changes the request after it was signed, as a proxy in the middle might.
    const tamperers = {
      body: (u, init) => [u, { ...init, body: init.body.replace('ISA', 'PERSONAL') }],
      path: (u, init) => [u.replace(group.id, crypto.randomUUID()), init],
      query: (u, init) => [u.replace('limit=5', 'limit=6'), init],
      'covered header': (u, init) => {
        const headers = new Headers(init.headers);
        headers.set('upvest-client-id', crypto.randomUUID());
        return [u, { ...init, headers }];
      },
    };
    const calls = {
      body: (c) => c.create({ user_id: crypto.randomUUID(), type: 'ISA' }),
      path: (c) => c.get(group.id),
      query: (c) => c.list({ limit: 5 }),
      'covered header': (c) => c.get(group.id),
    };
    for (const [what, tamper] of Object.entries(tamperers)) {
      const tampering = new api.AccountGroups({ baseUrl: url, clientId, tokenProvider, signer, maxRetries: 0, fetch: (u, init) => fetch(...tamper(u, init)) });
      const error = await calls[what](tampering).catch((e) => e);
      assert.ok(error instanceof api.ProblemError, `${what}: ${error}`);
      assert.equal(error.status, 401, `${what} changed after signing is refused`);
    }
  });
});

test('an expired signature is refused; a retry is signed afresh with a new created and nonce', async () => {
  const { privateKey, publicKey } = KEY_TYPES['ecdsa-p521-sha512']();
  await withVerifyingMock(publicKey, async (url) => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    const shortLived = api.createUpvestSigner({ keyId, privateKey: pem, algorithm: 'ecdsa-p521-sha512', ttlSeconds: 1 });
    const tokenProvider = api.clientCredentials({ tokenUrl: `${url}/auth/token`, clientId, clientSecret: 'mock-client-secret', scopes: ['accounts:admin'], signer: shortLived });
    const slow = new api.AccountGroups({
      baseUrl: url, clientId, tokenProvider, signer: shortLived, maxRetries: 0,
      fetch: async (u, init) => {
        if (!u.endsWith('/auth/token')) await new Promise((r) => setTimeout(r, 2100));
        return fetch(u, init);
      },
    });
    const expired = await slow.list().catch((e) => e);
    assert.equal(expired.status, 401);
    assert.match(expired.detail, /expired/);

    const signer = api.createUpvestSigner({ keyId, privateKey: pem, algorithm: 'ecdsa-p521-sha512' });
    const client = new api.AccountGroups({ baseUrl: url, clientId, tokenProvider, signer });
    await fetch(`${url}/__mock/faults`, { method: 'POST', body: JSON.stringify([{ method: 'POST', path: '/account_groups', status: 503, retry_after: 1 }]) });
    const before = (await log(url)).length;
    await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
    const attempts = (await log(url)).slice(before).filter((r) => r.method === 'POST' && r.path === '/account_groups');
    assert.equal(attempts.length, 2);
    const params = attempts.map((a) => Object.fromEntries(a.headers['signature-input'].split(';').slice(1).map((p) => p.split('='))));
    assert.notEqual(params[0].nonce, params[1].nonce);
    assert.ok(Number(params[1].created) > Number(params[0].created), 'created moves on');
    assert.equal(attempts[0].headers['idempotency-key'], attempts[1].headers['idempotency-key']);
    for (const attempt of attempts) checkIndependently(attempt, publicKey, 'ecdsa-p521-sha512');
  });
});

test('bad signer options are InvalidInputErrors, a malformed key among them; a key only WebCrypto refuses is a SignerError', async () => {
  assert.throws(() => api.createUpvestSigner({ keyId, privateKey: 'x', algorithm: 'rsa' }), (e) => e instanceof api.InvalidInputError && e.field === 'algorithm');
  assert.throws(() => api.createUpvestSigner({ privateKey: 'x', algorithm: 'ed25519' }), (e) => e instanceof api.InvalidInputError && e.field === 'keyId');
  // Checked when the signer is made (tests/node/signer-keys.test.mjs has the rest).
  assert.throws(
    () => api.createUpvestSigner({ keyId, privateKey: '-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----', algorithm: 'ecdsa-p521-sha512' }),
    (e) => e instanceof api.InvalidInputError && e.field === 'privateKey' && e.code === 'format' && /SEC1/.test(e.message),
  );
  // A well-formed P-521 key whose scalar is past the group order: only WebCrypto's import can
  // tell, so it fails on the first request.
  const der = KEY_TYPES['ecdsa-p521-sha512']().privateKey.export({ type: 'pkcs8', format: 'der' });
  const at = der.indexOf(Buffer.from([0x04, 0x42])) + 2;
  der.fill(0xff, at, at + 66)[at] = 0x01;
  const pastOrder = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`;
  const broken = api.createUpvestSigner({ keyId, privateKey: pastOrder, algorithm: 'ecdsa-p521-sha512' });
  const client = new api.AccountGroups({ baseUrl: 'http://127.0.0.1:9', clientId, accessToken: 't', signer: broken, maxRetries: 0 });
  const error = await client.list().catch((e) => e);
  assert.ok(error instanceof api.SignerError, String(error));
  assert.equal(error.cause?.name, 'DataError', String(error.cause));
});
