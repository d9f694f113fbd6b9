//! Helpers shared by the integration tests; a test file takes them with `mod common;`.
//! Not every file uses every helper, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod child;
pub mod fixtures;
pub mod insights;
pub mod peak_alloc;
