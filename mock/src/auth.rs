//! `POST /auth/token` (OAuth client credentials) and, with `--strict-tokens`, the check that API
//! requests carry a token it issued, unexpired, for the same client, with a scope the endpoint
//! accepts.

use crate::request::ApiRequest;
use crate::form;
use crate::reply::Reply;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const READ_SCOPE: &str = "accounts:read";
pub const ADMIN_SCOPE: &str = "accounts:admin";
pub const WEBHOOKS_READ_SCOPE: &str = "webhooks:read";
pub const WEBHOOKS_ADMIN_SCOPE: &str = "webhooks:admin";

struct Token {
    client_id: String,
    scopes: Vec<String>,
    expires: Instant,
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
        let body = String::from_utf8_lossy(&request.body);
        let fields: HashMap<String, String> = form::pairs(Some(&body)).into_iter().collect();
        let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or("");
        if field("grant_type") != "client_credentials" {
            return Reply::problem(400, "invalid_request", "grant_type must be client_credentials");
        }
        let scopes: Vec<String> = field("scope").split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        if scopes.is_empty() {
            return Reply::problem(400, "invalid_request", "scope is required (space-separated, e.g. accounts:read)");
        }
        let client_id = field("client_id").to_ascii_lowercase();
        if uuid::Uuid::try_parse(&client_id).is_err() || field("client_secret") != self.client_secret {
            return Reply::problem(401, "unauthorised", "the client credentials are wrong");
        }
        let access_token = format!("mock.{}", uuid::Uuid::new_v4().simple());
        let scope = scopes.join(" ");
        let token = Token { client_id, scopes, expires: Instant::now() + self.ttl };
        self.tokens.lock().unwrap_or_else(|p| p.into_inner()).insert(access_token.clone(), token);
        Reply::json(200, &json!({"access_token": access_token, "expires_in": self.ttl.as_secs(), "token_type": "bearer", "scope": scope}))
    }

    /// With `--strict-tokens`: the bearer token must be one this mock issued, unexpired, for this
    /// client, with one of the scopes `any_of`.
    pub fn check(&self, token: &str, client_id: &str, any_of: &[&str]) -> Result<(), Reply> {
        if !self.strict {
            return Ok(());
        }
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let known = tokens.get(token).filter(|t| t.expires > Instant::now() && t.client_id == client_id);
        let token = known.ok_or_else(|| Reply::problem(401, "unauthorised", "the access token is unknown, expired, or for another client"))?;
        if token.scopes.iter().any(|s| any_of.contains(&s.as_str())) {
            Ok(())
        } else {
            Err(Reply::problem(403, "forbidden", format!("the access token lacks the scope {}", any_of.join(" or "))))
        }
    }
}
