//! Core errors become instances of the classes in `js/errors.js`, in this one place.

use super::js_json::set;
use crate::core::error::{ClientError, InvalidInput};
use js_sys::Object;
use upvest_api::seam::field::*;
use upvest_api::seam::{ErrorClass, WebhookCode};
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
    // A field's name only: its TypeScript type, beside it in the seam, stays out of the wasm.
    let set = |name: &str, value: JsValue| set(&fields, name, &value);
    let text = |value: &Option<String>| value.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str);
    match error {
        ClientError::InvalidInput(e) => {
            set(FIELD.name, e.field.as_str().into());
            set(INPUT_CODE.name, e.code.as_str().into());
            set(RULE.name, e.rule.as_str().into());
        }
        ClientError::Problem(p) => {
            set(STATUS.name, p.status.into());
            set(TYPE.name, p.problem_type.as_str().into());
            set(TITLE.name, text(&p.title));
            set(DETAIL.name, text(&p.detail));
            set(INSTANCE.name, text(&p.instance));
            set(REQUEST_ID.name, text(&p.request_id));
            set(PROBLEM.name, if p.from_body { raw_body.cloned().unwrap_or(JsValue::UNDEFINED) } else { JsValue::UNDEFINED });
        }
        ClientError::Response(r) => {
            set(RESPONSE_CODE.name, r.code.as_str().into());
            set(STATUS.name, r.status.into());
            set(REQUEST_ID.name, text(&r.request_id));
        }
        ClientError::Timeout { after_ms } => set(TIMEOUT_MS.name, (*after_ms).into()),
        // The wasm only judges the events' shape; size, encoding and JSON are judged in
        // `js/webhook-body.js`, which sets their codes.
        ClientError::Webhook(_) => set(WEBHOOK_CODE.name, WebhookCode::Shape.as_str().into()),
        ClientError::Network(_) | ClientError::Signer(_) | ClientError::TokenProvider(_) => {}
    }
    if let Some(cause) = cause {
        set(CAUSE.name, cause.clone());
    }
    create_error(error_class(error).name(), &error.message(), &fields)
}

/// The JS error class a core error becomes.
pub fn error_class(error: &ClientError) -> ErrorClass {
    match error {
        ClientError::InvalidInput(_) => ErrorClass::InvalidInput,
        ClientError::Problem(_) => ErrorClass::Problem,
        ClientError::Response(_) => ErrorClass::Response,
        ClientError::Network(_) => ErrorClass::Network,
        ClientError::Timeout { .. } => ErrorClass::Timeout,
        ClientError::Signer(_) => ErrorClass::Signer,
        ClientError::TokenProvider(_) => ErrorClass::Upvest,
        ClientError::Webhook(_) => ErrorClass::Webhook,
    }
}
