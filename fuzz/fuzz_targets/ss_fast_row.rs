//! The hand-written ss row reader against the combinator grammar (see common/mod.rs,
//! `check_ss_fast_row`).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::check_ss_fast_row(data));
