//! The shell's exploring commands (`:schema`, `:find`, `:who`, `:path`,
//! `:around`, `:why`), written as Cypher run through the session, so they
//! print in the current format and take the same locks as any statement.

use std::collections::BTreeSet;
use std::io::Write;

use super::{output_error, Changes, Location, Session};
use crate::cypher::Params;
use crate::error::{Error, Result};
use crate::graph::{fold, Graph, NodeId, Value};
use crate::table::{Item, Table};

/// Whether any element of the graph may hold `key` (interned keys and the
/// names provenance reads under).
pub(super) fn key_exists(graph: &Graph, key: &str) -> bool {
    if graph.key_names().any(|k| k == key) {
        return true;
    }
    graph.schema().provenance.as_ref().is_some_and(|p| {
        [&p.source, &p.sentence, &p.evidence, &p.sentences, &p.count]
            .iter()
            .any(|k| k.as_str() == key)
    })
}

const FIND: &str = "MATCH (n) WHERE n.name IS NOT NULL OR n.title IS NOT NULL \
WITH n, fold(coalesce(n.name, n.title)) AS folded, \
  [a IN coalesce(n.aliases, []) | fold(a)] AS aliases \
WHERE all(w IN $words WHERE folded CONTAINS w OR any(a IN aliases WHERE a CONTAINS w)) \
RETURN labels(n)[0] AS kind, coalesce(n.name, n.title) AS name, id(n) AS id \
ORDER BY size(name), name LIMIT 25";

const WHO_ROLES: &str = "MATCH (p) WHERE id(p) = $id \
MATCH (p)-[h:HOLDS]->(r:Role) OPTIONAL MATCH (r)-[:OF]->(i:Institution) \
RETURN r.title AS role, i.name AS institution, h.as_of AS as_of, h.article AS article, h.evidence AS evidence \
ORDER BY as_of, role";

const WHO_EVENTS: &str = "MATCH (p) WHERE id(p) = $id \
MATCH (p)-[x:PARTICIPATED_IN]->(e:Event) OPTIONAL MATCH (e)-[:TOOK_PLACE_IN]->(pl:Place) \
RETURN e.type AS event, e.date AS date, pl.name AS place, x.article AS article, x.evidence AS evidence \
ORDER BY date, event";

const WHO_ARTICLES: &str = "MATCH (p) WHERE id(p) = $id \
MATCH (p)-[m:MENTIONED_IN]->(a:Article) \
RETURN a.id AS article, a.date AS date, a.title AS title, m.count AS mentions \
ORDER BY date, article";

const DISPLAY_NAME: &str = "coalesce(b.name, b.title, b.type, b.id)";

impl Session {
    /// Runs one of the commands' queries and prints its result.
    fn command_query(
        &mut self,
        query: &str,
        params: Params,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<Table> {
        let at = Location::whole("command", query);
        let (table, elapsed, changes) = self.query(query, &params, at, err)?;
        self.show(&table, Some(elapsed), &changes, out, err)?;
        Ok(table)
    }

    /// Runs a query without printing it.
    fn quiet_query(&mut self, query: &str, params: Params, err: &mut dyn Write) -> Result<Table> {
        let at = Location::whole("command", query);
        Ok(self.query(query, &params, at, err)?.0)
    }

    fn heading(&self, text: &str, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
        let to: &mut dyn Write = if self.format.is_data() { err } else { out };
        writeln!(to, "{text}").map_err(output_error)
    }

    pub(super) fn schema(&mut self, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
        let mut table = Table {
            columns: vec!["kind".into(), "name".into(), "count".into()],
            rows: Vec::new(),
        };
        for (label, count) in self.graph.label_counts() {
            table.rows.push(vec![
                Item::String("label".into()),
                Item::String(label),
                Item::Int(count as i64),
            ]);
        }
        for (rel_type, count) in self.graph.type_counts() {
            table.rows.push(vec![
                Item::String("relationship type".into()),
                Item::String(rel_type),
                Item::Int(count as i64),
            ]);
        }
        let keys = self.quiet_query(
            "MATCH (n) UNWIND keys(n) AS key RETURN 'node key' AS kind, key, count(*) AS count \
             UNION ALL MATCH ()-[r]->() UNWIND keys(r) AS key \
             RETURN 'relationship key' AS kind, key, count(*) AS count",
            Params::new(),
            err,
        )?;
        let mut key_rows = keys.rows;
        key_rows.sort_by_key(|row| {
            row.iter()
                .take(2)
                .map(crate::table::render_cypher)
                .collect::<Vec<_>>()
        });
        table.rows.extend(key_rows);
        self.show(&table, None, &Changes::default(), out, err)
    }

    pub(super) fn find(
        &mut self,
        text: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let words = fold_words(text);
        self.command_query(FIND, words_param(words), out, err)?;
        Ok(())
    }

    /// The node a name stands for: its folded name, title or alias, else
    /// the one entity `:find` gives. Of several with one name, the one with
    /// most relationships.
    fn resolve(&mut self, name: &str, err: &mut dyn Write) -> Result<NodeId> {
        let exact = self.graph.nodes_by_folded_name(name);
        if let Some(best) = exact
            .iter()
            .copied()
            .max_by_key(|&id| (self.graph.degree(id), std::cmp::Reverse(id)))
        {
            return Ok(best);
        }
        let found = self.quiet_query(FIND, words_param(fold_words(name)), err)?;
        let ids: Vec<(String, NodeId)> = found
            .rows
            .iter()
            .filter_map(|row| match (row.get(1), row.get(2)) {
                (Some(Item::String(n)), Some(Item::Int(id))) => {
                    u32::try_from(*id).ok().map(|id| (n.clone(), NodeId(id)))
                }
                _ => None,
            })
            .collect();
        match ids.as_slice() {
            [(_, id)] => Ok(*id),
            [] => Err(Error::Usage(format!("no entity is named like `{name}`"))),
            many => {
                let names: BTreeSet<&str> = many.iter().map(|(n, _)| n.as_str()).take(8).collect();
                Err(Error::Usage(format!(
                    "`{name}` could be any of: {}",
                    names.into_iter().collect::<Vec<_>>().join(", ")
                )))
            }
        }
    }

    fn describe(&self, id: NodeId) -> String {
        let Some(node) = self.graph.node(id) else {
            return format!("node {}", id.0);
        };
        let name = ["name", "title", "type", "id"]
            .iter()
            .find_map(|k| node.property(k).map(|v| display_value(&v)))
            .unwrap_or_else(|| format!("node {}", id.0));
        let labels: String = node.labels().iter().map(|l| format!(":{l}")).collect();
        // An event is known by its type and date (`meeting 2025-08-18`).
        let date = node
            .property("date")
            .filter(|_| node.property("name").is_none())
            .map(|d| format!(" {}", display_value(&d)))
            .unwrap_or_default();
        format!("{name}{date} ({labels})")
    }

    pub(super) fn who(
        &mut self,
        name: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let id = self.resolve(name, err)?;
        let mut title = self.describe(id);
        if let Some(rank) = self
            .graph
            .node(id)
            .and_then(|n| n.property("rank").map(|v| display_value(&v)))
        {
            title.push_str(&format!(", {rank}"));
        }
        self.heading(&title, out, err)?;
        for (heading, query) in [
            ("Roles", WHO_ROLES),
            ("Events", WHO_EVENTS),
            ("Articles", WHO_ARTICLES),
        ] {
            self.heading(&format!("\n{heading}:"), out, err)?;
            self.command_query(query, id_param("id", id), out, err)?;
        }
        Ok(())
    }

    pub(super) fn path_between(
        &mut self,
        from: &str,
        to: &str,
        articles: bool,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let a = self.resolve(from, err)?;
        let b = self.resolve(to, err)?;
        let types = if articles {
            String::new()
        } else {
            let types: Vec<String> = self
                .graph
                .type_counts()
                .into_iter()
                .map(|(t, _)| t)
                .filter(|t| t != "MENTIONED_IN")
                .map(|t| format!("`{}`", t.replace('`', "``")))
                .collect();
            format!(":{}", types.join("|"))
        };
        let query = format!(
            "MATCH (a) WHERE id(a) = $a MATCH (b) WHERE id(b) = $b \
             MATCH p = shortestPath((a)-[{types}*..{}]-(b)) RETURN p",
            self.options.max_hops
        );
        let mut params = id_param("a", a);
        params.extend(id_param("b", b));
        let result = self.quiet_query(&query, params, err)?;
        let Some(Item::Path(path)) = result.rows.first().and_then(|r| r.first()) else {
            return Err(Error::Usage(format!(
                "no connection between {} and {} within {} hops",
                self.describe(a),
                self.describe(b),
                self.options.max_hops
            )));
        };
        let mut steps = Table {
            columns: vec!["step".into(), "via".into(), "to".into()],
            rows: Vec::new(),
        };
        for (i, node) in path.nodes.iter().enumerate() {
            let via = match i.checked_sub(1).and_then(|r| path.rels.get(r)) {
                None => String::new(),
                Some(rel) if rel.end == node.id => format!("-[:{}]->", rel.rel_type),
                Some(rel) => format!("<-[:{}]-", rel.rel_type),
            };
            steps.rows.push(vec![
                Item::Int(i as i64),
                Item::String(via),
                Item::String(self.describe(node.id)),
            ]);
        }
        self.show(&steps, None, &Changes::default(), out, err)?;
        self.last = Some(result);
        Ok(())
    }

    pub(super) fn around(
        &mut self,
        name: &str,
        hops: u32,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let id = self.resolve(name, err)?;
        self.heading(&self.describe(id), out, err)?;
        let query = if hops == 1 {
            format!(
                "MATCH (a) WHERE id(a) = $id MATCH (a)-[r]-(b) \
                 RETURN CASE WHEN id(startNode(r)) = $id THEN '-[:' + type(r) + ']->' \
                 ELSE '<-[:' + type(r) + ']-' END AS via, labels(b)[0] AS kind, {DISPLAY_NAME} AS name \
                 ORDER BY via, kind, name LIMIT 500"
            )
        } else {
            format!(
                "MATCH (a) WHERE id(a) = $id MATCH p = (a)-[*1..{hops}]-(b) WHERE b <> a \
                 WITH b, min(length(p)) AS hops \
                 RETURN hops, labels(b)[0] AS kind, {DISPLAY_NAME} AS name \
                 ORDER BY hops, kind, name LIMIT 500"
            )
        };
        self.command_query(&query, id_param("id", id), out, err)?;
        Ok(())
    }

    pub(super) fn why(&mut self, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
        let Some(last) = self.last.clone() else {
            return Err(Error::Usage(
                ":why explains the last result; run a query first".into(),
            ));
        };
        let mut nodes = BTreeSet::new();
        let mut rels = BTreeSet::new();
        for item in last.rows.iter().flatten() {
            collect_elements(item, &mut nodes, &mut rels);
        }
        if nodes.is_empty() && rels.is_empty() {
            return Err(Error::Usage(
                "the last result holds no nodes or relationships (return them, e.g. RETURN p, h)"
                    .into(),
            ));
        }
        let list = |ids: &BTreeSet<u32>| {
            Value::List(
                ids.iter()
                    .take(200)
                    .map(|&i| Value::Int(i64::from(i)))
                    .collect(),
            )
        };
        if !rels.is_empty() {
            let mut params = Params::new();
            params.insert("rels".into(), list(&rels));
            self.command_query(
                "MATCH (a)-[r]->(b) WHERE id(r) IN $rels UNWIND evidence(r) AS e \
                 RETURN coalesce(a.name, a.title, a.type, a.id) + ' -[:' + type(r) + ']-> ' + \
                 coalesce(b.name, b.title, b.type, b.id) AS fact, \
                 e.article AS article, e.sentence AS sentence, e.text AS evidence \
                 ORDER BY fact, article, sentence LIMIT 500",
                params,
                out,
                err,
            )?;
        }
        if !nodes.is_empty() {
            let mut params = Params::new();
            params.insert("nodes".into(), list(&nodes));
            self.command_query(
                "MATCH (n) WHERE id(n) IN $nodes \
                 OPTIONAL MATCH (n)-[m:MENTIONED_IN]->() \
                 WITH n, evidence(n) + CASE WHEN m IS NULL THEN [] ELSE evidence(m) END AS es \
                 UNWIND es AS e \
                 RETURN coalesce(n.name, n.title, n.type, n.id) AS element, \
                 e.article AS article, e.sentence AS sentence, e.text AS evidence \
                 ORDER BY element, article, sentence LIMIT 500",
                params,
                out,
                err,
            )?;
        }
        self.last = Some(last);
        Ok(())
    }
}

fn collect_elements(item: &Item, nodes: &mut BTreeSet<u32>, rels: &mut BTreeSet<u32>) {
    match item {
        Item::Node(n) => {
            nodes.insert(n.id.0);
        }
        Item::Rel(r) => {
            rels.insert(r.id.0);
        }
        Item::Path(p) => {
            rels.extend(p.rels.iter().map(|r| r.id.0));
        }
        Item::List(items) => items.iter().for_each(|i| collect_elements(i, nodes, rels)),
        Item::Map(map) => map.values().for_each(|i| collect_elements(i, nodes, rels)),
        _ => {}
    }
}

fn display_value(value: &Value) -> String {
    crate::table::render_cypher(&Item::from(value))
}

fn fold_words(text: &str) -> Vec<String> {
    fold(text).split_whitespace().map(str::to_string).collect()
}

fn words_param(words: Vec<String>) -> Params {
    let mut params = Params::new();
    params.insert(
        "words".into(),
        Value::List(words.into_iter().map(Value::String).collect()),
    );
    params
}

fn id_param(name: &str, id: NodeId) -> Params {
    let mut params = Params::new();
    params.insert(name.into(), Value::Int(i64::from(id.0)));
    params
}
