//! Owned events of the counter formats, read as their own format (where `netstat -s` reads
//! lines through and /proc holds its names lines), cut into chunks anywhere: each owned
//! event equals the borrowed event of the whole input fed at once. The counters borrow
//! their names from outside the chunk (the held names line, the grammar's tables, the
//! held section name), so this is where the copies beside the chunk are made, shared and
//! replaced; periodic logs (the same names again, other sections between) are what they
//! are re-used for.

use bytes::Bytes;
use netsift::{Event, Format, OwnedEvent, OwnedEvents, PushParser};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/corpus/real/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn captured(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/captured/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every other counter format (names in the line, or a section the machine holds), each
/// twice so that the second round finds the first's copies.
fn other_counter_inputs() -> Vec<(&'static str, Format, Vec<u8>)> {
    let twice = |name: &str| captured(name).repeat(2);
    vec![
        ("nstat -a", Format::Nstat, twice("deb12_nstat-a.txt")),
        ("nstat daemon", Format::Nstat, twice("deb12_nstat-daemon-a.txt")),
        ("/proc/net/snmp6", Format::ProcSnmp6, twice("deb12_proc-net-snmp6.txt")),
        ("/proc/net/sockstat", Format::Sockstat, twice("deb12_proc-net-sockstat.txt")),
        ("/proc/net/sockstat6", Format::Sockstat, twice("deb12_proc-net-sockstat6.txt")),
        ("german netstat -s", Format::NetstatS, twice("deb12_de_netstat-s.txt")),
        ("periodic netstat -s (deb12)", Format::NetstatS, captured("deb12_periodic_netstat-s.txt")),
        (
            "/proc/net/netstat + snmp (deb12)",
            Format::ProcNetstat,
            [captured("deb12_proc-net-netstat.txt"), captured("deb12_proc-net-snmp.txt")].concat().repeat(2),
        ),
    ]
}

/// The inputs: each counter capture, and a periodic log of them (the same names again
/// after other sections), with the format each is read as.
fn inputs() -> Vec<(&'static str, Format, Vec<u8>)> {
    let netstat_s = fixture("r1_netstat-s.txt");
    let proc = [fixture("r1_proc-net-netstat.txt"), fixture("r1_proc-net-snmp.txt")].concat();
    vec![
        ("netstat -s", Format::NetstatS, [&netstat_s[..], &netstat_s[..], &netstat_s[..]].concat()),
        ("periodic netstat -s", Format::NetstatS, fixture("r1_periodic_netstat-s.txt")),
        ("french netstat -s", Format::NetstatS, fixture("r1_LC_fr_netstat-s.txt")),
        ("/proc/net/netstat + snmp", Format::ProcNetstat, [&proc[..], &proc[..], &proc[..]].concat()),
        ("ss", Format::Ss, fixture("r1_periodic_ss-tupna.txt")),
    ]
}

/// The owned events of `input` fed in chunks of the sizes `sizes` (cycled), then those
/// of the end of input.
fn owned_in(format: Format, input: &Bytes, sizes: &[usize]) -> Vec<OwnedEvent> {
    let mut parser = OwnedEvents::new(format);
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while start < input.len() {
        let end = (start + sizes[i % sizes.len()]).min(input.len());
        parser.feed(input.slice(start..end), |ev| out.push(ev));
        start = end;
        i += 1;
    }
    parser.finish(|ev| out.push(ev));
    out
}

/// Compare each borrowed event of `input` (fed whole) with the owned event at its index,
/// while the borrowed one is alive. Returns how many there were.
fn assert_same(format: Format, input: &[u8], owned: &[OwnedEvent], what: &str) -> usize {
    let mut parser = PushParser::new(format);
    let mut i = 0;
    let mut check = |ev: Event<'_>| {
        let Some(kept) = owned.get(i) else { panic!("{what}: event {i} missing: {ev:?}") };
        assert_eq!(kept.event(), ev, "{what}: event {i}");
        i += 1;
    };
    parser.feed(input, &mut check);
    parser.finish(&mut check);
    assert_eq!(i, owned.len(), "{what}: extra owned events");
    i
}

#[test]
fn every_counter_input_in_fixed_chunk_sizes() {
    for (what, format, input) in inputs() {
        let input = Bytes::from(input);
        for size in [1, 3, 64, 4096, input.len()] {
            let owned = owned_in(format, &input, &[size]);
            let n = assert_same(format, &input, &owned, &format!("{what} in {size}-byte chunks"));
            assert!(n > 20, "{what}: {n} events");
        }
    }
}

/// The counters' fast paths (a names line's run, the grammar's table names, the held
/// section) against the borrowed events, for every counter format, in chunks that cut
/// lines (1, 61 bytes), a page, and whole.
#[test]
fn every_counter_format_in_chunks_of_1_61_4096_and_whole() {
    let counter_inputs = inputs().into_iter().filter(|(_, format, _)| *format != Format::Ss);
    for (what, format, input) in counter_inputs.chain(other_counter_inputs()) {
        let input = Bytes::from(input);
        for size in [1, 61, 4096, input.len()] {
            let owned = owned_in(format, &input, &[size]);
            let n = assert_same(format, &input, &owned, &format!("{what} in {size}-byte chunks"));
            let counters = owned.iter().filter(|e| matches!(e.kind(), netsift::EventKind::Counter(_))).count();
            assert!(n > 20 && counters > 10, "{what}: {n} events, {counters} counters");
        }
    }
}

#[test]
fn read_events_of_every_counter_input() {
    for (what, format, input) in inputs().into_iter().chain(other_counter_inputs()) {
        let owned: Vec<OwnedEvent> = netsift::read_events(&input[..], format).map(Result::unwrap).collect();
        assert_same(format, &input, &owned, what);
    }
}

/// The events of a values line share one copy of its names, and the copies kept stay
/// small: a long periodic log does not make them grow.
#[test]
fn copies_are_shared_and_bounded() {
    for (what, format, input) in inputs().into_iter().filter(|(_, f, _)| *f != Format::Ss) {
        let long = Bytes::from(input.repeat(20));
        let owned = owned_in(format, &long, &[long.len()]);
        let mut distinct = std::collections::HashSet::new();
        for ev in &owned {
            let [settled, recent] = ev.copies();
            assert!(
                settled.len() <= 16 * 1024 && recent.len() <= 16 * 1024,
                "{what}: {} {}",
                settled.len(),
                recent.len()
            );
            distinct.insert((settled.as_ptr(), settled.len(), recent.as_ptr(), recent.len()));
        }
        // Far fewer copies than events: the counters of a line (or a log's names) share them.
        assert!(distinct.len() * 4 < owned.len(), "{what}: {} copies for {} events", distinct.len(), owned.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any cut of any counter input gives the same events.
    #[test]
    fn any_chunking_gives_the_same_events(which in 0usize..5, sizes in prop::collection::vec(1usize..300, 1..12)) {
        let (what, format, input) = inputs().swap_remove(which);
        let input = Bytes::from(input);
        let owned = owned_in(format, &input, &sizes);
        assert_same(format, &input, &owned, &format!("{what} in chunks {sizes:?}"));
    }
}
