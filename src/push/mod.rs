//! The push parser: bytes in, in chunks of any size; typed events out.
//!
//! [`PushParser::feed`] takes whatever chunk the caller has (a 1-byte read, a 1 MiB
//! buffer, a decompressor's output) and calls the sink once per event, in input order.
//! [`PushParser::finish`] flushes the last line. The event stream does not depend on how
//! the input was cut, and memory does not grow with the input: only the unfinished last
//! line is carried between calls, up to a cap.

mod auto;
mod framer;
mod netstat;
mod netstat_agn;
mod netstat_i;
mod netstat_s;
mod proc_inet;
mod proc_net;
mod proc_unix;
mod resume;
mod split;
mod ss;
// Issue 13, counters.
mod nstat;
mod proc_net_dev;
mod snmp6;
mod sockstat;

#[doc(hidden)]
pub use auto::auto_skips_only_unclaimed;
pub use framer::{Framed, LineFramer, LineReader, Position, DEFAULT_LINE_CAP, TOO_LONG_PREFIX};
pub(crate) use proc_net::read_pair;
pub use proc_net::CounterLine;
pub use resume::CUT_LINE;
pub use split::{is_table_header, CaptureMarks, CaptureState, TABLE_HEADER_MARK};

use crate::events::{Event, EventKind, Malformed, Problem};
use crate::format::Format;

/// Where events go: any `FnMut(Event)`, or a type of your own.
pub trait Sink {
    /// Receive one event. It borrows from the input: copy what you keep.
    fn event(&mut self, event: Event<'_>);

    /// Receive one event by reference: the same as [`Sink::event`] with a copy of it (what
    /// this default does). A machine that emits many events differing in a few fields (the
    /// counters of a /proc values line) keeps one event and changes only those, and hands
    /// it over here; a sink that only reads the event takes it without the copy.
    #[inline(always)]
    fn event_ref(&mut self, event: &Event<'_>) {
        self.event(*event)
    }

    /// Receive the counters of a /proc values line at once: what this default does, each
    /// lent to [`Sink::event_ref`] in turn, is what a sink gets that does not take them
    /// here. A sink that writes every counter alike (`netsift events`) does the work that
    /// all of the line's counters share once, and then only what changes from one to the
    /// next. Counters it does not take from `counters` are lent to [`Sink::event_ref`]
    /// afterwards, one by one.
    #[inline(always)]
    fn counters(&mut self, counters: CounterLine<'_, '_>) {
        counters.each(|event| self.event_ref(event));
    }

    /// Receive a counter event whose section or name (or both) the machine took from the
    /// grammar's tables rather than from the input: `names` holds those, the same bytes as
    /// the event's, as the `&'static str`s they are (a `netstat -s` sentence the tables
    /// settle). What this default does, the event handed to [`Sink::event`], is what a sink
    /// gets that does not take it here. A sink that keeps events (owned events) keeps those
    /// names as they are, instead of finding out where the event's slices lie.
    #[inline(always)]
    fn counter_named(&mut self, event: Event<'_>, names: StaticNames) {
        let _ = names;
        self.event(event)
    }

    /// Whether this sink reads the values of netstat's table rows ([`EventKind::InetConn`],
    /// [`EventKind::UnixSocket`]). One that only counts them (by kind, position or
    /// capture, as `netsift count` does) says `false`, and is then handed the rows
    /// netstat's hand-written readers read through as [`Sink::row_checked`] instead of as
    /// events: each row is read and checked exactly as strictly (a line that is no row
    /// still comes as the same event, malformed or other), but the values that cannot
    /// fail (an address's value, a program's owner, a path), much of reading a row, are
    /// not computed. A row those readers decline comes as an event all the same.
    #[inline(always)]
    fn reads_rows(&self) -> bool {
        true
    }

    /// A netstat row read and checked in full, at `at` in capture `capture`, for a sink
    /// whose [`Sink::reads_rows`] is `false`: it stands for the event of kind `row` a sink
    /// that reads rows is handed there.
    #[inline(always)]
    fn row_checked(&mut self, at: Position, capture: u32, row: CheckedRow) {
        let _ = (at, capture, row);
    }
}

/// Which of a counter's section and name are the grammar's own table names (see
/// [`Sink::counter_named`]): each, when set, is the event's, the same bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StaticNames {
    /// The counter's section, when it is a table's.
    pub section: Option<&'static str>,
    /// The counter's name, when it is a table's.
    pub name: Option<&'static str>,
}

/// The kind of a row handed to [`Sink::row_checked`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckedRow {
    /// A row of netstat's internet table: an [`EventKind::InetConn`] event.
    Inet,
    /// A row of netstat's unix table: an [`EventKind::UnixSocket`] event.
    Unix,
}

impl CheckedRow {
    /// Where the event it stands for is in [`EventKind::NAMES`] (as [`EventKind::index`]).
    pub fn index(self) -> usize {
        match self {
            CheckedRow::Inet => 1,
            CheckedRow::Unix => 2,
        }
    }
}

impl<F: FnMut(Event<'_>)> Sink for F {
    // Inlined into the machine that builds the event, so that the event is handed to the
    // closure where it was built: called out of line, passing it on copied the whole
    // event (hundreds of bytes) once per event.
    #[inline(always)]
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
#[derive(Debug, Clone)]
pub struct PushParser {
    framer: LineFramer,
    machine: Machine,
    stats: LineStats,
    /// Whether the first line may be cut (see [`PushParser::resume`]).
    front: resume::Front,
}

/// One state machine per format, and the auto-detecting one that routes each section to
/// the machine of its format.
#[derive(Debug, Clone, PartialEq)]
enum Machine {
    Netstat(netstat::NetstatMachine),
    Ss(ss::SsMachine),
    NetstatS(netstat_s::NetstatSMachine),
    ProcNet(proc_net::ProcNetMachine),
    NetstatI(netstat_i::NetstatIMachine),
    NetstatAgn(netstat_agn::NetstatAgnMachine),
    ProcInet(proc_inet::ProcInetMachine),
    ProcUnix(proc_unix::ProcUnixMachine),
    // Issue 13, counters.
    Nstat(nstat::NstatMachine),
    Snmp6(snmp6::Snmp6Machine),
    Sockstat(sockstat::SockstatMachine),
    ProcNetDev(proc_net_dev::ProcNetDevMachine),
    Auto(Box<auto::AutoMachine>),
}

/// Call the same method on whichever machine it is.
macro_rules! each_machine {
    ($machine:expr, $m:ident => $body:expr) => {
        match $machine {
            Machine::Netstat($m) => $body,
            Machine::Ss($m) => $body,
            Machine::NetstatS($m) => $body,
            Machine::ProcNet($m) => $body,
            Machine::NetstatI($m) => $body,
            Machine::NetstatAgn($m) => $body,
            Machine::ProcInet($m) => $body,
            Machine::ProcUnix($m) => $body,
            Machine::Nstat($m) => $body,
            Machine::Snmp6($m) => $body,
            Machine::Sockstat($m) => $body,
            Machine::ProcNetDev($m) => $body,
            Machine::Auto($m) => $body,
        }
    };
}

impl Machine {
    fn new(format: Format) -> Self {
        match format {
            Format::Auto => Machine::Auto(Box::new(auto::AutoMachine::new())),
            Format::Netstat => Machine::Netstat(netstat::NetstatMachine::new()),
            Format::Ss | Format::SsTulpn => Machine::Ss(ss::SsMachine::new()),
            Format::NetstatS => Machine::NetstatS(netstat_s::NetstatSMachine::remembering()),
            Format::ProcNetstat | Format::ProcSnmp => Machine::ProcNet(proc_net::ProcNetMachine::new()),
            Format::NetstatI => Machine::NetstatI(netstat_i::NetstatIMachine::new()),
            Format::NetstatAgn => Machine::NetstatAgn(netstat_agn::NetstatAgnMachine::new()),
            Format::ProcNetInet(proto) => Machine::ProcInet(proc_inet::ProcInetMachine::new(proto)),
            Format::ProcNetUnix => Machine::ProcUnix(proc_unix::ProcUnixMachine::new()),
            Format::Nstat => Machine::Nstat(nstat::NstatMachine::new()),
            Format::ProcSnmp6 => Machine::Snmp6(snmp6::Snmp6Machine::new()),
            Format::Sockstat => Machine::Sockstat(sockstat::SockstatMachine::new()),
            Format::ProcNetDev => Machine::ProcNetDev(proc_net_dev::ProcNetDevMachine::new()),
        }
    }

    fn line<S: Sink + ?Sized>(&mut self, line: &[u8], at: Position, stats: &mut LineStats, sink: &mut S) {
        each_machine!(self, m => m.line(line, at, stats, sink))
    }

    fn finish<S: Sink + ?Sized>(&mut self, stats: &mut LineStats, sink: &mut S) {
        each_machine!(self, m => m.finish(stats, sink))
    }

    fn capture(&self) -> u32 {
        each_machine!(self, m => m.capture())
    }

    /// Emit a row held back for its continuation lines (ss, sctp), before an event that
    /// does not go through the machine.
    fn flush<S: Sink + ?Sized>(&mut self, stats: &mut LineStats, sink: &mut S) {
        match self {
            Machine::Ss(m) => m.finish(stats, sink),
            Machine::Netstat(m) => m.flush_held(stats, sink),
            Machine::Auto(m) => m.flush(stats, sink),
            Machine::ProcUnix(m) => m.flush(sink),
            _ => {}
        }
    }

    fn saw_table(&self) -> bool {
        each_machine!(self, m => m.saw_table())
    }
}

impl PushParser {
    /// A parser for `format` with the default 1 MiB line cap.
    pub fn new(format: Format) -> Self {
        Self::with_line_cap(format, DEFAULT_LINE_CAP)
    }

    /// A parser whose lines may be at most `cap` bytes long; longer lines become
    /// [`Malformed`] events and are skipped without being buffered.
    pub fn with_line_cap(format: Format, cap: usize) -> Self {
        PushParser {
            framer: LineFramer::new(cap),
            machine: Machine::new(format),
            stats: LineStats::default(),
            front: resume::Front::Settled,
        }
    }

    /// A parser for an input whose file's (or archive member's) name is `name`: with
    /// `Format::Auto` and a kernel socket table's name (`tcp6`, `…/proc/net/udp`, see
    /// [`Format::kernel_table`]), a kernel inet table found in it takes its protocol from
    /// the name; without one, its rows say `Proto::Unknown`. Any other format or name is
    /// the same as [`PushParser::new`].
    pub fn named(format: Format, name: &str) -> Self {
        let mut parser = Self::new(format);
        if let (Machine::Auto(auto), Some(Format::ProcNetInet(proto))) =
            (&mut parser.machine, Format::kernel_table(name))
        {
            auto.set_inet_proto(proto);
        }
        parser
    }

    /// A parser for the tail of `format`'s output whose front was cut off, as sosreport
    /// keeps the tail of an oversized command output: the first line may be partial, and
    /// the title and header may be gone. The format comes from what printed the input (a
    /// file's name), so the rows are read without them: netstat rows as those of
    /// `netstat -neopa`, ss rows by sniffing their columns. A partial first line becomes a
    /// [`Malformed`] event expecting [`CUT_LINE`]; a whole one is read as usual, so a
    /// whole input gives the same events as with [`PushParser::new`]. `Format::Auto` has
    /// no table to assume and is the same as `new`.
    pub fn resume(format: Format) -> Self {
        let mut parser = Self::new(format);
        if let Format::Netstat = format {
            parser.machine = Machine::Netstat(netstat::NetstatMachine::resumed());
        }
        if format != Format::Auto {
            parser.front = resume::Front::FirstLine(format);
        }
        parser
    }

    /// Feed the next chunk of input.
    pub fn feed<S: Sink + ?Sized>(&mut self, chunk: &[u8], sink: &mut S) {
        let PushParser { framer, machine, stats, front } = self;
        let cap = framer_cap(framer);
        match machine {
            // The machines that read a line and find its end in one pass (auto through
            // the one of its current format).
            Machine::NetstatS(_) | Machine::Netstat(_) | Machine::Ss(_) | Machine::Auto(_) => {
                framer.feed_to(chunk, &mut Lines { machine, front, stats, cap, sink })
            }
            _ => framer.feed(chunk, |framed| dispatch(machine, front, stats, cap, framed, sink)),
        }
    }

    /// Signal the end of input: flushes a last line that has no newline, and anything the
    /// format was holding back.
    pub fn finish<S: Sink + ?Sized>(&mut self, sink: &mut S) {
        let PushParser { framer, machine, stats, front } = self;
        let cap = framer_cap(framer);
        framer.finish(|framed| dispatch(machine, front, stats, cap, framed, sink));
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

/// The parser's parts as the framer's [`LineReader`]: lines go to [`dispatch`], and a
/// machine that can read a line through (`netstat -s`, netstat's and ss's rows) is
/// offered each line first.
struct Lines<'p, S: ?Sized> {
    machine: &'p mut Machine,
    front: &'p mut resume::Front,
    stats: &'p mut LineStats,
    cap: usize,
    sink: &'p mut S,
}

impl<S: Sink + ?Sized> LineReader for Lines<'_, S> {
    #[inline(always)]
    fn read_through(&mut self, rest: &[u8], at: Position) -> Option<usize> {
        if *self.front != resume::Front::Settled {
            return None;
        }
        let n = match self.machine {
            Machine::NetstatS(m) => m.read_through(rest, at, self.stats, self.sink)?,
            Machine::Netstat(m) => m.read_through(rest, at, self.stats, self.sink)?,
            Machine::Ss(m) => m.read_through(rest, at, self.stats, self.sink)?,
            Machine::Auto(m) => m.read_through(rest, at, self.stats, self.sink)?,
            _ => return None,
        };
        self.stats.lines += 1;
        Some(n)
    }

    #[inline(always)]
    fn framed(&mut self, framed: Framed<'_>) {
        dispatch(self.machine, self.front, self.stats, self.cap, framed, self.sink)
    }
}

fn framer_cap(framer: &LineFramer) -> usize {
    framer.cap()
}

fn dispatch<S: Sink + ?Sized>(
    machine: &mut Machine,
    front: &mut resume::Front,
    stats: &mut LineStats,
    cap: usize,
    framed: Framed<'_>,
    sink: &mut S,
) {
    stats.lines += 1;
    match framed {
        Framed::Line(line, at) => {
            if *front != resume::Front::Settled && front.take(line, at, stats, sink) {
                return;
            }
            machine.line(line, at, stats, sink)
        }
        Framed::TooLong { prefix, length, at } => {
            *front = resume::Front::Settled;
            machine.flush(stats, sink);
            stats.malformed += 1;
            let problem = Problem::TooLong { length, cap };
            let kind = EventKind::Malformed(Malformed { raw: prefix, problem });
            sink.event(Event { at, capture: machine.capture(), kind });
        }
    }
}
