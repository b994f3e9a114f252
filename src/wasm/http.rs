//! One HTTP exchange over `fetch`: the global one (looked up at call time, like gloo-net does, so
//! Node and browsers share the code), or one the caller supplies; bounded by the attempt's time
//! limit and the caller's signal. The attempt itself runs in `js/runtime.js` (`exchange`), so it
//! crosses the boundary once; this module turns what it reports into the core's terms.

use super::runtime::{exchange, AttemptResult};
use crate::core::error::{ClientError, UnexpectedResponse};
use crate::core::request::Method;
use crate::core::response::{MAX_BODY_BYTES, MAX_BODY_MIB};
use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// What came back.
pub struct Exchange {
    pub status: u16,
    pub request_id: Option<String>,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    /// The body's bytes, still in JS memory: copied into wasm only when the core checks them.
    pub body: Uint8Array,
}

/// Why no usable response came back: a core error (with the platform's error as cause), or the
/// caller's abort reason, passed on as it is.
pub enum Failure {
    Client(ClientError, Option<JsValue>),
    Aborted(JsValue),
}

/// One attempt of a request.
pub struct Attempt<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Option<&'a str>,
    pub timeout_ms: u32,
    pub caller: Option<&'a AbortSignal>,
}

pub async fn send(fetch: Option<&Function>, attempt: &Attempt<'_>) -> Result<Exchange, Failure> {
    let mut lines = String::new();
    for (name, value) in attempt.headers {
        if !lines.is_empty() {
            lines.push('\n');
        }
        lines.push_str(name);
        lines.push(':');
        lines.push_str(value);
    }
    let started = exchange(
        fetch.cloned(),
        attempt.method.as_str(),
        attempt.url,
        &lines,
        attempt.body.map(str::to_owned),
        attempt.timeout_ms,
        attempt.caller.cloned(),
        MAX_BODY_BYTES,
    );
    let result: AttemptResult = JsFuture::from(started).await.map_err(network)?.unchecked_into();
    let status = result.status();
    match result.failure().as_str() {
        "" => Ok(Exchange {
            status,
            request_id: result.request_id(),
            content_type: result.content_type(),
            retry_after: result.retry_after(),
            body: result.body().unwrap_or_else(|| Uint8Array::new_with_length(0)),
        }),
        "aborted" => Err(Failure::Aborted(result.error())),
        "timeout" => Err(Failure::Client(ClientError::Timeout { after_ms: attempt.timeout_ms }, None)),
        "too-large" => {
            let reason = format!("the body is larger than {MAX_BODY_MIB} MiB");
            Err(Failure::Client(ClientError::Response(UnexpectedResponse { status, request_id: result.request_id(), reason }), None))
        }
        _ => Err(network(result.error())),
    }
}

/// A rejected fetch as a `NetworkError`, keeping what the platform said (and its cause's code,
/// where Node puts the reason).
fn network(error: JsValue) -> Failure {
    let read = |value: &JsValue, name: &str| Reflect::get(value, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    let message = read(&error, "message").or_else(|| error.as_string()).unwrap_or_else(|| "fetch failed".to_owned());
    let code = Reflect::get(&error, &JsValue::from_str("cause")).ok().and_then(|cause| read(&cause, "code"));
    let message = match code {
        Some(code) => format!("{message} ({code})"),
        None => message,
    };
    Failure::Client(ClientError::Network(message), Some(error))
}
