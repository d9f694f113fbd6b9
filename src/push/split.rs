//! One input parsed in parts, on several cores, with exactly the events of one parse.
//!
//! The input is cut at line starts. The first part is parsed as usual. Each later part
//! starts from a *guessed* state: a parser that read the bytes just before the part (its
//! warm-up, whose events are dropped) from a state that accepts rows without their title
//! (as [`PushParser::resume`] does). Once the parts before it are done, the true state at
//! the cut is known, and [`PushParser::agrees`] says whether the guess was right; when it
//! was not, the caller parses the part again from the true state. The events never depend
//! on the guess; only the speed does.
//!
//! ```text
//!   part 1: true start ───────────────────────▶ end state E1
//!   part 2:   [warm-up]─▶ guess G2 ──────────▶ end state E2   (kept when G2 agrees with E1)
//!   part 3:              [warm-up]─▶ guess G3 ─▶ …             (else re-parsed from E1)
//! ```
//!
//! A state holds positions (a held ss row, a title waiting for its header), so a part's
//! parser must count lines as the whole parse does: the caller gives each part its first
//! line number ([`PushParser::starting_at`]).

use super::{auto, netstat, resume, Machine, Position, PushParser};
use crate::format::Format;

impl PushParser {
    /// A parser whose first line is at `at` (line number and byte offset in the whole
    /// input): for a part of an input parsed on its own.
    pub fn starting_at(mut self, at: Position) -> Self {
        self.framer.start_at(at);
        self
    }

    /// The guessed parser for a part of an input in `format` that starts at `at` (a line
    /// start), after reading `warm_up`, the bytes just before it (whole lines, ending at
    /// `at`). `inside` is the format of the section the input was in near the part (for
    /// `Format::Auto`: [`PushParser::section_format`] of a parser that read the input's
    /// start), so that rows are read without their title. The warm-up's events are
    /// dropped and its lines not counted. A `warm_up` that starts the input (at offset 0)
    /// is read by an ordinary parser: the guess is then the true state.
    pub fn guess_for_part(format: Format, inside: Option<Format>, warm_up: &[u8], at: Position) -> Self {
        Self::guess_for_part_under(format, inside, None, warm_up, at)
    }

    /// [`PushParser::guess_for_part`] for a part whose table's header is `header`, a line
    /// before the warm-up (the last line before the part that [`is_table_header`] says
    /// opens a table; `None` when the warm-up holds it or there is none). An ss header
    /// says more than the rows under it: where iproute2 4.15–4.19 glued columns
    /// ([`netsift_grammar::ss::SsGeometry`]), which the true state has learnt from it; a
    /// guess read without it is never taken. Any other line is ignored.
    pub fn guess_for_part_under(
        format: Format,
        inside: Option<Format>,
        header: Option<&[u8]>,
        warm_up: &[u8],
        at: Position,
    ) -> Self {
        let lines = memchr::memchr_iter(b'\n', warm_up).count() as u64;
        let from = Position { line: at.line.saturating_sub(lines).max(1), offset: at.offset - warm_up.len() as u64 };
        let mut parser = PushParser::new(format);
        if from.offset > 0 {
            parser.machine = match format {
                Format::Netstat => Machine::Netstat(netstat::NetstatMachine::resumed()),
                Format::Auto => Machine::Auto(Box::new(auto::AutoMachine::inside(inside))),
                _ => parser.machine,
            };
            let ss = matches!(parser.machine, Machine::Ss(_) | Machine::Auto(_));
            if let Some(header) = header.filter(|h| ss && is_table_header(h)) {
                // Read as the line before the warm-up: the table is then open, with the
                // header's columns and geometry, when the warm-up's first line arrives.
                let before = Position { line: from.line.saturating_sub(1).max(1), offset: 0 };
                parser.framer.start_at(before);
                parser.feed(header, &mut |_: crate::Event<'_>| {});
                parser.feed(b"\n", &mut |_: crate::Event<'_>| {});
            }
        }
        parser.framer.start_at(from);
        parser.feed(warm_up, &mut |_: crate::Event<'_>| {});
        parser.stats = super::LineStats::default();
        parser
    }

    /// Whether this parser (a guess) and `truth` (the parser that read the whole input up
    /// to the same point) give the same events from here on. With `captures` false, a
    /// different capture number is allowed (for consumers, like `netsift count`, that do
    /// not look at it; the captures still start at the same lines). Caches, scratch space
    /// and the line accounting are not compared.
    pub fn agrees(&self, truth: &PushParser, captures: bool) -> bool {
        if self.front != truth.front || self.front != resume::Front::Settled || !self.framer.same_place(&truth.framer) {
            return false;
        }
        let mut guess = self.machine.clone();
        let mut truth = truth.machine.clone();
        guess.canonical(captures);
        truth.canonical(captures);
        guess == truth
    }

    /// The line accounting so far, which starts again from zero: a part's parser that
    /// starts from the state another left counts only its own lines.
    pub fn take_stats(&mut self) -> super::LineStats {
        std::mem::take(&mut self.stats)
    }

    /// The format of the section being read: the machine `Format::Auto` routes to now
    /// (`None` before any section), or the parser's own format.
    pub fn section_format(&self) -> Option<Format> {
        match &self.machine {
            Machine::Auto(m) => m.current_format(),
            Machine::Netstat(_) => Some(Format::Netstat),
            Machine::Ss(_) => Some(Format::Ss),
            Machine::NetstatS(_) => Some(Format::NetstatS),
            Machine::ProcNet(_) => Some(Format::ProcNetstat),
            Machine::NetstatI(_) => Some(Format::NetstatI),
            Machine::NetstatAgn(_) => Some(Format::NetstatAgn),
            Machine::Nstat(_) => Some(Format::Nstat),
            Machine::Snmp6(_) => Some(Format::ProcSnmp6),
            Machine::Sockstat(_) => Some(Format::Sockstat),
            Machine::ProcNetDev(_) => Some(Format::ProcNetDev),
            Machine::ProcInet(m) => Some(Format::ProcNetInet(m.proto())),
            Machine::ProcUnix(_) => Some(Format::ProcNetUnix),
        }
    }
}

/// Whether `line` opens a table whose later parts need it (see
/// [`PushParser::guess_for_part_under`]): an ss header. A caller that cuts an input looks
/// for the last such line before each part; [`TABLE_HEADER_MARK`] is in every one.
pub fn is_table_header(line: &[u8]) -> bool {
    netsift_grammar::ss::header(line).is_some()
}

/// Bytes that every line [`is_table_header`] accepts holds (as ss prints it), for a
/// quick search of a large input.
pub const TABLE_HEADER_MARK: &[u8] = b"Address:Port";

impl Machine {
    /// Put what does not change the events to come in one form: see each machine's
    /// `canonical`.
    fn canonical(&mut self, captures: bool) {
        match self {
            Machine::Netstat(m) => m.canonical(captures),
            Machine::Ss(m) => m.canonical(captures),
            Machine::NetstatS(m) => m.canonical(captures),
            Machine::ProcNet(m) => m.canonical(captures),
            Machine::NetstatI(m) => m.canonical(captures),
            Machine::NetstatAgn(m) => m.canonical(captures),
            Machine::Nstat(m) => m.canonical(captures),
            Machine::Snmp6(m) => m.canonical(captures),
            Machine::Sockstat(m) => m.canonical(captures),
            Machine::ProcNetDev(m) => m.canonical(captures),
            Machine::ProcInet(m) => m.canonical(captures),
            Machine::ProcUnix(m) => m.canonical(captures),
            Machine::Auto(m) => m.canonical(captures),
        }
    }
}
