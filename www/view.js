// DOM building for the admin page. Every string from a server goes in through textContent (by
// way of `el` and `svg`), never as HTML, and no element gets a style attribute: the page's CSP
// allows neither inline script nor inline style.
import { BUSINESS_GROUP_TYPE, STATUSES } from './enums.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

function build(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An element with attributes and children; strings become text nodes. */
export function el(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** The same for SVG elements (charts). */
export function svg(tag, attributes = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

/** A status badge; a status unknown to this page still shows, in a neutral style. */
export function badge(status) {
  const known = STATUSES.includes(status) ? status.toLowerCase().replace('_', '-') : 'other';
  return el('span', { class: `badge badge-${known}` }, status);
}

/** The owner of a group, as text. */
export function owner(group) {
  if (group.type === BUSINESS_GROUP_TYPE) return `business ${group.business_id}`;
  return (group.users ?? []).map((u) => `${u.type ?? 'user'} ${u.id ?? '?'}`).join(', ');
}

/** An RFC 3339 timestamp as a short, sortable UTC text. */
export function when(timestamp) {
  return typeof timestamp === 'string' ? timestamp.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC') : '';
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether a text is a UUID, for checks as the operator types (the client checks again). */
export const isUuid = (text) => UUID.test(text);

/** Sets a field's inline validation message; returns whether it is valid. */
export function fieldMessage(input, messageNode, message) {
  messageNode.textContent = message ?? '';
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return !message;
}

/** Fills a select with values (and optional labels), keeping the current value when offered. */
export function fillSelect(select, values, labels = {}) {
  const current = select.value;
  select.replaceChildren(...values.map((value) => el('option', { value }, labels[value] ?? value)));
  if (values.includes(current)) select.value = current;
}
