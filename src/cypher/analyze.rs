//! Semantic analysis before execution: variable scopes and kinds, binding
//! rules of patterns, aggregation rules, and argument types visible in the
//! text. Returns every error found, in query order, with the openCypher
//! TCK's error types and codes (`SyntaxError` at compile time).

use std::collections::BTreeMap;

use super::ast::*;
use super::error::{ErrorKind, Phase, QueryError};
use super::functions::{arity, is_aggregate};
use super::plan::{collect_aggregates, for_each_child, has_aggregate};

/// What a variable holds, as far as the text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Node,
    Rel,
    /// the relationships of a variable-length pattern
    RelList,
    Path,
    Value(Ty),
}

/// The static type of an expression, when the text fixes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Any,
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
    Node,
    Rel,
    Path,
}

type Scope = BTreeMap<String, Kind>;

/// All semantic errors of a statement (empty when it may run).
pub fn analyze(statement: &Statement) -> Vec<QueryError> {
    let mut a = Analyzer { errors: Vec::new() };
    let columns = a.single_query(&statement.first);
    let mut saw_all = None;
    for (all, query) in &statement.unions {
        if saw_all.is_some_and(|s| s != *all) {
            a.error(
                "InvalidClauseComposition",
                "UNION and UNION ALL cannot be mixed",
                query.span,
            );
        }
        saw_all = Some(*all);
        let next = a.single_query(query);
        if next != columns {
            a.error(
                "DifferentColumnsInUnion",
                "all parts of a UNION must return the same columns",
                query.span,
            );
        }
    }
    a.errors
}

/// The error to report when a statement has several: an undefined
/// variable first (nothing else about the expression can be judged), then
/// an ambiguous aggregation, then the first in query order.
pub fn first_error(errors: Vec<QueryError>) -> Option<QueryError> {
    let rank = |e: &QueryError| match e.code.as_str() {
        "UndefinedVariable" => 0,
        "AmbiguousAggregationExpression" => 1,
        _ => 2,
    };
    let best = errors.iter().map(rank).min()?;
    errors.into_iter().find(|e| rank(e) == best)
}

struct Analyzer {
    errors: Vec<QueryError>,
}

fn is_plain_var(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Var(v) => Some(v),
        ExprKind::Paren(inner) => is_plain_var(inner),
        _ => None,
    }
}

impl Analyzer {
    fn error(&mut self, code: &str, message: impl Into<String>, span: Span) {
        self.errors.push(
            QueryError::new(Phase::Compile, ErrorKind::SyntaxError, code, message).with_span(span),
        );
    }

    /// Checks one query; returns its result columns.
    fn single_query(&mut self, query: &SingleQuery) -> Vec<String> {
        let mut scope = Scope::new();
        let mut columns = Vec::new();
        let n = query.clauses.len();
        for (i, clause) in query.clauses.iter().enumerate() {
            match clause {
                Clause::Match(m) => {
                    self.pattern(&m.pattern, &mut scope, PatternUse::Match);
                    if let Some(w) = &m.where_clause {
                        self.expr(w, &scope, false);
                    }
                }
                Clause::Unwind { expr, var, .. } => {
                    self.expr(expr, &scope, false);
                    if scope.contains_key(&var.name) {
                        self.error(
                            "VariableAlreadyBound",
                            format!("variable `{}` is already defined", var.name),
                            var.span,
                        );
                    }
                    scope.insert(var.name.clone(), Kind::Value(Ty::Any));
                }
                Clause::Create { pattern, .. } => {
                    self.pattern(pattern, &mut scope, PatternUse::Create);
                }
                Clause::Merge(m) => {
                    self.pattern(
                        std::slice::from_ref(&m.pattern),
                        &mut scope,
                        PatternUse::Merge,
                    );
                    for (_, items) in &m.actions {
                        self.set_items(items, &scope);
                    }
                }
                Clause::Set { items, .. } => self.set_items(items, &scope),
                Clause::Delete { exprs, .. } => {
                    for e in exprs {
                        self.expr(e, &scope, false);
                        if matches!(e.kind, ExprKind::HasLabels(..)) {
                            self.error(
                                "InvalidDelete",
                                "only nodes, relationships and paths can be deleted",
                                e.span,
                            );
                        } else if !matches!(
                            static_type(e, &scope),
                            Ty::Any | Ty::Null | Ty::Node | Ty::Rel | Ty::Path | Ty::List
                        ) {
                            self.error(
                                "InvalidArgumentType",
                                "only nodes, relationships and paths can be deleted",
                                e.span,
                            );
                        }
                    }
                }
                Clause::Remove { items, .. } => {
                    for item in items {
                        match item {
                            RemoveItem::Property { target, .. } => self.expr(target, &scope, false),
                            RemoveItem::Labels { var, .. } => {
                                self.var_ref(&var.name, var.span, &scope)
                            }
                        }
                    }
                }
                Clause::With(p) => {
                    scope = self.projection(p, &scope, false);
                }
                Clause::Return(p) => {
                    let out = self.projection(p, &scope, true);
                    columns = p.items.iter().map(|i| i.name().to_string()).collect();
                    if p.star {
                        let mut star: Vec<String> = scope.keys().cloned().collect();
                        star.extend(columns);
                        columns = star;
                    }
                    scope = out;
                    if i + 1 < n {
                        self.error(
                            "InvalidClauseComposition",
                            "RETURN must be the last clause",
                            p.span,
                        );
                    }
                }
            }
        }
        let concludes = matches!(
            query.clauses.last(),
            Some(
                Clause::Return(_)
                    | Clause::Create { .. }
                    | Clause::Merge(_)
                    | Clause::Set { .. }
                    | Clause::Delete { .. }
                    | Clause::Remove { .. }
            )
        );
        if !concludes {
            self.error(
                "InvalidClauseComposition",
                "a query must end with RETURN or a clause that changes the graph",
                query.span,
            );
        }
        columns
    }

    fn var_ref(&mut self, name: &str, span: Span, scope: &Scope) {
        if !scope.contains_key(name) {
            self.error(
                "UndefinedVariable",
                format!("variable `{name}` is not defined"),
                span,
            );
        }
    }

    fn set_items(&mut self, items: &[SetItem], scope: &Scope) {
        for item in items {
            match item {
                SetItem::Property { target, value, .. } => {
                    self.expr(target, scope, false);
                    self.expr(value, scope, false);
                }
                SetItem::Replace { var, value } | SetItem::Merge { var, value } => {
                    self.var_ref(&var.name, var.span, scope);
                    self.expr(value, scope, false);
                }
                SetItem::Labels { var, .. } => self.var_ref(&var.name, var.span, scope),
            }
        }
    }

    // ------------------------------------------------------------ patterns

    fn pattern(&mut self, parts: &[PatternPart], scope: &mut Scope, usage: PatternUse) {
        // Variables declared by this pattern so far, with their kinds.
        let mut local: BTreeMap<String, Kind> = BTreeMap::new();
        let mut rel_vars: Vec<&str> = Vec::new();
        for part in parts {
            if let Some(v) = &part.var {
                if scope.contains_key(&v.name) || local.contains_key(&v.name) {
                    self.error(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already defined", v.name),
                        v.span,
                    );
                }
            }
            let single_node = part.hops.is_empty();
            let nodes = std::iter::once(&part.start).chain(part.hops.iter().map(|(_, n)| n));
            for node in nodes {
                self.node(node, scope, &mut local, usage, single_node);
            }
            for (rel, _) in &part.hops {
                self.rel(rel, scope, &mut local, usage, &mut rel_vars);
                self.created_rel_shape(rel, usage);
            }
            if part.kind != PathKind::All && part.hops.len() != 1 {
                self.error(
                    "InvalidRelationshipPattern",
                    "shortestPath needs exactly one relationship pattern",
                    part.span,
                );
            }
            if let Some(v) = &part.var {
                if local.contains_key(&v.name) && !scope.contains_key(&v.name) {
                    self.error(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already defined", v.name),
                        v.span,
                    );
                }
                local.insert(v.name.clone(), Kind::Path);
            }
        }
        for (name, kind) in local {
            scope.insert(name, kind);
        }
    }

    fn declared(scope: &Scope, local: &BTreeMap<String, Kind>, name: &str) -> Option<Kind> {
        local.get(name).or_else(|| scope.get(name)).copied()
    }

    fn node(
        &mut self,
        node: &NodePattern,
        scope: &Scope,
        local: &mut BTreeMap<String, Kind>,
        usage: PatternUse,
        single_node: bool,
    ) {
        if let Some(props) = &node.props {
            self.pattern_props(props, scope, local, usage);
        }
        let Some(var) = &node.var else {
            return;
        };
        match Self::declared(scope, local, &var.name) {
            None => {
                local.insert(var.name.clone(), Kind::Node);
            }
            Some(Kind::Node) | Some(Kind::Value(Ty::Any | Ty::Null)) => {
                let from_before = scope.contains_key(&var.name) && !local.contains_key(&var.name);
                let restated = !node.labels.is_empty() || node.props.is_some();
                let rebinding = match usage {
                    PatternUse::Match => false,
                    PatternUse::Create | PatternUse::Merge => {
                        restated || (single_node && (from_before || usage == PatternUse::Create))
                    }
                };
                if rebinding {
                    self.error(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already defined", var.name),
                        var.span,
                    );
                }
                if !local.contains_key(&var.name) && !scope.contains_key(&var.name) {
                    local.insert(var.name.clone(), Kind::Node);
                }
            }
            Some(_) => self.error(
                "VariableTypeConflict",
                format!("variable `{}` is not a node", var.name),
                var.span,
            ),
        }
    }

    fn rel<'p>(
        &mut self,
        rel: &'p RelPattern,
        scope: &Scope,
        local: &mut BTreeMap<String, Kind>,
        usage: PatternUse,
        rel_vars: &mut Vec<&'p str>,
    ) {
        if let Some(props) = &rel.props {
            self.pattern_props(props, scope, local, usage);
        }
        let Some(var) = &rel.var else {
            return;
        };
        let kind = if rel.length.is_some() {
            Kind::RelList
        } else {
            Kind::Rel
        };
        if rel_vars.contains(&var.name.as_str()) {
            self.error(
                "RelationshipUniquenessViolation",
                format!("relationship `{}` is used twice in one pattern", var.name),
                var.span,
            );
            return;
        }
        rel_vars.push(&var.name);
        match Self::declared(scope, local, &var.name) {
            None => {
                local.insert(var.name.clone(), kind);
            }
            Some(k)
                if k == kind
                    || k == Kind::Value(Ty::Any)
                    || k == Kind::Value(Ty::Null)
                    || (k == Kind::Value(Ty::List) && kind == Kind::RelList) =>
            {
                if usage != PatternUse::Match {
                    self.error(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already defined", var.name),
                        var.span,
                    );
                }
            }
            Some(_) => self.error(
                "VariableTypeConflict",
                format!("variable `{}` is not a relationship", var.name),
                var.span,
            ),
        }
    }

    /// CREATE and MERGE make exactly one relationship of one type.
    fn created_rel_shape(&mut self, rel: &RelPattern, usage: PatternUse) {
        if usage != PatternUse::Match {
            if rel.types.len() != 1 {
                self.error(
                    "NoSingleRelationshipType",
                    "a created relationship needs exactly one type",
                    rel.span,
                );
            }
            if rel.direction == RelDirection::Both && usage == PatternUse::Create {
                self.error(
                    "RequiresDirectedRelationship",
                    "a created relationship needs a direction",
                    rel.span,
                );
            }
            if rel.length.is_some() {
                self.error(
                    "CreatingVarLength",
                    "variable-length relationships cannot be created",
                    rel.span,
                );
            }
        }
    }

    fn pattern_props(
        &mut self,
        props: &Expr,
        scope: &Scope,
        local: &BTreeMap<String, Kind>,
        usage: PatternUse,
    ) {
        if matches!(props.kind, ExprKind::Param(_)) && usage != PatternUse::Create {
            self.error(
                "InvalidParameterUse",
                "a parameter cannot be used as a pattern's property map here",
                props.span,
            );
        }
        let mut visible = scope.clone();
        visible.extend(local.iter().map(|(k, v)| (k.clone(), *v)));
        self.expr(props, &visible, false);
    }

    // ------------------------------------------------------------ projections

    fn projection(&mut self, p: &Projection, scope: &Scope, is_return: bool) -> Scope {
        if is_return && p.star && scope.is_empty() {
            self.error(
                "NoVariablesInScope",
                "RETURN * needs variables in scope",
                p.span,
            );
        }
        let mut out = Scope::new();
        if p.star {
            out = scope.clone();
        }
        let aggregating = p.items.iter().any(|i| has_aggregate(&i.expr));
        if aggregating {
            self.check_ambiguous(p, scope);
        }
        let mut names: Vec<&str> = Vec::new();
        for item in &p.items {
            self.expr(&item.expr, scope, true);
            if !is_return && item.alias.is_none() && is_plain_var(&item.expr).is_none() {
                self.error(
                    "NoExpressionAlias",
                    "expressions in WITH need an alias (`AS name`)",
                    item.expr.span,
                );
            }
            let name = item.name();
            if names.contains(&name) {
                self.error(
                    "ColumnNameConflict",
                    format!("column `{name}` is defined twice"),
                    item.expr.span,
                );
            }
            names.push(name);
            out.insert(name.to_string(), self.kind_of(&item.expr, scope));
        }
        // ORDER BY sees the projected names, and the earlier ones unless
        // the projection merged rows (DISTINCT or aggregation).
        let mut order_scope = if p.distinct || aggregating {
            Scope::new()
        } else {
            scope.clone()
        };
        order_scope.extend(out.iter().map(|(k, v)| (k.clone(), *v)));
        let item_texts: Vec<String> = p.items.iter().map(|i| i.expr.to_string()).collect();
        for sort in &p.order_by {
            if item_texts.contains(&sort.expr.to_string()) {
                continue;
            }
            if has_aggregate(&sort.expr) && !aggregating {
                self.error(
                    "InvalidAggregation",
                    "ORDER BY cannot aggregate when the projection does not",
                    sort.expr.span,
                );
                continue;
            }
            if p.distinct || aggregating {
                self.expr_in_projected(&sort.expr, &order_scope, &item_texts);
            } else {
                self.expr(&sort.expr, &order_scope, aggregating);
            }
        }
        for (e, what) in [(&p.skip, "SKIP"), (&p.limit, "LIMIT")] {
            if let Some(e) = e {
                self.count_argument(e, what);
            }
        }
        if let Some(w) = &p.where_clause {
            let mut where_scope = scope.clone();
            where_scope.extend(out.iter().map(|(k, v)| (k.clone(), *v)));
            self.expr(w, &where_scope, false);
        }
        out
    }

    /// ORDER BY after DISTINCT or aggregation: only projected names, or
    /// sub-expressions that repeat a projected item.
    fn expr_in_projected(&mut self, e: &Expr, scope: &Scope, item_texts: &[String]) {
        if item_texts.contains(&e.to_string()) {
            return;
        }
        match &e.kind {
            ExprKind::Var(v) => self.var_ref(v, e.span, scope),
            ExprKind::CountStar => {}
            ExprKind::PatternPredicate(_) => self.expr(e, scope, false),
            _ => for_each_child(e, |c| self.expr_in_projected(c, scope, item_texts)),
        }
    }

    fn count_argument(&mut self, e: &Expr, what: &str) {
        let mut vars = Vec::new();
        collect_vars(e, &mut vars);
        if !vars.is_empty() {
            self.error(
                "NonConstantExpression",
                format!("{what} must not depend on variables"),
                e.span,
            );
            return;
        }
        match &e.kind {
            ExprKind::Literal(Literal::Int(i)) if *i < 0 => self.error(
                "NegativeIntegerArgument",
                format!("{what} must not be negative"),
                e.span,
            ),
            ExprKind::Literal(Literal::Float(_)) => self.error(
                "InvalidArgumentType",
                format!("{what} must be an integer"),
                e.span,
            ),
            ExprKind::Function { name, .. } if name.eq_ignore_ascii_case("rand") => self.error(
                "NonConstantExpression",
                format!("{what} must be constant"),
                e.span,
            ),
            _ => {}
        }
    }

    /// An aggregating item may use other variables only as grouping keys.
    fn check_ambiguous(&mut self, p: &Projection, scope: &Scope) {
        let keys: Vec<String> = p
            .items
            .iter()
            .filter(|i| !has_aggregate(&i.expr) && is_simple_key(&i.expr))
            .map(|i| i.expr.to_string())
            .chain(
                p.items
                    .iter()
                    .filter_map(|i| i.alias.as_ref().map(|a| a.to_string())),
            )
            .collect();
        let aggregating_exprs = p
            .items
            .iter()
            .map(|i| &i.expr)
            .chain(p.order_by.iter().map(|o| &o.expr))
            .filter(|e| has_aggregate(e));
        for expr in aggregating_exprs {
            if self.ambiguous(expr, &keys, scope) {
                self.error(
                    "AmbiguousAggregationExpression",
                    "an expression mixing aggregates and variables must group by those variables",
                    expr.span,
                );
            }
        }
    }

    /// Whether `e` uses a variable of `scope` outside the grouping `keys`.
    fn ambiguous(&self, e: &Expr, keys: &[String], scope: &Scope) -> bool {
        if keys.contains(&e.to_string()) {
            return false;
        }
        match &e.kind {
            ExprKind::Var(_) => true,
            ExprKind::CountStar => false,
            ExprKind::Function { name, .. } if is_aggregate(name) => false,
            ExprKind::ListComprehension { list, .. } | ExprKind::Quantified { list, .. } => {
                self.ambiguous(list, keys, scope)
            }
            ExprKind::PatternPredicate(part)
            | ExprKind::PatternComprehension { pattern: part, .. } => {
                // Variables from before the pattern must be grouping keys;
                // those a comprehension introduces are its own.
                let vars = pattern_vars(part);
                if vars
                    .iter()
                    .any(|(v, _)| scope.contains_key(*v) && !keys.iter().any(|k| k == v))
                {
                    return true;
                }
                let mut inner_keys = keys.to_vec();
                let path = part.var.as_ref().map(|v| v.name.as_str());
                inner_keys.extend(
                    vars.iter()
                        .map(|(v, _)| *v)
                        .chain(path)
                        .filter(|v| !scope.contains_key(*v))
                        .map(str::to_string),
                );
                let mut any = false;
                for_each_child(e, |c| any |= self.ambiguous(c, &inner_keys, scope));
                any
            }
            _ => {
                let mut any = false;
                for_each_child(e, |c| any |= self.ambiguous(c, keys, scope));
                any
            }
        }
    }

    fn kind_of(&self, e: &Expr, scope: &Scope) -> Kind {
        if let Some(v) = is_plain_var(e) {
            return scope.get(v).copied().unwrap_or(Kind::Value(Ty::Any));
        }
        Kind::Value(static_type(e, scope))
    }

    // ------------------------------------------------------------ expressions

    /// Checks variables, functions, aggregation placement and boolean
    /// operand types; `aggregates_allowed` is true only in projections.
    fn expr(&mut self, e: &Expr, scope: &Scope, aggregates_allowed: bool) {
        match &e.kind {
            ExprKind::Var(v) => self.var_ref(v, e.span, scope),
            ExprKind::CountStar => {
                if !aggregates_allowed {
                    self.error("InvalidAggregation", "count(*) is not allowed here", e.span);
                }
            }
            ExprKind::Function {
                name,
                args,
                distinct: _,
            } => {
                match arity(name) {
                    None => self.error(
                        "UnknownFunction",
                        format!("unknown function `{name}`"),
                        e.span,
                    ),
                    Some((min, max)) if args.len() < min || args.len() > max => self.error(
                        "InvalidNumberOfArguments",
                        format!("{name}() takes {min} to {max} arguments"),
                        e.span,
                    ),
                    _ => {}
                }
                if let (Some(accepted), Some(arg)) = (accepted_types(name), args.first()) {
                    let ty = static_type(arg, scope);
                    if is_pattern_predicate(arg) {
                        // openCypher 9 read `size((a)-->())` as a list of paths;
                        // here a pattern is a boolean, so say what to write instead.
                        self.error(
                            "UnexpectedSyntax",
                            format!(
                                "{name}() does not take a pattern predicate; to count matches use a pattern comprehension like size([(a)-->(b) | 1])"
                            ),
                            arg.span,
                        );
                    } else if ty != Ty::Any && ty != Ty::Null && !accepted.contains(&ty) {
                        self.error(
                            "InvalidArgumentType",
                            format!("{name}() does not accept this argument"),
                            arg.span,
                        );
                    }
                }
                if is_aggregate(name) {
                    if !aggregates_allowed {
                        self.error(
                            "InvalidAggregation",
                            format!("{name}() is not allowed here"),
                            e.span,
                        );
                    }
                    for a in args {
                        let mut inner = Vec::new();
                        collect_aggregates(a, &mut inner);
                        if !inner.is_empty() {
                            self.error(
                                "NestedAggregation",
                                "aggregate functions cannot be nested",
                                a.span,
                            );
                        }
                        if contains_rand(a) {
                            self.error(
                                "NonConstantExpression",
                                "aggregating a random value is not allowed",
                                a.span,
                            );
                        }
                        self.expr(a, scope, false);
                    }
                } else {
                    for a in args {
                        self.expr(a, scope, aggregates_allowed);
                    }
                }
            }
            ExprKind::ListComprehension {
                var,
                list,
                filter,
                map,
            } => {
                self.expr(list, scope, aggregates_allowed);
                let mut inner = scope.clone();
                inner.insert(var.clone(), Kind::Value(Ty::Any));
                if let Some(f) = filter {
                    self.expr(f, &inner, false);
                }
                if let Some(m) = map {
                    self.expr(m, &inner, false);
                }
            }
            ExprKind::Quantified {
                var,
                list,
                predicate,
                ..
            } => {
                self.expr(list, scope, aggregates_allowed);
                let mut inner = scope.clone();
                inner.insert(var.clone(), Kind::Value(Ty::Any));
                self.expr(predicate, &inner, false);
            }
            ExprKind::PatternPredicate(part) => {
                let mut inner = scope.clone();
                self.pattern(std::slice::from_ref(part), &mut inner, PatternUse::Match);
                // A predicate only tests variables bound before it; the
                // variables it would introduce could never be used.
                for (name, span) in pattern_vars(part) {
                    if !scope.contains_key(name) {
                        self.error(
                            "UndefinedVariable",
                            format!(
                                "variable `{name}` is not defined: a pattern predicate cannot introduce new variables"
                            ),
                            span,
                        );
                    }
                }
            }
            ExprKind::PatternComprehension {
                pattern,
                filter,
                map,
            } => {
                // The pattern's new variables live only inside the comprehension.
                let mut inner = scope.clone();
                self.pattern(std::slice::from_ref(pattern), &mut inner, PatternUse::Match);
                if let Some(f) = filter {
                    self.boolean_operand(f, &inner);
                    self.expr(f, &inner, false);
                }
                self.expr(map, &inner, false);
            }
            ExprKind::Binary(BinaryOp::And | BinaryOp::Or | BinaryOp::Xor, a, b) => {
                self.boolean_operand(a, scope);
                self.boolean_operand(b, scope);
                self.expr(a, scope, aggregates_allowed);
                self.expr(b, scope, aggregates_allowed);
            }
            ExprKind::Unary(UnaryOp::Not, a) => {
                self.boolean_operand(a, scope);
                self.expr(a, scope, aggregates_allowed);
            }
            ExprKind::Binary(BinaryOp::In, a, b) => {
                if matches!(
                    static_type(b, scope),
                    Ty::Bool
                        | Ty::Int
                        | Ty::Float
                        | Ty::String
                        | Ty::Map
                        | Ty::Node
                        | Ty::Rel
                        | Ty::Path
                ) {
                    self.error(
                        "InvalidArgumentType",
                        "IN needs a list on its right",
                        b.span,
                    );
                }
                self.expr(a, scope, aggregates_allowed);
                self.expr(b, scope, aggregates_allowed);
            }
            ExprKind::Property(base, _) => {
                match static_type(base, scope) {
                    Ty::Path => {
                        self.error("InvalidArgumentType", "a path has no properties", base.span)
                    }
                    Ty::Bool | Ty::Int | Ty::Float | Ty::String | Ty::List => self.errors.push(
                        QueryError::new(
                            Phase::Compile,
                            ErrorKind::TypeError,
                            "InvalidArgumentType",
                            "only maps, nodes and relationships have properties",
                        )
                        .with_span(base.span),
                    ),
                    _ => {}
                }
                self.expr(base, scope, aggregates_allowed);
            }
            _ => for_each_child(e, |c| self.expr(c, scope, aggregates_allowed)),
        }
    }

    fn boolean_operand(&mut self, e: &Expr, scope: &Scope) {
        let ty = static_type(e, scope);
        if !matches!(ty, Ty::Any | Ty::Bool | Ty::Null) {
            self.error(
                "InvalidArgumentType",
                "boolean operators need boolean operands",
                e.span,
            );
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatternUse {
    Match,
    Create,
    Merge,
}

/// The argument types a graph or collection function accepts, for the
/// checks that can be made on the text.
fn accepted_types(name: &str) -> Option<&'static [Ty]> {
    Some(match name.to_lowercase().as_str() {
        "properties" | "keys" => &[Ty::Node, Ty::Rel, Ty::Map],
        "evidence" => &[Ty::Node, Ty::Rel],
        "labels" => &[Ty::Node],
        "type" | "startnode" | "endnode" => &[Ty::Rel],
        "length" | "nodes" | "relationships" => &[Ty::Path],
        "size" => &[Ty::List, Ty::String, Ty::Map],
        _ => return None,
    })
}

/// The type an expression surely has, or `Any`.
fn static_type(e: &Expr, scope: &Scope) -> Ty {
    match &e.kind {
        ExprKind::Literal(Literal::Null) => Ty::Null,
        ExprKind::Literal(Literal::Bool(_)) => Ty::Bool,
        ExprKind::Literal(Literal::Int(_)) => Ty::Int,
        ExprKind::Literal(Literal::Float(_)) => Ty::Float,
        ExprKind::Literal(Literal::String(_)) => Ty::String,
        ExprKind::List(_)
        | ExprKind::ListComprehension { .. }
        | ExprKind::PatternComprehension { .. } => Ty::List,
        ExprKind::PatternPredicate(_) => Ty::Bool,
        ExprKind::Map(_) => Ty::Map,
        ExprKind::Paren(inner) => static_type(inner, scope),
        ExprKind::Var(v) => match scope.get(v) {
            Some(Kind::Value(t)) => *t,
            Some(Kind::Node) => Ty::Node,
            Some(Kind::Rel) => Ty::Rel,
            Some(Kind::Path) => Ty::Path,
            Some(Kind::RelList) => Ty::List,
            None => Ty::Any,
        },
        ExprKind::Compare(..)
        | ExprKind::IsNull(..)
        | ExprKind::Binary(
            BinaryOp::And
            | BinaryOp::Or
            | BinaryOp::Xor
            | BinaryOp::StartsWith
            | BinaryOp::EndsWith
            | BinaryOp::Contains
            | BinaryOp::Regex
            | BinaryOp::In,
            _,
            _,
        )
        | ExprKind::Unary(UnaryOp::Not, _) => Ty::Any,
        ExprKind::Binary(
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod,
            a,
            b,
        ) => match (static_type(a, scope), static_type(b, scope)) {
            (Ty::Int, Ty::Int) => Ty::Int,
            (Ty::Int | Ty::Float, Ty::Int | Ty::Float) => Ty::Float,
            _ => Ty::Any,
        },
        _ => Ty::Any,
    }
}

fn is_pattern_predicate(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::PatternPredicate(_) => true,
        ExprKind::Paren(inner) => is_pattern_predicate(inner),
        _ => false,
    }
}

/// The named nodes and relationships of a pattern, in order.
fn pattern_vars(part: &PatternPart) -> Vec<(&str, Span)> {
    let nodes = std::iter::once(&part.start).chain(part.hops.iter().map(|(_, n)| n));
    let rels = part.hops.iter().map(|(r, _)| r);
    nodes
        .filter_map(|n| n.var.as_ref())
        .chain(rels.filter_map(|r| r.var.as_ref()))
        .map(|v| (v.name.as_str(), v.span))
        .collect()
}

/// A grouping key that an aggregating expression may reuse: a variable or
/// a property of one.
fn is_simple_key(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Var(_) => true,
        ExprKind::Property(base, _) => matches!(base.kind, ExprKind::Var(_)),
        ExprKind::Paren(inner) => is_simple_key(inner),
        _ => false,
    }
}

fn contains_rand(e: &Expr) -> bool {
    let mut found =
        matches!(&e.kind, ExprKind::Function { name, .. } if name.eq_ignore_ascii_case("rand"));
    for_each_child(e, |c| found |= contains_rand(c));
    found
}

fn collect_vars(e: &Expr, out: &mut Vec<String>) {
    if let ExprKind::Var(v) = &e.kind {
        out.push(v.clone());
    }
    for_each_child(e, |c| collect_vars(c, out));
}
