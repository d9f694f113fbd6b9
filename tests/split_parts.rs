//! One input parsed in two parts (`push/split.rs`, what `netsift count --jobs N FILE` and
//! `events --jobs N FILE` do): at every line start of every fixture, with warm-ups of
//! several lengths, the events and the line accounting are those of one parse.
//!
//! The second part starts from the guessed state when `agrees` says it is the true one,
//! else from the true state: a wrong `agrees` changes the events, and the test fails.

mod common;

use common::fixtures;
use netsift::events::json::write_event;
use netsift::push::{LineStats, Position};
use netsift::{Event, Format, PushParser};

/// Each event as a JSON line; without its capture number when `captures` is false.
fn collect(out: &mut Vec<Vec<u8>>, ev: Event<'_>, captures: bool) {
    let ev = if captures { ev } else { Event { capture: 0, ..ev } };
    let mut buf = Vec::new();
    write_event(&mut buf, &ev);
    out.push(buf);
}

fn sum(a: LineStats, b: LineStats) -> LineStats {
    LineStats {
        lines: a.lines + b.lines,
        rows: a.rows + b.rows,
        titles: a.titles + b.titles,
        headers: a.headers + b.headers,
        notices: a.notices + b.notices,
        blank: a.blank + b.blank,
        skipped: a.skipped + b.skipped,
        continuations: a.continuations + b.continuations,
        malformed: a.malformed + b.malformed,
    }
}

/// The format the name of a fixture says, besides `auto`.
fn named_format(name: &str) -> Option<Format> {
    let name = name.to_ascii_lowercase();
    if name.contains("proc-net") {
        Some(Format::ProcNetstat)
    } else if name.contains("netstat-s") || name.contains("netstat_-s") {
        Some(Format::NetstatS)
    } else if name.contains("netstat-i") {
        Some(Format::NetstatI)
    } else if name.contains("netstat-agn") {
        Some(Format::NetstatAgn)
    } else if name.contains("netstat") {
        Some(Format::Netstat)
    } else if name.contains("ss-") || name.contains("ss_") {
        Some(Format::Ss)
    } else {
        None
    }
}

/// The events of `input` from `cut` on, read by `second` (then finished).
fn rest(mut second: PushParser, input: &[u8], cut: usize, captures: bool) -> (Vec<Vec<u8>>, LineStats) {
    let mut out = Vec::new();
    second.feed(&input[cut..], &mut |ev: Event<'_>| collect(&mut out, ev, captures));
    second.finish(&mut |ev: Event<'_>| collect(&mut out, ev, captures));
    (out, second.stats())
}

/// The guess for the part of `input` from `cut` (a line start) after a warm-up of `warm`
/// bytes, moved to the next line start.
fn guess(format: Format, inside: Option<Format>, input: &[u8], cut: usize, warm: usize, at: Position) -> PushParser {
    let from = cut.saturating_sub(warm);
    let from = if from == 0 {
        0
    } else {
        from + input[from..cut].iter().position(|&b| b == b'\n').map_or(cut - from, |i| i + 1)
    };
    PushParser::guess_for_part(format, inside, &input[from..cut], at)
}

/// Check every cut of `input` (every line start, or at most about 40 of them spread
/// evenly): returns (cuts, guesses taken with a short warm-up, short warm-ups tried).
fn check_file(name: &str, format: Format, input: &[u8], captures: bool) -> (u64, u64, u64) {
    let mut whole = (Vec::new(), LineStats::default());
    let mut parser = PushParser::new(format);
    parser.feed(input, &mut |ev: Event<'_>| collect(&mut whole.0, ev, captures));
    parser.finish(&mut |ev: Event<'_>| collect(&mut whole.0, ev, captures));
    whole.1 = parser.stats();
    let mut sniff = PushParser::new(format);
    sniff.feed(&input[..input.len().min(4096)], &mut |_: Event<'_>| {});
    let inside = sniff.section_format();

    let starts: Vec<usize> = std::iter::once(0).chain(line_starts(input)).collect();
    let step = (starts.len() / 40).max(1);
    // The first part, read up to each cut in turn by one parser.
    let mut first = PushParser::new(format);
    let mut first_events: Vec<Vec<u8>> = Vec::new();
    let mut fed = 0;
    let (mut cuts, mut taken, mut tried) = (0, 0, 0);
    for (i, &cut) in starts.iter().enumerate() {
        if i % step != 0 && i + 1 != starts.len() {
            continue;
        }
        first.feed(&input[fed..cut], &mut |ev: Event<'_>| collect(&mut first_events, ev, captures));
        fed = cut;
        let at = Position { line: 1 + i as u64, offset: cut as u64 };
        cuts += 1;
        for warm in [300, usize::MAX] {
            let g = guess(format, inside, input, cut, warm, at);
            let guessed = g.agrees(&first, captures);
            if warm == usize::MAX {
                // A warm-up from the input's start gives the true state: always taken.
                assert!(guessed, "{name} {format:?}: the guess from the start was not taken at {cut}");
            } else {
                tried += 1;
                taken += u64::from(guessed);
            }
            if !guessed {
                // The part is read from the true state: what chunked feeding tests.
                continue;
            }
            let (events, stats) = rest(g, input, cut, captures);
            let all: Vec<Vec<u8>> = first_events.iter().cloned().chain(events).collect();
            let stats = sum(first.stats(), stats);
            if all != whole.0 || stats != whole.1 {
                let at = all.iter().zip(&whole.0).position(|(a, b)| a != b).unwrap_or(all.len().min(whole.0.len()));
                let show =
                    |v: &Vec<Vec<u8>>| v.get(at).map(|l| String::from_utf8_lossy(l).into_owned()).unwrap_or_default();
                panic!(
                    "{name} {format:?} cut at {cut}, warm-up {warm}: event {at} differs\n  split: {}\n  whole: {}\n  stats {stats:?} vs {:?}",
                    show(&all),
                    show(&whole.0),
                    whole.1
                );
            }
        }
    }
    (cuts, taken, tried)
}

#[test]
fn every_cut_of_every_fixture_gives_the_events_of_one_parse() {
    let mut files = fixtures::find(|p| p.extension().is_some_and(|e| e == "txt"));
    files.push(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/netstat-neopa.txt"));
    let (mut cuts, mut taken, mut tried) = (0u64, 0u64, 0u64);
    for file in &files {
        let input = std::fs::read(file).expect("fixture");
        let name = file.file_name().expect("name").to_string_lossy().into_owned();
        for (format, captures) in
            [(Format::Auto, true), (Format::Auto, false)].into_iter().chain(named_format(&name).map(|f| (f, true)))
        {
            let (c, t, n) = check_file(&name, format, &input, captures);
            cuts += c;
            taken += t;
            tried += n;
        }
    }
    assert!(cuts > 10_000, "{cuts} cuts");
    // The guesses from a short (300-byte) warm-up are taken often enough to be worth
    // making, even on these small files (6,637 of 15,207 when this was written; the
    // 128 KiB warm-up of `netsift` is taken at every cut of the generated 100 MB inputs).
    assert!(taken * 3 > tried, "{taken} of {tried} guesses taken");
}

/// The offsets just after each `\n`.
fn line_starts(input: &[u8]) -> impl Iterator<Item = usize> + '_ {
    input.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1)
}

/// An ss capture log: tables with column widths of their own, so headers of their own
/// geometry (`ss::geometry`), as periodic `ss -tupna` logs are.
fn ss_log(tables: usize, rows: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for t in 0..tables {
        let pad = " ".repeat(t * 3);
        out.extend_from_slice(
            format!("Netid State  Recv-Q{pad} Send-Q Local Address:Port  Peer Address:PortProcess\n").as_bytes(),
        );
        for r in 0..rows {
            let line = format!(
                "tcp   ESTAB  {:<6}{pad} 0          10.0.{t}.{}:{}  [fe80::{r:x}]:443 users:((\"curl\",pid={},fd=3))\n",
                r % 7,
                r % 250,
                1000 + r,
                r + 1
            );
            out.extend_from_slice(line.as_bytes());
        }
    }
    out
}

/// A guess whose warm-up does not reach its table's header is taken once it is given
/// that header (`guess_for_part_under`), and not without it: the true state knows the
/// header's geometry. The events from the guess are those of one parse.
#[test]
fn an_ss_guess_under_its_tables_header_is_taken() {
    let input = ss_log(3, 400);
    let headers: Vec<usize> = std::iter::once(0)
        .chain(line_starts(&input))
        .filter(|&s| {
            s < input.len()
                && netsift::push::is_table_header(input[s..].split(|&b| b == b'\n').next().unwrap_or_default())
        })
        .collect();
    assert_eq!(headers.len(), 3);
    for format in [Format::Ss, Format::Auto] {
        let mut whole = Vec::new();
        let mut parser = PushParser::new(format);
        parser.feed(&input, &mut |ev: Event<'_>| collect(&mut whole, ev, false));
        parser.finish(&mut |ev: Event<'_>| collect(&mut whole, ev, false));
        let starts: Vec<usize> = std::iter::once(0).chain(line_starts(&input)).collect();
        let mut first = PushParser::new(format);
        let mut first_events = Vec::new();
        let (mut fed, mut tried) = (0, 0);
        for (i, &cut) in starts.iter().enumerate().step_by(37) {
            first.feed(&input[fed..cut], &mut |ev: Event<'_>| collect(&mut first_events, ev, false));
            fed = cut;
            let warm_from = cut.saturating_sub(300);
            let warm_from = warm_from + input[warm_from..cut].iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
            // Only cuts whose warm-up holds whole lines but not the header.
            let Some(&header) = headers.iter().rev().find(|&&h| h < cut) else { continue };
            if header >= warm_from || warm_from == 0 || warm_from == cut {
                continue;
            }
            tried += 1;
            let header_line = input[header..].split(|&b| b == b'\n').next().unwrap_or_default();
            let at = Position { line: 1 + i as u64, offset: cut as u64 };
            let without = PushParser::guess_for_part(format, Some(Format::Ss), &input[warm_from..cut], at);
            assert!(!without.agrees(&first, false), "{format:?} at {cut}: a guess without its header was taken");
            let under = PushParser::guess_for_part_under(
                format,
                Some(Format::Ss),
                Some(header_line),
                &input[warm_from..cut],
                at,
            );
            assert!(under.agrees(&first, false), "{format:?} at {cut}: the guess under its header was not taken");
            let (events, _) = rest(under, &input, cut, false);
            let all: Vec<Vec<u8>> = first_events.iter().cloned().chain(events).collect();
            assert!(all == whole, "{format:?} cut at {cut}: the events differ from one parse");
        }
        assert!(tried > 20, "{tried} cuts tried");
    }
}

/// The events (JSON lines, capture numbers included) of `input` read by `parser`, which
/// swaps its caches with `other` before every line (`PushParser::exchange_caches`), and
/// keeps only a copy without caches of itself every fourth line
/// (`PushParser::clone_without_caches`).
fn with_caches_swapped(mut parser: PushParser, other: &mut PushParser, input: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, end) in line_starts(input).chain([input.len()]).enumerate() {
        parser.exchange_caches(other);
        if i % 4 == 3 {
            parser = parser.clone_without_caches();
        }
        parser.feed(&input[start..end], &mut |ev: Event<'_>| collect(&mut out, ev, true));
        start = end;
    }
    parser.finish(&mut |ev: Event<'_>| collect(&mut out, ev, true));
    out
}

#[test]
fn caches_swapped_or_dropped_at_any_line_change_no_event() {
    // The parts of one file take the caches of the parts read before (netstat -s line
    // shapes, /proc names lines: `guess_for_part_learnt`), and hand them back after their
    // part, in the middle of a pair or a section; their start states are kept without
    // caches. At every line of periodic logs, with caches learnt from the whole log, from
    // another log and none, under the format's machine and `auto`.
    let mut proc = Vec::new();
    for _ in 0..3 {
        proc.extend_from_slice(&fixtures::read("captured/deb12_proc-net-netstat.txt"));
        proc.extend_from_slice(&fixtures::read("captured/deb12_proc-net-snmp.txt"));
    }
    let stat = fixtures::read("captured/deb12_periodic_netstat-s.txt");
    let stat = &stat[..stat.len().min(30_000)];
    let inputs = [(Format::ProcNetstat, &proc[..]), (Format::NetstatS, stat)];
    for (format, input) in inputs {
        for format in [format, Format::Auto] {
            let mut whole = Vec::new();
            let mut parser = PushParser::new(format);
            parser.feed(input, &mut |ev: Event<'_>| collect(&mut whole, ev, true));
            parser.finish(&mut |ev: Event<'_>| collect(&mut whole, ev, true));
            let mut learnt_here = PushParser::new(format);
            learnt_here.feed(input, &mut |_: Event<'_>| {});
            let mut learnt_elsewhere = PushParser::new(format);
            learnt_elsewhere.feed(&[stat, &proc[..]].concat(), &mut |_: Event<'_>| {});
            for (how, mut other) in
                [("here", learnt_here), ("elsewhere", learnt_elsewhere), ("none", PushParser::new(format))]
            {
                let swapped = with_caches_swapped(PushParser::new(format), &mut other, input);
                assert!(swapped == whole, "{format:?}, caches learnt {how}: the events differ");
            }
        }
    }
}
