// The mock's v15 verifier (--verify-key) against requests signed as Upvest's own signers sign
// them, and the package's webhook verifier against deliveries signed as Upvest signs webhooks
// (v6). The signer is written here from draft-15 with node:crypto (not the package's): it covers
// the components given, in the order given, and writes the parameters in the order given; the
// base's last line is the signature-input member as sent. Upvest's signers differ from each other
// in just those ways, and the verifier must take them all; and it must refuse what is wrong, saying
// which check failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import http from 'node:http';
import * as api from '../../pkg/node/index.mjs';
import { withVerifyingMock } from './fixtures.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const keyId = 'a5a2b1c8-2b3c-4d5e-8f90-1a2b3c4d5e6f';
const now = () => Math.floor(Date.now() / 1000);

const KEYS = {
  ed25519: { generate: () => generateKeyPairSync('ed25519'), alg: 'ed25519' },
  'ecdsa-p521-sha512 (DER)': { generate: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }), alg: 'ecdsa-p521-sha512', dsaEncoding: 'der' },
  'ecdsa-p521-sha512 (raw r‖s)': { generate: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }), alg: 'ecdsa-p521-sha512', dsaEncoding: 'ieee-p1363' },
};

// Parameter orders of Upvest's signers: the docs', the Python package's, the JS example's (alg
// first when set), the Go proxy's; and one with alg and tag at the end.
const ORDERS = {
  docs: ['keyid', 'created', 'expires', 'nonce'],
  python: ['keyid', 'nonce', 'created', 'expires'],
  js: ['alg', 'keyid', 'created', 'expires', 'nonce'],
  'go proxy': ['keyid', 'created', 'nonce', 'expires'],
  'alg and tag': ['keyid', 'created', 'expires', 'nonce', 'alg', 'tag'],
};

/** Draft-15 signing of `request` ({ method, url, headers, body }), which it gives back signed. */
function signRequest(request, { covered, order, privateKey, alg, dsaEncoding, created = now(), ttl = 30, params = {} }) {
  const url = new URL(request.url);
  const value = (name) => {
    if (name === '@method') return request.method.toUpperCase();
    if (name === '@path') return url.pathname;
    if (name === '@query') return url.search;
    return request.headers[name];
  };
  const all = { keyid: `"${keyId}"`, created, expires: created + ttl, nonce: `"${crypto.randomUUID().replaceAll('-', '')}"`, alg: `"${alg}"`, tag: '"upvest"', ...params };
  const signatureParams = `(${covered.map((c) => `"${c}"`).join(' ')})${order.map((p) => `;${p}=${all[p]}`).join('')}`;
  const base = [...covered.map((c) => `"${c}": ${value(c)}`), `"@signature-params": ${signatureParams}`].join('\n');
  const signature = sign(dsaEncoding ? 'sha512' : null, Buffer.from(base), dsaEncoding ? { key: privateKey, dsaEncoding } : privateKey);
  return {
    ...request,
    headers: { ...request.headers, 'upvest-signature-version': '15', 'signature-input': `sig1=${signatureParams}`, signature: `sig1=:${signature.toString('base64')}:` },
  };
}

/** Sends a request exactly as given (node:http, so that no header is added or dropped). */
function send({ method, url, headers, body }) {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method, headers }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: response.statusCode, body: text ? JSON.parse(text) : null });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const REQUIRED_CREATE = ['@method', '@path', 'accept', 'authorization', 'content-length', 'content-type', 'content-digest', 'idempotency-key', 'upvest-client-id'];
const REQUIRED_LIST = ['@method', '@path', '@query', 'accept', 'authorization', 'upvest-client-id'];

/** A create as a client sends it, unsigned; `date` and `upvest-api-version` ride along. */
function createRequest(base) {
  const body = JSON.stringify({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
  const headers = {
    accept: 'application/json',
    authorization: 'Bearer some-token',
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'content-digest': `sha-512=:${createHash('sha512').update(body).digest('base64')}:`,
    'idempotency-key': crypto.randomUUID(),
    'upvest-client-id': clientId,
    'upvest-api-version': '1',
    date: new Date().toUTCString(),
  };
  return { method: 'POST', url: `${base}/account_groups`, headers, body };
}

function listRequest(base) {
  const headers = { accept: 'application/json', authorization: 'Bearer some-token', 'upvest-client-id': clientId, date: new Date().toUTCString(), 'upvest-api-version': '1' };
  return { method: 'GET', url: `${base}/account_groups?limit=5&order=DESC`, headers };
}

/** Covers the extra headers in the middle, as a signer covering what it sends would. */
const withExtras = (required) => [...required.slice(0, 2), 'date', ...required.slice(2, -1), 'upvest-api-version', required.at(-1)];


for (const [name, { generate, alg, dsaEncoding }] of Object.entries(KEYS)) {
  test(`${name}: every Upvest signer's parameter order, alg and tag, extra covered headers are accepted`, async () => {
    const { privateKey, publicKey } = generate();
    await withVerifyingMock(publicKey, async (url) => {
      for (const [signer, order] of Object.entries(ORDERS)) {
        for (const extras of [false, true]) {
          const what = `${signer}${extras ? ' + date, upvest-api-version' : ''}`;
          const create = signRequest(createRequest(url), { covered: extras ? withExtras(REQUIRED_CREATE) : REQUIRED_CREATE, order, privateKey, alg, dsaEncoding });
          const created = await send(create);
          assert.equal(created.status, 200, `create, ${what}: ${JSON.stringify(created.body)}`);
          const list = signRequest(listRequest(url), { covered: extras ? withExtras(REQUIRED_LIST) : REQUIRED_LIST, order, privateKey, alg, dsaEncoding });
          const listed = await send(list);
          assert.equal(listed.status, 200, `list, ${what}: ${JSON.stringify(listed.body)}`);
        }
      }
      const form = 'grant_type=client_credentials&client_id=' + clientId + '&client_secret=mock-client-secret&scope=accounts%3Aread';
      const token = {
        method: 'POST',
        url: `${url}/auth/token`,
        headers: {
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(form.length),
          'content-digest': `sha-512=:${createHash('sha512').update(form).digest('base64')}:`,
          'upvest-client-id': clientId,
        },
        body: form,
      };
      const covered = ['@method', '@path', 'accept', 'content-length', 'content-type', 'content-digest', 'upvest-client-id'];
      const issued = await send(signRequest(token, { covered, order: ORDERS.python, privateKey, alg, dsaEncoding }));
      assert.equal(issued.status, 200, `the token request, without authorization: ${JSON.stringify(issued.body)}`);
      const keys = { method: 'GET', url: `${url}/auth/verify_keys`, headers: { accept: 'application/json', authorization: 'Bearer some-token', 'upvest-client-id': clientId } };
      const listed = await send(signRequest(keys, { covered: ['@method', '@path', 'accept', 'authorization', 'upvest-client-id'], order: ORDERS['go proxy'], privateKey, alg, dsaEncoding }));
      assert.equal(listed.status, 200, `verify_keys, signed: ${JSON.stringify(listed.body)}`);
      assert.equal(listed.body.keys[0].crv, 'P-521');
      assert.equal((await send(keys)).status, 401, 'verify_keys, unsigned');
    });
  });
}

test('refused with 401, the problem saying which check failed', async () => {
  const { privateKey, publicKey } = KEYS.ed25519.generate();
  await withVerifyingMock(publicKey, async (url) => {
    const signed = (options = {}, request = createRequest(url)) =>
      signRequest(request, { covered: withExtras(REQUIRED_CREATE), order: ORDERS.docs, privateKey, alg: 'ed25519', ...options });
    const cases = {
      'a tampered body': [{ ...signed(), body: JSON.stringify({ user_id: crypto.randomUUID(), type: 'PERSONAL' }) }, /content-digest does not match the body/],
      'a tampered covered header': [(() => {
        const request = signed();
        return { ...request, headers: { ...request.headers, date: new Date(Date.now() + 1000 * 3600).toUTCString() } };
      })(), /the signature does not verify/],
      'a missing required component': [signed({ covered: REQUIRED_CREATE.filter((c) => c !== 'idempotency-key') }), /does not cover idempotency-key/],
      'a covered header absent from the request': [(() => {
        const request = signed();
        const { date: _date, ...headers } = request.headers;
        return { ...request, headers };
      })(), /the covered header date is not in the request/],
      'an expired signature': [signed({ created: now() - 120, ttl: 60 }), /the signature has expired/],
      'alg not matching the key': [signed({ alg: 'ecdsa-p521-sha512', order: ORDERS.js }), /alg "ecdsa-p521-sha512" does not match the key \(ed25519\)/],
      'an unknown parameter': [signed({ order: [...ORDERS.docs, 'colour'], params: { colour: '"red"' } }), /unknown signature parameter colour/],
    };
    for (const [what, [request, reason]] of Object.entries(cases)) {
      const refused = await send(request);
      assert.equal(refused.status, 401, what);
      assert.equal(refused.body.type, 'https://docs.upvest.co/errors/unauthorised', what);
      assert.match(refused.body.detail, reason, what);
    }
    assert.equal((await send(signed())).status, 200, 'the same request untouched is accepted');
  });
});

// Webhooks: deliveries signed as the shared spec states Upvest signs them (its "Webhook
// signatures (v6)"), written here from the spec with node:crypto, not from api/ nor the mock: the
// body covered by `digest: SHA-256=<base64>`, the base's lines `name: value` with bare names in
// the order covered, the last `@signature-params: ` and the member as sent, ECDSA P-521 with
// SHA-512 in DER; the key in a JWKS as GET /auth/verify_keys lists it. What a delivery covers is
// the spec's inference: @method, @path, @query with a query, content-type, content-length, digest.
const SPEC_DIGESTS = {
  '{"hello": "world"}': 'SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=',
  '{"key": "value"}': 'SHA-256=lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U=',
};
/** The components of the spec's documented `@signature-params` line, in its order. */
const DOCUMENTED_WEBHOOK_COMPONENTS = ['@method', '@path', '@query', 'accept', 'authorization', 'content-length', 'content-type', 'digest', 'idempotency-key', 'upvest-client-id'];
const webhookKey = 'upvest-webhook-key-1';

/** A delivery `{ method, url, headers, body }` signed as Upvest signs webhooks. */
function signWebhook({ url = '/hooks', body = '{"hello": "world"}', covered, order = ORDERS.docs, privateKey, created = now(), ttl = 60, dsaEncoding = 'der', extraHeaders = {} }) {
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    digest: `SHA-256=${createHash('sha256').update(body).digest('base64')}`,
    ...extraHeaders,
  };
  const target = new URL(url, 'https://receiver.example');
  const value = (name) => ({ '@method': 'POST', '@path': target.pathname, '@query': target.search })[name] ?? headers[name];
  const components = covered ?? ['@method', '@path', ...(target.search ? ['@query'] : []), 'content-type', 'content-length', 'digest'];
  const all = { keyid: `"${webhookKey}"`, created, expires: created + ttl, nonce: `"${crypto.randomUUID().replaceAll('-', '')}"`, alg: '"ecdsa-p521-sha512"', tag: '"upvest"' };
  const signatureParams = `(${components.map((c) => `"${c}"`).join(' ')})${order.map((p) => `;${p}=${all[p]}`).join('')}`;
  const base = [...components.map((c) => `${c}: ${value(c)}`), `@signature-params: ${signatureParams}`].join('\n');
  const signature = sign('sha512', Buffer.from(base), { key: privateKey, dsaEncoding });
  return { method: 'POST', url, body, headers: { ...headers, 'signature-input': `sig1=${signatureParams}`, signature: `sig1=:${signature.toString('base64')}:` } };
}

function webhookSigner() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return { privateKey, jwks: { keys: [{ kid: webhookKey, kty, crv, x, y, alg: 'ES512', use: 'sig' }] } };
}

test("webhooks: the spec's digests, and deliveries in every signer's parameter order, DER or raw, with and without a query, verify", async () => {
  const { privateKey, jwks } = webhookSigner();
  const verify = api.createWebhookVerifier({ keys: jwks });
  for (const [body, digest] of Object.entries(SPEC_DIGESTS)) {
    const delivery = signWebhook({ body, privateKey });
    assert.equal(delivery.headers.digest, digest, "the spec's vector");
    await verify(delivery);
  }
  for (const [signer, order] of Object.entries(ORDERS)) {
    for (const url of ['/hooks', '/upvest/hooks?tenant=acme']) {
      for (const dsaEncoding of ['der', 'ieee-p1363']) {
        await verify(signWebhook({ url, order, privateKey, dsaEncoding })).catch((error) => assert.fail(`${signer} ${url} ${dsaEncoding}: ${error.message}`));
      }
    }
  }
  // The documented @signature-params line's components, with those headers on the delivery.
  const extraHeaders = { accept: 'application/json', authorization: 'Bearer t', 'idempotency-key': crypto.randomUUID(), 'upvest-client-id': clientId };
  await verify(signWebhook({ url: '/hooks?a=b', covered: DOCUMENTED_WEBHOOK_COMPONENTS, privateKey, extraHeaders }));
});

test('webhooks: a delivery not covering what Upvest signs, or not as Upvest signs it, is refused with the check that failed', async () => {
  const { privateKey, jwks } = webhookSigner();
  const verify = api.createWebhookVerifier({ keys: jwks });
  const refusal = (delivery) => verify(delivery).then(() => 'verified', (error) => error.code);
  const without = (name) => ['@method', '@path', 'content-type', 'content-length', 'digest'].filter((c) => c !== name);
  for (const name of ['@method', '@path', 'digest']) {
    assert.equal(await refusal(signWebhook({ covered: without(name), privateKey })), 'not-covered', `without ${name}`);
  }
  assert.equal(await refusal(signWebhook({ url: '/hooks?tenant=acme', covered: without(), privateKey })), 'not-covered', 'a query not covered');
  assert.equal(await refusal(signWebhook({ covered: without('content-type'), privateKey })), 'verified', 'content-type is covered by Upvest, not required');
  const delivery = signWebhook({ privateKey });
  assert.equal(await refusal({ ...delivery, body: '{"hello": "World"}' }), 'digest-mismatch');
  assert.equal(await refusal(signWebhook({ privateKey, created: now() - 600 })), 'expired');
  const ed25519 = { ...delivery, headers: { ...delivery.headers, 'signature-input': delivery.headers['signature-input'] + ';alg="ed25519"' } };
  assert.equal(await refusal(ed25519), 'malformed-signature', 'an algorithm Upvest does not sign webhooks with');
  const quoted = delivery.headers['signature-input'];
  const requoted = { ...delivery, headers: { ...delivery.headers, 'signature-input': quoted.replace('"content-type"', '"content-type" ') } };
  assert.equal(await refusal(requoted), 'bad-signature', 'the base repeats the member as sent');
});
