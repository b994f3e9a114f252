//! With `--verify-key <public key PEM>`: every API and token request must carry a valid Upvest
//! v15 HTTP message signature by that key (Ed25519 or ECDSA P-521/SHA-512, DER), covering what
//! Upvest requires, unexpired, with a content-digest that matches the body.

use crate::app::ApiRequest;
use base64::Engine;
use sha2::{Digest, Sha512};
use upvest_account_groups::core::signature::{content_digest, signature_base, Message, Parameters};

/// How far a signature's `created` may lie in the future (clock skew).
const SKEW_SECONDS: u64 = 30;

pub enum Verifier {
    Ed25519(ed25519_dalek::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
}

impl Verifier {
    pub fn from_pem(pem: &str) -> Result<Verifier, String> {
        use ed25519_dalek::pkcs8::DecodePublicKey;
        if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem) {
            return Ok(Verifier::Ed25519(key));
        }
        p521::PublicKey::from_public_key_pem(pem)
            .ok()
            .and_then(|key| p521::ecdsa::VerifyingKey::from_affine(*key.as_affine()).ok())
            .map(Verifier::P521)
            .ok_or_else(|| "the key is neither an Ed25519 nor a P-521 public key in SPKI PEM".to_owned())
    }

    /// Checks a request's signature; the error says what is wrong.
    pub fn verify(&self, request: &ApiRequest, now: u64) -> Result<(), String> {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        if header("upvest-signature-version") != Some("15") {
            return Err("upvest-signature-version must be 15".into());
        }
        let input = header("signature-input").ok_or("the signature-input header is missing")?;
        let (components, parameters) = parse_input(input)?;
        if parameters.created > now + SKEW_SECONDS {
            return Err("the signature was created in the future".into());
        }
        if parameters.expires < now {
            return Err("the signature has expired".into());
        }
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let message = Message { method: request.method.as_str(), path: &request.path, query: request.query.as_deref().unwrap_or(""), headers: &headers };
        if let Some(missing) = message.required_components().into_iter().find(|c| !components.iter().any(|given| given == c)) {
            return Err(format!("the signature does not cover {missing}"));
        }
        if header("content-type").is_some() || !request.body.is_empty() {
            if header("content-digest") != Some(content_digest(&Sha512::digest(&request.body)).as_str()) {
                return Err("content-digest does not match the body".into());
            }
            if header("content-length") != Some(request.body.len().to_string().as_str()) {
                return Err("content-length does not match the body".into());
            }
        }
        let covered: Vec<&str> = components.iter().map(String::as_str).collect();
        let base = signature_base(&message, &covered, &parameters)?;
        let signature = header("signature")
            .and_then(|s| s.strip_prefix("sig1=:"))
            .and_then(|s| s.strip_suffix(':'))
            .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
            .ok_or("the signature header is not sig1=:<base64>:")?;
        let valid = match self {
            Verifier::Ed25519(key) => ed25519_dalek::Signature::from_slice(&signature).is_ok_and(|s| key.verify_strict(base.as_bytes(), &s).is_ok()),
            Verifier::P521(key) => {
                use p521::ecdsa::signature::Verifier as _;
                p521::ecdsa::Signature::from_der(&signature).is_ok_and(|s| key.verify(base.as_bytes(), &s).is_ok())
            }
        };
        if valid {
            Ok(())
        } else {
            Err("the signature does not verify".into())
        }
    }
}

/// Reads `sig1=("@method" …);keyid="…";created=…;expires=…;nonce="…"`.
fn parse_input(input: &str) -> Result<(Vec<String>, Parameters), String> {
    let bad = || "signature-input is not sig1=(…);keyid=…;created=…;expires=…;nonce=…".to_owned();
    let rest = input.strip_prefix("sig1=(").ok_or_else(bad)?;
    let (list, params) = rest.split_once(')').ok_or_else(bad)?;
    let components: Vec<String> = list.split_whitespace().map(|c| c.trim_matches('"').to_owned()).collect();
    let mut parameters = Parameters { key_id: String::new(), created: 0, expires: 0, nonce: String::new() };
    for pair in params.split(';').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').ok_or_else(bad)?;
        let unquoted = value.trim_matches('"').to_owned();
        match name {
            "keyid" => parameters.key_id = unquoted,
            "nonce" => parameters.nonce = unquoted,
            "created" => parameters.created = value.parse().map_err(|_| bad())?,
            "expires" => parameters.expires = value.parse().map_err(|_| bad())?,
            _ => return Err(format!("unknown signature parameter {name}")),
        }
    }
    if parameters.key_id.is_empty() || parameters.nonce.is_empty() || parameters.expires <= parameters.created {
        return Err(bad());
    }
    Ok((components, parameters))
}
