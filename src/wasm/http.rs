//! One HTTP exchange over `fetch`: the global one (bound like gloo-net does, so Node and browsers
//! share the code), or one the caller supplies; bounded by the attempt's time limit and the
//! caller's signal.

use super::runtime::{until_aborted, AttemptTimer};
use crate::core::error::{ClientError, UnexpectedResponse};
use crate::core::request::Method;
use crate::core::response::{MAX_BODY_BYTES, MAX_BODY_MIB};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, RequestRedirect, Response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;
}

/// What came back.
pub struct Exchange {
    pub status: u16,
    pub request_id: Option<String>,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    /// The body as text, copied into wasm memory for the core to check.
    pub body: String,
    /// The same text as the JS string it came as, for `JSON.parse` without a copy back.
    pub body_js: JsValue,
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
    if let Some(signal) = attempt.caller.filter(|s| s.aborted()) {
        return Err(Failure::Aborted(signal.reason()));
    }
    let timer = AttemptTimer::new(attempt.timeout_ms, attempt.caller.cloned());
    let result = exchange(fetch, attempt, &timer).await;
    timer.dispose();
    result.map_err(|error| match attempt.caller.filter(|s| s.aborted()) {
        Some(signal) => Failure::Aborted(signal.reason()),
        None if timer.timed_out() => Failure::Client(ClientError::Timeout { after_ms: attempt.timeout_ms }, None),
        None => error,
    })
}

async fn exchange(fetch: Option<&Function>, attempt: &Attempt<'_>, timer: &AttemptTimer) -> Result<Exchange, Failure> {
    let headers = Headers::new().map_err(network)?;
    for (name, value) in attempt.headers {
        headers.append(name, value).map_err(network)?;
    }
    let signal = timer.signal();
    let init = RequestInit::new();
    init.set_method(attempt.method.as_str());
    init.set_headers(&headers);
    // A redirect would carry the credentials to another host; it is reported instead.
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(&signal));
    if let Some(body) = attempt.body {
        init.set_body(&JsValue::from_str(body));
    }
    let started = match fetch {
        Some(f) => f.call2(&JsValue::UNDEFINED, &JsValue::from_str(attempt.url), &init).map(|v| Promise::resolve(&v)),
        None => global_fetch(attempt.url, &init),
    }
    .map_err(network)?;
    // The global fetch stops at the signal by itself; one supplied by the caller might not, so
    // its promises are raced against the signal.
    let bounded = |promise: &Promise| if fetch.is_some() { until_aborted(promise, &signal) } else { promise.clone() };
    let response = JsFuture::from(bounded(&started)).await.map_err(network)?;
    let response: Response = response.dyn_into().map_err(|_| network(JsValue::from_str("fetch resolved with something that is not a Response")))?;
    let status = response.status();
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let request_id = header("upvest-request-id");
    let too_large = |request_id: Option<String>| {
        let reason = format!("the body is larger than {MAX_BODY_MIB} MiB");
        Failure::Client(ClientError::Response(UnexpectedResponse { status, request_id, reason }), None)
    };
    if header("content-length").and_then(|l| l.trim().parse::<u64>().ok()).is_some_and(|l| l as f64 > MAX_BODY_BYTES) {
        return Err(too_large(request_id));
    }
    let text = response.text().map_err(network)?;
    let body_js = JsFuture::from(bounded(&text)).await.map_err(network)?;
    let body = body_js.as_string().unwrap_or_default();
    if body.len() as f64 > MAX_BODY_BYTES {
        return Err(too_large(request_id));
    }
    Ok(Exchange { status, content_type: header("content-type"), retry_after: header("retry-after"), request_id, body, body_js })
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
