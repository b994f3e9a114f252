// Error classes of upvest-account-groups. The wasm core creates them through `createError`, so
// every failure a caller sees is an `UpvestError` they can branch on with `instanceof`.
// Each class sets `name` to a literal: minifiers rename constructors, and `name` must survive.

/** The base class of every error this package throws or rejects with. */
export class UpvestError extends Error {
  constructor(message, options) {
    super(message, options);
  }
}

/** The API answered with an error status; carries the RFC 7807 problem fields. */
export class ProblemError extends UpvestError {
  constructor(message, fields = {}) {
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
  constructor(message, fields = {}) {
    super(message);
    this.field = fields.field;
    this.code = fields.code;
    this.rule = fields.rule;
  }
}

/** No response arrived: connection refused or reset, DNS failure, or CORS in a browser. */
export class NetworkError extends UpvestError {
  constructor(message, fields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
  }
}

/** An attempt took longer than `timeoutMs`. */
export class TimeoutError extends UpvestError {
  constructor(message, fields = {}) {
    super(message);
    this.timeoutMs = fields.timeoutMs;
  }
}

/** The signer callback failed; `cause` holds what it threw. */
export class SignerError extends UpvestError {
  constructor(message, fields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
  }
}

/** A response that is not what the contract promises (bad JSON, wrong shape or content type). */
export class ResponseError extends UpvestError {
  constructor(message, fields = {}) {
    super(message);
    this.status = fields.status;
    this.requestId = fields.requestId;
  }
}

/** A webhook delivery refused: too large, bad bytes, bad JSON, or an event of the wrong shape.
 * `code` says which (stable, for code to branch on); the message names what is wrong, with its
 * path. */
export class WebhookError extends UpvestError {
  constructor(message, fields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = fields.code;
  }
}

/** A webhook delivery whose signature does not check out (missing, malformed, expired, by an
 * unknown key, or not matching the request); `code` says which. Its message holds no secret and
 * no signature; `cause` holds what a failing key source threw. */
export class WebhookVerificationError extends WebhookError {}

for (const [cls, name] of [
  [UpvestError, 'UpvestError'],
  [ProblemError, 'ProblemError'],
  [InvalidInputError, 'InvalidInputError'],
  [NetworkError, 'NetworkError'],
  [TimeoutError, 'TimeoutError'],
  [SignerError, 'SignerError'],
  [ResponseError, 'ResponseError'],
  [WebhookError, 'WebhookError'],
  [WebhookVerificationError, 'WebhookVerificationError'],
]) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

const classes = { ProblemError, InvalidInputError, NetworkError, TimeoutError, SignerError, ResponseError, WebhookError };

/** @internal Whether a value is one of these errors (for passing them through unchanged). */
export function isUpvestError(value) {
  return value instanceof UpvestError;
}

/** @internal The one door from wasm to these classes. */
export function createError(kind, message, fields) {
  const cls = classes[kind] ?? UpvestError;
  return new cls(message, fields);
}
