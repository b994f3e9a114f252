// Reading every group of a list (all of them, or one user's) for the overview and the export.
// The package's `iterate` fetches the pages lazily but yields only groups, so the size of the
// list comes first from a one-item `list`: that is what the progress bar counts towards.

const PAGE_SIZE = 1000; // the API's largest page: the fewest requests for a whole list

/** @typedef {import('/pkg/web/index.js').AccountGroup} AccountGroup */
/** @typedef {import('/pkg/web/index.js').AccountGroups} AccountGroups */

/**
 * Which groups to read, in which order: one user's (`user`, when given and not empty) or all.
 * @typedef {{
 *   user?: string | undefined;
 *   sort: import('/pkg/web/index.js').SortField;
 *   order: import('/pkg/web/index.js').SortOrder;
 * }} Filter
 */

/**
 * Yields every group of `filter` ({ user?, sort, order }), calling `report(read, total)` as it
 * goes. Aborting `signal` cancels the request under way and rejects with the signal's reason.
 * @param {AccountGroups} client
 * @param {Filter} filter
 * @param {import('./progress.js').TaskContext} context
 * @returns {AsyncGenerator<AccountGroup, void, undefined>}
 */
async function* readAll(client, { user, sort, order }, { signal, report }) {
  const head = await (user ? client.listForUser(user, { sort, order, limit: 1 }, { signal }) : client.list({ sort, order, limit: 1 }, { signal }));
  let total = head.meta.total_count;
  report(0, total);
  const query = { sort, order, pageSize: PAGE_SIZE };
  const groups = user ? client.iterateForUser(user, query, { signal }) : client.iterate(query, { signal });
  let read = 0;
  for await (const group of groups) {
    read += 1;
    // Groups created while reading make the list longer than it was.
    total = Math.max(total, read);
    if (read % 100 === 0) report(read, total);
    yield group;
  }
  report(read, read);
}

/**
 * Reads every group of `filter` as `task` (a Task: progress, Cancel), handing each to `onGroup`.
 * Resolves true when the list was read to its end, null when cancelled.
 * @param {import('./progress.js').Task} task
 * @param {AccountGroups} client
 * @param {Filter} filter
 * @param {(group: AccountGroup) => unknown} onGroup
 * @returns {Promise<true | null>}
 */
export function readInto(task, client, filter, onGroup) {
  return task.run(/** @returns {Promise<true>} */ async ({ signal, report }) => {
    for await (const group of readAll(client, filter, { signal, report })) onGroup(group);
    return true;
  });
}
