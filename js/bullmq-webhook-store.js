// @ts-check
// The webhook store over the user's own BullMQ queue (upvest-account-groups/bullmq): each event
// becomes one job, jobId the event id, name its type, data the event as Upvest sent it, so a
// plain BullMQ Worker processes them. Every replica writes to the same Redis, so an event is one
// job whichever replica receives it, however often it is delivered:
// - each job carries BullMQ's deduplication id (the event id) with a TTL: BullMQ's add script
//   checks and sets it, and the job id, atomically, and the key outlives the job
//   (`removeOnComplete` and `removeOnFail` keep it), so a redelivery days later is still known;
// - a delivery's jobs go in one `addBulk`, which BullMQ pipelines rather than wraps in one
//   transaction: if Redis fails half way, the receiver answers 503, Upvest delivers again, and
//   the adds already made count as recorded. Only public BullMQ API is used (v5 and v6 differ
//   inside), and bullmq is never imported: the queue brings its own class.
import { toBase64 } from './crypto.js';
import { bare, inherent, method, own } from './members.js';
import { invalidInput, knownOptions, wholeOption } from './option-checks.js';
import { member } from './plain.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const OPTION_NAMES = ['queue', 'quarantineQueue', 'deduplicationWindowMs'];
/** The job name of a quarantined delivery. */
const QUARANTINED = 'quarantined-delivery';

/**
 * What is used of a BullMQ `Queue` (bullmq 5.20 or later: jobs' `deduplication` option).
 * @typedef {object} QueueLike
 * @property {string} name
 * @property {(jobs: Array<{ name: string, data: unknown, opts: object }>) => Promise<unknown>} addBulk
 * @property {(name: string, data: unknown, opts: object) => Promise<unknown>} add
 * @property {() => Promise<void>} close
 */

export class BullMQWebhookStore {
  /** @type {QueueLike} */
  #queue;
  /** @type {QueueLike | undefined} */
  #quarantineQueue;
  /** Whether the store made the quarantine queue (and so closes it). */
  #ownsQuarantine;
  #windowMs;

  /**
   * `new BullMQWebhookStore({ queue, quarantineQueue?, deduplicationWindowMs? })`: `queue` is a
   * BullMQ `Queue`; deliveries that verified but are not events go to `quarantineQueue` (by
   * default a queue named `<queue.name>-quarantine` on the same connection, made on first use).
   * An event id is recorded once within `deduplicationWindowMs` (default 7 days, at least 1 day:
   * Upvest retries a failed delivery for days).
   * @param {unknown} options
   */
  constructor(options) {
    const checked = knownOptions(options, OPTION_NAMES, 'BullMQWebhookStore', false);
    this.#queue = checkedQueue(member(checked, 'queue', 'queue'), 'queue');
    const quarantineQueue = member(checked, 'quarantineQueue', 'quarantineQueue');
    this.#quarantineQueue = quarantineQueue === undefined ? undefined : checkedQueue(quarantineQueue, 'quarantineQueue');
    this.#ownsQuarantine = false;
    this.#windowMs = wholeOption(checked, 'deduplicationWindowMs', 7 * DAY_MS, DAY_MS, 366 * DAY_MS);
  }

  /**
   * Adds one job per event not recorded within the window (`queue.addBulk`); resolves once
   * Redis has applied every add.
   * @param {readonly { id: string, type: string, event: unknown }[]} events
   * @returns {Promise<{ recorded: number }>}
   */
  async record(events) {
    if (events.length === 0) return bare({ recorded: 0 });
    const ttl = this.#windowMs;
    await this.#queue.addBulk(events.map(({ id, type, event }) => ({ name: type, data: event, opts: { jobId: id, deduplication: { id, ttl } } })));
    return bare({ recorded: events.length });
  }

  /**
   * Keeps a delivery that verified but could not be read as events: one job in the quarantine
   * queue (jobId the body's SHA-256, so a redelivery is kept once), its data the body (UTF-8
   * text, or base64 when it is not UTF-8), why it was refused, and when it came.
   * @param {{ id: string, body: Uint8Array, reason: string, receivedAt: string }} delivery
   */
  async quarantine(delivery) {
    const { id, body, reason, receivedAt } = delivery;
    const text = utf8(body);
    const data = bare({ body: text ?? toBase64(body), encoding: text === undefined ? 'base64' : 'utf8', reason, receivedAt });
    await this.#quarantine().add(QUARANTINED, data, { jobId: id, deduplication: { id, ttl: this.#windowMs } });
  }

  /** Closes the quarantine queue if the store made it (the caller closes its own queues). */
  async close() {
    if (this.#ownsQuarantine) await this.#quarantineQueue?.close();
  }

  #quarantine() {
    if (!this.#quarantineQueue) {
      const queue = /** @type {any} */ (this.#queue);
      const Queue = /** @type {any} */ (inherent(queue, 'constructor'));
      if (typeof Queue !== 'function') throw new Error('the queue has no constructor to make its quarantine queue with; pass quarantineQueue');
      // The options the queue was made with: its connection (or backend) and prefix.
      this.#quarantineQueue = new Queue(`${queue.name}-quarantine`, own(queue, 'opts'));
      this.#ownsQuarantine = true;
    }
    return /** @type {QueueLike} */ (this.#quarantineQueue);
  }
}

/** @param {Uint8Array} bytes @returns {string | undefined} */
function utf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** @param {unknown} queue @param {string} field @returns {QueueLike} */
function checkedQueue(queue, field) {
  const looksLikeQueue = typeof inherent(queue, 'name') === 'string' && method(queue, 'add') && method(queue, 'addBulk');
  if (!looksLikeQueue) throw invalidInput(field, queue === undefined ? 'required' : 'type', 'must be a BullMQ Queue (bullmq 5.20 or later)');
  return /** @type {QueueLike} */ (queue);
}
