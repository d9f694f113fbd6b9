//! `serde::Serialize` for events, owned events and the views' data (cargo feature `serde`,
//! on by default).
//!
//! Shapes, for a JSON reader:
//!
//! - an [`Event`] is `{"at": {"line", "offset"}, "capture", "kind": "inet_conn", "data": {…}}`
//!   where `data` is the payload with its fields as named in Rust (an [`EventKind`] alone
//!   is `{"kind", "data"}`); an [`OwnedEvent`] is written as its event;
//! - enums are snake_case: a unit variant is a string (`"listen"`), a variant with a value
//!   is `{"variant": value}` (`{"process": {"pid": 900, "name": "sshd"}}`);
//! - byte slices are strings when they are valid UTF-8, and byte arrays otherwise
//!   (lossless; see [`netsift_grammar::ser`]);
//! - views' rows are objects of column → text; keys that are not UTF-8 (never seen in
//!   practice: they are header words and counter names) are written with U+FFFD.
//!
//! This is for embedders who pick their own format; the command line keeps its own JSON
//! writer ([`crate::json`]), whose output does not change.
//!
//! ```
//! use netsift::{Format, OwnedEvent};
//! let events: Vec<OwnedEvent> = netsift::read_events(
//!     &b"Tcp:\n    9 active connection openings\n"[..],
//!     Format::NetstatS,
//! )
//! .collect::<std::io::Result<_>>()
//! .unwrap();
//! let json = serde_json::to_value(&events[1]).unwrap();
//! assert_eq!(json["kind"], "counter");
//! assert_eq!(json["at"]["line"], 2);
//! assert_eq!(json["data"]["name"], "ActiveOpens");
//! assert_eq!(json["data"]["value"], 9);
//! ```

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use netsift_grammar::ser::Text;

use crate::events::{Event, EventKind, Position};
use crate::owned::OwnedEvent;
use crate::views::netstat::{Capture, Listener, Row, Rows, Table};
use crate::views::netstat_agn::{MembershipTable, NetstatAgnView};
use crate::views::netstat_i::{InterfaceTable, NetstatIView};
use crate::views::netstat_s::{NetstatSView, OrderedMap, StatValue};
use crate::views::proc_net::ProcNetstatView;
use crate::views::ss::{SsCapture, SsView};
use crate::views::{CaptureSelect, NetstatView, WordRow};

/// `{"line", "offset"}`.
struct At(Position);

impl Serialize for At {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Position", 2)?;
        s.serialize_field("line", &self.0.line)?;
        s.serialize_field("offset", &self.0.offset)?;
        s.end()
    }
}

impl Serialize for Event<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Event", 4)?;
        s.serialize_field("at", &At(self.at))?;
        s.serialize_field("capture", &self.capture)?;
        s.serialize_field("kind", self.kind.name())?;
        match &self.kind {
            EventKind::Section(v) => s.serialize_field("data", v)?,
            EventKind::InetConn(v) => s.serialize_field("data", v)?,
            EventKind::UnixSocket(v) => s.serialize_field("data", v)?,
            EventKind::SsSocket(v) => s.serialize_field("data", v)?,
            EventKind::Counter(v) => s.serialize_field("data", v)?,
            EventKind::Interface(v) => s.serialize_field("data", v)?,
            EventKind::Membership(v) => s.serialize_field("data", v)?,
            EventKind::Notice(v) => s.serialize_field("data", v)?,
            EventKind::Malformed(v) => s.serialize_field("data", v)?,
        }
        s.end()
    }
}

impl Serialize for OwnedEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.event().serialize(serializer)
    }
}

/// A map key: UTF-8 as is, anything else with U+FFFD (JSON keys must be strings).
fn key(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// `{"Proto": "tcp", "Recv-Q": "0", …}`.
impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.cells() {
            m.serialize_entry(k, &Text(v))?;
        }
        m.end()
    }
}

/// A list of rows.
impl Serialize for Rows {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// `{"Iface": "lo", "MTU": "65536", …}`.
impl Serialize for WordRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(self.cells.len()))?;
        for (k, v) in &self.cells {
            m.serialize_entry(k, &Text(v))?;
        }
        m.end()
    }
}

/// `{"title", "kind", "columns", "rows", "lines"}`.
impl Serialize for Table {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Table", 5)?;
        s.serialize_field("title", &self.title)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("columns", &self.columns)?;
        s.serialize_field("rows", &self.rows)?;
        s.serialize_field("lines", &self.lines().map(Text).collect::<Vec<_>>())?;
        s.end()
    }
}

/// `{"number", "tables"}`.
impl Serialize for Capture {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Capture", 2)?;
        s.serialize_field("number", &self.number)?;
        s.serialize_field("tables", &self.tables)?;
        s.end()
    }
}

/// `{"addr", "port", "name"}`.
impl Serialize for Listener {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Listener", 3)?;
        s.serialize_field("addr", &self.addr)?;
        s.serialize_field("port", &self.port)?;
        s.serialize_field("name", &self.name)?;
        s.end()
    }
}

/// `"last"`, `{"number": N}` or `"all"`.
impl Serialize for CaptureSelect {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CaptureSelect::Last => serializer.serialize_unit_variant("CaptureSelect", 0, "last"),
            CaptureSelect::Number(n) => serializer.serialize_newtype_variant("CaptureSelect", 1, "number", n),
            CaptureSelect::All => serializer.serialize_unit_variant("CaptureSelect", 2, "all"),
        }
    }
}

/// `{"captures": [capture, …]}` (one capture unless the view keeps all), plus the
/// described capture's `running_processes` and `listening_pid`.
impl Serialize for NetstatView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("NetstatView", 3)?;
        s.serialize_field("captures", self.captures())?;
        s.serialize_field("running_processes", &self.running_processes())?;
        s.serialize_field("listening_pid", &self.listening_pid())?;
        s.end()
    }
}

/// `{"number", "rows"}`.
impl Serialize for SsCapture {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("SsCapture", 2)?;
        s.serialize_field("number", &self.number)?;
        s.serialize_field("rows", &self.rows)?;
        s.end()
    }
}

/// `{"captures": [capture, …]}`.
impl Serialize for SsView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("SsView", 1)?;
        s.serialize_field("captures", self.captures())?;
        s.end()
    }
}

/// `{"rows": [...]}`.
impl Serialize for MembershipTable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("MembershipTable", 1)?;
        s.serialize_field("rows", &self.rows)?;
        s.end()
    }
}

/// `{"data": [row, …]}`: the described capture.
impl Serialize for NetstatAgnView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("NetstatAgnView", 1)?;
        s.serialize_field("data", self.data())?;
        s.end()
    }
}

/// `{"keys": [...], "rows": [...]}`.
impl Serialize for InterfaceTable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("InterfaceTable", 2)?;
        s.serialize_field("keys", &self.keys)?;
        s.serialize_field("rows", &self.rows)?;
        s.end()
    }
}

/// `{"data": [row, …]}`: the described capture.
impl Serialize for NetstatIView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("NetstatIView", 1)?;
        s.serialize_field("data", self.data())?;
        s.end()
    }
}

/// An object in insertion order.
impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(&key(k), v)?;
        }
        m.end()
    }
}

/// A text value as a string (bytes when not UTF-8), a sub-table as an object.
impl Serialize for StatValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            StatValue::Text(t) => Text(t).serialize(serializer),
            StatValue::Table(t) => t.serialize(serializer),
        }
    }
}

/// `{"captures": [{"capture": N, "data": {…}}, …]}`.
impl Serialize for NetstatSView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct One((u32, crate::views::netstat_s::StatTable));
        impl Serialize for One {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut s = serializer.serialize_struct("NetstatSCapture", 2)?;
                s.serialize_field("capture", &self.0 .0)?;
                s.serialize_field("data", &self.0 .1)?;
                s.end()
            }
        }
        let captures: Vec<One> = self.captures().into_iter().map(One).collect();
        let mut s = serializer.serialize_struct("NetstatSView", 1)?;
        s.serialize_field("captures", &captures)?;
        s.end()
    }
}

/// `{"data": {name: value, …}, "sections": {section: {name: value, …}, …}}` for the
/// described capture, values as numbers.
impl Serialize for ProcNetstatView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Data<'a>(&'a ProcNetstatView);
        impl Serialize for Data<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_map(self.0.data().map(|(k, v)| (key(k), v)))
            }
        }
        let mut sections: OrderedMap<OrderedMap<i128>> = OrderedMap::new();
        for (section, name, value) in self.counters() {
            sections.entry_or_insert_with(section, OrderedMap::new).insert(name.to_vec(), value);
        }
        let mut s = serializer.serialize_struct("ProcNetstatView", 2)?;
        s.serialize_field("data", &Data(self))?;
        s.serialize_field("sections", &sections)?;
        s.end()
    }
}
