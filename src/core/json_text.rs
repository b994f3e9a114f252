//! A small JSON reader over response text, so that a body is checked in Rust in one pass instead
//! of field by field across the JavaScript boundary (which cost about 20 µs per group of a page).
//! Strings borrow from the text unless they hold escapes; numbers keep the precision checks need
//! (exact integers up to 2^53) without pulling float parsing into the wasm.

use super::json::{JsonKind, JsonView};
use std::borrow::Cow;

/// A parsed JSON value borrowing from its text.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string, unescaped.
    Str(Cow<'a, str>),
    /// An array.
    Array(Vec<Node<'a>>),
    /// An object, members in order.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Parses a whole JSON text; `None` when it is not valid JSON (or nests too deep).
pub fn parse(text: &str) -> Option<Node<'_>> {
    let mut reader = Reader { text, bytes: text.as_bytes(), at: 0 };
    let value = reader.value(0)?;
    reader.space();
    (reader.at == reader.bytes.len()).then_some(value)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn space(&mut self) {
        while self.bytes.get(self.at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.space();
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    fn literal(&mut self, word: &str, node: Node<'a>) -> Option<Node<'a>> {
        self.bytes[self.at..].starts_with(word.as_bytes()).then(|| {
            self.at += word.len();
            node
        })
    }

    fn value(&mut self, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.space();
        match *self.bytes.get(self.at)? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Node::Str),
            b't' => self.literal("true", Node::Bool(true)),
            b'f' => self.literal("false", Node::Bool(false)),
            b'n' => self.literal("null", Node::Null),
            b'-' | b'0'..=b'9' => self.number().map(Node::Number),
            _ => None,
        }
    }

    fn object(&mut self, depth: usize) -> Option<Node<'a>> {
        self.at += 1;
        let mut members = Vec::new();
        if self.eat(b'}').is_some() {
            return Some(Node::Object(members));
        }
        loop {
            self.space();
            let name = self.string()?;
            self.eat(b':')?;
            members.push((name, self.value(depth + 1)?));
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(Node::Object(members));
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Node<'a>> {
        self.at += 1;
        let mut items = Vec::new();
        if self.eat(b']').is_some() {
            return Some(Node::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(Node::Array(items));
            }
        }
    }

    fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        let start = self.at;
        // One search for the first byte that ends the plain run (most strings have no escapes).
        let run = self.bytes[start..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        self.at = start + run;
        match self.bytes[self.at] {
            b'"' => {
                self.at += 1;
                Some(Cow::Borrowed(&self.text[start..self.at - 1]))
            }
            b'\\' => self.escaped_string(start),
            _ => None,
        }
    }

    /// The rest of a string that holds escapes, from its start.
    fn escaped_string(&mut self, start: usize) -> Option<Cow<'a, str>> {
        let mut out = String::from(&self.text[start..self.at]);
        loop {
            match *self.bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let escape = *self.bytes.get(self.at + 1)?;
                    self.at += 2;
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                0x00..=0x1f => return None,
                _ => {
                    // Copy one whole UTF-8 character.
                    let ch = self.text[self.at..].chars().next()?;
                    out.push(ch);
                    self.at += ch.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at..self.at + 4)?;
        let value = u32::from_str_radix(digits, 16).ok().filter(|_| digits.bytes().all(|b| b.is_ascii_hexdigit()))?;
        self.at += 4;
        Some(value)
    }

    /// `\uXXXX`, joining a surrogate pair; a lone surrogate becomes U+FFFD, as JSON.parse keeps
    /// it as a string either way.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) && self.bytes[self.at..].starts_with(b"\\u") {
            let save = self.at;
            self.at += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                return char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00));
            }
            self.at = save;
        }
        Some(char::from_u32(first).unwrap_or('\u{fffd}'))
    }

    /// A JSON number: exact for integers below 2^53, within a few units in the last place
    /// between 10^-22 and 10^22, and within 1e-12 relative beyond; enough for the checks (which
    /// ask "a whole number?", "not negative?") without float parsing in the wasm.
    fn number(&mut self) -> Option<f64> {
        let negative = self.bytes[self.at] == b'-';
        if negative {
            self.at += 1;
        }
        let digits = |reader: &mut Self| {
            let from = reader.at;
            while reader.bytes.get(reader.at).is_some_and(u8::is_ascii_digit) {
                reader.at += 1;
            }
            &reader.text[from..reader.at]
        };
        let whole = digits(self);
        if whole.is_empty() || (whole.len() > 1 && whole.starts_with('0')) {
            return None;
        }
        let mut fraction = "";
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            fraction = digits(self);
            if fraction.is_empty() {
                return None;
            }
        }
        let mut exponent = 0i32;
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            let sign = match self.bytes.get(self.at) {
                Some(b'-') => {
                    self.at += 1;
                    -1
                }
                Some(b'+') => {
                    self.at += 1;
                    1
                }
                _ => 1,
            };
            let power = digits(self);
            if power.is_empty() {
                return None;
            }
            exponent = sign * power.bytes().take(4).fold(0i32, |n, b| n * 10 + i32::from(b - b'0'));
        }
        // Up to 19 significant digits go into an exact integer mantissa (trailing zeros of the
        // fraction add nothing); later digits only scale it. Integers below 2^53 come out exact.
        let fraction = fraction.trim_end_matches('0');
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
        let scale = exponent - fraction.len().min(i32::MAX as usize) as i32 + dropped;
        let mantissa = mantissa as f64;
        let value = match scale {
            0.. => mantissa * 10f64.powi(scale),
            // Dividing by an exact power of ten rounds once.
            -22..=-1 => mantissa / 10f64.powi(-scale),
            // Two steps below 1e-300, so values near the subnormal range do not flush to zero.
            ..-300 => mantissa * 10f64.powi(scale + 300) * 1e-300,
            _ => mantissa * 10f64.powi(scale),
        };
        Some(if negative { -value } else { value })
    }
}

impl<'a, 'n> JsonView for &'n Node<'a> {
    fn kind(&self) -> JsonKind {
        match self {
            Node::Null => JsonKind::Null,
            Node::Bool(_) => JsonKind::Bool,
            Node::Number(_) => JsonKind::Number,
            Node::Str(_) => JsonKind::String,
            Node::Array(_) => JsonKind::Array,
            Node::Object(_) => JsonKind::Object,
        }
    }

    fn string(&self) -> Option<String> {
        match self {
            Node::Str(s) => Some(s.to_string()),
            _ => None,
        }
    }

    fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Node::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            _ => None,
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Node::Number(n) => Some(*n),
            _ => None,
        }
    }

    fn boolean(&self) -> Option<bool> {
        match self {
            Node::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn field(&self, name: &str) -> Option<Self> {
        match self {
            // The last member of a name wins, as in JSON.parse.
            Node::Object(members) => members.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<String> {
        match self {
            Node::Object(members) => members.iter().map(|(n, _)| n.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    fn length(&self) -> usize {
        match self {
            Node::Array(items) => items.len(),
            _ => 0,
        }
    }

    fn item(&self, index: usize) -> Option<Self> {
        match self {
            Node::Array(items) => items.get(index),
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn parses_what_json_allows() {
        let node = parse(r#" {"a": [1, -2.5e2, true, false, null], "b": "x\"\u00e9\ud83d\ude00", "a": 7} "#).unwrap();
        let view = &node;
        assert_eq!(view.field("a").and_then(|a| a.number()), Some(7.0), "the last duplicate wins");
        assert_eq!(view.field("b").and_then(|b| b.string()).as_deref(), Some("x\"é😀"));
        let Node::Object(members) = &node else { panic!() };
        let Node::Array(items) = &members[0].1 else { panic!() };
        assert_eq!(items[1], Node::Number(-250.0));
        assert_eq!(parse("123456789012345").unwrap(), Node::Number(123_456_789_012_345.0));
        assert_eq!(parse("0.5").unwrap(), Node::Number(0.5));
        // Found by the property test: more than 17 digits once lost a factor of ten, and a
        // 16-digit integer written with ".0" came out inexact.
        assert_eq!(parse("5739597253441131.0").unwrap(), Node::Number(5_739_597_253_441_131.0));
        let Node::Number(n) = parse("0.10461221550366369").unwrap() else { panic!() };
        assert!((n - 0.104_612_215_503_663_69).abs() < 1e-15, "{n}");
        let Node::Number(n) = parse("123456789012345678901234").unwrap() else { panic!() };
        assert!((n / 1.234_567_890_123_456_8e23 - 1.0).abs() < 1e-12, "{n}");
    }

    #[test]
    fn refuses_what_json_does_not() {
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"\u{1}\"", "tru", "{a:1}", "[1] [2]", "\"\\x\"", "1e", "\"abc"] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert!(parse(&deep).is_none());
    }

    #[test]
    fn agrees_with_serde_json() {
        for sample in [
            r#"{"meta":{"offset":0,"limit":2,"count":1,"total_count":1},"data":[{"id":"9d95820d-4333-46b6-98de-04ab7512e76f","users":[]}]}"#,
            r#"[{"x": "\/\b\f\n\r\t"}, 1E+2, 3e-2, -7]"#,
        ] {
            let theirs: serde_json::Value = serde_json::from_str(sample).unwrap();
            assert!(same(&parse(sample).unwrap(), &theirs), "{sample}");
        }
    }

    fn b_extreme(b: &serde_json::Number) -> bool {
        b.as_f64().is_some_and(|b| b != 0.0 && !(1e-22..=1e22).contains(&b.abs()))
    }

    /// Whether a node equals a serde_json value (numbers compared as f64).
    pub(crate) fn same(node: &Node<'_>, value: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (node, value) {
            (Node::Null, Value::Null) => true,
            (Node::Bool(a), Value::Bool(b)) => a == b,
            // Within a few units in the last place: serde_json's own float parsing (without its
            // float_roundtrip feature) can be one off, so exact equality would test serde_json.
            (Node::Number(a), Value::Number(b)) => {
                // Beyond 10^±22, powers of ten are not exact in f64 and `powi` adds error.
                let tolerance = if b_extreme(b) { 1e-12 } else { 4.0 * f64::EPSILON };
                b.as_f64().is_some_and(|b| (a - b).abs() <= b.abs() * tolerance || (a.abs() < 1e-290 && b.abs() < 1e-290))
            }
            (Node::Str(a), Value::String(b)) => a == b,
            (Node::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
            (Node::Object(a), Value::Object(b)) => {
                let view = node;
                a.len() >= b.len() && b.iter().all(|(k, v)| view.field(k).is_some_and(|mine| same(mine, v)))
            }
            _ => false,
        }
    }
}
