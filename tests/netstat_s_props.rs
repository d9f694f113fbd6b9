//! Render → parse round trips of `netstat -s`: sentences of every net-tools version's
//! wording, printed under their section with random values, come back as counters with the
//! kernel name their template maps to, and the same value.

use std::collections::BTreeMap;

use netsift::netsift_grammar::netstat_s::{templates, Versions};
use netsift::{Event, EventKind, Format, PushParser};
use proptest::prelude::*;

/// English, IPv4, non-histogram templates printed by `version`.
fn printed_by(version: Versions) -> Vec<&'static netsift::netsift_grammar::netstat_s::Template> {
    templates()
        .iter()
        .filter(|t| t.versions.contains(version) && t.histogram.is_none())
        .filter(|t| !t.section.ends_with('6') && t.section != "Sctp")
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn sentences_round_trip(
        version in prop_oneof![Just(Versions::V1_60), Just(Versions::V2013), Just(Versions::V2016), Just(Versions::V2_10)],
        picks in proptest::collection::vec((any::<prop::sample::Index>(), any::<u64>()), 1..40),
    ) {
        let pool = printed_by(version);
        prop_assume!(!pool.is_empty());
        // Group by section, each title printed once (a repeated title is a new capture).
        let mut by_section: BTreeMap<&str, Vec<(&netsift::netsift_grammar::netstat_s::Template, i128)>> = BTreeMap::new();
        for (index, raw) in &picks {
            let t = pool[index.index(pool.len())];
            // net-tools 1.60 printed signed 32-bit values; 2.x unsigned 64-bit.
            let value = if version == Versions::V1_60 { i128::from(*raw as i32) } else { i128::from(*raw) };
            by_section.entry(t.section).or_default().push((t, value));
        }
        let mut input = String::new();
        let mut expected = Vec::new();
        for (section, lines) in &by_section {
            input.push_str(&format!("{section}:\n"));
            for (t, value) in lines {
                input.push_str(&format!("    {}\n", t.text.replacen('%', &value.to_string(), 1)));
                expected.push((t.text, t.section, *value));
            }
        }
        let mut got = Vec::new();
        let mut bad = Vec::new();
        let mut parser = PushParser::new(Format::NetstatS);
        let mut sink = |ev: Event<'_>| match ev.kind {
            EventKind::Counter(c) => got.push((
                String::from_utf8_lossy(c.section).into_owned(),
                c.name.map(|n| String::from_utf8_lossy(n).into_owned()),
                c.value,
            )),
            EventKind::Malformed(m) => bad.push(String::from_utf8_lossy(m.raw).into_owned()),
            _ => {}
        };
        parser.feed(input.as_bytes(), &mut sink);
        parser.finish(&mut sink);
        prop_assert!(bad.is_empty(), "malformed: {:?}", bad);
        prop_assert_eq!(got.len(), expected.len());
        for ((text, section, value), (got_section, got_name, got_value)) in expected.iter().zip(&got) {
            prop_assert_eq!(got_value, value, "{}", text);
            // The name is that of a template with this text in this section (a few texts
            // print two counters of one section; either is a right reading).
            let names: Vec<&str> =
                templates().iter().filter(|t| t.text == *text && t.section == *section).map(|t| t.name).collect();
            prop_assert_eq!(got_section.as_str(), *section, "{}", text);
            prop_assert!(got_name.as_deref().is_some_and(|n| names.contains(&n)), "{} -> {:?}, want one of {:?}", text, got_name, names);
        }
    }
}
