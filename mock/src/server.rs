//! The accept loop and what every connection gets: a cap on how many are served at once, a
//! back-off when accepting fails, and the time limits that close connections which stop
//! talking. Without them a client that opens connections and sends nothing holds them forever,
//! and when file descriptors run out `accept` fails at once, again and again, spinning a core.

use crate::idle::{Activity, Watched};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use upvest_mock::app::{App, MAX_BODY_BYTES};
use upvest_mock::options::Options;
use upvest_mock::reply::Finished;
use upvest_mock::request::ApiRequest;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    max_connections: usize,
    header_timeout: Duration,
    idle_timeout: Duration,
}

impl Limits {
    pub fn from_options(options: &Options) -> Limits {
        Limits {
            max_connections: options.max_connections,
            header_timeout: Duration::from_millis(options.header_timeout_ms),
            idle_timeout: Duration::from_millis(options.idle_timeout_ms),
        }
    }

    /// `keep-alive: timeout=N`, the whole seconds a kept-alive connection may wait for its next
    /// request: clients that read it (Node's and undici's) drop an idle connection before the
    /// mock closes it, instead of racing the close with their next request.
    fn keep_alive_hint(&self) -> HeaderValue {
        let secs = self.header_timeout.min(self.idle_timeout).as_secs();
        HeaderValue::try_from(format!("timeout={secs}")).expect("ASCII digits make a header value")
    }
}

/// Serves connections on `listener` until the process ends.
pub async fn run(listener: TcpListener, app: Arc<App>, limits: Limits) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut backoff = Backoff::default();
    loop {
        // At the cap, wait for a connection to end before accepting another: new clients wait in
        // the kernel's backlog instead of being accepted and starved.
        let Ok(permit) = permits.clone().acquire_owned().await else { return };
        match listener.accept().await {
            Ok((stream, _)) => {
                backoff.reset();
                tokio::spawn(serve(stream, app.clone(), limits, permit));
            }
            // The client gave up before it was accepted; nothing is wrong with the listener.
            Err(e)
                if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::Interrupted) => {}
            // Out of file descriptors (EMFILE, ENFILE) or memory: accepting again at once fails
            // again at once. Wait, longer each time, for connections to close.
            Err(e) => {
                let pause = backoff.next();
                if pause == Backoff::FIRST {
                    eprintln!("upvest-mock: cannot accept connections ({e}); retrying with back-off");
                }
                drop(permit);
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// One connection, until the client closes it, a limit closes it, or a fault drops it. Holds
/// its permit to the end.
async fn serve(stream: TcpStream, app: Arc<App>, limits: Limits, _permit: OwnedSemaphorePermit) {
    // Responses are written whole; waiting to coalesce them (Nagle) only adds latency.
    let _ = stream.set_nodelay(true);
    let activity = Activity::new();
    let keep_alive = limits.keep_alive_hint();
    let service = {
        let activity = activity.clone();
        service_fn(move |mut request| {
            request.extensions_mut().insert(activity.clone());
            let (app, keep_alive) = (app.clone(), keep_alive.clone());
            async move {
                let mut response = handle(&app, request).await?;
                response.headers_mut().insert(HeaderName::from_static("keep-alive"), keep_alive);
                Ok::<_, Dropped>(response)
            }
        })
    };
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(TokioIo::new(Watched::new(stream, activity.clone())), service);
    // A connection error (a client that went away, a timeout, a fault that drops it) ends only
    // that connection; so does silence, by dropping it.
    tokio::select! {
        _ = connection => {}
        _ = activity.silent_for(limits.idle_timeout) => {}
    }
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

/// One request through the mock's logic: refused before its body is read when it must be, read
/// within the size limit, then answered after any fault's delay.
async fn handle(app: &App, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    // Once the body is read the mock works and the client waits; that is not the client's silence.
    let mut _handling = None;
    let exchange = match app.admit(parts.uri.path(), &parts.headers) {
        Err(refused) => refused,
        Ok(cors) => match Limited::new(body, MAX_BODY_BYTES).collect().await {
            Err(_) => App::too_large(cors),
            Ok(collected) => {
                _handling = parts.extensions.get::<Arc<Activity>>().map(Activity::handling);
                let request = ApiRequest {
                    method: parts.method,
                    path: parts.uri.path().to_owned(),
                    query: parts.uri.query().map(str::to_owned),
                    headers: parts.headers,
                    body: collected.to_bytes(),
                    received: SystemTime::now(),
                };
                let exchange = app.receive_admitted(request, cors);
                if exchange.delay_ms() > 0 {
                    tokio::time::sleep(Duration::from_millis(exchange.delay_ms())).await;
                }
                exchange
            }
        },
    };
    app.respond(exchange, SystemTime::now()).map(into_response).ok_or(Dropped)
}

fn into_response(finished: Finished) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(finished.body));
    *response.status_mut() = StatusCode::from_u16(finished.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in finished.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    response
}

/// Pauses between failed accepts: 10 ms, doubling up to 1 s, back to 10 ms after a success.
#[derive(Debug)]
struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(10);
    const MAX: Duration = Duration::from_secs(1);

    fn next(&mut self) -> Duration {
        let pause = self.next;
        self.next = (pause * 2).min(Backoff::MAX);
        pause
    }

    fn reset(&mut self) {
        self.next = Backoff::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff { next: Backoff::FIRST }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_second_and_resets() {
        let mut backoff = Backoff::default();
        let pauses: Vec<u64> = (0..9).map(|_| backoff.next().as_millis() as u64).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        backoff.reset();
        assert_eq!(backoff.next(), Backoff::FIRST);
    }
}
