// @ts-check
// A caller's AbortSignal may serve many calls at once (one request's signal for a fan-out of
// calls). Each attempt adds a listener to it and removes it when the attempt ends, but Node
// warns of a possible leak (MaxListenersExceededWarning) from the eleventh listener on. Node's
// own fetch lifts the limit of a signal it is given to 1500 when the limit is Node's default
// (undici, lib/web/fetch/request.js); so does this, once per call that names a signal.

import { method, own } from './members.js';

const LISTENERS = 1500;
/** Node's `events` module, where the platform has one; `null` elsewhere. @type {any} */
let events;

/** @param {AbortSignal} signal */
export function shareSignal(signal) {
  try {
    if (events === undefined) {
      const process = own(globalThis, 'process');
      events = method(process, 'getBuiltinModule')?.call(process, 'node:events') ?? null;
    }
    // Read as the package reads everything: a member missing from a partial `events` (another
    // runtime's) must not be found on a polluted Object.prototype.
    const getMax = method(events, 'getMaxListeners');
    const setMax = method(events, 'setMaxListeners');
    if (getMax && setMax && getMax.call(events, signal) === own(events, 'defaultMaxListeners')) setMax.call(events, LISTENERS, signal);
  } catch {
    // A runtime whose `process` or `events` throws, or does not know signals: its warning, if it
    // gives one, stays; the call goes on.
    events ??= null;
  }
}
