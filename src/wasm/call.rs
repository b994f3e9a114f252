//! A call, as the JavaScript driver sees it: `plan` gives each attempt's headers, `judge` takes
//! what came back and answers with a number the driver switches on; the details of a verdict
//! (the wait, the error) are read only when needed. Every crossing is synchronous, and what
//! crosses is plain data: strings, numbers, bytes.

use super::errors::{error_class, to_js};
use super::js_json::is_undefined;
use crate::core::call::{Call, Outcome, Response, Verdict};
use crate::core::error::ClientError;
use upvest_api::seam::{self, ErrorClass};
use wasm_bindgen::prelude::*;

/// One call of a client (internal; callers see promises).
#[wasm_bindgen(js_name = CallCore, skip_typescript)]
pub struct CallCore {
    call: Call,
    wait_ms: u32,
    failure: Option<(ClientError, bool)>,
    /// The error class of the attempt just judged, for `onResponse` (even when it is retried).
    last_error_name: Option<&'static str>,
}

impl CallCore {
    /// The boundary object of a call the core planned.
    pub fn new(call: Call) -> CallCore {
        CallCore { call, wait_ms: 0, failure: None, last_error_name: None }
    }

    /// Keeps what the verdict's details need, and answers its number (`api/src/seam.rs`).
    fn settle(&mut self, verdict: Verdict, error_class: ErrorClass) -> u32 {
        self.last_error_name = Some(error_class.name());
        let answer = match verdict {
            Verdict::Done { body, .. } => {
                self.last_error_name = None;
                if body {
                    seam::Verdict::DoneWithBody
                } else {
                    seam::Verdict::DoneEmpty
                }
            }
            Verdict::Retry { after_ms } => {
                self.wait_ms = after_ms;
                seam::Verdict::Retry
            }
            Verdict::RefreshToken => seam::Verdict::RefreshToken,
            Verdict::Fail { error, problem_body } => {
                self.failure = Some((error, problem_body));
                seam::Verdict::Fail
            }
        };
        answer.number()
    }
}

#[wasm_bindgen(js_class = CallCore)]
impl CallCore {
    /// `GET`, `POST` or `DELETE`.
    #[wasm_bindgen(getter)]
    pub fn method(&self) -> String {
        self.call.request().method.as_str().to_owned()
    }

    /// The URL of every attempt.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.call.url().to_owned()
    }

    /// The path, for hooks.
    #[wasm_bindgen(getter)]
    pub fn path(&self) -> String {
        self.call.request().path.clone()
    }

    /// The body, when the request has one.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> Option<String> {
        self.call.request().body.clone()
    }

    /// The time limit for what comes next (a token, a signature) at `now_ms`: `timeoutMs`, or
    /// less when the call's `deadlineMs` is nearer. The call starts at its first use.
    #[wasm_bindgen(js_name = timeLimit)]
    pub fn time_limit(&mut self, now_ms: f64) -> u32 {
        self.call.start(now_ms);
        self.call.time_limit(now_ms)
    }

    /// The time limit of the attempt planned last.
    #[wasm_bindgen(getter, js_name = attemptTimeoutMs)]
    pub fn attempt_timeout_ms(&self) -> u32 {
        self.call.attempt_timeout_ms()
    }

    /// The most a response body may hold: the read stops past it.
    #[wasm_bindgen(getter, js_name = maxResponseBytes)]
    pub fn max_response_bytes(&self) -> u32 {
        self.call.max_response_bytes()
    }

    /// The next attempt's headers at `now_ms`, carrying `token`: names and values in turn, each
    /// ended by a line feed, which none of them holds. One string crosses instead of one per name
    /// and value (each crossing decodes its own string).
    pub fn plan(&mut self, token: Option<String>, now_ms: f64) -> String {
        let attempt = self.call.plan(token.as_deref(), now_ms);
        let mut lines = String::new();
        for (name, value) in &attempt.headers {
            for text in [*name, value.as_str()] {
                lines.push_str(text);
                lines.push('\n');
            }
        }
        lines
    }

    /// Whether the driver reads this response's body (else it cancels it unread).
    #[wasm_bindgen(js_name = wantsBody)]
    pub fn wants_body(&self, status: u16, content_type: Option<String>) -> bool {
        self.call.wants_body(status, content_type.as_deref())
    }

    /// Judges a response that was read whole.
    #[allow(clippy::too_many_arguments)]
    pub fn judge(
        &mut self,
        status: u16,
        request_id: Option<String>,
        content_type: Option<String>,
        retry_after: Option<String>,
        body: &[u8],
        now_ms: f64,
        random: f64,
    ) -> u32 {
        let response = Response {
            status,
            request_id: request_id.as_deref(),
            content_type: content_type.as_deref(),
            retry_after: retry_after.as_deref(),
            body,
        };
        let verdict = self.call.judge(Outcome::Response(response), now_ms, random);
        let class = match &verdict {
            Verdict::Fail { error, .. } => error_class(error),
            _ => ErrorClass::Problem,
        };
        self.settle(verdict, class)
    }

    /// Judges an attempt that brought no usable response: `timeout`, `too-large` or `network`
    /// (with the platform's message).
    #[wasm_bindgen(js_name = judgeFailure)]
    pub fn judge_failure(&mut self, kind: &str, message: &str, status: u16, request_id: Option<String>, now_ms: f64, random: f64) -> u32 {
        let outcome = match kind {
            "timeout" => Outcome::Timeout,
            "too-large" => Outcome::TooLarge { status, request_id: request_id.as_deref() },
            _ => Outcome::Network(message),
        };
        let verdict = self.call.judge(outcome, now_ms, random);
        let class = match kind {
            "timeout" => ErrorClass::Timeout,
            "too-large" => ErrorClass::Response,
            _ => ErrorClass::Network,
        };
        self.settle(verdict, class)
    }

    /// How long to wait before the next attempt, after `judge` answered "retry".
    #[wasm_bindgen(getter, js_name = waitMs)]
    pub fn wait_ms(&self) -> u32 {
        self.wait_ms
    }

    /// Whether the failure's body is a problem document, to parse and hand to `error`.
    #[wasm_bindgen(getter, js_name = problemBody)]
    pub fn problem_body(&self) -> bool {
        self.failure.as_ref().is_some_and(|(_, problem_body)| *problem_body)
    }

    /// The error class of the attempt just judged, when it failed.
    #[wasm_bindgen(getter, js_name = lastErrorName)]
    pub fn last_error_name(&self) -> Option<String> {
        self.last_error_name.map(str::to_owned)
    }

    /// The error the call failed with, as a JS error: `problem` is the parsed problem document
    /// (kept as `problem`), `cause` what the platform threw.
    pub fn error(&self, problem: JsValue, cause: JsValue) -> JsValue {
        match &self.failure {
            Some((error, _)) => to_js(error, Some(&problem).filter(|p| !is_undefined(p)), Some(&cause).filter(|c| !is_undefined(c))),
            None => to_js(&ClientError::Network("the call has not failed".to_owned()), None, None),
        }
    }
}
