//! The store's changes as Upvest webhook deliveries: events bundled per POST
//! (`{ "payload": [events] }`), in order, with increasing `created_at`. Who sends them (the
//! binary's delivery worker) is not this module's business.

use serde_json::{json, Value};
use std::time::{Duration, SystemTime};
use uuid::Uuid;

/// One delivery's body for events of `(type, group)` that happened at `now`.
pub fn bundle(events: Vec<(&'static str, Value)>, webhook_id: &str, now: SystemTime) -> String {
    let payload: Vec<Value> = events
        .into_iter()
        .enumerate()
        .map(|(i, (kind, object))| {
            json!({
                "id": Uuid::new_v4().hyphenated().to_string(),
                "created_at": crate::store::timestamp(now + Duration::from_millis(i as u64)),
                "type": kind,
                "object": object,
                "webhook_id": webhook_id,
            })
        })
        .collect();
    json!({ "payload": payload }).to_string()
}
