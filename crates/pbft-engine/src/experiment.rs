//! An experiment: one scenario swept over Byzantine counts m, `trials` runs at each, optionally
//! beside a second series with one parameter changed. The CLI's `pbft-sim sweep` and the
//! browser's Experiments view both read it from the same (name, value) pairs, so the same flags
//! and the same query string give the same experiment or the same error.
//!
//! Beside the scenario's parameters ([`crate::PARAMS`]) an experiment reads:
//! - `byzantine` as a count (`3`), a range (`0..=9`, `0..10`) or a list (`0,2,4`); without it the
//!   tutorial's sweep, m = 0..=min(n, f + 6); explicit `byzantine-nodes` fix a single count;
//! - `compare` = `NAME=VALUE`: the second series (see [`Config::compared`] for what it keeps).

use crate::config::params::spec;
use crate::{parse_byzantine_counts, Config, ConfigError};

/// The experiment's own parameter names, beside the scenario's.
pub const RANGE: &str = "byzantine";
pub const COMPARE: &str = "compare";

/// The second series: one parameter changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Compare {
    /// The parameter changed (a name of [`crate::PARAMS`]).
    pub name: &'static str,
    /// Its value in the second series, as given.
    pub value: String,
    /// The second series' scenario.
    pub config: Config,
}

impl Compare {
    /// Reads `NAME=VALUE` against `base`, checking every count of the sweep.
    pub fn parse(base: &Config, text: &str, counts: &[u32]) -> Result<Compare, ConfigError> {
        let text = text.trim();
        let (name, value) = text
            .split_once('=')
            .ok_or_else(|| ConfigError::BadCompare {
                given: text.to_string(),
            })?;
        let (name, value) = (name.trim().trim_start_matches("--"), value.trim());
        let in_compare = |e: ConfigError| ConfigError::InCompare {
            given: text.to_string(),
            error: Box::new(e),
        };
        let config = base.compared(name, value).map_err(in_compare)?;
        check_counts(&config, counts).map_err(in_compare)?;
        let name = spec(name).expect("compared checks the name").name;
        Ok(Compare {
            name,
            value: value.to_string(),
            config,
        })
    }

    /// The legend labels of the first and the second series: `strategy=tutorial`,
    /// `strategy=silent`.
    pub fn labels(&self, base: &Config) -> (String, String) {
        let current = base.param(self.name).filter(|t| !t.is_empty());
        (
            format!("{}={}", self.name, current.as_deref().unwrap_or("default")),
            format!("{}={}", self.name, self.value),
        )
    }
}

/// A sweep: the scenario, the counts and the optional second series.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// The scenario; `byzantine` is the single count given, if one was.
    pub config: Config,
    /// The Byzantine counts, one sweep point each, in the order given.
    pub counts: Vec<u32>,
    /// Whether `byzantine` was given (otherwise the counts follow the cluster size).
    pub counts_given: bool,
    pub compare: Option<Compare>,
}

impl Experiment {
    /// The experiment that (name, value) pairs describe; the last of a repeated name wins,
    /// except that scenario parameters apply in order (see [`Config::from_params`]).
    pub fn from_params<K, V>(pairs: &[(K, V)]) -> Result<Experiment, ConfigError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .collect();
        let last = |name: &str| pairs.iter().rev().find(|(k, _)| *k == name).map(|p| p.1);
        let given = match last(RANGE) {
            Some(text) => Some(parse_byzantine_counts(text)?),
            None => None,
        };
        let scenario: Vec<(&str, &str)> = pairs
            .iter()
            .copied()
            .filter(|(k, _)| *k != RANGE && *k != COMPARE)
            .collect();
        let mut config = Config::from_params(&scenario)?;
        let counts = match (&config.byzantine_nodes, &given) {
            // Explicit ids fix the count; a `byzantine` beside them must agree.
            (Some(ids), Some(counts)) if counts[..] != [ids.len() as u32] => {
                return Err(ConfigError::ByzantineCountMismatch {
                    count: counts[0],
                    listed: ids.len(),
                })
            }
            (Some(ids), _) => vec![ids.len() as u32],
            (None, Some(counts)) => counts.clone(),
            (None, None) => default_counts(&config),
        };
        if let [m] = counts[..] {
            config.byzantine = m;
        }
        check_counts(&config, &counts)?;
        let compare = match last(COMPARE).map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => Some(Compare::parse(&config, text, &counts)?),
            None => None,
        };
        Ok(Experiment {
            config,
            counts,
            counts_given: given.is_some(),
            compare,
        })
    }

    /// The series to run: (legend label, scenario), the first one first.
    pub fn series(&self) -> Vec<(String, Config)> {
        series(&self.config, self.compare.as_ref())
    }

    /// The (name, value) pairs that [`Experiment::from_params`] reads back to this experiment:
    /// the scenario's non-default parameters, the counts when given, the comparison.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = self
            .config
            .to_params()
            .into_iter()
            .filter(|(k, _)| *k != RANGE)
            .collect();
        if self.counts_given && self.config.byzantine_nodes.is_none() {
            out.push((RANGE, counts_text(&self.counts)));
        }
        if let Some(c) = &self.compare {
            out.push((COMPARE, format!("{}={}", c.name, c.value)));
        }
        out
    }

    /// Runs in the whole experiment.
    pub fn runs(&self) -> u64 {
        let series = 1 + u64::from(self.compare.is_some());
        series * self.counts.len() as u64 * u64::from(self.config.trials)
    }
}

/// The series of a sweep of `config` beside `compare`: (legend label, scenario), the first one
/// first. Alone, the label names the protocol and n; beside a comparison, the changed parameter.
pub fn series(config: &Config, compare: Option<&Compare>) -> Vec<(String, Config)> {
    match compare {
        None => vec![(
            format!("{}, n={}", config.protocol.name(), config.nodes),
            config.clone(),
        )],
        Some(c) => {
            let (first, second) = c.labels(config);
            vec![(first, config.clone()), (second, c.config.clone())]
        }
    }
}

/// The tutorial's sweep for a cluster of `config.nodes`: m = 0..=min(n, f + 6), which is 0..=9
/// for the tutorial's n = 10.
pub fn default_counts(config: &Config) -> Vec<u32> {
    (0..=config.nodes.min(config.f() + 6)).collect()
}

/// `0..=9` for a contiguous range, else the list `0,2,4`: text `byzantine` reads back.
pub fn counts_text(counts: &[u32]) -> String {
    let contiguous = counts.windows(2).all(|w| w[1] == w[0] + 1);
    match (counts.first(), counts.last()) {
        (Some(a), Some(b)) if contiguous && counts.len() > 1 => format!("{a}..={b}"),
        _ => counts
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Every count of a sweep must make a valid scenario.
pub fn check_counts(config: &Config, counts: &[u32]) -> Result<(), ConfigError> {
    for &m in counts {
        let ids = config
            .byzantine_nodes
            .as_ref()
            .filter(|ids| ids.len() as u32 == m);
        Config {
            byzantine: m,
            byzantine_nodes: ids.cloned(),
            ..config.clone()
        }
        .validate()?;
    }
    Ok(())
}
