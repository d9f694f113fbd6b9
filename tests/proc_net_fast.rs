//! The fast values reader of /proc/net/netstat and /proc/net/snmp
//! (`proc_net::fast_pairs`) against its reference, `pairs_with_spans` over `pair_line`:
//! the same pairs and the same first error, for generated pairs of every shape (plain
//! values, negative ones, the whole `u64` range and beyond, glued bytes, missing and extra
//! values, blanks and tabs anywhere, another prefix) and for any bytes after the prefix.

use netsift::netsift_grammar::proc_net::{
    fast_pairs, name_spans, pair_line, pairs_with_spans, values_body, PlainValue,
};
use proptest::prelude::*;

/// Both readers over one names line and one values line of the same prefix.
fn both(names_line: &[u8], values_line: &[u8]) {
    let names = pair_line(names_line).expect("a names line");
    let spans: Vec<(u32, u32)> = name_spans(&names).collect();
    let values = pair_line(values_line).expect("a values line");
    let reference: Vec<_> = pairs_with_spans(&names, &spans, &values).collect();
    // As the push parser reads it: by the held prefix when the line starts with it, else
    // by what `pair_line` found.
    let (body, same) = match values_body(values_line, names.prefix) {
        Some(body) => (body, true),
        None => (values.body(), values.prefix == names.prefix),
    };
    let fast: Vec<_> = fast_pairs(&names, &spans, values_line, body, same).collect();
    assert_eq!(
        fast,
        reference,
        "names {:?} values {:?}",
        String::from_utf8_lossy(names_line),
        String::from_utf8_lossy(values_line)
    );
    // As the push parser reads it: the plain pairs in one loop, then the rest item by item.
    let mut looped = Vec::new();
    let mut positions = Vec::new();
    let mut items = fast_pairs(&names, &spans, values_line, body, same);
    items.for_each_plain(|position, name, value| {
        positions.push(position);
        looped.push(Ok((name, value)));
    });
    assert!(positions.iter().copied().eq(1..=positions.len()));
    looped.extend(items);
    assert_eq!(looped, reference, "for_each_plain on {:?}", String::from_utf8_lossy(values_line));
    // And with the values as the kernel writes them given as their digits: the same pairs,
    // and digits that are the value's decimal text.
    let mut texts = Vec::new();
    let mut items = fast_pairs(&names, &spans, values_line, body, same);
    items.for_each_plain_text(|position, name, value| {
        if let PlainValue::Digits { text, len } = value {
            assert_eq!(text.get(..len), Some(value.value().to_string().as_bytes()), "{value:?}");
        }
        texts.push((position, Ok((name, value.value()))));
    });
    let rest: Vec<_> = items.collect();
    let (text_positions, mut texts): (Vec<_>, Vec<_>) = texts.into_iter().unzip();
    assert_eq!(text_positions, positions, "for_each_plain_text on {:?}", String::from_utf8_lossy(values_line));
    texts.extend(rest);
    assert_eq!(texts, reference, "for_each_plain_text on {:?}", String::from_utf8_lossy(values_line));
}

fn blank() -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof![4 => Just(' '), 1 => Just('\t')], 1..3).prop_map(|v| v.into_iter().collect())
}

/// A value as printed, or something that is almost one.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => any::<u64>().prop_map(|v| v.to_string()),
        3 => (0u64..1000).prop_map(|v| v.to_string()),
        // Every length around the 8 and 16 bytes the digits are read in.
        2 => "[1-9][0-9]{0,17}",
        2 => any::<i64>().prop_map(|v| v.to_string()),
        1 => Just(u64::MAX.to_string()),
        1 => Just("18446744073709551616".to_string()),
        1 => Just("-9223372036854775808".to_string()),
        1 => Just("-9223372036854775809".to_string()),
        1 => "[0-9]{15,25}",
        1 => "-?0[0-9]{0,20}",
        1 => "[0-9]{1,12}[a-z:/\\-\\r]",
        1 => "[\\-x]{1,2}[0-9]{0,3}",
        1 => "\\PC{1,3}",
    ]
}

/// A names line and a values line: `Prefix:` and words, with as many values as names or
/// a few more or fewer.
fn pair() -> impl Strategy<Value = (String, String)> {
    let prefix = prop_oneof![
        Just("TcpExt".to_string()),
        Just("Tcp".to_string()),
        Just("MPTcpExt".to_string()),
        "[A-Z][a-z]{0,6}".prop_map(String::from),
    ];
    (
        prefix,
        prop::collection::vec(("[A-Z][A-Za-z0-9]{0,20}", value(), blank(), blank()), 0..40),
        -2i32..3,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(prefix, words, more, trailing, other_prefix)| {
            let mut names = format!("{prefix}:");
            let mut values = if other_prefix { format!("{prefix}x:") } else { format!("{prefix}:") };
            let count = (words.len() as i32 + more).max(0) as usize;
            for (name, _, gap, _) in &words {
                names.push_str(gap);
                names.push_str(name);
            }
            for i in 0..count {
                match words.get(i % words.len().max(1)) {
                    Some((_, value, _, gap)) => {
                        values.push_str(gap);
                        values.push_str(value);
                    }
                    None => values.push_str(" 7"),
                }
            }
            if trailing {
                values.push(' ');
            }
            (names, values)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn fast_pairs_equal_the_reference((names, values) in pair()) {
        both(names.as_bytes(), values.as_bytes());
    }

    #[test]
    fn any_bytes_after_the_prefix(names in "Tcp:( [A-Za-z]{1,8}){0,8}", rest in prop::collection::vec(any::<u8>(), 0..80)) {
        let mut values = b"Tcp:".to_vec();
        values.extend(rest.iter().filter(|&&b| b != b'\n'));
        if pair_line(&values).is_ok() {
            both(names.as_bytes(), &values);
        }
    }
}

#[test]
fn known_lines() {
    let names = b"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors";
    for values in [
        &b"Tcp: 1 200 120000 -1 236 142 0 74 71 6734 6168 97 0 94 0"[..],
        b"Tcp: 1 200 120000 -1 236 142 0 74 71 6734 6168 97 0 94 0 ",
        b"Tcp: 1 200 120000 -1 236 142 0 74 71 6734 6168 97 0 94",
        b"Tcp: 1 200 120000 -1 236 142 0 74 71 6734 6168 97 0 94 0 5",
        b"Tcp: 1 200 120000 -1 236 142 0 74 71 67x34 6168 97 0 94 0",
        b"Tcp: 18446744073709551615 18446744073709551616 -9223372036854775808 -9223372036854775809",
        b"Tcp:\t1\t\t2",
        b"Tcp:",
        b"Tcpx: 1 2",
    ] {
        both(names, values);
    }
}
