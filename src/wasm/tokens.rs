//! What a token provider resolved with, judged by the core (internal): the token, and until when
//! it may be used. The provider itself is called by the JavaScript glue (`js/tokens.js`).

use super::errors::to_js;
use super::js_json::{set, Js};
use crate::core::error::ClientError;
use crate::core::token::Token;
use js_sys::Object;
use wasm_bindgen::prelude::*;

/// `{ token, usableUntil }` for a provider's result (a plain copy): a token string, or
/// `{ access_token, expires_in? }`. An `UpvestError` otherwise.
#[wasm_bindgen(js_name = checkProvidedToken, skip_typescript)]
pub fn check_provided_token(value: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let token = Token::from_provider(&Js(value)).map_err(|reason| to_js(&ClientError::TokenProvider(reason), None, None))?;
    let checked = Object::new();
    set(&checked, "usableUntil", &token.usable_until(now_ms).into());
    set(&checked, "token", &token.access_token.into());
    Ok(checked.into())
}
