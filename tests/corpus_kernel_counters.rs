//! The counter formats of issue 13 (nstat, /proc/net/snmp6, /proc/net/sockstat and
//! sockstat6, /proc/net/dev) on every real capture: each parses with 0 malformed lines
//! (the one stray line of procfs's snmp6 excepted), under its own format and under `auto`,
//! and every value equals the one a plain whitespace split of the file reads (the second
//! method); the interface rows equal jc's JSON and `netstat -i` printed in the same second;
//! `stat` answers by both names from every source.

mod common;

use common::fixtures::read;
use netsift::views::proc_net::ProcNetstatView;
use netsift::views::CaptureSelect;
use netsift::{Event, EventKind, Format, PushParser};

/// (fixture, format, malformed lines expected)
const FIXTURES: &[(&str, Format, u64)] = &[
    ("captured/deb12_nstat-a.txt", Format::Nstat, 0),
    ("captured/deb12_nstat-az.txt", Format::Nstat, 0),
    ("captured/deb12_nstat-asz.txt", Format::Nstat, 0),
    ("captured/deb12_nstat-zas.txt", Format::Nstat, 0),
    ("captured/deb12_nstat-z.txt", Format::Nstat, 0),
    ("captured/deb12_nstat-daemon.txt", Format::Nstat, 0),
    ("captured/deb12_nstat-daemon-a.txt", Format::Nstat, 0),
    ("captured/deb12_nstat-daemon-stale-a.txt", Format::Nstat, 0),
    ("captured/deb12_zoo_nstat-zas.txt", Format::Nstat, 0),
    ("captured/deb12_proc-net-snmp6.txt", Format::ProcSnmp6, 0),
    ("captured/deb12_zoo_proc-net-snmp6.txt", Format::ProcSnmp6, 0),
    ("corpus/procfs/nodeexp_proc_net_snmp6", Format::ProcSnmp6, 0),
    ("corpus/procfs/procfs_proc_26231_net_snmp6", Format::ProcSnmp6, 1),
    ("captured/deb12_proc-net-sockstat.txt", Format::Sockstat, 0),
    ("captured/deb12_proc-net-sockstat6.txt", Format::Sockstat, 0),
    ("captured/deb12_zoo_proc-net-sockstat.txt", Format::Sockstat, 0),
    ("captured/deb12_zoo_proc-net-sockstat6.txt", Format::Sockstat, 0),
    ("corpus/procfs/procfs_proc_net_sockstat", Format::Sockstat, 0),
    ("corpus/procfs/procfs_proc_net_sockstat6", Format::Sockstat, 0),
    ("corpus/procfs/nodeexp_proc_net_sockstat", Format::Sockstat, 0),
    ("corpus/procfs/nodeexp_proc_net_sockstat6", Format::Sockstat, 0),
    ("captured/deb12_proc-net-dev.txt", Format::ProcNetDev, 0),
    ("corpus/procfs/procfs_proc_net_dev", Format::ProcNetDev, 0),
    ("corpus/procfs/procfs_proc_26231_net_dev", Format::ProcNetDev, 0),
    ("corpus/jc/linux-proc_net_dev", Format::ProcNetDev, 0),
];

/// What a parse gave: (name as printed, value) of each counter or interface counter, and
/// the malformed lines.
#[derive(Debug, Default, PartialEq)]
struct Parsed {
    values: Vec<(String, i128)>,
    rates: Vec<f64>,
    malformed: u64,
    rows: u64,
}

fn parse(input: &[u8], format: Format) -> Parsed {
    let mut p = Parsed::default();
    let mut parser = PushParser::new(format);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::Counter(c) => {
            let name = match c.position {
                // sockstat: `SECTION:key`, as the line prints it.
                Some(_) => format!("{}:{}", text(c.section), text(c.text)),
                None => text(c.text),
            };
            p.values.push((name, c.value));
            p.rates.extend(c.rate);
        }
        EventKind::Interface(i) => {
            let s = i.stats.unwrap();
            let d = i.dev.unwrap();
            let name = text(i.iface);
            for (col, v) in [
                ("rx_bytes", d.rx_bytes.unwrap()),
                ("rx_packets", s.rx_ok),
                ("rx_errs", s.rx_err),
                ("rx_drop", s.rx_drp),
                ("rx_fifo", s.rx_ovr),
                ("rx_frame", d.rx_frame.unwrap()),
                ("rx_compressed", d.rx_compressed.unwrap()),
                ("rx_multicast", d.rx_multicast.unwrap()),
                ("tx_bytes", d.tx_bytes.unwrap()),
                ("tx_packets", s.tx_ok),
                ("tx_errs", s.tx_err),
                ("tx_drop", s.tx_drp),
                ("tx_fifo", s.tx_ovr),
                ("tx_colls", d.tx_colls.unwrap()),
                ("tx_carrier", d.tx_carrier.unwrap()),
                ("tx_compressed", d.tx_compressed.unwrap()),
            ] {
                p.values.push((format!("{name}/{col}"), i128::from(v)));
            }
        }
        EventKind::Malformed(_) => p.malformed += 1,
        _ => {}
    };
    parser.feed(input, &mut sink);
    parser.finish(&mut sink);
    p.rows = parser.stats().rows;
    p
}

/// The second method: the values a plain whitespace split reads, line by line.
fn split_values(input: &[u8], format: Format) -> (Vec<(String, i128)>, Vec<f64>, u64) {
    let text = String::from_utf8(input.to_vec()).unwrap();
    let (mut values, mut rates, mut rows) = (Vec::new(), Vec::new(), 0);
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match format {
            Format::Nstat if w.len() == 3 && !line.starts_with('#') => {
                values.push((w[0].to_string(), w[1].parse().unwrap()));
                rates.push(w[2].parse().unwrap());
                rows += 1;
            }
            Format::ProcSnmp6 if w.len() == 2 && !w[0].ends_with(':') => {
                values.push((w[0].to_string(), w[1].parse().unwrap()));
                rows += 1;
            }
            Format::Sockstat if !w.is_empty() => {
                let section = w[0].trim_end_matches(':');
                for pair in w[1..].chunks(2) {
                    values.push((format!("{section}:{}", pair[0]), pair[1].parse().unwrap()));
                }
                rows += 1;
            }
            Format::ProcNetDev if line.contains(':') => {
                let (name, numbers) = line.split_once(':').unwrap();
                let cols = [
                    "rx_bytes",
                    "rx_packets",
                    "rx_errs",
                    "rx_drop",
                    "rx_fifo",
                    "rx_frame",
                    "rx_compressed",
                    "rx_multicast",
                    "tx_bytes",
                    "tx_packets",
                    "tx_errs",
                    "tx_drop",
                    "tx_fifo",
                    "tx_colls",
                    "tx_carrier",
                    "tx_compressed",
                ];
                let numbers: Vec<i128> = numbers.split_whitespace().map(|n| n.parse().unwrap()).collect();
                assert_eq!(numbers.len(), 16, "{line}");
                for (col, v) in cols.iter().zip(numbers) {
                    values.push((format!("{}/{col}", name.trim()), v));
                }
                rows += 1;
            }
            _ => {}
        }
    }
    (values, rates, rows)
}

#[test]
fn every_capture_parses_and_matches_a_plain_split() {
    for &(file, format, malformed) in FIXTURES {
        let input = read(file);
        let got = parse(&input, format);
        assert_eq!(got.malformed, malformed, "{file}");
        let (values, rates, rows) = split_values(&input, format);
        assert!(!values.is_empty(), "{file}");
        assert_eq!(got.values, values, "{file}");
        assert_eq!(got.rates, rates, "{file}");
        assert_eq!(got.rows, rows, "{file}");
        // Auto-detection reads the same.
        assert_eq!(parse(&input, Format::Auto), got, "{file} under auto");
    }
}

#[test]
fn nstat_stderr_is_a_tool_message_under_auto_too() {
    for format in [Format::Nstat, Format::Auto] {
        let mut kinds = Vec::new();
        let mut parser = PushParser::new(format);
        parser.feed(&read("captured/deb12_nstat-daemon-stale-a.txt"), &mut |ev: Event<'_>| {
            if let EventKind::Notice(n) = ev.kind {
                kinds.push(n.kind.name());
            }
        });
        parser.finish(&mut |_: Event<'_>| {});
        assert_eq!(kinds, ["tool_message"], "{format}");
    }
}

#[test]
fn counts_of_the_captures() {
    // `grep -c -v '^#'` of the nstat files (stderr's line is one of them in the stale one),
    // `wc -l` of the others.
    for (file, format, rows) in [
        ("captured/deb12_nstat-zas.txt", Format::Nstat, 396),
        ("captured/deb12_nstat-a.txt", Format::Nstat, 76),
        ("captured/deb12_nstat-daemon-stale-a.txt", Format::Nstat, 72),
        ("captured/deb12_proc-net-snmp6.txt", Format::ProcSnmp6, 90),
        ("corpus/procfs/procfs_proc_26231_net_snmp6", Format::ProcSnmp6, 91),
        ("captured/deb12_proc-net-sockstat.txt", Format::Sockstat, 6),
        ("captured/deb12_proc-net-sockstat6.txt", Format::Sockstat, 5),
        ("corpus/procfs/procfs_proc_net_dev", Format::ProcNetDev, 4),
        ("corpus/jc/linux-proc_net_dev", Format::ProcNetDev, 2),
    ] {
        assert_eq!(parse(&read(file), format).rows, rows, "{file}");
    }
}

#[test]
fn interfaces_equal_jc_json() {
    // jc's own fixture and JSON, and jc 1.26.1's answer recorded for the others.
    for (file, json) in [
        ("corpus/jc/linux-proc_net_dev", "corpus/jc/linux-proc_net_dev.json"),
        ("captured/deb12_proc-net-dev.txt", "jc-proc-net-dev/captured_deb12_proc-net-dev.txt.json"),
        ("corpus/procfs/procfs_proc_net_dev", "jc-proc-net-dev/corpus_procfs_procfs_proc_net_dev.json"),
        ("corpus/procfs/procfs_proc_26231_net_dev", "jc-proc-net-dev/corpus_procfs_procfs_proc_26231_net_dev.json"),
    ] {
        jc_equal(file, json);
    }
}

fn jc_equal(file: &str, json: &str) {
    let ours = parse(&read(file), Format::ProcNetDev);
    let jc: serde_json::Value = serde_json::from_slice(&read(json)).unwrap();
    let jc_cols = [
        ("r_bytes", "rx_bytes"),
        ("r_packets", "rx_packets"),
        ("r_errs", "rx_errs"),
        ("r_drop", "rx_drop"),
        ("r_fifo", "rx_fifo"),
        ("r_frame", "rx_frame"),
        ("r_compressed", "rx_compressed"),
        ("r_multicast", "rx_multicast"),
        ("t_bytes", "tx_bytes"),
        ("t_packets", "tx_packets"),
        ("t_errs", "tx_errs"),
        ("t_drop", "tx_drop"),
        ("t_fifo", "tx_fifo"),
        ("t_colls", "tx_colls"),
        ("t_carrier", "tx_carrier"),
        ("t_compressed", "tx_compressed"),
    ];
    let mut theirs = Vec::new();
    for iface in jc.as_array().unwrap() {
        let name = iface["interface"].as_str().unwrap();
        for (jc_col, col) in jc_cols {
            theirs.push((format!("{name}/{col}"), i128::from(iface[jc_col].as_u64().unwrap())));
        }
    }
    assert!(!theirs.is_empty(), "{json}");
    assert_eq!(ours.values, theirs, "{file}");
}

#[test]
fn interfaces_equal_netstat_i_of_the_same_second() {
    // net-tools reads RX-OK/ERR/DRP/OVR and TX-… from /proc/net/dev's packets/errs/drop/fifo.
    let dev = parse(&read("captured/deb12_proc-net-dev.txt"), Format::ProcNetDev);
    let mut iface = Vec::new();
    let mut parser = PushParser::new(Format::NetstatI);
    parser.feed(&read("captured/deb12_dev_netstat-i.txt"), &mut |ev: Event<'_>| {
        if let EventKind::Interface(i) = ev.kind {
            iface.push((String::from_utf8_lossy(i.iface).into_owned(), i.stats.unwrap()));
        }
    });
    parser.finish(&mut |_: Event<'_>| {});
    assert_eq!(iface.len(), 2);
    let get = |name: &str| dev.values.iter().find(|(n, _)| n == name).map(|(_, v)| *v as u64);
    for (name, s) in iface {
        for (col, v) in [
            ("rx_packets", s.rx_ok),
            ("rx_errs", s.rx_err),
            ("rx_drop", s.rx_drp),
            ("rx_fifo", s.rx_ovr),
            ("tx_packets", s.tx_ok),
            ("tx_errs", s.tx_err),
            ("tx_drop", s.tx_drp),
            ("tx_fifo", s.tx_ovr),
        ] {
            assert_eq!(get(&format!("{name}/{col}")), Some(v), "{name} {col}");
        }
    }
}

fn counters(file: &str, format: Format) -> ProcNetstatView {
    let mut view = ProcNetstatView::new(CaptureSelect::Last);
    let mut parser = PushParser::new(format);
    parser.feed(&read(file), &mut view);
    parser.finish(&mut view);
    view
}

#[test]
fn stat_answers_by_both_names_from_every_source() {
    // Every counter of an nstat and an snmp6 capture, by its flat name and by Section:Name.
    for (file, format) in
        [("captured/deb12_nstat-zas.txt", Format::Nstat), ("captured/deb12_zoo_proc-net-snmp6.txt", Format::ProcSnmp6)]
    {
        let view = counters(file, format);
        let (values, _, _) = split_values(&read(file), format);
        for (flat, value) in values {
            let (section, name) = netsift_grammar::flat_name::split(flat.as_bytes()).unwrap();
            let colon = format!("{}:{}", String::from_utf8_lossy(section), String::from_utf8_lossy(name));
            assert_eq!(view.get_stats(&flat), Some(value), "{file} {flat}");
            assert_eq!(view.get_stats(&colon), Some(value), "{file} {colon}");
        }
    }
    // The same counters from /proc/net/netstat, /proc/net/snmp and netstat -s.
    for (file, format, flat, colon) in [
        ("captured/deb12_proc-net-netstat.txt", Format::ProcNetstat, "TcpExtListenOverflows", "TcpExt:ListenOverflows"),
        ("captured/deb12_proc-net-netstat.txt", Format::ProcNetstat, "IpExtInOctets", "IpExt:InOctets"),
        ("captured/deb12_proc-net-snmp.txt", Format::ProcNetstat, "IpInReceives", "Ip:InReceives"),
        ("captured/deb12_proc-net-snmp.txt", Format::ProcNetstat, "IcmpMsgOutType3", "IcmpMsg:OutType3"),
        ("captured/deb12_proc-net-snmp.txt", Format::ProcNetstat, "UdpLiteInErrors", "UdpLite:InErrors"),
        ("captured/deb12_netstat-s.txt", Format::NetstatS, "TcpActiveOpens", "Tcp:ActiveOpens"),
        ("captured/deb12_netstat-s.txt", Format::NetstatS, "TcpExtDelayedACKLost", "TcpExt:DelayedACKLost"),
    ] {
        let view = counters(file, format);
        let by_colon = view.get_stats(colon);
        assert!(by_colon.is_some(), "{file} {colon}");
        assert_eq!(view.get_stats(flat), by_colon, "{file} {flat}");
    }
    let view = counters("captured/deb12_zoo_proc-net-sockstat.txt", Format::Sockstat);
    assert_eq!(view.get_stats("TCP:tw"), Some(2567));
    assert_eq!(view.get_stats("sockets:used"), Some(64));
    assert_eq!(view.get_stats("TCP:nope"), None);
}
