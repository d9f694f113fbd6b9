//! `netsift report`: each section's numbers on real fixtures, checked by hand against the
//! fixtures' text (how, in the comments), and the notes on sources that disagree or are cut.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn netsift(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_netsift"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run netsift");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel).display().to_string()
}

fn report_json(args: &[&str], stdin: Option<&[u8]>) -> Value {
    let mut all = vec!["report", "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = netsift(&all, stdin);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("one JSON object")
}

fn state(conns: &Value, name: &str) -> u64 {
    conns["by_state"].as_array().unwrap().iter().find(|s| s["name"] == name).map_or(0, |s| s["count"].as_u64().unwrap())
}

fn counter<'v>(report: &'v Value, key: &str) -> &'v Value {
    report["counters"]["rows"].as_array().unwrap().iter().find(|r| r["counter"] == key).unwrap_or(&Value::Null)
}

fn notes(report: &Value) -> Vec<(String, String)> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["level"].as_str().unwrap().to_string(), n["text"].as_str().unwrap().to_string()))
        .collect()
}

/// The sosreport fixture: netstat -neopa (three copies), ss -peaonmi and -tupna, netstat -s,
/// /proc/net/netstat and snmp, netstat -agn (three copies).
#[test]
fn sosreport_sections_have_the_numbers_of_the_captures() {
    let r = report_json(&[&fixture("archives/sosreport-deb12.tar.xz")], None);
    // Every member netsift reads is a source: 2 /proc files, 3 -agn, 3 -neopa, netstat -s,
    // 2 ss (`tar tJvf` lists 11 such members, plus ip_-o_addr and etc/hostname, skipped).
    assert_eq!(r["sources"].as_array().unwrap().len(), 11);

    // Listeners, from captured/deb12_netstat-neopa.txt: `grep -c ' LISTEN '` gives 14 on the
    // internet table, and 9 udp/udp6 rows have no peer (0.0.0.0:* or :::*): 23. On all
    // addresses (0.0.0.0 or ::): tcp 2024, 40002, tcp6 40004, 40006, udp 40200, 40299,
    // udp6 40202, 40298: 8.
    let l = &r["listeners"];
    assert_eq!(l["count"], 23);
    assert_eq!(l["all_addresses"], 8);
    let ssh_like = l["rows"].as_array().unwrap().iter().find(|x| x["port"] == "40100").expect("port 40100");
    // `tcp 0 0 127.0.0.1:40100 … LISTEN 1500 … 5165/zoo unpriv`.
    assert_eq!((ssh_like["pid"].as_u64(), ssh_like["user"].as_str()), (Some(5165), Some("1500")));
    assert_eq!(ssh_like["all_addresses"], false);

    // Connections: the internet table has 73 rows; `grep -c ESTABLISHED` 37; TIME_WAIT 2
    // (a tcp and a tcp6 row); CLOSE_WAIT 2, both of pid 5157 on local port 40051; 14 rows
    // have a non-zero Recv-Q or Send-Q, the largest the Recv-Q 33425817 of
    // 127.0.0.1:40010 ← 127.0.0.1:46754.
    let c = &r["connections"];
    assert_eq!(c["total"], 73);
    assert_eq!(state(c, "ESTABLISHED"), 37);
    assert_eq!(state(c, "LISTEN"), 14);
    assert_eq!(c["time_wait"]["count"], 2);
    assert_eq!(c["close_wait"]["count"], 2);
    let close_wait = &c["close_wait"]["top"][0];
    assert!(close_wait["name"].as_str().unwrap().ends_with("(local port 40051)"), "{close_wait}");
    assert_eq!(close_wait["count"], 2);
    assert_eq!(c["nonzero_queues"], 14);
    assert_eq!(c["queues"][0]["recv_q"], 33_425_817);
    assert_eq!(c["queues"][0]["foreign"], "127.0.0.1:46754");

    // Counters, from captured/deb12_netstat-s.txt (`56 times the listen queue of a socket
    // overflowed`, `50 segments retransmitted`, `6844 segments sent out`), the same in
    // deb12_proc-net-netstat.txt and -snmp.txt (which agree with it, a note says).
    assert_eq!(counter(&r, "TcpExt:ListenOverflows")["value"], 56);
    assert_eq!(counter(&r, "TcpExt:ListenOverflows")["attention"], true);
    let rt = &r["counters"]["retransmission"];
    assert_eq!((rt["retrans_segs"].as_u64(), rt["out_segs"].as_u64()), (Some(50), Some(6844)));
    assert!((rt["percent"].as_f64().unwrap() - 50.0 * 100.0 / 6844.0).abs() < 1e-9);
    // Tcp:InErrs is printed as `0 bad segments received` in netstat -s: at zero.
    assert!(r["counters"]["zero"].as_array().unwrap().iter().any(|z| z == "Tcp:InErrs"));

    // One capture of everything: nothing to draw.
    assert!(r["states_over_time"].is_null() && r["counters_over_time"].is_null());
    assert!(r["interfaces"].as_array().unwrap().is_empty());
    let notes = notes(&r);
    assert!(notes.iter().any(|(_, t)| t.contains("ss_-tupna agree on TCP sockets")), "{notes:?}");
    assert!(notes.iter().any(|(_, t)| t.contains("no interface table")), "{notes:?}");
}

/// tests/fixtures/captured/deb12_periodic_netstat-s.txt: 24 `netstat -s` captures, one a
/// second, each after a `date -u` line.
#[test]
fn a_periodic_netstat_s_log_has_rates_per_interval_and_a_timeline() {
    let r = report_json(&[&fixture("captured/deb12_periodic_netstat-s.txt")], None);
    // `grep -c 'times the listen queue'` is 22: the first two captures do not print it
    // (netstat -s leaves out counters at zero). Its last value is 335, so it rose by 335
    // over 23 intervals; the largest step, from the awk in tests/fixtures/captured/README.md,
    // is 24, into capture 16 (10:23:29).
    let lo = counter(&r, "TcpExt:ListenOverflows");
    assert_eq!(lo["value"], 335);
    assert_eq!(lo["change"]["increase"], 335);
    assert_eq!(lo["change"]["intervals"], 23);
    assert_eq!(lo["change"]["max_per_interval"], 24);
    assert_eq!(lo["change"]["max_at"]["number"], 16);
    assert!(lo["change"]["max_at"]["time"].as_str().unwrap().contains("10:23:29"));
    assert!((lo["change"]["mean_per_interval"].as_f64().unwrap() - 335.0 / 23.0).abs() < 1e-9);
    // Retransmissions: 52 → 370 segments retransmitted, 261352 → 481555 segments sent out.
    let rt = &r["counters"]["retransmission"];
    let over_log = (370.0 - 52.0) * 100.0 / (481_555.0 - 261_352.0);
    assert!((rt["log_percent"].as_f64().unwrap() - over_log).abs() < 1e-9, "{rt}");
    // The timeline: one point per capture, with its time stamp.
    let t = &r["counters_over_time"];
    assert_eq!(t["captures"].as_array().unwrap().len(), 24);
    assert_eq!(t["times"][0], "Sun Dec  6 10:23:14 UTC 2026");
    let series = t["series"].as_array().unwrap();
    let lo_series = series.iter().find(|s| s["name"] == "TcpExt:ListenOverflows").expect("charted");
    // Absent (zero) in the first two captures, then 4: the increase since capture 1.
    assert_eq!(lo_series["values"][0], 0);
    assert_eq!(lo_series["values"][2], 4);
    assert_eq!(lo_series["values"][23], 335);
    // A counter that never moved is not charted (Ip:Forwarding is a level, 2 throughout).
    assert!(series.iter().all(|s| s["name"] != "Ip:Forwarding"));
    assert!(r["listeners"].is_null());
    assert!(notes(&r).iter().any(|(_, t)| t.contains("no socket table")));
}

#[test]
fn standard_input_is_read_without_a_file_and_with_dash() {
    let capture = std::fs::read(fixture("captured/deb12_netstat-neopa.txt")).unwrap();
    let from_file = report_json(&[&fixture("captured/deb12_netstat-neopa.txt")], None);
    for args in [&[][..], &["-"][..]] {
        let r = report_json(args, Some(&capture));
        assert_eq!(r["listeners"]["count"], from_file["listeners"]["count"]);
        assert_eq!(r["connections"]["total"], 73);
        assert_eq!(r["sources"][0]["name"], "<stdin>");
    }
    // An archive on standard input is read member by member.
    let archive = std::fs::read(fixture("archives/sosreport-deb12.tar.xz")).unwrap();
    let r = report_json(&["-"], Some(&archive));
    assert_eq!(r["sources"].as_array().unwrap().len(), 11);
}

#[test]
fn sources_that_disagree_are_noted() {
    // Two machines' captures side by side: deb12 netstat and r1 ss (other sockets), deb12
    // netstat -s and r1 /proc/net/netstat (other values).
    let r = report_json(
        &[
            &fixture("captured/deb12_netstat-neopa.txt"),
            &fixture("corpus/real/r1_ss-tupna.txt"),
            &fixture("captured/deb12_netstat-s.txt"),
            &fixture("corpus/real/r1_proc-net-netstat.txt"),
        ],
        None,
    );
    let notes = notes(&r);
    let warned = |what: &str| notes.iter().any(|(level, t)| level == "warning" && t.contains(what));
    assert!(warned("disagree on TCP sockets"), "{notes:?}");
    assert!(warned("shared counters (read at different moments)"), "{notes:?}");
    // The report describes netstat (it names programs), not ss.
    assert!(r["connections"]["source"].as_str().unwrap().ends_with("deb12_netstat-neopa.txt"));
}

/// A scratch directory under the target directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_member_cut_at_the_front_and_interface_errors_are_reported() {
    let scratch = Scratch::new("cut");
    let top = scratch.0.join("sosreport-x");
    let net = top.join("sos_commands/networking");
    std::fs::create_dir_all(&net).unwrap();
    // sosreport keeps the tail of an oversized output: cut inside a row.
    let capture = std::fs::read(fixture("captured/deb12_netstat-neopa.txt")).unwrap();
    std::fs::write(net.join("netstat_-neopa"), &capture[500..]).unwrap();
    // netstat -i with errors, drops and an overrun on eth0 (the real header and lo row).
    let iface = "Kernel Interface table\n\
        Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n\
        eth0             1400     1986      3     17 1          1898      0      2      0 BMRU\n\
        lo              65536     5574      0      0 0          5574      0      0      0 LRU\n";
    std::fs::write(net.join("netstat_-i"), iface).unwrap();
    let r = report_json(&[top.to_str().unwrap()], None);
    let cut = r["sources"].as_array().unwrap().iter().find(|s| s["name"] == "sos_commands/networking/netstat_-neopa");
    assert_eq!(cut.expect("the netstat member")["cut_front"], true);
    assert!(notes(&r).iter().any(|(l, t)| l == "warning" && t.contains("cut at the front")));
    let rows = r["interfaces"][0]["rows"].as_array().unwrap();
    assert_eq!(rows[0]["iface"], "eth0");
    assert_eq!(rows[0]["attention"], true);
    assert_eq!(rows[0]["stats"]["RX-DRP"], 17);
    assert_eq!(rows[1]["attention"], false);
}

#[test]
fn text_in_a_pipe_is_plain_with_every_section() {
    let (code, out, err) = netsift(&["report", &fixture("archives/sosreport-deb12.tar.xz")], None);
    assert_eq!(code, 0, "{err}");
    for heading in ["## Sources", "## Listeners", "## Connections", "## Counters that signal trouble", "## Notes"] {
        assert!(out.contains(heading), "no {heading}");
    }
    assert!(!out.contains('\x1b'), "colour in a pipe");
    // Aligned: every line of a table is as wide as its header line.
    let lines: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("## Listeners")).skip(2).collect();
    let width = lines[0].chars().count();
    let table: Vec<&&str> = lines.iter().take_while(|l| l.starts_with('|')).collect();
    assert!(table.len() > 20);
    assert!(table.iter().all(|l| l.chars().count() == width), "{table:#?}");
    // The meaning and name of each counter are printed.
    assert!(out.contains("TcpExt:ListenOverflows") && out.contains("accept queue was full"));
}

#[test]
fn html_is_written_to_the_file_given() {
    let scratch = Scratch::new("html");
    let page = scratch.0.join("out.html");
    let (code, out, err) =
        netsift(&["report", "--html", page.to_str().unwrap(), &fixture("captured/deb12_periodic_netstat-s.txt")], None);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    // No address to fetch anything from: no http(s) URL anywhere in the page.
    assert!(!html.contains("http://") && !html.contains("https://"));
    // One point per capture in each chart: 24 captures.
    let charts = html.matches("<figure class=\"chart").count();
    assert!(charts > 5);
    assert_eq!(html.matches("class=\"pt\"").count(), 24 * charts);
}
