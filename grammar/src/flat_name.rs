//! The kernel's flat counter names, as nstat and `/proc/net/snmp6` print them
//! (`TcpExtListenOverflows`, `Ip6InReceives`), split into the section and the name that
//! `/proc/net/netstat`, `/proc/net/snmp` and `netstat -s` use (`TcpExt` / `ListenOverflows`).
//!
//! The split is exact because it only uses the kernel's own section names: nstat builds
//! a flat name by gluing the prefix of a `/proc/net/{netstat,snmp}` line to each name of
//! that line, and `/proc/net/snmp6` and `/proc/net/sctp/snmp` print flat names with the
//! same prefixes. Every kernel counter name starts with an upper-case letter, so the
//! longest section that leaves one is the right one: `IpExtInOctets` is `IpExt`/`InOctets`
//! (not `Ip`/`ExtInOctets`), `Icmp6InMsgs` is `Icmp6` (the `6` is not a name's start),
//! `IcmpMsgInType3` is `IcmpMsg`.

/// The sections of flat names: `/proc/net/snmp` (`Ip` … `UdpLite`), `/proc/net/netstat`
/// (`TcpExt`, `IpExt`, `MPTcpExt`), `/proc/net/snmp6` (`Ip6` … `UdpLite6`) and
/// `/proc/net/sctp/snmp` (`Sctp`).
pub const FLAT_SECTIONS: &[&str] = &[
    "Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite", "TcpExt", "IpExt", "MPTcpExt", "Ip6", "Icmp6", "Udp6",
    "UdpLite6", "Sctp",
];

/// Split a flat name into `(section, name)`; `None` when no kernel section starts it
/// (a new kernel's new file) or nothing follows the section.
///
/// ```
/// use netsift_grammar::flat_name::split;
/// assert_eq!(split(b"IpExtInOctets"), Some((&b"IpExt"[..], &b"InOctets"[..])));
/// assert_eq!(split(b"IpInReceives"), Some((&b"Ip"[..], &b"InReceives"[..])));
/// assert_eq!(split(b"UdpLite6InErrors"), Some((&b"UdpLite6"[..], &b"InErrors"[..])));
/// assert_eq!(split(b"TcpExtTCPPureAcks"), Some((&b"TcpExt"[..], &b"TCPPureAcks"[..])));
/// assert_eq!(split(b"Ip6"), None);
/// assert_eq!(split(b"ifIndex"), None);
/// ```
pub fn split(flat: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = FLAT_SECTIONS
        .iter()
        .map(|s| s.as_bytes())
        .filter(|s| flat.starts_with(s) && flat.get(s.len()).is_some_and(u8::is_ascii_uppercase))
        .map(<[u8]>::len)
        .max()?;
    Some(flat.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn ambiguous_prefixes_take_the_kernel_section() {
        for (flat, section, name) in [
            ("IpExtInNoRoutes", "IpExt", "InNoRoutes"),
            ("IpForwarding", "Ip", "Forwarding"),
            ("Ip6InReceives", "Ip6", "InReceives"),
            ("IcmpInMsgs", "Icmp", "InMsgs"),
            ("IcmpMsgInType3", "IcmpMsg", "InType3"),
            ("IcmpMsgOutType133", "IcmpMsg", "OutType133"),
            ("Icmp6InType1", "Icmp6", "InType1"),
            ("Icmp6OutMLDv2Reports", "Icmp6", "OutMLDv2Reports"),
            ("TcpActiveOpens", "Tcp", "ActiveOpens"),
            ("TcpExtListenOverflows", "TcpExt", "ListenOverflows"),
            ("TcpExtTcpTimeoutRehash", "TcpExt", "TcpTimeoutRehash"),
            ("TcpExtTW", "TcpExt", "TW"),
            ("UdpInDatagrams", "Udp", "InDatagrams"),
            ("Udp6InDatagrams", "Udp6", "InDatagrams"),
            ("UdpLiteInErrors", "UdpLite", "InErrors"),
            ("UdpLite6InErrors", "UdpLite6", "InErrors"),
            ("MPTcpExtMPCapableSYNRX", "MPTcpExt", "MPCapableSYNRX"),
            ("SctpCurrEstab", "Sctp", "CurrEstab"),
        ] {
            assert_eq!(split(flat.as_bytes()), Some((section.as_bytes(), name.as_bytes())), "{flat}");
        }
    }

    #[test]
    fn names_without_a_kernel_section_do_not_split() {
        for flat in ["", "Ip", "Ip6", "Ipx", "Tcp6Foo", "TlsCurrTxSw", "ifIndex", "sockets"] {
            assert_eq!(split(flat.as_bytes()), None, "{flat}");
        }
    }
}
