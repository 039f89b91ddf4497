//! Interned names: labels, relationship types and property keys are stored
//! once per graph and referred to by a small id, so an element holds a few
//! bytes per name instead of a heap string.

use rustc_hash::FxHashMap;

/// A name's id within one `Interner`; ids are dense, in order of first use.
pub type Symbol = u32;

/// A table of distinct names and their ids. Names are never removed, so an
/// id stays valid for the life of the graph (deleted elements keep theirs).
#[derive(Debug, Clone, Default)]
pub struct Interner {
    names: Vec<Box<str>>,
    ids: FxHashMap<Box<str>, Symbol>,
}

impl Interner {
    /// The id of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> Symbol {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as Symbol;
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        id
    }

    /// The id of `name` when it was ever interned.
    pub fn get(&self, name: &str) -> Option<Symbol> {
        self.ids.get(name).copied()
    }

    /// The name of an id handed out by this interner.
    pub fn name(&self, id: Symbol) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }

    /// Every name, in id order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.names.iter().map(|n| &**n)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }
}
