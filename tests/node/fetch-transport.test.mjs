// The suites that hold the transport's guarantees, run again over Node's fetch (undici): in Node
// the package sends over node:http unless given a `fetch`, so the reliability cases, the hostile
// servers and the README's examples run once that way (their own files) and once here, with
// UPVEST_TRANSPORT=fetch, which gives every client `fetch: globalThis.fetch`
// (tests/node/fetch-package.mjs). Each suite runs in a child `node --test`, against the same mock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const suites = ['reliability.test.mjs', 'hostile-server.test.mjs', 'readme.test.mjs'];

for (const suite of suites) {
  test(`${suite} over fetch`, { timeout: 240_000 }, async (t) => {
    const env = { ...process.env, UPVEST_TRANSPORT: 'fetch' };
    delete env.NODE_TEST_CONTEXT;
    const file = fileURLToPath(new URL(suite, import.meta.url));
    const child = spawn(process.execPath, ['--expose-gc', '--test', '--test-reporter=tap', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    const count = (what) => Number(new RegExp(`^# ${what} (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
    t.diagnostic(`${suite} over fetch: ${count('pass')} passed, ${count('fail')} failed`);
    assert.equal(code, 0, `${suite} over fetch failed:\n${out.split('\n').filter((line) => /^not ok|error:|Error/.test(line.trim())).slice(0, 40).join('\n')}`);
    assert.ok(count('pass') > 0, 'it ran tests');
    assert.equal(count('fail'), 0);
  });
}
