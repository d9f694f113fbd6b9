//! `netstat` connection tables (`netstat -neopa`, `-tulpn`, `-a`, `-an`, `-W`): what one line is.
//!
//! A capture is a sequence of tables. Each table starts with a title line
//! (`Active Internet connections (servers and established)`), then a header line that says
//! which optional columns follow (`User`/`Inode` with `-e`, `PID/Program name` with `-p`,
//! `Timer` with `-o`), then rows. Warnings from stderr can land anywhere, even inside a row.
//!
//! The functions here classify one line at a time; the push parser keeps the state (which
//! table, which layout) between lines.

mod addr;
mod fast;
mod inet;
mod owner;
mod sctp;
mod unix;
pub mod words;
mod words_data;

pub use addr::{endpoint, Endpoint, Host, Port};
pub use fast::{
    check_inet_row_through, check_unix_row_through, fast_inet_row, fast_inet_row_through, fast_unix_row,
    fast_unix_row_through,
};
pub use inet::{inet_row, InetCol, InetLayout, InetRow, InetState, Proto, TcpState, Timer, TimerKind};
pub use owner::{Owner, User};
pub use sctp::{more_addresses, sctp_continuation, sctp_row, AddressPair};
pub use unix::{unix_row, UnixCol, UnixFlags, UnixLayout, UnixRow, UnixState, UnixType};

use crate::lex::{trim_end_blanks, trim_start_blanks};
use words::Lang;

/// Which table a title line opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TableKind {
    /// `Active Internet connections …`: tcp, udp, raw, sctp sockets.
    Inet,
    /// `Active UNIX domain sockets …`.
    Unix,
    /// Any other `Active …` table (Bluetooth, IPX, AX.25, NET/ROM, X.25): recognised so
    /// that its lines are never read as rows of the table before it, and skipped.
    Other,
}

/// Which sockets the title says the table holds (`-a`, `-l`, or neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Scope {
    /// `(servers and established)`: `-a`.
    ServersAndEstablished,
    /// `(only servers)`: `-l`.
    OnlyServers,
    /// `(w/o servers)`: neither `-a` nor `-l`.
    WithoutServers,
    /// A title without a parenthesised scope (e.g. some foreign tables).
    Unspecified,
}

impl Scope {
    /// The scope as net-tools prints it in the C locale, with its parentheses.
    pub fn c_text(self) -> &'static str {
        match self {
            Scope::ServersAndEstablished => "(servers and established)",
            Scope::OnlyServers => "(only servers)",
            Scope::WithoutServers => "(w/o servers)",
            Scope::Unspecified => "",
        }
    }
}

/// A title line: the start of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Title {
    /// Which table.
    pub kind: TableKind,
    /// Which sockets it lists.
    pub scope: Scope,
    /// The language the title was printed in.
    pub lang: Lang,
}

impl Title {
    /// The title as net-tools prints it in the C locale, whatever language the capture is
    /// in: the key the insights-compatible views use. `None` for foreign tables.
    pub fn c_text(&self) -> Option<&'static str> {
        Some(match (self.kind, self.scope) {
            (TableKind::Other, _) => return None,
            (TableKind::Inet, Scope::ServersAndEstablished) => "Active Internet connections (servers and established)",
            (TableKind::Inet, Scope::OnlyServers) => "Active Internet connections (only servers)",
            (TableKind::Inet, Scope::WithoutServers) => "Active Internet connections (w/o servers)",
            (TableKind::Inet, Scope::Unspecified) => "Active Internet connections",
            (TableKind::Unix, Scope::ServersAndEstablished) => "Active UNIX domain sockets (servers and established)",
            (TableKind::Unix, Scope::OnlyServers) => "Active UNIX domain sockets (only servers)",
            (TableKind::Unix, Scope::WithoutServers) => "Active UNIX domain sockets (w/o servers)",
            (TableKind::Unix, Scope::Unspecified) => "Active UNIX domain sockets",
        })
    }
}

/// Recognise a title line.
///
/// English titles are matched by their fixed prefix, translated ones by the titles of the
/// languages in [`words`]. Any other line starting with `Active ` is a foreign table.
///
/// ```
/// use netsift_grammar::netstat::{title, Scope, TableKind};
/// let t = title(b"Active UNIX domain sockets (only servers)").unwrap();
/// assert_eq!((t.kind, t.scope), (TableKind::Unix, Scope::OnlyServers));
/// assert!(title(b"tcp        0      0 0.0.0.0:22").is_none());
/// ```
pub fn title(line: &[u8]) -> Option<Title> {
    let line = trim_end_blanks(line);
    for (lang, inet, unix) in words::titles() {
        for (kind, head) in [(TableKind::Inet, inet), (TableKind::Unix, unix)] {
            if let Some(rest) = line.strip_prefix(head.as_bytes()) {
                let rest = trim_start_blanks(rest);
                let scope = words::scope(rest)?;
                return Some(Title { kind, scope, lang: *lang });
            }
        }
    }
    if line.starts_with(b"Active ") || words::is_foreign_title(line) {
        let scope =
            line.iter().position(|&b| b == b'(').and_then(|p| words::scope(&line[p..])).unwrap_or(Scope::Unspecified);
        return Some(Title { kind: TableKind::Other, scope, lang: Lang::C });
    }
    None
}

/// A header line and the columns it announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    /// The internet table's header.
    Inet(InetLayout),
    /// The unix table's header.
    Unix(UnixLayout),
    /// A foreign table's header (or any header we do not read rows of).
    Other,
}

/// Read the header line of a table of the given kind.
///
/// Returns `None` when the line is not a header (a truncated capture can lack it).
///
/// ```
/// use netsift_grammar::netstat::{header, Header, InetLayout, TableKind};
/// let h = header(TableKind::Inet, b"Proto Recv-Q Send-Q Local Address           Foreign Address         State      ");
/// assert_eq!(h, Some(Header::Inet(InetLayout { user_inode: false, program: false, timer: false })));
/// ```
pub fn header(kind: TableKind, line: &[u8]) -> Option<Header> {
    let line = trim_start_blanks(line);
    match kind {
        TableKind::Other => Some(Header::Other),
        TableKind::Inet if words::is_inet_header(line) => Some(Header::Inet(InetLayout {
            user_inode: words::has_user(line),
            program: words::has_program(line),
            timer: words::has_timer(line),
        })),
        TableKind::Unix if words::is_unix_header(line) => {
            Some(Header::Unix(UnixLayout { program: words::has_program(line) }))
        }
        _ => None,
    }
}

/// Lines that are not table content but known messages of the tool or of the shell around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// `(Not all processes could be identified, …` and its second line.
    NotAllProcesses,
    /// `(No info could be read for "-p": geteuid()=… but you should be root.)`
    NoProcessInfo,
    /// ``netstat: no support for `AF IPX' on this system.``
    NoSupport,
    /// `warning, got bogus tcp line.` and its kin.
    BogusLine,
    /// Any other `netstat: …` message (`unsupported address family`, …).
    ToolMessage,
    /// A line outside any table that we do not recognise (a banner, a shell prompt):
    /// reported, never dropped.
    Other,
    /// A time stamp between captures, as `date` prints it in capture logs.
    Timestamp,
}

impl NoticeKind {
    /// snake_case name, stable for JSON.
    pub fn name(self) -> &'static str {
        match self {
            NoticeKind::NotAllProcesses => "not_all_processes",
            NoticeKind::NoProcessInfo => "no_process_info",
            NoticeKind::NoSupport => "no_support",
            NoticeKind::BogusLine => "bogus_line",
            NoticeKind::ToolMessage => "tool_message",
            NoticeKind::Timestamp => "timestamp",
            NoticeKind::Other => "other",
        }
    }
}

/// Recognise a whole line as a notice.
///
/// ```
/// use netsift_grammar::netstat::{notice, NoticeKind};
/// assert_eq!(notice(b"netstat: no support for `AF IPX' on this system."), Some(NoticeKind::NoSupport));
/// assert_eq!(notice(b"Fri Nov 27 03:53:50 UTC 2026"), Some(NoticeKind::Timestamp));
/// ```
pub fn notice(line: &[u8]) -> Option<NoticeKind> {
    for (prefix, kind) in words::notices() {
        if line.starts_with(prefix.as_bytes()) {
            return Some(*kind);
        }
    }
    if is_timestamp(line) {
        return Some(NoticeKind::Timestamp);
    }
    None
}

/// Where a tool message starts inside a line that began as a row: stdout and stderr merged
/// into one file can splice a warning into the middle of a row (at a 4096-byte buffer
/// boundary). Returns the byte offset of the message and its kind.
pub fn spliced_notice(line: &[u8]) -> Option<(usize, NoticeKind)> {
    for (marker, kind) in words::SPLICE_MARKERS {
        if let Some(pos) = find(line, marker.as_bytes()) {
            if pos > 0 {
                return Some((pos, *kind));
            }
        }
    }
    None
}

/// `date` output (`Fri Nov 27 03:53:50 UTC 2026`) or an ISO time stamp (`2026-11-27T03:53:50Z`,
/// `2026-11-27 03:53:50`), as periodic capture logs put them between captures.
fn is_timestamp(line: &[u8]) -> bool {
    const DAYS: [&[u8]; 7] = [b"Mon ", b"Tue ", b"Wed ", b"Thu ", b"Fri ", b"Sat ", b"Sun "];
    let has_clock = line.windows(3).any(|w| w[0] == b':' && w[1].is_ascii_digit() && w[2].is_ascii_digit());
    if DAYS.iter().any(|d| line.starts_with(d)) && has_clock {
        return true;
    }
    line.len() >= 19
        && line[..4].iter().all(u8::is_ascii_digit)
        && line[4] == b'-'
        && line[7] == b'-'
        && (line[10] == b'T' || line[10] == b' ')
        && has_clock
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_english_title() {
        for (text, kind, scope) in [
            ("Active Internet connections (servers and established)", TableKind::Inet, Scope::ServersAndEstablished),
            ("Active Internet connections (only servers)", TableKind::Inet, Scope::OnlyServers),
            ("Active Internet connections (w/o servers)", TableKind::Inet, Scope::WithoutServers),
            ("Active UNIX domain sockets (servers and established)", TableKind::Unix, Scope::ServersAndEstablished),
            ("Active UNIX domain sockets (only servers)", TableKind::Unix, Scope::OnlyServers),
            ("Active UNIX domain sockets (w/o servers)", TableKind::Unix, Scope::WithoutServers),
            ("Active Bluetooth connections (servers and established)", TableKind::Other, Scope::ServersAndEstablished),
            ("Active IPX sockets", TableKind::Other, Scope::Unspecified),
        ] {
            let t = title(text.as_bytes()).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((t.kind, t.scope), (kind, scope), "{text}");
        }
    }

    #[test]
    fn title_c_text_is_the_insights_key() {
        let t = title(b"Active Internet connections (servers and established)").unwrap();
        assert_eq!(t.c_text().unwrap(), "Active Internet connections (servers and established)");
        // Every table and scope: the C text reads back as the same title.
        let scopes = [Scope::ServersAndEstablished, Scope::OnlyServers, Scope::WithoutServers, Scope::Unspecified];
        for kind in [TableKind::Inet, TableKind::Unix] {
            for scope in scopes {
                let text = Title { kind, scope, lang: t.lang }.c_text().unwrap();
                let back = title(text.as_bytes()).unwrap();
                assert_eq!((back.kind, back.scope), (kind, scope), "{text}");
            }
        }
    }

    #[test]
    fn headers_say_which_columns_follow() {
        let full = b"Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer";
        assert_eq!(header(TableKind::Inet, full), Some(Header::Inet(InetLayout::FULL)));
        let tulpn =
            b"Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ";
        assert_eq!(
            header(TableKind::Inet, tulpn),
            Some(Header::Inet(InetLayout { user_inode: false, program: true, timer: false }))
        );
        let unix = b"Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path";
        assert_eq!(header(TableKind::Unix, unix), Some(Header::Unix(UnixLayout { program: true })));
        let unix_l = b"Proto RefCnt Flags       Type       State         I-Node   Path";
        assert_eq!(header(TableKind::Unix, unix_l), Some(Header::Unix(UnixLayout { program: false })));
        assert_eq!(header(TableKind::Inet, b"tcp 0 0 1.2.3.4:5"), None);
    }

    #[test]
    fn notices_whole_and_spliced() {
        assert_eq!(
            notice(b"(Not all processes could be identified, non-owned process info"),
            Some(NoticeKind::NotAllProcesses)
        );
        assert_eq!(
            notice(b" will not be shown, you would have to be root to see it all.)"),
            Some(NoticeKind::NotAllProcesses)
        );
        assert_eq!(
            notice(b"(No info could be read for \"-p\": geteuid()=1001 but you should be root.)"),
            Some(NoticeKind::NoProcessInfo)
        );
        assert_eq!(notice(b"warning, got bogus unix line."), Some(NoticeKind::BogusLine));
        assert_eq!(notice(b"2026-11-27T03:53:50Z"), Some(NoticeKind::Timestamp));
        assert_eq!(notice(b"tcp        0      0 0.0.0.0:22"), None);
        let spliced = b"tcp6       0 netstat: no support for `AF IPX' on this system.";
        assert_eq!(spliced_notice(spliced), Some((13, NoticeKind::NoSupport)));
    }
}
