//! The PBFT client (OSDI 1999 §4.1): one outstanding request at a time.
//!
//! - It sends ⟨REQUEST, o, t, c⟩ to the primary of the view it believes in, with t one more
//!   than its previous timestamp, and accepts a result once f + 1 replicas sent matching replies
//!   for t: at least one of them is honest.
//! - Replies carry the view. It then believes the highest view that f + 1 replies vouch for (so
//!   a Byzantine replica cannot send it to a made-up primary) and sends its next request there.
//! - If no result arrives within its timeout it multicasts the request to every replica (a
//!   backup relays it to the primary and starts its view-change timer; a replica that executed
//!   it re-sends its reply), waiting twice as long each time, up to 2^6 times the first timeout.
//!
//! The workload is `requests` requests; the next leaves the moment the previous is accepted.

use crate::message::{Digest, Message, NodeId};
use crate::node::{ClientSnapshot, Dest, Input, NodeSnapshot, Output, Replica, TimerId, Votes};
use crate::voters::VoterSet;

/// The client's only timer: retransmission.
pub const RETRANSMIT_TIMER: u64 = 1;
/// The retransmission timeout doubles at most this many times.
pub const MAX_CLIENT_BACKOFF: u32 = 6;

/// The request waiting for its replies.
#[derive(Clone, Debug)]
struct Outstanding {
    timestamp: u64,
    digest: Digest,
    /// Distinct replicas per result.
    replies: Vec<(Digest, VoterSet)>,
    /// The view each replier said it was in (its latest reply).
    views: Vec<(NodeId, u64)>,
}

/// A client endpoint (its id is `nodes` or above).
#[derive(Clone, Debug)]
pub struct PbftClient {
    id: NodeId,
    /// Which client this is, from 0: names its operations ([`crate::sim::payload`]).
    index: u32,
    nodes: u32,
    f: u32,
    requests: u64,
    timeout_us: u64,
    /// The view it believes the replicas are in.
    view: u64,
    current: Option<Outstanding>,
    retries: u32,
    accepted: u64,
    /// Requests sent again on a timeout (for the browser's inspector).
    retransmissions: u64,
}

impl PbftClient {
    /// Client number `index` (endpoint `nodes + index`) of a cluster of `nodes` replicas,
    /// issuing `requests` requests, retransmitting after `timeout_us`.
    pub fn new(index: u32, nodes: u32, requests: u64, timeout_us: u64) -> PbftClient {
        PbftClient {
            id: nodes + index,
            index,
            nodes,
            f: nodes.saturating_sub(1) / 3,
            requests,
            timeout_us,
            view: 0,
            current: None,
            retries: 0,
            accepted: 0,
            retransmissions: 0,
        }
    }

    /// Requests accepted so far.
    pub fn accepted(&self) -> u64 {
        self.accepted
    }

    /// The view the client believes in.
    pub fn view(&self) -> u64 {
        self.view
    }

    fn request(&self) -> Option<Message> {
        let c = self.current.as_ref()?;
        Some(Message::Request {
            client: self.id,
            timestamp: c.timestamp,
            digest: c.digest,
        })
    }

    /// Sends request `timestamp` to the primary it believes in.
    fn issue(&mut self, timestamp: u64, digest: Digest, out: &mut Vec<Output>) {
        self.current = Some(Outstanding {
            timestamp,
            digest,
            replies: Vec::new(),
            views: Vec::new(),
        });
        self.retries = 0;
        let primary = (self.view % u64::from(self.nodes)) as NodeId;
        if let Some(msg) = self.request() {
            out.push(Output::Send {
                to: Dest::Node(primary),
                msg,
            });
        }
        self.set_timer(out);
    }

    fn set_timer(&self, out: &mut Vec<Output>) {
        out.push(Output::SetTimer {
            id: RETRANSMIT_TIMER,
            after_us: self.timeout_us.saturating_mul(1 << self.retries),
        });
    }

    fn on_retransmit(&mut self, out: &mut Vec<Output>) {
        if let Some(msg) = self.request() {
            out.push(Output::Send { to: Dest::All, msg });
            self.retransmissions += 1;
            self.retries = (self.retries + 1).min(MAX_CLIENT_BACKOFF);
            self.set_timer(out);
        }
    }

    fn on_reply(&mut self, from: NodeId, view: u64, timestamp: u64, result: Digest) -> bool {
        let f = self.f;
        let Some(c) = self.current.as_mut().filter(|c| c.timestamp == timestamp) else {
            return false;
        };
        if from >= self.nodes {
            return false;
        }
        match c.views.iter_mut().find(|(r, _)| *r == from) {
            Some(v) => v.1 = view,
            None => c.views.push((from, view)),
        }
        let i = match c.replies.iter().position(|(d, _)| *d == result) {
            Some(i) => i,
            None => {
                c.replies.push((result, VoterSet::new()));
                c.replies.len() - 1
            }
        };
        c.replies[i].1.insert(from);
        if c.replies[i].1.len() <= f {
            return false;
        }
        // The (f + 1)-th highest view reported: f + 1 replicas, one of them honest, are there.
        let mut views: Vec<u64> = c.views.iter().map(|&(_, v)| v).collect();
        crate::wasm_size::sort_by_key(&mut views, |&v| std::cmp::Reverse(v));
        self.view = self.view.max(views[f as usize]);
        true
    }

    fn accept(&mut self, timestamp: u64, result: Digest, out: &mut Vec<Output>) {
        self.current = None;
        self.accepted += 1;
        out.push(Output::CancelTimer {
            id: RETRANSMIT_TIMER,
        });
        out.push(Output::Accept { timestamp, result });
        if timestamp < self.requests {
            let next = timestamp + 1;
            let payload = crate::sim::payload(self.index, next);
            self.issue(next, Digest::of(payload.as_bytes()), out);
        }
    }
}

impl Replica for PbftClient {
    fn handle(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        match input {
            Input::Propose { seq, payload } if self.current.is_none() => {
                self.issue(seq, Digest::of(payload), out)
            }
            Input::Deliver {
                from,
                msg:
                    &Message::Reply {
                        view,
                        client,
                        timestamp,
                        result,
                    },
            } if client == self.id => {
                if self.on_reply(from, view, timestamp, result) {
                    self.accept(timestamp, result, out);
                }
            }
            Input::Timer {
                id: RETRANSMIT_TIMER,
            } => self.on_retransmit(out),
            Input::Propose { .. } | Input::Deliver { .. } | Input::Timer { .. } => {}
        }
    }

    fn snapshot(&self) -> NodeSnapshot {
        let mut replies: Vec<Votes> = self
            .current
            .iter()
            .flat_map(|c| &c.replies)
            .map(|&(digest, ref voters)| Votes {
                digest,
                voters: voters.to_vec(),
            })
            .collect();
        Votes::sort_by_digest(&mut replies);
        NodeSnapshot {
            view: self.view,
            primary: (self.view % u64::from(self.nodes)) as NodeId,
            quorum: self.f + 1,
            client: Some(ClientSnapshot {
                accepted: self.accepted,
                requests: self.requests,
                outstanding: self.current.as_ref().map(|c| c.timestamp),
                retransmissions: self.retransmissions,
                replies,
                needed: self.f + 1,
            }),
            ..NodeSnapshot::default()
        }
    }

    fn timer_name(&self, _id: TimerId) -> &'static str {
        "retransmit"
    }
}
