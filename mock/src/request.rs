//! A request as the handlers see it: read whole by whoever serves the mock (hyper, or the
//! package's in-process `fetch`), then judged by the API handlers, the token endpoint and the
//! signature verifier, none of which needs the server around it.

use bytes::Bytes;
use http::{HeaderMap, Method};
use std::time::SystemTime;

/// A request as the handlers see it.
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// When it arrived: the mock's only clock (token and idempotency expiry, closing delays,
    /// signature freshness), so that the logic reads no time of its own.
    pub received: SystemTime,
}
