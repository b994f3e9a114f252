//! RFC 7807 problem details: reading them from an error response, and standing one in when the
//! body is not a problem document, so that callers always get the same fields.

use super::json::{JsonKind, JsonView};
use super::text::{cat, decimal, rfind_ascii};
use upvest_api::Problem as Fields;

use std::fmt;

/// An RFC 7807 problem, as returned with a non-2xx status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The HTTP status of the response (the body's `status` can disagree; the response wins).
    pub status: u16,
    /// The problem type: a URL such as `https://docs.upvest.co/errors/not_found`, or a slug.
    pub problem_type: String,
    /// A short summary.
    pub title: Option<String>,
    /// What happened this time.
    pub detail: Option<String>,
    /// A URI for this occurrence.
    pub instance: Option<String>,
    /// The request id: the `upvest-request-id` header, else the body's `request_id`.
    pub request_id: Option<String>,
    /// True when the body was a problem document; false when this one was stood in.
    pub from_body: bool,
}

/// The `type` RFC 7807 assumes when a problem names none.
pub const ABOUT_BLANK: &str = "about:blank";

impl Problem {
    /// The last path segment of `type` (`not_found` for both the URL and the slug form), which
    /// is how the contract says to classify problems after the status.
    pub fn slug(&self) -> &str {
        rfind_ascii(&self.problem_type, b'/').map_or(&self.problem_type, |at| &self.problem_type[at + 1..])
    }

    /// Reads a problem from an error response. A body that is not a problem document (not an
    /// object, or missing `type`) still yields a problem with the response's status, so that every
    /// error status reaches the caller in one shape.
    pub fn from_response<V: JsonView>(status: u16, header_request_id: Option<String>, body: Option<&V>) -> Problem {
        let text = |name: &str| body.and_then(|b| b.field(name)).and_then(|v| v.string());
        let is_problem = body.is_some_and(|b| b.kind() == JsonKind::Object) && text(Fields::r#type).is_some();
        let title = text(Fields::title).or_else(|| Some(reason_phrase(status).to_owned()));
        Problem {
            status,
            problem_type: text(Fields::r#type).unwrap_or_else(|| ABOUT_BLANK.to_owned()),
            title,
            detail: if is_problem { text(Fields::detail) } else { Some("the error response carried no problem document".to_owned()) },
            instance: text(Fields::instance),
            request_id: header_request_id.or_else(|| text(Fields::request_id)),
            from_body: is_problem,
        }
    }
}

impl Problem {
    /// `HTTP 404 Not Found: detail (request id …)`, each part present only when known.
    pub fn message(&self) -> String {
        let mut out = cat!("HTTP ", decimal(self.status.into()));
        if let Some(title) = &self.title {
            out.push_str(&cat!(" ", title));
        }
        if let Some(detail) = &self.detail {
            out.push_str(&cat!(": ", detail));
        }
        if let Some(id) = &self.request_id {
            out.push_str(&cat!(" (request id ", id, ")"));
        }
        out
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// The standard reason phrase of a status, for problems that carry no title.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        s if s >= 500 => "Server Error",
        _ => "Client Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_message_has_each_part_that_is_known() {
        let mut problem = Problem {
            status: 404,
            problem_type: ABOUT_BLANK.to_owned(),
            title: Some("Not Found".into()),
            detail: Some("no such group".into()),
            instance: None,
            request_id: Some("req-1".into()),
            from_body: true,
        };
        assert_eq!(problem.message(), "HTTP 404 Not Found: no such group (request id req-1)");
        problem.request_id = None;
        assert_eq!(problem.message(), "HTTP 404 Not Found: no such group");
        (problem.title, problem.detail, problem.request_id) = (None, None, Some("req-2".into()));
        assert_eq!(problem.message(), "HTTP 404 (request id req-2)");
    }

    #[test]
    fn reads_a_docs_form_problem_and_prefers_the_header_request_id() {
        let body = json!({
            "type": "https://docs.upvest.co/errors/not_found",
            "status": 404,
            "title": "Not found",
            "detail": "no such group",
            "request_id": "body-id"
        });
        let p = Problem::from_response(404, Some("header-id".into()), Some(&&body));
        assert_eq!(p.slug(), "not_found");
        assert_eq!(p.title.as_deref(), Some("Not found"));
        assert_eq!(p.detail.as_deref(), Some("no such group"));
        assert_eq!(p.request_id.as_deref(), Some("header-id"));
        assert!(p.from_body);
    }

    #[test]
    fn reads_a_spec_form_slug_and_falls_back_to_the_body_request_id() {
        let body = json!({"type": "conflict", "status": 409, "request_id": "body-id"});
        let p = Problem::from_response(409, None, Some(&&body));
        assert_eq!(p.slug(), "conflict");
        assert_eq!(p.title.as_deref(), Some("Conflict"));
        assert_eq!(p.request_id.as_deref(), Some("body-id"));
    }

    #[test]
    fn stands_in_a_problem_for_a_body_that_is_not_one() {
        for body in [json!("<html>bad gateway</html>"), json!([1, 2]), json!({"message": "nope"})] {
            let p = Problem::from_response(502, Some("rid".into()), Some(&&body));
            assert_eq!(p.status, 502);
            assert_eq!(p.problem_type, ABOUT_BLANK);
            assert_eq!(p.title.as_deref(), Some("Bad Gateway"));
            assert!(!p.from_body);
        }
        let p = Problem::from_response::<&serde_json::Value>(500, None, None);
        assert_eq!(p.problem_type, ABOUT_BLANK);
    }

    #[test]
    fn the_response_status_wins_over_the_body_status() {
        let body = json!({"type": "x", "status": 200});
        assert_eq!(Problem::from_response(500, None, Some(&&body)).status, 500);
    }
}
