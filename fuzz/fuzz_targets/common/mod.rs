//! What every per-format fuzz target checks: any bytes through the parser, every event
//! written as JSON, no panic, the carry-over bounded by the line cap, every line accounted
//! for in exactly one bucket.

use netsift::events::json::write_event;
use netsift::views::search::Term;
use netsift::views::{CaptureSelect, ViewSet};
use netsift::{Event, Format, PushParser};

/// The line cap the targets use: small, so that over-long lines are exercised too.
pub const CAP: usize = 4096;

/// Parse `data` as `format` and check the invariants.
pub fn check_format(format: Format, data: &[u8]) {
    let mut parser = PushParser::with_line_cap(format, CAP);
    let mut out = Vec::new();
    let mut sink = |ev: Event<'_>| {
        out.clear();
        write_event(&mut out, &ev);
    };
    parser.feed(data, &mut sink);
    parser.finish(&mut sink);
    assert!(parser.carry_high_water() <= CAP);
    let s = parser.stats();
    assert_eq!(
        s.rows + s.titles + s.headers + s.notices + s.blank + s.skipped + s.continuations + s.malformed,
        s.lines
    );
}

/// Any bytes, auto-detected, through every view, each written as JSON, and the lookups
/// insights offers: no panic.
pub fn check_views(data: &[u8]) {
    let mut views = ViewSet::new(Format::Auto, CaptureSelect::Last);
    let mut parser = PushParser::with_line_cap(Format::Auto, CAP);
    parser.feed(data, &mut views);
    parser.finish(&mut views);
    let mut out = Vec::new();
    views.write_json(&mut out);
    let terms: Vec<Term> = ["State=LISTEN", "Local_Address__contains=:", "PID__startswith=1", "Process__lower_value=x"]
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    if let Some(v) = &views.netstat {
        let _ = v.search(&[], &terms);
        let _ = v.listening_pid();
        let _ = v.running_processes();
    }
    if let Some(v) = &views.ss {
        let _ = v.search(&terms);
        for port in ["22", "0022", "-1", "ssh", "99999999999999999999999", ""] {
            let _ = v.get_port(port);
        }
        let _ = v.get_service("sshd");
    }
    if let Some(v) = &views.proc {
        for name in ["TCPTimeouts", "Tcp:ActiveOpens", ":", "Tcp:", ":x"] {
            let _ = v.get_stats(name);
        }
    }
    if let Some(v) = &views.iface {
        let _ = v.group_by_iface();
    }
    if let Some(v) = &views.agn {
        let _ = v.group_by_iface();
    }
}

/// The fuzzer chooses where the input is cut (its first 8 bytes): the events must equal
/// those of one feed.
pub fn check_chunking(input: &[u8]) {
    let (head, data) = input.split_at(input.len().min(8));
    let mut cuts: Vec<usize> = head.iter().map(|&b| usize::from(b) * data.len() / 256).collect();
    cuts.sort_unstable();
    assert_eq!(events(data, &cuts), events(data, &[]));
}

fn events(data: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut parser = PushParser::with_line_cap(Format::Auto, 256);
    let mut sink = |ev: Event<'_>| {
        let mut buf = Vec::new();
        write_event(&mut buf, &ev);
        out.push(buf);
    };
    let mut start = 0;
    for &cut in cuts {
        let cut = cut.clamp(start, data.len());
        parser.feed(&data[start..cut], &mut sink);
        start = cut;
    }
    parser.feed(&data[start..], &mut sink);
    parser.finish(&mut sink);
    out
}

/// Run the check of the fuzz target named `target` on `data` (for the stable replay test).
pub fn check_target(target: &str, data: &[u8]) {
    match target {
        "netstat" => check_format(Format::Netstat, data),
        "ss" => check_format(Format::Ss, data),
        "netstat_s" => check_format(Format::NetstatS, data),
        "proc_net" => check_format(Format::ProcNetstat, data),
        "netstat_i" => check_format(Format::NetstatI, data),
        "netstat_agn" => check_format(Format::NetstatAgn, data),
        // Issue 13, counters.
        "nstat" => check_format(Format::Nstat, data),
        "snmp6" => check_format(Format::ProcSnmp6, data),
        "sockstat" => check_format(Format::Sockstat, data),
        "proc_net_dev" => check_format(Format::ProcNetDev, data),
        "auto" => check_format(Format::Auto, data),
        "views" => check_views(data),
        "chunked" => check_chunking(data),
        other => panic!("unknown fuzz target {other}"),
    }
}

/// Every fuzz target's name.
pub const TARGETS: [&str; 13] = [
    "netstat",
    "ss",
    "netstat_s",
    "proc_net",
    "netstat_i",
    "netstat_agn",
    "auto",
    "views",
    "chunked",
    // Issue 13, counters.
    "nstat",
    "snmp6",
    "sockstat",
    "proc_net_dev",
];
