//! The progress bar on stderr: shown for inputs over [`LARGE_INPUT`] and for archives, only
//! when stderr is a terminal and `--quiet` was not given. It counts the bytes read from the
//! file (compressed, as they come off the disk), once per read of a chunk, never per event.

use std::io::{self, IsTerminal, Read};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Inputs larger than this get a bar (archives always do).
pub const LARGE_INPUT: u64 = 64 << 20;

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
        let (bar, template) = match len {
            Some(n) => (
                ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
                "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {eta} {wide_msg}",
            ),
            None => (
                ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                "{spinner} {bytes} {bytes_per_sec} {wide_msg}",
            ),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    /// `reader`, counting on the bar the bytes read through it.
    pub fn counting<'r, R: Read + 'r>(&self, reader: R) -> Box<dyn Read + 'r> {
        match &self.bar {
            Some(bar) => Box::new(Counted { inner: reader, bar: bar.clone() }),
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
