// The list flows of an operator's day, in one page, step by step: list, sort, page, filter,
// inspect, create both kinds, close, errors, a narrow screen and the token kept out of storage.
// They run first, on the freshly seeded mock (300 groups), and leave 302 groups, one of them
// CLOSING, for the parts after them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEEDED_USER, api, ctx, log, output, overviewComplete } from './harness.mjs';

let page;
let mock;

const rows = () => page.locator('#rows tr');
const column = (n) => page.locator(`#rows tr td:nth-child(${n})`).allTextContents();
const status = () => page.locator('#status').textContent();
const settled = () => page.waitForFunction(() => document.querySelector('#groups').getAttribute('aria-busy') === 'false');

test('the page loads the first page of 300 groups, newest first', async (t) => {
  ({ page, mock } = ctx);
  const started = Date.now();
  await page.goto(`${mock.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
  const loadMs = Date.now() - started;
  // The overview reads the whole list meanwhile; later steps count requests, so it must be done.
  await overviewComplete(page);
  const overviewMs = Date.now() - started;
  assert.equal(await rows().count(), 25);
  assert.equal(await status(), '1–25 of 300 account groups');
  const created = await column(6);
  assert.deepEqual(created, [...created].sort().reverse(), 'newest first');
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { domContentLoaded: Math.round(nav.domContentLoadedEventEnd), load: Math.round(nav.loadEventEnd) };
  });
  t.diagnostic(`admin: first page of the list rendered ${loadMs} ms after navigation, overview of 300 groups complete after ${overviewMs} ms (a cold start: the wasm compiled first); DOMContentLoaded ${timing.domContentLoaded} ms, load ${timing.load} ms`);
  await page.screenshot({ path: `${output}/admin-1280.png`, fullPage: true });
});

test('sorting by updated time, oldest first', async () => {
  await page.selectOption('#sort', 'updated_at');
  await page.selectOption('#order', 'ASC');
  await settled();
  const updated = await column(7);
  assert.equal(updated.length, 25);
  assert.deepEqual(updated, [...updated].sort(), 'oldest update first');
});

test('paging forward and back, with total_count shown', async () => {
  await page.selectOption('#page-size', '50');
  await settled();
  const first = await column(1);
  await page.click('#next');
  await settled();
  assert.equal(await status(), '51–100 of 300 account groups');
  assert.equal(await page.locator('#page-label').textContent(), 'Page 2 of 6');
  const second = await column(1);
  assert.equal(second.filter((id) => first.includes(id)).length, 0, 'a different page');
  await page.click('#prev');
  await settled();
  assert.deepEqual(await column(1), first);
  assert.ok(await page.locator('#prev').isDisabled());
});

test('filtering by user id lists only that user, and a bad id is refused before any request', async () => {
  const before = (await log()).length;
  await page.fill('#filter-user', 'not-a-uuid');
  await page.click('#list-controls button[type="submit"]');
  assert.equal(await page.locator('#filter-error').textContent(), 'Must be a UUID.');
  assert.equal((await log()).length, before, 'nothing sent');
  await page.fill('#filter-user', SEEDED_USER);
  await page.click('#list-controls button[type="submit"]');
  await settled();
  const owners = await column(4);
  assert.ok(owners.length > 0);
  assert.ok(owners.every((o) => o.includes(SEEDED_USER)), 'only that user');
  const expected = (await api(`/users/${SEEDED_USER}/account_groups?limit=1`)).meta.total_count;
  assert.match(await status(), new RegExp(`of ${expected} account groups of user ${SEEDED_USER}$`));
  await page.click('#clear-filter');
  await settled();
  assert.match(await status(), /of 300 account groups$/);
});

test('creating a user group and a business group; each new row appears at the top', async () => {
  const before = (await log()).length;
  const userId = crypto.randomUUID();
  await page.fill('#owner-id', 'nope');
  await page.fill('#account-number', '1234');
  assert.equal(await page.locator('#owner-id-error').textContent(), 'Must be a UUID like 413715f2-5401-4b97-8055-034a6b879f8c.');
  assert.equal(await page.locator('#account-number-error').textContent(), 'Must be exactly 9 digits.');
  await page.click('#create-form button[type="submit"]');
  assert.equal(await page.locator('#create-result').textContent(), 'Fix the fields marked above.');
  assert.equal((await log()).length, before, 'nothing sent while the form is invalid');

  await page.fill('#owner-id', userId);
  await page.fill('#account-number', '');
  await page.selectOption('#group-type', 'ISA');
  await page.click('#create-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('#create-result').textContent.startsWith('Created'));
  await settled();
  assert.match(await page.locator('#rows tr').first().locator('td:nth-child(4)').textContent(), new RegExp(userId));
  assert.equal(await page.locator('#rows tr').first().locator('td:nth-child(2)').textContent(), 'ISA');

  const businessId = crypto.randomUUID();
  await page.check('input[name="owner"][value="business"]');
  assert.equal(await page.locator('#owner-id-label').textContent(), 'Business id');
  await page.fill('#owner-id', businessId);
  await page.fill('#account-number', '987650001');
  await page.click('#create-form button[type="submit"]');
  await page.waitForFunction((id) => document.querySelector('#rows tr td:nth-child(4)')?.textContent.includes(id), businessId);
  const top = page.locator('#rows tr').first();
  assert.equal(await top.locator('td:nth-child(2)').textContent(), 'BUSINESS');
  assert.equal(await top.locator('td:nth-child(5)').textContent(), '987650001');
  assert.equal(await status(), '1–50 of 302 account groups');
});

test('opening a group with the keyboard, then closing it after a confirmation: CLOSING', async () => {
  const top = page.locator('#rows tr').first();
  const id = await top.getAttribute('data-id');
  await top.locator('button').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((groupId) => document.querySelector('#detail-id').textContent === groupId && document.querySelector('#detail').getAttribute('aria-busy') === 'false', id);
  assert.match(await page.locator('#detail-fields').textContent(), /Request id[0-9a-f-]{36}/);
  await page.selectOption('#closure-reason', 'user_initiated');
  await page.click('#close-form button[type="submit"]');
  await page.waitForSelector('#confirm[open]');
  assert.match(await page.locator('#confirm-text').textContent(), new RegExp(`Close account group ${id}\\?`));
  await page.keyboard.press('Tab');
  await page.locator('#confirm-yes').press('Enter');
  await page.waitForFunction(() => document.querySelector('#detail-fields .badge')?.textContent === 'CLOSING');
  await settled();
  assert.equal(await page.locator(`#rows tr[data-id="${id}"] .badge`).textContent(), 'CLOSING');
  const closes = (await log()).filter((r) => r.method === 'DELETE');
  assert.equal(closes.at(-1).query, 'closure_reason=user_initiated&notification_only=false');
  assert.ok(await page.locator('#close-form').isHidden(), 'a closing group offers no second close');
});

test('a problem is shown with title, detail and request id, and server markup stays text', async () => {
  const markup = '<img src=x id=injected onerror="document.body.dataset.pwned=1"><b>bold</b>';
  await fetch(`${mock.url}/__mock/faults`, { method: 'POST', body: JSON.stringify([{ method: 'GET', path: '/account_groups', times: 2, status: 500, detail: markup }]) });
  await page.click('#next');
  await page.waitForSelector('#problem:not([hidden])');
  assert.equal(await page.locator('#problem-title').textContent(), 'Internal Server Error');
  assert.equal(await page.locator('#problem-detail').textContent(), markup);
  assert.match(await page.locator('#problem-request-id').textContent(), /^[0-9a-f-]{36}$/);
  assert.equal(await page.locator('#injected').count(), 0, 'no element was made from server text');
  assert.equal(await page.evaluate(() => document.body.dataset.pwned), undefined);
  assert.equal(await rows().count(), 0, 'no rows of another page under the failed one');
  assert.equal(await page.locator('#page-label').textContent(), 'Page 2');
  assert.ok((await page.locator('#prev').isEnabled()) && (await page.locator('#next').isDisabled()));
  await page.screenshot({ path: `${output}/admin-problem.png` });
});

test('readable at 390 px: no sideways scrolling, every control labelled', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('#prev'); // back from the page that failed
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await overviewComplete(page);
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide on a 390 px screen`);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, progress')].filter((c) => !c.labels?.length && !c.getAttribute('aria-label')).map((c) => c.id || c.name),
  );
  assert.deepEqual(unlabelled, []);
  await page.screenshot({ path: `${output}/admin-390.png`, fullPage: true });
});

test('the access token is never written to localStorage', async () => {
  await page.click('#settings summary');
  await page.fill('#token', 'a-secret-token');
  await page.click('#settings-form button[type="submit"]');
  await settled();
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes('a-secret-token'), stored);
  assert.match(stored, /upvest-admin\.clientId/);
  const lastRequest = (await log()).at(-1);
  assert.equal(lastRequest.headers.authorization, 'Bearer a-secret-token');
  // The group closed above is still open and CLOSING here: closing the page stops its checks.
  await page.close();
});
