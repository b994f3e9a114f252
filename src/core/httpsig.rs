//! HTTP message signatures as Upvest's two schemes write them (draft-15 for requests, its v6 for
//! webhooks): the `sig1` member of `signature-input` read, the request target as `@path` and
//! `@query` see it, and the signature base built from the `signature-input` as sent: its
//! components in the order listed, then the `@signature-params` line carrying the member's text
//! exactly (draft-15 §2.3). Upvest's own signers order their parameters differently from one
//! another, so a base rebuilt in one fixed order would refuse some of them.

use super::structured_field::{self, Entry, Kind};
use upvest_api::signing::LABEL;

/// How the component names are written in the signature base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// `"@method": POST`: draft-15, requests to the API.
    Quoted,
    /// `@method: POST`: Upvest's v6, webhooks ("a bug which we can not fix", so it stays).
    Bare,
}

/// The signature base: `name: value` per covered component, in the order covered, then
/// `@signature-params: ` and `params`, the `signature-input` member as sent.
pub fn signature_base(covered: &[(&str, &str)], params: &str, names: Names) -> String {
    let mut base = String::new();
    for &(name, value) in covered {
        push_line(&mut base, name, value, names);
    }
    push_line(&mut base, "@signature-params", params, names);
    base
}

/// Adds a line, `name: value`, to a signature base being written (one buffer, no list of lines:
/// the fewest bytes in the client's wasm).
pub fn push_line(base: &mut String, name: &str, value: &str, names: Names) {
    if !base.is_empty() {
        base.push('\n');
    }
    let quote = if names == Names::Quoted { "\"" } else { "" };
    base.push_str(quote);
    base.push_str(name);
    base.push_str(quote);
    base.push_str(": ");
    base.push_str(value);
}

/// The `sig1` member of a `signature-input` field's entries ([`structured_field::parse`]) when
/// it is an inner list: its text as sent (the `@signature-params` value) and its parts (items,
/// their parameters, the signature parameters), not yet judged: the caller decides which
/// components and parameters it takes.
pub fn signature_input<'e, 'a>(entries: &'e [Entry<'a>]) -> Option<(&'a str, &'e [Entry<'a>])> {
    structured_field::member(entries, LABEL)
        .filter(|(member, _)| member.value.starts_with('('))
        .map(|(member, parts)| (member.value, parts))
}

/// The covered component names when each is a string without parameters, listed once: as
/// written between the quotes (an escape, `\"` or `\\`, is kept: no component name Upvest's
/// signatures use has one, nor can a header's name).
pub fn plain_names<'a>(parts: &[Entry<'a>]) -> Option<Vec<&'a str>> {
    let mut names: Vec<&'a str> = Vec::with_capacity(parts.len());
    for part in parts {
        match part.kind {
            Kind::Item if part.value.as_bytes()[0] == b'"' => {
                let name = &part.value[1..part.value.len() - 1];
                if names.contains(&name) {
                    return None;
                }
                names.push(name);
            }
            Kind::Item | Kind::ItemParameter => return None,
            _ => {}
        }
    }
    Some(names)
}

/// The bytes of a member that is a byte sequence (`member` and `parts` as
/// [`structured_field::member`] gives them), else `None`.
pub fn member_bytes(member: &Entry<'_>, parts: &[Entry<'_>]) -> Option<Vec<u8>> {
    match parts.first() {
        Some(item) if item.kind == Kind::Item && member.value.as_bytes().first() == Some(&b':') => structured_field::bytes(item.value),
        _ => None,
    }
}

/// The path and query of a request, as `@path` and `@query` see them: `query` keeps its `?` and is
/// `None` without one. (The glue splits the URL: `js/webhook-verifier.js`, `requestTarget`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// The path (`/` when empty).
    pub path: &'a str,
    /// The query with its `?`.
    pub query: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::text::cat;

    const DOCS: &str = r#"sig1=("@method" "@path" "@query" "accept");keyid="8d4997a8-cf7a-4e51-adbb-401656a3e5c2";created=1633529659;expires=1633529664;nonce="o085M4cMgpbicuOL""#;

    #[test]
    fn reads_the_sig1_member_and_keeps_its_text_as_sent() {
        let entries = structured_field::parse(DOCS).unwrap();
        let (text, parts) = signature_input(&entries).unwrap();
        assert_eq!(plain_names(parts).unwrap(), ["@method", "@path", "@query", "accept"]);
        assert_eq!(text, &DOCS[5..]);
        assert_eq!(structured_field::member_parameter(parts, "keyid"), Some("\"8d4997a8-cf7a-4e51-adbb-401656a3e5c2\""));
        let others = r#"other=("@method");created=1, sig1=("@path");alg="ed25519";nonce="n";keyid="k";tag="upvest, v15";expires=9;created=2, sig2=("x")"#;
        let entries = structured_field::parse(others).unwrap();
        let (text, parts) = signature_input(&entries).unwrap();
        assert_eq!(text, r#"("@path");alg="ed25519";nonce="n";keyid="k";tag="upvest, v15";expires=9;created=2"#);
        assert_eq!(structured_field::member_parameter(parts, "tag"), Some("\"upvest, v15\""));
        assert_eq!(structured_field::member_parameter(parts, "created"), Some("2"));
        for other in ["sig2=()", "sig1=:AA==:", "sig1;keyid=\"k\"", "sig1=\"@method\""] {
            assert_eq!(signature_input(&structured_field::parse(other).unwrap()), None, "{other}");
        }
        for repeated in [r#"sig1=("a" "a")"#, r#"sig1=("a";p)"#, r#"sig1=(a)"#, r#"sig1=(1)"#] {
            let entries = structured_field::parse(repeated).unwrap();
            assert_eq!(plain_names(signature_input(&entries).unwrap().1), None, "{repeated}");
        }
        let entries = structured_field::parse(r#"sig1=("a\"b" "c" "");p=1"#).unwrap();
        assert_eq!(plain_names(signature_input(&entries).unwrap().1).unwrap(), ["a\\\"b", "c", ""]);
    }

    #[test]
    fn reads_signature_bytes() {
        let bytes = |field: &str| {
            let entries = structured_field::parse(field).unwrap();
            let (member, parts) = structured_field::member(&entries, LABEL).unwrap();
            member_bytes(member, parts)
        };
        assert_eq!(bytes("sig0=:AA==:, sig1=:AQID:"), Some(vec![1, 2, 3]));
        assert_eq!(bytes("sig1=:AQID:;p=1"), Some(vec![1, 2, 3]));
        for field in ["sig1=AQID", "sig1=\"AQID\"", "sig1=(:AQID:)", "sig1", "sig1=?1"] {
            assert_eq!(bytes(field), None, "{field}");
        }
    }

    #[test]
    fn builds_both_spellings_of_the_base() {
        let covered = [("@method", "POST"), ("@path", "/endpoint"), ("x-list", "a, b")];
        let params = &DOCS[5..];
        assert_eq!(
            signature_base(&covered, params, Names::Quoted),
            cat!("\"@method\": POST\n\"@path\": /endpoint\n\"x-list\": a, b\n\"@signature-params\": ", params)
        );
        // Upvest's documented v6 last line: bare names, the component list quoted.
        let v6 = signature_base(&covered[..2], params, Names::Bare);
        assert_eq!(v6, cat!("@method: POST\n@path: /endpoint\n@signature-params: ", params));
        assert_eq!(signature_base(&[], "()", Names::Bare), "@signature-params: ()");
    }
}
