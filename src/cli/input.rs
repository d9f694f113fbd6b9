//! Reading files (or standard input) in chunks through the push parser, and the errors
//! the command line reports about its inputs.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use netsift::archive::{self, Member, MemberKind};
use netsift::events::{EventKind, Malformed, Problem};
use netsift::input::Compression;
use netsift::push::{CheckedRow, CounterLine, LineStats, Position, CUT_LINE};
use netsift::{Event, Format, PushParser};

use super::progress::Progress;

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
    /// It is a tar archive, given where a capture was expected.
    #[error("{name}: is a tar archive: read it with `netsift scan`, or one member with `--member PATH`")]
    Archive {
        /// The file.
        name: String,
    },
    /// It is no tar archive (nor a directory), given where an archive was expected.
    #[error("{name}: not a tar archive (plain, gzip, zstd or xz) nor a directory")]
    NotAnArchive {
        /// The file.
        name: String,
    },
    /// `--member` names no member of the archive.
    #[error("{name}: no member `{member}`")]
    NoSuchMember {
        /// The archive.
        name: String,
        /// The member asked for.
        member: String,
    },
    /// No member of the archive holds an output netsift reads.
    #[error("{name}: no member holds an output netsift reads (looked for sos_commands/networking/, insights_commands/ and proc/net/ outputs)")]
    NoMember {
        /// The archive.
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
    /// Where the line starts in the input.
    offset: u64,
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
    /// Keep an input's failure to report it at the end, after the other inputs.
    pub fn record(&mut self, failure: Failure) {
        if let Failure::Input(e) = failure {
            self.errors.push(e);
        }
    }

    /// Whether an input failed.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Remember that the input `name` held no table (an error at the end).
    pub fn no_table(&mut self, name: String) {
        self.no_table.push(name);
    }

    /// Where the first malformed line starts in its input, if there is one.
    pub fn first_malformed_offset(&self) -> Option<u64> {
        self.first_malformed.as_ref().map(|report| report.offset)
    }

    /// Give the first malformed line its number, found from its offset (see
    /// `split::Plan::lines`).
    pub fn number_first_malformed(&mut self, line: u64) {
        if let Some(report) = &mut self.first_malformed {
            report.line = line;
        }
    }

    /// The first malformed line's number, column and offset (for tests).
    #[cfg(test)]
    pub fn first_malformed_at(&self) -> Option<(u64, usize, u64)> {
        self.first_malformed.as_ref().map(|r| (r.line, r.column, r.offset))
    }

    /// Whether `--strict` stopped at a malformed line.
    pub fn stopped(&self, strict: bool) -> bool {
        strict && self.first_malformed.is_some()
    }

    /// Add the outcome of a later input (files parsed in parallel are merged in order).
    pub fn merge(&mut self, later: Outcome) {
        self.add(&later.stats);
        self.bytes += later.bytes;
        self.malformed += later.malformed;
        if self.first_malformed.is_none() {
            self.first_malformed = later.first_malformed;
        }
        self.no_table.extend(later.no_table);
        self.errors.extend(later.errors);
        self.format = self.format.or(later.format);
    }

    /// Add one stream's line accounting to the total.
    fn add(&mut self, stats: &LineStats) {
        let total = &mut self.stats;
        total.lines += stats.lines;
        total.rows += stats.rows;
        total.titles += stats.titles;
        total.headers += stats.headers;
        total.notices += stats.notices;
        total.blank += stats.blank;
        total.skipped += stats.skipped;
        total.continuations += stats.continuations;
        total.malformed += stats.malformed;
    }

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

/// How every input of a command is read: from the common options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// `-f`.
    pub format: Format,
    /// `--strict`.
    pub strict: bool,
    /// `--quiet`: no progress bar.
    pub quiet: bool,
    /// Stop reading at the first event of a later capture (`view --capture N` has what
    /// it describes by then).
    pub last_capture: Option<u32>,
}

/// When [`parse_stream`] stops before the end of its input.
#[derive(Debug, Clone, Copy, Default)]
pub struct Until {
    /// At the first malformed line (`--strict`).
    pub strict: bool,
    /// At the first event of a capture after this one.
    pub last_capture: Option<u32>,
}

impl Options {
    /// When a stream read with these options stops early.
    pub fn until(&self) -> Until {
        Until { strict: self.strict, last_capture: self.last_capture }
    }
}

/// Parse one file, or with `member`, one member of the archive `file` (see
/// [`member_format`] for its format).
pub fn parse_file(
    options: Options,
    file: &Path,
    member: Option<&str>,
    sink: &mut dyn FnMut(&str, &Event<'_>),
) -> Result<Outcome, Failure> {
    let mut outcome = Outcome { format: Some(options.format), ..Outcome::default() };
    match member {
        None => parse_one(options, Some(file), &mut outcome, sink)?,
        Some(wanted) => parse_member(options, file, wanted, &mut outcome, sink)?,
    }
    Ok(outcome)
}

/// Parse several files in turn, or standard input when there are none.
pub fn parse_inputs(options: Options, files: &[PathBuf], sink: &mut dyn FnMut(&str, &Event<'_>)) -> Outcome {
    parse_inputs_with(options, files, sink)
}

/// Where the CLI's parses hand their events, each with its input's label: any
/// `FnMut(&str, &Event)`, or a type that also takes a /proc values line's counters
/// together (`events` writes them all from what the line's counters share; see
/// [`netsift::push::Sink::counters`]) or counts rows it does not read (`count`).
pub trait EventSink {
    /// One event, labelled with the input (or archive member) it came from.
    fn event(&mut self, label: &str, event: &Event<'_>);

    /// The counters of one values line: by default, each in turn.
    #[inline(always)]
    fn counters(&mut self, label: &str, counters: CounterLine<'_, '_>) {
        counters.each(|ev| self.event(label, ev));
    }

    /// Whether it reads the values of netstat's rows: see
    /// [`netsift::push::Sink::reads_rows`].
    #[inline(always)]
    fn reads_rows(&self) -> bool {
        true
    }

    /// A netstat row checked but not read, for a sink whose [`EventSink::reads_rows`] is
    /// `false`: it stands for an event of kind `row`.
    #[inline(always)]
    fn row_checked(&mut self, label: &str, at: Position, row: CheckedRow) {
        let _ = (label, at, row);
    }
}

impl<F: FnMut(&str, &Event<'_>) + ?Sized> EventSink for F {
    #[inline(always)]
    fn event(&mut self, label: &str, event: &Event<'_>) {
        self(label, event)
    }
}

/// [`parse_inputs`] made for one `sink` type: where the sink reads little of an event
/// (`count` reads its kind), the compiler leaves out building what it does not read.
pub fn parse_inputs_with<K: EventSink + ?Sized>(options: Options, files: &[PathBuf], sink: &mut K) -> Outcome {
    let mut outcome = Outcome { format: Some(options.format), ..Outcome::default() };
    if files.is_empty() {
        if let Err(e) = parse_one(options, None, &mut outcome, sink) {
            outcome.record(e);
        }
    }
    for file in files {
        if let Err(e) = parse_one(options, Some(file), &mut outcome, sink) {
            outcome.record(e);
        }
        if options.strict && outcome.first_malformed.is_some() {
            break;
        }
    }
    outcome
}

/// The format a member is read in: the one asked for with `-f`, else the one its path
/// names, else `auto`.
pub fn member_format(requested: Format, path: &str) -> Format {
    match (requested, archive::member_kind(path)) {
        (Format::Auto, Some(MemberKind::Known(format))) => format,
        (requested, _) => requested,
    }
}

/// Does an archive member's path answer to the `--member` the user wrote: the whole path,
/// or its end after a `/` (the archive's top directory may be left out)?
fn member_matches(path: &str, wanted: &str) -> bool {
    let wanted = wanted.trim_start_matches("./").trim_end_matches('/');
    path == wanted || path.strip_suffix(wanted).is_some_and(|top| top.ends_with('/'))
}

fn parse_one<K: EventSink + ?Sized>(
    options: Options,
    file: Option<&Path>,
    outcome: &mut Outcome,
    sink: &mut K,
) -> Result<(), Failure> {
    let file = stdin_or(file);
    let name = input_name(file);
    let io_error = |source| Failure::Input(InputError::Io { name: name.clone(), source });
    let (raw, progress): (Box<dyn Read>, Progress) = match file {
        None => {
            let progress = Progress::for_stdin(options.quiet);
            (progress.counting(io::stdin().lock()), progress)
        }
        Some(path) => {
            if path.is_dir() {
                return Err(Failure::Input(InputError::Directory { name }));
            }
            let f = File::open(path).map_err(io_error)?;
            let len = f.metadata().map(|m| m.len()).ok();
            let progress = Progress::for_input(len, false, options.quiet);
            (progress.counting(f), progress)
        }
    };
    let (reader, compression) = netsift::input::decompressed(raw).map_err(io_error)?;
    let reader: Box<dyn Read> =
        if compression == Compression::None { Box::new(reader) } else { progress.counting_decompressed(reader) };
    let (first_block, mut reader) = archive::peek(reader, TAR_BLOCK).map_err(io_error)?;
    if archive::is_tar(&first_block) {
        return Err(Failure::Input(InputError::Archive { name }));
    }
    let stream = Stream { name: &name, label: &name, compression };
    let parser = PushParser::named(options.format, &name);
    let parsed = parse_stream_with(parser, &mut reader, stream, options.until(), outcome, sink);
    progress.finish();
    let parsed = parsed?;
    if !parsed.has_view(options.format) {
        outcome.no_table.push(name);
    }
    Ok(())
}

/// A tar header block: enough to see the `ustar` magic.
const TAR_BLOCK: usize = 512;

/// Parse the member `wanted` of the archive `file`.
///
/// A first walk looks for a file of that path. When there is none, `wanted` may be written
/// through links (`proc/net/netstat`, where `proc/net` links to `self/net` and `proc/self`
/// to `3255`): it is resolved with the links the walk recorded, inside the archive only,
/// or else read as the `proc/<pid>/net/…` file it names ([`archive::proc_net_path`]), and a
/// second walk reads that file. A tar stream cannot go back, and its links may come after
/// the file they name, hence two walks; the second happens only for such a path.
fn parse_member(
    options: Options,
    file: &Path,
    wanted: &str,
    outcome: &mut Outcome,
    sink: &mut dyn FnMut(&str, &Event<'_>),
) -> Result<(), Failure> {
    let mut links = archive::Links::default();
    let mut files: Vec<String> = Vec::new();
    let mut proc_alias: Option<String> = None;
    let mut found = read_member(options, file, &mut links, outcome, sink, &mut |path: &str| {
        if member_matches(path, wanted) {
            return true;
        }
        if proc_alias.is_none() && member_matches(&archive::proc_net_path(path), wanted) {
            proc_alias = Some(path.to_string());
        }
        files.push(path.to_string());
        false
    })?;
    if found.is_none() {
        let target = resolve_member(&links, &files, wanted).or(proc_alias);
        if let Some(target) = target {
            let mut ignore = archive::Links::default();
            found = read_member(options, file, &mut ignore, outcome, sink, &mut |path: &str| path == target)?;
        }
    }
    found.unwrap_or_else(|| {
        Err(Failure::Input(InputError::NoSuchMember { name: file.display().to_string(), member: wanted.to_string() }))
    })
}

/// The file of the archive that `wanted` names through `links`, if it is one of `files`
/// (its paths as walked) and not `wanted` itself. `wanted` may leave out the archive's top
/// directory, as `--member` may.
fn resolve_member(links: &archive::Links, files: &[String], wanted: &str) -> Option<String> {
    if links.is_empty() {
        return None;
    }
    let wanted = wanted.trim_start_matches("./").trim_end_matches('/');
    let clean = |p: &str| p.split('/').filter(|c| !c.is_empty() && *c != ".").collect::<Vec<_>>().join("/");
    let mut tops: Vec<&str> = files.iter().filter_map(|f| clean_top(f)).collect();
    tops.sort_unstable();
    tops.dedup();
    let candidates = std::iter::once(wanted.to_string()).chain(tops.iter().map(|top| format!("{top}/{wanted}")));
    for candidate in candidates {
        let Some(resolved) = links.resolve(&candidate) else { continue };
        if resolved == clean(&candidate) {
            continue;
        }
        if let Some(file) = files.iter().find(|f| clean(f) == resolved) {
            return Some(file.clone());
        }
    }
    None
}

/// The first component of a path (`./` left out), if it has others after it.
fn clean_top(path: &str) -> Option<&str> {
    let mut parts = path.split('/').filter(|c| !c.is_empty() && *c != ".");
    let top = parts.next()?;
    parts.next().map(|_| top)
}

/// Walk the archive `file` and parse the first member whose path `pick` accepts;
/// `Some(result)` if one was found.
fn read_member(
    options: Options,
    file: &Path,
    links: &mut archive::Links,
    outcome: &mut Outcome,
    sink: &mut dyn FnMut(&str, &Event<'_>),
    pick: &mut dyn FnMut(&str) -> bool,
) -> Result<Option<Result<(), Failure>>, Failure> {
    let mut found: Option<Result<(), Failure>> = None;
    each_member(Some(file), options.quiet, links, &mut |member, reader, compression| {
        if !pick(&member.path) {
            return Ok(ControlFlow::Continue(()));
        }
        let format = member_format(options.format, &member.path);
        let name = format!("{}:{}", file.display(), member.path);
        let stream = Stream { name: &name, label: &member.path, compression };
        let result = parse_stream(PushParser::resume(format), reader, stream, options.until(), outcome, sink);
        found = Some(result.map(|parsed| {
            if !parsed.has_view(format) {
                outcome.no_table.push(name.clone());
            }
        }));
        Ok(ControlFlow::Break(()))
    })?;
    Ok(found)
}

/// What [`each_member`] calls with each member, its bytes and the archive's compression.
pub type VisitMember<'v> = dyn FnMut(&Member, &mut dyn Read, Compression) -> io::Result<ControlFlow<()>> + 'v;

/// One input as [`each_input`] finds it: a member of an archive, or a whole input that is
/// no archive (a capture, plain or compressed).
pub enum Input<'a> {
    /// A member of a tar archive or directory.
    Member(&'a Member, &'a mut dyn Read, Compression),
    /// The whole input, which is no archive: its (decompressed) bytes.
    Plain(&'a mut dyn Read, Compression),
}

/// What [`each_input`] calls with each member of an archive, or once with a plain input.
pub type VisitInput<'v> = dyn FnMut(Input<'_>) -> io::Result<ControlFlow<()>> + 'v;

/// Visit the members of the archive at `path` (standard input when `None` or `-`): a tar
/// file (plain, gzip, zstd or xz) or an unpacked directory, with a progress bar unless
/// `quiet`. `visit` is given the member, its bytes, and the archive's compression (for
/// messages); `links` gets the archive's links met on the way. An input that is no archive
/// is an error.
pub fn each_member(
    path: Option<&Path>,
    quiet: bool,
    links: &mut archive::Links,
    visit: &mut VisitMember<'_>,
) -> Result<(), Failure> {
    let name = input_name(path);
    let mut plain = false;
    each_input(path, quiet, links, &mut |input| match input {
        Input::Member(member, reader, compression) => visit(member, reader, compression),
        Input::Plain(..) => {
            plain = true;
            Ok(ControlFlow::Break(()))
        }
    })?;
    if plain {
        return Err(Failure::Input(InputError::NotAnArchive { name }));
    }
    Ok(())
}

/// The name of an input in messages: its path, or `<stdin>`.
pub fn input_name(path: Option<&Path>) -> String {
    match stdin_or(path) {
        None => "<stdin>".to_string(),
        Some(p) => p.display().to_string(),
    }
}

/// `None` for standard input (no path, or `-`).
pub fn stdin_or(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| p.as_os_str() != "-")
}

/// Visit any input: each member of a tar archive (plain, gzip, zstd or xz) or of an
/// unpacked directory, or, for an input that is no archive, the input itself, once.
/// Standard input when `path` is `None` or `-`. `links` gets the archive's links.
pub fn each_input(
    path: Option<&Path>,
    quiet: bool,
    links: &mut archive::Links,
    visit: &mut VisitInput<'_>,
) -> Result<(), Failure> {
    let path = stdin_or(path);
    let name = input_name(path);
    let io_error = |source| Failure::Input(InputError::Io { name: name.clone(), source });
    if let Some(path) = path.filter(|p| p.is_dir()) {
        let progress = Progress::for_input(None, true, quiet);
        let walked = archive::walk_dir(path, links, &mut |member, reader| {
            progress.member(&member.path);
            visit(Input::Member(member, &mut progress.counting(reader), Compression::None))
        });
        progress.finish();
        return walked.map_err(io_error);
    }
    let (raw, progress): (Box<dyn Read>, Progress) = match path {
        None => {
            let progress = Progress::for_stdin(quiet);
            (progress.counting(io::stdin().lock()), progress)
        }
        Some(path) => {
            let file = File::open(path).map_err(io_error)?;
            let progress = Progress::for_input(file.metadata().map(|m| m.len()).ok(), true, quiet);
            (progress.counting(file), progress)
        }
    };
    let (reader, compression) = netsift::input::decompressed(raw).map_err(io_error)?;
    // The message names the member being read; the bar counts the archive's bytes.
    let (first_block, mut reader) = archive::peek(reader, TAR_BLOCK).map_err(io_error)?;
    if !archive::is_tar(&first_block) {
        let visited = visit(Input::Plain(&mut reader, compression));
        progress.finish();
        return visited.map(|_| ()).map_err(io_error);
    }
    let walked = archive::walk_tar(reader, links, &mut |member, reader| {
        progress.member(&member.path);
        visit(Input::Member(member, reader, compression))
    });
    progress.finish();
    walked.map_err(|e| {
        let source = io::Error::new(e.kind(), format!("{} tar archive broken: {e}", compression.name()));
        io_error(source)
    })
}

/// One stream being parsed: what messages call it, what its events are labelled with,
/// and how it was compressed.
#[derive(Debug, Clone, Copy)]
pub struct Stream<'a> {
    /// The name in messages (`file`, or `archive:member`).
    pub name: &'a str,
    /// The label given to the sink with each event (the file, or the member's path).
    pub label: &'a str,
    /// Its compression, named when it breaks.
    pub compression: Compression,
}

/// What parsing one stream found.
#[derive(Debug, Clone, Copy)]
pub struct Parsed {
    /// Its line accounting.
    pub stats: LineStats,
    /// Whether a table was recognised.
    pub saw_table: bool,
    /// Whether it began inside a line (its front was cut off).
    pub cut_front: bool,
    /// Whether `--strict` stopped it at a malformed line.
    pub stopped: bool,
}

impl Parsed {
    /// Whether the stream gives a view: it held a table, or it was empty and `format` is
    /// one whose insights parser answers an empty input with empty views (ss, netstat -s,
    /// -i, -agn).
    pub fn has_view(&self, format: Format) -> bool {
        let empty = self.stats.lines == self.stats.blank;
        let accepts_empty =
            matches!(format, Format::Ss | Format::SsTulpn | Format::NetstatS | Format::NetstatI | Format::NetstatAgn);
        self.saw_table || (empty && accepts_empty) || self.stopped
    }
}

/// Parse `reader` to its end with `parser`, giving each event to `sink` with the stream's
/// label. The cut first line of a resumed stream is an event like any other, but neither a
/// malformed line for `--strict` nor for the summary: it is expected.
pub fn parse_stream(
    parser: PushParser,
    reader: &mut dyn Read,
    stream: Stream<'_>,
    until: Until,
    outcome: &mut Outcome,
    sink: &mut dyn FnMut(&str, &Event<'_>),
) -> Result<Parsed, Failure> {
    parse_stream_with(parser, reader, stream, until, outcome, sink)
}

/// [`parse_stream`] made for one `sink` type (see [`parse_inputs_with`]).
fn parse_stream_with<K: EventSink + ?Sized>(
    mut parser: PushParser,
    reader: &mut dyn Read,
    stream: Stream<'_>,
    until: Until,
    outcome: &mut Outcome,
    sink: &mut K,
) -> Result<Parsed, Failure> {
    let Until { strict, last_capture } = until;
    let stopped = std::cell::Cell::new(false);
    let cut_front = std::cell::Cell::new(false);
    let mut on_event = StreamSink {
        take: StreamEvents { stopped: &stopped, cut_front: &cut_front, last_capture, strict, stream, outcome, sink },
    };
    let bytes = match netsift::input::feed_reader(&mut parser, reader, &mut on_event, || stopped.get()) {
        Ok(bytes) => bytes,
        Err(broken) => {
            let what =
                format!("{} stream broken after {} bytes: {}", stream.compression.name(), broken.bytes, broken.source);
            let source = io::Error::new(broken.source.kind(), what);
            return Err(Failure::Input(InputError::Io { name: stream.name.to_string(), source }));
        }
    };
    outcome.bytes += bytes;
    let stats = parser.stats();
    outcome.add(&stats);
    Ok(Parsed { stats, saw_table: parser.saw_table(), cut_front: cut_front.get(), stopped: stopped.get() })
}

/// The sink of [`parse_stream`] and [`parse_part`]: `take` reads each event where it is,
/// whether it was handed over (`event`) or lent (`event_ref`), so that the events a
/// machine lends are not copied on their way to the CLI's sink, which takes a reference.
struct StreamSink<T> {
    take: T,
}

/// What a [`StreamSink`] does with an event, with a values line's counters (by
/// default, each in turn), and with a row that was only checked.
trait Take {
    fn take(&mut self, event: &Event<'_>);

    #[inline(always)]
    fn take_counters(&mut self, counters: CounterLine<'_, '_>) {
        counters.each(|ev| self.take(ev));
    }

    #[inline(always)]
    fn reads_rows(&self) -> bool {
        true
    }

    #[inline(always)]
    fn row_checked(&mut self, at: Position, capture: u32, row: CheckedRow) {
        let _ = (at, capture, row);
    }
}

impl<F: FnMut(&Event<'_>)> Take for F {
    #[inline(always)]
    fn take(&mut self, event: &Event<'_>) {
        self(event)
    }
}

impl<T: Take> netsift::push::Sink for StreamSink<T> {
    #[inline(always)]
    fn event(&mut self, event: Event<'_>) {
        self.take.take(&event)
    }

    #[inline(always)]
    fn event_ref(&mut self, event: &Event<'_>) {
        self.take.take(event)
    }

    #[inline(always)]
    fn counters(&mut self, counters: CounterLine<'_, '_>) {
        self.take.take_counters(counters)
    }

    #[inline(always)]
    fn reads_rows(&self) -> bool {
        self.take.reads_rows()
    }

    #[inline(always)]
    fn row_checked(&mut self, at: Position, capture: u32, row: CheckedRow) {
        self.take.row_checked(at, capture, row)
    }
}

/// The events of [`parse_stream`]: until it stops (`--strict`'s first malformed line, or
/// the capture after the last one wanted), each goes to `sink` with the stream's label.
/// A type rather than a closure so that its method is always inlined where the machines
/// make their events (a closure was called out of line from the netstat -s machine's
/// read-through loop).
struct StreamEvents<'s, 'o, K: ?Sized> {
    stopped: &'s std::cell::Cell<bool>,
    cut_front: &'s std::cell::Cell<bool>,
    last_capture: Option<u32>,
    strict: bool,
    stream: Stream<'s>,
    outcome: &'o mut Outcome,
    sink: &'o mut K,
}

impl<K: EventSink + ?Sized> Take for StreamEvents<'_, '_, K> {
    #[inline(always)]
    fn take(&mut self, ev: &Event<'_>) {
        if self.stopped.get() {
            return;
        }
        if self.last_capture.is_some_and(|n| ev.capture > n) {
            self.stopped.set(true);
            return;
        }
        if let EventKind::Malformed(m) = &ev.kind {
            if !note_malformed(ev, m, self.stream.name, self.strict, self.outcome, self.cut_front, self.stopped) {
                return;
            }
        }
        self.sink.event(self.stream.label, ev);
    }

    #[inline(always)]
    fn take_counters(&mut self, counters: CounterLine<'_, '_>) {
        // A values line's counters are neither malformed nor of different captures: they
        // go to the sink together unless the stream stops here (then each as above).
        if self.stopped.get() || self.last_capture.is_some_and(|n| counters.event().capture > n) {
            return counters.each(|ev| self.take(ev));
        }
        self.sink.counters(self.stream.label, counters);
    }

    #[inline(always)]
    fn reads_rows(&self) -> bool {
        self.sink.reads_rows()
    }

    /// As [`Take::take`] takes the row's event (which is never malformed).
    #[inline(always)]
    fn row_checked(&mut self, at: Position, capture: u32, row: CheckedRow) {
        if self.stopped.get() {
            return;
        }
        if self.last_capture.is_some_and(|n| capture > n) {
            self.stopped.set(true);
            return;
        }
        self.sink.row_checked(self.stream.label, at, row);
    }
}

/// A malformed event of [`parse_stream`]: noted in `outcome` (or, the cut first line of a
/// resumed stream, in `cut_front`); whether it still goes to the sink. Out of line, so that
/// the per-event closure stays small enough to be inlined where events are made.
#[cold]
#[inline(never)]
fn note_malformed(
    ev: &Event<'_>,
    m: &Malformed<'_>,
    name: &str,
    strict: bool,
    outcome: &mut Outcome,
    cut_front: &std::cell::Cell<bool>,
    stopped: &std::cell::Cell<bool>,
) -> bool {
    if m.problem == (Problem::Grammar { column: 0, expected: CUT_LINE }) {
        cut_front.set(true);
        return true;
    }
    outcome.malformed += 1;
    if outcome.first_malformed.is_none() {
        outcome.first_malformed = Some(report(name, ev, m));
    }
    if strict {
        stopped.set(true);
        return false;
    }
    true
}

/// Parse one part of a file (see `cli/split.rs`), its `bytes`, with `parser`, which goes
/// on from where it is: the events go to `sink` labelled `name`, the line accounting and
/// the malformed lines to `outcome`. Only the `last` part finishes the parser. `stop` is
/// asked after each [`PART_STEP`] bytes: a part whose guess was wrong is abandoned.
pub fn parse_part(
    parser: &mut PushParser,
    bytes: &[u8],
    name: &str,
    last: bool,
    outcome: &mut Outcome,
    stop: &dyn Fn() -> bool,
    sink: &mut dyn FnMut(&str, &Event<'_>),
) {
    parse_part_with(parser, bytes, name, last, outcome, stop, sink)
}

/// [`parse_part`] made for one `sink` type (see [`parse_inputs_with`]).
pub fn parse_part_with<K: EventSink + ?Sized>(
    parser: &mut PushParser,
    bytes: &[u8],
    name: &str,
    last: bool,
    outcome: &mut Outcome,
    stop: &dyn Fn() -> bool,
    sink: &mut K,
) {
    let mut on_event = StreamSink { take: PartEvents { name, outcome: &mut *outcome, sink } };
    for step in bytes.chunks(PART_STEP) {
        parser.feed(step, &mut on_event);
        if stop() {
            return;
        }
    }
    if last {
        parser.finish(&mut on_event);
    }
    outcome.bytes += bytes.len() as u64;
    outcome.add(&parser.take_stats());
}

/// The events of [`parse_part`]: each goes to `sink` labelled `name`, a malformed one noted
/// in `outcome` first. A type rather than a closure for the reason [`StreamEvents`] is:
/// the closure was called out of line, once per event, from the machines (a tenth of
/// `count --jobs 2`'s instructions on /proc, where `--jobs 1` has none of it).
struct PartEvents<'p, 'o, K: EventSink + ?Sized> {
    name: &'p str,
    outcome: &'o mut Outcome,
    sink: &'o mut K,
}

impl<K: EventSink + ?Sized> Take for PartEvents<'_, '_, K> {
    #[inline(always)]
    fn take(&mut self, ev: &Event<'_>) {
        if let EventKind::Malformed(m) = &ev.kind {
            note_part_malformed(ev, m, self.name, self.outcome);
        }
        self.sink.event(self.name, ev);
    }

    #[inline(always)]
    fn take_counters(&mut self, counters: CounterLine<'_, '_>) {
        self.sink.counters(self.name, counters);
    }

    #[inline(always)]
    fn reads_rows(&self) -> bool {
        self.sink.reads_rows()
    }

    #[inline(always)]
    fn row_checked(&mut self, at: Position, _: u32, row: CheckedRow) {
        self.sink.row_checked(self.name, at, row);
    }
}

/// A malformed event of [`parse_part`], noted in `outcome`. Out of line, as
/// [`note_malformed`].
#[cold]
#[inline(never)]
fn note_part_malformed(ev: &Event<'_>, m: &Malformed<'_>, name: &str, outcome: &mut Outcome) {
    outcome.malformed += 1;
    if outcome.first_malformed.is_none() {
        outcome.first_malformed = Some(report(name, ev, m));
    }
}

/// How many bytes of a part [`parse_part`] feeds between two looks at whether to stop.
pub const PART_STEP: usize = 64 << 10;

/// After the last part of `name` (read in `format`): an input with no table is reported,
/// as for a file read in one piece.
pub fn parts_done(outcome: &mut Outcome, name: &str, format: Format, saw_table: bool) {
    outcome.format = Some(format);
    let parsed = Parsed { stats: outcome.stats, saw_table, cut_front: false, stopped: false };
    if !parsed.has_view(format) {
        outcome.no_table.push(name.to_string());
    }
}

fn report(name: &str, ev: &Event<'_>, m: &Malformed<'_>) -> MalformedReport {
    MalformedReport {
        name: name.to_string(),
        line: ev.at.line,
        offset: ev.at.offset,
        column: m.column(),
        reason: m.reason(),
        text: m.raw.to_vec(),
    }
}
