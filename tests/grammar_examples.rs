//! Every example of grammar/README.md parses: the document and the grammar cannot drift
//! apart. A block fenced as ```` ```example-FORMAT ```` is fed to the push parser with that
//! format; each must give rows, and no line may be malformed or left unaccounted for.

use netsift::{Event, EventKind, Format, PushParser};

/// The `(format, text)` of every example block.
fn examples(readme: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in readme.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                if let Some(format) = info.strip_prefix("example-") {
                    open = Some((format.to_string(), String::new()));
                }
            }
            (Some(_), Some("")) => found.extend(open.take()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an example block is not closed");
    found
}

#[test]
fn every_example_in_the_grammar_readme_parses() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/grammar/README.md")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() >= 12, "only {} examples found", examples.len());
    let mut formats_seen = std::collections::BTreeSet::new();
    for (i, (name, text)) in examples.iter().enumerate() {
        let format: Format = name.parse().unwrap_or_else(|e| panic!("example {i}: {e:?}"));
        formats_seen.insert(format.name());
        let mut parser = PushParser::new(format);
        let mut rows = 0;
        let mut malformed = Vec::new();
        let mut sink = |ev: Event<'_>| match ev.kind {
            EventKind::Malformed(m) => malformed.push((ev.at.line, m.problem)),
            EventKind::Section(_) | EventKind::Notice(_) => {}
            _ => rows += 1,
        };
        parser.feed(text.as_bytes(), &mut sink);
        parser.finish(&mut sink);
        assert!(malformed.is_empty(), "example {i} ({name}): {malformed:?}\n{text}");
        assert!(rows > 0, "example {i} ({name}) gave no rows");
        let s = parser.stats();
        let accounted = s.rows + s.titles + s.headers + s.notices + s.blank + s.skipped + s.continuations;
        assert_eq!(accounted, s.lines, "example {i} ({name}): {s:?}");
        // Auto-detection finds the same format.
        let mut auto = PushParser::new(Format::Auto);
        let mut auto_rows = 0;
        let mut auto_sink = |ev: Event<'_>| {
            if !matches!(ev.kind, EventKind::Malformed(_) | EventKind::Section(_) | EventKind::Notice(_)) {
                auto_rows += 1;
            }
        };
        auto.feed(text.as_bytes(), &mut auto_sink);
        auto.finish(&mut auto_sink);
        assert_eq!(auto_rows, rows, "example {i} ({name}) under auto-detection");
    }
    // The first six formats, the counter files, and four of the kernel's socket tables.
    assert_eq!(formats_seen.len(), 14, "{formats_seen:?}");
}

#[test]
fn the_extractor_reads_a_fenced_block() {
    let readme = "```example-netstat\nActive Internet connections (servers and established)\n```\n";
    assert_eq!(
        examples(readme),
        vec![("netstat".to_string(), "Active Internet connections (servers and established)\n".to_string())]
    );
}
