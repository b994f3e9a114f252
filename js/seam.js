// @ts-check
// Generated from api/src (the upvest-api crate) by `UPVEST_BLESS=1 cargo test -p upvest-api`: do not edit.
// The seam between the wasm core and the JavaScript glue (api/src/seam.rs).

// What `CallCore.judge` and `judgeFailure` answer.
/** Done: the body is the result. */
export const DONE_WITH_BODY = 0;
/** Done without a body (a 202): the result is the response's status and request id. */
export const DONE_EMPTY = 1;
/** Wait `waitMs`, then try again. */
export const RETRY = 2;
/** Forget the token and try again with a fresh one. */
export const REFRESH_TOKEN = 3;
/** Failed: `error` gives the error. */
export const FAIL = 4;
/** @typedef {typeof DONE_WITH_BODY | typeof DONE_EMPTY | typeof RETRY | typeof REFRESH_TOKEN | typeof FAIL} Verdict */

/** Every code of `InvalidInputCode`, in the declared order. */
export const INVALID_INPUT_CODES = Object.freeze(/** @type {const} */ (['required', 'type', 'uuid', 'enum', 'range', 'format', 'unknown-field', 'conflict', 'unreadable']));

/** Every code of `ResponseErrorCode`, in the declared order. */
export const RESPONSE_ERROR_CODES = Object.freeze(/** @type {const} */ (['too-large', 'content-type', 'json', 'contract', 'redirect', 'status', 'paging']));

/** Every code of `WebhookVerificationCode`, in the declared order. */
export const WEBHOOK_VERIFICATION_CODES = Object.freeze(/** @type {const} */ (['missing-signature', 'malformed-signature', 'not-covered', 'missing-component', 'created-in-future', 'expired', 'validity-too-long', 'missing-digest', 'digest-mismatch', 'unknown-key', 'key-source-failed', 'bad-signature']));

/** Every code of `WebhookErrorCode`, in the declared order. */
export const WEBHOOK_ERROR_CODES = Object.freeze(/** @type {const} */ (['too-large', 'encoding', 'json', 'shape', 'verify-failed']));

/** The error classes the wasm creates through `createError` (js/errors.js), by name. */
export const WASM_ERROR_CLASSES = Object.freeze(/** @type {const} */ (['ProblemError', 'InvalidInputError', 'NetworkError', 'TimeoutError', 'SignerError', 'ResponseError', 'WebhookError']));

/** What each error class is made from: the members of its fields object. */
export const ERROR_FIELDS = Object.freeze({
  UpvestError: Object.freeze(/** @type {const} */ (['cause'])),
  ProblemError: Object.freeze(/** @type {const} */ (['status', 'type', 'title', 'detail', 'instance', 'requestId', 'problem'])),
  InvalidInputError: Object.freeze(/** @type {const} */ (['field', 'code', 'rule', 'cause'])),
  NetworkError: Object.freeze(/** @type {const} */ (['cause'])),
  TimeoutError: Object.freeze(/** @type {const} */ (['timeoutMs'])),
  SignerError: Object.freeze(/** @type {const} */ (['cause'])),
  ResponseError: Object.freeze(/** @type {const} */ (['code', 'status', 'requestId'])),
  WebhookError: Object.freeze(/** @type {const} */ (['code', 'cause'])),
  WebhookVerificationError: Object.freeze(/** @type {const} */ (['code', 'cause'])),
});

/** Options of the client and of `clientCredentials` that are the caller's functions: the driver calls them; the core sees only that each was given. */
export const TRANSPORT_FUNCTION_OPTIONS = Object.freeze(/** @type {const} */ (['fetch', 'signer', 'onRequest', 'onResponse']));

/** Options of the client and of `clientCredentials` the driver uses as they are (not copied): the core sees only that each was given. */
export const TRANSPORT_OBJECT_OPTIONS = Object.freeze(/** @type {const} */ (['logger', 'tracer', 'agent']));

/** The client's own options that are the caller's functions. */
export const CLIENT_FUNCTION_OPTIONS = Object.freeze(/** @type {const} */ (['tokenProvider']));

/** Every option of the client, in the order messages list them. */
export const CLIENT_OPTION_NAMES = Object.freeze(/** @type {const} */ (['baseUrl', 'clientId', 'accessToken', 'tokenProvider', 'apiVersion', 'fetch', 'signer', 'onRequest', 'onResponse', 'maxRetries', 'retryBaseDelayMs', 'maxRetryDelayMs', 'timeoutMs', 'deadlineMs', 'maxResponseBytes', 'userAgent', 'logger', 'tracer', 'agent']));

/** Every option of a call, in the order messages list them. */
export const CALL_OPTION_NAMES = Object.freeze(/** @type {const} */ (['signal', 'deadlineMs', 'timeoutMs', 'maxRetries', 'headers']));

/** Every option of `create`, in the order messages list them. */
export const CREATE_OPTION_NAMES = Object.freeze(/** @type {const} */ (['signal', 'deadlineMs', 'timeoutMs', 'maxRetries', 'headers', 'idempotencyKey']));
