//! Properties of the kernel's socket tables (`/proc/net/{tcp,udp,raw,…}`, `/proc/net/unix`):
//!
//! - generated sockets, printed as the kernel prints them (`seq_printf` formats of
//!   net/ipv4/tcp_ipv4.c, udp.c, raw.c, net/ipv6/…, net/unix/af_unix.c), come back exactly:
//!   addresses of both families and v4-mapped, ports, states, queues, timers, uid, inode,
//!   refcount, pointer, each protocol's trailing fields; unix flags, type, state and any
//!   path bytes (abstract names, blanks, newlines, non-UTF-8);
//! - the events do not depend on how the input is cut into chunks, with the explicit format
//!   and with `-f auto`.

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use common::fixtures::json_lines;
use netsift::events::{EventKind, Host, Port, User};
use netsift::netsift_grammar::netstat::Proto;
use netsift::netsift_grammar::proc_inet::{encode_address, KernelExtra};
use netsift::{Event, Format, PushParser};
use proptest::prelude::*;

/// One generated inet socket.
#[derive(Debug, Clone)]
struct Sock {
    local: (IpAddr, u16),
    remote: (IpAddr, u16),
    state: u8,
    tx: u64,
    rx: u64,
    timer: u8,
    when: i64,
    retr: u64,
    uid: u32,
    timeout: u64,
    inode: u64,
    tail: Tail,
}

#[derive(Debug, Clone)]
enum Tail {
    /// An old kernel: nothing after the inode.
    None,
    /// TIME_WAIT / SYN_RECV: ref and pointer only.
    Short {
        refcount: u64,
        pointer: u64,
    },
    Tcp {
        refcount: u64,
        pointer: u64,
        rto: u64,
        ato: u64,
        qp: u64,
        cwnd: u64,
        ssthresh: i64,
    },
    Dgram {
        refcount: u64,
        pointer: u64,
        drops: u64,
    },
}

fn ip(v6: bool) -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(move |b| if v6 {
            IpAddr::V6(Ipv4Addr::from(b).to_ipv6_mapped())
        } else {
            IpAddr::V4(Ipv4Addr::from(b))
        }),
        any::<[u8; 16]>().prop_map(move |b| if v6 {
            IpAddr::V6(Ipv6Addr::from(b))
        } else {
            IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
        }),
    ]
}

fn tail() -> impl Strategy<Value = Tail> {
    let rp = (any::<u32>().prop_map(u64::from), any::<u64>());
    prop_oneof![
        Just(Tail::None),
        rp.clone().prop_map(|(refcount, pointer)| Tail::Short { refcount, pointer }),
        (rp.clone(), any::<u32>(), any::<u32>(), 0u64..4, any::<u32>(), any::<i32>()).prop_map(
            |((refcount, pointer), rto, ato, qp, cwnd, ssthresh)| Tail::Tcp {
                refcount,
                pointer,
                rto: rto.into(),
                ato: ato.into(),
                qp,
                cwnd: cwnd.into(),
                ssthresh: ssthresh.into(),
            }
        ),
        (rp, any::<u32>()).prop_map(|((refcount, pointer), drops)| Tail::Dgram {
            refcount,
            pointer,
            drops: drops.into()
        }),
    ]
}

fn sock(v6: bool) -> impl Strategy<Value = Sock> {
    (
        (ip(v6), any::<u16>(), ip(v6), any::<u16>()),
        (1u8..13, any::<u32>(), any::<u32>(), 0u8..5, any::<i32>()),
        (any::<u8>(), any::<u32>(), 0u64..4, any::<u32>(), tail()),
    )
        .prop_map(|((la, lp, ra, rp), (state, tx, rx, timer, when), (retr, uid, timeout, inode, tail))| Sock {
            local: (la, lp),
            remote: (ra, rp),
            state,
            tx: tx.into(),
            rx: rx.into(),
            timer,
            when: when.into(),
            retr: retr.into(),
            uid,
            timeout,
            inode: inode.into(),
            tail,
        })
}

/// The row as the kernel prints it (`%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX
/// %08X %5u %8d %lu …`); a negative `tm->when` as a 64-bit long printed unsigned.
fn render(slot: usize, s: &Sock) -> String {
    let when = if s.when < 0 { format!("{:016X}", s.when as u64) } else { format!("{:08X}", s.when) };
    let mut row = format!(
        "{slot:4}: {}:{:04X} {}:{:04X} {:02X} {:08X}:{:08X} {:02X}:{when} {:08X} {:5} {:8} {}",
        encode_address(s.local.0),
        s.local.1,
        encode_address(s.remote.0),
        s.remote.1,
        s.state,
        s.tx,
        s.rx,
        s.timer,
        s.retr,
        s.uid,
        s.timeout,
        s.inode
    );
    match &s.tail {
        Tail::None => {}
        Tail::Short { refcount, pointer } => row += &format!(" {refcount} {pointer:016x}"),
        Tail::Tcp { refcount, pointer, rto, ato, qp, cwnd, ssthresh } => {
            row += &format!(" {refcount} {pointer:016x} {rto} {ato} {qp} {cwnd} {ssthresh}")
        }
        Tail::Dgram { refcount, pointer, drops } => row += &format!(" {refcount} {pointer:016x} {drops}"),
    }
    format!("{row:<149}\n")
}

const TCP_HEADER: &str =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn rendered_inet_rows_come_back(v6 in any::<bool>(), socks in proptest::collection::vec(sock(false), 1..12)) {
        let socks: Vec<Sock> = if v6 {
            socks.into_iter().map(|mut s| {
                let to6 = |ip: IpAddr| match ip { IpAddr::V4(a) => IpAddr::V6(a.to_ipv6_mapped()), other => other };
                s.local.0 = to6(s.local.0);
                s.remote.0 = to6(s.remote.0);
                s
            }).collect()
        } else { socks };
        let mut input = TCP_HEADER.to_string();
        for (i, s) in socks.iter().enumerate() {
            input += &render(i, s);
        }
        let mut got = Vec::new();
        let mut sink = |ev: Event<'_>| {
            if let EventKind::InetConn(c) = ev.kind {
                let k = c.kernel.expect("kernel");
                let host = |h: Host<'_>| match h { Host::Ip(ip) => ip, other => panic!("{other:?}") };
                let port = |p: Port<'_>| p.number().expect("port");
                let f = c.foreign.expect("foreign");
                let tail = match (k.refcount, k.pointer, k.extra) {
                    (None, None, KernelExtra::None) => Tail::None,
                    (Some(refcount), Some(pointer), KernelExtra::None) => Tail::Short { refcount, pointer },
                    (Some(refcount), Some(pointer), KernelExtra::Tcp { rto, ato, quick_pingpong, cwnd, ssthresh }) =>
                        Tail::Tcp { refcount, pointer, rto, ato, qp: quick_pingpong, cwnd, ssthresh },
                    (Some(refcount), Some(pointer), KernelExtra::Dgram { drops }) => Tail::Dgram { refcount, pointer, drops },
                    other => panic!("{other:?}"),
                };
                let uid = match c.user { Some(User::Uid(u)) => u, other => panic!("{other:?}") };
                got.push(format!("{:?}", Sock {
                    local: (host(c.local.host), port(c.local.port)),
                    remote: (host(f.host), port(f.port)),
                    state: k.state_code,
                    tx: c.send_q.expect("tx"),
                    rx: c.recv_q.expect("rx"),
                    timer: k.timer_code,
                    when: k.when_ticks,
                    retr: k.retransmits,
                    uid,
                    timeout: k.timeout,
                    inode: c.inode.expect("inode"),
                    tail,
                }));
            }
        };
        let mut parser = PushParser::new(Format::ProcNetInet(if v6 { Proto::Tcp6 } else { Proto::Tcp }));
        parser.feed(input.as_bytes(), &mut sink);
        parser.finish(&mut sink);
        let want: Vec<String> = socks.iter().map(|s| format!("{s:?}")).collect();
        prop_assert_eq!(got, want);
        prop_assert_eq!(parser.stats().malformed, 0);
    }

    #[test]
    fn inet_chunking_does_not_matter(socks in proptest::collection::vec(sock(true), 1..8), cuts in proptest::collection::vec(any::<usize>(), 0..12)) {
        let mut input = TCP_HEADER.replace("rem_address  ", "remote_address");
        for (i, s) in socks.iter().enumerate() {
            input += &render(i, s);
        }
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (input.len() + 1)).collect();
        cuts.sort_unstable();
        for format in [Format::ProcNetInet(Proto::Udp6), Format::Auto] {
            let (whole, stats) = json_lines(PushParser::new(format), input.as_bytes(), &[], |_| {});
            let (cut, cut_stats) = json_lines(PushParser::new(format), input.as_bytes(), &cuts, |_| {});
            prop_assert_eq!(&cut, &whole);
            prop_assert_eq!(cut_stats, stats);
            prop_assert_eq!(stats.rows as usize, socks.len());
        }
    }

    #[test]
    fn rendered_unix_rows_come_back(
        rows in proptest::collection::vec(
            (any::<u64>(), any::<u32>(), any::<bool>(), 1u64..6, 0u64..5, any::<u32>(),
             proptest::collection::vec(any::<u8>(), 0..40)),
            1..10),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let mut input = b"Num       RefCount Protocol Flags    Type St Inode Path\n".to_vec();
        let mut want = Vec::new();
        for (pointer, refcount, acc, ty, st, inode, path) in &rows {
            // The kernel prints a path as bytes, `@` first for an abstract name; a path
            // never begins with a NUL here (that is the abstract form).
            let mut path: Vec<u8> = path.iter().map(|&b| if b == 0 { b'@' } else { b }).collect();
            // At most one newline, inside the path, followed by a letter: the rest of a path
            // that looked like a row, the header, a blank line or a message would end it
            // (documented in grammar/README.md).
            path.retain(|&b| b != b'\n' && b != b'\r');
            if path.len() > 3 {
                let mid = path.len() / 2;
                path.insert(mid, b'\n');
                path.insert(mid + 1, b'z');
            }
            let flags = if *acc { 0x10000 } else { 0 };
            input.extend(format!("{pointer:016x}: {refcount:08X} 00000000 {flags:08X} {ty:04X} {st:02X} {inode:5}").into_bytes());
            if !path.is_empty() {
                input.push(b' ');
                input.extend(&path);
            }
            input.push(b'\n');
            want.push((*pointer, u64::from(*refcount), flags, *ty, *st, u64::from(*inode), path));
        }
        let mut got = Vec::new();
        let mut sink = |ev: Event<'_>| {
            if let EventKind::UnixSocket(u) = ev.kind {
                let k = u.kernel.expect("kernel");
                got.push((k.pointer, u.refcnt, k.flags, k.type_code, k.state_code, u.inode.expect("inode"), u.path.to_vec()));
            }
        };
        let mut parser = PushParser::new(Format::ProcNetUnix);
        parser.feed(&input, &mut sink);
        parser.finish(&mut sink);
        prop_assert_eq!(parser.stats().malformed, 0);
        prop_assert_eq!(&got, &want);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (input.len() + 1)).collect();
        cuts.sort_unstable();
        let (whole, _) = json_lines(PushParser::new(Format::ProcNetUnix), &input, &[], |_| {});
        let (cut, _) = json_lines(PushParser::new(Format::ProcNetUnix), &input, &cuts, |_| {});
        prop_assert_eq!(cut, whole);
    }
}
