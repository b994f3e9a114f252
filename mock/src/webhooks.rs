//! With `--webhook-url URL`: the mock delivers account-group events to a receiver as Upvest does:
//! bundled per POST (`upvest_mock::webhook_events`), answered with any 2xx,
//! otherwise retried after 1, 2, 3, 5, 8 … × `--webhook-retry-base-ms` (at most 600 ×), with
//! no limit, and later deliveries wait behind a failing one. Each attempt is signed afresh
//! (`webhook_signing`).

use upvest_mock::app::App;
use upvest_mock::options::Options;
use upvest_mock::webhook_signing::WebhookKeys;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

/// Where deliveries go: `http://host:port/path` on loopback.
#[derive(Debug, Clone)]
pub struct Target {
    authority: String,
    path: String,
    /// Without its `?`.
    query: Option<String>,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        let rest = url.strip_prefix("http://").ok_or("--webhook-url must be an http:// URL on loopback")?;
        let (authority, target) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
        let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
        if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            return Err("--webhook-url must point at a loopback host".into());
        }
        let target = target.split('#').next().unwrap_or("");
        let (path, query) = target.split_once('?').map_or((target, None), |(path, query)| (path, Some(query.to_owned())));
        Ok(Target { authority: authority.to_owned(), path: if path.is_empty() { "/".into() } else { path.to_owned() }, query })
    }

    /// The path and query as the request line has them.
    fn request_target(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }
}

/// The app, its webhook deliveries sent to `--webhook-url` when one is given.
pub fn deliver_from(app: App, options: &Options) -> Result<App, String> {
    let Some(target) = options.webhook_url.as_deref().map(Target::parse).transpose()? else { return Ok(app) };
    let outbox = Outbox::start(target, Duration::from_millis(options.webhook_retry_base_ms), app.webhook_keys().clone());
    Ok(app.with_deliveries(Box::new(move |body| outbox.send(body))))
}

/// With webhooks on, closing groups become CLOSED on time even when no request comes, so their
/// events go out: a clock settles the store a few times per closing delay.
pub fn start_clock(app: &Arc<App>) {
    if app.options().webhook_url.is_none() {
        return;
    }
    let app = app.clone();
    let tick = Duration::from_millis((app.options().close_delay_ms / 4).clamp(10, 100));
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(tick).await;
            app.tick(SystemTime::now());
        }
    });
}

/// Hands bundles to the delivery worker, which sends them one after another.
#[derive(Clone)]
pub struct Outbox {
    sender: UnboundedSender<String>,
}

impl Outbox {
    pub fn start(target: Target, retry_base: Duration, keys: Arc<WebhookKeys>) -> Outbox {
        let (sender, mut receiver) = unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Some(body) = receiver.recv().await {
                deliver(&target, retry_base, &keys, body).await;
            }
        });
        Outbox { sender }
    }

    /// Queues one delivery's body (`webhook_events::bundle`).
    pub fn send(&self, body: String) {
        let _ = self.sender.send(body);
    }
}

/// Delivers one bundle, retrying until the receiver answers 2xx.
async fn deliver(target: &Target, retry_base: Duration, keys: &WebhookKeys, body: String) {
    let (mut previous, mut current) = (0u32, 1u32);
    loop {
        if post(target, keys, &body).await {
            return;
        }
        tokio::time::sleep(retry_base * current.min(600)).await;
        (previous, current) = (current, previous + current);
        if current > 600 {
            current = 600;
        }
    }
}

/// One POST, signed now; true on a 2xx answer.
async fn post(target: &Target, keys: &WebhookKeys, body: &str) -> bool {
    let attempt = async {
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        let signed = keys.sign(&target.path, target.query.as_deref(), body.as_bytes(), now).ok()?;
        let stream = TcpStream::connect(target.authority.as_str()).await.ok()?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.ok()?;
        tokio::spawn(connection);
        let mut request = Request::post(target.request_target())
            .header("host", &target.authority)
            .header("user-agent", "upvest-mock")
            .body(Full::new(Bytes::from(body.to_owned())))
            .ok()?;
        request.headers_mut().extend(signed);
        let response = sender.send_request(request).await.ok()?;
        Some(response.status().is_success())
    };
    matches!(tokio::time::timeout(Duration::from_secs(10), attempt).await, Ok(Some(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_keep_the_query_apart_for_the_signature() {
        let target = Target::parse("http://127.0.0.1:9/hooks?source=upvest#ignored").unwrap();
        assert_eq!((target.path.as_str(), target.query.as_deref(), target.request_target()), ("/hooks", Some("source=upvest"), "/hooks?source=upvest".to_owned()));
        let bare = Target::parse("http://localhost:9?x=1").unwrap();
        assert_eq!((bare.authority.as_str(), bare.path.as_str(), bare.query.as_deref()), ("localhost:9", "/", Some("x=1")));
        assert_eq!(Target::parse("http://127.0.0.1:9").unwrap().request_target(), "/");
        assert!(Target::parse("http://example.com/hooks").is_err());
        assert!(Target::parse("https://127.0.0.1/hooks").is_err());
    }
}
