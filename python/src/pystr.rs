//! Bytes to Python `str`, the way insights holds them: UTF-8, and each byte that is not
//! valid UTF-8 as a lone surrogate (`surrogateescape`, PEP 383), which is lossless.

use pyo3::ffi;
use pyo3::prelude::*;

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
