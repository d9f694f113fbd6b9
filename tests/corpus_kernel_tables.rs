//! The kernel's socket tables (`/proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6,unix}`)
//! on real files: our own capture (tests/fixtures/corpus/kernel, with `netstat -aneoW` and
//! `ss -aneoH` printed at the same moment), jc's fixtures with jc's JSON, and the fixtures
//! of prometheus/procfs and node_exporter with the JSON of jc 1.26.1 where jc reads them.
//!
//! Every file parses with 0 malformed lines; its row count equals a count made another
//! way (lines shaped like a row, by a regular pattern on the bytes); it gives the same
//! events whatever the chunking; every row equals jc's decoding where jc is right, and
//! netstat's where netstat printed the same socket.

mod common;

use std::collections::BTreeMap;

use common::fixtures::{json_lines, read, root};
use netsift::events::{EventKind, Host, Port};
use netsift::netsift_grammar::netstat::Proto;
use netsift::netsift_grammar::proc_inet::KernelExtra;
use netsift::views::NetstatView;
use netsift::{Event, Format, PushParser};
use serde_json::Value;

/// Every kernel table fixture, with the format its name gives.
fn fixtures() -> Vec<(String, Format)> {
    let mut out = Vec::new();
    for dir in ["corpus/kernel", "corpus/jc", "corpus/procfs"] {
        for entry in std::fs::read_dir(root().join(dir)).expect("dir") {
            let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
            if let Some(format) = Format::kernel_table(&name) {
                out.push((format!("{dir}/{name}"), format));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The rows counted without the grammar: inet rows are `<blanks><digits>: <hex>:`; unix
/// rows `<hex>: <8 hex> `. A unix path with a newline adds a line that is neither.
fn counted_rows(input: &[u8], format: Format) -> usize {
    input
        .split(|&b| b == b'\n')
        .filter(|line| {
            let t = line.trim_ascii_start();
            let digits = t.iter().take_while(|b| b.is_ascii_digit()).count();
            let hex = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
            match format {
                Format::ProcNetUnix => {
                    hex > 0 && line[hex..].starts_with(b": ") && line.len() > hex + 11 && line[hex + 10] == b' '
                }
                _ => digits > 0 && t[digits..].starts_with(b": "),
            }
        })
        .count()
}

#[test]
fn every_fixture_parses_whole_counted_twice_and_chunking_does_not_matter() {
    let files = fixtures();
    assert!(files.len() >= 15, "{files:?}");
    for (path, format) in files {
        let input = read(&path);
        let (whole, stats) = json_lines(PushParser::new(format), &input, &[], |_| {});
        assert_eq!(stats.malformed, 0, "{path}");
        assert_eq!(stats.rows as usize, counted_rows(&input, format), "{path}");
        let events = whole
            .iter()
            .filter(|e| e.starts_with(b"{\"kind\":\"inet_conn\"") || e.starts_with(b"{\"kind\":\"unix_socket\""))
            .count();
        assert_eq!(events as u64, stats.rows, "{path}");
        for step in [1, 7, 64] {
            let cuts: Vec<usize> = (step..input.len()).step_by(step).collect();
            let (cut, cut_stats) = json_lines(PushParser::new(format), &input, &cuts, |_| {});
            assert_eq!((cut, cut_stats), (whole.clone(), stats), "{path} in chunks of {step}");
        }
        // auto finds the same table by its header, and the same rows, with the protocol
        // from the name it is given.
        let (auto, _) = json_lines(PushParser::named(Format::Auto, &path), &input, &[], |_| {});
        if input.trim_ascii_start().starts_with(b"sl") || input.starts_with(b"Num") {
            assert_eq!(auto, whole, "{path} with -f auto");
        }
    }
}

/// One parsed inet row, owned, with what jc prints for it.
fn inet_rows(path: &str, format: Format) -> Vec<Value> {
    let input = read(path);
    let mut rows = Vec::new();
    let mut sink = |ev: Event<'_>| {
        if let EventKind::InetConn(c) = ev.kind {
            let k = c.kernel.expect("kernel fields");
            let ip = |h: &Host<'_>| match h {
                Host::Ip(ip) => ip.to_string(),
                other => panic!("{other:?}"),
            };
            let port = |p: &Port<'_>| p.number().expect("numeric port");
            let foreign = c.foreign.expect("foreign");
            let mut row = serde_json::json!({
                "entry": k.slot.to_string(),
                "local_address": ip(&c.local.host),
                "local_port": port(&c.local.port),
                "remote_address": ip(&foreign.host),
                "remote_port": port(&foreign.port),
                "state": format!("{:02X}", k.state_code),
                "tx_queue": c.send_q.expect("tx"),
                "rx_queue": c.recv_q.expect("rx"),
                "timer_active": k.timer_code,
                "jiffies_until_timer_expires": k.when_ticks,
                "unrecovered_rto_timeouts": k.retransmits,
                "uid": match c.user { Some(netsift::events::User::Uid(u)) => u, other => panic!("{other:?}") },
                "unanswered_0_window_probes": k.timeout,
                "inode": c.inode.expect("inode"),
                "sock_ref_count": k.refcount.expect("ref"),
                "sock_mem_loc": format!("{:016x}", k.pointer.expect("pointer")),
            });
            if let KernelExtra::Tcp { rto, ato, quick_pingpong, cwnd, ssthresh } = k.extra {
                for (key, v) in [
                    ("retransmit_timeout", rto as i64),
                    ("soft_clock_tick", ato as i64),
                    ("ack_quick_pingpong", quick_pingpong as i64),
                    ("sending_congestion_window", cwnd as i64),
                    ("slow_start_size_threshold", ssthresh),
                ] {
                    row[key] = v.into();
                }
            }
            rows.push(row);
        }
    };
    let mut parser = PushParser::new(format);
    parser.feed(&input, &mut sink);
    parser.finish(&mut sink);
    rows
}

/// jc's row with its hex strings read as numbers, so that both sides compare as values;
/// jc's `opposite_endian_*` guesses are left out (they are not in the file).
fn jc_normalised(row: &Value) -> Value {
    let mut row = row.clone();
    let obj = row.as_object_mut().expect("object");
    obj.remove("opposite_endian_local_address");
    obj.remove("opposite_endian_remote_address");
    for key in ["tx_queue", "rx_queue", "jiffies_until_timer_expires", "unrecovered_rto_timeouts"] {
        let text = obj[key].as_str().expect("hex string").to_string();
        obj[key] = u64::from_str_radix(&text, 16).expect("hex").into();
    }
    row
}

#[test]
fn inet_rows_equal_jc() {
    for (path, json, format) in [
        ("corpus/jc/linux-proc_net_tcp", "corpus/jc/linux-proc_net_tcp.json", Format::ProcNetInet(Proto::Tcp)),
        ("corpus/jc/linux-proc_net_tcp6", "corpus/jc/linux-proc_net_tcp6.json", Format::ProcNetInet(Proto::Tcp6)),
        // A /proc/net/tcp file that node_exporter keeps under the name udp: read as tcp by
        // jc 1.26.1 (its only inet table parser) and here by its rows' shape.
        (
            "corpus/procfs/nodeexp_proc_net_udp",
            "corpus/procfs/nodeexp_proc_net_udp.jc-1.26.1.json",
            Format::ProcNetInet(Proto::Udp),
        ),
    ] {
        let ours = inet_rows(path, format);
        let jc: Vec<Value> = serde_json::from_slice(&read(json)).expect("json");
        assert_eq!(ours.len(), jc.len(), "{path}");
        for (i, (a, b)) in ours.iter().zip(&jc).enumerate() {
            assert_eq!(a, &jc_normalised(b), "{path} row {i}");
        }
    }
}

#[test]
fn jc_decodes_tcp6_but_misses_what_it_cannot_read() {
    // jc reads IPv6 words the same way (little-endian) and also prints the other byte
    // order as `opposite_endian_*`; its inet parser is for tcp only: procfs' udp6 file
    // (header ending `ref pointer drops`) makes jc 1.26.1 fail with an IndexError, which
    // is why no jc JSON sits beside it. Here it reads whole, both rows.
    let rows = inet_rows("corpus/procfs/procfs_proc_net_udp6", Format::ProcNetInet(Proto::Udp6));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["local_address"], "fe80::56e1:adff:fe7c:6609");
    assert_eq!((rows[0]["uid"].as_u64(), rows[1]["uid"].as_u64()), (Some(981), Some(1000)));
}

#[test]
fn unix_rows_equal_jc() {
    for (path, json) in [
        ("corpus/jc/linux-proc_net_unix", "corpus/jc/linux-proc_net_unix.json"),
        ("corpus/procfs/procfs_proc_net_unix", "corpus/procfs/procfs_proc_net_unix.jc-1.26.1.json"),
    ] {
        let input = read(path);
        let mut ours = Vec::new();
        let mut sink = |ev: Event<'_>| {
            if let EventKind::UnixSocket(u) = ev.kind {
                let k = u.kernel.expect("kernel fields");
                let mut row = serde_json::json!({
                    "Num": format!("{:016x}:", k.pointer),
                    "RefCount": format!("{:08x}", u.refcnt),
                    "Protocol": format!("{:08x}", k.protocol),
                    "Flags": format!("{:08x}", k.flags),
                    "Type": format!("{:04x}", k.type_code),
                    "St": format!("{:02x}", k.state_code),
                    "Inode": u.inode.expect("inode"),
                });
                if !u.path.is_empty() {
                    row["Path"] = String::from_utf8(u.path.to_vec()).expect("utf-8").into();
                }
                ours.push(row);
            }
        };
        let mut parser = PushParser::new(Format::ProcNetUnix);
        parser.feed(&input, &mut sink);
        parser.finish(&mut sink);
        let jc: Vec<Value> = serde_json::from_slice(&read(json)).expect("json");
        assert_eq!(ours.len(), jc.len(), "{path}");
        for (i, (a, b)) in ours.iter().zip(&jc).enumerate() {
            // jc keeps the kernel's hex as printed (upper or lower case): compare as values.
            let lower = |v: &Value| serde_json::from_str::<Value>(&v.to_string().to_lowercase()).expect("json");
            assert_eq!(lower(a), lower(b), "{path} row {i}");
        }
    }
}

/// The netstat view of a table: inode → row (column → value), for the rows with an inode.
fn by_inode(view: &NetstatView) -> BTreeMap<(String, String), BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for table in view.tables() {
        for row in table.rows.iter() {
            let inode = row.get("Inode").or_else(|| row.get("I-Node")).expect("inode");
            let inode = String::from_utf8_lossy(inode).trim().to_string();
            if inode == "0" {
                continue;
            }
            let cells =
                row.cells().map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v).trim_end().to_string())).collect();
            out.insert((table.title.to_string(), inode), cells);
        }
    }
    out
}

#[test]
fn every_row_equals_what_netstat_printed_at_the_same_moment() {
    // netstat -aneoW reads the same files and prints them decoded: every socket of our
    // capture that netstat printed has the same columns, value for value (the timer's
    // seconds aside, which ran between the two reads, and the unix paths netstat cuts).
    let mut netstat = NetstatView::default();
    let mut parser = PushParser::new(Format::Netstat);
    parser.feed(&read("corpus/kernel/r1_netstat-aneoW.txt"), &mut netstat);
    parser.finish(&mut netstat);
    let printed = by_inode(&netstat);
    let mut compared = 0;
    for (path, format) in fixtures().into_iter().filter(|(p, _)| p.starts_with("corpus/kernel/")) {
        let mut view = NetstatView::default();
        let mut parser = PushParser::new(format);
        parser.feed(&read(&path), &mut view);
        parser.finish(&mut view);
        for (key, ours) in by_inode(&view) {
            let theirs = printed.get(&key).unwrap_or_else(|| panic!("{path}: {key:?} not printed by netstat"));
            for (column, value) in &ours {
                let expected = &theirs[column];
                match column.as_str() {
                    "Timer" => assert_eq!(value.split(' ').next(), expected.split(' ').next(), "{path} {key:?}"),
                    // netstat cuts a path at its first blank or newline (and warns of a
                    // `bogus unix line` for the rest).
                    "Path" if value.contains([' ', '\n']) => {
                        assert!(value.starts_with(expected.as_str()), "{path} {key:?}: {value:?} {expected:?}");
                        assert_ne!(value, expected);
                    }
                    _ => assert_eq!(value, expected, "{path} {key:?} {column}"),
                }
            }
            compared += 1;
        }
    }
    // Every socket netstat printed with an inode is in one of the tables.
    assert_eq!(compared, printed.len());
    assert!(compared >= 50, "{compared}");
}

#[test]
fn our_capture_has_every_kind_of_socket() {
    let events = |path: &str, format: Format| {
        let mut out = Vec::new();
        let mut sink = |ev: Event<'_>| {
            let mut line = Vec::new();
            netsift::events::json::write_event(&mut line, &ev);
            out.push(String::from_utf8(line).expect("utf-8"));
        };
        let mut parser = PushParser::new(format);
        parser.feed(&read(path), &mut sink);
        parser.finish(&mut sink);
        out.join("\n")
    };
    let tcp6 = events("corpus/kernel/r1_proc_net_tcp6", Format::ProcNetInet(Proto::Tcp6));
    assert!(tcp6.contains(r#""local":{"address":"::ffff:127.0.0.1","family":"ipv6","port":50241},"foreign":{"address":"::ffff:127.0.0.1","family":"ipv6","port":50052},"state":"ESTABLISHED""#));
    let tcp = events("corpus/kernel/r1_proc_net_tcp", Format::ProcNetInet(Proto::Tcp));
    assert!(tcp.contains(r#""state":"TIME_WAIT","user":0,"inode":0,"timer":{"kind":"timewait","expires_ms":59740"#));
    let udp = events("corpus/kernel/r1_proc_net_udp", Format::ProcNetInet(Proto::Udp));
    assert!(udp.contains(r#""proto":"udp","recv_q":832,"#) && udp.contains(r#""state":null"#));
    let raw6 = events("corpus/kernel/r1_proc_net_raw6", Format::ProcNetInet(Proto::Raw6));
    assert!(raw6.contains(r#""local":{"address":"::1","family":"ipv6","port":58}"#) && raw6.contains(r#""state":7"#));
    let lite = events("corpus/kernel/r1_proc_net_udplite6", Format::ProcNetInet(Proto::Udpl6));
    assert!(lite.contains(r#""proto":"udpl6""#) && lite.contains(r#""drops":0"#));
    let unix = events("corpus/kernel/r1_proc_net_unix", Format::ProcNetUnix);
    assert!(unix.contains(r#""path":"/tmp/netsift-new\nline.sock""#));
    assert!(unix.contains(r#""path":"@netsift-abstract""#));
    assert!(unix.contains(r#""path":"/tmp/netsift-\udcff\udcfe-bytes.sock""#));
    assert!(unix.contains(r#""state":"CONNECTED","inode":239737,"path":"/tmp/netsift-conn.sock""#));
    // Without the file's name, the protocol is unknown, and said so.
    let unknown = events("corpus/kernel/r1_proc_net_tcp", Format::ProcNetInet(Proto::Unknown));
    assert!(unknown.contains(r#""proto":null"#) && !unknown.contains(r#""proto":"tcp""#));
}

#[test]
fn the_netstat_view_and_search_read_kernel_tables() {
    use netsift::views::search::Term;
    let mut view = NetstatView::default();
    let mut parser = PushParser::new(Format::ProcNetInet(Proto::Tcp6));
    parser.feed(&read("corpus/kernel/r1_proc_net_tcp6"), &mut view);
    parser.finish(&mut view);
    let title = "Active Internet connections (servers and established)";
    let table = view.tables().iter().find(|t| t.title == title).expect("inet table");
    assert_eq!(
        table.columns,
        ["Proto", "Recv-Q", "Send-Q", "Local Address", "Foreign Address", "State", "User", "Inode", "Timer"]
    );
    // `lines` are the kernel's lines; the values are netstat's.
    assert!(view
        .get_original_line(title, 0)
        .expect("line")
        .starts_with(b"   0: 00000000000000000000000001000000:88E5"));
    let listening = view.search(&[], &["State=LISTEN".parse::<Term>().expect("term")]);
    assert_eq!(listening.len(), 3);
    let mapped = view.search(&[], &["Local_Address__startswith=127.0.0.1".parse::<Term>().expect("term")]);
    assert_eq!(mapped.len(), 2);
    assert_eq!(mapped[1].get("Recv-Q"), Some(&b"100"[..]));
    assert_eq!(mapped[1].get("Port"), Some(&b"50241"[..]));
    // No PID in these files: nothing to answer with.
    assert!(view.listening_pid().is_empty());
    assert!(view.running_processes().is_empty());
    let mut json = Vec::new();
    view.write_json(&mut json);
    let json: Value = serde_json::from_slice(&json).expect("json");
    assert_eq!(json["data"][title]["Local Address"][0], "::1:35045");
    assert_eq!(json["data"][title]["Foreign Address"][0], ":::*");
}

#[test]
fn a_table_cut_at_the_front_is_read_from_its_first_whole_row() {
    // sosreport keeps the tail of an oversized file: the cut line is reported as such, and
    // the rows after it are read without their header.
    for (path, format) in [
        ("corpus/kernel/r1_proc_net_tcp", Format::ProcNetInet(Proto::Tcp)),
        ("corpus/jc/linux-proc_net_unix", Format::ProcNetUnix),
    ] {
        let input = read(path);
        let cut = input.len() / 3;
        let next_line = cut + input[cut..].iter().position(|&b| b == b'\n').expect("newline") + 1;
        let (mut cut_front, mut rows) = (0, 0);
        let mut sink = |ev: Event<'_>| match ev.kind {
            EventKind::Malformed(m)
                if m.problem
                    == (netsift::events::Problem::Grammar { column: 0, expected: netsift::push::CUT_LINE }) =>
            {
                cut_front += 1
            }
            EventKind::Malformed(m) => panic!("{path}: {m:?}"),
            EventKind::InetConn(_) | EventKind::UnixSocket(_) => rows += 1,
            _ => {}
        };
        let mut parser = PushParser::resume(format);
        parser.feed(&input[cut..], &mut sink);
        parser.finish(&mut sink);
        assert_eq!(cut_front, 1, "{path}");
        assert_eq!(rows, counted_rows(&input[next_line..], format), "{path}");
        // Cut at a line's start: nothing is reported cut.
        let mut parser = PushParser::resume(format);
        let (whole, _) = json_lines(PushParser::new(format), &input[next_line..], &[], |_| {});
        let mut resumed = Vec::new();
        let mut sink = |ev: Event<'_>| {
            let mut line = Vec::new();
            netsift::events::json::write_event(&mut line, &ev);
            resumed.push(line);
        };
        parser.feed(&input[next_line..], &mut sink);
        parser.finish(&mut sink);
        assert_eq!(resumed, whole, "{path}");
    }
}
