//! Request building: each operation's checked input becomes a method, a path, a query and a
//! body. Headers that depend on the client (token, client id) are added per attempt.

use super::error::{InputCode, InvalidInput};
use super::json::JsonView;
use super::model::{BUSINESS_GROUP_TYPE, CLOSURE_REASONS, MAX_LIMIT, MAX_OFFSET, SORT_FIELDS, SORT_ORDERS, USER_GROUP_TYPES};
use super::text::{bool_text, cat, const_cat, decimal, join};
use super::validate::{
    boolean, integer_in, member, one_of, options_object, parse_uuid, required_object, securities_account_number, uuid_field, uuid_version,
};
use upvest_api::{
    CloseOptions, CreateBusinessAccountGroupRequest as BusinessCreate, CreateUserAccountGroupRequest as UserCreate, ListQuery,
};

/// An HTTP method the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Reads.
    Get,
    /// Create.
    Post,
    /// Close.
    Delete,
}

impl Method {
    /// The method as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// What an operation sends, before client-wide headers are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The path, starting with `/`; ids in it are canonical UUIDs.
    pub path: String,
    /// The query string without `?`, empty when there is none.
    pub query: String,
    /// The body, for POST: JSON, or a form for the token request.
    pub body: Option<String>,
    /// The body's media type.
    pub content_type: Option<&'static str>,
    /// The idempotency key, for POST: the same on every attempt of one call.
    pub idempotency_key: Option<String>,
}

impl Request {
    /// The full URL under a base URL.
    pub fn url(&self, base_url: &str) -> String {
        if self.query.is_empty() {
            cat!(base_url, self.path)
        } else {
            cat!(base_url, self.path, "?", self.query)
        }
    }

    /// Every header of an attempt, in a stable order: the client's, then the request's own. The
    /// token request goes without `authorization`.
    pub fn headers(&self, client_id: &str, api_version: &str, access_token: Option<&str>) -> Vec<(&'static str, String)> {
        let mut headers = vec![("accept", "application/json".to_owned())];
        if let Some(token) = access_token {
            headers.push(("authorization", cat!("Bearer ", token)));
        }
        headers.push(("upvest-client-id", client_id.to_owned()));
        headers.push(("upvest-api-version", api_version.to_owned()));
        if let Some(content_type) = self.content_type {
            headers.push(("content-type", content_type.to_owned()));
        }
        if let Some(key) = &self.idempotency_key {
            headers.push(("idempotency-key", key.clone()));
        }
        headers
    }
}

/// Options every call takes, as the seam lists them (`signal` and `headers` are kept by the
/// JavaScript driver; `deadlineMs`, `timeoutMs` and `maxRetries` override the client's, through
/// `RetryPolicy::over`).
pub const CALL_OPTION_NAMES: &[&str] = &upvest_api::seam::CALL_OPTION_NAMES;

/// Options `create` takes.
pub const CREATE_OPTION_NAMES: &[&str] = &upvest_api::seam::CREATE_OPTION_NAMES;

/// Checks a call's options object for unknown names (typo protection).
pub fn call_options<V: JsonView>(options: Option<V>, allowed: &[&str]) -> Result<Option<V>, InvalidInput> {
    options_object("options", options, allowed)
}

/// A GET without a body.
pub(crate) fn get_request(path: String, query: String) -> Request {
    Request { method: Method::Get, path, query, body: None, content_type: None, idempotency_key: None }
}

/// The client-credentials token request. Its path is empty: [`Request::url`] with the token URL
/// as the base gives the token URL itself.
pub fn token(credentials: &super::token::ClientCredentials) -> Request {
    Request {
        method: Method::Post,
        path: String::new(),
        query: String::new(),
        body: Some(credentials.form_body()),
        content_type: Some("application/x-www-form-urlencoded"),
        idempotency_key: None,
    }
}

/// The create requests' fields; both name `type` and the account number alike.
const USER_ID: &str = UserCreate::user_id;
const BUSINESS_ID: &str = BusinessCreate::business_id;
const TYPE: &str = UserCreate::r#type;
const NUMBER: &str = UserCreate::securities_account_number;

/// `create`: a user request or a business request, told apart by `type`.
pub fn create<V: JsonView>(input: Option<V>, options: Option<V>, fresh_key: &str) -> Result<Request, InvalidInput> {
    let options = call_options(options, CREATE_OPTION_NAMES)?;
    let input = input.ok_or_else(|| {
        let rule =
            const_cat!("is required: { ", USER_ID, ", ", TYPE, " } or { ", BUSINESS_ID, ", ", TYPE, ": \"", BUSINESS_GROUP_TYPE, "\" }");
        InvalidInput::new("request", InputCode::Required, rule)
    })?;
    let input = required_object("request", input, &[USER_ID, BUSINESS_ID, TYPE, NUMBER])?;
    let all_types: Vec<&'static str> = USER_GROUP_TYPES.iter().copied().chain([BUSINESS_GROUP_TYPE]).collect();
    let group_type = member(&input, TYPE)
        .ok_or_else(|| InvalidInput::new(TYPE, InputCode::Required, cat!("is required (one of ", join(&all_types, ", "), ")")))?;
    let group_type = one_of(TYPE, &group_type, &all_types)?;
    let (owner_field, stray_field) = if group_type == BUSINESS_GROUP_TYPE { (BUSINESS_ID, USER_ID) } else { (USER_ID, BUSINESS_ID) };
    if member(&input, stray_field).is_some() {
        return Err(InvalidInput::new(
            stray_field,
            InputCode::Conflict,
            cat!(const_cat!("is not allowed with ", TYPE, " "), group_type, " (use ", owner_field, ")"),
        ));
    }
    let owner = uuid_field(owner_field, member(&input, owner_field))?;
    let mut body = cat!("{\"", owner_field, "\":\"", owner, const_cat!("\",\"", TYPE, "\":\""), group_type, "\"");
    if let Some(number) = member(&input, NUMBER) {
        // Checked to be nine ASCII digits, so it needs no JSON escaping.
        body.push_str(const_cat!(",\"", NUMBER, "\":\""));
        body.push_str(&securities_account_number(NUMBER, &number)?);
        body.push('"');
    }
    body.push('}');
    Ok(Request {
        method: Method::Post,
        path: "/account_groups".to_owned(),
        query: String::new(),
        body: Some(body),
        content_type: Some("application/json"),
        idempotency_key: Some(idempotency_key(options, fresh_key)?),
    })
}

/// The caller's idempotency key, else `fresh_key` (a random UUID v4 the driver made: randomness
/// is an effect, and the glue's `crypto.getRandomValues` is what the uuid crate would call).
fn idempotency_key<V: JsonView>(options: Option<V>, fresh_key: &str) -> Result<String, InvalidInput> {
    match options.as_ref().and_then(|o| member(o, "idempotencyKey")) {
        None => Ok(fresh_key.to_owned()),
        Some(key) => key
            .string()
            .filter(|k| parse_uuid(k).is_some_and(|canonical| uuid_version(&canonical).is_some_and(|version| version <= 5)))
            .ok_or_else(|| {
                InvalidInput::new(
                    "idempotencyKey",
                    InputCode::Uuid,
                    "must be a UUID of version 0 to 5, like a v4 from crypto.randomUUID() (the API rejects other versions, e.g. UUIDv7)",
                )
            }),
    }
}

/// `get`.
pub fn get<V: JsonView>(account_group_id: Option<V>, options: Option<V>) -> Result<Request, InvalidInput> {
    call_options(options, CALL_OPTION_NAMES)?;
    let id = uuid_field("accountGroupId", account_group_id)?;
    Ok(get_request(cat!("/account_groups/", id), String::new()))
}

/// `list`.
pub fn list<V: JsonView>(query: Option<V>, options: Option<V>) -> Result<Request, InvalidInput> {
    call_options(options, CALL_OPTION_NAMES)?;
    Ok(get_request("/account_groups".to_owned(), list_query(query)?))
}

/// `listForUser`.
pub fn list_for_user<V: JsonView>(user_id: Option<V>, query: Option<V>, options: Option<V>) -> Result<Request, InvalidInput> {
    call_options(options, CALL_OPTION_NAMES)?;
    let user = uuid_field("userId", user_id)?;
    Ok(get_request(cat!("/users/", user, "/account_groups"), list_query(query)?))
}

/// `verifyKeys`: the public keys Upvest signs webhooks with (`GET /auth/verify_keys`).
pub fn verify_keys<V: JsonView>(options: Option<V>) -> Result<Request, InvalidInput> {
    call_options(options, CALL_OPTION_NAMES)?;
    Ok(get_request("/auth/verify_keys".to_owned(), String::new()))
}

/// `close`.
pub fn close<V: JsonView>(account_group_id: Option<V>, close_options: Option<V>, options: Option<V>) -> Result<Request, InvalidInput> {
    call_options(options, CALL_OPTION_NAMES)?;
    let id = uuid_field("accountGroupId", account_group_id)?;
    let mut pairs = Vec::new();
    use CloseOptions as C;
    if let Some(close_options) = options_object("closeOptions", close_options, C::NAMES)? {
        if let Some(reason) = member(&close_options, C::closure_reason) {
            pairs.push(cat!(const_cat!(C::closure_reason, "="), one_of(C::closure_reason, &reason, CLOSURE_REASONS)?));
        }
        if let Some(flag) = member(&close_options, C::notification_only) {
            pairs.push(cat!(const_cat!(C::notification_only, "="), bool_text(boolean(C::notification_only, &flag)?)));
        }
    }
    Ok(Request {
        method: Method::Delete,
        path: cat!("/account_groups/", id),
        query: join(&pairs, "&"),
        body: None,
        content_type: None,
        idempotency_key: None,
    })
}

/// A list query in a fixed order. Every value is checked against a closed set or a range, so
/// none needs percent-encoding.
fn list_query<V: JsonView>(query: Option<V>) -> Result<String, InvalidInput> {
    use ListQuery as Q;
    let Some(query) = options_object("query", query, Q::NAMES)? else {
        return Ok(String::new());
    };
    let mut pairs = Vec::new();
    if let Some(v) = member(&query, Q::sort) {
        pairs.push(cat!(const_cat!(Q::sort, "="), one_of(Q::sort, &v, SORT_FIELDS)?));
    }
    if let Some(v) = member(&query, Q::order) {
        pairs.push(cat!(const_cat!(Q::order, "="), one_of(Q::order, &v, SORT_ORDERS)?));
    }
    if let Some(v) = member(&query, Q::offset) {
        pairs.push(cat!(const_cat!(Q::offset, "="), decimal(integer_in(Q::offset, &v, 0, MAX_OFFSET)?.into())));
    }
    if let Some(v) = member(&query, Q::limit) {
        pairs.push(cat!(const_cat!(Q::limit, "="), decimal(integer_in(Q::limit, &v, 1, MAX_LIMIT)?.into())));
    }
    Ok(join(&pairs, "&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const USER: &str = "413715f2-5401-4b97-8055-034a6b879f8c";
    const FRESH_KEY: &str = "6f1c2a9e-58b4-4d0e-9a3f-0c7b2e5d8a41";

    fn create_json(input: Value) -> Result<Request, InvalidInput> {
        create(Some(&input), None, FRESH_KEY)
    }

    #[test]
    fn builds_a_user_create_with_the_fresh_key_given() {
        let r = create_json(json!({"user_id": USER.to_uppercase(), "type": "PERSONAL", "securities_account_number": "123456789"})).unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.path, "/account_groups");
        let body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(body, json!({"user_id": USER, "type": "PERSONAL", "securities_account_number": "123456789"}));
        assert_eq!(r.idempotency_key.as_deref(), Some(FRESH_KEY));
    }

    #[test]
    fn builds_a_business_create_and_keeps_a_given_key() {
        let key = "ccb07f42-4104-44ad-8e1f-c660bb7b269c";
        let r = create(Some(&json!({"business_id": USER, "type": "BUSINESS"})), Some(&json!({"idempotencyKey": key})), FRESH_KEY).unwrap();
        assert_eq!(r.body.as_deref(), Some(r#"{"business_id":"413715f2-5401-4b97-8055-034a6b879f8c","type":"BUSINESS"}"#));
        assert_eq!(r.idempotency_key.as_deref(), Some(key));
    }

    #[test]
    fn rejects_each_bad_create_input_naming_the_field() {
        for (input, field) in [
            (json!({"user_id": USER}), "type"),
            (json!({"user_id": USER, "type": "SAVINGS"}), "type"),
            (json!({"user_id": USER, "type": "personal"}), "type"),
            (json!({"type": "PERSONAL"}), "user_id"),
            (json!({"user_id": "nope", "type": "PERSONAL"}), "user_id"),
            (json!({"user_id": 7, "type": "PERSONAL"}), "user_id"),
            (json!({"business_id": USER, "type": "PERSONAL"}), "business_id"),
            (json!({"user_id": USER, "type": "BUSINESS"}), "user_id"),
            (json!({"user_id": USER, "type": "PERSONAL", "securities_account_number": "12345689"}), "securities_account_number"),
            (json!({"user_id": USER, "type": "PERSONAL", "securities_account_number": null}), "securities_account_number"),
            (json!({"user_id": USER, "type": "PERSONAL", "usr_id": USER}), "request"),
            (json!("PERSONAL"), "request"),
        ] {
            let e = create_json(input.clone()).unwrap_err();
            assert_eq!(e.field, field, "{input} gave {e}");
        }
        let e = create::<&Value>(None, None, FRESH_KEY).unwrap_err();
        assert_eq!(e.field, "request");
        assert_eq!(e.rule, "is required: { user_id, type } or { business_id, type: \"BUSINESS\" }");
        let e = create_json(json!({"user_id": USER, "type": "BUSINESS"})).unwrap_err();
        assert_eq!(e.rule, "is not allowed with type BUSINESS (use business_id)");
    }

    #[test]
    fn rejects_idempotency_keys_the_api_would_refuse() {
        for bad in [json!("not-a-uuid"), json!("01890a5d-ac96-774b-bcce-b302099a8057"), json!(5)] {
            let e = create(Some(&json!({"user_id": USER, "type": "ISA"})), Some(&json!({"idempotencyKey": bad})), FRESH_KEY).unwrap_err();
            assert_eq!(e.field, "idempotencyKey");
        }
    }

    #[test]
    fn rejects_unknown_call_options() {
        let e = get(Some(&json!(USER)), Some(&json!({"idempotencyKey": USER}))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "options has an unknown field \"idempotencyKey\" (allowed: signal, deadlineMs, timeoutMs, maxRetries, headers)"
        );
        let e = create(Some(&json!({"user_id": USER, "type": "ISA"})), Some(&json!({"idempotency_key": USER})), FRESH_KEY).unwrap_err();
        assert_eq!(e.field, "options");
        assert_eq!(list::<&Value>(None, Some(&json!(7))).unwrap_err().field, "options");
    }

    #[test]
    fn builds_list_queries_in_a_fixed_order() {
        let r = list(Some(&json!({"limit": 10, "offset": 20, "order": "DESC", "sort": "updated_at"})), None).unwrap();
        assert_eq!(r.url("https://x"), "https://x/account_groups?sort=updated_at&order=DESC&offset=20&limit=10");
        assert_eq!(list::<&Value>(None, None).unwrap().url("https://x"), "https://x/account_groups");
        let r = list_for_user(Some(&json!(USER)), Some(&json!({"limit": 1})), None).unwrap();
        assert_eq!(r.url(""), format!("/users/{USER}/account_groups?limit=1"));
    }

    #[test]
    fn rejects_each_bad_list_query() {
        for (query, field) in [
            (json!({"limit": 0}), "limit"),
            (json!({"limit": 1001}), "limit"),
            (json!({"limit": 2.5}), "limit"),
            (json!({"offset": -1}), "offset"),
            (json!({"offset": "3"}), "offset"),
            (json!({"sort": "id"}), "sort"),
            (json!({"order": "asc"}), "order"),
            (json!({"pageSize": 3}), "query"),
        ] {
            assert_eq!(list(Some(&query), None).unwrap_err().field, field, "{query}");
        }
        assert_eq!(list_for_user(Some(&json!("../x")), None, None).unwrap_err().field, "userId");
    }

    #[test]
    fn builds_get_and_close_with_canonical_ids() {
        let id = "9D95820D-4333-46B6-98DE-04AB7512E76F";
        assert_eq!(get(Some(&json!(id)), None).unwrap().path, "/account_groups/9d95820d-4333-46b6-98de-04ab7512e76f");
        let r = close(Some(&json!(id)), Some(&json!({"closure_reason": "aml", "notification_only": true})), None).unwrap();
        assert_eq!(r.method, Method::Delete);
        assert_eq!(r.query, "closure_reason=aml&notification_only=true");
        assert_eq!(close(Some(&json!(id)), Some(&json!({"closure_reason": "bored"})), None).unwrap_err().field, "closure_reason");
        assert_eq!(close(Some(&json!(id)), Some(&json!({"notification_only": "yes"})), None).unwrap_err().field, "notification_only");
        assert_eq!(get(Some(&json!("9d95820d-4333-46b6-98de-04ab7512e76f/../../x")), None).unwrap_err().field, "accountGroupId");
    }

    #[test]
    fn builds_the_verify_keys_request() {
        let r = verify_keys::<&Value>(None).unwrap();
        assert_eq!((r.method, r.url("https://x"), r.body), (Method::Get, "https://x/auth/verify_keys".to_owned(), None));
        assert_eq!(verify_keys(Some(&json!({"limit": 1}))).unwrap_err().field, "options");
    }

    #[test]
    fn headers_carry_the_client_identity_and_only_the_needed_extras() {
        let client = "363f3305-7ab0-4e82-a158-f9d382ad08b6";
        let names = |r: &Request| r.headers(client, "1", Some("tok")).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        let get = get(Some(&json!(USER)), None).unwrap();
        assert_eq!(names(&get), ["accept", "authorization", "upvest-client-id", "upvest-api-version"]);
        assert!(get.headers(client, "1", Some("tok")).contains(&("authorization", "Bearer tok".to_owned())));
        assert!(get.headers(client, "1", None).iter().all(|(n, _)| *n != "authorization"));
        let post = create_json(json!({"user_id": USER, "type": "CHILD"})).unwrap();
        assert_eq!(names(&post)[4..], ["content-type", "idempotency-key"]);
    }
}
