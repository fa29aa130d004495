//! The PBFT client (OSDI 1999 §4.1): one outstanding request at a time.
//!
//! The client multicasts ⟨REQUEST, o, t, c⟩ to the replicas and accepts a result once f + 1
//! replicas sent matching replies for timestamp t: at least one of them is honest. If no result
//! arrives within its timeout it multicasts the request again (replicas that executed it re-send
//! their reply). The workload is `requests` requests; the next one leaves the moment the previous
//! one is accepted, so the engine measures each request's latency as the time between acceptances.

use crate::message::{Digest, Message, NodeId};
use crate::node::{ClientSnapshot, Dest, Input, NodeSnapshot, Output, Replica, TimerId, Votes};
use crate::voters::VoterSet;
use std::collections::BTreeMap;

/// The client's only timer: retransmission.
pub const RETRANSMIT_TIMER: u64 = 1;

/// A client endpoint (its id is `nodes` or above).
#[derive(Clone, Debug)]
pub struct PbftClient {
    id: NodeId,
    nodes: u32,
    f: u32,
    requests: u64,
    timeout_us: u64,
    current: Option<(u64, Digest)>,
    replies: BTreeMap<Digest, VoterSet>,
    accepted: u64,
    /// Requests sent again on a timeout (for the browser's inspector).
    retransmissions: u64,
}

impl PbftClient {
    /// Client `id` of a cluster of `nodes` replicas, issuing `requests` requests, retransmitting
    /// after `timeout_us`.
    pub fn new(id: NodeId, nodes: u32, requests: u64, timeout_us: u64) -> PbftClient {
        PbftClient {
            id,
            nodes,
            f: nodes.saturating_sub(1) / 3,
            requests,
            timeout_us,
            current: None,
            replies: BTreeMap::new(),
            accepted: 0,
            retransmissions: 0,
        }
    }

    /// Requests accepted so far.
    pub fn accepted(&self) -> u64 {
        self.accepted
    }

    fn send(&mut self, timestamp: u64, digest: Digest, out: &mut Vec<Output>) {
        self.current = Some((timestamp, digest));
        out.push(Output::Send {
            to: Dest::All,
            msg: Message::Request {
                client: self.id,
                timestamp,
                digest,
            },
        });
        out.push(Output::SetTimer {
            id: RETRANSMIT_TIMER,
            after_us: self.timeout_us,
        });
    }
}

impl Replica for PbftClient {
    fn handle(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        match input {
            Input::Propose { seq, payload } if self.current.is_none() => {
                self.send(seq, Digest::of(payload), out)
            }
            Input::Deliver {
                from,
                msg:
                    &Message::Reply {
                        client,
                        timestamp,
                        result,
                        ..
                    },
            } => {
                let Some((current, _)) = self.current else {
                    return;
                };
                if client != self.id || timestamp != current || from >= self.nodes {
                    return;
                }
                let voters = self.replies.entry(result).or_default();
                voters.insert(from);
                if voters.len() > self.f {
                    self.current = None;
                    self.replies.clear();
                    self.accepted += 1;
                    out.push(Output::CancelTimer {
                        id: RETRANSMIT_TIMER,
                    });
                    out.push(Output::Accept { timestamp, result });
                    if timestamp < self.requests {
                        let next = timestamp + 1;
                        let payload = crate::sim::payload(next);
                        self.send(next, Digest::of(payload.as_bytes()), out);
                    }
                }
            }
            Input::Timer {
                id: RETRANSMIT_TIMER,
            } => {
                if let Some((t, d)) = self.current {
                    self.retransmissions += 1;
                    self.send(t, d, out);
                }
            }
            _ => {}
        }
    }

    fn snapshot(&self) -> NodeSnapshot {
        let mut replies: Vec<Votes> = self
            .replies
            .iter()
            .map(|(&digest, voters)| Votes {
                digest,
                voters: voters.to_vec(),
            })
            .collect();
        Votes::sort_by_digest(&mut replies);
        NodeSnapshot {
            quorum: self.f + 1,
            client: Some(ClientSnapshot {
                accepted: self.accepted,
                requests: self.requests,
                outstanding: self.current.map(|(t, _)| t),
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
