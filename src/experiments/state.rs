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
//! &trials=100&compare=strategy%3Dsilent` plus any scenario parameter. The engine's
//! [`Experiment`] reads it, and every edit of a field, from the same (name, value) pairs as
//! `pbft-sim sweep` reads its flags: the same rules, defaults and sentences.

use crate::url;
use pbft_charts::{ChartData, Series};
use pbft_engine::config::params::spec;
use pbft_engine::experiment::counts_text;
use pbft_engine::{Compare, Config, Experiment, Sweep, SweepPoint};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// Wall time one slice may take: a few ms, well inside a 16 ms frame.
pub const SLICE_MS: f64 = 8.0;
/// Trials run between two looks at the clock (a tutorial run takes some µs).
pub const CHUNK_RUNS: u64 = 4;
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

impl ExpState {
    /// The view from the page's query string; bad values fall back with a notice.
    pub fn from_query(query: &str) -> ExpState {
        let pairs: Vec<(String, String)> = url::query_pairs(query)
            .into_iter()
            .filter(|(k, _)| k != "view")
            .collect();
        let (x, notices) = url::lenient(&pairs, url::read_experiment);
        let mut s = ExpState {
            texts: BTreeMap::new(),
            counts: Vec::new(),
            range_auto: true,
            config: Config::default(),
            compare: None,
            errors: BTreeMap::new(),
            notices,
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
        s.adopt(x);
        s.texts = s.all_texts();
        s
    }

    /// Takes the engine's reading of the form.
    fn adopt(&mut self, x: Experiment) {
        self.config = x.config;
        self.counts = x.counts;
        self.range_auto = !x.counts_given;
        self.compare = x.compare.map(|c| (c.name.to_string(), c.value, c.config));
    }

    /// The experiment on screen, as the engine's type.
    pub fn experiment(&self) -> Experiment {
        let compare = self.compare.as_ref().and_then(|(k, v, c)| {
            Some(Compare {
                name: spec(k)?.name,
                value: v.clone(),
                config: c.clone(),
            })
        });
        Experiment {
            config: self.config.clone(),
            counts: self.counts.clone(),
            counts_given: !self.range_auto,
            compare,
        }
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
        let mut pairs = vec![("view", "experiments".to_string())];
        pairs.extend(self.experiment().to_params());
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

    /// A field changed: the engine reads the experiment again with the new text in place of
    /// the old (an empty range or comparison goes back to none given).
    fn set_param(&mut self, name: &str, value: &str) {
        self.texts.insert(name.to_string(), value.to_string());
        self.errors.remove(name);
        let mut pairs: Vec<(String, String)> = self
            .experiment()
            .to_params()
            .into_iter()
            .filter(|(k, _)| *k != name)
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        if !(value.trim().is_empty() && matches!(name, RANGE | COMPARE)) {
            pairs.push((name.to_string(), value.to_string()));
        }
        match url::read_experiment(&pairs) {
            Ok(x) => {
                self.adopt(x);
                let keep = self.texts.clone();
                self.texts = self.all_texts();
                // Fields still in error keep what the person typed.
                for k in self.errors.keys() {
                    if let Some(v) = keep.get(k) {
                        self.texts.insert(k.clone(), v.clone());
                    }
                }
            }
            Err(p) => {
                self.errors.insert(name.to_string(), p.message);
            }
        }
    }

    /// A sweep can start: nothing is in error and none is running.
    pub fn runnable(&self) -> bool {
        self.errors.is_empty() && !self.running
    }

    fn start(&mut self, now_ms: f64) {
        let (labels, configs): (Vec<String>, Vec<Config>) =
            self.experiment().series().into_iter().unzip();
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
