// The package README's examples (package/README.md, the README npm users see), run as written
// against the mock. Only the specifiers are pointed at what an installed project would resolve:
// the package at the local build, undici at the repository's dev dependency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageUrl, transport } from './transport-package.mjs';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('package/README.md', root), 'utf8');

/** The first js block of the README section under `heading` (a `## ` line), as written. */
function example(heading) {
  const start = readme.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `package/README.md has a section ${heading}`);
  const next = readme.indexOf('\n## ', start + heading.length + 2);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, `package/README.md has a js block under ${heading}`);
  return code;
}

/** Runs an example as a module in a fresh folder; resolves with its stdout lines. */
async function run(code, env = {}) {
  const resolved = code
    .replaceAll("from 'upvest-account-groups'", `from '${packageUrl}'`)
    .replaceAll("from 'upvest-account-groups/mock'", `from '${new URL('pkg/mock/index.mjs', root).href}'`)
    .replaceAll("from 'undici'", `from '${import.meta.resolve('undici')}'`)
    .replaceAll("from 'https-proxy-agent'", `from '${import.meta.resolve('https-proxy-agent')}'`)
    .replace(/from '(@opentelemetry\/[\w-]+)'/g, (_, name) => `from '${import.meta.resolve(name)}'`);
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, resolved);
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      env: { ...process.env, UPVEST_BASE_URL: process.env.UPVEST_MOCK_URL, ...env },
      timeout: 20_000,
    });
    return stdout.trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the README usage example runs as written', async () => {
  const lines = await run(example('## Usage'));
  assert.match(lines[0], /^[0-9a-f-]{36} ACTIVE \d{9}$/);
  assert.match(lines[1], /^\[ '413715f2-5401-4b97-8055-034a6b879f8c' \]$/);
  assert.match(lines[2], /^\d+ of \d+$/);
  assert.match(lines[3], /^404 https:\/\/docs\.upvest\.co\/errors\/not_found [0-9a-f-]{36}$/);
  assert.match(lines[4], /^user_id must be a UUID string/);
});

test('the README mock example runs as written, with no server', async () => {
  const lines = await run(example('## Testing against a mock'), { UPVEST_MOCK_URL: '' });
  assert.deepEqual(lines, ['21', '3 1', 'true 409']);
});

test("the README errors example branches on InvalidInputError's code as it says", async () => {
  const lines = await run(example('## Errors'));
  assert.deepEqual(lines.slice(0, 3), ['type: please fill this in', 'user_id: not a valid id', 'type: choose one of the offered values']);
  assert.match(lines[3], /^Not Found \(request [0-9a-f-]{36}\)$/);
  assert.equal(lines.length, 4);
});

/** A loopback HTTP proxy that tunnels CONNECT to 127.0.0.1 only, and records each CONNECT. */
async function startProxy() {
  const connects = [];
  const sockets = new Set();
  const track = (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };
  const server = http.createServer((request, response) => {
    // Plain forward proxying is not what the example should use: refuse it visibly.
    response.writeHead(405).end();
  });
  server.on('connect', (request, client, head) => {
    connects.push(request.url);
    track(client);
    const { hostname, port } = new URL(`http://${request.url}`);
    if (hostname !== '127.0.0.1') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = track(net.connect(Number(port), hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    }));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    connects,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** Runs a proxy example with HTTPS_PROXY set and checks that every request went through it. */
async function throughProxy(code) {
  const proxy = await startProxy();
  try {
    const lines = await run(code, { HTTPS_PROXY: proxy.url });
    assert.match(lines[0], /^\d+ [0-9a-f-]{36}$/, 'the call succeeded through the proxy');
    assert.ok(proxy.connects.length >= 1, 'the proxy saw a CONNECT');
    assert.deepEqual([...new Set(proxy.connects)], [new URL(process.env.UPVEST_MOCK_URL).host], "every CONNECT went to the mock's host:port");
  } finally {
    proxy.stop();
  }
}

// The agent is for the Node transport: over fetch (UPVEST_TRANSPORT=fetch) it is refused.
test('the README proxy example (an agent) sends its requests through HTTPS_PROXY', { skip: transport === 'fetch' && 'the agent option is for the node:http transport' }, async () => {
  await throughProxy(example('## The `fetch` option and proxies'));
});

test('the README proxy example with a fetch of your own (undici) sends its requests through HTTPS_PROXY', async () => {
  await throughProxy(example('### A `fetch` of your own'));
});

test("the README's collect example runs as written: the 25 groups created last, from one request", async () => {
  const baseUrl = process.env.UPVEST_MOCK_URL;
  const client = new (await import(packageUrl)).AccountGroups({ baseUrl, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 't' });
  for (let i = 0; i < 30; i += 1) await client.create({ user_id: '413715f2-5401-4b97-8055-034a6b879f8c', type: 'PERSONAL' });
  const seen = async () => (await (await fetch(`${baseUrl}/__mock/stats`)).json()).requests_seen;
  const before = await seen();
  assert.deepEqual(await run(example('### The first N groups')), ['25 true']);
  assert.equal((await seen()) - before, 1, 'one page request');
});

test("the README's page-at-a-time example runs as written", async () => {
  assert.deepEqual(await run(example('### A page at a time')), ['true true']);
});

test("the README's logging and tracing example runs as written: a line, the request's span inside the caller's", async () => {
  const lines = await run(example('## Logging and tracing'));
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0], /^upvest-account-groups GET \/account_groups attempt=1 status=200 ms=\d+ request_id=\S+$/);
  assert.deepEqual(lines.slice(1), ['GET /account_groups 200', 'nightly-report -']);
});
