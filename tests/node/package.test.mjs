// The built package in Node, against the real mock: ESM import and CJS require of pkg/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esm from '../../pkg/node/index.mjs';

const require = createRequire(import.meta.url);
const cjs = require('../../pkg/node/index.cjs');
const baseUrl = process.env.UPVEST_MOCK_URL;
const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const userId = '413715f2-5401-4b97-8055-034a6b879f8c';

test('a mock URL is given', () => {
  assert.match(baseUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
});

test('ESM and CJS share one instance of every export', () => {
  assert.equal(esm.AccountGroups, cjs.AccountGroups);
  assert.equal(esm.ProblemError, cjs.ProblemError);
  assert.deepEqual(Object.keys(esm).sort(), Object.keys(cjs).sort());
});

for (const [flavour, api] of [['ESM import', esm], ['CJS require', cjs]]) {
  test(`${flavour}: create then get`, async () => {
    const client = new api.AccountGroups({ baseUrl, clientId, accessToken: 'node-token' });
    const created = await client.create({ user_id: userId, type: 'ISA' });
    assert.equal(created.type, 'ISA');
    assert.equal(created.status, 'ACTIVE');
    assert.deepEqual(created.users, [{ id: userId, type: 'OWNER' }]);
    const fetched = await client.get(created.id);
    assert.deepEqual(fetched, created);
  });

  test(`${flavour}: errors are instances of the exported classes`, async () => {
    const client = new api.AccountGroups({ baseUrl, clientId, accessToken: 'node-token' });
    const problem = await client.get('9d95820d-4333-46b6-98de-04ab7512e76f').catch((e) => e);
    assert.ok(problem instanceof api.ProblemError);
    assert.ok(problem instanceof api.UpvestError);
    assert.ok(problem instanceof Error);
    assert.equal(problem.name, 'ProblemError');
    assert.equal(problem.status, 404);
    assert.match(problem.requestId, /^[0-9a-f-]{36}$/);
    const invalid = await client.create({ user_id: 'not-a-uuid', type: 'ISA' }).catch((e) => e);
    assert.ok(invalid instanceof api.InvalidInputError);
    assert.equal(invalid.field, 'user_id');
  });
}

test('the constructor throws InvalidInputError synchronously for bad options', () => {
  assert.throws(() => new esm.AccountGroups({ baseUrl: 'http://example.com', clientId, accessToken: 't' }), (e) => {
    assert.ok(e instanceof esm.InvalidInputError);
    assert.equal(e.field, 'baseUrl');
    return true;
  });
});

test('a refused connection is a NetworkError', async () => {
  const client = new esm.AccountGroups({ baseUrl: 'http://127.0.0.1:9', clientId, accessToken: 't' });
  const error = await client.get('9d95820d-4333-46b6-98de-04ab7512e76f').catch((e) => e);
  assert.ok(error instanceof esm.NetworkError, String(error));
  assert.ok(error.cause, 'the platform error is kept as cause');
});
