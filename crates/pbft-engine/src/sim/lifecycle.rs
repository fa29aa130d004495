//! Building a run from a config and closing it with its outcome.
//!
//! Endpoints: replicas `0..nodes` run the protocol (the Byzantine ones wrapped by their
//! strategy); under PBFT `clients` clients follow from id `nodes` on, outside every partition. Every random
//! choice comes from the run's own streams ([`crate::rng`]).

use super::signed::Signer;
use super::{Event, NodeState, Simulation, PAYLOAD};
use crate::adversary::adversary_in_run;
use crate::config::{ms_to_us, Config, Protocol, Strategy};
use crate::error::ConfigError;
use crate::message::{NodeId, Phase};
use crate::metrics::{Ledger, RequestLedger, RunOutcome};
use crate::network::{Network, REORDER_EXTRA_MAX_US};
use crate::node::Replica;
use crate::protocol::pbft::{PbftClient, PbftParams, PbftReplica};
use crate::protocol::tutorial::TutorialNode;
use crate::queue::EventQueue;
use crate::rng::{RunKey, Stream};
use crate::trace::{EndReason, TraceKind};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, VecDeque};

/// The payload of request `seq` of client `client` (from 0): the tutorial's for client 0's first
/// request (and the tutorial's only proposer), with ` #seq` appended after, and the client named
/// for the others, so that every request has its own digest.
pub fn payload(client: u32, seq: u64) -> String {
    match (client, seq) {
        (0, 1) => PAYLOAD.to_string(),
        (0, seq) => format!("{PAYLOAD} #{seq}"),
        (client, seq) => format!("{PAYLOAD} #{seq} from client {client}"),
    }
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
        let clients = match config.protocol {
            Protocol::Tutorial => 0,
            Protocol::Pbft => config.clients,
        };
        let nodes = endpoints(config, clients, &honest, &byzantine_nodes);
        let mut extra_delay_us = vec![0; nodes.len()];
        if config.strategy == Strategy::Slow {
            for &b in &byzantine_nodes {
                extra_delay_us[b as usize] = ms_to_us(config.slow_ms);
            }
        }
        // Clients sit outside every partition: the network sees them as extra, uncut nodes.
        let wider = Config {
            nodes: config.nodes + clients,
            ..config.clone()
        };
        let network = Network::new(&wider, key.stream(Stream::Network));
        let requests = (clients > 0).then(|| {
            let per_client = u64::from(config.requests);
            RequestLedger::new(config.nodes, clients, per_client, honest.clone())
        });
        let ledger_requests = match config.protocol {
            Protocol::Tutorial => u64::from(config.requests),
            Protocol::Pbft => 0,
        };
        Ok(Simulation {
            nodes,
            replicas: config.nodes,
            extra_delay_us,
            ledger: Ledger::new(honest.clone(), ledger_requests),
            honest,
            requests,
            max_view: 0,
            processing: config.processing,
            now_us: 0,
            queue: initial_queue(config, clients),
            network,
            adversary_rng: key.stream(Stream::Adversary),
            next_msg_id: 0,
            next_timer_generation: 0,
            byzantine_nodes,
            messages_by_phase: [0; Phase::ALL.len()],
            delivered: 0,
            dropped: 0,
            tracing: false,
            step_events: Vec::new(),
            outputs: Vec::new(),
            outcome: None,
            reissued: Vec::new(),
        })
    }

    pub(super) fn end(&mut self, reason: EndReason) {
        let (success, latency_us, commit_latency_us, caught_up) = match &self.requests {
            None => (
                reason == EndReason::Committed,
                self.ledger
                    .last_commit_us
                    .filter(|_| reason == EndReason::Committed),
                None,
                self.ledger.honest_done(),
            ),
            Some(r) => (
                r.all_accepted() && !self.ledger.safety_violation,
                r.client_latency_us(),
                r.commit_latency_us(),
                r.caught_up(),
            ),
        };
        let (accepts, last_accept_us) = self
            .requests
            .as_ref()
            .map_or((0, 0), |r| (r.accepts(), r.last_accept_us()));
        let all_accepted = self.requests.as_ref().is_some_and(|r| r.all_accepted());
        let outcome = RunOutcome {
            success,
            agreement: success && !self.ledger.disagreement,
            safety_violation: self.ledger.safety_violation,
            latency_us,
            commit_latency_us,
            requests_accepted: accepts,
            throughput_rps: (all_accepted && last_accept_us > 0)
                .then(|| accepts as f64 * 1e6 / last_accept_us as f64),
            view_changes: self.max_view,
            messages_by_phase: self.messages_by_phase,
            messages: self.messages_by_phase.iter().sum(),
            delivered: self.delivered,
            dropped: self.dropped,
            honest_committed: caught_up,
            honest_caught_up: caught_up,
            honest_total: self.ledger.honest_total(),
            byzantine_nodes: self.byzantine_nodes.clone(),
            end_reason: reason,
            end_us: self.now_us,
        };
        self.emit(TraceKind::End { reason, success });
        self.outcome = Some(outcome);
    }
}

/// The replicas (the Byzantine ones wrapped by their strategy), then the clients.
fn endpoints(
    config: &Config,
    clients: u32,
    honest: &[bool],
    byzantine_nodes: &[NodeId],
) -> Vec<NodeState> {
    let node_state = |replica, adversary| NodeState {
        replica,
        adversary,
        inbox: VecDeque::with_capacity(config.nodes.min(64) as usize),
        busy: false,
        timers: BTreeMap::new(),
    };
    let mut nodes: Vec<NodeState> = (0..config.nodes)
        .map(|id| {
            let adversary = (!honest[id as usize])
                .then(|| adversary_in_run(config.strategy, byzantine_nodes, Signer::new(id)));
            node_state(new_replica(config, id), adversary)
        })
        .collect();
    for index in 0..clients {
        let requests = u64::from(config.requests);
        let client = PbftClient::new(index, config.nodes, requests, config.view_timeout_us());
        nodes.push(node_state(Box::new(client), None));
    }
    nodes
}

/// The run's timeout and the first proposals: the tutorial's driver proposes every request to
/// the primary; each PBFT client is asked for its first request, and sends the next one itself.
fn initial_queue(config: &Config, clients: u32) -> EventQueue<Event> {
    // Room for one broadcast round in flight, so short runs never reallocate the queue.
    let mut queue = EventQueue::for_load(u64::from(config.nodes).pow(2), delay_spread_us(config));
    queue.push(ms_to_us(config.timeout_ms), Event::Timeout);
    if clients == 0 {
        for seq in 1..=u64::from(config.requests) {
            let node = crate::protocol::tutorial::PRIMARY;
            queue.push(0, Event::Propose { node, seq });
        }
    }
    for index in 0..clients {
        let node = config.nodes + index;
        queue.push(0, Event::Propose { node, seq: 1 });
    }
    queue
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
    crate::wasm_size::sort_by_key(&mut chosen, |&id| id);
    chosen
}

/// How far apart in time the deliveries of one broadcast land: the delay range, the reorder
/// hold-back and a millisecond of slack.
fn delay_spread_us(config: &Config) -> u64 {
    let reorder_us = if config.reorder > 0.0 {
        REORDER_EXTRA_MAX_US
    } else {
        0
    };
    ms_to_us(config.max_delay_ms - config.min_delay_ms) + reorder_us + 1000
}
