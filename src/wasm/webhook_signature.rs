//! The webhook verifier's decisions (internal; `createWebhookVerifier` is JavaScript, in
//! `js/webhook-verifier.js`, which keeps the options, the key source and its cache, and
//! WebCrypto: the body's digest, the key, the verification): every check of a delivery's
//! signature but the cryptography (`core::webhook_signature`). The body never enters wasm memory,
//! only its SHA-256. One string in, one string out, and nothing thrown: the fewest bytes in the
//! client's wasm (what every browser downloads, while webhooks are verified on servers).

use crate::core::signature::base64;
use crate::core::text::split_ascii;
use crate::core::webhook_signature::{self as check, Body, Delivery, Limits, Refusal};
use wasm_bindgen::prelude::*;

/// A component's value in `components`, `name\nvalue\n…`: headers by lowercase name, and
/// `@method`, `@path`, `@query` as the glue derived them (no name or value holds a line break:
/// HTTP allows none, and the glue leaves out a value that has one).
fn component<'a>(components: &'a str, name: &str) -> Option<&'a str> {
    let mut lines = split_ascii(components, b'\n');
    while let (Some(n), Some(value)) = (lines.next(), lines.next()) {
        if n == name {
            return Some(value);
        }
    }
    None
}

/// `body`: 0 not read yet (only the `digest` header's presence is checked), 1 not bytes, 2 its
/// SHA-256 is `sha256` (base64).
fn body(body: u32, sha256: &str) -> Body<'_> {
    match body {
        0 => Body::Unread,
        1 => Body::NotBytes,
        _ => Body::Sha256(sha256),
    }
}

/// A refusal as the glue reads it: `code\nmessage`, the code as its place in the seam's list
/// (`WEBHOOK_VERIFICATION_CODES` in `js/seam.js`), one digit.
fn refusal(refusal: Refusal<'_>) -> String {
    let mut text = String::new();
    text.push(char::from(b'0' + refusal.code as u8));
    text.push('\n');
    text.push_str(refusal.reason);
    text.push_str(refusal.subject);
    text
}

/// The checks of a delivery but the cryptography: with `digest_only` 0 every one, else the
/// digest's alone (for a body read after its signature was checked). `components` and `body` as
/// above. A refusal is `code\nmessage`; a delivery that passes, `\nkeyid\nsignature\nbase` (an
/// empty first line; `keyid` as written, quoted and escaped; the signature raw r ‖ s in base64),
/// or nothing for the digest alone. One call for both: one export's glue the fewer.
#[wasm_bindgen(js_name = webhookSignature, skip_typescript)]
pub fn webhook_signature(
    components: &str,
    body_known: u32,
    sha256: &str,
    digest_only: u32,
    now_seconds: f64,
    clock_skew_seconds: f64,
    max_validity_seconds: f64,
) -> String {
    let body = body(body_known, sha256);
    let lookup = |name: &str| component(components, name);
    let checked = if digest_only != 0 {
        check::check_digest(lookup("digest"), body).map(|()| String::new())
    } else {
        let delivery = Delivery { component: lookup, body };
        check::verify(&delivery, now_seconds, Limits { clock_skew_seconds, max_validity_seconds }).map(|verified| {
            let mut text = String::from("\n");
            text.push_str(verified.keyid);
            text.push('\n');
            text.push_str(&base64(&verified.signature));
            text.push('\n');
            text.push_str(&verified.base);
            text
        })
    };
    checked.unwrap_or_else(refusal)
}
