// iterate and iterateForUser (and their page-at-a-time forms, iteratePages and
// iteratePagesForUser) while the list changes under them, as a nightly job meets it: 120
// groups, pages of 20, and after every ten groups yielded six creates and two closes, on the
// native mock, for every sort and order. No group twice, no error, and every group that was
// there from the start and kept its sort key (a close moves a group in updated_at order) yielded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../pkg/node/index.mjs';
import { startMock } from '../../scripts/with-mock.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';

/** Runs one iteration with writes inside the loop; resolves with what it yielded and did. */
async function iterateWhileWriting({ sort, order, forUser, byPage }) {
  const mock = await startMock(['--close-delay-ms', '50']);
  try {
    const client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 'token' });
    const userId = crypto.randomUUID();
    const create = () => client.create({ user_id: forUser ? userId : crypto.randomUUID(), type: 'PERSONAL' });
    const initial = [];
    for (let i = 0; i < 120; i += 1) initial.push((await create()).id);
    const open = [...initial];
    const closed = new Set();
    const yielded = [];
    const query = { pageSize: 20, ...(sort && { sort }), ...(order && { order }) };
    const write = async () => {
      for (let i = 0; i < 6; i += 1) open.push((await create()).id);
      for (let i = 0; i < 2; i += 1) {
        // A group from anywhere in the list, ahead of the loop or behind it.
        const [id] = open.splice(Math.floor(Math.random() * open.length), 1);
        await client.close(id);
        closed.add(id);
      }
    };
    /** @param {{ id: string }} group */
    const use = async (group) => {
      yielded.push(group.id);
      if (yielded.length % 10 === 0) await write();
    };
    if (byPage) {
      const pages = forUser ? client.iteratePagesForUser(userId, query) : client.iteratePages(query);
      for await (const page of pages) {
        assert.ok(Array.isArray(page) && page.length > 0, 'a page is a non-empty array');
        for (const group of page) await use(group);
      }
    } else {
      const groups = forUser ? client.iterateForUser(userId, query) : client.iterate(query);
      for await (const group of groups) await use(group);
    }
    return { initial, closed, yielded };
  } finally {
    mock.stop();
  }
}

for (const [forUser, byPage] of [[false, false], [true, false], [false, true], [true, true]]) {
  for (const sort of [undefined, 'created_at', 'updated_at']) {
    for (const order of [undefined, 'ASC', 'DESC']) {
      if (sort === undefined && order !== undefined) continue;
      const method = `iterate${byPage ? 'Pages' : ''}${forUser ? 'ForUser' : ''}`;
      const name = `${method}, sort ${sort ?? 'default'}, order ${order ?? 'default'}`;
      test(`${name}: writes inside the loop; no group twice, no error, every stable group`, async () => {
        const { initial, closed, yielded } = await iterateWhileWriting({ sort, order, forUser, byPage });
        assert.equal(new Set(yielded).size, yielded.length, 'no group twice');
        // In updated_at order a close moves a group to the end; in created_at order nothing moves.
        const stable = initial.filter((id) => sort !== 'updated_at' || !closed.has(id));
        const seen = new Set(yielded);
        const missed = stable.filter((id) => !seen.has(id));
        assert.deepEqual(missed, [], `${missed.length} of ${stable.length} stable groups were not yielded`);
      });
    }
  }
}
