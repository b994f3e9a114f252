//! The log behind `GET /__mock/requests`: the last `--request-log-size` requests, each numbered
//! by `seq` so a test can ask for only those after the ones it has seen. A ring bounded twice,
//! in entries and in bytes, so a long run neither grows the mock nor makes the log's answer ever
//! larger: a body is kept up to its first [`BODY_PREFIX_BYTES`] (with its full length), and the
//! oldest entries go once the kept ones pass [`MAX_LOG_BYTES`]. Counting entries alone let 10,000
//! bodies of 1 MiB of control characters (each six bytes as JSON) take 60 GiB, and the in-process
//! mock's wasm trap at 4 GiB.

use serde_json::{Map, Value};
use std::collections::VecDeque;

/// How much of a body an entry keeps, in bytes (less when the cut would split a character).
pub const BODY_PREFIX_BYTES: usize = 4096;

/// How many bytes of serialised entries the log keeps at most (besides the newest, whatever its
/// size). Typical entries take a few hundred bytes, so the default 10,000 fit many times over;
/// entries with bodies cut to their prefix take up to 25 KiB, so the default's 10,000 entries of
/// them would not.
pub const MAX_LOG_BYTES: usize = 32 << 20;

#[derive(Debug)]
pub struct RequestLog {
    capacity: usize,
    max_bytes: usize,
    /// `(seq, the entry as JSON)`; entries are kept serialised, a fraction of a `Value`'s size.
    entries: VecDeque<(u64, Box<str>)>,
    /// The entries' JSON bytes, together.
    bytes: usize,
    /// The next entry's number; it keeps counting across a reset, so a `since` taken before a
    /// reset still misses nothing after it.
    next_seq: u64,
}

impl RequestLog {
    /// A log of at most `capacity` entries and `max_bytes` of them (see [`MAX_LOG_BYTES`]).
    pub fn new(capacity: usize, max_bytes: usize) -> RequestLog {
        RequestLog { capacity, max_bytes, entries: VecDeque::with_capacity(capacity.min(1024)), bytes: 0, next_seq: 1 }
    }

    /// Adds an entry made of `fields` after its `seq`, dropping the oldest while the log is full
    /// in entries or in bytes.
    pub fn record(&mut self, fields: Map<String, Value>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.capacity == 0 {
            return;
        }
        let mut entry = Map::with_capacity(fields.len() + 1);
        entry.insert("seq".into(), Value::from(seq));
        entry.extend(fields);
        let entry = Value::Object(entry).to_string().into_boxed_str();
        while self.entries.len() == self.capacity || (!self.entries.is_empty() && self.bytes + entry.len() > self.max_bytes) {
            if let Some((_, dropped)) = self.entries.pop_front() {
                self.bytes -= dropped.len();
            }
        }
        self.bytes += entry.len();
        self.entries.push_back((seq, entry));
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
        self.bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many requests were logged since start, including those since dropped.
    pub fn seen(&self) -> u64 {
        self.next_seq - 1
    }
}

/// The members an entry has for a body: `body`, its first [`BODY_PREFIX_BYTES`] as text (bytes
/// that are not UTF-8 become U+FFFD), `body_bytes`, its whole length, and `body_truncated`,
/// whether `body` is only a prefix.
pub fn body_fields(body: &[u8], entry: &mut Map<String, Value>) {
    let kept = prefix(body, BODY_PREFIX_BYTES);
    entry.insert("body".into(), Value::String(String::from_utf8_lossy(kept).into_owned()));
    entry.insert("body_bytes".into(), Value::from(body.len()));
    entry.insert("body_truncated".into(), Value::Bool(kept.len() < body.len()));
}

/// The first `max` bytes of `body`, or fewer so as not to end inside a UTF-8 character.
fn prefix(body: &[u8], max: usize) -> &[u8] {
    if body.len() <= max {
        return body;
    }
    // A character is at most 4 bytes: back over at most 3 continuation bytes to where it starts.
    let start = (max.saturating_sub(3)..=max).rev().find(|&i| body[i] & 0xC0 != 0x80).unwrap_or(max);
    &body[..start]
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
        let mut log = RequestLog::new(3, MAX_LOG_BYTES);
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
        let mut log = RequestLog::new(0, MAX_LOG_BYTES);
        log.record(entry(1));
        assert_eq!((log.since(None).as_str(), log.seen()), ("[]", 1));
    }

    #[test]
    fn the_oldest_entries_go_when_the_kept_bytes_pass_the_limit() {
        // `{"seq":N,"path":"/N"}` is 21 bytes for one digit.
        let mut log = RequestLog::new(100, 3 * 21);
        (1..=5).for_each(|n| log.record(entry(n)));
        assert_eq!(seqs(&log.since(None)), [3, 4, 5]);
        assert_eq!(log.bytes, 3 * 21);
        let mut big = entry(6);
        big.insert("body".into(), json!("x".repeat(100)));
        log.record(big);
        assert_eq!(seqs(&log.since(None)), [6], "the newest is kept whatever its size");
        log.record(entry(7));
        assert_eq!(seqs(&log.since(None)), [7]);
        log.clear();
        assert_eq!(log.bytes, 0);
    }

    #[test]
    fn a_body_is_kept_up_to_its_prefix_with_its_length() {
        let fields = |body: &[u8]| {
            let mut entry = Map::new();
            body_fields(body, &mut entry);
            (entry["body"].as_str().unwrap().to_owned(), entry["body_bytes"].as_u64().unwrap(), entry["body_truncated"].as_bool().unwrap())
        };
        assert_eq!(fields(b"{\"a\":1}"), ("{\"a\":1}".to_owned(), 7, false));
        assert_eq!(fields(b""), (String::new(), 0, false));
        let whole = vec![b'x'; BODY_PREFIX_BYTES];
        assert_eq!(fields(&whole), ("x".repeat(BODY_PREFIX_BYTES), BODY_PREFIX_BYTES as u64, false));
        let large = vec![1u8; 1 << 20];
        assert_eq!(fields(&large), ("\u{1}".repeat(BODY_PREFIX_BYTES), 1 << 20, true));
        // "é" is two bytes: a cut after its first would leave half a character.
        let mut split = vec![b'x'; BODY_PREFIX_BYTES - 1];
        split.extend("é and more".as_bytes());
        assert_eq!(fields(&split), ("x".repeat(BODY_PREFIX_BYTES - 1), split.len() as u64, true));
        let invalid = vec![0x80u8; BODY_PREFIX_BYTES + 1];
        assert_eq!(fields(&invalid).0.chars().count(), BODY_PREFIX_BYTES, "bytes that are no character are cut at the limit");
    }
}
