//! `netsift scan ARCHIVE`: every member of a sosreport or insights archive that holds an
//! output netsift reads, parsed in archive order; each event names its member, and a last
//! line sums up each member.

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::Path;

use netsift::archive::{self, Member};
use netsift::push::LineStats;
use netsift::{Event, Format, PushParser};

use super::input::{each_member, input_name, parse_stream, Failure, InputError, Options, Outcome, Stream};
use super::write_event_line;

/// What one parsed member gave, for the summary line.
struct MemberSummary {
    path: String,
    format: Format,
    stats: LineStats,
    table: bool,
    cut_front: bool,
}

/// Scan `archive`; with `-f` other than auto, only the members of that format are read.
pub fn scan(options: Options, archive_path: &Path) -> Result<(), Failure> {
    let archive_name = input_name(Some(archive_path));
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut buf = Vec::with_capacity(1024);
    let mut writer = netsift::events::json::EventWriter::new();
    let mut write_error: Option<io::Error> = None;
    // Set with `write_error`, for the walk to stop (the sink holds `write_error`).
    let write_failed = std::cell::Cell::new(false);
    let mut outcome = Outcome::default();
    let mut members: Vec<MemberSummary> = Vec::new();
    let mut skipped = 0u64;
    let mut sink = |member: &str, ev: &Event<'_>| {
        if write_error.is_none() {
            buf.clear();
            write_event_line(&mut writer, &mut buf, ev, Some(("member", member)));
            if let Err(e) = out.write_all(&buf) {
                write_error = Some(e);
                write_failed.set(true);
            }
        }
    };
    // Links are not read: each file is read once, under its own name.
    let mut links = archive::Links::default();
    let walked =
        each_member(Some(archive_path), options.quiet, &mut links, &mut |member: &Member, reader, compression| {
            let Some((format, reader)) = archive::member_reader(options.format, member, reader)? else {
                skipped += 1;
                return Ok(ControlFlow::Continue(()));
            };
            let name = format!("{archive_name}:{}", member.path);
            let stream = Stream { name: &name, label: &member.path, compression };
            let parser = if format == Format::Auto { PushParser::new(format) } else { PushParser::resume(format) };
            let mut reader = reader;
            match parse_stream(parser, &mut reader, stream, options.until(), &mut outcome, &mut sink) {
                Ok(parsed) => {
                    members.push(MemberSummary {
                        path: member.path.clone(),
                        format,
                        stats: parsed.stats,
                        table: parsed.saw_table,
                        cut_front: parsed.cut_front,
                    });
                    let stop = outcome.stopped(options.strict) || write_failed.get();
                    Ok(if stop { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
                }
                // The stream under the archive is broken: what follows cannot be read.
                Err(failure) => {
                    outcome.record(failure);
                    Ok(ControlFlow::Break(()))
                }
            }
        });
    if let Err(failure) = walked {
        outcome.record(failure);
    }
    if write_error.is_none() && !outcome.stopped(options.strict) {
        summary_line(&mut buf, &archive_name, &members, skipped);
        if let Err(e) = out.write_all(&buf) {
            write_error = Some(e);
        }
    }
    let flushed = out.flush();
    if let Some(e) = write_error {
        return Err(Failure::from_write(e));
    }
    flushed.map_err(Failure::from_write)?;
    if members.is_empty() && !outcome.has_errors() {
        return Err(Failure::Input(InputError::NoMember { name: archive_name }));
    }
    outcome.finish(options.strict)
}

/// The last line of `scan`: one object per parsed member, and how many were skipped.
fn summary_line(buf: &mut Vec<u8>, archive_name: &str, members: &[MemberSummary], skipped: u64) {
    buf.clear();
    let mut o = netsift::json::Object::new(buf);
    o.str("kind", "scan_summary");
    o.str("archive", archive_name);
    {
        let list = o.member("members");
        list.push(b'[');
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                list.push(b',');
            }
            let mut entry = netsift::json::Object::new(list);
            entry.str("member", &m.path);
            entry.str("format", m.format.name());
            entry.uint("lines", m.stats.lines);
            entry.uint("rows", m.stats.rows);
            entry.uint("malformed", m.stats.malformed - u64::from(m.cut_front));
            entry.bool("table", m.table);
            entry.bool("cut_front", m.cut_front);
            entry.end();
        }
        list.push(b']');
    }
    o.uint("skipped", skipped);
    o.end();
    buf.push(b'\n');
}
