//! Access tokens: what a token provider may return, how long a token is kept, and the OAuth
//! client-credentials request of Upvest's `POST /auth/token`.

use super::config::{check_access_token, check_base_url};
use super::error::{InputCode, InvalidInput};
use super::json::{JsonKind, JsonView};
use super::text::{cat, join, split_ascii, split_once_ascii};
use super::validate::{describe, member, options_object, uuid_field};

/// A token and how many seconds it lives, when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The bearer token.
    pub access_token: String,
    /// Its lifetime from now, in seconds.
    pub expires_in: Option<f64>,
}

/// Tokens are replaced this long before they expire (or at half their lifetime, if shorter), so
/// a request never leaves with a token about to lapse.
pub const REFRESH_MARGIN_MS: f64 = 30_000.0;

impl Token {
    /// Reads what a token provider resolved with: a token string, or `{ access_token, expires_in? }`.
    pub fn from_provider<V: JsonView>(value: &V) -> Result<Token, String> {
        if value.kind() == JsonKind::String {
            return check_access_token(value)
                .map(|access_token| Token { access_token, expires_in: None })
                .map_err(|e| cat!("the token provider's ", e.message()));
        }
        let wrong = || cat!("the token provider must resolve with a string or { access_token, expires_in } (got ", describe(value), ")");
        if value.kind() != JsonKind::Object {
            return Err(wrong());
        }
        let access_token = value.field("access_token").ok_or_else(wrong)?;
        let access_token = check_access_token(&access_token).map_err(|e| cat!("the token provider's ", e.message()))?;
        let expires_in = match value.field("expires_in") {
            None => None,
            Some(v) => {
                Some(v.number().filter(|n| n.is_finite() && *n >= 0.0).ok_or("expires_in must be a non-negative number of seconds")?)
            }
        };
        Ok(Token { access_token, expires_in })
    }

    /// Until when (in ms on the caller's clock) the token may be used; forever when its lifetime
    /// is unknown (it is refreshed after a 401 instead).
    pub fn usable_until(&self, now_ms: f64) -> f64 {
        match self.expires_in {
            None => f64::INFINITY,
            Some(seconds) => {
                let lifetime = seconds * 1000.0;
                now_ms + lifetime - REFRESH_MARGIN_MS.min(lifetime / 2.0)
            }
        }
    }
}

/// The options of the built-in client-credentials provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    /// The token endpoint, e.g. `https://sandbox.upvest.co/auth/token`.
    pub token_url: String,
    /// The tenant's client id.
    pub client_id: String,
    /// The client secret; never shown in a message.
    pub client_secret: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
}

/// The options `clientCredentials` accepts (the functions, `signer`, `fetch` and the hooks, and
/// `logger` and `tracer`, are read by the JavaScript driver).
pub const CLIENT_CREDENTIALS_OPTION_NAMES: &[&str] =
    &["tokenUrl", "clientId", "clientSecret", "scopes", "signer", "fetch", "onRequest", "onResponse", "logger", "tracer", "agent"];

impl ClientCredentials {
    /// Checks the options of `clientCredentials`.
    pub fn parse<V: JsonView>(options: Option<V>) -> Result<ClientCredentials, InvalidInput> {
        let options = options_object("options", options, CLIENT_CREDENTIALS_OPTION_NAMES)?.ok_or_else(|| {
            InvalidInput::new("options", InputCode::Required, "is required: { tokenUrl, clientId, clientSecret, scopes }")
        })?;
        let token_url = member(&options, "tokenUrl").ok_or_else(|| {
            InvalidInput::new("tokenUrl", InputCode::Required, "is required (a URL such as https://sandbox.upvest.co/auth/token)")
        })?;
        let token_url = token_url
            .string()
            .ok_or_else(|| InvalidInput::new("tokenUrl", InputCode::Type, cat!("must be a string (got ", describe(&token_url), ")")))
            .and_then(|url| check_base_url(&url).map_err(|e| InvalidInput { field: "tokenUrl".to_owned(), ..e }))?;
        let client_id = uuid_field("clientId", member(&options, "clientId"))?;
        let client_secret = member(&options, "clientSecret")
            .ok_or_else(|| {
                InvalidInput::new("clientSecret", InputCode::Required, "is required (a non-empty string; the value is not shown)")
            })?
            .string()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| InvalidInput::new("clientSecret", InputCode::Type, "must be a non-empty string (the value is not shown)"))?;
        let scopes = member(&options, "scopes")
            .ok_or_else(|| InvalidInput::new("scopes", InputCode::Required, "is required, e.g. [\"accounts:read\"]"))?;
        let scopes = match scopes.kind() {
            JsonKind::String => {
                split_ascii(&scopes.string().unwrap_or_default(), b' ').filter(|s| !s.is_empty()).map(str::to_owned).collect()
            }
            JsonKind::Array => (0..scopes.length()).filter_map(|i| scopes.item(i).and_then(|s| s.string())).collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        let well_formed = |s: &String| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b":_.-".contains(&b));
        if scopes.is_empty() || !scopes.iter().all(well_formed) {
            return Err(InvalidInput::new("scopes", InputCode::Format, "must be a non-empty list of scope names like accounts:read"));
        }
        Ok(ClientCredentials { token_url, client_id, client_secret, scopes })
    }

    /// The form body of the token request.
    pub fn form_body(&self) -> String {
        cat!(
            "grant_type=client_credentials&client_id=",
            form_encode(&self.client_id),
            "&client_secret=",
            form_encode(&self.client_secret),
            "&scope=",
            form_encode(&join(&self.scopes, " "))
        )
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 15)]));
            }
        }
    }
    out
}

/// Checks a token endpoint's success body.
pub fn check_token_response<V: JsonView>(body: &V) -> Result<(), String> {
    Token::from_provider(body).map(drop).map_err(|e| match split_once_ascii(&e, "the token provider's ") {
        Some((before, after)) => cat!(before, "the token response's ", after),
        None => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn reads_provider_results() {
        assert_eq!(Token::from_provider(&&json!("abc")).unwrap(), Token { access_token: "abc".into(), expires_in: None });
        let t = Token::from_provider(&&json!({"access_token": "abc", "expires_in": 3600, "token_type": "bearer"})).unwrap();
        assert_eq!(t.expires_in, Some(3600.0));
        for bad in [
            json!(null),
            json!(42),
            json!({"token": "abc"}),
            json!({"access_token": "a b"}),
            json!({"access_token": "abc", "expires_in": "soon"}),
        ] {
            assert!(Token::from_provider(&&bad).is_err(), "{bad}");
        }
        let secret = Token::from_provider(&&json!({"access_token": "very secret value"})).unwrap_err();
        assert!(!secret.contains("very secret"), "{secret}");
        let longest = "a".repeat(super::super::config::MAX_ACCESS_TOKEN_BYTES);
        assert!(Token::from_provider(&&json!(longest)).is_ok());
        let huge = Token::from_provider(&&json!(cat!(longest, "b"))).unwrap_err();
        assert!(huge.starts_with("the token provider's accessToken must be at most 16384") && !huge.contains("aaaa"), "{huge}");
    }

    #[test]
    fn tokens_are_replaced_before_they_expire() {
        let hour = Token { access_token: "t".into(), expires_in: Some(3600.0) };
        assert_eq!(hour.usable_until(1000.0), 1000.0 + 3_600_000.0 - 30_000.0);
        let short = Token { access_token: "t".into(), expires_in: Some(10.0) };
        assert_eq!(short.usable_until(0.0), 5000.0);
        assert_eq!(Token { access_token: "t".into(), expires_in: None }.usable_until(0.0), f64::INFINITY);
    }

    #[test]
    fn client_credentials_options_and_form() {
        let options = json!({
            "tokenUrl": "https://sandbox.upvest.co/auth/token",
            "clientId": "363f3305-7ab0-4e82-a158-f9d382ad08b6",
            "clientSecret": "s3cr&t =x",
            "scopes": ["accounts:read", "accounts:admin"]
        });
        let cc = ClientCredentials::parse(Some(&options)).unwrap();
        assert_eq!(
            cc.form_body(),
            "grant_type=client_credentials&client_id=363f3305-7ab0-4e82-a158-f9d382ad08b6&client_secret=s3cr%26t+%3Dx&scope=accounts%3Aread+accounts%3Aadmin"
        );
        let mut bad = options.clone();
        bad["tokenUrl"] = json!("http://example.com/auth/token");
        assert_eq!(ClientCredentials::parse(Some(&bad)).unwrap_err().field, "tokenUrl");
        let mut bad = options.clone();
        bad["scopes"] = json!([]);
        assert_eq!(ClientCredentials::parse(Some(&bad)).unwrap_err().field, "scopes");
        let mut bad = options;
        bad["clientSecret"] = json!("");
        let e = ClientCredentials::parse(Some(&bad)).unwrap_err();
        assert_eq!(e.field, "clientSecret");
        assert!(ClientCredentials::parse::<&Value>(None).is_err());
    }
}
