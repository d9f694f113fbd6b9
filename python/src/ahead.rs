//! Reading ahead: the input read a window at a time on a thread of its own, so that the
//! next window is read while this one is parsed.
//!
//! Reading 8 MB from the page cache is milliseconds of one core, during which the parse
//! threads would wait; read on the side, it fills the time a core is idle (between parts,
//! or while one part's thread finishes before the other's). Two buffers go round: the
//! reader fills one while the caller parses the other.
//!
//! ```text
//!   reader:  [read 1][read 2        ][read 3        ]…
//!   caller:          [parse 1       ][parse 2       ]…
//! ```
//!
//! Each buffer is read into after a gap, where the unfinished last line of the window
//! before is put back in front of the new bytes (a line longer than the gap is joined by a
//! copy). The buffers are zeroed once, when they are made, never before each read.

use std::io::{self, Read};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Room before each window's bytes for the unfinished line of the window before.
const GAP: usize = 64 << 10;

/// Bytes read into `buf[GAP..GAP + len]`; `ended` when the input ended there.
struct Block {
    buf: Vec<u8>,
    len: usize,
    ended: bool,
}

/// One window of input: the line carried over from the window before, then the bytes
/// read after it.
pub struct Window {
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Whether the input ends with this window.
    pub ended: bool,
    /// Whether `buf` is one of the reader's buffers (else a joined copy).
    recycle: bool,
}

impl Window {
    /// The window's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }
}

/// What the caller and the reading thread pass each other. A mutex and a condition
/// variable rather than channels: the reading thread then allocates nothing, so it never
/// takes one of the allocator's per-thread arenas (glibc's), which would change the
/// arenas the parse threads get from call to call and with them the memory they reuse
/// (more page faults: measured 10–15 thousand more per call on 40 MB of ss).
#[derive(Default)]
struct Handoff {
    slots: Mutex<Slots>,
    changed: Condvar,
}

#[derive(Default)]
struct Slots {
    /// Buffers to read into (two go round).
    empty: [Option<Vec<u8>>; 2],
    /// A block read and not yet taken.
    full: Option<io::Result<Block>>,
    /// The reader has stopped (the input ended, or a read failed).
    stopped: bool,
    /// The caller is done: the reader stops.
    closed: bool,
}

impl Handoff {
    fn lock(&self) -> MutexGuard<'_, Slots> {
        // Neither side panics while holding the lock; if one did, the slots are still whole.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'g>(&self, slots: MutexGuard<'g, Slots>) -> MutexGuard<'g, Slots> {
        self.changed.wait(slots).unwrap_or_else(PoisonError::into_inner)
    }

    /// The reading thread: fill each buffer given, hand it over, until the input ends, a
    /// read fails or the caller is done.
    fn read(&self, reader: &mut (dyn Read + Send)) {
        loop {
            let mut slots = self.lock();
            let buf = loop {
                if slots.closed {
                    break None;
                }
                if let Some(buf) = slots.empty.iter_mut().find_map(Option::take) {
                    break Some(buf);
                }
                slots = self.wait(slots);
            };
            drop(slots);
            let Some(mut buf) = buf else { break };
            let block = fill(reader, &mut buf[GAP..]).map(|(len, ended)| Block { buf, len, ended });
            let last = !matches!(block, Ok(Block { ended: false, .. }));
            let mut slots = self.lock();
            while slots.full.is_some() && !slots.closed {
                slots = self.wait(slots);
            }
            if slots.closed {
                break;
            }
            slots.full = Some(block);
            self.changed.notify_all();
            drop(slots);
            if last {
                break;
            }
        }
        self.lock().stopped = true;
        self.changed.notify_all();
    }

    /// A buffer back to the reader.
    fn give(&self, buf: Vec<u8>) {
        let mut slots = self.lock();
        if let Some(slot) = slots.empty.iter_mut().find(|slot| slot.is_none()) {
            *slot = Some(buf);
        }
        self.changed.notify_all();
    }
}

/// The windows of an input, read ahead by [`windows`]' thread.
pub struct Windows<'h> {
    handoff: &'h Handoff,
    /// The bytes after the last whole line of the window before.
    carry: Vec<u8>,
}

impl Windows<'_> {
    /// The next window: the bytes left over from the last one, then up to the window size
    /// of new bytes.
    pub fn next(&mut self) -> io::Result<Window> {
        let mut slots = self.handoff.lock();
        let Block { mut buf, len, ended } = loop {
            if let Some(block) = slots.full.take() {
                self.handoff.changed.notify_all();
                break block?;
            }
            if slots.stopped {
                return Err(io::Error::other("the reading thread stopped"));
            }
            slots = self.handoff.wait(slots);
        };
        drop(slots);
        let carry = std::mem::take(&mut self.carry);
        if carry.len() <= GAP {
            let start = GAP - carry.len();
            buf[start..GAP].copy_from_slice(&carry);
            self.carry = carry;
            return Ok(Window { buf, start, end: GAP + len, ended, recycle: true });
        }
        // A line longer than the gap: the two joined in a buffer of their own, and the
        // reader's buffer given back at once.
        let mut joined = carry;
        joined.extend_from_slice(&buf[GAP..GAP + len]);
        self.handoff.give(buf);
        Ok(Window { end: joined.len(), buf: joined, start: 0, ended, recycle: false })
    }

    /// Done with `window` but for its bytes from `used` on, which begin the next window.
    pub fn done(&mut self, window: Window, used: usize) {
        self.carry.clear();
        self.carry.extend_from_slice(&window.bytes()[used..]);
        if window.recycle && !window.ended {
            self.handoff.give(window.buf);
        }
    }
}

impl Drop for Windows<'_> {
    /// The caller is done (at the end, or after an error): the reader stops after the read
    /// under way.
    fn drop(&mut self) {
        self.handoff.lock().closed = true;
        self.handoff.changed.notify_all();
    }
}

/// Read `reader` in windows of up to `size` new bytes, each read on another thread while
/// `f` handles the one before ([`Windows::next`], [`Windows::done`]).
pub fn windows<T>(reader: &mut (dyn Read + Send), size: usize, f: impl FnOnce(&mut Windows<'_>) -> T) -> T {
    let handoff = Handoff::default();
    handoff.lock().empty = [Some(vec![0; GAP + size]), Some(vec![0; GAP + size])];
    std::thread::scope(|scope| {
        scope.spawn(|| handoff.read(reader));
        let mut windows = Windows { handoff: &handoff, carry: Vec::new() };
        f(&mut windows)
        // `windows` is dropped here, before the scope waits for the reader.
    })
}

/// Read until `buf` is full or the input ends: the bytes read, and whether it ended.
fn fill(reader: &mut (dyn Read + Send), buf: &mut [u8]) -> io::Result<(usize, bool)> {
    let mut len = 0;
    while len < buf.len() {
        match reader.read(&mut buf[len..]) {
            Ok(0) => return Ok((len, true)),
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((len, false))
}
