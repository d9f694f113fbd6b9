//! One input in memory parsed in parts on every core, with exactly the events of one parse
//! (`netsift::push::split`, as the CLI's `--jobs`).
//!
//! The bytes are cut at line starts into one part per core. The first part is parsed by
//! the true parser; each other part, on its own thread, by a parser whose state is guessed
//! from the bytes just before it (`PushParser::guess_for_part`). Once the true parser has
//! read the parts before one, a guess that agrees with it keeps its part's result (and its
//! end state becomes the truth); one that does not is thrown away and the part is parsed
//! again by the true parser. Only the speed depends on the guesses.
//!
//! ```text
//!   part 1: truth ─────────────▶ end state E1
//!   part 2:   [warm-up]─▶ guess G2 ─────▶ E2   (kept when G2 agrees with E1, else redone from E1)
//! ```

use netsift::push::Position;
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
}

/// Parse `span` with `work(parser, part, last)` on each part; the results in input order,
/// as one parse by `truth` would give them. `truth` is left where the bytes end. Returns
/// also the line number where the bytes end.
pub fn parse<R: Send>(
    truth: &mut PushParser,
    span: Span<'_>,
    work: &(dyn Fn(&mut PushParser, &[u8], bool) -> R + Sync),
) -> (Vec<R>, u64) {
    let Span { format, bytes, at, ended, inside, workers } = span;
    let cuts = cuts(bytes, workers);
    let part = |k: usize| &bytes[cuts[k]..cuts.get(k + 1).copied().unwrap_or(bytes.len())];
    let last = |k: usize| ended && k + 1 == cuts.len();
    // The line number at each cut, and at the end.
    let mut lines = vec![at.line];
    for k in 0..cuts.len() {
        lines.push(lines[k] + memchr::memchr_iter(b'\n', part(k)).count() as u64);
    }
    let end_line = lines[cuts.len()];
    let (first, guesses) = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..cuts.len())
            .map(|k| {
                let (cut, line) = (cuts[k], lines[k]);
                scope.spawn(move || {
                    let mut warm = cut.saturating_sub(WARM_UP);
                    if warm > 0 {
                        // Whole lines: from just after a newline.
                        warm += memchr::memchr(b'\n', &bytes[warm..cut]).map_or(cut - warm, |i| i + 1);
                    }
                    let here = Position { line, offset: at.offset + cut as u64 };
                    let mut guess = PushParser::guess_for_part(format, inside, &bytes[warm..cut], here);
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
    (results, end_line)
}
