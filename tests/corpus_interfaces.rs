//! Real `netstat -i` and `netstat -agn` captures (tests/fixtures/corpus and captured):
//! row counts counted by hand, and spot values read off the files.

mod common;

use common::fixtures::read;
use netsift::events::{IfaceRow, Membership};
use netsift::netsift_grammar::netstat_agn::Group;
use netsift::netsift_grammar::netstat_i::IfaceFlags;
use netsift::views::netstat_agn::NetstatAgnView;
use netsift::views::netstat_i::NetstatIView;
use netsift::{Event, EventKind, Format, PushParser};

/// An interface row: name, MTU, RX-OK, flags text.
type Iface = (String, u64, Option<u64>, String);
/// A membership row: interface, refcount, group.
type Grp = (String, u64, String);

/// Interface rows, membership rows, and the number of malformed lines.
fn parse(rel: &str) -> (Vec<Iface>, Vec<Grp>, usize) {
    let mut ifaces = Vec::new();
    let mut groups = Vec::new();
    let mut malformed = 0;
    let mut parser = PushParser::new(Format::Auto);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::Interface(IfaceRow { iface, mtu, stats, flags_text, .. }) => ifaces.push((
            String::from_utf8_lossy(iface).into_owned(),
            mtu.expect("netstat -i prints an MTU"),
            stats.map(|s| s.rx_ok),
            String::from_utf8_lossy(flags_text).into_owned(),
        )),
        EventKind::Membership(Membership { interface, refcnt, group, .. }) => {
            let g = match group {
                Group::Ip(ip) => ip.to_string(),
                Group::Name(n) => String::from_utf8_lossy(n).into_owned(),
            };
            groups.push((String::from_utf8_lossy(interface).into_owned(), refcnt, g));
        }
        EventKind::Malformed(_) => malformed += 1,
        _ => {}
    };
    parser.feed(&read(rel), &mut sink);
    parser.finish(&mut sink);
    (ifaces, groups, malformed)
}

#[test]
fn interface_tables_of_every_layout() {
    for (file, rows) in [
        ("corpus/real/r1_netstat-i.txt", 2),
        ("corpus/real/r1_netstat-ia.txt", 4),
        ("corpus/old/nettools-1.60_netstat-i.txt", 2),
        ("corpus/jc/centos-7.7_netstat-i.out", 3),
        ("corpus/jc/ubuntu-18.04_netstat-i.out", 2),
        ("captured/deb12_netstat-i.txt", 2),
        ("captured/deb12_netstat-ia.txt", 4),
        ("captured/deb12_de_netstat-i.txt", 2),
    ] {
        let (ifaces, _, malformed) = parse(file);
        assert_eq!((ifaces.len(), malformed), (rows, 0), "{file}");
    }
    let (ifaces, _, _) = parse("corpus/real/r1_netstat-ia.txt");
    assert_eq!(ifaces[0], ("eth0".to_string(), 1400, Some(2646), "BMRU".to_string()));
    assert_eq!(ifaces[1], ("ifb0".to_string(), 1500, Some(0), "BO".to_string()));
    assert_eq!(ifaces[3], ("lo".to_string(), 65536, Some(4296), "LRU".to_string()));
    // 1.60 with the Met column.
    let (ifaces, _, _) = parse("corpus/old/nettools-1.60_netstat-i.txt");
    assert_eq!(ifaces[1], ("lo".to_string(), 65536, Some(16052), "LRU".to_string()));
    // Ubuntu 18.04: the 8-wide Iface column.
    let (ifaces, _, _) = parse("corpus/jc/ubuntu-18.04_netstat-i.out");
    assert_eq!(ifaces[0], ("ens33".to_string(), 1500, Some(245), "BMRU".to_string()));
}

#[test]
fn flags_are_typed() {
    let mut flags = Vec::new();
    let mut parser = PushParser::new(Format::NetstatI);
    let mut sink = |ev: Event<'_>| {
        if let EventKind::Interface(r) = ev.kind {
            flags.push(r.flags);
        }
    };
    parser.feed(&read("corpus/real/r1_netstat-ia.txt"), &mut sink);
    parser.finish(&mut sink);
    let eth0 = flags[0].unwrap();
    assert!(eth0.contains(IfaceFlags::BROADCAST) && eth0.contains(IfaceFlags::MULTICAST));
    // `BMRU`: broadcast, multicast, running, up.
    assert!(eth0.contains(IfaceFlags::RUNNING) && eth0.contains(IfaceFlags::UP));
    assert!(!eth0.contains(IfaceFlags::LOOPBACK));
    let ifb0 = flags[1].unwrap();
    assert!(ifb0.contains(IfaceFlags::NOARP) && !ifb0.contains(IfaceFlags::RUNNING));
    assert!(flags[3].unwrap().contains(IfaceFlags::LOOPBACK));
}

#[test]
fn group_memberships() {
    let (_, groups, malformed) = parse("corpus/real/r1_netstat-agn.txt");
    assert_eq!((groups.len(), malformed), (18, 0));
    assert_eq!(groups[0], ("lo".to_string(), 1, "224.0.0.251".to_string()));
    assert_eq!(groups[7], ("lo".to_string(), 1, "ff15::1234".to_string()));
    assert_eq!(groups[14], ("eth0".to_string(), 1, "ff02::1:ff00:2".to_string()));
    let (_, groups, malformed) = parse("captured/deb12_netstat-agn.txt");
    assert_eq!((groups.len(), malformed), (14, 0));
}

#[test]
fn the_views_on_real_captures() {
    let mut view = NetstatIView::default();
    let mut parser = PushParser::new(Format::Auto);
    parser.feed(&read("corpus/real/r1_netstat-ia.txt"), &mut view);
    parser.finish(&mut view);
    let by = view.group_by_iface();
    assert_eq!(by.len(), 4);
    assert_eq!(by["eth0"].get("RX-OK"), Some(&b"2646"[..]));
    assert_eq!(by["ifb1"].get("Flg"), Some(&b"BO"[..]));

    let mut view = NetstatAgnView::default();
    let mut parser = PushParser::new(Format::Auto);
    parser.feed(&read("corpus/real/r1_netstat-agn.txt"), &mut view);
    parser.finish(&mut view);
    let by = view.group_by_iface();
    assert_eq!(by["lo"].len(), 8);
    assert_eq!(by["eth0"].len(), 6);
    assert_eq!(by["ifb0"][1].get("group"), Some(&b"ff01::1"[..]));
}

#[test]
fn repeated_headers_are_captures() {
    // `netstat -ic` repeats the header, not the title.
    let one = read("corpus/real/r1_netstat-i.txt");
    let text = String::from_utf8(one).unwrap();
    let header_and_rows: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let input = format!("{text}{header_and_rows}{header_and_rows}");
    let mut captures = Vec::new();
    let mut parser = PushParser::new(Format::Auto);
    let mut sink = |ev: Event<'_>| {
        if let EventKind::Interface(_) = ev.kind {
            captures.push(ev.capture);
        }
    };
    parser.feed(input.as_bytes(), &mut sink);
    parser.finish(&mut sink);
    assert_eq!(captures, vec![1, 1, 2, 2, 3, 3]);
}
