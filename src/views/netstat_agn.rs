//! The `NetstatAGN` view of insights (`netstat -agn`): `data` rows with lower-cased keys
//! (`interface`, `refcnt`, `group`) and `group_by_iface`.
//!
//! insights drops the title and the dashes by position; netsift finds the header by its
//! content, so output without a title is read right.
//!
//! # insights' documented example, reproduced
//!
//! The sample of insights' `NetstatAGN` docstring, and what its doctest asserts:
//!
//! ```
//! use netsift::views::{netstat::CaptureSelect, netstat_agn::NetstatAgnView};
//! use netsift::Format;
//! let input = std::fs::read("tests/fixtures/insights/fixtures/netstat-agn.txt").unwrap();
//! let mut multicast = NetstatAgnView::new(CaptureSelect::Last);
//! netsift::input::parse_reader(&input[..], Format::NetstatAgn, &mut multicast).unwrap();
//! let first = &multicast.data()[0];
//! assert_eq!(first.get("interface"), Some(&b"lo"[..]));
//! assert_eq!(first.get("refcnt"), Some(&b"1"[..])); // values are strings
//! assert_eq!(first.get("group"), Some(&b"224.0.0.1"[..])); // keys are lower case
//! let by_iface = multicast.group_by_iface();
//! assert_eq!(by_iface["lo"].len(), 2);
//! assert_eq!(by_iface["eth0"][1].get("refcnt"), Some(&b"4"[..])); // in order of appearance
//! ```

use std::collections::BTreeMap;

use super::{PerCapture, Spill, Spool, WordRow};
use crate::events::{Columns, Event, EventKind};
use crate::json::Object;

const KEYS: [&str; 3] = ["interface", "refcnt", "group"];

/// The rows of one capture.
#[derive(Debug, Clone, Default)]
pub struct MembershipTable {
    /// The rows.
    pub rows: Vec<WordRow>,
    inside: bool,
}

/// The `NetstatAGN` view.
///
/// ```
/// use netsift::{Format, PushParser, views::netstat_agn::NetstatAgnView};
/// let input = b"IPv6/IPv4 Group Memberships\nInterface       RefCnt Group\n\
/// --------------- ------ ---------------------\nlo              1      224.0.0.1\n";
/// let mut view = NetstatAgnView::default();
/// let mut parser = PushParser::new(Format::NetstatAgn);
/// parser.feed(input, &mut view);
/// parser.finish(&mut view);
/// assert_eq!(view.group_by_iface()["lo"][0].get("group"), Some(&b"224.0.0.1"[..]));
/// ```
#[derive(Debug, Clone, Default)]
pub struct NetstatAgnView {
    captures: PerCapture<MembershipTable>,
}

impl NetstatAgnView {
    /// A view of the captures chosen by `select`.
    pub fn new(select: super::CaptureSelect) -> Self {
        NetstatAgnView { captures: PerCapture::new(select) }
    }

    /// Take one event.
    pub fn event(&mut self, event: &Event<'_>) {
        let keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
        match &event.kind {
            EventKind::Section(s) => {
                if let Some(t) = self.captures.get(event.capture) {
                    t.inside = s.columns == Columns::Memberships;
                }
            }
            EventKind::Membership(m) => {
                if let Some(t) = self.captures.get(event.capture) {
                    t.rows.push(WordRow::pair(&keys, m.line));
                }
            }
            // Rows that do not fit are kept as insights keeps them (the events say they
            // are malformed).
            EventKind::Malformed(m) if !m.raw.is_empty() => {
                if let Some(t) = self.captures.get(event.capture) {
                    if t.inside {
                        t.rows.push(WordRow::pair(&keys, m.raw));
                    }
                }
            }
            _ => {}
        }
    }

    /// Every capture kept, with its number (one for `last` or a number, all for `all`).
    pub fn captures(&self) -> &[(u32, MembershipTable)] {
        self.captures.all()
    }

    /// `data`: the rows of the described capture.
    pub fn data(&self) -> &[WordRow] {
        self.captures.last().map_or(&[], |t| &t.rows)
    }

    /// `group_by_iface()`: interface → its rows without `interface`, in input order.
    pub fn group_by_iface(&self) -> BTreeMap<String, Vec<WordRow>> {
        group(self.data())
    }

    /// `{"data": [...], "group_by_iface": {...}}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.captures.write_json(out, write_capture);
    }

    /// [`NetstatAgnView::write_json`] after the captures in `spooled`, handing `out` to `spill` as
    /// it fills.
    pub(crate) fn write_json_spill(&self, out: &mut Vec<u8>, spill: &mut Spill<'_>, spooled: Option<&Spool>) {
        self.captures.write_json_spill(out, spill, spooled, write_capture);
    }

    /// Spool the finished captures (see [`Spool`]).
    pub(crate) fn retire(&mut self, spool: &mut Spool) {
        self.captures.retire(spool, write_capture);
    }
}

/// One capture's object (with its number under `CaptureSelect::All`).
fn write_capture(out: &mut Vec<u8>, number: Option<u32>, table: Option<&MembershipTable>) {
    let rows = table.map_or(&[][..], |t| &t.rows);
    let mut o = Object::new(out);
    if let Some(n) = number {
        o.uint("capture", u64::from(n));
    }
    WordRow::write_list(o.member("data"), rows, None);
    let mut by = Object::new(o.member("group_by_iface"));
    for (iface, group) in group(rows) {
        WordRow::write_list(by.member(&iface), &group, Some("interface"));
    }
    by.end();
    o.end();
}

fn group(rows: &[WordRow]) -> BTreeMap<String, Vec<WordRow>> {
    let mut map: BTreeMap<String, Vec<WordRow>> = BTreeMap::new();
    for r in rows {
        if let Some(name) = r.get("interface") {
            let mut rest = r.clone();
            rest.cells.retain(|(k, _)| k != "interface");
            map.entry(String::from_utf8_lossy(name).into_owned()).or_default().push(rest);
        }
    }
    map
}

impl crate::push::Sink for NetstatAgnView {
    fn event(&mut self, event: Event<'_>) {
        NetstatAgnView::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        NetstatAgnView::event(self, event);
    }
}
