//! The nesting check run before pest: pest recurses once per open bracket
//! and per open `CASE`, so a query nested deeper than `MAX_NESTING` is
//! refused here, in one linear pass that never recurses.
//!
//! The pass lexes strings, backtick names and both kinds of comment
//! exactly as the grammar does, so a bracket or quote inside any of them
//! neither counts nor hides the brackets after it. `CASE` opens a level
//! and `END` closes one only where they can be the keywords: not after
//! `.`, `:`, `|` or `$` (a key, label, type or parameter named `case`) and
//! not before `:` (a map key). Counting a word that is not the keyword can
//! only make the check stricter, never let a deeper query through.

use super::super::ast::Span;
use super::{compile_error, Result};

/// Deepest nesting of brackets and `CASE` a query may have.
pub(super) const MAX_NESTING: usize = 64;

/// A token of the nesting pass: what matters for depth, nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'q> {
    Open,
    Close,
    Word(&'q str),
    /// Any other character outside strings and comments.
    Punct(char),
    /// A string literal or a backtick name.
    Quoted,
}

/// Rejects a query nested deeper than `MAX_NESTING`.
pub(super) fn check_nesting(query: &str) -> Result<()> {
    let tokens = tokens(query);
    let mut depth = 0usize;
    for (i, &(at, token)) in tokens.iter().enumerate() {
        let keyword = |word: &str| match token {
            Token::Word(w) if w.eq_ignore_ascii_case(word) => {
                let after_name_sigil = i
                    .checked_sub(1)
                    .and_then(|p| tokens.get(p))
                    .is_some_and(|(_, t)| matches!(t, Token::Punct('.' | ':' | '|' | '$')));
                let before_colon = tokens
                    .get(i + 1)
                    .is_some_and(|(_, t)| *t == Token::Punct(':'));
                !after_name_sigil && !before_colon
            }
            _ => false,
        };
        let opens = token == Token::Open || keyword("case");
        let closes = token == Token::Close || keyword("end");
        if opens {
            depth += 1;
            if depth > MAX_NESTING {
                let width = match token {
                    Token::Word(w) => w.len(),
                    _ => 1,
                };
                return Err(compile_error(
                    "NestingTooDeep",
                    format!(
                        "the query nests brackets and CASE expressions more than {MAX_NESTING} deep"
                    ),
                    Span {
                        start: at,
                        end: at + width,
                    },
                ));
            }
        } else if closes {
            depth = depth.saturating_sub(1);
        }
    }
    Ok(())
}

/// The query's tokens with their byte offsets; white space and comments
/// are left out. An unterminated string or comment runs to the end (pest
/// then reports the syntax error).
fn tokens(query: &str) -> Vec<(usize, Token<'_>)> {
    let bytes = query.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        match c {
            b'\'' | b'"' | b'`' => {
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b'\\' && c != b'`' {
                        i += 2;
                    } else if bytes[i] == c {
                        i += 1;
                        break;
                    } else {
                        i += 1;
                    }
                }
                out.push((start, Token::Quoted));
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = query[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = query[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                out.push((start, Token::Open));
            }
            b')' | b']' | b'}' => {
                i += 1;
                out.push((start, Token::Close));
            }
            _ if c.is_ascii_whitespace() => i += 1,
            _ => {
                let Some(ch) = query[i..].chars().next() else {
                    break;
                };
                if is_word_char(ch) {
                    let len = query[i..]
                        .find(|d: char| !is_word_char(d))
                        .unwrap_or(bytes.len() - i);
                    out.push((start, Token::Word(&query[i..i + len])));
                    i += len;
                } else {
                    if !ch.is_whitespace() {
                        out.push((start, Token::Punct(ch)));
                    }
                    i += ch.len_utf8();
                }
            }
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, close: &str, n: usize) -> String {
        format!("RETURN {}1{}", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn counts_brackets_and_case_but_not_what_strings_and_comments_hold() {
        let ok = [
            nested("(", ")", MAX_NESTING),
            nested("CASE WHEN true THEN ", " END", MAX_NESTING),
            // a bracket in a comment or string does not count
            format!("RETURN /* {} */ 1", "(".repeat(1000)),
            format!("RETURN '{}' AS s", "[".repeat(1000)),
            format!("RETURN 1 // {}\n", "{".repeat(1000)),
            format!("RETURN \"\\\"{}\" AS s", "(".repeat(1000)),
            format!("RETURN `{}` AS s", "(".repeat(1000)),
            // names spelled like the keywords are not keywords
            format!("MATCH (n) RETURN {}", vec!["n.case"; 200].join(", ")),
            "RETURN {case: 1, a: {case: 2}}".to_string(),
            format!("MATCH (n:case) RETURN {}", vec!["$case"; 200].join(", ")),
        ];
        for query in ok {
            assert_eq!(check_nesting(&query), Ok(()), "{query}");
        }
        let too_deep = [
            nested("(", ")", MAX_NESTING + 1),
            nested("[", "]", MAX_NESTING + 1),
            nested("CASE WHEN true THEN ", " END", MAX_NESTING + 1),
            nested("CASE WHEN true THEN (", ") END", MAX_NESTING / 2 + 1),
            // a quote inside a block comment hides nothing
            format!("RETURN /*'*/{}1{}/*'*/", "(".repeat(100), ")".repeat(100)),
            format!("RETURN /*\"*/{}1{}", "(".repeat(100), ")".repeat(100)),
            // `n.end` closes nothing
            format!(
                "RETURN {}n{}",
                "CASE WHEN n.end THEN ".repeat(100),
                " END".repeat(100)
            ),
        ];
        for query in too_deep {
            let error = check_nesting(&query).unwrap_err();
            assert_eq!(error.code, "NestingTooDeep", "{query}");
        }
    }
}
