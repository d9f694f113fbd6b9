//! One big file on many cores: `count --jobs N FILE` and `events --jobs N FILE`.
//!
//! The file is cut at line starts into parts. Workers take the parts in order; a part
//! after the first starts from a state guessed from the bytes just before it (see
//! `netsift::push::split`), and the calling thread, which sees the parts in order, keeps a
//! part's output only when its guess agrees with the state the parts before it ended in.
//! Otherwise it drops that output and parses the part again itself from the true state.
//! So the output is byte for byte that of one parse, and only the speed depends on the
//! guesses.
//!
//! ```text
//!   count lines per part (parallel) ─▶ line number at each cut
//!     (+ last ss headers, + capture marks when the output shows capture numbers)
//!   fold the parts' capture marks ─────▶ capture state at each cut
//!   worker: part 1 from the start ─────▶ [chunks…] Done(end state) ─┐
//!   worker: part 2 from a guess  ─▶ Start(guess) [chunks…] Done ───┼─▶ caller: guess = end
//!   worker: part 3 …                                                ┘   of part 1? keep : redo
//! ```
//!
//! A guess reads its warm-up from a state that knows nothing of what came before, so it
//! counts captures from 1, and in a periodic log starts its capture in the wrong place.
//! For `events` (whose output shows capture numbers), the pass that counts each part's
//! lines also reads its capture marks (`netsift::push::CaptureMarks`: netstat -s titles,
//! /proc prefixes, ss headers), and folding them from the file's start gives the exact
//! capture state at each cut, which the guess takes before its part (`set_capture_state`).
//! `count` does not show capture numbers, and skips the marks.
//!
//! Memory stays bounded: a worker ahead keeps at most `IN_MEMORY` bytes of its part's
//! output in memory and writes the rest to a temporary file, which the writer copies out
//! when the part's turn comes.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use netsift::push::{CaptureMarks, Position};
use netsift::{Event, Format, PushParser};

use super::input::{parts_done, Failure, InputError, Outcome};

/// The parts' size when the file is larger than one per worker: big enough that the
/// warm-up is small beside it, small enough that the workers finish together.
pub const PART_SIZE: u64 = 8 << 20;

/// How many bytes before its part a guess reads.
pub const WARM_UP: u64 = 128 << 10;

/// Output chunks a worker may have waiting per part (as `parallel::CHANNEL_DEPTH`).
const CHANNEL_DEPTH: usize = 256;

/// Output bytes a part may have waiting in memory. A worker that is ahead of the part
/// being written writes the rest of its part's output to a temporary file past this, so
/// that `events` on one big file stays within a few MiB whatever a part's output weighs
/// (its JSON is up to 9× its bytes), and the workers still run ahead. The unit tests
/// below spill after 4 KiB, so that their parts go through the file.
const IN_MEMORY: usize = if cfg!(test) { 4 << 10 } else { 512 << 10 };

/// What a worker sends for its part.
enum Message<R> {
    /// The state the part starts from: `None` for the first part (the true start).
    Start(Option<Box<PushParser>>),
    /// Some output, in order.
    Chunk(Vec<u8>),
    /// The rest of the part's output, in a temporary file (see [`IN_MEMORY`]).
    Spilled(File),
    /// The part is done: its outcome, its result, and the parser's end state.
    Done(Box<Outcome>, R, Box<PushParser>),
    /// The part could not be read.
    Failed(Failure),
}

/// The work on one part: parse the bytes of `reader` with `parser` (finishing it when
/// `last`), sending output through `send`, giving up when `stop` says so.
pub type PartWork<'w, R> = dyn Fn(&mut PushParser, &mut dyn Read, bool, &dyn Fn() -> bool, &mut dyn FnMut(Vec<u8>)) -> (Outcome, R)
    + Sync
    + 'w;

/// Whether `path` is worth cutting and can be: a plain (not compressed, not tar) regular
/// file of more than one part of `part_size`.
pub fn splittable(path: &Path, part_size: u64) -> bool {
    let Ok(meta) = std::fs::metadata(path) else { return false };
    if !meta.is_file() || meta.len() <= part_size {
        return false;
    }
    let mut head = [0u8; 512];
    let Ok(mut file) = File::open(path) else { return false };
    let Ok(n) = read_full(&mut file, &mut head) else { return false };
    netsift::input::Compression::detect(&head[..n]) == netsift::input::Compression::None
        && !netsift::archive::is_tar(&head[..n])
}

fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// How a file is cut and read.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'p> {
    /// The file.
    pub path: &'p Path,
    /// Its format (`-f`).
    pub format: Format,
    /// Threads.
    pub workers: usize,
    /// The parts' size, at most (there is at least one part per worker).
    pub part_size: u64,
    /// Whether the output shows capture numbers: a guess must then have them right too.
    pub captures: bool,
    /// How many bytes before its part a guess reads ([`WARM_UP`]; less in tests, so that
    /// the guesses of small inputs are guesses).
    pub warm_up: u64,
}

/// Parse the file in parts as `plan` says, with `work` on each part, handing the output
/// to `deliver` in order and the parts' results to `merge`. Returns the outcome.
pub fn run<R: Send>(
    plan: Plan<'_>,
    work: &PartWork<'_, R>,
    deliver: &mut dyn FnMut(Vec<u8>),
    merge: &mut dyn FnMut(R),
) -> Result<Outcome, Failure> {
    run_parts(plan, work, deliver, merge).map(|(outcome, _)| outcome)
}

/// [`run`], also returning how many parts were parsed again because their guess was
/// wrong (the speed-up is lost on each).
fn run_parts<R: Send>(
    plan: Plan<'_>,
    work: &PartWork<'_, R>,
    deliver: &mut dyn FnMut(Vec<u8>),
    merge: &mut dyn FnMut(R),
) -> Result<(Outcome, usize), Failure> {
    let Plan { path, workers, part_size, .. } = plan;
    let io_error = |source| Failure::Input(InputError::Io { name: path.display().to_string(), source });
    let mut file = File::open(path).map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    // A multiple of the workers, so that they finish together.
    let parts = len.div_ceil(part_size.max(1)).div_ceil(workers as u64) * workers as u64;
    let cuts = cuts(&mut file, len, parts).map_err(io_error)?;
    run_cut(plan, &cuts, work, deliver, merge)
}

/// [`run_parts`] with the parts starting at `cuts` (line starts, the first 0, then the
/// file's length).
fn run_cut<R: Send>(
    plan: Plan<'_>,
    cuts: &[u64],
    work: &PartWork<'_, R>,
    deliver: &mut dyn FnMut(Vec<u8>),
    merge: &mut dyn FnMut(R),
) -> Result<(Outcome, usize), Failure> {
    let Plan { path, format, workers, captures, warm_up: warm_up_len, .. } = plan;
    let name = path.display().to_string();
    let io_error = |source| Failure::Input(InputError::Io { name: name.clone(), source });
    // The section the file is in near its start, for guesses under `-f auto`.
    let inside = {
        let mut head = vec![0u8; 64 << 10];
        let n = read_full(&mut File::open(path).map_err(io_error)?, &mut head).map_err(io_error)?;
        let mut sniff = PushParser::new(format);
        sniff.feed(&head[..n], &mut |_: Event<'_>| {});
        sniff.section_format()
    };
    // Only ss tables have headers that a guess needs from further back than its warm-up.
    let look_for_headers = matches!(format, Format::Ss | Format::SsTulpn)
        || (format == Format::Auto && matches!(inside, Some(Format::Ss) | None));
    // Where the captures start matters only when the output shows their numbers.
    let marks = if captures { CaptureMarks::new(format, inside) } else { None };
    let scan = first_lines(path, cuts, workers, look_for_headers, marks.as_ref()).map_err(io_error)?;
    let (lines, headers) = (scan.lines, scan.headers);
    // The capture state at each cut: the start's, folded over the marks of the parts before.
    let mut states = vec![PushParser::new(format).capture_state(inside)];
    for marks in &scan.marks {
        let next = states.last().and_then(|s| Some(s.as_ref()?.after(marks.as_ref()?)));
        states.push(next.flatten());
    }
    let count = cuts.len() - 1;
    type Channel<R> = (SyncSender<Message<R>>, Receiver<Message<R>>);
    let (senders, receivers): (Vec<_>, Vec<_>) =
        (0..count).map(|_| -> Channel<R> { sync_channel(CHANNEL_DEPTH) }).unzip();
    let aborted: Vec<AtomicBool> = (0..count).map(|_| AtomicBool::new(false)).collect();
    // Output bytes each part has sent and the writer has not yet taken.
    let waiting: Vec<AtomicUsize> = (0..count).map(|_| AtomicUsize::new(0)).collect();
    let next = AtomicUsize::new(0);
    let mut outcome = Outcome::default();
    let mut redone = 0;
    let mut failure = None;
    let open_part = |k: usize| -> io::Result<io::Take<File>> {
        let mut f = File::open(path)?;
        f.seek(SeekFrom::Start(cuts[k]))?;
        Ok(f.take(cuts[k + 1] - cuts[k]))
    };
    std::thread::scope(|scope| {
        for _ in 0..workers.min(count) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(sender) = senders.get(k) else { break };
                let at = Position { line: lines[k], offset: cuts[k] };
                let started = (|| -> io::Result<(PushParser, io::Take<File>)> {
                    let parser = if k == 0 {
                        PushParser::new(format)
                    } else {
                        let warm = warm_up(path, cuts[k], warm_up_len)?;
                        let warm_from = cuts[k] - warm.len() as u64;
                        // The last table header before the part, when the warm-up does not
                        // hold it; not the part's last line, which the machine holds (the
                        // rows after it are read under the header before).
                        let held = memchr::memrchr(b'\n', &warm[..warm.len().saturating_sub(1)])
                            .map_or(warm_from, |p| warm_from + p as u64 + 1);
                        let header = headers[..k].iter().rev().flatten().flatten().find(|&&h| h != held);
                        let header = match header {
                            Some(&h) if h < warm_from => Some(line_at(path, h)?),
                            _ => None,
                        };
                        let mut guess = PushParser::guess_for_part_under(format, inside, header.as_deref(), &warm, at);
                        if let Some(state) = &states[k] {
                            guess.set_capture_state(state);
                        }
                        guess
                    };
                    Ok((parser, open_part(k)?))
                })();
                let (mut parser, mut reader) = match started {
                    Ok(s) => s,
                    Err(e) => {
                        let _ = sender
                            .send(Message::Failed(Failure::Input(InputError::Io { name: name.clone(), source: e })));
                        continue;
                    }
                };
                let _ = sender.send(Message::Start((k > 0).then(|| Box::new(parser.clone()))));
                // Past IN_MEMORY waiting bytes, the rest of the part goes to a temporary file
                // (or stays in memory when none can be made); a failed write ends the part.
                let spill: RefCell<Spill> = RefCell::new(Spill::None);
                let stop = || aborted[k].load(Ordering::Relaxed) || matches!(*spill.borrow(), Spill::Broken(_));
                let mut send = |chunk: Vec<u8>| {
                    let mut spill = spill.borrow_mut();
                    if matches!(*spill, Spill::None) && waiting[k].load(Ordering::Relaxed) + chunk.len() > IN_MEMORY {
                        *spill = tempfile::tempfile().map_or(Spill::Unavailable, Spill::File);
                    }
                    match &mut *spill {
                        Spill::File(file) => {
                            if let Err(e) = file.write_all(&chunk) {
                                *spill = Spill::Broken(e);
                            }
                        }
                        Spill::Broken(_) => {}
                        Spill::None | Spill::Unavailable => {
                            waiting[k].fetch_add(chunk.len(), Ordering::Relaxed);
                            let _ = sender.send(Message::Chunk(chunk));
                        }
                    }
                };
                let (part_outcome, result) = work(&mut parser, &mut reader, k + 1 == count, &stop, &mut send);
                match spill.into_inner() {
                    Spill::Broken(e) => {
                        let failure = InputError::Io { name: format!("a temporary file for {name}"), source: e };
                        let _ = sender.send(Message::Failed(Failure::Input(failure)));
                        continue;
                    }
                    Spill::File(file) => {
                        let _ = sender.send(Message::Spilled(file));
                    }
                    Spill::None | Spill::Unavailable => {}
                }
                let _ = sender.send(Message::Done(Box::new(part_outcome), result, Box::new(parser)));
            });
        }
        // The state the parts so far ended in (the true one).
        let mut truth: Option<PushParser> = None;
        for (k, receiver) in receivers.into_iter().enumerate() {
            if failure.is_some() {
                aborted[k].store(true, Ordering::Relaxed);
                drain(&receiver);
                continue;
            }
            let keep = match receiver.recv() {
                Ok(Message::Start(None)) => true,
                Ok(Message::Start(Some(guess))) => truth.as_ref().is_some_and(|t| guess.agrees(t, captures)),
                Ok(Message::Failed(f)) => {
                    failure = Some(f);
                    continue;
                }
                _ => false,
            };
            if keep {
                while let Ok(message) = receiver.recv() {
                    match message {
                        Message::Chunk(chunk) => {
                            waiting[k].fetch_sub(chunk.len(), Ordering::Relaxed);
                            deliver(chunk);
                        }
                        Message::Spilled(file) => {
                            if let Err(e) = deliver_file(file, deliver) {
                                let source = InputError::Io { name: format!("a temporary file for {name}"), source: e };
                                failure = Some(Failure::Input(source));
                                aborted[k].store(true, Ordering::Relaxed);
                                drain(&receiver);
                                break;
                            }
                        }
                        Message::Failed(f) => {
                            failure = Some(f);
                            break;
                        }
                        Message::Done(part_outcome, result, parser) => {
                            outcome.merge(*part_outcome);
                            merge(result);
                            truth = Some(*parser);
                            break;
                        }
                        Message::Start(_) => {}
                    }
                }
                continue;
            }
            // A wrong guess: drop the worker's output and parse the part here.
            redone += 1;
            aborted[k].store(true, Ordering::Relaxed);
            drain(&receiver);
            let Some(mut parser) = truth.take() else { break };
            parser.take_stats();
            match open_part(k) {
                Ok(mut reader) => {
                    let (part_outcome, result) =
                        work(&mut parser, &mut reader, k + 1 == count, &|| false, &mut *deliver);
                    outcome.merge(part_outcome);
                    merge(result);
                    truth = Some(parser);
                }
                Err(e) => failure = Some(io_error(e)),
            }
        }
        if let Some(truth) = &truth {
            parts_done(&mut outcome, &name, format, truth.saw_table());
        }
    });
    match failure {
        Some(f) => Err(f),
        None => Ok((outcome, redone)),
    }
}

/// Where a worker puts the output of its part that does not fit in [`IN_MEMORY`].
enum Spill {
    /// Nothing yet: the output goes through the channel.
    None,
    /// No temporary file could be made: the output stays in memory, as before the limit.
    Unavailable,
    /// The rest of the part's output.
    File(File),
    /// A write to the file failed: the part ends with this error.
    Broken(io::Error),
}

/// Hand a part's spilled output to `deliver`, 256 KiB at a time (read into the spare
/// room of each buffer: zeroing it first cost as much as the copy).
fn deliver_file(mut file: File, deliver: &mut dyn FnMut(Vec<u8>)) -> io::Result<()> {
    const AT_ONCE: u64 = 256 << 10;
    file.seek(SeekFrom::Start(0))?;
    loop {
        let mut buf = Vec::with_capacity(AT_ONCE as usize);
        if (&mut file).take(AT_ONCE).read_to_end(&mut buf)? == 0 {
            return Ok(());
        }
        deliver(buf);
    }
}

/// Receive and drop what a worker sends for a part, up to its end.
fn drain<R>(receiver: &Receiver<Message<R>>) {
    while let Ok(message) = receiver.recv() {
        if matches!(message, Message::Done(..) | Message::Failed(_)) {
            break;
        }
    }
}

/// The offsets where the parts start, each at a line start, and the file's length last:
/// `parts` cuts spread evenly, each moved to the start of the next line.
fn cuts(file: &mut File, len: u64, parts: u64) -> io::Result<Vec<u64>> {
    let mut cuts = vec![0];
    let mut buf = vec![0u8; 64 << 10];
    for i in 1..parts {
        let mut at = len * i / parts;
        if at <= *cuts.last().unwrap_or(&0) {
            continue;
        }
        // Move to just after the next newline (from the byte before `at`).
        at -= 1;
        let start = loop {
            file.seek(SeekFrom::Start(at))?;
            let n = read_full(file, &mut buf)?;
            if n == 0 {
                break len;
            }
            if let Some(nl) = memchr::memchr(b'\n', &buf[..n]) {
                break at + nl as u64 + 1;
            }
            at += n as u64;
        };
        if start < len && start > *cuts.last().unwrap_or(&0) {
            cuts.push(start);
        }
    }
    cuts.push(len);
    Ok(cuts)
}

/// What the pass over the parts before parsing found (see [`first_lines`]).
struct Scan {
    /// The line number of each part's first line.
    lines: Vec<u64>,
    /// Where the last two table headers of each part start (the last first).
    headers: Vec<[Option<u64>; 2]>,
    /// Each part's capture marks.
    marks: Vec<Option<CaptureMarks>>,
}

/// The line number of each part's first line: the lines of every part counted in
/// parallel, then summed. With `headers`, also where the last two table headers of each
/// part start (see `PushParser::guess_for_part_under`); with `marks`, each part's capture
/// marks (read by a copy of `marks`).
fn first_lines(
    path: &Path,
    cuts: &[u64],
    workers: usize,
    headers: bool,
    marks: Option<&CaptureMarks>,
) -> io::Result<Scan> {
    let count = cuts.len() - 1;
    let next = AtomicUsize::new(0);
    let newlines: Vec<AtomicUsize> = (0..count).map(|_| AtomicUsize::new(0)).collect();
    let last_header: Vec<std::sync::Mutex<[Option<u64>; 2]>> =
        (0..count).map(|_| std::sync::Mutex::new([None, None])).collect();
    let part_marks: Vec<std::sync::Mutex<Option<CaptureMarks>>> =
        (0..count).map(|_| std::sync::Mutex::new(None)).collect();
    let result = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(count))
            .map(|_| {
                scope.spawn(|| -> io::Result<()> {
                    let mut buf = vec![0u8; 1 << 16];
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        if k >= count {
                            return Ok(());
                        }
                        let mut f = File::open(path)?;
                        f.seek(SeekFrom::Start(cuts[k]))?;
                        let mut part = f.take(cuts[k + 1] - cuts[k]);
                        let mut n_lines = 0;
                        // Where the bytes in `buf` start in the file.
                        let mut base = cuts[k];
                        let mut scan = HeaderScan::new(cuts[k]);
                        let mut marks = marks.cloned();
                        loop {
                            let n = match part.read(&mut buf) {
                                Ok(0) => break,
                                Ok(n) => n,
                                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                                Err(e) => return Err(e),
                            };
                            let bytes = &buf[..n];
                            n_lines += if headers {
                                scan.feed(bytes, base)
                            } else {
                                memchr::memchr_iter(b'\n', bytes).count()
                            };
                            if let Some(marks) = &mut marks {
                                marks.feed(bytes);
                            }
                            base += n as u64;
                        }
                        newlines[k].store(n_lines, Ordering::Relaxed);
                        if let (Some(mut marks), Ok(mut slot)) = (marks, part_marks[k].lock()) {
                            marks.finish();
                            *slot = Some(marks);
                        }
                        scan.finish();
                        if let Ok(mut slot) = last_header[k].lock() {
                            *slot = scan.found;
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| h.join().unwrap_or_else(|_| Err(io::Error::other("worker panicked"))))
    });
    result?;
    let mut first = Vec::with_capacity(count);
    let mut line = 1u64;
    for n in &newlines {
        first.push(line);
        line += n.load(Ordering::Relaxed) as u64;
    }
    let headers = last_header.into_iter().map(|m| m.into_inner().unwrap_or([None, None])).collect();
    let marks = part_marks.into_iter().map(|m| m.into_inner().ok().flatten()).collect();
    Ok(Scan { lines: first, headers, marks })
}

/// The longest line [`HeaderScan`] reads whole (as [`line_at`]); a longer one is taken for
/// no header (a guess without the header it needs is not taken: slower, the same output).
const HEADER_LINE_MAX: usize = 64 << 10;

/// The last two ss table headers of a part read in chunks (with the newlines counted on
/// the way). Every header holds a `P` (`Peer Address:Port`), which ss rows almost never
/// do: only the lines around a `P` are asked [`is_table_header`], and the line that goes
/// on past a chunk is carried to the next (up to [`HEADER_LINE_MAX`]).
///
/// [`is_table_header`]: netsift::push::is_table_header
struct HeaderScan {
    /// The start of the line that goes on past the chunks read so far.
    carry: Vec<u8>,
    /// Whether that line is longer than [`HEADER_LINE_MAX`] (then no header).
    overlong: bool,
    /// Where that line starts in the file.
    line_start: u64,
    /// Where the last two headers start (the last first).
    found: [Option<u64>; 2],
}

impl HeaderScan {
    /// A scan of the part that starts at `start` in the file.
    fn new(start: u64) -> Self {
        HeaderScan { carry: Vec::new(), overlong: false, line_start: start, found: [None, None] }
    }

    /// Read the next chunk, which starts at `base` in the file; returns its newlines.
    fn feed(&mut self, bytes: &[u8], base: u64) -> usize {
        let newlines = memchr::memchr_iter(b'\n', bytes).count();
        let (Some(first), Some(last)) = (memchr::memchr(b'\n', bytes), memchr::memrchr(b'\n', bytes)) else {
            self.carry_on(bytes);
            return newlines;
        };
        // The carried line, finished.
        self.carry_on(&bytes[..first]);
        self.finish();
        // The whole lines after it: those around a `P`.
        let whole = &bytes[first + 1..=last];
        let mut at = 0;
        while let Some(p) = memchr::memchr(b'P', &whole[at..]).map(|p| at + p) {
            let start = memchr::memrchr(b'\n', &whole[..p]).map_or(0, |n| n + 1);
            let end = memchr::memchr(b'\n', &whole[p..]).map_or(whole.len(), |n| p + n);
            self.line(&whole[start..end], base + (first + 1 + start) as u64, true);
            at = end;
        }
        self.line_start = base + last as u64 + 1;
        self.carry_on(&bytes[last + 1..]);
        newlines
    }

    /// Add `bytes` to the carried line.
    fn carry_on(&mut self, bytes: &[u8]) {
        let room = HEADER_LINE_MAX.saturating_sub(self.carry.len());
        self.overlong |= bytes.len() > room;
        self.carry.extend_from_slice(&bytes[..room.min(bytes.len())]);
    }

    /// The carried line is finished (by a newline, or as the part's last line).
    fn finish(&mut self) {
        let line = std::mem::take(&mut self.carry);
        let whole = !std::mem::replace(&mut self.overlong, false);
        self.line(&line, self.line_start, whole);
        self.carry = line;
        self.carry.clear();
    }

    /// A line that starts at `start` (`whole`: all of it, else its first bytes, when it is
    /// longer than [`HEADER_LINE_MAX`]: no header then).
    fn line(&mut self, line: &[u8], start: u64, whole: bool) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if whole && line.len() <= HEADER_LINE_MAX && netsift::push::is_table_header(line) {
            self.found = [Some(start), self.found[0]];
        }
    }
}

/// The line that starts at `offset` (without its newline; at most 64 KiB of it).
fn line_at(path: &Path, offset: u64) -> io::Result<Vec<u8>> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    let mut buf = vec![0u8; 64 << 10];
    let n = read_full(&mut f, &mut buf)?;
    buf.truncate(memchr::memchr(b'\n', &buf[..n]).unwrap_or(n));
    Ok(buf)
}

/// The whole lines in the `len` bytes before `cut` (from the file's start when it is
/// nearer).
fn warm_up(path: &Path, cut: u64, len: u64) -> io::Result<Vec<u8>> {
    let from = cut.saturating_sub(len);
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(from))?;
    let mut buf = vec![0u8; (cut - from) as usize];
    f.read_exact(&mut buf)?;
    if from == 0 {
        return Ok(buf);
    }
    // Skip the partial first line.
    let skip = memchr::memchr(b'\n', &buf).map_or(buf.len(), |i| i + 1);
    buf.drain(..skip);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::input::parse_part;

    /// An ss capture log: `captures` tables of `rows` rows, each table with its own column
    /// widths (so its own header geometry), as periodic `ss -tupna` logs are.
    fn ss_log(captures: usize, rows: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for c in 0..captures {
            let pad = " ".repeat(c * 3);
            out.extend_from_slice(
                format!("Netid State  Recv-Q{pad} Send-Q Local Address:Port  Peer Address:PortProcess\n").as_bytes(),
            );
            for r in 0..rows {
                let line = format!(
                    "tcp   ESTAB  {:<6}{pad} 0          10.0.{}.{}:{}  192.168.1.{}:443 users:((\"curl\",pid={},fd=3))\n",
                    r % 7,
                    c,
                    r % 250,
                    1000 + r,
                    r % 200,
                    r + 1
                );
                out.extend_from_slice(line.as_bytes());
            }
        }
        out
    }

    /// The JSON lines of every event (without capture numbers), the parser's own way or
    /// cut in parts.
    fn events(path: &Path, format: Format, workers: usize, part_size: u64) -> (Vec<u8>, usize) {
        let plan = Plan { path, format, workers, part_size, captures: false, warm_up: WARM_UP };
        events_of(plan, None)
    }

    /// The JSON lines of every event as `plan` reads the file (capture numbers shown when
    /// `plan.captures`), cut at `cuts` when given, and how many parts were parsed again.
    fn events_of(plan: Plan<'_>, cuts: Option<&[u64]>) -> (Vec<u8>, usize) {
        let name = plan.path.display().to_string();
        let captures = plan.captures;
        let work = |parser: &mut PushParser,
                    reader: &mut dyn Read,
                    last: bool,
                    stop: &dyn Fn() -> bool,
                    send: &mut dyn FnMut(Vec<u8>)| {
            let mut out = Vec::new();
            let mut outcome = Outcome::default();
            // Sent a kilobyte at a time: a part's first chunks go through the channel, the
            // rest through a temporary file (IN_MEMORY is 4 KiB under test).
            let mut sink = |_: &str, ev: &Event<'_>| {
                let capture = if captures { ev.capture } else { 0 };
                netsift::events::json::write_event(&mut out, &Event { capture, ..*ev });
                out.push(b'\n');
                if out.len() >= 1 << 10 {
                    send(std::mem::take(&mut out));
                }
            };
            if let Err(e) = parse_part(parser, reader, &name, last, &mut outcome, stop, &mut sink) {
                outcome.record(e);
            }
            send(out);
            (outcome, ())
        };
        let mut all = Vec::new();
        let mut deliver = |bytes: Vec<u8>| all.extend_from_slice(&bytes);
        let (_, redone) = match cuts {
            Some(cuts) => run_cut(plan, cuts, &work, &mut deliver, &mut |()| {}),
            None => run_parts(plan, &work, &mut deliver, &mut |()| {}),
        }
        .unwrap_or_else(|_| panic!("reading {name}"));
        (all, redone)
    }

    /// Cut `input` in two at every line start, read each half on its own thread (the second
    /// from a guess after a `warm_up`-byte warm-up) and check that the events, capture
    /// numbers included, are those of one parse, and that the guess was taken: no part
    /// parsed again. Returns how many cuts had a real guess (warm-up not from the start).
    fn every_cut_keeps_the_guess(label: &str, input: &[u8], formats: &[Format], warm_up: u64) -> usize {
        let path = std::env::temp_dir().join(format!("netsift-split-every-cut-{label}-{}.txt", std::process::id()));
        std::fs::write(&path, input).expect("temp file");
        let len = input.len() as u64;
        let mut guessed = 0;
        for &format in formats {
            let plan = Plan { path: &path, format, workers: 2, part_size: u64::MAX, captures: true, warm_up };
            let (whole, _) = events_of(plan, Some(&[0, len]));
            assert!(whole.windows(11).any(|w| w == b"\"capture\":3"), "{label} {format:?}: fewer than 3 captures");
            let starts = input.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i as u64 + 1);
            for cut in starts.filter(|&c| c < len) {
                let (split, redone) = events_of(plan, Some(&[0, cut, len]));
                if split != whole {
                    let at = split.iter().zip(&whole).position(|(a, b)| a != b).unwrap_or(0);
                    let from = at.saturating_sub(200);
                    panic!(
                        "{label} {format:?} cut at {cut}: the events differ from one parse at byte {at}:\n{}\nvs\n{}",
                        String::from_utf8_lossy(&split[from..(at + 200).min(split.len())]),
                        String::from_utf8_lossy(&whole[from..(at + 200).min(whole.len())])
                    );
                }
                assert_eq!(redone, 0, "{label} {format:?} cut at {cut}: the guess was not taken");
                guessed += usize::from(cut > warm_up);
            }
        }
        let _ = std::fs::remove_file(&path);
        guessed
    }

    /// `copies` copies of `capture`, each after a time stamp line, as periodic logs are.
    fn periodic(capture: &[u8], copies: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for i in 0..copies {
            out.extend_from_slice(format!("Sun Dec  6 10:{:02}:14 UTC 2026\n", i).as_bytes());
            out.extend_from_slice(capture);
        }
        out
    }

    #[test]
    fn header_scan_finds_the_last_two_headers_however_the_part_is_read() {
        let mut input = b"tcp   ESTAB 0 0 1.2.3.4:5 6.7.8.9:10\r\n".to_vec();
        // A row that holds a `P`, which is no header.
        input.extend_from_slice(b"tcp   ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 users:((\"Plex\",pid=1,fd=3))\n");
        input.extend_from_slice(&ss_log(3, 5));
        // A state-led row (`ss -t`), an over-long line that starts like a header, a last
        // line without newline.
        input.extend_from_slice(b"State  Recv-Q Send-Q Local Address:Port Peer Address:Port\r\n");
        input.extend_from_slice(b"SYN-SENT 0 1 1.2.3.4:5 6.7.8.9:10\n");
        let mut long = vec![b'S'; HEADER_LINE_MAX + 10];
        long.push(b'\n');
        let starts: Vec<u64> = std::iter::once(0)
            .chain(input.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i as u64 + 1))
            .collect();
        let headers: Vec<u64> = starts
            .iter()
            .copied()
            .filter(|&s| {
                let line = input[s as usize..].split(|&b| b == b'\n').next().unwrap_or_default();
                netsift::push::is_table_header(line.strip_suffix(b"\r").unwrap_or(line))
            })
            .collect();
        assert_eq!(headers.len(), 4);
        for tail in [&b""[..], &long, b"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port"] {
            let mut all = input.clone();
            all.extend_from_slice(tail);
            let expected = match tail.first() {
                Some(b'N') => [Some(input.len() as u64), Some(headers[3])],
                // Nothing, or a line too long to be read as a header.
                _ => [Some(headers[3]), Some(headers[2])],
            };
            for size in [1, 7, 100, 4096, all.len()] {
                let mut scan = HeaderScan::new(0);
                let mut newlines = 0;
                for (i, chunk) in all.chunks(size).enumerate() {
                    newlines += scan.feed(chunk, (i * size) as u64);
                }
                scan.finish();
                assert_eq!(newlines, all.iter().filter(|&&b| b == b'\n').count(), "chunks of {size}");
                assert_eq!(scan.found, expected, "chunks of {size}, tail of {}", tail.len());
            }
        }
    }

    // The captures of a periodic log start where a title (netstat -s) or a prefix (/proc)
    // comes again: a guess learns the capture number, and the titles seen in the capture,
    // from the parts before it (their capture marks), and is taken at every cut.

    #[test]
    fn netstat_s_guesses_know_their_capture() {
        let input = include_bytes!("../../tests/fixtures/captured/deb12_periodic_netstat-s.txt");
        // Its first six captures, about 2 KiB each.
        let sixth =
            input.windows(4).enumerate().filter(|(_, w)| w == b"\nSun").nth(5).map_or(input.len(), |(i, _)| i + 1);
        let guessed = every_cut_keeps_the_guess("netstat-s", &input[..sixth], &[Format::NetstatS, Format::Auto], 4096);
        assert!(guessed > 500, "{guessed} real guesses");
    }

    #[test]
    fn proc_guesses_know_their_capture() {
        let mut capture = include_bytes!("../../tests/fixtures/captured/deb12_proc-net-netstat.txt").to_vec();
        capture.extend_from_slice(include_bytes!("../../tests/fixtures/captured/deb12_proc-net-snmp.txt"));
        let guessed =
            every_cut_keeps_the_guess("proc", &periodic(&capture, 4), &[Format::ProcNetstat, Format::Auto], 4096);
        assert!(guessed > 100, "{guessed} real guesses");
    }

    #[test]
    fn ss_guesses_know_their_capture() {
        let guessed = every_cut_keeps_the_guess("ss", &ss_log(4, 40), &[Format::Ss, Format::Auto], 1024);
        assert!(guessed > 200, "{guessed} real guesses");
    }

    #[test]
    fn ss_guesses_know_the_header_of_their_table() {
        // Tables of about 300 KB: most cuts are further than the 128 KiB warm-up from
        // their header, whose geometry the true state holds.
        let input = ss_log(3, 3000);
        let path = std::env::temp_dir().join(format!("netsift-split-ss-{}.txt", std::process::id()));
        std::fs::write(&path, &input).expect("temp file");
        for format in [Format::Ss, Format::Auto] {
            let (whole, _) = events(&path, format, 1, u64::MAX);
            let (split, redone) = events(&path, format, 2, 64 << 10);
            assert!(whole.len() > input.len(), "{format:?}: no events");
            assert!(whole == split, "{format:?}: the parts' events differ from one parse");
            assert_eq!(redone, 0, "{format:?}: parts parsed again");
        }
        let _ = std::fs::remove_file(&path);
    }
}
