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

/// Concatenates anything that reads as `&str` (`&str`, `String`, `Cow<str>`) into a new `String`.
macro_rules! cat {
    ($($part:expr),+ $(,)?) => {
        $crate::core::text::join_parts(&[$(::core::convert::AsRef::<str>::as_ref(&$part)),+])
    };
}
pub(crate) use cat;

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

/// `true` or `false`, as JSON and query strings spell them.
pub fn bool_text(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn bool_text_spells_json() {
        assert_eq!((bool_text(true), bool_text(false)), ("true", "false"));
    }
}
