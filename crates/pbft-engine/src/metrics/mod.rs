//! What one run measured, and the ledgers that decide success, agreement and safety: [`Ledger`]
//! (every protocol: per sequence number; the tutorial's completion) and [`RequestLedger`] (PBFT:
//! per client request, from first send to acceptance and execution).
//!
//! Safety (OSDI 1999 §4.5.1): no two honest nodes commit different requests at one sequence
//! number. The ledger checks this at every honest commit, so a violation is caught even in a run
//! that later times out.

use crate::message::{Digest, NodeId, Phase};
use crate::trace::EndReason;
use std::collections::BTreeMap;

mod requests;
pub(crate) use requests::RequestLedger;

/// Messages counted by phase, indexed by [`Phase::index`].
pub type PhaseCounts = [u64; Phase::ALL.len()];

/// The result of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    /// Tutorial: every honest node committed every request before the timeout. PBFT: every
    /// client request was accepted (f + 1 matching replies) before the timeout, and no two
    /// honest replicas executed different requests at one sequence number.
    pub success: bool,
    /// Success, and all honest nodes committed the same digest at every sequence number (the
    /// tutorial's `agreed_digest`).
    pub agreement: bool,
    /// Two honest nodes committed different digests for one sequence number.
    pub safety_violation: bool,
    /// Tutorial: from the first proposal to the last honest commit, on success. PBFT: the latency
    /// a client sees, from a request's first send to its acceptance, averaged over every request
    /// (view changes and retransmissions included); `None` unless every request was accepted.
    pub latency_us: Option<u64>,
    /// PBFT: from a request's first send to the last honest replica's execution of it (by the
    /// end of the run; replicas that never executed it do not count), averaged over requests;
    /// `None` unless some honest replica executed every request. `None` for the tutorial.
    pub commit_latency_us: Option<u64>,
    /// PBFT: requests the clients accepted.
    pub requests_accepted: u64,
    /// PBFT: accepted requests per virtual second (requests / time of the last acceptance);
    /// `None` unless every request was accepted.
    pub throughput_rps: Option<f64>,
    /// PBFT: view changes completed: the highest view an honest replica entered (views start at 0
    /// and each NEW-VIEW moves to a higher one).
    pub view_changes: u64,
    /// Messages sent (each network transmission once, duplicates not counted), by phase.
    pub messages_by_phase: PhaseCounts,
    /// All messages sent.
    pub messages: u64,
    /// Copies that arrived (duplicates included).
    pub delivered: u64,
    /// Messages lost to `drop` or a partition.
    pub dropped: u64,
    /// Honest nodes that committed every request (PBFT: the same as `honest_caught_up`).
    pub honest_committed: u32,
    /// PBFT: honest replicas that executed every request by the end (directly or by state
    /// transfer). Tutorial: the same as `honest_committed`.
    pub honest_caught_up: u32,
    pub honest_total: u32,
    /// The Byzantine nodes of this run, in increasing order.
    pub byzantine_nodes: Vec<NodeId>,
    pub end_reason: EndReason,
    /// Virtual time when the run ended.
    pub end_us: u64,
}

impl RunOutcome {
    pub fn latency_ms(&self) -> Option<f64> {
        self.latency_us.map(|us| us as f64 / 1000.0)
    }

    pub fn commit_latency_ms(&self) -> Option<f64> {
        self.commit_latency_us.map(|us| us as f64 / 1000.0)
    }
}

/// Which honest node committed what, and when the last needed commit happened.
#[derive(Clone, Debug)]
pub(crate) struct Ledger {
    honest: Vec<bool>,
    requests: u64,
    /// Per node: seq -> digest it committed.
    committed: Vec<BTreeMap<u64, Digest>>,
    /// The first honest digest committed at each seq.
    first: BTreeMap<u64, Digest>,
    honest_total: u32,
    honest_done: u32,
    pub safety_violation: bool,
    pub disagreement: bool,
    pub last_commit_us: Option<u64>,
}

impl Ledger {
    pub fn new(honest: Vec<bool>, requests: u64) -> Ledger {
        let honest_total = honest.iter().filter(|&&h| h).count() as u32;
        Ledger {
            committed: vec![BTreeMap::new(); honest.len()],
            honest,
            requests,
            first: BTreeMap::new(),
            honest_total,
            honest_done: 0,
            safety_violation: false,
            disagreement: false,
            last_commit_us: None,
        }
    }

    /// Records that `node` committed `digest` at `seq` at `now_us`.
    pub fn commit(&mut self, node: NodeId, seq: u64, digest: Digest, now_us: u64) {
        let i = node as usize;
        if !self.honest[i] || self.committed[i].insert(seq, digest).is_some() {
            return;
        }
        match self.first.get(&seq) {
            Some(&d) if d != digest => {
                self.safety_violation = true;
                self.disagreement = true;
            }
            Some(_) => {}
            None => {
                self.first.insert(seq, digest);
            }
        }
        // PBFT's ledger (`requests` 0) only checks safety: `RequestLedger` tracks completion.
        if self.requests > 0 && (1..=self.requests).all(|s| self.committed[i].contains_key(&s)) {
            self.honest_done += 1;
            self.last_commit_us = Some(now_us);
        }
    }

    /// Every honest node committed every request (tutorial). With no honest node there is
    /// nobody to commit, and the run cannot succeed (the tutorial's `target = max(1,
    /// len(honest))`).
    pub fn all_committed(&self) -> bool {
        self.honest_total > 0 && self.honest_done >= self.honest_total
    }

    pub fn honest_done(&self) -> u32 {
        self.honest_done
    }

    pub fn honest_total(&self) -> u32 {
        self.honest_total
    }
}
