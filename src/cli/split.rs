//! One big file on many cores: `count --jobs N FILE` and `events --jobs N FILE`.
//!
//! The file is cut at line starts into parts, read in rounds of [`ROUND`] parts. Workers
//! (the calling thread is one of them) take a round's parts in order. The *head* is the
//! first part whose output is not all out: every part before it is written and merged,
//! and the state they end in, the true state at its cut, is known. A part that is the
//! head when its worker takes it starts from that true state and writes its output as
//! it comes. Any other starts from a state guessed from the bytes just before it (see
//! `netsift::push::split`) and holds its output; when its turn comes, its worker checks
//! the guess against the true state: right, it writes what it held and the rest as it
//! comes; wrong, it drops it and parses the part again from the true state. So the
//! output is byte for byte that of one parse, and only the speed depends on the guesses.
//!
//! ```text
//!   each round of parts, a worker takes the next part and:
//!     reads it into memory, once; scans it ─▶ its lines (+ last ss headers, + capture
//!       marks when the output shows capture numbers), folded with those of the parts
//!       before it ─▶ line number, capture state, last header, last opening line at each cut
//!     the head: the true state ─▶ parse, writing ─▶ end state E, the head moves on ──┐
//!     a later part: waits for the scans before it (not the parses), guesses G ─▶    │
//!       parse, holding ─▶ … its turn: G agrees with E? write, go on : drop, parse again ◀┘
//!       from E, writing
//! ```
//!
//! Each worker writes its own parts' output, from its own core's cache, a [`CHUNK`] per
//! write, and waits only when it runs too far ahead: a worker whose part finishes before
//! its turn waits for it (or, when the part has no output, as for `count`, parks it for
//! the worker of the part before it to check and merge, up to [`PARKED`] parts, and
//! takes the next). This replaced a writer thread fed 64 KiB chunks through channels,
//! which cost `events --jobs 2` on 100 MB of /proc 12,000 context switches (now about
//! 700, most of them the machine's other work) and the writer's copying of chunks that
//! another core wrote.
//!
//! Each byte of a part goes through a read once: the scan and the parse read the part's
//! copy in memory (the file read twice, a scan pass then a parse pass, cost as much CPU
//! as a sixth of `count`'s parse: `count --jobs 2` then took 1.2× the CPU time of `--jobs
//! 1`). Parts are taken in order and each is scanned as soon as it is read, so a guess
//! waits only for the reads of the parts before it, never for their parses.
//!
//! `count` shows one line number, the first malformed line's, and no capture number: its
//! parts' newlines are not counted, and unless ss headers are looked for, its parts are
//! not scanned at all (the newline count was about a third of `count --jobs 2`'s extra
//! CPU). A guess then numbers its lines from anywhere and is checked but for line numbers,
//! and the first malformed line is numbered again from its byte offset at the end (see
//! [`Plan::lines`]).
//!
//! A guess starts from a fresh machine, which would learn again what its worker's parts
//! already taught theirs (netstat -s line shapes, /proc names lines: over half of what a
//! guess cost). Each worker keeps those caches, and swaps them into each part's parser
//! and back out after it (`PushParser::exchange_caches`); the start state kept to check a
//! guess is a copy without them (`PushParser::clone_without_caches`).
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
//! Memory stays bounded: a worker holds one part (at most [`MAX_PART_SIZE`]); the output
//! of the parts not at the head waits in at most [`HELD`] bytes per worker but one, all
//! together (past it, a worker waits for its turn or for room), in buffers the workers
//! share and fill again; a worker parks at most [`PARKED`] parts; a round's scans keep a
//! few hundred bytes per part, and the rounds keep the number of parts bounded whatever
//! the file's size. What the workers keep (buffers, parsers' caches) is kept from round
//! to round: a round takes no more memory than the one before. A failure to read a part is reported once the
//! parts before it are out, and stops the workers; so does an output whose reader is
//! gone (a closed pipe): `deliver` says so.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
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
/// is written, and weighs up to 9× the part (see [`HELD`]).
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

/// The output a part's work hands over at a time (see [`PartWork`]): the worker of the
/// part being written hands each to the output in one write (half the writes of the 64
/// KiB chunks that a writer thread took, one wake-up each: 7,000–8,000 voluntary context
/// switches per 100 MB of /proc input). Against chunks of 128 KiB, `events --jobs 2` on
/// the 100 MB inputs took 0.96× the time on /proc, 0.98× on netstat, 0.99× on ss and
/// 1.00× on netstat -s (medians of 12 alternating runs): fewer writes, and fewer
/// wake-ups of the worker waiting for room. Peak RSS on /proc (`/usr/bin/time -f %M`):
/// 9,328 KB on 100 MB and 9,108–9,956 KB on 1 GB written to a pipe (128 KiB: 8,724 and
/// 9,016–9,092). Chunks of 384 KiB took 0.90× on /proc, but 10,240–10,532 KB on 1 GB,
/// past the 10 MiB that `count` and `events` keep under.
pub const CHUNK: usize = 256 << 10;

/// The room of an output buffer: a chunk, and the event that goes past [`CHUNK`].
const ROOM: usize = CHUNK + (16 << 10);

/// The output a worker may hold for a part that is not the head yet (all the workers
/// together, this for each but one: see [`Shared::held_most`]): past it, it waits for the
/// part's turn, or for room. A part of [`EVENTS_PART_SIZE`] writes about 490 KiB of netstat's
/// JSON, 930 KiB of netstat -s's and 1.16 MiB of /proc's (9× its bytes): room for ten
/// times the part holds the whole of it. Then the worker at the head writes the part it
/// held in one go while the other parses the next; with 768 KiB, a /proc part's worker
/// stopped two thirds in, and at its turn parsed and wrote the last third alone, the
/// other worker waiting (`events` on 100 MB of /proc took 0.36 s instead of 0.29, 0.42×
/// `limits fields` instead of 0.52). Peak RSS of `events --jobs 2` on the 100 MB inputs:
/// /proc 9.3 MB, netstat -s 9.3 MB (9.1 and 9.2 with 768 KiB); with chunks of 256 KiB,
/// /proc 9.3 MB, netstat -s 9.1 MB. Most unit tests below wait after 2 KiB, so that their
/// parts do ([`Plan::held`]).
pub const HELD: usize = 10 * EVENTS_PART_SIZE as usize;

/// The finished parts without output (`count`, `view`) a worker may park, waiting for
/// their turn, before it waits too: their results wait with them ([`Plan::parked`]). The
/// unit tests below park one, so that their workers wait.
pub const PARKED: usize = if cfg!(test) { 1 } else { 4 };

/// [`PARKED`] for `view`, whose parked parts hold their rows and maps: in a periodic log,
/// mostly those of captures that a later part drops. The parts in flight, two a worker,
/// then take about 4 × 1.3 MiB, within the bound of 1.5× a capture + 16 MiB for captures
/// of 1 MB (with two a worker, six parts' worth would not be). `view` on 128 such
/// captures peaked at 13–16 MiB (18–31 with four parked 2 MiB parts, 13–17 with two of
/// 1 MiB); on 32 MiB of a log of 10 KB captures, it took 0.100–0.118 s against 0.092–0.096
/// (the parts wait more for their turn; 9 alternating runs each).
pub const VIEW_PARKED: usize = 1;

/// Whether a part whose turn has come when its worker takes it is guessed all the same
/// (not read from the true state, which is there): in the unit tests below, so that the
/// guesses are checked at every cut.
const GUESS_AT_THE_HEAD: bool = cfg!(test);

/// Parts per round: a round keeps what its parts' scans leave at each cut, a few hundred
/// bytes per part, and its workers' buffers, and the end of a round, where a worker may
/// wait for the other's last part, costs about half a part (the 800 parts of `events` on
/// 100 MB are one round; in rounds of 256, each round's new thread filled its buffers
/// again: 4,500 page faults where one round takes 1,400). The unit tests below use
/// rounds of 3 parts, so that their parts cross rounds.
const ROUND: usize = if cfg!(test) { 3 } else { 1024 };

/// The work on one part: parse its bytes with `parser` (finishing it when `last`),
/// giving up when `stop` says so. When the part is mapped ([`Plan::map`]), its bytes are
/// also given as `Bytes`, which the work may keep. Its output goes through `send`, which
/// hands over the bytes in the buffer it is given and leaves it empty, with room for a
/// chunk (a recycled buffer when there is one): call it when the buffer holds [`CHUNK`]
/// bytes or more, and at the end.
pub type PartWork<'w, R> = dyn Fn(&mut PushParser, &[u8], Option<&Bytes>, bool, &dyn Fn() -> bool, &mut dyn FnMut(&mut Vec<u8>)) -> (Outcome, R)
    + Sync
    + 'w;

/// Keep the allocator's large blocks (64 KiB or more) mappings of their own, given back to
/// the system when freed, for `events --jobs N FILE`. glibc maps such blocks (over 128 KiB
/// at first) on their own, but freeing one raises that threshold to its size, and from
/// then on blocks of that size come from the arena of the thread that asks (one arena per
/// thread), where freed space stays resident and fragments. The output buffers of `events`
/// ([`ROOM`], 144 KiB) are such blocks, freed now and then (a round's threads end with
/// theirs): the peak RSS of `events --jobs 2` grew with the input's length, 8.9–9.6 MB on
/// 1 GB of /proc against 8.1–8.4 on 100 MB; with the threshold fixed (the
/// `GLIBC_TUNABLES` `glibc.malloc.mmap_threshold=65536`, or `glibc.malloc.arena_max=1`),
/// 8.4–8.6 and 8.2–8.5, as many page faults and as fast.
pub fn keep_large_blocks_mapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// `mallopt`'s parameter for the threshold (glibc's `malloc.h`).
        const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
        extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // SAFETY: `mallopt` sets one of glibc's allocator parameters (under its lock); any
        // threshold up to 32 MiB is valid. Nothing else is touched.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 64 << 10);
        }
    }
}

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
    /// Whether the parts' events need their line numbers right as they are made (`events`
    /// and `view` write them). Without (`count`), a part that needs no other scan is
    /// not scanned for its newlines before it is parsed: its lines are numbered from
    /// wherever its guess starts, and the first malformed line's number, the only one
    /// `count` shows, is found again from its byte offset at the end.
    pub lines: bool,
    /// How many bytes before its part a guess reads, at most ([`WARM_UP`]; less in tests,
    /// so that the guesses of small inputs are guesses).
    pub warm_up: u64,
    /// How many bytes before its part a guess reads at least, until a guess is wrong (see
    /// the module documentation): [`EVENTS_WARM_UP`], or `warm_up` for a fixed warm-up.
    pub min_warm_up: u64,
    /// How much output a part not at the head may hold, for each worker but one, all
    /// together ([`HELD`]; less in tests, so that the workers wait).
    pub held: usize,
    /// Whether parts are mapped rather than read (see [`map_part`]): for work that keeps
    /// its part's bytes (`view`'s rows keep their lines there).
    pub map: bool,
    /// How many finished parts without output a worker may park ([`PARKED`]).
    pub parked: usize,
}

/// Parse the file in parts as `plan` says, with `work` on each part, handing the output
/// to `deliver` in order and the parts' results to `merge` (both called by the worker
/// of the part at the head, on its thread). `deliver` returns false when the output's
/// reader is gone: then the workers stop, and the outcome is that of the parts read.
/// Returns the outcome.
pub fn run<R: Send>(
    plan: Plan<'_>,
    work: &PartWork<'_, R>,
    deliver: &mut (dyn FnMut(&[u8]) -> bool + Send),
    merge: &mut (dyn FnMut(R) + Send),
) -> Result<Outcome, Failure> {
    run_parts(plan, work, deliver, merge).map(|(outcome, _)| outcome)
}

/// [`run`], also returning how many parts were parsed again because their guess was
/// wrong (the speed-up is lost on each).
fn run_parts<R: Send>(
    plan: Plan<'_>,
    work: &PartWork<'_, R>,
    deliver: &mut (dyn FnMut(&[u8]) -> bool + Send),
    merge: &mut (dyn FnMut(R) + Send),
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
    deliver: &mut (dyn FnMut(&[u8]) -> bool + Send),
    merge: &mut (dyn FnMut(R) + Send),
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
    /// Whether a part's newlines are counted as it is read, so that the guesses after it
    /// know their first line number: else a guess agrees with the true state but for line
    /// numbers (see [`Plan::lines`]).
    numbered: bool,
    /// Whether a part is scanned as it is read: for its newlines, ss headers or capture
    /// marks.
    scanned: bool,
    /// How many bytes before its part a guess reads at least now.
    min_warm_up: AtomicU64,
    work: &'c PartWork<'c, R>,
}

/// Where the reading of the file is, between rounds.
struct Progress {
    /// What the parts so far leave to the next.
    before: Before,
    /// The state the parts so far ended in (the true one), `None` before the first.
    truth: Option<PushParser>,
    outcome: Outcome,
    /// Parts parsed again.
    redone: usize,
    failure: Option<Failure>,
    /// Whether the output's reader is gone (or a part failed): nothing more is read.
    stopped: bool,
}

/// Parse the parts of the file cut where `next_cut` says (given a cut, the next one; the
/// file's length `len` after the last), round by round.
fn run_cuts<R: Send>(
    plan: Plan<'_>,
    len: u64,
    next_cut: &mut dyn FnMut(u64) -> io::Result<u64>,
    work: &PartWork<'_, R>,
    deliver: &mut (dyn FnMut(&[u8]) -> bool + Send),
    merge: &mut (dyn FnMut(R) + Send),
) -> Result<(Outcome, usize), Failure> {
    let Plan { path, format, captures, .. } = plan;
    let name = path.display().to_string();
    let io_error = |source| Failure::Input(InputError::Io { name: name.clone(), source });
    // Only `auto` learns its section from the input: any other parser is in its own
    // format from the start, and the 64 KiB read and parse (half a millisecond before a
    // worker starts) would tell nothing more.
    let inside = if format != Format::Auto {
        PushParser::new(format).section_format()
    } else {
        let mut head = vec![0u8; 64 << 10];
        let n = read_full(&mut File::open(path).map_err(io_error)?, &mut head).map_err(io_error)?;
        let mut sniff = PushParser::new(format);
        sniff.feed(&head[..n], &mut |_: Event<'_>| {});
        sniff.section_format()
    };
    let headers = matches!(format, Format::Ss | Format::SsTulpn)
        || (format == Format::Auto && matches!(inside, Some(Format::Ss) | None));
    // Where the captures start matters only when the output shows their numbers.
    let marks = if captures { CaptureMarks::new(format, inside) } else { None };
    let context = Context {
        plan,
        name: name.clone(),
        len,
        inside,
        headers,
        // `count -f ss` looks for headers, not newlines: counting them cost `count --jobs
        // 2` 1.10x the CPU of `--jobs 1` on 200 MB of ss, and 1.03x without.
        numbered: plan.lines || marks.is_some(),
        scanned: plan.lines || headers || marks.is_some(),
        marks,
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
        stopped: false,
    };
    // Kept from round to round: a round's memory is that of the one before, not more.
    let mut kits: Vec<Kit> = (0..plan.workers.max(1)).map(|_| Kit::default()).collect();
    let buffers = Buffers::default();
    let mut cuts = vec![0];
    while cuts[0] < len && progress.failure.is_none() && !progress.stopped {
        while cuts.len() <= ROUND && cuts[cuts.len() - 1] < len {
            let next = next_cut(cuts[cuts.len() - 1]).map_err(io_error)?;
            cuts.push(next.clamp(cuts[cuts.len() - 1] + 1, len));
        }
        round(&context, &cuts, &mut kits, &buffers, &mut progress, deliver, merge);
        let end = cuts[cuts.len() - 1];
        cuts.clear();
        cuts.push(end);
    }
    if let Some(truth) = &progress.truth {
        parts_done(&mut progress.outcome, &name, format, truth.saw_table());
    }
    if !context.numbered && progress.failure.is_none() {
        if let Some(offset) = progress.outcome.first_malformed_offset() {
            let line = line_number_at(path, offset).map_err(io_error)?;
            progress.outcome.number_first_malformed(line);
        }
    }
    match progress.failure {
        Some(f) => Err(f),
        None => Ok((progress.outcome, progress.redone)),
    }
}

/// Read the parts between `cuts` (a round) on the workers, each part read, scanned and
/// parsed by one of them, and written by it when its turn comes (see [`Shared::worker`]):
/// its output to `deliver`, its result to `merge`, in order. A failure is left in
/// `progress`.
fn round<R: Send>(
    context: &Context<'_, R>,
    cuts: &[u64],
    kits: &mut [Kit],
    buffers: &Buffers,
    progress: &mut Progress,
    deliver: &mut (dyn FnMut(&[u8]) -> bool + Send),
    merge: &mut (dyn FnMut(R) + Send),
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
    let workers = plan.workers.clamp(1, count).min(kits.len());
    let shared = Shared {
        context,
        cuts,
        buffers,
        held_most: plan.held * (workers - 1).max(1),
        scanned: Mutex::new(Scanned::new(progress.before.clone(), cuts)),
        scanned_more: Condvar::new(),
        next: AtomicUsize::new(0),
        head: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        turn: Mutex::new(Turn {
            head: 0,
            truth: Some(first),
            parked: (0..count).map(|_| None).collect(),
            parked_by: vec![0; workers],
            redone: 0,
            failure: None,
            waiting: 0,
            held: 0,
        }),
        turn_moved: Condvar::new(),
        sink: Mutex::new(Sink { deliver, merge, outcome: Outcome::default() }),
    };
    // The calling thread is a worker too: no thread waits for the others' output.
    std::thread::scope(|scope| {
        let shared = &shared;
        let Some((first, others)) = kits[..workers].split_first_mut() else { return };
        // Under test, the workers' allocations count with those of the thread that
        // started them, when it counts them (see `counting`).
        #[cfg(test)]
        let counted = counting::counted();
        for (w, kit) in others.iter_mut().enumerate() {
            scope.spawn(move || {
                #[cfg(test)]
                counting::count_here(counted);
                shared.worker(w + 1, kit)
            });
        }
        shared.worker(0, first);
    });
    let stopped = shared.stop.load(Ordering::Relaxed);
    let turn = shared.turn.into_inner().unwrap_or_else(PoisonError::into_inner);
    let sink = shared.sink.into_inner().unwrap_or_else(PoisonError::into_inner);
    progress.outcome.merge(sink.outcome);
    progress.redone += turn.redone;
    progress.truth = turn.truth;
    if let Some(failure) = turn.failure {
        progress.failure.get_or_insert(failure);
    }
    if stopped {
        // A part failed, or the output's reader is gone: the rest is not read.
        progress.stopped = true;
        return;
    }
    if turn.head < count {
        progress.failure.get_or_insert_with(|| io_error(io::Error::other("a worker stopped")));
        return;
    }
    // What the round's parts leave to the next round (all of them were read).
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
    /// The output buffers that no worker fills or holds.
    buffers: &'s Buffers,
    /// The most output the parts not at the head may hold together: [`Plan::held`] for
    /// each worker but one (see [`PartOut::take_turn_if`]).
    held_most: usize,
    /// What the parts read so far leave at each cut.
    scanned: Mutex<Scanned>,
    /// Told when `scanned` has more.
    scanned_more: Condvar,
    /// The next part to take.
    next: AtomicUsize,
    /// The head ([`Turn::head`]), read without the lock.
    head: AtomicUsize,
    /// Set when the round stops early: a part failed, or the output's reader is gone.
    stop: AtomicBool,
    /// Whose turn it is, and what waits for it.
    turn: Mutex<Turn<R>>,
    /// Told when `turn` moves: a new head, fewer parked parts, or a stop.
    turn_moved: Condvar,
    /// Where the output and the results go: used by the worker of the head only.
    sink: Mutex<Sink<'s, R>>,
}

/// Whose turn it is: the head, the part whose output goes out now (every part before it
/// is out), and what waits for it.
struct Turn<R> {
    /// The head: a part of the round, or the round's count of parts once all are out.
    head: usize,
    /// The state the parts before the head end in, for the head's worker to take.
    truth: Option<PushParser>,
    /// The parts finished before their turn, by part: the worker that writes the part
    /// before one writes it too.
    parked: Vec<Option<Box<Parked<R>>>>,
    /// For each worker: how many of its parts are parked.
    parked_by: Vec<usize>,
    /// Parts parsed again.
    redone: usize,
    failure: Option<Failure>,
    /// Workers waiting for the turn to move.
    waiting: usize,
    /// The output held by the parts not at the head, all together (at most
    /// [`Shared::held_most`]).
    held: usize,
}

/// A part without output (`count`, `view`) finished before its turn, left by its worker
/// for the worker of the part before. (A part with output waits for its turn: its worker
/// writes it, so that no worker writes bytes another core made.)
struct Parked<R> {
    worker: usize,
    /// The guessed state it started from (a part that starts from the true state is at
    /// the head, never parked).
    guess: PushParser,
    /// The state it ended in.
    end: PushParser,
    outcome: Outcome,
    result: R,
}

/// Where the output and the parts' results go, in order.
struct Sink<'s, R> {
    /// Hands over output; false when its reader is gone.
    deliver: &'s mut (dyn FnMut(&[u8]) -> bool + Send),
    merge: &'s mut (dyn FnMut(R) + Send),
    outcome: Outcome,
}

impl<R> Sink<'_, R> {
    /// Hand `bytes` to the output; false when its reader is gone.
    fn write(&mut self, bytes: &[u8]) -> bool {
        (self.deliver)(bytes)
    }

    /// A part's outcome and result, after those of the parts before it.
    fn merge(&mut self, outcome: Outcome, result: R) {
        self.outcome.merge(outcome);
        (self.merge)(result);
    }
}

impl<R: Send> Shared<'_, R> {
    /// Worker `w`: take the parts in order, read each, then parse it from its start state.
    /// A part whose turn has come when it is taken (every part before it written: the
    /// round's first, or one taken late) starts from the true state, which the worker of
    /// the part before it left, and its output is written as it comes: no guess, no copy.
    /// Any other starts from a guess, and its output is held, within [`Shared::held_most`], until
    /// its turn comes; then its worker checks the guess against the true state and writes
    /// what it held and the rest as it comes (or, on a wrong guess, drops it and parses
    /// the part again from the true state). A part finished before its turn waits for it;
    /// one without output (`count`, `view`) is parked instead (up to [`PARKED`] by worker)
    /// for the worker of the part before it to check and merge, and its worker takes the
    /// next part.
    fn worker(&self, w: usize, kit: &mut Kit) {
        let count = self.cuts.len() - 1;
        let Kit { file, warm, header, buf, learnt } = kit;
        while !self.stopped() {
            let k = self.next.fetch_add(1, Ordering::Relaxed);
            if k >= count {
                return;
            }
            let part = match self.read_part(k, file, buf) {
                Ok(part) => part,
                Err(e) => {
                    self.broken();
                    return self.fail(k, e);
                }
            };
            let (bytes, mapped) = match &part {
                PartBytes::Read(len) => (&buf[..*len], None),
                PartBytes::Mapped(bytes) => (&bytes[..], Some(bytes)),
            };
            let at_the_head = k == 0 || (!GUESS_AT_THE_HEAD && self.head.load(Ordering::Acquire) == k);
            let (mut parser, guess) = if at_the_head {
                let Some(mut truth) = self.take_truth() else { return };
                if let Some(learnt) = learnt.as_mut() {
                    truth.exchange_caches(learnt);
                }
                (truth, None)
            } else {
                match self.start(k, file, warm, header, learnt.as_mut()) {
                    // The start state kept to be checked needs no caches.
                    Ok(guess) => {
                        let start = guess.clone_without_caches();
                        (guess, Some(start))
                    }
                    Err(e) => return self.fail(k, e),
                }
            };
            let wrong = Cell::new(false);
            let mut out = PartOut::new(self, w, k, guess, &wrong);
            let last = self.cuts[k + 1] >= self.context.len;
            let stop = || wrong.get() || self.stopped();
            let (outcome, result) = (self.context.work)(&mut parser, bytes, mapped, last, &stop, &mut |c| out.send(c));
            // The caches back to this worker, for its next part (the end state keeps those
            // the part's parser had before: it is parsed on only when a wrong guess after it
            // is parsed again).
            learnt.get_or_insert_with(|| PushParser::new(self.context.plan.format)).exchange_caches(&mut parser);
            if !out.direct && !wrong.get() && !self.stopped() {
                // Finished before its turn: parked, or its turn came.
                let Some(done) = out.finished_early(parser, outcome, result) else { continue };
                if out.direct {
                    let (parser, outcome, result) = done;
                    drop(out);
                    self.complete(k, parser, outcome, result);
                    continue;
                }
                // A wrong guess: parsed again below.
            } else if out.direct {
                drop(out);
                if !self.stopped() {
                    self.complete(k, parser, outcome, result);
                }
                continue;
            }
            if self.stopped() {
                return;
            }
            // A wrong guess, found at its turn: the part parsed again from the true state,
            // here.
            let Some(truth) = out.truth.take() else { return };
            drop(out);
            self.redone();
            let mut sink = self.sink.lock().unwrap_or_else(PoisonError::into_inner);
            let (end, outcome, result) = self.parse_at_the_head(k, truth, bytes, mapped, &mut sink);
            self.write_from(k, end, outcome, result, sink);
        }
    }

    /// Whether a part guessed from `guess` gives the events it would from `truth`, the true
    /// state at its start: with the same line numbers when they are counted ahead.
    fn agree(&self, guess: &PushParser, truth: &PushParser) -> bool {
        let Context { plan, numbered, .. } = self.context;
        if *numbered {
            guess.agrees(truth, plan.captures)
        } else {
            guess.agrees_but_for_line_numbers(truth, plan.captures)
        }
    }

    /// Whether the round stops early.
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Stop the round: a part failed, or the output's reader is gone.
    fn halt(&self) {
        self.stop.store(true, Ordering::Relaxed);
        drop(self.lock_turn());
        self.turn_moved.notify_all();
    }

    fn lock_turn(&self) -> MutexGuard<'_, Turn<R>> {
        self.turn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wait on `turn` until it moves.
    fn wait<'g>(&self, mut turn: MutexGuard<'g, Turn<R>>) -> MutexGuard<'g, Turn<R>> {
        turn.waiting += 1;
        let mut turn = self.turn_moved.wait(turn).unwrap_or_else(PoisonError::into_inner);
        turn.waiting -= 1;
        turn
    }

    /// `turn` moved: let it go, then wake the workers waiting for it, if any (after the
    /// lock is let go, so that they do not wait for it again).
    fn moved(&self, turn: MutexGuard<'_, Turn<R>>) {
        let waiting = turn.waiting > 0;
        drop(turn);
        if waiting {
            self.turn_moved.notify_all();
        }
    }

    /// The true state at the head, left by the worker of the part before it.
    fn take_truth(&self) -> Option<PushParser> {
        let mut truth = self.lock_turn().truth.take()?;
        truth.take_stats();
        Some(truth)
    }

    /// Part `k` could not be read: report it once the parts before it are written, and
    /// stop the round.
    fn fail(&self, k: usize, e: io::Error) {
        let mut turn = self.lock_turn();
        while turn.head != k && !self.stopped() {
            turn = self.wait(turn);
        }
        let failure = InputError::Io { name: self.context.name.clone(), source: e };
        turn.failure.get_or_insert(Failure::Input(failure));
        drop(turn);
        self.halt();
    }

    /// A part was parsed again (its guess was wrong): the warm-ups were too short for
    /// this input, longer from now on.
    fn redone(&self) {
        self.lock_turn().redone += 1;
        let Context { plan, min_warm_up, .. } = self.context;
        let longer = min_warm_up.load(Ordering::Relaxed).saturating_mul(4).min(plan.warm_up);
        min_warm_up.fetch_max(longer, Ordering::Relaxed);
    }

    /// Parse part `k`'s `bytes` from the true state `truth`, at its turn, its output
    /// written through `sink` as it comes. Returns its end state, outcome and result.
    fn parse_at_the_head(
        &self,
        k: usize,
        mut truth: PushParser,
        bytes: &[u8],
        mapped: Option<&Bytes>,
        sink: &mut Sink<'_, R>,
    ) -> (PushParser, Outcome, R) {
        truth.take_stats();
        let last = self.cuts[k + 1] >= self.context.len;
        let stop = || self.stopped();
        let mut write = |chunk: &mut Vec<u8>| {
            if !chunk.is_empty() && !self.stopped() && !sink.write(chunk) {
                self.halt();
            }
            chunk.clear();
            self.buffers.room(chunk);
        };
        let (outcome, result) = (self.context.work)(&mut truth, bytes, mapped, last, &stop, &mut write);
        (truth, outcome, result)
    }

    /// Part `k` (worker `w`'s), at its turn, is parsed and written: merge its `outcome`
    /// and `result`, and leave its `end` state to the next.
    fn complete(&self, k: usize, end: PushParser, outcome: Outcome, result: R) {
        let sink = self.sink.lock().unwrap_or_else(PoisonError::into_inner);
        self.write_from(k, end, outcome, result, sink);
    }

    /// [`Shared::complete`] with the output held (`sink`): then write the parts parked
    /// after it (checking each one's guess against the state the part before it ended in,
    /// and parsing it again here when it is wrong), and move the head to the first part
    /// not finished, with the state the parts before it end in (the output let go first:
    /// the new head's worker takes it at once).
    fn write_from(
        &self,
        k: usize,
        end: PushParser,
        outcome: Outcome,
        result: R,
        mut sink: MutexGuard<'_, Sink<'_, R>>,
    ) {
        sink.merge(outcome, result);
        let mut end = end;
        for j in k + 1.. {
            let parked = {
                let mut turn = self.lock_turn();
                let parked = turn.parked.get_mut(j).and_then(Option::take);
                let Some(parked) = parked else {
                    drop(sink);
                    turn.truth = Some(end);
                    turn.head = j;
                    self.head.store(j, Ordering::Release);
                    return self.moved(turn);
                };
                turn.parked_by[parked.worker] -= 1;
                // Its worker may park more now.
                self.moved(turn);
                parked
            };
            if self.stopped() {
                return;
            }
            let Parked { guess, end: parked_end, outcome, result, .. } = *parked;
            if self.agree(&guess, &end) {
                sink.merge(outcome, result);
                end = parked_end;
                continue;
            }
            // A wrong guess: the part parsed again from the true state, here.
            self.redone();
            let (start, stop) = (self.cuts[j], self.cuts[j + 1]);
            let bytes = match read_part(self.context.plan.path, start, stop, self.context.plan.map) {
                Ok(bytes) => bytes,
                Err(e) => {
                    let failure = InputError::Io { name: self.context.name.clone(), source: e };
                    self.lock_turn().failure.get_or_insert(Failure::Input(failure));
                    return self.halt();
                }
            };
            let mapped = self.context.plan.map.then_some(&bytes);
            let (again, outcome, result) = self.parse_at_the_head(j, end, &bytes, mapped, &mut sink);
            sink.merge(outcome, result);
            end = again;
        }
    }
}

/// What a worker keeps from part to part, and from round to round (each round's threads
/// take them up again): the file it reads through, its part's bytes, its warm-up's, the
/// last table header it read, and what its parts' parsers remembered of the lines they
/// read (netstat -s line shapes, /proc names lines), for its next guess to start with.
#[derive(Default)]
struct Kit {
    file: Option<File>,
    warm: Vec<u8>,
    header: Option<(u64, Vec<u8>)>,
    /// The part being parsed: read once, scanned, then parsed from memory.
    buf: Vec<u8>,
    learnt: Option<PushParser>,
}

/// The output buffers that no worker fills or holds, shared by the workers and kept from
/// round to round. Only a worker ahead of the head holds buffers (up to [`HELD`] bytes),
/// and when its part's turn comes it writes them and gives them back, for the next worker
/// ahead: so the workers need about one [`HELD`] of buffers between them, not one each,
/// and no round allocates them again (each worker keeping its own, `events --jobs 2` on 1
/// GB of /proc ended up with 25 to 27 buffers of 144 KiB, and its peak RSS grew with the
/// input's rounds).
#[derive(Default)]
struct Buffers(Mutex<Vec<Vec<u8>>>);

impl Buffers {
    /// An empty buffer: a recycled one when there is one (else without room).
    fn take(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).pop().unwrap_or_default()
    }

    /// Take back `held`'s buffers (leaving it empty).
    fn give(&self, held: &mut Vec<Vec<u8>>) {
        held.iter_mut().for_each(Vec::clear);
        self.0.lock().unwrap_or_else(PoisonError::into_inner).append(held);
    }

    /// Take back one buffer.
    fn give_one(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(buffer);
    }

    /// Give `chunk` (empty) room for a chunk: a recycled buffer when it has none.
    fn room(&self, chunk: &mut Vec<u8>) {
        if chunk.capacity() < ROOM {
            let fresh = self.take();
            if fresh.capacity() > chunk.capacity() {
                *chunk = fresh;
            }
        }
        chunk.reserve(ROOM);
    }
}

/// The output of a part being parsed by worker `w`: written as it comes at the part's
/// turn (`direct`), else held until it comes.
struct PartOut<'p, 's, R> {
    shared: &'p Shared<'s, R>,
    w: usize,
    k: usize,
    /// The guess the part started from, until it is checked.
    guess: Option<PushParser>,
    /// Whether the part's turn came and its start state is the true one: its output is
    /// written as it comes.
    direct: bool,
    /// The output held until the part's turn.
    held: Vec<Vec<u8>>,
    held_bytes: usize,
    /// Set when the guess was found wrong: the parse stops, its output is dropped, and
    /// the part is parsed again from `truth`.
    wrong: &'p Cell<bool>,
    truth: Option<PushParser>,
}

impl<'p, 's, R: Send> PartOut<'p, 's, R> {
    /// The output of part `k`, started from `guess` (else the true state, at its turn).
    fn new(shared: &'p Shared<'s, R>, w: usize, k: usize, guess: Option<PushParser>, wrong: &'p Cell<bool>) -> Self {
        let direct = guess.is_none();
        PartOut { shared, w, k, guess, direct, held: Vec::new(), held_bytes: 0, wrong, truth: None }
    }

    /// The work's `send`: write `chunk` at the part's turn, else hold it (waiting for the
    /// turn, or for room, when more than [`Shared::held_most`] would be held).
    fn send(&mut self, chunk: &mut Vec<u8>) {
        if !chunk.is_empty() && !self.wrong.get() && !self.shared.stopped() {
            if !self.direct {
                self.take_turn_if(chunk.len());
            }
            if self.direct {
                let mut sink = self.shared.sink.lock().unwrap_or_else(PoisonError::into_inner);
                if !sink.write(chunk) {
                    drop(sink);
                    self.shared.halt();
                }
            } else if !self.wrong.get() {
                let fresh = self.shared.buffers.take();
                self.held.push(std::mem::replace(chunk, fresh));
            }
        }
        chunk.clear();
        self.shared.buffers.room(chunk);
    }

    /// Take the part's turn if it has come, else hold `more` bytes, or wait (for the turn,
    /// or for room) when the parts not at the head would hold more than
    /// [`Shared::held_most`] together. A budget shared, not [`HELD`] for each worker: the
    /// worker that has just written the head's part starts on its next one while the
    /// worker of the new head still holds a whole part's output (it writes it when it
    /// wakes up), and with a bound per worker both held at once, now and then (the more
    /// often the longer the input: `events --jobs 2`'s peak RSS on /proc grew from 100 MB
    /// to 1 GB). The head's worker holds nothing, so it never waits for room: the parts
    /// go on.
    fn take_turn_if(&mut self, more: usize) {
        let shared = self.shared;
        let mut turn = shared.lock_turn();
        loop {
            if shared.stopped() {
                return;
            }
            if turn.head == self.k {
                break;
            }
            if turn.held + more <= shared.held_most {
                turn.held += more;
                self.held_bytes += more;
                return;
            }
            turn = shared.wait(turn);
        }
        let truth = turn.truth.take();
        drop(turn);
        self.check(truth);
    }

    /// The part's turn has come: check its guess against the true state. Right, write
    /// what it held (and the rest as it comes); wrong, drop it and keep the true state to
    /// parse the part again from.
    fn check(&mut self, truth: Option<PushParser>) {
        let right = matches!((&self.guess, &truth), (Some(guess), Some(truth)) if self.shared.agree(guess, truth));
        let mut held = std::mem::take(&mut self.held);
        if right {
            self.direct = true;
            // Each chunk's bytes and buffer are given back as soon as it is written, not
            // after the whole part's: the other worker, which has just written the head's
            // part and holds its next one, waits for room only as long as one chunk takes.
            for chunk in held.drain(..) {
                let written = self.shared.sink.lock().unwrap_or_else(PoisonError::into_inner).write(&chunk);
                let freed = chunk.len().min(self.held_bytes);
                self.shared.buffers.give_one(chunk);
                if freed > 0 {
                    let mut turn = self.shared.lock_turn();
                    turn.held -= freed;
                    self.held_bytes -= freed;
                    self.shared.moved(turn);
                }
                if !written {
                    self.shared.halt();
                    break;
                }
            }
        } else {
            self.wrong.set(true);
            self.truth = truth;
        }
        // The buffers back, then the bytes they held: a worker waiting for room to hold
        // more takes them.
        self.shared.buffers.give(&mut held);
        if self.held_bytes > 0 {
            let mut turn = self.shared.lock_turn();
            turn.held -= std::mem::take(&mut self.held_bytes);
            self.shared.moved(turn);
        }
    }

    /// The part is parsed (from its guess) before its turn: park it for the worker of
    /// the part before (`None`) when it has no output and its worker may park more; else
    /// wait for its turn, then check the guess ([`PartOut::check`]) and give the parse
    /// back.
    fn finished_early(&mut self, end: PushParser, outcome: Outcome, result: R) -> Option<(PushParser, Outcome, R)> {
        let shared = self.shared;
        let mut turn = shared.lock_turn();
        loop {
            if shared.stopped() {
                return None;
            }
            if turn.head == self.k {
                let truth = turn.truth.take();
                drop(turn);
                self.check(truth);
                return Some((end, outcome, result));
            }
            if turn.parked_by[self.w] < self.shared.context.plan.parked && self.held.is_empty() {
                let guess = self.guess.take()?;
                turn.parked_by[self.w] += 1;
                turn.parked[self.k] = Some(Box::new(Parked { worker: self.w, guess, end, outcome, result }));
                return None;
            }
            turn = shared.wait(turn);
        }
    }
}

impl<R: Send> Shared<'_, R> {
    /// Read part `k` into the front of `buf` (through `file`, opened on first use), or map
    /// it ([`Plan::map`]); scan it on the way, [`READ_STEP`] bytes at a time (each step
    /// scanned while it is in the core's cache), and fold what the parts read so far leave
    /// at the cuts after them, for the guesses waiting in [`Shared::before`]. `buf` only
    /// grows (not zeroed again for each part).
    fn read_part(&self, k: usize, file: &mut Option<File>, buf: &mut Vec<u8>) -> io::Result<PartBytes> {
        let file = match file {
            Some(file) => file,
            None => file.insert(File::open(self.context.plan.path)?),
        };
        let (start, end) = (self.cuts[k], self.cuts[k + 1]);
        let len = usize::try_from(end - start).map_err(io::Error::other)?;
        let Context { headers, marks, numbered, scanned, .. } = self.context;
        let mut scan = scanned.then(|| PartScanner::new(start, *headers, marks.as_ref(), *numbered));
        let part = if self.context.plan.map {
            let part = map_part(file, start, len)?;
            if let Some(scan) = &mut scan {
                for (i, step) in part.chunks(READ_STEP).enumerate() {
                    scan.feed(step, start + (i * READ_STEP) as u64);
                }
            }
            PartBytes::Mapped(part)
        } else {
            if buf.len() < len {
                // To the longest part's length (not twice it, as a vector grows).
                buf.reserve_exact(len - buf.len());
                buf.resize(len, 0);
            }
            file.seek(SeekFrom::Start(start))?;
            match &mut scan {
                Some(scan) => {
                    let mut at = 0;
                    while at < len {
                        let step = &mut buf[at..len.min(at + READ_STEP)];
                        file.read_exact(step)?;
                        scan.feed(step, start + at as u64);
                        at += step.len();
                    }
                }
                // Nothing to scan: the guesses after it wait for nothing but its read.
                None => file.read_exact(&mut buf[..len])?,
            }
            PartBytes::Read(len)
        };
        let found = scan.map_or(PartScan { newlines: 0, headers: [None, None], marks: None }, PartScanner::finish);
        let mut scanned = self.scanned.lock().unwrap_or_else(PoisonError::into_inner);
        scanned.add(k, found, self.cuts);
        // Woken only when a guess waits (seldom: the parts before it were taken first).
        let waiting = scanned.waiting > 0;
        drop(scanned);
        if waiting {
            self.scanned_more.notify_all();
        }
        Ok(part)
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
            scanned.waiting += 1;
            scanned = self.scanned_more.wait(scanned).unwrap_or_else(PoisonError::into_inner);
            scanned.waiting -= 1;
        }
    }

    /// The guessed state part `k` (not the round's first) starts from, once the parts
    /// before it are read (reading its warm-up through `file`).
    fn start(
        &self,
        k: usize,
        file: &mut Option<File>,
        warm: &mut Vec<u8>,
        header: &mut Option<(u64, Vec<u8>)>,
        learnt: Option<&mut PushParser>,
    ) -> io::Result<PushParser> {
        let before = self.before(k)?;
        let file = match file {
            Some(file) => file,
            None => file.insert(File::open(self.context.plan.path)?),
        };
        self.guess(k, &before, file, warm, header, learnt)
    }

    /// The guessed start state of part `k` (not the round's first): a parser that read
    /// the part's warm-up (read from `file` into `warm`) and the table header it is
    /// under (read once into `header`), with the capture state at the cut, its machine
    /// given what `learnt` remembered of the lines it read (see
    /// `PushParser::exchange_caches`).
    fn guess(
        &self,
        k: usize,
        before: &Before,
        file: &mut File,
        warm: &mut Vec<u8>,
        header: &mut Option<(u64, Vec<u8>)>,
        learnt: Option<&mut PushParser>,
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
        let mut guess = match learnt {
            Some(learnt) => PushParser::guess_for_part_learnt(plan.format, inside, header, warm, at, learnt),
            None => PushParser::guess_for_part_under(plan.format, inside, header, warm, at),
        };
        if let Some(state) = &before.state {
            guess.set_capture_state(state);
        }
        Ok(guess)
    }
}

/// The bytes of the part between `start` and `end`, mapped when `map` says so.
fn read_part(path: &Path, start: u64, end: u64, map: bool) -> io::Result<Bytes> {
    let mut file = File::open(path)?;
    let len = usize::try_from(end - start).map_err(io::Error::other)?;
    if map {
        return map_part(&file, start, len);
    }
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = vec![0; len];
    file.read_exact(&mut bytes)?;
    Ok(bytes.into())
}

/// A part's bytes: read into its worker's buffer (this many), or mapped.
enum PartBytes {
    Read(usize),
    Mapped(Bytes),
}

/// The `len` bytes of `file` from `start`, mapped read-only: what a part's rows keep (the
/// page cache's copy of the file) instead of copies of its lines in fresh memory, which
/// cost `view` on 100 MB of netstat a page fault every 4 KiB, the zeroing of each page,
/// and the copies.
///
/// A mapped file must not change while it is mapped: a file truncated under the map
/// makes a read past its new end a `SIGBUS`, and bytes rewritten in place change under
/// the rows that keep them (ripgrep takes the same risk for the same gain; `--no-mmap`
/// reads instead).
pub fn map_part(file: &File, start: u64, len: usize) -> io::Result<Bytes> {
    if len == 0 {
        return Ok(Bytes::new());
    }
    // SAFETY: the map is read-only and private, and lives as long as the `Bytes` that own
    // it; what `Mmap::map` leaves to the caller is that the file is not changed meanwhile,
    // which is the contract above (as for any program reading a file another rewrites).
    let map = unsafe { memmap2::MmapOptions::new().offset(start).len(len).map(file)? };
    Ok(Bytes::from_owner(map))
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
    /// The scans of the parts read after one that is not (folded into `befores` when it
    /// is), by part: a few, since the parts are taken in order (a slot for each of a
    /// round's parts, most of them empty, took 576 KiB: a part's capture marks are large).
    pending: Vec<(usize, PartScan)>,
    /// Whether a part could not be read (the guesses after it wait no more).
    broken: bool,
    /// Guesses waiting for more.
    waiting: usize,
}

impl Scanned {
    /// What a round whose parts start at `cuts` leaves once its parts are read, when
    /// `before` is what the parts before it leave.
    fn new(before: Before, cuts: &[u64]) -> Self {
        let count = cuts.len().saturating_sub(1);
        let mut befores = Vec::with_capacity(count + 1);
        befores.push(before);
        Scanned { befores, pending: Vec::new(), broken: false, waiting: 0 }
    }

    /// Part `k` of the round (between `cuts[k]` and `cuts[k + 1]`) holds `found`: fold it,
    /// and the parts after it read before it, into `befores`.
    fn add(&mut self, k: usize, found: PartScan, cuts: &[u64]) {
        self.pending.push((k, found));
        while let Some(j) = self.befores.len().checked_sub(1) {
            let Some(at) = self.pending.iter().position(|(k, _)| *k == j) else { break };
            let (_, found) = self.pending.swap_remove(at);
            let next = self.befores[j].after(&found, cuts[j]);
            self.befores.push(next);
        }
    }
}

/// How many bytes of a part are read, then scanned, at a time: a step is still in the
/// core's cache when it is scanned (a whole 1 MiB part is not).
const READ_STEP: usize = 128 << 10;

/// The scan of a part read in steps (see [`Shared::read_part`]): with `lines`, its
/// newlines; with `headers`, where its last two table headers start (see
/// `PushParser::guess_for_part_under`); with `marks`, its capture marks (read by a copy of
/// the context's).
struct PartScanner {
    lines: bool,
    newlines: u64,
    headers: Option<HeaderScan>,
    marks: Option<CaptureMarks>,
}

impl PartScanner {
    /// The scan of the part that starts at `start` in the file.
    fn new(start: u64, headers: bool, marks: Option<&CaptureMarks>, lines: bool) -> Self {
        PartScanner { lines, newlines: 0, headers: headers.then(|| HeaderScan::new(start)), marks: marks.cloned() }
    }

    /// Read the part's next `bytes`, which start at `base` in the file.
    fn feed(&mut self, bytes: &[u8], base: u64) {
        if let Some(scan) = &mut self.headers {
            scan.feed(bytes, base);
        }
        if self.lines {
            self.newlines += memchr::memchr_iter(b'\n', bytes).count() as u64;
        }
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

/// The last two ss table headers of a part read in chunks. Every header holds a `P`
/// (`Peer Address:Port`), which ss rows almost never do: only the lines around a `P` are
/// asked [`is_table_header`], and the line that goes on past a chunk is carried to the
/// next (up to [`HEADER_LINE_MAX`]).
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

    /// Read the next chunk, which starts at `base` in the file.
    fn feed(&mut self, bytes: &[u8], base: u64) {
        let (Some(first), Some(last)) = (memchr::memchr(b'\n', bytes), memchr::memrchr(b'\n', bytes)) else {
            self.carry_on(bytes);
            return;
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

/// The number of the line that starts at `offset` of the file (1 plus the newlines before).
fn line_number_at(path: &Path, offset: u64) -> io::Result<u64> {
    let mut file = File::open(path)?.take(offset);
    let mut buf = vec![0u8; 64 << 10];
    let mut newlines = 0;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => newlines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if file.limit() > 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file got shorter while it was read"));
    }
    Ok(1 + newlines)
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

/// A global allocator for the unit tests that keeps the high-water mark of the bytes
/// allocated by the threads of one test and the workers they start, and not freed: the
/// memory of `events --jobs 2` on a file, bounded whatever its size (the other tests,
/// running at the same time on other threads, are not counted).
#[cfg(test)]
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;
    use std::sync::atomic::{AtomicIsize, Ordering};
    use std::sync::Mutex;

    thread_local! {
        static COUNTED: Cell<bool> = const { Cell::new(false) };
    }

    /// The bytes allocated and not freed by the counted threads (less what they freed of
    /// what was allocated before), and their most.
    static LIVE: AtomicIsize = AtomicIsize::new(0);
    static PEAK: AtomicIsize = AtomicIsize::new(0);

    /// One measure at a time.
    static MEASURE: Mutex<()> = Mutex::new(());

    /// Whether this thread's allocations are counted.
    pub fn counted() -> bool {
        // `try_with`: the thread may be tearing down its locals.
        COUNTED.try_with(Cell::get).unwrap_or(false)
    }

    /// Count this thread's allocations (or not).
    pub fn count_here(on: bool) {
        let _ = COUNTED.try_with(|c| c.set(on));
    }

    /// The most bytes that `work` (on this thread and the workers it starts) had
    /// allocated at once.
    pub fn peak_during(work: impl FnOnce()) -> usize {
        let _one = MEASURE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        LIVE.store(0, Ordering::SeqCst);
        PEAK.store(0, Ordering::SeqCst);
        count_here(true);
        work();
        count_here(false);
        PEAK.load(Ordering::SeqCst).max(0) as usize
    }

    fn allocated(bytes: usize) {
        if counted() {
            let live = LIVE.fetch_add(bytes as isize, Ordering::Relaxed) + bytes as isize;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
    }

    fn freed(bytes: usize) {
        if counted() {
            LIVE.fetch_sub(bytes as isize, Ordering::Relaxed);
        }
    }

    struct Counting;

    // SAFETY: every call goes to `System` as it is; only sizes are added up on the way.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            allocated(layout.size());
            // SAFETY: the caller's layout, as `GlobalAlloc::alloc` asks.
            unsafe { System.alloc(layout) }
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            allocated(layout.size());
            // SAFETY: as `alloc`.
            unsafe { System.alloc_zeroed(layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            freed(layout.size());
            allocated(new_size);
            // SAFETY: the caller's block and layout, as `GlobalAlloc::realloc` asks.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            freed(layout.size());
            // SAFETY: the caller's block and layout, as `GlobalAlloc::dealloc` asks.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static GLOBAL: Counting = Counting;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::input::parse_part;

    /// The output a part not at the head holds in most tests: a worker ahead waits after
    /// two of their kilobyte chunks.
    const TEST_HELD: usize = 2 << 10;

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
        let plan = Plan {
            path,
            format,
            workers,
            part_size,
            captures: false,
            lines: true,
            warm_up: WARM_UP,
            min_warm_up: WARM_UP,
            held: TEST_HELD,
            map: false,
            parked: PARKED,
        };
        events_of(plan, None)
    }

    /// The JSON lines of every event as `plan` reads the file (capture numbers shown when
    /// `plan.captures`), cut at `cuts` when given, and how many parts were parsed again.
    fn events_of(plan: Plan<'_>, cuts: Option<&[u64]>) -> (Vec<u8>, usize) {
        let name = plan.path.display().to_string();
        let captures = plan.captures;
        let work = |parser: &mut PushParser,
                    bytes: &[u8],
                    _: Option<&bytes::Bytes>,
                    last: bool,
                    stop: &dyn Fn() -> bool,
                    send: &mut dyn FnMut(&mut Vec<u8>)| {
            let mut out = Vec::new();
            let mut outcome = Outcome::default();
            // Sent a kilobyte at a time: a worker ahead waits after two (`TEST_HELD`).
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
        let mut deliver = |bytes: &[u8]| {
            all.extend_from_slice(bytes);
            true
        };
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
        let file = tempfile::NamedTempFile::new().expect("a temporary file");
        let path = file.path().to_path_buf();
        std::fs::write(&path, input).expect("temp file");
        let len = input.len() as u64;
        let mut guessed = 0;
        // A fixed warm-up, and one from the line that opens the part's context (at least
        // a line before the cut).
        for (&format, min_warm_up) in formats.iter().flat_map(|f| [(f, warm_up), (f, 256)]) {
            let plan = whole_file(&path, format, true, warm_up, min_warm_up);
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
        guessed
    }

    /// What `count` takes from a file read as `plan` says (cut at `cuts`): the events of
    /// each kind, the line accounting, the bytes and where the first malformed line is,
    /// and how many parts were parsed again.
    fn counts_of(plan: Plan<'_>, cuts: Option<&[u64]>) -> (String, usize) {
        let name = plan.path.display().to_string();
        let work = |parser: &mut PushParser,
                    bytes: &[u8],
                    _: Option<&bytes::Bytes>,
                    last: bool,
                    stop: &dyn Fn() -> bool,
                    _: &mut dyn FnMut(&mut Vec<u8>)| {
            let mut counts = vec![0u64; netsift::events::EventKind::NAMES.len()];
            let mut outcome = Outcome::default();
            let mut sink = |_: &str, ev: &Event<'_>| counts[ev.kind.index()] += 1;
            parse_part(parser, bytes, &name, last, &mut outcome, stop, &mut sink);
            (outcome, counts)
        };
        let mut counts = vec![0u64; netsift::events::EventKind::NAMES.len()];
        let mut add = |part: Vec<u64>| counts.iter_mut().zip(part).for_each(|(total, n)| *total += n);
        let (outcome, redone) = match cuts {
            Some(cuts) => run_cut(plan, cuts, &work, &mut |_| true, &mut add),
            None => run_parts(plan, &work, &mut |_| true, &mut add),
        }
        .expect("no failure");
        let seen = format!("{counts:?} {:?} {} {:?}", outcome.stats, outcome.bytes, outcome.first_malformed_at());
        (seen, redone)
    }

    #[test]
    fn count_parts_numbered_from_anywhere_count_as_one_parse() {
        // `count` does not count a part's newlines before parsing it (`Plan::lines`): each
        // guess numbers its lines from anywhere, is checked but for line numbers, and the
        // first malformed line's number is found again from its offset. At every cut of
        // inputs with malformed lines, for the machines that hold positions across lines
        // (netstat's title before its header and sctp rows, /proc's names line, a unix
        // row held for its path), ss (whose parts are scanned for headers, not newlines)
        // and the counter formats; the guess must be taken at every cut (a held position
        // compared with its line number would refuse it).
        let mut netstat = include_bytes!("../../tests/fixtures/captured/deb12_netstat-neopa.txt").to_vec();
        netstat.extend_from_slice(b"tcp  this line is no row\n");
        netstat.extend_from_slice(include_bytes!("../../tests/fixtures/captured/deb12_netstat-neopa.txt"));
        let mut proc = include_bytes!("../../tests/fixtures/captured/deb12_proc-net-netstat.txt").to_vec();
        proc.extend_from_slice(b"TcpExt: 1 2 3\n");
        proc.extend_from_slice(include_bytes!("../../tests/fixtures/captured/deb12_proc-net-snmp.txt"));
        let stat = include_bytes!("../../tests/fixtures/captured/deb12_periodic_netstat-s.txt");
        let mut stat = stat[..stat.len().min(6_000)].to_vec();
        stat.extend_from_slice(b"Tcp:\n    active connections openings: x\n    99 active connection openings\n");
        let mut unix = include_bytes!("../../tests/fixtures/corpus/kernel/r1_proc_net_unix").to_vec();
        unix.extend_from_slice(b"0000000012345678: 00000003 00000000 00000000 0001 03 x\n");
        unix.extend_from_slice(&include_bytes!("../../tests/fixtures/corpus/kernel/r1_proc_net_unix")[55..]);
        let mut ss = ss_log(2, 12);
        ss.extend_from_slice(b"tcp   ESTAB  this line is no row\n");
        ss.extend_from_slice(&ss_log(2, 12));
        let inputs = [
            ("netstat", netstat, vec![Format::Netstat, Format::Auto]),
            ("proc", periodic(&proc, 2), vec![Format::ProcNetstat, Format::Auto]),
            ("netstat-s", stat, vec![Format::NetstatS, Format::Auto]),
            ("unix", unix, vec![Format::ProcNetUnix]),
            ("ss", ss, vec![Format::Ss, Format::Auto]),
        ];
        for (label, input, formats) in inputs {
            let file = tempfile::NamedTempFile::new().expect("a temporary file");
            let path = file.path().to_path_buf();
            std::fs::write(&path, &input).expect("temp file");
            let len = input.len() as u64;
            for format in formats {
                let plan = whole_file(&path, format, false, 4096, 4096);
                let (whole, _) = counts_of(plan, Some(&[0, len]));
                assert!(whole.contains("Some(("), "{label} {format:?}: no malformed line in {whole}");
                for cut in line_starts(&input).map(|c| c as u64) {
                    let (split, redone) = counts_of(plan, Some(&[0, cut, len]));
                    assert_eq!(split, whole, "{label} {format:?} cut at {cut}");
                    assert_eq!(redone, 0, "{label} {format:?} cut at {cut}: the guess was not taken");
                }
                for part_size in [100, 333, 1000] {
                    let plan = Plan { part_size, warm_up: 300, min_warm_up: 300, ..plan };
                    let (split, _) = counts_of(plan, None);
                    assert_eq!(split, whole, "{label} {format:?} in parts of {part_size}");
                }
            }
        }
    }

    /// A plan of the whole file as one part (the reference a split parse is held to), for
    /// `events` (`numbered`: captures and line numbers shown) or for `count`.
    fn whole_file(path: &Path, format: Format, numbered: bool, warm_up: u64, min_warm_up: u64) -> Plan<'_> {
        Plan {
            path,
            format,
            workers: 2,
            part_size: u64::MAX,
            captures: numbered,
            lines: numbered,
            warm_up,
            min_warm_up,
            held: TEST_HELD,
            map: false,
            parked: PARKED,
        }
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
                for (i, chunk) in all.chunks(size).enumerate() {
                    scan.feed(chunk, (i * size) as u64);
                }
                scan.finish();
                assert_eq!(scan.found, expected, "chunks of {size}, tail of {}", tail.len());
            }
        }
    }

    #[test]
    fn wrong_guesses_are_parsed_again_with_the_same_output() {
        // Warm-ups of a line or none: most guesses of netstat -s and /proc parts are wrong
        // (a part's first rows read without their section). A wrong guess is found by
        // the part's own worker when its turn comes while it parses (its output is then
        // dropped and the part parsed again), or by the worker of the part before it when
        // the part was parked: part sizes from a few lines to a few kilobytes give both.
        let mut proc = include_bytes!("../../tests/fixtures/captured/deb12_proc-net-netstat.txt").to_vec();
        proc.extend_from_slice(include_bytes!("../../tests/fixtures/captured/deb12_proc-net-snmp.txt"));
        let stat = include_bytes!("../../tests/fixtures/captured/deb12_periodic_netstat-s.txt");
        let inputs = [
            ("netstat-s", Format::NetstatS, stat[..stat.len().min(20_000)].to_vec()),
            ("proc", Format::ProcNetstat, periodic(&proc, 3)),
            ("ss", Format::Ss, ss_log(3, 40)),
        ];
        for (label, format, input) in inputs {
            let file = tempfile::NamedTempFile::new().expect("a temporary file");
            let path = file.path().to_path_buf();
            std::fs::write(&path, &input).expect("temp file");
            let mut redone = 0;
            for warm_up in [0, 100] {
                let plan = whole_file(&path, format, true, warm_up, 0);
                let (whole, _) = events_of(plan, Some(&[0, input.len() as u64]));
                for workers in [2, 3] {
                    for part_size in [150, 400, 1500, 5000] {
                        let plan = Plan { workers, part_size, ..plan };
                        let (split, again) = events_of(plan, None);
                        assert!(split == whole, "{label} warm-up {warm_up}, {workers} workers, parts of {part_size}");
                        redone += again;
                    }
                }
            }
            assert!(redone > 10, "{label}: {redone} parts parsed again");
        }
    }

    #[test]
    fn a_reader_that_stops_stops_the_workers() {
        // The output's reader goes after the first bytes (a closed pipe): nothing more is
        // handed over, and the workers stop within a few parts.
        let input = ss_log(2, 4000);
        let file = tempfile::NamedTempFile::new().expect("a temporary file");
        let path = file.path().to_path_buf();
        std::fs::write(&path, &input).expect("temp file");
        let plan = Plan {
            path: &path,
            format: Format::Ss,
            workers: 2,
            part_size: 2048,
            captures: true,
            lines: true,
            warm_up: WARM_UP,
            min_warm_up: EVENTS_WARM_UP,
            held: TEST_HELD,
            map: false,
            parked: PARKED,
        };
        let parsed = AtomicU64::new(0);
        let work = |parser: &mut PushParser,
                    bytes: &[u8],
                    _: Option<&bytes::Bytes>,
                    last: bool,
                    stop: &dyn Fn() -> bool,
                    send: &mut dyn FnMut(&mut Vec<u8>)| {
            let mut out = Vec::new();
            let mut outcome = Outcome::default();
            let mut sink = |_: &str, ev: &Event<'_>| {
                netsift::events::json::write_event(&mut out, ev);
                if out.len() >= 1 << 10 {
                    send(&mut out);
                }
            };
            parse_part(parser, bytes, "stop", last, &mut outcome, stop, &mut sink);
            send(&mut out);
            parsed.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            (outcome, ())
        };
        let mut calls = 0;
        let mut deliver = |_: &[u8]| {
            calls += 1;
            false
        };
        let outcome = run(plan, &work, &mut deliver, &mut |()| {}).expect("no failure");
        assert_eq!(calls, 1, "output handed over after its reader went");
        let parsed = parsed.load(Ordering::Relaxed);
        assert!(parsed < 20 * 2048, "{parsed} of {} bytes parsed after the reader went", input.len());
        assert!(outcome.bytes < input.len() as u64);
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
        let mut scan = PartScanner::new(start, headers, marks, true);
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
            if headers {
                scan.feed(chunk, start + (i * size) as u64);
            }
            newlines += memchr::memchr_iter(b'\n', chunk).count() as u64;
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
        let file = tempfile::NamedTempFile::new().expect("a temporary file");
        let path = file.path().to_path_buf();
        std::fs::write(&path, &input).expect("temp file");
        for format in [Format::Ss, Format::Auto] {
            let (whole, _) = events(&path, format, 1, u64::MAX);
            let (split, redone) = events(&path, format, 2, 64 << 10);
            assert!(whole.len() > input.len(), "{format:?}: no events");
            assert!(whole == split, "{format:?}: the parts' events differ from one parse");
            assert_eq!(redone, 0, "{format:?}: parts parsed again");
        }
    }

    /// `events --jobs 2` on /proc logs of 1, 2 and 4 MiB (parts of [`EVENTS_PART_SIZE`],
    /// each one's JSON about 9× its bytes, [`HELD`] held) written to a slow reader: the
    /// most the parse allocates at once (parts, output buffers, parsers, scans) stays under
    /// the same bound whatever the input's size, about one [`HELD`] of output buffers for
    /// the two workers together. (When each worker held up to [`HELD`] and kept its own
    /// buffers, the worker that had written a part held its next while the other was
    /// writing the part it had held: about twice as many.)
    #[test]
    fn events_on_two_workers_allocate_a_bound_whatever_the_input_size() {
        let mut capture = include_bytes!("../../tests/fixtures/captured/deb12_proc-net-netstat.txt").to_vec();
        capture.extend_from_slice(include_bytes!("../../tests/fixtures/captured/deb12_proc-net-snmp.txt"));
        let file = tempfile::NamedTempFile::new().expect("a temporary file");
        let path = file.path().to_path_buf();
        thread_local! {
            // The thread's output buffer, kept from part to part (as `events` keeps it).
            static CHUNK_OUT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let mut peaks = Vec::new();
        for mib in [1, 2, 4] {
            let input = periodic(&capture, (mib << 20) / (capture.len() + 30) + 1);
            std::fs::write(&path, &input).expect("temp file");
            let plan = Plan {
                path: &path,
                format: Format::ProcNetstat,
                workers: 2,
                part_size: EVENTS_PART_SIZE,
                captures: true,
                lines: true,
                warm_up: WARM_UP,
                min_warm_up: EVENTS_WARM_UP,
                held: HELD,
                map: false,
                parked: PARKED,
            };
            let work = |parser: &mut PushParser,
                        bytes: &[u8],
                        _: Option<&bytes::Bytes>,
                        last: bool,
                        stop: &dyn Fn() -> bool,
                        send: &mut dyn FnMut(&mut Vec<u8>)| {
                let mut outcome = Outcome::default();
                CHUNK_OUT.with_borrow_mut(|out| {
                    send(out);
                    let mut sink = |_: &str, ev: &Event<'_>| {
                        netsift::events::json::write_event(out, ev);
                        out.push(b'\n');
                        if out.len() >= CHUNK {
                            send(out);
                        }
                    };
                    parse_part(parser, bytes, "memory", last, &mut outcome, stop, &mut sink);
                    send(out);
                });
                (outcome, ())
            };
            let mut written = 0;
            let peak = counting::peak_during(|| {
                // A slow reader: the worker of the head writes slowly, and the other one
                // holds all it may.
                let mut deliver = |bytes: &[u8]| {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    written += bytes.len();
                    true
                };
                run_parts(plan, &work, &mut deliver, &mut |()| {}).expect("read the file");
            });
            assert!(written > 8 * input.len(), "{mib} MiB: {written} bytes of JSON");
            peaks.push((mib, peak));
        }
        // The output buffers: HELD's chunks held and a chunk being filled by each worker;
        // each worker's part; half a megabyte for the rest (parsers, warm-ups, scans). The
        // parse with HELD for each worker kept 3.3 to 3.6 MB; this one 1.9 to 2.1 with
        // chunks of 128 KiB, 1.8 to 2.6 with chunks of 256 KiB.
        let bound = (HELD / CHUNK + 2) * ROOM + 2 * EVENTS_PART_SIZE as usize + (512 << 10);
        for &(mib, peak) in &peaks {
            eprintln!("{mib} MiB of /proc: {peak} bytes allocated at once (bound {bound})");
        }
        for (mib, peak) in peaks {
            assert!(peak <= bound, "{mib} MiB of /proc: {peak} bytes allocated at once, more than {bound}");
        }
    }
}
