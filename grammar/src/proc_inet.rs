//! The kernel's internet socket tables: `/proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6}`.
//!
//! ```text
//!   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//!    0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1578 1 ffff8c7a0de93a80 100 0 0 10 0
//!    └slot └local addr:port (hex)   └st └tx:rx queues     └timer:when └retrnsmt └uid  └timeout └inode, then ref, pointer, extras
//! ```
//!
//! One layout for every protocol: the kernel prints each address as the hex of its 32-bit
//! words in the byte order of the machine (8 digits for IPv4, 32 for IPv6) and the port in
//! hex. Rows end after the inode on old kernels, after the socket pointer for TIME_WAIT
//! and SYN_RECV sockets, with five TCP fields (`rto ato quick/pingpong cwnd ssthresh`) for
//! other TCP sockets and one (`drops`) for UDP and raw ones; tcp lines are padded with
//! blanks to 149 bytes. The row does not say its protocol: that comes from the file's name.
//!
//! A row is typed into the same [`InetRow`] as a netstat row, with the values netstat
//! derives from this file (the state word, the timer), and the kernel's own fields in
//! [`InetRow::kernel`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nom::bytes::complete::{tag, take_while1, take_while_m_n};
use nom::character::complete::digit1;
use nom::combinator::opt;
use nom::Parser;

use crate::lex::{blanks0, blanks1, expect, span_of, trim_end_blanks, PResult};
use crate::netstat::{
    Endpoint, Host, InetCol, InetLayout, InetRow, InetState, Port, Proto, TcpState, Timer, TimerKind, User,
};
use crate::{LineError, Span};

/// The columns netstat prints for a kernel row: what `netstat -neo` shows (user, inode and
/// timer; no PID, which this file does not hold).
pub const LAYOUT: InetLayout = InetLayout { user_inode: true, program: false, timer: true };

/// The fields of a kernel row that netstat does not print, or prints decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KernelInet {
    /// `sl`: the row's slot (hash bucket for udp, a counter for tcp).
    pub slot: u64,
    /// `st`: the kernel's state code (TCP's numbering for every protocol: `0A` is LISTEN).
    pub state_code: u8,
    /// `tr`: which timer is pending (0 none; tcp: 1 retransmit, 2 keepalive, 3 TIME_WAIT,
    /// 4 zero-window probe).
    pub timer_code: u8,
    /// `tm->when`: clock ticks (1/100 s) until the timer fires; negative when overdue
    /// (printed as 16 hex digits of two's complement).
    pub when_ticks: i64,
    /// `retrnsmt`: retransmissions (tcp: unrecovered RTO timeouts; SYN_RECV: SYN-ACKs resent).
    pub retransmits: u64,
    /// `timeout`: tcp's unanswered zero-window probes (0 elsewhere).
    pub timeout: u64,
    /// `ref`: the socket's reference count, when printed.
    pub refcount: Option<u64>,
    /// The socket's kernel address, when printed (all zeros when the kernel hides it).
    pub pointer: Option<u64>,
    /// The protocol's own trailing fields.
    pub extra: KernelExtra,
}

/// The trailing fields a protocol adds after the pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum KernelExtra {
    /// None printed (TIME_WAIT and SYN_RECV rows, old kernels).
    None,
    /// tcp and tcp6 sockets.
    Tcp {
        /// Retransmission timeout, in clock ticks.
        rto: u64,
        /// Delayed-ACK timeout, in clock ticks.
        ato: u64,
        /// `(quick << 1) | pingpong` of the delayed-ACK state.
        quick_pingpong: u64,
        /// Sending congestion window, in segments.
        cwnd: u64,
        /// Slow-start threshold; -1 in initial slow start; for a listener, the
        /// TCP Fast Open queue length.
        ssthresh: i64,
    },
    /// udp, udplite and raw sockets.
    Dgram {
        /// Datagrams dropped.
        drops: u64,
    },
}

/// What a header line says: the address width of its rows, and whether it announces the
/// datagram tables' `ref pointer drops` (tcp's header stops at `inode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// `remote_address` (the tcp6/udp6/raw6 header) rather than `rem_address`.
    pub ipv6: bool,
    /// The header ends with `ref pointer drops` (udp, udplite, raw and their v6 tables).
    pub dgram: bool,
}

/// The words every header of these tables starts with, after the remote address's name.
const HEADER_TAIL: [&[u8]; 9] =
    [b"st", b"tx_queue", b"rx_queue", b"tr", b"tm->when", b"retrnsmt", b"uid", b"timeout", b"inode"];

/// Recognise a header line (`  sl  local_address rem_address   st tx_queue …`).
///
/// ```
/// use netsift_grammar::proc_inet::{header, Header};
/// let h = header(b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
/// assert_eq!(h, Some(Header { ipv6: false, dgram: false }));
/// assert_eq!(header(b"   0: 0100007F:0016 00000000:0000 0A"), None);
/// ```
pub fn header(line: &[u8]) -> Option<Header> {
    let mut words = crate::lex::words(line).map(|(_, w)| w);
    if words.next()? != b"sl" || words.next()? != b"local_address" {
        return None;
    }
    let ipv6 = match words.next()? {
        b"rem_address" => false,
        b"remote_address" => true,
        _ => return None,
    };
    if !HEADER_TAIL.iter().all(|w| words.next() == Some(w)) {
        return None;
    }
    let rest: [Option<&[u8]>; 4] = [words.next(), words.next(), words.next(), words.next()];
    let dgram = match rest {
        [None, ..] => false,
        [Some(b"ref"), Some(b"pointer"), Some(b"drops"), None] => true,
        _ => return None,
    };
    Some(Header { ipv6, dgram })
}

/// Does this line look like a row of one of these tables (`  12: 0100007F:…`)? A cheap test
/// for detection: a slot number, a colon, a blank and a hex address with its `:port`.
pub fn looks_like_row(line: &[u8]) -> bool {
    let t = crate::lex::trim_start_blanks(line);
    let digits = t.iter().take_while(|b| b.is_ascii_digit()).count();
    let Some(rest) = t.get(digits..).filter(|_| digits > 0).and_then(|r| r.strip_prefix(b": ")) else {
        return false;
    };
    let hex = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    matches!(hex, 8 | 32) && rest.get(hex) == Some(&b':')
}

/// Parse one row. `proto` is the table's protocol (from the file's name), or
/// [`Proto::Unknown`]: it decides how the state and timer are named, as netstat names them.
///
/// ```
/// use netsift_grammar::proc_inet::{row, KernelExtra};
/// use netsift_grammar::netstat::{InetState, Proto, TcpState};
/// let line = b"   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1578 1 0000000000000000 100 0 0 10 0";
/// let r = row(line, Proto::Tcp).unwrap();
/// assert_eq!(r.local.host, netsift_grammar::netstat::Host::Ip("127.0.0.1".parse().unwrap()));
/// assert_eq!(r.local.port.number(), Some(22));
/// assert_eq!(r.state, InetState::Known(TcpState::Listen));
/// let k = r.kernel.unwrap();
/// assert_eq!((k.state_code, k.refcount), (0x0A, Some(1)));
/// assert!(matches!(k.extra, KernelExtra::Tcp { rto: 100, cwnd: 10, .. }));
/// ```
pub fn row(line: &[u8], proto: Proto) -> Result<InetRow<'_>, LineError> {
    crate::lex::complete(line, parse_row(Span::new(line), proto))
}

/// A run of 1 to `max` hex digits, and its value.
fn hex<'a>(max: usize, what: &'static str) -> impl FnMut(Span<'a>) -> PResult<'a, (Span<'a>, u64)> {
    move |i: Span<'a>| {
        let (rest, digits) = expect(what, take_while_m_n(1, max, |b: u8| b.is_ascii_hexdigit())).parse(i)?;
        // At most 16 hex digits: always fits.
        let value = digits.fragment().iter().fold(0u64, |v, &d| (v << 4) | u64::from(hex_value(d)));
        Ok((rest, (digits, value)))
    }
}

fn hex_value(d: u8) -> u8 {
    match d {
        b'0'..=b'9' => d - b'0',
        b'a'..=b'f' => d - b'a' + 10,
        _ => d - b'A' + 10,
    }
}

/// A decimal number (optionally negative) that fits an `i64`.
fn signed<'a>(what: &'static str) -> impl FnMut(Span<'a>) -> PResult<'a, i64> {
    move |i: Span<'a>| {
        let (rest, (minus, digits)) = expect(what, (opt(tag(&b"-"[..])), digit1)).parse(i)?;
        let Some(v) = crate::lex::parse_u64(digits.fragment()).and_then(|v| i64::try_from(v).ok()) else {
            return Err(crate::lex::error_at(digits, "a number that fits in 64 bits"));
        };
        Ok((rest, if minus.is_some() { -v } else { v }))
    }
}

/// What a parser consumed from `from` to leave `rest`, located, so that spans stay right.
fn consumed<'a>(from: Span<'a>, rest: Span<'a>) -> Span<'a> {
    nom::Input::take(&from, from.fragment().len() - rest.fragment().len())
}

/// An unsigned decimal number.
fn unsigned<'a>(what: &'static str) -> impl FnMut(Span<'a>) -> PResult<'a, (Span<'a>, u64)> {
    move |i: Span<'a>| {
        let (rest, digits) = expect(what, digit1).parse(i)?;
        match crate::lex::parse_u64(digits.fragment()) {
            Some(v) => Ok((rest, (digits, v))),
            None => Err(crate::lex::error_at(digits, "a number that fits in 64 bits")),
        }
    }
}

/// `ADDRESS:PORT` in the kernel's hex: 8 digits for IPv4, 32 for IPv6.
fn endpoint(i: Span<'_>) -> PResult<'_, (Span<'_>, Endpoint<'_>)> {
    let (rest, addr) =
        expect("an address in hex (8 or 32 digits)", take_while1(|b: u8| b.is_ascii_hexdigit())).parse(i)?;
    let ip = match decode_address(addr.fragment()) {
        Some(ip) => ip,
        None => return Err(crate::lex::error_at(addr, "an address in hex (8 or 32 digits)")),
    };
    let (rest, _) = expect("`:` before the port", tag(&b":"[..])).parse(rest)?;
    let (rest, (_, port)) = hex(4, "a port in hex")(rest)?;
    let text = consumed(i, rest);
    // Four hex digits: at most 0xFFFF.
    let port = Port::Number(port as u16);
    Ok((rest, (text, Endpoint { host: Host::Ip(ip), port, maybe_truncated: false })))
}

/// Decode the kernel's hex address: each 32-bit word is printed as a number in the byte
/// order of the machine that wrote it, which for every machine these files come from in
/// practice (x86, arm64, ppc64le, riscv) is little-endian: `0100007F` is 127.0.0.1.
///
/// ```
/// use netsift_grammar::proc_inet::decode_address;
/// assert_eq!(decode_address(b"0100007F"), Some("127.0.0.1".parse().unwrap()));
/// assert_eq!(decode_address(b"0000000000000000FFFF00000100007F"), Some("::ffff:127.0.0.1".parse().unwrap()));
/// assert_eq!(decode_address(b"00000000000000000000000001000000"), Some("::1".parse().unwrap()));
/// assert_eq!(decode_address(b"123"), None);
/// ```
pub fn decode_address(hex_text: &[u8]) -> Option<IpAddr> {
    let word = |chunk: &[u8]| -> Option<[u8; 4]> {
        let mut v = 0u32;
        for &d in chunk {
            if !d.is_ascii_hexdigit() {
                return None;
            }
            v = (v << 4) | u32::from(hex_value(d));
        }
        Some(v.to_le_bytes())
    };
    match hex_text.len() {
        8 => Some(IpAddr::V4(Ipv4Addr::from(word(hex_text)?))),
        32 => {
            let mut bytes = [0u8; 16];
            for (k, chunk) in hex_text.chunks(8).enumerate() {
                bytes[k * 4..k * 4 + 4].copy_from_slice(&word(chunk)?);
            }
            Some(IpAddr::V6(Ipv6Addr::from(bytes)))
        }
        _ => None,
    }
}

/// The inverse of [`decode_address`]: the hex the kernel of a little-endian machine prints.
pub fn encode_address(ip: IpAddr) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(32);
    let octets: Vec<u8> = match ip {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    for chunk in octets.chunks(4) {
        let v = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        let _ = write!(out, "{v:08X}");
    }
    out
}

fn parse_row(input: Span<'_>, proto: Proto) -> PResult<'_, InetRow<'_>> {
    let line: &[u8] = input.fragment();
    let mut spans = [(0u32, 0u32); 10];

    let (i, _) = blanks0(input)?;
    let (i, (_, slot)) = unsigned("a slot number (`sl`)")(i)?;
    let (i, _) = expect("`:` after the slot number", tag(&b":"[..])).parse(i)?;
    let (i, _) = blanks1(i)?;
    let (i, (local_text, local)) = endpoint(i)?;
    spans[InetCol::Local as usize] = span_of(local_text);
    let (i, _) = blanks1(i)?;
    let (i, (foreign_text, foreign)) = endpoint(i)?;
    spans[InetCol::Foreign as usize] = span_of(foreign_text);
    let (i, _) = blanks1(i)?;
    let (i, (st_text, state_code)) = hex(2, "a state code in hex (`st`)")(i)?;
    spans[InetCol::State as usize] = span_of(st_text);
    let (i, _) = blanks1(i)?;
    let (i, (tx_text, tx)) = hex(16, "the send queue in hex (`tx_queue`)")(i)?;
    spans[InetCol::SendQ as usize] = span_of(tx_text);
    let (i, _) = expect("`:` between the queues", tag(&b":"[..])).parse(i)?;
    let (i, (rx_text, rx)) = hex(16, "the receive queue in hex (`rx_queue`)")(i)?;
    spans[InetCol::RecvQ as usize] = span_of(rx_text);
    let (i, _) = blanks1(i)?;
    let timer_start = i;
    let (i, (tr_text, timer_code)) = hex(2, "a timer code in hex (`tr`)")(i)?;
    let (i, _) = expect("`:` after the timer code", tag(&b":"[..])).parse(i)?;
    let (i, (when_text, when)) = hex(16, "the timer's ticks in hex (`tm->when`)")(i)?;
    spans[InetCol::Timer as usize] = span_of(consumed(timer_start, i));
    let (i, _) = blanks1(i)?;
    let (i, (_, retransmits)) = hex(16, "retransmits in hex (`retrnsmt`)")(i)?;
    let (i, _) = blanks1(i)?;
    let (i, (uid_text, uid)) = unsigned("a user id")(i)?;
    let Ok(uid) = u32::try_from(uid) else {
        return Err(crate::lex::error_at(uid_text, "a user id that fits in 32 bits"));
    };
    spans[InetCol::User as usize] = span_of(uid_text);
    let (i, _) = blanks1(i)?;
    let (i, (_, timeout)) = unsigned("the `timeout` count")(i)?;
    let (i, _) = blanks1(i)?;
    let (i, (inode_text, inode)) = unsigned("an inode number")(i)?;
    spans[InetCol::Inode as usize] = span_of(inode_text);

    // Then, each optional and one blank run apart: ref, pointer, the protocol's fields.
    let mut extras = [0i64; 6];
    let mut count = 0;
    let (mut i, mut refcount, mut pointer) = (i, None, None);
    while let Ok((rest, _)) = blanks1(i) {
        if rest.fragment().is_empty() {
            break;
        }
        i = if refcount.is_none() {
            let (rest, (_, r)) = unsigned("a reference count")(rest)?;
            refcount = Some(r);
            rest
        } else if pointer.is_none() {
            let (rest, (_, p)) = hex(16, "the socket's address in hex")(rest)?;
            pointer = Some(p);
            rest
        } else if count < extras.len() {
            let (rest, v) = signed("a number")(rest)?;
            extras[count] = v;
            count += 1;
            rest
        } else {
            return Err(crate::lex::error_at(rest, "the end of the row"));
        };
    }
    let (i, _) = blanks0(i)?;
    if !i.fragment().is_empty() {
        return Err(crate::lex::error_at(i, "the end of the row"));
    }
    let unsigned_at = |k: usize| u64::try_from(extras[k]).ok();
    let extra = match count {
        0 => KernelExtra::None,
        1 => KernelExtra::Dgram { drops: unsigned_at(0).unwrap_or(0) },
        5 => KernelExtra::Tcp {
            rto: unsigned_at(0).unwrap_or(0),
            ato: unsigned_at(1).unwrap_or(0),
            quick_pingpong: unsigned_at(2).unwrap_or(0),
            cwnd: unsigned_at(3).unwrap_or(0),
            ssthresh: extras[4],
        },
        _ => {
            return Err(nom::Err::Error(LineError::new(
                trim_end_blanks(line).len(),
                "one trailing field (udp, raw: drops) or five (tcp: rto ato quick cwnd ssthresh)",
            )))
        }
    };
    if (count == 1 || count == 5) && extras[..count - usize::from(count == 5)].iter().any(|&v| v < 0) {
        return Err(nom::Err::Error(LineError::new(inode_text.location_offset(), "non-negative counters")));
    }

    // `tm->when` is a signed long printed as unsigned: 16 digits with the top bit set are
    // a negative count (a timer already due).
    let when_ticks =
        if when_text.fragment().len() == 16 { when as i64 } else { i64::try_from(when).unwrap_or(i64::MAX) };
    let state_code = state_code as u8;
    let timer_code = timer_code as u8;
    let kernel =
        KernelInet { slot, state_code, timer_code, when_ticks, retransmits, timeout, refcount, pointer, extra };
    let at = span_of(input).0;
    spans[InetCol::Proto as usize] = (at, at);
    let end = span_of(Span::new(trim_end_blanks(line))).1;
    spans[InetCol::Program as usize] = (end, end);
    let timer = Timer {
        kind: timer_kind(proto, timer_code),
        word: tr_text.fragment(),
        expires_ms: when_ticks.saturating_mul(10),
        retransmits,
        probes: timeout,
    };
    let row = InetRow {
        line,
        layout: LAYOUT,
        proto,
        recv_q: Some(rx),
        send_q: Some(tx),
        local,
        foreign: Some(foreign),
        state: state(proto, state_code),
        user: Some(User::Uid(uid)),
        inode: Some(inode),
        owner: None,
        timer: Some(timer),
        spans,
        kernel: Some(kernel),
    };
    Ok((i, row))
}

/// The state as netstat prints it for this protocol: tcp by name, udp and udplite as
/// `ESTABLISHED` or nothing (`CLOSE`), raw as the number. An unknown protocol is named by
/// TCP's names, which is how the kernel numbers every inet socket's state.
pub fn state(proto: Proto, code: u8) -> InetState<'static> {
    match proto {
        Proto::Raw | Proto::Raw6 => InetState::Kernel(u32::from(code)),
        Proto::Udp | Proto::Udp6 | Proto::Udpl | Proto::Udpl6 => match code {
            1 => InetState::Known(TcpState::Established),
            7 => InetState::Empty,
            _ => InetState::Known(TcpState::Unknown),
        },
        _ => InetState::Known(tcp_state(code)),
    }
}

/// TCP's state of a kernel state code (`include/net/tcp_states.h`).
pub fn tcp_state(code: u8) -> TcpState {
    match code {
        1 => TcpState::Established,
        2 => TcpState::SynSent,
        3 => TcpState::SynRecv,
        4 => TcpState::FinWait1,
        5 => TcpState::FinWait2,
        6 => TcpState::TimeWait,
        7 => TcpState::Close,
        8 => TcpState::CloseWait,
        9 => TcpState::LastAck,
        10 => TcpState::Listen,
        11 => TcpState::Closing,
        _ => TcpState::Unknown,
    }
}

/// The timer as netstat names it: tcp's `off on keepalive timewait probe`, the datagram
/// tables' `off on1 on2`, `unkn-N` otherwise.
pub fn timer_kind(proto: Proto, code: u8) -> TimerKind {
    let dgram = matches!(proto, Proto::Udp | Proto::Udp6 | Proto::Udpl | Proto::Udpl6 | Proto::Raw | Proto::Raw6);
    match (dgram, code) {
        (_, 0) => TimerKind::Off,
        (true, 1) => TimerKind::On1,
        (true, 2) => TimerKind::On2,
        (false, 1) => TimerKind::On,
        (false, 2) => TimerKind::Keepalive,
        (false, 3) => TimerKind::TimeWait,
        (false, 4) => TimerKind::Probe,
        (_, n) => TimerKind::Unknown(u32::from(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &[u8] = b"   3: 802AA8C0:D450 2104C798:01BB 08 00000000:00000052 02:00000A6F 00000000  1000        0 149098 2 0000000000000000 20 4 0 10 -1                    ";

    #[test]
    fn a_tcp_row_with_padding() {
        let r = row(TCP, Proto::Tcp).unwrap();
        assert_eq!(r.local.host, Host::Ip("192.168.42.128".parse().unwrap()));
        assert_eq!(r.local.port, Port::Number(0xD450));
        assert_eq!(r.foreign.unwrap().host, Host::Ip("152.199.4.33".parse().unwrap()));
        assert_eq!(r.state, InetState::Known(TcpState::CloseWait));
        assert_eq!((r.recv_q, r.send_q), (Some(0x52), Some(0)));
        assert_eq!(r.user, Some(User::Uid(1000)));
        let t = r.timer.unwrap();
        assert_eq!((t.kind, t.expires_ms, t.retransmits, t.probes), (TimerKind::Keepalive, 0xA6F * 10, 0, 0));
        let k = r.kernel.unwrap();
        assert_eq!(k.extra, KernelExtra::Tcp { rto: 20, ato: 4, quick_pingpong: 0, cwnd: 10, ssthresh: -1 });
        assert_eq!(r.column(InetCol::Local), b"802AA8C0:D450");
        assert_eq!(r.column(InetCol::Timer), b"02:00000A6F");
        assert_eq!(r.column(InetCol::Inode), b"149098");
    }

    #[test]
    fn short_rows_and_datagram_rows() {
        let tw = b"   2: 1C00000A:97D0 412AF468:0050 06 00000000:00000000 03:000007C5 00000000     0        0 0 3 ffff8c7a12d31aa0";
        let r = row(tw, Proto::Tcp).unwrap();
        assert_eq!(r.state, InetState::Known(TcpState::TimeWait));
        assert_eq!(r.kernel.unwrap().extra, KernelExtra::None);
        assert_eq!(r.kernel.unwrap().pointer, Some(0xffff8c7a12d31aa0));
        let udp = b" 1315: 00000000000000000000000000000000:14EB 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   981        0 21040 2 0000000013726323 0";
        let r = row(udp, Proto::Udp6).unwrap();
        assert_eq!(r.state, InetState::Empty);
        assert_eq!(r.kernel.unwrap().extra, KernelExtra::Dgram { drops: 0 });
        assert_eq!(r.timer.unwrap().kind, TimerKind::Off);
        let raw = b"   1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1234 2 0000000000000000 0";
        assert_eq!(row(raw, Proto::Raw).unwrap().state, InetState::Kernel(7));
        assert_eq!(row(raw, Proto::Unknown).unwrap().state, InetState::Known(TcpState::Close));
        // An old kernel's row ends at the inode.
        let old = b"  0: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234";
        assert_eq!(row(old, Proto::Tcp).unwrap().kernel.unwrap().refcount, None);
    }

    #[test]
    fn negative_when_and_errors() {
        let due = b"   0: 0100007F:0016 0100007F:9C40 01 00000000:00000000 01:FFFFFFFFFFFFFFF6 00000000     0        0 7 1 0000000000000000 20 4 1 10 -1";
        assert_eq!(row(due, Proto::Tcp).unwrap().timer.unwrap().expires_ms, -100);
        let cases: &[(&[u8], usize, &str)] = &[
            (b"   0: 0100007:0016", 6, "an address in hex (8 or 32 digits)"),
            (
                b"   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0",
                90,
                "a blank",
            ),
            (
                b"   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 1 2",
                100,
                "one trailing field (udp, raw: drops) or five (tcp: rto ato quick cwnd ssthresh)",
            ),
            (b"x", 0, "a slot number (`sl`)"),
        ];
        for (line, column, expected) in cases {
            let e = row(line, Proto::Tcp).unwrap_err();
            assert_eq!((e.column, e.expected), (*column, *expected), "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn headers() {
        let udp6 = b"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops";
        assert_eq!(header(udp6), Some(Header { ipv6: true, dgram: true }));
        assert_eq!(
            header(
                b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref"
            ),
            None
        );
        assert!(looks_like_row(TCP));
        assert!(!looks_like_row(b"tcp 0 0 1.2.3.4:5"));
    }

    #[test]
    fn addresses_round_trip() {
        for text in ["0.0.0.0", "127.0.0.1", "::", "::1", "::ffff:10.1.2.3", "2601:646:9e01:f100::3a4c", "fe80::1"] {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(decode_address(encode_address(ip).as_bytes()), Some(ip), "{text}");
        }
    }
}
