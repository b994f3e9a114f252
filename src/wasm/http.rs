//! One HTTP exchange over `fetch`: the global one (bound like gloo-net does, so Node and browsers
//! share the code), or one the caller supplies.

use crate::core::error::ClientError;
use crate::core::request::Method;
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
    pub body: String,
}

/// Why no response came back: a core error, or the caller's abort reason, passed on as it is.
pub enum Failure {
    Client(ClientError, Option<JsValue>),
    Aborted(JsValue),
}

/// One attempt of a request.
pub struct Attempt<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: &'a [(&'static str, String)],
    pub body: Option<&'a str>,
    pub signal: Option<&'a AbortSignal>,
}

pub async fn send(fetch: Option<&Function>, attempt: &Attempt<'_>) -> Result<Exchange, Failure> {
    if let Some(signal) = attempt.signal.filter(|s| s.aborted()) {
        return Err(Failure::Aborted(signal.reason()));
    }
    let headers = Headers::new().map_err(network)?;
    for (name, value) in attempt.headers {
        headers.append(name, value).map_err(network)?;
    }
    let init = RequestInit::new();
    init.set_method(attempt.method.as_str());
    init.set_headers(&headers);
    // A redirect would carry the credentials to another host; it is reported instead.
    init.set_redirect(RequestRedirect::Manual);
    if let Some(body) = attempt.body {
        init.set_body(&JsValue::from_str(body));
    }
    if let Some(signal) = attempt.signal {
        init.set_signal(Some(signal));
    }
    let promise = match fetch {
        Some(f) => f.call2(&JsValue::UNDEFINED, &JsValue::from_str(attempt.url), &init).map(|v| Promise::resolve(&v)),
        None => global_fetch(attempt.url, &init),
    };
    let aborted_or = |error: JsValue| match attempt.signal.filter(|s| s.aborted()) {
        Some(signal) => Failure::Aborted(signal.reason()),
        None => network(error),
    };
    let response: Response = JsFuture::from(promise.map_err(aborted_or)?).await.map_err(aborted_or)?.unchecked_into();
    let status = response.status();
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let request_id = header("upvest-request-id");
    let content_type = header("content-type");
    let text = response.text().map_err(aborted_or)?;
    let body = JsFuture::from(text).await.map_err(aborted_or)?.as_string().unwrap_or_default();
    Ok(Exchange { status, request_id, content_type, body })
}

/// A rejected fetch as a `NetworkError`, keeping what the platform said (and its cause's code,
/// where Node puts the reason).
fn network(error: JsValue) -> Failure {
    let read = |value: &JsValue, name: &str| Reflect::get(value, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    let message = read(&error, "message").unwrap_or_else(|| "fetch failed".to_owned());
    let code = Reflect::get(&error, &JsValue::from_str("cause")).ok().and_then(|cause| read(&cause, "code"));
    let message = match code {
        Some(code) => format!("{message} ({code})"),
        None => message,
    };
    Failure::Client(ClientError::Network(message), Some(error))
}
