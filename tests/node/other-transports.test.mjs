// The suites that hold the transport's guarantees, run again over Node's other transports: in
// Node the package sends through undici's dispatcher unless given a `fetch` or an `agent`, so the
// reliability cases, the hostile servers and the README's examples run once that way (their own
// files) and here once over node:http (UPVEST_TRANSPORT=node-http: every client is given an
// `agent`) and once over Node's fetch (UPVEST_TRANSPORT=fetch) (tests/node/transport-package.mjs).
// Each suite runs in a child `node --test`, against the same mock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const suites = ['reliability.test.mjs', 'hostile-server.test.mjs', 'readme.test.mjs'];

for (const [transport, suite] of ['node-http', 'fetch'].flatMap((over) => suites.map((file) => [over, file]))) {
  test(`${suite} over ${transport}`, { timeout: 240_000 }, async (t) => {
    const env = { ...process.env, UPVEST_TRANSPORT: transport };
    delete env.NODE_TEST_CONTEXT;
    const file = fileURLToPath(new URL(suite, import.meta.url));
    const child = spawn(process.execPath, ['--expose-gc', '--test', '--test-reporter=tap', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    const count = (what) => Number(new RegExp(`^# ${what} (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
    t.diagnostic(`${suite} over ${transport}: ${count('pass')} passed, ${count('fail')} failed`);
    assert.equal(code, 0, `${suite} over ${transport} failed:\n${out.split('\n').filter((line) => /^not ok|error:|Error/.test(line.trim())).slice(0, 40).join('\n')}`);
    assert.ok(count('pass') > 0, 'it ran tests');
    assert.equal(count('fail'), 0);
  });
}
