// `npm run bench`: this package against raw fetch + JSON.parse (the floor) and openapi-fetch (the
// peer), in one run, on a loopback server of fixed bytes (bench/server.mjs). Contenders take
// turns round by round (the order rotates), and each row reports the median and the spread
// (25th–75th percentile) over its rounds, with the ratio to the floor. Writes the table and
// bench/results/latest.json. `--smoke` runs every row briefly (about 2 s of measuring), for
// `npm test`.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import * as api from '../pkg/node/index.mjs';
import { launchOptions } from '../tests/browser/chromium.mjs';
import { contenders } from './contenders.mjs';
import { summary } from './stats.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const smoke = process.argv.includes('--smoke');
const plan = smoke
  ? { rounds: 3, gets: 10, throughput: 128, pages: 1, iterateRounds: 1, iterateTotal: 20_000, loads: 1, browserRounds: 3 }
  : { rounds: 25, gets: 200, throughput: 2000, pages: 5, iterateRounds: 5, iterateTotal: 100_000, loads: 7, browserRounds: 20 };

async function startServer() {
  const child = spawn(process.execPath, [`${root}bench/server.mjs`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not start')), 30_000);
    createInterface({ input: child.stdout }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
  });
  return { url: line.replace('listening on ', ''), stop: () => child.kill() };
}

const now = () => performance.now();

/** Ends an iteration early (the smoke run reads fewer groups than the server has). */
class Stop extends Error {}

/** Runs `work` for each contender, round by round, rotating the order; samples per contender. */
async function interleaved(all, rounds, work) {
  const samples = all.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (let k = 0; k < all.length; k += 1) {
      const i = (round + k) % all.length;
      samples[i].push(await work(all[i]));
    }
  }
  return samples.map(summary);
}

async function inFlight(task, total, width) {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next += 1;
      await task();
    }
  };
  const started = now();
  await Promise.all(Array.from({ length: width }, worker));
  return total / ((now() - started) / 1000);
}

function moduleLoadMs(specifier) {
  const script = `const t=performance.now();await import(${JSON.stringify(specifier)});console.log(performance.now()-t)`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim());
}

function sizes(file) {
  const bytes = readFileSync(`${root}${file}`);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

async function browserPageDecode(url) {
  const browser = await chromium.launch(launchOptions());
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/?rounds=${plan.browserRounds}`);
    return await page.waitForFunction(() => window.__bench, null, { timeout: 120_000 }).then((h) => h.jsonValue());
  } finally {
    await browser.close();
  }
}

const server = await startServer();
const rows = [];
try {
  const all = contenders(api, server.url);
  for (const c of all) await c.page(); // warm up: connections, JIT, the server's page cache
  for (const c of all) for (let i = 0; i < 20; i += 1) await c.get();

  const add = (row, unit, better, stats) => rows.push({ row, unit, better, results: all.map((c, i) => ({ contender: c.name, ...stats[i] })) });

  add('get, sequential', 'µs per call', 'lower', await interleaved(all, plan.rounds, async (c) => {
    const started = now();
    for (let i = 0; i < plan.gets; i += 1) await c.get();
    return ((now() - started) * 1000) / plan.gets;
  }));

  add('throughput, 64 in flight', 'calls per s', 'higher', await interleaved(all, plan.rounds, (c) => inFlight(c.get, plan.throughput, 64)));

  add('one page of 1000 groups, fetch + decode', 'ms per page', 'lower', await interleaved(all, plan.rounds, async (c) => {
    const started = now();
    for (let i = 0; i < plan.pages; i += 1) {
      const page = await c.page();
      if (page.data.length !== 1000) throw new Error(`${c.name} read ${page.data.length} groups`);
    }
    return (now() - started) / plan.pages;
  }));

  const peaks = all.map(() => ({ early: 0, whole: 0 }));
  add(`iterate ${plan.iterateTotal.toLocaleString('en')} groups (pages of 1000)`, 'ms', 'lower', await interleaved(all, plan.iterateRounds, async (c) => {
    globalThis.gc?.();
    const base = process.memoryUsage().heapUsed;
    const index = all.indexOf(c);
    let seen = 0;
    const started = now();
    await c.iterate(() => {
      seen += 1;
      if (seen % 1000 === 0) {
        const used = process.memoryUsage().heapUsed - base;
        peaks[index].whole = Math.max(peaks[index].whole, used);
        if (seen <= plan.iterateTotal / 5) peaks[index].early = Math.max(peaks[index].early, used);
      }
      if (seen === plan.iterateTotal) throw new Stop();
    }).catch((e) => {
      if (!(e instanceof Stop)) throw e;
    });
    if (seen !== plan.iterateTotal) throw new Error(`${c.name} saw ${seen} groups`);
    return now() - started;
  }));
  rows.at(-1).memory = all.map((c, i) => ({ contender: c.name, peakHeapMiBFirstFifth: +(peaks[i].early / 2 ** 20).toFixed(1), peakHeapMiBWhole: +(peaks[i].whole / 2 ** 20).toFixed(1) }));

  const loads = [
    { contender: all[0].name, ...summary([0]) },
    { contender: all[1].name, ...summary(Array.from({ length: plan.loads }, () => moduleLoadMs('openapi-fetch'))) },
    { contender: all[2].name, ...summary(Array.from({ length: plan.loads }, () => moduleLoadMs('./pkg/node/index.mjs'))) },
  ];
  rows.push({ row: 'module load + wasm instantiate (Node, fresh process)', unit: 'ms', better: 'lower', results: loads, noRatio: true });

  const wasm = sizes('pkg/web/upvest_account_groups_bg.wasm');
  // The web entry: the wasm-bindgen glue and the package's JS, bundled into one module.
  const glue = sizes('pkg/web/index.js');
  const peerSize = sizes('node_modules/openapi-fetch/dist/index.mjs');
  rows.push({
    row: 'size, gzip -9 (raw)',
    unit: 'bytes',
    better: 'lower',
    noRatio: true,
    results: [
      { contender: all[0].name, median: 0, raw: 0 },
      { contender: all[1].name, median: peerSize.gzip, raw: peerSize.raw },
      { contender: `${all[2].name} wasm`, median: wasm.gzip, raw: wasm.raw },
      { contender: `${all[2].name} JS (web bundle)`, median: glue.gzip, raw: glue.raw },
    ],
  });

  const browser = await browserPageDecode(server.url);
  rows.push({ row: 'one page of 1000 groups, fetch + decode (headless Chromium)', unit: 'ms per page', better: 'lower', results: browser });
} finally {
  server.stop();
}


// The table: median [25th–75th percentile], and the ratio of medians to the floor.
const format = (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const lines = [`| row | contender | median [p25–p75] | × floor |`, `|---|---|---|---|`];
for (const row of rows) {
  const floor = row.results[0].median;
  for (const r of row.results) {
    const spread = r.p25 === undefined ? (r.raw !== undefined ? `(raw ${r.raw})` : '') : `[${format(r.p25)}–${format(r.p75)}]`;
    const ratio = row.noRatio || !floor ? '' : `${(r.median / floor).toFixed(2)}×`;
    lines.push(`| ${row.row} (${row.unit}) | ${r.contender} | ${format(r.median)} ${spread} | ${ratio} |`);
  }
  if (row.memory) {
    for (const m of row.memory) lines.push(`| … peak heap growth, first fifth → whole run (MiB) | ${m.contender} | ${m.peakHeapMiBFirstFifth} → ${m.peakHeapMiBWhole} | |`);
  }
}
console.log(lines.join('\n'));
const result = { date: new Date().toISOString(), smoke, node: process.version, plan, rows };
writeFileSync(`${root}bench/results/${smoke ? 'smoke' : 'latest'}.json`, JSON.stringify(result, null, 2) + '\n');
if (smoke) console.log(`bench: 1 passed, 0 failed (smoke run of ${rows.length} rows)`);
