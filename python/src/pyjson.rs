//! The CLI's JSON objects (from `netsift::events::json::write_event`) turned straight into
//! Python values, as `json.loads` would give them, without the detour through a `str`.
//!
//! The writer escapes each byte that is not UTF-8 as a lone surrogate `\udcXX`; those are
//! turned back into the byte and the string decoded with `surrogateescape`, which gives the
//! same `str` as `json.loads` (and as insights reading the same file).

use std::collections::HashMap;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3::IntoPyObjectExt;

use crate::pystr::py_str;

/// Object keys seen before, so that each distinct key is one Python string.
#[derive(Default)]
pub struct KeyCache {
    keys: HashMap<Box<[u8]>, Py<PyString>>,
}

/// Parse one JSON value (the whole of `text`) into Python objects.
pub fn loads<'py>(py: Python<'py>, text: &[u8], keys: &mut KeyCache) -> PyResult<Bound<'py, PyAny>> {
    let mut p = Parser { py, s: text, i: 0, keys, buf: Vec::new() };
    let v = p.value()?;
    p.blanks();
    if p.i != p.s.len() {
        return Err(p.error("trailing characters"));
    }
    Ok(v)
}

struct Parser<'a, 'py> {
    py: Python<'py>,
    s: &'a [u8],
    i: usize,
    keys: &'a mut KeyCache,
    buf: Vec<u8>,
}

impl<'py> Parser<'_, 'py> {
    fn error(&self, what: &str) -> PyErr {
        PyValueError::new_err(format!("bad JSON at byte {}: {what}", self.i))
    }

    fn blanks(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn expect(&mut self, b: u8) -> PyResult<()> {
        self.blanks();
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", b as char)))
        }
    }

    fn value(&mut self) -> PyResult<Bound<'py, PyAny>> {
        self.blanks();
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                self.string()?;
                py_str(self.py, &self.buf)
            }
            Some(b't') => self.word(b"true", true.into_bound_py_any(self.py)?),
            Some(b'f') => self.word(b"false", false.into_bound_py_any(self.py)?),
            Some(b'n') => self.word(b"null", self.py.None().into_bound(self.py)),
            Some(_) => self.number(),
            None => Err(self.error("unexpected end")),
        }
    }

    fn word(&mut self, w: &[u8], v: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        if self.s[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.error("unknown word"))
        }
    }

    fn number(&mut self) -> PyResult<Bound<'py, PyAny>> {
        let start = self.i;
        while self.i < self.s.len() && matches!(self.s[self.i], b'-' | b'+' | b'0'..=b'9' | b'.' | b'e' | b'E') {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| self.error("bad number"))?;
        if text.contains(['.', 'e', 'E']) {
            let f: f64 = text.parse().map_err(|_| self.error("bad number"))?;
            return f.into_bound_py_any(self.py);
        }
        if let Ok(n) = text.parse::<i64>() {
            return n.into_bound_py_any(self.py);
        }
        match text.parse::<i128>() {
            Ok(n) => n.into_bound_py_any(self.py),
            Err(_) => {
                // Wider than 128 bits: Python's int() reads any size.
                let int = self.py.import("builtins")?.getattr("int")?;
                int.call1((text,))
            }
        }
    }

    fn hex4(&mut self) -> PyResult<u32> {
        let h = self.s.get(self.i..self.i + 4).ok_or_else(|| self.error("short \\u escape"))?;
        let h = std::str::from_utf8(h).map_err(|_| self.error("bad \\u escape"))?;
        let v = u32::from_str_radix(h, 16).map_err(|_| self.error("bad \\u escape"))?;
        self.i += 4;
        Ok(v)
    }

    /// Read a string into `self.buf` as bytes (escaped non-UTF-8 bytes restored).
    fn string(&mut self) -> PyResult<()> {
        self.expect(b'"')?;
        self.buf.clear();
        loop {
            let rest = &self.s[self.i..];
            let stop = memchr::memchr2(b'"', b'\\', rest).ok_or_else(|| self.error("unterminated string"))?;
            self.buf.extend_from_slice(&rest[..stop]);
            self.i += stop + 1;
            if rest[stop] == b'"' {
                return Ok(());
            }
            let e = self.peek().ok_or_else(|| self.error("unterminated escape"))?;
            self.i += 1;
            let c = match e {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let u = self.hex4()?;
                    if (0xDC80..=0xDCFF).contains(&u) {
                        // surrogateescape: the byte that was not UTF-8.
                        self.buf.push((u - 0xDC00) as u8);
                        continue;
                    }
                    if (0xD800..=0xDBFF).contains(&u) && self.s[self.i..].starts_with(b"\\u") {
                        self.i += 2;
                        let low = self.hex4()?;
                        let c = 0x10000 + ((u - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                        char::from_u32(c).unwrap_or('\u{FFFD}')
                    } else {
                        char::from_u32(u).unwrap_or('\u{FFFD}')
                    }
                }
                _ => return Err(self.error("unknown escape")),
            };
            let mut utf8 = [0u8; 4];
            self.buf.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        }
    }

    fn key(&mut self) -> PyResult<Bound<'py, PyAny>> {
        self.string()?;
        if let Some(k) = self.keys.keys.get(self.buf.as_slice()) {
            return Ok(k.bind(self.py).clone().into_any());
        }
        let k = py_str(self.py, &self.buf)?;
        if let Ok(s) = k.downcast::<PyString>() {
            self.keys.keys.insert(self.buf.clone().into_boxed_slice(), s.clone().unbind());
        }
        Ok(k)
    }

    fn object(&mut self) -> PyResult<Bound<'py, PyAny>> {
        self.expect(b'{')?;
        let d = PyDict::new(self.py);
        self.blanks();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(d.into_any());
        }
        loop {
            self.blanks();
            let k = self.key()?;
            self.expect(b':')?;
            let v = self.value()?;
            d.set_item(k, v)?;
            self.blanks();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(d.into_any());
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self) -> PyResult<Bound<'py, PyAny>> {
        self.expect(b'[')?;
        let l = PyList::empty(self.py);
        self.blanks();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(l.into_any());
        }
        loop {
            l.append(self.value()?)?;
            self.blanks();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(l.into_any());
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }
}
