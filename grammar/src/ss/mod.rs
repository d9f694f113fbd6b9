//! `ss` socket tables (`ss -tupna`, `-tulpn`, `-a`, `-x`, sosreport's `-peaonmi`, …): what
//! one line is.
//!
//! A capture is a header line, then one row per socket. With `-m` or `-i` a row can be
//! followed by a continuation line that starts with a TAB; with `-H` there is no header.
//! Errors from stderr (`RTNETLINK answers: …`) can land anywhere. Periodic capture logs
//! repeat the header.
//!
//! ```text
//! Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
//! udp   UNCONN 0      0          127.0.0.1:52462      0.0.0.0:*    users:(("z",pid=9069,fd=4))
//! tcp   ESTAB  0      0          127.0.0.1:40001    127.0.0.1:51086 users:(("a",pid=1,fd=13)) timer:(keepalive,940ms,0) ino:8943 sk:1026 <->
//! ⇥ skmem:(r0,rb131072,t0,tb3939840,f0,w0,o0,bl0,d0) ts sack bbr wscale:10,10 rto:200 …
//! ```
//!
//! (`⇥` stands for the TAB that starts a continuation line.)
//!
//! The functions here classify one line at a time: [`header`], [`row`], [`continuation`],
//! [`notice`]; [`sniff`] guesses the columns of a headerless row and [`users_incomplete`]
//! says when a row continues on the next line (a process name with a newline). The push
//! parser keeps the state between lines.

mod endpoint;
mod extras;
mod fast;
mod row;
mod users;

pub use endpoint::{endpoint, Endpoint, Host, Port};
pub use extras::{duration_ms, group_items, Extra, ExtraValue, Extras, Shutdown, SkMem, Timer, TimerKind};
pub use fast::row as fast_row;
pub use fast::row_through as fast_row_through;
pub use row::{row, row_in, Netid, SsCol, SsGeometry, SsRow, State};
pub use users::{users, users_incomplete, Process, Users, UsersIter, TRUNCATED_AT};

use crate::lex::{is_blank, trim_end_blanks};

/// Which leading columns a table has. Everything from `Local Address:Port` on is always
/// there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SsColumns {
    /// `Netid`: absent when one socket table is queried (`ss -t`, `ss -x`).
    pub netid: bool,
    /// `State`: absent when one state is selected (`ss -t state established`).
    pub state: bool,
    /// `Recv-Q` and `Send-Q`: absent with `-Q` (iproute2 ≥ 6.9).
    pub queues: bool,
}

impl SsColumns {
    /// Netid, State and both queues: `ss -tupna`, `ss -a`, sosreport's `ss -peaonmi`.
    pub const FULL: SsColumns = SsColumns { netid: true, state: true, queues: true };
}

/// A header line and what it announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SsHeader {
    /// The leading columns.
    pub columns: SsColumns,
    /// True when the header names a `Process` column (iproute2 ≥ 5.4 with `-p`, and every
    /// 5.4–6.6 header). Older versions print `users:(…)` without announcing it, so rows
    /// may carry a Process value either way.
    pub process: bool,
}

/// The header words, without their blanks, in print order.
const HEADER_WORDS: [&[u8]; 7] =
    [b"Netid", b"State", b"Recv-Q", b"Send-Q", b"LocalAddress:Port", b"PeerAddress:Port", b"Process"];

/// Recognise a header line.
///
/// Blanks are ignored between and inside the header words, so every layout is accepted:
/// with or without `Netid`, `State`, the queues and `Process`, the glued `NetidState`
/// (iproute2 4.15–4.19) and `Peer Address:PortProcess` (peer ports at most 4 wide), and
/// any trailing padding.
///
/// ```
/// use netsift_grammar::ss::{header, SsColumns};
/// let h = header(b"Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess    ").unwrap();
/// assert_eq!((h.columns, h.process), (SsColumns::FULL, true));
/// let h = header(b"NetidState  Recv-Q Send-Q               Local Address:Port    Peer Address:Port    ").unwrap();
/// assert!(h.columns.netid && h.columns.state && !h.process);
/// let h = header(b"State      Recv-Q Send-Q Local Address:Port               Peer Address:Port").unwrap();
/// assert!(!h.columns.netid);
/// assert!(header(b"tcp   LISTEN 0 128 0.0.0.0:22 0.0.0.0:*").is_none());
/// ```
pub fn header(line: &[u8]) -> Option<SsHeader> {
    let mut rest = line;
    let mut has = [false; 7];
    for (k, w) in HEADER_WORDS.iter().enumerate() {
        if let Some(after) = eat_spread(rest, w) {
            has[k] = true;
            rest = after;
        }
    }
    let [netid, state, recv_q, send_q, local, peer, process] = has;
    let complete = local && peer && recv_q == send_q && rest.iter().all(|&b| is_blank(b));
    complete.then_some(SsHeader { columns: SsColumns { netid, state, queues: recv_q }, process })
}

/// Whether `line` may be a header, by its first byte that is not a blank: a [`header`]
/// starts with the first letter of `Netid`, `State`, `Recv-Q`, `Send-Q` or `Local` (its
/// first column). A test of one byte, for a reader that asks every line of a large input
/// (rows start with a lower-case netid or a state).
///
/// ```
/// use netsift_grammar::ss::{could_be_header, header};
/// assert!(could_be_header(b"  Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port"));
/// assert!(!could_be_header(b"tcp   ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000"));
/// assert!(header(b"tcp   ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000").is_none());
/// ```
pub fn could_be_header(line: &[u8]) -> bool {
    matches!(line.iter().find(|&&b| !is_blank(b)), Some(b'N' | b'S' | b'R' | b'L'))
}

/// The offsets of a header's `Send-Q` and of the colon of its `Peer Address:`, which
/// [`row_in`] uses to split the columns iproute2 4.15–4.19 printed glued.
///
/// ```
/// use netsift_grammar::ss::geometry;
/// let g = geometry(b"Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port");
/// assert_eq!((g.send_q, g.peer_colon), (Some(20), Some(59)));
/// ```
pub fn geometry(header: &[u8]) -> SsGeometry {
    let find = |needle: &[u8]| header.windows(needle.len()).position(|w| w == needle);
    let offset = |at: Option<usize>| at.and_then(|a| u32::try_from(a).ok());
    SsGeometry {
        send_q: offset(find(b"Send-Q")),
        peer_colon: offset(find(b"Peer Address:").map(|at| at + b"Peer Address".len())),
    }
}

/// Match `word` at the start of `text`, allowing blanks before and between its bytes.
/// Returns what follows it.
fn eat_spread<'a>(text: &'a [u8], word: &[u8]) -> Option<&'a [u8]> {
    let mut pos = 0;
    for &want in word {
        while text.get(pos).is_some_and(|&b| is_blank(b)) {
            pos += 1;
        }
        if text.get(pos) != Some(&want) {
            return None;
        }
        pos += 1;
    }
    Some(&text[pos..])
}

/// Guess the columns of a row printed without a header (`-H`), when its words say it
/// unambiguously: the netid and state words must be ones ss prints, the row must parse
/// with the columns guessed, and without a netid its endpoints must be inet or unix ones.
/// Returns `None` when in doubt.
///
/// ```
/// use netsift_grammar::ss::{sniff, SsColumns};
/// assert_eq!(sniff(b"udp ESTAB  0 0 127.0.0.1:52693 127.0.0.1:50820"), Some(SsColumns::FULL));
/// let c = sniff(b"LISTEN 0      4096   127.0.0.53%lo:53      0.0.0.0:*").unwrap();
/// assert!(!c.netid && c.state && c.queues);
/// assert_eq!(sniff(b"whatever 0 0 1:2 3:4"), None);
/// ```
pub fn sniff(line: &[u8]) -> Option<SsColumns> {
    const CANDIDATES: [SsColumns; 8] = [
        SsColumns { netid: true, state: true, queues: true },
        SsColumns { netid: true, state: false, queues: true },
        SsColumns { netid: false, state: true, queues: true },
        SsColumns { netid: false, state: false, queues: true },
        SsColumns { netid: true, state: true, queues: false },
        SsColumns { netid: true, state: false, queues: false },
        SsColumns { netid: false, state: true, queues: false },
        SsColumns { netid: false, state: false, queues: false },
    ];
    CANDIDATES.into_iter().find(|&columns| {
        row(line, columns).is_ok_and(|r| {
            let netid_ok = !columns.netid || r.sctp_assoc || r.netid.is_some_and(|n| !matches!(n, Netid::Other(_)));
            let state_ok = !columns.state || r.state.is_some_and(|s| !matches!(s, State::Other(_)));
            // Without a netid the family is a guess: ask for endpoints with a strict shape.
            let typed = |e: &Endpoint<'_>, col| e.inode.is_some() || endpoint(r.column(col)).is_ok();
            let sides_ok = r.netid.is_some() || (typed(&r.local, SsCol::Local) && typed(&r.peer, SsCol::Peer));
            netid_ok && state_ok && sides_ok
        })
    })
}

/// The extras of a continuation line: a line that starts with a TAB and belongs to the
/// socket of the row before it (`-m`, `-i`, and packet/XDP details). A TAB followed only
/// by blanks (TIME-WAIT and SYN-RECV sockets with `-i`) gives no items.
///
/// ```
/// use netsift_grammar::ss::{continuation, ExtraValue};
/// let mut c = continuation(b"\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0) bbr cwnd:10 ").unwrap();
/// assert_eq!(c.nth(2).unwrap().value, ExtraValue::Int(10));
/// assert!(continuation(b"\t    ").unwrap().is_empty());
/// assert!(continuation(b"tcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10").is_none());
/// ```
pub fn continuation(line: &[u8]) -> Option<Extras<'_>> {
    if line.first() != Some(&b'\t') {
        return None;
    }
    Some(Extras::new(line, 1, trim_end_blanks(line).len()))
}

/// Lines that are not table content but messages of ss (stderr merged into the capture)
/// or of the capture script around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// `RTNETLINK answers: Invalid argument`: a socket family the kernel does not know.
    RtnetlinkAnswers,
    /// `Cannot open netlink socket: Protocol not supported` and the other netlink
    /// failures (`Cannot …`, `netlink receive error …`, `EOF on netlink`).
    Netlink,
    /// `Failed to …` (`Failed to open cgroup2 by ID`, …).
    Failed,
    /// `ss: …` (`ss: failed to malloc buffer`, `ss: no socket tables to show …`).
    Tool,
    /// `Error: …` (a bad filter expression).
    Error,
    /// A time stamp between captures, as `date` prints it in capture logs.
    Timestamp,
}

impl NoticeKind {
    /// snake_case name, stable for JSON.
    pub fn name(self) -> &'static str {
        match self {
            NoticeKind::RtnetlinkAnswers => "rtnetlink_answers",
            NoticeKind::Netlink => "netlink",
            NoticeKind::Failed => "failed",
            NoticeKind::Tool => "tool_message",
            NoticeKind::Error => "error",
            NoticeKind::Timestamp => "timestamp",
        }
    }
}

/// Message prefixes and their kinds.
const NOTICES: [(&[u8], NoticeKind); 8] = [
    (b"RTNETLINK answers:", NoticeKind::RtnetlinkAnswers),
    (b"Cannot ", NoticeKind::Netlink),
    (b"netlink receive error", NoticeKind::Netlink),
    (b"EOF on netlink", NoticeKind::Netlink),
    (b"Dump was interrupted", NoticeKind::Netlink),
    (b"Failed to ", NoticeKind::Failed),
    (b"ss: ", NoticeKind::Tool),
    (b"Error: ", NoticeKind::Error),
];

/// Recognise a whole line as a notice.
///
/// ```
/// use netsift_grammar::ss::{notice, NoticeKind};
/// assert_eq!(notice(b"RTNETLINK answers: Invalid argument"), Some(NoticeKind::RtnetlinkAnswers));
/// assert_eq!(notice(b"Cannot open netlink socket: Protocol not supported"), Some(NoticeKind::Netlink));
/// assert_eq!(notice(b"Fri Nov 27 03:53:50 UTC 2026"), Some(NoticeKind::Timestamp));
/// assert_eq!(notice(b"udp UNCONN 0 0 *:68 *:*"), None);
/// ```
pub fn notice(line: &[u8]) -> Option<NoticeKind> {
    if let Some((_, kind)) = NOTICES.iter().find(|(prefix, _)| line.starts_with(prefix)) {
        return Some(*kind);
    }
    (crate::netstat::notice(line) == Some(crate::netstat::NoticeKind::Timestamp)).then_some(NoticeKind::Timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_NETID: SsColumns = SsColumns { netid: false, state: true, queues: true };

    fn h(line: &[u8]) -> (SsColumns, bool) {
        let h = header(line).unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(line)));
        (h.columns, h.process)
    }

    #[test]
    fn every_header_variant() {
        // real/r1_ss-tupna.txt (6.1, Process), real/r1_ss-tulpn.txt (glued PortProcess)
        let tupna = b"Netid State      Recv-Q   Send-Q              Local Address:Port        Peer Address:Port Process                                                               ";
        assert_eq!(h(tupna), (SsColumns::FULL, true));
        assert_eq!(
            h(b"Netid State  Recv-Q Send-Q             Local Address:Port  Peer Address:PortProcess                                                               "),
            (SsColumns::FULL, true)
        );
        // old/ss-3.10_tupna.txt: no Process word, one trailing blank.
        assert_eq!(
            h(b"Netid  State      Recv-Q Send-Q     Local Address:Port       Peer Address:Port "),
            (SsColumns::FULL, false)
        );
        // old/ss-4.15_tulpn_tty80.txt: glued NetidState, padded to 160 bytes.
        let glued = b"NetidState  Recv-Q Send-Q               Local Address:Port    Peer Address:Port                                                                                 ";
        assert_eq!(h(glued), (SsColumns::FULL, false));
        assert!(could_be_header(tupna) && could_be_header(glued) && could_be_header(b" \tState Recv-Q"));
        // old/ss-5.4_tupna.txt, jc/centos-7.7_ss-sudo-a.out
        assert_eq!(h(b"Netid   State        Recv-Q      Send-Q                   Local Address:Port                                      Peer Address:Port                             Process                                                                         "), (SsColumns::FULL, true));
        assert_eq!(
            h(b"Netid  State      Recv-Q Send-Q Local Address:Port                 Peer Address:Port                "),
            (SsColumns::FULL, false)
        );
        // One table (`ss -tl`), one state (`ss -t state established`), `-Q`.
        assert_eq!(h(b"State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess"), (NO_NETID, true));
        let no_state = SsColumns { netid: true, state: false, queues: true };
        assert_eq!(h(b"Netid Recv-Q Send-Q Local Address:Port Peer Address:Port"), (no_state, false));
        let bare = SsColumns { netid: false, state: false, queues: true };
        assert_eq!(h(b"Recv-Q Send-Q Local Address:Port Peer Address:Port Process"), (bare, true));
        let no_queues = SsColumns { netid: true, state: true, queues: false };
        assert_eq!(h(b"Netid State  Local Address:Port Peer Address:Port Process"), (no_queues, true));
        // Not headers.
        for line in [
            &b"Netid State Recv-Q Local Address:Port Peer Address:Port"[..],
            b"Netid State Recv-Q Send-Q Local Address:Port",
            b"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process Extra",
            b"Proto Recv-Q Send-Q Local Address           Foreign Address         State",
            b"udp   UNCONN 0      0          127.0.0.1:52462      0.0.0.0:*",
            b"",
        ] {
            assert_eq!(header(line), None, "{}", String::from_utf8_lossy(line));
        }
    }

    proptest::proptest! {
        /// Every header passes the one-byte test: headers of every column set, blank-led
        /// or not, padded with spaces or tabs.
        #[test]
        fn every_header_could_be_one(
            columns in proptest::array::uniform4(proptest::prelude::any::<bool>()),
            pads in proptest::array::uniform6(0usize..4),
            tab in proptest::prelude::any::<bool>(),
        ) {
            let [netid, state, queues, process] = columns;
            let blank = |n: usize| if tab { "\t" } else { " " }.repeat(n);
            let mut line = blank(pads[0]);
            for (on, word, pad) in [(netid, "Netid", pads[1]), (state, "State", pads[2]), (queues, "Recv-Q Send-Q", pads[3])] {
                if on {
                    line += word;
                    line += &blank(pad);
                }
            }
            line += &format!("Local Address:Port{}Peer Address:Port{}", blank(pads[4] + 1), blank(pads[5]));
            if process {
                line += "Process";
            }
            proptest::prop_assert!(header(line.as_bytes()).is_some(), "{line}");
            proptest::prop_assert!(could_be_header(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn sniffing_headerless_rows() {
        assert_eq!(
            sniff(br#"tcp   LISTEN 0      4      127.0.0.1:38047      0.0.0.0:*    users:(("q"u(o",pid=9067,fd=3))"#),
            Some(SsColumns::FULL)
        );
        assert_eq!(sniff(b"u_str LISTEN 0 1 /tmp/sock/dir with space.sock 8730 * 0"), Some(SsColumns::FULL));
        assert_eq!(sniff(b"ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000"), Some(NO_NETID));
        assert_eq!(
            sniff(b"tcp 0 0 10.0.0.1:22 10.0.0.2:5000"),
            Some(SsColumns { netid: true, state: false, queues: true })
        );
        assert_eq!(
            sniff(b"0 0 10.0.0.1:22 10.0.0.2:5000"),
            Some(SsColumns { netid: false, state: false, queues: true })
        );
        assert_eq!(
            sniff(b"tcp ESTAB 10.0.0.1:22 10.0.0.2:5000"),
            Some(SsColumns { netid: true, state: true, queues: false })
        );
        // Unknown words, a header, a continuation, junk: no guess.
        assert_eq!(sniff(b"??? UNCONN 0 0 x:1 *"), None);
        assert_eq!(sniff(b"tcp COOKIE_WAIT 0 0 1.2.3.4:5 6.7.8.9:10"), None);
        assert_eq!(sniff(b"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port"), None);
        assert_eq!(sniff(b"\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)"), None);
        assert_eq!(sniff(b"hello world"), None);
    }

    #[test]
    fn continuation_lines() {
        // real/r1_ss-tupnai.txt: a TAB-led info line, and the blank one of a TIME-WAIT row.
        let line = b"\t bbr wscale:10,10 rto:200 rtt:0.007/0.003 mss:32768 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10 segs_in:2 bbr:(bw:0bps,mrtt:0.007) send 374491428571bps lastsnd:584 lastrcv:584 lastack:584 pacing_rate 1070240895144bps delivered:1 app_limited rcv_space:65483 rcv_ssthresh:65483 minrtt:0.007 snd_wnd:65536 ";
        let items: Vec<Extra<'_>> = continuation(line).unwrap().collect();
        assert_eq!(items.len(), 22);
        assert_eq!((items[0].key, items[0].value), (&b"bbr"[..], ExtraValue::Flag));
        assert_eq!(items[0].offset, 2);
        assert_eq!(items[10].value, ExtraValue::Group(b"bw:0bps,mrtt:0.007"));
        assert_eq!(items[11].value, ExtraValue::Rate(374_491_428_571.0));
        let blank = continuation(b"\t  ").unwrap();
        assert!(blank.is_empty());
        assert_eq!(blank.text(), b"");
        assert!(continuation(b"\t").unwrap().is_empty());
        // deb12_ss-peaonmi.txt: the skmem of a udp row.
        let mut c = continuation(b"\t skmem:(r2496,rb212992,t0,tb212992,f1600,w0,o0,bl0,d0) ").unwrap();
        assert!(matches!(c.next().map(|e| e.value), Some(ExtraValue::SkMem(SkMem { rmem_alloc: 2496, .. }))));
        assert!(continuation(b" skmem:(r0)").is_none());
        assert!(continuation(b"").is_none());
    }

    #[test]
    fn notices() {
        for (line, kind) in [
            (&b"RTNETLINK answers: Invalid argument"[..], NoticeKind::RtnetlinkAnswers),
            (b"Cannot open netlink socket: Protocol not supported", NoticeKind::Netlink),
            (b"EOF on netlink", NoticeKind::Netlink),
            (b"Failed to open cgroup2 by ID", NoticeKind::Failed),
            (b"ss: no socket tables to show with such filter.", NoticeKind::Tool),
            (b"Error: an inet prefix is expected rather than \"x\".", NoticeKind::Error),
            (b"2026-11-27T03:53:50Z", NoticeKind::Timestamp),
        ] {
            assert_eq!(notice(line), Some(kind), "{}", String::from_utf8_lossy(line));
            assert!(!kind.name().is_empty());
        }
        for line in [&b"tcp   ESTAB 0 0 1.2.3.4:5 6.7.8.9:10"[..], b"\t skmem:(r0)", b"Netid State", b""] {
            assert_eq!(notice(line), None);
        }
    }
}
