// Webhook signatures in Node: the shared verifier cases (tests/shared/webhook-verifier-cases.mjs),
// then what needs the mock or Node: client.verifyKeys through the client's transport, the mock's
// own deliveries verified across a key rotation, when the key source is asked (its time limit,
// back-off, and the age of kept keys, on a test clock), option checks, a polluted
// Object.prototype, and one error class for `import` and `require`.
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

/** A clock for `now` that a test moves: `set(s)` puts it `s` seconds after the start;
 * `seconds()` is its time as a signature's `created` gives it. */
function testClock() {
  const start = Date.now();
  let ms = start;
  return { now: () => ms, set: (s) => void (ms = start + s * 1000), seconds: () => Math.floor(ms / 1000) };
}

/** A key source that counts its calls and answers what `answer()` gives (a JWKS, or a throw). */
function countingSource(answer) {
  const source = { calls: 0, keys: async (options) => ((source.calls += 1), (source.options = options), answer()) };
  return source;
}

/** What a verification comes to: 'verified', a refusal's code, or an InvalidInputError's field and code. */
const verdict = (promise) =>
  promise.then(
    () => 'verified',
    (error) => (error instanceof api.InvalidInputError ? `invalid ${error.field} ${error.code}` : error.code ?? `${error}`),
  );

test('a key source that failed is asked again after its back-off, but not for every unknown keyid', async () => {
  const signer = await newSigner();
  const clock = testClock();
  let up = false;
  const source = countingSource(() => {
    if (!up) throw new Error('down');
    return { keys: [signer.jwk] };
  });
  const verify = api.createWebhookVerifier({ keys: source.keys, now: clock.now });
  assert.equal(await verdict(parse(await signDelivery(signer), verify)), 'key-source-failed');
  up = true;
  clock.set(5);
  assert.equal(await verdict(parse(await signDelivery(signer, { created: clock.seconds() }), verify)), 'verified');
  assert.equal(source.calls, 2);
  const stranger = await signDelivery(await newSigner('rotated-in-later'), { created: clock.seconds() });
  assert.equal(await verdict(parse(stranger, verify)), 'unknown-key');
  assert.equal(source.calls, 2, 'the keys were loaded less than a minute ago');
});

test('a key source that never settles is cut off at keySourceTimeoutMs (key-source-failed); nothing waits on it after', { timeout: 10_000 }, async () => {
  const signer = await newSigner();
  const clock = testClock();
  let hang = true;
  // A call that never settles, holding the process open as a request in flight would (the
  // verifier's own timer does not).
  const inFlight = [];
  const source = countingSource(() => (hang ? new Promise(() => inFlight.push(setTimeout(() => {}, 60_000))) : { keys: [signer.jwk] }));
  const verify = api.createWebhookVerifier({ keys: source.keys, keySourceTimeoutMs: 50, now: clock.now });
  const delivery = await signDelivery(signer, { created: clock.seconds() });
  const started = performance.now();
  const refused = await Promise.all([1, 2, 3].map(() => parse(delivery, verify).catch((e) => e)));
  assert.ok(performance.now() - started < 5000, 'settled at the time limit');
  assert.deepEqual(refused.map((e) => e.code), ['key-source-failed', 'key-source-failed', 'key-source-failed']);
  assert.match(refused[0].message, /did not answer within 50 ms/);
  assert.equal(source.calls, 1, 'concurrent deliveries share one call');
  assert.ok(source.options.signal.aborted, "the call's signal is aborted at the time limit");
  assert.equal(await verdict(parse(delivery, verify)), 'key-source-failed', 'refused at once while backing off');
  assert.equal(source.calls, 1);
  hang = false;
  clock.set(5);
  assert.equal(await verdict(parse(await signDelivery(signer, { created: clock.seconds() }), verify)), 'verified');
  assert.equal(source.calls, 2);
  inFlight.forEach(clearTimeout);
});

test('a failing key source is asked at most once per back-off (5 s, doubling to 5 min), whatever the delivery rate', async () => {
  const signer = await newSigner();
  const forger = await newSigner('forged-kid');
  const clock = testClock();
  const cause = new Error('verify_keys unreachable');
  let up = false;
  const source = countingSource(() => {
    if (!up) throw cause;
    return { keys: [signer.jwk] };
  });
  const verify = api.createWebhookVerifier({ keys: source.keys, now: clock.now });
  const forged = await signDelivery(forger, { created: clock.seconds() });
  for (let i = 0; i < 20; i += 1) {
    const error = await parse(forged, verify).catch((e) => e);
    assert.equal(error.code, 'key-source-failed');
    assert.equal(error.cause, cause, "the source's error is the cause, in the back-off too");
  }
  assert.equal(source.calls, 1, '20 forged deliveries, one call');
  const together = await Promise.all(Array.from({ length: 20 }, () => verdict(parse(forged, verify))));
  assert.deepEqual(new Set(together), new Set(['key-source-failed']));
  assert.equal(source.calls, 1);

  // Failures at 0, 5, 15, 35, 75, 155, 315, 615 s: waits of 5, 10, 20, 40, 80, 160, then 300 s.
  let calls = 1;
  for (const at of [5, 15, 35, 75, 155, 315, 615, 915]) {
    clock.set(at - 0.5);
    const early = await signDelivery(forger, { created: clock.seconds() });
    assert.equal(await verdict(parse(early, verify)), 'key-source-failed');
    assert.equal(source.calls, calls, `not asked before ${at} s`);
    clock.set(at);
    assert.equal(await verdict(parse(await signDelivery(forger, { created: clock.seconds() }), verify)), 'key-source-failed');
    assert.equal(source.calls, (calls += 1), `asked at ${at} s`);
  }
  // An answer ends the back-off; the next failure waits 5 s again.
  up = true;
  clock.set(1215);
  assert.equal(await verdict(parse(await signDelivery(signer, { created: clock.seconds() }), verify)), 'verified');
  assert.equal(source.calls, (calls += 1));
  up = false;
  clock.set(1276);
  assert.equal(await verdict(parse(await signDelivery(forger, { created: clock.seconds() }), verify)), 'key-source-failed');
  assert.equal(source.calls, (calls += 1), 'an unknown keyid a minute later asks again');
  clock.set(1281);
  assert.equal(await verdict(parse(await signDelivery(forger, { created: clock.seconds() }), verify)), 'key-source-failed');
  assert.equal(source.calls, (calls += 1), '5 s later');
});

test('kept keys are asked for again at half maxKeyAgeSeconds: a key no longer listed stops verifying', async () => {
  const [revoked, kept] = await Promise.all([newSigner('leaked'), newSigner('kept')]);
  for (const [maxKeyAgeSeconds, refreshAt] of [[undefined, 1800], [120, 60]]) {
    const clock = testClock();
    let listed = [revoked.jwk, kept.jwk];
    const source = countingSource(() => ({ keys: listed }));
    const verify = api.createWebhookVerifier({ keys: source.keys, ...(maxKeyAgeSeconds && { maxKeyAgeSeconds }), now: clock.now });
    const at = async (s, signer) => (clock.set(s), verdict(parse(await signDelivery(signer, { created: clock.seconds() }), verify)));
    assert.equal(await at(0, revoked), 'verified');
    assert.equal(await at(refreshAt - 1, revoked), 'verified');
    assert.equal(source.calls, 1, 'young keys are kept');
    listed = [kept.jwk];
    assert.equal(await at(refreshAt, revoked), 'unknown-key', `max age ${maxKeyAgeSeconds}: revoked`);
    assert.equal(await at(refreshAt, kept), 'verified');
    assert.equal(source.calls, 2);
    assert.equal(await at(86_400, revoked), 'unknown-key', 'a day later');
  }
});

test('while the key source fails, kept keys verify until maxKeyAgeSeconds, never after', async () => {
  const signer = await newSigner();
  const rotated = await newSigner('rotated');
  for (const maxKeyAgeSeconds of [undefined, 600]) {
    const half = (maxKeyAgeSeconds ?? 3600) / 2;
    const clock = testClock();
    let up = true;
    const source = countingSource(() => {
      if (!up) throw new Error('down');
      return { keys: [signer.jwk] };
    });
    const verify = api.createWebhookVerifier({ keys: source.keys, ...(maxKeyAgeSeconds && { maxKeyAgeSeconds }), now: clock.now });
    const at = async (s, by = signer) => (clock.set(s), verdict(parse(await signDelivery(by, { created: clock.seconds() }), verify)));
    assert.equal(await at(0), 'verified');
    up = false;
    for (const [s, expected, calls, by = signer] of [
      [half, 'verified', 2], // half the max age: asked again, failed (5 s back-off); the kept keys serve
      [half + 1, 'verified', 2], // backing off: not asked
      [half + 2, 'key-source-failed', 2, rotated], // an unknown keyid cannot be looked up: the source's failure
      [half + 5, 'verified', 3], // asked again, failed (10 s)
      [2 * half - 1, 'verified', 4], // asked again, failed (20 s)
      [2 * half, 'key-source-failed', 4], // too old to trust: refused at once while backing off
      [2 * half + 19, 'key-source-failed', 5], // asked again, failed (40 s)
    ]) {
      assert.equal(await at(s, by), expected, `max age ${maxKeyAgeSeconds}: at ${s} s`);
      assert.equal(source.calls, calls, `max age ${maxKeyAgeSeconds}: calls at ${s} s`);
    }
    up = true;
    assert.equal(await at(2 * half + 59), 'verified', 'the source answers again');
    assert.equal(source.calls, 6);
  }
});

test('keySourceTimeoutMs and maxKeyAgeSeconds are checked: InvalidInputError', () => {
  const keys = { keys: [] };
  for (const [options, field, code] of [
    [{ keys, keySourceTimeoutMs: '50' }, 'keySourceTimeoutMs', 'type'],
    [{ keys, keySourceTimeoutMs: 0 }, 'keySourceTimeoutMs', 'range'],
    [{ keys, keySourceTimeoutMs: 300_001 }, 'keySourceTimeoutMs', 'range'],
    [{ keys, maxKeyAgeSeconds: null }, 'maxKeyAgeSeconds', 'type'],
    [{ keys, maxKeyAgeSeconds: 59 }, 'maxKeyAgeSeconds', 'range'],
    [{ keys, maxKeyAgeSeconds: 86_401 }, 'maxKeyAgeSeconds', 'range'],
  ]) {
    assert.throws(() => api.createWebhookVerifier(options), (e) => e instanceof api.InvalidInputError && e.field === field && e.code === code, `${field} ${code}`);
  }
  assert.equal(typeof api.createWebhookVerifier({ keys, keySourceTimeoutMs: 1, maxKeyAgeSeconds: 86_400 }), 'function');
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

test('a polluted Object.prototype changes no verdict, and none of its functions is called', async () => {
  const [signer, attacker] = await Promise.all([newSigner('listed'), newSigner('attacker')]);
  const { kid: _, ...noKid } = signer.jwk;
  const { kty: _t, crv: _c, ...noCurve } = signer.jwk;
  const { x: _x, y: _y, ...noPoint } = signer.jwk;
  // Keys with a member missing, and a hole, that pollution could fill in.
  // eslint-disable-next-line no-sparse-arrays -- the hole is the case
  const jwks = { keys: [signer.jwk, { ...noKid }, { ...noCurve, kid: 'no-curve' }, { ...noPoint, kid: 'no-point' }, , { ...signer.jwk, kid: 'after-hole' }] };
  const seconds = Math.floor(Date.now() / 1000);
  const valid = await signDelivery(signer);
  const without = (name) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== name));
  const deliveries = {
    valid,
    'a Headers object': { ...valid, headers: new Headers(valid.headers) },
    'half an hour old': await signDelivery(signer, { created: seconds - 1800 }),
    'a day old': await signDelivery(signer, { created: seconds - 86_400 }),
    'valid for 50 minutes': await signDelivery(signer, { ttl: 3000 }),
    'no method': without('method'),
    'no url': without('url'),
    'no headers': without('headers'),
    'no body': without('body'),
    'no digest header': withHeader(valid, 'digest'),
    'no signature header': withHeader(valid, 'signature'),
    'a key with no kid': await signDelivery(signer, { kid: 'no-kid' }),
    'a key with no kty and crv': await signDelivery(signer, { kid: 'no-curve' }),
    'a key with no x and y, signed by another': await signDelivery(attacker, { kid: 'no-point' }),
    'a key after a hole': await signDelivery(signer, { kid: 'after-hole' }),
    'signed by another': await signDelivery(attacker),
  };
  const called = [];
  const recording = (name, value) => () => (called.push(name), value);
  /** Names polluted together, with what a polluter would give them to make a refused delivery pass. */
  const pollutions = {
    now: { now: recording('now', (seconds - 86_400) * 1000) },
    clockSkewSeconds: { clockSkewSeconds: 3600 },
    maxValiditySeconds: { maxValiditySeconds: 3600 },
    get: { get: recording('get', undefined) },
    keys: { keys: [attacker.jwk] },
    kid: { kid: 'no-kid' },
    'kty, crv': { kty: 'EC', crv: 'P-521' },
    'x, y': { x: attacker.jwk.x, y: attacker.jwk.y },
    'a hole': { 4: attacker.jwk },
    'signature headers': { signature: valid.headers.signature, 'signature-input': valid.headers['signature-input'], digest: valid.headers.digest },
    'request fields': { method: valid.method, url: valid.url, headers: valid.headers, body: valid.body },
    'JWK members WebCrypto reads': { key_ops: ['sign'], alg: 'ES256', use: 'enc', ext: false, d: 'AAAA' },
    'algorithm members': { name: 'polluted', hash: 'SHA-1', namedCurve: 'P-256' },
    'parsed members': { type: 'boolean', value: 'polluted', params: new Map(), items: [], text: 'polluted', cause: 'polluted', signal: 'polluted' },
  };
  pollutions.all = Object.assign({}, ...Object.values(pollutions));

  /** Each delivery's verdict with the keys as a JWKS, and with a key source; then verifiers made
   * with no keys, and with a key source that answers `{}`. The verifiers are made here (their
   * options read under the pollution), or with `warm`, made before it with their keys imported:
   * Node's WebCrypto cannot make a key while Object.prototype.get is set (its own property
   * descriptors inherit it), whatever this package does. */
  const verdicts = async (warm) => {
    const results = {};
    for (const [name, delivery] of Object.entries(deliveries)) {
      results[name] = await verdict((warm?.jwks ?? api.createWebhookVerifier({ keys: jwks }))(delivery));
      results[`${name}, keys from a source`] = await verdict((warm?.source ?? api.createWebhookVerifier({ keys: async () => jwks }))(delivery));
    }
    results['no keys option'] = await verdict((async () => api.createWebhookVerifier({ clockSkewSeconds: 30 })(valid))());
    results['a source giving {}'] = await verdict(api.createWebhookVerifier({ keys: async () => ({}) })(deliveries['signed by another']));
    return results;
  };
  const warm = { jwks: api.createWebhookVerifier({ keys: jwks }), source: api.createWebhookVerifier({ keys: async () => jwks }) };
  for (const verify of Object.values(warm)) await Promise.all([verify(valid), verify(deliveries['a key after a hole'])]);
  /** @param {object} members polluted for the while of `run` */
  const polluted = async (members, run) => {
    Object.assign(Object.prototype, members);
    try {
      return await run();
    } finally {
      for (const name of Object.keys(members)) delete Object.prototype[name];
    }
  };

  const clean = await verdicts();
  const expected = {
    valid: 'verified',
    'a Headers object': 'verified',
    'half an hour old': 'expired',
    'a day old': 'expired',
    'valid for 50 minutes': 'validity-too-long',
    'no method': 'missing-component',
    'no url': 'missing-component',
    'no headers': 'missing-signature',
    'no body': 'digest-mismatch',
    'no digest header': 'missing-digest',
    'no signature header': 'missing-signature',
    'a key with no kid': 'unknown-key',
    'a key with no kty and crv': 'unknown-key',
    'a key with no x and y, signed by another': 'unknown-key',
    'a key after a hole': 'verified',
    'signed by another': 'unknown-key',
  };
  for (const [name, code] of Object.entries(expected)) {
    assert.equal(clean[name], code, name);
    assert.equal(clean[`${name}, keys from a source`], code, `${name}, keys from a source`);
  }
  assert.equal(clean['no keys option'], 'invalid keys required');
  assert.equal(clean['a source giving {}'], 'key-source-failed');
  assert.deepEqual(await verdicts(warm), clean);
  for (const [what, members] of Object.entries(pollutions)) {
    if (!('get' in members)) assert.deepEqual(await polluted(members, verdicts), clean, `Object.prototype polluted with ${what}`);
    assert.deepEqual(await polluted(members, () => verdicts(warm)), clean, `Object.prototype polluted with ${what}, keys imported before`);
    assert.deepEqual(called, [], `no polluted function called (${what})`);
  }
});

test('import and require share the error classes: a verifier error is instanceof both', async () => {
  const cjs = createRequire(import.meta.url)('../../pkg/node/index.cjs');
  assert.equal(cjs.WebhookVerificationError, api.WebhookVerificationError);
  assert.equal(cjs.createWebhookVerifier, api.createWebhookVerifier);
  const error = await cjs.createWebhookVerifier({ keys: { keys: [] } })({ method: 'POST', url: '/', headers: {}, body: '' }).catch((e) => e);
  assert.ok(error instanceof api.WebhookError && error instanceof cjs.UpvestError, String(error));
  assert.equal(error.code, 'missing-signature');
});
