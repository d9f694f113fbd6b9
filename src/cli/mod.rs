//! Command-line parsing and the subcommands.

mod input;
mod parallel;
mod progress;
mod report;
mod scan;
mod split;
mod table;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use netsift::events::json::EventWriter;
use netsift::events::{EventKind, TableKind};
use netsift::push::CounterLine;
use netsift::views::search::Term;
use netsift::views::{netstat::write_rows, CaptureSelect, NetstatView};
use netsift::{Event, Format};

use input::{
    member_format, parse_file, parse_inputs, parse_inputs_with, parse_part, parse_part_with, EventSink, Failure,
    InputError, Options, Outcome,
};
use parallel::Delivery;

/// Parse netstat and ss outputs into typed events and insights-compatible views.
#[derive(Debug, Parser)]
#[command(name = "netsift", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print every event as a JSON object, one per line.
    Events {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        jobs: Jobs,
        #[command(flatten)]
        member: MemberArg,
        /// Input files (standard input when none; one archive with --member).
        files: Vec<PathBuf>,
    },
    /// Print the insights-compatible views as one JSON object.
    View {
        #[command(flatten)]
        common: Common,
        /// Which capture to describe: a number from 1, `last` (default) or `all`.
        #[arg(long, default_value = "last", value_parser = parse_capture)]
        capture: CaptureSelect,
        /// Print the rows as aligned tables (insights' column names) instead of JSON.
        #[arg(long)]
        table: bool,
        /// Threads parsing a large netstat or ss file in parts and writing a large table's
        /// JSON (default: one per core). The output is the same whatever the number.
        #[arg(short, long, value_name = "N")]
        jobs: Option<usize>,
        /// The size of the parts a single file is cut into (bytes; for tests).
        #[arg(long, value_name = "BYTES", hide = true)]
        part_size: Option<u64>,
        /// Read the parts of a large file instead of mapping them. Mapped, the rows keep
        /// their lines where the file is cached rather than copies (faster, less memory),
        /// but a file truncated by another program meanwhile stops netsift (SIGBUS).
        #[arg(long)]
        no_mmap: bool,
        #[command(flatten)]
        member: MemberArg,
        /// Input file (an archive with --member); standard input when none or `-`.
        file: Option<PathBuf>,
    },
    /// Print the rows matching every search term as a JSON array.
    Search {
        #[command(flatten)]
        common: Common,
        /// Search only these tables, in this order (repeatable).
        #[arg(long = "section", value_parser = parse_section)]
        sections: Vec<TableKind>,
        /// Rows whose local port is N.
        #[arg(long, value_name = "N")]
        local_port: Option<String>,
        /// Rows whose peer (foreign) port is N.
        #[arg(long, value_name = "N")]
        peer_port: Option<String>,
        /// Rows whose local or peer port is N.
        #[arg(long, value_name = "N")]
        port: Option<String>,
        /// Rows whose program name contains NAME.
        #[arg(long, value_name = "NAME")]
        service: Option<String>,
        /// Print the rows as an aligned table (insights' column names) instead of JSON.
        #[arg(long)]
        table: bool,
        #[command(flatten)]
        member: MemberArg,
        /// The input file (an archive with --member), then the search terms: key=value,
        /// key__contains=value, key__startswith=…, key__endswith=…, key__lower_value=…;
        /// blanks and `-` in keys written as `_`. Without a file (the first word is a term,
        /// not an existing file) or with `-`, standard input is read.
        #[arg(value_name = "[FILE] TERM")]
        args: Vec<String>,
    },
    /// Print counter values as one JSON object: NAME → integer, or null where absent.
    Stat {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        member: MemberArg,
        /// The input file (`/proc/net/netstat`, `/proc/net/snmp`, `netstat -s`, nstat,
        /// `/proc/net/snmp6`, `/proc/net/sockstat`; an archive with --member), then the
        /// counter names: a bare name (`ReasmOverlaps`, looked up as insights' get_stats
        /// does), `Section:Name` (`Tcp:ActiveOpens`, `TCP:inuse`) or the kernel's flat name
        /// as nstat and snmp6 print it (`TcpExtListenOverflows`, `Ip6InReceives`). The first
        /// word is the file when it is `-`, an existing path, or holds a `/` or a `.`;
        /// otherwise every word is a name and standard input is read.
        #[arg(required = true, value_name = "[FILE] NAME")]
        args: Vec<String>,
    },
    /// Count events by kind, and account for every line.
    Count {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        jobs: Jobs,
        #[command(flatten)]
        member: MemberArg,
        /// Input files (standard input when none; one archive with --member).
        files: Vec<PathBuf>,
    },
    /// Parse every member of a sosreport or insights archive that holds an output netsift
    /// reads: events as JSON lines naming their `member`, then a `scan_summary` line.
    Scan {
        #[command(flatten)]
        common: Common,
        /// A tar archive (plain, .gz, .zst or .xz) or an unpacked directory; standard input
        /// (a tar stream) when none or `-`.
        archive: Option<PathBuf>,
    },
    /// Summarise for a person: listeners, connections, trouble counters, interfaces, and
    /// where the sources disagree; text on the terminal, `--json`, or `--html PAGE`.
    Report {
        #[command(flatten)]
        common: Common,
        /// Print the report as one JSON object.
        #[arg(long, conflicts_with = "html")]
        json: bool,
        /// Write the report as a self-contained HTML page to this file.
        #[arg(long, value_name = "OUT.html")]
        html: Option<PathBuf>,
        /// Captures, logs, sosreport or insights archives (tar, compressed or not) or
        /// unpacked directories; standard input when none or `-`.
        inputs: Vec<PathBuf>,
    },
}

/// `--member PATH`: read one member of an archive.
#[derive(Debug, Args)]
struct MemberArg {
    /// Read the member PATH of the archive FILE (a tar file, compressed or not, or a
    /// directory); PATH may leave out the archive's top directory.
    #[arg(long = "member", value_name = "PATH")]
    path: Option<String>,
}

#[derive(Debug, Args)]
struct Common {
    /// Input format: auto, netstat, ss, ss-tulpn, netstat-s, proc-netstat, netstat-i, netstat-agn,
    /// nstat, proc-snmp6, sockstat, proc-net-dev, proc-snmp (/proc/net/snmp as insights'
    /// TcpIpStats).
    #[arg(short, long, default_value = "auto")]
    format: Format,
    /// Stop at the first malformed line with an error (exit 2).
    #[arg(long)]
    strict: bool,
    /// No progress bar (shown on a terminal for archives and inputs over 64 MiB).
    #[arg(short, long)]
    quiet: bool,
}

/// Several files, or one large file cut into parts, are parsed on several cores.
#[derive(Debug, Clone, Copy, Args)]
struct Jobs {
    /// Files, or parts of one file, parsed at once (default: one per core). The output is
    /// the same whatever the number: each file's events together, in the order the files
    /// were given, and one file's in its order.
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// The size of the parts a single file is cut into (bytes; for tests).
    #[arg(long, value_name = "BYTES", hide = true)]
    part_size: Option<u64>,
}

impl Jobs {
    /// Workers for `files`, or `None` to read them one by one on this thread: standard
    /// input, a single file, and `--strict` (which stops at the first malformed line).
    fn workers(self, files: &[PathBuf], strict: bool) -> Option<usize> {
        let workers = parallel::workers(self.jobs, files.len());
        (files.len() > 1 && workers > 1 && !strict).then_some(workers)
    }

    /// For a single plain file larger than a part, with more than one job and without
    /// `--strict`: the file, the workers and the part size to cut it into parts (the
    /// command's `part_size` unless `--part-size` says otherwise).
    fn split(self, files: &[PathBuf], strict: bool, part_size: u64) -> Option<(&Path, usize, u64)> {
        let [file] = files else { return None };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers = self.jobs.unwrap_or(cores).max(1);
        let part_size = self.part_size.unwrap_or(part_size).max(1);
        (workers > 1 && !strict && split::splittable(file, part_size)).then_some((file.as_path(), workers, part_size))
    }
}

impl Common {
    fn options(&self) -> Options {
        Options { format: self.format, strict: self.strict, quiet: self.quiet, last_capture: None }
    }

    /// The options for `member` of an archive: its format from its path under `-f auto`.
    fn options_for(&self, member: &MemberArg) -> Options {
        let format = member.path.as_deref().map_or(self.format, |m| member_format(self.format, m));
        Options { format, ..self.options() }
    }
}

fn parse_capture(s: &str) -> Result<CaptureSelect, String> {
    match s {
        "last" => Ok(CaptureSelect::Last),
        "all" => Ok(CaptureSelect::All),
        n => match n.parse::<u32>() {
            Ok(n) if n > 0 => Ok(CaptureSelect::Number(n)),
            _ => Err(format!("`{s}` is not a capture number (1, 2, …), `last` or `all`")),
        },
    }
}

fn parse_section(s: &str) -> Result<TableKind, String> {
    match s {
        "inet" => Ok(TableKind::Inet),
        "unix" => Ok(TableKind::Unix),
        _ => Err(format!("`{s}` is not a section (inet, unix)")),
    }
}

/// Run the command line; returns the exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Events { common, jobs, member, files } => events(&common, jobs, &member, &files),
        Command::View { common, capture, table, jobs, part_size, no_mmap, member, file } => {
            let file = file.unwrap_or_else(stdin_path);
            view(&common, capture, table, Jobs { jobs, part_size }, !no_mmap, &member, &file)
        }
        Command::Search { common, sections, local_port, peer_port, port, service, table, member, args } => {
            let filters = PortFilters { local_port, peer_port, port, service };
            let (file, terms) = split_file(&args, |first| first.contains('='));
            search(&common, &sections, &filters, table, &member, &file, terms)
        }
        Command::Stat { common, member, args } => {
            let (file, names) =
                split_file(&args, |first| !first.contains('/') && !first.contains('.') && !first.is_empty());
            if names.is_empty() {
                Err(Failure::Usage("stat: no counter NAME given".to_string()))
            } else {
                stat(&common, &member, &file, names)
            }
        }
        Command::Count { common, jobs, member, files } => count(&common, jobs, &member, &files),
        Command::Scan { common, archive } => scan::scan(common.options(), &archive.unwrap_or_else(stdin_path)),
        Command::Report { common, json, html, inputs } => {
            let output = match (json, html) {
                (_, Some(path)) => report::Output::Html(path),
                (true, None) => report::Output::Json,
                (false, None) => report::Output::Text,
            };
            report::report(common.options(), &inputs, &output)
        }
    };
    match result {
        Ok(()) => 0,
        Err(Failure::BrokenPipe) => 0,
        Err(Failure::Input(e)) => {
            eprintln!("netsift: {e}");
            2
        }
        Err(Failure::Strict(report)) => {
            eprint!("{report}");
            2
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("netsift: {msg}");
            2
        }
        Err(Failure::Output(e)) => {
            eprintln!("netsift: cannot write output: {e}");
            1
        }
    }
}

/// `-`: standard input.
fn stdin_path() -> PathBuf {
    PathBuf::from("-")
}

/// Split positional words into the input file and the rest: the first word is the file
/// unless `not_a_file(first)` says it is one of the rest and no such path exists (then
/// standard input is read).
fn split_file(args: &[String], not_a_file: impl Fn(&str) -> bool) -> (PathBuf, &[String]) {
    match args.split_first() {
        None => (stdin_path(), args),
        Some((first, rest)) => {
            if first != "-" && not_a_file(first) && !Path::new(first).exists() {
                (stdin_path(), args)
            } else {
                (PathBuf::from(first), rest)
            }
        }
    }
}

/// The archive `--member` reads from: it takes exactly one file.
fn member_archive<'a>(member: &'a MemberArg, files: &'a [PathBuf]) -> Result<Option<(&'a Path, &'a str)>, Failure> {
    let Some(path) = member.path.as_deref() else { return Ok(None) };
    match files {
        [archive] => Ok(Some((archive.as_path(), path))),
        _ => Err(Failure::Usage(format!("--member {path} reads one archive; {} files given", files.len()))),
    }
}

fn events(common: &Common, jobs: Jobs, member: &MemberArg, files: &[PathBuf]) -> Result<(), Failure> {
    let mut out = io::BufWriter::with_capacity(1 << 20, raw_stdout());
    let many = files.len() > 1;
    let mut write_error: Option<io::Error> = None;
    let from_member = member_archive(member, files)?;
    let split = if from_member.is_none() { jobs.split(files, common.strict, split::EVENTS_PART_SIZE) } else { None };
    let outcome = if let Some((file, workers, part_size)) = split {
        split::keep_large_blocks_mapped();
        let name = file.display().to_string();
        let work = |parser: &mut netsift::PushParser,
                    bytes: &[u8],
                    _: Option<&bytes::Bytes>,
                    last: bool,
                    stop: &dyn Fn() -> bool,
                    send: &mut dyn FnMut(&mut Vec<u8>)| {
            // Written into recycled buffers, a chunk at a time, by the thread's writer (whose
            // remembered runs, made again for every part, cost more than a small part's
            // events) into the thread's buffer (one allocated for each part was a fresh
            // allocation's page faults each time).
            let mut outcome = Outcome::default();
            PART_WRITER.with_borrow_mut(|(writer, chunk)| {
                send(chunk);
                let mut sink =
                    EventLines { writer, buf: &mut *chunk, at: split::CHUNK, full: |c: &mut Vec<u8>| send(c) };
                parse_part_with(parser, bytes, &name, last, &mut outcome, stop, &mut sink);
                send(chunk);
            });
            (outcome, ())
        };
        // Each chunk written as it is, by the worker of the part being written (nothing
        // went through `out`'s buffer before); a write error stops the workers.
        let mut deliver = |bytes: &[u8]| {
            if write_error.is_none() {
                if let Err(e) = out.get_mut().write_all(bytes) {
                    write_error = Some(e);
                }
            }
            write_error.is_none()
        };
        let plan = split::Plan {
            path: file,
            format: common.format,
            workers,
            part_size,
            captures: true,
            lines: true,
            warm_up: split::WARM_UP,
            min_warm_up: split::EVENTS_WARM_UP,
            held: split::HELD,
            map: false,
            parked: split::PARKED,
        };
        split::run(plan, &work, &mut deliver, &mut |()| {})?
    } else {
        match (from_member, jobs.workers(files, common.strict)) {
            (Some((archive, path)), _) => {
                let mut buf = Vec::with_capacity(OUT + (64 << 10));
                let mut writer = EventWriter::new();
                let outcome =
                    parse_file(common.options_for(member), archive, Some(path), &mut |_: &str, ev: &Event<'_>| {
                        write_event_line(&mut writer, &mut buf, ev, None);
                        hand_over(&mut buf, &mut out, &mut write_error, OUT);
                    })?;
                hand_over(&mut buf, &mut out, &mut write_error, 0);
                outcome
            }
            (None, None) => {
                // Every event is written straight into one large buffer, handed to the
                // output a megabyte at a time.
                let mut buf = Vec::with_capacity(OUT + (64 << 10));
                let mut writer = EventWriter::new();
                let outcome = if many {
                    parse_inputs(common.options(), files, &mut |name: &str, ev: &Event<'_>| {
                        write_event_line(&mut writer, &mut buf, ev, Some(("file", name)));
                        hand_over(&mut buf, &mut out, &mut write_error, OUT);
                    })
                } else {
                    let full = |buf: &mut Vec<u8>| hand_over(buf, &mut out, &mut write_error, 0);
                    let mut sink = EventLines { writer: &mut writer, buf: &mut buf, at: OUT, full };
                    parse_inputs_with(common.options(), files, &mut sink)
                };
                hand_over(&mut buf, &mut out, &mut write_error, 0);
                outcome
            }
            (None, Some(workers)) => {
                // Each worker writes its file's lines into 64 KiB chunks; this thread writes
                // the chunks out, file by file.
                let options = Options { quiet: true, ..common.options() };
                let mut outcome = Outcome::default();
                let work = |file: &PathBuf, send: &mut dyn FnMut(Vec<u8>)| {
                    let mut chunk = Vec::with_capacity(CHUNK);
                    let mut writer = EventWriter::new();
                    let outcome =
                        parse_inputs(options, std::slice::from_ref(file), &mut |name: &str, ev: &Event<'_>| {
                            write_event_line(&mut writer, &mut chunk, ev, Some(("file", name)));
                            if chunk.len() >= CHUNK {
                                send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)));
                            }
                        });
                    send(chunk);
                    (outcome, ())
                };
                parallel::run(files, workers, work, |_, delivery| match delivery {
                    Delivery::Chunk(bytes) => {
                        if write_error.is_none() {
                            if let Err(e) = out.write_all(&bytes) {
                                write_error = Some(e);
                            }
                        }
                    }
                    Delivery::Done(file_outcome, ()) => outcome.merge(*file_outcome),
                });
                outcome
            }
        }
    };
    let flushed = out.flush();
    if let Some(e) = write_error {
        return Err(Failure::from_write(e));
    }
    flushed.map_err(Failure::from_write)?;
    outcome.finish(common.strict)
}

thread_local! {
    /// The JSON writer of the parts of one file that a thread reads (`events --jobs N FILE`)
    /// and its output buffer: one per thread, kept from part to part.
    static PART_WRITER: std::cell::RefCell<(EventWriter, Vec<u8>)> =
        std::cell::RefCell::new((EventWriter::new(), Vec::new()));
}

/// The size of the chunks of output a worker hands over.
const CHUNK: usize = 1 << 16;

/// How much of `events`' output is gathered before it is written: few, large writes.
const OUT: usize = 1 << 20;

/// Write `buf` to `out` (and empty it) once it holds `at` bytes or more; after a write
/// error, drop the output and keep the error.
#[inline]
fn hand_over(buf: &mut Vec<u8>, out: &mut impl Write, write_error: &mut Option<io::Error>, at: usize) {
    if buf.len() >= at {
        if write_error.is_none() {
            if let Err(e) = out.write_all(buf) {
                *write_error = Some(e);
            }
        }
        buf.clear();
    }
}

/// The sink of `events` for one input (no tag): each event written as a JSON line into
/// `buf`, a values line's counters together (see `EventWriter::write_counter_lines`);
/// `full` is given `buf` whenever it holds `at` bytes or more, to hand it on.
struct EventLines<'w, F: FnMut(&mut Vec<u8>)> {
    writer: &'w mut EventWriter,
    buf: &'w mut Vec<u8>,
    at: usize,
    full: F,
}

impl<F: FnMut(&mut Vec<u8>)> EventSink for EventLines<'_, F> {
    #[inline(always)]
    fn event(&mut self, _: &str, ev: &Event<'_>) {
        self.writer.write_line(self.buf, ev);
        if self.buf.len() >= self.at {
            (self.full)(self.buf);
        }
    }

    #[inline(always)]
    fn counters(&mut self, _: &str, counters: CounterLine<'_, '_>) {
        let (at, full) = (self.at, &mut self.full);
        self.writer.write_counter_lines(self.buf, counters, |buf| {
            if buf.len() >= at {
                full(buf);
            }
        });
    }
}

/// Append `ev` as one JSON line to `buf` with `writer`; `tag` names where it came from
/// (`"file"` among several files, `"member"` of an archive) as the object's last member.
#[inline]
fn write_event_line(writer: &mut EventWriter, buf: &mut Vec<u8>, ev: &Event<'_>, tag: Option<(&str, &str)>) {
    let Some((key, value)) = tag else {
        return writer.write_line(buf, ev);
    };
    writer.write(buf, ev);
    // Inside the object: replace the closing brace.
    buf.pop();
    buf.push(b',');
    netsift::json::string(buf, key.as_bytes());
    buf.push(b':');
    netsift::json::string(buf, value.as_bytes());
    buf.extend_from_slice(b"}\n");
}

/// The parts `view` cuts one large netstat or ss file into (see `split`): `count`'s size.
/// The parts in flight hold their rows (see `split::VIEW_PARKED`), and in a periodic log
/// these are mostly rows of captures a later part drops: `view` on 32 captures of 1 MB
/// peaked at 18–24 MiB with 2 MiB parts, 13–19 with 1 MiB (four parked a worker); one
/// 100 MB netstat capture took the same time with both, ss's 0.308 s instead of 0.331
/// (7–8 alternating runs each).
const VIEW_PART_SIZE: u64 = 1 << 20;

fn view(
    common: &Common,
    capture: CaptureSelect,
    table: bool,
    jobs: Jobs,
    map: bool,
    member: &MemberArg,
    file: &Path,
) -> Result<(), Failure> {
    let mut options = common.options_for(member);
    if options.format == Format::ProcNetDev {
        return Err(Failure::Usage(
            "no insights view reads /proc/net/dev: `netsift events -f proc-net-dev` gives its rows".to_string(),
        ));
    }
    if let CaptureSelect::Number(n) = capture {
        // Nothing after capture N is described: reading stops there.
        options.last_capture = Some(n);
    }
    let mut set = netsift::views::ViewSet::new(options.format, capture);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    set.write_on_two_threads(jobs.jobs.unwrap_or(cores) > 1);
    if capture == CaptureSelect::All && !table {
        // Only the JSON is wanted: each capture is written out when it ends, so that a
        // periodic log costs the memory of its largest capture, not of all of them.
        set.spool_finished_captures();
    }
    // One large netstat or ss file: cut into parts parsed, and their rows built, on
    // every core (see `split`); the parts' views are given to the set in order.
    let files = [file.to_path_buf()];
    // Each part's rows are held until its turn, beside the capture's (the memory bound is
    // 1.5× the capture and 16 MiB): see `VIEW_PART_SIZE`.
    let split = jobs.split(&files, common.strict, VIEW_PART_SIZE);
    let parts = matches!(options.format, Format::Netstat | Format::Ss | Format::SsTulpn)
        && capture == CaptureSelect::Last
        && member.path.is_none();
    let outcome = match (split, set.part()) {
        (Some((path, workers, part_size)), Some(empty)) if parts => {
            let name = path.display().to_string();
            let work = |parser: &mut netsift::PushParser,
                        bytes: &[u8],
                        mapped: Option<&bytes::Bytes>,
                        last: bool,
                        stop: &dyn Fn() -> bool,
                        _: &mut dyn FnMut(&mut Vec<u8>)| {
                let mut part = empty.clone();
                // The rows keep their lines in the mapped part, not copies.
                part.keep_lines_in(mapped.cloned());
                let mut outcome = Outcome::default();
                let mut sink = |_: &str, ev: &Event<'_>| part.event(ev);
                parse_part(parser, bytes, &name, last, &mut outcome, stop, &mut sink);
                part.parsed();
                (outcome, part)
            };
            let plan = split::Plan {
                path,
                format: options.format,
                workers,
                part_size,
                captures: true,
                lines: true,
                warm_up: split::WARM_UP,
                // Back to the table's opening line, as `events`' parts (the guesses are
                // checked all the same).
                min_warm_up: split::EVENTS_WARM_UP,
                held: split::HELD,
                // The rows keep their lines in the mapped parts.
                map,
                parked: split::VIEW_PARKED,
            };
            split::run(plan, &work, &mut |_| true, &mut |part| set.merge(part))?
        }
        _ => parse_file(options, file, member.path.as_deref(), &mut |_: &str, ev: &Event<'_>| set.event(ev))?,
    };
    outcome.finish(common.strict)?;
    if let CaptureSelect::Number(n) = capture {
        if n > set.seen.max_capture {
            return Err(Failure::Usage(format!("{}: there is no capture {n}", file.display())));
        }
    }
    if table {
        let tables = table::views(&set, capture).ok_or_else(|| {
            Failure::Usage(
                "--table shows the rows of netstat, ss, netstat -i and netstat -agn tables; for counters use `netsift stat` or `netsift report`".to_string(),
            )
        })?;
        return write_stdout(tables.as_bytes());
    }
    // Written a megabyte at a time: the JSON of a large capture is several times its size.
    let mut lock = raw_stdout();
    set.write_json_to(&mut lock)
        .and_then(|()| lock.write_all(b"\n"))
        .and_then(|()| lock.flush())
        .map_err(Failure::from_write)
}

fn stat(common: &Common, member: &MemberArg, file: &Path, names: &[String]) -> Result<(), Failure> {
    let options = common.options_for(member);
    let mut counters = netsift::views::proc_net::ProcNetstatView::default();
    let outcome = parse_file(options, file, member.path.as_deref(), &mut |_: &str, ev: &Event<'_>| counters.event(ev))?;
    outcome.finish(common.strict)?;
    let mut json = Vec::new();
    let mut o = netsift::json::Object::new(&mut json);
    for name in names {
        match counters.get_stats(name) {
            Some(v) => o.member(name).extend_from_slice(v.to_string().as_bytes()),
            None => o.null(name),
        }
    }
    o.end();
    json.push(b'\n');
    write_stdout(&json)
}

struct PortFilters {
    local_port: Option<String>,
    peer_port: Option<String>,
    port: Option<String>,
    service: Option<String>,
}

fn search(
    common: &Common,
    sections: &[TableKind],
    filters: &PortFilters,
    table: bool,
    member: &MemberArg,
    file: &Path,
    terms: &[String],
) -> Result<(), Failure> {
    let terms: Vec<Term> = terms
        .iter()
        .map(|t| Term::parse_key_as_printed(t))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let options = common.options_for(member);
    let mut set = netsift::views::ViewSet::new(options.format, CaptureSelect::Last);
    let outcome = parse_file(options, file, member.path.as_deref(), &mut |_: &str, ev: &Event<'_>| set.event(ev))?;
    outcome.finish(common.strict)?;
    let rows = match (&set.ss, &set.netstat) {
        (Some(ss), netstat) if set.seen.ss || netstat.is_none() => ss_search(ss, filters, &terms),
        (_, Some(netstat)) => netstat_search(netstat, sections, filters, &terms),
        _ => return Err(Failure::Usage(format!("search reads netstat and ss tables, not `{}`", common.format))),
    };
    if table {
        return write_stdout(table::rows(&rows, None).as_bytes());
    }
    let mut json = Vec::new();
    write_rows(&mut json, rows.into_iter());
    json.push(b'\n');
    write_stdout(&json)
}

/// insights' ss lookups: `get_service`, `get_localport`, `get_peerport`, `get_port`, then
/// the keyword terms; several given are ANDed (a row listed twice by `--port` stays twice).
fn ss_search<'v>(ss: &'v netsift::views::ss::SsView, f: &PortFilters, terms: &[Term]) -> Vec<netsift::views::Row<'v>> {
    let mut rows: Option<Vec<netsift::views::Row<'v>>> = None;
    let mut narrow = |found: Vec<netsift::views::Row<'v>>| {
        rows = Some(match rows.take() {
            None => found,
            // The rows of one table: the same row has the same index.
            Some(prev) => prev.into_iter().filter(|r| found.iter().any(|x| x.index() == r.index())).collect(),
        });
    };
    if let Some(s) = &f.service {
        narrow(ss.get_service(s));
    }
    if let Some(p) = &f.local_port {
        narrow(ss.get_localport(p));
    }
    if let Some(p) = &f.peer_port {
        narrow(ss.get_peerport(p));
    }
    if let Some(p) = &f.port {
        narrow(ss.get_port(p));
    }
    if !terms.is_empty() {
        narrow(ss.search(terms));
    }
    rows.unwrap_or_default()
}

fn netstat_search<'v>(
    view: &'v NetstatView,
    sections: &[TableKind],
    filters: &PortFilters,
    terms: &[Term],
) -> Vec<netsift::views::Row<'v>> {
    let has_filters = filters.local_port.is_some()
        || filters.peer_port.is_some()
        || filters.port.is_some()
        || filters.service.is_some();
    if terms.is_empty() && has_filters {
        view.tables()
            .iter()
            .filter(|t| sections.is_empty() || sections.contains(&t.kind))
            .flat_map(|t| t.rows.iter())
            .filter(|r| filters_match(filters, r))
            .collect()
    } else {
        view.search(sections, terms).into_iter().filter(|r| filters_match(filters, r)).collect()
    }
}

fn filters_match(f: &PortFilters, row: &netsift::views::Row<'_>) -> bool {
    let port_of = |key: &str| {
        row.get(key).and_then(|v| {
            let colon = v.iter().rposition(|&b| b == b':')?;
            std::str::from_utf8(&v[colon + 1..]).ok()?.parse::<u16>().ok()
        })
    };
    let local = port_of("Local Address");
    let peer = port_of("Foreign Address");
    let want = |p: &Option<String>| p.as_ref().map(|p| p.trim().parse::<u16>().ok());
    if let Some(p) = want(&f.local_port) {
        if p.is_none() || local != p {
            return false;
        }
    }
    if let Some(p) = want(&f.peer_port) {
        if p.is_none() || peer != p {
            return false;
        }
    }
    if let Some(p) = want(&f.port) {
        if p.is_none() || (local != p && peer != p) {
            return false;
        }
    }
    if let Some(s) = &f.service {
        let name = row.get("Program name").unwrap_or_default();
        if !String::from_utf8_lossy(name).contains(s.as_str()) {
            return false;
        }
    }
    true
}

/// `count`'s sink: the events by kind. It reads no row's values, so netstat's rows only
/// have to be checked (see `push::Sink::reads_rows`).
struct KindCounts<'c>(&'c mut [u64]);

impl EventSink for KindCounts<'_> {
    #[inline(always)]
    fn event(&mut self, _: &str, event: &Event<'_>) {
        if let Some(slot) = self.0.get_mut(event.kind.index()) {
            *slot += 1;
        }
    }

    #[inline(always)]
    fn reads_rows(&self) -> bool {
        false
    }

    #[inline(always)]
    fn row_checked(&mut self, _: &str, _: netsift::push::Position, row: netsift::push::CheckedRow) {
        if let Some(slot) = self.0.get_mut(row.index()) {
            *slot += 1;
        }
    }
}

fn count(common: &Common, jobs: Jobs, member: &MemberArg, files: &[PathBuf]) -> Result<(), Failure> {
    let count_into = |counts: &mut [u64], ev: &Event<'_>| KindCounts(counts).event("", ev);
    let mut counts = vec![0u64; EventKind::NAMES.len()];
    let from_member = member_archive(member, files)?;
    let split = if from_member.is_none() { jobs.split(files, common.strict, split::PART_SIZE) } else { None };
    let outcome = if let Some((file, workers, part_size)) = split {
        let name = file.display().to_string();
        let work = |parser: &mut netsift::PushParser,
                    bytes: &[u8],
                    _: Option<&bytes::Bytes>,
                    last: bool,
                    stop: &dyn Fn() -> bool,
                    _: &mut dyn FnMut(&mut Vec<u8>)| {
            let mut part_counts = vec![0u64; EventKind::NAMES.len()];
            let mut outcome = Outcome::default();
            parse_part_with(parser, bytes, &name, last, &mut outcome, stop, &mut KindCounts(&mut part_counts));
            (outcome, part_counts)
        };
        let mut add = |part: Vec<u64>| counts.iter_mut().zip(part).for_each(|(total, n)| *total += n);
        let plan = split::Plan {
            path: file,
            format: common.format,
            workers,
            part_size,
            captures: false,
            lines: false,
            warm_up: split::WARM_UP,
            min_warm_up: split::COUNT_WARM_UP,
            held: split::HELD,
            map: false,
            parked: split::PARKED,
        };
        split::run(plan, &work, &mut |_| true, &mut add)?
    } else {
        match (from_member, jobs.workers(files, common.strict)) {
            (Some((archive, path)), _) => {
                let mut sink = |_: &str, ev: &Event<'_>| count_into(&mut counts, ev);
                parse_file(common.options_for(member), archive, Some(path), &mut sink)?
            }
            (None, None) => parse_inputs_with(common.options(), files, &mut KindCounts(&mut counts)),
            (None, Some(workers)) => {
                let options = Options { quiet: true, ..common.options() };
                let mut outcome = Outcome::default();
                let work = |file: &PathBuf, _: &mut dyn FnMut(Vec<u8>)| {
                    let mut file_counts = vec![0u64; EventKind::NAMES.len()];
                    let outcome =
                        parse_inputs_with(options, std::slice::from_ref(file), &mut KindCounts(&mut file_counts));
                    (outcome, file_counts)
                };
                parallel::run(files, workers, work, |_, delivery| {
                    if let Delivery::Done(file_outcome, file_counts) = delivery {
                        outcome.merge(*file_outcome);
                        counts.iter_mut().zip(file_counts).for_each(|(total, n)| *total += n);
                    }
                });
                outcome
            }
        }
    };
    let stats = outcome.stats;
    let mut json = Vec::new();
    let mut o = netsift::json::Object::new(&mut json);
    for (name, n) in EventKind::NAMES.iter().zip(counts) {
        o.uint(name, n);
    }
    {
        let mut l = netsift::json::Object::new(o.member("lines"));
        l.uint("total", stats.lines);
        l.uint("rows", stats.rows);
        l.uint("titles", stats.titles);
        l.uint("headers", stats.headers);
        l.uint("notices", stats.notices);
        l.uint("blank", stats.blank);
        l.uint("skipped", stats.skipped);
        l.uint("continuations", stats.continuations);
        l.uint("malformed", stats.malformed);
        l.end();
    }
    o.uint("bytes", outcome.bytes);
    o.end();
    json.push(b'\n');
    let result = outcome.finish(common.strict);
    write_stdout(&json)?;
    result
}

/// Standard output without std's line buffering, which looks for the last newline of every
/// write: `events` and `view` write hundreds of megabytes in large blocks of their own.
fn raw_stdout() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        // A duplicate of descriptor 1: same file, same offset, no buffer in between.
        if let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(io::stdout())
}

pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(bytes).and_then(|_| lock.flush()).map_err(Failure::from_write)
}

impl Failure {
    fn from_write(e: io::Error) -> Failure {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Output(e)
        }
    }
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(e)
    }
}
