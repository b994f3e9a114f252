// Webhooks end to end: the mock delivers account-group events to a receiver on loopback; the
// package parses and deduplicates them. Also: the package README's receiver (examples/) run as written,
// the verify hook, and clear errors for malformed bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as api from '../../pkg/node/index.mjs';
import { startMock } from '../../scripts/with-mock.mjs';
import { receiver, within } from './fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';

test('create and close: the mock delivers, the package parses, a redelivery is dropped', async () => {
  const hooks = await receiver({ failures: 1 });
  const mock = await startMock(['--webhook-url', hooks.url, '--webhook-retry-base-ms', '50', '--close-delay-ms', '200']);
  try {
    const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't' });
    const group = await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
    await within(5000, 'the create delivery and its retry', () => hooks.deliveries.length >= 2);
    const seen = new api.WebhookDeduplicator({ size: 100 });
    const first = await api.parseWebhookEvents(hooks.deliveries[0].body);
    assert.deepEqual(first.map((e) => e.type), ['ACCOUNT_GROUP.CREATED', 'ACCOUNT_GROUP.ACTIVATED']);
    assert.ok(first.every((e) => api.isAccountGroupEvent(e) && e.object.id === group.id));
    assert.ok(api.isAccountGroupCreated(first[0]) && api.isAccountGroupActivated(first[1]));
    assert.ok(first[0].created_at < first[1].created_at, 'ordered by created_at');
    assert.equal(seen.filter(first).length, 2);
    const redelivered = await api.parseWebhookEvents(hooks.deliveries[1].body);
    assert.deepEqual(redelivered.map((e) => e.id), first.map((e) => e.id), 'the failed delivery was sent again');
    assert.equal(seen.filter(redelivered).length, 0, 'and deduplicated');
    assert.equal(seen.size, 2);

    await client.close(group.id);
    await within(5000, 'CLOSING_INITIATED and CLOSED', () => hooks.deliveries.length >= 4);
    const later = (await Promise.all(hooks.deliveries.slice(2).map((d) => api.parseWebhookEvents(d.body)))).flat();
    assert.deepEqual(later.map((e) => [e.type, e.object.status]), [['ACCOUNT_GROUP.CLOSING_INITIATED', 'CLOSING'], ['ACCOUNT_GROUP.CLOSED', 'CLOSED']]);
    assert.ok(api.isAccountGroupClosingInitiated(later[0]) && api.isAccountGroupClosed(later[1]));
    assert.equal(seen.filter(later).length, 2);
    assert.equal(hooks.deliveries[0].headers['content-type'], 'application/json');
  } finally {
    mock.stop();
    hooks.close();
  }
});

test('the verify hook sees the raw request first; its rejection is a SignerError', async () => {
  const body = JSON.stringify({ payload: [] });
  const seen = [];
  const events = await api.parseWebhookEvents(body, { method: 'POST', url: '/hooks', headers: { signature: 's' }, verify: async (request) => seen.push(request) });
  assert.deepEqual(events, []);
  assert.deepEqual(seen, [{ method: 'POST', url: '/hooks', headers: { signature: 's' }, body }]);
  const cause = new Error('bad signature');
  const refused = await api.parseWebhookEvents(body, { verify: async () => { throw cause; } }).catch((e) => e);
  assert.ok(refused instanceof api.SignerError);
  assert.equal(refused.cause, cause);
});

test('malformed deliveries are WebhookErrors that name what is wrong', async () => {
  const event = {
    id: '72da9e41-9926-419f-976e-4c8069a04249', created_at: '2021-07-21T14:10:00.00Z', type: 'ACCOUNT_GROUP.CREATED', webhook_id: '9df39835-be87-4243-9018-f2500b39cee6',
    object: { id: '9d95820d-4333-46b6-98de-04ab7512e76f', created_at: '2020-08-24T14:15:22Z', updated_at: '2020-08-24T14:15:22Z', type: 'PERSONAL', status: 'ACTIVE', users: [], securities_account_number: '123456789' },
  };
  assert.equal((await api.parseWebhookEvents(JSON.stringify(event))).length, 1, 'a single event');
  assert.equal((await api.parseWebhookEvents(new TextEncoder().encode(JSON.stringify([event, event])))).length, 2, 'a list, as bytes');
  for (const [body, reason] of [
    ['{', /not valid JSON/],
    [new Uint8Array([0x7b, 0xff, 0x7d]), /could not be read as UTF-8/],
    ['42', /must be an event, a list of events or \{ "payload": \[events\] \}/],
    [JSON.stringify({ payload: [{ ...event, id: 'nope' }] }), /payload\[0\]\.id must be a UUID/],
    [JSON.stringify({ payload: [{ ...event, object: { ...event.object, status: 7 } }] }), /payload\[0\]\.object\.status must be a string/],
    [JSON.stringify({ ...event, created_at: 'yesterday' }), /created_at must be an RFC 3339 date-time/],
  ]) {
    const error = await api.parseWebhookEvents(body).catch((e) => e);
    assert.ok(error instanceof api.WebhookError, String(error));
    assert.match(error.message, reason);
  }
  const notBody = await api.parseWebhookEvents({ not: 'a body' }).catch((e) => e);
  assert.ok(notBody instanceof api.WebhookError);
  assert.throws(() => new api.WebhookDeduplicator({ size: 0 }), (e) => e instanceof api.InvalidInputError && e.field === 'size');
});

test("the README's receiver example runs as written against the mock's deliveries", async () => {
  const readme = readFileSync(join(root, 'package/README.md'), 'utf8');
  const example = readFileSync(join(root, 'examples/webhook-receiver.mjs'), 'utf8');
  assert.ok(readme.includes(example), 'the package README shows examples/webhook-receiver.mjs as it is');
  const project = mkdtempSync(join(tmpdir(), 'webhook-example-'));
  const installed = join(project, 'node_modules', 'upvest-account-groups');
  mkdirSync(installed, { recursive: true });
  cpSync(join(root, 'pkg'), installed, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'example', private: true, type: 'module' }));
  cpSync(join(root, 'examples/webhook-receiver.mjs'), join(project, 'receiver.mjs'));
  const child = spawn(process.execPath, ['receiver.mjs'], { cwd: project, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the example did not start')), 10_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const mock = await startMock(['--webhook-url', `${url}/upvest`]);
  try {
    const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't' });
    const group = await client.create({ business_id: crypto.randomUUID(), type: 'BUSINESS' });
    await within(5000, 'the example printing the events', () => lines.length >= 3);
    assert.deepEqual(lines.slice(1), [`ACCOUNT_GROUP.CREATED ${group.id} ACTIVE`, `ACCOUNT_GROUP.ACTIVATED ${group.id} ACTIVE`]);
  } finally {
    mock.stop();
    child.kill();
    rmSync(project, { recursive: true, force: true });
  }
});
