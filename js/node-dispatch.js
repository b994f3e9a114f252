// @ts-check
// The Node transport: one attempt dispatched on undici's connection pools (the npm package,
// pinned, loaded on the first request), used in Node when the caller gives neither `fetch` nor
// `agent` (an `agent` is for node:http, js/node-http.js, which also serves when undici cannot be
// loaded). undici's own HTTP/1.1 client costs about a third of node:http's CPU a request
// (README, Decisions). The rules are the other transports' (js/runtime.js); what is its own:
// the pools, one per origin, made through factories that hand undici its options without a
// prototype, and sockets made here (the same), so that nothing undici or Node reads from them
// (`factory`, `interceptors`, `connect`, `socketPath`, `lookup`, TLS options…) can come from a
// polluted Object.prototype; the handler, whose methods are its own, called by undici without
// any stream or promise made for the response; the attempt's limit a timer that aborts the
// request, which destroys its socket.

import { bare, own } from './members.js';
import { builtin, closeEvents, decoderFor, ended, IDLE_MS, MAX_SOCKETS, MAX_STALE_RESENDS, nodeExchange, RawHeaders, STALE } from './node-http.js';
import { attemptOutcome, emptyResult, failed, Gathered, READ, readHead, SKIP } from './runtime.js';

/** How long a new connection may take to open (and its TLS handshake to end). */
const CONNECT_MS = 10_000;
/** Errors of a connection that closed before the response began, after which a request that
 * may be received twice is sent again at once (the keep-alive race: the server closed an idle
 * connection as the request went out on it): node:http's, and undici's own for it. */
const CLOSED_EARLY = new Set([...STALE, 'UND_ERR_SOCKET']);
const EMPTY = new Uint8Array(0);

/**
 * What the Node entry loads on the first request: undici's `Pool` and `Client` classes.
 * @typedef {{ Pool: new (origin: string, options: object) => Dispatcher, Client: new (origin: string, options: object) => Dispatcher }} Undici
 * @typedef {{ dispatch: (options: object, handler: object) => boolean }} Dispatcher
 */

/**
 * The exchange the Node entry binds: node:http when the caller gave an `agent` (or undici could
 * not be loaded), else a dispatch on undici.
 * @param {() => Undici} load requires undici's classes (the entry's `require`)
 * @returns {import('./runtime.js').Exchange}
 */
export function nodeDefaultExchange(load) {
  /** @type {Pools | null | undefined} undefined: not loaded yet; null: could not be */
  let pools;
  return (transport, ...rest) => {
    if (transport.agent !== undefined || polluted()) return nodeExchange(transport, ...rest);
    if (pools === undefined) {
      try {
        pools = new Pools(load());
      } catch {
        pools = null;
      }
    }
    return pools ? dispatchExchange(pools, ...rest) : nodeExchange(transport, ...rest);
  };
}

/** What Object.prototype has in a process no one polluted. */
const STANDARD = new Set(['constructor', '__defineGetter__', '__defineSetter__', 'hasOwnProperty', '__lookupGetter__', '__lookupSetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'valueOf', '__proto__', 'toLocaleString']);

/**
 * Whether Object.prototype has a member the language does not give it. undici reads options and
 * property descriptors through prototypes (a polluted `get` stops it loading, a polluted
 * `interceptors` would see every request), so a polluted process sends over node:http, whose
 * every read this package controls (js/node-http.js); reading the keys runs no getter.
 */
function polluted() {
  const keys = Reflect.ownKeys(Object.prototype);
  return keys.length !== STANDARD.size || keys.some((key) => typeof key !== 'string' || !STANDARD.has(key));
}

/** A pool of at most MAX_SOCKETS kept-alive connections per origin. */
export class Pools {
  /** @param {Undici} undici */
  constructor({ Pool, Client }) {
    this.Pool = Pool;
    // Every options object undici reads is one without a prototype: what it is given, and what
    // a pool makes for its clients (passed through this factory).
    this.options = bare({
      connections: MAX_SOCKETS,
      keepAliveTimeout: IDLE_MS,
      // The attempt's own limit applies (a timer here); undici's would end a slow body early.
      headersTimeout: 0,
      bodyTimeout: 0,
      connect,
      factory: (/** @type {string} */ origin, /** @type {object} */ options) => new Client(origin, bare({ ...options })),
    });
    /** @type {Map<string, Dispatcher>} */
    this.byOrigin = new Map();
  }

  /** @param {string} origin */
  for(origin) {
    let pool = this.byOrigin.get(origin);
    if (pool === undefined) {
      pool = new this.Pool(origin, this.options);
      this.byOrigin.set(origin, pool);
    }
    return pool;
  }
}

/**
 * Opens a connection as undici asks (its `connect` option): `net.connect` or `tls.connect` with
 * options without a prototype, the socket's listeners closed to Object.prototype (see
 * `closeEvents`), and a limit on the time to open it.
 * @param {object} asked `{ hostname, protocol, port, … }`, made by undici
 * @param {(error: Error | null, socket: unknown) => void} callback
 */
function connect(asked, callback) {
  const secure = own(asked, 'protocol') === 'https:';
  const named = String(own(asked, 'hostname'));
  const host = named.startsWith('[') ? named.slice(1, -1) : named;
  /** @type {{ host: string, port: number, ALPNProtocols?: string[], servername?: string }} */
  const options = bare({ host, port: Number(own(asked, 'port')) || (secure ? 443 : 80) });
  if (secure) {
    options.ALPNProtocols = ['http/1.1'];
    // No server name for an address (TLS sends names only).
    if (builtin('node:net').isIP(host) === 0) options.servername = host;
  }
  const socket = builtin(secure ? 'node:tls' : 'node:net').connect(options);
  closeEvents(socket);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  /** @type {((error: Error | null) => void) | undefined} */
  let done = (error) => {
    clearTimeout(timer);
    done = undefined;
    callback(error, error ? null : socket);
  };
  const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`the connection did not open within ${CONNECT_MS} ms`), bare({ code: 'UND_ERR_CONNECT_TIMEOUT' }))), CONNECT_MS);
  socket.once(secure ? 'secureConnect' : 'connect', () => done?.(null));
  socket.on('error', (/** @type {Error} */ error) => done?.(error));
  return socket;
}

/** Characters a request target may hold as the core makes it, sent as they are; any other
 * target (from an unusual `baseUrl`) is first normalised as `new URL` does. */
const PLAIN_TARGET = /^\/[\w\-.~!$&'()*+,;=:@%/?]*$/;

/**
 * One HTTP attempt, dispatched on undici. Never rejects.
 * @param {Pools} pools
 * @param {Parameters<import('./runtime.js').Exchange> extends [unknown, ...infer R] ? R : never} args
 * @returns {Promise<import('./runtime.js').AttemptResult>}
 */
function dispatchExchange(pools, ...args) {
  const [method, url, headerList, body, timeoutMs, caller, maxBytes, wantsBody] = args;
  const result = emptyResult();
  if (caller?.aborted) return Promise.resolve(failed(result, caller, false, undefined));
  const cut = url.indexOf('/', url.indexOf('//') + 2);
  const origin = cut < 0 ? url : url.slice(0, cut);
  let path = cut < 0 ? '/' : url.slice(cut);
  if (!PLAIN_TARGET.test(path) || path.includes('/.')) {
    const parsed = new URL(url);
    path = parsed.pathname + parsed.search;
  }
  // Compression as fetch asks for it (decoded as it arrives; the limit counts decoded bytes).
  const headers = headerList.concat('accept-encoding', 'gzip, deflate, br');
  // A request the server may receive twice: a read, or a create with its idempotency key.
  const safe = method === 'GET' || method === 'HEAD' || headerList.includes('idempotency-key');
  const options = bare({ origin, path, method, headers, body });
  const pool = pools.for(origin);
  return new Promise((resolve) => {
    let resends = 0;
    /** The attempt's request in flight: undici's abort for it, once it has one. */
    /** @type {((reason: Error) => void) | undefined} */
    let abort;
    /** @type {Error | undefined} why the request was stopped before undici handed its abort */
    let stopped;
    /** @param {Error} reason */
    const stop = (reason) => {
      if (abort) abort(reason);
      else stopped = reason;
    };
    /** @type {any} a node:zlib stream, when the body is compressed */
    let decoder;
    const { settled, settle, fail, timedOut } = attemptOutcome(result, timeoutMs, caller, ended(() => decoder, resolve), (reason) => end(reason));
    /** Fails the attempt, then aborts its request (failed first: undici reports an abort to
     * `onError` at once). @param {unknown} reason */
    const end = (reason) => {
      fail(reason);
      stop(/** @type {Error} */ (reason));
    };
    const send = () => {
      let responded = false;
      /** @type {Gathered | undefined} */
      let gathered;
      /** A chunk of the body (decoded, when it was compressed). @param {Uint8Array} chunk */
      const take = (chunk) => {
        if (settled() || !gathered || gathered.add(chunk)) return;
        // Settled first: undici reports the abort to `onError` at once.
        result.failure = 'too-large';
        settle(result);
        stop(new Error('the response is larger than maxResponseBytes'));
      };
      /** The body's end (decoded, when it was compressed). */
      const finish = () => {
        if (settled() || !gathered) return;
        result.body = gathered.bytes();
        settle(result);
      };
      // Its methods are its own: undici looks them up by name, and none may come from
      // Object.prototype.
      const handler = bare({
        onConnect(/** @type {(reason: Error) => void} */ abortRequest) {
          abort = abortRequest;
          if (stopped) abortRequest(stopped);
        },
        onHeaders(/** @type {number} */ status, /** @type {Uint8Array[]} */ raw) {
          if (status < 200) return true;
          responded = true;
          const fields = headFields(raw);
          result.headers = new RawHeaders(raw, latin1);
          const next = readHead(result, status, (name) => fields[/** @type {HeadName} */ (name)], maxBytes, wantsBody);
          if (next !== READ) {
            if (next === SKIP) result.body = EMPTY;
            else result.failure = 'too-large';
            settle(result);
            // An empty body leaves the connection to be kept; any other is not waited for.
            if (fields['content-length'] !== '0' && status !== 204 && status !== 304) stop(new Error('the body is not read'));
            return true;
          }
          gathered = new Gathered(maxBytes);
          decoder = decoderFor(fields['content-encoding']);
          decoder?.on('data', take);
          decoder?.on('end', finish);
          decoder?.on('error', end);
          return true;
        },
        onData(/** @type {Uint8Array} */ chunk) {
          if (settled()) return true;
          if (decoder) decoder.write(chunk);
          else take(chunk);
          return true;
        },
        onComplete() {
          if (settled()) return;
          if (decoder) decoder.end();
          else finish();
        },
        onError(/** @type {unknown} */ error) {
          if (settled()) return;
          const code = own(error, 'code');
          abort = undefined;
          // A connection that had read a response before (a kept-alive one), as undici reports it.
          const reused = Number(own(own(error, 'socket'), 'bytesRead')) > 0;
          if (!responded && reused && safe && typeof code === 'string' && CLOSED_EARLY.has(code) && resends < MAX_STALE_RESENDS && !timedOut() && !caller?.aborted) {
            resends += 1;
            send();
          } else fail(error);
        },
      });
      pool.dispatch(options, handler);
    };
    send();
  });
}

/** @typedef {'upvest-request-id' | 'content-type' | 'retry-after' | 'content-length' | 'content-encoding'} HeadName */

/** The headers the transport reads, nothing else. */
class HeadFields {
  constructor() {
    /** @type {string | undefined} */ this['upvest-request-id'] = undefined;
    /** @type {string | undefined} */ this['content-type'] = undefined;
    /** @type {string | undefined} */ this['retry-after'] = undefined;
    /** @type {string | undefined} */ this['content-length'] = undefined;
    /** @type {string | undefined} */ this['content-encoding'] = undefined;
  }
}

/**
 * The headers the transport reads, from undici's raw `[name, value, …]` (bytes), by node:http's
 * rules for repeats (a repeated content-type, content-length or retry-after keeps its first
 * value; the others are joined with ", "), so both Node transports read a head alike.
 * @param {Uint8Array[]} raw
 */
function headFields(raw) {
  const fields = new HeadFields();
  for (let i = 0; i < raw.length; i += 2) {
    const { length } = raw[i];
    // Only names as long as a read one are decoded (most headers are not).
    if (length !== 11 && length !== 12 && length !== 14 && length !== 16 && length !== 17) continue;
    const name = /** @type {string} */ (latin1(raw[i]).toLowerCase());
    switch (name) {
      case 'content-type':
      case 'content-length':
      case 'retry-after':
        fields[name] ??= latin1(raw[i + 1]);
        break;
      case 'upvest-request-id':
      case 'content-encoding': {
        const before = fields[name];
        fields[name] = before === undefined ? latin1(raw[i + 1]) : `${before}, ${latin1(raw[i + 1])}`;
      }
    }
  }
  return fields;
}

/** A header's bytes as text, a character a byte (as node:http reads them).
 * @param {Uint8Array} bytes a Buffer
 * @returns {string} */
function latin1(bytes) {
  return /** @type {any} */ (bytes).latin1Slice(0, bytes.length);
}
