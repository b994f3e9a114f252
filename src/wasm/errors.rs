//! Core errors become instances of the classes in `js/errors.js`, in this one place.

use crate::core::error::{ClientError, InvalidInput};
use super::js_json::set;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = createError)]
    fn create_error(kind: &str, message: &str, fields: &Object) -> JsValue;

    #[wasm_bindgen(js_name = isUpvestError)]
    fn is_upvest_error(value: &JsValue) -> bool;
}

/// An `InvalidInputError` for input that broke a rule.
pub fn invalid_input(error: InvalidInput) -> JsValue {
    to_js(&ClientError::InvalidInput(error), None, None)
}

/// What a user callback (token provider, signer) threw, as the caller should see it: an
/// `UpvestError` passes through unchanged (a token endpoint's `ProblemError` stays one); anything
/// else becomes `error`, with the thrown value as `cause`.
pub fn from_callback(thrown: JsValue, error: impl FnOnce(String) -> ClientError) -> JsValue {
    if is_upvest_error(&thrown) {
        return thrown;
    }
    let message = Reflect::get(&thrown, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| thrown.as_string())
        .unwrap_or_else(|| "it threw a value that is not an Error".to_owned());
    to_js(&error(message), None, Some(&thrown))
}

/// A JS error for a core error. `raw_body` is the parsed response body, kept on a `ProblemError`
/// as `problem`; `cause` is what a JS callee threw or rejected with.
pub fn to_js(error: &ClientError, raw_body: Option<&JsValue>, cause: Option<&JsValue>) -> JsValue {
    let fields = Object::new();
    let set = |name: &str, value: JsValue| set(&fields, name, &value);
    let text = |value: &Option<String>| value.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str);
    let kind = match error {
        ClientError::InvalidInput(e) => {
            set("field", e.field.as_str().into());
            set("code", e.code.as_str().into());
            set("rule", e.rule.as_str().into());
            "InvalidInputError"
        }
        ClientError::Problem(p) => {
            set("status", p.status.into());
            set("type", p.problem_type.as_str().into());
            set("title", text(&p.title));
            set("detail", text(&p.detail));
            set("instance", text(&p.instance));
            set("requestId", text(&p.request_id));
            set("problem", if p.from_body { raw_body.cloned().unwrap_or(JsValue::UNDEFINED) } else { JsValue::UNDEFINED });
            "ProblemError"
        }
        ClientError::Response(r) => {
            set("status", r.status.into());
            set("requestId", text(&r.request_id));
            "ResponseError"
        }
        ClientError::Network(_) => "NetworkError",
        ClientError::Timeout { after_ms } => {
            set("timeoutMs", (*after_ms).into());
            "TimeoutError"
        }
        ClientError::Signer(_) => "SignerError",
        ClientError::TokenProvider(_) => "UpvestError",
        // The wasm only judges the events' shape; size, encoding and JSON are judged in
        // `js/runtime.js`, which sets their codes.
        ClientError::Webhook(_) => {
            set("code", "shape".into());
            "WebhookError"
        }
    };
    if let Some(cause) = cause {
        set("cause", cause.clone());
    }
    create_error(kind, &error.to_string(), &fields)
}
