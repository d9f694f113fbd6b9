//! The input formats netsift knows, by the names the command line uses.

use std::fmt;
use std::str::FromStr;

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Recognise the format from the input's own lines.
    Auto,
    /// `netstat -neopa` and its relatives (`-tulpn`, `-a`, `-an`, `-W`): connection tables.
    Netstat,
    /// `ss -tupna` and every other ss socket table.
    Ss,
    /// `ss -tulpn`: the same grammar as `ss`; its view keeps the LISTEN and UNCONN sockets.
    SsTulpn,
    /// `netstat -s`.
    NetstatS,
    /// `/proc/net/netstat` and `/proc/net/snmp`.
    ProcNetstat,
    /// `netstat -i`.
    NetstatI,
    /// `netstat -agn` (`-g`): multicast group memberships.
    NetstatAgn,
    // The kernel's counter files and nstat (issue 13, counters).
    /// `nstat -a`, `-z`, `-s`, … (`#kernel`, then `Name value rate` rows).
    Nstat,
    /// `/proc/net/snmp6` (`Ip6InReceives  39` per line).
    ProcSnmp6,
    /// `/proc/net/sockstat` and `/proc/net/sockstat6` (`TCP: inuse 94 orphan 0 …`).
    Sockstat,
    /// `/proc/net/dev`: one `interface` event per row, as `netstat -i`'s.
    ProcNetDev,
    /// `/proc/net/snmp` read as `proc-netstat` is, whose view is insights' `TcpIpStats`
    /// rather than `ProcNsat`.
    ProcSnmp,
}

impl Format {
    /// Every format name accepted by [`Format::from_str`].
    pub const NAMES: &'static [&'static str] = &[
        "auto",
        "netstat",
        "ss",
        "ss-tulpn",
        "netstat-s",
        "proc-netstat",
        "netstat-i",
        "netstat-agn",
        "nstat",
        "proc-snmp6",
        "sockstat",
        "proc-net-dev",
        "proc-snmp",
    ];

    /// The formats `auto` tries, for error messages.
    pub const DETECTABLE: &'static [&'static str] = &[
        "netstat",
        "ss",
        "netstat-s",
        "proc-netstat",
        "netstat-i",
        "netstat-agn",
        "nstat",
        "proc-snmp6",
        "sockstat",
        "proc-net-dev",
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Netstat => "netstat",
            Format::Ss => "ss",
            Format::SsTulpn => "ss-tulpn",
            Format::NetstatS => "netstat-s",
            Format::ProcNetstat => "proc-netstat",
            Format::NetstatI => "netstat-i",
            Format::NetstatAgn => "netstat-agn",
            Format::Nstat => "nstat",
            Format::ProcSnmp6 => "proc-snmp6",
            Format::Sockstat => "sockstat",
            Format::ProcNetDev => "proc-net-dev",
            Format::ProcSnmp => "proc-snmp",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that netsift does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}` (known: {known})", known = Format::NAMES.join(", "))]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Format::Auto),
            "netstat" => Ok(Format::Netstat),
            "ss" => Ok(Format::Ss),
            "ss-tulpn" => Ok(Format::SsTulpn),
            "netstat-s" => Ok(Format::NetstatS),
            "proc-netstat" => Ok(Format::ProcNetstat),
            "netstat-i" => Ok(Format::NetstatI),
            "netstat-agn" => Ok(Format::NetstatAgn),
            "nstat" => Ok(Format::Nstat),
            "proc-snmp6" => Ok(Format::ProcSnmp6),
            "sockstat" => Ok(Format::Sockstat),
            "proc-net-dev" => Ok(Format::ProcNetDev),
            "proc-snmp" => Ok(Format::ProcSnmp),
            other => Err(UnknownFormat(other.to_string())),
        }
    }
}
