//! insights-core's own tests and doc examples for `insights.parsers.netstat`, replayed
//! through the library: every assertion of `cases.json` (the compatibility contract), the
//! `keep` quirks, and our answer to each `fix` quirk (its `recommended` checks).
//!
//! Fixtures: tests/fixtures/insights (see ATTRIBUTION.md there).

use std::path::{Path, PathBuf};

use netsift::events::{EventKind, TableKind};
use netsift::views::netstat_agn::NetstatAgnView;
use netsift::views::netstat_i::NetstatIView;
use netsift::views::search::Term;
use netsift::views::{CaptureSelect, NetstatView};
use netsift::{Event, Format, PushParser};
use serde_json::Value;

const INET: &str = "Active Internet connections (servers and established)";
const UNIX: &str = "Active UNIX domain sockets (servers and established)";

/// insights raises on a table printed without `-p`; netsift reads it (a documented difference).
const WAIVED_ERRORS: &[&str] = &["netstat/test_short_outputs/no-pid-program-column"];

/// `keep` quirks whose check we deliberately answer differently (README, differences).
const DIFFERENT_ON_PURPOSE: &[(&str, &str)] = &[
    ("netstat/short-row", "a row cut short is a malformed event, not a row of empty strings"),
    ("netstat/title-must-match-exactly", "a title with trailing blanks is still a title (copies add them)"),
];

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insights")
}

fn load(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(suite().join(name)).expect("suite file");
    serde_json::from_str(&text).expect("suite JSON")
}

struct Parsed {
    view: NetstatView,
    json: Value,
    saw_table: bool,
    malformed: usize,
}

fn parse(input: &str) -> Parsed {
    parse_as(Format::Netstat, input)
}

/// Parse a fixture as `format`, and write the view of that format as JSON.
fn parse_as(format: Format, input: &str) -> Parsed {
    let bytes = std::fs::read(suite().join(input)).expect("fixture");
    let mut view = NetstatView::new(CaptureSelect::Last);
    let mut iface = NetstatIView::default();
    let mut agn = NetstatAgnView::default();
    let mut malformed = 0;
    let mut parser = PushParser::new(format);
    let mut sink = |ev: Event<'_>| {
        if matches!(ev.kind, EventKind::Malformed(_)) {
            malformed += 1;
        }
        view.event(&ev);
        iface.event(&ev);
        agn.event(&ev);
    };
    parser.feed(&bytes, &mut sink);
    parser.finish(&mut sink);
    let mut out = Vec::new();
    match format {
        Format::NetstatI => iface.write_json(&mut out),
        Format::NetstatAgn => agn.write_json(&mut out),
        _ => view.write_json(&mut out),
    }
    let json = serde_json::from_slice(&out).expect("view JSON");
    Parsed { view, json, saw_table: parser.saw_table(), malformed }
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

fn assert_check(check: &Value, value: Option<&Value>) -> Result<(), String> {
    let got = || value.ok_or_else(|| "no value".to_string());
    if let Some(want) = check.get("equals") {
        if got()? != want {
            return Err(format!("got {}, want {want}", got()?));
        }
    } else if let Some(want) = check.get("equals_set") {
        let mut a: Vec<String> = got()?.as_array().ok_or("not a list")?.iter().map(|v| v.to_string()).collect();
        let mut b: Vec<String> = want.as_array().ok_or("bad want")?.iter().map(|v| v.to_string()).collect();
        a.sort();
        b.sort();
        if a != b {
            return Err(format!("got set {a:?}, want {b:?}"));
        }
    } else if let Some(want) = check.get("len") {
        let v = got()?;
        let len = match v {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            Value::String(s) => s.chars().count(),
            _ => return Err("no len".into()),
        };
        if Some(len as u64) != want.as_u64() {
            return Err(format!("len {len}, want {want}"));
        }
    } else if let Some(want) = check.get("keys") {
        let mut keys: Vec<&String> = got()?.as_object().ok_or("not an object")?.keys().collect();
        keys.sort();
        let want: Vec<&str> = want.as_array().ok_or("bad want")?.iter().filter_map(Value::as_str).collect();
        if keys.iter().map(|k| k.as_str()).collect::<Vec<_>>() != want {
            return Err(format!("keys {keys:?}, want {want:?}"));
        }
    } else if let Some(want) = check.get("contains") {
        if !contains(got()?, want) {
            return Err(format!("{want} not in {}", got()?));
        }
    } else if let Some(want) = check.get("not_contains") {
        if contains(got()?, want) {
            return Err(format!("{want} unexpectedly in {}", got()?));
        }
    } else if check.get("is_none").is_some() {
        if value.is_some_and(|v| !v.is_null()) {
            return Err(format!("got {value:?}, want None"));
        }
    } else if check.get("exists").is_some() {
        got()?;
    } else {
        return Err(format!("unknown assertion {check}"));
    }
    Ok(())
}

fn contains(hay: &Value, needle: &Value) -> bool {
    match (hay, needle) {
        (Value::Object(o), Value::String(k)) => o.contains_key(k),
        (Value::Array(a), n) => a.contains(n),
        (Value::String(s), Value::String(n)) => s.contains(n.as_str()),
        _ => false,
    }
}

enum Outcome {
    Pass,
    NotApplicable,
}

fn evaluate(parsed: &Parsed, check: &Value) -> Result<Outcome, String> {
    let json = &parsed.json;
    if let Some(path) = check.get("path") {
        let path = path.as_array().ok_or("bad path")?;
        let value = walk(json, path)?;
        assert_check(check, Some(value))?;
        return Ok(Outcome::Pass);
    }
    let call = check.get("call").and_then(Value::as_str).ok_or("no selector")?;
    let args = check.get("args").and_then(Value::as_array).cloned().unwrap_or_default();
    let result: Value = match call {
        "get_original_line" => {
            let section = args[0].as_str().ok_or("section")?;
            let index = args[1].as_i64().ok_or("index")?;
            match parsed.view.get_original_line(section, index) {
                Some(line) => Value::String(String::from_utf8(line.to_vec()).map_err(|e| e.to_string())?),
                None => Value::Null,
            }
        }
        "search" => {
            let kwargs = check.get("kwargs").and_then(Value::as_object).cloned().unwrap_or_default();
            let mut sections = Vec::new();
            let mut terms = Vec::new();
            for (k, v) in &kwargs {
                if k == "search_list" {
                    let list: Vec<&Value> = match v {
                        Value::String(_) => vec![v],
                        Value::Array(a) => a.iter().collect(),
                        _ => return Ok(Outcome::NotApplicable),
                    };
                    for s in list {
                        match s.as_str() {
                            Some(INET) => sections.push(TableKind::Inet),
                            Some(UNIX) => sections.push(TableKind::Unix),
                            _ => return Ok(Outcome::NotApplicable),
                        }
                    }
                    continue;
                }
                // Terms are strings on the command line and in the library; a Python
                // integer argument has no equivalent.
                let Some(v) = v.as_str() else { return Ok(Outcome::NotApplicable) };
                terms.push(format!("{k}={v}").parse::<Term>().map_err(|e| e.to_string())?);
            }
            if kwargs.contains_key("search_list") && sections.is_empty() {
                Value::Array(Vec::new())
            } else {
                let rows = parsed.view.search(&sections, &terms);
                let mut out = Vec::new();
                netsift::views::netstat::write_rows(&mut out, rows.into_iter());
                serde_json::from_slice(&out).map_err(|e| e.to_string())?
            }
        }
        "group_by_iface" => json.get("group_by_iface").cloned().ok_or("no group_by_iface")?,
        other => return Err(format!("unmapped call {other}")),
    };
    let value = match check.get("result_path").and_then(Value::as_array) {
        Some(p) if !p.is_empty() => walk(&result, p)?,
        _ => &result,
    };
    assert_check(check, Some(value))?;
    Ok(Outcome::Pass)
}

fn is_error(parsed: &Parsed) -> bool {
    !parsed.saw_table || parsed.malformed > 0
}

/// Run a list of checks (or an error expectation) on one input; returns (passed, failures).
fn run_case(id: &str, input: &str, expect_error: bool, checks: &[Value]) -> (usize, Vec<String>) {
    run_case_as(Format::Netstat, id, input, expect_error, checks)
}

fn run_case_as(format: Format, id: &str, input: &str, expect_error: bool, checks: &[Value]) -> (usize, Vec<String>) {
    let parsed = parse_as(format, input);
    if expect_error {
        if WAIVED_ERRORS.contains(&id) {
            return (0, Vec::new());
        }
        return if is_error(&parsed) { (1, Vec::new()) } else { (0, vec![format!("{id}: expected an error")]) };
    }
    let mut passed = 0;
    let mut failures = Vec::new();
    for check in checks {
        match evaluate(&parsed, check) {
            Ok(Outcome::Pass) => passed += 1,
            Ok(Outcome::NotApplicable) => {}
            Err(e) => failures.push(format!("{id} {check}: {e}")),
        }
    }
    (passed, failures)
}

#[test]
fn every_netstat_case_of_insights() {
    let mut passed = 0;
    let mut failures = Vec::new();
    for case in load("cases.json").iter().filter(|c| c["format"] == "netstat") {
        let id = case["id"].as_str().unwrap();
        let checks = case["checks"].as_array().cloned().unwrap_or_default();
        let (p, f) = run_case(id, case["input"].as_str().unwrap(), case["expect_error"] == true, &checks);
        passed += p;
        failures.extend(f);
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    // 67 checks and error expectations as counted by the CLI replay, all reached here.
    assert!(passed >= 67, "only {passed} checks ran");
}

#[test]
fn netstat_quirks_kept_and_fixed() {
    let mut passed = 0;
    let mut failures = Vec::new();
    for quirk in load("quirks.json").iter().filter(|q| q["format"] == "netstat") {
        let id = quirk["id"].as_str().unwrap();
        if DIFFERENT_ON_PURPOSE.iter().any(|(d, _)| *d == id) {
            continue;
        }
        let input = quirk["input"].as_str().unwrap();
        let (p, f) = match quirk["recommendation"].as_str() {
            Some("keep") => {
                let checks = quirk["checks"].as_array().cloned().unwrap_or_default();
                run_case(id, input, quirk["expect_error"] == true, &checks)
            }
            Some("fix") => {
                let rec = &quirk["recommended"];
                let checks = rec["checks"].as_array().cloned().unwrap_or_default();
                run_case(id, input, rec["expect_error"] == true, &checks)
            }
            _ => continue,
        };
        passed += p;
        failures.extend(f);
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    assert!(passed >= 30, "only {passed} checks ran");
}

#[test]
fn a_cut_row_is_malformed_and_keeps_the_rows_before() {
    let parsed = parse("fixtures/quirks/netstat-short-row.txt");
    assert_eq!(parsed.malformed, 1);
    assert!(parsed.saw_table);
}

#[test]
fn every_netstat_i_and_agn_case_and_quirk() {
    let mut passed = 0;
    let mut failures = Vec::new();
    let cases = load("cases.json");
    let quirks = load("quirks.json");
    for (format, name) in [(Format::NetstatI, "netstat-i"), (Format::NetstatAgn, "netstat-agn")] {
        for case in cases.iter().filter(|c| c["format"] == name) {
            let checks = case["checks"].as_array().cloned().unwrap_or_default();
            let id = case["id"].as_str().unwrap();
            let (p, f) =
                run_case_as(format, id, case["input"].as_str().unwrap(), case["expect_error"] == true, &checks);
            passed += p;
            failures.extend(f);
        }
        for quirk in quirks.iter().filter(|q| q["format"] == name) {
            let id = quirk["id"].as_str().unwrap();
            let input = quirk["input"].as_str().unwrap();
            let (expect_error, checks) = match quirk["recommendation"].as_str() {
                Some("fix") => (quirk["recommended"]["expect_error"] == true, &quirk["recommended"]["checks"]),
                _ => (quirk["expect_error"] == true, &quirk["checks"]),
            };
            let checks = checks.as_array().cloned().unwrap_or_default();
            let (p, f) = run_case_as(format, id, input, expect_error, &checks);
            passed += p;
            failures.extend(f);
        }
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    assert!(passed >= 25, "only {passed} checks ran");
}
