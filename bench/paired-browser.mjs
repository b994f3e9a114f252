// Two builds of the package in headless Chromium, taking turns run by run: the page row of
// bench/browser.js (one page of 1000 groups, each contender in turn) over the bench server,
// each run in a fresh browser. Prints each run's ratio of this package to the fetch floor, and
// the medians per build. For before-and-after figures of the Chromium page, whose full-run
// figure varies too much to compare two builds.
// Usage: node bench/paired-browser.mjs <pkg dir A> <pkg dir B> [runs, default 6] [rounds a run, default 40]
import { resolve } from 'node:path';
import { browserPageRow } from './browser-row.mjs';
import { startServer } from './start-server.mjs';

const [dirA, dirB, runsArg = '6', roundsArg = '40'] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node bench/paired-browser.mjs <pkg dir A> <pkg dir B> [runs] [rounds]');
  process.exit(2);
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const ratios = { A: [], B: [] };
for (let run = 0; run < Number(runsArg); run += 1) {
  for (const [name, dir] of run % 2 === 0 ? [['A', dirA], ['B', dirB]] : [['B', dirB], ['A', dirA]]) {
    const server = await startServer({ UPVEST_BENCH_PKG: resolve(dir) });
    try {
      const results = await browserPageRow(server.url, Number(roundsArg));
      const of = (contender) => results.find((r) => r.contender.startsWith(contender)).median;
      const ratio = of('upvest') / of('fetch');
      ratios[name].push(ratio);
      console.log(`run ${run + 1} ${name}: ${ratio.toFixed(3)}× the floor (${of('upvest').toFixed(2)} ms against ${of('fetch').toFixed(2)})`);
    } finally {
      server.stop();
    }
  }
}
console.log(`median: A ${median(ratios.A).toFixed(3)}×, B ${median(ratios.B).toFixed(3)}× the floor`);
