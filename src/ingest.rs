//! Extraction records into the graph: the news schema, provenance on every
//! fact, and merging with what the graph already holds (whether a record is
//! an entity already in the graph is decided by `crate::resolve`, with the
//! rules extraction uses; `merge` joins nodes it finds to be one).
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

mod merge;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::extract::record::Mention;
use crate::extract::{Article, Extraction};
use crate::graph::{Direction, Graph, GraphError, NodeId, Provenance, RelId, Value};
use crate::resolve::{self, Key, Kind, RecordKeys};

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
    let mut known: HashMap<String, usize> = HashMap::new();
    let mut entities = merge::Entities::of(graph);
    for (article, extraction) in articles.iter().zip(extractions) {
        if !graph
            .nodes_by_property("id", &Value::from(article.id.as_str()))
            .unwrap_or_default()
            .into_iter()
            .any(|id| has_label(graph, id, "Article"))
        {
            ArticleIngest::new(graph, article, extraction, &mut known, &mut entities).run()?;
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

/// What ingest reads of a person, institution or place record.
#[derive(Clone, Copy)]
struct EntityRecord<'r> {
    kind: Kind,
    id: &'r str,
    name: &'r str,
    aliases: &'r [String],
    mentions: &'r [Mention],
}

/// The state of ingesting one article.
struct ArticleIngest<'a> {
    graph: &'a mut Graph,
    article: &'a Article,
    extraction: &'a Extraction,
    /// Extraction ids (shared across the articles of one call) to nodes.
    known: &'a mut HashMap<String, usize>,
    /// The entity nodes by merge key, over the whole ingest.
    entities: &'a mut merge::Entities,
    article_node: NodeId,
    /// Local ids of this record to entities (`entities` gives their nodes).
    local: HashMap<String, usize>,
    /// Nodes already linked to this article by `MENTIONED_IN` (two records
    /// can resolve to one node).
    mentioned: HashSet<NodeId>,
}

impl<'a> ArticleIngest<'a> {
    fn new(
        graph: &'a mut Graph,
        article: &'a Article,
        extraction: &'a Extraction,
        known: &'a mut HashMap<String, usize>,
        entities: &'a mut merge::Entities,
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
            entities,
            article_node,
            local: HashMap::new(),
            mentioned: HashSet::new(),
        }
    }

    fn run(mut self) -> Result<(), GraphError> {
        let record = &self.extraction.record;
        let keys = RecordKeys::of(record);
        for (place, keys) in record.places.iter().zip(&keys.places) {
            let mut props = BTreeMap::new();
            if let Some(kind) = &place.kind {
                props.insert("kind".to_string(), Value::from(kind.as_str()));
            }
            let entity = EntityRecord {
                kind: Kind::Place,
                id: &place.id,
                name: &place.name,
                aliases: &place.aliases,
                mentions: &place.mentions,
            };
            self.entity(&entity, keys, props)?;
        }
        for place in &record.places {
            if let Some(parent) = &place.located_in {
                self.link_local(&place.id, parent, "LOCATED_IN")?;
            }
        }
        for (institution, keys) in record.institutions.iter().zip(&keys.institutions) {
            let mut props = BTreeMap::new();
            if let Some(country) = &institution.country {
                props.insert("country".to_string(), Value::from(country.as_str()));
            }
            let entity = EntityRecord {
                kind: Kind::Institution,
                id: &institution.id,
                name: &institution.name,
                aliases: &institution.aliases,
                mentions: &institution.mentions,
            };
            self.entity(&entity, keys, props)?;
        }
        for institution in &record.institutions {
            if let Some(parent) = &institution.part_of {
                self.link_local(&institution.id, parent, "PART_OF")?;
            }
            if let Some(country) = &institution.country {
                let place = self.country_place(country)?;
                if let Some(node) = self.local_node(&institution.id) {
                    self.link_once(node, place, "LOCATED_IN")?;
                }
            }
        }
        for (person, keys) in record.persons.iter().zip(&keys.persons) {
            let mut props = BTreeMap::new();
            if let Some(rank) = &person.rank {
                props.insert("rank".to_string(), Value::from(rank.as_str()));
            }
            let entity = EntityRecord {
                kind: Kind::Person,
                id: &person.id,
                name: &person.name,
                aliases: &person.aliases,
                mentions: &person.mentions,
            };
            self.entity(&entity, keys, props)?;
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
        entity: &EntityRecord<'_>,
        keys: &[Key],
        properties: BTreeMap<String, Value>,
    ) -> Result<NodeId, GraphError> {
        let EntityRecord {
            kind,
            id,
            name,
            aliases,
            mentions,
        } = *entity;
        let known_key = format!("{}:{id}", kind.label());
        let known = self.known.get(&known_key).copied();
        let entity = self.resolve_entity(kind, keys, known, name, &properties)?;
        self.known.insert(known_key, entity);
        let node = self.entities.node(entity);
        merge::adopt_names(self.graph, node, kind, name, aliases)?;
        for (key, value) in properties {
            let missing = self
                .graph
                .node(node)
                .is_some_and(|n| !n.properties.contains_key(&key));
            if missing {
                self.graph.set_node_property(node, &key, value)?;
            }
        }
        self.local.insert(id.to_string(), entity);
        self.mentioned_in(node, mentions)?;
        Ok(node)
    }

    /// The entity with `keys` (or `known`, the entity its extraction id
    /// already names): the one they name, a new one, or, when they name
    /// several, those joined into one (what one ingest of all the articles
    /// would have made).
    fn resolve_entity(
        &mut self,
        kind: Kind,
        keys: &[Key],
        known: Option<usize>,
        name: &str,
        properties: &BTreeMap<String, Value>,
    ) -> Result<usize, GraphError> {
        let (entity, gone) = self.entities.resolve(self.graph, keys, known, |graph| {
            let mut props = properties.clone();
            props.insert("name".to_string(), Value::from(name));
            graph.add_node([kind.label()], props)
        })?;
        // a joined node's MENTIONED_IN this article now is the kept node's
        let mut was_mentioned = false;
        for node in &gone {
            was_mentioned |= self.mentioned.remove(node);
        }
        if was_mentioned {
            self.mentioned.insert(self.entities.node(entity));
        }
        Ok(entity)
    }

    /// The node a local id of this record names (joins followed).
    fn local_node(&self, id: &str) -> Option<NodeId> {
        self.local.get(id).map(|&entity| self.entities.node(entity))
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
        if let (Some(start), Some(end)) = (self.local_node(from), self.local_node(to)) {
            if start != end {
                self.link_once(start, end, rel_type)?;
            }
        }
        Ok(())
    }

    /// The place node of a country named by an institution record.
    fn country_place(&mut self, country: &str) -> Result<NodeId, GraphError> {
        let keys = resolve::keys(Kind::Place, country, &[] as &[&str]);
        let mut props = BTreeMap::new();
        props.insert("kind".to_string(), Value::from("country"));
        let entity = self.resolve_entity(Kind::Place, &keys, None, country, &props)?;
        let node = self.entities.node(entity);
        merge::adopt_names(self.graph, node, Kind::Place, country, &[])?;
        Ok(node)
    }

    fn role(&mut self, role: &crate::extract::record::RoleRecord) -> Result<(), GraphError> {
        let Some(person) = self.local_node(&role.person) else {
            return Ok(());
        };
        let institution = role.institution.as_ref().and_then(|id| self.local_node(id));
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
            if let Some(who) = self.local_node(participant) {
                self.link_once(who, node, "PARTICIPATED_IN")?;
            }
        }
        if let Some(place) = event.place.as_ref().and_then(|id| self.local_node(id)) {
            self.link_once(node, place, "TOOK_PLACE_IN")?;
        }
        self.link_once(node, self.article_node, "MENTIONED_IN")?;
        Ok(())
    }
}
