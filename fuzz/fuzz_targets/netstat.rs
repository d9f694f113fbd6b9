//! Any bytes through the netstat parser and its view: no panic, bounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsift::views::NetstatView;
use netsift::{Format, PushParser};

fuzz_target!(|data: &[u8]| {
    let mut view = NetstatView::default();
    let mut parser = PushParser::with_line_cap(Format::Netstat, 4096);
    parser.feed(data, &mut view);
    parser.finish(&mut view);
    assert!(parser.carry_high_water() <= 4096);
    let mut out = Vec::new();
    view.write_json(&mut out);
});
