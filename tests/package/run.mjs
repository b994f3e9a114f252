// The package as users get it: `npm pack` pkg/, install the tarball into a fresh project outside
// the repository, then use it from (a) an ESM script, (b) a CommonJS script, (c) `tsc --strict`
// with moduleResolution node16 (ESM and CJS files) and bundler, and (d) a browser page bundled
// with esbuild, each creating and reading a group against the mock; and (e–g) the in-process
// mock (`upvest-account-groups/mock`) from ESM, CommonJS, tsc and an esbuild-bundled page. Prints
// one line per check and a closing "package: N passed, N failed".
import { execFileSync } from 'node:child_process';
import { cpSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launchOptions } from '../browser/chromium.mjs';
import { startMock } from '../../scripts/with-mock.mjs';
import { startRedis } from '../node/redis-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name) => join(root, 'node_modules/.bin', name);
const work = mkdtempSync(join(tmpdir(), 'upvest-package-'));
const project = join(work, 'consumer');
const results = [];

async function check(name, run) {
  try {
    const detail = await run();
    results.push(true);
    console.log(`ok - ${name}${detail ? ` (${detail})` : ''}`);
  } catch (error) {
    results.push(false);
    console.log(`not ok - ${name}\n  # ${String(error.stderr ?? '') || error.message}`.trimEnd());
  }
}

const USAGE = (importLine) => `${importLine}
const client = new AccountGroups({ baseUrl: process.env.MOCK_URL, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 'packaged' });
const created = await client.create({ user_id: '413715f2-5401-4b97-8055-034a6b879f8c', type: 'PERSONAL' });
const fetched = await client.get(created.id);
if (fetched.id !== created.id) throw new Error('read back a different group');
const missing = await client.get('9d95820d-4333-46b6-98de-04ab7512e76f').catch((e) => e);
if (!(missing instanceof ProblemError) || missing.status !== 404) throw new Error('not a ProblemError: ' + missing);
console.log(fetched.id);
`;

const STRICT_CONSUMER = `import { AccountGroups, ProblemError, type AccountGroup } from 'upvest-account-groups';
export async function use(baseUrl: string): Promise<string> {
  const client = new AccountGroups({ baseUrl, clientId: 'c', accessToken: 't' });
  const group: AccountGroup = await client.get('id');
  try { await client.list({ limit: 1 }); } catch (e) { if (e instanceof ProblemError) return e.type; }
  // @ts-expect-error the types are really there: this field does not exist
  group.no_such_field;
  return group.type === 'BUSINESS' ? group.business_id : group.users.map((u) => u.id).join();
}
`;

const MOCK_USAGE = (importLines) => `${importLines}
const mock = await createMock({ seed: 3 });
const client = new AccountGroups({ baseUrl: mock.url, fetch: mock.fetch, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 'packaged' });
const created = await client.create({ user_id: '413715f2-5401-4b97-8055-034a6b879f8c', type: 'PERSONAL' });
if ((await client.get(created.id)).id !== created.id) throw new Error('read back a different group');
if ((await client.list()).meta.total_count !== 4) throw new Error('not the seeded groups and one more');
const missing = await client.get('9d95820d-4333-46b6-98de-04ab7512e76f').catch((e) => e);
if (!(missing instanceof ProblemError) || missing.status !== 404) throw new Error('not a ProblemError: ' + missing);
const result = created.id + ', ' + mock.requests().length + ' requests logged';
`;

const STRICT_MOCK_CONSUMER = `import { AccountGroups } from 'upvest-account-groups';
import { createMock, type Mock } from 'upvest-account-groups/mock';
export async function use(): Promise<number> {
  const mock: Mock = await createMock({ seed: 2 });
  const client = new AccountGroups({ baseUrl: mock.url, fetch: mock.fetch, clientId: 'c', accessToken: 't' });
  // @ts-expect-error the types are really there: createMock has no such option
  await createMock({ seeds: 2 });
  return (await client.list()).meta.total_count + mock.requests().length;
}
`;

/** The tarball's size with pkg/ as it is and without `dir` in it. */
function packedWithout(dir) {
  const copy = join(work, 'pkg-without');
  cpSync(join(root, 'pkg'), copy, { recursive: true });
  rmSync(join(copy, dir), { recursive: true });
  const name = execFileSync('npm', ['pack', copy, '--pack-destination', join(work, 'packed-without'), '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  return statSync(join(work, 'packed-without', name)).size;
}

let mock;
try {
  const tarball = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', work, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  const tarballPath = join(work, tarball);
  const tarballSize = statSync(tarballPath).size;
  mkdirSync(join(project, 'www'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
  execFileSync('npm', ['install', tarballPath, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: project, stdio: 'ignore' });
  mock = await startMock(['--www', join(project, 'www')]);
  const env = { ...process.env, MOCK_URL: mock.url };
  const run = (file) => execFileSync(process.execPath, [file], { cwd: project, env, encoding: 'utf8', stdio: 'pipe' }).trim();

  await check(`npm pack and install the tarball outside the repository`, async () => {
    mkdirSync(join(work, 'packed-without'));
    return `${tarball}, ${tarballSize} B; ${packedWithout('mock')} B without the mock (upvest-account-groups/mock)`;
  });

  await check('(a) ESM import: create, get, instanceof ProblemError', async () => {
    writeFileSync(join(project, 'esm.mjs'), USAGE("import { AccountGroups, ProblemError } from 'upvest-account-groups';"));
    return run('esm.mjs');
  });

  await check('(b) CJS require: create, get, instanceof ProblemError; sent through undici, installed as its dependency', async () => {
    // The Node transport requires undici's pool on the first request, from the project's
    // node_modules; had it failed, the client would have fallen back to node:http.
    const sentThroughUndici = `if (!Object.keys(require.cache).some((file) => file.endsWith(require('node:path').join('node_modules', 'undici', 'lib', 'dispatcher', 'pool.js')))) throw new Error('undici was not loaded');`;
    writeFileSync(join(project, 'cjs.cjs'), `(async () => {\n${USAGE("const { AccountGroups, ProblemError } = require('upvest-account-groups');")}\n${sentThroughUndici}\n})().catch((e) => { console.error(e); process.exit(1); });`);
    return run('cjs.cjs');
  });

  for (const [resolution, module, files] of [
    ['node16', 'node16', ['esm.mts', 'cjs.cts']],
    ['bundler', 'esnext', ['bundled.ts']],
  ]) {
    await check(`(c) tsc --strict, moduleResolution ${resolution} (${files.join(', ')})`, async () => {
      const dir = join(project, `ts-${resolution}`);
      mkdirSync(dir, { recursive: true });
      for (const file of files) writeFileSync(join(dir, file), STRICT_CONSUMER);
      const config = { compilerOptions: { strict: true, noEmit: true, module, moduleResolution: resolution, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false }, files };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
      execFileSync(bin('tsc'), ['-p', dir], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    });
  }

  /**
   * Bundles `source` with esbuild into www/<name>.js beside the package's `wasm` (esbuild leaves
   * `new URL('…_bg.wasm', import.meta.url)` as it is: the wasm goes next to the bundle), opens
   * www/<name>.html, served by the mock binary, in Chromium, and resolves with the page's
   * `window.__result` and the bundle's size.
   */
  async function runInPage(name, source, wasm) {
    writeFileSync(join(project, `${name}.js`), source);
    execFileSync(bin('esbuild'), [`${name}.js`, '--bundle', '--format=esm', '--platform=browser', '--target=es2022', `--outfile=www/${name}-bundle.js`, '--log-level=error'], { cwd: project });
    copyFileSync(join(project, 'node_modules/upvest-account-groups', wasm), join(project, 'www', wasm.split('/').pop()));
    writeFileSync(join(project, `www/${name}.html`), `<!doctype html><meta charset="utf-8"><title>consumer</title><script type="module" src="${name}-bundle.js"></script>`);
    const browser = await chromium.launch(launchOptions());
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${mock.url}/${name}.html`);
      const result = await page.waitForFunction(() => window.__result, null, { timeout: 20_000 }).then((h) => h.jsonValue()).catch(() => { throw new Error(`no result: ${errors.join('; ')}`); });
      return `${result}, bundle ${statSync(join(project, `www/${name}-bundle.js`)).size} B`;
    } finally {
      await browser.close();
    }
  }

  await check('(d) a browser page bundled with esbuild: create, get, instanceof ProblemError', async () => {
    const source = USAGE("import { AccountGroups, ProblemError } from 'upvest-account-groups';").replace('process.env.MOCK_URL', 'location.origin').replace('console.log(fetched.id);', 'window.__result = fetched.id;');
    return runInPage('page', source, 'web/upvest_account_groups_bg.wasm');
  });

  await check('(e) the in-process mock, ESM and CommonJS: createMock, mock.fetch, create, get, list, 404', async () => {
    const importLines = "import { AccountGroups, ProblemError } from 'upvest-account-groups';\nimport { createMock } from 'upvest-account-groups/mock';";
    writeFileSync(join(project, 'mock-esm.mjs'), `${MOCK_USAGE(importLines)}console.log(result);\n`);
    const requireLines = "const { AccountGroups, ProblemError } = require('upvest-account-groups');\nconst { createMock } = require('upvest-account-groups/mock');";
    writeFileSync(join(project, 'mock-cjs.cjs'), `(async () => {\n${MOCK_USAGE(requireLines)}console.log(result);\n})().catch((e) => { console.error(e); process.exit(1); });`);
    return `ESM: ${run('mock-esm.mjs')}; CJS: ${run('mock-cjs.cjs')}`;
  });

  await check('(f) tsc --strict over the mock subpath, moduleResolution node16 and bundler', async () => {
    for (const [resolution, module, file] of [['node16', 'node16', 'mock.mts'], ['bundler', 'esnext', 'mock.ts']]) {
      const dir = join(project, `ts-mock-${resolution}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, file), STRICT_MOCK_CONSUMER);
      const config = { compilerOptions: { strict: true, noEmit: true, module, moduleResolution: resolution, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false }, files: [file] };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
      execFileSync(bin('tsc'), ['-p', dir], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    }
  });

  await check('(g) a browser page bundled with esbuild runs the client against the in-process mock', async () => {
    const importLines = "import { AccountGroups, ProblemError } from 'upvest-account-groups';\nimport { createMock } from 'upvest-account-groups/mock';";
    // Served by the mock binary as static files; the page's API calls never leave the page.
    return runInPage('mock-page', `${MOCK_USAGE(importLines)}window.__result = result;\n`, 'mock/upvest_mock_bg.wasm');
  });

  await check('(h) upvest-account-groups/bullmq, ESM and CommonJS, on a real Redis: a delivery through the receiver becomes a job; its errors are the main entry\'s classes', async () => {
    // bullmq as the project would have installed it (linked from the repository: no network).
    symlinkSync(join(root, 'node_modules/bullmq'), join(project, 'node_modules/bullmq'));
    const redis = await startRedis();
    try {
      const usage = (imports) => `${imports}
const queue = new Queue('packaged-' + process.pid, { connection: { host: '127.0.0.1', port: ${redis.port} } });
const store = new BullMQWebhookStore({ queue });
const receiver = createWebhookReceiver({ verify: false, store });
const id = crypto.randomUUID();
const event = { id, created_at: '2026-12-01T00:00:00Z', type: 'SOMETHING.LATER', webhook_id: crypto.randomUUID(), object: {} };
const response = await receiver.handle(new Request('http://127.0.0.1/hooks', { method: 'POST', body: JSON.stringify({ payload: [event] }) }));
const job = await queue.getJob(id);
let refused;
try { new BullMQWebhookStore({}); } catch (error) { refused = error instanceof InvalidInputError && error.field; }
await store.close();
await queue.close();
console.log(response.status + ' ' + job.name + ' ' + (job.id === id) + ' ' + refused);
`;
      writeFileSync(join(project, 'bullmq-esm.mjs'), usage("import { Queue } from 'bullmq';\nimport { createWebhookReceiver, InvalidInputError } from 'upvest-account-groups';\nimport { BullMQWebhookStore } from 'upvest-account-groups/bullmq';"));
      writeFileSync(join(project, 'bullmq-cjs.cjs'), `(async () => {\n${usage("const { Queue } = require('bullmq');\nconst { createWebhookReceiver, InvalidInputError } = require('upvest-account-groups');\nconst { BullMQWebhookStore } = require('upvest-account-groups/bullmq');")}\n})().catch((e) => { console.error(e); process.exit(1); });`);
      const [esm, cjs] = [run('bullmq-esm.mjs'), run('bullmq-cjs.cjs')];
      for (const got of [esm, cjs]) if (got !== '200 SOMETHING.LATER true queue') throw new Error(`got ${got}`);
      return `ESM: ${esm}; CJS: ${cjs}`;
    } finally {
      await redis.stop();
    }
  });
} catch (error) {
  results.push(false);
  console.log(`not ok - packaging setup\n  # ${error.stderr ?? error.message}`);
} finally {
  mock?.stop();
  rmSync(work, { recursive: true, force: true });
}
const failed = results.filter((r) => !r).length;
console.log(`package: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
