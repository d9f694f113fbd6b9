//! The report for a person at a terminal: aligned tables, colour on what needs attention,
//! wrapped to the terminal's width; or plain text (no colour, no wrapping) for a pipe.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table};

use super::fold::Point;
use super::summary::{From, Level, Pile, Summary};

/// How the text is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours and box-drawing tables (a terminal); plain ASCII otherwise.
    pub terminal: bool,
    /// Wrap to this many columns (`None`: no wrapping).
    pub width: Option<u16>,
}

impl Style {
    /// Plain text: for a pipe or a file.
    pub const PLAIN: Style = Style { terminal: false, width: None };
}

/// Render the report.
pub fn render(s: &Summary, style: Style) -> String {
    let mut out = String::new();
    let r = Renderer { style };
    r.heading(&mut out, "Sources");
    let mut t = r.table(&["Source", "Events", "Captures", ""]);
    for src in &s.sources {
        let events: Vec<String> = src.kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let mut remark = Vec::new();
        if src.cut_front {
            remark.push("cut at the front".to_string());
        }
        if src.malformed > 0 {
            remark.push(format!("{} malformed", src.malformed));
        }
        t.add_row(vec![
            Cell::new(&src.name),
            Cell::new(events.join(", ")),
            Cell::new(src.captures),
            r.warn_if(!remark.is_empty(), remark.join(", ")),
        ]);
    }
    r.right(&mut t, &[2]);
    out.push_str(&format!("{t}\n"));

    if let Some(l) = &s.listeners {
        r.heading(&mut out, "Listeners");
        let all = l.rows.iter().filter(|x| x.all_addresses).count();
        r.para(
            &mut out,
            &format!(
                "{} listening sockets{}, {all} on all addresses (marked *), from {}.",
                l.rows.len() as u64 + l.omitted,
                if l.omitted > 0 { format!(" ({} not listed)", l.omitted) } else { String::new() },
                from_text(&l.from)
            ),
        );
        let mut t = r.table(&["Program", "PID", "Proto", "Address", "Port", "User"]);
        for x in &l.rows {
            let address = if x.all_addresses { format!("{} *", x.address) } else { x.address.clone() };
            t.add_row(vec![
                Cell::new(&x.program),
                Cell::new(x.pid.map_or("-".to_string(), |p| p.to_string())),
                Cell::new(&x.proto),
                r.warn_if(x.all_addresses, address),
                Cell::new(&x.port),
                Cell::new(x.user.as_deref().unwrap_or("-")),
            ]);
        }
        r.right(&mut t, &[1, 4]);
        out.push_str(&format!("{t}\n"));
    }

    if let Some(c) = &s.connections {
        r.heading(&mut out, "Connections");
        r.para(&mut out, &format!("{} internet sockets, from {}.", c.total, from_text(&c.from)));
        let mut t = r.table(&["State", "Sockets"]);
        for (state, n) in &c.by_state {
            let bad = matches!(state.as_str(), "CLOSE_WAIT" | "SYN_SENT" | "SYN_RECV") && *n > 0;
            t.add_row(vec![r.warn_if(bad, state), Cell::new(n)]);
        }
        r.right(&mut t, &[1]);
        out.push_str(&format!("{t}\n"));
        if !c.by_program.is_empty() {
            r.para(&mut out, "Connected sockets by program:");
            out.push_str(&format!("{}\n", r.pairs(&["Program", "Sockets"], &c.by_program)));
        }
        if !c.top_peers.is_empty() {
            r.para(&mut out, "Peers with the most connections:");
            out.push_str(&format!("{}\n", r.pairs(&["Peer", "Sockets"], &c.top_peers)));
        }
        if c.approximate {
            r.para(&mut out, "(more distinct peers or programs than counted exactly: the counts are upper bounds)");
        }
        if c.nonzero_queues == 0 {
            r.para(&mut out, "No socket has bytes waiting in its queues.");
        } else {
            r.para(
                &mut out,
                &format!(
                    "{} sockets with bytes waiting (Recv-Q: not yet read by the program; Send-Q: not yet acknowledged by the peer), the largest first:",
                    c.nonzero_queues
                ),
            );
            let mut t = r.table(&["Proto", "Local", "Foreign", "State", "Recv-Q", "Send-Q", "Program"]);
            for q in &c.queues {
                t.add_row(vec![
                    Cell::new(&q.proto),
                    Cell::new(&q.local),
                    Cell::new(&q.foreign),
                    Cell::new(&q.state),
                    r.warn_if(q.recv_q > 0, q.recv_q),
                    r.warn_if(q.send_q > 0, q.send_q),
                    Cell::new(&q.program),
                ]);
            }
            r.right(&mut t, &[4, 5]);
            out.push_str(&format!("{t}\n"));
        }
        r.pile(&mut out, "TIME_WAIT", "closed by this host, waiting out late packets; by peer", &c.time_wait);
        r.pile(&mut out, "CLOSE_WAIT", "closed by the peer, not yet by the program; by program", &c.close_wait);
    }

    if let Some(c) = &s.counters {
        r.heading(&mut out, "Counters that signal trouble");
        if c.rows.is_empty() {
            r.para(&mut out, "None of them counted anything.");
        } else {
            let periodic = c.rows.iter().any(|x| x.change.is_some());
            let mut head = vec!["Counter", "Value"];
            if periodic {
                head.extend(["Over the log", "Mean/interval", "Max/interval (when)"]);
            }
            head.push("Meaning");
            let mut t = r.table(&head);
            for x in &c.rows {
                let mut row = vec![r.warn_if(x.attention, x.key), Cell::new(x.value)];
                if periodic {
                    match &x.change {
                        Some(ch) => {
                            row.push(r.warn_if(ch.increase > 0, format!("+{}", ch.increase)));
                            row.push(Cell::new(format!("{:.1}", ch.mean)));
                            let at = ch.max_at.as_ref().map_or(String::new(), |p| format!(" ({})", point_short(p)));
                            row.push(Cell::new(format!("{}{at}", ch.max)));
                        }
                        None => row.extend([Cell::new(""), Cell::new(""), Cell::new("")]),
                    }
                }
                row.push(Cell::new(x.meaning));
                t.add_row(row);
            }
            r.right(&mut t, if periodic { &[1, 2, 3, 4][..] } else { &[1][..] });
            // The counter's name whole: the meaning wraps instead.
            if let Some(col) = t.column_mut(0) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
            out.push_str(&format!("{t}\n"));
        }
        if let Some(rt) = &c.retransmission {
            let log = rt.log_percent.map_or(String::new(), |p| format!("; over the log: {p:.2}%"));
            let text = format!(
                "Retransmissions: {} of {} segments sent ({:.2}%){log} (Tcp:RetransSegs / Tcp:OutSegs).",
                rt.retrans_segs, rt.out_segs, rt.percent
            );
            let high = rt.log_percent.unwrap_or(rt.percent) >= 1.0;
            r.para(&mut out, &r.paint(high, &text));
        }
        if !c.zero.is_empty() {
            r.para(&mut out, &format!("At zero: {}.", c.zero.join(", ")));
        }
    }

    for i in &s.interfaces {
        r.heading(&mut out, "Interfaces");
        let what = if i.from.captures > 1 { "change since the first capture" } else { "counters" };
        r.para(&mut out, &format!("From {} ({what}; errors, drops and overruns marked).", from_text(&i.from)));
        let mut t =
            r.table(&["Iface", "MTU", "RX-OK", "RX-ERR", "RX-DRP", "RX-OVR", "TX-OK", "TX-ERR", "TX-DRP", "TX-OVR"]);
        for x in &i.rows {
            let mut row =
                vec![r.warn_if(x.attention, &x.name), Cell::new(x.mtu.map_or("-".to_string(), |m| m.to_string()))];
            match x.change.or(x.stats) {
                Some(st) => {
                    row.push(Cell::new(st.rx_ok));
                    for bad in [st.rx_err, st.rx_drp, st.rx_ovr] {
                        row.push(r.warn_if(bad > 0, bad));
                    }
                    row.push(Cell::new(st.tx_ok));
                    for bad in [st.tx_err, st.tx_drp, st.tx_ovr] {
                        row.push(r.warn_if(bad > 0, bad));
                    }
                }
                None => row.push(Cell::new("no statistics")),
            }
            t.add_row(row);
        }
        r.right(&mut t, &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
        out.push_str(&format!("{t}\n"));
    }

    if !s.notes.is_empty() {
        r.heading(&mut out, "Notes");
        for n in &s.notes {
            let (mark, warn) = match n.level {
                Level::Warning => ("!", true),
                Level::Info => ("-", false),
            };
            r.para(&mut out, &r.paint(warn, &format!("{mark} {}", n.text)));
        }
    }
    out
}

fn point_short(p: &Point) -> String {
    match p.time.as_deref().and_then(super::html::clock) {
        Some(t) => format!("{t}, #{}", p.capture),
        None => format!("#{}", p.capture),
    }
}

fn from_text(f: &From) -> String {
    let at = match &f.point {
        Some(p) if f.captures > 1 => match &p.time {
            Some(t) => format!(", capture {} of {} ({t})", p.capture, f.captures),
            None => format!(", capture {} of {}", p.capture, f.captures),
        },
        Some(Point { time: Some(t), .. }) => format!(" ({t})"),
        _ => String::new(),
    };
    format!("{}{at}", f.source)
}

struct Renderer {
    style: Style,
}

impl Renderer {
    fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        if self.style.terminal {
            t.load_style(UTF8_FULL_CONDENSED).enforce_styling();
            t.set_content_arrangement(ContentArrangement::Dynamic);
            if let Some(w) = self.style.width {
                t.set_width(w);
            }
            t.set_header(header.iter().map(|h| Cell::new(h).add_attribute(Attribute::Bold)));
        } else {
            t.load_style(ASCII_MARKDOWN).force_no_tty();
            t.set_content_arrangement(ContentArrangement::Disabled);
            t.set_header(header.iter().map(Cell::new));
        }
        t
    }

    fn right(&self, t: &mut Table, columns: &[usize]) {
        for &c in columns {
            if let Some(col) = t.column_mut(c) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
    }

    fn pairs(&self, header: &[&str], rows: &[(String, u64)]) -> Table {
        let mut t = self.table(header);
        for (k, n) in rows {
            t.add_row(vec![Cell::new(k), Cell::new(n)]);
        }
        self.right(&mut t, &[1]);
        t
    }

    fn warn_if(&self, bad: bool, text: impl ToString) -> Cell {
        let cell = Cell::new(text.to_string());
        if bad && self.style.terminal {
            cell.fg(Color::Red).add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }

    fn paint(&self, bad: bool, text: &str) -> String {
        if bad && self.style.terminal {
            format!("\x1b[1;31m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn heading(&self, out: &mut String, title: &str) {
        if !out.is_empty() {
            out.push('\n');
        }
        if self.style.terminal {
            out.push_str(&format!("\x1b[1;4m{title}\x1b[0m\n"));
        } else {
            out.push_str(&format!("## {title}\n"));
        }
    }

    /// A paragraph, wrapped to the width.
    fn para(&self, out: &mut String, text: &str) {
        let Some(width) = self.style.width.map(usize::from).filter(|w| *w > 20) else {
            out.push_str(text);
            out.push('\n');
            return;
        };
        let mut line_len = 0;
        for word in text.split(' ') {
            // Escapes take no room on the screen.
            let visible = strip_ansi(word).chars().count();
            if line_len > 0 && line_len + 1 + visible > width {
                out.push('\n');
                line_len = 0;
            } else if line_len > 0 {
                out.push(' ');
                line_len += 1;
            }
            out.push_str(word);
            line_len += visible;
        }
        out.push('\n');
    }

    fn pile(&self, out: &mut String, state: &str, what: &str, p: &Pile) {
        if p.count == 0 {
            return;
        }
        self.para(out, &format!("{} {state} sockets ({what}):", p.count));
        out.push_str(&format!("{}\n", self.pairs(&["Where", "Sockets"], &p.top)));
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut escape = false;
    for c in s.chars() {
        match (escape, c) {
            (false, '\x1b') => escape = true,
            (true, 'm') => escape = false,
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}
