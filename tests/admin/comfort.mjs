// Accessibility and comfort: every flow by keyboard alone, dark mode from prefers-color-scheme,
// a 390 px screen without sideways scrolling, axe-core over every view in light, dark and
// narrow settings (no serious or critical violation), and the page's weight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { SEEDED_USER, api, axe, detailShows, faults, newPage, openAdmin, output, overviewComplete, seededClosing, settled, tabTo, urlParams } from './harness.mjs';


test('keyboard alone: overview, cancel, look-up, sort, page, filter, create and export', async () => {
  const page = await newPage();
  await openAdmin(page);

  await tabTo(page, '#overview-refresh');
  await page.keyboard.press('Enter');
  await overviewComplete(page);

  await faults([{ method: 'GET', path: '/account_groups', times: 1, delay_ms: 4000 }]);
  await page.keyboard.press('Enter');
  await tabTo(page, '#overview-cancel');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#overview').dataset.state === 'cancelled');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'overview-refresh', 'the focus goes back to Refresh');
  await page.keyboard.press('Enter');
  await overviewComplete(page);

  const [group] = (await api('/account_groups?sort=created_at&order=DESC&limit=1')).data;
  await tabTo(page, '#lookup-id', { back: true });
  await page.keyboard.type(group.id);
  await page.keyboard.press('Enter');
  await detailShows(page, group.id);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'detail-dismiss');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#detail').hidden);
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.dataset.id), group.id, 'the focus returns to the group’s row');

  await tabTo(page, '#sort', { back: true });
  await page.keyboard.press('ArrowDown');
  await settled(page);
  assert.equal(urlParams(page).sort, 'updated_at');
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');
  await settled(page);
  assert.equal(urlParams(page).page, '2');
  await tabTo(page, '#filter-user', { back: true });
  await page.keyboard.type(SEEDED_USER);
  await page.keyboard.press('Enter');
  await settled(page);
  assert.deepEqual(urlParams(page), { sort: 'updated_at', user: SEEDED_USER });

  await tabTo(page, '#owner-id');
  const owner = crypto.randomUUID();
  await page.keyboard.type(owner);
  await tabTo(page, '#create-form button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#create-result').textContent.startsWith('Created PERSONAL group'));

  await tabTo(page, '#export-start', { back: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(download.suggestedFilename(), new RegExp(`^account-groups-user-${SEEDED_USER}-`));
  await page.close();
});

test('dark mode follows prefers-color-scheme', async () => {
  const page = await newPage({ colorScheme: 'dark' });
  const [group] = (await api('/account_groups?sort=created_at&order=DESC&limit=1')).data;
  await openAdmin(page, `/?group=${group.id}`);
  await detailShows(page, group.id);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.match(/\d+/g).map(Number).map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const colours = await page.evaluate(() => ({ bg: getComputedStyle(document.body).backgroundColor, ink: getComputedStyle(document.body).color, bar: getComputedStyle(document.querySelector('.chart-bar')).fill }));
  assert.ok(luminance(colours.bg) < 0.05, `a dark background (${colours.bg})`);
  assert.ok(luminance(colours.ink) > 0.7, `light text (${colours.ink})`);
  await page.screenshot({ path: `${output}/admin-dark.png`, fullPage: true });
  const light = await newPage({ colorScheme: 'light' });
  await openAdmin(light);
  assert.ok(luminance(await light.evaluate(() => getComputedStyle(document.body).backgroundColor)) > 0.9, 'and light in light mode');
  await Promise.all([page.close(), light.close()]);
});

test('390 px: overview, detail and list without sideways scrolling', async () => {
  const page = await newPage({ viewport: { width: 390, height: 844 } });
  const closing = seededClosing((await api('/account_groups?sort=created_at&order=DESC&limit=100')).data);
  await openAdmin(page);
  const width = () => page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok((await width()) <= 390, `overview and list: ${await width()} px`);
  await page.screenshot({ path: `${output}/admin-390-overview.png` });
  await page.getByLabel('Group id').fill(closing.id);
  await page.getByLabel('Group id').press('Enter');
  await detailShows(page, closing.id);
  await page.getByLabel('Group id').fill('nope');
  await page.getByLabel('Group id').press('Enter');
  await page.waitForFunction(() => document.querySelector('#lookup-error').textContent !== '');
  assert.ok((await width()) <= 390, `detail and errors: ${await width()} px`);
  await page.locator('#detail').screenshot({ path: `${output}/admin-390-detail.png` });
  await page.close();
});

test('axe-core: no serious or critical violation in any view, light, dark or 390 px', async (t) => {
  const groups = (await api('/account_groups?sort=created_at&order=DESC&limit=100')).data;
  const active = groups.find((g) => g.status === 'ACTIVE');
  const closing = seededClosing(groups);
  // Each view from a fresh load of its URL, then what the operator does to reach it.
  const views = {
    'list and overview': ['/', async () => {}],
    'filtered list, page 2': [`/?user=${SEEDED_USER}&page=2&size=10`, async () => {}],
    'look-up refused': ['/', async (page) => {
      await page.getByLabel('Group id').fill('not-an-id');
      await page.getByLabel('Group id').press('Enter');
      await page.waitForFunction(() => document.querySelector('#lookup-error').textContent !== '');
    }],
    'problem (404)': ['/', async (page) => {
      await page.getByLabel('Group id').fill(crypto.randomUUID());
      await page.getByLabel('Group id').press('Enter');
      await page.waitForSelector('#problem:not([hidden])');
    }],
    'detail with the close form': [`/?group=${active.id}`, (page) => detailShows(page, active.id)],
    'close confirmation': [`/?group=${active.id}`, async (page) => {
      await detailShows(page, active.id);
      await page.click('#close-form button[type="submit"]');
      await page.waitForSelector('#confirm[open]');
    }],
    'closing group, live status': [`/?group=${closing.id}`, (page) => page.waitForFunction(() => document.querySelector('#detail-live').textContent !== '')],
    'create form with errors': ['/', async (page) => {
      await page.fill('#owner-id', 'x');
      await page.fill('#account-number', '1');
      await page.click('#create-form button[type="submit"]');
    }],
    'connection settings open': ['/', (page) => page.click('#settings summary')],
    'overview cancelled, export done': ['/', async (page) => {
      await faults([{ method: 'GET', path: '/account_groups', times: 1, delay_ms: 1000 }]);
      await page.click('#overview-refresh');
      await page.click('#overview-cancel');
      await Promise.all([page.waitForEvent('download'), page.click('#export-start')]);
    }],
  };
  const settings = { light: {}, dark: { colorScheme: 'dark' }, '390 px': { viewport: { width: 390, height: 844 } } };
  const found = [];
  for (const [setting, options] of Object.entries(settings)) {
    const page = await newPage(options);
    for (const [view, [path, reach]] of Object.entries(views)) {
      try {
        await openAdmin(page, path);
        await reach(page);
      } catch (error) {
        throw new Error(`${setting}, ${view}: ${error.message}`, { cause: error });
      }
      for (const violation of await axe(page)) found.push({ setting, view, ...violation });
    }
    await page.close();
  }
  // The harness is not vacuous: a planted image without a text alternative is found.
  const planted = await newPage();
  await openAdmin(planted);
  await planted.evaluate(() => document.querySelector('main').append(Object.assign(document.createElement('img'), { src: 'data:,' })));
  assert.ok((await axe(planted)).some((v) => v.id === 'image-alt' && v.impact === 'critical'), 'axe reports a planted violation');
  await planted.close();
  const serious = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const impacts = [...new Set(found.map((v) => v.impact))];
  const byImpact = impacts.map((impact) => {
    const list = found.filter((v) => v.impact === impact);
    return `${list.length} ${impact} (${[...new Set(list.map((v) => v.id))].join(', ')})`;
  });
  const version = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('axe-core/package.json'), 'utf8')).version;
  t.diagnostic(`admin: axe-core ${version} over ${Object.keys(views).length} views × ${Object.keys(settings).length} settings (light, dark, 390 px): ${serious.length} serious or critical; ${byImpact.length ? byImpact.join('; ') : 'no violation at all'}`);
  assert.deepEqual(serious, []);
});

test('page weight: the page’s own JS under 30 KB gzip', async (t) => {
  const page = await newPage();
  const bodies = [];
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (/\.(js|css|wasm|html)$|\/$/.test(path)) bodies.push(response.body().then((body) => ({ path, raw: body.length, gzip: gzipSync(body, { level: 9 }).length })));
  });
  await openAdmin(page);
  const files = await Promise.all(bodies);
  const sum = (filter) => files.filter(filter).reduce((total, f) => ({ raw: total.raw + f.raw, gzip: total.gzip + f.gzip, count: total.count + 1 }), { raw: 0, gzip: 0, count: 0 });
  const kb = ({ raw, gzip, count }) => `${(gzip / 1024).toFixed(1)} KB gzip (${(raw / 1024).toFixed(1)} KB raw, ${count} files)`;
  const ownJs = sum((f) => !f.path.startsWith('/pkg/') && f.path.endsWith('.js'));
  const css = sum((f) => f.path.endsWith('.css'));
  const html = sum((f) => f.path.endsWith('/') || f.path.endsWith('.html'));
  const packageJs = sum((f) => f.path.startsWith('/pkg/') && f.path.endsWith('.js'));
  const wasm = sum((f) => f.path.endsWith('.wasm'));
  t.diagnostic(`admin: page weight: own JS ${kb(ownJs)}, CSS ${kb(css)}, HTML ${kb(html)}; the package apart: JS ${kb(packageJs)}, wasm ${kb(wasm)}`);
  assert.ok(ownJs.count >= 10, 'every module of the page was loaded');
  assert.ok(ownJs.gzip < 30 * 1024, `the page's own JS is ${ownJs.gzip} bytes gzip`);
  await page.close();
});
