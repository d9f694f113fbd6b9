//! The views a command builds for a format: one for an explicit format, every view for
//! `auto` (the JSON then holds the view of each format found).

use netsift::events::{Event, EventKind, Table};
use netsift::views::netstat_agn::NetstatAgnView;
use netsift::views::netstat_i::NetstatIView;
use netsift::views::{CaptureSelect, NetstatView};
use netsift::Format;

/// Which formats' sections were seen.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seen {
    pub netstat: bool,
    pub iface: bool,
    pub agn: bool,
    /// Capture numbers seen, to tell a missing `--capture N`.
    pub max_capture: u32,
}

/// The views of one command run.
pub struct ViewSet {
    pub netstat: Option<NetstatView>,
    pub iface: Option<NetstatIView>,
    pub agn: Option<NetstatAgnView>,
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
                _ => {}
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
    }

    /// The JSON of the views whose format was found: one view's object when one format
    /// was, else `{"netstat": …, "netstat-i": …}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut parts: Vec<(&str, Vec<u8>)> = Vec::new();
        let explicit =
            [self.netstat.is_some(), self.iface.is_some(), self.agn.is_some()].iter().filter(|b| **b).count() == 1;
        if let Some(v) = &self.netstat {
            if self.seen.netstat || explicit {
                let mut buf = Vec::new();
                v.write_json(&mut buf);
                parts.push(("netstat", buf));
            }
        }
        if let Some(v) = &self.iface {
            if self.seen.iface || explicit {
                let mut buf = Vec::new();
                v.write_json(&mut buf);
                parts.push(("netstat-i", buf));
            }
        }
        if let Some(v) = &self.agn {
            if self.seen.agn || explicit {
                let mut buf = Vec::new();
                v.write_json(&mut buf);
                parts.push(("netstat-agn", buf));
            }
        }
        if parts.len() == 1 {
            out.extend_from_slice(&parts[0].1);
            return;
        }
        let mut o = netsift::json::Object::new(out);
        for (name, json) in parts {
            o.member(name).extend_from_slice(&json);
        }
        o.end();
    }
}
