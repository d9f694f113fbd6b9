//! Hostile input: no panic, memory bounded by the line cap, every line accounted for.

use netsift::events::Problem;
use netsift::{Event, EventKind, Format, PushParser};

#[derive(Debug, Default)]
struct Seen {
    events: usize,
    malformed: Vec<(u64, Problem)>,
}

fn run(format: Format, cap: usize, chunks: impl IntoIterator<Item = Vec<u8>>) -> (Seen, PushParser) {
    let mut seen = Seen::default();
    let mut parser = PushParser::with_line_cap(format, cap);
    let mut sink = |ev: Event<'_>| {
        seen.events += 1;
        if let EventKind::Malformed(m) = ev.kind {
            seen.malformed.push((ev.at.line, m.problem));
        }
    };
    for chunk in chunks {
        parser.feed(&chunk, &mut sink);
    }
    parser.finish(&mut sink);
    (seen, parser)
}

const HEAD: &str = "Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\n";

#[test]
fn empty_and_only_newlines() {
    let (seen, parser) = run(Format::Auto, 1 << 20, [Vec::new()]);
    assert_eq!(seen.events, 0);
    assert_eq!(parser.stats().lines, 0);
    let (seen, parser) = run(Format::Auto, 1 << 20, [vec![b'\n'; 100_000]]);
    assert_eq!(seen.events, 0);
    assert_eq!((parser.stats().lines, parser.stats().blank), (100_000, 100_000));
}

#[test]
fn a_100_mb_line_without_newline_is_one_malformed_event() {
    let cap = 1 << 20;
    let chunks = (0..100).map(|_| vec![b'x'; 1 << 20]);
    let (seen, parser) = run(Format::Netstat, cap, chunks);
    assert_eq!(seen.malformed, vec![(1, Problem::TooLong { length: 100 << 20, cap })]);
    assert!(parser.carry_high_water() <= cap, "carry grew to {}", parser.carry_high_water());
}

#[test]
fn nul_cr_and_invalid_utf8_inside_a_table() {
    let mut input = HEAD.as_bytes().to_vec();
    input.extend_from_slice(b"tcp        0      0 0.0.0.0:22\0            0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)\n");
    input.extend_from_slice(b"\r\n\xff\xfe\xfd\n\0\0\0\n");
    input.extend_from_slice(b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/\xffsshd\0        off (0.00/0/0)\n");
    let (seen, parser) = run(Format::Netstat, 1 << 20, [input]);
    let lines: Vec<u64> = seen.malformed.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![3, 5, 6], "NUL in an address, binary junk: malformed; the odd program name is kept");
    let s = parser.stats();
    assert_eq!(s.rows + s.malformed + s.blank + s.titles + s.headers, s.lines);
}

#[test]
fn numbers_past_u64_are_malformed_not_wrapped() {
    let mut input = HEAD.as_bytes().to_vec();
    input.extend_from_slice(b"tcp   18446744073709551616      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)\n");
    input.extend_from_slice(b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          99999999999999999999999 900/sshd off (0.00/0/0)\n");
    input.extend_from_slice(b"tcp        0      0 0.0.0.0:99999           0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)\n");
    let (seen, _) = run(Format::Netstat, 1 << 20, [input]);
    let expected: Vec<&str> = seen
        .malformed
        .iter()
        .map(|(_, p)| match p {
            Problem::Grammar { expected, .. } => *expected,
            Problem::TooLong { .. } => "too long",
        })
        .collect();
    assert_eq!(expected, vec!["a queue size that fits in 64 bits", "an inode number", "a port number up to 65535"]);
}

#[test]
fn ten_million_tiny_lines() {
    let mut input = HEAD.as_bytes().to_vec();
    input.extend(std::iter::repeat_n(&b"x\n"[..], 10_000_000).flatten());
    let (seen, parser) = run(Format::Netstat, 1 << 20, input.chunks(1 << 16).map(<[u8]>::to_vec).collect::<Vec<_>>());
    assert_eq!(parser.stats().lines, 10_000_002);
    assert_eq!(seen.malformed.len(), 10_000_000);
    assert!(parser.carry_high_water() < 16);
}

#[test]
fn ten_mb_of_random_bytes() {
    // xorshift: deterministic, no dependency.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut bytes = Vec::with_capacity(10 << 20);
    while bytes.len() < 10 << 20 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    for format in [Format::Auto, Format::Netstat] {
        let (_, parser) = run(format, 4096, bytes.chunks(65_536).map(<[u8]>::to_vec).collect::<Vec<_>>());
        assert!(parser.carry_high_water() <= 4096);
        let s = parser.stats();
        assert_eq!(
            s.rows + s.titles + s.headers + s.notices + s.blank + s.skipped + s.continuations + s.malformed,
            s.lines,
            "every line accounted for"
        );
    }
}

#[test]
fn a_users_list_of_100000_entries_and_unbalanced_parentheses() {
    let header = "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n";
    let mut line = String::from("tcp   ESTAB  0      0      127.0.0.1:22       127.0.0.1:40000   users:(");
    for i in 0..100_000 {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&format!("(\"p{i}\",pid={i},fd=3)"));
    }
    line.push_str(")\n");
    let unbalanced =
        "tcp   ESTAB  0      0      127.0.0.1:22       127.0.0.1:40001   users:((((((((((\"x\",pid=1,fd=3)\n";
    let input = format!("{header}{line}{unbalanced}");
    let mut entries = Vec::new();
    let mut malformed = 0;
    // The list is 2.5 MB long: past the default 1 MiB cap, so the cap is raised for it.
    let mut parser = PushParser::with_line_cap(Format::Ss, 4 << 20);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::SsSocket(s) => entries.push(s.row.process.map_or(0, |u| u.iter().count())),
        EventKind::Malformed(_) => malformed += 1,
        _ => {}
    };
    for chunk in input.as_bytes().chunks(1 << 16) {
        parser.feed(chunk, &mut sink);
    }
    parser.finish(&mut sink);
    assert_eq!(entries.first(), Some(&100_000));
    assert_eq!(entries.len() + malformed, 2, "the unbalanced list is a socket or a malformed line, never lost");
}

#[test]
fn counters_past_128_bits_are_malformed() {
    let input =
        b"Tcp: ActiveOpens PassiveOpens\nTcp: 18446744073709551616 999999999999999999999999999999999999999999\n";
    let (seen, _) = run(Format::ProcNetstat, 1 << 20, [input.to_vec()]);
    assert_eq!(seen.malformed.len(), 1);
}
