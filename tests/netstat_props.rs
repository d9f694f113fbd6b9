//! Render → parse round trips: typed netstat rows are printed the way net-tools 2.10 prints
//! them (its printf widths, so long values overflow their columns), parsed back, and
//! compared field by field.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netsift::events::{Host, InetState, Owner, Port, Proto, TcpState, TimerKind, UnixState, User};
use netsift::{Event, EventKind, Format, PushParser};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct InetSpec {
    proto: Proto,
    recv_q: u64,
    send_q: u64,
    local: (IpAddr, u16),
    foreign: (IpAddr, Option<u16>),
    state: Option<TcpState>,
    uid: u32,
    inode: u64,
    owner: Option<(u32, Vec<u8>)>,
    timer: (TimerKind, u64, u64, u64),
}

const STATES: [TcpState; 11] = [
    TcpState::Established,
    TcpState::SynSent,
    TcpState::SynRecv,
    TcpState::FinWait1,
    TcpState::FinWait2,
    TcpState::TimeWait,
    TcpState::Close,
    TcpState::CloseWait,
    TcpState::LastAck,
    TcpState::Listen,
    TcpState::Closing,
];

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|v| IpAddr::V4(Ipv4Addr::from(v))),
        // Short IPv6 addresses (netstat without -W cuts long ones; -W is tested below).
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, a, b))),
        Just(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        Just(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    ]
}

/// A program name as netstat prints it: any bytes but NUL and line ends, no blank at either
/// end (the column is padded with blanks), at most 19 bytes with the pid and its slash.
fn program(pid: u32) -> impl Strategy<Value = Vec<u8>> {
    let room = 19usize.saturating_sub(pid.to_string().len() + 1);
    proptest::collection::vec(prop_oneof![Just(b' '), 0x21u8..=0x7e, 0x80u8..=0xff], 1..=room.max(1)).prop_map(
        |mut v| {
            while v.first() == Some(&b' ') {
                v.remove(0);
            }
            while v.last() == Some(&b' ') {
                v.pop();
            }
            if v.is_empty() {
                v.push(b'x');
            }
            v
        },
    )
}

fn inet_spec() -> impl Strategy<Value = InetSpec> {
    let proto = prop_oneof![
        Just(Proto::Tcp),
        Just(Proto::Tcp6),
        Just(Proto::Udp),
        Just(Proto::Udp6),
        Just(Proto::Udpl),
        Just(Proto::Raw6)
    ];
    let owner = (1u32..4_000_000).prop_flat_map(|pid| program(pid).prop_map(move |name| (pid, name)));
    (
        proto,
        prop_oneof![0u64..100, any::<u64>()],
        prop_oneof![0u64..100, 0u64..100_000_000],
        (ip(), any::<u16>()),
        (ip(), proptest::option::of(any::<u16>())),
        proptest::sample::select(STATES.to_vec()),
        any::<u32>(),
        prop_oneof![0u64..100_000, any::<u64>()],
        proptest::option::of(owner),
        (0u64..1_000_000, 0u64..20, 0u64..10),
    )
        .prop_map(|(proto, recv_q, send_q, local, foreign, state, uid, inode, owner, (centis, re, pr))| {
            let state = match proto {
                Proto::Tcp | Proto::Tcp6 => Some(state),
                // Raw sockets print their kernel state number; udp prints nothing.
                _ => None,
            };
            let timer =
                if centis % 3 == 0 { (TimerKind::Off, 0, re, pr) } else { (TimerKind::Keepalive, centis, re, pr) };
            InetSpec { proto, recv_q, send_q, local, foreign, state, uid, inode, owner, timer }
        })
}

fn endpoint_text(ip: IpAddr, port: Option<u16>) -> String {
    let port = port.map_or("*".to_string(), |p| p.to_string());
    format!("{ip}:{port}")
}

/// Print a row as net-tools 2.10 `netstat -neopa` does.
fn render(s: &InetSpec) -> Vec<u8> {
    let proto = s.proto.as_str();
    let head = if proto.len() <= 4 { format!("{proto:<4}  ") } else { format!("{proto:<5} ") };
    let state = match (s.proto, s.state) {
        (_, Some(st)) => st.as_str().to_string(),
        (Proto::Raw6, None) => "7".to_string(),
        _ => String::new(),
    };
    let mut line = format!(
        "{head}{:>6} {:>6} {:<23} {:<23} {:<11} {:<10} {:<10}",
        s.recv_q,
        s.send_q,
        endpoint_text(s.local.0, Some(s.local.1)),
        endpoint_text(s.foreign.0, s.foreign.1),
        state,
        s.uid,
        s.inode
    )
    .into_bytes();
    let owner = match &s.owner {
        None => b"-".to_vec(),
        Some((pid, name)) => [pid.to_string().into_bytes(), b"/".to_vec(), name.clone()].concat(),
    };
    line.push(b' ');
    line.extend_from_slice(&owner);
    line.extend(std::iter::repeat_n(b' ', 20usize.saturating_sub(owner.len())));
    let (kind, centis, re, pr) = s.timer;
    let word = if kind == TimerKind::Off { "off" } else { "keepalive" };
    line.extend_from_slice(format!(" {word} ({}.{:02}/{re}/{pr})", centis / 100, centis % 100).as_bytes());
    line
}

const HEAD: &str = "Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\n";

fn check(specs: &[InetSpec], input: &[u8]) -> Result<(), TestCaseError> {
    let mut parsed = Vec::new();
    let mut bad = Vec::new();
    let mut parser = PushParser::new(Format::Netstat);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::InetConn(c) => {
            let foreign = c.foreign.map(|f| (f.host, f.port));
            parsed.push((
                c.proto,
                c.recv_q,
                c.send_q,
                format!("{:?}", (c.local.host, c.local.port)),
                foreign.map(|(h, p)| (format!("{h:?}"), format!("{p:?}"))),
                format!("{:?}", c.state),
                format!("{:?}", c.user),
                c.inode,
                c.owner.map(|o| match o {
                    Owner::Process { pid, name } => Some((pid, name.to_vec())),
                    _ => None,
                }),
                c.timer.map(|t| (t.kind, t.expires_ms, t.retransmits, t.probes)),
            ));
        }
        EventKind::Malformed(m) => bad.push(String::from_utf8_lossy(m.raw).into_owned()),
        _ => {}
    };
    parser.feed(input, &mut sink);
    parser.finish(&mut sink);
    prop_assert!(bad.is_empty(), "malformed: {:?}", bad);
    prop_assert_eq!(parsed.len(), specs.len());
    for (s, p) in specs.iter().zip(&parsed) {
        prop_assert_eq!(p.0, s.proto);
        prop_assert_eq!((p.1, p.2), (Some(s.recv_q), Some(s.send_q)));
        prop_assert_eq!(&p.3, &format!("{:?}", (Host::Ip(s.local.0), Port::Number(s.local.1))));
        let want_port = s.foreign.1.map_or(Port::Any, Port::Number);
        prop_assert_eq!(p.4.clone(), Some((format!("{:?}", Host::Ip(s.foreign.0)), format!("{want_port:?}"))));
        let want_state = match (s.proto, s.state) {
            (_, Some(st)) => InetState::Known(st),
            (Proto::Raw6, None) => InetState::Kernel(7),
            _ => InetState::Empty,
        };
        prop_assert_eq!(&p.5, &format!("{want_state:?}"));
        prop_assert_eq!(&p.6, &format!("{:?}", Some(User::Uid(s.uid))));
        prop_assert_eq!(p.7, Some(s.inode));
        prop_assert_eq!(p.8.clone(), Some(s.owner.clone()));
        let (kind, centis, re, pr) = s.timer;
        prop_assert_eq!(p.9, Some((kind, (centis * 10) as i64, re, pr)));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn inet_rows_round_trip(specs in proptest::collection::vec(inet_spec(), 1..20)) {
        let mut input = HEAD.as_bytes().to_vec();
        for s in &specs {
            input.extend_from_slice(&render(s));
            input.push(b'\n');
        }
        check(&specs, &input)?;
    }

    #[test]
    fn unix_rows_round_trip(
        rows in proptest::collection::vec(
            (1u64..100, any::<bool>(), 0usize..3, any::<u64>(), proptest::option::of((1u32..99999, "[a-z][a-z ]{0,8}[a-z]")),
             proptest::option::of("/[a-zA-Z0-9/._@-]{1,60}")),
            1..20)
    ) {
        let mut input = b"Active UNIX domain sockets (servers and established)\nProto RefCnt Flags       Type       State         I-Node   PID/Program name     Path\n".to_vec();
        for (refcnt, acc, state, inode, owner, path) in &rows {
            let flags = if *acc { "[ ACC ]" } else { "[ ]" };
            let state = ["", "LISTENING", "CONNECTED"][*state];
            let owner = owner.as_ref().map_or("-".to_string(), |(pid, name)| format!("{pid}/{name}"));
            let line = format!("unix  {refcnt:<6} {flags:<11} {:<10} {state:<13} {inode:<8} {owner:<20} {}", "STREAM", path.clone().unwrap_or_default());
            input.extend_from_slice(line.as_bytes());
            input.push(b'\n');
        }
        let mut parsed = Vec::new();
        let mut parser = PushParser::new(Format::Netstat);
        let mut sink = |ev: Event<'_>| {
            if let EventKind::UnixSocket(u) = ev.kind {
                let owner = u.owner.map(|o| match o { Owner::Process { pid, name } => Some((pid, String::from_utf8_lossy(name).into_owned())), _ => None });
                parsed.push((u.refcnt, u.flags.accepting, format!("{:?}", u.state), u.inode, owner, u.path.to_vec()));
            }
        };
        parser.feed(&input, &mut sink);
        parser.finish(&mut sink);
        prop_assert_eq!(parsed.len(), rows.len());
        for ((refcnt, acc, state, inode, owner, path), p) in rows.iter().zip(&parsed) {
            let want_state = [UnixState::Empty, UnixState::Listening, UnixState::Connected][*state];
            prop_assert_eq!((p.0, p.1, p.2.clone(), p.3), (*refcnt, *acc, format!("{want_state:?}"), Some(*inode)));
            prop_assert_eq!(p.4.clone(), Some(owner.clone()));
            prop_assert_eq!(p.5.clone(), path.clone().unwrap_or_default().into_bytes());
        }
    }
}
