//! `netsift.events()` and `netsift.scan()`: events pulled from a source chunk by chunk,
//! each kept as the CLI's JSON object (`netsift::events::json::write_event`) and turned
//! into Python values only when the caller looks at it. Memory stays flat: at most one
//! chunk's events (scan: a few batches) are held at a time.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use netsift::archive::{self, Member};
use netsift::events::json::write_event;
use netsift::{Event, Format, PushParser};
use pyo3::exceptions::{PyAttributeError, PyKeyError, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::pyjson::{loads, KeyCache};

/// Register the stream classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEvent>()?;
    m.add_class::<Record>()?;
    m.add_class::<EventStream>()?;
    m.add_class::<ScanStream>()?;
    m.add_function(wrap_pyfunction!(events, m)?)?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    Ok(())
}

/// Bytes read from the source at a time.
const CHUNK: usize = 1 << 16;

/// A Python binary file object as a `Read`: `.read(n)` under the GIL.
pub struct PyReader(Py<PyAny>);

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::with_gil(|py| {
            let got =
                self.0.bind(py).call_method1("read", (buf.len(),)).map_err(|e| io::Error::other(e.to_string()))?;
            if got.is_none() {
                return Ok(0); // a non-blocking stream with nothing yet: treated as its end
            }
            let bytes: PyBackedBytes = got.extract().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the file object's read() gave str, not bytes: open it in binary mode",
                )
            })?;
            let n = bytes.len().min(buf.len());
            buf[..n].copy_from_slice(&bytes[..n]);
            Ok(n)
        })
    }
}

/// Where events come from: a path, bytes, or a binary file object.
pub enum Source {
    /// A file on disk.
    Path(PathBuf),
    /// Bytes in memory.
    Bytes(PyBackedBytes),
    /// An object with `.read(n)`.
    Object(Py<PyAny>),
}

impl Source {
    /// Tell the source from a Python argument.
    pub fn from_py(source: &Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(b) = source.extract::<PyBackedBytes>() {
            return Ok(Source::Bytes(b));
        }
        if source.hasattr("read")? {
            return Ok(Source::Object(source.clone().unbind()));
        }
        let fspath = source.py().import("os")?.getattr("fspath")?;
        match fspath.call1((source,)) {
            Ok(p) => Ok(Source::Path(p.extract::<PathBuf>()?)),
            Err(_) => Err(PyTypeError::new_err(format!(
                "source must be a path (str or os.PathLike), bytes, or a binary file object, not {}",
                source.get_type().name()?
            ))),
        }
    }

    /// The source as a reader, decompressed as the CLI does (gzip, zstd, xz by their
    /// bytes). A tar archive is refused: that is `scan`'s job.
    pub fn open(self) -> PyResult<Box<dyn Read + Send>> {
        let (name, raw): (String, Box<dyn Read + Send>) = match self {
            Source::Path(p) => {
                if p.is_dir() {
                    return Err(PyValueError::new_err(format!(
                        "{}: is a directory: read it with netsift.scan()",
                        p.display()
                    )));
                }
                let f = File::open(&p).map_err(|e| PyOSError::new_err(format!("{}: {e}", p.display())))?;
                (p.display().to_string(), Box::new(f))
            }
            Source::Bytes(b) => ("<bytes>".to_string(), Box::new(Cursor::new(b))),
            Source::Object(o) => ("<file object>".to_string(), Box::new(PyReader(o))),
        };
        let io_err = |e: io::Error| PyOSError::new_err(format!("{name}: {e}"));
        let (reader, _) = netsift::input::decompressed(raw).map_err(io_err)?;
        let (first, reader) = archive::peek(reader, 512).map_err(io_err)?;
        if archive::is_tar(&first) {
            return Err(PyValueError::new_err(format!("{name}: is a tar archive: read it with netsift.scan()")));
        }
        Ok(Box::new(reader))
    }
}

/// A format name as the CLI spells it.
pub fn format_of(name: &str) -> PyResult<Format> {
    name.parse::<Format>()
        .map_err(|_| PyValueError::new_err(format!("unknown format {name:?} (one of: {})", Format::NAMES.join(", "))))
}

// ---------------------------------------------------------------------------------------

/// The key strings of every event read so far (a few dozen distinct names), shared.
static KEYS: std::sync::Mutex<Option<KeyCache>> = std::sync::Mutex::new(None);

fn with_keys<T>(f: impl FnOnce(&mut KeyCache) -> T) -> T {
    let mut guard = KEYS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    f(guard.get_or_insert_with(KeyCache::default))
}

/// One event: the CLI's JSON object, read into Python values on first use.
#[pyclass(frozen, name = "Event", module = "netsift._netsift")]
pub struct PyEvent {
    json: Box<[u8]>,
    dict: GILOnceCell<Py<PyDict>>,
}

impl PyEvent {
    /// An event of this JSON object.
    pub fn new(json: Box<[u8]>) -> Self {
        PyEvent { json, dict: GILOnceCell::new() }
    }

    /// The JSON text.
    pub fn json(&self) -> &[u8] {
        &self.json
    }

    fn dict<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyDict>> {
        let d = self.dict.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
            let v = with_keys(|keys| loads(py, &self.json, keys))?;
            Ok(v.downcast_into::<PyDict>()?.unbind())
        })?;
        Ok(d.bind(py))
    }
}

/// Nested objects read as attributes too (`e.local.port`); lists of objects hold records.
fn wrap<'py>(v: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = v.py();
    if let Ok(d) = v.downcast::<PyDict>() {
        return Ok(Bound::new(py, Record { dict: d.clone().unbind() })?.into_any());
    }
    if let Ok(l) = v.downcast::<PyList>() {
        if l.iter().any(|x| x.is_instance_of::<PyDict>()) {
            let out = PyList::empty(py);
            for x in l.iter() {
                out.append(wrap(x)?)?;
            }
            return Ok(out.into_any());
        }
    }
    Ok(v)
}

#[pymethods]
impl PyEvent {
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.dict(py)?.get_item(name)? {
            Some(v) => wrap(v),
            None => Err(PyAttributeError::new_err(format!("this {} event has no field {name:?}", self.kind(py)?))),
        }
    }

    fn __getitem__<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        self.dict(py)?.get_item(key)?.ok_or_else(|| PyKeyError::new_err(key.to_string()))
    }

    fn __contains__(&self, py: Python<'_>, key: &str) -> PyResult<bool> {
        self.dict(py)?.contains(key)
    }

    /// The event kind (`inet_conn`, `ss_socket`, `counter`, …), read without building
    /// the other fields: the writer puts it first.
    #[getter]
    fn kind(&self, py: Python<'_>) -> PyResult<String> {
        const PREFIX: &[u8] = b"{\"kind\":\"";
        if let Some(rest) = self.json.strip_prefix(PREFIX) {
            if let Some(end) = memchr::memchr(b'"', rest) {
                if let Ok(kind) = std::str::from_utf8(&rest[..end]) {
                    return Ok(kind.to_string());
                }
            }
        }
        self.dict(py)?.get_item("kind")?.map_or(Ok(String::new()), |k| k.extract())
    }

    /// The field names, in the CLI's order.
    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Ok(self.dict(py)?.keys())
    }

    /// The CLI's JSON object as a new dict (nested objects as dicts).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        with_keys(|keys| loads(py, &self.json, keys))
    }

    /// The CLI's JSON line (without the newline).
    fn to_json(&self) -> String {
        String::from_utf8_lossy(&self.json).into_owned()
    }

    fn __repr__(&self) -> String {
        format!("Event({})", String::from_utf8_lossy(&self.json))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.downcast::<PyEvent>().is_ok_and(|o| o.get().json == self.json)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.json.hash(&mut h);
        h.finish()
    }
}

/// A nested object of an event (`e.local`, `e.timer`, an entry of `e.process`): fields as
/// attributes or items.
#[pyclass(frozen, module = "netsift._netsift")]
pub struct Record {
    dict: Py<PyDict>,
}

#[pymethods]
impl Record {
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.dict.bind(py).get_item(name)? {
            Some(v) => wrap(v),
            None => Err(PyAttributeError::new_err(format!("no field {name:?}"))),
        }
    }

    fn __getitem__<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        self.dict.bind(py).get_item(key)?.ok_or_else(|| PyKeyError::new_err(key.to_string()))
    }

    fn __contains__(&self, py: Python<'_>, key: &str) -> PyResult<bool> {
        self.dict.bind(py).contains(key)
    }

    /// The fields as a new dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("copy")?.getattr("deepcopy")?.call1((self.dict.bind(py),))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        if let Ok(o) = other.downcast::<Record>() {
            return self.dict.bind(py).eq(o.get().dict.bind(py));
        }
        self.dict.bind(py).eq(other)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Record({})", self.dict.bind(py).repr()?))
    }
}

// ---------------------------------------------------------------------------------------

/// The events of one source, pulled a chunk at a time.
#[pyclass(module = "netsift._netsift")]
pub struct EventStream {
    // A Mutex only to make the class `Sync`, as PyO3 asks: `__next__` holds `&mut self`.
    reader: std::sync::Mutex<Box<dyn Read + Send>>,
    parser: PushParser,
    pending: VecDeque<Box<[u8]>>,
    chunk: Vec<u8>,
    done: bool,
    /// A read error met after some events, raised once they are taken.
    error: Option<String>,
}

impl EventStream {
    /// Read and parse until events are pending or the source is exhausted. No GIL.
    fn fill(&mut self) -> io::Result<()> {
        let EventStream { reader, parser, pending, chunk, done, .. } = self;
        let reader = reader.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut out = Vec::with_capacity(512);
        while pending.is_empty() && !*done {
            let n = loop {
                match reader.read(chunk) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            };
            let mut sink = |ev: Event<'_>| {
                out.clear();
                write_event(&mut out, &ev);
                pending.push_back(out.as_slice().into());
            };
            match n {
                Ok(0) => {
                    parser.finish(&mut sink);
                    *done = true;
                }
                Ok(n) => parser.feed(&chunk[..n], &mut sink),
                Err(e) => {
                    // Give the events decoded before the damage, then the error.
                    parser.finish(&mut sink);
                    *done = true;
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// The next event's JSON, or `None` at the end.
    pub fn next_json(&mut self, py: Python<'_>) -> PyResult<Option<Box<[u8]>>> {
        if self.pending.is_empty() && !self.done {
            let filled = py.allow_threads(|| self.fill());
            if let Err(e) = filled {
                if self.pending.is_empty() {
                    return Err(PyOSError::new_err(format!("reading the source: {e}")));
                }
                // The error comes after the events read before it.
                self.error = Some(e.to_string());
            }
        }
        if let Some(j) = self.pending.pop_front() {
            return Ok(Some(j));
        }
        if let Some(e) = self.error.take() {
            return Err(PyOSError::new_err(format!("reading the source: {e}")));
        }
        Ok(None)
    }
}

#[pymethods]
impl EventStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<PyEvent>> {
        Ok(self.next_json(py)?.map(PyEvent::new))
    }
}

/// `netsift.events(source, format="auto")`.
#[pyfunction]
#[pyo3(signature = (source, format = "auto"))]
fn events(py: Python<'_>, source: &Bound<'_, PyAny>, format: &str) -> PyResult<EventStream> {
    let format = format_of(format)?;
    let source = Source::from_py(source)?;
    // As the CLI: a file's name tells a kernel socket table's protocol (`/proc/net/udp6`).
    let parser = match &source {
        Source::Path(p) => PushParser::named(format, &p.display().to_string()),
        _ => PushParser::new(format),
    };
    let reader = py.allow_threads(|| source.open())?;
    Ok(EventStream {
        reader: std::sync::Mutex::new(reader),
        parser,
        pending: VecDeque::new(),
        chunk: vec![0; CHUNK],
        done: false,
        error: None,
    })
}

// ---------------------------------------------------------------------------------------

/// Events handed from the archive walker's thread: (member, JSON) batches, or an error.
type Batch = Result<Vec<(Arc<str>, Box<[u8]>)>, String>;

/// Events of a batch before it is handed over.
const BATCH: usize = 1024;

/// The events of every member of an archive that holds an output netsift reads, walked on
/// a thread of its own; batches wait in a bounded channel, so memory stays flat.
#[pyclass(module = "netsift._netsift")]
pub struct ScanStream {
    // A Mutex only to make the class `Sync`, as PyO3 asks.
    receiver: Option<std::sync::Mutex<Receiver<Batch>>>,
    current: VecDeque<(Arc<str>, Box<[u8]>)>,
    member: Option<(Arc<str>, Py<PyString>)>,
}

#[pymethods]
impl ScanStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        while self.current.is_empty() {
            let Some(rx) = &self.receiver else { return Ok(None) };
            match py.allow_threads(|| rx.lock().map_err(|_| std::sync::mpsc::RecvError).and_then(|rx| rx.recv())) {
                Ok(Ok(batch)) => self.current.extend(batch),
                Ok(Err(e)) => {
                    self.receiver = None;
                    return Err(PyOSError::new_err(e));
                }
                Err(_) => {
                    self.receiver = None;
                    return Ok(None);
                }
            }
        }
        let Some((member, json)) = self.current.pop_front() else { return Ok(None) };
        let name = match &self.member {
            Some((m, s)) if Arc::ptr_eq(m, &member) => s.clone_ref(py),
            _ => {
                let s = PyString::new(py, &member).unbind();
                self.member = Some((member.clone(), s.clone_ref(py)));
                s
            }
        };
        let ev = Bound::new(py, PyEvent::new(json))?;
        Ok(Some(PyTuple::new(py, [name.into_bound(py).into_any(), ev.into_any()])?))
    }
}

/// `netsift.scan(archive, format="auto")`: (member, event) pairs of a sosreport or insights
/// archive (a tar file, plain or compressed, or an unpacked directory).
#[pyfunction]
#[pyo3(signature = (archive, format = "auto"))]
fn scan(py: Python<'_>, archive: &Bound<'_, PyAny>, format: &str) -> PyResult<ScanStream> {
    let requested = format_of(format)?;
    let path: PathBuf = py.import("os")?.getattr("fspath")?.call1((archive,))?.extract()?;
    if !path.exists() {
        return Err(PyOSError::new_err(format!("{}: no such file or directory", path.display())));
    }
    let (tx, rx) = sync_channel::<Batch>(4);
    std::thread::Builder::new()
        .name("netsift-scan".into())
        .spawn(move || {
            let result = walk(&path, requested, &tx);
            let message = match result {
                Ok(0) => Some(format!(
                    "{}: no member holds an output netsift reads (looked for sos_commands/networking/, insights_commands/ and proc/net/ outputs)",
                    path.display()
                )),
                Ok(_) => None,
                Err(e) => Some(format!("{}: {e}", path.display())),
            };
            if let Some(m) = message {
                let _ = tx.send(Err(m));
            }
        })
        .map_err(|e| PyOSError::new_err(format!("cannot start the archive reader: {e}")))?;
    Ok(ScanStream { receiver: Some(std::sync::Mutex::new(rx)), current: VecDeque::new(), member: None })
}

/// Walk the archive, sending every parsed member's events; returns how many members were
/// parsed. Stops early (quietly) when the receiver is gone.
fn walk(path: &Path, requested: Format, tx: &SyncSender<Batch>) -> io::Result<usize> {
    let mut parsed = 0usize;
    let mut gone = false;
    let mut visit = |member: &Member, reader: &mut dyn Read| -> io::Result<ControlFlow<()>> {
        let Some((format, mut reader)) = archive::member_reader(requested, member, reader)? else {
            return Ok(ControlFlow::Continue(()));
        };
        parsed += 1;
        let name: Arc<str> = member.path.as_str().into();
        let mut parser = if format == Format::Auto { PushParser::new(format) } else { PushParser::resume(format) };
        let mut batch: Vec<(Arc<str>, Box<[u8]>)> = Vec::with_capacity(BATCH);
        let mut out = Vec::with_capacity(512);
        let mut sink = |ev: Event<'_>| {
            if gone {
                return;
            }
            out.clear();
            write_event(&mut out, &ev);
            // As the CLI's scan: the member is the object's last field.
            out.pop();
            out.extend_from_slice(b",\"member\":");
            netsift::json::string(&mut out, member.path.as_bytes());
            out.push(b'}');
            batch.push((name.clone(), out.as_slice().into()));
            if batch.len() >= BATCH {
                gone = tx.send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))).is_err();
            }
        };
        let fed = netsift::input::feed_reader(&mut parser, &mut reader, &mut sink, || false);
        if !batch.is_empty() && !gone {
            gone = tx.send(Ok(std::mem::take(&mut batch))).is_err();
        }
        fed.map_err(|b| io::Error::new(b.source.kind(), format!("{}: {}", member.path, b.source)))?;
        Ok(if gone { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
    };
    if path.is_dir() {
        archive::for_each_dir_member(path, &mut visit)?;
    } else {
        let file = File::open(path)?;
        let (reader, compression) = netsift::input::decompressed(file)?;
        let (first, reader) = archive::peek(reader, 512)?;
        if !archive::is_tar(&first) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not a tar archive (plain, gzip, zstd or xz) nor a directory",
            ));
        }
        archive::for_each_tar_member(reader, &mut visit)
            .map_err(|e| io::Error::new(e.kind(), format!("{} tar archive broken: {e}", compression.name())))?;
    }
    Ok(parsed)
}
