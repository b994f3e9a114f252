//! The client's checked configuration, and the calls it plans (internal: the public
//! `AccountGroups` class is JavaScript, in `js/client.js`). Every argument arrives as plain data,
//! copied by the JavaScript glue, so reading it runs no caller code.

use super::call::CallCore;
use super::errors::{invalid_input, to_js};
use super::js_json::Js;
use crate::core::call::{Call, Route};
use crate::core::config::ClientConfig;
use crate::core::error::{ClientError, InvalidInput, ResponseCode, UnexpectedResponse};
use crate::core::json::{JsonKind, JsonView};
use crate::core::model::DEFAULT_API_VERSION;
use crate::core::paging::Pager;
use crate::core::request::{self, Request};
use crate::core::response::Expected;
use crate::core::retry::RetryPolicy;
use crate::core::seen_ids::SeenIds;
use crate::core::text::cat;
use crate::core::token::ClientCredentials;
use wasm_bindgen::prelude::*;

/// A client's configuration (internal).
#[wasm_bindgen(js_name = ClientCore, skip_typescript)]
pub struct ClientCore {
    route: Route,
    policy: RetryPolicy,
    access_token: Option<String>,
}

impl ClientCore {
    /// A checked call: the request, with the call's options (their names checked by the
    /// operation) over the client's.
    fn call(&self, request: Result<Request, InvalidInput>, options: &JsValue, expected: Expected) -> Result<CallCore, JsValue> {
        let request = request.map_err(invalid_input)?;
        Ok(CallCore::new(Call::new(request, &self.route, expected, self.policy_for(options)?, self.access_token.is_none())))
    }

    /// A call's `deadlineMs`, `timeoutMs` and `maxRetries` over the client's. (Its `headers` are
    /// handed to each `CallCore` by the glue, through `addHeaders`.)
    fn policy_for(&self, options: &JsValue) -> Result<RetryPolicy, JsValue> {
        match Js::optional(options.clone()).filter(|o| o.kind() == JsonKind::Object) {
            None => Ok(self.policy),
            Some(options) => self.policy.over(&options).map_err(invalid_input),
        }
    }
}

#[wasm_bindgen(js_class = ClientCore)]
impl ClientCore {
    /// Checks the constructor's options (a plain copy; function options stand as `true`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<ClientCore, JsValue> {
        let config = ClientConfig::parse(Js::optional(options)).map_err(invalid_input)?;
        let route = Route { base_url: config.base_url, client_id: config.client_id, api_version: config.api_version };
        Ok(ClientCore { route, policy: config.retry, access_token: config.access_token })
    }

    /// The fixed token, when the client has one (else a provider supplies them).
    #[wasm_bindgen(getter, js_name = accessToken)]
    pub fn access_token(&self) -> Option<String> {
        self.access_token.clone()
    }

    /// `create`; `fresh_key` is the idempotency key when the caller gives none (a random UUID v4
    /// the glue made).
    #[wasm_bindgen(js_name = create)]
    pub fn create(&self, input: JsValue, options: JsValue, fresh_key: String) -> Result<CallCore, JsValue> {
        self.call(request::create(Js::optional(input), Js::optional(options.clone()), &fresh_key), &options, Expected::Group)
    }

    /// `get`.
    pub fn get(&self, account_group_id: JsValue, options: JsValue) -> Result<CallCore, JsValue> {
        self.call(request::get(Js::optional(account_group_id), Js::optional(options.clone())), &options, Expected::Group)
    }

    /// `list`.
    pub fn list(&self, query: JsValue, options: JsValue) -> Result<CallCore, JsValue> {
        self.call(request::list(Js::optional(query), Js::optional(options.clone())), &options, Expected::Page)
    }

    /// `listForUser`.
    #[wasm_bindgen(js_name = listForUser)]
    pub fn list_for_user(&self, user_id: JsValue, query: JsValue, options: JsValue) -> Result<CallCore, JsValue> {
        self.call(
            request::list_for_user(Js::optional(user_id), Js::optional(query), Js::optional(options.clone())),
            &options,
            Expected::Page,
        )
    }

    /// `close`.
    pub fn close(&self, account_group_id: JsValue, close_options: JsValue, options: JsValue) -> Result<CallCore, JsValue> {
        self.call(
            request::close(Js::optional(account_group_id), Js::optional(close_options), Js::optional(options.clone())),
            &options,
            Expected::Accepted,
        )
    }

    /// `verifyKeys`.
    #[wasm_bindgen(js_name = verifyKeys)]
    pub fn verify_keys(&self, options: JsValue) -> Result<CallCore, JsValue> {
        self.call(request::verify_keys(Js::optional(options.clone())), &options, Expected::VerifyKeys)
    }

    /// The pages of `iterate` (`for_user`: of `iterateForUser`). `seed`, a random number in
    /// [0, 1), keys the memory of the groups yielded.
    pub fn pager(&self, user_id: JsValue, for_user: bool, query: JsValue, options: JsValue, seed: f64) -> Result<PagerCore, JsValue> {
        request::call_options(Js::optional(options.clone()), request::CALL_OPTION_NAMES).map_err(invalid_input)?;
        let user_id = for_user.then(|| Js::optional(user_id));
        let pager = Pager::new(user_id, Js::optional(query)).map_err(invalid_input)?;
        Ok(PagerCore {
            pager,
            seen: SeenIds::new((seed * 9_007_199_254_740_992.0) as u64),
            route: self.route.clone(),
            policy: self.policy_for(&options)?,
            refreshable: self.access_token.is_none(),
        })
    }
}

/// The paging of one iteration (internal).
#[wasm_bindgen(js_name = PagerCore, skip_typescript)]
pub struct PagerCore {
    pager: Pager,
    /// The groups yielded so far.
    seen: SeenIds,
    route: Route,
    policy: RetryPolicy,
    refreshable: bool,
}

#[wasm_bindgen(js_class = PagerCore)]
impl PagerCore {
    /// The call for the next page, or `undefined` when every page was seen.
    pub fn next(&self) -> Option<CallCore> {
        let request = self.pager.next_request()?;
        Some(CallCore::new(Call::new(request, &self.route, Expected::Page, self.policy, self.refreshable)))
    }

    /// Takes in a page (checked against the contract): its `meta.offset`, its groups' ids joined
    /// (36 characters each) and its `meta.total_count`. Gives the positions of the groups this
    /// iteration yielded before, which the glue skips; the rest count as yielded from now. A
    /// `ResponseError` for a page this iteration cannot take.
    pub fn advance(&mut self, offset: f64, ids: &str, total_count: f64, request_id: Option<String>) -> Result<Vec<u32>, JsValue> {
        let received = (ids.len() / 36) as u32;
        let taken = match self.seen.take_page(ids.as_bytes()) {
            Some(repeats) => self.pager.advance(offset, received, total_count, repeats.len() as u32).map(|()| repeats),
            None => Err("a group's id is not a UUID".to_owned()),
        };
        taken.map_err(|reason| {
            let reason = cat!("paging: ", reason);
            to_js(&ClientError::Response(UnexpectedResponse { code: ResponseCode::Paging, status: 200, request_id, reason }), None, None)
        })
    }
}

/// The token request of a `clientCredentials` provider (internal).
#[wasm_bindgen(js_name = CredentialsCore, skip_typescript)]
pub struct CredentialsCore {
    credentials: ClientCredentials,
    route: Route,
}

#[wasm_bindgen(js_class = CredentialsCore)]
impl CredentialsCore {
    /// Checks `clientCredentials`'s options (a plain copy; `fetch` and `signer` stand as `true`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<CredentialsCore, JsValue> {
        let credentials = ClientCredentials::parse(Js::optional(options)).map_err(invalid_input)?;
        // The request's path is empty: the token URL is the base.
        let route = Route {
            base_url: credentials.token_url.clone(),
            client_id: credentials.client_id.clone(),
            api_version: DEFAULT_API_VERSION.to_owned(),
        };
        Ok(CredentialsCore { credentials, route })
    }

    /// One token request, unsigned by a token of its own.
    pub fn call(&self) -> CallCore {
        CallCore::new(Call::new(request::token(&self.credentials), &self.route, Expected::Token, RetryPolicy::default(), false))
    }
}
