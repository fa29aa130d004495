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

#[path = "signed.rs"]
pub mod signed;

use crate::adversary::{adversary_in_run, Adversary, AdversaryCtx};
use crate::config::{ms_to_us, Config, Processing, Protocol, Strategy};
use crate::error::ConfigError;
use crate::message::{Digest, Message, NodeId};
use crate::metrics::{Ledger, PhaseCounts, RunOutcome};
use crate::network::{Fate, Network};
use crate::node::{Dest, Input, NodeSnapshot, Output, Replica, TimerId};
use crate::protocol::pbft::{PbftClient, PbftParams, PbftReplica};
use crate::protocol::tutorial::{TutorialNode, PRIMARY};
use crate::queue::EventQueue;
use crate::rng::{RunKey, Stream};
use crate::trace::{EndReason, TraceEvent, TraceKind};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use signed::{Signed, Signer};
use std::collections::{BTreeMap, VecDeque};

/// The tutorial's payload (`run_single_consensus(payload="tx: pay Alice->Bob 5")`); request k > 1
/// appends ` #k` so every request has its own digest.
pub const PAYLOAD: &str = "tx: pay Alice->Bob 5";

pub(crate) fn payload(seq: u64) -> String {
    if seq == 1 {
        PAYLOAD.to_string()
    } else {
        format!("{PAYLOAD} #{seq}")
    }
}

enum Event {
    Propose {
        seq: u64,
    },
    Deliver {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: Message,
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
    timers: BTreeMap<TimerId, u64>,
}

/// One run of one scenario.
///
/// Endpoints: replicas have ids `0..nodes`; under PBFT one client follows with id `nodes`. Trace
/// events name the client like a node (it sends REQUESTs and receives REPLYs).
pub struct Simulation {
    nodes: Vec<NodeState>,
    /// Replicas (the first `replicas` endpoints).
    replicas: u32,
    protocol: Protocol,
    /// Per endpoint: extra delay added to everything it sends (strategy `slow`).
    extra_delay_us: Vec<u64>,
    honest: Vec<bool>,
    /// PBFT: when a primary first proposed (PRE-PREPARE or NEW-VIEW); 0 for the tutorial.
    first_proposal_us: Option<u64>,
    /// PBFT: requests the client accepted, and when the last one was.
    accepts: u64,
    accepts_needed: u64,
    last_accept_us: u64,
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
}

impl Simulation {
    /// Trial `trial` of `config` (validated first; nothing is built from a bad config).
    pub fn new(config: &Config, trial: u32) -> Result<Simulation, ConfigError> {
        config.validate()?;
        let key = RunKey::new(config.seed, config.byzantine_count(), trial);
        let byzantine_nodes = place_byzantine(config, &mut key.stream(Stream::Placement));
        let mut honest = vec![true; config.nodes as usize];
        for &b in &byzantine_nodes {
            honest[b as usize] = false;
        }
        let clients = u32::from(config.protocol == Protocol::Pbft);
        let endpoints = config.nodes + clients;
        let node_state = |replica, adversary| NodeState {
            replica,
            adversary,
            inbox: VecDeque::with_capacity(config.nodes.min(64) as usize),
            busy: false,
            timers: BTreeMap::new(),
        };
        let mut nodes: Vec<NodeState> = (0..config.nodes)
            .map(|id| {
                node_state(
                    new_replica(config, id),
                    (!honest[id as usize])
                        .then(|| adversary_in_run(config.strategy, &byzantine_nodes)),
                )
            })
            .collect();
        for client in config.nodes..endpoints {
            let c = PbftClient::new(
                client,
                config.nodes,
                u64::from(config.requests),
                config.view_timeout_us(),
            );
            nodes.push(node_state(Box::new(c), None));
        }
        let mut extra_delay_us = vec![0; endpoints as usize];
        if config.strategy == Strategy::Slow {
            for &b in &byzantine_nodes {
                extra_delay_us[b as usize] = ms_to_us(config.slow_ms);
            }
        }
        // Clients sit outside every partition: the network sees them as extra, uncut nodes.
        let network = if clients == 0 {
            Network::new(config, key.stream(Stream::Network))
        } else {
            let wider = Config {
                nodes: endpoints,
                ..config.clone()
            };
            Network::new(&wider, key.stream(Stream::Network))
        };
        let proposals = match config.protocol {
            Protocol::Tutorial => u64::from(config.requests),
            // The client issues the rest itself, one after the other.
            Protocol::Pbft => 1,
        };
        // Room for one broadcast round in flight, so short runs never reallocate the queue.
        let mut queue = EventQueue::with_capacity((config.nodes as usize).pow(2).min(4096) + 16);
        queue.push(ms_to_us(config.timeout_ms), Event::Timeout);
        for seq in 1..=proposals {
            queue.push(0, Event::Propose { seq });
        }
        let ledger = match config.protocol {
            Protocol::Tutorial => Ledger::new(honest.clone(), u64::from(config.requests)),
            Protocol::Pbft => Ledger::by_request(
                honest.clone(),
                (1..=u64::from(config.requests))
                    .map(|k| Digest::of(payload(k).as_bytes()))
                    .collect(),
            ),
        };
        Ok(Simulation {
            nodes,
            replicas: config.nodes,
            protocol: config.protocol,
            extra_delay_us,
            honest,
            first_proposal_us: (config.protocol == Protocol::Tutorial).then_some(0),
            accepts: 0,
            accepts_needed: u64::from(clients) * u64::from(config.requests),
            last_accept_us: 0,
            max_view: 0,
            processing: config.processing,
            now_us: 0,
            queue,
            network,
            adversary_rng: key.stream(Stream::Adversary),
            next_msg_id: 0,
            next_timer_generation: 0,
            ledger,
            byzantine_nodes,
            messages_by_phase: [0; 8],
            delivered: 0,
            dropped: 0,
            tracing: false,
            step_events: Vec::new(),
            outputs: Vec::new(),
            outcome: None,
        })
    }

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
                if self.outcome.is_none()
                    && self.ledger.all_committed()
                    && self.accepts >= self.accepts_needed
                {
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

    /// Client endpoints, after the replicas (PBFT: one client, id `replicas()`; none for the
    /// tutorial). They appear in traces as senders of REQUEST and receivers of REPLY.
    pub fn clients(&self) -> std::ops::Range<NodeId> {
        self.replicas..self.nodes.len() as NodeId
    }

    pub fn byzantine_nodes(&self) -> &[NodeId] {
        &self.byzantine_nodes
    }

    /// What node `id` knows, for the inspector.
    pub fn snapshot(&self, id: NodeId) -> Option<NodeSnapshot> {
        self.nodes.get(id as usize).map(|n| n.replica.snapshot())
    }

    fn dispatch(&mut self, event: Event) {
        match event {
            Event::Timeout => self.end(EndReason::Timeout),
            Event::Propose { seq } => {
                // PBFT: the workload starts at the client, which proposes by sending REQUEST.
                let node = match self.protocol {
                    Protocol::Tutorial => PRIMARY,
                    Protocol::Pbft => self.replicas,
                };
                self.emit(TraceKind::Propose { node, seq });
                let payload = payload(seq);
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
                    phase: msg.phase(),
                    sent_us,
                });
                self.arrive(to, Pending::Message(Signed::seal(from, msg)));
            }
            Event::Timer {
                node,
                id,
                generation,
            } => {
                if self.nodes[node as usize].timers.get(&id) == Some(&generation) {
                    self.nodes[node as usize].timers.remove(&id);
                    self.emit(TraceKind::Timer { node, timer: id });
                    self.arrive(node, Pending::Timer { id });
                }
            }
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
                if self.first_proposal_us.is_none()
                    && matches!(msg, Message::PrePrepare { .. } | Message::NewView { .. })
                {
                    self.first_proposal_us = Some(self.now_us);
                }
                self.send(node, to, &msg)
            }
            Output::SendInTurn(sends) => {
                // The chain runs on its own, like the tutorial's propose loop: it holds nobody busy.
                self.send_in_turn(node, sends, 0);
                self.now_us
            }
            Output::SetTimer { id, after_us } => {
                let generation = self.next_timer_generation;
                self.next_timer_generation += 1;
                self.nodes[node as usize].timers.insert(id, generation);
                self.queue.push(
                    self.now_us + after_us,
                    Event::Timer {
                        node,
                        id,
                        generation,
                    },
                );
                self.now_us
            }
            Output::CancelTimer { id } => {
                self.nodes[node as usize].timers.remove(&id);
                self.now_us
            }
            Output::Commit { seq, digest } => {
                self.emit(TraceKind::Commit { node, seq, digest });
                self.ledger.commit(node, seq, digest, self.now_us);
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
            Output::Accept { timestamp, result } => {
                self.emit(TraceKind::Accept {
                    client: node,
                    seq: timestamp,
                    result,
                });
                self.accepts += 1;
                self.last_accept_us = self.now_us;
                self.now_us
            }
        }
    }

    fn send(&mut self, from: NodeId, to: Dest, msg: &Message) -> u64 {
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

    fn send_in_turn(&mut self, from: NodeId, sends: Vec<(NodeId, Message)>, next: usize) {
        if let Some((dst, msg)) = sends.get(next).cloned() {
            let lands_us = self.transmit(from, dst, msg);
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
    fn transmit(&mut self, from: NodeId, to: NodeId, msg: Message) -> u64 {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        let phase = msg.phase();
        self.messages_by_phase[phase.index()] += 1;
        match self.network.transmit(from, to, self.now_us) {
            Fate::Dropped(reason) => {
                self.dropped += 1;
                self.emit(TraceKind::Drop {
                    id,
                    from,
                    to,
                    phase,
                    seq: msg.seq(),
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
        msg: Message,
        delay_us: u64,
        duplicate: bool,
    ) {
        let deliver_us = self.now_us + delay_us;
        if self.tracing {
            let (phase, seq, digest) = (msg.phase(), msg.seq(), msg.digest());
            self.emit(TraceKind::Send {
                id,
                from,
                to,
                phase,
                seq,
                digest,
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

    fn emit(&mut self, kind: TraceKind) {
        if self.tracing {
            self.step_events.push(TraceEvent {
                time_us: self.now_us,
                kind,
            });
        }
    }

    fn end(&mut self, reason: EndReason) {
        let success = reason == EndReason::Committed;
        let all_accepted = self.accepts_needed > 0 && self.accepts >= self.accepts_needed;
        let proposed_us = self.first_proposal_us.unwrap_or(0);
        let outcome = RunOutcome {
            success,
            agreement: success && !self.ledger.disagreement,
            safety_violation: self.ledger.safety_violation,
            latency_us: if success {
                self.ledger
                    .last_commit_us
                    .map(|t| t.saturating_sub(proposed_us))
            } else {
                None
            },
            client_latency_us: all_accepted.then(|| self.last_accept_us / self.accepts),
            requests_accepted: self.accepts,
            throughput_rps: (all_accepted && self.last_accept_us > 0)
                .then(|| self.accepts as f64 * 1e6 / self.last_accept_us as f64),
            view_changes: self.max_view,
            messages_by_phase: self.messages_by_phase,
            messages: self.messages_by_phase.iter().sum(),
            delivered: self.delivered,
            dropped: self.dropped,
            honest_committed: self.ledger.honest_done(),
            honest_total: self.ledger.honest_total(),
            byzantine_nodes: self.byzantine_nodes.clone(),
            end_reason: reason,
            end_us: self.now_us,
        };
        self.emit(TraceKind::End { reason, success });
        self.outcome = Some(outcome);
    }
}

fn new_replica(config: &Config, id: NodeId) -> Box<dyn Replica> {
    match config.protocol {
        Protocol::Tutorial => Box::new(TutorialNode::new(id, config.nodes)),
        Protocol::Pbft => Box::new(PbftReplica::new(
            PbftParams {
                nodes: config.nodes,
                checkpoint_interval: u64::from(config.checkpoint_interval),
                view_timeout_us: config.view_timeout_us(),
            },
            Signer::new(id),
        )),
    }
}

/// The Byzantine set: the explicit list, or a uniform sample of `byzantine` of all nodes (the
/// tutorial's `random.sample(range(n), k=m)`, so the primary can be Byzantine). A partial
/// Fisher–Yates shuffle over `u32` ranges keeps it identical on 32- and 64-bit targets.
fn place_byzantine(config: &Config, rng: &mut ChaCha8Rng) -> Vec<NodeId> {
    let mut chosen = match &config.byzantine_nodes {
        Some(ids) => ids.clone(),
        None => {
            let mut ids: Vec<NodeId> = (0..config.nodes).collect();
            for i in 0..config.byzantine {
                let j = rng.gen_range(i..config.nodes);
                ids.swap(i as usize, j as usize);
            }
            ids.truncate(config.byzantine as usize);
            ids
        }
    };
    chosen.sort_unstable();
    chosen
}

/// Convenience: trial `trial` of `config`, run to its end.
pub fn run_once(config: &Config, trial: u32) -> Result<RunOutcome, ConfigError> {
    Ok(Simulation::new(config, trial)?.run())
}
