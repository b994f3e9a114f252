// The error classes' declarations; their codes and fields objects are the seam's
// (js/seam-types.d.ts, generated from api/src/seam.rs), re-exported for the glue's modules.
// scripts/assemble-pkg.mjs joins this file, without the import and export below, into the
// package's index.d.ts, after seam-types.d.ts.
import type {
  InvalidInputCode,
  InvalidInputErrorFields,
  NetworkErrorFields,
  ProblemErrorFields,
  ResponseErrorCode,
  ResponseErrorFields,
  SignerErrorFields,
  TimeoutErrorFields,
  WebhookErrorCode,
  WebhookErrorFields,
  WebhookVerificationCode,
  WebhookVerificationErrorFields,
} from './seam-types.js';
export type { InvalidInputCode, ResponseErrorCode, WebhookErrorCode, WebhookVerificationCode } from './seam-types.js';

/** The base class of every error this package throws or rejects with. */
export class UpvestError extends Error {
  name: 'UpvestError' | 'ProblemError' | 'InvalidInputError' | 'NetworkError' | 'TimeoutError' | 'SignerError' | 'ResponseError' | 'WebhookError' | 'WebhookVerificationError';
  /** @internal */
  constructor(message: string, options?: { cause?: unknown });
}

/** The API answered with an error status (RFC 7807 problem details). */
export class ProblemError extends UpvestError {
  name: 'ProblemError';
  /** @internal */
  constructor(message: string, fields: ProblemErrorFields);
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
  /** @internal */
  constructor(message: string, fields: InvalidInputErrorFields);
  /** The field, as the caller spelled it (`user_id`, `limit`, `accessToken`, …). */
  field: string;
  /** Which kind of rule it breaks, for code to branch on. */
  code: InvalidInputCode;
  /** The rule it breaks, in words for people (the wording may change between releases). */
  rule: string;
}

/** No response arrived (connection refused or reset, DNS, TLS, CORS). `cause` holds the platform's error. */
export class NetworkError extends UpvestError {
  name: 'NetworkError';
  /** @internal */
  constructor(message: string, fields?: NetworkErrorFields);
  /** The platform's code for the failure, when it gives one: `ECONNREFUSED`, `ECONNRESET`,
   * `ENOTFOUND`, a TLS code such as `DEPTH_ZERO_SELF_SIGNED_CERT` or
   * `ERR_TLS_CERT_ALTNAME_INVALID`, undici's `UND_ERR_SOCKET`. */
  code: string | undefined;
}

/** An attempt took longer than `timeoutMs`. */
export class TimeoutError extends UpvestError {
  name: 'TimeoutError';
  /** @internal */
  constructor(message: string, fields: TimeoutErrorFields);
  /** The limit that was exceeded. */
  timeoutMs: number;
}

/** The signer callback failed; `cause` holds what it threw. */
export class SignerError extends UpvestError {
  name: 'SignerError';
  /** @internal */
  constructor(message: string, fields?: SignerErrorFields);
}

/** A response that is not what the contract promises (bad JSON, wrong shape, wrong content type). */
export class ResponseError extends UpvestError {
  name: 'ResponseError';
  /** @internal */
  constructor(message: string, fields: ResponseErrorFields);
  /** How the response broke the contract, for code to branch on. */
  code: ResponseErrorCode;
  /** The HTTP status. */
  status: number;
  /** The `upvest-request-id` of the response. */
  requestId: string | undefined;
}

/** A webhook delivery refused: too large, bad bytes, bad JSON, an event of the wrong shape, a
 * `verify` hook that threw, or (as a `WebhookVerificationError`) a signature that does not check
 * out. The message names what is wrong, with its path (e.g. `payload[1].object.id`). Answer it
 * with a 4xx. */
export class WebhookError extends UpvestError {
  name: 'WebhookError' | 'WebhookVerificationError';
  /** @internal */
  constructor(message: string, fields: WebhookErrorFields);
  /** Which check refused it, for code to branch on. */
  code: WebhookErrorCode;
}

/** A webhook delivery whose signature does not check out; `code` says which check failed. Its
 * message holds no secret; `cause` holds what a failing key source threw. */
export class WebhookVerificationError extends WebhookError {
  name: 'WebhookVerificationError';
  /** @internal */
  constructor(message: string, fields: WebhookVerificationErrorFields);
  code: WebhookVerificationCode;
}
