//! The message log of one sequence number and the paper's predicates over it (OSDI 1999 §4.2).
//!
//! - *prepared*(m, v, n, i): replica i holds the PRE-PREPARE for m in view v with sequence number
//!   n and 2f PREPAREs from distinct backups that match it (same v, n and digest).
//! - *committed-local*(m, v, n, i): prepared(m, v, n, i) and 2f + 1 matching COMMITs from
//!   distinct replicas (its own included).
//! - A *commit certificate*: 2f + 1 matching COMMITs for (v, n, d), whatever this replica
//!   prepared; it proves d committed at n (at least f + 1 honest replicas prepared it, §4.5.1).
//!
//! The paper has n = 3f + 1. With more replicas a quorum q must still make any two quorums share
//! an honest replica (2q − n ≥ f + 1), so q = ⌈(n + f + 1)/2⌉, which is 2f + 1 for n = 3f + 1:
//! "2f" above reads q − 1 and "2f + 1" reads q (at n = 5, f = 1, q = 4, not 3).

use crate::message::{Digest, Message, PreparedCert};
use crate::node::SlotStatus;
use crate::sim::signed::Signed;
use crate::voters::VoterSet;

/// Signed votes for one (view, digest) at one sequence number, one per signer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tally {
    voters: VoterSet,
    msgs: Vec<Signed>,
}

impl Tally {
    /// Counts `msg`'s signer; keeps the message itself while fewer than `keep` are kept (a
    /// certificate needs that many). Returns whether the signer is new.
    pub(crate) fn add(&mut self, msg: &Signed, keep: u32) -> bool {
        let new = self.voters.insert(msg.signer());
        if new && (self.msgs.len() as u32) < keep {
            self.msgs.push(msg.clone());
        }
        new
    }

    pub(crate) fn len(&self) -> u32 {
        self.voters.len()
    }

    pub(crate) fn voters(&self) -> &VoterSet {
        &self.voters
    }

    /// The signed messages kept (at most `keep` of [`Tally::add`]).
    pub(crate) fn msgs(&self) -> &[Signed] {
        &self.msgs
    }
}

/// Votes at one sequence number by (view, digest). Almost always one entry, so a short list
/// beats a map keyed by 40 bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tallies(Vec<(u64, Digest, Tally)>);

impl Tallies {
    pub(crate) fn add(&mut self, view: u64, digest: Digest, msg: &Signed, keep: u32) -> bool {
        let i = match self
            .0
            .iter()
            .position(|(v, d, _)| *v == view && *d == digest)
        {
            Some(i) => i,
            None => {
                self.0.push((view, digest, Tally::default()));
                self.0.len() - 1
            }
        };
        self.0[i].2.add(msg, keep)
    }

    pub(crate) fn get(&self, view: u64, digest: Digest) -> Option<&Tally> {
        self.0
            .iter()
            .find(|(v, d, _)| *v == view && *d == digest)
            .map(|(_, _, t)| t)
    }

    pub(crate) fn count(&self, view: u64, digest: Digest) -> u32 {
        self.get(view, digest).map_or(0, Tally::len)
    }

    /// The tallies of `view`, by digest.
    pub(crate) fn in_view(&self, view: u64) -> impl Iterator<Item = (Digest, &Tally)> {
        self.0
            .iter()
            .filter(move |(v, _, _)| *v == view)
            .map(|(_, d, t)| (*d, t))
    }

    /// The (view, digest) with at least `quorum` votes, if any.
    pub(crate) fn reaching(&self, quorum: u32) -> Option<(u64, Digest)> {
        self.0
            .iter()
            .find(|(_, _, t)| t.len() >= quorum)
            .map(|&(v, d, _)| (v, d))
    }

    /// Whether some tally of `view` has at least `votes` voters.
    pub(crate) fn any_with(&self, view: u64, votes: u32) -> bool {
        self.in_view(view).any(|(_, t)| t.len() >= votes)
    }
}

/// What a replica knows about one sequence number.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slot {
    /// The view of `pre_prepare`.
    pub view: u64,
    /// The PRE-PREPARE accepted in `view`, signed by its primary.
    pub pre_prepare: Option<Signed>,
    /// PREPAREs by (view, digest), from backups (its own included).
    pub prepares: Tallies,
    /// COMMITs by (view, digest) (its own included).
    pub commits: Tallies,
    /// The (view, digest) of every COMMIT this replica sent here (at most one per view).
    pub commits_sent: Vec<(u64, Digest)>,
    /// The prepared certificate of the highest view this replica prepared in.
    pub prepared: Option<PreparedCert>,
    /// The digest that executes here: committed-local, or proven by a commit certificate.
    pub committed: Option<Digest>,
    /// `committed` came from a commit certificate without this replica having prepared it.
    pub by_certificate: bool,
}

impl Slot {
    /// The digest of the accepted PRE-PREPARE.
    pub fn digest(&self) -> Option<Digest> {
        self.pre_prepare.as_ref().and_then(|pp| pp.body().digest())
    }

    /// The digest pre-prepared in `view`, if the accepted PRE-PREPARE is of that view.
    pub fn pre_prepared_in(&self, view: u64) -> Option<Digest> {
        (self.view == view).then(|| self.digest()).flatten()
    }

    /// *prepared*(m, v, n, i) for `view`: the digest m hashes to, if the PRE-PREPARE and
    /// `quorum − 1` (2f) matching PREPAREs from distinct backups are here.
    pub fn prepared(&self, view: u64, quorum: u32) -> Option<Digest> {
        let digest = self.pre_prepared_in(view)?;
        (self.prepares.count(view, digest) + 1 >= quorum).then_some(digest)
    }

    /// *committed-local*(m, v, n, i) for `view`: the digest, if prepared and `quorum` (2f + 1)
    /// matching COMMITs arrived.
    pub fn committed_local(&self, view: u64, quorum: u32) -> Option<Digest> {
        let digest = self.prepared(view, quorum)?;
        (self.commits.count(view, digest) >= quorum).then_some(digest)
    }

    /// A commit certificate of any view: `quorum` (2f + 1) matching COMMITs.
    pub fn commit_certificate(&self, quorum: u32) -> Option<Digest> {
        self.commits.reaching(quorum).map(|(_, d)| d)
    }

    /// The prepared certificate for `view`: the PRE-PREPARE and `quorum − 1` signed PREPAREs.
    pub fn certificate(&self, view: u64, quorum: u32) -> Option<PreparedCert> {
        let digest = self.prepared(view, quorum)?;
        let prepares = self.prepares.get(view, digest)?.msgs();
        let needed = (quorum as usize).saturating_sub(1).min(prepares.len());
        Some(PreparedCert {
            pre_prepare: self.pre_prepare.clone()?,
            prepares: prepares[..needed].to_vec(),
        })
    }

    /// Whether this replica sent its COMMIT in `view`.
    pub fn commit_sent_in(&self, view: u64) -> bool {
        self.commits_sent.iter().any(|&(v, _)| v == view)
    }

    /// How far this slot got, for the inspector.
    pub fn status(&self, quorum: u32) -> SlotStatus {
        if self.committed.is_some() {
            SlotStatus::Committed
        } else if self.prepared(self.view, quorum).is_some() {
            SlotStatus::Prepared
        } else if self.pre_prepare.is_some() {
            SlotStatus::PrePrepared
        } else {
            SlotStatus::Idle
        }
    }
}

/// The (view, seq, digest, request) of a PRE-PREPARE; `None` for any other message.
pub(crate) fn pre_prepare_fields(msg: &Message) -> Option<(u64, u64, Digest)> {
    match *msg {
        Message::PrePrepare {
            view, seq, digest, ..
        } => Some((view, seq, digest)),
        _ => None,
    }
}
