//! What one run measured, and the commit ledger that decides success, agreement and safety.
//!
//! Safety (OSDI 1999 §4.5.1): no two honest nodes commit different requests at one sequence
//! number. The ledger checks this at every honest commit, so a violation is caught even in a run
//! that later times out.

use crate::message::{Digest, NodeId, Phase};
use crate::trace::EndReason;
use std::collections::{BTreeMap, BTreeSet};

/// Messages counted by phase, indexed by [`Phase::index`].
pub type PhaseCounts = [u64; Phase::ALL.len()];

/// The result of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    /// Every honest node committed every request before the timeout. PBFT: the client accepted
    /// every request and n − f honest replicas (every honest one when m = f) executed each.
    pub success: bool,
    /// Success, and all honest nodes committed the same digest at every sequence number (the
    /// tutorial's `agreed_digest`).
    pub agreement: bool,
    /// Two honest nodes committed different digests for one sequence number.
    pub safety_violation: bool,
    /// From the first proposal to the last honest commit, on success. PBFT: from the first
    /// PRE-PREPARE (or NEW-VIEW) any primary sent to the last honest execution.
    pub latency_us: Option<u64>,
    /// PBFT: mean time from a request leaving the client to its acceptance (f + 1 matching
    /// replies), over all `requests`; `None` unless every request was accepted. The client sends
    /// each request when the previous one is accepted, so this is (last acceptance) / requests.
    pub client_latency_us: Option<u64>,
    /// PBFT: requests the client accepted.
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
    /// Honest nodes that committed every request.
    pub honest_committed: u32,
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

    pub fn client_latency_ms(&self) -> Option<f64> {
        self.client_latency_us.map(|us| us as f64 / 1000.0)
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
    /// PBFT: the client's requests, and per node those it executed; a node is done when it
    /// executed all of them, whatever their sequence numbers (null requests, digests a Byzantine
    /// primary made up and requests assigned twice do not count).
    by_request: Option<(BTreeSet<Digest>, Vec<BTreeSet<Digest>>)>,
    /// Honest nodes that must be done for success.
    needed: u32,
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
            by_request: None,
            needed: honest_total,
        }
    }

    /// PBFT's ledger: it counts executed requests rather than sequence numbers 1..=requests,
    /// and is satisfied when n − f honest replicas (all of them when m = f) executed every
    /// request. PBFT never waits for more than n − f replicas: up to f − m honest ones may be
    /// left behind by a partition or a Byzantine primary, and the paper brings them up to date by
    /// state transfer at the next checkpoint, which this model does not simulate.
    pub fn by_request(honest: Vec<bool>, requests: BTreeSet<Digest>) -> Ledger {
        let n = honest.len() as u32;
        let mut ledger = Ledger::new(honest, requests.len() as u64);
        ledger.by_request = Some((requests, vec![BTreeSet::new(); n as usize]));
        ledger.needed = ledger.honest_total.min(n - n.saturating_sub(1) / 3);
        ledger
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
        let done = match &mut self.by_request {
            None => (1..=self.requests).all(|s| self.committed[i].contains_key(&s)),
            Some((requests, sets)) => {
                requests.contains(&digest)
                    && sets[i].insert(digest)
                    && sets[i].len() as u64 == self.requests
            }
        };
        if done {
            self.honest_done += 1;
            self.last_commit_us = Some(now_us);
        }
    }

    /// Every honest node committed every request (PBFT: enough of them, see `by_request`). With
    /// no honest node there is nobody to commit, and the run cannot succeed (the tutorial's
    /// `target = max(1, len(honest))`).
    pub fn all_committed(&self) -> bool {
        self.honest_total > 0 && self.honest_done >= self.needed
    }

    pub fn honest_done(&self) -> u32 {
        self.honest_done
    }

    pub fn honest_total(&self) -> u32 {
        self.honest_total
    }
}
