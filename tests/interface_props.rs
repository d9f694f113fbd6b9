//! Render → parse round trips of `netstat -i` and `netstat -agn` rows, printed with
//! net-tools 2.10's widths (counters wider than their columns push the rest right).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netsift::netsift_grammar::netstat_agn::Group;
use netsift::{Event, EventKind, Format, PushParser};
use proptest::prelude::*;

const LETTERS: &str = "ABDLMdPNOpsmRU";

fn counter() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..1000, any::<u64>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn interface_rows_round_trip(
        rows in proptest::collection::vec(
            ("[a-z][a-z0-9.]{0,14}", 0u64..100_000, proptest::collection::vec(counter(), 8), proptest::collection::vec(any::<bool>(), 14)),
            1..10)
    ) {
        let mut input = b"Kernel Interface table\nIface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n".to_vec();
        let mut flags_text = Vec::new();
        for (name, mtu, c, set) in &rows {
            let flags: String = LETTERS.chars().zip(set).filter(|(_, on)| **on).map(|(l, _)| l).collect();
            let flags = if flags.is_empty() { "[NO FLAGS]".to_string() } else { flags };
            let line = format!("{name:<15} {mtu:>5} {:>8} {:>6} {:>6} {:<6} {:>8} {:>6} {:>6} {:>6} {flags}", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
            input.extend_from_slice(line.as_bytes());
            input.push(b'\n');
            flags_text.push(flags);
        }
        let mut parsed = Vec::new();
        let mut bad = 0;
        let mut parser = PushParser::new(Format::NetstatI);
        let mut sink = |ev: Event<'_>| match ev.kind {
            EventKind::Interface(r) => {
                let s = r.stats.expect("counters");
                parsed.push((
                    String::from_utf8_lossy(r.iface).into_owned(),
                    r.mtu.expect("netstat -i prints an MTU"),
                    vec![s.rx_ok, s.rx_err, s.rx_drp, s.rx_ovr, s.tx_ok, s.tx_err, s.tx_drp, s.tx_ovr],
                    r.flags.map(|f| f.letters().collect::<String>()),
                ));
            }
            EventKind::Malformed(_) => bad += 1,
            _ => {}
        };
        parser.feed(&input, &mut sink);
        parser.finish(&mut sink);
        prop_assert_eq!(bad, 0);
        prop_assert_eq!(parsed.len(), rows.len());
        for ((name, mtu, c, _), (p, flags)) in rows.iter().zip(parsed.iter().zip(&flags_text)) {
            prop_assert_eq!(&p.0, name);
            prop_assert_eq!(p.1, *mtu);
            prop_assert_eq!(&p.2, c);
            let want = if flags.starts_with('[') { String::new() } else { flags.clone() };
            prop_assert_eq!(p.3.clone(), Some(want));
        }
    }

    #[test]
    fn membership_rows_round_trip(
        rows in proptest::collection::vec(
            ("[a-z][a-z0-9]{0,14}", 0u64..1_000_000, prop_oneof![
                any::<u32>().prop_map(|v| IpAddr::V4(Ipv4Addr::from(v))),
                any::<u128>().prop_map(|v| IpAddr::V6(Ipv6Addr::from(v))),
            ]),
            1..20)
    ) {
        let mut input = b"IPv6/IPv4 Group Memberships\nInterface       RefCnt Group\n--------------- ------ ---------------------\n".to_vec();
        for (iface, refcnt, group) in &rows {
            input.extend_from_slice(format!("{iface:<15} {refcnt:<6} {group}\n").as_bytes());
        }
        let mut parsed = Vec::new();
        let mut parser = PushParser::new(Format::NetstatAgn);
        let mut sink = |ev: Event<'_>| {
            if let EventKind::Membership(m) = ev.kind {
                let group = match m.group {
                    Group::Ip(ip) => Some(ip),
                    Group::Name(_) => None,
                };
                parsed.push((String::from_utf8_lossy(m.interface).into_owned(), m.refcnt, group));
            }
        };
        parser.feed(&input, &mut sink);
        parser.finish(&mut sink);
        prop_assert_eq!(parsed.len(), rows.len());
        for ((iface, refcnt, group), p) in rows.iter().zip(&parsed) {
            prop_assert_eq!((&p.0, p.1, p.2), (iface, *refcnt, Some(*group)));
        }
    }
}
