//! Where a request's bearer token comes from: a fixed string, or a provider called lazily, kept
//! until shortly before it expires, shared by concurrent calls (one provider call for N
//! waiting requests), and asked again once after a 401.

use super::errors::from_callback;
use super::js_json::Js;
use super::runtime::{call_async, until_aborted};
use crate::core::error::ClientError;
use crate::core::token::Token;
use js_sys::{Date, Function, Promise};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

pub enum TokenSource {
    Fixed(String),
    Provider { provider: Function, state: RefCell<Cache> },
}

#[derive(Default)]
pub struct Cache {
    token: Option<(String, f64)>,
    /// The provider call in flight, which every caller that needs a token awaits.
    pending: Option<Promise>,
}

impl TokenSource {
    pub fn provider(provider: Function) -> TokenSource {
        TokenSource::Provider { provider, state: RefCell::new(Cache::default()) }
    }

    /// A token to send now.
    pub async fn current(&self, caller: Option<&AbortSignal>) -> Result<String, JsValue> {
        let (provider, state) = match self {
            TokenSource::Fixed(token) => return Ok(token.clone()),
            TokenSource::Provider { provider, state } => (provider, state),
        };
        // The borrow ends before the await: other calls may read the cache meanwhile.
        let pending = {
            let mut cache = state.borrow_mut();
            if let Some((token, until)) = &cache.token {
                if Date::now() < *until {
                    return Ok(token.clone());
                }
            }
            cache.pending.get_or_insert_with(|| call_async(provider, &JsValue::UNDEFINED)).clone()
        };
        let waited = match caller {
            Some(signal) => until_aborted(&pending, signal),
            None => pending.clone(),
        };
        let result = JsFuture::from(waited).await;
        let mut cache = state.borrow_mut();
        if cache.pending.as_ref().is_some_and(|p| JsValue::from(p) == JsValue::from(&pending)) {
            cache.pending = None;
        }
        if let Some(signal) = caller.filter(|s| s.aborted()) {
            return Err(signal.reason());
        }
        let value = result.map_err(|thrown| from_callback(thrown, ClientError::TokenProvider))?;
        let token = Token::from_provider(&Js(value)).map_err(|reason| super::errors::to_js(&ClientError::TokenProvider(reason), None, None))?;
        cache.token = Some((token.access_token.clone(), token.usable_until(Date::now())));
        Ok(token.access_token)
    }

    /// Whether a 401 may be answered by asking for a new token.
    pub fn refreshable(&self) -> bool {
        matches!(self, TokenSource::Provider { .. })
    }

    /// Forgets `used`, after the API refused it, so the next request asks the provider again.
    pub fn forget(&self, used: &str) {
        if let TokenSource::Provider { state, .. } = self {
            let mut cache = state.borrow_mut();
            if cache.token.as_ref().is_some_and(|(token, _)| token == used) {
                cache.token = None;
            }
        }
    }
}
