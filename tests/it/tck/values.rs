//! The TCK value notation (`1`, `1.0`, `'s'`, `[..]`, `{k: v}`, nodes
//! `(:L {p: 1})`, relationships `[:T {p: 1}]`, paths `<(a)-[:T]->(b)>`),
//! parsed into `Expected` and compared with the engine's `Item`s.
//!
//! Comparison follows the TCK: nodes by label set and properties,
//! relationships by type and properties (never by identity), paths hop by
//! hop with direction, `1` and `1.0` different, `NaN` equal to `NaN` (a
//! result cell is a value to compare, not a Cypher `=`), lists ordered unless
//! the step says to ignore element order.

use std::collections::{BTreeMap, BTreeSet};

use kg::graph::Value;
use kg::table::{Item, NodeItem, PathItem, RelItem};

/// A value as written in a TCK table.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Expected>),
    Map(BTreeMap<String, Expected>),
    Node(NodePattern),
    Rel(RelPattern),
    Path(PathPattern),
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    pub labels: BTreeSet<String>,
    pub properties: BTreeMap<String, Expected>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    pub rel_type: String,
    pub properties: BTreeMap<String, Expected>,
}

/// `start`, then each hop: the relationship, whether it points forward
/// (`-[..]->`) and the node it reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct PathPattern {
    pub start: NodePattern,
    pub hops: Vec<(RelPattern, bool, NodePattern)>,
}

/// Parses one table cell (already unescaped by the Gherkin reader).
pub fn parse(text: &str) -> Result<Expected, String> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    let value = parser.value()?;
    parser.skip_ws();
    if parser.pos != parser.chars.len() {
        return Err(format!(
            "unexpected `{}` at {} in `{text}`",
            parser.rest(),
            parser.pos
        ));
    }
    Ok(value)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn rest(&self) -> String {
        self.chars[self.pos.min(self.chars.len())..]
            .iter()
            .take(20)
            .collect()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!(
                "expected `{c}` at {}, found `{}`",
                self.pos,
                self.rest()
            ))
        }
    }

    fn starts_with(&self, word: &str) -> bool {
        let word: Vec<char> = word.chars().collect();
        self.chars.get(self.pos..self.pos + word.len()) == Some(&word[..])
    }

    fn value(&mut self) -> Result<Expected, String> {
        self.skip_ws();
        match self.peek() {
            None => Err("empty value".to_string()),
            Some('\'') => self.string().map(Expected::String),
            Some('[') => self.list_or_rel(),
            Some('{') => self.map().map(Expected::Map),
            Some('(') => self.node().map(Expected::Node),
            Some('<') => self.path().map(Expected::Path),
            Some(_) => self.scalar(),
        }
    }

    fn scalar(&mut self) -> Result<Expected, String> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
        {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        match word.as_str() {
            "null" => return Ok(Expected::Null),
            "true" => return Ok(Expected::Bool(true)),
            "false" => return Ok(Expected::Bool(false)),
            "NaN" => return Ok(Expected::Float(f64::NAN)),
            "Inf" | "Infinity" => return Ok(Expected::Float(f64::INFINITY)),
            "-Inf" | "-Infinity" => return Ok(Expected::Float(f64::NEG_INFINITY)),
            _ => {}
        }
        let is_float = word.contains(['.', 'e', 'E']);
        if is_float {
            word.parse::<f64>()
                .map(Expected::Float)
                .map_err(|_| format!("bad float `{word}`"))
        } else {
            word.parse::<i64>()
                .map(Expected::Int)
                .map_err(|_| format!("bad value `{word}` before `{}`", self.rest()))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect('\'')?;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err("string never closed".to_string());
            };
            self.pos += 1;
            match c {
                '\'' => return Ok(out),
                '\\' => {
                    let Some(e) = self.peek() else {
                        return Err("dangling backslash".to_string());
                    };
                    self.pos += 1;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'u' => {
                            let hex: String = self.chars.iter().skip(self.pos).take(4).collect();
                            let code = u32::from_str_radix(&hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or(format!("bad \\u escape `{hex}`"))?;
                            self.pos += 4;
                            out.push(code);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
    }

    /// A map key or a label / type name: a plain identifier or a
    /// backtick-quoted one (possibly empty, as in `{``: 1}`).
    fn name(&mut self) -> Result<String, String> {
        self.skip_ws();
        if self.peek() == Some('`') {
            self.pos += 1;
            let mut out = String::new();
            loop {
                match self.peek() {
                    None => return Err("quoted name never closed".to_string()),
                    Some('`') if self.chars.get(self.pos + 1) == Some(&'`') => {
                        out.push('`');
                        self.pos += 2;
                    }
                    Some('`') => {
                        self.pos += 1;
                        return Ok(out);
                    }
                    Some(c) => {
                        out.push(c);
                        self.pos += 1;
                    }
                }
            }
        }
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(format!(
                "expected a name at {}, found `{}`",
                self.pos,
                self.rest()
            ));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    fn map(&mut self) -> Result<BTreeMap<String, Expected>, String> {
        self.expect('{')?;
        let mut map = BTreeMap::new();
        if self.eat('}') {
            return Ok(map);
        }
        loop {
            let key = self.name()?;
            self.expect(':')?;
            let value = self.value()?;
            if map.insert(key.clone(), value).is_some() {
                return Err(format!("duplicate key `{key}`"));
            }
            if self.eat('}') {
                return Ok(map);
            }
            self.expect(',')?;
        }
    }

    /// `[` starts a list, unless `[:` which is a relationship.
    fn list_or_rel(&mut self) -> Result<Expected, String> {
        let save = self.pos;
        self.expect('[')?;
        if self.eat(':') {
            self.pos = save;
            return self.rel().map(Expected::Rel);
        }
        let mut items = Vec::new();
        if self.eat(']') {
            return Ok(Expected::List(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(']') {
                return Ok(Expected::List(items));
            }
            self.expect(',')?;
        }
    }

    fn properties(&mut self) -> Result<BTreeMap<String, Expected>, String> {
        self.skip_ws();
        if self.peek() == Some('{') {
            self.map()
        } else {
            Ok(BTreeMap::new())
        }
    }

    fn node(&mut self) -> Result<NodePattern, String> {
        self.expect('(')?;
        let mut labels = BTreeSet::new();
        while self.eat(':') {
            labels.insert(self.name()?);
        }
        let properties = self.properties()?;
        self.expect(')')?;
        Ok(NodePattern { labels, properties })
    }

    fn rel(&mut self) -> Result<RelPattern, String> {
        self.expect('[')?;
        self.expect(':')?;
        let rel_type = self.name()?;
        let properties = self.properties()?;
        self.expect(']')?;
        Ok(RelPattern {
            rel_type,
            properties,
        })
    }

    fn path(&mut self) -> Result<PathPattern, String> {
        self.expect('<')?;
        let start = self.node()?;
        let mut hops = Vec::new();
        loop {
            self.skip_ws();
            if self.eat('>') {
                return Ok(PathPattern { start, hops });
            }
            let backward = self.starts_with("<-");
            if backward {
                self.pos += 2;
            } else {
                self.expect('-')?;
            }
            let rel = self.rel()?;
            self.skip_ws();
            let forward = if self.starts_with("->") {
                self.pos += 2;
                true
            } else {
                self.expect('-')?;
                false
            };
            if forward == backward {
                return Err("a path hop must have exactly one arrow".to_string());
            }
            let node = self.node()?;
            hops.push((rel, forward, node));
        }
    }
}

/// The property value for a `parameters are:` cell; `None` for a graph
/// element, which a parameter cannot hold.
pub fn to_value(expected: &Expected) -> Option<Value> {
    Some(match expected {
        Expected::Null => Value::Null,
        Expected::Bool(b) => Value::Bool(*b),
        Expected::Int(i) => Value::Int(*i),
        Expected::Float(f) => Value::Float(*f),
        Expected::String(s) => Value::String(s.clone()),
        Expected::List(items) => Value::List(items.iter().map(to_value).collect::<Option<_>>()?),
        Expected::Map(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Some((k.clone(), to_value(v)?)))
                .collect::<Option<_>>()?,
        ),
        Expected::Node(_) | Expected::Rel(_) | Expected::Path(_) => return None,
    })
}

/// Whether `got` is the value `expected` describes; with `lists_as_bags`,
/// list elements are compared as multisets at every depth.
pub fn matches(expected: &Expected, got: &Item, lists_as_bags: bool) -> bool {
    match (expected, got) {
        (Expected::Null, Item::Null) => true,
        (Expected::Bool(a), Item::Bool(b)) => a == b,
        (Expected::Int(a), Item::Int(b)) => a == b,
        (Expected::Float(a), Item::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
        (Expected::String(a), Item::String(b)) => a == b,
        (Expected::List(a), Item::List(b)) => {
            if lists_as_bags {
                bag_matches(a, b, |e, g| matches(e, g, true))
            } else {
                a.len() == b.len() && a.iter().zip(b).all(|(e, g)| matches(e, g, false))
            }
        }
        (Expected::Map(a), Item::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, e)| b.get(k).is_some_and(|g| matches(e, g, lists_as_bags)))
        }
        (Expected::Node(pattern), Item::Node(node)) => node_matches(pattern, node),
        (Expected::Rel(pattern), Item::Rel(rel)) => rel_matches(pattern, rel),
        (Expected::Path(pattern), Item::Path(path)) => path_matches(pattern, path),
        _ => false,
    }
}

/// Multiset equality under `eq`. `eq` is an equivalence, so taking the
/// first unused match for each expected element is exact.
pub fn bag_matches<E, G>(expected: &[E], got: &[G], eq: impl Fn(&E, &G) -> bool) -> bool {
    if expected.len() != got.len() {
        return false;
    }
    let mut used = vec![false; got.len()];
    expected.iter().all(|e| {
        let found = got
            .iter()
            .enumerate()
            .position(|(i, g)| !used[i] && eq(e, g));
        if let Some(i) = found {
            used[i] = true;
        }
        found.is_some()
    })
}

fn properties_match(expected: &BTreeMap<String, Expected>, got: &BTreeMap<String, Value>) -> bool {
    expected.len() == got.len()
        && expected.iter().all(|(k, e)| {
            got.get(k)
                .is_some_and(|g| matches(e, &Item::from(g), false))
        })
}

fn node_matches(pattern: &NodePattern, node: &NodeItem) -> bool {
    let labels: BTreeSet<&str> = node.labels.iter().map(String::as_str).collect();
    labels.len() == pattern.labels.len()
        && pattern.labels.iter().all(|l| labels.contains(l.as_str()))
        && properties_match(&pattern.properties, &node.properties)
}

fn rel_matches(pattern: &RelPattern, rel: &RelItem) -> bool {
    pattern.rel_type == rel.rel_type && properties_match(&pattern.properties, &rel.properties)
}

fn path_matches(pattern: &PathPattern, path: &PathItem) -> bool {
    if path.rels.len() != pattern.hops.len() || path.nodes.len() != path.rels.len() + 1 {
        return false;
    }
    if !node_matches(&pattern.start, &path.nodes[0]) {
        return false;
    }
    pattern
        .hops
        .iter()
        .enumerate()
        .all(|(i, (rel, forward, node))| {
            let got = &path.rels[i];
            let (from, to) = (path.nodes[i].id, path.nodes[i + 1].id);
            let direction_ok = if *forward {
                got.start == from && got.end == to
            } else {
                got.start == to && got.end == from
            };
            direction_ok && rel_matches(rel, got) && node_matches(node, &path.nodes[i + 1])
        })
}

/// An item in TCK notation, for failure reports (strings quoted at every level).
pub fn show(item: &Item) -> String {
    match item {
        Item::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        other => kg::table::render_cypher(other),
    }
}

#[test]
fn tck_values_parse_scalars() {
    assert_eq!(parse("null"), Ok(Expected::Null));
    assert_eq!(parse(" true "), Ok(Expected::Bool(true)));
    assert_eq!(parse("-1"), Ok(Expected::Int(-1)));
    assert_eq!(parse("1.0"), Ok(Expected::Float(1.0)));
    assert_eq!(parse("-0.0"), Ok(Expected::Float(-0.0)));
    assert_eq!(parse("1e308"), Ok(Expected::Float(1e308)));
    assert_eq!(
        parse("1.2635418652381264e305"),
        Ok(Expected::Float(1.2635418652381264e305))
    );
    assert_eq!(parse("-9223372036854775808"), Ok(Expected::Int(i64::MIN)));
    assert!(matches!(parse("NaN"), Ok(Expected::Float(f)) if f.is_nan()));
    assert_eq!(parse("-Inf"), Ok(Expected::Float(f64::NEG_INFINITY)));
    assert_eq!(parse(r"'\''"), Ok(Expected::String("'".into())));
    assert_eq!(
        parse(r#"'a\\bcn5t\'"\\//\\"\''"#),
        Ok(Expected::String(r#"a\bcn5t'"\//\"'"#.into()))
    );
    assert_eq!(parse("'\nFoo\n'"), Ok(Expected::String("\nFoo\n".into())));
    assert_eq!(parse("'a, b'"), Ok(Expected::String("a, b".into())));
    assert!(parse("").is_err());
    assert!(parse("1 2").is_err());
    assert!(parse("'open").is_err());
    assert!(parse("nul").is_err());
}

#[test]
fn tck_values_parse_structures() {
    assert_eq!(
        parse("[1, 'a', [2], []]"),
        Ok(Expected::List(vec![
            Expected::Int(1),
            Expected::String("a".into()),
            Expected::List(vec![Expected::Int(2)]),
            Expected::List(vec![]),
        ]))
    );
    let Ok(Expected::Map(map)) = parse("{k: 1, name: 'x', ``: null, `a b`: {}}") else {
        panic!("not a map");
    };
    assert_eq!(map.len(), 4);
    assert_eq!(map.get(""), Some(&Expected::Null));
    assert_eq!(map.get("a b"), Some(&Expected::Map(BTreeMap::new())));
    let Ok(Expected::Node(node)) = parse("(:L1:L2 {p: 0, q: 'string'})") else {
        panic!("not a node");
    };
    assert_eq!(node.labels.len(), 2);
    assert_eq!(
        node.properties.get("q"),
        Some(&Expected::String("string".into()))
    );
    assert!(matches!(parse("()"), Ok(Expected::Node(n)) if n.labels.is_empty()));
    assert!(matches!(parse("({name: 'A'})"), Ok(Expected::Node(n)) if n.properties.len() == 1));
    let Ok(Expected::Rel(rel)) = parse("[:T {p: 0}]") else {
        panic!("not a rel");
    };
    assert_eq!(rel.rel_type, "T");
    let Ok(Expected::Path(path)) = parse("<(:A {name: 'A'})-[:KNOWS]->(:B)<-[:T]-()>") else {
        panic!("not a path");
    };
    assert_eq!(path.hops.len(), 2);
    assert!(path.hops[0].1);
    assert!(!path.hops[1].1);
    assert!(matches!(parse("<()>"), Ok(Expected::Path(p)) if p.hops.is_empty()));
    assert!(parse("<()-[:T]-()>").is_err());
    assert!(parse("[1, 2").is_err());
    assert!(parse("{a: 1, a: 2}").is_err());
}

fn node(id: u32, labels: &[&str], props: &[(&str, Value)]) -> NodeItem {
    NodeItem {
        id: kg::graph::NodeId(id),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        properties: props
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

fn rel(id: u32, t: &str, start: u32, end: u32) -> RelItem {
    RelItem {
        id: kg::graph::RelId(id),
        rel_type: t.to_string(),
        start: kg::graph::NodeId(start),
        end: kg::graph::NodeId(end),
        properties: BTreeMap::new(),
    }
}

#[test]
fn tck_values_compare_scalars_and_collections() {
    let check = |text: &str, item: Item| matches(&parse(text).unwrap(), &item, false);
    assert!(check("1", Item::Int(1)));
    assert!(!check("1", Item::Float(1.0)));
    assert!(!check("1.0", Item::Int(1)));
    assert!(check("NaN", Item::Float(f64::NAN)));
    assert!(!check("NaN", Item::Float(1.0)));
    assert!(check("'a'", Item::String("a".into())));
    assert!(!check("'1'", Item::Int(1)));
    assert!(check("null", Item::Null));
    assert!(!check("null", Item::List(vec![])));
    let list = Item::List(vec![Item::Int(1), Item::Int(2)]);
    assert!(check("[1, 2]", list.clone()));
    assert!(!check("[2, 1]", list.clone()));
    assert!(matches(&parse("[2, 1]").unwrap(), &list, true));
    assert!(!matches(&parse("[2, 2]").unwrap(), &list, true));
    let nested = Item::Map(BTreeMap::from([(
        "k".to_string(),
        Item::List(vec![Item::Int(1), Item::Int(2)]),
    )]));
    assert!(matches(&parse("{k: [2, 1]}").unwrap(), &nested, true));
    assert!(!matches(&parse("{k: [2, 1]}").unwrap(), &nested, false));
    assert!(!check("{k: [1, 2], j: 1}", nested.clone()));
    assert!(!check("{}", nested));
}

#[test]
fn tck_values_compare_graph_elements() {
    let a = node(
        7,
        &["B", "A"],
        &[("name", "x".into()), ("n", Value::Int(1))],
    );
    let check = |text: &str, item: &Item| matches(&parse(text).unwrap(), item, false);
    let item = Item::Node(a.clone());
    assert!(check("(:A:B {name: 'x', n: 1})", &item));
    assert!(!check("(:A {name: 'x', n: 1})", &item));
    assert!(!check("(:A:B {name: 'x', n: 1.0})", &item));
    assert!(!check("(:A:B {name: 'x'})", &item));
    let r = Item::Rel(rel(3, "T", 7, 8));
    assert!(check("[:T]", &r));
    assert!(!check("[:U]", &r));
    assert!(!check("[:T {p: 1}]", &r));
    let b = node(8, &[], &[]);
    let path = Item::Path(PathItem {
        nodes: vec![a.clone(), b.clone(), a.clone()],
        rels: vec![rel(3, "T", 7, 8), rel(4, "S", 7, 8)],
    });
    assert!(check(
        "<(:A:B {name: 'x', n: 1})-[:T]->()<-[:S]-(:A:B {name: 'x', n: 1})>",
        &path
    ));
    assert!(!check(
        "<(:A:B {name: 'x', n: 1})-[:T]->()-[:S]->(:A:B {name: 'x', n: 1})>",
        &path
    ));
    assert!(!check("<(:A:B {name: 'x', n: 1})-[:T]->()>", &path));
    let zero = Item::Path(PathItem {
        nodes: vec![b],
        rels: vec![],
    });
    assert!(check("<()>", &zero));
    assert!(!check("()", &zero));
}

#[test]
fn tck_values_parameters_convert() {
    assert_eq!(
        to_value(&parse("[{year: 2016, id: 1}]").unwrap()),
        Some(Value::List(vec![Value::Map(BTreeMap::from([
            ("id".to_string(), Value::Int(1)),
            ("year".to_string(), Value::Int(2016)),
        ]))]))
    );
    assert_eq!(to_value(&parse("[()]").unwrap()), None);
}

#[test]
fn tck_values_bags_are_multisets() {
    let eq = |a: &i32, b: &i32| a == b;
    assert!(bag_matches(&[1, 2, 2], &[2, 1, 2], eq));
    assert!(!bag_matches(&[1, 2, 2], &[2, 1, 1], eq));
    assert!(!bag_matches(&[1], &[1, 1], eq));
    assert!(bag_matches::<i32, i32>(&[], &[], eq));
}
