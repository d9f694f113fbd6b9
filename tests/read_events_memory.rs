//! `read_events` hands out one batch's events at a time: a caller who drops each event
//! holds the re-used block and the batch it is handed, whatever the input's size and
//! however many batches one read makes. (Kept together until handed out, the events of a
//! whole read, ~20 batches of `netstat -s`, were megabytes, freed and faulted in again
//! at every read.)
//!
//! A counting global allocator follows the bytes allocated and not yet freed, and their
//! peak. The test is a single function: no other test of this binary allocates meanwhile.

mod common;

use std::sync::atomic::Ordering::Relaxed;

use common::peak_alloc::{Counting, LIVE, PEAK};
use netsift::Format;

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What a caller who drops each event may hold at most: the re-used block (128 KiB), the
/// reader's buffer (64 KiB), one batch (512 events of 544 bytes at most) and the parser's
/// copies, with room to spare; not a read's batches.
const HELD: usize = 1 << 20;

#[test]
fn a_caller_who_drops_each_event_holds_one_batch() {
    let captures = [
        ("corpus/real/r1_netstat-s.txt", Format::NetstatS),
        ("corpus/real/r1_proc-net-netstat.txt", Format::ProcNetstat),
        ("corpus/real/r1_ss-tupnai.txt", Format::Ss),
        ("corpus/peer/percona_netstat-antp_7.txt", Format::Netstat),
    ];
    for (rel, format) in captures {
        let one = common::fixtures::read(rel);
        let input = one.repeat((4 << 20) / one.len() + 1);
        // Once before, so that what the parser sets up once per process (its tables) is
        // not counted.
        assert!(netsift::read_events(&one[..], format).all(|event| event.is_ok()), "{rel}");
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let mut events = 0;
        for event in netsift::read_events(&input[..], format) {
            assert!(event.is_ok(), "{rel}: {event:?}");
            events += 1;
        }
        let held = PEAK.load(Relaxed) - base;
        eprintln!("{rel}: {events} events, {held} bytes held at most");
        assert!(events > 5_000, "{rel}: {events} events");
        assert!(held <= HELD, "{rel}: {held} bytes held at most, over {HELD}");
    }
}
