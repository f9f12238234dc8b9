//! Deterministic synthetic ids (tool calls, messages) for translation steps 5 and 9.
//!
//! Formats without call ids (Gemini) or bodies missing them still need ids in id-based
//! formats. Ids are derived from the context seed and a running counter with a fixed hash
//! (FNV-1a + splitmix), so the same input and seed always give the same output — no clock,
//! no global counter, no randomness here.

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Produces ids like `toolu_01AbC…` (24 alphanumerics after the prefix).
#[derive(Debug, Clone)]
pub struct IdGenerator {
    seed: u64,
    counter: u64,
}

impl IdGenerator {
    /// A generator for one request or response.
    pub fn new(seed: u64) -> Self {
        IdGenerator { seed, counter: 0 }
    }

    /// The next id with `prefix` (`toolu_`, `call_`, `msg_`).
    pub fn next(&mut self, prefix: &str) -> String {
        self.counter += 1;
        synth_id(prefix, self.seed, self.counter)
    }
}

/// The id for (`seed`, `n`) with `prefix`; pure.
pub fn synth_id(prefix: &str, seed: u64, n: u64) -> String {
    let mut out = String::with_capacity(prefix.len() + 24);
    out.push_str(prefix);
    let mut state = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for _ in 0..24 {
        state = splitmix(state);
        let idx = (state % 62) as usize;
        out.push(char::from(ALPHABET[idx]));
    }
    out
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_per_seed_and_distinct_per_counter() {
        let mut a = IdGenerator::new(7);
        let mut b = IdGenerator::new(7);
        let (a1, a2) = (a.next("toolu_"), a.next("toolu_"));
        assert_eq!(a1, b.next("toolu_"));
        assert_ne!(a1, a2);
        assert_eq!(a1.len(), "toolu_".len() + 24);
    }
}
