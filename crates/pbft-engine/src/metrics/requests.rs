//! PBFT's ledger of client requests: what a client sees and what the replicas executed, per
//! request (client, timestamp).
//!
//! PBFT promises a client f + 1 matching replies (OSDI 1999 §4.1, liveness §4.5.2), not that every
//! replica executes every request by some time: a replica left behind catches up later by
//! retransmission or state transfer. So success is "every request accepted", the latency is the
//! client's, and how many honest replicas caught up is reported beside it.

use crate::message::{NodeId, RequestId, Snapshot};

/// Per request: when it was first sent, accepted, and last executed by an honest replica.
#[derive(Clone, Copy, Debug, Default)]
struct Times {
    sent_us: Option<u64>,
    accepted_us: Option<u64>,
    last_executed_us: Option<u64>,
}

#[derive(Clone, Debug)]
pub(crate) struct RequestLedger {
    /// The first client's endpoint id; clients follow one another.
    first_client: NodeId,
    clients: u32,
    /// Requests per client, timestamps 1..=per_client.
    per_client: u64,
    honest: Vec<bool>,
    /// Per replica, per client: the highest timestamp it executed (each client's requests
    /// execute in timestamp order: the next leaves only after the previous was accepted).
    executed: Vec<Vec<u64>>,
    caught_up: u32,
    times: Vec<Times>,
    accepts: u64,
    last_accept_us: u64,
}

impl RequestLedger {
    /// `clients` clients from endpoint `first_client` on, `per_client` requests each, over
    /// replicas whose honesty is `honest`.
    pub fn new(first_client: NodeId, clients: u32, per_client: u64, honest: Vec<bool>) -> Self {
        RequestLedger {
            first_client,
            clients,
            per_client,
            executed: vec![vec![0; clients as usize]; honest.len()],
            honest,
            caught_up: 0,
            times: vec![Times::default(); (u64::from(clients) * per_client) as usize],
            accepts: 0,
            last_accept_us: 0,
        }
    }

    fn index(&self, id: RequestId) -> Option<usize> {
        let c = id.client.checked_sub(self.first_client)?;
        let ok = c < self.clients && (1..=self.per_client).contains(&id.timestamp);
        ok.then(|| (u64::from(c) * self.per_client + id.timestamp - 1) as usize)
    }

    /// A client sent request `id` (its first send counts).
    pub fn sent(&mut self, id: RequestId, now_us: u64) {
        if let Some(i) = self.index(id) {
            self.times[i].sent_us.get_or_insert(now_us);
        }
    }

    /// A client accepted request `id`.
    pub fn accepted(&mut self, id: RequestId, now_us: u64) {
        if let Some(i) = self.index(id) {
            if self.times[i].accepted_us.replace(now_us).is_none() {
                self.accepts += 1;
                self.last_accept_us = now_us;
            }
        }
    }

    /// Replica `node` executed request `id` for the first time.
    pub fn executed(&mut self, node: NodeId, id: RequestId, now_us: u64) {
        let Some(c) = id.client.checked_sub(self.first_client) else {
            return;
        };
        self.advance(node, c, id.timestamp, now_us);
    }

    /// Replica `node` adopted `snapshot` by state transfer: every request its client table
    /// covers counts as executed now.
    pub fn adopted(&mut self, node: NodeId, snapshot: &Snapshot, now_us: u64) {
        for record in &snapshot.clients {
            if let Some(c) = record.client.checked_sub(self.first_client) {
                self.advance(node, c, record.timestamp, now_us);
            }
        }
    }

    fn advance(&mut self, node: NodeId, client: u32, upto: u64, now_us: u64) {
        let n = node as usize;
        if !self.honest.get(n).copied().unwrap_or(false) || client >= self.clients {
            return;
        }
        let was_done = self.done(n);
        let from = self.executed[n][client as usize];
        for timestamp in from + 1..=upto.min(self.per_client) {
            let id = RequestId {
                client: self.first_client + client,
                timestamp,
            };
            if let Some(i) = self.index(id) {
                let t = &mut self.times[i].last_executed_us;
                *t = Some(t.map_or(now_us, |old| old.max(now_us)));
            }
        }
        let slot = &mut self.executed[n][client as usize];
        *slot = (*slot).max(upto.min(self.per_client));
        if !was_done && self.done(n) {
            self.caught_up += 1;
        }
    }

    fn done(&self, node: usize) -> bool {
        self.executed[node].iter().all(|&t| t == self.per_client)
    }

    pub fn accepts(&self) -> u64 {
        self.accepts
    }

    pub fn last_accept_us(&self) -> u64 {
        self.last_accept_us
    }

    pub fn all_accepted(&self) -> bool {
        self.accepts == self.times.len() as u64
    }

    /// Honest replicas that executed every request.
    pub fn caught_up(&self) -> u32 {
        self.caught_up
    }

    /// Mean client latency, if every request was accepted.
    pub fn client_latency_us(&self) -> Option<u64> {
        self.mean(|t| Some(t.accepted_us? - t.sent_us?))
    }

    /// Mean time to the last honest execution, if some honest replica executed every request.
    pub fn commit_latency_us(&self) -> Option<u64> {
        self.mean(|t| Some(t.last_executed_us?.saturating_sub(t.sent_us?)))
    }

    fn mean(&self, of: impl Fn(&Times) -> Option<u64>) -> Option<u64> {
        let mut sum: u128 = 0;
        for t in &self.times {
            sum += u128::from(of(t)?);
        }
        let n = self.times.len().max(1) as u128;
        Some((sum / n) as u64)
    }
}
