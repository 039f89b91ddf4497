//! A forgiving Cypher tokenizer for the shell: it never fails (an unclosed
//! string runs to the end), so it can serve highlighting and completion of
//! half-typed input, the write check that decides when to take the lock, and
//! the warning about labels, types and keys the graph does not have.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword, function or variable name (the lexer does not tell them apart).
    Word,
    /// `'…'` or `"…"`.
    String,
    /// `` `…` ``.
    Backquoted,
    Number,
    /// `$name`.
    Param,
    /// `//…` or `/*…*/`.
    Comment,
    Space,
    /// Any other character.
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The tokens of `text`, covering it whole.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let rest = &text[start..];
        let (kind, end) = if rest.starts_with("//") {
            let end = rest.find('\n').map_or(text.len(), |n| start + n);
            (TokenKind::Comment, end)
        } else if let Some(body) = rest.strip_prefix("/*") {
            let end = body.find("*/").map_or(text.len(), |n| start + 2 + n + 2);
            (TokenKind::Comment, end)
        } else if matches!(c, '\'' | '"' | '`') {
            let mut end = text.len();
            let mut escaped = false;
            for (i, d) in rest.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if d == '\\' && c != '`' {
                    escaped = true;
                } else if d == c {
                    end = start + i + 1;
                    break;
                }
            }
            let kind = if c == '`' {
                TokenKind::Backquoted
            } else {
                TokenKind::String
            };
            (kind, end)
        } else if c.is_whitespace() {
            let len = rest
                .find(|d: char| !d.is_whitespace())
                .unwrap_or(rest.len());
            (TokenKind::Space, start + len)
        } else if c.is_ascii_digit() {
            let len = rest
                .find(|d: char| !(d.is_ascii_alphanumeric() || d == '.' || d == '_'))
                .unwrap_or(rest.len());
            // `1..3` is a range, not a number with two points.
            let len = rest[..len].find("..").unwrap_or(len);
            (TokenKind::Number, start + len)
        } else if c == '$' {
            let len = rest[1..]
                .find(|d: char| !is_word_char(d))
                .unwrap_or(rest.len() - 1);
            (TokenKind::Param, start + 1 + len)
        } else if is_word_char(c) {
            let len = rest.find(|d: char| !is_word_char(d)).unwrap_or(rest.len());
            (TokenKind::Word, start + len)
        } else {
            (TokenKind::Punct, start + c.len_utf8())
        };
        out.push(Token { kind, start, end });
        while chars.peek().is_some_and(|&(i, _)| i < end) {
            chars.next();
        }
    }
    out
}

/// Clauses that change the graph.
const WRITE_KEYWORDS: [&str; 6] = ["CREATE", "MERGE", "SET", "DELETE", "REMOVE", "DETACH"];

/// Whether a statement may change the graph (a write clause appears
/// outside strings and comments). Errs on the side of yes.
pub fn may_write(statement: &str) -> bool {
    tokens(statement).iter().any(|t| {
        t.kind == TokenKind::Word
            && WRITE_KEYWORDS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(t.text(statement)))
    })
}

/// A name a statement refers to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Name {
    Label(String),
    Type(String),
    Key(String),
}

fn unquote(token: &Token, source: &str) -> String {
    let text = token.text(source);
    match token.kind {
        TokenKind::Backquoted => text
            .trim_start_matches('`')
            .trim_end_matches('`')
            .to_string(),
        _ => text.to_string(),
    }
}

/// Labels (`:Person` inside `(…)` or after a variable), relationship types
/// (`:HOLDS|OF` inside `[…]`) and property keys (`x.name`) a statement names.
pub fn names(statement: &str) -> Vec<Name> {
    let tokens: Vec<Token> = tokens(statement)
        .into_iter()
        .filter(|t| !matches!(t.kind, TokenKind::Space | TokenKind::Comment))
        .collect();
    let mut brackets: Vec<char> = Vec::new();
    let mut out = Vec::new();
    let mut in_type_list = false;
    for (i, token) in tokens.iter().enumerate() {
        let text = token.text(statement);
        let next = tokens
            .get(i + 1)
            .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Backquoted));
        if token.kind != TokenKind::Punct {
            continue;
        }
        match text {
            "(" | "[" | "{" => brackets.push(text.chars().next().unwrap_or('(')),
            ")" | "]" | "}" => {
                brackets.pop();
                in_type_list = false;
            }
            ":" | "|" => {
                let Some(name) = next else {
                    continue;
                };
                let innermost = brackets.last().copied();
                if innermost == Some('{') {
                    continue;
                }
                if text == "|" && !in_type_list {
                    continue;
                }
                let name = unquote(name, statement);
                if innermost == Some('[') {
                    in_type_list = true;
                    out.push(Name::Type(name));
                } else {
                    out.push(Name::Label(name));
                }
            }
            "." => {
                let after_value = i.checked_sub(1).is_some_and(|p| {
                    matches!(tokens[p].kind, TokenKind::Word | TokenKind::Backquoted)
                        || tokens[p].text(statement) == ")"
                });
                if let (true, Some(name)) = (after_value, next) {
                    out.push(Name::Key(unquote(name, statement)));
                }
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_the_text_and_survive_an_open_string() {
        let text = "MATCH (p:Person {name: 'Phù";
        let tokens = tokens(text);
        assert_eq!(tokens.last().map(|t| t.kind), Some(TokenKind::String));
        let joined: String = tokens.iter().map(|t| t.text(text)).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn write_clauses_are_seen_outside_strings_only() {
        assert!(may_write("match (n) set n.x = 1"));
        assert!(may_write("CREATE (:X)"));
        assert!(!may_write("MATCH (n {name: 'CREATE'}) RETURN n // DELETE"));
    }

    #[test]
    fn names_of_labels_types_and_keys() {
        let names = names(
            "MATCH (p:Person)-[:HOLDS|OF*1..2]->(r:`Ro le`) WHERE p.name = 'x:Y' RETURN r.title, {a: 1}",
        );
        assert_eq!(
            names,
            [
                Name::Label("Person".into()),
                Name::Label("Ro le".into()),
                Name::Type("HOLDS".into()),
                Name::Type("OF".into()),
                Name::Key("name".into()),
                Name::Key("title".into()),
            ]
        );
    }
}
