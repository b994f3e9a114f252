// The create form: a user's group (one of the user types) or a business's, with an optional
// securities account number, checked as the operator types so a bad value is never sent.
import { InvalidInputError } from '/pkg/web/index.js';
import { BUSINESS_GROUP_TYPE, USER_GROUP_TYPES } from './enums.js';
import { showProblem } from './problem.js';
import { $, fieldMessage, fillSelect, isUuid } from './view.js';

/** @typedef {import('/pkg/web/index.js').AccountGroup} AccountGroup */
/** @typedef {import('/pkg/web/index.js').AccountGroups} AccountGroups */

// One of the two owner radios is always checked (index.html checks "A user").
const isBusiness = () => /** @type {HTMLInputElement} */ (document.querySelector('input[name="owner"]:checked')).value === 'business';

/**
 * Checks the form; returns the request when it is valid.
 * @returns {import('/pkg/web/index.js').CreateAccountGroupRequest | null}
 */
function checkCreateForm() {
  const ownerId = $('owner-id').value.trim();
  const number = $('account-number').value.trim();
  const ownerOk = fieldMessage($('owner-id'), $('owner-id-error'), ownerId === '' ? 'Required.' : isUuid(ownerId) ? null : 'Must be a UUID like 413715f2-5401-4b97-8055-034a6b879f8c.');
  const numberOk = fieldMessage($('account-number'), $('account-number-error'), number === '' || /^[0-9]{9}$/.test(number) ? null : 'Must be exactly 9 digits.');
  if (!ownerOk || !numberOk) return null;
  const request = isBusiness() ? { business_id: ownerId, type: BUSINESS_GROUP_TYPE } : { user_id: ownerId, type: /** @type {import('/pkg/web/index.js').UserAccountGroupType} */ ($('group-type').value) };
  return number ? { ...request, securities_account_number: number } : request;
}

/** The type select offers the types of the owner kind chosen. */
function syncOwnerKind() {
  const business = isBusiness();
  $('owner-id-label').textContent = business ? 'Business id' : 'User id';
  $('group-type').disabled = business;
  fillSelect($('group-type'), business ? [BUSINESS_GROUP_TYPE] : USER_GROUP_TYPES);
}

/**
 * The form's behaviour; `onCreated(group)` hears of each new group.
 * @param {{ getClient: () => AccountGroups, onCreated: (group: AccountGroup) => unknown }} hooks
 */
export function createCreateForm({ getClient, onCreated }) {
  /** @param {SubmitEvent} event */
  async function submit(event) {
    event.preventDefault();
    const request = checkCreateForm();
    if (!request) {
      $('create-result').textContent = 'Fix the fields marked above.';
      return;
    }
    const button = /** @type {HTMLButtonElement} */ (event.submitter ?? $('create-form').querySelector('button[type="submit"]'));
    button.disabled = true;
    $('create-result').textContent = 'Creating…';
    try {
      const group = await getClient().create(request);
      $('create-result').textContent = `Created ${group.type} group ${group.id} (${group.status}).`;
      await onCreated(group);
    } catch (error) {
      $('create-result').textContent = 'Not created.';
      if (error instanceof InvalidInputError) {
        const field = error.field === 'securities_account_number' ? 'account-number' : 'owner-id';
        fieldMessage($(field), $(`${field}-error`), error.rule);
      } else showProblem(error, 'action');
    } finally {
      button.disabled = false;
    }
  }

  syncOwnerKind();
  $('create-form').addEventListener('submit', submit);
  $('create-form').addEventListener('input', () => checkCreateForm());
  for (const radio of document.querySelectorAll('input[name="owner"]')) radio.addEventListener('change', syncOwnerKind);
}
