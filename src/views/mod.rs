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
mod ordered;
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
pub use set::{Seen, ViewPart, ViewSet};

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

/// Write `{"captures": [capture, …]}`: the captures already written to `spooled` (see
/// [`Spool`]), then `captures`, each written by `write` (which opens its own object): the
/// `CaptureSelect::All` form of every view.
pub(crate) fn write_captures<C>(
    out: &mut Vec<u8>,
    spooled: Option<&Spool>,
    captures: &[C],
    spill: &mut Spill<'_>,
    mut write: impl FnMut(&mut Vec<u8>, &C, &mut Spill<'_>),
) {
    let mut o = crate::json::Object::new(out);
    let list = o.member("captures");
    list.push(b'[');
    let mut first = true;
    if let Some(spool) = spooled.filter(|s| s.count > 0) {
        spool.copy_to(list, spill);
        first = false;
    }
    for capture in captures {
        if !first {
            list.push(b',');
        }
        first = false;
        write(list, capture, spill);
    }
    list.push(b']');
    o.end();
}

/// The JSON of the finished captures of one view, for `--capture all`: each capture is
/// written here when the next one starts and then dropped, so that the view holds one
/// capture at a time, whatever the number of captures. The JSON (several times the
/// captures) goes to an unnamed temporary file, created when the first capture ends, in
/// megabyte writes; [`write_captures`] copies it out in front of the capture still held.
///
/// When no temporary file can be made, nothing is spooled and the view keeps every
/// capture, as it would without a spool: the output is the same either way.
#[derive(Debug, Default)]
pub(crate) struct Spool {
    /// The temporary file, once made.
    file: Option<std::fs::File>,
    /// Making the file failed: keep the captures instead.
    unavailable: bool,
    /// The JSON not yet handed to the file (under a megabyte between captures).
    pending: Vec<u8>,
    /// How many captures were written (they are separated by commas).
    count: u32,
    /// The first write error, reported when the JSON is written out.
    error: Option<std::io::Error>,
}

impl Spool {
    /// The pending JSON is written to the file when it holds this much: less than
    /// [`Spill::AT`], as the spool's buffer is held beside the one of the output.
    const AT: usize = 256 << 10;

    /// Whether captures can be spooled (makes the file on first use).
    fn ready(&mut self) -> bool {
        if self.file.is_none() && !self.unavailable {
            match tempfile::tempfile() {
                Ok(f) => self.file = Some(f),
                Err(_) => self.unavailable = true,
            }
        }
        self.file.is_some()
    }

    /// Spool every capture of `kept` but the last (the one still being read), in order,
    /// each written by `write`; the spooled ones are dropped.
    pub(crate) fn retire<C>(&mut self, kept: &mut Vec<C>, mut write: impl FnMut(&mut Vec<u8>, &C, &mut Spill<'_>)) {
        if kept.len() < 2 || !self.ready() {
            return;
        }
        let Some(file) = self.file.as_mut() else { return };
        if self.pending.capacity() == 0 {
            // Room for a flush's worth and the capture that crosses it, without doubling.
            self.pending.reserve_exact(Self::AT + (64 << 10));
        }
        let mut spill = Spill { to: Some(file), error: None, at: Self::AT, two_threads: false };
        for capture in kept.drain(..kept.len() - 1) {
            if self.count > 0 {
                self.pending.push(b',');
            }
            self.count += 1;
            write(&mut self.pending, &capture, &mut spill);
            spill.check(&mut self.pending);
        }
        if let Some(e) = spill.error {
            self.error.get_or_insert(e);
        }
    }

    /// Append the spooled JSON to `out`, handing it to `spill` a megabyte at a time; an
    /// earlier write error, or a read error, goes to `spill`'s error.
    fn copy_to(&self, out: &mut Vec<u8>, spill: &mut Spill<'_>) {
        use std::io::{Read as _, Seek as _};
        if let Some(e) = &self.error {
            spill.fail(std::io::Error::new(e.kind(), format!("temporary file of --capture all: {e}")));
        }
        if let Some(mut file) = self.file.as_ref() {
            if let Err(e) = file.rewind() {
                spill.fail(e);
            }
            loop {
                let len = out.len();
                out.resize(len + (256 << 10), 0);
                let read = file.read(&mut out[len..]);
                out.truncate(len + *read.as_ref().unwrap_or(&0));
                match read {
                    Ok(0) => break,
                    Ok(_) => spill.check(out),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        spill.fail(e);
                        break;
                    }
                }
            }
        }
        out.extend_from_slice(&self.pending);
        spill.check(out);
    }
}

/// Where a view's JSON goes while it is written: the views of a large capture write
/// hundreds of megabytes, which are handed to the writer a megabyte at a time instead of
/// being held whole. Without a writer, everything stays in the buffer.
pub struct Spill<'w> {
    to: Option<&'w mut dyn std::io::Write>,
    error: Option<std::io::Error>,
    /// The buffer is handed over when it holds this much.
    at: usize,
    /// Large tables may be written on a second thread too (see `Rows::write_blocks`).
    pub(crate) two_threads: bool,
}

impl<'w> Spill<'w> {
    /// The buffer is handed over when it holds this much.
    const AT: usize = 1 << 20;

    /// A block of at least this much is written as it is by [`Spill::append`].
    const DIRECT: usize = 64 << 10;

    /// Keep everything in the buffer.
    pub(crate) fn none() -> Self {
        Spill { to: None, error: None, at: Self::AT, two_threads: false }
    }

    /// Hand the buffer to `to` whenever it fills.
    pub(crate) fn to(to: &'w mut dyn std::io::Write) -> Self {
        Spill { to: Some(to), error: None, at: Self::AT, two_threads: false }
    }

    /// Hand `out` over (and empty it) if it is full. After a write error, output is
    /// dropped and the error kept for [`Spill::finish`].
    #[inline]
    pub(crate) fn check(&mut self, out: &mut Vec<u8>) {
        if out.len() >= self.at {
            self.flush(out);
        }
    }

    /// Keep `e` as the error to report (the first one wins).
    fn fail(&mut self, e: std::io::Error) {
        self.error.get_or_insert(e);
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

    /// Add `bytes` after `out` (a block another thread wrote): a large one is handed to
    /// the writer as it is, after `out`, rather than copied into `out` first.
    pub(crate) fn append(&mut self, out: &mut Vec<u8>, bytes: &[u8]) {
        if self.to.is_none() || bytes.len() < Self::DIRECT {
            out.extend_from_slice(bytes);
            self.check(out);
            return;
        }
        self.flush(out);
        if let Some(to) = &mut self.to {
            if self.error.is_none() {
                if let Err(e) = to.write_all(bytes) {
                    self.error = Some(e);
                }
            }
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
        self.write_json_spill(out, &mut Spill::none(), None, write);
    }

    /// [`PerCapture::write_json`] after the captures in `spooled`, handing `out` to `spill`
    /// as it fills.
    pub(crate) fn write_json_spill(
        &self,
        out: &mut Vec<u8>,
        spill: &mut Spill<'_>,
        spooled: Option<&Spool>,
        write: impl Fn(&mut Vec<u8>, Option<u32>, Option<&T>),
    ) {
        if self.select == CaptureSelect::All {
            write_captures(out, spooled, &self.kept, spill, |list, (n, v), spill| {
                write(list, Some(*n), Some(v));
                spill.check(list);
            });
        } else {
            write(out, None, self.last());
        }
    }

    /// Spool the finished captures (see [`Spool`]), each written by `write`.
    pub(crate) fn retire(&mut self, spool: &mut Spool, write: impl Fn(&mut Vec<u8>, Option<u32>, Option<&T>)) {
        spool.retire(&mut self.kept, |out, (n, v), _| write(out, Some(*n), Some(v)));
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
