// upvest-mock's own behaviour over HTTP: tokens, strict token checks, fault injection, CORS, the
// static files' headers and the close lifecycle. Each test starts the mock it needs and stops it
// by PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { startMock } from '../../scripts/with-mock.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const userId = '413715f2-5401-4b97-8055-034a6b879f8c';
const headers = (token = 'any-token') => ({ authorization: `Bearer ${token}`, 'upvest-client-id': clientId, accept: 'application/json' });

async function withMock(flags, body) {
  const mock = await startMock(flags);
  try {
    await body(mock.url);
  } finally {
    mock.stop();
  }
}

const tokenRequest = (url, form) =>
  fetch(`${url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(form) });

const create = (url, token, key = crypto.randomUUID()) =>
  fetch(`${url}/account_groups`, {
    method: 'POST',
    headers: { ...headers(token), 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ user_id: userId, type: 'PERSONAL' }),
  });

test('POST /auth/token issues client-credentials tokens and refuses bad credentials', () =>
  withMock(['--token-ttl-s', '120'], async (url) => {
    const good = await tokenRequest(url, { grant_type: 'client_credentials', client_id: clientId, client_secret: 'mock-client-secret', scope: 'accounts:read accounts:admin' });
    assert.equal(good.status, 200);
    const token = await good.json();
    assert.equal(token.token_type, 'bearer');
    assert.equal(token.expires_in, 120);
    assert.equal(token.scope, 'accounts:read accounts:admin');
    assert.match(token.access_token, /^[A-Za-z0-9._-]+$/);
    const bad = await tokenRequest(url, { grant_type: 'client_credentials', client_id: clientId, client_secret: 'wrong', scope: 'accounts:read' });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).type, 'https://docs.upvest.co/errors/unauthorised');
    const noScope = await tokenRequest(url, { grant_type: 'client_credentials', client_id: clientId, client_secret: 'mock-client-secret' });
    assert.equal(noScope.status, 400);
  }));

test('--strict-tokens accepts only issued tokens, with the scope an operation needs', () =>
  withMock(['--strict-tokens'], async (url) => {
    const issue = async (scope) => (await (await tokenRequest(url, { grant_type: 'client_credentials', client_id: clientId, client_secret: 'mock-client-secret', scope })).json()).access_token;
    const reader = await issue('accounts:read');
    const admin = await issue('accounts:admin');
    assert.equal((await fetch(`${url}/account_groups`, { headers: headers('made-up') })).status, 401);
    assert.equal((await fetch(`${url}/account_groups`, { headers: headers(reader) })).status, 200);
    const forbidden = await create(url, reader);
    assert.equal(forbidden.status, 403);
    assert.match((await forbidden.json()).detail, /accounts:admin/);
    assert.equal((await create(url, admin)).status, 200);
  }));

test('--require-signature-headers refuses a request without both signature headers; the default mode does not', async () => {
  const signed = { signature: 'sig1=:AAAA:', 'signature-input': 'sig1=("@method");created=1' };
  await withMock(['--require-signature-headers'], async (url) => {
    for (const [missing, extra] of [['both', {}], ['signature-input', { signature: signed.signature }], ['empty signature', { ...signed, signature: ' ' }]]) {
      const refused = await fetch(`${url}/account_groups`, { headers: { ...headers(), ...extra } });
      assert.equal(refused.status, 401, missing);
      assert.match((await refused.json()).detail, /signature and signature-input headers are required/);
    }
    assert.equal((await fetch(`${url}/account_groups`, { headers: { ...headers(), ...signed } })).status, 200);
  });
  await withMock([], async (url) => assert.equal((await fetch(`${url}/account_groups`, { headers: headers() })).status, 200));
});

test('fault rules: status with Retry-After, delay, malformed body, dropped connection', () =>
  withMock([], async (url) => {
    const rules = [
      { method: 'GET', path: '/account_groups', times: 2, status: 503, retry_after: 1 },
      { method: 'GET', path: '/account_groups/*', delay_ms: 300 },
      { method: 'POST', path: '/account_groups', malformed: true },
      { method: 'DELETE', path: '/account_groups/*', drop: true },
    ];
    const set = await fetch(`${url}/__mock/faults`, { method: 'POST', body: JSON.stringify(rules) });
    assert.deepEqual(await set.json(), { rules: 4 });
    for (let i = 0; i < 2; i += 1) {
      const r = await fetch(`${url}/account_groups`, { headers: headers() });
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '1');
      assert.equal((await r.json()).type, 'https://docs.upvest.co/errors/unavailable');
    }
    assert.equal((await fetch(`${url}/account_groups`, { headers: headers() })).status, 200, 'times ran out');
    const started = Date.now();
    assert.equal((await fetch(`${url}/account_groups/${userId}`, { headers: headers() })).status, 404);
    assert.ok(Date.now() - started >= 290, 'delayed');
    const malformed = await create(url);
    assert.equal(malformed.status, 200);
    await assert.rejects(malformed.json(), SyntaxError);
    const page = await (await fetch(`${url}/account_groups`, { headers: headers() })).json();
    assert.equal(page.meta.total_count, 1, 'the malformed create was still made');
    const id = page.data[0].id;
    await assert.rejects(fetch(`${url}/account_groups/${id}`, { method: 'DELETE', headers: headers() }), TypeError);
    const after = await (await fetch(`${url}/account_groups/${id}`, { headers: headers() })).json();
    assert.equal(after.status, 'CLOSING', 'the dropped close was still made');
    assert.equal((await fetch(`${url}/__mock/faults`, { method: 'POST', body: '[{"path":"/x","sometimes":1}]' })).status, 400);
  }));

test('CORS: preflight allows the asked headers, responses expose the request id', () =>
  withMock([], async (url) => {
    const preflight = await fetch(`${url}/account_groups`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,upvest-client-id,idempotency-key' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'authorization,upvest-client-id,idempotency-key');
    assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
    const response = await fetch(`${url}/account_groups`, { headers: { ...headers(), origin: 'http://127.0.0.1:1' } });
    assert.equal(response.headers.get('access-control-allow-origin'), 'http://127.0.0.1:1');
    assert.match(response.headers.get('access-control-expose-headers'), /upvest-request-id/);
  }));

test('control endpoints and the API answer loopback pages only', () =>
  withMock([], async (url) => {
    const elsewhere = 'https://example.com';
    assert.equal((await create(url)).status, 200);
    for (const [method, path] of [['GET', '/__mock/requests'], ['POST', '/__mock/reset'], ['POST', '/__mock/faults'], ['OPTIONS', '/__mock/reset']]) {
      const refused = await fetch(`${url}${path}`, { method, headers: { origin: elsewhere, 'access-control-request-method': 'POST' }, body: method === 'POST' ? '[]' : undefined });
      assert.equal(refused.status, 403, `${method} ${path}`);
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
      assert.equal(refused.headers.get('access-control-allow-methods'), null);
    }
    const page = await (await fetch(`${url}/account_groups`, { headers: headers() })).json();
    assert.equal(page.meta.total_count, 1, 'the refused reset changed nothing');
    const loopback = 'http://127.0.0.1:8000';
    const log = await fetch(`${url}/__mock/requests`, { headers: { origin: loopback } });
    assert.equal(log.status, 200);
    assert.equal(log.headers.get('access-control-allow-origin'), loopback);
    const preflight = await fetch(`${url}/__mock/faults`, { method: 'OPTIONS', headers: { origin: loopback, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type');
    assert.equal((await fetch(`${url}/__mock/requests`)).headers.get('access-control-allow-origin'), null, 'no CORS without an origin');
    const api = await fetch(`${url}/account_groups`, { headers: { ...headers(), origin: elsewhere } });
    assert.equal(api.status, 403, 'the API refuses pages elsewhere too (tests/node/mock-request-log.test.mjs)');
    // A DNS-rebinding page reaches 127.0.0.1 under its own name, same-origin, without an Origin.
    const rebound = await new Promise((resolve, reject) => {
      const { port } = new URL(url);
      http.get({ host: '127.0.0.1', port, path: '/__mock/requests', headers: { host: `rebound.example:${port}` } }, (r) => resolve(r.statusCode)).on('error', reject);
    });
    assert.equal(rebound, 403);
  }));

test('static files: the page’s own CSP as a header with frame-ancestors, no framing, no sniffing, no referrer', () =>
  // tests/browser as --pkg: a page (index.html) that declares no policy.
  withMock(['--www', new URL('../../www', import.meta.url).pathname, '--pkg', new URL('../browser', import.meta.url).pathname], async (url) => {
    const html = readFileSync(new URL('../../www/index.html', import.meta.url), 'utf8');
    const declared = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)[1];
    const page = await fetch(`${url}/`);
    assert.equal(page.headers.get('content-security-policy'), `${declared}; frame-ancestors 'none'`);
    for (const response of [page, await fetch(`${url}/app.js`), await fetch(`${url}/pkg/index.html`)]) {
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    }
    assert.equal((await fetch(`${url}/pkg/index.html`)).headers.get('content-security-policy'), "frame-ancestors 'none'", 'a page without a policy gets only the framing rule');
  }));

test('closing: CLOSING at once, CLOSED after --close-delay-ms, 409 when not ACTIVE', () =>
  withMock(['--close-delay-ms', '200'], async (url) => {
    const group = await (await create(url)).json();
    const close = () => fetch(`${url}/account_groups/${group.id}`, { method: 'DELETE', headers: headers() });
    const get = async () => (await fetch(`${url}/account_groups/${group.id}`, { headers: headers() })).json();
    assert.equal((await close()).status, 202);
    assert.equal((await get()).status, 'CLOSING');
    assert.equal((await close()).status, 409);
    await new Promise((r) => setTimeout(r, 250));
    assert.equal((await get()).status, 'CLOSED');
  }));

test('every response carries a fresh upvest-request-id; --seed spreads types and statuses', () =>
  withMock(['--seed', '200'], async (url) => {
    const ids = new Set();
    for (const path of ['/account_groups?limit=1000', '/account_groups/not-a-uuid', '/nope']) {
      const r = await fetch(`${url}${path}`, { headers: headers() });
      ids.add(r.headers.get('upvest-request-id'));
      if (path.includes('limit')) {
        const page = await r.json();
        assert.equal(page.meta.total_count, 200);
        assert.deepEqual(new Set(page.data.map((g) => g.type)).size, 6);
        assert.ok(new Set(page.data.map((g) => g.status)).size >= 4);
        assert.ok(new Set(page.data.flatMap((g) => g.users ?? []).map((u) => u.id)).size >= 5);
      }
    }
    assert.equal(ids.size, 3);
  }));

test('the mock binds 127.0.0.1 only', () =>
  withMock([], async (url) => {
    const port = Number(new URL(url).port);
    const reachable = await new Promise((resolve) => {
      const socket = net.connect({ host: '::1', port }, () => resolve(true)).on('error', () => resolve(false));
      socket.setTimeout(1000, () => resolve(false));
    });
    assert.equal(reachable, false, 'not on [::1]');
  }));
