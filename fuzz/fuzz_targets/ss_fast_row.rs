//! The hand-written ss row reader against the combinator grammar (`ss::fast_row` vs
//! `ss::row_in`): on any line and column set, the reader either declines or gives the
//! grammar's row, spans included, whatever the header geometry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsift::netsift_grammar::ss::{self, SsColumns, SsGeometry};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    // A real row's prefix keeps most inputs on the reader's path.
    let mut line = match flags & 0x80 {
        0 => b"tcp   ESTAB  0      0      ".to_vec(),
        _ => Vec::new(),
    };
    line.extend(rest.iter().copied().take_while(|&b| b != b'\n'));
    let columns = SsColumns { netid: flags & 1 != 0, state: flags & 2 != 0, queues: flags & 4 != 0 };
    let Some(fast) = ss::fast_row(&line, columns) else { return };
    let geometry = SsGeometry { send_q: Some(u32::from(flags >> 3 & 0xf) * 4), peer_colon: Some(u32::from(flags) * 2) };
    for geometry in [SsGeometry::default(), geometry] {
        assert_eq!(Ok(fast), ss::row_in(&line, columns, geometry), "{}", String::from_utf8_lossy(&line));
    }
    // The lazily read parts agree too.
    let slow = ss::row_in(&line, columns, SsGeometry::default()).expect("compared above");
    assert!(fast.extras.eq(slow.extras));
    assert!(fast.process.map(|u| u.iter().collect::<Vec<_>>()) == slow.process.map(|u| u.iter().collect::<Vec<_>>()));
});
