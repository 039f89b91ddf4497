//! A graph's own consistency check, for `kg check`: every index agrees
//! with the elements, and every provenance entry points into a source's
//! text.

use super::{node_index, Graph, NodeId, Provenance, INDEXED_KEYS};

/// At most this many problems are listed (the count is still exact).
const MAX_LISTED: usize = 50;

impl Graph {
    /// What is inconsistent in the graph: an empty list when nothing is,
    /// and the number of problems found.
    pub fn verify(&self) -> (Vec<String>, usize) {
        let mut problems = Problems::default();
        for (id, node) in self.stored_nodes() {
            for &label in node.labels().iter() {
                if !self
                    .by_label
                    .get(label as usize)
                    .is_some_and(|b| b.contains(id.0))
                {
                    problems.add(format!(
                        "node {id} is missing from the index of label {}",
                        self.labels.name(label)
                    ));
                }
            }
            for hash in self.index_entries(id).0 {
                if !self.by_folded_name.get(hash).contains(&id) {
                    problems.add(format!("node {id} is missing from the name index"));
                }
            }
            for key in INDEXED_KEYS {
                if let Some(value) = self.stored_property(node.props(), key) {
                    if let Some(found) = self.nodes_by_property(key, value) {
                        if !found.contains(&id) {
                            problems.add(format!("node {id} is missing from the {key} index"));
                        }
                    }
                }
            }
            for p in node.provenance() {
                self.check_provenance(&format!("node {id}"), p, &mut problems);
            }
        }
        for (label, members) in self.by_label.iter().enumerate() {
            for member in members {
                let ok = self
                    .inner
                    .node_weight(node_index(NodeId(member)))
                    .is_some_and(|n| n.has_label(label as u32));
                if !ok {
                    problems.add(format!(
                        "the index of label {} lists node {member}, which does not have it",
                        self.labels.name(label as u32)
                    ));
                }
            }
        }
        for (id, _, _, rel) in self.stored_rels() {
            if !self
                .by_type
                .get(rel.rel_type() as usize)
                .is_some_and(|b| b.contains(id.0))
            {
                problems.add(format!(
                    "relationship {id} is missing from its type's index"
                ));
            }
            for p in rel.provenance() {
                self.check_provenance(&format!("relationship {id}"), &p, &mut problems);
            }
        }
        let indexed: u64 = self.by_type.iter().map(|b| b.len()).sum();
        if indexed != self.rel_count() as u64 {
            problems.add(format!(
                "the type index lists {indexed} relationships, the graph has {}",
                self.rel_count()
            ));
        }
        for (&id, text) in &self.texts {
            if !self.contains_node(id) {
                problems.add(format!("node {id} is gone but its text is kept"));
            } else if text.unpack().is_none() {
                problems.add(format!(
                    "the text of node {id} is damaged (it does not decompress)"
                ));
            }
        }
        for (&source, spans) in &self.sentences {
            match self.source_text(source) {
                None if self.schema.provenance.is_some() => {
                    problems.add(format!("source {source} has sentences but no text"))
                }
                None => {}
                Some(text) => {
                    for &(start, end) in spans.iter() {
                        if text.get(start as usize..end as usize).is_none() {
                            problems.add(format!(
                                "source {source} has a sentence at bytes {start}..{end} outside its text"
                            ));
                        }
                    }
                }
            }
        }
        (problems.listed, problems.count)
    }

    fn check_provenance(&self, what: &str, p: &Provenance, problems: &mut Problems) {
        if !self.contains_node(p.source) {
            problems.add(format!(
                "{what} cites source {}, which does not exist",
                p.source
            ));
            return;
        }
        if p.sentence == Provenance::NO_SENTENCE {
            return;
        }
        let Some(spans) = self.sentences.get(&p.source) else {
            problems.add(format!(
                "{what} cites sentence {} of source {}, which has no sentences",
                p.sentence, p.source
            ));
            return;
        };
        if spans.get(p.sentence as usize).is_none() {
            problems.add(format!(
                "{what} cites sentence {} of source {}, which has {}",
                p.sentence,
                p.source,
                spans.len()
            ));
        }
        if let Some(text) = self.source_text(p.source) {
            if p.start > p.end || p.end as usize > text.len() {
                problems.add(format!(
                    "{what} cites bytes {}..{} of source {}, whose text has {}",
                    p.start,
                    p.end,
                    p.source,
                    text.len()
                ));
            }
        }
    }
}

#[derive(Default)]
struct Problems {
    listed: Vec<String>,
    count: usize,
}

impl Problems {
    fn add(&mut self, problem: String) {
        self.count += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push(problem);
        }
    }
}
