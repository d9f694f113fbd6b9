//! The lookup view of insights' `TcpIpStatsIPV6` parser (`/proc/net/snmp6`), built from
//! events: `data` maps each flat name as printed (`Ip6InReceives`) to its value, a number.
//! A name printed twice keeps its last value and its first place, as a Python dict does.
//!
//! ```
//! use netsift::views::snmp6::Snmp6View;
//! use netsift::{Format, PushParser};
//! let mut view = Snmp6View::default();
//! let mut parser = PushParser::new(Format::ProcSnmp6);
//! parser.feed(b"Ip6InReceives                   \t757\nIp6InDiscards                       10\n", &mut view);
//! parser.finish(&mut view);
//! assert_eq!(view.get("Ip6InReceives"), Some(757)); // proc_snmp_ipv6.get("Ip6InReceives")
//! assert_eq!(view.get("Ip6InDiscards"), Some(10));
//! ```

use super::netstat_s::OrderedMap;
use super::{CaptureSelect, PerCapture, Spill, Spool};
use crate::events::{CounterSource, Event, EventKind};
use crate::json::{self, Object};

/// The `TcpIpStatsIPV6` view. See the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Snmp6View {
    captures: PerCapture<OrderedMap<i128>>,
}

impl Snmp6View {
    /// A view of the captures chosen by `select`.
    pub fn new(select: CaptureSelect) -> Self {
        Snmp6View { captures: PerCapture::new(select) }
    }

    /// Take one event: snmp6 counters.
    pub fn event(&mut self, event: &Event<'_>) {
        if let EventKind::Counter(c) = &event.kind {
            if c.source == CounterSource::Snmp6 {
                if let Some(data) = self.captures.get(event.capture) {
                    data.insert(c.text.to_vec(), c.value);
                }
            }
        }
    }

    /// insights' `get(name)`: the value of a flat name, `None` when absent.
    pub fn get(&self, name: &str) -> Option<i128> {
        self.captures.last()?.get(name).copied()
    }

    /// `data`, in input order.
    pub fn data(&self) -> impl Iterator<Item = (&[u8], i128)> {
        self.captures.last().into_iter().flat_map(|d| d.iter().map(|(k, &v)| (k, v)))
    }

    /// Write `{"data": {"Ip6InReceives": 757, …}}` (values are numbers, as insights has
    /// them); with `CaptureSelect::All`, `{"captures": [{"capture": N, "data": …}, …]}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.captures.write_json(out, write_capture);
    }

    /// [`Snmp6View::write_json`] after the captures in `spooled`, handing `out` to `spill` as
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
fn write_capture(out: &mut Vec<u8>, number: Option<u32>, data: Option<&OrderedMap<i128>>) {
    let mut o = Object::new(out);
    if let Some(n) = number {
        o.uint("capture", u64::from(n));
    }
    let mut d = Object::new(o.member("data"));
    for (name, value) in data.into_iter().flat_map(|d| d.iter()) {
        json::int(d.member_bytes(name), *value);
    }
    d.end();
    o.end();
}

impl crate::push::Sink for Snmp6View {
    fn event(&mut self, event: Event<'_>) {
        Snmp6View::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        Snmp6View::event(self, event);
    }
}
