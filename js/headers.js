// @ts-check
// Headers that caller code adds to a request (a signer's, a call's `headers` option), checked
// before anything is sent: a name fetch would refuse, a value with a control character, a header
// of the connection, or one the client sets would otherwise fail in fetch as a network error
// (and be retried), or quietly change what the client sends. The rules live here, in one place;
// in the wasm they cost about three times the bytes (README, Decisions: Size).

import { method, own } from './members.js';

/** An HTTP token (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** An RFC 9110 field value every transport sends as it is: tab, space, visible ASCII and
 * U+0080 to U+00FF. Node's fetch refuses any other control character (DEL among them) only when
 * it sends. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Headers of the connection or its framing (hop-by-hop, RFC 9110 §7.6.1, and those fetch sets
 * itself or refuses): no caller code may add them. */
const TRANSPORT_HEADER_NAMES = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length', 'expect'];

/** Headers the client sets on every request, or the signature does: a call's `headers` may not
 * set them. */
export const CLIENT_HEADER_NAMES = [
  'authorization',
  'accept',
  'upvest-client-id',
  'upvest-api-version',
  'idempotency-key',
  'content-type',
  'signature',
  'signature-input',
  'content-digest',
  'upvest-signature-version',
  'user-agent',
];

/** @typedef {import('./errors.js').InvalidInputCode} InvalidInputCode */

/**
 * Headers as `[name, value, …]`, for `checkedHeaders`: from a plain object's own members, or a
 * `Headers`' or a `Map`'s `entries()` (never an `entries` a dependency added to
 * Object.prototype); `undefined` for what is no object. Values are kept as they are, for
 * `checkedHeaders` to refuse. Getters and Proxy traps run here: what they throw propagates.
 * @param {unknown} value
 * @returns {unknown[] | undefined}
 */
export function headerList(value) {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = method(value, 'entries');
  const pairs = entries !== undefined && !Array.isArray(value) ? Array.from(/** @type {Iterable<unknown>} */ (entries.call(value))) : Object.entries(value);
  return pairs.flatMap((pair) => [own(pair, 0), own(pair, 1)]);
}

/**
 * `[name, value, …]` checked, names lower-cased: each a token that is neither the transport's
 * nor one of `refusedNames` nor already in `present` (`[name, value, …]` of headers set before)
 * nor given twice, with a field value. Throws what `refuse` makes of the first fault: its code,
 * and a reason that names the header and never shows its value (a value may be a signature).
 * @param {unknown[]} added
 * @param {readonly string[]} refusedNames
 * @param {readonly string[]} present
 * @param {(code: InvalidInputCode, reason: string) => Error} refuse
 * @returns {string[]}
 */
export function checkedHeaders(added, refusedNames, present, refuse) {
  /** @type {string[]} */
  const checked = [];
  const taken = new Set(present.filter((_, i) => i % 2 === 0));
  for (let i = 0; i < added.length; i += 2) {
    const [given, value] = [added[i], added[i + 1]];
    if (typeof given !== 'string' || typeof value !== 'string') throw refuse('type', 'a header name or value that is not a string');
    const name = given.toLowerCase();
    if (!TOKEN.test(name)) throw refuse('format', `an invalid header name ${JSON.stringify(name)}`);
    if (TRANSPORT_HEADER_NAMES.includes(name) || refusedNames.includes(name)) throw refuse('conflict', `${name}, a header the client or the transport sets`);
    if (!FIELD_VALUE.test(value)) throw refuse('format', `an invalid value for ${name}: only tab, space, visible ASCII and U+0080-U+00FF`);
    if (taken.has(name)) throw refuse('conflict', `${name}, which is set already (a header may be added, not replaced)`);
    taken.add(name);
    checked.push(name, value);
  }
  return checked;
}
