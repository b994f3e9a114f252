//! The mock's logic for JavaScript: `js/mock.js` (the package's `upvest-account-groups/mock`)
//! turns a `fetch` call or a `node:http` request into [`MockCore::receive`], waits out the
//! exchange's delay, and turns [`MockCore::respond`]'s answer into a `Response`. Plain data
//! crosses (strings, byte arrays, numbers); the time is given by the caller with each call.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use upvest_mock::app::{self, App};
use upvest_mock::options::Options;
use upvest_mock::request::ApiRequest;
use wasm_bindgen::prelude::*;

/// Webhook deliveries kept for `takeDeliveries`, the oldest dropped first: signing each costs a
/// few milliseconds, and a test that never asks for them must not pile them up.
const KEPT_DELIVERIES: usize = 100;

fn at(now_ms: f64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(now_ms.max(0.0) as u64)
}

/// The mock: store, validation, tokens, signatures, faults, request log and webhook events.
#[wasm_bindgen]
pub struct MockCore {
    app: App,
    deliveries: Arc<Mutex<VecDeque<String>>>,
}

#[wasm_bindgen]
impl MockCore {
    /// `flags` are the binary's (`--seed 20`, `--strict-tokens` …; see `upvest-mock --help`),
    /// as `js/mock.js` writes them from `createMock`'s options.
    #[wasm_bindgen(constructor)]
    pub fn new(flags: Vec<String>, now_ms: f64) -> Result<MockCore, String> {
        let options = Options::from_args(flags)?;
        let deliveries = Arc::new(Mutex::new(VecDeque::new()));
        let queue = deliveries.clone();
        let keep = move |body| {
            let mut queue = queue.lock().unwrap_or_else(|p| p.into_inner());
            if queue.len() == KEPT_DELIVERIES {
                queue.pop_front();
            }
            queue.push_back(body);
        };
        let app = App::new(options, at(now_ms))?.with_deliveries(Box::new(keep));
        Ok(MockCore { app, deliveries })
    }

    /// The largest request body the mock reads; one byte more is enough for its 413.
    #[wasm_bindgen(getter, js_name = maxBodyBytes)]
    pub fn max_body_bytes(&self) -> usize {
        app::MAX_BODY_BYTES
    }

    /// Takes a request in. `headers` is a flat list of names and values; a header the HTTP
    /// grammar refuses is left out, as a server would refuse to read it.
    pub fn receive(&self, method: &str, path: &str, query: Option<String>, headers: Vec<String>, body: Vec<u8>, now_ms: f64) -> Exchange {
        let mut map = HeaderMap::new();
        for pair in headers.chunks_exact(2) {
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(pair[0].as_bytes()), HeaderValue::from_str(&pair[1])) {
                map.append(name, value);
            }
        }
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        let request = ApiRequest { method, path: path.to_owned(), query, headers: map, body: Bytes::from(body), received: at(now_ms) };
        Exchange { inner: self.app.receive(request) }
    }

    /// The answer to an exchange, after its delay; `undefined` when a fault drops it (the
    /// change is made, the response lost).
    pub fn respond(&self, exchange: Exchange, now_ms: f64) -> Option<Answer> {
        let finished = self.app.respond(exchange.inner, at(now_ms))?;
        let headers = finished.headers.into_iter().flat_map(|(name, value)| [name.to_owned(), value]).collect();
        Some(Answer { status: finished.status, headers, body: finished.body.to_vec() })
    }

    /// The logged requests after `seq` `since`, as JSON (what `GET /__mock/requests` gives).
    pub fn requests(&self, since: Option<f64>) -> String {
        self.app.requests(since.map(|s| s.max(0.0) as u64))
    }

    /// Counts of the bounded parts, as JSON (what `GET /__mock/stats` gives).
    pub fn stats(&self) -> String {
        self.app.stats().to_string()
    }

    /// Back to the state at start (`POST /__mock/reset`).
    pub fn reset(&self, now_ms: f64) {
        self.app.reset(at(now_ms));
        self.deliveries.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Replaces the fault rules (`POST /__mock/faults`): a JSON array; returns their count.
    #[wasm_bindgen(js_name = setFaults)]
    pub fn set_faults(&self, rules: &str) -> Result<usize, String> {
        self.app.set_faults(rules.as_bytes())
    }

    /// Moves closing groups on to CLOSED when their delay is over, and bundles their events.
    pub fn tick(&self, now_ms: f64) {
        self.app.tick(at(now_ms));
    }

    /// The webhook deliveries' bodies made since the last call, oldest first.
    #[wasm_bindgen(js_name = takeDeliveries)]
    pub fn take_deliveries(&self) -> Vec<String> {
        std::mem::take(&mut *self.deliveries.lock().unwrap_or_else(|p| p.into_inner())).into()
    }

    /// The headers that sign a delivery to `path` (and `query`) now, the Upvest v6 way, as a
    /// flat list of names and values.
    #[wasm_bindgen(js_name = signDelivery)]
    pub fn sign_delivery(&self, path: &str, query: Option<String>, body: &str, now_ms: f64) -> Result<Vec<String>, String> {
        let seconds = (now_ms.max(0.0) / 1000.0) as i64;
        let signed = self.app.webhook_keys().sign(path, query.as_deref(), body.as_bytes(), seconds)?;
        Ok(signed
            .iter()
            .flat_map(|(name, value)| [name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()])
            .collect())
    }

    /// The public keys deliveries are signed with, as a JWKS (what `GET /auth/verify_keys` gives).
    #[wasm_bindgen(js_name = verifyKeys)]
    pub fn verify_keys(&self) -> String {
        self.app.webhook_keys().jwks().to_string()
    }

    /// Signs later deliveries with a new key (`POST /__mock/webhook-key/rotate`); returns its `kid`.
    #[wasm_bindgen(js_name = rotateWebhookKey)]
    pub fn rotate_webhook_key(&self) -> String {
        self.app.webhook_keys().rotate()
    }
}

/// A request taken in, waiting for its answer.
#[wasm_bindgen]
pub struct Exchange {
    inner: app::Exchange,
}

#[wasm_bindgen]
impl Exchange {
    /// How long to wait before answering (a `delay_ms` fault).
    #[wasm_bindgen(getter, js_name = delayMs)]
    pub fn delay_ms(&self) -> f64 {
        self.inner.delay_ms() as f64
    }
}

/// A response: status, headers as a flat list of names and values, body bytes.
#[wasm_bindgen(getter_with_clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<String>,
    pub body: Vec<u8>,
}
