// The page's pure modules, in Node: the CSV encoding on crafted values (quoting, formula
// neutralisation), the overview's counting and calendar buckets, and the URL's view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, csvField, csvHeader, csvRecord, groupRecord, groupValues } from '../../www/csv.js';
import { Tally, timeline, unitFor } from '../../www/tally.js';
import { DEFAULTS, formatView, parseView, sameList } from '../../www/state.js';

test('csv: RFC 4180 quoting of quotes, commas, CR and LF; plain fields stay bare', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\rinside'), '"cr\rinside"');
  assert.equal(csvField('"'), '""""');
  assert.equal(csvField(''), '');
  assert.equal(csvField(undefined), '');
  assert.equal(csvField(null), '');
  assert.equal(csvField(42), '42');
  assert.equal(csvField({ a: 1 }), '"{""a"":1}"');
  assert.equal(csvRecord(['a', 'b,c', '']), 'a,"b,c",\r\n');
});

test('csv: cells that a spreadsheet would run as formulas get a leading apostrophe', () => {
  assert.equal(csvField('=1+2'), "'=1+2");
  assert.equal(csvField('+31 20 000'), "'+31 20 000");
  assert.equal(csvField('-2'), "'-2");
  assert.equal(csvField('@SUM(A1:A9)'), "'@SUM(A1:A9)");
  assert.equal(csvField('\tTAB'), "'\tTAB");
  assert.equal(csvField('\r=cmd'), `"'\r=cmd"`, 'neutralised, then quoted for the CR');
  assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvField('a=b'), 'a=b', 'only the first character counts');
  assert.equal(csvField(' =x'), ' =x');
});

test('csv: columns as the API names them, users flattened into two aligned columns', () => {
  assert.equal(csvHeader(), 'id,type,status,created_at,updated_at,securities_account_number,business_id,users.id,users.type\r\n');
  const user = { id: 'g1', type: 'CHILD', status: 'ACTIVE', created_at: '2026-01-02T03:04:05Z', updated_at: '2026-01-03T00:00:00Z', securities_account_number: '012345678', users: [{ id: 'u1', type: 'CHILD' }, { id: 'u2', type: 'GUARDIAN' }] };
  assert.deepEqual(groupValues(user), ['g1', 'CHILD', 'ACTIVE', '2026-01-02T03:04:05Z', '2026-01-03T00:00:00Z', '012345678', undefined, 'u1;u2', 'CHILD;GUARDIAN']);
  const business = { id: 'g2', type: 'BUSINESS', status: 'LOCKED', created_at: 'c', updated_at: 'u', securities_account_number: '1', business_id: 'b1' };
  assert.equal(groupRecord(business), 'g2,BUSINESS,LOCKED,c,u,1,b1,,\r\n');
  assert.equal(groupValues(business).length, CSV_COLUMNS.length);
});

test('tally: counts by status and type, known values first with zeros, unknown ones after', () => {
  const tally = new Tally();
  for (const [status, type] of [['ACTIVE', 'ISA'], ['ACTIVE', 'BUSINESS'], ['FROZEN', 'ISA'], ['CLOSED', 'SAVINGS']]) tally.add({ status, type, created_at: '2026-03-04T00:00:00Z' });
  const { total, byStatus, byType } = tally.summary();
  assert.equal(total, 4);
  assert.deepEqual(byStatus.map((r) => [r.label, r.value]), [['PENDING_APPROVAL', 0], ['ACTIVE', 2], ['LOCKED', 0], ['CLOSING', 0], ['CLOSED', 1], ['FROZEN', 1]]);
  assert.deepEqual(byType.map((r) => r.value), [0, 0, 0, 2, 0, 1, 1]);
  assert.equal(byType.at(-1).label, 'SAVINGS');
});

test('tally: weeks for up to 16 weeks (Monday first, empty weeks kept), months up to three years, then years', () => {
  const at = (iso) => Date.parse(iso);
  assert.equal(unitFor(0), 'week');
  assert.equal(unitFor(16 * 7 * 86400000), 'week');
  assert.equal(unitFor(17 * 7 * 86400000), 'month');
  assert.equal(unitFor(4 * 366 * 86400000), 'year');
  const weeks = timeline([at('2026-06-03T10:00:00Z'), at('2026-06-07T23:59:59Z'), at('2026-06-22T00:00:00Z')]);
  assert.equal(weeks.unit, 'week');
  assert.deepEqual(weeks.rows, [{ label: '2026-06-01', value: 2 }, { label: '2026-06-08', value: 0 }, { label: '2026-06-15', value: 0 }, { label: '2026-06-22', value: 1 }]);
  const months = timeline([at('2025-11-30T23:00:00Z'), at('2026-02-01T00:00:00Z'), at('2026-04-15T00:00:00Z')]);
  assert.equal(months.unit, 'month');
  assert.deepEqual(months.rows.map((r) => `${r.label}:${r.value}`), ['2025-11:1', '2025-12:0', '2026-01:0', '2026-02:1', '2026-03:0', '2026-04:1']);
  const years = timeline([at('2019-05-01T00:00:00Z'), at('2024-01-01T00:00:00Z')]);
  assert.deepEqual(years.rows.map((r) => r.label), ['2019', '2020', '2021', '2022', '2023', '2024']);
  assert.deepEqual(timeline([]).rows, []);
});

test('state: the URL holds the view, defaults left out, unknown values dropped', () => {
  assert.equal(formatView(DEFAULTS), '');
  const view = { sort: 'updated_at', order: 'ASC', size: 50, page: 3, user: '5eed0000-0000-4000-8000-000000000001', group: 'g' };
  assert.equal(formatView(view), '?sort=updated_at&order=ASC&size=50&page=3&user=5eed0000-0000-4000-8000-000000000001&group=g');
  assert.deepEqual(parseView(formatView(view)), view);
  assert.deepEqual(parseView('?sort=name&order=up&size=7&page=-2&page=x'), DEFAULTS);
  assert.deepEqual(parseView('?page=1.5'), DEFAULTS);
  assert.ok(sameList(view, { ...view, group: '' }));
  assert.ok(!sameList(view, { ...view, page: 4 }));
});
