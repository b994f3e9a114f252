//! `POST /auth/token` (OAuth client credentials, a form body read by `form_urlencoded`) and, with
//! `--strict-tokens`, the check that API requests carry a token it issued, unexpired, for the same
//! client, with a scope the endpoint accepts.

use crate::reply::Reply;
use crate::request::ApiRequest;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use uuid::Uuid;

pub const READ_SCOPE: &str = "accounts:read";
pub const ADMIN_SCOPE: &str = "accounts:admin";
pub const WEBHOOKS_READ_SCOPE: &str = "webhooks:read";
pub const WEBHOOKS_ADMIN_SCOPE: &str = "webhooks:admin";

struct Token {
    client_id: Uuid,
    scopes: Vec<String>,
    expires: SystemTime,
}

pub struct Auth {
    strict: bool,
    client_secret: String,
    ttl: Duration,
    tokens: Mutex<HashMap<String, Token>>,
}

impl Auth {
    pub fn new(strict: bool, client_secret: String, ttl: Duration) -> Auth {
        Auth { strict, client_secret, ttl, tokens: Mutex::new(HashMap::new()) }
    }

    pub fn clear(&self) {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Answers a token request.
    pub fn issue(&self, request: &ApiRequest) -> Reply {
        let content_type = request.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        if !content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
            return Reply::problem(400, "invalid_request", "the token request must be application/x-www-form-urlencoded");
        }
        if request.headers.contains_key("authorization") {
            return Reply::problem(400, "invalid_request", "the token request carries no authorization header");
        }
        // A field given twice counts as its last value.
        let fields: HashMap<String, String> = form_urlencoded::parse(&request.body).into_owned().collect();
        let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or("");
        if field("grant_type") != "client_credentials" {
            return Reply::problem(400, "invalid_request", "grant_type must be client_credentials");
        }
        let scopes: Vec<String> = field("scope").split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        if scopes.is_empty() {
            return Reply::problem(400, "invalid_request", "scope is required (space-separated, e.g. accounts:read)");
        }
        // Any spelling uuid reads (hyphenated, simple, braced, URN; either case) names the client.
        let client_id = match Uuid::try_parse(field("client_id")) {
            Ok(id) if field("client_secret") == self.client_secret => id,
            _ => return Reply::problem(401, "unauthorised", "the client credentials are wrong"),
        };
        let access_token = format!("mock.{}", Uuid::new_v4().simple());
        let scope = scopes.join(" ");
        let token = Token { client_id, scopes, expires: request.received + self.ttl };
        self.tokens.lock().unwrap_or_else(|p| p.into_inner()).insert(access_token.clone(), token);
        Reply::json(200, &json!({"access_token": access_token, "expires_in": self.ttl.as_secs(), "token_type": "bearer", "scope": scope}))
    }

    /// With `--strict-tokens`: the bearer token must be one this mock issued, unexpired, for this
    /// client, with one of the scopes `any_of`.
    pub fn check(&self, token: &str, client_id: &Uuid, any_of: &[&str], now: SystemTime) -> Result<(), Reply> {
        if !self.strict {
            return Ok(());
        }
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let known = tokens.get(token).filter(|t| t.expires > now && t.client_id == *client_id);
        let token =
            known.ok_or_else(|| Reply::problem(401, "unauthorised", "the access token is unknown, expired, or for another client"))?;
        if token.scopes.iter().any(|s| any_of.contains(&s.as_str())) {
            Ok(())
        } else {
            Err(Reply::problem(403, "forbidden", format!("the access token lacks the scope {}", any_of.join(" or "))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::Method;
    use serde_json::Value;

    const CLIENT: &str = "363f3305-7ab0-4e82-a158-f9d382ad08b6";

    fn token_request(body: &str) -> ApiRequest {
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", "application/x-www-form-urlencoded".parse().unwrap());
        ApiRequest {
            method: Method::POST,
            path: "/auth/token".into(),
            query: None,
            headers,
            body: Bytes::from(body.to_owned()),
            received: std::time::SystemTime::now(),
        }
    }

    /// The reply's status and, on success, the token and scope issued.
    fn issue(auth: &Auth, body: &str) -> (u16, String, String) {
        let reply = auth.issue(&token_request(body));
        let json: Value = serde_json::from_slice(&reply.body).unwrap();
        let text = |name: &str| json[name].as_str().unwrap_or("").to_owned();
        (reply.status, text("access_token"), text("scope"))
    }

    #[test]
    fn reads_the_token_request_as_a_form() {
        let auth = Auth::new(true, "s3cret +&=%zz".into(), Duration::from_secs(60));
        let client = Uuid::parse_str(CLIENT).unwrap();
        // Escapes are decoded in names and values, `+` is a space and `%2B` a plus, a malformed
        // escape is kept as it is, and a field given twice counts as its last value.
        let body = format!(
            "grant%5Ftype=client_credentials&client_id={CLIENT}&client_secret=s3cret+%2B%26%3D%zz&scope=accounts%3Aadmin&scope=accounts%3Aread+webhooks%3Aread"
        );
        let (status, token, scope) = issue(&auth, &body);
        assert_eq!((status, scope.as_str()), (200, "accounts:read webhooks:read"));
        assert!(auth.check(&token, &client, &[WEBHOOKS_READ_SCOPE], std::time::SystemTime::now()).is_ok());
        assert_eq!(
            auth.check(&token, &client, &[ADMIN_SCOPE], std::time::SystemTime::now()).unwrap_err().status,
            403,
            "the first scope field was replaced"
        );
        for (wrong, status) in [
            (body.replace("s3cret+", "s3cret%2B"), 401),
            (body.replace("%zz", "%25zz"), 200),
            (body.replace("%zz", "%7A%7A"), 401),
            (body.replace("grant%5Ftype=client_credentials", "grant_type=client+credentials"), 400),
            (format!("{body}&client_secret=s3cret"), 401),
        ] {
            assert_eq!(issue(&auth, &wrong).0, status, "{wrong}");
        }
    }

    #[test]
    fn names_the_client_by_any_spelling_of_its_uuid() {
        let auth = Auth::new(true, "s".into(), Duration::from_secs(60));
        let client = Uuid::parse_str(CLIENT).unwrap();
        let simple = CLIENT.replace('-', "");
        for spelling in [CLIENT.to_ascii_uppercase(), format!("{{{CLIENT}}}"), format!("URN:UUID:{CLIENT}"), simple.clone()] {
            let (status, token, _) =
                issue(&auth, &format!("grant_type=client_credentials&client_id={spelling}&client_secret=s&scope=accounts:read"));
            assert_eq!(status, 200, "{spelling}");
            assert!(
                auth.check(&token, &client, &[READ_SCOPE], std::time::SystemTime::now()).is_ok(),
                "{spelling}: the token is the client's"
            );
            assert_eq!(
                auth.check(&token, &Uuid::nil(), &[READ_SCOPE], std::time::SystemTime::now()).unwrap_err().status,
                401,
                "{spelling}"
            );
        }
        for refused in ["", "nope", &CLIENT[1..], &format!("{CLIENT}0"), &format!("({CLIENT})"), &simple.replace('3', "-")] {
            let (status, ..) =
                issue(&auth, &format!("grant_type=client_credentials&client_id={refused}&client_secret=s&scope=accounts:read"));
            assert_eq!(status, 401, "{refused:?}");
        }
    }
}
