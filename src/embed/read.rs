//! Iterating the events of any [`Read`]: the pull-style entry point for embedders who have
//! a file, a socket or a pipe rather than chunks to push.

use std::io::{self, Read};

use bytes::{Bytes, BytesMut};

use crate::format::Format;
use crate::input::Decompressed;
use crate::owned::{BatchEvents, OwnedEvent, OwnedEvents};
use crate::push::LineStats;

/// Iterate the events of `reader`, decompressing gzip, zstd or xz on the way (recognised
/// by their first bytes), reading into blocks of 64 or 128 KiB: memory stays flat
/// whatever the input's size.
///
/// Items are [`OwnedEvent`]s, which share the chunk they were read from. A read error
/// (or a corrupt compressed stream) ends the iteration: the events decoded before it come
/// first, then the error, then `None`.
///
/// ```
/// use netsift::{EventKind, Format};
/// use netsift::events::{InetState, TcpState};
///
/// let file = std::fs::File::open("examples/netstat-neopa.txt").unwrap();
/// let mut listeners = 0;
/// for event in netsift::read_events(file, Format::Auto) {
///     if let EventKind::InetConn(c) = event.unwrap().kind() {
///         listeners += usize::from(c.state == InetState::Known(TcpState::Listen));
///     }
/// }
/// assert!(listeners > 0);
/// ```
pub fn read_events<R: Read>(reader: R, format: Format) -> ReadEvents<R> {
    let (reader, error) = match crate::input::decompressed(reader) {
        Ok((reader, _)) => (Some(reader), None),
        Err(e) => (None, Some(e)),
    };
    ReadEvents {
        reader,
        parser: OwnedEvents::new(format),
        blocks: Blocks::default(),
        lines: Bytes::new(),
        parsed: 0,
        ready: BatchEvents::default(),
        error,
        finished: false,
    }
}

/// The iterator [`read_events`] returns.
/// It is `Send` when the reader is, so it can be handed to a worker thread.
pub struct ReadEvents<R: Read> {
    /// `None` once the input is exhausted or failed.
    reader: Option<Decompressed<R>>,
    parser: OwnedEvents,
    /// Where reads go, and the line read last until its end is read.
    blocks: Blocks,
    /// The whole lines read last, parsed a batch at a time (empty once all are parsed,
    /// so that the block they lie in is free again when their events are dropped).
    lines: Bytes,
    /// Where the next batch starts in `lines`.
    parsed: usize,
    /// The events of the batch parsed last not yet handed out: `next` takes them in turn,
    /// and parses the next batch once they are all out. One batch at a time, so that a
    /// caller who drops each event re-uses the memory of the last (the events of a whole
    /// read, kept together, were freed and faulted in again at each read).
    ready: BatchEvents,
    /// The error to hand out once the events before it are out.
    error: Option<io::Error>,
    /// The parser was told the input ended.
    finished: bool,
}

impl<R: Read> ReadEvents<R> {
    /// How the lines parsed so far were accounted for (all of them once the iterator is
    /// done).
    pub fn stats(&self) -> LineStats {
        self.parser.stats()
    }

    /// Parse the next batch into `ready`, reading first when every line read is parsed:
    /// false at the end (after the error, if any, which waits in `error`).
    #[inline(never)]
    fn refill(&mut self) -> bool {
        // The batch handed out last is dropped before anything is read or parsed: the
        // block it shares is free for the read, and its memory for the next batch.
        self.ready = BatchEvents::default();
        loop {
            if self.parsed < self.lines.len() {
                let (events, end) = self.parser.feed_batch(&self.lines, self.parsed);
                (self.ready, self.parsed) = (events, end);
                if end >= self.lines.len() {
                    (self.lines, self.parsed) = (Bytes::new(), 0);
                }
                return true;
            }
            let Some(reader) = self.reader.as_mut() else { break };
            match self.blocks.read(reader) {
                Ok(Some(lines)) => self.lines = lines,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                end => {
                    // At the end or on an error: the last line (without its newline) is
                    // parsed next, then the parser finished.
                    self.error = end.err();
                    self.lines = self.blocks.rest();
                    self.reader = None;
                }
            }
        }
        if std::mem::replace(&mut self.finished, true) {
            return false;
        }
        self.ready = self.parser.finish_batch();
        true
    }
}

/// What a read into the re-used block is given at least: as much as the buffered reader
/// of plain input holds, so that the read bypasses its buffer (a copy).
const READ: usize = 64 * 1024;

/// The block re-used while no event holds it: two reads' room.
const RECYCLED: usize = 2 * READ;

/// A block split into the chunks of the caller who keeps events: a read's room.
const SPLIT: usize = READ;

/// The least room a read is given: with less, a block is full.
const LEAST: usize = 8 * 1024;

/// Where the bytes read go. Each read hands on the whole lines it completed, so that no
/// line is cut between two chunks (a cut line is carried by the parser and its events
/// copied out of the chunk); the line read last waits in the block for the rest of it.
///
/// A block is zeroed when it is made (safe Rust cannot read into uninitialised memory),
/// so one block is re-used while the caller drops each event before asking for the next
/// read's (a loop that looks at each event): it is frozen between reads, the chunks are
/// slices of it, and it is writable again (`Bytes::try_into_mut`) once no event holds any
/// of them. The first time an event still holds one, the caller keeps events, and the
/// blocks are split from then on: each read goes into the free end of a block and its
/// chunk is split off it, so that short reads (a pipe's 4 KiB) share a block rather than
/// each pinning one.
#[derive(Debug)]
enum Blocks {
    /// The block re-used (empty before the first read), where the line not yet handed on
    /// starts in it, and where what was read ends.
    Recycled { block: Bytes, line: usize, end: usize },
    /// The rest of a block: the line not yet handed on (`held` bytes), then free room.
    Split { rest: BytesMut, held: usize },
}

impl Default for Blocks {
    fn default() -> Self {
        Blocks::Recycled { block: Bytes::new(), line: 0, end: 0 }
    }
}

impl Blocks {
    /// Read once: the lines this read completed (empty if none; cut, when a line fills
    /// the block), or `None` at the end of the input.
    fn read(&mut self, reader: &mut impl Read) -> io::Result<Option<Bytes>> {
        loop {
            match self {
                Blocks::Recycled { block, line, end } => {
                    let frozen = std::mem::take(block);
                    // (An empty `Bytes` is never unique: the first block is made here.)
                    let writable =
                        if frozen.is_empty() { Ok(BytesMut::zeroed(RECYCLED)) } else { frozen.try_into_mut() };
                    match writable {
                        Ok(writable) => return read_recycled(writable, block, line, end, reader),
                        // An event holds it: split blocks from now on, the first starting
                        // with the line not handed on.
                        Err(held) => {
                            let rest = fresh_block(&held[*line..*end]);
                            *self = Blocks::Split { held: *end - *line, rest };
                        }
                    }
                }
                Blocks::Split { rest, held } => return read_split(rest, held, reader),
            }
        }
    }

    /// The line not handed on (the input's last, without its newline).
    fn rest(&mut self) -> Bytes {
        match self {
            Blocks::Recycled { block, line, end } => block.slice(std::mem::replace(line, *end)..*end),
            Blocks::Split { rest, held } => rest.split_to(std::mem::take(held)).freeze(),
        }
    }
}

/// Read into the re-used block, writable (no event holds it), and freeze it again into
/// `kept`.
fn read_recycled(
    mut block: BytesMut,
    kept: &mut Bytes,
    line: &mut usize,
    end: &mut usize,
    reader: &mut impl Read,
) -> io::Result<Option<Bytes>> {
    if block.len() - *end < READ && *line > 0 {
        // The line not handed on goes to the front: what was before it was handed on.
        block.copy_within(*line..*end, 0);
        (*line, *end) = (0, *end - *line);
    }
    let read = reader.read(&mut block[*end..]);
    *kept = block.freeze();
    let n = read?;
    if n == 0 {
        return Ok(None);
    }
    let cut = *line + lines_end(&kept[*line..*end + n], *end - *line, kept.len() - *line);
    let lines = kept.slice(*line..cut);
    (*line, *end) = (cut, *end + n);
    Ok(Some(lines))
}

/// Read into the free room of a split block (a fresh one when it is full), and split the
/// lines completed off it.
fn read_split(rest: &mut BytesMut, held: &mut usize, reader: &mut impl Read) -> io::Result<Option<Bytes>> {
    if rest.len() - *held < LEAST {
        *rest = fresh_block(&rest[..*held]);
    }
    let n = reader.read(&mut rest[*held..])?;
    if n == 0 {
        return Ok(None);
    }
    let cut = lines_end(&rest[..*held + n], *held, rest.len());
    // What is held now: the line not handed on, from `cut` to the end of what was read.
    *held = *held + n - cut;
    Ok(Some(rest.split_to(cut).freeze()))
}

/// A zeroed block to split, that starts with `line` (twice its length, when it is longer
/// than half a block).
fn fresh_block(line: &[u8]) -> BytesMut {
    let mut block = BytesMut::zeroed(SPLIT.max(2 * line.len()));
    block[..line.len()].copy_from_slice(line);
    block
}

/// Where the whole lines of `bytes` end: after its last newline at or after `new` (where
/// the bytes just read start: there is none before), or at its end when it leaves less
/// than [`LEAST`] of `room` (a line that fills the block is handed on cut: the parser
/// carries it); else 0.
fn lines_end(bytes: &[u8], new: usize, room: usize) -> usize {
    match memchr::memrchr(b'\n', &bytes[new..]) {
        Some(at) => new + at + 1,
        None if bytes.len() + LEAST > room => bytes.len(),
        None => 0,
    }
}

impl<R: Read> Iterator for ReadEvents<R> {
    type Item = io::Result<OwnedEvent>;

    /// The next event of the batch parsed last, inlined into the caller's loop; the next
    /// batch's parse (and read) is out of line.
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(event) = self.ready.next() {
                return Some(Ok(event));
            }
            if !self.refill() {
                // What was decoded before an error was handed out above; now the error,
                // once.
                return self.error.take().map(Err);
            }
        }
    }
}

impl<R: Read> std::fmt::Debug for ReadEvents<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadEvents")
            .field("parser", &self.parser)
            .field("ready", &self.ready)
            .field("error", &self.error)
            .field("finished", &self.finished)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives `data`, then fails.
    struct Failing<'a>(&'a [u8]);

    impl Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("disk on fire"));
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn events_before_an_error_come_first_then_the_error_then_none() {
        // The last line has no newline: it is only flushed by the finish after the error.
        let mut it = read_events(Failing(b"Ip:\n    Forwarding: 1\n    DefaultTTL: 64"), Format::NetstatS);
        let mut names = Vec::new();
        let err = loop {
            match it.next() {
                Some(Ok(ev)) => names.push(ev.kind().name()),
                Some(Err(e)) => break e,
                None => panic!("no error"),
            }
        };
        assert_eq!(names, ["section", "counter", "counter"]);
        assert_eq!(err.to_string(), "disk on fire");
        assert!(it.next().is_none());
        assert!(it.next().is_none());
    }

    /// A reader that gives one line per read.
    struct Lines<'a>(std::str::Lines<'a>);

    impl Read for Lines<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some(line) = self.0.next() else { return Ok(0) };
            let line = format!("{line}\n");
            buf[..line.len()].copy_from_slice(line.as_bytes());
            Ok(line.len())
        }
    }

    #[test]
    fn short_reads_of_a_caller_who_keeps_events_share_one_block() {
        let input = "Kernel Interface table\n\
Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n\
eth0             1400     1986      0      0 0          1898      0      0      0 BMRU\n\
lo              65536     5574      0      0 0          5574      0      0      0 LRU\n";
        let events: Vec<OwnedEvent> = read_events(Lines(input.lines()), Format::NetstatI).map(Result::unwrap).collect();
        assert_eq!(events.iter().map(|e| e.kind().name()).collect::<Vec<_>>(), ["section", "interface", "interface"]);
        // The first line went into the re-used block; the section event held it at the
        // next read, so the other lines went into a split block: each row shares the
        // chunk of its read, and the chunks follow each other in one block.
        let (eth0, lo) = (events[1].chunk(), events[2].chunk());
        assert_eq!(lo.as_ref(), input.lines().nth(3).map(|l| format!("{l}\n")).unwrap().as_bytes());
        assert_eq!(eth0.as_ptr() as usize + eth0.len(), lo.as_ptr() as usize);
    }

    #[test]
    fn a_caller_who_drops_each_event_gets_them_all_from_one_block() {
        // 1.5 MB of counters, read in reads of all sizes: every counter's chunk lies in the
        // first block (it was zeroed once).
        let input = format!("Ip:\n{}", "    12 total packets received\n".repeat(50_000));
        let readers: [(&str, Box<dyn Read>); 2] =
            [("a line a read", Box::new(Lines(input.lines()))), ("buffered reads", Box::new(input.as_bytes()))];
        for (what, reader) in readers {
            let events = read_events(reader, Format::NetstatS);
            let (mut first, mut last, mut counters) = (usize::MAX, 0, 0);
            for event in events {
                let event = event.unwrap();
                if let crate::EventKind::Counter(_) = event.kind() {
                    let chunk = event.chunk().as_ptr_range();
                    (first, last) = (first.min(chunk.start as usize), last.max(chunk.end as usize));
                    counters += 1;
                }
            }
            assert_eq!(counters, 50_000, "{what}");
            assert!(last - first <= RECYCLED, "{what}: chunks over {} bytes", last - first);
        }
    }

    #[test]
    fn gzip_is_decompressed() {
        let mut gz = Vec::new();
        {
            let mut enc = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::default());
            io::Write::write_all(&mut enc, b"Ip:\n    Forwarding: 1\n").unwrap();
        }
        let kinds: Vec<_> = read_events(&gz[..], Format::Auto).map(|e| e.unwrap().kind().name()).collect();
        assert_eq!(kinds, ["section", "counter"]);
    }
}
