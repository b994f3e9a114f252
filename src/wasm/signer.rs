//! The ready signer for Upvest's HTTP Message Signatures (v15), exported as
//! `createUpvestSigner(options)`: a function to pass as `signer`. The signature base comes from
//! the core; hashing and signing from the platform's WebCrypto (`js/crypto.js`).

use super::errors::{from_callback, invalid_input, to_js};
use super::js_json::{bound_method, set, Js};
use crate::core::error::ClientError;
use crate::core::json::JsonView;
use crate::core::signature::{
    content_digest, ecdsa_raw_to_der, path_and_query, signature_base, signature_header, signature_params, Algorithm, Message, Parameters,
    SignerOptions, LABEL, VERSION,
};
use js_sys::{Date, Function, Object, Promise, Uint8Array};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen(module = "/js/crypto.js")]
extern "C" {
    fn sha512(text: &str) -> Promise;
    #[wasm_bindgen(js_name = importSigningKey)]
    fn import_signing_key(private_key: &JsValue, algorithm: &str) -> Promise;
    #[wasm_bindgen(js_name = signText)]
    fn sign_text(key: &JsValue, algorithm: &str, text: &str) -> Promise;
}

/// The state behind a `createUpvestSigner` signer (internal; users get a function).
#[wasm_bindgen(skip_typescript, js_name = UpvestSignerState)]
pub struct Signer {
    inner: Rc<State>,
}

struct State {
    options: SignerOptions,
    /// The imported key, shared by every signature (imported once, on first use).
    key: Promise,
}

#[wasm_bindgen(js_class = UpvestSignerState)]
impl Signer {
    /// Signs `{ method, url, headers, body }`; resolves with the headers to add.
    pub fn sign(&self, request: JsValue) -> Promise {
        future_to_promise(sign(self.inner.clone(), Js(request)))
    }
}

/// A signer for Upvest's HTTP Message Signatures v15 (label `sig1`, Ed25519 or ECDSA P-521 with
/// SHA-512); pass it as `signer`, to the client and to `clientCredentials`.
#[wasm_bindgen(js_name = createUpvestSigner, skip_typescript)]
pub fn create_upvest_signer(options: JsValue) -> Result<Function, JsValue> {
    let options_view = Js::optional(options);
    let options = SignerOptions::parse(options_view.clone()).map_err(invalid_input)?;
    let private_key = options_view.and_then(|o| o.field("privateKey")).map_or(JsValue::UNDEFINED, |k| k.0);
    let key = import_signing_key(&private_key, options.algorithm.name());
    bound_method(Signer { inner: Rc::new(State { options, key }) }.into(), "sign")
}

async fn sign(state: Rc<State>, request: Js) -> Result<JsValue, JsValue> {
    let failed = |reason: String| to_js(&ClientError::Signer(reason), None, None);
    let text = |name: &str| request.field(name).and_then(|v| v.string());
    let (method, url) = text("method").zip(text("url")).ok_or_else(|| failed("the request needs a method and a url".into()))?;
    let body = text("body");
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(given) = request.field("headers") {
        for name in given.keys() {
            let value = given.field(&name).and_then(|v| v.string()).unwrap_or_default();
            headers.push((name.to_ascii_lowercase(), value));
        }
    }
    let added = Object::new();
    if let Some(body) = &body {
        let digest = JsFuture::from(sha512(body)).await.map_err(|e| from_callback(e, ClientError::Signer))?;
        let digest = content_digest(&Uint8Array::new(&digest).to_vec());
        // fetch sets content-length itself, to this same value; it is covered, not added.
        headers.push(("content-length".into(), body.len().to_string()));
        headers.push(("content-digest".into(), digest.clone()));
        set(&added, "content-digest", &digest.as_str().into());
    }
    let (path, query) = path_and_query(&url);
    let message = Message { method: &method, path, query, headers: &headers };
    let components = message.required_components();
    let created = (Date::now() / 1000.0) as u64;
    let parameters = Parameters {
        key_id: state.options.key_id.clone(),
        created,
        expires: created + u64::from(state.options.ttl_seconds),
        nonce: uuid::Uuid::new_v4().simple().to_string(),
    };
    let base = signature_base(&message, &components, &parameters).map_err(failed)?;
    let algorithm = state.options.algorithm;
    let key = JsFuture::from(state.key.clone()).await.map_err(|e| from_callback(e, ClientError::Signer))?;
    let raw = JsFuture::from(sign_text(&key, algorithm.name(), &base)).await.map_err(|e| from_callback(e, ClientError::Signer))?;
    let raw = Uint8Array::new(&raw).to_vec();
    let signature = match algorithm {
        Algorithm::Ed25519 => raw,
        Algorithm::EcdsaP521Sha512 => ecdsa_raw_to_der(&raw).ok_or_else(|| failed("WebCrypto returned a malformed ECDSA signature".into()))?,
    };
    set(&added, "signature", &signature_header(&signature).into());
    set(&added, "signature-input", &format!("{LABEL}={}", signature_params(&components, &parameters)).into());
    set(&added, "upvest-signature-version", &VERSION.into());
    Ok(added.into())
}
