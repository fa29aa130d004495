//! The network model: what happens to one transmission.
//!
//! Follows the tutorial's `Network.send`: first a drop check, then a delay uniform in
//! [min_delay_ms, max_delay_ms], then with probability `reorder` an extra delay uniform in
//! 0–20 ms. Beyond the tutorial: duplicates (a second, independently delayed copy) and scheduled
//! partitions. Every random draw comes from the run's network stream, in a fixed order.

use crate::config::{ms_to_us, Config};
use crate::message::NodeId;
use crate::rng::{coin, uniform_us};
use crate::trace::DropReason;
use rand_chacha::ChaCha8Rng;

/// The tutorial's reorder hold-back: `random.uniform(0.0, 0.02)` seconds.
pub const REORDER_EXTRA_MAX_US: u64 = 20_000;

/// What the network does with one transmission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Lost when sent.
    Dropped(DropReason),
    /// Delivered after `delay_us`, and a second copy after `duplicate_us` if duplicated.
    Delivered {
        delay_us: u64,
        duplicate_us: Option<u64>,
    },
}

struct Cut {
    inside: Vec<bool>,
    from_us: u64,
    until_us: u64,
}

/// The per-run network parameters in virtual microseconds.
pub struct Network {
    min_delay_us: u64,
    max_delay_us: u64,
    drop: f64,
    reorder: f64,
    duplicate: f64,
    cuts: Vec<Cut>,
    rng: ChaCha8Rng,
}

impl Network {
    /// The network of a validated `config`, drawing from `rng`.
    pub fn new(config: &Config, rng: ChaCha8Rng) -> Network {
        let cuts = config
            .partitions
            .iter()
            .map(|p| {
                let mut inside = vec![false; config.nodes as usize];
                for &id in &p.nodes {
                    inside[id as usize] = true;
                }
                Cut {
                    inside,
                    from_us: ms_to_us(p.from_ms),
                    until_us: ms_to_us(p.until_ms),
                }
            })
            .collect();
        Network {
            min_delay_us: ms_to_us(config.min_delay_ms),
            max_delay_us: ms_to_us(config.max_delay_ms),
            drop: config.drop,
            reorder: config.reorder,
            duplicate: config.duplicate,
            cuts,
            rng,
        }
    }

    /// Whether a scheduled partition separates `a` and `b` at `now_us`.
    pub fn partitioned(&self, a: NodeId, b: NodeId, now_us: u64) -> bool {
        self.cuts.iter().any(|c| {
            (c.from_us..c.until_us).contains(&now_us)
                && c.inside[a as usize] != c.inside[b as usize]
        })
    }

    /// Decides the fate of a message sent from `from` to `to` at `now_us`.
    pub fn transmit(&mut self, from: NodeId, to: NodeId, now_us: u64) -> Fate {
        if self.partitioned(from, to, now_us) {
            return Fate::Dropped(DropReason::Partition);
        }
        if coin(&mut self.rng, self.drop) {
            return Fate::Dropped(DropReason::Loss);
        }
        let delay_us = self.delay();
        let duplicate_us = if coin(&mut self.rng, self.duplicate) {
            Some(self.delay())
        } else {
            None
        };
        Fate::Delivered {
            delay_us,
            duplicate_us,
        }
    }

    fn delay(&mut self) -> u64 {
        let mut d = if self.min_delay_us == self.max_delay_us {
            self.min_delay_us
        } else {
            uniform_us(&mut self.rng, self.min_delay_us, self.max_delay_us)
        };
        if coin(&mut self.rng, self.reorder) {
            d += uniform_us(&mut self.rng, 0, REORDER_EXTRA_MAX_US);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{RunKey, Stream};

    fn net(config: &Config) -> Network {
        Network::new(config, RunKey::new(1, 0, 0).stream(Stream::Network))
    }

    #[test]
    fn constant_delay_is_exact() {
        let c = Config {
            min_delay_ms: 10.0,
            max_delay_ms: 10.0,
            reorder: 0.0,
            ..Config::default()
        };
        c.validate().unwrap();
        let mut n = net(&c);
        for _ in 0..100 {
            assert_eq!(
                n.transmit(0, 1, 0),
                Fate::Delivered {
                    delay_us: 10_000,
                    duplicate_us: None
                }
            );
        }
    }

    #[test]
    fn delays_stay_in_bounds_with_reorder() {
        let c = Config {
            min_delay_ms: 5.0,
            max_delay_ms: 35.0,
            reorder: 1.0,
            ..Config::default()
        };
        let mut n = net(&c);
        for _ in 0..1000 {
            match n.transmit(0, 1, 0) {
                Fate::Delivered { delay_us, .. } => assert!((5_000..=55_000).contains(&delay_us)),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn partition_cuts_only_across_and_only_while_it_holds() {
        let mut c = Config::default();
        c.set("partition", "0,1@100-200").unwrap();
        let mut n = net(&c);
        assert_eq!(
            n.transmit(0, 5, 150_000),
            Fate::Dropped(DropReason::Partition)
        );
        assert!(matches!(n.transmit(0, 1, 150_000), Fate::Delivered { .. }));
        assert!(matches!(n.transmit(0, 5, 200_000), Fate::Delivered { .. }));
        assert!(matches!(n.transmit(0, 5, 99_999), Fate::Delivered { .. }));
    }

    #[test]
    fn drop_one_loses_everything() {
        let c = Config {
            drop: 1.0,
            ..Config::default()
        };
        let mut n = net(&c);
        assert_eq!(n.transmit(2, 3, 0), Fate::Dropped(DropReason::Loss));
    }
}
