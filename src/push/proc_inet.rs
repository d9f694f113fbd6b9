//! The state machine for the kernel's internet socket tables, `/proc/net/{tcp,tcp6,udp,…}`.
//!
//! ```text
//!   sl  local_address rem_address   st …      ─▶ Section (table kernel_inet, header)
//!    0: 0100007F:0016 00000000:0000 0A …      ─▶ InetConn (proto from the file's name)
//!   sl  local_address …                       a header after rows: a new capture
//! ```
//!
//! Rows are read by the grammar, each on its own; a row before any header (a copy cut at
//! the front, or rows pasted after a first file) opens the table without a header. The
//! protocol is the one the machine was made with: the file's name says it, the table
//! does not.

use netsift_grammar::netstat::{Proto, TableKind};
use netsift_grammar::netstat_s::{self, StatLine};
use netsift_grammar::{proc_inet, LineError};

use super::{LineStats, Position, Sink};
use crate::events::{Columns, Event, EventKind, Lang, Malformed, Notice, NoticeKind, Problem, Section, Table};

/// The kernel inet table state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ProcInetMachine {
    proto: Proto,
    capture: u32,
    /// A header or row was seen: the table is open.
    open: bool,
    rows_in_capture: bool,
}

impl ProcInetMachine {
    /// The state in one form (see `PushParser::agrees`): without the capture number
    /// unless `captures`.
    pub(super) fn canonical(&mut self, captures: bool) {
        if !captures {
            self.capture = 0;
        }
    }

    /// The protocol its rows are read as.
    pub(super) fn proto(&self) -> Proto {
        self.proto
    }

    pub(super) fn new(proto: Proto) -> Self {
        ProcInetMachine { proto, capture: 1, open: false, rows_in_capture: false }
    }

    /// Does this line begin a kernel inet table? (auto-detection): its header.
    pub(super) fn starts(line: &[u8]) -> bool {
        // Fast rejection first: auto-detection asks this of every indented line (all of
        // `netstat -s`'s), and the header's first word is `sl`.
        netsift_grammar::lex::trim_start_blanks(line).starts_with(b"sl") && proc_inet::header(line).is_some()
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    pub(super) fn saw_table(&self) -> bool {
        self.open
    }

    /// Change the protocol rows are read as (auto-detection, from a file's name).
    pub(super) fn set_proto(&mut self, proto: Proto) {
        self.proto = proto;
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        match proc_inet::row(line, self.proto) {
            Ok(row) => {
                if !self.open {
                    self.section(at, None, sink);
                }
                stats.rows += 1;
                self.rows_in_capture = true;
                sink.event(Event { at, capture: self.capture, kind: EventKind::InetConn(row) });
            }
            Err(e) => {
                if line.iter().all(|&b| b == b' ' || b == b'\t') {
                    stats.blank += 1;
                } else if proc_inet::header(line).is_some() {
                    stats.headers += 1;
                    if self.rows_in_capture {
                        self.capture += 1;
                        self.rows_in_capture = false;
                    }
                    self.section(at, Some(line), sink);
                } else {
                    notice_or_malformed(line, at, self.capture, e, stats, sink);
                }
            }
        }
    }

    fn section<S: Sink + ?Sized>(&mut self, at: Position, header: Option<&[u8]>, sink: &mut S) {
        self.open = true;
        let name: &[u8] = match self.proto {
            Proto::Unknown | Proto::Sctp => b"",
            p => p.as_str().as_bytes(),
        };
        let section = Section {
            table: Table::Kernel(TableKind::Inet),
            lang: Lang::C,
            name,
            header,
            columns: Columns::Inet(proc_inet::LAYOUT),
        };
        sink.event(Event { at, capture: self.capture, kind: EventKind::Section(section) });
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, _sink: &mut S) {}
}

/// A message among the rows (a shell's error, a time stamp between captures).
pub(super) fn notice(line: &[u8]) -> Option<NoticeKind> {
    match netstat_s::classify(line) {
        Ok(StatLine::Notice(n)) if n.kind != netstat_s::NoticeKind::Other => Some(n.kind.into()),
        _ => None,
    }
}

/// A line that is neither a row, a header nor blank: a notice when it is one, else a
/// malformed line with the row reader's error.
pub(super) fn notice_or_malformed<S: Sink + ?Sized>(
    line: &[u8],
    at: Position,
    capture: u32,
    e: LineError,
    stats: &mut LineStats,
    sink: &mut S,
) {
    let kind = match notice(line) {
        Some(kind) => {
            stats.notices += 1;
            EventKind::Notice(Notice { kind, text: line })
        }
        None => {
            stats.malformed += 1;
            let problem = Problem::Grammar { column: e.column, expected: e.expected };
            EventKind::Malformed(Malformed { raw: line, problem })
        }
    };
    sink.event(Event { at, capture, kind });
}

#[cfg(test)]
mod tests {
    use crate::events::{EventKind, InetState};
    use crate::{Event, Format, PushParser};
    use netsift_grammar::netstat::Proto;

    fn run(input: &[u8], format: Format) -> (Vec<String>, crate::push::LineStats) {
        let mut out = Vec::new();
        let mut parser = PushParser::new(format);
        let mut sink = |ev: Event<'_>| {
            out.push(match ev.kind {
                EventKind::Section(s) => format!("{} S {} {}", ev.capture, s.table.name(), s.header.is_some()),
                EventKind::InetConn(c) => {
                    format!("{} R {} {:?} {:?}", ev.capture, c.proto.as_str(), c.local.port, c.state)
                }
                EventKind::Notice(n) => format!("{} N {}", ev.capture, n.kind.name()),
                EventKind::Malformed(m) => format!("{} M {}", ev.capture, m.reason()),
                other => format!("other {}", other.name()),
            })
        };
        parser.feed(input, &mut sink);
        parser.finish(&mut sink);
        (out, parser.stats())
    }

    const HEADER: &str =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    const ROW: &str = "   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7 1 0000000000000000 100 0 0 10 0\n";

    #[test]
    fn header_rows_and_captures() {
        let input = format!("{HEADER}{ROW}{ROW}\n{HEADER}{ROW}/bin/sh: cat: not found\ngarbage\n");
        let (events, stats) = run(input.as_bytes(), Format::ProcNetInet(Proto::Tcp6));
        assert_eq!(
            events,
            [
                "1 S kernel_inet true",
                "1 R tcp6 Number(22) Known(Listen)",
                "1 R tcp6 Number(22) Known(Listen)",
                "2 S kernel_inet true",
                "2 R tcp6 Number(22) Known(Listen)",
                "2 N shell",
                "2 M expected a slot number (`sl`)",
            ]
        );
        assert_eq!((stats.headers, stats.rows, stats.blank, stats.notices, stats.malformed), (2, 3, 1, 1, 1));
    }

    #[test]
    fn rows_without_header_and_auto() {
        let (events, _) = run(ROW.as_bytes(), Format::ProcNetInet(Proto::Udp));
        assert_eq!(events, ["1 S kernel_inet false", "1 R udp Number(22) Known(Unknown)"]);
        // auto: found by its header; the protocol is unknown without a file name.
        let (events, _) = run(format!("{HEADER}{ROW}").as_bytes(), Format::Auto);
        assert_eq!(events, ["1 S kernel_inet true", "1 R unknown Number(22) Known(Listen)"]);
        let mut parser = PushParser::named(Format::Auto, "x/proc/net/raw6");
        let mut states = Vec::new();
        let mut sink = |ev: Event<'_>| {
            if let EventKind::InetConn(c) = ev.kind {
                states.push((c.proto, format!("{:?}", c.state)));
            }
        };
        parser.feed(format!("{HEADER}{ROW}").as_bytes(), &mut sink);
        parser.finish(&mut sink);
        assert_eq!(states, [(Proto::Raw6, format!("{:?}", InetState::Kernel(10)))]);
    }
}
