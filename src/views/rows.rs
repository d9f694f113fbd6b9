//! The rows of a table, kept in one arena: each row's text (its line, or its values one
//! after the other), and an 8-byte header of its own. A line read from input given as
//! `Bytes` (a mapped file) may stay there instead (see [`Rows::push_static_spans`]): the
//! rows then keep a handle on the input and where each line is. Where each value lies in
//! its row's text is kept outside the arena, in a small table of its own: a column per key
//! of the table, and for each row a pair of one-byte offsets per column. The views write
//! `data` one column at a time, a pass over every row for each column: such a pass reads
//! the pairs (a few dozen bytes a row, in order) and one piece of each row's text, where
//! offsets kept after each row's text made it read the row's header, then its offsets, then
//! its value, three dependent reads per row and per column in the whole arena. A row longer
//! than 255 bytes (or of a key list that cannot have columns) keeps its offsets, two or
//! four bytes wide as its length needs, after its text. A row costs its text (unless it is
//! kept in the input) plus 8 bytes of header, 8 bytes of index and 2 bytes per column of
//! the table: about 1.3× the input for `netstat -neopa`, where one allocation per row and a
//! `Vec` of cells cost 7×.
//!
//! The views write hundreds of megabytes of JSON from these rows: before a table is
//! written, one pass finds which values of each row need no escaping ([`Rows::plain`],
//! once for the three times each row is written), and each key list keeps its keys
//! JSON-encoded, so that writing a row is copies. Adding a row does neither (the Python
//! classes build views they never write as JSON).
//!
//! The arena is emptied, not freed, between captures, so a periodic log re-uses it.

use std::fmt;

use bytes::Bytes;

use super::search::{search_name, Searchable};
use crate::json::{escaped_piece, piece, quoted_piece};

/// Bytes of a row's header: its text's length (u32), its key set (u16), its offsets' width
/// (u8: 0 for one-byte offsets kept in the columns, else 1, 2 or 4 for offsets after the
/// text) and its flags (u8).
const HEADER: usize = 8;
/// A row's offsets' width when they are kept in the columns.
const IN_COLUMNS: usize = 0;
/// The pair of a column for a row whose value of that key is not found there (its offsets
/// are after its text, or the column was made after it): an end before the start, which no
/// value has. Readers of the column find it through the row's key list.
const ELSEWHERE: [u8; 2] = [1, 0];
/// The most columns a table has (a key list that would make more keeps its offsets after
/// its rows' texts): every row adds a pair to each column.
const MAX_COLUMNS: usize = 32;
/// Flag: the row's state was LISTEN.
const LISTENING: u8 = 1;
/// Flag: the row's values are not pieces of its line (a kernel table's row, decoded from
/// hex): its text is the line then the values, and the line's length follows the offsets.
const DECODED: u8 = 2;
/// Bit of a row's text place ([`Rows::texts`]): its text is in one of the windows of
/// input ([`Rows::windows`], the index in bits 32–62, the offset in bits 0–31), not in
/// the arena.
const IN_WINDOW: u64 = 1 << 63;
/// Bit of a [`Rows::plain`] mask: the row's line needs no escaping in JSON (bits 0–30
/// are its values of the table's first 31 columns, or its first 31 values when its key
/// list has no columns).
const LINE_PLAIN: u32 = 1 << 31;

/// One key list of a table, and its keys as JSON members that open a string value: the
/// first `{"Proto":"`, the others `","Recv-Q":"` (with the quote that closes the value
/// before), all in `members`, the ith ending at `ends[i]`.
#[derive(Clone)]
struct KeySet {
    keys: Box<[&'static str]>,
    /// The members, then 32 bytes of padding.
    members: Box<[u8]>,
    ends: Box<[usize]>,
    /// The members again, each in 32 bytes with its length, for [`Decoded::write_short`];
    /// empty when one is longer.
    short: Box<[([u8; 32], u8)]>,
    /// The column of each key (see [`Rows::pairs`]); `None` when the list cannot have
    /// columns (a key twice, or too many columns), and its rows keep their offsets after
    /// their texts.
    columns: Option<Box<[u8]>>,
    /// The list's ith key is column i (most lists: the table's columns in order): a row's
    /// first pairs are its offsets in key order.
    in_order: bool,
}

impl KeySet {
    fn new(keys: Box<[&'static str]>) -> Self {
        let mut members = Vec::new();
        let mut ends = Vec::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            members.extend_from_slice(if i == 0 { b"{" } else { b"\"," });
            crate::json::string(&mut members, k.as_bytes());
            members.extend_from_slice(b":\"");
            ends.push(members.len());
        }
        // Room for `json::piece`'s fixed-length copy of the last member.
        members.extend_from_slice(&[0; 32]);
        let mut short = Vec::with_capacity(ends.len());
        let mut start = 0;
        for &end in &ends {
            let mut member = [0; 32];
            if end - start > 32 {
                short.clear();
                break;
            }
            member.copy_from_slice(&members[start..start + 32]);
            short.push((member, (end - start) as u8));
            start = end;
        }
        KeySet { keys, members: members.into(), ends: ends.into(), short: short.into(), columns: None, in_order: false }
    }
}

/// Input lent to a view while it is parsed, for its rows to keep their lines in (see
/// [`Rows::push_static_spans`]): shown by `Debug` as its length, not its bytes (a view's
/// `{:?}` printed the whole capture, up to gigabytes, while it was lent).
#[derive(Clone, Default)]
pub(crate) struct Lent(Option<Bytes>);

impl Lent {
    pub(crate) fn new(input: Option<Bytes>) -> Self {
        Lent(input)
    }

    /// The input, if any is lent.
    pub(crate) fn get(&self) -> Option<&Bytes> {
        self.0.as_ref()
    }
}

impl fmt::Debug for Lent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(input) => write!(f, "Lent({} bytes)", input.len()),
            None => f.write_str("None"),
        }
    }
}

/// The rows of one table, in input order.
#[derive(Clone, Default)]
pub struct Rows {
    /// Each row's text, then (start, end) of each value when they are not in the columns
    /// (then, for a decoded row, its line's length); none for a row kept in a window.
    arena: Vec<u8>,
    /// Each row's header.
    heads: Vec<[u8; HEADER]>,
    /// Where each row's text is: in the arena, or in a window of input ([`IN_WINDOW`]).
    texts: Vec<u64>,
    /// Input that rows' lines were read from and are kept in, instead of copies in the
    /// arena (see [`Rows::push_static_spans`]): the page cache's copy of a mapped file
    /// needs no room, zeroing or copying of its own.
    windows: Vec<Bytes>,
    /// Bytes of the rows' texts, all together (to cut the rows in blocks for writing).
    text_bytes: u64,
    /// The distinct key lists of the rows (a row names its list by index).
    keysets: Vec<KeySet>,
    /// The key list of the last row added.
    last_keyset: u16,
    /// Static key lists seen by [`Rows::push_static_spans`], by address and length, and
    /// the index of their list.
    sources: Vec<(usize, usize, u16)>,
    /// For each row, one pair per column (`column_keys.len()` pairs a row): the start and
    /// end (one byte each) in its text of its value of column c's key; `0, 0` (empty) when
    /// its key list has no such key, and [`ELSEWHERE`] when its offsets are after its text.
    pairs: Vec<[u8; 2]>,
    /// The key of each column.
    column_keys: Vec<&'static str>,
    /// Whether rows keep their offsets in columns (see [`Rows::by_column`]).
    by_column: bool,
    /// Each row's [`Row::plain`] mask, found when it is added (see [`Rows::plain`]).
    masks: Vec<u32>,
}

impl Rows {
    /// No rows, as a constant (for a view with no table to lend).
    pub(crate) const EMPTY: Rows = Rows {
        arena: Vec::new(),
        heads: Vec::new(),
        texts: Vec::new(),
        windows: Vec::new(),
        text_bytes: 0,
        keysets: Vec::new(),
        last_keyset: 0,
        sources: Vec::new(),
        pairs: Vec::new(),
        column_keys: Vec::new(),
        by_column: false,
        masks: Vec::new(),
    };

    /// No rows.
    pub fn new() -> Self {
        Rows::default()
    }

    /// No rows, whose offsets will be kept in columns: for a table written a column at a
    /// time (netstat's `data`). The rows of a table only written row by row (ss's) keep
    /// their offsets after their texts, which is cheaper to add and to write that way.
    pub(crate) fn by_column() -> Self {
        Rows { by_column: true, ..Rows::default() }
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Row `index`, from 0.
    pub fn get(&self, index: usize) -> Option<Row<'_>> {
        (index < self.texts.len()).then_some(Row { rows: self, index })
    }

    /// The rows in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Row<'_>> + DoubleEndedIterator + Clone + '_ {
        (0..self.texts.len()).map(move |index| Row { rows: self, index })
    }

    /// Drop every row, keeping the memory for the next capture.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.heads.clear();
        self.texts.clear();
        self.windows.clear();
        self.text_bytes = 0;
        self.pairs.clear();
        self.masks.clear();
    }

    /// Bytes held (capacity of the arena, the index and the columns), for tests of the
    /// memory bound.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + (self.heads.capacity() + self.texts.capacity()) * 8
            + 2 * self.pairs.capacity()
            + 4 * self.masks.capacity()
    }

    /// Add a row whose values are pieces of `line` (checked by address: a value outside
    /// it is taken as empty at the line's end).
    #[cfg(test)]
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
        let keyset = self.keyset(cells);
        self.push(line.len(), keyset, spans, flag(listening, LISTENING), |arena| arena.extend_from_slice(line));
        self.mark_plain();
    }

    /// Add a row whose values are pieces of `line` at `spans` (start and end in the line,
    /// one per key of `keys`; a span not inside the line is taken as empty at its end):
    /// what the netstat view adds for each row, from the grammar's spans, without making
    /// a (key, value) list first. A line inside `input` is kept there (see
    /// [`Rows::push_static_spans`]).
    pub(crate) fn push_spans(
        &mut self,
        line: &[u8],
        keys: &[&'static str],
        spans: &[(u32, u32)],
        listening: bool,
        input: Option<&Bytes>,
    ) {
        let keyset = self.keyset_of(keys);
        self.push_line_spans(line, keyset, &spans[..keys.len().min(spans.len())], listening, input);
    }

    /// [`Rows::push_spans`] with keys from a static list: its list is found by the list's
    /// address (rows of a table alternate between a few lists).
    ///
    /// When `line` lies inside `input` (the bytes being parsed, as `Bytes`: a mapped part of
    /// a file) and the row's offsets fit in its columns, the row keeps a handle on `input`
    /// and where the line is in it, not a copy: the rows of 100 MB of netstat took 100 MB
    /// of fresh memory, a page fault every 4 KiB and two copies of every line (into a
    /// part's rows, then into the capture's).
    pub(crate) fn push_static_spans(
        &mut self,
        line: &[u8],
        keys: &'static [&'static str],
        spans: &[(u32, u32)],
        listening: bool,
        input: Option<&Bytes>,
    ) {
        let keyset = self.static_keyset(keys);
        self.push_line_spans(line, keyset, &spans[..keys.len().min(spans.len())], listening, input);
    }

    /// [`Rows::push_spans`] under the key list `keyset`, one span per key.
    #[inline(always)]
    fn push_line_spans(
        &mut self,
        line: &[u8],
        keyset: u16,
        spans: &[(u32, u32)],
        listening: bool,
        input: Option<&Bytes>,
    ) {
        let len = line.len();
        let inside = |&span: &(u32, u32)| span_in(span, len).unwrap_or((len, len));
        // The line is read while it is at hand (it was just parsed): whether it needs
        // escaping, for the writers, where a pass before writing read every row again.
        let all_plain = crate::json::long_plain_prefix(line) == len;
        if len <= 0xff && self.has_columns(keyset) {
            // Most rows (a netstat line is shorter than 256 bytes): the header, the line
            // in the arena or left in the input, the offsets in the columns.
            let header = header(len, keyset, IN_COLUMNS, flag(listening, LISTENING));
            match input.and_then(|input| self.window_place(line, input)) {
                Some(place) => self.start_row(header, place),
                None => self.push_text(&header, line),
            }
            self.add_to_columns(keyset, spans.iter().map(inside));
            return self.mark_plain_if(all_plain);
        }
        if len <= 0xff && spans.len() <= 32 {
            // The same rows without columns: one-byte offsets made on the stack, and the
            // header, line and offsets added in three copies.
            let mut offsets = [0u8; 64];
            for (pair, span) in offsets.chunks_exact_mut(2).zip(spans) {
                let (s, e) = inside(span);
                pair.copy_from_slice(&[s as u8, e as u8]);
            }
            self.push_text(&header(len, keyset, 1, flag(listening, LISTENING)), line);
            self.arena.extend_from_slice(offsets.get(..2 * spans.len()).unwrap_or_default());
            self.add_elsewhere();
            return self.mark_plain_if(all_plain);
        }
        self.push(len, keyset, spans.iter().map(inside), flag(listening, LISTENING), |arena| {
            arena.extend_from_slice(line)
        });
        self.mark_plain_if(all_plain);
    }

    /// The mask of the row just added (see [`Rows::plain`]): every bit when its whole
    /// text needs no escaping (what [`Row::plain`] gives then), else [`Row::plain`]'s.
    #[inline(always)]
    fn mark_plain_if(&mut self, all_plain: bool) {
        if all_plain {
            self.masks.push(u32::MAX);
        } else {
            self.mark_plain();
        }
    }

    /// The mask of the row just added, from [`Row::plain`].
    #[inline(never)]
    fn mark_plain(&mut self) {
        let mask = match self.texts.len().checked_sub(1) {
            Some(index) => Row { rows: self, index }.plain(),
            None => return,
        };
        self.masks.push(mask);
    }

    /// Start a row: its header, and `text` in the arena.
    #[inline(always)]
    fn push_text(&mut self, header: &[u8; HEADER], text: &[u8]) {
        self.start_row(*header, self.arena.len() as u64);
        self.arena.extend_from_slice(text);
    }

    /// Start a row of header `head` whose text is at `place` (see [`Rows::texts`]): the
    /// caller adds what goes in the arena, from `place` when the text is there.
    #[inline(always)]
    fn start_row(&mut self, head: [u8; HEADER], place: u64) {
        self.text_bytes += text_len(&head) as u64;
        self.heads.push(head);
        self.texts.push(place);
    }

    /// Where `line` is in `input`, as a place in these rows' windows (`input` added to them
    /// when it is not the last one); `None` when it is not inside it (a line the framer
    /// carried over from the chunk before), or past the offsets a place can hold.
    #[inline(always)]
    fn window_place(&mut self, line: &[u8], input: &Bytes) -> Option<u64> {
        // Addresses compared as numbers: no pointer into `input` is made from them.
        let offset = (line.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
        if offset > input.len() || line.len() > input.len() - offset || offset > u32::MAX as usize {
            return None;
        }
        let same = |w: &Bytes| w.as_ptr() == input.as_ptr() && w.len() == input.len();
        if !self.windows.last().is_some_and(same) {
            if self.windows.len() >= 1 << 31 {
                return None;
            }
            self.windows.push(input.clone());
        }
        Some(place_in_window(self.windows.len() - 1, offset))
    }

    /// Copy the lines kept in windows into the arena and let the windows go, when the rows
    /// use less than a quarter of them: the rows of the last capture of a part of a
    /// periodic log would keep the whole part's map for a few kilobytes of lines.
    pub(crate) fn let_go_of_sparse_windows(&mut self) {
        let held: usize = self.windows.iter().map(Bytes::len).sum();
        // A row kept in a window keeps its offsets in the columns: its text is all of it.
        let kept = self.texts.iter().zip(&self.heads).filter(|(&place, _)| place & IN_WINDOW != 0);
        let used: usize = kept.map(|(_, head)| text_len(head)).sum();
        if held == 0 || used >= held / 4 {
            return;
        }
        let Rows { arena, heads, texts, windows, .. } = self;
        for (place, head) in texts.iter_mut().zip(heads.iter()) {
            if *place & IN_WINDOW == 0 {
                continue;
            }
            let (window, at) = window_and_offset(*place);
            let len = text_len(head);
            let text = windows.get(window).and_then(|w| w.get(at..at + len)).unwrap_or_default();
            *place = arena.len() as u64;
            arena.extend_from_slice(text);
        }
        windows.clear();
    }

    /// The text at `place` (see [`Rows::texts`]) and what follows it in its arena or
    /// window.
    #[inline(always)]
    fn text_at(&self, place: u64) -> &[u8] {
        let (block, at) = self.locate(place);
        block.get(at..).unwrap_or_default()
    }

    /// The arena or window of the text at `place`, and where the text is in it: a reader
    /// of a piece of the text checks its bounds once, in the block.
    #[inline(always)]
    fn locate(&self, place: u64) -> (&[u8], usize) {
        if place & IN_WINDOW == 0 {
            (&self.arena, place as usize)
        } else {
            let (window, at) = window_and_offset(place);
            (self.windows.get(window).map_or(&[], |w| &w[..]), at)
        }
    }

    /// Whether the rows of key list `keyset` keep their offsets in the columns.
    #[inline(always)]
    fn has_columns(&self, keyset: u16) -> bool {
        self.keysets.get(usize::from(keyset)).is_some_and(|k| k.columns.is_some())
    }

    /// The offsets of the row just started, of key list `keyset` (one with columns), one
    /// (start, end) per key, each below 256: its pairs, `0, 0` in the columns of the keys
    /// it does not have.
    #[inline(always)]
    fn add_to_columns(&mut self, keyset: u16, spans: impl Iterator<Item = (usize, usize)>) {
        let n = self.column_keys.len();
        let Some(set) = self.keysets.get(usize::from(keyset)) else { return };
        // The row's pairs made on the stack and added in one copy (an `extend` from the
        // spans checked and pushed them one by one).
        let mut pairs = [[0u8; 2]; MAX_COLUMNS];
        if set.in_order {
            for (pair, (s, e)) in pairs.iter_mut().zip(spans) {
                *pair = [s as u8, e as u8];
            }
        } else {
            let keys = set.columns.as_deref().unwrap_or_default();
            for (&c, (s, e)) in keys.iter().zip(spans) {
                if let Some(pair) = pairs.get_mut(usize::from(c)) {
                    *pair = [s as u8, e as u8];
                }
            }
        }
        self.pairs.extend_from_slice(pairs.get(..n).unwrap_or_default());
    }

    /// The row just started keeps its offsets after its text: its pairs are
    /// [`ELSEWHERE`].
    fn add_elsewhere(&mut self) {
        if !self.column_keys.is_empty() {
            self.pairs.resize(self.pairs.len() + self.column_keys.len(), ELSEWHERE);
        }
    }

    /// Add a row whose values are the pieces of `line` at `spans` (one per key of the
    /// static list `keys`; a span not inside the line is an empty value), copied one after
    /// the other: [`Rows::push_values`] for values read from one line (an ss row, whose
    /// padding is not kept), a short value copied as 32 bytes of the line.
    pub(crate) fn push_static_pieces(&mut self, line: &[u8], keys: &'static [&'static str], spans: &[(u32, u32)]) {
        let keyset = self.static_keyset(keys);
        let n = keys.len().min(spans.len());
        let spans = &spans[..n];
        let inside = |&span: &(u32, u32)| span_in(span, line.len()).unwrap_or((0, 0));
        let len: usize = spans.iter().map(|span| inside(span).1 - inside(span).0).sum();
        if len <= 0xff && n <= 32 {
            // Most rows: text and one-byte offsets made on the stack, each value copied
            // as 32 bytes of the line where it has them, and added in one copy (the
            // offsets to the columns when the rows have them).
            let in_columns = self.has_columns(keyset);
            let mut row = [0u8; 0xff + 32 + 64];
            let mut offsets = [0u8; 64];
            let mut at = 0;
            for (k, span) in spans.iter().enumerate() {
                let (s, e) = inside(span);
                let w = at;
                match line.get(s..s + 32) {
                    Some(chunk) if e - s <= 32 => row[w..w + 32].copy_from_slice(chunk),
                    _ => row[w..w + e - s].copy_from_slice(&line[s..e]),
                }
                offsets[2 * k] = at as u8;
                at += e - s;
                offsets[2 * k + 1] = at as u8;
            }
            self.start_row(header(len, keyset, if in_columns { IN_COLUMNS } else { 1 }, 0), self.arena.len() as u64);
            if in_columns {
                self.arena.extend_from_slice(&row[..len]);
                let pairs = offsets[..2 * n].chunks_exact(2).map(|p| (usize::from(p[0]), usize::from(p[1])));
                self.add_to_columns(keyset, pairs);
                return self.mark_plain();
            }
            row[len..len + 2 * n].copy_from_slice(&offsets[..2 * n]);
            self.arena.extend_from_slice(&row[..len + 2 * n]);
            self.add_elsewhere();
            return self.mark_plain();
        }
        let mut at = 0;
        let offsets = spans.iter().map(|span| {
            let (s, e) = inside(span);
            at += e - s;
            (at - (e - s), at)
        });
        self.push(len, keyset, offsets, 0, |arena| {
            for span in spans {
                let (s, e) = inside(span);
                crate::json::piece(arena, line, s, e);
            }
        });
        self.mark_plain();
    }

    /// The index of the static key list `keys`, found by its address.
    #[inline]
    fn static_keyset(&mut self, keys: &'static [&'static str]) -> u16 {
        let source = (keys.as_ptr() as usize, keys.len());
        match self.sources.iter().find(|s| (s.0, s.1) == source) {
            Some(&(_, _, keyset)) => keyset,
            None => {
                let keyset = self.keyset_of(keys);
                self.sources.push((source.0, source.1, keyset));
                keyset
            }
        }
    }

    /// Add a row from values that do not lie in one line: they are copied one after the
    /// other (the reference of [`Rows::push_static_pieces`] in tests).
    #[cfg(test)]
    pub(crate) fn push_values(&mut self, cells: &[(&'static str, &[u8])]) {
        let len = cells.iter().map(|(_, v)| v.len()).sum();
        let mut at = 0;
        let spans = cells.iter().map(|(_, v)| {
            at += v.len();
            (at - v.len(), at)
        });
        let keyset = self.keyset(cells);
        self.push(len, keyset, spans, 0, |arena| {
            for (_, v) in cells {
                arena.extend_from_slice(v);
            }
        });
        self.mark_plain();
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
        let keyset = self.keyset(cells);
        self.push(len, keyset, spans, flag(listening, LISTENING), |arena| {
            arena.extend_from_slice(line);
            for (_, v) in cells {
                arena.extend_from_slice(v);
            }
        });
        // Rows are at most a capped line plus its values: below 4 GiB.
        self.arena.extend_from_slice(&(line.len() as u32).to_le_bytes());
        if let Some(head) = self.heads.last_mut() {
            head[FLAGS] |= DECODED;
        }
        self.mark_plain();
    }

    /// Add a row of key list `keyset` whose text, `len` bytes, `text` appends to the arena,
    /// and whose values are at `spans` in it: its offsets in the columns when they fit in a
    /// byte and the list has columns, else after its text, as wide as `len` needs. Its
    /// mask is for the caller to add, once the row is whole.
    fn push(
        &mut self,
        len: usize,
        keyset: u16,
        spans: impl ExactSizeIterator<Item = (usize, usize)>,
        flags: u8,
        text: impl FnOnce(&mut Vec<u8>),
    ) {
        let n = spans.len();
        let in_columns = len <= 0xff && self.has_columns(keyset);
        let width: usize = if in_columns {
            IN_COLUMNS
        } else if len <= 0xff {
            1
        } else if len <= 0xffff {
            2
        } else {
            4
        };
        self.start_row(header(len, keyset, width, flags), self.arena.len() as u64);
        self.arena.reserve(len + n * 2 * width);
        text(&mut self.arena);
        match width {
            IN_COLUMNS => return self.add_to_columns(keyset, spans),
            // Offsets are at most `len`, which `width` was chosen to hold. A row's offsets
            // (a few dozen bytes) are gathered on the stack and added in one copy.
            1 if n <= 32 => {
                let mut offsets = [0u8; 64];
                for (k, (s, e)) in spans.enumerate().take(32) {
                    offsets[2 * k] = s as u8;
                    offsets[2 * k + 1] = e as u8;
                }
                self.arena.extend_from_slice(&offsets[..2 * n]);
            }
            1 => {
                for (s, e) in spans {
                    self.arena.extend_from_slice(&[s as u8, e as u8]);
                }
            }
            2 => {
                for (s, e) in spans {
                    let (s, e) = ((s as u16).to_le_bytes(), (e as u16).to_le_bytes());
                    self.arena.extend_from_slice(&[s[0], s[1], e[0], e[1]]);
                }
            }
            _ => {
                for (s, e) in spans {
                    self.arena.extend_from_slice(&(s as u32).to_le_bytes());
                    self.arena.extend_from_slice(&(e as u32).to_le_bytes());
                }
            }
        }
        self.add_elsewhere();
    }

    /// Add the rows of `other` after these (the rows of a part of the input built on
    /// another thread): its arena and its columns are copied, and its rows' key lists
    /// renumbered as this one's where they differ.
    pub(crate) fn append(&mut self, mut other: Rows) {
        self.append_emptying(&mut other);
    }

    /// [`Rows::append`], leaving `other` without rows or key lists but with its memory,
    /// for the rows of a next part (see [`Rows::forget`]).
    pub(crate) fn append_emptying(&mut self, other: &mut Rows) {
        if self.texts.is_empty() && self.keysets.is_empty() {
            std::mem::swap(self, other);
            other.forget();
            return;
        }
        self.append_rows(other);
        other.forget();
    }

    /// Drop every row and key list, keeping the memory: rows added then are as those of
    /// an empty `Rows` of the same kind ([`Rows::by_column`] or not).
    pub(crate) fn forget(&mut self) {
        self.clear();
        self.keysets.clear();
        self.sources.clear();
        self.column_keys.clear();
        self.last_keyset = 0;
    }

    /// [`Rows::append`] into rows that have some.
    fn append_rows(&mut self, other: &Rows) {
        let lists: Vec<u16> = other.keysets.iter().map(|k| self.keyset_of(&k.keys)).collect();
        let same_columns =
            other.keysets.iter().zip(&lists).all(|(k, &now)| k.columns.is_none() || self.has_columns(now));
        if !same_columns || self.windows.len() + other.windows.len() >= 1 << 31 {
            // A list of `other` with columns has none here (these rows have all the
            // columns a table may have): its rows are added one by one.
            for row in other.iter() {
                self.push_copy(row);
            }
            return;
        }
        let base = self.arena.len();
        self.arena.extend_from_slice(&other.arena);
        // Texts in the arena move with it; those in windows keep their offsets in windows
        // renumbered after these rows' ones.
        let windows = (self.windows.len() as u64) << 32;
        self.windows.extend(other.windows.iter().cloned());
        self.texts.extend(other.texts.iter().map(|&t| if t & IN_WINDOW == 0 { t + base as u64 } else { t + windows }));
        self.text_bytes += other.text_bytes;
        // Their headers, with their key lists renumbered as these rows' ones.
        self.heads.extend(other.heads.iter().map(|&head| {
            let mut head = head;
            let list = usize::from(u16::from_le_bytes([head[4], head[5]]));
            if let Some(&now) = lists.get(list) {
                head[4..6].copy_from_slice(&now.to_le_bytes());
            }
            head
        }));
        // Every column of `other` is one of these (its lists' keys are), with the same
        // pairs: its rows' offsets are relative to their texts.
        if other.column_keys == self.column_keys {
            self.pairs.extend_from_slice(&other.pairs);
            self.masks.extend_from_slice(&other.masks);
            return;
        }
        let theirs: Vec<Option<usize>> =
            self.column_keys.iter().map(|key| other.column_keys.iter().position(|k| k == key)).collect();
        let n = other.column_keys.len();
        for row in 0..other.texts.len() {
            let pairs = other.pairs.get(row * n..row * n + n).unwrap_or_default();
            self.pairs.extend(theirs.iter().map(|c| c.and_then(|c| pairs.get(c).copied()).unwrap_or(ELSEWHERE)));
        }
        // A mask's bits are by column: found again here for the rows whose values are not
        // all plain (every bit set means the same in any order).
        let first = self.masks.len();
        self.masks.extend_from_slice(&other.masks);
        for index in first..self.texts.len() {
            if self.masks.get(index).is_some_and(|&m| m != u32::MAX) {
                self.masks[index] = Row { rows: self, index }.plain();
            }
        }
    }

    /// Add a copy of `row` (of other rows).
    fn push_copy(&mut self, row: Row<'_>) {
        let d = row.decoded(0);
        let keyset = self.keyset_of(row.keys());
        let text = d.text.get(..d.h.len).unwrap_or_default();
        let spans = (0..row.keys().len()).map(|i| d.span(i));
        self.push(d.h.len, keyset, spans, d.h.flags, |arena| arena.extend_from_slice(text));
        if d.h.flags & DECODED != 0 {
            // As `push_decoded` adds it: the line's length, below 4 GiB.
            self.arena.extend_from_slice(&(row.line().len() as u32).to_le_bytes());
        }
        self.mark_plain();
    }

    /// The index of the key list `keys`, added when new.
    #[inline]
    fn keyset_of(&mut self, keys: &[&'static str]) -> u16 {
        self.keyset_by(keys.len(), |i| keys[i])
    }

    /// The index of the key list of `cells`, added when new.
    fn keyset(&mut self, cells: &[(&'static str, &[u8])]) -> u16 {
        self.keyset_by(cells.len(), |i| cells[i].0)
    }

    /// The index of the key list of `n` keys, the ith `key(i)`, added when new.
    #[inline]
    fn keyset_by(&mut self, n: usize, key: impl Fn(usize) -> &'static str) -> u16 {
        // The keys are a layout's column names: the same `&'static str`s row after row, so
        // their addresses decide before their bytes are compared.
        let same = |keys: &[&'static str], by_text: bool| {
            keys.len() == n
                && keys.iter().enumerate().all(|(i, a)| std::ptr::eq(*a, key(i)) || (by_text && *a == key(i)))
        };
        // Rows after rows have the list of the row before: tried first, by address only.
        let last = usize::from(self.last_keyset);
        if self.keysets.get(last).is_some_and(|k| same(&k.keys, false)) {
            return self.last_keyset;
        }
        if let Some(i) = self.keysets.iter().position(|k| same(&k.keys, false)) {
            self.last_keyset = i as u16;
            return i as u16;
        }
        if let Some(i) = self.keysets.iter().position(|k| same(&k.keys, true)) {
            self.last_keyset = i as u16;
            return i as u16;
        }
        // Key lists come from a table's layout: a handful per table. Should one ever pass
        // u16, the last list's index is re-used with this row's own keys (see `Row::keys`).
        let mut set = KeySet::new((0..n).map(key).collect());
        set.columns = self.columns_of(&set.keys);
        set.in_order = set.columns.as_deref().is_some_and(|c| c.iter().enumerate().all(|(i, &c)| usize::from(c) == i));
        self.keysets.push(set);
        self.last_keyset = (self.keysets.len() - 1).min(usize::from(u16::MAX)) as u16;
        self.last_keyset
    }

    /// The column of each of `keys` (a new key list), made when new; `None` when the list
    /// cannot have columns: a key twice, or more columns than [`MAX_COLUMNS`].
    fn columns_of(&mut self, keys: &[&'static str]) -> Option<Box<[u8]>> {
        if !self.by_column || keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k)) {
            return None;
        }
        let mut of_keys = Vec::with_capacity(keys.len());
        for &key in keys {
            let c = match self.column_keys.iter().position(|&k| k == key) {
                Some(c) => c,
                None if self.column_keys.len() < MAX_COLUMNS => {
                    // The rows before have no value there that the column would give.
                    let n = self.column_keys.len();
                    self.column_keys.push(key);
                    let rows = self.texts.len();
                    if rows > 0 {
                        let mut pairs = Vec::with_capacity(rows * (n + 1));
                        for row in 0..rows {
                            pairs.extend_from_slice(self.pairs.get(row * n..row * n + n).unwrap_or_default());
                            pairs.push(ELSEWHERE);
                        }
                        self.pairs = pairs;
                    }
                    n
                }
                None => return None,
            };
            of_keys.push(c as u8);
        }
        Some(of_keys.into())
    }

    /// Where `key` is in each key list (by the list's index), for a pass that reads one key
    /// of every row.
    pub(crate) fn places(&self, key: &str) -> Vec<Option<usize>> {
        self.keysets.iter().map(|k| k.keys.iter().position(|k| *k == key)).collect()
    }

    /// A reader of every row's value of `key` (see [`KeyReader`]).
    pub(crate) fn reader(&self, key: &str) -> KeyReader<'_> {
        KeyReader {
            rows: self,
            places: self.places(key),
            column: self.column_keys.iter().position(|&k| k == key),
            stride: self.column_keys.len().max(1),
        }
    }

    /// Which values of each row, and whether its line, are known to need no escaping in
    /// JSON (a mask per row: bit c for its value of column c, or bit i for its ith value
    /// when its key list has no columns, [`LINE_PLAIN`] for the line; see
    /// [`Row::plain`]), for the writers below.
    ///
    /// Each row's mask is found when the row is added, on the thread that parses it, while
    /// its line is at hand: a pass over every row before writing read the whole arena again.
    pub(crate) fn plain(&self) -> &[u32] {
        &self.masks
    }

    /// Write `[row, …]`: each row as a JSON object (insights' `datalist`); `plain` is
    /// [`Rows::plain`]; `out` is handed to `spill` as it fills.
    pub(crate) fn write_list(&self, out: &mut Vec<u8>, plain: &[u32], spill: &mut super::Spill<'_>) {
        out.push(b'[');
        self.write_blocks(out, spill, BLOCK_BYTES, |out, rows| {
            let mut scratch = [0u8; SCRATCH];
            for n in rows {
                if n > 0 {
                    out.push(b',');
                }
                let d = Row { rows: self, index: n }.decoded(plain.get(n).copied().unwrap_or(0));
                if let Some(set) = self.keysets.get(d.h.keyset) {
                    if !d.write_short(out, set, &mut scratch) {
                        d.write_into(out, set);
                    }
                }
            }
        });
        out.push(b']');
    }

    /// Write `[v, …]`: the value of key `key` in each row (`""` where a row has none), as
    /// the columns of insights' `data` are; `plain` is [`Rows::plain`].
    pub(crate) fn write_column(&self, out: &mut Vec<u8>, key: &str, plain: &[u32], spill: &mut super::Spill<'_>) {
        // Most rows have the key's offsets in its column. Rows of a table alternate
        // between a few key lists (a program or none): for the others, the key's place in
        // each list is found once.
        let places = self.places(key);
        let column = self.column_keys.iter().position(|&k| k == key);
        out.push(b'[');
        self.write_blocks(out, spill, COLUMN_BLOCK_BYTES, |out, rows| {
            self.write_cells(out, rows, column, &places, plain)
        });
        out.push(b']');
    }

    /// The cells of `rows` of [`Rows::write_column`]'s column (`column` of these, at
    /// `places` in each key list), each after a comma but the first row's.
    fn write_cells(
        &self,
        out: &mut Vec<u8>,
        rows: std::ops::Range<usize>,
        column: Option<usize>,
        places: &[Option<usize>],
        plain: &[u32],
    ) {
        // Cells are gathered on the stack and added to `out` a few kilobytes at a time,
        // without the comma before the table's first cell.
        let mut cells = [0u8; 4 * SCRATCH];
        let mut w = 0;
        let mut skip = usize::from(rows.start == 0);
        let texts = self.texts.get(rows.clone()).unwrap_or_default();
        let masks = plain.get(rows.clone()).unwrap_or_default();
        // The rows' pairs of the column, one every `stride`.
        let stride = self.column_keys.len().max(1);
        let pairs = match column {
            Some(c) => self.pairs.get(rows.start * stride + c..rows.end * stride).unwrap_or_default(),
            None => &[],
        };
        // The mask bit of the column's values; none past the 31st column.
        let bit = column.filter(|&c| c < 31).map_or(0, |c| 1u32 << c);
        for (k, &place) in texts.iter().enumerate() {
            // The pass is bound by its reads of the rows' texts (one cache line a row,
            // not in an order the processor foresees): each asked for rows ahead.
            if let (Some(&ahead), Some(&[s, _])) = (texts.get(k + AHEAD_ROWS), pairs.get((k + AHEAD_ROWS) * stride)) {
                let (block, at) = self.locate(ahead);
                prefetch(block, at + usize::from(s));
            }
            if w > cells.len() - 40 {
                out.extend_from_slice(cells.get(skip..w).unwrap_or_default());
                (w, skip) = (0, 0);
            }
            let mask = masks.get(k).copied().unwrap_or(0);
            let (block, at) = self.locate(place);
            let [s, e] = pairs.get(k * stride).copied().unwrap_or(ELSEWHERE);
            let (s, e) = (usize::from(s), usize::from(e));
            if s <= e {
                // The value is at `s..e` of the row's text: most cells, a plain value of
                // at most 32 bytes (or none), copied as 32 bytes between its quotes (after
                // the comma) without a look at the row's header.
                if (s == e || mask & bit != 0) && e - s <= 32 {
                    if let (Some(chunk), Some(cell)) = (block.get(at + s..at + s + 32), cells.get_mut(w..w + 35)) {
                        cell[..2].copy_from_slice(b",\"");
                        cell[2..34].copy_from_slice(chunk);
                        cell[2 + (e - s)] = b'"';
                        w += 3 + (e - s);
                        continue;
                    }
                }
                cells[w] = b',';
                w += 1;
                out.extend_from_slice(cells.get(skip..w).unwrap_or_default());
                (w, skip) = (0, 0);
                let text = block.get(at..).unwrap_or_default();
                if mask & bit != 0 {
                    quoted_piece(out, text, s, e);
                } else {
                    out.push(b'"');
                    escaped_piece(out, text, s, e);
                    out.push(b'"');
                }
                continue;
            }
            // Offsets after the row's text (or a column made after the row).
            cells[w] = b',';
            w += 1;
            let d = Row { rows: self, index: rows.start + k }.decoded(mask);
            let Some(i) = places.get(d.h.keyset).copied().flatten() else {
                cells[w..w + 2].copy_from_slice(b"\"\"");
                w += 2;
                continue;
            };
            let (s, e) = d.span(i);
            out.extend_from_slice(cells.get(skip..w).unwrap_or_default());
            (w, skip) = (0, 0);
            if d.plain(i) {
                quoted_piece(out, d.text, s, e);
            } else {
                out.push(b'"');
                escaped_piece(out, d.text, s, e);
                out.push(b'"');
            }
        }
        out.extend_from_slice(cells.get(skip..w).unwrap_or_default());
    }

    /// Write `[line, …]`: each row's line as a JSON string (insights' `lines`); `plain`
    /// is [`Rows::plain`].
    pub(crate) fn write_lines(&self, out: &mut Vec<u8>, plain: &[u32], spill: &mut super::Spill<'_>) {
        out.push(b'[');
        self.write_blocks(out, spill, BLOCK_BYTES, |out, rows| {
            for n in rows {
                if n > 0 {
                    out.push(b',');
                }
                let line = Row { rows: self, index: n }.line();
                out.push(b'"');
                if plain.get(n).is_some_and(|p| p & LINE_PLAIN != 0) {
                    piece(out, line, 0, line.len());
                } else {
                    escaped_piece(out, line, 0, line.len());
                }
                out.push(b'"');
            }
        });
        out.push(b']');
    }

    /// The rows from `begin` whose text adds up to about `bytes` (one at least), counted
    /// at the rows' mean length (their texts are not all in the arena to be measured).
    fn block_from(&self, begin: usize, bytes: u64) -> std::ops::Range<usize> {
        let rows = self.texts.len();
        let mean = (self.text_bytes / rows.max(1) as u64).max(1);
        let count = usize::try_from(bytes / mean).unwrap_or(usize::MAX).max(1);
        begin.min(rows)..begin.saturating_add(count).min(rows)
    }

    /// Call `write(out, rows)` for every row, a block of rows of about `bytes` of text at
    /// a time (see [`Rows::block_from`]), handing `out` to `spill` after each; with
    /// `spill.two_threads`, on two threads (see [`super::ordered`]): the output is the
    /// same bytes in the same order.
    fn write_blocks<W>(&self, out: &mut Vec<u8>, spill: &mut super::Spill<'_>, bytes: u64, write: W)
    where
        W: Fn(&mut Vec<u8>, std::ops::Range<usize>) + Sync,
    {
        let mut blocks = Vec::new();
        let mut block = self.block_from(0, bytes);
        while !block.is_empty() {
            let next = block.end;
            blocks.push(block);
            block = self.block_from(next, bytes);
        }
        super::ordered::write_pieces(out, spill, blocks.len(), |i, out| {
            if let Some(rows) = blocks.get(i) {
                write(out, rows.clone());
            }
        });
    }
}

/// The rows' text (bytes of the arena) a block of [`Rows::write_blocks`] takes: its JSON
/// is a few times this.
const BLOCK_BYTES: u64 = 128 << 10;

/// [`BLOCK_BYTES`] for a column, whose JSON is a tenth of its rows' text.
const COLUMN_BLOCK_BYTES: u64 = 1 << 20;

/// A row's header: its text's length (below 4 GiB: a line, capped, or a row's values),
/// key list, offsets' width and flags.
#[inline(always)]
fn header(len: usize, keyset: u16, width: usize, flags: u8) -> [u8; HEADER] {
    let mut header = [0u8; HEADER];
    header[..4].copy_from_slice(&(len as u32).to_le_bytes());
    header[4..6].copy_from_slice(&keyset.to_le_bytes());
    header[6] = width as u8;
    header[FLAGS] = flags;
    header
}

/// The place ([`Rows::texts`]) of a text at `offset` in window `window`.
#[inline(always)]
fn place_in_window(window: usize, offset: usize) -> u64 {
    IN_WINDOW | (window as u64) << 32 | offset as u64
}

/// The window and the offset in it of the text at `place`, one with [`IN_WINDOW`] set.
#[inline(always)]
fn window_and_offset(place: u64) -> (usize, usize) {
    (((place & !IN_WINDOW) >> 32) as usize, place as u32 as usize)
}

/// The length of the text of the row of header `head`.
#[inline(always)]
fn text_len(head: &[u8; HEADER]) -> usize {
    u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize
}

/// `bit` when `set`.
fn flag(set: bool, bit: u8) -> u8 {
    if set {
        bit
    } else {
        0
    }
}

/// `span` as a range of a text of `len` bytes, when it is one.
#[inline(always)]
fn span_in((s, e): (u32, u32), len: usize) -> Option<(usize, usize)> {
    let (s, e) = (s as usize, e as usize);
    (s <= e && e <= len).then_some((s, e))
}

/// How many rows ahead a column's pass asks for the value it will read (16 and 64 were
/// measured too: 16 gave less, 64 the same).
const AHEAD_ROWS: usize = 32;

/// Ask the processor for the cache line of `text[at]`, without waiting for it.
#[inline(always)]
fn prefetch(text: &[u8], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(byte) = text.get(at) {
        // SAFETY: a prefetch is a hint: it reads nothing into the program and cannot
        // fault; the address is a byte of the text all the same.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(std::ptr::from_ref(byte).cast())
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (text, at);
}

/// Bytes of the stack buffer a row's object is made in (see [`Decoded::write_short`]).
const SCRATCH: usize = 1024;

/// Where a row's flags are in its header.
const FLAGS: usize = 7;

/// A row's header, decoded.
#[derive(Clone, Copy)]
struct Header {
    len: usize,
    keyset: usize,
    width: usize,
    flags: u8,
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

/// Reads one key of every row, for a pass over a table's rows (the program names, the
/// listeners): a row whose offsets are in the columns gives its value from its header and
/// its pair of the key's column, without the rest of a row's decoding.
pub(crate) struct KeyReader<'r> {
    rows: &'r Rows,
    /// Where the key is in each key list.
    places: Vec<Option<usize>>,
    /// The key's column, if it has one.
    column: Option<usize>,
    /// Pairs per row.
    stride: usize,
}

impl<'r> KeyReader<'r> {
    /// Row `index`'s value of the key; `None` when its key list has no such key (or there
    /// is no such row): what `Row::get` gives.
    #[inline]
    pub(crate) fn value(&self, index: usize) -> Option<&'r [u8]> {
        let rows: &'r Rows = self.rows;
        let header = rows.heads.get(index)?;
        let text = rows.text_at(*rows.texts.get(index)?);
        let keyset = usize::from(u16::from_le_bytes([header[4], header[5]]));
        let place = self.places.get(keyset).copied().flatten()?;
        if usize::from(header[6]) == IN_COLUMNS {
            if let Some([s, e]) = self.column.and_then(|c| rows.pairs.get(index * self.stride + c)) {
                let len = text_len(header);
                let (s, e) = (usize::from(*s), usize::from(*e));
                if s <= e && e <= len {
                    return text.get(s..e);
                }
            }
        }
        Row { rows, index }.value_at(place)
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
    #[inline]
    fn header(&self) -> Header {
        let a = self.rows.heads[self.index];
        Header {
            len: text_len(&a),
            keyset: usize::from(u16::from_le_bytes([a[4], a[5]])),
            width: usize::from(a[6]),
            flags: a[FLAGS],
        }
    }

    /// The row's position in its table, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The line the row was read from, exactly as read (netstat rows); the values one
    /// after the other (ss rows).
    pub fn line(&self) -> &'r [u8] {
        let d = self.decoded(0);
        let len = d.h.len;
        if d.h.flags & DECODED != 0 {
            // The line's length follows the text and the offsets.
            let at = len + d.after_text;
            let line_len = d.text.get(at..at + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            return d.text.get(..line_len.min(len)).unwrap_or_default();
        }
        d.text.get(..len).unwrap_or_default()
    }

    /// The keys, in display order.
    pub fn keys(&self) -> &'r [&'static str] {
        &self.rows.keysets[self.header().keyset].keys
    }

    /// The state was LISTEN (netstat internet rows).
    pub fn listening(&self) -> bool {
        self.header().flags & LISTENING != 0
    }

    /// The value of cell `i` (in [`Row::keys`] order).
    pub fn value_at(&self, i: usize) -> Option<&'r [u8]> {
        let d = self.decoded(0);
        (i < d.keys.len()).then(|| d.value(i))
    }

    /// The (key, value) cells in display order.
    pub fn cells(&self) -> impl ExactSizeIterator<Item = (&'static str, &'r [u8])> + Clone + 'r {
        let d = self.decoded(0);
        d.keys.iter().enumerate().map(move |(i, &k)| (k, d.value(i)))
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&'r [u8]> {
        // Keys are the views' constants: the same address, usually, before the same text.
        let same = |k: &str| (k.as_ptr() == key.as_ptr() && k.len() == key.len()) || k == key;
        let d = self.decoded(0);
        let i = d.keys.iter().position(|k| same(k))?;
        Some(d.value(i))
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.keys().len()
    }

    /// True for a row without cells.
    pub fn is_empty(&self) -> bool {
        self.keys().is_empty()
    }

    /// Which values, and whether the line, are known to need no escaping (see
    /// [`Rows::plain`]): all of them when the whole text needs none (values are pieces of
    /// it), else those that end before its first byte to escape. The others (and values
    /// past the 31st column, or past the 31st value of a list without columns) are written
    /// through the escaping writer, which gives the same text.
    fn plain(&self) -> u32 {
        let d = self.decoded(0);
        let text = d.text.get(..d.h.len).unwrap_or_default();
        // Values that end before the text's first byte to escape are plain without a look
        // (an ss row's values before its Process, whose quotes are escaped).
        let first = crate::json::long_plain_prefix(text);
        if first == text.len() {
            return u32::MAX;
        }
        // A value after it is written through the escaping writer, which gives the same
        // bytes for one that needs no escaping, without a look of its own here.
        let values = (0..d.keys.len()).fold(0, |mask, i| {
            let (s, e) = d.raw(i);
            let bit = if d.cols.is_empty() { i } else { d.cols.get(i).map_or(31, |&c| usize::from(c)) };
            mask | if bit < 31 && s <= e && e <= first { 1 << bit } else { 0 }
        });
        // The line is the text (not plain), or a decoded row's first part.
        let line_plain = d.h.flags & DECODED != 0 && crate::json::is_plain(self.line());
        values | if line_plain { LINE_PLAIN } else { 0 }
    }

    /// The row's parts for writing it: its header, its text (with the rest of the arena
    /// after it, for [`put`]), its keys and where their values are, and its `plain` mask.
    #[inline(always)]
    fn decoded(&self, plain: u32) -> Decoded<'r> {
        let h = self.header();
        let rows: &'r Rows = self.rows;
        let text = rows.texts.get(self.index).map_or(&[][..], |&place| rows.text_at(place));
        let set = rows.keysets.get(h.keyset);
        let keys: &'r [&'static str] = set.map_or(&[], |k| &k.keys);
        let cols: &'r [u8] = set.and_then(|k| k.columns.as_deref()).unwrap_or_default();
        // Empty when the offsets are in the columns (a width of 0).
        let after_text = text.get(h.len..h.len + keys.len() * 2 * h.width).unwrap_or_default();
        // Else the row's pairs, one per column: when its keys are the first columns in
        // order, its offsets in key order, as they would be after the text.
        let (spans, width, pairs) = if h.width == IN_COLUMNS {
            let n = rows.column_keys.len();
            let pairs = rows.pairs.get(self.index * n..self.index * n + n).unwrap_or_default();
            match set {
                Some(k) if k.in_order => (pairs.get(..keys.len()).unwrap_or_default().as_flattened(), 1, pairs),
                _ => (after_text, IN_COLUMNS, pairs),
            }
        } else {
            (after_text, h.width, &[][..])
        };
        Decoded { h, text, spans, width, after_text: after_text.len(), keys, cols, pairs, plain }
    }

    /// Write the row as a JSON object.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let d = self.decoded(self.plain());
        if let Some(set) = self.rows.keysets.get(d.h.keyset) {
            d.write_into(out, set);
        }
    }
}

/// A row decoded for writing (see [`Row::decoded`]).
#[derive(Clone, Copy)]
struct Decoded<'r> {
    h: Header,
    /// The row's text, then the rest of the arena.
    text: &'r [u8],
    /// The offsets of the keys in order, `width` bytes each: after the text, or the
    /// row's pairs (then one byte); none when they are pairs in another order (then
    /// `width` is 0, [`IN_COLUMNS`]).
    spans: &'r [u8],
    width: usize,
    /// Bytes of offsets after the text.
    after_text: usize,
    keys: &'r [&'static str],
    /// The column of each key (none for a key list without columns).
    cols: &'r [u8],
    /// The row's pair of each column (see [`Rows::pairs`]).
    pairs: &'r [[u8; 2]],
    /// See [`Rows::plain`].
    plain: u32,
}

impl<'r> Decoded<'r> {
    /// Whether value `i` needs no escaping.
    #[inline(always)]
    fn plain(&self, i: usize) -> bool {
        let bit = if self.cols.is_empty() { i } else { self.cols.get(i).map_or(31, |&c| usize::from(c)) };
        bit < 31 && self.plain & (1 << bit) != 0
    }

    /// Value `i`'s (start, end) as stored, in its column or after the text.
    #[inline(always)]
    fn raw(&self, i: usize) -> (usize, usize) {
        if self.width == IN_COLUMNS {
            let pair = self.cols.get(i).and_then(|&c| self.pairs.get(usize::from(c)));
            let [s, e] = pair.copied().unwrap_or_default();
            return (usize::from(s), usize::from(e));
        }
        span(self.spans, self.width, i)
    }

    /// Value `i`.
    #[inline]
    fn value(&self, i: usize) -> &'r [u8] {
        let (s, e) = self.span(i);
        self.text.get(s..e).unwrap_or_default()
    }

    /// Write the row as a JSON object: the pre-encoded members of its key list, each
    /// followed by its value, copied as it is when it needs no escaping (the next member,
    /// or the end, closes its quote).
    #[inline]
    fn write_into(&self, out: &mut Vec<u8>, set: &KeySet) {
        if set.ends.is_empty() {
            out.extend_from_slice(b"{}");
            return;
        }
        let mut start = 0;
        for (i, &end) in set.ends.iter().enumerate() {
            piece(out, &set.members, start, end);
            start = end;
            let (s, e) = self.span(i);
            if self.plain(i) {
                piece(out, self.text, s, e);
            } else {
                escaped_piece(out, self.text, s, e);
            }
        }
        out.extend_from_slice(b"\"}");
    }

    /// [`Decoded::write_into`] for a row with one-byte offsets and members of at most 32
    /// bytes (most rows): the object is made in `scratch`, a fixed 32-byte copy per member
    /// and per short plain value, and added to `out` a few hundred bytes at a time. False,
    /// with nothing written, for a row it does not take.
    #[inline]
    fn write_short(&self, out: &mut Vec<u8>, set: &KeySet, scratch: &mut [u8; SCRATCH]) -> bool {
        if set.short.is_empty() {
            return false;
        }
        if self.width == 1 && self.spans.len() == 2 * set.short.len() {
            let spans = self.spans.chunks_exact(2).map(|p| (usize::from(p[0]), usize::from(p[1])));
            self.write_short_with(out, set, scratch, spans);
            return true;
        }
        if self.width == IN_COLUMNS && self.cols.len() == set.short.len() {
            self.write_short_with(out, set, scratch, (0..set.short.len()).map(|i| self.raw(i)));
            return true;
        }
        false
    }

    /// [`Decoded::write_short`] with the values' offsets, one per member.
    #[inline(always)]
    fn write_short_with(
        &self,
        out: &mut Vec<u8>,
        set: &KeySet,
        scratch: &mut [u8; SCRATCH],
        spans: impl Iterator<Item = (usize, usize)>,
    ) {
        let len = self.h.len;
        // Most rows: every value plain.
        let all_plain = self.plain == u32::MAX;
        let mut w = 0;
        for (i, ((member, member_len), (s, e))) in set.short.iter().zip(spans).enumerate() {
            if w > SCRATCH - 66 {
                out.extend_from_slice(&scratch[..w]);
                w = 0;
            }
            scratch[w..w + 32].copy_from_slice(member);
            w += usize::from(*member_len);
            let (s, e) = if s <= e && e <= len { (s, e) } else { (0, 0) };
            let plain = all_plain || self.plain(i);
            if plain && e - s <= 32 {
                if let Some(chunk) = self.text.get(s..s + 32) {
                    scratch[w..w + 32].copy_from_slice(chunk);
                    w += e - s;
                    continue;
                }
            }
            w = self.other_value(out, scratch, w, plain, (s, e));
        }
        scratch[w..w + 2].copy_from_slice(b"\"}");
        out.extend_from_slice(&scratch[..w + 2]);
    }

    /// [`Decoded::write_short`]'s value at `s..e` of the text that is not a short plain
    /// one, after the `w` bytes of `scratch`: a short one to escape (an ss row's Process)
    /// is escaped in place; any other is written to `out` after those bytes. Where the
    /// next bytes go in `scratch`.
    #[inline(never)]
    fn other_value(
        &self,
        out: &mut Vec<u8>,
        scratch: &mut [u8; SCRATCH],
        w: usize,
        plain: bool,
        (s, e): (usize, usize),
    ) -> usize {
        let room = crate::json::escape_room(e - s);
        if !plain && w + room <= SCRATCH - 66 {
            return w + crate::json::escape_into(&mut scratch[w..w + room], &self.text[s..e]);
        }
        out.extend_from_slice(&scratch[..w]);
        if plain {
            piece(out, self.text, s, e);
        } else {
            escaped_piece(out, self.text, s, e);
        }
        0
    }

    /// Where value `i` is in the text; empty when its offsets are not in the text.
    #[inline(always)]
    fn span(&self, i: usize) -> (usize, usize) {
        let (s, e) = self.raw(i);
        if s <= e && e <= self.h.len {
            (s, e)
        } else {
            (0, 0)
        }
    }
}

/// The (start, end) of value `i` in a row's offsets `spans`, `width` bytes each.
#[inline(always)]
fn span(spans: &[u8], width: usize, i: usize) -> (usize, usize) {
    // One arm per width: a copy of a variable length would be a call to memcpy.
    let read = |k: usize| match width {
        1 => spans.get(k).map_or(0, |&b| usize::from(b)),
        2 => spans.get(2 * k..2 * k + 2).map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]]))),
        _ => spans.get(4 * k..4 * k + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize),
    };
    (read(2 * i), read(2 * i + 1))
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

    /// The JSON the escaping writer gives for every cell, as the views wrote it before rows
    /// kept their plain flags and pre-encoded keys.
    fn reference_row(row: &Row<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut o = crate::json::Object::new(&mut out);
        for (k, v) in row.cells() {
            o.bytes(k, v);
        }
        o.end();
        out
    }

    #[test]
    fn rows_write_the_json_of_the_escaping_writer() {
        let mut rows = Rows::new();
        let long = [b"raw ".as_slice(), &[b'y'; 300], b" \"tail\""].concat();
        let huge = [b"raw ".as_slice(), &[b'z'; 70_000], b" \xff\xfe end"].concat();
        let lines: [&[u8]; 5] = [b"tcp 0 0 a:1", b"unix 2 \"q\" caf\xc3\xa9 \xff", b"udp\t1\\2 x", &long, &huge];
        for line in lines {
            let words: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
            let cells: Vec<(&'static str, &[u8])> = ["A", "B\"key", "C", "D"]
                .iter()
                .zip(words.iter().chain([&&line[line.len()..]]))
                .map(|(k, v)| (*k, *v))
                .collect();
            rows.push_line(line, &cells, false);
        }
        rows.push_values(&[("Netid", b"tcp"), ("State", b""), ("Process", b"users:((\"a\",pid=1))")]);
        rows.push_values(&[("Netid", b"u\x01"), ("State", b"LISTEN")]);
        rows.push_decoded(b"0: 0100007F:0016 \"", &[("Proto", b"tcp"), ("Local Address", b"127.0.0.1:22")], true);
        rows.push_values(&[]);
        for row in rows.iter() {
            let mut out = Vec::new();
            row.write_json(&mut out);
            assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&reference_row(&row)));
        }
        let mut spill = super::super::Spill::none();
        let plain = rows.plain();
        let mut out = Vec::new();
        rows.write_list(&mut out, plain, &mut spill);
        let mut expected = vec![b'['];
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                expected.push(b',');
            }
            expected.extend_from_slice(&reference_row(&row));
        }
        expected.push(b']');
        assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&expected));
        for key in ["A", "B\"key", "D", "Netid", "Local Address", "missing"] {
            let mut out = Vec::new();
            rows.write_column(&mut out, key, plain, &mut spill);
            let mut expected = vec![b'['];
            for (i, row) in rows.iter().enumerate() {
                if i > 0 {
                    expected.push(b',');
                }
                crate::json::string(&mut expected, row.get(key).unwrap_or_default());
            }
            expected.push(b']');
            assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&expected), "{key}");
        }
        let mut out = Vec::new();
        rows.write_lines(&mut out, plain, &mut spill);
        let mut expected = vec![b'['];
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                expected.push(b',');
            }
            crate::json::string(&mut expected, row.line());
        }
        expected.push(b']');
        assert_eq!(out, expected);
    }

    /// The JSON of `rows` that the writers give: every column (and a key no row has),
    /// the list, the lines.
    fn written(rows: &Rows, keys: &[&'static str]) -> Vec<u8> {
        let mut spill = super::super::Spill::none();
        let plain = rows.plain();
        // The masks kept as rows are added (and appended) are those of the rows as held.
        let found: Vec<u32> = rows.iter().map(|row| row.plain()).collect();
        assert!(plain == found, "masks kept as rows were added");
        // A key's reader gives each row's value of it.
        for key in keys.iter().chain(&["no such key"]) {
            let reader = rows.reader(key);
            for row in rows.iter() {
                assert_eq!(reader.value(row.index()), row.get(key), "{key} of row {}", row.index());
            }
        }
        let mut out = Vec::new();
        for key in keys.iter().chain(&["no such key"]) {
            rows.write_column(&mut out, key, plain, &mut spill);
        }
        rows.write_list(&mut out, plain, &mut spill);
        rows.write_lines(&mut out, plain, &mut spill);
        out
    }

    /// What the writers should give for rows holding `cells` (and `lines`), from the
    /// escaping writer.
    fn expected(lines: &[Vec<u8>], cells: &[Cells], keys: &[&'static str]) -> Vec<u8> {
        let mut out = Vec::new();
        let array = |out: &mut Vec<u8>, items: Vec<Vec<u8>>| {
            out.push(b'[');
            out.extend_from_slice(&items.join(&b","[..]));
            out.push(b']');
        };
        let string = |v: &[u8]| {
            let mut s = Vec::new();
            crate::json::string(&mut s, v);
            s
        };
        for key in keys.iter().chain(&["no such key"]) {
            let column = cells
                .iter()
                .map(|row| string(row.iter().find(|(k, _)| k == key).map_or(&b""[..], |(_, v)| v.as_slice())));
            array(&mut out, column.collect());
        }
        let objects = cells.iter().map(|row| {
            let mut o = Vec::new();
            let mut object = crate::json::Object::new(&mut o);
            for (k, v) in row {
                object.bytes(k, v);
            }
            object.end();
            o
        });
        array(&mut out, objects.collect());
        array(&mut out, lines.iter().map(|l| string(l)).collect());
        out
    }

    /// A row to add: its key list, its line (a piece of one input shared by all rows), its
    /// values' spans, and how it is added.
    type Made = (&'static [&'static str], Bytes, Vec<(u32, u32)>, u64);

    /// A row's (key, value) cells.
    type Cells = Vec<(&'static str, Vec<u8>)>;

    /// Rows whose lines are most of the input lent to them keep it; rows that use a small
    /// share of it (the last capture of a part of a periodic log) copy their lines and let
    /// it go, and read the same.
    #[test]
    fn rows_let_go_of_an_input_they_use_little_of() {
        const KEYS: &[&str] = &["Proto", "Local"];
        let lines: Vec<u8> = (0..100).flat_map(|i| format!("tcp 10.0.0.{i}:22\n").into_bytes()).collect();
        let input = Bytes::from(lines);
        let add = |rows: &mut Rows, count: usize| {
            let mut at = 0;
            for line in input.split(|&b| b == b'\n').take(count) {
                let slice = input.slice(at..at + line.len());
                rows.push_static_spans(&slice, KEYS, &[(0, 3), (4, line.len() as u32)], false, Some(&input));
                at += line.len() + 1;
            }
        };
        let (mut most, mut few) = (Rows::by_column(), Rows::by_column());
        add(&mut most, 100);
        add(&mut few, 10);
        let before: Vec<Vec<u8>> = few.iter().map(|r| r.line().to_vec()).collect();
        most.let_go_of_sparse_windows();
        few.let_go_of_sparse_windows();
        assert_eq!(most.windows.len(), 1, "rows that use most of the input keep it");
        assert!(few.windows.is_empty(), "rows that use a tenth of the input let it go");
        let after: Vec<Vec<u8>> = few.iter().map(|r| r.line().to_vec()).collect();
        assert_eq!(after, before);
        assert_eq!(few.get(9).and_then(|r| r.get("Local")), Some(&b"10.0.0.9:22"[..]));
    }

    /// Rows of key lists in and out of the columns' order, with a key twice, with more
    /// keys than columns may be, lines short and long, values to escape, decoded rows,
    /// lines copied and lines kept in the input: the columns give what the rows hold,
    /// whole and appended from parts cut anywhere.
    #[test]
    fn columns_give_what_the_rows_hold() {
        let many: &'static [&'static str] =
            Box::leak((0..40).map(|i| &*Box::leak(format!("K{i}").into_boxed_str())).collect::<Vec<_>>().into());
        let lists: [&'static [&'static str]; 6] = [
            &["Proto", "Local", "State"],
            &["Proto", "Local", "State", "PID", "Program"],
            &["Local", "Proto", "Timer"],
            &["Proto", "Proto"],
            many,
            &["Program"],
        ];
        let keys: Vec<&'static str> = {
            let mut keys: Vec<&'static str> = lists.iter().flat_map(|l| l.iter().copied()).collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        };
        // A row: its list, its line (words after a few bytes of padding), how it is added.
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut made = Vec::new();
        let mut input = Vec::new();
        for r in 0..400 {
            let list = lists[next(lists.len() as u64) as usize];
            let pad = match next(10) {
                0 => 300,
                1 => 70_000,
                _ => 1 + next(6) as usize,
            };
            let mut line = b"  ".to_vec();
            let mut spans = Vec::new();
            for (k, _) in list.iter().enumerate() {
                let word: Vec<u8> = match next(8) {
                    0 => b"say \"hi\"".to_vec(),
                    1 => Vec::new(),
                    2 => b"caf\xc3\xa9\xff".to_vec(),
                    _ => format!("w{r}-{k}").into_bytes(),
                };
                let start = line.len() as u32;
                line.extend_from_slice(&word);
                spans.push((start, line.len() as u32));
                line.extend(std::iter::repeat_n(b' ', pad.min(if k == 0 { pad } else { 3 })));
            }
            let at = input.len();
            input.extend_from_slice(&line);
            made.push((list, at..input.len(), spans, next(4)));
        }
        let input = Bytes::from(input);
        let made: Vec<Made> =
            made.into_iter().map(|(list, range, spans, how)| (list, input.slice(range), spans, how)).collect();
        let add = |rows: &mut Rows, (list, line, spans, how): &Made| {
            let cells: Vec<(&'static str, &[u8])> =
                list.iter().zip(spans).map(|(&k, &(s, e))| (k, &line[s as usize..e as usize])).collect();
            match how {
                0 => rows.push_static_spans(line, list, spans, false, None),
                1 => rows.push_static_pieces(line, list, spans),
                2 => rows.push_decoded(line, &cells, true),
                // Kept in the input (those short enough for their offsets' columns).
                _ => rows.push_static_spans(line, list, spans, false, Some(&input)),
            }
        };
        let truth: Vec<(Vec<u8>, Cells)> = made
            .iter()
            .map(|(list, line, spans, how)| {
                let cells: Vec<(&'static str, Vec<u8>)> =
                    list.iter().zip(spans).map(|(&k, &(s, e))| (k, line[s as usize..e as usize].to_vec())).collect();
                let line = match how {
                    1 => cells.iter().flat_map(|(_, v)| v.clone()).collect(),
                    _ => line.to_vec(),
                };
                (line, cells)
            })
            .collect();
        let (lines, cells): (Vec<_>, Vec<_>) = truth.into_iter().unzip();
        let want = expected(&lines, &cells, &keys);
        // Rows that held others and were emptied by `append_emptying` (as a part's are
        // before the next part takes them): as good as new.
        let emptied = || {
            let (mut whole, mut part) = (Rows::by_column(), Rows::by_column());
            let add = |rows: &mut Rows, list: &'static [&'static str]| {
                let spans: Vec<(u32, u32)> = (0..list.len() as u32).map(|i| (2 * i, 2 * i + 1)).collect();
                rows.push_static_spans(b"a b c d e f g h", list, &spans, true, None);
            };
            add(&mut whole, lists[2]);
            add(&mut part, lists[1]);
            add(&mut part, lists[0]);
            part.push_decoded(b"f", &[("Decoded", b"g")], false);
            whole.append_emptying(&mut part);
            part
        };
        let empties: [&dyn Fn() -> Rows; 3] = [&Rows::by_column, &Rows::new, &emptied];
        for empty in empties {
            let mut whole = empty();
            for row in &made {
                add(&mut whole, row);
            }
            // Rows with columns keep the short lines of the input where they are; copied
            // out of it when they keep little of it, they give the same.
            let kept = whole.texts.iter().filter(|&&t| t & IN_WINDOW != 0).count();
            assert_eq!(kept > 10 && whole.windows.len() == 1, whole.by_column, "{kept} kept");
            let mut copied = whole.clone();
            copied.let_go_of_sparse_windows();
            assert!(copied.windows.is_empty() && copied.texts.iter().all(|&t| t & IN_WINDOW == 0));
            assert!(written(&copied, &keys) == want, "copied out of the input");
            for (i, row) in whole.iter().enumerate() {
                let got: Vec<(&str, Vec<u8>)> = row.cells().map(|(k, v)| (k, v.to_vec())).collect();
                assert_eq!(got, cells[i], "row {i}");
                assert_eq!(row.line(), lines[i], "row {i}");
            }
            assert!(written(&whole, &keys) == want, "whole");
            for cut in (0..made.len()).step_by(7).chain([1, made.len() - 1]) {
                // Each part makes its columns in the order its rows bring their keys: most
                // often another order than the first part's.
                let (mut first, mut rest) = (empty(), empty());
                for row in &made[..cut] {
                    add(&mut first, row);
                }
                for row in &made[cut..] {
                    add(&mut rest, row);
                }
                first.append(rest);
                assert!(written(&first, &keys) == want, "cut at {cut}");
            }
        }
        // Two parts with the same columns in another order (the first begins with a row
        // of the first list, the other with one of the third): the pairs are remapped.
        let of = |list: &'static [&'static str]| -> Vec<usize> {
            made.iter().enumerate().filter(|(_, m)| m.0 == list).map(|(i, _)| i).take(3).collect()
        };
        let (a, c) = (of(lists[0]), of(lists[2]));
        let order = [a[0], c[0], a[1], c[1], a[2], c[2]];
        let (mut first, mut rest) = (Rows::by_column(), Rows::by_column());
        for &i in &order[..3] {
            add(&mut first, &made[i]);
        }
        for &i in &order[3..] {
            add(&mut rest, &made[i]);
        }
        assert!(first.column_keys != rest.column_keys && first.column_keys.len() == rest.column_keys.len());
        first.append(rest);
        let lines: Vec<Vec<u8>> = order.iter().map(|&i| lines[i].clone()).collect();
        let cells: Vec<Cells> = order.iter().map(|&i| cells[i].clone()).collect();
        assert!(written(&first, &keys) == expected(&lines, &cells, &keys), "columns in another order");
    }

    #[test]
    fn two_threads_write_the_same_bytes() {
        // Rows of every offset width, some needing escapes, over many blocks.
        let mut rows = Rows::new();
        let mut lines = Vec::new();
        for n in 0..30_000usize {
            let pad = [b'x'].repeat(n % 7 * 60);
            let odd: &[u8] = if n % 5 == 0 { b"\"q\"" } else { b"plain" };
            lines.push([format!("tcp {n} ").as_bytes(), odd, b" ", &pad, b" end"].concat());
        }
        lines.push([b"raw ".as_slice(), &[b'y'; 70_000], b" \xff"].concat());
        for line in &lines {
            let words: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
            let cells: Vec<(&'static str, &[u8])> = ["Proto", "N", "Odd", "Pad"].into_iter().zip(words).collect();
            rows.push_line(line, &cells, false);
        }
        assert!(rows.block_from(0, BLOCK_BYTES).end < rows.len() / 4, "several blocks");
        let plain = rows.plain();
        let write = |two_threads: bool| {
            let mut spill = super::super::Spill::none();
            spill.two_threads = two_threads;
            let mut out = Vec::new();
            rows.write_list(&mut out, plain, &mut spill);
            rows.write_column(&mut out, "Odd", plain, &mut spill);
            rows.write_column(&mut out, "Pad", plain, &mut spill);
            rows.write_lines(&mut out, plain, &mut spill);
            out
        };
        let one = write(false);
        assert!(one.len() > 10 << 20);
        assert!(one == write(true), "two threads wrote other bytes");
    }
}
