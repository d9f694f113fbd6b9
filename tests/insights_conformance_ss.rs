//! insights-core's own tests and doc examples for `SsTUPNA` and `SsTULPN`
//! (`insights.parsers.netstat`), replayed through the library: every `ss` and `ss-tulpn`
//! assertion of `cases.json`, the `keep` quirks, and our answer to each `fix` quirk (its
//! `recommended` checks).
//!
//! Fixtures: tests/fixtures/insights (see ATTRIBUTION.md there).

use std::path::{Path, PathBuf};

use netsift::events::EventKind;
use netsift::views::netstat::write_rows;
use netsift::views::search::Term;
use netsift::views::ss::SsView;
use netsift::views::CaptureSelect;
use netsift::{Event, Format, PushParser};
use serde_json::Value;

/// `keep` quirks whose checks we deliberately answer differently, with the reason.
/// (None today: every kept behaviour of SsTUPNA/SsTULPN is reproduced.)
const DIFFERENT_ON_PURPOSE: &[(&str, &str)] = &[];

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insights")
}

fn load(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(suite().join(name)).expect("suite file");
    serde_json::from_str(&text).expect("suite JSON")
}

fn is_ss(format: &Value) -> bool {
    format == "ss" || format == "ss-tulpn"
}

struct Parsed {
    view: SsView,
    saw_table: bool,
    malformed: usize,
}

fn parse(input: &str, format: &str) -> Parsed {
    let bytes = std::fs::read(suite().join(input)).expect("fixture");
    let tulpn = format == "ss-tulpn";
    let mut view = SsView::new(CaptureSelect::Last, tulpn);
    let mut malformed = 0;
    let mut parser = PushParser::new(if tulpn { Format::SsTulpn } else { Format::Ss });
    let mut sink = |ev: Event<'_>| {
        if matches!(ev.kind, EventKind::Malformed(_)) {
            malformed += 1;
        }
        view.event(&ev);
    };
    parser.feed(&bytes, &mut sink);
    parser.finish(&mut sink);
    Parsed { view, saw_table: parser.saw_table(), malformed }
}

fn view_json(view: &SsView) -> Value {
    let mut out = Vec::new();
    view.write_json(&mut out);
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

fn contains(hay: &Value, needle: &Value) -> bool {
    match (hay, needle) {
        (Value::Object(o), Value::String(k)) => o.contains_key(k),
        (Value::Array(a), n) => a.contains(n),
        (Value::String(s), Value::String(n)) => s.contains(n.as_str()),
        _ => false,
    }
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
    } else if let Some(want) = check.get("contains") {
        if !contains(value, want) {
            return Err(format!("{want} not in {value}"));
        }
    } else if let Some(want) = check.get("not_contains") {
        if contains(value, want) {
            return Err(format!("{want} unexpectedly in {value}"));
        }
    } else if check.get("is_none").is_some() {
        if !value.is_null() {
            return Err(format!("got {value}, want None"));
        }
    } else if check.get("exists").is_some() {
    } else {
        return Err(format!("unknown assertion {check}"));
    }
    Ok(())
}

/// A Python argument as the library takes it: a string, or an integer written out.
fn arg_text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("unsupported argument {other}")),
    }
}

fn evaluate(parsed: &Parsed, json: &Value, check: &Value) -> Result<(), String> {
    if let Some(path) = check.get("path") {
        let value = walk(json, path.as_array().ok_or("bad path")?)?;
        return assert_check(check, value);
    }
    let call = check.get("call").and_then(Value::as_str).ok_or("no selector")?;
    let args = check.get("args").and_then(Value::as_array).cloned().unwrap_or_default();
    let first = || args.first().ok_or_else(|| "no argument".to_string()).and_then(arg_text);
    let rows = match call {
        "get_service" => parsed.view.get_service(&first()?),
        "get_localport" => parsed.view.get_localport(&first()?),
        "get_peerport" => parsed.view.get_peerport(&first()?),
        "get_port" => parsed.view.get_port(&first()?),
        "search" => {
            let kwargs = check.get("kwargs").and_then(Value::as_object).cloned().unwrap_or_default();
            let mut terms = Vec::new();
            for (k, v) in &kwargs {
                terms.push(format!("{k}={}", arg_text(v)?).parse::<Term>().map_err(|e| e.to_string())?);
            }
            parsed.view.search(&terms)
        }
        other => return Err(format!("unmapped call {other}")),
    };
    let mut out = Vec::new();
    write_rows(&mut out, rows.into_iter());
    let result: Value = serde_json::from_slice(&out).map_err(|e| e.to_string())?;
    let value = match check.get("result_path").and_then(Value::as_array) {
        Some(p) if !p.is_empty() => walk(&result, p)?,
        _ => &result,
    };
    assert_check(check, value)
}

/// Run a list of checks (or an error expectation) on one input; returns (passed, failures).
fn run_case(id: &str, input: &str, format: &str, expect_error: bool, checks: &[Value]) -> (usize, Vec<String>) {
    let parsed = parse(input, format);
    if expect_error {
        let error = !parsed.saw_table || parsed.malformed > 0;
        return if error { (1, Vec::new()) } else { (0, vec![format!("{id}: expected an error")]) };
    }
    let json = view_json(&parsed.view);
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

#[test]
fn every_ss_case_of_insights() {
    let mut passed = 0;
    let mut cases = 0;
    let mut failures = Vec::new();
    for case in load("cases.json").iter().filter(|c| is_ss(&c["format"])) {
        cases += 1;
        let id = case["id"].as_str().unwrap();
        let format = case["format"].as_str().unwrap();
        let checks = case["checks"].as_array().cloned().unwrap_or_default();
        let (p, f) = run_case(id, case["input"].as_str().unwrap(), format, case["expect_error"] == true, &checks);
        passed += p;
        failures.extend(f);
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    // 8 cases: 2 doc examples, 3 SsTULPN tests, 3 port tests; 45 checks in all.
    assert_eq!(cases, 8);
    assert_eq!(passed, 45, "checks run");
}

#[test]
fn ss_quirks_kept_and_fixed() {
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for quirk in load("quirks.json").iter().filter(|q| is_ss(&q["format"])) {
        let id = quirk["id"].as_str().unwrap();
        seen.push(id.to_string());
        if DIFFERENT_ON_PURPOSE.iter().any(|(d, _)| *d == id) {
            continue;
        }
        let input = quirk["input"].as_str().unwrap();
        let format = quirk["format"].as_str().unwrap();
        let (p, f) = match quirk["recommendation"].as_str() {
            Some("keep") => {
                let checks = quirk["checks"].as_array().cloned().unwrap_or_default();
                run_case(id, input, format, quirk["expect_error"] == true, &checks)
            }
            Some("fix") => {
                let rec = &quirk["recommended"];
                let checks = rec["checks"].as_array().cloned().unwrap_or_default();
                run_case(id, input, format, rec["expect_error"] == true, &checks)
            }
            other => panic!("{id}: recommendation {other:?}"),
        };
        passed += p;
        failures.extend(f);
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(seen.len(), 9, "{seen:?}");
    assert_eq!(passed, 16, "checks run");
}

/// The fixes, spelled out: what insights gets wrong and what the view answers instead.
#[test]
fn fixed_quirks_in_words() {
    // A process name with a blank stays whole.
    let p = parse("fixtures/quirks/ss-whitespace-in-fields.txt", "ss");
    assert_eq!(p.view.rows()[0].get("Process"), Some(&br#"users:(("Web Content",pid=4242,fd=80))"#[..]));
    // Words after the Process column (extras) do not land in any key.
    assert_eq!(p.view.rows()[1].cells.len(), 7);
    // -H output keeps its first row.
    let p = parse("fixtures/quirks/ss-no-header.txt", "ss");
    assert_eq!(p.view.rows().len(), 2);
    assert_eq!(p.view.rows()[0].get("Local-Address-Port"), Some(&b"0.0.0.0:22"[..]));
    // A service name instead of a port, or a non-numeric argument: no match, no error.
    let p = parse("fixtures/quirks/ss-service-name-port.txt", "ss");
    assert!(p.view.get_localport("22").is_empty());
    assert!(p.view.get_localport("ssh").is_empty());
    // The tulpn filter reads the State field, not the line.
    let p = parse("fixtures/quirks/ss-tulpn-filter.txt", "ss-tulpn");
    assert_eq!(p.view.rows().len(), 1);
    assert_eq!(p.view.rows()[0].get("State"), Some(&b"LISTEN"[..]));
}

#[test]
fn search_over_ss_rows() {
    let p = parse("fixtures/ss-tupna-docs.txt", "ss");
    let t = |s: &str| s.parse::<Term>().unwrap();
    assert_eq!(p.view.search(&[t("State=LISTEN")]).len(), 1);
    assert_eq!(p.view.search(&[t("Netid=tcp"), t("State__startswith=EST")]).len(), 2);
    assert_eq!(p.view.search(&[t("Local_Address_Port__endswith=:111")]).len(), 2);
    assert_eq!(p.view.search(&[t("Process__contains=firefox")]).len(), 2);
    assert!(p.view.search(&[t("Program_name=x")]).is_empty());
}
