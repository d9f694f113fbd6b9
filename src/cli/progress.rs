//! The progress bar on stderr: shown for inputs over [`LARGE_INPUT`], for archives, and as
//! a spinner for standard input, only when stderr is a terminal and `--quiet` was not
//! given. It moves once per read of a chunk, never per event.
//!
//! What it counts: the bar's position is the bytes read from the input as stored (the
//! file, the archive or standard input; compressed bytes when it is compressed), because
//! that is the only size known in advance, so the percentage and the time left are right.
//! When the input is compressed, its message also counts the decompressed bytes the parser
//! was given (`412.00 MiB decompressed`). Standard input has no size: a spinner shows the
//! bytes read so far and the rate.

use std::io::{self, IsTerminal, Read};

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Inputs larger than this get a bar (archives always do).
pub const LARGE_INPUT: u64 = 64 << 20;

/// What is being read, which decides the bar's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A file or tar archive of known size: a bar, a percentage, the time left.
    Known,
    /// A directory or standard input: no size, a spinner with the bytes read.
    Unknown,
}

impl Kind {
    fn template(self) -> &'static str {
        match self {
            Kind::Known => "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {eta} {wide_msg}",
            Kind::Unknown => "{spinner} {bytes} read, {bytes_per_sec} {wide_msg}",
        }
    }
}

/// The bar of one input, or nothing.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// No bar.
    pub fn none() -> Self {
        Progress { bar: None }
    }

    /// A bar for an input of `len` bytes (`None`: unknown, as for a directory), when it is
    /// an archive or large, stderr is a terminal and not `quiet`.
    pub fn for_input(len: Option<u64>, archive: bool, quiet: bool) -> Self {
        let large = len.is_some_and(|n| n > LARGE_INPUT);
        if quiet || !(archive || large) || !io::stderr().is_terminal() {
            return Progress::none();
        }
        Progress::drawn(len, ProgressDrawTarget::stderr())
    }

    /// A spinner for standard input, when stderr is a terminal, standard input is not (no
    /// spinner while someone types) and not `quiet`.
    pub fn for_stdin(quiet: bool) -> Self {
        if quiet || !io::stderr().is_terminal() || io::stdin().is_terminal() {
            return Progress::none();
        }
        Progress::drawn(None, ProgressDrawTarget::stderr())
    }

    /// A bar of `len` bytes (a spinner when unknown) drawn on `target`.
    fn drawn(len: Option<u64>, target: ProgressDrawTarget) -> Self {
        let kind = if len.is_some() { Kind::Known } else { Kind::Unknown };
        let bar = ProgressBar::with_draw_target(len, target);
        if let Ok(style) = ProgressStyle::with_template(kind.template()) {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    /// `reader` (the input as stored), moving the bar by what is read through it.
    pub fn counting<'r, R: Read + 'r>(&self, reader: R) -> Box<dyn Read + 'r> {
        match &self.bar {
            Some(bar) => Box::new(Counted { inner: reader, bar: bar.clone() }),
            None => Box::new(reader),
        }
    }

    /// `reader` (the decompressed bytes of a compressed input), counting them in the bar's
    /// message.
    pub fn counting_decompressed<'r, R: Read + 'r>(&self, reader: R) -> Box<dyn Read + 'r> {
        match &self.bar {
            Some(bar) => Box::new(Decompressed { inner: reader, bar: bar.clone(), bytes: 0 }),
            None => Box::new(reader),
        }
    }

    /// Show which member of an archive is being read.
    pub fn member(&self, path: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(path.to_string());
        }
    }

    /// Take the bar off the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A reader that moves the bar by what it reads.
struct Counted<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// A reader of decompressed bytes that shows their count in the bar's message.
struct Decompressed<R> {
    inner: R,
    bar: ProgressBar,
    bytes: u64,
}

impl<R: Read> Read for Decompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        self.bar.set_message(format!("{} decompressed", HumanBytes(self.bytes)));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sized_input_has_a_bar_and_an_unsized_one_a_spinner() {
        assert!(Kind::Known.template().contains("{bar"));
        assert!(Kind::Known.template().contains("{total_bytes}"));
        assert!(Kind::Unknown.template().starts_with("{spinner}"));
        assert!(Kind::Unknown.template().contains("{bytes}"));
        let spinner = Progress::drawn(None, ProgressDrawTarget::hidden());
        assert_eq!(spinner.bar.as_ref().and_then(ProgressBar::length), None);
        let bar = Progress::drawn(Some(10), ProgressDrawTarget::hidden());
        assert_eq!(bar.bar.as_ref().and_then(ProgressBar::length), Some(10));
    }

    #[test]
    fn position_counts_stored_bytes_and_message_decompressed_ones() {
        // A gzip stream of 100 000 zero bytes: a few hundred bytes stored.
        let plain = vec![0u8; 100_000];
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        io::Write::write_all(&mut gz, &plain).unwrap();
        let stored = gz.finish().unwrap();
        let progress = Progress::drawn(Some(stored.len() as u64), ProgressDrawTarget::hidden());
        let raw = progress.counting(&stored[..]);
        let mut reader = progress.counting_decompressed(flate2::read::GzDecoder::new(raw));
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), plain.len());
        let bar = progress.bar.as_ref().unwrap();
        assert_eq!(bar.position(), stored.len() as u64);
        assert_eq!(bar.message(), format!("{} decompressed", HumanBytes(100_000)));
    }

    #[test]
    fn no_bar_counts_nothing() {
        let progress = Progress::none();
        let mut out = Vec::new();
        progress.counting(&b"abc"[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"abc");
        assert!(progress.bar.is_none());
    }
}
