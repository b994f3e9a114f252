// Runs the package in a process whose Object.prototype is polluted, as a dependency with a
// deep-merge bug (`{"__proto__": {...}}`) pollutes it; run by prototype-pollution.test.mjs, once
// per way of polluting and per moment (before or after the package is imported). Not a test
// file: `node --test` does not run it.
//
// Usage: node pollution-probe.mjs <calls|reads|none|platform> <before|after>, with POLLUTION_NAMES (a JSON
// file of names), UPVEST_MOCK_URL (a mock run with --strict-tokens and --verify-key for the
// public half of POLLUTION_SIGNING_KEY, an Ed25519 PKCS#8 PEM) and POLLUTION_CLIENT_SECRET. Prints one
// line of JSON: what each scenario gave, and what reached the pollution.
//  - calls: every name is a function that records its call; nothing may call one.
//  - reads: every name is a getter that records each read made by the package's own code (the
//    frame that reads is in pkg/ or in the wasm); nothing may be read.
//  - platform: no package; each name alone, polluted each way, under what the package asks of
//    Node (a module import, fetch, WebCrypto, Headers, TextDecoder): prints the names with which
//    Node itself fails, which no library can defend against.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { newSigner, signDelivery } from '../shared/webhook-verifier-cases.mjs';

const [mode, moment] = process.argv.slice(2);
const names = JSON.parse(readFileSync(process.env.POLLUTION_NAMES, 'utf8'));
const baseUrl = process.env.UPVEST_MOCK_URL;
const clientSecret = process.env.POLLUTION_CLIENT_SECRET;
const privateKey = process.env.POLLUTION_SIGNING_KEY;
const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const packageDir = fileURLToPath(new URL('../../pkg/', import.meta.url));

/** Where the pollution was reached: `name` → how many times. */
const reached = new Map();
const note = (name) => reached.set(name, (reached.get(name) ?? 0) + 1);
// A frame of the package's own code: its files, or its wasm.
const ownFrame = (line) => line.includes(packageDir) || line.includes('wasm://');

function pollute(style = mode, list = names) {
  if (style === 'none') return;
  for (const name of list) {
    if (style === 'calls') {
      // As `Object.prototype[name] = value` would: enumerable, writable.
      Object.prototype[name] = function polluted() {
        note(name);
      };
    } else {
      // Descriptors without a prototype: `value`, `writable`, `get` and `set` are polluted too.
      Object.defineProperty(Object.prototype, name, {
        __proto__: null,
        configurable: true,
        enumerable: true,
        get() {
          const frames = new Error().stack.split('\n').slice(2);
          // The first frame that is code (not a built-in such as Reflect.get) did the read.
          const reader = frames.find((line) => !/\(<anonymous>\)$|at [\w.]+ \(native\)$/.test(line.trim()));
          if (reader !== undefined && ownFrame(reader)) note(`${name} (read at ${reader.trim()})`);
          return undefined;
        },
        // An assignment still makes an own member, as it would without the getter.
        set(value) {
          Object.defineProperty(this, name, { __proto__: null, value, writable: true, enumerable: true, configurable: true });
        },
      });
    }
  }
}

function clean(list = names) {
  for (const name of list) delete Object.prototype[name];
}

/** What the package asks of Node, done with objects that have no prototype, as the package
 * makes them; resolves if Node copes, rejects (or times out) if it does not. */
async function platformCopes(round) {
  // A file module (resolving a file: URL is where Node's loader reads plain objects), new each
  // round: a query makes it another module.
  await import(`${emptyModule}?round=${round}`);
  // A new socket, as fetch opens for a first request (Node reads options of its own there); the
  // requests below may reuse a pooled one.
  const { hostname, port } = new URL(baseUrl);
  await new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => resolve(socket.destroy())).once('error', reject);
  });
  // And a whole exchange on a socket of its own (a Readable made with `read` from a polluted
  // prototype never reads).
  await new Promise((resolve, reject) => {
    const request = get(`${baseUrl}/account_groups?limit=1`, { __proto__: null, agent: false }, (response) => {
      response.on('data', () => {}).once('end', resolve).once('error', reject);
    });
    request.once('error', reject);
  });
  for (const [method, body] of [['GET', undefined], ['POST', 'grant_type=client_credentials']]) {
    const headers = new Headers({ accept: 'application/json', authorization: 'Bearer t' });
    const init = { __proto__: null, method, headers, body, redirect: 'manual', signal: new AbortController().signal };
    const response = await fetch(`${baseUrl}/account_groups?limit=1`, init);
    // undici answers `status` from a Proxy that asks `p in state` of a plain object.
    if (typeof response.status !== 'number' || typeof response.headers.get('content-type') !== 'string') throw new Error('the Response is not whole');
    new TextDecoder('utf-8', { __proto__: null, fatal: true }).decode(new Uint8Array(await response.arrayBuffer()));
  }
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, { __proto__: null, name: 'Ed25519' }, false, ['sign']);
  await crypto.subtle.sign({ __proto__: null, name: 'Ed25519' }, key, new Uint8Array(8));
  const { kty, crv, x, y } = webhookSigner.jwk;
  const ecdsa = { __proto__: null, name: 'ECDSA', namedCurve: 'P-521' };
  await crypto.subtle.importKey('jwk', { __proto__: null, kty, crv, x, y }, ecdsa, false, ['verify']);
  await crypto.subtle.digest('SHA-256', new Uint8Array(8));
}

/** The names with which Node fails on its own, each polluted alone, either way. */
async function platformBreaking() {
  // No prototype: `breaking[name] ??=` must not see the pollution itself.
  const breaking = { __proto__: null };
  let round = 0;
  for (const name of names) {
    for (const style of ['calls', 'reads']) {
      pollute(style, [name]);
      try {
        let timer;
        const limit = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('did not settle within 5 s')), 5000)));
        await Promise.race([platformCopes((round += 1)), limit]).finally(() => clearTimeout(timer));
      } catch (error) {
        breaking[name] ??= `${style}: ${String(error?.message).slice(0, 120)}`;
      } finally {
        clean([name]);
      }
    }
  }
  return breaking;
}

/** Runs a scenario, keeping what it gave or the name and message of what it threw. */
async function scenario(results, name, body) {
  try {
    results[name] = { ok: true, value: await body() };
  } catch (error) {
    results[name] = { ok: false, error: `${error?.name}: ${error?.message}${error?.code ? ` (${error.code})` : ''}` };
    if (process.env.POLLUTION_DEBUG) console.error(name, error?.stack, error?.cause?.stack);
  }
}

// Fixtures are made before anything is polluted: they stand for Upvest, not for the package.
const webhookSigner = await newSigner('pollution-webhook-key');
// Delivered the second it was signed, so its age is the same in every run.
const created = Math.floor(Date.now() / 1000);
const delivery = await signDelivery(webhookSigner, { created });
const jwks = { keys: [webhookSigner.jwk] };
const deliveredAt = created * 1000;
// The requests a webhook receiver gets (undici's Request reads its init through the prototype:
// the platform's, not the package's, so they are made before the pollution).
const receiverRequests = [delivery, delivery, { ...delivery, headers: { 'content-type': 'application/json' } }].map(
  ({ url, headers, body }) => new Request(`http://127.0.0.1${url}`, { method: 'POST', headers, body }),
);
const scratch = mkdtempSync(join(tmpdir(), 'upvest-probe-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const emptyModuleFile = join(scratch, 'empty.mjs');
writeFileSync(emptyModuleFile, 'export default 0;\n');
const emptyModule = pathToFileURL(emptyModuleFile).href;
const pkcs8 = new Uint8Array(Buffer.from(privateKey.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

if (mode === 'platform') {
  const breaking = await platformBreaking();
  process.stdout.write(`${JSON.stringify({ breaking })}\n`);
  process.exit(0);
}

if (moment === 'before') pollute();
const api = await import('../../pkg/node/index.mjs');
if (moment === 'after') pollute();

const results = {};
const signer = api.createUpvestSigner({ privateKey, keyId: 'a5a2b1c8-2b3c-4d5e-8f90-1a2b3c4d5e6f', algorithm: 'ed25519' });
const tokens = api.clientCredentials({ tokenUrl: `${baseUrl}/auth/token`, clientId, clientSecret, scopes: ['accounts:read', 'accounts:admin'], signer });
const client = new api.AccountGroups({ baseUrl, clientId, tokenProvider: tokens, signer });
await scenario(results, 'token', async () => typeof (await tokens()).access_token);
await scenario(results, 'create', async () => (await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' })).status);
await scenario(results, 'list', async () => (await client.list({ limit: 5 })).data.length);
await scenario(results, 'iterate', async () => {
  let count = 0;
  for await (const group of client.iterate({ pageSize: 2 })) count += group.id ? 1 : 0;
  return count;
});
await scenario(results, 'fixed token', async () => {
  const { access_token: accessToken } = await tokens();
  const fixed = new api.AccountGroups({ baseUrl, clientId, accessToken, signer });
  return (await fixed.list({ limit: 1 })).meta.limit;
});
const verify = api.createWebhookVerifier({ keys: jwks, now: () => deliveredAt });
const parse = (headers, verifyWith = verify) =>
  api.parseWebhookEvents(delivery.body, { method: delivery.method, url: delivery.url, headers, verify: verifyWith });
await scenario(results, 'webhook', async () => (await parse(delivery.headers)).map((event) => event.type));
await scenario(results, 'webhook, Headers', async () => (await parse(new Headers(delivery.headers))).length);
await scenario(results, 'webhook, a day later', async () => (await parse(delivery.headers, api.createWebhookVerifier({ keys: jwks, now: () => deliveredAt + 86_400_000 }))).length);
await scenario(results, 'webhook, deduplicated', async () => {
  const seen = new api.WebhookDeduplicator({ size: 10 });
  const events = await parse(delivery.headers);
  return [seen.filter(events).length, seen.filter(events).length];
});
await scenario(results, 'webhook receiver', async () => {
  const store = new api.MemoryWebhookStore();
  const receiver = api.createWebhookReceiver({ verify, store });
  const statuses = [];
  for (const request of receiverRequests) statuses.push((await receiver.handle(request)).status);
  return [statuses, store.take().map((record) => record.type)];
});

clean();
process.stdout.write(`${JSON.stringify({ results, reached: Object.fromEntries(reached) })}\n`);
