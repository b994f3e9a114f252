//! One call as a state machine that performs no I/O: [`Call::plan`] turns the request into the
//! next attempt (method, URL, headers, body, time limit), and [`Call::judge`] turns what came
//! back into a [`Verdict`]: done, retry after a wait, refresh the token, or fail. Time and
//! randomness are arguments, so a whole call (retries, `Retry-After`, backoff, the one token
//! refresh, contract checks, error classification) runs in native tests through simulated
//! schedules of failures, in microseconds (`simulate.rs`). The JavaScript driver does every
//! effect: it asks for a token, calls the signer and the hooks, fetches, sleeps.

use super::error::{ClientError, ResponseCode, UnexpectedResponse};
use super::json_text;
use super::request::{Method, Request};
use super::response::{interpret, is_json_media_type, Expected};
use super::retry::{AttemptFailure, RetryPolicy};
use super::text::{cat, decimal};
use std::borrow::Cow;

/// Where requests go and what identifies the tenant: the same for every call of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The base URL (the token URL for the token request).
    pub base_url: String,
    /// The `upvest-client-id` header.
    pub client_id: String,
    /// The `upvest-api-version` header.
    pub api_version: String,
}

/// The next attempt of a call, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first attempt, then 2, 3, …
    pub number: u32,
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: String,
    /// Every header but the signer's, lower-case names, in a stable order.
    pub headers: Vec<(&'static str, String)>,
    /// The body, when the request has one.
    pub body: Option<String>,
    /// The attempt's time limit in milliseconds (the response body included).
    pub timeout_ms: u32,
}

/// A response, as the driver read it.
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    /// The status.
    pub status: u16,
    /// The `upvest-request-id` header.
    pub request_id: Option<&'a str>,
    /// The `content-type` header.
    pub content_type: Option<&'a str>,
    /// The `retry-after` header.
    pub retry_after: Option<&'a str>,
    /// The body's bytes (only needed when `content-type` announces JSON).
    pub body: &'a [u8],
}

/// What became of an attempt.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// A response arrived and was read whole.
    Response(Response<'a>),
    /// No response: the connection failed (the platform's message).
    Network(&'a str),
    /// The attempt's time limit ran out.
    Timeout,
    /// The body grew past the limit while it was read.
    TooLarge {
        /// The status.
        status: u16,
        /// The `upvest-request-id` header.
        request_id: Option<&'a str>,
    },
}

/// What the driver does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The call succeeded: resolve with the body the driver holds (`JSON.parse` of the same
    /// bytes), or with the status and request id alone when `body` is false (a 202).
    Done {
        /// The status.
        status: u16,
        /// The `upvest-request-id` header.
        request_id: Option<String>,
        /// Whether the result is the body.
        body: bool,
    },
    /// Wait this long, then plan the next attempt.
    Retry {
        /// The wait, within `[0, maxRetryDelayMs]`.
        after_ms: u32,
    },
    /// The token was refused: forget it, get a fresh one, and plan the next attempt at once.
    RefreshToken,
    /// The call failed with this error.
    Fail {
        /// The error.
        error: ClientError,
        /// Whether the body is a problem document the caller should get as `problem`.
        problem_body: bool,
    },
}

/// One call: its request, how it is retried, and what happened so far.
#[derive(Debug, Clone)]
pub struct Call {
    request: Request,
    url: String,
    route: Route,
    expected: Expected,
    policy: RetryPolicy,
    /// Whether a 401 may be answered by a fresh token (a token provider, not a fixed token).
    refreshable: bool,
    attempts: u32,
    retries: u32,
    refreshed: bool,
    /// When the whole call must be over (on the driver's clock), once its first attempt is planned.
    deadline_at: Option<f64>,
    /// The time limit of the attempt planned last.
    attempt_timeout_ms: u32,
}

impl Call {
    /// A call of `request` along `route`, expecting `expected` on success.
    pub fn new(request: Request, route: &Route, expected: Expected, policy: RetryPolicy, refreshable: bool) -> Call {
        let url = request.url(&route.base_url);
        let attempt_timeout_ms = policy.timeout_ms;
        Call {
            request,
            url,
            route: route.clone(),
            expected,
            policy,
            refreshable,
            attempts: 0,
            retries: 0,
            refreshed: false,
            deadline_at: None,
            attempt_timeout_ms,
        }
    }

    /// The request this call sends.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The URL of every attempt.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The time limit for what comes next (a token, a signature, an attempt) at `now_ms`:
    /// `timeoutMs`, or less when the call's deadline is nearer; at least 1 ms.
    pub fn time_limit(&self, now_ms: f64) -> u32 {
        match self.deadline_at {
            Some(at) => (at - now_ms).clamp(1.0, f64::from(self.policy.timeout_ms)) as u32,
            None => self.policy.timeout_ms,
        }
    }

    /// The most a response body may hold: the read stops past it.
    pub fn max_response_bytes(&self) -> u32 {
        self.policy.max_response_bytes
    }

    /// The time limit of the attempt planned last.
    pub fn attempt_timeout_ms(&self) -> u32 {
        self.attempt_timeout_ms
    }

    /// Sets the call's deadline from `deadlineMs`, the first time: the call starts now.
    pub fn start(&mut self, now_ms: f64) {
        if let (None, Some(deadline)) = (self.deadline_at, self.policy.deadline_ms) {
            self.deadline_at = Some(now_ms + f64::from(deadline));
        }
    }

    /// The next attempt at `now_ms`, carrying `token` (none for the token request). Every attempt
    /// sends the same idempotency key.
    pub fn plan(&mut self, token: Option<&str>, now_ms: f64) -> Attempt {
        self.start(now_ms);
        self.attempts += 1;
        self.attempt_timeout_ms = self.time_limit(now_ms);
        Attempt {
            number: self.attempts,
            method: self.request.method,
            url: self.url.clone(),
            headers: self.request.headers(&self.route.client_id, &self.route.api_version, token),
            body: self.request.body.clone(),
            timeout_ms: self.attempt_timeout_ms,
        }
    }

    /// Whether a response's body will be read at all: a body that is not JSON (an HTML error
    /// page) or that no one uses (a 202) is cancelled unread, whatever its size or pace.
    pub fn wants_body(&self, status: u16, content_type: Option<&str>) -> bool {
        !(self.expected == Expected::Accepted && status == Expected::Accepted.status()) && is_json_media_type(content_type)
    }

    /// What to do after an attempt. `now_ms` is the clock (for an HTTP-date `Retry-After`);
    /// `random` is uniform in [0, 1) (for the backoff's jitter).
    pub fn judge(&mut self, outcome: Outcome<'_>, now_ms: f64, random: f64) -> Verdict {
        let (failure, error, problem_body) = match outcome {
            Outcome::Timeout => (AttemptFailure::Timeout, ClientError::Timeout { after_ms: self.attempt_timeout_ms }, false),
            Outcome::Network(message) => (AttemptFailure::Network, ClientError::Network(message.to_owned()), false),
            Outcome::TooLarge { status, request_id } => {
                let reason = cat!("the body is larger than ", decimal(self.policy.max_response_bytes.into()), " bytes (maxResponseBytes)");
                let error = UnexpectedResponse { code: ResponseCode::TooLarge, status, request_id: request_id.map(str::to_owned), reason };
                return fail(ClientError::Response(error), false);
            }
            Outcome::Response(response) => match self.read(response) {
                Ok(done) => return done,
                // Only an error status is worth trying again: a success that breaks the contract
                // would break it again.
                Err(ClientError::Problem(problem)) => {
                    let failure = AttemptFailure::Status { status: problem.status, retry_after: response.retry_after.map(str::to_owned) };
                    let from_body = problem.from_body;
                    (failure, ClientError::Problem(problem), from_body)
                }
                Err(error) => return fail(error, false),
            },
        };
        // A refused token is asked for anew once, and the request tried once more, outside the
        // retry budget.
        if matches!(failure, AttemptFailure::Status { status: 401, .. }) && self.refreshable && !self.refreshed {
            self.refreshed = true;
            return Verdict::RefreshToken;
        }
        // A request that got no answer may have been received: it is sent again only when a
        // second copy is harmless (a read, a create with its idempotency key, a token request),
        // never a close, which the server may already have begun.
        if failure == AttemptFailure::Network && !self.repeatable() {
            return fail(error, problem_body);
        }
        // A wait that would end past the deadline is not begun: the call fails with what it has.
        let within_deadline = |after_ms: u32| self.deadline_at.is_none_or(|at| now_ms + f64::from(after_ms) < at);
        match self.policy.delay_after(&failure, self.retries, random, now_ms).filter(|after_ms| within_deadline(*after_ms)) {
            Some(after_ms) => {
                self.retries += 1;
                Verdict::Retry { after_ms }
            }
            None => fail(error, problem_body),
        }
    }

    /// Whether the request may reach the server twice without harm: anything but a `DELETE`
    /// (a close) that carries no idempotency key.
    pub fn repeatable(&self) -> bool {
        self.request.method != Method::Delete || self.request.idempotency_key.is_some()
    }

    /// A response's meaning: the verdict on success, or the error. The body is checked against
    /// the contract only when it is announced as JSON: by the quick check when it is sure, else
    /// by reading it whole (`json_text`) and checking that.
    fn read(&self, response: Response<'_>) -> Result<Verdict, ClientError> {
        let bytes = if is_json_media_type(response.content_type) { response.body } else { &[] };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if response.status == self.expected.status() && !bytes.is_empty() && self.expected.certainly_valid(bytes) {
            return Ok(Verdict::Done { status: response.status, request_id: response.request_id.map(str::to_owned), body: true });
        }
        // Undecodable bytes become U+FFFD, as the platform's decoder makes them (the strict check
        // first: it is the fast one).
        let text = std::str::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed);
        let document = if text.is_empty() { None } else { json_text::parse(&text) };
        let request_id = response.request_id.map(str::to_owned);
        let meaning = interpret(
            self.expected,
            response.status,
            request_id.clone(),
            response.content_type,
            document.as_ref().map(json_text::Document::root),
        )?;
        Ok(Verdict::Done { status: response.status, request_id, body: meaning.is_some() })
    }
}

fn fail(error: ClientError, problem_body: bool) -> Verdict {
    Verdict::Fail { error, problem_body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::request;
    use serde_json::json;

    const GROUP: &str = r#"{"id":"9d95820d-4333-46b6-98de-04ab7512e76f","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","type":"ISA","status":"ACTIVE","securities_account_number":"123456789","users":[]}"#;

    fn route() -> Route {
        Route {
            base_url: "https://sandbox.upvest.co".into(),
            client_id: "363f3305-7ab0-4e82-a158-f9d382ad08b6".into(),
            api_version: "1".into(),
        }
    }

    fn get_call(refreshable: bool) -> Call {
        let request = request::get(Some(&json!("9d95820d-4333-46b6-98de-04ab7512e76f")), None).unwrap();
        Call::new(request, &route(), Expected::Group, RetryPolicy::default(), refreshable)
    }

    fn response(status: u16, content_type: &'static str, body: &'static str) -> Outcome<'static> {
        Outcome::Response(Response {
            status,
            request_id: Some("req-1"),
            content_type: Some(content_type),
            retry_after: None,
            body: body.as_bytes(),
        })
    }

    #[test]
    fn plans_attempts_with_the_token_and_judges_a_good_group_done() {
        let mut call = get_call(false);
        let attempt = call.plan(Some("tok"), 0.0);
        assert_eq!((attempt.number, attempt.method, attempt.timeout_ms), (1, Method::Get, 30_000));
        assert_eq!(attempt.url, "https://sandbox.upvest.co/account_groups/9d95820d-4333-46b6-98de-04ab7512e76f");
        assert!(attempt.headers.contains(&("authorization", "Bearer tok".to_owned())));
        let verdict = call.judge(response(200, "application/json", GROUP), 0.0, 0.5);
        assert_eq!(verdict, Verdict::Done { status: 200, request_id: Some("req-1".into()), body: true });
    }

    #[test]
    fn a_success_that_breaks_the_contract_fails_at_once() {
        let mut call = get_call(false);
        call.plan(Some("tok"), 0.0);
        let verdict = call.judge(response(200, "application/json", r#"{"id":"nope"}"#), 0.0, 0.5);
        assert!(matches!(verdict, Verdict::Fail { error: ClientError::Response(_), .. }), "{verdict:?}");
    }

    #[test]
    fn a_503_is_retried_and_a_401_refreshes_once() {
        let mut call = get_call(true);
        call.plan(Some("a"), 0.0);
        assert!(matches!(
            call.judge(response(503, "application/problem+json", r#"{"type":"x","status":503}"#), 0.0, 0.5),
            Verdict::Retry { .. }
        ));
        call.plan(Some("a"), 0.0);
        assert_eq!(call.judge(response(401, "application/problem+json", r#"{"type":"x","status":401}"#), 0.0, 0.5), Verdict::RefreshToken);
        call.plan(Some("b"), 0.0);
        let verdict = call.judge(response(401, "application/problem+json", r#"{"type":"x","status":401}"#), 0.0, 0.5);
        assert!(matches!(verdict, Verdict::Fail { error: ClientError::Problem(_), problem_body: true }), "{verdict:?}");
    }

    #[test]
    fn a_deadline_bounds_attempts_and_waits() {
        let request = request::get(Some(&json!("9d95820d-4333-46b6-98de-04ab7512e76f")), None).unwrap();
        let policy =
            RetryPolicy { timeout_ms: 1_000, base_delay_ms: 400, max_retries: 5, deadline_ms: Some(1_500), ..RetryPolicy::default() };
        let mut call = Call::new(request, &route(), Expected::Group, policy, false);
        assert_eq!(call.plan(Some("t"), 10_000.0).timeout_ms, 1_000, "timeoutMs while the deadline is further");
        let busy = response(503, "application/problem+json", r#"{"type":"x","status":503}"#);
        assert_eq!(call.judge(busy, 11_000.0, 0.5), Verdict::Retry { after_ms: 200 });
        assert_eq!(call.plan(Some("t"), 11_200.0).timeout_ms, 300, "the rest of the deadline");
        assert_eq!(
            call.judge(Outcome::Timeout, 11_500.0, 0.5),
            Verdict::Fail { error: ClientError::Timeout { after_ms: 300 }, problem_body: false }
        );
        let mut call = Call::new(
            request::get(Some(&json!("9d95820d-4333-46b6-98de-04ab7512e76f")), None).unwrap(),
            &route(),
            Expected::Group,
            policy,
            false,
        );
        call.plan(Some("t"), 0.0);
        assert!(matches!(call.judge(busy, 1_400.0, 0.9), Verdict::Fail { .. }), "a wait past the deadline is not begun");
    }

    #[test]
    fn a_network_error_is_retried_only_where_a_second_copy_is_harmless() {
        let reset = || Outcome::Network("socket hang up (ECONNRESET)");
        let mut get = get_call(false);
        get.plan(Some("t"), 0.0);
        assert!(matches!(get.judge(reset(), 0.0, 0.5), Verdict::Retry { .. }), "a read");
        let create = request::create(
            Some(&json!({ "user_id": "413715f2-5401-4b97-8055-034a6b879f8c", "type": "PERSONAL" })),
            None,
            "5f7c3f8e-3c44-4d2a-9a55-0d4c7e9b2a11",
        )
        .unwrap();
        let mut create = Call::new(create, &route(), Expected::Group, RetryPolicy::default(), false);
        create.plan(Some("t"), 0.0);
        assert!(matches!(create.judge(reset(), 0.0, 0.5), Verdict::Retry { .. }), "a create, with its idempotency key");
        let close = request::close(Some(&json!("9d95820d-4333-46b6-98de-04ab7512e76f")), None, None).unwrap();
        let mut close = Call::new(close, &route(), Expected::Accepted, RetryPolicy::default(), false);
        close.plan(Some("t"), 0.0);
        assert!(
            matches!(close.judge(reset(), 0.0, 0.5), Verdict::Fail { error: ClientError::Network(_), .. }),
            "a close may have been received"
        );
        close.plan(Some("t"), 0.0);
        let busy = response(503, "application/problem+json", r#"{"type":"x","status":503}"#);
        assert!(matches!(close.judge(busy, 0.0, 0.5), Verdict::Retry { .. }), "a close the server answered 503 is retried");
    }

    #[test]
    fn only_bodies_that_will_be_used_are_read() {
        let call = get_call(false);
        assert!(call.wants_body(200, Some("application/json")));
        assert!(call.wants_body(404, Some("application/problem+json")));
        assert!(!call.wants_body(503, Some("text/html")), "an HTML error page is not read");
        assert!(!call.wants_body(200, None));
        let close = request::close(Some(&json!("9d95820d-4333-46b6-98de-04ab7512e76f")), None, None).unwrap();
        let close = Call::new(close, &route(), Expected::Accepted, RetryPolicy::default(), false);
        assert!(!close.wants_body(202, Some("application/json")), "a 202 carries nothing to use");
        assert!(close.wants_body(409, Some("application/problem+json")));
    }

    #[test]
    fn a_fixed_token_is_not_refreshed_and_timeouts_are_final() {
        let mut call = get_call(false);
        call.plan(Some("a"), 0.0);
        assert!(matches!(call.judge(response(401, "application/json", "{}"), 0.0, 0.5), Verdict::Fail { .. }));
        let mut call = get_call(true);
        call.plan(Some("a"), 0.0);
        assert!(matches!(call.judge(Outcome::Timeout, 0.0, 0.5), Verdict::Fail { error: ClientError::Timeout { after_ms: 30_000 }, .. }));
    }
}
