//! Rows of the internet table.
//!
//! ```text
//! tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)
//! └proto └recv-q └send-q └local              └foreign                └state      └user      └inode     └pid/program         └timer
//! ```
//!
//! The left part (proto, queues, addresses) has closed value domains and is read left to
//! right. The timer has a recognisable shape (`word (secs/n/n)`) and is read from the right.
//! What remains in the middle is state, user, inode and program: the state may be empty
//! (udp) or a number (raw), and the program name may hold blanks, so the middle is split by
//! the shapes its values can take, not by counting blanks.

use super::addr::{endpoint, Endpoint};
use super::owner::{Owner, User};
use super::words;
use crate::lex::{all_digits, parse_u64, trim_end_blanks, words as split_words};
use crate::LineError;

/// The protocol column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Proto {
    /// `tcp` (net-tools 1.60 also prints it for IPv6 sockets).
    Tcp,
    /// `tcp6`.
    Tcp6,
    /// `udp`.
    Udp,
    /// `udp6`.
    Udp6,
    /// `udpl`: UDP-Lite.
    Udpl,
    /// `udpl6`: UDP-Lite over IPv6.
    Udpl6,
    /// `raw`.
    Raw,
    /// `raw6`.
    Raw6,
    /// `sctp`.
    Sctp,
    /// Not known: a row of a kernel socket table (`/proc/net/tcp` …) read without the
    /// file's name, which is the only place its protocol is written.
    Unknown,
}

impl Proto {
    /// Read a protocol word.
    pub fn parse(word: &[u8]) -> Option<Proto> {
        Some(match word {
            b"tcp" => Proto::Tcp,
            b"tcp6" => Proto::Tcp6,
            b"udp" => Proto::Udp,
            b"udp6" => Proto::Udp6,
            b"udpl" => Proto::Udpl,
            b"udpl6" => Proto::Udpl6,
            b"raw" => Proto::Raw,
            b"raw6" => Proto::Raw6,
            b"sctp" => Proto::Sctp,
            _ => return None,
        })
    }

    /// The word netstat prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Tcp6 => "tcp6",
            Proto::Udp => "udp",
            Proto::Udp6 => "udp6",
            Proto::Udpl => "udpl",
            Proto::Udpl6 => "udpl6",
            Proto::Raw => "raw",
            Proto::Raw6 => "raw6",
            Proto::Sctp => "sctp",
            Proto::Unknown => "unknown",
        }
    }

    /// Raw sockets print their kernel state as a number.
    pub fn is_raw(self) -> bool {
        matches!(self, Proto::Raw | Proto::Raw6)
    }
}

/// A TCP state, as the kernel defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TcpState {
    /// `ESTABLISHED`.
    Established,
    /// `SYN_SENT`.
    SynSent,
    /// `SYN_RECV`.
    SynRecv,
    /// `FIN_WAIT1`.
    FinWait1,
    /// `FIN_WAIT2`.
    FinWait2,
    /// `TIME_WAIT`.
    TimeWait,
    /// `CLOSE`.
    Close,
    /// `CLOSE_WAIT`.
    CloseWait,
    /// `LAST_ACK`.
    LastAck,
    /// `LISTEN`.
    Listen,
    /// `CLOSING`.
    Closing,
    /// `UNKNOWN`: netstat's word for a state it has no name for.
    Unknown,
}

impl TcpState {
    /// The word net-tools prints in the C locale.
    pub fn as_str(self) -> &'static str {
        match self {
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv => "SYN_RECV",
            TcpState::FinWait1 => "FIN_WAIT1",
            TcpState::FinWait2 => "FIN_WAIT2",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
            TcpState::Unknown => "UNKNOWN",
        }
    }
}

/// The `State` column of the internet table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum InetState<'a> {
    /// Nothing printed: unconnected udp sockets.
    Empty,
    /// A state word, in any language we know.
    Known(TcpState),
    /// The kernel's numeric state, printed for raw sockets (`7` is CLOSE).
    Kernel(u32),
    /// A word we do not know (a language we have no table for, `UNKNOWN(n)` of sctp).
    Other(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

/// What kind of timer a socket has (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TimerKind {
    /// `off`.
    Off,
    /// `on`: retransmission timer.
    On,
    /// `on1` (udp/raw).
    On1,
    /// `on2` (udp/raw).
    On2,
    /// `keepalive`.
    Keepalive,
    /// `timewait`.
    TimeWait,
    /// `probe`: zero-window probe (printed `unkn-4` by net-tools 1.60 and the 2013 snapshot).
    Probe,
    /// `unkn-N`.
    Unknown(u32),
    /// A word we have no translation for.
    Other,
}

/// The `Timer` column: `kind (seconds/retransmits/probes)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Timer<'a> {
    /// The timer kind.
    pub kind: TimerKind,
    /// The kind word as printed (translated in localized output).
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub word: &'a [u8],
    /// Time until the timer fires, in milliseconds (printed in seconds with two decimals).
    pub expires_ms: i64,
    /// Retransmissions (or keepalive probes sent).
    pub retransmits: u64,
    /// Unanswered zero-window probes.
    pub probes: u64,
}

/// Which optional columns the header announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InetLayout {
    /// `-e`: `User` and `Inode`.
    pub user_inode: bool,
    /// `-p`: `PID/Program name`.
    pub program: bool,
    /// `-o`: `Timer`.
    pub timer: bool,
}

impl InetLayout {
    /// `netstat -neopa`: every column.
    pub const FULL: InetLayout = InetLayout { user_inode: true, program: true, timer: true };
}

/// The columns of the internet table, in the order netstat prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InetCol {
    /// `Proto`.
    Proto,
    /// `Recv-Q`.
    RecvQ,
    /// `Send-Q`.
    SendQ,
    /// `Local Address`.
    Local,
    /// `Foreign Address`.
    Foreign,
    /// `State`.
    State,
    /// `User` (`-e`).
    User,
    /// `Inode` (`-e`).
    Inode,
    /// `PID/Program name` (`-p`).
    Program,
    /// `Timer` (`-o`).
    Timer,
}

impl InetCol {
    /// Every column, in print order.
    pub const ALL: [InetCol; 10] = [
        InetCol::Proto,
        InetCol::RecvQ,
        InetCol::SendQ,
        InetCol::Local,
        InetCol::Foreign,
        InetCol::State,
        InetCol::User,
        InetCol::Inode,
        InetCol::Program,
        InetCol::Timer,
    ];

    /// The header name net-tools prints in the C locale.
    pub fn c_name(self) -> &'static str {
        match self {
            InetCol::Proto => "Proto",
            InetCol::RecvQ => "Recv-Q",
            InetCol::SendQ => "Send-Q",
            InetCol::Local => "Local Address",
            InetCol::Foreign => "Foreign Address",
            InetCol::State => "State",
            InetCol::User => "User",
            InetCol::Inode => "Inode",
            InetCol::Program => "PID/Program name",
            InetCol::Timer => "Timer",
        }
    }

    /// The columns a table with this layout has, in print order.
    pub fn present(layout: InetLayout) -> impl Iterator<Item = InetCol> {
        InetCol::ALL.into_iter().filter(move |c| match c {
            InetCol::User | InetCol::Inode => layout.user_inode,
            InetCol::Program => layout.program,
            InetCol::Timer => layout.timer,
            _ => true,
        })
    }
}

/// One row of the internet table, typed, borrowing from its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InetRow<'a> {
    /// The whole line, as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub line: &'a [u8],
    /// The columns its table has (from the header).
    pub layout: InetLayout,
    /// `Proto`.
    pub proto: Proto,
    /// `Recv-Q`: bytes not yet read (for a listener, its current accept backlog).
    /// `None` for sctp, which prints nothing there.
    pub recv_q: Option<u64>,
    /// `Send-Q`: bytes not yet acknowledged (for a listener, its maximum backlog).
    pub send_q: Option<u64>,
    /// `Local Address`.
    pub local: Endpoint<'a>,
    /// `Foreign Address`; `None` for an sctp endpoint (a listener), which prints one
    /// 47-column address field and no foreign address.
    pub foreign: Option<Endpoint<'a>>,
    /// `State`.
    pub state: InetState<'a>,
    /// `User`, when the table has it.
    pub user: Option<User<'a>>,
    /// `Inode`, when the table has it.
    pub inode: Option<u64>,
    /// `PID/Program name`, when the table has it.
    pub owner: Option<Owner<'a>>,
    /// `Timer`, when the table has it.
    pub timer: Option<Timer<'a>>,
    /// Byte range of each column's text within `line`, in [`InetCol::ALL`] order;
    /// an absent or empty column has an empty range where it would be. For a kernel row,
    /// the hex text of each value (`0100007F:0016`).
    pub spans: [(u32, u32); 10],
    /// The kernel's own fields, for a row of `/proc/net/{tcp,udp,raw,…}`; `None` for netstat.
    pub kernel: Option<crate::proc_inet::KernelInet>,
}

impl<'a> InetRow<'a> {
    /// The text of a column as printed, without surrounding blanks.
    pub fn column(&self, col: InetCol) -> &'a [u8] {
        let (start, end) = self.spans[col as usize];
        &self.line[start as usize..end as usize]
    }

    /// Where a column's text starts in the line.
    pub fn column_start(&self, col: InetCol) -> usize {
        self.spans[col as usize].0 as usize
    }
}

/// Parse one row of the internet table laid out as `layout`.
///
/// ```
/// use netsift_grammar::netstat::{inet_row, InetLayout, InetState, Owner};
/// let line = b"udp        0      0 0.0.0.0:68              0.0.0.0:*                           0          1505       611/dhclient         off (0.00/0/0)";
/// let row = inet_row(line, InetLayout::FULL).unwrap();
/// assert_eq!(row.state, InetState::Empty);
/// assert_eq!(row.owner, Some(Owner::Process { pid: 611, name: b"dhclient" }));
/// ```
pub fn inet_row(line: &[u8], layout: InetLayout) -> Result<InetRow<'_>, LineError> {
    row(line, layout)
}

/// The left part of a row is read on plain bytes with nom's byte combinators: positions
/// are offsets into the line (`line.len() - rest.len()`), so no span bookkeeping is paid
/// on the hot path.
fn row(line: &[u8], layout: InetLayout) -> Result<InetRow<'_>, LineError> {
    let at = |rest: &[u8]| line.len() - rest.len();
    let span = |rest: &[u8], text: &[u8]| {
        let start = at(rest) - text.len();
        (start as u32, (start + text.len()) as u32)
    };
    let mut spans = [(0u32, 0u32); 10];

    let (i, proto_text) = byte_word(line).map_err(|_| LineError::new(0, "a value"))?;
    let Some(proto) = Proto::parse(proto_text) else {
        return Err(LineError::new(0, "a protocol (tcp, tcp6, udp, udp6, udpl, udpl6, raw, raw6, sctp)"));
    };
    spans[InetCol::Proto as usize] = span(i, proto_text);
    let i = byte_blanks1(i).map_err(|_| LineError::new(at(i), "a blank"))?;

    // sctp prints no queues; every other protocol prints both.
    let next_is_queue = i.iter().take_while(|&&b| !crate::lex::is_blank(b)).all(u8::is_ascii_digit);
    let (i, recv_q, send_q) = if proto == Proto::Sctp && !next_is_queue {
        let here = at(i) as u32;
        spans[InetCol::RecvQ as usize] = (here, here);
        spans[InetCol::SendQ as usize] = (here, here);
        (i, None, None)
    } else {
        let (rest, recv, recv_text) = byte_queue(line, i)?;
        spans[InetCol::RecvQ as usize] = span(rest, recv_text);
        let i = byte_blanks1(rest).map_err(|_| LineError::new(at(rest), "a blank"))?;
        let (rest, send, send_text) = byte_queue(line, i)?;
        spans[InetCol::SendQ as usize] = span(rest, send_text);
        let i = byte_blanks1(rest).map_err(|_| LineError::new(at(rest), "a blank"))?;
        (i, Some(recv), Some(send))
    };

    let (i, local_text) = byte_word(i).map_err(|_| LineError::new(at(i), "a value"))?;
    let local = endpoint(local_text).map_err(|what| LineError::new(at(i) - local_text.len(), what))?;
    spans[InetCol::Local as usize] = span(i, local_text);
    let i = byte_blanks1(i).map_err(|_| LineError::new(at(i), "a blank"))?;
    let sctp_endpoint = proto == Proto::Sctp && recv_q.is_none();
    let (i, foreign) = if sctp_endpoint {
        let here = at(i) as u32;
        spans[InetCol::Foreign as usize] = (here, here);
        (i, None)
    } else {
        let (i, foreign_text) = byte_word(i).map_err(|_| LineError::new(at(i), "a value"))?;
        let foreign = endpoint(foreign_text).map_err(|what| LineError::new(at(i) - foreign_text.len(), what))?;
        spans[InetCol::Foreign as usize] = span(i, foreign_text);
        (i, Some(foreign))
    };
    let rest = crate::lex::trim_start_blanks(i);

    // From the right: the timer.
    let rest_start = at(rest);
    let mut middle_end = rest_start + trim_end_blanks(rest).len();
    let timer = if layout.timer {
        let (timer, start) = timer_from_right(line, rest_start, middle_end).map_err(|e| match e {
            nom::Err::Error(e) | nom::Err::Failure(e) => e,
            nom::Err::Incomplete(_) => LineError::new(middle_end, "more input"),
        })?;
        spans[InetCol::Timer as usize] = (start as u32, middle_end as u32);
        middle_end = start;
        Some(timer)
    } else {
        spans[InetCol::Timer as usize] = (middle_end as u32, middle_end as u32);
        None
    };
    let middle_end = rest_start + trim_end_blanks(&line[rest_start..middle_end]).len();

    // The middle: [state] [user inode] [program]. A translated state may hold a blank.
    // Its first four words (with their offsets) decide everything: the program, which may
    // hold blanks, starts at the fourth word at the latest and runs to the timer.
    let middle = &line[rest_start..middle_end];
    let phrase = words::tcp_state_phrase(middle).filter(|&(_, len)| middle[..len].contains(&b' '));
    let after_state = phrase.map_or(0, |(_, len)| len);
    let mut toks: [(usize, &[u8]); 4] = [(middle_end, b""); 4];
    let mut count = 0;
    for (slot, (at, w)) in toks.iter_mut().zip(split_words(&middle[after_state..])) {
        *slot = (rest_start + after_state + at, w);
        count += 1;
    }
    let mut next = 0;
    let state = if let Some((state, len)) = phrase {
        spans[InetCol::State as usize] = (rest_start as u32, (rest_start + len) as u32);
        InetState::Known(state)
    } else if state_present(proto, layout, &toks, count) {
        let (at, w) = toks[0];
        next = 1;
        spans[InetCol::State as usize] = (at as u32, (at + w.len()) as u32);
        state_value(proto, w)
    } else {
        spans[InetCol::State as usize] = (rest_start as u32, rest_start as u32);
        InetState::Empty
    };

    let (user, inode) = if layout.user_inode {
        if next >= count {
            return Err(LineError::new(middle_end, "a user"));
        }
        let (at, u) = toks[next];
        spans[InetCol::User as usize] = (at as u32, (at + u.len()) as u32);
        if next + 1 >= count {
            return Err(LineError::new(middle_end, "an inode number"));
        }
        let (at, n) = toks[next + 1];
        let Some(inode) = parse_u64(n) else {
            return Err(LineError::new(at, "an inode number"));
        };
        spans[InetCol::Inode as usize] = (at as u32, (at + n.len()) as u32);
        next += 2;
        (Some(User::parse(u)), Some(inode))
    } else {
        (None, None)
    };

    let owner = if layout.program {
        let start = if next < count { toks[next].0 } else { middle_end };
        spans[InetCol::Program as usize] = (start as u32, middle_end as u32);
        Some(Owner::parse(&line[start..middle_end]))
    } else {
        if next < count {
            return Err(LineError::new(toks[next].0, "the end of the row"));
        }
        None
    };

    Ok(InetRow {
        line,
        layout,
        proto,
        recv_q,
        send_q,
        local,
        foreign,
        state,
        user,
        inode,
        owner,
        timer,
        spans,
        kernel: None,
    })
}

/// A run of non-blank bytes; returns the rest and the run (eight bytes at a time).
fn byte_word(i: &[u8]) -> Result<(&[u8], &[u8]), ()> {
    let end = crate::lex::first_blank(i).unwrap_or(i.len());
    if end == 0 {
        return Err(());
    }
    let (word, rest) = i.split_at(end);
    Ok((rest, word))
}

/// One or more blanks; returns what follows (padding runs long: eight bytes at a time).
fn byte_blanks1(i: &[u8]) -> Result<&[u8], ()> {
    match crate::lex::first_non_blank(i) {
        Some(0) => Err(()),
        Some(n) => Ok(&i[n..]),
        None if i.is_empty() => Err(()),
        None => Ok(&[]),
    }
}

/// A queue size: digits that fit in 64 bits. Returns the rest, the value and its text.
fn byte_queue<'a>(line: &[u8], i: &'a [u8]) -> Result<(&'a [u8], u64, &'a [u8]), LineError> {
    let at = line.len() - i.len();
    let (rest, digits) =
        nom::character::complete::digit1::<_, ()>(i).map_err(|_| LineError::new(at, "a queue size"))?;
    match parse_u64(digits) {
        Some(v) => Ok((rest, v, digits)),
        None => Err(LineError::new(at, "a queue size that fits in 64 bits")),
    }
}

/// Decide whether the middle part starts with a State value, from the shapes of its first
/// words and the columns the header announced.
pub(super) fn state_present(proto: Proto, layout: InetLayout, toks: &[(usize, &[u8]); 4], count: usize) -> bool {
    if count == 0 {
        return false;
    }
    let w0 = toks[0].1;
    if words::tcp_state(w0).is_some() {
        return true;
    }
    if proto.is_raw() && all_digits(w0) {
        return true;
    }
    match (layout.user_inode, layout.program) {
        // state? user inode program…: with a state, the inode is the third word.
        (true, true) => count >= 4 && all_digits(toks[2].1) && Owner::starts(toks[3].1),
        (true, false) => count == 3,
        // state? program…: the program starts with `-` or `pid/`.
        (false, true) => !Owner::starts(w0),
        (false, false) => true,
    }
}

pub(super) fn state_value(proto: Proto, w: &[u8]) -> InetState<'_> {
    if let Some(s) = words::tcp_state(w) {
        return InetState::Known(s);
    }
    if proto.is_raw() {
        if let Some(n) = parse_u64(w).and_then(|n| u32::try_from(n).ok()) {
            return InetState::Kernel(n);
        }
    }
    InetState::Other(w)
}

/// Find the timer at the end of `line[from..end]`: `word (secs/retrans/probes)`.
/// Returns the timer and the offset where its word starts.
fn timer_from_right(line: &[u8], from: usize, end: usize) -> Result<(Timer<'_>, usize), nom::Err<LineError>> {
    let err = |at: usize| nom::Err::Error(LineError::new(at, "a timer such as `off (0.00/0/0)`"));
    let text = &line[from..end];
    if text.last() != Some(&b')') {
        return Err(err(end));
    }
    let open = text.iter().rposition(|&b| b == b'(').ok_or_else(|| err(end))?;
    let inner = &text[open + 1..text.len() - 1];
    let (expires_ms, retransmits, probes) = timer_numbers(inner).ok_or_else(|| err(from + open + 1))?;
    let mut before = trim_end_blanks(&text[..open]);
    while let Some(stripped) = before.strip_suffix(b"(") {
        before = trim_end_blanks(stripped);
    }
    let word_start = before.iter().rposition(|&b| crate::lex::is_blank(b)).map_or(0, |p| p + 1);
    let word = &before[word_start..];
    if word.is_empty() {
        return Err(err(from + open));
    }
    let kind = words::timer_kind(word).unwrap_or(TimerKind::Other);
    Ok((Timer { kind, word, expires_ms, retransmits, probes }, from + word_start))
}

/// `0.00/0/0` → (milliseconds, retransmits, probes).
pub(super) fn timer_numbers(inner: &[u8]) -> Option<(i64, u64, u64)> {
    let mut parts = inner.split(|&b| b == b'/');
    let secs = parts.next()?;
    let retrans = parse_u64(parts.next()?)?;
    // Two translations (pt_BR `on%d`, `unkn-%d`) print no probe count.
    let probes = match parts.next() {
        Some(p) => parse_u64(p)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    let (negative, secs) = match secs.strip_prefix(b"-") {
        Some(s) => (true, s),
        None => (false, secs),
    };
    // Localized output prints the decimal comma of its locale (`43,27`).
    let (whole, frac) = match secs.iter().position(|&b| b == b'.' || b == b',') {
        Some(dot) => (&secs[..dot], &secs[dot + 1..]),
        None => (secs, &b""[..]),
    };
    let whole = i64::try_from(parse_u64(whole)?).ok()?;
    let mut ms: i64 = 0;
    for (k, &d) in frac.iter().enumerate() {
        if !d.is_ascii_digit() {
            return None;
        }
        if k < 3 {
            ms += i64::from(d - b'0') * [100i64, 10, 1][k];
        }
    }
    let total = whole.checked_mul(1000)?.checked_add(ms)?;
    Some((if negative { -total } else { total }, retrans, probes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netstat::Host;

    fn full(line: &str) -> InetRow<'_> {
        inet_row(line.as_bytes(), InetLayout::FULL).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    #[test]
    fn established_row() {
        let r = full("tcp        0      0 192.168.0.1:53          192.168.0.53:53         ESTABLISHED 0          1817       12/dnsd              off (0.00/0/0)");
        assert_eq!(r.proto, Proto::Tcp);
        assert_eq!((r.recv_q, r.send_q), (Some(0), Some(0)));
        assert_eq!(r.local.host, Host::Ip("192.168.0.1".parse().unwrap()));
        assert_eq!(r.state, InetState::Known(TcpState::Established));
        assert_eq!(r.user, Some(User::Uid(0)));
        assert_eq!(r.inode, Some(1817));
        assert_eq!(r.owner, Some(Owner::Process { pid: 12, name: b"dnsd" }));
        let t = r.timer.unwrap();
        assert_eq!((t.kind, t.expires_ms, t.retransmits, t.probes), (TimerKind::Off, 0, 0, 0));
        assert_eq!(r.column(InetCol::Timer), b"off (0.00/0/0)");
        assert_eq!(r.column(InetCol::Program), b"12/dnsd");
        assert_eq!(r.column(InetCol::Local), b"192.168.0.1:53");
    }

    #[test]
    fn program_with_blanks_and_timer_on() {
        let r = full("tcp        0      0 127.0.0.1:34645         0.0.0.0:*               LISTEN      0          19097      9064/zoo worker: ac  on (0.79/3/1)");
        assert_eq!(r.owner, Some(Owner::Process { pid: 9064, name: b"zoo worker: ac" }));
        let t = r.timer.unwrap();
        assert_eq!((t.kind, t.expires_ms, t.retransmits, t.probes), (TimerKind::On, 790, 3, 1));
    }

    #[test]
    fn udp_without_state_and_raw_with_number() {
        let r = full("udpl6      0      0 ::1:45990               :::*                                0          19041      9020/python3         off (0.00/0/0)");
        assert_eq!(r.proto, Proto::Udpl6);
        assert_eq!(r.state, InetState::Empty);
        assert_eq!(r.column(InetCol::State), b"");
        assert_eq!(r.inode, Some(19041));
        let r = full("raw6   43520      0 :::58                   :::*                    7           0          8726       4479/python3         off (0.00/0/0)");
        assert_eq!(r.state, InetState::Kernel(7));
        assert_eq!(r.recv_q, Some(43520));
    }

    #[test]
    fn overflowing_queue_and_wide_address() {
        let r = full("tcp   25229664      0 127.0.0.1:45678         127.0.0.1:35660         ESTABLISHED 0          19001      9020/python3         keepalive (7197.56/0/0)");
        assert_eq!(r.recv_q, Some(25_229_664));
        assert_eq!(r.timer.unwrap().expires_ms, 7_197_560);
        let r = full("tcp        0      0 2001:db8:1234:5678:9abc::1:22 0.0.0.0:*         LISTEN      0          1003       901/foo              off (0.00/0/0)");
        assert_eq!(r.local.port, crate::netstat::Port::Number(22));
        assert_eq!(r.column(InetCol::Local), b"2001:db8:1234:5678:9abc::1:22");
    }

    #[test]
    fn sctp_endpoint_and_association() {
        // `sctp` + 16 blanks, a 47-wide address field, the state, then the -e/-p/-o columns.
        let eps = format!(
            "sctp                {:<47} {:<11} 0          20457      812/sctp_darn        off (0.00/0/0)",
            "127.0.0.1:5000", "LISTEN"
        );
        let r = full(&eps);
        assert_eq!((r.proto, r.recv_q, r.foreign), (Proto::Sctp, None, None));
        assert_eq!(r.local.port, crate::netstat::Port::Number(5000));
        assert_eq!(r.state, InetState::Known(TcpState::Listen));
        assert_eq!(r.inode, Some(20457));
        let assoc = "sctp       0      0 127.0.0.1:5000          127.0.0.1:41000         ESTABLISHED 0          20458      812/sctp_darn        off (0.00/0/0)";
        let r = full(assoc);
        assert_eq!(r.foreign.map(|f| f.port), Some(crate::netstat::Port::Number(41000)));
    }

    #[test]
    fn hidden_and_missing_owner() {
        let r = full("tcp        0      0 10.24.1.245:80          10.24.36.145:32790      SYN_RECV    0          0          -                    on (0.79/0/0)");
        assert_eq!(r.owner, Some(Owner::Hidden));
        let r = full("tcp        0      0 ::1:5432                :::*                    LISTEN      26         14071                           off (0.00/0/0)");
        assert_eq!(r.owner, Some(Owner::Other(b"")));
        assert_eq!(r.inode, Some(14071));
    }

    #[test]
    fn layouts_without_optional_columns() {
        let tulpn = InetLayout { user_inode: false, program: true, timer: false };
        let r = inet_row(
            b"udp        0      0 0.0.0.0:68              0.0.0.0:*                           611/dhclient        ",
            tulpn,
        )
        .unwrap();
        assert_eq!(r.state, InetState::Empty);
        assert_eq!(r.owner, Some(Owner::Process { pid: 611, name: b"dhclient" }));
        let an = InetLayout { user_inode: false, program: false, timer: false };
        let r =
            inet_row(b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     ", an).unwrap();
        assert_eq!(r.state, InetState::Known(TcpState::Listen));
        let r =
            inet_row(b"udp        0      0 0.0.0.0:68              0.0.0.0:*                          ", an).unwrap();
        assert_eq!(r.state, InetState::Empty);
        let e_only = InetLayout { user_inode: true, program: false, timer: false };
        let r = inet_row(
            b"udp        0      0 0.0.0.0:68              0.0.0.0:*                           root       1505      ",
            e_only,
        )
        .unwrap();
        assert_eq!(r.state, InetState::Empty);
        assert_eq!(r.user, Some(User::Name(b"root")));
    }

    #[test]
    fn errors_point_at_the_column() {
        let e =
            inet_row(b"tcp        0      0 0.0.0.0           7788  0.0.0.0           *     LISTEN", InetLayout::FULL)
                .unwrap_err();
        assert_eq!(e, LineError::new(20, "an address:port"));
        let e = inet_row(b"xyz 0 0 1.2.3.4:5 1.2.3.4:6 LISTEN 0 1 - off (0.00/0/0)", InetLayout::FULL).unwrap_err();
        assert_eq!(e.column, 0);
        let e = inet_row(b"tcp 0 0 1.2.3.4:5 1.2.3.4:6 LISTEN 0 1 - off", InetLayout::FULL).unwrap_err();
        assert_eq!(e.expected, "a timer such as `off (0.00/0/0)`");
        let e = inet_row(b"tcp 99999999999999999999 0 1.2.3.4:5 1.2.3.4:6", InetLayout::FULL).unwrap_err();
        assert_eq!(e, LineError::new(4, "a queue size that fits in 64 bits"));
        let e = inet_row(b"tcp        0      0 0.0.0.0:22", InetLayout::FULL).unwrap_err();
        assert_eq!(e.column, 30);
    }

    #[test]
    fn timer_numbers_forms() {
        assert_eq!(timer_numbers(b"0.00/0/0"), Some((0, 0, 0)));
        assert_eq!(timer_numbers(b"57.11/0/0"), Some((57_110, 0, 0)));
        assert_eq!(timer_numbers(b"43,27/0/0"), Some((43_270, 0, 0)));
        assert_eq!(timer_numbers(b"-0.50/1/2"), Some((-500, 1, 2)));
        assert_eq!(timer_numbers(b"1/2"), Some((1000, 2, 0)));
        assert_eq!(timer_numbers(b"1"), None);
        assert_eq!(timer_numbers(b"1/2/3/4"), None);
        assert_eq!(timer_numbers(b"x/2/3"), None);
    }
}
