//! Responses: JSON bodies and RFC 7807 problems, with the headers every response carries.

use bytes::Bytes;
use http::StatusCode;
use serde::Serialize;
use serde_json::Value;
use upvest_api::Problem;

/// A response before the headers every response gets (request id, CORS).
pub struct Reply {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: Bytes,
    pub headers: Vec<(&'static str, String)>,
}

/// Where problem `type` URLs point, as in live Upvest responses.
pub const PROBLEM_BASE: &str = "https://docs.upvest.co/errors/";

impl Reply {
    /// A JSON body: any serde value, an upvest-api object most often.
    pub fn json(status: u16, value: &impl Serialize) -> Reply {
        let body = serde_json::to_vec(value).unwrap_or_default();
        Reply { status, content_type: Some("application/json"), body: Bytes::from(body), headers: Vec::new() }
    }

    pub fn empty(status: u16) -> Reply {
        Reply { status, content_type: None, body: Bytes::new(), headers: Vec::new() }
    }

    pub fn bytes(status: u16, content_type: &'static str, body: Bytes) -> Reply {
        Reply { status, content_type: Some(content_type), body, headers: Vec::new() }
    }

    /// A problem in the live form: `type` is a docs URL ending in the slug.
    pub fn problem(status: u16, slug: &str, detail: impl Into<String>) -> Reply {
        let title = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
        let problem = Problem {
            r#type: format!("{PROBLEM_BASE}{slug}"),
            status,
            title: title.to_owned(),
            detail: detail.into(),
            instance: None,
            request_id: None,
        };
        Reply { content_type: Some("application/problem+json"), ..Reply::json(status, &problem) }
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }

    /// The final response; a problem body also gets the request id, as Upvest's do.
    pub fn finish(self, request_id: &str, common: &[(&'static str, String)]) -> Finished {
        let body = if self.content_type == Some("application/problem+json") {
            match serde_json::from_slice::<Value>(&self.body) {
                Ok(Value::Object(mut map)) => {
                    map.insert("request_id".into(), Value::String(request_id.to_owned()));
                    Bytes::from(Value::Object(map).to_string())
                }
                _ => self.body,
            }
        } else {
            self.body
        };
        let content_type = self.content_type.map(|c| ("content-type", c.to_owned()));
        let request_id = ("upvest-request-id", request_id.to_owned());
        let headers = content_type.into_iter().chain([request_id]).chain(self.headers).chain(common.iter().cloned()).collect();
        Finished { status: self.status, headers, body }
    }
}

/// A response as it goes on the wire: names are lower-case, values are what the mock wrote
/// (servers drop a value that is not a valid header value).
#[derive(Debug)]
pub struct Finished {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}
