//! `auto` does not ask the formats about a /proc values line: for any line, it is either
//! no such line or one that no format claims under any current format. Each input line is
//! checked as it is and made into a values line (its first word as the prefix, every
//! other byte mapped to a digit, a blank or a sign).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsift::push::auto_skips_only_unclaimed;

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        assert_ne!(auto_skips_only_unclaimed(line), Some(false), "{:?}", String::from_utf8_lossy(line));
        let word = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
        let mut made = line[..word].to_vec();
        made.push(b':');
        made.extend(line[word..].iter().map(|&b| match b % 15 {
            0..=2 => b' ',
            3 => b'\t',
            4 => b'-',
            d => b'0' + (d - 5),
        }));
        assert_ne!(auto_skips_only_unclaimed(&made), Some(false), "{:?}", String::from_utf8_lossy(&made));
    }
});
