//! The view-model derived from the run after each action: the [`Frame`] (every animation frame:
//! time, dots, timer arcs), the [`Scene`] (when events happened: node and client states, the
//! inspector, the outcome line and the caption) and the [`Detail`] (the costly views: the
//! space-time diagram and the log), each rebuilt only as often as it needs.

use super::{AppState, Frame, DETAIL_EVERY_MS, SCENE_EVERY_MS};
use crate::timeline::{is_milestone, Driver};
use crate::view::{self, nodes, ClientView, Lanes, LogView, NodeView, Shared};
use pbft_engine::{explain, Config, NodeId, NodeSnapshot, PendingTimer, Protocol, TraceKind};

/// The costly views (they grow with the run): rebuilt at most every [`DETAIL_EVERY_MS`] of
/// wall time while playing, at once otherwise.
#[derive(Debug, Default)]
pub struct Detail {
    pub lanes: Lanes,
    pub log: LogView,
}

/// What the inspector shows about one node.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspect {
    pub id: NodeId,
    pub byzantine: bool,
    /// The run's Byzantine strategy (the node's own when it is Byzantine).
    pub strategy: &'static str,
    /// The view it last entered (the snapshot's `view` is the one asked for while changing).
    pub entered_view: u64,
    pub snapshot: NodeSnapshot,
    pub timers: Vec<PendingTimer>,
    pub now_us: u64,
    /// Where the node is on the graph (the phone's sheet opens beside it).
    pub x: f64,
    pub y: f64,
}

/// The run's ending, in words.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeLine {
    /// `success`, `timeout` or `safety-violation` (the hook `data-outcome`).
    pub verdict: &'static str,
    pub headline: String,
    pub reason: String,
}

/// What changes when events happen or the user picks something.
#[derive(Debug, Default)]
pub struct Scene {
    pub nodes: Vec<NodeView>,
    pub clients: Vec<ClientView>,
    pub quorum: u32,
    pub f: u32,
    pub detail: Shared<Detail>,
    pub inspector: Option<Inspect>,
    pub alarm: Option<String>,
    /// A one-line summary of the run so far (the outcome's headline once it ended).
    pub status: String,
    pub outcome: Option<OutcomeLine>,
    /// The newest thing that happened, in a sentence.
    pub caption: String,
    /// The view that has started and its primary (PBFT).
    pub view_line: Option<String>,
    pub sent: usize,
    pub delivered: u64,
    pub dropped: u64,
    /// What the open tour's step talks about: endpoints to highlight, and message phases to
    /// emphasise (the others dimmed); empty without a tour.
    pub focus: Vec<NodeId>,
    pub phases: Vec<String>,
}

impl AppState {
    /// Rebuilds the frame, and the scene when events happened or `force` (not while a seek is
    /// under way). `wall_ms` is set for animation frames, which refresh the costly detail views
    /// only now and then.
    pub(super) fn derive(&mut self, force: bool, wall_ms: Option<f64>) {
        let mut d = self.driver.borrow_mut();
        let (dots, hidden_dots) = view::dots(&mut d, self.reduced_motion);
        self.frame = Shared::new(Frame {
            now_us: d.cursor_us,
            end_us: d.end_us,
            span_us: d.span_us,
            dots,
            hidden_dots,
            timers: if d.finished() {
                Vec::new()
            } else {
                nodes::timer_arcs(&d)
            },
            finished: d.finished(),
            seek_us: self.seek.map(|t| match t {
                super::Target::Time(t) => t,
                super::Target::At(p) => p.cursor_us,
            }),
            events: d.timeline.events.len(),
            replicas: d.config.nodes as usize,
        });
        if self.seek.is_some() && !force {
            return; // see the module docs: the scene follows once the seek is over
        }
        let scene_due = match wall_ms {
            None => true,
            Some(w) => d.finished() || w - self.scene_wall_ms >= SCENE_EVERY_MS,
        };
        if force || (scene_due && d.version != self.scene_version) {
            self.scene_wall_ms = wall_ms.unwrap_or(self.scene_wall_ms);
            let due = match wall_ms {
                None => true,
                Some(w) => d.finished() || w - self.detail_wall_ms >= DETAIL_EVERY_MS,
            };
            let detail = if force || (due && d.version != self.detail_version) {
                self.detail_version = d.version;
                self.detail_wall_ms = wall_ms.unwrap_or(self.detail_wall_ms);
                Shared::new(Detail {
                    lanes: view::lanes(&d),
                    log: LogView::new(d.timeline.events.view(), d.names(), &self.filter),
                })
            } else {
                self.scene.detail.clone()
            };
            self.scene_version = d.version;
            self.scene = Shared::new(self.build_scene(&d, detail));
        }
    }

    fn build_scene(&self, d: &Driver, detail: Shared<Detail>) -> Scene {
        let nodes = view::nodes::node_views(d, self.selected);
        let outcome = d.outcome().map(|o| {
            let e = explain(&d.config, o);
            OutcomeLine {
                verdict: e.verdict.name(),
                headline: e.headline,
                reason: e.reason,
            }
        });
        let status = match &outcome {
            Some(o) => o.headline.clone(),
            None if d.cursor_us == 0 && d.timeline.events.is_empty() => {
                "Ready: press Play (space) or Step (→)".to_string()
            }
            None => "Running".to_string(),
        };
        let started = d.timeline.started_view();
        let (focus, phases) = self.tour_focus(d.names().primary_of(started));
        Scene {
            focus,
            phases,
            clients: view::nodes::client_views(d),
            quorum: self.config.quorum(),
            f: self.config.f(),
            detail,
            inspector: self.selected.and_then(|id| inspect(d, id, &nodes)),
            alarm: d.timeline.safety_alarm.clone(),
            status,
            outcome,
            caption: caption(d, &nodes),
            view_line: (d.config.protocol == Protocol::Pbft)
                .then(|| format!("view {started} · primary {}", d.names().primary_of(started))),
            sent: d.timeline.msgs.len(),
            delivered: d.timeline.delivered,
            dropped: d.timeline.dropped,
            nodes,
        }
    }
}

fn inspect(d: &Driver, id: NodeId, nodes: &[NodeView]) -> Option<Inspect> {
    let v = nodes.get(id as usize)?;
    Some(Inspect {
        id,
        byzantine: v.byzantine,
        // The run's strategy, which a Byzantine node follows and "Make Byzantine" would give.
        strategy: d.config.strategy.name(),
        entered_view: v.view,
        snapshot: d.snapshot(id)?,
        timers: d.timers(id),
        now_us: d.cursor_us,
        x: v.x,
        y: v.y,
    })
}

/// A node's state in a sentence: what it holds against the rule.
fn state_sentence(v: &NodeView, protocol: Protocol) -> String {
    let p = v.prepares.min(v.prepares_needed);
    let c = v.commits.min(v.commits_needed);
    match (v.state, protocol) {
        ("prepared", Protocol::Pbft) => format!(
            "it holds the PRE-PREPARE and {p} matching PREPAREs (2f = {}): prepared",
            v.prepares_needed
        ),
        ("prepared", Protocol::Tutorial) => format!(
            "it holds {p} matching PREPAREs (2f + 1 = {}, its own echo included): prepared",
            v.prepares_needed
        ),
        ("committed", _) if v.by_certificate => format!(
            "{c} matching COMMITs (2f + 1) form a commit certificate: it commits seq {} \
             without having prepared it",
            v.seq
        ),
        ("committed", _) => format!(
            "it holds {c} matching COMMITs (2f + 1 = {}): committed seq {}",
            v.commits_needed, v.seq
        ),
        ("pre-prepared", _) => format!(
            "it holds the PRE-PREPARE for seq {} and {p} of {} matching PREPAREs",
            v.seq, v.prepares_needed
        ),
        ("view-changing", _) => match v.asking {
            Some((view, votes, q)) => format!(
                "it asks for view {view} and holds {} of the {q} VIEW-CHANGEs it needs",
                votes.min(q)
            ),
            None => String::new(),
        },
        _ => String::new(),
    }
}

/// The newest thing that happened: a delivery with the state it leaves its receiver in, else
/// the newest event in words.
pub fn caption(d: &Driver, nodes: &[NodeView]) -> String {
    let names = d.names();
    let events = &d.timeline.events;
    let Some(last) = events.last() else {
        return "Nothing has happened yet.".to_string();
    };
    if let TraceKind::Deliver { to, .. } = last.kind {
        if let Some(v) = nodes.get(to as usize).filter(|v| !v.byzantine) {
            let state = state_sentence(v, d.config.protocol);
            if !state.is_empty() {
                return format!("{}: {state}", view::describe(last, &names));
            }
        }
    }
    if !is_milestone(&last.kind) {
        if let Some(m) = d.timeline.last_milestone.and_then(|i| events.get(i)) {
            if m.time_us == last.time_us {
                return view::describe(m, &names);
            }
        }
    }
    view::describe(last, &names)
}

/// The page's title for a protocol: its own name.
pub fn protocol_title(config: &Config) -> &'static str {
    match config.protocol {
        Protocol::Pbft => "PBFT as Castro & Liskov wrote it (OSDI 1999)",
        Protocol::Tutorial => {
            "The asyncio tutorial's simplified PBFT (fixed primary, no view change)"
        }
    }
}
