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
  if (events === undefined) {
    const process = own(globalThis, 'process');
    events = method(process, 'getBuiltinModule')?.call(process, 'node:events') ?? null;
  }
  if (events === null) return;
  try {
    if (events.getMaxListeners(signal) === events.defaultMaxListeners) events.setMaxListeners(LISTENERS, signal);
  } catch {
    // An `events` that does not know signals: its warning, if it gives one, stays.
  }
}
