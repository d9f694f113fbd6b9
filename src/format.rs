//! The input formats netsift knows, by the names the command line uses.

use std::fmt;
use std::str::FromStr;

use netsift_grammar::netstat::Proto;

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
    /// A kernel socket table, `/proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6}`,
    /// of this protocol: the table does not say it, its file's name does. `Proto::Unknown`
    /// (`proc-net-inet`) reads one whose name was lost.
    ProcNetInet(Proto),
    /// The kernel's unix socket table, `/proc/net/unix`.
    ProcNetUnix,
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
        // The kernel's socket tables.
        "proc-net-tcp",
        "proc-net-tcp6",
        "proc-net-udp",
        "proc-net-udp6",
        "proc-net-udplite",
        "proc-net-udplite6",
        "proc-net-raw",
        "proc-net-raw6",
        "proc-net-inet",
        "proc-net-unix",
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
        // The kernel's socket tables (the protocol from the file's name).
        "proc-net-tcp…",
        "proc-net-unix",
    ];

    /// The kernel socket tables by the names of their files under `/proc/net`.
    const KERNEL_FILES: [(&'static str, Format); 9] = [
        ("tcp", Format::ProcNetInet(Proto::Tcp)),
        ("tcp6", Format::ProcNetInet(Proto::Tcp6)),
        ("udp", Format::ProcNetInet(Proto::Udp)),
        ("udp6", Format::ProcNetInet(Proto::Udp6)),
        ("udplite", Format::ProcNetInet(Proto::Udpl)),
        ("udplite6", Format::ProcNetInet(Proto::Udpl6)),
        ("raw", Format::ProcNetInet(Proto::Raw)),
        ("raw6", Format::ProcNetInet(Proto::Raw6)),
        ("unix", Format::ProcNetUnix),
    ];

    /// The kernel socket table a file's name says it is: its last component is the
    /// kernel's (`tcp6`, `…/proc/net/udp`, `proc_net_raw6` as jc and procfs name their
    /// fixtures). `None` for any other name.
    ///
    /// ```
    /// use netsift::Format;
    /// use netsift::netsift_grammar::netstat::Proto;
    /// assert_eq!(Format::kernel_table("/proc/net/tcp6"), Some(Format::ProcNetInet(Proto::Tcp6)));
    /// assert_eq!(Format::kernel_table("linux-proc_net_udplite"), Some(Format::ProcNetInet(Proto::Udpl)));
    /// assert_eq!(Format::kernel_table("unix"), Some(Format::ProcNetUnix));
    /// assert_eq!(Format::kernel_table("tcp.txt"), None);
    /// ```
    pub fn kernel_table(path: &str) -> Option<Format> {
        let name = path.rsplit(['/', '\\']).next()?;
        let name = name.rsplit_once("proc_net_").map_or(name, |(_, n)| n);
        Self::KERNEL_FILES.iter().find(|(file, _)| *file == name).map(|&(_, f)| f)
    }

    /// The file name under `/proc/net` of a kernel socket table format.
    pub fn kernel_file(self) -> Option<&'static str> {
        Self::KERNEL_FILES.iter().find(|(_, f)| *f == self).map(|&(file, _)| file)
    }

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
            Format::ProcNetInet(proto) => match proto {
                Proto::Tcp => "proc-net-tcp",
                Proto::Tcp6 => "proc-net-tcp6",
                Proto::Udp => "proc-net-udp",
                Proto::Udp6 => "proc-net-udp6",
                Proto::Udpl => "proc-net-udplite",
                Proto::Udpl6 => "proc-net-udplite6",
                Proto::Raw => "proc-net-raw",
                Proto::Raw6 => "proc-net-raw6",
                Proto::Sctp | Proto::Unknown => "proc-net-inet",
            },
            Format::ProcNetUnix => "proc-net-unix",
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
            "proc-net-inet" => Ok(Format::ProcNetInet(Proto::Unknown)),
            other if other.starts_with("proc-net-") => {
                Self::kernel_table(&other["proc-net-".len()..]).ok_or_else(|| UnknownFormat(other.to_string()))
            }
            other => Err(UnknownFormat(other.to_string())),
        }
    }
}
