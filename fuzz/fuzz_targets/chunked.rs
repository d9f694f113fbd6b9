//! The fuzzer chooses where the input is cut: the events must equal those of one feed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsift::events::json::write_event;
use netsift::{Event, Format, PushParser};

fn events(data: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut parser = PushParser::with_line_cap(Format::Auto, 256);
    let mut sink = |ev: Event<'_>| {
        let mut buf = Vec::new();
        write_event(&mut buf, &ev);
        out.push(buf);
    };
    let mut start = 0;
    for &cut in cuts {
        let cut = cut.clamp(start, data.len());
        parser.feed(&data[start..cut], &mut sink);
        start = cut;
    }
    parser.feed(&data[start..], &mut sink);
    parser.finish(&mut sink);
    out
}

fuzz_target!(|input: &[u8]| {
    // The first bytes choose the cut points; the rest is the text.
    let (head, data) = input.split_at(input.len().min(8));
    let mut cuts: Vec<usize> = head.iter().map(|&b| usize::from(b) * data.len() / 256).collect();
    cuts.sort_unstable();
    assert_eq!(events(data, &cuts), events(data, &[]));
});
