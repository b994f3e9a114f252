//! With `--verify-key <public key PEM>`: every API request (the token request too) must carry a
//! valid Upvest v15 HTTP message signature by that key (Ed25519, or ECDSA P-521/SHA-512 as DER
//! or raw r‖s), covering what Upvest requires, unexpired, with a content-digest that matches the
//! body. It takes what Upvest's own signers send: parameters in any order, `alg` and `tag`, and
//! extra covered headers; the base is built from the `signature-input` as sent.

use crate::httpsig::{parse_signature, Message, Names, SignatureInput};
use crate::request::ApiRequest;
use sha2::{Digest, Sha512};
use upvest_account_groups::core::signature::{content_digest, Algorithm};
use upvest_api::signing::{request::COMPONENTS, request::VERSION, Covered};

/// How far a signature's `created` may lie in the future (clock skew).
const SKEW_SECONDS: i64 = 30;

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

    fn algorithm(&self) -> Algorithm {
        match self {
            Verifier::Ed25519(_) => Algorithm::Ed25519,
            Verifier::P521(_) => Algorithm::EcdsaP521Sha512,
        }
    }

    /// Checks a request's signature; the error says which check failed.
    pub fn verify(&self, request: &ApiRequest, now: i64) -> Result<(), String> {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        if header("upvest-signature-version") != Some(VERSION) {
            return Err(format!("upvest-signature-version must be {VERSION}"));
        }
        let input = SignatureInput::parse(&joined(request, "signature-input").ok_or("the signature-input header is missing")?)?;
        if input.created > now + SKEW_SECONDS {
            return Err("the signature was created in the future".into());
        }
        if input.expires < now {
            return Err("the signature has expired".into());
        }
        if let Some(alg) = input.alg.as_deref().filter(|alg| *alg != self.algorithm().name()) {
            return Err(format!("the signature's alg {alg:?} does not match the key ({})", self.algorithm().name()));
        }
        if let Some(missing) = required_components(request).find(|c| !input.covered.iter().any(|given| given == c)) {
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
        let message =
            Message { method: request.method.as_str(), path: &request.path, query: request.query.as_deref(), headers: &request.headers };
        let base = message.signature_base(&input.covered, &input.params_text, Names::Quoted)?;
        let signature = parse_signature(&joined(request, "signature").ok_or("the signature header is missing")?)?;
        if self.verifies(base.as_bytes(), &signature) {
            Ok(())
        } else {
            Err("the signature does not verify".into())
        }
    }

    fn verifies(&self, base: &[u8], signature: &[u8]) -> bool {
        match self {
            Verifier::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature).is_ok_and(|s| key.verify_strict(base, &s).is_ok()),
            Verifier::P521(key) => {
                use p521::ecdsa::signature::Verifier as _;
                // DER as Upvest's signers send it; raw r‖s (132 bytes) as WebCrypto gives it.
                let parsed = p521::ecdsa::Signature::from_der(signature).or_else(|_| p521::ecdsa::Signature::from_slice(signature));
                parsed.is_ok_and(|s| key.verify(base, &s).is_ok())
            }
        }
    }
}

/// What Upvest requires this request to cover (`upvest_api::signing::request`), judged here from
/// the request as received, not by the client's code: `@query` with a query, `authorization`
/// and `idempotency-key` when sent, the body headers with a body.
fn required_components(request: &ApiRequest) -> impl Iterator<Item = &'static str> + '_ {
    let has_body = request.headers.contains_key("content-type") || !request.body.is_empty();
    COMPONENTS
        .into_iter()
        .filter(move |(name, when)| match when {
            Covered::Always => true,
            Covered::WithQuery => request.query.as_deref().is_some_and(|q| !q.is_empty()),
            Covered::Authorized | Covered::WhenSent => request.headers.contains_key(*name),
            Covered::WithBody => has_body,
        })
        .map(|(name, _)| name)
}

/// A field's value over all its lines, joined as HTTP joins them.
fn joined(request: &ApiRequest, name: &str) -> Option<String> {
    let lines: Vec<&str> = request.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
    (!lines.is_empty()).then(|| lines.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::Method;
    use upvest_account_groups::core::signature as core;

    const NOW: i64 = 1_700_000_000;
    const BODY: &str = r#"{"user_id":"413715f2-5401-4b97-8055-034a6b879f8c","type":"PERSONAL"}"#;

    /// A create request as a client sends it, unsigned.
    fn create(extra: &[(&str, &str)]) -> ApiRequest {
        let mut headers = http::HeaderMap::new();
        let digest = content_digest(&Sha512::digest(BODY));
        let length = BODY.len().to_string();
        for (name, value) in [
            ("accept", "application/json"),
            ("authorization", "Bearer t0k3n"),
            ("content-type", "application/json"),
            ("content-length", length.as_str()),
            ("content-digest", digest.as_str()),
            ("idempotency-key", "ccb07f42-4104-44ad-8e1f-c660bb7b269c"),
            ("upvest-client-id", "363f3305-7ab0-4e82-a158-f9d382ad08b6"),
            ("upvest-signature-version", "15"),
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
            ("upvest-api-version", "1"),
        ]
        .iter()
        .chain(extra)
        {
            headers.insert(http::header::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        ApiRequest {
            method: Method::POST,
            path: "/account_groups".into(),
            query: Some("a=b".into()),
            headers,
            body: Bytes::from(BODY),
            received: std::time::SystemTime::now(),
        }
    }

    const REQUIRED: &[&str] = &[
        "@method",
        "@path",
        "@query",
        "accept",
        "authorization",
        "content-length",
        "content-type",
        "content-digest",
        "idempotency-key",
        "upvest-client-id",
    ];

    /// Signs as the draft says, written out here rather than taken from `httpsig`: the lines
    /// of `covered`, then the parameters exactly as they go into `signature-input`.
    fn sign(request: &mut ApiRequest, covered: &[&str], params: &str, key: &Key) {
        let list: Vec<String> = covered.iter().map(|c| format!("\"{c}\"")).collect();
        let params = format!("({}){params}", list.join(" "));
        let mut lines: Vec<String> = covered
            .iter()
            .map(|c| match *c {
                "@method" => format!("\"@method\": {}", request.method),
                "@path" => format!("\"@path\": {}", request.path),
                "@query" => format!("\"@query\": ?{}", request.query.as_deref().unwrap()),
                name => format!("\"{name}\": {}", request.headers[name].to_str().unwrap()),
            })
            .collect();
        lines.push(format!("\"@signature-params\": {params}"));
        let signature = key.sign(lines.join("\n").as_bytes());
        request.headers.insert("signature-input", format!("sig1={params}").parse().unwrap());
        request.headers.insert("signature", format!("sig1=:{}:", core::base64(&signature)).parse().unwrap());
    }

    enum Key {
        Ed25519(ed25519_dalek::SigningKey),
        P521 { key: p521::ecdsa::SigningKey, raw: bool },
    }

    impl Key {
        fn sign(&self, base: &[u8]) -> Vec<u8> {
            use p521::ecdsa::signature::Signer;
            match self {
                Key::Ed25519(key) => key.sign(base).to_vec(),
                Key::P521 { key, raw } => {
                    let signature: p521::ecdsa::Signature = key.sign(base);
                    if *raw {
                        signature.to_bytes().to_vec()
                    } else {
                        signature.to_der().as_bytes().to_vec()
                    }
                }
            }
        }

        fn verifier(&self) -> Verifier {
            match self {
                Key::Ed25519(key) => Verifier::Ed25519(key.verifying_key()),
                Key::P521 { key, .. } => Verifier::P521(p521::ecdsa::VerifyingKey::from(key)),
            }
        }
    }

    fn keys() -> [Key; 3] {
        let p521 = || p521::ecdsa::SigningKey::from_slice(&[1; 66]).unwrap();
        [
            Key::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[7; 32])),
            Key::P521 { key: p521(), raw: false },
            Key::P521 { key: p521(), raw: true },
        ]
    }

    #[test]
    fn accepts_every_upvest_signer_s_parameter_order_alg_tag_and_extra_headers() {
        let (created, expires) = (NOW - 5, NOW + 25);
        for key in keys() {
            let alg = key.verifier().algorithm().name();
            let orders = [
                format!(";keyid=\"k\";created={created};expires={expires};nonce=\"n1\""),
                format!(";keyid=\"k\";nonce=\"n2\";created={created};expires={expires}"),
                format!(";alg=\"{alg}\";keyid=\"k\";created={created};expires={expires};nonce=\"n3\""),
                format!(";keyid=\"k\";created={created};nonce=\"n4\";expires={expires}"),
                format!(";created={created};keyid=\"k\";tag=\"upvest\";expires={expires};nonce=\"n5\";alg=\"{alg}\""),
            ];
            let with_extras: Vec<&str> = ["date", "upvest-api-version"].iter().chain(REQUIRED).copied().collect();
            for params in &orders {
                for covered in [REQUIRED, &with_extras] {
                    let mut request = create(&[]);
                    sign(&mut request, covered, params, &key);
                    assert_eq!(key.verifier().verify(&request, NOW), Ok(()), "{alg} {params} {covered:?}");
                }
            }
        }
    }

    #[test]
    fn refuses_with_the_check_that_failed() {
        let params = |created: i64, alg: &str| format!(";keyid=\"k\";created={created};expires={};nonce=\"n\"{alg}", created + 30);
        let [key, ..] = keys();
        let verifier = key.verifier();
        let refused = |covered: &[&str], params: &str, tamper: &dyn Fn(&mut ApiRequest)| {
            let mut request = create(&[]);
            sign(&mut request, covered, params, &key);
            tamper(&mut request);
            verifier.verify(&request, NOW).unwrap_err()
        };
        let fresh = params(NOW, "");
        let untouched = |_: &mut ApiRequest| {};
        let covered_extra: Vec<&str> = REQUIRED.iter().chain(&["date"]).copied().collect();
        for (error, expected) in [
            (
                refused(REQUIRED, &fresh, &|r| r.body = Bytes::from(BODY.replace("PERSONAL", "ISA"))),
                "content-digest does not match the body",
            ),
            (
                refused(REQUIRED, &fresh, &|r| {
                    r.headers.insert("upvest-client-id", "5ec16164-6173-461d-b90d-116d68f55b40".parse().unwrap());
                }),
                "does not verify",
            ),
            (
                refused(&covered_extra, &fresh, &|r| {
                    r.headers.insert("date", "Wed, 15 Nov 2023 00:00:00 GMT".parse().unwrap());
                }),
                "does not verify",
            ),
            (
                refused(&covered_extra, &fresh, &|r| {
                    r.headers.remove("date");
                }),
                "the covered header date is not in the request",
            ),
            (refused(&REQUIRED[1..], &fresh, &untouched), "does not cover @method"),
            (refused(&REQUIRED[..9], &fresh, &untouched), "does not cover upvest-client-id"),
            (refused(REQUIRED, &params(NOW - 60, ""), &untouched), "expired"),
            (refused(REQUIRED, &params(NOW + 60, ""), &untouched), "in the future"),
            (
                refused(REQUIRED, &params(NOW, ";alg=\"ecdsa-p521-sha512\""), &untouched),
                "alg \"ecdsa-p521-sha512\" does not match the key (ed25519)",
            ),
            (
                refused(REQUIRED, &fresh, &|r| {
                    r.headers.insert("upvest-signature-version", "6".parse().unwrap());
                }),
                "upvest-signature-version must be 15",
            ),
            (
                refused(REQUIRED, &fresh, &|r| {
                    r.headers.insert("signature", "sig1=AAAA".parse().unwrap());
                }),
                "sig1=:<base64>:",
            ),
        ] {
            assert!(error.contains(expected), "{error:?} should say {expected:?}");
        }
    }
}
