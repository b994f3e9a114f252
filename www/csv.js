// CSV for the export: RFC 4180 (comma-separated, CRLF line ends, a field quoted when it holds a
// quote, comma, CR or LF, quotes doubled), and safe to open in a spreadsheet: a cell starting
// with =, +, -, @, tab or CR would be read as a formula (CSV injection), so it gets a leading
// apostrophe. No DOM here, so the tests import this module in Node as well.

/** The columns, named as the API names the fields; a group's users flattened into two. */
export const CSV_COLUMNS = ['id', 'type', 'status', 'created_at', 'updated_at', 'securities_account_number', 'business_id', 'users.id', 'users.type'];

/** Between the ids (and types) of a group's several users, in the same order in both columns. */
const LIST_SEPARATOR = ';';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: neutralised against formulas, then quoted when RFC 4180 requires it. */
export function csvField(value) {
  let text = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRecord(values) {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A group's values in the order of CSV_COLUMNS. */
export function groupValues(group) {
  const users = Array.isArray(group.users) ? group.users : [];
  const each = (field) => users.map((u) => u?.[field] ?? '').join(LIST_SEPARATOR);
  return [group.id, group.type, group.status, group.created_at, group.updated_at, group.securities_account_number, group.business_id, each('id'), each('type')];
}

/** The header record. */
export const csvHeader = () => csvRecord(CSV_COLUMNS);

/** A group's record. */
export const groupRecord = (group) => csvRecord(groupValues(group));
