//! What a graph is told by the layer above it: the property names under
//! which an element's provenance reads. The graph knows no domain; `ingest`
//! hands it the news names (`article`, `sentence`, `evidence`, ...).

/// How a graph's caller wants the graph to show provenance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// `None`: provenance is kept but not shown as properties.
    pub provenance: Option<ProvenanceKeys>,
}

/// Property names under which an element with provenance shows where it
/// was read (from its first entry). A property stored under the same name
/// wins, so elements made by queries are never shadowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenanceKeys {
    /// The source's id: its `source_id` property (an article's `id`).
    pub source: String,
    /// The sentence index within the source.
    pub sentence: String,
    /// The sentence's text.
    pub evidence: String,
    /// Distinct sentence indexes of the first source's entries (only on
    /// `summary_types`).
    pub sentences: String,
    /// Number of the first source's entries (only on `summary_types`).
    pub count: String,
    /// The relationship types that summarise many mentions of one source.
    pub summary_types: Vec<String>,
    /// Which property of a source node is its id.
    pub source_id: String,
    /// Which property of a source node holds the text its sentences split.
    pub source_text: String,
}
