// upvest-mock as a server that survives: time limits on silent connections, a cap on connections,
// a back-off when file descriptors run out, a 413 for large bodies, and the bounded request log,
// idempotency keys and store. Each test starts the mock it needs and stops it by PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { mockBinary, startMock } from '../../scripts/with-mock.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const userId = '413715f2-5401-4b97-8055-034a6b879f8c';
const headers = { authorization: 'Bearer any-token', 'upvest-client-id': clientId, accept: 'application/json' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function withMock(flags, body, options) {
  const mock = await startMock(flags, options);
  try {
    await body(mock.url, mock.process.pid);
  } finally {
    mock.stop();
  }
}

const create = (url, { key = crypto.randomUUID(), type = 'PERSONAL' } = {}) =>
  fetch(`${url}/account_groups`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ user_id: userId, type }),
  });
const stats = async (url) => (await fetch(`${url}/__mock/stats`)).json();

/** A raw connection to the mock; `closed` resolves with the ms from connecting to the mock closing it. */
function connect(url) {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port) });
  const started = Date.now();
  const received = [];
  socket.on('data', (chunk) => received.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise((resolve) => socket.on('close', () => resolve(Date.now() - started)));
  const connected = new Promise((resolve) => socket.once('connect', resolve));
  return { socket, closed, connected, received: () => Buffer.concat(received).toString() };
}

/** Resolves with `promise`'s value, or with `fallback` after `ms`. */
const within = (ms, promise, fallback = 'still open') => Promise.race([promise, sleep(ms).then(() => fallback)]);

test('--header-timeout-ms: a connection that sends nothing, part of its headers, or nothing after a response is closed', () =>
  withMock(['--header-timeout-ms', '300'], async (url) => {
    const silent = connect(url);
    const partial = connect(url);
    await partial.connected;
    partial.socket.write('GET /account_groups HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    const kept = connect(url);
    await kept.connected;
    kept.socket.write(`GET /account_groups HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer t\r\nupvest-client-id: ${clientId}\r\n\r\n`);
    for (const [what, connection] of [['silent', silent], ['partial headers', partial], ['kept alive after a response', kept]]) {
      const ms = await within(3000, connection.closed);
      assert.ok(typeof ms === 'number' && ms >= 250, `${what}: closed after ${ms} ms`);
    }
    assert.match(kept.received(), /^HTTP\/1\.1 200/, 'the complete request was answered first');
    assert.match(kept.received(), /\r\nkeep-alive: timeout=0\r\n/, 'and told how long it may stay idle');
    assert.equal((await fetch(`${url}/account_groups`, { headers })).headers.get('keep-alive'), 'timeout=0');
  }));

test('responses say how long an idle connection is kept: the smaller of the two timeouts', () =>
  withMock(['--header-timeout-ms', '20000', '--idle-timeout-ms', '15500'], async (url) => {
    assert.equal((await fetch(`${url}/account_groups`, { headers })).headers.get('keep-alive'), 'timeout=15');
  }));

test('--idle-timeout-ms: a body that stops arriving closes the connection; the mock’s own delay does not', () =>
  withMock(['--idle-timeout-ms', '300'], async (url) => {
    const stalled = connect(url);
    await stalled.connected;
    stalled.socket.write(`POST /account_groups HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"user_id":`);
    const ms = await within(3000, stalled.closed);
    assert.ok(typeof ms === 'number' && ms >= 250, `closed after ${ms} ms`);
    await fetch(`${url}/__mock/faults`, { method: 'POST', body: JSON.stringify([{ method: 'GET', path: '/account_groups', delay_ms: 900 }]) });
    const started = Date.now();
    assert.equal((await fetch(`${url}/account_groups`, { headers })).status, 200);
    assert.ok(Date.now() - started >= 850, 'delayed, and answered');
  }));

test('--max-connections: over the cap a new client waits, and is served once a connection ends', () =>
  withMock(['--max-connections', '2'], async (url) => {
    const held = [connect(url), connect(url)];
    await Promise.all(held.map((c) => c.connected));
    await sleep(100);
    const waiting = fetch(`${url}/account_groups`, { headers });
    assert.equal(await within(500, waiting.then(() => 'answered')), 'still open', 'not served over the cap');
    held[0].socket.destroy();
    const response = await within(3000, waiting, null);
    assert.equal(response?.status, 200, 'served once a connection ended');
    held[1].socket.destroy();
  }));

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat (in clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

test('out of file descriptors (ulimit -n 64): accepting backs off instead of spinning, and resumes', () =>
  withMock(
    [],
    async (url, pid) => {
      const connections = Array.from({ length: 120 }, () => connect(url));
      await Promise.all(connections.map((c) => c.connected));
      await sleep(300);
      const before = cpuSeconds(pid);
      await sleep(2000);
      const used = cpuSeconds(pid) - before;
      console.log(`out of file descriptors: the mock used ${used.toFixed(2)} s of CPU in 2 s`);
      // A spinning accept loop uses most of the 2 s; an idle mock about none (ticks are 10 ms).
      assert.ok(used < 0.6, `the mock used ${used} s of CPU in 2 s while out of file descriptors`);
      connections.forEach((c) => c.socket.destroy());
      const response = await fetch(`${url}/account_groups`, { headers, signal: AbortSignal.timeout(5000) });
      assert.equal(response.status, 200, 'serves again once connections close');
    },
    { openFiles: 64 },
  ));

test('a body over 1 MiB is a 413 problem', () =>
  withMock([], async (url) => {
    const response = await fetch(`${url}/account_groups`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: 'x'.repeat((1 << 20) + 1),
    });
    assert.equal(response.status, 413);
    assert.match((await response.json()).detail, /larger than 1048576 bytes/);
  }));

test('--request-log-size: the log keeps the newest entries, numbered by seq; ?since= gives the later ones', () =>
  withMock(['--request-log-size', '5'], async (url) => {
    for (let i = 0; i < 8; i += 1) await fetch(`${url}/account_groups?offset=${i}`, { headers });
    const log = await (await fetch(`${url}/__mock/requests`)).json();
    assert.deepEqual(log.map((e) => e.seq), [4, 5, 6, 7, 8]);
    assert.deepEqual(Object.keys(log[0]), ['seq', 'method', 'path', 'query', 'headers', 'body', 'body_bytes', 'body_truncated']);
    assert.deepEqual([log[0].body, log[0].body_bytes, log[0].body_truncated], ['', 0, false]);
    assert.equal(log[4].query, 'offset=7');
    const later = await (await fetch(`${url}/__mock/requests?since=6`)).json();
    assert.deepEqual(later.map((e) => e.seq), [7, 8]);
    assert.equal((await fetch(`${url}/__mock/requests?since=six`)).status, 400);
    assert.deepEqual(await stats(url), { groups: 0, idempotency_keys: 0, requests_logged: 5, requests_seen: 8 });
    await fetch(`${url}/__mock/reset`, { method: 'POST' });
    await fetch(`${url}/account_groups`, { headers });
    assert.deepEqual((await (await fetch(`${url}/__mock/requests`)).json()).map((e) => e.seq), [9], 'numbering goes on after a reset');
  }));

test('--idempotency-ttl-s: a key is replayed while it lives, then forgotten', () =>
  withMock(['--idempotency-ttl-s', '1'], async (url) => {
    const key = crypto.randomUUID();
    const first = await (await create(url, { key })).json();
    assert.equal((await (await create(url, { key })).json()).id, first.id, 'replayed');
    assert.equal((await create(url, { key, type: 'ISA' })).status, 409, 'another body while the key lives');
    await sleep(1100);
    const later = await create(url, { key, type: 'ISA' });
    assert.equal(later.status, 200, 'the key expired');
    assert.notEqual((await later.json()).id, first.id);
  }));

test('--max-idempotency-keys: the oldest keys are forgotten first', () =>
  withMock(['--max-idempotency-keys', '2'], async (url) => {
    const keys = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    for (const key of keys) assert.equal((await create(url, { key })).status, 200);
    assert.equal((await stats(url)).idempotency_keys, 2);
    assert.equal((await create(url, { key: keys[0], type: 'ISA' })).status, 200, 'the oldest key was forgotten');
    assert.equal((await create(url, { key: keys[2], type: 'ISA' })).status, 409, 'a newer key is kept');
  }));

test('--max-groups: a create beyond it is a 507 problem; a replay and a reset still work', () =>
  withMock(['--max-groups', '2', '--seed', '1'], async (url) => {
    const key = crypto.randomUUID();
    assert.equal((await create(url, { key })).status, 200);
    const full = await create(url);
    assert.equal(full.status, 507);
    const problem = await full.json();
    assert.equal(problem.type, 'https://docs.upvest.co/errors/insufficient_storage');
    assert.match(problem.detail, /--max-groups/);
    assert.equal((await create(url, { key })).status, 200, 'a replay needs no room');
    await fetch(`${url}/__mock/reset`, { method: 'POST' });
    assert.equal((await create(url)).status, 200, 'a reset makes room');
  }));

test('limits that would stop the mock from serving are refused at start', () => {
  for (const [flags, reason] of [
    [['--max-connections', '0'], '--max-connections must be at least 1'],
    [['--header-timeout-ms', '0'], '--header-timeout-ms must be at least 1'],
    [['--seed', '5', '--max-groups', '4'], '--seed 5 is more than --max-groups 4'],
  ]) {
    const run = spawnSync(mockBinary, ['--port', '0', ...flags], { encoding: 'utf8', timeout: 5000 });
    assert.equal(run.status, 2, flags.join(' '));
    assert.ok(run.stderr.startsWith(`upvest-mock: ${reason}\n`), run.stderr);
  }
});
