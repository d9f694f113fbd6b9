//! The state machine for `/proc/net/sockstat` and `sockstat6`: one section per line.
//!
//! ```text
//!   sockets: used 3037                        ─▶ Section (sockstat_section "sockets"), Counter sockets/used
//!   TCP: inuse 1365 orphan 17 tw 2030 …       ─▶ Section "TCP", one Counter per pair (position 1, 2, …)
//!   sockets: used 3040                        ─▶ a section seen before in this capture: a new capture
//! ```
//!
//! sockstat6 (`TCP6: inuse 11`) has its own section names, so the two files concatenated
//! are one capture.

use netsift_grammar::sockstat;

use super::nstat::counter_notice;
use super::{LineStats, Position, Sink};
use crate::events::{
    Columns, Counter, CounterSource, Event, EventKind, Lang, Malformed, Notice, Problem, Section, Table,
};

/// How many section names of a capture are remembered to tell a new capture: the kernel
/// prints eleven. Beyond it (hostile input) no new capture is started.
const SEEN_CAP: usize = 32;

/// The sockstat state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SockstatMachine {
    capture: u32,
    saw_table: bool,
    /// The sections of the current capture (copies): the first `seen_len` entries; the
    /// buffers of the others are kept for reuse, so that a periodic log does not allocate
    /// per line.
    seen: Vec<Vec<u8>>,
    seen_len: usize,
}

impl SockstatMachine {
    /// The state in one form (see `PushParser::agrees`): without the capture number
    /// unless `captures`.
    pub(super) fn canonical(&mut self, captures: bool) {
        if !captures {
            self.capture = 0;
        }
    }

    pub(super) fn new() -> Self {
        SockstatMachine { capture: 1, saw_table: false, seen: Vec::new(), seen_len: 0 }
    }

    /// Does this line begin sockstat output? (auto-detection): `sockets: used N`, or a line
    /// of an upper-case section whose first key is `inuse` (`TCP6: inuse 0`).
    pub(super) fn starts(line: &[u8]) -> bool {
        // Fast rejection first (auto-detection asks this of every title and /proc line, and
        // `sockstat::line` reads the whole line): the first key, the second word, is `used`
        // or `inuse`.
        let first_key = netsift_grammar::lex::words(line).nth(1).map(|(_, w)| w);
        if !matches!(first_key, Some(b"used" | b"inuse")) {
            return false;
        }
        match sockstat::line(line) {
            Ok(l) => {
                let first_key = l.pairs().next().map(|(k, _, _)| k);
                (l.section == b"sockets" && first_key == Some(b"used"))
                    || (l.section.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                        && first_key == Some(b"inuse"))
            }
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
        let parsed = match sockstat::line(line) {
            Ok(l) => l,
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
        self.saw_table = true;
        if self.seen[..self.seen_len].iter().any(|s| s == parsed.section) {
            self.capture += 1;
            self.seen_len = 0;
        }
        if self.seen_len < SEEN_CAP {
            if self.seen_len == self.seen.len() {
                self.seen.push(Vec::new());
            }
            let slot = &mut self.seen[self.seen_len];
            slot.clear();
            slot.extend_from_slice(parsed.section);
            self.seen_len += 1;
        }
        let section = Section {
            table: Table::SockstatSection,
            lang: Lang::C,
            name: parsed.section,
            header: None,
            columns: Columns::Counters,
        };
        self.emit(at, EventKind::Section(section), sink);
        for (index, (key, value, _)) in parsed.pairs().enumerate() {
            let counter = Counter {
                source: CounterSource::Sockstat,
                section: parsed.section,
                name: Some(key),
                subtable: None,
                value,
                text: key,
                line,
                position: u32::try_from(index + 1).ok(),
                rate: None,
            };
            self.emit(at, EventKind::Counter(counter), sink);
        }
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, _sink: &mut S) {}

    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}
