//! What the graph says about each replica and client, from the engine's snapshots and the
//! timeline (never guessed): a node's state, its votes against the rule they illustrate, the view
//! change it takes part in, its checkpoint window; the client's request and replies.
//!
//! The rules (Castro & Liskov, OSDI 1999 §4.2, §4.4):
//!
//! - *prepared*: the PRE-PREPARE and 2f matching PREPAREs from distinct backups (the tutorial's
//!   model: 2f + 1 matching PREPAREs, its own echo included; the snapshot's `prepare_quorum`
//!   says which);
//! - *committed-local*: prepared and 2f + 1 matching COMMITs; PBFT also commits on 2f + 1
//!   matching COMMITs alone (a commit certificate), labelled as such;
//! - a view change: VIEW-CHANGEs toward 2f + 1 for the view asked for; the primary is the one of
//!   the view that has *started* (a NEW-VIEW sent), not of a view only asked for.
//!
//! Counts are shown against their threshold and never above it ("P 2/2", not "P 3/2"): more
//! votes than the rule needs change nothing. Byzantine nodes show their strategy, since their
//! honest bookkeeping is not what they do.

use super::{client_position, math, n1, ring_layout, Shared};
use crate::timeline::Driver;
use crate::view::words::digest_text;
use pbft_engine::{NodeId, NodeSnapshot, SlotSnapshot, Votes};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeView {
    pub id: NodeId,
    pub x: f64,
    pub y: f64,
    pub byzantine: bool,
    /// A Byzantine node's strategy (`silent`, `equivocate`...).
    pub strategy: &'static str,
    /// The primary of the view that has started.
    pub primary: bool,
    /// `idle`, `pre-prepared`, `prepared`, `committed`, `view-changing` or `byzantine`.
    pub state: &'static str,
    /// The view this replica last entered.
    pub view: u64,
    /// While changing view: the view asked for, VIEW-CHANGEs held and needed.
    pub asking: Option<(u64, u32, u32)>,
    /// The sequence number shown, and its digest (short, or `null`) if any.
    pub seq: u64,
    pub digest: Option<String>,
    /// The digest differs from the first one seen at this sequence number.
    pub alt_digest: bool,
    pub prepares: u32,
    pub prepares_needed: u32,
    pub commits: u32,
    pub commits_needed: u32,
    pub by_certificate: bool,
    pub reissued: bool,
    /// PREPAREs (or COMMITs) arrived for the sequence number shown but its PRE-PREPARE has not:
    /// however many PREPAREs it holds, it is not prepared (§4.2 needs the PRE-PREPARE too).
    pub no_pre_prepare: bool,
    /// PBFT: the stable checkpoint h and high watermark H.
    pub window: Option<(u64, u64)>,
    /// The last sequence number executed.
    pub executed: u64,
    pub selected: bool,
}

impl NodeView {
    /// The short lines beside the node on the graph.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.primary {
            lines.push("primary".to_string());
        }
        if self.byzantine {
            lines.push("Byzantine".to_string());
            lines.push(self.strategy.to_string());
            return lines;
        }
        match self.asking {
            // Nothing in progress: every sequence number it holds executed (or was trimmed).
            None if self.seq == 0 && self.executed > 0 => {
                lines.push(format!("executed {}", self.executed));
            }
            Some((view, votes, quorum)) => {
                lines.push(format!("→ view {view}"));
                lines.push(format!("VC {}/{quorum}", votes.min(quorum)));
            }
            None => {
                // What it executed so far, above the counts of the sequence number it shows: a
                // node that committed seq 1 and waits at seq 2 does not read as if it had done
                // nothing, nor one that still holds seq 25 (its checkpoint not yet stable) as if
                // seq 25 were not executed. (PBFT's: only it has a checkpoint window; the
                // tutorial's nodes commit their one proposal and stop there.)
                if self.executed > 0 && self.window.is_some() {
                    lines.push(format!("executed {}", self.executed));
                }
                if self.no_pre_prepare {
                    lines.push("no PP".to_string());
                }
                lines.push(format!(
                    "{}P {}/{}",
                    if self.reissued { "↻ " } else { "" },
                    self.prepares.min(self.prepares_needed),
                    self.prepares_needed
                ));
                lines.push(format!(
                    "C {}/{}",
                    self.commits.min(self.commits_needed),
                    self.commits_needed
                ));
                if self.by_certificate {
                    lines.push("by cert".to_string());
                }
            }
        }
        // The stable checkpoint once there is one (the inspector shows the whole window).
        if let Some((h, _)) = self.window.filter(|&(h, _)| h > 0) {
            lines.push(format!("ckpt {h}"));
        }
        lines
    }

    /// What a screen reader says for the node (and its tooltip).
    pub fn label(&self) -> String {
        let role = if self.byzantine {
            format!("Byzantine ({})", self.strategy)
        } else {
            "honest".to_string()
        };
        let mut s = format!("node {}, {role}", self.id);
        if self.primary {
            s.push_str(", primary");
        }
        if !self.byzantine {
            s.push_str(&format!(", {}, view {}", self.state, self.view));
            if self.seq > 0 {
                s.push_str(&format!(", seq {}", self.seq));
            }
            if let Some(d) = &self.digest {
                s.push_str(&format!(" digest {d}"));
            }
        }
        for line in self.lines().into_iter().skip(usize::from(self.primary)) {
            s.push_str(", ");
            // The graph's abbreviation, in words for a screen reader and the tooltip.
            s.push_str(if line == "no PP" {
                "no PRE-PREPARE yet"
            } else {
                &line
            });
        }
        s
    }
}

/// A client endpoint on the graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientView {
    pub id: NodeId,
    pub x: f64,
    pub y: f64,
    pub name: String,
    pub accepted: u64,
    pub requests: u64,
    pub outstanding: Option<u64>,
    /// Most matching replies for the outstanding request, and how many it needs (f + 1).
    pub replies: u32,
    pub needed: u32,
    pub retransmissions: u64,
}

impl ClientView {
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!("accepted {}/{}", self.accepted, self.requests)];
        if let Some(t) = self.outstanding {
            lines.push(format!(
                "t={t}: replies {}/{}",
                self.replies.min(self.needed),
                self.needed
            ));
        }
        if self.retransmissions > 0 {
            lines.push(format!("resent {}×", self.retransmissions));
        }
        lines
    }
}

/// The slot a node is working on: its first sequence number not committed yet, else its last.
pub fn current_slot(s: &NodeSnapshot) -> Option<&SlotSnapshot> {
    s.slots
        .iter()
        .find(|x| x.committed.is_none())
        .or_else(|| s.slots.last())
}

/// Votes matching `digest`, or the best-supported digest's when the node holds none yet.
fn votes_for(digest: Option<pbft_engine::Digest>, votes: &[Votes]) -> u32 {
    match digest {
        Some(d) => votes
            .iter()
            .find(|v| v.digest == d)
            .map_or(0, |v| v.voters.len() as u32),
        None => votes
            .iter()
            .map(|v| v.voters.len() as u32)
            .max()
            .unwrap_or(0),
    }
}

/// One replica's view, from its snapshot.
fn node_view(d: &Driver, id: NodeId, snap: &NodeSnapshot, pos: (f64, f64)) -> NodeView {
    let t = &d.timeline;
    let byzantine = d.byzantine().contains(&id);
    let slot = current_slot(snap);
    let digest = slot.and_then(|s| s.committed.or(s.pre_prepare));
    let asking = snap
        .view_change
        .as_ref()
        .map(|vc| (vc.view, vc.voters.len() as u32, vc.quorum));
    let state = if byzantine {
        "byzantine"
    } else if asking.is_some() {
        "view-changing"
    } else {
        match slot {
            Some(s) => s.status.name(),
            None if snap.last_executed > 0 => "committed",
            None => "idle",
        }
    };
    NodeView {
        id,
        x: pos.0,
        y: pos.1,
        byzantine,
        strategy: if byzantine {
            d.config.strategy.name()
        } else {
            ""
        },
        primary: false,
        state,
        view: t.entered.get(id as usize).copied().unwrap_or(snap.view),
        asking,
        seq: slot.map_or(0, |s| s.seq),
        digest: digest.map(digest_text),
        alt_digest: slot
            .zip(digest)
            .is_some_and(|(s, d)| t.is_alt_digest(s.seq, d)),
        prepares: slot.map_or(0, |s| votes_for(digest, &s.prepares)),
        prepares_needed: snap.prepare_quorum,
        commits: slot.map_or(0, |s| votes_for(digest, &s.commits)),
        commits_needed: snap.quorum,
        by_certificate: slot.is_some_and(|s| s.by_certificate),
        reissued: slot.is_some_and(|s| s.reissued),
        no_pre_prepare: slot.is_some_and(|s| s.pre_prepare.is_none() && s.committed.is_none()),
        window: snap.watermarks.map(|w| (w.stable, w.high)),
        executed: snap.last_executed,
        selected: false,
    }
}

/// The replicas' views.
pub fn node_views(d: &Driver, selected: Option<NodeId>) -> Vec<NodeView> {
    let n = d.config.nodes;
    let positions = ring_layout(n);
    let primary = d.names().primary_of(d.timeline.started_view());
    (0..n)
        .map(|id| {
            let snap = d.snapshot(id).unwrap_or_default();
            let mut v = node_view(d, id, &snap, positions[id as usize]);
            v.primary = id == primary;
            v.selected = selected == Some(id);
            v
        })
        .collect()
}

/// The clients' views (none under the tutorial).
pub fn client_views(d: &Driver) -> Vec<ClientView> {
    let names = d.names();
    d.clients()
        .enumerate()
        .filter_map(|(k, id)| {
            let c = d.snapshot(id)?.client?;
            let (x, y) = client_position(k as u32);
            Some(ClientView {
                id,
                x,
                y,
                name: names.endpoint(id),
                accepted: c.accepted,
                requests: c.requests,
                outstanding: c.outstanding,
                replies: c
                    .replies
                    .iter()
                    .map(|v| v.voters.len() as u32)
                    .max()
                    .unwrap_or(0),
                needed: c.needed,
                retransmissions: c.retransmissions,
            })
        })
        .collect()
}

/// A pending timer drawn as a countdown arc around its endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct TimerArc {
    pub node: NodeId,
    pub x: f64,
    pub y: f64,
    /// The protocol's name for it (`view-change`, `retransmit`).
    pub name: &'static str,
    /// Share of its time still to run, 1 when just set, 0 when it fires.
    pub remaining: f64,
    pub fires_us: u64,
}

/// Every pending timer at the cursor.
pub fn timer_arcs(d: &Driver) -> Vec<TimerArc> {
    let n = d.config.nodes;
    let positions = ring_layout(n);
    let now = d.cursor_us;
    let mut arcs = Vec::new();
    for id in (0..n).chain(d.clients()) {
        let (x, y) = match positions.get(id as usize) {
            Some(&p) => p,
            None => client_position(id - n),
        };
        for t in d.timers(id) {
            let span = t.fires_us.saturating_sub(t.set_us).max(1) as f64;
            arcs.push(TimerArc {
                node: id,
                x,
                y,
                name: t.name,
                remaining: (t.fires_us.saturating_sub(now) as f64 / span).clamp(0.0, 1.0),
                fires_us: t.fires_us,
            });
        }
    }
    arcs
}

/// SVG path of a countdown arc: from the top of a circle of radius `r` around (`x`, `y`),
/// clockwise over `remaining` of the turn (a full turn as two half arcs).
pub fn arc_path(x: f64, y: f64, r: f64, remaining: f64) -> String {
    let f = remaining.clamp(0.0, 1.0);
    if f <= 0.0 {
        return String::new();
    }
    let (xs, rs) = (n1(x), n1(r));
    let (top, bottom) = (n1(y - r), n1(y + r));
    if f >= 0.999 {
        return format!("M{xs} {top}A{rs} {rs} 0 1 1 {xs} {bottom}A{rs} {rs} 0 1 1 {xs} {top}");
    }
    let a = std::f64::consts::TAU * f;
    let (ex, ey) = (n1(x + r * math::sin(a)), n1(y - r * math::cos(a)));
    let large = u8::from(f > 0.5);
    format!("M{xs} {top}A{rs} {rs} 0 {large} 1 {ex} {ey}")
}

/// Shared node views, for props compared by pointer.
pub type Nodes = Shared<Vec<NodeView>>;

#[cfg(test)]
mod tests {
    use super::*;
    use pbft_engine::{Config, Protocol};

    fn pbft(pairs: &[(&str, &str)]) -> Driver {
        let mut c = Config::for_protocol(Protocol::Pbft);
        for (k, v) in pairs {
            c.set(k, v).unwrap();
        }
        Driver::new(&c).unwrap()
    }

    #[test]
    fn counters_never_exceed_their_threshold() {
        for config in [Config::default(), Config::for_protocol(Protocol::Pbft)] {
            let mut d = Driver::new(&config).unwrap();
            while d.step_event() {
                for v in node_views(&d, None) {
                    for line in v.lines() {
                        if let Some((a, b)) = line
                            .trim_start_matches("↻ ")
                            .split_once('/')
                            .filter(|_| line.contains(['P', 'C']))
                        {
                            let a: u32 = a.rsplit(' ').next().unwrap().parse().unwrap();
                            let b: u32 = b.split(' ').next().unwrap().parse().unwrap();
                            assert!(a <= b, "{line}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn prepared_follows_the_rule_on_the_page() {
        let mut d = pbft(&[]);
        while d.step_event() {
            for v in node_views(&d, None) {
                if v.state == "prepared" {
                    assert!(v.prepares >= 2, "PBFT prepared: 2f PREPAREs: {v:?}");
                }
            }
        }
        let mut d = Driver::new(&Config::default()).unwrap();
        while d.step_event() {
            for v in node_views(&d, None) {
                if v.state == "prepared" {
                    assert!(v.prepares >= 7, "tutorial prepared: 2f + 1 PREPAREs: {v:?}");
                }
            }
        }
    }

    #[test]
    fn byzantine_nodes_show_their_strategy_not_a_state() {
        let mut d = pbft(&[("byzantine-nodes", "0"), ("byzantine", "1")]);
        d.advance(u64::MAX, usize::MAX);
        let v = &node_views(&d, None)[0];
        assert_eq!(v.state, "byzantine");
        assert_eq!(v.lines(), vec!["Byzantine", "silent"]);
    }

    #[test]
    fn a_view_change_shows_votes_and_moves_the_primary_at_the_new_view() {
        let mut d = pbft(&[("byzantine-nodes", "0"), ("byzantine", "1")]);
        let mut saw = false;
        while d.step_event() {
            let views = node_views(&d, None);
            for v in views.iter().filter(|v| v.state == "view-changing") {
                assert!(v.lines().iter().any(|l| l.starts_with("VC ")), "{v:?}");
                saw = true;
            }
            if views
                .iter()
                .all(|v| v.state == "view-changing" || v.byzantine)
            {
                assert!(views[0].primary, "no view has started yet");
            }
        }
        assert!(saw);
        assert!(node_views(&d, None)[1].primary);
    }

    #[test]
    fn the_client_and_its_timer_are_drawn() {
        let mut d = pbft(&[("byzantine-nodes", "0"), ("byzantine", "1")]);
        d.advance(30_000, usize::MAX);
        let c = client_views(&d);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "client");
        assert!(
            c[0].lines()[1].starts_with("t=1: replies 0/2"),
            "{:?}",
            c[0].lines()
        );
        let arcs = timer_arcs(&d);
        assert!(arcs.iter().any(|a| a.node == 4 && a.name == "retransmit"));
        assert!(arcs.iter().all(|a| (0.0..=1.0).contains(&a.remaining)));
        // Backups run their view-change timers once they know the request.
        while !timer_arcs(&d)
            .iter()
            .any(|a| a.node < 4 && a.name == "view-change")
        {
            assert!(d.step_event(), "a backup's view-change timer starts");
        }
    }

    #[test]
    fn arcs_are_drawn_clockwise_from_the_top() {
        assert_eq!(arc_path(10.0, 10.0, 5.0, 0.0), "");
        assert_eq!(
            arc_path(10.0, 10.0, 5.0, 0.25),
            "M10.0 5.0A5.0 5.0 0 0 1 15.0 10.0"
        );
        assert!(arc_path(10.0, 10.0, 5.0, 0.75).contains(" 0 1 1 5.0 10.0"));
        assert_eq!(arc_path(0.0, 0.0, 1.0, 1.0).matches('A').count(), 2);
    }
}
