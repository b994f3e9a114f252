// The shared client cases through Prism (@stoplight/prism-cli) in proxy mode with --errors, in
// front of the mock: every request the client sends and every response the mock returns is
// validated against contract/account-groups.openapi.yaml by a validator nobody here wrote. A
// violation either way turns into an error response, which fails the case that caused it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as api from '../../pkg/node/index.mjs';
import { startMock } from '../../scripts/with-mock.mjs';
import { clientCases } from '../shared/client-cases.mjs';
import { freePort } from '../free-ports.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const STARTUP_LIMIT_MS = 60_000;

/** Starts Prism in front of `upstream`; resolves once it listens. A port picked free can be taken
 * before Prism binds it, so a Prism that does not start gets one more try on another port. */
async function startPrism(upstream) {
  for (let tries = 1; ; tries += 1) {
    try {
      return await startPrismOn(await freePort(), upstream);
    } catch (error) {
      if (tries === 2) throw error;
    }
  }
}

async function startPrismOn(port, upstream) {
  const prism = spawn(`${root}node_modules/.bin/prism`, ['proxy', `${root}contract/account-groups.openapi.yaml`, upstream, '--errors', '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const counts = { received: 0, violations: [] };
  const lines = createInterface({ input: prism.stdout });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      prism.kill('SIGKILL');
      reject(new Error(`prism did not start within ${STARTUP_LIMIT_MS} ms`));
    }, STARTUP_LIMIT_MS);
    prism.once('exit', (code) => reject(new Error(`prism exited with ${code}`)));
    lines.on('line', (line) => {
      if (/Prism is listening/.test(line)) {
        clearTimeout(timer);
        resolve();
      }
      if (/Request received/.test(line)) counts.received += 1;
      if (/Violation|✖|error/i.test(line) && !/Request received/.test(line)) counts.violations.push(line);
    });
  });
  prism.stderr.resume();
  return { url: `http://127.0.0.1:${port}`, counts, stop: () => prism.kill('SIGTERM') };
}

let mock;
let prism;
before(async () => {
  mock = await startMock(['--seed', '20']);
  prism = await startPrism(mock.url);
});
after(() => {
  console.log(`prism: ${prism?.counts.received ?? 0} requests and their responses validated, ${prism?.counts.violations.length ?? 0} violations`);
  prism?.stop();
  mock?.stop();
});

// Prism requires the signature headers the contract lists, so the client signs as in production.
const { privateKey } = generateKeyPairSync('ed25519');
const signer = api.createUpvestSigner({ keyId: 'a5a2b1c8-2b3c-4d5e-8f90-1a2b3c4d5e6f', privateKey, algorithm: 'ed25519' });

for (const { name } of clientCases(api, 'http://unused')) {
  test(`through Prism: ${name}`, () => {
    const cases = clientCases(api, mock.url, { apiUrl: prism.url, extra: { signer } });
    return cases.find((c) => c.name === name).run();
  });
}

test('Prism is really validating: a request that breaks the contract is refused by it', async () => {
  const headers = {
    accept: 'application/json',
    authorization: 'Bearer t',
    'upvest-client-id': '363f3305-7ab0-4e82-a158-f9d382ad08b6',
    signature: 'sig1=:AAAA:',
    'signature-input': 'sig1=("@method");keyid="k";created=1;expires=2;nonce="n"',
  };
  const response = await fetch(`${prism.url}/account_groups?limit=0`, { headers });
  assert.equal(response.status, 422);
  const problem = await response.json();
  assert.match(problem.type, /stoplight\.io\/prism\/errors/);
  assert.match(JSON.stringify(problem.validation), /limit/);
  prism.counts.violations.length = 0; // this one was on purpose
});

test('Prism saw the traffic and found no violation', () => {
  assert.ok(prism.counts.received > 20, `prism validated ${prism.counts.received} requests`);
  assert.deepEqual(prism.counts.violations, []);
});
