//! The account-group endpoints, validating like the real API: header checks first, then the
//! route's own input, then the state change. Query strings are read by `form_urlencoded` (the url
//! crate's), ids by `uuid`'s parser for the hyphenated form, the only one the API takes.

use crate::auth::{Auth, ADMIN_SCOPE, READ_SCOPE};
use crate::idempotency;
use crate::reply::Reply;
use crate::request::ApiRequest;
use crate::store::{Closure, Order, Owner, Store};
use http::Method;
use serde_json::Value;
use upvest_api::{
    AccountGroupEventType, AccountGroupList, AccountGroupStatus, BusinessAccountGroupType, ClosureReason,
    CreateBusinessAccountGroupRequest, CreateUserAccountGroupRequest, ListMeta, Open, SortField, SortOrder, UserAccountGroupType,
};
use uuid::{Uuid, Variant};

/// Whether a path is one of the API's.
pub fn serves(path: &str) -> bool {
    path == "/account_groups" || path.starts_with("/account_groups/") || path.starts_with("/users/")
}

pub fn handle(store: &mut Store, auth: &Auth, request: &ApiRequest) -> Reply {
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    let method = &request.method;
    let allowed = match segments.as_slice() {
        ["account_groups"] => "GET, POST",
        ["account_groups", _] => "GET, DELETE",
        ["users", _, "account_groups"] => "GET",
        _ => return Reply::problem(404, "not_found", format!("no such path {}", request.path)),
    };
    if !allowed.split(", ").any(|m| m == method.as_str()) {
        return Reply::problem(405, "method_not_allowed", format!("{method} is not allowed here")).with_header("allow", allowed.to_owned());
    }
    let scopes: &[&str] = if *method == Method::GET { &[READ_SCOPE, ADMIN_SCOPE] } else { &[ADMIN_SCOPE] };
    let client = match authorize(request, auth, scopes) {
        Ok(client) => client,
        Err(reply) => return reply,
    };
    store.settle(request.received);
    let result = match (method, segments.as_slice()) {
        (&Method::POST, _) => create(store, &client, request),
        (&Method::GET, ["account_groups"]) => list(store, None, request.query.as_deref()),
        (&Method::GET, ["users", user, _]) => {
            uuid_in_path(user, "user_id", 400).and_then(|user| list(store, Some(&user), request.query.as_deref()))
        }
        (&Method::GET, [_, id]) => uuid_in_path(id, "account_group_id", 404).and_then(|id| get(store, &id)),
        (_, [_, id]) => uuid_in_path(id, "account_group_id", 400).and_then(|id| close(store, &id, request)),
        _ => Err(Reply::problem(404, "not_found", "no such route")),
    };
    result.unwrap_or_else(|reply| reply)
}

fn header<'a>(request: &'a ApiRequest, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"))
}

/// The header and token checks every API endpoint makes, with the scopes it accepts; returns
/// the client id.
pub fn authorize(request: &ApiRequest, auth: &Auth, scopes: &[&str]) -> Result<Uuid, Reply> {
    let (client, token) = check_common_headers(request)?;
    auth.check(&token, &client, scopes, request.received)?;
    Ok(client)
}

/// The header checks every endpoint makes; returns the client id and the bearer token.
fn check_common_headers(request: &ApiRequest) -> Result<(Uuid, String), Reply> {
    if let Some(accept) = header(request, "accept") {
        if !accepts_json(accept) {
            return Err(Reply::problem(406, "not_acceptable", format!("accept {accept:?} does not allow application/json")));
        }
    }
    let bearer = header(request, "authorization").and_then(|a| a.strip_prefix("Bearer ")).unwrap_or("");
    let token_body = bearer.trim_end_matches('=');
    if token_body.is_empty() || !token_body.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)) {
        return Err(Reply::problem(401, "unauthorised", "the authorization header is missing or is not a Bearer token"));
    }
    let client = header(request, "upvest-client-id")
        .and_then(hyphenated_uuid)
        .ok_or_else(|| Reply::problem(401, "unauthorised", "the upvest-client-id header is missing or is not a UUID"))?;
    // An API version this server cannot serve: 406, the one refusal every operation documents
    // that fits (Upvest answers a retired major version with 426, which the contract lacks).
    if let Some(version) = header(request, "upvest-api-version") {
        if version != "1" {
            return Err(Reply::problem(406, "not_acceptable", format!("upvest-api-version {version:?} is not supported (only 1)")));
        }
    }
    // Signatures themselves are checked only with --verify-key; a signature scheme other than
    // v15 is refused either way, as a signature failure.
    if let Some(version) = header(request, "upvest-signature-version") {
        if version != "15" {
            return Err(Reply::problem(401, "unauthorised", format!("upvest-signature-version {version:?} is not supported (only 15)")));
        }
    }
    Ok((client, bearer.to_owned()))
}

/// Whether an `accept` header admits `application/json` (with a non-zero quality).
pub fn accepts_json(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("").to_ascii_lowercase();
        let refused = parts.any(|p| p.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
        !refused && matches!(media.as_str(), "application/json" | "application/*" | "*/*")
    })
}

/// A UUID written as the API writes them, 8-4-4-4-12 hex digits (either case), read by uuid's
/// parser for that form alone; the other spellings `Uuid::try_parse` takes (braced, URN, 32 bare
/// digits) are `None`. Ids go out in `Uuid`'s lower-case hyphenated form.
fn hyphenated_uuid(text: &str) -> Option<Uuid> {
    text.parse::<uuid::fmt::Hyphenated>().ok().map(uuid::fmt::Hyphenated::into_uuid)
}

/// A query string's name/value pairs, in order, percent-decoded with `+` as a space (a malformed
/// escape is kept as it is), as `application/x-www-form-urlencoded` reads them.
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect()
}

fn uuid_in_path(text: &str, name: &str, status: u16) -> Result<Uuid, Reply> {
    hyphenated_uuid(text).ok_or_else(|| {
        let slug = if status == 404 { "not_found" } else { "invalid_request" };
        Reply::problem(status, slug, format!("{name} must be a UUID"))
    })
}

fn bad_request(detail: impl Into<String>) -> Reply {
    Reply::problem(400, "invalid_request", detail)
}

/// The idempotency key, if it has the contract's pattern: a hyphenated UUID of version 0 to 5
/// and the RFC 4122 variant (`8`, `9`, `a` or `b` after the third hyphen).
fn idempotency_key(key: &str) -> Option<Uuid> {
    hyphenated_uuid(key).filter(|k| k.get_version_num() <= 5 && k.get_variant() == Variant::RFC4122)
}

fn create(store: &mut Store, client: &Uuid, request: &ApiRequest) -> Result<Reply, Reply> {
    let key = header(request, "idempotency-key")
        .ok_or_else(|| Reply::problem(400, "missing_idempotency_key", "the idempotency-key header is required"))?;
    let key = idempotency_key(key).ok_or_else(|| bad_request("the idempotency-key header must be a UUID of version 0 to 5"))?;
    let key = idempotency::Key { client: *client, key };
    let content_type = header(request, "content-type").unwrap_or("");
    if content_type.split(';').next().map(str::trim).map(str::to_ascii_lowercase).as_deref() != Some("application/json") {
        return Err(bad_request("the content-type header must be application/json"));
    }
    let body: Value = serde_json::from_slice(&request.body).map_err(|e| bad_request(format!("the body is not valid JSON: {e}")))?;
    if let Some(record) = store.idempotent(&key, request.received) {
        return if record.same_body(&body) {
            Ok(Reply::bytes(200, "application/json", record.response.clone()))
        } else {
            Err(Reply::problem(409, "conflict", "the idempotency-key was already used with a different body"))
        };
    }
    let fields = body.as_object().ok_or_else(|| bad_request("the body must be a JSON object"))?;
    let given_type = fields.get("type").and_then(Value::as_str).ok_or_else(|| bad_request("type is required and must be a string"))?;
    // The request's fields, the owner's id first, as upvest-api defines them.
    let (allowed, user_type) = if BusinessAccountGroupType::parse(given_type).is_some() {
        (CreateBusinessAccountGroupRequest::NAMES, None)
    } else if let Some(user_type) = UserAccountGroupType::parse(given_type) {
        (CreateUserAccountGroupRequest::NAMES, Some(user_type))
    } else {
        let types = [UserAccountGroupType::NAMES, BusinessAccountGroupType::NAMES].concat();
        return Err(bad_request(format!("type must be one of {}", types.join(", "))));
    };
    let owner_field = allowed[0];
    if let Some(unknown) = fields.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(bad_request(format!("{unknown} is not allowed in a {given_type} request")));
    }
    let owner = fields
        .get(owner_field)
        .and_then(Value::as_str)
        .and_then(hyphenated_uuid)
        .ok_or_else(|| bad_request(format!("{owner_field} is required and must be a UUID")))?;
    let number = match fields.get("securities_account_number") {
        None => None,
        Some(Value::String(n)) if n.len() == 9 && n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
        Some(_) => return Err(bad_request("securities_account_number must be a string of 9 digits")),
    };
    if number.is_some_and(|n| store.account_number_taken(n)) {
        return Err(Reply::problem(409, "conflict", "securities_account_number is already in use"));
    }
    if let Some(one_per_user @ UserAccountGroupType::FrenchPea) = user_type {
        if store.has_user_group(&owner, one_per_user) {
            return Err(Reply::problem(409, "conflict", format!("the user already has a {} account group", one_per_user.as_str())));
        }
    }
    if store.is_full() {
        // Not an Upvest answer: the mock's own limit (--max-groups), which no retry lifts.
        let detail = format!("the mock holds its maximum of {} account groups (--max-groups); POST /__mock/reset empties it", store.len());
        return Err(Reply::problem(507, "insufficient_storage", detail));
    }
    let owner = match user_type {
        Some(user_type) => Owner::User(owner, user_type),
        None => Owner::Business(owner),
    };
    let created = store.insert(owner, number, AccountGroupStatus::Active, request.received).to_api();
    let reply = Reply::json(200, &created);
    // Created and, as in Bring Your Own License setups, active at once.
    store.events.extend([(AccountGroupEventType::Created, created.clone()), (AccountGroupEventType::Activated, created)]);
    store.remember(key, &body, reply.body.clone(), request.received);
    Ok(reply)
}

fn get(store: &Store, id: &Uuid) -> Result<Reply, Reply> {
    store
        .get(id)
        .map(|g| Reply::json(200, &g.to_api()))
        .ok_or_else(|| Reply::problem(404, "not_found", format!("no account group with id {id}")))
}

/// One query parameter, given at most once.
fn single<'a>(pairs: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, Reply> {
    let mut values = pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let first = values.next();
    if values.next().is_some() {
        return Err(bad_request(format!("{name} is given more than once")));
    }
    Ok(first)
}

fn integer(pairs: &[(String, String)], name: &str, min: u64, max: u64, default: u64) -> Result<u64, Reply> {
    match single(pairs, name)? {
        None => Ok(default),
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|n| (min..=max).contains(n) && text.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| bad_request(format!("{name} must be an integer from {min} to {max}"))),
    }
}

fn list(store: &Store, user: Option<&Uuid>, query: Option<&str>) -> Result<Reply, Reply> {
    let pairs = query_pairs(query);
    let sort = match single(&pairs, "sort")? {
        None => SortField::CreatedAt,
        Some(given) => SortField::parse(given).ok_or_else(|| bad_request(format!("sort must be {}", SortField::NAMES.join(" or "))))?,
    };
    let order = match single(&pairs, "order")? {
        None => SortOrder::Asc,
        Some(given) => SortOrder::parse(given).ok_or_else(|| bad_request(format!("order must be {}", SortOrder::NAMES.join(" or "))))?,
    };
    let offset = integer(&pairs, "offset", 0, i32::MAX as u64, 0)?;
    let limit = integer(&pairs, "limit", 1, 1000, 100)?;
    let ordering = Order { by_updated: sort == SortField::UpdatedAt, descending: order == SortOrder::Desc };
    let (data, total) = store.page(user, ordering, offset as usize, limit as usize);
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let meta = ListMeta {
        offset: count(offset as usize),
        limit: count(limit as usize),
        count: count(data.len()),
        total_count: count(total),
        sort: Some(sort.as_str().to_owned()),
        order: Some(Open::Listed(order)),
    };
    Ok(Reply::json(200, &AccountGroupList { meta, data }))
}

fn close(store: &mut Store, id: &Uuid, request: &ApiRequest) -> Result<Reply, Reply> {
    let pairs = query_pairs(request.query.as_deref());
    if let Some(reason) = single(&pairs, "closure_reason")? {
        if ClosureReason::parse(reason).is_none() {
            return Err(bad_request(format!("closure_reason must be one of {}", ClosureReason::NAMES.join(", "))));
        }
    }
    let notification_only = match single(&pairs, "notification_only")? {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(bad_request("notification_only must be true or false")),
    };
    if notification_only {
        // Only announces a future closure: the group must exist, and nothing changes.
        return store
            .get(id)
            .map(|_| Reply::empty(202))
            .ok_or_else(|| Reply::problem(404, "not_found", format!("no account group with id {id}")));
    }
    match store.close(id, request.received) {
        Closure::Started => Ok(Reply::empty(202)),
        Closure::NotFound => Err(Reply::problem(404, "not_found", format!("no account group with id {id}"))),
        Closure::WrongState(status) => {
            Err(Reply::problem(409, "conflict", format!("the account group is {status}; only an ACTIVE group can be closed")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Capacity;
    use bytes::Bytes;
    use serde_json::json;
    use std::time::Duration;

    const USER: &str = "413715f2-5401-4b97-8055-034a6b879f8c";

    fn capacity() -> Capacity {
        Capacity::from_options(&crate::options::Options::from_args([]).unwrap())
    }

    fn open_auth() -> Auth {
        Auth::new(false, "s".into(), Duration::from_secs(60))
    }

    fn request(method: Method, path: &str, query: Option<&str>, extra: &[(&'static str, &str)], body: &str) -> ApiRequest {
        let mut headers = http::HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer t0k3n"),
            ("upvest-client-id", "363f3305-7ab0-4e82-a158-f9d382ad08b6"),
            ("accept", "application/json"),
        ]
        .iter()
        .chain(extra)
        {
            headers.insert(*name, value.parse().unwrap());
        }
        ApiRequest {
            method,
            path: path.into(),
            query: query.map(Into::into),
            headers,
            body: Bytes::from(body.to_owned()),
            received: std::time::SystemTime::now(),
        }
    }

    fn body(reply: &Reply) -> Value {
        serde_json::from_slice(&reply.body).unwrap_or(Value::Null)
    }

    fn create(store: &mut Store, key: &str, json: &str) -> Reply {
        let headers = [("content-type", "application/json"), ("idempotency-key", key)];
        handle(store, &open_auth(), &request(Method::POST, "/account_groups", None, &headers, json))
    }

    #[test]
    fn accept_headers() {
        for ok in ["application/json", "*/*", "text/html, application/*;q=0.5", "application/json; charset=utf-8"] {
            assert!(accepts_json(ok), "{ok}");
        }
        for refused in ["text/html", "application/json;q=0", "application/xml"] {
            assert!(!accepts_json(refused), "{refused}");
        }
    }

    #[test]
    fn common_headers_are_checked_first() {
        let mut store = Store::new(Duration::ZERO, capacity());
        let no_auth = {
            let mut r = request(Method::GET, "/account_groups", None, &[], "");
            r.headers.remove("authorization");
            r
        };
        assert_eq!(handle(&mut store, &open_auth(), &no_auth).status, 401);
        let xml = request(Method::GET, "/account_groups", None, &[("accept", "application/xml")], "");
        assert_eq!(handle(&mut store, &open_auth(), &xml).status, 406);
        let bad_client = request(Method::GET, "/account_groups", None, &[("upvest-client-id", "nope")], "");
        let reply = handle(&mut store, &open_auth(), &bad_client);
        assert_eq!(reply.status, 401);
        assert!(body(&reply)["detail"].as_str().unwrap().contains("upvest-client-id"));
        assert_eq!(handle(&mut store, &open_auth(), &request(Method::PUT, "/account_groups", None, &[], "")).status, 405);
        let bad_version = request(Method::GET, "/account_groups", None, &[("upvest-signature-version", "#")], "");
        assert_eq!(handle(&mut store, &open_auth(), &bad_version).status, 401);
        let bad_api = request(Method::GET, "/account_groups", None, &[("upvest-api-version", "2")], "");
        assert_eq!(handle(&mut store, &open_auth(), &bad_api).status, 406);
    }

    #[test]
    fn creates_replays_and_refuses_a_reused_key() {
        let mut store = Store::new(Duration::ZERO, capacity());
        let key = "ccb07f42-4104-44ad-8e1f-c660bb7b269c";
        let json = format!(r#"{{"user_id":"{USER}","type":"PERSONAL"}}"#);
        let first = create(&mut store, key, &json);
        assert_eq!(first.status, 200);
        let replay = create(&mut store, key, &format!(r#"{{ "type": "PERSONAL", "user_id": "{USER}" }}"#));
        assert_eq!((replay.status, body(&replay)), (200, body(&first)));
        let (_, total) = store.page(None, Order { by_updated: false, descending: false }, 0, 10);
        assert_eq!(total, 1, "a replay creates nothing");
        let other = create(&mut store, key, &format!(r#"{{"user_id":"{USER}","type":"ISA"}}"#));
        assert_eq!(other.status, 409);
    }

    #[test]
    fn create_validates_like_the_api() {
        let mut store = Store::new(Duration::ZERO, capacity());
        let key = "ccb07f42-4104-44ad-8e1f-c660bb7b269c";
        let missing_key = handle(
            &mut store,
            &open_auth(),
            &request(Method::POST, "/account_groups", None, &[("content-type", "application/json")], "{}"),
        );
        assert_eq!(body(&missing_key)["type"], "https://docs.upvest.co/errors/missing_idempotency_key");
        for (json, needle) in [
            (format!(r#"{{"user_id":"{USER}"}}"#), "type"),
            (format!(r#"{{"user_id":"{USER}","type":"BUSINESS"}}"#), "user_id"),
            (format!(r#"{{"user_id":"{USER}","type":"ISA","securities_account_number":"12345678"}}"#), "securities_account_number"),
            (format!(r#"{{"user_id":"{USER}","type":"ISA","extra":1}}"#), "extra"),
            ("[1]".to_owned(), "object"),
            ("{".to_owned(), "JSON"),
        ] {
            let reply = create(&mut store, key, &json);
            assert_eq!(reply.status, 400, "{json}");
            assert!(body(&reply)["detail"].as_str().unwrap().contains(needle), "{json}: {:?}", body(&reply));
        }
    }

    #[test]
    fn lists_with_defaults_paging_and_user_filter() {
        let mut store = Store::new(Duration::ZERO, capacity());
        store.seed(30, std::time::SystemTime::now());
        let page = body(&handle(&mut store, &open_auth(), &request(Method::GET, "/account_groups", Some("offset=25&limit=10"), &[], "")));
        assert_eq!(page["meta"], json!({"offset": 25, "limit": 10, "count": 5, "total_count": 30, "sort": "created_at", "order": "ASC"}));
        let defaults = body(&handle(&mut store, &open_auth(), &request(Method::GET, "/account_groups", None, &[], "")));
        assert_eq!(defaults["meta"]["limit"], 100);
        for bad in ["limit=0", "limit=1001", "offset=-1", "sort=id", "order=asc", "limit=5&limit=6"] {
            assert_eq!(handle(&mut store, &open_auth(), &request(Method::GET, "/account_groups", Some(bad), &[], "")).status, 400, "{bad}");
        }
        let user = "5eed0000-0000-4000-8000-000000000001";
        let mine = body(&handle(&mut store, &open_auth(), &request(Method::GET, &format!("/users/{user}/account_groups"), None, &[], "")));
        assert!(mine["data"].as_array().unwrap().iter().all(|g| g["users"][0]["id"] == user));
    }

    #[test]
    fn close_moves_active_groups_through_closing_to_closed() {
        let mut store = Store::new(Duration::ZERO, capacity());
        let key = "ccb07f42-4104-44ad-8e1f-c660bb7b269c";
        let created = body(&create(&mut store, key, &format!(r#"{{"user_id":"{USER}","type":"PERSONAL"}}"#)));
        let path = format!("/account_groups/{}", created["id"].as_str().unwrap());
        assert_eq!(handle(&mut store, &open_auth(), &request(Method::DELETE, &path, Some("closure_reason=aml"), &[], "")).status, 202);
        let after = body(&handle(&mut store, &open_auth(), &request(Method::GET, &path, None, &[], "")));
        assert_eq!(after["status"], "CLOSED", "a zero close delay settles at once");
        assert_eq!(handle(&mut store, &open_auth(), &request(Method::DELETE, &path, None, &[], "")).status, 409);
        assert_eq!(handle(&mut store, &open_auth(), &request(Method::DELETE, &path, Some("closure_reason=bored"), &[], "")).status, 400);
        let unknown = "/account_groups/9d95820d-4333-46b6-98de-04ab7512e76f";
        assert_eq!(handle(&mut store, &open_auth(), &request(Method::GET, unknown, None, &[], "")).status, 404);
    }

    #[test]
    fn queries_are_read_as_forms() {
        // `+` is a space and `%2B` a plus; a malformed or cut-off escape stays as it is; a name
        // without `=` has an empty value; empty pairs are skipped; bytes that are not UTF-8 once
        // decoded become U+FFFD.
        let pairs = |query| query_pairs(Some(query)).into_iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>();
        assert_eq!(pairs("a=x+y&b=1%2B1&c=%zz%41&d=50%&&e&f=%2&g=a=b"), ["a=x y", "b=1+1", "c=%zzA", "d=50%", "e=", "f=%2", "g=a=b"]);
        assert_eq!(pairs("scope=accounts%3Aread+accounts%3Aadmin&%C3%A9=%FF"), ["scope=accounts:read accounts:admin", "é=\u{fffd}"]);
        assert!(query_pairs(None).is_empty() && query_pairs(Some("&&")).is_empty());

        let mut store = Store::new(Duration::ZERO, capacity());
        store.seed(3, std::time::SystemTime::now());
        let list = |store: &mut Store, query| handle(store, &open_auth(), &request(Method::GET, "/account_groups", Some(query), &[], ""));
        // Names and values are compared once decoded.
        let page = body(&list(&mut store, "so%72t=updated%5Fat&order=DE%53C&limit=%32"));
        assert_eq!(
            (&page["meta"]["sort"], &page["meta"]["order"], &page["meta"]["limit"]),
            (&json!("updated_at"), &json!("DESC"), &json!(2))
        );
        // A repeated parameter is refused, however it is spelled; `+` is a space, not a plus.
        for (bad, needle) in
            [("limit=5&li%6Dit=6", "more than once"), ("order=DESC+", "order"), ("limit=+5", "limit"), ("sort=%zz", "sort")]
        {
            let reply = list(&mut store, bad);
            assert_eq!(reply.status, 400, "{bad}");
            assert!(body(&reply)["detail"].as_str().unwrap().contains(needle), "{bad}: {:?}", body(&reply));
        }
        let created =
            body(&create(&mut store, "ccb07f42-4104-44ad-8e1f-c660bb7b269c", &format!(r#"{{"user_id":"{USER}","type":"PERSONAL"}}"#)));
        let path = format!("/account_groups/{}", created["id"].as_str().unwrap());
        let close = |store: &mut Store, query| handle(store, &open_auth(), &request(Method::DELETE, &path, Some(query), &[], "")).status;
        assert_eq!(close(&mut store, "notification_only=tru%65&notification_only=true"), 400, "given twice");
        assert_eq!(close(&mut store, "closure_reason=user%5Finitiated&notification_only=tru%65"), 202);
        assert_eq!(
            body(&handle(&mut store, &open_auth(), &request(Method::GET, &path, None, &[], "")))["status"],
            "ACTIVE",
            "notification only"
        );
    }

    #[test]
    fn ids_are_hyphenated_uuids_in_either_case() {
        let upper = USER.to_ascii_uppercase();
        assert_eq!(hyphenated_uuid(&upper).map(|u| u.hyphenated().to_string()).as_deref(), Some(USER));
        let braced = format!("{{{USER}}}");
        let urn = format!("urn:uuid:{USER}");
        let simple = USER.replace('-', "");
        let shifted = format!("{}-{}", &simple[..9], &USER[10..]);
        for refused in [
            braced.as_str(),
            &urn,
            &simple,
            &shifted,
            &USER[1..],
            &format!("{USER}0"),
            &format!(" {}", &USER[1..]),
            &USER.replace('4', "g"),
            &USER.replace('-', "_"),
            "",
        ] {
            assert_eq!(hyphenated_uuid(refused), None, "{refused:?}");
        }

        let mut store = Store::new(Duration::ZERO, capacity());
        // An upper-case owner, client and key are the lower-case ones: the group is the user's, and
        // the key replays across the spellings.
        let key = "ccb07f42-4104-44ad-8e1f-c660bb7b269c";
        let first = create(&mut store, &key.to_ascii_uppercase(), &format!(r#"{{"user_id":"{upper}","type":"PERSONAL"}}"#));
        assert_eq!(body(&first)["users"][0]["id"], USER);
        let upper_client =
            [("upvest-client-id", "363F3305-7AB0-4E82-A158-F9D382AD08B6"), ("content-type", "application/json"), ("idempotency-key", key)];
        let replay = handle(
            &mut store,
            &open_auth(),
            &request(Method::POST, "/account_groups", None, &upper_client, &format!(r#"{{"user_id":"{upper}","type":"PERSONAL"}}"#)),
        );
        assert_eq!((replay.status, body(&replay)), (200, body(&first)));
        let id = body(&first)["id"].as_str().unwrap().to_owned();
        let found =
            handle(&mut store, &open_auth(), &request(Method::GET, &format!("/account_groups/{}", id.to_ascii_uppercase()), None, &[], ""));
        assert_eq!(body(&found)["id"], id.as_str());

        // The other spellings are refused wherever an id is read, as malformed ids are.
        let braced_id = format!("{{{id}}}");
        let get = |store: &mut Store, path: &str, extra: &[(&'static str, &str)]| {
            handle(store, &open_auth(), &request(Method::GET, path, None, extra, "")).status
        };
        assert_eq!(get(&mut store, &format!("/account_groups/{braced_id}"), &[]), 404);
        assert_eq!(get(&mut store, &format!("/account_groups/{}", id.replace('-', "")), &[]), 404);
        assert_eq!(get(&mut store, &format!("/users/{braced}/account_groups"), &[]), 400);
        assert_eq!(get(&mut store, "/account_groups", &[("upvest-client-id", "{363f3305-7ab0-4e82-a158-f9d382ad08b6}")]), 401);
        assert_eq!(
            handle(&mut store, &open_auth(), &request(Method::DELETE, &format!("/account_groups/urn:uuid:{id}"), None, &[], "")).status,
            400
        );
        let reply = create(&mut store, "9d95820d-4333-46b6-98de-04ab7512e76f", &format!(r#"{{"user_id":"{urn}","type":"ISA"}}"#));
        assert!(body(&reply)["detail"].as_str().unwrap().contains("user_id"), "{:?}", body(&reply));
    }

    #[test]
    fn idempotency_keys_are_uuids_of_version_0_to_5() {
        for ok in ["00000000-0000-0000-8000-000000000000", "ccb07f42-4104-54ad-bE1f-c660bb7b269c", "CCB07F42-4104-14AD-9E1F-C660BB7B269C"] {
            assert!(idempotency_key(ok).is_some(), "{ok}");
        }
        for refused in [
            "ccb07f42-4104-64ad-8e1f-c660bb7b269c",
            "ccb07f42-4104-74ad-8e1f-c660bb7b269c",
            "ccb07f42-4104-f4ad-8e1f-c660bb7b269c",
            "ccb07f42-4104-44ad-7e1f-c660bb7b269c",
            "ccb07f42-4104-44ad-ce1f-c660bb7b269c",
            "{ccb07f42-4104-44ad-8e1f-c660bb7b269c}",
            "ccb07f42410444ad8e1fc660bb7b269c",
        ] {
            assert!(idempotency_key(refused).is_none(), "{refused}");
        }
    }
}
