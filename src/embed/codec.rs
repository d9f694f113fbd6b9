//! A [`tokio_util::codec::Decoder`] of owned events (cargo feature `tokio`): read any
//! `AsyncRead` (a file, a socket, a child's stdout) through `FramedRead` as a stream of
//! [`OwnedEvent`]s.
//!
//! Frames are not lines: the decoder hands every byte `FramedRead` has buffered to the push
//! parser (which carries an unfinished line over), so the read buffer never grows with the
//! input, and a chunk may be cut anywhere. Compressed input is not recognised here:
//! decompress before (e.g. with `async-compression`).

use std::collections::VecDeque;
use std::io;

use bytes::BytesMut;
use tokio_util::codec::Decoder;

use crate::format::Format;
use crate::owned::{OwnedEvent, OwnedEvents};
use crate::push::LineStats;

/// Decodes the bytes of a capture into owned events; see the module documentation.
///
/// ```
/// use netsift::codec::EventDecoder;
/// use netsift::{EventKind, Format};
/// use tokio_util::codec::FramedRead;
/// use tokio_stream::StreamExt as _;
/// # async fn run() -> std::io::Result<()> {
/// let file = tokio::fs::File::open("examples/netstat-neopa.txt").await?;
/// let mut events = FramedRead::new(file, EventDecoder::new(Format::Auto));
/// let mut rows = 0;
/// while let Some(event) = events.next().await {
///     rows += usize::from(matches!(event?.kind(), EventKind::InetConn(_) | EventKind::UnixSocket(_)));
/// }
/// assert_eq!(rows, 293);
/// # Ok(())
/// # }
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(run()).unwrap();
/// ```
#[derive(Debug)]
pub struct EventDecoder {
    format: Format,
    parser: OwnedEvents,
    /// Events of the last chunk not handed out yet.
    ready: VecDeque<OwnedEvent>,
    /// The parser was told the input ended.
    finished: bool,
}

impl EventDecoder {
    /// A decoder for `format` (usually [`Format::Auto`]).
    pub fn new(format: Format) -> Self {
        EventDecoder { format, parser: OwnedEvents::new(format), ready: VecDeque::new(), finished: false }
    }

    /// How the lines decoded so far were accounted for.
    pub fn stats(&self) -> LineStats {
        self.parser.stats()
    }
}

impl Decoder for EventDecoder {
    type Item = OwnedEvent;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<OwnedEvent>> {
        if let Some(ev) = self.ready.pop_front() {
            return Ok(Some(ev));
        }
        if src.is_empty() {
            return Ok(None);
        }
        if self.finished {
            // The stream went on after an end of file (a tailed file): a new input.
            self.parser = OwnedEvents::new(self.format);
            self.finished = false;
        }
        let ready = &mut self.ready;
        self.parser.feed(src.split().freeze(), |ev| ready.push_back(ev));
        Ok(self.ready.pop_front())
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<OwnedEvent>> {
        if let Some(ev) = self.decode(src)? {
            return Ok(Some(ev));
        }
        if !self.finished {
            self.finished = true;
            let ready = &mut self.ready;
            self.parser.finish(|ev| ready.push_back(ev));
        }
        Ok(self.ready.pop_front())
    }
}
