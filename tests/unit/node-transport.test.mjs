// The Node transport (js/node-http.js) from its source, against a node:http server this test
// starts on 127.0.0.1 and stops: the time limit, maxResponseBytes counted as the bytes arrive
// (decoded), a body cut short a network failure, a 3xx reported and not followed, the caller's
// abort. Never rejects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { nodeDefaultExchange } from '../../js/node-dispatch.js';
import { nodeExchange } from '../../js/node-http.js';

/** What the server was asked, by path. */
const hits = new Map();
/** Bytes the endless route wrote before its socket closed. */
let endlessWritten = 0;

/** @type {Record<string, (request: http.IncomingMessage, response: http.ServerResponse) => void>} */
const routes = {
  '/echo': (request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      response.setHeader('x-many', ['a', 'b']);
      response.writeHead(200, { 'Content-Type': 'application/json', 'Upvest-Request-Id': 'r-echo', 'Retry-After': '2' });
      response.end(JSON.stringify({ method: request.method, headers: request.headers, body }));
    });
  },
  '/redirect': (_, response) => void response.writeHead(302, { location: '/echo' }).end(),
  '/hang': () => {},
  '/endless': (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const write = () => {
      while (!response.destroyed && response.write(chunk)) endlessWritten += chunk.length;
      if (!response.destroyed) response.once('drain', write);
    };
    write();
  },
  '/declared-large': (_, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
    response.write('{');
  },
  '/cut-short': (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    response.write('{"partial":');
    setTimeout(() => request.socket.destroy(), 5);
  },
  '/gzip': (_, response) => void response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(JSON.stringify({ pad: ' '.repeat(20_000) }))),
  '/unwanted': (_, response) => void response.writeHead(503, { 'content-type': 'text/html' }).end('<html>'.repeat(1000)),
};

let server;
let base;
let agent;

before(async () => {
  server = http.createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    routes[path](request, response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  agent = new http.Agent({ keepAlive: true });
});

after(() => {
  agent.destroy();
  server.closeAllConnections();
  server.close();
});

const wantsJson = (status, contentType) => contentType?.includes('json') ?? false;

// The two Node transports: node:http (a client given an `agent`), and undici's dispatcher (the
// default), loaded as the Node entry loads it.
const require = createRequire(import.meta.url);
const undiciExchange = nodeDefaultExchange(() => ({ Pool: require('undici/lib/dispatcher/pool.js'), Client: require('undici/lib/dispatcher/client.js') }));
const transports = {
  'node:http': (...args) => nodeExchange({ fetch: undefined, agent }, ...args),
  undici: (...args) => undiciExchange({ fetch: undefined, agent: undefined }, ...args),
};

for (const [name, exchange] of Object.entries(transports)) {
  /** One exchange to `path` with the usual arguments, less what `more` changes. */
  const attempt = (path, more = {}) => {
    const { timeoutMs = 2000, signal, maxBytes = 64 * 1024, method = 'POST', body = '{"a":1}', headers = ['authorization', 'Bearer t', 'idempotency-key', 'k1'] } = more;
    return exchange(method, `${base}${path}`, headers, body, timeoutMs, signal, maxBytes, wantsJson);
  };

  test(`${name}: the request as the transport sends it; the response's head, body and headers (repeated ones joined)`, async () => {
    const result = await attempt('/echo');
    assert.deepEqual([result.failure, result.status, result.requestId, result.contentType, result.retryAfter], ['', 200, 'r-echo', 'application/json', '2']);
    const echoed = JSON.parse(new TextDecoder().decode(result.body));
    assert.deepEqual([echoed.method, echoed.body, echoed.headers.authorization, echoed.headers['idempotency-key'], echoed.headers['accept-encoding']], ['POST', '{"a":1}', 'Bearer t', 'k1', 'gzip, deflate, br']);
    const headers = Object.fromEntries(result.headers.entries());
    assert.deepEqual([headers['x-many'], headers['upvest-request-id']], ['a, b', 'r-echo'], 'by lower-case name, repeated ones joined');
  });

  test(`${name}: a 3xx is reported, not followed`, async () => {
    hits.clear();
    const result = await attempt('/redirect', { method: 'GET', body: undefined });
    assert.deepEqual([result.failure, result.status, hits.get('/redirect'), hits.get('/echo')], ['', 302, 1, undefined]);
  });

  test(`${name}: the time limit: a server that never answers is a timeout after timeoutMs`, async () => {
    const started = performance.now();
    const result = await attempt('/hang', { timeoutMs: 80 });
    const took = performance.now() - started;
    assert.equal(result.failure, 'timeout');
    assert.ok(took >= 75 && took < 1000, `took ${took} ms`);
  });

  test(`${name}: maxResponseBytes: an endless body is too-large as it arrives, and its connection closed`, async () => {
    endlessWritten = 0;
    const result = await attempt('/endless', { maxBytes: 64 * 1024, timeoutMs: 5000 });
    assert.deepEqual([result.failure, result.status], ['too-large', 200]);
    // The server stops writing once its socket closes.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const written = endlessWritten;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(endlessWritten, written, 'nothing more is sent after the transport gave up');
  });

  test(`${name}: maxResponseBytes: a larger declared length is too-large at once; the limit counts decoded bytes`, async () => {
    const declared = await attempt('/declared-large', { maxBytes: 1000, timeoutMs: 5000 });
    assert.deepEqual([declared.failure, declared.status], ['too-large', 200]);
    // About 20 kB once decoded, much less on the wire.
    const inflated = await attempt('/gzip', { maxBytes: 10_000 });
    assert.equal(inflated.failure, 'too-large');
    const decoded = await attempt('/gzip', { maxBytes: 30_000 });
    assert.deepEqual([decoded.failure, JSON.parse(new TextDecoder().decode(decoded.body)).pad.length], ['', 20_000]);
  });

  test(`${name}: a body cut short is a network failure`, async () => {
    const result = await attempt('/cut-short');
    assert.deepEqual([result.failure, result.status], ['network', 200]);
    assert.ok(result.error instanceof Error, String(result.error));
  });

  test(`${name}: a body the core does not want is not read: empty, whatever it held`, async () => {
    const result = await attempt('/unwanted');
    assert.deepEqual([result.failure, result.status, result.body.length], ['', 503, 0]);
  });

  test(`${name}: the caller's abort: before the attempt nothing is sent; during it, 'aborted' with the caller's reason`, async () => {
    hits.clear();
    const before = await attempt('/hang', { signal: AbortSignal.abort('early') });
    assert.deepEqual([before.failure, before.error, hits.get('/hang')], ['aborted', 'early', undefined]);
    const controller = new AbortController();
    const during = attempt('/hang', { signal: controller.signal });
    setTimeout(() => controller.abort('late'), 20);
    const result = await during;
    assert.deepEqual([result.failure, result.error, hits.get('/hang')], ['aborted', 'late', 1]);
  });

  test(`${name}: a request the transport refuses to send (a header with a newline) is a network failure, nothing sent`, async () => {
    const result = await attempt('/echo', { headers: ['x-bad', 'a\nb'] });
    assert.equal(result.failure, 'network');
  });
}
