//! The peer corpus (tests/fixtures/corpus/peer, see its INDEX.md for each file's source and
//! licence): 40 outputs that other public projects committed, printed by real tools on real
//! machines (percona-toolkit, a committed RHCOS sosreport, BusyBox on a router and a
//! camera, ChromeOS, PCP, node_exporter, procfs, DataDog, …).
//!
//! Every file is read with no malformed line, except the two lines of
//! `tapo_netstat-tulpn_2.txt` that are not tool output (the `[FW: …]` and `-----` lines the
//! project wrote before its second capture; the same two lines before the first capture are
//! read as notices). Row counts are checked twice: against numbers counted by hand with the
//! grep/awk commands written above each table, and against a simple count made here by
//! looking at each line's first bytes, with no parser. Spot values, the padded last
//! columns among them, are asserted through the views and `search`.

use netsift::views::search::Term;
use netsift::views::{CaptureSelect, ViewSet};
use netsift::{Event, EventKind, Format, PushParser};
use serde_json::Value;

fn read(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/peer").join(name);
    std::fs::read(path).expect("fixture")
}

/// What the parser made of a file: events by kind and the malformed lines' numbers.
#[derive(Debug, Default)]
struct Parsed {
    inet: usize,
    unix: usize,
    ss: usize,
    counters: usize,
    interfaces: usize,
    memberships: usize,
    notices: usize,
    malformed: Vec<u64>,
    continuations: u64,
    titles: u64,
}

fn parse(name: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut parser = PushParser::new(Format::Auto);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::InetConn(_) => p.inet += 1,
        EventKind::UnixSocket(_) => p.unix += 1,
        EventKind::SsSocket(_) => p.ss += 1,
        EventKind::Counter(_) => p.counters += 1,
        EventKind::Interface(_) => p.interfaces += 1,
        EventKind::Membership(_) => p.memberships += 1,
        EventKind::Notice(_) => p.notices += 1,
        EventKind::Malformed(_) => p.malformed.push(ev.at.line),
        _ => {}
    };
    parser.feed(&read(name), &mut sink);
    parser.finish(&mut sink);
    let stats = parser.stats();
    p.continuations = stats.continuations;
    p.titles = stats.titles;
    p
}

fn lines(name: &str) -> Vec<Vec<u8>> {
    read(name).split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec()).collect()
}

fn words(line: &[u8]) -> Vec<&[u8]> {
    line.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).collect()
}

/// The views of a file (auto-detected) as their JSON, and the view set for searches.
fn views(name: &str) -> (Value, ViewSet) {
    let mut set = ViewSet::new(Format::Auto, CaptureSelect::Last);
    let mut parser = PushParser::new(Format::Auto);
    parser.feed(&read(name), &mut set);
    parser.finish(&mut set);
    let mut json = Vec::new();
    set.write_json(&mut json);
    (serde_json::from_slice(&json).expect("view JSON"), set)
}

/// Every string of a view's `data`/`datalist` has no blank at either end (the `lines` of
/// the netstat view keep the line as printed and are left out).
fn assert_no_padding(name: &str, v: &Value, path: &str) {
    match v {
        Value::String(s) => {
            assert_eq!(s.trim(), s, "{name}: padded value at {path}");
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| assert_no_padding(name, x, &format!("{path}[{i}]"))),
        Value::Object(o) => {
            for (k, x) in o {
                if k != "lines" {
                    assert_no_padding(name, x, &format!("{path}.{k}"));
                }
            }
        }
        _ => {}
    }
}

fn search_netstat(set: &ViewSet, term: &str) -> Vec<String> {
    let term: Term = term.parse().expect("term");
    let view = set.netstat.as_ref().expect("netstat view");
    view.search(&[], &[term]).iter().map(|r| String::from_utf8_lossy(r.line()).into_owned()).collect()
}

// netstat tables. Counted with
//   grep -a -c -E '^(tcp|udp|raw|sctp)' FILE      (internet rows)
//   grep -a -c '^unix' FILE                        (unix rows)
const NETSTAT: &[(&str, usize, usize, usize)] = &[
    // file, internet rows, unix rows, notices
    ("percona_netstat-antp_1.txt", 4, 0, 0),
    ("percona_netstat-antp_2.txt", 4, 0, 0),
    ("percona_netstat-antp_3.txt", 4, 0, 0),
    ("percona_netstat-antp_5.txt", 65, 0, 0),
    ("percona_netstat-antp_6.txt", 85, 0, 0),
    ("percona_netstat-antp_7.txt", 1001, 0, 0),
    ("percona_netstat-antp_s1.txt", 18, 0, 0),
    ("percona_netstat-antp_s2.txt", 1326, 0, 0),
    // Its first line is stderr: `(No info could be read for "-p": …)`.
    ("percona_netstat-antp_s3.txt", 38, 0, 1),
    ("rhcos-sos_netstat-W-neopa_1.txt", 37, 109, 0),
    ("ghosh_netstat_1.txt", 7, 67, 0),
    ("redstar_netstat-an_1.txt", 35, 289, 0),
    ("asusrouter_netstat-l_1.txt", 14, 1, 0),
    ("tapo_netstat-tulpn_1.txt", 13, 0, 0),
    // Two captures; `[FW: …]` and `-----` before the first are notices.
    ("tapo_netstat-tulpn_2.txt", 24, 0, 2),
];

// ss. Sockets counted with
//   awk '$1 ~ /^[a-z0-9_?]+$/ && $1 != "Netid" {c[$1]++}' FILE
// (chromeos: udp 7, tcp 34, raw 1; pcp_1: udp 26, tcp 69; pcp_2: udp 10, tcp 20;
// rhcos: nl 49, u_str 69, u_dgr 32, u_seq 8, raw 1, udp 8, tcp 28), and the TAB-led
// continuation lines with grep -c $'^\t' FILE.
const SS: &[(&str, usize, u64)] = &[
    ("chromeos_ss_1.txt", 42, 0),
    ("pcp_ss-noemitauOH_1.txt", 95, 0),
    ("pcp_ss-noemitauOH_2.txt", 30, 0),
    ("rhcos-sos_ss-peaonmi_1.txt", 195, 36),
];

// /proc/net/netstat and /proc/net/snmp: counters counted with
//   awk 'NR%2==1 {names+=NF-1} NR%2==0 {values+=NF-1} END {print names, values}' FILE
// (names and values agree in every file).
const PROC: &[(&str, usize)] = &[
    ("d2000_proc-net-netstat_1.txt", 65),
    ("d2000_proc-net-snmp_1.txt", 63),
    ("datadog_proc-net-netstat_1.txt", 163),
    ("datadog_proc-net-snmp_1.txt", 83),
    ("nodeexp_proc-net-netstat_1.txt", 94),
    ("nodeexp_proc-net-snmp_1.txt", 77),
    ("pcp_proc-net-netstat_1.txt", 128),
    ("pcp_proc-net-snmp_1.txt", 75),
    ("pcp_proc-net-snmp_2.txt", 86),
    ("procfs_proc-net-netstat_1.txt", 131),
    ("procfs_proc-net-snmp_1.txt", 79),
    ("rhcos-sos_proc-net-netstat_1.txt", 133),
    ("rhcos-sos_proc-net-snmp_1.txt", 79),
    ("rhel5web_proc-net-netstat_1.txt", 71),
    ("rhel5web_proc-net-snmp_1.txt", 70),
];

// netstat -s: counters counted with grep -c -E '^ +.*[0-9]' FILE, titles (sections and
// histogram sub-titles) with grep -c ':$' FILE.
const STAT: &[(&str, usize, u64)] = &[("benchdemo-md_netstat-s_1.txt", 52, 9), ("rhcos-sos_netstat-s_1.txt", 63, 10)];

// netstat -i: rows = wc -l minus the title and header; netstat -g / -agn: wc -l minus the
// title and the two header lines.
const IFACE: &[(&str, usize)] = &[("mrvw-md_netstat-i_1.txt", 2), ("myit-md_netstat-i_1.txt", 3)];
const GROUPS: &[(&str, usize)] = &[("myit-md_netstat-g_1.txt", 11), ("rhcos-sos_netstat-W-agn_1.txt", 8)];

#[test]
fn every_file_of_the_peer_corpus_is_tested() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/peer");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("peer dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    on_disk.sort();
    let mut tested: Vec<String> = NETSTAT
        .iter()
        .map(|t| t.0)
        .chain(SS.iter().map(|t| t.0))
        .chain(PROC.iter().map(|t| t.0))
        .chain(STAT.iter().map(|t| t.0))
        .chain(IFACE.iter().map(|t| t.0))
        .chain(GROUPS.iter().map(|t| t.0))
        .map(String::from)
        .collect();
    tested.sort();
    assert_eq!(tested, on_disk);
    assert_eq!(on_disk.len(), 40);
    // Each one has its attribution line in INDEX.md.
    let index = String::from_utf8(read("INDEX.md")).expect("utf-8");
    for name in &on_disk {
        assert!(index.contains(&format!("| {name} |")), "{name} has no line in INDEX.md");
    }
}

#[test]
fn netstat_row_counts() {
    for &(name, inet, unix, notices) in NETSTAT {
        let p = parse(name);
        let simple_inet = lines(name)
            .iter()
            .filter(|l| ["tcp", "udp", "raw", "sctp"].iter().any(|p| l.starts_with(p.as_bytes())))
            .count();
        let simple_unix = lines(name).iter().filter(|l| l.starts_with(b"unix")).count();
        assert_eq!((p.inet, p.unix, p.notices), (inet, unix, notices), "{name}");
        assert_eq!((simple_inet, simple_unix), (inet, unix), "{name}: simple count");
        let expected_malformed: &[u64] = if name == "tapo_netstat-tulpn_2.txt" { &[24, 25] } else { &[] };
        assert_eq!(p.malformed, expected_malformed, "{name}");
    }
    // The two malformed lines of tapo_2 are the project's own `[FW: …]` and `-----` lines.
    let tapo = lines("tapo_netstat-tulpn_2.txt");
    assert!(tapo[23].starts_with(b"[FW: 1.1.12"));
    assert!(tapo[24].iter().all(|&b| b == b'-'));
}

#[test]
fn ss_socket_counts() {
    for &(name, sockets, continuations) in SS {
        let p = parse(name);
        let all = lines(name);
        let simple = all
            .iter()
            .filter(|l| {
                let w = words(l);
                w.first().is_some_and(|first| {
                    !l.starts_with(b"\t")
                        && *first != b"Netid"
                        && first.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                })
            })
            .count();
        let tabs = all.iter().filter(|l| l.starts_with(b"\t")).count() as u64;
        assert_eq!((p.ss, p.continuations), (sockets, continuations), "{name}");
        assert_eq!((simple, tabs), (sockets, continuations), "{name}: simple count");
        assert!(p.malformed.is_empty(), "{name}: {:?}", p.malformed);
    }
}

#[test]
fn counter_counts() {
    for &(name, counters) in PROC {
        let p = parse(name);
        let simple: usize = lines(name).iter().step_by(2).map(|l| words(l).len().saturating_sub(1)).sum();
        assert_eq!(p.counters, counters, "{name}");
        assert_eq!(simple, counters, "{name}: simple count");
        assert!(p.malformed.is_empty(), "{name}: {:?}", p.malformed);
    }
    for &(name, counters, titles) in STAT {
        let p = parse(name);
        let all = lines(name);
        let simple = all.iter().filter(|l| l.starts_with(b" ") && l.iter().any(u8::is_ascii_digit)).count();
        let simple_titles = all.iter().filter(|l| l.ends_with(b":")).count() as u64;
        assert_eq!((p.counters, p.titles), (counters, titles), "{name}");
        assert_eq!((simple, simple_titles), (counters, titles), "{name}: simple count");
        assert!(p.malformed.is_empty(), "{name}: {:?}", p.malformed);
    }
}

#[test]
fn interface_and_group_counts() {
    for &(name, rows) in IFACE {
        let p = parse(name);
        let simple = lines(name).iter().filter(|l| !l.is_empty()).count() - 2;
        assert_eq!((p.interfaces, simple), (rows, rows), "{name}");
        assert!(p.malformed.is_empty(), "{name}: {:?}", p.malformed);
    }
    for &(name, rows) in GROUPS {
        let p = parse(name);
        let simple = lines(name).iter().filter(|l| !l.is_empty()).count() - 3;
        assert_eq!((p.memberships, simple), (rows, rows), "{name}");
        assert!(p.malformed.is_empty(), "{name}: {:?}", p.malformed);
    }
}

#[test]
fn no_view_value_keeps_its_padding() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/peer");
    for entry in std::fs::read_dir(dir).expect("peer dir") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".txt") {
            let (json, _) = views(&name);
            assert_no_padding(&name, &json, "");
        }
    }
}

const INET: &str = "Active Internet connections (servers and established)";
const INET_SERVERS: &str = "Active Internet connections (only servers)";
const UNIX: &str = "Active UNIX domain sockets (servers and established)";

#[test]
fn padded_program_column_is_found_by_search() {
    // `PID/Program name` is the last column, padded to 20: `7615/mysqld     `.
    let (json, set) = views("percona_netstat-antp_1.txt");
    assert_eq!(json["datalist"][INET][0]["PID/Program name"], "7615/mysqld");
    assert_eq!(json["data"][INET]["PID/Program name"][0], "7615/mysqld");
    assert_eq!(json["datalist"][INET][0]["Program name"], "mysqld");
    // `lines` keeps the line as printed.
    let line = "tcp        0      0 127.0.0.1:3306          0.0.0.0:*               LISTEN      7615/mysqld     ";
    assert_eq!(json["lines"][INET][0], line);
    let netstat = set.netstat.as_ref().expect("netstat");
    assert_eq!(netstat.get_original_line(INET, 0), Some(line.as_bytes()));
    assert_eq!(search_netstat(&set, "PID/Program_name=7615/mysqld"), [line]);
    // The key as printed, with its blank, is the command line's spelling (insights' rule,
    // kept by `Term::from_str`, knows only the search spelling).
    let printed = Term::parse_key_as_printed("PID/Program name=7615/mysqld").expect("term");
    let rows = set.netstat.as_ref().expect("netstat").search(&[], &[printed]);
    assert_eq!(rows.iter().map(|r| r.line()).collect::<Vec<_>>(), [line.as_bytes()]);
    assert!(search_netstat(&set, "PID/Program name=7615/mysqld").is_empty());
    assert_eq!(search_netstat(&set, "Program_name=cupsd").len(), 2);
}

#[test]
fn padded_state_column_is_found_by_search() {
    // `netstat -an` ends on State, padded to 11: `TIME_WAIT   `.
    let (json, set) = views("redstar_netstat-an_1.txt");
    let rows = json["datalist"][INET].as_array().expect("rows");
    let row = rows.iter().find(|r| r["Local Address"] == "192.168.0.134:41976").expect("row");
    assert_eq!(row["State"], "TIME_WAIT");
    // grep -c TIME_WAIT redstar_netstat-an_1.txt
    let time_wait = lines("redstar_netstat-an_1.txt").iter().filter(|l| l.ends_with(b"TIME_WAIT   ")).count();
    assert_eq!(search_netstat(&set, "State=TIME_WAIT").len(), time_wait);
    assert!(time_wait > 0);
    // An empty unix path padded with blanks is "".
    let unix = json["datalist"][UNIX].as_array().expect("unix rows");
    assert_eq!(unix.len(), 289);
    assert!(unix.iter().any(|r| r["Path"] == ""));
    assert!(unix.iter().any(|r| r["Path"].as_str().is_some_and(|p| p.starts_with('@'))));
}

#[test]
fn percona_spot_values() {
    let (json, set) = views("percona_netstat-antp_2.txt");
    assert_eq!(json["datalist"][INET][2]["PID/Program name"], "2358/sendmail: acce");
    assert_eq!(json["datalist"][INET][3]["Local Address"], ":::22");
    assert_eq!(search_netstat(&set, "Program_name=sendmail: acce").len(), 1);
    assert_eq!(json["listening_pid"]["2333"]["port"], "22");

    let (json, set) = views("percona_netstat-antp_6.txt");
    let rows = search_netstat(&set, "State=CLOSE_WAIT");
    assert!(rows.iter().any(|l| l.starts_with("tcp       39      0 192.168.11.22:37302")));
    let row = json["datalist"][INET]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["Local Address"] == "192.168.11.22:37302")
        .expect("row")
        .clone();
    assert_eq!((row["Recv-Q"].as_str(), row["PID/Program name"].as_str()), (Some("39"), Some("12357/python3")));

    let (json, set) = views("percona_netstat-antp_s2.txt");
    let last = json["datalist"][INET].as_array().expect("rows").last().expect("row").clone();
    assert_eq!(last["Send-Q"], "62448");
    assert_eq!(last["PID/Program name"], "16736/0");
    assert_eq!(last["Foreign Address"], "::ffff:74.86.244.122:39224");
    assert_eq!(search_netstat(&set, "PID=16736").len(), 1);

    // A non-root run: every PID/Program is `-`.
    let (json, set) = views("percona_netstat-antp_s3.txt");
    assert!(json["datalist"][INET].as_array().expect("rows").iter().all(|r| r["PID/Program name"] == "-"));
    assert_eq!(search_netstat(&set, "PID/Program_name=-").len(), 38);
}

#[test]
fn rhcos_sosreport_netstat() {
    let (json, set) = views("rhcos-sos_netstat-W-neopa_1.txt");
    let inet = json["datalist"][INET].as_array().expect("rows");
    let raw6 = inet.iter().find(|r| r["Proto"] == "raw6").expect("raw6");
    assert_eq!((raw6["State"].as_str(), raw6["Timer"].as_str()), (Some("7"), Some("off (0.00/0/0)")));
    assert_eq!(raw6["PID/Program name"], "967/NetworkManager");
    let sshd = search_netstat(&set, "PID/Program_name=3002/sshd: core [pr");
    // One internet row and three unix rows (grep -c '3002/sshd: core \[pr').
    assert_eq!(sshd.len(), 4);
    assert!(sshd[0].ends_with("keepalive (7074.91/0/0)"));
    // The unix table's last column is Path; the Bluetooth section is not a table of rows.
    let unix = json["datalist"][UNIX].as_array().expect("unix");
    assert_eq!(unix.len(), 109);
    assert!(json["datalist"].as_object().expect("tables").keys().all(|k| !k.contains("Bluetooth")));
}

#[test]
fn busybox_and_resolved_names() {
    // BusyBox on a router: names resolved, one overflowing its column; unix I-Node
    // right-aligned.
    let (json, set) = views("asusrouter_netstat-l_1.txt");
    let rows = json["datalist"][INET_SERVERS].as_array().expect("rows");
    assert!(rows.iter().any(|r| r["Local Address"] == "localhost.localdomain:domain" && r["State"] == "LISTEN"));
    let unix = &json["datalist"]["Active UNIX domain sockets (only servers)"][0];
    assert_eq!((unix["I-Node"].as_str(), unix["Path"].as_str()), (Some("977"), Some("/var/run/protect_srv_socket")));
    assert_eq!(search_netstat(&set, "Local_Address=router.asus.com:www").len(), 1);

    // BusyBox on a camera: PID/Program printed without padding, header with trailing
    // blanks.
    let (json, set) = views("tapo_netstat-tulpn_1.txt");
    let rows = json["datalist"][INET_SERVERS].as_array().expect("rows");
    assert!(rows.iter().all(|r| r["PID/Program name"].as_str().is_some_and(|p| p.contains('/'))));
    assert!(!search_netstat(&set, "Program_name__startswith=").is_empty());

    // The second capture of tapo_2 is the one the view describes.
    let (json, _) = views("tapo_netstat-tulpn_2.txt");
    assert_eq!(json["datalist"][INET_SERVERS].as_array().expect("rows").len(), 24 - 13);

    // Plain `netstat`: resolved and truncated names.
    let (json, _) = views("ghosh_netstat_1.txt");
    let inet = json["datalist"]["Active Internet connections (w/o servers)"].as_array().expect("rows");
    assert!(inet.iter().any(|r| r["Foreign Address"] == "google-public-dn:domain"));
}

#[test]
fn ss_spot_values() {
    let (json, set) = views("chromeos_ss_1.txt");
    let ss = set.ss.as_ref().expect("ss");
    let raw = &json["data"][0];
    assert_eq!((raw["Netid"].as_str(), raw["Recv-Q"].as_str()), (Some("raw"), Some("216384")));
    // Process is the last column, padded: the value has no trailing blank.
    assert_eq!(raw["Process"], r#"users:(("dhcpcd",pid=3287,fd=11))"#);
    // grep -c dhcpcd: the raw socket and a udp one.
    assert_eq!(ss.get_service("dhcpcd").len(), 2);
    assert_eq!(ss.search(&["Process=users:((\"dhcpcd\",pid=3287,fd=11))".parse().expect("term")]).len(), 1);
    assert_eq!(
        ss.get_localport("5353").len(),
        ss.search(&["Local_Address_Port__endswith=:5353".parse().expect("term")]).len()
    );

    let (json, _) = views("rhcos-sos_ss-peaonmi_1.txt");
    assert_eq!(json["data"].as_array().expect("rows").len(), 195);
    let (json, _) = views("pcp_ss-noemitauOH_2.txt");
    assert!(json["data"].as_array().expect("rows").iter().any(|r| r["Local-Address-Port"] == "[::1]:53"));
}

#[test]
fn counter_spot_values() {
    // As `netsift stat` reads them: /proc files and netstat -s alike.
    let stat = |name: &str, counter: &str| {
        let mut view = netsift::views::proc_net::ProcNetstatView::default();
        let mut parser = PushParser::new(Format::Auto);
        let mut sink = |ev: Event<'_>| view.event(&ev);
        parser.feed(&read(name), &mut sink);
        parser.finish(&mut sink);
        view.get_stats(counter)
    };
    assert_eq!(stat("rhcos-sos_proc-net-snmp_1.txt", "Tcp:MaxConn"), Some(-1));
    assert_eq!(stat("rhel5web_proc-net-snmp_1.txt", "Ip:InReceives"), Some(10_027_332_782));
    assert!(stat("datadog_proc-net-netstat_1.txt", "MPTcpExt:MPCapableSYNRX").is_some());
    assert_eq!(stat("d2000_proc-net-snmp_1.txt", "UdpLite:InDatagrams"), None);
    // netstat -s: the new and the old wording of the same kernel counter.
    let new = lines("rhcos-sos_netstat-s_1.txt");
    let opens = new.iter().find(|l| l.ends_with(b"active connection openings")).expect("line");
    let n: i128 = std::str::from_utf8(words(opens)[0]).expect("utf-8").parse().expect("number");
    assert_eq!(stat("rhcos-sos_netstat-s_1.txt", "Tcp:ActiveOpens"), Some(n));
    let old = lines("benchdemo-md_netstat-s_1.txt");
    let opens = old.iter().find(|l| l.ends_with(b"active connections openings")).expect("line");
    let n: i128 = std::str::from_utf8(words(opens)[0]).expect("utf-8").parse().expect("number");
    assert_eq!(stat("benchdemo-md_netstat-s_1.txt", "Tcp:ActiveOpens"), Some(n));
}

#[test]
fn interface_and_group_spot_values() {
    let (json, _) = views("myit-md_netstat-i_1.txt");
    let eth0 = json["data"].as_array().expect("rows").iter().find(|r| r["Iface"] == "eth0").expect("eth0").clone();
    assert_eq!(eth0["MTU"], "9001");
    assert_eq!(eth0["Flg"], "BMRU");
    // A header misaligned with its rows.
    let (json, _) = views("mrvw-md_netstat-i_1.txt");
    let lo = json["data"].as_array().expect("rows").iter().find(|r| r["Iface"] == "lo").expect("lo").clone();
    assert_eq!(
        (lo["MTU"].as_str(), lo["RX-OK"].as_str(), lo["Flg"].as_str()),
        (Some("65536"), Some("443"), Some("LRU"))
    );
    let (json, _) = views("rhcos-sos_netstat-W-agn_1.txt");
    let groups = json["data"].as_array().expect("rows");
    assert_eq!(groups.len(), 8);
    assert!(groups.iter().any(|r| r["interface"] == "eth0" && r["group"] == "ff02::1:ff2a:7582"));
    let (json, _) = views("myit-md_netstat-g_1.txt");
    assert!(json["data"].as_array().expect("rows").iter().any(|r| r["group"] == "all-systems.mcast.net"));
}

#[test]
fn the_command_line_search_finds_padded_values() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_netsift")).args(args).output().expect("run netsift");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).expect("JSON")
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/peer");
    let antp = dir.join("percona_netstat-antp_1.txt");
    let antp = antp.to_str().expect("utf-8");
    // The issue's command, word for word.
    let found = run(&["search", "-f", "netstat", antp, "PID/Program name=7615/mysqld"]);
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    assert_eq!(found[0]["PID/Program name"], "7615/mysqld");
    assert_eq!(found[0]["Local Address"], "127.0.0.1:3306");
    assert_eq!(run(&["search", antp, "PID/Program_name=7615/mysqld"]), found);
    let an = dir.join("redstar_netstat-an_1.txt");
    let found = run(&["search", an.to_str().expect("utf-8"), "State=TIME_WAIT"]);
    let time_wait = lines("redstar_netstat-an_1.txt").iter().filter(|l| l.ends_with(b"TIME_WAIT   ")).count();
    assert_eq!(found.as_array().map(Vec::len), Some(time_wait));
}
