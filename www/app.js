// The admin page: the list (sort, order, page size, pages, a filter by user), look-up by id, and
// the view in the URL, wired to the overview, the export, the detail view and the create form,
// all through the package's web build. Connection settings default to the mock that serves
// this page; the token is kept in memory only.
import { AccountGroups, InvalidInputError, UpvestError } from '/pkg/web/index.js';
import { createCreateForm } from './create.js';
import { createDetail } from './detail.js';
import { ASC, CREATED_AT, DESC, ORDERS, SORT_FIELDS, UPDATED_AT } from './enums.js';
import { createExport } from './export.js';
import { createOverview } from './overview.js';
import { clearProblem, showProblem } from './problem.js';
import { PAGE_SIZES, formatView, parseView, sameList } from './state.js';
import { $, badge, el, fieldMessage, fillSelect, isUuid, owner, when } from './view.js';

/** @typedef {import('/pkg/web/index.js').AccountGroup} AccountGroup */
/** @typedef {import('./state.js').View} View */
/** Connection settings. @typedef {{ baseUrl: string, clientId: string, token: string }} Settings */
/**
 * How `show` shows a view: `reload` the list even if its part is unchanged, `focus` the detail
 * view, `group` already fetched (not fetched again).
 * @typedef {{ reload?: boolean, focus?: boolean, group?: import('/pkg/web/index.js').WithResponse<AccountGroup> | undefined }} ShowOptions
 */

/** @type {Settings} */
const settings = {
  baseUrl: localStorage.getItem('upvest-admin.baseUrl') ?? location.origin,
  clientId: localStorage.getItem('upvest-admin.clientId') ?? '363f3305-7ab0-4e82-a158-f9d382ad08b6',
  token: 'admin-page-token',
};
/** @type {AccountGroups} */
let client;
/** The view shown: what the URL holds (see state.js). */
let view = parseView(location.search);
const getClient = () => client;

/** @param {Settings} settings */
function connect({ baseUrl, clientId, token }) {
  client = new AccountGroups({ baseUrl, clientId, accessToken: token, maxRetries: 1, timeoutMs: 15000 });
}

let loads = 0; // so a slow answer never overwrites the page asked for after it

async function load() {
  const ticket = ++loads;
  const table = $('groups');
  table.setAttribute('aria-busy', 'true');
  $('status').textContent = 'Loading…';
  const offset = (view.page - 1) * view.size;
  const query = { sort: view.sort, order: view.order, limit: view.size, offset };
  try {
    const page = view.user ? await client.listForUser(view.user, query) : await client.list(query);
    if (ticket !== loads) return;
    const total = page.meta.total_count;
    const pages = Math.max(1, Math.ceil(total / view.size));
    if (page.data.length === 0 && view.page > pages) {
      // A link to a page past the end (the list shrank, or the link was edited): the last page.
      await navigate({ page: pages }, { replace: true });
      return;
    }
    $('rows').replaceChildren(...page.data.map(row));
    markOpenRow();
    const first = page.data.length ? offset + 1 : 0;
    $('status').textContent = `${first}–${offset + page.data.length} of ${total} account groups${view.user ? ` of user ${view.user}` : ''}`;
    $('page-label').textContent = `Page ${view.page} of ${pages}`;
    $('prev').disabled = view.page === 1;
    $('next').disabled = view.page >= pages;
    clearProblem('list');
  } catch (error) {
    if (ticket !== loads) return;
    // Rows and pager follow the view asked for, not the page shown before it.
    $('rows').replaceChildren();
    $('status').textContent = 'The list could not be loaded.';
    $('page-label').textContent = `Page ${view.page}`;
    $('prev').disabled = view.page === 1;
    $('next').disabled = true;
    showProblem(error, 'list');
  } finally {
    if (ticket === loads) table.setAttribute('aria-busy', 'false');
  }
}

/** @param {AccountGroup} group */
function row(group) {
  // data-label names each cell where narrow screens show rows as cards (see style.css).
  /**
   * @param {string} label
   * @param {import('./view.js').Child} content
   * @param {import('./view.js').Attributes} [attributes]
   */
  const cell = (label, content, attributes = {}) => el('td', { 'data-label': label, ...attributes }, content);
  return el(
    'tr',
    { 'data-id': group.id },
    cell('Id', el('button', { type: 'button', class: 'link', onclick: () => navigate({ group: group.id }, { focus: true }), 'aria-label': `Details of ${group.id}` }, group.id)),
    cell('Type', group.type),
    cell('Status', badge(group.status)),
    cell('Owner', owner(group), { class: 'owner' }),
    cell('Account no.', group.securities_account_number),
    cell('Created', when(group.created_at)),
    cell('Updated', when(group.updated_at)),
  );
}

/** The row of the group open below stands out, for the eye and for screen readers. */
function markOpenRow() {
  for (const tr of $('rows').rows) {
    if (tr.dataset.id === detail.shown()) tr.setAttribute('aria-current', 'true');
    else tr.removeAttribute('aria-current');
  }
}

/** The controls show the view (after back, forward or a shared link). */
function syncControls() {
  $('filter-user').value = view.user;
  fieldMessage($('filter-user'), $('filter-error'), null);
  $('sort').value = view.sort;
  $('order').value = view.order;
  $('page-size').value = String(view.size);
}

/**
 * Shows a view: the list when its part changed (or `reload`), the detail view when the open
 * group changed (or `group`, already fetched, is given).
 * @param {View} next
 * @param {ShowOptions} [options]
 */
async function show(next, { reload = false, focus = false, group } = {}) {
  const previous = view;
  view = next;
  syncControls();
  const work = [];
  if (reload || !sameList(previous, next)) work.push(load());
  if (group || next.group !== detail.shown()) work.push(next.group ? detail.open(next.group, { group, focus }) : detail.dismiss());
  await Promise.all(work);
  markOpenRow();
}

/**
 * Moves to a view with these changes: a new history entry (unless `replace`), then shown.
 * @param {Partial<View>} changes
 * @param {ShowOptions & { replace?: boolean }} [options]
 */
function navigate(changes, options = {}) {
  const next = { ...view, ...changes };
  if (formatView(next) !== formatView(view)) history[options.replace ? 'replaceState' : 'pushState'](null, '', `${location.pathname}${formatView(next)}`);
  return show(next, options);
}

/** @param {Event} [event] the form's submit or a control's change; none from "Clear filter" */
function applyControls(event) {
  event?.preventDefault();
  const user = $('filter-user').value.trim();
  if (!fieldMessage($('filter-user'), $('filter-error'), user === '' || isUuid(user) ? null : 'Must be a UUID.')) return;
  navigate({ user, sort: /** @type {View['sort']} */ ($('sort').value), order: /** @type {View['order']} */ ($('order').value), size: Number($('page-size').value), page: 1 });
}

/**
 * Opens a group by id; the client refuses a malformed id before anything is sent.
 * @param {SubmitEvent} event
 */
async function lookUp(event) {
  event.preventDefault();
  const input = $('lookup-id');
  const id = input.value.trim();
  fieldMessage(input, $('lookup-error'), null);
  try {
    const group = await client.get(id);
    await navigate({ group: id }, { group, focus: true });
  } catch (error) {
    if (!(error instanceof InvalidInputError)) showProblem(error, 'action');
    else fieldMessage(input, $('lookup-error'), error.code === 'required' || id === '' ? 'Enter a group id.' : 'Not a group id: it is a UUID like 413715f2-5401-4b97-8055-034a6b879f8c.');
  }
}

/** @param {SubmitEvent} event */
function applySettings(event) {
  event.preventDefault();
  const next = { baseUrl: $('base-url').value.trim(), clientId: $('client-id').value.trim(), token: $('token').value };
  try {
    connect(next);
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
  overview.refresh();
}

fillSelect($('sort'), SORT_FIELDS, { [CREATED_AT]: 'created', [UPDATED_AT]: 'updated' });
fillSelect($('order'), ORDERS, { [DESC]: 'newest first', [ASC]: 'oldest first' });
fillSelect($('page-size'), PAGE_SIZES.map(String));
$('base-url').value = settings.baseUrl;
$('client-id').value = settings.clientId;
$('token').value = settings.token;
$('settings-form').addEventListener('submit', applySettings);
$('lookup-form').addEventListener('submit', lookUp);
$('list-controls').addEventListener('submit', applyControls);
for (const id of /** @type {const} */ (['sort', 'order', 'page-size'])) $(id).addEventListener('change', applyControls);
$('clear-filter').addEventListener('click', () => {
  $('filter-user').value = '';
  applyControls();
});
$('prev').addEventListener('click', () => navigate({ page: view.page - 1 }));
$('next').addEventListener('click', () => navigate({ page: view.page + 1 }));
window.addEventListener('popstate', () => show(parseView(location.search)));

connect(settings);
const overview = createOverview(getClient);
const detail = createDetail({
  getClient,
  onChanged: () => {
    overview.markStale();
    return load();
  },
  onDismiss: async () => {
    const id = detail.shown();
    await navigate({ group: '' });
    /** @type {HTMLButtonElement | null} */ (document.querySelector(`tr[data-id="${CSS.escape(id)}"] button`))?.focus();
  },
});
createExport(getClient, () => ({ user: view.user, sort: view.sort, order: view.order }));
createCreateForm({
  getClient,
  onCreated: () => {
    overview.markStale();
    return navigate({ sort: CREATED_AT, order: DESC, page: 1 }, { reload: true });
  },
});

// The URL as the page understands it: values it does not offer are dropped.
history.replaceState(null, '', `${location.pathname}${formatView(view)}`);
overview.refresh();
await show(view, { reload: true });
document.body.dataset.ready = 'true';
