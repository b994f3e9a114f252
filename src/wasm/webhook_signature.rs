//! The webhook verifier's decisions (internal; `createWebhookVerifier` is JavaScript, in
//! `js/webhook-verifier.js`, which keeps the options, the key source and its cache, and
//! WebCrypto: the body's digest, the key, the verification): every check of a delivery's
//! signature but the cryptography (`core::webhook_signature`). The body never enters wasm memory,
//! only its SHA-256. A refusal is thrown as plain data, `{ code, reason }`, which the glue makes
//! its `WebhookVerificationError`. Plain functions taking strings, numbers and bytes: the fewest
//! bytes in the client's wasm.

use super::js_json::set;
use crate::core::httpsig::Target;
use crate::core::signature::base64;
use crate::core::text::split_ascii;
use crate::core::webhook_signature::{self as check, Body, Delivery, Limits, Refusal};
use js_sys::Object;
use wasm_bindgen::prelude::*;

fn refusal(refusal: Refusal) -> JsValue {
    let thrown = Object::new();
    set(&thrown, "code", &refusal.code.as_str().into());
    set(&thrown, "reason", &JsValue::from_str(&refusal.reason));
    thrown.into()
}

/// A header's value in `headers`, `name\nvalue\n…` (names lowercase; no name or value holds a
/// line break: HTTP allows none, and the glue leaves out a value that has one).
fn header<'a>(headers: &'a str, name: &str) -> Option<&'a str> {
    let mut lines = split_ascii(headers, b'\n');
    while let (Some(n), Some(value)) = (lines.next(), lines.next()) {
        if n == name {
            return Some(value);
        }
    }
    None
}

/// `body`: 0 not read yet (only the `digest` header's presence is checked), 1 not bytes, 2 its
/// SHA-256 is `sha256`.
fn body(body: u32, sha256: &[u8]) -> Body<'_> {
    match body {
        0 => Body::Unread,
        1 => Body::NotBytes,
        _ => Body::Sha256(sha256),
    }
}

/// Every check of a delivery but the cryptography: `{ keyid, signature, base }`, the signature
/// raw r ‖ s in base64. `method` and `path` are `undefined` when the request has none, `query`
/// (with its `?`) when its URL has none; `headers` and `body` as above. Throws a refusal.
#[wasm_bindgen(js_name = webhookSignature, skip_typescript)]
#[allow(clippy::too_many_arguments)]
pub fn webhook_signature(
    method: Option<String>,
    path: Option<String>,
    query: Option<String>,
    headers: &str,
    body_known: u32,
    sha256: &[u8],
    now_seconds: f64,
    clock_skew_seconds: f64,
    max_validity_seconds: f64,
) -> Result<JsValue, JsValue> {
    let target = path.as_deref().map(|path| Target { path, query: query.as_deref() });
    let lookup = |name: &str| header(headers, name);
    let delivery = Delivery { method: method.as_deref(), target, header: &lookup, body: body(body_known, sha256) };
    let verified = check::verify(&delivery, now_seconds, Limits { clock_skew_seconds, max_validity_seconds }).map_err(refusal)?;
    let answer = Object::new();
    set(&answer, "keyid", &verified.keyid.into());
    set(&answer, "signature", &base64(&verified.signature).into());
    set(&answer, "base", &verified.base.into());
    Ok(answer.into())
}

/// The digest check alone, for a body read after its signature was checked: `headers`, `body`
/// and `sha256` as `webhookSignature` takes them. Throws a refusal.
#[wasm_bindgen(js_name = webhookDigest, skip_typescript)]
pub fn webhook_digest(headers: &str, body_known: u32, sha256: &[u8]) -> Result<(), JsValue> {
    check::check_digest(header(headers, "digest"), body(body_known, sha256)).map_err(refusal)
}
