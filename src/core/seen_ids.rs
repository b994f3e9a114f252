//! The groups an iteration has yielded, so that none is yielded twice while the list changes
//! under it (`paging`). A group's id is a UUID, kept as its 128 bits in an open-addressed table:
//! 16 bytes a group where a JavaScript `Set` of the id strings took about 100, and a lookup that
//! hashes two words instead of a 36-character string (the `Set` was a third of what iterating
//! cost on top of reading the pages).
//!
//! The ids come from a server, which could choose them to collide in a fixed hash and make every
//! lookup walk the table; the hash is keyed by a seed the glue draws per iteration.

/// A UUID's 128 bits as two words (wasm has no 128-bit arithmetic; emulating it costs bytes).
pub type Id = [u64; 2];

/// A set of UUIDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenIds {
    /// Slots of ids; `EMPTY` marks a free one (the nil UUID is kept aside in `nil`).
    slots: Vec<Id>,
    len: usize,
    nil: bool,
    seed: u64,
}

const EMPTY: Id = [0, 0];
/// The table holds at most 1 id per 2 slots before it doubles: short probes.
const FIRST_SLOTS: usize = 64;

impl SeenIds {
    /// An empty set, keyed by `seed`.
    pub fn new(seed: u64) -> SeenIds {
        SeenIds { slots: Vec::new(), len: 0, nil: false, seed }
    }

    /// How many ids it holds.
    pub fn len(&self) -> usize {
        self.len + usize::from(self.nil)
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `id`; whether it was new.
    pub fn insert(&mut self, id: Id) -> bool {
        if id == EMPTY {
            return !std::mem::replace(&mut self.nil, true);
        }
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let at = self.probe(id);
        if self.slots[at] == id {
            return false;
        }
        self.slots[at] = id;
        self.len += 1;
        true
    }

    /// Takes in a page's ids (`ids`: each id's 36 characters, one after the other, as the glue
    /// joined them) and gives the positions of those seen before, in order; the rest are now
    /// seen. `None` when `ids` is not a sequence of UUIDs (the page's check let through an id
    /// it should not have).
    pub fn take_page(&mut self, ids: &[u8]) -> Option<Vec<u32>> {
        if ids.len() % 36 != 0 {
            return None;
        }
        let mut repeats = Vec::new();
        for (index, text) in ids.chunks_exact(36).enumerate() {
            if !self.insert(parse_uuid_bits(text)?) {
                repeats.push(index as u32);
            }
        }
        Some(repeats)
    }

    /// The slot holding `id`, or the free slot where it belongs.
    fn probe(&self, id: Id) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = self.hash(id) & mask;
        while self.slots[at] != EMPTY && self.slots[at] != id {
            at = (at + 1) & mask;
        }
        at
    }

    fn hash(&self, id: Id) -> usize {
        // Both halves, keyed, then multiplied and folded (a multiply-xorshift mix).
        let mixed = (id[1] ^ self.seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ id[0].wrapping_add(self.seed.rotate_left(32));
        let mixed = (mixed ^ (mixed >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        (mixed ^ (mixed >> 32)) as usize
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(FIRST_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        for id in old.into_iter().filter(|&id| id != EMPTY) {
            let at = self.probe(id);
            self.slots[at] = id;
        }
    }
}

/// The 128 bits of a UUID (high word first) written `8-4-4-4-12` in hexadecimal digits of either case.
pub fn parse_uuid_bits(text: &[u8]) -> Option<Id> {
    if text.len() != 36 {
        return None;
    }
    let (mut high, mut low) = (0u64, 0u64);
    for (i, &byte) in text.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if byte != b'-' {
                return None;
            }
            continue;
        }
        let digit = match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'f' => byte - b'a' + 10,
            b'A'..=b'F' => byte - b'A' + 10,
            _ => return None,
        };
        high = high << 4 | low >> 60;
        low = low << 4 | u64::from(digit);
    }
    Some([high, low])
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "9d95820d-4333-46b6-98de-04ab7512e76f";
    const B: &str = "413715f2-5401-4b97-8055-034a6b879f8c";
    const NIL: &str = "00000000-0000-0000-0000-000000000000";

    #[test]
    fn parses_the_bits_of_a_uuid_in_either_case() {
        assert_eq!(parse_uuid_bits(A.as_bytes()), Some([0x9d95_820d_4333_46b6, 0x98de_04ab_7512_e76f]));
        assert_eq!(parse_uuid_bits(A.to_uppercase().as_bytes()), parse_uuid_bits(A.as_bytes()));
        assert_eq!(parse_uuid_bits(NIL.as_bytes()), Some([0, 0]));
        for bad in
            ["9d95820d43334-6b6-98de-04ab7512e76f", "9d95820d-4333-46b6-98de-04ab7512e76g", "9d95820d-4333-46b6-98de-04ab7512e76", ""]
        {
            assert_eq!(parse_uuid_bits(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn a_page_gives_the_positions_of_the_ids_seen_before() {
        let mut seen = SeenIds::new(7);
        assert_eq!(seen.take_page(format!("{A}{B}").as_bytes()), Some(vec![]));
        assert_eq!(seen.take_page(format!("{B}{NIL}{A}{NIL}").as_bytes()), Some(vec![0, 2, 3]), "a repeat within one page too");
        assert_eq!(seen.len(), 3);
        assert_eq!(seen.take_page(b""), Some(vec![]));
        assert_eq!(seen.take_page(format!("{A}x").as_bytes()), None, "not whole ids");
        assert_eq!(seen.take_page(b"not-a-uuid-but-thirty-six-bytes-long"), None);
    }

    #[test]
    fn holds_many_ids_whatever_the_seed_and_however_they_collide_in_their_low_bits() {
        for seed in [0, 1, u64::MAX] {
            let mut seen = SeenIds::new(seed);
            // Ids alike in their low 64 bits (as a server choosing collisions would send) and ids
            // alike in their high 64 bits.
            for n in 1..5000u64 {
                assert!(seen.insert([n, 0]));
                assert!(seen.insert([0, n]));
            }
            for n in 1..5000u64 {
                assert!(!seen.insert([n, 0]) && !seen.insert([0, n]));
            }
            assert_eq!(seen.len(), 9998);
            assert!(seen.slots.len() >= 2 * 9998 && seen.slots.len() <= 4 * 9998, "{} slots", seen.slots.len());
        }
    }
}
