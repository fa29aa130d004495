//! From parsed flags to what to run: the engine's [`Experiment`], read from the same (name,
//! value) pairs the browser reads from its query string, so both faces accept and refuse the
//! same things with the same sentences (the engine's typed `ConfigError`, shown with the flag
//! it concerns).
//!
//! The one rule that is the CLI's own: `run` takes a single Byzantine count (by default the
//! scenario's `byzantine`, 0), where a sweep takes a range and by default runs the tutorial's
//! m = 0..=min(n, f + 6).

use crate::args::{Args, Command, UsageError};
use pbft_engine::{Compare, Config, ConfigError, Experiment};

/// What to run: the scenario, one Byzantine count per sweep point (one for `run`), and the
/// compared second sweep, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub config: Config,
    pub counts: Vec<u32>,
    pub compare: Option<Compare>,
}

/// A usage error carrying the engine's sentence, for the flag the engine blames.
pub fn engine_error(e: &ConfigError) -> UsageError {
    UsageError::new(Some(e.field()), e.to_string())
}

/// Builds the scenario `args` describe, or the first problem with it.
pub fn build(args: &Args) -> Result<Scenario, UsageError> {
    let mut pairs = args.params.clone();
    if let Some(text) = &args.options.compare {
        pairs.push(("compare".into(), text.clone()));
    }
    let x = Experiment::from_params(&pairs).map_err(|e| engine_error(&e))?;
    let mut config = x.config;
    let counts = match args.command {
        Command::Run => {
            let fixed = x.counts_given || config.byzantine_nodes.is_some();
            match (fixed, &x.counts[..]) {
                (false, _) => vec![config.byzantine],
                (true, [m]) => vec![*m],
                (true, counts) => {
                    let text = pairs.iter().rev().find(|(k, _)| k == "byzantine");
                    return Err(UsageError::new(
                        Some("byzantine"),
                        format!(
                            "run takes one byzantine count; '{}' gives {} (use `pbft-sim sweep` for several)",
                            text.map_or("", |(_, v)| v.trim()),
                            counts.len()
                        ),
                    ));
                }
            }
        }
        _ => x.counts,
    };
    if let [m] = counts[..] {
        config.byzantine = m;
    }
    Ok(Scenario {
        config,
        counts,
        compare: x.compare,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::parse;
    use pbft_engine::Protocol;

    fn scenario(argv: &[&str]) -> Result<Scenario, UsageError> {
        build(&parse(argv.iter().copied()).unwrap())
    }

    #[test]
    fn tutorial_defaults_sweep_zero_to_nine() {
        let s = scenario(&["sweep"]).unwrap();
        assert_eq!(s.counts, (0..=9).collect::<Vec<_>>());
        assert_eq!(s.config, Config::for_protocol(Protocol::Tutorial));
        // Small clusters stop at n.
        assert_eq!(
            scenario(&["sweep", "--nodes", "4"]).unwrap().counts,
            [0, 1, 2, 3, 4]
        );
        assert_eq!(scenario(&["run"]).unwrap().counts, [0]);
    }

    #[test]
    fn flags_apply_in_order_through_the_engine() {
        let s = scenario(&[
            "run",
            "--seed",
            "5",
            "--drop=0.25",
            "--seed",
            "6",
            "--byzantine",
            "2",
        ]);
        let s = s.unwrap();
        assert_eq!(
            (s.config.seed, s.config.drop, s.config.byzantine),
            (6, 0.25, 2)
        );
        assert_eq!(s.counts, [2]);
    }

    #[test]
    fn errors_carry_the_engine_sentence_and_flag() {
        let e = scenario(&["run", "--min-delay-ms", "50", "--max-delay-ms", "10"]).unwrap_err();
        assert_eq!(e.flag.as_deref(), Some("min-delay-ms"));
        let engine = ConfigError::DelayOrder {
            min_delay_ms: 50.0,
            max_delay_ms: 10.0,
        };
        assert_eq!(e.message, engine.to_string());
        let e = scenario(&["sweep", "--byzantine", "0..=11"]).unwrap_err();
        assert_eq!(e.flag.as_deref(), Some("byzantine"));
        let e = scenario(&["run", "--byzantine", "0..3"]).unwrap_err();
        assert_eq!(e.flag.as_deref(), Some("byzantine"));
        let e = scenario(&["run", "--byzantine", "2", "--byzantine-nodes", "1"]).unwrap_err();
        assert_eq!(e.flag.as_deref(), Some("byzantine-nodes"));
    }

    #[test]
    fn explicit_ids_fix_the_count() {
        let s = scenario(&["sweep", "--byzantine-nodes", "0,3"]).unwrap();
        assert_eq!(s.counts, [2]);
        assert_eq!(s.config.byzantine_nodes, Some(vec![0, 3]));
        assert_eq!(
            scenario(&["run", "--byzantine-nodes", "0,3"])
                .unwrap()
                .counts,
            [2]
        );
    }
}
