//! The client's constructor options: checked once, so that every call can trust them.

use super::error::{InputCode, InvalidInput};
use super::json::JsonView;
use super::model::{DEFAULT_API_VERSION, SANDBOX_BASE_URL};
use super::retry::RetryPolicy;
use super::text::{cat, find_ascii, parse_unsigned, rfind_ascii, split_ascii, split_once_ascii, trim_end_ascii};
use super::validate::{describe, member, options_object, quote, uuid_field};
use upvest_api::seam::CLIENT_OPTION_NAMES;

/// Every option the constructor accepts (`api/src/seam.rs`). Function-valued ones
/// (`fetch`, `tokenProvider`, `signer`, the hooks), the `logger`, `tracer` and `agent` are kept by
/// the JavaScript driver (`js/client.js`), which hands the core only a mark that each was given;
/// listing them here lets the typo check pass them.
pub const OPTION_NAMES: &[&str] = &CLIENT_OPTION_NAMES;

/// Checked constructor options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Scheme, host, optional port and path prefix, without a trailing `/`.
    pub base_url: String,
    /// The tenant's client id, canonical lowercase.
    pub client_id: String,
    /// The `upvest-api-version` header value.
    pub api_version: String,
    /// A fixed bearer token; `None` when a `tokenProvider` supplies them.
    pub access_token: Option<String>,
    /// Retries and time limits.
    pub retry: RetryPolicy,
}

impl ClientConfig {
    /// Checks the options object given to the constructor.
    pub fn parse<V: JsonView>(options: Option<V>) -> Result<ClientConfig, InvalidInput> {
        let options = options_object("options", options, OPTION_NAMES)?
            .ok_or_else(|| InvalidInput::new("options", InputCode::Required, "is required: { baseUrl, clientId, accessToken }"))?;
        let base_url = match member(&options, "baseUrl") {
            None => SANDBOX_BASE_URL.to_owned(),
            Some(v) => {
                let text = v
                    .string()
                    .ok_or_else(|| InvalidInput::new("baseUrl", InputCode::Type, cat!("must be a string (got ", describe(&v), ")")))?;
                check_base_url(&text)?
            }
        };
        let client_id = uuid_field("clientId", member(&options, "clientId"))?;
        let api_version = match member(&options, "apiVersion") {
            None => DEFAULT_API_VERSION.to_owned(),
            Some(v) => v.string().filter(|s| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
                InvalidInput::new(
                    "apiVersion",
                    InputCode::Format,
                    cat!("must be a major version number as a string, like \"1\" (got ", describe(&v), ")"),
                )
            })?,
        };
        let access_token = match (member(&options, "accessToken"), member(&options, "tokenProvider")) {
            (Some(token), None) => Some(check_access_token(&token)?),
            (None, Some(_)) => None,
            (Some(_), Some(_)) => {
                return Err(InvalidInput::new("accessToken", InputCode::Conflict, "and tokenProvider exclude each other: give one"))
            }
            (None, None) => return Err(InvalidInput::new("accessToken", InputCode::Required, "is required, or a tokenProvider")),
        };
        let retry = RetryPolicy::parse(&options)?;
        Ok(ClientConfig { base_url, client_id, api_version, access_token, retry })
    }
}

/// The longest bearer token sent: Upvest's are far shorter, and a server answers a larger header
/// block with 431, so a runaway provider is stopped here, before anything is sent.
pub const MAX_ACCESS_TOKEN_BYTES: usize = 16 * 1024;

/// A bearer token must be an RFC 6750 `b64token`; anything else could not travel in a header.
/// The message never quotes the value: it is a secret.
pub fn check_access_token<V: JsonView>(value: &V) -> Result<String, InvalidInput> {
    let token = value
        .string()
        .ok_or_else(|| InvalidInput::new("accessToken", InputCode::Type, cat!("must be a string (got ", value.kind().describe(), ")")))?;
    if token.len() > MAX_ACCESS_TOKEN_BYTES {
        return Err(InvalidInput::new("accessToken", InputCode::Range, "must be at most 16384 characters"));
    }
    let body = trim_end_ascii(&token, b'=');
    let well_formed = !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b));
    if well_formed {
        Ok(token)
    } else {
        Err(InvalidInput::new(
            "accessToken",
            InputCode::Format,
            "must be a non-empty RFC 6750 token (letters, digits and -._~+/ then optional =); the value is not shown",
        ))
    }
}

/// Accepts `https://host[:port][/prefix]`, and `http://` only for a loopback host, so that a token
/// is never sent in clear text over a network.
pub fn check_base_url(url: &str) -> Result<String, InvalidInput> {
    let bad = |why: &str| InvalidInput::new("baseUrl", InputCode::Format, cat!(why, " (got ", quote(url), ")"));
    let (scheme, rest) = split_once_ascii(url, "://").ok_or_else(|| bad("must start with https:// (or http:// for a loopback host)"))?;
    let secure = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return Err(bad("must start with https:// (or http:// for a loopback host)")),
    };
    let (authority, path) = rest.split_at(find_ascii(rest, b'/').unwrap_or(rest.len()));
    if !path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/".contains(&b)) {
        return Err(bad("must not carry a query, a fragment or unusual characters"));
    }
    if find_ascii(authority, b'@').is_some() {
        return Err(bad("must not carry credentials"));
    }
    let authority = authority.to_ascii_lowercase();
    let host = host_of(&authority).ok_or_else(|| bad("must name a host, with an optional numeric port"))?;
    if !secure && !is_loopback(host) {
        return Err(bad("must use https:// unless the host is loopback (localhost, 127.0.0.0/8, [::1])"));
    }
    let scheme = if secure { "https" } else { "http" };
    Ok(cat!(scheme, "://", authority, trim_end_ascii(path, b'/')))
}

/// The host of a well-formed `host[:port]`.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match rfind_ascii(authority, b':') {
        Some(i) if find_ascii(&authority[i..], b']').is_none() => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ipv6) => !ipv6.is_empty() && ipv6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.'),
        None => !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'),
    };
    (port_ok && host_ok).then_some(host)
}

fn is_loopback(host: &str) -> bool {
    let in_127 = host.strip_prefix("127.").is_some_and(|rest| {
        let parts: Vec<&str> = split_ascii(rest, b'.').collect();
        parts.len() == 3 && parts.iter().all(|p| parse_unsigned(p).is_some_and(|n| n <= 255))
    });
    host == "localhost" || host == "[::1]" || in_127
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CLIENT: &str = "363f3305-7ab0-4e82-a158-f9d382ad08b6";

    #[test]
    fn base_urls_must_be_https_or_loopback() {
        for (given, kept) in [
            ("https://sandbox.upvest.co", "https://sandbox.upvest.co"),
            ("HTTPS://API.Upvest.co/", "https://api.upvest.co"),
            ("https://proxy.example:8443/upvest/", "https://proxy.example:8443/upvest"),
            ("http://127.0.0.1:4010", "http://127.0.0.1:4010"),
            ("http://localhost:80/", "http://localhost:80"),
            ("http://[::1]:9", "http://[::1]:9"),
        ] {
            assert_eq!(check_base_url(given).as_deref(), Ok(kept), "{given}");
        }
        for bad in [
            "http://sandbox.upvest.co",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "ftp://x",
            "sandbox.upvest.co",
            "https://user:pw@api.upvest.co",
            "https://api.upvest.co?x=1",
            "https://api.upvest.co/#frag",
            "https://",
            "https://api.upvest.co:99999999",
            "https://exa mple.com",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_complete_options_and_applies_defaults() {
        let c = ClientConfig::parse(Some(&json!({"clientId": CLIENT.to_uppercase(), "accessToken": "abc.def"}))).unwrap();
        assert_eq!(c.base_url, SANDBOX_BASE_URL);
        assert_eq!(c.client_id, CLIENT);
        assert_eq!(c.api_version, "1");
    }

    #[test]
    fn rejects_bad_options_without_quoting_the_token() {
        let secret = "s3cr3t value with spaces";
        let e = ClientConfig::parse(Some(&json!({"clientId": CLIENT, "accessToken": secret}))).unwrap_err();
        assert_eq!(e.field, "accessToken");
        assert!(!e.to_string().contains("s3cr3t"));
        let e = ClientConfig::parse(Some(&json!({"clientId": CLIENT, "accesToken": "x"}))).unwrap_err();
        assert!(e.to_string().contains("unknown field \"accesToken\""), "{e}");
        let e = ClientConfig::parse(Some(&json!({"accessToken": "x"}))).unwrap_err();
        assert_eq!(e.field, "clientId");
        let e = ClientConfig::parse::<&serde_json::Value>(None).unwrap_err();
        assert_eq!(e.field, "options");
        let e = ClientConfig::parse(Some(&json!({"clientId": CLIENT}))).unwrap_err();
        assert_eq!(e.to_string(), "accessToken is required, or a tokenProvider");
        let e = ClientConfig::parse(Some(&json!({"clientId": CLIENT, "accessToken": "t", "tokenProvider": {}}))).unwrap_err();
        assert!(e.to_string().contains("exclude each other"));
        let c = ClientConfig::parse(Some(&json!({"clientId": CLIENT, "tokenProvider": {}, "maxRetries": 0}))).unwrap();
        assert_eq!((c.access_token, c.retry.max_retries), (None, 0));
    }
}
