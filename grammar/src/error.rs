//! The one error every line parser returns: where it stopped and what it wanted there.

use nom::error::{ErrorKind, ParseError};

use crate::Span;

/// A line did not fit the grammar.
///
/// `column` is the 0-based byte offset in the line of the first byte that did not fit;
/// `expected` says, in words a user understands, what the grammar wanted there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineError {
    /// 0-based byte offset within the line.
    pub column: usize,
    /// What the grammar expected at `column`, e.g. "an address:port".
    pub expected: &'static str,
}

impl LineError {
    /// An error at `column` expecting `expected`.
    pub fn new(column: usize, expected: &'static str) -> Self {
        LineError { column, expected }
    }
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: expected {}", self.column + 1, self.expected)
    }
}

impl std::error::Error for LineError {}

impl<'a> ParseError<Span<'a>> for LineError {
    fn from_error_kind(input: Span<'a>, kind: ErrorKind) -> Self {
        LineError { column: input.location_offset(), expected: describe(kind) }
    }

    fn append(_input: Span<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

/// A generic description of what a bare nom combinator wanted; the grammar wraps its
/// parsers with [`crate::lex::expect`] so that users see domain words instead.
fn describe(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Digit => "a digit",
        ErrorKind::Space | ErrorKind::MultiSpace => "a blank",
        ErrorKind::Tag => "a keyword",
        ErrorKind::Eof => "the end of the line",
        _ => "something else",
    }
}
