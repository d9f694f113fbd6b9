//! The fast values reader of /proc/net/netstat against its reference (see common/mod.rs,
//! `check_proc_net_fast`).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::check_proc_net_fast(data));
