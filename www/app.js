// The admin page: list, filter, page, inspect, create and close account groups, through the
// package's web build. Connection settings default to the mock that serves this page; the token
// is kept in memory only.
import { AccountGroups, InvalidInputError, ProblemError, ResponseError, UpvestError } from '/pkg/web/index.js';
import { badge, el, fieldMessage, owner, when } from './view.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const $ = (id) => document.getElementById(id);
const settings = {
  baseUrl: localStorage.getItem('upvest-admin.baseUrl') ?? location.origin,
  clientId: localStorage.getItem('upvest-admin.clientId') ?? '363f3305-7ab0-4e82-a158-f9d382ad08b6',
  token: 'admin-page-token',
};
const view = { user: '', sort: 'created_at', order: 'DESC', pageSize: 25, offset: 0, total: 0 };
let client;

function connect() {
  client = new AccountGroups({ baseUrl: settings.baseUrl, clientId: settings.clientId, accessToken: settings.token, maxRetries: 1, timeoutMs: 15000 });
}

function showProblem(error) {
  const box = $('problem');
  if (!error) {
    box.hidden = true;
    return;
  }
  const problem = error instanceof ProblemError;
  $('problem-title').textContent = problem ? error.title ?? `HTTP ${error.status}` : error.name ?? 'Error';
  $('problem-detail').textContent = problem ? error.detail ?? '' : error.message;
  $('problem-status').textContent = error instanceof ProblemError || error instanceof ResponseError ? `HTTP ${error.status}` : 'no response';
  $('problem-request-id').textContent = error.requestId ?? '—';
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

async function load() {
  const table = $('groups');
  table.setAttribute('aria-busy', 'true');
  $('status').textContent = 'Loading…';
  const query = { sort: view.sort, order: view.order, limit: view.pageSize, offset: view.offset };
  try {
    const page = view.user ? await client.listForUser(view.user, query) : await client.list(query);
    view.total = page.meta.total_count;
    $('rows').replaceChildren(...page.data.map(row));
    const first = page.data.length ? view.offset + 1 : 0;
    $('status').textContent = `${first}–${view.offset + page.data.length} of ${view.total} account groups${view.user ? ` of user ${view.user}` : ''}`;
    $('page-label').textContent = `Page ${Math.floor(view.offset / view.pageSize) + 1} of ${Math.max(1, Math.ceil(view.total / view.pageSize))}`;
    $('prev').disabled = view.offset === 0;
    $('next').disabled = view.offset + view.pageSize >= view.total;
    showProblem(null);
  } catch (error) {
    $('status').textContent = 'The list could not be loaded.';
    showProblem(error);
  } finally {
    table.setAttribute('aria-busy', 'false');
  }
}

function row(group) {
  // data-label names each cell where narrow screens show rows as cards (see style.css).
  const cell = (label, content, attributes = {}) => el('td', { 'data-label': label, ...attributes }, content);
  return el(
    'tr',
    { 'data-id': group.id },
    cell('Id', el('button', { type: 'button', class: 'link', onclick: () => openDetail(group.id), 'aria-label': `Details of ${group.id}` }, group.id)),
    cell('Type', group.type),
    cell('Status', badge(group.status)),
    cell('Owner', owner(group), { class: 'owner' }),
    cell('Account no.', group.securities_account_number),
    cell('Created', when(group.created_at)),
    cell('Updated', when(group.updated_at)),
  );
}

async function openDetail(id) {
  const section = $('detail');
  section.hidden = false;
  section.setAttribute('aria-busy', 'true');
  $('detail-id').textContent = id;
  try {
    const group = await client.get(id);
    const fields = [
      ['Type', group.type],
      ['Status', badge(group.status)],
      ['Owner', owner(group)],
      ['Securities account number', group.securities_account_number],
      ['Created', when(group.created_at)],
      ['Updated', when(group.updated_at)],
      ['Request id', group.lastResponse.requestId ?? '—'],
    ];
    $('detail-fields').replaceChildren(...fields.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
    $('close-form').hidden = group.status !== 'ACTIVE';
    section.dataset.id = id;
    showProblem(null);
    $('detail-heading').scrollIntoView({ block: 'nearest' });
    $('detail-dismiss').focus();
  } catch (error) {
    showProblem(error);
  } finally {
    section.setAttribute('aria-busy', 'false');
  }
}

/** Asks before an irreversible step; resolves true when confirmed. */
function confirmStep(text) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
  });
}

async function closeGroup(event) {
  event.preventDefault();
  const id = $('detail').dataset.id;
  const closureReason = $('closure-reason').value;
  const notificationOnly = $('notification-only').checked;
  const what = notificationOnly ? 'Announce a future closure of' : 'Close';
  if (!(await confirmStep(`${what} account group ${id}? This cannot be undone.`))) return;
  try {
    await client.close(id, { ...(closureReason ? { closure_reason: closureReason } : {}), notification_only: notificationOnly });
    await Promise.all([openDetail(id), load()]);
  } catch (error) {
    showProblem(error);
  }
}

/** Checks the create form as the operator types; returns the request when it is valid. */
function checkCreateForm() {
  const business = document.querySelector('input[name="owner"]:checked').value === 'business';
  const ownerId = $('owner-id').value.trim();
  const number = $('account-number').value.trim();
  const ownerOk = fieldMessage($('owner-id'), $('owner-id-error'), ownerId === '' ? 'Required.' : UUID.test(ownerId) ? null : 'Must be a UUID like 413715f2-5401-4b97-8055-034a6b879f8c.');
  const numberOk = fieldMessage($('account-number'), $('account-number-error'), number === '' || /^[0-9]{9}$/.test(number) ? null : 'Must be exactly 9 digits.');
  if (!ownerOk || !numberOk) return null;
  const request = business ? { business_id: ownerId, type: 'BUSINESS' } : { user_id: ownerId, type: $('group-type').value };
  return number ? { ...request, securities_account_number: number } : request;
}

function syncOwnerKind() {
  const business = document.querySelector('input[name="owner"]:checked').value === 'business';
  $('owner-id-label').textContent = business ? 'Business id' : 'User id';
  const type = $('group-type');
  type.disabled = business;
  if (business) type.replaceChildren(el('option', {}, 'BUSINESS'));
  else if (type.options.length === 1) type.replaceChildren(...['PERSONAL', 'LEGAL_ENTITY', 'FRENCH_PEA', 'ISA', 'CHILD'].map((t) => el('option', {}, t)));
}

async function create(event) {
  event.preventDefault();
  const request = checkCreateForm();
  if (!request) {
    $('create-result').textContent = 'Fix the fields marked above.';
    return;
  }
  const button = event.submitter ?? $('create-form').querySelector('button[type="submit"]');
  button.disabled = true;
  $('create-result').textContent = 'Creating…';
  try {
    const group = await client.create(request);
    $('create-result').textContent = `Created ${group.type} group ${group.id} (${group.status}).`;
    Object.assign(view, { sort: 'created_at', order: 'DESC', offset: 0 });
    $('sort').value = 'created_at';
    $('order').value = 'DESC';
    await load();
  } catch (error) {
    $('create-result').textContent = 'Not created.';
    if (error instanceof InvalidInputError) {
      const field = error.field === 'securities_account_number' ? 'account-number' : 'owner-id';
      fieldMessage($(field), $(`${field}-error`), error.rule);
    } else showProblem(error);
  } finally {
    button.disabled = false;
  }
}

function applyControls(event) {
  event?.preventDefault();
  const user = $('filter-user').value.trim();
  if (!fieldMessage($('filter-user'), $('filter-error'), user === '' || UUID.test(user) ? null : 'Must be a UUID.')) return;
  Object.assign(view, { user, sort: $('sort').value, order: $('order').value, pageSize: Number($('page-size').value), offset: 0 });
  load();
}

function applySettings(event) {
  event.preventDefault();
  const next = { baseUrl: $('base-url').value.trim(), clientId: $('client-id').value.trim(), token: $('token').value };
  try {
    client = new AccountGroups({ baseUrl: next.baseUrl, clientId: next.clientId, accessToken: next.token, maxRetries: 1, timeoutMs: 15000 });
  } catch (error) {
    $('settings-error').textContent = error instanceof UpvestError ? error.message : String(error);
    return;
  }
  $('settings-error').textContent = '';
  Object.assign(settings, next);
  localStorage.setItem('upvest-admin.baseUrl', settings.baseUrl);
  localStorage.setItem('upvest-admin.clientId', settings.clientId);
  $('settings').open = false;
  load();
}

$('base-url').value = settings.baseUrl;
$('client-id').value = settings.clientId;
$('token').value = settings.token;
$('settings-form').addEventListener('submit', applySettings);
$('list-controls').addEventListener('submit', applyControls);
for (const id of ['sort', 'order', 'page-size']) $(id).addEventListener('change', applyControls);
$('clear-filter').addEventListener('click', () => {
  $('filter-user').value = '';
  applyControls();
});
$('prev').addEventListener('click', () => {
  view.offset = Math.max(0, view.offset - view.pageSize);
  load();
});
$('next').addEventListener('click', () => {
  view.offset += view.pageSize;
  load();
});
$('detail-dismiss').addEventListener('click', () => {
  $('detail').hidden = true;
  document.querySelector(`tr[data-id="${CSS.escape($('detail').dataset.id ?? '')}"] button`)?.focus();
});
$('close-form').addEventListener('submit', closeGroup);
$('confirm').addEventListener('click', (event) => {
  if (event.target instanceof HTMLButtonElement) {
    event.preventDefault();
    $('confirm').close(event.target.value);
  }
});
$('create-form').addEventListener('submit', create);
$('create-form').addEventListener('input', () => checkCreateForm());
for (const radio of document.querySelectorAll('input[name="owner"]')) radio.addEventListener('change', syncOwnerKind);

connect();
await load();
document.body.dataset.ready = 'true';
