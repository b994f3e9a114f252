//! HTTP message signatures as Upvest's two schemes write them (draft-15 for requests, its v6 for
//! webhooks): the `sig1` member of `signature-input` read, the request target as `@path` and
//! `@query` see it, and the signature base built from the `signature-input` as sent: its
//! components in the order listed, then the `@signature-params` line carrying the member's text
//! exactly (draft-15 §2.3). Upvest's own signers order their parameters differently from one
//! another, so a base rebuilt in one fixed order would refuse some of them.

use super::structured_field::{BareItem, Dictionary, Item, Member, Parameters, Value};
use super::text::{cat, join};
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
    let name = |n: &str| match names {
        Names::Quoted => cat!("\"", n, "\""),
        Names::Bare => n.to_owned(),
    };
    let mut lines: Vec<String> = covered.iter().map(|(n, value)| cat!(name(n), ": ", value)).collect();
    lines.push(cat!(name("@signature-params"), ": ", params));
    join(&lines, "\n")
}

/// The `sig1` member of a `signature-input` field, read but not yet judged: the caller decides
/// which components and parameters it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureInput<'a> {
    /// The covered components, in the order listed, as written (items of any type, with any
    /// parameters, repeated or not: the caller judges them).
    pub components: Vec<Item>,
    /// The signature parameters.
    pub params: Parameters,
    /// The member as sent (after `sig1=`): the `@signature-params` value.
    pub text: &'a str,
}

/// Why a `signature-input` has no readable `sig1` member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputError {
    /// The field is not a structured-field dictionary.
    NotADictionary,
    /// It has no `sig1` member that is an inner list.
    NoMember,
}

impl<'a> SignatureInput<'a> {
    /// Reads the `sig1` member of a `signature-input` field value.
    pub fn parse(field: &'a str) -> Result<SignatureInput<'a>, InputError> {
        let dictionary = Dictionary::parse(field).ok_or(InputError::NotADictionary)?;
        dictionary.get(LABEL).and_then(SignatureInput::of).ok_or(InputError::NoMember)
    }

    /// A dictionary member read as a signature's input, when it is an inner list.
    pub fn of(member: &Member<'a>) -> Option<SignatureInput<'a>> {
        match member {
            Member { value: Value::InnerList(items, params), text: Some(text) } => {
                Some(SignatureInput { components: items.clone(), params: params.clone(), text })
            }
            _ => None,
        }
    }

    /// The component names when every component is a string without parameters, listed once.
    pub fn plain_names(&self) -> Option<Vec<&str>> {
        let mut names: Vec<&str> = Vec::with_capacity(self.components.len());
        for item in &self.components {
            match item {
                Item { value: BareItem::String(name), params } if params.0.is_empty() && !names.contains(&name.as_str()) => {
                    names.push(name)
                }
                _ => return None,
            }
        }
        Some(names)
    }
}

/// The signature bytes in a `signature` field's `sig1` member, when it is a byte sequence.
pub fn signature_bytes(field: &str) -> Option<Vec<u8>> {
    match Dictionary::parse(field)?.get(LABEL)?.value.clone() {
        Value::Item(Item { value: BareItem::Bytes(bytes), .. }) => Some(bytes),
        _ => None,
    }
}

/// The path and query of a request's URL, as a server gives the request target or as a full URL
/// (its scheme and authority dropped); `query` keeps its `?` and is `None` without one; a
/// fragment is no part of either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// The path (`/` when empty).
    pub path: &'a str,
    /// The query with its `?`.
    pub query: Option<&'a str>,
}

impl<'a> Target<'a> {
    /// The target of a URL or request target.
    pub fn of(url: &'a str) -> Target<'a> {
        let target = before_fragment(without_origin(url));
        let (path, query) = match super::text::find_ascii(target, b'?') {
            Some(mark) => (&target[..mark], Some(&target[mark..])),
            None => (target, None),
        };
        Target { path: if path.is_empty() { "/" } else { path }, query }
    }
}

/// The URL without `scheme://authority` when it starts with them.
fn without_origin(url: &str) -> &str {
    let scheme = url.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')).count();
    match url.get(scheme..) {
        Some(rest) if scheme > 0 && url.as_bytes()[0].is_ascii_alphabetic() && rest.starts_with("://") => {
            let authority = &rest[3..];
            &authority[authority.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(authority.len())..]
        }
        _ => url,
    }
}

fn before_fragment(target: &str) -> &str {
    super::text::before_ascii(target, b'#')
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = r#"sig1=("@method" "@path" "@query" "accept");keyid="8d4997a8-cf7a-4e51-adbb-401656a3e5c2";created=1633529659;expires=1633529664;nonce="o085M4cMgpbicuOL""#;

    #[test]
    fn reads_the_sig1_member_and_keeps_its_text_as_sent() {
        let input = SignatureInput::parse(DOCS).unwrap();
        assert_eq!(input.plain_names().unwrap(), ["@method", "@path", "@query", "accept"]);
        assert_eq!(input.text, &DOCS[5..]);
        assert_eq!(input.params.names(), ["keyid", "created", "expires", "nonce"]);
        let others = r#"other=("@method");created=1, sig1=("@path");alg="ed25519";nonce="n";keyid="k";tag="upvest, v15";expires=9;created=2, sig2=("x")"#;
        let input = SignatureInput::parse(others).unwrap();
        assert_eq!(input.text, r#"("@path");alg="ed25519";nonce="n";keyid="k";tag="upvest, v15";expires=9;created=2"#);
        assert_eq!((input.params.string("tag"), input.params.integer("created")), (Some("upvest, v15"), Some(2)));
        assert_eq!(SignatureInput::parse("sig1=(").unwrap_err(), InputError::NotADictionary);
        assert_eq!(SignatureInput::parse("sig2=()").unwrap_err(), InputError::NoMember);
        assert_eq!(SignatureInput::parse("sig1=:AA==:").unwrap_err(), InputError::NoMember);
        assert_eq!(SignatureInput::parse("sig1;keyid=\"k\"").unwrap_err(), InputError::NoMember);
        for repeated in [r#"sig1=("a" "a")"#, r#"sig1=("a";p)"#, r#"sig1=(a)"#, r#"sig1=(1)"#] {
            assert_eq!(SignatureInput::parse(repeated).unwrap().plain_names(), None, "{repeated}");
        }
    }

    #[test]
    fn reads_signature_bytes() {
        assert_eq!(signature_bytes("sig0=:AA==:, sig1=:AQID:"), Some(vec![1, 2, 3]));
        for field in ["sig1=AQID", "sig1=\"AQID\"", "sig2=:AQID:", "sig1=:AQID", ""] {
            assert_eq!(signature_bytes(field), None, "{field}");
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

    #[test]
    fn splits_request_targets_and_urls() {
        let target = |path, query| Target { path, query };
        for (url, expected) in [
            ("/hooks", target("/hooks", None)),
            ("/hooks?a=b", target("/hooks", Some("?a=b"))),
            ("/hooks?", target("/hooks", Some("?"))),
            ("/hooks?x=http://e/y#frag", target("/hooks", Some("?x=http://e/y"))),
            ("https://receiver.example/up/hooks?tenant=acme", target("/up/hooks", Some("?tenant=acme"))),
            ("HTTP://h:8080", target("/", None)),
            ("https://h?q", target("/", Some("?q"))),
            ("https://h#f", target("/", None)),
            ("", target("/", None)),
            ("1http://h/p", target("1http://h/p", None)),
            ("//h/p", target("//h/p", None)),
        ] {
            assert_eq!(Target::of(url), expected, "{url}");
        }
    }
}
