// Bounds on what caller code hands the package: a token provider's runaway token, refreshes
// after a burst of 401s, headers a signer may not add, hooks on the token request, and a webhook
// body that is a revoked Proxy. Each is refused before anything is sent, or sent exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as api from '../../pkg/node/index.mjs';

const baseUrl = process.env.UPVEST_MOCK_URL;
const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const groupId = '9d95820d-4333-46b6-98de-04ab7512e76f';
const requestsSeen = async () => (await (await fetch(`${baseUrl}/__mock/stats`)).json()).requests_seen;

/** A server on 127.0.0.1 that answers every request with `status` (a problem body), counting. */
async function answering(status) {
  const server = http.createServer((request, response) => {
    server.requests += 1;
    request.resume();
    response.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status }));
  });
  server.requests = 0;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

test('a token over 16 KiB from a provider is refused before sending, naming the provider, never the token; 20 calls ask once', async () => {
  const token = 'T'.repeat(10_000_000);
  let asked = 0;
  const client = new api.AccountGroups({ baseUrl, clientId, tokenProvider: async () => ((asked += 1), token), maxRetries: 0 });
  const before = await requestsSeen();
  const errors = await Promise.all(Array.from({ length: 20 }, () => client.get(groupId).then(() => assert.fail('resolved'), (e) => e)));
  for (const error of errors) {
    assert.ok(error instanceof api.UpvestError, error.name);
    assert.match(error.message, /^Token provider failed: the token provider's accessToken must be at most 16384 characters/);
    assert.ok(!error.message.includes('TTTT'), 'the token is not in the message');
  }
  assert.equal(asked, 1, 'concurrent calls share one provider call');
  assert.equal(await requestsSeen(), before, 'nothing was sent');
  // The bound itself: 16384 characters pass, one more does not; a fixed token is checked alike.
  assert.equal((await new api.AccountGroups({ baseUrl, clientId, tokenProvider: async () => 'a'.repeat(16384) }).list({ limit: 1 })).meta.limit, 1);
  assert.throws(() => new api.AccountGroups({ baseUrl, clientId, accessToken: 'a'.repeat(16385) }), (e) => e instanceof api.InvalidInputError && e.field === 'accessToken' && e.code === 'range');
});

test('100 parallel calls answered 401 with the same token: one refresh, two provider calls in all', async () => {
  const server = await answering(401);
  try {
    let asked = 0;
    const client = new api.AccountGroups({ baseUrl: server.url, clientId, tokenProvider: async () => ((asked += 1), 'same-token'), maxRetries: 0 });
    const errors = await Promise.all(Array.from({ length: 100 }, () => client.get(groupId).then(() => assert.fail('resolved'), (e) => e)));
    assert.ok(errors.every((e) => e instanceof api.ProblemError && e.status === 401));
    assert.equal(asked, 2, 'the first token, and one refresh for all 100 refusals');
    assert.equal(server.server.requests, 200, 'each call tried once more with the refreshed token');
    // A 401 on a token refreshed since: the next call still refreshes (a new generation), once.
    await client.get(groupId).catch(() => {});
    assert.equal(asked, 3);
  } finally {
    await server.close();
  }
});

test('a signer adding a hop-by-hop header or a control character is a SignerError at once: called once, nothing sent', async () => {
  for (const [name, value] of [
    ['x-trace', 'a\u007fb'],
    ['x-trace', '\u001b[31m'],
    ['connection', 'close'],
    ['transfer-encoding', 'chunked'],
    ['keep-alive', 'timeout=5'],
    ['upgrade', 'h2c'],
    ['te', 'trailers'],
    ['host', 'elsewhere.example'],
    ['content-length', '0'],
    ['expect', '100-continue'],
  ]) {
    let signed = 0;
    const client = new api.AccountGroups({ baseUrl, clientId, accessToken: 'token', signer: async () => ((signed += 1), { [name]: value }) });
    const before = await requestsSeen();
    const error = await client.get(groupId).then(() => assert.fail('resolved'), (e) => e);
    assert.ok(error instanceof api.SignerError, `${name}: ${error.name}: ${error.message}`);
    assert.ok(error.message.includes(name), error.message);
    assert.ok(!error.message.includes(value), 'the value is not shown');
    assert.equal(signed, 1, `${name}: not retried`);
    assert.equal(await requestsSeen(), before, `${name}: nothing sent`);
  }
});

test('clientCredentials takes onRequest and onResponse, as the README says', async () => {
  const seen = [];
  const tokens = api.clientCredentials({
    tokenUrl: `${baseUrl}/auth/token`, clientId, clientSecret: 'mock-client-secret', scopes: ['accounts:read'],
    onRequest: (event) => seen.push(['request', event.method, event.url]),
    onResponse: (event) => seen.push(['response', event.status]),
  });
  assert.equal(typeof (await tokens()).access_token, 'string');
  assert.deepEqual(seen, [['request', 'POST', `${baseUrl}/auth/token`], ['response', 200]]);
  assert.throws(() => api.clientCredentials({ tokenUrl: `${baseUrl}/auth/token`, clientId, clientSecret: 's', scopes: ['accounts:read'], onRequest: 'no' }), (e) => e instanceof api.InvalidInputError && e.field === 'onRequest');
});

test('a revoked Proxy as a webhook body is a WebhookError, not a TypeError', async () => {
  const { proxy, revoke } = Proxy.revocable(new Uint8Array(4), {});
  revoke();
  const error = await api.parseWebhookEvents(proxy, { verify: false }).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof api.WebhookError, `${error.name}: ${error.message}`);
  assert.equal(error.code, 'encoding');
});

test("the init a fetch is given has no prototype", async () => {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push(Object.getPrototypeOf(init));
    return new Response(JSON.stringify({ meta: { offset: 0, limit: 1, count: 0, total_count: 0 }, data: [] }), { headers: { 'content-type': 'application/json' } });
  };
  await new api.AccountGroups({ baseUrl, clientId, accessToken: 'token', fetch }).list({ limit: 1 });
  assert.deepEqual(seen, [null], "Node's fetch reads dispatcher (and more) from init: nothing may be inherited");
});
