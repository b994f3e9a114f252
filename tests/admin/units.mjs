// The page's pure modules, in Node: the overview's counting and calendar buckets, and the URL's
// view (the CSV encoding is in csv.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tally, timeline, unitFor } from '../../www/tally.js';
import { DEFAULTS, formatView, parseView, sameList } from '../../www/state.js';

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
