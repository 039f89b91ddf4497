//! Value indexes that hold no copy of the values: a key's 64-bit hash maps
//! to the ids of the elements holding it, and a lookup keeps only the ids
//! whose element really has the key (so a hash collision costs time, never
//! a wrong answer).

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use super::NodeId;

/// The top bit of a map value: set, the rest is the index of an id list
/// in `HashIndex::lists`; clear, the value is the one node holding the key
/// (the common case). 16 bytes a key with its hash, against 40 for an enum
/// holding a `Vec`.
const LIST: u32 = 1 << 31;

fn list_index(value: NodeId) -> Option<usize> {
    (value.0 & LIST != 0).then_some((value.0 & !LIST) as usize)
}

/// Hash of a key → the nodes that may hold it.
#[derive(Debug, Clone, Default)]
pub(crate) struct HashIndex {
    map: FxHashMap<u64, NodeId>,
    /// Id lists of hashes held by two nodes or more (or by an id too large
    /// to stand inline), ascending.
    lists: Vec<Vec<NodeId>>,
    /// Slots of `lists` free for reuse.
    free: Vec<usize>,
}

pub(crate) fn hash_of(key: &impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    key.hash(&mut hasher);
    hasher.finish()
}

impl HashIndex {
    pub(crate) fn insert(&mut self, hash: u64, id: NodeId) {
        let value = match self.map.get(&hash) {
            None => self.single(id),
            Some(&value) => match list_index(value) {
                Some(at) => {
                    let ids = &mut self.lists[at];
                    if let Err(pos) = ids.binary_search(&id) {
                        ids.insert(pos, id);
                    }
                    return;
                }
                None if value == id => return,
                None => {
                    let mut ids = vec![value, id];
                    ids.sort_unstable();
                    self.new_list(ids)
                }
            },
        };
        self.map.insert(hash, value);
    }

    /// The map value for a key held by `id` alone.
    fn single(&mut self, id: NodeId) -> NodeId {
        if list_index(id).is_none() {
            id
        } else {
            self.new_list(vec![id])
        }
    }

    fn new_list(&mut self, ids: Vec<NodeId>) -> NodeId {
        let at = match self.free.pop() {
            Some(at) => {
                self.lists[at] = ids;
                at
            }
            None => {
                self.lists.push(ids);
                self.lists.len() - 1
            }
        };
        NodeId(LIST | at as u32)
    }

    pub(crate) fn remove(&mut self, hash: u64, id: NodeId) {
        let Some(&value) = self.map.get(&hash) else {
            return;
        };
        let Some(at) = list_index(value) else {
            if value == id {
                self.map.remove(&hash);
            }
            return;
        };
        let ids = &mut self.lists[at];
        if let Ok(pos) = ids.binary_search(&id) {
            ids.remove(pos);
        }
        let left = match ids.as_slice() {
            [] => None,
            [only] if list_index(*only).is_none() => Some(*only),
            _ => return,
        };
        self.lists[at] = Vec::new();
        self.free.push(at);
        match left {
            Some(only) => self.map.insert(hash, only),
            None => self.map.remove(&hash),
        };
    }

    /// Candidate ids for a hash, ascending.
    pub(crate) fn get(&self, hash: u64) -> &[NodeId] {
        match self.map.get(&hash) {
            None => &[],
            Some(value) => match list_index(*value) {
                Some(at) => &self.lists[at],
                None => std::slice::from_ref(value),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_move_between_inline_and_lists() {
        let mut index = HashIndex::default();
        index.insert(7, NodeId(3));
        index.insert(7, NodeId(3));
        assert_eq!(index.get(7), &[NodeId(3)]);
        index.insert(7, NodeId(1));
        index.insert(7, NodeId(5));
        assert_eq!(index.get(7), &[NodeId(1), NodeId(3), NodeId(5)]);
        index.remove(7, NodeId(3));
        index.remove(7, NodeId(1));
        assert_eq!(index.get(7), &[NodeId(5)]);
        // the freed list is reused by the next key held twice
        index.insert(8, NodeId(2));
        index.insert(8, NodeId(4));
        assert_eq!(index.lists.len(), 1);
        index.remove(7, NodeId(5));
        assert_eq!(index.get(7), &[] as &[NodeId]);
        // an id with the top bit set is kept in a list, never misread
        let huge = NodeId(LIST | 9);
        index.insert(9, huge);
        assert_eq!(index.get(9), &[huge]);
        index.insert(9, NodeId(1));
        index.remove(9, NodeId(1));
        assert_eq!(index.get(9), &[huge]);
        index.remove(9, huge);
        assert_eq!(index.get(9), &[] as &[NodeId]);
    }
}
