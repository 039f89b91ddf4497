//! Syntax errors for people: what was expected, in user-facing names for
//! every grammar rule (the match has no wildcard arm, so a new rule cannot
//! ship without one), and the TCK detail code guessed from the text at the
//! error position.

use super::Rule;
use crate::cypher::error::{ErrorKind, Phase, QueryError, Span};

pub(super) fn syntax_error(error: pest::error::Error<Rule>, input: &str) -> QueryError {
    let position = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let message = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().map(rule_name).collect();
            names.sort_unstable();
            names.dedup();
            match names.len() {
                0 => "unexpected input".to_string(),
                1 => format!("expected {}", names[0]),
                n => format!("expected {} or {}", names[..n - 1].join(", "), names[n - 1]),
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let code = syntax_error_code(input, position);
    QueryError::new(Phase::Compile, ErrorKind::SyntaxError, code, message).with_span(Span {
        start: position,
        end: position,
    })
}

/// The TCK's detail code for a syntax error, from what is at the error
/// position: a look-alike Unicode character, a number running into
/// letters, or a malformed relationship pattern; else `UnexpectedSyntax`.
fn syntax_error_code(input: &str, position: usize) -> &'static str {
    let rest = input.get(position..).unwrap_or("");
    // pest may point at the white space before the offending token.
    let position = position + (rest.len() - rest.trim_start().len());
    let rest = rest.trim_start();
    let before = input.get(..position).unwrap_or("");
    if rest
        .chars()
        .next()
        .is_some_and(|c| !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace())
    {
        return "InvalidUnicodeCharacter";
    }
    let word_start = before
        .rfind(|c: char| !c.is_alphanumeric() && c != '_')
        .map_or(0, |i| i + 1);
    let word_end = rest
        .find(|c: char| !c.is_alphanumeric() && c != '_')
        .map_or(input.len(), |i| position + i);
    let word = input.get(word_start..word_end).unwrap_or("");
    let is_map_key = input
        .get(word_end..)
        .is_some_and(|after| after.trim_start().starts_with(':'));
    if word.starts_with(|c: char| c.is_ascii_digit())
        && word.contains(|c: char| c.is_alphabetic())
        && !is_map_key
    {
        return "InvalidNumberLiteral";
    }
    // Inside `-[ ... ]` of a MATCH, CREATE or MERGE pattern: an unclosed
    // `[` right after a `-`.
    let clause = before
        .split(|c: char| !c.is_alphanumeric())
        .rev()
        .map(str::to_ascii_uppercase)
        .find(|w| {
            matches!(
                w.as_str(),
                "MATCH" | "CREATE" | "MERGE" | "RETURN" | "WITH" | "WHERE" | "UNWIND" | "SET"
            )
        });
    let in_pattern = matches!(clause.as_deref(), Some("MATCH" | "CREATE" | "MERGE"));
    if let Some(open) = before.rfind('[').filter(|_| in_pattern) {
        let closed = before[open..].contains(']');
        if !closed && before[..open].trim_end().ends_with('-') {
            return "InvalidRelationshipPattern";
        }
    }
    "UnexpectedSyntax"
}

/// The user-facing name of a grammar rule, for "expected ..." messages.
fn rule_name(rule: &Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of input",
        Rule::WHITESPACE => "white space",
        Rule::COMMENT | Rule::comment_text => "a comment",
        Rule::query | Rule::statement | Rule::single_query => "a query",
        Rule::script => "a script",
        Rule::semicolon => "`;`",
        Rule::union => "`UNION`",
        Rule::query_mode => "`EXPLAIN` or `PROFILE`",
        Rule::match_clause => "`MATCH`",
        Rule::where_clause => "`WHERE`",
        Rule::unwind_clause => "`UNWIND`",
        Rule::create_clause => "`CREATE`",
        Rule::merge_clause => "`MERGE`",
        Rule::merge_action => "`ON CREATE` or `ON MATCH`",
        Rule::set_clause => "`SET`",
        Rule::set_property | Rule::property_target => "a property like `n.name`",
        Rule::set_merge => "`+=`",
        Rule::set_replace => "`=`",
        Rule::set_labels => "labels like `n:Label`",
        Rule::postfix_base => "a variable",
        Rule::delete_clause => "`DELETE`",
        Rule::remove_clause => "`REMOVE`",
        Rule::with_clause => "`WITH`",
        Rule::return_clause => "`RETURN`",
        Rule::projection | Rule::projection_items | Rule::projection_item => {
            "an expression to return"
        }
        Rule::star => "`*`",
        Rule::order_by => "`ORDER BY`",
        Rule::sort_item => "a sort expression",
        Rule::skip => "`SKIP`",
        Rule::limit => "`LIMIT`",
        Rule::pattern | Rule::pattern_part | Rule::path_chain => "a pattern",
        Rule::shortest_path => "`shortestPath(...)`",
        Rule::node_pattern => "a node pattern `(...)`",
        Rule::node_labels | Rule::label_check => "a label `:Label`",
        Rule::rel_pattern => "a relationship pattern `-[...]-`",
        Rule::left_arrow => "`<`",
        Rule::right_arrow => "`>`",
        Rule::rel_detail => "`[`",
        Rule::rel_types => "a relationship type `:TYPE`",
        Rule::range => "a length `*min..max`",
        Rule::range_from | Rule::range_to | Rule::range_exact | Rule::unsigned_integer => {
            "an integer"
        }
        Rule::range_dots => "`..`",
        Rule::pattern_properties => "a property map",
        Rule::label_name => "a label name",
        Rule::expression
        | Rule::or_expr
        | Rule::xor_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::comparison
        | Rule::predicate_expr
        | Rule::add_expr
        | Rule::mul_expr
        | Rule::pow_expr
        | Rule::unary_expr
        | Rule::postfix_expr
        | Rule::paren_expression
        | Rule::slice_from
        | Rule::slice_to
        | Rule::case_operand => "an expression",
        Rule::comparison_op => "a comparison operator",
        Rule::is_null | Rule::is_not_null => "`IS NULL`",
        Rule::in_suffix => "`IN`",
        Rule::starts_with => "`STARTS WITH`",
        Rule::ends_with => "`ENDS WITH`",
        Rule::contains => "`CONTAINS`",
        Rule::regex_match => "`=~`",
        Rule::add_op => "`+` or `-`",
        Rule::mul_op => "`*`, `/` or `%`",
        Rule::unary_op => "`-`",
        Rule::property_lookup => "`.`",
        Rule::property_key => "a property name",
        Rule::index | Rule::slice => "`[`",
        Rule::count_star => "`count(*)`",
        Rule::list_comprehension => "a list comprehension",
        Rule::pattern_comprehension => "a pattern comprehension",
        Rule::bar => "`|`",
        Rule::pattern_predicate | Rule::relationships_chain => "a pattern",
        Rule::quantifier | Rule::quantifier_name => "a quantifier like `all(...)`",
        Rule::function_call => "a function call",
        Rule::function_name => "a function name",
        Rule::case_expr => "`CASE`",
        Rule::case_when => "`WHEN`",
        Rule::case_else => "`ELSE`",
        Rule::parameter => "a parameter `$name`",
        Rule::variable => "a variable",
        Rule::list_literal => "a list",
        Rule::map_literal => "a map `{...}`",
        Rule::map_entry => "a map entry `key: value`",
        Rule::boolean => "`true` or `false`",
        Rule::null_literal => "`null`",
        Rule::float => "a number",
        Rule::integer => "an integer",
        Rule::string_literal => "a string",
        Rule::symbolic_name | Rule::schema_name | Rule::escaped_name => "a name",
        Rule::MATCH => "`MATCH`",
        Rule::OPTIONAL => "`OPTIONAL`",
        Rule::WHERE => "`WHERE`",
        Rule::UNWIND => "`UNWIND`",
        Rule::AS => "`AS`",
        Rule::CREATE => "`CREATE`",
        Rule::MERGE => "`MERGE`",
        Rule::ON => "`ON`",
        Rule::SET => "`SET`",
        Rule::DETACH => "`DETACH`",
        Rule::DELETE => "`DELETE`",
        Rule::REMOVE => "`REMOVE`",
        Rule::WITH => "`WITH`",
        Rule::RETURN => "`RETURN`",
        Rule::DISTINCT => "`DISTINCT`",
        Rule::ORDER => "`ORDER`",
        Rule::BY => "`BY`",
        Rule::ASCENDING | Rule::ASC => "`ASC`",
        Rule::DESCENDING | Rule::DESC => "`DESC`",
        Rule::SKIP => "`SKIP`",
        Rule::LIMIT => "`LIMIT`",
        Rule::UNION => "`UNION`",
        Rule::EXPLAIN => "`EXPLAIN`",
        Rule::PROFILE => "`PROFILE`",
        Rule::ALL => "`ALL`",
        Rule::OR => "`OR`",
        Rule::XOR => "`XOR`",
        Rule::AND => "`AND`",
        Rule::NOT => "`NOT`",
        Rule::IS => "`IS`",
        Rule::NULL => "`NULL`",
        Rule::IN => "`IN`",
        Rule::STARTS => "`STARTS`",
        Rule::ENDS => "`ENDS`",
        Rule::CONTAINS => "`CONTAINS`",
        Rule::COUNT => "`count`",
        Rule::CASE => "`CASE`",
        Rule::WHEN => "`WHEN`",
        Rule::THEN => "`THEN`",
        Rule::ELSE => "`ELSE`",
        Rule::END => "`END`",
        Rule::SHORTEST_PATH => "`shortestPath`",
        Rule::ALL_SHORTEST_PATHS => "`allShortestPaths`",
        Rule::clause => "a clause",
        Rule::set_item => "a SET item",
        Rule::remove_item => "a REMOVE item",
        Rule::dash => "`-`",
        Rule::predicate_suffix => "a predicate",
        Rule::postfix => "`.`, `[` or `:`",
        Rule::atom => "an expression",
        Rule::literal => "a literal",
        Rule::number | Rule::exponent => "a number",
        Rule::hex_integer | Rule::octal_integer | Rule::decimal_integer => "an integer",
        Rule::ident_start | Rule::ident_char => "a name",
        Rule::reserved => "a keyword",
    }
}
