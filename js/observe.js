// @ts-check
// Seeing what the client does, attempt by attempt: the `onRequest`/`onResponse` hooks, one log
// line (the `logger` option, or `DEBUG=upvest-account-groups` in Node), and one OpenTelemetry
// CLIENT span (the `tracer` option, duck-typed: the package never imports @opentelemetry/api).
// Nothing here can break a call: what a hook, a logger or a tracer throws is swallowed.

import { InvalidInputError } from './errors.js';
import { bare, method as methodOf, own } from './members.js';

/** `SpanKind.CLIENT` and `SpanStatusCode.ERROR` in @opentelemetry/api, which is not imported. */
const SPAN_KIND_CLIENT = 2;
const SPAN_STATUS_ERROR = 2;
/** The name `DEBUG` lists to turn the log lines on. */
const DEBUG_NAME = 'upvest-account-groups';

/**
 * Calls caller code (a hook, a logger); whatever it throws or rejects with is swallowed.
 * @param {(value: any) => unknown} callback
 * @param {unknown} value
 */
export function callHook(callback, value) {
  try {
    const result = callback(value);
    methodOf(result, 'then')?.call(result, undefined, () => {});
  } catch {
    // A broken hook must not break the call it observes.
  }
}

/**
 * @param {string} field
 * @param {string} rule
 */
const invalid = (field, rule) => new InvalidInputError(`Invalid input: ${field} ${rule}`, { field, code: 'type', rule });

/**
 * Where the log lines go: the `logger` option (a function of the line, or an object whose
 * `debug` method takes it: console, pino, winston, Octokit's `log`), else `console.error` when
 * Node's `DEBUG` names the package, else nowhere.
 * @param {unknown} logger
 * @returns {((line: string) => void) | undefined}
 */
export function logSink(logger) {
  if (typeof logger === 'function') return /** @type {(line: string) => void} */ (logger);
  if (logger !== undefined) {
    if (typeof logger !== 'object' || logger === null || methodOf(logger, 'debug') === undefined) {
      throw invalid('logger', 'must be a function of a line, or an object with a debug method (console, pino, winston)');
    }
    // Looked up for each line: pino and winston swap their level methods when the level changes.
    return (line) => methodOf(logger, 'debug')?.call(logger, line);
  }
  if (!debugEnabled()) return undefined;
  const console = own(globalThis, 'console');
  const error = methodOf(console, 'error');
  return error && ((line) => error.call(console, line));
}

/**
 * Whether Node's `DEBUG` (read when a client is made, through own members only) turns the lines
 * on, with the `debug` package's rules: a list split by commas or spaces, `*` a wildcard, a
 * leading `-` excluding. Never in browsers, which have no `process.env`; where reading it throws
 * (Deno without `--allow-env`), off.
 */
function debugEnabled() {
  let value;
  try {
    const process = own(globalThis, 'process');
    if (typeof own(own(process, 'versions'), 'node') !== 'string') return false;
    value = own(own(process, 'env'), 'DEBUG');
  } catch {
    return false;
  }
  if (typeof value !== 'string') return false;
  let enabled = false;
  for (const pattern of value.split(/[\s,]+/)) {
    const excluded = pattern.startsWith('-');
    const glob = excluded ? pattern.slice(1) : pattern;
    if (glob === '' || !globMatches(glob, DEBUG_NAME)) continue;
    if (excluded) return false;
    enabled = true;
  }
  return enabled;
}

/**
 * Whether `name` matches `glob`, where `*` stands for any run of characters.
 * @param {string} glob
 * @param {string} name
 */
function globMatches(glob, name) {
  const [first, ...rest] = glob.split('*');
  if (!name.startsWith(first)) return false;
  const last = rest.pop();
  if (last === undefined) return name === first;
  let at = first.length;
  for (const part of rest) {
    const found = name.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return name.length - last.length >= at && name.endsWith(last);
}

/**
 * The `tracer` option, checked: anything with a `startSpan` method (an OpenTelemetry `Tracer`).
 * @param {unknown} tracer
 * @returns {object | undefined}
 */
export function checkedTracer(tracer) {
  if (tracer === undefined) return undefined;
  if (methodOf(tracer, 'startSpan') === undefined) throw invalid('tracer', "must be an OpenTelemetry Tracer (trace.getTracer('my-app'), with a startSpan method)");
  return /** @type {object} */ (tracer);
}

/**
 * What one attempt is watched by: the transport's hooks, log line and tracer.
 * @typedef {object} Watchers
 * @property {((event: object) => unknown) | undefined} onResponse
 * @property {((line: string) => void) | undefined} log
 * @property {object | undefined} tracer
 */

/**
 * How an attempt ended: its status (0 without a response), request id, the error name when it
 * failed (the core's, or `AbortError`), and, when it is retried, the wait before the next one
 * (`'token'` when a fresh token is fetched instead).
 * @typedef {object} Outcome
 * @property {number} status
 * @property {string | undefined} requestId
 * @property {string | undefined} error
 * @property {number | 'token' | undefined} retry
 */

/**
 * Starts watching one attempt: its span starts now, and `run` (the exchange) runs inside it (as
 * the active span where the tracer has `startActiveSpan`, so spans the fetch makes are its
 * children); the caller's active context is its parent. `end` reports the outcome to
 * `onResponse`, the log and the span, once.
 * @template T
 * @param {Watchers} watchers
 * @param {{ method: string, url: string, path: string, attempt: number, headers: object }} event
 * @param {() => Promise<T>} run
 * @returns {{ result: Promise<T>, end: (outcome: Outcome) => void }}
 */
export function watch(watchers, event, run) {
  const started = Date.now();
  const { method, url, attempt } = event;
  // The token request's path is its whole URL's (`tokenUrl`), the core's `path` is empty there.
  const path = event.path || new URL(url).pathname;
  /** @type {unknown} */
  let span;
  /** @type {Promise<T> | undefined} */
  let result;
  if (watchers.tracer) {
    const { tracer } = watchers;
    try {
      const template = urlTemplate(path);
      const options = bare({ kind: SPAN_KIND_CLIENT, attributes: startAttributes(method, url, template, attempt) });
      const name = `${method} ${template}`;
      const active = methodOf(tracer, 'startActiveSpan');
      if (active) {
        active.call(tracer, name, options, (/** @type {unknown} */ opened) => {
          span = opened;
          // Once, even for a tracer that calls back twice.
          return (result ??= run());
        });
      } else span = methodOf(tracer, 'startSpan')?.call(tracer, name, options);
    } catch {
      // A broken tracer must not break the call it traces.
    }
  }
  let ended = false;
  return {
    result: result ?? run(),
    end(outcome) {
      if (ended) return;
      ended = true;
      const durationMs = Date.now() - started;
      const { status, requestId, error } = outcome;
      if (watchers.onResponse) callHook(watchers.onResponse, { ...event, durationMs, status, requestId, error });
      if (watchers.log) callHook(watchers.log, logLine(method, path, attempt, outcome, durationMs));
      if (span !== undefined) endSpan(span, status, error);
    },
  };
}

/**
 * One log line: `upvest-account-groups GET /account_groups/… attempt=1 status=503 ms=12
 * request_id=… retry=ProblemError wait_ms=250`; never a header, a token or a body.
 * @param {string} method
 * @param {string} path
 * @param {number} attempt
 * @param {Outcome} outcome
 * @param {number} durationMs
 */
function logLine(method, path, attempt, { status, requestId, error, retry }, durationMs) {
  const fields = [DEBUG_NAME, method, path, `attempt=${attempt}`, `status=${status}`, `ms=${durationMs}`, `request_id=${requestId ?? '-'}`];
  if (retry === 'token') fields.push(`retry=${error}`, 'refresh_token=true');
  else if (retry !== undefined) fields.push(`retry=${error}`, `wait_ms=${retry}`);
  else if (error !== undefined) fields.push(`error=${error}`);
  return fields.join(' ');
}

/**
 * The path with its ids replaced by the API's parameter names: the span's low-cardinality name.
 * @param {string} path
 */
function urlTemplate(path) {
  return path.replace(/\/(account_groups|users)\/[^/]+/g, (_, collection) => `/${collection}/{${collection === 'users' ? 'user_id' : 'account_group_id'}}`);
}

/**
 * The attributes known when an attempt starts, per the stable HTTP client semantic conventions.
 * @param {string} method
 * @param {string} url
 * @param {string} template
 * @param {number} attempt
 */
function startAttributes(method, url, template, attempt) {
  const parsed = new URL(url);
  /** @type {Record<string, string | number>} */
  const attributes = bare({
    'http.request.method': method,
    'server.address': parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    'server.port': parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port),
    'url.full': url,
    'url.template': template,
  });
  if (attempt > 1) attributes['http.request.resend_count'] = attempt - 1;
  return attributes;
}

/**
 * Ends a span with the attempt's status: `http.response.status_code` when a response came, and
 * `error.type` (the status code from 400 on, else the error's name) with an error status when
 * the attempt failed.
 * @param {unknown} span
 * @param {number} status
 * @param {string | undefined} error
 */
function endSpan(span, status, error) {
  try {
    const set = methodOf(span, 'setAttribute');
    if (status > 0) set?.call(span, 'http.response.status_code', status);
    const errorType = status >= 400 ? String(status) : error;
    if (errorType !== undefined) {
      set?.call(span, 'error.type', errorType);
      methodOf(span, 'setStatus')?.call(span, bare({ code: SPAN_STATUS_ERROR }));
    }
  } catch {
    // Ended below all the same.
  }
  try {
    methodOf(span, 'end')?.call(span);
  } catch {
    // Nothing more to do.
  }
}
