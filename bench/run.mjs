// `npm run bench`: this package against raw fetch + JSON.parse (the floor), openapi-fetch (the
// peer) and node:http + keep-alive + JSON.parse (the limit, in Node), in one run, on loopback
// servers of fixed bytes (bench/server.mjs), over HTTP and over HTTPS (a self-signed certificate
// for 127.0.0.1 made at run time with openssl, trusted through NODE_EXTRA_CA_CERTS: the run starts
// itself again with it set). Contenders take turns round by round (the order rotates), and each
// row reports the median and the spread (25th–75th percentile) over its rounds, with the ratio
// to the floor and to the limit. Writes the table and bench/results/latest.json. `--smoke` runs
// every row briefly (about 2 s of measuring), for `npm test`. UPVEST_BENCH_PKG=<dir> measures
// another build of the package (a pkg/ folder), for before-and-after figures.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { browserPageRow } from './browser-row.mjs';
import { contenders } from './contenders.mjs';
import { startServer } from './start-server.mjs';
import { summary } from './stats.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

// The certificate: made once per run, then the run again in a child that trusts it (Node reads
// NODE_EXTRA_CA_CERTS only at start), so that every contender's TLS is the default one.
if (!process.env.UPVEST_BENCH_TLS_DIR) {
  const dir = mkdtempSync(join(tmpdir(), 'upvest-bench-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const env = { ...process.env, UPVEST_BENCH_TLS_DIR: dir, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') };
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { env, stdio: 'inherit' });
    process.exitCode = child.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  await main(process.env.UPVEST_BENCH_TLS_DIR);
}

async function main(tlsDir) {
  const pkgDir = process.env.UPVEST_BENCH_PKG ?? join(root, 'pkg');
  const pkgEntry = pathToFileURL(join(pkgDir, 'node/index.mjs')).href;
  const api = await import(pkgEntry);
  const smoke = process.argv.includes('--smoke');
  const plan = smoke
    ? { rounds: 3, gets: 10, throughput: 128, pages: 1, iterations: [[20_000, 1]], loads: 1, browserRounds: 3 }
    : // Iterating: 20,000 groups as issue 28's target names it (15 rounds at least), and 100,000
      // for the heap over a long walk.
      { rounds: 25, gets: 200, throughput: 2000, pages: 5, iterations: [[20_000, 17], [100_000, 5]], loads: 9, browserRounds: 20 };

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

  const CLIENT_ID = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
  /** In a fresh process: from before the import to a constructed client (`construct` is the
   * script's text that makes one from the module `m`), and, with `call`, to its first answer. */
  function freshMs(specifier, construct, call = '') {
    const script = `const t=performance.now();const m=await import(${JSON.stringify(specifier)});const c=${construct};${call ? `await ${call};` : ''}console.log(performance.now()-t)`;
    return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim());
  }
  const peerClient = (url) => `m.default({baseUrl:${JSON.stringify(url)}})`;
  const ourClient = (url) => `new m.AccountGroups({baseUrl:${JSON.stringify(url)},clientId:'${CLIENT_ID}',accessToken:'t'})`;

  function sizes(file) {
    const bytes = readFileSync(file.startsWith('/') ? file : `${root}${file}`);
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }

  const server = await startServer({ UPVEST_BENCH_PKG: pkgDir });
  const tlsServer = await startServer({ BENCH_TLS_KEY: join(tlsDir, 'key.pem'), BENCH_TLS_CERT: join(tlsDir, 'cert.pem') });
  const rows = [];
  try {
    const all = contenders(api, server.url, http);
    const overTls = contenders(api, tlsServer.url, https);
    for (const c of [...all, ...overTls]) await c.page(); // warm up: connections, JIT, the server's page cache
    for (const c of [...all, ...overTls]) for (let i = 0; i < 20; i += 1) await c.get();

    const add = (row, unit, better, stats, among = all) => rows.push({ row, unit, better, results: among.map((c, i) => ({ contender: c.name, ...stats[i] })) });

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

    /** Walks `total` groups with `c[method]`, timed; with `peaks`, the heap's growth is recorded. */
    const walk = async (c, method, total, peaks) => {
      globalThis.gc?.();
      const base = process.memoryUsage().heapUsed;
      let seen = 0;
      const started = now();
      await c[method](() => {
        seen += 1;
        if (peaks && seen % 1000 === 0) {
          const used = process.memoryUsage().heapUsed - base;
          peaks.whole = Math.max(peaks.whole, used);
          if (seen <= total / 5) peaks.early = Math.max(peaks.early, used);
        }
        if (seen === total) throw new Stop();
      }).catch((e) => {
        if (!(e instanceof Stop)) throw e;
      });
      if (seen !== total) throw new Error(`${c.name} saw ${seen} groups`);
      return now() - started;
    };
    for (const [total, rounds] of plan.iterations) {
      const peaks = all.map(() => ({ early: 0, whole: 0 }));
      add(`iterate ${total.toLocaleString('en')} groups (pages of 1000)`, 'ms', 'lower', await interleaved(all, rounds, (c) => walk(c, 'iterate', total, peaks[all.indexOf(c)])));
      rows.at(-1).memory = all.map((c, i) => ({ contender: c.name, peakHeapMiBFirstFifth: +(peaks[i].early / 2 ** 20).toFixed(1), peakHeapMiBWhole: +(peaks[i].whole / 2 ** 20).toFixed(1) }));
    }
    // This package's page-at-a-time iteration (`iteratePages`); the others walk page by page in
    // either row.
    const [pagedTotal, pagedRounds] = plan.iterations[0];
    add(`iterate ${pagedTotal.toLocaleString('en')} groups a page at a time (iteratePages)`, 'ms', 'lower', await interleaved(all, pagedRounds, (c) => walk(c, c.iterateByPage ? 'iterateByPage' : 'iterate', pagedTotal)));

    add('get over TLS, sequential', 'µs per call', 'lower', await interleaved(overTls, plan.rounds, async (c) => {
      const started = now();
      for (let i = 0; i < plan.gets; i += 1) await c.get();
      return ((now() - started) * 1000) / plan.gets;
    }), overTls);

    add('throughput over TLS, 64 in flight', 'calls per s', 'higher', await interleaved(overTls, plan.rounds, (c) => inFlight(c.get, plan.throughput, 64)), overTls);

    // Fresh processes, taking turns: import to a constructed client; and to its first answer (a
    // get, which loads node:http where the package loads it on first use).
    const loads = { peer: [], ours: [], peerFirst: [], oursFirst: [] };
    for (let i = 0; i < plan.loads; i += 1) {
      loads.peer.push(freshMs('openapi-fetch', peerClient(server.url)));
      loads.ours.push(freshMs(pkgEntry, ourClient(server.url)));
      loads.peerFirst.push(freshMs('openapi-fetch', peerClient(server.url), `c.GET('/account_groups/{account_group_id}',{params:{path:{account_group_id:'${'0000002a-0000-4000-8000-00000000002a'}'}}})`));
      loads.oursFirst.push(freshMs(pkgEntry, ourClient(server.url), `c.get('0000002a-0000-4000-8000-00000000002a')`));
    }
    const none = { contender: all[0].name, ...summary([0]) };
    rows.push({ row: 'module load to a constructed client (Node, fresh process)', unit: 'ms', better: 'lower', ratioTo: 1, results: [none, { contender: all[1].name, ...summary(loads.peer) }, { contender: all[2].name, ...summary(loads.ours) }] });
    rows.push({ row: '… and to the first get answered', unit: 'ms', better: 'lower', ratioTo: 1, results: [none, { contender: all[1].name, ...summary(loads.peerFirst) }, { contender: all[2].name, ...summary(loads.oursFirst) }] });

    const wasm = sizes(join(pkgDir, 'web/upvest_account_groups_bg.wasm'));
    // The web entry: the wasm-bindgen glue and the package's JS, bundled into one module.
    const glue = sizes(join(pkgDir, 'web/index.js'));
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

    const browser = await browserPageRow(server.url, plan.browserRounds);
    rows.push({ row: 'one page of 1000 groups, fetch + decode (headless Chromium)', unit: 'ms per page', better: 'lower', results: browser });
  } finally {
    server.stop();
    tlsServer.stop();
  }


  // The table: median [25th–75th percentile], and the ratios of medians to the floor and to the
  // limit (for module load, to the peer).
  const format = (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
  const lines = [`| row | contender | median [p25–p75] | × floor | × limit |`, `|---|---|---|---|---|`];
  for (const row of rows) {
    const floor = row.results[row.ratioTo ?? 0].median;
    const limit = row.results.find((r) => r.contender.endsWith('(limit)'))?.median;
    for (const r of row.results) {
      const spread = r.p25 === undefined ? (r.raw !== undefined ? `(raw ${r.raw})` : '') : `[${format(r.p25)}–${format(r.p75)}]`;
      const ratio = row.noRatio || !floor || !r.median ? '' : `${(r.median / floor).toFixed(2)}×${row.ratioTo ? ' peer' : ''}`;
      const toLimit = limit ? `${(r.median / limit).toFixed(2)}×` : '';
      lines.push(`| ${row.row} (${row.unit}) | ${r.contender} | ${format(r.median)} ${spread} | ${ratio} | ${toLimit} |`);
    }
    if (row.memory) {
      for (const m of row.memory) lines.push(`| … peak heap growth, first fifth → whole run (MiB) | ${m.contender} | ${m.peakHeapMiBFirstFifth} → ${m.peakHeapMiBWhole} | | |`);
    }
  }
  console.log(lines.join('\n'));
  const result = { date: new Date().toISOString(), smoke, node: process.version, package: pkgDir, plan, rows };
  const out = process.env.UPVEST_BENCH_OUT ?? `${root}bench/results/${smoke ? 'smoke' : 'latest'}.json`;
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  if (!smoke) writeFileSync(out.replace(/\.json$/, '.md'), lines.join('\n') + '\n');
  if (smoke) {
    // A row passes when every contender in it was measured (finite numbers); it is never timed.
    const measured = rows.filter((row) => row.results.every((r) => Number.isFinite(r.median) && (r.n === undefined || r.n > 0))).length;
    console.log(`bench: ${measured} passed, ${rows.length - measured} failed (smoke run: rows with every contender measured)`);
    if (measured < rows.length) process.exitCode = 1;
  }
}
