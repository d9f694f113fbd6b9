//! Any bytes through the `ProcNetDev` parser (see common/mod.rs for what is checked).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use netsift::Format;

fuzz_target!(|data: &[u8]| common::check_format(Format::ProcNetDev, data));
