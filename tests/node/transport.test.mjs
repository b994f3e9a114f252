// What the transport itself guarantees, on each transport Node can use: undici's dispatcher
// (the default when neither fetch nor agent is given), node:http (with an `agent`) and Node's
// fetch (`fetch: globalThis.fetch`). A raw loopback server
// (node:net) that can close a kept-alive connection as a request arrives, never answer, or
// refuse; a loopback HTTPS server with a certificate made here (openssl, at run time). Each
// case runs once per transport, with the same assertions unless a line says otherwise.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from '../../pkg/node/index.mjs';
import { accountGroup } from './fixtures.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const groupId = '9d95820d-4333-46b6-98de-04ab7512e76f';
const group = accountGroup(groupId);
const body = JSON.stringify(group);
const ok = (extra = '') => `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nkeep-alive: timeout=60\r\n${extra}\r\n${body}`;

/**
 * A raw HTTP/1.1 server: every request's head is logged with the number of its connection and
 * its place on it, and handed to `state.handler(request, socket)`.
 */
async function rawServer() {
  const state = { requests: [], sockets: new Set(), connections: 0, handler: (request, socket) => socket.write(ok()) };
  const server = net.createServer((socket) => {
    state.sockets.add(socket);
    socket.on('close', () => state.sockets.delete(socket));
    socket.on('error', () => {});
    const connection = (state.connections += 1);
    let onConnection = 0;
    let text = '';
    socket.on('data', (data) => {
      text += data.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        const [line, ...lines] = text.slice(0, end).split('\r\n');
        const headers = Object.fromEntries(lines.map((h) => [h.slice(0, h.indexOf(':')).toLowerCase(), h.slice(h.indexOf(':') + 1).trim()]));
        const length = Number(headers['content-length'] ?? 0);
        if (text.length < end + 4 + length) return;
        text = text.slice(end + 4 + length);
        const [method, path] = line.split(' ');
        onConnection += 1;
        const request = { method, path, headers, connection, onConnection, closedAt: undefined };
        socket.on('close', () => (request.closedAt ??= performance.now()));
        state.requests.push(request);
        state.handler(request, socket);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.reset = (handler) => {
    for (const socket of state.sockets) socket.destroy();
    state.requests = [];
    state.handler = handler;
  };
  state.close = () => new Promise((resolve) => {
    for (const socket of state.sockets) socket.destroy();
    server.close(resolve);
  });
  return state;
}

let server;
let tls;
const certDir = mkdtempSync(join(tmpdir(), 'upvest-transport-'));

before(async () => {
  server = await rawServer();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(certDir, 'cert.pem'));
  const httpsServer = https.createServer({ key: readFileSync(join(certDir, 'key.pem')), cert }, (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
  tls = { url: `https://127.0.0.1:${httpsServer.address().port}`, cert, close: () => new Promise((resolve) => httpsServer.close(resolve)) };
  httpsServer.keepAliveTimeout = 100;
});

after(async () => {
  await Promise.all([server?.close(), tls?.close()]);
  rmSync(certDir, { recursive: true, force: true });
});

// node:http is the transport of a client given an `agent`: one for each protocol here.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
after(() => Object.values(agents).forEach((agent) => agent.destroy()));
const transports = {
  undici: () => ({}),
  'node:http': (baseUrl) => ({ agent: agents[new URL(baseUrl).protocol] }),
  fetch: () => ({ fetch: globalThis.fetch }),
};

for (const [name, transport] of Object.entries(transports)) {
  const client = (options = {}) => {
    const baseUrl = options.baseUrl ?? server.url;
    return new api.AccountGroups({ baseUrl, clientId, accessToken: 't', retryBaseDelayMs: 10, ...transport(baseUrl), ...options });
  };

  // The keep-alive race: the server closes an idle connection just as the next request goes out
  // on it. Here it closes the connection when that request arrives (the first on the connection
  // is answered and kept alive), which the client cannot tell from the race.
  const closesKeptAlive = (request, socket) => (request.onConnection === 1 ? socket.write(ok()) : socket.destroy());

  test(`${name}: the keep-alive race on a GET is retried, and the call succeeds`, async () => {
    server.reset(closesKeptAlive);
    const c = client();
    await c.get(groupId);
    const value = await c.get(groupId);
    assert.equal(value.id, groupId);
    // Two calls; the second, where it met the closed connection, sent once more.
    assert.ok(server.requests.length >= 2 && server.requests.length <= 4, `${server.requests.length} requests`);
  });

  test(`${name}: a create in the keep-alive race is sent again with the same idempotency key, so it makes one group`, async () => {
    server.reset((request, socket) => {
      if (request.method !== 'POST') return socket.write(ok());
      if (request.onConnection !== 1) return socket.destroy();
      const created = JSON.stringify({ ...group, id: '00000000-0000-4000-8000-000000000001' });
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${created.length}\r\nkeep-alive: timeout=60\r\n\r\n${created}`);
    });
    const c = client();
    await c.get(groupId);
    const created = await c.create({ user_id: group.users[0].id, type: 'PERSONAL' }, { idempotencyKey: '5f7c3f8e-3c44-4d2a-9a55-0d4c7e9b2a11' });
    assert.equal(created.id, '00000000-0000-4000-8000-000000000001');
    const posts = server.requests.filter((r) => r.method === 'POST');
    assert.equal(new Set(posts.map((p) => p.headers['idempotency-key'])).size, 1);
  });

  test(`${name}: a close that gets no answer is not sent again (the server may have begun it): NetworkError, one DELETE`, async () => {
    server.reset((request, socket) => (request.method === 'DELETE' ? socket.destroy() : socket.write(ok())));
    const c = client({ maxRetries: 3 });
    await c.get(groupId);
    const error = await c.close(groupId).catch((e) => e);
    assert.ok(error instanceof api.NetworkError, String(error));
    assert.equal(server.requests.filter((r) => r.method === 'DELETE').length, 1);
  });

  if (name === 'undici') {
    // undici's pool may send the next request on another of its connections, so the race is
    // met by sending until one request went out on a kept-alive connection.
    test(`${name}: with maxRetries 0, GETs and a create that meet a kept-alive connection closing are sent again on a fresh one`, async () => {
      server.reset(closesKeptAlive);
      const c = client({ maxRetries: 0 });
      for (let i = 0; i < 6; i += 1) assert.equal((await c.get(groupId)).id, groupId);
      const raced = server.requests.filter((r) => r.onConnection > 1);
      assert.ok(raced.length >= 1, 'a request went out on a kept-alive connection, which the server closed');
      assert.equal(server.requests.length, 6 + raced.length, 'each one that met it was sent once more');
      server.reset((request, socket) => (request.method === 'POST' && request.onConnection !== 1 ? socket.destroy() : socket.write(ok())));
      for (let i = 0; i < 4; i += 1) assert.equal((await c.create({ user_id: group.users[0].id, type: 'PERSONAL' })).id, groupId);
      const posts = server.requests.filter((r) => r.method === 'POST');
      assert.ok(posts.some((p) => p.onConnection > 1), 'a create met a kept-alive connection closing');
      const keys = new Set(posts.map((p) => p.headers['idempotency-key']));
      assert.equal(keys.size, 4, 'a create sent again kept its idempotency key');
    });
  }

  if (name === 'node:http') {
    // What node:http adds: the request is sent again at once, on a fresh connection, within the
    // attempt, so even with maxRetries 0 the call succeeds; a close (a POST without an
    // idempotency key, which the server may have received) is not sent again by the transport.
    // (A close is `DELETE /account_groups/{id}`.)
    test(`${name}: with maxRetries 0, a GET and a create in the race are sent again on a fresh connection; a close is not`, async () => {
      server.reset(closesKeptAlive);
      const c = client({ maxRetries: 0 });
      await c.get(groupId);
      assert.equal((await c.get(groupId)).id, groupId);
      const [stale, fresh] = server.requests.slice(-2);
      assert.deepEqual([stale.onConnection, fresh.onConnection], [2, 1], 'the second request met the closed connection, then went out on a new one');
      assert.notEqual(stale.connection, fresh.connection);
      server.reset((request, socket) => (request.method === 'POST' && request.onConnection !== 1 ? socket.destroy() : socket.write(ok())));
      await c.get(groupId);
      assert.equal((await c.create({ user_id: group.users[0].id, type: 'PERSONAL' })).id, groupId);
      const posts = server.requests.filter((r) => r.method === 'POST');
      assert.deepEqual(posts.map((p) => p.onConnection), [2, 1]);
      assert.equal(new Set(posts.map((p) => p.headers['idempotency-key'])).size, 1, 'the same idempotency key');
      server.reset((request, socket) => (request.method === 'DELETE' && request.onConnection !== 1 ? socket.destroy() : socket.write(ok())));
      await c.get(groupId);
      const error = await c.close(groupId).catch((e) => e);
      assert.ok(error instanceof api.NetworkError, String(error));
      assert.equal(error.code, 'ECONNRESET');
      assert.equal(server.requests.filter((r) => r.method === 'DELETE').length, 1, 'the close went out once');
    });
  }

  test(`${name}: a server that never answers: TimeoutError at timeoutMs, its socket closed then`, async () => {
    server.reset(() => {});
    const started = performance.now();
    const error = await client({ timeoutMs: 300 }).get(groupId).catch((e) => e);
    const ms = performance.now() - started;
    assert.ok(error instanceof api.TimeoutError, String(error));
    assert.equal(error.timeoutMs, 300);
    assert.ok(ms >= 290 && ms < 2000, `${ms} ms`);
    const closed = await waitFor(() => server.requests[0].closedAt);
    assert.ok(closed !== undefined && closed - started < 1500, 'the socket was closed at the limit');
  });

  test(`${name}: deadlineMs bounds a call whose attempts hang`, async () => {
    server.reset(() => {});
    const started = performance.now();
    const error = await client({ timeoutMs: 5000, deadlineMs: 400 }).get(groupId).catch((e) => e);
    assert.ok(error instanceof api.TimeoutError, String(error));
    assert.ok(performance.now() - started < 2000);
    assert.equal(server.requests.length, 1);
  });

  test(`${name}: the caller's signal ends a hung request at once, with its reason, and closes the socket`, async () => {
    server.reset(() => {});
    const controller = new AbortController();
    const call = client({ timeoutMs: 10_000 }).get(groupId, { signal: controller.signal });
    await waitFor(() => server.requests.length === 1 || undefined);
    const reason = new Error('stop');
    controller.abort(reason);
    assert.equal(await call.catch((e) => e), reason);
    assert.ok((await waitFor(() => server.requests[0].closedAt)) !== undefined, 'the socket was closed');
  });

  test(`${name}: connection refused is a NetworkError with its code`, async () => {
    const port = await new Promise((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address();
        probe.close(() => resolve(free));
      });
    });
    const error = await client({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 }).get(groupId).catch((e) => e);
    assert.ok(error instanceof api.NetworkError, String(error));
    assert.equal(error.code, 'ECONNREFUSED');
    assert.match(error.message, /ECONNREFUSED/);
  });

  test(`${name}: a certificate the platform does not trust is a NetworkError with the TLS code`, async () => {
    const error = await client({ baseUrl: tls.url, maxRetries: 0 }).get(groupId).catch((e) => e);
    assert.ok(error instanceof api.NetworkError, String(error));
    assert.equal(error.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });
}

test('node:http: the agent option: an https.Agent with the CA of a private server', async () => {
  const agent = new https.Agent({ ca: tls.cert, keepAlive: true });
  try {
    const value = await new api.AccountGroups({ baseUrl: tls.url, clientId, accessToken: 't', agent }).get(groupId);
    assert.equal(value.id, groupId);
  } finally {
    agent.destroy();
  }
});

test('the agent option is refused with a fetch, and when it is no Agent', () => {
  const agent = new https.Agent();
  const refused = (options) => {
    try {
      new api.AccountGroups({ clientId, accessToken: 't', ...options });
    } catch (error) {
      return error;
    }
    return undefined;
  };
  for (const [options, code] of [[{ agent, fetch: globalThis.fetch }, 'conflict'], [{ agent: {} }, 'type'], [{ agent: 'proxy' }, 'type']]) {
    const error = refused(options);
    assert.ok(error instanceof api.InvalidInputError, String(error));
    assert.equal(error.field, 'agent');
    assert.equal(error.code, code);
  }
  agent.destroy();
});

test('undici: an attempt makes no AbortController or AbortSignal', async () => {
  server.reset((request, socket) => socket.write(ok()));
  const c = new api.AccountGroups({ baseUrl: server.url, clientId, accessToken: 't' });
  await c.get(groupId);
  const made = { controllers: 0, timeouts: 0 };
  const { AbortController: Controller } = globalThis;
  const timeout = AbortSignal.timeout;
  globalThis.AbortController = class extends Controller {
    constructor() {
      super();
      made.controllers += 1;
    }
  };
  AbortSignal.timeout = (ms) => {
    made.timeouts += 1;
    return timeout.call(AbortSignal, ms);
  };
  try {
    for (let i = 0; i < 5; i += 1) await c.get(groupId);
  } finally {
    globalThis.AbortController = Controller;
    AbortSignal.timeout = timeout;
  }
  assert.deepEqual(made, { controllers: 0, timeouts: 0 });
});

/** Polls `check` every 10 ms for up to 3 s; its first value that is not undefined. */
async function waitFor(check) {
  for (let waited = 0; waited < 3000; waited += 10) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return undefined;
}
