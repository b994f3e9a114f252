// The environment matrix: the packed package (`npm pack pkg`) installed from its tarball into a
// small app per environment, outside the repository, each running the shared checks
// (shared/check.js: create, get, list, iterate over every page, a 404 as ProblemError) against a
// fresh mock (`--seed 20`): Node (ESM, CJS), Bun and Deno, Vite (build + preview, dev), webpack 5
// (production, development), Next.js (route handler and client component; next start, next dev)
// and a Cloudflare Worker (wrangler deploy --dry-run, wrangler dev). Pages open in headless
// Chromium.
//
// Each app's tools are installed once into a per-user cache,
// ${UPVEST_TOOLS_DIR:-~/.cache/upvest-account-groups}/environments/<app>-<hash of its package.json>;
// every run then puts the app's files there beside a copy of shared/ (so an app imports
// './shared/…' or '../shared/…' relative to the app's root, not to this folder) and installs the
// fresh tarball with `npm install --no-save`.
//
// Usage: node tests/environments/run.mjs [--only node,runtimes,vite,webpack,next,worker]
//        [--pkg DIR|TARBALL] (default: pkg/, packed with `npm pack`)
// Prints one line per check and a closing "environments: N passed, N failed"; writes
// test-output/environments.md; exits non-zero on any failure.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { launchOptions } from '../browser/chromium.mjs';
import { startMock } from '../../scripts/with-mock.mjs';
import { freePort, freePorts } from '../free-ports.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(process.env.UPVEST_TOOLS_DIR ?? join(homedir(), '.cache/upvest-account-groups'), 'environments');
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
// What stays in an app's cached folder from run to run; everything else is replaced.
const KEEP = new Set(['node_modules', 'package.json', 'package-lock.json', '.installed', '.deno']);
const ENV = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  WRANGLER_SEND_METRICS: 'false',
  DO_NOT_TRACK: '1',
  BROWSER: 'none',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  npm_config_update_notifier: 'false',
};
const LIMIT = {
  toolsInstall: 900_000, // a cold install of an app's tools (Next.js is the largest)
  tarballInstall: 180_000,
  build: 300_000,
  script: 60_000,
  serverStart: 120_000,
  request: 180_000, // a dev server compiles on the first request
  stop: 5_000,
};

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = option('--only') ? new Set(option('--only').split(',')) : null;

// The package to test: pkg/ by default; --pkg takes another folder to pack, or a tarball.
const source = option('--pkg') ?? join(root, 'pkg');

// ---- processes: every child runs in its own process group, killed as a whole ---------------

const groups = new Set();
const mocks = new Set();
const locks = new Set();
function killGroup(pid, signal = 'SIGKILL') {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
process.on('exit', () => {
  for (const pid of groups) killGroup(pid);
  for (const mock of mocks) mock.process.kill('SIGKILL');
  for (const lock of locks) rmSync(lock, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

class StepError extends Error {
  constructor(message, output = '') {
    super(output ? `${message}\n${tail(output)}` : message);
  }
}

/** The last lines of a log, without blank lines, for a failure's report. */
function tail(text, lines = 25) {
  return text.split('\n').filter((l) => l.trim()).slice(-lines).join('\n');
}

function spawnGroup(command, argv, { cwd, env = ENV }) {
  const child = spawn(command, argv, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data) => {
    output += data;
    if (output.length > 400_000) output = output.slice(-200_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  if (child.pid) groups.add(child.pid);
  return { child, output: () => output };
}

/** Runs a command to its end within timeoutMs; resolves with { output, ms }, rejects with its log. */
function run(command, argv, { cwd, env, timeoutMs }) {
  const started = performance.now();
  const label = [command.split('/').pop(), ...argv].join(' ');
  return new Promise((resolve, reject) => {
    const { child, output } = spawnGroup(command, argv, { cwd, env });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new StepError(`cannot run ${label}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid); // whatever it left running
      groups.delete(child.pid);
      // Let the pipes drain, but do not wait on a descendant that escaped the group.
      const done = () => {
        const ms = performance.now() - started;
        if (code === 0 && !timedOut) resolve({ output: output(), ms });
        else reject(new StepError(`${label}: ${timedOut ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`}`, output()));
      };
      const fallback = setTimeout(done, 2_000);
      child.once('close', () => {
        clearTimeout(fallback);
        done();
      });
    });
  });
}

/** Starts a server and waits (bounded) until its port accepts a connection. */
async function startServer(command, argv, { cwd, env, port }) {
  const { child, output } = spawnGroup(command, argv, { cwd, env });
  let exited = null;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = code ?? signal))));
  const server = {
    log: output,
    async stop() {
      if (exited === null) {
        killGroup(child.pid, 'SIGTERM');
        await Promise.race([exit, sleep(LIMIT.stop)]);
      }
      killGroup(child.pid);
      groups.delete(child.pid);
    },
  };
  const deadline = Date.now() + LIMIT.serverStart;
  try {
    for (;;) {
      if (exited !== null) throw new StepError(`${command.split('/').pop()} ${argv[0]} exited with ${exited} before listening`, output());
      if (await accepts(port)) return server;
      if (Date.now() > deadline) throw new StepError(`nothing listened on port ${port} within ${LIMIT.serverStart} ms`, output());
      await sleep(250);
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Starts a fresh mock and a server, then runs each check ({ what, row, run(mock) }) against them;
 * a server that does not start fails every check, and so does a missing build (unbuilt: why there
 * is nothing to serve). `setUp()` picks the server's ports and gives { start: { command, argv,
 * cwd, env, port }, checks }: it runs once the mock listens, so that no port it picks is one the
 * mock took in the meantime.
 */
async function serverChecks(env, setUp, unbuilt) {
  if (unbuilt) {
    for (const c of (await setUp()).checks) await check(env, c.what, c.row, () => Promise.reject(new Error(unbuilt)));
    return;
  }
  await withMock([], async (mock) => {
    let { start, checks } = await setUp();
    const started = performance.now();
    let server;
    let startError;
    // A port is free when picked and taken when the server binds it, seconds later; another
    // process may take it in between. So a server that does not start gets one more try, on
    // ports picked anew (a server that cannot start fails both).
    for (let tries = 1; tries <= 2 && !server; tries += 1) {
      try {
        if (tries > 1) ({ start, checks } = await setUp());
        server = await startServer(start.command, start.argv, start);
        startError = undefined;
      } catch (error) {
        startError = error;
      }
    }
    // The first check's time includes the server's start.
    let startMs = performance.now() - started;
    try {
      for (const c of checks) {
        await check(env, c.what, c.row && { ...c.row, extraMs: startMs }, async () => {
          if (startError) throw startError;
          await resetMock(mock);
          try {
            return await c.run(mock);
          } catch (error) {
            throw new StepError(error.message, `--- server log ---\n${server.log()}`);
          }
        });
        startMs = 0;
      }
    } finally {
      await server?.stop();
    }
  });
}

/** Back to the seeded groups, so that each check against a shared mock sees the same state. */
async function resetMock(mock) {
  const response = await fetch(`${mock.url}/__mock/reset`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`POST /__mock/reset: HTTP ${response.status}`);
}

async function withMock(flags, use) {
  const mock = await startMock(['--seed', '20', ...flags]);
  mocks.add(mock);
  try {
    return await use(mock);
  } finally {
    mock.stop();
    mocks.delete(mock);
  }
}

// ---- the checks' ends: a script's output, a server's JSON, a page's #result -----------------

function describe(summary) {
  return `iterated ${summary.iterated} of total_count ${summary.total} over ${summary.pages} pages, 404 as ProblemError, a webhook receiver recorded ${summary.webhooks?.recorded} and quarantined ${summary.webhooks?.quarantined}`;
}

function lastJsonLine(output) {
  const line = output.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new StepError('the script printed no summary', output);
  }
}

async function fetchCheck(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(LIMIT.request) });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status}, not JSON: ${text.slice(0, 600)}`);
  }
  if (body.status !== 'ok') throw new Error(`HTTP ${response.status}: ${body.error ?? text.slice(0, 600)}`);
  return body.summary;
}

let browser;
async function pageCheck(url) {
  browser ??= await chromium.launch(launchOptions());
  const context = await browser.newContext();
  const events = [];
  try {
    const page = await context.newPage();
    page.on('console', (m) => {
      const noise = m.location().url?.endsWith('/favicon.ico');
      if (['error', 'warning'].includes(m.type()) && !noise) events.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => events.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => events.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && events.push(`HTTP ${r.status()}: ${r.url()}`));
    await page.goto(url, { timeout: LIMIT.request });
    const result = await page.waitForSelector('#result[data-status]', { timeout: LIMIT.request }).catch(() => null);
    const seen = events.length ? `\n${[...new Set(events)].slice(0, 12).join('\n')}` : '';
    if (!result) throw new Error(`the page showed no result within ${LIMIT.request} ms${seen}`);
    const [status, text] = [await result.getAttribute('data-status'), await result.textContent()];
    if (status !== 'ok') throw new Error(`the page reports: ${text.split('\n').slice(0, 6).join('\n')}${seen}`);
    return JSON.parse(text);
  } finally {
    await context.close();
  }
}

// ---- sizes -----------------------------------------------------------------------------------

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/** Bytes of JavaScript and of wasm under a build's output folder. */
function bundleSize(dir) {
  let js = 0;
  let wasm = 0;
  for (const file of filesUnder(dir)) {
    if (/\.(m?js)$/.test(file)) js += statSync(file).size;
    else if (file.endsWith('.wasm')) wasm += statSync(file).size;
  }
  return `js ${js} B, wasm ${wasm} B`;
}

// ---- installs: tools cached per app, the tarball fresh every run ----------------------------

async function lock(dir) {
  const path = `${dir}.lock`;
  const deadline = Date.now() + LIMIT.toolsInstall;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      locks.add(path);
      return () => {
        rmSync(path, { recursive: true, force: true });
        locks.delete(path);
      };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(join(path, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      // A lock without a pid is being taken right now, unless it is old (its taker died at once).
      const abandoned = holder ? !isAlive(holder) : Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 10_000;
      if (abandoned) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${path} is held by process ${holder}`);
      await sleep(1_000);
    }
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** The app's folder in the cache, tools installed (once), sources fresh, the tarball installed. */
async function prepare(app, tarball) {
  const manifest = readFileSync(join(here, app, 'package.json'));
  const dir = join(CACHE, `${app}-${createHash('sha256').update(manifest).digest('hex').slice(0, 12)}`);
  mkdirSync(CACHE, { recursive: true });
  const release = await lock(dir);
  try {
    let toolsMs = null;
    if (!existsSync(join(dir, '.installed'))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), manifest);
      toolsMs = (await run('npm', ['install', ...NPM_FLAGS], { cwd: dir, timeoutMs: LIMIT.toolsInstall })).ms;
      writeFileSync(join(dir, '.installed'), `${new Date().toISOString()}\n`);
    }
    for (const entry of readdirSync(dir)) if (!KEEP.has(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
    // Tools' caches inside node_modules (Vite's pre-bundled dependencies, babel/webpack loaders'):
    // every run builds from scratch against the fresh tarball.
    for (const cache of ['.vite', '.cache']) rmSync(join(dir, 'node_modules', cache), { recursive: true, force: true });
    cpSync(join(here, app), dir, { recursive: true });
    cpSync(join(here, 'shared'), join(dir, 'shared'), { recursive: true });
    const tarballMs = (await run('npm', ['install', '--no-save', ...NPM_FLAGS, tarball], { cwd: dir, timeoutMs: LIMIT.tarballInstall })).ms;
    return { dir, toolsMs, tarballMs, release };
  } catch (error) {
    release();
    throw error;
  }
}

function toolVersion(dir, name) {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

// ---- reporting ---------------------------------------------------------------------------------

const results = [];
const rows = []; // the markdown table: environment, build command, runs, bundle size, time
const installs = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Runs one check; prints its line; records its row when it has one (row: { build, runs, size },
 * size a string or a function measuring a build's output after it succeeds).
 */
async function check(env, what, row, body) {
  const started = performance.now();
  let ok = false;
  let detail = '';
  try {
    detail = (await body()) ?? '';
    ok = true;
    console.log(`ok - ${env}: ${what}${detail ? ` (${detail})` : ''}`);
  } catch (error) {
    const message = String(error?.message ?? error).replaceAll(/\n/g, '\n  # ');
    console.log(`not ok - ${env}: ${what}\n  # ${message}`);
    detail = String(error?.message ?? error).split('\n')[0];
  }
  results.push(ok);
  const ms = performance.now() - started + (row?.extraMs ?? 0);
  // A build's row measures its output once it has built.
  const size = typeof row?.size === 'function' ? (ok ? row.size() : '-') : row?.size;
  if (row) rows.push({ env, what, ...row, size, ok, ms, detail });
  return ok;
}

// ---- the environments ------------------------------------------------------------------------

/** A build (start: { command, argv, cwd, env }) as a check whose row measures its output with size(). */
function buildCheck(env, what, build, start, size, after = () => {}) {
  return check(env, what, { build, runs: '-', size }, async () => {
    await run(start.command, start.argv, { cwd: start.cwd, env: start.env, timeoutMs: LIMIT.build });
    after();
    return size();
  });
}

const bin = (dir, name) => join(dir, 'node_modules/.bin', name);

const ENVIRONMENTS = {
  async node({ dir }) {
    for (const [what, file] of [
      ['ESM import', 'shared/esm.mjs'],
      ['CJS require', 'cjs.cjs'],
    ]) {
      await check('node', `${what} (${process.version})`, { build: '-', runs: `node ${file}`, size: '-' }, () =>
        withMock([], async (mock) => {
          const { output } = await run(process.execPath, [file], { cwd: dir, env: { ...ENV, MOCK_URL: mock.url }, timeoutMs: LIMIT.script });
          return describe(lastJsonLine(output));
        }),
      );
    }
  },

  async runtimes({ dir }) {
    const runtimes = [
      ['bun', [bin(dir, 'bun'), 'shared/esm.mjs']],
      ['deno', [bin(dir, 'deno'), 'run', '--no-lock', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', 'shared/esm.mjs']],
    ];
    for (const [name, [command, ...argv]] of runtimes) {
      const version = toolVersion(dir, name);
      await check(name, `ESM check script (${name} ${version})`, { build: '-', runs: `${name} ${argv.join(' ')}`, size: '-' }, () =>
        withMock([], async (mock) => {
          const env = { ...ENV, MOCK_URL: mock.url, DENO_DIR: join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1' };
          const { output } = await run(command, argv, { cwd: dir, env, timeoutMs: LIMIT.script });
          return describe(lastJsonLine(output));
        }),
      );
    }
  },

  async vite({ dir }) {
    const vite = (...argv) => ({ command: process.execPath, argv: [bin(dir, 'vite'), ...argv, '--clearScreen', 'false'], cwd: dir });
    const built = await buildCheck('vite', `vite build (vite ${toolVersion(dir, 'vite')})`, 'vite build', vite('build'), () => bundleSize(join(dir, 'dist')));
    for (const [server, build] of [
      ['preview', 'vite build'],
      ['dev', 'vite (dev server)'],
    ]) {
      const setUp = async () => {
        const port = await freePort();
        const inChromium = {
          what: `vite ${server} in Chromium`,
          row: { build, runs: `vite ${server} → Chromium`, size: '-' },
          run: async (mock) => describe(await pageCheck(`http://127.0.0.1:${port}/?mock=${encodeURIComponent(mock.url)}`)),
        };
        return { start: { ...vite(server, '--host', '127.0.0.1', '--port', String(port), '--strictPort'), port }, checks: [inChromium] };
      };
      await serverChecks('vite', setUp, server === 'preview' && !built && 'no build to preview');
    }
  },

  async webpack({ dir }) {
    const version = `webpack ${toolVersion(dir, 'webpack')}, webpack-cli ${toolVersion(dir, 'webpack-cli')}`;
    for (const mode of ['production', 'development']) {
      const out = join(dir, 'dist', mode);
      const start = { command: process.execPath, argv: [bin(dir, 'webpack'), '--mode', mode], cwd: dir };
      // webpack-cli writes no HTML: the page is the app's index.html beside main.js.
      const html = () => cpSync(join(dir, 'index.html'), join(out, 'index.html'));
      const built = await buildCheck('webpack', `webpack --mode ${mode} (${version})`, `webpack --mode ${mode}`, start, () => bundleSize(out), html);
      await check('webpack', `${mode} build in Chromium`, { build: `webpack --mode ${mode}`, runs: 'static files → Chromium', size: '-' }, async () => {
        if (!built) throw new Error('no build to serve');
        return withMock(['--www', out], async (mock) => describe(await pageCheck(`${mock.url}/?mock=${encodeURIComponent(mock.url)}`)));
      });
    }
  },

  async next({ dir }) {
    const next = (...argv) => ({ command: process.execPath, argv: [bin(dir, 'next'), ...argv], cwd: dir });
    const version = `next ${toolVersion(dir, 'next')}, react ${toolVersion(dir, 'react')}`;
    const built = await buildCheck('next', `next build (${version})`, 'next build', next('build'), () => `client ${bundleSize(join(dir, '.next/static'))}`);
    for (const [server, build] of [
      ['start', 'next build'],
      ['dev', 'next dev (Turbopack)'],
    ]) {
      const setUp = async () => {
        const port = await freePort();
        const base = `http://127.0.0.1:${port}`;
        const checks = [
          {
            what: `next ${server}: route handler (server)`,
            row: { build, runs: `next ${server} → GET /api/check`, size: '-' },
            run: async (mock) => describe(await fetchCheck(`${base}/api/check?mock=${encodeURIComponent(mock.url)}`)),
          },
          {
            what: `next ${server}: client component in Chromium`,
            row: { build, runs: `next ${server} → Chromium`, size: '-' },
            run: async (mock) => describe(await pageCheck(`${base}/?mock=${encodeURIComponent(mock.url)}`)),
          },
        ];
        return { start: { ...next(server, '-p', String(port), '-H', '127.0.0.1'), port }, checks };
      };
      await serverChecks('next', setUp, server === 'start' && !built && 'no build to start');
    }
  },

  async worker({ dir }) {
    // Wrangler 4 refuses Node < 22.12; the app installs Node 24 from npm's `node` package.
    const node = join(dir, 'node_modules/node/bin/node');
    // No network: no request.cf data from workers.cloudflare.com (a placeholder is used).
    const env = { ...ENV, WRANGLER_LOG_PATH: join(dir, '.wrangler/logs'), CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: '1' };
    const wrangler = (...argv) => ({ command: node, argv: [join(dir, 'node_modules/wrangler/bin/wrangler.js'), ...argv], cwd: dir, env });
    const version = `wrangler ${toolVersion(dir, 'wrangler')}, node ${execFileSync(node, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim()}`;
    const build = 'wrangler deploy --dry-run --outdir dist';
    await buildCheck('worker', `${build} (${version})`, build, wrangler(...build.split(' ').slice(1)), () => bundleSize(join(dir, 'dist')));
    await serverChecks('worker', async () => {
      const [port, inspector] = await freePorts(2);
      const start = { ...wrangler('dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--show-interactive-dev-session=false'), port };
      const checks = [
        {
          what: 'wrangler dev (local workerd): the fetch handler',
          row: { build: 'wrangler dev', runs: 'wrangler dev → GET /', size: '-' },
          run: async (mock) => describe(await fetchCheck(`http://127.0.0.1:${port}/?mock=${encodeURIComponent(mock.url)}`)),
        },
      ];
      return { start, checks };
    });
  },
};

// ---- the run -----------------------------------------------------------------------------------

for (const name of only ?? []) {
  if (!(name in ENVIRONMENTS)) {
    console.error(`unknown environment ${name}: the environments are ${Object.keys(ENVIRONMENTS).join(', ')}`);
    process.exit(2);
  }
}
const work = mkdtempSync(join(tmpdir(), 'upvest-environments-'));
const runStarted = performance.now();
let tarballInfo = '';
try {
  if (!source.endsWith('.tgz') && !existsSync(join(source, 'package.json'))) throw new Error(`${source} holds no package: run \`npm run build\` first`);
  if (!existsSync(join(root, 'target/release/upvest-mock'))) throw new Error('target/release/upvest-mock is missing: cargo build --release -p upvest-mock');
  const tarball = source.endsWith('.tgz')
    ? source
    : join(work, execFileSync('npm', ['pack', source, '--pack-destination', work, '--silent'], { encoding: 'utf8', env: ENV, timeout: 120_000 }).trim().split('\n').pop());
  tarballInfo = `${tarball.split('/').pop()}, ${statSync(tarball).size} B`;
  console.log(`ok - package: npm pack ${source.endsWith('.tgz') ? '(given tarball)' : source} (${tarballInfo})`);
  results.push(true);
  for (const [app, runEnvironment] of Object.entries(ENVIRONMENTS)) {
    if (only && !only.has(app)) continue;
    let prepared;
    const started = performance.now();
    const ok = await check(app, 'npm install: tools and the tarball', null, async () => {
      prepared = await prepare(app, tarball);
      const tools = prepared.toolsMs === null ? 'tools cached' : `tools installed in ${seconds(prepared.toolsMs)}`;
      return `${tools}, tarball ${seconds(prepared.tarballMs)}, in ${prepared.dir}`;
    });
    if (!ok) {
      installs.push({ app, tools: 'failed', tarball: '-', total: seconds(performance.now() - started) });
      continue;
    }
    try {
      await runEnvironment(prepared);
    } catch (error) {
      await check(app, 'the environment ran to its end', null, () => Promise.reject(error));
    } finally {
      prepared.release();
    }
    installs.push({
      app,
      tools: prepared.toolsMs === null ? 'cached' : `cold: ${seconds(prepared.toolsMs)}`,
      tarball: seconds(prepared.tarballMs),
      total: seconds(performance.now() - started),
    });
  }
} catch (error) {
  results.push(false);
  console.log(`not ok - environments: setup\n  # ${String(error.message).replaceAll('\n', '\n  # ')}`);
} finally {
  await browser?.close().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r).length;
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
const table = [
  '# Environment matrix',
  '',
  `Run ${new Date().toISOString()} by \`node tests/environments/run.mjs\` with Node ${process.version}: ${tarballInfo}; ` +
    `${results.length - failed} passed, ${failed} failed, ${seconds(performance.now() - runStarted)} in all.`,
  '',
  '| environment | check | build command | runs | bundle size | time | result |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.env} | ${cell(r.what)} | ${r.build === '-' ? '-' : `\`${cell(r.build)}\``} | ${cell(r.runs)} | ${cell(r.size)} | ${seconds(r.ms)} | ${r.ok ? 'ok' : `**failed**: ${cell(r.detail).slice(0, 160)}`} |`),
  '',
  `Installs (tools cached under \`${CACHE}\`; the tarball installed with \`npm install --no-save\` every run):`,
  '',
  '| app | tools | tarball install | app total |',
  '|---|---|---|---|',
  ...installs.map((i) => `| ${i.app} | ${i.tools} | ${i.tarball} | ${i.total} |`),
  '',
];
mkdirSync(join(root, 'test-output'), { recursive: true });
writeFileSync(join(root, 'test-output/environments.md'), table.join('\n'));
console.log(`environments: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
