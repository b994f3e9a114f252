//! HTTP Message Signatures as Upvest uses them (draft-ietf-httpbis-message-signatures-15, label
//! `sig1`): which components a request must cover, the signature base, the `signature-input`
//! value, and the encodings around the signature bytes. The crypto itself (SHA-512, Ed25519,
//! ECDSA P-521) comes from the platform; this module only arranges bytes.

use super::httpsig::{push_line, Names};
use super::text::{before_ascii, cat, decimal, find_ascii, join, split_once_ascii};
use upvest_api::signing::{request, Covered, ECDSA_P521_SHA512, ED25519};
pub use upvest_api::signing::{request::VERSION, LABEL};

/// The signing algorithms Upvest accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Ed25519.
    Ed25519,
    /// ECDSA on P-521 with SHA-512, DER-encoded as in Upvest's examples.
    EcdsaP521Sha512,
}

impl Algorithm {
    /// The option value naming it (also the name `js/crypto.js` knows it by).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => ED25519,
            Algorithm::EcdsaP521Sha512 => ECDSA_P521_SHA512,
        }
    }
}

/// The options of the ready signer, but for the key itself (imported by `js/signing-key.js`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerOptions {
    /// The key id registered with Upvest.
    pub key_id: String,
    /// The algorithm of the key.
    pub algorithm: Algorithm,
    /// How long a signature stays valid.
    pub ttl_seconds: u32,
}

/// The option names of `createUpvestSigner`.
pub const SIGNER_OPTION_NAMES: &[&str] = &["keyId", "privateKey", "algorithm", "ttlSeconds"];

impl SignerOptions {
    /// Checks `{ keyId, privateKey, algorithm, ttlSeconds? }`.
    pub fn parse<V: super::json::JsonView>(options: Option<V>) -> Result<SignerOptions, super::error::InvalidInput> {
        use super::error::{InputCode, InvalidInput};
        use super::validate::{integer_in, member, options_object};
        let options = options_object("options", options, SIGNER_OPTION_NAMES)?
            .ok_or_else(|| InvalidInput::new("options", InputCode::Required, "is required: { keyId, privateKey, algorithm }"))?;
        let key_id = member(&options, "keyId")
            .ok_or_else(|| {
                InvalidInput::new(
                    "keyId",
                    InputCode::Required,
                    "is required: the key id registered with Upvest (printable ASCII, no quotes)",
                )
            })?
            .string()
            .filter(|k| !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'))
            .ok_or_else(|| {
                InvalidInput::new(
                    "keyId",
                    InputCode::Format,
                    "must be the key id registered with Upvest (printable ASCII, no quotes, at most 200 characters)",
                )
            })?;
        if member(&options, "privateKey").is_none() {
            return Err(InvalidInput::new(
                "privateKey",
                InputCode::Required,
                "is required: a PKCS#8 PEM string, a Node KeyObject or a CryptoKey",
            ));
        }
        let algorithm = match member(&options, "algorithm").and_then(|v| v.string()).as_deref() {
            Some(ED25519) => Algorithm::Ed25519,
            Some(ECDSA_P521_SHA512) => Algorithm::EcdsaP521Sha512,
            _ => return Err(InvalidInput::new("algorithm", InputCode::Enum, "must be \"ed25519\" or \"ecdsa-p521-sha512\"")),
        };
        let ttl_seconds = match member(&options, "ttlSeconds") {
            None => 30,
            Some(v) => integer_in("ttlSeconds", &v, 1, 3600)?,
        };
        Ok(SignerOptions { key_id, algorithm, ttl_seconds })
    }
}

/// The signature parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameters {
    /// The key id Upvest knows the public key by.
    pub key_id: String,
    /// Unix seconds when the signature was made.
    pub created: u64,
    /// Unix seconds after which it is void.
    pub expires: u64,
    /// A fresh random value per signature.
    pub nonce: String,
}

/// A request as it will be sent, for signing or verifying.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    /// `GET`, `POST`, `DELETE`, …
    pub method: &'a str,
    /// The path as sent, without the query.
    pub path: &'a str,
    /// The query without `?`, empty when there is none.
    pub query: &'a str,
    /// Header names (lower case) and values.
    pub headers: &'a [(String, String)],
}

impl Message<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The components Upvest requires this request to cover (`upvest_api::signing::request`),
    /// in its documented order: `@query` only with a query, `authorization` except on the token
    /// request, the body headers only with a body, `idempotency-key` only when sent.
    pub fn required_components(&self) -> Vec<&'static str> {
        let has_body = self.header("content-type").is_some();
        let mut components = Vec::new();
        for &(name, when) in &request::COMPONENTS {
            let required = match when {
                Covered::Always => true,
                Covered::WithQuery => !self.query.is_empty(),
                Covered::Authorized | Covered::WhenSent => self.header(name).is_some(),
                Covered::WithBody => has_body,
            };
            if required {
                components.push(name);
            }
        }
        components
    }

    /// The value of one component, or why it has none.
    fn component(&self, name: &str) -> Result<String, String> {
        match name {
            "@method" => Ok(self.method.to_ascii_uppercase()),
            "@path" => Ok(self.path.to_owned()),
            "@query" => Ok(cat!("?", self.query)),
            header => {
                self.header(header).map(|v| v.trim_ascii().to_owned()).ok_or_else(|| cat!("the covered header ", header, " is missing"))
            }
        }
    }
}

/// `("@method" "@path" …);keyid="…";created=…;expires=…;nonce="…"`: the `@signature-params`
/// value, which is also `signature-input` after `sig1=`.
pub fn signature_params(components: &[&str], parameters: &Parameters) -> String {
    let list: Vec<String> = components.iter().map(|c| cat!("\"", c, "\"")).collect();
    cat!(
        "(",
        join(&list, " "),
        ");keyid=\"",
        parameters.key_id,
        "\";created=",
        decimal(parameters.created),
        ";expires=",
        decimal(parameters.expires),
        ";nonce=\"",
        parameters.nonce,
        "\""
    )
}

/// The signature base: one `"name": value` line per component, then `"@signature-params"`.
pub fn signature_base(message: &Message<'_>, components: &[&str], parameters: &Parameters) -> Result<String, String> {
    let mut base = String::new();
    for name in components {
        push_line(&mut base, name, &message.component(name)?, Names::Quoted);
    }
    push_line(&mut base, "@signature-params", &signature_params(components, parameters), Names::Quoted);
    Ok(base)
}

/// Splits a URL into path and query, as `@path` and `@query` see them.
pub fn path_and_query(url: &str) -> (&str, &str) {
    let after_scheme = split_once_ascii(url, "://").map_or(url, |(_, rest)| rest);
    let path_start = find_ascii(after_scheme, b'/').unwrap_or(after_scheme.len());
    let target = before_ascii(&after_scheme[path_start..], b'#');
    let (path, query) = split_once_ascii(target, "?").unwrap_or((target, ""));
    (if path.is_empty() { "/" } else { path }, query)
}

/// The `content-digest` header value for a body's SHA-512.
pub fn content_digest(sha512: &[u8]) -> String {
    cat!("sha-512=:", base64(sha512), ":")
}

/// The `signature` header value.
pub fn signature_header(signature: &[u8]) -> String {
    cat!(LABEL, "=:", base64(signature), ":")
}

/// Standard Base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16) | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8) | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    fn parameters() -> Parameters {
        Parameters {
            key_id: "8d4997a8-cf7a-4e51-adbb-401656a3e5c2".into(),
            created: 1_633_529_659,
            expires: 1_633_529_664,
            nonce: "o085M4cMgpbicuOL".into(),
        }
    }

    #[test]
    fn builds_the_documented_base_for_a_request_with_a_body() {
        // The v15 example from Upvest's docs, body {"key": "value"}.
        let headers = headers(&[
            ("accept", "application/json"),
            ("authorization", "Bearer access-token"),
            ("content-length", "16"),
            ("content-type", "application/json"),
            ("content-digest", "sha-512=:Hd9/AvGZkbjitW1+Ml8Fg1ux1mtcDYe6mLQjDyoowIWa3LM/PmwN2v9O+MjtQGrCA3EQWUL54dlgxKHyYbrucw==:"),
            ("idempotency-key", "2133825797664cad"),
            ("upvest-client-id", "5ec16164-6173-461d-b90d-116d68f55b40"),
        ]);
        let (path, query) = path_and_query("https://sandbox.upvest.co/endpoint?a=b");
        let message = Message { method: "post", path, query, headers: &headers };
        let components = message.required_components();
        assert_eq!(
            components,
            [
                "@method",
                "@path",
                "@query",
                "accept",
                "authorization",
                "content-length",
                "content-type",
                "content-digest",
                "idempotency-key",
                "upvest-client-id"
            ]
        );
        let base = signature_base(&message, &components, &parameters()).unwrap();
        let expected = [
            "\"@method\": POST",
            "\"@path\": /endpoint",
            "\"@query\": ?a=b",
            "\"accept\": application/json",
            "\"authorization\": Bearer access-token",
            "\"content-length\": 16",
            "\"content-type\": application/json",
            "\"content-digest\": sha-512=:Hd9/AvGZkbjitW1+Ml8Fg1ux1mtcDYe6mLQjDyoowIWa3LM/PmwN2v9O+MjtQGrCA3EQWUL54dlgxKHyYbrucw==:",
            "\"idempotency-key\": 2133825797664cad",
            "\"upvest-client-id\": 5ec16164-6173-461d-b90d-116d68f55b40",
            "\"@signature-params\": (\"@method\" \"@path\" \"@query\" \"accept\" \"authorization\" \"content-length\" \"content-type\" \"content-digest\" \"idempotency-key\" \"upvest-client-id\");keyid=\"8d4997a8-cf7a-4e51-adbb-401656a3e5c2\";created=1633529659;expires=1633529664;nonce=\"o085M4cMgpbicuOL\"",
        ]
        .join("\n");
        assert_eq!(base, expected);
    }

    #[test]
    fn the_token_request_and_reads_cover_less() {
        let token =
            headers(&[("accept", "application/json"), ("content-type", "application/x-www-form-urlencoded"), ("upvest-client-id", "c")]);
        let message = Message { method: "POST", path: "/auth/token", query: "", headers: &token };
        assert_eq!(
            message.required_components(),
            ["@method", "@path", "accept", "content-length", "content-type", "content-digest", "upvest-client-id"]
        );
        let read = headers(&[("accept", "application/json"), ("authorization", "Bearer t"), ("upvest-client-id", "c")]);
        let message = Message { method: "GET", path: "/account_groups", query: "", headers: &read };
        assert_eq!(message.required_components(), ["@method", "@path", "accept", "authorization", "upvest-client-id"]);
        let error = signature_base(&message, &["@method", "content-digest"], &parameters()).unwrap_err();
        assert_eq!(error, "the covered header content-digest is missing");
    }

    #[test]
    fn signer_options() {
        use serde_json::json;
        let o = SignerOptions::parse(Some(&json!({"keyId": "k-1", "privateKey": "pem", "algorithm": "ed25519"}))).unwrap();
        assert_eq!((o.algorithm, o.ttl_seconds), (Algorithm::Ed25519, 30));
        for (options, field) in [
            (json!({"privateKey": "pem", "algorithm": "ed25519"}), "keyId"),
            (json!({"keyId": "a\"b", "privateKey": "pem", "algorithm": "ed25519"}), "keyId"),
            (json!({"keyId": "k", "algorithm": "ed25519"}), "privateKey"),
            (json!({"keyId": "k", "privateKey": "pem", "algorithm": "rsa"}), "algorithm"),
            (json!({"keyId": "k", "privateKey": "pem", "algorithm": "ed25519", "ttlSeconds": 0}), "ttlSeconds"),
            (json!({"keyId": "k", "privateKey": "pem", "algorithm": "ed25519", "ttl": 5}), "options"),
        ] {
            assert_eq!(SignerOptions::parse(Some(&options)).unwrap_err().field, field, "{options}");
        }
    }

    #[test]
    fn splits_urls() {
        assert_eq!(path_and_query("https://h/account_groups?limit=1&offset=2"), ("/account_groups", "limit=1&offset=2"));
        assert_eq!(path_and_query("http://127.0.0.1:9/p"), ("/p", ""));
        assert_eq!(path_and_query("https://h"), ("/", ""));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn content_digest_of_the_documented_examples() {
        use sha2::{Digest, Sha512};
        // The two examples in Upvest's v15 docs (18 and 16 bytes long).
        for (body, digest) in [
            (r#"{"hello": "world"}"#, "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"),
            (r#"{"key": "value"}"#, "sha-512=:Hd9/AvGZkbjitW1+Ml8Fg1ux1mtcDYe6mLQjDyoowIWa3LM/PmwN2v9O+MjtQGrCA3EQWUL54dlgxKHyYbrucw==:"),
        ] {
            assert_eq!(content_digest(&Sha512::digest(body.as_bytes())), digest);
        }
    }

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (input, output) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64(input.as_bytes()), output);
        }
    }
}
