//! A set of distinct voters as a bit set: counting a quorum must ignore a node voting twice.
//!
//! Fixed at [`MAX_NODES`] bits so a vote counter never allocates (a run creates many).

use crate::config::MAX_NODES;
use crate::message::NodeId;

const WORDS: usize = MAX_NODES as usize / 64;

/// Distinct node ids below [`MAX_NODES`], with their count kept so a quorum check is O(1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoterSet {
    words: [u64; WORDS],
    len: u32,
}

impl Default for VoterSet {
    fn default() -> VoterSet {
        VoterSet {
            words: [0; WORDS],
            len: 0,
        }
    }
}

impl VoterSet {
    pub fn new() -> VoterSet {
        VoterSet::default()
    }

    /// Adds `id` (below [`MAX_NODES`]; validation guarantees it); returns whether it was new.
    pub fn insert(&mut self, id: NodeId) -> bool {
        let (word, bit) = ((id / 64) as usize, id % 64);
        let mask = 1u64 << bit;
        let new = self.words[word] & mask == 0;
        if new {
            self.words[word] |= mask;
            self.len += 1;
        }
        new
    }

    pub fn contains(&self, id: NodeId) -> bool {
        let word = (id / 64) as usize;
        self.words
            .get(word)
            .is_some_and(|w| w & (1u64 << (id % 64)) != 0)
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ids in increasing order.
    pub fn to_vec(&self) -> Vec<NodeId> {
        let mut out = Vec::with_capacity(self.len as usize);
        for (w, &word) in self.words.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let b = bits.trailing_zeros();
                out.push(w as u32 * 64 + b);
                bits &= bits - 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_voter_once() {
        let mut s = VoterSet::new();
        assert!(s.insert(3));
        assert!(!s.insert(3));
        assert!(s.insert(200));
        assert!(s.insert(511));
        assert_eq!(s.len(), 3);
        assert!(s.contains(200) && !s.contains(4));
        assert_eq!(s.to_vec(), vec![3, 200, 511]);
    }
}
