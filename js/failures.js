// @ts-check
// What caller code that failed becomes, as the caller sees it: a signer's throw, a token
// provider's, a webhook `verify` hook's; and the bound on every await on caller code, so a
// callback that never settles cannot hold a call.

import { SignerError, TimeoutError, UpvestError, WebhookError } from './errors.js';
import { inherent } from './members.js';
import { settleFirst } from './runtime.js';

/**
 * What a signer threw: an `UpvestError` as it is, anything else a `SignerError` with the thrown
 * value as `cause`.
 * @param {unknown} thrown
 * @returns {UpvestError}
 */
export function signerFailure(thrown) {
  if (thrown instanceof UpvestError) return thrown;
  return new SignerError(`Signer failed: ${describeThrown(thrown)}`, { cause: thrown });
}

/**
 * What a webhook `verify` hook threw: an `UpvestError` (a `WebhookVerificationError`) as it is,
 * anything else a `WebhookError` with `code: 'verify-failed'` and the thrown value as `cause`.
 * @param {unknown} thrown
 * @returns {UpvestError}
 */
export function verifyFailure(thrown) {
  if (thrown instanceof UpvestError) return thrown;
  return new WebhookError(`Invalid webhook delivery: verify failed: ${describeThrown(thrown)}`, { code: 'verify-failed', cause: thrown });
}

/**
 * The message of a thrown value, read without letting it throw again.
 * @param {unknown} thrown
 */
export function describeThrown(thrown) {
  try {
    if (typeof thrown === 'string') return thrown;
    const message = inherent(thrown, 'message');
    return typeof message === 'string' ? message : 'it threw a value that is not an Error';
  } catch {
    return 'it threw a value that could not be read';
  }
}

/**
 * Calls caller code and settles like it, or rejects with the signal's reason when it aborts, or
 * with a `TimeoutError` after `timeoutMs`: a callback that never settles cannot hold a call.
 * @template T
 * @param {() => T | PromiseLike<T>} callback
 * @param {AbortSignal | undefined} signal
 * @param {number} timeoutMs
 * @param {string} what names the callback in the timeout's message
 * @returns {Promise<T>}
 */
export function bounded(callback, signal, timeoutMs, what) {
  if (signal?.aborted) return Promise.reject(signal.reason);
  let promise;
  try {
    promise = callback();
  } catch (error) {
    return Promise.reject(error);
  }
  return settleFirst(promise, signal, timeoutMs, () => new TimeoutError(`${what} did not settle within ${timeoutMs} ms`, { timeoutMs }));
}
