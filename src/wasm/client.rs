//! The exported `AccountGroups` class. Each method hands its arguments to the core, which checks
//! them and builds the request, then runs the exchange and gives the core's verdict back to JS.

use super::errors::to_js;
use super::http::{send, Attempt, Failure};
use super::js_json::Js;
use crate::core::config::ClientConfig;
use crate::core::error::{ClientError, InvalidInput};
use crate::core::json::JsonView;
use crate::core::request::{self, Request};
use crate::core::response::{interpret, is_json_media_type, Expected};
use js_sys::{Function, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

/// A client for the Account Groups endpoints.
///
/// Its TypeScript declarations are written by hand in `js/types.d.ts` (skip_typescript here), so
/// that optional parameters, overloads and open enums read exactly as intended.
#[wasm_bindgen(skip_typescript)]
pub struct AccountGroups {
    // Shared with in-flight calls, so no borrow of `self` is held across an await.
    inner: Rc<Inner>,
}

struct Inner {
    config: ClientConfig,
    fetch: Option<Function>,
}

#[wasm_bindgen]
impl AccountGroups {
    /// Checks the options; throws an `InvalidInputError` when one breaks a rule.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<AccountGroups, JsValue> {
        let options = Js::optional(options);
        let config = ClientConfig::parse(options.clone()).map_err(|e| to_js(&e.into(), None, None))?;
        let fetch = match options.as_ref().and_then(|o| o.field("fetch")) {
            None => None,
            Some(f) => Some(f.0.dyn_into::<Function>().map_err(|_| invalid("fetch", "must be a function like globalThis.fetch"))?),
        };
        Ok(AccountGroups { inner: Rc::new(Inner { config, fetch }) })
    }

    /// Creates an account group for a user or a business.
    pub fn create(&self, request: JsValue, options: JsValue) -> Promise {
        let signal = signal_of(&options);
        self.run(Expected::Group, signal, move || request::create(Js::optional(request), Js::optional(options)))
    }

    /// Fetches one account group by id.
    pub fn get(&self, account_group_id: JsValue, options: JsValue) -> Promise {
        let signal = signal_of(&options);
        self.run(Expected::Group, signal, move || request::get(Js::optional(account_group_id)))
    }

    /// Fetches one page of the tenant's account groups.
    pub fn list(&self, query: JsValue, options: JsValue) -> Promise {
        let signal = signal_of(&options);
        self.run(Expected::Page, signal, move || request::list(Js::optional(query)))
    }

    /// Fetches one page of a user's account groups.
    #[wasm_bindgen(js_name = listForUser)]
    pub fn list_for_user(&self, user_id: JsValue, query: JsValue, options: JsValue) -> Promise {
        let signal = signal_of(&options);
        self.run(Expected::Page, signal, move || request::list_for_user(Js::optional(user_id), Js::optional(query)))
    }

    /// Starts closing an account group; resolves once the API accepted (202).
    pub fn close(&self, account_group_id: JsValue, close_options: JsValue, options: JsValue) -> Promise {
        let signal = signal_of(&options);
        self.run(Expected::Accepted, signal, move || request::close(Js::optional(account_group_id), Js::optional(close_options)))
    }
}

impl AccountGroups {
    /// Builds the request (its errors reject the promise: async methods never throw) and runs it.
    fn run(&self, expected: Expected, signal: Option<AbortSignal>, build: impl FnOnce() -> Result<Request, InvalidInput> + 'static) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let request = build().map_err(|e| to_js(&e.into(), None, None))?;
            inner.execute(&request, expected, signal.as_ref()).await
        })
    }
}

impl Inner {
    async fn execute(&self, request: &Request, expected: Expected, signal: Option<&AbortSignal>) -> Result<JsValue, JsValue> {
        let url = request.url(&self.config.base_url);
        let headers = request.headers(&self.config, &self.config.access_token);
        let attempt = Attempt { method: request.method, url: &url, headers: &headers, body: request.body.as_deref(), signal };
        let exchange = send(self.fetch.as_ref(), &attempt).await.map_err(|failure| match failure {
            Failure::Aborted(reason) => reason,
            Failure::Client(error, cause) => to_js(&error, None, cause.as_ref()),
        })?;
        let content_type = exchange.content_type.as_deref();
        let parsed = if is_json_media_type(content_type) { js_sys::JSON::parse(&exchange.body).ok().map(Js) } else { None };
        let raw = parsed.as_ref().map(|p| p.0.clone());
        match interpret(expected, exchange.status, exchange.request_id, content_type, parsed) {
            Ok(body) => Ok(body.map_or(JsValue::UNDEFINED, |b| b.0)),
            Err(error) => Err(to_js(&error, raw.as_ref(), None)),
        }
    }
}

/// The `signal` of a call's options, when it is an `AbortSignal`. Other values are left to the
/// core's option check.
fn signal_of(options: &JsValue) -> Option<AbortSignal> {
    if !options.is_object() {
        return None;
    }
    Reflect::get(options, &JsValue::from_str("signal")).ok().and_then(|s| s.dyn_into::<AbortSignal>().ok())
}

fn invalid(field: &str, rule: &str) -> JsValue {
    to_js(&ClientError::InvalidInput(InvalidInput::new(field, rule)), None, None)
}
