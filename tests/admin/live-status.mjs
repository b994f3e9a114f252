// Live status: an open group that is CLOSING is asked for again, with growing pauses, until it
// is CLOSED; the change is announced in a live region; the asking stops then, and stops as soon
// as the view closes. A second mock makes closed groups CLOSED after 2.5 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMock } from '../../scripts/with-mock.mjs';
import { api, ctx, detailShows, log, mockFlags, newPage, openAdmin, seededClosing, tabTo, text } from './harness.mjs';

const CLOSE_DELAY_MS = 2500;
let mock;
let page;
/** When the page asked for each group: id → [ms since the test started]. */
const asked = new Map();
const started = Date.now();

async function setUp() {
  mock = await startMock(mockFlags('--close-delay-ms', String(CLOSE_DELAY_MS)));
  ctx.cleanups.push(() => mock.stop());
  page = await newPage();
  page.on('request', (request) => {
    const match = /\/account_groups\/([0-9a-f-]{36})$/.exec(new URL(request.url()).pathname);
    if (match && request.method() === 'GET') asked.set(match[1], [...(asked.get(match[1]) ?? []), Date.now() - started]);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const gets = async (id) => (await log(mock.url)).filter((r) => r.method === 'GET' && r.path === `/account_groups/${id}`).length;

test('live status: a group closed by keyboard goes CLOSING, then CLOSED, announced; then the asking stops', async () => {
  await setUp();
  const active = (await api('/account_groups?sort=created_at&order=DESC&limit=25', mock.url)).data.find((g) => g.status === 'ACTIVE');
  await openAdmin(page, `/?group=${active.id}`, mock.url);
  await detailShows(page, active.id);
  await tabTo(page, '#closure-reason');
  await page.keyboard.press('ArrowDown'); // (none) → user_initiated
  await tabTo(page, '#close-form button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#confirm[open]');
  await tabTo(page, '#confirm-yes');
  // Before the close is sent, so the mock's delay runs after this on any machine.
  const closing = Date.now();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#detail-fields .badge')?.textContent === 'CLOSING');
  assert.equal(await page.locator('#detail-live').getAttribute('role'), 'status', 'a polite live region');
  assert.match(await text(page, '#detail-live'), /^Closing: /);

  await page.waitForFunction(() => document.querySelector('#detail-fields .badge')?.textContent === 'CLOSED', null, { timeout: CLOSE_DELAY_MS + 10_000 });
  assert.ok(Date.now() - closing >= CLOSE_DELAY_MS - 100, 'not before the mock closed it');
  assert.equal(await text(page, '#detail-live'), `Account group ${active.id} is now CLOSED.`);
  await page.waitForFunction((id) => document.querySelector(`#rows tr[data-id="${id}"] .badge`)?.textContent === 'CLOSED', active.id);
  assert.ok(await page.locator('#overview-stale').isVisible(), 'the overview says it is out of date');
  const closes = (await log(mock.url)).filter((r) => r.method === 'DELETE');
  assert.equal(closes.at(-1).query, 'closure_reason=user_initiated&notification_only=false');

  const count = await gets(active.id);
  await sleep(4000);
  assert.equal(await gets(active.id), count, 'no more requests once CLOSED');
});

test('live status: pauses grow between checks, and the checks stop when the view closes', async () => {
  // Seeded CLOSING groups never finish closing, so the page keeps asking while it shows one.
  const closing = seededClosing((await api('/account_groups?sort=created_at&order=DESC&limit=100', mock.url)).data);
  await page.locator('#lookup-id').fill(closing.id);
  await page.locator('#lookup-id').press('Enter');
  await detailShows(page, closing.id);
  while ((asked.get(closing.id) ?? []).length < 5) await sleep(200);
  const times = asked.get(closing.id);
  const pauses = times.slice(1).map((t, i) => t - times[i]);
  // The look-up, then checks after 1, 1.5, 2.25 and 3.375 s (www/poll.js), each plus the round
  // trip before it. Measured from Playwright's request events, which a loaded machine can deliver
  // late: so each pause is held to at least its design, less 300 ms, and not compared with the
  // pause before (a late round trip lengthens that one). Polling at a fixed pace fails from the
  // second pause on.
  const designed = pauses.map((_, i) => 1000 * 1.5 ** i);
  assert.ok(pauses.every((pause, i) => pause >= designed[i] - 300), `pauses grow: ${pauses.join(', ')} ms, against ${designed.join(', ')} ms`);

  await page.click('#detail-dismiss');
  const count = await gets(closing.id);
  await sleep(4000);
  assert.equal(await gets(closing.id), count, 'no request after the view closed');
  assert.ok(await page.locator('#detail').isHidden());
  await page.close();
});
