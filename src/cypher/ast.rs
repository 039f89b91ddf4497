//! The spanned syntax tree of one statement. Syntax only: names are not
//! resolved and nothing is checked here (that is `analyze`). `Display`
//! prints canonical Cypher, and printing is a fixed point of parsing.

use std::fmt;

pub use super::error::Span;

/// A name as written (backticks removed), with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `MATCH (n) RETURN n UNION ALL MATCH (m) RETURN m`: the first query and
/// each following one with whether its `UNION` was `ALL`.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `EXPLAIN` / `PROFILE` before the statement.
    pub mode: QueryMode,
    pub first: SingleQuery,
    pub unions: Vec<(bool, SingleQuery)>,
}

/// Whether a statement runs, is only planned (`EXPLAIN`), or runs with
/// counts and times per operator (`PROFILE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryMode {
    #[default]
    Run,
    Explain,
    Profile,
}

/// Clauses up to a `UNION` or the end: `MATCH (n) WITH n RETURN n`.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `OPTIONAL MATCH (a)-->(b) WHERE b.x = 1`
    Match(Match),
    /// `UNWIND [1, 2] AS x`
    Unwind { expr: Expr, var: Ident, span: Span },
    /// `CREATE (a)-[:T]->(b)`
    Create {
        pattern: Vec<PatternPart>,
        span: Span,
    },
    /// `MERGE (a {id: 1}) ON CREATE SET a.new = true`
    Merge(Merge),
    /// `SET a.x = 1`
    Set { items: Vec<SetItem>, span: Span },
    /// `DETACH DELETE a`
    Delete {
        detach: bool,
        exprs: Vec<Expr>,
        span: Span,
    },
    /// `REMOVE a.x, a:L`
    Remove { items: Vec<RemoveItem>, span: Span },
    /// `WITH a, count(*) AS c WHERE c > 1`
    With(Projection),
    /// `RETURN a ORDER BY a.name LIMIT 3`
    Return(Projection),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub optional: bool,
    pub pattern: Vec<PatternPart>,
    pub where_clause: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    pub pattern: PatternPart,
    /// `(on_create, items)` for each `ON CREATE SET` / `ON MATCH SET`.
    pub actions: Vec<(bool, Vec<SetItem>)>,
    pub span: Span,
}

/// The body of `WITH` and `RETURN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub distinct: bool,
    /// `RETURN *, x`
    pub star: bool,
    pub items: Vec<ProjectionItem>,
    pub order_by: Vec<SortItem>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
    /// Only on `WITH`.
    pub where_clause: Option<Expr>,
    pub span: Span,
}

/// `n.name AS name`; `text` is the expression as written, which names the
/// column when there is no alias.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionItem {
    pub expr: Expr,
    pub alias: Option<Ident>,
    pub text: String,
}

impl ProjectionItem {
    /// The column name: the alias, else the expression's source text.
    pub fn name(&self) -> &str {
        self.alias.as_ref().map_or(&self.text, |a| &a.name)
    }
}

/// `n.name DESC`
#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    pub expr: Expr,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `n.x = 1`
    Property {
        target: Expr,
        key: Ident,
        value: Expr,
    },
    /// `n = {x: 1}`
    Replace { var: Ident, value: Expr },
    /// `n += {x: 1}`
    Merge { var: Ident, value: Expr },
    /// `n:A:B`
    Labels { var: Ident, labels: Vec<Ident> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    /// `n.x`
    Property { target: Expr, key: Ident },
    /// `n:A`
    Labels { var: Ident, labels: Vec<Ident> },
}

/// Which paths a pattern part asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// every match: `(a)-->(b)`
    All,
    /// `shortestPath((a)-[*]-(b))`
    Shortest,
    /// `allShortestPaths((a)-[*]-(b))`
    AllShortest,
}

/// `p = (a)-[r]->(b)<-[s]-(c)`
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    pub var: Option<Ident>,
    pub kind: PathKind,
    pub start: NodePattern,
    pub hops: Vec<(RelPattern, NodePattern)>,
    pub span: Span,
}

/// `(n:Person {name: 'x'})`
#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    pub var: Option<Ident>,
    pub labels: Vec<Ident>,
    pub props: Option<Expr>,
    pub span: Span,
}

/// Arrow direction of a relationship pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelDirection {
    /// `-->`
    Right,
    /// `<--`
    Left,
    /// `--` (or `<-->`)
    Both,
}

/// `-[r:A|B*1..3 {x: 1}]->`
#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    pub var: Option<Ident>,
    pub types: Vec<Ident>,
    pub direction: RelDirection,
    /// `Some((min, max))` for variable length; `*` is `(None, None)`.
    pub length: Option<(Option<u64>, Option<u64>)>,
    pub props: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    In,
    StartsWith,
    EndsWith,
    Contains,
    Regex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `1`, `'a'`, `null`
    Literal(Literal),
    /// `$name`
    Param(String),
    /// `n`
    Var(String),
    /// `n.name`
    Property(Box<Expr>, String),
    /// `list[0]`, `map['k']`
    Index(Box<Expr>, Box<Expr>),
    /// `list[1..3]`
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `n:Person`
    HasLabels(Box<Expr>, Vec<String>),
    /// `NOT x`, `-x`
    Unary(UnaryOp, Box<Expr>),
    /// `a + b`, `a AND b`, `a IN b`
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c`
    Compare(Box<Expr>, Vec<(CompareOp, Expr)>),
    /// `x IS NULL` (false) and `x IS NOT NULL` (true)
    IsNull(Box<Expr>, bool),
    /// `[1, 2]`
    List(Vec<Expr>),
    /// `{a: 1}`
    Map(Vec<(String, Expr)>),
    /// `CASE x WHEN 1 THEN 'a' ELSE 'b' END`
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
    },
    /// `f(x)`, `count(DISTINCT x)`
    Function {
        name: String,
        distinct: bool,
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    /// `[x IN l WHERE x > 1 | x * 2]`
    ListComprehension {
        var: String,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        map: Option<Box<Expr>>,
    },
    /// `all(x IN l WHERE x > 1)`
    Quantified {
        quantifier: Quantifier,
        var: String,
        list: Box<Expr>,
        predicate: Box<Expr>,
    },
    /// `(expr)`: kept so printing and column naming follow the source.
    Paren(Box<Expr>),
    /// `(a)-[:T]->(b)` as a boolean: true when the pattern has a match
    /// given the variables already bound (it may bind none of its own).
    PatternPredicate(Box<PatternPart>),
    /// `[p = (a)-->(b) WHERE b.x > 1 | b.name]`: one `map` value per match;
    /// the pattern's new variables are visible only inside it.
    PatternComprehension {
        pattern: Box<PatternPart>,
        filter: Option<Box<Expr>>,
        map: Box<Expr>,
    },
}

// ---------------------------------------------------------------- printing

/// Writes a name, with backticks when it would not parse bare.
fn write_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !is_reserved(name);
    if plain {
        write!(f, "{name}")
    } else {
        write!(f, "`{}`", name.replace('`', "``"))
    }
}

/// Words the grammar does not accept as bare variable names.
pub fn is_reserved(name: &str) -> bool {
    const RESERVED: [&str; 36] = [
        "match", "optional", "where", "with", "return", "union", "unwind", "create", "merge",
        "set", "delete", "detach", "remove", "order", "skip", "limit", "and", "or", "xor", "not",
        "is", "in", "starts", "ends", "contains", "as", "case", "when", "then", "else", "end",
        "distinct", "null", "true", "false", "on",
    ];
    let lower = name.to_lowercase();
    RESERVED.contains(&lower.as_str())
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            write!(f, "{sep}")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_name(f, &self.name)
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            QueryMode::Run => {}
            QueryMode::Explain => write!(f, "EXPLAIN ")?,
            QueryMode::Profile => write!(f, "PROFILE ")?,
        }
        write!(f, "{}", self.first)?;
        for (all, query) in &self.unions {
            write!(f, " UNION {}{query}", if *all { "ALL " } else { "" })?;
        }
        Ok(())
    }
}

impl fmt::Display for SingleQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, &self.clauses, " ")
    }
}

fn write_set_items(f: &mut fmt::Formatter<'_>, items: &[SetItem]) -> fmt::Result {
    write!(f, "SET ")?;
    write_list(f, items, ", ")
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Match(m) => {
                if m.optional {
                    write!(f, "OPTIONAL ")?;
                }
                write!(f, "MATCH ")?;
                write_list(f, &m.pattern, ", ")?;
                if let Some(w) = &m.where_clause {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            Clause::Unwind { expr, var, .. } => write!(f, "UNWIND {expr} AS {var}"),
            Clause::Create { pattern, .. } => {
                write!(f, "CREATE ")?;
                write_list(f, pattern, ", ")
            }
            Clause::Merge(m) => {
                write!(f, "MERGE {}", m.pattern)?;
                for (on_create, items) in &m.actions {
                    write!(f, " ON {} ", if *on_create { "CREATE" } else { "MATCH" })?;
                    write_set_items(f, items)?;
                }
                Ok(())
            }
            Clause::Set { items, .. } => write_set_items(f, items),
            Clause::Delete { detach, exprs, .. } => {
                write!(f, "{}DELETE ", if *detach { "DETACH " } else { "" })?;
                write_list(f, exprs, ", ")
            }
            Clause::Remove { items, .. } => {
                write!(f, "REMOVE ")?;
                write_list(f, items, ", ")
            }
            Clause::With(p) => write!(f, "WITH {p}"),
            Clause::Return(p) => write!(f, "RETURN {p}"),
        }
    }
}

impl fmt::Display for Projection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.distinct {
            write!(f, "DISTINCT ")?;
        }
        if self.star {
            write!(f, "*")?;
            if !self.items.is_empty() {
                write!(f, ", ")?;
            }
        }
        write_list(f, &self.items, ", ")?;
        if !self.order_by.is_empty() {
            write!(f, " ORDER BY ")?;
            write_list(f, &self.order_by, ", ")?;
        }
        if let Some(s) = &self.skip {
            write!(f, " SKIP {s}")?;
        }
        if let Some(l) = &self.limit {
            write!(f, " LIMIT {l}")?;
        }
        if let Some(w) = &self.where_clause {
            write!(f, " WHERE {w}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ProjectionItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some(a) = &self.alias {
            write!(f, " AS {a}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SortItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if self.descending {
            write!(f, " DESC")?;
        }
        Ok(())
    }
}

fn write_labels(f: &mut fmt::Formatter<'_>, labels: &[Ident]) -> fmt::Result {
    for l in labels {
        write!(f, ":{l}")?;
    }
    Ok(())
}

impl fmt::Display for SetItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetItem::Property { target, key, value } => write!(f, "{target}.{key} = {value}"),
            SetItem::Replace { var, value } => write!(f, "{var} = {value}"),
            SetItem::Merge { var, value } => write!(f, "{var} += {value}"),
            SetItem::Labels { var, labels } => {
                write!(f, "{var}")?;
                write_labels(f, labels)
            }
        }
    }
}

impl fmt::Display for RemoveItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoveItem::Property { target, key } => write!(f, "{target}.{key}"),
            RemoveItem::Labels { var, labels } => {
                write!(f, "{var}")?;
                write_labels(f, labels)
            }
        }
    }
}

impl fmt::Display for PatternPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(v) = &self.var {
            write!(f, "{v} = ")?;
        }
        match self.kind {
            PathKind::All => {}
            PathKind::Shortest => write!(f, "shortestPath(")?,
            PathKind::AllShortest => write!(f, "allShortestPaths(")?,
        }
        write!(f, "{}", self.start)?;
        for (rel, node) in &self.hops {
            write!(f, "{rel}{node}")?;
        }
        if self.kind != PathKind::All {
            write!(f, ")")?;
        }
        Ok(())
    }
}

impl fmt::Display for NodePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(")?;
        if let Some(v) = &self.var {
            write!(f, "{v}")?;
        }
        write_labels(f, &self.labels)?;
        if let Some(p) = &self.props {
            if self.var.is_some() || !self.labels.is_empty() {
                write!(f, " ")?;
            }
            write!(f, "{p}")?;
        }
        write!(f, ")")
    }
}

impl fmt::Display for RelPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.direction == RelDirection::Left {
            write!(f, "<")?;
        }
        write!(f, "-[")?;
        if let Some(v) = &self.var {
            write!(f, "{v}")?;
        }
        for (i, t) in self.types.iter().enumerate() {
            write!(f, "{}{t}", if i == 0 { ":" } else { "|" })?;
        }
        if let Some((min, max)) = self.length {
            write!(f, "*")?;
            match (min, max) {
                (Some(a), Some(b)) if a == b => write!(f, "{a}..{b}")?,
                (a, b) if a.is_some() || b.is_some() => {
                    if let Some(a) = a {
                        write!(f, "{a}")?;
                    }
                    write!(f, "..")?;
                    if let Some(b) = b {
                        write!(f, "{b}")?;
                    }
                }
                _ => {}
            }
        }
        if let Some(p) = &self.props {
            write!(f, " {p}")?;
        }
        write!(f, "]-")?;
        if self.direction == RelDirection::Right {
            write!(f, ">")?;
        }
        Ok(())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => write!(f, "null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) => {
                if x.is_finite() {
                    write!(f, "{x:?}")
                } else {
                    // Not expressible as a literal; print as an expression.
                    write!(f, "(0.0 / 0.0)")
                }
            }
            Literal::String(s) => {
                write!(f, "'")?;
                for c in s.chars() {
                    match c {
                        '\'' => write!(f, "\\'")?,
                        '\\' => write!(f, "\\\\")?,
                        '\n' => write!(f, "\\n")?,
                        '\r' => write!(f, "\\r")?,
                        '\t' => write!(f, "\\t")?,
                        c => write!(f, "{c}")?,
                    }
                }
                write!(f, "'")
            }
        }
    }
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            BinaryOp::And => "AND",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            BinaryOp::In => "IN",
            BinaryOp::StartsWith => "STARTS WITH",
            BinaryOp::EndsWith => "ENDS WITH",
            BinaryOp::Contains => "CONTAINS",
            BinaryOp::Regex => "=~",
        }
    }
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// Operands that are themselves operators print in parentheses, so the
/// printed text parses back to the same tree whatever the precedence.
struct Operand<'a>(&'a Expr);

impl fmt::Display for Operand<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ExprKind::Unary(..)
            | ExprKind::Binary(..)
            | ExprKind::Compare(..)
            | ExprKind::IsNull(..)
            | ExprKind::HasLabels(..) => write!(f, "({})", self.0),
            ExprKind::Literal(Literal::Int(i)) if *i < 0 => write!(f, "({})", self.0),
            ExprKind::Literal(Literal::Float(x)) if *x < 0.0 || x.is_sign_negative() => {
                write!(f, "({})", self.0)
            }
            _ => write!(f, "{}", self.0),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(l) => write!(f, "{l}"),
            ExprKind::Param(p) => {
                write!(f, "$")?;
                if p.chars().all(|c| c.is_ascii_digit()) {
                    write!(f, "{p}")
                } else {
                    write_name(f, p)
                }
            }
            ExprKind::Var(v) => write_name(f, v),
            ExprKind::Property(e, k) => {
                write!(f, "{}.", Operand(e))?;
                write_name(f, k)
            }
            ExprKind::Index(e, i) => write!(f, "{}[{i}]", Operand(e)),
            ExprKind::Slice(e, a, b) => {
                write!(f, "{}[", Operand(e))?;
                if let Some(a) = a {
                    write!(f, "{a}")?;
                }
                write!(f, "..")?;
                if let Some(b) = b {
                    write!(f, "{b}")?;
                }
                write!(f, "]")
            }
            ExprKind::HasLabels(e, labels) => {
                write!(f, "{}", Operand(e))?;
                for l in labels {
                    write!(f, ":")?;
                    write_name(f, l)?;
                }
                Ok(())
            }
            ExprKind::Unary(UnaryOp::Not, e) => write!(f, "NOT {}", Operand(e)),
            ExprKind::Unary(UnaryOp::Neg, e) => write!(f, "-{}", Operand(e)),
            ExprKind::Unary(UnaryOp::Pos, e) => write!(f, "+{}", Operand(e)),
            ExprKind::Binary(op, a, b) => {
                write!(f, "{} {} {}", Operand(a), op.symbol(), Operand(b))
            }
            ExprKind::Compare(first, rest) => {
                write!(f, "{}", Operand(first))?;
                for (op, e) in rest {
                    write!(f, " {} {}", op.symbol(), Operand(e))?;
                }
                Ok(())
            }
            ExprKind::IsNull(e, negated) => {
                write!(
                    f,
                    "{} IS {}NULL",
                    Operand(e),
                    if *negated { "NOT " } else { "" }
                )
            }
            ExprKind::List(items) => {
                write!(f, "[")?;
                write_list(f, items, ", ")?;
                write!(f, "]")
            }
            ExprKind::Map(entries) => {
                write!(f, "{{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write_name(f, k)?;
                    write!(f, ": {v}")?;
                }
                write!(f, "}}")
            }
            ExprKind::Case {
                operand,
                whens,
                otherwise,
            } => {
                write!(f, "CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (w, t) in whens {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(e) = otherwise {
                    write!(f, " ELSE {e}")?;
                }
                write!(f, " END")
            }
            ExprKind::Function {
                name,
                distinct,
                args,
            } => {
                write!(f, "{name}(")?;
                if *distinct {
                    write!(f, "DISTINCT ")?;
                }
                write_list(f, args, ", ")?;
                write!(f, ")")
            }
            ExprKind::CountStar => write!(f, "count(*)"),
            ExprKind::ListComprehension {
                var,
                list,
                filter,
                map,
            } => {
                write!(f, "[")?;
                write_name(f, var)?;
                write!(f, " IN {list}")?;
                if let Some(w) = filter {
                    write!(f, " WHERE {w}")?;
                }
                if let Some(m) = map {
                    write!(f, " | {m}")?;
                }
                write!(f, "]")
            }
            ExprKind::Quantified {
                quantifier,
                var,
                list,
                predicate,
            } => {
                let name = match quantifier {
                    Quantifier::All => "all",
                    Quantifier::Any => "any",
                    Quantifier::None => "none",
                    Quantifier::Single => "single",
                };
                write!(f, "{name}(")?;
                write_name(f, var)?;
                write!(f, " IN {list} WHERE {predicate})")
            }
            ExprKind::Paren(e) => write!(f, "({e})"),
            ExprKind::PatternPredicate(part) => write!(f, "{part}"),
            ExprKind::PatternComprehension {
                pattern,
                filter,
                map,
            } => {
                write!(f, "[{pattern}")?;
                if let Some(w) = filter {
                    write!(f, " WHERE {w}")?;
                }
                write!(f, " | {map}]")
            }
        }
    }
}
