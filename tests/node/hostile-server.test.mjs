// Hostile servers: a loopback server written here (raw HTTP over node:net, so that it can lie
// about lengths, drip, flood and inflate) and one row per bad behaviour. Each row asserts the
// outcome (the error class and its fields), what the server saw (requests, offsets asked,
// connections closed), how long it took, and how far the process's RSS grew during the call
// (sampled every 10 ms after a GC). The memory rows run in a fresh process each (this file, run
// again with HOSTILE_SERVER_MEMORY_ROW set): in one process, memory an earlier row freed stays
// with the allocator and hides the next row's growth. Every loop here is bounded in count and
// time, and every server and timer is closed in `after` (or `finally`).
// Run: node --expose-gc --test tests/node/hostile-server.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { STATUS_CODES } from 'node:http';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { accountGroup } from './fixtures.mjs';
import vm from 'node:vm';
import zlib from 'node:zlib';

const MEMORY_ROW = process.env.HOSTILE_SERVER_MEMORY_ROW;
/** The package's wasm instances, seen as they are made (child mode only: for its memory size). */
const instances = [];
if (MEMORY_ROW) {
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = class extends Instance {
    constructor(module, imports) {
      super(module, imports);
      instances.push(this);
    }
  };
}
// Over undici (the default), or over node:http or fetch with UPVEST_TRANSPORT (tests/node/other-transports.test.mjs).
const api = await import((await import('./transport-package.mjs')).packageUrl);
const wasmMemoryBytes = () => instances.reduce((sum, instance) => sum + (instance.exports.memory?.buffer.byteLength ?? 0), 0);

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const groupId = '9d95820d-4333-46b6-98de-04ab7512e76f';
const MiB = 1024 * 1024;
/** The package's body limit (maxResponseBytes). */
const LIMIT = 16 * MiB;
/** What a too-large row may grow the process's RSS by: twice the limit, plus this much for the
 * test's own overhead (the in-process server's buffers, the RSS sampler, allocator slack). Twice
 * is the floor in Node: its fetch copies every chunk it reads (undici: `new Uint8Array(chunk)`),
 * so beside the 16 MiB the package holds, up to 16 MiB of socket buffers wait for a GC. */
const ALLOWANCE = 8 * MiB;
const RSS_BOUND = 2 * LIMIT + ALLOWANCE;
/** How long a memory row watches the process's CPU after the call ended, and the most it may
 * use meanwhile (timers, GC): work left running (inflating a bomb) takes a core. */
const AFTER_MS = 1000;
const CPU_AFTER_MS = 200;

// `npm test` runs this file without --expose-gc; the flag can still be turned on from here.
if (typeof globalThis.gc !== 'function') v8.setFlagsFromString('--expose-gc');
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : vm.runInNewContext('gc');

/** Timers and intervals the servers start, all cleared in `after`. */
const timers = new Set();
const later = (fn, ms) => {
  const timer = setTimeout(() => {
    timers.delete(timer);
    fn();
  }, ms);
  timers.add(timer);
  return timer;
};
const pause = (ms) => new Promise((resolve) => later(resolve, ms));

const group = (id = groupId, extra = {}) => accountGroup(id, extra);
const idAt = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A response's head, raw: every response closes its connection, so none is reused. */
function head(status, headers = {}) {
  const lines = Object.entries({ connection: 'close', ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Whatever'}\r\n${lines.join('')}\r\n`;
}
function respond(socket, status, headers, body = '') {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  socket.write(head(status, { 'content-length': bytes.length, ...headers }));
  socket.end(bytes);
}
const problem = (socket, status, headers = {}) =>
  respond(socket, status, { 'content-type': 'application/problem+json', ...headers }, JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status], status }));
const json = (socket, value, headers = {}) => respond(socket, 200, { 'content-type': 'application/json', ...headers }, JSON.stringify(value));

/**
 * A raw HTTP/1.1 server on `host`: it reads a request's head, logs it, and hands the socket to
 * `server.handler(request, socket)`. Sockets that close are noted on their request.
 */
async function rawServer(host) {
  const state = { handler: (request, socket) => problem(socket, 404), requests: [], sockets: new Set(), url: '' };
  const server = net.createServer((socket) => {
    state.sockets.add(socket);
    socket.on('error', () => {});
    let text = '';
    const onData = (data) => {
      text += data.toString('latin1');
      if (text.length > 65_536) return socket.destroy();
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.resume();
      const [line, ...lines] = text.slice(0, end).split('\r\n');
      const [method, target] = line.split(' ');
      const url = new URL(target, 'http://server.invalid');
      const headers = {};
      for (const header of lines) headers[header.slice(0, header.indexOf(':')).trim().toLowerCase()] = header.slice(header.indexOf(':') + 1).trim();
      const request = { method, path: url.pathname, query: url.searchParams, headers, at: performance.now(), closedAt: undefined };
      socket.on('close', () => {
        request.closedAt = performance.now();
      });
      state.requests.push(request);
      try {
        state.handler(request, socket);
      } catch (error) {
        socket.destroy(error);
      }
    };
    socket.on('data', onData);
    socket.on('close', () => state.sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  state.url = `http://${host}:${server.address().port}`;
  state.close = () =>
    new Promise((resolve) => {
      for (const socket of state.sockets) socket.destroy();
      server.close(() => resolve());
    });
  /** Starts a row: its handler, and an empty log. */
  state.serve = (handler) => {
    state.handler = handler;
    state.requests = [];
    for (const socket of state.sockets) socket.destroy();
  };
  return state;
}

/** Waits (bounded) until `predicate` holds; returns whether it did. */
async function until(predicate, ms = 3000) {
  const deadline = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > deadline) return false;
    await pause(10);
  }
  return true;
}

/**
 * Runs `call` and measures it: what it resolved or rejected with, its duration, and the peak
 * growth of RSS over the RSS right after a full GC, sampled every 10 ms and once at the end.
 */
async function measured(call) {
  gc();
  await pause(20);
  gc();
  const base = process.memoryUsage.rss();
  const { arrayBuffers } = process.memoryUsage();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  timers.add(sampler);
  const started = performance.now();
  let outcome;
  try {
    outcome = { value: await call() };
  } catch (error) {
    outcome = { error };
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  timers.delete(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ...outcome, ms, base, growth: peak - base, arrayBuffers };
}

const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
/** The figures each row reports, for the README's table. */
const figures = [];
function report(t, row, outcome, requests, { ms, growth }, note = '') {
  figures.push({ row, outcome, requests, ms, growth });
  t.diagnostic(`hostile-server: ${row}: ${outcome}; ${requests} request(s); ${Math.round(ms)} ms; peak RSS growth ${mib(growth)}${note ? `; ${note}` : ''}`);
}
const describe = (error) => (error === undefined ? 'resolved' : `${error?.name}${error?.status !== undefined ? ` ${error.status}` : ''}: ${error?.message}`);

const clientOf = (url, options = {}) => new api.AccountGroups({ baseUrl: url, clientId, accessToken: 't', retryBaseDelayMs: 10, ...options });

/**
 * Warm-up, so that rows measure only themselves: the first calls load what every call uses
 * (Node's fetch, the package's wasm), and make V8 compile Node's HTTP parser (undici's llhttp,
 * itself wasm) with its optimising compiler, in the background, at a transient cost of ~24 MB
 * of RSS. Then it waits (at most 15 s, for a busy machine) until RSS has been still for 600 ms.
 */
async function warmUp(target) {
  target.serve((request, socket) => json(socket, group()));
  for (let i = 0; i < 20; i += 1) await clientOf(target.url).get(groupId);
  let still = 0;
  let last = process.memoryUsage.rss();
  for (let waited = 0; waited < 15_000 && still < 600; waited += 50) {
    await pause(50);
    const now = process.memoryUsage.rss();
    still = Math.abs(now - last) < MiB / 2 ? still + 50 : 0;
    last = now;
  }
}

/** A gzip body that inflates to 1 GiB of zeros: one 64 MiB member, sixteen times (RFC 1952
 * allows a gzip file to be several members; ~1 MB in all). */
async function gzipBomb() {
  const gzip = zlib.createGzip();
  const parts = [];
  gzip.on('data', (part) => parts.push(part));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < 64; i += 1) if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  gzip.end();
  await ended;
  const member = Buffer.concat(parts);
  return Buffer.concat(Array.from({ length: 16 }, () => member));
}

/** The memory rows, each run in a fresh process: the server's behaviour, given the row's
 * counters (`written`: body bytes the server wrote), and the call's options. */
const memoryRows = {
  endless: {
    options: { timeoutMs: 30_000 },
    handler: (counters) => (request, socket) => {
      socket.write(head(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }));
      const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(65_536, 0x20), Buffer.from('\r\n')]);
      // "Forever", bounded: at most 4 GiB, as fast as the socket drains.
      const pump = () => {
        while (!socket.destroyed && counters.written < 4 * 1024 * MiB) {
          counters.written += 65_536;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    },
  },
  bomb: {
    options: { timeoutMs: 30_000 },
    prepare: async (counters) => {
      counters.bomb = await gzipBomb();
    },
    handler: (counters) => (request, socket) => {
      socket.write(head(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': counters.bomb.length }));
      counters.written = counters.bomb.length;
      socket.end(counters.bomb);
    },
  },
  // Not hostile, the edge: a valid group of exactly 16 MiB (the limit is inclusive).
  'at-limit': {
    options: { timeoutMs: 30_000 },
    handler: (counters) => (request, socket) => {
      const text = JSON.stringify(group(groupId, { padding: '' }));
      const body = Buffer.alloc(LIMIT, 0x61);
      const at = text.indexOf('"padding":"') + '"padding":"'.length;
      body.write(text.slice(0, at), 0, 'latin1');
      body.write(text.slice(at), LIMIT - (text.length - at), 'latin1');
      counters.written = body.length;
      respond(socket, 200, { 'content-type': 'application/json' }, body);
    },
  },
};

/** Child mode: runs one memory row in this fresh process and prints what happened as JSON. */
async function memoryChild(name) {
  const row = memoryRows[name];
  const target = await rawServer('127.0.0.1');
  const counters = { written: 0 };
  let result;
  try {
    await row.prepare?.(counters);
    await warmUp(target);
    target.serve(row.handler(counters));
    const wasmBefore = wasmMemoryBytes();
    const run = await measured(() => clientOf(target.url, row.options).get(groupId));
    const closed = await until(() => target.requests.every((r) => r.closedAt !== undefined));
    const writtenWhenClosed = counters.written;
    await pause(50);
    // The call's work ends with it: a decoder left running goes on inflating the rest of a bomb
    // (on the libuv pool's threads, which the process's CPU time counts).
    const cpuAtEnd = process.cpuUsage();
    await pause(AFTER_MS);
    const cpuAfter = process.cpuUsage(cpuAtEnd);
    const writtenAfterClose = counters.written - writtenWhenClosed;
    const value = run.value === undefined ? undefined : { id: run.value.id, paddingLength: run.value.padding?.length };
    delete run.value;
    gc();
    await pause(20);
    gc();
    const retained = process.memoryUsage.rss() - run.base;
    // Exact, where RSS is not: whether any of the body's bytes are still held after a GC.
    const keptArrayBuffers = process.memoryUsage().arrayBuffers - run.arrayBuffers;
    const requests = target.requests.length;
    // The same again in the same process: what the first call kept is reused, not added to.
    target.requests = [];
    const again = await measured(() => clientOf(target.url, row.options).get(groupId));
    await until(() => target.requests.every((r) => r.closedAt !== undefined));
    const { error } = run;
    result = {
      error: error && { name: error.name, code: error.code, status: error.status, message: error.message, isResponseError: error instanceof api.ResponseError },
      value,
      ms: run.ms,
      growth: run.growth,
      retained,
      keptArrayBuffers,
      cpuAfterMs: (cpuAfter.user + cpuAfter.system) / 1000,
      secondOverFirst: again.base + again.growth - (run.base + run.growth),
      secondSame: (again.error?.message ?? again.value?.id) === (error?.message ?? value?.id) && target.requests.length === requests,
      requests,
      secondRequests: target.requests.length,
      closed,
      written: writtenWhenClosed,
      writtenAfterClose,
      wasmBefore,
      wasmAfter: wasmMemoryBytes(),
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await target.close();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (MEMORY_ROW) {
  await memoryChild(MEMORY_ROW);
  process.exit(0);
}

/** Runs a memory row in a fresh process (this file in child mode), at most 30 s. */
function inFreshProcess(row) {
  const env = { ...process.env, HOSTILE_SERVER_MEMORY_ROW: row };
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], { env, timeout: 30_000, maxBuffer: MiB }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the ${row} row's process failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
    });
  });
}

let server;
let thief;

before(async () => {
  server = await rawServer('127.0.0.1');
  // Another host for redirects: 127.0.0.2 where the OS routes all of 127/8 to loopback (Linux),
  // else another port on 127.0.0.1 (another origin all the same).
  thief = await rawServer('127.0.0.2').catch(() => rawServer('127.0.0.1'));
  thief.serve((request, socket) => json(socket, group()));
  await warmUp(server);
});

after(async () => {
  for (const timer of timers) {
    clearTimeout(timer);
    clearInterval(timer);
  }
  await Promise.all([server?.close(), thief?.close()]);
});

const client = (options = {}) => clientOf(server.url, options);

test('1. a body dripping a byte a second: TimeoutError after timeoutMs, one request', async (t) => {
  server.serve((request, socket) => {
    socket.write(head(200, { 'content-type': 'application/json', 'content-length': 1000 }));
    let sent = 0;
    const drip = () => {
      if (socket.destroyed || sent >= 30) return;
      sent += 1;
      socket.write(' ');
      later(drip, 1000);
    };
    drip();
  });
  const run = await measured(() => client({ timeoutMs: 1500 }).get(groupId));
  assert.ok(run.error instanceof api.TimeoutError, describe(run.error));
  assert.equal(run.error.timeoutMs, 1500);
  assert.ok(run.ms >= 1450 && run.ms < 5000, `took ${run.ms} ms`);
  assert.equal(server.requests.length, 1, 'a timeout is not retried');
  assert.ok(await until(() => server.requests[0].closedAt !== undefined), 'the client closed the connection');
  report(t, 'drip', describe(run.error), server.requests.length, run);
});

/** Asserts a memory row's outcome was the too-large ResponseError, one request, connection closed. */
function assertTooLarge(row) {
  assert.equal(row.error?.name, 'ResponseError', JSON.stringify(row));
  assert.ok(row.error.isResponseError);
  assert.equal(row.error.status, 200);
  assert.equal(row.error.code, 'too-large');
  assert.match(row.error.message, /larger than 16777216 bytes \(maxResponseBytes\)/);
  assert.ok(row.ms < 5000, `failed after ${row.ms} ms, well before timeoutMs (30 s)`);
  assert.equal(row.requests, 1, 'too large is not retried');
  assert.ok(row.closed, 'the server saw the connection closed');
  assert.ok(row.growth < RSS_BOUND, `peak RSS growth ${mib(row.growth)} < ${mib(RSS_BOUND)}`);
  assert.ok(row.secondSame, 'a second call ends the same way');
  assert.ok(row.cpuAfterMs < CPU_AFTER_MS, `the process used ${row.cpuAfterMs} ms of CPU in ${AFTER_MS} ms once the call had ended and its connection closed`);
  // Nothing of the body outlives the call: counted exactly in ArrayBuffers, as RSS does not shrink.
  assert.ok(row.keptArrayBuffers < MiB, `after the call and a GC, ${mib(row.keptArrayBuffers)} more is held in ArrayBuffers`);
  // A second call reuses what the first freed: its peak is less than a body over the first's (a
  // body kept by the first call, or a decoder still inflating, added 16–21 MiB). Not their sum
  // against RSS_BOUND: RSS keeps the first call's high-water mark, and GC timing on a busy
  // machine moved the sum past the bound over fetch (41.6 MiB once in CI).
  assert.ok(row.secondOverFirst < LIMIT, `a second call's peak RSS is ${mib(row.secondOverFirst)} over the first's`);
}
const memoryNote = (row) =>
  `bound ${mib(RSS_BOUND)} (2 × 16 MiB + ${mib(ALLOWANCE)} allowance), measured in a fresh process; RSS kept after GC ${mib(row.retained)} (ArrayBuffers ${mib(row.keptArrayBuffers)}), a second call's peak ${mib(row.secondOverFirst)} over the first's; CPU ${Math.round(row.cpuAfterMs)} ms in the ${AFTER_MS} ms after the call; wasm memory ${mib(row.wasmBefore)} → ${mib(row.wasmAfter)}`;
const describeRow = (row) => (row.error ? `${row.error.name} ${row.error.status}: ${row.error.message}` : 'resolved');

test('2. an endless chunked body: ResponseError (larger than 16 MiB) in seconds, RSS bounded, connection closed', async (t) => {
  const row = await inFreshProcess('endless');
  assertTooLarge(row);
  assert.equal(row.writtenAfterClose, 0, 'nothing more is written after the close');
  report(t, 'endless chunked body', describeRow(row), row.requests, row, `${memoryNote(row)}; the server wrote ${mib(row.written)} before the close`);
});

test('3. a gzip bomb (1 MB inflating to 1 GiB): ResponseError (larger than 16 MiB), RSS bounded', async (t) => {
  const row = await inFreshProcess('bomb');
  assertTooLarge(row);
  report(t, 'gzip bomb', describeRow(row), row.requests, row, `${memoryNote(row)}; ${mib(row.written)} compressed`);
});

test('3b. the edge: a valid group of exactly 16 MiB is taken, one request; wasm memory grows by one body at most', async (t) => {
  const row = await inFreshProcess('at-limit');
  assert.equal(row.error, undefined, describeRow(row));
  assert.equal(row.value.id, groupId);
  assert.equal(row.requests, 1);
  assert.equal(row.value.paddingLength, LIMIT - JSON.stringify(group(groupId, { padding: '' })).length);
  assert.ok(row.secondSame, 'a second call ends the same way');
  // The body is copied into the wasm memory to be checked, and that memory never shrinks; but it
  // holds one body at a time, so two such calls grow it by one body, not two.
  assert.ok(row.wasmAfter - row.wasmBefore <= LIMIT + 4 * MiB, `wasm memory ${mib(row.wasmBefore)} → ${mib(row.wasmAfter)}`);
  report(t, 'a valid 16 MiB group (the limit)', 'resolved', row.requests, row, memoryNote(row).replace(/^bound [^,]*, /, ''));
});

test('4a. content-length: 10 with a longer body: the first 10 bytes are the body, a ResponseError', async (t) => {
  server.serve((request, socket) => {
    const body = JSON.stringify(group());
    socket.write(head(200, { 'content-type': 'application/json', 'content-length': 10 }));
    socket.end(body);
  });
  const run = await measured(() => client({ timeoutMs: 5000 }).get(groupId));
  assert.ok(run.error instanceof api.ResponseError, describe(run.error));
  assert.equal(run.error.status, 200);
  assert.match(run.error.message, /not valid JSON/);
  assert.equal(server.requests.length, 1);
  assert.ok(run.ms < 4000, `took ${run.ms} ms`);
  report(t, 'content-length 10, longer body', describe(run.error), server.requests.length, run);
});

test('4b. content-length: 100000 with a 10-byte body, then close: a NetworkError, retried as one', async (t) => {
  server.serve((request, socket) => {
    socket.write(head(200, { 'content-type': 'application/json', 'content-length': 100_000 }));
    socket.end('{"id":"9d9');
  });
  const run = await measured(() => client({ timeoutMs: 5000, maxRetries: 2 }).get(groupId));
  assert.ok(run.error instanceof api.NetworkError, describe(run.error));
  assert.ok(run.error.cause !== undefined, 'the platform error is its cause');
  assert.equal(server.requests.length, 3, 'a body cut short is a network error, tried maxRetries + 1 times');
  assert.ok(run.ms < 4000, `took ${run.ms} ms`);
  report(t, 'content-length 100000, 10-byte body, close', describe(run.error), server.requests.length, run);
});

test('4d. maxResponseBytes sets the limit: a 4 KiB body over a 2 KiB limit is too large', async (t) => {
  server.serve((request, socket) => json(socket, { ...group(), padding: 'x'.repeat(4096) }));
  const run = await measured(() => client({ maxResponseBytes: 2048 }).get(groupId));
  assert.ok(run.error instanceof api.ResponseError, describe(run.error));
  assert.equal(run.error.code, 'too-large');
  assert.match(run.error.message, /larger than 2048 bytes/);
  const bad = await measured(() => Promise.resolve().then(() => client({ maxResponseBytes: 10 })));
  assert.ok(bad.error instanceof api.InvalidInputError && bad.error.field === 'maxResponseBytes' && bad.error.code === 'range', describe(bad.error));
  report(t, 'maxResponseBytes 2048, a 4 KiB body', describe(run.error), server.requests.length, run);
});

test('4c. content-length of 1 GiB: refused before reading, one request', async (t) => {
  server.serve((request, socket) => {
    socket.write(head(200, { 'content-type': 'application/json', 'content-length': 1024 * MiB }));
  });
  const run = await measured(() => client({ timeoutMs: 30_000 }).get(groupId));
  assert.ok(run.error instanceof api.ResponseError, describe(run.error));
  assert.equal(run.error.status, 200);
  assert.equal(run.error.code, 'too-large');
  assert.match(run.error.message, /larger than 16777216 bytes \(maxResponseBytes\)/);
  assert.ok(run.ms < 4000, `took ${run.ms} ms: nothing was waited for`);
  assert.equal(server.requests.length, 1);
  assert.ok(await until(() => server.requests[0].closedAt !== undefined), 'the client closed the connection');
  report(t, 'content-length 1 GiB, nothing sent', describe(run.error), server.requests.length, run);
});

test('5. redirects to another host: ResponseError with the 3xx status, the other host sees nothing', async (t) => {
  let last;
  for (const status of [301, 302, 303, 307, 308]) {
    server.serve((request, socket) => respond(socket, status, { location: `${thief.url}/steal` }));
    const run = await measured(() => client({ timeoutMs: 5000 }).get(groupId));
    assert.ok(run.error instanceof api.ResponseError, `${status}: ${describe(run.error)}`);
    assert.equal(run.error.status, status);
    assert.match(run.error.message, /redirects are not followed/);
    assert.equal(server.requests.length, 1, `${status}: one request`);
    last = run;
  }
  await pause(100);
  assert.equal(thief.requests.length, 0, `${thief.url} saw no request, so no credentials`);
  report(t, 'redirect to another host', describe(last.error), 1, last, `301, 302, 303, 307 and 308 alike; ${thief.url} saw ${thief.requests.length} requests`);
});

/**
 * Iterates with at most `cap` items taken (so that a package that loops forever fails this row
 * instead of hanging it); returns the ids yielded and what the iteration ended with.
 */
async function iterateBounded(c, query, cap = 50) {
  const ids = [];
  let error;
  try {
    for await (const item of c.iterate(query)) {
      ids.push(item.id);
      if (ids.length >= cap) break;
    }
  } catch (e) {
    error = e;
  }
  return { ids, error };
}

const page = (offset, limit, items, total) => ({ meta: { offset, limit, count: items.length, total_count: total }, data: items });

/** Iterates the server's pages with `pageSize` and asserts what every paging row asserts: the
 * iteration ended with a ResponseError, after at most `maxPages` pages, no group id yielded
 * twice. Returns the run, the error and the offsets asked, for the row's own checks. */
async function refusedIteration(t, pageSize, maxPages) {
  const run = await measured(() => iterateBounded(client({ timeoutMs: 5000 }), { pageSize }));
  const { ids, error } = run.value;
  const offsets = server.requests.map((r) => Number(r.query.get('offset')));
  t.diagnostic(`hostile-server: offsets asked ${JSON.stringify(offsets)}; ids yielded ${ids.length} (${new Set(ids).size} distinct); ended with ${describe(error)}`);
  assert.ok(error instanceof api.ResponseError, `ended with ${describe(error)} after ${ids.length} items`);
  assert.ok(server.requests.length <= maxPages, `${server.requests.length} pages asked`);
  assert.equal(new Set(ids).size, ids.length, 'no group id yielded twice');
  return { run, ids, error, offsets };
}

// The paging rules: each page starts ten groups before the end of the previous one; a page whose
// meta.offset differs from the one asked for, or that holds fewer groups than asked for while its
// total_count says more, is a ResponseError, and so is a list whose unread part does not shrink
// for four pages; no group is yielded twice.

test('6a. every page claims offset 0, count 1, total_count 1e15: ResponseError, ≤ 3 pages, no id twice', async (t) => {
  server.serve((request, socket) => json(socket, page(0, 1, [group(idAt(Number(request.query.get('offset'))))], 1e15)));
  const { run, error, offsets } = await refusedIteration(t, 1, 3);
  report(t, 'iterate: offset always 0, total_count 1e15', describe(error), server.requests.length, run, `offsets ${JSON.stringify(offsets)}`);
});

test('6b. pages whose offset goes backwards (each repeats the previous page): ResponseError, no id twice', async (t) => {
  const size = 2;
  server.serve((request, socket) => {
    const asked = Number(request.query.get('offset'));
    const offset = Math.max(0, asked - size);
    json(socket, page(offset, size, [group(idAt(offset)), group(idAt(offset + 1))], 10));
  });
  const { run, error, offsets } = await refusedIteration(t, size, Math.ceil(10 / size) + 1);
  report(t, 'iterate: offset goes backwards', describe(error), server.requests.length, run, `offsets ${JSON.stringify(offsets)}`);
});

test('6c. a list that grows by a page with every page (full pages, total_count = their end + 10): ResponseError after 5 pages, no id twice', async (t) => {
  const size = 2;
  server.serve((request, socket) => {
    const offset = Number(request.query.get('offset'));
    const limit = Number(request.query.get('limit'));
    const items = Array.from({ length: limit }, (_, i) => group(idAt(offset + i)));
    json(socket, page(offset, limit, items, offset + limit + 10));
  });
  const { run, ids, error, offsets } = await refusedIteration(t, size, Math.ceil(10 / size) + 1);
  assert.match(error.message, /did not shrink as it was read for 4 pages/);
  report(t, 'iterate: total_count grows with every page', describe(error), server.requests.length, run, `offsets ${JSON.stringify(offsets)}; ${ids.length} groups yielded first`);
});

test('7. Retry-After in every odd form on 503s: each wait within [0, maxRetryDelayMs], maxRetries + 1 tries, then ProblemError 503', async (t) => {
  const maxRetries = 2;
  const maxRetryDelayMs = 200;
  // Wall time between two requests is the wait plus a response, a judgement and a connection:
  // a few ms, hundreds on a busy machine. Below 800 ms, so that an uncapped wait of even one
  // second is still caught.
  const slack = 700;
  const farFuture = new Date(Date.now() + 365 * 86_400_000).toUTCString();
  const forms = ['0', '-1', '1.5', 'soon', new Date(Date.now() - 3_600_000).toUTCString(), farFuture, '99999999999999999999', ''];
  let requests = 0;
  let slowest = 0;
  const waits = {};
  const started = performance.now();
  for (const value of forms) {
    server.serve((request, socket) => problem(socket, 503, { 'retry-after': value }));
    const c = client({ maxRetries, maxRetryDelayMs, retryBaseDelayMs: 50, timeoutMs: 5000 });
    const run = await measured(() => c.get(groupId));
    const label = JSON.stringify(value);
    assert.ok(run.error instanceof api.ProblemError, `${label}: ${describe(run.error)}`);
    assert.equal(run.error.status, 503);
    assert.equal(server.requests.length, maxRetries + 1, `${label}: maxRetries + 1 tries`);
    const gaps = server.requests.slice(1).map((r, i) => Math.round(r.at - server.requests[i].at));
    waits[value] = gaps;
    for (const gap of gaps) {
      assert.ok(gap >= 0 && gap <= maxRetryDelayMs + slack, `${label}: waited ${gap} ms`);
      if (value === farFuture) assert.ok(gap >= maxRetryDelayMs - 5, `${label}: a far date waits the cap, not ${gap} ms`);
    }
    requests += server.requests.length;
    slowest = Math.max(slowest, run.growth);
  }
  t.diagnostic(`hostile-server: Retry-After waits between tries (ms) ${JSON.stringify(waits)}`);
  report(t, 'Retry-After odd forms (8 values)', 'ProblemError 503 each', `${maxRetries + 1} each, ${requests}`, { ms: performance.now() - started, growth: slowest });
});

test('8. a 429 storm (Retry-After 0): exactly maxRetries + 1 requests, then ProblemError 429', async (t) => {
  server.serve((request, socket) => problem(socket, 429, { 'retry-after': '0' }));
  const run = await measured(() => client({ maxRetries: 4, timeoutMs: 5000 }).get(groupId));
  assert.ok(run.error instanceof api.ProblemError, describe(run.error));
  assert.equal(run.error.status, 429);
  assert.equal(server.requests.length, 5);
  await pause(50);
  assert.equal(server.requests.length, 5, 'nothing after the error');
  report(t, '429 storm, Retry-After 0 (maxRetries 4)', describe(run.error), server.requests.length, run);
});

test('9. a 401 loop with a token provider: asked twice, two requests, then ProblemError 401', async (t) => {
  server.serve((request, socket) => problem(socket, 401));
  let asked = 0;
  const tokenProvider = async () => `tok-${(asked += 1)}`;
  const run = await measured(() => client({ accessToken: undefined, tokenProvider, maxRetries: 3, timeoutMs: 5000 }).get(groupId));
  assert.ok(run.error instanceof api.ProblemError, describe(run.error));
  assert.equal(run.error.status, 401);
  assert.equal(asked, 2, 'the provider is asked once, and once more after the 401');
  assert.deepEqual(server.requests.map((r) => r.headers.authorization), ['Bearer tok-1', 'Bearer tok-2']);
  report(t, '401 loop with a token provider', describe(run.error), server.requests.length, run, `provider asked ${asked} times`);
});

test('10. JSON nested 100,000 deep: a ResponseError, no stack overflow, one request', async (t) => {
  const depth = 100_000;
  server.serve((request, socket) => respond(socket, 200, { 'content-type': 'application/json' }, '['.repeat(depth) + ']'.repeat(depth)));
  const run = await measured(() => client({ timeoutMs: 5000 }).get(groupId));
  assert.ok(run.error instanceof api.ResponseError, describe(run.error));
  assert.equal(run.error.status, 200);
  assert.equal(server.requests.length, 1);
  // The same nesting inside an object the contract would otherwise take.
  server.serve((request, socket) => respond(socket, 200, { 'content-type': 'application/json' }, `${JSON.stringify(group()).slice(0, -1)},"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`));
  const nested = await measured(() => client({ timeoutMs: 5000 }).get(groupId));
  assert.ok(nested.error instanceof api.ResponseError, describe(nested.error));
  assert.equal(server.requests.length, 1);
  report(t, 'JSON nested 100,000 deep', `${describe(run.error)}; inside a group: ${describe(nested.error)}`, 1, run);
});

test('11. invalid UTF-8 in a JSON string: the group, with U+FFFD where the bytes were', async (t) => {
  const text = JSON.stringify(group(groupId, { nickname: 'AB' }));
  const at = text.indexOf('AB');
  const body = Buffer.concat([Buffer.from(text.slice(0, at + 1)), Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(at + 1))]);
  server.serve((request, socket) => respond(socket, 200, { 'content-type': 'application/json' }, body));
  const run = await measured(() => client({ timeoutMs: 5000 }).get(groupId));
  assert.equal(server.requests.length, 1);
  // What the package does (a ResponseError would be as fine; a crash or a throw of another
  // class would not): the bytes are decoded as the platform's TextDecoder does, each to U+FFFD.
  assert.equal(run.error, undefined, describe(run.error));
  assert.equal(run.value.id, groupId);
  assert.equal(run.value.nickname, 'A\uFFFD\uFFFDB');
  // In a field the contract checks: the id is then no UUID, a ResponseError.
  const broken = Buffer.from(JSON.stringify(group()));
  broken[broken.indexOf('9d95')] = 0xff;
  server.serve((request, socket) => respond(socket, 200, { 'content-type': 'application/json' }, broken));
  const inId = await measured(() => client({ timeoutMs: 5000 }).get(groupId));
  assert.ok(inId.error instanceof api.ResponseError, describe(inId.error));
  assert.match(inId.error.message, /id must be a UUID/);
  report(t, 'invalid UTF-8 in a JSON string', `${run.error ? describe(run.error) : `resolved, nickname ${JSON.stringify(run.value.nickname)}`}; in the id: ${describe(inId.error)}`, 1, run);
});

// A body the package will not use (a 202's; an error status's that is not JSON) is cancelled
// unread, so that it cannot turn an accepted close or a retryable 503 into a TimeoutError or a
// ResponseError.
test('12. a 503 (text/html) declaring a 1 GiB body: still a 503, retried, then ProblemError 503', async (t) => {
  server.serve((request, socket) => socket.write(head(503, { 'content-type': 'text/html', 'content-length': 1024 * MiB })));
  const run = await measured(() => client({ maxRetries: 2, timeoutMs: 5000 }).get(groupId));
  t.diagnostic(`hostile-server: 503 declaring 1 GiB: ${describe(run.error)}; ${server.requests.length} request(s)`);
  assert.ok(run.error instanceof api.ProblemError, describe(run.error));
  assert.equal(run.error.status, 503);
  assert.equal(server.requests.length, 3);
});

test('13. a 202 to close whose body never ends: the close resolves with { status: 202 }', async (t) => {
  server.serve((request, socket) => socket.write(head(202, { 'content-length': 1000, 'upvest-request-id': 'r-202' })));
  // The body is never read: the close resolves at once, long before a 5 s time limit.
  const run = await measured(() => client({ timeoutMs: 5000 }).close(groupId));
  t.diagnostic(`hostile-server: 202 with an endless body: ${describe(run.error)}; ${server.requests.length} request(s); ${Math.round(run.ms)} ms`);
  assert.equal(run.error, undefined, describe(run.error));
  assert.deepEqual(run.value, { status: 202, requestId: 'r-202' });
  assert.equal(server.requests.length, 1);
});

test('afterwards, a normal call still works in the same process', async (t) => {
  server.serve((request, socket) => {
    if (request.path !== '/account_groups') return json(socket, group(), { 'upvest-request-id': 'r-happy' });
    const offset = Number(request.query.get('offset'));
    const limit = Number(request.query.get('limit'));
    const items = Array.from({ length: limit }, (_, i) => offset + i).filter((n) => n < 3).map((n) => group(idAt(n)));
    json(socket, page(offset, limit, items, 3));
  });
  const run = await measured(() => client({ timeoutMs: 5000 }).get(groupId));
  assert.equal(run.error, undefined, describe(run.error));
  assert.deepEqual(run.value, group());
  assert.deepEqual(run.value.lastResponse, { status: 200, requestId: 'r-happy' });
  assert.equal(server.requests.length, 1);
  assert.equal(server.requests[0].path, `/account_groups/${groupId}`);
  const ids = [];
  for await (const item of client().iterate({ pageSize: 2 })) ids.push(item.id);
  assert.deepEqual(ids, [idAt(0), idAt(1), idAt(2)]);
  t.diagnostic(`hostile-server: table ${JSON.stringify(figures.map((f) => [f.row, f.outcome, f.requests, Math.round(f.ms), mib(f.growth)]))}`);
});
