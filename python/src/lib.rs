//! `netsift._netsift`: the Rust half of the Python package `netsift`.
//!
//! The Python modules (`netsift/__init__.py`, `netsift/insights/`) hold the insights-core
//! compatible classes and argument handling; this module does the work with the GIL
//! released (parsing, searching) and builds Python objects only when asked:
//!
//! - [`views`]: one "core" object per insights parser, holding the library's view
//!   (`netsift::views`) of the input and answering each attribute from it;
//! - [`stream`]: `events()` and `scan()`, pulled chunk by chunk, each event the CLI's JSON
//!   object (written by `netsift::events::json::write_event`) turned into Python values;
//! - [`table`]: the events of one kind as typed Arrow columns (a fixed schema per kind),
//!   built from the borrowed events and handed to pyarrow through the Arrow C stream
//!   interface;
//! - [`ahead`]: the input read window by window on a thread of its own, the next window
//!   while this one is parsed;
//! - [`parts`]: an input in memory parsed in parts on every core, with exactly the events
//!   of one parse (the guessed-state scheme of the CLI's `--jobs`);
//! - [`pystr`]: bytes to `str` as insights holds them, and `str` lines to the bytes parsed.
//!
//! The library APIs used are the stable public ones: `PushParser` (with `guess_for_part`
//! and `agrees`), `Sink`, the views' public methods, the JSON event writer,
//! `input::decompressed` and the archive walkers.

// Every public item says what it is for.
#![warn(missing_docs)]

use pyo3::prelude::*;

mod ahead;
mod columns;
mod parts;
mod pyjson;
mod pystr;
mod stream;
mod table;
mod views;

/// The extension module.
#[pymodule]
fn _netsift(m: &Bound<'_, PyModule>) -> PyResult<()> {
    views::register(m)?;
    stream::register(m)?;
    table::register(m)?;
    m.add_function(wrap_pyfunction!(pystr::join_lines, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
