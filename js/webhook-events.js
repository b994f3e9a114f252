// @ts-check
// Receiving webhooks: `parseWebhookEvents` refuses a body over the limit before anything else,
// runs the caller's `verify` with the raw request, parses the body in JavaScript (the body never
// enters wasm memory, which never shrinks) and has the core check the events' shape.
// `WebhookDeduplicator` remembers recent event ids, bounded in count and in bytes.

import { core } from './core.js';
import { InvalidInputError } from './errors.js';
import { verifyFailure } from './failures.js';
import { member, plain, splitOptions } from './plain.js';
import { checkWebhookBodySize, parseWebhookBody } from './webhook-body.js';

/**
 * Checks a webhook delivery and resolves with its events.
 * @param {unknown} rawBody a string, a `Uint8Array` (a `Buffer`) or an `ArrayBuffer`
 * @param {unknown} options `{ verify, method?, url?, headers?, maxBodyBytes? }`: `verify` is required
 *   (a function, or `false` to skip the check)
 * @returns {Promise<unknown[]>}
 */
export async function parseWebhookEvents(rawBody, options) {
  const verify = checkedVerify(options);
  const { data } = splitOptions(options, 'options', verify ? ['verify'] : []);
  const { maxBodyBytes } = core.webhookOptions(data);
  checkWebhookBodySize(rawBody, maxBodyBytes);
  if (verify) {
    // Method and url as copied; the headers as the caller gave them (a `Headers`, or Node's
    // `request.headers`): they only go back to the caller's own `verify`.
    const copied = /** @type {Record<string, unknown>} */ (data);
    const request = { method: copied.method, url: copied.url, headers: member(options, 'headers', 'headers'), body: rawBody };
    try {
      await verify(request);
    } catch (thrown) {
      throw verifyFailure(thrown);
    }
  }
  return core.webhookEvents(parseWebhookBody(rawBody));
}

/**
 * The `verify` option, which must be given: a function, or `false` to accept deliveries
 * unchecked (tests). Forgetting it must not quietly accept forged events.
 * @param {unknown} options
 * @returns {((request: unknown) => unknown) | false}
 */
export function checkedVerify(options) {
  const verify = member(options, 'verify', 'options');
  if (verify === false || typeof verify === 'function') return /** @type {((request: unknown) => unknown) | false} */ (verify);
  const rule = 'must be given: createWebhookVerifier({ keys }) to check that Upvest signed the delivery, or false to accept it unchecked (tests only)';
  throw new InvalidInputError(`Invalid input: verify ${rule}`, { field: 'verify', code: verify === undefined ? 'required' : 'type', rule });
}

/** Upvest's event ids are UUIDs (36 characters); longer ones are refused, so the memory a
 * deduplicator holds is bounded by its `size`. */
const MAX_ID_LENGTH = 100;

/** Remembers the ids of the most recent events (10,000 unless `size` says otherwise), so that a
 * redelivered event is handled once. */
export class WebhookDeduplicator {
  /** @type {Set<string>} insertion-ordered: the first is the oldest */
  #seen = new Set();
  #capacity;

  /** `new WebhookDeduplicator({ size? })`; throws `InvalidInputError` for a bad size.
   * @param {unknown} [options] */
  constructor(options) {
    this.#capacity = core.deduplicatorSize(splitOptions(options, 'options', []).data);
  }

  /** True the first time an event id is seen (and remembers it); throws `InvalidInputError` for
   * an id that is not a string of at most 100 characters.
   * @param {unknown} id */
  isNew(id) {
    return this.#firstTime(checkedId(id));
  }

  /** The events whose ids were not seen before, remembering them. The list is read whole before
   * any id is remembered, so an event that cannot be read changes nothing.
   * @template {{ id: string }} E
   * @param {E[]} events
   * @returns {E[]} */
  filter(events) {
    let length;
    try {
      if (!Array.isArray(events)) throw new TypeError('not an array');
      length = events.length;
    } catch (error) {
      throw new InvalidInputError('Invalid input: events must be an array of events', { field: 'events', code: 'type', rule: 'must be an array of events', cause: error });
    }
    /** @type {Array<[E, string]>} */
    const read = [];
    for (let i = 0; i < length; i += 1) {
      const event = /** @type {E} */ (member(events, i, 'events'));
      read.push([event, checkedId(/** @type {any} */ (plain(event, 'event'))?.id)]);
    }
    return read.filter(([, id]) => this.#firstTime(id)).map(([event]) => event);
  }

  /** How many ids are remembered. */
  get size() {
    return this.#seen.size;
  }

  /** Kept for compatibility: a deduplicator holds no wasm memory. */
  free() {}

  /** @param {string} id */
  #firstTime(id) {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return true;
  }
}

/** @param {unknown} id */
function checkedId(id) {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new InvalidInputError(`Invalid input: id must be an event id, a string of 1 to ${MAX_ID_LENGTH} characters`, {
      field: 'id',
      code: typeof id === 'string' ? 'range' : 'type',
      rule: `must be an event id, a string of 1 to ${MAX_ID_LENGTH} characters`,
    });
  }
  return id;
}
