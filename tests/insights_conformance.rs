//! insights-core's own tests and doc examples for `insights.parsers.netstat`, replayed
//! through the library: every assertion of `cases.json` (the compatibility contract), the
//! `keep` quirks, and our answer to each `fix` quirk (its `recommended` checks).
//!
//! Fixtures: tests/fixtures/insights (see ATTRIBUTION.md there).

mod common;

use common::insights::{answer, evaluate, load, parse, run_cases, Call, Case, Reading, Tally};
use netsift::events::TableKind;
use netsift::views::netstat_agn::NetstatAgnView;
use netsift::views::netstat_i::NetstatIView;
use netsift::views::search::Term;
use netsift::views::{CaptureSelect, NetstatView};
use netsift::Format;
use serde_json::Value;

const INET: &str = "Active Internet connections (servers and established)";
const UNIX: &str = "Active UNIX domain sockets (servers and established)";

/// insights raises on a table printed without `-p`; netsift reads it (a documented difference).
const WAIVED_ERRORS: &[&str] = &["netstat/test_short_outputs/no-pid-program-column"];

/// `keep` quirks whose check we deliberately answer differently (README, differences).
const DIFFERENT_ON_PURPOSE: &[(&str, &str)] = &[
    ("netstat/short-row", "a row cut short is a malformed event, not a row of empty strings"),
    ("netstat/title-must-match-exactly", "a title with trailing blanks is still a title (copies add them)"),
    ("netstat/last-column-not-stripped", "the last column is stripped as the others (search finds padded values)"),
];

struct Parsed {
    view: NetstatView,
    json: Value,
    reading: Reading,
}

/// Parse a fixture as `format`, and write the view of that format as JSON.
fn parse_as(format: Format, input: &str) -> Parsed {
    let mut view = NetstatView::new(CaptureSelect::Last);
    let mut iface = NetstatIView::default();
    let mut agn = NetstatAgnView::default();
    let reading = parse(format, input, |ev| {
        view.event(ev);
        iface.event(ev);
        agn.event(ev);
    });
    let mut out = Vec::new();
    match format {
        Format::NetstatI => iface.write_json(&mut out),
        Format::NetstatAgn => agn.write_json(&mut out),
        _ => view.write_json(&mut out),
    }
    let json = serde_json::from_slice(&out).expect("view JSON");
    Parsed { view, json, reading }
}

/// Answer a `call` check from the netstat view (or the JSON of the view in use).
fn answer_call(parsed: &Parsed, call: Call<'_>) -> Result<Option<Value>, String> {
    let args = call.args;
    Ok(Some(match call.name {
        "get_original_line" => {
            let section = args[0].as_str().ok_or("section")?;
            let index = args[1].as_i64().ok_or("index")?;
            match parsed.view.get_original_line(section, index) {
                Some(line) => Value::String(String::from_utf8(line.to_vec()).map_err(|e| e.to_string())?),
                None => Value::Null,
            }
        }
        "search" => {
            let mut sections = Vec::new();
            let mut terms = Vec::new();
            for (k, v) in &call.kwargs {
                if k == "search_list" {
                    let list: Vec<&Value> = match v {
                        Value::String(_) => vec![v],
                        Value::Array(a) => a.iter().collect(),
                        _ => return Ok(None),
                    };
                    for s in list {
                        match s.as_str() {
                            Some(INET) => sections.push(TableKind::Inet),
                            Some(UNIX) => sections.push(TableKind::Unix),
                            _ => return Ok(None),
                        }
                    }
                    continue;
                }
                // Terms are strings on the command line and in the library; a Python
                // integer argument has no equivalent.
                let Some(v) = v.as_str() else { return Ok(None) };
                terms.push(format!("{k}={v}").parse::<Term>().map_err(|e| e.to_string())?);
            }
            if call.kwargs.contains_key("search_list") && sections.is_empty() {
                Value::Array(Vec::new())
            } else {
                let rows = parsed.view.search(&sections, &terms);
                let mut out = Vec::new();
                netsift::views::netstat::write_rows(&mut out, rows.into_iter());
                serde_json::from_slice(&out).map_err(|e| e.to_string())?
            }
        }
        "group_by_iface" => parsed.json.get("group_by_iface").cloned().ok_or("no group_by_iface")?,
        other => return Err(format!("unmapped call {other}")),
    }))
}

/// Run a case's checks (or its error expectation) on its input, read as `format`.
fn run_case(tally: &mut Tally, format: Format, case: &Case<'_>) {
    let parsed = parse_as(format, case.input);
    if case.expect_error {
        if !WAIVED_ERRORS.contains(&case.id) {
            tally.expect_error(case.id, &parsed.reading);
        }
        return;
    }
    tally.run_checks(case.id, &case.checks, |check| evaluate(&parsed.json, check, |call| answer_call(&parsed, call)));
}

#[test]
fn every_netstat_case_of_insights() {
    let mut tally = Tally::default();
    run_cases(
        &mut tally,
        &load("cases.json"),
        |c| c["format"] == "netstat",
        |t, case| run_case(t, Format::Netstat, case),
    );
    tally.assert_no_failures();
    // 67 checks and error expectations as counted by the CLI replay, all reached here.
    assert!(tally.passed >= 67, "only {} checks ran", tally.passed);
}

#[test]
fn netstat_quirks_kept_and_fixed() {
    let mut tally = Tally::default();
    for quirk in load("quirks.json").iter().filter(|q| q["format"] == "netstat") {
        let id = quirk["id"].as_str().unwrap();
        if DIFFERENT_ON_PURPOSE.iter().any(|(d, _)| *d == id) {
            continue;
        }
        let Some(expect) = answer(quirk) else { continue };
        run_case(&mut tally, Format::Netstat, &Case::of_quirk(quirk, expect));
    }
    tally.assert_no_failures();
    assert!(tally.passed >= 30, "only {} checks ran", tally.passed);
}

#[test]
fn the_last_column_loses_its_padding_and_the_line_keeps_it() {
    // insights keeps `off (0.00/0/0)   ` (quirk netstat/last-column-not-stripped); netsift
    // strips it, as every other column, and `lines`/`get_original_line` keep the line.
    let parsed = parse_as(Format::Netstat, "fixtures/quirks/netstat-trailing-spaces.txt");
    assert_eq!(parsed.json["datalist"][INET][0]["Timer"], "off (0.00/0/0)");
    assert_eq!(parsed.json["data"][INET]["Timer"][0], "off (0.00/0/0)");
    let line = "tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      0          1004       -                    off (0.00/0/0)   ";
    assert_eq!(parsed.json["lines"][INET][0], line);
    assert_eq!(parsed.view.get_original_line(INET, 0), Some(line.as_bytes()));
}

#[test]
fn a_cut_row_is_malformed_and_keeps_the_rows_before() {
    let parsed = parse_as(Format::Netstat, "fixtures/quirks/netstat-short-row.txt");
    assert_eq!(parsed.reading.malformed, 1);
    assert!(parsed.reading.saw_table);
}

#[test]
fn every_netstat_i_and_agn_case_and_quirk() {
    let mut tally = Tally::default();
    let cases = load("cases.json");
    let quirks = load("quirks.json");
    for (format, name) in [(Format::NetstatI, "netstat-i"), (Format::NetstatAgn, "netstat-agn")] {
        run_cases(&mut tally, &cases, |c| c["format"] == name, |t, case| run_case(t, format, case));
        // Every quirk: a fixed one by its recommended answer, the others by their own checks.
        for quirk in quirks.iter().filter(|q| q["format"] == name) {
            run_case(&mut tally, format, &Case::of_quirk(quirk, answer(quirk).unwrap_or(quirk)));
        }
    }
    tally.assert_no_failures();
    assert!(tally.passed >= 25, "only {} checks ran", tally.passed);
}
