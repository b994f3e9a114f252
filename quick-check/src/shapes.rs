//! The shapes of the strings a response's checks look at, as bytes: a UUID and an RFC 3339
//! date-time. (`validate::is_uuid` and `response::is_rfc3339` in the client call these.)

/// A UUID in its canonical hyphenated form (any case), as bytes: each byte's class (by table:
/// pages check three UUIDs per group) against the class its position needs.
pub fn is_uuid_bytes(b: &[u8]) -> bool {
    const HEX: u8 = 1;
    const HYPHEN: u8 = 2;
    const CLASS: [u8; 256] = {
        let mut class = [0; 256];
        let mut c = 0;
        while c < 256 {
            class[c] = match c as u8 {
                b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => HEX,
                b'-' => HYPHEN,
                _ => 0,
            };
            c += 1;
        }
        class
    };
    const SHAPE: [u8; 36] = {
        let mut shape = [HEX; 36];
        (shape[8], shape[13], shape[18], shape[23]) = (HYPHEN, HYPHEN, HYPHEN, HYPHEN);
        shape
    };
    b.len() == 36 && b.iter().zip(SHAPE).all(|(c, needed)| CLASS[usize::from(*c)] == needed)
}

/// `is_uuid_bytes` as the quick check runs it: in wasm with `simd128`, sixteen bytes at a time
/// (a page is one third UUIDs); elsewhere `is_uuid_bytes` itself.
#[inline]
pub fn is_uuid_quick(b: &[u8; 36]) -> bool {
    #[cfg(target_arch = "wasm32")]
    return is_uuid_simd(b);
    #[cfg(not(target_arch = "wasm32"))]
    is_uuid_bytes(b)
}

/// Each of the three overlapping 16-byte blocks (from 0, 16 and 20) must be hex where no hyphen
/// belongs and a hyphen where one does (at 8, 13, 18 and 23).
#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "simd128")]
fn is_uuid_simd(b: &[u8; 36]) -> bool {
    use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_lt, u8x16_splat, u8x16_sub, v128, v128_load, v128_or};
    let fits = |from: usize, hyphens: u16| {
        // SAFETY: `from + 16 <= 36`, and wasm loads need no alignment.
        let v = unsafe { v128_load(b.as_ptr().add(from).cast::<v128>()) };
        let digit = u8x16_lt(u8x16_sub(v, u8x16_splat(b'0')), u8x16_splat(10));
        let letter = u8x16_lt(u8x16_sub(v128_or(v, u8x16_splat(0x20)), u8x16_splat(b'a')), u8x16_splat(6));
        let hex = u8x16_bitmask(v128_or(digit, letter));
        let hyphen = u8x16_bitmask(u8x16_eq(v, u8x16_splat(b'-')));
        (hex & !hyphens) | (hyphen & hyphens) == u16::MAX
    };
    fits(0, 1 << 8 | 1 << 13) & fits(16, 1 << 2 | 1 << 7) & fits(20, 1 << 3)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, checked by shape, as bytes (any byte beyond
/// ASCII fails it).
pub fn is_rfc3339_bytes(b: &[u8]) -> bool {
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let head = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !head {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_canonical_hyphenated_hex_of_either_case() {
        for good in ["9d95820d-4333-46b6-98de-04ab7512e76f", "9D95820D-4333-46B6-98DE-04AB7512E76F"] {
            assert!(is_uuid_bytes(good.as_bytes()), "{good}");
        }
        for bad in [
            "9d95820d43334-6b6-98de-04ab7512e76f",
            "9d95820d-4333-46b6-98de-04ab7512e76",
            "9d95820d-4333-46b6-98de-04ab7512e76g",
            "{9d95820d-4333-46b6-98de-04ab7512e76f}",
            "",
        ] {
            assert!(!is_uuid_bytes(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn date_times_are_rfc_3339() {
        for good in ["2020-08-24T14:15:22Z", "2020-08-24t14:15:22.123456z", "2020-08-24 14:15:22+01:00", "2020-08-24T14:15:22.5-00:30"] {
            assert!(is_rfc3339_bytes(good.as_bytes()), "{good}");
        }
        for bad in [
            "2020-08-24",
            "2020-08-24T14:15:22",
            "2020-08-24T14:15:22.Z",
            "2020-08-24T14:15:22+0100",
            "2020-08-24T14:15:22Z ",
            "２020-08-24T14:15:22Z",
        ] {
            assert!(!is_rfc3339_bytes(bad.as_bytes()), "{bad}");
        }
    }
}
