//! One request's way through the mock: CORS, the request log, injected faults, then the API,
//! the token and verify-keys endpoints, the control endpoints or the static files. No I/O: the
//! server reads the request, waits out a fault's delay between [`App::receive`] and
//! [`App::respond`], and writes (or drops) the answer.

use crate::api;
use crate::auth::{Auth, WEBHOOKS_ADMIN_SCOPE, WEBHOOKS_READ_SCOPE};
use crate::cors::{self, Headers, CONTROL_PREFIX};
use crate::faults::{Effect, Faults};
use crate::options::Options;
use crate::reply::{Finished, Reply};
use crate::request::ApiRequest;
use crate::request_log::{self, RequestLog};
use crate::signing::Verifier;
use crate::store::{Capacity, Store};
use crate::webhook_events;
use crate::webhook_signing::WebhookKeys;
use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Request bodies larger than this are refused (413).
pub const MAX_BODY_BYTES: usize = 1 << 20;

const TOKEN_PATH: &str = "/auth/token";
/// Where receivers fetch the keys webhook deliveries are signed with.
const VERIFY_KEYS_PATH: &str = "/auth/verify_keys";

/// Takes each webhook delivery's body as the store's changes make one.
pub type Deliveries = Box<dyn Fn(String) + Send + Sync>;
/// Answers what no endpoint of the mock serves (the binary's static files).
pub type Fallback = Box<dyn Fn(&Method, &str) -> Reply + Send + Sync>;

pub struct App {
    options: Options,
    store: Mutex<Store>,
    log: Mutex<RequestLog>,
    faults: Faults,
    auth: Auth,
    verifier: Option<Verifier>,
    webhook_keys: Arc<WebhookKeys>,
    webhook_id: String,
    deliveries: Option<Deliveries>,
    fallback: Option<Fallback>,
}

/// A request taken in, before its answer: what a fault rule made of it, and its answer when that
/// was decided on arrival (a refusal, a body too large).
pub struct Exchange {
    request_id: String,
    cors: Headers,
    /// What to answer: the request to handle, or the answer decided on arrival.
    pending: Result<ApiRequest, Reply>,
    effect: Effect,
    /// An API, token or verify-keys request: logged, faultable, and signed where signatures are
    /// required.
    signable: bool,
}

impl Exchange {
    fn new(cors: Headers, pending: Result<ApiRequest, Reply>, effect: Effect, signable: bool) -> Exchange {
        Exchange { request_id: uuid::Uuid::new_v4().hyphenated().to_string(), cors, pending, effect, signable }
    }

    fn answered(answer: Reply, cors: Headers) -> Exchange {
        Exchange::new(cors, Err(answer), Effect::default(), false)
    }

    /// How long to wait before [`App::respond`] (a `delay_ms` fault).
    pub fn delay_ms(&self) -> u64 {
        self.effect.delay_ms
    }
}

impl App {
    pub fn new(options: Options, now: SystemTime) -> Result<App, String> {
        let store = Mutex::new(App::fresh_store(&options, now));
        let auth = Auth::new(options.strict_tokens, options.client_secret.clone(), Duration::from_secs(options.token_ttl_s));
        let verifier = options.verify_key.as_deref().map(Verifier::from_pem).transpose()?;
        let webhook_keys = Arc::new(WebhookKeys::new(options.webhook_signing_key.as_deref())?);
        let log = Mutex::new(RequestLog::new(options.request_log_size, request_log::MAX_LOG_BYTES));
        let webhook_id = uuid::Uuid::new_v4().hyphenated().to_string();
        Ok(App {
            options,
            store,
            log,
            faults: Faults::default(),
            auth,
            verifier,
            webhook_keys,
            webhook_id,
            deliveries: None,
            fallback: None,
        })
    }

    /// Webhook deliveries go to `deliveries`; without it the store's events are dropped.
    pub fn with_deliveries(mut self, deliveries: Deliveries) -> App {
        self.deliveries = Some(deliveries);
        self
    }

    /// What answers paths no endpoint serves; without it they are 404s.
    pub fn with_fallback(mut self, fallback: Fallback) -> App {
        self.fallback = Some(fallback);
        self
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn webhook_keys(&self) -> &Arc<WebhookKeys> {
        &self.webhook_keys
    }

    /// Closing groups become CLOSED on time even when no request comes, so that their events go
    /// out: whoever serves the mock calls this a few times per closing delay.
    pub fn tick(&self, now: SystemTime) {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        store.settle(now);
        self.publish(&mut store, now);
    }

    /// Sends the store's new events as one bundle (or drops them when webhooks are off).
    fn publish(&self, store: &mut Store, now: SystemTime) {
        let events = std::mem::take(&mut store.events);
        if let (Some(deliveries), false) = (&self.deliveries, events.is_empty()) {
            deliveries(webhook_events::bundle(events, &self.webhook_id, now));
        }
    }

    fn fresh_store(options: &Options, now: SystemTime) -> Store {
        let mut store = Store::new(Duration::from_millis(options.close_delay_ms), Capacity::from_options(options));
        store.seed(options.seed, now);
        store
    }

    /// The CORS headers for a request to `path`, or its refusal (answered at once, before the
    /// body is read, so that a page elsewhere changes nothing).
    pub fn admit(&self, path: &str, headers: &HeaderMap) -> Result<Headers, Exchange> {
        cors::headers_for(path, headers).map_err(|refusal| Exchange::answered(refusal, Vec::new()))
    }

    /// The answer to a body over [`MAX_BODY_BYTES`].
    pub fn too_large(cors: Headers) -> Exchange {
        Exchange::answered(Reply::problem(413, "invalid_request", format!("the body is larger than {MAX_BODY_BYTES} bytes")), cors)
    }

    /// Takes a whole request in: admits it, logs it and applies the fault rules. Its answer
    /// comes from [`App::respond`], after [`Exchange::delay_ms`].
    pub fn receive(&self, request: ApiRequest) -> Exchange {
        let cors = match self.admit(&request.path, &request.headers) {
            Ok(cors) => cors,
            Err(refused) => return refused,
        };
        if request.body.len() > MAX_BODY_BYTES {
            return App::too_large(cors);
        }
        self.receive_admitted(request, cors)
    }

    /// [`App::receive`] for a request whose CORS headers [`App::admit`] gave and whose body was
    /// read within the limit.
    pub fn receive_admitted(&self, request: ApiRequest, cors: Headers) -> Exchange {
        let signable = request.method != Method::OPTIONS
            && (api::serves(&request.path) || [TOKEN_PATH, VERIFY_KEYS_PATH].contains(&request.path.as_str()));
        let effect = if signable {
            self.record(&request);
            self.faults.take(request.method.as_str(), &request.path).unwrap_or_default()
        } else {
            Effect::default()
        };
        Exchange::new(cors, Ok(request), effect, signable)
    }

    /// The answer to an exchange at `now`, or `None` when a fault drops the connection instead
    /// (the change is made; its response is lost). A request a fault delayed is handled as if it
    /// had arrived when the delay ended.
    pub fn respond(&self, exchange: Exchange, now: SystemTime) -> Option<Finished> {
        let Exchange { request_id, cors, mut pending, effect, signable } = exchange;
        if let (Ok(request), true) = (&mut pending, effect.delay_ms > 0) {
            request.received = now;
        }
        let reply = match (pending, effect.status) {
            (Err(answer), _) => answer,
            (Ok(_), Some(status)) => {
                let detail = effect.detail.clone().unwrap_or_else(|| "injected by a /__mock/faults rule".to_owned());
                let reply = Reply::problem(status, slug_for(status), detail);
                match effect.retry_after {
                    Some(seconds) => reply.with_header("retry-after", seconds.to_string()),
                    None => reply,
                }
            }
            (Ok(request), None) => match self.unsigned(&request, signable) {
                Some(reason) => Reply::problem(401, "unauthorised", reason),
                None => self.route(&request),
            },
        };
        if effect.drop {
            return None;
        }
        let reply = if effect.malformed { truncated(reply) } else { reply };
        Some(reply.finish(&request_id, &cors))
    }

    /// Why a request's signature is refused, when signatures are required (`--verify-key`), or
    /// only their presence (`--require-signature-headers`).
    fn unsigned(&self, request: &ApiRequest, signable: bool) -> Option<String> {
        if !signable {
            return None;
        }
        let present = |name: &str| request.headers.get(name).is_some_and(|v| !v.as_bytes().trim_ascii().is_empty());
        if self.options.require_signature_headers && !(present("signature") && present("signature-input")) {
            return Some("the signature and signature-input headers are required".to_owned());
        }
        let verifier = self.verifier.as_ref()?;
        let now = request.received.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        verifier.verify(request, now).err()
    }

    fn route(&self, request: &ApiRequest) -> Reply {
        if request.method == Method::OPTIONS {
            return cors::preflight(&request.headers);
        }
        if let Some(control) = request.path.strip_prefix(CONTROL_PREFIX) {
            return self.control(request, control);
        }
        if api::serves(&request.path) {
            let mut store = self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let reply = api::handle(&mut store, &self.auth, request);
            self.publish(&mut store, request.received);
            return reply;
        }
        match (request.path.as_str(), &request.method) {
            (TOKEN_PATH, &Method::POST) => return self.auth.issue(request),
            (TOKEN_PATH, _) => return only("POST"),
            (VERIFY_KEYS_PATH, &Method::GET) => {
                let scopes = [WEBHOOKS_READ_SCOPE, WEBHOOKS_ADMIN_SCOPE];
                return api::authorize(request, &self.auth, &scopes)
                    .map_or_else(|refusal| refusal, |_| Reply::json(200, &self.webhook_keys.jwks()));
            }
            (VERIFY_KEYS_PATH, _) => return only("GET"),
            _ => {}
        }
        match &self.fallback {
            Some(fallback) => fallback(&request.method, &request.path),
            None => Reply::problem(404, "not_found", format!("no such path {}", request.path)),
        }
    }

    fn control(&self, request: &ApiRequest, what: &str) -> Reply {
        match (&request.method, what) {
            (&Method::GET, "requests") => match since(request.query.as_deref()) {
                Ok(since) => Reply::bytes(200, "application/json", Bytes::from(self.requests(since))),
                Err(reply) => reply,
            },
            (&Method::GET, "stats") => Reply::json(200, &self.stats()),
            (&Method::POST, "reset") => {
                self.reset(request.received);
                Reply::empty(204)
            }
            (&Method::POST, "faults") => match self.set_faults(&request.body) {
                Ok(count) => Reply::json(200, &json!({ "rules": count })),
                Err(reason) => Reply::problem(400, "invalid_request", reason),
            },
            (&Method::DELETE, "faults") => {
                self.faults.clear();
                Reply::empty(204)
            }
            (&Method::POST, "webhook-key/rotate") => Reply::json(200, &json!({ "kid": self.webhook_keys.rotate() })),
            _ => Reply::problem(404, "not_found", format!("no control endpoint {} /__mock/{what}", request.method)),
        }
    }

    /// Back to the state at start: a fresh seeded store, no log, no faults, no issued tokens.
    pub fn reset(&self, now: SystemTime) {
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = App::fresh_store(&self.options, now);
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.faults.clear();
        self.auth.clear();
    }

    /// Replaces the fault rules with those in `rules` (a JSON array, as `POST /__mock/faults`
    /// takes); returns how many there are. An empty array clears them.
    pub fn set_faults(&self, rules: &[u8]) -> Result<usize, String> {
        self.faults.set(rules)
    }

    /// The logged requests after `seq` `since` (all kept, without it), as a JSON array.
    pub fn requests(&self, since: Option<u64>) -> String {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).since(since)
    }

    /// How full the bounded parts are, for tests of a long run.
    pub fn stats(&self) -> Value {
        let (groups, idempotency_keys) = {
            let store = self.store.lock().unwrap_or_else(|p| p.into_inner());
            (store.len(), store.idempotency_keys())
        };
        let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        json!({
            "groups": groups,
            "idempotency_keys": idempotency_keys,
            "requests_logged": log.len(),
            "requests_seen": log.seen(),
        })
    }

    fn record(&self, request: &ApiRequest) {
        let headers: Map<String, Value> = request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), json!(String::from_utf8_lossy(value.as_bytes()))))
            .collect();
        let mut entry = Map::with_capacity(7);
        entry.insert("method".into(), json!(request.method.as_str()));
        entry.insert("path".into(), json!(request.path));
        entry.insert("query".into(), json!(request.query.as_deref().unwrap_or_default()));
        entry.insert("headers".into(), Value::Object(headers));
        request_log::body_fields(&request.body, &mut entry);
        self.log.lock().unwrap_or_else(|p| p.into_inner()).record(entry);
    }
}

/// A 405 naming the one method a path takes.
fn only(method: &'static str) -> Reply {
    Reply::problem(405, "method_not_allowed", format!("use {method}")).with_header("allow", method.to_owned())
}

/// The problem slug Upvest's docs use for an injected status.
fn slug_for(status: u16) -> &'static str {
    match status {
        400 => "invalid_request",
        401 => "unauthorised",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        429 => "too_many_requests",
        500 => "internal",
        503 => "unavailable",
        504 => "gateway_timeout",
        _ => "error",
    }
}

/// The `malformed` fault: status 200, a JSON content type, and the body cut in half.
fn truncated(reply: Reply) -> Reply {
    let half = reply.body.len() / 2;
    Reply::bytes(200, "application/json", reply.body.slice(..half.max(1).min(reply.body.len())))
}

/// `GET /__mock/requests?since=N`: only the entries after `seq` N.
fn since(query: Option<&str>) -> Result<Option<u64>, Reply> {
    match form_urlencoded::parse(query.unwrap_or("").as_bytes()).find(|(name, _)| name == "since") {
        None => Ok(None),
        Some((_, value)) => {
            value.parse().map(Some).map_err(|_| Reply::problem(400, "invalid_request", "since must be a whole number (a seq)"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_read_from_the_query_as_a_form() {
        assert_eq!(since(None).ok(), Some(None));
        assert_eq!(since(Some("x=1&%73ince=1%32")).ok(), Some(Some(12)), "escapes are decoded in names and values");
        assert_eq!(since(Some("since=3&since=4")).ok(), Some(Some(3)), "the first of several counts");
        for bad in ["since=", "since", "since=+3", "since=-1", "since=%zz"] {
            assert_eq!(since(Some(bad)).err().map(|r| r.status), Some(400), "{bad}");
        }
    }
}
