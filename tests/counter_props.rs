//! Properties of the counter formats (`netstat -s`, `/proc/net/{netstat,snmp}`):
//!
//! - the events and the line accounting do not depend on how the input is cut into chunks,
//!   with `-f auto` and with the explicit format, for every counter fixture;
//! - generated name/value pairs, printed as the kernel prints them, come back exactly
//!   (any prefix and name, values across the whole `u64` range and negative `i64` values),
//!   with the capture numbering of repeated prefixes;
//! - a count mismatch yields the pairs before it plus exactly one `Malformed` event at the
//!   right column;
//! - any bytes at all go through both machines and both views without a panic, every line
//!   in one bucket.

mod common;

use common::fixtures::{feed_cut, json_lines, read};
use netsift::events::Problem;
use netsift::push::LineStats;
use netsift::views::netstat_s::NetstatSView;
use netsift::views::proc_net::ProcNetstatView;
use netsift::views::CaptureSelect;
use netsift::{Event, EventKind, Format, PushParser};
use proptest::prelude::*;

const FIXTURES: &[(&str, Format)] = &[
    ("corpus/real/r1_netstat-s.txt", Format::NetstatS),
    ("corpus/real/r1_LC_fr_netstat-s.txt", Format::NetstatS),
    ("corpus/real/r1_periodic_netstat-s.txt", Format::NetstatS),
    ("corpus/old/nettools-1.60_netstat-s.txt", Format::NetstatS),
    ("corpus/old/nettools-2013_netstat-s.txt", Format::NetstatS),
    ("captured/deb12_netstat-s.txt", Format::NetstatS),
    ("captured/deb12_de_netstat-s.txt", Format::NetstatS),
    ("insights/fixtures/netstat-s.txt", Format::NetstatS),
    ("insights/fixtures/netstat-s-with-error-line.txt", Format::NetstatS),
    ("insights/fixtures/quirks/netstat-s-number-rule.txt", Format::NetstatS),
    ("corpus/real/r1_proc-net-netstat.txt", Format::ProcNetstat),
    ("corpus/real/r1_proc-net-snmp.txt", Format::ProcNetstat),
    ("corpus/real/r1_emptyns_proc-net-netstat.txt", Format::ProcNetstat),
    ("corpus/jc/linux-proc_net_netstat", Format::ProcNetstat),
    ("captured/deb12_proc-net-netstat.txt", Format::ProcNetstat),
    ("captured/deb12_proc-net-snmp.txt", Format::ProcNetstat),
    ("insights/fixtures/proc-netstat-header-value-mismatch.txt", Format::ProcNetstat),
    ("insights/fixtures/proc-netstat-131-counters.txt", Format::ProcNetstat),
];

/// Every event as its JSON line, the line accounting, and both views' JSON.
fn events(input: &[u8], format: Format, cuts: &[usize]) -> (Vec<Vec<u8>>, LineStats, Vec<u8>, Vec<u8>) {
    let mut stat = NetstatSView::new(CaptureSelect::All);
    let mut proc = ProcNetstatView::new(CaptureSelect::All);
    let (out, stats) = json_lines(PushParser::new(format), input, cuts, |ev| {
        stat.event(ev);
        proc.event(ev);
    });
    let (mut s, mut p) = (Vec::new(), Vec::new());
    stat.write_json(&mut s);
    proc.write_json(&mut p);
    (out, stats, s, p)
}

#[test]
fn byte_by_byte_equals_one_feed() {
    for &(rel, format) in FIXTURES {
        let input = read(rel);
        let cuts: Vec<usize> = (1..input.len()).collect();
        for f in [format, Format::Auto] {
            assert_eq!(events(&input, f, &cuts), events(&input, f, &[]), "{rel} ({f})");
        }
    }
}

/// The `netstat -s` view of the last capture (its lines kept, parsed when asked; most
/// taken by `NetstatSView::event` at once) describes what the view of every capture,
/// which parses each line as it comes, has for its last one.
#[test]
fn netstat_s_last_capture_is_all_captures_last() {
    let mut seen = 0;
    for &(rel, format) in FIXTURES {
        let input = read(rel);
        for f in [format, Format::Auto] {
            let mut last = NetstatSView::new(CaptureSelect::Last);
            let mut all = NetstatSView::new(CaptureSelect::All);
            json_lines(PushParser::new(f), &input, &[], |ev| {
                last.event(ev);
                all.event(ev);
            });
            let want = all.captures().pop().map(|(_, data)| data).unwrap_or_default();
            seen += want.len();
            assert_eq!(last.data(), want, "{rel} ({f})");
        }
    }
    assert!(seen > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_cuts_equal_one_feed(index in 0usize..1000, auto in any::<bool>(),
                                  mut cuts in proptest::collection::vec(0usize..8_000, 0..40)) {
        let (rel, format) = FIXTURES[index % FIXTURES.len()];
        let format = if auto { Format::Auto } else { format };
        let input = read(rel);
        cuts.sort_unstable();
        prop_assert_eq!(events(&input, format, &cuts), events(&input, format, &[]), "{}", rel);
    }
}

/// A kernel-style identifier.
fn ident() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9_]{0,24}"
}

/// A value anywhere in what a /proc counter can hold: the whole u64 range, and negative
/// i64 values (`Tcp: MaxConn -1`), with the edges drawn often.
fn value() -> impl Strategy<Value = i128> {
    prop_oneof![
        any::<u64>().prop_map(i128::from),
        any::<i64>().prop_map(i128::from),
        (0u64..1000).prop_map(i128::from),
        Just(i128::from(u64::MAX)),
        Just(i128::from(i64::MIN)),
        Just(-1i128),
        Just(0i128),
    ]
}

/// A pair: a prefix and its (name, value) list.
fn pair() -> impl Strategy<Value = (String, Vec<(String, i128)>)> {
    (
        prop_oneof![
            Just("TcpExt".to_string()),
            Just("IpExt".to_string()),
            Just("IcmpMsg".to_string()),
            Just("Tcp".to_string()),
            ident()
        ],
        proptest::collection::vec((ident(), value()), 0..40),
    )
}

/// Print pairs as the kernel does: `Prefix: names…` then `Prefix: values…`.
fn render(pairs: &[(String, Vec<(String, i128)>)], trailing_blank: bool) -> Vec<u8> {
    let mut out = String::new();
    for (prefix, counters) in pairs {
        let tail = if trailing_blank { " " } else { "" };
        out.push_str(prefix);
        out.push(':');
        for (name, _) in counters {
            out.push(' ');
            out.push_str(name);
        }
        out.push_str(tail);
        out.push('\n');
        out.push_str(prefix);
        out.push(':');
        for (_, value) in counters {
            out.push(' ');
            out.push_str(&value.to_string());
        }
        out.push_str(tail);
        out.push('\n');
    }
    out.into_bytes()
}

type Got = (Vec<(u32, String, String, i128)>, Vec<(u64, usize, &'static str)>, usize);

/// (capture, section, name, value) of every counter; (line, column, expected) of every
/// malformed event; the number of section events.
fn parse_proc(input: &[u8]) -> Got {
    let mut counters = Vec::new();
    let mut malformed = Vec::new();
    let mut sections = 0;
    let mut parser = PushParser::new(Format::ProcNetstat);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::Counter(c) => {
            counters.push((ev.capture, text(c.section), text(c.name.unwrap_or_default()), c.value))
        }
        EventKind::Malformed(m) => match m.problem {
            Problem::Grammar { column, expected } => malformed.push((ev.at.line, column, expected)),
            Problem::TooLong { .. } => malformed.push((ev.at.line, usize::MAX, "too long")),
        },
        EventKind::Section(_) => sections += 1,
        _ => {}
    };
    feed_cut(&mut parser, input, &[], &mut sink);
    (counters, malformed, sections)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_pairs_round_trip(pairs in proptest::collection::vec(pair(), 1..8), trailing_blank in any::<bool>()) {
        let input = render(&pairs, trailing_blank);
        let (counters, malformed, sections) = parse_proc(&input);
        prop_assert!(malformed.is_empty(), "{:?}", malformed);
        prop_assert_eq!(sections, pairs.len());
        // A prefix seen before in the capture, but not just before, starts a new capture;
        // the same prefix twice in a row continues its section (IcmpMsg split over lines).
        let mut want = Vec::new();
        let mut capture = 1u32;
        let mut seen: Vec<&str> = Vec::new();
        let mut last: Option<&str> = None;
        for (prefix, list) in &pairs {
            if seen.contains(&prefix.as_str()) && last != Some(prefix.as_str()) {
                capture += 1;
                seen.clear();
            }
            if !seen.contains(&prefix.as_str()) {
                seen.push(prefix);
            }
            last = Some(prefix);
            for (name, value) in list {
                want.push((capture, prefix.clone(), name.clone(), *value));
            }
        }
        prop_assert_eq!(counters, want);
    }

    #[test]
    fn a_count_mismatch_keeps_the_pairs_before_it(prefix in ident(),
                                                 names in proptest::collection::vec(ident(), 1..30),
                                                 values in proptest::collection::vec(value(), 0..30)) {
        prop_assume!(names.len() != values.len());
        let names_line = format!("{prefix}: {}", names.join(" "));
        let mut values_line = format!("{prefix}:");
        let mut columns = Vec::new();
        for v in &values {
            values_line.push(' ');
            columns.push(values_line.len());
            values_line.push_str(&v.to_string());
        }
        let input = format!("{names_line}\n{values_line}\n");
        let (counters, malformed, sections) = parse_proc(input.as_bytes());
        let want: Vec<_> = names.iter().zip(&values).map(|(name, v)| (1, prefix.clone(), name.clone(), *v)).collect();
        prop_assert_eq!(counters.len(), names.len().min(values.len()));
        prop_assert_eq!(counters, want);
        prop_assert_eq!(sections, 1);
        prop_assert_eq!(malformed.len(), 1);
        let (line, column, _) = malformed[0];
        prop_assert_eq!(line, 2);
        // Extra values: the first value without a name; missing ones: the end of the line.
        let want_column = if values.len() > names.len() { columns[names.len()] } else { values_line.len() };
        prop_assert_eq!(column, want_column);
    }

    #[test]
    fn any_bytes_go_through(lines in proptest::collection::vec(
        prop_oneof![
            Just(b"Ip:".to_vec()),
            Just(b"Icmp:".to_vec()),
            Just(b"    ICMP input histogram:".to_vec()),
            Just(b"        destination unreachable: 3".to_vec()),
            Just(b"    3 3 things.".to_vec()),
            Just(b"    Quick ack mode was activated 9 times".to_vec()),
            Just(b"TcpExt: A B C".to_vec()),
            Just(b"TcpExt: 1 -2 18446744073709551616".to_vec()),
            Just(b"error parsing /proc/net/netstat: x".to_vec()),
            Just(b"  x: ".to_vec()),
            Just(Vec::new()),
            proptest::collection::vec(any::<u8>(), 0..60),
        ], 0..40)) {
        let mut input = Vec::new();
        for l in &lines {
            input.extend_from_slice(l);
            input.push(b'\n');
        }
        for format in [Format::NetstatS, Format::ProcNetstat, Format::Auto] {
            let (_, stats, stat_json, proc_json) = events(&input, format, &[]);
            let sum = stats.rows + stats.titles + stats.headers + stats.notices + stats.blank
                + stats.skipped + stats.continuations + stats.malformed;
            prop_assert_eq!(sum, stats.lines);
            // Bytes that are not UTF-8 are `\udcXX` escapes, which serde_json refuses: replace
            // them by a valid escape before checking the JSON is well formed.
            for json in [stat_json, proc_json] {
                let text = String::from_utf8(json).expect("UTF-8 JSON").replace("\\udc", "\\u00");
                prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{}", text);
            }
        }
    }
}
