//! `/proc/net/netstat` and `/proc/net/snmp`: what one line is.
//!
//! Both files are sequences of line pairs, a names line then a values line with the same
//! prefix:
//!
//! ```text
//! Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens …
//! Tcp: 1 200 120000 -1 236 142 …
//! ```
//!
//! Any prefix is accepted (`TcpExt`, `IpExt`, `MPTcpExt`, `Ip`, `Icmp`, `IcmpMsg`, `Tcp`,
//! `Udp`, `UdpLite` and whatever a new kernel adds), lines have no length limit, and names
//! are never checked against a list: kernels insert and remove names in the middle of a
//! line. [`pair_line`] reads one line; [`pairs`] zips a names line with its values line by
//! position and reports the first place where they stop matching. Which line pairs with
//! which is the push parser's business.
//!
//! Values are [`i128`]: every counter is an unsigned 64-bit number except `Tcp: MaxConn`,
//! which is `-1`; an `i128` holds both exactly (an `i64` cannot hold the top half of the
//! `u64` range, and floating point loses precision above 2^53).
//!
//! ```
//! use netsift_grammar::proc_net::{pair_line, pairs, PairKind};
//!
//! let names = pair_line(b"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens").unwrap();
//! let values = pair_line(b"Tcp: 1 200 120000 -1 236").unwrap();
//! assert_eq!((names.kind, values.kind), (PairKind::Names, PairKind::Values));
//! let all: Vec<_> = pairs(&names, &values).collect::<Result<_, _>>().unwrap();
//! assert_eq!(all[3], (&b"MaxConn"[..], -1));
//! assert_eq!(all[4], (&b"ActiveOpens"[..], 236));
//! ```

use crate::lex::{is_blank, is_counter_shape, parse_counter};
use crate::LineError;

/// What the words after the prefix are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PairKind {
    /// Counter names (at least one word is not a number).
    Names,
    /// Values: every word has the shape of a number (`-?[0-9]+`). A number too large for
    /// 64 bits still makes a values line; reading it gives an error at its column.
    Values,
    /// Nothing after the prefix.
    Empty,
}

/// One line of `/proc/net/netstat` or `/proc/net/snmp`: `Prefix: word word …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixLine<'a> {
    /// The whole line, as given.
    pub line: &'a [u8],
    /// The section prefix without its colon (`TcpExt`).
    pub prefix: &'a [u8],
    /// Whether the prefix ended with `:` (always, in files the kernel wrote).
    pub colon: bool,
    /// Names, values, or nothing.
    pub kind: PairKind,
    /// Byte offset where the words start (just after the prefix).
    body: usize,
}

impl<'a> PrefixLine<'a> {
    /// The words after the prefix, each with its byte offset in the line.
    pub fn tokens(&self) -> impl Iterator<Item = (usize, &'a [u8])> + Clone + 'a {
        Tokens::from(self.line, self.body)
    }

    /// The words after the prefix (counter names on a names line).
    pub fn names(&self) -> impl Iterator<Item = &'a [u8]> + Clone + 'a {
        self.tokens().map(|(_, w)| w)
    }

    /// The values of a values line, in order: each one, or the error at its column when it
    /// is not a number that fits in 64 bits (signed or unsigned).
    pub fn values(&self) -> impl Iterator<Item = Result<i128, LineError>> + Clone + 'a {
        self.tokens().map(|(at, w)| value_at(at, w))
    }

    /// How many words follow the prefix.
    pub fn len(&self) -> usize {
        self.tokens().count()
    }

    /// True when nothing follows the prefix.
    pub fn is_empty(&self) -> bool {
        self.kind == PairKind::Empty
    }

    /// Byte offset where the words start (just after the prefix).
    pub fn body(&self) -> usize {
        self.body
    }

    /// Byte offset of the end of the line without its trailing blanks: where a missing word
    /// would have been.
    pub fn end(&self) -> usize {
        crate::lex::trim_end_blanks(self.line).len()
    }
}

fn value_at(at: usize, word: &[u8]) -> Result<i128, LineError> {
    parse_counter(word).ok_or_else(|| {
        if is_counter_shape(word) {
            LineError::new(at, "a number that fits in 64 bits")
        } else {
            LineError::new(at, "a decimal number")
        }
    })
}

/// Read one line: `Prefix:` then words.
///
/// The prefix is any run of non-blank bytes ending with `:`; the words after it are names
/// unless every one of them looks like a number. A line without the colon is an error (see
/// [`pair_line_lenient`] for readers that accept one).
///
/// ```
/// use netsift_grammar::proc_net::{pair_line, PairKind};
/// let l = pair_line(b"IcmpMsg: InType3 OutType3").unwrap();
/// assert_eq!(l.prefix, b"IcmpMsg");
/// assert_eq!(l.names().collect::<Vec<_>>(), vec![&b"InType3"[..], b"OutType3"]);
/// assert_eq!(pair_line(b"MPTcpExt:").unwrap().kind, PairKind::Empty);
/// assert_eq!(pair_line(b"TcpExt SyncookiesSent").unwrap_err().column, 6);
/// ```
pub fn pair_line(line: &[u8]) -> Result<PrefixLine<'_>, LineError> {
    parse(line, true)
}

/// Like [`pair_line`], but a first word without a colon is accepted as the prefix: insights'
/// ProcNsat drops the first word of a line unread, whatever it is.
///
/// ```
/// use netsift_grammar::proc_net::{pair_line_lenient, PairKind};
/// let l = pair_line_lenient(b"bar 1 2").unwrap();
/// assert_eq!((l.prefix, l.colon, l.kind), (&b"bar"[..], false, PairKind::Values));
/// ```
pub fn pair_line_lenient(line: &[u8]) -> Result<PrefixLine<'_>, LineError> {
    parse(line, false)
}

fn parse(line: &[u8], need_colon: bool) -> Result<PrefixLine<'_>, LineError> {
    // The prefix: the first run of non-blank bytes, at the start of the line.
    let body = crate::lex::first_blank(line).unwrap_or(line.len());
    let Some(word) = line.get(..body).filter(|w| !w.is_empty()) else {
        return Err(LineError::new(0, "a section prefix such as `Tcp:`"));
    };
    let (prefix, colon) = match word.strip_suffix(b":") {
        Some(p) if !p.is_empty() => (p, true),
        _ if need_colon => {
            let at = word.iter().position(|&b| b == b':').unwrap_or(word.len());
            return Err(LineError::new(at, "`:` after the section name (e.g. `Tcp:`)"));
        }
        _ => (word, false),
    };
    Ok(PrefixLine { line, prefix, colon, kind: kind_of(line.get(body..).unwrap_or_default()), body })
}

/// What the words of a line's body are. A body of nothing but digits and blanks (every
/// values line but those with a negative number) is decided in one pass over its bytes.
/// A names line is decided by its first byte (a name starts with neither a digit nor `-`).
fn kind_of(body: &[u8]) -> PairKind {
    match crate::lex::first_non_blank(body).and_then(|at| body.get(at)) {
        None => return PairKind::Empty,
        Some(&b) if !(b.is_ascii_digit() || b == b'-') => return PairKind::Names,
        Some(_) => {}
    }
    if crate::lex::all_digits_or_blanks(body) {
        return PairKind::Values;
    }
    match Tokens::from(body, 0).all(|(_, w)| is_counter_shape(w)) {
        true => PairKind::Values,
        false => PairKind::Names,
    }
}

/// Why a names line and a values line stop pairing up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PairErrorKind {
    /// The two lines have different prefixes (`TcpExt:` names, `IpExt:` values).
    PrefixDiffers,
    /// The values line ended before the names did: the name at `index` has no value.
    MissingValue,
    /// The names line ended before the values did: the value at `index` has no name.
    ExtraValue,
    /// The value at `index` is not a number that fits in 64 bits.
    BadValue,
}

/// Where a names line and a values line stop matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairError {
    /// What went wrong.
    pub kind: PairErrorKind,
    /// 0-based position of the first name or value that has no partner.
    pub index: usize,
    /// 0-based byte offset **in the values line** where the problem shows.
    pub column: usize,
}

impl PairError {
    /// The same error as a [`LineError`] on the values line.
    pub fn line_error(&self) -> LineError {
        let expected = match self.kind {
            PairErrorKind::PrefixDiffers => "the same prefix as the names line",
            PairErrorKind::MissingValue => "one value per name (a value is missing)",
            PairErrorKind::ExtraValue => "one value per name (more values than names)",
            PairErrorKind::BadValue => "a number that fits in 64 bits",
        };
        LineError::new(self.column, expected)
    }
}

impl std::fmt::Display for PairError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "value {}: {}", self.index + 1, self.line_error())
    }
}

impl std::error::Error for PairError {}

/// Zip a names line with its values line by position.
///
/// Yields `(name, value)` for each pair, then, if the lines do not match, one `Err` at the
/// first mismatch and nothing after it. Pairs before the mismatch are still yielded, so a
/// truncated copy gives everything that can be paired.
///
/// ```
/// use netsift_grammar::proc_net::{pair_line, pairs, PairErrorKind};
/// let names = pair_line(b"Udp: InDatagrams NoPorts InErrors").unwrap();
/// let values = pair_line(b"Udp: 167 0").unwrap();
/// let got: Vec<_> = pairs(&names, &values).collect();
/// assert_eq!(got[0], Ok((&b"InDatagrams"[..], 167)));
/// assert_eq!(got[1], Ok((&b"NoPorts"[..], 0)));
/// let err = got[2].unwrap_err();
/// assert_eq!((err.kind, err.index, err.column), (PairErrorKind::MissingValue, 2, 10));
/// assert_eq!(got.len(), 3);
/// ```
pub fn pairs<'a>(names: &PrefixLine<'a>, values: &PrefixLine<'a>) -> Pairs<'a> {
    pairs_of(names, Names::Words(Tokens::from(names.line, names.body)), values)
}

/// Where the names of a names line are: `(start, end)` offsets in its line. A caller that
/// sees the same names line capture after capture (periodic logs) keeps these and pairs
/// with [`pairs_with_spans`], instead of splitting the 2 KiB `TcpExt` line again each time.
///
/// ```
/// use netsift_grammar::proc_net::{name_spans, pair_line, pairs, pairs_with_spans};
/// let names = pair_line(b"Udp: InDatagrams NoPorts").unwrap();
/// let values = pair_line(b"Udp: 167 0").unwrap();
/// let spans: Vec<(u32, u32)> = name_spans(&names).collect();
/// assert_eq!(spans, [(5, 16), (17, 24)]);
/// assert!(pairs_with_spans(&names, &spans, &values).eq(pairs(&names, &values)));
/// ```
pub fn name_spans<'a>(names: &PrefixLine<'a>) -> impl Iterator<Item = (u32, u32)> + 'a {
    names.tokens().map(|(at, w)| (at as u32, (at + w.len()) as u32))
}

/// [`pairs`], with the names at `spans` (from [`name_spans`] of the same names line).
pub fn pairs_with_spans<'a>(names: &PrefixLine<'a>, spans: &'a [(u32, u32)], values: &PrefixLine<'a>) -> Pairs<'a> {
    pairs_of(names, Names::Spans { line: names.line, spans: spans.iter() }, values)
}

fn pairs_of<'a>(names: &PrefixLine<'a>, words: Names<'a>, values: &PrefixLine<'a>) -> Pairs<'a> {
    let state = if names.prefix == values.prefix { State::Pairing } else { State::PrefixDiffers };
    Pairs { names: words, values: Tokens::from(values.line, values.body), values_end: values.end(), index: 0, state }
}

/// The names of a pair: split as they are read, or at spans found before.
#[derive(Debug, Clone)]
enum Names<'a> {
    Words(Tokens<'a>),
    Spans { line: &'a [u8], spans: std::slice::Iter<'a, (u32, u32)> },
}

impl<'a> Iterator for Names<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Names::Words(words) => words.next(),
            Names::Spans { line, spans } => {
                let &(start, end) = spans.next()?;
                Some((start as usize, line.get(start as usize..end as usize)?))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pairing,
    PrefixDiffers,
    Done,
}

/// The iterator [`pairs`] returns.
#[derive(Debug, Clone)]
pub struct Pairs<'a> {
    names: Names<'a>,
    values: Tokens<'a>,
    values_end: usize,
    index: usize,
    state: State,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = Result<(&'a [u8], i128), PairError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.state {
            State::Done => return None,
            State::PrefixDiffers => {
                self.state = State::Done;
                return Some(Err(PairError { kind: PairErrorKind::PrefixDiffers, index: 0, column: 0 }));
            }
            State::Pairing => {}
        }
        let index = self.index;
        self.index += 1;
        let (kind, column) = match (self.names.next(), self.values.next()) {
            (None, None) => {
                self.state = State::Done;
                return None;
            }
            (Some((_, name)), Some((at, word))) => match parse_counter(word) {
                Some(value) => return Some(Ok((name, value))),
                None => (PairErrorKind::BadValue, at),
            },
            (Some(_), None) => (PairErrorKind::MissingValue, self.values_end),
            (None, Some((at, _))) => (PairErrorKind::ExtraValue, at),
        };
        self.state = State::Done;
        Some(Err(PairError { kind, index, column }))
    }
}

/// Where the words of a values line start when it begins with `prefix:` (then a blank or
/// its end): the offset just after the colon. `None` for any other line.
///
/// A line for which this is `Some` reads, with [`pair_line`], as a line of that prefix
/// whose words start there: the push parser pairs it with a held names line of the same
/// prefix without reading the line a first time.
///
/// ```
/// use netsift_grammar::proc_net::values_body;
/// assert_eq!(values_body(b"Tcp: 1 2", b"Tcp"), Some(4));
/// assert_eq!(values_body(b"Tcp:", b"Tcp"), Some(4));
/// assert_eq!(values_body(b"TcpExt: 1", b"Tcp"), None);
/// assert_eq!(values_body(b"Tcp:1", b"Tcp"), None);
/// ```
#[inline]
pub fn values_body(line: &[u8], prefix: &[u8]) -> Option<usize> {
    let n = prefix.len();
    let fits = n > 0
        && line.len() > n
        && &line[..n] == prefix
        && line[n] == b':'
        && line.get(n + 1).is_none_or(|&b| is_blank(b));
    fits.then_some(n + 1)
}

/// [`pairs_with_spans`] without a first pass over the values line: the fast path of the
/// push parser, whose reference is `pairs_with_spans(&names, spans, &pair_line(values)?)`.
///
/// `body` is where the values line's words start and `prefix_matches` whether its prefix
/// is the names line's ([`values_body`] gives both for a line of the names' prefix). Each
/// value is read where it is found, digits to number in one step, and paired with the
/// name at the next of `spans` (from [`name_spans`] of `names`). The first value that is
/// not plain (a number of 20 digits, a byte glued to the digits) and the end of either
/// line hand over to [`Pairs`] at that point, so the items are those of the reference,
/// errors included: `tests/proc_net_fast.rs` and the `proc_net_fast` fuzz target check it.
///
/// ```
/// use netsift_grammar::proc_net::{fast_pairs, name_spans, pair_line, pairs_with_spans, values_body};
/// let names = pair_line(b"Tcp: MaxConn ActiveOpens InSegs").unwrap();
/// let spans: Vec<(u32, u32)> = name_spans(&names).collect();
/// let line = b"Tcp: -1 236 12x";
/// let body = values_body(line, names.prefix).unwrap();
/// let fast: Vec<_> = fast_pairs(&names, &spans, line, body, true).collect();
/// let reference: Vec<_> = pairs_with_spans(&names, &spans, &pair_line(line).unwrap()).collect();
/// assert_eq!(fast, reference);
/// assert_eq!(fast[1], Ok((&b"ActiveOpens"[..], 236)));
/// assert!(fast[2].is_err());
/// ```
pub fn fast_pairs<'a>(
    names: &PrefixLine<'a>,
    spans: &'a [(u32, u32)],
    values: &'a [u8],
    body: usize,
    prefix_matches: bool,
) -> FastPairs<'a> {
    fast_pairs_in(names.line, spans, values, body, prefix_matches)
}

/// [`fast_pairs`] given the names line's bytes (`names_line`, which [`pair_line`] reads as
/// a names line): for a caller that keeps the spans of a names line and not its
/// [`PrefixLine`].
pub fn fast_pairs_in<'a>(
    names_line: &'a [u8],
    spans: &'a [(u32, u32)],
    values: &'a [u8],
    body: usize,
    prefix_matches: bool,
) -> FastPairs<'a> {
    let mut fast = FastPairs {
        names: names_line,
        spans: spans.iter(),
        line: values,
        pos: body.min(values.len()),
        index: 0,
        slow: None,
    };
    if !prefix_matches {
        let mut pairs = fast.reference();
        pairs.state = State::PrefixDiffers;
        fast.slow = Some(pairs);
    }
    fast
}

/// The iterator [`fast_pairs`] returns.
#[derive(Debug, Clone)]
pub struct FastPairs<'a> {
    /// The names line, and where its names are still to come.
    names: &'a [u8],
    spans: std::slice::Iter<'a, (u32, u32)>,
    /// The values line, and where the previous value ended.
    line: &'a [u8],
    pos: usize,
    index: usize,
    /// The reference iterator, once something other than a plain value came up.
    slow: Option<Pairs<'a>>,
}

impl<'a> FastPairs<'a> {
    /// Hand over to the reference at the current place: the pairs yielded so far are the
    /// ones [`Pairs`] would have yielded, so it goes on from the same state.
    #[cold]
    fn hand_over(&mut self) -> Option<<Self as Iterator>::Item> {
        let pairs = self.reference();
        self.slow.insert(pairs).next()
    }

    /// The reference iterator in the state this one is in.
    fn reference(&self) -> Pairs<'a> {
        Pairs {
            names: Names::Spans { line: self.names, spans: self.spans.clone() },
            values: Tokens::from(self.line, self.pos),
            values_end: crate::lex::trim_end_blanks(self.line).len(),
            index: self.index,
            state: State::Pairing,
        }
    }
}

impl<'a> FastPairs<'a> {
    /// The next pair when it is a plain one (blanks, then a number that fits, then a blank
    /// or the line's end, and a name left for it): consumed and given. `None`: nothing
    /// consumed; [`Iterator::next`] decides (the end, or the reference reads on).
    #[inline(always)]
    fn plain(&mut self) -> Option<(&'a [u8], i128)> {
        let line = self.line;
        let p = self.pos;
        let (value, q) = if line.get(p) == Some(&b' ') && line.get(p + 1).is_some_and(u8::is_ascii_digit) {
            // The kernel's form: one space, then the digits (no blank loop, no sign).
            let (magnitude, q) = crate::lex::digit_run(line, p + 1);
            (i128::from(magnitude), q)
        } else {
            Self::signed(line, p)?
        };
        if !line.get(q).is_none_or(|&b| is_blank(b)) {
            return None;
        }
        let &(start, end) = self.spans.as_slice().first()?;
        let name = self.names.get(start as usize..end as usize)?;
        self.spans.next();
        self.pos = q;
        self.index += 1;
        Some((name, value))
    }

    /// The next pair when [`FastPairs::plain`] would give it and its value is written as
    /// the kernel writes it: one space, then 1 to 15 digits without a leading zero (or
    /// `0`), then a blank or the line's end. The value's decimal text is then those digits:
    /// given as they are (at the start of 16 bytes, then whatever followed them in the
    /// line, or zeros) with their count, not read as a number. `None`: nothing consumed.
    #[inline(always)]
    fn kernel_digits(&mut self) -> Option<(&'a [u8], [u8; 16], usize)> {
        let line = self.line;
        let at = self.pos + 1;
        if line.get(self.pos) != Some(&b' ') {
            return None;
        }
        let word = |from: usize| line.get(from..from + 8).and_then(|w| <[u8; 8]>::try_from(w).ok());
        let (text, len) = match word(at) {
            Some(first) => {
                let first = u64::from_le_bytes(first);
                let n = crate::lex::digit_lanes(first);
                let (second, m) = match n {
                    8 => {
                        let second = u64::from_le_bytes(word(at + 8)?);
                        (second, crate::lex::digit_lanes(second))
                    }
                    _ => (0, 0),
                };
                ((u128::from(second) << 64 | u128::from(first)).to_le_bytes(), n + m)
            }
            // Fewer than eight bytes left: the last value of the line, byte by byte.
            None => {
                let rest = line.get(at..)?;
                let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                let mut text = [0u8; 16];
                text.get_mut(..len)?.copy_from_slice(rest.get(..len)?);
                (text, len)
            }
        };
        if len == 0 || len > 15 || (len > 1 && text[0] == b'0') || !line.get(at + len).is_none_or(|&b| is_blank(b)) {
            return None;
        }
        let &(start, end) = self.spans.as_slice().first()?;
        let name = self.names.get(start as usize..end as usize)?;
        self.spans.next();
        self.pos = at + len;
        self.index += 1;
        Some((name, text, len))
    }

    /// The number after the blanks at `line[p..]` and where its digits end, any blanks
    /// before it and a sign allowed; `None` when there is no digit, or a negative number
    /// beyond 64 bits. Whether a blank or the end follows is the caller's check.
    #[inline(never)]
    fn signed(line: &[u8], mut p: usize) -> Option<(i128, usize)> {
        while p < line.len() && is_blank(line[p]) {
            p += 1;
        }
        let negative = *line.get(p)? == b'-';
        let digits = p + usize::from(negative);
        let (magnitude, q) = crate::lex::digit_run(line, digits);
        if q == digits || (negative && magnitude > 1 << 63) {
            return None;
        }
        let value = match negative {
            true => -i128::from(magnitude),
            false => i128::from(magnitude),
        };
        Some((value, q))
    }

    /// Hand the plain pairs to `each` (the pair's 1-based position, its name and value)
    /// for as long as they come, in one loop without an item per pair; the iterator then
    /// goes on from where they stopped (the end, or whatever [`Iterator::next`] reads).
    /// The pairs are those `next` would give as `Ok`, in order.
    ///
    /// ```
    /// use netsift_grammar::proc_net::{fast_pairs, name_spans, pair_line, values_body};
    /// let names = pair_line(b"Tcp: MaxConn ActiveOpens InSegs").unwrap();
    /// let spans: Vec<(u32, u32)> = name_spans(&names).collect();
    /// let line = b"Tcp: -1 236 12x";
    /// let mut pairs = fast_pairs(&names, &spans, line, values_body(line, b"Tcp").unwrap(), true);
    /// let mut plain = Vec::new();
    /// pairs.for_each_plain(|at, name, value| plain.push((at, name, value)));
    /// assert_eq!(plain, [(1, &b"MaxConn"[..], -1), (2, &b"ActiveOpens"[..], 236)]);
    /// assert!(pairs.next().unwrap().is_err());
    /// ```
    #[inline(always)]
    pub fn for_each_plain(&mut self, mut each: impl FnMut(usize, &'a [u8], i128)) {
        if self.slow.is_some() {
            return;
        }
        while let Some((name, value)) = self.plain() {
            each(self.index, name, value);
        }
    }

    /// [`FastPairs::for_each_plain`], each value given as its digits when the line has it
    /// as the kernel writes it ([`PlainValue::Digits`]: a writer copies them instead of
    /// reading the number and writing it back), else as a number. The same pairs, in the
    /// same order.
    ///
    /// ```
    /// use netsift_grammar::proc_net::{fast_pairs, name_spans, pair_line, values_body, PlainValue};
    /// let names = pair_line(b"Tcp: MaxConn ActiveOpens InSegs OutSegs").unwrap();
    /// let spans: Vec<(u32, u32)> = name_spans(&names).collect();
    /// let line = b"Tcp: -1 236 007 12x";
    /// let mut pairs = fast_pairs(&names, &spans, line, values_body(line, b"Tcp").unwrap(), true);
    /// let mut plain = Vec::new();
    /// pairs.for_each_plain_text(|at, name, value| plain.push((at, name, value)));
    /// assert_eq!(
    ///     plain,
    ///     [
    ///         (1, &b"MaxConn"[..], PlainValue::Number(-1)),
    ///         (2, &b"ActiveOpens"[..], PlainValue::Digits { text: *b"236 007 \0\0\0\0\0\0\0\0", len: 3 }),
    ///         (3, &b"InSegs"[..], PlainValue::Number(7)),
    ///     ]
    /// );
    /// assert!(pairs.next().unwrap().is_err());
    /// ```
    #[inline(always)]
    pub fn for_each_plain_text(&mut self, mut each: impl FnMut(usize, &'a [u8], PlainValue)) {
        if self.slow.is_some() {
            return;
        }
        loop {
            let (name, value) = match self.kernel_digits() {
                Some((name, text, len)) => (name, PlainValue::Digits { text, len }),
                None => match self.plain() {
                    Some((name, value)) => (name, PlainValue::Number(value)),
                    None => return,
                },
            };
            // One call of `each`, so that it is inlined once.
            each(self.index, name, value);
        }
    }
}

/// The value of a plain pair, as [`FastPairs::for_each_plain_text`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainValue {
    /// The value's decimal digits as the line has them: its text in JSON, or any other
    /// writer's.
    Digits {
        /// The digits, then whatever followed them in the line, or zeros.
        text: [u8; 16],
        /// How many digits (1 to 15, no leading zero).
        len: usize,
    },
    /// The value, printed in another way (a sign, a leading zero, more than 15 digits, a
    /// tab before it).
    Number(i128),
}

impl PlainValue {
    /// The value.
    pub fn value(self) -> i128 {
        match self {
            PlainValue::Digits { text, len } => {
                text.iter().take(len).fold(0, |n, &d| n * 10 + i128::from(d.wrapping_sub(b'0')))
            }
            PlainValue::Number(n) => n,
        }
    }
}

impl<'a> Iterator for FastPairs<'a> {
    type Item = Result<(&'a [u8], i128), PairError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if let Some(slow) = &mut self.slow {
            return slow.next();
        }
        if let Some(pair) = self.plain() {
            return Some(Ok(pair));
        }
        // No value left (the end, or a name without one: the reference says which), or
        // one that is not plain.
        let rest = self.line.get(self.pos..).unwrap_or_default();
        match (rest.iter().all(|&b| is_blank(b)), self.spans.len()) {
            (true, 0) => None,
            _ => self.hand_over(),
        }
    }
}

/// The blank-separated words of a line from a byte offset on, with their offsets in the line.
/// The words of a line from an offset on.
type Tokens<'a> = crate::lex::Words<'a>;

#[cfg(test)]
mod tests {
    use super::*;

    // Real lines: /proc/net/snmp and /proc/net/netstat of kernel 6.18 (corpus run r1 and
    // tests/fixtures/captured/deb12_proc-net-*.txt), and jc's linux-proc_net_netstat.
    const TCP_NAMES: &[u8] = b"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors";
    const TCP_VALUES: &[u8] = b"Tcp: 1 200 120000 -1 236 142 0 74 71 6734 6168 97 0 94 0";

    /// The block-wise check of a values line (`lex::all_digits_or_blanks`) answers as the
    /// byte-by-byte one, for every length around a block's and every position of one byte
    /// that is neither digit nor blank.
    #[test]
    fn digits_and_blanks_as_byte_by_byte() {
        let digits_and_blanks = crate::lex::all_digits_or_blanks;
        let naive = |b: &[u8]| b.iter().all(|&c| c.is_ascii_digit() || is_blank(c));
        for len in [0, 1, 7, 63, 64, 65, 127, 128, 129, 200] {
            let good: Vec<u8> = (0..len).map(|i| b"0123456789 \t"[i % 12]).collect();
            assert!(digits_and_blanks(&good), "len {len}");
            for at in 0..len {
                for bad in [b'-', b'/', b':', b'a', b'\n', 0x80, 0xff] {
                    let mut line = good.clone();
                    line[at] = bad;
                    assert_eq!(digits_and_blanks(&line), naive(&line), "len {len} at {at} byte {bad}");
                    assert!(!digits_and_blanks(&line));
                }
            }
        }
    }

    #[test]
    fn names_and_values_of_the_tcp_pair() {
        let names = pair_line(TCP_NAMES).unwrap();
        let values = pair_line(TCP_VALUES).unwrap();
        assert_eq!(names.prefix, b"Tcp");
        assert_eq!(names.kind, PairKind::Names);
        assert_eq!(values.kind, PairKind::Values);
        assert_eq!(names.len(), 15);
        assert_eq!(values.len(), 15);
        let got: Vec<_> = pairs(&names, &values).collect::<Result<_, _>>().unwrap();
        assert_eq!(got.len(), 15);
        assert_eq!(got[3], (&b"MaxConn"[..], -1));
        assert_eq!(got[14], (&b"InCsumErrors"[..], 0));
    }

    #[test]
    fn every_prefix_and_an_empty_section() {
        for line in [
            &b"Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits"[..],
            b"IcmpMsg: InType3",
            b"UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors",
            b"IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps",
            b"MPTcpExt: MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX",
            b"NewKernelThing: A B",
        ] {
            let l = pair_line(line).unwrap();
            assert_eq!(l.kind, PairKind::Names, "{}", String::from_utf8_lossy(line));
        }
        let l = pair_line(b"IpExt: 0 0 9 11 0 0 129993246 79036604 504 584 0 0 0 6795 0 0 0 0").unwrap();
        assert_eq!(l.kind, PairKind::Values);
        assert_eq!(l.values().nth(6), Some(Ok(129_993_246)));
        assert_eq!(pair_line(b"MPTcpExt:").unwrap().kind, PairKind::Empty);
        assert_eq!(pair_line(b"MPTcpExt:   ").unwrap().kind, PairKind::Empty);
    }

    #[test]
    fn trailing_blank_and_full_u64_range() {
        // jc's capture ends its values lines with a blank.
        let l = pair_line(b"IpExt: 0 0 0 0 366 0 57734503 42330709 0 0 31466 0 0 106821 0 3273 0 0 ").unwrap();
        assert_eq!(l.len(), 18);
        let l = pair_line(b"TcpExt: 18446744073709551615 -9223372036854775808").unwrap();
        let v: Vec<_> = l.values().collect();
        assert_eq!(v, vec![Ok(i128::from(u64::MAX)), Ok(i128::from(i64::MIN))]);
        let l = pair_line(b"TcpExt: 1 18446744073709551616").unwrap();
        assert_eq!(l.kind, PairKind::Values);
        assert_eq!(l.values().nth(1), Some(Err(LineError::new(10, "a number that fits in 64 bits"))));
    }

    #[test]
    fn a_long_header_line() {
        let mut line = b"TcpExt:".to_vec();
        for i in 0..5000 {
            line.extend_from_slice(format!(" Name{i}").as_bytes());
        }
        let l = pair_line(&line).unwrap();
        assert_eq!(l.len(), 5000);
        assert_eq!(l.kind, PairKind::Names);
    }

    #[test]
    fn mismatches_are_reported_once_at_the_first_place() {
        let names = pair_line(b"TcpExt: A B").unwrap();
        let values = pair_line(b"TcpExt: 1 2 3").unwrap();
        let got: Vec<_> = pairs(&names, &values).collect();
        assert_eq!(got.len(), 3);
        let e = got[2].unwrap_err();
        assert_eq!((e.kind, e.index, e.column), (PairErrorKind::ExtraValue, 2, 12));
        assert_eq!(e.line_error().column, 12);

        let values = pair_line(b"TcpExt: 1 x").unwrap();
        assert_eq!(values.kind, PairKind::Names);
        let got: Vec<_> = pairs(&names, &values).collect();
        assert_eq!(got[0], Ok((&b"A"[..], 1)));
        assert_eq!(got[1].unwrap_err().kind, PairErrorKind::BadValue);
        assert_eq!(got[1].unwrap_err().column, 10);

        let values = pair_line(b"IpExt: 1 2").unwrap();
        let got: Vec<_> = pairs(&names, &values).collect();
        assert_eq!(got, vec![Err(PairError { kind: PairErrorKind::PrefixDiffers, index: 0, column: 0 })]);
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(pair_line(b"").unwrap_err(), LineError::new(0, "a section prefix such as `Tcp:`"));
        assert_eq!(pair_line(b" Tcp: 1").unwrap_err().column, 0);
        assert_eq!(pair_line(b"Tcp 1 2").unwrap_err(), LineError::new(3, "`:` after the section name (e.g. `Tcp:`)"));
        assert_eq!(pair_line(b": 1 2").unwrap_err().column, 0);
        assert_eq!(pair_line(b"a:b 1").unwrap_err().column, 1);
    }

    #[test]
    fn eight_digits_at_a_time() {
        for text in [
            "0",
            "7",
            "12",
            "123456",
            "1234567",
            "12345678",
            "123456789",
            "9999999999999999",
            "00012",
            "1234567812345678",
        ] {
            for tail in ["", " ", "x", " 5", "99999999"] {
                let line = format!("{text}{tail}");
                let (value, at) = crate::lex::leading_digits(line.as_bytes(), 0);
                let digits = line.bytes().take_while(u8::is_ascii_digit).count();
                // Every digit read, unless fewer than eight bytes were left or sixteen read.
                assert!(at <= digits && (at == digits || line.len() - at < 8 || at > 8), "{line:?}: {at}");
                assert_eq!(value, line[..at].parse::<u64>().unwrap_or(0), "{line:?}");
            }
        }
        assert_eq!(crate::lex::digit_lanes(u64::from_le_bytes(*b"12/4:678")), 2);
        assert_eq!(crate::lex::digit_lanes(u64::from_le_bytes(*b"\xb12345678")), 0);
        assert_eq!(crate::lex::digit_lanes(u64::from_le_bytes(*b"01234567")), 8);
    }

    proptest::proptest! {
        /// A line's kind is what its words are, however they start (a negative number
        /// first, a name that starts with `-` or a digit, blanks and tabs between them).
        #[test]
        fn kind_is_what_the_words_are(
            words in proptest::collection::vec(
                proptest::prop_oneof!["-?[0-9]{1,5}", "[A-Za-z][A-Za-z0-9]{0,5}", "-", "-[a-z]", "[0-9]{1,3}[a-z:-]"],
                0..5,
            ),
            gaps in proptest::collection::vec("[ \t]{1,2}", 5),
        ) {
            let mut line = "Tcp:".to_string();
            for (word, gap) in words.iter().zip(&gaps) {
                line.push_str(gap);
                line.push_str(word);
            }
            let expected = match words.iter().all(|w| is_counter_shape(w.as_bytes())) {
                _ if words.is_empty() => PairKind::Empty,
                true => PairKind::Values,
                false => PairKind::Names,
            };
            proptest::prop_assert_eq!(pair_line(line.as_bytes()).map(|l| l.kind), Ok(expected), "{:?}", line);
        }
    }

    #[test]
    fn lenient_prefix() {
        let l = pair_line_lenient(b"foo A B").unwrap();
        assert_eq!((l.prefix, l.colon, l.kind), (&b"foo"[..], false, PairKind::Names));
        let l = pair_line_lenient(b"TcpExt: 1 2").unwrap();
        assert_eq!((l.prefix, l.colon), (&b"TcpExt"[..], true));
        assert!(pair_line_lenient(b"   ").is_err());
    }
}
