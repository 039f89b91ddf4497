//! What Tab offers at the cursor: keywords and functions, labels after `:`
//! inside `(…)`, relationship types inside `[…]`, property keys after `.`,
//! parameters after `$`, meta-commands after a leading `:`, file names after
//! `:source`/`:open`/`:ingest`/`:save`/`:export`/`:dot`, and entity names
//! inside a quote or after `:who`/`:around`/`:path`/`:find`, matched folded
//! (`phung` finds `Phùng Sĩ Tấn`).

use crate::graph::{fold, Graph};
use crate::session::help::COMMANDS;
use crate::session::lex::{self, TokenKind};

pub const KEYWORDS: &[&str] = &[
    "MATCH",
    "OPTIONAL",
    "WHERE",
    "WITH",
    "UNWIND",
    "RETURN",
    "DISTINCT",
    "ORDER",
    "BY",
    "ASC",
    "ASCENDING",
    "DESC",
    "DESCENDING",
    "SKIP",
    "LIMIT",
    "UNION",
    "ALL",
    "CREATE",
    "MERGE",
    "ON",
    "SET",
    "REMOVE",
    "DELETE",
    "DETACH",
    "AS",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IN",
    "STARTS",
    "ENDS",
    "CONTAINS",
    "IS",
    "NULL",
    "TRUE",
    "FALSE",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "EXISTS",
];

pub const FUNCTIONS: &[&str] = &[
    "abs",
    "allShortestPaths",
    "avg",
    "ceil",
    "coalesce",
    "collect",
    "count",
    "date",
    "endNode",
    "evidence",
    "exists",
    "floor",
    "fold",
    "head",
    "id",
    "keys",
    "labels",
    "last",
    "left",
    "length",
    "lower",
    "ltrim",
    "max",
    "min",
    "nodes",
    "properties",
    "range",
    "relationships",
    "replace",
    "reverse",
    "right",
    "round",
    "rtrim",
    "shortestPath",
    "sign",
    "size",
    "split",
    "sqrt",
    "startNode",
    "substring",
    "sum",
    "tail",
    "toBoolean",
    "toFloat",
    "toInteger",
    "toLower",
    "toString",
    "toUpper",
    "trim",
    "type",
    "upper",
];

/// Commands whose argument is a file name.
const FILE_COMMANDS: &[&str] = &["source", "open", "ingest", "save", "export", "dot"];
/// Commands whose argument is an entity name.
const NAME_COMMANDS: &[&str] = &["who", "around", "path", "find"];

/// What the completion replaces and with what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset where the replaced text starts.
    pub start: usize,
    pub candidates: Vec<String>,
}

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    Command,
    File,
    /// An entity name, typed so far from `start` (after any quote); the
    /// quote to close it with, if it was opened with one.
    Name {
        quote: Option<char>,
    },
    Label,
    Type,
    Key,
    Param,
    Word,
}

/// The context of the word ending at `pos` and the offset it starts at.
pub fn context(line: &str, pos: usize) -> (Context, usize) {
    let before = &line[..pos];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(pos, |(i, _)| i);
    let trimmed = before.trim_start();
    if let Some(command) = trimmed.strip_prefix(':') {
        return match command.split_once(char::is_whitespace) {
            None => (Context::Command, word_start),
            Some((name, rest)) if FILE_COMMANDS.contains(&name) => {
                // the file name is the last word typed
                let start = pos - rest.len() + rest.rfind(' ').map_or(0, |i| i + 1);
                (Context::File, start.max(pos - rest.len()))
            }
            Some((name, rest)) if NAME_COMMANDS.contains(&name) => {
                let rest_start = pos - rest.len();
                let quote = rest
                    .rfind(['\'', '"'])
                    .filter(|&i| rest[i + 1..].find(['\'', '"']).is_none())
                    .filter(|&i| rest[..i].matches(['\'', '"']).count() % 2 == 0);
                match quote {
                    Some(i) => (
                        Context::Name {
                            quote: rest[i..].chars().next(),
                        },
                        rest_start + i + 1,
                    ),
                    // a bare name runs from the command word to the cursor
                    None => (
                        Context::Name { quote: None },
                        rest_start + (rest.len() - rest.trim_start().len()),
                    ),
                }
            }
            Some(_) => (Context::Word, word_start),
        };
    }
    let tokens = lex::tokens(before);
    if let Some(last) = tokens.last() {
        let text = last.text(before);
        let open_string = last.kind == TokenKind::String
            && (text.len() == 1 || !text.ends_with(text.chars().next().unwrap_or('\'')));
        if open_string {
            return (
                Context::Name {
                    quote: text.chars().next(),
                },
                last.start + 1,
            );
        }
    }
    let prefix_char = before[..word_start].chars().next_back();
    let context = match prefix_char {
        Some('$') => Context::Param,
        Some('.') => Context::Key,
        Some(':') | Some('|') => match innermost_bracket(&before[..word_start]) {
            Some('[') => Context::Type,
            Some('{') => Context::Word,
            _ => Context::Label,
        },
        _ => Context::Word,
    };
    (context, word_start)
}

fn innermost_bracket(text: &str) -> Option<char> {
    let mut stack = Vec::new();
    for token in lex::tokens(text) {
        if token.kind != TokenKind::Punct {
            continue;
        }
        match token.text(text) {
            "(" => stack.push('('),
            "[" => stack.push('['),
            "{" => stack.push('{'),
            ")" | "]" | "}" => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().copied()
}

fn matching<'a>(prefix: &str, options: impl Iterator<Item = &'a str>) -> Vec<String> {
    let lower = prefix.to_lowercase();
    let mut out: Vec<String> = options
        .filter(|o| o.to_lowercase().starts_with(&lower))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Entity names (`name`, `title`, `aliases`) whose folded form starts with
/// the folded `typed`, then those with a word that does; at most `limit`.
pub fn entity_names(graph: &Graph, typed: &str, limit: usize) -> Vec<String> {
    let want = fold(typed);
    let mut whole = Vec::new();
    let mut word = Vec::new();
    for id in graph.node_ids() {
        let Some(node) = graph.node(id) else { continue };
        let mut names = Vec::new();
        for key in ["name", "title"] {
            if let Some(crate::graph::Value::String(s)) = node.property(key).as_deref() {
                names.push(s.clone());
            }
        }
        if let Some(crate::graph::Value::List(aliases)) = node.property("aliases").as_deref() {
            for alias in aliases {
                if let crate::graph::Value::String(s) = alias {
                    names.push(s.clone());
                }
            }
        }
        for name in names {
            let folded = fold(&name);
            if folded.starts_with(&want) {
                whole.push(name);
            } else if !want.is_empty() && folded.split_whitespace().any(|w| w.starts_with(&want)) {
                word.push(name);
            }
        }
    }
    whole.sort();
    whole.dedup();
    word.sort();
    word.dedup();
    word.retain(|w| !whole.contains(w));
    whole.extend(word);
    whole.truncate(limit);
    whole
}

/// Candidates at `pos`, except file names (the caller's file completer
/// handles `Context::File`).
pub fn complete(line: &str, pos: usize, graph: &Graph, params: &[String]) -> (Context, Completion) {
    let (context, start) = context(line, pos);
    let typed = &line[start..pos];
    let candidates = match &context {
        Context::Command => matching(typed, COMMANDS.iter().map(|(n, ..)| *n)),
        Context::File => Vec::new(),
        Context::Name { quote } => entity_names(graph, typed, 50)
            .into_iter()
            .map(|name| match quote {
                Some(q) => format!("{name}{q}"),
                None => name,
            })
            .collect(),
        Context::Label => matching(typed, graph.label_names()),
        Context::Type => matching(typed, graph.type_names()),
        Context::Key => {
            let mut keys: Vec<&str> = graph.key_names().collect();
            if let Some(p) = &graph.schema().provenance {
                keys.extend([p.source.as_str(), p.sentence.as_str(), p.evidence.as_str()]);
            }
            matching(typed, keys.into_iter())
        }
        Context::Param => matching(typed, params.iter().map(String::as_str)),
        Context::Word => {
            let upper = typed.chars().next().is_some_and(char::is_uppercase) || typed.is_empty();
            let mut out: Vec<String> = KEYWORDS
                .iter()
                .filter(|k| k.to_lowercase().starts_with(&typed.to_lowercase()))
                .map(|k| {
                    if upper {
                        k.to_string()
                    } else {
                        k.to_lowercase()
                    }
                })
                .collect();
            out.extend(
                matching(typed, FUNCTIONS.iter().copied())
                    .into_iter()
                    .map(|f| format!("{f}(")),
            );
            if typed.is_empty() {
                out.clear();
            }
            out
        }
    };
    (context, Completion { start, candidates })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::graph::Value;

    fn graph() -> Graph {
        let mut g = Graph::new();
        let mut props = BTreeMap::new();
        props.insert("name".to_string(), Value::from("Phùng Sĩ Tấn"));
        let a = g.add_node(["Person"], props);
        let mut props = BTreeMap::new();
        props.insert("title".to_string(), Value::from("Deputy Minister"));
        let b = g.add_node(["Role"], props);
        g.add_rel(a, b, "HOLDS", BTreeMap::new()).unwrap();
        g
    }

    fn candidates(line: &str) -> Vec<String> {
        complete(line, line.len(), &graph(), &["name".to_string()])
            .1
            .candidates
    }

    #[test]
    fn labels_types_keys_and_keywords() {
        assert_eq!(candidates("MATCH (p:Pe"), ["Person"]);
        assert_eq!(candidates("MATCH (p)-[:H"), ["HOLDS"]);
        assert_eq!(candidates("MATCH (p) RETURN p.ti"), ["title"]);
        assert_eq!(candidates("MATCH (p) RET"), ["RETURN"]);
        assert_eq!(candidates("match (p) ret"), ["return"]);
        assert_eq!(candidates("RETURN coal"), ["coalesce("]);
        assert_eq!(candidates("RETURN $na"), ["name"]);
        assert_eq!(candidates(":sch"), ["schema"]);
    }

    #[test]
    fn names_inside_quotes_are_matched_folded() {
        assert_eq!(candidates("MATCH (p {name: 'phung"), ["Phùng Sĩ Tấn'"]);
        assert_eq!(candidates("MATCH (p {name: \"Phù"), ["Phùng Sĩ Tấn\""]);
        assert_eq!(candidates("MATCH (p {name: 'tan"), ["Phùng Sĩ Tấn'"]);
        assert_eq!(candidates(":who phu"), ["Phùng Sĩ Tấn"]);
        assert_eq!(
            candidates(":path 'phung sĩ tấn' 'dep"),
            ["Deputy Minister'"]
        );
        let (_, c) = complete("MATCH (p {name: 'phu", 20, &graph(), &[]);
        assert_eq!(c.start, "MATCH (p {name: '".len());
    }

    #[test]
    fn file_names_after_file_commands() {
        assert_eq!(context(":source da", 10), (Context::File, 8));
        assert_eq!(context(":open x.graph", 13).0, Context::File);
    }
}
