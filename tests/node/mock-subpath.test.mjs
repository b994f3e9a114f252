// upvest-account-groups/mock as its users meet it: createMock's options and what it refuses,
// mock.fetch and mock.listen() sharing one state, the control methods, faults through the
// client, tokens and signatures verified by the mock's wasm, signed webhook deliveries a
// receiver verifies with the package's own verifier, and the CommonJS entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import * as api from '../../pkg/node/index.mjs';
import { createMock } from '../../pkg/mock/index.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const clientFor = (mock, extra = {}) => new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't', fetch: mock.fetch, retryBaseDelayMs: 10, ...extra });
const newUser = () => ({ user_id: crypto.randomUUID(), type: 'PERSONAL' });

test('createMock refuses wrong options with a TypeError or RangeError naming them', async () => {
  const refusals = [
    [[], TypeError, /options must be an object/],
    [{ sed: 3 }, TypeError, /unknown option sed \(known: seed, /],
    [{ seed: -1 }, RangeError, /seed must be a whole number from 0 to 4294967295, not -1/],
    [{ seed: 1.5 }, RangeError, /seed must be a whole number/],
    [{ seed: '3' }, TypeError, /seed must be a number, not string/],
    [{ strictTokens: 'yes' }, TypeError, /strictTokens must be true or false/],
    [{ clientSecret: '' }, TypeError, /clientSecret must be a non-empty string/],
    // A file name is what the binary would read; in-process it must be the PEM itself.
    [{ verifyKey: '/etc/passwd' }, TypeError, /verifyKey must be a PEM/],
    [{ verifyKey: '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----' }, TypeError, /createMock: /],
    [{ seed: 5, maxGroups: 2 }, RangeError, /createMock: seed 5 is more than maxGroups 2/],
    [{ seed: 2 ** 33 }, RangeError, /seed must be a whole number from 0 to 4294967295, not 8589934592/],
    [{ requestLogSize: Number.MAX_SAFE_INTEGER }, RangeError, /requestLogSize must be a whole number from 0 to/],
  ];
  for (const [options, type, message] of refusals) {
    await assert.rejects(createMock(options), (e) => e instanceof type && message.test(e.message), JSON.stringify(options));
  }
  const plain = await createMock({ seed: undefined });
  assert.equal(plain.stats().groups, 0, 'an undefined option is the default');
});

test('seed, requests, stats, reset and maxGroups work as the binary\'s control endpoints do', async () => {
  const mock = await createMock({ seed: 3, maxGroups: 4 });
  const client = clientFor(mock);
  assert.equal((await client.list()).meta.total_count, 3);
  const created = await client.create(newUser());
  await assert.rejects(client.create(newUser()), (e) => e instanceof api.ProblemError && e.status === 507);
  const [first, ...rest] = mock.requests();
  assert.deepEqual([first.seq, first.method, first.path], [1, 'GET', '/account_groups']);
  assert.equal(rest.length, 2);
  assert.deepEqual(mock.requests({ since: 2 }).map((r) => r.seq), [3]);
  assert.equal(mock.requests({ since: 2 })[0].headers['idempotency-key'].length, 36);
  assert.deepEqual(mock.stats(), { groups: 4, idempotency_keys: 1, requests_logged: 3, requests_seen: 3 });
  assert.throws(() => mock.requests({ since: -1 }), RangeError);
  mock.reset();
  // Positions keep counting, so a `since` taken before the reset stays meaningful.
  assert.deepEqual(mock.stats(), { groups: 3, idempotency_keys: 0, requests_logged: 0, requests_seen: 3 });
  await assert.rejects(client.get(created.id), (e) => e instanceof api.ProblemError && e.status === 404);
});

test('faults: rules apply to the next matching requests through the client; wrong rules are refused whole', async () => {
  const mock = await createMock();
  const client = clientFor(mock);
  assert.equal(mock.faults([{ method: 'POST', path: '/account_groups', times: 2, status: 503 }]), 1);
  const group = await client.create(newUser());
  const posts = mock.requests().filter((r) => r.method === 'POST');
  assert.equal(posts.length, 3, 'two 503s, then the create');
  assert.equal(new Set(posts.map((p) => p.headers['idempotency-key'])).size, 1);
  assert.equal(mock.stats().groups, 1);

  mock.faults([{ path: '/account_groups/*', drop: true }]);
  await assert.rejects(mock.fetch(`${mock.url}/account_groups/${group.id}`), (e) => e instanceof TypeError && /drop fault/.test(e.cause.message));

  mock.faults([{ path: '/account_groups/*', delay_ms: 5000 }]);
  const started = Date.now();
  await assert.rejects(clientFor(mock, { timeoutMs: 100, maxRetries: 0 }).get(group.id), api.TimeoutError);
  assert.ok(Date.now() - started < 4000, 'the delay is cut short by the client\'s time limit');

  for (const [rules, message] of [
    [[{ path: '/x', colour: 'red' }], /rule 0: unknown field colour/],
    [[{ path: '/x' }, { status: 503 }], /rule 1: path is required/],
    [{ path: '/x' }, /a JSON list of rules/],
    [[{ path: '/x', status: 503, drop: true }], /exclude each other/],
  ]) {
    assert.throws(() => mock.faults(rules), (e) => e instanceof TypeError && message.test(e.message), JSON.stringify(rules));
  }
  assert.equal(mock.faults([]), 0, 'an empty list clears the rules');
  assert.equal((await client.get(group.id)).id, group.id);
});

test('mock.listen() serves the same state on 127.0.0.1, refuses large bodies, drops on a fault, and closes', async () => {
  const mock = await createMock({ seed: 2 });
  const created = await clientFor(mock).create(newUser());
  const server = await mock.listen();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const overHttp = new api.AccountGroups({ baseUrl: server.url, clientId, accessToken: 't', maxRetries: 0 });
    assert.equal((await overHttp.get(created.id)).id, created.id, 'one state behind fetch and the server');
    assert.equal((await (await fetch(`${server.url}/__mock/stats`)).json()).groups, 3);
    const tooLarge = await fetch(`${server.url}/account_groups`, { method: 'POST', body: 'x'.repeat(2 << 20) });
    assert.equal(tooLarge.status, 413);
    assert.equal((await tooLarge.json()).status, 413);
    // Twice: over node:http, a GET whose kept-alive connection closes unanswered is sent once
    // more on a fresh connection (the keep-alive race; js/node-http.js), which the mock drops too.
    mock.faults([{ path: '/account_groups/*', drop: true, times: 2 }]);
    await assert.rejects(overHttp.get(created.id), api.NetworkError);
  } finally {
    await server.close();
  }
  await assert.rejects(fetch(`${server.url}/__mock/stats`), TypeError, 'nothing listens after close()');
  await assert.rejects(mock.listen({ port: 70000 }), RangeError);
});

test('strict tokens: clientCredentials gets a token from the in-process mock; other tokens are refused', async () => {
  const mock = await createMock({ strictTokens: true, clientSecret: 's3cret' });
  const tokenProvider = api.clientCredentials({ tokenUrl: `${mock.url}/auth/token`, fetch: mock.fetch, clientId, clientSecret: 's3cret', scopes: ['accounts:read'] });
  const page = await clientFor(mock, { accessToken: undefined, tokenProvider }).list();
  assert.equal(page.meta.total_count, 0);
  await assert.rejects(clientFor(mock).list(), (e) => e instanceof api.ProblemError && e.status === 401);
  const readOnly = clientFor(mock, { accessToken: undefined, tokenProvider });
  await assert.rejects(readOnly.create(newUser()), (e) => e instanceof api.ProblemError && e.status === 403);
});

test('verifyKey: the mock verifies Upvest v15 signatures in wasm, refusing unsigned and tampered requests', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const mock = await createMock({ verifyKey: publicKey.export({ type: 'spki', format: 'pem' }) });
  const signer = api.createUpvestSigner({ keyId: 'key-1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }), algorithm: 'ed25519' });
  const created = await clientFor(mock, { signer }).create(newUser());
  assert.equal((await clientFor(mock, { signer }).get(created.id)).id, created.id);
  await assert.rejects(clientFor(mock).get(created.id), (e) => e instanceof api.ProblemError && e.status === 401);
  const tampering = async (url, init) => {
    const headers = new Headers(init.headers);
    headers.set('upvest-client-id', crypto.randomUUID());
    return mock.fetch(url, { ...init, headers });
  };
  await assert.rejects(clientFor(mock, { signer, fetch: tampering }).get(created.id), (e) => e instanceof api.ProblemError && e.status === 401);
});

test('webhookDeliveries: signed deliveries of the mock\'s changes pass the package\'s verifier, posted or not; a rotated key too', async () => {
  const mock = await createMock({ closeDelayMs: 10 });
  const client = clientFor(mock);
  const group = await client.create(newUser());
  const verify = api.createWebhookVerifier({ keys: () => mock.verifyKeys() });
  const receive = ({ method, url, headers, body }, verifier = verify) => api.parseWebhookEvents(body, { verify: verifier, method, url, headers });
  const [delivery, ...none] = mock.webhookDeliveries('http://127.0.0.1:4000/hooks?source=upvest');
  assert.equal(none.length, 0, 'one bundle per change');
  assert.equal(delivery.method, 'POST');
  assert.equal(delivery.url, 'http://127.0.0.1:4000/hooks?source=upvest');
  assert.equal(delivery.headers['content-length'], String(new TextEncoder().encode(delivery.body).length));
  const events = await receive(delivery);
  assert.deepEqual(events.map((e) => [e.type, e.object.id]), [['ACCOUNT_GROUP.CREATED', group.id], ['ACCOUNT_GROUP.ACTIVATED', group.id]]);
  assert.deepEqual(mock.webhookDeliveries(), [], 'taken once');

  // Posted to a receiver over loopback, as a test of a webhook endpoint would.
  await client.create(newUser());
  const [posted] = mock.webhookDeliveries('http://127.0.0.1:0/hooks');
  const receiver = createServer((request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      const url = `http://127.0.0.1:0${request.url}`;
      const ok = await api.parseWebhookEvents(body, { verify, method: request.method, url, headers: request.headers }).then(() => true, () => false);
      response.writeHead(ok ? 204 : 400).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = receiver.address();
    const response = await fetch(`http://127.0.0.1:${port}/hooks`, { method: posted.method, headers: posted.headers, body: posted.body });
    assert.equal(response.status, 204, 'the receiver verified the posted delivery');
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }

  const kid = mock.rotateWebhookKey();
  // A verifier reloads keys for an unknown keyid at most once a minute: a receiver started now.
  const verifyRotated = api.createWebhookVerifier({ keys: () => mock.verifyKeys() });
  await client.close(group.id);
  await new Promise((resolve) => setTimeout(resolve, 30));
  const closing = mock.webhookDeliveries();
  assert.match(closing[0].headers['signature-input'], new RegExp(`keyid="${kid}"`));
  const types = (await Promise.all(closing.map((d) => receive(d, verifyRotated)))).flat().map((e) => e.type);
  assert.deepEqual(types, ['ACCOUNT_GROUP.CLOSING_INITIATED', 'ACCOUNT_GROUP.CLOSED']);
  await client.create(newUser());
  const [again] = mock.webhookDeliveries();
  const tampered = { ...again, body: again.body.replace('PERSONAL', 'ISA') };
  await assert.rejects(receive(tampered, verifyRotated), (e) => e instanceof api.WebhookVerificationError && e.code === 'digest-mismatch');
});

test('webhookDeliveries keeps the last 100 deliveries when none are taken', async () => {
  const mock = await createMock();
  const client = clientFor(mock);
  const last = [];
  for (let i = 0; i < 102; i += 1) last.push(await client.create(newUser()));
  // Signing is the slow part (milliseconds each): only the deliveries asked for are signed.
  const kept = mock.webhookDeliveries();
  assert.equal(kept.length, 100);
  assert.equal(JSON.parse(kept.at(-1).body).payload[0].object.id, last.at(-1).id, 'the newest kept');
  assert.equal(JSON.parse(kept[0].body).payload[0].object.id, last[2].id, 'the two oldest dropped');
});

test('the CommonJS entry gives the same createMock', () => {
  const entry = fileURLToPath(new URL('../../pkg/mock/index.cjs', import.meta.url));
  const script = `require(${JSON.stringify(entry)}).createMock({ seed: 2 }).then(async (mock) => {
    const response = await mock.fetch(mock.url + '/account_groups', { headers: { 'upvest-client-id': '${clientId}', authorization: 'Bearer t', 'upvest-api-version': '1' } });
    console.log(response.status, (await response.json()).meta.total_count);
  });`;
  assert.equal(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 }).trim(), '200 2');
});

test('mock.fetch takes what fetch takes and refuses what fetch refuses, as fetch does', async () => {
  const mock = await createMock({ seed: 1 });
  const headers = { 'upvest-client-id': clientId, authorization: 'Bearer t' };
  // A Request, a URL object, and a string all reach the mock.
  for (const input of [new Request(`${mock.url}/account_groups`, { headers }), new URL(`${mock.url}/account_groups`)]) {
    const response = await mock.fetch(input, input instanceof URL ? { headers } : undefined);
    assert.equal(response.status, 200);
    assert.equal((await response.json()).meta.total_count, 1);
  }
  // What fetch itself would refuse rejects with fetch's TypeError; nothing reaches the mock.
  const before = mock.stats().requests_seen;
  await assert.rejects(mock.fetch('not a url'), TypeError);
  await assert.rejects(mock.fetch(`${mock.url}/account_groups`, { method: 'GET', body: 'x' }), TypeError);
  await assert.rejects(mock.fetch(`${mock.url}/account_groups`, { headers: { 'bad header': 'x' } }), TypeError);
  assert.equal(mock.stats().requests_seen, before);
  // An aborted signal rejects with its reason, before or during a delay.
  const reason = new Error('stop');
  await assert.rejects(mock.fetch(`${mock.url}/account_groups`, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  mock.faults([{ path: '/account_groups', delay_ms: 10_000 }]);
  const controller = new AbortController();
  const pending = mock.fetch(`${mock.url}/account_groups`, { headers, signal: controller.signal });
  setTimeout(() => controller.abort(reason), 20);
  await assert.rejects(pending, (e) => e === reason);
  // A body over the mock's 1 MiB limit is a 413 problem, as from the binary.
  const large = await mock.fetch(`${mock.url}/account_groups`, { method: 'POST', headers, body: 'x'.repeat((1 << 20) + 1) });
  assert.equal(large.status, 413);
  assert.equal((await large.json()).status, 413);
});

test('mock.fetch serves concurrent calls, and a port in use is refused with the platform error', async () => {
  const mock = await createMock();
  const client = clientFor(mock);
  const created = await Promise.all(Array.from({ length: 100 }, () => client.create(newUser())));
  assert.equal(new Set(created.map((g) => g.id)).size, 100);
  assert.equal(mock.stats().groups, 100);
  const server = await mock.listen();
  try {
    const port = Number(new URL(server.url).port);
    await assert.rejects(mock.listen({ port }), (e) => e.code === 'EADDRINUSE');
  } finally {
    await server.close();
  }
});

test('listen: close() ends the requests a delay fault holds; a huge delay waits rather than answering at once', async () => {
  const mock = await createMock();
  mock.faults([{ path: '/account_groups', delay_ms: 1e12, times: 2 }]);
  const server = await mock.listen();
  const headers = { 'upvest-client-id': clientId, authorization: 'Bearer t' };
  const held = fetch(`${server.url}/account_groups`, { headers }).then(() => 'answered', () => 'ended');
  const inProcess = mock.fetch(`${mock.url}/account_groups`, { headers, signal: AbortSignal.timeout(200) }).then(() => 'answered', (e) => e.name);
  assert.equal(await inProcess, 'TimeoutError', 'still waiting after 200 ms, not answered at once');
  const started = Date.now();
  await server.close();
  assert.equal(await held, 'ended');
  assert.ok(Date.now() - started < 5000, `close() took ${Date.now() - started} ms`);
});

test('odd calls get clear errors: listen(8080), requests(null), fault rules that could never apply', async () => {
  const mock = await createMock();
  await assert.rejects(mock.listen(8080), (e) => e instanceof TypeError && /takes \{ port\? \}/.test(e.message));
  assert.deepEqual(mock.requests(null), []);
  for (const [rules, message] of [
    [[{ path: '/x', times: 0, status: 503 }], /times must be at least 1/],
    [[{ path: '/x', retry_after: 5 }], /retry_after goes with status/],
    [[{ path: 'account_groups', status: 503 }], /path must start with \//],
  ]) {
    assert.throws(() => mock.faults(rules), (e) => e instanceof TypeError && message.test(e.message), JSON.stringify(rules));
  }
});

test('a polluted Object.prototype changes nothing: createMock, listen, requests and mock.fetch read only their own options', async () => {
  // Every option name of createMock, listen and requests, and what mock.fetch reads from its init.
  const pollution = {
    seed: 5, closeDelayMs: 1, clientSecret: 'polluted', tokenTtlSeconds: 1, strictTokens: true, verifyKey: 'polluted',
    requireSignatureHeaders: true, webhookSigningKey: 'polluted', requestLogSize: 0, idempotencyTtlSeconds: 1,
    maxIdempotencyKeys: 1, maxGroups: 1, port: 1, since: 5, method: 'DELETE', body: 'polluted',
  };
  const seen = {};
  try {
    Object.assign(Object.prototype, pollution);
    const mock = await createMock({});
    seen.groups = [mock.stats().groups, (await createMock()).stats().groups];
    const server = await mock.listen({});
    seen.port = new URL(server.url).port;
    await server.close();
    const answer = await mock.fetch(`${mock.url}/account_groups`, { headers: { 'upvest-client-id': clientId, authorization: 'Bearer t' } });
    seen.status = answer.status;
    seen.logged = mock.requests({}).map((r) => `${r.method} ${r.body_bytes}`);
  } catch (error) {
    seen.error = String(error);
  } finally {
    for (const name of Object.keys(pollution)) delete Object.prototype[name];
  }
  assert.notEqual(seen.port, '1', 'listen({}) took no inherited port');
  assert.deepEqual(seen, { groups: [0, 0], port: seen.port, status: 200, logged: ['GET 0'] });
});
