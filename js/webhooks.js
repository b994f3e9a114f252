// @ts-check
// Type guards for webhook events, one per account-group event type. Plain JavaScript: the build
// copies this file into the package beside the wasm glue.

/** @typedef {import('./types.js').WebhookEvent} WebhookEvent */
/** @typedef {import('./types.js').AccountGroupEventType} AccountGroupEventType */

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

/** Whether an event is about an account group (any type, including ones added later).
 * @param {WebhookEvent} event
 * @returns {event is import('./types.js').AccountGroupEvent} */
export const isAccountGroupEvent = (event) => typeof event?.type === 'string' && event.type.startsWith('ACCOUNT_GROUP.');
/** `ACCOUNT_GROUP.CREATED` */
export const isAccountGroupCreated = is('ACCOUNT_GROUP.CREATED');
/** `ACCOUNT_GROUP.ACTIVATED` */
export const isAccountGroupActivated = is('ACCOUNT_GROUP.ACTIVATED');
/** `ACCOUNT_GROUP.CLOSING_INITIATED` */
export const isAccountGroupClosingInitiated = is('ACCOUNT_GROUP.CLOSING_INITIATED');
/** `ACCOUNT_GROUP.CLOSED` */
export const isAccountGroupClosed = is('ACCOUNT_GROUP.CLOSED');
/** `ACCOUNT_GROUP.LOCKED` */
export const isAccountGroupLocked = is('ACCOUNT_GROUP.LOCKED');
