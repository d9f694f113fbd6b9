//! Rows of an ss table.
//!
//! ```text
//! tcp   ESTAB 0      0      [::ffff:127.0.0.1]:45680 [::ffff:127.0.0.1]:33238 users:(("python3",pid=4479,fd=12)) ino:1 sk:2 <->
//! └netid└state└recv-q└send-q└local (right-aligned)   └peer                    └process                          └extras
//! u_str LISTEN 0      8      /tmp/dir with space.sock 8730 * 0
//!                            └local: path inode      └peer: name inode
//! ```
//!
//! Column widths are computed from the data (per block of output since iproute2 5.0) and
//! iproute2 4.15–4.19 printed no blank between left-aligned columns, so a row is read by
//! the shapes of its values: the left part (netid, state, queues) has closed domains; the
//! endpoints have one shape per socket family (one word each for inet, a path that may
//! hold blanks anchored on the inode that follows it for unix); the Process column is a
//! `users:(…)` list with its own grammar; what remains are extras.

use nom::Parser;

use super::endpoint::{
    endpoint, is_netlink_peer, is_unix_inode, is_unix_peer_name, lenient_endpoint, netlink_endpoint, unix_endpoint,
    Endpoint, Family, Port,
};
use super::extras::{item_end, Extras};
use super::users::{self, Stop, Users, PREFIX as USERS_PREFIX};
use super::SsColumns;
use crate::lex::{
    all_digits, blanks0, blanks1, error_at, expect, fail, is_blank, parse_u64, span_at, span_of, trim_end_blanks, word,
    PResult,
};
use crate::{LineError, Span};

/// The Netid column: which socket table a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Netid<'a> {
    /// `tcp` (also UDP sockets, mislabelled by iproute2 3.10 on newer kernels).
    Tcp,
    /// `udp`.
    Udp,
    /// `raw`.
    Raw,
    /// `icmp6`.
    Icmp6,
    /// `mptcp`.
    Mptcp,
    /// `sctp`.
    Sctp,
    /// `dccp`.
    Dccp,
    /// `u_str`: unix stream.
    UStr,
    /// `u_dgr`: unix datagram.
    UDgr,
    /// `u_seq`: unix seqpacket.
    USeq,
    /// `p_raw`: packet, raw.
    PRaw,
    /// `p_dgr`: packet, datagram.
    PDgr,
    /// `nl`: netlink.
    Nl,
    /// `v_str`: vsock stream.
    VStr,
    /// `v_dgr`: vsock datagram.
    VDgr,
    /// `ti_st`, `ti_dg`, `ti_rd`, `ti_sq`: TIPC (the row's Netid column text says which).
    Tipc,
    /// `xdp`.
    Xdp,
    /// Anything else (`???`, `unknown`, a newer table).
    Other(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

/// Every netid word ss prints, with its value.
const NETIDS: [(&[u8], Netid<'static>); 20] = [
    (b"tcp", Netid::Tcp),
    (b"udp", Netid::Udp),
    (b"raw", Netid::Raw),
    (b"icmp6", Netid::Icmp6),
    (b"mptcp", Netid::Mptcp),
    (b"sctp", Netid::Sctp),
    (b"dccp", Netid::Dccp),
    (b"u_str", Netid::UStr),
    (b"u_dgr", Netid::UDgr),
    (b"u_seq", Netid::USeq),
    (b"p_raw", Netid::PRaw),
    (b"p_dgr", Netid::PDgr),
    (b"nl", Netid::Nl),
    (b"v_str", Netid::VStr),
    (b"v_dgr", Netid::VDgr),
    (b"ti_st", Netid::Tipc),
    (b"ti_dg", Netid::Tipc),
    (b"ti_rd", Netid::Tipc),
    (b"ti_sq", Netid::Tipc),
    (b"xdp", Netid::Xdp),
];

impl<'a> Netid<'a> {
    /// Read a netid word; a word we do not know is [`Netid::Other`].
    pub fn parse(word: &'a [u8]) -> Netid<'a> {
        Netid::known(word).unwrap_or(Netid::Other(word))
    }

    /// The netid a word names, if it is one ss prints.
    pub fn known(word: &[u8]) -> Option<Netid<'static>> {
        NETIDS.iter().find(|(w, _)| *w == word).map(|(_, n)| *n)
    }

    /// A stable name: the word ss prints (`tipc` for the four TIPC words), or the word
    /// itself for [`Netid::Other`].
    pub fn name(&self) -> &'a [u8] {
        match self {
            Netid::Tipc => b"tipc",
            Netid::Other(w) => w,
            known => NETIDS.iter().find(|(_, n)| n == known).map_or(&b""[..], |(w, _)| w),
        }
    }

    /// How the endpoints of this table are printed.
    pub(super) fn family(&self) -> Family {
        match self {
            Netid::Tcp | Netid::Udp | Netid::Raw | Netid::Icmp6 | Netid::Mptcp | Netid::Sctp | Netid::Dccp => {
                Family::Inet
            }
            Netid::UStr | Netid::UDgr | Netid::USeq => Family::Unix,
            Netid::Nl => Family::Netlink,
            _ => Family::Other,
        }
    }
}

/// The State column, as ss names the kernel states (hyphens, `ESTAB`, `UNCONN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum State<'a> {
    /// `ESTAB`.
    Estab,
    /// `SYN-SENT`.
    SynSent,
    /// `SYN-RECV`.
    SynRecv,
    /// `FIN-WAIT-1`.
    FinWait1,
    /// `FIN-WAIT-2`.
    FinWait2,
    /// `TIME-WAIT`.
    TimeWait,
    /// `UNCONN`: the kernel's CLOSE state. Kept as printed for `tcp` rows, which are UDP
    /// sockets mislabelled by iproute2 3.10, or bound-inactive TCP sockets (iproute2 and
    /// kernel ≥ 6.8): the grammar cannot tell which.
    Unconn,
    /// `CLOSED` (an sctp association) or `CLOSE`.
    Close,
    /// `CLOSE-WAIT`.
    CloseWait,
    /// `LAST-ACK`.
    LastAck,
    /// `LISTEN`.
    Listen,
    /// `CLOSING`.
    Closing,
    /// Anything else: `UNKNOWN`, `UNDEF`, the other sctp association states
    /// (`COOKIE_WAIT`, `SHUTDOWN_SENT`, …).
    Other(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

/// Every state word ss prints that has a variant of its own.
const STATES: [(&[u8], State<'static>); 13] = [
    (b"ESTAB", State::Estab),
    (b"SYN-SENT", State::SynSent),
    (b"SYN-RECV", State::SynRecv),
    (b"FIN-WAIT-1", State::FinWait1),
    (b"FIN-WAIT-2", State::FinWait2),
    (b"TIME-WAIT", State::TimeWait),
    (b"UNCONN", State::Unconn),
    (b"CLOSE-WAIT", State::CloseWait),
    (b"LAST-ACK", State::LastAck),
    (b"LISTEN", State::Listen),
    (b"CLOSING", State::Closing),
    (b"CLOSED", State::Close),
    (b"CLOSE", State::Close),
];

/// State words that are not variants but that ss prints for inet sockets; needed to split
/// a state glued to its queue (`UNKNOWN0`).
const OTHER_STATES: [&[u8]; 2] = [b"UNKNOWN", b"UNDEF"];

impl<'a> State<'a> {
    /// Read a state word; a word we do not know is [`State::Other`].
    pub fn parse(word: &'a [u8]) -> State<'a> {
        State::known(word).unwrap_or(State::Other(word))
    }

    /// The state a word names, if it has a variant.
    pub fn known(word: &[u8]) -> Option<State<'static>> {
        STATES.iter().find(|(w, _)| *w == word).map(|(_, s)| *s)
    }

    /// The word ss prints (`CLOSED` for [`State::Close`]), or the word itself.
    pub fn name(&self) -> &'a [u8] {
        match self {
            State::Other(w) => w,
            known => STATES.iter().find(|(_, s)| s == known).map_or(&b""[..], |(w, _)| w),
        }
    }
}

/// The columns of an ss row, in print order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SsCol {
    /// `Netid`.
    Netid,
    /// `State` (with the `` `- `` of an sctp association sub-row).
    State,
    /// `Recv-Q`.
    RecvQ,
    /// `Send-Q`.
    SendQ,
    /// `Local Address:Port` (for unix: `path inode`).
    Local,
    /// `Peer Address:Port`.
    Peer,
    /// `Process`: the `users:(…)` list as printed.
    Process,
    /// The extras after the Process column (`-e -o -m -i`), up to the last one. In the
    /// layout of iproute2 < 3.14, where `timer:(…)` precedes `users:(…)`, this range
    /// encloses the Process column.
    Extras,
}

impl SsCol {
    /// Every column, in print order.
    pub const ALL: [SsCol; 8] = [
        SsCol::Netid,
        SsCol::State,
        SsCol::RecvQ,
        SsCol::SendQ,
        SsCol::Local,
        SsCol::Peer,
        SsCol::Process,
        SsCol::Extras,
    ];

    /// The header ss prints for the column (`""` for the extras, which have none).
    pub fn c_name(self) -> &'static str {
        match self {
            SsCol::Netid => "Netid",
            SsCol::State => "State",
            SsCol::RecvQ => "Recv-Q",
            SsCol::SendQ => "Send-Q",
            SsCol::Local => "Local Address:Port",
            SsCol::Peer => "Peer Address:Port",
            SsCol::Process => "Process",
            SsCol::Extras => "",
        }
    }
}

/// One row of an ss table, typed, borrowing from its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SsRow<'a> {
    /// The whole line, as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub line: &'a [u8],
    /// The columns the row was read with.
    pub columns: SsColumns,
    /// `Netid`; `None` when the table has no Netid column, and for an sctp association
    /// sub-row (whose Netid is empty).
    pub netid: Option<Netid<'a>>,
    /// True for an sctp association sub-row: `` `- ESTAB …`` under its `sctp` socket.
    pub sctp_assoc: bool,
    /// `State`; `None` when the table has no State column (one state selected).
    pub state: Option<State<'a>>,
    /// `Recv-Q`: bytes not yet read (for a listener, its current accept backlog).
    /// `None` when the table has no queue columns (`-Q`, iproute2 ≥ 6.9).
    pub recv_q: Option<u64>,
    /// `Send-Q`: bytes not yet acknowledged (for a listener, its maximum backlog).
    pub send_q: Option<u64>,
    /// `Local Address:Port`.
    pub local: Endpoint<'a>,
    /// `Peer Address:Port`.
    pub peer: Endpoint<'a>,
    /// The `users:(…)` list; `None` when the row has none (no `-p`, a kernel or TIME-WAIT
    /// socket, another user's socket).
    pub process: Option<Users<'a>>,
    /// The extra items (`timer:`, `uid:`, `ino:`, `<->`, `skmem:`, TCP info with `-O`).
    pub extras: Extras<'a>,
    /// Byte range of each column's text within `line`, in [`SsCol::ALL`] order; an absent
    /// or empty column has an empty range where it would be.
    pub spans: [(u32, u32); 8],
}

impl<'a> SsRow<'a> {
    /// The text of a column as printed, without surrounding blanks.
    ///
    /// ```
    /// use netsift_grammar::ss::{row, SsCol, SsColumns};
    /// let line = br#"udp   UNCONN 0      0        127.0.0.1:52462      0.0.0.0:*    users:(("z",pid=9069,fd=4))    "#;
    /// let r = row(line, SsColumns::FULL).unwrap();
    /// assert_eq!(r.column(SsCol::Local), b"127.0.0.1:52462");
    /// assert_eq!(r.column(SsCol::Process), br#"users:(("z",pid=9069,fd=4))"#);
    /// ```
    pub fn column(&self, col: SsCol) -> &'a [u8] {
        let (start, end) = self.spans[col as usize];
        self.line.get(start as usize..end as usize).unwrap_or_default()
    }

    /// Where a column's text starts in the line.
    pub fn column_start(&self, col: SsCol) -> usize {
        self.spans[col as usize].0 as usize
    }
}

/// Parse one row of a table with the given columns.
///
/// ```
/// use netsift_grammar::ss::{row, Host, Netid, Port, SsColumns, State};
/// let line = br#"tcp   LISTEN     0        1       [fe80::fc:ff:fe00:1]%eth0:45694               [::]:*     users:(("python3",pid=7268,fd=3))"#;
/// let r = row(line, SsColumns::FULL).unwrap();
/// assert_eq!((r.netid, r.state), (Some(Netid::Tcp), Some(State::Listen)));
/// assert_eq!((r.recv_q, r.send_q), (Some(0), Some(1)));
/// assert_eq!(r.local.iface, Some(&b"eth0"[..]));
/// assert_eq!(r.peer.port, Some(Port::Any));
/// assert_eq!(r.process.unwrap().iter().next().unwrap().pid, 7268);
/// ```
pub fn row(line: &[u8], columns: SsColumns) -> Result<SsRow<'_>, LineError> {
    row_in(line, columns, SsGeometry::default())
}

/// Where a header put the two columns that iproute2 4.15–4.19, which printed no blank
/// between columns, may glue to their neighbour; rows are aligned with their header, so
/// these offsets hold for every row of its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SsGeometry {
    /// Offset of `Send-Q`: a Recv-Q as wide as its column (`1234560`: Recv-Q 123456,
    /// Send-Q 0) ends there.
    pub send_q: Option<u32>,
    /// Offset of the `:` of `Peer Address:`. The peer address is right-aligned, so its
    /// last colon is there: where a peer glued to the local port (`…:54321192.168.1.20:443`)
    /// has its port.
    pub peer_colon: Option<u32>,
}

/// [`row`], reading the glued columns of iproute2 4.15–4.19 with the offsets of the
/// table's header (see [`crate::ss::geometry`]). A row that reads without them reads the
/// same with them: the offsets are used only where the words alone do not parse.
///
/// ```
/// use netsift_grammar::ss::{geometry, row, row_in, SsColumns};
/// // iproute2 4.18: a 6-digit Recv-Q fills its column and touches the Send-Q.
/// let header = b"Netid State Recv-QSend-Q  Local Address:Port    Peer Address:Port";
/// let line = b"tcp   ESTAB 1234560          127.0.0.1:54321     127.0.0.1:22";
/// assert!(row(line, SsColumns::FULL).is_err());
/// let r = row_in(line, SsColumns::FULL, geometry(header)).unwrap();
/// assert_eq!((r.recv_q, r.send_q), (Some(123_456), Some(0)));
/// ```
pub fn row_in(line: &[u8], columns: SsColumns, geometry: SsGeometry) -> Result<SsRow<'_>, LineError> {
    crate::lex::complete(line, parse(Span::new(line), columns, geometry))
}

fn empty_at(s: Span<'_>) -> (u32, u32) {
    let at = s.location_offset() as u32;
    (at, at)
}

fn parse(input: Span<'_>, columns: SsColumns, geometry: SsGeometry) -> PResult<'_, SsRow<'_>> {
    let line: &[u8] = input.fragment();
    let mut spans = [(0u32, 0u32); 8];
    let (i, lead) = leading(input, columns, geometry, &mut spans)?;

    let from = i.location_offset();
    let end = trim_end_blanks(line).len().max(from);
    let family = match lead.netid {
        Some(n) => n.family(),
        None if lead.sctp_assoc => Family::Inet,
        None => guess_family(line, from, end),
    };
    let sides = match family {
        Family::Unix if lead.netid.is_none() => {
            unix_sides(line, from, end).or_else(|_| single_sides(line, from, end, family, geometry))
        }
        Family::Unix => unix_sides(line, from, end),
        Family::Netlink => netlink_sides(line, from, end),
        Family::Inet | Family::Other => single_sides(line, from, end, family, geometry),
    }?;
    spans[SsCol::Local as usize] = (sides.local_span.0 as u32, sides.local_span.1 as u32);
    spans[SsCol::Peer as usize] = (sides.peer_span.0 as u32, sides.peer_span.1 as u32);

    let after_peer = sides.peer_span.1;
    let tail = tail(&line[..end], after_peer)?;
    spans[SsCol::Process as usize] = match tail.process {
        Some((start, users)) => (start as u32, (start + users.text().len()) as u32),
        None => (after_peer as u32, after_peer as u32),
    };
    spans[SsCol::Extras as usize] = (tail.extras_from as u32, end as u32);

    let row = SsRow {
        line,
        columns,
        netid: lead.netid,
        sctp_assoc: lead.sctp_assoc,
        state: lead.state,
        recv_q: lead.recv_q,
        send_q: lead.send_q,
        local: sides.local,
        peer: sides.peer,
        process: tail.process.map(|(_, users)| users),
        extras: Extras::new(line, after_peer, end),
        spans,
    };
    Ok((span_at(line, line.len()), row))
}

/// The columns before the addresses.
struct Leading<'a> {
    netid: Option<Netid<'a>>,
    sctp_assoc: bool,
    state: Option<State<'a>>,
    recv_q: Option<u64>,
    send_q: Option<u64>,
}

/// Read Netid, State and the queues, as far as the table has them, and note their spans.
fn leading<'a>(
    input: Span<'a>,
    columns: SsColumns,
    geometry: SsGeometry,
    spans: &mut [(u32, u32); 8],
) -> PResult<'a, Leading<'a>> {
    let (mut i, _) = blanks0(input)?;
    let mut lead = Leading { netid: None, sctp_assoc: false, state: None, recv_q: None, send_q: None };

    // Netid, unless this is an sctp association sub-row, whose Netid is empty.
    spans[SsCol::Netid as usize] = empty_at(i);
    if columns.netid && !is_assoc_marker(i) {
        let (rest, text) = netid_token(i, columns.state)?;
        lead.netid = Some(Netid::parse(text.fragment()));
        spans[SsCol::Netid as usize] = span_of(text);
        (i, _) = blanks0(rest)?;
    }

    spans[SsCol::State as usize] = empty_at(i);
    if columns.state {
        let start = i.location_offset() as u32;
        if is_assoc_marker(i) {
            lead.sctp_assoc = true;
            let (rest, _) = nom::bytes::complete::take(2usize).parse(i)?;
            (i, _) = blanks1(rest)?;
        }
        let (rest, text) = state_token(i, columns.queues)?;
        lead.state = Some(State::parse(text.fragment()));
        spans[SsCol::State as usize] = (start, span_of(text).1);
        (i, _) = blanks0(rest)?;
    }

    spans[SsCol::RecvQ as usize] = empty_at(i);
    spans[SsCol::SendQ as usize] = empty_at(i);
    if columns.queues {
        let (rest, (text, value)) = match glued_queues(i, geometry.send_q) {
            Some(recv) => recv,
            None => queue(i)?,
        };
        spans[SsCol::RecvQ as usize] = span_of(text);
        lead.recv_q = Some(value);
        let (rest, _) = blanks0(rest)?;
        let (rest, (text, value)) = queue(rest)?;
        spans[SsCol::SendQ as usize] = span_of(text);
        lead.send_q = Some(value);
        (i, _) = blanks0(rest)?;
    }
    Ok((i, lead))
}

/// What follows the peer: the Process column (with where it starts) and where the extras
/// start.
struct Tail<'a> {
    process: Option<(usize, Users<'a>)>,
    extras_from: usize,
}

/// Find the Process column in `items[from..]`. It follows the peer; iproute2 < 3.14 with
/// `-o` prints `timer:(…)` before it, so a list is also looked for among the extras. A
/// broken list right after the peer is an error; one among the extras is read as an
/// extra.
fn tail(items: &[u8], from: usize) -> Result<Tail<'_>, nom::Err<LineError>> {
    let skip = |pos: usize| pos + crate::lex::first_non_blank(&items[pos..]).unwrap_or(items.len() - pos);
    let first = skip(from);
    if items[first..].starts_with(USERS_PREFIX) {
        let scan = users::scan(items, first).map_err(|stop| match stop {
            Stop::Incomplete => error_at(span_at(items, items.len()), "the rest of the users list"),
            Stop::Error(at, what) => error_at(span_at(items, at), what),
        })?;
        let users = Users::from_scan(&items[first..scan.end], scan);
        return Ok(Tail { process: Some((first, users)), extras_from: skip(scan.end) });
    }
    let mut pos = first;
    while pos < items.len() {
        if items[pos..].starts_with(USERS_PREFIX) {
            if let Ok(scan) = users::scan(items, pos) {
                let users = Users::from_scan(&items[pos..scan.end], scan);
                return Ok(Tail { process: Some((pos, users)), extras_from: first });
            }
            break;
        }
        pos = skip(item_end(items, pos));
    }
    Ok(Tail { process: None, extras_from: first })
}

/// `` `- `` starts the State of an sctp association sub-row.
fn is_assoc_marker(i: Span<'_>) -> bool {
    let t: &[u8] = i.fragment();
    t.starts_with(b"`-") && t.get(2).is_none_or(|&b| is_blank(b))
}

/// The netid word, or the netid part of a word glued to the state (`u_strESTAB`: the
/// 4.15–4.19 layouts printed no blank between columns).
fn netid_token(i: Span<'_>, state_follows: bool) -> PResult<'_, Span<'_>> {
    let (rest, text) = expect("a netid such as `tcp`", word).parse(i)?;
    let w: &[u8] = text.fragment();
    if Netid::known(w).is_some() || !state_follows {
        return Ok((rest, text));
    }
    let names = NETIDS.iter().map(|(n, _)| *n);
    let state_next = |tail: &[u8]| STATES.iter().map(|(s, _)| *s).chain(OTHER_STATES).any(|s| tail.starts_with(s));
    match glued_len(w, names, state_next) {
        Some(len) => nom::bytes::complete::take(len).parse(i),
        None => Ok((rest, text)),
    }
}

/// The state word, or the state part of a word glued to the Recv-Q (`LISTEN0`).
fn state_token(i: Span<'_>, queue_follows: bool) -> PResult<'_, Span<'_>> {
    let (rest, text) = expect("a state such as `ESTAB`", word).parse(i)?;
    let w: &[u8] = text.fragment();
    if State::known(w).is_some() || !queue_follows {
        return Ok((rest, text));
    }
    let names = STATES.iter().map(|(s, _)| *s).chain(OTHER_STATES);
    match glued_len(w, names, |tail| tail.first().is_some_and(u8::is_ascii_digit)) {
        Some(len) => nom::bytes::complete::take(len).parse(i),
        None => Ok((rest, text)),
    }
}

/// The length of the longest name that starts `word`, is shorter than it, and leaves a
/// tail that `tail_ok` accepts.
fn glued_len<'n>(word: &[u8], names: impl Iterator<Item = &'n [u8]>, tail_ok: impl Fn(&[u8]) -> bool) -> Option<usize> {
    names.filter(|n| n.len() < word.len() && word.starts_with(n) && tail_ok(&word[n.len()..])).map(<[u8]>::len).max()
}

/// A Recv-Q glued to its Send-Q (`1234560`, iproute2 4.15–4.19): one word of digits
/// across the header's Send-Q offset, followed by a word that is no number (the local
/// address). Returns the Recv-Q, leaving the Send-Q as the rest.
fn glued_queues(i: Span<'_>, send_q: Option<u32>) -> Option<(Span<'_>, (Span<'_>, u64))> {
    let at = send_q? as usize;
    let (rest, text) = word(i).ok()?;
    let start = text.location_offset();
    let end = start + text.fragment().len();
    let next_is_queue =
        blanks0(rest).ok().and_then(|(r, _)| word(r).ok()).is_some_and(|(_, w)| all_digits(w.fragment()));
    if !(start < at && at < end && all_digits(text.fragment())) || next_is_queue {
        return None;
    }
    let (rest, recv) = nom::bytes::complete::take::<_, _, LineError>(at - start).parse(i).ok()?;
    let value = parse_u64(recv.fragment())?;
    Some((rest, (recv, value)))
}

/// A queue: digits only.
fn queue(i: Span<'_>) -> PResult<'_, (Span<'_>, u64)> {
    let (rest, text) = expect("a queue size", word).parse(i)?;
    if !all_digits(text.fragment()) {
        return fail(text, "a queue size");
    }
    match parse_u64(text.fragment()) {
        Some(v) => Ok((rest, (text, v))),
        None => fail(text, "a queue size that fits in 64 bits"),
    }
}

/// The two endpoints of a row and where their texts are.
struct Sides<'a> {
    local: Endpoint<'a>,
    local_span: (usize, usize),
    peer: Endpoint<'a>,
    peer_span: (usize, usize),
}

/// The next blank-separated word of `line[from..end]`: its start and end.
fn word_at(line: &[u8], from: usize, end: usize) -> Option<(usize, usize)> {
    // Columns are padded wide: blanks are skipped eight bytes at a time.
    let text = line.get(from..end)?;
    let start = from + crate::lex::first_non_blank(text)?;
    let stop = crate::lex::first_blank(&line[start..end]).map_or(end, |p| start + p);
    Some((start, stop))
}

/// Without a Netid column, unix rows are recognised by their local name: `*` (unnamed), a
/// path or an abstract `@name`.
fn guess_family(line: &[u8], from: usize, end: usize) -> Family {
    match word_at(line, from, end).map(|(s, e)| &line[s..e]) {
        Some(w) if w == b"*" || matches!(w.first(), Some(b'/' | b'@')) => Family::Unix,
        _ => Family::Other,
    }
}

/// One word each side (inet and most other families). A peer glued to the local port
/// (`0.0.0.0:22*:*`, 4.15–4.19) is split when the peer starts with `[` or `*`, the only
/// cases where the split is unambiguous.
fn single_sides(
    line: &[u8],
    from: usize,
    end: usize,
    family: Family,
    geometry: SsGeometry,
) -> Result<Sides<'_>, nom::Err<LineError>> {
    let (ls, le) = word_at(line, from, end).ok_or_else(|| error_at(span_at(line, from), "a local address"))?;
    let read = |(s, e): (usize, usize)| match family {
        Family::Inet => endpoint(&line[s..e]).map_err(|what| error_at(span_at(line, s), what)),
        _ => Ok(lenient_endpoint(&line[s..e])),
    };
    let (local_span, peer_span) = match glued_peer(&line[ls..le]) {
        Some(cut) => ((ls, ls + cut), (ls + cut, le)),
        None => {
            let peer = word_at(line, le, end).ok_or_else(|| error_at(span_at(line, end), "a peer address"));
            let apart = peer.and_then(|peer| Ok((read((ls, le))?, read(peer)?, peer)));
            match apart {
                Ok((local, peer, peer_span)) => return Ok(Sides { local, local_span: (ls, le), peer, peer_span }),
                Err(e) => match glued_ipv4_peer(line, (ls, le), geometry.peer_colon) {
                    Some(cut) => ((ls, cut), (cut, le)),
                    None => return Err(e),
                },
            }
        }
    };
    Ok(Sides { local: read(local_span)?, local_span, peer: read(peer_span)?, peer_span })
}

/// Where an IPv4 peer glued to the local port starts (`127.0.0.1:54321192.168.1.20:443`,
/// iproute2 4.15–4.19, when both columns are full): the peer's last colon is at the
/// header's `Peer Address:` colon, the peer is a dotted quad, and the local endpoint before
/// it has a port. When more than one cut fits (`5432|192.168.1.20` or `54321|92.168.1.20`),
/// the widest peer wins: a glued column is full, and no narrower than its header's
/// `Peer Address` (12 characters), so the peer is the wide one.
fn glued_ipv4_peer(line: &[u8], (ls, le): (usize, usize), peer_colon: Option<u32>) -> Option<usize> {
    let colon = peer_colon? as usize;
    if !(ls < colon && colon < le && line[colon] == b':') {
        return None;
    }
    let fits = |cut: usize| {
        let quad = &line[cut..colon];
        let octets: Vec<&[u8]> = quad.split(|&b| b == b'.').collect();
        let octet_ok = |o: &[u8]| {
            !o.is_empty()
                && o.len() <= 3
                && all_digits(o)
                && (o.len() == 1 || o[0] != b'0')
                && parse_u64(o).is_some_and(|v| v <= 255)
        };
        let local_ok =
            endpoint(&line[ls..cut]).is_ok_and(|e| matches!(e.port, Some(Port::Number(_)) | Some(Port::Any)));
        octets.len() == 4 && octets.iter().all(|o| octet_ok(o)) && local_ok && endpoint(&line[cut..le]).is_ok()
    };
    (ls + 1..colon).find(|&cut| fits(cut))
}

/// Where a peer glued to the local endpoint starts in `word`, if both halves are inet
/// endpoints and the peer starts with `[` or `*`. A local endpoint holds `[` or `*` only
/// at its start, so the first `[` or `*` that follows a port character is the only place
/// to try: one try, linear.
fn glued_peer(word: &[u8]) -> Option<usize> {
    let cut = (1..word.len()).find(|&p| matches!(word[p], b'[' | b'*') && word[p - 1].is_ascii_alphanumeric())?;
    (endpoint(&word[..cut]).is_ok() && endpoint(&word[cut..]).is_ok()).then_some(cut)
}

/// Unix rows: `name inode name inode`, where the local name may hold blanks. The local
/// inode is the last number followed by a peer name (`*`, `?`, a path) and a number,
/// before the Process column.
fn unix_sides(line: &[u8], from: usize, end: usize) -> Result<Sides<'_>, nom::Err<LineError>> {
    let what = "a unix address and inode such as `/run/x.sock 8727 * 0`";
    let (first, _) = word_at(line, from, end).ok_or_else(|| error_at(span_at(line, from), what))?;
    let text = |(s, e): (usize, usize)| &line[s..e];
    let mut window = [(0usize, 0usize); 4];
    let mut seen = 0usize;
    let mut best = None;
    let mut cursor = first;
    while let Some(w) = word_at(line, cursor, end) {
        cursor = w.1;
        if best.is_some() && text(w).starts_with(USERS_PREFIX) {
            break;
        }
        window = [window[1], window[2], window[3], w];
        seen += 1;
        let [before, inode, peer, peer_inode] = window;
        if seen >= 4 && is_unix_inode(text(inode)) && is_unix_peer_name(text(peer)) && is_unix_inode(text(peer_inode)) {
            best = Some((before.1, inode, peer, peer_inode));
        }
    }
    let Some((name_end, inode, peer, peer_inode)) = best else {
        return Err(error_at(span_at(line, first), what));
    };
    let unix = |name: (usize, usize), inode: (usize, usize)| {
        unix_endpoint(&line[name.0..name.1], &line[inode.0..inode.1])
            .map_err(|what| error_at(span_at(line, inode.0), what))
    };
    Ok(Sides {
        local: unix((first, name_end), inode)?,
        local_span: (first, inode.1),
        peer: unix(peer, peer_inode)?,
        peer_span: (peer.0, peer_inode.1),
    })
}

/// Netlink rows: `proto:portid` then `*` or `group:pid`; the port id may be a process
/// name with blanks, so the local side runs up to the first word shaped like a peer.
fn netlink_sides(line: &[u8], from: usize, end: usize) -> Result<Sides<'_>, nom::Err<LineError>> {
    let (first, first_end) =
        word_at(line, from, end).ok_or_else(|| error_at(span_at(line, from), "a local address"))?;
    let mut local_end = first_end;
    let peer = loop {
        let (s, e) =
            word_at(line, local_end, end).ok_or_else(|| error_at(span_at(line, end), "a peer address (`*`)"))?;
        if is_netlink_peer(&line[s..e]) {
            break (s, e);
        }
        local_end = e;
    };
    Ok(Sides {
        local: netlink_endpoint(&line[first..local_end]),
        local_span: (first, local_end),
        peer: lenient_endpoint(&line[peer.0..peer.1]),
        peer_span: peer,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Extra, ExtraValue, Host, Port, Process};
    use super::*;

    const FULL: SsColumns = SsColumns::FULL;

    fn parse_ok(line: &[u8], columns: SsColumns) -> SsRow<'_> {
        row(line, columns).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(line)))
    }

    fn full(line: &[u8]) -> SsRow<'_> {
        parse_ok(line, FULL)
    }

    fn ip(s: &str) -> Host<'static> {
        Host::Ip(s.parse().unwrap())
    }

    fn procs<'a>(r: &SsRow<'a>) -> Vec<Process<'a>> {
        r.process.map(|u| u.iter().collect()).unwrap_or_default()
    }

    fn extras<'a>(r: &SsRow<'a>) -> Vec<Extra<'a>> {
        r.extras.collect()
    }

    #[test]
    fn tupna_rows_of_iproute2_6_1() {
        // real/r1_ss-tupna.txt
        let r = full(br#"udp   UNCONN     0        0                       127.0.0.1:52462            0.0.0.0:*     users:(("z",pid=9069,fd=4))                                          "#);
        assert_eq!((r.netid, r.state, r.recv_q, r.send_q), (Some(Netid::Udp), Some(State::Unconn), Some(0), Some(0)));
        assert_eq!((r.local.host, r.local.port), (ip("127.0.0.1"), Some(Port::Number(52462))));
        assert_eq!((r.peer.host, r.peer.port), (ip("0.0.0.0"), Some(Port::Any)));
        assert_eq!(procs(&r)[0].name, b"z");
        assert!(r.extras.is_empty());
        assert_eq!(r.column(SsCol::Netid), b"udp");
        assert_eq!(r.column(SsCol::State), b"UNCONN");
        assert_eq!(r.column(SsCol::Peer), b"0.0.0.0:*");
        assert_eq!(r.column(SsCol::Extras), b"");

        let r = full(br#"tcp   ESTAB      25229664 0                       127.0.0.1:46303          127.0.0.1:46708 users:(("socket_zoo",pid=9020,fd=49))                                "#);
        assert_eq!(r.recv_q, Some(25_229_664));
        let r = full(br#"tcp   TIME-WAIT  0        0                       127.0.0.9:41427          127.0.0.1:48550                                                                      "#);
        assert_eq!((r.state, r.process), (Some(State::TimeWait), None));
        assert_eq!(r.column(SsCol::Process), b"");
        let r = full(br#"tcp   LISTEN     0        1                          *%eth0:45695                  *:*     users:(("python3",pid=7268,fd=4))                                    "#);
        assert_eq!((r.local.host, r.local.iface), (Host::Any, Some(&b"eth0"[..])));
        let r = full(br#"udp   UNCONN     2304     0                           [::1]:38326               [::]:*     users:(("socket_zoo",pid=9020,fd=77))                                "#);
        assert_eq!((r.local.host, r.peer.host), (ip("::1"), ip("::")));
    }

    #[test]
    fn process_names_that_break_naive_splitting() {
        // real/r1_ss-tupna.txt: comm `q"u(o)t,e=s x` cut at `)`, a blank, several owners.
        let r = full(br#"udp   UNCONN     0        0                       127.0.0.1:60807            0.0.0.0:*     users:(("q"u(o",pid=9067,fd=4))                                      "#);
        assert_eq!(procs(&r)[0].name, br#"q"u(o"#);
        let r = full(br#"tcp   LISTEN     0        1                       127.0.0.1:45693            0.0.0.0:*     users:(("my comm sp",pid=5312,fd=3))                                 "#);
        assert_eq!(procs(&r)[0].name, b"my comm sp");
        assert_eq!(r.column(SsCol::Process), br#"users:(("my comm sp",pid=5312,fd=3))"#);
        let r = full(br#"udp   UNCONN     0        0                       127.0.0.1:51185            0.0.0.0:*     users:(("zoo-forked-kid",pid=9074,fd=4),("zoo-forker",pid=9070,fd=4))"#);
        assert_eq!(procs(&r).iter().map(|p| p.pid).collect::<Vec<_>>(), vec![9074, 9070]);
        let r = full(
            b"udp   UNCONN     0        0                       127.0.0.1:58396            0.0.0.0:*     users:((\"zoo-\xcf\x80-\xc3\x9f\",pid=9068,fd=4))                                  ",
        );
        assert_eq!(procs(&r)[0].name, "zoo-π-ß".as_bytes());
        // A name with a newline, once the push parser has joined the two lines.
        let r =
            full(b"tcp   LISTEN 0      1      127.0.0.1:45701      0.0.0.0:*    users:((\"nl\nname\",pid=13679,fd=3))");
        assert_eq!(procs(&r)[0].name, b"nl\nname");
    }

    #[test]
    fn old_layout_of_iproute2_3_10() {
        // old/ss-3.10_tupna.txt: no brackets, `*` for IPv4 any, old users form, UDP as `tcp`.
        let r = full(br#"tcp    UNCONN     0      0              127.0.0.1:36037                 *:*      users:(("zoo-server",15086,4))"#);
        assert_eq!((r.netid, r.state), (Some(Netid::Tcp), Some(State::Unconn)));
        assert_eq!(
            procs(&r)[0],
            Process { name: b"zoo-server", pid: 15086, fd: 4, tid: None, proc_ctx: None, sock_ctx: None }
        );
        let r = full(br#"tcp    LISTEN     0      16       ::ffff:127.255.255.253:39569                 :::*      users:(("socket_zoo",15041,17))"#);
        assert_eq!((r.local.host, r.local.port), (ip("::ffff:127.255.255.253"), Some(Port::Number(39569))));
        assert_eq!(r.peer.host, ip("::"));
        let r = full(br#"tcp    ESTAB      25229664 0              127.0.0.1:43297            127.0.0.1:45468    users:(("socket_zoo",15041,49))"#);
        assert_eq!(r.recv_q, Some(25_229_664));
        let r = full(b"tcp    TIME-WAIT  0      0              127.0.0.1:54736            127.0.0.1:39141    ");
        assert!(r.process.is_none() && r.extras.is_empty());
        let r = full(br#"tcp    UNCONN     0      0              127.0.0.1:54390                 *:*      users:(("q"u(o",15088,4))"#);
        assert_eq!(procs(&r)[0].name, br#"q"u(o"#);
    }

    #[test]
    fn layouts_of_4_15_and_5_4_padded_to_the_screen() {
        // old/ss-4.15_tupna.txt (240 bytes a line), old/ss-4.15_tulpn_tty80.txt
        let r = full(br#"udp    UNCONN       0           0                             127.0.0.1:36037                                          0.0.0.0:*                                 users:(("zoo-server",pid=15086,fd=4))                                          "#);
        assert_eq!(r.local.port, Some(Port::Number(36037)));
        assert_eq!(r.line.len(), 240);
        let r = full(br#"udp  UNCONN 0      0                        127.0.0.1:36728        0.0.0.0:*     users:(("zoo worker: acc",pid=15085,fd=4))                                     "#);
        assert_eq!(procs(&r)[0].name, b"zoo worker: acc");
        let r = full(br#"tcp    ESTAB        0           0              [::ffff:127.255.255.253]:39569                               [::ffff:127.0.0.1]:60862                             users:(("socket_zoo",pid=15041,fd=45))                                         "#);
        assert_eq!(r.peer.host, ip("::ffff:127.0.0.1"));
    }

    #[test]
    fn glued_columns_of_4_15_to_4_19() {
        let r = full(b"tcpLISTEN0      32     0.0.0.0:22 0.0.0.0:*");
        assert_eq!(r.column(SsCol::Netid), b"tcp");
        let r = full(b"u_strESTAB 0 0 * 19076 * 19075");
        assert_eq!((r.netid, r.state), (Some(Netid::UStr), Some(State::Estab)));
        let state_only = SsColumns { netid: false, state: true, queues: true };
        let r = parse_ok(b"LISTEN0      32           127.0.0.1:5432       0.0.0.0:*", state_only);
        assert_eq!((r.state, r.recv_q, r.send_q), (Some(State::Listen), Some(0), Some(32)));
        assert_eq!((r.column(SsCol::State), r.column(SsCol::RecvQ)), (&b"LISTEN"[..], &b"0"[..]));
        let r = parse_ok(b"FIN-WAIT-10 0 1.2.3.4:5 6.7.8.9:10", state_only);
        assert_eq!((r.state, r.recv_q), (Some(State::FinWait1), Some(0)));
        let r = full(br#"tcp   LISTEN 0      128    0.0.0.0:22*:*    users:(("sshd",pid=1,fd=3))"#);
        assert_eq!((r.column(SsCol::Local), r.column(SsCol::Peer)), (&b"0.0.0.0:22"[..], &b"*:*"[..]));
        let r = full(b"tcp   ESTAB 0      0   [::ffff:127.0.0.1]:45680[::ffff:127.0.0.1]:33238");
        assert_eq!(r.peer.port, Some(Port::Number(33238)));
    }

    #[test]
    fn glued_queues_and_ipv4_peer_by_the_header() {
        // 4.15–4.19 print each column padded to its width with no blank between: a full
        // Recv-Q touches the Send-Q, a full local port the peer address.
        let header = "Netid State Recv-QSend-Q Local Address:Port      Peer Address:Port ";
        let g = crate::ss::geometry(header.as_bytes());
        let colon = g.peer_colon.unwrap() as usize;
        // The local endpoint right-aligned so that the peer's colon lands under the header's.
        let glued = "127.0.0.1:5432192.168.100.20";
        let pad = colon - "tcp   ESTAB 0     0     ".len() - glued.len();
        let line = format!("tcp   ESTAB 0     0     {}{glued}:443", " ".repeat(pad));
        assert!(row(line.as_bytes(), SsColumns::FULL).is_err());
        let r = row_in(line.as_bytes(), SsColumns::FULL, g).unwrap();
        assert_eq!(
            (r.column(SsCol::Local), r.column(SsCol::Peer)),
            (&b"127.0.0.1:5432"[..], &b"192.168.100.20:443"[..])
        );
        assert_eq!((r.local.port, r.peer.port), (Some(Port::Number(5432)), Some(Port::Number(443))));
        // (There, 54321|92.168.100.20 reads too: the wide peer wins.) A 5-digit port:
        let glued = "127.0.0.1:54321192.168.100.20";
        let line = format!("tcp   ESTAB 0     0     {}{glued}:443", " ".repeat(pad - 1));
        let r = row_in(line.as_bytes(), SsColumns::FULL, g).unwrap();
        assert_eq!((r.local.port, r.column(SsCol::Peer)), (Some(Port::Number(54321)), &b"192.168.100.20:443"[..]));
        // The queues: a 7-digit word across the Send-Q offset is Recv-Q + Send-Q.
        let line = format!("tcp   ESTAB 12345670    {}127.0.0.1:22 10.0.0.1:5", "");
        let r = row_in(line.as_bytes(), SsColumns::FULL, g).unwrap();
        assert_eq!((r.recv_q, r.send_q), (Some(123_456), Some(70)));
        assert_eq!((r.column(SsCol::RecvQ), r.column(SsCol::SendQ)), (&b"123456"[..], &b"70"[..]));
        // Rows that read without the offsets read the same with them.
        let plain = "tcp   ESTAB 0     1234567 127.0.0.1:22   10.0.0.1:5";
        assert_eq!(
            row_in(plain.as_bytes(), SsColumns::FULL, g).unwrap(),
            row(plain.as_bytes(), SsColumns::FULL).unwrap()
        );
        // Without a header there is nothing to split by: still an error, never a guess.
        assert!(row(line.as_bytes(), SsColumns::FULL).is_err());
    }

    #[test]
    fn unix_rows() {
        // real/r1_ss-xa.txt, real/r1_ss-a.txt, deb12_ss-peaonmi.txt
        let r = full(b"u_str LISTEN 0      8                                                                               /tmp/zoo-zggbz6p1/zoo dir with spaces.sock 19068            * 0           ");
        assert_eq!(r.local.host, Host::Path(b"/tmp/zoo-zggbz6p1/zoo dir with spaces.sock"));
        assert_eq!((r.local.inode, r.peer.host, r.peer.inode), (Some(19068), Host::Any, Some(0)));
        assert_eq!(r.column(SsCol::Local), b"/tmp/zoo-zggbz6p1/zoo dir with spaces.sock 19068");
        assert_eq!(r.column(SsCol::Peer), b"* 0");
        let r = full(b"u_seq ESTAB  0      0                                                                                                                * 19079            * 19080       ");
        assert_eq!((r.local.host, r.local.inode, r.peer.inode), (Host::Any, Some(19079), Some(19080)));
        let r = full(b"u_dgr UNCONN 0      0                                                                           /tmp/zoo-zggbz6p1/zoo-bad-\xff\xfe-utf8.sock 19069            * 0           ");
        assert_eq!(r.local.host, Host::Path(b"/tmp/zoo-zggbz6p1/zoo-bad-\xff\xfe-utf8.sock"));
        let r = full(b"u_str LISTEN     0        8                                                                                              @zoo abstract with spaces 19071                    * 0            ");
        assert_eq!(r.local.host, Host::Path(b"@zoo abstract with spaces"));
        let r = full(b"u_str LISTEN     3        4     /tmp/zoo-zggbz6p1/zoo-backlog.sock 19056      * 0");
        assert_eq!(r.recv_q, Some(3));
        let line = br#"u_str LISTEN     0        8              /tmp/zoo/dir with space/sock with space.sock 8903                            * 0      users:(("zoo-misc",pid=5159,fd=23)) skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0) <-> ino:10010746 dev:0/65024 peers:     "#;
        let r = full(line);
        assert_eq!(r.local.host, Host::Path(b"/tmp/zoo/dir with space/sock with space.sock"));
        assert_eq!(procs(&r)[0].fd, 23);
        let keys: Vec<&[u8]> = extras(&r).iter().map(|e| e.key).collect();
        assert_eq!(keys, vec![&b"skmem"[..], b"<->", b"ino", b"dev", b"peers"]);
        let line = br#"u_str LISTEN 0 8 /tmp/zoo/stream.sock 8897 * 0 users:(("zoo-misc",pid=5159,fd=17)) skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0) <-> ino:10010745 dev:0/65024 peers: 8902"#;
        assert_eq!(extras(&full(line))[4].value, ExtraValue::Int(8902));
        // Old kernels print inodes above 2^31 as negative numbers; /proc-read peers as paths.
        let r = full(b"u_str ESTAB 0 0 * -576908242 /run/x.sock 8899");
        assert_eq!((r.local.inode, r.peer.host), (Some(3_718_059_054), Host::Path(b"/run/x.sock")));
        // A path that looks like an inode pair, before the real one.
        let r = full(b"u_str LISTEN 0 1 /tmp/a 5 * 6 b.sock 8730 * 0");
        assert_eq!(r.local.host, Host::Path(b"/tmp/a 5 * 6 b.sock"));
    }

    #[test]
    fn other_families() {
        // jc/centos-7.7_ss-sudo-a.out, jc/ubuntu-18.04_ss-sudo-a.out, real/r1_ss-a.txt, deb12_ss-peaonmi.txt
        let r = full(b"nl     UNCONN     768    0      rtnl:dockerd-current/1220   *                     ");
        assert_eq!((r.local.host, r.local.port), (Host::Name(b"rtnl"), Some(Port::Name(b"dockerd-current/1220"))));
        assert_eq!((r.peer.host, r.peer.port), (Host::Any, None));
        let r = full(b"nl    UNCONN     4352     0                                                                                                           tcpdiag:ss/9117                     *            ");
        assert_eq!(r.local.port, Some(Port::Name(b"ss/9117")));
        let r = full(b"nl    UNCONN     0        0                                                                                                               0:0                             *      sk=0 cb=0 groups=0x00000000\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)                                                                                                                                                  ");
        assert_eq!(extras(&r).len(), 4);
        let r = full(b"nl    UNCONN 0 0 rtnl:zoo worker: acc/1234 *");
        assert_eq!(r.local.port, Some(Port::Name(b"zoo worker: acc/1234")));
        let r = full(b"p_raw  UNCONN   0        0                                                 LLDP:ens33                                                       *                   ");
        assert_eq!(
            (r.netid, r.local.host, r.local.port),
            (Some(Netid::PRaw), Host::Name(b"LLDP"), Some(Port::Name(b"ens33")))
        );
        let r = full(b"icmp6  UNCONN   0        0                                              *%ens33:ipv6-icmp                                                  *:*                  ");
        assert_eq!((r.local.iface, r.local.port), (Some(&b"ens33"[..]), Some(Port::Name(b"ipv6-icmp"))));
        let r = full(b"v_str  ESTAB    0        0                                            999900439:1023                                                       0:976                ");
        assert_eq!((r.local.host, r.peer.port), (Host::Other(b"999900439"), Some(Port::Number(976))));
        let r = full(b"raw   UNCONN     43520    0                                                                                                                   *:ipv6-icmp                     *:*          ");
        assert_eq!(r.recv_q, Some(43520));
        let r = full(b"ti_st  LISTEN   0        0   1001002:3456   -");
        assert_eq!((r.netid, r.peer.host), (Some(Netid::Tipc), Host::Other(b"-")));
        let r = full(b"???   UNCONN 0 0 something:1 *");
        assert_eq!(r.netid, Some(Netid::Other(b"???")));
    }

    #[test]
    fn sctp_association_sub_rows() {
        let r = full(b"sctp  LISTEN 0 128 127.0.0.1:5000 *:*");
        assert!(!r.sctp_assoc);
        let r = full(b"      `- ESTAB 0 0 127.0.0.1%lo:5000 127.0.0.1:49512");
        assert!(r.sctp_assoc);
        assert_eq!((r.netid, r.state), (None, Some(State::Estab)));
        assert_eq!(r.column(SsCol::State), b"`- ESTAB");
        let r = full(b"      `- COOKIE_WAIT 0 0 127.0.0.1:5000 127.0.0.1:49512");
        assert_eq!(r.state, Some(State::Other(b"COOKIE_WAIT")));
    }

    #[test]
    fn extras_on_the_row() {
        // real/r1_ss-tupnae.txt, old/ss-4.15_tupnaoie.txt, jc/generic_ss-wide.out
        let r = full(br#"udp   UNCONN     0        0                       127.0.0.1:52462            0.0.0.0:*     users:(("z",pid=9069,fd=4)) ino:19128 sk:7c cgroup:/ <->                                          "#);
        assert_eq!(r.column(SsCol::Extras), b"ino:19128 sk:7c cgroup:/ <->");
        assert_eq!(extras(&r)[1].value, ExtraValue::Hex(0x7c));
        let r = full(br#"tcp    ESTAB        1234        0                             127.0.0.1:54686                                        127.0.0.1:39141                             users:(("socket_zoo",pid=15041,fd=30)) timer:(keepalive,119min,0) ino:103906 sk:379 <->"#);
        let ExtraValue::Timer(t) = extras(&r)[0].value else { panic!() };
        assert_eq!(t.expires_ms, Some(119 * 60_000));
        let r = full(b"tcp    TIME-WAIT    0           0                             127.0.0.1:54736                                        127.0.0.1:39141                             timer:(timewait,58sec,0) ino:0 sk:37f");
        assert!(r.process.is_none());
        assert_eq!(r.column(SsCol::Extras), b"timer:(timewait,58sec,0) ino:0 sk:37f");
        let r = full(b"udp   UNCONN 0      0                               0.0.0.0:50305      0.0.0.0:*    users:((\"host\",pid=118409,fd=20)) ino:64236321 sk:1 cgroup:/system.slice/xinetd.service <->                         ");
        assert_eq!(extras(&r)[2].value, ExtraValue::Text(b"/system.slice/xinetd.service"));
        // jc/ubuntu-18.04_ss-sudo-tulpen.out: extras without a process.
        let r = full(b"udp   UNCONN   0        0                  0.0.0.0:4789           0.0.0.0:*      ino:58296 sk:1 <->                                                             ");
        assert!(r.process.is_none());
        assert_eq!(r.column(SsCol::Extras), b"ino:58296 sk:1 <->");
        // iproute2 < 3.14 with -o: the timer precedes the users list.
        let r = full(br#"tcp    ESTAB      0      0      127.0.0.1:22     127.0.0.1:5000   timer:(keepalive,119min,0) users:(("sshd",1231,3)) uid:0 ino:1 sk:2"#);
        assert_eq!(procs(&r)[0].name, b"sshd");
        assert_eq!(r.column(SsCol::Process), br#"users:(("sshd",1231,3))"#);
        let keys: Vec<&[u8]> = extras(&r).iter().map(|e| e.key).collect();
        assert_eq!(keys, vec![&b"timer"[..], b"uid", b"ino", b"sk"]);
    }

    #[test]
    fn tables_without_netid_state_or_queues() {
        // `ss -tln`: no Netid; `ss -t state established`: no State; `-Q`: no queues.
        let c = SsColumns { netid: false, state: true, queues: true };
        let r = parse_ok(b"LISTEN 0      4096                 127.0.0.53%lo:53        0.0.0.0:*", c);
        assert_eq!((r.netid, r.state, r.send_q), (None, Some(State::Listen), Some(4096)));
        let r = parse_ok(b"LISTEN 0      128   /run/x.sock 1234   * 0", c);
        assert_eq!(r.local.host, Host::Path(b"/run/x.sock"));
        let c = SsColumns { netid: true, state: false, queues: true };
        let r = parse_ok(b"tcp   0      0        10.0.0.1:22        10.0.0.2:5000", c);
        assert_eq!((r.netid, r.state), (Some(Netid::Tcp), None));
        let c = SsColumns { netid: false, state: false, queues: true };
        let r = parse_ok(b"0      0        10.0.0.1:22        10.0.0.2:5000", c);
        assert_eq!(r.recv_q, Some(0));
        let c = SsColumns { netid: true, state: true, queues: false };
        let r = parse_ok(b"tcp   ESTAB 10.0.0.1:22        10.0.0.2:5000", c);
        assert_eq!((r.recv_q, r.column(SsCol::RecvQ)), (None, &b""[..]));
        assert_eq!(r.local.port, Some(Port::Number(22)));
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = row(b"tcp   ESTAB x 0 1.2.3.4:5 6.7.8.9:10", FULL).unwrap_err();
        assert_eq!(e, LineError::new(12, "a queue size"));
        let e = row(b"tcp   ESTAB 0 0 1.2.3.4 6.7.8.9:10", FULL).unwrap_err();
        assert_eq!(e, LineError::new(16, "an address:port"));
        let e = row(b"tcp   ESTAB 0 0 1.2.3.4:5", FULL).unwrap_err();
        assert_eq!(e.expected, "a peer address");
        let e = row(b"tcp   ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 users:((\"a\",pid=1,fd=2)", FULL).unwrap_err();
        assert_eq!(e.column, 60);
        let e = row(b"tcp   ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 users:((\"nl", FULL).unwrap_err();
        assert_eq!(e.expected, "the rest of the users list");
        let e = row(b"u_str ESTAB 0 0 /x.sock", FULL).unwrap_err();
        assert_eq!(e.column, 16);
        let e = row(b"tcp ESTAB 99999999999999999999 0 1.2.3.4:5 1.2.3.4:6", FULL).unwrap_err();
        assert_eq!(e, LineError::new(10, "a queue size that fits in 64 bits"));
        assert!(row(b"", FULL).is_err());
        assert!(row(b"   ", FULL).is_err());
        assert!(row(b"\t skmem:(r0)", FULL).is_err());
        assert!(row(b"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port", FULL).is_err());
    }

    #[test]
    fn any_prefix_of_a_real_row_is_an_error_or_a_row_never_a_panic() {
        let line = br#"u_str LISTEN 0 8 /tmp/zoo/dir with space/sock with space.sock 8903 * 0 users:(("zoo-misc",pid=5159,fd=23)) skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0) <-> ino:10010746 dev:0/65024 peers: "#;
        for cut in 0..=line.len() {
            for columns in [FULL, SsColumns { netid: false, state: false, queues: false }] {
                let _ = row(&line[..cut], columns);
                let _ = row(&line[cut..], columns);
            }
        }
    }

    /// Every function of the module on real lines with random bytes changed, cut or
    /// duplicated: errors are fine, panics are not.
    #[test]
    fn mutated_lines_never_panic() {
        let seeds: [&[u8]; 6] = [
            br#"tcp   ESTAB 0 0 [::ffff:127.0.0.1]:45680 [::ffff:127.0.0.1]:33238 users:(("q"u(o",pid=1,fd=12),("b",2,3)) timer:(on,2.300ms,7) ino:1 sk:2 <->"#,
            b"u_str LISTEN 0 8 /tmp/zoo dir with spaces.sock 19068 * 0 skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0) <-> peers: 1 2",
            b"nl    UNCONN 0 0 rtnl:zoo worker: acc/1234 * sk=0 cb=0 groups=0x00000000\t skmem:(r0,rb1,t0,tb1,f0,w0,o0)",
            b"\t ts sack bbr:(bw:0bps,mrtt:0.005) send 1.5Mbps stats(rx dropped:0) inet-sockopt: ( recverr) peers: 7",
            b"Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess",
            b"      `- ESTAB 0 0 127.0.0.1%lo:5000 [fe80::1]%eth0:49512",
        ];
        let alphabet = b" \t:()[]*%\"=,/@`-0123456789users:((pid=fd=\xff";
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let combos = [
            SsColumns::FULL,
            SsColumns { netid: false, state: true, queues: true },
            SsColumns { netid: true, state: false, queues: false },
            SsColumns { netid: false, state: false, queues: false },
        ];
        for _ in 0..3000 {
            let mut line = seeds[next(seeds.len())].to_vec();
            for _ in 0..1 + next(6) {
                let at = next(line.len() + 1);
                match next(4) {
                    0 => line.insert(at, alphabet[next(alphabet.len())]),
                    1 if at < line.len() => line[at] = alphabet[next(alphabet.len())],
                    2 => line.truncate(at),
                    _ => {
                        let piece = line[at..].to_vec();
                        line.extend_from_slice(&piece);
                    }
                }
            }
            for columns in combos {
                if let Ok(r) = row(&line, columns) {
                    for col in SsCol::ALL {
                        let _ = r.column(col);
                    }
                    let _ = r.extras.count();
                    let _ = r.process.map(|u| u.iter().count());
                }
            }
            let _ = (super::super::sniff(&line), super::super::header(&line), super::super::notice(&line));
            let _ = super::super::continuation(&line).map(Iterator::count);
            let _ = super::super::users_incomplete(&line);
        }
    }

    #[test]
    fn many_broken_users_lists_stay_linear() {
        let mut line = b"tcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 timer:(on,1ms,0)".to_vec();
        for _ in 0..50_000 {
            line.extend_from_slice(b" users:((x");
        }
        line.extend_from_slice(b")");
        let started = std::time::Instant::now();
        let r = row(&line, FULL).unwrap();
        assert!(r.process.is_none());
        assert!(r.extras.count() > 1);
        let mut cont = b"\t".to_vec();
        cont.extend_from_slice(&line);
        assert!(super::super::continuation(&cont).unwrap().count() > 1);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn names() {
        assert_eq!(Netid::parse(b"ti_rd").name(), b"tipc");
        assert_eq!(Netid::parse(b"u_str").name(), b"u_str");
        assert_eq!(Netid::parse(b"x").name(), b"x");
        assert_eq!(State::parse(b"CLOSED").name(), b"CLOSED");
        assert_eq!(State::parse(b"FIN-WAIT-2").name(), b"FIN-WAIT-2");
        assert_eq!(SsCol::ALL.map(SsCol::c_name)[4], "Local Address:Port");
    }
}
