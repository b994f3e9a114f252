//! HTTP message signatures as both of the mock's schemes write them: the `signature-input` and
//! `signature` fields (structured fields, label `sig1`) and the signature base. The base is
//! always built from the `signature-input` as sent: its components in the order listed, then the
//! `@signature-params` line carrying the member's text exactly as sent (draft-15 §2.3). Upvest's
//! own signers order their parameters differently from one another, so a base rebuilt in one
//! fixed order would refuse some of them.
//!
//! Two spellings of the component lines: draft-15 quotes the names (`"@method": POST`), as
//! requests to the API do; Upvest's v6, which signs webhooks, leaves them bare (`@method: POST`).

use http::HeaderMap;
pub use upvest_account_groups::core::httpsig::Names;
use upvest_account_groups::core::httpsig::{member_bytes, signature_base, signature_input};
use upvest_account_groups::core::signature::{signature_header, signature_params, Parameters};
use upvest_account_groups::core::structured_field::{self, integer, string, Kind};
pub use upvest_api::signing::LABEL;

/// The parts of a request that component values are taken from.
pub struct Message<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The query without its `?`; `None` when the target has none.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
}

impl Message<'_> {
    /// The value of one component, or why it has none.
    fn component(&self, name: &str) -> Result<String, String> {
        match name {
            "@method" => Ok(self.method.to_ascii_uppercase()),
            "@path" => Ok(self.path.to_owned()),
            "@query" => Ok(format!("?{}", self.query.unwrap_or(""))),
            derived if derived.starts_with('@') => {
                Err(format!("the derived component {derived} is not supported (only @method, @path, @query)"))
            }
            header => {
                // Several field lines of one name are one value, joined as HTTP joins them.
                let values: Vec<String> =
                    self.headers.get_all(header).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned()).collect();
                if values.is_empty() {
                    Err(format!("the covered header {header} is not in the request"))
                } else {
                    Ok(values.join(", "))
                }
            }
        }
    }

    /// The signature base over `covered`, in that order, ending with `@signature-params` as
    /// `params` gives it (the core's base: the client's signer and the webhook verifier build
    /// theirs with it too).
    pub fn signature_base(&self, covered: &[String], params: &str, names: Names) -> Result<String, String> {
        let values = covered.iter().map(|component| self.component(component)).collect::<Result<Vec<_>, _>>()?;
        let lines: Vec<(&str, &str)> = covered.iter().zip(&values).map(|(name, value)| (name.as_str(), value.as_str())).collect();
        Ok(signature_base(&lines, params, names))
    }
}

/// The `sig1` member of a `signature-input` field, read.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureInput {
    /// The covered components, in the order listed.
    pub covered: Vec<String>,
    /// The member's value as sent (after `sig1=`): the `@signature-params` value.
    pub params_text: String,
    pub key_id: String,
    pub created: i64,
    pub expires: i64,
    pub nonce: String,
    pub alg: Option<String>,
    pub tag: Option<String>,
}

impl SignatureInput {
    /// Reads the `sig1` member of a `signature-input` field value (with the core's structured
    /// field reader). Parameters may come in any order; `keyid`, `created`, `expires` and `nonce`
    /// are required, `alg` and `tag` optional.
    pub fn parse(field: &str) -> Result<SignatureInput, String> {
        let entries = structured_field::parse(field).ok_or("signature-input is not a structured-field dictionary")?;
        let (params_text, parts) = signature_input(&entries).ok_or_else(|| format!("signature-input has no {LABEL}=(…) member"))?;
        let mut covered: Vec<String> = Vec::with_capacity(parts.len());
        let (mut key_id, mut created, mut expires, mut nonce, mut alg, mut tag) = (None, None, None, None, None, None);
        for part in parts {
            match part.kind {
                Kind::Item => {
                    let name = string(part.value).ok_or("the covered components must be strings")?;
                    if name.bytes().any(|b| b.is_ascii_uppercase()) {
                        return Err(format!("the covered component {name} must be lower case"));
                    }
                    if covered.contains(&name) {
                        return Err(format!("the covered component {name} is listed twice"));
                    }
                    covered.push(name);
                }
                Kind::ItemParameter => {
                    let name = covered.last().map_or("", String::as_str);
                    return Err(format!("the covered component {name} has parameters, which are not supported"));
                }
                _ => {
                    let name = part.key;
                    let text = || string(part.value).ok_or_else(|| format!("the signature parameter {name} must be a string"));
                    let number = || integer(part.value).ok_or_else(|| format!("the signature parameter {name} must be an integer"));
                    match name {
                        "keyid" => key_id = Some(text()?),
                        "nonce" => nonce = Some(text()?),
                        "alg" => alg = Some(text()?),
                        "tag" => tag = Some(text()?),
                        "created" => created = Some(number()?),
                        "expires" => expires = Some(number()?),
                        other => return Err(format!("unknown signature parameter {other}")),
                    }
                }
            }
        }
        let required = |name: &str| format!("the signature parameter {name} is required");
        let input = SignatureInput {
            covered,
            params_text: params_text.to_owned(),
            key_id: key_id.ok_or_else(|| required("keyid"))?,
            created: created.ok_or_else(|| required("created"))?,
            expires: expires.ok_or_else(|| required("expires"))?,
            nonce: nonce.ok_or_else(|| required("nonce"))?,
            alg,
            tag,
        };
        if input.key_id.is_empty() || input.nonce.is_empty() {
            return Err("keyid and nonce must not be empty".into());
        }
        if input.expires <= input.created {
            return Err("the signature parameter expires must be after created".into());
        }
        Ok(input)
    }

    /// `signature-input` for a signature made now: `sig1=(…);keyid=…;created=…;expires=…;nonce=…`,
    /// with the parameters in the order of Upvest's docs (the client's signer writes it so too).
    pub fn serialize(covered: &[&str], key_id: &str, created: i64, expires: i64, nonce: &str) -> Result<String, String> {
        let printable = |text: &str| text.bytes().all(|b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\');
        if !covered.iter().chain([&key_id, &nonce]).all(|text| printable(text)) {
            return Err("cannot serialize signature-input: a component, keyid or nonce is not printable ASCII without quotes".into());
        }
        let time = |t: i64| u64::try_from(t).map_err(|_| "cannot serialize signature-input: a time before 1970".to_owned());
        let parameters =
            Parameters { key_id: key_id.to_owned(), created: time(created)?, expires: time(expires)?, nonce: nonce.to_owned() };
        Ok(format!("{LABEL}={}", signature_params(covered, &parameters)))
    }

    /// The member's value as `@signature-params` takes it: the field after `sig1=`.
    pub fn params_of(field: &str) -> &str {
        field.strip_prefix(LABEL).and_then(|rest| rest.strip_prefix('=')).unwrap_or(field)
    }
}

/// The signature bytes in a `signature` field's `sig1` member (a byte sequence).
pub fn parse_signature(field: &str) -> Result<Vec<u8>, String> {
    let entries = structured_field::parse(field).ok_or("signature is not a structured-field dictionary")?;
    structured_field::member(&entries, LABEL)
        .and_then(|(member, parts)| member_bytes(member, parts))
        .ok_or_else(|| format!("signature has no {LABEL}=:<base64>: member"))
}

/// The `signature` field: `sig1=:<base64>:`.
pub fn serialize_signature(signature: &[u8]) -> String {
    signature_header(signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = r#"sig1=("@method" "@path" "@query" "accept");keyid="8d4997a8-cf7a-4e51-adbb-401656a3e5c2";created=1633529659;expires=1633529664;nonce="o085M4cMgpbicuOL""#;

    #[test]
    fn reads_parameters_in_any_order_and_keeps_the_text_as_sent() {
        let docs = SignatureInput::parse(DOCS).unwrap();
        assert_eq!(docs.covered, ["@method", "@path", "@query", "accept"]);
        assert_eq!(
            (docs.key_id.as_str(), docs.created, docs.expires, docs.nonce.as_str()),
            ("8d4997a8-cf7a-4e51-adbb-401656a3e5c2", 1633529659, 1633529664, "o085M4cMgpbicuOL")
        );
        assert_eq!(docs.params_text, SignatureInput::params_of(DOCS));
        let others = r#"other=("@method");created=1, sig1=("@path");alg="ed25519";nonce="n";keyid="k";tag="upvest, v15";expires=9;created=2, sig2=("x")"#;
        let input = SignatureInput::parse(others).unwrap();
        assert_eq!(
            (input.alg.as_deref(), input.tag.as_deref(), input.created, input.expires),
            (Some("ed25519"), Some("upvest, v15"), 2, 9)
        );
        assert_eq!(input.params_text, r#"("@path");alg="ed25519";nonce="n";keyid="k";tag="upvest, v15";expires=9;created=2"#);
    }

    #[test]
    fn refuses_what_it_cannot_verify() {
        for (field, reason) in [
            ("sig1=(", "not a structured-field dictionary"),
            (r#"sig2=("@method");keyid="k";created=1;expires=2;nonce="n""#, "no sig1"),
            (r#"sig1=("@method");created=1;expires=2;nonce="n""#, "keyid is required"),
            (r#"sig1=("@method");keyid="k";created=1;nonce="n""#, "expires is required"),
            (r#"sig1=("@method");keyid="k";created="1";expires=2;nonce="n""#, "created must be an integer"),
            (r#"sig1=("@method");keyid="k";created=2;expires=2;nonce="n""#, "after created"),
            (r#"sig1=("@method");keyid="k";created=1;expires=2;nonce="n";alg=ed25519"#, "alg must be a string"),
            (r#"sig1=("@method");keyid="k";created=1;expires=2;nonce="n";colour="red""#, "unknown signature parameter colour"),
            (r#"sig1=("@method" "@method");keyid="k";created=1;expires=2;nonce="n""#, "listed twice"),
            (r#"sig1=("Accept");keyid="k";created=1;expires=2;nonce="n""#, "lower case"),
            (r#"sig1=("content-type";sf);keyid="k";created=1;expires=2;nonce="n""#, "parameters"),
        ] {
            let error = SignatureInput::parse(field).unwrap_err();
            assert!(error.contains(reason), "{field}: {error}");
        }
    }

    #[test]
    fn serializes_as_upvest_documents_it() {
        let field = SignatureInput::serialize(
            &["@method", "@path", "@query", "accept"],
            "8d4997a8-cf7a-4e51-adbb-401656a3e5c2",
            1633529659,
            1633529664,
            "o085M4cMgpbicuOL",
        )
        .unwrap();
        assert_eq!(field, DOCS);
        assert_eq!(SignatureInput::parse(&field).unwrap().params_text, SignatureInput::params_of(&field));
        assert_eq!(serialize_signature(b"\x01\x02\x03"), "sig1=:AQID:");
        assert_eq!(parse_signature("sig0=:AA==:, sig1=:AQID:").unwrap(), [1, 2, 3]);
        assert!(parse_signature("sig1=AQID").is_err());
    }

    #[test]
    fn builds_both_spellings_of_the_base() {
        let mut headers = HeaderMap::new();
        headers.insert("accept", "application/json".parse().unwrap());
        headers.append("x-list", "a".parse().unwrap());
        headers.append("x-list", " b ".parse().unwrap());
        let message = Message { method: "post", path: "/endpoint", query: Some("a=b"), headers: &headers };
        let covered: Vec<String> = ["@method", "@path", "@query", "accept", "x-list"].map(String::from).to_vec();
        let params = SignatureInput::params_of(DOCS);
        assert_eq!(
            message.signature_base(&covered, params, Names::Quoted).unwrap(),
            format!("\"@method\": POST\n\"@path\": /endpoint\n\"@query\": ?a=b\n\"accept\": application/json\n\"x-list\": a, b\n\"@signature-params\": {params}")
        );
        // The v6 form of Upvest's documented last line: bare names, the component list quoted.
        let v6 = message.signature_base(&covered[..2], params, Names::Bare).unwrap();
        assert_eq!(v6, format!("@method: POST\n@path: /endpoint\n@signature-params: {params}"));
        assert!(v6.ends_with(r#"@signature-params: ("@method" "@path" "@query" "accept");keyid="8d4997a8-cf7a-4e51-adbb-401656a3e5c2";created=1633529659;expires=1633529664;nonce="o085M4cMgpbicuOL""#));
        let missing = message.signature_base(&["date".to_owned()], params, Names::Quoted).unwrap_err();
        assert_eq!(missing, "the covered header date is not in the request");
        assert!(message.signature_base(&["@authority".to_owned()], params, Names::Quoted).unwrap_err().contains("not supported"));
    }
}
