//! insights-core's own tests and doc examples for `SsTUPNA` and `SsTULPN`
//! (`insights.parsers.netstat`), replayed through the library: every `ss` and `ss-tulpn`
//! assertion of `cases.json`, the `keep` quirks, and our answer to each `fix` quirk (its
//! `recommended` checks).
//!
//! Fixtures: tests/fixtures/insights (see ATTRIBUTION.md there).

mod common;

use common::insights::{self, answer, evaluate, load, run_cases, Call, Case, Reading, Tally};
use netsift::views::netstat::write_rows;
use netsift::views::search::Term;
use netsift::views::ss::SsView;
use netsift::views::CaptureSelect;
use netsift::Format;
use serde_json::Value;

/// `keep` quirks whose checks we deliberately answer differently, with the reason.
/// (None today: every kept behaviour of SsTUPNA/SsTULPN is reproduced.)
const DIFFERENT_ON_PURPOSE: &[(&str, &str)] = &[];

fn is_ss(format: &Value) -> bool {
    format == "ss" || format == "ss-tulpn"
}

struct Parsed {
    view: SsView,
    reading: Reading,
}

fn parse(input: &str, format: &str) -> Parsed {
    let tulpn = format == "ss-tulpn";
    let mut view = SsView::new(CaptureSelect::Last, tulpn);
    let reading = insights::parse(if tulpn { Format::SsTulpn } else { Format::Ss }, input, |ev| view.event(ev));
    Parsed { view, reading }
}

fn view_json(view: &SsView) -> Value {
    let mut out = Vec::new();
    view.write_json(&mut out);
    serde_json::from_slice(&out).expect("view JSON")
}

/// A Python argument as the library takes it: a string, or an integer written out.
fn arg_text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("unsupported argument {other}")),
    }
}

/// Answer a `call` check with the rows the view gives, as JSON.
fn answer_call(parsed: &Parsed, call: Call<'_>) -> Result<Option<Value>, String> {
    let first = || call.args.first().ok_or_else(|| "no argument".to_string()).and_then(arg_text);
    let rows = match call.name {
        "get_service" => parsed.view.get_service(&first()?),
        "get_localport" => parsed.view.get_localport(&first()?),
        "get_peerport" => parsed.view.get_peerport(&first()?),
        "get_port" => parsed.view.get_port(&first()?),
        "search" => {
            let mut terms = Vec::new();
            for (k, v) in &call.kwargs {
                terms.push(format!("{k}={}", arg_text(v)?).parse::<Term>().map_err(|e| e.to_string())?);
            }
            parsed.view.search(&terms)
        }
        other => return Err(format!("unmapped call {other}")),
    };
    let mut out = Vec::new();
    write_rows(&mut out, rows.into_iter());
    serde_json::from_slice(&out).map(Some).map_err(|e| e.to_string())
}

/// Run a case's checks (or its error expectation) on its input.
fn run_case(tally: &mut Tally, case: &Case<'_>) {
    let parsed = parse(case.input, case.format);
    if case.expect_error {
        return tally.expect_error(case.id, &parsed.reading);
    }
    let json = view_json(&parsed.view);
    tally.run_checks(case.id, &case.checks, |check| evaluate(&json, check, |call| answer_call(&parsed, call)));
}

#[test]
fn every_ss_case_of_insights() {
    let mut tally = Tally::default();
    let cases = run_cases(&mut tally, &load("cases.json"), |c| is_ss(&c["format"]), run_case);
    tally.assert_no_failures();
    // 8 cases: 2 doc examples, 3 SsTULPN tests, 3 port tests; 45 checks in all.
    assert_eq!(cases, 8);
    assert_eq!(tally.passed, 45, "checks run");
}

#[test]
fn ss_quirks_kept_and_fixed() {
    let mut tally = Tally::default();
    let mut seen = Vec::new();
    for quirk in load("quirks.json").iter().filter(|q| is_ss(&q["format"])) {
        let id = quirk["id"].as_str().unwrap();
        seen.push(id.to_string());
        if DIFFERENT_ON_PURPOSE.iter().any(|(d, _)| *d == id) {
            continue;
        }
        let Some(expect) = answer(quirk) else { panic!("{id}: recommendation {:?}", quirk["recommendation"].as_str()) };
        run_case(&mut tally, &Case::of_quirk(quirk, expect));
    }
    tally.assert_no_failures();
    assert_eq!(seen.len(), 9, "{seen:?}");
    assert_eq!(tally.passed, 16, "checks run");
}

/// The fixes, spelled out: what insights gets wrong and what the view answers instead.
#[test]
fn fixed_quirks_in_words() {
    // A process name with a blank stays whole.
    let p = parse("fixtures/quirks/ss-whitespace-in-fields.txt", "ss");
    assert_eq!(p.view.rows().get(0).unwrap().get("Process"), Some(&br#"users:(("Web Content",pid=4242,fd=80))"#[..]));
    // Words after the Process column (extras) do not land in any key.
    assert_eq!(p.view.rows().get(1).unwrap().len(), 7);
    // -H output keeps its first row.
    let p = parse("fixtures/quirks/ss-no-header.txt", "ss");
    assert_eq!(p.view.rows().len(), 2);
    assert_eq!(p.view.rows().get(0).unwrap().get("Local-Address-Port"), Some(&b"0.0.0.0:22"[..]));
    // A service name instead of a port, or a non-numeric argument: no match, no error.
    let p = parse("fixtures/quirks/ss-service-name-port.txt", "ss");
    assert!(p.view.get_localport("22").is_empty());
    assert!(p.view.get_localport("ssh").is_empty());
    // The tulpn filter reads the State field, not the line.
    let p = parse("fixtures/quirks/ss-tulpn-filter.txt", "ss-tulpn");
    assert_eq!(p.view.rows().len(), 1);
    assert_eq!(p.view.rows().get(0).unwrap().get("State"), Some(&b"LISTEN"[..]));
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
