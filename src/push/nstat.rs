//! The state machine for `nstat`: a `#kernel` header, then one counter per row.
//!
//! ```text
//!   #kernel                            ─▶ Section (nstat, name "kernel"); after rows, a new capture
//!   IpInReceives      15017    0.0     ─▶ Counter Ip/InReceives = 15017, rate 0.0
//!   nstat: history is stale, …         ─▶ Notice (nstat's stderr in the same log)
//! ```
//!
//! Rows before any header (a cut log, `-f nstat` on the tail of one) are read as rows.

use netsift_grammar::netstat_s::{self, StatLine};
use netsift_grammar::nstat;

use super::{LineStats, Position, Sink};
use crate::events::{
    Columns, Counter, CounterSource, Event, EventKind, Lang, Malformed, Notice, NoticeKind, Problem, Section, Table,
};

/// The nstat state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NstatMachine {
    capture: u32,
    rows_in_capture: bool,
    saw_table: bool,
}

impl NstatMachine {
    /// The state in one form (see `PushParser::agrees`): without the capture number
    /// unless `captures`.
    pub(super) fn canonical(&mut self, captures: bool) {
        if !captures {
            self.capture = 0;
        }
    }

    pub(super) fn new() -> Self {
        NstatMachine { capture: 1, rows_in_capture: false, saw_table: false }
    }

    /// Does this line begin nstat output? (auto-detection): its header.
    pub(super) fn starts(line: &[u8]) -> bool {
        line.first() == Some(&b'#') && nstat::header(line).is_some()
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        match nstat::row(line) {
            Ok(row) => {
                stats.rows += 1;
                self.saw_table = true;
                self.rows_in_capture = true;
                let (section, name) = row.split().unwrap_or((&[], row.flat));
                let counter = Counter {
                    source: CounterSource::Nstat,
                    section,
                    name: Some(name),
                    subtable: None,
                    value: i128::from(row.value),
                    text: row.flat,
                    line,
                    position: None,
                    rate: Some(row.rate),
                };
                self.emit(at, EventKind::Counter(counter), sink);
            }
            Err(e) => {
                if line.iter().all(|&b| b == b' ' || b == b'\t') {
                    stats.blank += 1;
                } else if let Some(header) = nstat::header(line) {
                    stats.headers += 1;
                    if self.rows_in_capture {
                        self.capture += 1;
                        self.rows_in_capture = false;
                    }
                    self.saw_table = true;
                    let section = Section {
                        table: Table::Nstat,
                        lang: Lang::C,
                        name: header.source,
                        header: Some(line),
                        columns: Columns::Counters,
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
        }
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, _sink: &mut S) {}

    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}

/// A message among counter lines: the tool's own (`nstat: history is stale, ignoring it.`),
/// a shell's, a time stamp between captures.
pub(super) fn counter_notice(line: &[u8]) -> Option<NoticeKind> {
    if line.starts_with(b"nstat: ") {
        return Some(NoticeKind::ToolMessage);
    }
    match netstat_s::classify(line) {
        Ok(StatLine::Notice(n)) if n.kind != netstat_s::NoticeKind::Other => Some(n.kind.into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::events::EventKind;
    use crate::{Event, Format, PushParser};

    fn run(input: &[u8]) -> (Vec<(u32, String)>, crate::push::LineStats) {
        let mut out = Vec::new();
        let mut parser = PushParser::new(Format::Nstat);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let mut sink = |ev: Event<'_>| {
            let what = match ev.kind {
                EventKind::Section(s) => format!("S {}", text(s.name)),
                EventKind::Counter(c) => format!(
                    "C {}/{}={} {:?}",
                    text(c.section),
                    text(c.name.unwrap_or_default()),
                    c.value,
                    c.rate.unwrap_or(-1.0)
                ),
                EventKind::Notice(n) => format!("N {}", n.kind.name()),
                EventKind::Malformed(m) => format!("M {}", m.column()),
                _ => "other".to_string(),
            };
            out.push((ev.capture, what));
        };
        parser.feed(input, &mut sink);
        parser.finish(&mut sink);
        (out, parser.stats())
    }

    #[test]
    fn headers_rows_notices_and_captures() {
        let input = b"nstat: history is stale, ignoring it.\n#20097.1804289383 sampling_interval=2 time_const=60\n\
IpExtInOctets                   139112          1536.9\nWeirdName 1 0.0\n\n#kernel\nTcpExtTW  980  0.0\nIp6 1 x\n";
        let (events, stats) = run(input);
        let got: Vec<_> = events.iter().map(|(c, w)| format!("{c} {w}")).collect();
        assert_eq!(
            got,
            [
                "1 N tool_message",
                "1 S 20097.1804289383",
                "1 C IpExt/InOctets=139112 1536.9",
                "1 C /WeirdName=1 0.0",
                "2 S kernel",
                "2 C TcpExt/TW=980 0.0",
                "2 M 7",
            ]
        );
        assert_eq!((stats.rows, stats.headers, stats.notices, stats.blank, stats.malformed), (3, 2, 1, 1, 1));
    }
}
