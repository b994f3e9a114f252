// @ts-check
// `upvest-account-groups/mock`: the mock's logic (mock/src, compiled to wasm by mock/wasm) in the
// caller's own process. `mock.fetch` answers as the mock server would, with no port and no
// binary; `mock.listen()` serves the same state over node:http. The package's mock entries hand
// over how to load the wasm (a file in Node, a URL in browsers) and, in Node, how to listen.

/** @typedef {{ method: string, path: string, query: string | undefined, headers: string[], body: Uint8Array }} Incoming */
/** @typedef {{ status: number, headers: string[], body: Uint8Array<ArrayBuffer> | null }} Outgoing */
/** @typedef {(handle: (incoming: Incoming) => Promise<Outgoing | undefined>, options: { port?: number }) => Promise<{ url: string, close(): Promise<void> }>} Listen */

/** @type {(() => Promise<import('./mock-core').MockModule>) | undefined} */
let loadCore;
/** @type {Promise<import('./mock-core').MockModule> | undefined} */
let loaded;
/** @type {Listen | undefined} */
let listenWith;

/**
 * Called once by the entry module.
 * @param {() => Promise<import('./mock-core').MockModule>} load
 * @param {Listen} [listen]
 */
export function bindMockPlatform(load, listen) {
  loadCore = load;
  listenWith = listen;
}

/** What `fetch` would use as the origin; any other origin reaches the mock through `mock.fetch` too. */
const MOCK_URL = 'https://upvest-mock.invalid';

/** createMock's options and the mock binary's flags for them. */
const OPTIONS = /** @type {const} */ ({
  seed: ['--seed', 'count'],
  closeDelayMs: ['--close-delay-ms', 'count'],
  clientSecret: ['--client-secret', 'text'],
  tokenTtlSeconds: ['--token-ttl-s', 'count'],
  strictTokens: ['--strict-tokens', 'switch'],
  verifyKey: ['--verify-key', 'pem'],
  requireSignatureHeaders: ['--require-signature-headers', 'switch'],
  webhookSigningKey: ['--webhook-signing-key', 'pem'],
  requestLogSize: ['--request-log-size', 'count'],
  idempotencyTtlSeconds: ['--idempotency-ttl-s', 'count'],
  maxIdempotencyKeys: ['--max-idempotency-keys', 'count'],
  maxGroups: ['--max-groups', 'count'],
});

/**
 * The binary's flags for createMock's options, refusing what the binary would (and what it
 * would read as something else, such as a file name where a PEM belongs).
 * @param {unknown} options
 * @returns {string[]}
 */
function flagsFor(options) {
  if (options === undefined) return [];
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError('createMock: options must be an object');
  /** @type {string[]} */
  const flags = [];
  for (const [name, value] of Object.entries(options)) {
    if (!Object.hasOwn(OPTIONS, name)) throw new TypeError(`createMock: unknown option ${name} (known: ${Object.keys(OPTIONS).join(', ')})`);
    if (value === undefined) continue;
    const [flag, kind] = OPTIONS[/** @type {keyof typeof OPTIONS} */ (name)];
    if (kind === 'switch') {
      if (typeof value !== 'boolean') throw new TypeError(`createMock: ${name} must be true or false`);
      if (value) flags.push(flag);
    } else if (kind === 'count') {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`createMock: ${name} must be a whole number ≥ 0, not ${String(value)}`);
      flags.push(flag, String(value));
    } else if (kind === 'pem') {
      if (typeof value !== 'string' || !value.includes('-----BEGIN')) throw new TypeError(`createMock: ${name} must be a PEM (a string with -----BEGIN …)`);
      flags.push(flag, value);
    } else {
      if (typeof value !== 'string' || value === '') throw new TypeError(`createMock: ${name} must be a non-empty string`);
      flags.push(flag, value);
    }
  }
  return flags;
}

/**
 * @param {number} ms
 * @param {AbortSignal} signal
 */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve(undefined);
    }, ms);
    function aborted() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', aborted, { once: true });
  });
}

/** Statuses whose responses have no body. */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A mock Upvest API in this process: the same store, validation, tokens, signatures, faults and
 * request log as the `upvest-mock` binary.
 * @param {import('./mock').MockOptions} [options]
 * @returns {Promise<import('./mock').Mock>}
 */
export async function createMock(options) {
  const flags = flagsFor(options);
  if (!loadCore) throw new Error('upvest-account-groups/mock: imported through a module that did not load the mock (import the package subpath itself)');
  // One load per process; a load that failed (a wasm URL a page could not fetch) is tried again.
  loaded ??= loadCore().catch((reason) => {
    loaded = undefined;
    throw reason;
  });
  const { MockCore } = await loaded;
  /** @type {import('./mock-core').MockCore} */
  let core;
  try {
    core = new MockCore(flags, Date.now());
  } catch (reason) {
    throw new TypeError(`createMock: ${String(reason)}`);
  }

  /**
   * One request, as the mock server takes it; `undefined` for a dropped connection.
   * @param {Incoming} incoming
   * @param {AbortSignal} [signal]
   * @returns {Promise<Outgoing | undefined>}
   */
  async function handle({ method, path, query, headers, body }, signal) {
    const exchange = core.receive(method, path, query, headers, body, Date.now());
    if (exchange.delayMs > 0) {
      try {
        await sleep(exchange.delayMs, signal ?? new AbortController().signal);
      } catch (reason) {
        exchange.free();
        throw reason;
      }
    }
    const answer = core.respond(exchange, Date.now());
    if (!answer) return undefined;
    const outgoing = { status: answer.status, headers: answer.headers, body: NO_BODY.has(answer.status) || method === 'HEAD' ? null : answer.body };
    answer.free();
    return outgoing;
  }

  /** @type {import('./mock').Mock['fetch']} */
  async function mockFetch(input, init) {
    const request = new Request(input, init);
    if (request.signal.aborted) throw request.signal.reason;
    const url = new URL(request.url);
    const body = new Uint8Array(await request.arrayBuffer());
    /** @type {string[]} */
    const headers = [];
    // As on the wire: the length of the body sent, whatever header the caller set (undici keeps
    // a caller's content-length in a Request; browsers drop it).
    request.headers.forEach((value, name) => {
      if (name !== 'content-length') headers.push(name, value);
    });
    if (body.length > 0 || !['GET', 'HEAD'].includes(request.method)) headers.push('content-length', String(body.length));
    const answer = await handle({ method: request.method, path: url.pathname, query: url.search ? url.search.slice(1) : undefined, headers, body }, request.signal);
    // As a network error looks to fetch's callers.
    if (!answer) throw new TypeError('fetch failed', { cause: new Error('the mock closed the connection without answering (a drop fault)') });
    const responseHeaders = new Headers();
    for (let i = 0; i < answer.headers.length; i += 2) responseHeaders.set(answer.headers[i], answer.headers[i + 1]);
    return new Response(answer.body, { status: answer.status, headers: responseHeaders });
  }

  return {
    url: MOCK_URL,
    fetch: mockFetch,
    async listen(listenOptions = {}) {
      if (!listenWith) throw new Error('mock.listen() needs Node (node:http); in a browser, pass mock.fetch to the client instead');
      return listenWith(handle, listenOptions);
    },
    requests({ since } = {}) {
      if (since !== undefined && (!Number.isSafeInteger(since) || since < 0)) throw new RangeError(`mock.requests: since must be a whole number ≥ 0 (a seq), not ${String(since)}`);
      return JSON.parse(core.requests(since));
    },
    stats: () => JSON.parse(core.stats()),
    reset() {
      core.reset(Date.now());
    },
    faults(rules) {
      try {
        return core.setFaults(JSON.stringify(rules ?? null));
      } catch (reason) {
        throw new TypeError(`mock.faults: ${String(reason)}`);
      }
    },
    webhookRequests(target = 'http://127.0.0.1/webhooks') {
      const url = new URL(target);
      core.tick(Date.now());
      return core.takeDeliveries().map((body) => {
        const signed = core.signDelivery(url.pathname, url.search ? url.search.slice(1) : undefined, body, Date.now());
        const headers = new Headers({ 'content-type': 'application/json' });
        for (let i = 0; i < signed.length; i += 2) headers.set(signed[i], signed[i + 1]);
        return new Request(url, { method: 'POST', headers, body });
      });
    },
    verifyKeys: () => JSON.parse(core.verifyKeys()),
    rotateWebhookKey: () => core.rotateWebhookKey(),
  };
}
