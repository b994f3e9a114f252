// How failures reach the operator: the problem box (title, detail, status, request id) for the
// list and the detail view, and a one-line description where a task reports its own outcome.
import { ProblemError, ResponseError } from '/pkg/web/index.js';
import { $ } from './view.js';

// What the problem shown is about: the list loads on its own, next to the detail view and the
// operator's actions, and its success must not hide their problem (nor theirs the list's).
let shownFor = null;

/** Hides the problem box if it shows a problem about one of `topics`. */
export function clearProblem(...topics) {
  if (topics.includes(shownFor)) {
    $('problem').hidden = true;
    shownFor = null;
  }
}

/** Shows an error in the problem box; `topic` is 'list', 'detail' or 'action'. */
export function showProblem(error, topic) {
  const box = $('problem');
  shownFor = topic;
  const problem = error instanceof ProblemError;
  $('problem-title').textContent = problem ? error.title ?? `HTTP ${error.status}` : error.name ?? 'Error';
  $('problem-detail').textContent = problem ? error.detail ?? '' : error.message;
  $('problem-status').textContent = problem || error instanceof ResponseError ? `HTTP ${error.status}` : 'no response';
  $('problem-request-id').textContent = error.requestId ?? '—';
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

/** An error in one line, with its request id when the API answered. */
export function describe(error) {
  const what = error instanceof ProblemError ? `${error.title ?? 'HTTP error'} (HTTP ${error.status})` : `${error.name ?? 'Error'}: ${error.message}`;
  return error.requestId ? `${what}, request id ${error.requestId}` : what;
}

/** Whether an error is the cancellation of a task (a call rejects with the signal's reason). */
export function isCancellation(error) {
  return error instanceof DOMException && error.name === 'AbortError';
}
