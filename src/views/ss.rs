//! The lookup views of insights' `SsTUPNA` (`ss -tupna`) and `SsTULPN` parsers, built from
//! events.
//!
//! insights' object *is* its list of rows, each keyed by seven fixed names: `Netid`,
//! `State`, `Recv-Q`, `Send-Q`, `Local-Address-Port`, `Peer-Address-Port` and `Process`
//! (absent when the socket has no process). The values here are the column texts as
//! printed, read by the grammar rather than split at every blank, so a process name with a
//! blank (`users:(("Web Content",…))`) or a unix path with blanks stays whole, and words
//! after the Process column (`-e -o` extras) never shift anything. A table printed without
//! a Netid, State or queue column has no key for it.
//!
//! `SsTULPN` is the same view with `tulpn: true`: it keeps the sockets whose State is
//! `LISTEN` or `UNCONN`, by the typed state (insights keeps every *line* holding either
//! word anywhere, a process name included).
//!
//! # insights' documented example, reproduced
//!
//! The sample of insights' `SsTUPNA` docstring, and what its doctest asserts:
//!
//! ```
//! use netsift::views::{netstat::CaptureSelect, ss::SsView};
//! use netsift::Format;
//! let input = std::fs::read("tests/fixtures/insights/fixtures/ss-tupna-docs.txt").unwrap();
//! let mut ss = SsView::new(CaptureSelect::Last, false);
//! netsift::input::parse_reader(&input[..], Format::Ss, &mut ss).unwrap();
//!
//! // sorted(ss.data[1].keys()): seven keys
//! let mut keys: Vec<&str> = ss.rows().get(1).unwrap().cells().map(|(k, _)| k).collect();
//! keys.sort();
//! assert_eq!(keys, ["Local-Address-Port", "Netid", "Peer-Address-Port", "Process", "Recv-Q", "Send-Q", "State"]);
//! assert_eq!(ss.rows().get(0).unwrap().get("Local-Address-Port"), Some(&b"*:55898"[..]));
//! assert_eq!(ss.rows().get(0).unwrap().get("State"), Some(&b"UNCONN"[..]));
//! // get_service("rpcbind")
//! let rpcbind = ss.get_service("rpcbind");
//! assert_eq!(rpcbind.len(), 2);
//! assert_eq!(rpcbind[0].get("State"), Some(&b"UNCONN"[..]));
//! assert_eq!(rpcbind[1].get("State"), Some(&b"LISTEN"[..]));
//! assert_eq!(rpcbind[0].get("Process"), Some(&br#"users:(("rpcbind",pid=953,fd=9))"#[..]));
//! assert_eq!(rpcbind[1].get("Process"), Some(&br#"users:(("rpcbind",pid=1139,fd=5),("systemd",pid=1,fd=41))"#[..]));
//! // get_port("55898"): local or peer port; that row has no Process
//! let using_55898 = ss.get_port("55898");
//! assert_eq!(using_55898.len(), 1);
//! assert_eq!(using_55898[0].get("Process"), None);
//! // rpcbind == ss.get_localport('111')
//! assert_eq!(rpcbind, ss.get_localport("111"));
//! ```

use netsift_grammar::ss::{SsCol, SsRow, State};

use super::netstat::CaptureSelect;
use super::rows::{Row, Rows};
use super::search::{keyword_search, Term};
use super::{Spill, Spool};
use crate::events::{Event, EventKind, Table};
use crate::json::Object;

/// The insights key of each column the rows carry (the extras have none).
const KEYS: [(SsCol, &str); 7] = [
    (SsCol::Netid, "Netid"),
    (SsCol::State, "State"),
    (SsCol::RecvQ, "Recv-Q"),
    (SsCol::SendQ, "Send-Q"),
    (SsCol::Local, "Local-Address-Port"),
    (SsCol::Peer, "Peer-Address-Port"),
    (SsCol::Process, "Process"),
];

/// The sockets of one capture (one ss table).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SsCapture {
    /// Capture number, from 1.
    pub number: u32,
    /// The rows, in input order.
    pub rows: Rows,
}

/// The `SsTUPNA` / `SsTULPN` view: `data` (the rows), `get_service`, `get_localport`,
/// `get_peerport`, `get_port`, and `search`.
///
/// ```
/// use netsift::{Format, PushParser, views::ss::SsView};
/// let input = b"Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
/// tcp   LISTEN 0      128    0.0.0.0:22         0.0.0.0:*    users:((\"sshd\",pid=900,fd=3))\n\
/// tcp   ESTAB  0      0      10.0.0.1:22        10.0.0.2:5000 users:((\"sshd: alice\",pid=901,fd=4))\n";
/// let mut view = SsView::default();
/// let mut parser = PushParser::new(Format::Ss);
/// parser.feed(input, &mut view);
/// parser.finish(&mut view);
/// assert_eq!(view.rows().len(), 2);
/// assert_eq!(view.get_localport("22").len(), 2);
/// assert_eq!(view.get_service("sshd: alice").len(), 1);
/// assert_eq!(view.get_port("ssh").len(), 0); // not a number: no match, no error
/// ```
#[derive(Debug, Clone, Default)]
pub struct SsView {
    select: CaptureSelect,
    tulpn: bool,
    captures: Vec<SsCapture>,
}

impl SsView {
    /// A view of the captures chosen by `select`; with `tulpn`, only the sockets in state
    /// LISTEN or UNCONN (insights' `SsTULPN`).
    pub fn new(select: CaptureSelect, tulpn: bool) -> Self {
        SsView { select, tulpn, captures: Vec::new() }
    }

    /// Take one event.
    pub fn event(&mut self, ev: &Event<'_>) {
        match &ev.kind {
            EventKind::Section(s) if s.table == Table::Ss => {
                self.capture_for(ev.capture);
            }
            EventKind::SsSocket(s) => {
                if self.tulpn && !matches!(s.row.state, Some(State::Listen | State::Unconn)) {
                    return;
                }
                if let Some(capture) = self.capture_for(ev.capture) {
                    ss_row(&mut capture.rows, &s.row);
                }
            }
            _ => {}
        }
    }

    /// What a part of the input gives this view (`view --jobs` on one large file, see
    /// [`super::ViewPart`]): an empty one, to be given the part's events.
    pub(crate) fn part(&self) -> SsPart {
        SsPart { tulpn: self.tulpn, select: self.select, captures: Vec::new() }
    }

    /// Take the view of a part of the input, built on another thread from the events
    /// that follow the ones taken so far: the same as taking those events.
    pub(crate) fn merge(&mut self, part: SsPart) {
        for (number, rows) in part.captures {
            if let Some(capture) = self.capture_for(number) {
                capture.rows.append(rows);
            }
        }
    }

    /// The capture an event of capture `number` goes to, dropping the captures the
    /// selection does not keep; `None` when this one is not kept.
    fn capture_for(&mut self, number: u32) -> Option<&mut SsCapture> {
        super::capture_entry(
            &mut self.captures,
            self.select,
            number,
            |c| c.number,
            || SsCapture { number, rows: Rows::new() },
        )
    }

    /// Spool the finished captures (see [`Spool`]).
    pub(crate) fn retire(&mut self, spool: &mut Spool) {
        spool.retire(&mut self.captures, write_capture);
    }

    /// The captures the view holds (one unless `CaptureSelect::All`).
    pub fn captures(&self) -> &[SsCapture] {
        &self.captures
    }

    /// Whether no ss table was seen.
    pub fn is_empty(&self) -> bool {
        self.captures.is_empty()
    }

    /// The rows of the described capture (the last one held): insights' `data`.
    pub fn rows(&self) -> &Rows {
        static EMPTY: Rows = Rows::EMPTY;
        self.captures.last().map_or(&EMPTY, |c| &c.rows)
    }

    /// `get_service(name)`: the rows whose Process text contains `name`.
    pub fn get_service(&self, name: &str) -> Vec<Row<'_>> {
        let want = name.as_bytes();
        self.rows().iter().filter(|r| r.get("Process").is_some_and(|p| !p.is_empty() && contains(p, want))).collect()
    }

    /// `get_localport(port)`: the rows whose local port equals `port` as an integer
    /// (`"0022"` is 22). Addresses holding `:*` are skipped; a port or an argument that is
    /// not an integer matches nothing.
    pub fn get_localport(&self, port: &str) -> Vec<Row<'_>> {
        self.port_rows("Local-Address-Port", port)
    }

    /// `get_peerport(port)`: as [`SsView::get_localport`], on the peer address.
    pub fn get_peerport(&self, port: &str) -> Vec<Row<'_>> {
        self.port_rows("Peer-Address-Port", port)
    }

    /// `get_port(port)`: the local matches, then the peer matches; a row matching on both
    /// sides is listed twice, as insights does.
    pub fn get_port(&self, port: &str) -> Vec<Row<'_>> {
        let mut rows = self.get_localport(port);
        rows.extend(self.get_peerport(port));
        rows
    }

    fn port_rows(&self, key: &str, port: &str) -> Vec<Row<'_>> {
        let Some(want) = py_int(port.as_bytes()) else { return Vec::new() };
        self.rows().iter().filter(|r| r.get(key).is_some_and(|addr| port_is(addr, &want))).collect()
    }

    /// insights' `keyword_search` over the rows (`State=LISTEN`,
    /// `Process__contains=sshd`, `Local_Address_Port__endswith=:22`).
    pub fn search(&self, terms: &[Term]) -> Vec<Row<'_>> {
        keyword_search(self.rows().iter(), terms)
    }

    /// Write the view as JSON: `{"data": [row, …]}` for the described capture; with
    /// `CaptureSelect::All`, `{"captures": [{"capture": N, "data": […]}, …]}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.write_json_spill(out, &mut Spill::none(), None);
    }

    /// [`SsView::write_json`] after the captures in `spooled`, handing `out` to `spill` as
    /// it fills.
    pub(crate) fn write_json_spill(&self, out: &mut Vec<u8>, spill: &mut Spill<'_>, spooled: Option<&Spool>) {
        if self.select == CaptureSelect::All {
            super::write_captures(out, spooled, &self.captures, spill, write_capture);
        } else {
            let mut o = Object::new(out);
            let rows = self.rows();
            rows.write_list(o.member("data"), rows.plain(), spill);
            o.end();
        }
    }
}

/// The rows of a part of the input for [`SsView::merge`]: each capture number the part's
/// events asked for, in order, with the rows added to it.
#[derive(Debug, Clone)]
pub(crate) struct SsPart {
    tulpn: bool,
    /// The view's selection: the part keeps the captures the view would (under `Last`,
    /// a capture that starts in the part drops the ones before it), so that the parts
    /// waiting for their turn hold one capture each, not all those of a periodic log.
    select: CaptureSelect,
    captures: Vec<(u32, Rows)>,
}

impl SsPart {
    /// Take one event of the part (as [`SsView::event`]).
    pub(crate) fn event(&mut self, ev: &Event<'_>) {
        match &ev.kind {
            EventKind::Section(s) if s.table == Table::Ss => {
                self.capture(ev.capture);
            }
            EventKind::SsSocket(s) => {
                if self.tulpn && !matches!(s.row.state, Some(State::Listen | State::Unconn)) {
                    return;
                }
                if let Some(rows) = self.capture(ev.capture) {
                    ss_row(rows, &s.row);
                }
            }
            _ => {}
        }
    }

    /// The rows of capture `number` (those of the last one asked for when it is the same),
    /// when the selection keeps it.
    fn capture(&mut self, number: u32) -> Option<&mut Rows> {
        let entry = super::capture_entry(&mut self.captures, self.select, number, |c| c.0, || (number, Rows::new()));
        entry.map(|(_, rows)| rows)
    }
}

/// One capture of the `CaptureSelect::All` form: `{"capture": N, "data": […]}`.
fn write_capture(out: &mut Vec<u8>, c: &SsCapture, spill: &mut Spill<'_>) {
    let mut co = Object::new(out);
    co.uint("capture", u64::from(c.number));
    c.rows.write_list(co.member("data"), c.rows.plain(), spill);
    co.end();
}

impl crate::push::Sink for SsView {
    fn event(&mut self, event: Event<'_>) {
        SsView::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        SsView::event(self, event);
    }
}

/// The key lists of [`ss_row`], by which optional columns the row has: bit 0 Netid, bit 1
/// State, bit 2 the queues, bit 3 Process (static, so that a row finds its list by address).
static KEY_LISTS: [&[&str]; 16] = [
    &["Local-Address-Port", "Peer-Address-Port"],
    &["Netid", "Local-Address-Port", "Peer-Address-Port"],
    &["State", "Local-Address-Port", "Peer-Address-Port"],
    &["Netid", "State", "Local-Address-Port", "Peer-Address-Port"],
    &["Recv-Q", "Send-Q", "Local-Address-Port", "Peer-Address-Port"],
    &["Netid", "Recv-Q", "Send-Q", "Local-Address-Port", "Peer-Address-Port"],
    &["State", "Recv-Q", "Send-Q", "Local-Address-Port", "Peer-Address-Port"],
    &["Netid", "State", "Recv-Q", "Send-Q", "Local-Address-Port", "Peer-Address-Port"],
    &["Local-Address-Port", "Peer-Address-Port", "Process"],
    &["Netid", "Local-Address-Port", "Peer-Address-Port", "Process"],
    &["State", "Local-Address-Port", "Peer-Address-Port", "Process"],
    &["Netid", "State", "Local-Address-Port", "Peer-Address-Port", "Process"],
    &["Recv-Q", "Send-Q", "Local-Address-Port", "Peer-Address-Port", "Process"],
    &["Netid", "Recv-Q", "Send-Q", "Local-Address-Port", "Peer-Address-Port", "Process"],
    &["State", "Recv-Q", "Send-Q", "Local-Address-Port", "Peer-Address-Port", "Process"],
    &["Netid", "State", "Recv-Q", "Send-Q", "Local-Address-Port", "Peer-Address-Port", "Process"],
];

/// The insights row of a socket: the columns the table has, as printed.
fn ss_row(rows: &mut Rows, r: &SsRow<'_>) {
    let present = |col: SsCol| match col {
        SsCol::Netid => r.columns.netid,
        SsCol::State => r.columns.state,
        SsCol::RecvQ | SsCol::SendQ => r.columns.queues,
        SsCol::Process => r.process.is_some(),
        _ => true,
    };
    // The values are the columns' pieces of the line, in `KEYS` order, without the
    // columns the row does not have.
    let mut spans = [(0, 0); KEYS.len()];
    let mut n = 0;
    for &(col, _) in KEYS.iter().filter(|(col, _)| present(*col)) {
        spans[n] = r.spans[col as usize];
        n += 1;
    }
    let list = usize::from(r.columns.netid)
        | usize::from(r.columns.state) << 1
        | usize::from(r.columns.queues) << 2
        | usize::from(r.process.is_some()) << 3;
    rows.push_static_pieces(r.line, KEY_LISTS[list], &spans[..n]);
}

/// [`ss_row`] the general way, which its static lists must give the same rows as.
#[cfg(test)]
fn ss_row_reference(rows: &mut Rows, r: &SsRow<'_>) {
    let present = |col: SsCol| match col {
        SsCol::Netid => r.columns.netid,
        SsCol::State => r.columns.state,
        SsCol::RecvQ | SsCol::SendQ => r.columns.queues,
        SsCol::Process => r.process.is_some(),
        _ => true,
    };
    let mut cells: [(&'static str, &[u8]); KEYS.len()] = [("", &[]); KEYS.len()];
    let mut n = 0;
    for &(col, key) in KEYS.iter().filter(|(col, _)| present(*col)) {
        cells[n] = (key, r.column(col));
        n += 1;
    }
    rows.push_values(&cells[..n]);
}

/// Byte substring test (an empty needle is in everything, as in Python).
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// Python's `int()` of a text, as insights applies it to ports: surrounding whitespace,
/// an optional sign, ASCII digits with single underscores between them. Returns the sign
/// and the digits without leading zeros (any size: Python integers are unbounded); `None`
/// where Python raises ValueError (which netsift answers with "no match").
fn py_int(text: &[u8]) -> Option<(bool, Vec<u8>)> {
    let text = text.trim_ascii();
    let (negative, body) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if body.is_empty() || body.first() == Some(&b'_') || body.last() == Some(&b'_') {
        return None;
    }
    let mut digits = Vec::with_capacity(body.len());
    let mut previous_underscore = false;
    for &b in body {
        match b {
            b'0'..=b'9' => {
                digits.push(b);
                previous_underscore = false;
            }
            b'_' if !previous_underscore => previous_underscore = true,
            _ => return None,
        }
    }
    let first_nonzero = digits.iter().position(|&d| d != b'0').unwrap_or(digits.len() - 1);
    let digits = digits.split_off(first_nonzero);
    let negative = negative && digits != b"0";
    Some((negative, digits))
}

/// insights' port test: skip an empty address or one holding `:*`, then compare the text
/// after the last `:` as an integer.
fn port_is(addr: &[u8], want: &(bool, Vec<u8>)) -> bool {
    if addr.is_empty() || contains(addr, b":*") {
        return false;
    }
    let port = match addr.iter().rposition(|&b| b == b':') {
        Some(colon) => &addr[colon + 1..],
        None => addr,
    };
    py_int(port).is_some_and(|p| &p == want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_key_lists_are_the_present_columns() {
        for (list, keys_of_list) in KEY_LISTS.iter().enumerate() {
            let present = |col: SsCol| match col {
                SsCol::Netid => list & 1 != 0,
                SsCol::State => list & 2 != 0,
                SsCol::RecvQ | SsCol::SendQ => list & 4 != 0,
                SsCol::Process => list & 8 != 0,
                _ => true,
            };
            let keys: Vec<&str> = KEYS.iter().filter(|(col, _)| present(*col)).map(|(_, k)| *k).collect();
            assert_eq!(*keys_of_list, keys, "list {list}");
        }
    }

    #[test]
    fn rows_are_those_of_the_general_way() {
        let lines: [&[u8]; 4] = [
            br#"udp   UNCONN 0      0        127.0.0.1:52462      0.0.0.0:*    users:(("z",pid=9069,fd=4))    "#,
            br#"tcp   LISTEN     0        1       [fe80::fc:ff:fe00:1]%eth0:45694               [::]:*     users:(("python3",pid=7268,fd=3),("x\"y",pid=1,fd=2))"#,
            b"tcp   TIME-WAIT  0        0                [fd00::85a:4164]:17118 [::ffff:56.147.123.207]:26981",
            b"u_str ESTAB 0 0 * 12345 * 12346",
        ];
        let (mut fast, mut general) = (Rows::new(), Rows::new());
        for columns in [netsift_grammar::ss::SsColumns::FULL] {
            for line in lines {
                let Ok(r) = netsift_grammar::ss::row(line, columns) else { continue };
                ss_row(&mut fast, &r);
                ss_row_reference(&mut general, &r);
            }
        }
        assert!(fast.len() >= 3);
        assert_eq!(fast, general);
        for (a, b) in fast.iter().zip(general.iter()) {
            let (mut ja, mut jb) = (Vec::new(), Vec::new());
            a.write_json(&mut ja);
            b.write_json(&mut jb);
            assert_eq!(ja, jb);
        }
    }

    #[test]
    fn python_integers() {
        let int = |s: &str| py_int(s.as_bytes());
        assert_eq!(int("0022"), Some((false, b"22".to_vec())));
        assert_eq!(int(" 22\n"), Some((false, b"22".to_vec())));
        assert_eq!(int("-0"), Some((false, b"0".to_vec())));
        assert_eq!(int("+1_000"), Some((false, b"1000".to_vec())));
        assert_eq!(int("-4127"), Some((true, b"4127".to_vec())));
        assert_eq!(int("99999999999999999999999"), Some((false, b"99999999999999999999999".to_vec())));
        for bad in ["", "ssh", "1__0", "_1", "1_", "*", "1.0", "0x16", "- 1", "２２"] {
            assert_eq!(int(bad), None, "{bad}");
        }
    }

    #[test]
    fn ports_compare_as_integers() {
        let want = py_int(b"22").unwrap();
        assert!(port_is(b"[::]:0022", &want));
        assert!(port_is(b"0.0.0.0%virbr0:22", &want));
        assert!(!port_is(b"0.0.0.0:*", &want));
        assert!(!port_is(b"0.0.0.0:ssh", &want));
        assert!(!port_is(b"", &want));
        assert!(!port_is(b"/run/x.sock 22", &want));
    }
}
