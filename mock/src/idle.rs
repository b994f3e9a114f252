//! The idle limit: a connection on which no byte moves for `--idle-timeout-ms`, while the mock
//! is not itself working on one of its requests, is closed. hyper bounds the wait for a
//! request's headers (`--header-timeout-ms`) but not a body that stops arriving or a response
//! nobody reads; each of those would hold a connection, and one of `--max-connections`, forever.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// When a connection last moved a byte, and how many of its requests the mock is handling.
/// Handlers find it among a request's extensions.
#[derive(Debug)]
pub struct Activity {
    opened: Instant,
    /// Milliseconds after `opened`.
    last_ms: AtomicU64,
    handling: AtomicUsize,
}

/// Marks a request as being handled by the mock: its own waits (a `delay_ms` fault, say) are
/// not the client's silence.
pub struct Handling(Arc<Activity>);

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.touch();
        self.0.handling.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Activity {
    pub fn new() -> Arc<Activity> {
        Arc::new(Activity { opened: Instant::now(), last_ms: AtomicU64::new(0), handling: AtomicUsize::new(0) })
    }

    pub fn handling(self: &Arc<Activity>) -> Handling {
        self.handling.fetch_add(1, Ordering::Relaxed);
        Handling(self.clone())
    }

    fn touch(&self) {
        self.last_ms.store(self.opened.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// Since when the connection has been silent, or `None` while a request is being handled.
    fn silent_since(&self) -> Option<Instant> {
        let silent = self.handling.load(Ordering::Relaxed) == 0;
        silent.then(|| self.opened + Duration::from_millis(self.last_ms.load(Ordering::Relaxed)))
    }

    /// Resolves once the connection has been silent for `limit`.
    pub async fn silent_for(&self, limit: Duration) {
        loop {
            let deadline = self.silent_since().map_or_else(|| Instant::now() + limit, |since| since + limit);
            tokio::time::sleep_until(deadline).await;
            if self.silent_since().is_some_and(|since| since + limit <= Instant::now()) {
                return;
            }
        }
    }
}

/// A socket that reports each byte it moves to its [`Activity`].
pub struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> Watched<T> {
    pub fn new(inner: T, activity: Arc<Activity>) -> Watched<T> {
        Watched { inner, activity }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        self.noted(result)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, data);
        self.noted(result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl<T> Watched<T> {
    fn noted(&self, result: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn silence_counts_only_while_no_request_is_handled() {
        let activity = Activity::new();
        let limit = Duration::from_secs(30);
        let handling = activity.handling();
        let waited = tokio::time::timeout(Duration::from_secs(90), activity.silent_for(limit)).await;
        assert!(waited.is_err(), "a request being handled is not silence");
        drop(handling);
        let started = Instant::now();
        activity.silent_for(limit).await;
        assert_eq!(started.elapsed(), limit, "silence counts from the end of handling");
    }
}
