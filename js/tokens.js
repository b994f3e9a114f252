// @ts-check
// Where a request's bearer token comes from: a fixed string, or a provider called lazily, kept
// until shortly before it expires (the core says until when), shared by concurrent calls (one
// provider call for any number of waiting requests), and asked again once after a 401: however
// many calls were refused with the same token, one refresh replaces it.

import { core } from './core.js';
import { UpvestError } from './errors.js';
import { bounded, describeThrown } from './failures.js';
import { plain } from './plain.js';

/** A token as handed to one attempt: `generation` counts the provider's answers, so a 401 on a
 * token that was already replaced refreshes nothing.
 * @typedef {{ token: string, generation: number }} Lease */

export class TokenSource {
  /** @type {string | undefined} */
  #token;
  #generation = 0;
  #usableUntil = 0;
  /** @type {Promise<string> | undefined} the provider call every waiting request shares */
  #pending;
  /** @type {(() => unknown) | undefined} */
  #provider;

  /**
   * @param {string | undefined} fixed a token that never changes
   * @param {(() => unknown) | undefined} provider called for tokens when there is no fixed one
   */
  constructor(fixed, provider) {
    this.#token = fixed;
    this.#usableUntil = fixed === undefined ? 0 : Infinity;
    this.#provider = provider;
  }

  /**
   * The token to send now when there is one at hand (a fixed one, or the provider's while it is
   * usable), without waiting; else `undefined`, and `current` asks for one.
   * @returns {Lease | undefined}
   */
  ready() {
    return this.#token !== undefined && Date.now() < this.#usableUntil ? { token: this.#token, generation: this.#generation } : undefined;
  }

  /**
   * A token to send now, waiting for the provider at most `timeoutMs` and until `signal` aborts.
   * @param {AbortSignal | undefined} signal
   * @param {number} timeoutMs
   * @returns {Promise<Lease>}
   */
  async current(signal, timeoutMs) {
    if (this.#token !== undefined && Date.now() < this.#usableUntil) return { token: this.#token, generation: this.#generation };
    // Nothing is asked for a request already given up on (whose wait would not hear the answer).
    if (signal?.aborted) throw signal.reason;
    // A provider call given up on (it failed or hung) may settle later: it clears only its own
    // place, never that of the call that replaced it.
    /** @type {Promise<string>} */
    const pending = (this.#pending ??= this.#ask().finally(() => {
      if (this.#pending === pending) this.#pending = undefined;
    }));
    try {
      return { token: await bounded(() => pending, signal, timeoutMs, 'the token provider'), generation: this.#generation };
    } catch (error) {
      // A provider that failed or hangs is asked afresh by the next call, not awaited forever.
      if (this.#pending === pending) this.#pending = undefined;
      throw error;
    }
  }

  /** Forgets the token of `used` after the API refused it, so the next request asks the provider
   * again; unless the provider already gave a newer one (or is being asked), which is used as is.
   * @param {Lease | undefined} used */
  forget(used) {
    if (this.#provider && used !== undefined && used.generation === this.#generation && this.#token === used.token) this.#token = undefined;
  }

  /** @returns {Promise<string>} */
  async #ask() {
    const provider = this.#provider;
    if (!provider) throw new UpvestError('Token provider failed: there is none');
    let value;
    try {
      value = plain(await provider(), 'token');
    } catch (thrown) {
      if (thrown instanceof UpvestError && thrown.name !== 'InvalidInputError') throw thrown;
      throw new UpvestError(`Token provider failed: ${describeThrown(thrown)}`, { cause: thrown });
    }
    // The core reads the token and says how long it may be used.
    const checked = core.checkProvidedToken(value, Date.now());
    this.#generation += 1;
    this.#token = checked.token;
    this.#usableUntil = checked.usableUntil;
    return checked.token;
  }
}
