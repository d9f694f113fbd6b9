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

use netsift_grammar::netstat_s::{self, Context, CounterForm, Direction, Mapping, StatLine};

use super::{LineStats, Position, Sink};
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
        let new = !continuing && self.hashes.contains(&hash);
        if new {
            self.hashes.clear();
        }
        if self.hashes.len() < SEEN_CAP && !self.hashes.contains(&hash) {
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
    seen: SeenNames,
}

impl NetstatSMachine {
    /// The state in one form (see `PushParser::agrees`): unless `captures`, without the
    /// capture number and what only decides where the next capture starts.
    pub(super) fn canonical(&mut self, captures: bool) {
        if !captures {
            self.capture = 0;
            self.seen = SeenNames::default();
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
            seen: SeenNames::default(),
        }
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
        match netstat_s::classify(line) {
            Ok(StatLine::Blank) => stats.blank += 1,
            Ok(StatLine::Section(s)) => {
                stats.titles += 1;
                if self.seen.starts_capture(SeenNames::hash(s.name), false) {
                    self.capture += 1;
                }
                self.section.clear();
                self.section.extend_from_slice(s.name);
                self.in_section = true;
                self.sub_open = false;
                self.direction = None;
                self.saw_table = true;
                let section = Section {
                    table: Table::StatSection { histogram: false },
                    lang: Lang::C,
                    name: &self.section,
                    header: Some(line),
                    columns: Columns::Counters,
                };
                self.emit(at, EventKind::Section(section), sink);
            }
            Ok(StatLine::Histogram(h)) => {
                stats.titles += 1;
                self.subtable.clear();
                let title = h.text.strip_suffix(b":").unwrap_or(h.text);
                self.subtable.extend_from_slice(title.trim_ascii_end());
                self.sub_open = true;
                self.direction = h.direction;
                self.saw_table = true;
                let section = Section {
                    table: Table::StatSection { histogram: true },
                    lang: h.lang.unwrap_or(Lang::C),
                    name: &self.subtable,
                    header: Some(line),
                    columns: Columns::Counters,
                };
                self.emit(at, EventKind::Section(section), sink);
            }
            Ok(StatLine::Counter(c)) => {
                stats.rows += 1;
                if self.sub_open && !histogram_line(&c) {
                    self.sub_open = false;
                    self.direction = None;
                }
                self.saw_table = true;
                let current: &[u8] = if self.in_section { &self.section } else { b"" };
                let ctx = Context {
                    section: self.in_section.then_some(current),
                    histogram: if self.sub_open { self.direction } else { None },
                };
                let (section, name) = match c.mapping(ctx) {
                    Mapping::Known { section, name } => (section.as_bytes(), Some(name.as_bytes())),
                    Mapping::Named(name) => (current, Some(name)),
                    Mapping::Ambiguous | Mapping::Unknown => (current, None),
                };
                let counter = Counter {
                    source: CounterSource::NetstatS,
                    section,
                    name,
                    subtable: self.sub_open.then_some(&self.subtable[..]),
                    value: c.value,
                    text: c.text(),
                    line,
                    position: None,
                    rate: None,
                };
                self.emit(at, EventKind::Counter(counter), sink);
            }
            Ok(StatLine::Notice(n)) => {
                stats.notices += 1;
                self.emit(at, EventKind::Notice(Notice { kind: n.kind.into(), text: line }), sink);
            }
            Err(e) => {
                stats.malformed += 1;
                let problem = Problem::Grammar { column: e.column, expected: e.expected };
                self.emit(at, EventKind::Malformed(Malformed { raw: line, problem }), sink);
            }
        }
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
