//! The state machine for the kernel's unix socket table, `/proc/net/unix`.
//!
//! ```text
//! Num       RefCount Protocol Flags    Type St Inode Path    ─▶ Section (table kernel_unix)
//! 0000000000000000: 00000002 … 01 42776 /run/a b             held (a copy): its path may go on
//! c                                                          a line that is no row: the path's rest
//! 0000000000000000: 00000002 … 01 42777                      ─▶ UnixSocket /run/a b\nc, then this
//! ```
//!
//! The kernel prints a path as it is, newline included, so a row with a path is held until
//! the next line shows whether the path goes on: a line that is neither a row, the header,
//! a blank line nor a known message (time stamp, shell error) is the rest of the path. A
//! row without a path cannot go on and is emitted at once. The held copy reuses one
//! buffer, bounded by the line cap per line.

use netsift_grammar::netstat::TableKind;
use netsift_grammar::proc_unix;

use super::proc_inet::{notice, notice_or_malformed};
use super::{LineStats, Position, Sink};
use crate::events::{Columns, Event, EventKind, Lang, Malformed, Problem, Section, Table, UnixLayout};

/// The kernel unix table state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ProcUnixMachine {
    capture: u32,
    open: bool,
    rows_in_capture: bool,
    /// The row held for a continuation of its path (lines joined by `\n`).
    held: Vec<u8>,
    holding: bool,
    held_at: Position,
}

/// How many continuation lines one path may take: a path is at most 108 bytes, so a
/// handful of newlines; beyond that the lines are not a path.
const MAX_CONTINUATIONS: usize = 108;

impl ProcUnixMachine {
    /// The state in one form (see `PushParser::agrees`): without the capture number
    /// unless `captures`; a held row compares by its bytes and position.
    pub(super) fn canonical(&mut self, captures: bool) {
        if !captures {
            self.capture = 0;
        }
        if !self.holding {
            self.held.clear();
            self.held_at = Position::default();
        }
    }

    /// Put the held row's line number at 0 (see `PushParser::agrees_but_for_line_numbers`).
    pub(super) fn forget_lines(&mut self) {
        self.held_at.line = 0;
    }

    pub(super) fn new() -> Self {
        ProcUnixMachine {
            capture: 1,
            open: false,
            rows_in_capture: false,
            held: Vec::new(),
            holding: false,
            held_at: Position::default(),
        }
    }

    /// Does this line begin the kernel's unix table? (auto-detection): its header.
    pub(super) fn starts(line: &[u8]) -> bool {
        proc_unix::header(line)
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    pub(super) fn saw_table(&self) -> bool {
        self.open
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        let blank = line.iter().all(|&b| b == b' ' || b == b'\t');
        if self.holding {
            let continues = !blank
                && !proc_unix::looks_like_row(line)
                && !proc_unix::header(line)
                && notice(line).is_none()
                && self.held.iter().filter(|&&b| b == b'\n').count() < MAX_CONTINUATIONS;
            if continues {
                stats.continuations += 1;
                self.held.push(b'\n');
                self.held.extend_from_slice(line);
                return;
            }
            self.flush(sink);
        }
        if blank {
            stats.blank += 1;
            return;
        }
        match proc_unix::row(line) {
            Ok(row) => {
                if !self.open {
                    self.section(at, None, sink);
                }
                stats.rows += 1;
                self.rows_in_capture = true;
                if row.path.is_empty() {
                    sink.event(Event { at, capture: self.capture, kind: EventKind::UnixSocket(row) });
                } else {
                    self.held.clear();
                    self.held.extend_from_slice(line);
                    self.holding = true;
                    self.held_at = at;
                }
            }
            Err(e) => {
                if proc_unix::header(line) {
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

    /// Emit the held row.
    pub(super) fn flush<S: Sink + ?Sized>(&mut self, sink: &mut S) {
        if !self.holding {
            return;
        }
        self.holding = false;
        let kind = match proc_unix::row(&self.held) {
            Ok(row) => EventKind::UnixSocket(row),
            // Cannot happen: the first line parsed, and the rest is path.
            Err(e) => EventKind::Malformed(Malformed {
                raw: &self.held,
                problem: Problem::Grammar { column: e.column, expected: e.expected },
            }),
        };
        sink.event(Event { at: self.held_at, capture: self.capture, kind });
    }

    fn section<S: Sink + ?Sized>(&mut self, at: Position, header: Option<&[u8]>, sink: &mut S) {
        self.open = true;
        let section = Section {
            table: Table::Kernel(TableKind::Unix),
            lang: Lang::C,
            name: b"unix",
            header,
            columns: Columns::Unix(UnixLayout { program: false }),
        };
        sink.event(Event { at, capture: self.capture, kind: EventKind::Section(section) });
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, sink: &mut S) {
        self.flush(sink);
    }
}

#[cfg(test)]
mod tests {
    use crate::events::EventKind;
    use crate::{Event, Format, PushParser};

    fn run(input: &[u8]) -> (Vec<String>, crate::push::LineStats) {
        let mut out = Vec::new();
        let mut parser = PushParser::new(Format::ProcNetUnix);
        let mut sink = |ev: Event<'_>| {
            out.push(match ev.kind {
                EventKind::Section(s) => format!("{}:{} S {}", ev.at.line, ev.capture, s.table.name()),
                EventKind::UnixSocket(u) => {
                    format!("{}:{} U {:?} {}", ev.at.line, ev.capture, u.state, String::from_utf8_lossy(u.path))
                }
                EventKind::Notice(n) => format!("{}:{} N {}", ev.at.line, ev.capture, n.kind.name()),
                EventKind::Malformed(m) => format!("{}:{} M {}", ev.at.line, ev.capture, m.reason()),
                other => format!("other {}", other.name()),
            })
        };
        parser.feed(input, &mut sink);
        parser.finish(&mut sink);
        (out, parser.stats())
    }

    #[test]
    fn paths_with_newlines_are_joined() {
        let input = b"Num       RefCount Protocol Flags    Type St Inode Path\n\
0000000000000000: 00000002 00000000 00010000 0001 01 1 /tmp/a\n\
b\n\
\n\
0000000000000000: 00000002 00000000 00000000 0001 03 2\n\
0000000000000000: 00000002 00000000 00000000 0002 01 3 @abstract\n";
        let (events, stats) = run(input);
        assert_eq!(
            events,
            ["1:1 S kernel_unix", "2:1 U Listening /tmp/a\nb", "5:1 U Connected ", "6:1 U Empty @abstract"]
        );
        assert_eq!((stats.rows, stats.continuations, stats.blank, stats.headers), (3, 1, 1, 1));
    }

    #[test]
    fn captures_notices_and_errors() {
        let header = "Num       RefCount Protocol Flags    Type St Inode Path\n";
        let row = "0000000000000000: 00000002 00000000 00000000 0001 03 2 /x\n";
        let input = format!("{header}{row}Thu Nov 27 04:02:03 UTC 2026\n{header}{row}");
        let (events, _) = run(input.as_bytes());
        assert_eq!(
            events,
            ["1:1 S kernel_unix", "2:1 U Connected /x", "3:1 N timestamp", "4:2 S kernel_unix", "5:2 U Connected /x"]
        );
        let (events, stats) = run(b"Num       RefCount Protocol Flags    Type St Inode Path\nnot a row\n");
        assert_eq!(events, ["1:1 S kernel_unix", "2:1 M expected the socket's address in hex (`Num`)"]);
        assert_eq!(stats.malformed, 1);
    }
}
