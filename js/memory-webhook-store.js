// @ts-check
// The webhook store of one process, for development and tests: events recorded once within a
// window, kept in memory until taken. What it holds is lost with the process, and a second
// replica has its own: production behind a load balancer uses a shared store
// (BullMQWebhookStore, from upvest-account-groups/bullmq).
import { bare, own } from './members.js';
import { member } from './plain.js';
import { invalidInput as invalid, knownOptions, wholeOption as whole } from './option-checks.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const OPTION_NAMES = ['windowMs', 'maxIds', 'now'];

/** @typedef {{ id: string, type: string, event: unknown }} EventRecord */
/** @typedef {{ id: string, body: Uint8Array, reason: string, receivedAt: string }} QuarantinedDelivery */

export class MemoryWebhookStore {
  /** @type {Map<string, number>} event id → when it may be recorded again (ms); insertion-ordered */
  #seen = new Map();
  /** @type {Array<EventRecord & { recordedAt: string }>} */
  #pending = [];
  /** @type {Map<string, QuarantinedDelivery>} */
  #quarantined = new Map();
  #windowMs;
  #maxIds;
  #now;

  /** `new MemoryWebhookStore({ windowMs?, maxIds?, now? })`: an id is recorded once within
   * `windowMs` (default 7 days), remembering at most `maxIds` ids (default 100,000; the oldest
   * is forgotten first).
   * @param {unknown} [options] */
  constructor(options) {
    const checked = knownOptions(options, OPTION_NAMES, 'MemoryWebhookStore', true);
    this.#windowMs = whole(checked, 'windowMs', 7 * DAY_MS, 1, 366 * DAY_MS);
    this.#maxIds = whole(checked, 'maxIds', 100_000, 1, 10_000_000);
    const now = member(checked, 'now', 'now') ?? Date.now;
    if (typeof now !== 'function') throw invalid('now', 'type', 'must be a function returning milliseconds since the epoch');
    this.#now = /** @type {() => number} */ (now);
  }

  /** Records the events whose ids were not recorded within the window, all at once.
   * @param {readonly EventRecord[]} events
   * @returns {Promise<{ recorded: number, duplicates: number }>} */
  async record(events) {
    const now = this.#now();
    const fresh = new Map();
    for (const { id, type, event } of checkedRecords(events)) {
      const until = this.#seen.get(id);
      if ((until === undefined || until <= now) && !fresh.has(id)) fresh.set(id, bare({ id, type, event, recordedAt: new Date(now).toISOString() }));
    }
    for (const [id, entry] of fresh) {
      this.#seen.delete(id);
      this.#seen.set(id, now + this.#windowMs);
      this.#pending.push(entry);
    }
    for (const [id, until] of this.#seen) {
      if (this.#seen.size <= this.#maxIds && until > now) break;
      this.#seen.delete(id);
    }
    return { recorded: fresh.size, duplicates: events.length - fresh.size };
  }

  /** Keeps a delivery that could not be read as events, once per body.
   * @param {QuarantinedDelivery} delivery */
  async quarantine(delivery) {
    const id = own(delivery, 'id');
    if (typeof id !== 'string') throw invalid('delivery.id', 'type', 'must be a string');
    if (!this.#quarantined.has(id)) this.#quarantined.set(id, delivery);
  }

  /** The recorded events not taken yet, oldest first, now removed from the store: a development
   * loop's `for (const { type, event } of store.take()) …`.
   * @param {number} [max] at most this many (default all) */
  take(max = Infinity) {
    return this.#pending.splice(0, max);
  }

  /** The quarantined deliveries (kept until the process ends). */
  quarantined() {
    return [...this.#quarantined.values()];
  }

  /** How many recorded events wait to be taken. */
  get pending() {
    return this.#pending.length;
  }
}

/** @param {unknown} events @returns {EventRecord[]} */
function checkedRecords(events) {
  if (!Array.isArray(events)) throw invalid('events', 'type', 'must be an array of { id, type, event }');
  return events.map((record, i) => {
    const [id, type] = [own(record, 'id'), own(record, 'type')];
    if (typeof id !== 'string' || id === '' || typeof type !== 'string') throw invalid(`events[${i}]`, 'type', 'must be { id, type, event } with string id and type');
    return { id, type, event: own(record, 'event') };
  });
}

