//! Real `netstat -s`, `/proc/net/netstat` and `/proc/net/snmp` captures
//! (tests/fixtures/corpus, see its README): every one parses with no malformed line, with
//! the section and counter counts of the corpus INDEX (recounted with grep and awk, see
//! below), spot values read off the files by eye, and the agreement of `netstat -s` with
//! the /proc files it was printed from.

mod common;

use std::collections::HashMap;

use common::fixtures::read;
use netsift::events::{CounterSource, Lang, Table};
use netsift::push::LineStats;
use netsift::views::netstat_s::NetstatSView;
use netsift::views::proc_net::ProcNetstatView;
use netsift::views::CaptureSelect;
use netsift::{Event, EventKind, Format, PushParser};

/// A counter event, owned.
#[derive(Debug, Clone, PartialEq)]
struct Ctr {
    line: u64,
    capture: u32,
    source: CounterSource,
    section: String,
    name: Option<String>,
    subtable: Option<String>,
    value: i128,
    text: String,
}

#[derive(Debug, Default)]
struct Parsed {
    /// (line, capture, table, name, lang) of every section event.
    sections: Vec<(u64, u32, Table, String, Lang)>,
    counters: Vec<Ctr>,
    notices: usize,
    malformed: usize,
    stats: LineStats,
}

impl Parsed {
    fn titles(&self) -> usize {
        self.sections
            .iter()
            .filter(|s| matches!(s.2, Table::StatSection { histogram: false } | Table::ProcSection))
            .count()
    }

    fn histograms(&self) -> usize {
        self.sections.iter().filter(|s| s.2 == Table::StatSection { histogram: true }).count()
    }

    fn get(&self, section: &str, name: &str) -> Vec<&Ctr> {
        self.counters.iter().filter(|c| c.section == section && c.name.as_deref() == Some(name)).collect()
    }

    fn one(&self, section: &str, name: &str) -> &Ctr {
        let found = self.get(section, name);
        assert_eq!(found.len(), 1, "{section}/{name}: {found:?}");
        found[0]
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn parse_with(rel: &str, format: Format) -> Parsed {
    let mut p = Parsed::default();
    let mut parser = PushParser::new(format);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::Section(s) => p.sections.push((ev.at.line, ev.capture, s.table, text(s.name), s.lang)),
        EventKind::Counter(c) => p.counters.push(Ctr {
            line: ev.at.line,
            capture: ev.capture,
            source: c.source,
            section: text(c.section),
            name: c.name.map(text),
            subtable: c.subtable.map(text),
            value: c.value,
            text: text(c.text),
        }),
        EventKind::Notice(_) => p.notices += 1,
        EventKind::Malformed(_) => p.malformed += 1,
        _ => {}
    };
    parser.feed(&read(rel), &mut sink);
    parser.finish(&mut sink);
    p.stats = parser.stats();
    p
}

/// Parse with `-f auto` and with the explicit format: both must give the same events.
fn parse(rel: &str, format: Format) -> Parsed {
    let auto = parse_with(rel, Format::Auto);
    let explicit = parse_with(rel, format);
    assert_eq!(auto.counters, explicit.counters, "{rel}: auto and {format} differ");
    assert_eq!(auto.sections, explicit.sections, "{rel}: auto and {format} differ");
    explicit
}

const NETSTAT_S: &[(&str, usize, usize, usize, u32)] = &[
    // file, section titles, histogram sub-titles, counters, captures.
    // Titles: `grep -c -E '^[^ ].*:$'`; counters: `grep -c -E '^ +.*[0-9]'`; sub-titles:
    // `grep -c -E '^ +.*(histogram|Histogramme)'`; the three add up to `wc -l`. The title
    // and counter counts are those of the corpus INDEX.
    ("corpus/real/r1_netstat-s.txt", 9, 2, 69, 1),
    ("corpus/real/r1_LC_fr_netstat-s.txt", 9, 2, 69, 1),
    ("corpus/real/r1_periodic_netstat-s.txt", 18, 4, 138, 2),
    ("corpus/old/nettools-1.60_netstat-s.txt", 6, 2, 44, 1),
    ("corpus/old/nettools-2013_netstat-s.txt", 6, 2, 28, 1),
    ("captured/deb12_netstat-s.txt", 9, 2, 66, 1),
    ("captured/deb12_de_netstat-s.txt", 9, 2, 66, 1),
];

const PROC: &[(&str, &[(&str, usize)])] = &[
    // file, (section, names) per pair: `awk 'NR%2==1{print $1, NF-1}'`, checked against the
    // values lines (same count) and the corpus INDEX.
    ("corpus/real/r1_proc-net-netstat.txt", &[("TcpExt", 135), ("IpExt", 18), ("MPTcpExt", 76)]),
    ("corpus/real/r1_emptyns_proc-net-netstat.txt", &[("TcpExt", 135), ("IpExt", 18), ("MPTcpExt", 76)]),
    (
        "corpus/real/r1_proc-net-snmp.txt",
        &[("Ip", 20), ("Icmp", 29), ("IcmpMsg", 1), ("Tcp", 15), ("Udp", 9), ("UdpLite", 9)],
    ),
    ("corpus/jc/linux-proc_net_netstat", &[("TcpExt", 121), ("IpExt", 18), ("MPTcpExt", 13)]),
];

fn every_line_in_one_bucket(rel: &str, s: &LineStats) {
    let sum = s.rows + s.titles + s.headers + s.notices + s.blank + s.skipped + s.continuations + s.malformed;
    assert_eq!(sum, s.lines, "{rel}: {s:?}");
}

#[test]
fn netstat_s_counts_of_every_capture() {
    for &(rel, titles, histograms, counters, captures) in NETSTAT_S {
        let p = parse(rel, Format::NetstatS);
        assert_eq!(p.malformed, 0, "{rel}");
        assert_eq!(p.notices, 0, "{rel}");
        assert_eq!(p.titles(), titles, "{rel}");
        assert_eq!(p.histograms(), histograms, "{rel}");
        assert_eq!(p.counters.len(), counters, "{rel}");
        assert_eq!(p.counters.iter().map(|c| c.capture).max(), Some(captures), "{rel}");
        assert!(p.counters.iter().all(|c| c.source == CounterSource::NetstatS));
        // Every counter of every net-tools version here is mapped to its kernel name.
        let unmapped: Vec<_> = p.counters.iter().filter(|c| c.name.is_none()).collect();
        assert!(unmapped.is_empty(), "{rel}: {unmapped:?}");
        assert_eq!(p.stats.rows as usize, counters, "{rel}");
        assert_eq!(p.stats.titles as usize, titles + histograms, "{rel}");
        every_line_in_one_bucket(rel, &p.stats);
    }
}

#[test]
fn proc_counts_of_every_capture() {
    for &(rel, pairs) in PROC {
        let p = parse(rel, Format::ProcNetstat);
        assert_eq!(p.malformed, 0, "{rel}");
        assert_eq!(p.notices, 0, "{rel}");
        let got: Vec<(String, usize)> =
            p.sections.iter().map(|s| (s.3.clone(), p.counters.iter().filter(|c| c.section == s.3).count())).collect();
        let want: Vec<(String, usize)> = pairs.iter().map(|&(s, n)| (s.to_string(), n)).collect();
        assert_eq!(got, want, "{rel}");
        assert!(p.sections.iter().all(|s| s.2 == Table::ProcSection && s.1 == 1));
        assert!(p.counters.iter().all(|c| c.source == CounterSource::Proc && c.name.is_some() && c.capture == 1));
        assert_eq!(p.stats.headers as usize, pairs.len(), "{rel}");
        assert_eq!(p.stats.rows as usize, pairs.len(), "{rel}");
        every_line_in_one_bucket(rel, &p.stats);
    }
}

#[test]
fn netstat_s_spot_values() {
    let p = parse("corpus/real/r1_netstat-s.txt", Format::NetstatS);
    let c = p.one("Tcp", "ActiveOpens");
    assert_eq!((c.value, c.line, c.text.as_str()), (236, 20, "236 active connection openings"));
    // The number in the middle of the sentence.
    let c = p.one("TcpExt", "DelayedACKLost");
    assert_eq!((c.value, c.line, c.text.as_str()), (4, 44, "Quick ack mode was activated 4 times"));
    // `Name: value` lines: the kernel's own name, under the current section.
    assert_eq!(p.one("Ip", "Forwarding").value, 2);
    assert_eq!(p.one("TcpExt", "BeyondWindow").value, 59);
    assert_eq!(p.one("IpExt", "InOctets").value, 129_960_374);
    assert_eq!(p.one("IcmpMsg", "InType3").value, 1);
    // The histogram entry, with its sub-table; the line after it closes the sub-table.
    let c = p.one("Icmp", "InDestUnreachs");
    assert_eq!((c.value, c.subtable.as_deref()), (1, Some("ICMP input histogram")));
    assert_eq!(p.one("Icmp", "OutMsgs").subtable, None);
    // The output histogram has no entry; UdpLite and MPTcpExt are empty sections.
    let line_of = |name: &str| p.sections.iter().find(|s| s.3 == name).map(|s| s.0);
    assert_eq!(line_of("ICMP output histogram"), Some(16));
    assert_eq!(line_of("IcmpMsg"), Some(17));
    assert_eq!(line_of("UdpLite"), Some(37));
    assert_eq!(line_of("TcpExt"), Some(38));
    assert_eq!(line_of("MPTcpExt"), Some(80));
    assert!(p.counters.iter().all(|c| c.section != "UdpLite" && c.section != "MPTcpExt"));

    // French: the histogram titles are translated (and have no colon); the entries are not.
    let p = parse("corpus/real/r1_LC_fr_netstat-s.txt", Format::NetstatS);
    let histograms: Vec<_> = p.sections.iter().filter(|s| s.2 == Table::StatSection { histogram: true }).collect();
    assert_eq!(histograms.len(), 2);
    assert_eq!(histograms[0].3, "Histogramme d'entrée ICMP");
    assert_eq!(histograms[0].4, Lang::Fr);
    let c = p.one("Icmp", "InDestUnreachs");
    assert_eq!((c.value, c.subtable.as_deref()), (1, Some("Histogramme d'entrée ICMP")));
    assert_eq!(p.one("TcpExt", "DelayedACKLost").value, 4);
    assert_eq!(p.one("Tcp", "RetransSegs").value, 97);

    // net-tools 1.60: old wording, and `Name: value` even for zero counters (all of UdpLite).
    let p = parse("corpus/old/nettools-1.60_netstat-s.txt", Format::NetstatS);
    assert_eq!(p.one("Tcp", "ActiveOpens").text, "683 active connections openings");
    assert_eq!(p.one("Tcp", "ActiveOpens").value, 683);
    assert_eq!(p.one("Tcp", "OutSegs").text, "19775 segments send out");
    assert_eq!(p.one("Tcp", "RetransSegs").value, 422);
    assert_eq!(p.one("Tcp", "InErrs").text, "0 bad segments received.");
    assert_eq!(p.one("Udp", "NoPorts").text, "0 packets to unknown port received.");
    assert_eq!(p.one("Icmp", "InErrors").text, "0 input ICMP message failed.");
    assert_eq!(p.one("Icmp", "OutRateLimitHost").value, 0);
    assert_eq!(p.counters.iter().filter(|c| c.section == "UdpLite").count(), 9);
    assert_eq!(p.one("UdpLite", "MemErrors").value, 0);
    // No negative value is in this capture (its counters are small); the line a 1.60 build
    // prints for a counter past 2^31 is read like any other.
    assert!(p.counters.iter().all(|c| c.value >= 0));

    // The 2013 snapshot: a title with nothing under it is the last line.
    let p = parse("corpus/old/nettools-2013_netstat-s.txt", Format::NetstatS);
    assert_eq!(p.sections.last().map(|s| (s.0, s.3.as_str())), Some((36, "UdpLite")));
    assert_eq!(p.one("Udp", "RcvbufErrors").text, "0 receive buffer errors");
    assert_eq!(p.one("Ip", "OutTransmits").value, 19_809);
}

#[test]
fn a_negative_value_of_net_tools_1_60() {
    // 1.60 prints counters as signed 32-bit numbers: 3000000000 packets come out negative.
    let input = b"Ip:\n    -1294967296 total packets received\n    -5 forwarded\nTcp:\n    InCsumErrors: -7\n";
    let mut values = Vec::new();
    let mut parser = PushParser::new(Format::NetstatS);
    let mut sink = |ev: Event<'_>| {
        if let EventKind::Counter(c) = ev.kind {
            values.push((text(c.section), c.name.map(text), c.value));
        }
    };
    parser.feed(input, &mut sink);
    parser.finish(&mut sink);
    assert_eq!(
        values,
        vec![
            ("Ip".into(), Some("InReceives".into()), -1_294_967_296),
            ("Ip".into(), Some("ForwDatagrams".into()), -5),
            ("Tcp".into(), Some("InCsumErrors".into()), -7),
        ]
    );
}

#[test]
fn proc_spot_values() {
    let p = parse("corpus/real/r1_proc-net-snmp.txt", Format::ProcNetstat);
    assert_eq!(p.one("Tcp", "MaxConn").value, -1);
    assert_eq!(p.one("Tcp", "ActiveOpens").value, 236);
    assert_eq!(p.one("Tcp", "RtoMax").value, 120_000);
    assert_eq!(p.one("Ip", "OutTransmits").value, 6228);
    assert_eq!(p.one("IcmpMsg", "InType3").value, 1);
    // InErrors is in Icmp, Udp and UdpLite: the key is (section, name).
    assert_eq!(p.get("Udp", "InErrors").len(), 1);
    assert_eq!(p.counters.iter().filter(|c| c.name.as_deref() == Some("InErrors")).count(), 3);

    let p = parse("corpus/real/r1_proc-net-netstat.txt", Format::ProcNetstat);
    assert_eq!(p.one("TcpExt", "DelayedACKLost").value, 4);
    assert_eq!(p.one("TcpExt", "ListenDrops").value, 42);
    assert_eq!(p.one("IpExt", "InOctets").value, 129_993_246);
    assert!(!p.get("MPTcpExt", "MPCapableSYNRX").is_empty());
    let mut view = ProcNetstatView::default();
    let mut parser = PushParser::new(Format::ProcNetstat);
    parser.feed(&read("corpus/real/r1_proc-net-netstat.txt"), &mut view);
    parser.finish(&mut view);
    assert_eq!(view.get_stats("InOctets"), Some(129_993_246));
    assert_eq!(view.get_stats("MPCapableSYNRX"), None);
    assert_eq!(view.get_stats("MPTcpExt:MPCapableSYNRX"), Some(0));
    // insights' data: TcpExt and IpExt, which share no name on this kernel.
    assert_eq!(view.data_len(), 135 + 18);
}

#[test]
fn jc_proc_net_netstat() {
    // jc's copy ends its values lines with a blank.
    let p = parse("corpus/jc/linux-proc_net_netstat", Format::ProcNetstat);
    assert_eq!(p.one("TcpExt", "TW").value, 3);
    assert_eq!(p.one("IpExt", "InBcastPkts").value, 366);
    assert_eq!(p.one("IpExt", "InOctets").value, 57_734_503);
    assert_eq!(p.get("MPTcpExt", "MPCapableSYNRX").len(), 1);
}

#[test]
fn periodic_netstat_s_is_two_captures() {
    let p = parse("corpus/real/r1_periodic_netstat-s.txt", Format::NetstatS);
    let ip: Vec<(u32, u64)> = p.sections.iter().filter(|s| s.3 == "Ip").map(|s| (s.1, s.0)).collect();
    assert_eq!(ip, vec![(1, 1), (2, 81)]);
    let received: Vec<(u32, i128)> = p.get("Ip", "InReceives").iter().map(|c| (c.capture, c.value)).collect();
    assert_eq!(received, vec![(1, 6849), (2, 6852)]);
    assert!(p.counters.iter().all(|c| (c.capture == 1) == (c.line <= 80)));

    let bytes = read("corpus/real/r1_periodic_netstat-s.txt");
    let view_of = |select| {
        let mut view = NetstatSView::new(select);
        let mut parser = PushParser::new(Format::NetstatS);
        parser.feed(&bytes, &mut view);
        parser.finish(&mut view);
        view
    };
    let all = view_of(CaptureSelect::All).captures();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].1.text("ip", "total_packets_received"), Some(&b"6849"[..]));
    assert_eq!(all[1].1.text("ip", "total_packets_received"), Some(&b"6852"[..]));
    assert_eq!(view_of(CaptureSelect::Last).data(), all[1].1);
    assert_eq!(view_of(CaptureSelect::Number(1)).data(), all[0].1);
    assert_eq!(all[1].1.len(), 9);
}

/// `netstat -s` and the /proc files captured at the same moment: every counter netstat -s
/// prints and the sentence table maps has the /proc value of the same (section, name).
#[test]
fn netstat_s_agrees_with_proc() {
    let mut proc: HashMap<(String, String), i128> = HashMap::new();
    for rel in ["captured/deb12_proc-net-snmp.txt", "captured/deb12_proc-net-netstat.txt"] {
        let p = parse(rel, Format::ProcNetstat);
        assert_eq!(p.malformed, 0);
        for c in p.counters {
            proc.insert((c.section, c.name.unwrap_or_default()), c.value);
        }
    }
    for rel in ["captured/deb12_netstat-s.txt", "captured/deb12_de_netstat-s.txt"] {
        let s = parse(rel, Format::NetstatS);
        assert_eq!(s.malformed, 0);
        let mut compared = 0;
        for c in &s.counters {
            let name = c.name.clone().unwrap_or_else(|| panic!("{rel}: unmapped {c:?}"));
            let key = (c.section.clone(), name);
            assert_eq!(proc.get(&key), Some(&c.value), "{rel}:{}: {} ({:?})", c.line, c.text, key);
            compared += 1;
        }
        assert_eq!(compared, 66, "{rel}");
    }
    // The same through the view that `netsift stat` uses.
    let mut view = ProcNetstatView::default();
    let mut parser = PushParser::new(Format::NetstatS);
    parser.feed(&read("captured/deb12_netstat-s.txt"), &mut view);
    parser.finish(&mut view);
    for (section, name, value) in view.counters() {
        let key = (text(section), text(name));
        assert_eq!(proc.get(&key), Some(&value), "{key:?}");
    }
    assert_eq!(view.get_stats("Tcp:ActiveOpens"), proc.get(&("Tcp".into(), "ActiveOpens".into())).copied());
}
