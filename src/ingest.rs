//! Extraction records into the graph: the news schema, provenance on every
//! fact, and merging with what the graph already holds (whether a record is
//! an entity already in the graph is decided by `crate::resolve`, with the
//! rules extraction uses; `merge` joins nodes it finds to be one).
//!
//! Schema: `(:Person)-[:HOLDS {as_of}]->(:Role)-[:OF]->(:Institution)`,
//! `(:Institution)-[:PART_OF]->(:Institution)`,
//! `(:Institution|Place)-[:LOCATED_IN]->(:Place)`,
//! `(:Person|Institution|Place)-[:PARTICIPATED_IN]->(:Event)-[:TOOK_PLACE_IN]->(:Place)`,
//! and `(any)-[:MENTIONED_IN {sentences, count}]->(:Article)`. Every fact
//! read from text (each relationship, and each event) keeps a `Provenance`
//! per mention: the article node, the sentence index and the byte span.
//! Its `article`, `sentence` and `evidence` (the sentence itself) are read
//! from that through the [`news_schema`], never stored: the article's text
//! and sentence spans are stored once, on the article node. A fact stated
//! again (by another article, or twice in one) gains a provenance entry.
//!
//! **Architecture Invariant:** ingesting an article already in the graph
//! (same article id, same text) changes nothing. An article whose id names
//! a different text in the graph is never dropped: it is stored under the
//! id `extract::article::disambiguated` gives it, and reported.

mod merge;

use std::collections::{BTreeMap, HashMap};

use crate::extract::record::Mention;
use crate::extract::{Article, Extraction};
use crate::graph::{
    Direction, Graph, GraphError, NodeId, Provenance, ProvenanceKeys, RelId, Schema, Value,
};
use crate::resolve::{self, Key, Kind, RecordKeys};

/// What one ingest added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    pub articles: usize,
    /// Articles already in the graph, left as they were.
    pub skipped_articles: usize,
    /// Articles whose id named a different text already in the graph,
    /// ingested under another id.
    pub renamed: Vec<Renamed>,
    pub nodes: usize,
    pub rels: usize,
}

/// An article ingested under another id than its own, because its own
/// named a different text in the graph or in the same read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// Where the article was read from.
    pub origin: String,
    /// Its own id.
    pub id: String,
    /// The id reading gave it (another one when an article read with it
    /// had the same id, a warning of reading's).
    pub read_as: String,
    /// The id it was stored under.
    pub stored_as: String,
}

/// How the news graph shows provenance: `article` (the article's `id`),
/// `sentence`, `evidence`, and on `MENTIONED_IN` the mention summary
/// `sentences` and `count`.
pub fn news_schema() -> Schema {
    Schema {
        provenance: Some(ProvenanceKeys {
            source: "article".into(),
            sentence: "sentence".into(),
            evidence: "evidence".into(),
            sentences: "sentences".into(),
            count: "count".into(),
            summary_types: vec!["MENTIONED_IN".into()],
            source_id: "id".into(),
            source_text: "text".into(),
        }),
    }
}

/// What the articles of one ingest call share: extraction ids to
/// entities, the entity resolver, and the facts and roles already found,
/// so a hub (a country in every article) is never searched again.
struct CallState {
    known: HashMap<String, usize>,
    entities: merge::Entities,
    /// (start, end, type) of facts written once per pair of nodes.
    facts: HashMap<(NodeId, NodeId, &'static str), RelId>,
    /// (folded title, institution) → role node.
    roles: HashMap<(String, Option<NodeId>), NodeId>,
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
    graph.set_schema(news_schema());
    let mut call = CallState {
        known: HashMap::new(),
        entities: merge::Entities::of(graph),
        facts: HashMap::new(),
        roles: HashMap::new(),
    };
    for (article, extraction) in articles.iter().zip(extractions) {
        match placement(graph, article) {
            Placement::Present => report.skipped_articles += 1,
            Placement::New(id) => {
                let base = base_id(article);
                if id != base {
                    report.renamed.push(Renamed {
                        origin: article.origin.clone(),
                        id: base.to_string(),
                        read_as: article.id.clone(),
                        stored_as: id.clone(),
                    });
                }
                ArticleIngest::new(graph, article, id, extraction, &mut call)?.run()?;
                report.articles += 1;
            }
        }
    }
    report.nodes = graph.node_count().saturating_sub(nodes_before);
    report.rels = graph.rel_count().saturating_sub(rels_before);
    Ok(report)
}

/// Where an article goes: nowhere when the graph holds its text under its
/// id (or the id it would have been given), else under the first of those
/// ids that is free.
enum Placement {
    Present,
    New(String),
}

fn placement(graph: &Graph, article: &Article) -> Placement {
    let base = base_id(article);
    let mut attempt = 0;
    loop {
        let id = match attempt {
            0 => base.to_string(),
            n => crate::extract::article::disambiguated(base, &article.text, n - 1),
        };
        let holder = graph
            .nodes_by_property("id", &Value::from(id.as_str()))
            .unwrap_or_default()
            .into_iter()
            .find(|&node| graph.has_label(node, "Article"));
        let Some(holder) = holder else {
            return Placement::New(id);
        };
        let same_text = graph
            .node(holder)
            .and_then(|n| {
                n.property("text")
                    .map(|t| t.as_str() == Some(&article.text))
            })
            .unwrap_or(false);
        if same_text {
            return Placement::Present;
        }
        attempt += 1;
    }
}

/// The id an article was read under before reading disambiguated it (the
/// id itself when it was not), so that where it goes does not depend on
/// what else the same read held.
fn base_id(article: &Article) -> &str {
    let id = article.id.as_str();
    if let Some((base, _)) = id.rsplit_once('~') {
        for attempt in 0..4 {
            if crate::extract::article::disambiguated(base, &article.text, attempt) == id {
                return base;
            }
        }
    }
    id
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
    /// The id the article is stored under.
    id: String,
    extraction: &'a Extraction,
    /// What the articles of this call share.
    call: &'a mut CallState,
    article_node: NodeId,
    /// Local ids of this record to entities (`call.entities` gives their nodes).
    local: HashMap<String, usize>,
    /// The first mention of each local id, where facts about the entity
    /// that name no sentence of their own (its country) were read.
    first_mention: HashMap<String, Mention>,
    /// Each node's `MENTIONED_IN` this article (two records can resolve to
    /// one node).
    mentioned: HashMap<NodeId, RelId>,
}

impl<'a> ArticleIngest<'a> {
    fn new(
        graph: &'a mut Graph,
        article: &'a Article,
        id: String,
        extraction: &'a Extraction,
        call: &'a mut CallState,
    ) -> Result<ArticleIngest<'a>, GraphError> {
        let mut properties = BTreeMap::new();
        properties.insert("id".to_string(), Value::from(id.as_str()));
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
        graph.set_source_sentences(article_node, extraction.sentences.clone())?;
        Ok(ArticleIngest {
            graph,
            article,
            id,
            extraction,
            call,
            article_node,
            local: HashMap::new(),
            first_mention: HashMap::new(),
            mentioned: HashMap::new(),
        })
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
                let mention = self.first_mention.get(&place.id).copied();
                self.link_local(&place.id, parent, "LOCATED_IN", mention)?;
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
            let mention = self.first_mention.get(&institution.id).copied();
            if let Some(parent) = &institution.part_of {
                self.link_local(&institution.id, parent, "PART_OF", mention)?;
            }
            if let Some(country) = &institution.country {
                let place = self.country_place(country)?;
                if let Some(node) = self.local_node(&institution.id) {
                    self.link_once(node, place, "LOCATED_IN", mention.as_ref())?;
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
        let known = self.call.known.get(&known_key).copied();
        let entity = self.resolve_entity(kind, keys, known, name, &properties)?;
        self.call.known.insert(known_key, entity);
        let node = self.call.entities.node(entity);
        merge::adopt_names(self.graph, node, kind, name, aliases)?;
        for (key, value) in properties {
            let missing = self
                .graph
                .node(node)
                .is_some_and(|n| n.property(&key).is_none());
            if missing {
                self.graph.set_node_property(node, &key, value)?;
            }
        }
        self.local.insert(id.to_string(), entity);
        if let Some(&first) = mentions.first() {
            self.first_mention.entry(id.to_string()).or_insert(first);
        }
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
        let (entity, gone) = self
            .call
            .entities
            .resolve(self.graph, keys, known, |graph| {
                let mut props = properties.clone();
                props.insert("name".to_string(), Value::from(name));
                graph.add_node([kind.label()], props)
            })?;
        if !gone.is_empty() {
            // joining moved relationships (new ids) and roles: what was
            // found before is found again
            self.call.facts.clear();
            self.call.roles.clear();
            for node in &gone {
                self.mentioned.remove(node);
            }
            let kept = self.call.entities.node(entity);
            self.mentioned.remove(&kept);
            if let Some(rel) = self.graph.find_rel(kept, self.article_node, "MENTIONED_IN") {
                self.mentioned.insert(kept, rel);
            }
        }
        Ok(entity)
    }

    /// The node a local id of this record names (joins followed).
    fn local_node(&self, id: &str) -> Option<NodeId> {
        self.local
            .get(id)
            .map(|&entity| self.call.entities.node(entity))
    }

    /// Where a fact was read: the mention's sentence and span in this
    /// article, or the article as a whole when no mention is known.
    fn provenance(&self, mention: Option<&Mention>) -> Provenance {
        match mention {
            Some(m) => Provenance {
                source: self.article_node,
                sentence: m.sentence,
                start: m.start,
                end: m.end,
            },
            None => Provenance::of_source(self.article_node),
        }
    }

    /// Links a node to this article with its mentions as provenance.
    fn mentioned_in(&mut self, node: NodeId, mentions: &[Mention]) -> Result<(), GraphError> {
        let mut mentions = mentions.iter();
        let rel = match self.mentioned.get(&node) {
            Some(&rel) => rel,
            None => {
                let first = self.provenance(mentions.next());
                let rel = self
                    .graph
                    .add_fact(node, self.article_node, "MENTIONED_IN", first)?;
                self.mentioned.insert(node, rel);
                rel
            }
        };
        for mention in mentions {
            let provenance = self.provenance(Some(mention));
            self.graph.add_rel_provenance(rel, provenance)?;
        }
        Ok(())
    }

    /// The one relationship of a type between two nodes, made when missing;
    /// either way it gains this mention as provenance.
    fn link_once(
        &mut self,
        start: NodeId,
        end: NodeId,
        rel_type: &'static str,
        mention: Option<&Mention>,
    ) -> Result<RelId, GraphError> {
        let provenance = self.provenance(mention);
        let key = (start, end, rel_type);
        let cached = self
            .call
            .facts
            .get(&key)
            .copied()
            .filter(|&rel| self.graph.endpoints(rel) == Some((start, end)));
        let existing = cached.or_else(|| self.graph.find_rel(start, end, rel_type));
        let rel = match existing {
            Some(rel) => {
                self.graph.add_rel_provenance(rel, provenance)?;
                rel
            }
            None => self.graph.add_fact(start, end, rel_type, provenance)?,
        };
        self.call.facts.insert(key, rel);
        Ok(rel)
    }

    fn link_local(
        &mut self,
        from: &str,
        to: &str,
        rel_type: &'static str,
        mention: Option<Mention>,
    ) -> Result<(), GraphError> {
        if let (Some(start), Some(end)) = (self.local_node(from), self.local_node(to)) {
            if start != end {
                self.link_once(start, end, rel_type, mention.as_ref())?;
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
        let node = self.call.entities.node(entity);
        merge::adopt_names(self.graph, node, Kind::Place, country, &[])?;
        Ok(node)
    }

    fn role(&mut self, role: &crate::extract::record::RoleRecord) -> Result<(), GraphError> {
        let Some(person) = self.local_node(&role.person) else {
            return Ok(());
        };
        let institution = role.institution.as_ref().and_then(|id| self.local_node(id));
        let role_node = self.role_node(&role.title, institution, role.evidence.as_ref())?;
        // one HOLDS per article stating it: its `as_of` dates the post
        let provenance = self.provenance(role.evidence.as_ref());
        let rel = self
            .graph
            .add_fact(person, role_node, "HOLDS", provenance)?;
        if let Some(date) = self.article.date {
            self.graph
                .set_rel_property(rel, "as_of", Value::Date(date))?;
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
        mention: Option<&Mention>,
    ) -> Result<NodeId, GraphError> {
        let key = (crate::graph::fold(title), institution);
        let cached = self
            .call
            .roles
            .get(&key)
            .copied()
            .filter(|&node| self.graph.has_label(node, "Role"));
        let existing = cached.or_else(|| {
            self.graph
                .nodes_by_folded_name(title)
                .into_iter()
                .find(|&node| {
                    self.graph.has_label(node, "Role") && self.role_institution(node) == institution
                })
        });
        let node = match existing {
            Some(node) => node,
            None => {
                let mut props = BTreeMap::new();
                props.insert("title".to_string(), Value::from(title));
                self.graph.add_node(["Role"], props)
            }
        };
        self.call.roles.insert(key, node);
        if let Some(institution) = institution {
            self.link_once(node, institution, "OF", mention)?;
        }
        Ok(node)
    }

    fn role_institution(&self, role: NodeId) -> Option<NodeId> {
        self.graph
            .edges(role, Direction::Outgoing)
            .filter(|a| self.graph.rel(a.rel).is_some_and(|r| r.rel_type() == "OF"))
            .map(|a| a.end)
            .min()
    }

    fn event(&mut self, event: &crate::extract::record::EventRecord) -> Result<(), GraphError> {
        let mut props = BTreeMap::new();
        props.insert("type".to_string(), Value::from(event.event_type.as_str()));
        // Event ids from `extract_all` already name their article
        // (`a:e1`); ids from elsewhere (`e1`) are made unique across
        // articles here, with the id the article is stored under.
        let local = event
            .id
            .strip_prefix(self.article.id.as_str())
            .and_then(|rest| rest.strip_prefix(':'))
            .unwrap_or(&event.id);
        let id = format!("{}:{local}", self.id);
        props.insert("id".to_string(), Value::from(id));
        if let Some(date) = event.date.as_deref().and_then(crate::graph::Date::parse) {
            props.insert("date".to_string(), Value::Date(date));
        }
        if let Some(trigger) = &event.trigger {
            props.insert("trigger".to_string(), Value::from(trigger.as_str()));
        }
        let node = self.graph.add_node(["Event"], props);
        let mention = event.evidence.as_ref();
        let provenance = self.provenance(mention);
        self.graph.add_node_provenance(node, provenance)?;
        for participant in &event.participants {
            if let Some(who) = self.local_node(participant) {
                self.link_once(who, node, "PARTICIPATED_IN", mention)?;
            }
        }
        if let Some(place) = event.place.as_ref().and_then(|id| self.local_node(id)) {
            self.link_once(node, place, "TOOK_PLACE_IN", mention)?;
        }
        self.link_once(node, self.article_node, "MENTIONED_IN", mention)?;
        Ok(())
    }
}
