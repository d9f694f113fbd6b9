//! The `Local Address:Port` and `Peer Address:Port` columns.
//!
//! What ss prints there depends on the socket family, not on the column:
//!
//! ```text
//! inet     0.0.0.0:22   *:22   [::]:22   :::22   [::1]:631   ::1:631   [::ffff:127.0.0.1]:45680
//!          [fe80::1]%eth0:45694   127.0.0.53%lo:53   *%eth0:45695   *:*   127.0.0.1:http
//! unix     /run/x.sock 8727   @abstract name 19071   * 19080        (path or `*`, blank, inode)
//! netlink  rtnl:kernel   tcpdiag:ss/9117   0:5517   peer `*` or `group:pid`
//! packet   LLDP:ens33   *:ens33   peer `*`
//! vsock    999900439:1023   peer 0:976     tipc  node:ref, peer `-`     xdp  eth0:q0
//! ```
//!
//! The port of an inet endpoint follows the *last* colon (unbracketed IPv6 before iproute2
//! 4.13 has colons of its own); an interface name follows the first `%` after the address.

use std::net::IpAddr;

use crate::lex::{all_digits, parse_u64};

/// The address half of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Host<'a> {
    /// A numeric address. `0.0.0.0` and `[::]` are the unspecified addresses of v4-only and
    /// v6-only sockets (iproute2 ≥ 4.14), not wildcards.
    Ip(IpAddr),
    /// `*`: any address (a dual-stack socket since 4.14, any IPv4 socket before), or no
    /// address at all (unnamed unix socket, the peer of a netlink or packet socket).
    Any,
    /// A name: a resolved host name (output taken without `-n`), a netlink protocol
    /// (`rtnl`), a packet protocol (`LLDP`) or an XDP interface.
    Name(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
    /// A unix socket path, or an abstract name starting with `@`, as printed (with its
    /// blanks, and with each NUL of an abstract name printed as `@`).
    Path(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
    /// Anything else: a vsock CID, a TIPC node, a numeric netlink protocol, `?` (unix peer
    /// not found), `-` (unconnected TIPC peer), a bracketed value that is not an address.
    Other(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

/// The port half of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Port<'a> {
    /// A number that fits 16 bits (inet ports; small netlink port ids and vsock ports).
    Number(u16),
    /// `*`: any port.
    Any,
    /// Anything else: a service name (`http`, `ipv6-icmp`, output taken without `-n`), a
    /// netlink port id (`kernel`, `dockerd/1220`, `-4127`), a packet socket's interface,
    /// an XDP queue (`q0`), or a vsock/TIPC number that does not fit 16 bits.
    Name(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

impl Port<'_> {
    /// The port number, if the port was printed as one that fits 16 bits.
    pub fn number(&self) -> Option<u16> {
        match self {
            Port::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// One side of a socket, typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Endpoint<'a> {
    /// The address, path or name.
    pub host: Host<'a>,
    /// The interface after `%` (`[fe80::1]%eth0:22`, `127.0.0.53%lo:53`): the scope of a
    /// link-local address or the device a socket is bound to. Local side only.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::opt_bytes"))]
    pub iface: Option<&'a [u8]>,
    /// The port; `None` for unix sockets (see `inode`) and for a bare `*`.
    pub port: Option<Port<'a>>,
    /// The inode printed after a unix address (the socket's own inode on the local side,
    /// its peer's on the peer side, `0` for none). `None` for other families.
    pub inode: Option<u64>,
}

/// How the endpoints of a row are printed, from its netid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    /// `addr[%iface]:port`, one word each side.
    Inet,
    /// `path inode` pairs; the path may hold blanks.
    Unix,
    /// `proto:portid`, where the port id may hold a process name with blanks.
    Netlink,
    /// Any other family, or a row whose netid we do not know: one word each side, read
    /// leniently.
    Other,
}

/// Read an inet endpoint: `addr[%iface]:port`.
///
/// ```
/// use netsift_grammar::ss::{endpoint, Host, Port};
/// let e = endpoint(b"[fe80::fc:ff:fe00:1]%eth0:45694").unwrap();
/// assert_eq!(e.host, Host::Ip("fe80::fc:ff:fe00:1".parse().unwrap()));
/// assert_eq!(e.iface, Some(&b"eth0"[..]));
/// assert_eq!(e.port, Some(Port::Number(45694)));
/// assert_eq!(endpoint(b":::22").unwrap().host, Host::Ip("::".parse().unwrap()));
/// assert_eq!(endpoint(b"*:*").unwrap().port, Some(Port::Any));
/// ```
pub fn endpoint(text: &[u8]) -> Result<Endpoint<'_>, &'static str> {
    let colon = text.iter().rposition(|&b| b == b':').ok_or("an address:port")?;
    let (host_text, port_text) = (&text[..colon], &text[colon + 1..]);
    let port = match port_text {
        b"" => return Err("a port after the colon"),
        b"*" => Port::Any,
        p if all_digits(p) => {
            Port::Number(parse_u64(p).and_then(|v| u16::try_from(v).ok()).ok_or("a port number up to 65535")?)
        }
        p => Port::Name(p),
    };
    let (host_text, iface) = split_iface(host_text);
    if host_text.is_empty() {
        return Err("an address before the colon");
    }
    if iface == Some(&b""[..]) {
        return Err("an interface name after `%`");
    }
    Ok(Endpoint { host: host(host_text), iface, port: Some(port), inode: None })
}

/// Read one endpoint word of a family we have no strict grammar for (packet, vsock, tipc,
/// xdp, unknown netids). Never fails: what does not fit is kept as [`Host::Other`].
pub(super) fn lenient_endpoint(text: &[u8]) -> Endpoint<'_> {
    let bare = Endpoint { host: Host::Any, iface: None, port: None, inode: None };
    if text == b"*" {
        return bare;
    }
    let Some(colon) = text.iter().rposition(|&b| b == b':') else {
        return Endpoint { host: Host::Other(text), ..bare };
    };
    let (host_text, iface) = split_iface(&text[..colon]);
    let host = if all_digits(host_text) { Host::Other(host_text) } else { host(host_text) };
    Endpoint { host, iface, port: Some(lenient_port(&text[colon + 1..])), inode: None }
}

/// The local side of a netlink socket: `proto:portid`, where the port id is `kernel`, `*`,
/// a number, or `comm/pid` (and `comm` may hold blanks and colons).
pub(super) fn netlink_endpoint(text: &[u8]) -> Endpoint<'_> {
    let Some(colon) = text.iter().position(|&b| b == b':') else {
        return lenient_endpoint(text);
    };
    let proto = &text[..colon];
    let host = if all_digits(proto) { Host::Other(proto) } else { Host::Name(proto) };
    Endpoint { host, iface: None, port: Some(lenient_port(&text[colon + 1..])), inode: None }
}

/// A unix endpoint from its two parts: the name (`*`, `?`, a path, `@abstract`) and the
/// inode text.
pub(super) fn unix_endpoint<'a>(name: &'a [u8], inode_text: &[u8]) -> Result<Endpoint<'a>, &'static str> {
    let host = match name {
        b"*" => Host::Any,
        b"?" => Host::Other(name),
        path => Host::Path(path),
    };
    let inode = unix_inode(inode_text).ok_or("an inode number")?;
    Ok(Endpoint { host, iface: None, port: None, inode: Some(inode) })
}

/// True for the text ss prints as a unix inode: digits, or a negative number (before
/// iproute2 6.6 the inode was printed signed, so inodes above 2³¹ appear negative).
pub(super) fn is_unix_inode(text: &[u8]) -> bool {
    unix_inode(text).is_some()
}

/// True for what ss prints as the peer name of a unix socket: `*` (always, when read
/// through netlink), `?` or a blank-free path (read from `/proc/net/unix`).
pub(super) fn is_unix_peer_name(text: &[u8]) -> bool {
    matches!(text, b"*" | b"?") || matches!(text.first(), Some(b'/' | b'@'))
}

/// True for the peer of a netlink socket: `*`, or `group:pid` when connected.
pub(super) fn is_netlink_peer(text: &[u8]) -> bool {
    if text == b"*" {
        return true;
    }
    let Some(colon) = text.iter().position(|&b| b == b':') else {
        return false;
    };
    let signed = |t: &[u8]| all_digits(t.strip_prefix(b"-").unwrap_or(t));
    signed(&text[..colon]) && signed(&text[colon + 1..])
}

/// The inode value: `-N` is the 32-bit value ss printed as a signed number.
fn unix_inode(text: &[u8]) -> Option<u64> {
    match text.strip_prefix(b"-") {
        Some(magnitude) => {
            let v = parse_u64(magnitude)?;
            (1..=1u64 << 31).contains(&v).then(|| (1u64 << 32) - v)
        }
        None => parse_u64(text),
    }
}

fn lenient_port(text: &[u8]) -> Port<'_> {
    match text {
        b"*" => Port::Any,
        p => match parse_u64(p).and_then(|v| u16::try_from(v).ok()) {
            Some(n) => Port::Number(n),
            None => Port::Name(p),
        },
    }
}

/// Split `addr%iface`: the interface follows the first `%` after the address (after the
/// closing bracket of a bracketed one). Addresses never hold a `%`; interface names may.
fn split_iface(text: &[u8]) -> (&[u8], Option<&[u8]>) {
    let from = if text.first() == Some(&b'[') {
        text.iter().position(|&b| b == b']').map_or(text.len(), |p| p + 1)
    } else {
        0
    };
    match text[from..].iter().position(|&b| b == b'%') {
        Some(p) => (&text[..from + p], Some(&text[from + p + 1..])),
        None => (text, None),
    }
}

fn host(text: &[u8]) -> Host<'_> {
    if text == b"*" {
        return Host::Any;
    }
    let bracketed = text.strip_prefix(b"[").and_then(|t| t.strip_suffix(b"]"));
    let bare = bracketed.unwrap_or(text);
    match crate::lex::ip_addr(bare) {
        Some(ip) => Host::Ip(ip),
        None if bracketed.is_some() => Host::Other(text),
        None => Host::Name(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Host<'static> {
        Host::Ip(s.parse().unwrap())
    }

    fn parts(text: &[u8]) -> (Host<'_>, Option<&[u8]>, Option<Port<'_>>) {
        let e = endpoint(text).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(text)));
        (e.host, e.iface, e.port)
    }

    #[test]
    fn every_inet_form_across_versions() {
        assert_eq!(parts(b"0.0.0.0:22"), (ip("0.0.0.0"), None, Some(Port::Number(22))));
        assert_eq!(parts(b"*:22"), (Host::Any, None, Some(Port::Number(22))));
        assert_eq!(parts(b"[::]:22"), (ip("::"), None, Some(Port::Number(22))));
        assert_eq!(parts(b":::22"), (ip("::"), None, Some(Port::Number(22))));
        assert_eq!(parts(b"[::1]:631"), (ip("::1"), None, Some(Port::Number(631))));
        assert_eq!(parts(b"::1:631"), (ip("::1"), None, Some(Port::Number(631))));
        assert_eq!(parts(b"[::ffff:127.0.0.1]:45680"), (ip("::ffff:127.0.0.1"), None, Some(Port::Number(45680))));
        assert_eq!(parts(b"::ffff:127.0.0.5:33277"), (ip("::ffff:127.0.0.5"), None, Some(Port::Number(33277))));
        assert_eq!(parts(b"[fe80::1]%eth0:45694"), (ip("fe80::1"), Some(&b"eth0"[..]), Some(Port::Number(45694))));
        assert_eq!(parts(b"127.0.0.53%lo:53"), (ip("127.0.0.53"), Some(&b"lo"[..]), Some(Port::Number(53))));
        assert_eq!(parts(b"*%eth0:45695"), (Host::Any, Some(&b"eth0"[..]), Some(Port::Number(45695))));
        assert_eq!(parts(b"0.0.0.0%virbr0:67"), (ip("0.0.0.0"), Some(&b"virbr0"[..]), Some(Port::Number(67))));
        assert_eq!(parts(b"[::]:*"), (ip("::"), None, Some(Port::Any)));
        assert_eq!(parts(b":::*"), (ip("::"), None, Some(Port::Any)));
    }

    #[test]
    fn names_when_taken_without_n() {
        assert_eq!(parts(b"127.0.0.1:http"), (ip("127.0.0.1"), None, Some(Port::Name(b"http"))));
        assert_eq!(parts(b"[::]:ipv6-icmp"), (ip("::"), None, Some(Port::Name(b"ipv6-icmp"))));
        assert_eq!(parts(b"*%ens33:ipv6-icmp"), (Host::Any, Some(&b"ens33"[..]), Some(Port::Name(b"ipv6-icmp"))));
        assert_eq!(parts(b"127.0.0.53%lo:domain").2, Some(Port::Name(b"domain")));
        assert_eq!(parts(b"localhost:smtp").0, Host::Name(b"localhost"));
        assert_eq!(parts(b"[not-an-ip]:1").0, Host::Other(b"[not-an-ip]"));
    }

    #[test]
    fn inet_errors() {
        assert_eq!(endpoint(b"0.0.0.0"), Err("an address:port"));
        assert_eq!(endpoint(b"1.2.3.4:"), Err("a port after the colon"));
        assert_eq!(endpoint(b"1.2.3.4:65536"), Err("a port number up to 65535"));
        assert_eq!(endpoint(b":22"), Err("an address before the colon"));
        assert_eq!(endpoint(b"1.2.3.4%:22"), Err("an interface name after `%`"));
    }

    #[test]
    fn other_families() {
        let e = lenient_endpoint(b"LLDP:ens33");
        assert_eq!((e.host, e.port), (Host::Name(b"LLDP"), Some(Port::Name(b"ens33"))));
        let e = lenient_endpoint(b"*:ens33");
        assert_eq!((e.host, e.port), (Host::Any, Some(Port::Name(b"ens33"))));
        let e = lenient_endpoint(b"999900439:1023");
        assert_eq!((e.host, e.port), (Host::Other(b"999900439"), Some(Port::Number(1023))));
        let e = lenient_endpoint(b"0:4294967295");
        assert_eq!(e.port, Some(Port::Name(b"4294967295")));
        assert_eq!(lenient_endpoint(b"*"), Endpoint { host: Host::Any, iface: None, port: None, inode: None });
        assert_eq!(lenient_endpoint(b"-").host, Host::Other(b"-"));
        let e = netlink_endpoint(b"rtnl:dockerd-current/1220");
        assert_eq!((e.host, e.port), (Host::Name(b"rtnl"), Some(Port::Name(b"dockerd-current/1220"))));
        let e = netlink_endpoint(b"4:5517");
        assert_eq!((e.host, e.port), (Host::Other(b"4"), Some(Port::Number(5517))));
        let e = netlink_endpoint(b"rtnl:zoo worker: a/12");
        assert_eq!(e.port, Some(Port::Name(b"zoo worker: a/12")));
        assert!(is_netlink_peer(b"*") && is_netlink_peer(b"0:-4127") && !is_netlink_peer(b"sk=0"));
    }

    #[test]
    fn unix_parts_and_signed_inodes() {
        let e = unix_endpoint(b"/tmp/dir with space.sock", b"8730").unwrap();
        assert_eq!((e.host, e.inode), (Host::Path(b"/tmp/dir with space.sock"), Some(8730)));
        assert_eq!(unix_endpoint(b"*", b"0").unwrap().host, Host::Any);
        assert_eq!(unix_endpoint(b"*", b"-576908242").unwrap().inode, Some(3_718_059_054));
        assert_eq!(unix_endpoint(b"*", b"-1").unwrap().inode, Some(u64::from(u32::MAX)));
        assert!(unix_endpoint(b"*", b"-0").is_err());
        assert!(unix_endpoint(b"*", b"-2147483649").is_err());
        assert!(unix_endpoint(b"*", b"x").is_err());
        assert!(is_unix_peer_name(b"@x") && is_unix_peer_name(b"?") && !is_unix_peer_name(b"0"));
    }
}
