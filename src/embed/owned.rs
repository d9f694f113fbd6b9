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
//! - the caller fed a [`Bytes`] chunk to [`OwnedEvents::feed`] and every slice of the event
//!   lies inside it (the usual case: a line the chunk holds whole): the event shares the
//!   chunk, nothing is copied — the chunk stays alive as long as one of its events does;
//! - otherwise (a line cut between two chunks, an ss row held for its continuation lines, a
//!   counter name from the grammar's tables): the bytes the event borrows are copied into
//!   an arena ([`BytesMut`]) that is split off per event and re-used, so there is one
//!   small allocation (the cart's `Arc`) per such event and no copy of any byte twice:
//!   slices that lie inside another slice of the event (the fields of a row inside its
//!   line) are copied once, with it.
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
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use netsift_grammar::MapBytes;
use yoke::Yoke;

use crate::events::{Counter, Event, EventKind, Malformed, Notice, Position, Section, SsSocket};
use crate::format::Format;
use crate::push::{LineStats, PushParser};

/// The cart an owned event's bytes live in. `Bytes` itself cannot be a yoke cart (it does
/// not promise a stable address through the safe trait yoke needs), an `Arc` of it can, and
/// cloning it for the events of one chunk is a reference count, not a copy.
type Cart = Arc<Bytes>;

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
#[derive(Clone)]
pub struct OwnedEvent {
    yoke: Yoke<Event<'static>, Cart>,
}

impl OwnedEvent {
    /// The event, borrowing from this owned event: the same type the push parser emits.
    pub fn event(&self) -> Event<'_> {
        *self.yoke.get()
    }

    /// What the event is.
    pub fn kind(&self) -> &EventKind<'_> {
        &self.yoke.get().kind
    }

    /// Where its (first) line starts.
    pub fn at(&self) -> Position {
        self.yoke.get().at
    }

    /// Which capture of the input it belongs to, from 1.
    pub fn capture(&self) -> u32 {
        self.yoke.get().capture
    }

    /// The buffer this event keeps alive: the chunk it was read from when it shares one,
    /// or its own copy. For memory accounting.
    pub fn cart(&self) -> &Bytes {
        self.yoke.backing_cart()
    }

    /// Copy a borrowed event into an owned one (one allocation for its bytes, one for the
    /// cart). [`OwnedEvents`] does better when it is the one feeding the parser.
    pub fn copy_of(event: &Event<'_>) -> OwnedEvent {
        Repointer::default().owned(event, None)
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

/// Bytes of the arena reserved at a time when it runs out: events are small, so one block
/// serves many of them.
const ARENA_BLOCK: usize = 64 * 1024;

/// Builds owned events: finds where an event's bytes are, copies them when they must be
/// copied, and re-points the event into its cart. Its buffers are re-used from event to
/// event.
#[derive(Debug, Default)]
struct Repointer {
    /// Where copied bytes go; split off (and frozen) once per copied event.
    arena: BytesMut,
    /// The non-empty slices of the event being converted, as (address, length).
    ranges: Vec<(usize, usize)>,
    /// The slices that contain the others, in address order, as (address, length, offset
    /// in the event's cart).
    clusters: Vec<(usize, usize, usize)>,
    /// The cart of events that borrow nothing.
    empty: Option<Cart>,
}

impl Repointer {
    /// The owned form of `event`, sharing `chunk` when every slice lies inside it.
    fn owned(&mut self, event: &Event<'_>, chunk: Option<&Cart>) -> OwnedEvent {
        self.ranges.clear();
        let ranges = &mut self.ranges;
        event.map_bytes(&mut |s| {
            if !s.is_empty() {
                ranges.push((s.as_ptr() as usize, s.len()));
            }
            s
        });
        if self.ranges.is_empty() {
            let cart = self.empty.get_or_insert_with(|| Arc::new(Bytes::new())).clone();
            return OwnedEvent { yoke: Yoke::attach_to_cart(cart, |_| event.map_bytes(&mut |_| &[])) };
        }
        if let Some(chunk) = chunk {
            let base = chunk.as_ptr() as usize;
            let inside = |&(at, len): &(usize, usize)| at >= base && at + len <= base + chunk.len();
            if self.ranges.iter().all(inside) {
                let yoke = Yoke::attach_to_cart(chunk.clone(), |bytes: &Bytes| {
                    event.map_bytes(&mut |s| match (s.as_ptr() as usize).checked_sub(base) {
                        Some(start) if !s.is_empty() => sub_slice(bytes, start, s.len()),
                        _ => &[],
                    })
                });
                return OwnedEvent { yoke };
            }
        }
        self.copied(event)
    }

    /// The owned form of `event`, its bytes copied into the arena.
    fn copied(&mut self, event: &Event<'_>) -> OwnedEvent {
        // The slices that hold others (a row's line holds its fields) are copied, once.
        self.ranges.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        self.clusters.clear();
        let mut total = 0;
        for &(at, len) in &self.ranges {
            let within_last = self.clusters.last().is_some_and(|&(c_at, c_len, _)| at + len <= c_at + c_len);
            if !within_last {
                self.clusters.push((at, len, total));
                total += len;
            }
        }
        if self.arena.capacity() < total {
            self.arena.reserve(total.max(ARENA_BLOCK));
        }
        self.arena.resize(total, 0);
        let (arena, clusters) = (&mut self.arena, &mut self.clusters);
        event.map_bytes(&mut |s| {
            let at = s.as_ptr() as usize;
            if let Some(&(_, _, offset)) = clusters.iter().find(|&&(c_at, c_len, _)| c_at == at && c_len == s.len()) {
                if let Some(dest) = arena.get_mut(offset..offset + s.len()) {
                    dest.copy_from_slice(s);
                }
            }
            s
        });
        let cart = Arc::new(self.arena.split().freeze());
        let clusters = &self.clusters;
        let yoke = Yoke::attach_to_cart(cart, |bytes: &Bytes| {
            event.map_bytes(&mut |s| {
                let at = s.as_ptr() as usize;
                let cluster = clusters.iter().find(|&&(c_at, c_len, _)| at >= c_at && at + s.len() <= c_at + c_len);
                match cluster {
                    Some(&(c_at, _, offset)) => sub_slice(bytes, offset + (at - c_at), s.len()),
                    None => &[],
                }
            })
        });
        OwnedEvent { yoke }
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
}

impl OwnedEvents {
    /// A parser for `format` with the default line cap.
    pub fn new(format: Format) -> Self {
        Self::from_parser(PushParser::new(format))
    }

    /// Wrap a push parser (one made with a line cap of your choice, say).
    pub fn from_parser(parser: PushParser) -> Self {
        OwnedEvents { parser, repointer: Repointer::default() }
    }

    /// Feed the next chunk; `out` gets every event it completes, in input order.
    pub fn feed(&mut self, chunk: Bytes, mut out: impl FnMut(OwnedEvent)) {
        if chunk.is_empty() {
            return;
        }
        let cart = Arc::new(chunk);
        let OwnedEvents { parser, repointer } = self;
        parser.feed(cart.as_ref(), &mut |ev: Event<'_>| out(repointer.owned(&ev, Some(&cart))));
    }

    /// Signal the end of input: the last line (without its newline) and anything held back.
    pub fn finish(&mut self, mut out: impl FnMut(OwnedEvent)) {
        let OwnedEvents { parser, repointer } = self;
        parser.finish(&mut |ev: Event<'_>| out(repointer.owned(&ev, None)));
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

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Event<'b> {
        Event { at: self.at, capture: self.capture, kind: self.kind.map_bytes(f) }
    }
}

impl<'a> MapBytes<'a> for EventKind<'a> {
    type Mapped<'b> = EventKind<'b>;

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
        assert_eq!(events[1].cart().as_ptr(), NETSTAT.as_ptr());
        assert_eq!(row.owner, Some(netsift_grammar::netstat::Owner::Process { pid: 900, name: b"sshd" }));
    }

    #[test]
    fn a_row_cut_between_chunks_is_copied_once() {
        let cut = NETSTAT.len() - 30;
        let events = owned_of(NETSTAT, &[cut]);
        let EventKind::InetConn(row) = events[1].kind() else { panic!("{:?}", events[1]) };
        let cart = events[1].cart();
        // The cart holds the line and nothing else: every field was found inside it.
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
    fn a_counter_with_names_from_the_tables_copies_them_apart() {
        let input = b"Tcp:\n    9 active connection openings\n";
        let events = owned_of(input, &[]);
        let EventKind::Counter(c) = events[1].kind() else { panic!("{:?}", events[1]) };
        assert_eq!((c.section, c.name, c.value), (&b"Tcp"[..], Some(&b"ActiveOpens"[..]), 9));
        assert_eq!(c.text, b"9 active connection openings");
        // `ActiveOpens` is not in the input: the event has a cart of its own.
        assert_ne!(events[1].cart().as_ptr(), input.as_ptr());
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
}
