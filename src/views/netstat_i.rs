//! The `Netstat_I` view of insights (`netstat -i`): `data` rows keyed by the header's words,
//! and `group_by_iface`.
//!
//! insights pairs the header's words with each row's blank-separated words. netsift does the
//! same on the lines as printed (so an odd header or row gives insights' answer), except for
//! a `- no statistics available -` row, whose counters are left out instead of becoming
//! words of the message.
//!
//! # insights' documented example, reproduced
//!
//! The sample of insights' `Netstat_I` docstring, and what its doctest asserts:
//!
//! ```
//! use netsift::views::{netstat::CaptureSelect, netstat_i::NetstatIView};
//! use netsift::Format;
//! let input = std::fs::read("tests/fixtures/insights/fixtures/netstat-i.txt").unwrap();
//! let mut traf = NetstatIView::new(CaptureSelect::Last);
//! netsift::input::parse_reader(&input[..], Format::NetstatI, &mut traf).unwrap();
//! assert_eq!(traf.data()[0].get("Iface"), Some(&b"bond0"[..]));
//! let by_iface = traf.group_by_iface();
//! assert!(by_iface.contains_key("bond0"));
//! assert!(!by_iface.contains_key("enp0s25"));
//! assert_eq!(by_iface["bond0"].get("MTU"), Some(&b"1500"[..])); // as a string
//! assert_eq!(by_iface["bond0"].get("RX-OK"), Some(&b"845265"[..]));
//! ```

use super::{PerCapture, Spill, Spool, WordRow};
use crate::events::{Columns, Event, EventKind};
use crate::json::Object;

/// The rows of one capture.
#[derive(Debug, Clone, Default)]
pub struct InterfaceTable {
    /// The header's words (`Iface`, `MTU`, `Met`?, `RX-OK`, …).
    pub keys: Vec<String>,
    /// The rows.
    pub rows: Vec<WordRow>,
    inside: bool,
}

/// The `Netstat_I` view.
///
/// ```
/// use netsift::{Format, PushParser, views::netstat_i::NetstatIView};
/// let input = b"Kernel Interface table\n\
/// Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n\
/// lo              65536       29      0      0 0            29      0      0      0 LRU\n";
/// let mut view = NetstatIView::default();
/// let mut parser = PushParser::new(Format::NetstatI);
/// parser.feed(input, &mut view);
/// parser.finish(&mut view);
/// assert_eq!(view.group_by_iface()["lo"].get("MTU"), Some(&b"65536"[..]));
/// ```
#[derive(Debug, Clone, Default)]
pub struct NetstatIView {
    captures: PerCapture<InterfaceTable>,
}

impl NetstatIView {
    /// A view of the captures chosen by `select`.
    pub fn new(select: super::CaptureSelect) -> Self {
        NetstatIView { captures: PerCapture::new(select) }
    }

    /// Take one event.
    pub fn event(&mut self, event: &Event<'_>) {
        let inside = |t: &InterfaceTable| t.inside;
        match &event.kind {
            EventKind::Section(s) => {
                let Some(t) = self.captures.get(event.capture) else { return };
                t.inside = matches!(s.columns, Columns::Interfaces(_));
                if let (true, Some(header)) = (t.inside, s.header) {
                    t.keys = netsift_grammar::lex::words(header)
                        .map(|(_, w)| String::from_utf8_lossy(w).into_owned())
                        .collect();
                }
            }
            // A /proc/net/dev row (`dev`) is no row of netstat -i's table.
            EventKind::Interface(row) if row.dev.is_none() => {
                let Some(t) = self.captures.get(event.capture) else { return };
                let pair = if row.stats.is_some() {
                    WordRow::pair(&t.keys, row.line)
                } else {
                    let mut cells = vec![
                        ("Iface".to_string(), row.iface.to_vec()),
                        ("MTU".to_string(), row.mtu.map(|m| m.to_string()).unwrap_or_default().into_bytes()),
                    ];
                    if let Some(m) = row.metric {
                        cells.push(("Met".to_string(), m.to_string().into_bytes()));
                    }
                    cells.push(("Flg".to_string(), row.flags_text.to_vec()));
                    WordRow { cells }
                };
                t.rows.push(pair);
            }
            // insights keeps rows that do not fit; so does this compatibility view (the
            // events say they are malformed).
            EventKind::Malformed(m) if !m.raw.is_empty() => {
                let Some(t) = self.captures.get(event.capture) else { return };
                if inside(t) && !t.keys.is_empty() {
                    t.rows.push(WordRow::pair(&t.keys, m.raw));
                }
            }
            _ => {}
        }
    }

    /// Every capture kept, with its number (one for `last` or a number, all for `all`).
    pub fn captures(&self) -> &[(u32, InterfaceTable)] {
        self.captures.all()
    }

    /// `data`: the rows of the described capture.
    pub fn data(&self) -> &[WordRow] {
        self.captures.last().map_or(&[], |t| &t.rows)
    }

    /// `group_by_iface`: interface → its row without `Iface`; a repeated name keeps its last
    /// row (netstat cuts names, so two interfaces can print the same one).
    pub fn group_by_iface(&self) -> std::collections::BTreeMap<String, WordRow> {
        group(self.data())
    }

    /// `{"data": [...], "group_by_iface": {...}}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.captures.write_json(out, write_capture);
    }

    /// [`NetstatIView::write_json`] after the captures in `spooled`, handing `out` to `spill` as
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
fn write_capture(out: &mut Vec<u8>, number: Option<u32>, table: Option<&InterfaceTable>) {
    let rows = table.map_or(&[][..], |t| &t.rows);
    let mut o = Object::new(out);
    if let Some(n) = number {
        o.uint("capture", u64::from(n));
    }
    WordRow::write_list(o.member("data"), rows, None);
    let mut by = Object::new(o.member("group_by_iface"));
    for (iface, r) in group(rows) {
        r.write_json(by.member(&iface), Some("Iface"));
    }
    by.end();
    o.end();
}

fn group(rows: &[WordRow]) -> std::collections::BTreeMap<String, WordRow> {
    let mut map = std::collections::BTreeMap::new();
    for r in rows {
        if let Some(name) = r.get("Iface") {
            let mut rest = r.clone();
            rest.cells.retain(|(k, _)| k != "Iface");
            map.insert(String::from_utf8_lossy(name).into_owned(), rest);
        }
    }
    map
}

impl crate::push::Sink for NetstatIView {
    fn event(&mut self, event: Event<'_>) {
        NetstatIView::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        NetstatIView::event(self, event);
    }
}
