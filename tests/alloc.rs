//! No allocation per row on the event path, and a carry-over buffer that never passes its
//! cap: what keeps memory flat from a kilobyte to many gigabytes.
//!
//! A counting global allocator counts the allocations of the current thread only (other
//! tests of this binary run in parallel on other threads). After a warm-up pass over a real
//! capture, feeding the same capture again, many times over, must not allocate at all.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use netsift::{Event, EventKind, Format, PushParser};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note_allocation() {
    // `try_with`: the thread may be tearing down its locals.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
            if TRACE.load(std::sync::atomic::Ordering::Relaxed) {
                on.set(false);
                eprintln!("{}", std::backtrace::Backtrace::force_capture());
                on.set(true);
            }
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `work` on this thread.
static TRACE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
fn allocations_during(work: impl FnOnce()) -> u64 {
    TRACE.store(std::env::var_os("ALLOC_TRACE").is_some(), std::sync::atomic::Ordering::Relaxed);
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|on| on.set(true));
    work();
    COUNTING.with(|on| on.set(false));
    ALLOCATIONS.with(|n| n.get())
}

/// A sink that looks at every event, so that nothing is optimised away.
#[derive(Default)]
struct Tally {
    events: u64,
    rows: u64,
    malformed: u64,
}

impl Tally {
    fn see(&mut self, ev: Event<'_>) {
        self.events += 1;
        match ev.kind {
            EventKind::InetConn(_)
            | EventKind::UnixSocket(_)
            | EventKind::SsSocket(_)
            | EventKind::Counter(_)
            | EventKind::Interface(_)
            | EventKind::Membership(_) => self.rows += 1,
            EventKind::Malformed(_) => self.malformed += 1,
            _ => {}
        }
    }
}

/// Warm up on two copies of `capture`, then feed `repeats` more copies (in 64 KiB chunks
/// cut at arbitrary places) and count the allocations and the rows they made.
fn steady_state(format: Format, capture: &[u8], repeats: usize) -> (u64, Tally) {
    let mut parser = PushParser::new(format);
    let mut tally = Tally::default();
    let mut sink = |ev: Event<'_>| tally.see(ev);
    let warm = capture.repeat(2);
    for chunk in warm.chunks(65_536) {
        parser.feed(chunk, &mut sink);
    }
    // Built before counting starts: the input is the caller's, not the parser's.
    let more = capture.repeat(repeats);
    let mut measured = Tally::default();
    let mut measured_sink = |ev: Event<'_>| measured.see(ev);
    let allocations = allocations_during(|| {
        for chunk in more.chunks(65_536 - 17) {
            parser.feed(chunk, &mut measured_sink);
        }
    });
    (allocations, measured)
}

fn assert_no_allocation(format: Format, fixture: &str) {
    let capture = common::fixtures::read(fixture);
    // At least 20 copies, and enough of a small capture to make thousands of rows.
    let repeats = (200_000 / capture.len()).max(20);
    let (allocations, tally) = steady_state(format, &capture, repeats);
    assert!(tally.rows > 100, "{fixture}: only {} rows measured", tally.rows);
    assert_eq!(tally.malformed, 0, "{fixture}");
    assert_eq!(
        allocations, 0,
        "{fixture} ({format:?}): {allocations} allocations for {} rows after warm-up",
        tally.rows
    );
}

#[test]
fn the_allocator_counts_this_threads_allocations() {
    // The check below would pass vacuously if counting were broken.
    let n = allocations_during(|| drop(std::hint::black_box(vec![1u8; 100])));
    assert_eq!(n, 1);
}

#[test]
fn netstat_rows_allocate_nothing_after_warm_up() {
    assert_no_allocation(Format::Netstat, "corpus/real/r1_netstat-neopa.txt");
    assert_no_allocation(Format::Netstat, "captured/deb12_netstat-W-neopa.txt");
}

#[test]
fn ss_rows_allocate_nothing_after_warm_up() {
    assert_no_allocation(Format::Ss, "corpus/real/r1_ss-tupna.txt");
    assert_no_allocation(Format::Ss, "captured/deb12_ss-peaonmi.txt");
}

#[test]
fn counters_allocate_nothing_after_warm_up() {
    assert_no_allocation(Format::NetstatS, "corpus/real/r1_netstat-s.txt");
    assert_no_allocation(Format::ProcNetstat, "corpus/real/r1_proc-net-netstat.txt");
    assert_no_allocation(Format::ProcNetstat, "corpus/real/r1_proc-net-snmp.txt");
}

#[test]
fn kernel_socket_tables_allocate_nothing_after_warm_up() {
    use netsift::netsift_grammar::netstat::Proto;
    assert_no_allocation(Format::ProcNetInet(Proto::Tcp), "corpus/kernel/r1_proc_net_tcp");
    assert_no_allocation(Format::ProcNetInet(Proto::Tcp6), "corpus/kernel/r1_proc_net_tcp6");
    assert_no_allocation(Format::ProcNetInet(Proto::Udp6), "corpus/kernel/r1_proc_net_udp6");
    // Paths held for a newline reuse one buffer.
    assert_no_allocation(Format::ProcNetUnix, "corpus/kernel/r1_proc_net_unix");
}

#[test]
fn interfaces_and_memberships_allocate_nothing_after_warm_up() {
    assert_no_allocation(Format::NetstatI, "corpus/real/r1_netstat-i.txt");
    assert_no_allocation(Format::NetstatAgn, "corpus/real/r1_netstat-agn.txt");
}

#[test]
fn kernel_counter_files_allocate_nothing_after_warm_up() {
    // Issue 13: nstat, /proc/net/snmp6, sockstat, /proc/net/dev.
    assert_no_allocation(Format::Nstat, "captured/deb12_nstat-zas.txt");
    assert_no_allocation(Format::ProcSnmp6, "captured/deb12_zoo_proc-net-snmp6.txt");
    assert_no_allocation(Format::Sockstat, "captured/deb12_zoo_proc-net-sockstat.txt");
    assert_no_allocation(Format::ProcNetDev, "captured/deb12_proc-net-dev.txt");
}

#[test]
fn auto_detection_allocates_nothing_after_warm_up() {
    let mut log = Vec::new();
    for f in ["corpus/real/r1_netstat-neopa.txt", "corpus/real/r1_ss-tupna.txt", "corpus/real/r1_netstat-s.txt"] {
        log.extend(common::fixtures::read(f));
    }
    let (allocations, tally) = steady_state(Format::Auto, &log, 5);
    assert!(tally.rows > 1000);
    assert_eq!(allocations, 0, "{allocations} allocations for {} rows", tally.rows);
}

#[test]
fn the_carry_over_never_passes_its_cap() {
    // Lines longer than the cap, cut across tiny and large chunks, among real rows.
    let cap = 4096;
    let mut input = common::fixtures::read("corpus/real/r1_netstat-neopa.txt");
    input.extend(vec![b'x'; 10 * cap]);
    input.push(b'\n');
    input.extend(common::fixtures::read("corpus/real/r1_netstat-neopa.txt"));
    for chunk_size in [1, 100, 4095, 65_536] {
        let mut parser = PushParser::with_line_cap(Format::Netstat, cap);
        let mut tally = Tally::default();
        let mut sink = |ev: Event<'_>| tally.see(ev);
        for chunk in input.chunks(chunk_size) {
            parser.feed(chunk, &mut sink);
            assert!(parser.carry_high_water() <= cap, "chunk {chunk_size}: {}", parser.carry_high_water());
        }
        parser.finish(&mut sink);
        assert_eq!(tally.malformed, 1, "chunk {chunk_size}: the long line is one malformed event");
    }
}

/// One real capture of each of the four big formats, one after the other (read as `auto`).
fn four_formats_log() -> Vec<u8> {
    let files = [
        "corpus/real/r1_netstat-neopa.txt",
        "corpus/real/r1_ss-tupna.txt",
        "corpus/real/r1_netstat-s.txt",
        "corpus/real/r1_proc-net-netstat.txt",
    ];
    files.iter().flat_map(|f| common::fixtures::read(f)).collect()
}

/// Feed the four-format log twice (the warm-up), then five times more, writing each event
/// with `write` into one reused buffer flushed when half full as the CLI does; asserts that
/// the five feeds wrote JSON and allocated nothing.
fn json_allocates_nothing_after_warm_up(mut write: impl FnMut(&mut Vec<u8>, &Event<'_>)) {
    let log = four_formats_log();
    let mut parser = PushParser::new(Format::Auto);
    let mut out = Vec::with_capacity(1 << 20);
    let mut written = 0usize;
    let mut sink = |ev: Event<'_>| {
        write(&mut out, &ev);
        if out.len() > (1 << 19) {
            written += out.len();
            out.clear();
        }
    };
    parser.feed(&log.repeat(2), &mut sink);
    let more = log.repeat(5);
    let allocations = allocations_during(|| parser.feed(&more, &mut sink));
    assert!(written > 1 << 20, "{written} bytes of JSON");
    assert_eq!(allocations, 0);
}

#[test]
fn writing_events_as_json_allocates_nothing_after_warm_up() {
    json_allocates_nothing_after_warm_up(netsift::events::json::write_event);
}

#[test]
fn the_cli_event_writer_allocates_nothing_after_warm_up() {
    // `netsift events` writes through an `EventWriter`, which remembers the runs of values
    // lines' counters: it does so in buffers it keeps, made during the warm-up.
    let mut writer = netsift::events::json::EventWriter::new();
    json_allocates_nothing_after_warm_up(|out, ev| writer.write(out, ev));
    // And as lines, as `netsift events` writes them.
    let mut writer = netsift::events::json::EventWriter::new();
    json_allocates_nothing_after_warm_up(|out, ev| writer.write_line(out, ev));
}
