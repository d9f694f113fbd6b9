//! Events as JSON objects: the `netsift events` contract.
//!
//! Every object has `kind` (snake_case), `line` (1-based), `offset` (bytes from the start of
//! the input) and `capture` (from 1), then the event's own fields. Typed values are typed
//! (numbers as numbers, `null` where nothing was printed); `raw` holds the line as printed.
//! Bytes that are not UTF-8 follow the convention of [`crate::json`].

use super::{
    Columns, Counter, CounterSource, Event, EventKind, InetConn, Interface, Lang, Malformed, Membership, Notice,
    Section, Table, UnixSocket,
};
use crate::json::{self, Object};
use crate::key;
use crate::push::CounterLine;
use netsift_grammar::lex::same_bytes;
use netsift_grammar::netstat::{Endpoint, Host, InetState, Owner, Port, Proto, Timer, TimerKind, User};
use netsift_grammar::netstat_agn::Group;
use netsift_grammar::proc_inet::{KernelExtra, KernelInet};
use netsift_grammar::proc_net::PlainValue;
use netsift_grammar::proc_unix::KernelUnix;

/// Append one event as a JSON object (no newline).
///
/// The kinds written by the million (rows and counters) are written member by member, the
/// constant runs between their values (`","recv_q":`) copied whole and a field inside a line
/// known to be plain when the line is; the others through [`Object`]. Either way the bytes
/// are those of [`write_event_reference`](super::json_reference::write_event_reference),
/// which writes every member through `Object` (tested there).
pub fn write_event(out: &mut Vec<u8>, event: &Event<'_>) {
    match &event.kind {
        EventKind::InetConn(c) => {
            head(out, HEADS[1], event);
            inet_conn(out, c);
        }
        EventKind::UnixSocket(u) => {
            head(out, HEADS[2], event);
            unix_socket(out, u);
        }
        EventKind::SsSocket(s) => {
            head(out, HEADS[3], event);
            super::json_ss::ss_socket(out, s);
        }
        EventKind::Counter(c) => {
            head(out, COUNTER_HEAD, event);
            counter_source(out, c);
            counter_rest(out, c);
        }
        other => {
            head(out, HEADS[other.index()], event);
            let mut o = Object::after_members(out);
            other_members(&mut o, other);
            o.end();
        }
    }
}

/// The members of the kinds written through [`Object`] (sections, interfaces, memberships,
/// notices, malformed lines), after the head.
pub(super) fn other_members(o: &mut Object<'_>, kind: &EventKind<'_>) {
    match kind {
        EventKind::Section(s) => section(o, s),
        EventKind::Interface(i) => interface(o, i),
        EventKind::Membership(m) => membership(o, m),
        EventKind::Notice(n) => notice(o, n),
        EventKind::Malformed(m) => malformed(o, m),
        // Written by their own writers (both here and in `json_reference`).
        EventKind::InetConn(_) | EventKind::UnixSocket(_) | EventKind::SsSocket(_) | EventKind::Counter(_) => {}
    }
}

/// Writes events as [`write_event`] does, the same bytes, remembering what the counters of
/// a values line repeat: a /proc or sockstat values line gives one counter per value (a
/// hundred for `TcpExt:`), each starting with the same run
/// `{"kind":"counter","line":…,"offset":…,"capture":…,"source":"proc","section":"TcpExt`,
/// made once per line and copied for the others; and the runs around each value
/// (`","name":"PruneCalled","value":` and `,"text":"PruneCalled","position":5}`) are the
/// same from one capture to the next, made once per section and position and copied while
/// the name stays the same. A counter of its own line (netstat -s, nstat) has its run from
/// `source` to `value` remembered by source, section and name, as each capture of a log
/// repeats them. Each copy is checked against what it was made from: the output never
/// depends on what was remembered.
///
/// ```
/// use netsift::{events::json::{write_event, EventWriter}, Event, Format, PushParser};
///
/// let input = b"TcpExt: SyncookiesSent SyncookiesRecv\nTcpExt: 0 7\nTcpExt: SyncookiesSent SyncookiesRecv\nTcpExt: 3 9\n";
/// let (mut fresh, mut remembered) = (Vec::new(), Vec::new());
/// let mut writer = EventWriter::new();
/// let mut parser = PushParser::new(Format::ProcNetstat);
/// let mut sink = |ev: Event<'_>| {
///     write_event(&mut fresh, &ev);
///     writer.write(&mut remembered, &ev);
/// };
/// parser.feed(input, &mut sink);
/// parser.finish(&mut sink);
/// assert_eq!(fresh, remembered);
/// ```
#[derive(Debug)]
pub struct EventWriter {
    /// The counter line being written: the run shared by the counters of the last values
    /// line (`line[..shared_len]`, as written), then [`COUNTER_ROOM`] bytes where each of
    /// its counters' own part is put together before the line is copied out in one piece.
    line: Vec<u8>,
    shared_len: usize,
    /// Where the runs around a value are made before they go into their windows.
    making: Vec<u8>,
    /// The shared run of the values line whose counters are given together, at the start
    /// of its window (`shared_window_len` bytes), and the buffer of [`LINES_ROOM`] bytes
    /// their lines are put together in.
    shared_window: [u8; SHARED_WINDOW],
    shared_window_len: usize,
    lines: Vec<u8>,
    /// What the shared run was made from (its section in `shared_section`).
    shared_of: Option<SharedKey>,
    shared_section: Vec<u8>,
    /// Which of `sections` holds the runs of `shared_section`'s positions (`None`: too
    /// many sections to remember another).
    section_runs: Option<usize>,
    /// The runs around the values of each section seen, by position.
    sections: Vec<SectionRuns>,
    /// The runs from `source` to `value` of the counters of their own line, in
    /// [`NAMED_SLOTS`] slots by [`named_slot`] (none before the first such counter).
    named: Vec<NamedRun>,
    /// The members after the head of the counter sections seen (at most
    /// [`MAX_SECTION_TAILS`]; then each new one replaces the oldest).
    section_tails: Vec<SectionTail>,
    next_section_tail: usize,
}

/// A counter section's members after its head (`,"table":"proc_section",…,"columns":[]}`),
/// for its table, language, name and header: a periodic log repeats them capture after
/// capture (a /proc section's header is its names line, 3 KiB for `TcpExt`).
#[derive(Debug)]
struct SectionTail {
    table: Table,
    lang: Lang,
    name: Vec<u8>,
    header: Option<Vec<u8>>,
    tail: Vec<u8>,
}

/// How many counter sections' tails are remembered: the dozen of /proc/net/netstat and
/// snmp, or of a netstat -s capture, with room to spare.
const MAX_SECTION_TAILS: usize = 32;

impl Default for EventWriter {
    fn default() -> Self {
        Self::new()
    }
}

/// `,"source":"…","section":"S","name":"N","value":` for one source, section and name,
/// followed by [`NAMED_RUN_COPY`] bytes of padding (copied whole, then cut).
#[derive(Debug, Default)]
struct NamedRun {
    source: Option<CounterSource>,
    section: Vec<u8>,
    name: Vec<u8>,
    /// Whether the name is written as it is (no escaping).
    name_plain: bool,
    run: Vec<u8>,
    /// The run's length, without the padding.
    len: usize,
}

/// How many named runs are remembered (a netstat -s capture has a few hundred counters),
/// and the longest section and name together that one is made for: memory stays bounded.
const NAMED_SLOTS: usize = 1024;
const NAMED_MAX_TEXT: usize = 48;

/// The copy a named run is written with: its constant part (53 bytes for `netstat_s`)
/// and a section and name of up to [`NAMED_MAX_TEXT`] bytes fit (a name that needs
/// escaping may not: its run is copied as it is).
const NAMED_RUN_COPY: usize = 112;

/// The slot of a section and name's run: a hash of both (a collision only costs the run
/// being made again).
#[inline]
fn named_slot(section: &[u8], name: &[u8]) -> usize {
    use std::hash::Hasher as _;
    let mut h = rustc_hash::FxHasher::default();
    h.write(name);
    h.write_usize(section.len());
    if let Some(&b) = section.last() {
        h.write_u8(b);
    }
    (h.finish() >> 32) as usize % NAMED_SLOTS
}

/// The scalars a counter's shared run is made from (with its section's bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SharedKey {
    line: u64,
    offset: u64,
    capture: u32,
    source: CounterSource,
}

/// The runs around the values of one section's counters, by position (from 1).
#[derive(Debug, Default)]
struct SectionRuns {
    source: Option<CounterSource>,
    section: Vec<u8>,
    /// The names line every run of `by_position` that fits was made for, word by word
    /// (the counters of a values line given together, see
    /// [`EventWriter::write_counter_lines`]); `None` once a run was made for a counter
    /// given alone, whose name may be no word of it.
    header: Option<Vec<u8>>,
    by_position: Vec<ValueRuns>,
}

/// `","name":"N","value":` and `,"text":"N","position":P}` and a newline, of the counter at
/// one position, for the name `name` (whose text is the name itself, as in /proc and
/// sockstat). Each is kept at the start of a window of [`RUN_WINDOW`] bytes, copied whole
/// (a fixed-length copy, no call) and then cut to its length.
#[derive(Debug)]
struct ValueRuns {
    name: Vec<u8>,
    /// Whether runs were made (for `name`) and both fit their windows; if not, the
    /// counter is written member by member.
    fits: bool,
    before: [u8; RUN_WINDOW],
    before_len: usize,
    /// The second run, its newline last (`after_len` does not count it).
    after: [u8; RUN_WINDOW],
    after_len: usize,
}

impl Default for ValueRuns {
    fn default() -> Self {
        ValueRuns {
            name: Vec::new(),
            fits: false,
            before: [0; RUN_WINDOW],
            before_len: 0,
            after: [0; RUN_WINDOW],
            after_len: 0,
        }
    }
}

/// The window a counter's run before or after its value is kept in: a name of up to 36
/// bytes fits both (the longest kernel counter names have 25), a longer one is written
/// member by member.
const RUN_WINDOW: usize = 64;

/// The window of the shared run of a values line's counters given together: a run of up to
/// 128 bytes (about 100 for /proc's sections) is copied whole; a longer one is written
/// counter by counter.
const SHARED_WINDOW: usize = 128;

/// The most a counter line given with its values line takes in the writer's buffer while
/// it is put together (each run as its whole window), and the buffer's size: under 4 KiB,
/// where glibc's `memcpy` copies with vector moves (above, with `rep movsb`, which
/// callgrind counts byte by byte).
const COUNTER_MAX: usize = SHARED_WINDOW + RUN_WINDOW + 24 + RUN_WINDOW;
const LINES_ROOM: usize = 4000;

/// The room after the shared run of a counter line: the run before the value, the value
/// (at most 20 digits, written as 24 bytes) and the run after it, each as its whole window.
const COUNTER_ROOM: usize = RUN_WINDOW + 24 + RUN_WINDOW;

/// At most this many sections and positions are remembered, and names lines of at most
/// this many bytes (/proc/net/netstat and snmp have nine sections; `TcpExt`, the longest,
/// has 135 counters on a 2,195-byte names line in kernel 6.1): what the writer keeps stays
/// within [`REMEMBERED_MAX`] whatever the input, whose lines may be a megabyte long. A
/// counter past these is written member by member, the same bytes.
const MAX_SECTIONS: usize = 16;
const MAX_POSITIONS: usize = 256;
const MAX_HEADER: usize = 8 << 10;

/// A section's members after its head are remembered when they take at most this many
/// bytes (2,300 for `TcpExt`'s names line of kernel 6.1).
const MAX_SECTION_TAIL: usize = 8 << 10;

/// The most an [`EventWriter`] keeps, in bytes, whatever it is given (see
/// [`EventWriter::remembered`]): the runs of [`MAX_SECTIONS`] sections, each with its
/// names line and [`MAX_POSITIONS`] positions whose names fit their windows; the
/// [`NAMED_SLOTS`] named runs (each a buffer of up to twice its length, as a vector
/// grows); [`MAX_SECTION_TAILS`] section tails with their names and headers (no longer
/// than the tail, which holds them); the buffers counter lines are made in. About 2.7 MiB
/// (a /proc log keeps about 100 KiB).
pub const REMEMBERED_MAX: usize = SECTION_RUNS_MAX + NAMED_RUNS_MAX + SECTION_TAILS_MAX + BUFFERS_MAX;
const _: () = assert!(REMEMBERED_MAX < 3 << 20, "the writer's bound grew past 3 MiB");

/// The parts of [`REMEMBERED_MAX`].
const SECTION_RUNS_MAX: usize = MAX_SECTIONS
    * (std::mem::size_of::<SectionRuns>()
        + SHARED_WINDOW
        + MAX_HEADER
        + MAX_POSITIONS * (std::mem::size_of::<ValueRuns>() + RUN_WINDOW));
const NAMED_RUNS_MAX: usize = NAMED_SLOTS * (std::mem::size_of::<NamedRun>() + NAMED_MAX_TEXT + 2 * NAMED_RUN_MAX);
const SECTION_TAILS_MAX: usize = MAX_SECTION_TAILS * (std::mem::size_of::<SectionTail>() + 2 * MAX_SECTION_TAIL);
const BUFFERS_MAX: usize = std::mem::size_of::<EventWriter>()
    + LINES_ROOM
    + 2 * (RUN_MAKING_MAX + COUNTER_ROOM)
    + 2 * RUN_MAKING_MAX
    + SHARED_WINDOW;

/// The longest a named run is (its padding included): its constant members, and a section
/// and name of [`NAMED_MAX_TEXT`] bytes escaped (at most six bytes each).
const NAMED_RUN_MAX: usize = 64 + 6 * NAMED_MAX_TEXT + NAMED_RUN_COPY;

/// The longest run made for a window (its text escaped), and the longest shared run: a
/// head of three numbers and a section of [`SHARED_WINDOW`] bytes escaped.
const RUN_MAKING_MAX: usize = 128 + 6 * SHARED_WINDOW;

impl EventWriter {
    /// A writer that remembers nothing yet.
    pub fn new() -> Self {
        EventWriter {
            line: Vec::new(),
            shared_len: 0,
            making: Vec::new(),
            shared_window: [0; SHARED_WINDOW],
            shared_window_len: 0,
            lines: Vec::new(),
            shared_of: None,
            shared_section: Vec::new(),
            section_runs: None,
            sections: Vec::new(),
            named: Vec::new(),
            section_tails: Vec::new(),
            next_section_tail: 0,
        }
    }

    /// Append `event` as a JSON object (no newline): the bytes of [`write_event`].
    #[inline]
    pub fn write(&mut self, out: &mut Vec<u8>, event: &Event<'_>) {
        match &event.kind {
            EventKind::Counter(c) if c.position.is_some() => self.positioned_counter(out, event, c, false),
            EventKind::Counter(c) => self.named_counter(out, event, c),
            EventKind::Section(s) if s.columns == Columns::Counters => self.counter_section(out, event, s),
            _ => write_event(out, event),
        }
    }

    /// A counter section: its members after the head copied when a section of the same
    /// table, language, name and header was written before (checked byte for byte).
    fn counter_section(&mut self, out: &mut Vec<u8>, event: &Event<'_>, s: &Section<'_>) {
        head(out, HEADS[0], event);
        let seen = self.section_tails.iter().find(|t| {
            t.table == s.table && t.lang == s.lang && same_bytes(&t.name, s.name) && t.header.as_deref() == s.header
        });
        if let Some(seen) = seen {
            return out.extend_from_slice(&seen.tail);
        }
        let start = out.len();
        let mut o = Object::after_members(out);
        section(&mut o, s);
        o.end();
        // (The tail holds the name and header: they are no longer.)
        if out.len() - start > MAX_SECTION_TAIL {
            return;
        }
        // Kept in a new entry, or in the oldest one's buffers.
        let i = self.next_section_tail;
        self.next_section_tail = (i + 1) % MAX_SECTION_TAILS;
        if self.section_tails.len() <= i {
            self.section_tails.push(SectionTail {
                table: s.table,
                lang: s.lang,
                name: Vec::new(),
                header: None,
                tail: Vec::new(),
            });
        }
        let Some(kept) = self.section_tails.get_mut(i) else { return };
        kept.table = s.table;
        kept.lang = s.lang;
        copy_into(&mut kept.name, s.name);
        match (&mut kept.header, s.header) {
            (Some(kept), Some(header)) => copy_into(kept, header),
            (kept, header) => *kept = header.map(<[u8]>::to_vec),
        }
        copy_into(&mut kept.tail, out.get(start..).unwrap_or_default());
    }

    /// Append `event` as a JSON object and a newline (a line of JSON Lines): the bytes of
    /// [`EventWriter::write`] and `\n`, the newline of a values line's counter copied with
    /// the run it ends.
    #[inline]
    pub fn write_line(&mut self, out: &mut Vec<u8>, event: &Event<'_>) {
        match &event.kind {
            EventKind::Counter(c) if c.position.is_some() => self.positioned_counter(out, event, c, true),
            _ => {
                self.write(out, event);
                out.push(b'\n');
            }
        }
    }

    /// A counter of its own line (netstat -s, nstat): the run from `source` to `value`
    /// (`,"source":"netstat_s","section":"Ip","name":"InReceives","value":`) is copied
    /// when it was made for the same source, section and name (checked byte for byte),
    /// as each capture of a log repeats them.
    fn named_counter(&mut self, out: &mut Vec<u8>, event: &Event<'_>, c: &Counter<'_>) {
        head(out, COUNTER_HEAD, event);
        // A sub-table's counter, or a section and name too long for a run, is written whole.
        let name = match (c.name, c.subtable) {
            (Some(name), None) if c.section.len() + name.len() <= NAMED_MAX_TEXT => name,
            _ => {
                counter_source(out, c);
                return counter_rest(out, c);
            }
        };
        if self.named.is_empty() {
            self.named.resize_with(NAMED_SLOTS, NamedRun::default);
        }
        // `named_slot` is below NAMED_SLOTS, the length just made.
        let run = &mut self.named[named_slot(c.section, name)];
        if run.source != Some(c.source) || !same_bytes(&run.section, c.section) || !same_bytes(&run.name, name) {
            run.source = Some(c.source);
            copy_into(&mut run.section, c.section);
            copy_into(&mut run.name, name);
            run.name_plain = json::is_plain(name);
            run.run.clear();
            counter_source(&mut run.run, c);
            counter_name(&mut run.run, c);
            put(&mut run.run, br#","value":"#);
            run.len = run.run.len();
            run.run.extend_from_slice(&[0; NAMED_RUN_COPY]);
        }
        json::piece_within::<NAMED_RUN_COPY>(out, &run.run, 0, run.len);
        json::i128(out, c.value);
        counter_after_value(out, c, run.name_plain);
    }

    /// A counter of a values line (and a newline, if `newline`): the run it shares with the
    /// line's other counters is kept when the previous counter had the same (checked member
    /// by member), and the runs around its value when its position had the same name
    /// before; the value is written between them in the writer's own line, which is then
    /// copied out in one piece.
    #[inline]
    fn positioned_counter(&mut self, out: &mut Vec<u8>, event: &Event<'_>, c: &Counter<'_>, newline: bool) {
        if c.section.len() > SHARED_WINDOW {
            // Nothing made for a section that long: memory stays bounded.
            return counter_alone(out, event, newline);
        }
        let key = SharedKey { line: event.at.line, offset: event.at.offset, capture: event.capture, source: c.source };
        if self.shared_of != Some(key) || !same_bytes(&self.shared_section, c.section) {
            self.new_shared_run(event, c, key);
        }
        // The runs are for a counter whose text is its name, at a position, with nothing
        // else (no subtable, no rate), and a value that is a `u64`.
        let (Some(name), Some(position), None, None, Ok(value)) =
            (c.name, c.position, c.subtable, c.rate, u64::try_from(c.value))
        else {
            return self.counter_by_members(out, c, newline);
        };
        let same_text = name.as_ptr() == c.text.as_ptr() && name.len() == c.text.len();
        let slot = position as usize;
        let Some(SectionRuns { header, by_position, .. }) =
            self.section_runs.and_then(|s| self.sections.get_mut(s)).filter(|_| same_text)
        else {
            return self.counter_by_members(out, c, newline);
        };
        let Some(runs) = runs_at(by_position, slot) else {
            return self.counter_by_members(out, c, newline);
        };
        // (Runs never made do not fit, whatever the name.)
        if !runs.fits || !same_bytes(&runs.name, name) {
            // Made for this counter alone: the section's runs are no longer those of a
            // names line's words.
            *header = None;
            runs.make(&mut self.making, name, position);
            if !runs.fits {
                return self.counter_by_members(out, c, newline);
            }
        }
        let shared_len = self.shared_len;
        let Some(room) = self.line.get_mut(shared_len..).and_then(|r| <&mut [u8; COUNTER_ROOM]>::try_from(r).ok())
        else {
            return self.counter_by_members(out, c, newline);
        };
        room[..RUN_WINDOW].copy_from_slice(&runs.before);
        let at = runs.before_len.min(RUN_WINDOW);
        let Some(digits) = room.get_mut(at..).and_then(|r| r.first_chunk_mut::<24>()) else {
            return self.counter_by_members(out, c, newline);
        };
        let at = at + json::uint_into(digits, value).min(24);
        room[at..at + RUN_WINDOW].copy_from_slice(&runs.after);
        let end = shared_len + at + runs.after_len.min(RUN_WINDOW - 1) + usize::from(newline);
        out.extend_from_slice(self.line.get(..end).unwrap_or_default());
    }

    /// The shared run of a counter of a new values line (`key` and `c`'s section): made
    /// at the start of the writer's line, and the runs of its section's positions found.
    #[cold]
    fn new_shared_run(&mut self, event: &Event<'_>, c: &Counter<'_>, key: SharedKey) {
        self.line.clear();
        head(&mut self.line, COUNTER_HEAD, event);
        counter_source(&mut self.line, c);
        self.shared_len = self.line.len();
        self.line.resize(self.shared_len + COUNTER_ROOM, 0);
        copy_into(&mut self.shared_section, c.section);
        self.shared_of = Some(key);
        self.section_runs = self.find_section(c.source, c.section);
    }

    /// A counter of a values line whose runs are not remembered: its shared run, then the
    /// rest member by member.
    #[cold]
    fn counter_by_members(&self, out: &mut Vec<u8>, c: &Counter<'_>, newline: bool) {
        out.extend_from_slice(self.line.get(..self.shared_len).unwrap_or_default());
        counter_rest(out, c);
        if newline {
            out.push(b'\n');
        }
    }

    /// The runs of `section`'s positions: found, or made while fewer than
    /// [`MAX_SECTIONS`] are remembered.
    fn find_section(&mut self, source: CounterSource, section: &[u8]) -> Option<usize> {
        if let Some(i) = self.sections.iter().position(|s| s.source == Some(source) && s.section == section) {
            return Some(i);
        }
        if self.sections.len() >= MAX_SECTIONS {
            return None;
        }
        self.sections.push(SectionRuns {
            source: Some(source),
            section: section.to_vec(),
            header: None,
            by_position: Vec::new(),
        });
        Some(self.sections.len() - 1)
    }

    /// Append the counters of a values line as JSON Lines: the bytes [`EventWriter::write_line`]
    /// writes for each of them (what `netsift events` writes). The run they share is made
    /// once for the line; the runs around each value (`","name":"N","value":` and
    /// `,"text":"N","position":P}`) are kept by section and position while the section's
    /// names line stays the same, byte for byte, so that each counter is three copies and
    /// its value's digits (copied from the line when it has them as the kernel writes
    /// them), put together in the writer's own buffer and copied out a few kilobytes at a
    /// time. `spill` is given `out` after each such copy (to hand it on: what one line
    /// writes is bounded by it, not by the line).
    pub fn write_counter_lines(
        &mut self,
        out: &mut Vec<u8>,
        counters: CounterLine<'_, '_>,
        mut spill: impl FnMut(&mut Vec<u8>),
    ) {
        let event = *counters.event();
        let section = match &event.kind {
            EventKind::Counter(c) => self.start_counter_lines(&event, c, counters.names_line()),
            _ => None,
        };
        let Some(runs) = section.and_then(|s| self.sections.get_mut(s)) else {
            return counters.each(|ev| {
                self.write_line(out, ev);
                spill(out);
            });
        };
        let EventWriter { lines, making, shared_window, shared_window_len, .. } = self;
        let shared = (&*shared_window, (*shared_window_len).min(SHARED_WINDOW));
        let by_position = &mut runs.by_position;
        let mut filled = 0;
        counters.each_text(|position, name, value| {
            if filled > LINES_ROOM - COUNTER_MAX {
                out.extend_from_slice(lines.get(..filled).unwrap_or_default());
                filled = 0;
                spill(out);
            }
            let room =
                lines.get_mut(filled..filled + COUNTER_MAX).and_then(|r| <&mut [u8; COUNTER_MAX]>::try_from(r).ok());
            let made = match (fitting_runs(by_position, making, position, name), room) {
                (Some(runs), Some(room)) => counter_line_into(room, shared, runs, value),
                _ => None,
            };
            match made {
                Some(len) => filled += len,
                None => {
                    // Written as `write_event` writes it, after the lines before it.
                    out.extend_from_slice(lines.get(..filled).unwrap_or_default());
                    filled = 0;
                    lone_counter_line(out, event, position, name, value.value());
                    spill(out);
                }
            }
        });
        out.extend_from_slice(lines.get(..filled).unwrap_or_default());
        spill(out);
    }

    /// Before the counters of a values line (`c`, the line's counter event, and the names
    /// line): its shared run made into `shared_window`, and the runs of its section found
    /// (which of `sections`), kept only if they were made for this names line. `None` when
    /// the line's counters cannot be written from runs (a section or shared run longer
    /// than its window, a names line longer than [`MAX_HEADER`], too many sections).
    ///
    /// The one-by-one path's state (`shared_of`, `section_runs`, `line`) is left as it was:
    /// it still describes the last counter given alone.
    fn start_counter_lines(&mut self, event: &Event<'_>, c: &Counter<'_>, names_line: &[u8]) -> Option<usize> {
        if c.section.len() > SHARED_WINDOW || names_line.len() > MAX_HEADER {
            return None;
        }
        self.making.clear();
        head(&mut self.making, COUNTER_HEAD, event);
        counter_source(&mut self.making, c);
        self.shared_window_len = self.making.len();
        if !keep_in_window(&mut self.shared_window, &self.making) {
            return None;
        }
        if self.lines.len() < LINES_ROOM {
            self.lines.resize(LINES_ROOM, 0);
        }
        let section = self.find_section(c.source, c.section)?;
        let runs = self.sections.get_mut(section)?;
        if runs.header.as_deref() != Some(names_line) {
            // Another names line: no run is taken for one of its words until made again.
            runs.by_position.iter_mut().for_each(|r| r.fits = false);
            copy_into(runs.header.get_or_insert_with(Vec::new), names_line);
        }
        Some(section)
    }

    /// What the writer keeps between events, in bytes (its buffers' capacities and the
    /// runs and tails it remembers): at most [`REMEMBERED_MAX`].
    pub fn remembered(&self) -> usize {
        use std::mem::size_of;
        let vec = |v: &Vec<u8>| v.capacity();
        let sections: usize = self
            .sections
            .iter()
            .map(|s| {
                vec(&s.section)
                    + s.header.as_ref().map_or(0, vec)
                    + s.by_position.capacity() * size_of::<ValueRuns>()
                    + s.by_position.iter().map(|r| vec(&r.name)).sum::<usize>()
            })
            .sum();
        let named: usize = self.named.iter().map(|r| vec(&r.section) + vec(&r.name) + vec(&r.run)).sum();
        let tails: usize =
            self.section_tails.iter().map(|t| vec(&t.name) + t.header.as_ref().map_or(0, vec) + vec(&t.tail)).sum();
        size_of::<Self>()
            + vec(&self.line)
            + vec(&self.making)
            + vec(&self.lines)
            + vec(&self.shared_section)
            + self.sections.capacity() * size_of::<SectionRuns>()
            + sections
            + self.named.capacity() * size_of::<NamedRun>()
            + named
            + self.section_tails.capacity() * size_of::<SectionTail>()
            + tails
    }
}

/// One counter line put together at the start of `room`: the values line's shared run
/// (`shared`: its window and length), the run before the value, the value's digits and
/// the run after it with the newline, each copied as its whole window over what comes
/// after it. Its length; `None` for a value that is not a `u64` (written member by member).
#[inline(always)]
fn counter_line_into(
    room: &mut [u8; COUNTER_MAX],
    (shared, shared_len): (&[u8; SHARED_WINDOW], usize),
    runs: &ValueRuns,
    value: PlainValue,
) -> Option<usize> {
    room[..SHARED_WINDOW].copy_from_slice(shared);
    let at = shared_len.min(SHARED_WINDOW);
    room[at..at + RUN_WINDOW].copy_from_slice(&runs.before);
    let at = at + runs.before_len.min(RUN_WINDOW);
    let digits = match value {
        PlainValue::Digits { text, len } => {
            room[at..at + 16].copy_from_slice(&text);
            len.min(16)
        }
        PlainValue::Number(n) => {
            let window = <&mut [u8; 24]>::try_from(&mut room[at..at + 24]).ok()?;
            json::uint_into(window, u64::try_from(n).ok()?).min(24)
        }
    };
    let at = at + digits;
    room[at..at + RUN_WINDOW].copy_from_slice(&runs.after);
    Some(at + runs.after_len.min(RUN_WINDOW - 1) + 1)
}

/// A counter written as [`write_event`] writes it (and a newline, if `newline`).
#[cold]
fn counter_alone(out: &mut Vec<u8>, event: &Event<'_>, newline: bool) {
    write_event(out, event);
    if newline {
        out.push(b'\n');
    }
}

/// The runs of `position` (from 1) in `by_position`, made empty when first asked for;
/// `None` past [`MAX_POSITIONS`].
#[inline]
fn runs_at(by_position: &mut Vec<ValueRuns>, position: usize) -> Option<&mut ValueRuns> {
    if position == 0 || position > MAX_POSITIONS {
        return None;
    }
    if by_position.len() < position {
        // Grown as a vector grows, but never past MAX_POSITIONS (the bound on what the
        // writer keeps is on capacities).
        let room = position.max(by_position.capacity().saturating_mul(2)).min(MAX_POSITIONS);
        by_position.reserve_exact(room - by_position.len());
        by_position.resize_with(position, ValueRuns::default);
    }
    by_position.get_mut(position - 1)
}

/// The runs of the counter at `position` of a names line whose runs `by_position` holds,
/// `name` being its word there: those kept, or made now; `None` when they do not fit
/// their windows (or the position is past [`MAX_POSITIONS`]).
#[inline(always)]
fn fitting_runs<'r>(
    by_position: &'r mut Vec<ValueRuns>,
    making: &mut Vec<u8>,
    position: usize,
    name: &[u8],
) -> Option<&'r ValueRuns> {
    match position.checked_sub(1).and_then(|i| by_position.get(i)) {
        Some(run) if run.fits => by_position.get(position - 1),
        _ => {
            let run = runs_at(by_position, position)?;
            run.make(making, name, u32::try_from(position).ok()?);
            run.fits.then_some(&*run)
        }
    }
}

/// A counter of a values line written as [`write_event`] writes it, and a newline: the
/// one at `position`, named `name`, of the line's counter event `line`.
#[cold]
fn lone_counter_line(out: &mut Vec<u8>, line: Event<'_>, position: usize, name: &[u8], value: i128) {
    let mut event = line;
    if let EventKind::Counter(c) = &mut event.kind {
        c.name = Some(name);
        c.text = name;
        c.value = value;
        c.position = u32::try_from(position).ok();
    }
    write_event(out, &event);
    out.push(b'\n');
}

impl ValueRuns {
    /// Make the runs around the value of the counter `name` at `position` (in `making`),
    /// and keep them in their windows if they fit.
    fn make(&mut self, making: &mut Vec<u8>, name: &[u8], position: u32) {
        self.fits = false;
        if name.len() > RUN_WINDOW {
            // Its runs could not fit: nothing is kept (memory stays bounded).
            self.name.clear();
            return;
        }
        copy_into(&mut self.name, name);
        making.clear();
        put(making, br#"","name":""#);
        json::string_body(making, name);
        put(making, br#"","value":"#);
        let before_fits = keep_in_window(&mut self.before, making);
        self.before_len = making.len();
        making.clear();
        put(making, br#","text":""#);
        json::string_body(making, name);
        put(making, br#"","position":"#);
        json::uint(making, u64::from(position));
        put(making, b"}\n");
        let after_fits = keep_in_window(&mut self.after, making);
        self.after_len = making.len() - 1;
        self.fits = before_fits && after_fits;
    }
}

/// Make `buf` a copy of `bytes`, its capacity never more than the longest copy (not
/// twice it, as a vector grows): the bound on what a writer keeps is on capacities.
fn copy_into(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.clear();
    buf.reserve_exact(bytes.len());
    buf.extend_from_slice(bytes);
}

/// Copy `run` to the start of `window` if it fits (whether it did).
fn keep_in_window(window: &mut [u8], run: &[u8]) -> bool {
    match window.get_mut(..run.len()) {
        Some(start) => {
            start.copy_from_slice(run);
            true
        }
        None => false,
    }
}

/// Append a constant run of JSON (punctuation and member names): one copy of a length
/// known when compiled.
#[inline(always)]
pub(super) fn put(out: &mut Vec<u8>, run: &'static [u8]) {
    out.extend_from_slice(run);
}

/// A member whose number may be missing: `member` (`,"recv_q":`), then the number or `null`.
#[inline(always)]
pub(super) fn uint_member(out: &mut Vec<u8>, member: &'static [u8], value: Option<u64>) {
    put(out, member);
    match value {
        Some(n) => json::uint(out, n),
        None => put(out, b"null"),
    }
}

/// `{"kind":"…","line":N,"offset":N,"capture":N`: the members every event starts with.
#[inline(always)]
fn head(out: &mut Vec<u8>, kind_head: &'static str, event: &Event<'_>) {
    out.extend_from_slice(kind_head.as_bytes());
    json::uint(out, event.at.line);
    put(out, br#","offset":"#);
    json::uint(out, event.at.offset);
    put(out, br#","capture":"#);
    json::uint(out, u64::from(event.capture));
}

/// True when `inner` lies inside `outer` (by address): a field of a line whose plainness
/// is known from the line's.
#[inline]
fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (i, o) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    i >= o && i + inner.len() <= o + outer.len()
}

/// The head of a counter.
const COUNTER_HEAD: &str = HEADS[4];

/// `{"kind":"…","line":` for each kind, in the order of [`EventKind::NAMES`].
pub(super) const HEADS: [&str; 9] = [
    r#"{"kind":"section","line":"#,
    r#"{"kind":"inet_conn","line":"#,
    r#"{"kind":"unix_socket","line":"#,
    r#"{"kind":"ss_socket","line":"#,
    r#"{"kind":"counter","line":"#,
    r#"{"kind":"interface","line":"#,
    r#"{"kind":"membership","line":"#,
    r#"{"kind":"notice","line":"#,
    r#"{"kind":"malformed","line":"#,
];

fn section(o: &mut Object<'_>, s: &Section<'_>) {
    o.word(key!("table"), s.table.name());
    match s.netstat_title().and_then(|t| t.c_text()) {
        Some(t) => o.str(key!("title"), t),
        None => o.null(key!("title")),
    }
    o.word(key!("lang"), s.lang.code());
    if !s.name.is_empty() {
        o.bytes(key!("name"), s.name);
    }
    match s.header {
        Some(h) => o.bytes(key!("header"), h),
        None => o.null(key!("header")),
    }
    write_columns(o.member(key!("columns")), s.columns);
}

/// The names of the columns a header announced, as the C tools print them, as a JSON array.
fn write_columns(out: &mut Vec<u8>, columns: Columns) {
    use netsift_grammar::{netstat::InetCol, netstat::UnixCol, netstat_i::IfaceCol, ss::SsCol};
    match columns {
        Columns::Inet(l) => string_list(out, InetCol::present(l).map(InetCol::c_name)),
        Columns::Unix(l) => string_list(
            out,
            UnixCol::ALL.into_iter().filter(|&c| l.program || c != UnixCol::Program).map(UnixCol::c_name),
        ),
        Columns::Interfaces(l) => string_list(
            out,
            IfaceCol::ALL.into_iter().filter(|&c| l.metric || c != IfaceCol::Met).map(IfaceCol::c_name),
        ),
        Columns::Memberships => string_list(out, ["Interface", "RefCnt", "Group"]),
        Columns::Ss(c) => {
            let shown = |col: &SsCol| match col {
                SsCol::Netid => c.netid,
                SsCol::State => c.state,
                SsCol::RecvQ | SsCol::SendQ => c.queues,
                _ => true,
            };
            string_list(out, SsCol::ALL.into_iter().filter(shown).map(SsCol::c_name))
        }
        Columns::Counters | Columns::Other => string_list(out, []),
        Columns::ProcNetDev(l) => string_list(out, std::iter::once("face").chain(l.columns().iter().map(|c| c.name()))),
    }
}

/// A JSON array of strings.
pub(super) fn string_list<'s>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'s str>) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json::string(out, item.as_bytes());
    }
    out.push(b']');
}

/// `{"address":"…","family":"ipv4"` or `"ipv6"`: an endpoint object opened with an IP
/// address (its other members follow).
#[inline]
pub(super) fn open_ip_address(out: &mut Vec<u8>, ip: std::net::IpAddr) {
    put(out, br#"{"address":"#);
    json::ip(out, ip);
    if ip.is_ipv4() {
        put(out, br#","family":"ipv4""#);
    } else {
        put(out, br#","family":"ipv6""#);
    }
}

/// `{"address":"…` and `family` (`family_run` is `","family":"…"`, closing the address):
/// an endpoint object opened with an address printed as text.
#[inline]
pub(super) fn open_address(out: &mut Vec<u8>, text: &[u8], family_run: &'static [u8]) {
    put(out, br#"{"address":""#);
    json::string_body(out, text);
    put(out, family_run);
}

/// An endpoint of a netstat row as an object: `address`, `family`, `port`, and
/// `maybe_truncated` when netstat may have cut the address.
fn endpoint(out: &mut Vec<u8>, e: &Endpoint<'_>) {
    match e.host {
        Host::Ip(ip) => open_ip_address(out, ip),
        Host::Any => put(out, br#"{"address":"*","family":"any""#),
        Host::Name(n) => open_address(out, n.as_bytes(), br#"","family":"name""#),
        Host::Truncated(t) => open_address(out, t.as_bytes(), br#"","family":"truncated""#),
    }
    match e.port {
        Port::Number(n) => {
            put(out, br#","port":"#);
            json::uint(out, u64::from(n));
        }
        Port::Any => put(out, br#","port":"*""#),
        Port::Name(n) => {
            put(out, br#","port":""#);
            json::string_body(out, n.as_bytes());
            put(out, br#"""#);
        }
    }
    if e.maybe_truncated {
        put(out, br#","maybe_truncated":true"#);
    }
    out.push(b'}');
}

/// `pid` and `program` (and `owner_text` for anything else printed there); nothing
/// without the column.
fn owner(out: &mut Vec<u8>, owner: Option<Owner<'_>>) {
    match owner {
        None => {}
        Some(Owner::Hidden) => put(out, br#","pid":null,"program":null"#),
        Some(Owner::Process { pid, name }) => {
            put(out, br#","pid":"#);
            json::uint(out, u64::from(pid));
            put(out, br#","program":""#);
            json::string_body(out, name);
            put(out, br#"""#);
        }
        Some(Owner::Other(text)) => {
            put(out, br#","pid":null,"program":null,"owner_text":""#);
            json::string_body(out, text);
            put(out, br#"""#);
        }
    }
}

/// A signed number (the same text as `itoa`'s).
#[inline]
fn int64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    json::uint(out, n.unsigned_abs());
}

/// The `timer` object of a netstat row (`-o`). The common kinds are written directly;
/// `unkn-N` and untranslated words through [`timer`].
fn fast_timer(out: &mut Vec<u8>, t: &Timer<'_>) {
    match t.kind {
        TimerKind::Off => put(out, br#"{"kind":"off""#),
        TimerKind::On => put(out, br#"{"kind":"on""#),
        TimerKind::On1 => put(out, br#"{"kind":"on1""#),
        TimerKind::On2 => put(out, br#"{"kind":"on2""#),
        TimerKind::Keepalive => put(out, br#"{"kind":"keepalive""#),
        TimerKind::TimeWait => put(out, br#"{"kind":"timewait""#),
        TimerKind::Probe => put(out, br#"{"kind":"probe""#),
        TimerKind::Other | TimerKind::Unknown(_) => return timer(out, t),
    }
    put(out, br#","expires_ms":"#);
    int64(out, t.expires_ms);
    put(out, br#","retransmits":"#);
    json::uint(out, t.retransmits);
    put(out, br#","probes":"#);
    json::uint(out, t.probes);
    out.push(b'}');
}

/// The `timer` object of a netstat row, through [`Object`].
pub(super) fn timer(out: &mut Vec<u8>, t: &Timer<'_>) {
    let mut o = Object::new(out);
    let word = match t.kind {
        TimerKind::Off => "off",
        TimerKind::On => "on",
        TimerKind::On1 => "on1",
        TimerKind::On2 => "on2",
        TimerKind::Keepalive => "keepalive",
        TimerKind::TimeWait => "timewait",
        TimerKind::Probe => "probe",
        TimerKind::Other => "other",
        TimerKind::Unknown(_) => "",
    };
    match t.kind {
        TimerKind::Unknown(n) => o.display(key!("kind"), format_args!("unkn-{n}")),
        _ => o.word(key!("kind"), word),
    }
    if t.kind == TimerKind::Other {
        o.bytes(key!("word"), t.word);
    }
    o.int(key!("expires_ms"), t.expires_ms);
    o.uint(key!("retransmits"), t.retransmits);
    o.uint(key!("probes"), t.probes);
    o.end();
}

/// The members of an `inet_conn` event after the head, and its closing brace.
fn inet_conn(out: &mut Vec<u8>, c: &InetConn<'_>) {
    match c.proto {
        // A kernel table read without its file's name: the protocol is not written anywhere.
        Proto::Unknown => put(out, br#","proto":null"#),
        p => {
            put(out, br#","proto":""#);
            out.extend_from_slice(p.as_str().as_bytes());
            put(out, br#"""#);
        }
    }
    uint_member(out, br#","recv_q":"#, c.recv_q);
    uint_member(out, br#","send_q":"#, c.send_q);
    put(out, br#","local":"#);
    endpoint(out, &c.local);
    match &c.foreign {
        Some(f) => {
            put(out, br#","foreign":"#);
            endpoint(out, f);
        }
        None => put(out, br#","foreign":null"#),
    }
    match c.state {
        InetState::Empty => put(out, br#","state":null"#),
        InetState::Known(s) => {
            put(out, br#","state":""#);
            out.extend_from_slice(s.as_str().as_bytes());
            put(out, br#"""#);
        }
        InetState::Kernel(n) => {
            put(out, br#","state":"#);
            json::uint(out, u64::from(n));
        }
        InetState::Other(w) => {
            put(out, br#","state":""#);
            json::string_body(out, w);
            put(out, br#"""#);
        }
    }
    match c.user {
        None => {}
        Some(User::Uid(uid)) => {
            put(out, br#","user":"#);
            json::uint(out, u64::from(uid));
        }
        Some(User::Name(n)) => {
            put(out, br#","user":""#);
            json::string_body(out, n);
            put(out, br#"""#);
        }
    }
    if let Some(inode) = c.inode {
        put(out, br#","inode":"#);
        json::uint(out, inode);
    }
    owner(out, c.owner);
    if let Some(t) = &c.timer {
        put(out, br#","timer":"#);
        fast_timer(out, t);
    }
    if let Some(k) = &c.kernel {
        put(out, br#","kernel":"#);
        kernel_inet(out, k);
    }
    // A plain line has no newline; one that is not may be a multi-homed sctp row, whose
    // continuation lines hold its further addresses.
    let plain = json::is_plain(c.line);
    if !plain && memchr::memchr(b'\n', c.line).is_some() {
        more_addresses(&mut Object::after_members(out), c);
    }
    put(out, br#","raw":""#);
    if plain {
        out.extend_from_slice(c.line);
    } else {
        json::string_body(out, c.line);
    }
    put(out, br#""}"#);
}

/// `more_addresses` of a multi-homed sctp row: a `{"local", "foreign"}` per continuation line.
pub(super) fn more_addresses(o: &mut Object<'_>, c: &InetConn<'_>) {
    let list = o.member(key!("more_addresses"));
    list.push(b'[');
    for (i, (local, foreign)) in netsift_grammar::netstat::more_addresses(c).enumerate() {
        if i > 0 {
            list.push(b',');
        }
        let mut a = Object::new(list);
        match local {
            Some(l) => a.bytes(key!("local"), l),
            None => a.null(key!("local")),
        }
        match foreign {
            Some(f) => a.bytes(key!("foreign"), f),
            None => a.null(key!("foreign")),
        }
        a.end();
    }
    list.push(b']');
}

/// The fields of a `/proc/net/{tcp,udp,…}` row that netstat does not print.
pub(super) fn kernel_inet(out: &mut Vec<u8>, k: &KernelInet) {
    let mut o = Object::new(out);
    o.uint(key!("slot"), k.slot);
    o.uint(key!("state_code"), u64::from(k.state_code));
    o.uint(key!("timer_code"), u64::from(k.timer_code));
    o.int(key!("when_ticks"), k.when_ticks);
    o.uint(key!("retransmits"), k.retransmits);
    o.uint(key!("timeout"), k.timeout);
    match k.refcount {
        Some(r) => o.uint(key!("refcount"), r),
        None => o.null(key!("refcount")),
    }
    // A kernel address as the kernel prints it: a 64-bit number is not exact in JSON readers.
    match k.pointer {
        Some(p) => o.display(key!("pointer"), format_args!("{p:016x}")),
        None => o.null(key!("pointer")),
    }
    match k.extra {
        KernelExtra::None => {}
        KernelExtra::Tcp { rto, ato, quick_pingpong, cwnd, ssthresh } => {
            o.uint(key!("rto"), rto);
            o.uint(key!("ato"), ato);
            o.uint(key!("quick_pingpong"), quick_pingpong);
            o.uint(key!("cwnd"), cwnd);
            o.int(key!("ssthresh"), ssthresh);
        }
        KernelExtra::Dgram { drops } => o.uint(key!("drops"), drops),
    }
    o.end();
}

/// The members of a `unix_socket` event after the head, and its closing brace.
fn unix_socket(out: &mut Vec<u8>, u: &UnixSocket<'_>) {
    put(out, br#","refcnt":"#);
    json::uint(out, u.refcnt);
    let flags = [(u.flags.accepting, "ACC"), (u.flags.wait_data, "W"), (u.flags.no_space, "N")];
    put(out, br#","flags":"#);
    string_list(out, flags.into_iter().filter(|(set, _)| *set).map(|(_, name)| name));
    put(out, br#","type":""#);
    json::string_body(out, u.sock_type.word());
    match u.state.word() {
        Some(s) => {
            put(out, br#"","state":""#);
            json::string_body(out, s);
            put(out, br#"""#);
        }
        None => put(out, br#"","state":null"#),
    }
    uint_member(out, br#","inode":"#, u.inode);
    owner(out, u.owner);
    put(out, br#","path":""#);
    json::string_body(out, u.path);
    put(out, br#"""#);
    if let Some(k) = &u.kernel {
        put(out, br#","kernel":"#);
        unix_kernel(out, k);
    }
    put(out, br#","raw":""#);
    json::long_string_body(out, u.line);
    put(out, br#""}"#);
}

/// The fields of a `/proc/net/unix` row that netstat does not print.
pub(super) fn unix_kernel(out: &mut Vec<u8>, k: &KernelUnix) {
    let mut ko = Object::new(out);
    ko.display(key!("pointer"), format_args!("{:016x}", k.pointer));
    ko.uint(key!("protocol"), k.protocol);
    ko.uint(key!("flags"), k.flags);
    ko.uint(key!("type_code"), k.type_code);
    ko.uint(key!("state_code"), k.state_code);
    ko.end();
}

/// The first members of a counter after the head, those the counters of one values line
/// share: `source` and `section` (without its closing quote).
#[inline]
fn counter_source(out: &mut Vec<u8>, c: &Counter<'_>) {
    match c.source {
        CounterSource::NetstatS => put(out, br#","source":"netstat_s","section":""#),
        CounterSource::Proc => put(out, br#","source":"proc","section":""#),
        CounterSource::Nstat => put(out, br#","source":"nstat","section":""#),
        CounterSource::Snmp6 => put(out, br#","source":"snmp6","section":""#),
        CounterSource::Sockstat => put(out, br#","source":"sockstat","section":""#),
    }
    json::string_body(out, c.section);
}

/// The other members of a counter: `name`, `subtable`, `value`, `text`, `position` or `raw`,
/// `rate`; then the closing brace.
#[inline]
fn counter_rest(out: &mut Vec<u8>, c: &Counter<'_>) {
    let name_plain = counter_name(out, c);
    // Values beyond 2^53 stay exact: JSON numbers are text, and netsift writes every digit.
    put(out, br#","value":"#);
    json::i128(out, c.value);
    counter_after_value(out, c, name_plain);
}

/// A counter's `name` (closing the section's string) and `subtable`; whether the name is
/// written as it is.
#[inline]
fn counter_name(out: &mut Vec<u8>, c: &Counter<'_>) -> bool {
    // The name is often the text itself (/proc, nstat), and the text part of the line
    // (netstat -s): each is looked at for escaping once.
    let mut name_plain = false;
    match c.name {
        Some(n) => {
            put(out, br#"","name":""#);
            name_plain = json::is_plain(n);
            if name_plain {
                out.extend_from_slice(n);
            } else {
                json::string_body(out, n);
            }
            put(out, br#"""#);
        }
        None => put(out, br#"","name":null"#),
    }
    if let Some(t) = c.subtable {
        put(out, br#","subtable":""#);
        json::string_body(out, t);
        put(out, br#"""#);
    }
    name_plain
}

/// The members of a counter after its value (`name_plain`: whether its name was written
/// as it is), and the closing brace.
#[inline]
fn counter_after_value(out: &mut Vec<u8>, c: &Counter<'_>, name_plain: bool) {
    put(out, br#","text":""#);
    let line_plain = c.position.is_none() && json::is_plain(c.line);
    let same_as_name = c.name.is_some_and(|n| n.as_ptr() == c.text.as_ptr() && n.len() == c.text.len());
    if (name_plain && same_as_name) || (line_plain && within(c.text, c.line)) {
        out.extend_from_slice(c.text);
    } else {
        json::string_body(out, c.text);
    }
    // A /proc values line holds every counter of its section: its position says which
    // value this is, where repeating the line for each counter would multiply the output.
    match c.position {
        Some(p) => {
            put(out, br#"","position":"#);
            json::uint(out, u64::from(p));
        }
        None => {
            put(out, br#"","raw":""#);
            if line_plain {
                out.extend_from_slice(c.line);
            } else {
                json::string_body(out, c.line);
            }
            put(out, br#"""#);
        }
    }
    if let Some(rate) = c.rate {
        put(out, br#","rate":"#);
        json::float(out, rate);
    }
    put(out, b"}");
}

fn interface(o: &mut Object<'_>, i: &Interface<'_>) {
    o.bytes(key!("iface"), i.iface);
    match i.mtu {
        Some(mtu) => o.uint(key!("mtu"), mtu),
        None => o.null(key!("mtu")),
    }
    if let Some(m) = i.metric {
        o.uint(key!("metric"), m);
    }
    match &i.stats {
        Some(st) => {
            for (name, v) in [
                (key!("rx_ok"), st.rx_ok),
                (key!("rx_err"), st.rx_err),
                (key!("rx_drp"), st.rx_drp),
                (key!("rx_ovr"), st.rx_ovr),
                (key!("tx_ok"), st.tx_ok),
                (key!("tx_err"), st.tx_err),
                (key!("tx_drp"), st.tx_drp),
                (key!("tx_ovr"), st.tx_ovr),
            ] {
                o.uint(name, v);
            }
        }
        None => o.null(key!("stats")),
    }
    // /proc/net/dev's counters beyond netstat -i's eight.
    if let Some(dev) = &i.dev {
        for (name, v) in [
            (key!("rx_bytes"), dev.rx_bytes),
            (key!("rx_frame"), dev.rx_frame),
            (key!("rx_compressed"), dev.rx_compressed),
            (key!("rx_multicast"), dev.rx_multicast),
            (key!("tx_bytes"), dev.tx_bytes),
            (key!("tx_colls"), dev.tx_colls),
            (key!("tx_carrier"), dev.tx_carrier),
            (key!("tx_compressed"), dev.tx_compressed),
        ] {
            match v {
                Some(v) => o.uint(name, v),
                None => o.null(name),
            }
        }
    }
    match i.flags {
        Some(flags) => {
            let list = o.member(key!("flags"));
            list.push(b'[');
            for (k, name) in flags.names().enumerate() {
                if k > 0 {
                    list.push(b',');
                }
                json::string(list, name.as_bytes());
            }
            list.push(b']');
        }
        None => o.null(key!("flags")),
    }
    o.bytes(key!("flags_text"), i.flags_text);
    o.bytes(key!("raw"), i.line);
}

fn membership(o: &mut Object<'_>, m: &Membership<'_>) {
    o.bytes(key!("interface"), m.interface);
    o.uint(key!("refcnt"), m.refcnt);
    match m.group {
        Group::Ip(ip) => {
            o.ip(key!("group"), ip);
            o.word(key!("family"), if ip.is_ipv4() { "ipv4" } else { "ipv6" });
        }
        Group::Name(n) => {
            o.bytes(key!("group"), n);
            o.word(key!("family"), "name");
        }
    }
    o.bytes(key!("raw"), m.line);
}

fn notice(o: &mut Object<'_>, n: &Notice<'_>) {
    o.word(key!("notice"), n.kind.name());
    o.bytes(key!("text"), n.text);
}

fn malformed(o: &mut Object<'_>, m: &Malformed<'_>) {
    o.uint(key!("column"), m.column() as u64);
    o.str(key!("reason"), &m.reason());
    o.bytes(key!("raw"), m.raw);
}

#[cfg(test)]
mod tests {
    use super::{same_bytes, write_event, EventKind, EventWriter, HEADS, NAMED_RUNS_MAX, REMEMBERED_MAX};
    use crate::push::{CounterLine, Sink};
    use crate::{Event, Format, PushParser};

    /// Each event written as a line, a values line's counters given together (as `netsift
    /// events` writes them).
    struct Together(EventWriter, Vec<u8>);

    impl Sink for Together {
        fn event(&mut self, event: Event<'_>) {
            self.0.write_line(&mut self.1, &event);
        }

        fn counters(&mut self, counters: CounterLine<'_, '_>) {
            self.0.write_counter_lines(&mut self.1, counters, |_| {});
        }
    }

    #[test]
    fn what_a_writer_remembers_stays_bounded_on_hostile_counters() {
        // Many sections (more than are remembered), each with names lines of more names
        // than positions are remembered, names longer than the runs' windows and names to
        // escape, names lines over the longest remembered and just under it, a section
        // prefix longer than the shared run's window, and the names changing capture after
        // capture.
        // Every one of the writer's bounds is needed: without any one of them, what it keeps
        // here goes past REMEMBERED_MAX (sections: 40 of them; positions: 1,000; names
        // lines and section tails: 210 KB lines; names: 700-byte ones).
        let mut log = Vec::new();
        for capture in 0..3 {
            for section in 0..40 {
                let prefix = match section {
                    0 => "P".repeat(200),
                    _ => format!("Section{section}"),
                };
                let count = if section % 4 == 1 { 1000 } else { 300 };
                let names: Vec<String> = (0..count)
                    .map(|i| match (i + capture + section) % 7 {
                        _ if section % 5 == 0 => format!("Huge{}{i}", "h".repeat(700)),
                        0 => format!("Long{}{i}", "x".repeat(60 + section)),
                        1 => format!("Quote\"{i}"),
                        2 if section % 3 == 0 => format!("Wide{}{i}", "w".repeat(40)),
                        _ => format!("N{capture}x{i}"),
                    })
                    .collect();
                log.extend_from_slice(format!("{prefix}: {}\n", names.join(" ")).as_bytes());
                let values: Vec<String> = (0..count as u64).map(|i| (i * 7919 + capture as u64).to_string()).collect();
                log.extend_from_slice(format!("{prefix}: {}\n", values.join(" ")).as_bytes());
            }
        }
        // Written with the counters given one by one, and together, against `write_event`.
        let (mut alone, mut lines, mut reference) = (EventWriter::new(), Vec::new(), Vec::new());
        let mut sink = |ev: Event<'_>| {
            alone.write_line(&mut lines, &ev);
            write_event(&mut reference, &ev);
            reference.push(b'\n');
        };
        let mut parser = PushParser::new(Format::ProcNetstat);
        parser.feed(&log, &mut sink);
        parser.finish(&mut sink);
        let mut together = Together(EventWriter::new(), Vec::new());
        let mut parser = PushParser::new(Format::ProcNetstat);
        parser.feed(&log, &mut together);
        parser.finish(&mut together);
        assert!(lines == reference, "counters one by one: not the bytes of write_event");
        assert!(together.1 == reference, "counters together: not the bytes of write_event");
        assert!(reference.len() > 10 << 20, "{} bytes", reference.len());
        // (No named runs: those are netstat -s and nstat counters'.)
        let bound = REMEMBERED_MAX - NAMED_RUNS_MAX;
        for (writer, how) in [(&alone, "one by one"), (&together.0, "together")] {
            assert!(writer.named.is_empty(), "{how}: named runs made");
            let kept = writer.remembered();
            assert!(kept <= bound, "{how}: {kept} bytes remembered, more than {bound}");
        }
    }

    proptest::proptest! {
        #[test]
        fn same_bytes_is_equality(a in proptest::collection::vec(0u8..3, 0..24), b in proptest::collection::vec(0u8..3, 0..24)) {
            proptest::prop_assert_eq!(same_bytes(&a, &b), a == b);
            proptest::prop_assert!(same_bytes(&a, &a));
        }
    }

    #[test]
    fn heads_name_every_kind() {
        assert_eq!(HEADS.len(), EventKind::NAMES.len());
        for (head, name) in HEADS.iter().zip(EventKind::NAMES) {
            assert_eq!(*head, format!(r#"{{"kind":"{name}","line":"#));
        }
    }
}
