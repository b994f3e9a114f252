//! The built-in token provider for Upvest's OAuth client-credentials flow (`POST /auth/token`),
//! exported as `clientCredentials(options)`, which returns a function to pass as `tokenProvider`.

use super::errors::invalid_input;
use super::js_json::{bound_method, Js};
use super::transport::Transport;
use crate::core::model::DEFAULT_API_VERSION;
use crate::core::request;
use crate::core::response::Expected;
use crate::core::retry::RetryPolicy;
use crate::core::token::ClientCredentials;
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// The state behind a `clientCredentials` provider (internal; users get a function).
#[wasm_bindgen(skip_typescript, js_name = ClientCredentialsProvider)]
pub struct Provider {
    inner: Rc<(ClientCredentials, Transport)>,
}

#[wasm_bindgen(js_class = ClientCredentialsProvider)]
impl Provider {
    /// Requests a token: resolves with `{ access_token, expires_in, token_type, scope }`.
    pub fn token(&self) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let (credentials, transport) = &*inner;
            let outcome = transport.run(&credentials.token_url, &request::token(credentials), Expected::Token, None, None).await?;
            Ok(outcome.body)
        })
    }
}

/// A token provider for `POST /auth/token` with client credentials; pass it as `tokenProvider`.
/// The token request is signed by `signer` when given, and carries no `authorization` header.
#[wasm_bindgen(js_name = clientCredentials, skip_typescript)]
pub fn client_credentials(options: JsValue) -> Result<Function, JsValue> {
    let options = Js::optional(options);
    let credentials = ClientCredentials::parse(options.clone()).map_err(invalid_input)?;
    let transport = Transport::from_options(options.as_ref(), RetryPolicy::default(), credentials.client_id.clone(), DEFAULT_API_VERSION.to_owned())?;
    bound_method(Provider { inner: Rc::new((credentials, transport)) }.into(), "token")
}
