//! Per-interval counter deltas from a periodic log: many captures of `netstat -s`,
//! `/proc/net/netstat` or `/proc/net/snmp` one after the other (a `while sleep 60; do
//! netstat -s; done` log). For each pair of consecutive captures it prints how much each
//! counter grew, as a metrics pipeline wants it.
//!
//! ```sh
//! cargo run --example counter_deltas [-- FILE]   # default: tests/fixtures/corpus/real/r1_periodic_netstat-s.txt
//! ```
//!
//! The logic is [`deltas`], which the tests call too.

use std::collections::BTreeMap;

use netsift::{EventKind, Format, OwnedEvent};

/// Counters that are levels, not totals: their value is reported as is, never as a delta.
const GAUGES: &[&str] =
    &["Ip:Forwarding", "Ip:DefaultTTL", "Tcp:RtoAlgorithm", "Tcp:RtoMin", "Tcp:RtoMax", "Tcp:MaxConn", "Tcp:CurrEstab"];

/// How one counter changed from one capture to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It grew (or stayed) by this much.
    Delta(i128),
    /// It went down: the counter was reset (a reboot, a namespace re-created, a 32-bit
    /// wrap), so what it counted since the reset is its new value, which is reported.
    Reset(i128),
    /// A gauge (see `GAUGES`): its current value.
    Level(i128),
    /// It was not in the previous capture (a newer kernel, a first event of its kind):
    /// everything it counted is new, its value is reported.
    Appeared(i128),
    /// It was in the previous capture and is not in this one; nothing to report but that.
    Disappeared,
}

/// The changes between capture `from` and capture `to`, by `Section:Name`, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    /// The earlier capture's number.
    pub from: u32,
    /// The later capture's number.
    pub to: u32,
    /// Every counter of either capture and how it changed.
    pub changes: BTreeMap<String, Change>,
}

/// The counters of each capture, by `Section:Name`. A `netstat -s` sentence netsift cannot
/// map to a kernel counter has no stable name and is left out.
fn captures(events: impl IntoIterator<Item = OwnedEvent>) -> Vec<(u32, BTreeMap<String, i128>)> {
    let mut out: Vec<(u32, BTreeMap<String, i128>)> = Vec::new();
    for event in events {
        let EventKind::Counter(c) = event.kind() else { continue };
        let Some(name) = c.name else { continue };
        let key = format!("{}:{}", String::from_utf8_lossy(c.section), String::from_utf8_lossy(name));
        if out.last().is_none_or(|(n, _)| *n != event.capture()) {
            out.push((event.capture(), BTreeMap::new()));
        }
        if let Some((_, counters)) = out.last_mut() {
            counters.insert(key, c.value);
        }
    }
    out
}

/// The change of every counter between each capture and the one before it.
pub fn deltas(events: impl IntoIterator<Item = OwnedEvent>) -> Vec<Interval> {
    let captures = captures(events);
    captures
        .windows(2)
        .map(|pair| {
            let ((from, before), (to, after)) = (&pair[0], &pair[1]);
            let mut changes = BTreeMap::new();
            for (key, &now) in after {
                let change = match before.get(key) {
                    _ if GAUGES.contains(&key.as_str()) => Change::Level(now),
                    None => Change::Appeared(now),
                    // A negative delta is a reset: report the new value, which is what the
                    // counter counted since it restarted from zero.
                    Some(&then) if now < then => Change::Reset(now),
                    Some(&then) => Change::Delta(now - then),
                };
                changes.insert(key.clone(), change);
            }
            for key in before.keys().filter(|k| !after.contains_key(*k)) {
                changes.insert(key.clone(), Change::Disappeared);
            }
            Interval { from: *from, to: *to, changes }
        })
        .collect()
}

fn main() -> std::io::Result<()> {
    let path =
        std::env::args().nth(1).unwrap_or_else(|| "tests/fixtures/corpus/real/r1_periodic_netstat-s.txt".to_string());
    let events =
        netsift::read_events(std::fs::File::open(&path)?, Format::Auto).collect::<std::io::Result<Vec<_>>>()?;
    let intervals = deltas(events);
    if intervals.is_empty() {
        println!("{path}: fewer than two captures, no interval");
    }
    for interval in intervals {
        println!("capture {} -> {}", interval.from, interval.to);
        for (key, change) in &interval.changes {
            match change {
                Change::Delta(0) => {}
                Change::Delta(d) => println!("  {key:<40} +{d}"),
                Change::Reset(v) => println!("  {key:<40} {v} (reset)"),
                Change::Level(v) => println!("  {key:<40} ={v}"),
                Change::Appeared(v) => println!("  {key:<40} {v} (new)"),
                Change::Disappeared => println!("  {key:<40} (gone)"),
            }
        }
    }
    Ok(())
}
