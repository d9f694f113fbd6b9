//! `--table`: the rows of `view` and `search` as aligned tables, keyed by insights' column
//! names, for a person (the JSON stays the default, for programs).

use std::io::IsTerminal;

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{Attribute, Cell, CellAlignment, ContentArrangement, Table};
use netsift::views::netstat::Row;
use netsift::views::{CaptureSelect, ViewSet, WordRow};

/// Whether standard output is a terminal that takes colour (`NO_COLOR` unset).
pub fn terminal() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The terminal's width, when standard output is one.
pub fn width() -> Option<u16> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let probe = Table::new();
    probe.width()
}

/// A table with `columns` and `rows` (each row's cells in column order): box-drawn and
/// wrapped to the width on a terminal, plain Markdown-style columns in a pipe. Numbers are
/// right-aligned.
pub fn render(columns: &[String], rows: &[Vec<String>]) -> String {
    let mut t = Table::new();
    if terminal() {
        t.load_style(UTF8_FULL_CONDENSED).enforce_styling();
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_header(columns.iter().map(|h| Cell::new(h).add_attribute(Attribute::Bold)));
    } else {
        t.load_style(ASCII_MARKDOWN).force_no_tty();
        t.set_content_arrangement(ContentArrangement::Disabled);
        t.set_header(columns.iter().map(Cell::new));
    }
    for row in rows {
        t.add_row(row.iter().map(Cell::new));
    }
    for (i, _) in columns.iter().enumerate() {
        let numeric = !rows.is_empty()
            && rows.iter().all(|r| r.get(i).is_none_or(|v| v.is_empty() || v.bytes().all(|b| b.is_ascii_digit())));
        if let (true, Some(col)) = (numeric, t.column_mut(i)) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!("{t}\n")
}

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).trim_end().to_string()
}

/// Rows of the row shape that netstat and ss views share: the columns are every key, in
/// the order they first appear.
pub fn rows(rows: &[Row<'_>], only: Option<&[&'static str]>) -> String {
    let mut columns: Vec<&'static str> = Vec::new();
    match only {
        Some(keys) => columns.extend(keys),
        None => {
            for r in rows {
                for (k, _) in r.cells() {
                    if !columns.contains(&k) {
                        columns.push(k);
                    }
                }
            }
        }
    }
    let body: Vec<Vec<String>> =
        rows.iter().map(|r| columns.iter().map(|k| r.get(k).map(text).unwrap_or_default()).collect()).collect();
    let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    render(&columns, &body)
}

fn word_rows(rows: &[WordRow]) -> String {
    let mut columns: Vec<String> = Vec::new();
    for r in rows {
        for (k, _) in &r.cells {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let body: Vec<Vec<String>> =
        rows.iter().map(|r| columns.iter().map(|k| r.get(k).map(text).unwrap_or_default()).collect()).collect();
    render(&columns, &body)
}

/// The tables of every view found, each under a heading (its format, table title and, with
/// `--capture all`, capture number). `None` when no view has rows in a table shape.
pub fn views(set: &ViewSet, select: CaptureSelect) -> Option<String> {
    let mut out = String::new();
    let numbered = select == CaptureSelect::All;
    let heading = |out: &mut String, what: &str, capture: u32| {
        if !out.is_empty() {
            out.push('\n');
        }
        if numbered {
            out.push_str(&format!("## {what} (capture {capture})\n"));
        } else {
            out.push_str(&format!("## {what}\n"));
        }
    };
    let mut any = false;
    if let (Some(v), true) = (&set.netstat, set.seen.netstat) {
        any = true;
        for capture in v.captures() {
            for table in &capture.tables {
                heading(&mut out, table.title, capture.number);
                let rows: Vec<Row<'_>> = table.rows.iter().collect();
                out.push_str(&self::rows(&rows, Some(&table.columns)));
            }
        }
    }
    if let (Some(v), true) = (&set.ss, set.seen.ss) {
        any = true;
        for capture in v.captures() {
            heading(&mut out, "ss", capture.number);
            let rows: Vec<Row<'_>> = capture.rows.iter().collect();
            out.push_str(&self::rows(&rows, None));
        }
    }
    if let (Some(v), true) = (&set.iface, set.seen.iface) {
        any = true;
        for (number, table) in v.captures() {
            heading(&mut out, "Kernel Interface table", *number);
            out.push_str(&word_rows(&table.rows));
        }
    }
    if let (Some(v), true) = (&set.agn, set.seen.agn) {
        any = true;
        for (number, table) in v.captures() {
            heading(&mut out, "Group Memberships", *number);
            out.push_str(&word_rows(&table.rows));
        }
    }
    any.then_some(out)
}
