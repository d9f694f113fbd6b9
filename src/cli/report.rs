//! `netsift report [INPUT…]`: every input (a capture, plain or compressed, a sosreport or
//! insights archive, an unpacked directory, standard input) folded into one
//! [`netsift::report::Report`], then written as text, JSON or an HTML page.

use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use netsift::archive::Member;
use netsift::input::Compression;
use netsift::report::{html, json, text, Report};
use netsift::{Event, PushParser};

use super::input::{each_input, input_name, parse_stream, Failure, Input, InputError, Options, Outcome, Stream};
use super::table;

/// How the report is written.
#[derive(Debug, Clone)]
pub enum Output {
    /// Text (tables on a terminal, plain in a pipe).
    Text,
    /// One JSON object.
    Json,
    /// A self-contained HTML page, written to this file.
    Html(PathBuf),
}

/// Read every input and write the report.
pub fn report(options: Options, inputs: &[PathBuf], output: &Output) -> Result<(), Failure> {
    let mut report = Report::new();
    let mut outcome = Outcome::default();
    let stdin = [PathBuf::from("-")];
    let inputs = if inputs.is_empty() { &stdin[..] } else { inputs };
    let mut members = 0usize;
    for path in inputs {
        let read = read_input(options, path, &mut outcome, &mut members, &mut |label: &str, ev: &Event<'_>| {
            report.event(label, ev)
        });
        if let Err(failure) = read {
            outcome.record(failure);
        }
        if outcome.stopped(options.strict) {
            break;
        }
    }
    outcome.finish(options.strict)?;
    let summary = report.finish();
    match output {
        Output::Json => {
            let mut out = Vec::new();
            json::write(&summary, &mut out);
            super::write_stdout(&out)
        }
        Output::Html(path) => {
            let page = html::render(&summary);
            std::fs::write(path, page).map_err(Failure::Output)?;
            Ok(())
        }
        Output::Text => {
            let style = text::Style { terminal: table::terminal(), width: table::width() };
            super::write_stdout(text::render(&summary, style).as_bytes())
        }
    }
}

/// One input: a capture (each event labelled with its name) or an archive (each member
/// netsift reads, labelled with its path).
fn read_input(
    options: Options,
    path: &Path,
    outcome: &mut Outcome,
    members: &mut usize,
    sink: &mut dyn FnMut(&str, &Event<'_>),
) -> Result<(), Failure> {
    let name = input_name(Some(path));
    let mut failed: Option<Failure> = None;
    let mut archive = false;
    // Links are not followed: each file is read once, under its own name.
    let mut links = netsift::archive::Links::default();
    each_input(Some(path), options.quiet, &mut links, &mut |input| match input {
        Input::Plain(reader, compression) => {
            let stream = Stream { name: &name, label: &name, compression };
            let parser = PushParser::new(options.format);
            match parse_stream(parser, reader, stream, options.until(), outcome, sink) {
                Ok(parsed) if !parsed.has_view(options.format) => outcome.no_table(name.clone()),
                Ok(_) => {}
                Err(f) => failed = Some(f),
            }
            Ok(ControlFlow::Break(()))
        }
        Input::Member(member, reader, compression) => {
            archive = true;
            read_member(options, member, reader, compression, outcome, members, sink, &mut failed)
        }
    })?;
    if let Some(f) = failed {
        return Err(f);
    }
    if archive && *members == 0 {
        return Err(Failure::Input(InputError::NoMember { name }));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn read_member(
    options: Options,
    member: &Member,
    reader: &mut dyn Read,
    compression: Compression,
    outcome: &mut Outcome,
    members: &mut usize,
    sink: &mut dyn FnMut(&str, &Event<'_>),
    failed: &mut Option<Failure>,
) -> std::io::Result<ControlFlow<()>> {
    let Some((format, mut reader)) = netsift::archive::member_reader(options.format, member, reader)? else {
        return Ok(ControlFlow::Continue(()));
    };
    *members += 1;
    // The archive's top directory (`sosreport-host-date-id/`) is the same for every member.
    let label = member.path.split_once('/').map_or(member.path.as_str(), |(_, rest)| rest);
    let stream = Stream { name: &member.path, label, compression };
    let parser = if format == netsift::Format::Auto { PushParser::new(format) } else { PushParser::resume(format) };
    match parse_stream(parser, &mut reader, stream, options.until(), outcome, sink) {
        Ok(_) if outcome.stopped(options.strict) => Ok(ControlFlow::Break(())),
        Ok(_) => Ok(ControlFlow::Continue(())),
        Err(f) => {
            *failed = Some(f);
            Ok(ControlFlow::Break(()))
        }
    }
}
