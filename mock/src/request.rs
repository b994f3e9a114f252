//! A request as the handlers see it: read whole from hyper, then judged by the API handlers, the
//! token endpoint and the signature verifier, none of which needs the server around it.

use bytes::Bytes;
use hyper::Method;

/// A request as the handlers see it.
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}
