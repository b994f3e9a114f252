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
  constructor(
    message: string,
    fields: {
      status: number;
      type: string;
      title?: string | undefined;
      detail?: string | undefined;
      instance?: string | undefined;
      requestId?: string | undefined;
      problem?: Record<string, unknown> | undefined;
    },
  );
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
 *   `user_id` on a `BUSINESS` group);
 * - `unreadable`: the value could not be read at all: a getter or a Proxy trap threw (what it
 *   threw is the error's `cause`).
 */
export type InvalidInputCode = 'required' | 'type' | 'uuid' | 'enum' | 'range' | 'format' | 'unknown-field' | 'conflict' | 'unreadable';

/** Input broke a rule; nothing was sent. */
export class InvalidInputError extends UpvestError {
  name: 'InvalidInputError';
  /** @internal */
  constructor(message: string, fields: { field: string; code: InvalidInputCode; rule: string; cause?: unknown });
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
  constructor(message: string, fields?: { cause?: unknown });
  /** The platform's code for the failure, when it gives one: `ECONNREFUSED`, `ECONNRESET`,
   * `ENOTFOUND`, a TLS code such as `DEPTH_ZERO_SELF_SIGNED_CERT` or
   * `ERR_TLS_CERT_ALTNAME_INVALID`, undici's `UND_ERR_SOCKET`. */
  code: string | undefined;
}

/** An attempt took longer than `timeoutMs`. */
export class TimeoutError extends UpvestError {
  name: 'TimeoutError';
  /** @internal */
  constructor(message: string, fields: { timeoutMs: number });
  /** The limit that was exceeded. */
  timeoutMs: number;
}

/** The signer callback failed; `cause` holds what it threw. */
export class SignerError extends UpvestError {
  name: 'SignerError';
  /** @internal */
  constructor(message: string, fields?: { cause?: unknown });
}

/**
 * How a response broke the contract (`ResponseError.code`). Stable across releases.
 * - `too-large`: the body grew past `maxResponseBytes` (it was cut off as it arrived);
 * - `content-type`: a success not announced as JSON;
 * - `json`: a body announced as JSON that is not (or is nested deeper than 64 levels);
 * - `contract`: JSON of the wrong shape (a missing member, a wrong type, a malformed id);
 * - `redirect`: a 3xx, which is not followed, so that credentials stay with the configured host;
 * - `status`: a status the operation does not return;
 * - `paging`: a page that does not continue an `iterate` (another `meta.offset`, an empty page
 *   before `total_count`, more pages than the first `total_count` allows).
 */
export type ResponseErrorCode = 'too-large' | 'content-type' | 'json' | 'contract' | 'redirect' | 'status' | 'paging';

/** A response that is not what the contract promises (bad JSON, wrong shape, wrong content type). */
export class ResponseError extends UpvestError {
  name: 'ResponseError';
  /** @internal */
  constructor(message: string, fields: { code: ResponseErrorCode; status: number; requestId?: string | undefined });
  /** How the response broke the contract, for code to branch on. */
  code: ResponseErrorCode;
  /** The HTTP status. */
  status: number;
  /** The `upvest-request-id` of the response. */
  requestId: string | undefined;
}

/**
 * Why a webhook signature was refused (`WebhookVerificationError.code`). Stable across releases.
 * - `missing-signature`: no `signature` or no `signature-input` header;
 * - `malformed-signature`: those headers are not well-formed `sig1` members (component list,
 *   `keyid`, `created`, `expires`, an `alg` other than `ecdsa-p521-sha512`, a signature that is
 *   neither DER nor raw r‖s), or they cover a derived component other than `@method`, `@path`,
 *   `@query`;
 * - `not-covered`: the signature does not cover `@method`, `@path`, `digest`, or `@query` when
 *   the URL has a query;
 * - `missing-component`: it covers a header (or `@query`) the request does not carry;
 * - `created-in-future`: `created` is later than now plus the clock skew;
 * - `expired`: `expires` is earlier than now minus the clock skew;
 * - `validity-too-long`: `expires − created` is more than `maxValiditySeconds`;
 * - `missing-digest`: no `digest` header;
 * - `digest-mismatch`: `digest` is not `SHA-256=` and the base64 SHA-256 of the body;
 * - `unknown-key`: no P-521 key of the key source has the signature's `keyid` (after asking it
 *   again, at most once a minute);
 * - `key-source-failed`: the key source threw (its error is the `cause`), gave no JWKS, or gave an
 *   invalid key;
 * - `bad-signature`: the signature does not verify over the request.
 */
export type WebhookVerificationCode =
  | 'missing-signature'
  | 'malformed-signature'
  | 'not-covered'
  | 'missing-component'
  | 'created-in-future'
  | 'expired'
  | 'validity-too-long'
  | 'missing-digest'
  | 'digest-mismatch'
  | 'unknown-key'
  | 'key-source-failed'
  | 'bad-signature';

/**
 * Why a webhook delivery was refused (`WebhookError.code`). Stable across releases.
 * - `too-large`: the body is larger than `maxBodyBytes` (checked before anything else);
 * - `encoding`: the body is not UTF-8 (or not a string, `Uint8Array` or `ArrayBuffer` at all);
 * - `json`: the body is not JSON;
 * - `shape`: the JSON is not a delivery of events as Upvest sends them;
 * - a `WebhookVerificationCode`: its signature was refused (the error is then a
 *   `WebhookVerificationError`).
 */
export type WebhookErrorCode = 'too-large' | 'encoding' | 'json' | 'shape' | WebhookVerificationCode;

/** A webhook delivery refused: too large, bad bytes, bad JSON, an event of the wrong shape, or
 * (as a `WebhookVerificationError`) a signature that does not check out. The message names what
 * is wrong, with its path (e.g. `payload[1].object.id`). Answer it with a 4xx. */
export class WebhookError extends UpvestError {
  name: 'WebhookError' | 'WebhookVerificationError';
  /** @internal */
  constructor(message: string, fields: { code: WebhookErrorCode; cause?: unknown });
  /** Which check refused it, for code to branch on. */
  code: WebhookErrorCode;
}

/** A webhook delivery whose signature does not check out; `code` says which check failed. Its
 * message holds no secret; `cause` holds what a failing key source threw. */
export class WebhookVerificationError extends WebhookError {
  name: 'WebhookVerificationError';
  /** @internal */
  constructor(message: string, fields: { code: WebhookVerificationCode; cause?: unknown });
  code: WebhookVerificationCode;
}
