// @ts-check
// Lazy iteration over every page, for `for await`: a page is fetched only when the loop has used
// up the previous one, none after the loop ends, and `next()` calls made before the previous one
// settled wait for it, so items come in order however the caller calls. The core's pager decides
// which page comes next and when to stop (each page reads the end of the previous one again, so
// a list that changes during the loop loses no group); the items of a page are handed out here,
// less the groups this iteration already yielded, which the core remembers: 16 bytes a group in
// a table at most half full, so 3.2 MB of wasm memory for 100,000 (wasm memory, once grown, is
// kept by the instance and reused, not returned to the system).

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
 * @returns {AsyncIterableIterator<any>}
 */
export function pages(open) {
  /** @type {PageSource | undefined} */
  let source;
  /** @type {unknown[]} */
  let page = [];
  let index = 0;
  let closed = false;
  /** @type {Promise<unknown> | null} */
  let pending = null;

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
      if (index < page.length) return { value: page[index++], done: false };
      const call = closed ? undefined : source.pager.next();
      if (call === undefined) return finish(undefined);
      const body = await run(source.transport, call, source.signal, source.headers);
      if (closed) return finish(undefined);
      // Our own parse of the page the core checked: meta's counters are numbers, data an array
      // of groups with UUID ids. The core refuses a page that does not continue this iteration
      // (a ResponseError); it remembers the groups yielded (in wasm memory, keyed by the ids'
      // bits: hashing the id strings in a Set cost more than the rest of the loop) and names
      // those of this page it yielded before.
      /** @type {{ id: string }[]} */
      const groups = body.data;
      let ids = '';
      for (let i = 0; i < groups.length; i += 1) ids += groups[i].id;
      const repeats = source.pager.advance(body.meta.offset, ids, body.meta.total_count, body.lastResponse.requestId);
      /** @type {unknown[]} */
      let fresh = groups;
      if (repeats.length > 0) {
        fresh = [];
        for (let i = 0, r = 0; i < groups.length; i += 1) {
          if (r < repeats.length && repeats[r] === i) r += 1;
          else fresh.push(groups[i]);
        }
      }
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
      if (pending === null && index < page.length) return Promise.resolve({ value: page[index++], done: false });
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
