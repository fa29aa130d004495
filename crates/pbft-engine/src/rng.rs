//! Seeded random streams: one base seed drives every random choice of every run.
//!
//! A run's key is derived from (base seed, Byzantine count, trial index) with SplitMix64, so any
//! run of a sweep can be replayed alone (the browser opens a sweep point's run by its seed). Each
//! purpose draws from its own ChaCha8 stream of that key, so changing the strategy does not change
//! the network's delays, and results are identical on x86_64 and wasm32 (ChaCha8 is portable; we
//! only sample `u32`/`u64` ranges and Bernoulli trials, never `usize` ranges).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What a stream is used for; its number is the ChaCha stream id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Where the Byzantine nodes are placed.
    Placement = 0,
    /// Delays, drops, reorders and duplicates.
    Network = 1,
    /// The Byzantine strategies' own coin flips.
    Adversary = 2,
}

/// SplitMix64 (Steele, Lea & Flood 2014): a bijective mixer that spreads nearby seeds apart.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 256-bit key of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunKey([u8; 32]);

impl RunKey {
    /// The key of trial `trial` with `byzantine` Byzantine nodes under base seed `seed`.
    pub fn new(seed: u64, byzantine: u32, trial: u32) -> RunKey {
        let mut state = seed;
        splitmix64(&mut state);
        state ^= u64::from(byzantine).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        splitmix64(&mut state);
        state ^= u64::from(trial).wrapping_mul(0xA076_1D64_78BD_642F);
        let mut key = [0u8; 32];
        for chunk in key.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        RunKey(key)
    }

    /// A fresh generator for `stream`.
    pub fn stream(&self, stream: Stream) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::from_seed(self.0);
        rng.set_stream(stream as u64);
        rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn keys_differ_by_every_coordinate() {
        let a = RunKey::new(7, 0, 0);
        assert_ne!(a, RunKey::new(8, 0, 0));
        assert_ne!(a, RunKey::new(7, 1, 0));
        assert_ne!(a, RunKey::new(7, 0, 1));
        assert_ne!(RunKey::new(7, 1, 0), RunKey::new(7, 0, 1));
    }

    #[test]
    fn streams_are_independent_and_reproducible() {
        let k = RunKey::new(11, 2, 3);
        let x = k.stream(Stream::Network).next_u64();
        assert_eq!(x, k.stream(Stream::Network).next_u64());
        assert_ne!(x, k.stream(Stream::Adversary).next_u64());
    }
}
