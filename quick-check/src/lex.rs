//! JSON's tokens at the byte level, for both readers of a body: the quick check here and the
//! client's full reader (`json_text`), so that the two agree on the grammar by construction.

/// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Where the whitespace JSON allows between tokens, from `at`, ends.
#[inline(always)]
pub fn space_end(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// Where the plain run of a string's content that starts at `from` ends: at the first `"`, `\`
/// or control character. In wasm, sixteen bytes at a time with `simd128`; elsewhere eight at a
/// time in a `u64` (`plain_run_end_words`, which native tests hold the wasm one to).
#[inline]
pub fn plain_run_end(bytes: &[u8], from: usize) -> Option<usize> {
    #[cfg(target_arch = "wasm32")]
    return plain_run_end_simd(bytes, from);
    #[cfg(not(target_arch = "wasm32"))]
    plain_run_end_words(bytes, from)
}

/// `plain_run_end` with wasm's `simd128` (Node 16.4+, Chromium 91+, Firefox 89+, Safari 16.4+,
/// workerd): sixteen bytes compared at once, the first hit found from the mask of their tops.
#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "simd128")]
fn plain_run_end_simd(bytes: &[u8], from: usize) -> Option<usize> {
    use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_lt, u8x16_splat, v128_or};
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 16) {
        let block: [u8; 16] = chunk.try_into().ok()?;
        let word = u128::from_le_bytes(block);
        // SAFETY: a v128 is 16 bytes, as a u128 is; no alignment is needed for a value.
        let v = unsafe { core::mem::transmute::<u128, core::arch::wasm32::v128>(word) };
        let hits = v128_or(v128_or(u8x16_eq(v, u8x16_splat(b'"')), u8x16_eq(v, u8x16_splat(b'\\'))), u8x16_lt(v, u8x16_splat(0x20)));
        let mask = u8x16_bitmask(hits);
        if mask != 0 {
            return Some(at + mask.trailing_zeros() as usize);
        }
        at += 16;
    }
    plain_run_end_words(bytes, at)
}

/// `plain_run_end` eight bytes at a time, since most of a page is plain strings; each mask below
/// is exact at its lowest set byte, which is the only one read.
pub fn plain_run_end_words(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGHS;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
        let hits = below(word ^ (ONES * u64::from(b'"')), 1) | below(word ^ (ONES * u64::from(b'\\')), 1) | below(word, 0x20);
        if hits != 0 {
            return Some(at + hits.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).map(|run| at + run)
}

/// The end of the JSON number that starts at `at`; `None` when it breaks the grammar.
pub fn number_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    let digits = |at: &mut usize| {
        let from = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - from
    };
    if bytes[at] == b'-' {
        at += 1;
    }
    let first = at;
    let whole = digits(&mut at);
    if whole == 0 || (whole > 1 && bytes[first] == b'0') {
        return None;
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        if digits(&mut at) == 0 {
            return None;
        }
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'-' | b'+')) {
            at += 1;
        }
        if digits(&mut at) == 0 {
            return None;
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_a_plain_run_at_every_offset() {
        for len in 0..40 {
            for stop in [b'"', b'\\', 0x00, 0x1f] {
                let mut bytes = vec![b'a'; len];
                bytes.extend([stop, b'"', b'x']);
                for from in 0..=len {
                    assert_eq!(plain_run_end(&bytes, from), Some(len), "{len} {stop} {from}");
                }
                // The wasm's own scan (simd128) is held to this one in tests/common (wasm-pack test).
            }
            assert_eq!(plain_run_end(&vec![0xe9; len], 0), None, "bytes above 0x7f are plain");
        }
    }

    #[test]
    fn finds_the_end_of_numbers_and_refuses_what_json_does_not_allow() {
        for (text, end) in [("0", 1), ("-12.5e+3,", 8), ("7]", 1), ("1E9 ", 3), ("0.0", 3)] {
            assert_eq!(number_end(text.as_bytes(), 0), Some(end), "{text}");
        }
        for bad in ["-", "01", "1.", "1e", "1e+", "-a", ".5"] {
            assert_eq!(number_end(bad.as_bytes(), 0), None, "{bad}");
        }
        assert_eq!(space_end(b" \t\r\n x", 0), 5);
        assert_eq!(space_end(b"\x0c", 0), 0, "form feed is not JSON whitespace");
    }
}
