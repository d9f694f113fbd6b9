//! Every command reads standard input without a file and with `-`, and gives the same
//! answer as with the file; `--table` prints the rows of `view` and `search` aligned, under
//! insights' column names.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn netsift(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_netsift"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run netsift");
    if let Some(input) = stdin {
        // A command may stop reading early (a closed pipe is its business, not ours).
        let _ = child.stdin.take().expect("stdin").write_all(input);
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

/// The same command on the file, then on standard input without a file and with `-`:
/// `before` are the arguments before the file, `after` those after it.
fn same_on_stdin(before: &[&str], file: &str, after: &[&str]) {
    let input = std::fs::read(file).unwrap();
    let with_file: Vec<&str> = before.iter().copied().chain([file]).chain(after.iter().copied()).collect();
    let (code, expected, err) = netsift(&with_file, None);
    assert_eq!(code, 0, "{with_file:?}: {err}");
    assert!(!expected.trim().is_empty());
    let dash: Vec<&str> = before.iter().copied().chain(["-"]).chain(after.iter().copied()).collect();
    let none: Vec<&str> = before.iter().copied().chain(after.iter().copied()).collect();
    for args in [dash, none] {
        let (code, out, err) = netsift(&args, Some(&input));
        assert_eq!(code, 0, "{args:?}: {err}");
        // The file's name may appear in the output (scan's summary): compare without it.
        assert_eq!(out.replace("<stdin>", "X").replace(file, "X"), expected.replace(file, "X"), "{args:?}");
    }
}

#[test]
fn view_reads_standard_input() {
    same_on_stdin(&["view"], &fixture("captured/deb12_netstat-neopa.txt"), &[]);
    same_on_stdin(&["view", "-f", "ss"], &fixture("captured/deb12_ss-tupna.txt"), &[]);
}

#[test]
fn search_reads_standard_input() {
    // The first word is a term (it holds `=`): the input is standard input.
    same_on_stdin(&["search"], &fixture("captured/deb12_netstat-neopa.txt"), &["State=LISTEN"]);
    same_on_stdin(&["search", "--local-port", "40001"], &fixture("captured/deb12_netstat-neopa.txt"), &[]);
}

#[test]
fn stat_reads_standard_input() {
    // The first word is a counter name (no `/` nor `.`, no such file): standard input.
    same_on_stdin(&["stat"], &fixture("captured/deb12_netstat-s.txt"), &["Tcp:RetransSegs", "ListenOverflows"]);
    let (code, out, _) = netsift(
        &["stat", "Tcp:RetransSegs"],
        Some(&std::fs::read(fixture("captured/deb12_proc-net-snmp.txt")).unwrap()),
    );
    assert_eq!((code, out.as_str()), (0, "{\"Tcp:RetransSegs\":50}\n"));
}

#[test]
fn count_and_events_read_standard_input() {
    same_on_stdin(&["count"], &fixture("captured/deb12_netstat-i.txt"), &[]);
    same_on_stdin(&["events"], &fixture("captured/deb12_netstat-agn.txt"), &[]);
}

#[test]
fn scan_reads_a_tar_stream_on_standard_input() {
    same_on_stdin(&["scan"], &fixture("archives/sosreport-deb12.tar.xz"), &[]);
}

#[test]
fn a_missing_file_is_still_an_error() {
    let (code, _, err) = netsift(&["view", "no/such/file.txt"], None);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.txt"), "{err}");
    let (code, _, err) = netsift(&["stat", "no-such-file.txt", "Tcp:RetransSegs"], None);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-file.txt"), "{err}");
}

/// The lines of the first table in `out` (Markdown-style in a pipe): header, rule, rows.
fn first_table(out: &str) -> Vec<&str> {
    out.lines().skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|')).collect()
}

fn cells(line: &str) -> Vec<String> {
    line.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect()
}

#[test]
fn view_table_has_the_insights_columns_aligned() {
    let (code, out, err) = netsift(&["view", "--table", &fixture("captured/deb12_netstat-neopa.txt")], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("## Active Internet connections (servers and established)\n"), "{out}");
    assert!(out.contains("## Active UNIX domain sockets (servers and established)"));
    let table = first_table(&out);
    assert_eq!(
        cells(table[0]),
        [
            "Proto",
            "Recv-Q",
            "Send-Q",
            "Local Address",
            "Foreign Address",
            "State",
            "User",
            "Inode",
            "PID/Program name",
            "Timer"
        ]
    );
    // 73 rows in the internet table (see tests/report.rs), each as wide as the header.
    assert_eq!(table.len(), 2 + 73);
    let width = table[0].chars().count();
    assert!(table.iter().all(|l| l.chars().count() == width));
    // The values as printed: the 25 MB Recv-Q row.
    assert!(table.iter().any(|l| cells(l)[1] == "33425817" && cells(l)[3] == "127.0.0.1:40010"));
}

#[test]
fn table_for_ss_interfaces_and_memberships() {
    let (code, out, _) = netsift(&["view", "--table", &fixture("captured/deb12_ss-tupna.txt")], None);
    assert_eq!(code, 0);
    let table = first_table(&out);
    assert_eq!(
        cells(table[0]),
        ["Netid", "State", "Recv-Q", "Send-Q", "Local-Address-Port", "Peer-Address-Port", "Process"]
    );
    // `ss -tupna` printed 69 sockets (`netsift count` says 69 ss_socket).
    assert_eq!(table.len(), 2 + 69);

    let (code, out, _) = netsift(&["view", "--table", &fixture("captured/deb12_netstat-i.txt")], None);
    assert_eq!(code, 0);
    let table = first_table(&out);
    assert_eq!(cells(table[0])[..3], ["Iface", "MTU", "RX-OK"]);
    assert_eq!(cells(table[2])[..2], ["eth0", "1400"]);

    let (code, out, _) = netsift(&["view", "--table", &fixture("captured/deb12_netstat-agn.txt")], None);
    assert_eq!(code, 0);
    assert_eq!(cells(first_table(&out)[0]), ["interface", "refcnt", "group"]);

    // Counters are no table: a clear usage error.
    let (code, _, err) = netsift(&["view", "--table", &fixture("captured/deb12_netstat-s.txt")], None);
    assert_eq!(code, 2);
    assert!(err.contains("--table"), "{err}");
}

#[test]
fn table_with_every_capture_numbers_them() {
    let (code, out, _) =
        netsift(&["view", "--table", "--capture", "all", &fixture("captured/deb12_periodic_netstat-neopa.txt")], None);
    assert_eq!(code, 0);
    for n in 1..=3 {
        assert!(out.contains(&format!("## Active Internet connections (servers and established) (capture {n})")));
    }
}

#[test]
fn search_table_shows_the_matching_rows() {
    let file = fixture("captured/deb12_netstat-neopa.txt");
    let (code, json, _) = netsift(&["search", &file, "State=LISTEN"], None);
    assert_eq!(code, 0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let (code, out, _) = netsift(&["search", "--table", &file, "State=LISTEN"], None);
    assert_eq!(code, 0);
    let table = first_table(&out);
    assert_eq!(table.len(), 2 + rows.len());
    assert_eq!(rows.len(), 14);
    let head = cells(table[0]);
    let state = head.iter().position(|c| c == "State").expect("a State column");
    assert!(table[2..].iter().all(|l| cells(l)[state] == "LISTEN"));
}
