//! The fixed words netstat prints, in every language we read.
//!
//! net-tools translates its titles, header words, state words and timer words through
//! gettext. A capture taken under `LANG=de_DE.UTF-8` says `VERBUNDEN` where the C locale
//! says `ESTABLISHED`; both are read into the same typed value. The translations are facts
//! taken from the message catalogues net-tools ships (see tests/fixtures/captured/).

use super::inet::{TcpState, TimerKind};
use super::unix::{UnixState, UnixType};
use super::words_data as data;
use super::{NoticeKind, Scope};

/// The language a table was printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Lang {
    /// The C locale (English), what sosreport and insights collect.
    C,
    /// German.
    De,
    /// French.
    Fr,
    /// Japanese.
    Ja,
    /// Czech.
    Cs,
    /// Estonian.
    Et,
    /// Brazilian Portuguese.
    PtBr,
}

impl Lang {
    /// ISO 639-1 code, `"C"` for the C locale.
    pub fn code(self) -> &'static str {
        match self {
            Lang::C => "C",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Ja => "ja",
            Lang::Cs => "cs",
            Lang::Et => "et",
            Lang::PtBr => "pt_BR",
        }
    }
}

/// For each language: the start of the internet title and of the unix title.
pub fn titles() -> impl Iterator<Item = &'static (Lang, &'static str, &'static str)> {
    C_TITLES.iter().chain(data::TITLES)
}

static C_TITLES: &[(Lang, &str, &str)] = &[(Lang::C, "Active Internet connections", "Active UNIX domain sockets")];

/// The parenthesised scope that follows a title head, in any language; `Unspecified` when
/// nothing follows. `None` when something unknown follows.
pub fn scope(rest: &[u8]) -> Option<Scope> {
    let rest = crate::lex::trim_end_blanks(rest);
    if rest.is_empty() {
        return Some(Scope::Unspecified);
    }
    SCOPES.iter().chain(data::SCOPES).find(|(text, _)| rest == text.as_bytes()).map(|(_, scope)| *scope)
}

static SCOPES: &[(&str, Scope)] = &[
    ("(servers and established)", Scope::ServersAndEstablished),
    ("(only servers)", Scope::OnlyServers),
    ("(w/o servers)", Scope::WithoutServers),
];

/// A translated title of a foreign table (Bluetooth, IPX, …) that does not start with the
/// English `Active `.
pub fn is_foreign_title(line: &[u8]) -> bool {
    data::FOREIGN_TITLES.iter().any(|t| line.starts_with(t.as_bytes()))
}

/// Is this the internet table's header? It starts with `Proto`, then `Recv-Q` in some language.
pub fn is_inet_header(line: &[u8]) -> bool {
    line.starts_with(b"Proto") && any_header_word(line, |&(recv_q, _, _, _)| recv_q)
}

/// Is this the unix table's header? It starts with `Proto`, then `RefCnt` in some language.
pub fn is_unix_header(line: &[u8]) -> bool {
    line.starts_with(b"Proto") && any_header_word(line, |&(_, refcnt, _, _)| refcnt)
}

/// Does the header announce `-e`'s `User` column, in any language?
pub fn has_user(line: &[u8]) -> bool {
    any_header_word(line, |&(_, _, user, _)| user)
}

/// Does the header announce `-o`'s `Timer` column, in any language?
pub fn has_timer(line: &[u8]) -> bool {
    any_header_word(line, |&(_, _, _, timer)| timer)
}

/// Does the header announce `-p`'s column? net-tools never translates it.
pub fn has_program(line: &[u8]) -> bool {
    contains(line, b"PID/Program name")
}

type HeaderWords = (&'static str, &'static str, &'static str, &'static str);

/// (Recv-Q, RefCnt, User, Timer) in the C locale.
static C_HEADER_WORDS: &[HeaderWords] = &[("Recv-Q", "RefCnt", "User", "Timer")];

fn any_header_word(line: &[u8], pick: impl Fn(&HeaderWords) -> &'static str) -> bool {
    C_HEADER_WORDS.iter().chain(data::HEADER_WORDS).map(pick).any(|w| !w.is_empty() && contains(line, w.as_bytes()))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w == needle)
}

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
        _ => return lookup(data::TCP_STATES, word),
    })
}

/// A TCP state at the start of `text`, whose translation may hold a blank (Czech
/// `POSLEDNÍ ACK`): the state and the length of its text.
pub fn tcp_state_phrase(text: &[u8]) -> Option<(TcpState, usize)> {
    // No state in any language starts with a digit or `-` (a user, an inode, a PID).
    if text.first().is_none_or(|&b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let word_end = text.iter().position(|&b| crate::lex::is_blank(b)).unwrap_or(text.len());
    if let Some(state) = tcp_state(&text[..word_end]) {
        return Some((state, word_end));
    }
    data::TCP_STATES.iter().find_map(|(phrase, state)| {
        let p = phrase.as_bytes();
        let ends = text.get(p.len()).is_none_or(|&b| crate::lex::is_blank(b));
        (text.starts_with(p) && ends).then_some((*state, p.len()))
    })
}

fn lookup<T: Copy>(table: &[(&str, T)], word: &[u8]) -> Option<T> {
    table.iter().find(|(w, _)| w.as_bytes() == word).map(|(_, v)| *v)
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
        _ => return lookup(data::UNIX_STATES, word),
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
        _ => return lookup(data::UNIX_TYPES, word),
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
            if let Some(kind) = lookup(data::TIMERS, word) {
                return Some(kind);
            }
            let numbered = [("on", false), ("unkn-", true)].into_iter().chain(data::NUMBERED_TIMERS.iter().copied());
            for (prefix, unknown) in numbered {
                if let Some(n) = word.strip_prefix(prefix.as_bytes()) {
                    let n = u32::try_from(crate::lex::parse_u64(n)?).ok()?;
                    return Some(match (unknown, n) {
                        (true, 4) => TimerKind::Probe,
                        (true, n) => TimerKind::Unknown(n),
                        (false, 1) => TimerKind::On1,
                        (false, 2) => TimerKind::On2,
                        (false, _) => TimerKind::On,
                    });
                }
            }
            return None;
        }
    })
}

/// Whole-line notices, by their start, in any language.
pub fn notices() -> impl Iterator<Item = &'static (&'static str, NoticeKind)> {
    C_NOTICES.iter().chain(data::NOTICES)
}

static C_NOTICES: &[(&str, NoticeKind)] = &[
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
