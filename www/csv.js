// CSV for the export: RFC 4180 (comma-separated, CRLF line ends, a field quoted when it holds a
// quote, comma, CR or LF, quotes doubled), and safe to open in a spreadsheet (CSV injection, as
// OWASP describes it): wherever a cell can start, text that looks like a formula gets a leading
// apostrophe, which spreadsheets read as "this cell is text". No DOM here, so the tests import
// this module in Node as well.
//
// Where a cell can start: at a field's start; and, since a spreadsheet whose locale separates
// lists with `;` (German or French Excel…) splits each line at `;` and takes commas as text,
// after every `;` in a value (between the users in `users.id` / `users.type`, or inside any one
// value) and after every CR or LF (in that reading a field's quotes are not at a cell's start,
// so they hold no line break together). Every column is treated alike.
//
// Looks like a formula: it starts with tab, CR or LF; or its first character after what a
// spreadsheet may pass over (Unicode White_Space: space, NBSP, U+3000…; control characters: C0
// with NUL, DEL, C1; format characters: zero-width space, BOM, bidi marks; and `"`, which opens
// a quoted field at a cell's start) is `=`, `+`, `-`, `@` or a character whose compatibility
// form (NFKC) starts with one (the full-width `＝` `＋` `－` `＠`, small forms). The apostrophe
// goes before what is passed over.
//
// Left alone, on purpose:
// - Quotes around each user (`"u1";"u2"`), or around a field for its `;`: a quote opens a quoted
//   field only at a field's start, so in the comma reading they would become text, and in the
//   `;` reading they would not be at a cell's start. `u1;u2` stays bare; each part is checked.
// - `|` and `%`: `|` (DDE, `=cmd|' /C calc'!A0`) runs only inside a formula, which needs a start
//   above. `%` starts no formula in Excel, LibreOffice or Sheets; `%0A` in published payloads is
//   a URL's line break, and nothing here URL-decodes. So `50%` and `a|b` stay as they are.
// - Separators picked by hand in an import dialog (tab, space): covering them would change text.
// Safe values (ids, timestamps, enum values, account numbers) come out byte for byte.

/**
 * A group of either kind, as the export reads it: the other kind's owner field may be read too,
 * and is absent (`business_id` of a user's group, `users` of a business's).
 * @typedef {(import('/pkg/web/index.js').UserAccountGroup & { business_id?: undefined })
 *   | (import('/pkg/web/index.js').BusinessAccountGroup & { users?: undefined })} AnyGroup
 */

/** The columns, named as the API names the fields; a group's users flattened into two. */
export const CSV_COLUMNS = ['id', 'type', 'status', 'created_at', 'updated_at', 'securities_account_number', 'business_id', 'users.id', 'users.type'];

/** Between the ids (and types) of a group's several users, in the same order in both columns. */
const LIST_SEPARATOR = ';';

/** The first character of a line that a spreadsheet does not pass over, if there is one. */
const FIRST_SEEN = /^[\s\p{Cc}\p{Cf}"]*([^\s\p{Cc}\p{Cf}"])/u;

/** Lines of a value, each with its line break (CRLF, CR or LF) at its end. */
const AFTER_LINE_BREAK = /(?<=\n|\r(?!\n))/;

/**
 * Whether a cell with this first seen character would be read as a formula.
 * @param {string | undefined} char
 */
const isFormulaStart = (char) => char !== undefined && '=+-@'.includes(char.normalize('NFKC')[0]);

/**
 * One `;`-separated part of a value, with an apostrophe before each line that could start a formula.
 * @param {string} part
 * @returns {string}
 */
function neutralisedPart(part) {
  const lines = part.split(AFTER_LINE_BREAK);
  /** @type {string | undefined} */
  let seen; // the first character seen from this line on, within the part
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    seen = FIRST_SEEN.exec(lines[i])?.[1] ?? seen;
    if (/^[\t\r\n]/.test(lines[i]) || isFormulaStart(seen)) lines[i] = `'${lines[i]}`;
  }
  return lines.join('');
}

/**
 * A value with every place where a cell can start (see above) made inert.
 * @param {string} text
 * @returns {string}
 */
const neutralised = (text) => text.split(LIST_SEPARATOR).map(neutralisedPart).join(LIST_SEPARATOR);

/**
 * One field: neutralised against formulas, then quoted when RFC 4180 requires it. Objects are
 * written as JSON, null and undefined as an empty field.
 * @param {unknown} value
 * @returns {string}
 */
export function csvField(value) {
  const text = neutralised(value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One record, CRLF-terminated.
 * @param {readonly unknown[]} values
 * @returns {string}
 */
export function csvRecord(values) {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * A group's values in the order of CSV_COLUMNS; csvField neutralises each user's part.
 * @param {AnyGroup} group
 * @returns {(string | undefined)[]}
 */
export function groupValues(group) {
  const users = Array.isArray(group.users) ? group.users : [];
  /** @param {keyof import('/pkg/web/index.js').AccountGroupUser} field */
  const each = (field) => users.map((u) => u?.[field] ?? '').join(LIST_SEPARATOR);
  return [group.id, group.type, group.status, group.created_at, group.updated_at, group.securities_account_number, group.business_id, each('id'), each('type')];
}

/**
 * The header record.
 * @returns {string}
 */
export const csvHeader = () => csvRecord(CSV_COLUMNS);

/**
 * A group's record.
 * @param {AnyGroup} group
 * @returns {string}
 */
export const groupRecord = (group) => csvRecord(groupValues(group));
