//! Properties of the counter formats of issue 13 (nstat, /proc/net/snmp6, sockstat,
//! /proc/net/dev):
//!
//! - every fixture gives the same events and line accounting however it is cut into
//!   chunks, under its own format and under `auto`;
//! - generated rows, printed as the kernel and nstat print them, parse back to the same
//!   names and values (the whole `u64` range, any kernel section, rates);
//! - any bytes go through each machine without a panic, every line in one bucket.

mod common;

use common::fixtures::{json_lines, read};
use netsift::{Event, EventKind, Format, PushParser};
use proptest::prelude::*;

const FIXTURES: &[(&str, Format)] = &[
    ("captured/deb12_nstat-zas.txt", Format::Nstat),
    ("captured/deb12_nstat-daemon-stale-a.txt", Format::Nstat),
    ("captured/deb12_zoo_proc-net-snmp6.txt", Format::ProcSnmp6),
    ("corpus/procfs/procfs_proc_26231_net_snmp6", Format::ProcSnmp6),
    ("captured/deb12_zoo_proc-net-sockstat.txt", Format::Sockstat),
    ("corpus/procfs/nodeexp_proc_net_sockstat6", Format::Sockstat),
    ("captured/deb12_proc-net-dev.txt", Format::ProcNetDev),
    ("corpus/procfs/procfs_proc_net_dev", Format::ProcNetDev),
];

#[test]
fn byte_by_byte_equals_one_feed() {
    for &(file, format) in FIXTURES {
        let input = read(file);
        let cuts: Vec<usize> = (1..input.len()).collect();
        for f in [format, Format::Auto] {
            let whole = json_lines(PushParser::new(f), &input, &[], |_| {});
            assert_eq!(json_lines(PushParser::new(f), &input, &cuts, |_| {}), whole, "{file} {f}");
        }
    }
}

/// Every (section, name, value) of counters and every (iface, rx_ok, tx_bytes) of
/// interfaces, plus malformed lines.
/// (section or interface, name, value, rate)
type ReadBack = (Vec<u8>, Vec<u8>, i128, Option<f64>);

fn read_back(input: &[u8], format: Format) -> (Vec<ReadBack>, u64) {
    let mut out = Vec::new();
    let mut parser = PushParser::new(format);
    parser.feed(input, &mut |ev: Event<'_>| match ev.kind {
        EventKind::Counter(c) => out.push((c.section.to_vec(), c.name.unwrap().to_vec(), c.value, c.rate)),
        EventKind::Interface(i) => {
            let dev = i.dev.unwrap();
            out.push((i.iface.to_vec(), b"rx_packets".to_vec(), i128::from(i.stats.unwrap().rx_ok), None));
            out.push((i.iface.to_vec(), b"tx_bytes".to_vec(), i128::from(dev.tx_bytes.unwrap()), None));
        }
        _ => {}
    });
    parser.finish(&mut |_: Event<'_>| {});
    (out, parser.stats().malformed)
}

fn section() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(netsift_grammar::flat_name::FLAT_SECTIONS)
}

fn counter_name() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z0-9]{0,24}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_cuts_equal_one_feed(index in 0usize..100, mut cuts in proptest::collection::vec(0usize..30_000, 0..30)) {
        let (file, format) = FIXTURES[index % FIXTURES.len()];
        let input = read(file);
        cuts.sort_unstable();
        let whole = json_lines(PushParser::new(format), &input, &[], |_| {});
        prop_assert_eq!(json_lines(PushParser::new(format), &input, &cuts, |_| {}), whole, "{}", file);
    }

    #[test]
    fn nstat_rows_round_trip(rows in proptest::collection::vec((section(), counter_name(), prop_oneof![0u64..10_000_000_000_000_000, any::<u64>()], prop_oneof![0u32..10_000, 0u32..200_000]), 1..10)) {
        let mut text = String::from("#kernel\n");
        for (s, n, v, tenths) in &rows {
            let rate = f64::from(*tenths) / 10.0;
            text.push_str(&format!("{:<32}{:<16}{:6.1}\n", format!("{s}{n}"), v, rate));
        }
        let (got, malformed) = read_back(text.as_bytes(), Format::Nstat);
        let ambiguous = rows.iter().any(|(s, n, v, t)| {
            // Printed glued and not certain to split (see netsift_grammar::nstat): these
            // must be errors, tested in the grammar; here they are left out.
            let digits = v.to_string().len();
            let value_glued = digits >= 16 && *t >= 10_000;
            let name_glued = s.len() + n.len() >= 32;
            (value_glued && (digits != 16 || *t >= 100_000 || name_glued))
                || (name_glued && n.ends_with(|c: char| c.is_ascii_digit()))
        });
        prop_assume!(!ambiguous);
        prop_assert_eq!(malformed, 0);
        let want: Vec<_> = rows.iter().map(|(s, n, v, t)| {
            // The split takes the longest kernel section: a generated name may extend it.
            let flat = format!("{s}{n}");
            let (sec, name) = netsift_grammar::flat_name::split(flat.as_bytes()).unwrap();
            (sec.to_vec(), name.to_vec(), i128::from(*v), Some(f64::from(*t) / 10.0))
        }).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn snmp6_rows_round_trip(rows in proptest::collection::vec((section(), counter_name(), any::<u64>()), 1..40)) {
        let text: String = rows.iter().map(|(s, n, v)| format!("{:<32}\t{v}\n", format!("{s}{n}"))).collect();
        let (got, malformed) = read_back(text.as_bytes(), Format::ProcSnmp6);
        prop_assert_eq!(malformed, 0);
        let want: Vec<_> = rows.iter().map(|(s, n, v)| {
            let flat = format!("{s}{n}");
            let (sec, name) = netsift_grammar::flat_name::split(flat.as_bytes()).unwrap();
            (sec.to_vec(), name.to_vec(), i128::from(*v), None)
        }).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn sockstat_lines_round_trip(lines in proptest::collection::vec(("[A-Z][A-Z0-9]{0,8}", proptest::collection::vec(("[a-z][a-z_]{0,8}", any::<u64>()), 1..6)), 1..8)) {
        let mut seen = std::collections::HashSet::new();
        prop_assume!(lines.iter().all(|(s, _)| seen.insert(s.clone())));
        let text: String = lines.iter().map(|(s, pairs)| {
            let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} {v}")).collect();
            format!("{s}: {}\n", body.join(" "))
        }).collect();
        let (got, malformed) = read_back(text.as_bytes(), Format::Sockstat);
        prop_assert_eq!(malformed, 0);
        let want: Vec<_> = lines.iter().flat_map(|(s, pairs)| pairs.iter().map(move |(k, v)| (s.as_bytes().to_vec(), k.as_bytes().to_vec(), i128::from(*v), None))).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn dev_rows_round_trip(rows in proptest::collection::vec(("[a-z][a-z0-9]{0,14}", proptest::collection::vec(any::<u64>(), 16)), 1..10)) {
        let mut text = String::from("Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
        for (name, v) in &rows {
            text.push_str(&format!("{name:>6}: {:7} {:7} {:4} {:4} {:4} {:5} {:10} {:9} {:8} {:7} {:4} {:4} {:4} {:5} {:7} {:10}\n",
                v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]));
        }
        let (got, malformed) = read_back(text.as_bytes(), Format::ProcNetDev);
        prop_assert_eq!(malformed, 0);
        let want: Vec<_> = rows.iter().flat_map(|(name, v)| [
            (name.as_bytes().to_vec(), b"rx_packets".to_vec(), i128::from(v[1]), None),
            (name.as_bytes().to_vec(), b"tx_bytes".to_vec(), i128::from(v[8]), None),
        ]).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn any_bytes_every_line_accounted(input in proptest::collection::vec(any::<u8>(), 0..2000), which in 0usize..4) {
        let format = [Format::Nstat, Format::ProcSnmp6, Format::Sockstat, Format::ProcNetDev][which];
        let mut parser = PushParser::new(format);
        parser.feed(&input, &mut |_: Event<'_>| {});
        parser.finish(&mut |_: Event<'_>| {});
        let s = parser.stats();
        prop_assert_eq!(s.lines, s.rows + s.titles + s.headers + s.notices + s.blank + s.skipped + s.continuations + s.malformed);
    }
}
