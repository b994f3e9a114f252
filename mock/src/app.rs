//! One request's way through the mock: CORS, the request log, injected faults, then the API,
//! the token and verify-keys endpoints, the control endpoints or the static files.

use crate::auth::{Auth, WEBHOOKS_ADMIN_SCOPE, WEBHOOKS_READ_SCOPE};
use crate::cors::{self, CONTROL_PREFIX};
use crate::faults::{Effect, Faults};
use crate::idle::Activity;
use crate::options::Options;
use crate::reply::Reply;
use crate::request::ApiRequest;
use crate::request_log::RequestLog;
use crate::signing::Verifier;
use crate::store::{Capacity, Store};
use crate::webhook_signing::WebhookKeys;
use crate::webhooks::{Outbox, Target};
use crate::{api, statics};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Request bodies larger than this are refused (413).
const MAX_BODY_BYTES: usize = 1 << 20;

const TOKEN_PATH: &str = "/auth/token";
/// Where receivers fetch the keys webhook deliveries are signed with.
const VERIFY_KEYS_PATH: &str = "/auth/verify_keys";

pub struct App {
    options: Options,
    store: Mutex<Store>,
    log: Mutex<RequestLog>,
    faults: Faults,
    auth: Auth,
    verifier: Option<Verifier>,
    webhook_keys: Arc<WebhookKeys>,
    outbox: Option<Outbox>,
}

/// Closes a connection without a response (the `drop` fault).
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

impl App {
    pub fn new(options: Options) -> Result<App, String> {
        let store = Mutex::new(App::fresh_store(&options));
        let auth = Auth::new(options.strict_tokens, options.client_secret.clone(), Duration::from_secs(options.token_ttl_s));
        let verifier = options.verify_key.as_deref().map(Verifier::from_pem).transpose()?;
        let webhook_keys = Arc::new(WebhookKeys::new(options.webhook_signing_key.as_deref())?);
        let target = options.webhook_url.as_deref().map(Target::parse).transpose()?;
        let outbox = target.map(|t| Outbox::start(t, Duration::from_millis(options.webhook_retry_base_ms), webhook_keys.clone()));
        let log = Mutex::new(RequestLog::new(options.request_log_size));
        Ok(App { options, store, log, faults: Faults::default(), auth, verifier, webhook_keys, outbox })
    }

    /// With webhooks on, closing groups become CLOSED on time even when no request comes, so
    /// their events go out: a clock settles the store a few times per closing delay.
    pub fn start_clock(self: &Arc<App>) {
        if self.outbox.is_none() {
            return;
        }
        let app = self.clone();
        let tick = Duration::from_millis((self.options.close_delay_ms / 4).clamp(10, 100));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(tick).await;
                let mut store = app.store.lock().unwrap_or_else(|p| p.into_inner());
                store.settle(SystemTime::now());
                app.publish(&mut store);
            }
        });
    }

    /// Sends the store's new events as one bundle (or drops them when webhooks are off).
    fn publish(&self, store: &mut Store) {
        let events = std::mem::take(&mut store.events);
        if let Some(outbox) = &self.outbox {
            outbox.send(events);
        }
    }

    fn fresh_store(options: &Options) -> Store {
        let mut store = Store::new(Duration::from_millis(options.close_delay_ms), Capacity::from_options(options));
        store.seed(options.seed, SystemTime::now());
        store
    }

    pub async fn handle(&self, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Dropped> {
        let request_id = uuid::Uuid::new_v4().hyphenated().to_string();
        let (parts, body) = request.into_parts();
        // Refused before the body is read, so that a page elsewhere changes nothing.
        let cors = match cors::headers_for(parts.uri.path(), &parts.headers) {
            Ok(headers) => headers,
            Err(refusal) => return Ok(refusal.into_response(&request_id, &[])),
        };
        let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => {
                let reply = Reply::problem(413, "invalid_request", format!("the body is larger than {MAX_BODY_BYTES} bytes"));
                return Ok(reply.into_response(&request_id, &cors));
            }
        };
        // From here on the mock works and the client waits; that is not the client's silence.
        let _handling = parts.extensions.get::<Arc<Activity>>().map(Activity::handling);
        let request = ApiRequest {
            method: parts.method,
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers,
            body,
        };
        let faultable = request.method != Method::OPTIONS && (api::serves(&request.path) || [TOKEN_PATH, VERIFY_KEYS_PATH].contains(&request.path.as_str()));
        let effect = if faultable {
            self.record(&request);
            self.faults.take(request.method.as_str(), &request.path).unwrap_or_default()
        } else {
            Effect::default()
        };
        if effect.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(effect.delay_ms)).await;
        }
        let reply = match effect.status {
            Some(status) => {
                let detail = effect.detail.clone().unwrap_or_else(|| "injected by a /__mock/faults rule".to_owned());
                let reply = Reply::problem(status, slug_for(status), detail);
                match effect.retry_after {
                    Some(seconds) => reply.with_header("retry-after", seconds.to_string()),
                    None => reply,
                }
            }
            None => match self.unsigned(&request, faultable) {
                Some(reason) => Reply::problem(401, "unauthorised", reason),
                None => self.route(&request),
            },
        };
        if effect.drop {
            return Err(Dropped);
        }
        let reply = if effect.malformed { truncated(reply) } else { reply };
        Ok(reply.into_response(&request_id, &cors))
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
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
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
            self.publish(&mut store);
            return reply;
        }
        match (request.path.as_str(), &request.method) {
            (TOKEN_PATH, &Method::POST) => return self.auth.issue(request),
            (TOKEN_PATH, _) => return only("POST"),
            (VERIFY_KEYS_PATH, &Method::GET) => {
                let scopes = [WEBHOOKS_READ_SCOPE, WEBHOOKS_ADMIN_SCOPE];
                return api::authorize(request, &self.auth, &scopes).map_or_else(|refusal| refusal, |_| Reply::json(200, &self.webhook_keys.jwks()));
            }
            (VERIFY_KEYS_PATH, _) => return only("GET"),
            _ => {}
        }
        statics::serve(&self.options, &request.method, &request.path)
    }

    fn control(&self, request: &ApiRequest, what: &str) -> Reply {
        match (&request.method, what) {
            (&Method::GET, "requests") => match since(request.query.as_deref()) {
                Ok(since) => {
                    let entries = self.log.lock().unwrap_or_else(|p| p.into_inner()).since(since);
                    Reply::bytes(200, "application/json", Bytes::from(entries))
                }
                Err(reply) => reply,
            },
            (&Method::GET, "stats") => Reply::json(200, &self.stats()),
            (&Method::POST, "reset") => {
                *self.store.lock().unwrap_or_else(|p| p.into_inner()) = App::fresh_store(&self.options);
                self.log.lock().unwrap_or_else(|p| p.into_inner()).clear();
                self.faults.clear();
                self.auth.clear();
                Reply::empty(204)
            }
            (&Method::POST, "faults") => match self.faults.set(&request.body) {
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

    /// How full the bounded parts are, for tests of a long run.
    fn stats(&self) -> Value {
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
        let mut entry = Map::with_capacity(5);
        entry.insert("method".into(), json!(request.method.as_str()));
        entry.insert("path".into(), json!(request.path));
        entry.insert("query".into(), json!(request.query.as_deref().unwrap_or_default()));
        entry.insert("headers".into(), Value::Object(headers));
        entry.insert("body".into(), json!(String::from_utf8_lossy(&request.body)));
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
        Some((_, value)) => value.parse().map(Some).map_err(|_| Reply::problem(400, "invalid_request", "since must be a whole number (a seq)")),
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
