//! Thin aggregators over the event stream: the lookup views of insights'
//! `insights.parsers.netstat`, with the same names and answers, typed and fast.
//!
//! A view keeps owned copies of only what it answers with; the small ones
//! ([`ListeningPids`], [`RunningProcesses`]) keep just their answer, so a multi-gigabyte
//! input needs no more memory than that.

pub mod netstat;
pub mod netstat_agn;
pub mod netstat_i;
pub mod netstat_s;
pub mod proc_net;
mod rows;
pub mod search;
mod set;
pub mod ss;
// Issue 13, counters.
pub mod proc_snmp;
pub mod snmp6;
pub mod sockstat;

pub use netstat::{CaptureSelect, ListeningPids, NetstatView, RunningProcesses};
pub use rows::{Row, Rows};
pub use set::{Seen, ViewSet};

/// The entry of capture `number` in `kept` (captures in input order), made on first use;
/// `None` when `select` does not keep that capture. With `CaptureSelect::Last`, a new
/// capture drops the previous ones. Every view keeps its captures this way.
pub(crate) fn capture_entry<T>(
    kept: &mut Vec<T>,
    select: CaptureSelect,
    number: u32,
    number_of: impl Fn(&T) -> u32,
    make: impl FnOnce() -> T,
) -> Option<&mut T> {
    if let CaptureSelect::Number(n) = select {
        if n != number {
            return None;
        }
    }
    if kept.last().is_none_or(|c| number_of(c) != number) {
        if select == CaptureSelect::Last {
            kept.clear();
        }
        kept.push(make());
    }
    kept.last_mut()
}

/// Write `{"captures": [capture, …]}`, each capture written by `write` (which opens its
/// own object): the `CaptureSelect::All` form of every view.
pub(crate) fn write_captures<C>(out: &mut Vec<u8>, captures: &[C], mut write: impl FnMut(&mut Vec<u8>, &C)) {
    let mut o = crate::json::Object::new(out);
    let list = o.member("captures");
    list.push(b'[');
    for (i, capture) in captures.iter().enumerate() {
        if i > 0 {
            list.push(b',');
        }
        write(list, capture);
    }
    list.push(b']');
    o.end();
}

/// Where a view's JSON goes while it is written: the views of a large capture write
/// hundreds of megabytes, which are handed to the writer a megabyte at a time instead of
/// being held whole. Without a writer, everything stays in the buffer.
pub struct Spill<'w> {
    to: Option<&'w mut dyn std::io::Write>,
    error: Option<std::io::Error>,
}

impl<'w> Spill<'w> {
    /// The buffer is handed over when it holds this much.
    const AT: usize = 1 << 20;

    /// Keep everything in the buffer.
    pub(crate) fn none() -> Self {
        Spill { to: None, error: None }
    }

    /// Hand the buffer to `to` whenever it fills.
    pub(crate) fn to(to: &'w mut dyn std::io::Write) -> Self {
        Spill { to: Some(to), error: None }
    }

    /// Hand `out` over (and empty it) if it is full. After a write error, output is
    /// dropped and the error kept for [`Spill::finish`].
    #[inline]
    pub(crate) fn check(&mut self, out: &mut Vec<u8>) {
        if out.len() >= Self::AT {
            self.flush(out);
        }
    }

    fn flush(&mut self, out: &mut Vec<u8>) {
        if let Some(to) = &mut self.to {
            if self.error.is_none() {
                if let Err(e) = to.write_all(out) {
                    self.error = Some(e);
                }
            }
            out.clear();
        }
    }

    /// Hand over what is left; the first write error, if any.
    pub(crate) fn finish(mut self, out: &mut Vec<u8>) -> std::io::Result<()> {
        self.flush(out);
        self.error.map_or(Ok(()), Err)
    }
}

/// Keeps one value per capture, as a view's [`CaptureSelect`] asks: only the last, only
/// capture N, or all of them.
#[derive(Debug, Clone, Default)]
pub struct PerCapture<T> {
    select: CaptureSelect,
    kept: Vec<(u32, T)>,
}

impl<T: Default> PerCapture<T> {
    /// Keep the captures chosen by `select`.
    pub fn new(select: CaptureSelect) -> Self {
        PerCapture { select, kept: Vec::new() }
    }

    /// The value of capture `number`, created on first use; `None` when the selection does
    /// not keep that capture. With `CaptureSelect::Last`, a new capture drops the previous.
    pub fn get(&mut self, number: u32) -> Option<&mut T> {
        capture_entry(&mut self.kept, self.select, number, |(n, _)| *n, || (number, T::default())).map(|(_, v)| v)
    }

    /// The value of the described capture (the last one kept).
    pub fn last(&self) -> Option<&T> {
        self.kept.last().map(|(_, v)| v)
    }

    /// Every capture kept, with its number.
    pub fn all(&self) -> &[(u32, T)] {
        &self.kept
    }

    /// The selection.
    pub fn select(&self) -> CaptureSelect {
        self.select
    }

    /// Write `write(capture)` for the described capture, or, with `CaptureSelect::All`,
    /// `{"captures": [{"capture": N, …}, …]}` (each `write` opens its own object).
    pub fn write_json(&self, out: &mut Vec<u8>, write: impl Fn(&mut Vec<u8>, Option<u32>, Option<&T>)) {
        if self.select == CaptureSelect::All {
            write_captures(out, &self.kept, |list, (n, v)| write(list, Some(*n), Some(v)));
        } else {
            write(out, None, self.last());
        }
    }
}

/// A row as insights' generic table parser sees it: header words paired with the row's
/// blank-separated words, by position (a short row lacks keys, extra words are dropped).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WordRow {
    /// (key, value), in header order.
    pub cells: Vec<(String, Vec<u8>)>,
}

impl WordRow {
    /// Pair `keys` with the words of `line`.
    pub fn pair(keys: &[String], line: &[u8]) -> Self {
        let words = netsift_grammar::lex::words(line).map(|(_, w)| w.to_vec());
        WordRow { cells: keys.iter().cloned().zip(words).collect() }
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&[u8]> {
        self.cells.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_slice())
    }

    /// Write rows as a JSON array, each leaving out `skip`.
    pub fn write_list(out: &mut Vec<u8>, rows: &[WordRow], skip: Option<&str>) {
        out.push(b'[');
        for (i, r) in rows.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            r.write_json(out, skip);
        }
        out.push(b']');
    }

    /// Write the row as a JSON object, leaving out `skip`.
    pub fn write_json(&self, out: &mut Vec<u8>, skip: Option<&str>) {
        let mut o = crate::json::Object::new(out);
        for (k, v) in &self.cells {
            if Some(k.as_str()) != skip {
                o.bytes(k, v);
            }
        }
        o.end();
    }
}
