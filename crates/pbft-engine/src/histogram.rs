//! A log-linear histogram of microsecond latencies with bounded memory and relative error.
//!
//! Values below 2048 µs are kept exactly; above, each power of two is split into 1024 buckets,
//! so a bucket's midpoint is within 0.05 % of any value in it. At most ~56k distinct buckets can
//! exist, and a sweep point only holds the ones it touched: memory does not grow with trials.

use std::collections::BTreeMap;

const SUB_BITS: u32 = 10;
const EXACT_BELOW: u64 = 1 << (SUB_BITS + 1);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    buckets: BTreeMap<u32, u64>,
    count: u64,
    max: Option<u64>,
}

fn bucket_of(v: u64) -> u32 {
    if v < EXACT_BELOW {
        return v as u32;
    }
    let exp = 63 - v.leading_zeros(); // >= SUB_BITS + 1
    let mantissa = (v >> (exp - SUB_BITS)) as u32; // in [2^SUB_BITS, 2^(SUB_BITS+1))
    EXACT_BELOW as u32 + (exp - SUB_BITS - 1) * (1 << SUB_BITS) + (mantissa - (1 << SUB_BITS))
}

/// The midpoint of a bucket (the value itself below `EXACT_BELOW`).
fn value_of(bucket: u32) -> u64 {
    if u64::from(bucket) < EXACT_BELOW {
        return u64::from(bucket);
    }
    let rel = bucket - EXACT_BELOW as u32;
    let exp = rel / (1 << SUB_BITS) + SUB_BITS + 1;
    let mantissa = u64::from(rel % (1 << SUB_BITS) + (1 << SUB_BITS));
    let width = 1u64 << (exp - SUB_BITS);
    (mantissa << (exp - SUB_BITS)) + width / 2
}

impl Histogram {
    pub fn record(&mut self, v: u64) {
        *self.buckets.entry(bucket_of(v)).or_insert(0) += 1;
        self.count += 1;
        self.max = Some(self.max.map_or(v, |m| m.max(v)));
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (&b, &c) in &other.buckets {
            *self.buckets.entry(b).or_insert(0) += c;
        }
        self.count += other.count;
        self.max = match (self.max, other.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The exact largest value recorded.
    pub fn max(&self) -> Option<u64> {
        self.max
    }

    /// Nearest-rank quantile `q` in [0, 1]: the smallest value with at least q of the values at or
    /// below it.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (&b, &c) in &self.buckets {
            seen += c;
            if seen >= rank {
                return Some(value_of(b).min(self.max.unwrap_or(u64::MAX)));
            }
        }
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_are_exact() {
        let mut h = Histogram::default();
        for v in [1, 5, 5, 9, 2000] {
            h.record(v);
        }
        assert_eq!(h.quantile(0.5), Some(5));
        assert_eq!(h.quantile(1.0), Some(2000));
        assert_eq!(h.quantile(0.0), Some(1));
    }

    #[test]
    fn large_values_within_half_a_permille() {
        for v in [2048u64, 2049, 100_000, 220_123, 1_999_999, 86_400_000_000] {
            let got = value_of(bucket_of(v));
            let err = (got as f64 - v as f64).abs() / v as f64;
            assert!(err <= 0.0005, "{v} -> {got} ({err})");
        }
    }

    #[test]
    fn buckets_are_monotone() {
        let mut last = 0;
        for v in (0..5_000_000u64).step_by(997) {
            let b = bucket_of(v);
            assert!(b >= last);
            last = b;
        }
    }

    #[test]
    fn merge_equals_recording_everything() {
        let (mut a, mut b, mut all) = (
            Histogram::default(),
            Histogram::default(),
            Histogram::default(),
        );
        for v in 0..1000u64 {
            let x = v * 7919 % 300_000;
            if v % 3 == 0 {
                a.record(x)
            } else {
                b.record(x)
            }
            all.record(x);
        }
        a.merge(&b);
        assert_eq!(a, all);
    }
}
