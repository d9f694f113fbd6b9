//! The fuzz corpus and crash regressions (fuzz/replay/<target>/), replayed on stable Rust
//! through the same checks as the cargo-fuzz targets (fuzz/fuzz_targets/common).

#[path = "../fuzz/fuzz_targets/common/mod.rs"]
mod common;

use std::path::Path;

#[test]
fn every_fuzz_input_passes_its_target_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/replay");
    let mut replayed = 0;
    for target in common::TARGETS {
        let Ok(dir) = std::fs::read_dir(root.join(target)) else { continue };
        for entry in dir {
            let path = entry.expect("entry").path();
            let data = std::fs::read(&path).expect("fuzz input");
            common::check_target(target, &data);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no fuzz input found under {}", root.display());
}

#[test]
fn the_checks_hold_on_the_fixtures() {
    // The same checks, on every fixture, through every target: the seeds of the corpus.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insights/fixtures");
    let mut n = 0;
    for entry in std::fs::read_dir(root).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let data = std::fs::read(&path).expect("fixture");
            for target in common::TARGETS {
                common::check_target(target, &data);
            }
            n += 1;
        }
    }
    assert!(n > 20);
}

#[test]
fn every_fuzz_target_is_replayed_from_its_own_inputs() {
    // A target added to fuzz/fuzz_targets but not to common::TARGETS, or without committed
    // inputs, would be fuzzed on nightly and never checked in CI.
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files: Vec<String> = std::fs::read_dir(fuzz.join("fuzz_targets"))
        .expect("fuzz targets")
        .filter_map(|entry| {
            let name = entry.expect("entry").file_name().into_string().expect("utf-8 name");
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    files.sort();
    let mut targets: Vec<String> = common::TARGETS.iter().map(|t| t.to_string()).collect();
    targets.sort();
    assert_eq!(files, targets, "fuzz/fuzz_targets/*.rs and common::TARGETS differ");
    for target in common::TARGETS {
        let inputs = std::fs::read_dir(fuzz.join("replay").join(target)).map(|dir| dir.count()).unwrap_or(0);
        assert!(inputs > 0, "fuzz/replay/{target}/ holds no input");
    }
}
