// The Overview region: counts by status, by type and per month that equal the list as the mock
// holds it (counted here from its list pages), the time from navigation to a complete overview,
// Cancel through the signal, Refresh, and the note when the page has changed the list since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctx, everyGroup, faults, log, newPage, output, overviewComplete, text } from './harness.mjs';

/** A chart's table (the screen-reader alternative) as { label: count }. */
async function chartTable(page, id) {
  const rows = await page.locator(`#${id} table tbody tr`).evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].textContent)]));
  return Object.fromEntries(rows);
}

/** The SVG's text labels and values, in order: what a sighted reader sees. */
const chartDrawing = (page, id) => page.locator(`#${id} svg text`).allTextContents();

const countBy = (groups, key) => groups.reduce((counts, g) => ({ ...counts, [key(g)]: (counts[key(g)] ?? 0) + 1 }), {});
const withoutZeros = (counts) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

let page;

test('overview: complete soon after navigation, with counts equal to the mock’s list pages', async (t) => {
  page = await newPage();
  const sent = (await log()).length;
  const started = Date.now();
  await page.goto(`${ctx.mock.url}/`);
  await overviewComplete(page);
  const elapsed = Date.now() - started;
  const mark = await page.evaluate(() => Math.round(performance.getEntriesByName('overview-complete')[0].startTime));
  const groups = await everyGroup();
  t.diagnostic(`admin: overview of ${groups.length} groups complete ${elapsed} ms after navigation in a new page (${mark} ms by the page's own clock)`);

  assert.match(await text(page, '#overview-status'), new RegExp(`^${groups.length} account groups, read at .+\\.$`));
  assert.equal(await text(page, '#overview-count'), `${groups.length} of ${groups.length}`);
  assert.equal(await page.locator('#overview-progress').evaluate((p) => [p.value, p.max].join('/')), `${groups.length}/${groups.length}`);

  const byStatus = await chartTable(page, 'chart-status');
  const byType = await chartTable(page, 'chart-type');
  const byMonth = await chartTable(page, 'chart-created');
  assert.deepEqual(withoutZeros(byStatus), countBy(groups, (g) => g.status));
  assert.deepEqual(withoutZeros(byType), countBy(groups, (g) => g.type));
  assert.equal(await page.locator('#chart-created figcaption').textContent(), 'Groups created per month (UTC)', 'a year of groups: per month');
  assert.deepEqual(withoutZeros(byMonth), countBy(groups, (g) => g.created_at.slice(0, 7)));
  for (const counts of [byStatus, byType, byMonth]) assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), groups.length);

  // The drawing carries the same labels and numbers as text.
  const drawing = await chartDrawing(page, 'chart-status');
  assert.deepEqual(drawing, Object.entries(byStatus).flat().map(String));
  assert.equal(await page.locator('#overview svg[aria-hidden="true"]').count(), 3, 'the drawings are hidden from screen readers');

  // Read with iterate at 1000 a page: the head request for total_count, then one page.
  const reads = (await log()).slice(sent).filter((r) => r.headers.authorization === 'Bearer admin-page-token' && r.path === '/account_groups').map((r) => r.query);
  const list = 'sort=created_at&order=DESC&offset=0&limit=25'; // the table's first page, meanwhile
  assert.deepEqual(reads.sort(), [list, 'sort=created_at&order=ASC&limit=1', 'sort=created_at&order=ASC&offset=0&limit=1000'].sort());
  await page.locator('#overview').screenshot({ path: `${output}/admin-overview.png` });
});

test('overview: Cancel aborts the reading through the signal; the last counts stay; Refresh reads again', async () => {
  const before = await chartTable(page, 'chart-status');
  // Slow answers, so there is time to cancel while the page of 1000 is under way.
  await faults([{ method: 'GET', path: '/account_groups', times: 2, delay_ms: 3000 }]);
  const sent = (await log()).length;
  await page.click('#overview-refresh');
  await page.waitForFunction(() => document.querySelector('#overview-count').textContent !== '' && document.querySelector('#overview').dataset.state === 'reading');
  assert.match(await text(page, '#overview-count'), /^0 of \d+$/);
  assert.ok(await page.locator('#overview-cancel').isEnabled());
  await page.click('#overview-cancel');
  await page.waitForFunction(() => document.querySelector('#overview').dataset.state === 'cancelled');
  assert.match(await text(page, '#overview-status'), /^Cancelled after reading 0 of \d+ account groups\.$/);
  assert.ok(await page.locator('#overview-cancel').isDisabled());
  assert.deepEqual(await chartTable(page, 'chart-status'), before, 'the earlier counts are still shown');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = (await log()).slice(sent).filter((r) => r.path === '/account_groups');
  assert.deepEqual(after.map((r) => r.query), ['sort=created_at&order=ASC&limit=1', 'sort=created_at&order=ASC&offset=0&limit=1000'], 'nothing more after the cancelled page');

  await page.click('#overview-refresh');
  await overviewComplete(page);
  assert.deepEqual(await chartTable(page, 'chart-status'), before);
});

test('overview: a change made on the page marks the counts out of date until Refresh', async () => {
  assert.ok(await page.locator('#overview-stale').isHidden());
  await page.fill('#owner-id', crypto.randomUUID());
  await page.selectOption('#group-type', 'CHILD');
  await page.click('#create-form button[type="submit"]');
  await page.waitForSelector('#overview-stale:not([hidden])');
  const child = (await chartTable(page, 'chart-type')).CHILD;
  await page.click('#overview-refresh');
  await overviewComplete(page);
  assert.ok(await page.locator('#overview-stale').isHidden());
  assert.equal((await chartTable(page, 'chart-type')).CHILD, child + 1);
  const groups = await everyGroup();
  assert.deepEqual(withoutZeros(await chartTable(page, 'chart-type')), countBy(groups, (g) => g.type));
  await page.close();
});
