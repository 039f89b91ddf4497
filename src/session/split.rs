//! Splitting input into statements: a Cypher statement ends at a `;`
//! outside strings (`'…'`, `"…"`, `` `…` ``) and comments (`//…`, `/*…*/`);
//! a line whose first word starts with `:` is a meta-command ending with
//! its line. The REPL and `kg run` share it, so a `;` inside a string never
//! ends a statement in either.

/// One complete piece of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'a> {
    /// Byte offset of `text` in the input.
    pub start: usize,
    /// The statement (without its `;`) or the meta-command line.
    pub text: &'a str,
    pub kind: PieceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    Statement,
    Command,
}

/// What is left after the last complete piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// Nothing but white space and comments.
    Empty,
    /// A statement without its `;` yet.
    Open { start: usize },
    /// Inside a string or block comment opened at `start`.
    Unclosed { start: usize, what: &'static str },
}

/// The pieces of `input` and what follows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub pieces: Vec<Piece<'a>>,
    pub tail: Tail,
}

impl Split<'_> {
    /// Whether the input ends where a statement may end (the REPL runs it).
    pub fn is_complete(&self) -> bool {
        self.tail == Tail::Empty
    }
}

/// Where the lexer is inside the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Quoted(u8),
    LineComment,
    BlockComment,
}

/// Splits `input`. Meta-commands are recognised at the start of a piece
/// only; a line ending a meta-command may also end with `;`.
pub fn split(input: &str) -> Split<'_> {
    let bytes = input.as_bytes();
    let mut pieces = Vec::new();
    let mut piece_start: Option<usize> = None;
    let mut state = State::Code;
    let mut opened = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match state {
            State::Code => {
                if b == b'/' && next == Some(b'/') {
                    state = State::LineComment;
                    i += 2;
                    continue;
                }
                if b == b'/' && next == Some(b'*') {
                    state = State::BlockComment;
                    opened = i;
                    i += 2;
                    continue;
                }
                match piece_start {
                    None if b.is_ascii_whitespace() => {}
                    None if b == b';' => {}
                    None if b == b':' => {
                        let end = input[i..].find('\n').map_or(input.len(), |n| i + n);
                        let text = input[i..end].trim_end();
                        let text = text.strip_suffix(';').unwrap_or(text).trim_end();
                        pieces.push(Piece {
                            start: i,
                            text,
                            kind: PieceKind::Command,
                        });
                        i = end;
                        continue;
                    }
                    _ => {
                        let start = *piece_start.get_or_insert(i);
                        if b == b';' {
                            pieces.push(Piece {
                                start,
                                text: input[start..i].trim_end(),
                                kind: PieceKind::Statement,
                            });
                            piece_start = None;
                        } else if matches!(b, b'\'' | b'"' | b'`') {
                            state = State::Quoted(b);
                            opened = i;
                        }
                    }
                }
            }
            State::Quoted(quote) => {
                if b == b'\\' && quote != b'`' {
                    i += 2;
                    continue;
                }
                if b == quote {
                    state = State::Code;
                }
            }
            State::LineComment => {
                if b == b'\n' {
                    state = State::Code;
                }
            }
            State::BlockComment => {
                if b == b'*' && next == Some(b'/') {
                    state = State::Code;
                    i += 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    let tail = match state {
        State::Quoted(b'`') => Tail::Unclosed {
            start: opened,
            what: "backquoted name",
        },
        State::Quoted(_) => Tail::Unclosed {
            start: opened,
            what: "string",
        },
        State::BlockComment => Tail::Unclosed {
            start: opened,
            what: "comment",
        },
        State::Code | State::LineComment => match piece_start {
            Some(start) => Tail::Open { start },
            None => Tail::Empty,
        },
    };
    Split { pieces, tail }
}

/// Every piece of a script: a final statement without `;` counts too.
/// An unclosed string or comment is an error at the byte where it opened.
pub fn script_pieces(script: &str) -> Result<Vec<Piece<'_>>, (usize, String)> {
    let Split { mut pieces, tail } = split(script);
    match tail {
        Tail::Empty => {}
        Tail::Open { start } => pieces.push(Piece {
            start,
            text: script[start..].trim_end(),
            kind: PieceKind::Statement,
        }),
        Tail::Unclosed { start, what } => {
            return Err((start, format!("this {what} is never closed")));
        }
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<&str> {
        split(input).pieces.iter().map(|p| p.text).collect()
    }

    #[test]
    fn semicolons_inside_strings_and_comments_do_not_end_a_statement() {
        assert_eq!(texts("RETURN 'a;b' AS x;"), ["RETURN 'a;b' AS x"]);
        assert_eq!(texts("RETURN \"a;\\\"b\";"), ["RETURN \"a;\\\"b\""]);
        assert_eq!(texts("RETURN 1 // no; end\n;"), ["RETURN 1 // no; end"]);
        assert_eq!(texts("RETURN /* ; */ 1;"), ["RETURN /* ; */ 1"]);
        assert!(!split("RETURN 'open;").is_complete());
        assert!(!split("RETURN 1 // comment;").is_complete());
        assert!(!split("RETURN /* x; */ 1").is_complete());
    }

    #[test]
    fn several_statements_and_commands_on_one_input() {
        let input = "RETURN 1; RETURN 2;\n:format csv\n  MATCH (n)\nRETURN n;";
        let split = split(input);
        assert!(split.is_complete());
        let kinds: Vec<_> = split.pieces.iter().map(|p| (p.kind, p.text)).collect();
        assert_eq!(
            kinds,
            [
                (PieceKind::Statement, "RETURN 1"),
                (PieceKind::Statement, "RETURN 2"),
                (PieceKind::Command, ":format csv"),
                (PieceKind::Statement, "MATCH (n)\nRETURN n"),
            ]
        );
        assert_eq!(&input[split.pieces[3].start..][..5], "MATCH");
    }

    #[test]
    fn commands_end_with_their_line() {
        assert!(split(":help").is_complete());
        assert_eq!(texts(":timing on;"), [":timing on"]);
        assert!(split("   ").is_complete());
        assert!(split("// only a comment").is_complete());
        assert!(!split("MATCH (n)\nRETURN n").is_complete());
    }

    #[test]
    fn scripts_keep_a_last_statement_and_refuse_an_open_string() {
        let pieces = script_pieces("RETURN 1;\nRETURN 2\n").unwrap();
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[1].text, "RETURN 2");
        assert_eq!(script_pieces("RETURN 1;\nRETURN 'x").unwrap_err().0, 17);
    }
}
