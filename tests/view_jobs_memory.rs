//! `netsift view --jobs 2 FILE` on a periodic netstat log: its parts are mapped and the
//! rows keep their lines there (`cli/split.rs`, `views/rows.rs`), so a part's map must go
//! when the last row that keeps it goes. The pages of a mapped file count in the peak RSS:
//! were the maps of earlier captures kept, the peak would grow with the log, as it would if
//! the whole file were mapped at once. The output is that of `--jobs 1` and `--no-mmap`.
#![cfg(target_os = "linux")]

mod common;

use common::child::run;

/// A periodic netstat log of at least `bytes`: the captured log (four captures) again and
/// again, written a copy at a time. (Built whole in this process, the log stayed in its
/// heap, and a child's peak RSS counts what it shares with this process before `exec`.)
fn log_file(bytes: usize, name: &str) -> tempfile::TempPath {
    use std::io::Write;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/captured");
    let captures = std::fs::read(dir.join("deb12_periodic_netstat-neopa.txt")).expect("fixture");
    let mut file = tempfile::Builder::new().prefix(name).tempfile().expect("a temporary file");
    let mut written = 0;
    while written < bytes {
        file.write_all(&captures).expect("temp file");
        written += captures.len();
    }
    file.into_temp_path()
}

#[test]
fn mapped_parts_of_earlier_captures_are_let_go() {
    let small = log_file(8 << 20, "netsift-view-jobs-small");
    let large = log_file(32 << 20, "netsift-view-jobs-large");
    let (small, large) = (small.display().to_string(), large.display().to_string());
    let view = |file: &str, jobs: &str, mmap: bool| {
        let mut args = vec!["view", "-f", "netstat", "--jobs", jobs, file];
        if !mmap {
            args.push("--no-mmap");
        }
        run(&args)
    };
    let (one, _) = view(&large, "1", true);
    let (read, read_peak) = view(&large, "2", false);
    let (mapped, large_peak) = view(&large, "2", true);
    let (_, small_peak) = view(&small, "2", true);
    assert_eq!(mapped, one, "--jobs 2 wrote other bytes than --jobs 1");
    assert_eq!(read, one, "--jobs 2 --no-mmap wrote other bytes than --jobs 1");
    // 24 MiB more of the log: the same last capture, a few parts at a time. (The parts
    // waiting for their turn held every capture of theirs, and the maps of their last:
    // 22 and 47 MB, then 14 and 23 MB, where it is now 10 and 12 MB.)
    assert!(large_peak <= small_peak + 4096, "peak RSS {large_peak} KiB on 32 MiB, {small_peak} KiB on 8 MiB");
    assert!(large_peak <= read_peak + 4096, "peak RSS {large_peak} KiB mapped, {read_peak} KiB read");
    // Issue 11's bound: 1.5x the capture (under a fourth of the four-capture log) + 16 MiB.
    assert!(large_peak <= 16 * 1024 + 16, "peak RSS {large_peak} KiB for a capture of about 10 KiB");
}
