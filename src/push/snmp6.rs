//! The state machine for `/proc/net/snmp6`: one counter per line.
//!
//! ```text
//!   Ip6InReceives     757   ─▶ Section (snmp6_section "Ip6"), Counter Ip6/InReceives
//!   Ip6InHdrErrors    0     ─▶ Counter Ip6/InHdrErrors
//!   Icmp6InMsgs       12    ─▶ Section "Icmp6" (the prefix changed), Counter
//!   Ip6InReceives     790   ─▶ the capture's first name again: a new capture (a periodic log)
//! ```

use netsift_grammar::snmp6;

use super::nstat::counter_notice;
use super::{LineStats, Position, Sink};
use crate::events::{
    Columns, Counter, CounterSource, Event, EventKind, Lang, Malformed, Notice, Problem, Section, Table,
};

/// The snmp6 state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Snmp6Machine {
    capture: u32,
    saw_table: bool,
    /// The first name of the capture (a copy): when it comes again, a new capture starts.
    first: Vec<u8>,
    /// The section of the last row (a copy), to emit a section where the prefix changes.
    section: Vec<u8>,
}

impl Snmp6Machine {
    /// The state in one form (see `PushParser::agrees`): without the capture number
    /// unless `captures`.
    pub(super) fn canonical(&mut self, captures: bool) {
        if !captures {
            self.capture = 0;
        }
    }

    pub(super) fn new() -> Self {
        Snmp6Machine { capture: 1, saw_table: false, first: Vec::new(), section: Vec::new() }
    }

    /// Does this line begin snmp6 output? (auto-detection): a line of exactly a name and a
    /// value whose name splits at an IPv6 section (`Ip6`, `Icmp6`, `Udp6`, `UdpLite6`).
    pub(super) fn starts(line: &[u8]) -> bool {
        // Fast rejection first (auto-detection asks this of every title and /proc line): a
        // row's name, letters, digits and `_`, is followed by a blank, as `snmp6::row` reads it.
        let name = line.iter().take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_').count();
        if name == 0 || !line.get(name).copied().is_some_and(netsift_grammar::lex::is_blank) {
            return false;
        }
        match snmp6::row(line) {
            Ok(r) => r.split().is_some_and(|(s, _)| s.ends_with(b"6")),
            Err(_) => false,
        }
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        let row = match snmp6::row(line) {
            Ok(row) => row,
            Err(e) => {
                if line.iter().all(|&b| b == b' ' || b == b'\t') {
                    stats.blank += 1;
                } else if let Some(kind) = counter_notice(line) {
                    stats.notices += 1;
                    self.emit(at, EventKind::Notice(Notice { kind, text: line }), sink);
                } else {
                    stats.malformed += 1;
                    let problem = Problem::Grammar { column: e.column, expected: e.expected };
                    self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
                }
                return;
            }
        };
        stats.rows += 1;
        if !self.saw_table {
            self.saw_table = true;
            self.first.extend_from_slice(row.flat);
        } else if self.first == row.flat {
            self.capture += 1;
            self.section.clear();
        }
        let (section, name) = row.split().unwrap_or((&[], row.flat));
        if self.section != section || self.first == row.flat {
            self.section.clear();
            self.section.extend_from_slice(section);
            let s = Section {
                table: Table::Snmp6Section,
                lang: Lang::C,
                name: section,
                header: None,
                columns: Columns::Counters,
            };
            self.emit(at, EventKind::Section(s), sink);
        }
        let counter = Counter {
            source: CounterSource::Snmp6,
            section,
            name: Some(name),
            subtable: None,
            value: i128::from(row.value),
            text: row.flat,
            line,
            position: None,
            rate: None,
        };
        self.emit(at, EventKind::Counter(counter), sink);
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, _sink: &mut S) {}

    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}
