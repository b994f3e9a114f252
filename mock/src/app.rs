//! One request's way through the mock: CORS, the request log, then the API, the control
//! endpoints or the static files.

use crate::options::Options;
use crate::reply::Reply;
use crate::store::Store;
use crate::{api, statics};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::{json, Map, Value};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// Request bodies larger than this are refused (413).
const MAX_BODY_BYTES: usize = 1 << 20;

pub struct App {
    options: Options,
    store: Mutex<Store>,
    log: Mutex<Vec<Value>>,
}

/// A request as the handlers see it.
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl App {
    pub fn new(options: Options) -> App {
        let store = Mutex::new(App::fresh_store(&options));
        App { options, store, log: Mutex::new(Vec::new()) }
    }

    fn fresh_store(options: &Options) -> Store {
        let mut store = Store::new(Duration::from_millis(options.close_delay_ms));
        store.seed(options.seed, SystemTime::now());
        store
    }

    pub async fn handle(&self, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
        let request_id = uuid::Uuid::new_v4().hyphenated().to_string();
        let (parts, body) = request.into_parts();
        let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => {
                let reply = Reply::problem(413, "invalid_request", format!("the body is larger than {MAX_BODY_BYTES} bytes"));
                return Ok(reply.into_response(&request_id, &cors_headers()));
            }
        };
        let incoming = ApiRequest {
            method: parts.method,
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers,
            body,
        };
        let reply = self.route(&incoming);
        Ok(reply.into_response(&request_id, &cors_headers()))
    }

    fn route(&self, request: &ApiRequest) -> Reply {
        if request.method == Method::OPTIONS {
            return preflight(request);
        }
        if let Some(control) = request.path.strip_prefix("/__mock/") {
            return self.control(&request.method, control);
        }
        if api::serves(&request.path) {
            self.record(request);
            let mut store = self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            return api::handle(&mut store, request);
        }
        statics::serve(&self.options, &request.method, &request.path)
    }

    fn control(&self, method: &Method, what: &str) -> Reply {
        match (method, what) {
            (&Method::GET, "requests") => {
                let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
                Reply::json(200, &Value::Array(log.clone()))
            }
            (&Method::POST, "reset") => {
                *self.store.lock().unwrap_or_else(|p| p.into_inner()) = App::fresh_store(&self.options);
                self.log.lock().unwrap_or_else(|p| p.into_inner()).clear();
                Reply::empty(204)
            }
            _ => Reply::problem(404, "not_found", format!("no control endpoint {method} /__mock/{what}")),
        }
    }

    fn record(&self, request: &ApiRequest) {
        let headers: Map<String, Value> = request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), json!(String::from_utf8_lossy(value.as_bytes()))))
            .collect();
        let entry = json!({
            "method": request.method.as_str(),
            "path": request.path,
            "query": request.query.clone().unwrap_or_default(),
            "headers": headers,
            "body": String::from_utf8_lossy(&request.body),
        });
        self.log.lock().unwrap_or_else(|p| p.into_inner()).push(entry);
    }
}

/// CORS for every response: any origin may call (the mock holds no cookies), and may read the
/// request id.
fn cors_headers() -> Vec<(&'static str, String)> {
    vec![
        ("access-control-allow-origin", "*".to_owned()),
        ("access-control-expose-headers", "upvest-request-id".to_owned()),
    ]
}

/// Answers a CORS preflight, allowing the headers the browser asks for (a `*` would not cover
/// `authorization`).
fn preflight(request: &ApiRequest) -> Reply {
    let asked = request
        .headers
        .get("access-control-request-headers")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_, ".contains(&b)))
        .unwrap_or("")
        .to_owned();
    Reply::empty(204)
        .with_header("access-control-allow-methods", "GET, POST, DELETE, OPTIONS".to_owned())
        .with_header("access-control-allow-headers", asked)
        .with_header("access-control-max-age", "600".to_owned())
}
