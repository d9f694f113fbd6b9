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
//!   worker: part 1 from the start ─────▶ [chunks…] Done(end state) ─┐
//!   worker: part 2 from a guess  ─▶ Start(guess) [chunks…] Done ───┼─▶ caller: guess = end
//!   worker: part 3 …                                                ┘   of part 1? keep : redo
//! ```
//!
//! Memory stays bounded as in `parallel.rs`: a worker ahead waits once its part's channel
//! is full.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use netsift::push::Position;
use netsift::{Event, Format, PushParser};

use super::input::{parts_done, Failure, InputError, Outcome};

/// The parts' size when the file is larger than one per worker: big enough that the
/// warm-up is small beside it, small enough that the workers finish together.
pub const PART_SIZE: u64 = 8 << 20;

/// How many bytes before its part a guess reads.
const WARM_UP: u64 = 128 << 10;

/// Output chunks a worker may have waiting per part (as `parallel::CHANNEL_DEPTH`).
const CHANNEL_DEPTH: usize = 256;

/// What a worker sends for its part.
enum Message<R> {
    /// The state the part starts from: `None` for the first part (the true start).
    Start(Option<Box<PushParser>>),
    /// Some output, in order.
    Chunk(Vec<u8>),
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
}

/// Parse the file in parts as `plan` says, with `work` on each part, handing the output
/// to `deliver` in order and the parts' results to `merge`. Returns the outcome.
pub fn run<R: Send>(
    plan: Plan<'_>,
    work: &PartWork<'_, R>,
    deliver: &mut dyn FnMut(Vec<u8>),
    merge: &mut dyn FnMut(R),
) -> Result<Outcome, Failure> {
    let Plan { path, format, workers, part_size, captures } = plan;
    let name = path.display().to_string();
    let io_error = |source| Failure::Input(InputError::Io { name: name.clone(), source });
    let mut file = File::open(path).map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    // A multiple of the workers, so that they finish together.
    let parts = len.div_ceil(part_size.max(1)).div_ceil(workers as u64) * workers as u64;
    let cuts = cuts(&mut file, len, parts).map_err(io_error)?;
    let lines = first_lines(path, &cuts, workers).map_err(io_error)?;
    // The section the file is in near its start, for guesses under `-f auto`.
    let inside = {
        let mut head = vec![0u8; 64 << 10];
        let n = read_full(&mut File::open(path).map_err(io_error)?, &mut head).map_err(io_error)?;
        let mut sniff = PushParser::new(format);
        sniff.feed(&head[..n], &mut |_: Event<'_>| {});
        sniff.section_format()
    };
    let count = cuts.len() - 1;
    type Channel<R> = (SyncSender<Message<R>>, Receiver<Message<R>>);
    let (senders, receivers): (Vec<_>, Vec<_>) =
        (0..count).map(|_| -> Channel<R> { sync_channel(CHANNEL_DEPTH) }).unzip();
    let aborted: Vec<AtomicBool> = (0..count).map(|_| AtomicBool::new(false)).collect();
    let next = AtomicUsize::new(0);
    let mut outcome = Outcome::default();
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
                        let warm = warm_up(path, cuts[k])?;
                        PushParser::guess_for_part(format, inside, &warm, at)
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
                let stop = || aborted[k].load(Ordering::Relaxed);
                let mut send = |chunk: Vec<u8>| {
                    let _ = sender.send(Message::Chunk(chunk));
                };
                let (part_outcome, result) = work(&mut parser, &mut reader, k + 1 == count, &stop, &mut send);
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
                        Message::Chunk(chunk) => deliver(chunk),
                        Message::Done(part_outcome, result, parser) => {
                            outcome.merge(*part_outcome);
                            merge(result);
                            truth = Some(*parser);
                            break;
                        }
                        Message::Start(_) | Message::Failed(_) => {}
                    }
                }
                continue;
            }
            // A wrong guess: drop the worker's output and parse the part here.
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
        None => Ok(outcome),
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

/// The line number of each part's first line: the lines of every part counted in
/// parallel, then summed.
fn first_lines(path: &Path, cuts: &[u64], workers: usize) -> io::Result<Vec<u64>> {
    let count = cuts.len() - 1;
    let next = AtomicUsize::new(0);
    let newlines: Vec<AtomicUsize> = (0..count).map(|_| AtomicUsize::new(0)).collect();
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
                        loop {
                            let n = match part.read(&mut buf) {
                                Ok(0) => break,
                                Ok(n) => n,
                                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                                Err(e) => return Err(e),
                            };
                            n_lines += memchr::memchr_iter(b'\n', &buf[..n]).count();
                        }
                        newlines[k].store(n_lines, Ordering::Relaxed);
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
    Ok(first)
}

/// The whole lines in the `WARM_UP` bytes before `cut` (from the file's start when it is
/// nearer).
fn warm_up(path: &Path, cut: u64) -> io::Result<Vec<u8>> {
    let from = cut.saturating_sub(WARM_UP);
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
