//! Extraction records into the graph: the news schema, provenance on every
//! fact, and merging with what the graph already holds.
//!
//! Schema: `(:Person)-[:HOLDS {as_of}]->(:Role)-[:OF]->(:Institution)`,
//! `(:Institution)-[:PART_OF]->(:Institution)`,
//! `(:Institution|Place)-[:LOCATED_IN]->(:Place)`,
//! `(:Person|Institution|Place)-[:PARTICIPATED_IN]->(:Event)-[:TOOK_PLACE_IN]->(:Place)`,
//! and `(any)-[:MENTIONED_IN {sentences}]->(:Article)`. Facts read from text
//! carry `article`, `sentence` and `evidence` (the sentence itself) as
//! properties and a `Provenance` with the byte span.
//!
//! **Architecture Invariant:** ingesting an article already in the graph
//! (same article id) changes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::extract::record::Mention;
use crate::extract::{Article, Extraction};
use crate::graph::{fold, Direction, Graph, GraphError, NodeId, Provenance, RelId, Value};

/// What one ingest added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    pub articles: usize,
    /// Articles already in the graph, left as they were.
    pub skipped_articles: usize,
    pub nodes: usize,
    pub rels: usize,
}

/// Merges articles and their extractions (same order, same length) into the
/// graph. Ids shared by the extractions of one call (cross-article identity
/// from `extract_all`) map to one node each.
pub fn ingest(
    graph: &mut Graph,
    articles: &[Article],
    extractions: &[Extraction],
) -> Result<IngestReport, GraphError> {
    let nodes_before = graph.node_count();
    let rels_before = graph.rel_count();
    let mut report = IngestReport::default();
    let mut known: HashMap<String, NodeId> = HashMap::new();
    for (article, extraction) in articles.iter().zip(extractions) {
        if !graph
            .nodes_by_property("id", &Value::from(article.id.as_str()))
            .unwrap_or_default()
            .into_iter()
            .any(|id| has_label(graph, id, "Article"))
        {
            ArticleIngest::new(graph, article, extraction, &mut known).run()?;
            report.articles += 1;
        } else {
            report.skipped_articles += 1;
        }
    }
    report.nodes = graph.node_count().saturating_sub(nodes_before);
    report.rels = graph.rel_count().saturating_sub(rels_before);
    Ok(report)
}

fn has_label(graph: &Graph, id: NodeId, label: &str) -> bool {
    graph.node(id).is_some_and(|n| n.labels.contains(label))
}

/// The state of ingesting one article.
struct ArticleIngest<'a> {
    graph: &'a mut Graph,
    article: &'a Article,
    extraction: &'a Extraction,
    /// Extraction ids (shared across the articles of one call) to nodes.
    known: &'a mut HashMap<String, NodeId>,
    article_node: NodeId,
    /// Local ids of this record to nodes.
    local: HashMap<String, NodeId>,
    /// Nodes already linked to this article by `MENTIONED_IN` (two records
    /// can resolve to one node).
    mentioned: HashSet<NodeId>,
}

impl<'a> ArticleIngest<'a> {
    fn new(
        graph: &'a mut Graph,
        article: &'a Article,
        extraction: &'a Extraction,
        known: &'a mut HashMap<String, NodeId>,
    ) -> ArticleIngest<'a> {
        let mut properties = BTreeMap::new();
        properties.insert("id".to_string(), Value::from(article.id.as_str()));
        let optional = [
            ("title", &article.title),
            ("url", &article.url),
            ("source", &article.source),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                properties.insert(key.to_string(), Value::from(value.as_str()));
            }
        }
        if let Some(date) = article.date {
            properties.insert("date".to_string(), Value::Date(date));
        }
        properties.insert("text".to_string(), Value::from(article.text.as_str()));
        let article_node = graph.add_node(["Article"], properties);
        ArticleIngest {
            graph,
            article,
            extraction,
            known,
            article_node,
            local: HashMap::new(),
            mentioned: HashSet::new(),
        }
    }

    fn run(mut self) -> Result<(), GraphError> {
        let record = &self.extraction.record;
        for place in &record.places {
            let mut props = BTreeMap::new();
            if let Some(kind) = &place.kind {
                props.insert("kind".to_string(), Value::from(kind.as_str()));
            }
            self.entity(
                "Place",
                &place.id,
                &place.name,
                &place.aliases,
                props,
                &place.mentions,
            )?;
        }
        for place in &record.places {
            if let Some(parent) = &place.located_in {
                self.link_local(&place.id, parent, "LOCATED_IN")?;
            }
        }
        for institution in &record.institutions {
            let mut props = BTreeMap::new();
            if let Some(country) = &institution.country {
                props.insert("country".to_string(), Value::from(country.as_str()));
            }
            self.entity(
                "Institution",
                &institution.id,
                &institution.name,
                &institution.aliases,
                props,
                &institution.mentions,
            )?;
        }
        for institution in &record.institutions {
            if let Some(parent) = &institution.part_of {
                self.link_local(&institution.id, parent, "PART_OF")?;
            }
            if let Some(country) = &institution.country {
                let place = self.country_place(country)?;
                if let Some(&node) = self.local.get(&institution.id) {
                    self.link_once(node, place, "LOCATED_IN")?;
                }
            }
        }
        for person in &record.persons {
            let mut props = BTreeMap::new();
            if let Some(rank) = &person.rank {
                props.insert("rank".to_string(), Value::from(rank.as_str()));
            }
            self.entity(
                "Person",
                &person.id,
                &person.name,
                &person.aliases,
                props,
                &person.mentions,
            )?;
        }
        for role in &record.roles {
            self.role(role)?;
        }
        for event in &record.events {
            self.event(event)?;
        }
        Ok(())
    }

    /// Finds or creates the node of an entity and records this article's
    /// mentions of it.
    fn entity(
        &mut self,
        label: &str,
        id: &str,
        name: &str,
        aliases: &[String],
        properties: BTreeMap<String, Value>,
        mentions: &[Mention],
    ) -> Result<NodeId, GraphError> {
        let key = format!("{label}:{id}");
        let node = match self.known.get(&key) {
            Some(&node) if self.graph.contains_node(node) => node,
            _ => {
                let node = match self.find_by_name(label, name, aliases) {
                    Some(node) => node,
                    None => {
                        let mut props = properties.clone();
                        props.insert("name".to_string(), Value::from(name));
                        self.graph.add_node([label], props)
                    }
                };
                self.known.insert(key, node);
                node
            }
        };
        self.merge_aliases(node, name, aliases)?;
        for (key, value) in properties {
            let missing = self
                .graph
                .node(node)
                .is_some_and(|n| !n.properties.contains_key(&key));
            if missing {
                self.graph.set_node_property(node, &key, value)?;
            }
        }
        self.local.insert(id.to_string(), node);
        self.mentioned_in(node, mentions)?;
        Ok(node)
    }

    /// An existing node of the label whose name or an alias folds like
    /// `name` or one of `aliases`.
    fn find_by_name(&self, label: &str, name: &str, aliases: &[String]) -> Option<NodeId> {
        std::iter::once(name)
            .chain(aliases.iter().map(String::as_str))
            .flat_map(|candidate| self.graph.nodes_by_folded_name(candidate))
            .find(|&node| has_label(self.graph, node, label))
    }

    fn merge_aliases(
        &mut self,
        node: NodeId,
        name: &str,
        aliases: &[String],
    ) -> Result<(), GraphError> {
        let Some(current) = self.graph.node(node) else {
            return Err(GraphError::NoSuchNode(node));
        };
        let canonical = current
            .properties
            .get("name")
            .and_then(Value::as_str)
            .map(fold)
            .unwrap_or_default();
        let mut list: Vec<Value> = match current.properties.get("aliases") {
            Some(Value::List(items)) => items.clone(),
            _ => Vec::new(),
        };
        let before = list.len();
        for alias in std::iter::once(name).chain(aliases.iter().map(String::as_str)) {
            let folded = fold(alias);
            let present = folded == canonical
                || list
                    .iter()
                    .any(|a| a.as_str().is_some_and(|a| fold(a) == folded));
            if !present {
                list.push(Value::from(alias));
            }
        }
        if list.len() != before {
            self.graph
                .set_node_property(node, "aliases", Value::List(list))?;
        }
        Ok(())
    }

    fn provenance(&self, mention: &Mention) -> Provenance {
        Provenance {
            article: self.article.id.clone(),
            sentence: mention.sentence,
            start: mention.start,
            end: mention.end,
        }
    }

    /// The text of sentence `index`, for evidence.
    fn sentence_text(&self, index: u32) -> Option<&str> {
        let &(start, end) = self.extraction.sentences.get(index as usize)?;
        self.article
            .text
            .get(start as usize..end as usize)
            .map(str::trim)
    }

    /// Properties every fact read from text carries.
    fn evidence_properties(&self, mention: Option<&Mention>) -> BTreeMap<String, Value> {
        let mut props = BTreeMap::new();
        props.insert("article".to_string(), Value::from(self.article.id.as_str()));
        if let Some(mention) = mention {
            props.insert(
                "sentence".to_string(),
                Value::Int(i64::from(mention.sentence)),
            );
            if let Some(text) = self.sentence_text(mention.sentence) {
                props.insert("evidence".to_string(), Value::from(text));
            }
        }
        props
    }

    fn mentioned_in(&mut self, node: NodeId, mentions: &[Mention]) -> Result<(), GraphError> {
        for mention in mentions {
            let provenance = self.provenance(mention);
            self.graph.add_node_provenance(node, provenance)?;
        }
        let mut sentences: Vec<u32> = mentions.iter().map(|m| m.sentence).collect();
        sentences.sort_unstable();
        sentences.dedup();
        if !self.mentioned.insert(node) {
            return Ok(());
        }
        let mut props = BTreeMap::new();
        props.insert(
            "sentences".to_string(),
            Value::List(
                sentences
                    .iter()
                    .map(|&s| Value::Int(i64::from(s)))
                    .collect(),
            ),
        );
        props.insert("count".to_string(), Value::Int(mentions.len() as i64));
        let rel = self
            .graph
            .add_rel(node, self.article_node, "MENTIONED_IN", props)?;
        for mention in mentions {
            let provenance = self.provenance(mention);
            self.graph.add_rel_provenance(rel, provenance)?;
        }
        Ok(())
    }

    fn rel_type_is(&self, rel: RelId, rel_type: &str) -> bool {
        self.graph.rel(rel).is_some_and(|r| r.rel_type == rel_type)
    }

    /// A relationship between two nodes unless one of that type already joins them.
    fn link_once(
        &mut self,
        start: NodeId,
        end: NodeId,
        rel_type: &str,
    ) -> Result<RelId, GraphError> {
        let existing = self
            .graph
            .adjacent(start, Direction::Outgoing)
            .into_iter()
            .find(|a| a.end == end && self.rel_type_is(a.rel, rel_type));
        match existing {
            Some(adjacent) => Ok(adjacent.rel),
            None => {
                let props = self.evidence_properties(None);
                self.graph.add_rel(start, end, rel_type, props)
            }
        }
    }

    fn link_local(&mut self, from: &str, to: &str, rel_type: &str) -> Result<(), GraphError> {
        if let (Some(&start), Some(&end)) = (self.local.get(from), self.local.get(to)) {
            if start != end {
                self.link_once(start, end, rel_type)?;
            }
        }
        Ok(())
    }

    /// The place node of a country named by an institution record.
    fn country_place(&mut self, country: &str) -> Result<NodeId, GraphError> {
        if let Some(node) = self.find_by_name("Place", country, &[]) {
            return Ok(node);
        }
        let mut props = BTreeMap::new();
        props.insert("name".to_string(), Value::from(country));
        props.insert("kind".to_string(), Value::from("country"));
        Ok(self.graph.add_node(["Place"], props))
    }

    fn role(&mut self, role: &crate::extract::record::RoleRecord) -> Result<(), GraphError> {
        let Some(&person) = self.local.get(&role.person) else {
            return Ok(());
        };
        let institution = role
            .institution
            .as_ref()
            .and_then(|id| self.local.get(id))
            .copied();
        let role_node = self.role_node(&role.title, institution)?;
        let mut props = self.evidence_properties(role.evidence.as_ref());
        if let Some(date) = self.article.date {
            props.insert("as_of".to_string(), Value::Date(date));
        }
        let rel = self.graph.add_rel(person, role_node, "HOLDS", props)?;
        if let Some(mention) = &role.evidence {
            let provenance = self.provenance(mention);
            self.graph.add_rel_provenance(rel, provenance)?;
        }
        Ok(())
    }

    /// One node per post: the same title at the same institution (or with no
    /// institution) is the same role across articles, so it can be followed
    /// over time.
    fn role_node(
        &mut self,
        title: &str,
        institution: Option<NodeId>,
    ) -> Result<NodeId, GraphError> {
        let existing = self
            .graph
            .nodes_by_folded_name(title)
            .into_iter()
            .find(|&node| {
                has_label(self.graph, node, "Role") && self.role_institution(node) == institution
            });
        if let Some(node) = existing {
            return Ok(node);
        }
        let mut props = BTreeMap::new();
        props.insert("title".to_string(), Value::from(title));
        let node = self.graph.add_node(["Role"], props);
        if let Some(institution) = institution {
            self.link_once(node, institution, "OF")?;
        }
        Ok(node)
    }

    fn role_institution(&self, role: NodeId) -> Option<NodeId> {
        self.graph
            .adjacent(role, Direction::Outgoing)
            .into_iter()
            .find(|a| self.rel_type_is(a.rel, "OF"))
            .map(|a| a.end)
    }

    fn event(&mut self, event: &crate::extract::record::EventRecord) -> Result<(), GraphError> {
        let mut props = self.evidence_properties(event.evidence.as_ref());
        props.insert("type".to_string(), Value::from(event.event_type.as_str()));
        // Event ids from `extract_all` already name their article; ids
        // from elsewhere ("e1") are made unique across articles here.
        let id = if event.id.starts_with(&self.article.id) {
            event.id.clone()
        } else {
            format!("{}:{}", self.article.id, event.id)
        };
        props.insert("id".to_string(), Value::from(id));
        if let Some(date) = event.date.as_deref().and_then(crate::graph::Date::parse) {
            props.insert("date".to_string(), Value::Date(date));
        }
        if let Some(trigger) = &event.trigger {
            props.insert("trigger".to_string(), Value::from(trigger.as_str()));
        }
        let node = self.graph.add_node(["Event"], props);
        if let Some(mention) = &event.evidence {
            let provenance = self.provenance(mention);
            self.graph.add_node_provenance(node, provenance)?;
        }
        for participant in &event.participants {
            if let Some(&who) = self.local.get(participant) {
                self.link_once(who, node, "PARTICIPATED_IN")?;
            }
        }
        if let Some(&place) = event.place.as_ref().and_then(|id| self.local.get(id)) {
            self.link_once(node, place, "TOOK_PLACE_IN")?;
        }
        self.link_once(node, self.article_node, "MENTIONED_IN")?;
        Ok(())
    }
}
