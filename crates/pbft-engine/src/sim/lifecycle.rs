//! Building a run from a config and closing it with its outcome.
//!
//! Endpoints: replicas `0..nodes` run the protocol (the Byzantine ones wrapped by their
//! strategy); under PBFT one client follows with id `nodes`, outside every partition. Every random
//! choice comes from the run's own streams ([`crate::rng`]).

use super::signed::Signer;
use super::{Event, NodeState, Simulation, PAYLOAD};
use crate::adversary::adversary_in_run;
use crate::config::{ms_to_us, Config, Protocol, Strategy};
use crate::error::ConfigError;
use crate::message::{Digest, NodeId};
use crate::metrics::{Ledger, RunOutcome};
use crate::network::{Network, REORDER_EXTRA_MAX_US};
use crate::node::Replica;
use crate::protocol::pbft::{PbftClient, PbftParams, PbftReplica};
use crate::protocol::tutorial::TutorialNode;
use crate::queue::EventQueue;
use crate::rng::{RunKey, Stream};
use crate::trace::{EndReason, TraceKind};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeSet, VecDeque};

/// The payload of request `seq`: the tutorial's for 1, with ` #seq` appended after.
pub(crate) fn payload(seq: u64) -> String {
    if seq == 1 {
        PAYLOAD.to_string()
    } else {
        format!("{PAYLOAD} #{seq}")
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
        let clients = u32::from(config.protocol == Protocol::Pbft);
        let endpoints = config.nodes + clients;
        let node_state = |replica, adversary| NodeState {
            replica,
            adversary,
            inbox: VecDeque::with_capacity(config.nodes.min(64) as usize),
            busy: false,
            timers: Vec::new(),
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
        let mut queue =
            EventQueue::for_load(u64::from(config.nodes).pow(2), delay_spread_us(config));
        queue.push(ms_to_us(config.timeout_ms), Event::Timeout);
        for seq in 1..=proposals {
            queue.push(0, Event::Propose { seq });
        }
        let ledger = match config.protocol {
            Protocol::Tutorial => Ledger::new(honest.clone(), u64::from(config.requests)),
            Protocol::Pbft => {
                // Inserted one by one: `collect()` into a B-tree set sorts with std's stable
                // sort, about 25 KB of wasm for this one call.
                let mut requests = BTreeSet::new();
                for k in 1..=u64::from(config.requests) {
                    requests.insert(Digest::of(payload(k).as_bytes()));
                }
                Ledger::by_request(honest.clone(), requests)
            }
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
            reissued: Vec::new(),
        })
    }

    pub(super) fn end(&mut self, reason: EndReason) {
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
