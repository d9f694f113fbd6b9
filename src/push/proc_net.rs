//! The state machine for `/proc/net/netstat` and `/proc/net/snmp`: which names line a values
//! line belongs to.
//!
//! ```text
//!   TcpExt: SyncookiesSent SyncookiesRecv …   held (a copy) until its values line
//!   TcpExt: 0 0 …                             ─▶ Section (proc_section "TcpExt", header = the
//!                                                names line), then one Counter per pair
//!   IcmpMsg: InType3 OutType3                 several IcmpMsg pairs in a row are one section
//!   IcmpMsg: 1 2                                 split over lines, not a new capture
//!   TcpExt: …                                 a prefix seen before (not just before): a new
//!                                                capture (concatenated files)
//! ```
//!
//! Names and values are paired by position within their pair, never against a list of
//! known names. When they stop matching (a truncated copy), the pairs before the mismatch
//! are still emitted, then one `Malformed` event points at the values line's column. The
//! machine holds at most one line (the names line) between calls.

use netsift_grammar::netstat_s::{self, StatLine, KERNEL_SECTIONS};
use netsift_grammar::proc_net::{fast_pairs_in, name_spans, pair_line, values_body, FastPairs, PairKind, PlainValue};

use super::netstat_s::SeenNames;
use super::{LineStats, Position, Sink};
use crate::events::{
    Columns, Counter, CounterSource, Event, EventKind, Lang, Malformed, Notice, NoticeKind, Problem, Section, Table,
};

/// The /proc/net/netstat and /proc/net/snmp state machine. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ProcNetMachine {
    capture: u32,
    saw_table: bool,
    /// The names line waiting for its values line (a copy); meaningful when `holding`.
    names: Vec<u8>,
    holding: bool,
    /// The held names line's prefix is a kernel identifier, `names[..prefix_len]`: a line
    /// that starts with it and its colon is its values line, read without a first pass.
    prefix_len: Option<usize>,
    /// The held names line's prefix is `names[..names_prefix]` (whatever it is).
    names_prefix: usize,
    /// Where the held names line starts.
    names_at: Position,
    /// The prefixes paired so far in this capture.
    seen: SeenNames,
    /// The prefix of the last pair (its bytes), to let a section continue over several
    /// pairs (`IcmpMsg`).
    last_prefix: Vec<u8>,
    /// Names lines seen before, with where their names are: a periodic log repeats the
    /// same dozen lines, which are then compared (memcmp) rather than split again.
    known_names: Vec<KnownNames>,
    /// The entry of `known_names` a new names line replaces once it is full (round robin,
    /// reusing the entry's buffers).
    next_replaced: usize,
    /// The entry of `known_names` that the held names line is, when it was found there
    /// (not looked up again when its values line comes).
    held_known: Option<usize>,
}

/// A names line seen before: its bytes, where its names are (`(start, end)` in the line)
/// and what [`pair_line`] read in it.
#[derive(Debug, Clone, PartialEq)]
struct KnownNames {
    line: Vec<u8>,
    spans: Vec<(u32, u32)>,
    read: Read,
}

/// What [`ProcNetMachine::line`] needs of what [`pair_line`] reads in a line: its prefix's
/// length, where its words start, what they are, and whether the prefix is a kernel
/// identifier.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Read {
    prefix_len: usize,
    body: usize,
    kind: PairKind,
    identifier: bool,
}

/// How many distinct names lines are remembered: the dozen of /proc/net/netstat and
/// /proc/net/snmp, with room for several kernels' versions. A bound, so that hostile
/// input cannot grow it.
const KNOWN_NAMES_CAP: usize = 32;

impl ProcNetMachine {
    /// The state in one form (see `PushParser::agrees`): the names lines remembered are a
    /// cache (a line not found is split again, with the same result); unless `captures`, the
    /// capture number and the prefixes that decide where the next capture starts are left out.
    pub(super) fn canonical(&mut self, captures: bool) {
        self.known_names = Vec::new();
        self.next_replaced = 0;
        self.held_known = None;
        if !captures {
            self.capture = 0;
            self.seen = SeenNames::default();
        }
    }

    /// Swap the names lines remembered with `other`'s (a cache, see
    /// `PushParser::exchange_caches`).
    pub(super) fn exchange_caches(&mut self, other: &mut ProcNetMachine) {
        std::mem::swap(&mut self.known_names, &mut other.known_names);
        std::mem::swap(&mut self.next_replaced, &mut other.next_replaced);
        // They pointed into the names lines just swapped: a held line is looked for again.
        self.held_known = None;
        other.held_known = None;
    }

    /// A copy without the names lines remembered (a cache: see
    /// `PushParser::clone_without_caches`).
    pub(super) fn clone_without_caches(&self) -> Self {
        let ProcNetMachine {
            capture,
            saw_table,
            names,
            holding,
            prefix_len,
            names_prefix,
            names_at,
            seen,
            last_prefix,
            known_names: _,
            next_replaced: _,
            held_known: _,
        } = self;
        ProcNetMachine {
            capture: *capture,
            saw_table: *saw_table,
            names: names.clone(),
            holding: *holding,
            prefix_len: *prefix_len,
            names_prefix: *names_prefix,
            names_at: *names_at,
            seen: seen.clone(),
            last_prefix: last_prefix.clone(),
            known_names: Vec::new(),
            next_replaced: 0,
            held_known: None,
        }
    }

    /// Put the held names line's line number at 0 (see
    /// `PushParser::agrees_but_for_line_numbers`).
    pub(super) fn forget_lines(&mut self) {
        self.names_at.line = 0;
    }

    pub(super) fn new() -> Self {
        ProcNetMachine {
            capture: 1,
            saw_table: false,
            names: Vec::new(),
            holding: false,
            prefix_len: None,
            names_prefix: 0,
            names_at: Position::default(),
            seen: SeenNames::default(),
            last_prefix: Vec::new(),
            known_names: Vec::new(),
            next_replaced: 0,
            held_known: None,
        }
    }

    /// Does this line begin a /proc/net/netstat or /proc/net/snmp file? (auto-detection):
    /// a names line, `Prefix: Name Name …`, with a kernel prefix (`Ip`, `TcpExt` …) and
    /// identifiers for names. A new kernel's new prefix is read once the file has begun
    /// (it never comes first); a banner such as `Note: see below` is not taken for a file.
    pub(super) fn starts(line: &[u8]) -> bool {
        // Fast rejection first (auto-detection asks this of every `netstat -s` title, such
        // as `Tcp:`): a names line is a first word ending in `:` and more words after it.
        let mut words = netsift_grammar::lex::words(line);
        if !(words.next().is_some_and(|(_, w)| w.ends_with(b":")) && words.next().is_some()) {
            return false;
        }
        match pair_line(line) {
            Ok(l) => {
                l.kind == PairKind::Names
                    && KERNEL_SECTIONS.iter().any(|k| k.as_bytes() == l.prefix)
                    && l.names().all(is_identifier)
            }
            Err(_) => false,
        }
    }

    pub(super) fn capture(&self) -> u32 {
        self.capture
    }

    /// What decides the capture numbers from here on (see `push/split.rs`): the number,
    /// the prefixes paired in the capture, the last pair's prefix and the held names
    /// line's prefix.
    pub(super) fn captures(&self) -> (u32, &SeenNames, Option<&[u8]>, Option<&[u8]>) {
        let last = (!self.last_prefix.is_empty()).then_some(&self.last_prefix[..]);
        let held = if self.holding { pair_line(&self.names).ok().map(|l| l.prefix) } else { None };
        (self.capture, &self.seen, last, held)
    }

    /// Take the capture number and the prefixes paired in the capture from the parser
    /// that read the input up to here (a guessed part's start, see `push/split.rs`).
    pub(super) fn set_captures(&mut self, capture: u32, seen: &SeenNames) {
        self.capture = capture;
        self.seen.clone_from(seen);
    }

    pub(super) fn saw_table(&self) -> bool {
        self.saw_table
    }

    pub(super) fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        if line.iter().all(|&b| b == b' ' || b == b'\t') {
            // Some 2.6-era kernels began the file with an empty line.
            stats.blank += 1;
            return;
        }
        if let Some(body) = self.held_values_body(line) {
            // The values line of the held names line (what `pair_line` and the checks below
            // would find, since its prefix is the held one and an identifier).
            self.pair(Values { line, body, prefix: None }, at, stats, sink);
            return;
        }
        // A names line seen before (a periodic log's) reads as it did then: not read again.
        let known = self.known_line(line);
        let current = match known {
            Some((_, read)) => read,
            None => {
                let parsed = pair_line(line);
                let plausible = matches!(&parsed, Ok(l) if is_identifier(l.prefix));
                if !plausible {
                    if let Some(kind) = notice(line) {
                        stats.notices += 1;
                        self.emit(at, EventKind::Notice(Notice { kind, text: line }), sink);
                        return;
                    }
                }
                match parsed {
                    Ok(l) => Read { prefix_len: l.prefix.len(), body: l.body(), kind: l.kind, identifier: plausible },
                    Err(e) => {
                        stats.malformed += 1;
                        let problem = Problem::Grammar { column: e.column, expected: e.expected };
                        self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
                        return;
                    }
                }
            }
        };
        let current_prefix = &line[..current.prefix_len];
        if self.holding {
            let is_values = current.kind == PairKind::Values
                || pair_line(&self.names).is_ok_and(|held| held.prefix == current_prefix);
            if is_values {
                self.pair(Values { line, body: current.body, prefix: Some(current_prefix) }, at, stats, sink);
                return;
            }
            self.unpaired(sink);
        }
        match current.kind {
            PairKind::Values => {
                stats.malformed += 1;
                let problem = Problem::Grammar {
                    column: 0,
                    expected: "a names line (`Prefix: Name …`) before this values line",
                };
                self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
            }
            PairKind::Names | PairKind::Empty => {
                stats.headers += 1;
                self.names.clear();
                self.names.extend_from_slice(line);
                self.names_at = at;
                self.holding = true;
                self.held_known = known.map(|(i, _)| i);
                self.prefix_len = current.identifier.then_some(current.prefix_len);
                self.names_prefix = current.prefix_len;
            }
        }
    }

    pub(super) fn finish<S: Sink + ?Sized>(&mut self, _stats: &mut LineStats, sink: &mut S) {
        if self.holding {
            self.unpaired(sink);
        }
    }

    /// What [`pair_line`] reads in `line` when it is a names line remembered in
    /// `known_names` with a kernel identifier for its prefix (what `line` would find).
    #[inline]
    fn known_line(&self, line: &[u8]) -> Option<(usize, Read)> {
        let i = self.known_names.iter().position(|k| k.line == line)?;
        let read = self.known_names[i].read;
        read.identifier.then_some((i, read))
    }

    /// Where the words of `line` start, when it is the values line of the held names line
    /// by its prefix (see [`values_body`]).
    #[inline]
    fn held_values_body(&self, line: &[u8]) -> Option<usize> {
        let n = self.prefix_len.filter(|_| self.holding)?;
        values_body(line, self.names.get(..n)?)
    }

    /// The values line of the held names line (`values`, whose words start at `body`): a
    /// section, its counters, and the first mismatch if any.
    fn pair<S: Sink + ?Sized>(&mut self, values: Values<'_>, at: Position, stats: &mut LineStats, sink: &mut S) {
        self.holding = false;
        let Values { line: values, body, prefix } = values;
        // A names line seen before is not split again: only a new one is read (it was
        // read when held, so it reads the same).
        let found = match self.held_known.take() {
            Some(i) => Some(i),
            None => self.known_names.iter().position(|k| k.line == self.names),
        };
        let known = match found {
            Some(i) => i,
            None => {
                let names = match pair_line(&self.names) {
                    Ok(n) => n,
                    // Cannot happen: the line was read as a names line when it was held.
                    Err(e) => {
                        stats.malformed += 1;
                        let problem = Problem::Grammar { column: e.column, expected: e.expected };
                        sink.event(Event {
                            at: self.names_at,
                            capture: self.capture,
                            kind: EventKind::Malformed(Malformed { raw: &self.names, problem }),
                        });
                        return;
                    }
                };
                let read = Read {
                    prefix_len: names.prefix.len(),
                    body: names.body(),
                    kind: names.kind,
                    identifier: is_identifier(names.prefix),
                };
                if self.known_names.len() < KNOWN_NAMES_CAP {
                    let spans = name_spans(&names).collect();
                    self.known_names.push(KnownNames { line: self.names.clone(), spans, read });
                    self.known_names.len() - 1
                } else {
                    let i = self.next_replaced;
                    self.next_replaced = (i + 1) % KNOWN_NAMES_CAP;
                    let known = &mut self.known_names[i];
                    known.line.clear();
                    known.line.extend_from_slice(&self.names);
                    known.spans.clear();
                    known.spans.extend(name_spans(&names));
                    known.read = read;
                    i
                }
            }
        };
        // The prefix `pair_line` finds in the held line.
        let names_prefix = self.names.get(..self.names_prefix).unwrap_or_default();
        if self.seen.starts_capture(SeenNames::hash(names_prefix), self.last_prefix == names_prefix) {
            self.capture += 1;
        }
        self.last_prefix.clear();
        self.last_prefix.extend_from_slice(names_prefix);
        self.saw_table = true;
        let spans = &self.known_names[known].spans;
        let capture = self.capture;
        let section = Section {
            table: Table::ProcSection,
            lang: Lang::C,
            name: names_prefix,
            header: Some(&self.names),
            columns: Columns::Counters,
        };
        sink.event(Event { at: self.names_at, capture, kind: EventKind::Section(section) });
        let mut failed = false;
        let prefix_matches = prefix.is_none_or(|p| p == names_prefix);
        let mut items = fast_pairs_in(&self.names, spans, values, body, prefix_matches);
        // One event for the line's counters: only the counter's name, value and position
        // change from one to the next, and the sink reads it where it is (`event_ref`),
        // instead of a whole event built and handed over per counter.
        let mut event = Event {
            at,
            capture,
            kind: EventKind::Counter(Counter {
                source: CounterSource::Proc,
                section: names_prefix,
                name: None,
                subtable: None,
                value: 0,
                text: &[],
                line: values,
                position: None,
                rate: None,
            }),
        };
        // The plain values in one loop (given to the sink as the line's counters), then
        // whatever is left (an error, an odd value, a counter the sink did not take) as the
        // reference reads it.
        let mut position = 0;
        sink.counters(CounterLine {
            event: &mut event,
            names: &self.names,
            pairs: &mut items,
            position: &mut position,
        });
        for item in items {
            position += 1;
            match item {
                Ok((name, value)) => {
                    set_counter(&mut event, position, name, value);
                    sink.event_ref(&event);
                }
                Err(e) => {
                    failed = true;
                    let problem = Problem::Grammar { column: e.column, expected: e.line_error().expected };
                    sink.event(Event { at, capture, kind: EventKind::Malformed(Malformed { raw: values, problem }) });
                }
            }
        }
        if failed {
            stats.malformed += 1;
        } else {
            stats.rows += 1;
        }
    }

    /// The held names line has no values line (the next line starts another pair, or the
    /// input ends): report it. It was counted as a header when it arrived.
    fn unpaired<S: Sink + ?Sized>(&mut self, sink: &mut S) {
        self.holding = false;
        let column = netsift_grammar::lex::trim_end_blanks(&self.names).len();
        let problem = Problem::Grammar { column, expected: "a values line after this names line" };
        let kind = EventKind::Malformed(Malformed { raw: &self.names, problem });
        sink.event(Event { at: self.names_at, capture: self.capture, kind });
    }

    fn emit<S: Sink + ?Sized>(&self, at: Position, kind: EventKind<'_>, sink: &mut S) {
        sink.event(Event { at, capture: self.capture, kind });
    }
}

/// The plain counters of one /proc values line (see [`Sink::counters`]): the event every
/// one of them is made from (where the line is, its capture, source and section), and each
/// counter's position, name and value in turn. A counter's name is the word of the names
/// line at its position, so that what a sink makes of the names line (`names_line`) holds
/// for each of its counters.
pub struct CounterLine<'l, 'a> {
    event: &'l mut Event<'a>,
    names: &'a [u8],
    pairs: &'l mut FastPairs<'a>,
    /// The position of the last counter taken.
    position: &'l mut usize,
}

impl<'a> CounterLine<'_, 'a> {
    /// The line's counter event: the members its counters share are those of every one of
    /// them (its name, value, text and position are not yet any counter's).
    pub fn event(&self) -> &Event<'a> {
        self.event
    }

    /// The names line the counters' names are the words of, by position.
    pub fn names_line(&self) -> &'a [u8] {
        self.names
    }

    /// Each counter as its event, in order.
    #[inline(always)]
    pub fn each(self, mut each: impl FnMut(&Event<'a>)) {
        let CounterLine { event, pairs, position, .. } = self;
        pairs.for_each_plain(|at, name, value| {
            *position = at;
            set_counter(event, at, name, value);
            each(event);
        });
    }

    /// Each counter as its position (from 1), name and value, in order: the rest of it is
    /// [`CounterLine::event`]'s, and its text is its name. A value the line has as the
    /// kernel writes it is given as its digits ([`PlainValue::Digits`]), for a writer to
    /// copy rather than read and write back.
    #[inline(always)]
    pub fn each_text(self, mut each: impl FnMut(usize, &'a [u8], PlainValue)) {
        let CounterLine { pairs, position, .. } = self;
        pairs.for_each_plain_text(|at, name, value| {
            *position = at;
            each(at, name, value);
        });
    }
}

/// The counter of `event` (a counter event) made the one at `position` of its line, with
/// its name and value: the rest of it is the line's.
#[inline(always)]
fn set_counter<'a>(event: &mut Event<'a>, position: usize, name: &'a [u8], value: i128) {
    if let EventKind::Counter(c) = &mut event.kind {
        c.name = Some(name);
        c.text = name;
        c.value = value;
        c.position = u32::try_from(position).ok();
    }
}

/// The events of one pair read on its own: its names line, then its values line, as a
/// new machine reads them. The machine's reading of a pair depends on those two lines
/// alone (what else it holds decides capture numbers, or is a cache), so these are the
/// counters it gave for the pair in the input: the /proc view keeps a pair's two lines
/// and reads them again when asked, instead of keeping each counter as it comes.
pub(crate) fn read_pair<S: Sink + ?Sized>(names: &[u8], values: &[u8], sink: &mut S) {
    let mut machine = ProcNetMachine::new();
    let mut stats = LineStats::default();
    machine.line(names, Position::default(), &mut stats, sink);
    machine.line(values, Position::default(), &mut stats, sink);
    machine.finish(&mut stats, sink);
}

/// A values line: the line, where its words start, and its prefix when it was read by
/// `pair_line` (`None`: it starts with the held names line's prefix).
struct Values<'a> {
    line: &'a [u8],
    body: usize,
    prefix: Option<&'a [u8]>,
}

/// A kernel identifier: ASCII letters, digits and `_`, starting with a letter.
fn is_identifier(word: &[u8]) -> bool {
    word.first().is_some_and(u8::is_ascii_alphabetic) && word.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// What `line` is to the pairing, read as [`ProcNetMachine::line`] reads it: `None` for a
/// line that leaves the pairing as it is (blank, a notice, one that does not parse),
/// else its prefix and whether it is a values line (a names line, or an empty `Prefix:`,
/// otherwise). The capture marks of a part (`push/split.rs`) are these.
pub(super) fn capture_mark(line: &[u8]) -> Option<(&[u8], bool)> {
    if line.iter().all(|&b| b == b' ' || b == b'\t') {
        return None;
    }
    let parsed = pair_line(line).ok()?;
    if !is_identifier(parsed.prefix) && notice(line).is_some() {
        return None;
    }
    Some((parsed.prefix, parsed.kind == PairKind::Values))
}

/// A message line among the pairs (a shell's or netstat's error, a time stamp).
fn notice(line: &[u8]) -> Option<NoticeKind> {
    match netstat_s::classify(line) {
        Ok(StatLine::Notice(n)) if n.kind != netstat_s::NoticeKind::Other => Some(n.kind.into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::events::{EventKind, Problem};
    use crate::{Event, Format, PushParser};

    /// (line, capture, what) for every event: `S prefix`, `C section/name=value`,
    /// `N kind`, `M column: expected`.
    fn run(input: &[u8]) -> (Vec<(u64, u32, String)>, crate::push::LineStats) {
        let mut out = Vec::new();
        let mut parser = PushParser::new(Format::ProcNetstat);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let mut sink = |ev: Event<'_>| {
            let what = match ev.kind {
                EventKind::Section(s) => format!("S {}", text(s.name)),
                EventKind::Counter(c) => {
                    format!("C {}/{}={}", text(c.section), text(c.name.unwrap_or_default()), c.value)
                }
                EventKind::Notice(n) => format!("N {}", n.kind.name()),
                EventKind::Malformed(m) => match m.problem {
                    Problem::Grammar { column, expected } => format!("M {column}: {expected}"),
                    Problem::TooLong { .. } => "M too long".to_string(),
                },
                _ => "other".to_string(),
            };
            out.push((ev.at.line, ev.capture, what));
        };
        parser.feed(input, &mut sink);
        parser.finish(&mut sink);
        (out, parser.stats())
    }

    fn whats(input: &[u8]) -> Vec<String> {
        run(input).0.into_iter().map(|(_, _, w)| w).collect()
    }

    #[test]
    fn names_lines_beyond_the_remembered_ones_pair_right() {
        // More distinct names lines than are remembered, each seen again later with other
        // names of the same prefix and length: every counter keeps its own name.
        let mut input = Vec::new();
        let mut expected = Vec::new();
        for round in 0..3 {
            for i in 0..super::KNOWN_NAMES_CAP + 5 {
                let (a, b) = if round == 1 { ("Bx", "Ax") } else { ("Ax", "Bx") };
                input.extend(format!("P{i}: {a}{i} {b}{i}\nP{i}: {round} {i}\n").into_bytes());
                expected.push(format!("S P{i}"));
                expected.push(format!("C P{i}/{a}{i}={round}"));
                expected.push(format!("C P{i}/{b}{i}={i}"));
            }
        }
        assert_eq!(whats(&input), expected);
    }

    #[test]
    fn pairs_and_the_empty_first_line() {
        let (events, stats) = run(b"\nTcp: MaxConn ActiveOpens\nTcp: -1 18446744073709551615\n");
        let got: Vec<_> = events.iter().map(|(l, c, w)| (*l, *c, w.as_str())).collect();
        assert_eq!(
            got,
            vec![(2, 1, "S Tcp"), (3, 1, "C Tcp/MaxConn=-1"), (3, 1, "C Tcp/ActiveOpens=18446744073709551615")]
        );
        assert_eq!((stats.blank, stats.headers, stats.rows), (1, 1, 1));
    }

    #[test]
    fn mismatches_and_strays() {
        // Missing value, extra value, a bad value, a values line of another prefix.
        assert_eq!(
            whats(b"Udp: A B C\nUdp: 1 2\n"),
            vec!["S Udp", "C Udp/A=1", "C Udp/B=2", "M 8: one value per name (a value is missing)"]
        );
        assert_eq!(
            whats(b"Udp: A\nUdp: 1 2\n"),
            vec!["S Udp", "C Udp/A=1", "M 7: one value per name (more values than names)"]
        );
        assert_eq!(whats(b"Udp: A B\nUdp: 1 x\n"), vec!["S Udp", "C Udp/A=1", "M 7: a number that fits in 64 bits"]);
        assert_eq!(whats(b"Udp: A\nIp: 1\n"), vec!["S Udp", "M 0: the same prefix as the names line"]);
        // A names line without values (followed by another names line, or at the end).
        assert_eq!(
            whats(b"Udp: A\nIp: B\nIp: 2\nTcp: C\n"),
            vec![
                "M 6: a values line after this names line",
                "S Ip",
                "C Ip/B=2",
                "M 6: a values line after this names line"
            ]
        );
        // Values without names; a line that is no pair; messages.
        assert_eq!(whats(b"Udp: 1 2\n"), vec!["M 0: a names line (`Prefix: Name …`) before this values line"]);
        assert_eq!(whats(b"garbage here\n"), vec!["M 7: `:` after the section name (e.g. `Tcp:`)"]);
        assert_eq!(
            whats(b"/bin/sh: cat: not found\ncannot open /proc/net/snmp: x\nThu Nov 27 04:02:03 UTC 2026\n"),
            vec!["N shell", "N proc_error", "N timestamp"]
        );
    }

    #[test]
    fn captures_and_split_sections() {
        let input = b"IcmpMsg: InType3\nIcmpMsg: 1\nIcmpMsg: OutType3\nIcmpMsg: 2\nTcp: A\nTcp: 3\nIcmpMsg: InType0\nIcmpMsg: 4\n";
        let captures: Vec<(u32, String)> = run(input).0.into_iter().map(|(_, c, w)| (c, w)).collect();
        assert_eq!(captures.iter().filter(|(c, _)| *c == 2).count(), 2);
        assert_eq!(captures.last().map(|(c, w)| (*c, w.as_str())), Some((2, "C IcmpMsg/InType0=4")));
        // An empty pair is a section with no counters.
        assert_eq!(whats(b"MPTcpExt:\nMPTcpExt:\n"), vec!["S MPTcpExt"]);
    }

    #[test]
    fn auto_detection() {
        use super::ProcNetMachine;
        assert!(ProcNetMachine::starts(b"TcpExt: SyncookiesSent SyncookiesRecv"));
        assert!(!ProcNetMachine::starts(b"TcpExt: 0 0"));
        assert!(!ProcNetMachine::starts(b"Ip:"));
        assert!(!ProcNetMachine::starts(b"/bin/sh: /bin/netstat: No such file or directory"));
        assert!(!ProcNetMachine::starts(b"Note: this is a banner"));
        assert!(!ProcNetMachine::starts(b"NewKernelThing: A B"));
        assert!(ProcNetMachine::starts(b"MPTcpExt: MPCapableSYNRX"));
    }
}
