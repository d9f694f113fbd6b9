//! IP addresses read from bytes, as the standard library reads them from text (`core::net`'s
//! parser), without the UTF-8 check and the parser's generic machinery that made std's
//! reader the largest single cost of a row: the one address reader of the hand-written row
//! readers (`netstat/fast.rs`, `ss/fast.rs`), proven equal to std by the tests below.

use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv6 address read as the standard library reads one (`core::net`'s parser: groups
/// of one to four hex digits, one `::` standing for at least one zero group, a dotted
/// quad in the last two groups), from bytes.
pub(crate) fn ipv6(text: &[u8]) -> Option<Ipv6Addr> {
    let mut head = [0u16; 8];
    let mut pos = 0;
    let (head_size, head_v4) = groups(text, &mut pos, &mut head);
    if head_size == 8 {
        return (pos == text.len()).then(|| head.into());
    }
    if head_v4 || text.get(pos..pos + 2) != Some(b"::") {
        return None;
    }
    pos += 2;
    let mut tail = [0u16; 7];
    let limit = 8 - (head_size + 1);
    let (tail_size, _) = groups(text, &mut pos, &mut tail[..limit]);
    if pos != text.len() {
        return None;
    }
    head[8 - tail_size..].copy_from_slice(&tail[..tail_size]);
    Some(head.into())
}

/// Read up to `out.len()` colon-separated groups from `text[*pos..]` (the first without a
/// colon before it), a dotted quad counting for two when at least two are left. Returns
/// how many were read and whether the last was a dotted quad; `*pos` is after the last
/// group read (a colon that no group follows is left unread).
#[inline(always)]
fn groups(text: &[u8], pos: &mut usize, out: &mut [u16]) -> (usize, bool) {
    let limit = out.len();
    for i in 0..limit {
        let start = if i == 0 {
            *pos
        } else if text.get(*pos) == Some(&b':') {
            *pos + 1
        } else {
            return (i, false);
        };
        // Up to four hex digits; a dotted quad needs a `.` after its first one to three
        // decimal digits.
        let mut value = 0u16;
        let mut end = start;
        let mut decimal = true;
        while end - start < 4 {
            let Some(&b) = text.get(end) else { break };
            let d = HEX[usize::from(b)];
            if d > 15 {
                break;
            }
            decimal &= d < 10;
            value = (value << 4) | u16::from(d);
            end += 1;
        }
        let quad = decimal && end > start && end - start <= 3 && text.get(end) == Some(&b'.');
        if i + 1 < limit && quad {
            if let Some((v4, len)) = ipv4_prefix(&text[start..]) {
                let [a, b, c, d] = v4.octets();
                out[i] = u16::from_be_bytes([a, b]);
                out[i + 1] = u16::from_be_bytes([c, d]);
                *pos = start + len;
                return (i + 2, true);
            }
        }
        if end == start {
            return (i, false);
        }
        out[i] = value;
        *pos = end;
    }
    (limit, false)
}

/// The value of each hex digit byte; 0xff for the other bytes (one load per byte instead
/// of three range tests).
static HEX: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => 0xff,
        };
        b += 1;
    }
    table
};

/// A dotted quad at the start of `text` (each octet as `core::net` reads it: one to three
/// digits, no leading zero, at most 255), and its length.
#[inline]
pub(crate) fn ipv4_prefix(text: &[u8]) -> Option<(Ipv4Addr, usize)> {
    ipv4_at(text, 0)
}

/// [`ipv4_prefix`] at `text[at..]`: the address and where it ends.
#[inline(always)]
pub(crate) fn ipv4_at(text: &[u8], at: usize) -> Option<(Ipv4Addr, usize)> {
    let (a, i) = octet(text, at)?;
    let (b, i) = octet(text, dot(text, i)?)?;
    let (c, i) = octet(text, dot(text, i)?)?;
    let (d, i) = octet(text, dot(text, i)?)?;
    Some((Ipv4Addr::new(a, b, c, d), i))
}

#[inline(always)]
fn dot(text: &[u8], at: usize) -> Option<usize> {
    (text.get(at) == Some(&b'.')).then_some(at + 1)
}

/// One octet at `text[at..]` and where it ends.
#[inline(always)]
fn octet(text: &[u8], at: usize) -> Option<(u8, usize)> {
    let d0 = digit(text.get(at))?;
    let Some(d1) = digit(text.get(at + 1)) else { return Some((d0, at + 1)) };
    if d0 == 0 {
        return None;
    }
    let Some(d2) = digit(text.get(at + 2)) else { return Some((d0 * 10 + d1, at + 2)) };
    let value = u16::from(d0) * 100 + u16::from(d1) * 10 + u16::from(d2);
    Some((u8::try_from(value).ok()?, at + 3))
}

/// A whole `text` that is a dotted quad, as [`Ipv4Addr`]'s parser reads one.
#[inline]
pub(crate) fn ipv4(text: &[u8]) -> Option<Ipv4Addr> {
    ipv4_prefix(text).and_then(|(v4, len)| (len == text.len()).then_some(v4))
}

/// One decimal digit.
#[inline(always)]
fn digit(b: Option<&u8>) -> Option<u8> {
    let d = b?.wrapping_sub(b'0');
    (d <= 9).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ipv6_as_std_reads_it() {
        for text in [
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "::ffff:1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1.2.3.4",
            "::1.2.3.04",
            "fe80::FC:ff:fe00:1",
            ":::",
            "1:::2",
            "12345::",
            "::1:2:3:4:5:6:7",
            "1:2:3:4::5:6:7:8",
            "::0.0.0.0",
            "1::2::3",
            "",
            ":",
            "1:",
            ":1",
            "fd00::ab:cd",
            "1::2:3",
            "::01.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "1:2:3:4:5:6::1.2.3.4",
            "::1:2:3:4:5:6:1.2.3.4",
            "ABCD::Ef",
            ":1::",
            "::1.2.3",
        ] {
            assert_eq!(ipv6(text.as_bytes()), text.parse::<Ipv6Addr>().ok(), "{text}");
        }
    }

    proptest! {
        #[test]
        fn ipv6_matches_std(text in "[0-9a-fA-F:.]{0,24}") {
            prop_assert_eq!(ipv6(text.as_bytes()), text.parse::<Ipv6Addr>().ok());
        }

        #[test]
        fn ipv6_of_real_addresses_matches_std(segments in proptest::array::uniform8(prop_oneof![Just(0u16), any::<u16>()]), v4 in any::<bool>()) {
            let addr = Ipv6Addr::from(segments);
            let text = if v4 { format!("::ffff:{}", Ipv4Addr::from(u32::from(segments[7]) << 16 | u32::from(segments[6]))) } else { addr.to_string() };
            prop_assert_eq!(ipv6(text.as_bytes()), text.parse::<Ipv6Addr>().ok());
        }
    }

    #[test]
    fn ipv4_as_std_reads_it() {
        for text in
            ["0.0.0.0", "1.2.3.4", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.4 ", ""]
        {
            assert_eq!(ipv4(text.as_bytes()), text.parse::<Ipv4Addr>().ok(), "{text}");
        }
    }

    proptest! {
        #[test]
        fn ipv4_matches_std(text in "[0-9.]{0,16}") {
            prop_assert_eq!(ipv4(text.as_bytes()), text.parse::<Ipv4Addr>().ok());
        }
    }
}
