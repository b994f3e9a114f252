// @ts-check
// `upvest-account-groups/mock`: the mock's logic (mock/src, compiled to wasm by mock/wasm) in the
// caller's own process. `mock.fetch` answers as the mock server would, with no port and no
// binary; `mock.listen()` serves the same state over node:http; `mock.deliverWebhooks()` sends
// its webhook deliveries as Upvest would (deliver.js). The package's mock entries hand
// over how to load the wasm (a file in Node, a URL in browsers) and, in Node, how to listen.

import { bare, own } from '../plain.js';
import { sleep } from '../runtime.js';
import { startDelivering } from './deliver.js';

/** @typedef {{ method: string, path: string, query: string | undefined, headers: string[], body: Uint8Array }} Incoming */
/** @typedef {{ status: number, headers: string[], body: Uint8Array<ArrayBuffer> | null }} Outgoing */
/** @typedef {(incoming: Incoming, signal?: AbortSignal) => Promise<Outgoing | undefined>} Handle */
/** @typedef {(handle: Handle, options: { port: number }, maxBodyBytes: number) => Promise<{ url: string, close(): Promise<void> }>} Listen */

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

/** The most the wasm's counters hold (`usize` on wasm32). */
const MAX_COUNT = 2 ** 32 - 1;

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
 * would read as something else, such as a file name where a PEM belongs). Only the options'
 * own members count: a name a dependency added to `Object.prototype` is never read.
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
      if (typeof value !== 'number') throw new TypeError(`createMock: ${name} must be a number, not ${typeof value}`);
      if (!Number.isInteger(value) || value < 0 || value > MAX_COUNT) throw new RangeError(`createMock: ${name} must be a whole number from 0 to ${MAX_COUNT}, not ${value}`);
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
 * The binary's refusal of its flags, in createMock's words (`--seed` is `seed`).
 * @param {unknown} reason
 */
function optionsRefused(reason) {
  let message = String(reason);
  for (const [name, [flag]] of Object.entries(OPTIONS)) message = message.replaceAll(flag, name);
  const Kind = / more than /.test(message) ? RangeError : TypeError;
  return new Kind(`createMock: ${message}`);
}

/** The longest wait a timer takes (a fault's delay is cut to it: about 24.8 days, "forever"). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A URL's query without its `?`, or `undefined` when it has none. @param {URL} url */
const queryOf = (url) => (url.search ? url.search.slice(1) : undefined);

/** Where deliveries are signed for when the caller names no URL. */
const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1/webhooks';
/** deliverWebhooks' options. */
const DELIVERY_OPTIONS = ['targets', 'retryBaseMs', 'handlerUrl'];
/** `retryBaseMs` at most: 600 times it must still fit in a timer. */
const MAX_RETRY_BASE_MS = Math.floor(MAX_TIMER_MS / 600);

/**
 * A URL deliveries are signed for.
 * @param {unknown} value @param {string} what names it in the error
 */
function webhookUrl(value, what) {
  if (typeof value !== 'string' && !(value instanceof URL)) throw new TypeError(`${what} must be a URL (a string or a URL)`);
  try {
    return new URL(value);
  } catch {
    throw new TypeError(`${what} is not a URL: ${String(value)}`);
  }
}

/**
 * A caller's list (one member or an array of them), read through its own members only.
 * @param {unknown} given @param {string} what
 * @returns {unknown[]}
 */
function listOf(given, what) {
  if (!Array.isArray(given)) return [given];
  const length = own(given, 'length');
  if (typeof length !== 'number' || length === 0) throw new TypeError(`${what} must name at least one target`);
  return Array.from({ length }, (_, i) => own(given, i));
}

/** Statuses whose responses have no body. */
const NO_BODY = new Set([101, 103, 204, 205, 304]);
/** Methods fetch normalises to upper case. */
const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/**
 * A `fetch` call's request as the wire would carry it: method, URL, headers and body bytes, and
 * the signal. Read from `init`'s own members directly rather than through `new Request(…)`,
 * whose signal follows the caller's and lingers until collected (and which would read what
 * `init` inherits).
 * @param {RequestInfo | URL} input
 * @param {RequestInit | undefined} init
 */
async function wireRequest(input, init) {
  const base = input instanceof Request ? input : undefined;
  const url = new URL(base ? base.url : String(input));
  const given = String(own(init, 'method') ?? base?.method ?? 'GET');
  const method = NORMALISED_METHODS.has(given.toUpperCase()) ? given.toUpperCase() : given;
  const headers = new Headers(/** @type {HeadersInit | undefined} */ (own(init, 'headers')) ?? base?.headers);
  const source = /** @type {BodyInit | null | undefined} */ (own(init, 'body'));
  if (source != null && (method === 'GET' || method === 'HEAD')) throw new TypeError(`fetch: a ${method} request cannot have a body`);
  let body = new Uint8Array(0);
  if (source != null) {
    // Response reads every kind of body fetch takes, and names the type fetch would send.
    const read = new Response(source);
    if (!headers.has('content-type') && read.headers.has('content-type')) headers.set('content-type', /** @type {string} */ (read.headers.get('content-type')));
    body = new Uint8Array(await read.arrayBuffer());
  } else if (base && source === undefined) {
    body = new Uint8Array(await base.arrayBuffer());
  }
  const signal = /** @type {AbortSignal | null | undefined} */ (own(init, 'signal')) ?? base?.signal ?? undefined;
  return { method, url, headers, body, signal };
}

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
    throw optionsRefused(reason);
  }
  const maxBodyBytes = core.maxBodyBytes;

  /**
   * One request, as the mock server takes it; `undefined` for a dropped connection. A body over
   * the limit goes in cut to one byte more than it, which is all the mock needs for its 413.
   * @type {Handle}
   */
  async function handle({ method, path, query, headers, body }, signal) {
    const read = body.length > maxBodyBytes ? body.subarray(0, maxBodyBytes + 1) : body;
    const exchange = core.receive(method, path, query, headers, read, Date.now());
    if (exchange.delayMs > 0) {
      try {
        await sleep(Math.min(exchange.delayMs, MAX_TIMER_MS), signal);
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

  /** Deliveries the mock made that nobody has taken yet, oldest first. @type {string[]} */
  const waiting = [];
  /** The target `webhookDeliveries` signs the next delivery for, round-robin across calls. */
  let nextTarget = 0;
  /** The `deliverWebhooks` loop running, if any. @type {import('./mock').WebhookDeliveryLoop | undefined} */
  let delivering;

  /** Moves closing groups on, and the deliveries the core made into `waiting`. */
  function collectDeliveries() {
    core.tick(Date.now());
    waiting.push(...core.takeDeliveries());
  }

  /**
   * A delivery signed now for `url`.
   * @param {URL} url @param {string} body
   * @returns {import('./mock').WebhookDelivery}
   */
  function signed(url, body) {
    const pairs = core.signDelivery(url.pathname, queryOf(url), body, Date.now());
    /** @type {Record<string, string>} */
    const headers = {};
    for (let i = 0; i < pairs.length; i += 2) headers[pairs[i]] = pairs[i + 1];
    return { method: 'POST', url: url.href, headers, body };
  }

  /** @type {import('./mock').Mock['fetch']} */
  async function mockFetch(input, init) {
    const request = await wireRequest(input, init);
    if (request.signal?.aborted) throw request.signal.reason;
    /** @type {string[]} */
    const headers = [];
    // As on the wire: the length of the body sent, whatever header the caller set.
    request.headers.forEach((value, name) => {
      if (name !== 'content-length') headers.push(name, value);
    });
    if (request.body.length > 0 || !['GET', 'HEAD'].includes(request.method)) headers.push('content-length', String(request.body.length));
    const { url } = request;
    const answer = await handle({ method: request.method, path: url.pathname, query: queryOf(url), headers, body: request.body }, request.signal);
    // As a network error looks to fetch's callers.
    if (!answer) throw new TypeError('fetch failed', { cause: new Error('the mock closed the connection without answering (a drop fault)') });
    const responseHeaders = new Headers();
    for (let i = 0; i < answer.headers.length; i += 2) responseHeaders.set(answer.headers[i], answer.headers[i + 1]);
    return new Response(answer.body, { status: answer.status, headers: responseHeaders });
  }

  return {
    url: MOCK_URL,
    fetch: mockFetch,
    async listen(listenOptions) {
      if (listenOptions !== undefined && (typeof listenOptions !== 'object' || listenOptions === null)) throw new TypeError('mock.listen takes { port? }, an object');
      const port = own(listenOptions, 'port') ?? 0;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`mock.listen: port must be a whole number from 0 to 65535, not ${String(port)}`);
      if (!listenWith) throw new Error('mock.listen() needs Node (node:http); in a browser, pass mock.fetch to the client instead');
      return listenWith(handle, bare({ port }), maxBodyBytes);
    },
    requests(requestOptions) {
      const since = own(requestOptions, 'since');
      if (since !== undefined && (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0)) throw new RangeError(`mock.requests: since must be a whole number ≥ 0 (a seq), not ${String(since)}`);
      return JSON.parse(core.requests(since));
    },
    stats: () => JSON.parse(core.stats()),
    reset() {
      core.reset(Date.now());
      waiting.length = 0;
      nextTarget = 0;
    },
    faults(rules) {
      try {
        return core.setFaults(JSON.stringify(rules ?? null));
      } catch (reason) {
        throw new TypeError(`mock.faults: ${String(reason)}`);
      }
    },
    webhookDeliveries(targets = DEFAULT_WEBHOOK_URL) {
      const urls = listOf(targets, 'mock.webhookDeliveries: target').map((target, i) => webhookUrl(target, `mock.webhookDeliveries: target ${i}`));
      collectDeliveries();
      return waiting.splice(0).map((body) => {
        const url = urls[nextTarget % urls.length];
        nextTarget = (nextTarget + 1) % urls.length;
        return signed(url, body);
      });
    },
    deliverWebhooks(deliveryOptions) {
      if (typeof deliveryOptions !== 'object' || deliveryOptions === null) throw new TypeError('mock.deliverWebhooks takes { targets, retryBaseMs?, handlerUrl? }, an object');
      for (const name of Object.keys(deliveryOptions)) {
        if (!DELIVERY_OPTIONS.includes(name)) throw new TypeError(`mock.deliverWebhooks: unknown option ${name} (known: ${DELIVERY_OPTIONS.join(', ')})`);
      }
      const retryBaseMs = own(deliveryOptions, 'retryBaseMs') ?? 1000;
      if (typeof retryBaseMs !== 'number' || !Number.isInteger(retryBaseMs) || retryBaseMs < 0 || retryBaseMs > MAX_RETRY_BASE_MS) {
        throw new RangeError(`mock.deliverWebhooks: retryBaseMs must be a whole number from 0 to ${MAX_RETRY_BASE_MS}, not ${String(retryBaseMs)}`);
      }
      const handlerUrl = webhookUrl(own(deliveryOptions, 'handlerUrl') ?? DEFAULT_WEBHOOK_URL, 'mock.deliverWebhooks: handlerUrl');
      const given = own(deliveryOptions, 'targets');
      if (!Array.isArray(given)) throw new TypeError('mock.deliverWebhooks: targets must be an array of URLs and functions');
      const targets = listOf(given, 'mock.deliverWebhooks: targets').map((target, i) =>
        // A function is a Fetch-API handler called in this process; a URL is POSTed to with fetch.
        typeof target === 'function'
          ? { url: handlerUrl, send: /** @type {(request: Request) => unknown} */ (target) }
          : { url: webhookUrl(target, `mock.deliverWebhooks: targets[${i}]`), send: (/** @type {Request} */ request) => fetch(request) },
      );
      if (delivering) throw new Error('mock.deliverWebhooks: already delivering (one delivery at a time, as Upvest): stop() the running loop first');
      const loop = startDelivering(
        {
          next() {
            if (waiting.length === 0) collectDeliveries();
            return waiting.shift();
          },
          putBack: (body) => waiting.unshift(body),
          sign: signed,
        },
        targets,
        retryBaseMs,
      );
      delivering = loop;
      return {
        get delivered() {
          return loop.delivered;
        },
        get failedAttempts() {
          return loop.failedAttempts;
        },
        async stop() {
          await loop.stop();
          if (delivering === loop) delivering = undefined;
        },
      };
    },
    verifyKeys: () => JSON.parse(core.verifyKeys()),
    rotateWebhookKey: () => core.rotateWebhookKey(),
  };
}
