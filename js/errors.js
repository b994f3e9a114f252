// @ts-check
// Error classes of upvest-account-groups. The wasm core creates them through `createError`, so
// every failure a caller sees is an `UpvestError` they can branch on with `instanceof`.
// Each class sets `name` to a literal: minifiers rename constructors, and `name` must survive.
// Their public types are js/errors.d.ts (which is also what `./errors.js` resolves to when the
// other modules are type-checked); the fields objects are the seam's (js/seam-types.d.ts).

/**
 * The fields given, as own members of an object without a prototype, so that a field left out
 * reads as undefined even when a dependency polluted Object.prototype. (This module is a
 * wasm-bindgen snippet and may import nothing, so it cannot use members.js.)
 * @template {object} F
 * @param {F} fields
 * @returns {F}
 */
const ownFields = (fields) => Object.assign(Object.create(null), fields);

// What each class is made from: its fields object, as the seam describes it (api/src/seam.rs,
// generated into js/seam-types.d.ts; a type import only, so nothing is imported at run time).
/** @typedef {import('./seam-types.js').ProblemErrorFields} ProblemFields */
/** @typedef {import('./seam-types.js').InvalidInputErrorFields} InvalidInputFields */
/** @typedef {import('./seam-types.js').NetworkErrorFields} NetworkFields */
/** @typedef {import('./seam-types.js').TimeoutErrorFields} TimeoutFields */
/** @typedef {import('./seam-types.js').SignerErrorFields} SignerFields */
/** @typedef {import('./seam-types.js').ResponseErrorFields} ResponseFields */
/** @typedef {import('./seam-types.js').WebhookErrorFields} WebhookFields */

// Each constructor below also accepts its fields missing (`= {}`): the wasm and the glue always
// give them, but a caller without types gets an error with undefined fields, not a TypeError.

/** The base class of every error this package throws or rejects with. */
export class UpvestError extends Error {
  /**
   * @param {string} message
   * @param {{ cause?: unknown }} [options]
   */
  constructor(message, options) {
    super(message, options);
  }
}

/** The API answered with an error status; carries the RFC 7807 problem fields. */
export class ProblemError extends UpvestError {
  /**
   * @param {string} message
   * @param {Partial<ProblemFields>} [fields]
   */
  constructor(message, fields = {}) {
    fields = ownFields(fields);
    super(message);
    this.status = fields.status;
    this.type = fields.type;
    this.title = fields.title;
    this.detail = fields.detail;
    this.instance = fields.instance;
    this.requestId = fields.requestId;
    this.problem = fields.problem;
  }
}

/** Input broke a rule; nothing was sent. `field` names it, `code` says which kind of rule (stable,
 * for code to branch on) and `rule` says in words what it must be. */
export class InvalidInputError extends UpvestError {
  /**
   * @param {string} message
   * @param {Partial<InvalidInputFields>} [fields]
   */
  constructor(message, fields = {}) {
    fields = ownFields(fields);
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.field = fields.field;
    this.code = fields.code;
    this.rule = fields.rule;
  }
}

/**
 * The platform's code for a network failure (`ECONNREFUSED`, `ECONNRESET`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, `UND_ERR_SOCKET`…): the error's own `code`, or its cause's
 * (Node's fetch puts it there), read as own members only.
 * @param {unknown} error
 * @returns {string | undefined}
 */
export function errorCode(error) {
  for (let at = error, depth = 0; depth < 2 && typeof at === 'object' && at !== null; at = Object.hasOwn(at, 'cause') ? /** @type {any} */ (at).cause : undefined, depth += 1) {
    const code = Object.hasOwn(at, 'code') ? /** @type {any} */ (at).code : undefined;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** No response arrived: connection refused or reset, DNS failure, TLS, or CORS in a browser. */
export class NetworkError extends UpvestError {
  /**
   * @param {string} message
   * @param {NetworkFields} [fields]
   */
  constructor(message, fields = {}) {
    fields = ownFields(fields);
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    /** The platform's code for the failure, when it gave one. */
    this.code = errorCode(fields.cause);
  }
}

/** An attempt took longer than `timeoutMs`. */
export class TimeoutError extends UpvestError {
  /**
   * @param {string} message
   * @param {Partial<TimeoutFields>} [fields]
   */
  constructor(message, fields = {}) {
    fields = ownFields(fields);
    super(message);
    this.timeoutMs = fields.timeoutMs;
  }
}

/** The signer callback failed; `cause` holds what it threw. */
export class SignerError extends UpvestError {
  /**
   * @param {string} message
   * @param {SignerFields} [fields]
   */
  constructor(message, fields = {}) {
    fields = ownFields(fields);
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
  }
}

/** A response that is not what the contract promises (bad JSON, wrong shape or content type). */
export class ResponseError extends UpvestError {
  /**
   * @param {string} message
   * @param {Partial<ResponseFields>} [fields]
   */
  constructor(message, fields = {}) {
    fields = ownFields(fields);
    super(message);
    this.code = fields.code;
    this.status = fields.status;
    this.requestId = fields.requestId;
  }
}

/** A webhook delivery refused: too large, bad bytes, bad JSON, an event of the wrong shape, or a
 * `verify` hook that threw.
 * `code` says which (stable, for code to branch on); the message names what is wrong, with its
 * path. */
export class WebhookError extends UpvestError {
  /**
   * @param {string} message
   * @param {Partial<WebhookFields>} [fields]
   */
  constructor(message, fields = {}) {
    fields = ownFields(fields);
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = fields.code;
  }
}

/** A webhook delivery whose signature does not check out (missing, malformed, expired, by an
 * unknown key, or not matching the request); `code` says which. Its message holds no secret and
 * no signature; `cause` holds what a failing key source threw. */
export class WebhookVerificationError extends WebhookError {}

/** Each class, with the name its instances carry. @type {[{ prototype: UpvestError }, string][]} */
const NAMES = [
  [UpvestError, 'UpvestError'],
  [ProblemError, 'ProblemError'],
  [InvalidInputError, 'InvalidInputError'],
  [NetworkError, 'NetworkError'],
  [TimeoutError, 'TimeoutError'],
  [SignerError, 'SignerError'],
  [ResponseError, 'ResponseError'],
  [WebhookError, 'WebhookError'],
  [WebhookVerificationError, 'WebhookVerificationError'],
];
for (const [cls, name] of NAMES) {
  Object.defineProperty(cls.prototype, 'name', Object.assign(Object.create(null), { value: name, writable: true, configurable: true }));
}

/**
 * The classes the wasm creates, by the name it gives (`ErrorClass` in api/src/seam.rs, listed as
 * `WASM_ERROR_CLASSES` in js/seam.js; tests/node/seam.test.mjs holds this map to it); it gives
 * each the fields object of its class.
 * @type {Partial<Record<string, new (message: string, fields: object) => UpvestError>>}
 */
const classes = { ProblemError, InvalidInputError, NetworkError, TimeoutError, SignerError, ResponseError, WebhookError };

/** @internal The one door from wasm to these classes.
 * @param {string} kind the class's name; any other makes an `UpvestError`
 * @param {string} message
 * @param {object} fields the fields object of that class
 * @returns {UpvestError} */
export function createError(kind, message, fields) {
  const cls = classes[kind] ?? UpvestError;
  return new cls(message, fields);
}
