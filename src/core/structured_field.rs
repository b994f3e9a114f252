//! Structured-field dictionaries (RFC 8941) as far as the signature headers use them: members that
//! are items or inner lists, with parameters. The whole field is checked; what is kept is flat,
//! each bare item as written (decoded only when read, by [`string`], [`integer`] and [`bytes`]),
//! and each member's text as written, which a signature base's `@signature-params` line must
//! repeat exactly. Anything else, or anything malformed, is no dictionary (`None`): the caller
//! refuses it as a whole. Flat and borrowed, so that the client's wasm carries little for it.

/// What an [`Entry`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A dictionary member: `key`, and as `value` its text after `=` (empty for a bare key,
    /// which is `true`).
    Member,
    /// An item of the member's inner list (`key` empty).
    Item,
    /// A parameter of the item before it.
    ItemParameter,
    /// A parameter of the member (of its item, or of its inner list).
    MemberParameter,
}

/// One part of a dictionary, in the order written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// What it is.
    pub kind: Kind,
    /// The member's or parameter's key.
    pub key: &'a str,
    /// The bare item as written (`"a\"b"`, `12`, `:AQID:`, `?1`, `token`; empty for a bare key or
    /// parameter, `true`); for a member, its whole text.
    pub value: &'a str,
}

/// A dictionary's entries, or `None` when `field` (already trimmed, as HTTP gives a value) is
/// not one.
pub fn parse(field: &str) -> Option<Vec<Entry<'_>>> {
    let mut parser = Parser { field, at: 0, entries: Vec::new() };
    parser.skip(SPACE);
    loop {
        let key = parser.key()?;
        let member = parser.entries.len();
        parser.entries.push(Entry { kind: Kind::Member, key, value: "" });
        if parser.eat(b'=') {
            let start = parser.at;
            if parser.eat(b'(') {
                parser.inner_list()?;
            } else {
                parser.bare_item(Kind::Item, "")?;
            }
            parser.params(Kind::MemberParameter)?;
            parser.entries[member].value = &field[start..parser.at];
        } else {
            parser.params(Kind::MemberParameter)?;
        }
        parser.skip(OWS);
        if parser.at == field.len() {
            return Some(parser.entries);
        }
        if !parser.eat(b',') {
            return None;
        }
        parser.skip(OWS);
        if parser.at == field.len() {
            return None;
        }
    }
}

/// The last member of `key` and the entries after it up to the next member (its items and
/// parameters), when there is one.
pub fn member<'e, 'a>(entries: &'e [Entry<'a>], key: &str) -> Option<(&'e Entry<'a>, &'e [Entry<'a>])> {
    let at = entries.iter().rposition(|e| e.kind == Kind::Member && e.key == key)?;
    let rest = &entries[at + 1..];
    let end = rest.iter().position(|e| e.kind == Kind::Member).unwrap_or(rest.len());
    Some((&entries[at], &rest[..end]))
}

/// The last parameter of a member of `name` (`parts` as [`member`] gives them).
pub fn member_parameter<'a>(parts: &[Entry<'a>], name: &str) -> Option<&'a str> {
    parts.iter().rev().find(|e| e.kind == Kind::MemberParameter && e.key == name).map(|e| e.value)
}

/// A string item's text, unescaped.
pub fn string(item: &str) -> Option<String> {
    let inner = item.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut escaped = false;
    for b in inner.bytes() {
        if b == b'\\' && !escaped {
            escaped = true;
        } else {
            out.push(char::from(b));
            escaped = false;
        }
    }
    Some(out)
}

/// An integer item's value.
pub fn integer(item: &str) -> Option<i64> {
    if item.bytes().any(|b| b == b'.') {
        return None;
    }
    super::text::parse_signed(item)
}

/// A byte-sequence item's bytes.
pub fn bytes(item: &str) -> Option<Vec<u8>> {
    from_base64(item.strip_prefix(':')?.strip_suffix(':')?)
}

/// Byte classes, a bit each: one table and one scan where a closure per class was a function of
/// its own in the wasm.
const DIGIT: u8 = 1;
/// `[a-z*]`, a key's first byte.
const KEY_START: u8 = 2;
/// `[a-z0-9_\-.*]`
const KEY: u8 = 4;
/// A token's bytes: `tchar`, `:` and `/`.
const TOKEN: u8 = 8;
/// Base64's alphabet and `=`.
const BASE64: u8 = 16;
const SPACE: u8 = 32;
/// A space or a tab.
const OWS: u8 = 64;

static CLASSES: [u8; 128] = classes();

const fn classes() -> [u8; 128] {
    let mut table = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        let (digit, lower, alpha) = (b.is_ascii_digit(), b.is_ascii_lowercase(), b.is_ascii_alphabetic());
        let mut class = 0;
        if digit {
            class |= DIGIT;
        }
        if lower || b == b'*' {
            class |= KEY_START;
        }
        if lower || digit || matches!(b, b'_' | b'-' | b'.' | b'*') {
            class |= KEY;
        }
        if alpha || digit || matches!(b, b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' | b':' | b'/') {
            class |= TOKEN;
        }
        if alpha || digit || matches!(b, b'+' | b'/' | b'=') {
            class |= BASE64;
        }
        if b == b' ' {
            class |= SPACE | OWS;
        }
        if b == b'\t' {
            class |= OWS;
        }
        table[i] = class;
        i += 1;
    }
    table
}

/// Whether a byte is of a class.
fn is(b: u8, class: u8) -> bool {
    CLASSES.get(usize::from(b)).is_some_and(|c| c & class != 0)
}

struct Parser<'a> {
    field: &'a str,
    at: usize,
    entries: Vec<Entry<'a>>,
}

impl<'a> Parser<'a> {
    /// The byte at hand; 0 past the end (which nothing takes, as it takes no NUL).
    fn peek(&self) -> u8 {
        self.field.as_bytes().get(self.at).copied().unwrap_or(0)
    }

    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == b;
        self.at += usize::from(found);
        found
    }

    /// Moves past the bytes of a class; returns how many.
    fn skip(&mut self, class: u8) -> usize {
        let start = self.at;
        while is(self.peek(), class) {
            self.at += 1;
        }
        self.at - start
    }

    /// `[a-z*][a-z0-9_\-.*]*`
    fn key(&mut self) -> Option<&'a str> {
        let start = self.at;
        if !is(self.peek(), KEY_START) {
            return None;
        }
        self.skip(KEY);
        Some(&self.field[start..self.at])
    }

    /// A bare item, checked and kept as written.
    fn bare_item(&mut self, kind: Kind, key: &'a str) -> Option<()> {
        let start = self.at;
        let valid = match self.peek() {
            b'"' => loop {
                self.at += 1;
                match self.peek() {
                    b'"' => {
                        self.at += 1;
                        break true;
                    }
                    b'\\' => {
                        self.at += 1;
                        if !matches!(self.peek(), b'"' | b'\\') {
                            break false;
                        }
                    }
                    0x20..=0x7e => {}
                    _ => break false,
                }
            },
            b'-' | b'0'..=b'9' => {
                self.eat(b'-');
                let digits = self.skip(DIGIT);
                (1..=15).contains(&digits) && (!self.eat(b'.') || (1..=3).contains(&self.skip(DIGIT)))
            }
            b':' => {
                self.at += 1;
                let from = self.at;
                self.skip(BASE64);
                let text = &self.field[from..self.at];
                self.eat(b':') && from_base64(text).is_some()
            }
            b'?' => {
                self.at += 2;
                matches!(self.field.as_bytes().get(self.at - 1), Some(b'0' | b'1'))
            }
            b if b.is_ascii_alphabetic() || b == b'*' => {
                self.skip(TOKEN);
                true
            }
            _ => false,
        };
        if !valid {
            return None;
        }
        self.entries.push(Entry { kind, key, value: &self.field[start..self.at] });
        Some(())
    }

    fn params(&mut self, kind: Kind) -> Option<()> {
        while self.eat(b';') {
            self.skip(SPACE);
            let key = self.key()?;
            if self.eat(b'=') {
                self.bare_item(kind, key)?;
            } else {
                self.entries.push(Entry { kind, key, value: "" });
            }
        }
        Some(())
    }

    /// After `(`: items and their parameters up to `)`.
    fn inner_list(&mut self) -> Option<()> {
        loop {
            self.skip(SPACE);
            if self.eat(b')') {
                return Some(());
            }
            self.bare_item(Kind::Item, "")?;
            self.params(Kind::ItemParameter)?;
            if !matches!(self.peek(), b' ' | b')') {
                return None;
            }
        }
    }
}

/// Standard base64 as a byte sequence holds it, read as `atob` reads it: padding optional, bits
/// past the last whole byte ignored.
fn from_base64(text: &str) -> Option<Vec<u8>> {
    let mut unpadded = text.as_bytes();
    if unpadded.len() % 4 == 0 {
        // Up to two `=`.
        for _ in 0..2 {
            if let [rest @ .., b'='] = unpadded {
                unpadded = rest;
            }
        }
    }
    if unpadded.len() % 4 == 1 {
        return None;
    }
    let mut bytes = Vec::with_capacity(unpadded.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0);
    for &b in unpadded {
        let sextet = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(sextet);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
        }
    }
    Some(bytes)
}

#[cfg(test)]
mod tests;
