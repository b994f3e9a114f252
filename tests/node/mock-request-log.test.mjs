// What a local process or a web page can make the mock hold: the request log is bounded in bytes
// as well as in entries (a body is kept up to its first 4 KiB, with its whole length), so 1,000
// bodies of 1 MiB of control characters (six bytes each as JSON) leave the binary's memory and
// the in-process mock's wasm memory near where they were, and the in-process mock goes on
// answering; and the API, like the control endpoints, answers pages on loopback origins only, so
// a page elsewhere cannot fill the log with a simple `text/plain` POST. Memory is measured: the
// binary's RSS from /proc/PID/status, the wasm's memory by its byte length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { startMock } from '../../scripts/with-mock.mjs';
import { createMock } from '../../pkg/mock/index.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const headers = { authorization: 'Bearer any-token', 'upvest-client-id': clientId, accept: 'application/json' };
const MiB = 1 << 20;
const REQUESTS = 1000;
/** How often the growth is checked on the way, so that a mock that does grow fails early. */
const CHECK_EVERY = 50;
/** What the log keeps of a body. */
const PREFIX = 4096;
/** 1 MiB of U+0001, which JSON writes as `\u0001`. */
const controlBytes = new Uint8Array(MiB).fill(1);

/** A POST of `body` as a simple cross-origin request would send it (no preflight). */
const post = (body, extra = {}) => ({ method: 'POST', headers: { ...headers, 'content-type': 'text/plain', ...extra }, body });

/** The process's resident memory in bytes, from /proc/PID/status. */
function rss(pid) {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(kib, `no VmRSS for ${pid}`);
  return Number(kib[1]) * 1024;
}

const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;

/**
 * Sends `REQUESTS` bodies of 1 MiB through `send`, checking every `CHECK_EVERY` that `size()`
 * grew by less than `limit`; returns the sizes before and after.
 */
async function flood(send, size, limit, what) {
  const before = size();
  for (let i = 1; i <= REQUESTS; i += 1) {
    const response = await send();
    assert.ok([400, 401, 415].includes(response.status), `request ${i}: ${response.status}`);
    await response.arrayBuffer();
    if (i % CHECK_EVERY === 0) {
      const grown = size() - before;
      assert.ok(grown < limit, `${what} grew by ${mib(grown)} after ${i} requests of 1 MiB (limit ${mib(limit)})`);
    }
  }
  const after = size();
  console.log(`${what}: ${mib(before)} before ${REQUESTS} requests of 1 MiB, ${mib(after)} after`);
  return { before, after };
}

/** The log's last entry, as the log gives it. */
function checkCut(entry, bytes) {
  assert.equal(entry.body_bytes, bytes, 'the whole length is recorded');
  assert.equal(entry.body_truncated, true);
  assert.equal(entry.body, '\u0001'.repeat(PREFIX), 'the first 4 KiB are kept');
}

function checkWhole(entry, body) {
  assert.deepEqual([entry.body, entry.body_bytes, entry.body_truncated], [body, new TextEncoder().encode(body).length, false]);
}

test('upvest-mock: 1,000 bodies of 1 MiB grow its RSS by less than 64 MiB; the log keeps 4 KiB of each and its length', async () => {
  const mock = await startMock();
  try {
    const { url } = mock;
    const pid = mock.process.pid;
    const send = () => fetch(`${url}/account_groups`, post(controlBytes));
    await flood(send, () => rss(pid), 64 * MiB, 'upvest-mock RSS');
    const stats = await (await fetch(`${url}/__mock/stats`)).json();
    assert.equal(stats.requests_seen, REQUESTS);
    const [last] = await (await fetch(`${url}/__mock/requests?since=${REQUESTS - 1}`)).json();
    checkCut(last, MiB);
    const small = '{"user_id":"ünïcode"}';
    await (await fetch(`${url}/account_groups`, post(small))).arrayBuffer();
    const [entry] = await (await fetch(`${url}/__mock/requests?since=${REQUESTS}`)).json();
    checkWhole(entry, small);
  } finally {
    mock.stop();
  }
});

/** The wasm memory of the in-process mock, caught as its module is instantiated. */
async function inProcessMock() {
  const instantiate = WebAssembly.instantiate;
  /** @type {WebAssembly.Memory | undefined} */
  let memory;
  WebAssembly.instantiate = async (...args) => {
    const made = await instantiate.apply(WebAssembly, args);
    memory ??= Object.values((made.instance ?? made).exports).find((e) => e instanceof WebAssembly.Memory);
    return made;
  };
  try {
    const mock = await createMock();
    assert.ok(memory, 'the mock wasm’s memory was found');
    return { mock, memory };
  } finally {
    WebAssembly.instantiate = instantiate;
  }
}

test('in-process mock: 1,000 bodies of 1 MiB grow its wasm memory by less than 64 MiB, and it goes on answering', async () => {
  const { mock, memory } = await inProcessMock();
  const send = () => mock.fetch(`${mock.url}/account_groups`, post(controlBytes));
  const { after } = await flood(send, () => memory.buffer.byteLength, 64 * MiB, 'in-process mock wasm memory');
  assert.equal(mock.stats().requests_seen, REQUESTS);
  checkCut(mock.requests({ since: REQUESTS - 1 })[0], MiB);
  const small = 'ßmall';
  await (await mock.fetch(`${mock.url}/account_groups`, post(small))).arrayBuffer();
  checkWhole(mock.requests({ since: REQUESTS })[0], small);
  const page = await mock.fetch(`${mock.url}/account_groups`, { headers });
  assert.equal(page.status, 200, 'still answering');
  assert.ok(memory.buffer.byteLength < after + 8 * MiB);
});

/** A request to the binary with a `host` header of our choosing (fetch would not send one). */
function rawRequest(url, path, requestHeaders) {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: requestHeaders }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject);
  });
}

test('upvest-mock: the API and /auth/* answer pages on loopback origins only, before reading or logging anything', async () => {
  const mock = await startMock();
  try {
    const { url } = mock;
    const elsewhere = 'https://example.com';
    const cases = [
      ['POST', '/account_groups', post('x'.repeat(1000), { origin: elsewhere })],
      ['GET', '/account_groups', { headers: { ...headers, origin: elsewhere } }],
      ['OPTIONS', '/account_groups', { headers: { origin: elsewhere, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } }],
      ['GET', `/users/${clientId}/account_groups`, { headers: { ...headers, origin: 'null' } }],
      ['POST', '/auth/token', { body: 'grant_type=client_credentials', headers: { origin: elsewhere, 'content-type': 'application/x-www-form-urlencoded' } }],
    ];
    for (const [method, path, init] of cases) {
      const refused = await fetch(`${url}${path}`, { ...init, method });
      assert.equal(refused.status, 403, `${method} ${path}`);
      assert.equal(refused.headers.get('access-control-allow-origin'), null, `${method} ${path}`);
      assert.match((await refused.json()).detail, /loopback origins only/);
    }
    assert.equal(await rawRequest(url, '/account_groups', { ...headers, host: 'rebound.example' }), 403, 'a DNS-rebinding page’s own name');
    const stats = await (await fetch(`${url}/__mock/stats`)).json();
    assert.equal(stats.requests_seen, 0, 'nothing refused was logged');
    const loopback = 'http://localhost:5173';
    const allowed = await fetch(`${url}/account_groups`, { headers: { ...headers, origin: loopback } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), loopback);
    assert.match(allowed.headers.get('access-control-expose-headers'), /upvest-request-id/);
    assert.equal(allowed.headers.get('vary'), 'origin');
    const preflight = await fetch(`${url}/account_groups`, { method: 'OPTIONS', headers: { origin: loopback, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), loopback);
    const noOrigin = await fetch(`${url}/account_groups`, { headers });
    assert.equal(noOrigin.status, 200, 'a process that is no page sends no origin');
    assert.equal(noOrigin.headers.get('access-control-allow-origin'), null, 'no CORS without an origin');
  } finally {
    mock.stop();
  }
});

test('in-process mock: the API answers pages on loopback origins only, as the binary does', async () => {
  const mock = await createMock();
  const refused = await mock.fetch(`${mock.url}/account_groups`, post('x', { origin: 'https://example.com' }));
  assert.equal(refused.status, 403);
  assert.deepEqual(mock.requests(), [], 'nothing refused was logged');
  const allowed = await mock.fetch(`${mock.url}/account_groups`, { headers: { ...headers, origin: 'http://127.0.0.1:8000' } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://127.0.0.1:8000');
});
