// The view the URL holds, so a link shows someone else the same page of the same list with the
// same group open, and back and forward step through what the operator did. Values that are
// not offered fall back to the defaults; ids pass through as typed, for the client to check
// (it refuses a bad one before sending anything, and the page shows why).
import { CREATED_AT, DESC, ORDERS, SORT_FIELDS } from './enums.js';

/**
 * A view of the page: a page of a list (sort, order, page size, page, the user filtered by, ''
 * for all), and the group open below it ('' for none).
 * @typedef {{
 *   sort: import('/pkg/web/index.js').SortField;
 *   order: import('/pkg/web/index.js').SortOrder;
 *   size: number;
 *   page: number;
 *   user: string;
 *   group: string;
 * }} View
 */

export const PAGE_SIZES = [10, 25, 50, 100];
/** @type {Readonly<View>} */
export const DEFAULTS = Object.freeze({ sort: CREATED_AT, order: DESC, size: 25, page: 1, user: '', group: '' });
// The order of the query parameters, so equal views make equal URLs.
const KEYS = /** @type {(keyof View)[]} */ (Object.keys(DEFAULTS));

/**
 * The view in a query string such as `?sort=updated_at&page=3`.
 * @param {string} search
 * @returns {View}
 */
export function parseView(search) {
  const params = new URLSearchParams(search);
  /** @param {keyof View} name */
  const text = (name) => params.get(name)?.trim() ?? '';
  /**
   * @template {'sort' | 'order'} K
   * @param {K} name
   * @param {readonly View[K][]} allowed
   * @returns {View[K]}
   */
  const oneOf = (name, allowed) => (/** @type {readonly string[]} */ (allowed).includes(text(name)) ? /** @type {View[K]} */ (text(name)) : DEFAULTS[name]);
  const size = Number(text('size'));
  const page = Number(text('page'));
  return {
    sort: oneOf('sort', SORT_FIELDS),
    order: oneOf('order', ORDERS),
    size: PAGE_SIZES.includes(size) ? size : DEFAULTS.size,
    page: Number.isSafeInteger(page) && page >= 1 ? page : DEFAULTS.page,
    user: text('user'),
    group: text('group'),
  };
}

/**
 * The query string of a view (empty for the defaults), defaults left out to keep links short.
 * @param {View} view
 * @returns {string}
 */
export function formatView(view) {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    if (view[key] !== DEFAULTS[key]) params.set(key, String(view[key]));
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/**
 * Whether two views show the same list page (the open group aside).
 * @param {View} a
 * @param {View} b
 * @returns {boolean}
 */
export function sameList(a, b) {
  return KEYS.every((key) => key === 'group' || a[key] === b[key]);
}
