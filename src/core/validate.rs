//! Rules for single values, shared by every operation's input checks.

use super::error::{InputCode, InvalidInput};
use super::json::{JsonKind, JsonView};
use super::text::{bool_text, cat, decimal, join, padded_decimal, trim_end_ascii};
use upvest_quick_check::shapes::is_uuid_bytes;

/// How much of a rejected value an error message quotes.
const QUOTE_LIMIT: usize = 40;

/// The value as an error message shows it: strings quoted and cut short, other kinds named.
pub fn describe<V: JsonView>(value: &V) -> String {
    match (value.kind(), value.string(), value.number()) {
        (JsonKind::String, Some(s), _) => quote(&s),
        (JsonKind::Number, _, Some(n)) => number_text(n),
        (JsonKind::Bool, _, _) => bool_text(value.boolean().unwrap_or_default()).to_owned(),
        (kind, _, _) => kind.describe().to_owned(),
    }
}

/// A string as messages quote it: in double quotes, cut short when long, control characters
/// replaced. (Hand-written rather than `{:?}`, whose escaping tables would weigh on the wasm.)
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(QUOTE_LIMIT * 4) + 4);
    out.push('"');
    for (i, c) in s.chars().enumerate() {
        if i == QUOTE_LIMIT {
            out.push_str("\"…");
            return out;
        }
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as messages show it: whole numbers without a fraction, others to six decimals.
/// (Rust's float formatting would add some 15 KB to the wasm for these messages alone.)
pub fn number_text(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_owned();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if n.abs() >= 9.0e15 {
        return "a number too large to show".to_owned();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    // The whole part and the millionths apart: millionths of the whole would pass u64::MAX from
    // about 1.8e13 (a `total_count` of 1e15 read as 18446744073709.551615).
    let abs = n.abs();
    let (mut whole, mut fraction) = (abs.trunc() as u64, ((abs - abs.trunc()) * 1e6).round() as u64);
    if fraction == 1_000_000 {
        (whole, fraction) = (whole + 1, 0);
    }
    if fraction == 0 {
        cat!(sign, decimal(whole))
    } else {
        cat!(sign, decimal(whole), ".", trim_end_ascii(&padded_decimal(fraction, 6), b'0'))
    }
}

/// A UUID in its canonical 8-4-4-4-12 form (either case) and nothing else, so that a value put
/// into a URL path can never carry `/`, `?` or `..`; lower-cased, as the API writes ids.
pub fn parse_uuid(text: &str) -> Option<String> {
    is_uuid(text).then(|| text.to_ascii_lowercase())
}

/// The version of a UUID `is_uuid` accepted: its thirteenth hex digit.
pub fn uuid_version(canonical: &str) -> Option<u32> {
    canonical.as_bytes().get(14).and_then(|digit| (*digit as char).to_digit(16))
}

/// Whether `text` is a UUID in its canonical hyphenated form (any case). Checked byte by byte:
/// response checks run it twice per group of a page.
pub fn is_uuid(text: &str) -> bool {
    is_uuid_bytes(text.as_bytes())
}

/// A required UUID string.
pub fn uuid_field<V: JsonView>(field: &str, value: Option<V>) -> Result<String, InvalidInput> {
    let value = value.ok_or_else(|| InvalidInput::new(field, InputCode::Required, "is required (a UUID string)"))?;
    let code = if value.kind() == JsonKind::String { InputCode::Uuid } else { InputCode::Type };
    value.string().and_then(|s| parse_uuid(&s)).ok_or_else(|| {
        InvalidInput::new(
            field,
            code,
            cat!("must be a UUID string like \"9d95820d-4333-46b6-98de-04ab7512e76f\" (got ", describe(&value), ")"),
        )
    })
}

/// `code` for a string that breaks a rule; `type` for a value that is not a string at all.
fn string_or_type<V: JsonView>(value: &V, code: InputCode) -> InputCode {
    if value.kind() == JsonKind::String {
        code
    } else {
        InputCode::Type
    }
}

/// A string that must be one of `allowed`.
pub fn one_of<V: JsonView>(field: &str, value: &V, allowed: &[&'static str]) -> Result<&'static str, InvalidInput> {
    value.string().and_then(|s| allowed.iter().copied().find(|a| *a == s)).ok_or_else(|| {
        InvalidInput::new(
            field,
            string_or_type(value, InputCode::Enum),
            cat!("must be one of ", join(allowed, ", "), " (got ", describe(value), ")"),
        )
    })
}

/// A string of exactly nine ASCII digits.
pub fn securities_account_number<V: JsonView>(field: &str, value: &V) -> Result<String, InvalidInput> {
    value.string().filter(|s| s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
        InvalidInput::new(
            field,
            string_or_type(value, InputCode::Format),
            cat!("must be a string of exactly 9 digits, matching ^[0-9]{9}$ (got ", describe(value), ")"),
        )
    })
}

/// A whole number in `min..=max`.
pub fn integer_in<V: JsonView>(field: &str, value: &V, min: u32, max: u32) -> Result<u32, InvalidInput> {
    value.number().filter(|n| n.fract() == 0.0 && *n >= f64::from(min) && *n <= f64::from(max)).map(|n| n as u32).ok_or_else(|| {
        // Not a number at all is a type error; a number out of bounds (or with a fraction) a range error.
        let code = if value.kind() == JsonKind::Number { InputCode::Range } else { InputCode::Type };
        InvalidInput::new(
            field,
            code,
            cat!("must be an integer from ", decimal(min.into()), " to ", decimal(max.into()), " (got ", describe(value), ")"),
        )
    })
}

/// A boolean.
pub fn boolean<V: JsonView>(field: &str, value: &V) -> Result<bool, InvalidInput> {
    value.boolean().ok_or_else(|| InvalidInput::new(field, InputCode::Type, cat!("must be true or false (got ", describe(value), ")")))
}

/// An optional object whose member names must all be in `allowed` (typo protection). `undefined`
/// and `null` both mean "no options"; anything else that is not a plain object is rejected.
pub fn options_object<V: JsonView>(what: &str, value: Option<V>, allowed: &[&str]) -> Result<Option<V>, InvalidInput> {
    match value {
        None => Ok(None),
        Some(v) if matches!(v.kind(), JsonKind::Undefined | JsonKind::Null) => Ok(None),
        Some(v) => required_object(what, v, allowed).map(Some),
    }
}

/// A plain object whose member names must all be in `allowed`.
pub fn required_object<V: JsonView>(what: &str, value: V, allowed: &[&str]) -> Result<V, InvalidInput> {
    if value.kind() != JsonKind::Object {
        return Err(InvalidInput::new(what, InputCode::Type, cat!("must be an object (got ", value.kind().describe(), ")")));
    }
    if let Some(unknown) = value.keys().into_iter().find(|k| !allowed.contains(&k.as_str())) {
        return Err(InvalidInput::new(
            what,
            InputCode::UnknownField,
            cat!("has an unknown field ", quote(&unknown), " (allowed: ", join(allowed, ", "), ")"),
        ));
    }
    Ok(value)
}

/// A member that is present and not `undefined`. `null` counts as present, so that it is
/// rejected by the member's own rule rather than silently dropped.
pub fn member<V: JsonView>(object: &V, name: &str) -> Option<V> {
    object.field(name).filter(|v| v.kind() != JsonKind::Undefined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uuid_accepts_only_the_canonical_form() {
        assert!(parse_uuid("9d95820d-4333-46b6-98de-04ab7512e76f").is_some());
        assert!(parse_uuid("9D95820D-4333-46B6-98DE-04AB7512E76F").is_some());
        for bad in [
            "",
            "9d95820d433346b698de04ab7512e76f",
            "{9d95820d-4333-46b6-98de-04ab7512e76f}",
            "urn:uuid:9d95820d-4333-46b6-98de-04ab7512e76f",
            "9d95820d-4333-46b6-98de-04ab7512e76/",
            "../../../../../../../../../../../etc",
            "9d95820d-4333-46b6-98de-04ab7512e76f ",
        ] {
            assert!(parse_uuid(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn messages_name_the_field_the_rule_and_the_value() {
        let e = uuid_field("user_id", Some(&json!(42))).unwrap_err();
        assert_eq!(e.field, "user_id");
        assert!(e.rule.contains("must be a UUID string") && e.rule.contains("got 42"), "{e}");
        let e = uuid_field::<&serde_json::Value>("user_id", None).unwrap_err();
        assert_eq!(e.to_string(), "user_id is required (a UUID string)");
        let e = one_of("type", &&json!("personal"), &["PERSONAL", "ISA"]).unwrap_err();
        assert_eq!(e.to_string(), "type must be one of PERSONAL, ISA (got \"personal\")");
    }

    #[test]
    fn codes_say_which_kind_of_rule_broke() {
        fn code<T>(result: Result<T, InvalidInput>) -> InputCode {
            result.map(|_| ()).unwrap_err().code
        }
        assert_eq!(code(uuid_field::<&serde_json::Value>("id", None)), InputCode::Required);
        assert_eq!(code(uuid_field("id", Some(&json!(42)))), InputCode::Type);
        assert_eq!(code(uuid_field("id", Some(&json!("nope")))), InputCode::Uuid);
        assert_eq!(code(one_of("type", &&json!("personal"), &["PERSONAL"])), InputCode::Enum);
        assert_eq!(code(one_of("type", &&json!(1), &["PERSONAL"])), InputCode::Type);
        assert_eq!(code(securities_account_number("n", &&json!("12345678"))), InputCode::Format);
        assert_eq!(code(securities_account_number("n", &&json!(null))), InputCode::Type);
        assert_eq!(code(integer_in("limit", &&json!(0), 1, 10)), InputCode::Range);
        assert_eq!(code(integer_in("limit", &&json!(1.5), 1, 10)), InputCode::Range);
        assert_eq!(code(integer_in("limit", &&json!("1"), 1, 10)), InputCode::Type);
        assert_eq!(code(boolean("flag", &&json!("yes"))), InputCode::Type);
        assert_eq!(code(required_object("query", &json!([]), &[])), InputCode::Type);
        assert_eq!(code(required_object("query", &json!({"x": 1}), &[])), InputCode::UnknownField);
        let spelled: Vec<_> = [
            InputCode::Required,
            InputCode::Type,
            InputCode::Uuid,
            InputCode::Enum,
            InputCode::Range,
            InputCode::Format,
            InputCode::UnknownField,
            InputCode::Conflict,
        ]
        .iter()
        .map(|c| c.as_str())
        .collect();
        assert_eq!(spelled, ["required", "type", "uuid", "enum", "range", "format", "unknown-field", "conflict"]);
    }

    #[test]
    fn quotes_escape_and_cut() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("tab\there"), "\"tab\u{fffd}here\"");
        assert_eq!(quote(&"é".repeat(50)), format!("\"{}\"…", "é".repeat(40)));
        assert_eq!(number_text(42.0), "42");
        assert_eq!(number_text(-1.5), "-1.5");
        assert_eq!(number_text(0.000_001), "0.000001");
        assert_eq!(number_text(1e15), "1000000000000000");
        assert_eq!(number_text(12_345_678_901_234.5), "12345678901234.5");
        assert_eq!(number_text(1.999_999_9), "2");
        assert_eq!(number_text(f64::NAN), "NaN");
        assert_eq!(number_text(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = json!("x".repeat(500));
        let e = securities_account_number("securities_account_number", &&long).unwrap_err();
        assert!(e.rule.len() < 200, "{e}");
    }

    #[test]
    fn securities_account_numbers_are_nine_ascii_digits() {
        assert!(securities_account_number("s", &&json!("123456789")).is_ok());
        for bad in [json!("12345689"), json!("1234567890"), json!("12345678a"), json!("١٢٣٤٥٦٧٨٩"), json!(123456789)] {
            assert!(securities_account_number("s", &&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn integers_are_whole_and_in_range() {
        assert_eq!(integer_in("limit", &&json!(1000), 1, 1000), Ok(1000));
        for bad in [json!(0), json!(1001), json!(1.5), json!(-1), json!("10"), json!(null)] {
            assert!(integer_in("limit", &&bad, 1, 1000).is_err(), "{bad}");
        }
    }

    #[test]
    fn options_objects_reject_unknown_fields_and_non_objects() {
        assert!(options_object("query", Some(&json!(null)), &["limit"]).unwrap().is_none());
        let e = options_object("query", Some(&json!({"limt": 5})), &["limit"]).unwrap_err();
        assert_eq!(e.to_string(), "query has an unknown field \"limt\" (allowed: limit)");
        let e = options_object("query", Some(&json!([1])), &["limit"]).unwrap_err();
        assert_eq!(e.to_string(), "query must be an object (got an array)");
    }
}
