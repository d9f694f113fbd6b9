//! Any bytes through the `Netstat` parser, every event written as JSON: no panic, the
//! carry-over bounded by the line cap, every line accounted for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsift::events::json::write_event;
use netsift::{Event, Format, PushParser};

fuzz_target!(|data: &[u8]| {
    let mut parser = PushParser::with_line_cap(Format::Netstat, 4096);
    let mut out = Vec::new();
    let mut sink = |ev: Event<'_>| {
        out.clear();
        write_event(&mut out, &ev);
    };
    parser.feed(data, &mut sink);
    parser.finish(&mut sink);
    assert!(parser.carry_high_water() <= 4096);
    let s = parser.stats();
    assert_eq!(
        s.rows + s.titles + s.headers + s.notices + s.blank + s.skipped + s.continuations + s.malformed,
        s.lines
    );
});
