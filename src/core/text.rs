//! Messages and wire text built by concatenation, not `format!`: with no `core::fmt` left in the
//! client's wasm (built with std from source; the prebuilt-std fallback still formats its panics),
//! the formatting machinery (padding, integer `Display`, `Arguments` at every call site) stays
//! out of the bytes every user downloads. See the README's Size decision.

/// Joins the parts, sized once: what `format!("{a}{b}{c}")` did for strings (`cat!` calls it).
pub fn join_parts(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// The parts with `separator` between them, as `[&str]::join` and `[String]::join` make them:
/// std's join, generic over the item type too, was two copies of a larger function.
pub fn join<S: AsRef<str>>(parts: &[S], separator: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(part.as_ref());
    }
    out
}

/// Concatenates anything that reads as `&str` (`&str`, `String`, `Cow<str>`) into a new `String`.
macro_rules! cat {
    ($($part:expr),+ $(,)?) => {
        $crate::core::text::join_parts(&[$(::core::convert::AsRef::<str>::as_ref(&$part)),+])
    };
}
pub(crate) use cat;

/// Concatenates constant `&str`s at compile time, as `concat!` does literals: a message or wire
/// text that names a field by its constant (`upvest_api`'s field tables) costs no code and no
/// bytes more than the literal it replaces.
macro_rules! const_cat {
    ($($part:expr),+ $(,)?) => {{
        const PARTS: &[&str] = &[$($part),+];
        const BYTES: [u8; $crate::core::text::total_len(PARTS)] = $crate::core::text::concat_bytes(PARTS);
        const TEXT: &str = match ::core::str::from_utf8(&BYTES) {
            Ok(text) => text,
            Err(_) => panic!("UTF-8 parts join to UTF-8"),
        };
        TEXT
    }};
}
pub(crate) use const_cat;

/// The length of the parts together (for `const_cat!`).
pub const fn total_len(parts: &[&str]) -> usize {
    let (mut len, mut i) = (0, 0);
    while i < parts.len() {
        len += parts[i].len();
        i += 1;
    }
    len
}

/// The parts' bytes one after another, `N` of them in all (for `const_cat!`).
pub const fn concat_bytes<const N: usize>(parts: &[&str]) -> [u8; N] {
    let mut out = [0; N];
    let (mut at, mut i) = (0, 0);
    while i < parts.len() {
        let bytes = parts[i].as_bytes();
        let mut j = 0;
        while j < bytes.len() {
            out[at] = bytes[j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// A whole number in decimal, as `u64`'s `Display` writes it.
pub fn decimal(n: u64) -> String {
    padded_decimal(n, 1)
}

/// A whole number in decimal with at least `width` digits, zeros in front (`{n:0width$}`).
pub fn padded_decimal(mut n: u64, width: usize) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(width.max(digits.len() - start));
    for _ in digits.len() - start..width {
        out.push('0');
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
    out
}

/// Digits only (at least one) as a whole number; `None` past `u64::MAX`. With
/// [`parse_signed`] and [`parse_unsigned`], what `str::parse` reads for the few integers the
/// client reads (a `Retry-After`, an HTTP date, an IPv4 loopback host), without the general
/// parser's instantiation per integer type.
pub fn parse_digits(digits: &str) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        let digit = char::from(b).to_digit(10)?;
        n = n.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    Some(n)
}

/// What `str::parse::<i64>` reads: a `+` or `-`, then digits.
pub fn parse_signed(text: &str) -> Option<i64> {
    match text.strip_prefix('-') {
        Some(digits) => 0i64.checked_sub_unsigned(parse_digits(digits)?),
        None => i64::try_from(parse_unsigned(text)?).ok(),
    }
}

/// What `str::parse::<u64>` reads: a `+`, then digits.
pub fn parse_unsigned(text: &str) -> Option<u64> {
    parse_digits(text.strip_prefix('+').unwrap_or(text))
}

/// `true` or `false`, as JSON and query strings spell them.
pub fn bool_text(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

/// `text.split_once(pattern)` for an ASCII pattern, by a plain search: `str`'s own search for a
/// string pattern would add 2.6 KB to the wasm for the three places that split on one.
pub fn split_once_ascii<'t>(text: &'t str, pattern: &str) -> Option<(&'t str, &'t str)> {
    let at = text.as_bytes().windows(pattern.len()).position(|window| window == pattern.as_bytes())?;
    Some((&text[..at], &text[at + pattern.len()..]))
}

/// `text.find(c)` for an ASCII character, by a plain search too: `str`'s search for a `char`
/// (with the `memchr` behind it) was about 400 B of the gzipped wasm for a dozen places that
/// look for one character, which these helpers and [`split_ascii`] now serve.
pub fn find_ascii(text: &str, c: u8) -> Option<usize> {
    text.bytes().position(|b| b == c)
}

/// `text.rfind(c)` for an ASCII character.
pub fn rfind_ascii(text: &str, c: u8) -> Option<usize> {
    text.bytes().rposition(|b| b == c)
}

/// `text.split(c)` for an ASCII character: the parts between the `c`s, as `str::split` gives
/// them (an empty text is one empty part).
pub fn split_ascii(text: &str, c: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let part = rest?;
        let end = find_ascii(part, c);
        rest = end.map(|at| &part[at + 1..]);
        Some(&part[..end.unwrap_or(part.len())])
    })
}

/// `text.trim_end_matches(c)` for an ASCII character.
pub fn trim_end_ascii(text: &str, c: u8) -> &str {
    let mut end = text.len();
    while end > 0 && text.as_bytes()[end - 1] == c {
        end -= 1;
    }
    &text[..end]
}

/// `text.trim_start_matches(c)` for an ASCII character.
pub fn trim_start_ascii(text: &str, c: u8) -> &str {
    &text[text.bytes().position(|b| b != c).unwrap_or(text.len())..]
}

/// The part of `text` before the first `c` (an ASCII character), or all of it:
/// `text.split(c).next()`.
pub fn before_ascii(text: &str, c: u8) -> &str {
    &text[..find_ascii(text, c).unwrap_or(text.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn const_cat_joins_constants_at_compile_time() {
        const NAME: &str = "total_count";
        const MESSAGE: &str = const_cat!("meta.", NAME, " is ", "é");
        assert_eq!(MESSAGE, "meta.total_count is é");
    }

    #[test]
    fn cat_joins_strs_strings_and_nothing_else() {
        let owned = String::from("b");
        assert_eq!(cat!("a", owned, &owned, "c"), "abbc");
        assert_eq!(join_parts(&[]), "");
    }

    #[test]
    fn decimal_writes_what_display_writes() {
        for n in [0, 1, 9, 10, 99, 100, 401, 65_535, 4_294_967_295, 9_007_199_254_740_991, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn padded_decimal_pads_with_zeros_and_never_cuts() {
        assert_eq!(padded_decimal(0, 6), "000000");
        assert_eq!(padded_decimal(42, 6), "000042");
        assert_eq!(padded_decimal(1_234_567, 6), "1234567");
        for n in [0u64, 5, 123_456, 999_999, u64::MAX] {
            for width in [0, 1, 6, 20, 25] {
                assert_eq!(padded_decimal(n, width), format!("{n:0width$}"));
            }
        }
    }

    #[test]
    fn integers_read_as_str_parse_reads_them() {
        let cases = [
            "",
            "+",
            "-",
            "0",
            "7",
            "+7",
            "-7",
            "007",
            "-0",
            "+-1",
            "-+1",
            "++1",
            " 1",
            "1 ",
            "1.0",
            "1e3",
            "0x1",
            "\u{0661}",
            "255",
            "256",
            "+255",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "000000000000000000000000000001",
            "99999999999999999999",
        ];
        for text in cases {
            assert_eq!(parse_signed(text), text.parse::<i64>().ok(), "{text:?} as i64");
            assert_eq!(parse_unsigned(text), text.parse::<u64>().ok(), "{text:?} as u64");
            assert_eq!(parse_unsigned(text).filter(|n| *n <= 255).is_some(), text.parse::<u8>().is_ok(), "{text:?} as u8");
        }
    }

    #[test]
    fn join_joins_as_std_does() {
        for parts in [&[][..], &["a"], &["a", "b"], &["", "x", ""]] {
            assert_eq!(join(parts, ", "), parts.join(", "));
            let owned: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            assert_eq!(join(&owned, "&"), owned.join("&"));
        }
    }

    #[test]
    fn bool_text_spells_json() {
        assert_eq!((bool_text(true), bool_text(false)), ("true", "false"));
    }

    #[test]
    fn ascii_searches_find_what_str_finds() {
        for text in ["", "a", ".", "..", "a.b", ".a.b.", "..a..", "//", "é.ü.€", "12:34:56", "x:y:", "[::1]:8080", "a/b/c"] {
            for c in ['.', ':', '/', 'z'] {
                let byte = c as u8;
                assert_eq!(find_ascii(text, byte), text.find(c), "{text:?} {c:?}");
                assert_eq!(rfind_ascii(text, byte), text.rfind(c), "{text:?} {c:?}");
                assert_eq!(split_ascii(text, byte).collect::<Vec<_>>(), text.split(c).collect::<Vec<_>>(), "{text:?} {c:?}");
                assert_eq!(Some(before_ascii(text, byte)), text.split(c).next(), "{text:?} {c:?}");
                assert_eq!(trim_end_ascii(text, byte), text.trim_end_matches(c), "{text:?} {c:?}");
                assert_eq!(trim_start_ascii(text, byte), text.trim_start_matches(c), "{text:?} {c:?}");
                assert_eq!(split_once_ascii(text, c.encode_utf8(&mut [0; 4])), text.split_once(c), "{text:?} {c:?}");
            }
        }
    }
}
