//! Compressed input and archives through the `netsift` command: xz/gzip/zstd give the plain
//! file's events; `scan` finds and parses the members of sosreport and insights archives
//! built from real captures; `--member` reads one member.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn netsift(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_netsift")).args(args).output().expect("run netsift");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap()
}

/// A fresh folder for one test, removed with what it holds when the test ends.
fn temp_dir(test: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("netsift-archive-{test}-")).tempdir().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 6);
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).unwrap()
}

/// JSON text with netsift's lone-surrogate escapes made readable for serde_json.
fn json(line: &str) -> serde_json::Value {
    serde_json::from_str(&line.replace("\\udc", "\\u00")).unwrap()
}

#[test]
fn gz_zst_and_xz_give_exactly_the_plain_events() {
    for capture in
        ["captured/deb12_netstat-neopa.txt", "corpus/real/r1_ss-tupna.txt", "corpus/real/r1_netstat-neopa.txt"]
    {
        let plain = read(capture);
        let (code, expected, _) = netsift(&["events", fixture(capture).to_str().unwrap()]);
        assert_eq!(code, 0);
        assert!(expected.lines().count() > 50);
        let (a, b) = plain.split_at(plain.len() / 3);
        let scratch = temp_dir("compressed");
        let dir = scratch.path();
        // Names that say nothing: the bytes tell. xz and gzip also as two streams.
        for (name, bytes) in [
            ("a.gz", gzip(&plain)),
            ("b.zst", zstd(&plain)),
            ("c.xz", xz(&plain)),
            ("d", [xz(a), xz(b)].concat()),
            ("e", [gzip(a), gzip(b)].concat()),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            let (code, out, err) = netsift(&["events", path.to_str().unwrap()]);
            assert_eq!((code, err.as_str()), (0, ""), "{capture} as {name}");
            assert!(out == expected, "{capture} as {name}: events differ from the plain file's");
        }
    }
}

#[test]
fn a_truncated_xz_keeps_what_it_decoded_then_fails() {
    let plain = read("corpus/real/r1_netstat-neopa.txt");
    let compressed = xz(&plain);
    let scratch = temp_dir("cut-xz");
    let dir = scratch.path();
    let path = dir.join("cut.xz");
    std::fs::write(&path, &compressed[..compressed.len() * 2 / 3]).unwrap();
    let (code, out, err) = netsift(&["events", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("xz stream broken after"), "{err}");
    let rows = out.lines().filter(|l| l.contains("\"kind\":\"inet_conn\"")).count();
    assert!(rows > 100, "only {rows} rows before the damage");
    // Every event before the damage is the plain file's.
    let (_, whole, _) = netsift(&["events", fixture("corpus/real/r1_netstat-neopa.txt").to_str().unwrap()]);
    let decoded: Vec<&str> = out.lines().collect();
    let last = decoded.len() - 1; // the last row may be cut by the damage
    assert_eq!(decoded[..last], whole.lines().collect::<Vec<_>>()[..last]);
}

/// Where the front of `netstat_-T_-neopa` is cut, inside a line of r1_netstat-neopa.txt.
const CUT_AT: usize = 12_345;

/// A member of a built archive: its path under the top directory, the capture it holds
/// (`None`: an unrelated file), and the format to read the capture with.
struct Spec {
    path: &'static str,
    capture: Option<&'static str>,
    format: &'static str,
}

const fn member(path: &'static str, capture: &'static str, format: &'static str) -> Spec {
    Spec { path, capture: Some(capture), format }
}

const fn unrelated(path: &'static str) -> Spec {
    Spec { path, capture: None, format: "" }
}

/// A sosreport: every networking output the scanner knows, one cut at the front, one
/// found by sniffing, and unrelated files.
const SOSREPORT: &[Spec] = &[
    unrelated("etc/hostname"),
    unrelated("sos_commands/networking/ip_-o_addr"),
    member("sos_commands/networking/netstat_-W_-agn", "corpus/real/r1_netstat-agn.txt", "netstat-agn"),
    member("sos_commands/networking/netstat_-W_-neopa", "captured/deb12_netstat-W-neopa.txt", "netstat"),
    member("sos_commands/networking/netstat_-T_-agn", "captured/deb12_netstat-agn.txt", "netstat-agn"),
    member("sos_commands/networking/netstat_-T_-neopa", "corpus/real/r1_netstat-neopa.txt", "netstat"),
    member("sos_commands/networking/netstat_-agn", "captured/deb12_netstat-agn.txt", "netstat-agn"),
    member("sos_commands/networking/netstat_-neopa", "captured/deb12_netstat-neopa.txt", "netstat"),
    member("sos_commands/networking/netstat_-s", "corpus/real/r1_netstat-s.txt", "netstat-s"),
    member("sos_commands/networking/netstat_-W_-i", "captured/deb12_netstat-i.txt", "auto"),
    member("sos_commands/networking/ss_-peaonmi", "captured/deb12_ss-peaonmi.txt", "ss"),
    member("sos_commands/networking/ss_-tupna", "corpus/real/r1_ss-tupna.txt", "ss"),
    member("proc/net/netstat", "corpus/real/r1_proc-net-netstat.txt", "proc-netstat"),
    member("proc/net/snmp", "captured/deb12_proc-net-snmp.txt", "proc-netstat"),
    // The kernel's socket tables, copied with the rest of /proc/net/.
    member("proc/net/tcp", "corpus/kernel/r1_proc_net_tcp", "proc-net-tcp"),
    member("proc/net/tcp6", "corpus/kernel/r1_proc_net_tcp6", "proc-net-tcp6"),
    member("proc/net/udp", "corpus/kernel/r1_proc_net_udp", "proc-net-udp"),
    member("proc/net/udp6", "corpus/kernel/r1_proc_net_udp6", "proc-net-udp6"),
    member("proc/net/udplite", "corpus/kernel/r1_proc_net_udplite", "proc-net-udplite"),
    member("proc/net/udplite6", "corpus/kernel/r1_proc_net_udplite6", "proc-net-udplite6"),
    member("proc/net/raw", "corpus/kernel/r1_proc_net_raw", "proc-net-raw"),
    member("proc/net/raw6", "corpus/kernel/r1_proc_net_raw6", "proc-net-raw6"),
    member("proc/net/unix", "corpus/kernel/r1_proc_net_unix", "proc-net-unix"),
    unrelated("proc/net/route"),
    // Issue 13, counters.
    member("sos_commands/networking/nstat_-zas", "captured/deb12_nstat-zas.txt", "nstat"),
    member("proc/net/snmp6", "captured/deb12_proc-net-snmp6.txt", "proc-snmp6"),
    member("proc/net/sockstat", "captured/deb12_proc-net-sockstat.txt", "sockstat"),
    member("proc/net/sockstat6", "captured/deb12_proc-net-sockstat6.txt", "sockstat"),
    member("proc/net/dev", "captured/deb12_proc-net-dev.txt", "proc-net-dev"),
    unrelated("sos_logs/sos.log"),
];

/// An insights archive: commands named with and without their path.
const INSIGHTS: &[Spec] = &[
    unrelated("insights_commands/hostname"),
    member("insights_commands/bin.netstat_-neopa", "corpus/real/r1_netstat-neopa.txt", "netstat"),
    member("insights_commands/netstat_-i", "corpus/real/r1_netstat-i.txt", "netstat-i"),
    member("insights_commands/netstat_-s", "captured/deb12_netstat-s.txt", "netstat-s"),
    member("insights_commands/ss_-tupna", "captured/deb12_ss-tupna.txt", "ss"),
    member("insights_commands/usr.sbin.ss_-tulpn", "corpus/real/r1_ss-tulpn.txt", "ss-tulpn"),
    member("proc/net/netstat", "captured/deb12_proc-net-netstat.txt", "proc-netstat"),
    // Issue 13, counters.
    member("proc/net/snmp6", "captured/deb12_zoo_proc-net-snmp6.txt", "proc-snmp6"),
    member("proc/net/sockstat", "captured/deb12_zoo_proc-net-sockstat.txt", "sockstat"),
];

/// The bytes of a member as the archive holds them.
fn content(spec: &Spec) -> Vec<u8> {
    match spec.capture {
        None => format!("not a capture: {}\n", spec.path).into_bytes(),
        Some(capture) if spec.path.ends_with("netstat_-T_-neopa") => read(capture)[CUT_AT..].to_vec(),
        Some(capture) => read(capture),
    }
}

/// A tar of `specs` under `top/`, written by the `tar` crate, with a symbolic link at the
/// top as sosreport makes.
fn build_tar(top: &str, specs: &[Spec]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for spec in specs {
        let data = content(spec);
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, format!("{top}/{}", spec.path), &data[..]).unwrap();
    }
    let mut link = tar::Header::new_ustar();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    builder.append_link(&mut link, format!("{top}/netstat"), "sos_commands/networking/netstat_-neopa").unwrap();
    builder.into_inner().unwrap()
}

/// The same members unpacked under `dir/top`.
fn build_dir(dir: &Path, top: &str, specs: &[Spec]) -> PathBuf {
    let root = dir.join(top);
    for spec in specs {
        let path = root.join(spec.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content(spec)).unwrap();
    }
    root
}

/// `scan`'s output split into each member's event lines (without the member tag) and the
/// summary line.
fn scan(archive: &Path) -> (Vec<(String, Vec<String>)>, serde_json::Value) {
    let (code, out, err) = netsift(&["scan", archive.to_str().unwrap()]);
    assert_eq!(code, 0, "{}: {err}", archive.display());
    assert_eq!(err, "", "no bar and no message when stderr is not a terminal");
    let mut lines: Vec<&str> = out.lines().collect();
    let summary = json(lines.pop().unwrap());
    assert_eq!(summary["kind"], "scan_summary");
    let mut members: Vec<(String, Vec<String>)> = Vec::new();
    for line in lines {
        let tag_at = line.rfind(",\"member\":").unwrap();
        let member = json(line)["member"].as_str().unwrap().to_string();
        let event = format!("{}}}", &line[..tag_at]);
        match members.last_mut() {
            Some((m, events)) if *m == member => events.push(event),
            _ => members.push((member, vec![event])),
        }
    }
    (members, summary)
}

/// Check a scan against the plain captures: every member found, in archive order, each
/// with exactly the events of its plain capture (the cut member: the rows after the cut).
fn check_scan(archive: &Path, top: &str, specs: &[Spec]) {
    let (members, summary) = scan(archive);
    let mut wanted: Vec<&Spec> = specs.iter().filter(|s| s.capture.is_some()).collect();
    if archive.is_dir() {
        // A directory is read in path order, a tar in archive order.
        wanted.sort_by_key(|s| s.path);
    }
    let names: Vec<String> = members.iter().map(|(m, _)| m.clone()).collect();
    let expected_names: Vec<String> = wanted.iter().map(|s| format!("{top}/{}", s.path)).collect();
    assert_eq!(names, expected_names, "{}", archive.display());
    let listed = summary["members"].as_array().unwrap();
    assert_eq!(listed.len(), wanted.len());
    assert_eq!(summary["skipped"], specs.len() - wanted.len(), "files only: links are not members");
    for ((name, events), (spec, listed)) in members.iter().zip(wanted.iter().zip(listed)) {
        let capture = fixture(spec.capture.unwrap());
        let (_, plain, _) = netsift(&["events", "-f", spec.format, capture.to_str().unwrap()]);
        let plain: Vec<String> = plain.lines().map(str::to_string).collect();
        let rows = |events: &[String]| -> Vec<String> {
            events
                .iter()
                .map(|e| json(e))
                .filter(|e| !matches!(e["kind"].as_str(), Some("section" | "notice" | "malformed")))
                .map(|e| e["raw"].to_string())
                .collect()
        };
        assert_eq!(listed["member"], name.as_str());
        assert_eq!(listed["format"], if spec.format == "auto" { "auto" } else { spec.format });
        assert_eq!(listed["table"], true, "{name}");
        if spec.path.ends_with("netstat_-T_-neopa") {
            // The rows of the lines after the cut one, and the cut line reported.
            let from =
                CUT_AT as u64 + read(spec.capture.unwrap())[CUT_AT..].iter().position(|&b| b == b'\n').unwrap() as u64;
            let after: Vec<String> =
                plain.iter().filter(|e| json(e)["offset"].as_u64().unwrap() > from).cloned().collect();
            assert!(rows(&after).len() > 50);
            assert_eq!(rows(events), rows(&after), "{name}");
            let first = json(&events[0]);
            assert_eq!(first["kind"], "malformed");
            assert!(first["reason"].as_str().unwrap().contains("front was cut off"), "{first}");
            assert_eq!((listed["cut_front"].as_bool(), listed["malformed"].as_u64()), (Some(true), Some(0)));
            assert_eq!(listed["rows"].as_u64().unwrap() as usize, rows(events).len(), "{name}");
        } else {
            assert!(events == &plain, "{name}: events differ from those of {}", spec.capture.unwrap());
            assert_eq!(listed["cut_front"], false);
            // The summary's rows are row lines, as `count` says (a /proc values line holds
            // many counters).
            let (_, count, _) = netsift(&["count", "-f", spec.format, capture.to_str().unwrap()]);
            assert_eq!(listed["rows"], json(&count)["lines"]["rows"], "{name}");
            assert_eq!(listed["lines"], json(&count)["lines"]["total"], "{name}");
        }
    }
}

#[test]
fn scan_finds_and_parses_every_member_of_a_sosreport() {
    let top = "sosreport-web1-2024-01-01-abcdef";
    let tar = build_tar(top, SOSREPORT);
    let scratch = temp_dir("sosreport");
    let dir = scratch.path();
    for (name, bytes) in [
        ("sos.tar", tar.clone()),
        ("sos.tar.gz", gzip(&tar)),
        ("sos.tar.zst", zstd(&tar)),
        ("sos.tar.xz", xz(&tar)),
        ("no-name", xz(&tar)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        check_scan(&path, top, SOSREPORT);
    }
    // Unpacked: the same members, the same events.
    let unpacked = build_dir(&dir.join("unpacked"), top, SOSREPORT);
    check_scan(&unpacked, top, SOSREPORT);
    let (mut from_tar, _) = scan(&dir.join("sos.tar.xz"));
    let (from_dir, _) = scan(&unpacked);
    from_tar.sort();
    assert!(from_tar == from_dir);
}

#[test]
fn scan_reads_an_insights_archive() {
    let top = "insights-web1-20240101120000";
    let scratch = temp_dir("insights");
    let dir = scratch.path();
    let path = dir.join("insights.tar.gz");
    std::fs::write(&path, gzip(&build_tar(top, INSIGHTS))).unwrap();
    check_scan(&path, top, INSIGHTS);
}

#[test]
fn scan_reads_an_archive_made_by_tar_and_xz() {
    // tests/fixtures/archives/README.md tells how it was made.
    let archive = fixture("archives/sosreport-deb12.tar.xz");
    let (members, summary) = scan(&archive);
    let top = "sosreport-deb12-2024-01-01-abcdef";
    // Every sosreport member netsift reads (see tests/fixtures/archives/README.md).
    let expect = [
        ("sos_commands/networking/netstat_-neopa", "captured/deb12_netstat-neopa.txt", "netstat"),
        ("sos_commands/networking/netstat_-W_-neopa", "captured/deb12_netstat-W-neopa.txt", "netstat"),
        ("sos_commands/networking/netstat_-T_-neopa", "captured/deb12_netstat-W-neopa.txt", "netstat"),
        ("sos_commands/networking/netstat_-agn", "captured/deb12_netstat-agn.txt", "netstat-agn"),
        ("sos_commands/networking/netstat_-W_-agn", "captured/deb12_netstat-agn.txt", "netstat-agn"),
        ("sos_commands/networking/netstat_-T_-agn", "captured/deb12_netstat-agn.txt", "netstat-agn"),
        ("sos_commands/networking/netstat_-s", "captured/deb12_netstat-s.txt", "netstat-s"),
        ("sos_commands/networking/ss_-peaonmi", "captured/deb12_ss-peaonmi.txt", "ss"),
        ("sos_commands/networking/ss_-tupna", "captured/deb12_ss-tupna.txt", "ss"),
        ("proc/net/netstat", "captured/deb12_proc-net-netstat.txt", "proc-netstat"),
        ("proc/net/snmp", "captured/deb12_proc-net-snmp.txt", "proc-netstat"),
    ];
    assert_eq!(members.len(), expect.len(), "{summary}");
    for (path, capture, format) in expect {
        let name = format!("{top}/{path}");
        let (_, events) = members.iter().find(|(m, _)| *m == name).unwrap_or_else(|| panic!("{name} not found"));
        let (_, plain, _) = netsift(&["events", "-f", format, fixture(capture).to_str().unwrap()]);
        assert!(*events == plain.lines().map(str::to_string).collect::<Vec<_>>(), "{name}");
    }
    assert_eq!(summary["skipped"], 2, "etc/hostname and ip_-o_addr");
}

#[test]
fn member_answers_view_and_search_from_one_member() {
    let top = "sosreport-web1-2024-01-01-abcdef";
    let scratch = temp_dir("member");
    let dir = scratch.path();
    let archive = dir.join("sos.tar.xz");
    std::fs::write(&archive, xz(&build_tar(top, SOSREPORT))).unwrap();
    let archive = archive.to_str().unwrap();
    let unpacked = build_dir(&dir.join("unpacked"), top, SOSREPORT);
    let neopa = fixture("captured/deb12_netstat-neopa.txt");
    let ss = fixture("corpus/real/r1_ss-tupna.txt");
    for from in [archive, unpacked.to_str().unwrap()] {
        // The whole path, or without the top directory.
        for member in
            [format!("{top}/sos_commands/networking/netstat_-neopa"), "sos_commands/networking/netstat_-neopa".into()]
        {
            let (code, out, err) = netsift(&["view", "--member", &member, from]);
            assert_eq!((code, err.as_str()), (0, ""));
            assert_eq!(out, netsift(&["view", neopa.to_str().unwrap()]).1);
            let (code, out, _) = netsift(&["search", "--member", &member, from, "State=LISTEN"]);
            assert_eq!(code, 0);
            assert_eq!(out, netsift(&["search", neopa.to_str().unwrap(), "State=LISTEN"]).1);
            assert!(json(&out).as_array().unwrap().len() > 5);
        }
        let member = "sos_commands/networking/ss_-tupna";
        let (code, out, _) = netsift(&["search", "--member", member, from, "--local-port", "22"]);
        assert_eq!(code, 0);
        assert_eq!(out, netsift(&["search", "-f", "ss", ss.to_str().unwrap(), "--local-port", "22"]).1);
        let (code, out, _) = netsift(&["stat", "--member", "proc/net/snmp", from, "Tcp:ActiveOpens"]);
        assert_eq!((code, json(&out)["Tcp:ActiveOpens"].as_u64()), (0, Some(99)));
        let (code, _, err) = netsift(&["view", "--member", "sos_commands/networking/nope", from]);
        assert_eq!(code, 2);
        assert!(err.contains("no member `sos_commands/networking/nope`"), "{err}");
    }
    // The cut member: the rows after the cut, and no error.
    let (code, out, _) = netsift(&["view", "--member", "sos_commands/networking/netstat_-T_-neopa", archive]);
    assert_eq!(code, 0);
    let view = json(&out);
    let rows: usize = view["datalist"].as_object().unwrap().values().map(|t| t.as_array().unwrap().len()).sum();
    let (_, full, _) = netsift(&["count", fixture("corpus/real/r1_netstat-neopa.txt").to_str().unwrap()]);
    let full = json(&full)["lines"]["rows"].as_u64().unwrap() as usize;
    assert!(rows > 150 && rows < full, "{rows} of {full} rows after the cut");
}

#[test]
fn archives_and_inputs_are_told_apart() {
    let scratch = temp_dir("apart");
    let dir = scratch.path();
    let archive = dir.join("sos.tar.gz");
    std::fs::write(&archive, gzip(&build_tar("sosreport-x", SOSREPORT))).unwrap();
    let (code, _, err) = netsift(&["view", archive.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("is a tar archive"), "{err}");
    let capture = fixture("captured/deb12_netstat-neopa.txt");
    let (code, _, err) = netsift(&["scan", capture.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not a tar archive"), "{err}");
    // An archive with nothing netsift reads.
    let empty = dir.join("empty.tar");
    std::fs::write(&empty, build_tar("sosreport-x", &[unrelated("etc/hostname")])).unwrap();
    let (code, _, err) = netsift(&["scan", empty.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no member holds an output netsift reads"), "{err}");
    // A broken archive: the members before the damage, then an error.
    let compressed = xz(&build_tar("sosreport-x", SOSREPORT));
    let broken = dir.join("broken.tar.xz");
    std::fs::write(&broken, &compressed[..compressed.len() / 2]).unwrap();
    let (code, out, err) = netsift(&["scan", broken.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("xz"), "{err}");
    assert!(out.lines().filter(|l| l.contains("\"kind\":\"inet_conn\"")).count() > 100);
}
