//! Idempotent creates: what a repeated `idempotency-key` replays. Upvest keeps a key for 24
//! hours; the mock does too (`--idempotency-ttl-s`), and keeps at most
//! `--max-idempotency-keys`, dropping the oldest first, so a long run stays small.

use bytes::Bytes;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};
use uuid::Uuid;

/// A key is the client's, so two clients may use the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub client: Uuid,
    pub key: Uuid,
}

/// The first create's body (to refuse a reuse with another) and its response (to replay).
#[derive(Debug)]
pub struct Record {
    /// Serialised with object keys sorted, so bodies compare as JSON, not as text.
    body: Box<str>,
    pub response: Bytes,
    expires: SystemTime,
}

impl Record {
    pub fn same_body(&self, body: &Value) -> bool {
        *self.body == *canonical(body)
    }
}

#[derive(Debug)]
pub struct Replays {
    ttl: Duration,
    capacity: usize,
    records: HashMap<Key, Record>,
    /// Keys in the order they were stored, which with one TTL for all is also expiry order.
    order: VecDeque<(Key, SystemTime)>,
}

impl Replays {
    pub fn new(ttl: Duration, capacity: usize) -> Replays {
        Replays { ttl, capacity, records: HashMap::new(), order: VecDeque::new() }
    }

    /// The record for `key`, unless it has expired.
    pub fn get(&self, key: &Key, now: SystemTime) -> Option<&Record> {
        self.records.get(key).filter(|r| r.expires > now)
    }

    pub fn insert(&mut self, key: Key, body: &Value, response: Bytes, now: SystemTime) {
        let expires = now + self.ttl;
        self.records.insert(key, Record { body: canonical(body).into_boxed_str(), response, expires });
        self.order.push_back((key, expires));
        self.prune(now);
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Drops expired records, then the oldest beyond the capacity.
    fn prune(&mut self, now: SystemTime) {
        while let Some(&(key, expires)) = self.order.front() {
            if expires > now && self.records.len() <= self.capacity {
                break;
            }
            self.order.pop_front();
            // A key stored again after it expired has a newer entry further back; this one
            // must not remove it.
            if self.records.get(&key).is_some_and(|r| r.expires == expires) {
                self.records.remove(&key);
            }
        }
    }
}

/// JSON text with object keys sorted at every level.
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted(v))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(n: u128) -> Key {
        Key { client: Uuid::from_u128(1), key: Uuid::from_u128(n) }
    }

    #[test]
    fn records_expire_after_the_ttl() {
        let start = SystemTime::now();
        let mut replays = Replays::new(Duration::from_secs(60), 10);
        replays.insert(key(1), &json!({"a": 1, "b": [{"y": 2, "x": 1}]}), Bytes::from_static(b"{}"), start);
        let record = replays.get(&key(1), start + Duration::from_secs(59)).expect("kept within the TTL");
        assert!(record.same_body(&json!({"b": [{"x": 1, "y": 2}], "a": 1})), "compared as JSON");
        assert!(!record.same_body(&json!({"a": 2, "b": [{"x": 1, "y": 2}]})));
        assert!(replays.get(&key(1), start + Duration::from_secs(60)).is_none(), "expired");
        replays.insert(key(2), &json!({}), Bytes::new(), start + Duration::from_secs(61));
        assert_eq!(replays.len(), 1, "an insert drops what has expired");
    }

    #[test]
    fn the_oldest_go_first_beyond_the_capacity() {
        let start = SystemTime::now();
        let mut replays = Replays::new(Duration::from_secs(60), 3);
        (1..=5).for_each(|n| replays.insert(key(n), &json!({}), Bytes::new(), start));
        assert_eq!(replays.len(), 3);
        assert!(replays.get(&key(2), start).is_none() && replays.get(&key(3), start).is_some());
    }

    #[test]
    fn a_key_stored_again_after_expiring_is_kept_for_a_full_ttl() {
        let start = SystemTime::now();
        let mut replays = Replays::new(Duration::from_secs(60), 10);
        replays.insert(key(1), &json!({}), Bytes::new(), start);
        replays.insert(key(1), &json!({"n": 2}), Bytes::new(), start + Duration::from_secs(90));
        replays.insert(key(2), &json!({}), Bytes::new(), start + Duration::from_secs(100));
        let renewed = replays.get(&key(1), start + Duration::from_secs(100)).expect("the second record stays");
        assert!(renewed.same_body(&json!({"n": 2})));
    }
}
