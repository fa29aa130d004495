//! The table itself: one entry per parameter, in the order a form shows them (see the parent
//! module for what each field means). The constructors below fill what most entries share.

use super::super::values::*;
use super::super::{
    Processing, Protocol, Strategy, MAX_CHECKPOINT_INTERVAL, MAX_CLIENTS, MAX_DELAY_MS, MAX_NODES,
    MAX_REQUESTS, MAX_TIMEOUT_MS, MAX_TRIALS,
};
use super::{Field, Kind, ParamSpec};
use crate::error::ConfigError;

/// An entry with no unit, no unset meaning, no example, for every protocol.
const fn entry(
    name: &'static str,
    label: &'static str,
    value_name: &'static str,
    help: &'static str,
    kind: Kind,
    field: Field,
) -> ParamSpec {
    ParamSpec {
        name,
        label,
        unit: None,
        value_name,
        help,
        kind,
        unset: None,
        example: None,
        only: None,
        field,
    }
}

/// A whole number from `min` to `max`.
const fn integer(
    name: &'static str,
    label: &'static str,
    value_name: &'static str,
    help: &'static str,
    (min, max): (u32, u32),
    field: Field,
) -> ParamSpec {
    let kind = Kind::Integer {
        min: min as u64,
        max: max as u64,
    };
    entry(name, label, value_name, help, kind, field)
}

/// A number of milliseconds from `min` to `max`.
const fn millis(
    name: &'static str,
    label: &'static str,
    help: &'static str,
    (min, max): (f64, f64),
    field: Field,
) -> ParamSpec {
    ParamSpec {
        unit: Some("ms"),
        ..entry(name, label, "MS", help, Kind::Number { min, max }, field)
    }
}

/// A probability.
const fn probability(
    name: &'static str,
    label: &'static str,
    help: &'static str,
    field: Field,
) -> ParamSpec {
    entry(name, label, "P", help, Kind::Probability, field)
}

fn choice<T>(
    field: &'static str,
    parse: fn(&str) -> Option<T>,
    value: &str,
) -> Result<T, ConfigError> {
    parse(value).ok_or_else(|| ConfigError::UnknownChoice {
        field,
        given: value.to_string(),
    })
}

/// The parameters, in the order a form shows them.
pub const PARAMS: &[ParamSpec] = &[
    entry(
        "protocol",
        "Protocol",
        "",
        "the protocol the nodes run; applied first, its defaults are the base",
        Kind::Choice(Protocol::NAMES),
        Field::Text(
            |c, v| choice("protocol", Protocol::from_name, v).map(|x| c.protocol = x),
            |c| c.protocol.name().into(),
        ),
    ),
    integer(
        "nodes",
        "Nodes",
        "N",
        "cluster size n; f = floor((n-1)/3)",
        (1, MAX_NODES),
        Field::U32(|c| &c.nodes, |c| &mut c.nodes),
    ),
    integer(
        "byzantine",
        "Byzantine nodes",
        "M | A..=B | A..B | A,B,..",
        "Byzantine nodes placed at random; a sweep takes a range or list, one point per count \
         (default 0..=min(n, f+6), the tutorial's)",
        (0, MAX_NODES),
        Field::U32(|c| &c.byzantine, |c| &mut c.byzantine),
    ),
    ParamSpec {
        unset: Some("random"),
        example: Some("0,3"),
        ..entry(
            "byzantine-nodes",
            "Byzantine ids",
            "ID,ID,..|none",
            "explicit Byzantine node ids (overrides random placement; fixes the count)",
            Kind::Text,
            Field::Text(
                |c, v| parse_byzantine_nodes(v).map(|x| c.byzantine_nodes = x),
                |c| match &c.byzantine_nodes {
                    None => String::new(),
                    Some(ids) if ids.is_empty() => "none".to_string(),
                    Some(ids) => join(ids),
                },
            ),
        )
    },
    entry(
        "strategy",
        "Byzantine strategy",
        "",
        "what Byzantine nodes do",
        Kind::Choice(Strategy::NAMES),
        Field::Text(
            |c, v| choice("strategy", Strategy::from_name, v).map(|x| c.strategy = x),
            |c| c.strategy.name().into(),
        ),
    ),
    integer(
        "trials",
        "Trials per point",
        "T",
        "runs per Byzantine count in a sweep",
        (1, MAX_TRIALS),
        Field::U32(|c| &c.trials, |c| &mut c.trials),
    ),
    millis(
        "min-delay-ms",
        "Min delay",
        "shortest one-way message delay",
        (0.0, MAX_DELAY_MS),
        Field::F64(|c| &c.min_delay_ms, |c| &mut c.min_delay_ms),
    ),
    millis(
        "max-delay-ms",
        "Max delay",
        "longest one-way message delay (uniform in between)",
        (0.0, MAX_DELAY_MS),
        Field::F64(|c| &c.max_delay_ms, |c| &mut c.max_delay_ms),
    ),
    probability(
        "drop",
        "Drop probability",
        "probability a message is lost",
        Field::F64(|c| &c.drop, |c| &mut c.drop),
    ),
    probability(
        "reorder",
        "Reorder probability",
        "probability a message is held back an extra 0-20 ms",
        Field::F64(|c| &c.reorder, |c| &mut c.reorder),
    ),
    probability(
        "duplicate",
        "Duplicate probability",
        "probability a message is delivered twice",
        Field::F64(|c| &c.duplicate, |c| &mut c.duplicate),
    ),
    // Below a microsecond the timeout would round to zero virtual time.
    millis(
        "timeout-ms",
        "Run timeout",
        "a run fails unless it succeeds by then (virtual time)",
        (0.001, MAX_TIMEOUT_MS),
        Field::F64(|c| &c.timeout_ms, |c| &mut c.timeout_ms),
    ),
    entry(
        "processing",
        "Processing",
        "",
        "sequential: one message at a time, busy until a broadcast lands (the tutorial)",
        Kind::Choice(Processing::NAMES),
        Field::Text(
            |c, v| choice("processing", Processing::from_name, v).map(|x| c.processing = x),
            |c| c.processing.name().into(),
        ),
    ),
    integer(
        "requests",
        "Requests",
        "R",
        "requests per client (tutorial: proposals per run)",
        (1, MAX_REQUESTS),
        Field::U32(|c| &c.requests, |c| &mut c.requests),
    ),
    ParamSpec {
        only: Some(Protocol::Pbft),
        ..integer(
            "clients",
            "Clients",
            "C",
            "independent clients, one outstanding request each",
            (1, MAX_CLIENTS),
            Field::U32(|c| &c.clients, |c| &mut c.clients),
        )
    },
    ParamSpec {
        unset: Some("none"),
        example: Some("0,1@100-500"),
        ..entry(
            "partition",
            "Partitions",
            "IDS@FROM-UNTIL;..",
            "cut nodes off from FROM to UNTIL ms, e.g. 0,1@100-500",
            Kind::Text,
            Field::Text(
                |c, v| parse_partitions(v).map(|x| c.partitions = x),
                |c| format_partitions(&c.partitions),
            ),
        )
    },
    // Every u64 is a seed: nothing to bound (and as an f64 it would round).
    entry(
        "seed",
        "Seed",
        "S",
        "base seed; run (seed, byzantine, trial) is reproducible",
        Kind::Integer {
            min: 0,
            max: u64::MAX,
        },
        Field::Text(
            |c, v| parse_u64("seed", v).map(|x| c.seed = x),
            |c| c.seed.to_string(),
        ),
    ),
    ParamSpec {
        unit: Some("sequence numbers"),
        only: Some(Protocol::Pbft),
        ..integer(
            "checkpoint-interval",
            "Checkpoint interval K",
            "K",
            "a CHECKPOINT every K sequence numbers; high watermark = stable + 2K",
            (1, MAX_CHECKPOINT_INTERVAL),
            Field::U32(|c| &c.checkpoint_interval, |c| &mut c.checkpoint_interval),
        )
    },
    ParamSpec {
        value_name: "MS|auto",
        unset: Some("auto"),
        only: Some(Protocol::Pbft),
        ..millis(
            "view-timeout-ms",
            "View-change timeout",
            "view-change timer T (T, T, 2T, 4T... while primaries fail; also the first period of \
             the client's retransmission timer); at least the longest one-way delay; auto: 8x \
             that delay (16x under sequential processing)",
            (0.001, MAX_TIMEOUT_MS),
            Field::OptF64(|c| &c.view_timeout_ms, |c| &mut c.view_timeout_ms),
        )
    },
    millis(
        "slow-ms",
        "Slow node's extra delay",
        "strategy slow: extra delay on everything a Byzantine node sends",
        (0.0, MAX_DELAY_MS),
        Field::F64(|c| &c.slow_ms, |c| &mut c.slow_ms),
    ),
];
