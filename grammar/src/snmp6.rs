//! `/proc/net/snmp6`: what one line is.
//!
//! ```text
//! Ip6InReceives                   <TAB>757
//! Icmp6InMsgs                     <TAB>12
//! ```
//!
//! The kernel prints each counter as `"%-32s\t%lu"`: the flat name (`Ip6`, `Icmp6`, `Udp6`
//! or `UdpLite6` then the name), padded with blanks, a TAB, the value. The same layout
//! holds `/proc/net/dev_snmp6/<iface>` (which begins with `ifIndex`). Names are split with
//! [`crate::flat_name::split`].

use nom::bytes::complete::take_while1;
use nom::Parser;

use crate::lex::{blanks0, blanks1, complete, decimal_u64, expect, PResult};
use crate::{LineError, Span};

/// One line: a flat counter name and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snmp6Row<'a> {
    /// The whole line.
    pub line: &'a [u8],
    /// The flat name as printed (`Ip6InReceives`).
    pub flat: &'a [u8],
    /// The value.
    pub value: u64,
    /// Byte ranges of the name and the value in `line`.
    pub spans: [(u32, u32); 2],
}

impl<'a> Snmp6Row<'a> {
    /// `(section, name)` (`Ip6`, `InReceives`); `None` when the name's prefix is not a
    /// kernel section (`ifIndex`).
    pub fn split(&self) -> Option<(&'a [u8], &'a [u8])> {
        crate::flat_name::split(self.flat)
    }
}

/// Parse one line: name, blanks, value, nothing else.
///
/// ```
/// use netsift_grammar::snmp6::row;
/// let r = row(b"Ip6InReceives                   \t757").unwrap();
/// assert_eq!((r.flat, r.value), (&b"Ip6InReceives"[..], 757));
/// assert_eq!(r.split(), Some((&b"Ip6"[..], &b"InReceives"[..])));
/// assert_eq!(row(b"Ip6InReceives 757 0.0").unwrap_err().column, 18);
/// assert_eq!(row(b"Mode: 644").unwrap_err().column, 4);
/// ```
pub fn row(line: &[u8]) -> Result<Snmp6Row<'_>, LineError> {
    complete(line, parse(line, Span::new(line)))
}

fn parse<'a>(line: &'a [u8], i: Span<'a>) -> PResult<'a, Snmp6Row<'a>> {
    let (i, name) = expect("a counter name", take_while1(|b: u8| b.is_ascii_alphanumeric() || b == b'_')).parse(i)?;
    if !name.fragment()[0].is_ascii_alphabetic() {
        return Err(crate::lex::error_at(name, "a counter name"));
    }
    let (i, _) = blanks1(i)?;
    let at = i;
    let (i, value) = decimal_u64(i)?;
    let value_span = (at.location_offset() as u32, i.location_offset() as u32);
    let (i, _) = blanks0(i)?;
    if !i.fragment().is_empty() {
        return Err(crate::lex::error_at(i, "the end of the line after the value"));
    }
    Ok((i, Snmp6Row { line, flat: name.fragment(), value, spans: [crate::lex::span_of(name), value_span] }))
}

#[cfg(test)]
mod tests {
    use super::row;

    #[test]
    fn kernel_lines_and_errors() {
        // /proc/net/snmp6 of kernel 6.18 (tests/fixtures/captured/deb12_proc-net-snmp6.txt).
        let r = row(b"Icmp6OutType133                 \t2").unwrap();
        assert_eq!(r.split(), Some((&b"Icmp6"[..], &b"OutType133"[..])));
        assert_eq!(r.spans, [(0, 15), (33, 34)]);
        let r = row(b"ifIndex                         \t2").unwrap();
        assert_eq!((r.split(), r.value), (None, 2));
        assert_eq!(row(b"").unwrap_err().column, 0);
        assert_eq!(row(b"Ip6InReceives").unwrap_err().column, 13);
        assert_eq!(row(b"Ip6InReceives \t-1").unwrap_err().column, 15);
        assert_eq!(row(b"Ip6InReceives \t18446744073709551616").unwrap_err().column, 15);
        assert_eq!(row(b" Ip6InReceives 1").unwrap_err().column, 0);
    }
}
