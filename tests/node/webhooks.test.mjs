// Webhooks end to end: the mock delivers account-group events to a receiver on loopback; the
// package parses and deduplicates them. Also: the package README's receiver (examples/) run as written,
// the verify hook, each refusal's code, the body limit, and the memory a huge body leaves behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as api from '../../pkg/node/index.mjs';
import { startMock } from '../../scripts/with-mock.mjs';
import { newSigner, signDelivery, withHeader } from '../shared/webhook-verifier-cases.mjs';
import { receiver, within } from './fixtures.mjs';
import { startRedis } from './redis-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';

test('create and close: the mock delivers, the package parses, a redelivery is dropped', async () => {
  const hooks = await receiver({ failures: 1 });
  const mock = await startMock(['--webhook-url', hooks.url, '--webhook-retry-base-ms', '50', '--close-delay-ms', '200']);
  try {
    const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't' });
    const group = await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
    await within(15_000, 'the create delivery and its retry', () => hooks.deliveries.length >= 2);
    const seen = new api.WebhookDeduplicator({ size: 100 });
    const first = await api.parseWebhookEvents(hooks.deliveries[0].body, { verify: false });
    assert.deepEqual(first.map((e) => e.type), ['ACCOUNT_GROUP.CREATED', 'ACCOUNT_GROUP.ACTIVATED']);
    assert.ok(first.every((e) => api.isAccountGroupEvent(e) && e.object.id === group.id));
    assert.ok(api.isAccountGroupCreated(first[0]) && api.isAccountGroupActivated(first[1]));
    assert.ok(first[0].created_at < first[1].created_at, 'ordered by created_at');
    assert.equal(seen.filter(first).length, 2);
    const redelivered = await api.parseWebhookEvents(hooks.deliveries[1].body, { verify: false });
    assert.deepEqual(redelivered.map((e) => e.id), first.map((e) => e.id), 'the failed delivery was sent again');
    assert.equal(seen.filter(redelivered).length, 0, 'and deduplicated');
    assert.equal(seen.size, 2);

    await client.close(group.id);
    await within(15_000, 'CLOSING_INITIATED and CLOSED', () => hooks.deliveries.length >= 4);
    const later = (await Promise.all(hooks.deliveries.slice(2).map((d) => api.parseWebhookEvents(d.body, { verify: false })))).flat();
    assert.deepEqual(later.map((e) => [e.type, e.object.status]), [['ACCOUNT_GROUP.CLOSING_INITIATED', 'CLOSING'], ['ACCOUNT_GROUP.CLOSED', 'CLOSED']]);
    assert.ok(api.isAccountGroupClosingInitiated(later[0]) && api.isAccountGroupClosed(later[1]));
    assert.equal(seen.filter(later).length, 2);
    assert.equal(hooks.deliveries[0].headers['content-type'], 'application/json');
  } finally {
    mock.stop();
    hooks.close();
  }
});

test("the verify hook sees the raw request first; its rejection is a WebhookError 'verify-failed', an UpvestError passes as it is", async () => {
  const body = JSON.stringify({ payload: [] });
  const seen = [];
  const events = await api.parseWebhookEvents(body, { method: 'POST', url: '/hooks', headers: { signature: 's' }, verify: async (request) => seen.push(request) });
  assert.deepEqual(events, []);
  assert.deepEqual(seen, [{ method: 'POST', url: '/hooks', headers: { signature: 's' }, body }]);
  const cause = new Error('bad signature');
  const refused = await api.parseWebhookEvents(body, { verify: async () => { throw cause; } }).catch((e) => e);
  assert.ok(refused instanceof api.WebhookError && !(refused instanceof api.WebhookVerificationError), String(refused));
  assert.equal(refused.code, 'verify-failed');
  assert.equal(refused.cause, cause);
  assert.match(refused.message, /^Invalid webhook delivery: verify failed: bad signature$/);
  const thrownSync = await api.parseWebhookEvents(body, { verify: () => { throw 'no'; } }).catch((e) => e);
  assert.equal(thrownSync.code, 'verify-failed');
  assert.equal(thrownSync.cause, 'no');
  const verification = new api.WebhookVerificationError('Webhook signature refused', { code: 'expired' });
  assert.equal(await api.parseWebhookEvents(body, { verify: async () => { throw verification; } }).catch((e) => e), verification);
});

test('refused deliveries are WebhookErrors whose code says why and whose message names what is wrong', async () => {
  const event = {
    id: '72da9e41-9926-419f-976e-4c8069a04249', created_at: '2021-07-21T14:10:00.00Z', type: 'ACCOUNT_GROUP.CREATED', webhook_id: '9df39835-be87-4243-9018-f2500b39cee6',
    object: { id: '9d95820d-4333-46b6-98de-04ab7512e76f', created_at: '2020-08-24T14:15:22Z', updated_at: '2020-08-24T14:15:22Z', type: 'PERSONAL', status: 'ACTIVE', users: [], securities_account_number: '123456789' },
  };
  assert.equal((await api.parseWebhookEvents(JSON.stringify(event), { verify: false })).length, 1, 'a single event');
  assert.equal((await api.parseWebhookEvents(new TextEncoder().encode(JSON.stringify([event, event])), { verify: false })).length, 2, 'a list, as bytes');
  for (const [body, code, reason] of [
    ['{', 'json', /not valid JSON/],
    [new Uint8Array([0x7b, 0xff, 0x7d]), 'encoding', /could not be read as UTF-8/],
    [{ not: 'a body' }, 'encoding', /must be a string, a Uint8Array \(a Buffer\) or an ArrayBuffer/],
    ['42', 'shape', /must be an event, a list of events or \{ "payload": \[events\] \}/],
    [JSON.stringify({ payload: [{ ...event, id: 'nope' }] }), 'shape', /payload\[0\]\.id must be a UUID/],
    [JSON.stringify({ payload: [{ ...event, object: { ...event.object, status: 7 } }] }), 'shape', /payload\[0\]\.object\.status must be a string/],
    [JSON.stringify({ ...event, created_at: 'yesterday' }), 'shape', /created_at must be an RFC 3339 date-time/],
  ]) {
    const error = await api.parseWebhookEvents(body, { verify: false }).catch((e) => e);
    assert.ok(error instanceof api.WebhookError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, reason);
  }
  assert.throws(() => new api.WebhookDeduplicator({ size: 0 }), (e) => e instanceof api.InvalidInputError && e.field === 'size');
});

test('a body over maxBodyBytes (default 1 MiB) is refused before verify runs or anything is parsed', async () => {
  let verified = 0;
  const verify = async () => {
    verified += 1;
  };
  const refuse = async (body, options) => {
    const error = await api.parseWebhookEvents(body, { verify, ...options }).catch((e) => e);
    assert.ok(error instanceof api.WebhookError && error.code === 'too-large', String(error));
    return error;
  };
  const mib = 1024 * 1024;
  assert.match((await refuse(new Uint8Array(mib + 1))).message, /larger than 1048576 bytes \(maxBodyBytes\)/);
  await refuse(new ArrayBuffer(11), { maxBodyBytes: 10 });
  // A string counts in UTF-8 bytes: 4 characters of 3 bytes are 12.
  await refuse('"€€€€"', { maxBodyBytes: 13 });
  assert.equal(await api.parseWebhookEvents('"€€€€"', { verify, maxBodyBytes: 14 }).catch((e) => e.code), 'shape', 'within the limit, it is parsed');
  assert.deepEqual(await api.parseWebhookEvents(`[${' '.repeat(mib - 2)}]`, { verify }), [], 'exactly 1 MiB is accepted');
  assert.equal(verified, 2, 'verify ran only for the bodies within the limit');
  for (const [maxBodyBytes, code] of [[0, 'range'], [2 ** 32, 'range'], [1.5, 'range'], ['1024', 'type']]) {
    const error = await api.parseWebhookEvents('[]', { maxBodyBytes, verify: false }).catch((e) => e);
    assert.ok(error instanceof api.InvalidInputError && error.field === 'maxBodyBytes' && error.code === code, `${maxBodyBytes}: ${error}`);
  }
});

test('a 300 MiB body leaves no trace in memory: refused at the default limit, parsed under a raised one', async (t) => {
  const probe = fileURLToPath(new URL('./webhook-memory-probe.mjs', import.meta.url));
  const output = execFileSync(process.execPath, ['--expose-gc', probe, join(root, 'pkg/node/index.mjs')], { encoding: 'utf8', timeout: 120_000 });
  const { size, refusal, parsed, before, afterRefused, afterParsed } = JSON.parse(output);
  const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  t.diagnostic(`RSS before ${mib(before)}, after the refusal ${mib(afterRefused)}, after parsing ${mib(size)} ${mib(afterParsed)}`);
  assert.deepEqual(refusal, { name: 'WebhookError', code: 'too-large' });
  assert.deepEqual(parsed, { count: 1, paddingLength: size - 196 });
  // Wasm memory never shrinks: had the body been copied into it, RSS would stay 300 MiB or more up.
  assert.ok(afterRefused - before < 16 * 1024 * 1024, `refused: RSS grew by ${mib(afterRefused - before)}`);
  assert.ok(afterParsed - before < 64 * 1024 * 1024, `parsed: RSS grew by ${mib(afterParsed - before)}`);
});

/** Starts examples/webhook-receiver.mjs from an installed copy of the package, with `env`;
 * resolves with its URL, its stdout and stderr lines so far, and a stop function. */
async function startExample(env) {
  const project = mkdtempSync(join(tmpdir(), 'webhook-example-'));
  const installed = join(project, 'node_modules', 'upvest-account-groups');
  mkdirSync(installed, { recursive: true });
  cpSync(join(root, 'pkg'), installed, { recursive: true });
  // bullmq (and ioredis, which it finds from its own folder) as the project would install them.
  symlinkSync(join(root, 'node_modules/bullmq'), join(project, 'node_modules', 'bullmq'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'example', private: true, type: 'module' }));
  cpSync(join(root, 'examples/webhook-receiver.mjs'), join(project, 'receiver.mjs'));
  const child = spawn(process.execPath, ['receiver.mjs'], { cwd: project, env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout = [];
  const stderr = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start: ${stderr.join('\n')}`)), 10_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout.push(line);
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const stop = () => {
    child.kill();
    rmSync(project, { recursive: true, force: true });
  };
  return { url, stdout, stderr, stop };
}

/** Sends a delivery `{ method, url, headers, body }` to `origin` exactly as given (`chunked`:
 * without content-length, in 64 KiB pieces); resolves with the status. */
function deliver(origin, { method = 'POST', url, headers, body }, { chunked = false } = {}) {
  return new Promise((resolve, reject) => {
    const sent = chunked ? Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'content-length')) : headers;
    const request = http.request(`${origin}${url}`, { method, headers: sent }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', reject);
    const bytes = Buffer.from(body);
    if (!chunked) return request.end(bytes);
    for (let at = 0; at < bytes.length; at += 65536) request.write(bytes.subarray(at, at + 65536));
    request.end();
  });
}

test("the README's receiver runs as written, on a real Redis: the mock's signed deliveries processed once; forged, tampered, expired and unknown-key ones 401, a large unsigned body refused unread", async () => {
  const readme = readFileSync(join(root, 'package/README.md'), 'utf8');
  assert.ok(readme.includes(readFileSync(join(root, 'examples/webhook-receiver.mjs'), 'utf8')), 'the package README shows examples/webhook-receiver.mjs as it is');
  // The test holds the mock's webhook signing key, so that it can sign deliveries the mock did not
  // send (fresh events each, which the example would print if it took them).
  const upvest = await newSigner();
  const keyDir = mkdtempSync(join(tmpdir(), 'upvest-webhook-key-'));
  const keyFile = join(keyDir, 'webhook.pem');
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', upvest.privateKey)).toString('base64');
  writeFileSync(keyFile, `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g).join('\n')}\n-----END PRIVATE KEY-----\n`);
  // The mock delivers to the example through a tap that keeps a copy of each delivery and
  // answers as the example did.
  let exampleUrl;
  const tap = await receiver({ path: '/upvest?source=mock', answer: (delivery) => deliver(exampleUrl, delivery) });
  const mock = await startMock(['--webhook-url', tap.url, '--webhook-signing-key', keyFile]);
  const redis = await startRedis();
  const example = await startExample({ UPVEST_BASE_URL: mock.url, UPVEST_CLIENT_ID: clientId, UPVEST_ACCESS_TOKEN: 'receiver-token', REDIS_URL: redis.url });
  exampleUrl = example.url;
  try {
    const headers = { authorization: 'Bearer t', 'upvest-client-id': clientId, accept: 'application/json' };
    upvest.kid = (await (await fetch(`${mock.url}/auth/verify_keys`, { headers })).json()).keys[0].kid;
    const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't' });
    const group = await client.create({ business_id: crypto.randomUUID(), type: 'BUSINESS' });
    await within(15_000, 'the example printing the events', () => example.stdout.length >= 3);
    assert.deepEqual(example.stdout.slice(1), [`ACCOUNT_GROUP.CREATED ${group.id} ACTIVE`, `ACCOUNT_GROUP.ACTIVATED ${group.id} ACTIVE`]);
    const [fromMock] = tap.deliveries;
    assert.equal(await deliver(example.url, fromMock), 200, 'a redelivery is answered 200 …');

    const target = '/upvest?source=mock';
    const sign = (options) => signDelivery(upvest, { url: target, ...options });
    const signed = await sign();
    const processed = JSON.parse(signed.body).payload[0].object.id;
    assert.equal(await deliver(example.url, signed), 200, 'a delivery the test signed with the key is taken');
    const other = await sign();
    const refused = [
      ['missing-signature', withHeader(withHeader(await sign(), 'signature'), 'signature-input')],
      ['digest-mismatch', { ...(await sign()), body: other.body }],
      ['bad-signature', { ...withHeader(await sign(), 'digest', other.headers.digest), body: other.body }],
      ['bad-signature', { ...(await sign()), url: '/upvest/other?source=mock' }],
      ['bad-signature', withHeader(await sign(), 'content-type', 'text/plain')],
      ['expired', await sign({ created: Math.floor(Date.now() / 1000) - 400, ttl: 300 })],
      ['unknown-key', await signDelivery(await newSigner('not-upvest'), { url: target })],
    ];
    for (const [code, delivery] of refused) assert.equal(await deliver(example.url, delivery), 401, code);
    // Node sets content-length from the body, which the signature does not match: refused by
    // its headers, before the 8 MiB are read.
    const huge = { ...withHeader(await sign(), 'content-length'), body: `[${' '.repeat(8 * 1024 * 1024)}]` };
    assert.equal(await deliver(example.url, huge), 401, 'a large body signed for another');
    refused.push(['bad-signature']);
    // A last valid delivery: once it is printed, anything sent before it would have been too.
    const last = await sign();
    assert.equal(await deliver(example.url, last), 200);
    const lastId = JSON.parse(last.body).payload[0].object.id;
    await within(15_000, 'the last delivery printed', () => example.stdout.includes(`ACCOUNT_GROUP.CREATED ${lastId} ACTIVE`));
    assert.deepEqual(example.stdout.slice(3), [`ACCOUNT_GROUP.CREATED ${processed} ACTIVE`, `ACCOUNT_GROUP.CREATED ${lastId} ACTIVE`], '… and nothing refused was processed');
    assert.deepEqual(example.stderr.map((line) => line.split(':')[0]), refused.map(([code]) => code), 'each refusal logged with its code');
    assert.equal(tap.deliveries.length, 1, 'the mock delivered once: the example answered 2xx the first time');
  } finally {
    example.stop();
    mock.stop();
    tap.close();
    await redis.stop();
    rmSync(keyDir, { recursive: true, force: true });
  }
});
