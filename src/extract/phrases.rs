//! The phrase matcher: finds lexicon phrases in a run of folded tokens.
//!
//! Phrases are matched word by word, not byte by byte: every folded word of
//! the lexicons gets an id, and phrases are paths of word ids in a trie. An
//! article's token is looked up once (one hash of a short word); a token that
//! starts no phrase, which is most of them, costs nothing more. Matching on
//! whole tokens also means a phrase can only start and end at a token
//! boundary, so `us` never fires inside `focus` and no match is thrown away
//! afterwards.

use rustc_hash::FxHashMap;

/// A token whose folded form is no word of any phrase.
pub const NO_WORD: u32 = u32::MAX;

/// The trie of all phrases. Node 0 is the root.
#[derive(Default)]
pub struct PhraseTrie {
    /// Word ids by folded word.
    words: FxHashMap<Box<str>, u32>,
    /// The longest word in bytes: a longer token is no word of any phrase.
    longest_word: usize,
    /// The node each word leads to from the root (0: none), by word id:
    /// every token is looked up there, so it is an array, not a hash map.
    first: Vec<u32>,
    /// Edges below the first word.
    edges: FxHashMap<(u32, u32), u32>,
    /// The phrase ending at each node, if any.
    accepts: Vec<Option<u32>>,
}

impl PhraseTrie {
    pub fn new() -> PhraseTrie {
        PhraseTrie {
            accepts: vec![None],
            ..PhraseTrie::default()
        }
    }

    /// Adds a folded phrase (words apart by one space) as phrase `id`.
    pub fn insert(&mut self, folded: &str, id: u32) {
        let mut node = 0u32;
        for word in folded.split(' ').filter(|w| !w.is_empty()) {
            let word = self.intern(word);
            let next_node = self.accepts.len() as u32;
            node = if node == 0 {
                let slot = &mut self.first[word as usize];
                if *slot == 0 {
                    *slot = next_node;
                }
                *slot
            } else {
                *self.edges.entry((node, word)).or_insert(next_node)
            };
            if node == next_node {
                self.accepts.push(None);
            }
        }
        if node != 0 {
            self.accepts[node as usize] = Some(id);
        }
    }

    /// The id of a folded word, adding it (with no phrase) when new: words
    /// other lists need to know about get ids too.
    pub fn intern(&mut self, word: &str) -> u32 {
        let next_word = self.words.len() as u32;
        self.longest_word = self.longest_word.max(word.len());
        let id = *self.words.entry(word.into()).or_insert(next_word);
        if id == next_word {
            self.first.push(0);
        }
        id
    }

    /// How many words have ids (ids are `0..word_count()`).
    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    /// The word id of a folded token, or [`NO_WORD`].
    pub fn word_id(&self, folded: &str) -> u32 {
        if folded.len() > self.longest_word {
            return NO_WORD;
        }
        self.words.get(folded).copied().unwrap_or(NO_WORD)
    }

    /// The longest phrase at the start of `words` (word ids of consecutive
    /// tokens): its length in tokens and its id.
    pub fn longest_at(&self, words: &[u32]) -> Option<(usize, u32)> {
        let mut node = 0u32;
        let mut best = None;
        for (i, &word) in words.iter().enumerate() {
            if word == NO_WORD {
                break;
            }
            let next = if node == 0 {
                self.first[word as usize]
            } else {
                self.edges.get(&(node, word)).copied().unwrap_or(0)
            };
            if next == 0 {
                break;
            }
            node = next;
            if let Some(id) = self.accepts[node as usize] {
                best = Some((i + 1, id));
            }
        }
        best
    }

    /// Non-overlapping phrases in `words`, leftmost first and longest at
    /// each start: `(first token, end token, phrase id)`.
    pub fn find_all<'a>(
        &'a self,
        words: &'a [u32],
    ) -> impl Iterator<Item = (usize, usize, u32)> + 'a {
        let mut at = 0usize;
        std::iter::from_fn(move || {
            while at < words.len() {
                if let Some((len, id)) = self.longest_at(&words[at..]) {
                    let first = at;
                    at += len;
                    return Some((first, at, id));
                }
                at += 1;
            }
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(trie: &PhraseTrie, text: &str) -> Vec<u32> {
        text.split(' ').map(|w| trie.word_id(w)).collect()
    }

    #[test]
    fn finds_the_longest_phrase_at_each_start_without_overlap() {
        let mut trie = PhraseTrie::new();
        trie.insert("general", 0);
        trie.insert("general secretary", 1);
        trie.insert("secretary", 2);
        trie.insert("minister of defence", 3);
        let words = ids(&trie, "the general secretary met the minister of state");
        let found: Vec<_> = trie.find_all(&words).collect();
        // `minister of` is a prefix of a phrase but no phrase itself
        assert_eq!(found, vec![(1, 3, 1)]);
        let words = ids(&trie, "secretary general");
        let found: Vec<_> = trie.find_all(&words).collect();
        assert_eq!(found, vec![(0, 1, 2), (1, 2, 0)]);
    }

    #[test]
    fn unknown_words_and_empty_input_match_nothing() {
        let mut trie = PhraseTrie::new();
        trie.insert("us", 0);
        assert_eq!(trie.find_all(&ids(&trie, "focus usa")).count(), 0);
        assert_eq!(trie.find_all(&[]).count(), 0);
    }
}
