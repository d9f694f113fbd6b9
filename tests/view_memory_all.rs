//! `view --capture all` holds one capture at a time: with
//! `ViewSet::spool_finished_captures` (what the command line turns on), each capture's JSON
//! is written out when the next capture starts and the capture is dropped, so that the
//! memory of a periodic log is that of its largest capture, not of all of them, and the
//! JSON is the same bytes as when every capture was held.
//!
//! Measured as tests/view_memory.rs does: a counting global allocator follows the bytes
//! allocated and not yet freed, and their peak. The test is a single function: no other
//! test of this binary allocates meanwhile.

mod common;

use std::sync::atomic::Ordering::Relaxed;

use common::fixtures::{big_capture, read as fixture};
use common::peak_alloc::{Counting, LIVE, PEAK};

use netsift::views::{CaptureSelect, ViewSet};
use netsift::{Format, PushParser};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A writer that checks what it is given against the expected output as it comes, so that
/// the output is compared without being held.
struct Compare<'e> {
    expected: &'e [u8],
    at: usize,
    differs_at: Option<usize>,
}

impl std::io::Write for Compare<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let end = self.at + buf.len();
        if self.differs_at.is_none() && self.expected.get(self.at..end) != Some(buf) {
            self.differs_at = Some(self.at);
        }
        self.at = end;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The JSON of the views of `input`, every capture held (the reference output).
fn json_holding_all(input: &[u8], format: Format) -> Vec<u8> {
    let mut views = ViewSet::new(format, CaptureSelect::All);
    let mut parser = PushParser::new(format);
    parser.feed(input, &mut views);
    parser.finish(&mut views);
    let mut out = Vec::new();
    views.write_json_to(&mut out).expect("a Vec takes everything");
    out
}

/// Peak bytes held above the level at the start while `input` is read in 64 KiB chunks
/// into the views of `format` and their JSON is written out (checked against `expected`
/// when given), and the number of captures seen.
fn peak_while_viewing(
    input: &[u8],
    format: Format,
    select: CaptureSelect,
    spool: bool,
    expected: Option<&[u8]>,
) -> (usize, u32) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let mut views = ViewSet::new(format, select);
    if spool {
        views.spool_finished_captures();
    }
    let mut parser = PushParser::new(format);
    for chunk in input.chunks(1 << 16) {
        parser.feed(chunk, &mut views);
    }
    parser.finish(&mut views);
    let mut compare = Compare { expected: expected.unwrap_or_default(), at: 0, differs_at: None };
    views.write_json_to(&mut compare).expect("the comparing writer takes everything");
    let captures = views.seen.max_capture;
    drop((views, parser));
    let peak = PEAK.load(Relaxed) - base;
    if let Some(expected) = expected {
        assert_eq!(compare.differs_at, None, "{format:?}: the spooled JSON differs from the held one");
        assert_eq!(compare.at, expected.len(), "{format:?}: the spooled JSON has another length");
    }
    (peak, captures)
}

/// Room for the spool's buffer (a quarter megabyte) and the chunk copied back, above what
/// one capture costs (1.5 MiB).
const SPOOL_ROOM: usize = 3 << 19;

#[test]
fn capture_all_holds_the_largest_capture_not_all_of_them() {
    // Periodic logs of many captures: `--capture all` must cost what the last capture
    // alone costs, plus the spool's buffers, whatever the number of captures.
    let periodic = [
        (Format::Netstat, "corpus/real/r1_netstat-neopa.txt"),
        (Format::Ss, "corpus/real/r1_ss-tupna.txt"),
        (Format::NetstatS, "corpus/real/r1_netstat-s.txt"),
        (Format::ProcNetstat, "corpus/real/r1_proc-net-netstat.txt"),
        (Format::Auto, "corpus/real/r1_netstat-neopa.txt"),
    ];
    for (format, rel) in periodic {
        // Enough captures that holding them all takes megabytes.
        let capture = fixture(rel);
        let copies = (3 << 20) / capture.len() + 1;
        let log = capture.repeat(copies);
        let expected = json_holding_all(&log, format);
        let (last, seen) = peak_while_viewing(&log, format, CaptureSelect::Last, false, None);
        assert_eq!(seen as usize, copies, "{rel}: every copy is a capture");
        let (spooled, _) = peak_while_viewing(&log, format, CaptureSelect::All, true, Some(&expected));
        let bound = last + SPOOL_ROOM;
        assert!(spooled <= bound, "{rel} ({format:?}): --capture all held {spooled} bytes, the last capture {last}");
        // The bound tells the two apart: holding every capture (as `--capture all` did)
        // breaks it.
        let (held, _) = peak_while_viewing(&log, format, CaptureSelect::All, false, Some(&expected));
        assert!(held > bound, "{rel} ({format:?}): holding all captures took only {held} bytes (bound {bound})");
    }

    // Captures of different sizes: the bound is the largest one. Small captures around a
    // large one (the same table with its rows repeated to 6 MB).
    let small = fixture("corpus/real/r1_netstat-neopa.txt");
    let large = big_capture("corpus/real/r1_netstat-neopa.txt", 2, 6 << 20);
    let log = [small.repeat(60), large.clone(), small.repeat(60)].concat();
    let expected = json_holding_all(&log, Format::Netstat);
    let (largest_alone, _) = peak_while_viewing(&large, Format::Netstat, CaptureSelect::Last, false, None);
    let (spooled, seen) = peak_while_viewing(&log, Format::Netstat, CaptureSelect::All, true, Some(&expected));
    assert_eq!(seen, 121);
    assert!(
        spooled <= largest_alone + SPOOL_ROOM,
        "--capture all held {spooled} bytes; the largest capture alone {largest_alone}"
    );
}
