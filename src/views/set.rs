//! Every view of a format, fed from one event stream: the view of an explicit format, or
//! every view for `auto` (the JSON then holds the view of each format found). The command
//! line's `view` and `search` use it; so can an embedder that does not know the format.

use super::netstat_agn::NetstatAgnView;
use super::netstat_i::NetstatIView;
use super::netstat_s::NetstatSView;
use super::proc_net::ProcNetstatView;
use super::ss::SsView;
// Issue 13, counters.
use super::proc_snmp::ProcSnmpView;
use super::snmp6::Snmp6View;
use super::sockstat::SockstatView;
use super::{CaptureSelect, NetstatView, Spill};
use crate::events::CounterSource;
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
    /// nstat's header.
    pub nstat: bool,
    /// A /proc/net/snmp6 line.
    pub snmp6: bool,
    /// A /proc/net/sockstat line.
    pub sockstat: bool,
    /// A /proc/net/dev table (no view reads it).
    pub dev: bool,
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
    /// nstat's counters, as `proc` holds /proc/net/netstat's (`data`: TcpExt and IpExt).
    pub nstat: Option<ProcNetstatView>,
    /// `TcpIpStatsIPV6`.
    pub snmp6: Option<Snmp6View>,
    /// `SockStats`.
    pub sockstat: Option<SockstatView>,
    /// `TcpIpStats` (only with `-f proc-snmp`: under `auto`, /proc/net/snmp is `proc`).
    pub proc_snmp: Option<ProcSnmpView>,
    /// Which formats were found.
    pub seen: Seen,
}

impl ViewSet {
    /// The views for `format` (all of them for `auto`).
    pub fn new(format: Format, select: CaptureSelect) -> Self {
        let all = format == Format::Auto;
        ViewSet {
            netstat: (all || matches!(format, Format::Netstat | Format::ProcNetInet(_) | Format::ProcNetUnix))
                .then(|| NetstatView::new(select)),
            iface: (all || format == Format::NetstatI).then(|| NetstatIView::new(select)),
            agn: (all || format == Format::NetstatAgn).then(|| NetstatAgnView::new(select)),
            stat: (all || format == Format::NetstatS).then(|| NetstatSView::new(select)),
            proc: (all || format == Format::ProcNetstat).then(|| ProcNetstatView::new(select)),
            ss: (all || format == Format::Ss || format == Format::SsTulpn)
                .then(|| SsView::new(select, format == Format::SsTulpn)),
            nstat: (all || format == Format::Nstat).then(|| ProcNetstatView::new(select)),
            snmp6: (all || format == Format::ProcSnmp6).then(|| Snmp6View::new(select)),
            sockstat: (all || format == Format::Sockstat).then(|| SockstatView::new(select)),
            proc_snmp: (format == Format::ProcSnmp).then(|| ProcSnmpView::new(select)),
            seen: Seen::default(),
        }
    }

    /// Feed one event to every view.
    pub fn event(&mut self, ev: &Event<'_>) {
        self.seen.max_capture = self.seen.max_capture.max(ev.capture);
        if let EventKind::Section(s) = &ev.kind {
            match s.table {
                Table::Netstat(_) | Table::Kernel(_) => self.seen.netstat = true,
                Table::Interfaces => self.seen.iface = true,
                Table::Memberships { .. } => self.seen.agn = true,
                Table::StatSection { .. } => self.seen.stat = true,
                Table::ProcSection => self.seen.proc = true,
                Table::Ss => self.seen.ss = true,
                Table::Nstat => self.seen.nstat = true,
                Table::Snmp6Section => self.seen.snmp6 = true,
                Table::SockstatSection => self.seen.sockstat = true,
                Table::ProcNetDev => self.seen.dev = true,
            }
        }
        // The counter formats of issue 13 feed their own views, not `proc`'s.
        let source = match &ev.kind {
            EventKind::Counter(c) => Some(c.source),
            _ => None,
        };
        match source {
            Some(CounterSource::Nstat) => {
                if let Some(v) = &mut self.nstat {
                    v.event(ev);
                }
                return;
            }
            Some(CounterSource::Snmp6) => {
                if let Some(v) = &mut self.snmp6 {
                    v.event(ev);
                }
                return;
            }
            Some(CounterSource::Sockstat) => {
                if let Some(v) = &mut self.sockstat {
                    v.event(ev);
                }
                return;
            }
            _ => {}
        }
        if let Some(v) = &mut self.sockstat {
            v.event(ev);
        }
        if let Some(v) = &mut self.proc_snmp {
            v.event(ev);
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
        let views: [(&str, Option<(bool, Write<'_>)>); 10] = [
            ("ss", part(&self.ss, self.seen.ss, SsView::write_json_spill)),
            ("netstat", part(&self.netstat, self.seen.netstat, NetstatView::write_json_spill)),
            ("netstat-i", part(&self.iface, self.seen.iface, whole(NetstatIView::write_json))),
            ("netstat-agn", part(&self.agn, self.seen.agn, whole(NetstatAgnView::write_json))),
            ("netstat-s", part(&self.stat, self.seen.stat, whole(NetstatSView::write_json))),
            ("proc-netstat", part(&self.proc, self.seen.proc, whole(ProcNetstatView::write_json))),
            ("nstat", part(&self.nstat, self.seen.nstat, whole(ProcNetstatView::write_json))),
            ("proc-snmp6", part(&self.snmp6, self.seen.snmp6, whole(Snmp6View::write_json))),
            ("sockstat", part(&self.sockstat, self.seen.sockstat, whole(SockstatView::write_json))),
            ("proc-snmp", part(&self.proc_snmp, self.seen.proc, whole(ProcSnmpView::write_json))),
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
