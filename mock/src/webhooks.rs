//! With `--webhook-url URL`: the mock delivers account-group events to a receiver as Upvest does:
//! bundled per POST (`upvest_mock::webhook_events`), answered with any 2xx,
//! otherwise retried after 1, 2, 3, 5, 8 … × `--webhook-retry-base-ms` (at most 600 ×), with
//! no limit, and later deliveries wait behind a failing one. Each attempt is signed afresh
//! (`webhook_signing`) for the URL it goes to. Given several URLs, the mock is the load balancer
//! in front of a receiver's replicas: each POST goes to the URL after the previous POST's, so
//! deliveries go round-robin and a retry lands on another replica.

use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use upvest_mock::app::App;
use upvest_mock::options::Options;
use upvest_mock::webhook_signing::WebhookKeys;

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

/// The app, its webhook deliveries sent to the `--webhook-url`s when any is given.
pub fn deliver_from(app: App, options: &Options) -> Result<App, String> {
    let targets = options.webhook_urls.iter().map(|url| Target::parse(url)).collect::<Result<Vec<_>, _>>()?;
    if targets.is_empty() {
        return Ok(app);
    }
    let outbox = Outbox::start(targets, Duration::from_millis(options.webhook_retry_base_ms), app.webhook_keys().clone());
    Ok(app.with_deliveries(Box::new(move |body| outbox.send(body))))
}

/// With webhooks on, closing groups become CLOSED on time even when no request comes, so their
/// events go out: a clock settles the store a few times per closing delay.
pub fn start_clock(app: &Arc<App>) {
    if app.options().webhook_urls.is_empty() {
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
    pub fn start(targets: Vec<Target>, retry_base: Duration, keys: Arc<WebhookKeys>) -> Outbox {
        let (sender, mut receiver) = unbounded_channel::<String>();
        tokio::spawn(async move {
            let mut rotation = Rotation::new(targets.len());
            while let Some(body) = receiver.recv().await {
                deliver(&mut rotation, retry_base, |index| post(&targets[index], &keys, &body)).await;
            }
        });
        Outbox { sender }
    }

    /// Queues one delivery's body (`webhook_events::bundle`).
    pub fn send(&self, body: String) {
        let _ = self.sender.send(body);
    }
}

/// Which target the next POST goes to: the one after the previous POST's, whether that POST
/// was a first attempt or a retry, as a round-robin load balancer picks a replica.
#[derive(Debug)]
struct Rotation {
    targets: usize,
    next: usize,
}

impl Rotation {
    fn new(targets: usize) -> Rotation {
        Rotation { targets: targets.max(1), next: 0 }
    }

    fn take(&mut self) -> usize {
        let index = self.next;
        self.next = (index + 1) % self.targets;
        index
    }
}

/// The waits between the attempts of one delivery, in multiples of `--webhook-retry-base-ms`:
/// 1, 2, 3, 5, 8 … (Fibonacci), at most 600, without end.
#[derive(Debug)]
struct Backoff {
    current: u32,
    following: u32,
}

/// Upvest's longest wait between two attempts, in seconds.
const MAX_BACKOFF: u32 = 600;

impl Backoff {
    fn new() -> Backoff {
        Backoff { current: 1, following: 2 }
    }
}

impl Iterator for Backoff {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let wait = self.current;
        (self.current, self.following) = (self.following, (self.current + self.following).min(MAX_BACKOFF));
        Some(wait)
    }
}

/// Delivers one bundle: each attempt `post`s to the rotation's next target, until one answers
/// 2xx (`post` resolves true); the mock sends nothing else meanwhile.
async fn deliver<Attempt: Future<Output = bool>>(rotation: &mut Rotation, retry_base: Duration, mut post: impl FnMut(usize) -> Attempt) {
    let mut backoff = Backoff::new();
    while !post(rotation.take()).await {
        tokio::time::sleep(retry_base * backoff.next().unwrap_or(MAX_BACKOFF)).await;
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
        assert_eq!(
            (target.path.as_str(), target.query.as_deref(), target.request_target()),
            ("/hooks", Some("source=upvest"), "/hooks?source=upvest".to_owned())
        );
        let bare = Target::parse("http://localhost:9?x=1").unwrap();
        assert_eq!((bare.authority.as_str(), bare.path.as_str(), bare.query.as_deref()), ("localhost:9", "/", Some("x=1")));
        assert_eq!(Target::parse("http://127.0.0.1:9").unwrap().request_target(), "/");
        assert!(Target::parse("http://example.com/hooks").is_err());
        assert!(Target::parse("https://127.0.0.1/hooks").is_err());
    }

    #[test]
    fn retries_wait_1_2_3_5_8_and_at_most_600_times_the_base() {
        let waits: Vec<u32> = Backoff::new().take(16).collect();
        assert_eq!(waits, [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 600, 600, 600]);
    }

    /// The targets each delivery's attempts went to and when, the deliveries one after another,
    /// each failing `failures` times first; time is paused, so the clock moves only by the waits.
    async fn attempts(targets: usize, failures: &[usize]) -> Vec<Vec<(usize, Duration)>> {
        let start = tokio::time::Instant::now();
        let mut rotation = Rotation::new(targets);
        let mut seen = Vec::new();
        for &failing in failures {
            let mut tries = Vec::new();
            deliver(&mut rotation, Duration::from_millis(10), |index| {
                tries.push((index, start.elapsed()));
                std::future::ready(tries.len() > failing)
            })
            .await;
            seen.push(tries);
        }
        seen
    }

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[tokio::test(start_paused = true)]
    async fn deliveries_go_round_robin_and_a_retry_goes_to_the_next_target() {
        let seen = attempts(3, &[0, 0, 0, 0, 1, 3, 0]).await;
        assert_eq!(seen[..4], [vec![(0, ms(0))], vec![(1, ms(0))], vec![(2, ms(0))], vec![(0, ms(0))]]);
        assert_eq!(seen[4], [(1, ms(0)), (2, ms(10))], "the retry went to the next target, after 1 × the base");
        assert_eq!(
            seen[5],
            [(0, ms(10)), (1, ms(20)), (2, ms(40)), (0, ms(70))],
            "then 2 ×, 3 ×: the back-off restarts with each delivery"
        );
        assert_eq!(seen[6], [(1, ms(70))], "the next delivery waited for the failing one, and takes the next target");
    }

    #[tokio::test(start_paused = true)]
    async fn one_target_takes_every_attempt() {
        let seen = attempts(1, &[2, 0]).await;
        assert_eq!(seen, [vec![(0, ms(0)), (0, ms(10)), (0, ms(30))], vec![(0, ms(30))]]);
    }
}
