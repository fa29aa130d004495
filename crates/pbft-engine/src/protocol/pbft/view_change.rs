//! View change (OSDI 1999 §4.4): replacing a primary that stops making progress.
//!
//! - A backup that knows a request it has not executed runs a timer (T, `view-timeout-ms`). On
//!   expiry in view v it multicasts ⟨VIEW-CHANGE, v + 1, n, C, P, i⟩: n is its last stable
//!   checkpoint, C the 2f + 1 signed CHECKPOINTs proving it, P a prepared certificate (the signed
//!   PRE-PREPARE and 2f signed PREPAREs) for every sequence number above n that prepared here. It
//!   then accepts only CHECKPOINT, VIEW-CHANGE and NEW-VIEW messages.
//! - If the NEW-VIEW does not come within T·2^k (k view changes since its last execution), it
//!   moves on to v + 2, waiting twice as long each time.
//! - A replica that holds valid VIEW-CHANGEs from f + 1 others for views above its own joins the
//!   smallest of those views at once: at least one honest replica has timed out.
//! - The primary of v + 1, with 2f + 1 valid VIEW-CHANGEs for v + 1 (the set V), computes the set
//!   O: with min-s the latest stable checkpoint in V and max-s the highest prepared sequence
//!   number, for each n in (min-s, max-s] a PRE-PREPARE for v + 1 carrying the digest of the
//!   certificate with the highest view in V, or the null request if none. It multicasts
//!   ⟨NEW-VIEW, v + 1, V, O⟩ and enters v + 1.
//! - A backup accepts a NEW-VIEW from the right primary after checking every VIEW-CHANGE in V by
//!   its signers and recomputing O itself; then it prepares each PRE-PREPARE of O.
//!
//! Validity is checked on signatures only: a VIEW-CHANGE is valid when its checkpoint proof and
//! each certificate are signed by enough distinct replicas, never because its sender says so.

use super::checkpoint::checkpoint_proven;
use super::{PbftReplica, VIEW_TIMER};
use crate::message::{Digest, Message, NewViewProof, ViewChangeProof, NULL_DIGEST};
use crate::node::Output;
use crate::sim::signed::Signed;
use crate::voters::VoterSet;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a set of VIEW-CHANGEs implies for the new view: the stable checkpoint to adopt (min-s,
/// its state and proof) and the digest of every sequence number in (min-s, max-s].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewViewPlan {
    pub min_s: u64,
    pub state: Option<Digest>,
    pub checkpoint: Vec<Signed>,
    pub digests: Vec<(u64, Digest)>,
}

/// Computes O from V (the paper's rule; every replica computes the same from the same V).
pub fn plan_new_view(view_changes: &[Signed]) -> NewViewPlan {
    let mut plan = NewViewPlan {
        min_s: 0,
        state: None,
        checkpoint: Vec::new(),
        digests: Vec::new(),
    };
    let proofs: Vec<&ViewChangeProof> = view_changes
        .iter()
        .filter_map(|vc| match vc.body() {
            Message::ViewChange { proof, .. } => Some(&**proof),
            _ => None,
        })
        .collect();
    for p in &proofs {
        if p.stable_seq > plan.min_s {
            plan.min_s = p.stable_seq;
            plan.checkpoint = p.checkpoint.clone();
            plan.state = p.checkpoint.first().map(|c| c.body().digest());
        }
    }
    // For each sequence number, the certificate with the highest view.
    let mut best: BTreeMap<u64, (u64, Digest)> = BTreeMap::new();
    for cert in proofs.iter().flat_map(|p| &p.prepared) {
        let pp = cert.pre_prepare.body();
        let (v, n, d) = (pp.view(), pp.seq(), pp.digest());
        if n > plan.min_s && best.get(&n).is_none_or(|&(bv, _)| v > bv) {
            best.insert(n, (v, d));
        }
    }
    let max_s = best.keys().next_back().copied().unwrap_or(plan.min_s);
    plan.digests = (plan.min_s + 1..=max_s)
        .map(|n| (n, best.get(&n).map_or(NULL_DIGEST, |&(_, d)| d)))
        .collect();
    plan
}

impl PbftReplica {
    pub(crate) fn on_view_timer(&mut self, out: &mut Vec<Output>) {
        self.timer_running = false;
        if self.changing || !self.pending.is_empty() {
            self.start_view_change(self.view + 1, out);
        }
    }

    /// Multicasts VIEW-CHANGE for `view` and stops taking part in the normal case.
    pub(crate) fn start_view_change(&mut self, view: u64, out: &mut Vec<Output>) {
        if view < self.view || (view == self.view && self.changing) {
            return;
        }
        self.view = view;
        self.changing = true;
        self.attempts = self.attempts.saturating_add(1);
        self.assigned.clear();
        self.backlog.clear();
        let low = self.low;
        let proof = ViewChangeProof {
            stable_seq: low,
            checkpoint: self.stable_proof.clone(),
            prepared: self
                .log
                .range(low + 1..)
                .filter_map(|(_, s)| s.prepared.clone())
                .collect(),
        };
        out.push(Output::StartViewChange { view });
        let own = self.multicast(
            Message::ViewChange {
                view,
                proof: Arc::new(proof),
            },
            out,
        );
        self.view_changes.retain(|&w, _| w >= view);
        self.view_changes
            .entry(view)
            .or_default()
            .insert(self.id, own);
        self.timer_running = true;
        out.push(Output::SetTimer {
            id: VIEW_TIMER,
            after_us: self.timeout_us(),
        });
        self.try_new_view(out);
    }

    pub(crate) fn on_view_change(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        let Message::ViewChange { view, .. } = *msg.body() else {
            return;
        };
        if view < self.view || (view == self.view && !self.changing) || !self.vc_valid(msg, view) {
            return;
        }
        self.view_changes
            .entry(view)
            .or_default()
            .insert(msg.signer(), msg.clone());
        // Join: f + 1 replicas ask for views above ours, so at least one honest replica does.
        let mut askers = VoterSet::new();
        for vcs in self.view_changes.range(self.view + 1..).map(|(_, v)| v) {
            vcs.keys().for_each(|&s| {
                askers.insert(s);
            });
        }
        if askers.len() > self.f {
            if let Some((&smallest, _)) = self.view_changes.range(self.view + 1..).next() {
                self.start_view_change(smallest, out);
            }
        }
        self.try_new_view(out);
    }

    /// New primary: with 2f + 1 VIEW-CHANGEs for the view it moves to, start it.
    fn try_new_view(&mut self, out: &mut Vec<Output>) {
        let view = self.view;
        if !self.changing || self.primary_of(view) != self.id {
            return;
        }
        let quorum = self.quorum() as usize;
        let Some(vcs) = self.view_changes.get(&view).filter(|v| v.len() >= quorum) else {
            return;
        };
        let set: Vec<Signed> = vcs.values().take(quorum).cloned().collect();
        let plan = plan_new_view(&set);
        let pre_prepares: Vec<Signed> = plan
            .digests
            .iter()
            .map(|&(seq, digest)| self.signer.sign(Message::PrePrepare { view, seq, digest }))
            .collect();
        self.multicast(
            Message::NewView {
                view,
                proof: Arc::new(NewViewProof {
                    view_changes: set,
                    pre_prepares: pre_prepares.clone(),
                }),
            },
            out,
        );
        self.enter_view(view, plan, pre_prepares, out);
    }

    pub(crate) fn on_new_view(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        let Message::NewView { view, ref proof } = *msg.body() else {
            return;
        };
        if view < self.view
            || (view == self.view && !self.changing)
            || msg.signer() != self.primary_of(view)
        {
            return;
        }
        let mut signers = VoterSet::new();
        let all_valid = proof
            .view_changes
            .iter()
            .all(|vc| signers.insert(vc.signer()) && self.vc_valid(vc, view));
        if !all_valid || signers.len() < self.quorum() {
            return;
        }
        let plan = plan_new_view(&proof.view_changes);
        let matches = proof.pre_prepares.len() == plan.digests.len()
            && proof
                .pre_prepares
                .iter()
                .zip(&plan.digests)
                .all(|(pp, &(seq, digest))| {
                    pp.signer() == msg.signer()
                        && *pp.body() == Message::PrePrepare { view, seq, digest }
                });
        if matches {
            let pre_prepares = proof.pre_prepares.clone();
            self.enter_view(view, plan, pre_prepares, out);
        }
    }

    fn enter_view(
        &mut self,
        view: u64,
        plan: NewViewPlan,
        pre_prepares: Vec<Signed>,
        out: &mut Vec<Output>,
    ) {
        self.view = view;
        self.changing = false;
        out.push(Output::EnterView { view });
        self.view_changes.retain(|&w, _| w > view);
        if plan.state.is_some() {
            self.make_stable(plan.min_s, plan.checkpoint, out);
        }
        self.next_seq = self
            .next_seq
            .max(plan.digests.last().map_or(0, |&(n, _)| n) + 1);
        // Inserted one by one: `collect()` into a B-tree set runs std's stable sort, about
        // 20 KB of wasm for this one call.
        self.assigned.clear();
        for &(_, d) in &plan.digests {
            self.assigned.insert(d);
        }
        if self.timer_running {
            out.push(Output::CancelTimer { id: VIEW_TIMER });
            self.timer_running = false;
        }
        for pp in pre_prepares {
            if self.in_window(pp.body().seq()) {
                self.accept_pre_prepare(pp, out);
            }
        }
        // PRE-PREPAREs of this view that overtook the NEW-VIEW.
        let future = std::mem::take(&mut self.future);
        let (now, later): (Vec<_>, Vec<_>) =
            future.into_iter().partition(|m| m.body().view() == view);
        self.future = later
            .into_iter()
            .filter(|m| m.body().view() > view)
            .collect();
        for m in now {
            self.on_pre_prepare(&m, out);
        }
        if self.is_primary() {
            let waiting: Vec<Digest> = self.pending.iter().copied().collect();
            for d in waiting {
                self.assign(d, out);
            }
        }
        self.start_timer(out);
    }

    /// A VIEW-CHANGE for `view` whose checkpoint proof and prepared certificates check out.
    pub(crate) fn vc_valid(&self, vc: &Signed, view: u64) -> bool {
        let Message::ViewChange { view: v, ref proof } = *vc.body() else {
            return false;
        };
        let (nodes, quorum) = (self.params.nodes, self.quorum());
        if v != view || vc.signer() >= nodes {
            return false;
        }
        if checkpoint_proven(&proof.checkpoint, proof.stable_seq, nodes, quorum).is_none() {
            return false;
        }
        let window = 2 * self.params.checkpoint_interval;
        let mut seqs = std::collections::BTreeSet::new();
        proof.prepared.iter().all(|cert| {
            let Message::PrePrepare {
                view: pv,
                seq,
                digest,
            } = *cert.pre_prepare.body()
            else {
                return false;
            };
            let primary = self.primary_of(pv);
            let mut backups = VoterSet::new();
            let prepares_ok = cert.prepares.iter().all(|p| {
                p.signer() != primary
                    && p.signer() < nodes
                    && backups.insert(p.signer())
                    && *p.body()
                        == Message::Prepare {
                            view: pv,
                            seq,
                            digest,
                        }
            });
            cert.pre_prepare.signer() == primary
                && pv < view
                && seq > proof.stable_seq
                && seq <= proof.stable_seq + window
                && seqs.insert(seq)
                && prepares_ok
                && backups.len() >= 2 * self.f
        })
    }
}
