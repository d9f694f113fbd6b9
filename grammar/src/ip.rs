//! IP addresses read from bytes, as the standard library reads them from text (`core::net`'s
//! parser), without the UTF-8 check and the parser's generic machinery that made std's
//! reader the largest single cost of a row: the one address reader of the hand-written row
//! readers (`netstat/fast.rs`, `ss/fast.rs`), proven equal to std by the tests below.

use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv6 address read as the standard library reads one (`core::net`'s parser: groups
/// of one to four hex digits, one `::` standing for at least one zero group, a dotted
/// quad in the last two groups), from bytes.
///
/// One pass from the left: each group is read where it lies and stored, and the groups
/// after a `::` are moved to the end once the count is known (std reads the head and the
/// tail as two group lists; the rules below give the same answer on every text, as the
/// proptests against std check):
///
/// - at most eight groups, at most seven with a `::` (it stands for one zero group at
///   least), one `::` only;
/// - a group is followed by `:`, `::`, or the end; a single `:` must be followed by a group;
/// - a dotted quad is the last thing in the text and needs two groups of room; its first
///   octet is what a group's first one to three decimal digits would be, so it is tried
///   where a group's digits stop at a `.` (any other `.` fails the text, in std as here).
pub(crate) fn ipv6(text: &[u8]) -> Option<Ipv6Addr> {
    let len = text.len();
    let mut g = [0u16; 8];
    let mut n = 0usize;
    let mut gap = None;
    let mut i = 0;
    if text.starts_with(b"::") {
        if len == 2 {
            return Some(Ipv6Addr::UNSPECIFIED);
        }
        gap = Some(0);
        i = 2;
    }
    loop {
        let start = i;
        let mut value = 0u16;
        let mut decimal = true;
        while i < len && i - start < 4 {
            let d = HEX[usize::from(text[i])];
            if d > 15 {
                break;
            }
            decimal &= d < 10;
            value = (value << 4) | u16::from(d);
            i += 1;
        }
        if i == start {
            return None;
        }
        if i < len && text[i] == b'.' {
            if !decimal || i - start > 3 || n + 2 > 8 {
                return None;
            }
            let (v4, end) = ipv4_at(text, start)?;
            if end != len {
                return None;
            }
            let [a, b, c, d] = v4.octets();
            g[n] = u16::from_be_bytes([a, b]);
            g[n + 1] = u16::from_be_bytes([c, d]);
            n += 2;
            break;
        }
        if n == 8 {
            return None;
        }
        g[n] = value;
        n += 1;
        if i == len {
            break;
        }
        if text[i] != b':' {
            return None;
        }
        i += 1;
        if i < len && text[i] == b':' {
            if gap.is_some() {
                return None;
            }
            gap = Some(n);
            i += 1;
            if i == len {
                break;
            }
        }
    }
    match gap {
        None if n == 8 => Some(g.into()),
        Some(at) if n <= 7 => {
            let tail = n - at;
            g.copy_within(at..n, 8 - tail);
            g[at..8 - tail].fill(0);
            Some(g.into())
        }
        _ => None,
    }
}

/// What ends a netstat endpoint: a blank, the line's `\n`, or the end of the text.
#[inline(always)]
fn ends_word(text: &[u8], i: usize) -> bool {
    text.get(i).is_none_or(|&b| matches!(b, b' ' | b'\t' | b'\n'))
}

/// `addr:port` as netstat prints an IPv6 endpoint (no brackets, the port after the *last*
/// colon) at `text[at..]`, up to a blank, `\n` or the end, read once from the left: the
/// address, the port (`None` for `*`) and where the word ends. The address is the one
/// [`ipv6`] reads from the text before the last colon, by the same counting rules; the
/// port is `*` or one to five digits that fit 16 bits. `None` for anything else (a
/// service name, a longer port, a scope, a cut address), which the caller reads the
/// general way: this reader only ever gives what splitting at the last colon gives.
///
/// Each run of up to five hex digits is one token: followed by a colon it is a group
/// (four digits at most); followed by the word's end it is the port, which must come
/// after a single colon (a host that ends `x:` is no address); a `:` where a token should
/// start, just after `::`, is the port's colon (`:::*`, `1:::22`). A dotted quad ends the
/// address and needs two groups of room.
#[inline]
pub(crate) fn ipv6_port_at(text: &[u8], at: usize) -> Option<(Ipv6Addr, Option<u16>, usize)> {
    // The groups read so far, the first in the highest bits.
    let mut groups: u128 = 0;
    let mut n = 0usize;
    let mut gap = None;
    let mut i = at;
    // Whether the separator before position `i` was `::` (then a `:` there is the port's).
    let mut after_gap = false;
    if text.get(i..i + 2) == Some(b"::") {
        gap = Some(0);
        i += 2;
        after_gap = true;
    }
    let port_at = loop {
        let start = i;
        let mut value = 0u16;
        let mut decimal = true;
        while i - start < 5 {
            let Some(&b) = text.get(i) else { break };
            let d = HEX[usize::from(b)];
            if d > 15 {
                break;
            }
            decimal &= d < 10;
            value = (value << 4) | u16::from(d);
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            // The port's colon right after `::`, or `*` after a single colon.
            match text.get(i) {
                Some(b':') if after_gap => break i + 1,
                Some(b'*') if !after_gap && n > 0 => break start,
                _ => return None,
            }
        }
        match text.get(i) {
            Some(b':') => {
                if digits > 4 || n == 8 {
                    return None;
                }
                groups = (groups << 16) | u128::from(value);
                n += 1;
                i += 1;
                after_gap = text.get(i) == Some(&b':');
                if after_gap {
                    if gap.is_some() {
                        return None;
                    }
                    gap = Some(n);
                    i += 1;
                }
            }
            Some(b'.') => {
                if !decimal || digits > 3 || n + 2 > 8 {
                    return None;
                }
                let (v4, end) = ipv4_at(text, start)?;
                if text.get(end) != Some(&b':') {
                    return None;
                }
                groups = (groups << 32) | u128::from(u32::from(v4));
                n += 2;
                break end + 1;
            }
            // This token is the port: it follows a single colon.
            _ if ends_word(text, i) => {
                if after_gap || n == 0 {
                    return None;
                }
                break start;
            }
            _ => return None,
        }
    };
    // The port: `*`, or one to five digits, then the word's end.
    let (port, end) = if text.get(port_at) == Some(&b'*') {
        (None, port_at + 1)
    } else {
        let mut value = 0u32;
        let mut j = port_at;
        while let Some(d) = text.get(j).map(|&b| b.wrapping_sub(b'0')).filter(|&d| d <= 9) {
            if j - port_at == 5 {
                return None;
            }
            value = value * 10 + u32::from(d);
            j += 1;
        }
        if j == port_at {
            return None;
        }
        (Some(u16::try_from(value).ok()?), j)
    };
    if !ends_word(text, end) {
        return None;
    }
    let addr = match gap {
        None if n == 8 => groups.into(),
        Some(at) if n <= 7 => {
            // The groups after the `::` stay at the end, those before it move to the top.
            let tail_bits = 16 * (n - at) as u32;
            let tail = groups & ((1u128 << tail_bits) - 1);
            let head = (groups >> tail_bits).checked_shl(16 * (8 - at) as u32).unwrap_or(0);
            (head | tail).into()
        }
        _ => return None,
    };
    Some((addr, port, end))
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
    // A dotted quad and the byte after it fit in 16 bytes: where the text holds them,
    // read without a length check per byte.
    if let Some(window) = text.get(at..at + 16).and_then(|w| <&[u8; 16]>::try_from(w).ok()) {
        return ipv4_in(window).map(|(v4, len)| (v4, at + len));
    }
    ipv4_bytes(text, at)
}

/// [`ipv4_at`] byte by byte, each byte's presence checked (the text's last 15 bytes).
#[inline(always)]
fn ipv4_bytes(text: &[u8], at: usize) -> Option<(Ipv4Addr, usize)> {
    let (a, i) = octet(text, at)?;
    let (b, i) = octet(text, dot(text, i)?)?;
    let (c, i) = octet(text, dot(text, i)?)?;
    let (d, i) = octet(text, dot(text, i)?)?;
    Some((Ipv4Addr::new(a, b, c, d), i))
}

/// [`ipv4_prefix`] of a 16-byte window (no quad is longer than 15 bytes): each octet as
/// [`octet`] reads it; the indexes stay below 15, the mask only spares the bounds checks.
#[inline(always)]
fn ipv4_in(b: &[u8; 16]) -> Option<(Ipv4Addr, usize)> {
    let mut octets = [0u8; 4];
    let mut i = 0;
    for (k, octet) in octets.iter_mut().enumerate() {
        if k > 0 {
            if b[i & 15] != b'.' {
                return None;
            }
            i += 1;
        }
        let d0 = b[i & 15].wrapping_sub(b'0');
        if d0 > 9 {
            return None;
        }
        let d1 = b[(i + 1) & 15].wrapping_sub(b'0');
        if d1 > 9 {
            *octet = d0;
            i += 1;
            continue;
        }
        if d0 == 0 {
            return None;
        }
        let d2 = b[(i + 2) & 15].wrapping_sub(b'0');
        if d2 > 9 {
            *octet = d0 * 10 + d1;
            i += 2;
            continue;
        }
        *octet = u8::try_from(u16::from(d0) * 100 + u16::from(d1) * 10 + u16::from(d2)).ok()?;
        i += 3;
    }
    Some((Ipv4Addr::from(octets), i))
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

        /// Texts built of groups, colons and dotted quads, the shapes where the group
        /// counting rules (room for a quad, one `::`, at most seven groups beside it) decide.
        #[test]
        fn ipv6_of_group_shapes_matches_std(parts in proptest::collection::vec(prop_oneof![
            4 => "[0-9a-fA-F]{1,5}",
            3 => Just(":".to_string()),
            2 => Just("::".to_string()),
            1 => "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})",
            1 => Just(".".to_string()),
        ], 0..18)) {
            let text = parts.concat();
            prop_assert_eq!(ipv6(text.as_bytes()), text.parse::<Ipv6Addr>().ok(), "{}", text);
        }

        #[test]
        fn ipv6_of_real_addresses_matches_std(segments in proptest::array::uniform8(prop_oneof![Just(0u16), any::<u16>()]), v4 in any::<bool>()) {
            let addr = Ipv6Addr::from(segments);
            let text = if v4 { format!("::ffff:{}", Ipv4Addr::from(u32::from(segments[7]) << 16 | u32::from(segments[6]))) } else { addr.to_string() };
            prop_assert_eq!(ipv6(text.as_bytes()), text.parse::<Ipv6Addr>().ok());
        }
    }

    /// `addr:port` split at the last colon of the word, the host read by [`ipv6`]: what
    /// [`ipv6_port_at`] must give whenever it gives anything.
    fn split_at_last_colon(text: &[u8]) -> Option<(Ipv6Addr, Option<u16>, usize)> {
        let end = text.iter().position(|&b| matches!(b, b' ' | b'\t' | b'\n')).unwrap_or(text.len());
        let word = &text[..end];
        let colon = word.iter().rposition(|&b| b == b':')?;
        let addr = ipv6(&word[..colon])?;
        let port = match &word[colon + 1..] {
            b"*" => None,
            p if (1..=5).contains(&p.len()) && p.iter().all(u8::is_ascii_digit) => {
                Some(std::str::from_utf8(p).ok()?.parse::<u16>().ok()?)
            }
            _ => return None,
        };
        Some((addr, port, end))
    }

    #[test]
    fn ipv6_endpoints_as_split_at_the_last_colon() {
        for text in [
            ":::*",
            "::1:22",
            ":::22",
            "1:::22",
            "::ffff:1.2.3.4:5",
            "fd00::2992:484:21484",
            "::ffff:10.1.2.3:51234 x",
            "1:2:3:4:5:6:7:8:65535",
            "1:2:3:4:5:6:7:8:65536",
            "::1:ab",
            "::1:22a",
            "1::*",
            "::22",
            "1:2:",
            "1::2::3:4",
            "fe80::1%eth0:22",
            "::",
            "*:*",
            "1.2.3.4:5",
            "::1:00022",
            "::1:000022",
            "1:2:3:4:5:6:7:1.2.3.4:5",
            "::1.2.3.4",
            "12345::1:2",
            "::1:*\n",
            "::1:2\t",
            "1:2:3:4:5:6:7::22",
        ] {
            let fast = ipv6_port_at(text.as_bytes(), 0);
            assert!(fast.is_none() || fast == split_at_last_colon(text.as_bytes()), "{text}: {fast:?}");
        }
        // The forms netstat prints are all read.
        for text in [":::*", "::1:22", "::ffff:1.2.3.4:5", "fd00::2992:484:21484", "1:2:3:4:5:6:7:8:80", "1:::22"] {
            assert_eq!(ipv6_port_at(text.as_bytes(), 0), split_at_last_colon(text.as_bytes()), "{text}");
            assert!(ipv6_port_at(text.as_bytes(), 0).is_some(), "{text}");
        }
        // Read where it lies in a longer text, to the word's end.
        assert_eq!(ipv6_port_at(b"tcp ::1:22  x", 4), Some((Ipv6Addr::LOCALHOST, Some(22), 10)));
    }

    proptest! {
        #[test]
        fn ipv6_endpoints_match_the_split(parts in proptest::collection::vec(prop_oneof![
            4 => "[0-9a-fA-F]{1,6}",
            3 => Just(":".to_string()),
            2 => Just("::".to_string()),
            1 => Just(":*".to_string()),
            1 => "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})",
            1 => prop_oneof![Just("."), Just(" "), Just("\n"), Just("%"), Just("*"), Just("x")].prop_map(str::to_string),
        ], 0..18)) {
            let text = parts.concat();
            let fast = ipv6_port_at(text.as_bytes(), 0);
            if fast.is_some() {
                prop_assert_eq!(fast, split_at_last_colon(text.as_bytes()), "{}", text);
            }
        }

        #[test]
        fn real_ipv6_endpoints_are_read(segments in proptest::array::uniform8(prop_oneof![Just(0u16), any::<u16>()]), v4 in any::<bool>(), port in proptest::option::of(any::<u16>())) {
            let addr = Ipv6Addr::from(segments);
            let host = if v4 { format!("::ffff:{}", Ipv4Addr::from(u32::from(segments[7]) << 16 | u32::from(segments[6]))) } else { addr.to_string() };
            let text = format!("{host}:{}", port.map_or("*".to_string(), |p| p.to_string()));
            let fast = ipv6_port_at(text.as_bytes(), 0);
            prop_assert!(fast.is_some(), "{}", text);
            prop_assert_eq!(fast, split_at_last_colon(text.as_bytes()), "{}", text);
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

        /// A quad read through the 16-byte window and byte by byte: the same address and
        /// length, whatever follows it.
        #[test]
        fn ipv4_in_a_window_as_byte_by_byte(text in "[0-9.]{0,16}", tail in "[0-9.: a]{0,20}", at in 0usize..3) {
            let mut long = "x".repeat(at).into_bytes();
            long.extend_from_slice(text.as_bytes());
            long.extend_from_slice(tail.as_bytes());
            long.extend_from_slice(&[b' '; 16]);
            prop_assert_eq!(ipv4_at(&long, at), ipv4_bytes(&long, at));
        }
    }
}
