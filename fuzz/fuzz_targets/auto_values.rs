//! `auto` does not ask the formats about a /proc values line: for any line, it is either
//! no such line or one that no format claims under any current format (see common/mod.rs).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::check_auto_values(data));
