//! `auto` does not ask the formats about a /proc values line (`Prefix: 1 2 …`): every
//! format's answer is "not mine" for such a line whatever the current format. Generated
//! values lines, with prefixes that begin other formats' opening lines, hold the formats
//! to it; arbitrary lines are either no values line or agree.

use netsift::netsift_grammar::netstat::words::titles;
use netsift::push::auto_skips_only_unclaimed;
use proptest::prelude::*;

/// Prefixes that are the first words of opening lines of other formats, and kernel ones.
fn prefixes() -> Vec<String> {
    let mut words: Vec<String> = [
        "Tcp",
        "TcpExt",
        "IpExt",
        "MPTcpExt",
        "Ip",
        "Icmp",
        "IcmpMsg",
        "Udp",
        "UdpLite",
        "Netid",
        "State",
        "Local",
        "Peer",
        "Iface",
        "Kernel",
        "Interface",
        "IPv6",
        "Inter",
        "Num",
        "Proto",
        "Active",
        "sockets",
        "TCP",
        "UDP",
        "Ip6InReceives",
        "Icmp6InMsgs",
        "Udp6InDatagrams",
        "used",
        "inuse",
        "sl",
        "face",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    for (_, inet, unix) in titles() {
        for head in [inet, unix] {
            let first: String = head.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if first.starts_with(|c: char| c.is_ascii_alphabetic()) {
                words.push(first);
            }
        }
    }
    words
}

fn values_line() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![proptest::sample::select(prefixes()), "[A-Za-z][A-Za-z0-9_]{0,12}",];
    let value = (any::<bool>(), "[0-9]{1,20}", "[ \t]{1,3}")
        .prop_map(|(negative, digits, gap)| format!("{gap}{}{digits}", if negative { "-" } else { "" }));
    (prefix, proptest::collection::vec(value, 1..40)).prop_map(|(p, values)| format!("{p}:{}", values.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_format_claims_a_values_line(line in values_line()) {
        prop_assert_eq!(auto_skips_only_unclaimed(line.as_bytes()), Some(true));
    }

    #[test]
    fn other_lines_are_asked(line in "[A-Za-z][ -~]{0,60}") {
        // Either asked as before (`None`) or a values line no format claims.
        prop_assert_ne!(auto_skips_only_unclaimed(line.as_bytes()), Some(false));
    }
}

#[test]
fn which_lines_are_values_lines() {
    let skipped = |l: &[u8]| auto_skips_only_unclaimed(l).is_some();
    assert!(skipped(b"Tcp: 1 200 120000 -1 236"));
    assert!(skipped(b"TcpExt: 0 0\t12"));
    // A names line, an empty pair, a sign not before digits, a trailing blank, no colon,
    // a prefix that is no identifier: asked.
    for line in [
        &b"Tcp: RtoAlgorithm RtoMin"[..],
        b"MPTcpExt:",
        b"Tcp: 1 - 2",
        b"Tcp: 1-2",
        b"Tcp: 1 ",
        b"Tcp 1 2",
        b"1cp: 1 2",
        b"Tcp:1 2",
        b"T-p: 1 2",
    ] {
        assert!(!skipped(line), "{}", String::from_utf8_lossy(line));
    }
}
