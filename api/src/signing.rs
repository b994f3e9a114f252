//! What Upvest requires of HTTP message signatures, stated once (the shared spec's "HTTP message
//! signatures, draft-15" and "Webhook signatures (v6)"): the label, the version header, the
//! components a request and a webhook delivery must cover, the signature parameters and the
//! algorithms. The client's signer, the webhook verifier and the mock's verifier and webhook
//! signer read it here; a mistake in it is caught by the tests that sign as Upvest's own signers
//! do (tests/node/signature-interop.test.mjs), which spell the rules out from the spec, not from
//! here.

/// The signature's label in `signature` and `signature-input`, for requests and webhooks.
pub const LABEL: &str = "sig1";

/// The parameters every signature carries (`keyid` a string, `created` and `expires` Unix
/// seconds, `nonce` a string), in the order of Upvest's docs; its signers order them differently.
pub const PARAMETERS: [&str; 4] = ["keyid", "created", "expires", "nonce"];

/// Parameters Upvest's own signers add at times: `alg` (the algorithm's name) and `tag`.
pub const OPTIONAL_PARAMETERS: [&str; 2] = ["alg", "tag"];

/// The derived components Upvest's signatures use: `@query` (with its `?`) only when the target
/// has a query. No `@request-target`, no `@authority`.
pub const DERIVED_COMPONENTS: [&str; 3] = ["@method", "@path", "@query"];

/// Ed25519, as the signer's `algorithm` option and an `alg` parameter name it.
pub const ED25519: &str = "ed25519";

/// ECDSA on P-521 with SHA-512 (RFC 6979), as the signer's `algorithm` option and an `alg`
/// parameter name it. Upvest's signers send it ASN.1 DER.
pub const ECDSA_P521_SHA512: &str = "ecdsa-p521-sha512";

/// When a request must cover a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covered {
    /// Always.
    Always,
    /// When the URL has a query (`@query`).
    WithQuery,
    /// When the request is authorized: every request but the token request (`authorization`).
    Authorized,
    /// When the request has a body (its `content-length`, `content-type`, `content-digest`).
    WithBody,
    /// When the header is sent (`idempotency-key`).
    WhenSent,
}

/// Requests to the API: draft-15 HTTP message signatures.
pub mod request {
    use super::Covered;

    /// The `upvest-signature-version` header value selecting draft-15 (without it, v6 applies).
    pub const VERSION: &str = "15";

    /// The components a request must cover, in Upvest's documented order, with when.
    pub const COMPONENTS: [(&str, Covered); 10] = [
        ("@method", Covered::Always),
        ("@path", Covered::Always),
        ("@query", Covered::WithQuery),
        ("accept", Covered::Always),
        ("authorization", Covered::Authorized),
        ("content-length", Covered::WithBody),
        ("content-type", Covered::WithBody),
        ("content-digest", Covered::WithBody),
        ("idempotency-key", Covered::WhenSent),
        ("upvest-client-id", Covered::Always),
    ];

    /// The algorithms a client may sign requests with.
    pub const ALGORITHMS: [&str; 2] = [super::ED25519, super::ECDSA_P521_SHA512];

    /// The `content-digest` algorithm: `sha-512=:<base64>:`.
    pub const DIGEST_ALGORITHM: &str = "sha-512";
}

/// Webhook deliveries Upvest sends: its v6 signatures (component names bare in the base).
pub mod webhook {
    /// What a delivery's signature must cover; `@query` too when the URL has a query. (Upvest's
    /// deliveries cover `content-type` and `content-length` as well, UNVERIFIED, so not required.)
    pub const COMPONENTS: [&str; 3] = ["@method", "@path", "digest"];

    /// The only algorithm Upvest signs webhooks with, as an `alg` parameter names it.
    pub const ALGORITHM: &str = super::ECDSA_P521_SHA512;

    /// The `digest` algorithm: `SHA-256=<base64>`.
    pub const DIGEST_ALGORITHM: &str = "SHA-256";
}

/// Lifetimes: Upvest states no clock-skew tolerance and no longest `expires` window
/// (UNVERIFIED); its examples sign for 5 to 60 seconds.
pub const EXAMPLE_LIFETIME_SECONDS: (u32, u32) = (5, 60);
