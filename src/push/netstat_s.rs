//! The state machine for `netstat -s`: which section and histogram a line is printed under.
//!
//! ```text
//!   Ip:                                  ─▶ Section (stat_section "Ip")
//!       6793 total packets received      ─▶ Counter Ip/InReceives
//!   Icmp:                                ─▶ Section (stat_section "Icmp")
//!       ICMP input histogram:            ─▶ Section (histogram), the sub-table opens
//!           destination unreachable: 1   ─▶ Counter Icmp/InDestUnreachs, subtable set
//!       0 ICMP messages sent             ─▶ Counter Icmp/OutMsgs: not a histogram line,
//!                                           so the sub-table is closed first
//!   TcpExt:
//!       Quick ack mode was activated 4 times ─▶ Counter TcpExt/DelayedACKLost
//!       TCPLossProbes: 22                ─▶ Counter TcpExt/TCPLossProbes (`Name: value`)
//!   Ip:                                  ─▶ a title seen before: capture 2 begins
//! ```
//!
//! What a line is comes from the grammar ([`netstat_s::classify`]); indentation is never
//! used for structure, because it leaks from one section into the next. The machine keeps
//! only the current section's title, the open histogram's title and a bounded set of the
//! titles seen in the capture.
//!
//! A periodic log prints the same lines capture after capture, only the numbers changing.
//! The machine remembers what each line was ([`Shapes`]: its bytes without the number, and
//! the counter they make in their place) and which line came next, so that a line of the
//! next capture is read by comparing its bytes with the line expected there and reading
//! its digits, in one pass that also finds its end ([`NetstatSMachine::read_through`]);
//! anything else is classified as above. `Counter::shape` in the grammar says when this
//! gives the classifier's answer.

use netsift_grammar::lex::{digit_run, same_bytes_inline};
use netsift_grammar::netstat_s::{
    self, Context, CounterForm, Direction, Histogram, Mapping, StatLine, KERNEL_SECTIONS, SHAPE_DIGITS,
};

use super::{LineStats, Position, Sink, StaticNames};
use crate::events::{
    Columns, Counter, CounterSource, Event, EventKind, Lang, Malformed, Notice, Problem, Section, Table,
};

/// How many distinct names a capture remembers to spot a repeated one (a new capture).
/// netstat prints at most 15 sections; the bound only keeps hostile input from growing
/// the set.
const SEEN_CAP: usize = 256;

/// The section names seen in the current capture, as hashes, at most [`SEEN_CAP`].
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct SeenNames {
    hashes: Vec<u64>,
}

impl SeenNames {
    /// FNV-1a: section names are a few bytes, hashed at every title; SipHash (std's
    /// `DefaultHasher`, with its fixed keys no harder to collide on purpose) cost ten
    /// times as much.
    pub(super) fn hash(name: &[u8]) -> u64 {
        name.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
    }

    /// The capture rule of netstat -s titles and /proc prefixes, in one place for the
    /// machines and for the capture marks of a part (`push/split.rs`): a name (its
    /// [`SeenNames::hash`]) seen before in this capture starts a new one, unless it is
    /// `continuing` the section just before (/proc's `IcmpMsg` over several pairs).
    /// Returns whether it starts one, and remembers the name.
    pub(super) fn starts_capture(&mut self, hash: u64, continuing: bool) -> bool {
        let seen = self.hashes.contains(&hash);
        let new = !continuing && seen;
        if new {
            self.hashes.clear();
        }
        // Not there (any more) once the set was cleared.
        if (new || !seen) && self.hashes.len() < SEEN_CAP {
            self.hashes.push(hash);
        }
        new
    }
}

/// The name of the section that `line` is the title of, when it is one (what decides
/// where a capture starts, see [`SeenNames::starts_capture`]): read as the machine reads
/// it, with the grammar asked only about unindented lines that end with a colon (no other
/// line is a title).
pub(super) fn capture_title(line: &[u8]) -> Option<&[u8]> {
    let candidate = line.first().is_some_and(|&b| !netsift_grammar::lex::is_blank(b))
        && netsift_grammar::lex::trim_end_blanks(line).ends_with(b":");
    if !candidate {
        return None;
    }
    match netstat_s::classify(line) {
        Ok(StatLine::Section(s)) => Some(s.name),
        _ => None,
    }
}

/// The netstat -s state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NetstatSMachine {
    capture: u32,
    saw_table: bool,
    /// The current section's title without its colon; meaningful when `in_section`.
    section: Vec<u8>,
    in_section: bool,
    /// The open histogram sub-table's title; meaningful when `sub_open`.
    subtable: Vec<u8>,
    sub_open: bool,
    /// Which histogram the open sub-table is, when its title is a known one.
    direction: Option<Direction>,
    /// The current section among the kernel's ([`KERNEL_SECTIONS`]), or [`OTHER_SECTION`]
    /// (none yet, or another title): all that a sentence's counter depends on of its section.
    section_id: u8,
    /// [`NetstatSMachine::context`] of the state above, kept up to date.
    context: u8,
    seen: SeenNames,
    /// The lines read so far, to read the next capture's by comparison; only when the
    /// machine is offered lines to read through ([`NetstatSMachine::remembering`]).
    shapes: Shapes,
    remember: bool,
}

/// [`NetstatSMachine::section_id`] of a title that is none of [`KERNEL_SECTIONS`] (and
/// before any title): the grammar maps a sentence the same under any such title as under
/// none (`Context::section` counts only when it is a kernel section).
const OTHER_SECTION: u8 = KERNEL_SECTIONS.len() as u8;

impl NetstatSMachine {
    /// The state in one form (see `PushParser::agrees`): unless `captures`, without the
    /// capture number and what only decides where the next capture starts.
    pub(super) fn canonical(&mut self, captures: bool) {
        // A cache: the same lines are read the same without it.
        self.shapes = Shapes::new();
        // Read only while open: the title of a sub-table closed before is no state.
        if !self.sub_open {
            self.subtable.clear();
        }
        if !self.in_section {
            self.section.clear();
        }
        if !captures {
            self.capture = 0;
            self.seen = SeenNames::default();
        }
    }

    /// Swap the line shapes learnt with `other`'s (a cache, see
    /// `PushParser::exchange_caches`). Under `auto` (`vetted`), which shapes `auto` vetted is
    /// forgotten: that is the memory of the `auto` that owns each machine (they are asked
    /// again).
    pub(super) fn exchange_caches(&mut self, other: &mut NetstatSMachine, vetted: bool) {
        std::mem::swap(&mut self.shapes, &mut other.shapes);
        for shapes in [&mut self.shapes, &mut other.shapes] {
            shapes.last = NONE;
            if vetted {
                for shape in &mut shapes.list {
                    if shape.claim == Claim::Vetted {
                        shape.claim = Claim::Ask;
                    }
                }
            }
        }
    }

    /// A copy without the line shapes (a cache, up to 64 KiB and more: see
    /// `PushParser::clone_without_caches`).
    pub(super) fn clone_without_caches(&self) -> Self {
        let NetstatSMachine {
            capture,
            saw_table,
            section,
            in_section,
            subtable,
            sub_open,
            direction,
            section_id,
            context,
            seen,
            shapes: _,
            remember,
        } = self;
        NetstatSMachine {
            capture: *capture,
            saw_table: *saw_table,
            section: section.clone(),
            in_section: *in_section,
            subtable: subtable.clone(),
            sub_open: *sub_open,
            direction: *direction,
            section_id: *section_id,
            context: *context,
            seen: seen.clone(),
            shapes: Shapes::new(),
            remember: *remember,
        }
    }

    pub(super) fn new() -> Self {
        NetstatSMachine {
            capture: 1,
            saw_table: false,
            section: Vec::new(),
            in_section: false,
            subtable: Vec::new(),
            sub_open: false,
            direction: None,
            section_id: OTHER_SECTION,
            context: OTHER_SECTION * 4,
            seen: SeenNames::default(),
            shapes: Shapes::new(),
            remember: false,
        }
    }

    /// A machine that remembers the lines it reads, for a parser that offers it each line
    /// to read through ([`NetstatSMachine::read_through`]: `-f netstat-s`, and `auto`,
    /// which offers it the lines no other format can claim); elsewhere remembering would
    /// be work for nothing.
    pub(super) fn remembering() -> Self {
        NetstatSMachine { remember: true, ..Self::new() }
    }

    /// Does this line begin `netstat -s` output? (auto-detection): a kernel section title
    /// at column 0 (`Ip:`, `TcpExt:`, `MPTcpExt:` …).
    pub(super) fn starts(line: &[u8]) -> bool {
        // Fast rejection first: auto-detection asks this of many lines (long /proc values
        // lines among them), and a title ends with its colon.
        netsift_grammar::lex::trim_end_blanks(line).ends_with(b":")
            && matches!(netstat_s::classify(line), Ok(StatLine::Section(s)) if s.known)
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    /// What decides the capture numbers from here on: the number and the titles seen in
    /// the capture (see `push/split.rs`).
    pub(super) fn captures(&self) -> (u32, &SeenNames) {
        (self.capture, &self.seen)
    }

    /// Take the capture number and the titles seen from the parser that read the input
    /// up to here (a guessed part's start, see `push/split.rs`).
    pub(super) fn set_captures(&mut self, capture: u32, seen: &SeenNames) {
        self.capture = capture;
        self.seen.clone_from(seen);
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        let learnt = match netstat_s::classify(line) {
            Ok(StatLine::Blank) => {
                stats.blank += 1;
                Some((What::Blank, None))
            }
            Ok(StatLine::Section(s)) => {
                // The section's id is the remembered lines' business.
                let id = match self.remember {
                    true => {
                        KERNEL_SECTIONS.iter().position(|k| k.as_bytes() == s.name).map_or(OTHER_SECTION, |i| i as u8)
                    }
                    false => OTHER_SECTION,
                };
                let hash = SeenNames::hash(s.name);
                self.title(s, id, hash, line, at, stats, sink);
                Some((What::Title { name_len: s.name.len() as u32, known: s.known, id, hash }, None))
            }
            Ok(StatLine::Histogram(h)) => {
                self.histogram(h, line, at, stats, sink);
                // `h.text` lies in `line`.
                let start = (h.text.as_ptr() as usize).wrapping_sub(line.as_ptr() as usize);
                let what = What::Histogram {
                    start: start as u32,
                    end: (start + h.text.len()) as u32,
                    direction: h.direction,
                    lang: h.lang,
                };
                Some((what, None))
            }
            Ok(StatLine::Counter(c)) => {
                let context = self.context;
                let closes = !histogram_line(&c);
                if self.sub_open && closes {
                    self.close_histogram();
                }
                let ctx = Context {
                    section: self.in_section.then_some(&self.section[..]),
                    histogram: if self.sub_open { self.direction } else { None },
                };
                let name = match c.mapping(ctx) {
                    Mapping::Known { section, name } => Name::Known(section, name),
                    // A name is what comes before the colon of the text.
                    Mapping::Named(name) => Name::Named(c.indent() as u32, (c.indent() + name.len()) as u32),
                    Mapping::Ambiguous | Mapping::Unknown => Name::Current,
                };
                self.emit_counter(name, c.value, c.text(), line, at, stats, sink);
                // Only a machine that remembers needs the line's shape.
                let shape = if self.remember { c.shape() } else { None };
                shape.map(|(start, end, negative)| {
                    let (indent, trail) = (c.indent(), line.len() - c.indent() - c.text().len());
                    let what =
                        What::Counter { context, negative, closes, name, indent: indent as u32, trail: trail as u32 };
                    (what, Some((start, end)))
                })
            }
            Ok(StatLine::Notice(n)) => {
                stats.notices += 1;
                self.emit(at, EventKind::Notice(Notice { kind: n.kind.into(), text: line }), sink);
                Some((What::Line, None))
            }
            Err(e) => {
                stats.malformed += 1;
                let problem = Problem::Grammar { column: e.column, expected: e.expected };
                self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
                Some((What::Line, None))
            }
        };
        if self.remember {
            self.shapes.learn(line, learnt);
        }
    }

    /// Read the line that starts `rest` when it is the line expected after the last one
    /// (the line that followed it before) with other digits: compare its bytes, read its
    /// number, and find its end on the way. `None` (nothing done) for any other line; the
    /// framer then frames it and [`NetstatSMachine::line`] classifies it.
    #[inline(always)]
    pub(super) fn read_through<S: Sink + ?Sized>(
        &mut self,
        rest: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
    ) -> Option<usize> {
        self.read_through_if(rest, at, stats, sink, None::<fn(&[u8]) -> bool>)
    }

    /// [`NetstatSMachine::read_through`], for a line that `unclaimed` must accept when it is
    /// given and the line may be claimed by another format (`auto::may_be_claimed`, kept
    /// with the shape): `auto` lets this machine read such a line (a title, which starts
    /// with a capital) only when it remembers that no format claims it; that line, without
    /// its `\n`, is read through only when it is one without a number (a title) that
    /// `unclaimed` accepted once before (asked when the shape comes back the first time).
    #[inline(always)]
    pub(super) fn read_through_if<S: Sink + ?Sized, F: FnOnce(&[u8]) -> bool>(
        &mut self,
        rest: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
        unclaimed: Option<F>,
    ) -> Option<usize> {
        let index = self.shapes.expected()?;
        let head = self.shapes.bytes(self.shapes.list.get(index as usize)?.head)?;
        if !same_bytes_inline(rest.get(..head.len())?, head) {
            return None;
        }
        let h = head.len();
        if let Some(unclaimed) = unclaimed {
            if self.shapes.list.get(index as usize)?.claim == Claim::Ask {
                // Framed and read by `line` this time (as a line that is not read through
                // is), so that the lines read through change no shape.
                self.shapes.vet(index, rest.get(..h.checked_sub(1)?)?, unclaimed);
                return None;
            }
        }
        // The rest of the shape read once the head matched: loaded before the compare, it
        // was held on the stack through it.
        let shape = *self.shapes.list.get(index as usize)?;
        let n = match shape.what {
            What::Counter { context, negative, closes, name, indent, trail } => {
                if context != self.context {
                    return None;
                }
                let (magnitude, end) = digit_run(rest, h);
                if end == h || end - h > SHAPE_DIGITS {
                    return None;
                }
                let tail = self.shapes.bytes(shape.tail)?;
                if !same_bytes_inline(rest.get(end..end + tail.len())?, tail) {
                    return None;
                }
                let n = end + tail.len();
                let line = &rest[..n - 1];
                let text = line.get(indent as usize..line.len().checked_sub(trail as usize)?)?;
                let value = match negative {
                    true => -i128::from(magnitude),
                    false => i128::from(magnitude),
                };
                if self.sub_open && closes {
                    self.close_histogram();
                }
                self.emit_counter(name, value, text, line, at, stats, sink);
                n
            }
            What::Title { name_len, known, id, hash } => {
                let line = &rest[..h - 1];
                let s = netstat_s::Section { name: line.get(..name_len as usize)?, known };
                self.title(s, id, hash, line, at, stats, sink);
                h
            }
            What::Histogram { start, end, direction, lang } => {
                let line = &rest[..h - 1];
                let h2 = Histogram { text: line.get(start as usize..end as usize)?, direction, lang };
                self.histogram(h2, line, at, stats, sink);
                h
            }
            What::Blank => {
                stats.blank += 1;
                h
            }
            What::Line => {
                // Read in full; it learns itself again.
                self.line(&rest[..h - 1], at, stats, sink);
                return Some(h);
            }
        };
        self.shapes.last = index;
        Some(n)
    }

    /// A section title (`id`: its [`NetstatSMachine::section_id`], `hash`: its name's
    /// [`SeenNames::hash`]).
    #[allow(clippy::too_many_arguments)]
    fn title<S: Sink + ?Sized>(
        &mut self,
        s: netstat_s::Section<'_>,
        id: u8,
        hash: u64,
        line: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
    ) {
        stats.titles += 1;
        if self.seen.starts_capture(hash, false) {
            self.capture += 1;
        }
        self.section.clear();
        self.section.extend_from_slice(s.name);
        self.in_section = true;
        self.section_id = id;
        self.sub_open = false;
        self.direction = None;
        self.context = self.context();
        self.saw_table = true;
        // The name as the title line holds it (the same bytes as the held copy): an owned
        // event then shares the chunk instead of copying the held name, which is re-written
        // at each title (measured: every title of a `netstat -s` log was a copy).
        let section = Section {
            table: Table::StatSection { histogram: false },
            lang: Lang::C,
            name: s.name,
            header: Some(line),
            columns: Columns::Counters,
        };
        self.emit(at, EventKind::Section(section), sink);
    }

    /// A histogram sub-title.
    fn histogram<S: Sink + ?Sized>(
        &mut self,
        h: Histogram<'_>,
        line: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
    ) {
        stats.titles += 1;
        self.subtable.clear();
        let title = h.text.strip_suffix(b":").unwrap_or(h.text).trim_ascii_end();
        self.subtable.extend_from_slice(title);
        self.sub_open = true;
        self.direction = h.direction;
        self.context = self.context();
        self.saw_table = true;
        let section = Section {
            table: Table::StatSection { histogram: true },
            lang: h.lang.unwrap_or(Lang::C),
            // From the line, as a title's name (see `title`).
            name: title,
            header: Some(line),
            columns: Columns::Counters,
        };
        self.emit(at, EventKind::Section(section), sink);
    }

    /// A counter line, once the open histogram is closed if the line closes it.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn emit_counter<S: Sink + ?Sized>(
        &mut self,
        name: Name,
        value: i128,
        text: &[u8],
        line: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
    ) {
        stats.rows += 1;
        self.saw_table = true;
        // The tables' names handed on as such too: a sink that keeps the event keeps them
        // as they are (see `Sink::counter_named`).
        let (section, name, names) = match name {
            Name::Known(section, name) => {
                let names = StaticNames { section: Some(section), name: Some(name) };
                (section.as_bytes(), Some(name.as_bytes()), names)
            }
            Name::Named(start, end) => {
                (self.current_section(), line.get(start as usize..end as usize), StaticNames::default())
            }
            Name::Current => (self.current_section(), None, StaticNames::default()),
        };
        let counter = Counter {
            source: CounterSource::NetstatS,
            section,
            name,
            subtable: self.sub_open.then_some(&self.subtable[..]),
            value,
            text,
            line,
            position: None,
            rate: None,
        };
        sink.counter_named(Event { at, capture: self.capture, kind: EventKind::Counter(counter) }, names);
    }

    /// The section a counter without a name of its own is read in (none before a title).
    #[inline]
    fn current_section(&self) -> &[u8] {
        if self.in_section {
            &self.section
        } else {
            b""
        }
    }

    /// A line that is no entry of the open histogram closes it.
    fn close_histogram(&mut self) {
        self.sub_open = false;
        self.direction = None;
        self.context = self.context();
    }

    /// What a counter line's reading depends on besides its bytes: the section (as
    /// [`NetstatSMachine::section_id`]) and the open histogram.
    #[inline]
    fn context(&self) -> u8 {
        let histogram = match (self.sub_open, self.direction) {
            (false, _) => 0,
            (true, None) => 1,
            (true, Some(Direction::Input)) => 2,
            (true, Some(Direction::Output)) => 3,
        };
        self.section_id * 4 + histogram
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, _sink: &mut S) {}

    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}

/// Does a counter line belong to an open histogram sub-table? A known sentence does when
/// net-tools prints it in a histogram; an unknown one when it has the histogram shape,
/// `words: N` (a histogram entry of a wording we do not know). Anything else (`0 ICMP
/// messages sent`, `InCsumErrors: 0`) is a counter of the section, after the histogram.
fn histogram_line(c: &netstat_s::Counter<'_>) -> bool {
    if c.is_known() {
        return c.templates().any(|t| t.histogram.is_some());
    }
    c.form == CounterForm::Sentence
        && c.after().iter().all(|&b| b == b' ' || b == b'\t')
        && c.before().trim_ascii_end().ends_with(b":")
}

/// Whom a counter line names, as remembered by [`Shapes`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Name {
    /// A counter of the sentence table.
    Known(&'static str, &'static str),
    /// `Name: value`: the name at this range of the line, in the current section.
    Named(u32, u32),
    /// A sentence the table does not settle: no name, the current section.
    Current,
}

/// What a remembered line is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum What {
    /// A counter whose number lies between the shape's head and tail: its reading under
    /// `context` ([`NetstatSMachine::context`]).
    Counter {
        context: u8,
        /// Whether a `-` ends the head and is the number's sign.
        negative: bool,
        /// Whether the line closes an open histogram.
        closes: bool,
        name: Name,
        /// The text: the line without its first `indent` and last `trail` bytes.
        indent: u32,
        trail: u32,
    },
    /// A section title (the head is the line and its newline, as for every kind below):
    /// its name is the line's first `name_len` bytes, `hash` its [`SeenNames::hash`].
    Title { name_len: u32, known: bool, id: u8, hash: u64 },
    /// A histogram title, its text at `start..end`.
    Histogram { start: u32, end: u32, direction: Option<Direction>, lang: Option<Lang> },
    /// An empty or blank line.
    Blank,
    /// A notice or a malformed line without digits, read again in full when it comes back
    /// (only its end is found without a search).
    Line,
}

/// One remembered line.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shape {
    /// The bytes before the number (`start`, `len` in [`Shapes::bytes`]); without a number,
    /// the whole line and its `\n`.
    head: (u32, u32),
    /// The bytes after the number and the `\n` (empty without a number).
    tail: (u32, u32),
    what: What,
    /// Whether `auto` must check that no other format claims a line of this shape.
    claim: Claim,
    /// The line that came after this one last time ([`NONE`]: not known).
    next: u32,
}

/// Whether another format than netstat -s may claim a line of a shape
/// (`auto::may_be_claimed`, the same for every line of the shape), for `auto`, which
/// offers this machine the lines to read through ([`NetstatSMachine::read_through_if`]).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Claim {
    /// No format may: the line is netstat -s's while netstat -s is current.
    No,
    /// One may: `auto` is asked whether it remembers that none does.
    Ask,
    /// One may, and `auto` remembered that none does: its memory of such lines only grows
    /// (and is `auto`'s, which owns this machine), so the answer holds for good.
    Vetted,
}

/// No shape.
const NONE: u32 = u32::MAX;
/// At most this many lines are remembered, in at most [`SHAPE_BYTES`] bytes; when full
/// everything is forgotten and learnt again (a log changes kernels or tools rarely).
const MAX_SHAPES: usize = 1024;
const SHAPE_BYTES: usize = 64 << 10;
/// A longer line is not remembered (netstat -s prints lines of a few dozen bytes).
const MAX_SHAPE_LINE: usize = 1 << 10;

/// The lines of the captures read so far (see the module documentation): each as the
/// bytes around its number, what it is, and which line came after it; a hash table finds a
/// line's shape when it is learnt again, so that a line is remembered once.
#[derive(Debug, Clone, PartialEq)]
struct Shapes {
    bytes: Vec<u8>,
    list: Vec<Shape>,
    /// Open addressing over `list` (indices, [`NONE`] for a free slot); empty until the
    /// first line is learnt.
    index: Vec<u32>,
    /// The shape of the line just read, or [`NONE`].
    last: u32,
}

impl Shapes {
    fn new() -> Self {
        Shapes { bytes: Vec::new(), list: Vec::new(), index: Vec::new(), last: NONE }
    }

    /// The shape expected next: the one that followed the last line's before.
    #[inline]
    fn expected(&self) -> Option<u32> {
        let next = self.list.get(self.last as usize)?.next;
        (next != NONE).then_some(next)
    }

    #[inline]
    fn bytes(&self, (start, len): (u32, u32)) -> Option<&[u8]> {
        self.bytes.get(start as usize..start as usize + len as usize)
    }

    /// Remember the line just read (`learnt`: what it was, and where its number is), or
    /// that there is nothing to expect after it (`None`, a line that ends with `\r`, a
    /// line other than a counter or title that holds digits: a time stamp).
    fn learn(&mut self, line: &[u8], learnt: Option<(What, Option<(usize, usize)>)>) {
        let keep = |&(what, run): &(What, Option<(usize, usize)>)| {
            line.len() < MAX_SHAPE_LINE
                && line.last() != Some(&b'\r')
                && (what != What::Line || !line.iter().any(u8::is_ascii_digit))
                && run.is_none_or(|(start, end)| start < end && end <= line.len())
        };
        let Some((what, run)) = learnt.filter(keep) else {
            self.last = NONE;
            return;
        };
        let (head, tail): ([&[u8]; 2], [&[u8]; 2]) = match run {
            Some((start, end)) => ([&line[..start], b""], [&line[end..], b"\n"]),
            None => ([line, b"\n"], [b"", b""]),
        };
        let context = match what {
            What::Counter { context, .. } => u64::from(context) + 1,
            _ => 0,
        };
        let hash = [head[0], head[1], b"%", tail[0], tail[1]]
            .iter()
            .flat_map(|piece| piece.iter())
            .fold(0xcbf2_9ce4_8422_2325 ^ context, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
        let found = self.find(hash, |shapes, shape| {
            let same_context = match (shape.what, what) {
                (What::Counter { context: a, .. }, What::Counter { context: b, .. }) => a == b,
                (What::Counter { .. }, _) | (_, What::Counter { .. }) => false,
                _ => true,
            };
            same_context
                && shapes.bytes(shape.head).is_some_and(|b| pieces_eq(b, head))
                && shapes.bytes(shape.tail).is_some_and(|b| pieces_eq(b, tail))
        });
        let index = match found {
            Some(index) => index,
            None => {
                let size = head[0].len() + head[1].len() + tail[0].len() + tail[1].len();
                if self.list.len() >= MAX_SHAPES || self.bytes.len() + size > SHAPE_BYTES {
                    self.bytes.clear();
                    self.list.clear();
                    self.index.iter_mut().for_each(|slot| *slot = NONE);
                    self.last = NONE;
                }
                if self.index.is_empty() {
                    self.index = vec![NONE; 2 * MAX_SHAPES];
                }
                let start = self.bytes.len() as u32;
                head.iter().for_each(|piece| self.bytes.extend_from_slice(piece));
                let middle = self.bytes.len() as u32;
                tail.iter().for_each(|piece| self.bytes.extend_from_slice(piece));
                let end = self.bytes.len() as u32;
                let index = self.list.len() as u32;
                let claim = if super::auto::may_be_claimed(line) { Claim::Ask } else { Claim::No };
                let (head, tail) = ((start, middle - start), (middle, end - middle));
                self.list.push(Shape { head, tail, what, claim, next: NONE });
                let mask = self.index.len() - 1;
                let mut slot = hash as usize & mask;
                while self.index[slot] != NONE {
                    slot = (slot + 1) & mask;
                }
                self.index[slot] = index;
                index
            }
        };
        if let Some(last) = self.list.get_mut(self.last as usize) {
            last.next = index;
        }
        self.last = index;
    }

    /// A line of the shape at `index` that may be claimed by another format is `line` (a
    /// whole line, its `\n` left out, if the shape is not a counter's): when `unclaimed`
    /// accepts it, lines of this shape are read through from now on ([`Claim::Vetted`]).
    #[cold]
    #[inline(never)]
    fn vet(&mut self, index: u32, line: &[u8], unclaimed: impl FnOnce(&[u8]) -> bool) {
        let Some(shape) = self.list.get_mut(index as usize) else { return };
        if !matches!(shape.what, What::Counter { .. }) && unclaimed(line) {
            shape.claim = Claim::Vetted;
        }
    }

    /// The shape at `hash` that `same` accepts.
    fn find(&self, hash: u64, same: impl Fn(&Shapes, &Shape) -> bool) -> Option<u32> {
        if self.index.is_empty() {
            return None;
        }
        let mask = self.index.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let index = self.index[slot];
            let shape = self.list.get(index as usize)?;
            if same(self, shape) {
                return Some(index);
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// Whether `stored` is the two pieces one after the other.
fn pieces_eq(stored: &[u8], [a, b]: [&[u8]; 2]) -> bool {
    stored.len() == a.len() + b.len() && stored[..a.len()] == *a && stored[a.len()..] == *b
}

#[cfg(test)]
mod tests {
    use crate::events::{EventKind, NoticeKind, Table};
    use crate::{Event, Format, PushParser};

    /// (line, capture, what) for every event: `S name`, `H name`, `C section/name|?@subtable=value`,
    /// `N kind`, `M column`.
    fn run(input: &[u8]) -> Vec<(u64, u32, String)> {
        let mut out = Vec::new();
        let mut parser = PushParser::new(Format::NetstatS);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let mut sink = |ev: Event<'_>| {
            let what = match ev.kind {
                EventKind::Section(s) => match s.table {
                    Table::StatSection { histogram: true } => format!("H {}", text(s.name)),
                    _ => format!("S {}", text(s.name)),
                },
                EventKind::Counter(c) => format!(
                    "C {}/{}{}={}",
                    text(c.section),
                    c.name.map_or("?".to_string(), text),
                    c.subtable.map_or(String::new(), |s| format!("@{}", text(s))),
                    c.value
                ),
                EventKind::Notice(n) => format!("N {}", n.kind.name()),
                EventKind::Malformed(m) => format!("M {}", m.column()),
                _ => "other".to_string(),
            };
            out.push((ev.at.line, ev.capture, what));
        };
        parser.feed(input, &mut sink);
        parser.finish(&mut sink);
        out
    }

    fn whats(input: &[u8]) -> Vec<String> {
        run(input).into_iter().map(|(_, _, w)| w).collect()
    }

    #[test]
    fn histograms_open_and_close() {
        let input = b"Icmp:\n    ICMP input histogram:\n        destination unreachable: 1\n        made-up entry: 2\n    0 ICMP messages sent\n    ICMP output histogram:\n        echo replies: 4\nIcmpMsg:\n        InType3: 1\n";
        assert_eq!(
            whats(input),
            vec![
                "S Icmp",
                "H ICMP input histogram",
                "C Icmp/InDestUnreachs@ICMP input histogram=1",
                "C Icmp/?@ICMP input histogram=2",
                "C Icmp/OutMsgs=0",
                "H ICMP output histogram",
                "C Icmp/OutEchoReps@ICMP output histogram=4",
                "S IcmpMsg",
                "C IcmpMsg/InType3=1",
            ]
        );
    }

    #[test]
    fn named_unknown_notices_and_malformed() {
        let input = b"error parsing /proc/net/netstat: No such file or directory\nTcpExt:\n    TCPLossProbes: 22\n    7 frobnicated widgets\n    three things\n\nIpExt:\n    InOctets: 18446744073709551615\n";
        assert_eq!(
            whats(input),
            vec![
                "N proc_error",
                "S TcpExt",
                "C TcpExt/TCPLossProbes=22",
                "C TcpExt/?=7",
                "M 5",
                "S IpExt",
                "C IpExt/InOctets=18446744073709551615",
            ]
        );
        // A counter before any title still is one.
        assert_eq!(whats(b"    236 active connection openings\n"), vec!["C Tcp/ActiveOpens=236"]);
        assert_eq!(whats(b"    5 things\n"), vec!["C /?=5"]);
    }

    #[test]
    fn a_repeated_title_starts_a_capture() {
        let input = b"Ip:\n    1 forwarded\nTcpExt:\nIp:\n    2 forwarded\nUdp:\nIp:\n";
        let captures: Vec<(u64, u32)> = run(input).into_iter().map(|(l, c, _)| (l, c)).collect();
        assert_eq!(captures, vec![(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3)]);
    }

    #[test]
    fn line_accounting() {
        let mut parser = PushParser::new(Format::NetstatS);
        parser.feed(
            b"Icmp:\n    ICMP input histogram:\n        echo requests: 4\n\n    oops\nbanner text\n",
            &mut |_: Event<'_>| {},
        );
        parser.finish(&mut |_: Event<'_>| {});
        let s = parser.stats();
        assert_eq!((s.lines, s.titles, s.rows, s.blank, s.malformed, s.notices), (6, 2, 1, 1, 1, 1));
        assert_eq!(NoticeKind::from(netsift_grammar::netstat_s::NoticeKind::Other), NoticeKind::Other);
    }

    /// Each remembered line knows whether `auto` must check that no other format claims
    /// a line of its shape: `auto::may_be_claimed` of the line (titles, a line whose first
    /// word is `sl` may be; indented counters, blank lines and lower-case notices may not).
    #[test]
    fn shapes_keep_whether_a_line_may_be_claimed() {
        use super::{Claim, NetstatSMachine, What};
        use crate::push::{LineStats, Position};
        let lines: [&[u8]; 9] = [
            b"Tcp:",
            b"    236 active connection openings",
            b"    sl: 5",
            b"sockets: 12",
            b"IpExt:",
            b"    InOctets: 18446744073709551615",
            b"",
            b"banner text",
            b"Some Banner",
        ];
        let mut machine = NetstatSMachine::remembering();
        let mut stats = LineStats::default();
        for (i, line) in lines.iter().enumerate() {
            machine.line(line, Position { line: i as u64 + 1, offset: 0 }, &mut stats, &mut |_: Event<'_>| {});
        }
        let shapes = &machine.shapes;
        let mut claims = [0; 2];
        for shape in &shapes.list {
            // The line again: a counter's with another number.
            let (head, tail) = (shapes.bytes(shape.head).unwrap(), shapes.bytes(shape.tail).unwrap());
            let line = match shape.what {
                What::Counter { .. } => [head, b"1", tail].concat(),
                _ => head.to_vec(),
            };
            let line = line.strip_suffix(b"\n").unwrap();
            let expected = if crate::push::auto::may_be_claimed(line) { Claim::Ask } else { Claim::No };
            assert_eq!(shape.claim, expected, "{:?}", String::from_utf8_lossy(line));
            claims[usize::from(shape.claim == Claim::Ask)] += 1;
        }
        assert!(claims[0] >= 3 && claims[1] >= 3, "{claims:?}");
    }

    #[test]
    fn the_seen_set_is_bounded() {
        use super::SeenNames;
        let mut seen = SeenNames::default();
        for i in 0..10_000u32 {
            assert!(!seen.starts_capture(SeenNames::hash(&i.to_be_bytes()), false));
        }
        assert_eq!(seen.hashes.len(), super::SEEN_CAP);
        // A name remembered starts a capture (and the set then holds it alone); one past
        // the bound was not remembered.
        assert!(!seen.starts_capture(SeenNames::hash(&9_999u32.to_be_bytes()), false));
        assert!(seen.starts_capture(SeenNames::hash(&0u32.to_be_bytes()), false));
        assert_eq!(seen.hashes.len(), 1);
        // Not when it continues the section just before (/proc's `IcmpMsg` pairs).
        assert!(!seen.starts_capture(SeenNames::hash(&0u32.to_be_bytes()), true));
    }
}
