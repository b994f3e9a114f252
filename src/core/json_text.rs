//! A small JSON reader over response text, so that a body is checked in Rust in one pass instead
//! of field by field across the JavaScript boundary (which cost about 20 µs per group of a page).
//! The text is read into a flat list of entries (one allocation for the whole document, no tree
//! of vectors): strings are ranges of the text, unescaped only when asked for; numbers are
//! checked as they are read and valued only when asked for, with the precision checks need (exact
//! integers up to 2^53) and without pulling float parsing into the wasm.

use super::json::{JsonKind, JsonView};

use super::text::{split_once_ascii, trim_end_ascii, trim_start_ascii};
use std::borrow::Cow;
pub use upvest_quick_check::lex::MAX_DEPTH;
use upvest_quick_check::lex::{number_end, plain_run_end, space_end};

/// A JSON text, read and found valid.
#[derive(Debug)]
pub struct Document<'a> {
    text: &'a str,
    entries: Vec<Entry>,
}

/// One value of the document, in document order: a container's members follow it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    kind: Kind,
    /// A string holding escapes (it must be unescaped to be read).
    escaped: bool,
    /// The text of a number, or the content of a string (between its quotes).
    start: usize,
    end: usize,
    /// The index of the entry after this value and everything inside it.
    next: usize,
    /// An array's items, or an object's members.
    count: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    True,
    False,
    Number,
    Str,
    Array,
    Object,
}

/// Reads a whole JSON text; `None` when it is not valid JSON (or nests too deep).
pub fn parse(text: &str) -> Option<Document<'_>> {
    // A compact page has about one entry per 13 bytes: one allocation for a page of 1000 groups.
    // (Capped: wasm memory never shrinks, so a huge body grows it only as far as it must.)
    let capacity = (text.len() / 8 + 4).min(1 << 16);
    let mut reader = Reader { text, bytes: text.as_bytes(), at: 0, entries: Vec::with_capacity(capacity) };
    reader.value(0)?;
    reader.space();
    (reader.at == reader.bytes.len()).then_some(Document { text, entries: reader.entries })
}

impl<'a> Document<'a> {
    /// The document's top-level value.
    pub fn root(&self) -> Value<'_, 'a> {
        Value { document: self, index: 0 }
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    entries: Vec<Entry>,
}

impl Reader<'_> {
    #[inline(always)]
    fn space(&mut self) {
        self.at = space_end(self.bytes, self.at);
    }

    #[inline(always)]
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.space();
        matches!(self.bytes.get(self.at), Some(&b) if b == byte).then(|| self.at += 1)
    }

    #[inline(always)]
    fn push(&mut self, kind: Kind, start: usize, end: usize) -> usize {
        let index = self.entries.len();
        self.entries.push(Entry { kind, escaped: false, start, end, next: index + 1, count: 0 });
        index
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Option<()> {
        self.bytes[self.at..].starts_with(word.as_bytes()).then(|| {
            self.push(kind, self.at, self.at + word.len());
            self.at += word.len();
        })
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.space();
        match *self.bytes.get(self.at)? {
            b'{' => self.container(depth, Kind::Object, b'}'),
            b'[' => self.container(depth, Kind::Array, b']'),
            b'"' => self.string(),
            b't' => self.literal("true", Kind::True),
            b'f' => self.literal("false", Kind::False),
            b'n' => self.literal("null", Kind::Null),
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                self.at = number_end(self.bytes, start)?;
                self.push(Kind::Number, start, self.at);
                Some(())
            }
            _ => None,
        }
    }

    /// An object's members (a name, then its value) or an array's items.
    fn container(&mut self, depth: usize, kind: Kind, close: u8) -> Option<()> {
        let index = self.push(kind, self.at, self.at);
        self.at += 1;
        let mut count = 0;
        if self.eat(close).is_none() {
            loop {
                if kind == Kind::Object {
                    self.space();
                    self.string()?;
                    self.eat(b':')?;
                }
                self.value(depth + 1)?;
                count += 1;
                if self.eat(b',').is_none() {
                    self.eat(close)?;
                    break;
                }
            }
        }
        let next = self.entries.len();
        let entry = &mut self.entries[index];
        (entry.count, entry.next) = (count, next);
        Some(())
    }

    fn string(&mut self) -> Option<()> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at + 1;
        let run = plain_run_end(self.bytes, start)?;
        let (end, escaped) = match self.bytes[run] {
            b'"' => (run, false),
            // Escapes are rare: the string is decoded once here to check them, and again only if
            // it is read.
            b'\\' => (unescape(self.text, start)?.1 - 1, true),
            _ => return None,
        };
        let index = self.push(Kind::Str, start, end);
        self.entries[index].escaped = escaped;
        self.at = end + 1;
        Some(())
    }
}

/// A string's content from `start` (after its opening quote), unescaped, and the index after its
/// closing quote; `None` when an escape or a character is not allowed.
fn unescape(text: &str, start: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut at = start;
    loop {
        let run = plain_run_end(bytes, at)?;
        out.push_str(&text[at..run]);
        at = run;
        match bytes[at] {
            b'"' => return Some((out, at + 1)),
            b'\\' => {
                let escape = *bytes.get(at + 1)?;
                at += 2;
                out.push(match escape {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    b'u' => unicode_escape(text, &mut at)?,
                    _ => return None,
                });
            }
            _ => return None,
        }
    }
}

fn hex4(text: &str, at: &mut usize) -> Option<u32> {
    let digits = text.get(*at..*at + 4)?;
    // Digit by digit rather than `u32::from_str_radix`, whose general parser (signs, any radix)
    // cost the wasm 110 B gzip for four hex digits.
    let mut value = 0;
    for b in digits.bytes() {
        value = value * 16 + char::from(b).to_digit(16)?;
    }
    *at += 4;
    Some(value)
}

/// `\uXXXX` (after the `\u`), joining a surrogate pair; a lone surrogate becomes U+FFFD, as
/// JSON.parse keeps it as a string either way.
fn unicode_escape(text: &str, at: &mut usize) -> Option<char> {
    let first = hex4(text, at)?;
    if (0xD800..0xDC00).contains(&first) && text.as_bytes()[*at..].starts_with(b"\\u") {
        let mut after = *at + 2;
        let second = hex4(text, &mut after)?;
        if (0xDC00..0xE000).contains(&second) {
            *at = after;
            return char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00));
        }
    }
    Some(char::from_u32(first).unwrap_or('\u{fffd}'))
}

/// The value of a number that [`number_end`] accepted: exact for integers below 2^53, within a
/// few units in the last place between 10^-22 and 10^22, and within 1e-12 relative beyond;
/// enough for the checks (which ask "a whole number?", "not negative?").
fn number_value(literal: &str) -> f64 {
    let (negative, unsigned) = match literal.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, literal),
    };
    let (mantissa_text, exponent_text) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let (whole, fraction) = split_once_ascii(mantissa_text, ".").unwrap_or((mantissa_text, ""));
    let (sign, power) = match exponent_text.as_bytes().first() {
        Some(b'-') => (-1, &exponent_text[1..]),
        Some(b'+') => (1, &exponent_text[1..]),
        _ => (1, exponent_text),
    };
    // Leading zeros say nothing; beyond four digits every value is 0 or infinite anyway.
    let power = trim_start_ascii(power, b'0');
    let exponent = sign * if power.len() > 4 { 9999 } else { power.bytes().fold(0i32, |n, b| n * 10 + i32::from(b - b'0')) };
    // Up to 19 significant digits go into an exact integer mantissa (trailing zeros of the
    // fraction add nothing); later digits only scale it. Integers below 2^53 come out exact.
    let fraction = trim_end_ascii(fraction, b'0');
    let (mut mantissa, mut kept, mut dropped) = (0u64, 0u32, 0i32);
    for b in whole.bytes().chain(fraction.bytes()) {
        if kept == 19 {
            dropped += 1;
            continue;
        }
        if kept > 0 || b != b'0' {
            kept += 1;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    if mantissa == 0 {
        // Zero at any scale (`0e400` would otherwise be 0 × ∞).
        return if negative { -0.0 } else { 0.0 };
    }
    let scale = exponent.saturating_sub(fraction.len().min(9999) as i32).saturating_add(dropped);
    let mantissa = mantissa as f64;
    let value = match scale {
        0.. => mantissa * 10f64.powi(scale),
        // Dividing by an exact power of ten rounds once.
        -22..=-1 => mantissa / 10f64.powi(-scale),
        // Two steps below 1e-300, so values near the subnormal range do not flush to zero.
        ..-300 => mantissa * 10f64.powi(scale + 300) * 1e-300,
        _ => mantissa * 10f64.powi(scale),
    };
    if negative {
        -value
    } else {
        value
    }
}

/// One value of a [`Document`], read through [`JsonView`].
#[derive(Debug, Clone, Copy)]
pub struct Value<'d, 'a> {
    document: &'d Document<'a>,
    index: usize,
}

impl<'d, 'a> Value<'d, 'a> {
    #[inline(always)]
    fn entry(&self) -> &'d Entry {
        &self.document.entries[self.index]
    }

    #[inline(always)]
    fn at(&self, index: usize) -> Value<'d, 'a> {
        Value { document: self.document, index }
    }

    /// The entries of a container's members or items, in order (for an object: each name; its
    /// value is the entry after it).
    fn children(&self) -> impl Iterator<Item = usize> + 'd {
        let entries = &self.document.entries;
        let entry = entries[self.index];
        let step = if entry.kind == Kind::Object { 2 } else { 1 };
        let mut next = self.index + 1;
        let count = if matches!(entry.kind, Kind::Array | Kind::Object) { entry.count } else { 0 };
        (0..count).map(move |_| {
            let child = next;
            next = entries[child + step - 1].next;
            child
        })
    }

    /// The text of a string entry, unescaped when it must be.
    fn text_of(&self, index: usize) -> Cow<'a, str> {
        let entry = &self.document.entries[index];
        let text = self.document.text;
        if entry.escaped {
            // The reader checked every escape; this decoding cannot fail.
            Cow::Owned(unescape(text, entry.start).map(|(s, _)| s).unwrap_or_default())
        } else {
            Cow::Borrowed(&text[entry.start..entry.end])
        }
    }
}

impl<'d, 'a> JsonView for Value<'d, 'a> {
    fn kind(&self) -> JsonKind {
        match self.entry().kind {
            Kind::Null => JsonKind::Null,
            Kind::True | Kind::False => JsonKind::Bool,
            Kind::Number => JsonKind::Number,
            Kind::Str => JsonKind::String,
            Kind::Array => JsonKind::Array,
            Kind::Object => JsonKind::Object,
        }
    }

    fn string(&self) -> Option<String> {
        self.text().map(Cow::into_owned)
    }

    fn text(&self) -> Option<Cow<'_, str>> {
        (self.entry().kind == Kind::Str).then(|| self.text_of(self.index))
    }

    fn number(&self) -> Option<f64> {
        let entry = self.entry();
        (entry.kind == Kind::Number).then(|| number_value(&self.document.text[entry.start..entry.end]))
    }

    fn boolean(&self) -> Option<bool> {
        match self.entry().kind {
            Kind::True => Some(true),
            Kind::False => Some(false),
            _ => None,
        }
    }

    fn field(&self, name: &str) -> Option<Self> {
        let [found] = self.fields([name]);
        found
    }

    fn fields<const N: usize>(&self, names: [&str; N]) -> [Option<Self>; N] {
        let mut found = [None; N];
        let object = self.entry();
        if object.kind != Kind::Object {
            return found;
        }
        let (entries, text) = (self.document.entries.as_slice(), self.document.text);
        let mut key = self.index + 1;
        for _ in 0..object.count {
            let name_entry = &entries[key];
            // Plain names are compared as slices of the text; escaped ones once unescaped.
            let unescaped = if name_entry.escaped { self.text_of(key) } else { Cow::Borrowed("") };
            let member_name = if name_entry.escaped { unescaped.as_bytes() } else { &text.as_bytes()[name_entry.start..name_entry.end] };
            // Plain loops: this runs for every member of every group of a page, and iterator
            // adapters are not inlined in the size-optimised wasm.
            let mut j = 0;
            while j < N {
                // The last member of a name wins, as in JSON.parse.
                if names[j].len() == member_name.len() && names[j].as_bytes() == member_name {
                    found[j] = Some(self.at(key + 1));
                }
                j += 1;
            }
            key = entries[key + 1].next;
        }
        found
    }

    fn keys(&self) -> Vec<String> {
        if self.entry().kind != Kind::Object {
            return Vec::new();
        }
        self.children().map(|key| self.text_of(key).into_owned()).collect()
    }

    fn length(&self) -> usize {
        if self.entry().kind == Kind::Array {
            self.entry().count
        } else {
            0
        }
    }

    fn item(&self, index: usize) -> Option<Self> {
        if self.entry().kind != Kind::Array {
            return None;
        }
        self.children().nth(index).map(|item| self.at(item))
    }

    fn items(&self) -> Vec<Self> {
        if self.entry().kind != Kind::Array {
            return Vec::new();
        }
        self.children().map(|item| self.at(item)).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn number(text: &str) -> f64 {
        parse(text).unwrap().root().number().unwrap()
    }

    #[test]
    fn parses_what_json_allows() {
        let document = parse(r#" {"a": [1, -2.5e2, true, false, null], "b": "x\"\u00e9\ud83d\ude00", "a": 7} "#).unwrap();
        let view = document.root();
        assert_eq!(view.field("a").and_then(|a| a.number()), Some(7.0), "the last duplicate wins");
        assert_eq!(view.field("b").and_then(|b| b.string()).as_deref(), Some("x\"é😀"));
        assert_eq!(view.keys(), ["a", "b", "a"]);
        let list = view.children().next().map(|key| view.at(key + 1)).unwrap();
        assert_eq!(list.length(), 5);
        assert_eq!(list.item(1).and_then(|n| n.number()), Some(-250.0));
        assert_eq!(
            list.items().iter().map(|v| v.kind()).collect::<Vec<_>>(),
            [JsonKind::Number, JsonKind::Number, JsonKind::Bool, JsonKind::Bool, JsonKind::Null]
        );
        assert_eq!(list.item(2).and_then(|b| b.boolean()), Some(true));
        assert!(list.item(5).is_none());
        assert_eq!(number("123456789012345"), 123_456_789_012_345.0);
        assert_eq!(number("0.5"), 0.5);
        // Found by the property test: more than 17 digits once lost a factor of ten, and a
        // 16-digit integer written with ".0" came out inexact.
        assert_eq!(number("5739597253441131.0"), 5_739_597_253_441_131.0);
        let n = number("0.10461221550366369");
        assert!((n - 0.104_612_215_503_663_69).abs() < 1e-15, "{n}");
        let n = number("123456789012345678901234");
        assert!((n / 1.234_567_890_123_456_8e23 - 1.0).abs() < 1e-12, "{n}");
        assert_eq!(number("-1E+2"), -100.0);
        // Found in review: leading zeros of an exponent, and zero at a huge scale.
        assert_eq!(number("1e00002"), 100.0);
        assert_eq!(number("5e-00001"), 0.5);
        assert_eq!(number("0e400"), 0.0);
        assert_eq!(number("1e0000000000000000400"), f64::INFINITY);
        assert_eq!(number("1e-000000000000000400"), 0.0);
        assert_eq!(number("3e-2"), 0.03);
    }

    #[test]
    fn reads_escaped_names_and_nested_containers() {
        let document = parse(r#"{"d\u0061ta": [[], {}, [{"x": "\\"}]], "n": {"m": [1]}}"#).unwrap();
        let view = document.root();
        let data = view.field("data").unwrap();
        assert_eq!(data.length(), 3);
        assert_eq!(data.item(0).unwrap().length(), 0);
        assert_eq!(data.item(1).unwrap().kind(), JsonKind::Object);
        assert_eq!(data.item(2).and_then(|a| a.item(0)).and_then(|o| o.field("x")).and_then(|x| x.string()).as_deref(), Some("\\"));
        assert_eq!(view.field("n").and_then(|n| n.field("m")).and_then(|m| m.item(0)).and_then(|v| v.number()), Some(1.0));
        assert!(view.field("x").is_none() && data.field("x").is_none() && view.item(0).is_none());
    }

    #[test]
    fn refuses_what_json_does_not() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "-",
            "\"\u{1}\"",
            "tru",
            "{a:1}",
            "[1] [2]",
            "\"\\x\"",
            "1e",
            "\"abc",
            "\"a\\u12\"",
            "{\"a\" 1}",
            "[1 2]",
            "1e+",
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert!(parse(&deep).is_none());
        let deep_enough = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep_enough).is_some());
    }

    #[test]
    fn agrees_with_serde_json() {
        for sample in [
            r#"{"meta":{"offset":0,"limit":2,"count":1,"total_count":1},"data":[{"id":"9d95820d-4333-46b6-98de-04ab7512e76f","users":[]}]}"#,
            r#"[{"x": "\/\b\f\n\r\t"}, 1E+2, 3e-2, -7]"#,
        ] {
            let theirs: serde_json::Value = serde_json::from_str(sample).unwrap();
            assert!(same(&parse(sample).unwrap().root(), &theirs), "{sample}");
        }
    }

    fn b_extreme(b: &serde_json::Number) -> bool {
        b.as_f64().is_some_and(|b| b != 0.0 && !(1e-22..=1e22).contains(&b.abs()))
    }

    /// Whether a value read by this module equals a serde_json value (numbers compared as f64).
    pub(crate) fn same(ours: &Value<'_, '_>, value: &serde_json::Value) -> bool {
        use serde_json::Value as V;
        match value {
            V::Null => ours.kind() == JsonKind::Null,
            V::Bool(b) => ours.boolean() == Some(*b),
            // Within a few units in the last place: serde_json's own float parsing (without its
            // float_roundtrip feature) can be one off, so exact equality would test serde_json.
            V::Number(b) => ours.number().is_some_and(|a| {
                // Beyond 10^±22, powers of ten are not exact in f64 and `powi` adds error.
                let tolerance = if b_extreme(b) { 1e-12 } else { 4.0 * f64::EPSILON };
                b.as_f64().is_some_and(|b| (a - b).abs() <= b.abs() * tolerance || (a.abs() < 1e-290 && b.abs() < 1e-290))
            }),
            V::String(b) => ours.text().as_deref() == Some(b.as_str()),
            V::Array(b) => {
                ours.kind() == JsonKind::Array && ours.length() == b.len() && ours.items().iter().zip(b).all(|(x, y)| same(x, y))
            }
            V::Object(b) => {
                ours.kind() == JsonKind::Object
                    && ours.keys().len() >= b.len()
                    && b.iter().all(|(k, v)| ours.field(k).is_some_and(|mine| same(&mine, v)))
            }
        }
    }
}
