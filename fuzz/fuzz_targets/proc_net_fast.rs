//! The fast values reader of /proc/net/netstat (`proc_net::fast_pairs`) against its
//! reference (`pairs_with_spans` over `pair_line`): the input's first line is a names line,
//! the second its values line; both readers must give the same pairs and the same error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsift::netsift_grammar::proc_net::{fast_pairs, name_spans, pair_line, pairs_with_spans, values_body};

fuzz_target!(|data: &[u8]| {
    let mut lines = data.splitn(2, |&b| b == b'\n');
    let (Some(names_line), Some(values_line)) = (lines.next(), lines.next()) else { return };
    let (Ok(names), Ok(values)) = (pair_line(names_line), pair_line(values_line)) else { return };
    let spans: Vec<(u32, u32)> = name_spans(&names).collect();
    let reference: Vec<_> = pairs_with_spans(&names, &spans, &values).collect();
    let (body, same) = match values_body(values_line, names.prefix) {
        Some(body) => (body, true),
        None => (values.body(), values.prefix == names.prefix),
    };
    let fast: Vec<_> = fast_pairs(&names, &spans, values_line, body, same).collect();
    assert_eq!(fast, reference);
});
