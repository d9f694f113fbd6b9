//! The state machine for /proc/net/netstat and /proc/net/snmp: which line is expected next.

use super::{LineStats, Position, Sink};
use crate::events::{Event, EventKind, Notice, NoticeKind};

/// The /proc/net/netstat and /proc/net/snmp state machine (a stub until its issue lands: every line is a notice).
#[derive(Debug)]
pub(super) struct ProcNetMachine {
    capture: u32,
    saw_table: bool,
}

impl ProcNetMachine {
    pub(super) fn new() -> Self {
        ProcNetMachine { capture: 1, saw_table: false }
    }

    /// Does this line begin a table of this format? (auto-detection)
    pub(super) fn starts(_line: &[u8]) -> bool {
        false
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        stats.notices += 1;
        let kind = EventKind::Notice(Notice { kind: NoticeKind::Other, text: line });
        sink.event(Event { at, capture: self.capture, kind });
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, _sink: &mut S) {}
}
