//! Fault injection: rules posted to `/__mock/faults` that make the next matching requests fail on
//! purpose, so clients can be tested against the failures real networks and servers produce.

use serde_json::Value;
use std::sync::Mutex;

/// What a rule does to a matching request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effect {
    /// Wait this long before anything else.
    pub delay_ms: u64,
    /// Answer with this status and a problem body instead of handling the request.
    pub status: Option<u16>,
    /// With `status`: a `Retry-After` header, in seconds.
    pub retry_after: Option<u64>,
    /// With `status`: the problem's `detail` (for testing how clients show server text).
    pub detail: Option<String>,
    /// Handle the request, then close the connection without answering: the change is made but
    /// its response is lost, which is what retried creates must survive.
    pub drop: bool,
    /// Handle the request, then send 200 with the JSON body cut in half.
    pub malformed: bool,
}

#[derive(Debug, Clone)]
struct Rule {
    method: Option<String>,
    path: String,
    times: u64,
    effect: Effect,
}

impl Rule {
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        method_ok && path_ok
    }
}

#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<Rule>>,
}

impl Faults {
    /// Replaces the rules with a JSON list of `{ method?, path, times?, status?, retry_after?,
    /// detail?, delay_ms?, drop?, malformed? }`; `path` may end in `*` to match a prefix.
    pub fn set(&self, body: &[u8]) -> Result<usize, String> {
        let list: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
        let items = list.as_array().ok_or("the body must be a JSON list of rules")?;
        let rules =
            items.iter().enumerate().map(|(i, item)| rule(item).map_err(|e| format!("rule {i}: {e}"))).collect::<Result<Vec<_>, _>>()?;
        let count = rules.len();
        *self.rules.lock().unwrap_or_else(|p| p.into_inner()) = rules;
        Ok(count)
    }

    pub fn clear(&self) {
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// The effect for a request, using up one of the first matching rule's `times`.
    pub fn take(&self, method: &str, path: &str) -> Option<Effect> {
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        let index = rules.iter().position(|r| r.times > 0 && r.matches(method, path))?;
        rules[index].times -= 1;
        let effect = rules[index].effect.clone();
        if rules[index].times == 0 {
            rules.remove(index);
        }
        Some(effect)
    }
}

fn rule(item: &Value) -> Result<Rule, String> {
    let object = item.as_object().ok_or("must be an object")?;
    const KNOWN: [&str; 9] = ["method", "path", "times", "status", "retry_after", "detail", "delay_ms", "drop", "malformed"];
    if let Some(unknown) = object.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(format!("unknown field {unknown}"));
    }
    let number = |name: &str| match object.get(name) {
        None => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or(format!("{name} must be a non-negative integer")),
    };
    let flag = |name: &str| match object.get(name) {
        None => Ok(false),
        Some(v) => v.as_bool().ok_or(format!("{name} must be true or false")),
    };
    let status = number("status")?
        .map(|s| u16::try_from(s).ok().filter(|s| (100..=599).contains(s)).ok_or("status must be an HTTP status"))
        .transpose()?;
    let effect = Effect {
        delay_ms: number("delay_ms")?.unwrap_or(0),
        status,
        retry_after: number("retry_after")?,
        detail: object.get("detail").map(|d| d.as_str().map(str::to_owned).ok_or("detail must be a string")).transpose()?,
        drop: flag("drop")?,
        malformed: flag("malformed")?,
    };
    if [effect.status.is_some(), effect.drop, effect.malformed].iter().filter(|x| **x).count() > 1 {
        return Err("status, drop and malformed exclude each other".into());
    }
    if effect.retry_after.is_some() && effect.status.is_none() {
        return Err("retry_after goes with status (it is that answer's Retry-After header)".into());
    }
    // A rule that could never apply is a mistake in the test, not a rule.
    let path = object.get("path").and_then(Value::as_str).ok_or("path is required (a string)")?;
    if !path.starts_with('/') {
        return Err(format!("path must start with / (a prefix ends in *), not {path:?}"));
    }
    let times = number("times")?.unwrap_or(1);
    if times == 0 {
        return Err("times must be at least 1".into());
    }
    Ok(Rule {
        method: object.get("method").map(|m| m.as_str().map(str::to_owned).ok_or("method must be a string")).transpose()?,
        path: path.to_owned(),
        times,
        effect,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_to_the_next_matching_requests_only() {
        let faults = Faults::default();
        faults.set(br#"[{"method":"POST","path":"/account_groups","times":2,"status":503,"retry_after":1},{"path":"/account_groups/*","drop":true}]"#).unwrap();
        assert_eq!(faults.take("GET", "/account_groups"), None);
        let first = faults.take("post", "/account_groups").unwrap();
        assert_eq!((first.status, first.retry_after), (Some(503), Some(1)));
        assert!(faults.take("POST", "/account_groups").is_some());
        assert_eq!(faults.take("POST", "/account_groups"), None, "times ran out");
        assert!(faults.take("DELETE", "/account_groups/x").unwrap().drop);
        assert_eq!(faults.take("DELETE", "/account_groups/x"), None);
    }

    #[test]
    fn bad_rules_are_refused_with_a_reason() {
        let faults = Faults::default();
        for (body, reason) in [
            ("{}", "list"),
            (r#"[{"status":503}]"#, "path is required"),
            (r#"[{"path":"/x","status":99}]"#, "HTTP status"),
            (r#"[{"path":"/x","drop":true,"status":500}]"#, "exclude"),
            (r#"[{"path":"/x","sometimes":1}]"#, "unknown field"),
            (r#"[{"path":"/x","times":0,"status":503}]"#, "at least 1"),
            (r#"[{"path":"/x","retry_after":5}]"#, "goes with status"),
            (r#"[{"path":"account_groups","status":503}]"#, "must start with /"),
        ] {
            assert!(faults.set(body.as_bytes()).unwrap_err().contains(reason), "{body}");
        }
    }
}
