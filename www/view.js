// DOM building for the admin page. Every string from a server goes in through textContent (by
// way of `el` and `svg`), never as HTML, and no element gets a style attribute: the page's CSP
// allows neither inline script nor inline style.
import { BUSINESS_GROUP_TYPE, STATUSES } from './enums.js';

/** @typedef {import('/pkg/web/index.js').AccountGroup} AccountGroup */
/** @typedef {import('/pkg/web/index.js').AccountGroupStatus} AccountGroupStatus */

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The elements of index.html the scripts look up, by id, with their tag names: `$` returns the
 * element type of the tag, and an id missing here is a type error. Keep it in step with the page.
 * @typedef {{
 *   'account-number': 'input';
 *   'account-number-error': 'p';
 *   'base-url': 'input';
 *   'clear-filter': 'button';
 *   'client-id': 'input';
 *   'close-form': 'form';
 *   'closure-reason': 'select';
 *   'confirm': 'dialog';
 *   'confirm-text': 'p';
 *   'create-form': 'form';
 *   'create-result': 'p';
 *   'detail': 'section';
 *   'detail-dismiss': 'button';
 *   'detail-fields': 'dl';
 *   'detail-heading': 'h2';
 *   'detail-id': 'code';
 *   'detail-live': 'p';
 *   'export': 'div';
 *   'export-cancel': 'button';
 *   'export-count': 'span';
 *   'export-progress': 'progress';
 *   'export-start': 'button';
 *   'export-status': 'p';
 *   'filter-error': 'p';
 *   'filter-user': 'input';
 *   'group-type': 'select';
 *   'groups': 'table';
 *   'list-controls': 'form';
 *   'lookup-error': 'p';
 *   'lookup-form': 'form';
 *   'lookup-id': 'input';
 *   'next': 'button';
 *   'notification-only': 'input';
 *   'order': 'select';
 *   'overview': 'section';
 *   'overview-cancel': 'button';
 *   'overview-charts': 'div';
 *   'overview-count': 'span';
 *   'overview-progress': 'progress';
 *   'overview-refresh': 'button';
 *   'overview-stale': 'p';
 *   'overview-status': 'p';
 *   'owner-id': 'input';
 *   'owner-id-error': 'p';
 *   'owner-id-label': 'label';
 *   'page-label': 'span';
 *   'page-size': 'select';
 *   'prev': 'button';
 *   'problem': 'div';
 *   'problem-detail': 'p';
 *   'problem-request-id': 'code';
 *   'problem-status': 'span';
 *   'problem-title': 'strong';
 *   'rows': 'tbody';
 *   'settings': 'details';
 *   'settings-error': 'p';
 *   'settings-form': 'form';
 *   'sort': 'select';
 *   'status': 'p';
 *   'token': 'input';
 * }} PageElements
 */

/**
 * The element with this id (index.html has each one; see PageElements).
 * @template {keyof PageElements} K
 * @param {K} id
 * @returns {HTMLElementTagNameMap[PageElements[K]]}
 */
export const $ = (id) => /** @type {HTMLElementTagNameMap[PageElements[K]]} */ (document.getElementById(id));

/**
 * Attribute values: `false`, null and undefined leave the attribute out, `true` sets it empty,
 * and a name starting with `on` adds the value as an event listener.
 * @typedef {Record<string, string | number | boolean | null | undefined | EventListener>} Attributes
 */

/** A child: a node, or anything else as text (null and undefined are left out). @typedef {Node | string | number | null | undefined} Child */

/**
 * @template {Element} E
 * @param {E} node
 * @param {Attributes} attributes
 * @param {(Child | Child[])[]} children
 * @returns {E}
 */
function build(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * An element with attributes and children; strings become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attributes]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/**
 * The same for SVG elements (charts).
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attributes]
 * @param {...(Child | Child[])} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attributes = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

/**
 * A status badge; a status unknown to this page still shows, in a neutral style.
 * @param {AccountGroupStatus} status
 */
export function badge(status) {
  const known = /** @type {readonly string[]} */ (STATUSES).includes(status) ? status.toLowerCase().replace('_', '-') : 'other';
  return el('span', { class: `badge badge-${known}` }, status);
}

/**
 * The owner of a group, as text.
 * @param {AccountGroup} group
 * @returns {string}
 */
export function owner(group) {
  if (group.type === BUSINESS_GROUP_TYPE) return `business ${group.business_id}`;
  return (group.users ?? []).map((u) => `${u.type ?? 'user'} ${u.id ?? '?'}`).join(', ');
}

/**
 * An RFC 3339 timestamp as a short, sortable UTC text (empty for anything else).
 * @param {unknown} timestamp
 * @returns {string}
 */
export function when(timestamp) {
  return typeof timestamp === 'string' ? timestamp.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC') : '';
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Whether a text is a UUID, for checks as the operator types (the client checks again).
 * @param {string} text
 */
export const isUuid = (text) => UUID.test(text);

/**
 * Sets a field's inline validation message; returns whether it is valid.
 * @param {Element} input
 * @param {HTMLElement} messageNode
 * @param {string | null} message null when the field is valid
 * @returns {boolean}
 */
export function fieldMessage(input, messageNode, message) {
  messageNode.textContent = message ?? '';
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return !message;
}

/**
 * Fills a select with values (and optional labels), keeping the current value when offered.
 * @param {HTMLSelectElement} select
 * @param {readonly string[]} values
 * @param {Readonly<Record<string, string>>} [labels]
 */
export function fillSelect(select, values, labels = {}) {
  const current = select.value;
  select.replaceChildren(...values.map((value) => el('option', { value }, labels[value] ?? value)));
  if (values.includes(current)) select.value = current;
}
