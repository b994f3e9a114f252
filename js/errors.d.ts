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

/** Input broke a rule; nothing was sent. */
export class InvalidInputError extends UpvestError {
  name: 'InvalidInputError';
  /** The field, as the caller spelled it (`user_id`, `limit`, `accessToken`, …). */
  field: string;
  /** The rule it breaks. */
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
