// What every part of the admin-page test shares: the mock (300 seeded groups, serving www/ and
// pkg/), one headless Chromium, the page most flows run in, and helpers to read the mock's own
// view of the data, move by keyboard alone and run axe-core. admin.test.mjs imports the parts
// in order, after this file, so they run against one mock in a known sequence.
import { after, before } from 'node:test';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launchOptions } from '../browser/chromium.mjs';
import { startMock } from '../../scripts/with-mock.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const output = `${root}test-output`;
export const SEEDED_USER = '5eed0000-0000-4000-8000-000000000001';
const CLIENT_ID = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Shared state, filled in by `before`: { mock, browser, page }; `cleanups` run in `after`. */
export const ctx = { cleanups: [] };

/** Flags of a mock like `npm start`'s, with `extra` after them. */
export const mockFlags = (...extra) => ['--seed', '300', '--www', `${root}www`, '--pkg', `${root}pkg`, ...extra];

before(async () => {
  mkdirSync(output, { recursive: true });
  ctx.mock = await startMock(mockFlags('--close-delay-ms', '60000'));
  ctx.browser = await chromium.launch(launchOptions());
  ctx.page = await newPage();
});

// The only hooks: parts set up what they need in their first test (node:test gives root-level
// hooks of several modules no order to rely on) and register what to stop in ctx.cleanups.
after(async () => {
  for (const cleanup of ctx.cleanups) await cleanup();
  await ctx.browser?.close();
  ctx.mock?.stop();
});

/** A fresh page (1280 × 900 unless told), with page errors reported. */
export async function newPage(options = {}) {
  const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 }, ...options });
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  return page;
}

/** Opens the admin page at `path` (of `base`, the shared mock unless told) and waits until the list and the overview are in. */
export async function openAdmin(page, path = '/', base = ctx.mock.url) {
  await page.goto(`${base}${path}`);
  await page.waitForSelector('body[data-ready="true"]');
  await overviewComplete(page);
}

/** The mock's request log. */
export const log = async (base = ctx.mock.url) => (await fetch(`${base}/__mock/requests`)).json();

/** Injects fault rules into the mock. */
export const faults = (rules, base = ctx.mock.url) => fetch(`${base}/__mock/faults`, { method: 'POST', body: JSON.stringify(rules) });

/** A GET on the API, outside the page, as the mock answers it. */
export async function api(path, base = ctx.mock.url) {
  const response = await fetch(`${base}${path}`, { headers: { authorization: 'Bearer test', 'upvest-client-id': CLIENT_ID } });
  return response.json();
}

/**
 * A CLOSING group of the seed, from `groups`. Seeded groups never finish closing, unlike those
 * the tests close (CLOSED after the mock's --close-delay-ms), so a view of one keeps asking.
 */
export const seededClosing = (groups) => groups.find((g) => g.status === 'CLOSING' && /^(5eed|b0b0)0000-0000-4000-8000-/.test(g.business_id ?? g.users?.[0]?.id ?? ''));

/** Every group of a list, read from the mock page by page (100 at a time, as a check independent of the page's 1000). */
export async function everyGroup({ user = '', sort = 'created_at', order = 'ASC' } = {}, base = ctx.mock.url) {
  const groups = [];
  for (let offset = 0; ; offset += 100) {
    const page = await api(`${user ? `/users/${user}` : ''}/account_groups?sort=${sort}&order=${order}&limit=100&offset=${offset}`, base);
    groups.push(...page.data);
    if (page.data.length === 0 || groups.length >= page.meta.total_count) return groups;
  }
}

export const settled = (page) => page.waitForFunction(() => document.querySelector('#groups').getAttribute('aria-busy') === 'false');
export const overviewComplete = (page) => page.waitForFunction(() => document.querySelector('#overview').dataset.state === 'complete' && document.querySelector('#overview').getAttribute('aria-busy') === 'false');
/** Waits until the detail view shows group `id` (or, for '', is closed). */
export const detailShows = (page, id) => page.waitForFunction((groupId) => (groupId ? document.querySelector('#detail').dataset.id === groupId : document.querySelector('#detail').hidden), id);
export const column = (page, n) => page.locator(`#rows tr td:nth-child(${n})`).allTextContents();
export const text = (page, selector) => page.locator(selector).textContent();
/** The view in a URL, as parameters. */
export const paramsOf = (url) => Object.fromEntries(new URL(url).searchParams);
export const urlParams = (page) => paramsOf(page.url());

/** Presses Tab (Shift+Tab with `back`) until the focus is on `selector`; fails after `limit` presses. */
export async function tabTo(page, selector, { back = false, limit = 150 } = {}) {
  for (let i = 0; i < limit; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${selector} was not reached by ${back ? 'Shift+Tab' : 'Tab'} in ${limit} presses`);
}

/**
 * Runs axe-core over the page as it is; returns its violations. axe is evaluated through the
 * DevTools protocol, which the page's CSP (no inline script) does not govern.
 */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}
