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
//! line number ([`PushParser::starting_at`]). A caller that reads no line numbers but the
//! few it can find again from their byte offsets may number a part's lines from anywhere
//! and check its guess with [`PushParser::agrees_but_for_line_numbers`].
//!
//! It also holds the capture number, and what decides where the next capture starts
//! (netstat -s: the titles seen in the capture; /proc: the prefixes paired). A warm-up
//! cannot know those: it starts counting at 1, and in the middle of a capture. So, for the
//! formats whose logs repeat captures (netstat -s, /proc/net/netstat+snmp, ss), the
//! caller also reads each part once, in parallel and cheaply, for its [`CaptureMarks`]:
//! the few lines that the capture rule looks at (titles; /proc's prefixes; ss headers),
//! read by the machines' own functions. Folding the marks of the parts before a cut over
//! the state at the input's start ([`CaptureState::after`]) gives the exact state at the
//! cut, which the guess then takes ([`PushParser::set_capture_state`]):
//!
//! ```text
//!   marks of part 1, part 2, … (parallel) ─▶ S1 = start, S2 = S1.after(marks 1), S3 = …
//!   guess for part k = warm-up state, with capture number and seen names from Sk
//! ```
//!
//! The fold only makes the guess right more often: [`PushParser::agrees`] still checks
//! it, capture number included.

use memchr::memmem;

use super::framer::{Framed, LineFramer, LineReader, DEFAULT_LINE_CAP};
use super::netstat_s::SeenNames;
use super::{auto, netstat, netstat_s, proc_net, resume, Machine, Position, PushParser};
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
        Self::guess(format, inside, header, warm_up, at, None)
    }

    /// [`PushParser::guess_for_part_under`], its machine first given the caches of `learnt`,
    /// a parser of the same input that read other parts of it, in exchange for its own
    /// empty ones (see [`PushParser::exchange_caches`]): the warm-up and the part's first
    /// lines are then read as fast as the rest, not learnt again (on a periodic netstat -s
    /// log, learning the lines' shapes again cost each 1 MiB part of `netsift count --jobs
    /// 2` 1–2 %). Give the caches back to `learnt` after the part, the same way.
    pub fn guess_for_part_learnt(
        format: Format,
        inside: Option<Format>,
        header: Option<&[u8]>,
        warm_up: &[u8],
        at: Position,
        learnt: &mut PushParser,
    ) -> Self {
        Self::guess(format, inside, header, warm_up, at, Some(learnt))
    }

    fn guess(
        format: Format,
        inside: Option<Format>,
        header: Option<&[u8]>,
        warm_up: &[u8],
        at: Position,
        learnt: Option<&mut PushParser>,
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
        }
        if let Some(learnt) = learnt {
            parser.exchange_caches(learnt);
        }
        if from.offset > 0 {
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
        self.agrees_as(truth, captures, true)
    }

    /// [`PushParser::agrees`], but for the line numbers: the two parsers may number their
    /// lines differently (the events from here on are then the same but for their line
    /// numbers, which differ by the same amount throughout). For consumers that do not
    /// read line numbers, or find the few they need again from the byte offsets (`netsift
    /// count` reports the first malformed line): the parts' line numbers need not be
    /// counted before the parts are parsed.
    pub fn agrees_but_for_line_numbers(&self, truth: &PushParser, captures: bool) -> bool {
        self.agrees_as(truth, captures, false)
    }

    fn agrees_as(&self, truth: &PushParser, captures: bool, lines: bool) -> bool {
        if self.front != truth.front
            || self.front != resume::Front::Settled
            || !self.framer.same_place(&truth.framer, lines)
        {
            return false;
        }
        let mut guess = self.machine.clone_without_caches();
        let mut truth = truth.machine.clone_without_caches();
        guess.canonical(captures);
        truth.canonical(captures);
        if !lines {
            guess.forget_lines();
            truth.forget_lines();
        }
        guess == truth
    }

    /// A copy of this parser without what its machine remembered of the lines it read to
    /// read them again faster (see [`PushParser::exchange_caches`]): it gives the same events,
    /// and is as cheap to make as the state is small. For a part's start state kept to be
    /// checked with [`PushParser::agrees`] (a netstat -s machine's line shapes made each
    /// copy of `netsift count --jobs 2` copy up to 100 KiB).
    pub fn clone_without_caches(&self) -> PushParser {
        PushParser {
            framer: self.framer.clone(),
            machine: self.machine.clone_without_caches(),
            stats: self.stats,
            front: self.front,
        }
    }

    /// Swap what the two parsers' machines remembered of the lines they read to read them
    /// again faster (netstat -s line shapes, /proc names lines; nothing is copied): caches,
    /// which change no event and which [`PushParser::agrees`] does not compare. For the
    /// parsers of the parts of one input, which read the same lines (see
    /// [`PushParser::guess_for_part_learnt`]). Machines of different formats swap nothing.
    pub fn exchange_caches(&mut self, other: &mut PushParser) {
        match (&mut self.machine, &mut other.machine) {
            (Machine::NetstatS(m), Machine::NetstatS(o)) => m.exchange_caches(o, false),
            (Machine::ProcNet(m), Machine::ProcNet(o)) => m.exchange_caches(o),
            (Machine::Auto(m), Machine::Auto(o)) => m.exchange_caches(o),
            _ => {}
        }
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

/// Which capture rule a part's marks follow: the formats whose logs repeat captures in one
/// file, and whose rule looks at lines that can be recognised on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// netstat -s: a title seen before in the capture starts the next.
    NetstatS,
    /// /proc/net/netstat and snmp: a prefix paired before (and not just before) does.
    ProcNet,
    /// ss: every header after the first table does.
    Ss,
}

impl Rule {
    fn of(format: Format) -> Option<Rule> {
        match format {
            Format::NetstatS => Some(Rule::NetstatS),
            Format::ProcNetstat | Format::ProcSnmp => Some(Rule::ProcNet),
            Format::Ss | Format::SsTulpn => Some(Rule::Ss),
            _ => None,
        }
    }
}

/// The most distinct names one part's marks refer to (a kernel has a few dozen section
/// names): a bound against hostile input, past which the part's marks are lost.
const MARK_NAMES_CAP: usize = 4096;

/// The lines of one part of an input that decide where its captures start, read on their
/// own (see the module documentation): netstat -s titles, /proc prefixes (with whether the
/// line holds names or values), ss headers. Fed the part's bytes in chunks of any size.
/// Under `Format::Auto`, a line that opens a section of another format than the part's
/// makes the marks unknown (`lost`): that part's guess then keeps its own count.
#[derive(Debug, Clone)]
pub struct CaptureMarks {
    framer: LineFramer,
    marking: Marking,
}

#[derive(Debug, Clone)]
struct Marking {
    rule: Rule,
    /// Under `auto`: the machine, inside the part's format, whose `starts` says whether a
    /// line opens another format's section.
    auto: Option<Box<auto::AutoMachine>>,
    header_mark: memmem::Finder<'static>,
    /// The distinct names (their hashes) the marks refer to.
    names: Vec<u64>,
    /// The marks, in order: an index into `names`, shifted left once, with the low bit
    /// set for a /proc values line.
    marks: Vec<u32>,
    lost: bool,
    /// Where the last two ss headers start (the last first), from the start of the part.
    last_headers: [Option<u64>; 2],
    /// Where the last two lines that open what the lines after them are read under start
    /// (the last first), from the start of the part (see [`CaptureMarks::last_openings`]).
    last_openings: [Option<u64>; 2],
    /// ss: whether the last line that was not a TAB-led continuation is a header. The ss
    /// machine holds each line until the next arrives, so such a header opens its table
    /// (and its capture) only in the next part.
    header_held: bool,
    /// ss: whether the part has a line that is not a TAB-led continuation (which lets a
    /// line held before the part go).
    lets_go: bool,
}

impl CaptureMarks {
    /// Marks for a part of an input in `format` (`inside`: as for
    /// [`PushParser::guess_for_part`]); `None` for a format whose captures are not
    /// followed this way (its guesses keep counting from their warm-up).
    pub fn new(format: Format, inside: Option<Format>) -> Option<Self> {
        let (rule, auto) = match format {
            Format::Auto => (Rule::of(inside?)?, Some(Box::new(auto::AutoMachine::inside(inside)))),
            _ => (Rule::of(format)?, None),
        };
        let marking = Marking {
            rule,
            auto,
            header_mark: memmem::Finder::new(TABLE_HEADER_MARK),
            names: Vec::new(),
            marks: Vec::new(),
            lost: false,
            last_headers: [None, None],
            last_openings: [None, None],
            header_held: false,
            lets_go: false,
        };
        Some(CaptureMarks { framer: LineFramer::new(DEFAULT_LINE_CAP), marking })
    }

    /// Read the next bytes of the part.
    pub fn feed(&mut self, chunk: &[u8]) {
        let CaptureMarks { framer, marking } = self;
        if marking.lost {
            return;
        }
        if marking.rule == Rule::NetstatS && marking.auto.is_none() {
            framer.feed_to(chunk, &mut TitlesOnly(marking));
        } else {
            framer.feed(chunk, |framed| marking.framed(framed));
        }
    }

    /// [`CaptureMarks::feed`] with every line framed and looked at: what the reading
    /// through of [`TitlesOnly`] is tested against.
    #[cfg(test)]
    fn feed_every_line(&mut self, chunk: &[u8]) {
        let CaptureMarks { framer, marking } = self;
        if !marking.lost {
            framer.feed(chunk, |framed| marking.framed(framed));
        }
    }

    /// The end of the part: its last line, when it has no newline (the input's last).
    pub fn finish(&mut self) {
        let CaptureMarks { framer, marking } = self;
        if !marking.lost {
            framer.finish(|framed| marking.framed(framed));
        }
    }

    /// Where the last two ss table headers of the part start (bytes from the part's
    /// start, the last first): see [`PushParser::guess_for_part_under`].
    pub fn last_headers(&self) -> [Option<u64>; 2] {
        self.marking.last_headers
    }

    /// Where the part's last two lines that open what the lines after them are read under
    /// start (bytes from the part's start, the last first): netstat -s section titles, /proc
    /// names lines, ss headers. A guess whose warm-up starts at the one before the last
    /// reads the lines after it as the whole parse does, and one whole section or pair
    /// before the part's (/proc's capture rule looks at the last pair's prefix, which
    /// [`PushParser::set_capture_state`] does not give): see `cli/split.rs`.
    pub fn last_openings(&self) -> [Option<u64>; 2] {
        self.marking.last_openings
    }

    /// Whether the part's last line (but TAB-led ones) is an ss header: the ss machine
    /// holds it when the next part starts, and reads the next part's first rows under the
    /// header before it.
    pub fn header_held(&self) -> bool {
        self.marking.header_held
    }
}

/// netstat -s marks: a title never starts with a blank, and nearly every line does (the
/// counters' sentences, 9 in 10): those are read through to their newline, not framed
/// and looked at (the marks were an eighth of `events --jobs 2 -f netstat-s`'s
/// instructions).
struct TitlesOnly<'m>(&'m mut Marking);

impl LineReader for TitlesOnly<'_> {
    #[inline]
    fn read_through(&mut self, rest: &[u8], _: Position) -> Option<usize> {
        // `Marking::framed` of such a line: `netstat_s::capture_title` wants a first byte
        // that is not blank.
        if !rest.first().is_some_and(|&b| netsift_grammar::lex::is_blank(b)) {
            return None;
        }
        memchr::memchr(b'\n', rest).map(|nl| nl + 1)
    }

    #[inline]
    fn framed(&mut self, framed: Framed<'_>) {
        self.0.framed(framed);
    }
}

impl Marking {
    fn framed(&mut self, framed: Framed<'_>) {
        // An over-long line is malformed whatever it holds: no mark (and the ss machine
        // lets the line it held go).
        let Framed::Line(line, at) = framed else {
            self.header_held = false;
            self.lets_go = true;
            return;
        };
        if self.lost {
            return;
        }
        if self.auto.as_ref().is_some_and(|auto| auto.opens_other(line)) {
            self.lost = true;
            return;
        }
        match self.rule {
            Rule::NetstatS => {
                if let Some(name) = netstat_s::capture_title(line) {
                    self.push(SeenNames::hash(name), false);
                    self.opens(at.offset);
                }
            }
            Rule::ProcNet => {
                if let Some((prefix, values)) = proc_net::capture_mark(line) {
                    self.push(SeenNames::hash(prefix), values);
                    if !values {
                        self.opens(at.offset);
                    }
                }
            }
            Rule::Ss if line.first() == Some(&b'\t') => {}
            Rule::Ss => {
                self.lets_go = true;
                // One byte rules out the rows; the search, most other lines.
                self.header_held = netsift_grammar::ss::could_be_header(line)
                    && self.header_mark.find(line).is_some()
                    && is_table_header(line);
                if self.header_held {
                    self.push(0, false);
                    self.last_headers = [Some(at.offset), self.last_headers[0]];
                    self.opens(at.offset);
                }
            }
        }
    }

    /// A line that opens what the lines after it are read under starts at `offset`.
    fn opens(&mut self, offset: u64) {
        self.last_openings = [Some(offset), self.last_openings[0]];
    }

    fn push(&mut self, hash: u64, values: bool) {
        let index = match self.names.iter().position(|&h| h == hash) {
            Some(i) => i,
            None if self.names.len() < MARK_NAMES_CAP => {
                self.names.push(hash);
                self.names.len() - 1
            }
            None => {
                self.lost = true;
                return;
            }
        };
        self.marks.push((index as u32) << 1 | u32::from(values));
    }
}

/// What decides the capture numbers of the events after a point of an input (see the
/// module documentation): the capture number, and the names seen in the capture, the
/// last /proc pair's prefix and the held names line's, or whether an ss table was opened.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureState {
    rule: Rule,
    capture: u32,
    seen: SeenNames,
    /// /proc: the prefix (hash) of the last pair.
    last: Option<u64>,
    /// /proc: the prefix (hash) of the names line waiting for its values.
    held: Option<u64>,
    /// ss: whether a table was opened.
    saw_table: bool,
    /// ss: whether the held line is a header, whose table opens with the next line.
    header_held: bool,
}

impl CaptureState {
    /// The state after a part whose marks are `marks`, when this is the state at its
    /// start; `None` when the marks are lost or follow another rule.
    pub fn after(&self, marks: &CaptureMarks) -> Option<CaptureState> {
        let marking = &marks.marking;
        if marking.lost || marking.rule != self.rule {
            return None;
        }
        let mut next = self.clone();
        if self.rule == Rule::Ss {
            // A table opens (and the capture after the first starts) when the line after
            // its header arrives: in this part for a header held at the cut (unless the
            // part has only TAB-led lines), and for every header of the part but a last
            // one held at its end.
            let opens = |next: &mut CaptureState| {
                if next.saw_table {
                    next.capture = next.capture.saturating_add(1);
                }
                next.saw_table = true;
            };
            if next.header_held && marking.lets_go {
                opens(&mut next);
                next.header_held = false;
            }
            for _ in 0..marking.marks.len() - usize::from(marking.header_held) {
                opens(&mut next);
            }
            next.header_held |= marking.header_held;
            return Some(next);
        }
        for &mark in &marking.marks {
            let (hash, values) = (*marking.names.get((mark >> 1) as usize)?, mark & 1 == 1);
            match self.rule {
                Rule::NetstatS => {
                    if next.seen.starts_capture(hash, false) {
                        next.capture = next.capture.saturating_add(1);
                    }
                }
                // As `ProcNetMachine::line`: a values line, or a line of the held names
                // line's prefix, pairs with it; any other line lets it go, and is held
                // when it holds names.
                Rule::ProcNet => match next.held {
                    Some(held) if values || held == hash => {
                        if next.seen.starts_capture(held, next.last == Some(held)) {
                            next.capture = next.capture.saturating_add(1);
                        }
                        next.last = Some(held);
                        next.held = None;
                    }
                    _ => next.held = (!values).then_some(hash),
                },
                Rule::Ss => {}
            }
        }
        Some(next)
    }
}

impl PushParser {
    /// What decides this parser's capture numbers from here on, for the formats whose
    /// captures a part's [`CaptureMarks`] follow (`inside` picks the machine under
    /// `Format::Auto`, as for [`PushParser::guess_for_part`]); `None` for the others.
    pub fn capture_state(&self, inside: Option<Format>) -> Option<CaptureState> {
        let stat = |m: &netstat_s::NetstatSMachine| {
            let (capture, seen) = m.captures();
            CaptureState {
                rule: Rule::NetstatS,
                capture,
                seen: seen.clone(),
                last: None,
                held: None,
                saw_table: false,
                header_held: false,
            }
        };
        let proc = |m: &proc_net::ProcNetMachine| {
            let (capture, seen, last, held) = m.captures();
            CaptureState {
                rule: Rule::ProcNet,
                capture,
                seen: seen.clone(),
                last: last.map(SeenNames::hash),
                held: held.map(SeenNames::hash),
                saw_table: false,
                header_held: false,
            }
        };
        let ss = |m: &super::ss::SsMachine| {
            let (capture, saw_table, header_held) = m.captures();
            CaptureState {
                rule: Rule::Ss,
                capture,
                seen: SeenNames::default(),
                last: None,
                held: None,
                saw_table,
                header_held,
            }
        };
        match &self.machine {
            Machine::NetstatS(m) => Some(stat(m)),
            Machine::ProcNet(m) => Some(proc(m)),
            Machine::Ss(m) => Some(ss(m)),
            Machine::Auto(a) => match Rule::of(inside?)? {
                Rule::NetstatS => Some(stat(&a.stat)),
                Rule::ProcNet => Some(proc(&a.proc)),
                Rule::Ss => Some(ss(&a.ss)),
            },
            _ => None,
        }
    }

    /// Take the capture number (and the names seen in the capture) of `state`, the state
    /// of the parser that read the input up to here: what a guess for a part cannot know
    /// from its warm-up. A state of another format changes nothing.
    pub fn set_capture_state(&mut self, state: &CaptureState) {
        let CaptureState { rule, capture, ref seen, .. } = *state;
        match (&mut self.machine, rule) {
            (Machine::NetstatS(m), Rule::NetstatS) => m.set_captures(capture, seen),
            (Machine::ProcNet(m), Rule::ProcNet) => m.set_captures(capture, seen),
            (Machine::Ss(m), Rule::Ss) => m.set_capture(capture),
            (Machine::Auto(a), Rule::NetstatS) => a.stat.set_captures(capture, seen),
            (Machine::Auto(a), Rule::ProcNet) => a.proc.set_captures(capture, seen),
            (Machine::Auto(a), Rule::Ss) => a.ss.set_capture(capture),
            _ => {}
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

    /// A copy without the caches, which [`Machine::canonical`] would drop (see
    /// `PushParser::clone_without_caches`).
    fn clone_without_caches(&self) -> Machine {
        match self {
            Machine::NetstatS(m) => Machine::NetstatS(m.clone_without_caches()),
            Machine::ProcNet(m) => Machine::ProcNet(m.clone_without_caches()),
            Machine::Auto(m) => Machine::Auto(Box::new(m.clone_without_caches())),
            other => other.clone(),
        }
    }

    /// Put the line number of every position the machine holds at 0: machines keep
    /// positions only to put them on events, and never read their line numbers.
    fn forget_lines(&mut self) {
        match self {
            Machine::Netstat(m) => m.forget_lines(),
            Machine::Ss(m) => m.forget_lines(),
            Machine::ProcNet(m) => m.forget_lines(),
            Machine::NetstatI(m) => m.forget_lines(),
            Machine::NetstatAgn(m) => m.forget_lines(),
            Machine::ProcUnix(m) => m.forget_lines(),
            Machine::Auto(m) => m.forget_lines(),
            // They hold no position.
            Machine::NetstatS(_)
            | Machine::Nstat(_)
            | Machine::Snmp6(_)
            | Machine::Sockstat(_)
            | Machine::ProcNetDev(_)
            | Machine::ProcInet(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CaptureMarks, Format};

    /// What a part's marks leave: everything [`CaptureState::after`] and the guesses read.
    fn answers(m: &CaptureMarks) -> impl PartialEq + std::fmt::Debug {
        let k = &m.marking;
        (k.names.clone(), k.marks.clone(), k.lost, k.last_headers, k.last_openings, k.header_held, k.lets_go)
    }

    proptest::proptest! {
        #[test]
        fn netstat_s_marks_read_through_are_those_of_every_line(
            lines in proptest::collection::vec(0usize..8, 0..80),
            step in 1usize..200,
        ) {
            // Titles, sentences, histogram lines, blank and CRLF lines, and lines past the
            // cap, cut into chunks anywhere.
            let kinds: [&[u8]; 8] = [
                b"Ip:\n",
                b"    6793 total packets received\n",
                b"Tcp:\r\n",
                b"\tInType3: 12\n",
                b"\n",
                b"TcpExt:\n",
                b"  Udp:\n",
                b"IcmpMsg:",
            ];
            let long = [b" ".repeat(super::DEFAULT_LINE_CAP + 3), b"\nIp:".repeat(2)].concat();
            let mut input = Vec::new();
            for &k in &lines {
                input.extend_from_slice(kinds[k]);
                if k == 7 {
                    input.extend_from_slice(&long);
                }
            }
            let mut fast = CaptureMarks::new(Format::NetstatS, None).expect("marks");
            let mut every = fast.clone();
            for chunk in input.chunks(step) {
                fast.feed(chunk);
                every.feed_every_line(chunk);
            }
            fast.finish();
            every.finish();
            proptest::prop_assert_eq!(answers(&fast), answers(&every));
        }
    }
}
