// @ts-check
// Type guards for webhook events, one per account-group event type (their spellings come from
// js/vocabulary.js, generated from api/src). Plain JavaScript: the build copies this file into the
// package beside the wasm glue.

import { ACCOUNT_GROUP_EVENT_TYPES } from './vocabulary.js';

/** @typedef {import('./types.js').WebhookEvent} WebhookEvent */
/** @typedef {import('./api.js').AccountGroupEventType} AccountGroupEventType */

/**
 * The guard for one event type.
 * @template {AccountGroupEventType} T
 * @param {T} type
 */
const is = (type) =>
  /**
   * @param {WebhookEvent} event
   * @returns {event is import('./types.js').AccountGroupEvent<T>}
   */
  (event) => event?.type === type;

const [CREATED, ACTIVATED, CLOSING_INITIATED, CLOSED, LOCKED] = ACCOUNT_GROUP_EVENT_TYPES;
/** `ACCOUNT_GROUP.`, the category of the event types above. */
const CATEGORY = CREATED.slice(0, CREATED.indexOf('.') + 1);

/** Whether an event is about an account group (any type, including ones added later).
 * @param {WebhookEvent} event
 * @returns {event is import('./types.js').AccountGroupEvent} */
export const isAccountGroupEvent = (event) => typeof event?.type === 'string' && event.type.startsWith(CATEGORY);
/** `ACCOUNT_GROUP.CREATED` */
export const isAccountGroupCreated = is(CREATED);
/** `ACCOUNT_GROUP.ACTIVATED` */
export const isAccountGroupActivated = is(ACTIVATED);
/** `ACCOUNT_GROUP.CLOSING_INITIATED` */
export const isAccountGroupClosingInitiated = is(CLOSING_INITIATED);
/** `ACCOUNT_GROUP.CLOSED` */
export const isAccountGroupClosed = is(CLOSED);
/** `ACCOUNT_GROUP.LOCKED` */
export const isAccountGroupLocked = is(LOCKED);
