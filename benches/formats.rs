//! Throughput of every other format (netstat has its own bench): the line grammar alone,
//! the push parser at 4 KiB, 64 KiB and 1 MiB chunks, and the format's view. Inputs: the
//! real captures in tests/fixtures/corpus/real, repeated to about 4 MB.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use netsift::netsift_grammar::{netstat_agn, netstat_i, netstat_s, proc_net, ss};
use netsift::views::netstat::CaptureSelect;
use netsift::views::{
    netstat_agn::NetstatAgnView, netstat_i::NetstatIView, netstat_s::NetstatSView, proc_net::ProcNetstatView,
    ss::SsView,
};
use netsift::Format;

mod common;
use common::push_and_view;

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

/// The lines of `input`, without their line ending.
fn lines(input: &[u8]) -> Vec<&[u8]> {
    input.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect()
}

/// Bench `parse` over `rows` (bytes counted with their newline).
fn grammar_bench(c: &mut Criterion, group: &str, name: &str, rows: &[&[u8]], parse: impl Fn(&[u8]) -> bool) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(rows.iter().map(|l| l.len() as u64 + 1).sum()));
    g.bench_function(name, |b| b.iter(|| rows.iter().filter(|l| parse(l)).count()));
    g.finish();
}

fn ss(c: &mut Criterion) {
    let one = fixture("r1_ss-tupna.txt");
    let all = lines(&one);
    let columns = ss::header(all[0]).expect("an ss header").columns;
    grammar_bench(c, "ss/grammar", "row", &all[1..], |l| ss::row(l, columns).is_ok());
    let big = repeated(&one, 4 << 20);
    push_and_view(c, "ss/push", Format::Ss, &big, || SsView::new(CaptureSelect::Last, false));
}

fn netstat_s(c: &mut Criterion) {
    let one = fixture("r1_netstat-s.txt");
    grammar_bench(c, "netstat-s/grammar", "classify", &lines(&one), |l| netstat_s::classify(l).is_ok());
    let big = repeated(&one, 4 << 20);
    push_and_view(c, "netstat-s/push", Format::NetstatS, &big, || NetstatSView::new(CaptureSelect::Last));
}

fn proc_netstat(c: &mut Criterion) {
    let mut one = fixture("r1_proc-net-netstat.txt");
    one.extend(fixture("r1_proc-net-snmp.txt"));
    let all = lines(&one);
    // Each names line paired with its values line, as the machine does it.
    let pairs: Vec<(&[u8], &[u8])> = all.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    let mut g = c.benchmark_group("proc-netstat/grammar");
    g.throughput(Throughput::Bytes(all.iter().map(|l| l.len() as u64 + 1).sum()));
    g.bench_function("pairs", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (names, values) in &pairs {
                if let (Ok(names), Ok(values)) = (proc_net::pair_line(names), proc_net::pair_line(values)) {
                    n += proc_net::pairs(&names, &values).filter(Result::is_ok).count();
                }
            }
            n
        });
    });
    g.finish();
    let big = repeated(&one, 4 << 20);
    push_and_view(c, "proc-netstat/push", Format::ProcNetstat, &big, || ProcNetstatView::new(CaptureSelect::Last));
}

fn netstat_i(c: &mut Criterion) {
    let one = fixture("r1_netstat-i.txt");
    let all = lines(&one);
    let layout = netstat_i::header(all[1]).expect("an Iface header").layout;
    grammar_bench(c, "netstat-i/grammar", "row", &all[2..], |l| netstat_i::row(l, layout).is_ok());
    let big = repeated(&one, 4 << 20);
    push_and_view(c, "netstat-i/push", Format::NetstatI, &big, || NetstatIView::new(CaptureSelect::Last));
}

fn netstat_agn(c: &mut Criterion) {
    let one = fixture("r1_netstat-agn.txt");
    let rows: Vec<&[u8]> = lines(&one).into_iter().filter(|l| netstat_agn::row(l).is_ok()).collect();
    assert!(!rows.is_empty());
    grammar_bench(c, "netstat-agn/grammar", "row", &rows, |l| netstat_agn::row(l).is_ok());
    let big = repeated(&one, 4 << 20);
    push_and_view(c, "netstat-agn/push", Format::NetstatAgn, &big, || NetstatAgnView::new(CaptureSelect::Last));
}

criterion_group!(benches, ss, netstat_s, proc_netstat, netstat_i, netstat_agn);
criterion_main!(benches);
