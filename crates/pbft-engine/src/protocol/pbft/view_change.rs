//! View change (OSDI 1999 §4.4; TOCS 2002 §4.5.2): replacing a primary that stops making
//! progress.
//!
//! - A backup waiting for a request runs its view-change timer (T, `view-timeout-ms`). On expiry
//!   in view v it multicasts ⟨VIEW-CHANGE, v + 1, n, C, P, i⟩: n is its last stable checkpoint,
//!   C the 2f + 1 signed CHECKPOINTs proving it, P a prepared certificate (the signed
//!   PRE-PREPARE and 2f signed PREPAREs) for every sequence number above n that prepared here.
//!   It then accepts only CHECKPOINT, VIEW-CHANGE and NEW-VIEW messages.
//! - It starts the timer for v + 1 only once it holds 2f + 1 VIEW-CHANGEs for v + 1 (its own
//!   included), re-sending its own until then ([`super::timers`]). If that timer expires before
//!   a valid NEW-VIEW arrives, or before a new request executes in v + 1, it moves on to v + 2,
//!   waiting twice as long: T, T, 2T, 4T…
//! - A replica that holds valid VIEW-CHANGEs from f + 1 others for views above its own joins the
//!   smallest of those views at once: at least one honest replica has timed out.
//! - The primary of v + 1, with 2f + 1 valid VIEW-CHANGEs for v + 1 (the set V), computes the set
//!   O: with min-s the latest stable checkpoint in V and max-s the highest prepared sequence
//!   number, for each n in (min-s, max-s] a PRE-PREPARE for v + 1 carrying the request of the
//!   certificate with the highest view in V, or the null request if none. It multicasts
//!   ⟨NEW-VIEW, v + 1, V, O⟩, enters v + 1 and numbers new requests from max-s + 1.
//! - A backup accepts a NEW-VIEW from the right primary after checking every VIEW-CHANGE in V by
//!   its signers and recomputing O itself; then it prepares each PRE-PREPARE of O. A NEW-VIEW
//!   whose O differs (a Byzantine primary dropping or reassigning a request) is ignored, and the
//!   timer moves the replica on to the next view.
//!
//! Validity is checked on signatures only: a VIEW-CHANGE is valid when its checkpoint proof and
//! each certificate are signed by enough distinct replicas (and each certificate's request by
//! its client), never because its sender says so.

use super::log::pre_prepare_fields;
use super::PbftReplica;
use crate::message::{Digest, Message, NewViewProof, ViewChangeProof, NULL_DIGEST};
use crate::node::Output;
use crate::sim::signed::{Signed, Signer};
use crate::voters::VoterSet;
use std::sync::Arc;

/// One PRE-PREPARE of the set O: sequence number, digest, and the client's signed request
/// (`None` for the null request).
pub type Reissue = (u64, Digest, Option<Arc<Signed>>);

/// What a set of VIEW-CHANGEs implies for the new view: the stable checkpoint to adopt (min-s
/// and its proof) and the PRE-PREPAREs of every sequence number in (min-s, max-s].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewViewPlan {
    pub min_s: u64,
    pub checkpoint: Vec<Signed>,
    pub reissue: Vec<Reissue>,
}

impl NewViewPlan {
    /// max-s: the highest sequence number O covers (min-s when it is empty).
    pub fn max_s(&self) -> u64 {
        self.reissue.last().map_or(self.min_s, |&(n, _, _)| n)
    }

    /// O: the PRE-PREPAREs for `view` that re-issue each planned sequence number, signed by
    /// `signer` (the new primary; a colluding one signs the same way).
    pub fn pre_prepares(&self, view: u64, signer: &Signer) -> Vec<Signed> {
        self.reissue
            .iter()
            .map(|(seq, digest, request)| {
                signer.sign(Message::PrePrepare {
                    view,
                    seq: *seq,
                    digest: *digest,
                    request: request.clone(),
                })
            })
            .collect()
    }
}

/// Computes O from V (the paper's rule; every replica computes the same from the same V).
pub fn plan_new_view(view_changes: &[Signed]) -> NewViewPlan {
    let proofs: Vec<&ViewChangeProof> = view_changes
        .iter()
        .filter_map(|vc| match vc.body() {
            Message::ViewChange { proof, .. } => Some(&**proof),
            _ => None,
        })
        .collect();
    let mut plan = NewViewPlan {
        min_s: 0,
        checkpoint: Vec::new(),
        reissue: Vec::new(),
    };
    for p in &proofs {
        if p.stable_seq > plan.min_s {
            plan.min_s = p.stable_seq;
            plan.checkpoint = p.checkpoint.clone();
        }
    }
    // For each sequence number, the certificate with the highest view: (seq, view, PRE-PREPARE).
    let mut best: Vec<(u64, u64, &Signed)> = Vec::new();
    for cert in proofs.iter().flat_map(|p| &p.prepared) {
        let Some((v, n, _)) = pre_prepare_fields(cert.pre_prepare.body()) else {
            continue;
        };
        match best.iter_mut().find(|b| b.0 == n) {
            Some(b) if v > b.1 => *b = (n, v, &cert.pre_prepare),
            Some(_) => {}
            None if n > plan.min_s => best.push((n, v, &cert.pre_prepare)),
            None => {}
        }
    }
    let max_s = best.iter().map(|b| b.0).max().unwrap_or(plan.min_s);
    let certified = |n: u64| best.iter().find(|b| b.0 == n).map(|b| b.2.body());
    plan.reissue = (plan.min_s + 1..=max_s)
        .map(|n| match certified(n) {
            Some(Message::PrePrepare {
                digest, request, ..
            }) => (n, *digest, request.clone()),
            _ => (n, NULL_DIGEST, None),
        })
        .collect();
    plan
}

impl PbftReplica {
    /// The view-change timer expired: waiting for a request, or for the view it asked for.
    pub(crate) fn on_view_timer(&mut self, out: &mut Vec<Output>) {
        if self.changing || !self.book.pending().is_empty() {
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
        self.new_view = None;
        // The old timer stops; the one for `view` starts on 2f + 1 VIEW-CHANGEs.
        self.timers.restart_view = true;
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
            .insert(self.id, own.clone());
        self.own_view_changes.push(own);
        self.join_if_asked(out);
        self.try_new_view(out);
    }

    pub(crate) fn on_view_change(&mut self, msg: &Signed, view: u64, out: &mut Vec<Output>) {
        let signer = msg.signer();
        let stale = view < self.view || (view == self.view && !self.changing);
        if signer == self.id || stale || !self.vc_valid(msg, view) {
            return;
        }
        self.view_changes
            .entry(view)
            .or_default()
            .insert(signer, msg.clone());
        self.join_if_asked(out);
        self.try_new_view(out);
    }

    /// The f + 1 rule: others ask for views above ours, at least one of them honest; join the
    /// smallest of those views.
    fn join_if_asked(&mut self, out: &mut Vec<Output>) {
        let mut askers = VoterSet::new();
        for vcs in self
            .view_changes
            .range(self.view.saturating_add(1)..)
            .map(|(_, v)| v)
        {
            for &signer in vcs.keys().filter(|&&s| s != self.id) {
                askers.insert(signer);
            }
        }
        if askers.len() > self.f {
            if let Some((&smallest, _)) = self
                .view_changes
                .range(self.view.saturating_add(1)..)
                .next()
            {
                self.start_view_change(smallest, out);
            }
        }
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
        let pre_prepares = plan.pre_prepares(view, &self.signer);
        let new_view = self.multicast(
            Message::NewView {
                view,
                proof: Arc::new(NewViewProof {
                    view_changes: set,
                    pre_prepares: pre_prepares.clone(),
                }),
            },
            out,
        );
        self.enter_view(new_view, plan, pre_prepares, out);
    }

    pub(crate) fn on_new_view(
        &mut self,
        msg: &Signed,
        view: u64,
        proof: &NewViewProof,
        out: &mut Vec<Output>,
    ) {
        let stale = view < self.view || (view == self.view && !self.changing);
        if stale || msg.signer() != self.primary_of(view) {
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
        let matches = proof.pre_prepares.len() == plan.reissue.len()
            && proof
                .pre_prepares
                .iter()
                .zip(&plan.reissue)
                .all(|(pp, want)| pp.signer() == msg.signer() && reissues(pp.body(), view, want));
        if matches {
            let pre_prepares = proof.pre_prepares.clone();
            self.enter_view(msg.clone(), plan, pre_prepares, out);
        }
    }

    /// Enters the view `new_view` starts: adopts min-s, prepares O, replays what overtook the
    /// NEW-VIEW and, as primary, numbers waiting requests from max-s + 1.
    fn enter_view(
        &mut self,
        new_view: Signed,
        plan: NewViewPlan,
        pre_prepares: Vec<Signed>,
        out: &mut Vec<Output>,
    ) {
        let view = new_view.body().view().unwrap_or(self.view);
        self.view = view;
        self.changing = false;
        self.new_view = Some(new_view);
        out.push(Output::EnterView { view });
        self.view_changes.retain(|&w, _| w > view);
        self.own_view_changes
            .retain(|vc| vc.body().view() > Some(view));
        if plan.min_s > self.low {
            self.make_stable(plan.min_s, plan.checkpoint.clone(), out);
        }
        self.next_seq = plan.max_s() + 1;
        self.assigned = plan
            .reissue
            .iter()
            .filter_map(|(_, _, r)| r.as_deref().and_then(super::book::request_id))
            .map(|(id, _)| id)
            .collect();
        for pp in pre_prepares {
            let seq = pre_prepare_fields(pp.body()).map_or(0, |(_, n, _)| n);
            if self.in_window(seq) {
                self.accept_pre_prepare(pp, out);
            }
        }
        // PRE-PREPAREs of this view that overtook the NEW-VIEW.
        let (now, later): (Vec<Signed>, Vec<Signed>) = std::mem::take(&mut self.future)
            .into_iter()
            .partition(|m| m.body().view() == Some(view));
        self.future = later
            .into_iter()
            .filter(|m| m.body().view() > Some(view))
            .collect();
        for m in now {
            if let Message::PrePrepare {
                view,
                seq,
                digest,
                request,
            } = m.body()
            {
                self.on_pre_prepare(&m, *view, *seq, *digest, request.as_ref(), out);
            }
        }
        self.assign_pending(out);
        self.relay_pending(out);
    }

    /// A backup entering a view passes the requests it waits for, and O does not carry, to the
    /// new primary: it may never have seen them (clients send to the primary they believe in),
    /// and otherwise the backups would time out again and again until a client retransmits.
    fn relay_pending(&self, out: &mut Vec<Output>) {
        if self.is_primary() {
            return;
        }
        let primary = self.primary_of(self.view);
        for &(id, digest) in self.book.pending() {
            if let Some(request) = self
                .book
                .get(digest)
                .filter(|_| !self.assigned.contains(&id))
            {
                out.push(Output::Relay {
                    to: crate::node::Dest::Node(primary),
                    msg: (**request).clone(),
                });
            }
        }
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
        let top = proof.stable_seq + 2 * self.params.checkpoint_interval;
        let mut seqs: Vec<u64> = Vec::with_capacity(proof.prepared.len());
        proof.prepared.iter().all(|cert| {
            let Some((pv, seq, digest)) = pre_prepare_fields(cert.pre_prepare.body()) else {
                return false;
            };
            let primary = self.primary_of(pv);
            let mut backups = VoterSet::new();
            let prepares_ok = cert.prepares.iter().all(|p| {
                let matching = matches!(*p.body(), Message::Prepare { view: v, seq: n, digest: d }
                    if (v, n, d) == (pv, seq, digest));
                p.signer() != primary
                    && p.signer() < nodes
                    && backups.insert(p.signer())
                    && matching
            });
            cert.pre_prepare.signer() == primary
                && pv < view
                && seq > proof.stable_seq
                && seq <= top
                && !seqs.contains(&seq)
                && {
                    seqs.push(seq);
                    true
                }
                && self.request_valid(cert.pre_prepare.body(), digest)
                && prepares_ok
                && backups.len() + 1 >= quorum
        })
    }

    /// The request a certificate's PRE-PREPARE carries is the client's (or it is the null
    /// request, which only a NEW-VIEW issues).
    fn request_valid(&self, pre_prepare: &Message, digest: Digest) -> bool {
        match pre_prepare {
            Message::PrePrepare {
                request: Some(r), ..
            } => self.client_signed(r, digest),
            Message::PrePrepare { request: None, .. } => digest == NULL_DIGEST,
            _ => false,
        }
    }
}

/// Whether `pre_prepare` is the PRE-PREPARE of O that `want` describes, in `view`: same sequence
/// number, digest and client request (compared by what the client signed).
fn reissues(pre_prepare: &Message, view: u64, want: &Reissue) -> bool {
    let (seq, digest, request) = want;
    let signed_as = |r: &Option<Arc<Signed>>| {
        r.as_deref()
            .and_then(|r| super::book::request_id(r).map(|id| (r.signer(), id)))
    };
    match pre_prepare {
        Message::PrePrepare {
            view: v,
            seq: n,
            digest: d,
            request: r,
        } => (*v, *n, *d) == (view, *seq, *digest) && signed_as(r) == signed_as(request),
        _ => false,
    }
}

/// Whether `proof` holds 2f + 1 CHECKPOINTs for (`seq`, one state) from distinct replicas;
/// returns that state. Sequence number 0, the initial state, needs no proof.
pub(crate) fn checkpoint_proven(
    proof: &[Signed],
    seq: u64,
    nodes: u32,
    quorum: u32,
) -> Option<Option<Digest>> {
    if seq == 0 {
        return Some(None);
    }
    let mut signers = VoterSet::new();
    let mut state = None;
    for m in proof {
        match *m.body() {
            Message::Checkpoint { seq: s, state: d }
                if s == seq && m.signer() < nodes && state.is_none_or(|x| x == d) =>
            {
                state = Some(d);
                signers.insert(m.signer());
            }
            _ => return None,
        }
    }
    (signers.len() >= quorum).then_some(state)
}
