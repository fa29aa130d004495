//! Sending: a node's output becomes network transmissions, each with its fate (dropped, or
//! delivered after a delay, maybe twice), its trace events and its place in the event queue;
//! and what the run's ledgers record of a node's executions, state transfers and acceptances.

use super::{Event, Simulation};
use crate::message::{Message, NodeId, RequestId};
use crate::network::Fate;
use crate::node::{Dest, Output};
use crate::sim::signed::Signed;
use crate::trace::TraceKind;

impl Simulation {
    /// What the ledgers learn from an execution, a state transfer or a client's acceptance.
    pub(super) fn record(&mut self, node: NodeId, output: Output) {
        match output {
            Output::Execute {
                seq,
                digest,
                request,
            } => {
                self.emit(TraceKind::Commit { node, seq, digest });
                self.ledger.commit(node, seq, digest, self.now_us);
                if let (Some(r), Some(id)) = (&mut self.requests, request) {
                    r.executed(node, id, self.now_us);
                }
            }
            Output::AdoptState { snapshot } => {
                let seq = snapshot.seq;
                self.emit(TraceKind::StateTransfer { node, seq });
                if let Some(r) = &mut self.requests {
                    r.adopted(node, &snapshot, self.now_us);
                }
            }
            Output::Accept { timestamp, result } => {
                let (client, seq) = (node, timestamp);
                self.emit(TraceKind::Accept {
                    client,
                    seq,
                    result,
                });
                if let Some(r) = &mut self.requests {
                    r.accepted(RequestId { client, timestamp }, self.now_us);
                }
            }
            _ => {}
        }
    }

    pub(super) fn send(&mut self, from: NodeId, to: Dest, msg: &Signed) -> u64 {
        // A broadcast reaches the replicas (a client's too); `Node` reaches any endpoint.
        let n = self.replicas;
        let endpoints = self.nodes.len() as NodeId;
        let mut lands_us = self.now_us;
        let mut one = |sim: &mut Simulation, dst| {
            lands_us = lands_us.max(sim.transmit(from, dst, msg.clone()))
        };
        match to {
            Dest::Node(dst) if dst < endpoints => one(self, dst),
            Dest::Node(_) => debug_assert!(false, "send to a node that does not exist"),
            Dest::All => (0..n).for_each(|dst| one(self, dst)),
            Dest::Others => (0..n).filter(|&d| d != from).for_each(|dst| one(self, dst)),
        }
        lands_us
    }

    pub(super) fn send_in_turn(
        &mut self,
        from: NodeId,
        sends: Vec<(NodeId, Message)>,
        next: usize,
    ) {
        if let Some((dst, msg)) = sends.get(next).cloned() {
            let lands_us = self.transmit(from, dst, Signed::seal(from, msg));
            self.queue.push(
                lands_us,
                Event::SendInTurn {
                    from,
                    sends,
                    next: next + 1,
                },
            );
        }
    }

    /// One transmission through the network; returns when it lands (now if dropped).
    fn transmit(&mut self, from: NodeId, to: NodeId, msg: Signed) -> u64 {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        let phase = msg.body().phase();
        self.messages_by_phase[phase.index()] += 1;
        match self.network.transmit(from, to, self.now_us) {
            Fate::Dropped(reason) => {
                self.dropped += 1;
                self.emit(TraceKind::Drop {
                    id,
                    from,
                    to,
                    phase,
                    seq: msg.body().seq(),
                    timestamp: msg.body().timestamp(),
                    reason,
                });
                self.now_us
            }
            Fate::Delivered {
                delay_us,
                duplicate_us,
            } => {
                let extra_us = self.extra_delay_us[from as usize];
                let (delay_us, duplicate_us) =
                    (delay_us + extra_us, duplicate_us.map(|d| d + extra_us));
                let mut lands_us = self.now_us + delay_us;
                if let Some(dup_us) = duplicate_us {
                    let dup_id = self.next_msg_id;
                    self.next_msg_id += 1;
                    lands_us = lands_us.max(self.now_us + dup_us);
                    self.schedule_delivery(dup_id, from, to, msg.clone(), dup_us, true);
                }
                self.schedule_delivery(id, from, to, msg, delay_us, false);
                lands_us
            }
        }
    }

    fn schedule_delivery(
        &mut self,
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: Signed,
        delay_us: u64,
        duplicate: bool,
    ) {
        let deliver_us = self.now_us + delay_us;
        if self.tracing {
            let body = msg.body();
            self.emit(TraceKind::Send {
                id,
                from,
                to,
                phase: body.phase(),
                seq: body.seq(),
                timestamp: body.timestamp(),
                digest: body.digest(),
                deliver_us,
                duplicate,
            });
        }
        self.queue.push(
            deliver_us,
            Event::Deliver {
                id,
                from,
                to,
                msg,
                sent_us: self.now_us,
            },
        );
    }
}
