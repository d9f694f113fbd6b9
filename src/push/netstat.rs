//! The state machine for netstat connection tables: which line is expected next.
//!
//! ```text
//!   outside ──title──▶ expect header ──header──▶ rows ──title──▶ expect header …
//!                           │                     │
//!                           └─(no header: infer the columns from the first row)
//! ```
//!
//! Notices are recognised in every state. A warning spliced into the middle of a row (stdout
//! and stderr merged into one file) is cut out as a notice, and the two halves of the row
//! are joined again.
//!
//! An sctp row is held until the next line: a multi-homed endpoint or association goes on
//! over continuation lines (20 blanks, an address), which are folded into it
//! ([`netstat::sctp_row`]); the row is emitted when a line that is no continuation comes.

use netsift_grammar::netstat::{self, Header, InetLayout, Scope, TableKind, Title, UnixLayout};

use super::{CheckedRow, LineStats, Position, Sink};
use crate::events::{
    Columns, Event, EventKind, Malformed, Notice, NoticeKind, Problem, Section, Table as SectionTable,
};

#[derive(Debug, Clone, PartialEq)]
enum Table {
    /// Before the first title.
    Outside,
    /// A title was read; the next line should be its header.
    ExpectHeader { title: Title, at: Position },
    /// Inside a table whose columns are known.
    Rows(Columns),
}

/// The netstat state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NetstatMachine {
    table: Table,
    capture: u32,
    seen_inet: bool,
    seen_unix: bool,
    saw_table: bool,
    /// The first half of a row that a spliced warning cut, and where it started.
    splice: Option<(Vec<u8>, Position)>,
    /// Scratch space to rejoin a spliced row.
    joined: Vec<u8>,
    /// The input's front was cut off (see [`NetstatMachine::resumed`]).
    resumed: bool,
    /// Where a held sctp row started, and how many continuation lines it has.
    sctp: Option<(Position, usize)>,
    /// The held sctp row and its continuation lines, joined by `\n` (empty when none is
    /// held; kept between rows so that holding one allocates nothing after warm-up).
    sctp_text: Vec<u8>,
}

/// The continuation lines an sctp row may have (one per further address; the kernel has no
/// limit, real hosts have a handful): beyond, the row is emitted and the lines are malformed.
const MAX_SCTP_LINES: usize = 64;

/// The bytes an sctp row and its continuation lines may hold (a continuation line is
/// about 70 bytes): the held copy stays small whatever the input.
const MAX_SCTP_BYTES: usize = 64 << 10;

impl NetstatMachine {
    pub(super) fn new() -> Self {
        NetstatMachine {
            table: Table::Outside,
            capture: 1,
            seen_inet: false,
            seen_unix: false,
            saw_table: false,
            splice: None,
            joined: Vec::new(),
            resumed: false,
            sctp: None,
            sctp_text: Vec::new(),
        }
    }

    /// A machine for `netstat -neopa` output whose front was cut off: rows before any
    /// title are read as those of the internet or unix table of `-neopa`, under a section
    /// opened for them (with the `(servers and established)` title, and no header).
    pub(super) fn resumed() -> Self {
        NetstatMachine { resumed: true, ..Self::new() }
    }

    /// The state in one form (see `PushParser::agrees`): once a table was seen, being a
    /// resumed input changes nothing; once the unix table of a capture was seen, whether
    /// its internet table was too changes nothing (both start a new capture alike); the
    /// scratch buffer is not state. Unless `captures`, the capture number and the tables
    /// seen (which only decide where the next capture starts) are left out.
    pub(super) fn canonical(&mut self, captures: bool) {
        if self.saw_table {
            self.resumed = false;
        }
        self.seen_inet |= self.seen_unix;
        self.joined = Vec::new();
        if !captures {
            self.capture = 0;
            self.seen_inet = false;
            self.seen_unix = false;
        }
    }

    /// Put every held position's line number at 0 (see `PushParser::agrees_but_for_line_numbers`).
    pub(super) fn forget_lines(&mut self) {
        if let Table::ExpectHeader { at, .. } = &mut self.table {
            at.line = 0;
        }
        if let Some((_, at)) = &mut self.splice {
            at.line = 0;
        }
        if let Some((at, _)) = &mut self.sctp {
            at.line = 0;
        }
    }

    /// Does this line begin a netstat connection table? (auto-detection)
    pub(super) fn starts(line: &[u8]) -> bool {
        // Fast rejection first (auto-detection asks this of every title and /proc line, and
        // `title` tries every language's titles): an inet or unix title starts with one of
        // their heads, so with one of the heads' first bytes.
        let first = line.first();
        netstat::words::titles()
            .any(|(_, inet, unix)| first == inet.as_bytes().first() || first == unix.as_bytes().first())
            && netstat::title(line).is_some_and(|t| t.kind != TableKind::Other)
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        if let Some((prefix, start)) = self.splice.take() {
            stats.continuations += 1;
            let mut joined = std::mem::take(&mut self.joined);
            joined.clear();
            joined.extend_from_slice(&prefix);
            joined.extend_from_slice(line);
            self.row(&joined, start, stats, sink, false);
            self.joined = joined;
            return;
        }
        if let Some((_, lines)) = &mut self.sctp {
            let held = &mut self.sctp_text;
            let room = *lines < MAX_SCTP_LINES && held.len() + line.len() < MAX_SCTP_BYTES;
            if room && netstat::sctp_continuation(line) {
                stats.continuations += 1;
                held.push(b'\n');
                held.extend_from_slice(line);
                *lines += 1;
                return;
            }
            self.flush_sctp(stats, sink);
        }
        if matches!(self.table, Table::Rows(Columns::Inet(_))) && line.starts_with(b"sctp") {
            self.sctp_text.clear();
            self.sctp_text.extend_from_slice(line);
            self.sctp = Some((at, 0));
            return;
        }
        // Fast path: inside a table, a line that starts like a row almost always is one,
        // and the hand-written readers take the rows netstat prints most (they decline the
        // rest, which the grammar's readers take next).
        if let Table::Rows(columns) = self.table {
            if looks_like_row(columns, line) {
                // The event is built where the sink takes it: a row is not moved through
                // an `Option<EventKind>` first (each move copies the whole event).
                let capture = self.capture;
                match columns {
                    Columns::Inet(layout) => {
                        if let Some(row) = netstat::fast_inet_row(line, layout) {
                            stats.rows += 1;
                            sink.event(Event { at, capture, kind: EventKind::InetConn(row) });
                            return;
                        }
                    }
                    Columns::Unix(layout) => {
                        if let Some(row) = netstat::fast_unix_row(line, layout) {
                            stats.rows += 1;
                            sink.event(Event { at, capture, kind: EventKind::UnixSocket(row) });
                            return;
                        }
                    }
                    _ => {}
                }
                if self.try_row(line, at, stats, sink) {
                    return;
                }
            }
        }
        if line.iter().all(|&b| b == b' ' || b == b'\t') {
            stats.blank += 1;
            return;
        }
        if let Some(title) = netstat::title(line) {
            stats.titles += 1;
            self.start_table(title, at, sink);
            return;
        }
        if let Table::ExpectHeader { title, at: title_at } = self.table {
            if let Some(header) = netstat::header(title.kind, line) {
                stats.headers += 1;
                let columns = match header {
                    Header::Inet(layout) => Columns::Inet(layout),
                    Header::Unix(layout) => Columns::Unix(layout),
                    Header::Other => Columns::Other,
                };
                self.open_section(title, title_at, Some(line), columns, sink);
                return;
            }
            let columns = infer_columns(title.kind, line);
            self.open_section(title, title_at, None, columns, sink);
        }
        if let Some(kind) = netstat::notice(line) {
            stats.notices += 1;
            self.emit(at, EventKind::Notice(Notice { kind: kind.into(), text: line }), sink);
            return;
        }
        if matches!(self.table, Table::Outside)
            && self.resumed
            && !self.saw_table
            && self.open_cut_table(line, at, sink)
        {
            stats.headers += 1;
            return;
        }
        match self.table {
            Table::Outside => {
                stats.notices += 1;
                self.emit(at, EventKind::Notice(Notice { kind: NoticeKind::Other, text: line }), sink);
            }
            Table::Rows(Columns::Other) => stats.skipped += 1,
            _ => self.row(line, at, stats, sink, true),
        }
    }

    /// Read the line that starts `rest` when it is a row the hand-written readers take,
    /// finding its end as its last column is read: the length of the line with its `\n`.
    /// `None` (nothing done) for any other line, and whenever a spliced row or an sctp row
    /// is pending (the line may continue them): the framer then frames it and
    /// [`NetstatMachine::line`] reads it. A row read here is the event `line` gives for it
    /// (the fast readers' rows, through the same checks in the same order); to a sink that
    /// does not read rows, a row only checked ([`Sink::reads_rows`]).
    #[inline]
    pub(super) fn read_through<S: Sink + ?Sized>(
        &mut self,
        rest: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
    ) -> Option<usize> {
        let Table::Rows(columns) = self.table else { return None };
        if self.splice.is_some() || self.sctp.is_some() || !looks_like_row(columns, rest) {
            return None;
        }
        let capture = self.capture;
        let n = match columns {
            Columns::Inet(layout) if !sink.reads_rows() => {
                let n = netstat::check_inet_row_through(rest, layout)?;
                sink.row_checked(at, capture, CheckedRow::Inet);
                n
            }
            Columns::Inet(layout) => {
                let (row, n) = netstat::fast_inet_row_through(rest, layout)?;
                sink.event(Event { at, capture, kind: EventKind::InetConn(row) });
                n
            }
            Columns::Unix(layout) if !sink.reads_rows() => {
                let n = netstat::check_unix_row_through(rest, layout)?;
                sink.row_checked(at, capture, CheckedRow::Unix);
                n
            }
            Columns::Unix(layout) => {
                let (row, n) = netstat::fast_unix_row_through(rest, layout)?;
                sink.event(Event { at, capture, kind: EventKind::UnixSocket(row) });
                n
            }
            _ => return None,
        };
        stats.rows += 1;
        Some(n)
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, stats: &mut LineStats, sink: &mut S) {
        self.flush_sctp(stats, sink);
        if let Some((prefix, start)) = self.splice.take() {
            self.row(&prefix, start, stats, sink, false);
        }
        if let Table::ExpectHeader { title, at } = self.table {
            self.headerless(title, at, sink);
        }
    }

    /// Emit the sctp row held for its address lines, before a line or event that does not
    /// come through this machine.
    pub(super) fn flush_held<S: Sink + ?Sized>(&mut self, stats: &mut LineStats, sink: &mut S) {
        self.flush_sctp(stats, sink);
    }

    /// Emit the held sctp row with its continuation lines, as one row.
    fn flush_sctp<S: Sink + ?Sized>(&mut self, stats: &mut LineStats, sink: &mut S) {
        let Some((at, _)) = self.sctp.take() else { return };
        let text = std::mem::take(&mut self.sctp_text);
        // Rows are held only inside an internet table, and flushed before the table changes.
        let layout = match self.table {
            Table::Rows(Columns::Inet(layout)) => layout,
            _ => InetLayout::FULL,
        };
        match netstat::sctp_row(&text, layout) {
            Ok(row) => {
                stats.rows += 1;
                self.emit(at, EventKind::InetConn(row), sink);
            }
            Err(error) => {
                stats.malformed += 1;
                let problem = Problem::Grammar { column: error.column, expected: error.expected };
                self.emit(at, EventKind::Malformed(Malformed { raw: &text, problem }), sink);
            }
        }
        // The buffer goes back, emptied, for the next sctp row.
        self.sctp_text = text;
        self.sctp_text.clear();
    }

    /// A title with no header at all (the input ends, or another title follows): the
    /// capture was cut. The table is opened, empty, and the cut reported.
    fn headerless<S: Sink + ?Sized>(&mut self, title: Title, at: Position, sink: &mut S) {
        let columns = infer_columns(title.kind, b"");
        self.open_section(title, at, None, columns, sink);
        if title.kind != TableKind::Other {
            let problem = Problem::Grammar { column: 0, expected: "a header line after this title" };
            self.emit(at, EventKind::Malformed(Malformed { raw: b"", problem }), sink);
        }
    }

    /// In a resumed input, a header or the first row before any title opens the table it
    /// belongs to, as `netstat -neopa` prints it; a line that is neither leaves the machine
    /// outside. Returns true when the line was the header (and so is consumed).
    fn open_cut_table<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, sink: &mut S) -> bool {
        for kind in [TableKind::Inet, TableKind::Unix] {
            let columns = match netstat::header(kind, line) {
                Some(Header::Inet(layout)) => Columns::Inet(layout),
                Some(Header::Unix(layout)) => Columns::Unix(layout),
                _ => continue,
            };
            let title = Title { kind, scope: Scope::ServersAndEstablished, lang: crate::events::Lang::C };
            self.start_table(title, at, sink);
            self.open_section(title, at, Some(line), columns, sink);
            return true;
        }
        let (kind, columns) = if netstat::inet_row(line, InetLayout::FULL).is_ok() {
            (TableKind::Inet, Columns::Inet(InetLayout::FULL))
        } else if netstat::unix_row(line, UnixLayout { program: true }).is_ok() {
            (TableKind::Unix, Columns::Unix(UnixLayout { program: true }))
        } else {
            return false;
        };
        let title = Title { kind, scope: Scope::ServersAndEstablished, lang: crate::events::Lang::C };
        self.start_table(title, at, sink);
        self.open_section(title, at, None, columns, sink);
        false
    }

    /// A title starts a table, and a new capture when the current capture already has a
    /// table of that kind (or a unix table before an internet one).
    fn start_table<S: Sink + ?Sized>(&mut self, title: Title, at: Position, sink: &mut S) {
        if let Table::ExpectHeader { title: prev, at: prev_at } = self.table {
            self.headerless(prev, prev_at, sink);
        }
        let new_capture = match title.kind {
            TableKind::Inet => self.seen_inet || self.seen_unix,
            TableKind::Unix => self.seen_unix,
            TableKind::Other => false,
        };
        if new_capture {
            self.capture += 1;
            self.seen_inet = false;
            self.seen_unix = false;
        }
        match title.kind {
            TableKind::Inet => self.seen_inet = true,
            TableKind::Unix => self.seen_unix = true,
            TableKind::Other => {}
        }
        self.saw_table = true;
        self.table = Table::ExpectHeader { title, at };
    }

    fn open_section<S: Sink + ?Sized>(
        &mut self,
        title: Title,
        at: Position,
        header: Option<&[u8]>,
        columns: Columns,
        sink: &mut S,
    ) {
        self.table = Table::Rows(columns);
        let section = Section { table: SectionTable::Netstat(title), lang: title.lang, name: b"", header, columns };
        self.emit(at, EventKind::Section(section), sink);
    }

    /// Emit the line as a row if it parses as one; false (and nothing emitted) otherwise.
    fn try_row<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) -> bool {
        match self.parse_row(line) {
            Some(Ok(kind)) => {
                stats.rows += 1;
                self.emit(at, kind, sink);
                true
            }
            _ => false,
        }
    }

    /// The line read as a row of the current table; `None` outside a connection table.
    fn parse_row<'l>(&self, line: &'l [u8]) -> Option<Result<EventKind<'l>, netsift_grammar::LineError>> {
        match self.table {
            Table::Rows(Columns::Inet(layout)) => Some(netstat::inet_row(line, layout).map(EventKind::InetConn)),
            Table::Rows(Columns::Unix(layout)) => Some(netstat::unix_row(line, layout).map(EventKind::UnixSocket)),
            _ => None,
        }
    }

    /// Parse a row of the current table. `may_splice`: a failed row may hold a spliced
    /// warning (not when the row is already the rejoined halves of one).
    fn row<S: Sink + ?Sized>(
        &mut self,
        line: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
        may_splice: bool,
    ) {
        let Some(result) = self.parse_row(line) else { return };
        match result {
            Ok(kind) => {
                if may_splice {
                    stats.rows += 1;
                }
                self.emit(at, kind, sink);
            }
            Err(error) => {
                if may_splice {
                    if let Some((pos, kind)) = netstat::spliced_notice(line) {
                        stats.notices += 1;
                        self.splice = Some((line[..pos].to_vec(), at));
                        let notice_at = Position { line: at.line, offset: at.offset + pos as u64 };
                        let notice = Notice { kind: kind.into(), text: &line[pos..] };
                        self.emit(notice_at, EventKind::Notice(notice), sink);
                        return;
                    }
                    stats.malformed += 1;
                }
                let problem = Problem::Grammar { column: error.column, expected: error.expected };
                self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
            }
        }
    }

    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}

/// Does the line start with a protocol word of the table's rows?
#[inline(always)]
fn looks_like_row(columns: Columns, line: &[u8]) -> bool {
    match columns {
        Columns::Inet(_) => matches!(line.first(), Some(b't' | b'u' | b'r' | b's')),
        Columns::Unix(_) => line.starts_with(b"unix") || line.starts_with(b"??"),
        _ => false,
    }
}

/// The layouts a headerless table may have, most common first.
const INET_LAYOUTS: [InetLayout; 8] = [
    InetLayout::FULL,
    InetLayout { user_inode: true, program: true, timer: false },
    InetLayout { user_inode: false, program: true, timer: false },
    InetLayout { user_inode: false, program: false, timer: false },
    InetLayout { user_inode: true, program: false, timer: false },
    InetLayout { user_inode: false, program: true, timer: true },
    InetLayout { user_inode: true, program: false, timer: true },
    InetLayout { user_inode: false, program: false, timer: true },
];

/// When a title has no header (a cut capture), take the first layout the row fits.
fn infer_columns(kind: TableKind, row: &[u8]) -> Columns {
    match kind {
        TableKind::Inet => Columns::Inet(
            INET_LAYOUTS.into_iter().find(|&l| netstat::inet_row(row, l).is_ok()).unwrap_or(InetLayout::FULL),
        ),
        TableKind::Unix => {
            let with = UnixLayout { program: true };
            let without = UnixLayout { program: false };
            let program = netstat::unix_row(row, with)
                .map(|r| r.owner.is_some_and(|o| !matches!(o, netstat::Owner::Other(_))))
                .unwrap_or(false);
            Columns::Unix(if program || netstat::unix_row(row, without).is_err() { with } else { without })
        }
        TableKind::Other => Columns::Other,
    }
}
