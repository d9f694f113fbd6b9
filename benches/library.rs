//! The library's paths beside the CLI's (issue 11, item 5): `PushParser::feed` with a
//! counting sink (what `netsift count` does), with the JSON writer as sink (what
//! `netsift events` does, the writing out aside), `read_events` and `OwnedEvents` (owned
//! events, for pipelines), each measured beside a naive whitespace tokenizer on the same
//! bytes in the same run (`fields`, the yardstick of `bench/limits`), so that the ratios
//! can be read off one report. Inputs: the real captures of tests/fixtures/corpus/real,
//! repeated to about 4 MB.
//!
//! `cargo bench --bench library -- --quick` for a short look.

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use netsift::{Event, EventKind, Format, OwnedEvents, PushParser};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/corpus/real/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn repeated(one: &[u8], size: usize) -> Vec<u8> {
    let mut big = Vec::with_capacity(size + one.len());
    while big.len() < size {
        big.extend_from_slice(one);
    }
    big
}

/// The yardstick, the loop of `bench/limits fields`: find each line with memchr, split it
/// on ASCII whitespace a byte at a time, count the fields.
fn fields(input: &[u8]) -> u64 {
    let is_ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r');
    let mut n = 0u64;
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', input) {
        let line = &input[start..nl];
        start = nl + 1;
        let mut i = 0;
        while i < line.len() {
            while i < line.len() && is_ws(line[i]) {
                i += 1;
            }
            if i >= line.len() {
                break;
            }
            while i < line.len() && !is_ws(line[i]) {
                i += 1;
            }
            n += 1;
        }
    }
    n
}

/// Events counted by kind, as `netsift count` counts them: it reads no row's values, so
/// netstat's rows are only checked for it (`Sink::reads_rows`).
struct KindCounts(Vec<u64>);

impl netsift::push::Sink for KindCounts {
    fn event(&mut self, ev: Event<'_>) {
        self.0[ev.kind.index()] += 1;
    }

    fn reads_rows(&self) -> bool {
        false
    }

    fn row_checked(&mut self, _: netsift::push::Position, _: u32, row: netsift::push::CheckedRow) {
        self.0[row.index()] += 1;
    }
}

/// What `netsift count` does: feed 1 MiB chunks, count the events by kind.
fn feed_counting(format: Format, input: &[u8]) -> Vec<u64> {
    let mut sink = KindCounts(vec![0u64; EventKind::NAMES.len()]);
    let mut parser = PushParser::new(format);
    for chunk in input.chunks(1 << 20) {
        parser.feed(chunk, &mut sink);
    }
    parser.finish(&mut sink);
    sink.0
}

/// What `netsift events` does: feed 1 MiB chunks, write each event as a JSON line into a
/// 1 MiB buffer that is emptied when full (the writing of it left out); the bytes written.
/// Beside `feed_counting`, the cost of the JSON writer.
fn feed_json_lines(format: Format, input: &[u8]) -> u64 {
    let mut out = Vec::with_capacity((1 << 20) + (64 << 10));
    let mut written = 0u64;
    let mut parser = PushParser::new(format);
    // The CLI's writer, which remembers the runs a values line's counters share.
    let mut writer = netsift::events::json::EventWriter::new();
    let mut sink = |ev: Event<'_>| {
        writer.write(&mut out, &ev);
        out.push(b'\n');
        if out.len() >= 1 << 20 {
            written += out.len() as u64;
            out.clear();
        }
    };
    for chunk in input.chunks(1 << 20) {
        parser.feed(chunk, &mut sink);
    }
    parser.finish(&mut sink);
    written + out.len() as u64
}

/// `read_events` over an in-memory reader (one re-used 128 KiB block while no event is kept), counting the events.
fn read_events(format: Format, input: &[u8]) -> u64 {
    netsift::read_events(input, format).filter(|e| e.is_ok()).count() as u64
}

/// `OwnedEvents` fed 1 MiB `Bytes` chunks, counting the events.
fn owned_events(format: Format, input: &Bytes) -> u64 {
    let mut n = 0u64;
    let mut parser = OwnedEvents::new(format);
    let mut start = 0;
    while start < input.len() {
        let end = (start + (1 << 20)).min(input.len());
        parser.feed(input.slice(start..end), |_| n += 1);
        start = end;
    }
    parser.finish(|_| n += 1);
    n
}

fn library(c: &mut Criterion) {
    let inputs = [
        ("netstat", Format::Netstat, "r1_netstat-neopa.txt"),
        ("ss", Format::Ss, "r1_ss-tupna.txt"),
        ("netstat-s", Format::NetstatS, "r1_netstat-s.txt"),
        ("proc-netstat", Format::ProcNetstat, "r1_proc-net-netstat.txt"),
    ];
    for (name, format, file) in inputs {
        let big = repeated(&fixture(file), 4 << 20);
        // Every path sees the same events: a bench of a parser that fails is no bench.
        let counted: u64 = feed_counting(format, &big).iter().sum();
        assert!(counted > 1000, "{name}: {counted} events");
        assert_eq!(read_events(format, &big), counted, "{name}: read_events");
        let shared = Bytes::from(big.clone());
        assert_eq!(owned_events(format, &shared), counted, "{name}: OwnedEvents");

        let mut g = c.benchmark_group(format!("library/{name}"));
        g.throughput(Throughput::Bytes(big.len() as u64));
        g.sample_size(10);
        g.bench_function("fields (yardstick)", |b| b.iter(|| fields(&big)));
        g.bench_function("feed, counting sink", |b| b.iter(|| feed_counting(format, &big)));
        g.bench_function("feed, JSON lines", |b| b.iter(|| feed_json_lines(format, &big)));
        g.bench_function("read_events", |b| b.iter(|| read_events(format, &big)));
        g.bench_function("OwnedEvents", |b| b.iter(|| owned_events(format, &shared)));
        g.finish();
    }
}

criterion_group!(benches, library);
criterion_main!(benches);
