//! Small combinators shared by every format: blanks, words and numbers.
//!
//! "Blank" here is a space or a TAB, the only separators these tools print. A NUL or a
//! CR inside a line is *not* blank: it is part of a value, so that odd bytes are kept and
//! reported rather than silently treated as separators.

use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::digit1;
use nom::{IResult, Parser};

use crate::{LineError, Span};

/// The result of every line combinator.
pub type PResult<'a, T> = IResult<Span<'a>, T, LineError>;

/// True for the separators these tools print between columns.
#[inline]
pub fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Zero or more blanks.
pub fn blanks0(i: Span<'_>) -> PResult<'_, Span<'_>> {
    take_while(is_blank).parse(i)
}

/// One or more blanks.
pub fn blanks1(i: Span<'_>) -> PResult<'_, Span<'_>> {
    expect("a blank", take_while1(is_blank)).parse(i)
}

/// A run of non-blank bytes: one column's value when the value cannot hold blanks.
pub fn word(i: Span<'_>) -> PResult<'_, Span<'_>> {
    expect("a value", take_while1(|b| !is_blank(b))).parse(i)
}

/// An unsigned decimal number that fits in 64 bits. A longer run of digits is an error,
/// never a wrapped value.
pub fn decimal_u64(i: Span<'_>) -> PResult<'_, u64> {
    let (rest, digits) = expect("a decimal number", digit1).parse(i)?;
    match parse_u64(digits.fragment()) {
        Some(v) => Ok((rest, v)),
        None => Err(nom::Err::Error(LineError::new(digits.location_offset(), "a number that fits in 64 bits"))),
    }
}

/// Replace whatever a parser says it expected by `what`, keeping the position where it
/// stopped: users read "expected an address:port", not "expected TakeWhile1".
pub fn expect<'a, O, P>(what: &'static str, mut parser: P) -> impl FnMut(Span<'a>) -> PResult<'a, O>
where
    P: Parser<Span<'a>, Output = O, Error = LineError>,
{
    move |i: Span<'a>| {
        parser.parse(i).map_err(|e| {
            e.map(|mut err| {
                err.expected = what;
                err
            })
        })
    }
}

/// The value a whole-line parser produced, or where and why it stopped.
pub fn complete<T>(line: &[u8], result: PResult<'_, T>) -> Result<T, LineError> {
    match result {
        Ok((_, value)) => Ok(value),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(e),
        Err(nom::Err::Incomplete(_)) => Err(LineError::new(line.len(), "more input")),
    }
}

/// The byte range of a located piece of a line.
pub fn span_of(s: Span<'_>) -> (u32, u32) {
    let start = s.location_offset() as u32;
    (start, start + s.fragment().len() as u32)
}

/// The part of `line` from byte `offset` on, located, so that an error there points at
/// the right column.
pub fn span_at(line: &[u8], offset: usize) -> Span<'_> {
    nom::Input::take_from(&Span::new(line), offset.min(line.len()))
}

/// The error "expected `what`" at the start of `at`.
pub fn fail<T>(at: Span<'_>, what: &'static str) -> PResult<'static, T> {
    Err(nom::Err::Error(LineError::new(at.location_offset(), what)))
}

/// The error value "expected `what`" at the start of `at`.
pub fn error_at(at: Span<'_>, what: &'static str) -> nom::Err<LineError> {
    nom::Err::Error(LineError::new(at.location_offset(), what))
}

/// Parse ASCII digits into a `u64`, or `None` when empty, not all digits, or too large.
#[inline]
pub fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    if digits.len() <= 19 {
        // 19 digits always fit (10^19 − 1 < 2^64): no overflow checks per digit.
        let mut value: u64 = 0;
        for &b in digits {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            value = value * 10 + u64::from(d);
        }
        return Some(value);
    }
    let mut value: u64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(value)
}

/// A counter value as the kernel and net-tools print it: an optional `-`, then decimal digits.
///
/// Counters are unsigned 64-bit except a few signed ones (`Tcp: MaxConn` is `-1`, and
/// net-tools 1.60 prints counters of 2^31 and more as negative 32-bit numbers), so the value
/// is an `i128`: it holds every `u64` and every `i64` exactly, with no floating point.
/// `None` when empty, not a number, or outside `i64::MIN..=u64::MAX`.
#[inline]
pub fn parse_counter(text: &[u8]) -> Option<i128> {
    match text.split_first() {
        Some((b'-', digits)) => {
            let magnitude = parse_u64(digits)?;
            let value = -i128::from(magnitude);
            (value >= i128::from(i64::MIN)).then_some(value)
        }
        _ => parse_u64(text).map(i128::from),
    }
}

/// At most this many digits always fit in a `u64` (10^19 − 1 < 2^64).
pub const SAFE_DIGITS: usize = 19;

/// The run of ASCII digits at `bytes[from..]`, at most [`SAFE_DIGITS`] of it: its value
/// and where the digits read stop (`from` when there is none). The hand-written readers'
/// number: eight digits at a time, no overflow check needed; a caller that must know the
/// run ended looks at the byte where it stopped.
///
/// ```
/// use netsift_grammar::lex::digit_run;
/// assert_eq!(digit_run(b"x 1234567890123 y", 2), (1_234_567_890_123, 15));
/// assert_eq!(digit_run(b"12345678901234567890123", 0), (1_234_567_890_123_456_789, 19));
/// assert_eq!(digit_run(b"abc", 1), (0, 1));
/// ```
#[inline(always)]
pub fn digit_run(bytes: &[u8], from: usize) -> (u64, usize) {
    const POW10: [u64; 8] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(bytes.get(at..at + 8)?);
        Some(u64::from_le_bytes(w))
    };
    // The `n` digits of a word moved to the top lanes, zeros below them.
    let value = |w: u64, n: usize| eight_digits((w & 0x0f0f_0f0f_0f0f_0f0f) << (8 * (8 - n)));
    // The commonest numbers first: a run that ends within two words of sixteen bytes there.
    if let Some(first) = word(from) {
        let n = digit_lanes(first);
        if n < 8 {
            return (if n == 0 { 0 } else { value(first, n) }, from + n);
        }
        if let Some(second) = word(from + 8) {
            let m = digit_lanes(second);
            if m < 8 {
                let high = value(first, 8);
                return (if m == 0 { high } else { high * POW10[m] + value(second, m) }, from + 8 + m);
            }
        }
    }
    long_digit_run(bytes, from)
}

/// [`digit_run`] of any run, where fewer than sixteen bytes are left or it is longer: out
/// of line, so that the common case inlined stays small.
#[inline(never)]
fn long_digit_run(bytes: &[u8], from: usize) -> (u64, usize) {
    let (mut value, mut at) = leading_digits(bytes, from);
    while at < bytes.len() && at - from < SAFE_DIGITS {
        let d = bytes[at].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        value = value * 10 + u64::from(d);
        at += 1;
    }
    (value, at)
}

#[cfg(test)]
#[test]
fn digit_run_equals_the_long_reading() {
    for text in [
        "",
        "x",
        "7",
        "12345678",
        "123456789012345",
        "1234567890123456",
        "12345678901234567890123",
        "0000000000000000001",
    ] {
        for tail in ["", " ", "x", " 12345678", "12345678901234567890"] {
            for head in ["", "ab "] {
                let line = format!("{head}{text}{tail}");
                let from = head.len();
                assert_eq!(digit_run(line.as_bytes(), from), long_digit_run(line.as_bytes(), from), "{line:?}");
            }
        }
    }
}

/// The digits at `line[from..]`, eight at a time while eight bytes are there to read and
/// at most sixteen digits were read: their value and where they stop. What is left (the
/// line's last bytes, a seventeenth digit) is for the caller's byte loop.
#[inline]
pub(crate) fn leading_digits(line: &[u8], from: usize) -> (u64, usize) {
    const POW10: [u64; 9] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];
    let (mut value, mut at) = (0u64, from);
    while at - from <= 8 {
        let Some(bytes) = line.get(at..at + 8) else { break };
        let mut word = [0u8; 8];
        word.copy_from_slice(bytes);
        let word = u64::from_le_bytes(word);
        let n = digit_lanes(word);
        if n == 0 {
            break;
        }
        // The `n` digits moved to the top lanes, zeros (leading zeros) below them.
        let shifted = (word & 0x0f0f_0f0f_0f0f_0f0f) << (8 * (8 - n));
        value = value * POW10[n] + eight_digits(shifted);
        at += n;
        if n < 8 {
            break;
        }
    }
    (value, at)
}

/// How many of the eight bytes of `word` (little-endian: the first byte lowest) are ASCII
/// digits before the first one that is not.
#[inline]
pub fn digit_lanes(word: u64) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Seven-bit lanes, so that the additions below carry into no other lane.
    let low = word & !HIGH;
    let below_zero = !(low.wrapping_add(0x5050_5050_5050_5050)) & HIGH; // < 0x30
    let above_nine = low.wrapping_add(0x4646_4646_4646_4646) & HIGH; // >= 0x3a
    let not_digit = below_zero | above_nine | (word & HIGH);
    not_digit.trailing_zeros() as usize / 8
}

/// The number of eight decimal digits (values 0–9, the first in the lowest byte; leading
/// zero lanes for fewer digits).
#[inline]
pub fn eight_digits(digits: u64) -> u64 {
    let pairs = (digits.wrapping_mul(10 * 256 + 1) >> 8) & 0x00ff_00ff_00ff_00ff;
    let quads = (pairs.wrapping_mul(100 * 65_536 + 1) >> 16) & 0x0000_ffff_0000_ffff;
    quads.wrapping_mul(10_000 * (1 << 32) + 1) >> 32
}

/// True when `text` has the shape of a counter value (`-?[0-9]+`), whatever its size.
#[inline]
pub fn is_counter_shape(text: &[u8]) -> bool {
    all_digits(text.strip_prefix(b"-").unwrap_or(text))
}

/// True when `bytes` is a non-empty run of ASCII digits.
#[inline]
pub fn all_digits(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit)
}

/// True when every byte of `bytes` is an ASCII digit or a blank (true for none): 32
/// bytes at a time, without a branch per byte, so that the compiler compares them as
/// vectors (a /proc values line is read this way before its numbers are).
pub fn all_digits_or_blanks(bytes: &[u8]) -> bool {
    let fits = |b: u8| (b.wrapping_sub(b'0') < 10) | (b == b' ') | (b == b'\t');
    // A block of a length the compiler knows, so that it compares it as vectors whole.
    let block_fits = |block: &[u8; 32]| block.iter().fold(true, |all, &b| all & fits(b));
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        if !<&[u8; 32]>::try_from(block).is_ok_and(block_fits) {
            return false;
        }
    }
    // The last 32 bytes as one more block, overlapping the ones before, rather than the
    // rest byte by byte.
    match bytes.last_chunk::<32>() {
        Some(last) => block_fits(last),
        None => blocks.remainder().iter().all(|&b| fits(b)),
    }
}

/// `bytes` without the blanks at its end.
#[inline]
pub fn trim_end_blanks(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| !is_blank(b)).map_or(0, |p| p + 1);
    &bytes[..end]
}

/// `bytes` without the blanks at its start.
#[inline]
pub fn trim_start_blanks(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| !is_blank(b)).unwrap_or(bytes.len());
    &bytes[start..]
}

/// An IP address printed numerically (IPv4 dotted quad or IPv6), as the standard parser
/// reads it; the commonest form, a canonical dotted quad, is read straight from the bytes.
pub fn ip_addr(text: &[u8]) -> Option<std::net::IpAddr> {
    if let Some(v4) = canonical_ipv4(text) {
        return Some(v4.into());
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// A dotted quad without leading zeros (`10.0.0.1`, not `010.0.0.1`): a subset of what the
/// standard parser accepts, with the same value.
pub fn canonical_ipv4(text: &[u8]) -> Option<std::net::Ipv4Addr> {
    crate::ip::ipv4(text)
}

/// The blank-separated words of `bytes`, each with its byte offset in `bytes`.
pub fn words(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> + Clone {
    Words { bytes, pos: 0 }
}

/// The iterator of [`words`], from any starting offset.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Words<'a> {
    /// The words of `bytes` from offset `from` on (offsets stay relative to `bytes`).
    pub fn from(bytes: &'a [u8], from: usize) -> Self {
        Words { bytes, pos: from.min(bytes.len()) }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = (usize, &'a [u8]);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.bytes.get(self.pos..)?;
        let start = first_non_blank(rest)?;
        let word = &rest[start..];
        let len = first_blank(word).unwrap_or(word.len());
        let at = self.pos + start;
        self.pos = at + len;
        Some((at, &word[..len]))
    }
}

/// Eight copies of a byte, one per lane of a `u64`.
const fn lanes(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of each lane whose byte is a blank (space or tab): eight bytes compared at
/// once, since column padding runs long.
#[inline]
fn blank_lanes(word: u64) -> u64 {
    const LOW7: u64 = lanes(0x7f);
    // High bit set in each lane whose byte is not zero, exactly (no carries across lanes).
    let nonzero = |x: u64| ((x & LOW7).wrapping_add(LOW7) | x) & !LOW7;
    let not_space = nonzero(word ^ lanes(b' '));
    let not_tab = nonzero(word ^ lanes(b'\t'));
    !(not_space & not_tab) & !LOW7
}

/// The offset of the first blank of `bytes`, eight bytes at a time.
#[inline]
pub fn first_blank(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut lane = [0u8; 8];
        lane.copy_from_slice(chunk);
        let found = blank_lanes(u64::from_le_bytes(lane));
        if found != 0 {
            return Some(base + found.trailing_zeros() as usize / 8);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&b| is_blank(b)).map(|p| base + p)
}

/// The offset of the first byte of `bytes` that is not a blank, eight bytes at a time.
#[inline]
pub fn first_non_blank(bytes: &[u8]) -> Option<usize> {
    // Between words there is mostly a single blank: look at the first two bytes first.
    match bytes {
        [] => return None,
        [b, ..] if !is_blank(*b) => return Some(0),
        [_, b, ..] if !is_blank(*b) => return Some(1),
        _ => {}
    }
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut lane = [0u8; 8];
        lane.copy_from_slice(chunk);
        let found = !blank_lanes(u64::from_le_bytes(lane)) & lanes(0x80);
        if found != 0 {
            return Some(base + found.trailing_zeros() as usize / 8);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&b| !is_blank(b)).map(|p| base + p)
}

/// `a == b` for the short pieces compared per line or per event (names, sections, the
/// remembered runs of a line): a few words, inline, where a call to `memcmp` costs more
/// than the compare. Short slices in one or two overlapping loads, longer ones eight bytes
/// at a time and the last eight overlapping the words before.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    same_bytes_inline(a, b)
}

/// [`same_bytes`], always inlined: for a reader whose hot path is a compare or two per line
/// (netstat -s's remembered lines), where the call costs about as much as the compare.
#[inline(always)]
pub fn same_bytes_inline(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // Functions rather than closures: a closure is not inlined along with its caller.
    #[inline(always)]
    fn word(s: &[u8], at: usize) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    }
    #[inline(always)]
    fn half(s: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([s[at], s[at + 1], s[at + 2], s[at + 3]])
    }
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => {
            let mut at = 0;
            while at + 8 < n {
                if word(a, at) != word(b, at) {
                    return false;
                }
                at += 8;
            }
            word(a, n - 8) == word(b, n - 8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_fits_or_fails_without_wrapping() {
        let (rest, v) = decimal_u64(Span::new(b"18446744073709551615 x")).unwrap();
        assert_eq!(v, u64::MAX);
        assert_eq!(*rest.fragment(), b" x");
        let err = decimal_u64(Span::new(b"18446744073709551616")).unwrap_err();
        match err {
            nom::Err::Error(e) => assert_eq!(e.expected, "a number that fits in 64 bits"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn decimal_reports_its_expectation() {
        let err = decimal_u64(Span::new(b"x")).unwrap_err();
        assert_eq!(err, nom::Err::Error(LineError::new(0, "a decimal number")));
    }

    proptest::proptest! {
        #[test]
        fn ip_addr_agrees_with_the_standard_parser(text in "([0-9]{1,4}\\.){0,4}[0-9]{0,4}|[0-9a-f:.]{0,20}") {
            proptest::prop_assert_eq!(ip_addr(text.as_bytes()), text.parse::<std::net::IpAddr>().ok(), "{}", text);
        }

        #[test]
        fn blank_search_agrees_with_a_byte_loop(bytes in proptest::collection::vec(
            proptest::prop_oneof![proptest::prelude::Just(b' '), proptest::prelude::Just(b'\t'), proptest::prelude::any::<u8>()],
            0..40,
        )) {
            proptest::prop_assert_eq!(first_blank(&bytes), bytes.iter().position(|&b| is_blank(b)));
            proptest::prop_assert_eq!(first_non_blank(&bytes), bytes.iter().position(|&b| !is_blank(b)));
        }
    }

    #[test]
    fn words_split_on_blanks_only() {
        let w: Vec<_> = words(b" a\tbc  d\0e ").collect();
        assert_eq!(w, vec![(1, &b"a"[..]), (3, b"bc"), (7, b"d\0e")]);
    }

    #[test]
    fn trims() {
        assert_eq!(trim_end_blanks(b" a b \t"), b" a b");
        assert_eq!(trim_start_blanks(b" \ta b "), b"a b ");
        assert_eq!(trim_end_blanks(b"   "), b"");
    }

    #[test]
    fn counter_values_cover_u64_and_i64() {
        assert_eq!(parse_counter(b"18446744073709551615"), Some(i128::from(u64::MAX)));
        assert_eq!(parse_counter(b"-1"), Some(-1));
        assert_eq!(parse_counter(b"-9223372036854775808"), Some(i128::from(i64::MIN)));
        assert_eq!(parse_counter(b"-9223372036854775809"), None);
        assert_eq!(parse_counter(b"18446744073709551616"), None);
        assert_eq!(parse_counter(b"-"), None);
        assert_eq!(parse_counter(b"1.5"), None);
        assert!(is_counter_shape(b"-12") && is_counter_shape(b"99999999999999999999999"));
        assert!(!is_counter_shape(b"-") && !is_counter_shape(b"InType3"));
    }

    #[test]
    fn parse_u64_rejects_non_digits() {
        assert_eq!(parse_u64(b"12a"), None);
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"007"), Some(7));
    }

    #[test]
    fn parse_u64_at_every_length() {
        // The unchecked loop (up to 19 digits) and the checked one (beyond) agree with std.
        for digits in 1..=22 {
            for text in ["9".repeat(digits), "1".repeat(digits), format!("{}1", "0".repeat(digits - 1))] {
                assert_eq!(parse_u64(text.as_bytes()), text.parse::<u64>().ok(), "{text}");
            }
        }
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b"1234567890123456789x"), None);
    }
}
