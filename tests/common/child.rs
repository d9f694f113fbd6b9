//! A run of the `netsift` binary whose output is hashed as it comes, and whose peak RSS
//! is read from `wait4` (std's `wait` does not give it), for the tests that bound the
//! memory of a whole process (`events_jobs_memory.rs`, `view_jobs_memory.rs`).
#![cfg(target_os = "linux")]

use std::io::Read;
use std::process::{Command, Stdio};

use md5::{Digest, Md5};

/// The md5 of the standard output of `netsift args` and its peak RSS in KiB.
// The child is waited for by `wait4`, which gives its resource usage.
#[allow(clippy::zombie_processes)]
pub fn run(args: &[&str]) -> ([u8; 16], i64) {
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
