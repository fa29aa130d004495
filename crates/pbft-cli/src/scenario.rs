//! From parsed flags to an engine [`Config`] and the Byzantine counts to run.
//!
//! The protocol is applied first (`Config::for_protocol`), because its defaults are the base the
//! other flags change; then every other parameter goes through `Config::set` in the order given,
//! and `Config::validate` has the last word. Every error is the engine's own typed `ConfigError`,
//! shown with the flag it concerns, so the CLI, the URL parser and the browser's form say the same
//! thing about the same mistake.
//!
//! `--byzantine` is the one parameter the CLI reads itself: a sweep takes a count, a range or a
//! list (`parse_byzantine_counts`), a run exactly one count. With no `--byzantine`, a sweep
//! reproduces the tutorial's `main()`: m = 0..=min(n, f + 6), which is 0..=9 for n = 10.

use crate::args::{Args, Command, UsageError};
use pbft_engine::{parse_byzantine_counts, Config, ConfigError, Protocol};

/// What to run: the scenario and one Byzantine count per sweep point (one for `run`).
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub config: Config,
    pub counts: Vec<u32>,
}

/// A usage error for `flag` carrying the engine's sentence.
pub fn engine_error(flag: &str, e: &ConfigError) -> UsageError {
    UsageError::new(Some(flag), e.to_string())
}

/// The error of a whole-config check, named by the field the engine blames.
fn invalid(e: ConfigError) -> UsageError {
    engine_error(e.field(), &e)
}

/// The tutorial's default sweep for a cluster of `config.nodes`: 0..=min(n, f + 6).
pub fn default_counts(config: &Config) -> Vec<u32> {
    (0..=config.nodes.min(config.f() + 6)).collect()
}

/// Builds the scenario `args` describe, or the first problem with it.
pub fn build(args: &Args) -> Result<Scenario, UsageError> {
    let protocol = match args.params.iter().rev().find(|(n, _)| n == "protocol") {
        Some((_, value)) => {
            Protocol::parse(value.trim()).map_err(|e| engine_error("protocol", &e))?
        }
        None => Protocol::default(),
    };
    let mut config = Config::for_protocol(protocol);
    let mut byzantine: Option<(Vec<u32>, &str)> = None;
    for (name, value) in &args.params {
        match name.as_str() {
            "protocol" => {}
            "byzantine" => {
                let counts =
                    parse_byzantine_counts(value).map_err(|e| engine_error("byzantine", &e))?;
                byzantine = Some((counts, value.as_str()));
            }
            _ => config
                .set(name, value)
                .map_err(|e| engine_error(name, &e))?,
        }
    }
    config.validate().map_err(invalid)?;

    let counts = match (&config.byzantine_nodes, byzantine) {
        (Some(ids), given) => {
            // Explicit ids fix the count; a --byzantine beside them must agree.
            let listed = ids.len();
            if let Some((counts, _)) = given {
                if counts.len() != 1 || counts[0] as usize != listed {
                    return Err(invalid(ConfigError::ByzantineCountMismatch {
                        count: counts[0],
                        listed,
                    }));
                }
            }
            vec![listed as u32]
        }
        (None, Some((counts, text))) => {
            if args.command == Command::Run && counts.len() != 1 {
                return Err(UsageError::new(
                    Some("byzantine"),
                    format!(
                        "run takes one byzantine count; '{}' gives {} (use `pbft-sim sweep` for several)",
                        text.trim(),
                        counts.len()
                    ),
                ));
            }
            counts
        }
        (None, None) if args.command == Command::Run => vec![config.byzantine],
        (None, None) => default_counts(&config),
    };
    for &m in &counts {
        Config {
            byzantine: m,
            ..config.clone()
        }
        .validate()
        .map_err(invalid)?;
    }
    if args.command == Command::Run {
        config.byzantine = counts[0];
    }
    Ok(Scenario { config, counts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::parse;

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
    }
}
