//! The push parser: bytes in, in chunks of any size; typed events out.
//!
//! [`PushParser::feed`] takes whatever chunk the caller has (a 1-byte read, a 1 MiB
//! buffer, a decompressor's output) and calls the sink once per event, in input order.
//! [`PushParser::finish`] flushes the last line. The event stream does not depend on how
//! the input was cut, and memory does not grow with the input: only the unfinished last
//! line is carried between calls, up to a cap.

mod framer;
mod netstat;

pub use framer::{Framed, LineFramer, Position, DEFAULT_LINE_CAP, TOO_LONG_PREFIX};

use crate::events::{Event, EventKind, Malformed, Problem};
use crate::format::Format;

/// Where events go: any `FnMut(Event)`, or a type of your own.
pub trait Sink {
    /// Receive one event. It borrows from the input: copy what you keep.
    fn event(&mut self, event: Event<'_>);
}

impl<F: FnMut(Event<'_>)> Sink for F {
    fn event(&mut self, event: Event<'_>) {
        self(event)
    }
}

/// How the input's lines were accounted for: every line lands in exactly one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineStats {
    /// Lines seen.
    pub lines: u64,
    /// Lines that were table rows.
    pub rows: u64,
    /// Title lines.
    pub titles: u64,
    /// Header lines.
    pub headers: u64,
    /// Lines that were (wholly or partly) notices.
    pub notices: u64,
    /// Empty or blank lines.
    pub blank: u64,
    /// Lines of foreign tables (Bluetooth, IPX…) skipped under their section.
    pub skipped: u64,
    /// Lines that held the rest of a row split by a spliced-in warning.
    pub continuations: u64,
    /// Lines that did not parse.
    pub malformed: u64,
}

/// The push parser. See the module documentation.
#[derive(Debug)]
pub struct PushParser {
    framer: LineFramer,
    machine: netstat::NetstatMachine,
    stats: LineStats,
}

impl PushParser {
    /// A parser for `format` with the default 1 MiB line cap.
    pub fn new(format: Format) -> Self {
        Self::with_line_cap(format, DEFAULT_LINE_CAP)
    }

    /// A parser whose lines may be at most `cap` bytes long; longer lines become
    /// [`Malformed`] events and are skipped without being buffered.
    pub fn with_line_cap(format: Format, cap: usize) -> Self {
        // Every format so far reads netstat connection tables; `auto` recognises them.
        let _ = format;
        PushParser {
            framer: LineFramer::new(cap),
            machine: netstat::NetstatMachine::new(),
            stats: LineStats::default(),
        }
    }

    /// Feed the next chunk of input.
    pub fn feed<S: Sink + ?Sized>(&mut self, chunk: &[u8], sink: &mut S) {
        let PushParser { framer, machine, stats } = self;
        let cap = framer_cap(framer);
        framer.feed(chunk, |framed| dispatch(machine, stats, cap, framed, sink));
    }

    /// Signal the end of input: flushes a last line that has no newline, and anything the
    /// format was holding back.
    pub fn finish<S: Sink + ?Sized>(&mut self, sink: &mut S) {
        let PushParser { framer, machine, stats } = self;
        let cap = framer_cap(framer);
        framer.finish(|framed| dispatch(machine, stats, cap, framed, sink));
        machine.finish(stats, sink);
    }

    /// How the lines seen so far were accounted for.
    pub fn stats(&self) -> LineStats {
        self.stats
    }

    /// The largest the carry-over buffer has been: at most the line cap.
    pub fn carry_high_water(&self) -> usize {
        self.framer.carry_high_water()
    }

    /// Whether any table (section) was recognised so far.
    pub fn saw_table(&self) -> bool {
        self.machine.saw_table()
    }
}

fn framer_cap(framer: &LineFramer) -> usize {
    framer.cap()
}

fn dispatch<S: Sink + ?Sized>(
    machine: &mut netstat::NetstatMachine,
    stats: &mut LineStats,
    cap: usize,
    framed: Framed<'_>,
    sink: &mut S,
) {
    stats.lines += 1;
    match framed {
        Framed::Line(line, at) => machine.line(line, at, stats, sink),
        Framed::TooLong { prefix, length, at } => {
            stats.malformed += 1;
            let problem = Problem::TooLong { length, cap };
            let kind = EventKind::Malformed(Malformed { raw: prefix, problem });
            sink.event(Event { at, capture: machine.capture(), kind });
        }
    }
}
