//! `read_events` reads whole lines into blocks it re-uses while the caller drops each event
//! before the next read, and splits fresh blocks once the caller keeps events. Whatever
//! the reads' sizes and whatever the caller keeps, its events are those of the whole input
//! fed to `OwnedEvents` at once (which tests/owned_events.rs holds to the borrowed events).

mod common;

use std::io::{self, Read};

use bytes::Bytes;
use netsift::{Format, OwnedEvent, OwnedEvents};

/// A reader that gives `data` in reads of the sizes of `sizes` in turn (each cut to the
/// buffer it is given), failing with `Interrupted` before every fifth.
struct Reads<'a> {
    data: &'a [u8],
    sizes: &'a [usize],
    calls: usize,
}

impl<'a> Reads<'a> {
    fn new(data: &'a [u8], sizes: &'a [usize]) -> Self {
        Reads { data, sizes, calls: 0 }
    }
}

impl Read for Reads<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls % 5 == 0 {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = self.sizes[self.calls % self.sizes.len()].min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The owned events of `input` fed at once.
fn expected(format: Format, input: &[u8]) -> Vec<OwnedEvent> {
    let mut parser = OwnedEvents::new(format);
    let mut out = Vec::new();
    parser.feed(Bytes::copy_from_slice(input), |ev| out.push(ev));
    parser.finish(|ev| out.push(ev));
    out
}

/// Which events (by index) a caller keeps.
type Keep = fn(usize) -> bool;

/// Iterate `input` read in `sizes`, keeping the events `keep` picks by index and dropping
/// the others once compared; compare the kept ones again at the end (their bytes must not
/// have been read over). Returns how many events there were.
fn assert_read(format: Format, input: &[u8], sizes: &[usize], keep: Keep, what: &str) -> usize {
    let expected = expected(format, input);
    let mut kept = Vec::new();
    let mut n = 0;
    for event in netsift::read_events(Reads::new(input, sizes), format) {
        let event = event.unwrap_or_else(|e| panic!("{what}: {e}"));
        let Some(want) = expected.get(n) else { panic!("{what}: extra event {n}: {event:?}") };
        assert_eq!(&event, want, "{what}: event {n}");
        if keep(n) {
            kept.push((n, event));
        }
        n += 1;
    }
    assert_eq!(n, expected.len(), "{what}: events missing");
    for (i, event) in kept {
        assert_eq!(event, expected[i], "{what}: kept event {i}");
    }
    n
}

/// Captures of every format, repeated into inputs of several blocks (a block is 128 KiB).
fn long_inputs() -> Vec<(String, Format, Vec<u8>)> {
    let names = [
        ("corpus/real/r1_netstat-s.txt", Format::NetstatS),
        ("corpus/real/r1_proc-net-netstat.txt", Format::ProcNetstat),
        ("corpus/real/r1_ss-tupnai.txt", Format::Ss),
        ("corpus/peer/percona_netstat-antp_7.txt", Format::Netstat),
        ("captured/deb12_nstat-a.txt", Format::Nstat),
    ];
    names
        .iter()
        .map(|(name, format)| {
            let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
            let one = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let input = one.repeat((600 << 10) / one.len() + 1);
            (name.to_string(), *format, input)
        })
        .collect()
}

#[test]
fn events_dropped_as_read_equal_the_whole_inputs_for_every_read_size() {
    let sizes: [&[usize]; 5] = [&[usize::MAX], &[65536], &[100_000, 1, 30_000], &[4096], &[997, 13]];
    for (name, format, input) in long_inputs() {
        for sizes in sizes {
            let n = assert_read(format, &input, sizes, |_| false, &format!("{name} in {sizes:?}"));
            assert!(n > 500, "{name}: {n}");
        }
    }
}

#[test]
fn events_kept_now_and_then_equal_the_whole_inputs() {
    for (name, format, input) in long_inputs() {
        // All of them; one in a thousand (each read after the first holding a block);
        // only some early ones (the blocks are split from then on).
        let keeps: [(&str, Keep); 3] =
            [("all", |_| true), ("1 in 1000", |i| i % 1000 == 999), ("early", |i| (3000..3010).contains(&i))];
        for (keep_what, keep) in keeps {
            for sizes in [&[usize::MAX][..], &[4096], &[70_000, 512]] {
                assert_read(format, &input, sizes, keep, &format!("{name}, {keep_what} kept, in {sizes:?}"));
            }
        }
    }
}

#[test]
fn every_fixture_read_in_short_and_long_reads() {
    let files = common::fixtures::find(|p| {
        !matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "md" | "tsv" | "xz" | "md5"))
    });
    assert!(files.len() > 150, "fixtures not found");
    for file in files {
        let input = std::fs::read(&file).unwrap();
        for sizes in [&[usize::MAX][..], &[7], &[4096, 1]] {
            assert_read(Format::Auto, &input, sizes, |i| i % 7 == 0, &format!("{} in {sizes:?}", file.display()));
        }
    }
}

#[test]
fn lines_longer_than_a_block() {
    // A netstat -s whose section title line is 300 KiB long (a line that fills blocks is
    // handed on cut, the parser carries it), then ordinary lines; and one with no newline
    // at the end.
    let long_title = format!("{}:\n", "X".repeat(300 << 10));
    let body = "Ip:\n    Forwarding: 1\n    12 total packets received\n";
    for input in [format!("{body}{long_title}{body}"), format!("{body}{body}{}", "Y".repeat(200 << 10))] {
        for sizes in [&[usize::MAX][..], &[4096], &[100_000, 7]] {
            for keep in [|_| false, |_| true] as [Keep; 2] {
                assert_read(Format::NetstatS, input.as_bytes(), sizes, keep, &format!("{sizes:?}"));
            }
        }
    }
}
