//! Syntax colours for the line being typed (ANSI): keywords, strings,
//! numbers, comments, parameters, labels and types, and meta-commands.

use std::fmt::Write as _;

use super::complete::KEYWORDS;
use crate::session::lex::{self, TokenKind};

const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const COMMENT: &str = "\x1b[2m";
const PARAM: &str = "\x1b[35m";
const LABEL: &str = "\x1b[36m";
const COMMAND: &str = "\x1b[1;35m";
const RESET: &str = "\x1b[0m";

/// `line` with colour codes around its tokens.
pub fn highlight(line: &str) -> String {
    if line.trim_start().starts_with(':') {
        let end = line
            .trim_start()
            .find(char::is_whitespace)
            .map_or(line.len(), |i| line.len() - line.trim_start().len() + i);
        return format!("{COMMAND}{}{RESET}{}", &line[..end], &line[end..]);
    }
    let tokens = lex::tokens(line);
    let mut out = String::with_capacity(line.len() * 2);
    let mut after_colon = false;
    for token in &tokens {
        let text = token.text(line);
        let colour = match token.kind {
            TokenKind::Word if after_colon => Some(LABEL),
            TokenKind::Word if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(text)) => {
                Some(KEYWORD)
            }
            TokenKind::Backquoted if after_colon => Some(LABEL),
            TokenKind::String => Some(STRING),
            TokenKind::Number => Some(NUMBER),
            TokenKind::Comment => Some(COMMENT),
            TokenKind::Param => Some(PARAM),
            _ => None,
        };
        if token.kind != TokenKind::Space {
            after_colon = token.kind == TokenKind::Punct && (text == ":" || text == "|");
        }
        match colour {
            Some(colour) => {
                let _ = write!(out, "{colour}{text}{RESET}");
            }
            None => out.push_str(text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_keep_the_text() {
        let line = "MATCH (p:Person {name: 'Ana'}) RETURN p // x";
        let coloured = highlight(line);
        assert!(coloured.contains("\x1b[1;34mMATCH\x1b[0m"));
        assert!(coloured.contains("\x1b[36mPerson\x1b[0m"));
        assert!(coloured.contains("\x1b[32m'Ana'\x1b[0m"));
        let plain = regex::Regex::new("\x1b\\[[0-9;]*m")
            .unwrap()
            .replace_all(&coloured, "");
        assert_eq!(plain, line);
    }
}
