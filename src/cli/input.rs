//! Reading files (or standard input) in chunks through the push parser, and the errors
//! the command line reports about its inputs.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use netsift::events::{EventKind, Malformed};
use netsift::push::LineStats;
use netsift::{Event, Format, PushParser};

/// How much is read at a time.
const CHUNK: usize = 1 << 16;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// The reader of our output went away: end quietly.
    BrokenPipe,
    /// An input could not be read or held nothing we know.
    Input(InputError),
    /// `--strict` and a malformed line: the compiler-style report.
    Strict(String),
    /// A bad argument.
    Usage(String),
    /// Writing the output failed.
    Output(io::Error),
}

/// A problem with an input.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// It could not be opened or read.
    #[error("{name}: {source}")]
    Io {
        /// The file.
        name: String,
        /// What the system said.
        source: io::Error,
    },
    /// It is a directory.
    #[error("{name}: is a directory, not a file")]
    Directory {
        /// The path.
        name: String,
    },
    /// Nothing in it is a table of a known format.
    #[error("{name}: no recognisable table (tried: {tried})")]
    NoTable {
        /// The file.
        name: String,
        /// The formats tried.
        tried: String,
    },
}

/// The first malformed line, kept to report it.
#[derive(Debug, Clone)]
struct MalformedReport {
    name: String,
    line: u64,
    column: usize,
    reason: String,
    text: Vec<u8>,
}

impl fmt::Display for MalformedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:{}:{}: error: {}", self.name, self.line, self.column, self.reason)?;
        let before = self.text.get(..self.column.saturating_sub(1)).unwrap_or(&self.text);
        let caret_at = String::from_utf8_lossy(before).chars().count();
        writeln!(f, "    {}", String::from_utf8_lossy(&self.text))?;
        writeln!(f, "    {}^", " ".repeat(caret_at))
    }
}

/// What parsing the inputs left to report.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Line accounting, summed over the inputs.
    pub stats: LineStats,
    /// Bytes read.
    pub bytes: u64,
    malformed: u64,
    first_malformed: Option<MalformedReport>,
    no_table: Vec<String>,
    errors: Vec<InputError>,
    format: Option<Format>,
}

impl Outcome {
    /// Turn what was seen into the command's result: `--strict` fails on a malformed
    /// line; input with no table fails; otherwise malformed lines are summed up on stderr.
    pub fn finish(self, strict: bool) -> Result<(), Failure> {
        if strict {
            if let Some(report) = self.first_malformed {
                return Err(Failure::Strict(report.to_string()));
            }
        }
        let mut errors = self.errors.into_iter();
        if let Some(first) = errors.next() {
            for other in errors {
                eprintln!("netsift: {other}");
            }
            return Err(Failure::Input(first));
        }
        if let Some(name) = self.no_table.into_iter().next() {
            let tried = match self.format {
                Some(Format::Auto) | None => Format::DETECTABLE.join(", "),
                Some(f) => f.name().to_string(),
            };
            return Err(Failure::Input(InputError::NoTable { name, tried }));
        }
        if let Some(first) = &self.first_malformed {
            eprintln!(
                "netsift: {} malformed line{} (first: {}:{}:{}: {})",
                self.malformed,
                if self.malformed == 1 { "" } else { "s" },
                first.name,
                first.line,
                first.column,
                first.reason
            );
        }
        Ok(())
    }
}

/// Parse one file.
pub fn parse_file(
    format: Format,
    strict: bool,
    file: &Path,
    sink: &mut dyn FnMut(&str, &Event<'_>),
) -> Result<Outcome, Failure> {
    let mut outcome = Outcome { format: Some(format), ..Outcome::default() };
    parse_one(format, strict, Some(file), &mut outcome, sink)?;
    Ok(outcome)
}

/// Parse several files in turn, or standard input when there are none.
pub fn parse_inputs(
    format: Format,
    strict: bool,
    files: &[PathBuf],
    sink: &mut dyn FnMut(&str, &Event<'_>),
) -> Outcome {
    let mut outcome = Outcome { format: Some(format), ..Outcome::default() };
    if files.is_empty() {
        if let Err(e) = parse_one(format, strict, None, &mut outcome, sink) {
            record_failure(&mut outcome, e);
        }
    }
    for file in files {
        if let Err(e) = parse_one(format, strict, Some(file), &mut outcome, sink) {
            record_failure(&mut outcome, e);
        }
        if strict && outcome.first_malformed.is_some() {
            break;
        }
    }
    outcome
}

fn record_failure(outcome: &mut Outcome, failure: Failure) {
    if let Failure::Input(e) = failure {
        outcome.errors.push(e);
    }
}

fn parse_one(
    format: Format,
    strict: bool,
    file: Option<&Path>,
    outcome: &mut Outcome,
    sink: &mut dyn FnMut(&str, &Event<'_>),
) -> Result<(), Failure> {
    let name = file.map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string());
    let raw: Box<dyn Read> = match file {
        None => Box::new(io::stdin().lock()),
        Some(path) => {
            if path.is_dir() {
                return Err(Failure::Input(InputError::Directory { name }));
            }
            let f = File::open(path).map_err(|source| Failure::Input(InputError::Io { name: name.clone(), source }))?;
            Box::new(f)
        }
    };
    let io_error = |source| Failure::Input(InputError::Io { name: name.clone(), source });
    let (mut reader, compression) = netsift::input::decompressed(raw).map_err(io_error)?;
    let mut parser = PushParser::new(format);
    let mut chunk = vec![0u8; CHUNK];
    let stopped = std::cell::Cell::new(false);
    let mut on_event = |ev: Event<'_>| {
        if stopped.get() {
            return;
        }
        if let EventKind::Malformed(m) = &ev.kind {
            outcome.malformed += 1;
            if outcome.first_malformed.is_none() {
                outcome.first_malformed = Some(report(&name, &ev, m));
            }
            if strict {
                stopped.set(true);
                return;
            }
        }
        sink(&name, &ev);
    };
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(source) => {
                // Keep every event decoded before the damage: finish, then report.
                if !stopped.get() {
                    parser.finish(&mut on_event);
                }
                let what = format!("{} stream broken after {} bytes: {source}", compression.name(), outcome.bytes);
                let source = io::Error::new(source.kind(), what);
                return Err(Failure::Input(InputError::Io { name: name.clone(), source }));
            }
        };
        outcome.bytes += n as u64;
        parser.feed(&chunk[..n], &mut on_event);
        if stopped.get() {
            break;
        }
    }
    if !stopped.get() {
        parser.finish(&mut on_event);
    }
    let stats = parser.stats();
    let total = &mut outcome.stats;
    total.lines += stats.lines;
    total.rows += stats.rows;
    total.titles += stats.titles;
    total.headers += stats.headers;
    total.notices += stats.notices;
    total.blank += stats.blank;
    total.skipped += stats.skipped;
    total.continuations += stats.continuations;
    total.malformed += stats.malformed;
    // An empty input is an error, except for the formats whose insights parser answers it
    // with empty views (ss, netstat -s, -i, -agn): those print their empty view.
    let empty = stats.lines == stats.blank;
    let accepts_empty =
        matches!(format, Format::Ss | Format::SsTulpn | Format::NetstatS | Format::NetstatI | Format::NetstatAgn);
    let has_view = parser.saw_table() || (empty && accepts_empty);
    if !has_view && !stopped.get() {
        outcome.no_table.push(name);
    }
    Ok(())
}

fn report(name: &str, ev: &Event<'_>, m: &Malformed<'_>) -> MalformedReport {
    MalformedReport {
        name: name.to_string(),
        line: ev.at.line,
        column: m.column(),
        reason: m.reason(),
        text: m.raw.to_vec(),
    }
}
