//! Every way a call can fail, as one enum; the wasm layer maps each variant to one JS error class.

use super::problem::Problem;
use super::text::{cat, decimal};
use std::fmt;

/// Which kind of rule an input broke: a stable, machine-readable code (`InvalidInputError.code`),
/// so that callers branch on it rather than on the wording of `rule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputCode {
    /// A required value is missing.
    Required,
    /// The value has the wrong JavaScript type (a number where a string belongs, say).
    Type,
    /// The value is not a canonical UUID (or not of an accepted version).
    Uuid,
    /// The value is not one of the allowed values.
    Enum,
    /// A number outside its bounds, or not a whole number.
    Range,
    /// A string of the right type but the wrong shape (a URL, a token, nine digits).
    Format,
    /// An object carries a field the operation does not know (typo protection).
    UnknownField,
    /// Two values that exclude each other were both given.
    Conflict,
}

impl InputCode {
    /// The code as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            InputCode::Required => "required",
            InputCode::Type => "type",
            InputCode::Uuid => "uuid",
            InputCode::Enum => "enum",
            InputCode::Range => "range",
            InputCode::Format => "format",
            InputCode::UnknownField => "unknown-field",
            InputCode::Conflict => "conflict",
        }
    }
}

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

/// How a response broke the contract: a stable, machine-readable code (`ResponseError.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseCode {
    /// The body grew past `maxResponseBytes`.
    TooLarge,
    /// A success that is not announced as JSON.
    ContentType,
    /// A body announced as JSON that is not (or is nested deeper than the reader goes).
    Json,
    /// JSON of the wrong shape: a missing member, a wrong type, a bad id.
    Contract,
    /// A redirect (3xx), which is not followed.
    Redirect,
    /// A status the operation does not return.
    Status,
    /// A page that does not continue the iteration (`iterate`).
    Paging,
}

impl ResponseCode {
    /// The code as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseCode::TooLarge => "too-large",
            ResponseCode::ContentType => "content-type",
            ResponseCode::Json => "json",
            ResponseCode::Contract => "contract",
            ResponseCode::Redirect => "redirect",
            ResponseCode::Status => "status",
            ResponseCode::Paging => "paging",
        }
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
