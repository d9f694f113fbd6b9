//! The cores of `netsift.insights`: one Python object per insights parser, holding the
//! library's view of the input (`netsift::views::*`), parsed with the GIL released. Each
//! attribute is built on request from the view's public methods; the Python classes cache
//! what they build.

use netsift::events::{EventKind, TableKind};
use netsift::views::netstat::Row;
use netsift::views::netstat_agn::NetstatAgnView;
use netsift::views::netstat_i::NetstatIView;
use netsift::views::netstat_s::{NetstatSView, StatTable, StatValue};
use netsift::views::proc_net::ProcNetstatView;
use netsift::views::search::Term;
use netsift::views::ss::SsView;
use netsift::views::{CaptureSelect, NetstatView, WordRow};
use netsift::{Event, Format, PushParser, Sink};
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyDict, PyList, PySet, PyString};

use crate::pystr::py_str;

/// Register the cores and their parse functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NetstatCore>()?;
    m.add_class::<SsCore>()?;
    m.add_class::<NetstatSCore>()?;
    m.add_class::<ProcCore>()?;
    m.add_class::<IfaceCore>()?;
    m.add_class::<AgnCore>()?;
    m.add_function(wrap_pyfunction!(parse_netstat, m)?)?;
    m.add_function(wrap_pyfunction!(parse_ss, m)?)?;
    m.add_function(wrap_pyfunction!(parse_netstat_s, m)?)?;
    m.add_function(wrap_pyfunction!(parse_proc_netstat, m)?)?;
    m.add_function(wrap_pyfunction!(parse_netstat_i, m)?)?;
    m.add_function(wrap_pyfunction!(parse_netstat_agn, m)?)?;
    m.add_function(wrap_pyfunction!(missing_dependencies, m)?)?;
    Ok(())
}

/// What parsing found besides the view: whether a table was seen, and the first
/// malformed line.
#[derive(Debug, Default)]
struct Outcome {
    saw_table: bool,
    empty: bool,
    first_malformed: Option<String>,
    /// Malformed lines, and the line number of the first.
    malformed: (u64, u64),
    /// Lines in the input.
    lines: u64,
}

impl Outcome {
    /// Why the input gives no view, or `None` when it does: no table (an empty input is
    /// accepted by the formats whose insights parser accepts it), or with `strict` a
    /// malformed line. A cut last line alone (a truncated capture) is not a problem: the
    /// rows before it are the answer.
    fn problem(&self, format: Format, strict: bool) -> Option<String> {
        let (count, first) = self.malformed;
        let only_the_cut_end = count == 1 && first == self.lines;
        if strict && !only_the_cut_end {
            if let Some(m) = &self.first_malformed {
                return Some(m.clone());
            }
        }
        let accepts_empty =
            matches!(format, Format::Ss | Format::SsTulpn | Format::NetstatS | Format::NetstatI | Format::NetstatAgn);
        if self.saw_table || (self.empty && accepts_empty) {
            return None;
        }
        Some(if self.empty {
            "Input content is empty".to_string()
        } else {
            format!("no {} table in the input", format.name())
        })
    }
}

/// Parse all of `data` in `format` into `sink`, recording the outcome. Runs without the GIL.
fn parse<S: Sink>(data: &[u8], format: Format, sink: &mut S) -> Outcome {
    let mut first_malformed = None;
    let mut malformed = (0u64, 0u64);
    let mut parser = PushParser::new(format);
    {
        let mut on_event = |ev: Event<'_>| {
            if let EventKind::Malformed(m) = &ev.kind {
                malformed.0 += 1;
                if first_malformed.is_none() {
                    malformed.1 = ev.at.line;
                    first_malformed = Some(format!(
                        "line {}, column {}: {}: {:?}",
                        ev.at.line,
                        m.column(),
                        m.reason(),
                        String::from_utf8_lossy(m.raw)
                    ));
                }
            }
            sink.event(ev);
        };
        // One feed: the input is already in memory, and the events do not depend on chunks.
        parser.feed(data, &mut on_event);
        parser.finish(&mut on_event);
    }
    let stats = parser.stats();
    Outcome {
        saw_table: parser.saw_table(),
        empty: stats.lines == stats.blank,
        first_malformed,
        malformed,
        lines: stats.lines,
    }
}

/// Interned key strings: one Python object per distinct key of a table.
struct Keys<'py> {
    py: Python<'py>,
    keys: Vec<(&'static str, Bound<'py, PyString>)>,
}

impl<'py> Keys<'py> {
    fn new(py: Python<'py>) -> Self {
        Keys { py, keys: Vec::new() }
    }

    fn get(&mut self, key: &'static str) -> Bound<'py, PyString> {
        // Keys are the views' static names: the same pointer, almost always.
        if let Some((_, k)) = self.keys.iter().find(|(s, _)| std::ptr::eq(*s, key)) {
            return k.clone();
        }
        if let Some((_, k)) = self.keys.iter().find(|(s, _)| *s == key) {
            return k.clone();
        }
        let k = PyString::new(self.py, key);
        self.keys.push((key, k.clone()));
        k
    }
}

/// A netstat or ss row as a dict.
fn view_row<'py>(keys: &mut Keys<'py>, row: Row<'_>) -> PyResult<Bound<'py, PyDict>> {
    let py = keys.py;
    let d = PyDict::new(py);
    for (k, v) in row.cells() {
        d.set_item(keys.get(k), py_str(py, v)?)?;
    }
    Ok(d)
}

/// A generic-table row (`netstat -i`, `-agn`) as a dict, leaving out `skip`.
fn word_row<'py>(py: Python<'py>, row: &WordRow, skip: Option<&str>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in &row.cells {
        if Some(k.as_str()) != skip {
            d.set_item(k, py_str(py, v)?)?;
        }
    }
    Ok(d)
}

/// The table kind of a netstat title, as insights names it.
fn table_kind(title: &str) -> Option<TableKind> {
    match title {
        "Active Internet connections (servers and established)" => Some(TableKind::Inet),
        "Active UNIX domain sockets (servers and established)" => Some(TableKind::Unix),
        _ => None,
    }
}

/// `field[__op]` and a value as a library search term.
fn terms(terms: Vec<(String, String)>) -> PyResult<Vec<Term>> {
    terms
        .into_iter()
        .map(|(k, v)| format!("{k}={v}").parse::<Term>().map_err(|e| PyValueError::new_err(e.to_string())))
        .collect()
}

/// Indexes of `found` rows within their table.
fn indexes(found: &[Row<'_>]) -> Vec<usize> {
    found.iter().map(Row::index).collect()
}

// ---------------------------------------------------------------------------------------

/// The parsed `netstat -neopa` view behind `netsift.insights.Netstat`.
#[pyclass(frozen, module = "netsift._netsift")]
pub struct NetstatCore {
    view: NetstatView,
    problem: Option<String>,
}

/// Parse netstat output (bytes) into a [`NetstatCore`]; the GIL is released meanwhile.
#[pyfunction]
#[pyo3(signature = (data, strict = true))]
fn parse_netstat(py: Python<'_>, data: PyBackedBytes, strict: bool) -> NetstatCore {
    py.allow_threads(|| {
        // The rows keep their lines in the caller's bytes (held by the view) rather than
        // copies of them: the capture is in memory once, not twice.
        let data = bytes::Bytes::from_owner(data);
        let mut view = NetstatView::new(CaptureSelect::Last);
        view.keep_lines_in(Some(data.clone()));
        let outcome = parse(&data, Format::Netstat, &mut view);
        view.keep_lines_in(None);
        NetstatCore { view, problem: outcome.problem(Format::Netstat, strict) }
    })
}

#[pymethods]
impl NetstatCore {
    /// Why the input gives no view (`None` when it does).
    #[getter]
    fn problem(&self) -> Option<String> {
        self.problem.clone()
    }

    /// The titles of the tables, in input order.
    fn titles(&self) -> Vec<&'static str> {
        self.view.tables().iter().map(|t| t.title).collect()
    }

    /// `data` and `datalist` together, sharing their strings (as insights' do):
    /// (title → column → values, title → rows as dicts with the derived keys).
    fn data_and_datalist<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
        let data = PyDict::new(py);
        let datalist = PyDict::new(py);
        let mut keys = Keys::new(py);
        for t in self.view.tables() {
            let columns: Vec<(&'static str, Bound<'py, PyList>)> =
                t.columns.iter().map(|c| (*c, PyList::empty(py))).collect();
            let rows = PyList::empty(py);
            for row in t.rows.iter() {
                let d = PyDict::new(py);
                let mut filled = 0usize;
                for (i, (k, v)) in row.cells().enumerate() {
                    let value = py_str(py, v)?;
                    // A row's cells are its table's columns in order, then the derived keys.
                    let column = match columns.get(i) {
                        Some((c, list)) if std::ptr::eq(*c, k) || *c == k => Some(list),
                        _ => columns.iter().find(|(c, _)| *c == k).map(|(_, list)| list),
                    };
                    if let Some(list) = column {
                        list.append(&value)?;
                        filled += 1;
                    }
                    d.set_item(keys.get(k), value)?;
                }
                // A column the row lacks reads as '' in `data` (insights slices every column).
                if filled < columns.len() {
                    for (c, list) in &columns {
                        if row.get(c).is_none() {
                            list.append("")?;
                        }
                    }
                }
                rows.append(d)?;
            }
            let cols = PyDict::new(py);
            for (c, list) in columns {
                cols.set_item(keys.get(c), list)?;
            }
            data.set_item(t.title, cols)?;
            datalist.set_item(t.title, rows)?;
        }
        Ok((data, datalist))
    }

    /// `lines`: title → each row's line exactly as read.
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for t in self.view.tables() {
            let lines = PyList::empty(py);
            for line in t.lines() {
                lines.append(py_str(py, line)?)?;
            }
            out.set_item(t.title, lines)?;
        }
        Ok(out)
    }

    /// `get_original_line(title, index)`: `None` for an unknown title; IndexError out of range.
    fn get_original_line<'py>(&self, py: Python<'py>, title: &str, index: i64) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(table) = self.view.tables().iter().find(|t| t.title == title) else { return Ok(None) };
        match self.view.get_original_line(title, index) {
            Some(line) => Ok(Some(py_str(py, line)?)),
            None => Err(PyIndexError::new_err(format!(
                "list index {index} out of range ({} rows in {title:?})",
                table.rows.len()
            ))),
        }
    }

    /// `running_processes`: a set of program names (internet table).
    fn running_processes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PySet>> {
        let set = PySet::empty(py)?;
        for name in self.view.running_processes() {
            set.add(name)?;
        }
        Ok(set)
    }

    /// `listening_pid`: PID → {'addr', 'port', 'name'}.
    fn listening_pid<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (pid, l) in self.view.listening_pid() {
            let d = PyDict::new(py);
            d.set_item("addr", l.addr)?;
            d.set_item("port", l.port)?;
            d.set_item("name", l.name)?;
            out.set_item(pid, d)?;
        }
        Ok(out)
    }

    /// Indexes of the rows of table `title` matching every `(field[__op], value)` term.
    fn search(&self, py: Python<'_>, title: &str, terms: Vec<(String, String)>) -> PyResult<Vec<usize>> {
        let terms = self::terms(terms)?;
        let Some(kind) = table_kind(title) else { return Ok(Vec::new()) };
        if !self.view.tables().iter().any(|t| t.title == title) {
            return Ok(Vec::new());
        }
        Ok(py.allow_threads(|| indexes(&self.view.search(&[kind], &terms))))
    }
}

// ---------------------------------------------------------------------------------------

/// The parsed `ss -tupna` view behind `netsift.insights.SsTUPNA` / `SsTULPN`.
#[pyclass(frozen, module = "netsift._netsift")]
pub struct SsCore {
    view: SsView,
    problem: Option<String>,
}

/// Parse ss output; `tulpn` keeps the LISTEN and UNCONN sockets only.
#[pyfunction]
#[pyo3(signature = (data, tulpn = false, strict = true))]
fn parse_ss(py: Python<'_>, data: PyBackedBytes, tulpn: bool, strict: bool) -> SsCore {
    let format = if tulpn { Format::SsTulpn } else { Format::Ss };
    py.allow_threads(|| {
        let mut view = SsView::new(CaptureSelect::Last, tulpn);
        let outcome = parse(&data, format, &mut view);
        SsCore { view, problem: outcome.problem(format, strict) }
    })
}

#[pymethods]
impl SsCore {
    /// Why the input gives no view (`None` when it does).
    #[getter]
    fn problem(&self) -> Option<String> {
        self.problem.clone()
    }

    /// The rows as dicts.
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let mut keys = Keys::new(py);
        let out = PyList::empty(py);
        for row in self.view.rows().iter() {
            out.append(view_row(&mut keys, row)?)?;
        }
        Ok(out)
    }

    /// Indexes of `get_service(name)`'s rows.
    fn get_service(&self, name: &str) -> Vec<usize> {
        indexes(&self.view.get_service(name))
    }

    /// Indexes of `get_localport(port)`'s rows.
    fn get_localport(&self, port: &str) -> Vec<usize> {
        indexes(&self.view.get_localport(port))
    }

    /// Indexes of `get_peerport(port)`'s rows.
    fn get_peerport(&self, port: &str) -> Vec<usize> {
        indexes(&self.view.get_peerport(port))
    }

    /// Indexes of `get_port(port)`'s rows (a row matching on both sides twice).
    fn get_port(&self, port: &str) -> Vec<usize> {
        indexes(&self.view.get_port(port))
    }
}

// ---------------------------------------------------------------------------------------

/// The parsed `netstat -s` view behind `netsift.insights.NetstatS`.
#[pyclass(frozen, module = "netsift._netsift")]
pub struct NetstatSCore {
    data: StatTable,
    problem: Option<String>,
}

/// Parse `netstat -s` output.
#[pyfunction]
#[pyo3(signature = (data, strict = false))]
fn parse_netstat_s(py: Python<'_>, data: PyBackedBytes, strict: bool) -> NetstatSCore {
    py.allow_threads(|| {
        let mut view = NetstatSView::new(CaptureSelect::Last);
        let outcome = parse(&data, Format::NetstatS, &mut view);
        NetstatSCore { data: view.data(), problem: outcome.problem(Format::NetstatS, strict) }
    })
}

fn stat_dict<'py>(py: Python<'py>, table: &StatTable) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in table.iter() {
        let value = match v {
            StatValue::Text(t) => py_str(py, t)?,
            StatValue::Table(t) => stat_dict(py, t)?.into_any(),
        };
        d.set_item(py_str(py, k)?, value)?;
    }
    Ok(d)
}

#[pymethods]
impl NetstatSCore {
    /// Why the input gives no view (`None` when it does).
    #[getter]
    fn problem(&self) -> Option<String> {
        self.problem.clone()
    }

    /// `data`: section → key → value or sub-table.
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        stat_dict(py, &self.data)
    }
}

// ---------------------------------------------------------------------------------------

/// The parsed `/proc/net/netstat` view behind `netsift.insights.ProcNsat`.
#[pyclass(frozen, module = "netsift._netsift")]
pub struct ProcCore {
    // A Mutex only to make the class `Sync`, as PyO3 asks (the view caches lazily).
    view: std::sync::Mutex<ProcNetstatView>,
    problem: Option<String>,
}

/// Parse `/proc/net/netstat` (or `/proc/net/snmp`) content.
#[pyfunction]
#[pyo3(signature = (data, strict = true))]
fn parse_proc_netstat(py: Python<'_>, data: PyBackedBytes, strict: bool) -> ProcCore {
    py.allow_threads(|| {
        let mut view = ProcNetstatView::new(CaptureSelect::Last);
        let outcome = parse(&data, Format::ProcNetstat, &mut view);
        ProcCore { view: std::sync::Mutex::new(view), problem: outcome.problem(Format::ProcNetstat, strict) }
    })
}

#[pymethods]
impl ProcCore {
    /// Why the input gives no view (`None` when it does).
    #[getter]
    fn problem(&self) -> Option<String> {
        self.problem.clone()
    }

    /// `data`: name → value text, the first two pairs (as insights).
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let view = self.view.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (name, value) in view.data() {
            d.set_item(py_str(py, name)?, value.to_string())?;
        }
        Ok(d)
    }

    /// `get_stats(name)`: an int, or `None` when absent; `Section:Name` reaches any counter.
    fn get_stats(&self, name: &str) -> Option<i128> {
        self.view.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get_stats(name)
    }
}

// ---------------------------------------------------------------------------------------

/// The parsed `netstat -i` view behind `netsift.insights.Netstat_I`.
#[pyclass(frozen, module = "netsift._netsift")]
pub struct IfaceCore {
    view: NetstatIView,
    problem: Option<String>,
}

/// Parse `netstat -i` output.
#[pyfunction]
#[pyo3(signature = (data, strict = false))]
fn parse_netstat_i(py: Python<'_>, data: PyBackedBytes, strict: bool) -> IfaceCore {
    py.allow_threads(|| {
        let mut view = NetstatIView::new(CaptureSelect::Last);
        let outcome = parse(&data, Format::NetstatI, &mut view);
        IfaceCore { view, problem: outcome.problem(Format::NetstatI, strict) }
    })
}

#[pymethods]
impl IfaceCore {
    /// Why the input gives no view (`None` when it does).
    #[getter]
    fn problem(&self) -> Option<String> {
        self.problem.clone()
    }

    /// `data`: the rows as dicts.
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for row in self.view.data() {
            out.append(word_row(py, row, None)?)?;
        }
        Ok(out)
    }

    /// `group_by_iface`: interface → its row without `Iface`.
    fn group_by_iface<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (iface, row) in self.view.group_by_iface() {
            out.set_item(iface, word_row(py, &row, Some("Iface"))?)?;
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------

/// The parsed `netstat -agn` view behind `netsift.insights.NetstatAGN`.
#[pyclass(frozen, module = "netsift._netsift")]
pub struct AgnCore {
    view: NetstatAgnView,
    problem: Option<String>,
}

/// Parse `netstat -agn` output.
#[pyfunction]
#[pyo3(signature = (data, strict = false))]
fn parse_netstat_agn(py: Python<'_>, data: PyBackedBytes, strict: bool) -> AgnCore {
    py.allow_threads(|| {
        let mut view = NetstatAgnView::new(CaptureSelect::Last);
        let outcome = parse(&data, Format::NetstatAgn, &mut view);
        AgnCore { view, problem: outcome.problem(Format::NetstatAgn, strict) }
    })
}

#[pymethods]
impl AgnCore {
    /// Why the input gives no view (`None` when it does).
    #[getter]
    fn problem(&self) -> Option<String> {
        self.problem.clone()
    }

    /// `data`: the rows as dicts.
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for row in self.view.data() {
            out.append(word_row(py, row, None)?)?;
        }
        Ok(out)
    }

    /// `group_by_iface()`: interface → its rows without `interface`.
    fn group_by_iface<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (iface, rows) in self.view.group_by_iface() {
            let list = PyList::empty(py);
            for row in &rows {
                list.append(word_row(py, row, Some("interface"))?)?;
            }
            out.set_item(iface, list)?;
        }
        Ok(out)
    }
}

/// insights' CommandParser gate for inputs of two lines or more: does a line contain
/// `missing dependencies:` (ASCII case-insensitive)?
#[pyfunction]
fn missing_dependencies(py: Python<'_>, data: PyBackedBytes) -> bool {
    const NEEDLE: &[u8] = b"missing dependencies:";
    // The needle ends in `s:` or `S:`: a pair rare in these outputs, which `memmem` finds
    // many bytes at a time (a walk over every `:` stops at each IPv6 address).
    let ends_at = |end: usize| end >= NEEDLE.len() && data[end - NEEDLE.len()..end].eq_ignore_ascii_case(NEEDLE);
    py.allow_threads(|| {
        [&b"s:"[..], &b"S:"[..]]
            .into_iter()
            .any(|tail| memchr::memmem::find_iter(&data, tail).any(|at| ends_at(at + 2)))
    })
}
