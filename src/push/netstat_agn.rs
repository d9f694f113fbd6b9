//! The state machine for `netstat -agn` (`-g`): title, header, dashes, membership rows.
//!
//! A title after rows starts a new capture. `warning, got bogus igmp line N.` messages
//! are notices wherever they land.

use netsift_grammar::netstat::words::Lang;
use netsift_grammar::netstat_agn;

use super::{LineStats, Position, Sink};
use crate::events::{Columns, Event, EventKind, Malformed, Notice, NoticeKind, Problem, Section, Table};

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Before any title or header.
    Outside,
    /// After the title; the header should follow.
    Title { at: Position, lang: Lang, ipv6: bool },
    /// Inside the table.
    Rows,
}

/// The `netstat -agn` state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NetstatAgnMachine {
    state: State,
    capture: u32,
    rows_in_capture: bool,
    saw_table: bool,
}

impl NetstatAgnMachine {
    /// The state in one form (see `PushParser::agrees`): unless `captures`, without the
    /// capture number and what only decides where the next capture starts.
    pub(super) fn canonical(&mut self, captures: bool) {
        if !captures {
            self.capture = 0;
            self.rows_in_capture = false;
        }
    }

    /// Put a held title's line number at 0 (see `PushParser::agrees_but_for_line_numbers`).
    pub(super) fn forget_lines(&mut self) {
        if let State::Title { at, .. } = &mut self.state {
            at.line = 0;
        }
    }

    pub(super) fn new() -> Self {
        NetstatAgnMachine { state: State::Outside, capture: 1, rows_in_capture: false, saw_table: false }
    }

    /// Does this line begin a group membership table? (auto-detection)
    pub(super) fn starts(line: &[u8]) -> bool {
        netstat_agn::title(line).is_some() || netstat_agn::header(line).is_some()
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        if matches!(self.state, State::Rows) {
            if let Ok(row) = netstat_agn::row(line) {
                stats.rows += 1;
                self.rows_in_capture = true;
                self.emit(at, EventKind::Membership(row), sink);
                return;
            }
        }
        if line.iter().all(|&b| b == b' ' || b == b'\t') {
            stats.blank += 1;
            return;
        }
        if let Some(title) = netstat_agn::title(line) {
            stats.titles += 1;
            if let State::Title { at, lang, ipv6 } = self.state {
                self.open(at, lang, ipv6, None, sink);
            }
            if self.rows_in_capture {
                self.capture += 1;
                self.rows_in_capture = false;
            }
            self.state = State::Title { at, lang: title.lang, ipv6: title.ipv6 };
            self.saw_table = true;
            return;
        }
        if let Some(lang) = netstat_agn::header(line) {
            stats.headers += 1;
            match self.state {
                State::Title { at, lang, ipv6 } => self.open(at, lang, ipv6, Some(line), sink),
                _ => {
                    // A header without its title (a cut capture, or insights' fixture).
                    if self.rows_in_capture {
                        self.capture += 1;
                        self.rows_in_capture = false;
                    }
                    self.open(at, lang, true, Some(line), sink);
                }
            }
            return;
        }
        if netstat_agn::is_dashes(line) {
            stats.headers += 1;
            return;
        }
        if netstat_agn::notice(line).is_some() {
            stats.notices += 1;
            self.emit(at, EventKind::Notice(Notice { kind: NoticeKind::BogusLine, text: line }), sink);
            return;
        }
        if let Some(kind) = netsift_grammar::netstat::notice(line) {
            stats.notices += 1;
            self.emit(at, EventKind::Notice(Notice { kind: kind.into(), text: line }), sink);
            return;
        }
        match self.state {
            State::Outside => {
                stats.notices += 1;
                self.emit(at, EventKind::Notice(Notice { kind: NoticeKind::Other, text: line }), sink);
                return;
            }
            State::Title { at: title_at, lang, ipv6 } => self.open(title_at, lang, ipv6, None, sink),
            State::Rows => {}
        }
        match netstat_agn::row(line) {
            Ok(row) => {
                stats.rows += 1;
                self.rows_in_capture = true;
                self.emit(at, EventKind::Membership(row), sink);
            }
            Err(e) => {
                stats.malformed += 1;
                let problem = Problem::Grammar { column: e.column, expected: e.expected };
                self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
            }
        }
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, sink: &mut S) {
        if let State::Title { at, lang, ipv6 } = self.state {
            self.open(at, lang, ipv6, None, sink);
        }
    }

    fn open<S: Sink + ?Sized>(&mut self, at: Position, lang: Lang, ipv6: bool, header: Option<&[u8]>, sink: &mut S) {
        self.state = State::Rows;
        self.saw_table = true;
        let section =
            Section { table: Table::Memberships { ipv6 }, lang, name: b"", header, columns: Columns::Memberships };
        self.emit(at, EventKind::Section(section), sink);
    }

    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}
