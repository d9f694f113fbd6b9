//! Real `ss` captures (tests/fixtures/corpus and tests/fixtures/captured, see their
//! READMEs): every one parses with no malformed line, with the row counts counted by hand
//! (`awk '$1 ~ /^[a-z0-9_?]+$/ && $1 != "Netid" {c[$1]++}'`, cross-checked with
//! `grep -c`), continuation lines inside their sockets, and spot values read off the files
//! by eye.
//!
//! jc's JSON for the four jc files (not copied here) was compared row by row with our
//! events: netid, state, queues, addresses, ports, interfaces, unix paths and inodes,
//! netlink and packet endpoints, process names/pids/fds, `ino`, `uid`, `cgroup`, `v6only`
//! agree on all 589 rows. The differences are of shape only: jc keys processes by pid (a
//! pid holding one socket on two fds, as in `("z",pid=12701,fd=8),("z",pid=12701,fd=3)`,
//! would lose an entry; none in those files), keeps `sk:` as text under `cookie` (it is
//! hex: `sk:2e`), splits a netlink `comm/pid` port id, and names the two halves of a
//! packet endpoint `link_layer`/`interface` where we have host/port.

mod common;

use std::collections::BTreeMap;
use std::net::IpAddr;

use common::fixtures::read;
use netsift::events::SsSocket;
use netsift::netsift_grammar::ss::{ExtraValue, Host, Netid, Port, Process, Shutdown, SsCol, SsColumns, State};
use netsift::push::LineStats;
use netsift::views::ss::SsView;
use netsift::views::CaptureSelect;
use netsift::{Event, EventKind, Format, PushParser};

#[derive(Debug, Default, PartialEq, Eq)]
struct Summary {
    sections: usize,
    /// Sockets per capture, in order.
    captures: Vec<usize>,
    /// Sockets whose `info` holds continuation lines.
    with_info: usize,
    notices: usize,
    malformed: usize,
    netids: BTreeMap<String, usize>,
    stats: LineStats,
}

fn summary(rel: &str, format: Format) -> Summary {
    let mut s = Summary::default();
    let mut parser = PushParser::new(format);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::Section(_) => s.sections += 1,
        EventKind::SsSocket(sock) => {
            let capture = ev.capture as usize;
            if s.captures.len() < capture {
                s.captures.resize(capture, 0);
            }
            s.captures[capture - 1] += 1;
            if !sock.info.is_empty() {
                s.with_info += 1;
            }
            let name = sock.row.netid.map_or("-".to_string(), |n| String::from_utf8_lossy(n.name()).into_owned());
            *s.netids.entry(name).or_default() += 1;
        }
        EventKind::Notice(_) => s.notices += 1,
        EventKind::Malformed(m) => {
            s.malformed += 1;
            eprintln!("{rel}:{}: {}", ev.at.line, m.reason());
        }
        _ => {}
    };
    parser.feed(&read(rel), &mut sink);
    parser.finish(&mut sink);
    s.stats = parser.stats();
    s
}

/// Run `check` on the socket whose (first) line is `line`; fails if there is none.
fn at_line(rel: &str, line: u64, mut check: impl FnMut(&SsSocket<'_>)) {
    let mut seen = 0;
    let mut parser = PushParser::new(Format::Ss);
    let mut sink = |ev: Event<'_>| {
        if ev.at.line == line {
            if let EventKind::SsSocket(s) = ev.kind {
                seen += 1;
                check(&s);
            }
        }
    };
    parser.feed(&read(rel), &mut sink);
    parser.finish(&mut sink);
    assert_eq!(seen, 1, "no socket at {rel}:{line}");
}

fn view(rel: &str, tulpn: bool) -> SsView {
    let mut view = SsView::new(CaptureSelect::Last, tulpn);
    let mut parser = PushParser::new(Format::Ss);
    parser.feed(&read(rel), &mut view);
    parser.finish(&mut view);
    view
}

fn procs<'a>(s: &SsSocket<'a>) -> Vec<Process<'a>> {
    s.row.process.map(|u| u.iter().collect()).unwrap_or_default()
}

fn ip(s: &str) -> Host<'static> {
    Host::Ip(s.parse::<IpAddr>().unwrap())
}

fn p(name: &[u8], pid: u32, fd: u32) -> Process<'_> {
    Process { name, pid, fd, tid: None, proc_ctx: None, sock_ctx: None }
}

/// Every ss capture: sections, sockets per capture, sockets with continuation lines,
/// notices, and the sockets of each netid (all counted on the raw files).
#[test]
fn row_counts_of_every_capture() {
    type Row = (&'static str, usize, &'static [usize], usize, usize, &'static [(&'static str, usize)]);
    let expected: &[Row] = &[
        ("corpus/real/r1_ss-tupna.txt", 1, &[231], 0, 0, &[("tcp", 209), ("udp", 22)]),
        ("corpus/real/r1_ss-tulpn.txt", 1, &[66], 0, 0, &[("tcp", 48), ("udp", 18)]),
        ("corpus/real/r1_ss-tupnae.txt", 1, &[231], 0, 0, &[("tcp", 209), ("udp", 22)]),
        ("corpus/real/r1_ss-tupnai.txt", 1, &[231], 209, 0, &[("tcp", 209), ("udp", 22)]),
        ("corpus/real/r1_ss-xa.txt", 1, &[53], 0, 0, &[("u_dgr", 11), ("u_seq", 7), ("u_str", 35)]),
        (
            "corpus/real/r1_ss-a.txt",
            1,
            &[299],
            0,
            0,
            &[("nl", 11), ("raw", 4), ("tcp", 209), ("u_dgr", 11), ("u_seq", 7), ("u_str", 35), ("udp", 22)],
        ),
        ("corpus/real/r1_periodic_ss-tupna.txt", 2, &[231, 204], 0, 2, &[("tcp", 391), ("udp", 44)]),
        ("corpus/real/r1_nonroot_ss-tupna.txt", 1, &[231], 0, 0, &[("tcp", 209), ("udp", 22)]),
        ("corpus/real/v_r1_ss-tulpn_crlf.txt", 1, &[66], 0, 0, &[("tcp", 48), ("udp", 18)]),
        // 3.10 prints its UDP sockets as `tcp`: kept as printed.
        ("corpus/old/ss-3.10_tupna.txt", 1, &[146], 0, 0, &[("tcp", 146)]),
        ("corpus/old/ss-4.15_tupna.txt", 1, &[146], 0, 0, &[("tcp", 127), ("udp", 19)]),
        ("corpus/old/ss-4.15_tupnaoie.txt", 1, &[146], 127, 0, &[("tcp", 127), ("udp", 19)]),
        ("corpus/old/ss-4.15_tulpn_tty80.txt", 1, &[54], 0, 0, &[("tcp", 38), ("udp", 16)]),
        ("corpus/old/ss-5.4_tupna.txt", 1, &[146], 0, 0, &[("tcp", 127), ("udp", 19)]),
        (
            "corpus/jc/centos-7.7_ss-sudo-a.out",
            1,
            &[203],
            0,
            0,
            &[
                ("nl", 42),
                ("p_raw", 1),
                ("raw", 1),
                ("tcp", 6),
                ("u_dgr", 27),
                ("u_seq", 1),
                ("u_str", 122),
                ("udp", 3),
            ],
        ),
        ("corpus/jc/generic_ss-wide.out", 1, &[155], 0, 0, &[("tcp", 29), ("udp", 126)]),
        (
            "corpus/jc/ubuntu-18.04_ss-sudo-a.out",
            1,
            &[158],
            0,
            0,
            &[
                ("icmp6", 1),
                ("nl", 39),
                ("p_raw", 1),
                ("tcp", 4),
                ("u_dgr", 35),
                ("u_seq", 1),
                ("u_str", 74),
                ("udp", 2),
                ("v_str", 1),
            ],
        ),
        ("corpus/jc/ubuntu-18.04_ss-sudo-tulpen.out", 1, &[73], 0, 0, &[("tcp", 58), ("udp", 15)]),
        ("captured/deb12_ss-tupna.txt", 1, &[69], 0, 0, &[("tcp", 58), ("udp", 11)]),
        ("captured/deb12_ss-tulpn.txt", 1, &[23], 0, 0, &[("tcp", 14), ("udp", 9)]),
        (
            "captured/deb12_ss-peaonmi.txt",
            1,
            &[117],
            69,
            0,
            &[("nl", 11), ("raw", 4), ("tcp", 58), ("u_dgr", 6), ("u_seq", 5), ("u_str", 22), ("udp", 11)],
        ),
    ];
    for &(file, sections, captures, with_info, notices, netids) in expected {
        let got = summary(file, Format::Ss);
        let want_netids = netids.iter().map(|(n, c)| (n.to_string(), *c)).collect();
        assert_eq!(
            (got.sections, got.captures.as_slice(), got.with_info, got.notices, got.malformed, &got.netids),
            (sections, captures, with_info, notices, 0, &want_netids),
            "{file}"
        );
        // Every line in exactly one bucket; continuation lines inside their sockets.
        let st = got.stats;
        let sockets: usize = captures.iter().sum();
        assert_eq!(st.rows as usize, sockets, "{file}");
        assert_eq!(st.headers as usize, sections, "{file}");
        assert_eq!(st.rows + st.headers + st.notices + st.blank + st.continuations + st.malformed, st.lines, "{file}");
        // Auto-detection reads the same (every file starts with a header or a time stamp).
        assert_eq!(summary(file, Format::Auto), got, "{file} (auto)");
    }
}

#[test]
fn continuation_lines_are_inside_their_sockets() {
    // r1_ss-tupnai: 209 info lines, 81 of them a TAB and blanks only (76 TIME-WAIT,
    // 3 SYN-RECV and 2 FIN-WAIT-2 sockets).
    let mut blank_info = 0;
    let mut states = BTreeMap::new();
    let mut parser = PushParser::new(Format::Ss);
    let mut sink = |ev: Event<'_>| {
        if let EventKind::SsSocket(s) = ev.kind {
            if !s.info.is_empty() && s.info_extras().all(|e| e.is_empty()) {
                blank_info += 1;
                *states.entry(String::from_utf8_lossy(s.row.column(SsCol::State)).into_owned()).or_insert(0) += 1;
            }
        }
    };
    parser.feed(&read("corpus/real/r1_ss-tupnai.txt"), &mut sink);
    parser.finish(&mut sink);
    assert_eq!(blank_info, 81);
    assert_eq!(states.get("TIME-WAIT"), Some(&76));
    assert_eq!(states.get("SYN-RECV"), Some(&3));
    assert_eq!(states.get("FIN-WAIT-2"), Some(&2));

    at_line("corpus/real/r1_ss-tupnai.txt", 24, |s| {
        assert_eq!(s.row.local.port, Some(Port::Number(40211)));
        assert!(s.info.starts_with(b"\t bbr cwnd:10"));
        let items: Vec<_> = s.info_extras().flatten().collect();
        assert_eq!(items.len(), 2);
        assert_eq!((items[1].key, items[1].value), (&b"cwnd"[..], ExtraValue::Int(10)));
    });
    // sosreport's -peaonmi: skmem on the continuation line of inet sockets, and on the row
    // itself (after a TAB inside the line) for netlink sockets.
    at_line("captured/deb12_ss-peaonmi.txt", 60, |s| {
        assert_eq!(s.row.local.port, Some(Port::Number(40299)));
        let items: Vec<_> = s.info_extras().flatten().collect();
        let ExtraValue::SkMem(m) = items[0].value else { panic!("{:?}", items[0]) };
        assert_eq!((m.rcvbuf, m.optmem, m.drops), (212_992, 48, Some(0)));
        let keys: Vec<&[u8]> = s.row.extras.map(|e| e.key).collect();
        assert_eq!(keys, vec![&b"ino"[..], b"sk", b"cgroup", b"<->"]);
    });
    at_line("captured/deb12_ss-peaonmi.txt", 3, |s| {
        assert_eq!(s.row.netid, Some(Netid::Nl));
        assert_eq!((s.row.local.host, s.row.local.port), (Host::Other(b"4"), Some(Port::Number(5517))));
        assert!(s.info.is_empty());
        let keys: Vec<&[u8]> = s.row.extras.map(|e| e.key).collect();
        assert_eq!(keys, vec![&b"sk"[..], b"cb", b"groups", b"skmem"]);
    });
}

#[test]
fn process_lists() {
    let f = "corpus/real/r1_ss-tupna.txt";
    // Two owners of one socket (a forked child shares its parent's sockets).
    at_line(f, 18, |s| {
        assert_eq!(procs(s), vec![p(b"zoo-forked-kid", 9074, 4), p(b"zoo-forker", 9070, 4)]);
    });
    // comm `q"u(o)t,e=s x`, cut by ss at its first `)`.
    at_line(f, 12, |s| assert_eq!(procs(s), vec![p(br#"q"u(o"#, 9067, 4)]));
    // A UTF-8 name, and names with blanks.
    at_line(f, 9, |s| assert_eq!(procs(s), vec![p("zoo-π-ß".as_bytes(), 9068, 4)]));
    at_line(f, 13, |s| assert_eq!(procs(s)[0].name, b"zoo worker: acc"));
    at_line(f, 46, |s| assert_eq!(procs(s)[0].name, b"my comm sp"));
    // iproute2 3.10: the old ("name",pid,fd) form, one pid on two fds, names with blanks.
    let old = "corpus/old/ss-3.10_tupna.txt";
    at_line(old, 34, |s| assert_eq!(procs(s), vec![p(b"z", 15090, 8), p(b"z", 15090, 3)]));
    at_line(old, 3, |s| {
        assert_eq!(procs(s), vec![p(b"zoo worker: acc", 15085, 4)]);
        // A UDP socket that 3.10 prints as `tcp UNCONN`: kept as printed.
        assert_eq!((s.row.netid, s.row.state), (Some(Netid::Tcp), Some(State::Unconn)));
    });
    // jc: a prefork server (apache, 24 workers on one socket) and `-e` fields after it.
    at_line("corpus/jc/generic_ss-wide.out", 134, |s| {
        let list = procs(s);
        assert_eq!(list.len(), 24);
        assert!(list.iter().all(|p| p.name == b"apache2"));
    });
    at_line("corpus/jc/ubuntu-18.04_ss-sudo-tulpen.out", 8, |s| {
        assert_eq!(procs(s), vec![p(b"systemd-resolve", 1117, 12)]);
        let extras: Vec<_> = s.row.extras.map(|e| (e.key, e.value)).collect();
        let open = Shutdown { receive_shut: false, send_shut: false };
        assert_eq!(
            extras,
            vec![
                (&b"uid"[..], ExtraValue::Int(101)),
                (b"ino", ExtraValue::Int(29400)),
                (b"sk", ExtraValue::Hex(7)),
                (b"<->", ExtraValue::Shutdown(open)),
            ]
        );
    });
    // As a non-root user, no process is visible at all.
    let v = view("corpus/real/r1_nonroot_ss-tupna.txt", false);
    assert_eq!(v.rows().len(), 231);
    assert!(v.rows().iter().all(|r| r.get("Process").is_none()));
}

#[test]
fn addresses_and_queues() {
    let f = "corpus/real/r1_ss-tupna.txt";
    at_line(f, 209, |s| {
        assert_eq!((s.row.local.host, s.row.local.port), (ip("::ffff:127.0.0.1"), Some(Port::Number(45680))));
        assert_eq!((s.row.peer.host, s.row.peer.port), (ip("::ffff:127.0.0.1"), Some(Port::Number(33238))));
        assert_eq!(s.row.column(SsCol::Local), b"[::ffff:127.0.0.1]:45680");
    });
    at_line(f, 190, |s| {
        assert_eq!(s.row.local.host, ip("fe80::fc:ff:fe00:1"));
        assert_eq!((s.row.local.iface, s.row.local.port), (Some(&b"eth0"[..]), Some(Port::Number(45694))));
        assert_eq!((s.row.peer.host, s.row.peer.port), (ip("::"), Some(Port::Any)));
    });
    at_line(f, 195, |s| {
        assert_eq!((s.row.local.host, s.row.local.iface), (Host::Any, Some(&b"eth0"[..])));
        assert_eq!(s.row.local.port, Some(Port::Number(45695)));
    });
    at_line("corpus/jc/ubuntu-18.04_ss-sudo-tulpen.out", 47, |s| {
        assert_eq!((s.row.local.host, s.row.local.iface), (ip("127.0.0.53"), Some(&b"lo"[..])));
        assert_eq!((s.row.state, s.row.send_q), (Some(State::Listen), Some(128)));
    });
    // A 25 MB Recv-Q; the rest of the row is read whole.
    at_line(f, 70, |s| {
        assert_eq!((s.row.recv_q, s.row.send_q), (Some(25_229_664), Some(0)));
        assert_eq!(s.row.peer.port, Some(Port::Number(46708)));
        assert_eq!(procs(s), vec![p(b"socket_zoo", 9020, 49)]);
    });
    // Old layouts: no brackets on IPv6 in 3.10, service names without -n.
    at_line("corpus/old/ss-3.10_tupna.txt", 3, |s| assert_eq!(s.row.peer.host, Host::Any));
    at_line("corpus/jc/ubuntu-18.04_ss-sudo-a.out", 152, |s| {
        assert_eq!(s.row.netid, Some(Netid::Icmp6));
        assert_eq!((s.row.local.iface, s.row.local.port), (Some(&b"ens33"[..]), Some(Port::Name(b"ipv6-icmp"))));
    });
}

#[test]
fn unix_and_netlink_sockets() {
    let xa = "corpus/real/r1_ss-xa.txt";
    at_line(xa, 7, |s| {
        assert_eq!(s.row.local.host, Host::Path(b"/tmp/sock/dir with space.sock"));
        assert_eq!((s.row.local.inode, s.row.peer.host, s.row.peer.inode), (Some(8730), Host::Any, Some(0)));
    });
    at_line(xa, 36, |s| assert_eq!(s.row.local.host, Host::Path(b"/tmp/zoo-zggbz6p1/zoo dir with spaces.sock")));
    at_line(xa, 44, |s| assert_eq!(s.row.local.host, Host::Path(b"@zoo abstract with spaces")));
    at_line(xa, 2, |s| assert_eq!(s.row.local.host, Host::Path(b"/tmp/zoo-zggbz6p1/zoo-bad-\xff\xfe-utf8.sock")));
    let v = view(xa, false);
    assert_eq!(v.rows().get(5).unwrap().get("Local-Address-Port"), Some(&b"/tmp/sock/dir with space.sock 8730"[..]));
    assert_eq!(v.rows().get(5).unwrap().get("Peer-Address-Port"), Some(&b"* 0"[..]));

    let a = "corpus/real/r1_ss-a.txt";
    at_line(a, 3, |s| {
        assert_eq!((s.row.netid, s.row.recv_q), (Some(Netid::Nl), Some(4352)));
        assert_eq!((s.row.local.host, s.row.local.port), (Host::Name(b"tcpdiag"), Some(Port::Name(b"ss/9117"))));
        assert_eq!(s.row.peer.host, Host::Any);
    });
    at_line("corpus/jc/centos-7.7_ss-sudo-a.out", 2, |s| {
        assert_eq!(s.row.local.port, Some(Port::Name(b"rtnl:dockerd-current/1220".split_at(5).1)));
    });
    at_line("corpus/jc/ubuntu-18.04_ss-sudo-a.out", 41, |s| {
        assert_eq!(s.row.netid, Some(Netid::PRaw));
        assert_eq!((s.row.local.host, s.row.local.port), (Host::Name(b"LLDP"), Some(Port::Name(b"ens33"))));
    });
}

#[test]
fn headers_of_every_version() {
    let mut headers = Vec::new();
    for file in [
        "corpus/real/r1_ss-tulpn.txt",
        "corpus/old/ss-4.15_tulpn_tty80.txt",
        "corpus/old/ss-3.10_tupna.txt",
        "corpus/old/ss-5.4_tupna.txt",
        "corpus/jc/centos-7.7_ss-sudo-a.out",
    ] {
        let mut parser = PushParser::new(Format::Ss);
        let mut sink = |ev: Event<'_>| {
            if let EventKind::Section(s) = ev.kind {
                headers.push((file, s.header.map(|h| String::from_utf8_lossy(&h[..20]).into_owned()), s.columns));
            }
        };
        parser.feed(&read(file), &mut sink);
        parser.finish(&mut sink);
    }
    let full = netsift::events::Columns::Ss(SsColumns::FULL);
    assert!(headers.iter().all(|(_, h, c)| h.is_some() && *c == full), "{headers:?}");
    // The glued `NetidState` of 4.15 on an 80-column tty.
    assert_eq!(headers[1].1.as_deref(), Some("NetidState  Recv-Q S"));
    at_line("corpus/old/ss-4.15_tulpn_tty80.txt", 3, |s| {
        assert_eq!((s.row.netid, s.row.state), (Some(Netid::Udp), Some(State::Unconn)));
        assert_eq!(procs(s), vec![p(b"zoo worker: acc", 15085, 4)]);
    });
}

#[test]
fn timers_and_shutdown_markers_of_4_15() {
    let f = "corpus/old/ss-4.15_tupnaoie.txt";
    at_line(f, 91, |s| {
        assert_eq!(s.row.recv_q, Some(1234));
        let items: Vec<_> = s.row.extras.collect();
        let ExtraValue::Timer(t) = items[0].value else { panic!("{:?}", items[0]) };
        assert_eq!((t.expires_ms, t.retransmits), (Some(119 * 60_000), 0));
        assert!(!s.info.is_empty());
    });
    at_line(f, 97, |s| {
        assert_eq!((s.row.state, s.row.send_q), (Some(State::FinWait1), Some(1_015_836)));
        let last = s.row.extras.last().unwrap();
        assert_eq!(last.value, ExtraValue::Shutdown(Shutdown { receive_shut: false, send_shut: true }));
    });
}

#[test]
fn periodic_captures_and_crlf() {
    let mut v = SsView::new(CaptureSelect::All, false);
    let mut parser = PushParser::new(Format::Ss);
    parser.feed(&read("corpus/real/r1_periodic_ss-tupna.txt"), &mut v);
    parser.finish(&mut v);
    let sizes: Vec<(u32, usize)> = v.captures().iter().map(|c| (c.number, c.rows.len())).collect();
    assert_eq!(sizes, vec![(1, 231), (2, 204)]);
    let mut out = Vec::new();
    v.write_json(&mut out);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["captures"][1]["data"].as_array().unwrap().len(), 204);
    assert_eq!(view("corpus/real/r1_periodic_ss-tupna.txt", false).rows().len(), 204);

    // CRLF line endings change nothing.
    let crlf = view("corpus/real/v_r1_ss-tulpn_crlf.txt", false);
    let lf = view("corpus/real/r1_ss-tulpn.txt", false);
    assert_eq!(crlf.rows(), lf.rows());
}

#[test]
fn views_of_real_captures() {
    for (tupna, tulpn, listening) in [
        ("corpus/real/r1_ss-tupna.txt", "corpus/real/r1_ss-tulpn.txt", 66),
        ("captured/deb12_ss-tupna.txt", "captured/deb12_ss-tulpn.txt", 23),
    ] {
        // The tulpn filter over -tupna keeps the sockets -tulpn lists (same sockets here).
        let filtered = view(tupna, true);
        let listed = view(tulpn, false);
        assert_eq!(filtered.rows().len(), listening);
        let key = |r: netsift::views::Row<'_>| {
            (r.get("Netid").map(<[u8]>::to_vec), r.get("Local-Address-Port").map(<[u8]>::to_vec))
        };
        let mut a: Vec<_> = filtered.rows().iter().map(key).collect();
        let mut b: Vec<_> = listed.rows().iter().map(key).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{tupna}");
    }
    let v = view("corpus/real/r1_ss-tupna.txt", false);
    // Names with blanks stay whole in Process.
    let acc = v.get_service("zoo worker: acc");
    assert!(!acc.is_empty());
    assert!(acc.iter().all(|r| r.get("Process").is_some_and(|p| p.starts_with(br#"users:(("zoo worker: acc""#))));
    let eth0 = v.get_localport("45695");
    assert_eq!(eth0.len(), 1);
    assert_eq!(eth0[0].get("Local-Address-Port"), Some(&b"*%eth0:45695"[..]));
    assert_eq!(v.get_port("abc").len(), 0);
}
