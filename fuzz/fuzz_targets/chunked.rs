//! The fuzzer chooses where the input is cut: the events must equal those of one feed
//! (see common/mod.rs).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| common::check_chunking(input));
