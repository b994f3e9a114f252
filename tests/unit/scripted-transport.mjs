// A scripted transport for the driver's tests: an `exchange` (the signature in js/runtime.js)
// that answers each attempt with the next scripted result and records what it was handed.
// (Not a test file.)
import { emptyResult } from '../../js/runtime.js';

/**
 * What one attempt brings back: an AttemptResult's fields (js/runtime.js), or a function of the
 * call's arguments that makes it (to abort the caller's signal mid-attempt, say).
 * @typedef {Partial<import('../../js/runtime.js').AttemptResult> | ((call: ExchangeCall) => import('../../js/runtime.js').AttemptResult | Promise<import('../../js/runtime.js').AttemptResult>)} Scripted
 */

/**
 * @typedef {object} ExchangeCall
 * @property {string} method
 * @property {string} url
 * @property {string[]} headers a copy of what the driver sent
 * @property {string | undefined} body
 * @property {number} timeoutMs
 * @property {AbortSignal | undefined} signal
 * @property {boolean} abortedWhenCalled
 * @property {number} maxBytes
 * @property {import('../../js/runtime.js').AttemptResult} [result]
 */

/**
 * @param {Scripted[]} results one per attempt, in order
 * @returns {{ exchange: import('../../js/runtime.js').Exchange, calls: ExchangeCall[] }}
 */
export function scriptedExchange(results) {
  /** @type {ExchangeCall[]} */
  const calls = [];
  /** @type {import('../../js/runtime.js').Exchange} */
  const exchange = async (_transport, method, url, headers, body, timeoutMs, signal, maxBytes, wantsBody) => {
    /** @type {ExchangeCall} */
    const call = { method, url, headers: [...headers], body, timeoutMs, signal, abortedWhenCalled: signal?.aborted === true, maxBytes };
    calls.push(call);
    const scripted = results[calls.length - 1];
    if (scripted === undefined) throw new Error(`exchange ${calls.length} is past the script (${results.length} results)`);
    const result = typeof scripted === 'function' ? await scripted(call) : { ...emptyResult(), ...scripted };
    // As the real transports do: a body the core does not want is dropped unread.
    if (result.failure === '' && !wantsBody(result.status, result.contentType)) result.body = new Uint8Array(0);
    call.result = result;
    return result;
  };
  return { exchange, calls };
}

/** A response's headers as fetch gives them: a `Headers`, read by the driver only when asked.
 * @param {Record<string, string>} fields */
export const responseHeaders = (fields) => new Headers(fields);

const utf8 = new TextEncoder();

/**
 * A scripted response read whole.
 * @param {number} status
 * @param {string} body
 * @param {Record<string, string>} [headers]
 * @returns {Partial<import('../../js/runtime.js').AttemptResult>}
 */
export function response(status, body, headers = {}) {
  const all = { 'content-type': 'application/json', 'upvest-request-id': `req-${status}`, ...headers };
  return { failure: '', status, requestId: all['upvest-request-id'], contentType: all['content-type'], retryAfter: all['retry-after'], body: utf8.encode(body), headers: responseHeaders(all) };
}
