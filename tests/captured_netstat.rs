//! Our own captures (tests/fixtures/captured, README there): row counts per protocol,
//! counted with awk and grep -c when they were taken, and the periodic log's captures.

use std::collections::BTreeMap;
use std::path::Path;

use netsift::{Event, EventKind, Format, PushParser};

fn parse(name: &str) -> (BTreeMap<String, usize>, BTreeMap<u32, usize>, usize, usize) {
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/captured").join(name)).unwrap();
    let mut per_proto = BTreeMap::new();
    let mut per_capture = BTreeMap::new();
    let (mut notices, mut malformed) = (0, 0);
    let mut parser = PushParser::new(Format::Auto);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::InetConn(c) => {
            *per_proto.entry(c.proto.as_str().to_string()).or_default() += 1;
            *per_capture.entry(ev.capture).or_default() += 1;
        }
        EventKind::UnixSocket(_) => {
            *per_proto.entry("unix".to_string()).or_default() += 1;
            *per_capture.entry(ev.capture).or_default() += 1;
        }
        EventKind::Notice(_) => notices += 1,
        EventKind::Malformed(_) => malformed += 1,
        _ => {}
    };
    parser.feed(&bytes, &mut sink);
    parser.finish(&mut sink);
    (per_proto, per_capture, notices, malformed)
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn neopa_in_every_layout_and_language() {
    let all = counts(&[("tcp", 38), ("tcp6", 20), ("udp", 6), ("udp6", 5), ("raw", 3), ("raw6", 1), ("unix", 34)]);
    for file in [
        "deb12_netstat-neopa.txt",
        "deb12_netstat-W-neopa.txt",
        "deb12_netstat-an.txt",
        "deb12_netstat-a.txt",
        "deb12_netstat-eopa.txt",
        "deb12_longhosts_netstat-a.txt",
        "deb12_longhosts_netstat-W-a.txt",
        "deb12_de_netstat-neopa.txt",
        "deb12_fr_netstat-neopa.txt",
        "deb12_ja_netstat-neopa.txt",
        "deb12_cs_netstat-neopa.txt",
        "deb12_et_netstat-neopa.txt",
        "deb12_ptBR_netstat-neopa.txt",
    ] {
        let (per_proto, _, notices, malformed) = parse(file);
        assert_eq!(per_proto, all, "{file}");
        assert_eq!((notices, malformed), (0, 0), "{file}");
    }
}

#[test]
fn non_root_runs_carry_their_notice() {
    let (per_proto, _, notices, malformed) = parse("deb12_nonroot_netstat-neopa.txt");
    assert_eq!(per_proto.values().sum::<usize>(), 107);
    assert_eq!((notices, malformed), (2, 0), "the two-line '(Not all processes…' notice");
    let (per_proto, _, notices, _) = parse("deb12_nobody_netstat-neopa.txt");
    assert_eq!((per_proto["tcp"], per_proto["tcp6"], notices), (41, 21, 1));
}

#[test]
fn listeners_only_and_without_servers() {
    for file in [
        "deb12_netstat-tulpn.txt",
        "deb12_de_netstat-tulpn.txt",
        "deb12_fr_netstat-tulpn.txt",
        "deb12_ja_netstat-tulpn.txt",
    ] {
        let (per_proto, _, _, malformed) = parse(file);
        assert_eq!(per_proto, counts(&[("tcp", 9), ("tcp6", 5), ("udp", 5), ("udp6", 4)]), "{file}");
        assert_eq!(malformed, 0);
    }
    for file in [
        "deb12_netstat-tupn.txt",
        "deb12_de_netstat-tupn.txt",
        "deb12_fr_netstat-tupn.txt",
        "deb12_ja_netstat-tupn.txt",
    ] {
        let (per_proto, _, _, _) = parse(file);
        assert_eq!(per_proto, counts(&[("tcp", 35), ("tcp6", 16), ("udp", 1), ("udp6", 1)]), "{file}");
    }
    let (per_proto, _, _, _) = parse("deb12_netstat-lp.txt");
    assert_eq!(
        per_proto,
        counts(&[("tcp", 9), ("tcp6", 5), ("udp", 5), ("udp6", 4), ("raw", 3), ("raw6", 1), ("unix", 7)])
    );
}

#[test]
fn a_periodic_log_is_three_captures() {
    let (_, per_capture, notices, malformed) = parse("deb12_periodic_netstat-neopa.txt");
    assert_eq!(per_capture, [(1, 107), (2, 107), (3, 111)].into_iter().collect());
    assert_eq!((notices, malformed), (3, 0), "three `date -u` lines");
}
