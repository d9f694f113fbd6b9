//! What every per-format fuzz target checks: any bytes through the parser, every event
//! written as JSON, no panic, the carry-over bounded by the line cap, every line accounted
//! for in exactly one bucket.

use netsift::events::json::write_event;
use netsift::{Event, Format, PushParser};

/// The line cap the targets use: small, so that over-long lines are exercised too.
pub const CAP: usize = 4096;

/// Parse `data` as `format` and check the invariants.
pub fn check_format(format: Format, data: &[u8]) {
    let mut parser = PushParser::with_line_cap(format, CAP);
    let mut out = Vec::new();
    let mut sink = |ev: Event<'_>| {
        out.clear();
        write_event(&mut out, &ev);
    };
    parser.feed(data, &mut sink);
    parser.finish(&mut sink);
    assert!(parser.carry_high_water() <= CAP);
    let s = parser.stats();
    assert_eq!(s.rows + s.titles + s.headers + s.notices + s.blank + s.skipped + s.continuations + s.malformed, s.lines);
}
