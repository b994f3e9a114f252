// @ts-check
// Checks of the options the JavaScript reads itself (the webhook receiver, verifier and stores,
// collect): own members only, names known, numbers whole and in range; each failure an
// `InvalidInputError` naming the option.
import { InvalidInputError } from './errors.js';
import { member, unreadable } from './plain.js';

/** @param {string} field @param {import('./errors.js').InvalidInputCode} code @param {string} rule */
export function invalidInput(field, code, rule) {
  return new InvalidInputError(`Invalid input: ${field} ${rule}`, { field, code, rule });
}

/**
 * Refuses options that are not an object (or, when `optional`, undefined) or that name a member
 * not in `names`.
 * @param {unknown} options @param {readonly string[]} names @param {string} owner who takes them
 * @param {boolean} optional
 * @returns {object}
 */
export function knownOptions(options, names, owner, optional) {
  if (options === undefined && optional) return {};
  if (typeof options !== 'object' || options === null) throw invalidInput('options', 'type', `must be an object (the options of ${owner})`);
  let given;
  try {
    given = Object.keys(options);
  } catch (error) {
    throw unreadable('options', error);
  }
  for (const name of given) {
    if (!names.includes(name)) throw invalidInput(name, 'unknown-field', `is not an option of ${owner} (${names.join(', ')})`);
  }
  return options;
}

/** An option that is a whole number from `min` to `max`, or `fallback` when not given.
 * @param {object} options @param {string} name @param {number} fallback @param {number} min @param {number} max */
export function wholeOption(options, name, fallback, min, max) {
  const value = member(options, name, name) ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidInput(name, 'type', `must be a whole number from ${min} to ${max}`);
  if (value < min || value > max) throw invalidInput(name, 'range', `must be a whole number from ${min} to ${max}`);
  return value;
}
