// Generated from api/src (the upvest-api crate) by `UPVEST_BLESS=1 cargo test -p upvest-api`: do not edit.
// The seam's declarations (api/src/seam.rs), joined into the package's index.d.ts.

/**
 * Which kind of rule an input broke (`InvalidInputError.code`). Stable across releases: branch
 * on it, not on `rule`'s words.
 * - `required`: a required value is missing
 * - `type`: the wrong type: a string where a number belongs or the reverse, not an object, `null`
 * - `uuid`: not a canonical UUID (an `idempotencyKey`: not of version 0 to 5)
 * - `enum`: not one of the allowed values
 * - `range`: a number out of bounds, or not a whole number
 * - `format`: a string of the wrong shape (a URL, a token, nine digits)
 * - `unknown-field`: an object with a field the operation does not know (usually a typo); `field` is the
 *   object, the message names the stray field
 * - `conflict`: two values that exclude each other
 * - `unreadable`: a value that could not be read at all: a getter or a Proxy trap threw (what it threw is
 *   the `cause`)
 */
export type InvalidInputCode = 'required' | 'type' | 'uuid' | 'enum' | 'range' | 'format' | 'unknown-field' | 'conflict' | 'unreadable';

/**
 * How a response broke the contract (`ResponseError.code`). Stable across releases.
 * - `too-large`: its body grew past `maxResponseBytes` (the read stopped there)
 * - `content-type`: a success not announced as JSON
 * - `json`: announced as JSON, but not JSON (or nested deeper than 64 levels)
 * - `contract`: JSON of the wrong shape: a missing member, a wrong type, a malformed id
 * - `redirect`: a 3xx, which is not followed, so that credentials stay with the configured host
 * - `status`: a status the operation does not return
 * - `paging`: a page that does not continue an `iterate` loop (see [Paging](#paging))
 */
export type ResponseErrorCode = 'too-large' | 'content-type' | 'json' | 'contract' | 'redirect' | 'status' | 'paging';

/**
 * Why a webhook signature was refused (`WebhookVerificationError.code`). Stable across releases.
 * - `missing-signature`: no `signature` or no `signature-input` header
 * - `malformed-signature`: those headers are not well-formed `sig1` members: the component list, `keyid`,
 *   `created`, `expires`, an `alg` other than `ecdsa-p521-sha512`, a signature neither DER
 *   nor raw r‖s, a derived component other than `@method`, `@path`, `@query`
 * - `not-covered`: the signature does not cover `@method`, `@path`, `digest`, or `@query` on a URL with a query
 * - `missing-component`: it covers a header the request does not carry
 * - `created-in-future`: `created` is after now plus the clock skew
 * - `expired`: `expires` is before now minus the clock skew
 * - `validity-too-long`: `expires − created` is more than `maxValiditySeconds`
 * - `missing-digest`: no `digest` header
 * - `digest-mismatch`: `digest` does not match the body
 * - `unknown-key`: no P-521 key of the key source has the signature's `keyid`
 * - `key-source-failed`: the key source threw (its error is the `cause`), gave no JWKS, or gave a key that is
 *   not a P-521 public key: a failure on your side, answered 503 by a receiver
 * - `bad-signature`: the signature does not verify: the body, a covered header, the method, path or query
 *   were changed, or another key made it
 */
export type WebhookVerificationCode = 'missing-signature' | 'malformed-signature' | 'not-covered' | 'missing-component' | 'created-in-future' | 'expired' | 'validity-too-long' | 'missing-digest' | 'digest-mismatch' | 'unknown-key' | 'key-source-failed' | 'bad-signature';

/**
 * Why a webhook delivery was refused (`WebhookError.code`). Stable across releases. A refused
 * signature has a `WebhookVerificationCode` (the error is then a `WebhookVerificationError`).
 * - `too-large`: the body is larger than `maxBodyBytes`
 * - `encoding`: the body is not UTF-8 (or not a string, `Uint8Array` or `ArrayBuffer`)
 * - `json`: the body is not JSON
 * - `shape`: the events are not what Upvest sends; the message names the path
 * - `verify-failed`: a `verify` of your own threw something other than an `UpvestError` (what it threw is
 *   the `cause`)
 * - a `WebhookVerificationCode`.
 */
export type WebhookErrorCode = 'too-large' | 'encoding' | 'json' | 'shape' | 'verify-failed' | WebhookVerificationCode;

/** @internal What a `UpvestError` is made from. */
export interface UpvestErrorFields {
  cause?: unknown;
}

/** @internal What a `ProblemError` is made from. */
export interface ProblemErrorFields {
  status: number;
  type: string;
  title?: string | undefined;
  detail?: string | undefined;
  instance?: string | undefined;
  requestId?: string | undefined;
  problem?: Record<string, unknown> | undefined;
}

/** @internal What a `InvalidInputError` is made from. */
export interface InvalidInputErrorFields {
  field: string;
  code: InvalidInputCode;
  rule: string;
  cause?: unknown;
}

/** @internal What a `NetworkError` is made from. */
export interface NetworkErrorFields {
  cause?: unknown;
}

/** @internal What a `TimeoutError` is made from. */
export interface TimeoutErrorFields {
  timeoutMs: number;
}

/** @internal What a `SignerError` is made from. */
export interface SignerErrorFields {
  cause?: unknown;
}

/** @internal What a `ResponseError` is made from. */
export interface ResponseErrorFields {
  code: ResponseErrorCode;
  status: number;
  requestId?: string | undefined;
}

/** @internal What a `WebhookError` is made from. */
export interface WebhookErrorFields {
  code: WebhookErrorCode;
  cause?: unknown;
}

/** @internal What a `WebhookVerificationError` is made from. */
export interface WebhookVerificationErrorFields {
  code: WebhookVerificationCode;
  cause?: unknown;
}

/** The client's retries and time limits, each a whole number. */
export interface ClientLimitOptions {
  /**
   * Retries after the first attempt.
   * From 0 to 10; default 2.
   */
  maxRetries?: number | undefined;
  /**
   * Backoff base: retry n waits a random time up to `retryBaseDelayMs × 2ⁿ`.
   * From 0 to 60,000 ms; default 500 ms.
   */
  retryBaseDelayMs?: number | undefined;
  /**
   * The longest wait before a retry, for backoff and for `Retry-After`.
   * From 0 to 300,000 ms; default 20,000 ms.
   */
  maxRetryDelayMs?: number | undefined;
  /**
   * The time limit of one attempt.
   * From 1 to 600,000 ms; default 30,000 ms.
   */
  timeoutMs?: number | undefined;
  /**
   * The time limit of a whole call, retries and waits included. A wait that would end past it
   * is not begun (the call fails with its last error), and the last attempt gets only what is
   * left (a `TimeoutError` with that `timeoutMs`).
   * From 1 to 3,600,000 ms; none by default.
   */
  deadlineMs?: number | undefined;
  /**
   * The most a response body may hold, after decompression. The body is read as a stream and
   * the read stops, and the connection is cancelled, as soon as it passes this: a
   * `ResponseError` with `code: 'too-large'`.
   * From 1 KiB to 1 GiB; default 16 MiB.
   */
  maxResponseBytes?: number | undefined;
}

/** A call's own retries and time limits, each a whole number; the client's apply where it sets none. */
export interface CallLimitOptions {
  /**
   * The time limit of this whole call, retries and waits included; overrides the client's
   * `deadlineMs`. Each attempt still has `timeoutMs`, cut to what is left.
   * From 1 to 3,600,000 ms.
   */
  deadlineMs?: number | undefined;
  /**
   * The time limit of each attempt of this call; overrides the client's.
   * From 1 to 600,000 ms.
   */
  timeoutMs?: number | undefined;
  /**
   * Retries after the first attempt of this call; overrides the client's.
   * From 0 to 10.
   */
  maxRetries?: number | undefined;
}
