// @ts-check
// The Node transport: one attempt over node:http or node:https, on a keep-alive agent, used when
// the caller gives no `fetch` (the Node entry binds it; browsers, Workers and Deno never load
// it). The rules are the fetch transport's (js/runtime.js: the head read by `readHead`, the body
// gathered by `Gathered`, failures named by `failed`, limits by `attemptLimits`); what is its
// own: the attempt's limit is a timer that destroys the socket, no `AbortSignal` is made, the
// body is counted as it arrives (after decoding, when the server compressed it), and a request
// that met a kept-alive socket the server had just closed is sent again at once on another,
// where that is safe.

import { bare, own } from './members.js';
import { attemptOutcome, emptyResult, failed, Gathered, READ, readHead, SKIP } from './runtime.js';

/** Sockets per host and idle sockets kept per host, for the agents made here. */
export const MAX_SOCKETS = 128;
export const MAX_FREE_SOCKETS = 64;
/** How long an idle socket is kept (less when the server's `keep-alive: timeout=` says less). */
export const IDLE_MS = 4000;
/** Errors of a kept-alive socket that the server closed as the request went out. */
export const STALE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/** At most this many such re-sends per attempt. */
export const MAX_STALE_RESENDS = 3;
const EMPTY = new Uint8Array(0);

// Node's types are not part of this program's (js/tsconfig.json: no `types`): its modules and
// objects are typed loosely here.
/** Node's built-in modules by name, and the agents made here by protocol, loaded and made on
 * first use: loading the package costs nothing for them, a bundler follows no import of them,
 * and node:https (with node:tls and node:crypto) and node:zlib load only when a request needs
 * them. */
const modules = /** @type {Record<string, any>} */ (Object.create(null));
const agents = /** @type {Record<string, object>} */ (Object.create(null));

/** @param {string} name */
export function builtin(name) {
  return (modules[name] ??= /** @type {any} */ (globalThis).process.getBuiltinModule(name));
}

/** The agent of this module for `http:` or `https:`. @param {string} protocol */
function agentFor(protocol) {
  if (agents[protocol]) return agents[protocol];
  // No prototype: the Agent copies its options, and nothing may come from Object.prototype.
  const options = bare({ keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_FREE_SOCKETS, timeout: IDLE_MS, scheduling: 'lifo' });
  const agent = new (builtin(protocol === 'https:' ? 'node:https' : 'node:http').Agent)(options);
  // Each socket's listeners are closed to Object.prototype as it is made, before the agent
  // adds its own (see `closeEvents`). The agent's callback is not passed on: `net` would add it
  // as a `connect` listener at once, to listeners still open (so a polluted `connect` would be
  // kept beside it); the agent calls it itself with the socket returned.
  const create = agent.createConnection;
  agent.createConnection = function (/** @type {unknown} */ options) {
    const socket = create.call(this, options);
    closeEvents(socket);
    return socket;
  };
  return (agents[protocol] = agent);
}

/**
 * Whether this runtime's node:http is Node's own: Deno and Bun implement node:http over their
 * `fetch`, which they then use directly (README, Decisions: the transport in Node).
 */
export function isNode() {
  const process = own(globalThis, 'process');
  const versions = own(process, 'versions');
  return typeof own(versions, 'node') === 'string' && own(versions, 'bun') === undefined && own(globalThis, 'Deno') === undefined && typeof own(process, 'getBuiltinModule') === 'function';
}

/**
 * One HTTP attempt over node:http(s). Never rejects.
 * @type {import('./runtime.js').Exchange}
 */
export function nodeExchange({ agent }, method, url, headerList, body, timeoutMs, caller, maxBytes, wantsBody) {
  const result = emptyResult();
  if (caller?.aborted) return Promise.resolve(failed(result, caller, false, undefined));
  const protocol = url.startsWith('https:') ? 'https:' : 'http:';
  const transport = builtin(protocol === 'https:' ? 'node:https' : 'node:http');
  /** @type {Record<string, string>} */
  const headers = Object.create(null);
  for (let i = 0; i < headerList.length; i += 2) headers[headerList[i]] = headerList[i + 1];
  // Compression as fetch asks for it (the body is decoded as it arrives, and the limit counts
  // the decoded bytes).
  headers['accept-encoding'] = 'gzip, deflate, br';
  // A request the server may receive twice: a read, or a create with its idempotency key.
  const safe = method === 'GET' || method === 'HEAD' || headers['idempotency-key'] !== undefined;
  // node:http merges these into the URL's options, an object without a prototype; so nothing
  // (`agent`, `lookup`, `createConnection`…) is read from Object.prototype.
  const options = bare({ method, headers, agent: agent ?? agentFor(protocol) });
  return new Promise((resolve) => {
    /** @type {any} the request in flight (node:http's ClientRequest) */
    let request;
    let resends = 0;
    /** @type {any} a node:zlib stream, when the body is compressed */
    let decoder;
    // Failed first, as on undici: once the response is complete the request's `error` is not
    // listened to, and destroying it may cut a body still being decoded short.
    const { settled, settle, fail, timedOut } = attemptOutcome(result, timeoutMs, caller, ended(() => decoder, resolve), (reason) => {
      fail(reason);
      request.destroy(/** @type {Error} */ (reason));
    });
    const send = () => {
      /** The response, once its head arrived. @type {any} */
      let responded = { complete: false };
      try {
        request = transport.request(url, options, (/** @type {any} */ response) => {
          responded = response;
          onResponse(request, response);
        });
      } catch (error) {
        // node:http refused the request itself (a header it will not send): no socket was used.
        return fail(error);
      }
      request.on('error', (/** @type {unknown} */ error) => {
        // After a whole response, what the socket does (bytes past a `content-length` on a
        // closing connection, say) changes nothing: the body is read to its end.
        if (settled() || responded.complete) return;
        const code = own(error, 'code');
        if (responded.statusCode === undefined && request.reusedSocket && safe && typeof code === 'string' && STALE.has(code) && resends < MAX_STALE_RESENDS && !timedOut() && !caller?.aborted) {
          resends += 1;
          send();
        } else fail(error);
      });
      request.end(body);
    };
    /** @param {any} sent the ClientRequest @param {any} response its IncomingMessage */
    const onResponse = (sent, response) => {
      closeEvents(response);
      const fields = response.headers;
      /** @param {string} name */
      const header = (name) => {
        const value = own(fields, name);
        return value === undefined ? undefined : String(value);
      };
      const raw = response.rawHeaders;
      result.headers = new RawHeaders(raw, asIs);
      const next = readHead(result, response.statusCode ?? 0, header, maxBytes, wantsBody);
      if (next !== READ) {
        // An empty body leaves the socket to be kept; any other is not waited for.
        if (response.complete || header('content-length') === '0') response.resume();
        else sent.destroy();
        if (next === SKIP) result.body = EMPTY;
        else result.failure = 'too-large';
        return settle(result);
      }
      decoder = decoderFor(header('content-encoding'));
      const source = decoder ? response.pipe(decoder) : response;
      const gathered = new Gathered(maxBytes);
      source.on('data', (/** @type {Uint8Array} */ chunk) => {
        if (settled() || gathered.add(chunk)) return;
        sent.destroy();
        result.failure = 'too-large';
        settle(result);
      });
      source.on('end', () => {
        if (settled()) return;
        result.body = gathered.bytes();
        settle(result);
      });
      // A body cut short (the connection closed before its end) or undecodable: a network error.
      response.on('error', fail);
      decoder?.on('error', (/** @type {unknown} */ error) => {
        sent.destroy();
        fail(error);
      });
      response.on('close', () => {
        if (!response.complete) fail(new Error('the connection closed before the response body was complete', { cause: bare({ code: 'ECONNRESET' }) }));
      });
    };
    send();
  });
}

/**
 * Node 20's streams keep their listeners in an object that has a prototype, so an event with no
 * listener (`free`, which the agent emits on a socket it takes back while the socket still holds
 * the request and its `authorization`; `resume`) calls what a polluted Object.prototype has under
 * that name, with the socket as `this` (and adding a listener would only keep that function as
 * the first one). The socket's and the response's listener objects are therefore given no
 * prototype, as Node gives every other emitter's.
 * @param {any} emitter
 */
export function closeEvents(emitter) {
  const events = own(emitter, '_events');
  if (typeof events === 'object' && events !== null && Object.getPrototypeOf(events) !== null) Object.setPrototypeOf(events, null);
}

/**
 * `resolve`, once the attempt's decoder (if any) is destroyed: a decoder left alone goes on
 * inflating what it was given after the attempt ended (all of a gzip bomb's gigabyte, seconds of
 * CPU, after the call rejected as too large).
 * @template T
 * @param {() => any} decoder
 * @param {(value: T) => void} resolve
 * @returns {(value: T) => void}
 */
export const ended = (decoder, resolve) => (value) => {
  decoder()?.destroy();
  resolve(value);
};

/**
 * A decoder for the body's `content-encoding`, as fetch decodes them; none for an encoding it
 * does not know (the body is then taken as sent, and found not to be JSON).
 * @param {string | undefined} encoding
 */
export function decoderFor(encoding) {
  const name = encoding?.trim().toLowerCase();
  if (name === undefined || name === 'identity') return undefined;
  const zlib = builtin('node:zlib');
  switch (name) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(bare({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * A response's headers, read (by `entries()`, as a `Headers`' are) only when asked for.
 * @template T
 */
export class RawHeaders {
  /**
   * @param {T[]} raw `[name, value, …]` as received
   * @param {(item: T) => string} text how an item reads as text (undici's are bytes)
   */
  constructor(raw, text) {
    this.raw = raw;
    this.text = text;
  }

  entries() {
    return headerPairs(this.raw.map(this.text));
  }
}

/** @param {string} item */
const asIs = (item) => item;

/**
 * A response's headers as `Headers` would give them: lower-case names, repeated ones joined
 * with ", ".
 * @param {string[]} raw `[name, value, …]` as received
 * @returns {IterableIterator<[string, string]>}
 */
export function headerPairs(raw) {
  /** @type {Map<string, string>} */
  const joined = new Map();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const before = joined.get(name);
    joined.set(name, before === undefined ? raw[i + 1] : `${before}, ${raw[i + 1]}`);
  }
  return joined.entries();
}
