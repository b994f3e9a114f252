//! The attempt loop: token, headers, signer, fetch, verdict, and (by the core's retry policy)
//! backoff and another attempt. Every attempt of a call sends the same idempotency key; each is
//! signed afresh.

use super::errors::{from_callback, to_js};
use super::http::{send, Attempt, Exchange, Failure};
use super::js_json::{set, Js};
use super::runtime::{call_async, call_hook, header_entries, parse_json, sleep};
use super::tokens::TokenSource;
use crate::core::error::ClientError;
use crate::core::request::{is_header_name, is_header_value, Request};
use crate::core::json_text;
use crate::core::response::{interpret, is_json_media_type, Expected};
use crate::core::retry::{AttemptFailure, RetryPolicy};
use js_sys::{Date, Function, Math, Object, Reflect};
use std::borrow::Cow;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// How requests leave: shared by the client and the client-credentials provider.
pub struct Transport {
    pub fetch: Option<Function>,
    pub signer: Option<Function>,
    pub on_request: Option<Function>,
    pub on_response: Option<Function>,
    pub retry: RetryPolicy,
    pub client_id: String,
    pub api_version: String,
}

/// A response that met the contract.
pub struct Outcome {
    /// The parsed body; `undefined` for a 202.
    pub body: JsValue,
    pub status: u16,
    pub request_id: Option<String>,
}

/// Headers whose values are secrets: hooks see them redacted.
const SECRET_HEADERS: [&str; 3] = ["authorization", "signature", "signature-input"];

impl Transport {
    /// Reads the function-valued options shared by the client and the token provider.
    pub fn from_options(options: Option<&Js>, retry: RetryPolicy, client_id: String, api_version: String) -> Result<Transport, JsValue> {
        Ok(Transport {
            fetch: function_option(options, "fetch", "a function like globalThis.fetch")?,
            signer: function_option(options, "signer", "an async function ({ method, url, headers, body }) => headers to add")?,
            on_request: function_option(options, "onRequest", "a function")?,
            on_response: function_option(options, "onResponse", "a function")?,
            retry,
            client_id,
            api_version,
        })
    }

    /// Runs a request to completion: the result, or the error of its last attempt.
    pub async fn run(&self, base_url: &str, request: &Request, expected: Expected, tokens: Option<&TokenSource>, caller: Option<&AbortSignal>) -> Result<Outcome, JsValue> {
        let url = request.url(base_url);
        let mut retries = 0;
        let mut refreshed = false;
        for attempt in 1.. {
            let token = match tokens {
                Some(source) => Some(source.current(caller).await?),
                None => None,
            };
            let mut headers: Vec<(String, String)> =
                request.headers(&self.client_id, &self.api_version, token.as_deref()).into_iter().map(|(n, v)| (n.to_owned(), v)).collect();
            if let Some(signer) = &self.signer {
                let added = sign(signer, request, &url, &headers).await?;
                headers.extend(added);
            }
            // Hooks are optional: without them no event is made (calls stay cheap).
            let observed = self.on_request.is_some() || self.on_response.is_some();
            let event = observed.then(|| self.event(request, &url, attempt));
            if let (Some(hook), Some(event)) = (&self.on_request, &event) {
                set(event, "headers", &redacted(&headers));
                call_hook(hook, event);
            }
            let started = if observed { Date::now() } else { 0.0 };
            let attempt_ = Attempt { method: request.method, url: &url, headers: &headers, body: request.body.as_deref(), timeout_ms: self.retry.timeout_ms, caller };
            let sent = send(self.fetch.as_ref(), &attempt_).await;
            if let Some(event) = &event {
                set(event, "durationMs", &(Date::now() - started).into());
            }
            let event = event.as_ref();
            let (failure, error) = match sent {
                Err(Failure::Aborted(reason)) => {
                    self.observe(event, 0, None, Some("AbortError"));
                    return Err(reason);
                }
                Err(Failure::Client(error, cause)) => {
                    let failure = match error {
                        ClientError::Timeout { .. } => Some(AttemptFailure::Timeout),
                        ClientError::Network(_) => Some(AttemptFailure::Network),
                        _ => None,
                    };
                    let js = to_js(&error, None, cause.as_ref());
                    self.observe(event, 0, None, Some(&name_of(&js)));
                    (failure, js)
                }
                Ok(exchange) => {
                    let status = exchange.status;
                    let retry_after = exchange.retry_after.clone();
                    let request_id = exchange.request_id.clone();
                    match verdict(expected, exchange) {
                        Ok(outcome) => {
                            self.observe(event, status, request_id.as_deref(), None);
                            return Ok(outcome);
                        }
                        Err((js, is_problem)) => {
                            self.observe(event, status, request_id.as_deref(), Some(&name_of(&js)));
                            // Only an error status is worth retrying; a 200 that breaks the
                            // contract would break it again.
                            (is_problem.then_some(AttemptFailure::Status { status, retry_after }), js)
                        }
                    }
                }
            };
            // A refused token is asked for anew once, and the request tried once more, outside
            // the retry budget.
            let unauthorized = matches!(failure, Some(AttemptFailure::Status { status: 401, .. }));
            if unauthorized && !refreshed && tokens.is_some_and(TokenSource::refreshable) {
                refreshed = true;
                if let (Some(source), Some(used)) = (tokens, token.as_deref()) {
                    source.forget(used);
                }
                continue;
            }
            let delay = failure.and_then(|f| self.retry.delay_after(&f, retries, Math::random(), Date::now()));
            let Some(delay) = delay else { return Err(error) };
            retries += 1;
            JsFuture::from(sleep(delay, caller.cloned())).await?;
        }
        unreachable!("the attempt loop only ends by returning")
    }

    /// The event hooks see: method, url, path, attempt; later the outcome.
    fn event(&self, request: &Request, url: &str, attempt: u32) -> Object {
        let event = Object::new();
        set(&event, "method", &request.method.as_str().into());
        set(&event, "url", &url.into());
        set(&event, "path", &request.path.as_str().into());
        set(&event, "attempt", &attempt.into());
        event
    }

    fn observe(&self, event: Option<&Object>, status: u16, request_id: Option<&str>, error: Option<&str>) {
        let (Some(hook), Some(event)) = (&self.on_response, event) else { return };
        set(event, "status", &status.into());
        set(event, "requestId", &request_id.map_or(JsValue::UNDEFINED, JsValue::from_str));
        set(event, "error", &error.map_or(JsValue::UNDEFINED, JsValue::from_str));
        call_hook(hook, event);
    }
}

/// The core's verdict on a response, as a JS value, or a JS error and whether it is a problem
/// (an error status). The core checks the body in one pass over its text (`json_text`); the
/// caller's object then comes from the platform's `JSON.parse`, keeping every field as sent.
fn verdict(expected: Expected, exchange: Exchange) -> Result<Outcome, (JsValue, bool)> {
    let content_type = exchange.content_type.as_deref();
    // Only a JSON body is copied into wasm memory (a 202 or a plain-text error is not).
    let bytes = if is_json_media_type(content_type) { exchange.body.to_vec() } else { Vec::new() };
    // Undecodable bytes become U+FFFD, as `response.text()` would make them (the strict check
    // first: it is the fast one).
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed);
    let document = if bytes.is_empty() { None } else { json_text::parse(&text) };
    let parsed = || parse_json(&exchange.body).ok();
    match interpret(expected, exchange.status, exchange.request_id.clone(), content_type, document.as_ref().map(json_text::Document::root)) {
        Ok(Some(_)) => match parsed() {
            Some(body) => Ok(Outcome { body, status: exchange.status, request_id: exchange.request_id }),
            None => Err((to_js(&unparsable(&exchange), None, None), false)),
        },
        Ok(None) => Ok(Outcome { body: JsValue::UNDEFINED, status: exchange.status, request_id: exchange.request_id }),
        Err(error) => {
            let raw = document.as_ref().and_then(|_| parsed());
            Err((to_js(&error, raw.as_ref(), None), matches!(error, ClientError::Problem(_))))
        }
    }
}

/// The body the core read but `JSON.parse` refused (it should never happen; it is reported, not
/// assumed away).
fn unparsable(exchange: &Exchange) -> ClientError {
    let reason = "the body could not be parsed by JSON.parse".to_owned();
    ClientError::Response(crate::core::error::UnexpectedResponse { status: exchange.status, request_id: exchange.request_id.clone(), reason })
}

/// Asks the signer for the headers to add to this attempt.
async fn sign(signer: &Function, request: &Request, url: &str, headers: &[(String, String)]) -> Result<Vec<(String, String)>, JsValue> {
    let described = Object::new();
    set(&described, "method", &request.method.as_str().into());
    set(&described, "url", &url.into());
    let header_object = Object::new();
    for (name, value) in headers {
        set(&header_object, name, &value.as_str().into());
    }
    set(&described, "headers", &header_object);
    set(&described, "body", &request.body.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str));
    let signer_error = |message: String| to_js(&ClientError::Signer(message), None, None);
    let added = JsFuture::from(call_async(signer, &described)).await.map_err(|thrown| from_callback(thrown, ClientError::Signer))?;
    let entries = header_entries(&added).ok_or_else(|| signer_error("it must resolve with an object (or a Headers) of headers to add".to_owned()))?;
    let mut out = Vec::new();
    for (name, value) in entries.iter().map(|e| (Reflect::get_u32(&e, 0), Reflect::get_u32(&e, 1))) {
        let (Some(name), Some(value)) = (name.ok().and_then(|n| n.as_string()), value.ok().and_then(|v| v.as_string())) else {
            return Err(signer_error("every header it adds must be a string".to_owned()));
        };
        let name = name.to_ascii_lowercase();
        // Checked here rather than left to fetch, whose error would quote the value (a
        // signature) and would be retried as a network error.
        if !is_header_name(&name) || !is_header_value(&value) {
            return Err(signer_error(format!(
                "it added an invalid header {}: a name must be a token, a value must not hold NUL, CR, LF or a character above U+00FF",
                crate::core::validate::quote(&name)
            )));
        }
        if headers.iter().any(|(n, _)| *n == name) {
            return Err(signer_error(format!("it may add headers but not replace {name}")));
        }
        out.push((name, value));
    }
    Ok(out)
}

/// The headers as hooks see them, with secrets replaced.
fn redacted(headers: &[(String, String)]) -> Object {
    let object = Object::new();
    for (name, value) in headers {
        let shown = if SECRET_HEADERS.contains(&name.as_str()) { "[redacted]" } else { value.as_str() };
        set(&object, name, &shown.into());
    }
    object
}

/// A function-valued option: absent, or a function (anything else is an `InvalidInputError`).
pub fn function_option(options: Option<&Js>, name: &str, what: &str) -> Result<Option<Function>, JsValue> {
    use crate::core::json::JsonView;
    match options.and_then(|o| o.field(name)) {
        None => Ok(None),
        Some(value) => value.0.dyn_into::<Function>().map(Some).map_err(|_| {
            to_js(&ClientError::InvalidInput(crate::core::error::InvalidInput::new(name, crate::core::error::InputCode::Type, format!("must be {what}"))), None, None)
        }),
    }
}

fn name_of(error: &JsValue) -> String {
    Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default()
}
