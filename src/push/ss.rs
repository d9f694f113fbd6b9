//! The state machine for ss socket tables: which line is expected next.
//!
//! ```text
//!   outside ──header──────────────▶ rows ──header──▶ rows (next capture) …
//!      │                             ▲ │
//!      └─(no header: sniff the first ┘ └─ TAB-led lines: folded into the socket above
//!         row's columns, `ss -H`)
//! ```
//!
//! A socket is one row line plus the TAB-led continuation lines that follow it (`-i`,
//! `-m`: `⇥ skmem:(…) ts sack cubic …`), so a row cannot be emitted before the next line
//! says whether a continuation follows. The machine therefore *holds* the last line: it
//! copies its bytes (one memcpy) and reads it (one grammar call) when the next
//! non-continuation line arrives, or at [`SsMachine::finish`]. What is held is bounded: one
//! line, at most [`MAX_JOINS`] lines it was joined with, and at most [`MAX_INFO_LINES`]
//! continuation lines.
//!
//! - A process name that holds a newline splits a row in two
//!   ([`ss::users_incomplete`]); the two lines are joined, with the `\n` between them,
//!   into one socket.
//! - Notices (`RTNETLINK answers: …`, time stamps of periodic logs) are recognised in
//!   every state, in the middle of a table too.
//! - Every header after the first table starts a new capture (periodic capture logs).
//! - Without any header (`ss -H`), the first line whose columns [`ss::sniff`] can tell
//!   opens the table (a `Section` with no header).

use netsift_grammar::ss::{self, SsColumns};
use netsift_grammar::LineError;

use super::{LineStats, Position, Sink};
use crate::events::{
    Columns, Event, EventKind, Lang, Malformed, Notice, NoticeKind, Problem, Section, SsSocket, Table,
};

/// The most continuation lines folded into one socket. Real ss prints one (`-i`, `-m`);
/// packet and XDP details a few. Further TAB-led lines are reported as malformed.
pub(super) const MAX_INFO_LINES: usize = 8;

/// The most lines a row is joined with when process names hold newlines (a `comm` is at
/// most 15 bytes, and real names hold one newline at most).
pub(super) const MAX_JOINS: u8 = 4;

/// What a line that failed as a TAB-led continuation was missing.
const ORPHAN: &str = "a socket row before this TAB-led continuation line";

/// The ss state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SsMachine {
    capture: u32,
    saw_table: bool,
    /// The columns of the current table; `None` before the first header (or sniffed row).
    columns: Option<SsColumns>,
    /// Where its header put the columns that iproute2 4.15–4.19 prints glued (none
    /// without a header).
    geometry: ss::SsGeometry,
    /// Where the held line starts; `None` when nothing is held.
    held_at: Option<Position>,
    /// The held line (a row, possibly joined with the lines its process names spilled
    /// onto), read when the next line arrives.
    held: Vec<u8>,
    /// How many lines were joined to the held line.
    joins: u8,
    /// The continuation lines after the held line, joined by `\n`.
    info: Vec<u8>,
    /// Where each continuation line starts.
    info_at: Vec<Position>,
}

/// The held line and what was folded into it, borrowed for reading.
#[derive(Clone, Copy)]
struct Held<'h> {
    /// The line (joined with the lines its process names spilled onto).
    line: &'h [u8],
    /// Where it starts.
    at: Position,
    /// Its continuation lines, joined by `\n`.
    info: &'h [u8],
    /// Where each continuation line starts.
    info_at: &'h [Position],
}

/// What became of the held line when the next line arrived.
enum Flushed {
    /// Emitted (as whatever it was).
    Done,
    /// Its users list is unfinished: join the next line to it.
    Join,
}

impl SsMachine {
    /// The state in one form (see `PushParser::agrees`): without the capture number
    /// unless `captures`.
    pub(super) fn canonical(&mut self, captures: bool) {
        if !captures {
            self.capture = 0;
        }
    }

    /// Put the held lines' line numbers at 0 (see `PushParser::agrees_but_for_line_numbers`).
    pub(super) fn forget_lines(&mut self) {
        if let Some(at) = &mut self.held_at {
            at.line = 0;
        }
        self.info_at.iter_mut().for_each(|at| at.line = 0);
    }

    pub(super) fn new() -> Self {
        SsMachine {
            capture: 1,
            saw_table: false,
            columns: None,
            geometry: ss::SsGeometry::default(),
            held_at: None,
            held: Vec::new(),
            joins: 0,
            info: Vec::new(),
            info_at: Vec::new(),
        }
    }

    /// Does this line begin a table of this format? (auto-detection: an ss header)
    pub(super) fn starts(line: &[u8]) -> bool {
        ss::header(line).is_some()
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    /// What decides the capture numbers from here on (see `push/split.rs`): the number,
    /// whether a table was opened (every header after the first table starts a capture),
    /// and whether the held line is a header (which opens its table when the next line
    /// arrives).
    pub(super) fn captures(&self) -> (u32, bool, bool) {
        let header_held = self.held_at.is_some() && ss::header(&self.held).is_some();
        (self.capture, self.saw_table, header_held)
    }

    /// Take the capture number from the parser that read the input up to here (a guessed
    /// part's start, see `push/split.rs`).
    pub(super) fn set_capture(&mut self, capture: u32) {
        self.capture = capture;
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        if line.first() == Some(&b'\t') {
            if self.held_at.is_some() && self.info_at.len() < MAX_INFO_LINES {
                if !self.info_at.is_empty() {
                    self.info.push(b'\n');
                }
                self.info.extend_from_slice(line);
                self.info_at.push(at);
                return;
            }
            // Nothing to fold it into (or too many already).
            self.flush(None, stats, sink);
            self.orphan(line, at, stats, sink);
            return;
        }
        if self.held_at.is_some() && self.flush(Some(line), stats, sink) {
            return;
        }
        if line.iter().all(|&b| b == b' ' || b == b'\t') {
            stats.blank += 1;
            return;
        }
        self.held.clear();
        self.held.extend_from_slice(line);
        self.held_at = Some(at);
        self.joins = 0;
    }

    /// Read the line that starts `rest` where the chunk holds it: a row of the common
    /// shape whose next line is in `rest` and is no continuation line is emitted at once,
    /// not held (nothing can be folded into it), its end found by the row reader. A line
    /// after a held one is framed here (the held one needs it to be flushed) and read as
    /// [`SsMachine::line`] reads it. The length of the line with its `\n`; `None` (nothing
    /// done) for a continuation line, a line that ends `\r\n` or has no `\n` in `rest`,
    /// and a line the row reader declines when nothing was held: the framer then frames it.
    #[inline]
    pub(super) fn read_through<S: Sink + ?Sized>(
        &mut self,
        rest: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
    ) -> Option<usize> {
        if rest.first() == Some(&b'\t') {
            return None;
        }
        // The line's end, when the held line had to be flushed before this one is read.
        let mut framed = None;
        if self.held_at.is_some() {
            let nl = memchr::memchr(b'\n', rest)?;
            if nl > 0 && rest[nl - 1] == b'\r' {
                return None;
            }
            if self.flush(Some(&rest[..nl]), stats, sink) {
                return Some(nl + 1);
            }
            framed = Some(nl);
        }
        // Nothing is held now (the flush may have opened a table).
        if let Some(columns) = self.columns {
            if let Some((row, n)) = ss::fast_row_through(rest, columns) {
                if rest.get(n).is_some_and(|&b| b != b'\t') {
                    stats.rows += 1;
                    self.emit(at, EventKind::SsSocket(SsSocket { row, info: b"" }), sink);
                    return Some(n);
                }
            }
        }
        let nl = framed?;
        self.line(&rest[..nl], at, stats, sink);
        Some(nl + 1)
    }

    /// Flush the held line (idempotent: the input may go on after it, as when `-f auto`
    /// moves on to another format's section).
    pub(super) fn finish<S: Sink + ?Sized>(&mut self, stats: &mut LineStats, sink: &mut S) {
        self.flush(None, stats, sink);
    }

    /// Read and emit the held line and its continuation lines. `next` is the line that
    /// arrived (not a continuation); returns true when it was joined to the held row
    /// (a process name with a newline), and so is consumed.
    fn flush<S: Sink + ?Sized>(&mut self, next: Option<&[u8]>, stats: &mut LineStats, sink: &mut S) -> bool {
        let Some(at) = self.held_at else { return false };
        let line = std::mem::take(&mut self.held);
        let info = std::mem::take(&mut self.info);
        let info_at = std::mem::take(&mut self.info_at);
        let join_with = next.filter(|_| info_at.is_empty() && self.joins < MAX_JOINS);
        let held = Held { line: &line, at, info: &info, info_at: &info_at };
        let outcome = match self.columns {
            Some(columns) => self.emit_in_table(held, columns, join_with, stats, sink),
            None => self.emit_outside(held, join_with, stats, sink),
        };
        self.held = line;
        self.info = info;
        self.info_at = info_at;
        match (outcome, next) {
            (Flushed::Join, Some(next)) => {
                stats.continuations += 1;
                self.held.push(b'\n');
                self.held.extend_from_slice(next);
                self.joins += 1;
                true
            }
            _ => {
                self.held_at = None;
                self.held.clear();
                self.info.clear();
                self.info_at.clear();
                false
            }
        }
    }

    /// Classify the held line inside a table and emit it; its continuation lines go with
    /// it when it is a row, and are reported line by line otherwise.
    fn emit_in_table<S: Sink + ?Sized>(
        &mut self,
        held: Held<'_>,
        columns: SsColumns,
        join_with: Option<&[u8]>,
        stats: &mut LineStats,
        sink: &mut S,
    ) -> Flushed {
        let line = held.line;
        // The common row is read by the hand-written reader (which reads no header or
        // notice as a row: its rows start with an inet netid); the grammar reads the rest,
        // and is the reference the reader is tested against.
        if let Some(row) = ss::fast_row(line, columns) {
            self.socket(row, held, stats, sink);
            return Flushed::Done;
        }
        // Rows of a table with a Netid column start with a lower-case netid: only other
        // lines (and the two lower-case notices) are first asked whether they are headers
        // or notices, so that the common row costs one grammar call.
        let careful = !line.first().is_some_and(u8::is_ascii_lowercase)
            || line.starts_with(b"ss: ")
            || line.starts_with(b"netlink ");
        if careful && self.header_or_notice(line, held.at, stats, sink) {
            self.orphans(held, stats, sink);
            return Flushed::Done;
        }
        match ss::row_in(line, columns, self.geometry) {
            Ok(row) => self.socket(row, held, stats, sink),
            Err(error) => {
                if joins(line, join_with) {
                    return Flushed::Join;
                }
                if careful || !self.header_or_notice(line, held.at, stats, sink) {
                    self.malformed(line, held.at, error, stats, sink);
                }
                self.orphans(held, stats, sink);
            }
        }
        Flushed::Done
    }

    /// The held line when no table is open yet: a header, a notice, or the first row of
    /// headerless output; anything else is an unknown line outside a table.
    fn emit_outside<S: Sink + ?Sized>(
        &mut self,
        held: Held<'_>,
        join_with: Option<&[u8]>,
        stats: &mut LineStats,
        sink: &mut S,
    ) -> Flushed {
        let line = held.line;
        if self.header_or_notice(line, held.at, stats, sink) {
            self.orphans(held, stats, sink);
            return Flushed::Done;
        }
        if let Some(columns) = ss::sniff(line) {
            self.open(None, columns, held.at, sink);
            match ss::row(line, columns) {
                Ok(row) => self.socket(row, held, stats, sink),
                // sniff() only says yes to a row that parses: not reached.
                Err(error) => {
                    self.malformed(line, held.at, error, stats, sink);
                    self.orphans(held, stats, sink);
                }
            }
            return Flushed::Done;
        }
        if joins(line, join_with) {
            return Flushed::Join;
        }
        stats.notices += 1;
        self.emit(held.at, EventKind::Notice(Notice { kind: NoticeKind::Other, text: line }), sink);
        self.orphans(held, stats, sink);
        Flushed::Done
    }

    /// Emit a socket: its row and the continuation lines folded into it.
    #[inline]
    fn socket<S: Sink + ?Sized>(&mut self, row: ss::SsRow<'_>, held: Held<'_>, stats: &mut LineStats, sink: &mut S) {
        stats.rows += 1;
        stats.continuations += held.info_at.len() as u64;
        self.emit(held.at, EventKind::SsSocket(SsSocket { row, info: held.info }), sink);
    }

    /// Emit the line if it is a header (opening a table) or a notice.
    fn header_or_notice<S: Sink + ?Sized>(
        &mut self,
        line: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
    ) -> bool {
        if let Some(header) = ss::header(line) {
            stats.headers += 1;
            self.open(Some(line), header.columns, at, sink);
            return true;
        }
        if let Some(kind) = ss::notice(line) {
            stats.notices += 1;
            self.emit(at, EventKind::Notice(Notice { kind: NoticeKind::from(kind), text: line }), sink);
            return true;
        }
        false
    }

    /// Open a table: a header line, or the first row of headerless output. Every table
    /// after the first starts a new capture.
    fn open<S: Sink + ?Sized>(&mut self, header: Option<&[u8]>, columns: SsColumns, at: Position, sink: &mut S) {
        if self.saw_table {
            self.capture += 1;
        }
        self.saw_table = true;
        self.columns = Some(columns);
        self.geometry = header.map(ss::geometry).unwrap_or_default();
        let section = Section { table: Table::Ss, lang: Lang::C, name: b"", header, columns: Columns::Ss(columns) };
        self.emit(at, EventKind::Section(section), sink);
    }

    /// The continuation lines of a held line that was no socket, one by one.
    fn orphans<S: Sink + ?Sized>(&mut self, held: Held<'_>, stats: &mut LineStats, sink: &mut S) {
        if held.info_at.is_empty() {
            return;
        }
        for (line, &at) in held.info.split(|&b| b == b'\n').zip(held.info_at) {
            self.orphan(line, at, stats, sink);
        }
    }

    /// A TAB-led line with no socket to fold it into: blank if it holds nothing else,
    /// malformed inside a table, an unknown line outside one.
    fn orphan<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        if line.iter().all(|&b| b == b' ' || b == b'\t') {
            stats.blank += 1;
        } else if self.columns.is_some() {
            self.malformed(line, at, LineError::new(0, ORPHAN), stats, sink);
        } else {
            stats.notices += 1;
            self.emit(at, EventKind::Notice(Notice { kind: NoticeKind::Other, text: line }), sink);
        }
    }

    fn malformed<S: Sink + ?Sized>(
        &mut self,
        line: &[u8],
        at: Position,
        error: LineError,
        stats: &mut LineStats,
        sink: &mut S,
    ) {
        stats.malformed += 1;
        let problem = Problem::Grammar { column: error.column, expected: error.expected };
        self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
    }

    #[inline]
    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}

/// Should `next` be joined to `line`? Yes when `line` ends inside a `users:(…)` list (a
/// process name held a newline), unless `next` is a header or a notice: then `line` was
/// cut, as at the end of a truncated capture, and `next` is read on its own.
fn joins(line: &[u8], next: Option<&[u8]>) -> bool {
    next.is_some_and(|next| ss::users_incomplete(line) && ss::header(next).is_none() && ss::notice(next).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use netsift_grammar::ss::Host;

    /// Feed lines to a fresh machine; returns a compact description of each event and the
    /// line accounting.
    fn run(input: &[u8]) -> (Vec<String>, LineStats) {
        let mut m = SsMachine::new();
        let mut stats = LineStats::default();
        let mut out = Vec::new();
        let mut sink = |ev: Event<'_>| {
            let text = match ev.kind {
                EventKind::Section(s) => format!("section@{} header={}", ev.at.line, s.header.is_some()),
                EventKind::SsSocket(s) => format!(
                    "socket@{} c{} {} info={}",
                    ev.at.line,
                    ev.capture,
                    String::from_utf8_lossy(s.row.column(ss::SsCol::Local)),
                    s.info.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count()
                ),
                EventKind::Notice(n) => format!("notice@{} {}", ev.at.line, n.kind.name()),
                EventKind::Malformed(m) => format!("malformed@{} {}", ev.at.line, m.reason()),
                _ => "other".to_string(),
            };
            out.push(text);
        };
        for (i, line) in input.split(|&b| b == b'\n').enumerate() {
            stats.lines += 1;
            m.line(line, Position { line: i as u64 + 1, offset: 0 }, &mut stats, &mut sink);
        }
        m.finish(&mut stats, &mut sink);
        (out, stats)
    }

    fn total(s: &LineStats) -> u64 {
        s.rows + s.titles + s.headers + s.notices + s.blank + s.skipped + s.continuations + s.malformed
    }

    const HEADER: &str = "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess";

    #[test]
    fn continuations_fold_into_the_socket_above() {
        let input = format!(
            "{HEADER}\ntcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10\n\t ts sack cubic\n\t skmem:(r0)\n\
             tcp TIME-WAIT 0 0 1.2.3.4:6 6.7.8.9:10\n\t   \nudp UNCONN 0 0 *:68 *:*"
        );
        let (events, stats) = run(input.as_bytes());
        assert_eq!(
            events,
            vec![
                "section@1 header=true",
                "socket@2 c1 1.2.3.4:5 info=2",
                "socket@5 c1 1.2.3.4:6 info=1",
                "socket@7 c1 *:68 info=0"
            ]
        );
        assert_eq!((stats.rows, stats.continuations, stats.headers), (3, 3, 1));
        assert_eq!(total(&stats), stats.lines);
    }

    #[test]
    fn a_name_with_a_newline_is_one_socket() {
        let input = format!(
            "{HEADER}\ntcp LISTEN 0 1 127.0.0.1:45701 0.0.0.0:* users:((\"nl\nname\",pid=13679,fd=3))\n\
             udp UNCONN 0 0 *:68 *:*"
        );
        let mut names = Vec::new();
        let mut m = SsMachine::new();
        let mut stats = LineStats::default();
        for (i, line) in input.as_bytes().split(|&b| b == b'\n').enumerate() {
            stats.lines += 1;
            m.line(line, Position { line: i as u64 + 1, offset: 0 }, &mut stats, &mut |ev: Event<'_>| {
                if let EventKind::SsSocket(s) = ev.kind {
                    names.extend(s.row.process.into_iter().flatten().map(|p| p.name.to_vec()));
                }
            });
        }
        m.finish(&mut stats, &mut |_: Event<'_>| {});
        assert_eq!(names, vec![b"nl\nname".to_vec()]);
        assert_eq!((stats.rows, stats.continuations, stats.malformed), (2, 1, 0));
        assert_eq!(total(&stats), stats.lines);
    }

    #[test]
    fn a_cut_row_is_not_joined_to_a_header_or_notice() {
        let input = format!(
            "{HEADER}\ntcp LISTEN 0 1 127.0.0.1:1 0.0.0.0:* users:((\"cut\n{HEADER}\n\
             tcp LISTEN 0 1 127.0.0.1:2 0.0.0.0:* users:((\"cut\nFri Nov 27 02:46:55 UTC 2026"
        );
        let (events, stats) = run(input.as_bytes());
        assert_eq!(
            events,
            vec![
                "section@1 header=true",
                "malformed@2 expected the rest of the users list",
                "section@3 header=true",
                "malformed@4 expected the rest of the users list",
                "notice@5 timestamp",
            ]
        );
        assert_eq!(total(&stats), stats.lines);
    }

    #[test]
    fn notices_headers_and_captures() {
        let input = format!(
            "Fri Nov 27 02:46:51 UTC 2026\n{HEADER}\ntcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10\n\
             RTNETLINK answers: Invalid argument\nudp UNCONN 0 0 *:68 *:*\n\n\
             Fri Nov 27 02:46:55 UTC 2026\n{HEADER}\nudp UNCONN 0 0 *:69 *:*\ntcp ESTAB x 0 1.2.3.4:5 6.7.8.9:10"
        );
        let (events, stats) = run(input.as_bytes());
        assert_eq!(
            events,
            vec![
                "notice@1 timestamp",
                "section@2 header=true",
                "socket@3 c1 1.2.3.4:5 info=0",
                "notice@4 rtnetlink_answers",
                "socket@5 c1 *:68 info=0",
                "notice@7 timestamp",
                "section@8 header=true",
                "socket@9 c2 *:69 info=0",
                "malformed@10 expected a queue size",
            ]
        );
        assert_eq!((stats.notices, stats.blank, stats.malformed, stats.headers), (3, 1, 1, 2));
        assert_eq!(total(&stats), stats.lines);
    }

    #[test]
    fn headerless_output_is_sniffed() {
        let (events, stats) = run(b"tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\ntcp LISTEN 0 128 0.0.0.0:80 0.0.0.0:*");
        assert_eq!(
            events,
            vec!["section@1 header=false", "socket@1 c1 0.0.0.0:22 info=0", "socket@2 c1 0.0.0.0:80 info=0"]
        );
        assert_eq!(total(&stats), stats.lines);
        let (events, _) = run(b"/bin/sh: ss: not found");
        assert_eq!(events, vec!["notice@1 other"]);
    }

    #[test]
    fn orphan_and_surplus_continuations() {
        let mut input =
            format!("\t orphan before any table\n{HEADER}\n\t orphan\n\t   \ntcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10");
        for _ in 0..MAX_INFO_LINES + 1 {
            input.push_str("\n\t x");
        }
        let (events, stats) = run(input.as_bytes());
        assert_eq!(events[0], "notice@1 other");
        assert_eq!(events[2], "malformed@3 expected a socket row before this TAB-led continuation line");
        assert_eq!(events[3], format!("socket@5 c1 1.2.3.4:5 info={MAX_INFO_LINES}"));
        assert!(events[4].starts_with("malformed@14"));
        assert_eq!(events.len(), 5);
        assert_eq!(total(&stats), stats.lines);
    }

    #[test]
    fn held_bytes_are_the_rows_own() {
        // The socket borrows the machine's copy: check a unix path with blanks survives.
        let input = format!("{HEADER}\nu_str LISTEN 0 8 /tmp/dir with space.sock 8730 * 0");
        let mut m = SsMachine::new();
        let mut stats = LineStats::default();
        let mut seen = None;
        let mut sink = |ev: Event<'_>| {
            if let EventKind::SsSocket(s) = ev.kind {
                if let Host::Path(p) = s.row.local.host {
                    seen = Some(p.to_vec());
                }
            }
        };
        for line in input.as_bytes().split(|&b| b == b'\n') {
            m.line(line, Position::default(), &mut stats, &mut sink);
        }
        m.finish(&mut stats, &mut sink);
        assert_eq!(seen.as_deref(), Some(&b"/tmp/dir with space.sock"[..]));
    }
}
