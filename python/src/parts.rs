//! One input in memory parsed in parts on every core, with exactly the events of one parse
//! (`netsift::push::split`, as the CLI's `--jobs`).
//!
//! The bytes are cut at line starts into one part per core. Each part is first read once,
//! cheaply and in parallel, for its lines and its capture marks (`CaptureMarks`: the lines
//! that decide where captures start, and the last ss header), from which the line number,
//! the capture state and the table header at each cut follow (the marks of the input's
//! last part are not needed, and the parts whose marks are, are read in as many pieces as
//! there are cores for them: on two cores, the first part's marks in two halves). The
//! first part is parsed by the true parser; each other part, on its own thread, by a
//! parser whose state is guessed from the bytes just before it, with that capture state
//! and header (`PushParser::guess_for_part_under`, `set_capture_state`). Once the true
//! parser has read the parts before one, a guess that agrees with it keeps its part's
//! result (and its end state becomes the truth); one that does not is thrown away and the
//! part is parsed again by the true parser. Only the speed depends on the guesses.
//!
//! ```text
//!   part 1: truth ─────────────▶ end state E1
//!   part 2:   [warm-up]─▶ guess G2 ─────▶ E2   (kept when G2 agrees with E1, else redone from E1)
//! ```

use netsift::push::{CaptureMarks, Position};
use netsift::{Event, Format, PushParser};

/// Parts smaller than this are not worth a thread.
const MIN_PART: usize = 1 << 20;
/// Bytes before a part that its guessed parser reads first (as the CLI's `--jobs`).
const WARM_UP: usize = 128 << 10;

/// Threads worth using.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(8)
}

/// Where the parts of `bytes` start: up to `workers` cuts at line starts, the first at 0,
/// one only when the bytes are too few to share.
fn cuts(bytes: &[u8], workers: usize) -> Vec<usize> {
    let parts = (bytes.len() / MIN_PART).clamp(1, workers.max(1));
    let mut cuts = vec![0];
    for i in 1..parts {
        let target = bytes.len() * i / parts;
        if let Some(nl) = memchr::memchr(b'\n', &bytes[target..]) {
            let cut = target + nl + 1;
            if cut < bytes.len() && cut > cuts.last().copied().unwrap_or(0) {
                cuts.push(cut);
            }
        }
    }
    cuts
}

/// The format the input is in near its start, for guesses under `Format::Auto`.
pub fn sniff(format: Format, bytes: &[u8]) -> Option<Format> {
    let mut sniff = PushParser::new(format);
    sniff.feed(&bytes[..bytes.len().min(64 << 10)], &mut |_: Event<'_>| {});
    sniff.section_format()
}

/// What to parse: `bytes`, whole lines starting at `at` (except the input's last line
/// when `ended`), read by `truth` from where it stands, on up to `workers` threads.
pub struct Span<'b> {
    /// The input's format, as given to the true parser.
    pub format: Format,
    /// The bytes.
    pub bytes: &'b [u8],
    /// Where they start in the input.
    pub at: Position,
    /// Whether they end the input (the last part then finishes its parser).
    pub ended: bool,
    /// The format of the section near the input's start (`sniff`).
    pub inside: Option<Format>,
    /// Threads to use at most.
    pub workers: usize,
    /// The last table header before the bytes (see `PushParser::guess_for_part_under`), if
    /// one was found: an ss table can go on for several spans.
    pub header: Option<&'b [u8]>,
}

/// What [`parse`] gives back besides the results: where the bytes end, and the last table
/// header among them (for the next span's [`Span::header`]).
pub struct Parsed<'b> {
    /// The line number where the bytes end.
    pub end_line: u64,
    /// The last table header in the bytes, if one was found.
    pub header: Option<&'b [u8]>,
}

/// Parse `span` with `work(parser, part, last)` on each part; the results in input order,
/// as one parse by `truth` would give them. `truth` is left where the bytes end.
pub fn parse<'b, R: Send>(
    truth: &mut PushParser,
    span: Span<'b>,
    work: &(dyn Fn(&mut PushParser, &[u8], bool) -> R + Sync),
) -> (Vec<R>, Parsed<'b>) {
    let Span { format, bytes, at, ended, inside, workers, header } = span;
    let cuts = cuts(bytes, workers);
    let part = |k: usize| &bytes[cuts[k]..cuts.get(k + 1).copied().unwrap_or(bytes.len())];
    let last = |k: usize| ended && k + 1 == cuts.len();
    // Each part's lines and capture marks, read in parallel (the marks of the formats
    // whose captures they follow, see `netsift::push::split`). The last part's marks give
    // only the table header the next span starts under: none when nothing follows. The
    // parts whose marks are read are cut again into pieces, one per core they leave idle
    // (two parts on two cores, the last not marked: the first read on both), as marks
    // fold over any cuts at line starts.
    let template = CaptureMarks::new(format, inside);
    let marked = |k: usize| template.is_some() && !last(k);
    let split = match (0..cuts.len()).filter(|&k| marked(k)).count() {
        0 => 1,
        n => (workers / n).max(1),
    };
    // (part, where the piece starts, where it ends) in `bytes`.
    let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
    for (k, &start) in cuts.iter().enumerate() {
        let sub = if marked(k) { self::cuts(part(k), split) } else { vec![0] };
        for (i, &from) in sub.iter().enumerate() {
            let to = sub.get(i + 1).map_or(start + part(k).len(), |&c| start + c);
            pieces.push((k, start + from, to));
        }
    }
    let count_piece = |&(k, start, end): &(usize, usize, usize)| {
        let piece = &bytes[start..end];
        let newlines = memchr::memchr_iter(b'\n', piece).count() as u64;
        let marks = template.clone().filter(|_| marked(k)).map(|mut marks| {
            marks.feed(piece);
            marks.finish();
            marks
        });
        (newlines, marks)
    };
    let scans: Vec<(u64, Option<CaptureMarks>)> = if pieces.len() == 1 {
        pieces.iter().map(count_piece).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = pieces.iter().map(|piece| scope.spawn(move || count_piece(piece))).collect();
            let joined: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
            // A thread that panicked: its piece counted here (without marks).
            joined
                .into_iter()
                .zip(&pieces)
                .map(|(r, &(_, start, end))| {
                    r.unwrap_or_else(|_| (memchr::memchr_iter(b'\n', &bytes[start..end]).count() as u64, None))
                })
                .collect()
        })
    };
    // The line number, the capture state and the last table header at each cut, and at
    // the end, folded over the pieces.
    let mut lines = vec![at.line];
    let mut states = vec![truth.capture_state(inside)];
    // The last two headers so far (the last first); a part that ends with a header
    // leaves the one before it in force (the machine holds a header until the next line).
    let mut seen_headers = [header, None];
    let mut headers = vec![header];
    let (mut line, mut state) = (at.line, states[0].clone());
    for (&(k, start, end), (newlines, marks)) in pieces.iter().zip(&scans) {
        line += newlines;
        state = state.as_ref().zip(marks.as_ref()).and_then(|(s, m)| s.after(m));
        let line_at = |h: u64| {
            let from = start + h as usize;
            let to = memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i);
            let line = &bytes[from..to];
            line.strip_suffix(b"\r").unwrap_or(line)
        };
        let found = marks.as_ref().map_or([None, None], CaptureMarks::last_headers);
        match found {
            [Some(last), Some(before)] => seen_headers = [Some(line_at(last)), Some(line_at(before))],
            [Some(last), None] => seen_headers = [Some(line_at(last)), seen_headers[0]],
            _ => {}
        }
        if end == cuts.get(k + 1).copied().unwrap_or(bytes.len()) {
            // The part's end: its last piece says whether it ends with a header held.
            let held = marks.as_ref().is_some_and(CaptureMarks::header_held);
            lines.push(line);
            states.push(state.clone());
            headers.push(if held { seen_headers[1] } else { seen_headers[0] });
        }
    }
    let end_line = lines[cuts.len()];
    let (first, guesses) = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..cuts.len())
            .map(|k| {
                let (cut, line, state, header) = (cuts[k], lines[k], &states[k], headers[k]);
                scope.spawn(move || {
                    let mut warm = cut.saturating_sub(WARM_UP);
                    if warm > 0 {
                        // Whole lines: from just after a newline.
                        warm += memchr::memchr(b'\n', &bytes[warm..cut]).map_or(cut - warm, |i| i + 1);
                    }
                    let here = Position { line, offset: at.offset + cut as u64 };
                    // The header, when the warm-up does not hold it.
                    let header = header.filter(|h| !bytes[warm..cut].as_ptr_range().contains(&h.as_ptr()));
                    let mut guess = PushParser::guess_for_part_under(format, inside, header, &bytes[warm..cut], here);
                    if let Some(state) = state {
                        guess.set_capture_state(state);
                    }
                    let start = guess.clone();
                    let result = work(&mut guess, part(k), last(k));
                    (start, guess, result)
                })
            })
            .collect();
        let first = work(truth, part(0), last(0));
        let guesses: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
        (first, guesses)
    });
    let mut results = vec![first];
    for (k, guess) in guesses.into_iter().enumerate() {
        let k = k + 1;
        match guess {
            Ok((start, end_state, result)) if start.agrees(truth, true) => {
                *truth = end_state;
                results.push(result);
            }
            // A wrong guess (or a worker that panicked): the part again, from the truth.
            _ => results.push(work(truth, part(k), last(k))),
        }
    }
    (results, Parsed { end_line, header: seen_headers[0] })
}
