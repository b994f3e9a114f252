//! What crosses the seam between the Rust core and the JavaScript glue, described once: the
//! verdicts `CallCore.judge` answers, the error classes with their fields and their codes, and
//! the client's and a call's options with their defaults and ranges. The core reads them from
//! here; `seam_js` generates from them the JavaScript constants (`js/seam.js`), the declarations
//! of the codes and the options (`js/seam-types.d.ts`) and the README's tables of codes.

/// Declares a set of error codes: an enum whose variants' docs and spellings are what users read
/// (the declarations' comments and the README's tables are generated from them). A code may carry
/// an example (`=> "…"`), shown in the README's table.
macro_rules! code_set {
    (
        $(#[doc = $doc:literal])*
        $name:ident, declared as $ts:literal $(with $also:literal)?, listed as $export:literal {
            $($(#[doc = $vdoc:literal])+ $variant:ident = $code:literal $(=> $example:literal)?),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[doc = $vdoc])+ $variant),+
        }

        impl $name {
            /// Every code, in the declared order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The set as its declarations describe it.
            pub const SET: CodeSet = CodeSet {
                name: $ts,
                export: $export,
                doc: &[$($doc),*],
                also: code_set!(@also $($also)?),
                codes: &[$(Code { code: $code, doc: &[$($vdoc),+], example: code_set!(@example $($example)?) }),+],
            };

            /// The code as JavaScript sees it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }
        }
    };
    (@also) => { None };
    (@also $also:literal) => { Some($also) };
    (@example) => { None };
    (@example $example:literal) => { Some($example) };
}

/// A set of error codes, for the generator.
pub struct CodeSet {
    /// The TypeScript union's name.
    pub name: &'static str,
    /// The JavaScript list's name.
    pub export: &'static str,
    pub doc: &'static [&'static str],
    /// Another union this one includes.
    pub also: Option<&'static str>,
    pub codes: &'static [Code],
}

/// One code of a set.
pub struct Code {
    pub code: &'static str,
    pub doc: &'static [&'static str],
    /// A call that fails with it, and the `field` it names.
    pub example: Option<&'static str>,
}

/// What `CallCore.judge` and `judgeFailure` answer, as a number the driver switches on (the
/// number is the variant's position; what each means is its `doc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Verdict {
    DoneWithBody,
    DoneEmpty,
    Retry,
    RefreshToken,
    Fail,
}

impl Verdict {
    /// Every verdict, in the order of their numbers.
    pub const ALL: &'static [Verdict] = &[Verdict::DoneWithBody, Verdict::DoneEmpty, Verdict::Retry, Verdict::RefreshToken, Verdict::Fail];

    /// The number that crosses the boundary.
    pub const fn number(self) -> u32 {
        self as u32
    }

    /// The JavaScript constant's name.
    pub const fn js_name(self) -> &'static str {
        match self {
            Verdict::DoneWithBody => "DONE_WITH_BODY",
            Verdict::DoneEmpty => "DONE_EMPTY",
            Verdict::Retry => "RETRY",
            Verdict::RefreshToken => "REFRESH_TOKEN",
            Verdict::Fail => "FAIL",
        }
    }

    /// What the verdict means (the generated constant's comment).
    pub const fn doc(self) -> &'static str {
        match self {
            Verdict::DoneWithBody => "Done: the body is the result.",
            Verdict::DoneEmpty => "Done without a body (a 202): the result is the response's status and request id.",
            Verdict::Retry => "Wait `waitMs`, then try again.",
            Verdict::RefreshToken => "Forget the token and try again with a fresh one.",
            Verdict::Fail => "Failed: `error` gives the error.",
        }
    }
}

code_set! {
    /// Which kind of rule an input broke (`InvalidInputError.code`). Stable across releases: branch
    /// on it, not on `rule`'s words.
    InputCode, declared as "InvalidInputCode", listed as "INVALID_INPUT_CODES" {
        /// a required value is missing
        Required = "required" => "`create({ user_id })` → `type`",
        /// the wrong type: a string where a number belongs or the reverse, not an object, `null`
        Type = "type" => "`list({ offset: '10' })` → `offset`",
        /// not a canonical UUID (an `idempotencyKey`: not of version 0 to 5)
        Uuid = "uuid" => "`get('../users')` → `accountGroupId`",
        /// not one of the allowed values
        Enum = "enum" => "`create({ user_id, type: 'personal' })` → `type`",
        /// a number out of bounds, or not a whole number
        Range = "range" => "`list({ limit: 1001 })` → `limit`",
        /// a string of the wrong shape (a URL, a token, nine digits)
        Format = "format" => "`{ securities_account_number: '12345' }` → `securities_account_number`",
        /// an object with a field the operation does not know (usually a typo); `field` is the
        /// object, the message names the stray field
        UnknownField = "unknown-field" => "`list({ pageSize: 10 })` → `query`",
        /// two values that exclude each other
        Conflict = "conflict" => "`new AccountGroups({ clientId, accessToken, tokenProvider })` → `accessToken`",
        // Given by the JavaScript glue, which runs the caller's getters; the core reads plain data.
        /// a value that could not be read at all: a getter or a Proxy trap threw (what it threw is
        /// the `cause`)
        Unreadable = "unreadable" => "`list({ get limit() { throw new Error('x'); } })` → `limit`",
    }
}

code_set! {
    /// How a response broke the contract (`ResponseError.code`). Stable across releases.
    ResponseCode, declared as "ResponseErrorCode", listed as "RESPONSE_ERROR_CODES" {
        /// its body grew past `maxResponseBytes` (the read stopped there)
        TooLarge = "too-large",
        /// a success not announced as JSON
        ContentType = "content-type",
        /// announced as JSON, but not JSON (or nested deeper than 64 levels)
        Json = "json",
        /// JSON of the wrong shape: a missing member, a wrong type, a malformed id
        Contract = "contract",
        /// a 3xx, which is not followed, so that credentials stay with the configured host
        Redirect = "redirect",
        /// a status the operation does not return
        Status = "status",
        /// a page that does not continue an `iterate` loop (see [Paging](#paging))
        Paging = "paging",
    }
}

code_set! {
    /// Why a webhook signature was refused (`WebhookVerificationError.code`). Stable across releases.
    WebhookVerificationCode, declared as "WebhookVerificationCode", listed as "WEBHOOK_VERIFICATION_CODES" {
        /// no `signature` or no `signature-input` header
        MissingSignature = "missing-signature",
        /// those headers are not well-formed `sig1` members: the component list, `keyid`,
        /// `created`, `expires`, an `alg` other than `ecdsa-p521-sha512`, a signature neither DER
        /// nor raw r‖s, a derived component other than `@method`, `@path`, `@query`
        MalformedSignature = "malformed-signature",
        /// the signature does not cover `@method`, `@path`, `digest`, or `@query` on a URL with a query
        NotCovered = "not-covered",
        /// it covers a header the request does not carry
        MissingComponent = "missing-component",
        /// `created` is after now plus the clock skew
        CreatedInFuture = "created-in-future",
        /// `expires` is before now minus the clock skew
        Expired = "expired",
        /// `expires − created` is more than `maxValiditySeconds`
        ValidityTooLong = "validity-too-long",
        /// no `digest` header
        MissingDigest = "missing-digest",
        /// `digest` does not match the body
        DigestMismatch = "digest-mismatch",
        /// no P-521 key of the key source has the signature's `keyid`
        UnknownKey = "unknown-key",
        /// the key source threw (its error is the `cause`), gave no JWKS, or gave a key that is
        /// not a P-521 public key: a failure on your side, answered 503 by a receiver
        KeySourceFailed = "key-source-failed",
        /// the signature does not verify: the body, a covered header, the method, path or query
        /// were changed, or another key made it
        BadSignature = "bad-signature",
    }
}

code_set! {
    /// Why a webhook delivery was refused (`WebhookError.code`). Stable across releases. A refused
    /// signature has a `WebhookVerificationCode` (the error is then a `WebhookVerificationError`).
    WebhookCode, declared as "WebhookErrorCode" with "WebhookVerificationCode", listed as "WEBHOOK_ERROR_CODES" {
        /// the body is larger than `maxBodyBytes`
        TooLarge = "too-large",
        /// the body is not UTF-8 (or not a string, `Uint8Array` or `ArrayBuffer`)
        Encoding = "encoding",
        /// the body is not JSON
        Json = "json",
        /// the events are not what Upvest sends; the message names the path
        Shape = "shape",
        /// a `verify` of your own threw something other than an `UpvestError` (what it threw is
        /// the `cause`)
        VerifyFailed = "verify-failed",
    }
}

/// One member of the fields object an error class is made from (the wasm gives it, through
/// `createError` in `js/errors.js`; the glue gives it to the constructors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorField {
    pub name: &'static str,
    /// Its TypeScript type.
    pub ts_type: &'static str,
    /// Whether it may be left out (an absent value is `undefined`).
    pub optional: bool,
}

impl ErrorField {
    const fn required(name: &'static str, ts_type: &'static str) -> ErrorField {
        ErrorField { name, ts_type, optional: false }
    }

    const fn optional(name: &'static str, ts_type: &'static str) -> ErrorField {
        ErrorField { name, ts_type, optional: true }
    }
}

/// The error fields, by name.
pub mod field {
    use super::{ErrorField, InputCode, ResponseCode, WebhookCode, WebhookVerificationCode};

    pub const STATUS: ErrorField = ErrorField::required("status", "number");
    pub const TYPE: ErrorField = ErrorField::required("type", "string");
    pub const TITLE: ErrorField = ErrorField::optional("title", "string");
    pub const DETAIL: ErrorField = ErrorField::optional("detail", "string");
    pub const INSTANCE: ErrorField = ErrorField::optional("instance", "string");
    pub const REQUEST_ID: ErrorField = ErrorField::optional("requestId", "string");
    pub const PROBLEM: ErrorField = ErrorField::optional("problem", "Record<string, unknown>");
    pub const FIELD: ErrorField = ErrorField::required("field", "string");
    pub const INPUT_CODE: ErrorField = ErrorField::required("code", InputCode::SET.name);
    pub const RULE: ErrorField = ErrorField::required("rule", "string");
    pub const RESPONSE_CODE: ErrorField = ErrorField::required("code", ResponseCode::SET.name);
    pub const TIMEOUT_MS: ErrorField = ErrorField::required("timeoutMs", "number");
    pub const WEBHOOK_CODE: ErrorField = ErrorField::required("code", WebhookCode::SET.name);
    pub const VERIFICATION_CODE: ErrorField = ErrorField::required("code", WebhookVerificationCode::SET.name);
    /// What a callee threw or rejected with.
    pub const CAUSE: ErrorField = ErrorField::optional("cause", "unknown");
}

/// The error classes of `js/errors.js`: every failure a caller sees is one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    Upvest,
    Problem,
    InvalidInput,
    Network,
    Timeout,
    Signer,
    Response,
    Webhook,
    WebhookVerification,
}

impl ErrorClass {
    /// Every class, the base first.
    pub const ALL: &'static [ErrorClass] = &[
        ErrorClass::Upvest,
        ErrorClass::Problem,
        ErrorClass::InvalidInput,
        ErrorClass::Network,
        ErrorClass::Timeout,
        ErrorClass::Signer,
        ErrorClass::Response,
        ErrorClass::Webhook,
        ErrorClass::WebhookVerification,
    ];

    /// The class's name, which its instances carry as `name`.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorClass::Upvest => "UpvestError",
            ErrorClass::Problem => "ProblemError",
            ErrorClass::InvalidInput => "InvalidInputError",
            ErrorClass::Network => "NetworkError",
            ErrorClass::Timeout => "TimeoutError",
            ErrorClass::Signer => "SignerError",
            ErrorClass::Response => "ResponseError",
            ErrorClass::Webhook => "WebhookError",
            ErrorClass::WebhookVerification => "WebhookVerificationError",
        }
    }

    /// What its constructor is given (the base class takes `{ cause }` as `Error` does).
    pub const fn fields(self) -> &'static [ErrorField] {
        use field::*;
        match self {
            ErrorClass::Upvest => &[CAUSE],
            ErrorClass::Problem => &[STATUS, TYPE, TITLE, DETAIL, INSTANCE, REQUEST_ID, PROBLEM],
            ErrorClass::InvalidInput => &[FIELD, INPUT_CODE, RULE, CAUSE],
            ErrorClass::Network | ErrorClass::Signer => &[CAUSE],
            ErrorClass::Timeout => &[TIMEOUT_MS],
            ErrorClass::Response => &[RESPONSE_CODE, STATUS, REQUEST_ID],
            ErrorClass::Webhook => &[WEBHOOK_CODE, CAUSE],
            ErrorClass::WebhookVerification => &[VERIFICATION_CODE, CAUSE],
        }
    }

    /// Whether the wasm creates it (`createError`); the others are created in JavaScript only.
    pub const fn created_by_wasm(self) -> bool {
        !matches!(self, ErrorClass::Upvest | ErrorClass::WebhookVerification)
    }
}

/// A whole-number option: its name, bounds and default, and what it does, as the declarations
/// document it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntegerOption {
    pub name: &'static str,
    pub min: u32,
    pub max: u32,
    /// `None`: unset unless given.
    pub default: Option<u32>,
    /// What a value counts, for the docs: `ms`, `bytes`, or nothing.
    pub unit: &'static str,
    /// As a client option.
    pub doc: &'static [&'static str],
    /// As a call's option, overriding its client's, when a call takes it.
    pub call_doc: Option<&'static [&'static str]>,
}

/// What the core checks of an integer option: its name and bounds (its docs stay out of the wasm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub name: &'static str,
    pub min: u32,
    pub max: u32,
}

impl IntegerOption {
    /// Its name and bounds.
    pub const fn bounds(&self) -> Bounds {
        Bounds { name: self.name, min: self.min, max: self.max }
    }

    /// The default, read where the option has one (in a const, so a mistake fails the build).
    pub const fn default_value(&self) -> u32 {
        match self.default {
            Some(value) => value,
            None => panic!("this option has no default"),
        }
    }
}

/// Retries after the first attempt.
pub const MAX_RETRIES: IntegerOption = IntegerOption {
    name: "maxRetries",
    min: 0,
    max: 10,
    default: Some(2),
    unit: "",
    doc: &["Retries after the first attempt."],
    call_doc: Some(&["Retries after the first attempt of this call; overrides the client's."]),
};

/// The backoff's base.
pub const RETRY_BASE_DELAY_MS: IntegerOption = IntegerOption {
    name: "retryBaseDelayMs",
    min: 0,
    max: 60_000,
    default: Some(500),
    unit: "ms",
    doc: &["Backoff base: retry n waits a random time up to `retryBaseDelayMs × 2ⁿ`."],
    call_doc: None,
};

/// The longest wait before a retry.
pub const MAX_RETRY_DELAY_MS: IntegerOption = IntegerOption {
    name: "maxRetryDelayMs",
    min: 0,
    max: 300_000,
    default: Some(20_000),
    unit: "ms",
    doc: &["The longest wait before a retry, for backoff and for `Retry-After`."],
    call_doc: None,
};

/// The time limit of one attempt.
pub const TIMEOUT_MS: IntegerOption = IntegerOption {
    name: "timeoutMs",
    min: 1,
    max: 600_000,
    default: Some(30_000),
    unit: "ms",
    doc: &["The time limit of one attempt."],
    call_doc: Some(&["The time limit of each attempt of this call; overrides the client's."]),
};

/// The time limit of a whole call.
pub const DEADLINE_MS: IntegerOption = IntegerOption {
    name: "deadlineMs",
    min: 1,
    max: 3_600_000,
    default: None,
    unit: "ms",
    doc: &[
        "The time limit of a whole call, retries and waits included. A wait that would end past it",
        "is not begun (the call fails with its last error), and the last attempt gets only what is",
        "left (a `TimeoutError` with that `timeoutMs`).",
    ],
    call_doc: Some(&[
        "The time limit of this whole call, retries and waits included; overrides the client's",
        "`deadlineMs`. Each attempt still has `timeoutMs`, cut to what is left.",
    ]),
};

/// The most a response body may hold.
pub const MAX_RESPONSE_BYTES: IntegerOption = IntegerOption {
    name: "maxResponseBytes",
    min: 1024,
    max: 1 << 30,
    default: Some(16 * 1024 * 1024),
    unit: "bytes",
    doc: &[
        "The most a response body may hold, after decompression. The body is read as a stream and",
        "the read stops, and the connection is cancelled, as soon as it passes this: a",
        "`ResponseError` with `code: 'too-large'`.",
    ],
    call_doc: None,
};

/// The retry and time-limit options, in the order the declarations list them.
pub const LIMIT_OPTIONS: &[IntegerOption] =
    &[MAX_RETRIES, RETRY_BASE_DELAY_MS, MAX_RETRY_DELAY_MS, TIMEOUT_MS, DEADLINE_MS, MAX_RESPONSE_BYTES];

/// Who reads an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptBy {
    /// The core, which checks it (as plain data).
    Core,
    /// The JavaScript driver, as a function of the caller's; the core sees only that it was given.
    DriverFunction,
    /// The JavaScript driver, as an object used as it is (a logger, a tracer, an agent); the core
    /// sees only that it was given.
    DriverObject,
}

/// An option of an options object, and who reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionName {
    pub name: &'static str,
    pub kept_by: KeptBy,
    /// Whether `clientCredentials` takes it too (the transport's options).
    pub transport: bool,
}

const fn core(name: &'static str) -> OptionName {
    OptionName { name, kept_by: KeptBy::Core, transport: false }
}

const fn limit(option: IntegerOption) -> OptionName {
    core(option.name)
}

const fn transport(name: &'static str, kept_by: KeptBy) -> OptionName {
    OptionName { name, kept_by, transport: true }
}

/// The constructor's options, in the order messages list them.
pub const CLIENT_OPTIONS: &[OptionName] = &[
    core("baseUrl"),
    core("clientId"),
    core("accessToken"),
    OptionName { name: "tokenProvider", kept_by: KeptBy::DriverFunction, transport: false },
    core("apiVersion"),
    transport("fetch", KeptBy::DriverFunction),
    transport("signer", KeptBy::DriverFunction),
    transport("onRequest", KeptBy::DriverFunction),
    transport("onResponse", KeptBy::DriverFunction),
    limit(MAX_RETRIES),
    limit(RETRY_BASE_DELAY_MS),
    limit(MAX_RETRY_DELAY_MS),
    limit(TIMEOUT_MS),
    limit(DEADLINE_MS),
    limit(MAX_RESPONSE_BYTES),
    // Read by the glue (js/user-agent.js); listed for the core's typo check.
    core("userAgent"),
    transport("logger", KeptBy::DriverObject),
    transport("tracer", KeptBy::DriverObject),
    transport("agent", KeptBy::DriverObject),
];

/// Every call's options, in the order messages list them (`signal` and `headers` are read by the
/// driver; the limits override the client's).
pub const CALL_OPTIONS: &[OptionName] = &[
    OptionName { name: "signal", kept_by: KeptBy::DriverObject, transport: false },
    limit(DEADLINE_MS),
    limit(TIMEOUT_MS),
    limit(MAX_RETRIES),
    OptionName { name: "headers", kept_by: KeptBy::DriverObject, transport: false },
];

/// What `create` takes besides every call's options.
pub const CREATE_ONLY_OPTIONS: &[OptionName] = &[core("idempotencyKey")];

/// The names of options, as a const array (the core's typo checks take a slice of names).
pub const fn names<const N: usize>(lists: &[&[OptionName]]) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut list, mut at) = (0, 0);
    while list < lists.len() {
        let mut i = 0;
        while i < lists[list].len() {
            out[at] = lists[list][i].name;
            (i, at) = (i + 1, at + 1);
        }
        list += 1;
    }
    assert!(at == N, "names: N must be the number of names");
    out
}

/// Every name the constructor takes.
pub const CLIENT_OPTION_NAMES: [&str; CLIENT_OPTIONS.len()] = names(&[CLIENT_OPTIONS]);
/// Every name a call takes.
pub const CALL_OPTION_NAMES: [&str; CALL_OPTIONS.len()] = names(&[CALL_OPTIONS]);
/// Every name `create` takes.
pub const CREATE_OPTION_NAMES: [&str; CALL_OPTIONS.len() + CREATE_ONLY_OPTIONS.len()] = names(&[CALL_OPTIONS, CREATE_ONLY_OPTIONS]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_numbers_are_their_positions() {
        for (i, verdict) in Verdict::ALL.iter().enumerate() {
            assert_eq!(verdict.number() as usize, i);
        }
    }

    #[test]
    fn every_limit_is_a_client_option_and_its_default_is_in_range() {
        for option in LIMIT_OPTIONS {
            assert!(CLIENT_OPTION_NAMES.contains(&option.name), "{}", option.name);
            assert_eq!(CALL_OPTION_NAMES.contains(&option.name), option.call_doc.is_some(), "{}", option.name);
            assert!(option.min <= option.max);
            assert!(option.default.is_none_or(|d| (option.min..=option.max).contains(&d)), "{}", option.name);
        }
        assert_eq!(CREATE_OPTION_NAMES, ["signal", "deadlineMs", "timeoutMs", "maxRetries", "headers", "idempotencyKey"]);
    }

    #[test]
    fn codes_are_unique_in_their_set() {
        for set in [InputCode::SET, ResponseCode::SET, WebhookVerificationCode::SET, WebhookCode::SET] {
            for (i, code) in set.codes.iter().enumerate() {
                assert!(set.codes[..i].iter().all(|c| c.code != code.code), "{}: {}", set.name, code.code);
            }
        }
        let webhook: Vec<&str> = WebhookCode::SET.codes.iter().chain(WebhookVerificationCode::SET.codes).map(|c| c.code).collect();
        for (i, code) in webhook.iter().enumerate() {
            assert!(!webhook[..i].contains(code), "WebhookErrorCode: {code} twice");
        }
        assert_eq!(InputCode::Unreadable.as_str(), "unreadable");
    }
}
