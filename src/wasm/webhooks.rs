//! Receiving webhooks: `parseWebhookEvents(rawBody, options?)` checks a delivery (after an
//! optional `verify` hook) and returns its events; `WebhookDeduplicator` drops redeliveries.

use super::errors::{from_callback, invalid_input as input_error, to_js};
use super::js_json::{set, Js};
use super::runtime::call_async;
use super::transport::function_option;
use crate::core::error::ClientError;
use crate::core::json::JsonView;
use crate::core::validate::{integer_in, member, options_object};
use crate::core::webhook::{events, max_body_bytes, RecentIds, PARSE_OPTION_NAMES};
use js_sys::{Array, Object, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

// The body stays in JavaScript: its size is measured and its text decoded and parsed there, so
// wasm memory (which never shrinks) is not grown to the size of whatever a sender posts. Both
// throw a `WebhookError` with its `code` for a body they refuse.
#[wasm_bindgen(module = "/js/runtime.js")]
extern "C" {
    #[wasm_bindgen(js_name = checkWebhookBodySize, catch)]
    fn check_body_size(raw: &JsValue, max_bytes: u32) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = parseWebhookBody, catch)]
    fn parse_body(raw: &JsValue) -> Result<JsValue, JsValue>;
}

/// Checks a webhook delivery and resolves with its events: the body's size first, then the
/// `verify` hook with the raw request (a rejection that is an `UpvestError`, such as a
/// `WebhookVerificationError`, passes through; any other becomes a `SignerError`), then the
/// JSON and the events' shape.
#[wasm_bindgen(js_name = parseWebhookEvents, skip_typescript)]
pub fn parse_webhook_events(raw_body: JsValue, options: JsValue) -> Promise {
    future_to_promise(parse(raw_body, options))
}

async fn parse(raw_body: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let options = options_object("options", Js::optional(options), PARSE_OPTION_NAMES).map_err(input_error)?;
    check_body_size(&raw_body, max_body_bytes(options.as_ref()).map_err(input_error)?)?;
    if let Some(verify) = function_option(options.as_ref(), "verify", "an async function")? {
        let request = Object::new();
        for name in ["method", "url", "headers"] {
            let value = options.as_ref().and_then(|o| o.field(name)).map_or(JsValue::UNDEFINED, |v| v.0);
            set(&request, name, &value);
        }
        set(&request, "body", &raw_body);
        JsFuture::from(call_async(&verify, &request)).await.map_err(|thrown| from_callback(thrown, ClientError::Signer))?;
    }
    let found = events(&Js(parse_body(&raw_body)?)).map_err(|reason| to_js(&ClientError::Webhook(reason), None, None))?;
    Ok(found.into_iter().map(|e| e.0).collect::<Array>().into())
}

/// Remembers the ids of the most recent events (10,000 unless `size` says otherwise), so that a
/// redelivered event is handled once.
#[wasm_bindgen(js_name = WebhookDeduplicator, skip_typescript)]
pub struct Deduplicator {
    seen: RefCell<RecentIds>,
}

#[wasm_bindgen(js_class = WebhookDeduplicator)]
impl Deduplicator {
    /// `new WebhookDeduplicator({ size? })`; throws `InvalidInputError` for a bad size.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Deduplicator, JsValue> {
        let options = options_object("options", Js::optional(options), &["size"]).map_err(input_error)?;
        let size = match options.as_ref().and_then(|o| member(o, "size")) {
            None => 10_000,
            Some(size) => integer_in("size", &size, 1, 10_000_000).map_err(input_error)?,
        };
        Ok(Deduplicator { seen: RefCell::new(RecentIds::new(size as usize)) })
    }

    /// True the first time an event id is seen (and remembers it).
    #[wasm_bindgen(js_name = isNew)]
    pub fn is_new(&self, id: &str) -> bool {
        self.seen.borrow_mut().first_time(id)
    }

    /// The events whose ids were not seen before, remembering them.
    pub fn filter(&self, events: &Array) -> Array {
        let mut seen = self.seen.borrow_mut();
        events
            .iter()
            .filter(|event| Reflect::get(event, &"id".into()).ok().and_then(|id| id.as_string()).is_some_and(|id| seen.first_time(&id)))
            .collect()
    }

    /// How many ids are remembered.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.seen.borrow().len()
    }
}
