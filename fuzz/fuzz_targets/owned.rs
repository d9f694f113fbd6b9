//! Owned events (`OwnedEvents`, made a batch at a time and re-pointed into the bytes they
//! keep) against the borrowed events of one feed: the fuzzer chooses where the input is
//! cut (see common/mod.rs). Every owned event is kept to the end, after the chunks it came
//! from were dropped by the caller, and must then still read as its borrowed twin.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| common::check_owned(input));
