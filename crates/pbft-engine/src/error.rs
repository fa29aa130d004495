//! Typed configuration errors, each with a sentence a person understands.
//!
//! Every check lives in [`crate::Config::validate`] and the parsers beside it, so the CLI, the URL
//! parser and the browser's form all report the same words for the same mistake.

use std::fmt;

/// Why a configuration cannot be run. `field()` names the parameter at fault, using the shared
/// vocabulary (CLI flag without `--`, URL parameter), so a form can show the message beside it.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigError {
    ByzantineExceedsNodes {
        byzantine: u64,
        nodes: u32,
    },
    ByzantineNodeOutOfRange {
        id: u64,
        nodes: u32,
    },
    ByzantineNodeRepeated {
        id: u32,
    },
    ByzantineCountTooLarge {
        given: String,
        max: u32,
    },
    ByzantineCountMismatch {
        count: u32,
        listed: usize,
    },
    DelayOrder {
        min_delay_ms: f64,
        max_delay_ms: f64,
    },
    /// A number outside the bounds the parameter table gives `field`.
    OutOfRange {
        field: &'static str,
        given: String,
    },
    /// A name that is not one of `field`'s choices.
    UnknownChoice {
        field: &'static str,
        given: String,
    },
    UnknownParameter {
        given: String,
    },
    /// `compare` is not `NAME=VALUE`.
    BadCompare {
        given: String,
    },
    /// `compare` names a parameter an experiment cannot compare (its x axis or trials).
    NotComparable {
        given: &'static str,
    },
    /// The compared scenario `given` is not valid.
    InCompare {
        given: String,
        error: Box<ConfigError>,
    },
    NotANumber {
        field: &'static str,
        given: String,
    },
    BadByzantineRange {
        given: String,
    },
    BadPartition {
        given: String,
        why: &'static str,
    },
    PartitionNodeOutOfRange {
        id: u32,
        nodes: u32,
    },
    StrategyNeedsProtocol {
        strategy: &'static str,
        protocol: &'static str,
    },
    ClientsNeedPbft {
        clients: u32,
    },
    TooManyRequests {
        clients: u32,
        requests: u32,
        max: u32,
    },
    ViewTimeoutBelowDelay {
        view_timeout_ms: f64,
        delay_ms: f64,
    },
}

impl ConfigError {
    /// The parameter at fault, in the shared vocabulary (`nodes`, `min-delay-ms`, ...).
    pub fn field(&self) -> &'static str {
        use ConfigError::*;
        match self {
            OutOfRange { field, .. } | UnknownChoice { field, .. } | NotANumber { field, .. } => {
                field
            }
            ByzantineExceedsNodes { .. }
            | BadByzantineRange { .. }
            | ByzantineCountTooLarge { .. } => "byzantine",
            ByzantineNodeOutOfRange { .. }
            | ByzantineNodeRepeated { .. }
            | ByzantineCountMismatch { .. } => "byzantine-nodes",
            DelayOrder { .. } => "min-delay-ms",
            UnknownParameter { .. } => "parameter",
            BadCompare { .. } | NotComparable { .. } | InCompare { .. } => "compare",
            BadPartition { .. } | PartitionNodeOutOfRange { .. } => "partition",
            StrategyNeedsProtocol { .. } => "strategy",
            ClientsNeedPbft { .. } => "clients",
            TooManyRequests { .. } => "requests",
            ViewTimeoutBelowDelay { .. } => "view-timeout-ms",
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ConfigError::*;
        match self {
            ByzantineExceedsNodes { byzantine, nodes } => write!(
                f,
                "byzantine ({byzantine}) cannot exceed the number of nodes ({nodes})"
            ),
            ByzantineNodeOutOfRange { id, nodes } => write!(
                f,
                "byzantine node {id} does not exist: node ids run from 0 to {}",
                nodes.saturating_sub(1)
            ),
            ByzantineNodeRepeated { id } => {
                write!(f, "byzantine node {id} is listed more than once")
            }
            ByzantineCountMismatch { count, listed } => write!(
                f,
                "byzantine says {count} nodes but byzantine-nodes lists {listed}; give one or make them agree"
            ),
            DelayOrder { min_delay_ms, max_delay_ms } => write!(
                f,
                "min-delay-ms ({min_delay_ms}) must not be greater than max-delay-ms ({max_delay_ms})"
            ),
            OutOfRange { field, given } => match crate::config::params::spec(field) {
                Some(p) if p.kind == crate::config::Kind::Probability => write!(
                    f,
                    "{field} is a probability and must be between 0 and 1; {given} was given"
                ),
                Some(p) => write!(
                    f,
                    "{field} must be {}; {given} was given",
                    p.range_text()
                ),
                None => write!(f, "{field} is out of range; {given} was given"),
            },
            UnknownChoice { field, given } => {
                let choices = crate::config::params::spec(field).and_then(|p| p.choices());
                write!(
                    f,
                    "unknown {field} '{given}'; choose one of: {}",
                    choices.unwrap_or_default().join(", ")
                )
            }
            UnknownParameter { given } => write!(f, "unknown parameter '{given}'"),
            BadCompare { given } => write!(
                f,
                "compare '{given}' is not NAME=VALUE (for example strategy=silent or protocol=pbft)"
            ),
            NotComparable { given } => write!(
                f,
                "compare cannot change {given}: it is the experiment's x axis or sample size; \
                 compare another parameter such as strategy or protocol"
            ),
            InCompare { given, error } => write!(f, "compare {given}: {error}"),
            NotANumber { field, given } => {
                write!(f, "{field} must be a number; '{given}' is not one")
            }
            ByzantineCountTooLarge { given, max } => write!(
                f,
                "byzantine '{given}' asks for more than {max} Byzantine nodes, the most a scenario can have"
            ),
            BadByzantineRange { given } => write!(
                f,
                "byzantine must be a count (3), a range (0..=9 or 0..10) or a list (0,2,4); '{given}' is none of these"
            ),
            BadPartition { given, why } => write!(
                f,
                "partition '{given}' is not valid: {why} (write nodes@from_ms-until_ms, e.g. 0,1@100-500; separate several with ';')"
            ),
            PartitionNodeOutOfRange { id, nodes } => write!(
                f,
                "partition names node {id}, but node ids run from 0 to {}",
                nodes.saturating_sub(1)
            ),
            StrategyNeedsProtocol { strategy, protocol } => write!(
                f,
                "strategy '{strategy}' rewrites PBFT's messages and needs protocol pbft; protocol '{protocol}' cannot run it (choose tutorial, silent or slow)"
            ),
            ClientsNeedPbft { clients } => write!(
                f,
                "clients = {clients} needs protocol pbft: the tutorial has no clients, its driver proposes every request"
            ),
            TooManyRequests { clients, requests, max } => write!(
                f,
                "{clients} clients × {requests} requests is more than {max} requests in one run; lower one of them"
            ),
            ViewTimeoutBelowDelay { view_timeout_ms, delay_ms } => write!(
                f,
                "view-timeout-ms ({view_timeout_ms}) is shorter than the longest one-way delay ({delay_ms} ms): \
                 the timer would expire before any request could execute and the replicas would change view forever; \
                 give at least {delay_ms} ms"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}
