//! insights-core's own tests and doc examples for `NetstatS` (`netstat -s`) and `ProcNsat`
//! (`/proc/net/netstat`), replayed through the library: every assertion of `cases.json`,
//! the `keep` quirks, and our answer to each `fix` quirk (its `recommended` checks).
//! `get_stats` checks go to `ProcNetstatView::get_stats`.
//!
//! An input is an error when no counter section was seen or a line was malformed, as in
//! tests/insights_conformance.rs. Fixtures: tests/fixtures/insights (see ATTRIBUTION.md).

mod common;

use common::insights::{self, answer, evaluate, load, run_cases, Call, Case, Reading, Tally};
use netsift::views::netstat_s::NetstatSView;
use netsift::views::proc_net::ProcNetstatView;
use netsift::views::CaptureSelect;
use netsift::Format;
use serde_json::Value;

/// Quirks whose check we deliberately answer differently, with the reason (README,
/// differences).
const DIFFERENT_ON_PURPOSE: &[(&str, &str)] = &[
    (
        "proc-netstat/prefix-not-checked",
        "a line without its `Prefix:` is not a /proc counter line: netsift reports it as \
         malformed instead of dropping its first word unread and pairing the rest",
    ),
    (
        "proc-netstat/fewer-than-four-lines",
        "one complete name/value pair is a valid file (a namespace or kernel with one \
         section): netsift reads its counters instead of failing",
    ),
];

struct Parsed {
    stat: NetstatSView,
    proc: ProcNetstatView,
    reading: Reading,
}

fn format_of(format: &str) -> Format {
    match format {
        "netstat-s" => Format::NetstatS,
        "proc-netstat" => Format::ProcNetstat,
        other => panic!("not a counter format: {other}"),
    }
}

fn parse(input: &str, format: Format) -> Parsed {
    let mut stat = NetstatSView::new(CaptureSelect::Last);
    let mut proc = ProcNetstatView::new(CaptureSelect::Last);
    let reading = insights::parse(format, input, |ev| {
        stat.event(ev);
        proc.event(ev);
    });
    Parsed { stat, proc, reading }
}

fn view_json(parsed: &Parsed, format: Format) -> Value {
    let mut out = Vec::new();
    match format {
        Format::NetstatS => parsed.stat.write_json(&mut out),
        _ => parsed.proc.write_json(&mut out),
    }
    serde_json::from_slice(&out).expect("view JSON")
}

/// Answer a `call` check: `get_stats` from the /proc view.
fn answer_call(parsed: &Parsed, call: Call<'_>) -> Result<Option<Value>, String> {
    match call.name {
        "get_stats" => {
            let name = call.args.first().and_then(Value::as_str).ok_or("name")?;
            Ok(Some(match parsed.proc.get_stats(name) {
                Some(v) => serde_json::from_str(&v.to_string()).map_err(|e| e.to_string())?,
                None => Value::Null,
            }))
        }
        other => Err(format!("unmapped call {other}")),
    }
}

/// Run a case's checks (or its error expectation) on its input.
fn run_case(tally: &mut Tally, case: &Case<'_>) {
    let format = format_of(case.format);
    let parsed = parse(case.input, format);
    if case.expect_error {
        return tally.expect_error(case.id, &parsed.reading);
    }
    let json = view_json(&parsed, format);
    tally.run_checks(case.id, &case.checks, |check| evaluate(&json, check, |call| answer_call(&parsed, call)));
}

fn counter_format(case: &Value) -> bool {
    case["format"] == "netstat-s" || case["format"] == "proc-netstat"
}

#[test]
fn every_counter_case_of_insights() {
    let mut tally = Tally::default();
    let cases = run_cases(&mut tally, &load("cases.json"), counter_format, run_case);
    tally.assert_no_failures();
    // 4 netstat-s cases (26 checks) and 5 proc-netstat cases (8 checks, 2 errors).
    assert_eq!(cases, 9);
    assert_eq!(tally.passed, 36, "checks run");
}

#[test]
fn counter_quirks_kept_and_fixed() {
    let mut tally = Tally::default();
    let mut skipped = Vec::new();
    let quirks = load("quirks.json");
    for quirk in quirks.iter().filter(|q| counter_format(q)) {
        let id = quirk["id"].as_str().unwrap();
        if DIFFERENT_ON_PURPOSE.iter().any(|(d, _)| *d == id) {
            skipped.push(id);
            continue;
        }
        let Some(expect) = answer(quirk) else { continue };
        run_case(&mut tally, &Case::of_quirk(quirk, expect));
    }
    tally.assert_no_failures();
    assert_eq!(skipped.len(), DIFFERENT_ON_PURPOSE.len(), "a listed difference is not a quirk: {skipped:?}");
    assert_eq!(tally.passed, 15, "checks run");
}

/// The `either` quirks: what netsift does (insights' behaviour for the first; the second
/// is a malformed line, where insights keeps the text and fails later in get_stats).
#[test]
fn counter_quirks_left_to_us() {
    let parsed = parse("fixtures/quirks/netstat-s-error-lines.txt", Format::NetstatS);
    let json = view_json(&parsed, Format::NetstatS);
    assert_eq!(
        json["data"],
        serde_json::json!({"ip": {"forwarded": "1"}, "    2 stray": {}, "tcp": {"resets_sent": "3"}})
    );
    let parsed = parse("fixtures/quirks/proc-netstat-non-integer.txt", Format::ProcNetstat);
    assert!(parsed.reading.is_error());
    assert_eq!(parsed.proc.get_stats("A"), Some(1));
    assert_eq!(parsed.proc.get_stats("B"), None);
    assert_eq!(parsed.proc.get_stats("C"), Some(4));
}

/// What the listed differences give instead.
#[test]
fn the_deliberate_differences() {
    let parsed = parse("fixtures/quirks/proc-netstat-any-prefix.txt", Format::ProcNetstat);
    assert!(parsed.reading.is_error());
    assert_eq!(parsed.reading.malformed, 4);
    let parsed = parse("fixtures/quirks/proc-netstat-two-lines.txt", Format::ProcNetstat);
    assert!(!parsed.reading.is_error());
    assert_eq!(parsed.proc.get_stats("B"), Some(2));
}

/// Beyond insights: the MPTcpExt pair it ignores is reachable by section, and netstat -s
/// input answers get_stats through the sentence table.
#[test]
fn beyond_insights() {
    let parsed = parse("fixtures/quirks/proc-netstat-extra-lines.txt", Format::ProcNetstat);
    assert_eq!(parsed.proc.get_stats("MPTcpExt:X"), Some(9));
    assert_eq!(parsed.proc.get_stats("TcpExt:A"), Some(1));
    assert_eq!(parsed.proc.get_stats("IpExt:A"), Some(3));
    let parsed = parse("fixtures/netstat-s.txt", Format::NetstatS);
    assert_eq!(parsed.reading.malformed, 0);
    assert_eq!(parsed.proc.get_stats("DelayedACKLost"), Some(9));
    assert_eq!(parsed.proc.get_stats("TCPLossProbes"), Some(12));
    assert_eq!(parsed.proc.get_stats("InOctets"), Some(865_450_302));
    assert_eq!(parsed.proc.get_stats("Tcp:ActiveOpens"), Some(1648));
    assert_eq!(parsed.proc.get_stats("Icmp:OutDestUnreachs"), Some(254));
    assert_eq!(parsed.proc.get_stats("Icmp:InDestUnreachs"), Some(107));
    assert_eq!(parsed.proc.get_stats("ActiveOpens"), None);
}
