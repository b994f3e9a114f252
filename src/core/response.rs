//! Judging responses: which statuses are success for an operation, and whether a success body has
//! the shape the contract promises. Bodies are checked, not rebuilt: the caller gets the parsed
//! value as it came, so fields and enum values added by later API versions are kept.

use super::error::{ClientError, ResponseCode, UnexpectedResponse};
use super::json::{JsonKind, JsonView};
use super::model::BUSINESS_GROUP_TYPE;
use super::problem::Problem;
use super::text::{before_ascii, cat, const_cat, decimal, trim_end_ascii};
use super::validate::{is_uuid, number_text, quote};
use std::borrow::Cow;
use upvest_api::{AccountGroupList, AccountGroupUser as User, BusinessAccountGroup, ListMeta, UserAccountGroup as Group};
use upvest_quick_check::shapes::is_rfc3339_bytes;
use upvest_quick_check::Shape;

/// What a successful response of an operation carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// One account group, with status 200.
    Group,
    /// A page of account groups, with status 200.
    Page,
    /// Nothing, with status 202.
    Accepted,
    /// An OAuth token, with status 200.
    Token,
    /// The webhook signing keys (a JWKS), with status 200.
    VerifyKeys,
}

impl Expected {
    /// The success status of the operation.
    pub fn status(self) -> u16 {
        match self {
            Expected::Group | Expected::Page | Expected::Token | Expected::VerifyKeys => 200,
            Expected::Accepted => 202,
        }
    }

    /// Whether a success body (JSON, without a byte-order mark) certainly passes [`Self::check`],
    /// by the quick check (crate `upvest-quick-check`) for the bodies it knows. `false` means
    /// "not sure": the full reader and check then decide.
    pub fn certainly_valid(self, bytes: &[u8]) -> bool {
        let shape = match self {
            Expected::Group => Shape::Group,
            Expected::Page => Shape::Page,
            Expected::Accepted | Expected::Token | Expected::VerifyKeys => return false,
        };
        upvest_quick_check::certainly_valid(shape, bytes)
    }

    /// Checks a success body; the error says what is wrong, with the path to it.
    pub fn check<V: JsonView>(self, body: &V) -> Result<(), String> {
        match self {
            Expected::Group => check_group(&At::Body, body),
            Expected::Page => check_page(body),
            Expected::Accepted => Ok(()),
            Expected::Token => super::token::check_token_response(body),
            Expected::VerifyKeys => check_verify_keys(body),
        }
    }
}

/// The members each key of `GET /auth/verify_keys` must carry as strings.
const VERIFY_KEY_MEMBERS: [&str; 5] = ["kid", "kty", "crv", "x", "y"];

/// The JWKS `GET /auth/verify_keys` answers: `keys`, an array of objects each with string `kid`,
/// `kty`, `crv`, `x` and `y`. Other members (`alg`, `use`, …) are kept; whether a key is one a
/// webhook can be verified with is the verifier's question, not the contract's.
pub fn check_verify_keys<V: JsonView>(body: &V) -> Result<(), String> {
    must_be_object(&At::Body, body, "the body")?;
    let keys = body.field("keys").filter(|k| k.kind() == JsonKind::Array).ok_or("keys must be an array")?;
    for (i, key) in keys.items().iter().enumerate() {
        let at = At::Item(&At::Body, "keys", i);
        must_be_object(&at, key, "the key")?;
        for name in VERIFY_KEY_MEMBERS {
            string(&at, name, key.field(name).as_ref())?;
        }
    }
    Ok(())
}

/// Whether a `content-type` announces JSON (`application/json`, `application/problem+json`, …).
pub fn is_json_media_type(content_type: Option<&str>) -> bool {
    let media = content_type.map(|c| before_ascii(c, b';')).map(|m| m.trim_ascii().to_ascii_lowercase()).unwrap_or_default();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// What a response means for an operation: its body when it succeeded, or the error. `parsed` is
/// the body read as JSON, or `None` when it was not JSON (or not announced as JSON).
pub fn interpret<V: JsonView>(
    expected: Expected,
    status: u16,
    request_id: Option<String>,
    content_type: Option<&str>,
    parsed: Option<V>,
) -> Result<Option<V>, ClientError> {
    let unexpected = |code: ResponseCode, reason: String| {
        ClientError::Response(UnexpectedResponse { code, status, request_id: request_id.clone(), reason })
    };
    if status == expected.status() {
        if expected == Expected::Accepted {
            return Ok(None);
        }
        if !is_json_media_type(content_type) {
            return Err(unexpected(
                ResponseCode::ContentType,
                cat!("content-type is ", quote(content_type.unwrap_or("")), ", not application/json"),
            ));
        }
        let body = parsed
            .ok_or_else(|| unexpected(ResponseCode::Json, "the body is not valid JSON (or nested deeper than 64 levels)".to_owned()))?;
        expected.check(&body).map_err(|reason| unexpected(ResponseCode::Contract, reason))?;
        return Ok(Some(body));
    }
    if (400..=599).contains(&status) {
        return Err(ClientError::Problem(Problem::from_response(status, request_id.clone(), parsed.as_ref())));
    }
    Err(match status {
        300..=399 | 0 => unexpected(
            ResponseCode::Redirect,
            cat!("status ", decimal(status.into()), ": redirects are not followed, so that credentials stay with the configured host"),
        ),
        _ => unexpected(
            ResponseCode::Status,
            cat!(
                "status ",
                decimal(status.into()),
                " is not one this operation returns (expected ",
                decimal(expected.status().into()),
                ")"
            ),
        ),
    })
}

/// Where a checked value sits in the body, as error messages name it (`data[3].users[0].`). It
/// is only formatted when a check fails: a page checks a thousand groups.
#[derive(Clone, Copy)]
pub enum At<'a> {
    /// The body itself.
    Body,
    /// A member object (`meta.`).
    Member(&'a At<'a>, &'static str),
    /// An array element (`data[3].`).
    Item(&'a At<'a>, &'static str, usize),
}

impl At<'_> {
    /// The path as messages write it, ending in `.` (empty for the body itself).
    pub fn path(&self) -> String {
        let mut out = String::new();
        self.write_path(&mut out);
        out
    }

    fn write_path(&self, out: &mut String) {
        match self {
            At::Body => {}
            At::Member(parent, name) => {
                parent.write_path(out);
                out.push_str(name);
                out.push('.');
            }
            At::Item(parent, name, index) => {
                parent.write_path(out);
                out.push_str(name);
                out.push('[');
                out.push_str(&decimal(*index as u64));
                out.push_str("].");
            }
        }
    }
}

/// An account group, user or business.
pub fn check_group<V: JsonView>(at: &At<'_>, group: &V) -> Result<(), String> {
    object(at, group)?;
    // A business group names its fields as a user group does, but for `business_id`.
    let [id, created_at, updated_at, kind, status, account, business_id, users] = group.fields([
        Group::id,
        Group::created_at,
        Group::updated_at,
        Group::r#type,
        Group::status,
        Group::securities_account_number,
        BusinessAccountGroup::business_id,
        Group::users,
    ]);
    uuid(at, Group::id, id.as_ref())?;
    timestamp(at, Group::created_at, created_at.as_ref())?;
    timestamp(at, Group::updated_at, updated_at.as_ref())?;
    // Open enums: any string is kept.
    string(at, Group::r#type, kind.as_ref())?;
    string(at, Group::status, status.as_ref())?;
    string(at, Group::securities_account_number, account.as_ref())?;
    let business = kind.is_some_and(|t| t.text().as_deref() == Some(BUSINESS_GROUP_TYPE));
    if business || business_id.is_some() {
        return uuid(at, BusinessAccountGroup::business_id, business_id.as_ref());
    }
    let users =
        users.filter(|u| u.kind() == JsonKind::Array).ok_or_else(|| cat!(at.path(), const_cat!(Group::users, " must be an array")))?;
    for (i, user) in users.items().iter().enumerate() {
        let path = At::Item(at, Group::users, i);
        object(&path, user)?;
        let [id, kind] = user.fields([User::id, User::r#type]);
        if id.is_some() {
            uuid(&path, User::id, id.as_ref())?;
        }
        if kind.is_some() {
            string(&path, User::r#type, kind.as_ref())?;
        }
    }
    Ok(())
}

/// A page: `meta` with its four counters, and `data` holding exactly `meta.count` groups.
pub fn check_page<V: JsonView>(page: &V) -> Result<(), String> {
    const META: &str = AccountGroupList::meta;
    const DATA: &str = AccountGroupList::data;
    object(&At::Body, page)?;
    let meta = page.field(META).ok_or(const_cat!(META, " is missing"))?;
    object(&At::Member(&At::Body, META), &meta)?;
    let mut counters = [0f64; 4];
    for (slot, name) in counters.iter_mut().zip([ListMeta::offset, ListMeta::limit, ListMeta::count, ListMeta::total_count]) {
        *slot = meta
            .field(name)
            .and_then(|v| v.number())
            .filter(|n| n.fract() == 0.0 && *n >= 0.0)
            .ok_or_else(|| cat!(const_cat!(META, "."), name, " must be a non-negative integer"))?;
    }
    let data = page.field(DATA).filter(|d| d.kind() == JsonKind::Array).ok_or(const_cat!(DATA, " must be an array"))?;
    let items = data.items();
    if items.len() as f64 != counters[2] {
        let (count_is, but_data_holds) = (const_cat!(META, ".", ListMeta::count, " is "), const_cat!(" but ", DATA, " holds "));
        return Err(cat!(count_is, number_text(counters[2]), but_data_holds, decimal(items.len() as u64), " items"));
    }
    for (i, item) in items.iter().enumerate() {
        check_group(&At::Item(&At::Body, DATA, i), item)?;
    }
    Ok(())
}

fn object<V: JsonView>(at: &At<'_>, value: &V) -> Result<(), String> {
    must_be_object(at, value, "the body")
}

/// Checks that a value is an object; the error names it by its path, or as `root` at the top.
pub fn must_be_object<V: JsonView>(at: &At<'_>, value: &V, root: &str) -> Result<(), String> {
    if value.kind() == JsonKind::Object {
        return Ok(());
    }
    let at = at.path();
    let name = if at.is_empty() { root } else { trim_end_ascii(&at, b'.') };
    Err(cat!(name, " must be an object (got ", value.kind().describe(), ")"))
}

/// Checks that a member's text (`None`: not a string) passes `valid`; the error names the rule.
/// The callers read the view, so the wasm holds a copy per rule, not per rule and view. (With
/// `valid` a `fn` pointer, one copy, the gzipped wasm was 55 B larger: the copies compress well.)
fn text_member(at: &At<'_>, name: &str, text: Option<Cow<'_, str>>, valid: impl Fn(&str) -> bool, rule: &str) -> Result<(), String> {
    match text {
        None => Err(cat!(at.path(), name, " must be a string")),
        Some(text) if valid(&text) => Ok(()),
        Some(_) => Err(cat!(at.path(), name, " must be ", rule)),
    }
}

/// Checks that a member is a string (any string).
pub(crate) fn string<V: JsonView>(at: &At<'_>, name: &str, member: Option<&V>) -> Result<(), String> {
    text_member(at, name, member.and_then(V::text), |_| true, "a string")
}

fn uuid<V: JsonView>(at: &At<'_>, name: &str, member: Option<&V>) -> Result<(), String> {
    text_member(at, name, member.and_then(V::text), is_uuid, "a UUID")
}

fn timestamp<V: JsonView>(at: &At<'_>, name: &str, member: Option<&V>) -> Result<(), String> {
    text_member(at, name, member.and_then(V::text), is_rfc3339, "an RFC 3339 date-time")
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, checked by shape.
pub fn is_rfc3339(text: &str) -> bool {
    is_rfc3339_bytes(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn group() -> Value {
        json!({
            "id": "9d95820d-4333-46b6-98de-04ab7512e76f",
            "created_at": "2020-08-24T14:15:22Z",
            "updated_at": "2020-08-24T14:15:22.123+02:00",
            "type": "PERSONAL",
            "status": "ACTIVE",
            "users": [{"id": "413715f2-5401-4b97-8055-034a6b879f8c", "type": "OWNER"}],
            "securities_account_number": "123456789"
        })
    }

    #[test]
    fn accepts_contract_groups_with_new_fields_and_enum_values() {
        let mut g = group();
        g["status"] = json!("INACTIVE");
        g["type"] = json!("JUNIOR_ISA");
        g["new_field"] = json!({"nested": true});
        g["users"][0]["type"] = json!("TRUSTEE");
        assert_eq!(Expected::Group.check(&&g), Ok(()));
        let business = json!({
            "id": "5b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8", "created_at": "2020-08-24T14:15:22Z",
            "updated_at": "2020-08-24T14:15:22Z", "business_id": "0c9f4a6e-1d2b-4c3a-9e8f-7a6b5c4d3e2f",
            "type": "BUSINESS", "status": "PENDING_APPROVAL", "securities_account_number": "123456789"
        });
        assert_eq!(Expected::Group.check(&&business), Ok(()));
    }

    #[test]
    fn names_what_breaks_the_contract() {
        type Breaking = (fn(&mut Value), &'static str);
        let cases: Vec<Breaking> = vec![
            (|g| g["id"] = json!("x"), "id must be a UUID"),
            (|g| g["created_at"] = json!("yesterday"), "created_at must be an RFC 3339 date-time"),
            (|g| g["status"] = json!(1), "status must be a string"),
            (
                |g| {
                    g.as_object_mut().unwrap().remove("users");
                },
                "users must be an array",
            ),
            (|g| g["users"][0]["id"] = json!("../x"), "users[0].id must be a UUID"),
            (|g| g["users"][0] = json!(3), "users[0] must be an object (got a number)"),
            (
                |g| {
                    g["type"] = json!("BUSINESS");
                },
                "business_id must be a string",
            ),
        ];
        for (break_it, reason) in cases {
            let mut g = group();
            break_it(&mut g);
            assert_eq!(Expected::Group.check(&&g), Err(reason.to_owned()));
        }
        assert_eq!(Expected::Group.check(&&json!([])), Err("the body must be an object (got an array)".to_owned()));
    }

    #[test]
    fn checks_pages_and_their_counters() {
        let page = json!({"meta": {"offset": 0, "limit": 100, "count": 1, "total_count": 1, "sort": "id"}, "data": [group()]});
        assert_eq!(Expected::Page.check(&&page), Ok(()));
        let mut torn = page.clone();
        torn["meta"]["count"] = json!(2);
        assert_eq!(Expected::Page.check(&&torn), Err("meta.count is 2 but data holds 1 items".to_owned()));
        let mut bad_item = page.clone();
        bad_item["data"][0]["id"] = json!(null);
        assert_eq!(Expected::Page.check(&&bad_item), Err("data[0].id must be a string".to_owned()));
        let mut negative = page;
        negative["meta"]["total_count"] = json!(-1);
        assert_eq!(Expected::Page.check(&&negative), Err("meta.total_count must be a non-negative integer".to_owned()));
        assert_eq!(Expected::Page.check(&&json!({"data": []})), Err("meta is missing".to_owned()));
        assert_eq!(Expected::Page.check(&&json!({"meta": 1})), Err("meta must be an object (got a number)".to_owned()));
        let meta = json!({"offset": 0, "limit": 1, "count": 0, "total_count": 0});
        assert_eq!(Expected::Page.check(&&json!({ "meta": meta })), Err("data must be an array".to_owned()));
    }

    #[test]
    fn interprets_statuses_content_types_and_bodies() {
        let g = group();
        let ok = interpret(Expected::Group, 200, None, Some("application/json; charset=utf-8"), Some(&g));
        assert_eq!(ok, Ok(Some(&g)));
        assert_eq!(interpret::<&Value>(Expected::Accepted, 202, None, None, None), Ok(None));
        let reason = |r: Result<Option<&Value>, ClientError>| match r {
            Err(ClientError::Response(u)) => (u.code, u.reason),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            reason(interpret(Expected::Group, 200, None, Some("text/html"), Some(&g))),
            (ResponseCode::ContentType, "content-type is \"text/html\", not application/json".to_owned())
        );
        assert_eq!(
            reason(interpret(Expected::Group, 200, None, Some("application/json"), None)),
            (ResponseCode::Json, "the body is not valid JSON (or nested deeper than 64 levels)".to_owned())
        );
        let (code, why) = reason(interpret::<&Value>(Expected::Group, 302, None, None, None));
        assert!(code == ResponseCode::Redirect && why.contains("redirects are not followed"));
        let (code, why) = reason(interpret::<&Value>(Expected::Accepted, 200, None, None, None));
        assert!(code == ResponseCode::Status && why.contains("expected 202"));
        let (code, _) = reason(interpret(Expected::Group, 200, None, Some("application/json"), Some(&json!({"id": "x"}))));
        assert_eq!(code, ResponseCode::Contract);
        let problem = json!({"type": "https://docs.upvest.co/errors/conflict", "status": 409});
        match interpret(Expected::Accepted, 409, Some("rid".into()), Some("application/problem+json"), Some(&problem)) {
            Err(ClientError::Problem(p)) => assert_eq!((p.status, p.slug(), p.request_id.as_deref()), (409, "conflict", Some("rid"))),
            other => panic!("{other:?}"),
        }
        match interpret::<&Value>(Expected::Group, 503, None, Some("text/plain"), None) {
            Err(ClientError::Problem(p)) => assert_eq!((p.status, p.from_body), (503, false)),
            other => panic!("{other:?}"),
        }
        assert!(is_json_media_type(Some("application/problem+json")));
        assert!(!is_json_media_type(Some("text/json-ish")));
    }

    #[test]
    fn rfc3339_shapes() {
        for ok in ["2020-08-24T14:15:22Z", "2021-07-21T14:10:00.00Z", "2020-08-24T14:15:22-05:30"] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in ["2020-08-24", "2020-08-24T14:15:22", "2020-08-24T14:15:22.Z", "2020-08-24T14:15:22+0200", "２０２０-08-24T14:15:22Z"]
        {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn checks_verify_keys_and_keeps_extra_members() {
        let key = json!({"kid": "k1", "kty": "EC", "crv": "P-521", "x": "AQ", "y": "Ag", "alg": "ES512", "use": "sig"});
        assert_eq!(check_verify_keys(&&json!({"keys": [key.clone()], "next": null})), Ok(()));
        assert_eq!(check_verify_keys(&&json!({"keys": []})), Ok(()));
        let mut no_kid = key.clone();
        no_kid.as_object_mut().unwrap().remove("kid");
        let mut numeric_x = key.clone();
        numeric_x["x"] = json!(1);
        for (body, reason) in [
            (json!([]), "the body must be an object (got an array)"),
            (json!({}), "keys must be an array"),
            (json!({"keys": {}}), "keys must be an array"),
            (json!({"keys": [key, "k2"]}), "keys[1] must be an object (got a string)"),
            (json!({"keys": [no_kid]}), "keys[0].kid must be a string"),
            (json!({"keys": [numeric_x]}), "keys[0].x must be a string"),
        ] {
            assert_eq!(check_verify_keys(&&body), Err(reason.to_owned()), "{body}");
        }
    }
}
