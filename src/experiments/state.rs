//! The Experiments view's state as a Yew `Reducible`: the base scenario, the Byzantine range,
//! trials per point and an optional compared parameter; and, while a sweep runs, the engine's
//! [`Sweep`]s advanced a slice at a time.
//!
//! Slicing: each [`ExpAction::Slice`] runs trials in small chunks until [`SLICE_MS`] of wall
//! time has passed, then returns, so the page repaints between slices and never freezes.
//! Trial t at count m is the run keyed (seed, m, t) whichever slice runs it, so the points are
//! the CLI's `pbft-sim sweep` points exactly.
//!
//! The URL holds the experiment with the CLI's names: `?view=experiments&nodes=10&byzantine=0..=9
//! &trials=100&compare=strategy%3Dsilent` plus any scenario parameter.

use crate::url;
use pbft_charts::{ChartData, Series};
use pbft_engine::{parse_byzantine_counts, Config, Sweep, SweepPoint, PARAMETERS};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// Wall time one slice may take: a few ms, well inside a 16 ms frame.
pub const SLICE_MS: f64 = 8.0;
/// Trials run between two looks at the clock (a tutorial run takes some µs).
pub const CHUNK_RUNS: u64 = 4;
/// Trials per point unless the URL says otherwise.
pub const DEFAULT_TRIALS: u32 = 100;
/// The experiment's own fields (beside the scenario's parameters).
pub const RANGE: &str = "byzantine";
pub const TRIALS: &str = "trials";
pub const COMPARE: &str = "compare";

#[derive(Clone, Debug, PartialEq)]
pub enum ExpAction {
    /// A field changed (parameter name, text typed).
    SetParam(String, String),
    /// Start a sweep at this wall time (ms).
    Start(f64),
    /// Run one slice; the wall time (ms) when the slice is asked for.
    Slice(f64),
    Cancel,
}

/// A running or finished sweep: one engine sweep per series.
pub struct Job {
    sweeps: Vec<Sweep>,
}

#[derive(Clone)]
pub struct ExpState {
    /// The base scenario (always valid).
    pub config: Config,
    /// The compared (parameter, value) and its config, if any.
    pub compare: Option<(String, String, Config)>,
    pub counts: Vec<u32>,
    /// Whether the range follows the default 0..=min(n, f + 6) (nobody set it).
    pub range_auto: bool,
    /// What each field shows.
    pub texts: BTreeMap<String, String>,
    /// Field name → the sentence explaining what is wrong.
    pub errors: BTreeMap<String, String>,
    /// Problems found in the URL.
    pub notices: Vec<String>,
    /// Results so far: one series per sweep, with the config it ran.
    pub results: Rc<ChartData>,
    pub result_configs: Rc<Vec<Config>>,
    /// The Byzantine counts and the compared `NAME=VALUE` of the sweep that made the results
    /// (the form may have changed since): they name its exports.
    pub result_counts: Rc<Vec<u32>>,
    pub result_compare: Option<String>,
    pub running: bool,
    pub cancelled: bool,
    pub runs_done: u64,
    pub runs_total: u64,
    pub started_ms: f64,
    pub elapsed_ms: f64,
    /// Wall time spent inside slices running trials (the engine's share of `elapsed_ms`).
    pub compute_ms: f64,
    /// Bumped by every slice, so the timer effect schedules the next one.
    pub slices: u64,
    job: Rc<RefCell<Option<Job>>>,
}

/// The tutorial's default sweep for a cluster: 0..=min(n, f + 6), as the CLI.
pub fn default_counts(config: &Config) -> Vec<u32> {
    (0..=config.nodes.min(config.f() + 6)).collect()
}

/// `0..=9` for a contiguous range, else the list.
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

/// `NAME=VALUE` applied to `base`: the compared config, or why not.
pub fn compare_config(base: &Config, text: &str, counts: &[u32]) -> Result<Config, String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!(
            "'{text}' is not NAME=VALUE (for example strategy=silent or protocol=pbft)"
        ));
    };
    let name = name.trim();
    if !PARAMETERS.contains(&name) || matches!(name, "byzantine" | "byzantine-nodes" | "trials") {
        return Err(format!(
            "'{name}' cannot be compared; choose a scenario parameter such as strategy or protocol"
        ));
    }
    let mut other = base.clone();
    other.set(name, value.trim()).map_err(|e| e.to_string())?;
    check_counts(&other, counts)?;
    Ok(other)
}

/// Every count of the sweep must make a valid scenario (m ≤ n, browser limits).
fn check_counts(config: &Config, counts: &[u32]) -> Result<(), String> {
    for &m in counts {
        let c = Config {
            byzantine: m,
            byzantine_nodes: None,
            ..config.clone()
        };
        url::validate(&c).map_err(|(_, message)| message)?;
    }
    Ok(())
}

impl ExpState {
    /// The view from the page's query string; bad values fall back with a notice.
    pub fn from_query(query: &str) -> ExpState {
        let pairs = url::query_pairs(query);
        let get = |k: &str| {
            pairs
                .iter()
                .rev()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        let scenario: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "view" | RANGE | TRIALS | COMPARE))
            .cloned()
            .collect();
        let (mut config, mut notices) = url::config_from_pairs(&scenario);
        config.byzantine = 0;
        config.byzantine_nodes = None;
        config.trials = DEFAULT_TRIALS;
        let mut s = ExpState {
            texts: BTreeMap::new(),
            counts: default_counts(&config),
            range_auto: true,
            config,
            compare: None,
            errors: BTreeMap::new(),
            notices: Vec::new(),
            results: Rc::default(),
            result_configs: Rc::default(),
            result_counts: Rc::default(),
            result_compare: None,
            running: false,
            cancelled: false,
            runs_done: 0,
            runs_total: 0,
            started_ms: 0.0,
            elapsed_ms: 0.0,
            compute_ms: 0.0,
            slices: 0,
            job: Rc::default(),
        };
        s.texts = s.all_texts();
        for name in [TRIALS, RANGE, COMPARE] {
            if let Some(v) = get(name) {
                s.set_param(name, &v);
                if let Some(e) = s.errors.remove(name) {
                    notices.push(format!("{name}: {e}; using the default"));
                    s.texts = s.all_texts();
                }
            }
        }
        s.notices = notices;
        s
    }

    /// Field texts of the valid state.
    fn all_texts(&self) -> BTreeMap<String, String> {
        let mut t = crate::state::texts_for(&self.config);
        t.insert(RANGE.into(), counts_text(&self.counts));
        t.insert(TRIALS.into(), self.config.trials.to_string());
        let compare = self.compare.as_ref().map(|(k, v, _)| format!("{k}={v}"));
        t.insert(COMPARE.into(), compare.unwrap_or_default());
        t
    }

    /// The query string (with `?`) of this experiment.
    pub fn query(&self) -> String {
        // Trials are written below, against the experiment's own default.
        let mut pairs = vec![("view", "experiments".to_string())];
        pairs.extend(
            Config {
                byzantine: 0,
                trials: Config::for_protocol(self.config.protocol).trials,
                ..self.config.clone()
            }
            .to_params(),
        );
        if !self.range_auto {
            pairs.push((RANGE, counts_text(&self.counts)));
        }
        if self.config.trials != DEFAULT_TRIALS {
            pairs.push((TRIALS, self.config.trials.to_string()));
        }
        if let Some((k, v, _)) = &self.compare {
            pairs.push((COMPARE, format!("{k}={v}")));
        }
        url::query_string(&pairs)
    }

    /// The live view's query for trial 0 of count `m` of series `series` (the visualizer always
    /// shows trial 0 of a scenario).
    pub fn live_query(&self, series: usize, m: u32) -> String {
        let config = self
            .result_configs
            .get(series)
            .cloned()
            .unwrap_or_else(|| self.config.clone());
        url::query_for(&Config {
            byzantine: m,
            byzantine_nodes: None,
            ..config
        })
    }

    fn set_param(&mut self, name: &str, value: &str) {
        self.texts.insert(name.to_string(), value.to_string());
        self.errors.remove(name);
        let result = match name {
            RANGE => parse_byzantine_counts(value)
                .map_err(|e| e.to_string())
                .and_then(|counts| {
                    check_counts(&self.config, &counts)?;
                    Ok(counts)
                })
                .map(|counts| {
                    self.counts = counts;
                    self.range_auto = false;
                }),
            TRIALS => match value.trim().parse::<u32>() {
                Ok(t @ 1..=100_000) => {
                    self.config.trials = t;
                    Ok(())
                }
                _ => Err("trials must be a whole number from 1 to 100000".to_string()),
            },
            COMPARE if value.trim().is_empty() => {
                self.compare = None;
                Ok(())
            }
            COMPARE => compare_config(&self.config, value.trim(), &self.counts).map(|c| {
                let (k, v) = value.trim().split_once('=').expect("checked");
                self.compare = Some((k.trim().into(), v.trim().into(), c));
            }),
            "byzantine-nodes" if !value.trim().is_empty() => {
                Err("a sweep places Byzantine nodes at random; clear this field".to_string())
            }
            _ => {
                let mut candidate = self.config.clone();
                candidate
                    .set(name, value)
                    .map_err(|e| e.to_string())
                    .and_then(|()| {
                        let counts = if self.range_auto {
                            default_counts(&candidate)
                        } else {
                            self.counts.clone()
                        };
                        check_counts(&candidate, &counts)?;
                        let compare = match &self.compare {
                            Some((k, v, _)) => Some((
                                k.clone(),
                                v.clone(),
                                compare_config(&candidate, &format!("{k}={v}"), &counts)?,
                            )),
                            None => None,
                        };
                        self.config = candidate;
                        self.counts = counts;
                        self.compare = compare;
                        Ok(())
                    })
            }
        };
        match result {
            Ok(()) => {
                let keep = self.texts.clone();
                self.texts = self.all_texts();
                // Fields still in error keep what the person typed.
                for k in self.errors.keys() {
                    if let Some(v) = keep.get(k) {
                        self.texts.insert(k.clone(), v.clone());
                    }
                }
            }
            Err(e) => {
                self.errors.insert(name.to_string(), e);
            }
        }
    }

    /// A sweep can start: nothing is in error and none is running.
    pub fn runnable(&self) -> bool {
        self.errors.is_empty() && !self.running
    }

    fn start(&mut self, now_ms: f64) {
        let mut configs = vec![self.config.clone()];
        let mut labels = vec![match &self.compare {
            Some((k, _, _)) => format!("{k}={}", url::param_text(&self.config, k)),
            None => format!("{}, n={}", self.config.protocol.name(), self.config.nodes),
        }];
        if let Some((k, v, c)) = &self.compare {
            configs.push(c.clone());
            labels.push(format!("{k}={v}"));
        }
        let sweeps: Result<Vec<Sweep>, _> = configs
            .iter()
            .map(|c| Sweep::new(c, &self.counts))
            .collect();
        let sweeps = match sweeps {
            Ok(s) => s,
            Err(e) => {
                self.errors.insert(e.field().to_string(), e.to_string());
                return;
            }
        };
        self.runs_total = sweeps.iter().map(|s| s.progress().runs_total).sum();
        self.runs_done = 0;
        *self.job.borrow_mut() = Some(Job { sweeps });
        self.results = Rc::new(ChartData {
            series: labels
                .into_iter()
                .map(|label| Series {
                    label,
                    points: Vec::new(),
                })
                .collect(),
        });
        self.result_configs = Rc::new(configs);
        self.result_counts = Rc::new(self.counts.clone());
        self.result_compare = self.compare.as_ref().map(|(k, v, _)| format!("{k}={v}"));
        self.running = true;
        self.cancelled = false;
        self.started_ms = now_ms;
        self.elapsed_ms = 0.0;
        self.compute_ms = 0.0;
    }

    /// Runs trials until `SLICE_MS` have passed (by `clock`) or the sweep is done.
    fn slice(&mut self, clock: &dyn Fn() -> f64) {
        let mut job = self.job.borrow_mut();
        let Some(job) = job.as_mut() else {
            self.running = false;
            return;
        };
        let start = clock();
        let mut fresh: Vec<Vec<SweepPoint>> = vec![Vec::new(); job.sweeps.len()];
        loop {
            // The series least far along goes next, so both grow together.
            let next = job
                .sweeps
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.progress().finished())
                .min_by(|a, b| {
                    a.1.progress()
                        .fraction()
                        .total_cmp(&b.1.progress().fraction())
                })
                .map(|(i, _)| i);
            let Some(i) = next else {
                self.running = false;
                break;
            };
            fresh[i].extend(job.sweeps[i].advance(CHUNK_RUNS));
            if clock() - start >= SLICE_MS {
                break;
            }
        }
        self.runs_done = job.sweeps.iter().map(|s| s.progress().runs_done).sum();
        if fresh.iter().any(|f| !f.is_empty()) {
            let mut data = (*self.results).clone();
            for (series, points) in data.series.iter_mut().zip(fresh) {
                series.points.extend(points);
            }
            self.results = Rc::new(data);
        }
        let end = clock();
        self.compute_ms += end - start;
        self.elapsed_ms = end - self.started_ms;
        self.slices += 1;
    }
}

/// Wall time in ms: `performance.now()` in the browser.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        static T0: OnceLock<std::time::Instant> = OnceLock::new();
        T0.get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
            * 1000.0
    }
}

impl Reducible for ExpState {
    type Action = ExpAction;

    fn reduce(self: Rc<Self>, action: ExpAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            ExpAction::SetParam(name, value) => {
                if s.running {
                    return self;
                }
                s.set_param(&name, &value);
            }
            ExpAction::Start(now) if s.runnable() => s.start(now),
            ExpAction::Start(_) => return self,
            ExpAction::Slice(_) if !s.running => return self,
            ExpAction::Slice(_) => s.slice(&now_ms),
            ExpAction::Cancel => {
                s.running = false;
                s.cancelled = true;
                s.job.borrow_mut().take();
                s.elapsed_ms = now_ms() - s.started_ms;
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
