//! The store's changes as Upvest webhook deliveries: events bundled per POST
//! (`{ "payload": [events] }`), in order, with increasing `created_at`. Who sends them (the
//! binary's delivery worker) is not this module's business.

use serde_json::json;
use std::time::{Duration, SystemTime};
use upvest_api::{AccountGroup, AccountGroupEvent, AccountGroupEventType};
use uuid::Uuid;

/// One delivery's body for events that happened at `now`.
pub fn bundle(events: Vec<(AccountGroupEventType, AccountGroup)>, webhook_id: &str, now: SystemTime) -> String {
    let payload: Vec<AccountGroupEvent> = events
        .into_iter()
        .enumerate()
        .map(|(i, (r#type, object))| AccountGroupEvent {
            id: Uuid::new_v4().hyphenated().to_string(),
            created_at: crate::store::timestamp(now + Duration::from_millis(i as u64)),
            r#type,
            object,
            webhook_id: webhook_id.to_owned(),
        })
        .collect();
    json!({ "payload": payload }).to_string()
}
