// Per-call options, as stripe-node and openapi-fetch users expect them: `timeoutMs` and
// `maxRetries` over the client's, extra `headers` (checked before anything is sent, handed to the
// signer, sent with every page of an iteration), and `lastResponse.headers`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as api from '../../pkg/node/index.mjs';

const baseUrl = process.env.UPVEST_MOCK_URL;
const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const groupId = '9d95820d-4333-46b6-98de-04ab7512e76f';
const logMark = async () => (await (await fetch(`${baseUrl}/__mock/stats`)).json()).requests_seen;
const requestsSince = async (mark) => (await fetch(`${baseUrl}/__mock/requests?since=${mark}`)).json();
const client = (extra = {}) => new api.AccountGroups({ baseUrl, clientId, accessToken: 'token', ...extra });

/** A server on 127.0.0.1 that answers each request as `answer` says (or never), counting. */
async function serving(answer) {
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests += 1;
    request.resume();
    answer(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(resolve) && server.closeAllConnections()),
  };
}

test("timeoutMs per call overrides the client's: one attempt, cut at the call's limit", async () => {
  const hung = await serving(() => {});
  try {
    const c = client({ baseUrl: hung.url, timeoutMs: 600_000, maxRetries: 0 });
    const error = await c.get(groupId, { timeoutMs: 100 }).then(() => assert.fail('resolved'), (e) => e);
    assert.ok(error instanceof api.TimeoutError, `${error.name}: ${error.message}`);
    assert.equal(hung.requests(), 1);
  } finally {
    await hung.close();
  }
});

test("maxRetries per call overrides the client's, both ways", async () => {
  const unavailable = await serving((response) => response.writeHead(503, { 'retry-after': '0' }).end());
  try {
    const c = client({ baseUrl: unavailable.url, maxRetries: 3, retryBaseDelayMs: 1 });
    for (const [maxRetries, requests] of [[0, 1], [1, 2], [undefined, 4]]) {
      const before = unavailable.requests();
      const error = await c.get(groupId, maxRetries === undefined ? {} : { maxRetries }).then(() => assert.fail('resolved'), (e) => e);
      assert.ok(error instanceof api.ProblemError && error.status === 503, `${error.name}: ${error.message}`);
      assert.equal(unavailable.requests() - before, requests, `maxRetries ${maxRetries}`);
    }
    const bad = await c.get(groupId, { maxRetries: 11 }).then(() => assert.fail('resolved'), (e) => e);
    assert.ok(bad instanceof api.InvalidInputError && bad.field === 'maxRetries');
  } finally {
    await unavailable.close();
  }
});

test('extra headers reach the server and the signer, on every page of an iteration; as an object, a Headers or a Map', async () => {
  const seenBySigner = [];
  const signer = async (request) => (seenBySigner.push(request.headers['x-correlation-id']), {});
  const c = client({ signer });
  const userId = crypto.randomUUID();
  for (let i = 0; i < 3; i += 1) await c.create({ user_id: userId, type: 'PERSONAL' }, { headers: { 'X-Correlation-Id': `create-${i}` } });
  const mark = await logMark();
  await c.get(groupId, { headers: new Headers({ 'x-correlation-id': 'headers' }) }).catch(() => {});
  await c.list({}, { headers: new Map([['x-correlation-id', 'map']]) });
  const pages = [];
  for await (const group of c.iterateForUser(userId, { pageSize: 1 }, { headers: { 'x-correlation-id': 'pages', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } })) pages.push(group.id);
  assert.equal(pages.length, 3);
  const logged = await requestsSince(mark);
  assert.deepEqual(logged.map((r) => r.headers['x-correlation-id']), ['headers', 'map', ...Array(logged.length - 2).fill('pages')]);
  assert.ok(logged.length - 2 >= 2, 'several pages');
  assert.ok(logged.slice(2).every((r) => r.headers.traceparent?.startsWith('00-4bf92f')));
  assert.deepEqual(seenBySigner.slice(0, 3), ['create-0', 'create-1', 'create-2'], 'the signer is given them');
});

test('headers the client, the signature or the transport set are an InvalidInputError before anything is sent', async () => {
  const c = client();
  const mark = await logMark();
  for (const name of ['authorization', 'Authorization', 'upvest-client-id', 'upvest-api-version', 'idempotency-key', 'content-type', 'accept', 'signature', 'signature-input', 'content-digest', 'connection', 'transfer-encoding', 'host', 'content-length']) {
    const error = await c.list({}, { headers: { [name]: 'x' } }).then(() => assert.fail(`${name}: resolved`), (e) => e);
    assert.ok(error instanceof api.InvalidInputError, `${name}: ${error.name}`);
    assert.equal(error.field, 'headers');
    assert.equal(error.code, 'conflict');
  }
  for (const headers of [{ 'a b': 'x' }, { 'x-a': 'line\nbreak' }, { 'x-a': 'del\u007f' }, { 'x-a': 7 }, 'x-a: 1']) {
    const error = await c.list({}, { headers }).then(() => assert.fail(`${JSON.stringify(headers)}: resolved`), (e) => e);
    assert.ok(error instanceof api.InvalidInputError && error.field === 'headers', `${JSON.stringify(headers)}: ${error.message}`);
  }
  const iteration = await c.iterate({}, { headers: { authorization: 'Bearer stolen' } }).next().then(() => assert.fail('resolved'), (e) => e);
  assert.ok(iteration instanceof api.InvalidInputError && iteration.code === 'conflict');
  assert.equal(await logMark(), mark, 'nothing was sent');
});

test('lastResponse.headers: every response header, frozen, non-enumerable (results compare as before)', async () => {
  const c = client();
  const group = await c.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
  const { headers } = group.lastResponse;
  assert.equal(headers['upvest-request-id'], group.lastResponse.requestId);
  assert.match(headers['content-type'], /^application\/json/);
  assert.ok(Object.isFrozen(headers));
  assert.equal(group.lastResponse.headers, headers, 'copied once');
  assert.deepEqual(Object.keys(group.lastResponse), ['status', 'requestId']);
  const closed = await c.close(group.id);
  assert.deepEqual(closed, { status: 202, requestId: closed.requestId });
  assert.equal(closed.headers['upvest-request-id'], closed.requestId);
});

test('a user-agent names the package, its version and the runtime, after the application given as userAgent', async () => {
  const { version } = JSON.parse(await (await import('node:fs/promises')).readFile(new URL('../../pkg/package.json', import.meta.url), 'utf8'));
  const runtime = `node/${process.versions.node}`;
  const mark = await logMark();
  await client().list({ limit: 1 });
  await client({ userAgent: 'acme-backoffice/1.4.2' }).list({ limit: 1 });
  await api.clientCredentials({ tokenUrl: `${baseUrl}/auth/token`, clientId, clientSecret: 'mock-client-secret', scopes: ['accounts:read'] })();
  const agents = (await requestsSince(mark)).map((r) => r.headers['user-agent']);
  assert.deepEqual(agents, [`upvest-account-groups/${version} ${runtime}`, `acme-backoffice/1.4.2 upvest-account-groups/${version} ${runtime}`, `upvest-account-groups/${version} ${runtime}`]);
  for (const userAgent of ['', ' leading', 'new\nline', 'tab\there', 'é', 'x'.repeat(201), 42, {}]) {
    assert.throws(() => client({ userAgent }), (e) => e instanceof api.InvalidInputError && e.field === 'userAgent', JSON.stringify(userAgent));
  }
  const perCall = await client().list({}, { headers: { 'User-Agent': 'other' } }).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(perCall instanceof api.InvalidInputError && perCall.code === 'conflict', 'the client sets it');
});
