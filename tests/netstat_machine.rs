//! The netstat state machine on small inputs: captures, foreign tables, notices, spliced
//! warnings, missing headers, line endings and over-long lines.

use netsift::events::{Columns, InetLayout, Problem};
use netsift::views::{CaptureSelect, NetstatView};
use netsift::{Event, EventKind, Format, PushParser};

const INET_TITLE: &str = "Active Internet connections (servers and established)";
const INET_HEADER: &str = "Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer";
const UNIX_TITLE: &str = "Active UNIX domain sockets (servers and established)";
const UNIX_HEADER: &str = "Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path";
const ROW: &str = "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)";
const UNIX_ROW: &str =
    "unix  2      [ ACC ]     STREAM     LISTENING     8727     4479/python3         /run/demo/a.sock";

/// A compact description of each event: (line, capture, kind, detail).
fn summary(input: &str) -> Vec<(u64, u32, String)> {
    summary_bytes(input.as_bytes(), 1 << 20)
}

fn summary_bytes(input: &[u8], cap: usize) -> Vec<(u64, u32, String)> {
    let mut out = Vec::new();
    let mut parser = PushParser::with_line_cap(Format::Netstat, cap);
    let mut sink = |ev: Event<'_>| {
        let detail = match ev.kind {
            EventKind::Section(s) => {
                format!("section {:?} header={}", s.netstat_title().unwrap().kind, s.header.is_some())
            }
            EventKind::InetConn(c) => format!("inet {}", c.local.port.number().unwrap_or(0)),
            EventKind::UnixSocket(u) => format!("unix {}", String::from_utf8_lossy(u.path)),
            EventKind::Notice(n) => format!("notice {}", n.kind.name()),
            EventKind::Malformed(m) => format!("malformed {}", m.reason()),
            other => format!("other {}", other.name()),
        };
        out.push((ev.at.line, ev.capture, detail));
    };
    parser.feed(input, &mut sink);
    parser.finish(&mut sink);
    out
}

fn lines(parts: &[&str]) -> String {
    parts.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn a_repeated_title_starts_a_new_capture() {
    let input = lines(&[
        "Fri Nov 27 03:53:50 UTC 2026",
        INET_TITLE,
        INET_HEADER,
        ROW,
        UNIX_TITLE,
        UNIX_HEADER,
        UNIX_ROW,
        "Fri Nov 27 03:54:50 UTC 2026",
        INET_TITLE,
        INET_HEADER,
        ROW,
        UNIX_TITLE,
        UNIX_HEADER,
    ]);
    let got = summary(&input);
    let captures: Vec<(u64, u32)> = got.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(captures, vec![(1, 1), (2, 1), (4, 1), (5, 1), (7, 1), (8, 1), (9, 2), (11, 2), (12, 2)]);
    assert_eq!(got[0].2, "notice timestamp");

    // The view describes the last capture by default; N and all on request.
    let view = |select| {
        let mut v = NetstatView::new(select);
        let mut p = PushParser::new(Format::Netstat);
        p.feed(input.as_bytes(), &mut v);
        p.finish(&mut v);
        v
    };
    let last = view(CaptureSelect::Last);
    assert_eq!(last.tables()[1].rows.len(), 0);
    let first = view(CaptureSelect::Number(1));
    assert_eq!(first.tables()[1].rows.len(), 1);
    assert_eq!(view(CaptureSelect::All).captures().len(), 2);
}

#[test]
fn a_unix_only_log_repeats_captures() {
    let input = lines(&[UNIX_TITLE, UNIX_HEADER, UNIX_ROW, UNIX_TITLE, UNIX_HEADER, UNIX_ROW]);
    let caps: Vec<u32> = summary(&input).iter().map(|(_, c, _)| *c).collect();
    assert_eq!(caps, vec![1, 1, 2, 2]);
}

#[test]
fn foreign_tables_are_sections_whose_lines_are_skipped() {
    let input = lines(&[
        UNIX_TITLE,
        UNIX_HEADER,
        UNIX_ROW,
        "Active Bluetooth connections (servers and established)",
        "Proto  Destination       Source            State         PSM DCID   SCID      IMTU    OMTU Security",
        "Proto  Destination       Source            State     Channel",
        "l2cap  00:00:00:00:00:00 00:00:00:00:00:00 LISTEN        1   0x0040 0x0000    672     672 LOW",
        "Active Bluetooth connections (servers and established)",
    ]);
    let got = summary(&input);
    let kinds: Vec<&str> = got.iter().map(|(_, _, d)| d.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "section Unix header=true",
            "unix /run/demo/a.sock",
            "section Other header=true",
            "section Other header=false"
        ]
    );
    assert!(got.iter().all(|(_, c, _)| *c == 1), "foreign tables never start a capture");
    let mut p = PushParser::new(Format::Netstat);
    p.feed(input.as_bytes(), &mut |_: Event<'_>| {});
    p.finish(&mut |_: Event<'_>| {});
    let s = p.stats();
    assert_eq!((s.lines, s.titles, s.headers, s.rows, s.skipped), (8, 3, 2, 1, 2));
}

#[test]
fn the_two_line_root_notice() {
    let input = lines(&[
        "(Not all processes could be identified, non-owned process info",
        " will not be shown, you would have to be root to see it all.)",
        INET_TITLE,
        INET_HEADER,
        ROW,
    ]);
    let got = summary(&input);
    assert_eq!(got[0].2, "notice not_all_processes");
    assert_eq!(got[1].2, "notice not_all_processes");
    assert_eq!(got[3].2, "inet 22");
}

#[test]
fn a_warning_spliced_into_a_row() {
    // stdout flushed mid-row, stderr's line in between, then the rest of the row.
    let first = &ROW[..13];
    let rest = &ROW[13..];
    let input = lines(&[
        INET_TITLE,
        INET_HEADER,
        &format!("{first}netstat: no support for `AF IPX' on this system."),
        rest,
        ROW,
    ]);
    let got = summary(&input);
    let kinds: Vec<&str> = got.iter().map(|(_, _, d)| d.as_str()).collect();
    assert_eq!(kinds, vec!["section Inet header=true", "notice no_support", "inet 22", "inet 22"]);
    assert_eq!(got[2].0, 3, "the joined row is at the line where it began");

    // The splice right at the end of a row: the next line is empty.
    let input =
        lines(&[INET_TITLE, INET_HEADER, &format!("{ROW}netstat: no support for `AF IPX' on this system."), ""]);
    let kinds: Vec<String> = summary(&input).into_iter().map(|(_, _, d)| d).collect();
    assert_eq!(kinds, vec!["section Inet header=true", "notice no_support", "inet 22"]);

    // Input that ends after the warning: the cut half-row is reported.
    let input = format!("{INET_TITLE}\n{INET_HEADER}\n{first}netstat: no support for `AF IPX' on this system.\n");
    let kinds: Vec<String> = summary(&input).into_iter().map(|(_, _, d)| d).collect();
    assert_eq!(kinds[1], "notice no_support");
    assert!(kinds[2].starts_with("malformed"), "{kinds:?}");
}

#[test]
fn a_missing_header_takes_the_columns_from_the_first_row() {
    let tulpn_row =
        "udp        0      0 0.0.0.0:68              0.0.0.0:*                           611/dhclient        ";
    let input = lines(&[INET_TITLE, tulpn_row]);
    let mut sections = Vec::new();
    let mut rows = 0;
    let mut p = PushParser::new(Format::Netstat);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::Section(s) => sections.push(s.columns),
        EventKind::InetConn(_) => rows += 1,
        _ => {}
    };
    p.feed(input.as_bytes(), &mut sink);
    p.finish(&mut sink);
    assert_eq!(sections, vec![Columns::Inet(InetLayout { user_inode: false, program: true, timer: false })]);
    assert_eq!(rows, 1);
}

#[test]
fn a_title_without_header_reports_the_cut() {
    let got = summary(&lines(&[INET_TITLE, UNIX_TITLE, UNIX_HEADER]));
    let kinds: Vec<&str> = got.iter().map(|(_, _, d)| d.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "section Inet header=false",
            "malformed expected a header line after this title",
            "section Unix header=true"
        ]
    );
}

#[test]
fn crlf_lone_cr_and_missing_final_newline() {
    let input = format!("{INET_TITLE}\r\n{INET_HEADER}\r\n{ROW}\r\n{ROW}");
    let got = summary(&input);
    assert_eq!(got.iter().filter(|(_, _, d)| d == "inet 22").count(), 2);
    // A CR inside a row is a byte of the row, not a line end.
    let input = format!("{INET_TITLE}\n{INET_HEADER}\n{}\r{}\n", &ROW[..40], &ROW[40..]);
    let got = summary(&input);
    assert!(got[1].2.starts_with("malformed"), "{got:?}");
}

#[test]
fn lines_before_the_first_title_are_notices() {
    let got = summary(&lines(&["some banner", "", INET_TITLE, INET_HEADER, ROW]));
    assert_eq!(got[0], (1, 1, "notice other".to_string()));
    assert_eq!(got.len(), 3);
}

#[test]
fn an_over_long_line_is_one_malformed_event() {
    let long = "x".repeat(5000);
    let input = lines(&[INET_TITLE, INET_HEADER, &long, ROW]);
    let got = summary_bytes(input.as_bytes(), 1000);
    assert_eq!(got[1].2, "malformed line of 5000 bytes is longer than the 1000-byte line cap");
    assert_eq!(got[2].2, "inet 22");
    let mut p = PushParser::with_line_cap(Format::Netstat, 1000);
    for chunk in input.as_bytes().chunks(7) {
        p.feed(chunk, &mut |_: Event<'_>| {});
    }
    p.finish(&mut |_: Event<'_>| {});
    assert!(p.carry_high_water() <= 1000);
}

#[test]
fn malformed_rows_say_where_and_why() {
    let bad = "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          notanumber 900/sshd off (0.00/0/0)";
    let mut problems = Vec::new();
    let mut p = PushParser::new(Format::Netstat);
    let mut sink = |ev: Event<'_>| {
        if let EventKind::Malformed(m) = ev.kind {
            problems.push((ev.at.line, m.problem));
        }
    };
    p.feed(lines(&[INET_TITLE, INET_HEADER, bad]).as_bytes(), &mut sink);
    p.finish(&mut sink);
    assert_eq!(problems, vec![(3, Problem::Grammar { column: 91, expected: "an inode number" })]);
}

#[test]
fn notices_inside_tables() {
    let input = lines(&[INET_TITLE, INET_HEADER, ROW, "warning, got bogus tcp line.", ROW]);
    let got = summary(&input);
    assert_eq!(got[2].2, "notice bogus_line");
    assert_eq!(got.len(), 4);
}
