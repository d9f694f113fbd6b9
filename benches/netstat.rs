//! Throughput of the netstat path: the line grammar alone, the push parser at three chunk
//! sizes, and the Netstat view. Input: the real capture in examples/, repeated to ~8 MB.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use netsift::netsift_grammar::netstat::{inet_row, unix_row, InetLayout, UnixLayout};
use netsift::views::NetstatView;
use netsift::Format;

mod common;
use common::{count_events, push_and_view};

fn input() -> Vec<u8> {
    let one = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/netstat-neopa.txt")).expect("example");
    let mut big = Vec::with_capacity(8 << 20);
    while big.len() < 8 << 20 {
        big.extend_from_slice(&one);
    }
    big
}

fn grammar(c: &mut Criterion) {
    let one = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/netstat-neopa.txt")).expect("example");
    let lines: Vec<&[u8]> = one.split(|&b| b == b'\n').collect();
    let inet: Vec<&[u8]> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with(b"tcp") || l.starts_with(b"udp") || l.starts_with(b"raw"))
        .collect();
    let unix: Vec<&[u8]> = lines.iter().copied().filter(|l| l.starts_with(b"unix")).collect();
    let mut g = c.benchmark_group("netstat/grammar");
    g.throughput(Throughput::Bytes(inet.iter().map(|l| l.len() as u64 + 1).sum()));
    g.bench_function("inet_row", |b| {
        b.iter(|| inet.iter().filter(|l| inet_row(l, InetLayout::FULL).is_ok()).count());
    });
    g.throughput(Throughput::Bytes(unix.iter().map(|l| l.len() as u64 + 1).sum()));
    g.bench_function("unix_row", |b| {
        b.iter(|| unix.iter().filter(|l| unix_row(l, UnixLayout { program: true }).is_ok()).count());
    });
    g.finish();
}

fn push(c: &mut Criterion) {
    push_and_view(c, "netstat/push", Format::Netstat, &input(), NetstatView::default);
}

/// Processing time stays linear in the input: the same capture repeated 1x, 2x and 4x
/// should take 1x, 2x and 4x the time (equal throughput).
fn scaling(c: &mut Criterion) {
    let one = input();
    let mut g = c.benchmark_group("netstat/scaling");
    g.sample_size(10);
    for times in [1usize, 2, 4] {
        let big: Vec<u8> = one.iter().copied().cycle().take(one.len() * times).collect();
        g.throughput(Throughput::Bytes(big.len() as u64));
        g.bench_with_input(BenchmarkId::new("events", format!("{times}x")), &big, |b, big| {
            b.iter(|| count_events(Format::Auto, big, 64 << 10));
        });
    }
    g.finish();
}

criterion_group!(benches, grammar, push, scaling);
criterion_main!(benches);
