//! The exported `AccountGroups` class. Each method hands its arguments to the core, which checks
//! them and builds the request, then runs the exchange and gives the core's verdict back to JS.

use super::cursor::{iterable, Cursor};
use super::errors::to_js;
use super::http::{send, Attempt, Failure};
use super::js_json::Js;
use crate::core::config::ClientConfig;
use crate::core::error::{ClientError, InvalidInput};
use crate::core::json::JsonView;
use crate::core::paging::Pager;
use crate::core::request::{self, Request};
use crate::core::response::{interpret, is_json_media_type, Expected};
use js_sys::{Function, Object, Promise, Reflect};
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

pub(super) struct Inner {
    config: ClientConfig,
    fetch: Option<Function>,
}

/// A response that met the contract.
pub(super) struct Outcome {
    /// The parsed body; `undefined` for a 202.
    pub body: JsValue,
    /// `{ status, requestId }`, as callers see it under `lastResponse`.
    pub meta: Object,
}

#[wasm_bindgen]
impl AccountGroups {
    /// Checks the options; throws an `InvalidInputError` when one breaks a rule.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<AccountGroups, JsValue> {
        let options = Js::optional(options);
        let config = ClientConfig::parse(options.clone()).map_err(input_error)?;
        let fetch = match options.as_ref().and_then(|o| o.field("fetch")) {
            None => None,
            Some(f) => Some(f.0.dyn_into::<Function>().map_err(|_| invalid("fetch", "must be a function like globalThis.fetch"))?),
        };
        Ok(AccountGroups { inner: Rc::new(Inner { config, fetch }) })
    }

    /// Creates an account group for a user or a business.
    pub fn create(&self, request: JsValue, options: JsValue) -> Promise {
        self.call(Expected::Group, options, move |options| request::create(Js::optional(request), options))
    }

    /// Fetches one account group by id.
    pub fn get(&self, account_group_id: JsValue, options: JsValue) -> Promise {
        self.call(Expected::Group, options, move |options| request::get(Js::optional(account_group_id), options))
    }

    /// Fetches one page of the tenant's account groups.
    pub fn list(&self, query: JsValue, options: JsValue) -> Promise {
        self.call(Expected::Page, options, move |options| request::list(Js::optional(query), options))
    }

    /// Fetches one page of a user's account groups.
    #[wasm_bindgen(js_name = listForUser)]
    pub fn list_for_user(&self, user_id: JsValue, query: JsValue, options: JsValue) -> Promise {
        self.call(Expected::Page, options, move |options| request::list_for_user(Js::optional(user_id), Js::optional(query), options))
    }

    /// Starts closing an account group; resolves with `{ status, requestId }` once accepted (202).
    pub fn close(&self, account_group_id: JsValue, close_options: JsValue, options: JsValue) -> Promise {
        self.call(Expected::Accepted, options, move |options| {
            request::close(Js::optional(account_group_id), Js::optional(close_options), options)
        })
    }

    /// Every account group, page by page as the loop asks for them.
    pub fn iterate(&self, query: JsValue, options: JsValue) -> JsValue {
        self.iterable(None, query, options)
    }

    /// Every account group of one user, page by page as the loop asks for them.
    #[wasm_bindgen(js_name = iterateForUser)]
    pub fn iterate_for_user(&self, user_id: JsValue, query: JsValue, options: JsValue) -> JsValue {
        self.iterable(Some(Js::optional(user_id)), query, options)
    }
}

impl AccountGroups {
    /// Runs one call. Input errors reject the promise (async methods never throw), before any
    /// request is sent.
    fn call(
        &self,
        expected: Expected,
        options: JsValue,
        build: impl FnOnce(Option<Js>) -> Result<Request, InvalidInput> + 'static,
    ) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let signal = signal_of(&options)?;
            let request = build(Js::optional(options)).map_err(input_error)?;
            let outcome = inner.execute(&request, expected, signal.as_ref()).await?;
            if expected == Expected::Accepted {
                return Ok(outcome.meta.into());
            }
            // Non-enumerable, so the body still equals (and serialises as) what the API sent.
            let descriptor = Object::new();
            let _ = Reflect::set(&descriptor, &"value".into(), &outcome.meta);
            Object::define_property(outcome.body.unchecked_ref::<Object>(), &JsValue::from_str("lastResponse"), &descriptor);
            Ok(outcome.body)
        })
    }

    fn iterable(&self, user_id: Option<Option<Js>>, query: JsValue, options: JsValue) -> JsValue {
        // Bad input surfaces as the rejection of the first `next()`, so `iterate` itself never
        // throws and `for await` sees every error in one place.
        let checked = (|| {
            let signal = signal_of(&options)?;
            request::call_options(Js::optional(options.clone()), request::CALL_OPTION_NAMES).map_err(input_error)?;
            let pager = Pager::new(user_id, Js::optional(query)).map_err(input_error)?;
            Ok((pager, signal))
        })();
        let (pager, signal) = match checked {
            Ok((pager, signal)) => (Ok(pager), signal),
            Err(error) => (Err(error), None),
        };
        iterable(Cursor::new(self.inner.clone(), pager, signal))
    }
}

impl Inner {
    pub(super) async fn execute(&self, request: &Request, expected: Expected, signal: Option<&AbortSignal>) -> Result<Outcome, JsValue> {
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
        let meta = Object::new();
        let _ = Reflect::set(&meta, &"status".into(), &exchange.status.into());
        let request_id = exchange.request_id.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str);
        let _ = Reflect::set(&meta, &"requestId".into(), &request_id);
        match interpret(expected, exchange.status, exchange.request_id, content_type, parsed) {
            Ok(body) => Ok(Outcome { body: body.map_or(JsValue::UNDEFINED, |b| b.0), meta }),
            Err(error) => Err(to_js(&error, raw.as_ref(), None)),
        }
    }
}

/// The `signal` of a call's options: absent, or an `AbortSignal`.
fn signal_of(options: &JsValue) -> Result<Option<AbortSignal>, JsValue> {
    match Js(options.clone()).field("signal") {
        None => Ok(None),
        Some(signal) => signal.0.dyn_into::<AbortSignal>().map(Some).map_err(|_| invalid("signal", "must be an AbortSignal")),
    }
}

fn invalid(field: &str, rule: &str) -> JsValue {
    input_error(InvalidInput::new(field, rule))
}

fn input_error(error: InvalidInput) -> JsValue {
    to_js(&ClientError::InvalidInput(error), None, None)
}
