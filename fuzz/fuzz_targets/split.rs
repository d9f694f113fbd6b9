//! One input parsed in two parts from a guessed state: when the guess is taken, the
//! events must equal those of one parse (see common/mod.rs).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| common::check_split(input));
