//! The /proc view of one capture (`CaptureSelect::Last` / `Number`) keeps a /proc pair as
//! its two lines and reads its counters again when asked, instead of keeping each counter
//! as it comes (`views/proc_net.rs`, `KeptSteps`). The reference is the same view with
//! `CaptureSelect::All`, which applies every counter as it comes: the capture described
//! must be the same,
//!
//! - for every counter fixture and for periodic logs made of them, with the explicit
//!   format and with `auto` (where `netstat -s` counters come too);
//! - when the events are not the parser's own slices (each copied, as an embedder that
//!   keeps events might hand them), when some counters are left out of the stream, and
//!   when an accessor is called while the events come;
//! - for any lines at all (proptest).

mod common;

use common::fixtures::{feed_cut, read};
use netsift::events::{Counter, Section};
use netsift::views::proc_net::ProcNetstatView;
use netsift::views::CaptureSelect;
use netsift::{Event, EventKind, Format, PushParser};
use proptest::prelude::*;

const FIXTURES: &[&str] = &[
    "corpus/real/r1_proc-net-netstat.txt",
    "corpus/real/r1_proc-net-snmp.txt",
    "corpus/real/r1_emptyns_proc-net-netstat.txt",
    "corpus/jc/linux-proc_net_netstat",
    "captured/deb12_proc-net-netstat.txt",
    "captured/deb12_proc-net-snmp.txt",
    "insights/fixtures/proc-netstat-header-value-mismatch.txt",
    "insights/fixtures/proc-netstat-131-counters.txt",
    "corpus/real/r1_netstat-s.txt",
    "corpus/real/r1_periodic_netstat-s.txt",
];

/// How the events reach the views.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stream {
    /// As the parser gives them.
    Plain,
    /// Each counter's and section's slices copied first (other addresses, same bytes).
    Copied,
    /// Every third counter left out.
    Filtered,
    /// As given, with an accessor of the view of one capture called after every event.
    Asked,
}

type Described = (Vec<(String, i128)>, Vec<(String, String, i128)>);

/// What a view describes: its `data` and every counter (names as text, for short
/// messages: the comparison is the same).
fn described(view: &ProcNetstatView) -> Described {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (view.data().map(|(n, v)| (text(n), v)).collect(), view.counters().map(|(s, n, v)| (text(s), text(n), v)).collect())
}

/// `f` called with `ev` whose borrowed bytes are copies.
fn copied(ev: &Event<'_>, f: &mut dyn FnMut(&Event<'_>)) {
    match &ev.kind {
        EventKind::Counter(c) => {
            let (section, name, text, line) =
                (c.section.to_vec(), c.name.map(<[u8]>::to_vec), c.text.to_vec(), c.line.to_vec());
            let subtable = c.subtable.map(<[u8]>::to_vec);
            let counter = Counter {
                section: &section,
                name: name.as_deref(),
                subtable: subtable.as_deref(),
                text: &text,
                line: &line,
                ..*c
            };
            f(&Event { kind: EventKind::Counter(counter), ..*ev });
        }
        EventKind::Section(s) => {
            let (name, header) = (s.name.to_vec(), s.header.map(<[u8]>::to_vec));
            let section = Section { name: &name, header: header.as_deref(), ..*s };
            f(&Event { kind: EventKind::Section(section), ..*ev });
        }
        _ => f(ev),
    }
}

/// The capture `select` describes, and the same capture of the view that applies every
/// counter as it comes (`All`), from `input` streamed as `stream` says.
fn both(input: &[u8], format: Format, select: CaptureSelect, stream: Stream) -> (Described, Described) {
    let mut one = ProcNetstatView::new(select);
    let mut all = ProcNetstatView::new(CaptureSelect::All);
    let mut counters = 0u32;
    let mut take = |ev: &Event<'_>| {
        one.event(ev);
        all.event(ev);
        if stream == Stream::Asked {
            let _ = one.data_len();
        }
    };
    let mut sink = |ev: Event<'_>| match stream {
        Stream::Copied => copied(&ev, &mut take),
        Stream::Filtered => {
            if matches!(ev.kind, EventKind::Counter(_)) {
                counters += 1;
                if counters % 3 == 0 {
                    return;
                }
            }
            take(&ev);
        }
        Stream::Plain | Stream::Asked => take(&ev),
    };
    feed_cut(&mut PushParser::new(format), input, &[], &mut sink);
    let want = match select {
        CaptureSelect::Number(n) => {
            // The capture of `all` numbered `n`: described when it is the last one.
            let mut upto = ProcNetstatView::new(CaptureSelect::All);
            let mut counters = 0u32;
            let mut saw_n = false;
            let mut sink = |ev: Event<'_>| {
                if ev.capture > n {
                    return;
                }
                if stream == Stream::Filtered && matches!(ev.kind, EventKind::Counter(_)) {
                    counters += 1;
                    if counters % 3 == 0 {
                        return;
                    }
                }
                // Whether capture `n` has a step: a /proc pair or a named counter.
                saw_n |= ev.capture == n
                    && match &ev.kind {
                        EventKind::Counter(c) => c.name.is_some(),
                        EventKind::Section(s) => s.table == netsift::events::Table::ProcSection,
                        _ => false,
                    };
                upto.event(&ev);
            };
            feed_cut(&mut PushParser::new(format), input, &[], &mut sink);
            // No step of capture `n` at all: nothing described.
            if saw_n {
                described(&upto)
            } else {
                Described::default()
            }
        }
        _ => described(&all),
    };
    (described(&one), want)
}

/// A periodic log of `input`: three captures, the values of each changed.
fn periodic(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..3u8 {
        out.extend(input.iter().map(|&b| if b.is_ascii_digit() && i > 0 { b'0' + (b - b'0' + i) % 10 } else { b }));
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    out
}

fn check(input: &[u8], label: &str) {
    for format in [Format::ProcNetstat, Format::Auto] {
        for stream in [Stream::Plain, Stream::Copied, Stream::Filtered, Stream::Asked] {
            for select in [CaptureSelect::Last, CaptureSelect::Number(1), CaptureSelect::Number(2)] {
                let (got, want) = both(input, format, select, stream);
                assert_eq!(got, want, "{label} {format} {stream:?} {select:?}");
            }
        }
    }
}

#[test]
fn fixtures_and_periodic_logs() {
    let mut described_any = false;
    for rel in FIXTURES {
        let input = read(rel);
        check(&input, rel);
        let log = periodic(&input);
        check(&log, &format!("periodic {rel}"));
        described_any |= !both(&log, Format::Auto, CaptureSelect::Last, Stream::Plain).0 .1.is_empty();
    }
    assert!(described_any);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_lines(lines in proptest::collection::vec(
        prop_oneof![
            Just(b"TcpExt: A B C".to_vec()),
            Just(b"TcpExt: 1 -2 3".to_vec()),
            Just(b"TcpExt: 1 2".to_vec()),
            Just(b"TcpExt: 1 2 3 4".to_vec()),
            Just(b"IpExt: A".to_vec()),
            Just(b"IpExt: 5".to_vec()),
            Just(b"IcmpMsg: InType3".to_vec()),
            Just(b"IcmpMsg: 7".to_vec()),
            Just(b"Tcp:".to_vec()),
            Just(b"    236 active connection openings".to_vec()),
            Just(b"TcpExt:".to_vec()),
            Just(b"    TCPLossProbes: 22".to_vec()),
            Just(b"error parsing /proc/net/netstat: x".to_vec()),
            Just(Vec::new()),
            proptest::collection::vec(any::<u8>(), 0..30),
        ], 0..40)) {
        let mut input = Vec::new();
        for l in &lines {
            input.extend_from_slice(l);
            input.push(b'\n');
        }
        for format in [Format::ProcNetstat, Format::Auto] {
            for stream in [Stream::Plain, Stream::Copied, Stream::Filtered, Stream::Asked] {
                let (got, want) = both(&input, format, CaptureSelect::Last, stream);
                prop_assert_eq!(got, want, "{} {:?}", format, stream);
            }
        }
    }
}
