//! `-f auto` works per section: a log of `date; netstat -neopa; ss -tupna; netstat -s;
//! cat /proc/net/snmp` repeated gives each part to its own format, with captures.

use std::collections::BTreeMap;

use netsift::views::{CaptureSelect, ViewSet};
use netsift::{Event, Format, PushParser};

mod common;

#[test]
fn a_log_of_several_tools_is_read_part_by_part() {
    let mut log = Vec::new();
    for i in 1..=2 {
        log.extend_from_slice(format!("Fri Nov 27 0{i}:00:00 UTC 2026\n").as_bytes());
        for part in
            ["real/r1_netstat-neopa.txt", "real/r1_ss-tupna.txt", "real/r1_netstat-s.txt", "real/r1_proc-net-snmp.txt"]
        {
            log.extend(common::fixtures::read(&format!("corpus/{part}")));
        }
    }
    let mut counts: BTreeMap<(&'static str, u32), usize> = BTreeMap::new();
    let mut views = ViewSet::new(Format::Auto, CaptureSelect::Last);
    let mut parser = PushParser::new(Format::Auto);
    let mut sink = |ev: Event<'_>| {
        *counts.entry((ev.kind.name(), ev.capture)).or_default() += 1;
        views.event(&ev);
    };
    for chunk in log.chunks(4096) {
        parser.feed(chunk, &mut sink);
    }
    parser.finish(&mut sink);
    for capture in [1, 2] {
        assert_eq!(counts[&("inet_conn", capture)], 237);
        assert_eq!(counts[&("unix_socket", capture)], 56);
        assert_eq!(counts[&("ss_socket", capture)], 231);
        // 69 netstat -s counters and 83 /proc/net/snmp counters.
        assert_eq!(counts[&("counter", capture)], 69 + 83);
    }
    assert_eq!(counts.get(&("malformed", 1)), None);
    assert_eq!(counts[&("notice", 1)], 2, "the two date lines");
    let seen = views.seen;
    assert!(seen.netstat && seen.ss && seen.stat && seen.proc && !seen.iface && !seen.agn);
    assert_eq!(views.ss.as_ref().map(|v| v.rows().len()), Some(231));
}
