//! Every way a call can fail, as one enum; the wasm layer maps each variant to one JS error class.

use super::problem::Problem;
use super::text::{cat, decimal};
use std::fmt;

/// Which kind of rule an input broke (`InvalidInputError.code`), and how a response broke the
/// contract (`ResponseError.code`): stable, machine-readable codes, described with the rest of
/// the seam in `api/src/seam.rs`.
pub use upvest_api::seam::{InputCode, ResponseCode};

/// Input the caller gave that breaks a rule; detected before any request is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    /// The offending field, as the caller spelled it (e.g. `user_id`, `options.limit`).
    pub field: String,
    /// Which kind of rule it breaks.
    pub code: InputCode,
    /// The rule it breaks, phrased to follow the field name (e.g. `must be a UUID`), for people.
    pub rule: String,
}

impl InvalidInput {
    /// A broken rule for a field.
    pub fn new(field: impl Into<String>, code: InputCode, rule: impl Into<String>) -> Self {
        InvalidInput { field: field.into(), code, rule: rule.into() }
    }

    /// The field and its rule, as a sentence's start (`user_id must be a UUID …`).
    pub fn message(&self) -> String {
        cat!(self.field, " ", self.rule)
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// A response that is not what the contract promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedResponse {
    /// How it broke the contract.
    pub code: ResponseCode,
    /// The HTTP status.
    pub status: u16,
    /// The `upvest-request-id` header, when the response had one.
    pub request_id: Option<String>,
    /// What is wrong with it.
    pub reason: String,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// Bad input; nothing was sent.
    InvalidInput(InvalidInput),
    /// The API answered with an error status.
    Problem(Problem),
    /// The API answered, but not as the contract says.
    Response(UnexpectedResponse),
    /// No response arrived (connection refused, reset, DNS, CORS).
    Network(String),
    /// An attempt took longer than the configured time limit.
    Timeout {
        /// The limit that was exceeded, in milliseconds.
        after_ms: u32,
    },
    /// The signer callback failed.
    Signer(String),
    /// The token provider failed or gave something that is not a token.
    TokenProvider(String),
    /// A webhook delivery whose events are not of the shape Upvest sends.
    Webhook(String),
}

impl From<InvalidInput> for ClientError {
    fn from(e: InvalidInput) -> Self {
        ClientError::InvalidInput(e)
    }
}

impl ClientError {
    /// The error's message, as JavaScript's `error.message` reads it.
    pub fn message(&self) -> String {
        match self {
            ClientError::InvalidInput(e) => cat!("Invalid input: ", e.message()),
            ClientError::Problem(p) => p.message(),
            ClientError::Response(r) => cat!("Unexpected response (HTTP ", decimal(r.status.into()), "): ", r.reason),
            ClientError::Network(m) => cat!("Network error: ", m),
            ClientError::Timeout { after_ms } => cat!("Request timed out after ", decimal((*after_ms).into()), " ms"),
            ClientError::Signer(m) => cat!("Signer failed: ", m),
            ClientError::TokenProvider(m) => cat!("Token provider failed: ", m),
            ClientError::Webhook(m) => cat!("Invalid webhook delivery: ", m),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}
