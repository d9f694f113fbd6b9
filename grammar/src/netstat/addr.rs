//! `address:port` as netstat prints it: the port follows the *last* colon, IPv6 is not
//! bracketed in numeric mode, and without `-W` a long address is cut so that the whole
//! value fits 23 columns.

use std::net::IpAddr;

/// The address half of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Host<'a> {
    /// A numeric address (`0.0.0.0` and `::` are the unspecified addresses, not wildcards).
    Ip(IpAddr),
    /// `*`, printed for "any" in non-numeric output.
    Any,
    /// A resolved host name (output taken without `-n`).
    Name(&'a str),
    /// An IPv6 address that netstat cut to fit its column (`fe80::fc:ff:fe00:` of
    /// `fe80::fc:ff:fe00::45694`): kept as the text printed, since it is not an address.
    Truncated(&'a str),
}

/// The port half of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Port<'a> {
    /// A numeric port.
    Number(u16),
    /// `*`: any port (the foreign side of a listener).
    Any,
    /// A service name (output taken without `-n`), e.g. `ssh`.
    Name(&'a str),
}

impl Port<'_> {
    /// The port number, if the port was printed as one.
    pub fn number(&self) -> Option<u16> {
        match self {
            Port::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// One side of a connection: `Local Address` or `Foreign Address`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Endpoint<'a> {
    /// The address.
    pub host: Host<'a>,
    /// The port.
    pub port: Port<'a>,
    /// True when the address may have been cut by netstat (an IPv6 value exactly 23
    /// characters long, the column width without `-W`), even if what is left parses.
    pub maybe_truncated: bool,
}

/// The width netstat cuts `addr:port` to without `-W`.
const CUT_WIDTH: usize = 23;

/// Read one `address:port` value.
///
/// ```
/// use netsift_grammar::netstat::{endpoint, Host, Port};
/// let e = endpoint(b":::22").unwrap();
/// assert_eq!(e.host, Host::Ip("::".parse().unwrap()));
/// assert_eq!(e.port, Port::Number(22));
/// let cut = endpoint(b"fe80::fc:ff:fe00::45694").unwrap();
/// assert_eq!(cut.host, Host::Truncated("fe80::fc:ff:fe00:"));
/// ```
pub fn endpoint(text: &[u8]) -> Result<Endpoint<'_>, &'static str> {
    if let Some(fast) = numeric_ipv4_endpoint(text) {
        return Ok(fast);
    }
    let text = std::str::from_utf8(text).map_err(|_| "an address:port in ASCII")?;
    let colon = text.rfind(':').ok_or("an address:port")?;
    let (host_text, port_text) = (&text[..colon], &text[colon + 1..]);
    let port = match port_text {
        "" => return Err("a port after the colon"),
        "*" => Port::Any,
        p if p.bytes().all(|b| b.is_ascii_digit()) => Port::Number(p.parse().map_err(|_| "a port number up to 65535")?),
        p if p.bytes().all(is_name_byte) => Port::Name(p),
        _ => return Err("a port number or service name"),
    };
    let is_v6_like = host_text.contains(':');
    let host = match host_text {
        "" => return Err("an address before the colon"),
        "*" => Host::Any,
        h => {
            let bare = h.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(h);
            match bare.parse::<IpAddr>() {
                Ok(ip) => Host::Ip(ip),
                Err(_) if is_v6_like && h.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') => {
                    Host::Truncated(h)
                }
                Err(_) if h.bytes().all(is_name_byte) => Host::Name(h),
                Err(_) => return Err("an address"),
            }
        }
    };
    Ok(Endpoint { host, port, maybe_truncated: is_v6_like && text.len() == CUT_WIDTH })
}

/// The commonest endpoint, `a.b.c.d:port` or `a.b.c.d:*` in canonical form (no leading
/// zeros), read straight from the bytes; anything else (`None`) takes the general path,
/// which gives the same answer for these.
fn numeric_ipv4_endpoint(text: &[u8]) -> Option<Endpoint<'_>> {
    let colon = text.iter().rposition(|&b| b == b':')?;
    let ip = crate::lex::canonical_ipv4(&text[..colon])?;
    let port = match &text[colon + 1..] {
        b"*" => Port::Any,
        digits if (1..=5).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit) => {
            let n = digits.iter().fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'));
            Port::Number(u16::try_from(n).ok()?)
        }
        _ => return None,
    };
    Some(Endpoint { host: Host::Ip(IpAddr::V4(ip)), port, maybe_truncated: false })
}

/// Bytes of host and service names as resolvers print them.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+' | b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Host<'static> {
        Host::Ip(s.parse().unwrap())
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(endpoint(b"10.24.1.245:80").unwrap().host, ip("10.24.1.245"));
        assert_eq!(endpoint(b"0.0.0.0:*").unwrap().port, Port::Any);
        assert_eq!(endpoint(b"::1:5432").unwrap().host, ip("::1"));
        let mapped = endpoint(b"::ffff:127.0.0.1:7403").unwrap();
        assert_eq!(mapped.host, ip("::ffff:127.0.0.1"));
        assert_eq!(mapped.port, Port::Number(7403));
        assert_eq!(endpoint(b":::*").unwrap().host, ip("::"));
    }

    proptest::proptest! {
        #[test]
        fn the_ipv4_fast_path_agrees_with_the_general_one(text in "[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}:([0-9]{1,6}|\\*|ssh)") {
            if let Some(fast) = numeric_ipv4_endpoint(text.as_bytes()) {
                let text_str = text.as_str();
                let (host, port) = text_str.rsplit_once(':').unwrap();
                proptest::prop_assert_eq!(fast.host, Host::Ip(host.parse().unwrap()), "{}", text_str);
                let port = if port == "*" { Port::Any } else { Port::Number(port.parse().unwrap()) };
                proptest::prop_assert_eq!(fast.port, port);
            } else {
                // Not canonical, or out of range: the general path decides (and must not
                // read it as a canonical address).
                let general = endpoint(text.as_bytes());
                if let Ok(e) = general {
                    let canonical = matches!(e.host, Host::Ip(ip) if ip.to_string() == text.rsplit_once(':').unwrap().0);
                    let port_ok = matches!(e.port, Port::Any) || matches!(e.port, Port::Number(n) if n.to_string() == text.rsplit_once(':').unwrap().1);
                    proptest::prop_assert!(!(canonical && port_ok), "the fast path missed {}", text);
                }
            }
        }
    }

    #[test]
    fn resolved_forms() {
        let e = endpoint(b"localhost:smtp").unwrap();
        assert_eq!((e.host, e.port), (Host::Name("localhost"), Port::Name("smtp")));
        assert_eq!(endpoint(b"[::]:ssh").unwrap().host, ip("::"));
        assert_eq!(endpoint(b"*:*").unwrap().host, Host::Any);
    }

    #[test]
    fn truncated_ipv6_is_flagged() {
        let e = endpoint(b"fe80::fc:ff:fe00::45694").unwrap();
        assert!(e.maybe_truncated);
        assert_eq!(e.port, Port::Number(45694));
        // Exactly 23 wide and still an address: parsed, but flagged.
        let e = endpoint(b"2001:db8:1:2:3:4:5:6:22").unwrap();
        assert!(e.maybe_truncated);
        assert!(matches!(e.host, Host::Ip(_)));
        assert!(!endpoint(b"::1:22").unwrap().maybe_truncated);
    }

    #[test]
    fn errors() {
        assert_eq!(endpoint(b"0.0.0.0"), Err("an address:port"));
        assert_eq!(endpoint(b"1.2.3.4:"), Err("a port after the colon"));
        assert_eq!(endpoint(b"1.2.3.4:99999"), Err("a port number up to 65535"));
        assert_eq!(endpoint(b":22"), Err("an address before the colon"));
        assert!(endpoint(b"\xff:22").is_err());
        assert_eq!(endpoint(b"0.0.0.0:22\0"), Err("a port number or service name"));
        assert_eq!(endpoint(b"host\0name:22"), Err("an address"));
    }
}
