//! The exported `AccountGroups` class. Each method hands its arguments to the core, which checks
//! them and builds the request; the transport runs it and the result goes back to JS.

use super::cursor::{to_async_iterable, Cursor};
use super::errors::invalid_input as input_error;
use super::js_json::Js;
use super::runtime::with_response;
use super::tokens::TokenSource;
use super::transport::{function_option, Outcome, Transport};
use crate::core::config::ClientConfig;
use crate::core::error::{InputCode, InvalidInput};
use crate::core::json::JsonView;
use crate::core::paging::Pager;
use crate::core::request::{self, Request};
use crate::core::response::Expected;
use js_sys::Promise;
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
    base_url: String,
    transport: Transport,
    tokens: TokenSource,
}

#[wasm_bindgen]
impl AccountGroups {
    /// Checks the options; throws an `InvalidInputError` when one breaks a rule.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<AccountGroups, JsValue> {
        let options = Js::optional(options);
        let config = ClientConfig::parse(options.clone()).map_err(input_error)?;
        let tokens = match &config.access_token {
            Some(token) => TokenSource::Fixed(token.clone()),
            None => {
                let provider = function_option(options.as_ref(), "tokenProvider", "a function returning a promise of a token")?;
                // The core saw a tokenProvider, so it is there; absent here only if it is undefined.
                TokenSource::provider(provider.ok_or_else(|| invalid("tokenProvider", "must be a function returning a promise of a token"))?)
            }
        };
        let transport = Transport::from_options(options.as_ref(), config.retry, config.client_id, config.api_version)?;
        Ok(AccountGroups { inner: Rc::new(Inner { base_url: config.base_url, transport, tokens }) })
    }

    /// Creates an account group for a user or a business.
    pub fn create(&self, request: JsValue, options: JsValue) -> Promise {
        self.call(Expected::Group, &options, request::create(Js::optional(request), Js::optional(options.clone())))
    }

    /// Fetches one account group by id.
    pub fn get(&self, account_group_id: JsValue, options: JsValue) -> Promise {
        self.call(Expected::Group, &options, request::get(Js::optional(account_group_id), Js::optional(options.clone())))
    }

    /// Fetches one page of the tenant's account groups.
    pub fn list(&self, query: JsValue, options: JsValue) -> Promise {
        self.call(Expected::Page, &options, request::list(Js::optional(query), Js::optional(options.clone())))
    }

    /// Fetches one page of a user's account groups.
    #[wasm_bindgen(js_name = listForUser)]
    pub fn list_for_user(&self, user_id: JsValue, query: JsValue, options: JsValue) -> Promise {
        self.call(Expected::Page, &options, request::list_for_user(Js::optional(user_id), Js::optional(query), Js::optional(options.clone())))
    }

    /// Starts closing an account group; resolves with `{ status, requestId }` once accepted (202).
    pub fn close(&self, account_group_id: JsValue, close_options: JsValue, options: JsValue) -> Promise {
        let built = request::close(Js::optional(account_group_id), Js::optional(close_options), Js::optional(options.clone()));
        self.call(Expected::Accepted, &options, built)
    }

    /// Fetches the public keys Upvest signs webhooks with (`GET /auth/verify_keys`, a JWKS), for
    /// `createWebhookVerifier({ keys: () => client.verifyKeys() })`.
    #[wasm_bindgen(js_name = verifyKeys)]
    pub fn verify_keys(&self, options: JsValue) -> Promise {
        self.call(Expected::VerifyKeys, &options, request::verify_keys(Js::optional(options.clone())))
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
    /// Runs one call whose input the core has checked and built into `built`, before any
    /// request; its errors (a bad `signal` first) reject the promise (async methods never throw).
    /// One function and one future for every operation, neither generic, keep the wasm small.
    fn call(&self, expected: Expected, options: &JsValue, built: Result<Request, InvalidInput>) -> Promise {
        let checked = signal_of(options).and_then(|signal| Ok((built.map_err(input_error)?, signal)));
        future_to_promise(Self::finish(self.inner.clone(), expected, checked))
    }

    async fn finish(inner: Rc<Inner>, expected: Expected, checked: Result<(Request, Option<AbortSignal>), JsValue>) -> Result<JsValue, JsValue> {
        let (request, signal) = checked?;
        let outcome = inner.execute(&request, expected, signal.as_ref()).await?;
        // A 202 resolves with `{ status, requestId }`; a body carries it as `lastResponse`.
        Ok(with_response(&outcome.body, outcome.status, outcome.request_id))
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
        to_async_iterable(Cursor::new(self.inner.clone(), pager, signal))
    }
}

impl Inner {
    pub(super) async fn execute(&self, request: &Request, expected: Expected, signal: Option<&AbortSignal>) -> Result<Outcome, JsValue> {
        self.transport.run(&self.base_url, request, expected, Some(&self.tokens), signal).await
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
    input_error(InvalidInput::new(field, InputCode::Type, rule))
}
