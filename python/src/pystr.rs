//! Bytes to Python `str`, the way insights holds them: UTF-8, and each byte that is not
//! valid UTF-8 as a lone surrogate (`surrogateescape`, PEP 383), which is lossless.

use std::ffi::c_char;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

/// A Python `str` of `bytes` (UTF-8, invalid bytes surrogate-escaped).
pub fn py_str<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: the pointer and length describe `bytes`, alive for the call; the error
    // handler name is a NUL-terminated static string; the result is a new reference
    // (or NULL with an exception set, which `from_owned_ptr_or_err` turns into an error).
    unsafe {
        let ptr = ffi::PyUnicode_DecodeUTF8(
            bytes.as_ptr().cast(),
            bytes.len() as ffi::Py_ssize_t,
            c"surrogateescape".as_ptr(),
        );
        Bound::from_owned_ptr_or_err(py, ptr)
    }
}

// In the stable ABI from Python 3.10 (and in every CPython since 3.3); pyo3 declares it only
// for 3.10 and up, so it is declared here and called only on 3.10 and up.
extern "C" {
    fn PyUnicode_AsUTF8AndSize(unicode: *mut ffi::PyObject, size: *mut ffi::Py_ssize_t) -> *const c_char;
}

/// `("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")` for a list or tuple of
/// `str`, in one copy into one `bytes` (the Python expression makes three 20 MB buffers
/// for a 20 MB capture). `None` when the expression must do it: another sequence or item
/// type, a line holding a lone surrogate (strict UTF-8 refuses it), or Python 3.9.
#[pyfunction]
pub fn join_lines<'py>(py: Python<'py>, lines: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyBytes>>> {
    if py.version_info() < (3, 10) {
        return Ok(None);
    }
    let (seq, list) = match (lines.downcast::<PyList>(), lines.downcast::<PyTuple>()) {
        (Ok(l), _) => (l.as_ptr(), true),
        (_, Ok(t)) => (t.as_ptr(), false),
        _ => return Ok(None),
    };
    // The UTF-8 of every line, borrowed from the `str` objects: the GIL is held and no
    // Python code runs until the bytes are built, so the sequence and its lines stay as
    // they are and alive.
    let mut parts: Vec<&[u8]> = Vec::new();
    // SAFETY: `seq` is a live list or tuple (checked above); the items are borrowed
    // references, valid while the sequence holds them (see above); for each `str`,
    // `PyUnicode_AsUTF8AndSize` returns a buffer of `size` bytes owned by the object (or
    // NULL with an exception, cleared here, when the text is not valid UTF-8).
    unsafe {
        let count = if list { ffi::PyList_Size(seq) } else { ffi::PyTuple_Size(seq) };
        parts.reserve(usize::try_from(count).unwrap_or(0));
        for i in 0..count {
            let item = if list { ffi::PyList_GetItem(seq, i) } else { ffi::PyTuple_GetItem(seq, i) };
            if item.is_null() || ffi::PyUnicode_Check(item) == 0 {
                ffi::PyErr_Clear();
                return Ok(None);
            }
            let mut size: ffi::Py_ssize_t = 0;
            let utf8 = PyUnicode_AsUTF8AndSize(item, &mut size);
            if utf8.is_null() {
                ffi::PyErr_Clear();
                return Ok(None);
            }
            parts.push(std::slice::from_raw_parts(utf8.cast::<u8>(), usize::try_from(size).unwrap_or(0)));
        }
    }
    let total = parts.iter().map(|p| p.len() + 1).sum();
    let bytes = PyBytes::new_with(py, total, |out| {
        let mut at = 0;
        for p in &parts {
            out[at..at + p.len()].copy_from_slice(p);
            out[at + p.len()] = b'\n';
            at += p.len() + 1;
        }
        Ok(())
    })?;
    Ok(Some(bytes))
}
