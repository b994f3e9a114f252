// The page row in headless Chromium (bench/browser.html and browser.js, served by the bench
// server at `url`): a fresh browser runs `rounds` rounds and hands back each contender's summary.
import { chromium } from 'playwright-core';
import { launchOptions } from '../tests/browser/chromium.mjs';

/** @param {string} url @param {number} rounds */
export async function browserPageRow(url, rounds) {
  const browser = await chromium.launch(launchOptions());
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/?rounds=${rounds}`);
    return await page.waitForFunction(() => window.__bench, null, { timeout: 120_000 }).then((h) => h.jsonValue());
  } finally {
    await browser.close();
  }
}
