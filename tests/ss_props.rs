//! Properties of the ss reader:
//!
//! - the event stream (and the line accounting) does not depend on how the input is cut
//!   into chunks: every cut of small inputs, 1-byte chunks of big ones, random cuts of
//!   every ss fixture; the held row and its continuation lines cross chunk borders;
//! - render → parse round trips: typed rows (netids, states, queues of any width,
//!   IPv4/IPv6/bracketed/scoped/`*` addresses and ports, unix paths with blanks, process
//!   lists whose names hold blanks, quotes, `(`, `,`, `=` and bytes that are not UTF-8)
//!   printed the way ss 6.x prints them (a header, column widths computed from the data,
//!   padding) are read back with the same typed values.

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use common::fixtures::{find, json_lines, pick, read};
use netsift::netsift_grammar::ss::{ExtraValue, Host, Netid, Port, State};
use netsift::push::LineStats;
use netsift::{Event, EventKind, Format, PushParser};
use proptest::prelude::*;

/// Every ss fixture of the project.
fn ss_fixtures() -> Vec<PathBuf> {
    find(|path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        name.contains("ss-") && !name.contains("netstat") && !name.ends_with(".md")
    })
}

/// A capture with every shape the machine holds state for: a time stamp, continuation
/// lines (one, two, TAB-only), a process name split by a newline, a notice inside the
/// table, a malformed row, a blank line, a second header (capture 2), CRLF endings, a TAB
/// line with nothing to fold into, and no final newline.
const HARD: &[u8] = b"Fri Nov 27 02:46:51 UTC 2026\n\
Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n\
tcp   ESTAB  0      0          127.0.0.1:40001    127.0.0.1:51086 users:((\"a b\",pid=1,fd=13)) timer:(keepalive,940ms,0) ino:8943 sk:1026 <->\n\
\t skmem:(r0,rb131072,t0,tb3939840,f0,w0,o0,bl0,d0) ts sack bbr wscale:10,10 rto:200\n\
\t bbr:(bw:0bps,mrtt:0.007) send 374491428571bps\n\
tcp   TIME-WAIT 0   0          127.0.0.1:40002    127.0.0.1:51087\n\
\t      \n\
tcp   LISTEN 0      1          127.0.0.1:45701      0.0.0.0:*    users:((\"nl\n\
name\",pid=13679,fd=3))\n\
RTNETLINK answers: Invalid argument\n\
udp   UNCONN 0      0      [fe80::1]%eth0:5353         [::]:*     users:((\"q\"u(o\",pid=9067,fd=4),(\"\xff\xfe\",pid=2,fd=5))\r\n\
tcp   ESTAB  x      0          127.0.0.1:40001    127.0.0.1:51086\n\
\n\
Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\r\n\
\t orphan\n\
u_str LISTEN 0      8      /tmp/dir with space.sock 8730 * 0 users:((\"x\",pid=3,fd=4))\n\
\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0)";

/// Every event as its JSON line, plus the line accounting, for `input` fed in the
/// chunks that `cuts` (sorted offsets) make.
fn events(input: &[u8], cuts: &[usize], format: Format) -> (Vec<Vec<u8>>, LineStats) {
    json_lines(PushParser::new(format), input, cuts, |_| {})
}

#[test]
fn the_hard_input_reads_as_intended() {
    let (ev, stats) = events(HARD, &[], Format::Ss);
    let kinds: Vec<String> = ev
        .iter()
        .map(|e| {
            let v: serde_json::Value = serde_json::from_str(&String::from_utf8_lossy(e).replace(r"\udc", "x")).unwrap();
            format!("{}@{}", v["kind"].as_str().unwrap(), v["line"])
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "notice@1",
            "section@2",
            "ss_socket@3",
            "ss_socket@6",
            "ss_socket@8",
            "notice@10",
            "ss_socket@11",
            "malformed@12",
            "section@14",
            "malformed@15",
            "ss_socket@16",
        ]
    );
    assert_eq!((stats.rows, stats.continuations, stats.malformed, stats.blank), (5, 5, 2, 1));
    assert_eq!(
        stats.rows + stats.headers + stats.notices + stats.blank + stats.continuations + stats.malformed,
        stats.lines
    );
}

#[test]
fn every_cut_of_small_inputs() {
    let mut inputs = vec![("hard".to_string(), HARD.to_vec())];
    for rel in [
        "insights/fixtures/ss-tupna-docs.txt",
        "insights/fixtures/ss-tulpn.txt",
        "insights/fixtures/quirks/ss-no-header.txt",
        "captured/deb12_ss-tulpn.txt",
    ] {
        inputs.push((rel.to_string(), read(rel)));
    }
    for (name, input) in inputs {
        for format in [Format::Ss, Format::Auto] {
            let whole = events(&input, &[], format);
            for cut in 0..=input.len() {
                assert_eq!(events(&input, &[cut], format), whole, "{name} cut at {cut}");
            }
            let every: Vec<usize> = (1..input.len()).collect();
            assert_eq!(events(&input, &every, format), whole, "{name} byte by byte");
        }
    }
}

#[test]
fn byte_by_byte_on_big_captures_with_continuations() {
    for rel in ["corpus/real/r1_ss-tupnai.txt", "captured/deb12_ss-peaonmi.txt", "corpus/old/ss-4.15_tupnaoie.txt"] {
        let input = read(rel);
        let every: Vec<usize> = (1..input.len()).collect();
        assert_eq!(events(&input, &every, Format::Ss), events(&input, &[], Format::Ss), "{rel}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_cuts_of_every_ss_fixture(index in 0usize..1000, mut cuts in proptest::collection::vec(0usize..160_000, 0..60)) {
        let files = ss_fixtures();
        prop_assert!(files.len() >= 25, "{files:?}");
        let (file, input) = pick(&files, index);
        cuts.sort_unstable();
        prop_assert_eq!(events(&input, &cuts, Format::Ss), events(&input, &[], Format::Ss), "{}", file.display());
    }
}

// ---- render → parse ----------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Addr {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Any,
}

#[derive(Debug, Clone, PartialEq)]
struct Inet {
    addr: Addr,
    iface: Option<String>,
    /// `None` prints `*`.
    port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq)]
enum Sides {
    Inet {
        local: Inet,
        peer: Inet,
    },
    /// `path` of `None` prints `*` (unnamed socket); the peer is `*` and its inode.
    Unix {
        path: Option<Vec<u8>>,
        inode: u32,
        peer_inode: u32,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct Proc {
    name: Vec<u8>,
    pid: u32,
    tid: Option<u32>,
    fd: u32,
}

#[derive(Debug, Clone, PartialEq)]
struct GenRow {
    netid: &'static str,
    state: &'static str,
    recv_q: u64,
    send_q: u64,
    sides: Sides,
    procs: Vec<Proc>,
    /// `-e`: `ino:N sk:HEX <->` after the process.
    extras: Option<(u32, u64)>,
}

fn addr() -> impl Strategy<Value = Addr> {
    prop_oneof![
        any::<u32>().prop_map(|v| Addr::V4(Ipv4Addr::from(v))),
        any::<u128>().prop_map(|v| Addr::V6(Ipv6Addr::from(v))),
        any::<u32>().prop_map(|v| Addr::V6(Ipv4Addr::from(v).to_ipv6_mapped())),
        Just(Addr::V6(Ipv6Addr::UNSPECIFIED)),
        Just(Addr::Any),
    ]
}

fn iface() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9._@:-]{0,14}"
}

fn inet(with_iface: bool) -> impl Strategy<Value = Inet> {
    let iface = if with_iface { proptest::option::weighted(0.3, iface()).boxed() } else { Just(None).boxed() };
    (addr(), iface, proptest::option::weighted(0.85, any::<u16>())).prop_map(|(addr, iface, port)| Inet {
        addr,
        iface,
        port,
    })
}

/// A unix path: `/` or `@` then words (no word starts with `/` or `@`), single or double
/// blanks between them; never a trailing blank.
fn unix_path() -> impl Strategy<Value = Vec<u8>> {
    (prop_oneof![Just(b'/'), Just(b'@')], proptest::collection::vec(("[a-z0-9._-]{1,8}", 0usize..3), 1..5)).prop_map(
        |(lead, words)| {
            let mut p = vec![lead];
            for (i, (w, gap)) in words.iter().enumerate() {
                if i > 0 {
                    p.extend(std::iter::repeat_n(b' ', 1 + gap % 2));
                }
                p.extend_from_slice(w.as_bytes());
            }
            p
        },
    )
}

/// A `comm` as ss prints it: up to 15 bytes, never `)` (ss cuts there), never a line
/// break or TAB; blanks, quotes, `(`, `,`, `=` and bytes that are not UTF-8 welcome.
fn comm() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => proptest::char::range('a', 'z').prop_map(|c| c as u8),
        1 => Just(b' '),
        1 => Just(b'"'),
        1 => Just(b'('),
        1 => Just(b','),
        1 => Just(b'='),
        1 => Just(b':'),
        1 => Just(b'/'),
        1 => 0x80u8..=0xff,
        1 => proptest::char::range('0', '9').prop_map(|c| c as u8),
    ];
    proptest::collection::vec(byte, 1..16)
}

fn process() -> impl Strategy<Value = Proc> {
    (comm(), any::<u32>(), proptest::option::weighted(0.2, any::<u32>()), any::<u32>())
        .prop_map(|(name, pid, tid, fd)| Proc { name, pid, tid, fd })
}

fn queue() -> impl Strategy<Value = u64> {
    prop_oneof![4 => 0u64..10, 2 => 0u64..100_000, 1 => 0u64..100_000_000_000, 1 => any::<u64>()]
}

fn gen_row() -> impl Strategy<Value = GenRow> {
    let inet_netid =
        prop_oneof![Just("tcp"), Just("udp"), Just("raw"), Just("icmp6"), Just("mptcp"), Just("sctp"), Just("dccp")];
    let inet_state = prop_oneof![
        Just("ESTAB"),
        Just("SYN-SENT"),
        Just("SYN-RECV"),
        Just("FIN-WAIT-1"),
        Just("FIN-WAIT-2"),
        Just("TIME-WAIT"),
        Just("UNCONN"),
        Just("CLOSE-WAIT"),
        Just("LAST-ACK"),
        Just("LISTEN"),
        Just("CLOSING"),
        Just("UNKNOWN"),
    ];
    let inet_sides = (inet(true), inet(false)).prop_map(|(local, peer)| Sides::Inet { local, peer });
    let unix_sides = (proptest::option::weighted(0.8, unix_path()), any::<u32>(), any::<u32>())
        .prop_map(|(path, inode, peer_inode)| Sides::Unix { path, inode, peer_inode });
    let inet_row = (inet_netid, inet_state, inet_sides).boxed();
    let unix_netid = prop_oneof![Just("u_str"), Just("u_dgr"), Just("u_seq")];
    let unix_state = prop_oneof![Just("ESTAB"), Just("LISTEN"), Just("UNCONN")];
    let unix_row = (unix_netid, unix_state, unix_sides).boxed();
    (
        prop_oneof![3 => inet_row, 1 => unix_row],
        queue(),
        queue(),
        proptest::collection::vec(process(), 0..4),
        proptest::option::weighted(0.3, (any::<u32>(), any::<u64>())),
    )
        .prop_map(|((netid, state, sides), recv_q, send_q, procs, extras)| GenRow {
            netid,
            state,
            recv_q,
            send_q,
            sides,
            procs,
            extras,
        })
}

fn inet_text(e: &Inet) -> (Vec<u8>, Vec<u8>) {
    let mut a = match &e.addr {
        Addr::V4(v) => v.to_string(),
        Addr::V6(v) => format!("[{v}]"),
        Addr::Any => "*".to_string(),
    };
    if let Some(i) = &e.iface {
        a.push('%');
        a.push_str(i);
    }
    let p = e.port.map_or("*".to_string(), |p| p.to_string());
    (a.into_bytes(), p.into_bytes())
}

/// The four printed pieces of the endpoints: local address, local port, peer address,
/// peer port, and the character between address and port (`:` inet, ` ` unix).
fn pieces(r: &GenRow) -> ([Vec<u8>; 4], u8) {
    match &r.sides {
        Sides::Inet { local, peer } => {
            let (la, lp) = inet_text(local);
            let (pa, pp) = inet_text(peer);
            ([la, lp, pa, pp], b':')
        }
        Sides::Unix { path, inode, peer_inode } => {
            let la = path.clone().unwrap_or_else(|| b"*".to_vec());
            ([la, inode.to_string().into_bytes(), b"*".to_vec(), peer_inode.to_string().into_bytes()], b' ')
        }
    }
}

fn users_text(procs: &[Proc]) -> Vec<u8> {
    let mut t = b"users:(".to_vec();
    for (i, p) in procs.iter().enumerate() {
        if i > 0 {
            t.push(b',');
        }
        t.extend_from_slice(b"(\"");
        t.extend_from_slice(&p.name);
        t.extend_from_slice(format!("\",pid={}", p.pid).as_bytes());
        if let Some(tid) = p.tid {
            t.extend_from_slice(format!(",tid={tid}").as_bytes());
        }
        t.extend_from_slice(format!(",fd={})", p.fd).as_bytes());
    }
    t.push(b')');
    t
}

fn pad_right(out: &mut Vec<u8>, text: &[u8], width: usize) {
    out.extend_from_slice(text);
    out.extend(std::iter::repeat_n(b' ', width.saturating_sub(text.len())));
}

fn pad_left(out: &mut Vec<u8>, text: &[u8], width: usize) {
    out.extend(std::iter::repeat_n(b' ', width.saturating_sub(text.len())));
    out.extend_from_slice(text);
}

/// Write a line's columns up to the peer port, padded to `widths`: Netid, State and the
/// queues left-aligned, each followed by a blank; each address right-aligned and joined by
/// `sep` to its left-aligned port, a blank between the two endpoints.
fn columns(out: &mut Vec<u8>, cells: [&[u8]; 8], widths: &[usize; 8], sep: u8) {
    for (cell, &width) in cells[..4].iter().zip(&widths[..4]) {
        pad_right(out, cell, width);
        out.push(b' ');
    }
    pad_left(out, cells[4], widths[4]);
    out.push(sep);
    pad_right(out, cells[5], widths[5]);
    out.push(b' ');
    pad_left(out, cells[6], widths[6]);
    out.push(sep);
    pad_right(out, cells[7], widths[7]);
}

/// Print a table as ss 6.x does: Netid, State and the queues left-aligned, addresses
/// right-aligned and joined to their left-aligned ports, one blank between columns,
/// widths from the longest value (and the header word), the Process column glued to the
/// peer port (`Peer Address:PortProcess` when that column is 4 wide); `trailing` blanks
/// of padding after each line.
fn render(rows: &[GenRow], header: bool, trailing: &[usize]) -> Vec<u8> {
    let texts: Vec<([Vec<u8>; 4], u8)> = rows.iter().map(pieces).collect();
    let width = |head: &str, f: &dyn Fn(usize) -> usize| (0..rows.len()).map(f).max().unwrap_or(0).max(head.len());
    let w_netid = width("Netid", &|i| rows[i].netid.len());
    let w_state = width("State", &|i| rows[i].state.len());
    let w_rq = width("Recv-Q", &|i| rows[i].recv_q.to_string().len());
    let w_sq = width("Send-Q", &|i| rows[i].send_q.to_string().len());
    let w = |head: &str, k: usize| width(head, &|i| texts[i].0[k].len());
    let (w_la, w_lp, w_pa, w_pp) = (w("Local Address", 0), w("Port", 1), w("Peer Address", 2), w("Port", 3));
    let widths = [w_netid, w_state, w_rq, w_sq, w_la, w_lp, w_pa, w_pp];
    let mut out = Vec::new();
    if header {
        let heads: [&[u8]; 8] =
            [b"Netid", b"State", b"Recv-Q", b"Send-Q", b"Local Address", b"Port", b"Peer Address", b"Port"];
        columns(&mut out, heads, &widths, b':');
        out.extend_from_slice(b"Process\n");
    }
    for (i, (r, (p, sep))) in rows.iter().zip(&texts).enumerate() {
        let (rq, sq) = (r.recv_q.to_string(), r.send_q.to_string());
        let cells = [r.netid.as_bytes(), r.state.as_bytes(), rq.as_bytes(), sq.as_bytes(), &p[0], &p[1], &p[2], &p[3]];
        columns(&mut out, cells, &widths, *sep);
        if !r.procs.is_empty() {
            out.push(b' ');
            out.extend_from_slice(&users_text(&r.procs));
        }
        if let Some((ino, sk)) = r.extras {
            out.extend_from_slice(format!(" ino:{ino} sk:{sk:x} <->").as_bytes());
        }
        out.extend(std::iter::repeat_n(b' ', trailing.get(i).copied().unwrap_or(0)));
        out.push(b'\n');
    }
    out
}

/// What a socket read back says, owned.
#[derive(Debug, Clone, PartialEq)]
struct Read {
    netid: Option<Vec<u8>>,
    state: Option<Vec<u8>>,
    recv_q: Option<u64>,
    send_q: Option<u64>,
    local: EndRead,
    peer: EndRead,
    procs: Vec<Proc>,
    extras: Vec<(Vec<u8>, String)>,
}

/// An endpoint read back: (ip, is `*`, path or name, iface, port, inode).
type EndRead = (Option<IpAddr>, bool, Option<Vec<u8>>, Option<Vec<u8>>, Option<Port<'static>>, Option<u64>);

/// An endpoint as (ip, is_any, path, iface, port, inode).
fn end_read(e: &netsift::netsift_grammar::ss::Endpoint<'_>) -> EndRead {
    let port = e.port.map(|p| match p {
        Port::Number(n) => Port::Number(n),
        Port::Any => Port::Any,
        Port::Name(_) => Port::Name(b"?"),
    });
    let (ip, any, path) = match e.host {
        Host::Ip(ip) => (Some(ip), false, None),
        Host::Any => (None, true, None),
        Host::Path(p) => (None, false, Some(p.to_vec())),
        Host::Name(n) | Host::Other(n) => (None, false, Some(n.to_vec())),
    };
    (ip, any, path, e.iface.map(<[u8]>::to_vec), port, e.inode)
}

fn expected_end(e: &Inet) -> EndRead {
    let (ip, any) = match &e.addr {
        Addr::V4(v) => (Some(IpAddr::V4(*v)), false),
        Addr::V6(v) => (Some(IpAddr::V6(*v)), false),
        Addr::Any => (None, true),
    };
    let port = Some(e.port.map_or(Port::Any, Port::Number));
    (ip, any, None, e.iface.as_ref().map(|i| i.as_bytes().to_vec()), port, None)
}

fn expected(r: &GenRow) -> Read {
    let (local, peer) = match &r.sides {
        Sides::Inet { local, peer } => (expected_end(local), expected_end(peer)),
        Sides::Unix { path, inode, peer_inode } => (
            (None, path.is_none(), path.clone(), None, None, Some(u64::from(*inode))),
            (None, true, None, None, None, Some(u64::from(*peer_inode))),
        ),
    };
    let extras = match r.extras {
        Some((ino, sk)) => vec![
            (b"ino".to_vec(), format!("{:?}", ExtraValue::Int(u64::from(ino)))),
            (b"sk".to_vec(), format!("{:?}", ExtraValue::Hex(sk))),
            (b"<->".to_vec(), "Shutdown(Shutdown { receive_shut: false, send_shut: false })".to_string()),
        ],
        None => Vec::new(),
    };
    Read {
        netid: Some(Netid::parse(r.netid.as_bytes()).name().to_vec()),
        state: Some(State::parse(r.state.as_bytes()).name().to_vec()),
        recv_q: Some(r.recv_q),
        send_q: Some(r.send_q),
        local,
        peer,
        procs: r.procs.clone(),
        extras,
    }
}

fn read_back(input: &[u8], chunk: usize) -> (Vec<Read>, usize, usize) {
    let mut got = Vec::new();
    let mut malformed = 0;
    let mut sections = 0;
    let mut parser = PushParser::new(Format::Ss);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::SsSocket(s) => {
            let r = s.row;
            got.push(Read {
                netid: r.netid.map(|n| n.name().to_vec()),
                state: r.state.map(|s| s.name().to_vec()),
                recv_q: r.recv_q,
                send_q: r.send_q,
                local: end_read(&r.local),
                peer: end_read(&r.peer),
                procs: r
                    .process
                    .map(|u| {
                        u.iter().map(|p| Proc { name: p.name.to_vec(), pid: p.pid, tid: p.tid, fd: p.fd }).collect()
                    })
                    .unwrap_or_default(),
                extras: r.extras.map(|e| (e.key.to_vec(), format!("{:?}", e.value))).collect(),
            });
        }
        EventKind::Malformed(_) => malformed += 1,
        EventKind::Section(_) => sections += 1,
        _ => {}
    };
    for piece in input.chunks(chunk.max(1)) {
        parser.feed(piece, &mut sink);
    }
    parser.finish(&mut sink);
    (got, malformed, sections)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn rendered_tables_read_back(
        rows in proptest::collection::vec(gen_row(), 1..12),
        trailing in proptest::collection::vec(0usize..6, 12),
        chunk in 1usize..4096,
    ) {
        let text = render(&rows, true, &trailing);
        let (got, malformed, sections) = read_back(&text, chunk);
        let shown = String::from_utf8_lossy(&text).into_owned();
        prop_assert_eq!((malformed, sections), (0, 1), "{}", shown);
        let want: Vec<Read> = rows.iter().map(expected).collect();
        prop_assert_eq!(got, want, "{}", shown);
    }

    /// `ss -H`: no header; the first row's columns are sniffed.
    #[test]
    fn headerless_tables_read_back(
        rows in proptest::collection::vec(gen_row(), 1..6).prop_filter("sniff needs a known state", |r| r[0].state != "UNKNOWN"),
    ) {
        let text = render(&rows, false, &[]);
        let (got, malformed, sections) = read_back(&text, 1 << 16);
        let shown = String::from_utf8_lossy(&text).into_owned();
        prop_assert_eq!((malformed, sections), (0, 1), "{}", shown);
        let want: Vec<Read> = rows.iter().map(expected).collect();
        prop_assert_eq!(got, want, "{}", shown);
    }
}
