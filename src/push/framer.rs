//! Cutting a stream of byte chunks into lines.
//!
//! Complete lines inside a chunk are handed out straight from the chunk, with no copy.
//! Only the unfinished last line of a chunk is copied, into a carry-over buffer that never
//! grows past the line cap: a longer line is reported as too long and its bytes are
//! counted, not kept.

use bytes::BytesMut;
use memchr::memchr;

/// Where a line starts in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: u64,
    /// Byte offset of the line's first byte from the start of the input.
    pub offset: u64,
}

/// One line out of the framer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framed<'a> {
    /// A complete line, without its `\n` or `\r\n`.
    Line(&'a [u8], Position),
    /// A line longer than the cap: its first bytes and its full length (without ending).
    TooLong {
        /// The first bytes of the line (at most [`TOO_LONG_PREFIX`]).
        prefix: &'a [u8],
        /// The full length of the line in bytes.
        length: u64,
        /// Where it started.
        at: Position,
    },
}

/// Where the framer hands its lines: what [`LineFramer::feed_to`] feeds.
///
/// A format whose reader can tell a line's end as it reads the line's last field reads the
/// line in [`LineReader::read_through`], and the framer does not search for its newline
/// first (one pass over the line instead of two); any line it declines, and every line the
/// framer had to carry over between chunks, comes to [`LineReader::framed`] as usual.
pub trait LineReader {
    /// Read the line that starts `rest` (at `at`), if this reader can, up to and including
    /// its `\n`, and return that length. `rest` holds at most the line cap and one byte
    /// more, so a newline found in it ends a line the cap allows. Returning `Some(n)`
    /// promises that `rest[n - 1]` is the first `\n` of `rest` and that everything
    /// [`LineReader::framed`] would have done with `Framed::Line` of that line (its `\r\n`
    /// read as the line ending) is done. `None`: nothing was done, the framer frames it.
    #[inline]
    fn read_through(&mut self, rest: &[u8], at: Position) -> Option<usize> {
        let _ = (rest, at);
        None
    }

    /// One line (or over-long line) found by the framer.
    fn framed(&mut self, framed: Framed<'_>);
}

/// A closure as a [`LineReader`] that reads nothing through.
struct Emit<F>(F);

impl<F: FnMut(Framed<'_>)> LineReader for Emit<F> {
    #[inline(always)]
    fn framed(&mut self, framed: Framed<'_>) {
        (self.0)(framed)
    }
}

/// How many bytes of an over-long line are kept to show in its error.
pub const TOO_LONG_PREFIX: usize = 128;

/// The default cap on a line's length: 1 MiB.
pub const DEFAULT_LINE_CAP: usize = 1 << 20;

/// The carry-over's capacity from the start: longer than the lines of every real capture.
const CARRY_RESERVE: usize = 16 << 10;

/// Cuts chunks into lines. See the module documentation.
#[derive(Debug, Clone)]
pub struct LineFramer {
    carry: BytesMut,
    cap: usize,
    /// Position of the line that starts at the beginning of `carry` (or the next line).
    next: Position,
    /// Inside an over-long line: its length so far and its first bytes.
    overlong: Option<(u64, Vec<u8>)>,
    /// The largest the carry-over ever was, for tests and `count`.
    carry_high_water: usize,
}

impl LineFramer {
    /// A framer whose lines may be at most `cap` bytes long (at least 1).
    pub fn new(cap: usize) -> Self {
        // Room for any ordinary line up front, so that the carry-over does not grow (and
        // allocate) the first time a longer line straddles two chunks.
        let cap = cap.max(1);
        LineFramer {
            carry: BytesMut::with_capacity(cap.min(CARRY_RESERVE)),
            cap,
            next: Position { line: 1, offset: 0 },
            overlong: None,
            carry_high_water: 0,
        }
    }

    /// Number the lines from `at` on: for a part of an input framed on its own. Only
    /// between lines (nothing carried over).
    pub(super) fn start_at(&mut self, at: Position) {
        debug_assert!(self.carry.is_empty() && self.overlong.is_none());
        self.next = at;
    }

    /// Whether both framers are between the same two lines, with nothing carried over; with
    /// the same line numbers unless `lines` is false (then the byte offsets alone).
    pub(super) fn same_place(&self, other: &LineFramer, lines: bool) -> bool {
        let idle = |f: &LineFramer| f.carry.is_empty() && f.overlong.is_none();
        let numbered = !lines || self.next.line == other.next.line;
        idle(self) && idle(other) && self.next.offset == other.next.offset && numbered && self.cap == other.cap
    }

    /// The longest line this framer hands out.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// The largest size the carry-over buffer reached: never more than the cap.
    pub fn carry_high_water(&self) -> usize {
        self.carry_high_water
    }

    /// Total bytes framed so far (complete lines and the carried tail).
    pub fn bytes_seen(&self) -> u64 {
        self.next.offset + self.pending_len()
    }

    fn pending_len(&self) -> u64 {
        match &self.overlong {
            Some((len, _)) => *len,
            None => self.carry.len() as u64,
        }
    }

    /// Feed a chunk; `emit` receives every line completed by it, in order.
    pub fn feed(&mut self, chunk: &[u8], emit: impl FnMut(Framed<'_>)) {
        self.feed_to(chunk, &mut Emit(emit));
    }

    /// Feed a chunk to a [`LineReader`]: at each line that starts inside the chunk the
    /// reader is first offered the bytes from the line's start, to read the line and find
    /// its end in one pass; a line it declines is framed as [`LineFramer::feed`] frames it
    /// (the newline searched for) and handed to [`LineReader::framed`].
    pub fn feed_to<R: LineReader + ?Sized>(&mut self, mut chunk: &[u8], reader: &mut R) {
        // First finish the line carried over from earlier chunks, if any.
        if self.overlong.is_some() || !self.carry.is_empty() {
            match memchr(b'\n', chunk) {
                None => {
                    self.extend_pending(chunk);
                    return;
                }
                Some(nl) => {
                    self.extend_pending(&chunk[..nl]);
                    self.complete_pending(1, &mut |framed| reader.framed(framed));
                    chunk = &chunk[nl + 1..];
                }
            }
        }
        // Then every complete line of the chunk, straight from the chunk.
        let window = self.cap.saturating_add(1);
        loop {
            let at = self.next;
            // At most the cap and its newline: a line the reader finds the end of is
            // never longer than the cap.
            if let Some(n) = reader.read_through(&chunk[..chunk.len().min(window)], at) {
                debug_assert!(
                    n > 0 && n <= chunk.len() && chunk[n - 1] == b'\n' && memchr(b'\n', &chunk[..n - 1]).is_none()
                );
                self.advance(n as u64);
                chunk = &chunk[n..];
                continue;
            }
            let Some(nl) = memchr(b'\n', chunk) else { break };
            let raw = &chunk[..nl];
            if raw.len() > self.cap {
                reader.framed(Framed::TooLong {
                    prefix: &raw[..TOO_LONG_PREFIX.min(raw.len())],
                    length: raw.len() as u64,
                    at,
                });
            } else {
                reader.framed(Framed::Line(strip_cr(raw), at));
            }
            self.advance(nl as u64 + 1);
            chunk = &chunk[nl + 1..];
        }
        // Keep the unfinished tail.
        self.extend_pending(chunk);
    }

    /// Flush the last line when the input does not end with a newline.
    pub fn finish(&mut self, mut emit: impl FnMut(Framed<'_>)) {
        if self.overlong.is_some() || !self.carry.is_empty() {
            self.complete_pending(0, &mut emit);
        }
    }

    fn extend_pending(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if let Some((len, prefix)) = &mut self.overlong {
            *len += bytes.len() as u64;
            let room = TOO_LONG_PREFIX.saturating_sub(prefix.len()).min(bytes.len());
            prefix.extend_from_slice(&bytes[..room]);
            return;
        }
        if self.carry.len() + bytes.len() > self.cap {
            let mut prefix = Vec::with_capacity(TOO_LONG_PREFIX);
            let from_carry = self.carry.len().min(TOO_LONG_PREFIX);
            prefix.extend_from_slice(&self.carry[..from_carry]);
            let from_bytes = (TOO_LONG_PREFIX - from_carry).min(bytes.len());
            prefix.extend_from_slice(&bytes[..from_bytes]);
            self.overlong = Some(((self.carry.len() + bytes.len()) as u64, prefix));
            self.carry.clear();
            return;
        }
        self.carry.extend_from_slice(bytes);
        self.carry_high_water = self.carry_high_water.max(self.carry.len());
    }

    /// Emit the pending line; `ending` is the length of its line ending (1 for `\n`, 0 at
    /// the end of input).
    fn complete_pending(&mut self, ending: u64, emit: &mut impl FnMut(Framed<'_>)) {
        let at = self.next;
        let length = match self.overlong.take() {
            Some((length, prefix)) => {
                emit(Framed::TooLong { prefix: &prefix, length, at });
                length
            }
            None => {
                let length = self.carry.len() as u64;
                emit(Framed::Line(strip_cr(&self.carry), at));
                self.carry.clear();
                length
            }
        };
        self.advance(length + ending);
    }

    fn advance(&mut self, bytes: u64) {
        self.next.line += 1;
        self.next.offset += bytes;
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Out {
        Line(Vec<u8>, u64, u64),
        Long(Vec<u8>, u64, u64, u64),
    }

    fn frame(chunks: &[&[u8]], cap: usize) -> (Vec<Out>, usize) {
        let mut f = LineFramer::new(cap);
        let mut out = Vec::new();
        let mut push = |l: Framed<'_>| match l {
            Framed::Line(b, at) => out.push(Out::Line(b.to_vec(), at.line, at.offset)),
            Framed::TooLong { prefix, length, at } => out.push(Out::Long(prefix.to_vec(), length, at.line, at.offset)),
        };
        for c in chunks {
            f.feed(c, &mut push);
        }
        f.finish(&mut push);
        (out, f.carry_high_water())
    }

    #[test]
    fn lines_and_positions() {
        let (out, _) = frame(&[b"ab\r\ncd\n", b"e"], 100);
        assert_eq!(
            out,
            vec![Out::Line(b"ab".to_vec(), 1, 0), Out::Line(b"cd".to_vec(), 2, 4), Out::Line(b"e".to_vec(), 3, 7)]
        );
    }

    #[test]
    fn chunking_does_not_matter() {
        let input = b"first line\r\nsecond\n\nfourth line without end";
        let (whole, _) = frame(&[input], 1000);
        for size in 1..input.len() {
            let chunks: Vec<&[u8]> = input.chunks(size).collect();
            assert_eq!(frame(&chunks, 1000).0, whole, "chunk size {size}");
        }
    }

    #[test]
    fn lone_cr_is_kept_and_empty_input_gives_nothing() {
        let (out, _) = frame(&[b"a\rb\n"], 10);
        assert_eq!(out, vec![Out::Line(b"a\rb".to_vec(), 1, 0)]);
        assert!(frame(&[b""], 10).0.is_empty());
        let (out, _) = frame(&[b"\n\n"], 10);
        assert_eq!(out, vec![Out::Line(vec![], 1, 0), Out::Line(vec![], 2, 1)]);
    }

    #[test]
    fn overlong_line_is_reported_not_buffered() {
        let long = vec![b'x'; 10_000];
        let mut input = b"ok\n".to_vec();
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\nafter\n");
        for size in [1, 7, 100, 4096, input.len()] {
            let chunks: Vec<&[u8]> = input.chunks(size).collect();
            let (out, high) = frame(&chunks, 64);
            assert!(high <= 64, "carry grew to {high}");
            assert_eq!(out.len(), 3);
            assert_eq!(out[0], Out::Line(b"ok".to_vec(), 1, 0));
            assert_eq!(out[1], Out::Long(vec![b'x'; TOO_LONG_PREFIX], 10_000, 2, 3));
            assert_eq!(out[2], Out::Line(b"after".to_vec(), 3, 10_004));
        }
    }

    #[test]
    fn overlong_last_line_without_newline() {
        let input = vec![b'y'; 500];
        let (out, high) = frame(&input.chunks(10).collect::<Vec<_>>(), 100);
        assert!(high <= 100);
        assert_eq!(out, vec![Out::Long(vec![b'y'; TOO_LONG_PREFIX], 500, 1, 0)]);
    }
}
