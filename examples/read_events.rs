//! Iterate the events of a file (plain, gzip or zstd) with `netsift::read_events`, and
//! print a summary: events by kind, sockets by state, and the bytes the kept events hold.
//!
//! ```sh
//! cargo run --example read_events [-- FILE]   # default: examples/netstat-neopa.txt
//! ```

use std::collections::BTreeMap;

use netsift::{EventKind, Format, OwnedEvent};

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "examples/netstat-neopa.txt".to_string());
    let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
    let mut states: BTreeMap<String, u64> = BTreeMap::new();
    let mut kept: Vec<OwnedEvent> = Vec::new();
    let mut events = netsift::read_events(std::fs::File::open(&path)?, Format::Auto);
    for event in events.by_ref() {
        let event = event?;
        *kinds.entry(event.kind().name()).or_default() += 1;
        let state = match event.kind() {
            EventKind::InetConn(c) => Some(format!("inet {:?}", c.state)),
            EventKind::UnixSocket(u) => Some(format!("unix {:?}", u.state)),
            EventKind::SsSocket(s) => s.row.state.map(|st| format!("ss {st:?}")),
            _ => None,
        };
        if let Some(state) = state {
            *states.entry(state).or_default() += 1;
        }
        // Owned events can be kept past the iteration (and sent to other threads).
        if matches!(event.kind(), EventKind::Malformed(_) | EventKind::Notice(_)) {
            kept.push(event);
        }
    }
    println!("{path}: {} lines", events.stats().lines);
    for (kind, n) in &kinds {
        println!("  {kind:<12} {n}");
    }
    println!("sockets by state:");
    for (state, n) in &states {
        println!("  {state:<24} {n}");
    }
    for event in &kept {
        println!("line {}: {:?}", event.at().line, event.kind());
    }
    Ok(())
}
