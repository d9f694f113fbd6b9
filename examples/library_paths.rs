//! One of the library's ways of reading a file's events, alone, so that it can be measured
//! (callgrind, `time`) beside the CLI and `bench/limits fields` on the same input:
//!
//! ```sh
//! cargo build --release --example library_paths
//! target/release/examples/library_paths feed netstat FILE         # PushParser::feed (feed_reader), counting sink
//! target/release/examples/library_paths json netstat FILE         # feed + EventWriter (no output)
//! target/release/examples/library_paths read_events netstat FILE  # netsift::read_events
//! target/release/examples/library_paths owned netstat FILE        # OwnedEvents, 1 MiB Bytes chunks
//! ```
//!
//! Prints the number of events (and of JSON bytes for `json`): the same count by every path;
//! `read_events` and `owned` look at each event's kind and print how many were counters.

use std::io::Read;

use bytes::Bytes;
use netsift::events::json::EventWriter;
use netsift::{Event, EventKind, Format, OwnedEvent, OwnedEvents, PushParser};

/// The `Bytes` chunk `OwnedEvents` is fed at a time, and the JSON buffer's flush size
/// (`feed` and `json` read as the CLI does, through `netsift::input::feed_reader`).
const CHUNK: usize = 1 << 20;

/// A sink that counts events, as `netsift count` does: it reads no row's values, so it says
/// so, and netstat's rows are only checked for it (`Sink::reads_rows`).
struct Counting<'n>(&'n mut u64);

impl netsift::push::Sink for Counting<'_> {
    fn event(&mut self, _: Event<'_>) {
        *self.0 += 1;
    }

    fn reads_rows(&self) -> bool {
        false
    }

    fn row_checked(&mut self, _: netsift::push::Position, _: u32, _: netsift::push::CheckedRow) {
        *self.0 += 1;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, format, file] = args.as_slice() else {
        return Err("usage: library_paths feed|json|read_events|owned FORMAT FILE".into());
    };
    let format: Format = format.parse()?;
    let mut input = std::fs::File::open(file)?;
    // The owned paths look at each event's kind (as a caller would), so that the
    // measure includes reaching the event through its batch.
    let (mut events, mut counters) = (0u64, 0u64);
    match path.as_str() {
        "feed" => {
            let mut parser = PushParser::new(format);
            let mut sink = Counting(&mut events);
            netsift::input::feed_reader(&mut parser, &mut input, &mut sink, || false).map_err(|e| e.source)?;
        }
        "json" => {
            let mut parser = PushParser::new(format);
            let mut writer = EventWriter::new();
            let (mut out, mut written) = (Vec::with_capacity(CHUNK + (64 << 10)), 0u64);
            let mut sink = |ev: Event<'_>| {
                events += 1;
                writer.write(&mut out, &ev);
                out.push(b'\n');
                if out.len() >= CHUNK {
                    written += out.len() as u64;
                    out.clear();
                }
            };
            netsift::input::feed_reader(&mut parser, &mut input, &mut sink, || false).map_err(|e| e.source)?;
            println!("{} JSON bytes", written + out.len() as u64);
        }
        "read_events" => {
            for event in netsift::read_events(input, format) {
                counters += u64::from(matches!(event?.kind(), EventKind::Counter(_)));
                events += 1;
            }
        }
        "owned" => {
            let mut look = |ev: &OwnedEvent| {
                counters += u64::from(matches!(ev.kind(), EventKind::Counter(_)));
                events += 1;
            };
            let mut parser = OwnedEvents::new(format);
            loop {
                // Read into fresh (not zeroed) memory, as `std::fs::read` would: zeroing
                // each megabyte first is the harness's cost, not the parser's.
                let mut buf = Vec::with_capacity(CHUNK);
                if (&mut input).take(CHUNK as u64).read_to_end(&mut buf)? == 0 {
                    break;
                }
                parser.feed(Bytes::from(buf), |ev| look(&ev));
            }
            parser.finish(|ev| look(&ev));
        }
        other => return Err(format!("no path {other:?}: feed, json, read_events or owned").into()),
    }
    println!("{events} events");
    if matches!(path.as_str(), "read_events" | "owned") {
        println!("{counters} counters, {} others", events - counters);
    }
    Ok(())
}
