//! What the benches share: the push parser at three chunk sizes and a view fed through it.

use criterion::{BenchmarkId, Criterion, Throughput};
use netsift::{Event, Format, PushParser, Sink};

/// Feed `big` in chunks of `chunk` bytes and count the events.
pub fn count_events(format: Format, big: &[u8], chunk: usize) -> u64 {
    let mut n = 0u64;
    let mut parser = PushParser::new(format);
    let mut sink = |_: Event<'_>| n += 1;
    for part in big.chunks(chunk) {
        parser.feed(part, &mut sink);
    }
    parser.finish(&mut sink);
    n
}

/// Bench the push parser at three chunk sizes, then `view` fed through it.
pub fn push_and_view<V: Sink>(c: &mut Criterion, group: &str, format: Format, big: &[u8], view: impl Fn() -> V) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.sample_size(20);
    for chunk in [4 << 10, 64 << 10, 1 << 20] {
        g.bench_with_input(BenchmarkId::new("events", chunk), &chunk, |b, &chunk| {
            b.iter(|| count_events(format, big, chunk));
        });
    }
    g.bench_function("view", |b| {
        b.iter(|| {
            let mut v = view();
            let mut parser = PushParser::new(format);
            for part in big.chunks(64 << 10) {
                parser.feed(part, &mut v);
            }
            parser.finish(&mut v);
            v
        });
    });
    g.finish();
}
