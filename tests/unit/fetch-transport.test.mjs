// The fetch transport (js/runtime.js: `exchange`, and the pieces both transports share) from its
// source, over a scripted `fetch`: what fetch is handed, the head read, a body kept within
// maxResponseBytes as it streams, a 3xx reported and not followed, and every failure named by
// one rule (the caller's abort, else the time limit, else the network). Never rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exchange, Gathered, READ, readHead, settleFirst, SKIP, sleep, TOO_LARGE, emptyResult } from '../../js/runtime.js';
import { fakeClock, settle } from './fake-clock.mjs';

const HEADERS = ['authorization', 'Bearer t', 'accept', 'application/json'];
const wantsJson = (status, contentType) => contentType?.includes('json') ?? false;

/** A fetch that answers with `answer(url, init)` and records what it was handed. */
function scriptedFetch(answer) {
  const fetch = async (url, init) => {
    fetch.calls.push({ url, init });
    return answer(url, init);
  };
  fetch.calls = [];
  return fetch;
}

/** A body stream of `chunks` (then endless when `endless`), counting what was pulled and whether
 * it was cancelled. */
function stream(chunks, { endless = false, failAfter } = {}) {
  const state = { pulled: 0, cancelled: false };
  let i = 0;
  state.body = new ReadableStream({
    pull(controller) {
      if (failAfter !== undefined && i === failAfter) return controller.error(new TypeError('terminated', { cause: { code: 'UND_ERR_SOCKET' } }));
      const chunk = chunks[i] ?? (endless ? new Uint8Array(1024) : undefined);
      i += 1;
      if (chunk === undefined) return controller.close();
      state.pulled += chunk.length;
      controller.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return state;
}

/** One exchange over `fetch` with the usual arguments, less what `more` changes. */
const attempt = (fetch, more = {}) => {
  const { timeoutMs = 1000, signal, maxBytes = 4096, wantsBody = wantsJson, method = 'POST', body = '{"a":1}' } = more;
  return exchange({ fetch, agent: undefined }, method, 'https://api.test/x', HEADERS, body, timeoutMs, signal, maxBytes, wantsBody);
};

test('fetch is handed a Headers, redirect manual, the body and a signal, in an init with no prototype; a 3xx is reported, not followed', async () => {
  const fetch = scriptedFetch(() => new Response(null, { status: 302, headers: { location: 'https://elsewhere.test/', 'upvest-request-id': 'r1' } }));
  const result = await attempt(fetch);
  assert.equal(fetch.calls.length, 1);
  const { url, init } = fetch.calls[0];
  assert.equal(url, 'https://api.test/x');
  assert.equal(Object.getPrototypeOf(init), null);
  assert.ok(init.headers instanceof Headers);
  assert.deepEqual([...init.headers], [['accept', 'application/json'], ['authorization', 'Bearer t']]);
  assert.deepEqual([init.method, init.redirect, init.body, init.signal instanceof AbortSignal], ['POST', 'manual', '{"a":1}', true]);
  assert.deepEqual([result.failure, result.status, result.requestId, result.body.length], ['', 302, 'r1', 0]);
});

test('the head is read; a body declared within the limit is read whole, any other streamed, both as bytes', async () => {
  const declared = await attempt(scriptedFetch(() => new Response('{"id":1}', { status: 200, headers: { 'content-type': 'application/json', 'content-length': '8', 'retry-after': '3', 'upvest-request-id': 'r2' } })));
  assert.deepEqual([declared.failure, declared.status, declared.contentType, declared.retryAfter, declared.requestId], ['', 200, 'application/json', '3', 'r2']);
  assert.equal(new TextDecoder().decode(declared.body), '{"id":1}');
  assert.equal(declared.headers.get('content-length'), '8', "the response's headers, for lastResponse");
  const chunks = [new Uint8Array([123, 34]), new Uint8Array([97, 34, 58, 49, 125])];
  const streamed = stream(chunks);
  const result = await attempt(scriptedFetch(() => new Response(streamed.body, { status: 200, headers: { 'content-type': 'application/json' } })));
  assert.equal(new TextDecoder().decode(result.body), '{"a":1}');
});

test('a body the core does not want is cancelled unread, whatever its size', async () => {
  const endless = stream([], { endless: true });
  const result = await attempt(scriptedFetch(() => new Response(endless.body, { status: 503, headers: { 'content-type': 'text/html' } })));
  assert.deepEqual([result.failure, result.status, result.body.length, endless.cancelled], ['', 503, 0, true]);
  assert.ok(endless.pulled <= 1024, `pulled ${endless.pulled}`);
});

test('maxResponseBytes: a larger declared length is too-large unread; a stream is cut off as soon as it passes the limit', async () => {
  const declared = stream([new Uint8Array(10)]);
  const large = await attempt(scriptedFetch(() => new Response(declared.body, { status: 200, headers: { 'content-type': 'application/json', 'content-length': '5000' } })), { maxBytes: 4096 });
  assert.deepEqual([large.failure, large.status, declared.cancelled], ['too-large', 200, true]);
  const endless = stream([], { endless: true });
  const cut = await attempt(scriptedFetch(() => new Response(endless.body, { status: 200, headers: { 'content-type': 'application/json' } })), { maxBytes: 4096 });
  assert.deepEqual([cut.failure, endless.cancelled], ['too-large', true]);
  assert.ok(endless.pulled <= 4096 + 2 * 1024, `read ${endless.pulled} bytes past a 4096-byte limit`);
  const exact = await attempt(scriptedFetch(() => new Response(stream([new Uint8Array(4096)]).body, { status: 200, headers: { 'content-type': 'application/json' } })), { maxBytes: 4096 });
  assert.deepEqual([exact.failure, exact.body.length], ['', 4096], 'the limit itself is allowed');
});

test('failures: fetch rejecting, a body cut short, something not a Response, all network; the error kept', async () => {
  const thrown = new TypeError('fetch failed');
  const rejected = await attempt(scriptedFetch(() => Promise.reject(thrown)));
  assert.deepEqual([rejected.failure, rejected.error], ['network', thrown]);
  const cutShort = await attempt(scriptedFetch(() => new Response(stream([new Uint8Array(3)], { failAfter: 1 }).body, { status: 200, headers: { 'content-type': 'application/json' } })));
  assert.deepEqual([cutShort.failure, cutShort.status, cutShort.error.message], ['network', 200, 'terminated']);
  const junk = await attempt(scriptedFetch(() => ({ status: 'no', headers: null })));
  assert.deepEqual([junk.failure, junk.error.constructor], ['network', TypeError]);
});

test('the time limit: a fetch that ignores its signal, or a body that stalls, is a timeout after timeoutMs; fetch is told', async (t) => {
  const timers = fakeClock(t);
  const hanging = scriptedFetch(() => new Promise(() => {}));
  let started = Date.now();
  const { value: result } = await settle(attempt(hanging, { timeoutMs: 750 }), timers);
  assert.deepEqual([result.failure, Date.now() - started], ['timeout', 750]);
  const signal = hanging.calls[0].init.signal;
  assert.ok(signal.aborted && signal.reason.name === 'TimeoutError');
  const stalled = new ReadableStream({ pull: () => new Promise(() => {}) });
  started = Date.now();
  const { value: slow } = await settle(attempt(scriptedFetch(() => new Response(stalled, { status: 200, headers: { 'content-type': 'application/json' } })), { timeoutMs: 300 }), timers);
  assert.deepEqual([slow.failure, slow.status, Date.now() - started], ['timeout', 200, 300]);
});

test("the caller's abort: before the attempt nothing is fetched; during it, 'aborted' with the caller's reason", async () => {
  const fetch = scriptedFetch(() => new Promise(() => {}));
  const before = await attempt(fetch, { signal: AbortSignal.abort('early') });
  assert.deepEqual([before.failure, before.error, fetch.calls.length], ['aborted', 'early', 0]);
  const controller = new AbortController();
  const during = attempt(fetch, { signal: controller.signal });
  await new Promise((resolve) => setImmediate(resolve));
  controller.abort('late');
  const result = await during;
  assert.deepEqual([result.failure, result.error, fetch.calls[0].init.signal.reason], ['aborted', 'late', 'late']);
});

test('readHead and Gathered, the rules both transports share', () => {
  const result = emptyResult();
  const head = { 'upvest-request-id': 'r', 'content-type': 'application/json', 'retry-after': '1', 'content-length': '11' };
  const header = (name) => head[name];
  assert.equal(readHead(result, 429, header, 10, wantsJson), TOO_LARGE);
  assert.deepEqual([result.status, result.requestId, result.contentType, result.retryAfter], [429, 'r', 'application/json', '1']);
  assert.equal(readHead(emptyResult(), 200, header, 11, wantsJson), READ);
  assert.equal(readHead(emptyResult(), 200, header, 1, () => false), SKIP, 'an unwanted body is skipped whatever its size');
  const gathered = new Gathered(5);
  assert.equal(gathered.add(new Uint8Array([1, 2])), true);
  assert.equal(gathered.add(new Uint8Array([3, 4, 5])), true);
  assert.deepEqual(gathered.bytes(), new Uint8Array([1, 2, 3, 4, 5]));
  assert.equal(gathered.add(new Uint8Array([6])), false);
  assert.deepEqual(gathered.chunks, [], 'nothing kept past the limit');
});

test('settleFirst and sleep: bounded by a signal and a time, a throwing thenable a rejection', async (t) => {
  const timers = fakeClock(t);
  const late = settleFirst(new Promise(() => {}), undefined, 40, () => 'timed out');
  const { error } = await settle(late, timers);
  assert.equal(error, 'timed out');
  const thenable = {
    then() {
      throw new Error('bad then');
    },
  };
  await assert.rejects(settleFirst(thenable, undefined), /bad then/);
  const controller = new AbortController();
  const waiting = settleFirst(new Promise(() => {}), controller.signal);
  controller.abort('stop');
  await assert.rejects(waiting, (reason) => reason === 'stop');
  const started = Date.now();
  await settle(sleep(1234, undefined), timers);
  assert.equal(Date.now() - started, 1234);
  const napping = new AbortController();
  const nap = sleep(60_000, napping.signal);
  napping.abort('wake');
  await assert.rejects(nap, (reason) => reason === 'wake');
  await assert.rejects(sleep(1, AbortSignal.abort('already')), (reason) => reason === 'already');
});
