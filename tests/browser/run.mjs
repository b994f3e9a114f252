// The shared client cases in headless Chromium: the mock serves the test page and the package's
// web build on one origin; Playwright drives Debian's Chromium. Prints one line per case and a
// closing "N passed, N failed" line; exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { startMock } from '../../scripts/with-mock.mjs';
import { launchOptions } from './chromium.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CASES_LIMIT_MS = 120_000;

const mock = await startMock(['--www', `${root}tests`, '--pkg', `${root}pkg`]);
const browser = await chromium.launch(launchOptions());
let failed = 0;
try {
  const page = await browser.newPage();
  const console_ = [];
  page.on('console', (m) => console_.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console_.push(`pageerror: ${e.message}`));
  await page.goto(`${mock.url}/browser/index.html`);
  const results = await page
    .waitForFunction(() => window.__results, null, { timeout: CASES_LIMIT_MS })
    .then((handle) => handle.jsonValue())
    .catch((error) => {
      console.error(`the cases did not finish: ${error.message}\n${console_.join('\n')}`);
      return [{ name: 'the page ran every case', ok: false, error: 'timed out' }];
    });
  results.forEach((r, i) => console.log(`${r.ok ? 'ok' : 'not ok'} ${i + 1} - ${r.name}${r.ok ? '' : `\n  # ${r.error}`}`));
  failed = results.filter((r) => !r.ok).length;
  console.log(`chromium: ${results.length - failed} passed, ${failed} failed`);
} finally {
  await browser.close();
  mock.stop();
}
process.exit(failed ? 1 : 0);
