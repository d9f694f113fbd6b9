//! The report as one self-contained HTML page: the sections as sortable tables, and inline
//! SVG charts of what changed over the captures. Nothing is fetched: the styles and the
//! small sorting script are inline, and the page's Content-Security-Policy forbids any
//! request (`default-src 'none'`), so it opens the same from a file on a machine without
//! network. It prints: the navigation hides, the charts do not split across pages.

use std::fmt::Write as _;

use super::fold::Point;
use super::summary::{From, Level, Line, Pile, Summary, Timeline};

/// The sections of the page, by `id`, in order: a test checks each is there.
pub const SECTIONS: &[(&str, &str)] = &[
    ("sources", "Sources"),
    ("listeners", "Listeners"),
    ("connections", "Connections"),
    ("counters", "Trouble counters"),
    ("interfaces", "Interfaces"),
    ("timeline", "Over time"),
    ("notes", "Notes"),
];

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; \
                   base-uri 'none'; form-action 'none'";

const STYLE: &str = r#"
:root { --fg:#1d232a; --muted:#5b6672; --line:#d8dee4; --bg:#ffffff; --alt:#f5f7f9; --bad:#b42318; --badbg:#fdecea; --acc:#1f6feb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header { padding: 18px 28px 10px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 20px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
nav { position: sticky; top: 0; background: #fffffff0; border-bottom: 1px solid var(--line); padding: 6px 28px; z-index: 2; }
nav a { color: var(--acc); text-decoration: none; margin-right: 16px; font-weight: 500; }
main { padding: 8px 28px 40px; max-width: 1280px; }
section { margin-top: 22px; }
h2 { font-size: 17px; margin: 0 0 6px; padding-bottom: 3px; border-bottom: 2px solid var(--fg); }
h3 { font-size: 14px; margin: 14px 0 4px; }
p.lead, p.empty { color: var(--muted); margin: 4px 0 8px; }
.cols { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; margin: 4px 0 10px; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--alt); font-weight: 600; white-space: nowrap; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " \2195"; color: #9aa4ae; font-size: 11px; }
table.sortable th[aria-sort=ascending]::after { content: " \25B2"; color: var(--fg); }
table.sortable th[aria-sort=descending]::after { content: " \25BC"; color: var(--fg); }
td.num, th.num { text-align: right; }
td.meaning { max-width: 520px; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.bad { color: var(--bad); font-weight: 600; }
tr.bad td { background: var(--badbg); }
td:first-child { white-space: nowrap; }
td.meaning { font-weight: 400; color: var(--muted); }
.glance { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 6px 12px; min-width: 120px; background: var(--alt); }
.card b { display: block; font-size: 20px; font-weight: 650; }
.card span { color: var(--muted); font-size: 12px; }
.card.bad { border-color: #f1aeb5; background: var(--badbg); }
.card.bad b { color: var(--bad); }
.tag { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; background: #fff4d6; color: #7a5200; margin-left: 4px; font-weight: 600; }
ul.notes { padding-left: 18px; }
ul.notes li.warning { color: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 14px 24px; }
figure.chart { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart figcaption { font-weight: 600; font-size: 13px; }
figure.chart figcaption span { font-weight: 400; color: var(--muted); }
svg { display: block; width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .axis { stroke: #8b949e; stroke-width: 1; }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .pt { stroke: #fff; stroke-width: 1; }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
details summary { cursor: pointer; color: var(--acc); margin: 10px 0; }
@media print {
  nav { display: none; }
  body { font-size: 11px; }
  main, header { padding-left: 0; padding-right: 0; max-width: none; }
  details > summary { display: none; }
  details > * { display: block; }
  .charts { grid-template-columns: 1fr 1fr; }
  section { break-inside: auto; }
  h2 { break-after: avoid; }
}
"#;

/// Sorting by a click on a header (numbers by their `data-v`), and a mark on the page that
/// its script ran.
const SCRIPT: &str = r#"
(function () {
  function key(td) { var v = td.getAttribute('data-v'); return v === null ? td.textContent.trim().toLowerCase() : parseFloat(v); }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('th').forEach(function (th, col) {
      th.addEventListener('click', function () {
        var down = th.getAttribute('aria-sort') === 'ascending';
        table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          var c = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
          return down ? -c : c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.documentElement.setAttribute('data-script', 'ran');
})();
"#;

/// Charts drawn of the counters that moved other than the trouble ones (the page stays a
/// few megabytes whatever the input).
const OTHER_CHARTS: usize = 60;

/// Colours of the series, in order.
const PALETTE: &[&str] =
    &["#1f6feb", "#d1242f", "#1a7f37", "#bf8700", "#8250df", "#0598bc", "#e85aad", "#57606a", "#e16f24", "#116329"];

/// Render the page.
pub fn render(s: &Summary) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>netsift report</title><style>{STYLE}</style></head><body>"
    );
    let names: Vec<&str> = s.sources.iter().map(|x| x.name.as_str()).collect();
    let what = if names.len() <= 3 {
        esc(&names.join(", "))
    } else {
        format!("{} sources (listed under <a href=\"#sources\">Sources</a>)", names.len())
    };
    let _ = write!(h, "<header><h1>netsift report</h1><p>{what}</p>");
    glance(&mut h, s);
    h.push_str("</header><nav>");
    for (id, title) in SECTIONS {
        let _ = write!(h, "<a href=\"#{id}\">{title}</a>");
    }
    h.push_str("</nav><main>");
    sources(&mut h, s);
    listeners(&mut h, s);
    connections(&mut h, s);
    counters(&mut h, s);
    interfaces(&mut h, s);
    timeline(&mut h, s);
    notes(&mut h, s);
    let _ = writeln!(h, "</main><script>{SCRIPT}</script></body></html>");
    h
}

/// The numbers that say where to look, as a row of cards.
fn glance(h: &mut String, s: &Summary) {
    let mut cards: Vec<(String, String, bool)> = Vec::new();
    if let Some(l) = &s.listeners {
        let all = l.rows.iter().filter(|x| x.all_addresses).count();
        cards.push((
            (l.rows.len() as u64 + l.omitted).to_string(),
            format!("listeners, {all} on all addresses"),
            false,
        ));
    }
    if let Some(c) = &s.connections {
        cards.push((c.total.to_string(), "internet sockets".into(), false));
        let stuck = c.close_wait.count;
        cards.push((stuck.to_string(), "in CLOSE_WAIT".into(), stuck > 0));
        cards.push((c.nonzero_queues.to_string(), "with bytes queued".into(), c.nonzero_queues > 0));
    }
    if let Some(c) = &s.counters {
        let rising = c.rows.iter().filter(|r| r.attention).count();
        let what = if c.rows.iter().any(|r| r.change.is_some()) {
            "trouble counters rose"
        } else {
            "trouble counters not zero"
        };
        cards.push((rising.to_string(), what.into(), rising > 0));
        if let Some(r) = &c.retransmission {
            let p = r.log_percent.unwrap_or(r.percent);
            cards.push((format!("{p:.2}%"), "of segments retransmitted".into(), p >= 1.0));
        }
    }
    let bad_ifaces = s.interfaces.iter().flat_map(|i| &i.rows).filter(|r| r.attention).count();
    if !s.interfaces.is_empty() {
        cards.push((bad_ifaces.to_string(), "interfaces with errors or drops".into(), bad_ifaces > 0));
    }
    let warnings = s.notes.iter().filter(|n| n.level == Level::Warning).count();
    cards.push((warnings.to_string(), "warnings in the notes".into(), warnings > 0));
    h.push_str("<div class=\"glance\">");
    for (n, what, bad) in cards {
        let _ = write!(
            h,
            "<div class=\"card{}\"><b>{}</b><span>{}</span></div>",
            if bad { " bad" } else { "" },
            esc(&n),
            esc(&what)
        );
    }
    h.push_str("</div>");
}

fn open_section(h: &mut String, id: &str) {
    let title = SECTIONS.iter().find(|(i, _)| *i == id).map_or(id, |(_, t)| t);
    let _ = write!(h, "<section id=\"{id}\" data-section=\"{id}\"><h2>{title}</h2>");
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A table being written: header cells, then rows of cells.
struct T<'h> {
    h: &'h mut String,
}

/// One cell: its text, whether it is a number (sorted by value, right-aligned), whether it
/// needs attention.
enum C {
    Text(String),
    /// Text in the muted style of explanations.
    Meaning(String),
    Num(i128),
    Float(f64, String),
}

impl<'h> T<'h> {
    fn new(h: &'h mut String, class: &str, head: &[(&str, bool)]) -> Self {
        let _ = write!(h, "<table class=\"sortable {class}\"><thead><tr>");
        for (name, num) in head {
            let _ = write!(h, "<th{}>{}</th>", if *num { " class=\"num\"" } else { "" }, esc(name));
        }
        h.push_str("</tr></thead><tbody>");
        T { h }
    }

    fn row(&mut self, bad: bool, cells: Vec<(C, bool)>) {
        self.h.push_str(if bad { "<tr class=\"bad\">" } else { "<tr>" });
        for (cell, mark) in cells {
            let class = if mark { " bad" } else { "" };
            match cell {
                C::Text(t) => {
                    let _ = write!(self.h, "<td class=\"{}\">{}</td>", class.trim(), esc(&t));
                }
                C::Meaning(t) => {
                    let _ = write!(self.h, "<td class=\"meaning\">{}</td>", esc(&t));
                }
                C::Num(n) => {
                    let _ = write!(self.h, "<td class=\"num{class}\" data-v=\"{n}\">{n}</td>");
                }
                C::Float(v, shown) => {
                    let _ = write!(self.h, "<td class=\"num{class}\" data-v=\"{v}\">{}</td>", esc(&shown));
                }
            }
        }
        self.h.push_str("</tr>");
    }

    fn end(self) {
        self.h.push_str("</tbody></table>");
    }
}

fn text(s: impl Into<String>) -> (C, bool) {
    (C::Text(s.into()), false)
}

fn num(n: impl Into<i128>) -> (C, bool) {
    (C::Num(n.into()), false)
}

fn from_text(f: &From) -> String {
    let at = match &f.point {
        Some(p) if f.captures > 1 => format!(", capture {} of {}{}", p.capture, f.captures, time_suffix(p)),
        Some(p) => time_suffix(p),
        None => String::new(),
    };
    format!("from <code>{}</code>{}", esc(&f.source), esc(&at))
}

fn time_suffix(p: &Point) -> String {
    p.time.as_ref().map_or(String::new(), |t| format!(" ({t})"))
}

fn sources(h: &mut String, s: &Summary) {
    open_section(h, "sources");
    let mut t = T::new(h, "sources", &[("Source", false), ("Events", false), ("Captures", true), ("Remarks", false)]);
    for src in &s.sources {
        let events: Vec<String> = src.kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let mut remark = Vec::new();
        if src.cut_front {
            remark.push("cut at the front".to_string());
        }
        if src.malformed > 0 {
            remark.push(format!("{} malformed", src.malformed));
        }
        let bad = !remark.is_empty();
        t.row(
            false,
            vec![text(&src.name), text(events.join(", ")), num(src.captures), (C::Text(remark.join(", ")), bad)],
        );
    }
    t.end();
    h.push_str("</section>");
}

fn listeners(h: &mut String, s: &Summary) {
    open_section(h, "listeners");
    let Some(l) = &s.listeners else {
        h.push_str("<p class=\"empty\">No socket table in the input.</p></section>");
        return;
    };
    let all = l.rows.iter().filter(|x| x.all_addresses).count();
    let _ = write!(
        h,
        "<p class=\"lead\">{} listening sockets, {all} on all addresses <span class=\"tag\">all</span>, {}.{}</p>",
        l.rows.len() as u64 + l.omitted,
        from_text(&l.from),
        if l.omitted > 0 { format!(" {} more not listed.", l.omitted) } else { String::new() }
    );
    h.push_str("<div class=\"cols\"><div><h3>By program</h3>");
    let mut t =
        T::new(h, "by-program", &[("Program", false), ("PIDs", false), ("Ports", false), ("On all addresses", true)]);
    for p in &l.by_program {
        let pids: Vec<String> = p.pids.iter().map(u32::to_string).collect();
        t.row(
            false,
            vec![
                text(&p.program),
                text(pids.join(" ")),
                text(p.ports.join(" ")),
                (C::Num(p.all_addresses.into()), false),
            ],
        );
    }
    t.end();
    h.push_str("</div><div><h3>Every listener</h3>");
    let mut t = T::new(
        h,
        "listeners",
        &[("Program", false), ("PID", true), ("Proto", false), ("Address", false), ("Port", true), ("User", false)],
    );
    for x in &l.rows {
        let port = match x.port.parse::<i128>() {
            Ok(n) => num(n),
            Err(_) => text(&x.port),
        };
        let address = if x.all_addresses { format!("{} (all)", x.address) } else { x.address.clone() };
        t.row(
            false,
            vec![
                text(&x.program),
                x.pid.map_or_else(|| text("-"), num),
                text(&x.proto),
                (C::Text(address), x.all_addresses),
                port,
                text(x.user.clone().unwrap_or_else(|| "-".into())),
            ],
        );
    }
    t.end();
    h.push_str("</div></div></section>");
}

fn pairs(h: &mut String, class: &str, head: &str, rows: &[(String, u64)]) {
    let mut t = T::new(h, class, &[(head, false), ("Sockets", true)]);
    for (k, n) in rows {
        t.row(false, vec![text(k), num(*n)]);
    }
    t.end();
}

fn pile(h: &mut String, state: &str, what: &str, head: &str, p: &Pile) {
    let _ = write!(h, "<div><h3>{state}: {}</h3><p class=\"lead\">{what}</p>", p.count);
    if !p.top.is_empty() {
        pairs(h, &state.to_lowercase(), head, &p.top);
    }
    h.push_str("</div>");
}

fn connections(h: &mut String, s: &Summary) {
    open_section(h, "connections");
    let Some(c) = &s.connections else {
        h.push_str("<p class=\"empty\">No socket table in the input.</p></section>");
        return;
    };
    let _ = write!(
        h,
        "<p class=\"lead\">{} internet sockets, {}.</p><div class=\"cols\"><div><h3>By state</h3>",
        c.total,
        from_text(&c.from)
    );
    let mut t = T::new(h, "by-state", &[("State", false), ("Sockets", true)]);
    for (state, n) in &c.by_state {
        let bad = matches!(state.as_str(), "CLOSE_WAIT" | "SYN_SENT" | "SYN_RECV");
        t.row(false, vec![(C::Text(state.clone()), bad), num(*n)]);
    }
    t.end();
    h.push_str("</div><div><h3>Connected, by program</h3>");
    pairs(h, "conn-programs", "Program", &c.by_program);
    h.push_str("</div><div><h3>Top peers</h3>");
    pairs(h, "peers", "Peer", &c.top_peers);
    h.push_str("</div></div>");
    if c.approximate {
        h.push_str(
            "<p class=\"lead\">More distinct peers or programs than counted exactly: the counts are upper bounds.</p>",
        );
    }
    let _ = write!(
        h,
        "<h3>Queues</h3><p class=\"lead\">{} sockets with bytes waiting (Recv-Q: not yet read by the program; Send-Q: not yet \
         acknowledged by the peer), the largest first.</p>",
        c.nonzero_queues
    );
    if !c.queues.is_empty() {
        let mut t = T::new(
            h,
            "queues",
            &[
                ("Proto", false),
                ("Local", false),
                ("Foreign", false),
                ("State", false),
                ("Recv-Q", true),
                ("Send-Q", true),
                ("Program", false),
            ],
        );
        for q in &c.queues {
            t.row(
                false,
                vec![
                    text(&q.proto),
                    text(&q.local),
                    text(&q.foreign),
                    text(&q.state),
                    (C::Num(q.recv_q.into()), q.recv_q > 0),
                    (C::Num(q.send_q.into()), q.send_q > 0),
                    text(&q.program),
                ],
            );
        }
        t.end();
    }
    h.push_str("<div class=\"cols\">");
    pile(h, "TIME_WAIT", "Closed by this host, waiting out late packets; by peer.", "Peer", &c.time_wait);
    pile(
        h,
        "CLOSE_WAIT",
        "Closed by the peer, not yet by the program; by program.",
        "Program (local port)",
        &c.close_wait,
    );
    h.push_str("</div></section>");
}

fn counters(h: &mut String, s: &Summary) {
    open_section(h, "counters");
    let Some(c) = &s.counters else {
        h.push_str("<p class=\"empty\">No counters in the input (netstat -s, /proc/net/netstat, /proc/net/snmp).</p></section>");
        return;
    };
    if let Some(r) = &c.retransmission {
        let log = r.log_percent.map_or(String::new(), |p| format!("; over the log: <b>{p:.2}%</b>"));
        let high = r.log_percent.unwrap_or(r.percent) >= 1.0;
        let _ = write!(
            h,
            "<p class=\"lead{}\">Retransmissions: {} of {} segments sent (<b>{:.2}%</b>){log} \
             (<code>Tcp:RetransSegs</code> / <code>Tcp:OutSegs</code>).</p>",
            if high { " bad" } else { "" },
            r.retrans_segs,
            r.out_segs,
            r.percent
        );
    }
    if c.rows.is_empty() {
        h.push_str("<p class=\"empty\">None of them counted anything.</p>");
    } else {
        let periodic = c.rows.iter().any(|x| x.change.is_some());
        let one_source = c.rows.iter().all(|x| x.source == c.rows[0].source);
        if one_source {
            let _ = write!(h, "<p class=\"lead\">From <code>{}</code>.</p>", esc(&c.rows[0].source));
        }
        let mut head = vec![("Counter", false), ("Value", true)];
        if periodic {
            head.extend([
                ("Over the log", true),
                ("Mean per interval", true),
                ("Max per interval", true),
                ("Max at", false),
            ]);
        }
        head.push(("Meaning", false));
        if !one_source {
            head.push(("Source", false));
        }
        let mut t = T::new(h, "trouble", &head);
        for x in &c.rows {
            let mut row = vec![(C::Text(x.key.to_string()), x.attention), num(x.value)];
            if periodic {
                match &x.change {
                    Some(ch) => {
                        row.push((C::Num(ch.increase), ch.increase > 0));
                        row.push((C::Float(ch.mean, format!("{:.1}", ch.mean)), false));
                        row.push(num(ch.max));
                        row.push(text(ch.max_at.as_ref().map_or(String::new(), |p| {
                            match p.time.as_deref().and_then(clock) {
                                Some(t) => format!("{t} (#{})", p.capture),
                                None => format!("#{}", p.capture),
                            }
                        })));
                    }
                    None => row.extend([text(""), text(""), text(""), text("")]),
                }
            }
            row.push((C::Meaning(x.meaning.to_string()), false));
            if !one_source {
                row.push(text(&x.source));
            }
            t.row(x.attention, row);
        }
        t.end();
    }
    if !c.zero.is_empty() {
        let _ = write!(h, "<p class=\"lead\">At zero: {}.</p>", esc(&c.zero.join(", ")));
    }
    if !c.missing.is_empty() {
        let _ = write!(h, "<p class=\"lead\">Not in the input: {}.</p>", esc(&c.missing.join(", ")));
    }
    h.push_str("</section>");
}

fn interfaces(h: &mut String, s: &Summary) {
    open_section(h, "interfaces");
    if s.interfaces.is_empty() {
        h.push_str("<p class=\"empty\">No interface table in the input (netstat -i, /proc/net/dev).</p>");
    }
    for i in &s.interfaces {
        let what = if i.from.captures > 1 { "change since the first capture" } else { "counters since boot" };
        let _ = write!(h, "<p class=\"lead\">{}; {what}.</p>", from_text(&i.from));
        let head: Vec<(&str, bool)> = [
            ("Iface", false),
            ("MTU", true),
            ("RX-OK", true),
            ("RX-ERR", true),
            ("RX-DRP", true),
            ("RX-OVR", true),
            ("TX-OK", true),
            ("TX-ERR", true),
            ("TX-DRP", true),
            ("TX-OVR", true),
        ]
        .to_vec();
        let mut t = T::new(h, "interfaces", &head);
        for x in &i.rows {
            let mut row = vec![(C::Text(x.name.clone()), x.attention), x.mtu.map_or_else(|| text("-"), num)];
            match x.change.or(x.stats) {
                Some(st) => {
                    row.push(num(st.rx_ok));
                    for bad in [st.rx_err, st.rx_drp, st.rx_ovr] {
                        row.push((C::Num(bad.into()), bad > 0));
                    }
                    row.push(num(st.tx_ok));
                    for bad in [st.tx_err, st.tx_drp, st.tx_ovr] {
                        row.push((C::Num(bad.into()), bad > 0));
                    }
                }
                None => row.extend((0..8).map(|_| text("-"))),
            }
            t.row(x.attention, row);
        }
        t.end();
    }
    h.push_str("</section>");
}

fn timeline(h: &mut String, s: &Summary) {
    open_section(h, "timeline");
    if s.states_over_time.is_none() && s.counters_over_time.is_none() {
        h.push_str("<p class=\"empty\">One capture only: nothing to draw over time.</p></section>");
        return;
    }
    if let Some(t) = &s.states_over_time {
        let _ = write!(h, "<h3>Sockets by state</h3><p class=\"lead\">{}</p><div class=\"charts\">", series_lead(t));
        let lines: Vec<&Line> = t.lines.iter().collect();
        chart(h, t, "Sockets by state", &lines, true);
        h.push_str("</div>");
    }
    if let Some(t) = &s.counters_over_time {
        let _ = write!(
            h,
            "<h3>Counters that moved</h3><p class=\"lead\">{}; totals drawn as their increase since the first capture.</p>",
            series_lead(t)
        );
        let (trouble, other): (Vec<&Line>, Vec<&Line>) = t.lines.iter().partition(|l| l.trouble);
        h.push_str("<div class=\"charts\">");
        for l in &trouble {
            chart(h, t, &l.name, &[*l], false);
        }
        if trouble.is_empty() {
            h.push_str("<p class=\"empty\">No trouble counter moved.</p>");
        }
        h.push_str("</div>");
        if !other.is_empty() {
            let _ = write!(h, "<details><summary>{} other counters that moved</summary>", other.len());
            if other.len() > OTHER_CHARTS {
                let _ = write!(
                    h,
                    "<p class=\"lead\">The first {OTHER_CHARTS} by name are drawn; \
                     <code>netsift report --json</code> has every series.</p>"
                );
            }
            h.push_str("<div class=\"charts\">");
            for l in other.iter().take(OTHER_CHARTS) {
                chart(h, t, &l.name, &[*l], false);
            }
            h.push_str("</div></details>");
        }
    }
    h.push_str("</section>");
}

fn series_lead(t: &Timeline) -> String {
    let thinned = if t.thinned > 0 {
        format!(", one point per {} captures", 1u64 << t.thinned.min(63))
    } else {
        ", one point per capture".to_string()
    };
    let span = match (t.points.first().and_then(|p| p.time.as_deref()), t.points.last().and_then(|p| p.time.as_deref()))
    {
        (Some(a), Some(b)) => format!(", {a} to {b}"),
        _ => String::new(),
    };
    format!("From <code>{}</code>: {} points{thinned}{}", esc(&t.source), t.points.len(), esc(&span))
}

/// `10:23:14` from a `date` line, or `#3`.
fn point_label(p: &Point) -> String {
    p.time.as_deref().and_then(clock).unwrap_or_else(|| format!("#{}", p.capture))
}

fn point_label_long(p: &Point) -> String {
    match &p.time {
        Some(t) => format!("{t} (capture {})", p.capture),
        None => format!("capture {}", p.capture),
    }
}

/// The `hh:mm:ss` of a time stamp line.
pub(crate) fn clock(t: &str) -> Option<String> {
    t.split(|c: char| c.is_whitespace() || c == 'T')
        .map(|w| w.trim_end_matches(|c: char| !c.is_ascii_digit()))
        .find(|w| {
            let b = w.as_bytes();
            b.len() >= 8 && b[2] == b':' && b[5] == b':' && b[..2].iter().all(u8::is_ascii_digit)
        })
        .map(|w| w[..8].to_string())
}

/// "Nice" tick values from 0 (or the minimum) to the maximum.
fn ticks(lo: i128, hi: i128) -> Vec<i128> {
    let span = (hi - lo).max(1) as f64;
    let raw = span / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag).max(1.0);
    let step = step as i128;
    let start = lo.div_euclid(step) * step;
    let mut out = Vec::new();
    let mut v = start;
    while v <= hi + step && out.len() < 12 {
        out.push(v);
        if v >= hi {
            break;
        }
        v += step;
    }
    out
}

fn short(v: i128) -> String {
    let a = v.abs();
    if a >= 10_000_000_000 {
        format!("{}G", v / 1_000_000_000)
    } else if a >= 10_000_000 {
        format!("{}M", v / 1_000_000)
    } else if a >= 10_000 {
        format!("{}k", v / 1_000)
    } else {
        v.to_string()
    }
}

/// One SVG chart of `lines` over the timeline's points, with axes, units and time labels.
fn chart(h: &mut String, t: &Timeline, title: &str, lines: &[&Line], wide: bool) {
    let (w, ht) = if wide { (1000.0, 260.0) } else { (480.0, 200.0) };
    let (ml, mr, mt, mb) = (58.0, 34.0, 12.0, 44.0);
    let (pw, ph) = (w - ml - mr, ht - mt - mb);
    let n = t.points.len();
    let values = lines.iter().flat_map(|l| l.values.iter().flatten().copied());
    let (lo, hi) = values.fold((i128::MAX, i128::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo > hi { (0, 1) } else { (lo.min(0), hi.max(lo + 1)) };
    let ys = ticks(lo, hi);
    let top = *ys.last().unwrap_or(&hi);
    let bottom = *ys.first().unwrap_or(&lo);
    let range = (top - bottom).max(1) as f64;
    let x = |i: usize| ml + if n > 1 { pw * i as f64 / (n - 1) as f64 } else { pw / 2.0 };
    let y = |v: i128| mt + ph - ph * (v - bottom) as f64 / range;
    let unit = lines.first().map_or("", |l| l.unit);
    let time_axis = t.points.iter().any(|p| p.time.is_some());
    let _ = write!(
        h,
        "<figure class=\"chart{}\" data-chart=\"{}\" data-points=\"{n}\"><figcaption>{} <span>({})</span></figcaption>",
        if wide { " wide" } else { "" },
        esc(title),
        esc(title),
        esc(unit)
    );
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 {w} {ht}\" width=\"{w}\" height=\"{ht}\" role=\"img\" aria-label=\"{}\">",
        esc(title)
    );
    // Horizontal grid and the y axis labels.
    for v in &ys {
        let yy = y(*v);
        let _ = write!(
            h,
            "<line class=\"grid\" x1=\"{ml}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            ml + pw,
            ml - 6.0,
            yy + 4.0,
            short(*v)
        );
    }
    // Axes.
    let _ = write!(
        h,
        "<line class=\"axis\" x1=\"{ml}\" x2=\"{ml}\" y1=\"{mt}\" y2=\"{:.1}\"/>\
         <line class=\"axis\" x1=\"{ml}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
        mt + ph,
        ml + pw,
        mt + ph,
        mt + ph
    );
    // X labels: evenly spread, the first and the last always.
    let labels = n.min(if wide { 10 } else { 5 });
    let mut at: Vec<usize> = (0..labels).map(|k| if labels > 1 { k * (n - 1) / (labels - 1) } else { 0 }).collect();
    at.dedup();
    for i in at {
        let p = &t.points[i];
        let xx = x(i);
        let _ = write!(
            h,
            "<line class=\"axis\" x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>\
             <text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            mt + ph,
            mt + ph + 4.0,
            mt + ph + 16.0,
            esc(&point_label(p))
        );
    }
    let axis = if time_axis { "capture time" } else { "capture number" };
    let _ = write!(h, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{axis}</text>", ml + pw / 2.0, ht - 6.0);
    let _ = write!(
        h,
        "<text transform=\"translate(12 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        mt + ph / 2.0,
        esc(if unit == "sockets" {
            "sockets"
        } else if unit == "value" {
            "value"
        } else {
            "increase"
        })
    );
    // The series: a line and one point per capture.
    for (k, line) in lines.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let _ = write!(h, "<g class=\"series\" data-series=\"{}\">", esc(&line.name));
        let path: Vec<String> =
            line.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v)))).collect();
        let _ = write!(
            h,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.8\" points=\"{}\"/>",
            path.join(" ")
        );
        for (i, v) in line.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let p = &t.points[i];
            let _ = write!(
                h,
                "<circle class=\"pt\" r=\"3\" fill=\"{colour}\" cx=\"{:.1}\" cy=\"{:.1}\" data-capture=\"{}\" data-value=\"{v}\">\
                 <title>{}: {v} {}</title></circle>",
                x(i),
                y(*v),
                p.capture,
                esc(&point_label_long(p)),
                esc(&line.name)
            );
        }
        h.push_str("</g>");
    }
    h.push_str("</svg>");
    if lines.len() > 1 {
        h.push_str("<div class=\"legend\">");
        for (k, line) in lines.iter().enumerate() {
            let _ = write!(
                h,
                "<span><i style=\"background:{}\"></i>{}</span>",
                PALETTE[k % PALETTE.len()],
                esc(&line.name)
            );
        }
        h.push_str("</div>");
    }
    h.push_str("</figure>");
}

fn notes(h: &mut String, s: &Summary) {
    open_section(h, "notes");
    if s.notes.is_empty() {
        h.push_str("<p class=\"empty\">Nothing to remark.</p>");
    } else {
        h.push_str("<ul class=\"notes\">");
        for n in &s.notes {
            let class = match n.level {
                Level::Warning => "warning",
                Level::Info => "info",
            };
            let _ = write!(h, "<li class=\"{class}\">{}</li>", esc(&n.text));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_finds_the_time_of_a_date_line() {
        assert_eq!(clock("Sun Dec  6 10:23:14 UTC 2026").as_deref(), Some("10:23:14"));
        assert_eq!(clock("2026-12-06T10:23:14+00:00").as_deref(), Some("10:23:14"));
        assert_eq!(clock("no time here"), None);
    }

    #[test]
    fn ticks_cover_the_range_in_round_steps() {
        assert_eq!(ticks(0, 95), vec![0, 50, 100]);
        assert_eq!(ticks(0, 7), vec![0, 2, 4, 6, 8]);
        let t = ticks(0, 123_456);
        assert!(t[0] == 0 && *t.last().unwrap() >= 123_456, "{t:?}");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
