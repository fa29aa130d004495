//! The discrete-event simulator: virtual time, the event queue, node inboxes and the driver.
//!
//! Time jumps from one event to the next; nothing sleeps. A run can be stepped one event at a
//! time (the browser does so and reads each step's trace events) or run to its end (sweeps, with
//! tracing off so nothing is kept).
//!
//! Processing models: `concurrent` handles every input the moment it happens; `sequential`
//! follows the tutorial's `Node.run` loop, where a node takes one message at a time from its
//! inbox and a handler that sends stays busy until every message it sent has been delivered or
//! dropped (`await self.net.broadcast(...)` gathers one task per destination).

mod lifecycle;
pub mod signed;
mod timers;
mod transmit;

pub use lifecycle::payload;

use crate::adversary::{Adversary, AdversaryCtx};
use crate::config::{Config, Processing};
use crate::error::ConfigError;
use crate::message::{Digest, Message, NodeId, RequestId};
use crate::metrics::{Ledger, PhaseCounts, RequestLedger, RunOutcome};
use crate::network::Network;
use crate::node::{Input, NodeSnapshot, Output, Replica, TimerId};
use crate::queue::EventQueue;
use crate::trace::{EndReason, TraceEvent, TraceKind};
use rand_chacha::ChaCha8Rng;
use signed::Signed;
use std::collections::{BTreeMap, VecDeque};

/// The tutorial's payload (`run_single_consensus(payload="tx: pay Alice->Bob 5")`); request k > 1
/// appends ` #k` so every request has its own digest.
pub const PAYLOAD: &str = "tx: pay Alice->Bob 5";

enum Event {
    /// The driver asks `node` (the tutorial's primary, or a PBFT client) to propose request `seq`.
    Propose {
        node: NodeId,
        seq: u64,
    },
    /// `msg`, signed by its author, reaches `to`; `from` transmitted it (the author, unless it
    /// relayed someone else's signed message).
    Deliver {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: Signed,
        sent_us: u64,
    },
    Timer {
        node: NodeId,
        id: TimerId,
        generation: u64,
    },
    /// A sequential node's handler has finished: it takes the next inbox item.
    NodeFree {
        node: NodeId,
    },
    /// The next send of a send-in-turn chain.
    SendInTurn {
        from: NodeId,
        sends: Vec<(NodeId, Message)>,
        next: usize,
    },
    Timeout,
}

/// An input waiting in a sequential node's inbox. Messages are signed by the engine in their
/// true sender's name as they arrive (see [`signed`]).
enum Pending {
    Message(Signed),
    Timer { id: TimerId },
}

struct NodeState {
    replica: Box<dyn Replica>,
    adversary: Option<Box<dyn Adversary>>,
    inbox: VecDeque<Pending>,
    busy: bool,
    /// Pending timers by id (see `timers`).
    timers: BTreeMap<TimerId, timers::TimerSlot>,
}

/// A timer waiting to fire, for the browser ([`Simulation::timers`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingTimer {
    pub id: TimerId,
    /// The protocol's name for it (`"view-change"`, `"retransmit"`).
    pub name: &'static str,
    pub set_us: u64,
    pub fires_us: u64,
}

/// One run of one scenario.
///
/// Endpoints: replicas have ids `0..nodes`; under PBFT one client follows with id `nodes`. Trace
/// events name the client like a node (it sends REQUESTs and receives REPLYs).
pub struct Simulation {
    nodes: Vec<NodeState>,
    /// Replicas (the first `replicas` endpoints).
    replicas: u32,
    /// Per endpoint: extra delay added to everything it sends (strategy `slow`).
    extra_delay_us: Vec<u64>,
    honest: Vec<bool>,
    /// PBFT: every client request, from first send to acceptance and execution.
    requests: Option<RequestLedger>,
    /// PBFT: the highest view an honest replica entered.
    max_view: u64,
    processing: Processing,
    now_us: u64,
    queue: EventQueue<Event>,
    network: Network,
    adversary_rng: ChaCha8Rng,
    next_msg_id: u64,
    next_timer_generation: u64,
    ledger: Ledger,
    byzantine_nodes: Vec<NodeId>,
    messages_by_phase: PhaseCounts,
    delivered: u64,
    dropped: u64,
    tracing: bool,
    step_events: Vec<TraceEvent>,
    outputs: Vec<Output>,
    outcome: Option<RunOutcome>,
    /// While tracing: every (view, seq, digest) a NEW-VIEW re-issued (its set O), so snapshots
    /// can tell a re-issued PRE-PREPARE from a fresh one. A short list (a few per view change),
    /// searched linearly: a B-tree set of these keys costs the browser's wasm several KB.
    reissued: Vec<(u64, u64, Digest)>,
}

impl Simulation {
    /// Keep each step's trace events (the browser and `--trace` want them; sweeps do not).
    pub fn with_trace(mut self, on: bool) -> Simulation {
        self.tracing = on;
        self
    }

    /// Processes the next event. Returns the trace events it produced (empty unless tracing), or
    /// `None` once the run has ended.
    pub fn step(&mut self) -> Option<&[TraceEvent]> {
        if self.outcome.is_some() {
            return None;
        }
        self.step_events.clear();
        match self.queue.pop() {
            None => self.end(EndReason::Quiescent),
            Some((time_us, event)) => {
                debug_assert!(time_us >= self.now_us, "time never goes backwards");
                self.now_us = time_us;
                self.dispatch(event);
                if self.outcome.is_none() && self.finished() {
                    self.end(EndReason::Committed);
                } else if self.outcome.is_none() && self.queue.len() == 1 {
                    // Only the run's own timeout is left: no message in flight, no timer, no
                    // busy node. Nothing can change any more, so the run ends now, not at the
                    // timeout.
                    self.end(EndReason::Quiescent);
                }
            }
        }
        Some(&self.step_events)
    }

    /// Whether the run is complete: tutorial, every honest node committed every request; PBFT,
    /// every client request was accepted and every honest replica executed every request.
    fn finished(&self) -> bool {
        match &self.requests {
            None => self.ledger.all_committed(),
            Some(r) => r.all_accepted() && r.caught_up() == self.ledger.honest_total(),
        }
    }

    /// Runs to the end and returns the outcome.
    pub fn run(mut self) -> RunOutcome {
        while self.step().is_some() {}
        self.outcome.expect("a finished run has an outcome")
    }

    /// Processes every event due at or before `time_us` (the browser's frame tick), collecting
    /// their trace events into `sink`.
    pub fn run_until(&mut self, time_us: u64, sink: &mut Vec<TraceEvent>) {
        while self.outcome.is_none() && self.queue.peek_time().is_none_or(|t| t <= time_us) {
            if let Some(events) = self.step() {
                sink.extend_from_slice(events);
            }
        }
        self.now_us = self
            .now_us
            .max(time_us.min(self.outcome.as_ref().map_or(u64::MAX, |o| o.end_us)));
    }

    /// Current virtual time.
    pub fn now_us(&self) -> u64 {
        self.now_us
    }

    /// When the next event is due, if any (and the run has not ended).
    pub fn next_event_us(&self) -> Option<u64> {
        if self.outcome.is_some() {
            return None;
        }
        self.queue.peek_time()
    }

    /// The outcome, once the run has ended.
    pub fn outcome(&self) -> Option<&RunOutcome> {
        self.outcome.as_ref()
    }

    /// Replicas: ids `0..replicas()`.
    pub fn replicas(&self) -> u32 {
        self.replicas
    }

    /// Client endpoints, after the replicas (PBFT: `clients` of them from id `replicas()` on; none
    /// for the tutorial). They appear in traces as senders of REQUEST and receivers of REPLY.
    pub fn clients(&self) -> std::ops::Range<NodeId> {
        self.replicas..self.nodes.len() as NodeId
    }

    pub fn byzantine_nodes(&self) -> &[NodeId] {
        &self.byzantine_nodes
    }

    /// What node `id` knows, for the inspector. With tracing on, slots whose PRE-PREPARE a
    /// NEW-VIEW carried are marked `reissued`.
    pub fn snapshot(&self, id: NodeId) -> Option<NodeSnapshot> {
        let mut snap = self.nodes.get(id as usize)?.replica.snapshot();
        if !self.reissued.is_empty() {
            for slot in &mut snap.slots {
                if let Some(d) = slot.pre_prepare {
                    slot.reissued = self.reissued.contains(&(slot.view, slot.seq, d));
                }
            }
        }
        Some(snap)
    }

    /// Timers endpoint `id` has pending, in id order (empty for an unknown id).
    pub fn timers(&self, id: NodeId) -> Vec<PendingTimer> {
        let Some(node) = self.nodes.get(id as usize) else {
            return Vec::new();
        };
        node.timers
            .iter()
            .map(
                |(
                    &timer,
                    &timers::TimerSlot {
                        set_us, fires_us, ..
                    },
                )| PendingTimer {
                    id: timer,
                    name: node.replica.timer_name(timer),
                    set_us,
                    fires_us,
                },
            )
            .collect()
    }

    fn dispatch(&mut self, event: Event) {
        match event {
            Event::Timeout => self.end(EndReason::Timeout),
            Event::Propose { node, seq } => {
                self.emit(TraceKind::Propose { node, seq });
                // The tutorial's primary proposes client 0's requests; a PBFT client its own.
                let payload = payload(node.saturating_sub(self.replicas), seq);
                // Called by the driver, outside the primary's message loop: it never makes the
                // primary busy (the tutorial awaits `propose` from `run_single_consensus`).
                self.handle(
                    node,
                    Input::Propose {
                        seq,
                        payload: payload.as_bytes(),
                    },
                );
            }
            Event::Deliver {
                id,
                from,
                to,
                msg,
                sent_us,
            } => {
                self.delivered += 1;
                self.emit(TraceKind::Deliver {
                    id,
                    from,
                    to,
                    phase: msg.body().phase(),
                    sent_us,
                });
                self.arrive(to, Pending::Message(msg));
            }
            Event::Timer {
                node,
                id,
                generation,
            } => self.timer_due(node, id, generation),
            Event::NodeFree { node } => {
                self.nodes[node as usize].busy = false;
                while let Some(item) = self.nodes[node as usize].inbox.pop_front() {
                    if self.process(node, item) {
                        break;
                    }
                }
            }
            Event::SendInTurn { from, sends, next } => self.send_in_turn(from, sends, next),
        }
    }

    /// An input reaches `node`: handled now, or queued behind a sequential node's busy handler.
    fn arrive(&mut self, node: NodeId, item: Pending) {
        if self.processing == Processing::Sequential && self.nodes[node as usize].busy {
            self.nodes[node as usize].inbox.push_back(item);
        } else {
            self.process(node, item);
        }
    }

    /// Handles one inbox item; returns whether the node is now busy.
    fn process(&mut self, node: NodeId, item: Pending) -> bool {
        let busy_until = match &item {
            Pending::Message(signed) => self.run_handler(
                node,
                Input::Deliver {
                    from: signed.signer(),
                    msg: signed.body(),
                },
                Some(signed),
            ),
            Pending::Timer { id } => self.handle(node, Input::Timer { id: *id }),
        };
        let busy = self.processing == Processing::Sequential && busy_until > self.now_us;
        if busy {
            self.nodes[node as usize].busy = true;
            self.queue.push(busy_until, Event::NodeFree { node });
        }
        busy
    }

    /// Runs `node`'s handler (and its adversary, if Byzantine) and carries out the outputs.
    /// Returns when the last message it sent lands (now, if it sent nothing).
    fn handle(&mut self, node: NodeId, input: Input<'_>) -> u64 {
        self.run_handler(node, input, None)
    }

    /// As `handle`; a delivery comes `signed` too, which the replica may keep as proof.
    fn run_handler(&mut self, node: NodeId, input: Input<'_>, signed: Option<&Signed>) -> u64 {
        let mut out = std::mem::take(&mut self.outputs);
        let nodes = self.replicas;
        let state = &mut self.nodes[node as usize];
        match signed {
            Some(msg) => state.replica.deliver(msg, &mut out),
            None => state.replica.handle(input.clone(), &mut out),
        }
        if let Some(adversary) = state.adversary.as_mut() {
            let mut ctx = AdversaryCtx {
                node,
                nodes,
                rng: &mut self.adversary_rng,
                delivered: signed,
            };
            adversary.corrupt(&mut ctx, &input, &mut out);
        }
        let mut lands_us = self.now_us;
        for output in out.drain(..) {
            lands_us = lands_us.max(self.apply(node, output));
        }
        self.outputs = out;
        lands_us
    }

    /// Carries out one output; returns when its messages land.
    fn apply(&mut self, node: NodeId, output: Output) -> u64 {
        match output {
            Output::Send { to, msg } => {
                if let (Some(r), &Message::Request { timestamp, .. }) = (&mut self.requests, &msg) {
                    let client = node;
                    r.sent(RequestId { client, timestamp }, self.now_us);
                }
                if let (true, Message::NewView { proof, .. }) = (self.tracing, &msg) {
                    for pp in &proof.pre_prepares {
                        if let Message::PrePrepare {
                            view, seq, digest, ..
                        } = *pp.body()
                        {
                            let key = (view, seq, digest);
                            if !self.reissued.contains(&key) {
                                self.reissued.push(key);
                            }
                        }
                    }
                }
                self.send(node, to, &Signed::seal(node, msg))
            }
            Output::Relay { to, msg } => self.send(node, to, &msg),
            Output::SendInTurn(sends) => {
                // The chain runs on its own, like the tutorial's propose loop: it holds nobody busy.
                self.send_in_turn(node, sends, 0);
                self.now_us
            }
            Output::SetTimer { id, after_us } => {
                self.set_timer(node, id, after_us);
                self.now_us
            }
            Output::CancelTimer { id } => {
                self.cancel_timer(node, id);
                self.now_us
            }
            o @ (Output::Execute { .. } | Output::AdoptState { .. } | Output::Accept { .. }) => {
                self.record(node, o);
                self.now_us
            }
            Output::StartViewChange { view } => {
                self.emit(TraceKind::ViewChange { node, view });
                self.now_us
            }
            Output::EnterView { view } => {
                self.emit(TraceKind::NewView { node, view });
                if self.honest.get(node as usize) == Some(&true) {
                    self.max_view = self.max_view.max(view);
                }
                self.now_us
            }
        }
    }

    fn emit(&mut self, kind: TraceKind) {
        if self.tracing {
            self.step_events.push(TraceEvent {
                time_us: self.now_us,
                kind,
            });
        }
    }
}

/// Convenience: trial `trial` of `config`, run to its end.
pub fn run_once(config: &Config, trial: u32) -> Result<RunOutcome, ConfigError> {
    Ok(Simulation::new(config, trial)?.run())
}
