//! Seeded random streams: one base seed drives every random choice of every run.
//!
//! A run's key is derived from (base seed, Byzantine count, trial index) with SplitMix64, so any
//! run of a sweep can be replayed alone (the browser opens a sweep point's run by its seed). Each
//! purpose draws from its own ChaCha8 stream of that key, so changing the strategy does not change
//! the network's delays, and results are identical on x86_64 and wasm32 (ChaCha8 is portable; we
//! only sample `u32` ranges and Bernoulli trials, never `usize` ranges).
//!
//! Draws are 32-bit on purpose: a `u32` takes one ChaCha word where a `u64` takes two, and
//! sampling a `u32` range needs a 32×32 multiply, where a `u64` range needs a 128-bit multiply
//! that wasm32 does in a library call. Together that is 14 % of a tutorial sweep's instructions
//! in wasm (4 % natively); see BENCHMARKS.md, Experiments.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A Bernoulli trial with probability `p` from one 32-bit draw; draws nothing when `p` is 0 (most
/// runs), and always succeeds at `p` = 1 (every `u32` is below 2³²).
pub fn coin(rng: &mut ChaCha8Rng, p: f64) -> bool {
    const TWO_POW_32: f64 = 4_294_967_296.0;
    p > 0.0 && f64::from(rng.next_u32()) < p * TWO_POW_32
}

/// A whole number of µs uniform in `lo_us..=hi_us`, which must fit in 32 bits (delays are
/// validated to at most an hour, 3.6 × 10⁹ µs).
pub fn uniform_us(rng: &mut ChaCha8Rng, lo_us: u64, hi_us: u64) -> u64 {
    let lo = u32::try_from(lo_us).expect("validated delays fit in 32 bits of µs");
    let hi = u32::try_from(hi_us).expect("validated delays fit in 32 bits of µs");
    u64::from(rng.gen_range(lo..=hi))
}

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
    fn coin_is_exact_at_the_ends_and_fair_between() {
        let mut rng = RunKey::new(5, 0, 0).stream(Stream::Network);
        assert!((0..1000).all(|_| coin(&mut rng, 1.0)));
        assert!((0..1000).all(|_| !coin(&mut rng, 0.0)));
        let heads = (0..100_000).filter(|_| coin(&mut rng, 0.25)).count();
        // Binomial(100 000, 0.25): sd ≈ 137, so ±1,000 is more than 7 sd.
        assert!((24_000..=26_000).contains(&heads), "{heads}");
    }

    #[test]
    fn uniform_us_covers_its_inclusive_range() {
        let mut rng = RunKey::new(6, 0, 0).stream(Stream::Network);
        let draws: Vec<u64> = (0..10_000).map(|_| uniform_us(&mut rng, 3, 7)).collect();
        assert!(draws.iter().all(|d| (3..=7).contains(d)));
        assert!((3..=7).all(|v| draws.contains(&v)));
        let top = crate::config::ms_to_us(crate::config::MAX_DELAY_MS);
        assert!(uniform_us(&mut rng, top, top) == top);
    }

    #[test]
    fn streams_are_independent_and_reproducible() {
        let k = RunKey::new(11, 2, 3);
        let x = k.stream(Stream::Network).next_u64();
        assert_eq!(x, k.stream(Stream::Network).next_u64());
        assert_ne!(x, k.stream(Stream::Adversary).next_u64());
    }
}
