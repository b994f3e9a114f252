// Iteration over pages (js/pages.js, with js/collect.js) from its source, over a scripted pager:
// which page comes next, and when the list is done, is the core's to say (tested natively in
// src/core/paging.rs); here, that the JavaScript does what it says: fetches a page only when the
// loop needs one, tells the pager what each page held, skips groups it yielded before, stops,
// frees, and lets errors and aborts through.
import { DONE_WITH_BODY, FAIL, ScriptedPager } from './fake-core.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect } from '../../js/collect.js';
import { ResponseError } from '../../js/errors.js';
import { pages } from '../../js/pages.js';
import { response, scriptedExchange } from './scripted-transport.mjs';

const DONE = [{ verdict: DONE_WITH_BODY }];
/** A group's id (36 characters, as a UUID's) named by a letter, and back. */
const idOf = (name) => name.padEnd(36, '.');
const nameOf = (id) => id.replace(/\.+$/, '');
/** A page of groups with these ids. */
const page = (offset, names, total) =>
  response(200, JSON.stringify({ meta: { offset, limit: 2, count: names.length, total_count: total }, data: names.map((name) => ({ id: idOf(name), name: `group ${name}` })) }), { 'upvest-request-id': `req-${offset}` });

/**
 * An iteration over scripted pages, with what it records.
 * @param {object} script
 * @param {ReturnType<typeof page>[]} script.results what each page's request brings
 * @param {import('./fake-core.mjs').Step[][]} [script.calls] each page's verdicts (done by default)
 * @param {(page: number) => Error | undefined} [script.refuse]
 * @param {AbortSignal} [script.signal]
 */
function scripted({ results, calls = results.map(() => DONE), refuse, signal }) {
  const pager = new ScriptedPager({ calls, refuse });
  const { exchange, calls: sent } = scriptedExchange(results);
  const transport = { fetch: undefined, exchange, agent: undefined, signer: undefined, onRequest: undefined, onResponse: undefined, log: undefined, tracer: undefined, tokens: undefined, userAgent: undefined };
  let opened = 0;
  const iterator = pages(() => ((opened += 1), { pager, signal, transport, headers: ['x-iteration', 'it-1'] }));
  return { iterator, pager, sent, opened: () => opened };
}

/** The ids of what `iterator` yields, to its end. */
async function ids(iterator) {
  const seen = [];
  for await (const group of iterator) seen.push(nameOf(group.id));
  return seen;
}

test('pages in order; the pager is told what each held, and what it names as yielded before is skipped; and stops the loop; everything freed once', async () => {
  // The list shifted between pages: page 2 repeats b, page 3 only repeats.
  const { iterator, pager, sent, opened } = scripted({ results: [page(0, ['a', 'b'], 5), page(1, ['b', 'c'], 5), page(2, ['c'], 5), page(3, ['d', 'e'], 5)] });
  assert.equal(opened(), 0, 'nothing is opened before the first next()');
  assert.deepEqual(await ids(iterator), ['a', 'b', 'c', 'd', 'e']);
  assert.equal(opened(), 1);
  assert.deepEqual(pager.advanced, [
    { offset: 0, ids: ['a', 'b'].map(idOf), totalCount: 5, requestId: 'req-0' },
    { offset: 1, ids: ['b', 'c'].map(idOf), totalCount: 5, requestId: 'req-1' },
    { offset: 2, ids: ['c'].map(idOf), totalCount: 5, requestId: 'req-2' },
    { offset: 3, ids: ['d', 'e'].map(idOf), totalCount: 5, requestId: 'req-3' },
  ]);
  assert.equal(sent.length, 4, 'no request after the pager said done');
  assert.deepEqual(sent.map((s) => s.url), pager.handedOut.map((call) => call.url), "each page's request is its call's");
  assert.ok(sent.every((s) => s.headers.join().endsWith('x-iteration,it-1')), "the iteration's headers on every page");
  assert.equal(pager.freed, 1);
  assert.ok(pager.handedOut.every((call) => call.freed === 1), "every page's call freed");
  assert.deepEqual(await iterator.next(), { value: undefined, done: true }, 'done stays done');
  assert.equal(sent.length, 4);
});

test('a page is fetched only when the loop needs it: none after break, none after return()', async () => {
  const { iterator, pager, sent } = scripted({ results: [page(0, ['a', 'b'], 4), page(2, ['c', 'd'], 4)] });
  for await (const group of iterator) {
    assert.equal(nameOf(group.id), 'a');
    break;
  }
  assert.deepEqual([sent.length, pager.handedOut.length, pager.freed], [1, 1, 1]);
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  assert.deepEqual(await iterator.return('r'), { value: 'r', done: true });
  assert.equal(sent.length, 1);
});

test('return() while a page is in flight: the page is dropped, the pager not told of it, freed once', async () => {
  let arrive;
  const held = new Promise((resolve) => (arrive = resolve));
  const { iterator, pager } = scripted({ results: [async () => (await held, { ...page(0, ['a'], 1) })] });
  const step = iterator.next();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(await iterator.return(undefined), { value: undefined, done: true });
  arrive();
  assert.deepEqual(await step, { value: undefined, done: true });
  assert.deepEqual([pager.advanced.length, pager.freed, pager.handedOut[0].freed], [0, 1, 1]);
});

test('collect stops at max without asking for the next page', async () => {
  const { iterator, pager, sent } = scripted({ results: [page(0, ['a', 'b'], 6), page(2, ['c', 'd'], 6), page(4, ['e', 'f'], 6)] });
  const items = await collect(iterator, { max: 3 });
  assert.deepEqual(items.map((g) => nameOf(g.id)), ['a', 'b', 'c']);
  assert.deepEqual([sent.length, pager.freed], [2, 1]);
});

test('next() called many times at once: items in order, one page at a time', async () => {
  let inFlight = 0;
  let most = 0;
  const slow = (result) => async () => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight -= 1;
    return { ...result };
  };
  const { iterator } = scripted({ results: [page(0, ['a', 'b'], 4), page(2, ['c', 'd'], 4)].map(slow) });
  const steps = await Promise.all(Array.from({ length: 6 }, () => iterator.next()));
  assert.deepEqual(steps.map((s) => (s.done ? 'done' : nameOf(s.value.id))), ['a', 'b', 'c', 'd', 'done', 'done']);
  assert.equal(most, 1);
});

test("a page's call that fails: its error ends the loop, after the items before it", async () => {
  const { iterator, pager } = scripted({ results: [page(0, ['a', 'b'], 4), response(503, '{}', { 'content-type': 'application/problem+json' })], calls: [DONE, [{ verdict: FAIL, problemBody: true }]] });
  const seen = [];
  await assert.rejects(
    (async () => {
      for await (const group of iterator) seen.push(nameOf(group.id));
    })(),
    (error) => error === pager.handedOut[1].errors[0].error,
  );
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(pager.handedOut[1].freed, 1);
  assert.equal(pager.freed, 1, 'the pager is freed when the error ends the loop');
  assert.deepEqual(await iterator.next(), { value: undefined, done: true }, 'a next() after the error is done, and asks for nothing');
  assert.equal(pager.handedOut.length, 2);
});

test('a page the core refuses (advance throws): that error ends the loop, and none of its items is yielded', async () => {
  const refusal = new ResponseError('paging: the list moved', { code: 'paging', status: 200 });
  const { iterator, pager, sent } = scripted({ results: [page(0, ['a', 'b'], 4), page(2, ['c', 'd'], 4), page(4, [], 4)], refuse: (n) => (n === 1 ? refusal : undefined) });
  const seen = [];
  await assert.rejects(
    (async () => {
      for await (const group of iterator) seen.push(nameOf(group.id));
    })(),
    (error) => error === refusal,
  );
  assert.deepEqual([seen, sent.length, pager.freed], [['a', 'b'], 2, 1]);
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  assert.equal(sent.length, 2);
});

test("what opening throws (the core refusing the query) rejects the first next(); nothing is sent", async () => {
  const refused = new Error('bad query');
  const iterator = pages(() => {
    throw refused;
  });
  await assert.rejects(iterator.next(), (error) => error === refused);
});

test("the signal: an abort between pages rejects the next one with its reason, and nothing more is sent", async () => {
  const controller = new AbortController();
  const { iterator, pager, sent } = scripted({ results: [page(0, ['a', 'b'], 4), page(2, ['c', 'd'], 4)], signal: controller.signal });
  assert.equal((await iterator.next()).value.id, idOf('a'));
  assert.equal((await iterator.next()).value.id, idOf('b'));
  controller.abort('stop');
  await assert.rejects(iterator.next(), (error) => error === 'stop');
  assert.equal(sent.length, 1);
  assert.equal(pager.handedOut[1].freed, 1, "the aborted page's call is freed");
  assert.ok(sent.every((s) => s.signal === controller.signal), "each page's request carries the signal");
});
