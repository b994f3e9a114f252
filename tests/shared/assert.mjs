// A few assertions that run the same in Node and in a browser page, for the shared cases.

export class AssertionError extends Error {}
AssertionError.prototype.name = 'AssertionError';

const show = (value) => {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
};

export function ok(value, message = 'expected a truthy value') {
  if (!value) throw new AssertionError(message);
}

export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) throw new AssertionError(`${message ?? 'values differ'}: got ${show(actual)}, expected ${show(expected)}`);
}

export function deepEqual(actual, expected, message) {
  if (show(actual) !== show(expected)) throw new AssertionError(`${message ?? 'values differ'}: got ${show(actual)}, expected ${show(expected)}`);
}

export function match(text, pattern, message) {
  if (typeof text !== 'string' || !pattern.test(text)) throw new AssertionError(`${message ?? 'no match'}: ${show(text)} does not match ${pattern}`);
}

/** Awaits a promise that must reject; returns the rejection. */
export async function rejects(promise, message = 'expected a rejection') {
  let settled;
  try {
    settled = await promise;
  } catch (error) {
    return error;
  }
  throw new AssertionError(`${message}; it resolved with ${show(settled)}`);
}
