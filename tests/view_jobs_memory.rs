//! `netsift view --jobs 2 FILE` on a periodic netstat log: its parts are mapped and the
//! rows keep their lines there (`cli/split.rs`, `views/rows.rs`), so a part's map must go
//! when the last row that keeps it goes. The pages of a mapped file count in the peak RSS:
//! were the maps of earlier captures kept, the peak would grow with the log, as it would if
//! the whole file were mapped at once. The output is that of `--jobs 1` and `--no-mmap`.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::process::{Command, Stdio};

use md5::{Digest, Md5};

/// The md5 of the standard output of `netsift args` and its peak RSS in KiB.
// The child is waited for by `wait4`, which gives its resource usage (std's `wait` does not).
#[allow(clippy::zombie_processes)]
fn run(args: &[&str]) -> ([u8; 16], i64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_netsift"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run netsift");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut hash = Md5::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = stdout.read(&mut buf).expect("read the output");
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is valid; wait4 fills it for the exited child `pid`.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "netsift {args:?} failed: {status}");
    (hash.finalize().into(), usage.ru_maxrss)
}

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
