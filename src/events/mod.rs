//! The typed events the push parser emits, one or more per input line.
//!
//! Events borrow from the input (the chunk being fed, or the carry-over line): a sink that
//! wants to keep one copies what it needs. Every event says where it came from (1-based
//! line number and byte offset) and which capture it belongs to (periodic logs hold many).

pub mod json;
pub mod json_reference;
mod json_ss;

pub use crate::push::Position;
pub use netsift_grammar::netstat::{
    Endpoint, Host, InetCol, InetLayout, InetRow, InetState, Owner, Port, Proto, Scope, TableKind, TcpState, Timer,
    TimerKind, Title, UnixCol, UnixFlags, UnixLayout, UnixRow, UnixState, UnixType, User,
};
pub use netsift_grammar::netstat_agn::Membership;
pub use netsift_grammar::netstat_i::{IfaceLayout, IfaceRow};
pub use netsift_grammar::ss::{SsColumns, SsRow};

use netsift_grammar::{netstat, netstat_s, ss};

/// A row of netstat's internet table (`tcp`, `udp`, `raw`, … sockets).
///
/// ```
/// use netsift::{Event, EventKind, Format, PushParser};
/// let mut parser = PushParser::new(Format::Netstat);
/// let mut ports = Vec::new();
/// let input = b"Active Internet connections (servers and established)\n\
/// Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n\
/// tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     \n";
/// parser.feed(input, &mut |ev: Event<'_>| {
///     if let EventKind::InetConn(conn) = ev.kind {
///         ports.push(conn.local.port.number());
///     }
/// });
/// parser.finish(&mut |_: Event<'_>| {});
/// assert_eq!(ports, vec![Some(22)]);
/// ```
pub type InetConn<'a> = InetRow<'a>;

/// A row of netstat's unix domain socket table.
pub type UnixSocket<'a> = UnixRow<'a>;

/// A row of `netstat -i`: one network interface and its packet counters.
pub type Interface<'a> = IfaceRow<'a>;

/// An ss socket: its row, and the continuation lines (`-i`, `-m` info led by a TAB) folded
/// into it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SsSocket<'a> {
    /// The socket's row (joined first when a process name held a newline).
    pub row: SsRow<'a>,
    /// The continuation lines, as printed, joined by `\n`; empty when there were none.
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::bytes"))]
    pub info: &'a [u8],
}

impl<'a> SsSocket<'a> {
    /// The extras of each continuation line (`ts sack cubic wscale:7,7 rto:204 …`).
    pub fn info_extras(&self) -> impl Iterator<Item = netsift_grammar::ss::Extras<'a>> + 'a {
        let info = self.info;
        info.split(|&b| b == b'\n').filter(|l| !l.is_empty()).filter_map(netsift_grammar::ss::continuation)
    }
}

/// Where a counter was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum CounterSource {
    /// A sentence or `Name: value` line of `netstat -s`.
    NetstatS,
    /// A name/value pair of `/proc/net/netstat` or `/proc/net/snmp`.
    Proc,
    /// A row of `nstat`.
    Nstat,
    /// A line of `/proc/net/snmp6`.
    Snmp6,
    /// A `key value` pair of `/proc/net/sockstat` or `sockstat6`.
    Sockstat,
}

impl CounterSource {
    /// The snake_case name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CounterSource::NetstatS => "netstat_s",
            CounterSource::Proc => "proc",
            CounterSource::Nstat => "nstat",
            CounterSource::Snmp6 => "snmp6",
            CounterSource::Sockstat => "sockstat",
        }
    }
}

/// One named counter of `netstat -s`, `/proc/net/netstat`, `/proc/net/snmp`, `nstat`,
/// `/proc/net/snmp6` or `/proc/net/sockstat`.
///
/// A `netstat -s` sentence is mapped to its kernel counter, so that
/// `Quick ack mode was activated 9 times` says `TcpExt`/`DelayedACKLost` just as
/// `/proc/net/netstat` does; the printed text stays in `text`. The flat names of nstat
/// and snmp6 are split at their kernel section (`TcpExtListenOverflows` is
/// `TcpExt`/`ListenOverflows`), so one counter has one name whatever printed it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Counter<'a> {
    /// Where it was read.
    pub source: CounterSource,
    /// The kernel section (`Tcp`, `TcpExt`, `IcmpMsg`, `Ip6`, sockstat's `TCP`…); for a
    /// sentence we cannot map, the section it was printed under; empty for an nstat or
    /// snmp6 name whose prefix is no kernel section (`name` is then the whole name).
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::bytes"))]
    pub section: &'a [u8],
    /// The kernel counter name (`ActiveOpens`); `None` for a sentence we cannot map.
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::opt_bytes"))]
    pub name: Option<&'a [u8]>,
    /// For `netstat -s`, the histogram sub-table the line was printed under
    /// (`ICMP input histogram`).
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::opt_bytes"))]
    pub subtable: Option<&'a [u8]>,
    /// The value. `i128` holds every `u64` counter and the negative ones (`Tcp: MaxConn -1`,
    /// net-tools 1.60's wrapped values).
    pub value: i128,
    /// The sentence or name as printed (without indentation).
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::bytes"))]
    pub text: &'a [u8],
    /// The line the value was read from.
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::bytes"))]
    pub line: &'a [u8],
    /// For `/proc` and sockstat, which value of the line it is (from 1): a values line holds
    /// a hundred counters, so the position says which one without repeating the line.
    pub position: Option<u32>,
    /// For nstat, the rate per second it printed beside the value (`0.0` without its
    /// daemon's history); `None` for every other source.
    pub rate: Option<f64>,
}

/// One event: where it came from, which capture, and what it is.
///
/// (`Yokeable`: an [`crate::OwnedEvent`] holds one re-pointed into the bytes it keeps.)
#[derive(Debug, Clone, Copy, PartialEq, yoke::Yokeable)]
pub struct Event<'a> {
    /// Where its (first) line starts.
    pub at: Position,
    /// Which capture of the input it belongs to, from 1. A title after rows of the same
    /// kind starts a new capture, as in periodic capture logs.
    pub capture: u32,
    /// What it is.
    pub kind: EventKind<'a>,
}

/// What an event is. New kinds arrive with new formats, hence `non_exhaustive`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", content = "data", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EventKind<'a> {
    /// A table began: its title, and its header when there was one.
    Section(Section<'a>),
    /// A row of the internet table.
    InetConn(InetConn<'a>),
    /// A row of the unix table.
    UnixSocket(UnixSocket<'a>),
    /// An ss socket.
    SsSocket(SsSocket<'a>),
    /// A counter of `netstat -s` or `/proc/net/{netstat,snmp}`.
    Counter(Counter<'a>),
    /// A row of `netstat -i`.
    Interface(Interface<'a>),
    /// A row of `netstat -g` (`-agn`): one multicast group membership.
    Membership(Membership<'a>),
    /// A known line that is not table content (a warning, a time stamp).
    Notice(Notice<'a>),
    /// A line that did not parse.
    Malformed(Malformed<'a>),
}

impl EventKind<'_> {
    /// The name of every kind, in the order `netsift count` prints them.
    pub const NAMES: &'static [&'static str] = &[
        "section",
        "inet_conn",
        "unix_socket",
        "ss_socket",
        "counter",
        "interface",
        "membership",
        "notice",
        "malformed",
    ];

    /// The snake_case name of the kind, as in the JSON output and `netsift count`.
    pub fn name(&self) -> &'static str {
        Self::NAMES[self.index()]
    }

    /// Where the kind's name is in [`EventKind::NAMES`]: a counter per kind is an array
    /// indexed by it, without comparing names per event.
    pub fn index(&self) -> usize {
        match self {
            EventKind::Section(_) => 0,
            EventKind::InetConn(_) => 1,
            EventKind::UnixSocket(_) => 2,
            EventKind::SsSocket(_) => 3,
            EventKind::Counter(_) => 4,
            EventKind::Interface(_) => 5,
            EventKind::Membership(_) => 6,
            EventKind::Notice(_) => 7,
            EventKind::Malformed(_) => 8,
        }
    }
}

/// The columns a table's header announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Columns {
    /// Internet table.
    Inet(InetLayout),
    /// Unix table.
    Unix(UnixLayout),
    /// A foreign table (Bluetooth, IPX, …), whose rows netsift skips.
    Other,
    /// `netstat -i`: with or without the `Met` column.
    Interfaces(IfaceLayout),
    /// `netstat -g`: interface, refcount, group.
    Memberships,
    /// An ss table.
    Ss(SsColumns),
    /// A counter section (`netstat -s`, `/proc/net/{netstat,snmp}`, nstat, snmp6, sockstat).
    Counters,
    /// `/proc/net/dev`: the columns its second header line names.
    ProcNetDev(netsift_grammar::proc_net_dev::DevLayout),
}

/// Which table a section opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Table {
    /// A netstat connection table, with its title.
    Netstat(Title),
    /// `netstat -i`'s `Kernel Interface table` (or a bare `Iface` header of `netstat -ic`).
    Interfaces,
    /// `netstat -g`'s `IPv6/IPv4 Group Memberships` (`ipv6: false` for `IPv4 Group Memberships`).
    Memberships {
        /// The title names IPv6.
        ipv6: bool,
    },
    /// An ss table (its header, or the first row of headerless `-H` output).
    Ss,
    /// A section of `netstat -s` (`Ip:`), or of its histogram sub-tables.
    StatSection {
        /// True for a histogram sub-title (`ICMP input histogram:`).
        histogram: bool,
    },
    /// A name line of `/proc/net/netstat` or `/proc/net/snmp` (`TcpExt: SyncookiesSent …`).
    ProcSection,
    /// A kernel socket table: `/proc/net/{tcp,tcp6,udp,…}` (`Inet`) or `/proc/net/unix`
    /// (`Unix`). Its rows are those `netstat -a` would print from it.
    Kernel(TableKind),
    // Issue 13, counters.
    /// nstat's `#kernel` header (`name` is its source: `kernel`, or the daemon's id).
    Nstat,
    /// A section of `/proc/net/snmp6` (`Ip6`, `Icmp6`…): where its prefix starts.
    Snmp6Section,
    /// A line of `/proc/net/sockstat` or `sockstat6` (`TCP: inuse …`).
    SockstatSection,
    /// The `Inter-|` header of `/proc/net/dev`.
    ProcNetDev,
}

impl Table {
    /// The snake_case name used in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Table::Netstat(t) => match t.kind {
                TableKind::Inet => "inet",
                TableKind::Unix => "unix",
                TableKind::Other => "other",
            },
            Table::Interfaces => "interfaces",
            Table::Memberships { .. } => "memberships",
            Table::Ss => "ss",
            Table::StatSection { histogram: false } => "stat_section",
            Table::StatSection { histogram: true } => "histogram",
            Table::ProcSection => "proc_section",
            Table::Kernel(TableKind::Unix) => "kernel_unix",
            Table::Kernel(_) => "kernel_inet",
            Table::Nstat => "nstat",
            Table::Snmp6Section => "snmp6_section",
            Table::SockstatSection => "sockstat_section",
            Table::ProcNetDev => "proc_net_dev",
        }
    }
}

/// A table began.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Section<'a> {
    /// Which table.
    pub table: Table,
    /// The language of its title (or header).
    pub lang: Lang,
    /// The section's name where it has one (`Ip`, `TcpExt`, `ICMP input histogram`);
    /// empty for tables.
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::bytes"))]
    pub name: &'a [u8],
    /// The header line, when there was one.
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::opt_bytes"))]
    pub header: Option<&'a [u8]>,
    /// The columns the rows have (inferred from the first row when there was no header).
    pub columns: Columns,
}

impl Section<'_> {
    /// The netstat title, for a netstat connection table; for a kernel socket table, the
    /// title of the table `netstat -a` prints from it (servers and established), so that
    /// the netstat views read both alike.
    pub fn netstat_title(&self) -> Option<Title> {
        match self.table {
            Table::Netstat(t) => Some(t),
            Table::Kernel(kind) => Some(Title { kind, scope: netstat::Scope::ServersAndEstablished, lang: Lang::C }),
            _ => None,
        }
    }
}

pub use netsift_grammar::netstat::words::Lang;

/// Which known message a notice is, whatever the tool that printed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum NoticeKind {
    /// netstat: `(Not all processes could be identified, …` and its second line.
    NotAllProcesses,
    /// netstat: `(No info could be read for "-p": …`.
    NoProcessInfo,
    /// netstat: ``netstat: no support for `AF IPX' on this system.``
    NoSupport,
    /// netstat: `warning, got bogus … line.` (tcp, udp, raw, unix, igmp, igmp6).
    BogusLine,
    /// Another message of the tool itself (`netstat: …`, `ss: …`).
    ToolMessage,
    /// A time stamp between captures (`date` output).
    Timestamp,
    /// ss: `RTNETLINK answers: …`.
    RtnetlinkAnswers,
    /// ss: `Cannot open netlink socket: …` and other netlink failures.
    Netlink,
    /// ss: `Failed to …`.
    Failed,
    /// ss: `Error: …`.
    Error,
    /// netstat -s: `error parsing /proc/net/netstat: …`, `cannot open …`, `Problem while parsing …`.
    ProcError,
    /// netstat -s: `unknown Section` (unknown sections disabled).
    UnknownSection,
    /// A shell's message (`/bin/sh: netstat: not found`).
    Shell,
    /// A line we do not recognise, outside any table (a banner, a prompt): reported,
    /// never dropped.
    Other,
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
            NoticeKind::RtnetlinkAnswers => "rtnetlink_answers",
            NoticeKind::Netlink => "netlink",
            NoticeKind::Failed => "failed",
            NoticeKind::Error => "error",
            NoticeKind::ProcError => "proc_error",
            NoticeKind::UnknownSection => "unknown_section",
            NoticeKind::Shell => "shell",
            NoticeKind::Other => "other",
        }
    }
}

impl From<netstat::NoticeKind> for NoticeKind {
    fn from(k: netstat::NoticeKind) -> Self {
        match k {
            netstat::NoticeKind::NotAllProcesses => NoticeKind::NotAllProcesses,
            netstat::NoticeKind::NoProcessInfo => NoticeKind::NoProcessInfo,
            netstat::NoticeKind::NoSupport => NoticeKind::NoSupport,
            netstat::NoticeKind::BogusLine => NoticeKind::BogusLine,
            netstat::NoticeKind::ToolMessage => NoticeKind::ToolMessage,
            netstat::NoticeKind::Timestamp => NoticeKind::Timestamp,
            netstat::NoticeKind::Other => NoticeKind::Other,
        }
    }
}

impl From<ss::NoticeKind> for NoticeKind {
    fn from(k: ss::NoticeKind) -> Self {
        match k {
            ss::NoticeKind::RtnetlinkAnswers => NoticeKind::RtnetlinkAnswers,
            ss::NoticeKind::Netlink => NoticeKind::Netlink,
            ss::NoticeKind::Failed => NoticeKind::Failed,
            ss::NoticeKind::Tool => NoticeKind::ToolMessage,
            ss::NoticeKind::Error => NoticeKind::Error,
            ss::NoticeKind::Timestamp => NoticeKind::Timestamp,
        }
    }
}

impl From<netstat_s::NoticeKind> for NoticeKind {
    fn from(k: netstat_s::NoticeKind) -> Self {
        match k {
            netstat_s::NoticeKind::ProcError => NoticeKind::ProcError,
            netstat_s::NoticeKind::Unknown => NoticeKind::UnknownSection,
            netstat_s::NoticeKind::Shell => NoticeKind::Shell,
            netstat_s::NoticeKind::Tool => NoticeKind::ToolMessage,
            netstat_s::NoticeKind::Timestamp => NoticeKind::Timestamp,
            netstat_s::NoticeKind::Other => NoticeKind::Other,
        }
    }
}

/// A known line that is not table content.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Notice<'a> {
    /// Which message.
    pub kind: NoticeKind,
    /// Its text.
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::bytes"))]
    pub text: &'a [u8],
}

/// Why a line did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Problem {
    /// The grammar stopped at `column` (0-based byte offset), expecting `expected`.
    Grammar {
        /// 0-based byte offset of the first byte that did not fit.
        column: usize,
        /// What the grammar wanted there.
        expected: &'static str,
    },
    /// The line was longer than the parser's line cap and was skipped unread.
    TooLong {
        /// Its full length in bytes.
        length: u64,
        /// The cap it exceeded.
        cap: usize,
    },
}

/// A line that did not parse, with enough to show the user where and why.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Malformed<'a> {
    /// The line's bytes (for an over-long line, its first bytes only).
    #[cfg_attr(feature = "serde", serde(serialize_with = "netsift_grammar::ser::bytes"))]
    pub raw: &'a [u8],
    /// What went wrong.
    pub problem: Problem,
}

impl Malformed<'_> {
    /// 1-based column of the first byte that did not fit.
    pub fn column(&self) -> usize {
        match self.problem {
            Problem::Grammar { column, .. } => column + 1,
            Problem::TooLong { cap, .. } => cap + 1,
        }
    }

    /// A one-line reason, e.g. "expected an address:port".
    pub fn reason(&self) -> String {
        match self.problem {
            Problem::Grammar { expected, .. } => format!("expected {expected}"),
            Problem::TooLong { length, cap } => {
                format!("line of {length} bytes is longer than the {cap}-byte line cap")
            }
        }
    }
}
