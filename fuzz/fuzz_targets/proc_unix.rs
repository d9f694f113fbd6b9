//! Any bytes through the `/proc/net/unix` parser (see common/mod.rs for what is checked).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::check_target("proc_unix", data));
