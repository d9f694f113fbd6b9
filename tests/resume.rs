//! `PushParser::resume`: a real capture cut at a byte offset, as sosreport keeps the tail of
//! an oversized output, gives every row that starts after the cut, and reports the cut line.

use std::path::Path;

use netsift::events::{EventKind, Problem};
use netsift::push::CUT_LINE;
use netsift::{Event, Format, PushParser};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)).unwrap()
}

/// What a parse gave: rows as (absolute offset, the row's Debug form), the cut lines'
/// offsets, other malformed lines' offsets.
#[derive(Debug, Default, PartialEq)]
struct Parsed {
    rows: Vec<(u64, String)>,
    cut: Vec<u64>,
    malformed: Vec<u64>,
}

fn parse(parser: &mut PushParser, input: &[u8], base: u64) -> Parsed {
    let mut out = Parsed::default();
    let mut sink = |ev: Event<'_>| {
        let at = base + ev.at.offset;
        match ev.kind {
            EventKind::InetConn(r) => out.rows.push((at, format!("{r:?}"))),
            EventKind::UnixSocket(r) => out.rows.push((at, format!("{r:?}"))),
            EventKind::SsSocket(s) => out.rows.push((at, format!("{:?}", s.row))),
            // Not the name: a histogram line outside its section has none.
            EventKind::Counter(c) => out.rows.push((at, format!("{:?}", (c.text, c.value)))),
            EventKind::Malformed(m) if m.problem == (Problem::Grammar { column: 0, expected: CUT_LINE }) => {
                out.cut.push(at)
            }
            EventKind::Malformed(_) => out.malformed.push(at),
            _ => {}
        }
    };
    for chunk in input.chunks(1000) {
        parser.feed(chunk, &mut sink);
    }
    parser.finish(&mut sink);
    out
}

/// Cut `capture` at many offsets; every cut gives the whole capture's rows from the cut on.
fn check_cuts(rel: &str, format: Format, stride: usize) {
    let capture = fixture(rel);
    let whole = parse(&mut PushParser::new(format), &capture, 0);
    assert!(whole.rows.len() > 10, "{rel}: {} rows", whole.rows.len());
    assert_eq!(parse(&mut PushParser::resume(format), &capture, 0), whole, "{rel}: a whole input resumed");
    let blank = |b: &[u8]| b.iter().all(|&c| c == b' ' || c == b'\t');
    for cut in (1..capture.len()).step_by(stride) {
        let tail = parse(&mut PushParser::resume(format), &capture[cut..], cut as u64);
        // The line the cut falls in is kept when the cut lost none of its text: the cut is
        // at its start or in its indentation (netstat -s keeps at least two blanks of it),
        // or only blanks follow.
        let line_start = capture[..cut].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line_end = capture[cut..].iter().position(|&b| b == b'\n').map_or(capture.len(), |i| cut + i);
        let (before, after) = (&capture[line_start..cut], &capture[cut..line_end]);
        let indent = format == Format::NetstatS && blank(before) && after.starts_with(b"  ");
        let kept = !blank(after) && (before.is_empty() || indent);
        let from = if kept { line_start } else { line_end } as u64;
        let expected: Vec<_> =
            whole.rows.iter().filter(|(at, _)| *at >= from).map(|(at, r)| ((*at).max(cut as u64), r.clone())).collect();
        assert_eq!(tail.rows, expected, "{rel} cut at {cut}");
        assert!(tail.malformed.is_empty(), "{rel} cut at {cut}: {:?}", tail.malformed);
        let reported = if kept || blank(after) { vec![] } else { vec![cut as u64] };
        assert_eq!(tail.cut, reported, "{rel} cut at {cut}");
    }
}

#[test]
fn netstat_neopa_cut_anywhere() {
    check_cuts("captured/deb12_netstat-neopa.txt", Format::Netstat, 37);
    check_cuts("corpus/real/r1_netstat-neopa.txt", Format::Netstat, 211);
}

#[test]
fn ss_cut_anywhere() {
    check_cuts("captured/deb12_ss-tupna.txt", Format::Ss, 23);
    check_cuts("corpus/real/r1_ss-tupna.txt", Format::Ss, 131);
    check_cuts("captured/deb12_ss-peaonmi.txt", Format::Ss, 397);
}

#[test]
fn netstat_s_cut_anywhere() {
    check_cuts("captured/deb12_netstat-s.txt", Format::NetstatS, 7);
}

#[test]
fn a_cut_inside_the_title_keeps_the_header_and_rows() {
    let capture = fixture("captured/deb12_netstat-neopa.txt");
    let whole = parse(&mut PushParser::new(Format::Netstat), &capture, 0);
    let tail = parse(&mut PushParser::resume(Format::Netstat), &capture[10..], 10);
    assert_eq!(tail.rows, whole.rows);
    assert_eq!(tail.cut, vec![10]);
    // The header after the cut title gives the table its columns, as a section event.
    let mut parser = PushParser::resume(Format::Netstat);
    let mut headers = 0;
    let mut sink = |ev: Event<'_>| {
        if let EventKind::Section(s) = ev.kind {
            headers += usize::from(s.header.is_some());
        }
    };
    parser.feed(&capture[10..], &mut sink);
    parser.finish(&mut sink);
    assert_eq!(headers, 2, "both tables' headers");
}
