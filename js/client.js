// @ts-check
// The public client. Each method copies its arguments to plain data (so caller code runs here,
// where what it throws becomes a rejection), has the wasm core check them and plan the call, and
// hands the call to the driver. Async methods never throw synchronously.

import { core } from './core.js';
import { randomUuid } from './crypto.js';
import { InvalidInputError, UpvestError } from './errors.js';
import { run } from './driver.js';
import { pages } from './pages.js';
import { member, method as methodOf, plain, splitOptions } from './plain.js';
import { TokenSource } from './tokens.js';
import { CLIENT_HEADER_NAMES, checkedHeaders, headerList } from './headers.js';
import { userAgentFor } from './user-agent.js';
import { checkedTracer, logSink } from './observe.js';
import { exchangeFor, hasNodeTransport } from './runtime.js';
import { CLIENT_FUNCTION_OPTIONS, TRANSPORT_FUNCTION_OPTIONS, TRANSPORT_OBJECT_OPTIONS } from './seam.js';
import { shareSignal } from './shared-signal.js';

// The options are the seam's (api/src/seam.rs): the functions the driver calls, the objects it
// uses as they are (the logger and tracer, checked in js/observe.js, and the Node transport's
// `agent`, checked here), and what the core checks. The declarations users read
// (js/types.d.ts) must name the same options, no more, no fewer:
/** @typedef {import('./types').AccountGroupsOptions} AccountGroupsOptions */
/** @typedef {import('./types').CallOptions} CallOptions */
/** @typedef {import('./types').CreateOptions} CreateOptions */
/** @typedef {import('./types').ClientCredentialsOptions} ClientCredentialsOptions */
/**
 * @template A, B
 * @typedef {[A] extends [B] ? ([B] extends [A] ? true : false) : false} Same
 */
/**
 * @template {true} T
 * @typedef {T} Holds
 */
/** @typedef {Holds<Same<keyof AccountGroupsOptions, typeof import('./seam.js').CLIENT_OPTION_NAMES[number]>>} ClientOptionsAsDeclared */
/** @typedef {Holds<Same<keyof CallOptions, typeof import('./seam.js').CALL_OPTION_NAMES[number]>>} CallOptionsAsDeclared */
/** @typedef {Holds<Same<keyof CreateOptions, typeof import('./seam.js').CREATE_OPTION_NAMES[number]>>} CreateOptionsAsDeclared */
/** @typedef {typeof TRANSPORT_FUNCTION_OPTIONS[number] | typeof TRANSPORT_OBJECT_OPTIONS[number]} TransportOption */
/** @typedef {Holds<Same<Extract<keyof ClientCredentialsOptions, TransportOption>, TransportOption>>} CredentialsTransportAsDeclared */

/** The client's functions: the transport's and its token provider. */
const CLIENT_FUNCTIONS = [...TRANSPORT_FUNCTION_OPTIONS, ...CLIENT_FUNCTION_OPTIONS];

/**
 * The transport of a client or a token provider: its function options, its logger and tracer,
 * and its tokens.
 * @param {{ functions: Record<string, Function>, objects: Record<string, unknown> }} options
 * @param {TokenSource | undefined} tokens
 * @param {string | undefined} userAgent the `user-agent` header, where the platform takes one
 * @returns {import('./driver.js').Transport}
 */
function transportOf({ functions, objects }, tokens, userAgent) {
  return {
    fetch: /** @type {any} */ (functions.fetch),
    exchange: exchangeFor(functions.fetch),
    agent: checkedAgent(objects.agent, functions.fetch),
    signer: /** @type {any} */ (functions.signer),
    onRequest: /** @type {any} */ (functions.onRequest),
    onResponse: /** @type {any} */ (functions.onResponse),
    log: logSink(objects.logger),
    tracer: checkedTracer(objects.tracer),
    tokens,
    userAgent,
  };
}

/**
 * The `agent` option: an `http.Agent` or `https.Agent` (a proxy agent, one with a CA or a client
 * certificate), for the Node transport; with a `fetch` option, or where there is no Node
 * transport, it would be ignored, so it is refused.
 * @param {unknown} agent
 * @param {Function | undefined} fetchOption
 */
function checkedAgent(agent, fetchOption) {
  if (agent === undefined) return undefined;
  /** @param {import('./errors.js').InvalidInputCode} code @param {string} rule */
  const invalid = (code, rule) => new InvalidInputError(`Invalid input: agent ${rule}`, { field: 'agent', code, rule });
  if (typeof agent !== 'object' || agent === null || methodOf(agent, 'addRequest') === undefined) throw invalid('type', 'must be an http.Agent or https.Agent (node:http), such as a proxy agent');
  if (fetchOption !== undefined) throw invalid('conflict', 'and fetch exclude each other: an agent is for the Node transport, used when no fetch is given');
  if (!hasNodeTransport()) throw invalid('conflict', 'is for the Node transport (node:http), which this runtime does not use: give a fetch that uses it instead');
  return agent;
}

/** The headers of a call that gives none (never changed: the driver copies what it sends). */
const NO_HEADERS = /** @type {string[]} */ (/** @type {unknown} */ (Object.freeze([])));

/**
 * A call's options, copied plain, and its own `headers` as `[name, value, …]`, checked
 * (js/headers.js): from a plain object's own members, or a `Headers`' or a `Map`'s `entries()`.
 * @param {CallOptions | undefined} options
 */
function callOptions(options) {
  // No options, the common case: nothing to copy or check.
  if (options === undefined) return { data: undefined, signal: undefined, headers: NO_HEADERS };
  const { data, signal } = splitOptions(options, 'options', []);
  if (signal !== undefined) shareSignal(signal);
  const given = member(options, 'headers', 'headers');
  /** @type {string[]} */
  let headers = [];
  if (given !== undefined) {
    const invalid = (/** @type {import('./errors.js').InvalidInputCode} */ code, /** @type {string} */ rule) => new InvalidInputError(`Invalid input: headers ${rule}`, { field: 'headers', code, rule });
    if (typeof given !== 'object' || given === null || Array.isArray(given)) throw invalid('type', 'must be an object of header names and string values, a Headers or a Map');
    let flat;
    try {
      // A plain object is copied first (its getters run there, each named in its error); a
      // `Headers` or a `Map` is read through its entries.
      flat = /** @type {unknown[]} */ (headerList(methodOf(given, 'entries') !== undefined ? given : plain(given, 'headers')));
    } catch (error) {
      throw error instanceof UpvestError ? error : new InvalidInputError('Invalid input: headers could not be read (a getter or Proxy threw)', { field: 'headers', code: 'unreadable', rule: 'could not be read (a getter or Proxy threw)', cause: error });
    }
    headers = checkedHeaders(flat, CLIENT_HEADER_NAMES, [], (code, reason) => invalid(code, `holds ${reason}`));
  }
  return { data, signal, headers };
}

export class AccountGroups {
  /** @type {import('./wasm-core').ClientCore | undefined} */
  #core;
  /** @type {import('./driver.js').Transport} */
  #transport;

  /** Checks the options; throws an `InvalidInputError` when one breaks a rule.
   * @param {AccountGroupsOptions} options */
  constructor(options) {
    const split = splitOptions(options, 'options', CLIENT_FUNCTIONS, TRANSPORT_OBJECT_OPTIONS);
    const clientCore = new core.ClientCore(split.data);
    this.#core = clientCore;
    const userAgent = userAgentFor(member(options, 'userAgent', 'userAgent'));
    this.#transport = transportOf(split, new TokenSource(clientCore.accessToken, /** @type {any} */ (split.functions.tokenProvider)), userAgent);
  }

  /** Releases the wasm memory this client holds; calls made afterwards reject. Optional: the
   * memory is also released when the client is garbage-collected. */
  free() {
    this.#core?.free();
    this.#core = undefined;
  }

  /** @param {import('./api.js').CreateAccountGroupRequest} request @param {CreateOptions} [options] */
  create(request, options) {
    return this.#call(options, ['request', request], (c, [r], o) => c.create(r, o, randomUuid()));
  }

  /** @param {string} accountGroupId @param {CallOptions} [options] */
  get(accountGroupId, options) {
    return this.#call(options, ['accountGroupId', accountGroupId], (c, [id], o) => c.get(id, o));
  }

  /** @param {import('./api.js').ListQuery} [query] @param {CallOptions} [options] */
  list(query, options) {
    return this.#call(options, ['query', query], (c, [q], o) => c.list(q, o));
  }

  /** @param {string} userId @param {import('./api.js').ListQuery} [query] @param {CallOptions} [options] */
  listForUser(userId, query, options) {
    return this.#call(options, ['userId', userId, 'query', query], (c, [id, q], o) => c.listForUser(id, q, o));
  }

  /** @param {string} accountGroupId @param {import('./api.js').CloseOptions} [closeOptions] @param {CallOptions} [options] */
  close(accountGroupId, closeOptions, options) {
    return this.#call(options, ['accountGroupId', accountGroupId, 'closeOptions', closeOptions], (c, [id, co], o) => c.close(id, co, o));
  }

  /** The keys Upvest signs webhooks with (`GET /auth/verify_keys`), for `createWebhookVerifier`.
   * @param {CallOptions} [options] */
  verifyKeys(options) {
    return this.#call(options, [], (c, _, o) => c.verifyKeys(o));
  }

  /** @param {import('./types').IterateQuery} [query] @param {CallOptions} [options] */
  iterate(query, options) {
    return this.#pages(undefined, false, query, options);
  }

  /** @param {string} userId @param {import('./types').IterateQuery} [query] @param {CallOptions} [options] */
  iterateForUser(userId, query, options) {
    return this.#pages(userId, true, query, options);
  }

  /** `iterate`, a page at a time. @param {import('./types').IterateQuery} [query] @param {CallOptions} [options] */
  iteratePages(query, options) {
    return this.#pages(undefined, false, query, options, true);
  }

  /** `iterateForUser`, a page at a time.
   * @param {string} userId @param {import('./types').IterateQuery} [query] @param {CallOptions} [options] */
  iteratePagesForUser(userId, query, options) {
    return this.#pages(userId, true, query, options, true);
  }

  /**
   * One call: arguments copied and checked, then run. Any failure, bad input included, rejects.
   * @param {CallOptions | CreateOptions | undefined} options the call's options
   * @param {unknown[]} args `[name, value, …]`: each argument with the name errors give it
   * @param {(core: import('./wasm-core').ClientCore, args: unknown[], options: unknown) => import('./wasm-core').CallCore} plan
   */
  async #call(options, args, plan) {
    const clientCore = this.#live();
    const copied = [];
    for (let i = 0; i < args.length; i += 2) copied.push(plain(args[i + 1], /** @type {string} */ (args[i])));
    const { data, signal, headers } = callOptions(options);
    return run(this.#transport, plan(clientCore, copied, data), signal, headers);
  }

  /**
   * @param {string | undefined} userId
   * @param {boolean} forUser
   * @param {import('./types').IterateQuery | undefined} query
   * @param {CallOptions | undefined} options
   * @param {boolean} [byPage] each step a page's new groups, as an array
   */
  #pages(userId, forUser, query, options, byPage = false) {
    return pages(() => {
      const clientCore = this.#live();
      const { data, signal, headers } = callOptions(options);
      const pager = clientCore.pager(forUser ? plain(userId, 'userId') : undefined, forUser, plain(query, 'query'), data);
      return { pager, signal, transport: this.#transport, headers };
    }, byPage);
  }

  #live() {
    if (!this.#core) throw new UpvestError('This client was freed: create another one');
    return this.#core;
  }
}

/**
 * A token provider for `POST /auth/token` with client credentials; pass it as `tokenProvider`.
 * Throws `InvalidInputError` for bad options.
 * @param {ClientCredentialsOptions} options
 * @returns {import('./types').TokenProvider}
 */
export function clientCredentials(options) {
  const split = splitOptions(options, 'options', TRANSPORT_FUNCTION_OPTIONS, TRANSPORT_OBJECT_OPTIONS);
  const credentials = new core.CredentialsCore(split.data);
  const transport = transportOf(split, undefined, userAgentFor(undefined));
  return async () => run(transport, credentials.call(), undefined);
}

// The code as users read it: the class and the function as js/types.d.ts declares them.
/** @typedef {Holds<typeof AccountGroups extends typeof import('./types').AccountGroups ? true : false>} ClientAsDeclared */
/** @typedef {Holds<typeof clientCredentials extends typeof import('./types').clientCredentials ? true : false>} CredentialsAsDeclared */
