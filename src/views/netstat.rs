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
//! assert_eq!(table.rows[1].get("Local Address"), Some(&b"127.0.0.1:27017"[..]));
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

use std::collections::{BTreeMap, BTreeSet};

use netsift_grammar::netstat::{InetCol, InetState, TableKind, TcpState, UnixCol};

use super::search::{keyword_search, search_name, Searchable, Term};
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

/// One row as the insights views see it: column name → text, plus the derived keys
/// `PID`, `Program name`, `Local IP` and `Port`.
///
/// Every value of a netstat row is a piece of its line, so a row keeps one copy of the
/// line and where each value lies in it: two allocations per row, not one per cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line as read (netstat), or the values one after the other (ss).
    text: Box<[u8]>,
    /// (key, start, end) in display order: the table's columns, then the derived keys.
    cells: Vec<(&'static str, u32, u32)>,
    /// The state was LISTEN (in any language).
    listening: bool,
}

impl Row {
    /// A row with these cells, for views of other tables (ss) that share the row shape.
    pub fn new(cells: Vec<(&'static str, Vec<u8>)>) -> Self {
        let mut text = Vec::with_capacity(cells.iter().map(|(_, v)| v.len()).sum());
        let cells = cells
            .into_iter()
            .map(|(key, value)| {
                let start = text.len();
                text.extend_from_slice(&value);
                (key, start as u32, text.len() as u32)
            })
            .collect();
        Row { text: text.into_boxed_slice(), cells, listening: false }
    }

    /// A row of `line`, whose cells are pieces of it.
    fn of_line<'l>(line: &'l [u8], cells: impl IntoIterator<Item = (&'static str, &'l [u8])>, listening: bool) -> Self {
        let base = line.as_ptr() as usize;
        let cells = cells
            .into_iter()
            .map(|(key, value)| {
                // `value` lies inside `line`: its offset is the distance between the two.
                let start = (value.as_ptr() as usize).saturating_sub(base).min(line.len());
                let end = (start + value.len()).min(line.len());
                (key, start as u32, end as u32)
            })
            .collect();
        Row { text: line.into(), cells, listening }
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&[u8]> {
        self.cells().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The (key, value) cells in display order.
    pub fn cells(&self) -> impl Iterator<Item = (&'static str, &[u8])> + '_ {
        self.cells.iter().map(|&(key, start, end)| (key, &self.text[start as usize..end as usize]))
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// True for a row without cells.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The line the row was read from, exactly as read (netstat rows).
    pub fn line(&self) -> &[u8] {
        &self.text
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

impl Searchable for Row {
    fn keys(&self) -> Vec<&str> {
        self.cells.iter().map(|&(k, _, _)| k).collect()
    }

    fn get_by_search_name(&self, field: &str) -> Option<&[u8]> {
        self.cells().find(|(k, _)| search_name(k) == field).map(|(_, v)| v)
    }
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
    pub rows: Vec<Row>,
}

impl Table {
    /// insights' `lines`: each row's line exactly as read.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        self.rows.iter().map(Row::line)
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
            EventKind::Section(s) => {
                self.current = None;
                let Some(netstat_title) = s.netstat_title() else { return };
                let Some(title) = netstat_title.c_text() else { return };
                let kind = netstat_title.kind;
                let columns = match s.columns {
                    crate::events::Columns::Inet(l) => InetCol::present(l).map(InetCol::c_name).collect(),
                    crate::events::Columns::Unix(l) => UnixCol::ALL
                        .into_iter()
                        .filter(|&c| c != UnixCol::Proto && (l.program || c != UnixCol::Program))
                        .map(UnixCol::c_name)
                        .collect(),
                    _ => return,
                };
                let Some(capture) = self.capture_for(event.capture) else { return };
                let table = Table { title, kind, columns, rows: Vec::new() };
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
            EventKind::InetConn(c) => {
                if let Some(table) = self.current_table(event.capture, TableKind::Inet) {
                    table.rows.push(inet_row(c));
                }
            }
            EventKind::UnixSocket(u) => {
                if let Some(table) = self.current_table(event.capture, TableKind::Unix) {
                    table.rows.push(unix_row(u));
                }
            }
            _ => {}
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
        (0..len).contains(&i).then(|| table.rows[i as usize].line())
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
    pub fn search(&self, sections: &[TableKind], terms: &[Term]) -> Vec<&Row> {
        search(self.tables(), sections, terms)
    }

    /// Write the view as one JSON object: `data`, `datalist`, `lines`, `running_processes`
    /// and `listening_pid` of the described capture; with `CaptureSelect::All`,
    /// `{"captures": [{"capture": N, …}, …]}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        if self.select == CaptureSelect::All {
            super::write_captures(out, &self.captures, |list, c| write_capture(list, Some(c.number), &c.tables));
        } else {
            write_capture(out, None, self.tables());
        }
    }
}

fn write_capture(out: &mut Vec<u8>, number: Option<u32>, tables: &[Table]) {
    let mut o = Object::new(out);
    if let Some(n) = number {
        o.uint("capture", u64::from(n));
    }
    {
        let mut data = Object::new(o.member("data"));
        for t in tables {
            let mut cols = Object::new(data.member(t.title));
            for col in &t.columns {
                let list = cols.member(col);
                list.push(b'[');
                for (i, row) in t.rows.iter().enumerate() {
                    if i > 0 {
                        list.push(b',');
                    }
                    json::string(list, row.get(col).unwrap_or_default());
                }
                list.push(b']');
            }
            cols.end();
        }
        data.end();
    }
    {
        let mut datalist = Object::new(o.member("datalist"));
        for t in tables {
            write_rows(datalist.member(t.title), t.rows.iter());
        }
        datalist.end();
    }
    {
        let mut lines = Object::new(o.member("lines"));
        for t in tables {
            let list = lines.member(t.title);
            list.push(b'[');
            for (i, line) in t.lines().enumerate() {
                if i > 0 {
                    list.push(b',');
                }
                json::string(list, line);
            }
            list.push(b']');
        }
        lines.end();
    }
    {
        let list = o.member("running_processes");
        list.push(b'[');
        for (i, p) in running_processes(tables).iter().enumerate() {
            if i > 0 {
                list.push(b',');
            }
            json::string(list, p.as_bytes());
        }
        list.push(b']');
    }
    {
        let mut pids = Object::new(o.member("listening_pid"));
        for (pid, l) in listening_pid(tables) {
            let mut e = Object::new(pids.member(&pid));
            e.str("addr", &l.addr);
            e.str("port", &l.port);
            e.str("name", &l.name);
            e.end();
        }
        pids.end();
    }
    o.end();
}

/// Write rows as a JSON array of objects.
pub fn write_rows<'r>(out: &mut Vec<u8>, rows: impl Iterator<Item = &'r Row>) {
    out.push(b'[');
    for (i, row) in rows.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        row.write_json(out);
    }
    out.push(b']');
}

fn inet_table(tables: &[Table]) -> Option<&Table> {
    tables.iter().find(|t| t.title == INET_TITLE).or_else(|| tables.iter().find(|t| t.kind == TableKind::Inet))
}

fn running_processes(tables: &[Table]) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    if let Some(t) = inet_table(tables) {
        for row in &t.rows {
            if let Some(name) = row.get("Program name") {
                set.insert(String::from_utf8_lossy(name.trim_ascii()).into_owned());
            }
        }
    }
    set
}

fn listening_pid(tables: &[Table]) -> BTreeMap<String, Listener> {
    let mut map = BTreeMap::new();
    if let Some(t) = inet_table(tables) {
        for row in t.rows.iter().filter(|r| r.listening) {
            let (Some(pid), Some(name)) = (row.get("PID"), row.get("Program name")) else { continue };
            let text = |v: Option<&[u8]>| String::from_utf8_lossy(v.unwrap_or_default()).into_owned();
            let listener =
                Listener { addr: text(row.get("Local IP")), port: text(row.get("Port")), name: text(Some(name)) };
            map.insert(text(Some(pid)), listener);
        }
    }
    map
}

fn search<'t>(tables: &'t [Table], sections: &[TableKind], terms: &[Term]) -> Vec<&'t Row> {
    let default = [TableKind::Inet, TableKind::Unix];
    let kinds = if sections.is_empty() { &default[..] } else { sections };
    let mut found = Vec::new();
    for kind in kinds {
        let table = match kind {
            TableKind::Inet => inet_table(tables),
            _ => tables.iter().find(|t| t.kind == *kind),
        };
        if let Some(t) = table {
            found.extend(keyword_search(&t.rows, terms));
        }
    }
    found
}

/// The insights row of an internet socket.
fn inet_row(c: &InetConn<'_>) -> Row {
    let mut cells: Vec<(&'static str, &[u8])> = Vec::with_capacity(14);
    // Every value without its padding, the last column too: netstat pads `PID/Program
    // name` and `State` to their width even when they end the line, and insights' slice of
    // the last column (`line[offset:]`) keeps that padding, which no search term can match.
    for col in InetCol::present(c.layout) {
        cells.push((col.c_name(), c.column(col)));
    }
    if c.layout.program {
        derive_pid(&mut cells, c.column(InetCol::Program));
    }
    let local = c.column(InetCol::Local);
    if let Some(colon) = local.iter().rposition(|&b| b == b':') {
        cells.push(("Local IP", &local[..colon]));
        cells.push(("Port", &local[colon + 1..]));
    }
    Row::of_line(c.line, cells, c.state == InetState::Known(TcpState::Listen))
}

/// The insights row of a unix socket. `RefCnt` holds netstat's `Proto` too (`unix  2`):
/// insights slices from the start of the line, and its doctest asserts that value.
fn unix_row(u: &UnixSocket<'_>) -> Row {
    let mut cells: Vec<(&'static str, &[u8])> = Vec::with_capacity(9);
    let present =
        UnixCol::ALL.into_iter().filter(|&c| c != UnixCol::Proto && (u.layout.program || c != UnixCol::Program));
    for col in present {
        // The last column (`Path`, an empty one padded) is trimmed as the others are.
        let value = if col == UnixCol::RefCnt {
            &u.line[..u.spans[UnixCol::RefCnt as usize].1 as usize]
        } else {
            u.column(col)
        };
        cells.push((col.c_name(), value));
    }
    if u.layout.program {
        derive_pid(&mut cells, u.column(UnixCol::Program));
    }
    Row::of_line(u.line, cells, false)
}

/// `PID` and `Program name` when `PID/Program name` holds a `/`.
fn derive_pid<'l>(cells: &mut Vec<(&'static str, &'l [u8])>, program: &'l [u8]) {
    if let Some(slash) = program.iter().position(|&b| b == b'/') {
        cells.push(("PID", &program[..slash]));
        cells.push(("Program name", &program[slash + 1..]));
    }
}

impl crate::push::Sink for NetstatView {
    fn event(&mut self, event: Event<'_>) {
        NetstatView::event(self, &event);
    }
}

impl crate::push::Sink for ListeningPids {
    fn event(&mut self, event: Event<'_>) {
        ListeningPids::event(self, &event);
    }
}

impl crate::push::Sink for RunningProcesses {
    fn event(&mut self, event: Event<'_>) {
        RunningProcesses::event(self, &event);
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
