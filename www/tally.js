// Counting groups for the overview: by status, by type, and by the calendar bucket of their
// creation. Only data in, numbers out (no DOM), so the tests import it in Node as well.
import { GROUP_TYPES, STATUSES } from './enums.js';

/** @typedef {import('/pkg/web/index.js').AccountGroup} AccountGroup */

/** One bar of a chart, one row of its table. @typedef {{ label: string, value: number }} Row */
/** A calendar bucket. @typedef {'week' | 'month' | 'year'} Unit */
/** Counts per bucket of creation. @typedef {{ unit: Unit, rows: Row[] }} Timeline */
/** What a Tally counted. @typedef {{ total: number, byStatus: Row[], byType: Row[], created: Timeline }} Summary */

const DAY_MS = 24 * 3600 * 1000;

/**
 * Known values first, in their own order (zeros included), then any others by name.
 * @param {Map<string, number>} counts
 * @param {readonly string[]} known
 * @returns {Row[]}
 */
function ordered(counts, known) {
  const others = [...counts.keys()].filter((k) => !known.includes(k)).sort();
  return [...known, ...others].map((label) => ({ label, value: counts.get(label) ?? 0 }));
}

/** @param {number} ms */
const iso = (ms) => new Date(ms).toISOString();

// Calendar buckets in UTC, so everyone reading a shared overview sees the same ones.
/** @type {Record<Unit, { start: (ms: number) => number, next: (ms: number) => number, label: (ms: number) => string }>} */
const UNITS = {
  week: {
    start: (ms) => {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    },
    next: (ms) => ms + 7 * DAY_MS,
    label: (ms) => iso(ms).slice(0, 10),
  },
  month: {
    start: (ms) => Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth(), 1),
    next: (ms) => Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth() + 1, 1),
    label: (ms) => iso(ms).slice(0, 7),
  },
  year: {
    start: (ms) => Date.UTC(new Date(ms).getUTCFullYear(), 0, 1),
    next: (ms) => Date.UTC(new Date(ms).getUTCFullYear() + 1, 0, 1),
    label: (ms) => iso(ms).slice(0, 4),
  },
};

/**
 * The bucket size for a range of creation times: about 4 to 40 bars.
 * @param {number} spanMs
 * @returns {Unit}
 */
export function unitFor(spanMs) {
  if (spanMs <= 16 * 7 * DAY_MS) return 'week';
  if (spanMs <= 3 * 366 * DAY_MS) return 'month';
  return 'year';
}

/**
 * Creation times (ms) counted per bucket, from the first bucket to the last with none left out.
 * @param {readonly number[]} times
 * @returns {Timeline}
 */
export function timeline(times) {
  if (times.length === 0) return { unit: 'month', rows: [] };
  // A loop, not Math.min(...times): a spread of a hundred thousand arguments overflows the stack.
  let first = Infinity;
  let latest = -Infinity;
  for (const t of times) {
    first = Math.min(first, t);
    latest = Math.max(latest, t);
  }
  const unit = unitFor(latest - first);
  const { start, next, label } = UNITS[unit];
  /** @type {Map<number, number>} */
  const counts = new Map();
  for (const t of times) counts.set(start(t), (counts.get(start(t)) ?? 0) + 1);
  /** @type {Row[]} */
  const rows = [];
  for (let at = start(first), last = start(latest); at <= last; at = next(at)) rows.push({ label: label(at), value: counts.get(at) ?? 0 });
  return { unit, rows };
}

/** A running count of groups; `add` each, then `summary()`. */
export class Tally {
  total = 0;
  /** @type {Map<string, number>} */
  byStatus = new Map();
  /** @type {Map<string, number>} */
  byType = new Map();
  /** Creation times, in ms. @type {number[]} */
  created = [];

  /** @param {AccountGroup} group */
  add(group) {
    this.total += 1;
    this.byStatus.set(group.status, (this.byStatus.get(group.status) ?? 0) + 1);
    this.byType.set(group.type, (this.byType.get(group.type) ?? 0) + 1);
    const created = Date.parse(group.created_at);
    if (Number.isFinite(created)) this.created.push(created);
  }

  /** @returns {Summary} */
  summary() {
    return { total: this.total, byStatus: ordered(this.byStatus, STATUSES), byType: ordered(this.byType, GROUP_TYPES), created: timeline(this.created) };
  }
}
