//! Owned events: an [`Event`] that can be kept, sent to another thread or queued, with the
//! same typed API as the borrowed one.
//!
//! The push parser's events borrow from the line they came from, which is gone when the
//! sink returns. An [`OwnedEvent`] keeps the bytes its event borrows alive in a *cart*
//! (a [`Bytes`] behind an `Arc`) and holds the event re-pointed into that cart, through the
//! [`yoke`] crate: [`OwnedEvent::event`] hands back the very same `Event<'_>` type.
//!
//! Where the bytes come from, cheapest first:
//!
//! - the caller fed a [`Bytes`] chunk to [`OwnedEvents::feed`] and the slice lies inside it
//!   (the usual case: a line the chunk holds whole): the event shares the chunk, nothing is
//!   copied — the chunk stays alive as long as one of its events does;
//! - a counter's section and name that `netstat -s` takes from the grammar's tables are
//!   kept as they are (found by address among the tables' names: memory that never
//!   changes), not copied;
//! - otherwise (a counter's section and name, which the /proc machine holds with the names
//!   line; a line cut between two chunks; an ss row held for its continuation lines) the
//!   bytes are copied, once, into a small buffer beside the chunk, and the events after it
//!   share that copy while the bytes they borrow outside the chunk are found in it (same
//!   place, same bytes: checked byte for byte). So a values line's hundred counters share
//!   one copy of its names line and one cart, and a periodic `netstat -s` log's held names
//!   are copied once, not once per counter. A counter looks first in the run of the copies
//!   the last one was found in (the names line), its bytes compared, before any search.
//!   Slices that lie inside another slice of the event (the fields of a row inside its
//!   line) are copied once, with it, and stay inside it.
//!
//! Events are made a *batch* at a time: [`OwnedEvents::feed`] parses its chunk a piece at a
//! time (about 256 events' worth of bytes, to a line's end), and re-points the piece's
//! events into one `Vec` yoked to one cart (the chunk, the copies as they were, and the
//! copies re-made during the piece, chained). An [`OwnedEvent`] is its batch (an `Arc`)
//! and its place in it: 16 bytes to move, one reference count to make, and no allocation
//! per event; a kept event keeps its batch (~140 KB at most) and the chunk alive. An event
//! that needs a copy while the batch's cart cannot take one, or the first of a batch that
//! borrows nothing in the chunk (so that a row cut between chunks does not keep the next
//! chunk), is made alone, a batch of one.
//!
//! ```
//! use bytes::Bytes;
//! use netsift::{EventKind, Format, OwnedEvent, OwnedEvents};
//!
//! let mut parser = OwnedEvents::new(Format::Auto);
//! let mut kept: Vec<OwnedEvent> = Vec::new();
//! let capture = std::fs::read("examples/netstat-neopa.txt").unwrap();
//! for chunk in capture.chunks(4096) {
//!     parser.feed(Bytes::copy_from_slice(chunk), |ev| kept.push(ev));
//! }
//! parser.finish(|ev| kept.push(ev));
//! drop(capture);
//! // The events outlive the input, and can cross threads.
//! let programs = std::thread::spawn(move || {
//!     kept.iter()
//!         .filter(|ev| matches!(ev.kind(), EventKind::InetConn(c) if c.owner.is_some()))
//!         .count()
//! })
//! .join()
//! .unwrap();
//! assert!(programs > 0);
//! ```

use std::fmt;
use std::sync::{Arc, OnceLock};

use bytes::{Bytes, BytesMut};
use netsift_grammar::lex::same_bytes;
use netsift_grammar::MapBytes;
use yoke::Yoke;

use crate::events::{Counter, Event, EventKind, Malformed, Notice, Position, Section, SsSocket, Table};
use crate::format::Format;
use crate::push::{CounterLine, LineStats, PushParser, Sink, StaticNames};

/// What an owned event's bytes live in: the chunk it was emitted from and the copies of the
/// bytes it borrows outside that chunk. `Bytes` itself cannot be a yoke cart (it does not
/// promise a stable address through the safe trait yoke needs), a `Box` of this can; one
/// per batch, shared by its events through the batch's `Arc`.
#[derive(Debug, Default)]
struct Cart {
    /// The chunk fed (empty for an event that borrows nothing in it).
    chunk: Bytes,
    /// Copies of bytes from outside the chunk that have been borrowed for a while (names
    /// from the grammar's tables), re-made rarely.
    settled: Bytes,
    /// Copies of the bytes from outside the chunk borrowed last (a names line, a section
    /// name a machine holds), re-made at each miss: small, so cheap to re-make.
    recent: Bytes,
    /// The settled and recent copies re-made while the batch's piece was parsed (a /proc
    /// names line per values line), each set once: the events after it in the batch
    /// borrow from them.
    later: OnceLock<Box<Later>>,
}

/// A copy re-made while a batch's piece was parsed, and the next one.
#[derive(Debug)]
struct Later {
    bytes: Bytes,
    next: OnceLock<Box<Later>>,
}

impl Drop for Cart {
    /// The later copies one after the other: dropped the default way, a long chain (a
    /// piece whose every line needed a copy) would be dropped recursively, a stack frame
    /// per copy.
    fn drop(&mut self) {
        let mut next = self.later.take();
        while let Some(mut node) = next {
            next = node.next.take();
        }
    }
}

/// An empty copy, for a slot of the cart not set.
static NO_BYTES: Bytes = Bytes::new();

impl Cart {
    /// The copy in `slot` (0: settled, 1: recent, then the later ones), if set.
    #[inline(always)]
    fn slot(&self, slot: u16) -> Option<&Bytes> {
        match slot {
            0 => Some(&self.settled),
            1 => Some(&self.recent),
            later => {
                let mut node = self.later.get()?;
                for _ in 2..later {
                    node = node.next.get()?;
                }
                Some(&node.bytes)
            }
        }
    }
}

/// The slots of a batch whose copies are no longer those the sources describe (past
/// `u16::MAX` copies in one piece, which no input makes).
const STALE: u16 = u16::MAX;

/// A batch being made: its cart, its events so far, and where in the cart the copies the
/// sources describe are.
struct BatchState<'b> {
    cart: &'b Cart,
    events: Vec<Event<'b>>,
    /// The settled and the recent copy, and their slots in the cart ([`STALE`] when
    /// they are not in it).
    copies: [Option<&'b Bytes>; 2],
    at: [u16; 2],
    /// Where the next copy re-made goes, and its slot.
    tail: &'b OnceLock<Box<Later>>,
    next: u16,
    /// The copy of the run of outside bytes the last counter found in the copies borrowed
    /// from (a /proc names line, a held section name): the next counters look there first.
    run: Run<'b>,
    /// The names of the last `netstat -s` section and histogram titles taken into the
    /// batch, where the batch holds them (the title's line, in the chunk): the counters
    /// after them carry the machine's held copy of the same bytes as their section and
    /// sub-table, found here by their bytes instead of copied at each title.
    titles: [&'b [u8]; 2],
}

/// A run of bytes from outside the chunk (`at`: its address there) and its copy in a cart.
#[derive(Debug, Clone, Copy, Default)]
struct Run<'b> {
    at: usize,
    copy: &'b [u8],
}

impl<'b> BatchState<'b> {
    fn new(cart: &'b Cart, room: usize) -> Self {
        BatchState {
            cart,
            events: Vec::with_capacity(room),
            copies: [Some(&cart.settled), Some(&cart.recent)],
            at: [0, 1],
            tail: &cart.later,
            next: 2,
            run: Run::default(),
            titles: [&[]; 2],
        }
    }

    /// Put `bytes` (a copy just re-made: `which` 0 settled, 1 recent) at the end of the
    /// cart's later copies; past `STALE`, mark the batch's copies stale.
    fn place(&mut self, which: usize, bytes: &Bytes) {
        let node = Box::new(Later { bytes: bytes.clone(), next: OnceLock::new() });
        // The tail is never set before: the set succeeds.
        let _ = self.tail.set(node);
        match (self.tail.get(), self.next) {
            (Some(node), next) if next < STALE && self.at != [STALE; 2] => {
                self.tail = &node.next;
                self.at[which] = next;
                self.copies[which] = Some(&node.bytes);
                self.next += 1;
            }
            _ => {
                self.at = [STALE; 2];
                self.copies = [None; 2];
            }
        }
    }
}

/// About how many events a batch holds: a kept event keeps its batch's events alive, so a
/// batch stays small, and large enough that what each batch costs (its cart, its `Vec`, a
/// row the ss machine holds at the piece's end) is spread thin. Measured on 5 MB of each
/// generated input: 200-300 events a batch on average (110-165 KB of events), 476 at most
/// (260 KB: a /proc piece, which ends at a line's end and so holds its counters whole).
const BATCH: usize = 256;

/// The bytes of input parsed into one batch (then to the end of its line): as many as
/// held `BATCH` events in the last piece, within these bounds.
const MIN_PIECE: usize = 2048;
const MAX_PIECE: usize = 64 * 1024;

/// The events of one piece of a chunk, re-pointed into one cart: what every owned event
/// of the piece shares.
type Batch = Yoke<Events<'static>, Box<Cart>>;

/// The events of a batch, in input order (`Yokeable`: held re-pointed into the cart).
#[derive(yoke::Yokeable)]
struct Events<'a>(Vec<Event<'a>>);

/// An event that owns (shares) the bytes it borrows: `Send + Sync + 'static`, cheap to
/// clone, with the same typed API as [`Event`] through [`OwnedEvent::event`] and
/// [`OwnedEvent::kind`].
///
/// ```
/// use netsift::{EventKind, Format, OwnedEvent};
///
/// let events: Vec<OwnedEvent> = netsift::read_events(&b"Ip:\n    Forwarding: 1\n"[..], Format::NetstatS)
///     .collect::<std::io::Result<_>>()
///     .unwrap();
/// let EventKind::Counter(c) = events[1].kind() else { panic!("not a counter") };
/// assert_eq!((c.section, c.name, c.value), (&b"Ip"[..], Some(&b"Forwarding"[..]), 1));
/// assert_eq!(events[1].at().line, 2);
/// ```
///
/// It is its batch (the events of the piece of input it came from, re-pointed together into
/// the bytes they share) and its place in it: 16 bytes, so that handing it on (a queue, an
/// iterator's return, a `Vec`) copies 16 bytes, not the 544 of an `Event`.
#[derive(Clone)]
pub struct OwnedEvent {
    batch: Arc<Batch>,
    /// Its place in the batch (always inside it: set when the batch was made).
    index: u32,
    /// Which of the cart's copies were the settled and the recent one when it was made.
    copies: [u16; 2],
}

impl OwnedEvent {
    /// The event held.
    #[inline]
    fn held(&self) -> &Event<'_> {
        &self.batch.get().0[self.index as usize]
    }

    /// The event, borrowing from this owned event: the same type the push parser emits.
    pub fn event(&self) -> Event<'_> {
        *self.held()
    }

    /// What the event is.
    pub fn kind(&self) -> &EventKind<'_> {
        &self.held().kind
    }

    /// Where its (first) line starts.
    pub fn at(&self) -> Position {
        self.held().at
    }

    /// Which capture of the input it belongs to, from 1.
    pub fn capture(&self) -> u32 {
        self.held().capture
    }

    /// The chunk this event keeps alive: the one it was emitted from (empty for an event of
    /// [`OwnedEvents::finish`] or [`OwnedEvent::copy_of`], and for one whose bytes were all
    /// copied when it was made; an event that borrows nothing in the chunk may still hold
    /// it, sharing the cart of the events that do). For memory accounting, with
    /// [`Self::copies`].
    pub fn chunk(&self) -> &Bytes {
        &self.batch.backing_cart().chunk
    }

    /// The copies of bytes from outside its chunk this event keeps alive (either may be
    /// empty), shared with the other events that borrow the same bytes (the counters of one
    /// values line). For memory accounting, with [`Self::chunk`].
    pub fn copies(&self) -> [&Bytes; 2] {
        let cart = self.batch.backing_cart();
        self.copies.map(|slot| cart.slot(slot).unwrap_or(&NO_BYTES))
    }

    /// Copy a borrowed event into an owned one (an allocation for its bytes, and its batch
    /// of one). [`OwnedEvents`] does better when it is the one feeding the parser.
    pub fn copy_of(event: &Event<'_>) -> OwnedEvent {
        Repointer::default().alone(event)
    }
}

impl fmt::Debug for OwnedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.event().fmt(f)
    }
}

impl PartialEq for OwnedEvent {
    fn eq(&self, other: &Self) -> bool {
        self.event() == other.event()
    }
}

impl<'a> PartialEq<Event<'a>> for OwnedEvent {
    fn eq(&self, other: &Event<'a>) -> bool {
        self.event() == *other
    }
}

/// The most bytes the copies keep for later events: past it, the settled copy is dropped.
/// Enough for every name of `netstat -s`'s tables and a few names lines of /proc.
const SETTLED_CAP: usize = 16 * 1024;

/// The most bytes, and runs, the recent copy (re-made at each miss) carries over from the
/// one before: past either, they are moved to the settled copy.
const RECENT_CAP: usize = 1024;
const RECENT_RUNS: usize = 8;

/// Bytes of the arena reserved at a time when it runs out: copies are small, so one block
/// serves many of them.
const ARENA_BLOCK: usize = 64 * 1024;

/// A run of bytes a copy holds: where it was copied from and where it is in the copy.
#[derive(Debug, Clone, Copy)]
struct Source {
    /// Its address where it was copied from.
    at: usize,
    len: usize,
    /// Where it is in the copy.
    offset: usize,
}

/// Forget the `sources` (in order of address, none overlapping) that overlap one of `runs`:
/// found by a binary search, since the settled copy may hold hundreds (`netstat -s`'s names).
fn drop_overlapping(sources: &mut Vec<Source>, runs: &[Source]) {
    for r in runs {
        // Their ends are in order too: those before `r` are a prefix, those that start
        // before its end a longer one.
        let from = sources.partition_point(|s| s.at + s.len <= r.at);
        let to = sources.partition_point(|s| s.at < r.at + r.len);
        if from < to {
            sources.drain(from..to);
        }
    }
}

/// Where in a copy the bytes at `at` (`len` of them) were copied to, if one of its
/// `sources` (in order of address, none overlapping) holds them.
#[inline]
fn copied_at(sources: &[Source], at: usize, len: usize) -> Option<usize> {
    let i = sources.partition_point(|s| s.at <= at);
    let s = sources.get(i.checked_sub(1)?)?;
    (at + len <= s.at + s.len).then(|| s.offset + (at - s.at))
}

/// Builds owned events: re-points each slice of an event into the chunk it lies in or into
/// a copy of the bytes outside the chunk, copying only what the copies do not hold yet.
/// Its buffers and carts are re-used from event to event.
#[derive(Debug, Default)]
struct Repointer {
    /// The chunk being fed (empty outside `feed`).
    chunk: Bytes,
    /// The settled copy and what it holds (in order of address, none overlapping another
    /// nor one of `recent_sources`).
    settled: Bytes,
    settled_sources: Vec<Source>,
    /// The recent copy and what it holds (the same order).
    recent: Bytes,
    recent_sources: Vec<Source>,
    /// Where copies are made.
    arena: BytesMut,
    /// Scratch: the non-empty slices of an event that lie outside the chunk, as (address,
    /// length).
    ranges: Vec<(usize, usize)>,
    /// Scratch: the runs of overlapping slices among them.
    runs: Vec<Source>,
    /// Scratch: the slices to copy (those not inside an earlier one), with their offset.
    pieces: Vec<Source>,
    /// The address just past the last /proc values line taken (in the chunk, when it was):
    /// where the next pair's names line usually starts, after the newline.
    values_end: usize,
}

/// The sink a piece is parsed into: each event taken into the batch being made
/// ([`Repointer::take`]), a /proc values line's counters together ([`Repointer::take_line`]).
struct Taker<'t, 'b> {
    repointer: &'t mut Repointer,
    batch: &'t mut BatchState<'b>,
    pending: &'t mut Vec<Pending>,
}

impl Sink for Taker<'_, '_> {
    #[inline(always)]
    fn event(&mut self, event: Event<'_>) {
        self.repointer.take(&event, self.batch, self.pending);
    }

    /// Taken where the machine keeps it: the default (a copy handed to `event`) copied the
    /// whole (544-byte) event once per counter of a /proc line.
    #[inline(always)]
    fn event_ref(&mut self, event: &Event<'_>) {
        self.repointer.take(event, self.batch, self.pending);
    }

    #[inline(always)]
    fn counters(&mut self, counters: CounterLine<'_, '_>) {
        self.repointer.take_line(counters, self.batch, self.pending);
    }

    /// A `netstat -s` counter: the tables' names kept as the machine hands them over,
    /// with no look-up.
    #[inline(always)]
    fn counter_named(&mut self, event: Event<'_>, names: StaticNames) {
        self.repointer.take_named(&event, names, self.batch, self.pending);
    }
}

/// What the counters of one /proc values line share, re-pointed into a batch's cart once
/// for the line: the line's counter (its section and line), and the copy of its names line
/// with the names line's address, where each counter's name is found by its offset.
struct LineCounters<'b> {
    at: Position,
    capture: u32,
    counter: Counter<'b>,
    names_at: usize,
    names: &'b [u8],
}

impl<'b> LineCounters<'b> {
    /// `name` (a word of the names line) in the names line's copy, if it lies in the names
    /// line.
    #[inline(always)]
    fn name_copied(&self, name: &[u8]) -> Option<&'b [u8]> {
        same_place(self.names, self.names_at, name)
    }
}

impl Repointer {
    /// Take `chunk` as the one the next events are emitted from.
    fn set_chunk(&mut self, chunk: Bytes) {
        self.chunk = chunk;
    }

    /// The cart of a new batch: the chunk and the copies as they are.
    fn start_batch(&mut self) -> Box<Cart> {
        Box::new(Cart {
            chunk: self.chunk.clone(),
            settled: self.settled.clone(),
            recent: self.recent.clone(),
            later: Default::default(),
        })
    }

    /// Add `event` to the batch being made in `cart` (`events`), re-pointed into it, and
    /// say so in `pending`; or, when it cannot be (it borrows nothing in the chunk and
    /// needed a copy, or the cart could take no newer copy), put it in `pending` made alone.
    #[inline]
    fn take<'b>(&mut self, event: &Event<'_>, batch: &mut BatchState<'b>, pending: &mut Vec<Pending>) {
        let (cart, copies, events) = (batch.cart, batch.copies, &mut batch.events);
        let sources = [&self.settled_sources[..], &self.recent_sources[..]];
        // Counters, the many small events, first: re-pointed field by field, no pass through
        // `map_bytes`.
        let mut missed = false;
        if let EventKind::Counter(c) = &event.kind {
            // Built where the batch keeps it (added, and taken back on a miss): built
            // first and then pushed, it was a copy of the whole (544-byte) event more.
            // First with no search: its slices in the chunk, the last counter's run or the
            // grammar's tables (a /proc values line's counters, most of `netstat -s`'s).
            let (run, titles) = (batch.run, batch.titles);
            events.extend(std::iter::once_with(|| counter_in_run(event, c, &cart.chunk, run, titles, &mut missed)));
            if !missed {
                return pending.push(Pending::Shared(batch.at));
            }
            events.pop();
            missed = false;
            let counter = || counter_repointed::<true>(event, c, &cart.chunk, copies, sources, &mut missed);
            events.extend(std::iter::once_with(counter));
            if !missed {
                batch.run = run_of_counter(c, &cart.chunk, copies, sources).unwrap_or(run);
                return pending.push(Pending::Shared(batch.at));
            }
            events.pop();
        }
        // A title whose line is in the chunk (most of `netstat -s`'s, a table's): its name
        // and header re-pointed there, with no pass through `map_bytes`.
        if let EventKind::Section(s) = &event.kind {
            let chunk = &cart.chunk;
            if in_chunk(chunk, s.name) && s.header.is_none_or(|h| in_chunk(chunk, h)) {
                let name = chunk_slice(chunk, s.name);
                let section = Section { name, header: s.header.map(|h| chunk_slice(chunk, h)), ..*s };
                events.push(Event { at: event.at, capture: event.capture, kind: EventKind::Section(section) });
                if let Table::StatSection { histogram } = s.table {
                    batch.titles[usize::from(histogram)] = name;
                }
                return pending.push(Pending::Shared(batch.at));
            }
        }
        // A /proc pair's section, whose header is the machine's copy of the names line:
        // found in the chunk by its bytes, as the line after the last values line.
        if let EventKind::Section(s @ Section { table: Table::ProcSection, header: Some(header), .. }) = &event.kind {
            if let Some(names) = names_line_in_chunk(&cart.chunk, self.values_end, header) {
                let held_at = header.as_ptr() as usize;
                if let Some(name) = same_place(names, held_at, s.name) {
                    let section = Section { name, header: Some(names), ..*s };
                    events.push(Event { at: event.at, capture: event.capture, kind: EventKind::Section(section) });
                    // The values line's counters take their names there.
                    batch.run = Run { at: held_at, copy: names };
                    return pending.push(Pending::Shared(batch.at));
                }
            }
        }
        // netstat's rows, the many large events, the same way: built in place, not built and
        // then moved (a row is ~500 bytes).
        let row_built = match &event.kind {
            EventKind::InetConn(row) => {
                events.extend(std::iter::once_with(|| {
                    inet_repointed(event, row, &cart.chunk, copies, sources, &mut missed)
                }));
                true
            }
            EventKind::UnixSocket(row) => {
                events.extend(std::iter::once_with(|| {
                    unix_repointed(event, row, &cart.chunk, copies, sources, &mut missed)
                }));
                true
            }
            _ => false,
        };
        if row_built {
            if !missed {
                return pending.push(Pending::Shared(batch.at));
            }
            events.pop();
        }
        self.ranges.clear();
        let (mut borrows_chunk, mut widest) = (false, None);
        let outside = (&mut self.ranges, &mut widest);
        // For a counter that missed above, this pass misses too: it gathers what to copy.
        // (Pushed: added as the counters are, a row was written field by field, slower than
        // the copy.)
        events.push(repointed::<true>(event, &cart.chunk, copies, sources, outside, &mut borrows_chunk, &mut missed));
        if !missed {
            if let EventKind::Section(Section { header: Some(header), .. }) = &event.kind {
                batch.run = run_of_header(header, &cart.chunk, copies, sources).unwrap_or(batch.run);
            }
            return pending.push(Pending::Shared(batch.at));
        }
        events.pop();
        if batch.at == [STALE; 2] {
            // The copies it may find its bytes in are not in this cart.
            return pending.push(Pending::Alone(self.alone(event)));
        }
        let settled = (self.settled.as_ptr(), self.settled.len());
        self.copy_outside(event, widest);
        if settled != (self.settled.as_ptr(), self.settled.len()) {
            batch.place(0, &self.settled);
        }
        batch.place(1, &self.recent);
        let (placed, events) = (batch.at != [STALE; 2], &mut batch.events);
        // An event that borrows nothing in the chunk (a row cut between chunks, a held
        // one, a /proc names line) joins a batch that keeps the chunk alive for earlier
        // events already; the first of a batch is made alone, so as not to keep the chunk.
        if placed && (borrows_chunk || !events.is_empty()) {
            let copies = batch.copies;
            let sources = [&self.settled_sources[..], &self.recent_sources[..]];
            let mut missed = false;
            let ev = match &event.kind {
                EventKind::Counter(c) => {
                    counter_repointed::<false>(event, c, &cart.chunk, copies, sources, &mut missed)
                }
                _ => {
                    self.ranges.clear();
                    let outside = (&mut self.ranges, &mut None);
                    repointed::<false>(event, &cart.chunk, copies, sources, outside, &mut false, &mut missed)
                }
            };
            if !missed {
                events.push(ev);
                if let EventKind::Section(Section { header: Some(header), .. }) = &event.kind {
                    batch.run = run_of_header(header, &cart.chunk, copies, sources).unwrap_or(batch.run);
                }
                return pending.push(Pending::Shared(batch.at));
            }
        }
        pending.push(Pending::Alone(self.alone_copied(event, borrows_chunk)));
    }

    /// Take a counter whose section or name the machine took from the grammar's tables
    /// (`names`, the same bytes as the event's) into the batch: those kept as they are;
    /// the rest in the chunk, the batch's titles (a held section or histogram, by its
    /// bytes) or the last counter's run. A counter with a slice in none of them is taken
    /// as any event.
    #[inline(always)]
    fn take_named<'b>(
        &mut self,
        event: &Event<'_>,
        names: StaticNames,
        batch: &mut BatchState<'b>,
        pending: &mut Vec<Pending>,
    ) {
        if let EventKind::Counter(c) = &event.kind {
            let (chunk, run, titles, mut missed) = (&batch.cart.chunk, batch.run, batch.titles, false);
            let counter = || counter_of_tables(event, c, names, chunk, run, titles, &mut missed);
            batch.events.extend(std::iter::once_with(counter));
            if !missed {
                return pending.push(Pending::Shared(batch.at));
            }
            batch.events.pop();
        }
        self.take(event, batch, pending)
    }

    /// Take the counters of a /proc values line into the batch: what they share (section,
    /// line, the names line's copy: its bytes compared once) re-pointed once, then each
    /// counter its name's place in that copy, its value and its position. Counters that
    /// take another way (the line cut between chunks, its names line not among the copies
    /// yet) are taken one by one, as any event.
    #[inline(always)]
    fn take_line<'b>(&mut self, counters: CounterLine<'_, '_>, batch: &mut BatchState<'b>, pending: &mut Vec<Pending>) {
        if let EventKind::Counter(c) = &counters.event().kind {
            self.values_end = (c.line.as_ptr() as usize).wrapping_add(c.line.len());
        }
        let Some(line) = self.line_repointed(counters.event(), counters.names_line(), batch) else {
            return counters.each(|event| self.take(event, batch, pending));
        };
        counters.each(|event| {
            if let EventKind::Counter(c) = &event.kind {
                // The line's counter with this one's name, text (its name), value and position:
                // `CounterLine::each` changes only those.
                if let (Some(name), Some(copied)) = (c.name, c.name.and_then(|n| line.name_copied(n))) {
                    if c.text.as_ptr() == name.as_ptr() && c.text.len() == name.len() {
                        let name = copied;
                        let counter = Counter {
                            name: Some(name),
                            text: name,
                            value: c.value,
                            position: c.position,
                            ..line.counter
                        };
                        let kind = EventKind::Counter(counter);
                        batch.events.extend(std::iter::once_with(|| Event {
                            at: line.at,
                            capture: line.capture,
                            kind,
                        }));
                        return pending.push(Pending::Shared(batch.at));
                    }
                }
            }
            self.take(event, batch, pending)
        });
    }

    /// What the counters of a /proc values line share (`event`: the line's counter, `names`:
    /// its names line), re-pointed into the batch's cart: the names line's copy the last
    /// event left in the batch's run (the section event of the pair) or found among the
    /// copies, its bytes compared; the rest in the chunk or in that copy. `None` when a
    /// slice is in neither.
    fn line_repointed<'b>(&self, event: &Event<'_>, names: &[u8], batch: &BatchState<'b>) -> Option<LineCounters<'b>> {
        let EventKind::Counter(c) = &event.kind else { return None };
        let in_run = |run: Run<'b>| same_place(run.copy, run.at, names);
        let copy = match in_run(batch.run) {
            Some(copy) => copy,
            None => {
                let sources = [&self.settled_sources[..], &self.recent_sources[..]];
                in_run(run_of_slice(names, batch.copies, sources)?)?
            }
        };
        if names.is_empty() || copy != names {
            return None;
        }
        let (names_at, chunk, mut missed) = (names.as_ptr() as usize, &batch.cart.chunk, false);
        let map = |s: &[u8]| {
            if let Some(s) = same_place(chunk, chunk.as_ptr() as usize, s).or_else(|| same_place(copy, names_at, s)) {
                return s;
            }
            if !s.is_empty() {
                missed = true;
            }
            &[]
        };
        let Event { at, capture, kind: EventKind::Counter(counter) } = counter_mapped(event, c, map) else {
            return None;
        };
        (!missed).then_some(LineCounters { at, capture, counter, names_at, names: copy })
    }

    /// The owned form of `event` alone (a batch of one): its slices re-pointed into the
    /// chunk and the copies, a copy first made of what they lack.
    ///
    /// Called where no batch is being made (`finish`, `copy_of`) or where the batch's
    /// copies are stale already: the copies it makes go in no batch's cart.
    fn alone(&mut self, event: &Event<'_>) -> OwnedEvent {
        let cart = Cart {
            chunk: self.chunk.clone(),
            settled: self.settled.clone(),
            recent: self.recent.clone(),
            later: OnceLock::new(),
        };
        let sources = [&self.settled_sources[..], &self.recent_sources[..]];
        let (ranges, mut widest, mut borrows_chunk, mut missed) = (&mut self.ranges, None, false, false);
        ranges.clear();
        let batch = Yoke::attach_to_cart(Box::new(cart), |cart: &Cart| {
            let copies = [Some(&cart.settled), Some(&cart.recent)];
            let outside = (ranges, &mut widest);
            Events(vec![repointed::<true>(
                event,
                &cart.chunk,
                copies,
                sources,
                outside,
                &mut borrows_chunk,
                &mut missed,
            )])
        });
        if !missed {
            return OwnedEvent { batch: Arc::new(batch), index: 0, copies: [0, 1] };
        }
        self.copy_outside(event, widest);
        self.alone_copied(event, borrows_chunk)
    }

    /// `event` alone, every slice outside the chunk in the copies just made; the chunk
    /// kept only if it `borrows_chunk`.
    fn alone_copied(&mut self, event: &Event<'_>, borrows_chunk: bool) -> OwnedEvent {
        let chunk = if borrows_chunk { self.chunk.clone() } else { Bytes::new() };
        let cart = Cart { chunk, settled: self.settled.clone(), recent: self.recent.clone(), later: OnceLock::new() };
        let sources = [&self.settled_sources[..], &self.recent_sources[..]];
        let (ranges, mut missed) = (&mut self.ranges, false);
        ranges.clear();
        let batch = Yoke::attach_to_cart(Box::new(cart), |cart: &Cart| {
            let copies = [Some(&cart.settled), Some(&cart.recent)];
            Events(vec![repointed::<false>(
                event,
                &cart.chunk,
                copies,
                sources,
                (ranges, &mut None),
                &mut false,
                &mut missed,
            )])
        });
        if missed {
            return OwnedEvent::empty_of(event);
        }
        OwnedEvent { batch: Arc::new(batch), index: 0, copies: [0, 1] }
    }

    /// Copy the bytes `event` borrows outside the chunk (`ranges`: every such slice) into
    /// a new recent copy, with what the last one held that the new bytes do not replace;
    /// that moves to the settled copy when it grows past `RECENT_CAP` or `RECENT_RUNS`.
    fn copy_outside(&mut self, event: &Event<'_>, widest: Option<&[u8]>) {
        self.pieces.clear();
        self.runs.clear();
        // The usual case: one slice (a row's line, a names line) holds all the others.
        if let Some(w) = widest.filter(|w| {
            let (w_at, w_len) = (w.as_ptr() as usize, w.len());
            self.ranges.iter().all(|&(at, len)| at >= w_at && at + len <= w_at + w_len)
        }) {
            self.runs.push(Source { at: w.as_ptr() as usize, len: w.len(), offset: 0 });
            self.retire_replaced(w.len());
            self.arena.reserve(w.len());
            self.arena.extend_from_slice(w);
            return self.finish_recent();
        }
        // Runs of overlapping slices become one source each; a slice inside the run so far
        // is not copied on its own.
        self.ranges.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut total = 0;
        for &(at, len) in &self.ranges {
            match self.runs.last_mut() {
                Some(run) if at + len <= run.at + run.len => {}
                Some(run) if at < run.at + run.len => {
                    self.pieces.push(Source { at, len, offset: run.offset + (at - run.at) });
                    let end = at + len;
                    total += end - (run.at + run.len);
                    run.len = end - run.at;
                }
                _ => {
                    self.pieces.push(Source { at, len, offset: total });
                    self.runs.push(Source { at, len, offset: total });
                    total += len;
                }
            }
        }
        self.retire_replaced(total);
        // Each piece appended where it goes (zero-filling only a gap a later one fills: the
        // usual piece is one line that holds every other slice).
        let (arena, pieces) = (&mut self.arena, &self.pieces);
        event.map_bytes(&mut |s| {
            let at = s.as_ptr() as usize;
            if let Some(piece) = pieces.iter().find(|p| p.at == at && p.len == s.len()) {
                if arena.len() < piece.offset {
                    arena.resize(piece.offset, 0);
                }
                // The part over bytes already there (a gap's zeros, or the same bytes of an
                // overlapping piece) is written over; the rest appended.
                let have = (arena.len() - piece.offset).min(s.len());
                if let (Some(dest), Some(over)) = (arena.get_mut(piece.offset..piece.offset + have), s.get(..have)) {
                    dest.copy_from_slice(over);
                }
                arena.extend_from_slice(s.get(have..).unwrap_or_default());
            }
            s
        });
        self.arena.resize(total, 0);
        self.finish_recent();
    }

    /// Forget what the new runs replace (the same place, other bytes), move the recent
    /// copy's sources to the settled copy if the new recent copy would grow too large, and
    /// make room for the new one (`total` new bytes).
    fn retire_replaced(&mut self, total: usize) {
        drop_overlapping(&mut self.settled_sources, &self.runs);
        drop_overlapping(&mut self.recent_sources, &self.runs);
        let recent_len: usize = self.recent_sources.iter().map(|s| s.len).sum();
        let runs = self.recent_sources.len() + self.runs.len();
        if (recent_len + total > RECENT_CAP || runs > RECENT_RUNS) && recent_len > 0 {
            self.settle();
        }
        let whole = total + self.recent_sources.iter().map(|s| s.len).sum::<usize>();
        if self.arena.capacity() < whole {
            self.arena.reserve(whole.max(ARENA_BLOCK));
        }
    }

    /// The new recent copy: the new runs' bytes (in the arena), then what the last one held
    /// that they did not replace.
    fn finish_recent(&mut self) {
        for s in &mut self.recent_sources {
            let from = self.recent.get(s.offset..s.offset + s.len).unwrap_or_default();
            s.offset = self.arena.len();
            self.arena.extend_from_slice(from);
        }
        self.recent_sources.extend_from_slice(&self.runs);
        self.recent_sources.sort_unstable_by_key(|s| s.at);
        self.recent = self.arena.split().freeze();
    }

    /// Move what the recent copy holds to a new settled copy (with what the settled one
    /// held, within `SETTLED_CAP`).
    fn settle(&mut self) {
        let settled_len: usize = self.settled_sources.iter().map(|s| s.len).sum();
        let recent_len: usize = self.recent_sources.iter().map(|s| s.len).sum();
        if settled_len + recent_len > SETTLED_CAP {
            self.settled_sources.clear();
        }
        if recent_len > SETTLED_CAP {
            self.recent_sources.clear();
        }
        for (bytes, sources) in [(&self.settled, &mut self.settled_sources), (&self.recent, &mut self.recent_sources)] {
            for s in sources.iter_mut() {
                let from = bytes.get(s.offset..s.offset + s.len).unwrap_or_default();
                s.offset = self.arena.len();
                self.arena.extend_from_slice(from);
            }
        }
        self.settled_sources.append(&mut self.recent_sources);
        self.settled_sources.sort_unstable_by_key(|s| s.at);
        self.settled = self.arena.split().freeze();
    }
}

/// Where `s` is in a cart: in its `chunk` when it lies inside it, or in one of its
/// `copies` (settled, recent; `None`: not in this cart) where its `sources` say its address
/// was copied, if the copy holds the same bytes there (without `VERIFY`, taken as they are:
/// they were just copied from the event); `None` when it is in neither.
#[inline(always)]
fn repointed_slice<'b, const VERIFY: bool>(
    chunk: &'b Bytes,
    copies: [Option<&'b Bytes>; 2],
    sources: [&[Source]; 2],
    s: &[u8],
) -> Option<&'b [u8]> {
    let (base, len) = (chunk.as_ptr() as usize, chunk.len());
    let at = s.as_ptr() as usize;
    let start = at.wrapping_sub(base);
    if start < len && s.len() <= len - start {
        return Some(sub_slice(chunk, start, s.len()));
    }
    if s.is_empty() {
        return Some(&[]);
    }
    let [settled, recent] = sources;
    let [settled_copy, recent_copy] = copies;
    let copy = match copied_at(recent, at, s.len()) {
        Some(offset) => recent_copy?.get(offset..offset + s.len()),
        None => settled_copy?.get(copied_at(settled, at, s.len())?..).and_then(|rest| rest.get(..s.len())),
    };
    copy.filter(|copy| !VERIFY || same_bytes(copy, s))
}

/// A counter event with each of its slices put through `map` (the two re-pointers'
/// shared part): a counter's text that is its name (/proc's) is mapped once.
#[inline(always)]
fn counter_mapped<'b>(event: &Event<'_>, c: &Counter<'_>, mut map: impl FnMut(&[u8]) -> &'b [u8]) -> Event<'b> {
    let name = c.name.map(&mut map);
    let text = match (c.name, name) {
        (Some(n), Some(mapped)) if n.as_ptr() == c.text.as_ptr() && n.len() == c.text.len() => mapped,
        _ => map(c.text),
    };
    let counter = Counter {
        source: c.source,
        section: map(c.section),
        name,
        subtable: c.subtable.map(&mut map),
        value: c.value,
        text,
        line: map(c.line),
        position: c.position,
        rate: c.rate,
    };
    Event { at: event.at, capture: event.capture, kind: EventKind::Counter(counter) }
}

/// A counter event re-pointed with no search: each slice in the `chunk`, in the last
/// counter's `run` (its bytes compared) or one of the grammar's table names (see
/// [`static_name`]); `missed` set (and the slice left empty) when one is in none of them.
#[inline(always)]
fn counter_in_run<'b>(
    event: &Event<'_>,
    c: &Counter<'_>,
    chunk: &'b Bytes,
    run: Run<'b>,
    titles: [&'b [u8]; 2],
    missed: &mut bool,
) -> Event<'b> {
    let base = chunk.as_ptr() as usize;
    let map = |s: &[u8]| in_chunk_or(chunk, base, s, missed, || outside_in_run(run, titles, s));
    counter_mapped(event, c, map)
}

/// A counter event re-pointed with no search, its section and name the tables' when
/// `names` says so (kept as they are); every other slice in the `chunk`, one of the batch's
/// `titles` (a held section, `titles[0]`, or histogram, `titles[1]`: the same bytes), or
/// as [`counter_in_run`] finds it; `missed` set (and the slice left empty) when one is in
/// none of them.
#[inline(always)]
fn counter_of_tables<'b>(
    event: &Event<'_>,
    c: &Counter<'_>,
    names: StaticNames,
    chunk: &'b Bytes,
    run: Run<'b>,
    titles: [&'b [u8]; 2],
    missed: &mut bool,
) -> Event<'b> {
    let base = chunk.as_ptr() as usize;
    // The title the slice is expected to be, compared first (its bytes).
    let mut map = |s: &[u8], title: &'b [u8]| {
        in_chunk_or(chunk, base, s, missed, || if title == s { Some(title) } else { outside_in_run(run, titles, s) })
    };
    let [section_title, histogram_title] = titles;
    let section = match names.section {
        Some(section) => section.as_bytes(),
        None => map(c.section, section_title),
    };
    let name = match names.name {
        Some(name) => Some(name.as_bytes()),
        None => c.name.map(|n| map(n, &[])),
    };
    let counter = Counter {
        source: c.source,
        section,
        name,
        subtable: c.subtable.map(|s| map(s, histogram_title)),
        value: c.value,
        text: map(c.text, &[]),
        line: map(c.line, &[]),
        position: c.position,
        rate: c.rate,
    };
    Event { at: event.at, capture: event.capture, kind: EventKind::Counter(counter) }
}

/// `s` in the `chunk` (at address `base`), else where `outside` finds it; `missed` set (and
/// the slice left empty) when it is in neither.
#[inline(always)]
fn in_chunk_or<'b>(
    chunk: &'b Bytes,
    base: usize,
    s: &[u8],
    missed: &mut bool,
    outside: impl FnOnce() -> Option<&'b [u8]>,
) -> &'b [u8] {
    if let Some(in_chunk) = same_place(chunk, base, s) {
        return in_chunk;
    }
    outside().unwrap_or_else(|| {
        *missed = true;
        &[]
    })
}

/// `s` (outside the chunk) in `run` (the same bytes there), among the grammar's table
/// names, or one of the batch's `titles` (the same bytes), or empty; `None` otherwise.
#[inline(always)]
fn outside_in_run<'b>(run: Run<'b>, titles: [&'b [u8]; 2], s: &[u8]) -> Option<&'b [u8]> {
    match same_place(run.copy, run.at, s) {
        Some(copy) if copy == s => Some(copy),
        _ => not_in_run(titles, s),
    }
}

/// [`outside_in_run`] for a slice not in the run: empty, one of the grammar's names (kept
/// as it is, first), or one of the `titles`.
#[inline(never)]
fn not_in_run<'b>(titles: [&'b [u8]; 2], s: &[u8]) -> Option<&'b [u8]> {
    if s.is_empty() {
        return Some(&[]);
    }
    static_name(s).or_else(|| titles.into_iter().find(|&t| t == s))
}

/// The run of the copies that the first of `c`'s slices found there lies in (outside the
/// chunk, not one of the grammar's names), for the counters after it.
fn run_of_counter<'b>(
    c: &Counter<'_>,
    chunk: &Bytes,
    copies: [Option<&'b Bytes>; 2],
    sources: [&[Source]; 2],
) -> Option<Run<'b>> {
    let outside = [Some(c.section), c.name, c.subtable]
        .into_iter()
        .flatten()
        .find(|s| !s.is_empty() && !in_chunk(chunk, s) && static_name(s).is_none())?;
    run_of_slice(outside, copies, sources)
}

/// The run of the copies that a section's header lies in, when it lies outside the chunk
/// (a /proc names line, which the counters of its values line, next, borrow their names
/// from).
fn run_of_header<'b>(
    header: &[u8],
    chunk: &Bytes,
    copies: [Option<&'b Bytes>; 2],
    sources: [&[Source]; 2],
) -> Option<Run<'b>> {
    if header.is_empty() || in_chunk(chunk, header) {
        return None;
    }
    run_of_slice(header, copies, sources)
}

/// The bytes of `chunk` that follow the newline at `values_end` (just past the last /proc
/// values line, an address), if they are the same as the held names line `held`: the
/// names line as it was read, when the pair's two lines are the chunk's next ones.
#[inline]
fn names_line_in_chunk<'b>(chunk: &'b [u8], values_end: usize, held: &[u8]) -> Option<&'b [u8]> {
    let start = values_end.wrapping_sub(chunk.as_ptr() as usize);
    let read = chunk.get(start..)?.strip_prefix(b"\n")?.get(..held.len())?;
    (!held.is_empty() && read == held).then_some(read)
}

/// `s`, which lies in `chunk` (see [`in_chunk`]), there.
#[inline(always)]
fn chunk_slice<'b>(chunk: &'b [u8], s: &[u8]) -> &'b [u8] {
    sub_slice(chunk, (s.as_ptr() as usize).wrapping_sub(chunk.as_ptr() as usize), s.len())
}

/// The place of `s` in `copy`, the bytes that stood at address `at` (a copy of a run of
/// outside bytes, or the chunk itself: `at` its own address), if `s` lies within them;
/// whether they still hold the same bytes is the caller's to check.
#[inline(always)]
fn same_place<'b>(copy: &'b [u8], at: usize, s: &[u8]) -> Option<&'b [u8]> {
    let rel = (s.as_ptr() as usize).wrapping_sub(at);
    (rel < copy.len() && s.len() <= copy.len() - rel).then(|| sub_slice(copy, rel, s.len()))
}

/// Whether `s` lies in `chunk`.
#[inline(always)]
fn in_chunk(chunk: &[u8], s: &[u8]) -> bool {
    let start = (s.as_ptr() as usize).wrapping_sub(chunk.as_ptr() as usize);
    start < chunk.len() && s.len() <= chunk.len() - start
}

/// The run of the copies that `s` lies in (the recent copy's first).
fn run_of_slice<'b>(s: &[u8], copies: [Option<&'b Bytes>; 2], sources: [&[Source]; 2]) -> Option<Run<'b>> {
    let (at, len) = (s.as_ptr() as usize, s.len());
    let [settled, recent] = sources;
    let [settled_copy, recent_copy] = copies;
    let (copy, run) = match run_of(recent, at, len) {
        Some(run) => (recent_copy?, run),
        None => (settled_copy?, run_of(settled, at, len)?),
    };
    Some(Run { at: run.at, copy: copy.get(run.offset..run.offset + run.len)? })
}

/// The one of `sources` (in order of address, none overlapping) that holds the `len` bytes
/// at `at`.
fn run_of(sources: &[Source], at: usize, len: usize) -> Option<&Source> {
    let i = sources.partition_point(|s| s.at <= at);
    let s = sources.get(i.checked_sub(1)?)?;
    (at + len <= s.at + s.len).then_some(s)
}

/// The grammar's table names (the kernel sections, and the section and name each of
/// `netstat -s`'s sentences maps to), by address and length, in a table of open addressing
/// four times their number, built on first use.
static STATIC_NAMES: OnceLock<Box<[Option<&'static [u8]>]>> = OnceLock::new();

/// `s` when it is one of the grammar's table names, that very name (the same address and
/// length: the same bytes, which never change), kept as it is rather than copied.
#[inline]
fn static_name<'b>(s: &[u8]) -> Option<&'b [u8]> {
    let slots = STATIC_NAMES.get_or_init(static_names);
    let mask = slots.len().checked_sub(1)?;
    let mut i = static_slot(s.as_ptr() as usize) & mask;
    // Never more probes than slots: there is always an empty one to end on.
    for _ in 0..slots.len() {
        match slots.get(i).copied().flatten() {
            None => return None,
            Some(n) if n.as_ptr() == s.as_ptr() && n.len() == s.len() => return Some(n),
            Some(_) => i = (i + 1) & mask,
        }
    }
    None
}

/// Where the probes for the name at `at` start.
#[inline(always)]
fn static_slot(at: usize) -> usize {
    (at as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(20) as usize
}

/// [`STATIC_NAMES`]' table.
fn static_names() -> Box<[Option<&'static [u8]>]> {
    use netsift_grammar::netstat_s::{templates, WordSentence, KERNEL_SECTIONS};
    let words = [WordSentence::Forwarding, WordSentence::RtoAlgorithm].map(WordSentence::counter);
    let names: Vec<&'static str> = KERNEL_SECTIONS
        .iter()
        .copied()
        .chain(templates().iter().flat_map(|t| [t.section, t.name]))
        .chain(words.into_iter().flat_map(|(section, name)| [section, name]))
        .filter(|n| !n.is_empty())
        .collect();
    let mut slots: Box<[Option<&'static [u8]>]> = vec![None; (names.len() * 4).next_power_of_two()].into();
    let mask = slots.len() - 1;
    for name in names {
        let mut i = static_slot(name.as_ptr() as usize) & mask;
        while let Some(Some(held)) = slots.get(i) {
            if held.as_ptr() == name.as_ptr() && held.len() == name.len() {
                break;
            }
            i = (i + 1) & mask;
        }
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(name.as_bytes());
        }
    }
    slots
}

/// A counter event re-pointed into a cart's `chunk` and `copies` (see
/// [`repointed_slice`]), field by field; `missed` set (and the slice left empty) when a
/// slice is in neither: not an `Option`, which would move the event once more. A counter's
/// text that is its name (/proc's) is looked up once.
#[inline(always)]
fn counter_repointed<'b, const VERIFY: bool>(
    event: &Event<'_>,
    c: &Counter<'_>,
    chunk: &'b Bytes,
    copies: [Option<&'b Bytes>; 2],
    sources: [&[Source]; 2],
    missed: &mut bool,
) -> Event<'b> {
    let map = |s: &[u8]| {
        repointed_slice::<VERIFY>(chunk, copies, sources, s).unwrap_or_else(|| {
            *missed = true;
            &[]
        })
    };
    counter_mapped(event, c, map)
}

/// An internet row's event re-pointed into a cart's `chunk` and `copies` (see
/// [`repointed_slice`], checked), field by field through a closure the compiler sees
/// (not `map_bytes`'s `dyn`); `missed` set (and the slice left empty) when a slice is in
/// neither.
// The kernel's `match` (not `Option::map`) writes only `None` for a netstat row.
#[allow(clippy::manual_map)]
#[inline(always)]
fn inet_repointed<'b>(
    event: &Event<'_>,
    row: &netsift_grammar::netstat::InetRow<'_>,
    chunk: &'b Bytes,
    copies: [Option<&'b Bytes>; 2],
    sources: [&[Source]; 2],
    missed: &mut bool,
) -> Event<'b> {
    let mut map = |s: &[u8]| row_slice_repointed(chunk, copies, sources, s, missed);
    let conn = netsift_grammar::netstat::InetRow {
        line: map(row.line),
        layout: row.layout,
        proto: row.proto,
        recv_q: row.recv_q,
        send_q: row.send_q,
        local: row.local.map_bytes(&mut map),
        foreign: row.foreign.map_bytes(&mut map),
        state: row.state.map_bytes(&mut map),
        user: row.user.map_bytes(&mut map),
        inode: row.inode,
        owner: row.owner.map_bytes(&mut map),
        timer: row.timer.map(|t| netsift_grammar::netstat::Timer { word: map(t.word), ..t }),
        spans: row.spans,
        // A netstat row has none: only the `None` written, not the ~200 bytes of a
        // `KernelInet` copied.
        kernel: match &row.kernel {
            None => None,
            Some(kernel) => Some(*kernel),
        },
    };
    Event { at: event.at, capture: event.capture, kind: EventKind::InetConn(conn) }
}

/// A unix socket row's event re-pointed into a cart's `chunk` and `copies`, as
/// [`inet_repointed`] does an internet row's.
// The kernel's `match` (not `Option::map`) writes only `None` for a netstat row.
#[allow(clippy::manual_map)]
#[inline(always)]
fn unix_repointed<'b>(
    event: &Event<'_>,
    row: &netsift_grammar::netstat::UnixRow<'_>,
    chunk: &'b Bytes,
    copies: [Option<&'b Bytes>; 2],
    sources: [&[Source]; 2],
    missed: &mut bool,
) -> Event<'b> {
    let mut map = |s: &[u8]| row_slice_repointed(chunk, copies, sources, s, missed);
    let socket = netsift_grammar::netstat::UnixRow {
        line: map(row.line),
        layout: row.layout,
        refcnt: row.refcnt,
        flags: row.flags,
        sock_type: row.sock_type.map_bytes(&mut map),
        state: row.state.map_bytes(&mut map),
        inode: row.inode,
        owner: row.owner.map_bytes(&mut map),
        path: map(row.path),
        spans: row.spans,
        // As an internet row's: `None` written, not copied.
        kernel: match &row.kernel {
            None => None,
            Some(kernel) => Some(*kernel),
        },
    };
    Event { at: event.at, capture: event.capture, kind: EventKind::UnixSocket(socket) }
}

/// A row's slice re-pointed as [`repointed_slice`] (checked) does, `missed` set (and the
/// slice left empty) when it is in neither the chunk nor the copies. The usual slice (in
/// the chunk) is checked here, the rest out of line: small enough to be inlined at each of
/// a row's slices.
#[inline(always)]
fn row_slice_repointed<'b>(
    chunk: &'b Bytes,
    copies: [Option<&'b Bytes>; 2],
    sources: [&[Source]; 2],
    s: &[u8],
    missed: &mut bool,
) -> &'b [u8] {
    let start = (s.as_ptr() as usize).wrapping_sub(chunk.as_ptr() as usize);
    if start < chunk.len() && s.len() <= chunk.len() - start {
        return sub_slice(chunk, start, s.len());
    }
    outside_chunk(chunk, copies, sources, s).unwrap_or_else(|| {
        *missed = true;
        &[]
    })
}

/// [`repointed_slice`] (checked) for a slice not in the chunk: the rare case, out of line.
#[cold]
#[inline(never)]
fn outside_chunk<'b>(
    chunk: &'b Bytes,
    copies: [Option<&'b Bytes>; 2],
    sources: [&[Source]; 2],
    s: &[u8],
) -> Option<&'b [u8]> {
    repointed_slice::<true>(chunk, copies, sources, s)
}

/// `event` re-pointed into a cart's `chunk` and `copies`, every slice as
/// [`repointed_slice`] says; `missed` set when a slice is in neither. Also whether a slice
/// lies in the chunk (`borrows_chunk`), and in `outside` every non-empty slice that is in
/// neither (what a copy must hold), with the widest of them.
#[inline(always)]
fn repointed<'a, 'b, const VERIFY: bool>(
    event: &Event<'a>,
    chunk: &'b Bytes,
    copies: [Option<&'b Bytes>; 2],
    sources: [&[Source]; 2],
    (outside, widest): (&mut Vec<(usize, usize)>, &mut Option<&'a [u8]>),
    borrows_chunk: &mut bool,
    missed: &mut bool,
) -> Event<'b> {
    let (base, len) = (chunk.as_ptr() as usize, chunk.len());
    event.map_bytes(&mut |s| {
        let at = s.as_ptr() as usize;
        let start = at.wrapping_sub(base);
        if start < len && s.len() <= len - start {
            *borrows_chunk = true;
            return sub_slice(chunk, start, s.len());
        }
        if s.is_empty() {
            return &[];
        }
        repointed_slice::<VERIFY>(chunk, copies, sources, s).unwrap_or_else(|| {
            // Only what the copies lack is copied: copying again what they hold (a /proc
            // counter's names, when its values line was cut between chunks) would replace
            // the run they lie in (the whole names line) with these few bytes, and the
            // line's next counter would miss too.
            outside.push((at, s.len()));
            if widest.is_none_or(|w| w.len() < s.len()) {
                *widest = Some(s);
            }
            *missed = true;
            &[]
        })
    })
}

impl OwnedEvent {
    /// `event` with every slice empty: what a slice that cannot be re-pointed (none can
    /// fail) would be, rather than a panic.
    fn empty_of(event: &Event<'_>) -> OwnedEvent {
        let batch = Yoke::attach_to_cart(Box::default(), |_| Events(vec![event.map_bytes(&mut |_| &[])]));
        OwnedEvent { batch: Arc::new(batch), index: 0, copies: [0, 1] }
    }
}

/// `bytes[start..start + len]`; empty if that were out of range (it never is: the caller
/// found the slice inside the buffer).
fn sub_slice(bytes: &[u8], start: usize, len: usize) -> &[u8] {
    bytes.get(start..start + len).unwrap_or_default()
}

/// A push parser that gives owned events: feed it [`Bytes`] chunks (cut anywhere), get
/// [`OwnedEvent`]s that share the chunks where they can. What [`crate::read_events`] and
/// the tokio decoder are built on.
///
/// ```
/// use bytes::Bytes;
/// use netsift::{EventKind, Format, OwnedEvents};
///
/// let mut parser = OwnedEvents::new(Format::Netstat);
/// let mut events = Vec::new();
/// parser.feed(Bytes::from_static(b"Active Internet connections (only servers)\nProto Recv-Q Send-Q Local Address   "), |e| events.push(e));
/// parser.feed(Bytes::from_static(b"        Foreign Address         State\ntcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN\n"), |e| events.push(e));
/// parser.finish(|e| events.push(e));
/// assert!(matches!(events[0].kind(), EventKind::Section(_)));
/// let EventKind::InetConn(row) = events[1].kind() else { panic!("not a row") };
/// assert_eq!(row.local.port.number(), Some(22));
/// ```
#[derive(Debug)]
pub struct OwnedEvents {
    parser: PushParser,
    repointer: Repointer,
    /// The events of the batch being made, in order: those in the batch, and those made
    /// alone between them.
    pending: Vec<Pending>,
    /// Room for the next batch's events: as many as the largest one had.
    room: usize,
    /// The bytes of the next piece.
    piece: usize,
}

/// An event of the batch being made, in input order.
#[derive(Debug)]
enum Pending {
    /// The next event of the batch, with the slots of its copies.
    Shared([u16; 2]),
    /// An event made alone.
    Alone(OwnedEvent),
}

/// The events of one batch (and those made alone between them) not yet handed out, in
/// input order: what [`crate::read_events`] holds between two `next`s.
#[derive(Default)]
pub(crate) struct BatchEvents {
    /// `None` when every event was made alone.
    batch: Option<Arc<Batch>>,
    pending: std::vec::IntoIter<Pending>,
    /// The place in the batch of its next event.
    index: u32,
}

impl Iterator for BatchEvents {
    type Item = OwnedEvent;

    #[inline]
    fn next(&mut self) -> Option<OwnedEvent> {
        match self.pending.next()? {
            Pending::Shared(copies) => {
                let event = OwnedEvent { batch: self.batch.clone()?, index: self.index, copies };
                self.index += 1;
                Some(event)
            }
            Pending::Alone(event) => Some(event),
        }
    }
}

impl fmt::Debug for BatchEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchEvents").field("left", &self.pending.len()).finish()
    }
}

impl OwnedEvents {
    /// A parser for `format` with the default line cap.
    pub fn new(format: Format) -> Self {
        Self::from_parser(PushParser::new(format))
    }

    /// Wrap a push parser (one made with a line cap of your choice, say).
    pub fn from_parser(parser: PushParser) -> Self {
        OwnedEvents { parser, repointer: Repointer::default(), pending: Vec::new(), room: 0, piece: MIN_PIECE }
    }

    /// Feed the next chunk; `out` gets every event it completes, in input order.
    ///
    /// The chunk is parsed a piece at a time (a few KiB, to a line's end), each piece's
    /// events re-pointed into one batch that they share, and handed to `out` once the
    /// piece is parsed.
    pub fn feed(&mut self, chunk: Bytes, mut out: impl FnMut(OwnedEvent)) {
        if chunk.is_empty() {
            return;
        }
        self.repointer.set_chunk(chunk.clone());
        let mut start = 0;
        while start < chunk.len() {
            let (batch, end) = self.next_batch(start);
            let mut index = 0;
            for event in self.pending.drain(..) {
                match event {
                    Pending::Shared(copies) => {
                        out(OwnedEvent { batch: batch.clone(), index, copies });
                        index += 1;
                    }
                    Pending::Alone(event) => out(event),
                }
            }
            start = end;
        }
        // The chunk is kept alive by its events only.
        self.repointer.set_chunk(Bytes::new());
    }

    /// Parse the piece of `chunk` that starts at `start` into one batch, and say where it
    /// ends: what [`crate::read_events`] does a batch at a time, handing out one batch's
    /// events before it parses the next (so that a caller who drops each event re-uses
    /// the same memory, as `feed`'s does).
    pub(crate) fn feed_batch(&mut self, chunk: &Bytes, start: usize) -> (BatchEvents, usize) {
        self.repointer.set_chunk(chunk.clone());
        let (batch, end) = self.next_batch(start);
        self.repointer.set_chunk(Bytes::new());
        let room = self.pending.capacity();
        let pending = std::mem::replace(&mut self.pending, Vec::with_capacity(room)).into_iter();
        (BatchEvents { batch: Some(batch), pending, index: 0 }, end)
    }

    /// Parse the next piece of the repointer's chunk, from `start`, into one batch: its
    /// events are described in `pending`. Returns the batch and where the piece ended.
    fn next_batch(&mut self, start: usize) -> (Arc<Batch>, usize) {
        let OwnedEvents { parser, repointer, pending, room, piece } = self;
        let (chunk, size) = (&repointer.chunk, (*piece).clamp(MIN_PIECE, MAX_PIECE));
        let end = match chunk.get(start + size..) {
            Some(rest) => memchr::memchr(b'\n', rest).map_or(chunk.len(), |at| start + size + at + 1),
            None => chunk.len(),
        };
        let cart = repointer.start_batch();
        let batch: Batch = Yoke::attach_to_cart(cart, |cart: &Cart| {
            let mut batch = BatchState::new(cart, *room);
            let bytes = cart.chunk.get(start..end).unwrap_or_default();
            parser.feed(bytes, &mut Taker { repointer, batch: &mut batch, pending });
            Events(batch.events)
        });
        let events = batch.get().0.len();
        // Room for a quarter more than the largest batch so far had (a batch a little larger
        // than the last is not copied to a `Vec` twice as large), within twice the usual
        // size (a line of thousands of counters makes one large batch, not every later one).
        *room = (*room).max(events + events / 4).min(2 * BATCH);
        // The next piece: as many bytes as hold `BATCH` events, at this one's rate; at most
        // twice this one, so that a piece of few events (a /proc names line) is not
        // followed by one of thousands (a batch of megabytes).
        *piece = ((end - start).saturating_mul(BATCH) / events.max(1)).min(2 * size);
        (Arc::new(batch), end)
    }

    /// Signal the end of input: the last line (without its newline) and anything held back.
    pub fn finish(&mut self, mut out: impl FnMut(OwnedEvent)) {
        let OwnedEvents { parser, repointer, .. } = self;
        parser.finish(&mut |ev: Event<'_>| out(repointer.alone(&ev)));
    }

    /// [`OwnedEvents::finish`]'s events (each made alone), to hand out as a batch's.
    pub(crate) fn finish_batch(&mut self) -> BatchEvents {
        let mut pending = Vec::new();
        self.finish(|event| pending.push(Pending::Alone(event)));
        BatchEvents { batch: None, pending: pending.into_iter(), index: 0 }
    }

    /// How the lines seen so far were accounted for.
    pub fn stats(&self) -> LineStats {
        self.parser.stats()
    }

    /// The push parser inside.
    pub fn parser(&self) -> &PushParser {
        &self.parser
    }
}

// Re-pointing the events' own types; the grammar's row types have theirs in the grammar.

impl<'a> MapBytes<'a> for Event<'a> {
    type Mapped<'b> = Event<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Event<'b> {
        Event { at: self.at, capture: self.capture, kind: self.kind.map_bytes(f) }
    }
}

impl<'a> MapBytes<'a> for EventKind<'a> {
    type Mapped<'b> = EventKind<'b>;

    #[inline]
    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> EventKind<'b> {
        match self {
            EventKind::Section(s) => EventKind::Section(s.map_bytes(f)),
            EventKind::InetConn(r) => EventKind::InetConn(r.map_bytes(f)),
            EventKind::UnixSocket(r) => EventKind::UnixSocket(r.map_bytes(f)),
            EventKind::SsSocket(s) => EventKind::SsSocket(s.map_bytes(f)),
            EventKind::Counter(c) => EventKind::Counter(c.map_bytes(f)),
            EventKind::Interface(r) => EventKind::Interface(r.map_bytes(f)),
            EventKind::Membership(r) => EventKind::Membership(r.map_bytes(f)),
            EventKind::Notice(n) => EventKind::Notice(n.map_bytes(f)),
            EventKind::Malformed(m) => EventKind::Malformed(m.map_bytes(f)),
        }
    }
}

impl<'a> MapBytes<'a> for Section<'a> {
    type Mapped<'b> = Section<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Section<'b> {
        let Section { table, lang, name, header, columns } = *self;
        Section { table, lang, name: f(name), header: header.map_bytes(f), columns }
    }
}

impl<'a> MapBytes<'a> for SsSocket<'a> {
    type Mapped<'b> = SsSocket<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> SsSocket<'b> {
        SsSocket { row: self.row.map_bytes(f), info: f(self.info) }
    }
}

impl<'a> MapBytes<'a> for Counter<'a> {
    type Mapped<'b> = Counter<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Counter<'b> {
        let Counter { source, section, name, subtable, value, text, line, position, rate } = *self;
        Counter {
            source,
            section: f(section),
            name: name.map_bytes(f),
            subtable: subtable.map_bytes(f),
            value,
            text: f(text),
            line: f(line),
            position,
            rate,
        }
    }
}

impl<'a> MapBytes<'a> for Notice<'a> {
    type Mapped<'b> = Notice<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Notice<'b> {
        Notice { kind: self.kind, text: f(self.text) }
    }
}

impl<'a> MapBytes<'a> for Malformed<'a> {
    type Mapped<'b> = Malformed<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Malformed<'b> {
        Malformed { raw: f(self.raw), problem: self.problem }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compile-time: owned events cross threads and live as long as they like.
    const _: fn() = || {
        fn assert_send_sync_static<T: Send + Sync + 'static>() {}
        assert_send_sync_static::<OwnedEvent>();
    };

    fn owned_of(input: &'static [u8], cuts: &[usize]) -> Vec<OwnedEvent> {
        let mut parser = OwnedEvents::new(Format::Auto);
        let mut out = Vec::new();
        let mut start = 0;
        for &cut in cuts {
            parser.feed(Bytes::from_static(&input[start..cut]), |e| out.push(e));
            start = cut;
        }
        parser.feed(Bytes::from_static(&input[start..]), |e| out.push(e));
        parser.finish(|e| out.push(e));
        out
    }

    const NETSTAT: &[u8] = b"Active Internet connections (servers and established)\n\
Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\n\
tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)\n";

    #[test]
    fn a_row_inside_its_chunk_shares_the_chunk() {
        let events = owned_of(NETSTAT, &[]);
        assert_eq!(events.len(), 2);
        let EventKind::InetConn(row) = events[1].kind() else { panic!("{:?}", events[1]) };
        // Zero copy: the row points into the static input itself.
        let base = NETSTAT.as_ptr() as usize;
        let at = row.line.as_ptr() as usize;
        assert!(at >= base && at < base + NETSTAT.len());
        assert_eq!(events[1].chunk().as_ptr(), NETSTAT.as_ptr());
        assert!(events[1].copies().iter().all(|c| c.is_empty()));
        assert_eq!(row.owner, Some(netsift_grammar::netstat::Owner::Process { pid: 900, name: b"sshd" }));
    }

    #[test]
    fn a_row_cut_between_chunks_is_copied_once() {
        let cut = NETSTAT.len() - 30;
        let events = owned_of(NETSTAT, &[cut]);
        let EventKind::InetConn(row) = events[1].kind() else { panic!("{:?}", events[1]) };
        let [settled, cart] = events[1].copies();
        assert!(settled.is_empty());
        // The copy holds the line and nothing else: every field was found inside it, and
        // the chunk (which holds none of it) is not kept.
        assert!(events[1].chunk().is_empty());
        assert_eq!(&cart[..], row.line);
        let inside = |s: &[u8]| {
            let (c, p) = (cart.as_ptr() as usize, s.as_ptr() as usize);
            p >= c && p + s.len() <= c + cart.len()
        };
        let netsift_grammar::netstat::Owner::Process { name, .. } = row.owner.unwrap() else { panic!() };
        assert!(inside(row.line) && inside(name) && inside(row.timer.unwrap().word));
        assert_eq!(events, owned_of(NETSTAT, &[]));
    }

    #[test]
    fn a_counter_with_names_from_the_tables_borrows_them_there() {
        let input = b"Tcp:\n    9 active connection openings\n";
        let events = owned_of(input, &[]);
        let EventKind::Counter(c) = events[1].kind() else { panic!("{:?}", events[1]) };
        assert_eq!((c.section, c.name, c.value), (&b"Tcp"[..], Some(&b"ActiveOpens"[..]), 9));
        assert_eq!(c.text, b"9 active connection openings");
        // `ActiveOpens` is not in the input: it is the grammar's table's own (which never
        // changes, so nothing is copied), and the event shares the chunk for its line and
        // text.
        assert_eq!(events[1].chunk().as_ptr(), input.as_ptr());
        assert!(events[1].copies().iter().all(|c| c.is_empty()));
        assert_eq!(static_name(c.name.unwrap()).map(<[u8]>::as_ptr), c.name.map(<[u8]>::as_ptr));
        assert_eq!(static_name(c.section).map(<[u8]>::as_ptr), Some(c.section.as_ptr()));
        let inside = |s: &[u8], b: &Bytes| {
            let (c, p) = (b.as_ptr() as usize, s.as_ptr() as usize);
            p >= c && p + s.len() <= c + b.len()
        };
        assert!(inside(c.line, events[1].chunk()) && inside(c.text, events[1].chunk()));
    }

    #[test]
    fn the_counters_of_a_values_line_share_one_copy_of_its_names() {
        let input = b"TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed\nTcpExt: 1 2 3\n\
IpExt: InNoRoutes InTruncatedPkts\nIpExt: 4 5\n";
        let events = owned_of(input, &[]);
        let counters: Vec<_> = events.iter().filter(|e| matches!(e.kind(), EventKind::Counter(_))).collect();
        assert_eq!(counters.len(), 5);
        let copy = |e: &OwnedEvent| (e.copies()[1].as_ptr(), e.copies()[1].len());
        // The names line was copied once (the names are not in the values line's chunk…)
        // and each line's counters share that copy.
        assert!(counters.iter().all(|e| !e.copies()[1].is_empty() && e.chunk().as_ptr() == input.as_ptr()));
        assert_eq!(copy(counters[0]), copy(counters[2]));
        assert_eq!(copy(counters[3]), copy(counters[4]));
        assert_eq!(counters[1].copies()[1].as_ref(), b"TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed");
        // …and the events equal those of a copy of every event.
        let mut parser = PushParser::new(Format::Auto);
        let mut all = Vec::new();
        parser.feed(input, &mut |ev: Event<'_>| all.push(OwnedEvent::copy_of(&ev)));
        parser.finish(&mut |ev: Event<'_>| all.push(OwnedEvent::copy_of(&ev)));
        assert_eq!(events, all);
    }

    #[test]
    fn copy_of_equals_the_borrowed_event() {
        let mut parser = PushParser::new(Format::Auto);
        let mut n = 0;
        let mut check = |ev: Event<'_>| {
            assert_eq!(OwnedEvent::copy_of(&ev), ev);
            n += 1;
        };
        parser.feed(NETSTAT, &mut check);
        parser.finish(&mut check);
        assert_eq!(n, 2);
    }

    /// Every event of `input` fed in chunks of `chunk` bytes, against a copy of each
    /// borrowed event.
    fn check_against_copies(input: &[u8], chunk: usize) -> Vec<OwnedEvent> {
        let mut parser = OwnedEvents::new(Format::Auto);
        let mut owned = Vec::new();
        for piece in input.chunks(chunk) {
            parser.feed(Bytes::copy_from_slice(piece), |e| owned.push(e));
        }
        parser.finish(|e| owned.push(e));
        let mut reference = PushParser::new(Format::Auto);
        let mut copies = Vec::new();
        reference.feed(input, &mut |ev: Event<'_>| copies.push(OwnedEvent::copy_of(&ev)));
        reference.finish(&mut |ev: Event<'_>| copies.push(OwnedEvent::copy_of(&ev)));
        assert_eq!(owned, copies, "chunks of {chunk}");
        owned
    }

    #[test]
    fn netstat_s_titles_share_the_chunk_and_counters_stay_right_across_sections() {
        // Two captures; `Foo:` and `Bar:` hold a sentence no table maps, so their counters'
        // section is the machine's held name, re-written at each title at the same address
        // with the same length: only comparing the bytes tells `Bar` from the copy of `Foo`.
        let input = b"Ip:\n    9 total packets received\nFoo:\n    3 things happened\nIcmp:\n    ICMP input histogram:\n        echo requests: 4\n\
Ip:\n    10 total packets received\nBar:\n    5 things happened\nIcmp:\n    ICMP input histogram:\n        echo requests: 6\n";
        let owned = check_against_copies(input, input.len());
        let sections: Vec<_> = owned.iter().filter(|e| matches!(e.kind(), EventKind::Section(_))).collect();
        assert_eq!(sections.len(), 8);
        for e in &sections {
            let EventKind::Section(s) = e.kind() else { unreachable!() };
            // The name is the title line's, in the chunk: nothing copied for it.
            let chunk = e.chunk();
            let (c, p) = (chunk.as_ptr() as usize, s.name.as_ptr() as usize);
            assert!(p >= c && p + s.name.len() <= c + chunk.len(), "{:?}", e);
        }
        let unmapped: Vec<_> = owned
            .iter()
            .filter_map(|e| match e.kind() {
                EventKind::Counter(c) if c.name.is_none() => Some((c.section, c.value)),
                _ => None,
            })
            .collect();
        assert_eq!(unmapped, [(&b"Foo"[..], 3), (&b"Bar"[..], 5)]);
        for chunk in [1, 7, 20] {
            check_against_copies(input, chunk);
        }
    }

    /// A `netstat -s` counter's held section and sub-table are found among the batch's
    /// titles by their bytes: a section name as long as the histogram's title (and held
    /// names re-written at the same address) must not be taken for one another.
    #[test]
    fn netstat_s_counters_find_their_section_and_histogram_titles_by_their_bytes() {
        let input = b"Icmp:\n    ICMP input histogram:\n        echo requests: 4\n    Widgets: 1\n\
Abcdefghijklmnopqrst:\n    ICMP input histogram:\n        echo requests: 5\n    Widgets: 2\n\
Qrstuvwxyzabcdefghij:\n    ICMP input histogram:\n        echo requests: 6\n    Widgets: 3\n";
        let owned = check_against_copies(input, input.len());
        let counters: Vec<_> = owned
            .iter()
            .filter_map(|e| match e.kind() {
                EventKind::Counter(c) => Some((c.section, c.subtable, c.value)),
                _ => None,
            })
            .collect();
        assert!(counters.iter().any(|c| c.1 == Some(&b"ICMP input histogram"[..])), "{counters:?}");
        assert!(counters.iter().any(|c| c.0 == b"Qrstuvwxyzabcdefghij"), "{counters:?}");
        for chunk in [1, 7, 20, 64] {
            check_against_copies(input, chunk);
        }
    }

    #[test]
    fn proc_counters_against_copies_in_any_chunks() {
        let input = b"TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed\nTcpExt: 1 2 3\n\
IpExt: InNoRoutes InTruncatedPkts\nIpExt: 4 5\nTcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed\nTcpExt: 6 7 8\n\
IpExt: InNoRoutes InTruncatedPkts\nIpExt: 9 10\n";
        for chunk in [1, 5, 13, 64, input.len()] {
            let owned = check_against_copies(input, chunk);
            let values: Vec<i128> = owned
                .iter()
                .filter_map(|e| match e.kind() {
                    EventKind::Counter(c) => Some(c.value),
                    _ => None,
                })
                .collect();
            assert_eq!(values, (1..=10).collect::<Vec<_>>());
        }
    }

    /// A /proc pair's names line is taken in the chunk (after the last values line's
    /// newline) only where the chunk holds its bytes there: the second pair's names line
    /// follows the first's values line, and is read there; the third's follows a blank
    /// line, so the bytes after the values line's newline (as many as the names line has)
    /// are another line's, and it is copied.
    #[test]
    fn a_proc_names_line_is_taken_from_the_chunk_only_with_the_same_bytes() {
        let input =
            b"TcpExt: SyncookiesSent SyncookiesRecv\nTcpExt: 1 2\nIpExt: InNoRoutes InTruncatedPkts\nIpExt: 3 4\n\n\
TcpExt: SyncookiesSent SyncookiesRecv\nTcpExt: 5 6\n";
        for chunk in [1, 7, 40, input.len()] {
            check_against_copies(input, chunk);
        }
        let owned = check_against_copies(input, input.len());
        let in_chunk = |e: &OwnedEvent, s: &[u8]| {
            let (c, n) = (e.chunk().as_ptr() as usize, s.as_ptr() as usize);
            n >= c && n + s.len() <= c + e.chunk().len()
        };
        let shared: Vec<bool> = owned
            .iter()
            .map(|e| match e.kind() {
                EventKind::Section(s) => s.header.is_some_and(|h| in_chunk(e, h)),
                EventKind::Counter(c) => c.name.is_some_and(|n| in_chunk(e, n)),
                _ => false,
            })
            .collect();
        assert_eq!(shared, [false, false, false, true, true, true, false, false, false]);
    }

    /// A netstat -s counter's section held by the machine (outside the chunk) is taken
    /// from the batch's title only when the title has its bytes, not only its length.
    /// (Within a batch the held name is always the last title's, so the differential tests
    /// cannot reach a stale title: this holds the compare.)
    #[test]
    fn a_held_section_is_taken_from_the_titles_only_with_the_same_bytes() {
        // The machine's held copy of the section name, outside the chunk; a batch's titles
        // as long as it, one with other bytes.
        let held = b"Udp".to_vec();
        let chunk = Bytes::from_static(b"Tcp:\n    Foo: 1\n");
        let line = &chunk[5..15];
        let event = Event {
            at: Position::default(),
            capture: 1,
            kind: EventKind::Counter(Counter {
                source: crate::events::CounterSource::NetstatS,
                section: &held,
                name: Some(&line[4..7]),
                subtable: None,
                value: 1,
                text: &line[4..],
                line,
                position: None,
                rate: None,
            }),
        };
        let EventKind::Counter(c) = &event.kind else { unreachable!() };
        let other = b"Udp".to_vec();
        for (title, taken) in [(&chunk[..3], false), (&other[..], true)] {
            let mut missed = false;
            let owned =
                counter_of_tables(&event, c, StaticNames::default(), &chunk, Run::default(), [title, &[]], &mut missed);
            assert_eq!(!missed, taken, "title {}", String::from_utf8_lossy(title));
            if let (EventKind::Counter(o), true) = (owned.kind, taken) {
                assert_eq!((o.section, o.section.as_ptr()), (&b"Udp"[..], other.as_ptr()));
                assert_eq!(o.name.map(<[u8]>::as_ptr), Some(line[4..].as_ptr()));
            }
        }
    }

    /// A /proc values line's counters take their names from the copy of the names line in
    /// the batch's run only when it holds the same bytes: the machine re-writes its names
    /// line at the same address, so the address alone says nothing.
    #[test]
    fn a_names_line_is_found_in_a_copy_only_with_the_same_bytes() {
        let names = b"TcpExt: SyncookiesSent SyncookiesRecv".to_vec();
        let event = Event {
            at: Position::default(),
            capture: 1,
            kind: EventKind::Counter(Counter {
                source: crate::events::CounterSource::Proc,
                section: &names[..6],
                name: None,
                subtable: None,
                value: 0,
                text: &[],
                line: &[],
                position: None,
                rate: None,
            }),
        };
        let (cart, repointer) = (Cart::default(), Repointer::default());
        for (copy, found) in
            [(&b"TcpExt: SyncookiesSent SyncookiesRecv"[..], true), (b"TcpExt: SyncookiesSent SyncookiesFail", false)]
        {
            let mut batch = BatchState::new(&cart, 0);
            batch.run = Run { at: names.as_ptr() as usize, copy };
            let line = repointer.line_repointed(&event, &names, &batch);
            assert_eq!(line.is_some(), found, "{}", String::from_utf8_lossy(copy));
            if let Some(line) = line {
                assert_eq!((line.counter.section, line.names.as_ptr()), (&b"TcpExt"[..], copy.as_ptr()));
            }
        }
    }

    /// Handing an owned event on copies its batch's pointer and its place, not the event.
    #[test]
    fn an_owned_event_is_two_words() {
        assert_eq!(std::mem::size_of::<OwnedEvent>(), 16);
    }

    /// A chunk of many pieces: each piece's events share one batch, every event equals the
    /// borrowed one, in any chunking, with copies re-made in the middle of pieces.
    #[test]
    fn the_pieces_of_a_large_chunk_share_batches_and_equal_the_borrowed_events() {
        let mut input = Vec::new();
        // /proc: every values line needs its names line copied; the names differ per
        // round, so some copies are re-made in the middle of a piece, and chained.
        for round in 0..300 {
            input.extend_from_slice(format!("TcpExt: SyncookiesSent R{round} SyncookiesFailed\n").as_bytes());
            input.extend_from_slice(
                format!("TcpExt: {round} 2 3\nIpExt: InNoRoutes InTruncatedPkts\nIpExt: 4 5\n").as_bytes(),
            );
        }
        // netstat: its table, then many rows.
        input.extend_from_slice(NETSTAT);
        let row = NETSTAT.split_inclusive(|&b| b == b'\n').next_back().unwrap_or_default();
        for _ in 0..400 {
            input.extend_from_slice(row);
        }
        let input = input.as_slice();
        for chunk in [997, 8192, input.len()] {
            let owned = check_against_copies(input, chunk);
            if chunk == input.len() {
                let batches: Vec<_> = owned.iter().map(|e| Arc::as_ptr(&e.batch)).collect();
                let distinct = batches.windows(2).filter(|w| w[0] != w[1]).count() + 1;
                // Many pieces, each of many events.
                assert!(distinct > 3 && distinct * 20 < owned.len(), "{distinct} batches for {} events", owned.len());
                let rows = owned.iter().filter(|e| matches!(e.kind(), EventKind::InetConn(_))).count();
                assert_eq!(rows, 401);
                // A counter's names are in the copy it says it keeps, or in the chunk (its
                // names line read there, right after the last values line).
                for e in &owned {
                    if let EventKind::Counter(c) = e.kind() {
                        let inside = |b: &Bytes| {
                            let (r, n) = (b.as_ptr() as usize, c.section.as_ptr() as usize);
                            n >= r && n + c.section.len() <= r + b.len()
                        };
                        assert!(inside(e.copies()[1]) || inside(e.chunk()), "{e:?}");
                    }
                }
            }
        }
    }

    /// netstat's rows take their own way into a batch (`inet_repointed`, `unix_repointed`):
    /// every slice of theirs (names, programs, timers, paths) and a kernel table's fields
    /// equal the borrowed event's, in any chunking (rows cut between chunks too).
    #[test]
    fn netstat_and_kernel_rows_equal_the_borrowed_events() {
        let inputs: [(&[u8], bool); 5] = [
            (include_bytes!("../../tests/fixtures/captured/deb12_netstat-neopa.txt"), false),
            (include_bytes!("../../tests/fixtures/captured/deb12_longhosts_netstat-a.txt"), false),
            (include_bytes!("../../tests/fixtures/corpus/jc/centos-7.7_netstat-sudo-lnp.out"), false),
            (include_bytes!("../../tests/fixtures/corpus/jc/linux-proc_net_tcp"), true),
            (include_bytes!("../../tests/fixtures/corpus/jc/linux-proc_net_unix"), true),
        ];
        for (input, kernel) in inputs {
            for chunk in [1, 61, 4096, input.len()] {
                let owned = check_against_copies(input, chunk);
                let rows: Vec<_> = owned
                    .iter()
                    .filter_map(|e| match e.kind() {
                        EventKind::InetConn(r) => Some(r.kernel.is_some()),
                        EventKind::UnixSocket(r) => Some(r.kernel.is_some()),
                        _ => None,
                    })
                    .collect();
                assert!(rows.len() > 3 && rows.iter().all(|&k| k == kernel), "{rows:?}");
            }
        }
    }

    /// `netstat -s`'s counters named from the grammar's tables borrow those very names (no
    /// copy), and equal the borrowed events; the table finds exactly its names.
    #[test]
    fn table_names_are_kept_as_they_are() {
        use netsift_grammar::netstat_s::templates;
        let input = include_bytes!("../../tests/fixtures/captured/deb12_netstat-s.txt");
        check_against_copies(input, 61);
        let owned = check_against_copies(input, input.len());
        let tables: std::collections::HashSet<(usize, usize)> =
            templates().iter().flat_map(|t| [t.section, t.name]).map(|n| (n.as_ptr() as usize, n.len())).collect();
        let from_tables = owned
            .iter()
            .filter(|e| match e.kind() {
                EventKind::Counter(c) => c.name.is_some_and(|n| tables.contains(&(n.as_ptr() as usize, n.len()))),
                _ => false,
            })
            .count();
        assert!(from_tables > 15, "{from_tables} counters named from the tables");
        for t in templates() {
            for name in [t.section, t.name] {
                assert_eq!(static_name(name.as_bytes()).map(<[u8]>::as_ptr), Some(name.as_ptr()));
                // The same bytes elsewhere are not the table's.
                assert_eq!(static_name(name.to_owned().as_bytes()), None);
            }
        }
        // Nor is any other slice, whatever its address and length (most of these land on a
        // slot the table holds a name in).
        let elsewhere = vec![b'x'; 4096];
        for at in 0..elsewhere.len() - 32 {
            for len in 0..32 {
                assert_eq!(static_name(&elsewhere[at..at + len]), None, "{at} {len}");
            }
        }
    }

    /// The binary search forgets exactly what the plain filter forgot.
    #[test]
    fn drop_overlapping_equals_a_plain_filter() {
        let overlaps = |a: &Source, b: &Source| a.at < b.at + b.len && b.at < a.at + a.len;
        // Sources: runs of 1..=3 bytes with gaps of 0..=2, at many starts.
        for seed in 0u64..400 {
            let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mut next = |m: u64| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((x >> 33) % m) as usize
            };
            let mut sources = Vec::new();
            let mut at = 100;
            for _ in 0..next(8) {
                at += next(3);
                let len = 1 + next(3);
                sources.push(Source { at, len, offset: 0 });
                at += len;
            }
            let runs: Vec<Source> =
                (0..1 + next(2)).map(|_| Source { at: 98 + next(30), len: 1 + next(6), offset: 0 }).collect();
            let mut plain = sources.clone();
            plain.retain(|s| !runs.iter().any(|r| overlaps(r, s)));
            drop_overlapping(&mut sources, &runs);
            let key = |v: &[Source]| v.iter().map(|s| (s.at, s.len)).collect::<Vec<_>>();
            assert_eq!(key(&sources), key(&plain), "seed {seed}");
        }
    }
}
