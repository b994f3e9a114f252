/** The base class of every error this package throws or rejects with. */
export class UpvestError extends Error {
  name: 'UpvestError' | 'ProblemError' | 'InvalidInputError' | 'NetworkError' | 'TimeoutError' | 'SignerError' | 'ResponseError' | 'WebhookError';
}

/** The API answered with an error status (RFC 7807 problem details). */
export class ProblemError extends UpvestError {
  name: 'ProblemError';
  /** The HTTP status. */
  status: number;
  /** The problem type: a URL like `https://docs.upvest.co/errors/not_found`, a bare slug, or `about:blank` when the body was no problem document. */
  type: string;
  /** A short summary (the status's reason phrase when the body had none). */
  title: string | undefined;
  /** What happened this time. */
  detail: string | undefined;
  /** A URI for this occurrence. */
  instance: string | undefined;
  /** The `upvest-request-id` of the response: quote it to Upvest support. */
  requestId: string | undefined;
  /** The problem document as received, with any extra members; undefined when the body was none. */
  problem: Record<string, unknown> | undefined;
}

/**
 * Which kind of rule an input broke. Stable across releases: branch on it, not on `rule`'s words.
 * - `required`: a required value is missing;
 * - `type`: the value has the wrong type (a number where a string belongs, an object expected);
 * - `uuid`: not a canonical UUID (`idempotencyKey`: not of version 0 to 5);
 * - `enum`: not one of the allowed values;
 * - `range`: a number out of bounds, or not a whole number;
 * - `format`: a string of the wrong shape (a URL, a token, nine digits);
 * - `unknown-field`: an object with a field the operation does not know (a typo, usually);
 * - `conflict`: two values that exclude each other (`accessToken` and `tokenProvider`,
 *   `user_id` on a `BUSINESS` group).
 */
export type InvalidInputCode = 'required' | 'type' | 'uuid' | 'enum' | 'range' | 'format' | 'unknown-field' | 'conflict';

/** Input broke a rule; nothing was sent. */
export class InvalidInputError extends UpvestError {
  name: 'InvalidInputError';
  /** The field, as the caller spelled it (`user_id`, `limit`, `accessToken`, …). */
  field: string;
  /** Which kind of rule it breaks, for code to branch on. */
  code: InvalidInputCode;
  /** The rule it breaks, in words for people (the wording may change between releases). */
  rule: string;
}

/** No response arrived (connection refused or reset, DNS, CORS). `cause` holds the platform's error. */
export class NetworkError extends UpvestError {
  name: 'NetworkError';
}

/** An attempt took longer than `timeoutMs`. */
export class TimeoutError extends UpvestError {
  name: 'TimeoutError';
  /** The limit that was exceeded. */
  timeoutMs: number;
}

/** The signer callback failed; `cause` holds what it threw. */
export class SignerError extends UpvestError {
  name: 'SignerError';
}

/** A response that is not what the contract promises (bad JSON, wrong shape, wrong content type). */
export class ResponseError extends UpvestError {
  name: 'ResponseError';
  /** The HTTP status. */
  status: number;
  /** The `upvest-request-id` of the response. */
  requestId: string | undefined;
}

/** A webhook delivery body that is not what Upvest sends: bad bytes, bad JSON, or an event of the
 * wrong shape. The message names what is wrong, with its path (e.g. `payload[1].object.id`). */
export class WebhookError extends UpvestError {
  name: 'WebhookError';
}
