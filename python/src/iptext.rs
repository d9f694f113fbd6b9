//! IP addresses as text, as `Display` writes them, into a buffer on the stack: the table
//! writes two per row (ss, netstat), and `Display` goes through the formatting machinery,
//! which costs more than the rest of the row. The bytes are ASCII (digits, `a`–`f`, `.`
//! and `:`), so a text column takes them without a check.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Room for the longest text written: eight groups of four digits and seven colons (an
/// address with `::` is shorter; `::ffff:` and a dotted quad is 22 bytes at most).
pub const MAX: usize = 39;

/// Write `ip` as `Display` does into `out`; the length written.
#[inline]
pub fn write(ip: IpAddr, out: &mut [u8; MAX]) -> usize {
    match ip {
        IpAddr::V4(v4) => write_v4(v4, out, 0),
        IpAddr::V6(v6) => write_v6(v6, out),
    }
}

/// Each octet's decimal digits (left-aligned) and, last, how many there are.
static OCTETS: [[u8; 4]; 256] = {
    let mut table = [[0u8; 4]; 256];
    let mut v = 0;
    while v < 256 {
        let (hundreds, tens, ones) = ((v / 100) as u8, (v / 10 % 10) as u8, (v % 10) as u8);
        table[v] = if v >= 100 {
            [b'0' + hundreds, b'0' + tens, b'0' + ones, 3]
        } else if v >= 10 {
            [b'0' + tens, b'0' + ones, 0, 2]
        } else {
            [b'0' + ones, 0, 0, 1]
        };
        v += 1;
    }
    table
};

/// A dotted quad at `out[at..]` (`at` ≤ 7), an octet's digits from a table; where it ends.
#[inline(always)]
fn write_v4(ip: Ipv4Addr, out: &mut [u8; MAX], at: usize) -> usize {
    let mut len = at;
    for (i, octet) in ip.octets().into_iter().enumerate() {
        if i > 0 {
            out[len] = b'.';
            len += 1;
        }
        let [a, b, c, n] = OCTETS[usize::from(octet)];
        // Three bytes written, `n` kept: at most 7 + 4 × 4 bytes are touched.
        out[len..len + 3].copy_from_slice(&[a, b, c]);
        len += usize::from(n);
    }
    len
}

/// An IPv6 address as `Display` writes it (RFC 5952: lowercase hex, the first longest run
/// of two or more zero groups as `::`, an IPv4-mapped address as `::ffff:a.b.c.d`).
fn write_v6(ip: Ipv6Addr, out: &mut [u8; MAX]) -> usize {
    if let Some(v4) = ip.to_ipv4_mapped() {
        out[..7].copy_from_slice(b"::ffff:");
        return write_v4(v4, out, 7);
    }
    let groups = ip.segments();
    // The first longest run of zero groups.
    let (mut best, mut run) = ((0, 0), (0, 0));
    for (i, &g) in groups.iter().enumerate() {
        if g == 0 {
            if run.1 == 0 {
                run.0 = i;
            }
            run.1 += 1;
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run = (0, 0);
        }
    }
    let hex = |out: &mut [u8; MAX], mut len: usize, groups: &[u16]| {
        for (i, &g) in groups.iter().enumerate() {
            if i > 0 {
                out[len] = b':';
                len += 1;
            }
            // The digits without leading zeros (at least one).
            let digits = (16 - g.leading_zeros()).div_ceil(4).max(1);
            for k in (0..digits).rev() {
                out[len] = b"0123456789abcdef"[usize::from((g >> (4 * k)) & 0xf)];
                len += 1;
            }
        }
        len
    };
    if best.1 > 1 {
        let len = hex(out, 0, &groups[..best.0]);
        out[len..len + 2].copy_from_slice(b"::");
        hex(out, len + 2, &groups[best.0 + best.1..])
    } else {
        hex(out, 0, &groups)
    }
}
