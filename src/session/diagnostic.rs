//! Error messages that point into the text a statement came from: the
//! file (or `query`, or `input` in the shell), line and column counted from
//! the start of that text, the line itself and a caret under the place.

use unicode_width::UnicodeWidthStr;

use crate::cypher::QueryError;
use crate::error::Error;

/// Where a statement sits: `source` is the whole text it was cut from
/// (a script, a line typed in the shell) and `offset` its first byte there.
#[derive(Debug, Clone, Copy)]
pub struct Location<'a> {
    pub origin: &'a str,
    pub source: &'a str,
    pub offset: usize,
}

impl<'a> Location<'a> {
    /// A statement that is its own source.
    pub fn whole(origin: &'a str, statement: &'a str) -> Location<'a> {
        Location {
            origin,
            source: statement,
            offset: 0,
        }
    }

    /// 1-based line and column (in characters) of byte `at` of the source.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let at = floor_char_boundary(self.source, at.min(self.source.len()));
        let line_start = self.source[..at].rfind('\n').map_or(0, |i| i + 1);
        let line = self.source[..at].matches('\n').count() + 1;
        (line, self.source[line_start..at].chars().count() + 1)
    }

    /// `origin:line:col` of byte `at` of the source.
    pub fn position(&self, at: usize) -> String {
        let (line, col) = self.line_col(at);
        format!("{}:{line}:{col}", self.origin)
    }

    /// `message` with the line holding byte `at` and a caret under it.
    pub fn annotate(&self, headline: &str, at: usize) -> String {
        let at = floor_char_boundary(self.source, at.min(self.source.len()));
        let line_start = self.source[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.source[at..]
            .find('\n')
            .map_or(self.source.len(), |i| at + i);
        let line = self.source[line_start..line_end].trim_end_matches('\r');
        // The caret is placed by display width, so it stays under the
        // character after wide (CJK) letters or combining marks.
        let pad = self.source[line_start..at].replace('\t', " ").width();
        format!(
            "{headline}\n --> {}\n  |\n  | {line}\n  | {}^",
            self.position(at),
            " ".repeat(pad)
        )
    }

    /// A query error rendered against this location.
    pub fn query_error(&self, error: QueryError) -> Error {
        let headline = format!("error[{}]: {}", error.code, error.message);
        let typed = matches!(self.origin, "query" | "input" | "command");
        if error.span.is_none() && typed {
            // Nothing to point at in a statement the user has in front of them.
            return Error::Query {
                rendered: headline,
                source: error,
            };
        }
        let at = self.offset + error.span.map_or(0, |s| s.start);
        Error::Query {
            rendered: self.annotate(&headline, at),
            source: error,
        }
    }

    /// Any other error of the statement here, prefixed by its position
    /// when it came from a file.
    pub fn other_error(&self, error: Error, at: usize) -> Error {
        match error {
            Error::Usage(message) if self.origin != "query" && self.origin != "input" => {
                Error::Usage(self.annotate(&format!("error: {message}"), self.offset + at))
            }
            other => other,
        }
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_place_after_wide_letters() {
        let source = "RETURN 1;\nRETURN '中文' +\n  x;";
        let location = Location {
            origin: "s.cypher",
            source,
            offset: 10,
        };
        let at = source.find('+').unwrap();
        let text = location.annotate("error: here", at);
        assert_eq!(
            text,
            "error: here\n --> s.cypher:2:13\n  |\n  | RETURN '中文' +\n  |               ^"
        );
    }
}
