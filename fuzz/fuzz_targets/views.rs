//! Any bytes, auto-detected, through every view, each written as JSON: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsift::views::netstat_agn::NetstatAgnView;
use netsift::views::netstat_i::NetstatIView;
use netsift::views::search::Term;
use netsift::views::NetstatView;
use netsift::{Event, Format, PushParser};

fuzz_target!(|data: &[u8]| {
    let mut netstat = NetstatView::default();
    let mut iface = NetstatIView::default();
    let mut agn = NetstatAgnView::default();
    let mut parser = PushParser::with_line_cap(Format::Auto, 4096);
    let mut sink = |ev: Event<'_>| {
        netstat.event(&ev);
        iface.event(&ev);
        agn.event(&ev);
    };
    parser.feed(data, &mut sink);
    parser.finish(&mut sink);
    let mut out = Vec::new();
    netstat.write_json(&mut out);
    iface.write_json(&mut out);
    agn.write_json(&mut out);
    let terms: Vec<Term> = ["State=LISTEN", "Local_Address__contains=:", "PID__startswith=1"]
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    let _ = netstat.search(&[], &terms);
    let _ = netstat.listening_pid();
    let _ = iface.group_by_iface();
    let _ = agn.group_by_iface();
});
