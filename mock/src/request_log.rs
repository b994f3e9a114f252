//! The log behind `GET /__mock/requests`: the last `--request-log-size` requests, each numbered
//! by `seq` so a test can ask for only those after the ones it has seen. A ring, so a long run
//! neither grows the mock nor makes the log's answer ever larger.

use serde_json::{Map, Value};
use std::collections::VecDeque;

#[derive(Debug)]
pub struct RequestLog {
    capacity: usize,
    /// `(seq, the entry as JSON)`; entries are kept serialised, a fraction of a `Value`'s size.
    entries: VecDeque<(u64, Box<str>)>,
    /// The next entry's number; it keeps counting across a reset, so a `since` taken before a
    /// reset still misses nothing after it.
    next_seq: u64,
}

impl RequestLog {
    pub fn new(capacity: usize) -> RequestLog {
        RequestLog { capacity, entries: VecDeque::with_capacity(capacity.min(1024)), next_seq: 1 }
    }

    /// Adds an entry made of `fields` after its `seq`, dropping the oldest when full.
    pub fn record(&mut self, fields: Map<String, Value>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.capacity == 0 {
            return;
        }
        let mut entry = Map::with_capacity(fields.len() + 1);
        entry.insert("seq".into(), Value::from(seq));
        entry.extend(fields);
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back((seq, Value::Object(entry).to_string().into_boxed_str()));
    }

    /// The entries after `since` (all when `None`), oldest first, as a JSON array.
    pub fn since(&self, since: Option<u64>) -> String {
        let first = since.map_or(0, |seq| self.entries.partition_point(|(s, _)| *s <= seq));
        let kept = self.entries.range(first..);
        let mut json = String::with_capacity(2 + kept.clone().map(|(_, e)| e.len() + 1).sum::<usize>());
        json.push('[');
        for (i, (_, entry)) in kept.enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(entry);
        }
        json.push(']');
        json
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// How many requests were logged since start, including those since dropped.
    pub fn seen(&self) -> u64 {
        self.next_seq - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(n: u64) -> Map<String, Value> {
        json!({ "path": format!("/{n}") }).as_object().unwrap().clone()
    }

    fn seqs(json: &str) -> Vec<u64> {
        serde_json::from_str::<Vec<Value>>(json).unwrap().iter().map(|e| e["seq"].as_u64().unwrap()).collect()
    }

    #[test]
    fn keeps_the_newest_entries_numbered_and_answers_those_after_a_seq() {
        let mut log = RequestLog::new(3);
        (1..=5).for_each(|n| log.record(entry(n)));
        assert_eq!(seqs(&log.since(None)), [3, 4, 5]);
        assert_eq!(seqs(&log.since(Some(3))), [4, 5]);
        assert_eq!(seqs(&log.since(Some(1))), [3, 4, 5], "a since older than the ring gives all it has");
        assert!(seqs(&log.since(Some(5))).is_empty());
        let first: Value = serde_json::from_str(&log.since(Some(4))).unwrap();
        assert_eq!(first, json!([{ "seq": 5, "path": "/5" }]), "seq comes first, then the fields");
        log.clear();
        log.record(entry(6));
        assert_eq!((seqs(&log.since(None)), log.len(), log.seen()), (vec![6], 1, 6), "numbering goes on after a reset");
    }

    #[test]
    fn a_zero_size_log_keeps_nothing() {
        let mut log = RequestLog::new(0);
        log.record(entry(1));
        assert_eq!((log.since(None).as_str(), log.seen()), ("[]", 1));
    }
}
