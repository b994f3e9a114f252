//! ECDSA signatures in their two encodings: DER (`SEQUENCE { INTEGER r, INTEGER s }`), which
//! Upvest's signers send and its examples show, and raw r ‖ s (each half the length), which
//! WebCrypto makes and verifies.

/// A P-521 coordinate, and so each of r and s in raw form: 66 bytes.
pub const P521_SCALAR_BYTES: usize = 66;

/// A raw signature (r ‖ s, each half the length, as WebCrypto gives it) in DER.
pub fn raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || raw.len() % 2 != 0 {
        return None;
    }
    let integer = |bytes: &[u8]| {
        let trimmed = &bytes[bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len() - 1)..];
        let mut out = vec![0x02];
        let pad = trimmed[0] & 0x80 != 0;
        push_length(&mut out, trimmed.len() + usize::from(pad));
        if pad {
            out.push(0);
        }
        out.extend_from_slice(trimmed);
        out
    };
    let (r, s) = raw.split_at(raw.len() / 2);
    let body: Vec<u8> = [integer(r), integer(s)].concat();
    let mut der = vec![0x30];
    push_length(&mut der, body.len());
    der.extend(body);
    Some(der)
}

fn push_length(out: &mut Vec<u8>, length: usize) {
    if length < 0x80 {
        out.push(length as u8);
    } else if length <= 0xff {
        out.extend([0x81, length as u8]);
    } else {
        out.extend([0x82, (length >> 8) as u8, length as u8]);
    }
}

/// A P-521 signature in DER as raw r ‖ s (132 bytes); `None` when the bytes are not such DER: a
/// SEQUENCE of exactly two INTEGERs of at most 66 significant bytes, nothing after them. Lengths
/// are short or one long byte (a P-521 signature is at most 139 bytes).
pub fn p521_der_to_raw(der: &[u8]) -> Option<Vec<u8>> {
    let mut raw = vec![0; 2 * P521_SCALAR_BYTES];
    let mut at = 0;
    // The SEQUENCE's header, then each INTEGER, read in one loop: the fewest bytes in the wasm.
    for step in 0..3 {
        let tag = if step == 0 { 0x30 } else { 0x02 };
        let (&found, &short) = (der.get(at)?, der.get(at + 1)?);
        at += 2;
        let size = match short {
            0..=0x7f => usize::from(short),
            0x81 => {
                at += 1;
                usize::from(*der.get(at - 1)?)
            }
            _ => return None,
        };
        if found != tag || (step == 0 && at + size != der.len()) {
            return None;
        }
        if step > 0 {
            let integer = der.get(at..at + size)?;
            at += size;
            // A leading zero keeps a positive INTEGER positive; it is no part of the number.
            let significant = &integer[integer.iter().position(|b| *b != 0).unwrap_or(size.saturating_sub(1))..];
            if significant.is_empty() || significant.len() > P521_SCALAR_BYTES {
                return None;
            }
            let end = step * P521_SCALAR_BYTES;
            raw[end - significant.len()..end].copy_from_slice(significant);
        }
    }
    (at == der.len()).then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_signatures_become_der() {
        let mut raw = vec![0u8; 132];
        raw[1] = 0x01; // r = 0x01…, 65 significant bytes
        raw[66] = 0x80; // s has its high bit set: a 0x00 is prefixed
        let der = raw_to_der(&raw).unwrap();
        assert_eq!(&der[..3], &[0x30, 0x81, 2 + 65 + 2 + 67]);
        assert_eq!(&der[3..5], &[0x02, 65]);
        assert_eq!(&der[70..73], &[0x02, 67, 0x00]);
        let small = raw_to_der(&[0, 0, 0, 5]).unwrap();
        assert_eq!(small, [0x30, 6, 0x02, 1, 0, 0x02, 1, 5]);
        assert!(raw_to_der(&[1, 2, 3]).is_none());
        assert!(raw_to_der(&[]).is_none());
    }

    #[test]
    fn der_becomes_raw_and_back() {
        let mut raw = vec![0u8; 132];
        raw[1] = 0x01;
        raw[66] = 0x80;
        raw[131] = 7;
        assert_eq!(p521_der_to_raw(&raw_to_der(&raw).unwrap()).unwrap(), raw);
        // Full-width halves with the high bit set: 67-byte INTEGERs, a 139-byte signature.
        let full = vec![0xff; 132];
        let der = raw_to_der(&full).unwrap();
        assert_eq!(der.len(), 3 + 2 * (2 + 67));
        assert_eq!(p521_der_to_raw(&der).unwrap(), full);
        // Small r and s sit at the end of their halves; zero is one zero byte.
        let mut expected = vec![0u8; 132];
        expected[131] = 5;
        assert_eq!(p521_der_to_raw(&[0x30, 6, 0x02, 1, 0, 0x02, 1, 5]).unwrap(), expected);
        // Redundant leading zeros are read past.
        assert_eq!(p521_der_to_raw(&[0x30, 8, 0x02, 2, 0, 0, 0x02, 2, 0, 5]).unwrap(), expected);
    }

    #[test]
    fn refuses_what_is_not_a_p521_der_signature() {
        let good = [0x30, 6, 0x02, 1, 1, 0x02, 1, 5];
        let long_integer = [&[0x30, 0x81, 2 + 67 + 3, 0x02, 67, 1][..], &[0; 66], &[0x02, 1, 1]].concat();
        for der in [
            &[][..],
            &[0x30],
            &[0x31, 6, 0x02, 1, 1, 0x02, 1, 5],
            &[0x30, 7, 0x02, 1, 1, 0x02, 1, 5],
            &[0x30, 5, 0x02, 1, 1, 0x02, 1],
            &[0x30, 6, 0x03, 1, 1, 0x02, 1, 5],
            &[0x30, 6, 0x02, 0, 0x02, 2, 1, 5],
            &[0x30, 6, 0x02, 1, 1, 0x02, 2, 5],
            &[0x30, 6, 0x02, 1, 1, 0x02, 0x80, 5],
            &[0x30, 0x82, 0, 6, 0x02, 1, 1, 0x02, 1, 5],
            &[0x30, 0x81],
            &[0x30, 3, 0x02, 1, 1],
            &[0x30, 9, 0x02, 1, 1, 0x02, 1, 5, 0x02, 1, 1],
            &long_integer,
            &[0xff; 132],
        ] {
            assert_eq!(p521_der_to_raw(der), None, "{der:?}");
        }
        assert!(p521_der_to_raw(&good).is_some());
    }
}
