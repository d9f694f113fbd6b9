//! The lookup view of insights' `TcpIpStats` parser (`/proc/net/snmp`), built from events:
//! section (`Ip`, `Tcp`…) → name → value, a number. Each pair of lines sets its section
//! anew, so a section printed twice (`IcmpMsg` over two pairs, a periodic log) keeps the
//! last pair's counters, in the section's first place, as insights' dict does. Asked for
//! with `-f proc-snmp` (the file is read as `proc-netstat` reads it).
//!
//! ```
//! use netsift::views::proc_snmp::ProcSnmpView;
//! use netsift::{Format, PushParser};
//! let mut view = ProcSnmpView::default();
//! let mut parser = PushParser::new(Format::ProcSnmp);
//! parser.feed(b"Ip: Forwarding DefaultTTL\nIp: 2 64\nUdp: InDatagrams NoPorts\nUdp: 18905 34\n", &mut view);
//! parser.finish(&mut view);
//! assert_eq!(view.get("Ip", "DefaultTTL"), Some(64)); // proc_snmp_ipv4.get("Ip")["DefaultTTL"]
//! assert_eq!(view.get("Udp", "InDatagrams"), Some(18905));
//! ```

use super::netstat_s::OrderedMap;
use super::{CaptureSelect, PerCapture, Spill, Spool};
use crate::events::{CounterSource, Event, EventKind, Table};
use crate::json::{self, Object};

/// One capture: section → name → value.
type Sections = OrderedMap<OrderedMap<i128>>;

/// The `TcpIpStats` view. See the module documentation.
#[derive(Debug, Clone, Default)]
pub struct ProcSnmpView {
    captures: PerCapture<Sections>,
}

impl ProcSnmpView {
    /// A view of the captures chosen by `select`.
    pub fn new(select: CaptureSelect) -> Self {
        ProcSnmpView { captures: PerCapture::new(select) }
    }

    /// Take one event: /proc pairs and their counters.
    pub fn event(&mut self, event: &Event<'_>) {
        match &event.kind {
            EventKind::Section(s) if s.table == Table::ProcSection => {
                if let Some(sections) = self.captures.get(event.capture) {
                    sections.insert(s.name.to_vec(), OrderedMap::new());
                }
            }
            EventKind::Counter(c) if c.source == CounterSource::Proc => {
                let (Some(name), Some(sections)) = (c.name, self.captures.get(event.capture)) else { return };
                sections.entry_or_insert_with(c.section, OrderedMap::new).insert(name.to_vec(), c.value);
            }
            _ => {}
        }
    }

    /// `get(section)[name]`, `None` when absent.
    pub fn get(&self, section: &str, name: &str) -> Option<i128> {
        self.captures.last()?.get(section)?.get(name).copied()
    }

    /// Write `{"data": {"Ip": {"Forwarding": 1, …}, …}}` (values are numbers, as insights
    /// has them); with `CaptureSelect::All`, `{"captures": [{"capture": N, "data": …}, …]}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.captures.write_json(out, write_capture);
    }

    /// [`ProcSnmpView::write_json`] after the captures in `spooled`, handing `out` to `spill` as
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
fn write_capture(out: &mut Vec<u8>, number: Option<u32>, sections: Option<&Sections>) {
    let mut o = Object::new(out);
    if let Some(n) = number {
        o.uint("capture", u64::from(n));
    }
    let mut d = Object::new(o.member("data"));
    for (section, names) in sections.into_iter().flat_map(|s| s.iter()) {
        let mut n = Object::new(d.member_bytes(section));
        for (name, value) in names.iter() {
            json::int(n.member_bytes(name), *value);
        }
        n.end();
    }
    d.end();
    o.end();
}

impl crate::push::Sink for ProcSnmpView {
    fn event(&mut self, event: Event<'_>) {
        ProcSnmpView::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        ProcSnmpView::event(self, event);
    }
}
