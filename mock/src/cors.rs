//! Which web pages may call the mock. The API (`/account_groups`, `/users/…`), `/auth/*` and
//! the control endpoints (`/__mock/*`) answer pages on loopback origins only (the admin page, a
//! test runner's page), and refuse other origins outright, before the body is read: withholding
//! CORS headers alone would not stop a simple cross-origin request from taking effect, only its
//! answer from being read. The control endpoints log bearer tokens and client secrets and can
//! reset the mock or inject faults; the API is logged, body and all, and a `text/plain` POST
//! needs no preflight; and `npm start` runs the mock on a fixed port, so any site a developer
//! visits could reach them. They also refuse a `Host` that is not loopback, which a
//! DNS-rebinding page (a site whose name now resolves to 127.0.0.1) would send without any
//! `Origin`. The static files answer any origin: they hold nothing secret.

use crate::reply::Reply;
use http::HeaderMap;

pub type Headers = Vec<(&'static str, String)>;

/// Where the control endpoints live.
pub const CONTROL_PREFIX: &str = "/__mock/";

/// Where the token and verify-keys endpoints live.
const AUTH_PREFIX: &str = "/auth/";

/// What answers loopback pages only: the API, `/auth/*` and the control endpoints.
fn loopback_only(path: &str) -> bool {
    path.starts_with(CONTROL_PREFIX) || path.starts_with(AUTH_PREFIX) || crate::api::serves(path)
}

/// Response headers a page may read besides the safelisted ones.
const EXPOSED: &str = "upvest-request-id, retry-after";

/// The CORS headers of a response to `path`, or the refusal of a request from elsewhere.
pub fn headers_for(path: &str, request: &HeaderMap) -> Result<Headers, Reply> {
    if !loopback_only(path) {
        return Ok(vec![("access-control-allow-origin", "*".to_owned()), ("access-control-expose-headers", EXPOSED.to_owned())]);
    }
    let text = |name: &str| request.get(name).map(|v| v.to_str().unwrap_or(""));
    if let Some(host) = text("host").filter(|h| !is_loopback_authority(h)) {
        return Err(refusal(format!(
            "the mock's API and control endpoints answer requests to 127.0.0.1 or localhost only, not to {host:?}"
        )));
    }
    match text("origin") {
        // Not sent by a browser, or sent by one for a same-origin GET (and the host is loopback).
        None => Ok(Vec::new()),
        Some(origin) if loopback_origin(origin) => Ok(vec![
            ("access-control-allow-origin", origin.to_owned()),
            ("access-control-expose-headers", EXPOSED.to_owned()),
            ("vary", "origin".to_owned()),
        ]),
        Some(origin) => Err(refusal(format!("the mock's API and control endpoints answer pages on loopback origins only, not {origin:?}"))),
    }
}

fn refusal(detail: String) -> Reply {
    Reply::problem(403, "forbidden", detail)
}

/// Answers a CORS preflight, allowing the headers the browser asks for (a `*` would not cover
/// `authorization`). Origins are checked before, by [`headers_for`].
pub fn preflight(request: &HeaderMap) -> Reply {
    let asked = request
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

/// `http://` or `https://` and a loopback authority, nothing else (`null` included).
fn loopback_origin(origin: &str) -> bool {
    let authority = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
    authority.is_some_and(|a| !a.contains('/') && is_loopback_authority(a))
}

/// `127.0.0.1`, `localhost` or `[::1]`, with or without a port.
fn is_loopback_authority(authority: &str) -> bool {
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    ["127.0.0.1", "localhost", "[::1]"].iter().any(|h| host.eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs.iter().map(|(n, v)| (http::header::HeaderName::from_static(n), v.parse().unwrap())).collect()
    }

    #[test]
    fn static_files_answer_any_origin() {
        let cors =
            headers_for("/app.js", &headers(&[("origin", "https://example.com"), ("host", "example.com")])).map_err(|r| r.status).unwrap();
        assert_eq!(cors[0], ("access-control-allow-origin", "*".to_owned()));
    }

    #[test]
    fn the_api_and_control_endpoints_answer_loopback_pages_and_refuse_others() {
        for path in
            ["/__mock/requests", "/account_groups", "/account_groups/x", "/users/x/account_groups", "/auth/token", "/auth/verify_keys"]
        {
            let allowed = |pairs: &[(&'static str, &str)]| headers_for(path, &headers(pairs)).map_err(|r| r.status);
            assert_eq!(allowed(&[("host", "127.0.0.1:8787")]), Ok(vec![]), "{path}");
            assert_eq!(allowed(&[]), Ok(vec![]), "{path}");
            for origin in ["http://127.0.0.1:8000", "http://localhost:5173", "http://[::1]:1", "https://localhost"] {
                let cors = allowed(&[("host", "127.0.0.1:8787"), ("origin", origin)]).unwrap();
                assert_eq!(cors[0], ("access-control-allow-origin", origin.to_owned()), "{path} {origin}");
                assert!(cors.contains(&("vary", "origin".to_owned())), "{path} {origin}");
            }
            for origin in ["https://example.com", "null", "http://127.0.0.1.example.com", "http://localhost.example:80", "file://"] {
                assert_eq!(allowed(&[("host", "127.0.0.1:8787"), ("origin", origin)]), Err(403), "{path} {origin}");
            }
            for host in ["rebound.example:8787", "127.0.0.2:8787", "localhost.example"] {
                assert_eq!(allowed(&[("host", host)]), Err(403), "{path} {host}");
            }
        }
    }
}
