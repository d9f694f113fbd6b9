//! Many files on many cores, one file's output after another.
//!
//! Workers take the files in order and parse one each at a time. What a worker produces
//! goes through a small bounded channel of its file; the calling thread drains the
//! channels in file order. So the output is exactly that of reading the files one after
//! the other, and memory stays bounded: a worker ahead of the file being written waits
//! once its channel is full (at most `CHANNEL_DEPTH` chunks per file being parsed).
//!
//! ```text
//!   worker 1: file 1 ─▶ [chunk, chunk, …] ─┐
//!   worker 2: file 2 ─▶ [chunk, … full ⏸]  ├─▶ caller: all of file 1, then all of file 2, …
//!   worker 1: file 3 (after file 1) ───────┘
//! ```

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::input::Outcome;

/// Chunks a worker may have waiting per file: 16 MiB of output at 64 KiB a chunk. A file
/// ahead of the one being written is parsed that far before its worker waits; the bound
/// trades memory (workers × 16 MiB at most) for overlap.
const CHANNEL_DEPTH: usize = 256;

/// What a worker sends for its file: output as it goes, then the file's outcome and result.
pub enum Delivery<R> {
    /// Some output of the file, in order.
    Chunk(Vec<u8>),
    /// The file is done (boxed: it is sent once per file, chunks many times).
    Done(Box<Outcome>, R),
}

/// How many workers to run for `files` inputs: `jobs` when given, else one per core.
pub fn workers(jobs: Option<usize>, files: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    jobs.unwrap_or(cores).clamp(1, files.max(1))
}

/// Run `work` on every file on `workers` threads and hand what each file produced to
/// `deliver`, file by file in order. `work` gets the file and a function that sends a
/// chunk of output; it returns the file's outcome and its own result.
pub fn run<R, W, D>(files: &[PathBuf], workers: usize, work: W, mut deliver: D)
where
    R: Send,
    W: Fn(&PathBuf, &mut dyn FnMut(Vec<u8>)) -> (Outcome, R) + Sync,
    D: FnMut(usize, Delivery<R>),
{
    type Channel<R> = (SyncSender<Delivery<R>>, Receiver<Delivery<R>>);
    let (senders, receivers): (Vec<_>, Vec<_>) =
        files.iter().map(|_| -> Channel<R> { sync_channel(CHANNEL_DEPTH) }).unzip();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let (Some(file), Some(sender)) = (files.get(index), senders.get(index)) else { break };
                // A closed channel means the caller stopped reading: the rest is dropped.
                let mut send = |chunk: Vec<u8>| {
                    let _ = sender.send(Delivery::Chunk(chunk));
                };
                let (outcome, result) = work(file, &mut send);
                let _ = sender.send(Delivery::Done(Box::new(outcome), result));
            });
        }
        for (index, receiver) in receivers.into_iter().enumerate() {
            // Files are taken in order, so the worker of this file has started, and it
            // ends with `Done` (or its sender is dropped if it panicked).
            while let Ok(delivery) = receiver.recv() {
                let done = matches!(delivery, Delivery::Done(..));
                deliver(index, delivery);
                if done {
                    break;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_comes_file_by_file_in_order_whatever_the_workers() {
        let files: Vec<PathBuf> = (0..7).map(|i| PathBuf::from(format!("f{i}"))).collect();
        for workers in [1, 2, 3, 8] {
            let mut seen = Vec::new();
            run(
                &files,
                workers,
                |file, send| {
                    // Later files finish first, and each sends more chunks than the channel holds.
                    let n: u64 = file.to_string_lossy()[1..].parse().unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(7 - n));
                    for k in 0..(CHANNEL_DEPTH as u64 * 2) {
                        send(format!("{n}.{k} ").into_bytes());
                    }
                    (Outcome::default(), n)
                },
                |index, delivery| match delivery {
                    Delivery::Chunk(c) => seen.push(String::from_utf8(c).unwrap()),
                    Delivery::Done(_, n) => seen.push(format!("done {index}={n}")),
                },
            );
            let expected: Vec<String> = (0..7u64)
                .flat_map(|n| {
                    (0..CHANNEL_DEPTH as u64 * 2).map(move |k| format!("{n}.{k} ")).chain([format!("done {n}={n}")])
                })
                .collect();
            assert_eq!(seen, expected, "{workers} workers");
        }
    }

    #[test]
    fn workers_are_bounded_by_the_files() {
        assert_eq!(workers(Some(8), 3), 3);
        assert_eq!(workers(Some(0), 3), 1);
        assert_eq!(workers(Some(2), 0), 1);
    }
}
