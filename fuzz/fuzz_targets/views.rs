//! Any bytes, auto-detected, through every view, each written as JSON, and the lookups
//! insights offers: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsift::views::search::Term;
use netsift::views::{CaptureSelect, ViewSet};
use netsift::{Format, PushParser};

fuzz_target!(|data: &[u8]| {
    let mut views = ViewSet::new(Format::Auto, CaptureSelect::Last);
    let mut parser = PushParser::with_line_cap(Format::Auto, 4096);
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
});
