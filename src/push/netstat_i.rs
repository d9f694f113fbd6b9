//! The state machine for `netstat -i`: title, header, rows.
//!
//! `netstat -ic` repeats the `Iface` header (not the title) for each snapshot, so a title or
//! a header after rows starts a new capture. A table whose header is missing (a cut
//! capture) takes its layout from its first row.

use netsift_grammar::netstat::words::Lang;
use netsift_grammar::netstat_i::{self, IfaceLayout};

use super::{LineStats, Position, Sink};
use crate::events::{Columns, Event, EventKind, Malformed, Notice, NoticeKind, Problem, Section, Table};

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Before any title or header.
    Outside,
    /// After the title; the header should follow.
    Title { at: Position, lang: Lang },
    /// Inside the table.
    Rows(IfaceLayout),
}

/// The `netstat -i` state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NetstatIMachine {
    state: State,
    capture: u32,
    rows_in_capture: bool,
    saw_table: bool,
}

impl NetstatIMachine {
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
        NetstatIMachine { state: State::Outside, capture: 1, rows_in_capture: false, saw_table: false }
    }

    /// Does this line begin an interface table? (auto-detection)
    pub(super) fn starts(line: &[u8]) -> bool {
        netstat_i::title(line).is_some() || netstat_i::header(line).is_some()
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        if let State::Rows(layout) = self.state {
            if let Ok(row) = netstat_i::row(line, layout) {
                stats.rows += 1;
                self.rows_in_capture = true;
                self.emit(at, EventKind::Interface(row), sink);
                return;
            }
        }
        if line.iter().all(|&b| b == b' ' || b == b'\t') {
            stats.blank += 1;
            return;
        }
        if let Some(lang) = netstat_i::title(line) {
            stats.titles += 1;
            self.next_capture_if_rows();
            self.state = State::Title { at, lang };
            self.saw_table = true;
            return;
        }
        if let Some(header) = netstat_i::header(line) {
            stats.headers += 1;
            let (at, lang) = match self.state {
                State::Title { at, lang } => (at, lang),
                _ => {
                    self.next_capture_if_rows();
                    (at, header.lang)
                }
            };
            self.open(at, lang, Some(line), header.layout, sink);
            return;
        }
        if let Some(kind) = netsift_grammar::netstat::notice(line) {
            stats.notices += 1;
            self.emit(at, EventKind::Notice(Notice { kind: kind.into(), text: line }), sink);
            return;
        }
        let layout = match self.state {
            State::Outside => {
                stats.notices += 1;
                self.emit(at, EventKind::Notice(Notice { kind: NoticeKind::Other, text: line }), sink);
                return;
            }
            State::Title { at: title_at, lang } => {
                let layout = IfaceLayout::guess(line).unwrap_or_default();
                self.open(title_at, lang, None, layout, sink);
                layout
            }
            State::Rows(layout) => layout,
        };
        match netstat_i::row(line, layout) {
            Ok(row) => {
                stats.rows += 1;
                self.rows_in_capture = true;
                self.emit(at, EventKind::Interface(row), sink);
            }
            Err(e) => {
                stats.malformed += 1;
                let problem = Problem::Grammar { column: e.column, expected: e.expected };
                self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
            }
        }
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, sink: &mut S) {
        if let State::Title { at, lang } = self.state {
            self.open(at, lang, None, IfaceLayout::default(), sink);
        }
    }

    fn next_capture_if_rows(&mut self) {
        if self.rows_in_capture {
            self.capture += 1;
            self.rows_in_capture = false;
        }
    }

    fn open<S: Sink + ?Sized>(
        &mut self,
        at: Position,
        lang: Lang,
        header: Option<&[u8]>,
        layout: IfaceLayout,
        sink: &mut S,
    ) {
        self.state = State::Rows(layout);
        self.saw_table = true;
        let section =
            Section { table: Table::Interfaces, lang, name: b"", header, columns: Columns::Interfaces(layout) };
        self.emit(at, EventKind::Section(section), sink);
    }

    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}
