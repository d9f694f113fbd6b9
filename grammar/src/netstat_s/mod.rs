//! `netstat -s`: what one line is.
//!
//! netstat reads /proc/net/snmp and /proc/net/netstat and prints each section as a title
//! at column 0 (`Tcp:`) followed by its counters, indented: a sentence with the value
//! substituted where net-tools knows the counter (`    236 active connection openings`,
//! `    Quick ack mode was activated 4 times`, `        destination unreachable: 1` under an
//! ICMP histogram sub-title), and `    Name: value` with the kernel's name where it does not
//! (`    TCPLossProbes: 22`). Error messages from netstat and the shell can sit anywhere.
//!
//! The indentation leaks from one section into the next (`IcmpMsg` entries come out with 8
//! blanks after the output histogram), so it is never used for structure here: a title is a
//! line that ends with `:` and starts at column 0, a sub-title is a known histogram title or
//! an indented line ending with `:`, and a counter is whatever holds a number. Values may be
//! negative (net-tools 1.60 prints counters of 2^31 and more as negative 32-bit numbers).
//!
//! [`classify`] says what a line is, without context. The sentence table ([`lookup`],
//! [`templates`]) maps each sentence to its kernel counter; [`Counter::mapping`] does so with
//! the section and histogram the push parser tracks.
//!
//! ```
//! use netsift_grammar::netstat_s::{classify, Context, Mapping, StatLine};
//!
//! let StatLine::Counter(c) = classify(b"    Quick ack mode was activated 4 times").unwrap() else { panic!() };
//! assert_eq!(c.value, 4);
//! let ctx = Context { section: Some(b"TcpExt"), histogram: None };
//! assert_eq!(c.mapping(ctx), Mapping::Known { section: "TcpExt", name: "DelayedACKLost" });
//! ```

mod sentences;
mod sentences_data;

pub use sentences::{
    lookup, templates, Context, Direction, Mapping, Matches, Template, Versions, WordSentence, KERNEL_SECTIONS,
};

use crate::lex::{is_blank, parse_counter, trim_end_blanks};
use crate::netstat::words::Lang;
use crate::LineError;

/// The longest run of digits [`Counter::shape`] answers for: any 18 digits fit a counter,
/// with or without a sign.
pub const SHAPE_DIGITS: usize = 18;

/// What one line of `netstat -s` output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatLine<'a> {
    /// Empty, or only blanks.
    Blank,
    /// A section title: `Ip:` at column 0.
    Section(Section<'a>),
    /// A histogram sub-title (`    ICMP input histogram:`), or any other indented line that
    /// ends with `:` and holds nothing after it.
    Histogram(Histogram<'a>),
    /// A counter: a sentence with its value, or `Name: value`.
    Counter(Counter<'a>),
    /// An error message or a line of some other tool.
    Notice(Notice<'a>),
}

/// A section title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section<'a> {
    /// The title without its colon (`TcpExt`). Titles are the kernel's prefixes; a localized
    /// build could translate them, so any text is accepted.
    pub name: &'a [u8],
    /// True when `name` is one of the kernel's prefixes ([`KERNEL_SECTIONS`]).
    pub known: bool,
}

/// A histogram sub-title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Histogram<'a> {
    /// The sub-title without indentation or trailing blanks.
    pub text: &'a [u8],
    /// Which histogram, when the title is a known one.
    pub direction: Option<Direction>,
    /// The language of a known title.
    pub lang: Option<Lang>,
}

/// What kind of message a notice line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// netstat could not read a /proc file: `error parsing /proc/net/netstat: …`,
    /// `cannot open /proc/net/snmp`, `Problem while parsing /proc/net/netstat`, translated.
    ProcError,
    /// `unknown …`: a section netstat does not print.
    Unknown,
    /// A message of the shell or another program: `/bin/sh: …`, `… command not found`,
    /// `…: No such file or directory`.
    Shell,
    /// `netstat: …` and the other messages netstat prints for connection tables.
    Tool,
    /// A time stamp between captures (`date` output).
    Timestamp,
    /// Any other line at column 0 that is neither a title nor a known counter (a banner).
    Other,
}

impl NoticeKind {
    /// snake_case name, stable for JSON.
    pub fn name(self) -> &'static str {
        match self {
            NoticeKind::ProcError => "proc_error",
            NoticeKind::Unknown => "unknown_section",
            NoticeKind::Shell => "shell",
            NoticeKind::Tool => "tool_message",
            NoticeKind::Timestamp => "timestamp",
            NoticeKind::Other => "other",
        }
    }
}

/// A notice line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice<'a> {
    /// What kind of message.
    pub kind: NoticeKind,
    /// The line without trailing blanks.
    pub text: &'a [u8],
}

/// How a counter was printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CounterForm {
    /// A sentence with the number somewhere in it (first, in the middle, after a colon).
    Sentence,
    /// `Name: value`, where `Name` has no blank: the kernel's own name, for counters
    /// net-tools has no sentence for.
    Named,
    /// `Forwarding is enabled` / `RTO algorithm is vanj`: a word stands for the value.
    Word(WordSentence),
}

/// A counter line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter<'a> {
    /// The whole line, as given.
    pub line: &'a [u8],
    /// The value. `i128` holds every `u64` and the negative values of net-tools 1.60.
    pub value: i128,
    /// How the counter was printed.
    pub form: CounterForm,
    /// Byte range of the text (the line without indentation and trailing blanks).
    text: (u32, u32),
    /// Byte range of the number (or word) in the line.
    number: (u32, u32),
    /// The templates of the table that print this sentence.
    matches: Option<Matches>,
    /// The language of a word sentence.
    word_lang: Option<Lang>,
}

impl<'a> Counter<'a> {
    /// The counter's text: the line without its indentation and trailing blanks.
    pub fn text(&self) -> &'a [u8] {
        &self.line[self.text.0 as usize..self.text.1 as usize]
    }

    /// How many blanks the line starts with (never meaningful for structure).
    pub fn indent(&self) -> usize {
        self.text.0 as usize
    }

    /// The number as printed (or the word, for `Forwarding is enabled`).
    pub fn number_text(&self) -> &'a [u8] {
        &self.line[self.number.0 as usize..self.number.1 as usize]
    }

    /// Byte range of the number in the line.
    pub fn number_range(&self) -> std::ops::Range<usize> {
        self.number.0 as usize..self.number.1 as usize
    }

    /// The text before the number (`Quick ack mode was activated `).
    pub fn before(&self) -> &'a [u8] {
        &self.line[self.text.0 as usize..self.number.0 as usize]
    }

    /// The text after the number (` times`).
    pub fn after(&self) -> &'a [u8] {
        &self.line[self.number.1 as usize..self.text.1 as usize]
    }

    /// For `Name: value`, the name.
    pub fn name(&self) -> Option<&'a [u8]> {
        match self.form {
            CounterForm::Named => {
                let before = self.before();
                let colon = before.iter().position(|&b| b == b':')?;
                Some(&before[..colon])
            }
            _ => None,
        }
    }

    /// The templates of the table that print this sentence (empty when unknown).
    pub fn templates(&self) -> impl Iterator<Item = &'static Template> + Clone {
        self.matches.into_iter().flat_map(Matches::iter)
    }

    /// True when the sentence is one net-tools prints (any version, any language).
    pub fn is_known(&self) -> bool {
        self.matches.is_some() || matches!(self.form, CounterForm::Word(_))
    }

    /// The language of the sentence, when it is a known one.
    pub fn lang(&self) -> Option<Lang> {
        self.word_lang.or_else(|| self.templates().next().map(|t| t.lang))
    }

    /// The counter's digits as a shape: `Some((start, end, negative))` when its number is
    /// the last run of digits of an indented line, at most [`SHAPE_DIGITS`] long, read as a
    /// sentence or as `Name: value` (`start..end` the digits, `negative` when a `-` before
    /// them is the number's sign).
    ///
    /// Then every line that differs from this one only in that run's digits (1 to
    /// [`SHAPE_DIGITS`] of them) is, by [`classify`], the same counter with that run's
    /// value: same form, templates, name, text range and histogram shape. So a reader of a
    /// periodic log may remember what a line was, keyed by its bytes without that run, and
    /// read the next capture's line by comparing those bytes and reading the digits. Why
    /// it holds: the run's digits change no other number's lookup (no template has a digit
    /// after its `%`), no histogram title or word sentence has a digit, every number fits,
    /// and what is not a digit of that run stays where it was (`shape_props` in the tests
    /// checks it on generated lines).
    ///
    /// ```
    /// use netsift_grammar::netstat_s::{classify, StatLine};
    /// let StatLine::Counter(c) = classify(b"    InType3: -17").unwrap() else { panic!() };
    /// assert_eq!(c.shape(), Some((14, 16, true)));
    /// let StatLine::Counter(c) = classify(b"    Quick ack mode was activated 4 times").unwrap() else { panic!() };
    /// assert_eq!(c.shape(), Some((33, 34, false)));
    /// // The number is not the last run of digits; a word stands for the value.
    /// let StatLine::Counter(c) = classify(b"    5 packets in 3 ways").unwrap() else { panic!() };
    /// assert_eq!(c.shape(), None);
    /// let StatLine::Counter(c) = classify(b"    Forwarding is enabled").unwrap() else { panic!() };
    /// assert_eq!(c.shape(), None);
    /// ```
    pub fn shape(&self) -> Option<(usize, usize, bool)> {
        if self.indent() == 0 || !matches!(self.form, CounterForm::Sentence | CounterForm::Named) {
            return None;
        }
        let number = self.number_range();
        let end = self.line.iter().rposition(u8::is_ascii_digit)? + 1;
        let start = self.line[..end].iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |p| p + 1);
        let negative = match number.start {
            s if s == start => false,
            s if s + 1 == start && self.line[s] == b'-' => true,
            _ => return None,
        };
        (number.end == end && end - start <= SHAPE_DIGITS).then_some((start, end, negative))
    }

    /// The kernel counter this line shows, given where it was printed.
    ///
    /// ```
    /// use netsift_grammar::netstat_s::{classify, Context, Direction, Mapping, StatLine};
    /// let StatLine::Counter(c) = classify(b"        destination unreachable: 1").unwrap() else { panic!() };
    /// let ctx = Context { section: Some(b"Icmp"), histogram: Some(Direction::Output) };
    /// assert_eq!(c.mapping(ctx), Mapping::Known { section: "Icmp", name: "OutDestUnreachs" });
    /// let StatLine::Counter(c) = classify(b"    TCPLossProbes: 22").unwrap() else { panic!() };
    /// assert_eq!(c.mapping(Context::default()), Mapping::Named(b"TCPLossProbes"));
    /// ```
    pub fn mapping(&self, ctx: Context<'_>) -> Mapping<'a> {
        if let CounterForm::Word(w) = self.form {
            let (section, name) = w.counter();
            return Mapping::Known { section, name };
        }
        if let Some(m) = self.matches {
            return sentences::resolve(m, ctx);
        }
        match self.name() {
            Some(name) => Mapping::Named(name),
            None => Mapping::Unknown,
        }
    }
}

/// Say what one line of `netstat -s` output is.
///
/// Known error messages and time stamps at column 0 are notices; a line at column 0 ending
/// with `:` is a section title; a known histogram sub-title (any language, any indentation)
/// or an indented line ending with `:` is a sub-title; a line with a number is a counter.
/// At column 0, where netstat prints only titles, a line is a counter only if it is a known
/// sentence or `Name: value` with an identifier name, and any other line is an `Other`
/// notice. An indented line without a number is an error.
///
/// ```
/// use netsift_grammar::netstat_s::{classify, NoticeKind, StatLine};
/// assert!(matches!(classify(b"TcpExt:").unwrap(), StatLine::Section(s) if s.name == b"TcpExt"));
/// assert!(matches!(classify(b"    ICMP output histogram:").unwrap(), StatLine::Histogram(_)));
/// assert!(matches!(classify(b"    6793 total packets received").unwrap(), StatLine::Counter(c) if c.value == 6793));
/// let n = classify(b"error parsing /proc/net/netstat: No such file or directory").unwrap();
/// assert!(matches!(n, StatLine::Notice(n) if n.kind == NoticeKind::ProcError));
/// assert_eq!(classify(b"    three packets glanced at").unwrap_err().column, 4);
/// ```
pub fn classify(line: &[u8]) -> Result<StatLine<'_>, LineError> {
    let end = trim_end_blanks(line).len();
    if end == 0 {
        return Ok(StatLine::Blank);
    }
    let indent = line.iter().position(|&b| !is_blank(b)).unwrap_or(end);
    let text = &line[indent..end];

    if indent == 0 {
        // The commonest unindented line, a kernel section title (`Tcp:`), is no notice.
        if let Some(title) = text.strip_suffix(b":").filter(|t| KERNEL_SECTIONS.iter().any(|k| k.as_bytes() == *t)) {
            return Ok(StatLine::Section(Section { name: title, known: true }));
        }
        if let Some(kind) = notice_kind(text) {
            return Ok(StatLine::Notice(Notice { kind, text }));
        }
    }
    if let Some((direction, lang)) = sentences::histogram_title(text) {
        return Ok(StatLine::Histogram(Histogram { text, direction: Some(direction), lang: Some(lang) }));
    }
    if let Some(title) = text.strip_suffix(b":") {
        let title = trim_end_blanks(title);
        if indent == 0 && !title.is_empty() {
            let known = KERNEL_SECTIONS.iter().any(|k| k.as_bytes() == title);
            return Ok(StatLine::Section(Section { name: title, known }));
        }
        if indent > 0 {
            return Ok(StatLine::Histogram(Histogram { text, direction: None, lang: None }));
        }
    }
    match counter(line, indent, end) {
        Ok(c) if indent > 0 || c.is_known() || c.name().is_some_and(is_identifier) => Ok(StatLine::Counter(c)),
        Ok(_) => Ok(StatLine::Notice(Notice { kind: NoticeKind::Other, text })),
        Err(_) if indent == 0 => Ok(StatLine::Notice(Notice { kind: NoticeKind::Other, text })),
        Err(e) => Err(e),
    }
}

/// Read a counter line on its own: [`classify`] for a line known to be a counter.
///
/// ```
/// use netsift_grammar::netstat_s::{counter_line, CounterForm};
/// let c = counter_line(b"    -5 total packets received").unwrap();
/// assert_eq!((c.value, c.form), (-5, CounterForm::Sentence));
/// assert_eq!(c.after(), b" total packets received");
/// ```
pub fn counter_line(line: &[u8]) -> Result<Counter<'_>, LineError> {
    let end = trim_end_blanks(line).len();
    let indent = line.iter().position(|&b| !is_blank(b)).unwrap_or(end);
    counter(line, indent, end)
}

fn notice_kind(text: &[u8]) -> Option<NoticeKind> {
    if let Some(kind) = sentences::notice_prefix(text) {
        return Some(kind);
    }
    if text.starts_with(b"unknown ") {
        return Some(NoticeKind::Unknown);
    }
    const SHELLS: [&[u8]; 6] = [b"/bin/sh:", b"/usr/bin/sh:", b"sh:", b"bash:", b"/bin/bash:", b"/usr/bin/bash:"];
    if SHELLS.iter().any(|s| text.starts_with(s))
        || contains(text, b"command not found")
        || contains(text, b": No such file or directory")
    {
        return Some(NoticeKind::Shell);
    }
    match crate::netstat::notice(text)? {
        crate::netstat::NoticeKind::Timestamp => Some(NoticeKind::Timestamp),
        _ => Some(NoticeKind::Tool),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A kernel counter name: ASCII letters, digits and `_`, starting with a letter.
fn is_identifier(name: &[u8]) -> bool {
    name.first().is_some_and(u8::is_ascii_alphabetic) && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The runs of digits in `text` that can be the printed number, each with a `-` before it
/// when that `-` starts a word: `(start, end)` offsets in `text`.
fn numbers(text: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < text.len() && !text[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos >= text.len() {
            return None;
        }
        let mut start = pos;
        while pos < text.len() && text[pos].is_ascii_digit() {
            pos += 1;
        }
        if start > 0 && text[start - 1] == b'-' && (start == 1 || is_blank(text[start - 2])) {
            start -= 1;
        }
        Some((start, pos))
    })
}

fn counter(line: &[u8], indent: usize, end: usize) -> Result<Counter<'_>, LineError> {
    let text = &line[indent..end];
    let at = |start: usize, stop: usize| ((indent + start) as u32, (indent + stop) as u32);
    let make = |value, form, number, matches| Counter {
        line,
        value,
        form,
        text: (indent as u32, end as u32),
        number,
        matches,
        word_lang: None,
    };

    // 1. A sentence of the table, wherever its number is.
    for (s, e) in numbers(text) {
        if let Some(m) = lookup(&text[..s], &text[e..]) {
            if let Some(value) = parse_counter(&text[s..e]) {
                return Ok(make(value, CounterForm::Sentence, at(s, e), Some(m)));
            }
            return Err(LineError::new(indent + s, "a number that fits in 64 bits"));
        }
    }

    // 2. `Name: value`.
    if let Some(colon) = text.iter().position(|&b| b == b':') {
        let name = &text[..colon];
        let rest = &text[colon + 1..];
        let skip = rest.iter().position(|&b| !is_blank(b)).unwrap_or(rest.len());
        let value = &rest[skip..];
        if !name.is_empty() && !name.iter().any(|&b| is_blank(b)) && skip > 0 {
            if let Some(v) = parse_counter(value) {
                let s = colon + 1 + skip;
                return Ok(make(v, CounterForm::Named, at(s, text.len()), None));
            }
        }
    }

    // 3. `Forwarding is enabled`.
    if let Some((which, lang, s, e, value)) = sentences::word_sentence(text) {
        let mut c = make(value, CounterForm::Word(which), at(s, e), None);
        c.word_lang = Some(lang);
        return Ok(c);
    }

    // 4. An unknown sentence: the first number that is a word of its own, else the first
    //    run of digits (scripts that glue numbers to words, such as Japanese).
    let whole = |&(s, e): &(usize, usize)| {
        (s == 0 || is_blank(text[s - 1])) && (e == text.len() || is_blank(text[e]) || text[e] == b'.')
    };
    let pick = numbers(text).find(whole).or_else(|| numbers(text).next());
    match pick {
        Some((s, e)) => match parse_counter(&text[s..e]) {
            Some(value) => Ok(make(value, CounterForm::Sentence, at(s, e), None)),
            None => Err(LineError::new(indent + s, "a number that fits in 64 bits")),
        },
        None => Err(LineError::new(indent, "a counter: a sentence with a number, or `Name: value`")),
    }
}

#[cfg(test)]
mod tests;
