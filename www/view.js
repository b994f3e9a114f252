// DOM building for the admin page. Every string from a server goes in through textContent (by
// way of `el`), never as HTML.

/** An element with attributes and children; strings become text nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
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

const KNOWN_STATUSES = new Set(['PENDING_APPROVAL', 'ACTIVE', 'CLOSING', 'CLOSED', 'LOCKED']);

/** A status badge; a status unknown to this page still shows, in a neutral style. */
export function badge(status) {
  const known = KNOWN_STATUSES.has(status) ? status.toLowerCase().replace('_', '-') : 'other';
  return el('span', { class: `badge badge-${known}` }, status);
}

/** The owner of a group, as text. */
export function owner(group) {
  if (group.type === 'BUSINESS') return `business ${group.business_id}`;
  return (group.users ?? []).map((u) => `${u.type ?? 'user'} ${u.id ?? '?'}`).join(', ');
}

/** An RFC 3339 timestamp as a short, sortable UTC text. */
export function when(timestamp) {
  return typeof timestamp === 'string' ? timestamp.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC') : '';
}

/** Sets a field's inline validation message; returns whether it is valid. */
export function fieldMessage(input, messageNode, message) {
  messageNode.textContent = message ?? '';
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return !message;
}
