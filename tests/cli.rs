//! The `netsift` command as a user runs it: output contracts, errors and exit codes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn netsift(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_netsift")).args(args).output().expect("run netsift");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel).display().to_string()
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/netstat-neopa.txt").display().to_string()
}

#[test]
fn view_is_one_json_object_with_the_insights_names() {
    let (code, out, _) = netsift(&["view", &example()]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out.replace("\\udc", "\\u00")).expect("JSON");
    for key in ["data", "datalist", "lines", "running_processes", "listening_pid"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let inet = "Active Internet connections (servers and established)";
    assert_eq!(v["datalist"][inet].as_array().unwrap().len(), 237);
    assert_eq!(v["listening_pid"]["9064"]["port"], "34645");
}

#[test]
fn non_utf8_bytes_are_surrogate_escapes() {
    let (_, out, _) = netsift(&["events", &example()]);
    // 'zoo-ünicode-' cut before the second byte of 'π': the lone 0xCF byte.
    assert!(out.contains(r#""program":"zoo-ünicode-\udccf""#), "surrogate escape missing");
    assert!(out.contains(r#"zoo-bad-\udcff\udcfe-utf8.sock"#));
}

#[test]
fn events_are_json_lines_with_position_and_capture() {
    let (code, out, _) = netsift(&["events", &example()]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2 + 237 + 56);
    let first: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(first["kind"], "inet_conn");
    assert_eq!(first["line"], 3);
    assert_eq!(first["offset"], 183);
    assert_eq!(first["capture"], 1);
    assert_eq!(first["local"]["port"], 40211);
    assert_eq!(first["foreign"]["port"], "*");
}

#[test]
fn count_accounts_for_every_line() {
    let (code, out, _) = netsift(&["count", &example()]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["section"].as_u64(), v["inet_conn"].as_u64(), v["unix_socket"].as_u64()),
        (Some(2), Some(237), Some(56))
    );
    let l = &v["lines"];
    let parts: u64 = ["rows", "titles", "headers", "notices", "blank", "skipped", "continuations", "malformed"]
        .iter()
        .map(|k| l[k].as_u64().unwrap())
        .sum();
    assert_eq!(parts, l["total"].as_u64().unwrap());
    assert_eq!(l["total"], 297);
}

#[test]
fn search_terms_and_sections() {
    let (code, out, _) = netsift(&["search", &example(), "State=LISTEN", "Program_name=zoo.conf"]);
    assert_eq!(code, 0);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["Local Address"], "127.0.0.1:43049");
    let (_, out, _) =
        netsift(&["search", &example(), "--section", "unix", "State=LISTENING", "Path__startswith=@zoo-child"]);
    // serde_json refuses lone surrogates; map them to plain escapes for this check.
    let rows: serde_json::Value = serde_json::from_str(&out.replace("\\udc", "\\u00")).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 8);
    let (_, out, _) = netsift(&["search", &example(), "--local-port", "34645"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(rows.as_array().unwrap().iter().all(|r| r["Port"] == "34645"));
    let (code, _, err) = netsift(&["search", &example(), "nonsense"]);
    assert_eq!(code, 2);
    assert!(err.contains("has no `=`"), "{err}");
}

#[test]
fn strict_reports_like_a_compiler() {
    let file = fixture("corpus/real/v_r1_netstat-neopa_truncated.txt");
    let (code, out, err) = netsift(&["view", "--strict", &file]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    let mut lines = err.lines();
    assert_eq!(lines.next().unwrap(), format!("{file}:113:45: error: expected an address:port"));
    assert_eq!(lines.next().unwrap(), "    tcp        0      0 127.0.0.1:33242         127");
    assert_eq!(lines.next().unwrap(), format!("    {}^", " ".repeat(44)));
    // Without --strict: the view, and a one-line summary.
    let (code, out, err) = netsift(&["view", &file]);
    assert_eq!(code, 0);
    assert!(out.starts_with('{'));
    assert_eq!(err.trim(), format!("netsift: 1 malformed line (first: {file}:113:45: expected an address:port)"));
}

#[test]
fn input_errors_exit_2() {
    let (code, _, err) = netsift(&["view", "/nonexistent/netsift-input"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/netsift-input"), "{err}");
    let dir = env!("CARGO_MANIFEST_DIR");
    let (code, _, err) = netsift(&["count", dir]);
    assert_eq!(code, 2);
    assert!(err.contains("is a directory"), "{err}");
    let (code, _, err) = netsift(&["view", &fixture("insights/fixtures/empty.txt")]);
    assert_eq!(code, 2);
    let tried = format!("no recognisable table (tried: {})", netsift::Format::DETECTABLE.join(", "));
    assert!(
        err.contains(&tried) && tried.contains("netstat, ss, netstat-s, proc-netstat, netstat-i, netstat-agn"),
        "{err}"
    );
    // The kernel's socket tables are tried too.
    assert!(err.contains("proc-net-tcp…, proc-net-unix"), "{err}");
    let (code, _, _) = netsift(&["view", "-f", "bogus", &example()]);
    assert_eq!(code, 2);
}

#[test]
fn stdin_and_capture_selection() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_netsift"))
        .args(["count"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read(example()).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["inet_conn"], 237);
    let (code, _, err) = netsift(&["view", "--capture", "2", &example()]);
    assert_eq!(code, 2);
    assert!(err.contains("no capture 2"), "{err}");
    let (code, out, _) = netsift(&["view", "--capture", "all", &example()]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out.replace("\\udc", "\\u00")).unwrap();
    assert_eq!(v["captures"].as_array().unwrap().len(), 1);
}

#[test]
fn view_of_capture_n_stops_reading_after_it() {
    // Captures 1 and 2 are whole; capture 3 holds a line that --strict stops at. `view
    // --capture 1` describes capture 1 without reading on; `--capture 3` and `last` read
    // the bad line and fail.
    let dir = std::env::temp_dir().join(format!("netsift-capture-n-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let capture = std::fs::read(fixture("corpus/real/r1_netstat-s.txt")).unwrap();
    let broken = [&capture[..], &capture[..], b"Tcp:\n    this line is no counter at all\n"].concat();
    let path = dir.join("periodic.txt");
    std::fs::write(&path, broken).unwrap();
    let path = path.display().to_string();
    let (code, out, err) = netsift(&["view", "--strict", "-f", "netstat-s", "--capture", "1", &path]);
    assert_eq!(code, 0, "{err}");
    let (_, whole, _) = netsift(&["view", "-f", "netstat-s", &fixture("corpus/real/r1_netstat-s.txt")]);
    assert_eq!(out, whole, "capture 1 is the fixture's only capture");
    for select in ["3", "last"] {
        let (code, _, err) = netsift(&["view", "--strict", "-f", "netstat-s", "--capture", select, &path]);
        assert_eq!(code, 2, "--capture {select}: {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // A big input whose events overflow the pipe, read by a reader that stops at once.
    let dir = std::env::temp_dir().join(format!("netsift-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.txt");
    let one = std::fs::read(example()).unwrap();
    let mut f = std::fs::File::create(&big).unwrap();
    for _ in 0..200 {
        f.write_all(&one).unwrap();
    }
    drop(f);
    let mut child = Command::new(env!("CARGO_BIN_EXE_netsift"))
        .args(["events", big.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A file holding `bytes`, its name ending in `name` (so its extension), removed when
/// the test drops it.
fn temp_file(name: &str, bytes: &[u8]) -> tempfile::TempPath {
    let mut file = tempfile::Builder::new().prefix("netsift-cli-").suffix(&format!("-{name}")).tempfile().unwrap();
    file.write_all(bytes).unwrap();
    file.into_temp_path()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap();
    out
}

#[test]
fn compressed_inputs_are_recognised_by_their_bytes() {
    let plain = std::fs::read(example()).unwrap();
    let (half_a, half_b) = plain.split_at(plain.len() / 2);
    // Two gzip members, as `cat a.gz b.gz` makes, under a name that says nothing.
    let multi = [gzip(half_a), gzip(half_b)].concat();
    let zst = zstd::encode_all(&plain[..], 3).unwrap();
    for (name, bytes) in [("capture.log", multi), ("capture.bin", zst)] {
        let path = temp_file(name, &bytes);
        let (code, out, err) = netsift(&["count", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!((v["inet_conn"].as_u64(), v["unix_socket"].as_u64()), (Some(237), Some(56)), "{name}");
    }
}

#[test]
fn a_truncated_gzip_keeps_what_it_decoded_then_fails() {
    let plain = std::fs::read(example()).unwrap();
    let gz = gzip(&plain);
    let path = temp_file("cut.gz", &gz[..gz.len() * 2 / 3]);
    let (code, out, err) = netsift(&["events", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("gzip stream broken after"), "{err}");
    let rows = out.lines().filter(|l| l.contains("\"kind\":\"inet_conn\"")).count();
    assert!(rows > 100, "only {rows} rows before the damage");
}

#[test]
fn stat_reads_proc_files_and_netstat_s_alike() {
    let snmp = fixture("captured/deb12_proc-net-snmp.txt");
    let (code, out, _) = netsift(&["stat", &snmp, "Tcp:ActiveOpens", "Tcp:MaxConn", "Forwarding", "NoSuchCounter"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["Tcp:ActiveOpens"], 99);
    assert_eq!(v["Tcp:MaxConn"], -1);
    assert_eq!(v["Forwarding"], 2, "a bare name: the first two pairs, as insights' get_stats");
    assert!(v["NoSuchCounter"].is_null());
    // The same counter through netstat -s's sentence `99 active connection openings`.
    let s = fixture("captured/deb12_netstat-s.txt");
    let (code, out, _) = netsift(&["stat", &s, "Tcp:ActiveOpens", "DelayedACKLost"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["Tcp:ActiveOpens"].as_i64(), v["DelayedACKLost"].as_i64()), (Some(99), Some(1)));
}

#[test]
fn view_picks_the_format_found() {
    let (code, out, _) = netsift(&["view", &fixture("corpus/real/r1_netstat-s.txt")]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["data"]["tcp"]["active_connection_openings"], "236");
    let (_, out, _) = netsift(&["view", &fixture("corpus/real/r1_netstat-agn.txt")]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["group_by_iface"]["eth0"].as_array().unwrap().len(), 6);
    // Two formats in one file: one object per format.
    let mut both = std::fs::read(fixture("corpus/real/r1_netstat-i.txt")).unwrap();
    both.extend(std::fs::read(fixture("corpus/real/r1_netstat-agn.txt")).unwrap());
    let path = temp_file("both.txt", &both);
    let (code, out, _) = netsift(&["view", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["netstat-i"]["data"].as_array().unwrap().len(), 2);
    assert_eq!(v["netstat-agn"]["data"].as_array().unwrap().len(), 18);
}

#[test]
fn many_files_on_many_cores_give_the_same_output_as_one_by_one() {
    // Large and small files of every format, a malformed line, and a missing file.
    let big = temp_file("big-netstat.txt", &std::fs::read(example()).unwrap().repeat(40));
    let files = [
        big.display().to_string(),
        fixture("corpus/real/r1_ss-tupna.txt"),
        fixture("corpus/real/r1_netstat-s.txt"),
        fixture("corpus/real/r1_proc-net-netstat.txt"),
        fixture("corpus/real/r1_netstat-i.txt"),
        fixture("captured/deb12_de_netstat-neopa.txt"),
        fixture("insights/fixtures/netstat-neopa-error-line-only.txt"),
        "/nonexistent/netsift-input.txt".to_string(),
        fixture("corpus/real/r1_netstat-agn.txt"),
    ];
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    for command in ["events", "count"] {
        let one_by_one = netsift(&[&[command, "--jobs", "1"][..], &files].concat());
        for jobs in ["2", "4"] {
            let parallel = netsift(&[&[command, "--jobs", jobs][..], &files].concat());
            assert_eq!(parallel, one_by_one, "{command} --jobs {jobs}");
        }
        assert_eq!(one_by_one.0, 2, "{command}: the missing file is an input error");
        assert!(one_by_one.2.contains("/nonexistent/netsift-input.txt"), "{}", one_by_one.2);
    }
    // Each file's events come together, in the order the files were given.
    let (_, out, _) = netsift(&[&["events", "--jobs", "4"][..], &files].concat());
    let mut order: Vec<String> = Vec::new();
    for line in out.lines() {
        // The tag closes the object (serde_json refuses the `\udcXX` escapes of some rows).
        let (_, tail) = line.rsplit_once(r#","file":""#).unwrap();
        let file = tail.strip_suffix(r#""}"#).unwrap().to_string();
        if order.last() != Some(&file) {
            assert!(!order.contains(&file), "{file} came back after another file");
            order.push(file);
        }
    }
    let given: Vec<&str> = files.iter().copied().filter(|f| !f.starts_with("/nonexistent")).collect();
    assert_eq!(order, given);
}

#[test]
fn kernel_tables_from_the_command_line() {
    // -f auto: the table by its header, the protocol by the file's name.
    let tcp6 = fixture("corpus/kernel/r1_proc_net_tcp6");
    let (code, out, err) = netsift(&["search", &tcp6, "State=LISTEN", "Local_Address__startswith=::1"]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{out}");
    assert_eq!(rows[0]["Proto"], "tcp6");
    let (code, out, _) = netsift(&["events", &tcp6]);
    assert_eq!(code, 0);
    assert!(out.lines().skip(1).all(|l| l.contains(r#""proto":"tcp6""#)), "{out}");
    // The same bytes on stdin have no name: the protocol is unknown, and said so.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_netsift"))
        .arg("events")
        .stdin(std::fs::File::open(&tcp6).unwrap())
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.lines().skip(1).all(|l| l.contains(r#""proto":null"#)), "{out}");
    let (code, out, err) = netsift(&["view", "-f", "proc-net-unix", &fixture("corpus/kernel/r1_proc_net_unix")]);
    assert_eq!(code, 0, "{err}");
    // (Written with `\udcXX` escapes for the path's non-UTF-8 bytes, which serde_json refuses.)
    assert!(out.contains(r#""Path":["#) && out.contains(r#""/tmp/netsift-new\nline.sock""#), "{out}");
    assert!(out.contains(r#""/tmp/netsift-\udcff\udcfe-bytes.sock""#), "{out}");
    assert!(out.contains(r#""listening_pid":{}"#), "{out}");
}

#[test]
fn stat_takes_flat_and_section_names_from_the_counter_files() {
    // Issue 13: nstat and snmp6 print flat names; `stat` answers by both spellings.
    let names = ["TcpExtTW", "TcpExt:TW", "TW", "Ip6InReceives", "Ip6:InReceives", "IpExtInOctets", "Nope"];
    let mut args = vec!["stat"];
    let nstat = fixture("captured/deb12_zoo_nstat-zas.txt");
    args.push(&nstat);
    args.extend(names);
    let (code, out, err) = netsift(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim(),
        r#"{"TcpExtTW":1455,"TcpExt:TW":1455,"TW":1455,"Ip6InReceives":33,"Ip6:InReceives":33,"IpExtInOctets":925488141,"Nope":null}"#
    );
    let snmp6 = fixture("captured/deb12_zoo_proc-net-snmp6.txt");
    let (_, out, _) = netsift(&["stat", &snmp6, "Ip6InReceives", "Ip6:InReceives"]);
    assert_eq!(out.trim(), r#"{"Ip6InReceives":33,"Ip6:InReceives":33}"#);
    let sockstat = fixture("captured/deb12_zoo_proc-net-sockstat.txt");
    let (_, out, _) = netsift(&["stat", &sockstat, "TCP:inuse", "TCP:tw"]);
    assert_eq!(out.trim(), r#"{"TCP:inuse":18,"TCP:tw":2567}"#);
    // /proc/net/dev has no insights view.
    let (code, _, err) = netsift(&["view", "-f", "proc-net-dev", &fixture("captured/deb12_proc-net-dev.txt")]);
    assert_eq!(code, 2);
    assert!(err.contains("no insights view reads /proc/net/dev"), "{err}");
}

#[test]
fn one_file_cut_into_parts_gives_the_same_output_as_one_parse() {
    // Every format, periodic logs (captures across the cuts), continuation lines, a
    // spliced warning and malformed lines (their summary on stderr names the line).
    let periodic = std::fs::read(fixture("corpus/real/r1_periodic_netstat-s.txt")).unwrap().repeat(5);
    let periodic = temp_file("periodic-netstat-s.txt", &periodic);
    let files = [
        example(),
        periodic.display().to_string(),
        fixture("corpus/real/r1_periodic_ss-tupna.txt"),
        fixture("corpus/real/r1_ss-tupnai.txt"),
        fixture("corpus/real/r1_proc-net-netstat.txt"),
        fixture("captured/deb12_periodic_netstat-neopa.txt"),
        fixture("corpus/real/r1_nonroot_netstat-neopa_with-stderr.txt"),
        fixture("corpus/real/v_r1_netstat-neopa_truncated.txt"),
        fixture("corpus/real/r1_netstat-i.txt"),
        fixture("corpus/real/r1_netstat-agn.txt"),
    ];
    for file in &files {
        for command in ["events", "count"] {
            let whole = netsift(&[command, "--jobs", "1", file]);
            assert!(!whole.1.is_empty(), "{command} {file}");
            for (jobs, part) in [("2", "50"), ("2", "777"), ("3", "4000")] {
                let parts = netsift(&[command, "--jobs", jobs, "--part-size", part, file]);
                assert_eq!(parts, whole, "{command} --jobs {jobs} --part-size {part} {file}");
            }
        }
    }
}

#[test]
fn view_of_one_file_cut_into_parts_is_that_of_one_parse() {
    // netstat and ss tables (the only views built in parts): periodic logs (the last
    // capture chosen across the cuts), ss continuation lines, both netstat tables with a
    // cut between them, spliced warnings and malformed lines.
    let files = [
        ("ss", fixture("corpus/real/r1_periodic_ss-tupna.txt")),
        ("ss", fixture("corpus/real/r1_ss-tupnai.txt")),
        ("ss-tulpn", fixture("corpus/real/r1_periodic_ss-tupna.txt")),
        ("netstat", fixture("captured/deb12_periodic_netstat-neopa.txt")),
        ("netstat", fixture("corpus/real/r1_nonroot_netstat-neopa_with-stderr.txt")),
        ("netstat", fixture("corpus/real/v_r1_netstat-neopa_truncated.txt")),
        ("netstat", example()),
    ];
    for (format, file) in &files {
        let whole = netsift(&["view", "-f", format, "--jobs", "1", file]);
        assert_eq!(whole.0, 0, "{file}: {}", whole.2);
        assert!(whole.1.len() > 100, "{format} {file}");
        // Part sizes that put the cuts at many different lines.
        // Parts mapped (the rows keep their lines there), and read.
        for part in [40, 61, 97, 150, 233, 377, 610, 987, 1597, 4000] {
            for jobs in ["2", "3"] {
                let parts = netsift(&["view", "-f", format, "--jobs", jobs, "--part-size", &part.to_string(), file]);
                assert_eq!(parts, whole, "view -f {format} --jobs {jobs} --part-size {part} {file}");
            }
            let read =
                netsift(&["view", "-f", format, "--jobs", "2", "--part-size", &part.to_string(), "--no-mmap", file]);
            assert_eq!(read, whole, "view -f {format} --jobs 2 --part-size {part} --no-mmap {file}");
        }
    }
}
