// The package as users get it: `npm pack` pkg/, install the tarball into a fresh project outside
// the repository, then use it from (a) an ESM script, (b) a CommonJS script, (c) `tsc --strict`
// with moduleResolution node16 (ESM and CJS files) and bundler, and (d) a browser page bundled
// with esbuild, each creating and reading a group against the mock. Prints one line per check
// and a closing "package: N passed, N failed".
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launchOptions } from '../browser/chromium.mjs';
import { startMock } from '../../scripts/with-mock.mjs';

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

  await check(`npm pack and install the tarball outside the repository`, async () => `${tarball}, ${tarballSize} B`);

  await check('(a) ESM import: create, get, instanceof ProblemError', async () => {
    writeFileSync(join(project, 'esm.mjs'), USAGE("import { AccountGroups, ProblemError } from 'upvest-account-groups';"));
    return run('esm.mjs');
  });

  await check('(b) CJS require: create, get, instanceof ProblemError', async () => {
    writeFileSync(join(project, 'cjs.cjs'), `(async () => {\n${USAGE("const { AccountGroups, ProblemError } = require('upvest-account-groups');")}\n})().catch((e) => { console.error(e); process.exit(1); });`);
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

  await check('(d) a browser page bundled with esbuild: create, get, instanceof ProblemError', async () => {
    writeFileSync(join(project, 'page.js'), USAGE("import { AccountGroups, ProblemError } from 'upvest-account-groups';").replace('process.env.MOCK_URL', 'location.origin').replace('console.log(fetched.id);', 'window.__result = fetched.id;'));
    execFileSync(bin('esbuild'), ['page.js', '--bundle', '--format=esm', '--platform=browser', '--target=es2022', '--outfile=www/bundle.js', '--log-level=error'], { cwd: project });
    // esbuild leaves `new URL('…_bg.wasm', import.meta.url)` as it is: the wasm goes next to the bundle.
    copyFileSync(join(project, 'node_modules/upvest-account-groups/web/upvest_account_groups_bg.wasm'), join(project, 'www/upvest_account_groups_bg.wasm'));
    writeFileSync(join(project, 'www/index.html'), '<!doctype html><meta charset="utf-8"><title>consumer</title><script type="module" src="bundle.js"></script>');
    const browser = await chromium.launch(launchOptions());
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${mock.url}/index.html`);
      const id = await page.waitForFunction(() => window.__result, null, { timeout: 20_000 }).then((h) => h.jsonValue()).catch(() => { throw new Error(`no result: ${errors.join('; ')}`); });
      return `${id}, bundle ${statSync(join(project, 'www/bundle.js')).size} B`;
    } finally {
      await browser.close();
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
