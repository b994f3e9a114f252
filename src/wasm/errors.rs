//! Core errors become instances of the classes in `js/errors.js`, in this one place.

use super::js_json::set;
use crate::core::error::{ClientError, InvalidInput};
use js_sys::Object;
use wasm_bindgen::prelude::*;

// Our own constructor, given plain values: it cannot throw.
#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = createError)]
    fn create_error(kind: &str, message: &str, fields: &Object) -> JsValue;
}

/// An `InvalidInputError` for input that broke a rule.
pub fn invalid_input(error: InvalidInput) -> JsValue {
    to_js(&ClientError::InvalidInput(error), None, None)
}

/// A JS error for a core error. `raw_body` is the parsed response body, kept on a `ProblemError`
/// as `problem`; `cause` is what a JS callee threw or rejected with.
pub fn to_js(error: &ClientError, raw_body: Option<&JsValue>, cause: Option<&JsValue>) -> JsValue {
    let fields = Object::new();
    let set = |name: &str, value: JsValue| set(&fields, name, &value);
    let text = |value: &Option<String>| value.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str);
    match error {
        ClientError::InvalidInput(e) => {
            set("field", e.field.as_str().into());
            set("code", e.code.as_str().into());
            set("rule", e.rule.as_str().into());
        }
        ClientError::Problem(p) => {
            set("status", p.status.into());
            set("type", p.problem_type.as_str().into());
            set("title", text(&p.title));
            set("detail", text(&p.detail));
            set("instance", text(&p.instance));
            set("requestId", text(&p.request_id));
            set("problem", if p.from_body { raw_body.cloned().unwrap_or(JsValue::UNDEFINED) } else { JsValue::UNDEFINED });
        }
        ClientError::Response(r) => {
            set("code", r.code.as_str().into());
            set("status", r.status.into());
            set("requestId", text(&r.request_id));
        }
        ClientError::Timeout { after_ms } => set("timeoutMs", (*after_ms).into()),
        // The wasm only judges the events' shape; size, encoding and JSON are judged in
        // `js/runtime.js`, which sets their codes.
        ClientError::Webhook(_) => set("code", "shape".into()),
        ClientError::Network(_) | ClientError::Signer(_) | ClientError::TokenProvider(_) => {}
    }
    if let Some(cause) = cause {
        set("cause", cause.clone());
    }
    create_error(error_name(error), &error.message(), &fields)
}

/// The JS error class a core error becomes.
pub fn error_name(error: &ClientError) -> &'static str {
    match error {
        ClientError::InvalidInput(_) => "InvalidInputError",
        ClientError::Problem(_) => "ProblemError",
        ClientError::Response(_) => "ResponseError",
        ClientError::Network(_) => "NetworkError",
        ClientError::Timeout { .. } => "TimeoutError",
        ClientError::Signer(_) => "SignerError",
        ClientError::TokenProvider(_) => "UpvestError",
        ClientError::Webhook(_) => "WebhookError",
    }
}
