// Shareable state: the URL holds sort, order, page size, page, user filter and open group; a
// link restores all of it in a new page, back and forward step through the operator's moves,
// and a link with values the page does not offer falls back to the defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEEDED_USER, api, column, detailShows, newPage, openAdmin, output, paramsOf, settled, text, urlParams } from './harness.mjs';

test('a shared link restores sort, order, page size, page, user filter and the open group', async () => {
  const expected = await api(`/users/${SEEDED_USER}/account_groups?sort=updated_at&order=ASC&limit=10&offset=10`);
  const total = expected.meta.total_count;
  assert.ok(total > 20, 'the seeded user has more than two pages of 10');
  const open = expected.data[3].id;
  const link = `/?sort=updated_at&order=ASC&size=10&page=2&user=${SEEDED_USER}&group=${open}`;
  const page = await newPage();
  await openAdmin(page, link);
  await detailShows(page, open);
  assert.equal(await page.inputValue('#sort'), 'updated_at');
  assert.equal(await page.inputValue('#order'), 'ASC');
  assert.equal(await page.inputValue('#page-size'), '10');
  assert.equal(await page.inputValue('#filter-user'), SEEDED_USER);
  assert.equal(await text(page, '#status'), `11–20 of ${total} account groups of user ${SEEDED_USER}`);
  assert.equal(await text(page, '#page-label'), `Page 2 of ${Math.ceil(total / 10)}`);
  assert.deepEqual(await page.locator('#rows tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.id)), expected.data.map((g) => g.id));
  assert.equal(await text(page, '#detail-id'), open);
  assert.equal(await page.locator('#rows tr[aria-current="true"]').getAttribute('data-id'), open, 'its row is marked');
  assert.equal(new URL(page.url()).search, link.slice(1), 'the URL is kept as it came');
  await page.screenshot({ path: `${output}/admin-shared-link.png`, fullPage: true });
  await page.close();
});

test('back and forward step through sort, page, filter and open group (pushState, popstate)', async () => {
  const page = await newPage();
  await openAdmin(page);
  const entries = await page.evaluate(() => history.length);
  const steps = [];
  const record = async () => steps.push({ url: page.url(), ids: await column(page, 1), detail: await page.evaluate(() => document.querySelector('#detail').dataset.id ?? '') });

  await record();
  await page.selectOption('#sort', 'updated_at');
  await settled(page);
  await record();
  await page.click('#next');
  await settled(page);
  await record();
  await page.fill('#filter-user', SEEDED_USER);
  await page.click('#list-controls button[type="submit"]');
  await settled(page);
  await record();
  const id = await page.locator('#rows tr').nth(2).getAttribute('data-id');
  await page.locator('#rows tr').nth(2).locator('button').click();
  await detailShows(page, id);
  await record();
  assert.equal(await page.evaluate(() => history.length), entries + 4, 'one history entry per move');
  assert.deepEqual(steps.map((s) => paramsOf(s.url)), [{}, { sort: 'updated_at' }, { sort: 'updated_at', page: '2' }, { sort: 'updated_at', user: SEEDED_USER }, { sort: 'updated_at', user: SEEDED_USER, group: id }]);

  for (let i = steps.length - 2; i >= 0; i -= 1) {
    await page.goBack();
    await settled(page);
    await detailShows(page, steps[i].detail);
    assert.equal(page.url(), steps[i].url);
    assert.deepEqual(await column(page, 1), steps[i].ids, `back to step ${i}`);
    assert.equal(await page.inputValue('#sort'), i === 0 ? 'created_at' : 'updated_at');
  }
  for (let i = 1; i < steps.length; i += 1) {
    await page.goForward();
    await settled(page);
    await detailShows(page, steps[i].detail);
    assert.equal(page.url(), steps[i].url);
    assert.deepEqual(await column(page, 1), steps[i].ids, `forward to step ${i}`);
  }
  assert.equal(await page.inputValue('#filter-user'), SEEDED_USER);

  // Closing the group is a step too: back opens it again.
  await page.click('#detail-dismiss');
  await detailShows(page, '');
  assert.equal(urlParams(page).group, undefined);
  await page.goBack();
  await detailShows(page, id);
  await page.close();
});

test('a link to an unknown group shows its 404 problem, which the list loading beside it leaves alone', async () => {
  const page = await newPage();
  const unknown = crypto.randomUUID();
  await openAdmin(page, `/?group=${unknown}`);
  await page.waitForSelector('#problem:not([hidden])');
  await settled(page);
  assert.equal(await text(page, '#problem-status'), 'HTTP 404');
  assert.ok(await page.locator('#problem').isVisible());
  assert.ok(await page.locator('#detail').isHidden());
  assert.equal(await page.locator('#rows tr').count(), 25);
  await page.close();
});

test('a link with values the page does not offer shows the defaults, and the URL is tidied', async () => {
  const page = await newPage();
  await openAdmin(page, '/?sort=name&order=sideways&size=7&page=-3&utm=x');
  assert.equal(new URL(page.url()).search, '');
  assert.equal(await page.inputValue('#sort'), 'created_at');
  assert.equal(await page.inputValue('#page-size'), '25');
  assert.match(await text(page, '#status'), /^1–25 of \d+ account groups$/);
  // A page past the end shows the last page instead.
  await openAdmin(page, '/?size=100&page=99');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('page') === '4');
  await settled(page);
  assert.match(await text(page, '#status'), /^301–\d+ of \d+ account groups$/);
  await page.close();
});
