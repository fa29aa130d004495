//! Every trace event as a sentence: the browser's log and caption, and the descriptions of a
//! ShiViz log ([`crate::export::shiviz`]), so both say the same thing about the same event.
//!
//! The match over `TraceKind` has no catch-all arm on purpose: a kind the engine adds does not
//! compile here until it has words, so nothing reaches the page as raw JSON. Replicas are
//! "node i", clients (endpoints after the replicas) "client" (or "client i" once a run has
//! several), so a request never reads as if a node proposed it.

use crate::{Digest, NodeId, Phase, Simulation, TraceEvent, TraceKind, NULL_DIGEST};

/// What a sentence needs to know about the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// Replicas: ids `0..replicas`; ids from `replicas` on are clients.
    pub replicas: u32,
    /// Client endpoints.
    pub clients: u32,
    /// f: the client accepts on f + 1 matching replies.
    pub f: u32,
}

impl Names {
    /// How a run of `sim` names its endpoints (`f` is the config's).
    pub fn of(sim: &Simulation, f: u32) -> Names {
        Names {
            replicas: sim.replicas(),
            clients: sim.clients().len() as u32,
            f,
        }
    }

    /// `node 3`, `client` (the only one) or `client 5`.
    pub fn endpoint(&self, id: NodeId) -> String {
        if id < self.replicas {
            format!("node {id}")
        } else if self.clients <= 1 {
            "client".to_string()
        } else {
            format!("client {id}")
        }
    }

    pub fn is_client(&self, id: NodeId) -> bool {
        id >= self.replicas
    }

    /// The primary of `view` (PBFT: replica v mod n).
    pub fn primary_of(&self, view: u64) -> NodeId {
        (view % u64::from(self.replicas.max(1))) as NodeId
    }
}

/// Every trace kind, with a label for the log's filter.
pub const KINDS: &[(&str, &str)] = &[
    ("propose", "requests issued"),
    ("send", "messages sent"),
    ("deliver", "messages delivered"),
    ("drop", "messages lost"),
    ("timer-set", "timers started"),
    ("timer-cancel", "timers stopped"),
    ("timer", "timers fired"),
    ("commit", "commits"),
    ("view-change", "view changes asked"),
    ("new-view", "views entered"),
    ("accept", "client accepts"),
    ("state-transfer", "state transfers"),
    ("end", "end of the run"),
];

/// The filter label of an event's kind. Exhaustive: a new kind must be added to [`KINDS`].
pub fn kind_label(kind: &TraceKind) -> &'static str {
    let name = match kind {
        TraceKind::Propose { .. } => "propose",
        TraceKind::Send { .. } => "send",
        TraceKind::Deliver { .. } => "deliver",
        TraceKind::Drop { .. } => "drop",
        TraceKind::TimerSet { .. } => "timer-set",
        TraceKind::TimerCancel { .. } => "timer-cancel",
        TraceKind::Timer { .. } => "timer",
        TraceKind::Commit { .. } => "commit",
        TraceKind::ViewChange { .. } => "view-change",
        TraceKind::NewView { .. } => "new-view",
        TraceKind::Accept { .. } => "accept",
        TraceKind::StateTransfer { .. } => "state-transfer",
        TraceKind::End { .. } => "end",
    };
    KINDS
        .iter()
        .find(|(k, _)| *k == name)
        .map_or(name, |(_, label)| label)
}

/// Virtual µs as milliseconds with three decimals: `1069.794 ms`. Integer digits: the same text
/// as `{:.3}` of the float, without float formatting.
pub fn fmt_ms(t_us: u64) -> String {
    format!("{}.{:03} ms", t_us / 1000, t_us % 1000)
}

/// `8ede1d34`, or `null` for the null request.
pub fn digest_text(d: Digest) -> String {
    if d == NULL_DIGEST {
        "null".to_string()
    } else {
        d.short()
    }
}

/// A message's name and what it is about: `PREPARE seq 1 (8ede1d34)`, `REQUEST t=2`.
fn message(phase: Phase, seq: Option<u64>, t: Option<u64>, digest: Option<Digest>) -> String {
    let d = |d: Option<Digest>| match d {
        Some(d) if d == NULL_DIGEST => " (the null request)".to_string(),
        Some(d) => format!(" ({})", d.short()),
        None => String::new(),
    };
    let seq = seq.map_or(String::new(), |s| format!(" seq {s}"));
    let t = t.map_or(String::new(), |t| format!(" t={t}"));
    match phase {
        Phase::Request => format!("REQUEST{t}{}", d(digest)),
        Phase::PrePrepare => format!("PRE-PREPARE{seq}{}", d(digest)),
        Phase::Prepare => format!("PREPARE{seq}{}", d(digest)),
        Phase::Commit => format!("COMMIT{seq}{}", d(digest)),
        Phase::Reply => format!("REPLY to{t}{}", d(digest).replace(" (", " (result ")),
        Phase::Checkpoint => format!("CHECKPOINT at{seq}{}", d(digest).replace(" (", " (state ")),
        Phase::ViewChange => "VIEW-CHANGE".to_string(),
        Phase::NewView => "NEW-VIEW".to_string(),
        Phase::Status => "STATUS (what it has, so others re-send what it lacks)".to_string(),
        Phase::Fetch => format!("FETCH for the state at{seq}"),
        Phase::State => format!("STATE at{seq}"),
    }
}

/// The nodes an event concerns (for the log's node filter): sender and receiver, or the one
/// node it happened at.
pub fn event_nodes(e: &TraceEvent) -> Option<(NodeId, Option<NodeId>)> {
    match &e.kind {
        TraceKind::Send { from, to, .. }
        | TraceKind::Drop { from, to, .. }
        | TraceKind::Deliver { from, to, .. } => Some((*from, Some(*to))),
        TraceKind::Propose { node, .. }
        | TraceKind::Timer { node, .. }
        | TraceKind::TimerSet { node, .. }
        | TraceKind::TimerCancel { node, .. }
        | TraceKind::Commit { node, .. }
        | TraceKind::ViewChange { node, .. }
        | TraceKind::NewView { node, .. }
        | TraceKind::StateTransfer { node, .. } => Some((*node, None)),
        TraceKind::Accept { client, .. } => Some((*client, None)),
        TraceKind::End { .. } => None,
    }
}

/// The message phase an event is about, if it is about a message.
pub fn event_phase(e: &TraceEvent) -> Option<Phase> {
    match &e.kind {
        TraceKind::Send { phase, .. }
        | TraceKind::Drop { phase, .. }
        | TraceKind::Deliver { phase, .. } => Some(*phase),
        TraceKind::Propose { .. }
        | TraceKind::Timer { .. }
        | TraceKind::TimerSet { .. }
        | TraceKind::TimerCancel { .. }
        | TraceKind::Commit { .. }
        | TraceKind::End { .. }
        | TraceKind::ViewChange { .. }
        | TraceKind::NewView { .. }
        | TraceKind::Accept { .. }
        | TraceKind::StateTransfer { .. } => None,
    }
}

/// A timer's purpose in words, the same everywhere (log, inspector, arcs' tooltips): the
/// replicas' "view-change timer" and "retransmission (STATUS) timer", the client's
/// "retransmission timer".
pub fn timer_words(name: &str) -> &str {
    match name {
        "view-change" => "view-change timer",
        "retransmit" => "retransmission timer",
        "retransmission" => "retransmission (STATUS) timer",
        other => other,
    }
}

/// A sentence for one event.
pub fn describe(e: &TraceEvent, n: &Names) -> String {
    let who = |id: NodeId| n.endpoint(id);
    match &e.kind {
        TraceKind::Propose { node, seq } if n.is_client(*node) => {
            format!("{} issues request t={seq}", who(*node))
        }
        TraceKind::Propose { node, seq } => {
            format!("primary {node} is asked to propose request {seq}")
        }
        TraceKind::Send {
            from,
            to,
            phase,
            seq,
            timestamp,
            digest,
            duplicate,
            ..
        } => format!(
            "{} sends {} to {}{}",
            who(*from),
            message(*phase, *seq, *timestamp, *digest),
            who(*to),
            if *duplicate {
                " (a duplicate copy)"
            } else {
                ""
            }
        ),
        TraceKind::Drop {
            from,
            to,
            phase,
            seq,
            timestamp,
            reason,
            ..
        } => format!(
            "{}'s {} to {} is lost ({})",
            who(*from),
            message(*phase, *seq, *timestamp, None),
            who(*to),
            match reason.name() {
                "partition" => "cut by a partition",
                _ => "random loss",
            }
        ),
        TraceKind::Deliver {
            from, to, phase, ..
        } => format!(
            "{} receives {}'s {}",
            who(*to),
            who(*from),
            phase.name().to_ascii_uppercase()
        ),
        TraceKind::Timer { node, name, .. } if n.is_client(*node) => format!(
            "{}'s {} fires: no f + 1 = {} matching replies yet, it sends the request again",
            who(*node),
            timer_words(name),
            n.f + 1
        ),
        TraceKind::Timer { node, name, .. } => {
            format!("{}'s {} fires", who(*node), timer_words(name))
        }
        TraceKind::TimerSet {
            node,
            name,
            fires_us,
            ..
        } => format!(
            "{} starts its {} (fires at {})",
            who(*node),
            timer_words(name),
            fmt_ms(*fires_us)
        ),
        TraceKind::TimerCancel { node, name, .. } => {
            format!("{} stops its {}", who(*node), timer_words(name))
        }
        TraceKind::Commit { node, seq, digest } if *digest == NULL_DIGEST => {
            format!(
                "{} executes the null request at seq {seq} (a no-op)",
                who(*node)
            )
        }
        TraceKind::Commit { node, seq, digest } => {
            format!("{} commits seq {seq} ({})", who(*node), digest.short())
        }
        TraceKind::End { reason, success } => format!(
            "the run ends: {}{}",
            match reason.name() {
                "committed" => "everything committed",
                "timeout" => "the run's timeout",
                _ => "nothing left to happen",
            },
            // "Everything committed (no success)" read as a contradiction: say why it can be.
            match (*success, reason.name()) {
                (true, _) => " (success)",
                (false, "committed") => ", yet no success (the outcome says why)",
                (false, _) => " (no success)",
            }
        ),
        TraceKind::ViewChange { node, view } => format!(
            "{} suspects primary {} and asks for view {view} (VIEW-CHANGE)",
            who(*node),
            n.primary_of(view.saturating_sub(1)),
        ),
        TraceKind::NewView { node, view } if n.primary_of(*view) == *node => format!(
            "{} starts view {view} as its primary (NEW-VIEW with 2f + 1 VIEW-CHANGEs)",
            who(*node)
        ),
        TraceKind::NewView { node, view } => format!(
            "{} enters view {view}: it accepted primary {}'s NEW-VIEW",
            who(*node),
            n.primary_of(*view)
        ),
        TraceKind::StateTransfer { node, seq } => format!(
            "{} adopts the state at seq {seq} fetched from another replica (state transfer)",
            who(*node)
        ),
        TraceKind::Accept {
            client,
            seq,
            result,
        } => format!(
            "{} accepts request t={seq}: f + 1 = {} matching replies (result {})",
            who(*client),
            n.f + 1,
            result.short()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Protocol, Simulation};

    fn events(c: &Config) -> Vec<TraceEvent> {
        let mut sim = Simulation::new(c, 0).unwrap().with_trace(true);
        let mut all = Vec::new();
        while let Some(step) = sim.step() {
            all.extend_from_slice(step);
        }
        all
    }

    #[test]
    fn no_event_reads_as_json_and_the_client_is_named() {
        let mut c = Config::for_protocol(Protocol::Pbft);
        c.set("byzantine-nodes", "0").unwrap();
        c.set("byzantine", "1").unwrap();
        let names = Names {
            replicas: 4,
            clients: 1,
            f: 1,
        };
        let all = events(&c);
        let mut kinds = std::collections::BTreeSet::new();
        for e in &all {
            let text = describe(e, &names);
            assert!(!text.contains('{') && !text.contains("\":"), "{text}");
            assert!(!text.contains("node 4"), "the client is not a node: {text}");
            kinds.insert(e.kind.name());
        }
        for k in ["view-change", "new-view", "accept", "timer", "timer-set"] {
            assert!(kinds.contains(k), "{k} in {kinds:?}");
        }
        for e in &all {
            assert_ne!(
                kind_label(&e.kind),
                e.kind.name(),
                "{} has a label",
                e.kind.name()
            );
        }
        let first = describe(&all[0], &names);
        assert_eq!(first, "client issues request t=1");
        let accept = all.iter().find(|e| e.kind.name() == "accept").unwrap();
        assert!(describe(accept, &names).starts_with("client accepts request t=1: f + 1 = 2"));
    }

    /// Issue 12: no log row is raw JSON, for every kind of event. A lossy PBFT run with
    /// checkpoints has them all (drops, retransmission, view changes, a state transfer); a
    /// partitioned run and the tutorial add their own sentences.
    #[test]
    fn every_kind_of_event_has_words() {
        let pbft = |pairs: &[(&str, &str)]| {
            let mut c = Config::for_protocol(Protocol::Pbft);
            for (k, v) in pairs {
                c.set(k, v).unwrap();
            }
            c
        };
        let lossy = pbft(&[
            ("seed", "11"),
            ("drop", "0.2"),
            ("requests", "25"),
            ("checkpoint-interval", "5"),
        ]);
        let cut = pbft(&[("partition", "3@0-300"), ("requests", "3")]);
        let mut tutorial = Config::default();
        tutorial.set("byzantine", "2").unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for c in [&lossy, &cut, &tutorial] {
            let names = Names {
                replicas: c.nodes,
                clients: u32::from(c.protocol == Protocol::Pbft) * c.clients,
                f: c.f(),
            };
            for e in events(c) {
                let text = describe(&e, &names);
                assert!(
                    !text.contains('{') && !text.contains("\":") && !text.contains("seq 0"),
                    "{text}"
                );
                assert!(text.len() > 8 && text.contains(' '), "{text}");
                seen.insert(kind_label(&e.kind));
            }
        }
        for (_, label) in KINDS {
            assert!(seen.contains(label), "no event shown for '{label}'");
        }
    }
}
