//! `netsift events --jobs 2 FILE` on an input whose JSON is 9× its bytes: the output is
//! that of `--jobs 1`, and the memory stays that of `--jobs 1` plus a few MiB, however far
//! a worker runs ahead of the part being written (it waits: `cli/split.rs`). With the whole
//! output, or a whole part's, held until its turn, the peak would grow with the input.
#![cfg(target_os = "linux")]

mod common;

use common::child::run;

#[test]
fn events_on_many_cores_holds_a_few_chunks_not_the_output() {
    // A periodic /proc/net/netstat+snmp log of about 12 MB (2,000 captures).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/captured");
    let mut capture = std::fs::read(dir.join("deb12_proc-net-netstat.txt")).expect("fixture");
    capture.extend(std::fs::read(dir.join("deb12_proc-net-snmp.txt")).expect("fixture"));
    let mut input = Vec::new();
    while input.len() < 12 << 20 {
        input.extend_from_slice(format!("Sun Dec  6 10:{:02}:14 UTC 2026\n", input.len() % 60).as_bytes());
        input.extend_from_slice(&capture);
    }
    let path = std::env::temp_dir().join(format!("netsift-events-jobs-memory-{}.txt", std::process::id()));
    std::fs::write(&path, &input).expect("temp file");
    let file = path.display().to_string();
    let (one, one_peak) = run(&["events", "--jobs", "1", "-f", "proc-netstat", &file]);
    let (two, two_peak) = run(&["events", "--jobs", "2", "-f", "proc-netstat", &file]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(one, two, "--jobs 2 wrote other bytes than --jobs 1");
    // About 100 MB of JSON went out; each of two workers may hold 1.25 MiB of it (`HELD`).
    assert!(two_peak <= one_peak + 4096, "peak RSS --jobs 2 {two_peak} KiB, --jobs 1 {one_peak} KiB");
}
