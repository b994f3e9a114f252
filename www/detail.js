// The detail view of one group: its fields with the request id, closing it after a
// confirmation, and, while it is CLOSING, asking again (with growing pauses) until it is not,
// announcing the change. Everything the view started stops when it closes or shows another
// group: one AbortController per view cancels the pending request and the next pause.
import { ACTIVE, CLOSING, CLOSURE_REASONS } from './enums.js';
import { pollUntil } from './poll.js';
import { clearProblem, describe, isCancellation, showProblem } from './problem.js';
import { $, badge, el, fillSelect, owner, when } from './view.js';

/** @typedef {import('/pkg/web/index.js').AccountGroup} AccountGroup */
/** @typedef {import('/pkg/web/index.js').WithResponse<AccountGroup>} FetchedGroup */

/**
 * The group a detail view shows: its id, the controller that stops what the view started, and
 * the status last shown (null until the group is shown).
 * @typedef {{ id: string, controller: AbortController, status: import('/pkg/web/index.js').AccountGroupStatus | null }} Opened
 */

/**
 * Asks before an irreversible step; resolves true when confirmed.
 * @param {string} text
 * @returns {Promise<boolean>}
 */
function confirmStep(text) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
  });
}

/**
 * The detail view's behaviour. `getClient` gives the current client; `onChanged(group)` hears of
 * a change made or seen here (the list and the overview then catch up); `onDismiss` is the
 * "Back to the list" button.
 * @param {{
 *   getClient: () => import('/pkg/web/index.js').AccountGroups;
 *   onChanged: (group: FetchedGroup | null) => unknown;
 *   onDismiss: () => unknown;
 * }} hooks
 */
export function createDetail({ getClient, onChanged, onDismiss }) {
  const section = $('detail');
  /** @type {Opened | null} */
  let opened = null; // { id, controller, status } of the group shown, while it is

  /**
   * Shows a group's fields in the view opened for it.
   * @param {FetchedGroup} group
   * @param {Opened} view the view it was fetched for
   */
  function render(group, view) {
    const fields = [
      ['Type', group.type],
      ['Status', badge(group.status)],
      ['Owner', owner(group)],
      ['Securities account number', group.securities_account_number],
      ['Created', when(group.created_at)],
      ['Updated', when(group.updated_at)],
      ['Request id', group.lastResponse?.requestId ?? '—'],
    ];
    $('detail-fields').replaceChildren(...fields.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
    $('close-form').hidden = group.status !== ACTIVE;
    view.status = group.status;
  }

  /**
   * Polls a CLOSING group until its status changes; the live region says what happened.
   * @param {Opened} current
   */
  function watch(current) {
    const live = $('detail-live');
    live.textContent = 'Closing: the status is checked again until the closure completes.';
    const check = async () => {
      let group;
      try {
        group = await getClient().get(current.id, { signal: current.controller.signal });
      } catch (error) {
        if (isCancellation(error)) throw error;
        live.textContent = `The status could not be checked (${describe(error)}); trying again.`;
        return false;
      }
      // The view moved on while the answer was on its way: it is no longer this group's.
      if (opened !== current) return true;
      if (group.status === current.status) return false;
      render(group, current);
      live.textContent = `Account group ${current.id} is now ${group.status}.`;
      onChanged(group);
      return group.status !== CLOSING;
    };
    pollUntil(check, { signal: current.controller.signal }).catch((error) => {
      if (!isCancellation(error)) throw error;
    });
  }

  /** Stops whatever the view shown was doing (its pending request, its polling). */
  function stop() {
    opened?.controller.abort(new DOMException('The view closed', 'AbortError'));
    opened = null;
  }

  /** Closes the view. */
  function dismiss() {
    stop();
    section.hidden = true;
    delete section.dataset.id;
  }

  /**
   * Shows a group: fetched, unless `group` is given already. Resolves true when shown; on a
   * failure the problem box says why and the view stays closed.
   * @param {string} id
   * @param {{ group?: FetchedGroup | undefined, focus?: boolean }} [options]
   * @returns {Promise<boolean>}
   */
  async function open(id, { group, focus = false } = {}) {
    stop();
    /** @type {Opened} */
    const current = { id, controller: new AbortController(), status: null };
    opened = current;
    section.setAttribute('aria-busy', 'true');
    try {
      const shown = group ?? (await getClient().get(id, { signal: current.controller.signal }));
      if (opened !== current) return false;
      $('detail-id').textContent = id;
      $('detail-live').textContent = '';
      render(shown, current);
      section.dataset.id = id;
      section.hidden = false;
      clearProblem('detail', 'action');
      if (shown.status === CLOSING) watch(current);
      if (focus) {
        $('detail-heading').scrollIntoView({ block: 'nearest' });
        $('detail-dismiss').focus();
      }
      return true;
    } catch (error) {
      if (opened !== current) return false;
      dismiss();
      if (!isCancellation(error)) showProblem(error, 'detail');
      return false;
    } finally {
      section.setAttribute('aria-busy', 'false');
    }
  }

  /** @param {SubmitEvent} event */
  async function closeGroup(event) {
    event.preventDefault();
    const id = opened?.id;
    if (!id) return;
    const closureReason = /** @type {import('/pkg/web/index.js').ClosureReason | ''} */ ($('closure-reason').value);
    const notificationOnly = $('notification-only').checked;
    const what = notificationOnly ? 'Announce a future closure of' : 'Close';
    if (!(await confirmStep(`${what} account group ${id}? This cannot be undone.`))) return;
    try {
      await getClient().close(id, { ...(closureReason ? { closure_reason: closureReason } : {}), notification_only: notificationOnly });
      onChanged(null);
      await open(id, { focus: true });
    } catch (error) {
      showProblem(error, 'action');
    }
  }

  fillSelect($('closure-reason'), ['', ...CLOSURE_REASONS], { '': '(none)' });
  $('close-form').addEventListener('submit', closeGroup);
  $('detail-dismiss').addEventListener('click', onDismiss);
  $('confirm').addEventListener('click', (event) => {
    if (event.target instanceof HTMLButtonElement) {
      event.preventDefault();
      $('confirm').close(event.target.value);
    }
  });
  return { open, dismiss, shown: () => opened?.id ?? '' };
}
