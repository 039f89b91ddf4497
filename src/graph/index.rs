//! Value indexes that hold no copy of the values: a key's 64-bit hash maps
//! to the ids of the elements holding it, and a lookup keeps only the ids
//! whose element really has the key (so a hash collision costs time, never
//! a wrong answer).

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use super::NodeId;

/// Node ids sorted ascending; one id (the common case) is kept inline.
#[derive(Debug, Clone)]
enum Ids {
    One(NodeId),
    Many(Vec<NodeId>),
}

/// Hash of a key → the nodes that may hold it.
#[derive(Debug, Clone, Default)]
pub(crate) struct HashIndex {
    map: FxHashMap<u64, Ids>,
}

pub(crate) fn hash_of(key: &impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    key.hash(&mut hasher);
    hasher.finish()
}

impl HashIndex {
    pub(crate) fn insert(&mut self, hash: u64, id: NodeId) {
        match self.map.get_mut(&hash) {
            None => {
                self.map.insert(hash, Ids::One(id));
            }
            Some(Ids::One(existing)) => {
                let existing = *existing;
                if existing != id {
                    let mut ids = vec![existing, id];
                    ids.sort_unstable();
                    self.map.insert(hash, Ids::Many(ids));
                }
            }
            Some(Ids::Many(ids)) => {
                if let Err(at) = ids.binary_search(&id) {
                    ids.insert(at, id);
                }
            }
        }
    }

    pub(crate) fn remove(&mut self, hash: u64, id: NodeId) {
        let emptied = match self.map.get_mut(&hash) {
            None => false,
            Some(Ids::One(existing)) => *existing == id,
            Some(Ids::Many(ids)) => {
                if let Ok(at) = ids.binary_search(&id) {
                    ids.remove(at);
                }
                if let [only] = ids.as_slice() {
                    let only = *only;
                    self.map.insert(hash, Ids::One(only));
                }
                false
            }
        };
        if emptied {
            self.map.remove(&hash);
        }
    }

    /// Candidate ids for a hash, ascending.
    pub(crate) fn get(&self, hash: u64) -> &[NodeId] {
        match self.map.get(&hash) {
            None => &[],
            Some(Ids::One(id)) => std::slice::from_ref(id),
            Some(Ids::Many(ids)) => ids,
        }
    }
}
