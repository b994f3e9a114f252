// @ts-check
// Lazy iteration over every page, for `for await`, group by group or page by page: a page is
// fetched only when the loop has used up the previous one, none after the loop ends, and
// `next()` calls made before the previous one settled wait for it, so items come in order
// however the caller calls. The core's pager decides which page comes next and when to stop
// (each page reads the end of the previous one again, so a list that changes during the loop
// loses no group); the items of a page are handed out here, less the groups this iteration
// already yielded, which it remembers: about 100 bytes a group (an id is 36 characters), 10 MB
// for 100,000.

import { run } from './driver.js';

/**
 * @typedef {object} PageSource
 * @property {import('./wasm-core').PagerCore} pager
 * @property {AbortSignal | undefined} signal
 * @property {import('./driver.js').Transport} transport
 * @property {string[]} headers the iteration's own headers, sent with every page
 */

/**
 * @param {() => PageSource} open checks the iteration's input; what it throws rejects the first
 *   `next()`, so every error reaches the `try` around the `for await`
 * @param {boolean} [byPage] whether each step hands out a page's groups (those not yielded
 *   before, never none) as one array, rather than one group: a `for await` step a page instead
 *   of a group, for callers who work in batches
 * @returns {AsyncIterableIterator<any>}
 */
export function pages(open, byPage = false) {
  /** @type {PageSource | undefined} */
  let source;
  /** @type {unknown[]} */
  let page = [];
  /** @type {Set<string>} the ids yielded so far */
  const yielded = new Set();
  let index = 0;
  let closed = false;
  /** @type {Promise<unknown> | null} */
  let pending = null;

  /** The next value of a page that has one: a group, or (by page) the page, handed out whole. */
  const take = () => {
    if (!byPage) return page[index++];
    index = page.length;
    return page;
  };

  /** @returns {Promise<IteratorResult<any>>} */
  const pull = async () => {
    try {
      return await pullPages();
    } catch (error) {
      // An error ends the iteration, as it ends an async generator: its pager is freed now
      // (`for await` calls no return() when next() rejects), and a later next() is done.
      finish(undefined);
      throw error;
    }
  };

  /** @returns {Promise<IteratorResult<any>>} */
  const pullPages = async () => {
    source ??= open();
    for (;;) {
      if (index < page.length) return { value: take(), done: false };
      const call = closed ? undefined : source.pager.next();
      if (call === undefined) return finish(undefined);
      const body = await run(source.transport, call, source.signal, source.headers);
      if (closed) return finish(undefined);
      // Our own parse of the page the core checked: meta's counters are numbers, data an array
      // of groups with string ids. The core refuses a page that does not continue this
      // iteration (a ResponseError), and is told how much of it was yielded before.
      /** @type {{ id: string }[]} */
      const groups = body.data;
      // One pass, one lookup a group: the groups not yielded before, remembered now (should the
      // core refuse the page, the iteration ends and the memory with it).
      /** @type {unknown[]} */
      const fresh = [];
      for (const group of groups) {
        const { id } = group;
        if (yielded.has(id)) continue;
        yielded.add(id);
        fresh.push(group);
      }
      source.pager.advance(body.meta.offset, groups.length, body.meta.total_count, groups.length - fresh.length, body.lastResponse.requestId);
      page = fresh;
      index = 0;
    }
  };

  /** @param {unknown} value @returns {IteratorResult<any>} */
  const finish = (value) => {
    closed = true;
    page = [];
    source?.pager.free();
    source = undefined;
    return { value, done: true };
  };

  /** @type {AsyncIterableIterator<any>} */
  const iterator = {
    next() {
      if (pending === null && index < page.length) return Promise.resolve({ value: take(), done: false });
      const step = (pending ?? Promise.resolve()).then(pull);
      // Once this step settles, either way, and no later one waits on it, the fast path is open.
      const release = () => {
        if (pending === settled) pending = null;
      };
      const settled = step.then(release, release);
      pending = settled;
      return step;
    },
    // `break`, `return` or a throw inside `for await` lands here: no page is fetched after it.
    return(value) {
      return Promise.resolve(closed ? { value, done: true } : finish(value));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
