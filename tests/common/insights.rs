//! The insights-core conformance harness: the suite in tests/fixtures/insights (`cases.json`,
//! `quirks.json`), its inputs read through the library, and its checks evaluated. Each test
//! file says how to write its view as JSON and how to answer `call` checks.

use std::path::{Path, PathBuf};

use netsift::{Event, EventKind, Format, PushParser};
use serde_json::{Map, Value};

use super::fixtures::feed_cut;

/// The suite's folder, tests/fixtures/insights.
pub fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insights")
}

/// A list of the suite: `cases.json` or `quirks.json`.
pub fn load(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(suite().join(name)).expect("suite file");
    serde_json::from_str(&text).expect("suite JSON")
}

/// How an input went through the parser.
pub struct Reading {
    pub saw_table: bool,
    pub malformed: usize,
}

impl Reading {
    /// What insights would raise on: no table seen, or a malformed line.
    pub fn is_error(&self) -> bool {
        !self.saw_table || self.malformed > 0
    }
}

/// Parse the suite input `input` as `format`, handing every event to `view` as well.
pub fn parse(format: Format, input: &str, mut view: impl FnMut(&Event<'_>)) -> Reading {
    let bytes = std::fs::read(suite().join(input)).expect("fixture");
    let mut malformed = 0;
    let mut parser = PushParser::new(format);
    let mut sink = |ev: Event<'_>| {
        if matches!(ev.kind, EventKind::Malformed(_)) {
            malformed += 1;
        }
        view(&ev);
    };
    feed_cut(&mut parser, &bytes, &[], &mut sink);
    Reading { saw_table: parser.saw_table(), malformed }
}

/// One input and what is expected of it: a case of `cases.json`, or our answer to a quirk.
pub struct Case<'a> {
    pub id: &'a str,
    pub format: &'a str,
    pub input: &'a str,
    pub expect_error: bool,
    pub checks: Vec<Value>,
}

impl<'a> Case<'a> {
    /// A case of `cases.json`.
    pub fn of_case(case: &'a Value) -> Self {
        Self::of_quirk(case, case)
    }

    /// `quirk`'s input, with the expectation (`expect_error`, `checks`) written in `expect`:
    /// the quirk itself or its `recommended` answer (see [`answer`]).
    pub fn of_quirk(quirk: &'a Value, expect: &Value) -> Self {
        Case {
            id: quirk["id"].as_str().unwrap(),
            format: quirk["format"].as_str().unwrap(),
            input: quirk["input"].as_str().unwrap(),
            expect_error: expect["expect_error"] == true,
            checks: expect["checks"].as_array().cloned().unwrap_or_default(),
        }
    }
}

/// Run every case of `cases` that `wanted` selects through `run`; returns how many ran.
pub fn run_cases(
    tally: &mut Tally,
    cases: &[Value],
    wanted: impl Fn(&Value) -> bool,
    mut run: impl FnMut(&mut Tally, &Case<'_>),
) -> usize {
    let mut count = 0;
    for case in cases.iter().filter(|c| wanted(c)) {
        count += 1;
        run(tally, &Case::of_case(case));
    }
    count
}

/// Where our expectation for a quirk is written: the quirk itself when insights' behaviour
/// is kept, its `recommended` answer when it is fixed; `None` for any other recommendation.
pub fn answer(quirk: &Value) -> Option<&Value> {
    match quirk["recommendation"].as_str() {
        Some("keep") => Some(quirk),
        Some("fix") => Some(&quirk["recommended"]),
        _ => None,
    }
}

/// The value at `path` (keys, and list indices counted from the end when negative).
pub fn walk<'v>(mut value: &'v Value, path: &[Value]) -> Result<&'v Value, String> {
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

/// Python's `in`: a key of an object, an item of a list, a substring of a string.
pub fn contains(hay: &Value, needle: &Value) -> bool {
    match (hay, needle) {
        (Value::Object(o), Value::String(k)) => o.contains_key(k),
        (Value::Array(a), n) => a.contains(n),
        (Value::String(s), Value::String(n)) => s.contains(n.as_str()),
        _ => false,
    }
}

/// Hold `value` to the assertion of `check`: equals, equals_set, len, keys, contains,
/// not_contains, is_none or exists.
pub fn assert_check(check: &Value, value: &Value) -> Result<(), String> {
    if let Some(want) = check.get("equals") {
        if value != want {
            return Err(format!("got {value}, want {want}"));
        }
    } else if let Some(want) = check.get("equals_set") {
        let mut a: Vec<String> = value.as_array().ok_or("not a list")?.iter().map(|v| v.to_string()).collect();
        let mut b: Vec<String> = want.as_array().ok_or("bad want")?.iter().map(|v| v.to_string()).collect();
        a.sort();
        b.sort();
        if a != b {
            return Err(format!("got set {a:?}, want {b:?}"));
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

/// A `call` check's method and arguments.
pub struct Call<'c> {
    pub name: &'c str,
    pub args: &'c [Value],
    pub kwargs: Map<String, Value>,
}

/// What one check came to.
pub enum Outcome {
    Pass,
    /// A call the library has no equivalent for (not counted).
    NotApplicable,
}

/// Evaluate `check`: a `path` into the view's `json`, or a call that `call` answers
/// (`None`: not applicable), walked along its `result_path`.
pub fn evaluate(
    json: &Value,
    check: &Value,
    call: impl FnOnce(Call<'_>) -> Result<Option<Value>, String>,
) -> Result<Outcome, String> {
    if let Some(path) = check.get("path") {
        let path = path.as_array().ok_or("bad path")?;
        assert_check(check, walk(json, path)?)?;
        return Ok(Outcome::Pass);
    }
    let name = check.get("call").and_then(Value::as_str).ok_or("no selector")?;
    let args = check.get("args").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let kwargs = check.get("kwargs").and_then(Value::as_object).cloned().unwrap_or_default();
    let Some(result) = call(Call { name, args, kwargs })? else { return Ok(Outcome::NotApplicable) };
    let value = match check.get("result_path").and_then(Value::as_array) {
        Some(p) if !p.is_empty() => walk(&result, p)?,
        _ => &result,
    };
    assert_check(check, value)?;
    Ok(Outcome::Pass)
}

/// Checks passed and failures, summed over cases.
#[derive(Default)]
pub struct Tally {
    pub passed: usize,
    pub failures: Vec<String>,
}

impl Tally {
    /// A case that expects an error passes when the input read as one.
    pub fn expect_error(&mut self, id: &str, reading: &Reading) {
        if reading.is_error() {
            self.passed += 1;
        } else {
            self.failures.push(format!("{id}: expected an error"));
        }
    }

    /// Run each of `checks` through `eval`.
    pub fn run_checks(&mut self, id: &str, checks: &[Value], mut eval: impl FnMut(&Value) -> Result<Outcome, String>) {
        for check in checks {
            match eval(check) {
                Ok(Outcome::Pass) => self.passed += 1,
                Ok(Outcome::NotApplicable) => {}
                Err(e) => self.failures.push(format!("{id} {check}: {e}")),
            }
        }
    }

    /// Fail the test with every failure listed.
    pub fn assert_no_failures(&self) {
        assert!(self.failures.is_empty(), "{} failed:\n{}", self.failures.len(), self.failures.join("\n"));
    }
}
