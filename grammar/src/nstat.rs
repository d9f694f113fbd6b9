//! `nstat` (iproute2): what one line is.
//!
//! ```text
//! #kernel
//! IpInReceives                    15017              0.0
//! TcpExtListenOverflows           3                  0.2
//! ```
//!
//! The first line names where the numbers come from: `#kernel` when nstat read the kernel
//! itself (`-a`, `-z`, `-s`, …), `#<pid>.<n> sampling_interval=2 time_const=60` when it
//! asked its daemon (`nstat -d`). Each row is printed as `"%-32s%-16llu%6.1f"`: the kernel's
//! flat counter name, the value, and its rate per second (an average over the daemon's
//! interval; `0.0` without one). Names are split into section and name with
//! [`crate::flat_name::split`].
//!
//! The fixed widths glue two fields together when one overflows: a name of 32 bytes or
//! more runs into its value (`MPTcpExtMPCapableFallbackSYNACKX1234`), and a value of 16
//! digits or more runs into a rate of 1000.0 or more (`12345678901234561536.9`). Both are
//! read back where the split is certain: a glued name is cut before its trailing digits
//! when at least 32 bytes are left; a glued value and rate are cut after 16 digits when
//! exactly 4 integer digits are left for the rate (a 16-digit value). Other glued fields
//! are an error at their column, never a guess.

use nom::bytes::complete::take_while1;
use nom::Parser;

use crate::lex::{blanks0, blanks1, complete, expect, parse_u64, words, PResult};
use crate::{LineError, Span};

/// The header line: `#` and where the numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NstatHeader<'a> {
    /// The whole line.
    pub line: &'a [u8],
    /// `kernel`, or the daemon's `<pid>.<n>` identifier.
    pub source: &'a [u8],
    /// What follows the source (`sampling_interval=2 time_const=60`), without blanks around.
    pub info: &'a [u8],
}

/// Recognise the header: `#` followed by a word; the word is `kernel` or a daemon's
/// `<digits>.<digits>`, so that a shell comment (`# nstat -a`) is not taken for one.
///
/// ```
/// use netsift_grammar::nstat::header;
/// assert_eq!(header(b"#kernel").unwrap().source, b"kernel");
/// let h = header(b"#20097.1804289383 sampling_interval=2 time_const=60").unwrap();
/// assert_eq!((h.source, h.info), (&b"20097.1804289383"[..], &b"sampling_interval=2 time_const=60"[..]));
/// assert!(header(b"# nstat -a").is_none());
/// ```
pub fn header(line: &[u8]) -> Option<NstatHeader<'_>> {
    let rest = line.strip_prefix(b"#")?;
    let end = rest.iter().position(|&b| crate::lex::is_blank(b)).unwrap_or(rest.len());
    let source = &rest[..end];
    let daemon = match source.iter().position(|&b| b == b'.') {
        Some(dot) => parse_u64(&source[..dot]).is_some() && parse_u64(&source[dot + 1..]).is_some(),
        None => false,
    };
    if source != b"kernel" && !daemon {
        return None;
    }
    let info = crate::lex::trim_end_blanks(crate::lex::trim_start_blanks(&rest[end..]));
    if source == b"kernel" && !info.is_empty() {
        return None;
    }
    Some(NstatHeader { line, source, info })
}

/// One counter row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NstatRow<'a> {
    /// The whole line.
    pub line: &'a [u8],
    /// The flat name as printed (`TcpExtListenOverflows`).
    pub flat: &'a [u8],
    /// The value.
    pub value: u64,
    /// The rate per second, as printed with one decimal.
    pub rate: f64,
    /// Byte ranges of the name, the value and the rate in `line`.
    pub spans: [(u32, u32); 3],
}

impl<'a> NstatRow<'a> {
    /// `(section, name)`: the flat name split at its kernel section (`TcpExt`,
    /// `ListenOverflows`); `None` for a name whose prefix is not a kernel section.
    pub fn split(&self) -> Option<(&'a [u8], &'a [u8])> {
        crate::flat_name::split(self.flat)
    }
}

/// A counter name: ASCII letters, digits and `_`, starting with a letter.
fn name(i: Span<'_>) -> PResult<'_, Span<'_>> {
    let (rest, n) = expect("a counter name", take_while1(|b: u8| b.is_ascii_alphanumeric() || b == b'_')).parse(i)?;
    match n.fragment().first() {
        Some(b) if b.is_ascii_alphabetic() => Ok((rest, n)),
        _ => Err(crate::lex::error_at(i, "a counter name")),
    }
}

fn digits(i: Span<'_>) -> PResult<'_, Span<'_>> {
    expect("a decimal number", take_while1(|b: u8| b.is_ascii_digit())).parse(i)
}

/// A rate: digits, `.`, digits (`%6.1f`).
fn rate(i: Span<'_>) -> PResult<'_, Span<'_>> {
    let start = i;
    let (i, _) = digits(i)?;
    let (i, _) = expect("`.` in the rate (e.g. `0.0`)", nom::bytes::complete::tag(&b"."[..])).parse(i)?;
    let (i, _) = digits(i)?;
    let len = i.location_offset() - start.location_offset();
    Ok((i, nom::Input::take(&start, len)))
}

fn end(i: Span<'_>) -> PResult<'_, ()> {
    let (i, _) = blanks0(i)?;
    match i.fragment().is_empty() {
        true => Ok((i, ())),
        false => Err(crate::lex::error_at(i, "the end of the row after the rate")),
    }
}

fn span(s: Span<'_>) -> (u32, u32) {
    crate::lex::span_of(s)
}

/// Parse one row: `Name value rate`, with the glued forms described in the module
/// documentation.
///
/// ```
/// use netsift_grammar::nstat::row;
/// let r = row(b"TcpExtListenOverflows           3                  0.2").unwrap();
/// assert_eq!((r.flat, r.value, r.rate), (&b"TcpExtListenOverflows"[..], 3, 0.2));
/// assert_eq!(r.split(), Some((&b"TcpExt"[..], &b"ListenOverflows"[..])));
/// // A 16-digit value glued to a 4-digit rate.
/// let r = row(b"IpExtInOctets                   12345678901234561536.9").unwrap();
/// assert_eq!((r.value, r.rate), (1234567890123456, 1536.9));
/// assert_eq!(row(b"IpInReceives 12 x").unwrap_err().column, 16);
/// ```
pub fn row(line: &[u8]) -> Result<NstatRow<'_>, LineError> {
    let normal = complete(line, row_parser(line, Span::new(line)));
    match normal {
        Ok(r) => Ok(r),
        Err(e) => glued(line).unwrap_or(Err(e)),
    }
}

fn row_parser<'a>(line: &'a [u8], i: Span<'a>) -> PResult<'a, NstatRow<'a>> {
    let (i, n) = name(i)?;
    let (i, _) = blanks1(i)?;
    let (i, v) = digits(i)?;
    let value = u64_at(v)?;
    let (i, _) = blanks1(i)?;
    let (i, r) = rate(i)?;
    let (i, ()) = end(i)?;
    let rate = parse_rate(r.fragment(), span(r).0)?;
    Ok((i, NstatRow { line, flat: n.fragment(), value, rate, spans: [span(n), span(v), span(r)] }))
}

fn u64_at(v: Span<'_>) -> Result<u64, nom::Err<LineError>> {
    parse_u64(v.fragment()).ok_or_else(|| crate::lex::error_at(v, "a number that fits in 64 bits"))
}

fn parse_rate(text: &[u8], at: u32) -> Result<f64, nom::Err<LineError>> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .ok_or_else(|| nom::Err::Error(LineError::new(at as usize, "a rate (e.g. `0.0`)")))
}

fn is_rate(word: &[u8]) -> bool {
    match word.iter().position(|&b| b == b'.') {
        Some(dot) => crate::lex::all_digits(&word[..dot]) && crate::lex::all_digits(&word[dot + 1..]),
        None => false,
    }
}

fn span_in(at: usize, len: usize) -> (u32, u32) {
    (at as u32, (at + len) as u32)
}

/// A row of two words where nstat glued two fields (see the module documentation):
/// `Some` when the row has that shape, with the row or the reason the split is not
/// certain; `None` when it has not (the ordinary error stands).
fn glued(line: &[u8]) -> Option<Result<NstatRow<'_>, LineError>> {
    let mut w = words(line);
    let ((a_at, a), (b_at, b)) = (w.next()?, w.next()?);
    if w.next().is_some() || a_at != 0 || !a[0].is_ascii_alphabetic() || !is_rate(b) {
        return None;
    }
    let identifier = |t: &[u8]| t.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_');
    if !identifier(a) {
        return None;
    }
    let rate =
        |text: &[u8], at: usize| parse_rate(text, at as u32).map_err(|_| LineError::new(at, "a rate (e.g. `0.0`)"));
    let digits = a.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let name_len = a.len() - digits;
    if digits > 0 && name_len >= 32 {
        // `NAMEdigits rate`: a long name glued to its value.
        let value = parse_u64(&a[name_len..]);
        return Some(match (value, rate(b, b_at)) {
            (Some(value), Ok(rate)) => Ok(NstatRow {
                line,
                flat: &a[..name_len],
                value,
                rate,
                spans: [span_in(0, name_len), span_in(name_len, digits), span_in(b_at, b.len())],
            }),
            (None, _) => Err(LineError::new(name_len, "a number that fits in 64 bits")),
            (_, Err(e)) => Err(e),
        });
    }
    // `Name digits.d`: a 16-digit value glued to a rate of 4 integer digits.
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int < 17 {
        return None;
    }
    if int != 20 {
        return Some(Err(LineError::new(
            b_at,
            "a value and a rate apart (nstat glued them and the split is not certain)",
        )));
    }
    let value = parse_u64(&b[..16])?;
    Some(rate(&b[16..], b_at + 16).map(|rate| NstatRow {
        line,
        flat: a,
        value,
        rate,
        spans: [span_in(0, a.len()), span_in(b_at, 16), span_in(b_at + 16, b.len() - 16)],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_rows() {
        // tests/fixtures/captured/deb12_nstat-*.txt and the daemon's output.
        let r = row(b"IpInReceives                    15017              0.0").unwrap();
        assert_eq!((r.flat, r.value, r.rate), (&b"IpInReceives"[..], 15017, 0.0));
        assert_eq!(r.spans, [(0, 12), (32, 37), (51, 54)]);
        let r = row(b"IcmpInMsgs                      662               11.2").unwrap();
        assert_eq!((r.value, r.rate), (662, 11.2));
        let r = row(b"IpExtInOctets                   18446744073709551615 123456.7").unwrap();
        assert_eq!((r.value, r.rate), (u64::MAX, 123456.7));
    }

    #[test]
    fn glued_fields() {
        let name = "MPTcpExtMPCapableFallbackSYNACKX"; // 32 bytes
        let line = format!("{name}77              1.5");
        let r = row(line.as_bytes()).unwrap();
        assert_eq!((r.flat, r.value, r.rate), (name.as_bytes(), 77, 1.5));
        assert_eq!(r.spans[0], (0, 32));
        // A short name glued to digits is not a glue: `0` is read as the value.
        assert_eq!(row(b"IpInReceives15017 0.0").unwrap_err().column, 19);
        // 17 value digits and 4 rate digits, or 16 and 5: not certain.
        let e = row(b"IpExtInOctets                   123456789012345671536.9").unwrap_err();
        assert_eq!(e.column, 32);
        let r = row(b"IpExtInOctets                   99999999999999991000.0").unwrap();
        assert_eq!((r.value, r.rate, r.spans[1], r.spans[2]), (9_999_999_999_999_999, 1000.0, (32, 48), (48, 54)));
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(row(b"").unwrap_err().column, 0);
        assert_eq!(row(b"1pInReceives 1 0.0").unwrap_err().column, 0);
        assert_eq!(row(b"IpInReceives").unwrap_err().column, 12);
        assert_eq!(row(b"IpInReceives 1").unwrap_err().column, 14);
        assert_eq!(row(b"IpInReceives 1 0").unwrap_err().column, 16);
        assert_eq!(row(b"IpInReceives 1 0.0 x").unwrap_err().column, 19);
        assert_eq!(row(b"IpInReceives 18446744073709551616 0.0").unwrap_err().column, 13);
        assert!(header(b"#kernel x").is_none());
        assert!(header(b"#").is_none());
        assert!(header(b"#12.x").is_none());
    }
}
