// A polluted Object.prototype (a dependency's deep-merge bug is enough) changes nothing the
// package does: no option, header set, body or parsed JSON is read through a prototype. Every
// name the shipped code spells, and every member the platform reads from what the package hands
// it, is polluted before and after the import, as functions that record being called and as
// getters that record the package's own reads; a call, a token request, signed calls and a
// webhook parse and verify must then give what they give in a clean process, against a mock that
// accepts only the tokens it issued and only requests signed by the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMock } from '../../scripts/with-mock.mjs';

const probe = fileURLToPath(new URL('./pollution-probe.mjs', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const shipped = ['index.cjs', 'index.mjs'].map((file) => join(root, 'pkg/node', file));
/** The Rust the wasm is built from: the names it reads (a webhook's `payload`, a token's
 * `expires_in`, every option) are its string literals. */
const wasmSources = ['src', 'api/src', 'quick-check/src'].flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true }).filter((file) => file.endsWith('.rs')).map((file) => join(root, dir, file)),
);

/** Members the platform reads from what the package hands it, which the package's own text need
 * not spell: fetch's `RequestInit` (Node's fetch reads `dispatcher` from it), listener options,
 * `TextDecoder` options, `KeyObject#export`'s `format` and `type`, undici's options, and a JWK's members for
 * `importKey`. (Not `passphrase` or `cipher`: the package hands `export` options without a
 * prototype, but Node 20's WebCrypto `importKey` reads them from options it makes itself.) */
const PLATFORM_READS = [
  'dispatcher', 'duplex', 'credentials', 'mode', 'cache', 'referrer', 'referrerPolicy', 'integrity', 'keepalive', 'priority', 'window',
  'capture', 'passive', 'once', 'signal',
  'fatal', 'ignoreBOM',
  'format', 'type',
  // undici's, read from option objects it makes itself (js/node-dispatch.js sends over node:http
  // in a polluted process).
  'interceptors', 'factory', 'socketPath', 'lookup', 'tls', 'maxHeaderSize', 'clientTtl',
  'd', 'ext', 'key_ops', 'use', 'alg', 'kty', 'crv', 'x', 'y',
];

/** Names left alone, because the language itself reads them through the prototype, so that
 * polluting them breaks every program, whatever this package does: `then` is read by every
 * `await` and promise resolution (ECMAScript's PromiseResolve), `return` by every array
 * destructuring that leaves items over and every `for…of` left early (IteratorClose). */
const PLATFORM_BREAKING = new Set(['then', 'return']);
/** Reads the package's code makes through a prototype and may: wasm-bindgen's glue asks whether
 * the wasm memory's ArrayBuffer is `detached` (Node 20's ArrayBuffer has no such getter yet, so
 * the read reaches Object.prototype), and compares it with `=== true`: a polluted value can only
 * make the glue make its DataView anew, never change a result. */
const HARMLESS_READS = ['detached (read at at getDataViewMemory0 '];


/** Every identifier the shipped JavaScript spells (the wasm's bytes, a long string, left out),
 * every identifier-shaped string literal of the wasm's Rust, and PLATFORM_READS; less what
 * Object.prototype already has and PLATFORM_BREAKING. */
function pollutedNames() {
  const names = new Set(PLATFORM_READS);
  for (const file of shipped) {
    const text = readFileSync(file, 'utf8').replace(/(["'`])[A-Za-z0-9+/=]{1000,}\1/g, '');
    for (const [name] of text.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(name);
  }
  for (const file of wasmSources) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(/"([A-Za-z_$][\w$]*)"/g)) names.add(name);
  }
  return [...names].filter((name) => !(name in Object.prototype) && !PLATFORM_BREAKING.has(name)).sort();
}

const names = pollutedNames();
const dir = mkdtempSync(join(tmpdir(), 'upvest-pollution-'));
const namesFile = join(dir, 'names.json');
writeFileSync(namesFile, JSON.stringify(names));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicKeyFile = join(dir, 'public.pem');
writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
const clientSecret = `secret-${randomUUID()}`;

/** Runs the probe against a fresh mock that takes only issued tokens and signed requests. */
async function runProbe(mode, moment) {
  const mock = await startMock(['--strict-tokens', '--client-secret', clientSecret, '--verify-key', publicKeyFile]);
  try {
    const env = {
      ...process.env,
      UPVEST_MOCK_URL: mock.url,
      POLLUTION_NAMES: namesFile,
      POLLUTION_CLIENT_SECRET: clientSecret,
      POLLUTION_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    };
    const stdout = await new Promise((resolve, reject) =>
      execFile(process.execPath, [probe, mode, moment], { env, timeout: 60_000, maxBuffer: 16 << 20 }, (error, out, err) =>
        error ? reject(new Error(`the probe (${mode}, ${moment}) failed: ${error.message}\n${err}`)) : resolve(out),
      ),
    );
    return JSON.parse(stdout.trim().split('\n').at(-1));
  } finally {
    mock.stop();
  }
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

/** What a clean process gives; each polluted run must give the same. */
let clean;

test('the names: from the code, less those with which Node itself fails (each tried alone, without the package)', async () => {
  assert.ok(names.length > 300, `the names come from the shipped code (${names.length})`);
  const { breaking } = await runProbe('platform', 'before');
  console.log(`names with which Node 20 fails by itself, left out: ${JSON.stringify(breaking, null, 1)}`);
  // Node's own property descriptors and option bags (module loading, sockets, undici's fetch,
  // WebCrypto) are plain objects; what breaks there breaks every program (Node 20.20: about 20
  // names, `dispatcher` among them, read by undici from its own objects, whatever `init` the
  // package gives fetch). It stays a small part.
  assert.ok(Object.keys(breaking).length < names.length / 10, `${Object.keys(breaking).length} of ${names.length}`);
  const kept = names.filter((name) => !Object.hasOwn(breaking, name));
  for (const name of ['fetch', 'signer', 'onRequest', 'onResponse', 'tokenProvider', 'verify', 'store', 'onError', 'storeTimeoutMs', 'now', 'clockSkewSeconds', 'maxValiditySeconds', 'entries', 'payload', 'privateKey', 'access_token', 'expires_in', 'detail', 'requestId']) {
    assert.ok(kept.includes(name), `${name} is polluted`);
  }
  writeFileSync(namesFile, JSON.stringify(kept));
});

test('a clean process: every scenario works, and a day-old delivery is refused', async () => {
  clean = await runProbe('none', 'before');
  assert.deepEqual(clean.reached, {});
  const { 'webhook, a day later': dayLater, ...rest } = clean.results;
  for (const [name, result] of Object.entries(rest)) assert.ok(result.ok, `${name}: ${result.error}`);
  assert.match(dayLater.error, /WebhookVerificationError: .*expired/);
  assert.deepEqual(clean.results.webhook.value, ['ACCOUNT_GROUP.CREATED']);
  assert.deepEqual(clean.results['webhook, deduplicated'].value, [1, 0]);
  assert.deepEqual(clean.results['webhook receiver'].value, [[200, 200, 401], ['ACCOUNT_GROUP.CREATED']]);
});

for (const mode of ['calls', 'reads']) {
  for (const moment of ['before', 'after']) {
    test(`polluted with ${mode === 'calls' ? 'functions' : 'recording getters'} ${moment} the import: the same results, nothing reached`, async () => {
      assert.ok(clean, 'the clean run came first');
      const polluted = await runProbe(mode, moment);
      const reached = Object.keys(polluted.reached).filter((read) => !HARMLESS_READS.some((harmless) => read.startsWith(harmless)));
      assert.deepEqual(reached, [], 'no polluted member was called or read by the package');
      assert.deepEqual(polluted.results, clean.results);
    });
  }
}
