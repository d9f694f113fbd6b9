//! The fixed words netstat prints, in every language we read.
//!
//! net-tools translates its titles, header words, state words and timer words through
//! gettext. A capture taken under `LANG=de_DE.UTF-8` says `VERBUNDEN` where the C locale
//! says `ESTABLISHED`; both are read into the same typed value. The translations are facts
//! taken from the message catalogues net-tools ships (see tests/fixtures/captured/).

use super::inet::{TcpState, TimerKind};
use super::unix::{UnixState, UnixType};
use super::{NoticeKind, Scope};

/// The language a table was printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// The C locale (English), what sosreport and insights collect.
    C,
    /// German.
    De,
    /// French.
    Fr,
    /// Japanese.
    Ja,
}

impl Lang {
    /// ISO 639-1 code, `"C"` for the C locale.
    pub fn code(self) -> &'static str {
        match self {
            Lang::C => "C",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Ja => "ja",
        }
    }
}

/// For each language: the start of the internet title and of the unix title.
pub static TITLES: &[(Lang, &str, &str)] = &[(Lang::C, "Active Internet connections", "Active UNIX domain sockets")];

/// The parenthesised scope that follows a title head, in any language; `Unspecified` when
/// nothing follows. `None` when something unknown follows.
pub fn scope(rest: &[u8]) -> Option<Scope> {
    let rest = crate::lex::trim_end_blanks(rest);
    if rest.is_empty() {
        return Some(Scope::Unspecified);
    }
    SCOPES.iter().find(|(text, _)| rest == text.as_bytes()).map(|(_, scope)| *scope)
}

static SCOPES: &[(&str, Scope)] = &[
    ("(servers and established)", Scope::ServersAndEstablished),
    ("(only servers)", Scope::OnlyServers),
    ("(w/o servers)", Scope::WithoutServers),
];

/// A translated title of a foreign table (Bluetooth, IPX, …) that does not start with the
/// English `Active `.
pub fn is_foreign_title(_line: &[u8]) -> bool {
    false
}

/// The header words that tell which optional columns a table has, per language.
#[derive(Debug, Clone, Copy)]
pub struct HeaderWords {
    /// The first word of every header.
    pub proto: &'static str,
    /// Present in the internet header only.
    pub recv_q: &'static str,
    /// Present in the unix header only.
    pub refcnt: &'static str,
    /// `-e` adds a user column …
    pub user: &'static str,
    /// … and an inode column.
    pub inode: &'static str,
    /// `-p`.
    pub program: &'static str,
    /// `-o`.
    pub timer: &'static str,
}

/// Header words of every language we read.
pub static HEADER_WORDS: &[HeaderWords] = &[HeaderWords {
    proto: "Proto",
    recv_q: "Recv-Q",
    refcnt: "RefCnt",
    user: "User",
    inode: "Inode",
    program: "PID/Program name",
    timer: "Timer",
}];

/// A TCP state word in any language.
pub fn tcp_state(word: &[u8]) -> Option<TcpState> {
    Some(match word {
        b"ESTABLISHED" => TcpState::Established,
        b"SYN_SENT" => TcpState::SynSent,
        b"SYN_RECV" => TcpState::SynRecv,
        b"FIN_WAIT1" => TcpState::FinWait1,
        b"FIN_WAIT2" => TcpState::FinWait2,
        b"TIME_WAIT" => TcpState::TimeWait,
        b"CLOSE" => TcpState::Close,
        b"CLOSE_WAIT" => TcpState::CloseWait,
        b"LAST_ACK" => TcpState::LastAck,
        b"LISTEN" => TcpState::Listen,
        b"CLOSING" => TcpState::Closing,
        b"UNKNOWN" => TcpState::Unknown,
        _ => return None,
    })
}

/// A unix socket state word in any language.
pub fn unix_state(word: &[u8]) -> Option<UnixState<'static>> {
    Some(match word {
        b"FREE" => UnixState::Free,
        b"LISTENING" => UnixState::Listening,
        b"CONNECTING" => UnixState::Connecting,
        b"CONNECTED" => UnixState::Connected,
        b"DISCONNECTING" => UnixState::Disconnecting,
        b"UNKNOWN" => UnixState::Unknown,
        _ => return None,
    })
}

/// A unix socket type word in any language.
pub fn unix_type(word: &[u8]) -> Option<UnixType<'static>> {
    Some(match word {
        b"STREAM" => UnixType::Stream,
        b"DGRAM" => UnixType::Dgram,
        b"RAW" => UnixType::Raw,
        b"RDM" => UnixType::Rdm,
        b"SEQPACKET" => UnixType::SeqPacket,
        b"UNKNOWN" => UnixType::Unknown,
        _ => return None,
    })
}

/// A timer word (`off`, `keepalive`, `unkn-4`, …) in any language.
pub fn timer_kind(word: &[u8]) -> Option<TimerKind> {
    Some(match word {
        b"off" => TimerKind::Off,
        b"on" => TimerKind::On,
        b"on1" => TimerKind::On1,
        b"on2" => TimerKind::On2,
        b"keepalive" => TimerKind::Keepalive,
        b"timewait" => TimerKind::TimeWait,
        b"probe" => TimerKind::Probe,
        _ => {
            let n = word.strip_prefix(b"unkn-")?;
            TimerKind::Unknown(u32::try_from(crate::lex::parse_u64(n)?).ok()?)
        }
    })
}

/// Whole-line notices, by their start.
pub static NOTICES: &[(&str, NoticeKind)] = &[
    ("(Not all processes could be identified", NoticeKind::NotAllProcesses),
    (" will not be shown, you would have to be root", NoticeKind::NotAllProcesses),
    ("(No info could be read for", NoticeKind::NoProcessInfo),
    ("netstat: no support for", NoticeKind::NoSupport),
    ("warning, got bogus", NoticeKind::BogusLine),
    ("warning: got bogus", NoticeKind::BogusLine),
    ("netstat: ", NoticeKind::ToolMessage),
];

/// Messages that stderr can splice into the middle of a row.
pub static SPLICE_MARKERS: &[(&str, NoticeKind)] = &[
    ("netstat: no support for", NoticeKind::NoSupport),
    ("warning, got bogus", NoticeKind::BogusLine),
    ("netstat: ", NoticeKind::ToolMessage),
    ("(Not all processes could be identified", NoticeKind::NotAllProcesses),
    ("(No info could be read for", NoticeKind::NoProcessInfo),
];
