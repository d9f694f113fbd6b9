//! `netsift.table()`: the events of one kind as Arrow columns, built with arrow-rs and
//! handed to pyarrow through the Arrow C stream interface (`__arrow_c_stream__`).
//!
//! The columns come from the CLI's JSON objects (the `netsift events` contract), so a field
//! added to an event becomes a column without a change here. Types are found from every
//! value of a field: integers → int64 (wider ones → decimal text), floats → float64,
//! strings → utf8, objects → struct, arrays → list; a field holding both numbers and
//! strings (a port: `22` or `"*"`) is utf8, numbers written as text.

use std::io::Read;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{ArrayRef, ListArray, RecordBatch, RecordBatchIterator, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema};
use netsift::events::json::write_event;
use netsift::{Event, PushParser};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::stream::{format_of, Source};

/// Register `table_stream`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TableStream>()?;
    m.add_function(wrap_pyfunction!(table_stream, m)?)?;
    Ok(())
}

/// A parsed JSON value.
#[derive(Debug, Clone)]
enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Obj(Vec<(String, Value)>),
    Arr(Vec<Value>),
}

/// A column's type, as found from its values.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Null,
    Bool,
    Int,
    Float,
    Str,
    Obj(Vec<(String, Ty)>),
    Arr(Box<Ty>),
}

impl Ty {
    fn of(v: &Value) -> Ty {
        match v {
            Value::Null => Ty::Null,
            Value::Bool(_) => Ty::Bool,
            Value::Int(_) => Ty::Int,
            Value::Float(_) => Ty::Float,
            Value::Str(_) => Ty::Str,
            Value::Obj(fields) => Ty::Obj(fields.iter().map(|(k, v)| (k.clone(), Ty::of(v))).collect()),
            Value::Arr(items) => Ty::Arr(Box::new(items.iter().fold(Ty::Null, |t, v| t.merge(Ty::of(v))))),
        }
    }

    /// The type holding values of both.
    fn merge(self, other: Ty) -> Ty {
        match (self, other) {
            (Ty::Null, t) | (t, Ty::Null) => t,
            (a, b) if a == b => a,
            (Ty::Int, Ty::Float) | (Ty::Float, Ty::Int) => Ty::Float,
            (Ty::Obj(mut a), Ty::Obj(b)) => {
                for (k, t) in b {
                    match a.iter_mut().find(|(ak, _)| *ak == k) {
                        Some((_, at)) => *at = std::mem::replace(at, Ty::Null).merge(t),
                        None => a.push((k, t)),
                    }
                }
                Ty::Obj(a)
            }
            (Ty::Arr(a), Ty::Arr(b)) => Ty::Arr(Box::new(a.merge(*b))),
            _ => Ty::Str,
        }
    }

    fn data_type(&self) -> DataType {
        match self {
            Ty::Null => DataType::Utf8, // no value seen: a column of nulls, typed as text
            Ty::Bool => DataType::Boolean,
            Ty::Int => DataType::Int64,
            Ty::Float => DataType::Float64,
            Ty::Str => DataType::Utf8,
            Ty::Obj(fields) => DataType::Struct(Self::fields(fields)),
            Ty::Arr(item) => DataType::List(Arc::new(Field::new("item", item.data_type(), true))),
        }
    }

    fn fields(fields: &[(String, Ty)]) -> Fields {
        fields.iter().map(|(k, t)| Field::new(k, t.data_type(), true)).collect()
    }
}

/// Builds one column of values of a known type.
enum Col {
    Bool(BooleanBuilder),
    Int(Int64Builder, bool),
    Float(Float64Builder),
    Str(StringBuilder),
    Obj(Vec<(String, Col)>, Vec<bool>),
    Arr(Box<Col>, Vec<i32>, Vec<bool>),
}

impl Col {
    fn new(ty: &Ty) -> Col {
        match ty {
            Ty::Bool => Col::Bool(BooleanBuilder::new()),
            // Integers wider than 64 bits turn the column into text at the end.
            Ty::Int => Col::Int(Int64Builder::new(), false),
            Ty::Float => Col::Float(Float64Builder::new()),
            Ty::Null | Ty::Str => Col::Str(StringBuilder::new()),
            Ty::Obj(fields) => Col::Obj(fields.iter().map(|(k, t)| (k.clone(), Col::new(t))).collect(), Vec::new()),
            Ty::Arr(item) => Col::Arr(Box::new(Col::new(item)), vec![0], Vec::new()),
        }
    }

    fn push(&mut self, v: Option<&Value>) -> Result<(), ArrowError> {
        match (self, v) {
            (Col::Bool(b), Some(Value::Bool(x))) => b.append_value(*x),
            (Col::Bool(b), _) => b.append_null(),
            (Col::Int(b, wide), Some(Value::Int(x))) => match i64::try_from(*x) {
                Ok(x) => b.append_value(x),
                Err(_) => {
                    *wide = true;
                    b.append_null();
                }
            },
            (Col::Int(b, _), _) => b.append_null(),
            (Col::Float(b), Some(Value::Float(x))) => b.append_value(*x),
            (Col::Float(b), Some(Value::Int(x))) => b.append_value(*x as f64),
            (Col::Float(b), _) => b.append_null(),
            (Col::Str(b), Some(Value::Str(s))) => b.append_value(s),
            (Col::Str(b), Some(Value::Int(x))) => b.append_value(x.to_string()),
            (Col::Str(b), Some(Value::Float(x))) => b.append_value(x.to_string()),
            (Col::Str(b), Some(Value::Bool(x))) => b.append_value(x.to_string()),
            (Col::Str(b), Some(v @ (Value::Obj(_) | Value::Arr(_)))) => b.append_value(format!("{v:?}")),
            (Col::Str(b), _) => b.append_null(),
            (Col::Obj(fields, valid), Some(Value::Obj(kv))) => {
                for (k, col) in fields.iter_mut() {
                    col.push(kv.iter().find(|(vk, _)| vk == k).map(|(_, v)| v))?;
                }
                valid.push(true);
            }
            (Col::Obj(fields, valid), _) => {
                for (_, col) in fields.iter_mut() {
                    col.push(None)?;
                }
                valid.push(false);
            }
            (Col::Arr(item, offsets, valid), Some(Value::Arr(items))) => {
                for v in items {
                    item.push(Some(v))?;
                }
                let last = offsets.last().copied().unwrap_or(0);
                let len = i32::try_from(items.len()).map_err(|_| ArrowError::ComputeError("list too long".into()))?;
                offsets.push(last + len);
                valid.push(true);
            }
            (Col::Arr(_, offsets, valid), _) => {
                offsets.push(offsets.last().copied().unwrap_or(0));
                valid.push(false);
            }
        }
        Ok(())
    }

    fn finish(self, ty: &Ty) -> Result<ArrayRef, ArrowError> {
        Ok(match self {
            Col::Bool(mut b) => Arc::new(b.finish()),
            Col::Int(mut b, false) => Arc::new(b.finish()),
            Col::Int(_, true) => {
                return Err(ArrowError::ComputeError("an integer wider than 64 bits (cast it from the events)".into()))
            }
            Col::Float(mut b) => Arc::new(b.finish()),
            Col::Str(mut b) => Arc::new(b.finish()),
            Col::Obj(fields, valid) => {
                let Ty::Obj(tys) = ty else { return Err(ArrowError::ComputeError("type mismatch".into())) };
                let arrays =
                    fields.into_iter().zip(tys).map(|((_, c), (_, t))| c.finish(t)).collect::<Result<Vec<_>, _>>()?;
                if tys.is_empty() {
                    Arc::new(StructArray::new_empty_fields(valid.len(), Some(NullBuffer::from(valid))))
                } else {
                    Arc::new(StructArray::try_new(Ty::fields(tys), arrays, Some(NullBuffer::from(valid)))?)
                }
            }
            Col::Arr(item, offsets, valid) => {
                let Ty::Arr(item_ty) = ty else { return Err(ArrowError::ComputeError("type mismatch".into())) };
                let values = item.finish(item_ty)?;
                let field = Arc::new(Field::new("item", item_ty.data_type(), true));
                Arc::new(ListArray::try_new(
                    field,
                    OffsetBuffer::new(offsets.into()),
                    values,
                    Some(NullBuffer::from(valid)),
                )?)
            }
        })
    }
}

/// The events of one kind of a source, as a record batch.
fn build(reader: &mut dyn Read, format: netsift::Format, kind: &str) -> Result<RecordBatch, String> {
    // The JSON objects of the kind, kept for the two passes (types, then values).
    let mut objects: Vec<Box<[u8]>> = Vec::new();
    let mut out = Vec::with_capacity(512);
    let mut parser = PushParser::new(format);
    let mut sink = |ev: Event<'_>| {
        if ev.kind.name() == kind {
            out.clear();
            write_event(&mut out, &ev);
            objects.push(out.as_slice().into());
        }
    };
    netsift::input::feed_reader(&mut parser, reader, &mut sink, || false).map_err(|b| b.source.to_string())?;
    let mut ty = Ty::Obj(Vec::new());
    for o in &objects {
        ty = ty.merge(Ty::of(&parse(o)?));
    }
    let Ty::Obj(fields) = &ty else { return Err("an event is not a JSON object".into()) };
    let mut cols: Vec<Col> = fields.iter().map(|(_, t)| Col::new(t)).collect();
    for o in &objects {
        let Value::Obj(kv) = parse(o)? else { return Err("an event is not a JSON object".into()) };
        for ((k, _), col) in fields.iter().zip(cols.iter_mut()) {
            col.push(kv.iter().find(|(vk, _)| vk == k).map(|(_, v)| v)).map_err(|e| e.to_string())?;
        }
    }
    drop(objects);
    let arrays = cols
        .into_iter()
        .zip(fields)
        .map(|(c, (_, t))| c.finish(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let schema = Arc::new(Schema::new(Ty::fields(fields)));
    if fields.is_empty() {
        return Ok(RecordBatch::new_empty(schema));
    }
    RecordBatch::try_new(schema, arrays).map_err(|e| e.to_string())
}

/// The batch behind `netsift.table()`, exported once through the Arrow C stream interface.
#[pyclass(module = "netsift._netsift")]
pub struct TableStream {
    batch: Option<RecordBatch>,
}

#[pymethods]
impl TableStream {
    /// The Arrow C stream of the table (a PyCapsule named `arrow_array_stream`).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &mut self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema; // the table is given in its own schema
        let batch = self.batch.take().ok_or_else(|| PyValueError::new_err("the table was already exported"))?;
        let schema = batch.schema();
        let reader = RecordBatchIterator::new(vec![Ok(batch)], schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new(py, stream, Some(c"arrow_array_stream".to_owned()))
    }

    /// Rows in the table (before export).
    fn num_rows(&self) -> usize {
        self.batch.as_ref().map_or(0, |b| b.num_rows())
    }
}

/// Parse `source` and build the table of the events of `kind`; the GIL is released.
#[pyfunction]
#[pyo3(signature = (source, kind, format = "auto"))]
fn table_stream(py: Python<'_>, source: &Bound<'_, PyAny>, kind: &str, format: &str) -> PyResult<TableStream> {
    if !netsift::EventKind::NAMES.contains(&kind) {
        return Err(PyValueError::new_err(format!(
            "unknown event kind {kind:?} (one of: {})",
            netsift::EventKind::NAMES.join(", ")
        )));
    }
    let format = format_of(format)?;
    let source = Source::from_py(source)?;
    let kind = kind.to_string();
    let batch = py.allow_threads(move || -> PyResult<RecordBatch> {
        let mut reader = source.open()?;
        build(&mut reader, format, &kind).map_err(PyOSError::new_err)
    })?;
    Ok(TableStream { batch: Some(batch) })
}

/// Parse one JSON object as the CLI writes it.
fn parse(text: &[u8]) -> Result<Value, String> {
    let mut p = Json { s: text, i: 0 };
    p.value()
}

struct Json<'a> {
    s: &'a [u8],
    i: usize,
}

impl Json<'_> {
    fn blanks(&mut self) {
        while self.s.get(self.i).is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn err(&self, what: &str) -> String {
        format!("bad event JSON at byte {}: {what}", self.i)
    }

    fn value(&mut self) -> Result<Value, String> {
        self.blanks();
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut kv = Vec::new();
                loop {
                    self.blanks();
                    if self.s.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        return Ok(Value::Obj(kv));
                    }
                    if self.s.get(self.i) == Some(&b',') {
                        self.i += 1;
                        self.blanks();
                    }
                    let k = self.string()?;
                    self.blanks();
                    if self.s.get(self.i) != Some(&b':') {
                        return Err(self.err("expected `:`"));
                    }
                    self.i += 1;
                    kv.push((k, self.value()?));
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.blanks();
                    match self.s.get(self.i) {
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::Arr(items));
                        }
                        Some(b',') => self.i += 1,
                        Some(_) => items.push(self.value()?),
                        None => return Err(self.err("unterminated array")),
                    }
                }
            }
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(_) => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| self.err("bad number"))?;
                if let Ok(n) = t.parse::<i128>() {
                    Ok(Value::Int(n))
                } else {
                    t.parse::<f64>().map(Value::Float).map_err(|_| self.err("bad number"))
                }
            }
            None => Err(self.err("unexpected end")),
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Value, String> {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err("unknown word"))
        }
    }

    /// A string; bytes that were not UTF-8 (`\udcXX`) become U+FFFD: Arrow strings are UTF-8.
    fn string(&mut self) -> Result<String, String> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            let rest = &self.s[self.i..];
            let stop = memchr::memchr2(b'"', b'\\', rest).ok_or_else(|| self.err("unterminated string"))?;
            out.push_str(std::str::from_utf8(&rest[..stop]).map_err(|_| self.err("not UTF-8"))?);
            self.i += stop + 1;
            if rest[stop] == b'"' {
                return Ok(out);
            }
            let e = *self.s.get(self.i).ok_or_else(|| self.err("unterminated escape"))?;
            self.i += 1;
            out.push(match e {
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'u' => {
                    let h = self.s.get(self.i..self.i + 4).ok_or_else(|| self.err("short escape"))?;
                    let u = u32::from_str_radix(std::str::from_utf8(h).unwrap_or("x"), 16)
                        .map_err(|_| self.err("bad escape"))?;
                    self.i += 4;
                    if (0xD800..=0xDBFF).contains(&u) && self.s[self.i..].starts_with(b"\\u") {
                        let h = self.s.get(self.i + 2..self.i + 6).ok_or_else(|| self.err("short escape"))?;
                        let low = u32::from_str_radix(std::str::from_utf8(h).unwrap_or("x"), 16)
                            .map_err(|_| self.err("bad escape"))?;
                        self.i += 6;
                        char::from_u32(0x10000 + ((u - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF))
                            .unwrap_or('\u{FFFD}')
                    } else {
                        char::from_u32(u).unwrap_or('\u{FFFD}')
                    }
                }
                other => other as char,
            });
        }
    }
}
