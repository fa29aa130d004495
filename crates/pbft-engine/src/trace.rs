//! The event trace of a run: what the browser animates and `pbft-sim run --trace` prints.
//!
//! Each event renders to one JSON line by hand (the engine has no serde dependency), and a whole
//! trace hashes with FNV-1a over those lines: a golden hash checked natively and in wasm proves
//! that the same config and seed give the same run on both.

use crate::message::{Digest, NodeId, Phase};
use std::fmt::Write as _;

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// Lost at random (`drop` probability).
    Loss,
    /// Sent across a scheduled partition.
    Partition,
}

impl DropReason {
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Loss => "loss",
            DropReason::Partition => "partition",
        }
    }
}

/// Why a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// Every honest node committed every request.
    Committed,
    /// The timeout passed first.
    Timeout,
    /// Nothing was left to happen before the timeout (no message in flight, no timer pending).
    Quiescent,
}

impl EndReason {
    pub fn name(self) -> &'static str {
        match self {
            EndReason::Committed => "committed",
            EndReason::Timeout => "timeout",
            EndReason::Quiescent => "quiescent",
        }
    }
}

/// One thing that happened, at `time_us` of virtual time.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    pub time_us: u64,
    pub kind: TraceKind,
}

/// The kinds of trace events.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceKind {
    /// The driver asked `node` to propose sequence number `seq`.
    Propose { node: NodeId, seq: u64 },
    /// Message `id` left `from` for `to` and will arrive at `deliver_us`. `duplicate` marks the
    /// network's second copy of a message. `seq`, `timestamp` and `digest` are the message's own
    /// ([`crate::Message::seq`], [`crate::Message::timestamp`], [`crate::Message::digest`]).
    Send {
        id: u64,
        from: NodeId,
        to: NodeId,
        phase: Phase,
        seq: Option<u64>,
        timestamp: Option<u64>,
        digest: Option<Digest>,
        deliver_us: u64,
        duplicate: bool,
    },
    /// Message `id` from `from` to `to` was lost when sent.
    Drop {
        id: u64,
        from: NodeId,
        to: NodeId,
        phase: Phase,
        seq: Option<u64>,
        timestamp: Option<u64>,
        reason: DropReason,
    },
    /// Message `id`, sent at `sent_us`, arrived at `to`.
    Deliver {
        id: u64,
        from: NodeId,
        to: NodeId,
        phase: Phase,
        sent_us: u64,
    },
    /// Timer `timer` of `node` (called `name` by its protocol) fired.
    Timer {
        node: NodeId,
        timer: u64,
        name: &'static str,
    },
    /// `node` set timer `timer` to fire at `fires_us`, replacing any pending one of that id.
    TimerSet {
        node: NodeId,
        timer: u64,
        name: &'static str,
        fires_us: u64,
    },
    /// `node` cancelled its pending timer `timer` before it fired.
    TimerCancel {
        node: NodeId,
        timer: u64,
        name: &'static str,
    },
    /// An honest or Byzantine `node` committed `digest` at `seq`.
    Commit {
        node: NodeId,
        seq: u64,
        digest: Digest,
    },
    /// The run ended.
    End { reason: EndReason, success: bool },
    /// PBFT: `node` stopped its view and sent VIEW-CHANGE for `view`.
    ViewChange { node: NodeId, view: u64 },
    /// PBFT: `node` entered `view` (NEW-VIEW accepted, or sent as the new primary).
    NewView { node: NodeId, view: u64 },
    /// PBFT: `node` adopted the state of checkpoint `seq`, fetched from another replica (state
    /// transfer): it has executed everything up to `seq`.
    StateTransfer { node: NodeId, seq: u64 },
    /// PBFT: `client` accepted request `seq` (its timestamp) with `result`: f + 1 replies matched.
    Accept {
        client: NodeId,
        seq: u64,
        result: Digest,
    },
}

impl TraceKind {
    /// Stable lower-case name, used in JSON and in the browser's log filter.
    pub fn name(&self) -> &'static str {
        match self {
            TraceKind::Propose { .. } => "propose",
            TraceKind::Send { .. } => "send",
            TraceKind::Drop { .. } => "drop",
            TraceKind::Deliver { .. } => "deliver",
            TraceKind::Timer { .. } => "timer",
            TraceKind::TimerSet { .. } => "timer-set",
            TraceKind::TimerCancel { .. } => "timer-cancel",
            TraceKind::Commit { .. } => "commit",
            TraceKind::End { .. } => "end",
            TraceKind::ViewChange { .. } => "view-change",
            TraceKind::NewView { .. } => "new-view",
            TraceKind::Accept { .. } => "accept",
            TraceKind::StateTransfer { .. } => "state-transfer",
        }
    }
}

impl TraceEvent {
    /// One JSON object, no trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = format!(
            "{{\"time_us\":{},\"kind\":\"{}\"",
            self.time_us,
            self.kind.name()
        );
        // Writing to a String cannot fail.
        let _ = match &self.kind {
            TraceKind::Propose { node, seq } => write!(s, ",\"node\":{node},\"seq\":{seq}"),
            TraceKind::Send {
                id,
                from,
                to,
                phase,
                seq,
                timestamp,
                digest,
                deliver_us,
                duplicate,
            } => {
                let _ = write!(
                    s,
                    ",\"id\":{id},\"from\":{from},\"to\":{to},\"phase\":\"{}\"",
                    phase.name()
                );
                write_about(&mut s, *seq, *timestamp, *digest);
                write!(s, ",\"deliver_us\":{deliver_us},\"duplicate\":{duplicate}")
            }
            TraceKind::Drop {
                id,
                from,
                to,
                phase,
                seq,
                timestamp,
                reason,
            } => {
                let _ = write!(
                    s,
                    ",\"id\":{id},\"from\":{from},\"to\":{to},\"phase\":\"{}\"",
                    phase.name()
                );
                write_about(&mut s, *seq, *timestamp, None);
                write!(s, ",\"reason\":\"{}\"", reason.name())
            }
            TraceKind::Deliver {
                id,
                from,
                to,
                phase,
                sent_us,
            } => write!(
                s,
                ",\"id\":{id},\"from\":{from},\"to\":{to},\"phase\":\"{}\",\"sent_us\":{sent_us}",
                phase.name()
            ),
            TraceKind::Timer { node, timer, name }
            | TraceKind::TimerCancel { node, timer, name } => {
                write!(s, ",\"node\":{node},\"timer\":{timer},\"name\":\"{name}\"")
            }
            TraceKind::TimerSet {
                node,
                timer,
                name,
                fires_us,
            } => write!(
                s,
                ",\"node\":{node},\"timer\":{timer},\"name\":\"{name}\",\"fires_us\":{fires_us}"
            ),
            TraceKind::Commit { node, seq, digest } => {
                write!(
                    s,
                    ",\"node\":{node},\"seq\":{seq},\"digest\":\"{}\"",
                    digest.short()
                )
            }
            TraceKind::End { reason, success } => {
                write!(s, ",\"reason\":\"{}\",\"success\":{success}", reason.name())
            }
            TraceKind::ViewChange { node, view } | TraceKind::NewView { node, view } => {
                write!(s, ",\"node\":{node},\"view\":{view}")
            }
            TraceKind::StateTransfer { node, seq } => write!(s, ",\"node\":{node},\"seq\":{seq}"),
            TraceKind::Accept {
                client,
                seq,
                result,
            } => write!(
                s,
                ",\"client\":{client},\"seq\":{seq},\"result\":\"{}\"",
                result.short()
            ),
        };
        s.push('}');
        s
    }
}

/// The fields a message has, in the order the tutorial's traces always printed them: `seq`,
/// then `timestamp` (client messages), then `digest`; absent fields are left out.
fn write_about(s: &mut String, seq: Option<u64>, timestamp: Option<u64>, digest: Option<Digest>) {
    if let Some(seq) = seq {
        let _ = write!(s, ",\"seq\":{seq}");
    }
    if let Some(t) = timestamp {
        let _ = write!(s, ",\"timestamp\":{t}");
    }
    if let Some(d) = digest {
        let _ = write!(s, ",\"digest\":\"{}\"", d.short());
    }
}

/// FNV-1a 64 over the JSON lines of a trace, each followed by `\n`.
pub fn trace_hash(events: &[TraceEvent]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for e in events {
        for b in e.to_json().bytes().chain(std::iter::once(b'\n')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}
