//! Expressions: one function per precedence level of the grammar, from
//! `OR` down to atoms, each folding its operator chain left to right.

use pest::iterators::Pair;

use super::{
    check_chain, compile_error, internal, node_labels, path_chain, property_key, span_of,
    unescape_name, variable, Children, Result, Rule,
};
use crate::cypher::ast::*;

pub(super) fn expression(pair: Pair<'_, Rule>) -> Result<Expr> {
    let inner = Children::new(pair).take(Rule::or_expr)?;
    or_expr(inner)
}

/// Left-associative chain `a OP b OP c` where every operator is `op`.
fn keyword_chain(
    pair: Pair<'_, Rule>,
    op: BinaryOp,
    operand: fn(Pair<'_, Rule>) -> Result<Expr>,
) -> Result<Expr> {
    let mut iter = pair
        .into_inner()
        .filter(|p| !matches!(p.as_rule(), Rule::OR | Rule::XOR | Rule::AND));
    let first = iter
        .next()
        .ok_or_else(|| internal("empty operator chain", 0))?;
    let mut expr = operand(first)?;
    for (count, next) in iter.enumerate() {
        check_chain(count, expr.span)?;
        let rhs = operand(next)?;
        expr = binary(op, expr, rhs);
    }
    Ok(expr)
}

fn or_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    keyword_chain(pair, BinaryOp::Or, xor_expr)
}

fn xor_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    keyword_chain(pair, BinaryOp::Xor, and_expr)
}

fn and_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    keyword_chain(pair, BinaryOp::And, not_expr)
}

fn not_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    let mut nots = Vec::new();
    let mut inner = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::NOT => nots.push(p.as_span().start()),
            _ => inner = Some(p),
        }
    }
    let inner = inner.ok_or_else(|| internal("NOT without operand", 0))?;
    check_chain(nots.len(), span_of(&inner))?;
    let mut expr = comparison(inner)?;
    for start in nots.into_iter().rev() {
        let span = Span {
            start,
            end: expr.span.end,
        };
        expr = Expr {
            kind: ExprKind::Unary(UnaryOp::Not, Box::new(expr)),
            span,
        };
    }
    Ok(expr)
}

fn comparison(pair: Pair<'_, Rule>) -> Result<Expr> {
    let span = span_of(&pair);
    let mut c = Children::new(pair);
    let first = predicate_expr(c.take(Rule::predicate_expr)?)?;
    let mut rest = Vec::new();
    while let Some(op) = c.optional(Rule::comparison_op) {
        check_chain(rest.len(), span)?;
        let op = match op.as_str() {
            "=" => CompareOp::Eq,
            "<>" => CompareOp::Ne,
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            _ => CompareOp::Ge,
        };
        rest.push((op, predicate_expr(c.take(Rule::predicate_expr)?)?));
    }
    if rest.is_empty() {
        Ok(first)
    } else {
        Ok(Expr {
            kind: ExprKind::Compare(Box::new(first), rest),
            span,
        })
    }
}

fn predicate_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    let mut c = Children::new(pair);
    let mut expr = add_expr(c.take(Rule::add_expr)?)?;
    let mut count = 0;
    while c.peek_rule().is_some() {
        count += 1;
        check_chain(count, expr.span)?;
        let suffix = c.next()?;
        let end = suffix.as_span().end();
        let span = Span {
            start: expr.span.start,
            end,
        };
        let rule = suffix.as_rule();
        let kind = match rule {
            Rule::is_null => ExprKind::IsNull(Box::new(expr), false),
            Rule::is_not_null => ExprKind::IsNull(Box::new(expr), true),
            _ => {
                let op = match rule {
                    Rule::in_suffix => BinaryOp::In,
                    Rule::starts_with => BinaryOp::StartsWith,
                    Rule::ends_with => BinaryOp::EndsWith,
                    Rule::contains => BinaryOp::Contains,
                    _ => BinaryOp::Regex,
                };
                let rhs_pair = suffix
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::add_expr)
                    .ok_or_else(|| internal("predicate without operand", end))?;
                ExprKind::Binary(op, Box::new(expr), Box::new(add_expr(rhs_pair)?))
            }
        };
        expr = Expr { kind, span };
    }
    Ok(expr)
}

/// Left-associative chain with operator tokens between operands.
fn symbol_chain(
    pair: Pair<'_, Rule>,
    operand: fn(Pair<'_, Rule>) -> Result<Expr>,
    op_of: fn(&str) -> BinaryOp,
    op_rule: Option<Rule>,
) -> Result<Expr> {
    let mut iter = pair.into_inner();
    let first = iter
        .next()
        .ok_or_else(|| internal("empty operator chain", 0))?;
    let mut expr = operand(first)?;
    let mut pending_op = None;
    for (count, p) in iter.enumerate() {
        check_chain(count / 2, expr.span)?;
        if Some(p.as_rule()) == op_rule {
            pending_op = Some(op_of(p.as_str()));
            continue;
        }
        let op = pending_op.take().unwrap_or_else(|| op_of("^"));
        let rhs = operand(p)?;
        expr = binary(op, expr, rhs);
    }
    Ok(expr)
}

fn add_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    symbol_chain(
        pair,
        mul_expr,
        |s| {
            if s == "+" {
                BinaryOp::Add
            } else {
                BinaryOp::Sub
            }
        },
        Some(Rule::add_op),
    )
}

fn mul_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    symbol_chain(
        pair,
        pow_expr,
        |s| match s {
            "*" => BinaryOp::Mul,
            "/" => BinaryOp::Div,
            _ => BinaryOp::Mod,
        },
        Some(Rule::mul_op),
    )
}

fn pow_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    symbol_chain(pair, unary_expr, |_| BinaryOp::Pow, None)
}

fn unary_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    let mut ops = Vec::new();
    let mut inner = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::unary_op => ops.push((p.as_str() == "-", p.as_span().start())),
            _ => inner = Some(p),
        }
    }
    let inner = inner.ok_or_else(|| internal("unary without operand", 0))?;
    check_chain(ops.len(), span_of(&inner))?;
    // `-9223372036854775808` is a valid literal although its digits alone overflow.
    let mut expr = match ops.last() {
        Some((true, start)) => match negative_integer_literal(&inner, *start)? {
            Some(e) => {
                ops.pop();
                e
            }
            None => postfix_expr(inner)?,
        },
        _ => postfix_expr(inner)?,
    };
    for (negative, start) in ops.into_iter().rev() {
        let span = Span {
            start,
            end: expr.span.end,
        };
        let op = if negative { UnaryOp::Neg } else { UnaryOp::Pos };
        expr = Expr {
            kind: ExprKind::Unary(op, Box::new(expr)),
            span,
        };
    }
    Ok(expr)
}

/// When `pair` is a bare integer literal, the negated literal.
fn negative_integer_literal(pair: &Pair<'_, Rule>, start: usize) -> Result<Option<Expr>> {
    let mut inner = pair.clone().into_inner();
    let (Some(atom), None) = (inner.next(), inner.next()) else {
        return Ok(None);
    };
    if atom.as_rule() != Rule::integer {
        return Ok(None);
    }
    let span = Span {
        start,
        end: atom.as_span().end(),
    };
    let value = parse_integer(atom.as_str(), true, span)?;
    Ok(Some(Expr {
        kind: ExprKind::Literal(Literal::Int(value)),
        span,
    }))
}

fn parse_integer(text: &str, negative: bool, span: Span) -> Result<i64> {
    let (digits, radix) = if let Some(h) = text.strip_prefix("0x") {
        (h, 16)
    } else if let Some(o) = text.strip_prefix("0o") {
        (o, 8)
    } else {
        (text, 10)
    };
    let magnitude = u64::from_str_radix(digits, radix)
        .map_err(|_| compile_error("IntegerOverflow", "integer literal is too large", span))?;
    let value = if negative {
        if magnitude == 1 << 63 {
            Some(i64::MIN)
        } else {
            i64::try_from(magnitude).ok().map(|v| -v)
        }
    } else {
        i64::try_from(magnitude).ok()
    };
    value.ok_or_else(|| compile_error("IntegerOverflow", "integer literal is too large", span))
}

fn postfix_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    let mut c = Children::new(pair);
    let mut expr = atom(c.next()?)?;
    let mut count = 0;
    while c.peek_rule().is_some() {
        count += 1;
        check_chain(count, expr.span)?;
        let p = c.next()?;
        let span = Span {
            start: expr.span.start,
            end: p.as_span().end(),
        };
        let rule = p.as_rule();
        let kind = match rule {
            Rule::property_lookup => {
                let key = property_key(Children::new(p).take(Rule::property_key)?)?;
                ExprKind::Property(Box::new(expr), key.name)
            }
            Rule::index => {
                let index = expression(Children::new(p).take(Rule::expression)?)?;
                ExprKind::Index(Box::new(expr), Box::new(index))
            }
            Rule::slice => {
                let mut from = None;
                let mut to = None;
                for part in p.into_inner() {
                    let rule = part.as_rule();
                    let e = expression(Children::new(part).take(Rule::expression)?)?;
                    if rule == Rule::slice_from {
                        from = Some(Box::new(e));
                    } else {
                        to = Some(Box::new(e));
                    }
                }
                ExprKind::Slice(Box::new(expr), from, to)
            }
            _ => {
                let labels = node_labels(Children::new(p).take(Rule::node_labels)?)?;
                ExprKind::HasLabels(Box::new(expr), labels.into_iter().map(|l| l.name).collect())
            }
        };
        expr = Expr { kind, span };
    }
    Ok(expr)
}

pub(super) fn paren_expression(pair: Pair<'_, Rule>) -> Result<Expr> {
    let span = span_of(&pair);
    let inner = expression(Children::new(pair).take(Rule::expression)?)?;
    Ok(Expr {
        kind: ExprKind::Paren(Box::new(inner)),
        span,
    })
}

pub(super) fn atom(pair: Pair<'_, Rule>) -> Result<Expr> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let kind = match rule {
        Rule::integer => {
            ExprKind::Literal(Literal::Int(parse_integer(pair.as_str(), false, span)?))
        }
        Rule::float => {
            let value: f64 = pair
                .as_str()
                .parse()
                .map_err(|_| compile_error("InvalidNumberLiteral", "invalid number", span))?;
            if value.is_infinite() {
                return Err(compile_error(
                    "FloatingPointOverflow",
                    "floating point literal is too large",
                    span,
                ));
            }
            ExprKind::Literal(Literal::Float(value))
        }
        Rule::string_literal => {
            ExprKind::Literal(Literal::String(unescape_string(pair.as_str(), span)?))
        }
        Rule::boolean => {
            ExprKind::Literal(Literal::Bool(pair.as_str().eq_ignore_ascii_case("true")))
        }
        Rule::null_literal => ExprKind::Literal(Literal::Null),
        Rule::parameter => {
            let name = pair.as_str().trim_start_matches('$');
            ExprKind::Param(unescape_name(name))
        }
        Rule::variable => ExprKind::Var(variable(pair)?.name),
        Rule::paren_expression => return paren_expression(pair),
        Rule::count_star => ExprKind::CountStar,
        Rule::list_literal => {
            ExprKind::List(pair.into_inner().map(expression).collect::<Result<_>>()?)
        }
        Rule::map_literal => {
            let mut entries = Vec::new();
            for entry in pair.into_inner() {
                let mut ec = Children::new(entry);
                let key = property_key(ec.take(Rule::property_key)?)?;
                let value = expression(ec.take(Rule::expression)?)?;
                entries.push((key.name, value));
            }
            ExprKind::Map(entries)
        }
        Rule::case_expr => case_expr(pair)?,
        Rule::function_call => {
            let mut c = Children::new(pair);
            let name = c.take(Rule::function_name)?.as_str().to_string();
            let distinct = c.optional(Rule::DISTINCT).is_some();
            let mut args = Vec::new();
            while c.peek_rule().is_some() {
                args.push(expression(c.take(Rule::expression)?)?);
            }
            ExprKind::Function {
                name,
                distinct,
                args,
            }
        }
        Rule::list_comprehension => {
            let mut c = Children::new(pair);
            let var = variable(c.take(Rule::variable)?)?.name;
            c.take(Rule::IN)?;
            let list = Box::new(expression(c.take(Rule::expression)?)?);
            let mut filter = None;
            let mut map = None;
            if c.optional(Rule::WHERE).is_some() {
                filter = Some(Box::new(expression(c.take(Rule::expression)?)?));
            }
            if c.optional(Rule::bar).is_some() {
                map = Some(Box::new(expression(c.take(Rule::expression)?)?));
            }
            ExprKind::ListComprehension {
                var,
                list,
                filter,
                map,
            }
        }
        Rule::quantifier => {
            let mut c = Children::new(pair);
            let quantifier = match c
                .take(Rule::quantifier_name)?
                .as_str()
                .to_lowercase()
                .as_str()
            {
                "all" => Quantifier::All,
                "any" => Quantifier::Any,
                "none" => Quantifier::None,
                _ => Quantifier::Single,
            };
            let var = variable(c.take(Rule::variable)?)?.name;
            c.take(Rule::IN)?;
            let list = Box::new(expression(c.take(Rule::expression)?)?);
            c.take(Rule::WHERE)?;
            let predicate = Box::new(expression(c.take(Rule::expression)?)?);
            ExprKind::Quantified {
                quantifier,
                var,
                list,
                predicate,
            }
        }
        Rule::pattern_predicate => {
            let chain = Children::new(pair).take(Rule::relationships_chain)?;
            ExprKind::PatternPredicate(Box::new(pattern_of(None, chain)?))
        }
        Rule::pattern_comprehension => {
            let mut c = Children::new(pair);
            let var = c.optional(Rule::variable).map(variable).transpose()?;
            let pattern = Box::new(pattern_of(var, c.take(Rule::relationships_chain)?)?);
            let filter = if c.optional(Rule::WHERE).is_some() {
                Some(Box::new(expression(c.take(Rule::expression)?)?))
            } else {
                None
            };
            c.take(Rule::bar)?;
            let map = Box::new(expression(c.take(Rule::expression)?)?);
            ExprKind::PatternComprehension {
                pattern,
                filter,
                map,
            }
        }
        other => return Err(internal(&format!("unexpected atom {other:?}"), span.start)),
    };
    Ok(Expr { kind, span })
}

/// A pattern written inside an expression (a `relationships_chain`).
fn pattern_of(var: Option<Ident>, chain: Pair<'_, Rule>) -> Result<PatternPart> {
    let span = span_of(&chain);
    let (start, hops) = path_chain(chain)?;
    Ok(PatternPart {
        var,
        kind: PathKind::All,
        start,
        hops,
        span,
    })
}

fn case_expr(pair: Pair<'_, Rule>) -> Result<ExprKind> {
    let mut operand = None;
    let mut whens = Vec::new();
    let mut otherwise = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::case_operand => {
                operand = Some(Box::new(expression(
                    Children::new(p).take(Rule::expression)?,
                )?))
            }
            Rule::case_when => {
                let mut c = Children::new(p);
                c.take(Rule::WHEN)?;
                let when = expression(c.take(Rule::expression)?)?;
                c.take(Rule::THEN)?;
                whens.push((when, expression(c.take(Rule::expression)?)?));
            }
            Rule::case_else => {
                let mut c = Children::new(p);
                c.take(Rule::ELSE)?;
                otherwise = Some(Box::new(expression(c.take(Rule::expression)?)?));
            }
            _ => {}
        }
    }
    Ok(ExprKind::Case {
        operand,
        whens,
        otherwise,
    })
}

/// The value of a quoted string literal, escapes resolved.
fn unescape_string(text: &str, span: Span) -> Result<String> {
    let inner = &text[1..text.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some(q @ ('\'' | '"' | '\\')) => out.push(q),
            Some(u @ ('u' | 'U')) => {
                let len = if u == 'u' { 4 } else { 8 };
                let hex: String = chars.by_ref().take(len).collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == len)
                    .and_then(char::from_u32)
                    .ok_or_else(|| {
                        compile_error("InvalidUnicodeLiteral", "invalid unicode escape", span)
                    })?;
                out.push(code);
            }
            other => {
                out.push('\\');
                if let Some(o) = other {
                    out.push(o);
                }
            }
        }
    }
    Ok(out)
}

/// `lhs op rhs`, spanning both operands.
fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = Span {
        start: lhs.span.start,
        end: rhs.span.end,
    };
    Expr {
        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
        span,
    }
}
