//! The kernel counters that signal trouble, each with one line a person can act on.
//!
//! Keyed by the kernel's own name (`Section:Name`), so that `netstat -s`, `/proc/net/netstat`,
//! `/proc/net/snmp` and any later source of the same counters (nstat, snmp6) meet here.

/// One counter worth a look when it is not zero (or when it moves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trouble {
    /// `Section:Name`, as in `/proc/net/netstat`.
    pub key: &'static str,
    /// What it means when it counts, in one line.
    pub meaning: &'static str,
}

const fn t(key: &'static str, meaning: &'static str) -> Trouble {
    Trouble { key, meaning }
}

/// The counters the report looks at, in the order it shows them.
pub const TROUBLE: &[Trouble] = &[
    t(
        "TcpExt:ListenOverflows",
        "a listener's accept queue was full: the application accepts too slowly or its backlog is too small",
    ),
    t("TcpExt:ListenDrops", "SYNs dropped at a listening socket (overflows and other drops)"),
    t("TcpExt:TCPReqQFullDrop", "SYNs dropped because the SYN queue was full (no syncookies)"),
    t("TcpExt:SyncookiesSent", "SYN cookies sent: the SYN queue overflowed (a SYN flood or a too-small backlog)"),
    t("TcpExt:TCPBacklogDrop", "segments dropped: the socket backlog was full while the application held the socket"),
    t("Tcp:RetransSegs", "TCP segments retransmitted (see the share of segments sent)"),
    t("TcpExt:TCPTimeouts", "retransmission timer expired: loss, or a peer that stopped answering"),
    t("TcpExt:TCPSynRetrans", "SYNs retransmitted: peers that do not answer connection attempts"),
    t("TcpExt:TCPLostRetransmit", "retransmitted segments lost again"),
    t("Tcp:AttemptFails", "connection attempts that failed (refused, reset or timed out while opening)"),
    t("Tcp:EstabResets", "established connections reset"),
    t("Tcp:OutRsts", "TCP resets sent (to closed ports, or aborting connections)"),
    t("TcpExt:TCPAbortOnTimeout", "connections aborted after too many retransmissions"),
    t("TcpExt:TCPAbortOnMemory", "connections aborted for lack of memory"),
    t("TcpExt:TCPAbortOnData", "connections reset because data arrived after close"),
    t("Tcp:InErrs", "TCP segments received with errors (bad checksum, bad header)"),
    t("Tcp:InCsumErrors", "TCP segments with a bad checksum"),
    t("TcpExt:PruneCalled", "receive queues pruned under memory pressure"),
    t("TcpExt:RcvPruned", "packets dropped from a receive queue under memory pressure"),
    t("TcpExt:OfoPruned", "out-of-order queues dropped under memory pressure"),
    t("TcpExt:TCPRcvCollapsed", "packets collapsed in a receive queue to save memory"),
    t("TcpExt:TCPMemoryPressures", "times TCP entered memory pressure"),
    t("Udp:RcvbufErrors", "UDP datagrams dropped: a socket's receive buffer was full"),
    t("Udp:SndbufErrors", "UDP datagrams not sent: a socket's send buffer was full"),
    t("Udp:InErrors", "UDP datagrams received that could not be delivered (buffer full, bad checksum)"),
    t("Udp:InCsumErrors", "UDP datagrams with a bad checksum"),
    t("Udp:NoPorts", "UDP datagrams to a port nobody listens on"),
    t("Ip:InHdrErrors", "IP packets dropped for a bad header"),
    t("Ip:InAddrErrors", "IP packets dropped for a bad destination address"),
    t("Ip:InDiscards", "IP packets discarded on input (no buffer space)"),
    t("Ip:OutDiscards", "IP packets discarded on output (no buffer space)"),
    t("Ip:ReasmFails", "IP fragments that could not be reassembled"),
    t("Ip:ReasmTimeout", "IP reassemblies that timed out waiting for fragments"),
    t("IpExt:InCsumErrors", "IP packets with a bad checksum"),
];

/// The trouble entry of a counter, if it is one.
pub fn trouble(key: &str) -> Option<&'static Trouble> {
    TROUBLE.iter().find(|t| t.key == key)
}

/// Counters that are levels, not totals: their change is no rate.
pub const GAUGES: &[&str] =
    &["Ip:Forwarding", "Ip:DefaultTTL", "Tcp:RtoAlgorithm", "Tcp:RtoMin", "Tcp:RtoMax", "Tcp:MaxConn", "Tcp:CurrEstab"];

/// Whether a counter is a level rather than a total.
pub fn is_gauge(key: &str) -> bool {
    GAUGES.contains(&key)
}
