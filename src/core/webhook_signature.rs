//! The checks of a webhook delivery's signature, as Upvest signs webhooks (its v6 HTTP message
//! signatures; what it requires is `upvest_api::signing`): the `sig1` members of `signature` and
//! `signature-input` read and checked to be what Upvest sends, the coverage and the lifetime, the
//! `digest` header against the body's SHA-256, and the signature base. Each refusal carries the
//! code `WebhookVerificationError` has for it. The body never comes here, only its digest; the
//! key and the cryptography are the glue's (`js/webhook-verifier.js`, WebCrypto).

use super::ecdsa::{p521_der_to_raw, P521_SCALAR_BYTES};
use super::httpsig::{member_bytes, plain_names, push_line, Names};
use super::structured_field::{self, integer};
use super::text::{const_cat, split_ascii};
pub use upvest_api::seam::WebhookVerificationCode as Code;
use upvest_api::signing::{webhook, DERIVED_COMPONENTS, LABEL};

/// A refused delivery: the check, and why (no signature bytes in it). Its message is `reason`
/// followed by `subject` (a component's name, or empty): no text is formatted here, so that the
/// client's wasm carries little for refusals (the code says which check refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal<'a> {
    /// The check that refused it.
    pub code: Code,
    /// Why, in words.
    pub reason: &'static str,
    /// What it names, if anything: a component's name.
    pub subject: &'a str,
}

fn refuse<'a, T>(code: Code, reason: &'static str, subject: &'a str) -> Result<T, Refusal<'a>> {
    Err(Refusal { code, reason, subject })
}

fn malformed<'a, T>(reason: &'static str) -> Result<T, Refusal<'a>> {
    refuse(Code::MalformedSignature, reason, "")
}

/// A delivery as the glue read it.
pub struct Delivery<'a, F: Fn(&str) -> Option<&'a str>> {
    /// A component's value by its name: a header by its lowercase name (trimmed; one sent several
    /// times, its values joined by ", "), and `@method` (uppercase), `@path` and `@query` (with its
    /// `?`) as the glue derived them from the request (none when it has no method, no URL, no
    /// query).
    pub component: F,
    /// What is known of the body.
    pub body: Body<'a>,
}

/// What is known of a delivery's body (never the body itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// Not read yet: the `digest` header must be there; it is matched later.
    Unread,
    /// Not bytes (nor a string), so it has no digest.
    NotBytes,
    /// Its SHA-256 in base64 (as the `digest` header writes it; the glue encodes it).
    Sha256(&'a str),
}

/// What the glue needs to verify a delivery's signature with WebCrypto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification<'a> {
    /// The key's id in the JWKS, as `signature-input` writes it: a string item, quoted and
    /// escaped (the glue takes the quotes and escapes away).
    pub keyid: &'a str,
    /// Raw r ‖ s.
    pub signature: Vec<u8>,
    /// The signature base.
    pub base: String,
}

/// Every check but the cryptography, in order: the signature headers read, the coverage, the
/// lifetime, the digest, the components the base needs.
pub fn verify<'a>(
    delivery: &Delivery<'a, impl Fn(&str) -> Option<&'a str>>,
    now_seconds: f64,
    limits: Limits,
) -> Result<Verification<'a>, Refusal<'a>> {
    let component = &delivery.component;
    let signed = read(component("signature"), component("signature-input"))?;
    check_coverage(&signed, component("@query").is_some())?;
    check_lifetime(&signed, now_seconds, limits)?;
    check_digest(component("digest"), delivery.body)?;
    let base = base(&signed, component)?;
    Ok(Verification { keyid: signed.keyid, signature: signed.signature, base })
}

/// That the `digest` header is there, and lists the body's SHA-256 when it is known.
pub fn check_digest(field: Option<&str>, body: Body<'_>) -> Result<(), Refusal<'static>> {
    let Some(field) = field else {
        return refuse(Code::MissingDigest, "the request has no digest header", "");
    };
    match body {
        Body::Unread => Ok(()),
        Body::Sha256(sha256) if digest_matches(field, sha256) => Ok(()),
        Body::Sha256(_) => refuse(Code::DigestMismatch, "the digest header does not match the body (SHA-256)", ""),
        Body::NotBytes => {
            refuse(Code::DigestMismatch, "the raw body (a string, Uint8Array or ArrayBuffer) is needed to check the digest", "")
        }
    }
}

/// A delivery's `sig1` signature, as [`read`] checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    /// The covered components, in order (as written between the quotes).
    pub components: Vec<&'a str>,
    /// The key's id in the JWKS, as written: a string item, quoted and escaped.
    pub keyid: &'a str,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds.
    pub expires: i64,
    /// Raw r ‖ s, the form WebCrypto verifies.
    pub signature: Vec<u8>,
    /// The `sig1` member of `signature-input` as sent: the base's `@signature-params`.
    pub signature_params: &'a str,
}

/// How much a receiver's clock may differ from Upvest's, and the longest lifetime taken (the
/// verifier's `clockSkewSeconds` and `maxValiditySeconds`, checked by the glue).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// How far `created` may lie ahead and `expires` behind.
    pub clock_skew_seconds: f64,
    /// The longest `expires - created` taken.
    pub max_validity_seconds: f64,
}

/// The `sig1` members of the two signature headers, checked to be what Upvest sends: distinct
/// component names, a `keyid` string, `created` and `expires` times (`expires` not before
/// `created`), `alg` if any Upvest's, and an ECDSA P-521 signature, DER or raw r ‖ s.
pub fn read<'a>(signature: Option<&str>, input: Option<&'a str>) -> Result<Signed<'a>, Refusal<'a>> {
    let (Some(signature), Some(input)) = (signature, input) else {
        return refuse(Code::MissingSignature, "the request lacks the signature or signature-input header", "");
    };
    let (input, signature) = (structured_field::parse(input), structured_field::parse(signature));
    let (Some((member, parts)), Some((signature, signature_parts))) = (
        input.as_deref().and_then(|e| structured_field::member(e, LABEL)),
        signature.as_deref().and_then(|e| structured_field::member(e, LABEL)),
    ) else {
        return malformed(NO_MEMBER);
    };
    let parameter = |name| structured_field::member_parameter(parts, name);
    let (Some(components), Some(keyid), Some(created), Some(expires)) = (
        plain_names(parts).filter(|_| member.value.as_bytes().first() == Some(&b'(')),
        parameter("keyid").filter(|keyid| keyid.as_bytes().first() == Some(&b'"')),
        parameter("created").and_then(integer),
        parameter("expires").and_then(integer),
    ) else {
        return malformed(NOT_UPVESTS);
    };
    // An `alg` is a string item: a quoted name with no escapes is the only spelling of Upvest's.
    if expires < created || parameter("alg").is_some_and(|alg| alg != QUOTED_ALGORITHM) {
        return malformed(NOT_UPVESTS);
    }
    let bytes = member_bytes(signature, signature_parts);
    let Some(signature) =
        bytes.and_then(|bytes| p521_der_to_raw(&bytes).or_else(|| (bytes.len() == 2 * P521_SCALAR_BYTES).then_some(bytes)))
    else {
        return malformed("the signature must be an ECDSA P-521 signature, DER or raw r‖s, as a byte sequence");
    };
    Ok(Signed { components, keyid, created, expires, signature, signature_params: member.value })
}

/// The messages name the label and the algorithm as `upvest_api::signing` has them.
const NO_MEMBER: &str = const_cat!("signature and signature-input must be structured-field dictionaries with a ", LABEL, " member");
const NOT_UPVESTS: &str = const_cat!(
    LABEL,
    " in signature-input must be a list of distinct component names with a keyid string, created and expires times (expires not \
     before created) and no alg but ",
    webhook::ALGORITHM
);
const QUOTED_ALGORITHM: &str = const_cat!("\"", webhook::ALGORITHM, "\"");

/// That the signature covers what Upvest requires of a delivery (`@query` too when its URL has a
/// query); a refusal names the first component it lacks.
pub fn check_coverage(signed: &Signed<'_>, has_query: bool) -> Result<(), Refusal<'static>> {
    for name in webhook::COMPONENTS.iter().chain(has_query.then_some(&"@query")) {
        if !signed.components.contains(name) {
            return refuse(Code::NotCovered, "the signature does not cover ", name);
        }
    }
    Ok(())
}

/// That the signature is live at `now_seconds`, within the clock skew, and not valid for longer
/// than the limit.
pub fn check_lifetime(signed: &Signed<'_>, now_seconds: f64, limits: Limits) -> Result<(), Refusal<'static>> {
    let (created, expires) = (signed.created as f64, signed.expires as f64);
    if created > now_seconds + limits.clock_skew_seconds {
        return refuse(Code::CreatedInFuture, "the signature was created in the future (beyond clockSkewSeconds)", "");
    }
    if expires < now_seconds - limits.clock_skew_seconds {
        return refuse(Code::Expired, "the signature has expired (beyond clockSkewSeconds)", "");
    }
    if signed.expires.abs_diff(signed.created) as f64 > limits.max_validity_seconds {
        return refuse(Code::ValidityTooLong, "the signature is valid for longer than maxValiditySeconds", "");
    }
    Ok(())
}

/// Whether a `digest` header matches the body's SHA-256 (`sha256`, base64): it may list several
/// `algorithm=value` entries; the SHA-256 one must match.
pub fn digest_matches(field: &str, sha256: &str) -> bool {
    const PREFIX: &str = const_cat!(webhook::DIGEST_ALGORITHM, "=");
    split_ascii(field, b',').any(|entry| {
        let entry = entry.trim_ascii().as_bytes();
        entry.len() == PREFIX.len() + sha256.len()
            && entry[..PREFIX.len()].eq_ignore_ascii_case(PREFIX.as_bytes())
            && entry.ends_with(sha256.as_bytes())
    })
}

/// The v6 signature base of a delivery: `name: value` per covered component (names bare), then
/// `@signature-params` and the `sig1` member of `signature-input` as sent. `component` as
/// [`Delivery`] has it.
pub fn base<'a, 'v>(signed: &Signed<'a>, component: impl Fn(&str) -> Option<&'v str>) -> Result<String, Refusal<'a>> {
    let mut base = String::new();
    for &name in &signed.components {
        if name.as_bytes().first() == Some(&b'@') && !DERIVED_COMPONENTS.contains(&name) {
            return refuse(Code::MalformedSignature, "the signature covers a component webhook signatures do not use: ", name);
        }
        let Some(value) = component(name) else {
            return refuse(Code::MissingComponent, "the signature covers a component the request does not carry: ", name);
        };
        push_line(&mut base, name, value, Names::Bare);
    }
    push_line(&mut base, "@signature-params", signed.signature_params, Names::Bare);
    Ok(base)
}

// Native only: the tests check signatures with the p521 and sha2 crates, native dev-dependencies.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
