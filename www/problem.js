// How failures reach the operator: the problem box (title, detail, status, request id) for the
// list and the detail view, and a one-line description where a task reports its own outcome.
import { ProblemError, ResponseError } from '/pkg/web/index.js';
import { $ } from './view.js';

/** What the problem box is about. @typedef {'list' | 'detail' | 'action'} Topic */

/**
 * What a call rejects with, as read here: one of the package's errors (with `requestId` when the
 * API answered), a DOMException (a cancellation) or another Error.
 * @typedef {Error & { requestId?: string | undefined }} Failure
 */

// What the problem shown is about: the list loads on its own, next to the detail view and the
// operator's actions, and its success must not hide their problem (nor theirs the list's).
/** @type {Topic | null} */
let shownFor = null;

/**
 * Hides the problem box if it shows a problem about one of `topics`.
 * @param {...Topic} topics
 */
export function clearProblem(...topics) {
  if (/** @type {readonly (Topic | null)[]} */ (topics).includes(shownFor)) {
    $('problem').hidden = true;
    shownFor = null;
  }
}

/**
 * Shows an error in the problem box; `topic` is 'list', 'detail' or 'action'.
 * @param {unknown} thrown what a call rejected with, read as a Failure
 * @param {Topic} topic
 */
export function showProblem(thrown, topic) {
  const error = asFailure(thrown);
  const box = $('problem');
  shownFor = topic;
  const problem = error instanceof ProblemError;
  $('problem-title').textContent = problem ? error.title ?? `HTTP ${error.status}` : /** @type {Failure} */ (error).name ?? 'Error';
  $('problem-detail').textContent = problem ? error.detail ?? '' : /** @type {Failure} */ (error).message;
  $('problem-status').textContent = problem || error instanceof ResponseError ? `HTTP ${error.status}` : 'no response';
  $('problem-request-id').textContent = /** @type {Failure} */ (error).requestId ?? '—';
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

/**
 * An error in one line, with its request id when the API answered.
 * @param {unknown} thrown what a call rejected with, read as a Failure
 * @returns {string}
 */
export function describe(thrown) {
  const error = asFailure(thrown);
  const what = error instanceof ProblemError ? `${error.title ?? 'HTTP error'} (HTTP ${error.status})` : `${/** @type {Failure} */ (error).name ?? 'Error'}: ${/** @type {Failure} */ (error).message}`;
  return /** @type {Failure} */ (error).requestId ? `${what}, request id ${/** @type {Failure} */ (error).requestId}` : what;
}

/**
 * What a call rejected with, as an object to read: a rejection with `undefined`, a string or a
 * number becomes an `Error` saying so.
 * @param {unknown} error
 * @returns {unknown}
 */
function asFailure(error) {
  return typeof error === 'object' && error !== null ? error : new Error(`rejected with ${String(error)}`);
}

/**
 * Whether an error is the cancellation of a task (a call rejects with the signal's reason).
 * @param {unknown} error
 * @returns {boolean}
 */
export function isCancellation(error) {
  return error instanceof DOMException && error.name === 'AbortError';
}
