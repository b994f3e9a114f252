//! Structured-field dictionaries (RFC 8941) as far as the signature headers use them: members that
//! are items or inner lists, with parameters. Each member keeps its text as written (after `=`),
//! which a signature base's `@signature-params` line must repeat exactly. Anything else, or
//! anything malformed, is no dictionary (`None`): the caller refuses it as a whole.

/// A bare item's value. A decimal keeps its text: nothing here computes with one. (As the
/// webhook verifier's JavaScript parser did, a decimal may have up to 15 integer digits.)
#[derive(Debug, Clone, PartialEq)]
pub enum BareItem {
    /// `"text"`, unescaped.
    String(String),
    /// `token`.
    Token(String),
    /// An integer of up to 15 digits.
    Integer(i64),
    /// A decimal, as written.
    Decimal(String),
    /// `:base64:`, decoded.
    Bytes(Vec<u8>),
    /// `?0`, `?1`, or a bare key or parameter (`true`).
    Boolean(bool),
}

/// Parameters in the order written; a name given twice has its last value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parameters(pub Vec<(String, BareItem)>);

impl Parameters {
    /// The value of a parameter.
    pub fn get(&self, name: &str) -> Option<&BareItem> {
        self.0.iter().rev().find(|(n, _)| n == name).map(|(_, value)| value)
    }

    /// The parameter's value when it is a string.
    pub fn string(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            BareItem::String(s) => Some(s),
            _ => None,
        }
    }

    /// The parameter's value when it is an integer.
    pub fn integer(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            BareItem::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The names given, each once, in the order first written.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::with_capacity(self.0.len());
        for (name, _) in &self.0 {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        names
    }
}

/// An item with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The item's value.
    pub value: BareItem,
    /// Its parameters.
    pub params: Parameters,
}

/// A dictionary member's value: an item, or an inner list with the list's parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An item.
    Item(Item),
    /// `(item item …)` and the list's parameters.
    InnerList(Vec<Item>, Parameters),
}

/// A dictionary member: its value, and its text as written (none for a bare key, `true`).
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    /// What the member holds.
    pub value: Value,
    /// The member's text after `=`.
    pub text: Option<&'a str>,
}

/// A dictionary, its members in the order written; a key given twice has its last member.
#[derive(Debug, Clone, PartialEq)]
pub struct Dictionary<'a>(pub Vec<(&'a str, Member<'a>)>);

impl<'a> Dictionary<'a> {
    /// Reads a field value (already trimmed of surrounding whitespace, as HTTP gives it), or
    /// `None` when it is not such a dictionary.
    pub fn parse(field: &'a str) -> Option<Dictionary<'a>> {
        let mut parser = Parser { field, at: 0 };
        let mut members = Vec::new();
        parser.skip(|b| b == b' ');
        loop {
            let key = parser.key()?;
            let member = if parser.eat(b'=') {
                let start = parser.at;
                let value = if parser.peek() == Some(b'(') { parser.inner_list()? } else { Value::Item(parser.item()?) };
                Member { value, text: Some(&field[start..parser.at]) }
            } else {
                Member { value: Value::Item(Item { value: BareItem::Boolean(true), params: parser.params()? }), text: None }
            };
            members.push((key, member));
            parser.skip(|b| b == b' ' || b == b'\t');
            if parser.at == field.len() {
                return Some(Dictionary(members));
            }
            if !parser.eat(b',') {
                return None;
            }
            parser.skip(|b| b == b' ' || b == b'\t');
            if parser.at == field.len() {
                return None;
            }
        }
    }

    /// The member of a key.
    pub fn get(&self, key: &str) -> Option<&Member<'a>> {
        self.0.iter().rev().find(|(k, _)| *k == key).map(|(_, member)| member)
    }
}

struct Parser<'a> {
    field: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.field.as_bytes().get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        self.at += usize::from(found);
        found
    }

    /// Moves past the bytes that `matches`; returns what it passed.
    fn skip(&mut self, matches: impl Fn(u8) -> bool) -> &'a str {
        let start = self.at;
        while self.peek().is_some_and(&matches) {
            self.at += 1;
        }
        &self.field[start..self.at]
    }

    /// `[a-z*][a-z0-9_\-.*]*`
    fn key(&mut self) -> Option<&'a str> {
        if !self.peek().is_some_and(|b| b.is_ascii_lowercase() || b == b'*') {
            return None;
        }
        Some(self.skip(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.' | b'*')))
    }

    fn bare_item(&mut self) -> Option<BareItem> {
        match self.peek()? {
            b'"' => {
                self.at += 1;
                let mut value = String::new();
                loop {
                    match self.peek()? {
                        b'"' => break,
                        b'\\' => {
                            self.at += 1;
                            let escaped = self.peek().filter(|b| matches!(b, b'"' | b'\\'))?;
                            value.push(char::from(escaped));
                        }
                        b @ 0x20..=0x7e => value.push(char::from(b)),
                        _ => return None,
                    }
                    self.at += 1;
                }
                self.at += 1;
                Some(BareItem::String(value))
            }
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                self.eat(b'-');
                let digits = self.skip(|b| b.is_ascii_digit()).len();
                if digits == 0 || digits > 15 {
                    return None;
                }
                if self.eat(b'.') {
                    let fraction = self.skip(|b| b.is_ascii_digit()).len();
                    if !(1..=3).contains(&fraction) {
                        return None;
                    }
                    return Some(BareItem::Decimal(self.field[start..self.at].to_owned()));
                }
                super::text::parse_signed(&self.field[start..self.at]).map(BareItem::Integer)
            }
            b':' => {
                self.at += 1;
                let text = self.skip(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
                if !self.eat(b':') {
                    return None;
                }
                from_base64(text).map(BareItem::Bytes)
            }
            b'?' => {
                self.at += 1;
                let value = self.peek().filter(|b| matches!(b, b'0' | b'1'))?;
                self.at += 1;
                Some(BareItem::Boolean(value == b'1'))
            }
            b if b.is_ascii_alphabetic() || b == b'*' => {
                let token = self.skip(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&b));
                Some(BareItem::Token(token.to_owned()))
            }
            _ => None,
        }
    }

    fn params(&mut self) -> Option<Parameters> {
        let mut params = Vec::new();
        while self.eat(b';') {
            self.skip(|b| b == b' ');
            let key = self.key()?.to_owned();
            let value = if self.eat(b'=') { self.bare_item()? } else { BareItem::Boolean(true) };
            params.push((key, value));
        }
        Some(Parameters(params))
    }

    fn item(&mut self) -> Option<Item> {
        Some(Item { value: self.bare_item()?, params: self.params()? })
    }

    fn inner_list(&mut self) -> Option<Value> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.skip(|b| b == b' ');
            if self.eat(b')') {
                return Some(Value::InnerList(items, self.params()?));
            }
            items.push(self.item()?);
            if !matches!(self.peek(), Some(b' ' | b')')) {
                return None;
            }
        }
    }
}

/// Standard base64 as a byte sequence holds it, read as `atob` reads it: padding optional, bits
/// past the last whole byte ignored.
fn from_base64(text: &str) -> Option<Vec<u8>> {
    let unpadded = if text.len() % 4 == 0 { text.strip_suffix("==").or_else(|| text.strip_suffix('=')).unwrap_or(text) } else { text };
    if unpadded.len() % 4 == 1 {
        return None;
    }
    let mut bytes = Vec::with_capacity(unpadded.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0);
    for b in unpadded.bytes() {
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
mod tests {
    use super::*;

    fn item(value: BareItem) -> Item {
        Item { value, params: Parameters::default() }
    }

    #[test]
    fn reads_members_with_their_text_as_written() {
        let field = r#"sig0=:AA==:, sig1=("@method" "@path";x);keyid="k";created=-2;n=1.5;t=tok:en/x;b;f=?0,  flag;p=1"#;
        let dictionary = Dictionary::parse(field).unwrap();
        assert_eq!(dictionary.0.iter().map(|(k, _)| *k).collect::<Vec<_>>(), ["sig0", "sig1", "flag"]);
        assert_eq!(dictionary.get("sig0").unwrap().value, Value::Item(item(BareItem::Bytes(vec![0]))));
        let sig1 = dictionary.get("sig1").unwrap();
        assert_eq!(sig1.text, Some(r#"("@method" "@path";x);keyid="k";created=-2;n=1.5;t=tok:en/x;b;f=?0"#));
        let Value::InnerList(items, params) = &sig1.value else { panic!("an inner list") };
        assert_eq!(items[0], item(BareItem::String("@method".into())));
        assert_eq!(items[1].params.get("x"), Some(&BareItem::Boolean(true)));
        assert_eq!((params.string("keyid"), params.integer("created")), (Some("k"), Some(-2)));
        assert_eq!(params.get("n"), Some(&BareItem::Decimal("1.5".into())));
        assert_eq!(params.get("t"), Some(&BareItem::Token("tok:en/x".into())));
        assert_eq!((params.get("b"), params.get("f")), (Some(&BareItem::Boolean(true)), Some(&BareItem::Boolean(false))));
        assert_eq!(params.names(), ["keyid", "created", "n", "t", "b", "f"]);
        let flag = dictionary.get("flag").unwrap();
        assert_eq!(
            (flag.text, flag.value.clone()),
            (None, Value::Item(Item { value: BareItem::Boolean(true), params: Parameters(vec![("p".into(), BareItem::Integer(1))]) }))
        );
    }

    #[test]
    fn the_last_of_a_key_counts_and_strings_unescape() {
        let dictionary = Dictionary::parse(r#"a=1;p=1;p="x\"y\\", a=2"#).unwrap();
        assert_eq!(dictionary.get("a").unwrap().value, Value::Item(item(BareItem::Integer(2))));
        let first = &dictionary.0[0].1.value;
        let Value::Item(Item { params, .. }) = first else { panic!() };
        assert_eq!(params.string("p"), Some("x\"y\\"));
        assert_eq!(Dictionary::parse("a=()").unwrap().get("a").unwrap().value, Value::InnerList(vec![], Parameters::default()));
        assert_eq!(Dictionary::parse("a=( 1  2 )").unwrap().get("a").unwrap().text, Some("( 1  2 )"));
    }

    #[test]
    fn refuses_what_is_no_dictionary() {
        for field in [
            "",
            " ",
            "A=1",
            "a=1,",
            "a=1, ",
            "a=1;",
            "a=1 b=2",
            "a=(1",
            "a=(1)x",
            "a=(1,2)",
            "a=\"unterminated",
            "a=\"bad\\escape\"",
            "a=\"tab\there\"",
            "a=\"é\"",
            "a=1234567890123456",
            "a=1.2345",
            "a=-",
            "a=1.",
            "a=:AAA",
            "a=:A:",
            "a=:A=AA:",
            "a=:AA-A:",
            "a=?2",
            "a=@",
            "a=1;P=2",
            "a=1\t,b=2\u{0}",
        ] {
            assert_eq!(Dictionary::parse(field), None, "{field:?}");
        }
        // Bare keys, whitespace around commas, and unpadded base64 are fine.
        assert!(Dictionary::parse("a, b;c\t,\td=:AQ:").is_some());
        assert_eq!(Dictionary::parse("d=:AQID:").unwrap().get("d").unwrap().value, Value::Item(item(BareItem::Bytes(vec![1, 2, 3]))));
        assert_eq!(from_base64("Zm9vYmE"), Some(b"fooba".to_vec()));
        assert_eq!(from_base64("Zm9vYmE="), Some(b"fooba".to_vec()));
        assert_eq!(from_base64("Zm9vYg=="), Some(b"foob".to_vec()));
    }

    #[test]
    fn survives_hostile_input() {
        let deep = "a=".to_owned() + &"(".repeat(10_000);
        assert_eq!(Dictionary::parse(&deep), None);
        let long = "a=(".to_owned() + &"\"x\" ".repeat(10_000) + ")";
        let Value::InnerList(items, _) = Dictionary::parse(&long).unwrap().get("a").unwrap().value.clone() else { panic!() };
        assert_eq!(items.len(), 10_000);
        for field in ["a=\"\\", "a=:", "a=?", "a=(\"x\";", "a=1;b=", "\u{10ffff}", "a=\"x\"\u{0301}"] {
            assert_eq!(Dictionary::parse(field), None, "{field:?}");
        }
    }
}
