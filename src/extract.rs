//! Extraction: article text and lexicons in, an extraction record out.
//!
//! **Architecture Invariant:** pure and deterministic; knows nothing of the graph.

pub mod article;
pub mod record;

pub use article::{read_paths, Article, Warning};
pub use record::Record;

/// One article's extraction: the record plus the byte spans of its sentences
/// (so a fact's evidence sentence can be shown).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    pub record: Record,
    pub sentences: Vec<(u32, u32)>,
}

/// Extracts one article.
pub fn extract(article: &Article) -> Extraction {
    Extraction {
        record: Record {
            article: article.id.clone(),
            date: article.date.map(|d| d.to_string()),
            ..Record::default()
        },
        sentences: Vec::new(),
    }
}

/// Extracts many articles (in parallel), giving one real-world entity the
/// same id in every record.
pub fn extract_all(articles: &[Article]) -> Vec<Extraction> {
    articles.iter().map(extract).collect()
}
