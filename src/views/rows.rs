//! The rows of a table, kept in one arena: each row's text (its line, or its values one
//! after the other) followed by where each value lies in it, with offsets one, two or four
//! bytes wide as the text's length needs. A row costs its text plus 8 bytes of header,
//! 8 bytes of index and 2 to 8 bytes per value: about 1.3× the input for `netstat -neopa`,
//! where one allocation per row and a `Vec` of cells cost 7×.
//!
//! The arena is emptied, not freed, between captures, so a periodic log re-uses it.

use std::fmt;

use super::search::{search_name, Searchable};
use crate::json::Object;

/// Bytes before a row's text: its length (u32), its key set (u16), its offsets' width (u8)
/// and its flags (u8).
const HEADER: usize = 8;
/// Flag: the row's state was LISTEN.
const LISTENING: u8 = 1;
/// Flag: the row's values are not pieces of its line (a kernel table's row, decoded from
/// hex): its text is the line then the values, and the line's length follows the offsets.
const DECODED: u8 = 2;

/// The rows of one table, in input order.
#[derive(Clone, Default)]
pub struct Rows {
    /// Each row: header, text, then (start, end) of each value.
    arena: Vec<u8>,
    /// Where each row starts in `arena`.
    starts: Vec<u64>,
    /// The distinct key lists of the rows (a row names its list by index).
    keysets: Vec<Box<[&'static str]>>,
}

impl Rows {
    /// No rows, as a constant (for a view with no table to lend).
    pub(crate) const EMPTY: Rows = Rows { arena: Vec::new(), starts: Vec::new(), keysets: Vec::new() };

    /// No rows.
    pub fn new() -> Self {
        Rows::default()
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Row `index`, from 0.
    pub fn get(&self, index: usize) -> Option<Row<'_>> {
        (index < self.starts.len()).then_some(Row { rows: self, index })
    }

    /// The rows in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Row<'_>> + DoubleEndedIterator + Clone + '_ {
        (0..self.starts.len()).map(move |index| Row { rows: self, index })
    }

    /// Drop every row, keeping the memory for the next capture.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.starts.clear();
    }

    /// Bytes held (capacity of the arena and the index), for tests of the memory bound.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.starts.capacity() * 8
    }

    /// Add a row whose values are pieces of `line` (checked by address: a value outside
    /// it is taken as empty at the line's end).
    pub(crate) fn push_line(&mut self, line: &[u8], cells: &[(&'static str, &[u8])], listening: bool) {
        let base = line.as_ptr() as usize;
        let spans = cells.iter().map(|&(_, value)| {
            let start = (value.as_ptr() as usize).wrapping_sub(base);
            if start <= line.len() && value.len() <= line.len() - start {
                (start, start + value.len())
            } else {
                (line.len(), line.len())
            }
        });
        self.push(line.len(), cells, spans, listening, |arena| arena.extend_from_slice(line));
    }

    /// Add a row from values that do not lie in one line: they are copied one after the
    /// other.
    pub(crate) fn push_values(&mut self, cells: &[(&'static str, &[u8])]) {
        let len = cells.iter().map(|(_, v)| v.len()).sum();
        let mut at = 0;
        let spans = cells.iter().map(|(_, v)| {
            at += v.len();
            (at - v.len(), at)
        });
        self.push(len, cells, spans, false, |arena| {
            for (_, v) in cells {
                arena.extend_from_slice(v);
            }
        });
    }

    /// Add a row read from `line` whose values are not pieces of it (a kernel table's row,
    /// whose values are what netstat would print): the line, then the values, are copied.
    pub(crate) fn push_decoded(&mut self, line: &[u8], cells: &[(&'static str, &[u8])], listening: bool) {
        let len = line.len() + cells.iter().map(|(_, v)| v.len()).sum::<usize>();
        let mut at = line.len();
        let spans = cells.iter().map(|(_, v)| {
            at += v.len();
            (at - v.len(), at)
        });
        self.push(len, cells, spans, listening, |arena| {
            arena.extend_from_slice(line);
            for (_, v) in cells {
                arena.extend_from_slice(v);
            }
        });
        // Rows are at most a capped line plus its values: below 4 GiB.
        self.arena.extend_from_slice(&(line.len() as u32).to_le_bytes());
        if let Some(&start) = self.starts.last() {
            self.arena[start as usize + HEADER - 1] |= DECODED;
        }
    }

    fn push(
        &mut self,
        len: usize,
        cells: &[(&'static str, &[u8])],
        spans: impl Iterator<Item = (usize, usize)>,
        listening: bool,
        text: impl FnOnce(&mut Vec<u8>),
    ) {
        let keyset = self.keyset(cells);
        let width: usize = if len <= 0xff {
            1
        } else if len <= 0xffff {
            2
        } else {
            4
        };
        let start = self.arena.len();
        self.arena.reserve(HEADER + len + cells.len() * 2 * width);
        // A row's text is at most a line (capped) or a spliced row: below 4 GiB.
        self.arena.extend_from_slice(&(len as u32).to_le_bytes());
        self.arena.extend_from_slice(&keyset.to_le_bytes());
        self.arena.push(width as u8);
        self.arena.push(if listening { LISTENING } else { 0 });
        text(&mut self.arena);
        for (s, e) in spans {
            for offset in [s, e] {
                // Offsets are at most `len`, which `width` was chosen to hold.
                match width {
                    1 => self.arena.push(offset as u8),
                    2 => self.arena.extend_from_slice(&(offset as u16).to_le_bytes()),
                    _ => self.arena.extend_from_slice(&(offset as u32).to_le_bytes()),
                }
            }
        }
        self.starts.push(start as u64);
    }

    /// The index of the key list of `cells`, added when new.
    fn keyset(&mut self, cells: &[(&'static str, &[u8])]) -> u16 {
        // The keys are a layout's column names: the same `&'static str`s row after row, so
        // their addresses decide before their bytes are compared.
        let same_key = |a: &&'static str, b: &&'static str| std::ptr::eq(*a, *b) || a == b;
        let same = |keys: &[&'static str]| {
            keys.len() == cells.len() && keys.iter().zip(cells).all(|(a, (b, _))| same_key(a, b))
        };
        if let Some(i) = self.keysets.iter().position(|k| same(k)) {
            return i as u16;
        }
        // Key lists come from a table's layout: a handful per table. Should one ever pass
        // u16, the last list's index is re-used with this row's own keys (see `Row::keys`).
        self.keysets.push(cells.iter().map(|(k, _)| *k).collect());
        (self.keysets.len() - 1).min(usize::from(u16::MAX)) as u16
    }
}

impl PartialEq for Rows {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl Eq for Rows {}

impl fmt::Debug for Rows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// One row as the insights views see it: key → text, in display order. A handle into its
/// table's [`Rows`], cheap to copy.
#[derive(Clone, Copy)]
pub struct Row<'r> {
    rows: &'r Rows,
    index: usize,
}

impl<'r> Row<'r> {
    fn start(&self) -> usize {
        self.rows.starts[self.index] as usize
    }

    fn header(&self) -> (usize, usize, usize, u8) {
        let a = &self.rows.arena[self.start()..self.start() + HEADER];
        let len = u32::from_le_bytes([a[0], a[1], a[2], a[3]]) as usize;
        let keyset = usize::from(u16::from_le_bytes([a[4], a[5]]));
        (len, keyset, usize::from(a[6]), a[7])
    }

    /// The row's position in its table, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The line the row was read from, exactly as read (netstat rows); the values one
    /// after the other (ss rows).
    pub fn line(&self) -> &'r [u8] {
        let (len, keyset, width, flags) = self.header();
        let text = self.start() + HEADER;
        if flags & DECODED != 0 {
            let at = text + len + self.rows.keysets[keyset].len() * 2 * width;
            let b = &self.rows.arena[at..at + 4];
            let line_len = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
            return &self.rows.arena[text..text + line_len.min(len)];
        }
        &self.rows.arena[text..text + len]
    }

    /// The keys, in display order.
    pub fn keys(&self) -> &'r [&'static str] {
        let (_, keyset, ..) = self.header();
        &self.rows.keysets[keyset]
    }

    /// The state was LISTEN (netstat internet rows).
    pub fn listening(&self) -> bool {
        self.header().3 & LISTENING != 0
    }

    /// The value of cell `i`.
    fn value(&self, text: &'r [u8], spans: &'r [u8], width: usize, i: usize) -> &'r [u8] {
        // One arm per width: a copy of a variable length would be a call to memcpy.
        let read = |k: usize| match width {
            1 => usize::from(spans[k]),
            2 => usize::from(u16::from_le_bytes([spans[2 * k], spans[2 * k + 1]])),
            _ => u32::from_le_bytes([spans[4 * k], spans[4 * k + 1], spans[4 * k + 2], spans[4 * k + 3]]) as usize,
        };
        let (s, e) = (read(2 * i), read(2 * i + 1));
        text.get(s..e).unwrap_or_default()
    }

    /// The row's text, keys, value offsets and their width.
    fn parts(&self) -> (&'r [u8], &'r [&'static str], &'r [u8], usize) {
        let (len, keyset, width, _) = self.header();
        let rows: &'r Rows = self.rows;
        let text_at = self.start() + HEADER;
        let text = &rows.arena[text_at..text_at + len];
        let keys: &'r [&'static str] = &rows.keysets[keyset];
        let spans = &rows.arena[text_at + len..text_at + len + keys.len() * 2 * width];
        (text, keys, spans, width)
    }

    /// The value of cell `i` (in [`Row::keys`] order).
    pub fn value_at(&self, i: usize) -> Option<&'r [u8]> {
        let (text, keys, spans, width) = self.parts();
        (i < keys.len()).then(|| self.value(text, spans, width, i))
    }

    /// The (key, value) cells in display order.
    pub fn cells(&self) -> impl ExactSizeIterator<Item = (&'static str, &'r [u8])> + Clone + 'r {
        let (text, keys, spans, width) = self.parts();
        let me = *self;
        keys.iter().enumerate().map(move |(i, &k)| (k, me.value(text, spans, width, i)))
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&'r [u8]> {
        // Keys are the views' constants: the same address, usually, before the same text.
        let same = |k: &str| (k.as_ptr() == key.as_ptr() && k.len() == key.len()) || k == key;
        let (text, keys, spans, width) = self.parts();
        let i = keys.iter().position(|k| same(k))?;
        Some(self.value(text, spans, width, i))
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.keys().len()
    }

    /// True for a row without cells.
    pub fn is_empty(&self) -> bool {
        self.keys().is_empty()
    }

    /// Write the row as a JSON object.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut o = Object::new(out);
        for (k, v) in self.cells() {
            o.bytes(k, v);
        }
        o.end();
    }
}

impl PartialEq for Row<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.line() == other.line() && self.listening() == other.listening() && self.cells().eq(other.cells())
    }
}

impl Eq for Row<'_> {}

impl fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.cells().map(|(k, v)| (k, String::from_utf8_lossy(v)))).finish()
    }
}

impl Searchable for Row<'_> {
    fn keys(&self) -> Vec<&str> {
        Row::keys(self).to_vec()
    }

    fn get_by_search_name(&self, field: &str) -> Option<&[u8]> {
        self.cells().find(|(k, _)| search_name(k) == field).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_lines_and_values_at_every_offset_width() {
        let mut rows = Rows::new();
        let short = b"tcp 0 0 a:1".to_vec();
        let medium = [b"udp ".as_slice(), &[b'x'; 300], b" end"].concat();
        let long = [b"raw ".as_slice(), &[b'y'; 70_000], b" tail"].concat();
        for line in [&short, &medium, &long] {
            let first = &line[..3];
            let last = &line[line.len() - 3..];
            rows.push_line(line, &[("Proto", first), ("Last", last), ("Outside", b"zz")], line == &short);
        }
        rows.push_values(&[("Netid", b"tcp"), ("State", b""), ("Process", b"users:((\"a\"))")]);
        assert_eq!(rows.len(), 4);
        let r: Vec<Row<'_>> = rows.iter().collect();
        assert_eq!(r[0].get("Proto"), Some(&b"tcp"[..]));
        assert_eq!(r[1].get("Last"), Some(&b"end"[..]));
        assert_eq!(r[2].get("Last"), Some(&b"ail"[..]));
        assert_eq!(r[2].line(), &long[..]);
        assert_eq!(r[2].get("Outside"), Some(&b""[..]));
        assert!(r[0].listening() && !r[1].listening());
        assert_eq!(
            r[3].cells().collect::<Vec<_>>(),
            [("Netid", &b"tcp"[..]), ("State", b""), ("Process", b"users:((\"a\"))")]
        );
        assert_eq!(r[3].line(), b"tcpusers:((\"a\"))");
        assert_eq!(rows.keysets.len(), 2);
        let mut copy = rows.clone();
        assert_eq!(copy, rows);
        copy.clear();
        assert!(copy.is_empty() && copy.get(0).is_none());
    }
}
