//! `-f auto`: recognise each section's format from its own first line, and route the lines
//! that follow to the state machine of that format.
//!
//! Detection works per section, not per file: a log holding `netstat -neopa`, then
//! `ss -tupna`, then `netstat -s` gives each part to its own machine. Lines before any
//! recognised section are notices.

use super::netstat::NetstatMachine;
use super::netstat_agn::NetstatAgnMachine;
use super::netstat_i::NetstatIMachine;
use super::netstat_s::NetstatSMachine;
use super::proc_net::ProcNetMachine;
use super::ss::SsMachine;
use super::{LineStats, Position, Sink};
use crate::events::{Event, EventKind, Notice, NoticeKind};
use netsift_grammar::{netstat, netstat_s, ss};

/// Which machine a section belongs to, in the order they are asked whether a line opens
/// one of their sections (/proc before netstat -s: `Ip: Forwarding …` is /proc's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Netstat,
    Ss,
    ProcNet,
    NetstatS,
    NetstatI,
    NetstatAgn,
}

/// The auto-detecting machine. See the module documentation.
#[derive(Debug)]
pub(super) struct AutoMachine {
    current: Option<Kind>,
    netstat: NetstatMachine,
    ss: SsMachine,
    stat: NetstatSMachine,
    proc: ProcNetMachine,
    iface: NetstatIMachine,
    agn: NetstatAgnMachine,
}

impl AutoMachine {
    pub(super) fn new() -> Self {
        AutoMachine {
            current: None,
            netstat: NetstatMachine::new(),
            ss: SsMachine::new(),
            stat: NetstatSMachine::new(),
            proc: ProcNetMachine::new(),
            iface: NetstatIMachine::new(),
            agn: NetstatAgnMachine::new(),
        }
    }

    /// The format whose section this line begins, if any. Rows of connection tables start
    /// with a lower-case protocol word and counter sentences with blanks, so most lines are
    /// ruled out by their first byte.
    ///
    /// The current format is asked last, and only when a format after it in the order
    /// claims the line: its answer changes nothing otherwise, and it is the costly one
    /// (every line of a /proc file looks like the start of one).
    fn starts(&self, line: &[u8]) -> Option<Kind> {
        let first = *line.first()?;
        if first.is_ascii_lowercase() || first == b' ' || first == b'\t' || first.is_ascii_digit() {
            return None;
        }
        const ORDER: [Kind; 6] =
            [Kind::Netstat, Kind::Ss, Kind::ProcNet, Kind::NetstatS, Kind::NetstatI, Kind::NetstatAgn];
        let claimed = ORDER.into_iter().filter(|&k| Some(k) != self.current).find(|&k| Self::opens(k, line))?;
        match self.current {
            Some(current) if current < claimed && Self::opens(current, line) => Some(current),
            _ => Some(claimed),
        }
    }

    /// Does `line` open a section of format `kind`?
    fn opens(kind: Kind, line: &[u8]) -> bool {
        match kind {
            Kind::Netstat => NetstatMachine::starts(line),
            Kind::Ss => SsMachine::starts(line),
            Kind::NetstatS => NetstatSMachine::starts(line),
            Kind::ProcNet => ProcNetMachine::starts(line),
            Kind::NetstatI => NetstatIMachine::starts(line),
            Kind::NetstatAgn => NetstatAgnMachine::starts(line),
        }
    }

    pub(super) fn capture(&self) -> u32 {
        match self.current {
            None => 1,
            Some(Kind::Netstat) => self.netstat.capture(),
            Some(Kind::Ss) => self.ss.capture(),
            Some(Kind::NetstatS) => self.stat.capture(),
            Some(Kind::ProcNet) => self.proc.capture(),
            Some(Kind::NetstatI) => self.iface.capture(),
            Some(Kind::NetstatAgn) => self.agn.capture(),
        }
    }

    pub(super) fn saw_table(&self) -> bool {
        self.netstat.saw_table()
            || self.ss.saw_table()
            || self.stat.saw_table()
            || self.proc.saw_table()
            || self.iface.saw_table()
            || self.agn.saw_table()
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        if let Some(kind) = self.starts(line) {
            // A machine keeps its own section state, and its own notion of where a
            // capture starts (a repeated title). ss holds its last row until it knows the
            // row is complete: leaving ss completes it, so events stay in input order.
            if self.current == Some(Kind::Ss) && kind != Kind::Ss {
                self.ss.finish(stats, sink);
            }
            // So does an sctp row held for its address lines.
            if self.current == Some(Kind::Netstat) {
                self.netstat.flush_held(stats, sink);
            }
            self.current = Some(kind);
        }
        match self.current {
            None => {
                if line.iter().all(|&b| b == b' ' || b == b'\t') {
                    stats.blank += 1;
                    return;
                }
                stats.notices += 1;
                // Before any table: a warning of the tool that comes next, or a banner.
                let stat_notice = || match netstat_s::classify(line) {
                    Ok(netstat_s::StatLine::Notice(n)) => Some(NoticeKind::from(n.kind)),
                    _ => None,
                };
                let kind = netstat::notice(line)
                    .map(NoticeKind::from)
                    .or_else(|| ss::notice(line).map(NoticeKind::from))
                    .or_else(stat_notice)
                    .unwrap_or(NoticeKind::Other);
                let kind = EventKind::Notice(Notice { kind, text: line });
                sink.event(Event { at, capture: 1, kind });
            }
            Some(Kind::Netstat) => self.netstat.line(line, at, stats, sink),
            Some(Kind::Ss) => self.ss.line(line, at, stats, sink),
            Some(Kind::NetstatS) => self.stat.line(line, at, stats, sink),
            Some(Kind::ProcNet) => self.proc.line(line, at, stats, sink),
            Some(Kind::NetstatI) => self.iface.line(line, at, stats, sink),
            Some(Kind::NetstatAgn) => self.agn.line(line, at, stats, sink),
        }
    }

    /// Emit what a machine holds back (ss's last row) before an event that does not go
    /// through the machines (an over-long line).
    pub(super) fn flush<S: Sink + ?Sized>(&mut self, stats: &mut LineStats, sink: &mut S) {
        if self.current == Some(Kind::Ss) {
            self.ss.finish(stats, sink);
        }
        if self.current == Some(Kind::Netstat) {
            self.netstat.flush_held(stats, sink);
        }
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, stats: &mut LineStats, sink: &mut S) {
        self.netstat.finish(stats, sink);
        self.ss.finish(stats, sink);
        self.stat.finish(stats, sink);
        self.proc.finish(stats, sink);
        self.iface.finish(stats, sink);
        self.agn.finish(stats, sink);
    }
}
