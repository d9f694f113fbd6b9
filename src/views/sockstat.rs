//! The lookup view of insights' `SockStats` parser (`/proc/net/sockstat`), built from
//! events: section (lower-cased: `tcp`) → key (lower-cased) → value, the text as printed.
//! A section printed twice keeps its last line, in its first place, as insights' dict does.
//!
//! ```
//! use netsift::views::sockstat::SockstatView;
//! use netsift::{Format, PushParser};
//! let mut view = SockstatView::default();
//! let mut parser = PushParser::new(Format::Sockstat);
//! parser.feed(b"sockets: used 3037\nTCP: inuse 1365 orphan 17 tw 2030 alloc 2788 mem 4109\n", &mut view);
//! parser.finish(&mut view);
//! assert_eq!(view.seg_details("tcp").unwrap().get("mem").map(Vec::as_slice), Some(&b"4109"[..]));
//! assert_eq!(view.seg_element_details("tcp", "mem"), Some(4109));
//! assert_eq!(view.seg_element_details("tcp", "abc"), None);
//! ```

use super::netstat_s::OrderedMap;
use super::{CaptureSelect, PerCapture, Spill, Spool};
use crate::events::{CounterSource, Event, EventKind, Table};
use crate::json::Object;

/// One capture: section → key → value text.
type Sections = OrderedMap<OrderedMap<Vec<u8>>>;

/// The `SockStats` view. See the module documentation.
#[derive(Debug, Clone, Default)]
pub struct SockstatView {
    captures: PerCapture<Sections>,
}

impl SockstatView {
    /// A view of the captures chosen by `select`.
    pub fn new(select: CaptureSelect) -> Self {
        SockstatView { captures: PerCapture::new(select) }
    }

    /// Take one event: sockstat sections and counters.
    pub fn event(&mut self, event: &Event<'_>) {
        match &event.kind {
            EventKind::Section(s) if s.table == Table::SockstatSection => {
                if let Some(sections) = self.captures.get(event.capture) {
                    // A new line of a section replaces its keys (`self[nt_seg] = {}`).
                    sections.insert(s.name.to_ascii_lowercase(), OrderedMap::new());
                }
            }
            EventKind::Counter(c) if c.source == CounterSource::Sockstat => {
                let (Some(name), Some(sections)) = (c.name, self.captures.get(event.capture)) else { return };
                let keys = sections.entry_or_insert_with(&c.section.to_ascii_lowercase(), OrderedMap::new);
                keys.insert(name.to_ascii_lowercase(), value_text(c.line, c.position));
            }
            _ => {}
        }
    }

    /// `seg_details(seg)`: the keys of a section (lower-case name), as printed.
    pub fn seg_details(&self, seg: &str) -> Option<&OrderedMap<Vec<u8>>> {
        self.captures.last()?.get(seg)
    }

    /// `seg_element_details(seg, elem)`: one value as a number.
    pub fn seg_element_details(&self, seg: &str, elem: &str) -> Option<i128> {
        let text = self.seg_details(seg)?.get(elem)?;
        netsift_grammar::lex::parse_counter(text)
    }

    /// Write `{"data": {"tcp": {"inuse": "94", …}, …}}` (values are strings, as insights
    /// has them); with `CaptureSelect::All`, `{"captures": [{"capture": N, "data": …}, …]}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.captures.write_json(out, write_capture);
    }

    /// [`SockstatView::write_json`] after the captures in `spooled`, handing `out` to `spill` as
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
    for (section, keys) in sections.into_iter().flat_map(|s| s.iter()) {
        let mut k = Object::new(d.member_bytes(section));
        for (key, value) in keys.iter() {
            crate::json::string(k.member_bytes(key), value);
        }
        k.end();
    }
    d.end();
    o.end();
}

/// The text of the value at `position` (from 1) of a sockstat line.
fn value_text(line: &[u8], position: Option<u32>) -> Vec<u8> {
    let index = position.map_or(0, |p| p as usize).saturating_sub(1);
    let mut words = netsift_grammar::lex::words(line).map(|(_, w)| w).skip(1);
    words.nth(index * 2 + 1).unwrap_or_default().to_vec()
}

impl crate::push::Sink for SockstatView {
    fn event(&mut self, event: Event<'_>) {
        SockstatView::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        SockstatView::event(self, event);
    }
}
