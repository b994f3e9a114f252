//! The ready signer's decisions (internal; `createUpvestSigner` is JavaScript, in
//! `js/signer.js`): the covered components, the signature base and the header values. Hashing
//! and signing are the platform's WebCrypto, in JavaScript; no cryptography is in the wasm.

use super::errors::{invalid_input, to_js};
use super::js_json::{set, Js};
use crate::core::ecdsa::raw_to_der;
use crate::core::error::ClientError;
use crate::core::signature::{
    content_digest, path_and_query, signature_base, signature_header, signature_params, Algorithm, Message, Parameters, SignerOptions,
    LABEL, VERSION,
};
use crate::core::text::{cat, decimal};
use js_sys::Object;
use wasm_bindgen::prelude::*;

/// A signer's checked options (internal).
#[wasm_bindgen(js_name = SignerCore, skip_typescript)]
pub struct SignerCore {
    options: SignerOptions,
}

fn signer_error(reason: &str) -> JsValue {
    to_js(&ClientError::Signer(reason.to_owned()), None, None)
}

#[wasm_bindgen(js_class = SignerCore)]
impl SignerCore {
    /// Checks `{ keyId, privateKey, algorithm, ttlSeconds? }` (a plain copy).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<SignerCore, JsValue> {
        Ok(SignerCore { options: SignerOptions::parse(Js::optional(options)).map_err(invalid_input)? })
    }

    /// The WebCrypto algorithm name (`ed25519` or `ecdsa-p521-sha512`).
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.options.algorithm.name().to_owned()
    }

    /// The signature base of a request and the headers to add but `signature`:
    /// `{ base, headers: { 'content-digest'?, 'signature-input', 'upvest-signature-version' } }`.
    /// `headers` is `[name, value, …]`; `sha512` the body's digest, when there is a body; `nonce`
    /// fresh random text from the glue (32 hex digits).
    pub fn prepare(
        &self,
        method: JsValue,
        url: JsValue,
        headers: Vec<JsValue>,
        body: Option<String>,
        sha512: Option<Vec<u8>>,
        now_ms: f64,
        nonce: String,
    ) -> Result<JsValue, JsValue> {
        let (Some(method), Some(url)) = (method.as_string(), url.as_string()) else {
            return Err(signer_error("the request needs a method and a url"));
        };
        let mut pairs: Vec<(String, String)> = headers
            .chunks(2)
            .filter_map(|pair| match pair {
                [name, value] => Some((name.as_string()?.to_ascii_lowercase(), value.as_string().unwrap_or_default())),
                _ => None,
            })
            .collect();
        let added = Object::new();
        if let (Some(body), Some(sha512)) = (&body, &sha512) {
            let digest = content_digest(sha512);
            // fetch sets content-length itself, to this same value; it is covered, not added.
            pairs.push(("content-length".into(), decimal(body.len() as u64)));
            pairs.push(("content-digest".into(), digest.clone()));
            set(&added, "content-digest", &digest.as_str().into());
        }
        let (path, query) = path_and_query(&url);
        let message = Message { method: &method, path, query, headers: &pairs };
        let components = message.required_components();
        let created = (now_ms / 1000.0) as u64;
        let parameters =
            Parameters { key_id: self.options.key_id.clone(), created, expires: created + u64::from(self.options.ttl_seconds), nonce };
        let base = signature_base(&message, &components, &parameters).map_err(|e| signer_error(&e))?;
        set(&added, "signature-input", &cat!(LABEL, "=", signature_params(&components, &parameters)).into());
        set(&added, "upvest-signature-version", &VERSION.into());
        let plan = Object::new();
        set(&plan, "base", &base.into());
        set(&plan, "headers", &added);
        Ok(plan.into())
    }

    /// The `signature` header for what WebCrypto signed (ECDSA as DER, as Upvest's examples).
    #[wasm_bindgen(js_name = signatureHeader)]
    pub fn signature_header(&self, raw: &[u8]) -> Result<String, JsValue> {
        let signature = match self.options.algorithm {
            Algorithm::Ed25519 => raw.to_vec(),
            Algorithm::EcdsaP521Sha512 => raw_to_der(raw).ok_or_else(|| signer_error("WebCrypto returned a malformed ECDSA signature"))?,
        };
        Ok(signature_header(&signature))
    }
}
