//! Real `netstat` captures (tests/fixtures/corpus, see its README): every one parses with
//! no malformed line, with the row counts counted by hand (`grep -c '^tcp\|^udp\|^raw'`,
//! `grep -c '^unix'`), and spot values read off the files by eye.

use std::net::IpAddr;
use std::path::Path;

use netsift::events::{
    Host, InetState, NoticeKind, Owner, Port, Proto, TcpState, TimerKind, UnixState, UnixType, User,
};
use netsift::views::NetstatView;
use netsift::{Event, EventKind, Format, PushParser};

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus").join(rel)).expect("fixture")
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    sections: usize,
    inet: usize,
    unix: usize,
    notices: usize,
    malformed: usize,
}

fn counts(rel: &str) -> Counts {
    let mut c = Counts::default();
    let mut parser = PushParser::new(Format::Auto);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::Section(_) => c.sections += 1,
        EventKind::InetConn(_) => c.inet += 1,
        EventKind::UnixSocket(_) => c.unix += 1,
        EventKind::Notice(_) => c.notices += 1,
        EventKind::Malformed(_) => c.malformed += 1,
        _ => {}
    };
    parser.feed(&read(rel), &mut sink);
    parser.finish(&mut sink);
    c
}

/// Run `check` on the event whose line is `line`; fails if there is none.
fn at_line(rel: &str, line: u64, mut check: impl FnMut(&EventKind<'_>)) {
    let mut seen = 0;
    let mut parser = PushParser::new(Format::Auto);
    let mut sink = |ev: Event<'_>| {
        if ev.at.line == line {
            seen += 1;
            check(&ev.kind);
        }
    };
    parser.feed(&read(rel), &mut sink);
    parser.finish(&mut sink);
    assert!(seen > 0, "no event at {rel}:{line}");
}

fn ip(s: &str) -> Host<'static> {
    Host::Ip(s.parse::<IpAddr>().unwrap())
}

#[test]
fn row_counts_of_every_capture() {
    let expected: &[(&str, usize, usize, usize, usize)] = &[
        // file, sections, inet rows, unix rows, notices
        ("real/r1_netstat-neopa.txt", 2, 237, 56, 0),
        ("real/r1_netstat-tulpn.txt", 1, 66, 0, 0),
        ("real/r1_after_netstat-neopa.txt", 2, 63, 13, 0),
        ("real/r1_emptyns_netstat-neopa.txt", 2, 0, 0, 0),
        ("real/r1_nonroot_netstat-neopa_with-stderr.txt", 2, 237, 56, 1),
        ("real/r1_warn_netstat-tulpn-ipx_with-stderr.txt", 1, 66, 0, 1),
        ("old/nettools-1.60_netstat-neopa.txt", 2, 148, 45, 0),
        ("old/nettools-2013_netstat-neopa.txt", 2, 150, 45, 0),
        ("jc/centos-7.7_netstat-l.out", 2, 8, 33, 0),
        ("jc/centos-7.7_netstat-p.out", 2, 1, 116, 0),
        ("jc/centos-7.7_netstat-sudo-aeep.out", 2, 10, 150, 0),
        ("jc/centos-7.7_netstat-sudo-lnp.out", 2, 8, 33, 0),
        ("jc/centos-7.7_netstat.out", 2, 3, 116, 0),
        ("jc/fedora32_netstat.out", 3, 2, 129, 0),
        ("jc/generic_netstat-no-state.out", 1, 4, 0, 0),
        ("jc/generic_netstat-old.out", 2, 2, 8, 0),
        ("jc/ubuntu-18.04_netstat-l.out", 2, 7, 21, 0),
        ("jc/ubuntu-18.04_netstat-p.out", 2, 2, 91, 0),
        ("jc/ubuntu-18.04_netstat-sudo-aeep.out", 2, 9, 113, 0),
        ("jc/ubuntu-18.04_netstat-sudo-lnp-space.out", 2, 26, 21, 0),
        ("jc/ubuntu-18.04_netstat-sudo-lnp.out", 2, 7, 21, 0),
        ("jc/ubuntu-18.04_netstat.out", 2, 2, 91, 0),
    ];
    for &(file, sections, inet, unix, notices) in expected {
        let got = counts(file);
        assert_eq!(got, Counts { sections, inet, unix, notices, malformed: 0 }, "{file}");
    }
}

#[test]
fn overflowing_queue_keeps_the_rest_of_the_row() {
    at_line("real/r1_netstat-neopa.txt", 49, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!(c.recv_q, Some(25_229_664));
        assert_eq!((c.local.host, c.local.port), (ip("127.0.0.1"), Port::Number(46303)));
        assert_eq!(c.foreign.map(|f| f.port), Some(Port::Number(46708)));
        assert_eq!(c.state, InetState::Known(TcpState::Established));
        assert_eq!((c.user, c.inode), (Some(User::Uid(0)), Some(18980)));
        assert_eq!(c.owner, Some(Owner::Process { pid: 9020, name: b"python3" }));
    });
    at_line("real/r1_netstat-neopa.txt", 154, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!((c.recv_q, c.send_q), (Some(1), Some(1_015_836)));
        assert_eq!(c.state, InetState::Known(TcpState::Closing));
        let t = c.timer.unwrap();
        assert_eq!((t.kind, t.expires_ms), (TimerKind::On, 810));
    });
}

#[test]
fn timers_states_and_protocols() {
    at_line("real/r1_netstat-neopa.txt", 150, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        let t = c.timer.unwrap();
        assert_eq!((t.kind, t.expires_ms, t.retransmits, t.probes), (TimerKind::Keepalive, 7_199_080, 0, 0));
    });
    at_line("real/r1_netstat-neopa.txt", 235, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!((c.proto, c.state), (Proto::Udpl6, InetState::Empty));
        assert_eq!(c.local.host, ip("::1"));
        assert_eq!(c.foreign.map(|f| (f.host, f.port)), Some((ip("::"), Port::Any)));
        assert_eq!(c.inode, Some(19041));
    });
    at_line("real/r1_netstat-neopa.txt", 239, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!((c.proto, c.recv_q, c.state), (Proto::Raw6, Some(43520), InetState::Kernel(7)));
        assert_eq!(c.local.port, Port::Number(58));
    });
}

#[test]
fn truncated_ipv6_and_cut_program_names() {
    at_line("real/r1_netstat-neopa.txt", 169, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!(c.local.host, Host::Truncated("fe80::fc:ff:fe00:"));
        assert_eq!(c.local.port, Port::Number(45694));
        assert!(c.local.maybe_truncated);
    });
    // 'zoo-ünicode-π-ß' cut at 19 bytes, inside the 'π' (a lone 0xCF is left).
    at_line("real/r1_netstat-neopa.txt", 12, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!(c.owner, Some(Owner::Process { pid: 9068, name: b"zoo-\xc3\xbcnicode-\xcf" }));
        assert_eq!(c.timer.unwrap().kind, TimerKind::Off);
    });
    at_line("real/r1_netstat-neopa.txt", 17, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!(c.owner, Some(Owner::Process { pid: 9064, name: b"zoo worker: ac" }));
    });
}

#[test]
fn unix_paths_are_kept_as_bytes() {
    at_line("real/r1_netstat-neopa.txt", 242, |k| {
        let EventKind::UnixSocket(u) = k else { panic!("{k:?}") };
        assert_eq!((u.sock_type, u.state), (UnixType::Dgram, UnixState::Empty));
        assert_eq!(u.path, b"/tmp/zoo-zggbz6p1/zoo-bad-\xff\xfe-utf8.sock");
    });
    at_line("real/r1_netstat-neopa.txt", 283, |k| {
        let EventKind::UnixSocket(u) = k else { panic!("{k:?}") };
        assert_eq!(u.path, b"@zoo-abs-\xc3(-bad-utf8");
    });
    at_line("real/r1_netstat-neopa.txt", 254, |k| {
        let EventKind::UnixSocket(u) = k else { panic!("{k:?}") };
        assert_eq!((u.state, u.inode, u.owner), (UnixState::Connecting, Some(0), Some(Owner::Hidden)));
        assert_eq!(u.path, b"/tmp/zoo-zggbz6p1/zoo-backlog.sock");
    });
    at_line("real/r1_netstat-neopa.txt", 296, |k| {
        let EventKind::UnixSocket(u) = k else { panic!("{k:?}") };
        assert_eq!(u.owner, Some(Owner::Process { pid: 9064, name: b"zoo worker: ac" }));
        assert_eq!(u.path, b"@zoo-child-9064");
        assert!(u.flags.accepting);
    });
    at_line("real/r1_netstat-neopa.txt", 251, |k| {
        let EventKind::UnixSocket(u) = k else { panic!("{k:?}") };
        assert_eq!(u.path, b"");
    });
}

#[test]
fn spliced_warning_is_cut_out_and_the_row_joined() {
    let file = "real/r1_warn_netstat-tulpn-ipx_with-stderr.txt";
    at_line(file, 42, |k| match k {
        EventKind::Notice(n) => {
            assert_eq!(n.kind, NoticeKind::NoSupport);
            assert_eq!(n.text, b"netstat: no support for `AF IPX' on this system.");
        }
        EventKind::InetConn(c) => {
            assert_eq!(c.proto, Proto::Tcp6);
            assert_eq!((c.recv_q, c.send_q), (Some(0), Some(0)));
            assert_eq!((c.local.host, c.local.port), (ip("fd00::2"), Port::Number(45698)));
            assert_eq!(c.state, InetState::Known(TcpState::Listen));
            assert_eq!(c.owner, Some(Owner::Process { pid: 7268, name: b"python3" }));
        }
        other => panic!("{other:?}"),
    });
}

#[test]
fn non_root_notice_and_hidden_owners() {
    let file = "real/r1_nonroot_netstat-neopa_with-stderr.txt";
    at_line(file, 1, |k| {
        let EventKind::Notice(n) = k else { panic!("{k:?}") };
        assert_eq!(n.kind, NoticeKind::NoProcessInfo);
    });
    at_line(file, 4, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!(c.owner, Some(Owner::Hidden));
    });
}

#[test]
fn old_net_tools_layouts() {
    // 1.60: IPv6 sockets under `tcp`, v4-mapped printed in full, no blank after the program.
    at_line("old/nettools-1.60_netstat-neopa.txt", 111, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!(c.proto, Proto::Tcp);
        assert_eq!((c.local.host, c.local.port), (ip("::ffff:127.0.0.5"), Port::Number(33277)));
        assert_eq!(c.inode, Some(103_892));
        assert_eq!(c.owner, Some(Owner::Process { pid: 15041, name: b"python3" }));
        assert_eq!(c.timer.unwrap().kind, TimerKind::Off);
    });
    at_line("old/nettools-1.60_netstat-neopa.txt", 196, |k| {
        let EventKind::UnixSocket(u) = k else { panic!("{k:?}") };
        assert_eq!(u.inode, Some(103_318));
        assert_eq!(u.owner, Some(Owner::Process { pid: 15086, name: b"zoo.conf" }));
        assert_eq!(u.path, b"@zoo-child-15086");
    });
}

#[test]
fn resolved_names_and_user_names() {
    at_line("jc/centos-7.7_netstat-sudo-aeep.out", 5, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!((c.local.host, c.local.port), (Host::Name("localhost"), Port::Name("smtp")));
        assert_eq!(c.foreign.map(|f| (f.host, f.port)), Some((ip("::"), Port::Any)));
        assert_eq!(c.user, Some(User::Name(b"root")));
        assert_eq!(c.owner, Some(Owner::Process { pid: 1489, name: b"master" }));
        assert!(c.timer.is_none());
    });
    at_line("jc/centos-7.7_netstat-sudo-aeep.out", 11, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!((c.proto, c.state), (Proto::Udp6, InetState::Empty));
        assert_eq!(c.inode, Some(18364));
    });
    // A 15-character user name overflows its column.
    at_line("jc/ubuntu-18.04_netstat-sudo-aeep.out", 9, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!((c.state, c.user), (InetState::Empty, Some(User::Name(b"systemd-resolve"))));
        assert_eq!(c.owner, Some(Owner::Process { pid: 893, name: b"systemd-resolve" }));
    });
    at_line("jc/ubuntu-18.04_netstat-sudo-lnp-space.out", 5, |k| {
        let EventKind::InetConn(c) = k else { panic!("{k:?}") };
        assert_eq!(c.owner, Some(Owner::Process { pid: 600, name: b"sshd: /usr/sbin" }));
    });
}

#[test]
fn a_truncated_capture_keeps_every_row_before_the_cut() {
    let c = counts("real/v_r1_netstat-neopa_truncated.txt");
    assert_eq!((c.inet, c.malformed), (110, 1));
    at_line("real/v_r1_netstat-neopa_truncated.txt", 113, |k| {
        let EventKind::Malformed(m) = k else { panic!("{k:?}") };
        assert_eq!(m.column(), 45);
    });
}

#[test]
fn empty_capture_has_no_table() {
    let mut parser = PushParser::new(Format::Auto);
    let mut n = 0;
    parser.feed(&read("real/v_empty.txt"), &mut |_: Event<'_>| n += 1);
    parser.finish(&mut |_: Event<'_>| n += 1);
    assert_eq!(n, 0);
    assert!(!parser.saw_table());
}

#[test]
fn views_on_the_real_capture() {
    let mut view = NetstatView::default();
    let mut parser = PushParser::new(Format::Auto);
    parser.feed(&read("real/r1_netstat-neopa.txt"), &mut view);
    parser.finish(&mut view);
    let pids = view.listening_pid();
    // 7268 listens on fd00::2 and fe80::…; its last LISTEN row wins, as in insights.
    let l = &pids["9064"];
    assert_eq!((l.addr.as_str(), l.port.as_str(), l.name.as_str()), ("127.0.0.1", "34645", "zoo worker: ac"));
    let procs = view.running_processes();
    assert!(procs.contains("zoo worker: ac") && procs.contains("zoo.conf") && procs.contains("python3"));
    let tables = view.tables();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0].rows.len(), 237);
    assert_eq!(tables[1].rows.len(), 56);
    assert_eq!(tables[1].rows.get(0).unwrap().get("RefCnt"), Some(&b"unix  2"[..]));
}
