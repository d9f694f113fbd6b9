//! Every view of a format, fed from one event stream: the view of an explicit format, or
//! every view for `auto` (the JSON then holds the view of each format found). The command
//! line's `view` and `search` use it; so can an embedder that does not know the format.

use super::netstat_agn::NetstatAgnView;
use super::netstat_i::NetstatIView;
use super::netstat_s::NetstatSView;
use super::proc_net::ProcNetstatView;
use super::ss::SsView;
use super::{CaptureSelect, NetstatView, Spill};
use crate::events::{Event, EventKind, Table};
use crate::Format;

/// Which formats' sections were seen.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seen {
    /// A netstat connection table.
    pub netstat: bool,
    /// A `netstat -i` table.
    pub iface: bool,
    /// A `netstat -agn` table.
    pub agn: bool,
    /// A `netstat -s` section.
    pub stat: bool,
    /// A `/proc/net/{netstat,snmp}` pair.
    pub proc: bool,
    /// An ss table.
    pub ss: bool,
    /// Capture numbers seen, to tell a missing `--capture N`.
    pub max_capture: u32,
}

/// The views of one input.
///
/// ```
/// use netsift::{Format, PushParser, views::{CaptureSelect, ViewSet}};
/// let mut views = ViewSet::new(Format::Auto, CaptureSelect::Last);
/// let mut parser = PushParser::new(Format::Auto);
/// parser.feed(b"IPv6/IPv4 Group Memberships\nInterface       RefCnt Group\nlo              1      224.0.0.1\n", &mut views);
/// parser.finish(&mut views);
/// let mut json = Vec::new();
/// views.write_json(&mut json);
/// assert!(String::from_utf8(json).unwrap().starts_with(r#"{"data":[{"interface":"lo""#));
/// ```
#[derive(Debug)]
pub struct ViewSet {
    /// `Netstat`.
    pub netstat: Option<NetstatView>,
    /// `Netstat_I`.
    pub iface: Option<NetstatIView>,
    /// `NetstatAGN`.
    pub agn: Option<NetstatAgnView>,
    /// `NetstatS`.
    pub stat: Option<NetstatSView>,
    /// `ProcNsat`.
    pub proc: Option<ProcNetstatView>,
    /// `SsTUPNA` / `SsTULPN`.
    pub ss: Option<SsView>,
    /// Which formats were found.
    pub seen: Seen,
}

impl ViewSet {
    /// The views for `format` (all of them for `auto`).
    pub fn new(format: Format, select: CaptureSelect) -> Self {
        let all = format == Format::Auto;
        ViewSet {
            netstat: (all || format == Format::Netstat).then(|| NetstatView::new(select)),
            iface: (all || format == Format::NetstatI).then(|| NetstatIView::new(select)),
            agn: (all || format == Format::NetstatAgn).then(|| NetstatAgnView::new(select)),
            stat: (all || format == Format::NetstatS).then(|| NetstatSView::new(select)),
            proc: (all || format == Format::ProcNetstat).then(|| ProcNetstatView::new(select)),
            ss: (all || format == Format::Ss || format == Format::SsTulpn)
                .then(|| SsView::new(select, format == Format::SsTulpn)),
            seen: Seen::default(),
        }
    }

    /// Feed one event to every view.
    pub fn event(&mut self, ev: &Event<'_>) {
        self.seen.max_capture = self.seen.max_capture.max(ev.capture);
        if let EventKind::Section(s) = &ev.kind {
            match s.table {
                Table::Netstat(_) => self.seen.netstat = true,
                Table::Interfaces => self.seen.iface = true,
                Table::Memberships { .. } => self.seen.agn = true,
                Table::StatSection { .. } => self.seen.stat = true,
                Table::ProcSection => self.seen.proc = true,
                Table::Ss => self.seen.ss = true,
            }
        }
        if let Some(v) = &mut self.netstat {
            v.event(ev);
        }
        if let Some(v) = &mut self.iface {
            v.event(ev);
        }
        if let Some(v) = &mut self.agn {
            v.event(ev);
        }
        if let Some(v) = &mut self.stat {
            v.event(ev);
        }
        if let Some(v) = &mut self.proc {
            v.event(ev);
        }
        if let Some(v) = &mut self.ss {
            v.event(ev);
        }
    }

    /// The JSON of the views whose format was found: one view's object when one format
    /// was, else `{"netstat": …, "netstat-i": …}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.write_json_spill(out, &mut Spill::none());
    }

    /// [`ViewSet::write_json`] into `to`, a megabyte at a time: the JSON of a large
    /// capture is not held whole.
    pub fn write_json_to(&self, to: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut out = Vec::with_capacity(2 << 20);
        let mut spill = Spill::to(to);
        self.write_json_spill(&mut out, &mut spill);
        spill.finish(&mut out)
    }

    fn write_json_spill(&self, out: &mut Vec<u8>, spill: &mut Spill<'_>) {
        type Write<'v> = Box<dyn Fn(&mut Vec<u8>, &mut Spill<'_>) + 'v>;
        fn part<'v, V>(
            view: &'v Option<V>,
            seen: bool,
            write: impl Fn(&V, &mut Vec<u8>, &mut Spill<'_>) + 'v,
        ) -> Option<(bool, Write<'v>)> {
            view.as_ref().map(|v| {
                (seen, Box::new(move |out: &mut Vec<u8>, spill: &mut Spill<'_>| write(v, out, spill)) as Write<'v>)
            })
        }
        fn whole<V: 'static>(write: fn(&V, &mut Vec<u8>)) -> impl Fn(&V, &mut Vec<u8>, &mut Spill<'_>) + 'static {
            move |v, out, _| write(v, out)
        }
        let views: [(&str, Option<(bool, Write<'_>)>); 6] = [
            ("ss", part(&self.ss, self.seen.ss, SsView::write_json_spill)),
            ("netstat", part(&self.netstat, self.seen.netstat, NetstatView::write_json_spill)),
            ("netstat-i", part(&self.iface, self.seen.iface, whole(NetstatIView::write_json))),
            ("netstat-agn", part(&self.agn, self.seen.agn, whole(NetstatAgnView::write_json))),
            ("netstat-s", part(&self.stat, self.seen.stat, whole(NetstatSView::write_json))),
            ("proc-netstat", part(&self.proc, self.seen.proc, whole(ProcNetstatView::write_json))),
        ];
        let present = views.iter().filter(|(_, v)| v.is_some()).count();
        let parts: Vec<(&str, Write<'_>)> = views
            .into_iter()
            .filter_map(|(name, v)| v.filter(|(seen, _)| *seen || present == 1).map(|(_, write)| (name, write)))
            .collect();
        // Each view writes straight into `out`: a view of a large input is written once.
        if let [(_, write)] = &parts[..] {
            write(out, spill);
            return;
        }
        let mut o = crate::json::Object::new(out);
        for (name, write) in parts {
            write(o.member(name), spill);
        }
        o.end();
    }
}

impl crate::push::Sink for ViewSet {
    fn event(&mut self, event: Event<'_>) {
        ViewSet::event(self, &event);
    }
}
