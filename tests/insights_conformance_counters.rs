//! insights-core's own tests and doc examples for `NetstatS` (`netstat -s`) and `ProcNsat`
//! (`/proc/net/netstat`), replayed through the library: every assertion of `cases.json`,
//! the `keep` quirks, and our answer to each `fix` quirk (its `recommended` checks).
//! `get_stats` checks go to `ProcNetstatView::get_stats`.
//!
//! An input is an error when no counter section was seen or a line was malformed, as in
//! tests/insights_conformance.rs. Fixtures: tests/fixtures/insights (see ATTRIBUTION.md).

use std::path::{Path, PathBuf};

use netsift::events::EventKind;
use netsift::views::netstat_s::NetstatSView;
use netsift::views::proc_net::ProcNetstatView;
use netsift::views::CaptureSelect;
use netsift::{Event, Format, PushParser};
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

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insights")
}

fn load(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(suite().join(name)).expect("suite file");
    serde_json::from_str(&text).expect("suite JSON")
}

struct Parsed {
    stat: NetstatSView,
    proc: ProcNetstatView,
    saw_table: bool,
    malformed: usize,
}

fn format_of(format: &str) -> Format {
    match format {
        "netstat-s" => Format::NetstatS,
        "proc-netstat" => Format::ProcNetstat,
        other => panic!("not a counter format: {other}"),
    }
}

fn parse(input: &str, format: Format) -> Parsed {
    let bytes = std::fs::read(suite().join(input)).expect("fixture");
    let mut stat = NetstatSView::new(CaptureSelect::Last);
    let mut proc = ProcNetstatView::new(CaptureSelect::Last);
    let mut malformed = 0;
    let mut parser = PushParser::new(format);
    let mut sink = |ev: Event<'_>| {
        if matches!(ev.kind, EventKind::Malformed(_)) {
            malformed += 1;
        }
        stat.event(&ev);
        proc.event(&ev);
    };
    parser.feed(&bytes, &mut sink);
    parser.finish(&mut sink);
    Parsed { stat, proc, saw_table: parser.saw_table(), malformed }
}

fn view_json(parsed: &Parsed, format: Format) -> Value {
    let mut out = Vec::new();
    match format {
        Format::NetstatS => parsed.stat.write_json(&mut out),
        _ => parsed.proc.write_json(&mut out),
    }
    serde_json::from_slice(&out).expect("view JSON")
}

fn walk<'v>(mut value: &'v Value, path: &[Value]) -> Result<&'v Value, String> {
    for p in path {
        value = match p {
            Value::Number(n) => {
                let list = value.as_array().ok_or("not a list")?;
                let i = n.as_i64().ok_or("bad index")?;
                let i = if i < 0 { list.len() as i64 + i } else { i };
                list.get(usize::try_from(i).map_err(|_| "index")?).ok_or(format!("no index {i}"))?
            }
            Value::String(k) => value.get(k).ok_or(format!("no key {k:?}"))?,
            other => return Err(format!("unsupported path element {other}")),
        };
    }
    Ok(value)
}

fn assert_check(check: &Value, value: &Value) -> Result<(), String> {
    if let Some(want) = check.get("equals") {
        if value != want {
            return Err(format!("got {value}, want {want}"));
        }
    } else if let Some(want) = check.get("len") {
        let len = match value {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            Value::String(s) => s.chars().count(),
            _ => return Err("no len".into()),
        };
        if Some(len as u64) != want.as_u64() {
            return Err(format!("len {len}, want {want}"));
        }
    } else if let Some(want) = check.get("keys") {
        let mut keys: Vec<&String> = value.as_object().ok_or("not an object")?.keys().collect();
        keys.sort();
        let want: Vec<&str> = want.as_array().ok_or("bad want")?.iter().filter_map(Value::as_str).collect();
        if keys.iter().map(|k| k.as_str()).collect::<Vec<_>>() != want {
            return Err(format!("keys {keys:?}, want {want:?}"));
        }
    } else if let Some(want) = check.get("contains") {
        let found = match (value, want) {
            (Value::Object(o), Value::String(k)) => o.contains_key(k),
            (Value::Array(a), n) => a.contains(n),
            (Value::String(s), Value::String(n)) => s.contains(n.as_str()),
            _ => false,
        };
        if !found {
            return Err(format!("{want} not in {value}"));
        }
    } else if check.get("is_none").is_some() {
        if !value.is_null() {
            return Err(format!("got {value}, want None"));
        }
    } else {
        return Err(format!("unknown assertion {check}"));
    }
    Ok(())
}

fn evaluate(parsed: &Parsed, json: &Value, check: &Value) -> Result<(), String> {
    if let Some(path) = check.get("path") {
        let path = path.as_array().ok_or("bad path")?;
        return assert_check(check, walk(json, path)?);
    }
    let call = check.get("call").and_then(Value::as_str).ok_or("no selector")?;
    let args = check.get("args").and_then(Value::as_array).cloned().unwrap_or_default();
    let result = match call {
        "get_stats" => {
            let name = args.first().and_then(Value::as_str).ok_or("name")?;
            match parsed.proc.get_stats(name) {
                Some(v) => serde_json::from_str(&v.to_string()).map_err(|e| e.to_string())?,
                None => Value::Null,
            }
        }
        other => return Err(format!("unmapped call {other}")),
    };
    assert_check(check, &result)
}

fn is_error(parsed: &Parsed) -> bool {
    !parsed.saw_table || parsed.malformed > 0
}

/// Run a list of checks (or an error expectation) on one input; returns (passed, failures).
fn run_case(id: &str, format: &str, input: &str, expect_error: bool, checks: &[Value]) -> (usize, Vec<String>) {
    let format = format_of(format);
    let parsed = parse(input, format);
    if expect_error {
        return if is_error(&parsed) { (1, Vec::new()) } else { (0, vec![format!("{id}: expected an error")]) };
    }
    let json = view_json(&parsed, format);
    let mut passed = 0;
    let mut failures = Vec::new();
    for check in checks {
        match evaluate(&parsed, &json, check) {
            Ok(()) => passed += 1,
            Err(e) => failures.push(format!("{id} {check}: {e}")),
        }
    }
    (passed, failures)
}

fn counter_format(case: &Value) -> bool {
    case["format"] == "netstat-s" || case["format"] == "proc-netstat"
}

#[test]
fn every_counter_case_of_insights() {
    let mut passed = 0;
    let mut cases = 0;
    let mut failures = Vec::new();
    for case in load("cases.json").iter().filter(|c| counter_format(c)) {
        cases += 1;
        let id = case["id"].as_str().unwrap();
        let checks = case["checks"].as_array().cloned().unwrap_or_default();
        let (p, f) = run_case(
            id,
            case["format"].as_str().unwrap(),
            case["input"].as_str().unwrap(),
            case["expect_error"] == true,
            &checks,
        );
        passed += p;
        failures.extend(f);
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    // 4 netstat-s cases (26 checks) and 5 proc-netstat cases (8 checks, 2 errors).
    assert_eq!(cases, 9);
    assert_eq!(passed, 36, "checks run");
}

#[test]
fn counter_quirks_kept_and_fixed() {
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let quirks = load("quirks.json");
    for quirk in quirks.iter().filter(|q| counter_format(q)) {
        let id = quirk["id"].as_str().unwrap();
        if DIFFERENT_ON_PURPOSE.iter().any(|(d, _)| *d == id) {
            skipped.push(id);
            continue;
        }
        let format = quirk["format"].as_str().unwrap();
        let input = quirk["input"].as_str().unwrap();
        let (p, f) = match quirk["recommendation"].as_str() {
            Some("keep") => {
                let checks = quirk["checks"].as_array().cloned().unwrap_or_default();
                run_case(id, format, input, quirk["expect_error"] == true, &checks)
            }
            Some("fix") => {
                let rec = &quirk["recommended"];
                let checks = rec["checks"].as_array().cloned().unwrap_or_default();
                run_case(id, format, input, rec["expect_error"] == true, &checks)
            }
            _ => continue,
        };
        passed += p;
        failures.extend(f);
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(skipped.len(), DIFFERENT_ON_PURPOSE.len(), "a listed difference is not a quirk: {skipped:?}");
    assert_eq!(passed, 15, "checks run");
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
    assert!(is_error(&parsed));
    assert_eq!(parsed.proc.get_stats("A"), Some(1));
    assert_eq!(parsed.proc.get_stats("B"), None);
    assert_eq!(parsed.proc.get_stats("C"), Some(4));
}

/// What the listed differences give instead.
#[test]
fn the_deliberate_differences() {
    let parsed = parse("fixtures/quirks/proc-netstat-any-prefix.txt", Format::ProcNetstat);
    assert!(is_error(&parsed));
    assert_eq!(parsed.malformed, 4);
    let parsed = parse("fixtures/quirks/proc-netstat-two-lines.txt", Format::ProcNetstat);
    assert!(!is_error(&parsed));
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
    assert_eq!(parsed.malformed, 0);
    assert_eq!(parsed.proc.get_stats("DelayedACKLost"), Some(9));
    assert_eq!(parsed.proc.get_stats("TCPLossProbes"), Some(12));
    assert_eq!(parsed.proc.get_stats("InOctets"), Some(865_450_302));
    assert_eq!(parsed.proc.get_stats("Tcp:ActiveOpens"), Some(1648));
    assert_eq!(parsed.proc.get_stats("Icmp:OutDestUnreachs"), Some(254));
    assert_eq!(parsed.proc.get_stats("Icmp:InDestUnreachs"), Some(107));
    assert_eq!(parsed.proc.get_stats("ActiveOpens"), None);
}
