// Two builds of the package in headless Chromium, taking turns run by run: the page row of
// bench/browser.js (one page of 1000 groups, each contender in turn) over the bench server,
// each run in a fresh browser. Prints each run's ratio of this package to the fetch floor, and
// the medians per build. For before-and-after figures of the Chromium page, whose full-run
// figure varies too much to compare two builds.
// Usage: node bench/paired-browser.mjs <pkg dir A> <pkg dir B> [runs, default 6] [rounds a run, default 40]
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launchOptions } from '../tests/browser/chromium.mjs';

const [dirA, dirB, runsArg = '6', roundsArg = '40'] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node bench/paired-browser.mjs <pkg dir A> <pkg dir B> [runs] [rounds]');
  process.exit(2);
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const ratios = { A: [], B: [] };
for (let run = 0; run < Number(runsArg); run += 1) {
  for (const [name, dir] of run % 2 === 0 ? [['A', dirA], ['B', dirB]] : [['B', dirB], ['A', dirA]]) {
    const server = spawn(process.execPath, [fileURLToPath(new URL('server.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, UPVEST_BENCH_PKG: resolve(dir) } });
    const browser = await chromium.launch(launchOptions());
    try {
      const url = (await new Promise((ok) => createInterface({ input: server.stdout }).once('line', ok))).replace('listening on ', '');
      const page = await browser.newPage();
      await page.goto(`${url}/?rounds=${roundsArg}`);
      const results = await page.waitForFunction(() => window.__bench, null, { timeout: 120_000 }).then((h) => h.jsonValue());
      const of = (contender) => results.find((r) => r.contender.startsWith(contender)).median;
      const ratio = of('upvest') / of('fetch');
      ratios[name].push(ratio);
      console.log(`run ${run + 1} ${name}: ${ratio.toFixed(3)}× the floor (${of('upvest').toFixed(2)} ms against ${of('fetch').toFixed(2)})`);
    } finally {
      await browser.close();
      server.kill();
    }
  }
}
console.log(`median: A ${median(ratios.A).toFixed(3)}×, B ${median(ratios.B).toFixed(3)}× the floor`);
