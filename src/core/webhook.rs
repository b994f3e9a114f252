//! Webhook deliveries: how large a body may be, and reading the events out of a delivery body. (Remembering which event ids were handled is
//! a plain bounded set, kept in JavaScript beside the caller's events.)

use super::error::InvalidInput;
use super::json::{JsonKind, JsonView};
use super::response::{check_group, is_rfc3339, must_be_object, At};
use super::text::{cat, const_cat, split_once_ascii};
use super::validate::{integer_in, is_uuid, member};
use upvest_api::{AccountGroupEvent as Event, AccountGroupEventType};

/// The options `parseWebhookEvents` takes.
pub const PARSE_OPTION_NAMES: &[&str] = &["verify", "method", "url", "headers", "maxBodyBytes"];

/// The largest body `parseWebhookEvents` reads unless `maxBodyBytes` says otherwise: a bundle of
/// account-group events is a few KB, and a receiver must not parse (or hash) whatever size a
/// sender chooses.
pub const DEFAULT_MAX_BODY_BYTES: u32 = 1024 * 1024;

/// The body limit of checked `parseWebhookEvents` options: `maxBodyBytes`, else the default.
pub fn max_body_bytes<V: JsonView>(options: Option<&V>) -> Result<u32, InvalidInput> {
    match options.and_then(|o| member(o, "maxBodyBytes")) {
        None => Ok(DEFAULT_MAX_BODY_BYTES),
        Some(limit) => integer_in("maxBodyBytes", &limit, 1, u32::MAX),
    }
}

/// The events of a delivery body: a bundle `{ "payload": [events] }` (what `upvest-mock` sends;
/// Upvest's envelope is not documented), a bare array of events, or one event. Each is checked:
/// `id` and `webhook_id` UUIDs, `created_at` RFC 3339, `type` a `CATEGORY.ACTION` string, and,
/// for account-group events, `object` an account group. The error names what is wrong, with its
/// path.
pub fn events<V: JsonView + Clone>(body: &V) -> Result<Vec<V>, String> {
    match (body.kind(), body.field("payload")) {
        (JsonKind::Object, Some(payload)) if payload.kind() == JsonKind::Array => items(&payload, "payload"),
        (JsonKind::Object, Some(_)) => Err("payload must be an array of events".to_owned()),
        (JsonKind::Array, _) => items(body, ""),
        (JsonKind::Object, None) => check_event(&At::Body, body).map(|()| vec![body.clone()]),
        (kind, _) => Err(cat!("the body must be an event, a list of events or { \"payload\": [events] } (got ", kind.describe(), ")")),
    }
}

fn items<V: JsonView>(list: &V, name: &'static str) -> Result<Vec<V>, String> {
    let events = list.items();
    for (i, event) in events.iter().enumerate() {
        check_event(&At::Item(&At::Body, name, i), event)?;
    }
    Ok(events)
}

fn check_event<V: JsonView>(at: &At<'_>, event: &V) -> Result<(), String> {
    must_be_object(at, event, "the event")?;
    let text = |name: &str| event.field(name).and_then(|v| v.string());
    for name in [Event::id, Event::webhook_id] {
        text(name).filter(|v| is_uuid(v)).ok_or_else(|| cat!(at.path(), name, " must be a UUID"))?;
    }
    text(Event::created_at)
        .filter(|v| is_rfc3339(v))
        .ok_or_else(|| cat!(at.path(), const_cat!(Event::created_at, " must be an RFC 3339 date-time")))?;
    let event_type = text(Event::r#type)
        .filter(|t| split_once_ascii(t, ".").is_some_and(|(a, b)| !a.is_empty() && !b.is_empty()))
        .ok_or_else(|| cat!(at.path(), const_cat!(Event::r#type, " must be a CATEGORY.ACTION string like ACCOUNT_GROUP.CREATED")))?;
    let object = event.field(Event::object).ok_or_else(|| cat!(at.path(), const_cat!(Event::object, " is missing")))?;
    // Account-group events by their category: the list is open, later types are checked too.
    if event_type.starts_with(AccountGroupEventType::CATEGORY_PREFIX) {
        check_group(&At::Member(at, Event::object), &object)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const USER_ID: &str = "413715f2-5401-4b97-8055-034a6b879f8c";

    fn event(kind: &str) -> Value {
        json!({
            "id": "72da9e41-9926-419f-976e-4c8069a04249",
            "created_at": "2021-07-21T14:10:00.00Z",
            "type": kind,
            "object": {
                "id": "9d95820d-4333-46b6-98de-04ab7512e76f", "created_at": "2020-08-24T14:15:22Z",
                "updated_at": "2020-08-24T14:15:22Z", "type": "PERSONAL", "status": "ACTIVE",
                "users": [{"id": "413715f2-5401-4b97-8055-034a6b879f8c", "type": "OWNER"}], "securities_account_number": "123456789"
            },
            "webhook_id": "9df39835-be87-4243-9018-f2500b39cee6"
        })
    }

    #[test]
    fn reads_bundles_lists_and_single_events() {
        let bundle = json!({"payload": [event("ACCOUNT_GROUP.CREATED"), event("ACCOUNT_GROUP.ACTIVATED")]});
        assert_eq!(events(&&bundle).unwrap().len(), 2);
        assert_eq!(events(&&json!([event("ACCOUNT_GROUP.CLOSED")])).unwrap().len(), 1);
        assert_eq!(events(&&event("ACCOUNT_GROUP.LOCKED")).unwrap().len(), 1);
        // A type added later, and another category whose object this package does not know.
        assert!(events(&&event("ACCOUNT_GROUP.UPDATED")).is_ok());
        let mut user_event = event("USER.CREATED");
        user_event["object"] = json!({"id": "someone"});
        assert!(events(&&user_event).is_ok());
    }

    #[test]
    fn names_what_is_wrong() {
        let mut bad = event("ACCOUNT_GROUP.CREATED");
        bad["object"]["id"] = json!("x");
        assert_eq!(events(&&json!({"payload": [event("ACCOUNT_GROUP.CREATED"), bad]})).unwrap_err(), "payload[1].object.id must be a UUID");
        for (body, reason) in [
            (json!("hi"), "the body must be an event, a list of events or { \"payload\": [events] } (got a string)"),
            (json!({"payload": {}}), "payload must be an array of events"),
            (json!([1]), "[0] must be an object (got a number)"),
            (json!({"id": "x"}), "id must be a UUID"),
            (json!([{"id": USER_ID, "webhook_id": USER_ID}]), "[0].created_at must be an RFC 3339 date-time"),
            (json!({"id": USER_ID, "webhook_id": USER_ID, "created_at": "2021-07-21T14:10:00Z", "type": "X.Y"}), "object is missing"),
        ] {
            assert_eq!(events(&&body).unwrap_err(), reason, "{body}");
        }
        let mut no_type = event("x");
        no_type["type"] = json!("CREATED");
        assert!(events(&&no_type).unwrap_err().starts_with("type must be a CATEGORY.ACTION"));
    }

    #[test]
    fn reads_the_body_limit() {
        assert_eq!(max_body_bytes::<&Value>(None), Ok(DEFAULT_MAX_BODY_BYTES));
        assert_eq!(max_body_bytes(Some(&&json!({"maxBodyBytes": 10}))), Ok(10));
        for bad in [json!(0), json!(1.5), json!("1"), json!(null), json!(5e9)] {
            assert_eq!(max_body_bytes(Some(&&json!({ "maxBodyBytes": bad }))).unwrap_err().field, "maxBodyBytes", "{bad}");
        }
    }
}
