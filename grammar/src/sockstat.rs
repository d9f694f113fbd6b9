//! `/proc/net/sockstat` and `/proc/net/sockstat6`: what one line is.
//!
//! ```text
//! sockets: used 3037
//! TCP: inuse 1365 orphan 17 tw 2030 alloc 2788 mem 4109
//! FRAG6: inuse 0 memory 0
//! ```
//!
//! Each line is a section (`sockets`, `TCP`, `UDP`, `UDPLITE`, `RAW`, `FRAG`, and their
//! `…6` forms in sockstat6), a colon, then `key value` pairs. Sections and keys are read
//! as printed, not checked against a list: kernels add some (`MPTCP`) over time.

use crate::lex::{is_blank, is_counter_shape, parse_counter, words, Words};
use crate::LineError;

/// One line: its section and its pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SockstatLine<'a> {
    /// The whole line.
    pub line: &'a [u8],
    /// The section, without its colon (`TCP`).
    pub section: &'a [u8],
    /// Where the pairs start.
    body: usize,
}

impl<'a> SockstatLine<'a> {
    /// The pairs: `(key, value, byte range of the value)`, in order. The line was checked
    /// when it was read, so every pair is whole.
    pub fn pairs(&self) -> SockstatPairs<'a> {
        SockstatPairs { words: Words::from(self.line, self.body) }
    }
}

/// The iterator of [`SockstatLine::pairs`].
#[derive(Debug, Clone)]
pub struct SockstatPairs<'a> {
    words: Words<'a>,
}

impl<'a> Iterator for SockstatPairs<'a> {
    type Item = (&'a [u8], i128, (u32, u32));

    fn next(&mut self) -> Option<Self::Item> {
        let (_, key) = self.words.next()?;
        let (at, value) = self.words.next()?;
        Some((key, parse_counter(value)?, (at as u32, (at + value.len()) as u32)))
    }
}

fn is_key(word: &[u8]) -> bool {
    word.first().is_some_and(u8::is_ascii_alphabetic) && word.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Parse one line: `SECTION:` then one or more `key value` pairs.
///
/// ```
/// use netsift_grammar::sockstat::line;
/// let l = line(b"TCP: inuse 94 orphan 0 tw 14 alloc 111 mem 7458").unwrap();
/// assert_eq!(l.section, b"TCP");
/// let pairs: Vec<_> = l.pairs().map(|(k, v, _)| (k, v)).collect();
/// assert_eq!(pairs[0], (&b"inuse"[..], 94));
/// assert_eq!(pairs[4], (&b"mem"[..], 7458));
/// assert_eq!(line(b"TCP: inuse").unwrap_err().column, 10);
/// ```
pub fn line(line: &[u8]) -> Result<SockstatLine<'_>, LineError> {
    let mut w = words(line);
    let (at, first) = w.next().ok_or(LineError::new(0, "a section such as `TCP:`"))?;
    let section = match first.strip_suffix(b":") {
        Some(s) if at == 0 && is_key(s) => s,
        _ => {
            let col = if at != 0 { 0 } else { first.iter().position(|&b| b == b':').unwrap_or(first.len()) };
            return Err(LineError::new(col, "a section such as `TCP:`"));
        }
    };
    let body = at + first.len();
    let mut pairs = 0;
    while let Some((key_at, key)) = w.next() {
        if !is_key(key) {
            return Err(LineError::new(key_at, "a key such as `inuse`"));
        }
        let Some((value_at, value)) = w.next() else {
            let end = crate::lex::trim_end_blanks(line).len();
            return Err(LineError::new(end, "a value after the key"));
        };
        if parse_counter(value).is_none() {
            let what = if is_counter_shape(value) { "a number that fits in 64 bits" } else { "a decimal number" };
            return Err(LineError::new(value_at, what));
        }
        pairs += 1;
    }
    if pairs == 0 {
        let end = line.iter().rposition(|&b| !is_blank(b)).map_or(0, |p| p + 1);
        return Err(LineError::new(end, "`key value` pairs after the section"));
    }
    Ok(SockstatLine { line, section, body })
}

#[cfg(test)]
mod tests {
    use super::line;

    #[test]
    fn every_kernel_line() {
        for (text, section, n) in [
            ("sockets: used 64", "sockets", 1),
            ("TCP: inuse 18 orphan 1 tw 2567 alloc 29 mem 0", "TCP", 5),
            ("UDP: inuse 2 mem 0", "UDP", 2),
            ("UDPLITE: inuse 0", "UDPLITE", 1),
            ("FRAG: inuse 0 memory 0", "FRAG", 2),
            ("TCP6: inuse 11", "TCP6", 1),
            ("FRAG6: inuse 0 memory 0", "FRAG6", 2),
        ] {
            let l = line(text.as_bytes()).unwrap();
            assert_eq!((l.section, l.pairs().count()), (section.as_bytes(), n), "{text}");
        }
        let l = line(b"UDP: inuse 2 mem 0").unwrap();
        assert_eq!(l.pairs().nth(1), Some((&b"mem"[..], 0, (17, 18))));
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(line(b"").unwrap_err().column, 0);
        assert_eq!(line(b"TCP inuse 1").unwrap_err().column, 3);
        assert_eq!(line(b" TCP: inuse 1").unwrap_err().column, 0);
        assert_eq!(line(b"TCP:").unwrap_err().column, 4);
        assert_eq!(line(b"TCP: 1 2").unwrap_err().column, 5);
        assert_eq!(line(b"TCP: inuse x").unwrap_err().column, 11);
        assert_eq!(line(b"TCP: inuse 1 tw").unwrap_err().column, 15);
        assert_eq!(line(b"TCP: inuse 99999999999999999999").unwrap_err().expected, "a number that fits in 64 bits");
    }
}
