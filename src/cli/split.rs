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
//! Memory stays bounded: a worker ahead keeps at most `IN_MEMORY` bytes of its part's
//! output in memory and writes the rest to a temporary file, which the writer copies out
//! when the part's turn comes.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
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
    let Plan { path, format, workers, part_size, captures } = plan;
    let name = path.display().to_string();
    let io_error = |source| Failure::Input(InputError::Io { name: name.clone(), source });
    let mut file = File::open(path).map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    // A multiple of the workers, so that they finish together.
    let parts = len.div_ceil(part_size.max(1)).div_ceil(workers as u64) * workers as u64;
    let cuts = cuts(&mut file, len, parts).map_err(io_error)?;
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
    let (lines, headers) = first_lines(path, &cuts, workers, look_for_headers).map_err(io_error)?;
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
                        let warm = warm_up(path, cuts[k])?;
                        let warm_from = cuts[k] - warm.len() as u64;
                        // The last table header before the part, when the warm-up does not hold it.
                        let header = match headers[..k].iter().rev().find_map(|&h| h) {
                            Some(h) if h < warm_from => Some(line_at(path, h)?),
                            _ => None,
                        };
                        PushParser::guess_for_part_under(format, inside, header.as_deref(), &warm, at)
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

/// Hand a part's spilled output to `deliver`, 256 KiB at a time.
fn deliver_file(mut file: File, deliver: &mut dyn FnMut(Vec<u8>)) -> io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    loop {
        let mut buf = vec![0u8; 256 << 10];
        let n = read_full(&mut file, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        buf.truncate(n);
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

/// The line number of each part's first line: the lines of every part counted in
/// parallel, then summed. With `headers`, also where the last table header of each part
/// starts (see `PushParser::guess_for_part_under`).
fn first_lines(path: &Path, cuts: &[u64], workers: usize, headers: bool) -> io::Result<(Vec<u64>, Vec<Option<u64>>)> {
    let count = cuts.len() - 1;
    let next = AtomicUsize::new(0);
    let newlines: Vec<AtomicUsize> = (0..count).map(|_| AtomicUsize::new(0)).collect();
    let last_header: Vec<std::sync::Mutex<Option<u64>>> = (0..count).map(|_| std::sync::Mutex::new(None)).collect();
    let mark = memchr::memmem::Finder::new(netsift::push::TABLE_HEADER_MARK);
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
                        // Where the bytes in `buf` start in the file, and the line start
                        // before them.
                        let mut base = cuts[k];
                        let mut line_start = cuts[k];
                        let mut header = None;
                        loop {
                            let n = match part.read(&mut buf) {
                                Ok(0) => break,
                                Ok(n) => n,
                                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                                Err(e) => return Err(e),
                            };
                            let bytes = &buf[..n];
                            n_lines += memchr::memchr_iter(b'\n', bytes).count();
                            if headers {
                                // A mark cut by the buffer's end is missed: a guess
                                // without its header is then not taken, and the part is
                                // parsed again (slower, the same output).
                                for at in mark.find_iter(bytes) {
                                    let start = memchr::memrchr(b'\n', &bytes[..at])
                                        .map_or(line_start, |p| base + p as u64 + 1);
                                    let end = memchr::memchr(b'\n', &bytes[at..]).map(|p| at + p);
                                    let whole = start >= base && end.is_some();
                                    let line = &bytes[(start - base.min(start)) as usize..end.unwrap_or(n)];
                                    if !whole || netsift::push::is_table_header(line) {
                                        header = Some(start);
                                    }
                                }
                                if let Some(p) = memchr::memrchr(b'\n', bytes) {
                                    line_start = base + p as u64 + 1;
                                }
                            }
                            base += n as u64;
                        }
                        newlines[k].store(n_lines, Ordering::Relaxed);
                        if let Ok(mut slot) = last_header[k].lock() {
                            *slot = header;
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
    let headers = last_header.into_iter().map(|m| m.into_inner().ok().flatten()).collect();
    Ok((first, headers))
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

    /// The JSON lines of every event, the parser's own way or cut in parts.
    fn events(path: &Path, format: Format, workers: usize, part_size: u64) -> (Vec<u8>, usize) {
        let name = path.display().to_string();
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
                netsift::events::json::write_event(&mut out, &Event { capture: 0, ..*ev });
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
        let plan = Plan { path, format, workers, part_size, captures: false };
        let (_, redone) = run_parts(plan, &work, &mut |bytes| all.extend_from_slice(&bytes), &mut |()| {})
            .unwrap_or_else(|_| panic!("reading {name}"));
        (all, redone)
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
