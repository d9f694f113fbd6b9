//! Any lines through the hand-written netstat row readers and the grammar's (see
//! common/mod.rs): the rows the fast readers accept must equal the grammar's.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::check_fast_netstat(data));
