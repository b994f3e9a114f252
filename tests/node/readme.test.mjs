// The README's usage example, run as written against the mock (only the package specifier is
// pointed at the local build, as an installed package would resolve it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = new URL('../../', import.meta.url);

test('the README usage example runs as written', async () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'));
  const example = /```js\n([\s\S]*?)```/.exec(usage)?.[1];
  assert.ok(example, 'README has a js block under ## Usage');
  const entry = new URL('pkg/node/index.mjs', root).href;
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, example.replace("from 'upvest-account-groups'", `from '${entry}'`));
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      env: { ...process.env, UPVEST_BASE_URL: process.env.UPVEST_MOCK_URL },
      timeout: 20_000,
    });
    const lines = stdout.trim().split('\n');
    assert.match(lines[0], /^[0-9a-f-]{36} ACTIVE \d{9}$/);
    assert.match(lines[1], /^\[ '413715f2-5401-4b97-8055-034a6b879f8c' \]$/);
    assert.match(lines[2], /^\d+ of \d+$/);
    assert.match(lines[3], /^404 https:\/\/docs\.upvest\.co\/errors\/not_found [0-9a-f-]{36}$/);
    assert.match(lines[4], /^user_id must be a UUID string/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
