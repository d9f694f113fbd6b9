//! The event stream does not depend on how the input was cut into chunks: every fixture,
//! cut at random points (and byte by byte), gives the same events as one single feed.

mod common;

use std::path::PathBuf;

use common::fixtures::{find, json_lines, pick};
use netsift::{Format, PushParser};
use proptest::prelude::*;

/// Every `.txt` and `.out` fixture.
fn fixtures() -> Vec<PathBuf> {
    find(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("txt" | "out")))
}

/// Every event as its JSON line, plus the line accounting.
fn events(input: &[u8], cuts: &[usize], cap: usize) -> (Vec<Vec<u8>>, netsift::push::LineStats) {
    json_lines(PushParser::with_line_cap(Format::Auto, cap), input, cuts, |_| {})
}

#[test]
fn byte_by_byte_equals_one_feed() {
    let files = fixtures();
    assert!(files.len() > 40, "fixtures not found");
    for file in files {
        let input = std::fs::read(&file).unwrap();
        let whole = events(&input, &[], 1 << 20);
        let cuts: Vec<usize> = (1..input.len()).collect();
        assert_eq!(events(&input, &cuts, 1 << 20), whole, "{}", file.display());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_cuts_equal_one_feed(index in 0usize..1000, mut cuts in proptest::collection::vec(0usize..50_000, 0..40)) {
        let files = fixtures();
        let (file, input) = pick(&files, index);
        cuts.sort_unstable();
        let whole = events(&input, &[], 1 << 20);
        prop_assert_eq!(events(&input, &cuts, 1 << 20), whole, "{}", file.display());
    }

    #[test]
    fn random_cuts_with_a_small_line_cap(index in 0usize..1000, mut cuts in proptest::collection::vec(0usize..50_000, 0..40)) {
        // With a 100-byte cap most rows are too long: the over-long reports must not
        // depend on the cuts either.
        let files = fixtures();
        let (file, input) = pick(&files, index);
        cuts.sort_unstable();
        prop_assert_eq!(events(&input, &cuts, 100), events(&input, &[], 100), "{}", file.display());
    }
}
