//! The lookup views of insights' `Netstat` parser (`netstat -neopa`), built from events.
//!
//! Keys are net-tools' C-locale English names (table titles, column names), whatever the
//! capture's language; values are the text as printed. Rows are read by the grammar, not
//! sliced at header offsets, so values wider than their column and non-ASCII program
//! names come out right (insights gets those wrong; the README lists every difference).
//!
//! # insights' documented example, reproduced
//!
//! The sample of insights' `Netstat` docstring, and what its doctest asserts:
//!
//! ```
//! use netsift::views::{search::Term, NetstatView};
//! use netsift::Format;
//! let input = std::fs::read("tests/fixtures/insights/fixtures/netstat-neopa-docs.txt").unwrap();
//! let mut ns = NetstatView::default();
//! netsift::input::parse_reader(&input[..], Format::Netstat, &mut ns).unwrap();
//!
//! // sorted(ns.data.keys()): both tables, by title
//! let mut titles: Vec<&str> = ns.tables().iter().map(|t| t.title).collect();
//! titles.sort();
//! assert_eq!(titles, ["Active Internet connections (servers and established)",
//!                     "Active UNIX domain sockets (servers and established)"]);
//! let intcons = "Active Internet connections (servers and established)";
//! let table = ns.tables().iter().find(|t| t.title == intcons).unwrap();
//! // sorted(ns.data[intcons].keys()): the columns
//! let mut columns = table.columns.clone();
//! columns.sort();
//! assert_eq!(columns, ["Foreign Address", "Inode", "Local Address", "PID/Program name", "Proto",
//!                      "Recv-Q", "Send-Q", "State", "Timer", "User"]);
//! // ns.data[intcons]['Local Address'][1] and ns.datalist[intcons][1]['Local Address']
//! assert_eq!(table.rows.get(1).unwrap().get("Local Address"), Some(&b"127.0.0.1:27017"[..]));
//! // ns.lines[intcons][1] and ns.get_original_line(intcons, 1)
//! let line = &b"tcp        0      0 127.0.0.1:27017         0.0.0.0:*               LISTEN      184        20380      2007/mongod          off (0.00/0/0)"[..];
//! assert_eq!(table.lines().nth(1), Some(line));
//! assert_eq!(ns.get_original_line(intcons, 1), Some(line));
//! // running_processes: internet sockets only
//! assert!(ns.running_processes().contains("qpidd"));
//! assert!(!ns.running_processes().contains("systemd"));
//! // listening_pid, keyed by PID strings
//! let pids = ns.listening_pid();
//! assert_eq!(pids.keys().collect::<Vec<_>>(), ["12387", "1272", "1279", "2007"]);
//! assert_eq!((pids["12387"].addr.as_str(), pids["12387"].port.as_str(), pids["12387"].name.as_str()),
//!            ("127.0.0.1", "53644", "Passenger Rac"));
//! // ns.search(Type='DGRAM')
//! let datagrams = ns.search(&[], &["Type=DGRAM".parse::<Term>().unwrap()]);
//! assert_eq!(datagrams.len(), 1);
//! for (key, value) in [("RefCnt", "unix  2"), ("Flags", "[ ]"), ("Type", "DGRAM"), ("State", ""),
//!                      ("I-Node", "11776"), ("PID/Program name", "1/systemd"), ("Path", "/run/systemd/shutdownd")] {
//!     assert_eq!(datagrams[0].get(key), Some(value.as_bytes()), "{key}");
//! }
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;

use netsift_grammar::netstat::{InetCol, InetState, TableKind, TcpState, UnixCol};

use super::rows::Lent;
pub use super::rows::{Row, Rows};
use super::search::{keyword_search, Term};
use super::{Spill, Spool};
use crate::events::{Event, EventKind, InetConn, UnixSocket};
use crate::json::{self, Object};

/// Which captures a view describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaptureSelect {
    /// The last capture of the input (what insights returns for a repeated title).
    #[default]
    Last,
    /// Capture number N (from 1).
    Number(u32),
    /// Every capture, each on its own.
    All,
}

/// One table of one capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The C-locale title: the insights key.
    pub title: &'static str,
    /// Internet or unix.
    pub kind: TableKind,
    /// Column names from the header, in print order (without `Proto` for unix, as insights).
    pub columns: Vec<&'static str>,
    /// The rows.
    pub rows: Rows,
}

impl Table {
    /// insights' `lines`: each row's line exactly as read.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        self.rows.iter().map(|r| r.line())
    }
}

/// The tables of one capture.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capture {
    /// Capture number, from 1.
    pub number: u32,
    /// Tables in input order; a repeated title replaces the earlier table.
    pub tables: Vec<Table>,
}

/// The `Netstat` view: `data`, `datalist`, `lines`, `get_original_line`,
/// `running_processes`, `listening_pid` and `search`.
///
/// ```
/// use netsift::{Format, PushParser, views::NetstatView};
/// let input = b"Active Internet connections (servers and established)\n\
/// Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\n\
/// tcp6       0      0 :::22                   :::*                    LISTEN      900/sshd\n";
/// let mut view = NetstatView::default();
/// let mut parser = PushParser::new(Format::Netstat);
/// parser.feed(input, &mut view);
/// parser.finish(&mut view);
/// let pids = view.listening_pid();
/// assert_eq!(pids["900"].addr, "::");
/// assert_eq!(pids["900"].port, "22");
/// ```
#[derive(Debug, Clone, Default)]
pub struct NetstatView {
    select: CaptureSelect,
    captures: Vec<Capture>,
    /// Index of the table rows currently go to, in the last capture.
    current: Option<usize>,
    /// The input being parsed, when the rows may keep their lines there (see
    /// [`NetstatView::keep_lines_in`]).
    input: Lent,
}

/// One entry of `listening_pid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// Local IP (split at the *last* colon: right for IPv6, unlike insights).
    pub addr: String,
    /// Local port.
    pub port: String,
    /// Program name.
    pub name: String,
}

const INET_TITLE: &str = "Active Internet connections (servers and established)";

impl NetstatView {
    /// A view of the captures chosen by `select`.
    pub fn new(select: CaptureSelect) -> Self {
        NetstatView { select, ..Default::default() }
    }

    /// Take one event.
    pub fn event(&mut self, event: &Event<'_>) {
        match &event.kind {
            EventKind::Section(s) => self.open(event.capture, section_table(s)),
            EventKind::InetConn(c) => {
                // Taken out while the table is borrowed, and put back (a move, not a count).
                let input = std::mem::take(&mut self.input);
                if let Some(table) = self.current_table(event.capture, TableKind::Inet) {
                    inet_row(&mut table.rows, c, input.get());
                }
                self.input = input;
            }
            EventKind::UnixSocket(u) => {
                let input = std::mem::take(&mut self.input);
                if let Some(table) = self.current_table(event.capture, TableKind::Unix) {
                    unix_row(&mut table.rows, u, input.get());
                }
                self.input = input;
            }
            _ => {}
        }
    }

    /// The bytes about to be parsed, as `Bytes` (a mapped file, or a part of one): the rows
    /// of the lines inside them keep a handle on them instead of a copy of each line
    /// (see `Rows::push_static_spans`). `None` (the default) copies every line.
    pub fn keep_lines_in(&mut self, input: Option<Bytes>) {
        self.input = Lent::new(input);
    }

    /// A section of capture `capture` starts: the table `table` (from [`section_table`];
    /// `None` when the section is not one of the netstat tables) is the one rows go to.
    fn open(&mut self, capture: u32, table: Option<(&'static str, TableKind, Vec<&'static str>)>) {
        self.current = None;
        let Some((title, kind, columns)) = table else { return };
        let Some(capture) = self.capture_for(capture) else { return };
        let table = Table { title, kind, columns, rows: Rows::by_column() };
        let index = match capture.tables.iter().position(|t| t.title == table.title) {
            Some(i) => {
                capture.tables[i] = table;
                i
            }
            None => {
                capture.tables.push(table);
                capture.tables.len() - 1
            }
        };
        self.current = Some(index);
    }

    /// An empty part of this view (see [`NetstatView::merge`]).
    pub(crate) fn part(&self) -> NetstatPart {
        NetstatPart { last_only: self.select == CaptureSelect::Last, ..NetstatPart::default() }
    }

    /// Take the view of a part of the input, built on another thread from the events
    /// that follow the ones taken so far: the same as taking those events.
    pub(crate) fn merge(&mut self, mut part: NetstatPart) {
        part.close();
        for item in part.items {
            match item {
                PartItem::Section { capture, table } => self.open(capture, table),
                PartItem::Rows { capture, kind, mut rows } => {
                    if let Some(table) = self.current_table(capture, kind) {
                        table.rows.append_emptying(&mut rows);
                    }
                    part.spare.give(rows);
                }
            }
        }
    }

    /// The capture an event of capture `number` goes to, dropping captures the selection
    /// does not keep; `None` when this one is not kept.
    fn capture_for(&mut self, number: u32) -> Option<&mut Capture> {
        super::capture_entry(
            &mut self.captures,
            self.select,
            number,
            |c| c.number,
            || Capture { number, tables: Vec::new() },
        )
    }

    fn current_table(&mut self, capture: u32, kind: TableKind) -> Option<&mut Table> {
        let index = self.current?;
        let last = self.captures.last_mut()?;
        if last.number != capture {
            return None;
        }
        last.tables.get_mut(index).filter(|t| t.kind == kind)
    }

    /// Spool the finished captures (see [`Spool`]).
    pub(crate) fn retire(&mut self, spool: &mut Spool) {
        spool.retire(&mut self.captures, |out, c, spill| write_capture(out, Some(c.number), &c.tables, spill));
    }

    /// The captures the view holds (one unless `CaptureSelect::All`).
    pub fn captures(&self) -> &[Capture] {
        &self.captures
    }

    /// The tables of the described capture (the last one held).
    pub fn tables(&self) -> &[Table] {
        self.captures.last().map_or(&[], |c| &c.tables)
    }

    /// Whether any table was seen.
    pub fn is_empty(&self) -> bool {
        self.captures.iter().all(|c| c.tables.is_empty())
    }

    /// `get_original_line(title, index)`: the row's line as read; negative indexes count
    /// from the end. `None` for an unknown title or an index out of range.
    pub fn get_original_line(&self, title: &str, index: i64) -> Option<&[u8]> {
        let table = self.tables().iter().find(|t| t.title == title)?;
        let len = table.rows.len() as i64;
        let i = if index < 0 { len + index } else { index };
        table.rows.get(usize::try_from(i).ok()?).map(|r| r.line())
    }

    /// `running_processes`: program names of the internet table, sorted.
    pub fn running_processes(&self) -> BTreeSet<String> {
        running_processes(self.tables())
    }

    /// `listening_pid`: PID → local address, port and program of LISTEN sockets.
    pub fn listening_pid(&self) -> BTreeMap<String, Listener> {
        listening_pid(self.tables())
    }

    /// `search(**terms)` over the given tables (by kind, in order; all present tables,
    /// internet first, when empty).
    pub fn search(&self, sections: &[TableKind], terms: &[Term]) -> Vec<Row<'_>> {
        search(self.tables(), sections, terms)
    }

    /// Write the view as one JSON object: `data`, `datalist`, `lines`, `running_processes`
    /// and `listening_pid` of the described capture; with `CaptureSelect::All`,
    /// `{"captures": [{"capture": N, …}, …]}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.write_json_spill(out, &mut Spill::none(), None);
    }

    /// [`NetstatView::write_json`] after the captures in `spooled`, handing `out` to
    /// `spill` as it fills.
    pub(crate) fn write_json_spill(&self, out: &mut Vec<u8>, spill: &mut Spill<'_>, spooled: Option<&Spool>) {
        if self.select == CaptureSelect::All {
            super::write_captures(out, spooled, &self.captures, spill, |list, c, spill| {
                write_capture(list, Some(c.number), &c.tables, spill)
            });
        } else {
            write_capture(out, None, self.tables(), spill);
        }
    }
}

/// The title, kind and columns of the table a section opens; `None` for a section that is
/// not one of the netstat tables.
fn section_table(s: &crate::events::Section<'_>) -> Option<(&'static str, TableKind, Vec<&'static str>)> {
    let netstat_title = s.netstat_title()?;
    let title = netstat_title.c_text()?;
    let columns = match s.columns {
        crate::events::Columns::Inet(l) => InetCol::present(l).map(InetCol::c_name).collect(),
        crate::events::Columns::Unix(l) => UnixCol::ALL
            .into_iter()
            .filter(|&c| c != UnixCol::Proto && (l.program || c != UnixCol::Program))
            .map(UnixCol::c_name)
            .collect(),
        _ => return None,
    };
    Some((title, netstat_title.kind, columns))
}

/// What a part of the input gives the netstat view (`view --jobs` on one large file, see
/// [`super::ViewPart`]): its sections and its rows, built on the part's thread, in order.
/// [`NetstatView::merge`] gives them to the view as their events would have.
#[derive(Debug, Clone, Default)]
pub(crate) struct NetstatPart {
    items: Vec<PartItem>,
    /// The rows being added (the last item, once the next one comes).
    open: Option<(u32, TableKind, Rows)>,
    /// The memory of the rows of parts already merged, shared by the clones of a part.
    spare: SpareRows,
    /// See [`NetstatView::keep_lines_in`].
    input: Lent,
    /// The view describes the last capture: a table of another capture drops the items
    /// of the captures before it (as the view would), so that the parts waiting for
    /// their turn hold one capture each, not all those of a periodic log.
    last_only: bool,
}

/// The emptied rows of merged parts, for the rows of the next parts: a part's rows
/// (about 1.3× its bytes) in memory the process already has, where each part's rows in
/// memory of its own cost a page fault every 4 KiB and a copy each time they outgrew
/// their room (a fifth of the parse's time on 100 MB).
#[derive(Debug, Clone, Default)]
struct SpareRows(std::sync::Arc<std::sync::Mutex<Vec<Rows>>>);

impl SpareRows {
    /// Rows kept at most: what the parts being parsed and those waiting for their turn
    /// take at once, on two cores.
    const KEPT: usize = 4;

    /// Empty rows for a table of a part, in spare memory when there is some.
    fn take(&self) -> Rows {
        let spare = self.0.lock().ok().and_then(|mut spare| spare.pop());
        spare.unwrap_or_else(Rows::by_column)
    }

    /// Keep the memory of `rows` (emptied) for a next part.
    fn give(&self, mut rows: Rows) {
        rows.forget();
        if let Ok(mut spare) = self.0.lock() {
            if spare.len() < Self::KEPT {
                spare.push(rows);
            }
        }
    }
}

#[derive(Debug, Clone)]
enum PartItem {
    /// A section started (see [`NetstatView::open`]).
    Section { capture: u32, table: Option<(&'static str, TableKind, Vec<&'static str>)> },
    /// Rows of capture `capture` and of tables of kind `kind`, for the table open then.
    Rows { capture: u32, kind: TableKind, rows: Rows },
}

impl NetstatPart {
    /// See [`NetstatView::keep_lines_in`].
    pub(crate) fn keep_lines_in(&mut self, input: Option<Bytes>) {
        self.input = Lent::new(input);
    }

    /// Take one event of the part.
    pub(crate) fn event(&mut self, event: &Event<'_>) {
        match &event.kind {
            EventKind::Section(s) => {
                self.close();
                let table = section_table(s);
                if self.last_only && table.is_some() {
                    // The view drops the captures before a table of another one
                    // (`capture_entry`).
                    self.keep_only(event.capture);
                }
                self.items.push(PartItem::Section { capture: event.capture, table })
            }
            EventKind::InetConn(c) => {
                let input = std::mem::take(&mut self.input);
                inet_row(self.rows(event.capture, TableKind::Inet), c, input.get());
                self.input = input;
            }
            EventKind::UnixSocket(u) => {
                let input = std::mem::take(&mut self.input);
                unix_row(self.rows(event.capture, TableKind::Unix), u, input.get());
                self.input = input;
            }
            _ => {}
        }
    }

    /// The rows a row of capture `capture` and kind `kind` goes to: those of the rows
    /// before it when they are of the same capture and kind.
    fn rows(&mut self, capture: u32, kind: TableKind) -> &mut Rows {
        if !matches!(&self.open, Some((c, k, _)) if *c == capture && *k == kind) {
            self.close();
        }
        let spare = &self.spare;
        &mut self.open.get_or_insert_with(|| (capture, kind, spare.take())).2
    }

    /// The part is parsed: rows that keep their lines in a small share of the input lent
    /// to them copy them and let it go (see `Rows::let_go_of_sparse_windows`).
    pub(crate) fn parsed(&mut self) {
        self.close();
        self.input = Lent::default();
        for item in &mut self.items {
            if let PartItem::Rows { rows, .. } = item {
                rows.let_go_of_sparse_windows();
            }
        }
    }

    /// Drop the items of other captures than `capture`, their rows' memory kept for the
    /// next parts.
    fn keep_only(&mut self, capture: u32) {
        let spare = &self.spare;
        self.items.retain_mut(|item| match item {
            PartItem::Section { capture: c, .. } => *c == capture,
            PartItem::Rows { capture: c, rows, .. } => {
                if *c != capture {
                    spare.give(std::mem::take(rows));
                }
                *c == capture
            }
        });
    }

    /// The rows being added become an item.
    fn close(&mut self) {
        if let Some((capture, kind, rows)) = self.open.take() {
            self.items.push(PartItem::Rows { capture, kind, rows });
        }
    }
}

fn write_capture(out: &mut Vec<u8>, number: Option<u32>, tables: &[Table], spill: &mut Spill<'_>) {
    // `running_processes` and `listening_pid` (a pass over the internet rows each, and
    // tens of thousands of listeners read in PID order, all over the rows) are written
    // last: their JSON is made on another thread while the tables are written, so that
    // no pass over the rows comes between the parse and the writing, nor after the
    // tables. (Which values need escaping was found as the rows were added: see
    // `Rows::plain`.)
    let tail = || tail_json(tables);
    if spill.two_threads {
        std::thread::scope(|scope| {
            let tail_there = scope.spawn(tail);
            write_capture_with(out, number, tables, spill, || tail_there.join().unwrap_or_else(|_| tail()))
        })
    } else {
        write_capture_with(out, number, tables, spill, tail)
    }
}

/// The values of `running_processes` and `listening_pid` of a capture's tables, as JSON.
struct Tail {
    names: Vec<u8>,
    listening: Vec<u8>,
}

/// [`write_capture`], with `tail` giving the JSON of `running_processes` and
/// `listening_pid` (called once the tables are written).
fn write_capture_with(
    out: &mut Vec<u8>,
    number: Option<u32>,
    tables: &[Table],
    spill: &mut Spill<'_>,
    tail: impl FnOnce() -> Tail,
) {
    let mut o = Object::new(out);
    if let Some(n) = number {
        o.uint("capture", u64::from(n));
    }
    {
        let mut data = Object::new(o.member("data"));
        for t in tables {
            let plain = t.rows.plain();
            let mut cols = Object::new(data.member(t.title));
            for col in &t.columns {
                t.rows.write_column(cols.member(col), col, plain, spill);
            }
            cols.end();
        }
        data.end();
    }
    {
        let mut datalist = Object::new(o.member("datalist"));
        for t in tables {
            t.rows.write_list(datalist.member(t.title), t.rows.plain(), spill);
        }
        datalist.end();
    }
    {
        let mut lines = Object::new(o.member("lines"));
        for t in tables {
            t.rows.write_lines(lines.member(t.title), t.rows.plain(), spill);
        }
        lines.end();
    }
    let Tail { names, listening } = tail();
    spill.append(o.member("running_processes"), &names);
    spill.append(o.member("listening_pid"), &listening);
    o.end();
}

/// The JSON of `running_processes` (the program names, sorted) and of `listening_pid`
/// (PID → local IP, port and program name of its last listener) of `tables`.
fn tail_json(tables: &[Table]) -> Tail {
    let table = inet_table(tables);
    let (distinct, listeners) = match table {
        Some(t) => names_and_listeners(t),
        None => Default::default(),
    };
    let mut names = vec![b'['];
    for (i, p) in sorted_names(distinct).iter().enumerate() {
        if i > 0 {
            names.push(b',');
        }
        json::string(&mut names, p.as_bytes());
    }
    names.push(b']');
    let mut listening = Vec::new();
    let mut pids = Object::new(&mut listening);
    if let Some(t) = table {
        // Each value read through its key's column (see `KeyReader`), and written as its
        // text (`String::from_utf8_lossy`) without a copy.
        let members = [
            (crate::key!("addr"), t.rows.reader("Local IP")),
            (crate::key!("port"), t.rows.reader("Port")),
            (crate::key!("name"), t.rows.reader("Program name")),
        ];
        let mut member = |pid: &str, index: usize| {
            let mut e = Object::new(pids.member(pid));
            for (key, reader) in &members {
                let value = reader.value(index).unwrap_or_default();
                json::string(e.member(*key), String::from_utf8_lossy(value).as_bytes());
            }
            e.end();
        };
        match listeners {
            Some(found) => found.iter().for_each(|&(_, pid, index)| member(pid, index)),
            None => listening_rows(tables).iter().for_each(|(pid, row)| member(pid, row.index())),
        }
    }
    pids.end();
    Tail { names, listening }
}

/// The distinct program names of the internet table `t`, and its listeners as
/// [`listeners`] gives them: one pass over the rows for both (each row's header read
/// once).
fn names_and_listeners(t: &Table) -> (NameSet<'_>, Option<Vec<Listening<'_>>>) {
    let mut distinct = NameSet::default();
    // Each row's values through the keys' columns (see `KeyReader`).
    let (names, pids) = (t.rows.reader("Program name"), t.rows.reader("PID"));
    let mut listeners = Listeners::default();
    let mut last: &[u8] = &[];
    for index in 0..t.rows.len() {
        let Some(name) = names.value(index) else { continue };
        if t.rows.get(index).is_some_and(|r| r.listening()) {
            if let Some(pid) = pids.value(index) {
                listeners.add(pid, index);
            }
        }
        let name = name.trim_ascii();
        // Neighbouring rows often share a program: no hash of it then.
        if name != last {
            distinct.insert(name);
            last = name;
        }
    }
    (distinct, listeners.sorted())
}

/// Distinct program names (as bytes).
type NameSet<'t> = rustc_hash::FxHashSet<&'t [u8]>;

/// A listener of `listening_pid`: its PID's bytes as a number that sorts as they do (see
/// [`Listeners::key`]), its PID, and its row.
type Listening<'t> = (u64, &'t str, usize);

/// PID → the last LISTEN row of that PID with a program name, as [`listening_rows`] finds
/// them, with each PID hashed and compared as a number rather than placed in a sorted map
/// of texts (a hundred thousand listeners compared a dozen times each in a large capture).
#[derive(Default)]
struct Listeners<'t> {
    /// Where each PID's key is in `found`.
    at: rustc_hash::FxHashMap<u64, usize>,
    found: Vec<Listening<'t>>,
    /// A PID was not UTF-8 or had no key: [`listening_rows`] says which rows.
    general: bool,
}

impl<'t> Listeners<'t> {
    /// The listening row `index` of PID `pid`.
    fn add(&mut self, pid: &'t [u8], index: usize) {
        let (Ok(text), Some(key)) = (std::str::from_utf8(pid), Self::key(pid)) else {
            self.general = true;
            return;
        };
        match self.at.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => {
                if let Some(last) = self.found.get_mut(*e.get()) {
                    last.2 = index;
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(self.found.len());
                self.found.push((key, text, index));
            }
        }
    }

    /// A PID of at most 8 bytes, none of them 0, as the number whose big-endian bytes
    /// are its bytes then zeros: two of them compare as their texts do (a prefix first),
    /// and are equal when their texts are. (Every PID netstat prints has 7 digits at most.)
    fn key(pid: &[u8]) -> Option<u64> {
        if pid.len() > 8 || pid.contains(&0) {
            return None;
        }
        let mut bytes = [0u8; 8];
        bytes[..pid.len()].copy_from_slice(pid);
        Some(u64::from_be_bytes(bytes))
    }

    /// The listeners in PID order; `None` when [`listening_rows`] must find them.
    fn sorted(mut self) -> Option<Vec<Listening<'t>>> {
        if self.general {
            return None;
        }
        self.found.sort_unstable_by_key(|l| l.0);
        Some(self.found)
    }
}

/// Write rows as a JSON array of objects.
pub fn write_rows<'r>(out: &mut Vec<u8>, rows: impl Iterator<Item = Row<'r>>) {
    write_rows_spill(out, rows, &mut Spill::none());
}

/// [`write_rows`], handing `out` to `spill` as it fills.
pub(crate) fn write_rows_spill<'r>(out: &mut Vec<u8>, rows: impl Iterator<Item = Row<'r>>, spill: &mut Spill<'_>) {
    out.push(b'[');
    for (i, row) in rows.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        row.write_json(out);
        spill.check(out);
    }
    out.push(b']');
}

fn inet_table(tables: &[Table]) -> Option<&Table> {
    tables.iter().find(|t| t.title == INET_TITLE).or_else(|| tables.iter().find(|t| t.kind == TableKind::Inet))
}

fn running_processes(tables: &[Table]) -> BTreeSet<String> {
    running_names(tables).into_iter().map(Cow::into_owned).collect()
}

/// The program names of the internet table, sorted, borrowed from the rows where they are
/// UTF-8 (the view of a large capture writes them without copying each).
fn running_names(tables: &[Table]) -> BTreeSet<Cow<'_, str>> {
    // A few names over many rows: the distinct byte strings first (hashed, where a sorted
    // set of texts compared each row's name several times; with rustc-hash's hasher, as
    // std's SipHash cost ten times the rest of the pass), then those sorted as text.
    let mut distinct = NameSet::default();
    if let Some(t) = inet_table(tables) {
        // Each row's name through the key's column (see `KeyReader`).
        let names = t.rows.reader("Program name");
        let mut last: &[u8] = &[];
        for index in 0..t.rows.len() {
            if let Some(name) = names.value(index) {
                let name = name.trim_ascii();
                // Neighbouring rows often share a program: no hash of it then.
                if name != last {
                    distinct.insert(name);
                    last = name;
                }
            }
        }
    }
    sorted_names(distinct)
}

/// Distinct program names, sorted as text.
fn sorted_names(distinct: NameSet<'_>) -> BTreeSet<Cow<'_, str>> {
    distinct.into_iter().map(String::from_utf8_lossy).collect()
}

fn listening_pid(tables: &[Table]) -> BTreeMap<String, Listener> {
    let text = |v: Option<&[u8]>| String::from_utf8_lossy(v.unwrap_or_default()).into_owned();
    listening_rows(tables)
        .into_iter()
        .map(|(pid, row)| {
            let listener = Listener {
                addr: text(row.get("Local IP")),
                port: text(row.get("Port")),
                name: text(row.get("Program name")),
            };
            (pid.into_owned(), listener)
        })
        .collect()
}

/// PID → the last LISTEN row of that PID (with a program name) in the internet table.
fn listening_rows<'t>(tables: &'t [Table]) -> BTreeMap<Cow<'t, str>, Row<'t>> {
    let mut map = BTreeMap::new();
    if let Some(t) = inet_table(tables) {
        // The keys read as in `running_names`.
        let (pids, programs) = (t.rows.reader("PID"), t.rows.reader("Program name"));
        for row in t.rows.iter().filter(|r| r.listening()) {
            let (Some(pid), Some(_)) = (pids.value(row.index()), programs.value(row.index())) else { continue };
            map.insert(String::from_utf8_lossy(pid), row);
        }
    }
    map
}

fn search<'t>(tables: &'t [Table], sections: &[TableKind], terms: &[Term]) -> Vec<Row<'t>> {
    let default = [TableKind::Inet, TableKind::Unix];
    let kinds = if sections.is_empty() { &default[..] } else { sections };
    let mut found = Vec::new();
    for kind in kinds {
        let table = match kind {
            TableKind::Inet => inet_table(tables),
            _ => tables.iter().find(|t| t.kind == *kind),
        };
        if let Some(t) = table {
            found.extend(keyword_search(t.rows.iter(), terms));
        }
    }
    found
}

/// The most cells a row has: netstat's columns and the four derived keys.
const MAX_CELLS: usize = 16;

/// A row's keys and the spans of their values in its line, on the stack: no allocation
/// per row, and no (key, value) list made only to be taken apart again.
struct Spans {
    keys: [&'static str; MAX_CELLS],
    spans: [(u32, u32); MAX_CELLS],
    len: usize,
}

impl Spans {
    fn new() -> Self {
        Spans { keys: [""; MAX_CELLS], spans: [(0, 0); MAX_CELLS], len: 0 }
    }

    #[inline(always)]
    fn push(&mut self, key: &'static str, span: (u32, u32)) {
        // Every layout has fewer cells than MAX_CELLS (12 columns at most, then 4 keys).
        if let (Some(k), Some(s)) = (self.keys.get_mut(self.len), self.spans.get_mut(self.len)) {
            *k = key;
            *s = span;
            self.len += 1;
        }
    }

    /// `PID` and `Program name` when `PID/Program name` (at `span` in `line`) holds a `/`.
    #[inline(always)]
    fn derive_pid(&mut self, line: &[u8], span: (u32, u32)) {
        if let Some([pid, name]) = pid_spans(line, span) {
            self.push("PID", pid);
            self.push("Program name", name);
        }
    }

    fn add_to(&self, rows: &mut Rows, line: &[u8], listening: bool, input: Option<&Bytes>) {
        rows.push_spans(line, &self.keys[..self.len], &self.spans[..self.len], listening, input);
    }
}

/// The keys of a `netstat -neopa` internet row (every column): the columns, then `PID` and
/// `Program name` when the program column holds a `/`, then `Local IP` and `Port` when the
/// local address holds a `:` (the same keys [`inet_row`]'s general path gives), one list
/// per case, so that a row names its list by address.
static FULL_INET_KEYS: [&[&str]; 4] = [
    &[
        "Proto",
        "Recv-Q",
        "Send-Q",
        "Local Address",
        "Foreign Address",
        "State",
        "User",
        "Inode",
        "PID/Program name",
        "Timer",
    ],
    &[
        "Proto",
        "Recv-Q",
        "Send-Q",
        "Local Address",
        "Foreign Address",
        "State",
        "User",
        "Inode",
        "PID/Program name",
        "Timer",
        "PID",
        "Program name",
    ],
    &[
        "Proto",
        "Recv-Q",
        "Send-Q",
        "Local Address",
        "Foreign Address",
        "State",
        "User",
        "Inode",
        "PID/Program name",
        "Timer",
        "Local IP",
        "Port",
    ],
    &[
        "Proto",
        "Recv-Q",
        "Send-Q",
        "Local Address",
        "Foreign Address",
        "State",
        "User",
        "Inode",
        "PID/Program name",
        "Timer",
        "PID",
        "Program name",
        "Local IP",
        "Port",
    ],
];

/// The keys of a `netstat -p` unix row (see [`FULL_INET_KEYS`]): without and with `PID`
/// and `Program name`.
static PROGRAM_UNIX_KEYS: [&[&str]; 2] = [
    &["RefCnt", "Flags", "Type", "State", "I-Node", "PID/Program name", "Path"],
    &["RefCnt", "Flags", "Type", "State", "I-Node", "PID/Program name", "Path", "PID", "Program name"],
];

/// `PID` and `Program name`, split at the first `/` of `PID/Program name` (at `span` in
/// `line`), when it holds one.
#[inline(always)]
fn pid_spans(line: &[u8], (start, end): (u32, u32)) -> Option<[(u32, u32); 2]> {
    let program = line.get(start as usize..end as usize).unwrap_or_default();
    let slash = start + memchr::memchr(b'/', program)? as u32;
    Some([(start, slash), (slash + 1, end)])
}

/// `Local IP` and `Port`, split at the last `:` of the local address (at `span`).
#[inline(always)]
fn port_spans(line: &[u8], (start, end): (u32, u32)) -> Option<[(u32, u32); 2]> {
    let local = line.get(start as usize..end as usize).unwrap_or_default();
    let colon = start + memchr::memrchr(b':', local)? as u32;
    Some([(start, colon), (colon + 1, end)])
}

/// The insights row of an internet socket (its line kept in `input` when it lies there).
fn inet_row(rows: &mut Rows, c: &InetConn<'_>, input: Option<&Bytes>) {
    if c.kernel.is_some() {
        return kernel_inet_row(rows, c);
    }
    let listening = c.state == InetState::Known(TcpState::Listen);
    if c.layout == netsift_grammar::netstat::InetLayout::FULL {
        // `netstat -neopa`, what most captures are: the spans as they are, then the
        // derived ones, under a static key list.
        let mut spans = [(0, 0); 14];
        spans[..10].copy_from_slice(&c.spans);
        let mut n = 10;
        let pid = pid_spans(c.line, c.spans[InetCol::Program as usize]);
        if let Some(pid) = pid {
            spans[n..n + 2].copy_from_slice(&pid);
            n += 2;
        }
        let port = port_spans(c.line, c.spans[InetCol::Local as usize]);
        if let Some(port) = port {
            spans[n..n + 2].copy_from_slice(&port);
            n += 2;
        }
        let keys = FULL_INET_KEYS[usize::from(pid.is_some()) | usize::from(port.is_some()) << 1];
        rows.push_static_spans(c.line, keys, &spans[..n], listening, input);
        return;
    }
    inet_row_general(rows, c, listening, input);
}

/// [`inet_row`] of any layout: the keys gathered row by row.
fn inet_row_general(rows: &mut Rows, c: &InetConn<'_>, listening: bool, input: Option<&Bytes>) {
    let mut cells = Spans::new();
    // Every value without its padding, the last column too: netstat pads `PID/Program
    // name` and `State` to their width even when they end the line, and insights' slice of
    // the last column (`line[offset:]`) keeps that padding, which no search term can match.
    for col in InetCol::present(c.layout) {
        cells.push(col.c_name(), c.spans[col as usize]);
    }
    if c.layout.program {
        cells.derive_pid(c.line, c.spans[InetCol::Program as usize]);
    }
    if let Some([ip, port]) = port_spans(c.line, c.spans[InetCol::Local as usize]) {
        cells.push("Local IP", ip);
        cells.push("Port", port);
    }
    cells.add_to(rows, c.line, listening, input);
}

/// The row of a kernel inet table (`/proc/net/tcp` …) under netstat's column names, with
/// the values `netstat -aneoW` prints from the same file (no PID: the file has none).
fn kernel_inet_row(rows: &mut Rows, c: &InetConn<'_>) {
    use std::io::Write;
    let number = |n: Option<u64>| n.map(|n| n.to_string().into_bytes()).unwrap_or_default();
    let local = netstat_endpoint(&c.local);
    let (ip, port) = {
        let colon = local.iter().rposition(|&b| b == b':').unwrap_or(local.len());
        (local[..colon].to_vec(), local.get(colon + 1..).unwrap_or_default().to_vec())
    };
    let state: Vec<u8> = match c.state {
        InetState::Empty => Vec::new(),
        InetState::Known(s) => s.as_str().into(),
        InetState::Kernel(n) => n.to_string().into(),
        InetState::Other(w) => w.to_vec(),
    };
    let mut timer = Vec::new();
    if let Some(t) = &c.timer {
        let kind = match t.kind {
            netsift_grammar::netstat::TimerKind::Off => "off".to_string(),
            netsift_grammar::netstat::TimerKind::On => "on".to_string(),
            netsift_grammar::netstat::TimerKind::On1 => "on1".to_string(),
            netsift_grammar::netstat::TimerKind::On2 => "on2".to_string(),
            netsift_grammar::netstat::TimerKind::Keepalive => "keepalive".to_string(),
            netsift_grammar::netstat::TimerKind::TimeWait => "timewait".to_string(),
            netsift_grammar::netstat::TimerKind::Probe => "probe".to_string(),
            netsift_grammar::netstat::TimerKind::Unknown(n) => format!("unkn-{n}"),
            netsift_grammar::netstat::TimerKind::Other => String::from_utf8_lossy(t.word).into_owned(),
        };
        let secs = t.expires_ms as f64 / 1000.0;
        let _ = write!(timer, "{kind} ({secs:.2}/{}/{})", t.retransmits, t.probes);
    }
    let proto: &str = if c.proto == netsift_grammar::netstat::Proto::Unknown { "" } else { c.proto.as_str() };
    let user = match c.user {
        Some(netsift_grammar::netstat::User::Uid(u)) => u.to_string().into_bytes(),
        Some(netsift_grammar::netstat::User::Name(n)) => n.to_vec(),
        None => Vec::new(),
    };
    let cells = [
        ("Proto", proto.as_bytes().to_vec()),
        ("Recv-Q", number(c.recv_q)),
        ("Send-Q", number(c.send_q)),
        ("Local Address", local.clone()),
        ("Foreign Address", c.foreign.as_ref().map(netstat_endpoint).unwrap_or_default()),
        ("State", state),
        ("User", user),
        ("Inode", number(c.inode)),
        ("Timer", timer),
        ("Local IP", ip),
        ("Port", port),
    ];
    let cells: Vec<(&'static str, &[u8])> = cells.iter().map(|(k, v)| (*k, v.as_slice())).collect();
    rows.push_decoded(c.line, &cells, c.state == InetState::Known(TcpState::Listen));
}

/// `address:port` as netstat prints it numerically: `*` for port 0, and an IPv4-mapped
/// IPv6 address as its IPv4 address (`127.0.0.1:22` for `::ffff:127.0.0.1`, as net-tools
/// does; the event keeps the IPv6 address).
fn netstat_endpoint(e: &netsift_grammar::netstat::Endpoint<'_>) -> Vec<u8> {
    use netsift_grammar::netstat::{Host, Port};
    let host = match e.host {
        Host::Ip(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_some() => {
            v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default()
        }
        Host::Ip(ip) => ip.to_string(),
        Host::Any => "*".to_string(),
        Host::Name(n) | Host::Truncated(n) => n.to_string(),
    };
    let port = match e.port {
        Port::Number(0) | Port::Any => "*".to_string(),
        Port::Number(n) => n.to_string(),
        Port::Name(n) => n.to_string(),
    };
    format!("{host}:{port}").into_bytes()
}

/// The row of `/proc/net/unix` under netstat's column names, with the values netstat
/// prints from it (`RefCnt` with netstat's `Proto` before it, as insights keeps it).
fn kernel_unix_row(rows: &mut Rows, u: &UnixSocket<'_>) {
    let mut flags = b"[ ".to_vec();
    for (set, word) in [(u.flags.accepting, "ACC "), (u.flags.wait_data, "W "), (u.flags.no_space, "N ")] {
        if set {
            flags.extend_from_slice(word.as_bytes());
        }
    }
    flags.push(b']');
    let ty = u.sock_type.word();
    let state = u.state.word().unwrap_or_default();
    let cells = [
        ("RefCnt", format!("unix  {}", u.refcnt).into_bytes()),
        ("Flags", flags),
        ("Type", ty.to_vec()),
        ("State", state.to_vec()),
        ("I-Node", u.inode.map(|i| i.to_string().into_bytes()).unwrap_or_default()),
        ("Path", u.path.to_vec()),
    ];
    let cells: Vec<(&'static str, &[u8])> = cells.iter().map(|(k, v)| (*k, v.as_slice())).collect();
    rows.push_decoded(u.line, &cells, false);
}

/// The insights row of a unix socket. `RefCnt` holds netstat's `Proto` too (`unix  2`):
/// insights slices from the start of the line, and its doctest asserts that value.
fn unix_row(rows: &mut Rows, u: &UnixSocket<'_>, input: Option<&Bytes>) {
    if u.kernel.is_some() {
        return kernel_unix_row(rows, u);
    }
    if u.layout.program {
        // `netstat -p`: the spans of the columns after `Proto` (`RefCnt` from the line's
        // start), then the derived ones, under a static key list.
        let mut spans = [(0, 0); 9];
        spans[..7].copy_from_slice(&u.spans[1..]);
        spans[0].0 = 0;
        let pid = pid_spans(u.line, u.spans[UnixCol::Program as usize]);
        let n = match pid {
            Some(pid) => {
                spans[7..].copy_from_slice(&pid);
                9
            }
            None => 7,
        };
        rows.push_static_spans(u.line, PROGRAM_UNIX_KEYS[usize::from(pid.is_some())], &spans[..n], false, input);
        return;
    }
    unix_row_general(rows, u, input);
}

/// [`unix_row`] of any layout: the keys gathered row by row.
fn unix_row_general(rows: &mut Rows, u: &UnixSocket<'_>, input: Option<&Bytes>) {
    let mut cells = Spans::new();
    let present =
        UnixCol::ALL.into_iter().filter(|&c| c != UnixCol::Proto && (u.layout.program || c != UnixCol::Program));
    for col in present {
        // The last column (`Path`, an empty one padded) is trimmed as the others are.
        let span =
            if col == UnixCol::RefCnt { (0, u.spans[UnixCol::RefCnt as usize].1) } else { u.spans[col as usize] };
        cells.push(col.c_name(), span);
    }
    if u.layout.program {
        cells.derive_pid(u.line, u.spans[UnixCol::Program as usize]);
    }
    cells.add_to(rows, u.line, false, input);
}

impl crate::push::Sink for NetstatView {
    fn event(&mut self, event: Event<'_>) {
        NetstatView::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        NetstatView::event(self, event);
    }
}

impl crate::push::Sink for ListeningPids {
    fn event(&mut self, event: Event<'_>) {
        ListeningPids::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        ListeningPids::event(self, event);
    }
}

impl crate::push::Sink for RunningProcesses {
    fn event(&mut self, event: Event<'_>) {
        RunningProcesses::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        RunningProcesses::event(self, event);
    }
}

/// Only the answer of `listening_pid`, for inputs too big to keep whole: memory grows with
/// the number of listening processes, not with the input. Describes the last capture.
#[derive(Debug, Clone, Default)]
pub struct ListeningPids {
    capture: u32,
    map: BTreeMap<u32, (String, String, Vec<u8>)>,
}

impl ListeningPids {
    /// Take one event.
    pub fn event(&mut self, event: &Event<'_>) {
        if let EventKind::InetConn(c) = &event.kind {
            if event.capture != self.capture {
                self.capture = event.capture;
                self.map.clear();
            }
            if c.state != InetState::Known(TcpState::Listen) {
                return;
            }
            if let Some(netsift_grammar::netstat::Owner::Process { pid, name }) = c.owner {
                let local = c.column(InetCol::Local);
                let colon = local.iter().rposition(|&b| b == b':').unwrap_or(local.len());
                let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                let port = local.get(colon + 1..).unwrap_or_default();
                self.map.insert(pid, (text(&local[..colon]), text(port), name.to_vec()));
            }
        }
    }

    /// PID → (address, port, program name bytes).
    pub fn get(&self) -> &BTreeMap<u32, (String, String, Vec<u8>)> {
        &self.map
    }
}

/// Only the answer of `running_processes`. Describes the last capture.
#[derive(Debug, Clone, Default)]
pub struct RunningProcesses {
    capture: u32,
    names: BTreeSet<Vec<u8>>,
}

impl RunningProcesses {
    /// Take one event.
    pub fn event(&mut self, event: &Event<'_>) {
        if let EventKind::InetConn(c) = &event.kind {
            if event.capture != self.capture {
                self.capture = event.capture;
                self.names.clear();
            }
            if let Some(netsift_grammar::netstat::Owner::Process { name, .. }) = c.owner {
                if !self.names.contains(name.trim_ascii()) {
                    self.names.insert(name.trim_ascii().to_vec());
                }
            }
        }
    }

    /// The program names, sorted by bytes.
    pub fn get(&self) -> &BTreeSet<Vec<u8>> {
        &self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `listening_pid`'s JSON as written before `Listeners`: from [`listening_rows`]'s
    /// sorted map.
    fn listening_json_of_the_map(tables: &[Table]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut pids = Object::new(&mut out);
        for (pid, row) in listening_rows(tables) {
            let mut e = Object::new(pids.member(&pid));
            for (key, name) in [("addr", "Local IP"), ("port", "Port"), ("name", "Program name")] {
                e.bytes(key, String::from_utf8_lossy(row.get(name).unwrap_or_default()).as_bytes());
            }
            e.end();
        }
        pids.end();
        out
    }

    /// The view of a netstat input.
    fn view_of(input: &[u8]) -> NetstatView {
        let mut view = NetstatView::default();
        let mut parser = crate::PushParser::new(crate::Format::Netstat);
        parser.feed(input, &mut view);
        parser.finish(&mut view);
        view
    }

    /// A view with input lent to it shows the input's length in `{:?}`, not its bytes;
    /// its rows show as without it.
    #[test]
    fn debug_of_a_view_shows_the_length_of_its_lent_input() {
        let input = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/insights/fixtures/netstat-neopa-docs.txt"
        ))
        .expect("fixture");
        let lent = Bytes::from(input.clone());
        let mut view = NetstatView::default();
        view.keep_lines_in(Some(lent));
        let mut parser = crate::PushParser::new(crate::Format::Netstat);
        parser.feed(&input, &mut view);
        parser.finish(&mut view);
        let shown = format!("{view:?}");
        assert!(shown.contains(&format!("input: Lent({} bytes)", input.len())), "{shown}");
        assert!(!shown.contains("Proto Recv-Q Send-Q"), "{shown}");
        let copied = view_of(&input);
        assert_eq!(format!("{:?}", copied.captures), format!("{:?}", view.captures));
        view.keep_lines_in(None);
        assert!(format!("{view:?}").contains("input: None"));
    }

    /// The program names and listeners found in one pass (`names_and_listeners`, PIDs
    /// hashed and sorted as numbers by `Listeners`) are those of `running_names` and
    /// `listening_rows`, and so is the JSON written from them: on every netstat fixture,
    /// and on listeners made to tell them apart (PIDs that are prefixes of others, a PID
    /// listening twice, a listener without a program; then a PID of 9 bytes, one that is
    /// not UTF-8 and one with a NUL, which `listening_rows` must answer).
    #[test]
    fn names_and_listeners_are_those_of_the_general_passes() {
        let header = "Active Internet connections (servers and established)\n\
            Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\n";
        let row = |pid: &[u8], port: u32, state: &str| {
            let mut line = format!("tcp        0      0 10.0.0.1:{port:<5}           0.0.0.0:*               {state:<11} 0          1578       ").into_bytes();
            line.extend_from_slice(pid);
            line.extend_from_slice(b"/prog-");
            line.extend_from_slice(pid);
            line.extend_from_slice(b"         off (0.00/0/0)\n");
            line
        };
        let made = |odd: &[&[u8]]| {
            let mut input = header.as_bytes().to_vec();
            let pids: [&[u8]; 9] = [b"123", b"12", b"2", b"1234567", b"12", b"99999999", b"1", b"20", b"123"];
            for (i, pid) in pids.iter().chain(odd).enumerate() {
                input.extend_from_slice(&row(pid, 100 + i as u32, if i % 4 == 3 { "ESTABLISHED" } else { "LISTEN" }));
            }
            input.extend_from_slice(b"tcp        0      0 10.0.0.1:7           0.0.0.0:*               LISTEN      0          1578       -                    off (0.00/0/0)\n");
            input
        };
        let mut inputs: Vec<(String, Vec<u8>)> = vec![("made".into(), made(&[]))];
        for odd in [&b"123456789"[..], b"12\xff", b"1\x002"] {
            inputs.push((format!("made with {odd:?}"), made(&[odd])));
        }
        for dir in ["tests/fixtures", "tests/fixtures/insights/fixtures", "tests/fixtures/corpus/real"] {
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.contains("netstat") && !name.contains("netstat-s") && !name.contains("proc") {
                    inputs.extend(std::fs::read(entry.path()).ok().map(|input| (name, input)));
                }
            }
        }
        let (mut fast, mut general) = (0, 0);
        for (name, input) in &inputs {
            let view = view_of(input);
            let tables = view.tables();
            let Some(t) = inet_table(tables) else { continue };
            let (distinct, listeners) = names_and_listeners(t);
            assert_eq!(sorted_names(distinct), running_names(tables), "{name}");
            match listeners {
                Some(found) => {
                    let found: Vec<(String, usize)> = found.iter().map(|&(_, p, i)| (p.to_string(), i)).collect();
                    let map: Vec<(String, usize)> =
                        listening_rows(tables).into_iter().map(|(p, r)| (p.into_owned(), r.index())).collect();
                    assert_eq!(found, map, "{name}");
                    fast += found.len();
                }
                None => general += 1,
            }
            let tail = tail_json(tables);
            assert_eq!(
                String::from_utf8_lossy(&tail.listening),
                String::from_utf8_lossy(&listening_json_of_the_map(tables)),
                "{name}"
            );
        }
        assert!(fast > 50 && general == 3, "{fast} listeners found by PID, {general} inputs left to the map");
    }

    /// The static key lists of `netstat -neopa` and `-p` rows give the rows the general
    /// way gives, on every netstat fixture.
    #[test]
    fn static_lists_give_the_rows_of_the_general_way() {
        let mut checked = 0;
        let dirs = [
            "tests/fixtures",
            "tests/fixtures/insights/fixtures",
            "tests/fixtures/corpus/real",
            "tests/fixtures/corpus/jc",
        ];
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !name.contains("netstat") || name.contains("netstat-s") || name.contains("proc") {
                    continue;
                }
                let Ok(input) = std::fs::read(entry.path()) else { continue };
                let (mut fast, mut general) = (Rows::by_column(), Rows::new());
                let mut sink = |event: Event<'_>| match &event.kind {
                    EventKind::InetConn(c) if c.kernel.is_none() => {
                        inet_row(&mut fast, c, None);
                        let listening = c.state == InetState::Known(TcpState::Listen);
                        inet_row_general(&mut general, c, listening, None);
                    }
                    EventKind::UnixSocket(u) if u.kernel.is_none() => {
                        unix_row(&mut fast, u, None);
                        unix_row_general(&mut general, u, None);
                    }
                    _ => {}
                };
                let mut parser = crate::PushParser::new(crate::Format::Netstat);
                parser.feed(&input, &mut sink);
                parser.finish(&mut sink);
                assert_eq!(fast, general, "{name}");
                checked += fast.len();
            }
        }
        assert!(checked > 500, "only {checked} rows");
    }
}
