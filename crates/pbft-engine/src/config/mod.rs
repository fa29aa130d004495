//! The scenario: one struct whose field names are the CLI flags and the URL parameters.
//!
//! Every parameter is described once, in [`params::PARAMS`]; `Config::set("min-delay-ms", "5")`
//! parses through it for the CLI and the browser alike, [`Config::from_params`] builds a whole
//! scenario from (name, value) pairs (flags or a query string) and `Config::validate` is the
//! single place a scenario is checked.

use crate::error::ConfigError;
use crate::message::NodeId;

pub mod params;
mod values;

pub use params::{Kind, ParamSpec, PARAMS};
use values::*;
pub use values::{parse_byzantine_counts, parse_decimal, parse_partitions};

/// Largest cluster the engine accepts (bit-set vote counters and the benchmarks go this far).
pub const MAX_NODES: u32 = 512;
/// Longest one-way delay a scenario may ask for: one hour.
pub const MAX_DELAY_MS: f64 = 3_600_000.0;
/// Longest run timeout: one day of virtual time.
pub const MAX_TIMEOUT_MS: f64 = 86_400_000.0;
/// Most client requests in one run (per client; all clients together also stay within it).
pub const MAX_REQUESTS: u32 = 100_000;
/// Most PBFT clients in one run.
pub const MAX_CLIENTS: u32 = 64;
/// Most trials per sweep point.
pub const MAX_TRIALS: u32 = 1_000_000;

/// Which protocol the nodes run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Protocol {
    /// The asyncio tutorial's simplified PBFT, modelled faithfully (see `protocol::tutorial`).
    #[default]
    Tutorial,
    /// Castro & Liskov's PBFT: clients, view change, checkpoints (see `protocol::pbft`).
    Pbft,
}

impl Protocol {
    pub const NAMES: &'static [&'static str] = &["tutorial", "pbft"];

    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tutorial => "tutorial",
            Protocol::Pbft => "pbft",
        }
    }

    pub fn from_name(s: &str) -> Option<Protocol> {
        match s {
            "tutorial" => Some(Protocol::Tutorial),
            "pbft" => Some(Protocol::Pbft),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Result<Protocol, ConfigError> {
        Protocol::from_name(s.trim()).ok_or_else(|| ConfigError::UnknownChoice {
            field: "protocol",
            given: s.trim().to_string(),
        })
    }
}

/// How Byzantine nodes behave (see `adversary`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Strategy {
    /// The tutorial's behaviour: a primary equivocates per node, a replica drops or fakes PREPAREs
    /// and never sends COMMIT.
    #[default]
    Tutorial,
    /// Crashed from the start: sends nothing.
    Silent,
    /// PBFT only: a Byzantine primary sends conflicting PRE-PREPAREs to two halves of the
    /// backups; Byzantine backups vote PREPARE and COMMIT for every digest they see.
    Equivocate,
    /// PBFT only: the Byzantine nodes split the honest ones into two groups and drive each to
    /// commit a different digest at one sequence number (needs a Byzantine primary and m ≥ f + 1).
    Collude,
    /// PBFT only: in view changes, VIEW-CHANGEs that omit prepared certificates and claim a
    /// stale checkpoint, and as the new primary NEW-VIEWs whose O drops or reassigns a request
    /// (different ones to different backups); as primary of the normal case it stalls.
    Forge,
    /// Honest, but everything it sends takes `slow-ms` longer.
    Slow,
}

impl Strategy {
    pub const NAMES: &'static [&'static str] = &[
        "tutorial",
        "silent",
        "equivocate",
        "collude",
        "forge",
        "slow",
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Tutorial => "tutorial",
            Strategy::Silent => "silent",
            Strategy::Equivocate => "equivocate",
            Strategy::Collude => "collude",
            Strategy::Forge => "forge",
            Strategy::Slow => "slow",
        }
    }

    /// Whether the strategy only makes sense under PBFT (it rewrites PBFT's messages).
    pub fn pbft_only(self) -> bool {
        matches!(
            self,
            Strategy::Equivocate | Strategy::Collude | Strategy::Forge
        )
    }

    pub fn from_name(s: &str) -> Option<Strategy> {
        match s {
            "tutorial" => Some(Strategy::Tutorial),
            "silent" => Some(Strategy::Silent),
            "equivocate" => Some(Strategy::Equivocate),
            "collude" => Some(Strategy::Collude),
            "forge" => Some(Strategy::Forge),
            "slow" => Some(Strategy::Slow),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Result<Strategy, ConfigError> {
        Strategy::from_name(s.trim()).ok_or_else(|| ConfigError::UnknownChoice {
            field: "strategy",
            given: s.trim().to_string(),
        })
    }
}

/// Whether a handler takes virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Processing {
    /// Handlers take no virtual time; every delivery is handled at once.
    Concurrent,
    /// One message at a time; a handler that sends stays busy until each of its messages has been
    /// delivered or dropped (what the tutorial's `await broadcast(...)` does).
    Sequential,
}

impl Processing {
    pub const NAMES: &'static [&'static str] = &["concurrent", "sequential"];

    pub fn name(self) -> &'static str {
        match self {
            Processing::Concurrent => "concurrent",
            Processing::Sequential => "sequential",
        }
    }

    pub fn from_name(s: &str) -> Option<Processing> {
        match s {
            "concurrent" => Some(Processing::Concurrent),
            "sequential" => Some(Processing::Sequential),
            _ => None,
        }
    }
}

/// Cut `nodes` off from every other node from `from_ms` until `until_ms` (virtual time).
/// A message sent across the cut while it holds is dropped with reason `partition`.
#[derive(Clone, Debug, PartialEq)]
pub struct Partition {
    pub nodes: Vec<NodeId>,
    pub from_ms: f64,
    pub until_ms: f64,
}

/// One scenario. Field names match the CLI flags and URL parameters (`_` written `-`).
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub protocol: Protocol,
    pub nodes: u32,
    /// How many nodes are Byzantine, placed uniformly at random unless `byzantine_nodes` is set.
    pub byzantine: u32,
    /// Explicit Byzantine node ids; overrides random placement.
    pub byzantine_nodes: Option<Vec<NodeId>>,
    pub strategy: Strategy,
    pub trials: u32,
    pub min_delay_ms: f64,
    pub max_delay_ms: f64,
    /// Probability that a message is lost.
    pub drop: f64,
    /// Probability that a message is held back an extra uniform 0–20 ms (the tutorial's reorder).
    pub reorder: f64,
    /// Probability that a message is delivered twice (each copy with its own delay).
    pub duplicate: f64,
    /// A run fails if not every honest node has committed by then.
    pub timeout_ms: f64,
    pub processing: Processing,
    /// Requests per client (the tutorial: proposals by its driver).
    pub requests: u32,
    /// PBFT: independent clients, each with one outstanding request at a time (OSDI 1999 §4.1).
    pub clients: u32,
    pub partitions: Vec<Partition>,
    pub seed: u64,
    /// PBFT: a CHECKPOINT every this many executed sequence numbers (OSDI 1999 §4.3); the high
    /// watermark is the last stable checkpoint plus twice this.
    pub checkpoint_interval: u32,
    /// PBFT: the first view-change timer (and the client's retransmission timer); doubles on each
    /// successive view change. `None`: derived from the delays, see [`Config::view_timeout_us`].
    pub view_timeout_ms: Option<f64>,
    /// Strategy `slow`: extra delay on everything a Byzantine node sends.
    pub slow_ms: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config::for_protocol(Protocol::Tutorial)
    }
}

/// Most sequence numbers between two PBFT checkpoints.
pub const MAX_CHECKPOINT_INTERVAL: u32 = 1_000_000;

impl Config {
    /// The defaults of a protocol. For `tutorial` they are the tutorial's `main()`: n = 10, delays
    /// 5–35 ms, reorder 0.05, timeout 2 s, 6 trials, seed 11, sequential processing.
    pub fn for_protocol(protocol: Protocol) -> Config {
        match protocol {
            Protocol::Tutorial => Config {
                protocol,
                nodes: 10,
                byzantine: 0,
                byzantine_nodes: None,
                strategy: Strategy::Tutorial,
                trials: 6,
                min_delay_ms: 5.0,
                max_delay_ms: 35.0,
                drop: 0.0,
                reorder: 0.05,
                duplicate: 0.0,
                timeout_ms: 2000.0,
                processing: Processing::Sequential,
                requests: 1,
                clients: 1,
                partitions: Vec::new(),
                seed: 11,
                checkpoint_interval: 10,
                view_timeout_ms: None,
                slow_ms: 100.0,
            },
            // PBFT: the smallest cluster with f = 1, the tutorial's delays, a reliable network
            // (faults are opt-in), handlers that take no time, a timeout long enough for several
            // view changes.
            Protocol::Pbft => Config {
                protocol,
                nodes: 4,
                strategy: Strategy::Silent,
                trials: 100,
                reorder: 0.0,
                timeout_ms: 10_000.0,
                processing: Processing::Concurrent,
                ..Config::for_protocol(Protocol::Tutorial)
            },
        }
    }

    /// The first PBFT view-change timer in virtual µs. Unless `view-timeout-ms` is set it is
    /// `k × d`, where d is the longest one-way delay (max-delay-ms, plus the 20 ms reorder
    /// hold-back when reorder > 0, plus slow-ms when a Byzantine node is slow) and k = 8 (16
    /// under sequential processing, where each phase can also wait a delay for a busy handler).
    /// Why 8: a backup starts its timer when the client's request reaches it; an honest primary
    /// receives the same request at most d later and the three phases take at most 3d, so the
    /// request executes within 4d; twice that leaves room for jitter without a spurious view change.
    pub fn view_timeout_us(&self) -> u64 {
        if let Some(ms) = self.view_timeout_ms {
            return ms_to_us(ms).max(1);
        }
        let d = self.max_one_way_delay_ms();
        let k = match self.processing {
            Processing::Concurrent => 8.0,
            Processing::Sequential => 16.0,
        };
        ms_to_us(k * d).max(1)
    }

    /// f = floor((n − 1) / 3): the most Byzantine nodes PBFT tolerates.
    pub fn f(&self) -> u32 {
        self.nodes.saturating_sub(1) / 3
    }

    /// The quorum of the protocol's votes: 2f + 1 for the tutorial (its own rule); for `pbft`
    /// ⌈(n + f + 1)/2⌉, which is 2f + 1 when n = 3f + 1 and keeps two quorums sharing an honest
    /// replica in larger clusters (see `protocol::pbft::log`).
    pub fn quorum(&self) -> u32 {
        match self.protocol {
            Protocol::Tutorial => 2 * self.f() + 1,
            Protocol::Pbft => (self.nodes + self.f() + 2) / 2,
        }
    }

    /// The longest one-way delay a message can take, in ms: max-delay-ms, plus the 20 ms
    /// reorder hold-back when reorder > 0, plus slow-ms when a Byzantine node is slow.
    pub fn max_one_way_delay_ms(&self) -> f64 {
        let mut d = self.max_delay_ms;
        if self.reorder > 0.0 {
            d += crate::network::REORDER_EXTRA_MAX_US as f64 / 1000.0;
        }
        if self.strategy == Strategy::Slow && self.byzantine_count() > 0 {
            d += self.slow_ms;
        }
        d
    }

    /// The number of Byzantine nodes a run will have.
    pub fn byzantine_count(&self) -> u32 {
        match &self.byzantine_nodes {
            Some(ids) => ids.len() as u32,
            None => self.byzantine,
        }
    }

    /// Sets one parameter from text, by its shared name. On error nothing changes.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        params::spec(name)
            .ok_or_else(|| ConfigError::UnknownParameter {
                given: name.to_string(),
            })?
            .set(self, value)
    }

    /// The text of parameter `name` that `set(name, text)` reads back to the current value, or
    /// `None` for a name that is not a parameter. An unset optional value (random Byzantine
    /// placement, no partition, the automatic view timeout) is the empty text, which `set` reads
    /// as "unset".
    pub fn param(&self, name: &str) -> Option<String> {
        params::spec(name).map(|p| p.get(self))
    }

    /// The parameters that differ from the protocol's defaults, as (name, value) text pairs that
    /// `set` reads back: the body of a shareable URL or a CLI command line.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let base = Config::for_protocol(self.protocol);
        let mut out = vec![("protocol", self.protocol.name().to_string())];
        for p in PARAMS.iter().filter(|p| p.name != "protocol") {
            let value = p.get(self);
            if p.get(&base) != value {
                out.push((p.name, value));
            }
        }
        out
    }

    /// Checks every value; the first problem found is returned. Bounds come from the
    /// parameter table; the rules below are those that tie parameters together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for p in PARAMS {
            p.check(self)?;
        }
        if self.byzantine > self.nodes {
            return Err(ConfigError::ByzantineExceedsNodes {
                byzantine: self.byzantine as u64,
                nodes: self.nodes,
            });
        }
        if let Some(ids) = &self.byzantine_nodes {
            check_node_ids(ids, self.nodes)?;
            // A count of 0 beside explicit ids means "not given": the ids fix the count.
            if self.byzantine != 0 && self.byzantine as usize != ids.len() {
                return Err(ConfigError::ByzantineCountMismatch {
                    count: self.byzantine,
                    listed: ids.len(),
                });
            }
        }
        if self.min_delay_ms > self.max_delay_ms {
            return Err(ConfigError::DelayOrder {
                min_delay_ms: self.min_delay_ms,
                max_delay_ms: self.max_delay_ms,
            });
        }
        for p in &self.partitions {
            check_partition(p, self.nodes)?;
        }
        if self.strategy.pbft_only() && self.protocol != Protocol::Pbft {
            return Err(ConfigError::StrategyNeedsProtocol {
                strategy: self.strategy.name(),
                protocol: self.protocol.name(),
            });
        }
        self.validate_clients()?;
        self.validate_view_timeout()
    }

    /// Several clients are PBFT's; all their requests together stay within MAX_REQUESTS.
    fn validate_clients(&self) -> Result<(), ConfigError> {
        if self.clients > 1 && self.protocol != Protocol::Pbft {
            return Err(ConfigError::ClientsNeedPbft {
                clients: self.clients,
            });
        }
        if u64::from(self.clients) * u64::from(self.requests) > u64::from(MAX_REQUESTS) {
            return Err(ConfigError::TooManyRequests {
                clients: self.clients,
                requests: self.requests,
                max: MAX_REQUESTS,
            });
        }
        Ok(())
    }

    /// PBFT: a view-change timeout shorter than one message's trip expires before any request
    /// can execute, and replicas would change view forever.
    fn validate_view_timeout(&self) -> Result<(), ConfigError> {
        let Some(ms) = self.view_timeout_ms else {
            return Ok(());
        };
        let delay_ms = self.max_one_way_delay_ms();
        if self.protocol == Protocol::Pbft && ms < delay_ms {
            return Err(ConfigError::ViewTimeoutBelowDelay {
                view_timeout_ms: ms,
                delay_ms,
            });
        }
        Ok(())
    }

    /// The scenario that (name, value) pairs describe, as flags or a query string give them:
    /// the last `protocol` first (its defaults are the base), then every other pair in order
    /// through [`Config::set`], then [`Config::validate`]. A `byzantine` count given beside
    /// `byzantine-nodes` must agree with the list, whatever their order; without one, the list
    /// sets the count.
    pub fn from_params<K, V>(pairs: &[(K, V)]) -> Result<Config, ConfigError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let pairs = pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref()));
        let protocol = match pairs.clone().filter(|(k, _)| *k == "protocol").last() {
            Some((_, v)) => Protocol::parse(v)?,
            None => Protocol::default(),
        };
        let mut config = Config::for_protocol(protocol);
        let mut count_given = false;
        for (k, v) in pairs.filter(|(k, _)| *k != "protocol") {
            config.set(k, v)?;
            count_given |= k == "byzantine";
        }
        if let Some(ids) = &config.byzantine_nodes {
            if count_given && config.byzantine as usize != ids.len() {
                return Err(ConfigError::ByzantineCountMismatch {
                    count: config.byzantine,
                    listed: ids.len(),
                });
            }
            config.byzantine = ids.len() as u32;
        }
        config.validate()?;
        Ok(config)
    }

    /// This scenario with parameter `name` set to `value`, for the second series of an
    /// experiment. Every parameter still at this protocol's default takes the compared
    /// scenario's own default: comparing the tutorial with `protocol=pbft` gives pbft its own
    /// timeout, processing, reorder and strategy, so it runs PBFT as a user of pbft would.
    /// What was changed from the defaults is kept, and so are the experiment's axes (nodes and
    /// trials), so the two series share their x axis and sample sizes.
    pub fn compared(&self, name: &str, value: &str) -> Result<Config, ConfigError> {
        let spec = params::spec(name).ok_or_else(|| ConfigError::UnknownParameter {
            given: name.to_string(),
        })?;
        if matches!(spec.name, "byzantine" | "byzantine-nodes" | "trials") {
            return Err(ConfigError::NotComparable { given: spec.name });
        }
        let mut pairs = self.to_params();
        pairs.push(("nodes", self.nodes.to_string()));
        pairs.push(("trials", self.trials.to_string()));
        pairs.push((spec.name, value.to_string()));
        Config::from_params(&pairs)
    }
}

/// Milliseconds to integer virtual microseconds (values are validated, so this cannot overflow).
pub(crate) fn ms_to_us(ms: f64) -> u64 {
    (ms * 1000.0).round() as u64
}
