// collect(iterable, { max }): at most `max` items of an iteration, in order, and not one page
// more than that needs: the built package against the in-process mock, whose request log counts
// the pages asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountGroups, InvalidInputError, collect } from '../../pkg/node/index.mjs';
import { createMock } from '../../pkg/mock/index.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const mock = await createMock({ seed: 20 });
const client = new AccountGroups({ baseUrl: mock.url, fetch: mock.fetch, clientId, accessToken: 'collect' });

/** What `run` resolves with, and the paths of the requests it made. */
async function pagesAskedFor(run) {
  const before = mock.stats().requests_seen;
  const value = await run();
  return { value, requests: mock.requests({ since: before }).map((r) => `${r.path}?${r.query}`) };
}

/** Every group, in the order `iterate(query)` yields them. */
async function everyGroup(query) {
  const all = [];
  for await (const group of client.iterate(query)) all.push(group);
  return all;
}

test('collect holds the first max groups in order, and a page of max makes one request and no more', async () => {
  const all = await everyGroup({ order: 'DESC' });
  assert.equal(all.length, 20);
  const { value, requests } = await pagesAskedFor(() => collect(client.iterate({ order: 'DESC', pageSize: 5 }), { max: 5 }));
  assert.deepEqual(value.map((g) => g.id), all.slice(0, 5).map((g) => g.id));
  assert.equal(requests.length, 1, `one page, not the next: ${requests.join(', ')}`);
});

test('collect asks for the pages a loop that breaks at the max-th group asks for, and no more', async () => {
  const all = await everyGroup({});
  /** The loop collect spares its caller. */
  const byHand = async (max, pageSize) => {
    const groups = [];
    for await (const group of client.iterate({ pageSize })) {
      groups.push(group);
      if (groups.length === max) break;
    }
    return groups;
  };
  const { requests: whole } = await pagesAskedFor(() => everyGroup({ pageSize: 3 }));
  for (const [max, pageSize] of [[7, 5], [10, 5], [11, 5], [1, 100], [20, 3], [4, 3], [6, 3]]) {
    const expected = await pagesAskedFor(() => byHand(max, pageSize));
    const { value, requests } = await pagesAskedFor(() => collect(client.iterate({ pageSize }), { max }));
    assert.deepEqual(value.map((g) => g.id), all.slice(0, max).map((g) => g.id), `max ${max}, pageSize ${pageSize}`);
    assert.deepEqual(requests, expected.requests, `max ${max}, pageSize ${pageSize}`);
  }
  const { requests: few } = await pagesAskedFor(() => collect(client.iterate({ pageSize: 3 }), { max: 4 }));
  assert.equal(few.length, 2, `the page of the 4th group, then nothing: ${few.join(', ')}`);
  assert.ok(few.length < whole.length);
});

test('collect resolves with fewer when the list ends first, and with every group for Infinity', async () => {
  assert.equal((await collect(client.iterate({ pageSize: 8 }), { max: 1000 })).length, 20);
  assert.equal((await collect(client.iterate(), { max: Infinity })).length, 20);
  const user = (await client.list({ limit: 1 })).data[0].users?.[0]?.id;
  if (user) {
    const mine = await collect(client.iterateForUser(user), { max: 2 });
    assert.ok(mine.length >= 1 && mine.length <= 2);
    assert.ok(mine.every((g) => g.users.some((u) => u.id === user)));
  }
});

test('collect with max 0 asks for nothing', async () => {
  const { value, requests } = await pagesAskedFor(() => collect(client.iterate(), { max: 0 }));
  assert.deepEqual(value, []);
  assert.deepEqual(requests, []);
});

test('collect closes any iteration it leaves early, and takes plain iterables', async () => {
  let closed = false;
  let pulled = 0;
  async function* numbers() {
    try {
      for (let n = 1; ; n += 1) {
        pulled += 1;
        yield n;
      }
    } finally {
      closed = true;
    }
  }
  assert.deepEqual(await collect(numbers(), { max: 3 }), [1, 2, 3]);
  assert.equal(pulled, 3, 'no item is asked for past the max-th');
  assert.ok(closed, "the generator's finally ran");
  assert.deepEqual(await collect(new Set(['a', 'b', 'c']), { max: 2 }), ['a', 'b']);
  assert.deepEqual(await collect([], { max: 5 }), []);
});

test("collect rejects with the iteration's own error", async () => {
  const error = await collect(client.iterate({ pageSize: 0 }), { max: 3 }).catch((e) => e);
  assert.ok(error instanceof InvalidInputError, String(error));
  assert.equal(error.field, 'pageSize');
  async function* failing() {
    yield 1;
    throw new Error('boom');
  }
  await assert.rejects(collect(failing(), { max: 5 }), /boom/);
});

test('collect rejects (never throws) InvalidInputError for a bad argument, naming it', async () => {
  const iteration = () => client.iterate();
  const cases = [
    [() => collect(iteration()), 'options', 'required'],
    [() => collect(iteration(), null), 'options', 'type'],
    [() => collect(iteration(), 25), 'options', 'type'],
    [() => collect(iteration(), {}), 'max', 'required'],
    [() => collect(iteration(), { max: undefined }), 'max', 'required'],
    [() => collect(iteration(), { max: '3' }), 'max', 'type'],
    [() => collect(iteration(), { max: -1 }), 'max', 'range'],
    [() => collect(iteration(), { max: 1.5 }), 'max', 'range'],
    [() => collect(iteration(), { max: NaN }), 'max', 'range'],
    [() => collect(iteration(), { max: -Infinity }), 'max', 'range'],
    [() => collect(iteration(), { max: 3, limit: 3 }), 'options', 'unknown-field'],
    [() => collect(iteration(), { get max() { throw new Error('getter'); } }), 'max', 'unreadable'],
    [() => collect(undefined, { max: 3 }), 'iterable', 'required'],
    [() => collect('groups', { max: 3 }), 'iterable', 'type'],
    [() => collect({ next() {} }, { max: 3 }), 'iterable', 'type'],
  ];
  for (const [call, field, code] of cases) {
    let promise;
    assert.doesNotThrow(() => {
      promise = call();
    });
    const error = await promise.then(() => assert.fail('resolved'), (e) => e);
    assert.ok(error instanceof InvalidInputError, String(error));
    assert.deepEqual([error.field, error.code], [field, code], error.message);
  }
});

test('collect reads only its options own members: a polluted Object.prototype adds no max', async () => {
  Object.prototype.max = 2;
  try {
    const error = await collect(client.iterate(), {}).catch((e) => e);
    assert.ok(error instanceof InvalidInputError);
    assert.equal(error.code, 'required');
  } finally {
    delete Object.prototype.max;
  }
});
