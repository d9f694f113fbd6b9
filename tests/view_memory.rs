//! The views hold only the capture they describe: what `netsift view` holds while reading a
//! periodic log does not grow with the number of earlier captures, and what it holds for
//! one capture (its rows, then writing its JSON) is a small multiple of that capture's
//! bytes, not the several times the input it used to be.
//!
//! A counting global allocator follows the bytes allocated and not yet freed, and their
//! peak. The test is a single function: no other test of this binary allocates meanwhile.

mod common;

use std::sync::atomic::Ordering::Relaxed;

use common::fixtures::{big_capture, read as fixture};
use common::peak_alloc::{Counting, LIVE, PEAK};

use netsift::views::{CaptureSelect, ViewSet};
use netsift::{Format, PushParser};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Peak bytes held above the level at the start, while `input` is read in 64 KiB chunks
/// into the views of `format` and their JSON is written out (to a sink, a megabyte at a
/// time, as `netsift view` does); and the number of captures seen.
fn peak_while_viewing(input: &[u8], format: Format, select: CaptureSelect) -> (usize, u32) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let mut views = ViewSet::new(format, select);
    let mut parser = PushParser::new(format);
    for chunk in input.chunks(1 << 16) {
        parser.feed(chunk, &mut views);
    }
    parser.finish(&mut views);
    views.write_json_to(&mut std::io::sink()).expect("a sink takes everything");
    let captures = views.seen.max_capture;
    drop((views, parser));
    (PEAK.load(Relaxed) - base, captures)
}

#[test]
fn views_hold_one_capture_whatever_came_before() {
    // Periodic logs: the same capture again and again. What is held for the last capture
    // must not depend on how many came before it.
    let periodic = [
        (Format::Netstat, "corpus/real/r1_netstat-neopa.txt"),
        (Format::Ss, "corpus/real/r1_ss-tupna.txt"),
        (Format::NetstatS, "corpus/real/r1_netstat-s.txt"),
        (Format::ProcNetstat, "corpus/real/r1_proc-net-netstat.txt"),
    ];
    for (format, rel) in periodic {
        let capture = fixture(rel);
        let log = |n: usize| capture.repeat(n);
        let (few, seen_few) = peak_while_viewing(&log(2), format, CaptureSelect::Last);
        let (many, seen_many) = peak_while_viewing(&log(40), format, CaptureSelect::Last);
        assert_eq!((seen_few, seen_many), (2, 40), "{rel}: every copy is a capture");
        // Allocator rounding and a hash table's growth may differ a little; 40 captures
        // held would be 20 times `few`.
        assert!(many <= few + few / 4 + 4096, "{rel}: {few} bytes after 2 captures, {many} after 40");
        // `--capture all` without a spool (the library's default, for the accessors) holds
        // them all; with one (the command line), tests/view_memory_all.rs bounds it.
        let (all, _) = peak_while_viewing(&log(40), format, CaptureSelect::All);
        assert!(all >= many, "{rel}: all {all} < last {many}");
    }

    // One large capture: the rows are held in one arena (text plus a few bytes of offsets
    // per value) and the JSON, several times the input, is handed out as it is written.
    // The allocator counts capacity, which a growing buffer doubles: hence 3×, against the
    // 7 to 9 times the input that one allocation per row and a whole JSON buffer took.
    let large =
        [(Format::Netstat, "corpus/real/r1_netstat-neopa.txt", 2), (Format::Ss, "corpus/real/r1_ss-tupna.txt", 1)];
    for (format, rel, head) in large {
        let input = big_capture(rel, head, 8 << 20);
        let (peak, captures) = peak_while_viewing(&input, format, CaptureSelect::Last);
        assert_eq!(captures, 1, "{rel}: one capture");
        let bound = 3 * input.len() + (4 << 20);
        assert!(peak <= bound, "{rel}: {peak} bytes held for a capture of {} bytes (bound {bound})", input.len());
    }
}
