//! The checks of a webhook delivery's signature, as Upvest signs webhooks (its v6 HTTP message
//! signatures; what it requires is `upvest_api::signing`): the `sig1` members of `signature` and
//! `signature-input` read and checked to be what Upvest sends, the coverage and the lifetime, the
//! `digest` header against the body's SHA-256, and the signature base. Each refusal carries the
//! code `WebhookVerificationError` has for it. The body never comes here, only its digest; the
//! key and the cryptography are the glue's (`js/webhook-verifier.js`, WebCrypto).

use super::ecdsa::{p521_der_to_raw, P521_SCALAR_BYTES};
use super::httpsig::{signature_base, Names, SignatureInput, Target};
use super::signature::base64;
use super::structured_field::{BareItem, Dictionary, Item, Value};
use super::text::{cat, decimal, join, split_ascii};
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
        }
    }
}

/// A refused delivery: the check, and why (no signature bytes in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The check that refused it.
    pub code: Code,
    /// Why, in words.
    pub reason: String,
}

fn refuse<T>(code: Code, reason: String) -> Result<T, Refusal> {
    Err(Refusal { code, reason })
}

fn malformed<T>(reason: String) -> Result<T, Refusal> {
    refuse(Code::MalformedSignature, reason)
}

/// A delivery's `sig1` signature, as [`read`] checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The covered components, in order.
    pub components: Vec<String>,
    /// The key's id in the JWKS.
    pub keyid: String,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds.
    pub expires: i64,
    /// Raw r ‖ s, the form WebCrypto verifies.
    pub signature: Vec<u8>,
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
pub fn read(signature: Option<&str>, input: Option<&str>) -> Result<Signed, Refusal> {
    let (Some(signature), Some(input)) = (signature, input) else {
        return refuse(Code::MissingSignature, "the request lacks the signature or signature-input header".into());
    };
    let (input, signature) = (Dictionary::parse(input), Dictionary::parse(signature));
    let (Some(input), Some(signature)) = (input.as_ref().and_then(|d| d.get(LABEL)), signature.as_ref().and_then(|d| d.get(LABEL))) else {
        return malformed(cat!("signature and signature-input must be structured-field dictionaries with a ", LABEL, " member"));
    };
    let input = SignatureInput::of(input);
    let Some((components, params)) = input.as_ref().and_then(|input| Some((input.plain_names()?, &input.params))) else {
        return malformed(cat!(LABEL, " in signature-input must be a list of distinct component names"));
    };
    let (Some(keyid), Some(created), Some(expires)) = (params.string("keyid"), params.integer("created"), params.integer("expires")) else {
        return malformed(times_needed());
    };
    if expires < created {
        return malformed(times_needed());
    }
    if params.get("alg").is_some() && params.string("alg") != Some(webhook::ALGORITHM) {
        return malformed(cat!("alg must be ", webhook::ALGORITHM, ", the only algorithm of webhook signatures"));
    }
    let raw = match &signature.value {
        Value::Item(Item { value: BareItem::Bytes(bytes), .. }) => {
            p521_der_to_raw(bytes).or_else(|| (bytes.len() == 2 * P521_SCALAR_BYTES).then(|| bytes.clone()))
        }
        _ => None,
    };
    let Some(signature) = raw else {
        return malformed("the signature must be an ECDSA P-521 signature, DER or raw r‖s, as a byte sequence".into());
    };
    Ok(Signed { components: components.into_iter().map(str::to_owned).collect(), keyid: keyid.to_owned(), created, expires, signature })
}

fn times_needed() -> String {
    cat!(LABEL, " in signature-input needs a keyid string and created and expires times, expires not before created")
}

/// That the signature covers what Upvest requires of a delivery to `target`: `@query` too when
/// it has a query.
pub fn check_coverage(signed: &Signed, target: Option<&Target<'_>>) -> Result<(), Refusal> {
    let with_query = target.is_some_and(|t| t.query.is_some()).then_some("@query");
    let uncovered: Vec<&str> =
        webhook::COMPONENTS.into_iter().chain(with_query).filter(|name| !signed.components.iter().any(|c| c == name)).collect();
    if uncovered.is_empty() {
        Ok(())
    } else {
        refuse(Code::NotCovered, cat!("the signature does not cover ", join(&uncovered, ", ")))
    }
}

/// That the signature is live at `now_seconds`, within the clock skew, and not valid for longer
/// than the limit.
pub fn check_lifetime(signed: &Signed, now_seconds: f64, limits: Limits) -> Result<(), Refusal> {
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
                number(limits.max_validity_seconds),
                ")"
            ),
        );
    }
    Ok(())
}

/// A non-negative number as JavaScript writes it, to six decimals (options are whole seconds).
fn number(value: f64) -> String {
    let micros = (value * 1e6 + 0.5).floor() as u64;
    let (whole, fraction) = (micros / 1_000_000, micros % 1_000_000);
    if fraction == 0 {
        return decimal(whole);
    }
    let digits = super::text::padded_decimal(fraction, 6);
    cat!(decimal(whole), ".", super::text::trim_end_ascii(&digits, b'0'))
}

/// Whether a `digest` header matches the body's SHA-256: it may list several `algorithm=value`
/// entries; the SHA-256 one must match.
pub fn digest_matches(field: &str, sha256: &[u8]) -> bool {
    let expected = base64(sha256);
    split_ascii(field, b',').any(|entry| {
        let entry = entry.trim_matches(|c: char| c.is_whitespace());
        super::text::split_once_ascii(entry, "=")
            .is_some_and(|(algorithm, value)| algorithm.eq_ignore_ascii_case(webhook::DIGEST_ALGORITHM) && value == expected)
    })
}

/// The header names the base needs the values of, in the order covered.
pub fn covered_headers(signed: &Signed) -> Vec<&str> {
    signed.components.iter().map(String::as_str).filter(|name| !name.starts_with('@')).collect()
}

/// The v6 signature base of a delivery: `name: value` per covered component (names bare), then
/// `@signature-params` and the `sig1` member of `input` as sent. `method` and `target` are the
/// request's (`None` when the caller gave none); `header_values` the values of
/// [`covered_headers`], in that order (`None` for one the request lacks).
pub fn base(input: &str, method: Option<&str>, target: Option<&Target<'_>>, header_values: &[Option<String>]) -> Result<String, Refusal> {
    let Ok(input) = SignatureInput::parse(input) else {
        return malformed(cat!("signature-input must be a structured-field dictionary with a ", LABEL, " member"));
    };
    let components = input.plain_names().unwrap_or_default();
    let method = method.map(str::to_ascii_uppercase);
    let mut headers = header_values.iter();
    let mut lines: Vec<(&str, String)> = Vec::with_capacity(components.len());
    for name in components {
        let value = if name.starts_with('@') {
            if !DERIVED_COMPONENTS.contains(&name) {
                return malformed(cat!("the signature covers ", name, ", a component webhook signatures do not use"));
            }
            match name {
                "@method" => method.clone(),
                "@path" => target.map(|t| t.path.to_owned()),
                _ => target.and_then(|t| t.query).map(str::to_owned),
            }
        } else {
            headers.next().cloned().flatten()
        };
        let Some(value) = value else {
            return refuse(Code::MissingComponent, cat!("the signature covers ", name, ", which the request does not carry"));
        };
        lines.push((name, value));
    }
    let lines: Vec<(&str, &str)> = lines.iter().map(|(name, value)| (*name, value.as_str())).collect();
    Ok(signature_base(&lines, input.text, Names::Bare))
}

#[cfg(test)]
mod tests;
