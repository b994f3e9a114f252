//! Webhook decisions (internal; `parseWebhookEvents` and `WebhookDeduplicator` are JavaScript,
//! in `js/webhook-events.js`): the options, and the events a parsed delivery holds. The body
//! itself never enters wasm memory; only the parsed value (the glue's own `JSON.parse`) is read.

use super::errors::{invalid_input, to_js};
use super::js_json::{set, Js};
use crate::core::error::ClientError;
use crate::core::validate::{integer_in, member, options_object};
use crate::core::webhook::{events, max_body_bytes, PARSE_OPTION_NAMES};
use js_sys::Object;
use wasm_bindgen::prelude::*;

/// `{ maxBodyBytes }` from `parseWebhookEvents`'s options (a plain copy; `verify` stands as
/// `true`); an `InvalidInputError` for a bad one.
#[wasm_bindgen(js_name = webhookOptions, skip_typescript)]
pub fn webhook_options(options: JsValue) -> Result<JsValue, JsValue> {
    let options = options_object("options", Js::optional(options), PARSE_OPTION_NAMES).map_err(invalid_input)?;
    let checked = Object::new();
    set(&checked, "maxBodyBytes", &max_body_bytes(options.as_ref()).map_err(invalid_input)?.into());
    Ok(checked.into())
}

/// The events of a parsed delivery, in the order sent; a `WebhookError` (`code: 'shape'`) that
/// names what is wrong otherwise.
#[wasm_bindgen(js_name = webhookEvents, skip_typescript)]
pub fn webhook_events(parsed: JsValue) -> Result<Vec<JsValue>, JsValue> {
    // A Vec, which the glue turns into an array: `Array`'s constructor and `push` would be
    // imports of their own.
    let found = events(&Js(parsed)).map_err(|reason| to_js(&ClientError::Webhook(reason), None, None))?;
    Ok(found.into_iter().map(|event| event.0).collect())
}

/// How many ids a `WebhookDeduplicator` keeps: `size`, 1 to 10,000,000, default 10,000.
#[wasm_bindgen(js_name = deduplicatorSize, skip_typescript)]
pub fn deduplicator_size(options: JsValue) -> Result<u32, JsValue> {
    let options = options_object("options", Js::optional(options), &["size"]).map_err(invalid_input)?;
    match options.as_ref().and_then(|o| member(o, "size")) {
        None => Ok(10_000),
        Some(size) => integer_in("size", &size, 1, 10_000_000).map_err(invalid_input),
    }
}
