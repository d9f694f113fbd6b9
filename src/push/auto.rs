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
use super::proc_inet::ProcInetMachine;
use super::proc_net::ProcNetMachine;
use super::proc_unix::ProcUnixMachine;
use super::ss::SsMachine;
// Issue 13, counters.
use super::nstat::NstatMachine;
use super::proc_net_dev::ProcNetDevMachine;
use super::snmp6::Snmp6Machine;
use super::sockstat::SockstatMachine;
use super::{LineStats, Position, Sink};
use crate::events::{Event, EventKind, Notice, NoticeKind};
use crate::format::Format;
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
    ProcInet,
    ProcUnix,
    // Issue 13, counters.
    Nstat,
    Snmp6,
    Sockstat,
    ProcNetDev,
}

impl Kind {
    /// Every kind.
    const ALL: [Kind; 12] = [
        Kind::Netstat,
        Kind::Ss,
        Kind::ProcNet,
        Kind::NetstatS,
        Kind::NetstatI,
        Kind::NetstatAgn,
        Kind::ProcInet,
        Kind::ProcUnix,
        Kind::Nstat,
        Kind::Snmp6,
        Kind::Sockstat,
        Kind::ProcNetDev,
    ];

    /// The machine of a format (`Auto` has none).
    fn of(format: Format) -> Option<Kind> {
        match format {
            Format::Auto => None,
            Format::Netstat => Some(Kind::Netstat),
            Format::Ss | Format::SsTulpn => Some(Kind::Ss),
            Format::NetstatS => Some(Kind::NetstatS),
            Format::ProcNetstat => Some(Kind::ProcNet),
            Format::NetstatI => Some(Kind::NetstatI),
            Format::NetstatAgn => Some(Kind::NetstatAgn),
            Format::Nstat => Some(Kind::Nstat),
            Format::ProcSnmp6 => Some(Kind::Snmp6),
            Format::Sockstat => Some(Kind::Sockstat),
            Format::ProcNetDev => Some(Kind::ProcNetDev),
            Format::ProcSnmp => Some(Kind::ProcNet),
            Format::ProcNetInet(_) => Some(Kind::ProcInet),
            Format::ProcNetUnix => Some(Kind::ProcUnix),
        }
    }
}

/// Whether a line starting with `first` is ruled out as an opening line by that byte alone
/// (connection rows start with a lower-case protocol word, counter sentences with blanks,
/// values with digits), but for the two opening lines that start so: the kernel inet
/// tables' indented `sl` header and sockstat's `sockets:` ([`AutoMachine::starts`]).
fn ruled_out_by_first_byte(first: u8) -> bool {
    first.is_ascii_lowercase() || first == b' ' || first == b'\t' || first.is_ascii_digit()
}

/// Whether some format's `starts` may claim a line that starts `line` (and so `auto` must
/// ask them before the current format reads it through): it starts with neither a blank,
/// a digit nor a lower-case letter, or it is one of the two opening lines that start so
/// (the kernel inet tables' header, whose first word is `sl`, and sockstat's `sockets: `).
/// The same for a line and for the line with what follows its end: a `\n` ends its first
/// word. The netstat -s machine keeps it for each line it remembers
/// (`netstat_s::Shapes`), where it holds for every line of the same shape too: such a line
/// has other digits where the remembered one has digits, and digits decide none of the
/// three tests that way (`tests::claims_do_not_depend_on_digits`).
#[inline(always)]
pub(super) fn may_be_claimed(line: &[u8]) -> bool {
    let Some(&first) = line.first() else { return false };
    !ruled_out_by_first_byte(first)
        || (first == b's' && line.starts_with(b"sockets: "))
        || (first == b' ' && indented_sl(line))
}

/// A /proc values line as kernels print it: an identifier (a letter, then letters, digits
/// and `_`) and its colon, then one or more numbers (`-?[0-9]+`), each after blanks, and
/// nothing else. [`AutoMachine::starts`] answers `None` for every such line, whatever the
/// current format, so it is not asked (a values line is new at every capture, and asking
/// a dozen formats costs about a thousand instructions a line). Why no format claims one:
/// /proc's own opening line is a names line (a word that is no number); netstat -s's
/// title, nstat's header (`#`), snmp6's row (a blank after the name), sockstat's line
/// (`used` or `inuse` second), /proc/net/dev's and /proc/net/unix's headers (`Inter-|`,
/// `Num` first), `netstat -i`'s and `netstat -g`'s titles and headers (a word second, or
/// the whole line one of a few titles with words after the first) and ss's header (`Local`
/// and `Peer`) need a word that is no number, or a first word other than `Name:`;
/// netstat's titles start with a head of several words or of bytes no identifier holds
/// (a test checks the tables). The kernel inet tables' header starts with blanks. A
/// proptest and the `auto_values` fuzz target hold `starts` to it
/// ([`auto_skips_only_unclaimed`]).
fn plain_values_line(line: &[u8]) -> bool {
    use netsift_grammar::lex::{all_digits_or_blanks, is_blank};
    // The last byte first: a names line (half a /proc file's lines) ends with a letter,
    // and is told from a values line before its name is read.
    if !line.last().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let name = line.iter().take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_').count();
    if !line.first().is_some_and(u8::is_ascii_alphabetic) || line.get(name) != Some(&b':') {
        return false;
    }
    let body = &line[name + 1..];
    if !body.first().copied().is_some_and(is_blank) || !body.last().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    if all_digits_or_blanks(body) {
        return true;
    }
    // A sign (`Tcp: … -1 …`): after a blank, before a digit; digits and blanks between the
    // signs, checked a block at a time as above rather than byte by byte.
    let mut from = 0;
    for sign in memchr::memchr_iter(b'-', body) {
        let signed = sign > 0 && is_blank(body[sign - 1]) && body.get(sign + 1).is_some_and(u8::is_ascii_digit);
        if !signed || !all_digits_or_blanks(&body[from..sign]) {
            return false;
        }
        from = sign + 1;
    }
    from > 0 && all_digits_or_blanks(&body[from..])
}

/// For a line that auto does not ask about ([`plain_values_line`]), whether
/// [`AutoMachine::starts`] answers `None` for it under every current format (and before
/// any); `None` for any other line. What the shortcut rests on, for the `auto_values` fuzz
/// target and the tests.
#[doc(hidden)]
pub fn auto_skips_only_unclaimed(line: &[u8]) -> Option<bool> {
    if !plain_values_line(line) {
        return None;
    }
    let mut auto = AutoMachine::new();
    Some(std::iter::once(None).chain(Kind::ALL.into_iter().map(Some)).all(|current| {
        auto.current = current;
        auto.starts(line).is_none()
    }))
}

/// Whether the first word of `line`, after its blanks, starts with `sl` (the kernel inet
/// tables' header, [`ProcInetMachine::starts`]): netstat -s's indents of four blanks
/// skipped four at a time.
#[inline(always)]
fn indented_sl(line: &[u8]) -> bool {
    // Fewer than eight spaces (netstat -s's four) read from one word: the spaces before
    // its first other byte.
    if let Some(word) = line.first_chunk::<8>() {
        let spaces = (u64::from_le_bytes(*word) ^ 0x2020_2020_2020_2020).trailing_zeros() as usize / 8;
        if word.get(spaces).is_some_and(|&b| b != b'\t') {
            return line.get(spaces..spaces + 2) == Some(b"sl");
        }
    }
    let mut at = 0;
    while line.get(at..at + 4) == Some(b"    ") {
        at += 4;
    }
    while line.get(at).copied().is_some_and(netsift_grammar::lex::is_blank) {
        at += 1;
    }
    line.get(at..at + 2) == Some(b"sl")
}

/// Lines that every format was asked about and none claimed, each with the current
/// format it was asked under. A periodic log prints the same titles (`Tcp:`, `TcpExt:` …)
/// capture after capture, and asking a dozen formats again costs about a thousand
/// instructions a title. A cache of [`AutoMachine::starts`]' answer `None` (a pure
/// function of the line and the current format), filled once and bounded (`MAX_LINES`
/// lines of at most `MAX_LEN` bytes; nothing is allocated once it is full or the log
/// repeats): not part of the parser's state, so any two compare equal (a part's guessed
/// state is compared with the true one, `push/split.rs`).
#[derive(Debug, Clone, Default)]
struct Unclaimed {
    lines: Vec<(Option<Kind>, Box<[u8]>)>,
}

impl PartialEq for Unclaimed {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Unclaimed {
    const MAX_LINES: usize = 32;
    /// Long enough for /proc's names lines (`TcpExt:`'s is about 2.5 KiB): at most 128 KiB.
    const MAX_LEN: usize = 4096;

    fn knows(&self, kind: Option<Kind>, line: &[u8]) -> bool {
        self.lines.iter().any(|(under, known)| *under == kind && **known == *line)
    }

    /// Remember `line` (of at most `MAX_LEN` bytes: the caller asks only of those).
    fn learn(&mut self, kind: Option<Kind>, line: &[u8]) {
        if self.lines.len() < Self::MAX_LINES {
            self.lines.push((kind, line.into()));
        }
    }
}

/// The auto-detecting machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct AutoMachine {
    current: Option<Kind>,
    unclaimed: Unclaimed,
    netstat: NetstatMachine,
    pub(super) ss: SsMachine,
    pub(super) stat: NetstatSMachine,
    pub(super) proc: ProcNetMachine,
    iface: NetstatIMachine,
    agn: NetstatAgnMachine,
    inet: ProcInetMachine,
    unix: ProcUnixMachine,
    // Issue 13, counters.
    nstat: NstatMachine,
    snmp6: Snmp6Machine,
    sockstat: SockstatMachine,
    dev: ProcNetDevMachine,
}

impl AutoMachine {
    pub(super) fn new() -> Self {
        AutoMachine {
            current: None,
            unclaimed: Unclaimed::default(),
            netstat: NetstatMachine::new(),
            ss: SsMachine::new(),
            stat: NetstatSMachine::remembering(),
            proc: ProcNetMachine::new(),
            iface: NetstatIMachine::new(),
            agn: NetstatAgnMachine::new(),
            inet: ProcInetMachine::new(netsift_grammar::netstat::Proto::Unknown),
            unix: ProcUnixMachine::new(),
            nstat: NstatMachine::new(),
            snmp6: Snmp6Machine::new(),
            sockstat: SockstatMachine::new(),
            dev: ProcNetDevMachine::new(),
        }
    }

    /// The protocol of a kernel inet table in this input (from the file's name).
    pub(super) fn set_inet_proto(&mut self, proto: netsift_grammar::netstat::Proto) {
        self.inet.set_proto(proto);
    }

    /// The guessed machine for a part of an input that begins inside a section of
    /// `inside` (see `push/split.rs`): that format is current, and the netstat machine
    /// accepts rows before their title.
    pub(super) fn inside(inside: Option<Format>) -> Self {
        let mut machine = Self::new();
        machine.current = inside.and_then(Kind::of);
        if let Some(Format::ProcNetInet(proto)) = inside {
            machine.inet.set_proto(proto);
        }
        if machine.current == Some(Kind::Netstat) {
            machine.netstat = NetstatMachine::resumed();
        }
        machine
    }

    /// The format of the section being read, `None` before any.
    pub(super) fn current_format(&self) -> Option<Format> {
        self.current.map(|kind| match kind {
            Kind::Netstat => Format::Netstat,
            Kind::Ss => Format::Ss,
            Kind::ProcNet => Format::ProcNetstat,
            Kind::NetstatS => Format::NetstatS,
            Kind::NetstatI => Format::NetstatI,
            Kind::NetstatAgn => Format::NetstatAgn,
            Kind::Nstat => Format::Nstat,
            Kind::Snmp6 => Format::ProcSnmp6,
            Kind::Sockstat => Format::Sockstat,
            Kind::ProcNetDev => Format::ProcNetDev,
            Kind::ProcInet => Format::ProcNetInet(self.inet.proto()),
            Kind::ProcUnix => Format::ProcNetUnix,
        })
    }

    /// The state in one form: each machine's (see `PushParser::agrees`).
    pub(super) fn canonical(&mut self, captures: bool) {
        self.netstat.canonical(captures);
        self.ss.canonical(captures);
        self.stat.canonical(captures);
        self.proc.canonical(captures);
        self.iface.canonical(captures);
        self.agn.canonical(captures);
        self.nstat.canonical(captures);
        self.snmp6.canonical(captures);
        self.sockstat.canonical(captures);
        self.dev.canonical(captures);
        self.inet.canonical(captures);
        self.unix.canonical(captures);
    }

    /// A copy without its machines' caches (see `PushParser::clone_without_caches`).
    pub(super) fn clone_without_caches(&self) -> Self {
        let AutoMachine {
            current,
            unclaimed,
            netstat,
            ss,
            stat,
            proc,
            iface,
            agn,
            inet,
            unix,
            nstat,
            snmp6,
            sockstat,
            dev,
        } = self;
        AutoMachine {
            current: *current,
            unclaimed: unclaimed.clone(),
            netstat: netstat.clone(),
            ss: ss.clone(),
            stat: stat.clone_without_caches(),
            proc: proc.clone_without_caches(),
            iface: iface.clone(),
            agn: agn.clone(),
            inet: inet.clone(),
            unix: unix.clone(),
            nstat: nstat.clone(),
            snmp6: snmp6.clone(),
            sockstat: sockstat.clone(),
            dev: dev.clone(),
        }
    }

    /// Swap its machines' caches with `other`'s (see `PushParser::exchange_caches`).
    pub(super) fn exchange_caches(&mut self, other: &mut AutoMachine) {
        self.stat.exchange_caches(&mut other.stat, true);
        self.proc.exchange_caches(&mut other.proc);
    }

    /// Every machine's held positions without their line numbers (see
    /// `PushParser::agrees_but_for_line_numbers`).
    pub(super) fn forget_lines(&mut self) {
        self.netstat.forget_lines();
        self.ss.forget_lines();
        self.proc.forget_lines();
        self.iface.forget_lines();
        self.agn.forget_lines();
        self.unix.forget_lines();
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
        // The kernel inet tables' header is the one opening line that starts with blanks.
        if first == b' ' && self.current != Some(Kind::ProcInet) && ProcInetMachine::starts(line) {
            return Some(Kind::ProcInet);
        }
        if ruled_out_by_first_byte(first) {
            // sockstat's first line is the one opening line in lower case.
            let sockstat = first == b's' && line.starts_with(b"sockets: ") && SockstatMachine::starts(line);
            return (sockstat && self.current != Some(Kind::Sockstat)).then_some(Kind::Sockstat);
        }
        const ORDER: [Kind; 11] = [
            Kind::Netstat,
            Kind::Ss,
            Kind::ProcNet,
            Kind::NetstatS,
            Kind::NetstatI,
            Kind::NetstatAgn,
            Kind::Nstat,
            Kind::Snmp6,
            Kind::Sockstat,
            Kind::ProcNetDev,
            Kind::ProcUnix,
        ];
        let claimed = ORDER.into_iter().filter(|&k| Some(k) != self.current).find(|&k| Self::opens(k, line))?;
        match self.current {
            Some(current) if current < claimed && Self::opens(current, line) => Some(current),
            _ => Some(claimed),
        }
    }

    /// [`AutoMachine::starts`], answered from [`Unclaimed`] for a line asked before, and
    /// without asking for a /proc values line ([`plain_values_line`]), which no format claims.
    fn starts_remembered(&mut self, line: &[u8]) -> Option<Kind> {
        let asks_every_format = line.first().is_some_and(|&b| !ruled_out_by_first_byte(b));
        if !asks_every_format || line.len() > Unclaimed::MAX_LEN {
            return self.starts(line);
        }
        if plain_values_line(line) {
            return None;
        }
        if self.unclaimed.knows(self.current, line) {
            return None;
        }
        let kind = self.starts(line);
        if kind.is_none() {
            self.unclaimed.learn(self.current, line);
        }
        kind
    }

    /// Whether `line` opens a section of another format than the current one: the
    /// capture marks of a part under `auto` (`push/split.rs`) stop being known there.
    pub(super) fn opens_other(&self, line: &[u8]) -> bool {
        self.starts(line).is_some_and(|k| Some(k) != self.current)
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
            Kind::ProcInet => ProcInetMachine::starts(line),
            Kind::ProcUnix => ProcUnixMachine::starts(line),
            Kind::Nstat => NstatMachine::starts(line),
            Kind::Snmp6 => Snmp6Machine::starts(line),
            Kind::Sockstat => SockstatMachine::starts(line),
            Kind::ProcNetDev => ProcNetDevMachine::starts(line),
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
            Some(Kind::ProcInet) => self.inet.capture(),
            Some(Kind::ProcUnix) => self.unix.capture(),
            Some(Kind::Nstat) => self.nstat.capture(),
            Some(Kind::Snmp6) => self.snmp6.capture(),
            Some(Kind::Sockstat) => self.sockstat.capture(),
            Some(Kind::ProcNetDev) => self.dev.capture(),
        }
    }

    pub(super) fn saw_table(&self) -> bool {
        self.netstat.saw_table()
            || self.ss.saw_table()
            || self.stat.saw_table()
            || self.proc.saw_table()
            || self.iface.saw_table()
            || self.agn.saw_table()
            || self.inet.saw_table()
            || self.unix.saw_table()
            || self.nstat.saw_table()
            || self.snmp6.saw_table()
            || self.sockstat.saw_table()
            || self.dev.saw_table()
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        if let Some(kind) = self.starts_remembered(line) {
            // A machine keeps its own section state, and its own notion of where a
            // capture starts (a repeated title). ss holds its last row until it knows the
            // row is complete: leaving ss completes it, so events stay in input order.
            if self.current == Some(Kind::Ss) && kind != Kind::Ss {
                self.ss.finish(stats, sink);
            }
            if self.current == Some(Kind::ProcUnix) && kind != Kind::ProcUnix {
                self.unix.flush(sink);
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
                    .or_else(|| line.starts_with(b"nstat: ").then_some(NoticeKind::ToolMessage))
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
            Some(Kind::ProcInet) => self.inet.line(line, at, stats, sink),
            Some(Kind::ProcUnix) => self.unix.line(line, at, stats, sink),
            Some(Kind::Nstat) => self.nstat.line(line, at, stats, sink),
            Some(Kind::Snmp6) => self.snmp6.line(line, at, stats, sink),
            Some(Kind::Sockstat) => self.sockstat.line(line, at, stats, sink),
            Some(Kind::ProcNetDev) => self.dev.line(line, at, stats, sink),
        }
    }

    /// Read through (see `LineReader`) the line that starts `rest` with the current
    /// format's reader, when no format can claim it, so that `line` would hand it to the
    /// current format as it is: it starts with a blank, a digit or a lower-case letter, and
    /// is neither of the two opening lines that start so (the kernel inet tables' header,
    /// whose first word is `sl`, and sockstat's `sockets: `: [`may_be_claimed`]); or it is
    /// a line that [`Unclaimed`] remembers under the current format (`starts` answered
    /// `None`), and the one the netstat -s machine expects next, whole. `None` (nothing
    /// done) otherwise: the framer then frames it and `line` reads it.
    #[inline]
    pub(super) fn read_through<S: Sink + ?Sized>(
        &mut self,
        rest: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
    ) -> Option<usize> {
        if self.current == Some(Kind::NetstatS) {
            // The netstat -s machine knows the whole line it expects, and whether a line of
            // that shape may be claimed ([`may_be_claimed`], kept with the shape, so not
            // asked of each line here). One that may is read through when every format was
            // asked about it and none claimed it: then it is the current format's (`line`
            // would hand it over as it is): netstat -s titles, which start with a capital,
            // come back capture after capture.
            let unclaimed = &self.unclaimed;
            let known = |line: &[u8]| unclaimed.knows(Some(Kind::NetstatS), line);
            return self.stat.read_through_if(rest, at, stats, sink, Some(known));
        }
        if may_be_claimed(rest) {
            return None;
        }
        match self.current? {
            Kind::Netstat => self.netstat.read_through(rest, at, stats, sink),
            Kind::Ss => self.ss.read_through(rest, at, stats, sink),
            _ => None,
        }
    }

    /// Emit what a machine holds back (ss's last row) before an event that does not go
    /// through the machines (an over-long line).
    pub(super) fn flush<S: Sink + ?Sized>(&mut self, stats: &mut LineStats, sink: &mut S) {
        if self.current == Some(Kind::Ss) {
            self.ss.finish(stats, sink);
        }
        if self.current == Some(Kind::ProcUnix) {
            self.unix.flush(sink);
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
        self.inet.finish(stats, sink);
        self.unix.finish(stats, sink);
        self.nstat.finish(stats, sink);
        self.snmp6.finish(stats, sink);
        self.sockstat.finish(stats, sink);
        self.dev.finish(stats, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `plain_values_line` answers as its byte-by-byte definition (the signs checked where
    /// each byte is) on values lines made of numbers, signs, blanks and stray bytes.
    #[test]
    fn plain_values_lines_as_defined() {
        use netsift_grammar::lex::is_blank;
        let defined = |line: &[u8]| {
            let name = line.iter().take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_').count();
            if !line.first().is_some_and(u8::is_ascii_alphabetic) || line.get(name) != Some(&b':') {
                return false;
            }
            let body = &line[name + 1..];
            body.first().copied().is_some_and(is_blank)
                && body.last().is_some_and(u8::is_ascii_digit)
                && body.iter().enumerate().all(|(i, &b)| {
                    b.is_ascii_digit()
                        || is_blank(b)
                        || (b == b'-' && is_blank(body[i - 1]) && body.get(i + 1).is_some_and(u8::is_ascii_digit))
                })
        };
        let words: [&[u8]; 10] = [b"0", b"-1", b"123456789012", b"-", b"--1", b"1-2", b"x", b"-x", b"7-", b"\t3"];
        let mut seed = 7u64;
        let mut seen = [0u32; 4];
        for _ in 0..20_000 {
            let mut line = b"Tcp:".to_vec();
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let count = 1 + (seed >> 60) as usize;
            for k in 0..count {
                let pick = (seed >> (4 * k % 56)) as usize;
                line.push(if pick & 16 == 0 { b' ' } else { b'\t' });
                // Mostly plain words, so that long plain lines with a sign come up.
                let word = if pick % 3 == 0 { words[pick / 3 % words.len()] } else { words[pick % 3 - 1] };
                line.extend_from_slice(word);
            }
            let plain = plain_values_line(&line);
            assert_eq!(plain, defined(&line), "{:?}", String::from_utf8_lossy(&line));
            seen[usize::from(plain) * 2 + usize::from(line.contains(&b'-'))] += 1;
        }
        // Plain lines and others, each with and without signs.
        assert!(seen.iter().all(|&n| n > 100), "{seen:?}");
    }

    /// What the netstat -s machine's shapes rest on (`may_be_claimed`): a line of a shape,
    /// other digits where the remembered line has digits, is claimed or not alike, for
    /// heads and tails near each of its three tests.
    #[test]
    fn claims_do_not_depend_on_digits() {
        let heads: [&[u8]; 19] = [
            b"",
            b" ",
            b"    ",
            b"\t",
            b"s",
            b"sl",
            b" s",
            b"   s",
            b"    sl",
            b"sockets",
            b"sockets:",
            b"sockets: ",
            b"sockets: used ",
            b"soc",
            b"T",
            b"Tcp: ",
            b"-",
            b"    -",
            b"  x ",
        ];
        let tails: [&[u8]; 8] = [b"", b" x", b"l", b"l x", b": 1", b"\nsl", b" sl", b"\t"];
        let mut claimed = [0u32; 2];
        for head in heads {
            for tail in tails {
                let answers: Vec<bool> = [&b"0"[..], b"7", b"42", b"123456789012345678"]
                    .iter()
                    .map(|digits| may_be_claimed(&[head, digits, tail].concat()))
                    .collect();
                assert!(answers.iter().all(|&a| a == answers[0]), "{:?} {:?}", head, tail);
                claimed[usize::from(answers[0])] += 1;
            }
        }
        // Lines that may be claimed and lines that may not.
        assert!(claimed.iter().all(|&n| n > 10), "{claimed:?}");
    }

    /// `indented_sl` (a word at a time for short indents) answers as its definition, the
    /// first word after the blanks starts with `sl`, for every indent of spaces and tabs up
    /// to twelve bytes and every line length around it.
    #[test]
    fn indented_sl_as_defined() {
        let defined = |line: &[u8]| {
            let start = line.iter().position(|&b| !netsift_grammar::lex::is_blank(b)).unwrap_or(line.len());
            line[start..].starts_with(b"sl")
        };
        for indent in 0..13 {
            for tabs in 0..(1u32 << indent.min(9)) {
                let blanks: Vec<u8> =
                    (0..indent).map(|i| if i < 9 && tabs & (1 << i) != 0 { b'\t' } else { b' ' }).collect();
                for word in [&b"sl"[..], b"s", b"sx", b"xsl", b"", b"sl  local_address", b"0: 0100007F"] {
                    let line = [&blanks[..], word].concat();
                    assert_eq!(indented_sl(&line), defined(&line), "{:?}", String::from_utf8_lossy(&line));
                }
            }
        }
    }

    /// The remembered answers are `starts`' own: a title no format claims is answered from
    /// the cache under the format it was asked under only, and a line that opens a
    /// section is never remembered.
    #[test]
    fn remembered_answers_are_those_of_starts() {
        let mut auto = AutoMachine::new();
        let netstat_header = b"Active Internet connections (servers and established)";
        assert_eq!(auto.starts_remembered(netstat_header), Some(Kind::Netstat));
        assert!(auto.unclaimed.lines.is_empty());
        auto.current = Some(Kind::Netstat);
        // Under netstat, a netstat -s title opens netstat -s: not remembered either.
        assert_eq!(auto.starts_remembered(b"Tcp:"), Some(Kind::NetstatS));
        assert!(auto.unclaimed.lines.is_empty());
        auto.current = Some(Kind::NetstatS);
        for _ in 0..3 {
            assert_eq!(auto.starts_remembered(b"Tcp:"), auto.starts(b"Tcp:"));
            assert_eq!(auto.starts_remembered(b"Tcp:"), None);
        }
        assert_eq!(auto.unclaimed.lines.len(), 1);
        assert!(auto.unclaimed.knows(Some(Kind::NetstatS), b"Tcp:"));
        assert!(!auto.unclaimed.knows(Some(Kind::Netstat), b"Tcp:"));
        // Bounded: past `MAX_LINES` lines nothing more is remembered, answers stay right.
        for i in 0..2 * Unclaimed::MAX_LINES {
            let title = format!("Nope{i}:");
            assert_eq!(auto.starts_remembered(title.as_bytes()), auto.starts(title.as_bytes()));
        }
        assert_eq!(auto.unclaimed.lines.len(), Unclaimed::MAX_LINES);
    }
}
