//! The one-pass line readers against the framer and the classifiers they stand in for.
//!
//! A format machine may read a line where the chunk holds it and find its end on the way
//! (`LineReader::read_through`): `netstat -s` compares a line with the line expected next
//! in a periodic log and reads its digits. The reference is the same input fed a byte at a
//! time, where no line lies whole in a chunk and every line goes through the framer's
//! carry-over and the full classifier: the events (as JSON, so every field, position and
//! error) must be the same. The inputs are periodic logs of real and made-up lines whose
//! numbers, and now and then whose words, change from capture to capture. Every input is
//! also read under `-f auto`, where a line is read through only when no other format can
//! claim it (`AutoMachine::read_through`).

use netsift::events::json::write_event;
use netsift::{Event, Format, PushParser};
use proptest::prelude::*;

/// Every event of `input`, fed in chunks of `chunk` bytes (all of it at once for 0).
fn events(format: Format, input: &[u8], chunk: usize, cap: usize) -> (Vec<Vec<u8>>, netsift::push::LineStats) {
    let mut out = Vec::new();
    let mut sink = |ev: Event<'_>| {
        let mut buf = Vec::new();
        write_event(&mut buf, &ev);
        out.push(buf);
    };
    let mut parser = PushParser::with_line_cap(format, cap);
    match chunk {
        0 => parser.feed(input, &mut sink),
        n => input.chunks(n).for_each(|c| parser.feed(c, &mut sink)),
    }
    parser.finish(&mut sink);
    let stats = parser.stats();
    (out, stats)
}

/// The events of `input` as a sink that reads rows sees them (each `inet_conn` and
/// `unix_socket` as its kind, position and capture, every other event as JSON), and as
/// one that does not (`Sink::reads_rows`: `count`), which is handed the rows netstat's
/// readers only check as `row_checked`: both must see the same.
fn rows_checked_as_read(format: Format, input: &[u8], chunk: usize, cap: usize) -> Result<(), TestCaseError> {
    use netsift::push::CheckedRow;
    /// A row event, or a row only checked, as the same text.
    fn row(at: netsift::push::Position, capture: u32, kind: CheckedRow) -> Vec<u8> {
        format!("{kind:?} at {}:{} in {capture}", at.line, at.offset).into_bytes()
    }
    struct Record {
        events: Vec<Vec<u8>>,
        reads_rows: bool,
    }
    impl netsift::push::Sink for Record {
        fn event(&mut self, ev: Event<'_>) {
            let mut buf = Vec::new();
            match ev.kind {
                netsift::events::EventKind::InetConn(_) => buf = row(ev.at, ev.capture, CheckedRow::Inet),
                netsift::events::EventKind::UnixSocket(_) => buf = row(ev.at, ev.capture, CheckedRow::Unix),
                _ => write_event(&mut buf, &ev),
            }
            self.events.push(buf);
        }
        fn reads_rows(&self) -> bool {
            self.reads_rows
        }
        fn row_checked(&mut self, at: netsift::push::Position, capture: u32, kind: CheckedRow) {
            assert!(!self.reads_rows, "a row only checked for a sink that reads them");
            self.events.push(row(at, capture, kind));
        }
    }
    let mut seen = Vec::new();
    for reads_rows in [true, false] {
        let mut sink = Record { events: Vec::new(), reads_rows };
        let mut parser = PushParser::with_line_cap(format, cap);
        match chunk {
            0 => parser.feed(input, &mut sink),
            n => input.chunks(n).for_each(|c| parser.feed(c, &mut sink)),
        }
        parser.finish(&mut sink);
        seen.push((sink.events, parser.stats()));
    }
    prop_assert!(seen[0] == seen[1], "{:?}, chunks of {}: rows checked differ from rows read", format, chunk);
    Ok(())
}

fn same_as_byte_by_byte(format: Format, input: &[u8], cap: usize) {
    let reference = events(format, input, 1, cap);
    for chunk in [0, 4096, 61] {
        let got = events(format, input, chunk, cap);
        assert!(got == reference, "chunks of {chunk} differ from byte by byte on {:?}", String::from_utf8_lossy(input));
    }
}

const R1: &str = include_str!("fixtures/corpus/real/r1_netstat-s.txt");
const FR: &str = include_str!("fixtures/corpus/real/r1_LC_fr_netstat-s.txt");

#[test]
fn real_captures_repeated() {
    for capture in [R1, FR] {
        let mut input = String::new();
        for round in 0..4u64 {
            // The numbers of each capture changed; the last round glued to the one before.
            for (i, line) in capture.lines().enumerate() {
                let line: String = line
                    .chars()
                    .map(|c| match c.to_digit(10) {
                        Some(d) => char::from_digit((u64::from(d) + round + i as u64) as u32 % 10, 10).unwrap_or(c),
                        None => c,
                    })
                    .collect();
                input.push_str(&line);
                input.push('\n');
            }
        }
        for format in [Format::NetstatS, Format::Auto] {
            same_as_byte_by_byte(format, input.as_bytes(), 1 << 20);
            // A cap shorter than some lines: the reader never reads past it.
            same_as_byte_by_byte(format, input.as_bytes(), 24);
        }
    }
}

/// A line of a netstat -s log: a real one, or an odd one.
fn log_line() -> impl Strategy<Value = String> {
    let real: Vec<&'static str> = R1.lines().chain(FR.lines()).collect();
    prop_oneof![
        6 => prop::sample::select(real).prop_map(str::to_string),
        1 => Just(String::new()),
        1 => Just("   \t".to_string()),
        1 => "[A-Za-z]{1,8}:",
        1 => " {1,8}[a-z ]{1,12}[0-9]{1,22}[a-z :]{0,10}",
        1 => " {1,8}-?[0-9]{1,20} [a-z]{1,8}",
        1 => " {1,8}[A-Z][a-zA-Z0-9]{0,8}: -?[0-9]{1,21}",
        1 => "    ICMP (in|out)put histogram:",
        1 => " {0,4}[a-z0-9 :\\-]{0,20}\r?",
        1 => "Thu Nov 27 0[0-9]:02:03 UTC 2026",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Captures of random lines, repeated with their digits changed and now and then a
    /// line replaced: the one-pass reading gives what the classifier gives.
    #[test]
    fn periodic_logs(
        capture in prop::collection::vec(log_line(), 1..40),
        rounds in prop::collection::vec((any::<u64>(), prop::collection::vec((any::<prop::sample::Index>(), log_line()), 0..3)), 1..5),
        cap in prop_oneof![Just(1usize << 20), 8usize..64],
        crlf in any::<bool>(),
    ) {
        let mut input = String::new();
        for (seed, changes) in &rounds {
            let mut lines = capture.clone();
            for (at, line) in changes {
                let i = at.index(lines.len());
                lines[i] = line.clone();
            }
            let mut digits = *seed;
            for line in &lines {
                for c in line.chars() {
                    if c.is_ascii_digit() && digits % 3 != 0 {
                        input.push(char::from(b'0' + (digits % 10) as u8));
                        digits = digits / 10 + digits.rotate_left(7) % 97;
                    } else {
                        input.push(c);
                        digits = digits.wrapping_add(1);
                    }
                }
                input.push_str(if crlf && digits % 5 == 0 { "\r\n" } else { "\n" });
            }
        }
        for format in [Format::NetstatS, Format::Auto] {
            let (reference, reference_stats) = events(format, input.as_bytes(), 1, cap);
            for chunk in [0, 37] {
                let (got, stats) = events(format, input.as_bytes(), chunk, cap);
                prop_assert_eq!(&got, &reference, "{:?}, chunks of {}", format, chunk);
                prop_assert_eq!(stats, reference_stats);
            }
        }
    }
}

// netstat's connection tables: its rows are read where the chunk holds them, the line's
// end found by the row reader as it reads the last column (`fast_inet_row_through`,
// `fast_unix_row_through`).

const NEOPA: &[u8] = include_bytes!("fixtures/corpus/real/r1_netstat-neopa.txt");
const TULPN: &[u8] = include_bytes!("fixtures/corpus/real/r1_netstat-tulpn.txt");
// These two hold bytes that are not UTF-8 (file names, program names).
const STDERR: &[u8] = include_bytes!("fixtures/corpus/real/r1_nonroot_netstat-neopa_with-stderr.txt");
const IPX: &[u8] = include_bytes!("fixtures/corpus/real/r1_warn_netstat-tulpn-ipx_with-stderr.txt");

/// The lines of a capture, as text (bytes that are not UTF-8 replaced).
fn text_lines(capture: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(capture).lines().map(str::to_string).collect()
}

/// Every event and the line accounting are the same whole, in chunks of odd sizes, and
/// a byte at a time (where every line is carried over and read by the machine's `line`).
fn same_in_any_chunks(format: Format, input: &[u8], chunks: &[usize]) {
    for cap in [1 << 20, 100] {
        let reference = events(format, input, 1, cap);
        for &chunk in chunks {
            let got = events(format, input, chunk, cap);
            assert!(got == reference, "{format:?}, cap {cap}: chunks of {chunk} differ from byte by byte");
        }
    }
}

#[test]
fn netstat_real_captures() {
    for capture in [NEOPA, TULPN, STDERR, IPX] {
        // Twice (the second capture follows the first), then with CRLF line endings, then
        // with no newline at the end.
        let twice = [capture, capture].concat();
        let mut crlf = Vec::new();
        for &b in &twice {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        let cut = twice.strip_suffix(b"\n").unwrap_or(&twice);
        for input in [&twice[..], &crlf[..], cut] {
            same_in_any_chunks(Format::Netstat, input, &[0, 4096, 97, 2]);
            same_in_any_chunks(Format::Auto, input, &[0, 4096, 97, 2]);
            for format in [Format::Netstat, Format::Auto] {
                for chunk in [0, 97] {
                    rows_checked_as_read(format, input, chunk, 1 << 20).expect("rows checked as read");
                }
            }
            let (_, stats) = events(Format::Netstat, input, 0, 1 << 20);
            assert!(stats.rows > 0);
        }
    }
}

/// A line of a netstat table: a real row, a real row cut short or padded out, or an odd
/// line (a title, a header, a warning, a blank line, a spliced-in notice).
fn netstat_line() -> impl Strategy<Value = String> {
    let real: Vec<String> = [NEOPA, TULPN, STDERR].into_iter().flat_map(text_lines).collect();
    let rows: Vec<String> = real
        .iter()
        .filter(|l| l.starts_with("tcp") || l.starts_with("udp") || l.starts_with("unix"))
        .cloned()
        .collect();
    prop_oneof![
        8 => prop::sample::select(real),
        2 => (prop::sample::select(rows.clone()), any::<prop::sample::Index>())
            .prop_map(|(row, at)| row.chars().take(at.index(row.len() + 1)).collect()),
        1 => (prop::sample::select(rows.clone()), 1usize..300).prop_map(|(row, pad)| format!("{row}{}", " ".repeat(pad))),
        1 => (prop::sample::select(rows), "[ -~]{0,12}").prop_map(|(row, tail)| format!("{row}{tail}")),
        1 => Just(String::new()),
        1 => Just("Active Internet connections (servers and established)".to_string()),
        1 => Just("Active UNIX domain sockets (servers and established)".to_string()),
        1 => Just("(Not all processes could be identified, non-owned process info".to_string()),
        1 => "(tcp|udp|unix|sctp|raw6) {1,8}[0-9 .:*\\[\\]a-z/]{0,60}",
    ]
}

/// `input` in chunks of `chunk` bytes gives the events and line accounting of a byte at a
/// time, under `format` and under auto.
fn chunked_as_byte_by_byte(format: Format, input: &str, chunk: usize, cap: usize) -> Result<(), TestCaseError> {
    for format in [format, Format::Auto] {
        let (reference, reference_stats) = events(format, input.as_bytes(), 1, cap);
        let (got, stats) = events(format, input.as_bytes(), chunk, cap);
        prop_assert_eq!(&got, &reference, "{:?}, chunks of {}", format, chunk);
        prop_assert_eq!(stats, reference_stats);
    }
    Ok(())
}

/// The generated `lines` as one input: a quarter of their digits changed (by `seed`), and
/// now and then a line ended by `\r\n` when `crlf`.
fn table_input(lines: &[String], seed: u64, crlf: bool) -> String {
    let mut input = String::new();
    let mut digits = seed;
    for line in lines {
        for c in line.chars() {
            if c.is_ascii_digit() && digits % 4 == 0 {
                input.push(char::from(b'0' + (digits % 10) as u8));
            } else {
                input.push(c);
            }
            digits = digits.rotate_left(5).wrapping_add(1);
        }
        input.push_str(if crlf && digits % 3 == 0 { "\r\n" } else { "\n" });
    }
    input
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Tables of real and odd lines, with their digits changed, CRLF now and then, fed in
    /// chunks that cut rows anywhere: the same events as byte by byte.
    #[test]
    fn netstat_tables(
        lines in prop::collection::vec(netstat_line(), 1..60),
        seed in any::<u64>(),
        chunk in prop_oneof![Just(0usize), 1usize..400],
        cap in prop_oneof![Just(1usize << 20), 40usize..200],
        crlf in any::<bool>(),
    ) {
        let input = table_input(&lines, seed, crlf);
        chunked_as_byte_by_byte(Format::Netstat, &input, chunk, cap)?;
        for format in [Format::Netstat, Format::Auto] {
            rows_checked_as_read(format, input.as_bytes(), chunk, cap)?;
        }
    }
}

// ss: a row of the common shape is read where the chunk holds it and emitted at once when
// the next line is there and is no continuation line (`fast_row_through`); a row followed
// by continuation lines (`-i`), or at a chunk's end, is held as before.

const SS_TUPNA: &[u8] = include_bytes!("fixtures/corpus/real/r1_ss-tupna.txt");
const SS_TUPNAE: &[u8] = include_bytes!("fixtures/corpus/real/r1_ss-tupnae.txt");
const SS_TUPNAI: &[u8] = include_bytes!("fixtures/corpus/real/r1_ss-tupnai.txt");
const SS_PERIODIC: &[u8] = include_bytes!("fixtures/corpus/real/r1_periodic_ss-tupna.txt");
const SS_CRLF: &[u8] = include_bytes!("fixtures/corpus/real/v_r1_ss-tulpn_crlf.txt");

#[test]
fn ss_real_captures() {
    for capture in [SS_TUPNA, SS_TUPNAE, SS_TUPNAI, SS_PERIODIC, SS_CRLF] {
        let twice = [capture, capture].concat();
        let cut = twice.strip_suffix(b"\n").unwrap_or(&twice);
        for input in [&twice[..], cut] {
            same_in_any_chunks(Format::Ss, input, &[0, 4096, 97, 2]);
            same_in_any_chunks(Format::Auto, input, &[0, 4096, 97, 2]);
            let (_, stats) = events(Format::Ss, input, 0, 1 << 20);
            assert!(stats.rows > 0);
        }
    }
}

/// A line of an ss table: a real one (rows, headers, continuation lines), a row cut short,
/// padded out or with more after it, or an odd line.
fn ss_line() -> impl Strategy<Value = String> {
    let real: Vec<String> = [SS_TUPNA, SS_TUPNAE, SS_TUPNAI].into_iter().flat_map(text_lines).collect();
    let rows: Vec<String> = real.iter().filter(|l| l.starts_with("tcp") || l.starts_with("udp")).cloned().collect();
    prop_oneof![
        8 => prop::sample::select(real),
        2 => (prop::sample::select(rows.clone()), any::<prop::sample::Index>())
            .prop_map(|(row, at)| row.chars().take(at.index(row.len() + 1)).collect()),
        1 => (prop::sample::select(rows.clone()), 1usize..300).prop_map(|(row, pad)| format!("{row}{}", " ".repeat(pad))),
        1 => (prop::sample::select(rows), "[ -~]{0,12}").prop_map(|(row, tail)| format!("{row}{tail}")),
        1 => Just(String::new()),
        1 => "\t[a-z:0-9 ]{0,30}",
        1 => "(tcp|udp) {1,4}(ESTAB|UNCONN) {1,4}0 {1,4}0 {1,8}[0-9.:*\\[\\]%a-z]{1,30} {1,4}[0-9.:*\\[\\]%a-z]{1,30}[ -~]{0,20}",
        // Rows as the generator and wide terminals print them: long padding (a TAB now
        // and then), the states and address forms read by word compares, process names
        // with blanks, quotes and parentheses, numbers of every length.
        2 => concat!(
            "(tcp|udp|raw)[ \t]{1,4}(ESTAB|LISTEN|UNCONN|TIME-WAIT|CLOSE-WAIT|CLOSED|SYN-SENT)[ \t]{1,9}",
            "[0-9]{1,3}[ \t]{1,9}[0-9]{1,3} {1,30}",
            "(\\[::1\\]|\\[::\\]|\\[::ffff:[0-9.]{7,15}\\]|\\[fd00::[0-9a-f:]{1,9}\\]|[0-9.]{7,15}|\\*):[0-9*]{1,6} ",
            "(\\[::1\\]|[0-9.]{7,15}|\\*):[0-9*]{1,6}[ \t]{1,20}",
            "(users:\\(\\(\"[ -~]{1,20}\",pid=[0-9]{1,11},fd=[0-9]{1,3}\\)(,\\(\"[a-z ]{1,12}\",pid=[0-9]{1,8},fd=[0-9]{1,3}\\)){0,2}\\))?",
            "[ \t]{0,140}"
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Tables of real and odd lines, with their digits changed, CRLF now and then, fed in
    /// chunks that cut rows anywhere: the same events as byte by byte.
    #[test]
    fn ss_tables(
        lines in prop::collection::vec(ss_line(), 1..60),
        seed in any::<u64>(),
        chunk in prop_oneof![Just(0usize), 1usize..400],
        cap in prop_oneof![Just(1usize << 20), 40usize..300],
        crlf in any::<bool>(),
    ) {
        chunked_as_byte_by_byte(Format::Ss, &table_input(&lines, seed, crlf), chunk, cap)?;
    }
}

// Under `-f auto`, one file of several formats: a line read through must never be one
// that opens another format (the kernel inet tables' indented `sl` header, sockstat's
// `sockets:`, a netstat title or an ss header after rows).

const PROC_TCP: &[u8] = include_bytes!("fixtures/corpus/kernel/r1_proc_net_tcp");
const SOCKSTAT: &[u8] = include_bytes!("fixtures/corpus/procfs/procfs_proc_net_sockstat");

#[test]
fn auto_reads_through_only_what_no_other_format_claims() {
    let stat = R1.as_bytes();
    let orders: [&[&[u8]]; 4] = [
        &[stat, PROC_TCP, stat, SOCKSTAT, stat],
        &[SS_TUPNA, NEOPA, SS_PERIODIC, stat, SS_TUPNAI],
        &[NEOPA, PROC_TCP, TULPN, SOCKSTAT, NEOPA],
        &[stat, SS_TUPNA, stat, NEOPA, stat, PROC_TCP],
    ];
    for parts in orders {
        let input = parts.concat();
        same_in_any_chunks(Format::Auto, &input, &[0, 4096, 97]);
        // Every part's sections were opened in the whole: no part was read as the one
        // before it.
        let sections =
            |events: &[Vec<u8>]| events.iter().filter(|e| e.windows(16).any(|w| w == b"\"kind\":\"section\"")).count();
        let (whole, _) = events(Format::Auto, &input, 0, 1 << 20);
        let alone: usize = parts.iter().map(|part| sections(&events(Format::Auto, part, 0, 1 << 20).0)).sum();
        assert_eq!(sections(&whole), alone);
    }
}
