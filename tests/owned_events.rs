//! Owned events are the borrowed events, kept: for every fixture of every format, fed in
//! chunks of several sizes (and through `read_events`), each owned event equals the
//! borrowed event the push parser emits at the same place, compared while the borrowed one
//! is still alive.

mod common;

use std::path::PathBuf;

use bytes::Bytes;
use common::fixtures::find;
use netsift::{Event, EventKind, Format, OwnedEvent, OwnedEvents, PushParser};

// Owned events can be sent to and shared between threads, and kept for ever.
const _: fn() = || {
    fn assert_send_sync_static<T: Send + Sync + 'static>() {}
    assert_send_sync_static::<OwnedEvent>();
    // The iterator over a file (or any Send reader) can move to a worker thread.
    fn assert_send<T: Send>() {}
    assert_send::<netsift::ReadEvents<std::fs::File>>();
};

#[test]
fn read_events_runs_on_another_thread() {
    let file = std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/netstat-neopa.txt")).unwrap();
    let events = netsift::read_events(file, Format::Auto);
    let rows = std::thread::spawn(move || {
        events.filter_map(Result::ok).filter(|e| matches!(e.kind(), EventKind::InetConn(_))).count()
    })
    .join()
    .unwrap();
    assert_eq!(rows, 237);
}

/// Every input fixture (not the JSON expectations, notes or tables).
fn fixtures() -> Vec<PathBuf> {
    // Text captures only: the archives are compressed tar files.
    let files = find(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "md" | "tsv" | "xz")));
    assert!(files.len() > 150, "fixtures not found");
    files
}

/// The owned events of `input` fed in `size`-byte `Bytes` chunks.
fn owned_in_chunks(input: &Bytes, size: usize) -> Vec<OwnedEvent> {
    let mut parser = OwnedEvents::new(Format::Auto);
    let mut out = Vec::new();
    let mut start = 0;
    while start < input.len() {
        let end = (start + size).min(input.len());
        parser.feed(input.slice(start..end), |ev| out.push(ev));
        start = end;
    }
    parser.finish(|ev| out.push(ev));
    out
}

/// Feed `input` to a push parser and compare each borrowed event, in its sink, with the
/// owned event at the same index. Returns how many events there were.
fn assert_same_events(input: &[u8], owned: &[OwnedEvent], what: &str) -> usize {
    let mut parser = PushParser::new(Format::Auto);
    let mut i = 0;
    let mut check = |ev: Event<'_>| {
        let Some(kept) = owned.get(i) else { panic!("{what}: event {i} missing: {ev:?}") };
        assert_eq!(kept.event(), ev, "{what}: event {i}");
        assert_eq!(kept.kind(), &ev.kind, "{what}: event {i}");
        i += 1;
    };
    parser.feed(input, &mut check);
    parser.finish(&mut check);
    assert_eq!(i, owned.len(), "{what}: extra owned events");
    i
}

#[test]
fn owned_events_equal_borrowed_events_for_every_fixture_and_chunk_size() {
    let mut total = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for file in fixtures() {
        let input = Bytes::from(std::fs::read(&file).unwrap());
        for size in [1, 7, 4096, 1 << 20] {
            let owned = owned_in_chunks(&input, size);
            kinds.extend(owned.iter().map(|e| e.kind().name()));
            total += assert_same_events(&input, &owned, &format!("{} in {size}-byte chunks", file.display()));
        }
    }
    // Every kind of event went through the re-pointing.
    assert_eq!(kinds.len(), EventKind::NAMES.len(), "{kinds:?}");
    assert!(total > 10_000, "{total}");
}

#[test]
fn read_events_equals_borrowed_events_for_every_fixture() {
    for file in fixtures() {
        let input = std::fs::read(&file).unwrap();
        let owned: Vec<OwnedEvent> =
            netsift::read_events(std::fs::File::open(&file).unwrap(), Format::Auto).map(Result::unwrap).collect();
        assert_same_events(&input, &owned, &file.display().to_string());
    }
}

#[test]
fn read_events_reads_zstd_and_counts_lines() {
    let input = std::fs::read("examples/netstat-neopa.txt").unwrap();
    let compressed = zstd::encode_all(&input[..], 3).unwrap();
    let mut it = netsift::read_events(&compressed[..], Format::Auto);
    let owned: Vec<OwnedEvent> = it.by_ref().map(Result::unwrap).collect();
    assert_same_events(&input, &owned, "zstd");
    assert_eq!(it.stats().rows, 293);
}

#[test]
fn events_of_a_whole_chunk_share_it_and_outlive_the_parser() {
    let input = Bytes::from(std::fs::read("examples/netstat-neopa.txt").unwrap());
    let owned = owned_in_chunks(&input, input.len());
    let shared = owned.iter().filter(|e| e.chunk().as_ptr() == input.as_ptr()).count();
    // Every row lies inside the one chunk: none was copied.
    let rows = owned.iter().filter(|e| matches!(e.kind(), EventKind::InetConn(_) | EventKind::UnixSocket(_))).count();
    assert_eq!(rows, 293);
    assert!(shared >= rows, "{shared} of {} share the chunk", owned.len());
    drop(input);
    let handle = std::thread::spawn(move || {
        owned
            .iter()
            .filter_map(|e| match e.kind() {
                EventKind::InetConn(c) => c.local.port.number(),
                _ => None,
            })
            .max()
    });
    assert_eq!(handle.join().unwrap(), Some(60807));
}
