// @ts-check
// `collect`: at most N items of an iteration as an array, for callers who want "the first 50
// groups" without writing the `for await` loop (stripe-node's `autoPagingToArray({ limit })`).
// The loop ends as soon as N are held, so `iterate` fetches no page beyond the one that held the
// N-th group.

import { invalidInput as invalid } from './option-checks.js';
import { plain } from './plain.js';

/**
 * At most `max` items of `iterable` (an `iterate` or `iterateForUser` loop, or any iterable), in
 * order. Stops iterating once it holds `max` (`iterate` then fetches nothing more); resolves
 * with fewer when the iteration ends first. Rejects with what the iteration throws, and with
 * `InvalidInputError` for a bad argument.
 * @template T
 * @param {AsyncIterable<T> | Iterable<T>} iterable
 * @param {{ max: number }} options `max`: a whole number from 0, or `Infinity` for every item
 * @returns {Promise<T[]>}
 */
export async function collect(iterable, options) {
  const max = readMax(options);
  if (!isIterable(iterable)) {
    throw invalid('iterable', iterable === undefined ? 'required' : 'type', 'must be an iterable, such as client.iterate()');
  }
  /** @type {T[]} */
  const items = [];
  if (max === 0) return items;
  for await (const item of iterable) {
    items.push(item);
    // Checked right after the push, not before the next step: leaving the loop here closes the
    // iteration without asking it for one more item (which could be one more page).
    if (items.length >= max) break;
  }
  return items;
}

/** @param {unknown} options */
function readMax(options) {
  // A plain copy: own enumerable members only (a polluted Object.prototype adds no `max`), and a
  // getter that throws becomes an InvalidInputError ('unreadable').
  const data = /** @type {Record<string, unknown>} */ (plain(options, 'options'));
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalid('options', data === undefined ? 'required' : 'type', 'must be an object: { max }');
  }
  const unknown = Object.keys(data).find((name) => name !== 'max');
  if (unknown !== undefined) throw invalid('options', 'unknown-field', `has an unknown field "${unknown}" (allowed: max)`);
  const max = data.max;
  const rule = 'must be a whole number from 0, or Infinity';
  if (max === undefined) throw invalid('max', 'required', rule);
  if (typeof max !== 'number') throw invalid('max', 'type', rule);
  if (!(max === Infinity || (Number.isSafeInteger(max) && max >= 0))) throw invalid('max', 'range', rule);
  return max;
}

/** @param {unknown} value */
function isIterable(value) {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return false;
  const object = /** @type {any} */ (value);
  return typeof object[Symbol.asyncIterator] === 'function' || typeof object[Symbol.iterator] === 'function';
}

