//! One big file on many cores: `count --jobs N FILE` and `events --jobs N FILE`.
//!
//! The file is cut at line starts into parts, read in rounds of [`ROUND`] parts. Workers
//! take a round's parts in order; a part after the first starts from a state guessed from
//! the bytes just before it (see `netsift::push::split`), and the calling thread, the
//! writer, which sees the parts in order, keeps a part's output only when its guess agrees
//! with the state the parts before it ended in. Otherwise it drops that output and parses
//! the part again itself from the true state. So the output is byte for byte that of one
//! parse, and only the speed depends on the guesses.
//!
//! ```text
//!   each round of parts, a worker takes the next part and:
//!     reads it into memory, once; scans it ─▶ its lines (+ last ss headers, + capture
//!       marks when the output shows capture numbers), folded with those of the parts
//!       before it ─▶ line number, capture state, last header, last opening line at each cut
//!     first part: the true state ─▶ Start [chunks…] Done(end state) ──────────┐
//!     part 2: waits for part 1's scan (not its parse), guesses ─▶ Start(guess) ┼─▶ writer: guess = end
//!       [chunks…] Done                                                         │   of part 1? keep : redo
//!     part 3 …                                                                ┘
//! ```
//!
//! Each byte of a part goes through a read once: the scan and the parse read the part's
//! copy in memory (the file read twice, a scan pass then a parse pass, cost as much CPU
//! as a sixth of `count`'s parse: `count --jobs 2` then took 1.2× the CPU time of `--jobs
//! 1`). Parts are taken in order and each is scanned as soon as it is read, so a guess
//! waits only for the reads of the parts before it, never for their parses.
//!
//! A guess reads its warm-up from a state that knows nothing of what came before, so it
//! counts captures from 1, and in a periodic log starts its capture in the wrong place.
//! For `events` (whose output shows capture numbers), the pass that counts each part's
//! lines also reads its capture marks (`netsift::push::CaptureMarks`: netstat -s titles,
//! /proc prefixes, ss headers), and folding them from the file's start gives the exact
//! capture state at each cut, which the guess takes before its part (`set_capture_state`).
//! `count` does not show capture numbers, and skips the marks.
//!
//! The warm-up is what the part's first lines need: it starts at the line before the cut
//! that opens what the lines after it are read under (a netstat -s title, a /proc names
//! line, an ss header: `CaptureMarks::last_openings`), the one before the last (so that a
//! whole section or pair is read before the part's), at least `min_warm_up` bytes before
//! the cut and at most `warm_up`. After a wrong guess the next warm-ups are four times
//! longer (up to `warm_up`): an input whose lines need more context costs a few parts
//! parsed twice, not every one. So parts can be small, which `events` needs: its output
//! is up to 9× its input.
//!
//! Memory stays bounded: a worker holds one part (at most [`MAX_PART_SIZE`]); its output
//! waits for the writer in at most [`AHEAD`] chunks of about [`CHUNK`] bytes (the writer
//! gives each written chunk back to the worker that filled it, for its next one), and a
//! worker ahead of the part being written waits when they are full; a round's scans keep
//! a few hundred bytes per part, and the rounds keep the number of parts bounded whatever
//! the file's size.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Condvar, Mutex, PoisonError};

use netsift::push::{CaptureMarks, CaptureState, Position};
use netsift::{Event, Format, PushParser};

use super::input::{parts_done, Failure, InputError, Outcome};

/// The parts' size for `count`, when the file is larger than one per worker. A worker
/// holds its part in memory (read once, scanned, then parsed from there), so this bounds
/// the memory; big enough that the warm-up ([`COUNT_WARM_UP`]) and the other costs of a
/// part are small beside it, small enough that the workers finish together.
pub const PART_SIZE: u64 = 1 << 20;

/// The largest part (whatever `--part-size` asks): a worker holds its part in memory.
pub const MAX_PART_SIZE: u64 = 8 << 20;

/// The parts' size for `events`: a part's output waits in memory while the part before it
/// is written, and weighs up to 9× the part (see [`AHEAD`]).
pub const EVENTS_PART_SIZE: u64 = 128 << 10;

/// How many bytes before its part a guess reads, at most.
pub const WARM_UP: u64 = 128 << 10;

/// How many bytes before its part an `events` guess reads at least, at first (then
/// back to the line that opens what the part's first lines are read under).
pub const EVENTS_WARM_UP: u64 = 4 << 10;

/// How many bytes before its part a `count` guess reads at first (`count` does not read
/// the capture marks that say where the opening lines are). Enough for every guess of
/// the generated 20 MB inputs of the four formats to be taken in 1 MiB parts (and after
/// a wrong guess the warm-ups grow, up to [`WARM_UP`]).
pub const COUNT_WARM_UP: u64 = 8 << 10;

/// The output a part's work hands over at a time (see [`PartWork`]).
pub const CHUNK: usize = 64 << 10;

/// The room of an output buffer: a chunk, and the event that goes past [`CHUNK`].
const ROOM: usize = CHUNK + (16 << 10);

/// Chunks a worker may have waiting for the writer. A worker reading a part ahead of the
/// one being written waits when they are full: with two workers, one part's output then
/// waits in at most about 700 KiB (half of a /proc part's, whose JSON is 9× its bytes:
/// the worker ahead seldom waits), and the other worker's is written as it comes. Peak
/// RSS of `events` on 20 and 100 MB inputs: 6.3 to 7.9 MB, where 128 KiB chunks took 7.4
/// to 10.0 MB. The unit tests below wait after 2, so that their parts do.
const AHEAD: usize = if cfg!(test) { 2 } else { 8 };

/// Parts per round: a round keeps what its parts' scans leave at each cut, a few hundred
/// bytes per part, and the end of a round, where a worker may wait for the other's last
/// part, costs about half a part (the 100 parts of `count` on 100 MB are one round; with
/// rounds of 64 they were two, the first ending with a worker idle for up to 1 MiB). The
/// unit tests below use rounds of 3 parts, so that their parts cross rounds.
const ROUND: usize = if cfg!(test) { 3 } else { 256 };

/// What a worker sends for its part.
enum Message<R> {
    /// The state the part starts from: `None` for the true state (the round's first part).
    Start(Option<Box<PushParser>>),
    /// Some output, in order.
    Chunk(Vec<u8>),
    /// The part is done: its outcome, its result, and the parser's end state.
    Done(Box<Outcome>, R, Box<PushParser>),
    /// The part could not be read.
    Failed(Failure),
}

/// The work on one part: parse its bytes with `parser` (finishing it when `last`),
/// giving up when `stop` says so. Its output goes through `send`, which hands
/// over the bytes in the buffer it is given and leaves it empty, with room for a chunk
/// (a recycled buffer when there is one): call it when the buffer holds [`CHUNK`] bytes or
/// more, and at the end.
pub type PartWork<'w, R> =
    dyn Fn(&mut PushParser, &[u8], bool, &dyn Fn() -> bool, &mut dyn FnMut(&mut Vec<u8>)) -> (Outcome, R) + Sync + 'w;

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
    /// The parts' size, at most (there is at least one part per worker; and at most
    /// [`MAX_PART_SIZE`], since a worker holds its part in memory).
    pub part_size: u64,
    /// Whether the output shows capture numbers: a guess must then have them right too.
    pub captures: bool,
    /// How many bytes before its part a guess reads, at most ([`WARM_UP`]; less in tests,
    /// so that the guesses of small inputs are guesses).
    pub warm_up: u64,
    /// How many bytes before its part a guess reads at least, until a guess is wrong (see
    /// the module documentation): [`EVENTS_WARM_UP`], or `warm_up` for a fixed warm-up.
    pub min_warm_up: u64,
}

/// Parse the file in parts as `plan` says, with `work` on each part, handing the output
/// to `deliver` in order and the parts' results to `merge`. Returns the outcome.
pub fn run<R: Send>(
    plan: Plan<'_>,
    work: &PartWork<'_, R>,
    deliver: &mut dyn FnMut(&[u8]),
    merge: &mut dyn FnMut(R),
) -> Result<Outcome, Failure> {
    run_parts(plan, work, deliver, merge).map(|(outcome, _)| outcome)
}

/// [`run`], also returning how many parts were parsed again because their guess was
/// wrong (the speed-up is lost on each).
fn run_parts<R: Send>(
    plan: Plan<'_>,
    work: &PartWork<'_, R>,
    deliver: &mut dyn FnMut(&[u8]),
    merge: &mut dyn FnMut(R),
) -> Result<(Outcome, usize), Failure> {
    let Plan { path, workers, .. } = plan;
    let part_size = plan.part_size.min(MAX_PART_SIZE);
    let io_error = |source| Failure::Input(InputError::Io { name: path.display().to_string(), source });
    let mut file = File::open(path).map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    // A multiple of the workers, so that they finish together.
    let parts = len.div_ceil(part_size.max(1)).div_ceil(workers as u64) * workers as u64;
    // The i-th of `parts` cuts spread evenly, each moved to the start of the next line
    // (one that is not after `after`, the cut before, is skipped); the file's length last.
    let mut i = 0;
    let mut next_cut = |after: u64| -> io::Result<u64> {
        loop {
            i += 1;
            if i >= parts {
                return Ok(len);
            }
            let at = len * i / parts;
            if at <= after {
                continue;
            }
            let start = line_start_after(&mut file, at, len)?;
            if start > after {
                return Ok(start);
            }
        }
    };
    run_cuts(plan, len, &mut next_cut, work, deliver, merge)
}

/// [`run_parts`] with the parts starting at `cuts` (line starts, the first 0, then the
/// file's length).
#[cfg(test)]
fn run_cut<R: Send>(
    plan: Plan<'_>,
    cuts: &[u64],
    work: &PartWork<'_, R>,
    deliver: &mut dyn FnMut(&[u8]),
    merge: &mut dyn FnMut(R),
) -> Result<(Outcome, usize), Failure> {
    let len = cuts.last().copied().unwrap_or(0);
    let mut rest = cuts.iter().skip(1).copied();
    run_cuts(plan, len, &mut |_| Ok(rest.next().unwrap_or(len)), work, deliver, merge)
}

/// The start of the line after the one that holds the byte before `at` (`len` when there
/// is none).
fn line_start_after(file: &mut File, at: u64, len: u64) -> io::Result<u64> {
    let mut buf = [0u8; 4 << 10];
    let mut at = at.saturating_sub(1);
    loop {
        file.seek(SeekFrom::Start(at))?;
        let n = read_full(file, &mut buf)?;
        if n == 0 {
            return Ok(len);
        }
        if let Some(nl) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok((at + nl as u64 + 1).min(len));
        }
        at += n as u64;
    }
}

/// What the parts before a cut leave to the parts after it.
#[derive(Debug, Clone, PartialEq)]
struct Before {
    /// The line number of the line at the cut.
    line: u64,
    /// The capture state at the cut, when the marks follow the format's captures.
    state: Option<CaptureState>,
    /// Where the last two ss table headers before the cut start (the last first).
    headers: [Option<u64>; 2],
    /// Where the last two lines before the cut that open what the lines after them are
    /// read under start, the last first (`CaptureMarks::last_openings`).
    openings: [Option<u64>; 2],
}

impl Before {
    /// What the parts before the next cut leave, when this is what the parts before the
    /// part that starts at `start` left, and `scan` is what that part holds.
    fn after(&self, scan: &PartScan, start: u64) -> Before {
        let marks = scan.marks.as_ref();
        let last_two = |found: [Option<u64>; 2], before: [Option<u64>; 2]| match found {
            [Some(last), earlier] => [Some(last), earlier.or(before[0])],
            [None, _] => before,
        };
        let openings = marks.map_or([None, None], |m| m.last_openings().map(|o| o.map(|o| start + o)));
        Before {
            line: self.line + scan.newlines,
            state: self.state.as_ref().zip(marks).and_then(|(state, marks)| state.after(marks)),
            headers: last_two(scan.headers, self.headers),
            openings: last_two(openings, self.openings),
        }
    }
}

/// What does not change while the file is read.
struct Context<'c, R> {
    plan: Plan<'c>,
    name: String,
    len: u64,
    /// The section the file is in near its start, for guesses under `-f auto`.
    inside: Option<Format>,
    /// Whether to look for ss table headers: only ss tables have headers that a guess needs
    /// from further back than its warm-up.
    headers: bool,
    /// The capture marks of an empty part, when the output shows capture numbers.
    marks: Option<CaptureMarks>,
    /// How many bytes before its part a guess reads at least now.
    min_warm_up: AtomicU64,
    work: &'c PartWork<'c, R>,
}

/// Where the reading of the file is, between parts: the writer's.
struct Progress {
    /// What the parts so far leave to the next.
    before: Before,
    /// The state the parts so far ended in (the true one), `None` before the first.
    truth: Option<PushParser>,
    outcome: Outcome,
    /// Parts parsed again.
    redone: usize,
    failure: Option<Failure>,
}

/// Parse the parts of the file cut where `next_cut` says (given a cut, the next one; the
/// file's length `len` after the last), round by round.
fn run_cuts<R: Send>(
    plan: Plan<'_>,
    len: u64,
    next_cut: &mut dyn FnMut(u64) -> io::Result<u64>,
    work: &PartWork<'_, R>,
    deliver: &mut dyn FnMut(&[u8]),
    merge: &mut dyn FnMut(R),
) -> Result<(Outcome, usize), Failure> {
    let Plan { path, format, captures, .. } = plan;
    let name = path.display().to_string();
    let io_error = |source| Failure::Input(InputError::Io { name: name.clone(), source });
    let inside = {
        let mut head = vec![0u8; 64 << 10];
        let n = read_full(&mut File::open(path).map_err(io_error)?, &mut head).map_err(io_error)?;
        let mut sniff = PushParser::new(format);
        sniff.feed(&head[..n], &mut |_: Event<'_>| {});
        sniff.section_format()
    };
    let context = Context {
        plan,
        name: name.clone(),
        len,
        inside,
        headers: matches!(format, Format::Ss | Format::SsTulpn)
            || (format == Format::Auto && matches!(inside, Some(Format::Ss) | None)),
        // Where the captures start matters only when the output shows their numbers.
        marks: if captures { CaptureMarks::new(format, inside) } else { None },
        min_warm_up: AtomicU64::new(plan.min_warm_up.min(plan.warm_up)),
        work,
    };
    let start = PushParser::new(format);
    let mut progress = Progress {
        before: Before { line: 1, state: start.capture_state(inside), headers: [None, None], openings: [None, None] },
        truth: None,
        outcome: Outcome::default(),
        redone: 0,
        failure: None,
    };
    let mut cuts = vec![0];
    while cuts[0] < len && progress.failure.is_none() {
        while cuts.len() <= ROUND && cuts[cuts.len() - 1] < len {
            let next = next_cut(cuts[cuts.len() - 1]).map_err(io_error)?;
            cuts.push(next.clamp(cuts[cuts.len() - 1] + 1, len));
        }
        round(&context, &cuts, &mut progress, deliver, merge);
        let end = cuts[cuts.len() - 1];
        cuts.clear();
        cuts.push(end);
    }
    if let Some(truth) = &progress.truth {
        parts_done(&mut progress.outcome, &name, format, truth.saw_table());
    }
    match progress.failure {
        Some(f) => Err(f),
        None => Ok((progress.outcome, progress.redone)),
    }
}

/// Read the parts between `cuts` (a round) on the workers, each part read, scanned and
/// parsed by one of them, handing their output to `deliver` in order. A failure is left in `progress`.
fn round<R: Send>(
    context: &Context<'_, R>,
    cuts: &[u64],
    progress: &mut Progress,
    deliver: &mut dyn FnMut(&[u8]),
    merge: &mut dyn FnMut(R),
) {
    let Context { plan, name, .. } = context;
    let io_error = |source| Failure::Input(InputError::Io { name: name.clone(), source });
    let count = cuts.len() - 1;
    let first = match progress.truth.take() {
        Some(mut truth) => {
            truth.take_stats();
            truth
        }
        None => PushParser::new(plan.format),
    };
    let shared = Shared {
        context,
        cuts,
        scanned: Mutex::new(Scanned::new(progress.before.clone(), cuts)),
        scanned_more: Condvar::new(),
        next: Mutex::new(0),
        first: Mutex::new(Some(first)),
        aborted: (0..count).map(|_| AtomicBool::new(false)).collect(),
    };
    let workers = plan.workers.clamp(1, count);
    std::thread::scope(|scope| {
        let (order_sender, order) = channel();
        let mut receivers = Vec::with_capacity(workers);
        let mut recycle = Vec::with_capacity(workers);
        for w in 0..workers {
            let (sender, receiver) = sync_channel(AHEAD);
            let (give_back, free) = channel();
            receivers.push(receiver);
            recycle.push(give_back);
            let (shared, order_sender) = (&shared, order_sender.clone());
            scope.spawn(move || shared.worker(w, &order_sender, &sender, &free));
        }
        drop(order_sender);
        for k in 0..count {
            // Which worker took the part: they take them in order, and say so.
            let Ok(w) = order.recv() else {
                progress.failure.get_or_insert_with(|| io_error(io::Error::other("a worker stopped")));
                break;
            };
            let receiver = &receivers[w];
            if progress.failure.is_some() {
                shared.aborted[k].store(true, Ordering::Relaxed);
                drain(receiver);
                continue;
            }
            let keep = match receiver.recv() {
                Ok(Message::Start(None)) => true,
                Ok(Message::Start(Some(guess))) => {
                    progress.truth.as_ref().is_some_and(|t| guess.agrees(t, plan.captures))
                }
                Ok(Message::Failed(f)) => {
                    progress.failure = Some(f);
                    continue;
                }
                _ => false,
            };
            if keep {
                loop {
                    match receiver.recv() {
                        Ok(Message::Chunk(chunk)) => {
                            deliver(&chunk);
                            let _ = recycle[w].send(chunk);
                        }
                        Ok(Message::Done(part_outcome, result, parser)) => {
                            progress.outcome.merge(*part_outcome);
                            merge(result);
                            progress.truth = Some(*parser);
                            break;
                        }
                        Ok(Message::Failed(f)) => {
                            progress.failure = Some(f);
                            break;
                        }
                        Ok(Message::Start(_)) => {}
                        Err(_) => {
                            progress.failure = Some(io_error(io::Error::other("a worker stopped")));
                            break;
                        }
                    }
                }
                continue;
            }
            // A wrong guess: drop the worker's output and parse the part here. The
            // warm-ups were too short for this input: longer from now on.
            progress.redone += 1;
            shared.aborted[k].store(true, Ordering::Relaxed);
            drain(receiver);
            let longer = context.min_warm_up.load(Ordering::Relaxed).saturating_mul(4).min(plan.warm_up);
            context.min_warm_up.fetch_max(longer, Ordering::Relaxed);
            let Some(mut parser) = progress.truth.take() else { break };
            parser.take_stats();
            match read_part(plan.path, cuts[k], cuts[k + 1]) {
                Ok(bytes) => {
                    let mut send = |chunk: &mut Vec<u8>| {
                        if !chunk.is_empty() {
                            deliver(chunk);
                            chunk.clear();
                        }
                        chunk.reserve(ROOM);
                    };
                    let last = cuts[k + 1] >= context.len;
                    let (part_outcome, result) = (context.work)(&mut parser, &bytes, last, &|| false, &mut send);
                    progress.outcome.merge(part_outcome);
                    merge(result);
                    progress.truth = Some(parser);
                }
                Err(e) => progress.failure = Some(io_error(e)),
            }
        }
        // Let every worker go: none waits for the writer any more.
        for aborted in &shared.aborted {
            aborted.store(true, Ordering::Relaxed);
        }
        drop(receivers);
        drop(order);
    });
    // What the round's parts leave to the next round (all of them were read when the
    // round did not fail).
    let scanned = shared.scanned.into_inner().unwrap_or_else(PoisonError::into_inner);
    match scanned.befores.into_iter().nth(count) {
        Some(before) => progress.before = before,
        None => {
            progress.failure.get_or_insert_with(|| io_error(io::Error::other("a part was not read")));
        }
    }
}

/// What the workers of a round share.
struct Shared<'s, R> {
    context: &'s Context<'s, R>,
    cuts: &'s [u64],
    /// What the parts read so far leave at each cut.
    scanned: Mutex<Scanned>,
    /// Told when `scanned` has more.
    scanned_more: Condvar,
    /// The next part to take.
    next: Mutex<usize>,
    /// The true state at the round's start, for the worker that takes its first part.
    first: Mutex<Option<PushParser>>,
    /// Whether each part's output is no longer wanted (its guess was wrong, or the round
    /// failed).
    aborted: Vec<AtomicBool>,
}

impl<R: Send> Shared<'_, R> {
    /// Worker `w`: take the parts in order (saying so on `order`), parse each from its
    /// start state, send its output on `sender`, taking buffers back from `free`.
    fn worker(&self, w: usize, order: &Sender<usize>, sender: &SyncSender<Message<R>>, free: &Receiver<Vec<u8>>) {
        let count = self.cuts.len() - 1;
        let mut file: Option<File> = None;
        let mut warm = Vec::new();
        let mut header: Option<(u64, Vec<u8>)> = None;
        // The part being parsed: read once, scanned, then parsed from memory.
        let mut buf = Vec::new();
        loop {
            let k = {
                let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
                if *next >= count || order.send(w).is_err() {
                    return;
                }
                *next += 1;
                *next - 1
            };
            let started = self
                .read_part(k, &mut file, &mut buf)
                .and_then(|len| Ok((self.start(k, &mut file, &mut warm, &mut header)?, len)));
            let (mut parser, bytes) = match started {
                Ok((parser, len)) => (parser, &buf[..len]),
                Err(e) => {
                    self.broken();
                    let failure = InputError::Io { name: self.context.name.clone(), source: e };
                    let _ = sender.send(Message::Failed(Failure::Input(failure)));
                    continue;
                }
            };
            let _ = sender.send(Message::Start((k > 0).then(|| Box::new(parser.clone()))));
            let aborted = &self.aborted[k];
            let mut send = |chunk: &mut Vec<u8>| {
                if aborted.load(Ordering::Relaxed) {
                    // A wrong guess's output: dropped.
                    chunk.clear();
                } else if !chunk.is_empty() {
                    let mut fresh = free.try_recv().unwrap_or_default();
                    fresh.clear();
                    // Waits while AHEAD chunks wait for the writer.
                    let _ = sender.send(Message::Chunk(std::mem::replace(chunk, fresh)));
                }
                chunk.reserve(ROOM);
            };
            let last = self.cuts[k + 1] >= self.context.len;
            let stop = || aborted.load(Ordering::Relaxed);
            let (outcome, result) = (self.context.work)(&mut parser, bytes, last, &stop, &mut send);
            let _ = sender.send(Message::Done(Box::new(outcome), result, Box::new(parser)));
        }
    }

    /// Read part `k` into the front of `buf` (through `file`, opened on first use), scan
    /// it on the way, [`READ_STEP`] bytes at a time (each step scanned while it is in the
    /// core's cache), and fold what the parts read so far leave at the cuts after them,
    /// for the guesses waiting in [`Shared::before`]. Returns the part's length. `buf`
    /// only grows (not zeroed again for each part).
    fn read_part(&self, k: usize, file: &mut Option<File>, buf: &mut Vec<u8>) -> io::Result<usize> {
        let file = match file {
            Some(file) => file,
            None => file.insert(File::open(self.context.plan.path)?),
        };
        let (start, end) = (self.cuts[k], self.cuts[k + 1]);
        let len = usize::try_from(end - start).map_err(io::Error::other)?;
        if buf.len() < len {
            buf.resize(len, 0);
        }
        file.seek(SeekFrom::Start(start))?;
        let Context { headers, marks, .. } = self.context;
        let mut scan = PartScanner::new(start, *headers, marks.as_ref());
        let mut at = 0;
        while at < len {
            let step = &mut buf[at..len.min(at + READ_STEP)];
            file.read_exact(step)?;
            scan.feed(step, start + at as u64);
            at += step.len();
        }
        self.scanned.lock().unwrap_or_else(PoisonError::into_inner).add(k, scan.finish(), self.cuts);
        self.scanned_more.notify_all();
        Ok(len)
    }

    /// A part could not be read: the guesses waiting for it give up.
    fn broken(&self) {
        self.scanned.lock().unwrap_or_else(PoisonError::into_inner).broken = true;
        self.scanned_more.notify_all();
    }

    /// What the parts before part `k` leave, once they are read (by this worker or the
    /// others: they are taken in order, and each is read and scanned as soon as taken,
    /// so the wait is for reads, never for parses).
    fn before(&self, k: usize) -> io::Result<Before> {
        let mut scanned = self.scanned.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(before) = scanned.befores.get(k) {
                return Ok(before.clone());
            }
            if scanned.broken {
                return Err(io::Error::other("a part before could not be read"));
            }
            scanned = self.scanned_more.wait(scanned).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The state part `k` starts from: the true one for the round's first part, else a
    /// guess (reading its warm-up through `file`).
    fn start(
        &self,
        k: usize,
        file: &mut Option<File>,
        warm: &mut Vec<u8>,
        header: &mut Option<(u64, Vec<u8>)>,
    ) -> io::Result<PushParser> {
        if k == 0 {
            let first = self.first.lock().unwrap_or_else(PoisonError::into_inner).take();
            return first.ok_or_else(|| io::Error::other("no start state"));
        }
        let before = self.before(k)?;
        let file = match file {
            Some(file) => file,
            None => file.insert(File::open(self.context.plan.path)?),
        };
        self.guess(k, &before, file, warm, header)
    }

    /// The guessed start state of part `k` (not the round's first): a parser that read
    /// the part's warm-up (read from `file` into `warm`) and the table header it is
    /// under (read once into `header`), with the capture state at the cut.
    fn guess(
        &self,
        k: usize,
        before: &Before,
        file: &mut File,
        warm: &mut Vec<u8>,
        header: &mut Option<(u64, Vec<u8>)>,
    ) -> io::Result<PushParser> {
        let Context { plan, inside, .. } = *self.context;
        let cut = self.cuts[k];
        let furthest = cut.saturating_sub(plan.warm_up);
        let nearest = cut.saturating_sub(self.context.min_warm_up.load(Ordering::Relaxed));
        // From the opening line before the last (else the last) when it is further than the
        // least warm-up and nearer than the most (then from a line start), else from the
        // least (at the next line start).
        let opening =
            [before.openings[1], before.openings[0]].into_iter().flatten().find(|o| (furthest..nearest).contains(o));
        let (from, line_start) = match opening {
            Some(opening) => (opening, true),
            None => (nearest, nearest == 0),
        };
        warm.clear();
        warm.resize((cut - from) as usize, 0);
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(warm)?;
        let skip = if line_start { 0 } else { memchr::memchr(b'\n', warm).map_or(warm.len(), |i| i + 1) };
        let warm = &warm[skip..];
        let warm_from = from + skip as u64;
        // The last table header before the part, when the warm-up does not hold it; not
        // the part's last line, which the machine holds (the rows after it are read under
        // the header before).
        let held = memchr::memrchr(b'\n', &warm[..warm.len().saturating_sub(1)])
            .map_or(warm_from, |p| warm_from + p as u64 + 1);
        let header = match before.headers.iter().flatten().find(|&&h| h != held) {
            Some(&h) if h < warm_from => {
                if header.as_ref().is_none_or(|(at, _)| *at != h) {
                    *header = Some((h, line_at(plan.path, h)?));
                }
                header.as_ref().map(|(_, line)| line.as_slice())
            }
            _ => None,
        };
        let at = Position { line: before.line, offset: cut };
        let mut guess = PushParser::guess_for_part_under(plan.format, inside, header, warm, at);
        if let Some(state) = &before.state {
            guess.set_capture_state(state);
        }
        Ok(guess)
    }
}

/// The bytes of the part between `start` and `end`.
fn read_part(path: &Path, start: u64, end: u64) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = vec![0; usize::try_from(end - start).map_err(io::Error::other)?];
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// Receive and drop what a worker sends for a part, up to its end.
fn drain<R>(receiver: &Receiver<Message<R>>) {
    while let Ok(message) = receiver.recv() {
        if matches!(message, Message::Done(..) | Message::Failed(_)) {
            break;
        }
    }
}

/// What a part holds, found as it is read, before it is parsed (see [`PartScanner`]).
struct PartScan {
    /// Its newlines.
    newlines: u64,
    /// Where its last two table headers start (the last first).
    headers: [Option<u64>; 2],
    /// Its capture marks.
    marks: Option<CaptureMarks>,
}

/// What the parts of a round read so far leave (see [`Shared::before`]).
struct Scanned {
    /// What the parts before each cut leave, from the round's first cut to the first part
    /// not read yet.
    befores: Vec<Before>,
    /// The scans of the parts read after one that is not (folded into `befores` when it is).
    pending: Vec<Option<PartScan>>,
    /// Whether a part could not be read (the guesses after it wait no more).
    broken: bool,
}

impl Scanned {
    /// What a round whose parts start at `cuts` leaves once its parts are read, when
    /// `before` is what the parts before it leave.
    fn new(before: Before, cuts: &[u64]) -> Self {
        let count = cuts.len().saturating_sub(1);
        Scanned { befores: vec![before], pending: (0..count).map(|_| None).collect(), broken: false }
    }

    /// Part `k` of the round (between `cuts[k]` and `cuts[k + 1]`) holds `found`: fold it,
    /// and the parts after it read before it, into `befores`.
    fn add(&mut self, k: usize, found: PartScan, cuts: &[u64]) {
        if let Some(slot) = self.pending.get_mut(k) {
            *slot = Some(found);
        }
        while let Some(j) = self.befores.len().checked_sub(1) {
            let Some(found) = self.pending.get_mut(j).and_then(Option::take) else { break };
            let next = self.befores[j].after(&found, cuts[j]);
            self.befores.push(next);
        }
    }
}

/// How many bytes of a part are read, then scanned, at a time: a step is still in the
/// core's cache when it is scanned (a whole 1 MiB part is not).
const READ_STEP: usize = 128 << 10;

/// The scan of a part read in steps (see [`Shared::read_part`]): its newlines; with
/// `headers`, where its last two table headers start (see
/// `PushParser::guess_for_part_under`); with `marks`, its capture marks (read by a copy of
/// the context's).
struct PartScanner {
    newlines: u64,
    headers: Option<HeaderScan>,
    marks: Option<CaptureMarks>,
}

impl PartScanner {
    /// The scan of the part that starts at `start` in the file.
    fn new(start: u64, headers: bool, marks: Option<&CaptureMarks>) -> Self {
        PartScanner { newlines: 0, headers: headers.then(|| HeaderScan::new(start)), marks: marks.cloned() }
    }

    /// Read the part's next `bytes`, which start at `base` in the file.
    fn feed(&mut self, bytes: &[u8], base: u64) {
        self.newlines += match &mut self.headers {
            Some(scan) => scan.feed(bytes, base),
            None => memchr::memchr_iter(b'\n', bytes).count(),
        } as u64;
        if let Some(marks) = &mut self.marks {
            marks.feed(bytes);
        }
    }

    /// The part is read: what it holds.
    fn finish(self) -> PartScan {
        let headers = self.headers.map_or([None, None], |mut scan| {
            scan.finish();
            scan.found
        });
        let marks = self.marks.map(|mut marks| {
            marks.finish();
            marks
        });
        PartScan { newlines: self.newlines, headers, marks }
    }
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
        let plan = Plan { path, format, workers, part_size, captures: false, warm_up: WARM_UP, min_warm_up: WARM_UP };
        events_of(plan, None)
    }

    /// The JSON lines of every event as `plan` reads the file (capture numbers shown when
    /// `plan.captures`), cut at `cuts` when given, and how many parts were parsed again.
    fn events_of(plan: Plan<'_>, cuts: Option<&[u64]>) -> (Vec<u8>, usize) {
        let name = plan.path.display().to_string();
        let captures = plan.captures;
        let work = |parser: &mut PushParser,
                    bytes: &[u8],
                    last: bool,
                    stop: &dyn Fn() -> bool,
                    send: &mut dyn FnMut(&mut Vec<u8>)| {
            let mut out = Vec::new();
            let mut outcome = Outcome::default();
            // Sent a kilobyte at a time: a worker ahead waits after two (AHEAD under test).
            let mut sink = |_: &str, ev: &Event<'_>| {
                let capture = if captures { ev.capture } else { 0 };
                netsift::events::json::write_event(&mut out, &Event { capture, ..*ev });
                out.push(b'\n');
                if out.len() >= 1 << 10 {
                    send(&mut out);
                }
            };
            parse_part(parser, bytes, &name, last, &mut outcome, stop, &mut sink);
            send(&mut out);
            (outcome, ())
        };
        let mut all = Vec::new();
        let mut deliver = |bytes: &[u8]| all.extend_from_slice(bytes);
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
        // A fixed warm-up, and one from the line that opens the part's context (at least
        // a line before the cut).
        for (&format, min_warm_up) in formats.iter().flat_map(|f| [(f, warm_up), (f, 256)]) {
            let plan =
                Plan { path: &path, format, workers: 2, part_size: u64::MAX, captures: true, warm_up, min_warm_up };
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

    /// The inputs the scan tests read, with their format: periodic netstat -s, /proc and
    /// ss logs (the formats whose capture marks are read) and a netstat capture.
    fn scan_inputs() -> Vec<(&'static str, Format, Vec<u8>)> {
        let stat = include_bytes!("../../tests/fixtures/captured/deb12_periodic_netstat-s.txt");
        let mut proc = include_bytes!("../../tests/fixtures/captured/deb12_proc-net-netstat.txt").to_vec();
        proc.extend_from_slice(include_bytes!("../../tests/fixtures/captured/deb12_proc-net-snmp.txt"));
        let netstat = include_bytes!("../../tests/fixtures/captured/deb12_netstat-neopa.txt");
        vec![
            ("netstat-s", Format::NetstatS, stat[..stat.len().min(40_000)].to_vec()),
            ("proc", Format::ProcNetstat, periodic(&proc, 3)),
            ("ss", Format::Ss, ss_log(3, 20)),
            ("netstat", Format::Netstat, netstat.to_vec()),
        ]
    }

    /// What a part holds, read by a [`PartScanner`] in steps of `size` bytes.
    fn scan_in_steps(part: &[u8], start: u64, headers: bool, marks: Option<&CaptureMarks>, size: usize) -> PartScan {
        let mut scan = PartScanner::new(start, headers, marks);
        for (i, step) in part.chunks(size.max(1)).enumerate() {
            scan.feed(step, start + (i * size) as u64);
        }
        scan.finish()
    }

    /// What a part holds, read as the scan pass that read the file before the parse pass
    /// did (the part's bytes in chunks of `size`): the reference for [`PartScanner`].
    fn scan_in_chunks(part: &[u8], start: u64, headers: bool, marks: Option<&CaptureMarks>, size: usize) -> PartScan {
        let mut scan = HeaderScan::new(start);
        let mut marks = marks.cloned();
        let mut newlines = 0;
        for (i, chunk) in part.chunks(size).enumerate() {
            newlines += if headers {
                scan.feed(chunk, start + (i * size) as u64)
            } else {
                memchr::memchr_iter(b'\n', chunk).count()
            } as u64;
            if let Some(marks) = &mut marks {
                marks.feed(chunk);
            }
        }
        scan.finish();
        if let Some(marks) = &mut marks {
            marks.finish();
        }
        PartScan { newlines, headers: scan.found, marks }
    }

    /// The capture marks' own answers: their last headers, and whether one is held.
    type MarkAnswers = Option<([Option<u64>; 2], bool)>;

    /// What `scan` leaves after `before` for a part at `start`, and the marks' own answers.
    fn scan_answers(before: &Before, scan: &PartScan, start: u64) -> (Before, MarkAnswers) {
        let marks = scan.marks.as_ref().map(|m| (m.last_headers(), m.header_held()));
        (before.after(scan, start), marks)
    }

    #[test]
    fn a_part_scanned_in_steps_finds_what_the_scan_pass_found() {
        // The scan now reads a part in steps as the part is read into memory; before, a
        // pass of its own read it in 64 KiB chunks. At every third cut of each input, both
        // halves, in steps and chunks of several sizes, and whole.
        for (label, format, input) in scan_inputs() {
            let marks = CaptureMarks::new(format, None);
            let headers = format == Format::Ss;
            assert_eq!(marks.is_some(), format != Format::Netstat, "{label}: marks");
            let start = PushParser::new(format);
            let before =
                Before { line: 1, state: start.capture_state(None), headers: [None, None], openings: [None, None] };
            let len = input.len();
            let cuts = std::iter::once(0).chain(line_starts(&input)).filter(|&c| c < len);
            for cut in cuts.step_by(3) {
                for (from, to) in [(0, cut), (cut, len)] {
                    let part = &input[from..to];
                    let whole = scan_in_chunks(part, from as u64, headers, marks.as_ref(), part.len().max(1));
                    let expected = scan_answers(&before, &whole, from as u64);
                    assert_eq!(whole.newlines, part.iter().filter(|&&b| b == b'\n').count() as u64);
                    for size in [1, 7, 100, 4096, part.len().max(1)] {
                        let scans = [
                            ("chunks", scan_in_chunks(part, from as u64, headers, marks.as_ref(), size)),
                            ("steps", scan_in_steps(part, from as u64, headers, marks.as_ref(), size)),
                        ];
                        for (how, scan) in scans {
                            let what = format!("{label} {from}..{to} in {how} of {size}");
                            assert_eq!(scan.newlines, whole.newlines, "{what}");
                            assert_eq!(scan.headers, whole.headers, "{what}");
                            assert_eq!(scan_answers(&before, &scan, from as u64), expected, "{what}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn scans_folded_in_any_order_leave_what_they_leave_in_order() {
        // Workers publish their parts' scans as they read them: a part read before the one
        // before it waits in `pending` until that one is folded.
        for (label, format, input) in scan_inputs() {
            let marks = CaptureMarks::new(format, None);
            let headers = format == Format::Ss;
            let start = Before {
                line: 1,
                state: PushParser::new(format).capture_state(None),
                headers: [None, None],
                openings: [None, None],
            };
            let starts: Vec<u64> = std::iter::once(0).chain(line_starts(&input)).map(|c| c as u64).collect();
            for parts in [2, 3, 5, 8] {
                let mut cuts: Vec<u64> = (0..parts).map(|i| starts[starts.len() * i / parts]).collect();
                cuts.dedup();
                cuts.push(input.len() as u64);
                let scan = |k: usize| {
                    let (a, b) = (cuts[k] as usize, cuts[k + 1] as usize);
                    scan_in_steps(&input[a..b], cuts[k], headers, marks.as_ref(), 100)
                };
                let count = cuts.len() - 1;
                let mut in_order = Scanned::new(start.clone(), &cuts);
                let mut expected = vec![start.clone()];
                for k in 0..count {
                    in_order.add(k, scan(k), &cuts);
                    expected.push(expected[k].after(&scan(k), cuts[k]));
                    assert_eq!(in_order.befores.len(), k + 2, "{label}: part {k} folded as it came");
                }
                assert_eq!(in_order.befores, expected, "{label} in {count} parts");
                let orders: [Vec<usize>; 2] = [
                    (0..count).rev().collect(),
                    (0..count).filter(|k| k % 2 == 1).chain((0..count).step_by(2)).collect(),
                ];
                for order in orders {
                    let mut scanned = Scanned::new(start.clone(), &cuts);
                    for &k in &order {
                        let ready = scanned.befores.len();
                        scanned.add(k, scan(k), &cuts);
                        // Nothing past a part not read yet.
                        assert!(scanned.befores.len() == ready || k + 1 == ready, "{label}: part {k} folded too early");
                    }
                    assert_eq!(scanned.befores, expected, "{label} in {count} parts, read in the order {order:?}");
                }
            }
        }
    }

    /// The line starts of `input` after its first line.
    fn line_starts(input: &[u8]) -> impl Iterator<Item = usize> + '_ {
        input.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i + 1).filter(move |&i| i < input.len())
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
