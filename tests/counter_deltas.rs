//! The `counter_deltas` example's logic on a real periodic `netstat -s` log.

#[allow(dead_code)]
#[path = "../examples/counter_deltas.rs"]
mod counter_deltas;

use counter_deltas::{deltas, Change};
use netsift::{Format, OwnedEvent};

fn events(input: &[u8]) -> Vec<OwnedEvent> {
    netsift::read_events(input, Format::Auto).map(Result::unwrap).collect()
}

const PERIODIC: &str = "tests/fixtures/corpus/real/r1_periodic_netstat-s.txt";

#[test]
fn deltas_of_a_real_periodic_log() {
    let input = std::fs::read(PERIODIC).unwrap();
    let intervals = deltas(events(&input));
    assert_eq!(intervals.len(), 1);
    let i = &intervals[0];
    assert_eq!((i.from, i.to), (1, 2));
    // 6787 then 6790 segments received.
    assert_eq!(i.changes["Tcp:InSegs"], Change::Delta(3));
    assert_eq!(i.changes["Tcp:ActiveOpens"], Change::Delta(0));
    assert_eq!(i.changes["Tcp:CurrEstab"], Change::Level(71));
    assert_eq!(i.changes["Ip:Forwarding"], Change::Level(2));
    assert!(i.changes.values().all(|c| matches!(c, Change::Delta(d) if *d >= 0) || matches!(c, Change::Level(_))));
    assert!(i.changes.len() > 50, "{}", i.changes.len());
}

#[test]
fn resets_and_counters_that_come_and_go() {
    let input = std::fs::read(PERIODIC).unwrap();
    let text = String::from_utf8(input).unwrap();
    // A third capture: the first one after a reboot (smaller counters), without the
    // `OutTransmits` line, and with a `Forwarding` line that is a gauge.
    // Up to and with the newline before the second `Ip:` title.
    let first = &text[..text[1..].find("\nIp:").unwrap() + 2];
    let rebooted =
        first.replace("6787 segments received", "17 segments received").replace("    OutTransmits: 6282\n", "");
    assert_ne!(rebooted, first);
    let log = format!("{text}{rebooted}");
    let intervals = deltas(events(log.as_bytes()));
    assert_eq!(intervals.len(), 2);
    let last = &intervals[1];
    assert_eq!((last.from, last.to), (2, 3));
    assert_eq!(last.changes["Tcp:InSegs"], Change::Reset(17));
    assert_eq!(last.changes["Ip:OutTransmits"], Change::Disappeared);
    // Back from capture 3 to a full one: the counter reappears.
    let log = format!("{rebooted}{first}");
    let back = deltas(events(log.as_bytes()));
    assert_eq!(back[0].changes["Ip:OutTransmits"], Change::Appeared(6282));
    assert_eq!(back[0].changes["Tcp:InSegs"], Change::Delta(6787 - 17));
}
