//! Every view of a format, fed from one event stream: the view of an explicit format, or
//! every view for `auto` (the JSON then holds the view of each format found). The command
//! line's `view` and `search` use it; so can an embedder that does not know the format.

use bytes::Bytes;

use super::netstat::NetstatPart;
use super::netstat_agn::NetstatAgnView;
use super::netstat_i::NetstatIView;
use super::netstat_s::NetstatSView;
use super::proc_net::ProcNetstatView;
use super::ss::{SsPart, SsView};
// Issue 13, counters.
use super::proc_snmp::ProcSnmpView;
use super::snmp6::Snmp6View;
use super::sockstat::SockstatView;
use super::{CaptureSelect, NetstatView, Spill, Spool};
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

impl Seen {
    /// Note what `ev` shows.
    fn note(&mut self, ev: &Event<'_>) {
        self.max_capture = self.max_capture.max(ev.capture);
        if let EventKind::Section(s) = &ev.kind {
            match s.table {
                Table::Netstat(_) | Table::Kernel(_) => self.netstat = true,
                Table::Interfaces => self.iface = true,
                Table::Memberships { .. } => self.agn = true,
                Table::StatSection { .. } => self.stat = true,
                Table::ProcSection => self.proc = true,
                Table::Ss => self.ss = true,
                Table::Nstat => self.nstat = true,
                Table::Snmp6Section => self.snmp6 = true,
                Table::SockstatSection => self.sockstat = true,
                Table::ProcNetDev => self.dev = true,
            }
        }
    }

    /// Add what `other` saw (of a later part of the input).
    fn merge(&mut self, other: &Seen) {
        let Seen { netstat, iface, agn, stat, proc, ss, nstat, snmp6, sockstat, dev, max_capture } = *other;
        self.netstat |= netstat;
        self.iface |= iface;
        self.agn |= agn;
        self.stat |= stat;
        self.proc |= proc;
        self.ss |= ss;
        self.nstat |= nstat;
        self.snmp6 |= snmp6;
        self.sockstat |= sockstat;
        self.dev |= dev;
        self.max_capture = self.max_capture.max(max_capture);
    }
}

/// The netstat or ss view of a part of one large input, built on the thread that parses
/// the part (`netsift view --jobs` on one file, see `ViewSet::part`); the parts are given
/// to the [`ViewSet`] in order with [`ViewSet::merge`].
#[derive(Debug, Clone)]
pub struct ViewPart {
    netstat: Option<NetstatPart>,
    ss: Option<SsPart>,
    seen: Seen,
}

impl ViewPart {
    /// The part's bytes, as `Bytes` (a mapped part of a file), before they are parsed:
    /// the rows of the lines inside them keep a handle on them instead of a copy of each
    /// line (see [`NetstatView::keep_lines_in`]).
    pub fn keep_lines_in(&mut self, input: Option<Bytes>) {
        if let Some(part) = &mut self.netstat {
            part.keep_lines_in(input);
        }
    }

    /// The part is parsed: its rows let go of the input lent to them when they keep only
    /// a small share of it (the last capture of a part of a periodic log), copying their
    /// lines, so that the parts waiting for their turn do not hold whole parts' maps.
    pub fn parsed(&mut self) {
        if let Some(part) = &mut self.netstat {
            part.parsed();
        }
    }

    /// Take one event of the part.
    pub fn event(&mut self, ev: &Event<'_>) {
        self.seen.note(ev);
        if let Some(part) = &mut self.netstat {
            part.event(ev);
        }
        if let Some(part) = &mut self.ss {
            part.event(ev);
        }
    }
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
    /// With [`ViewSet::spool_finished_captures`]: where each view's finished captures go.
    spools: Option<Box<Spools>>,
    /// See [`ViewSet::write_on_two_threads`].
    two_threads: bool,
}

/// One [`Spool`] per view, for `CaptureSelect::All` in bounded memory.
#[derive(Debug, Default)]
struct Spools {
    netstat: Spool,
    iface: Spool,
    agn: Spool,
    stat: Spool,
    proc: Spool,
    ss: Spool,
    nstat: Spool,
    snmp6: Spool,
    sockstat: Spool,
    proc_snmp: Spool,
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
            spools: None,
            two_threads: false,
        }
    }

    /// With `CaptureSelect::All`, write each capture's JSON to a temporary file when the
    /// capture ends, and drop the capture: what the views hold is then one capture, the
    /// largest, not the whole input. The JSON written is the same bytes; but the views'
    /// accessors (`captures()`, `data()` …) see only the capture still held, so this is
    /// for a caller that wants the JSON (`netsift view --capture all`). Without a
    /// temporary directory, the captures are kept as before.
    pub fn spool_finished_captures(&mut self) {
        self.spools.get_or_insert_with(Box::default);
    }

    /// Let [`ViewSet::write_json_to`] write a large table's rows on a second thread as
    /// well, a block of rows each in turn (the JSON is the same bytes; each thread holds
    /// one block's JSON, a few hundred kilobytes, beside the output's buffer).
    pub fn write_on_two_threads(&mut self, on: bool) {
        self.two_threads = on;
    }

    /// Feed one event to every view.
    #[inline]
    pub fn event(&mut self, ev: &Event<'_>) {
        match &ev.kind {
            EventKind::Counter(c) => self.counter(ev, c.source),
            _ => self.dispatch(ev),
        }
        if self.spools.is_some() {
            self.retire_finished();
        }
    }

    /// A counter (most events of a counter format's log) goes straight to the views that
    /// read its source; the others take no counter.
    #[inline(always)]
    fn counter(&mut self, ev: &Event<'_>, source: CounterSource) {
        self.seen.max_capture = self.seen.max_capture.max(ev.capture);
        match source {
            CounterSource::Proc => {
                if let Some(v) = &mut self.proc {
                    v.event(ev);
                }
                if let Some(v) = &mut self.proc_snmp {
                    v.event(ev);
                }
            }
            CounterSource::NetstatS => self.netstat_s_counter(ev),
            // The counter formats of issue 13 feed their own views, not `proc`'s.
            CounterSource::Nstat => {
                if let Some(v) = &mut self.nstat {
                    v.event(ev);
                }
            }
            CounterSource::Snmp6 => {
                if let Some(v) = &mut self.snmp6 {
                    v.event(ev);
                }
            }
            CounterSource::Sockstat => {
                if let Some(v) = &mut self.sockstat {
                    v.event(ev);
                }
            }
        }
    }

    /// A `netstat -s` counter. Out of line: inlined beside the /proc counter's path, it
    /// made every counter's call save more registers, a /proc counter's too.
    #[inline(never)]
    fn netstat_s_counter(&mut self, ev: &Event<'_>) {
        if let Some(v) = &mut self.stat {
            v.event(ev);
        }
        if let Some(v) = &mut self.proc {
            v.event(ev);
        }
    }

    /// Spool the views' finished captures.
    #[inline(never)]
    fn retire_finished(&mut self) {
        if let Some(spools) = &mut self.spools {
            retire(&mut self.netstat, &mut spools.netstat, NetstatView::retire);
            retire(&mut self.iface, &mut spools.iface, NetstatIView::retire);
            retire(&mut self.agn, &mut spools.agn, NetstatAgnView::retire);
            retire(&mut self.stat, &mut spools.stat, NetstatSView::retire);
            retire(&mut self.proc, &mut spools.proc, ProcNetstatView::retire);
            retire(&mut self.ss, &mut spools.ss, SsView::retire);
            retire(&mut self.nstat, &mut spools.nstat, ProcNetstatView::retire);
            retire(&mut self.snmp6, &mut spools.snmp6, Snmp6View::retire);
            retire(&mut self.sockstat, &mut spools.sockstat, SockstatView::retire);
            retire(&mut self.proc_snmp, &mut spools.proc_snmp, ProcSnmpView::retire);
        }
    }

    /// An empty [`ViewPart`] for these views, for a part of a large input parsed on
    /// another thread; `None` when the views cannot take parts: only the netstat and ss
    /// views of one format can, and not while finished captures are spooled.
    pub fn part(&self) -> Option<ViewPart> {
        let others = self.iface.is_some()
            || self.agn.is_some()
            || self.stat.is_some()
            || self.proc.is_some()
            || self.nstat.is_some()
            || self.snmp6.is_some()
            || self.sockstat.is_some()
            || self.proc_snmp.is_some();
        if others || self.spools.is_some() || self.netstat.is_some() == self.ss.is_some() {
            return None;
        }
        Some(ViewPart {
            netstat: self.netstat.as_ref().map(NetstatView::part),
            ss: self.ss.as_ref().map(SsView::part),
            seen: Seen::default(),
        })
    }

    /// Take a [`ViewPart`] made by [`ViewSet::part`] and given the events that follow
    /// those taken so far: the views are then as if they had taken those events.
    pub fn merge(&mut self, part: ViewPart) {
        self.seen.merge(&part.seen);
        if let (Some(view), Some(part)) = (&mut self.netstat, part.netstat) {
            view.merge(part);
        }
        if let (Some(view), Some(part)) = (&mut self.ss, part.ss) {
            view.merge(part);
        }
    }

    /// Any event but a counter (see [`ViewSet::counter`]) to every view.
    fn dispatch(&mut self, ev: &Event<'_>) {
        self.seen.note(ev);
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
        spill.two_threads = self.two_threads;
        self.write_json_spill(&mut out, &mut spill);
        spill.finish(&mut out)
    }

    fn write_json_spill(&self, out: &mut Vec<u8>, spill: &mut Spill<'_>) {
        type Write<'v> = Box<dyn Fn(&mut Vec<u8>, &mut Spill<'_>) + 'v>;
        type ViewWrite<V> = fn(&V, &mut Vec<u8>, &mut Spill<'_>, Option<&Spool>);
        let spools = self.spools.as_deref();
        fn part<'v, V>(
            view: &'v Option<V>,
            seen: bool,
            spooled: Option<&'v Spool>,
            write: ViewWrite<V>,
        ) -> Option<(bool, Write<'v>)> {
            view.as_ref().map(|v| {
                (
                    seen,
                    Box::new(move |out: &mut Vec<u8>, spill: &mut Spill<'_>| write(v, out, spill, spooled))
                        as Write<'v>,
                )
            })
        }
        let views: [(&str, Option<(bool, Write<'_>)>); 10] = [
            ("ss", part(&self.ss, self.seen.ss, spools.map(|s| &s.ss), SsView::write_json_spill)),
            (
                "netstat",
                part(&self.netstat, self.seen.netstat, spools.map(|s| &s.netstat), NetstatView::write_json_spill),
            ),
            ("netstat-i", part(&self.iface, self.seen.iface, spools.map(|s| &s.iface), NetstatIView::write_json_spill)),
            ("netstat-agn", part(&self.agn, self.seen.agn, spools.map(|s| &s.agn), NetstatAgnView::write_json_spill)),
            ("netstat-s", part(&self.stat, self.seen.stat, spools.map(|s| &s.stat), NetstatSView::write_json_spill)),
            (
                "proc-netstat",
                part(&self.proc, self.seen.proc, spools.map(|s| &s.proc), ProcNetstatView::write_json_spill),
            ),
            ("nstat", part(&self.nstat, self.seen.nstat, spools.map(|s| &s.nstat), ProcNetstatView::write_json_spill)),
            ("proc-snmp6", part(&self.snmp6, self.seen.snmp6, spools.map(|s| &s.snmp6), Snmp6View::write_json_spill)),
            (
                "sockstat",
                part(&self.sockstat, self.seen.sockstat, spools.map(|s| &s.sockstat), SockstatView::write_json_spill),
            ),
            (
                "proc-snmp",
                part(&self.proc_snmp, self.seen.proc, spools.map(|s| &s.proc_snmp), ProcSnmpView::write_json_spill),
            ),
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

/// Spool the finished captures of `view`, if it is there.
fn retire<V>(view: &mut Option<V>, spool: &mut Spool, retire: fn(&mut V, &mut Spool)) {
    if let Some(v) = view {
        retire(v, spool);
    }
}

impl crate::push::Sink for ViewSet {
    fn event(&mut self, event: Event<'_>) {
        ViewSet::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        ViewSet::event(self, event);
    }
}
