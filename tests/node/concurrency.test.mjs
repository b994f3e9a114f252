// 64 clients creating and listing in parallel for 10 s (UPVEST_CONCURRENCY_SECONDS) against one
// mock: no group may be lost, and no page may be torn (the client itself rejects a page whose
// meta.count disagrees with its data; here pages must also be free of duplicates and in order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountGroups } from '../../pkg/node/index.mjs';
import { startMock } from '../../scripts/with-mock.mjs';

const WORKERS = 64;
const SECONDS = Number(process.env.UPVEST_CONCURRENCY_SECONDS ?? 10);

test(`${WORKERS} parallel clients for ${SECONDS} s lose no group and see no torn page`, async () => {
  const mock = await startMock([]);
  try {
    const users = Array.from({ length: 8 }, () => crypto.randomUUID());
    const created = new Set();
    let pages = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const worker = async (n) => {
      const client = new AccountGroups({ baseUrl: mock.url, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: `worker-${n}` });
      while (Date.now() < deadline) {
        const group = await client.create({ user_id: users[n % users.length], type: 'PERSONAL' });
        created.add(group.id);
        const page = n % 2
          ? await client.list({ limit: 100, offset: Math.max(0, created.size - 100) })
          : await client.listForUser(users[n % users.length], { limit: 100, order: 'DESC' });
        const ids = page.data.map((g) => g.id);
        assert.equal(new Set(ids).size, ids.length, 'no duplicate within a page');
        const times = page.data.map((g) => g.created_at);
        const sorted = [...times].sort();
        assert.deepEqual(times, n % 2 ? sorted : sorted.reverse(), 'a page is in order');
        pages += 1;
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n)));
    const client = new AccountGroups({ baseUrl: mock.url, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 'checker' });
    const seen = new Set();
    for await (const group of client.iterate({ pageSize: 1000 })) seen.add(group.id);
    assert.equal(seen.size, created.size, 'every created group is listed once');
    for (const id of created) assert.ok(seen.has(id), `group ${id} was lost`);
    console.log(`concurrency: ${created.size} groups created and ${pages} pages read by ${WORKERS} clients in ${SECONDS} s; none lost`);
  } finally {
    mock.stop();
  }
});
