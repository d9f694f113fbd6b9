//! The fixture tree (tests/fixtures), and feeding input to a parser in chunks.

use std::path::{Path, PathBuf};

use netsift::events::json::write_event;
use netsift::push::LineStats;
use netsift::{Event, PushParser, Sink};

/// The fixture tree, tests/fixtures.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The bytes of a fixture, by its path under tests/fixtures.
pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(root().join(rel)).expect("fixture")
}

/// One capture of `rel` with its rows repeated until it is about `size` bytes: the lines
/// before the first row as they are, then the rows up to the next table's title (netstat
/// prints the unix table after) over and over.
pub fn big_capture(rel: &str, head_lines: usize, size: usize) -> Vec<u8> {
    let text = read(rel);
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    let mut out: Vec<u8> = lines[..head_lines].concat();
    let rows =
        lines[head_lines..].iter().take_while(|l| !l.starts_with(b"Active")).copied().collect::<Vec<_>>().concat();
    while out.len() < size {
        out.extend_from_slice(&rows);
    }
    out
}

/// Every file under tests/fixtures (at any depth) that `keep` accepts, sorted.
pub fn find(keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![root()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).expect("fixtures dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if keep(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The file of `files` that `index` picks (modulo their number), and its bytes.
pub fn pick(files: &[PathBuf], index: usize) -> (&Path, Vec<u8>) {
    let file = &files[index % files.len()];
    (file, std::fs::read(file).expect("fixture"))
}

/// Feed `input` in the chunks that `cuts` (sorted offsets, clamped to the input) make,
/// then finish.
pub fn feed_cut<S: Sink + ?Sized>(parser: &mut PushParser, input: &[u8], cuts: &[usize], sink: &mut S) {
    let mut start = 0;
    for &cut in cuts {
        let cut = cut.clamp(start, input.len());
        parser.feed(&input[start..cut], sink);
        start = cut;
    }
    parser.feed(&input[start..], sink);
    parser.finish(sink);
}

/// Every event as its JSON line, plus the line accounting, for `input` fed to `parser`
/// in the chunks that `cuts` make; `also` sees every event too (to feed views).
pub fn json_lines(
    mut parser: PushParser,
    input: &[u8],
    cuts: &[usize],
    mut also: impl FnMut(&Event<'_>),
) -> (Vec<Vec<u8>>, LineStats) {
    let mut out = Vec::new();
    let mut sink = |ev: Event<'_>| {
        let mut buf = Vec::new();
        write_event(&mut buf, &ev);
        out.push(buf);
        also(&ev);
    };
    feed_cut(&mut parser, input, cuts, &mut sink);
    (out, parser.stats())
}
