//! # pbft-engine
//!
//! A deterministic discrete-event simulator of Practical Byzantine Fault Tolerance (Castro &
//! Liskov, OSDI 1999), with no web or OS dependency: it builds and tests natively and for
//! `wasm32-unknown-unknown`, and the browser app and the `pbft-sim` CLI both drive it.
//!
//! - **Virtual time** in integer microseconds; an event queue ordered by (time, insertion
//!   counter); time jumps to the next event ([`Simulation`]).
//! - **Sans-IO nodes**: a protocol is a state machine from [`Input`] to [`Output`]s
//!   ([`Replica`]); Byzantine behaviour is an [`adversary::Adversary`] that rewrites an honest
//!   node's outputs.
//! - **One seed, one run**: every random choice comes from ChaCha8 streams keyed by (seed,
//!   Byzantine count, trial) ([`rng`]), identical on x86_64 and wasm32.
//! - **One vocabulary**: [`Config`]'s fields are the CLI flags and URL parameters, parsed and
//!   validated in one place, with typed errors ([`ConfigError`]).
//!
//! Protocol `tutorial` reproduces the asyncio tutorial this project grew from
//! ([`protocol::tutorial`]); protocol `pbft` is Castro & Liskov's, with clients, view change,
//! checkpoints and signatures modelled in types ([`protocol::pbft`], [`signed`]).

pub mod adversary;
pub mod config;
pub mod error;
pub mod experiment;
pub mod explain;
pub mod export;
pub mod histogram;
pub mod message;
pub mod metrics;
pub mod network;
pub mod node;
pub mod protocol;
pub mod queue;
pub mod rng;
pub mod sim;
pub mod sweep;
pub use sim::signed;
pub mod trace;
mod voters;
pub mod wasm_size;
pub mod words;

pub use config::{
    parse_byzantine_counts, parse_decimal, Config, Kind, ParamSpec, Partition, Processing,
    Protocol, Strategy, MAX_NODES, MAX_TRIALS, PARAMS,
};
pub use error::ConfigError;
pub use experiment::{Compare, Experiment};
pub use explain::{explain, Explanation, Verdict};
pub use message::{
    ClientRecord, Digest, Message, NewViewProof, NodeId, Phase, PreparedCert, RequestId, Snapshot,
    StatusReport, ViewChangeProof, NULL_DIGEST,
};
pub use metrics::RunOutcome;
pub use node::{
    ClientSnapshot, Dest, Input, NodeSnapshot, Output, Replica, SlotSnapshot, SlotStatus,
    ViewChangeSnapshot, Votes, Watermarks,
};
pub use sim::signed::{Signed, Signer};
pub use sim::{payload, run_once, PendingTimer, Simulation};
pub use sweep::{run_trials, PointStats, Progress, Sweep, SweepPoint};
pub use trace::{trace_hash, DropReason, EndReason, TraceEvent, TraceKind};
pub use voters::VoterSet;
