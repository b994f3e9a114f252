// @ts-check
// Caller input copied to plain data before the wasm core sees it: own enumerable members only,
// nothing inherited (the copies have no prototype, so a polluted Object.prototype adds nothing),
// every getter and Proxy trap run here, in JavaScript, where what they throw is caught and
// reported as the field it came from. The core then reads data that cannot run code.

import { InvalidInputError } from './errors.js';
import { own } from './members.js';

export { bare, inherent, method, own } from './members.js';

/** Deeper than any input of this API, and bounded so a cycle ends. */
const MAX_DEPTH = 8;
/** Longer than any list this API takes (scopes), and bounded against a hostile length. */
const MAX_ITEMS = 10_000;
/** What a value that JSON cannot hold (a function, a bigint) becomes: the core reads it as "not
 * JSON" and names the field, without ever being handed something it could call. */
const NOT_JSON = Symbol('not JSON');
/** @type {readonly string[]} */
const NONE = [];

/**
 * An `InvalidInputError` for a value that could not be read at all.
 * @param {string} field
 * @param {unknown} cause what the getter or trap threw
 */
export function unreadable(field, cause) {
  return new InvalidInputError(`Invalid input: ${field} could not be read (a getter or Proxy threw)`, {
    field,
    code: 'unreadable',
    rule: 'could not be read (a getter or Proxy threw)',
    cause,
  });
}

/**
 * Reads one own member (see `own`), running its getter or the Proxy's trap here.
 * @param {any} object
 * @param {string | number} key
 * @param {string} field
 */
export function member(object, key, field) {
  try {
    return own(object, key);
  } catch (error) {
    throw unreadable(field, error);
  }
}

/**
 * A plain copy of `value`; `field` names it in errors (members are named by their own key, as the
 * core names them).
 * @param {unknown} value
 * @param {string} field
 * @param {number} [depth]
 * @param {readonly string[]} [opaque] members of the top object that are not copied (an object
 *   the driver uses as it is, such as a `tracer`: deep, maybe cyclic), only marked as given
 * @returns {unknown}
 */
export function plain(value, field, depth = 0, opaque = NONE) {
  if (typeof value === 'function' || typeof value === 'bigint') return NOT_JSON;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) {
    throw new InvalidInputError(`Invalid input: ${field} is nested too deeply`, { field, code: 'type', rule: 'is nested too deeply' });
  }
  let isArray;
  /** @type {string[]} */
  let keys = [];
  try {
    isArray = Array.isArray(value);
    if (!isArray) keys = Object.keys(value);
  } catch (error) {
    throw unreadable(field, error);
  }
  if (isArray) {
    const length = Number(member(value, 'length', field));
    if (!(length >= 0 && length <= MAX_ITEMS)) {
      throw new InvalidInputError(`Invalid input: ${field} has more than ${MAX_ITEMS} items`, { field, code: 'range', rule: `has more than ${MAX_ITEMS} items` });
    }
    return Array.from({ length }, (_, i) => plain(member(value, i, field), field, depth + 1));
  }
  /** @type {Record<string, unknown>} */
  const copy = Object.create(null);
  for (const key of keys) copy[key] = opaque.includes(key) ? NOT_JSON : plain(member(value, key, key), key, depth + 1);
  return copy;
}

/**
 * An options object split in two: its data, copied plain, for the core; and the members that
 * must be functions (or an `AbortSignal`), kept for the JavaScript driver. In the data each of
 * those stands as `true`, so the core's checks of option names (and of options that exclude
 * each other) still see it.
 * @param {unknown} options
 * @param {string} field the name errors give the object (`options`)
 * @param {readonly string[]} functionNames members that must be functions when present
 * @param {readonly string[]} [objectNames] members read as they are (not copied) into `objects`,
 *   for the caller to check: a `logger` may be a function or an object, a `tracer` an object
 * @returns {{ data: unknown, functions: Record<string, Function>, objects: Record<string, unknown>, signal: AbortSignal | undefined }}
 */
export function splitOptions(options, field, functionNames, objectNames = NONE) {
  const data = plain(options, field, 0, objectNames);
  /** @type {Record<string, Function>} */
  const functions = Object.create(null);
  /** @type {Record<string, unknown>} */
  const objects = Object.create(null);
  let signal;
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const members = /** @type {Record<string, unknown>} */ (data);
    for (const name of objectNames) {
      if (members[name] === undefined) continue;
      objects[name] = member(options, name, name);
      members[name] = objects[name] === undefined ? undefined : true;
    }
    for (const name of functionNames) {
      if (members[name] === undefined) continue;
      // The copy turned functions into NOT_JSON; the function itself is read again from the
      // caller's object (own members only: the copy proved it is one).
      const value = member(options, name, name);
      if (typeof value !== 'function') throw mustBe(name, 'a function');
      functions[name] = value;
      members[name] = true;
    }
    if (members.signal !== undefined) {
      const value = member(options, 'signal', 'signal');
      if (typeof AbortSignal === 'undefined' || !(value instanceof AbortSignal)) throw mustBe('signal', 'an AbortSignal');
      signal = value;
      members.signal = true;
    }
  }
  return { data, functions, objects, signal };
}

/**
 * @param {string} field
 * @param {string} what
 */
function mustBe(field, what) {
  return new InvalidInputError(`Invalid input: ${field} must be ${what}`, { field, code: 'type', rule: `must be ${what}` });
}
