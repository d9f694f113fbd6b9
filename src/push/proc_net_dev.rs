//! The state machine for `/proc/net/dev`: two header lines, then one interface per row.
//!
//! ```text
//!   Inter-|   Receive   …|  Transmit              title; after rows, a new capture
//!    face |bytes packets …|bytes packets …        ─▶ Section (proc_net_dev, its columns)
//!       lo: 3193 29 0 …                           ─▶ Interface (no MTU, no flags; the extra counters)
//! ```
//!
//! Rows without the header lines (a cut copy) are read in the 16-column layout of every
//! kernel since 2.1.

use netsift_grammar::proc_net_dev::{self, DevLayout};

use super::nstat::counter_notice;
use super::{LineStats, Position, Sink};
use crate::events::{Columns, Event, EventKind, Lang, Malformed, Notice, Problem, Section, Table};

/// The /proc/net/dev state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ProcNetDevMachine {
    capture: u32,
    layout: DevLayout,
    /// Where the title line was, while its column line is awaited.
    title: Option<Position>,
    rows_in_capture: bool,
    saw_table: bool,
}

impl ProcNetDevMachine {
    /// The state in one form (see `PushParser::agrees`): without the capture number
    /// unless `captures`.
    pub(super) fn canonical(&mut self, captures: bool) {
        if !captures {
            self.capture = 0;
        }
    }

    pub(super) fn new() -> Self {
        ProcNetDevMachine {
            capture: 1,
            layout: DevLayout::default(),
            title: None,
            rows_in_capture: false,
            saw_table: false,
        }
    }

    /// Does this line begin /proc/net/dev? (auto-detection): its `Inter-|` line.
    pub(super) fn starts(line: &[u8]) -> bool {
        proc_net_dev::title(line)
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        let e = match proc_net_dev::row(line, &self.layout) {
            Ok(row) => {
                stats.rows += 1;
                self.saw_table = true;
                self.rows_in_capture = true;
                self.emit(at, EventKind::Interface(row), sink);
                return;
            }
            Err(e) => e,
        };
        if line.iter().all(|&b| b == b' ' || b == b'\t') {
            stats.blank += 1;
        } else if proc_net_dev::title(line) {
            stats.titles += 1;
            if self.rows_in_capture {
                self.capture += 1;
                self.rows_in_capture = false;
            }
            self.saw_table = true;
            self.title = Some(at);
        } else if let Some(layout) = proc_net_dev::header(line) {
            stats.headers += 1;
            let at = match self.title.take() {
                Some(title_at) => title_at,
                None => {
                    if self.rows_in_capture {
                        self.capture += 1;
                        self.rows_in_capture = false;
                    }
                    at
                }
            };
            self.saw_table = true;
            self.layout = layout;
            let section = Section {
                table: Table::ProcNetDev,
                lang: Lang::C,
                name: b"",
                header: Some(line),
                columns: Columns::ProcNetDev(layout),
            };
            self.emit(at, EventKind::Section(section), sink);
        } else if let Some(kind) = counter_notice(line) {
            stats.notices += 1;
            self.emit(at, EventKind::Notice(Notice { kind, text: line }), sink);
        } else {
            stats.malformed += 1;
            let problem = Problem::Grammar { column: e.column, expected: e.expected };
            self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
        }
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, _sink: &mut S) {}

    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}
