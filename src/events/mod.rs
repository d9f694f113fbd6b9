//! The typed events the push parser emits, one or more per input line.
//!
//! Events borrow from the input (the chunk being fed, or the carry-over line): a sink that
//! wants to keep one copies what it needs. Every event says where it came from (1-based
//! line number and byte offset) and which capture it belongs to (periodic logs hold many).

pub mod json;

pub use crate::push::Position;
pub use netsift_grammar::netstat::{
    Endpoint, Host, InetCol, InetLayout, InetRow, InetState, NoticeKind, Owner, Port, Proto, Scope, TableKind,
    TcpState, Timer, TimerKind, Title, UnixCol, UnixFlags, UnixLayout, UnixRow, UnixState, UnixType, User,
};

/// A row of netstat's internet table (`tcp`, `udp`, `raw`, … sockets).
///
/// ```
/// use netsift::{Event, EventKind, Format, PushParser};
/// let mut parser = PushParser::new(Format::Netstat);
/// let mut ports = Vec::new();
/// let input = b"Active Internet connections (servers and established)\n\
/// Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n\
/// tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     \n";
/// parser.feed(input, &mut |ev: Event<'_>| {
///     if let EventKind::InetConn(conn) = ev.kind {
///         ports.push(conn.local.port.number());
///     }
/// });
/// parser.finish(&mut |_: Event<'_>| {});
/// assert_eq!(ports, vec![Some(22)]);
/// ```
pub type InetConn<'a> = InetRow<'a>;

/// A row of netstat's unix domain socket table.
pub type UnixSocket<'a> = UnixRow<'a>;

/// One event: where it came from, which capture, and what it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event<'a> {
    /// Where its (first) line starts.
    pub at: Position,
    /// Which capture of the input it belongs to, from 1. A title after rows of the same
    /// kind starts a new capture, as in periodic capture logs.
    pub capture: u32,
    /// What it is.
    pub kind: EventKind<'a>,
}

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventKind<'a> {
    /// A table began: its title, and its header when there was one.
    Section(Section<'a>),
    /// A row of the internet table.
    InetConn(InetConn<'a>),
    /// A row of the unix table.
    UnixSocket(UnixSocket<'a>),
    /// A known line that is not table content (a warning, a time stamp).
    Notice(Notice<'a>),
    /// A line that did not parse.
    Malformed(Malformed<'a>),
}

impl EventKind<'_> {
    /// The snake_case name of the kind, as in the JSON output and `netsift count`.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Section(_) => "section",
            EventKind::InetConn(_) => "inet_conn",
            EventKind::UnixSocket(_) => "unix_socket",
            EventKind::Notice(_) => "notice",
            EventKind::Malformed(_) => "malformed",
        }
    }
}

/// The columns a table's header announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Columns {
    /// Internet table.
    Inet(InetLayout),
    /// Unix table.
    Unix(UnixLayout),
    /// A foreign table (Bluetooth, IPX, …), whose rows netsift skips.
    Other,
}

/// A table began.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Section<'a> {
    /// The title, typed.
    pub title: Title,
    /// The header line, when the title was followed by one.
    pub header: Option<&'a [u8]>,
    /// The columns the rows have (inferred from the first row when there was no header).
    pub columns: Columns,
}

/// A known line that is not table content.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Notice<'a> {
    /// Which message.
    pub kind: NoticeKind,
    /// Its text.
    pub text: &'a [u8],
}

/// Why a line did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The grammar stopped at `column` (0-based byte offset), expecting `expected`.
    Grammar {
        /// 0-based byte offset of the first byte that did not fit.
        column: usize,
        /// What the grammar wanted there.
        expected: &'static str,
    },
    /// The line was longer than the parser's line cap and was skipped unread.
    TooLong {
        /// Its full length in bytes.
        length: u64,
        /// The cap it exceeded.
        cap: usize,
    },
}

/// A line that did not parse, with enough to show the user where and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Malformed<'a> {
    /// The line's bytes (for an over-long line, its first bytes only).
    pub raw: &'a [u8],
    /// What went wrong.
    pub problem: Problem,
}

impl Malformed<'_> {
    /// 1-based column of the first byte that did not fit.
    pub fn column(&self) -> usize {
        match self.problem {
            Problem::Grammar { column, .. } => column + 1,
            Problem::TooLong { cap, .. } => cap + 1,
        }
    }

    /// A one-line reason, e.g. "expected an address:port".
    pub fn reason(&self) -> String {
        match self.problem {
            Problem::Grammar { expected, .. } => format!("expected {expected}"),
            Problem::TooLong { length, cap } => {
                format!("line of {length} bytes is longer than the {cap}-byte line cap")
            }
        }
    }
}
