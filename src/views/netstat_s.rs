//! The lookup view of insights' `NetstatS` parser (`netstat -s`), built from events.
//!
//! insights keys the data by *normalised printed text*, not by kernel counter names:
//! `data["tcpext"]["quick_ack_mode_was_activated_times"] == "9"`. Its normalisation works
//! on the raw lines (indentation and trailing blanks included), so this view runs the same
//! algorithm over the raw line every `netstat -s` event carries, in input order:
//!
//! - a line that does not start with two blanks ends the section and names the next one
//!   (the text before its first `:`, lower-cased, indentation kept); a name starting with
//!   `error` is skipped;
//! - a line with two leading blanks and a `:`: key = the text before the first `:`,
//!   stripped, each blank turned into `_`, lower-cased; value = the text after it, stripped
//!   and lower-cased; nothing at all after the `:` opens a sub-table instead (unless one is
//!   open already);
//! - a line with two leading blanks and no `:` closes an open sub-table; one final `.` is
//!   cut; the value is the first word made of digits only, the key the other words (every
//!   copy of the value dropped), lower-cased and joined by `_`; without such a word the
//!   line is ignored.
//!
//! Values stay strings. Two differences from insights, both of its `fix` quirks: a sub-table
//! still open at the end of the input is kept, and no `None` key is added (for an empty
//! input, or a trailing error line). Blank lines carry no event and so do not end a
//! section here (insights ends it; netstat never prints one), and time stamps between the
//! captures of a periodic log are not taken for section names.
//!
//! Kernel counter names (`TcpExt`/`DelayedACKLost`) are on the `Counter` events, and in
//! [`crate::views::proc_net::ProcNetstatView`], which also reads `netstat -s` events.
//!
//! # insights' documented example, reproduced
//!
//! The sample of insights' `NetstatS` docstring, and what its doctest asserts:
//!
//! ```
//! use netsift::views::{netstat::CaptureSelect, netstat_s::NetstatSView};
//! use netsift::Format;
//! let input = std::fs::read("tests/fixtures/insights/fixtures/netstat-s-docs-sample.txt").unwrap();
//! let mut stats = NetstatSView::new(CaptureSelect::Last);
//! netsift::input::parse_reader(&input[..], Format::NetstatS, &mut stats).unwrap();
//! let data = stats.data();
//!
//! // sorted(stats.data.keys()): by heading, lower case
//! let mut sections: Vec<&[u8]> = data.iter().map(|(k, _)| k).collect();
//! sections.sort();
//! assert_eq!(sections, [&b"icmp"[..], b"icmpmsg", b"ip", b"tcp", b"udp"]);
//! let ip = data.get("ip").and_then(|v| v.as_table()).unwrap();
//! assert!(ip.contains_key("forwarded"));
//! assert_eq!(data.text("ip", "forwarded"), Some(&b"0"[..]));
//! // spaces turned into underscores, dots removed
//! assert_eq!(data.text("ip", "requests_sent_out"), Some(&b"2886201"[..]));
//! assert_eq!(data.text("tcp", "bad_segments_received"), Some(&b"0"[..]));
//! // a histogram is a sub-table
//! let icmp = data.get("icmp").and_then(|v| v.as_table()).unwrap();
//! let histogram = icmp.get("icmp_output_histogram").and_then(|v| v.as_table()).unwrap();
//! assert_eq!(histogram.get("destination_unreachable").and_then(|v| v.as_text()), Some(&b"254"[..]));
//! ```

use std::collections::HashMap;

use super::netstat::CaptureSelect;
use super::{Spill, Spool};
use crate::events::{Event, EventKind, NoticeKind, Problem, Table};
use crate::json::{self, Object};

/// An insertion-ordered map with byte-string keys, like a Python `dict`: setting a key
/// that is present replaces its value in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedMap<V> {
    entries: Vec<(Vec<u8>, V)>,
    index: HashMap<Vec<u8>, usize>,
}

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap { entries: Vec::new(), index: HashMap::new() }
    }
}

impl<V> OrderedMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `key`.
    pub fn get(&self, key: impl AsRef<[u8]>) -> Option<&V> {
        self.index.get(key.as_ref()).and_then(|&i| self.entries.get(i)).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: impl AsRef<[u8]>) -> bool {
        self.index.contains_key(key.as_ref())
    }

    /// Set `key` to `value`: in place when present, at the end otherwise.
    pub fn insert(&mut self, key: Vec<u8>, value: V) {
        match self.index.get(&key) {
            Some(&i) => {
                if let Some(entry) = self.entries.get_mut(i) {
                    entry.1 = value;
                }
            }
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    /// The value of `key`, inserted with `make` first when absent.
    pub fn entry_or_insert_with(&mut self, key: &[u8], make: impl FnOnce() -> V) -> &mut V {
        let i = match self.index.get(key) {
            Some(&i) => i,
            None => {
                self.index.insert(key.to_vec(), self.entries.len());
                self.entries.push((key.to_vec(), make()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// The entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.entries.iter().map(|(k, v)| (k.as_slice(), v))
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A value of the `NetstatS` data: a counter's text, or a histogram sub-table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatValue {
    /// The value as insights keeps it, a string (`"9"`; a `key: value` line's value
    /// lower-cased).
    Text(Vec<u8>),
    /// A sub-table (`icmp_input_histogram`), or a section at the top level.
    Table(StatTable),
}

impl StatValue {
    /// The text, for a value that is one.
    pub fn as_text(&self) -> Option<&[u8]> {
        match self {
            StatValue::Text(t) => Some(t),
            StatValue::Table(_) => None,
        }
    }

    /// The table, for a value that is one.
    pub fn as_table(&self) -> Option<&StatTable> {
        match self {
            StatValue::Table(t) => Some(t),
            StatValue::Text(_) => None,
        }
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            StatValue::Text(t) => json::string(out, t),
            StatValue::Table(t) => t.write_json(out),
        }
    }
}

/// A table of the `NetstatS` data: key → value or sub-table, in insertion order.
pub type StatTable = OrderedMap<StatValue>;

impl StatTable {
    /// Write the table as a JSON object (all values strings or objects).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json::string(out, k);
            out.push(b':');
            v.write_json(out);
        }
        out.push(b'}');
    }

    /// The text at `section` → `key` (`data["tcp"]["resets_sent"]`).
    pub fn text(&self, section: &str, key: &str) -> Option<&[u8]> {
        self.get(section)?.as_table()?.get(key)?.as_text()
    }
}

/// insights' parse state for one capture.
#[derive(Debug, Clone, Default)]
struct Run {
    number: u32,
    data: StatTable,
    /// The current section name; `None` when unset. An empty name counts as unset.
    session: Option<Vec<u8>>,
    first: StatTable,
    second: StatTable,
    has_second: bool,
    layer_key: Vec<u8>,
}

impl Run {
    fn session_set(&self) -> bool {
        self.session.as_ref().is_some_and(|s| !s.is_empty())
    }

    fn close_subtable(&mut self) {
        if self.has_second {
            let table = std::mem::take(&mut self.second);
            self.first.insert(std::mem::take(&mut self.layer_key), StatValue::Table(table));
            self.has_second = false;
        }
    }

    /// One line through insights' `NetstatS.parse_content` loop.
    fn feed(&mut self, line: &[u8]) {
        if self.session_set() {
            if line.starts_with(b"  ") {
                if let Some(colon) = line.iter().position(|&b| b == b':') {
                    let key = py_lower(&replace_blanks(py_strip(&line[..colon])));
                    let val = &line[colon + 1..];
                    if val.is_empty() && !self.has_second {
                        self.has_second = true;
                        self.layer_key = key;
                    } else {
                        let value = StatValue::Text(py_lower(py_strip(val)));
                        if self.has_second {
                            self.second.insert(key, value);
                        } else {
                            self.first.insert(key, value);
                        }
                    }
                } else {
                    self.close_subtable();
                    let line = line.strip_suffix(b".").unwrap_or(line);
                    let parts: Vec<&[u8]> = py_split(line).collect();
                    if let Some(&found) = parts.iter().find(|w| py_isdigit(w)) {
                        let mut key = Vec::new();
                        for (i, word) in parts.iter().filter(|&&w| w != found).enumerate() {
                            if i > 0 {
                                key.push(b'_');
                            }
                            key.extend_from_slice(&py_lower(word));
                        }
                        self.first.insert(key, StatValue::Text(found.to_vec()));
                    }
                }
            } else {
                self.close_subtable();
                let first = std::mem::take(&mut self.first);
                if let Some(session) = self.session.take() {
                    self.data.insert(session, StatValue::Table(first));
                }
            }
        }
        if !self.session_set() {
            let name = line.split(|&b| b == b':').next().unwrap_or_default();
            let name = py_lower(name);
            self.session = if name.starts_with(b"error") { None } else { Some(name) };
        }
    }

    /// The data as insights would leave it, with its two `fix` quirks fixed: the open
    /// sub-table is attached, and an unset section adds no key.
    fn data(&self) -> StatTable {
        let mut data = self.data.clone();
        if let Some(session) = self.session.as_ref().filter(|s| !s.is_empty()) {
            let mut first = self.first.clone();
            if self.has_second {
                first.insert(self.layer_key.clone(), StatValue::Table(self.second.clone()));
            }
            data.insert(session.clone(), StatValue::Table(first));
        }
        data
    }
}

/// The `NetstatS` view: `data`, nested section → key → value or sub-table.
///
/// ```
/// use netsift::views::netstat_s::NetstatSView;
/// use netsift::{Format, PushParser};
/// let input = b"Tcp:\n    236 active connection openings\nTcpExt:\n    Quick ack mode was activated 4 times\n";
/// let mut view = NetstatSView::default();
/// let mut parser = PushParser::new(Format::NetstatS);
/// parser.feed(input, &mut view);
/// parser.finish(&mut view);
/// let data = view.data();
/// assert_eq!(data.text("tcp", "active_connection_openings"), Some(&b"236"[..]));
/// assert_eq!(data.text("tcpext", "quick_ack_mode_was_activated_times"), Some(&b"4"[..]));
/// ```
#[derive(Debug, Clone, Default)]
pub struct NetstatSView {
    select: CaptureSelect,
    /// With `CaptureSelect::All`: every capture, parsed as it comes.
    runs: Vec<Run>,
    /// Otherwise: the lines of the one capture that may be described, parsed only when
    /// asked (an earlier capture of a periodic log costs a copy of its lines, no more).
    kept: KeptLines,
}

/// The lines of one capture, one after the other.
#[derive(Debug, Clone, Default)]
struct KeptLines {
    number: Option<u32>,
    text: Vec<u8>,
    ends: Vec<usize>,
}

impl KeptLines {
    fn push(&mut self, number: u32, line: &[u8]) {
        if self.number != Some(number) {
            // Emptied, not freed: the next capture re-uses the memory.
            self.text.clear();
            self.ends.clear();
            self.number = Some(number);
        }
        self.text.extend_from_slice(line);
        self.ends.push(self.text.len());
    }

    /// The capture parsed, as if its lines had been fed one by one.
    fn run(&self) -> Option<Run> {
        let number = self.number?;
        let mut run = Run { number, ..Run::default() };
        let mut start = 0;
        for &end in &self.ends {
            run.feed(&self.text[start..end]);
            start = end;
        }
        Some(run)
    }
}

impl NetstatSView {
    /// A view of the captures chosen by `select`.
    pub fn new(select: CaptureSelect) -> Self {
        NetstatSView { select, ..NetstatSView::default() }
    }

    /// Take one event. Only `netstat -s` lines count: its sections and sub-titles, its
    /// counters, notices (except time stamps) and malformed lines.
    #[inline]
    pub fn event(&mut self, event: &Event<'_>) {
        // Most events are counters of the capture being kept: their line is kept here.
        if let EventKind::Counter(c) = &event.kind {
            if c.source == crate::events::CounterSource::NetstatS
                && self.kept.number == Some(event.capture)
                && self.select != CaptureSelect::All
            {
                self.kept.text.extend_from_slice(c.line);
                self.kept.ends.push(self.kept.text.len());
                return;
            }
        }
        self.other_event(event);
    }

    /// An event that [`NetstatSView::event`] does not take at once.
    #[inline(never)]
    fn other_event(&mut self, event: &Event<'_>) {
        let line = match &event.kind {
            EventKind::Section(s) if matches!(s.table, Table::StatSection { .. }) => s.header,
            EventKind::Counter(c) if c.source == crate::events::CounterSource::NetstatS => Some(c.line),
            EventKind::Notice(n) if n.kind != NoticeKind::Timestamp => Some(n.text),
            EventKind::Malformed(m) if matches!(m.problem, Problem::Grammar { .. }) => Some(m.raw),
            _ => None,
        };
        let Some(line) = line else { return };
        match self.select {
            CaptureSelect::All => {
                if self.runs.last().is_none_or(|r| r.number != event.capture) {
                    self.runs.push(Run { number: event.capture, ..Run::default() });
                }
                if let Some(run) = self.runs.last_mut() {
                    run.feed(line);
                }
            }
            CaptureSelect::Number(n) if n != event.capture => {}
            _ => self.kept.push(event.capture, line),
        }
    }

    /// The described capture, parsed.
    fn described(&self) -> Option<Run> {
        match self.select {
            CaptureSelect::All => self.runs.last().cloned(),
            _ => self.kept.run(),
        }
    }

    /// The data of the described capture (the last one held): section → key → value or
    /// sub-table. Empty when no `netstat -s` line was seen.
    pub fn data(&self) -> StatTable {
        self.described().map(|r| r.data()).unwrap_or_default()
    }

    /// Every capture held, with its number (one unless `CaptureSelect::All`).
    pub fn captures(&self) -> Vec<(u32, StatTable)> {
        match self.select {
            CaptureSelect::All => self.runs.iter().map(|r| (r.number, r.data())).collect(),
            _ => self.kept.run().map(|r| (r.number, r.data())).into_iter().collect(),
        }
    }

    /// Write the view as `{"data": {…}}`; with `CaptureSelect::All`,
    /// `{"captures": [{"capture": N, "data": {…}}, …]}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.write_json_spill(out, &mut Spill::none(), None);
    }

    /// [`NetstatSView::write_json`] after the captures in `spooled`, handing `out` to
    /// `spill` as it fills.
    pub(crate) fn write_json_spill(&self, out: &mut Vec<u8>, spill: &mut Spill<'_>, spooled: Option<&Spool>) {
        if self.select == CaptureSelect::All {
            super::write_captures(out, spooled, &self.runs, spill, |list, run, spill| {
                write_run(list, run);
                spill.check(list);
            });
        } else {
            let mut o = Object::new(out);
            self.data().write_json(o.member("data"));
            o.end();
        }
    }
}

impl NetstatSView {
    /// Spool the finished captures (see [`Spool`]).
    pub(crate) fn retire(&mut self, spool: &mut Spool) {
        spool.retire(&mut self.runs, |out, run, _| write_run(out, run));
    }
}

/// One capture of the `CaptureSelect::All` form: `{"capture": N, "data": {…}}`.
fn write_run(out: &mut Vec<u8>, run: &Run) {
    let mut c = Object::new(out);
    c.uint("capture", u64::from(run.number));
    run.data().write_json(c.member("data"));
    c.end();
}

impl crate::push::Sink for NetstatSView {
    fn event(&mut self, event: Event<'_>) {
        NetstatSView::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        NetstatSView::event(self, event);
    }
}

// Python `str` semantics on bytes: valid UTF-8 is read as characters, and each byte that is
// not is one character that is neither blank nor digit and has no case (what a surrogate
// escape is in Python).

/// The characters of `bytes`: (start, end, the char, or `None` for a byte that is not UTF-8).
fn chars(bytes: &[u8]) -> impl Iterator<Item = (usize, usize, Option<char>)> + '_ {
    let mut base = 0;
    bytes.utf8_chunks().flat_map(move |chunk| {
        let start = base;
        let valid = chunk.valid();
        let invalid = chunk.invalid();
        base += valid.len() + invalid.len();
        let valid_chars = valid.char_indices().map(move |(i, c)| (start + i, start + i + c.len_utf8(), Some(c)));
        let invalid_start = start + valid.len();
        let invalid_bytes = (0..invalid.len()).map(move |i| (invalid_start + i, invalid_start + i + 1, None));
        valid_chars.chain(invalid_bytes)
    })
}

/// Python's `str.isspace` for one character.
fn py_space(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// Python's `str.strip()`.
fn py_strip(bytes: &[u8]) -> &[u8] {
    let mut start = bytes.len();
    let mut end = 0;
    for (s, e, c) in chars(bytes) {
        if !py_space(c) {
            start = start.min(s);
            end = e;
        }
    }
    if start >= end {
        &bytes[..0]
    } else {
        &bytes[start..end]
    }
}

/// Python's `str.split()`: words separated by runs of blanks.
fn py_split(bytes: &[u8]) -> impl Iterator<Item = &[u8]> + '_ {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    for (s, _, c) in chars(bytes) {
        match (py_space(c), start) {
            (true, Some(w)) => {
                words.push(&bytes[w..s]);
                start = None;
            }
            (false, None) => start = Some(s),
            _ => {}
        }
    }
    if let Some(w) = start {
        words.push(&bytes[w..]);
    }
    words.into_iter()
}

/// Python's `str.lower()`.
fn py_lower(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.extend_from_slice(chunk.valid().to_lowercase().as_bytes());
        out.extend_from_slice(chunk.invalid());
    }
    out
}

/// `.replace(" ", "_")`.
fn replace_blanks(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().map(|&b| if b == b' ' { b'_' } else { b }).collect()
}

/// Python's `str.isdigit()`: every character a digit (ASCII or another script's decimal
/// digits, superscripts); not fractions or Roman numerals. Empty is false.
fn py_isdigit(word: &[u8]) -> bool {
    !word.is_empty()
        && chars(word).all(|(_, _, c)| {
            c.is_some_and(|c| {
                c.is_ascii_digit()
                    || (!c.is_ascii()
                        && c.is_numeric()
                        && !('\u{bc}'..='\u{be}').contains(&c)
                        && !('\u{2150}'..='\u{218f}').contains(&c))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> StatTable {
        let mut r = Run::default();
        for l in lines {
            r.feed(l.as_bytes());
        }
        r.data()
    }

    fn json(t: &StatTable) -> String {
        let mut out = Vec::new();
        t.write_json(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn number_rule_and_keys() {
        let t =
            run(&["Tcp:", "    3 3 things", "    x 12 y 12 z.", "    -1 neg", "    Foo: BAR", "    2 a 3 b", "    42"]);
        assert_eq!(json(&t), r#"{"tcp":{"things":"3","x_y_z":"12","foo":"bar","a_3_b":"2","":"42"}}"#);
    }

    #[test]
    fn subtables_and_the_fixes() {
        let t = run(&[
            "Icmp:",
            "    1 ICMP messages received",
            "    ICMP output histogram:",
            "        destination unreachable: 254",
        ]);
        assert_eq!(
            json(&t),
            r#"{"icmp":{"icmp_messages_received":"1","icmp_output_histogram":{"destination_unreachable":"254"}}}"#
        );
        assert_eq!(json(&run(&[])), "{}");
        assert_eq!(json(&run(&["Ip:", "    1 forwarded", "error x"])), r#"{"ip":{"forwarded":"1"}}"#);
    }

    #[test]
    fn python_string_rules() {
        assert_eq!(py_strip(b" \t a b \x1c"), b"a b");
        assert_eq!(py_strip(b"   "), b"");
        assert_eq!(py_split(b" a\xc2\xa0b  c\xff ").collect::<Vec<_>>(), vec![&b"a"[..], b"b", b"c\xff"]);
        assert_eq!(py_lower("ÄB\u{ff}".as_bytes()), "äb\u{ff}".as_bytes());
        assert_eq!(py_lower(b"A\xffB"), b"a\xffb");
        assert!(py_isdigit(b"0123") && py_isdigit("²".as_bytes()) && py_isdigit("٣".as_bytes()));
        assert!(!py_isdigit(b"-1") && !py_isdigit("½".as_bytes()) && !py_isdigit(b"") && !py_isdigit(b"1\xff"));
    }
}
