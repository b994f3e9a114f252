// A long task the operator watches and may stop: reading every group for the overview or an
// export. It owns a <progress>, a count beside it, a status line and a Cancel button; starting
// the task again cancels the run under way, so two runs never write over each other.
import { isCancellation } from './problem.js';

/**
 * A task's elements: its region (`aria-busy`, `data-state`), the <progress>, the count beside
 * it, the status line, the Cancel button and the button that starts the task.
 * @typedef {{
 *   region: HTMLElement;
 *   progress: HTMLProgressElement;
 *   count: HTMLElement;
 *   status: HTMLElement;
 *   cancel: HTMLButtonElement;
 *   start: HTMLElement;
 * }} TaskParts
 */

/**
 * What a task's work is given: the signal that cancels it, and `report(read, total)` for the
 * progress bar.
 * @typedef {{ signal: AbortSignal, report: (read: number, total: number) => void }} TaskContext
 */

export class Task {
  /** The run under way's, while there is one. @type {AbortController | null} */
  #controller = null;

  /**
   * `parts`: { region, progress, count, status, cancel, start } elements.
   * @param {TaskParts} parts
   */
  constructor(parts) {
    this.parts = parts;
    parts.cancel.disabled = true;
    parts.cancel.addEventListener('click', () => this.cancel());
  }

  cancel() {
    this.#controller?.abort(new DOMException('Cancelled by the operator', 'AbortError'));
  }

  /**
   * Shows a message in the task's status line (a polite live region).
   * @param {string} message
   */
  say(message) {
    this.parts.status.textContent = message;
  }

  /**
   * Runs `work({ signal, report })`; resolves with what it returns, or with null when cancelled
   * (the status line then says how far it got) or overtaken by a newer run. Other failures
   * reject.
   * @template T
   * @param {(context: TaskContext) => Promise<T>} work
   * @returns {Promise<T | null>}
   */
  async run(work) {
    this.cancel();
    const controller = new AbortController();
    this.#controller = controller;
    const current = () => controller === this.#controller;
    const { region, cancel } = this.parts;
    let progress = /** @type {[number, number] | null} */ (null); // [read, total] once the total is known
    /** @type {TaskContext['report']} */
    const report = (read, total) => {
      progress = [read, total];
      if (current()) this.#show(read, total);
    };
    // Indeterminate until the total is known.
    this.parts.progress.removeAttribute('value');
    this.parts.count.textContent = '';
    region.setAttribute('aria-busy', 'true');
    region.dataset.state = 'reading';
    cancel.disabled = false;
    try {
      const result = await work({ signal: controller.signal, report });
      return current() ? result : null;
    } catch (error) {
      if (!current()) return null;
      if (!isCancellation(error)) {
        region.dataset.state = 'failed';
        throw error;
      }
      region.dataset.state = 'cancelled';
      this.say(progress ? `Cancelled after reading ${progress[0]} of ${progress[1]} account groups.` : 'Cancelled before any group was read.');
      return null;
    } finally {
      if (current()) {
        this.#controller = null;
        region.setAttribute('aria-busy', 'false');
        // A disabled button loses focus to the body; keyboard users go on from the start button.
        if (document.activeElement === cancel) this.parts.start.focus();
        cancel.disabled = true;
      }
    }
  }

  /**
   * @param {number} read
   * @param {number} total
   */
  #show(read, total) {
    const { progress, count } = this.parts;
    progress.max = Math.max(total, 1);
    progress.value = read;
    count.textContent = `${read} of ${total}`;
  }
}
