//! How the mock signs its webhook deliveries, as Upvest does (v6): ECDSA P-521 with SHA-512 over
//! a base with bare component names, the signature ASN.1 DER in base64, the body covered by
//! `digest: SHA-256=…`; and the keys a receiver checks them with, `GET /auth/verify_keys` (a
//! JWKS). The key is generated at start or read from `--webhook-signing-key`; a test can rotate
//! it (`POST /__mock/webhook-key/rotate`), after which the JWKS lists the old key and the new.

use crate::httpsig::{serialize_signature, Message, Names, SignatureInput};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use http::header::{HeaderMap, HeaderValue};
use p521::ecdsa::signature::Signer;
use p521::ecdsa::SigningKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Mutex;
use upvest_api::signing::{webhook, EXAMPLE_LIFETIME_SECONDS};

/// How long a delivery's signature stays valid: the longest of Upvest's examples. Each attempt
/// is signed afresh, so this only has to cover the trip to the receiver and a receiver's clock
/// skew.
const SIGNATURE_TTL_SECONDS: i64 = EXAMPLE_LIFETIME_SECONDS.1 as i64;

/// What a delivery covers besides what Upvest requires (`upvest_api::signing::webhook`): the
/// headers the spec infers Upvest's deliveries carry, before the body's `digest`.
const ALSO_COVERED: [&str; 2] = ["content-type", "content-length"];

/// The components a delivery covers, in order: the required derived components, `@query` when
/// the receiver's URL has a query, then [`ALSO_COVERED`], then the required headers.
fn covered(with_query: bool) -> Vec<&'static str> {
    let (derived, headers): (Vec<&str>, Vec<&str>) = webhook::COMPONENTS.into_iter().partition(|c| c.starts_with('@'));
    derived.into_iter().chain(with_query.then_some("@query")).chain(ALSO_COVERED).chain(headers).collect()
}

struct Key {
    kid: String,
    signing: SigningKey,
}

impl Key {
    fn new(signing: SigningKey) -> Key {
        Key { kid: thumbprint(&jwk_coordinates(&signing)), signing }
    }
}

/// The webhook signing keys, the newest signing.
pub struct WebhookKeys {
    keys: Mutex<Vec<Key>>,
}

impl WebhookKeys {
    /// With a PEM (PKCS#8, or SEC1 `EC PRIVATE KEY`) of a P-521 private key, that key; without,
    /// a fresh one.
    pub fn new(pem: Option<&str>) -> Result<WebhookKeys, String> {
        let signing = match pem {
            Some(pem) => read_private_key(pem)?,
            None => generate(),
        };
        Ok(WebhookKeys { keys: Mutex::new(vec![Key::new(signing)]) })
    }

    /// Signs with a new key from now on; the old one stays listed. Returns the new key id.
    pub fn rotate(&self) -> String {
        let key = Key::new(generate());
        let kid = key.kid.clone();
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).push(key);
        kid
    }

    /// The JWKS `GET /auth/verify_keys` answers, oldest key first.
    pub fn jwks(&self) -> Value {
        let keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let listed: Vec<Value> = keys
            .iter()
            .map(|key| {
                let (x, y) = jwk_coordinates(&key.signing);
                json!({"kid": key.kid, "kty": "EC", "crv": "P-521", "x": x, "y": y, "alg": "ES512", "use": "sig"})
            })
            .collect();
        json!({ "keys": listed })
    }

    /// The headers of one delivery attempt to `path` (and `query`) with `body`, signed at `now`
    /// (Unix seconds) by the newest key.
    pub fn sign(&self, path: &str, query: Option<&str>, body: &[u8], now: i64) -> Result<HeaderMap, String> {
        let value = |text: String| HeaderValue::try_from(text).map_err(|e| e.to_string());
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("content-length", value(body.len().to_string())?);
        headers.insert("digest", value(digest(body))?);
        let covered = covered(query.is_some());
        let keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let key = keys.last().ok_or("no webhook signing key")?;
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let input = SignatureInput::serialize(&covered, &key.kid, now, now + SIGNATURE_TTL_SECONDS, &nonce)?;
        let message = Message { method: "POST", path, query, headers: &headers };
        let covered: Vec<String> = covered.into_iter().map(str::to_owned).collect();
        let base = message.signature_base(&covered, SignatureInput::params_of(&input), Names::Bare)?;
        let signature: p521::ecdsa::Signature = key.signing.sign(base.as_bytes());
        headers.insert("signature-input", value(input)?);
        headers.insert("signature", value(serialize_signature(&signature.to_der().to_bytes()))?);
        Ok(headers)
    }
}

/// `SHA-256=<base64 of the body's SHA-256>`, the v6 `digest` header.
fn digest(body: &[u8]) -> String {
    format!("SHA-256={}", STANDARD.encode(Sha256::digest(body)))
}

fn generate() -> SigningKey {
    SigningKey::random(&mut p521::elliptic_curve::rand_core::OsRng)
}

fn read_private_key(pem: &str) -> Result<SigningKey, String> {
    use p521::pkcs8::DecodePrivateKey;
    p521::SecretKey::from_pkcs8_pem(pem)
        .or_else(|_| p521::SecretKey::from_sec1_pem(pem))
        .ok()
        .and_then(|secret| SigningKey::from_bytes(&secret.to_bytes()).ok())
        .ok_or_else(|| "--webhook-signing-key: not a P-521 private key in PKCS#8 or SEC1 PEM".to_owned())
}

/// The public key's `x` and `y`, base64url without padding, as a JWK has them.
fn jwk_coordinates(signing: &SigningKey) -> (String, String) {
    // (p521 0.13's own `verifying_key()` is behind a feature it does not define.)
    let point = p521::ecdsa::VerifyingKey::from(signing).to_encoded_point(false);
    let coordinate = |bytes: Option<&p521::FieldBytes>| URL_SAFE_NO_PAD.encode(bytes.map(|b| b.as_slice()).unwrap_or_default());
    (coordinate(point.x()), coordinate(point.y()))
}

/// The key id: the key's RFC 7638 JWK thumbprint, so a key given with `--webhook-signing-key`
/// keeps its id from one run to the next.
fn thumbprint((x, y): &(String, String)) -> String {
    let canonical = format!(r#"{{"crv":"P-521","kty":"EC","x":"{x}","y":"{y}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p521::ecdsa::signature::Verifier;

    #[test]
    fn digests_match_upvest_s_vectors() {
        assert_eq!(digest(br#"{"hello": "world"}"#), "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
        assert_eq!(digest(br#"{"key": "value"}"#), "SHA-256=lyTB4g5uPk1/V+0l+dTvsAblCFkNUoyQ2ll/andcE+U=");
    }

    /// Verifies a delivery the way a receiver following Upvest's v6 docs would, with the base
    /// written out here.
    fn check(keys: &WebhookKeys, headers: &HeaderMap, lines: &[String], kid: &str) {
        let input = headers["signature-input"].to_str().unwrap();
        let base = [lines, &[format!("@signature-params: {}", input.strip_prefix("sig1=").unwrap())]].concat().join("\n");
        assert!(input.contains(&format!(";keyid=\"{kid}\";created=1700000000;expires=1700000060;nonce=\"")), "{input}");
        let signature = headers["signature"].to_str().unwrap();
        let der = STANDARD.decode(signature.strip_prefix("sig1=:").unwrap().strip_suffix(':').unwrap()).unwrap();
        let signature = p521::ecdsa::Signature::from_der(&der).unwrap();
        let jwks = keys.jwks();
        let jwk = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == kid).unwrap();
        let mut sec1 = vec![4];
        for coordinate in ["x", "y"] {
            sec1.extend(URL_SAFE_NO_PAD.decode(jwk[coordinate].as_str().unwrap()).unwrap());
        }
        let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).unwrap();
        assert!(key.verify(base.as_bytes(), &signature).is_ok(), "{base}");
    }

    #[test]
    fn signs_deliveries_that_a_v6_receiver_verifies_also_after_rotation() {
        let keys = WebhookKeys::new(None).unwrap();
        let body = br#"{"payload":[]}"#;
        let first = keys.jwks()["keys"][0]["kid"].as_str().unwrap().to_owned();
        let headers = keys.sign("/hooks", None, body, 1_700_000_000).unwrap();
        assert_eq!(headers["digest"], digest(body).as_str());
        assert_eq!(headers["content-length"], "14");
        assert!(headers["signature-input"]
            .to_str()
            .unwrap()
            .starts_with(r#"sig1=("@method" "@path" "content-type" "content-length" "digest");keyid="#));
        let lines = ["@method: POST", "@path: /hooks", "content-type: application/json", "content-length: 14"].map(String::from);
        check(&keys, &headers, &[&lines[..], &[format!("digest: {}", digest(body))]].concat(), &first);

        let second = keys.rotate();
        assert_ne!(first, second);
        assert_eq!(keys.jwks()["keys"].as_array().unwrap().len(), 2);
        let again = keys.sign("/hooks", Some("source=upvest"), body, 1_700_000_000).unwrap();
        assert_ne!(again["signature-input"], headers["signature-input"], "a fresh nonce");
        let lines = ["@method: POST", "@path: /hooks", "@query: ?source=upvest", "content-type: application/json", "content-length: 14"]
            .map(String::from);
        check(&keys, &again, &[&lines[..], &[format!("digest: {}", digest(body))]].concat(), &second);
    }

    #[test]
    fn reads_a_given_key_and_names_it_by_its_thumbprint() {
        let generated = generate();
        use p521::pkcs8::EncodePrivateKey;
        let secret = p521::SecretKey::from_bytes(&generated.to_bytes()).unwrap();
        let pem = secret.to_pkcs8_pem(p521::pkcs8::LineEnding::LF).unwrap();
        let keys = WebhookKeys::new(Some(&pem)).unwrap();
        let jwk = &keys.jwks()["keys"][0];
        let (x, y) = jwk_coordinates(&generated);
        assert_eq!((jwk["x"].as_str().unwrap(), jwk["y"].as_str().unwrap()), (x.as_str(), y.as_str()));
        assert_eq!(x.len(), 88, "66 bytes, base64url without padding");
        assert_eq!(jwk["kid"], WebhookKeys::new(Some(&pem)).unwrap().jwks()["keys"][0]["kid"], "the same id each run");
        assert!(WebhookKeys::new(Some("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")).is_err());
    }
}
