//! The quick check of a group or a page: one pass over the body's bytes that reads and checks at
//! once, keeping nothing (no entries, no lookups by name). It answers only "certainly valid":
//! anything it is not sure of (an escape in a member's name or in a value it compares or checks,
//! a duplicate checked member, a counter that is not plain digits, a fault) it leaves to the full
//! reader and checks (`json_text`, `response`), which decide and name the fault. So it changes no
//! verdict and no message; it is only the common case made cheap (a page of 1000 groups is about
//! 320 KB). The members it looks for, and which a group must have, are `upvest-api`'s field
//! tables, read at compile time.
//!
//! It is a crate of its own so that it can be built for speed while the rest of the client's
//! wasm is built for size: `Cargo.toml`'s `wasm-release` profile gives this crate opt-level 2
//! and the others "z" (see the README's Size decision for the figures).
#![deny(missing_docs)]

pub mod lex;
pub mod shapes;

use lex::{number_end, plain_run_end, space_end, MAX_DEPTH};
use shapes::{is_rfc3339_bytes, is_uuid_quick};
use upvest_api::{
    AccountGroupList, AccountGroupUser, BusinessAccountGroup, BusinessAccountGroupType, ListMeta, UserAccountGroup, WireField,
};

/// What a body should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One account group.
    Group,
    /// A page of account groups.
    Page,
}

const BUSINESS_GROUP_TYPE: &str = BusinessAccountGroupType::Business.as_str();

/// Whether `bytes` (without a byte-order mark) are certainly a body that the contract allows for
/// `shape`. `false` means "not sure", never "invalid".
pub fn certainly_valid(shape: Shape, bytes: &[u8]) -> bool {
    let mut scan = Scan { bytes, at: 0 };
    let checked = match shape {
        Shape::Group => scan.group(0),
        Shape::Page => scan.page(),
    };
    checked.is_some() && {
        scan.space();
        scan.at == bytes.len()
    }
}

/// A group's members that are checked, in the order of their bits below.
const GROUP_MEMBERS: [&[u8]; 8] = [
    UserAccountGroup::id.as_bytes(),
    UserAccountGroup::created_at.as_bytes(),
    UserAccountGroup::updated_at.as_bytes(),
    UserAccountGroup::r#type.as_bytes(),
    UserAccountGroup::status.as_bytes(),
    UserAccountGroup::securities_account_number.as_bytes(),
    BusinessAccountGroup::business_id.as_bytes(),
    UserAccountGroup::users.as_bytes(),
];
const TYPE: u16 = 1 << 3;
const BUSINESS_ID: u16 = 1 << 6;
const USERS: u16 = 1 << 7;
/// The members a user group and a business group must have, as their field tables say.
const USER_REQUIRED: u16 = required_members(UserAccountGroup::FIELDS);
const BUSINESS_REQUIRED: u16 = required_members(BusinessAccountGroup::FIELDS);
/// `meta`'s counters; `count` is the number of groups in `data`.
const COUNTERS: [&[u8]; 4] =
    [ListMeta::offset.as_bytes(), ListMeta::limit.as_bytes(), ListMeta::count.as_bytes(), ListMeta::total_count.as_bytes()];
const COUNT: usize = 2;
const META: &[u8] = AccountGroupList::meta.as_bytes();
const DATA: &[u8] = AccountGroupList::data.as_bytes();
const USER_ID: &[u8] = AccountGroupUser::id.as_bytes();
const USER_TYPE: &[u8] = AccountGroupUser::r#type.as_bytes();

/// The bits of `GROUP_MEMBERS` that an object's table lists as required.
const fn required_members(fields: &[WireField]) -> u16 {
    let mut bits = 0;
    let mut i = 0;
    while i < fields.len() {
        let mut bit = 0;
        while bit < GROUP_MEMBERS.len() {
            if !fields[i].optional && same_bytes(fields[i].name.as_bytes(), GROUP_MEMBERS[bit]) {
                bits |= 1 << bit;
            }
            bit += 1;
        }
        i += 1;
    }
    bits
}

const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `None` throughout means "not sure".
struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

// In wasm every step of the scan is compiled with `simd128`, as the string and UUID scans are:
// a function may only be inlined into one that has its target features, so without it each
// string's sixteen-byte scan was a call (9% of the page's check, measured).
impl<'a> Scan<'a> {
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn space(&mut self) {
        self.at = space_end(self.bytes, self.at);
    }

    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        let found = self.bytes.get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    /// A string without escapes; its content (names, and values that are compared or checked).
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn string(&mut self) -> Option<&'a [u8]> {
        self.space();
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at + 1;
        let end = plain_run_end(self.bytes, start)?;
        (self.bytes[end] == b'"').then(|| {
            self.at = end + 1;
            &self.bytes[start..end]
        })
    }

    /// Any string, escapes included (servers may escape `/`, `&` or every non-ASCII character):
    /// only its grammar is checked, as nothing reads its value.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn any_string(&mut self) -> Option<()> {
        self.space();
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let mut at = self.at + 1;
        loop {
            at = plain_run_end(self.bytes, at)?;
            match self.bytes[at] {
                b'"' => break,
                b'\\' => {
                    at += match *self.bytes.get(at + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                        b'u' if self.bytes.get(at + 2..at + 6)?.iter().all(u8::is_ascii_hexdigit) => 6,
                        _ => return None,
                    };
                }
                _ => return None,
            }
        }
        self.at = at + 1;
        Some(())
    }

    /// A UUID string: its 36 characters are checked where they stand, without looking for the
    /// closing quote first (a page is one third UUIDs).
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn uuid(&mut self) -> Option<()> {
        self.space();
        let quoted: &[u8; 38] = self.bytes.get(self.at..self.at + 38)?.try_into().ok()?;
        let (open, rest) = quoted.split_first()?;
        let (uuid, close) = rest.split_at(36);
        (*open == b'"' && close[0] == b'"' && is_uuid_quick(uuid.try_into().ok()?)).then(|| self.at += 38)
    }

    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn timestamp(&mut self) -> Option<()> {
        is_rfc3339_bytes(self.string()?).then_some(())
    }

    /// A whole number written as plain digits (as every counter is), up to 15 of them.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn counter(&mut self) -> Option<u64> {
        self.space();
        let digits = self.bytes[self.at..].iter().take_while(|b| b.is_ascii_digit()).count();
        let text = &self.bytes[self.at..self.at + digits];
        if digits == 0 || digits > 15 || (digits > 1 && text[0] == b'0') {
            return None;
        }
        self.at += digits;
        Some(text.iter().fold(0, |n, b| n * 10 + u64::from(b - b'0')))
    }

    /// The next member's name of an object whose `{` is read when `first`; `None` inside once
    /// the object is closed.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn member(&mut self, first: &mut bool) -> Option<Option<&'a [u8]>> {
        if std::mem::take(first) {
            if !self.eat(b'{') {
                return None;
            }
            if self.eat(b'}') {
                return Some(None);
            }
        } else if !self.eat(b',') {
            return self.eat(b'}').then_some(None);
        }
        let name = self.string()?;
        self.eat(b':').then_some(Some(name))
    }

    /// Whether an array whose `[` is read when `first` has another item.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn item(&mut self, first: &mut bool) -> Option<bool> {
        if std::mem::take(first) {
            if !self.eat(b'[') {
                return None;
            }
            return Some(!self.eat(b']'));
        }
        if self.eat(b',') {
            return Some(true);
        }
        self.eat(b']').then_some(false)
    }

    /// Any value, checked as JSON only.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.space();
        let mut first = true;
        match *self.bytes.get(self.at)? {
            b'{' => {
                while self.member(&mut first)?.is_some() {
                    self.skip(depth + 1)?;
                }
            }
            b'[' => {
                while self.item(&mut first)? {
                    self.skip(depth + 1)?;
                }
            }
            b'"' => self.any_string()?,
            b't' => self.word(b"true")?,
            b'f' => self.word(b"false")?,
            b'n' => self.word(b"null")?,
            b'-' | b'0'..=b'9' => self.at = number_end(self.bytes, self.at)?,
            _ => return None,
        }
        Some(())
    }

    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn word(&mut self, word: &[u8]) -> Option<()> {
        self.bytes[self.at..].starts_with(word).then(|| self.at += word.len())
    }

    /// A page: `meta` with its four counters, `data` with `meta.count` groups.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn page(&mut self) -> Option<()> {
        let (mut count, mut held) = (None, None);
        let mut first = true;
        while let Some(name) = self.member(&mut first)? {
            match name {
                META if count.is_none() => count = Some(self.meta()?),
                DATA if held.is_none() => {
                    let (mut items, mut first) = (0u64, true);
                    while self.item(&mut first)? {
                        self.group(2)?;
                        items += 1;
                    }
                    held = Some(items);
                }
                META | DATA => return None,
                _ => self.skip(1)?,
            }
        }
        (count? == held?).then_some(())
    }

    /// `meta`: its `count`, once the four counters are found whole numbers.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn meta(&mut self) -> Option<u64> {
        let mut counters = [None; 4];
        let mut first = true;
        while let Some(name) = self.member(&mut first)? {
            match COUNTERS.iter().position(|counter| *counter == name) {
                Some(slot) if counters[slot].is_none() => counters[slot] = Some(self.counter()?),
                Some(_) => return None,
                None => self.skip(2)?,
            }
        }
        counters.iter().all(Option::is_some).then_some(counters[COUNT]?)
    }

    /// A group at `depth`, as `response::check_group` checks it.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn group(&mut self, depth: usize) -> Option<()> {
        let (mut seen, mut business, mut first) = (0u16, false, true);
        while let Some(name) = self.member(&mut first)? {
            let Some(index) = GROUP_MEMBERS.iter().position(|member| *member == name) else {
                self.skip(depth + 1)?;
                continue;
            };
            let bit = 1 << index;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            match bit {
                BUSINESS_ID => self.uuid()?,
                USERS => self.users(depth + 1)?,
                TYPE => business = self.string()? == BUSINESS_GROUP_TYPE.as_bytes(),
                _ => match index {
                    0 => self.uuid()?,
                    1 | 2 => self.timestamp()?,
                    _ => self.any_string()?,
                },
            }
        }
        let required = if business || seen & BUSINESS_ID != 0 { BUSINESS_REQUIRED } else { USER_REQUIRED };
        (seen & required == required).then_some(())
    }

    /// A user group's `users` (at `depth`): each an object whose `id` is a UUID and whose
    /// `type` is a string, where present.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn users(&mut self, depth: usize) -> Option<()> {
        let mut first_user = true;
        while self.item(&mut first_user)? {
            let (mut id, mut kind, mut first) = (false, false, true);
            while let Some(name) = self.member(&mut first)? {
                match name {
                    USER_ID if !id => {
                        id = true;
                        self.uuid()?;
                    }
                    USER_TYPE if !kind => {
                        kind = true;
                        self.any_string()?;
                    }
                    USER_ID | USER_TYPE => return None,
                    _ => self.skip(depth + 2)?,
                }
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Whether the full check agrees is tested where it lives (the client's
    // `core::quick_check_agreement` and its fuzz test); here, the scan's own decisions.
    const GROUP: &str = r#"{"id":"9d95820d-4333-46b6-98de-04ab7512e76f","created_at":"2020-08-24T14:15:22Z","updated_at":"2020-08-24T14:15:22Z","type":"PERSONAL","status":"ACTIVE","users":[{"id":"413715f2-5401-4b97-8055-034a6b879f8c","type":"OWNER"}],"securities_account_number":"123456789"}"#;

    #[test]
    fn is_sure_of_a_group_and_a_page_of_them() {
        assert!(certainly_valid(Shape::Group, GROUP.as_bytes()));
        let page = format!(r#"{{"meta":{{"offset":0,"limit":2,"count":2,"total_count":9}},"data":[{GROUP},{GROUP}]}}"#);
        assert!(certainly_valid(Shape::Page, page.as_bytes()));
        assert!(!certainly_valid(Shape::Group, page.as_bytes()), "a page is not a group");
    }

    #[test]
    fn requires_the_members_the_field_tables_require() {
        // `response::check_group` requires the same: the six every group has, then its owner.
        const COMMON: u16 = (1 << 6) - 1;
        assert_eq!((USER_REQUIRED, BUSINESS_REQUIRED), (COMMON | USERS, COMMON | BUSINESS_ID));
    }

    #[test]
    fn is_unsure_of_a_missing_member_a_wrong_count_and_trailing_bytes() {
        assert!(!certainly_valid(Shape::Group, GROUP.replace(r#""status":"ACTIVE","#, "").as_bytes()));
        let page = format!(r#"{{"meta":{{"offset":0,"limit":2,"count":3,"total_count":9}},"data":[{GROUP},{GROUP}]}}"#);
        assert!(!certainly_valid(Shape::Page, page.as_bytes()));
        assert!(!certainly_valid(Shape::Group, format!("{GROUP}}}").as_bytes()));
    }
}
