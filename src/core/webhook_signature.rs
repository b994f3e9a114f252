//! The checks of a webhook delivery's signature, as Upvest signs webhooks (its v6 HTTP message
//! signatures; what it requires is `upvest_api::signing`): the `sig1` members of `signature` and
//! `signature-input` read and checked to be what Upvest sends, the coverage and the lifetime, the
//! `digest` header against the body's SHA-256, and the signature base. Each refusal carries the
//! code `WebhookVerificationError` has for it. The body never comes here, only its digest; the
//! key and the cryptography are the glue's (`js/webhook-verifier.js`, WebCrypto).

use super::ecdsa::{p521_der_to_raw, P521_SCALAR_BYTES};
use super::httpsig::{member_bytes, plain_names, signature_base, Names, Target};
use super::signature::base64;
use super::structured_field::{self, integer, string};
use super::text::{cat, decimal, join, split_ascii};
use std::borrow::Cow;
use upvest_api::signing::{webhook, DERIVED_COMPONENTS, LABEL};

/// Which check refused a delivery, as `WebhookVerificationError.code` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// No `signature` or no `signature-input`.
    MissingSignature,
    /// Not a signature Upvest sends.
    MalformedSignature,
    /// A required component not covered.
    NotCovered,
    /// A covered component the request does not carry.
    MissingComponent,
    /// `created` later than now, beyond the clock skew.
    CreatedInFuture,
    /// `expires` earlier than now, beyond the clock skew.
    Expired,
    /// Valid for longer than `maxValiditySeconds`.
    ValidityTooLong,
    /// No `digest` header.
    MissingDigest,
    /// The `digest` header does not match the body, or the body is not bytes.
    DigestMismatch,
}

impl Code {
    /// The code's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingSignature => "missing-signature",
            Code::MalformedSignature => "malformed-signature",
            Code::NotCovered => "not-covered",
            Code::MissingComponent => "missing-component",
            Code::CreatedInFuture => "created-in-future",
            Code::Expired => "expired",
            Code::ValidityTooLong => "validity-too-long",
            Code::MissingDigest => "missing-digest",
            Code::DigestMismatch => "digest-mismatch",
        }
    }
}

/// A refused delivery: the check, and why (no signature bytes in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The check that refused it.
    pub code: Code,
    /// Why, in words.
    pub reason: Cow<'static, str>,
}

fn refuse<T>(code: Code, reason: impl Into<Cow<'static, str>>) -> Result<T, Refusal> {
    Err(Refusal { code, reason: reason.into() })
}

fn malformed<T>(reason: impl Into<Cow<'static, str>>) -> Result<T, Refusal> {
    refuse(Code::MalformedSignature, reason)
}

/// A delivery as the glue read it.
pub struct Delivery<'a, 'h> {
    /// The method, when the caller gave one.
    pub method: Option<&'a str>,
    /// The path and query, when the caller gave a URL.
    pub target: Option<Target<'a>>,
    /// A header's value by its lowercase name (trimmed; one sent several times, its values
    /// joined by ", ").
    pub header: &'h dyn Fn(&str) -> Option<&'a str>,
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
    /// Its SHA-256.
    Sha256(&'a [u8]),
}

/// What the glue needs to verify a delivery's signature with WebCrypto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The key's id in the JWKS.
    pub keyid: String,
    /// Raw r ‖ s.
    pub signature: Vec<u8>,
    /// The signature base.
    pub base: String,
}

/// Every check but the cryptography, in order: the signature headers read, the coverage, the
/// lifetime, the digest, the components the base needs.
pub fn verify(delivery: &Delivery<'_, '_>, now_seconds: f64, limits: Limits) -> Result<Verification, Refusal> {
    let header = delivery.header;
    let signed = read(header("signature"), header("signature-input"))?;
    let target = delivery.target.as_ref();
    check_coverage(&signed, target)?;
    check_lifetime(&signed, now_seconds, limits)?;
    check_digest(header("digest"), delivery.body)?;
    let base = base(&signed, delivery.method, target, header)?;
    Ok(Verification { keyid: signed.keyid, signature: signed.signature, base })
}

/// That the `digest` header is there, and lists the body's SHA-256 when it is known.
pub fn check_digest(field: Option<&str>, body: Body<'_>) -> Result<(), Refusal> {
    let Some(field) = field else {
        return refuse(Code::MissingDigest, "the request has no digest header");
    };
    match body {
        Body::Unread => Ok(()),
        Body::Sha256(sha256) if digest_matches(field, sha256) => Ok(()),
        Body::Sha256(_) => refuse(Code::DigestMismatch, "the digest header does not match the body (SHA-256)"),
        Body::NotBytes => refuse(Code::DigestMismatch, "the raw body (a string, Uint8Array or ArrayBuffer) is needed to check the digest"),
    }
}

/// A delivery's `sig1` signature, as [`read`] checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    /// The covered components, in order (as written between the quotes).
    pub components: Vec<&'a str>,
    /// The key's id in the JWKS.
    pub keyid: String,
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
pub fn read<'a>(signature: Option<&str>, input: Option<&'a str>) -> Result<Signed<'a>, Refusal> {
    let (Some(signature), Some(input)) = (signature, input) else {
        return refuse(Code::MissingSignature, "the request lacks the signature or signature-input header");
    };
    let (input, signature) = (structured_field::parse(input), structured_field::parse(signature));
    let (Some((member, parts)), Some((signature, signature_parts))) = (
        input.as_deref().and_then(|e| structured_field::member(e, LABEL)),
        signature.as_deref().and_then(|e| structured_field::member(e, LABEL)),
    ) else {
        return malformed("signature and signature-input must be structured-field dictionaries with a sig1 member");
    };
    let Some(components) = plain_names(parts).filter(|_| member.value.as_bytes().first() == Some(&b'(')) else {
        return malformed("sig1 in signature-input must be a list of distinct component names");
    };
    let parameter = |name| structured_field::member_parameter(parts, name);
    let (Some(keyid), Some(created), Some(expires)) =
        (parameter("keyid").and_then(string), parameter("created").and_then(integer), parameter("expires").and_then(integer))
    else {
        return malformed(TIMES_NEEDED);
    };
    if expires < created {
        return malformed(TIMES_NEEDED);
    }
    if parameter("alg").is_some_and(|alg| string(alg).as_deref() != Some(webhook::ALGORITHM)) {
        return malformed("alg must be ecdsa-p521-sha512, the only algorithm of webhook signatures");
    }
    let bytes = member_bytes(signature, signature_parts);
    let Some(signature) =
        bytes.and_then(|bytes| p521_der_to_raw(&bytes).or_else(|| (bytes.len() == 2 * P521_SCALAR_BYTES).then_some(bytes)))
    else {
        return malformed("the signature must be an ECDSA P-521 signature, DER or raw r‖s, as a byte sequence");
    };
    Ok(Signed { components, keyid, created, expires, signature, signature_params: member.value })
}

/// (The messages name the label and the algorithm as `upvest_api::signing` has them: a test
/// checks they agree.)
const TIMES_NEEDED: &str = "sig1 in signature-input needs a keyid string and created and expires times, expires not before created";

/// That the signature covers what Upvest requires of a delivery to `target`: `@query` too when
/// it has a query.
pub fn check_coverage(signed: &Signed<'_>, target: Option<&Target<'_>>) -> Result<(), Refusal> {
    let mut uncovered: Vec<&str> = Vec::new();
    let query = target.is_some_and(|t| t.query.is_some());
    for name in webhook::COMPONENTS.iter().chain(query.then_some(&"@query")) {
        if !signed.components.contains(name) {
            uncovered.push(name);
        }
    }
    if uncovered.is_empty() {
        Ok(())
    } else {
        refuse(Code::NotCovered, cat!("the signature does not cover ", join(&uncovered, ", ")))
    }
}

/// That the signature is live at `now_seconds`, within the clock skew, and not valid for longer
/// than the limit.
pub fn check_lifetime(signed: &Signed<'_>, now_seconds: f64, limits: Limits) -> Result<(), Refusal> {
    let (created, expires) = (signed.created as f64, signed.expires as f64);
    // As JavaScript's Math.round: the differences here are positive.
    let rounded = |seconds: f64| decimal((seconds + 0.5).floor() as u64);
    if created > now_seconds + limits.clock_skew_seconds {
        return refuse(Code::CreatedInFuture, cat!("the signature was created ", rounded(created - now_seconds), " s in the future"));
    }
    if expires < now_seconds - limits.clock_skew_seconds {
        return refuse(Code::Expired, cat!("the signature expired ", rounded(now_seconds - expires), " s ago"));
    }
    let validity = signed.expires.abs_diff(signed.created);
    if validity as f64 > limits.max_validity_seconds {
        return refuse(
            Code::ValidityTooLong,
            cat!(
                "the signature is valid for ",
                decimal(validity),
                " s, longer than maxValiditySeconds (",
                // The option is whole seconds but for an odd caller; a fraction is not written.
                decimal(limits.max_validity_seconds as u64),
                ")"
            ),
        );
    }
    Ok(())
}

/// Whether a `digest` header matches the body's SHA-256: it may list several `algorithm=value`
/// entries; the SHA-256 one must match.
pub fn digest_matches(field: &str, sha256: &[u8]) -> bool {
    let expected = base64(sha256);
    split_ascii(field, b',').any(|entry| {
        super::text::split_once_ascii(entry.trim_ascii(), "=")
            .is_some_and(|(algorithm, value)| algorithm.eq_ignore_ascii_case(webhook::DIGEST_ALGORITHM) && value == expected)
    })
}

/// The v6 signature base of a delivery: `name: value` per covered component (names bare), then
/// `@signature-params` and the `sig1` member of `signature-input` as sent. `method` and `target`
/// are the request's (`None` when the caller gave none).
pub fn base<'h>(
    signed: &Signed<'_>,
    method: Option<&str>,
    target: Option<&Target<'_>>,
    header: &dyn Fn(&str) -> Option<&'h str>,
) -> Result<String, Refusal> {
    let method = method.map(str::to_ascii_uppercase);
    let mut lines: Vec<(&str, String)> = Vec::with_capacity(signed.components.len());
    for &name in &signed.components {
        let value = if name.as_bytes().first() == Some(&b'@') {
            if !DERIVED_COMPONENTS.contains(&name) {
                return malformed(cat!("the signature covers ", name, ", a component webhook signatures do not use"));
            }
            match name {
                "@method" => method.clone(),
                "@path" => target.map(|t| t.path.to_owned()),
                _ => target.and_then(|t| t.query).map(str::to_owned),
            }
        } else {
            header(name).map(str::to_owned)
        };
        let Some(value) = value else {
            return refuse(Code::MissingComponent, cat!("the signature covers ", name, ", which the request does not carry"));
        };
        lines.push((name, value));
    }
    let lines: Vec<(&str, &str)> = lines.iter().map(|(name, value)| (*name, value.as_str())).collect();
    Ok(signature_base(&lines, signed.signature_params, Names::Bare))
}

#[cfg(test)]
mod tests;
