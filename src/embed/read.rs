//! Iterating the events of any [`Read`]: the pull-style entry point for embedders who have
//! a file, a socket or a pipe rather than chunks to push.

use std::io::{self, Read};

use bytes::BytesMut;

use crate::format::Format;
use crate::input::Decompressed;
use crate::owned::{OwnedEvent, OwnedEvents};
use crate::push::LineStats;

/// How much is read at a time: the memory the iterator holds, besides the events the caller
/// keeps.
const CHUNK: usize = 64 * 1024;

/// The smallest free space a read is given before a new block is taken.
const MIN_READ: usize = 8 * 1024;

/// Iterate the events of `reader`, decompressing gzip or zstd on the way (recognised by
/// their first bytes), reading 64 KiB at a time: memory stays flat whatever the input's
/// size.
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
        block: BytesMut::new(),
        ready: Vec::new(),
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
    /// The free (zeroed) end of the block the next read goes into.
    block: BytesMut,
    /// Events decoded and not yet handed out (those of one chunk), last first: `next`
    /// pops them off the end, which costs a length test and a 16-byte move (a queue's
    /// wrapped head cost ~20 instructions more per event). Re-used from chunk to chunk.
    ready: Vec<OwnedEvent>,
    /// The error to hand out once `ready` is empty.
    error: Option<io::Error>,
    /// The parser was told the input ended.
    finished: bool,
}

impl<R: Read> ReadEvents<R> {
    /// How the lines read so far were accounted for (all of them once the iterator is done).
    pub fn stats(&self) -> LineStats {
        self.parser.stats()
    }

    /// Read the next chunk and decode it into `ready`; at the end (or on an error), flush
    /// the parser.
    fn pull(&mut self) {
        let Some(reader) = self.reader.as_mut() else {
            return self.finish();
        };
        loop {
            // Reads go into the free end of one 64 KiB block and are split off it, so that
            // short reads (a pipe's 4 KiB) do not each pin a block of their own.
            if self.block.len() < MIN_READ {
                self.block = BytesMut::zeroed(CHUNK);
            }
            match reader.read(&mut self.block) {
                Ok(0) => break,
                Ok(n) => {
                    let chunk = self.block.split_to(n.min(self.block.len())).freeze();
                    let ready = &mut self.ready;
                    self.parser.feed(chunk, |ev| ready.push(ev));
                    ready.reverse();
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(e);
                    break;
                }
            }
        }
        self.reader = None;
        self.finish();
    }

    fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            let ready = &mut self.ready;
            self.parser.finish(|ev| ready.push(ev));
            ready.reverse();
        }
    }

    /// Read until there is an event to hand out (or the error, or the end).
    #[inline(never)]
    fn next_chunk(&mut self) -> Option<io::Result<OwnedEvent>> {
        loop {
            if let Some(event) = self.ready.pop() {
                return Some(Ok(event));
            }
            if let Some(e) = self.error.take() {
                // What was decoded before the damage was flushed into `ready` and handed
                // out above; now the error, once.
                return Some(Err(e));
            }
            if self.finished {
                return None;
            }
            self.pull();
        }
    }
}

impl<R: Read> Iterator for ReadEvents<R> {
    type Item = io::Result<OwnedEvent>;

    /// The next event of the chunk read last, inlined into the caller's loop; the read of
    /// the next chunk is out of line.
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self.ready.pop() {
            Some(event) => Some(Ok(event)),
            None => self.next_chunk(),
        }
    }
}

impl<R: Read> std::fmt::Debug for ReadEvents<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadEvents")
            .field("parser", &self.parser)
            .field("ready", &self.ready.len())
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
    fn short_reads_share_one_block() {
        let input = "Kernel Interface table\n\
Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n\
eth0             1400     1986      0      0 0          1898      0      0      0 BMRU\n\
lo              65536     5574      0      0 0          5574      0      0      0 LRU\n";
        let events: Vec<OwnedEvent> = read_events(Lines(input.lines()), Format::NetstatI).map(Result::unwrap).collect();
        assert_eq!(events.iter().map(|e| e.kind().name()).collect::<Vec<_>>(), ["section", "interface", "interface"]);
        // Each row shares the chunk of its read, and the chunks follow each other in one
        // block: one allocation for all the reads.
        let (eth0, lo) = (events[1].chunk(), events[2].chunk());
        assert_eq!(lo.as_ref(), input.lines().nth(3).map(|l| format!("{l}\n")).unwrap().as_bytes());
        assert_eq!(eth0.as_ptr() as usize + eth0.len(), lo.as_ptr() as usize);
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
