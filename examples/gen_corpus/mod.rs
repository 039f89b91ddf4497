//! A generator of synthetic news articles for measuring ingest and the
//! store (issue 9). It copies the *shapes* of real diplomatic and defence
//! news, never its text: officials of several naming cultures with stable
//! positions and Zipf-like popularity, so a few hundred recur across many
//! articles; countries, demonyms and cities come from `data/lexicons/`.
//!
//! It measures; the extractor must never be tuned to it. Shared by the
//! `gen-corpus` and `bench-core` examples.

pub mod article;
pub mod calendar;
pub mod names;
pub mod rng;
pub mod world;

use world::World;

/// A corpus: the world of a seed and the articles drawn from it.
pub struct Corpus {
    world: World,
}

impl Corpus {
    /// `articles` sizes the pool of officials (more articles, more people).
    pub fn new(seed: u64, articles: usize) -> Result<Corpus, String> {
        Ok(Corpus {
            world: World::new(seed, articles)?,
        })
    }

    /// The file stem of article `index` (`gen-000042`).
    pub fn id(index: usize) -> String {
        format!("gen-{index:06}")
    }

    /// The `.txt` text of article `index`, the same for a seed on every run.
    pub fn text(&self, index: usize) -> String {
        article::write(&self.world, index)
    }
}
