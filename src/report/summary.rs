//! The finished report: its sections, chosen from the sources, and the notes on what
//! disagrees or is missing. Renderers ([`super::text`], [`super::json`], [`super::html`])
//! read only this.

use std::collections::{BTreeMap, BTreeSet};

use netsift_grammar::netstat_i::IfaceStats;

use super::catalog::{is_gauge, TROUBLE};
use super::fold::{CounterStats, Listener, Point, Queued, Source};
use super::Limits;

/// How many rows the top lists show.
pub const TOP: usize = 10;

/// Everything the report says.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Every source read, with what it held.
    pub sources: Vec<SourceLine>,
    /// What listens.
    pub listeners: Option<Listeners>,
    /// What is connected, stuck or piling up.
    pub connections: Option<Connections>,
    /// The trouble counters.
    pub counters: Option<Counters>,
    /// Interfaces, one entry per source with an interface table.
    pub interfaces: Vec<Interfaces>,
    /// Sockets by state over the captures (when there are several).
    pub states_over_time: Option<Timeline>,
    /// The counters that moved, over the captures (when there are several).
    pub counters_over_time: Option<Timeline>,
    /// Where the sources disagree or are missing.
    pub notes: Vec<Note>,
}

/// One source read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// File name or archive member.
    pub name: String,
    /// Events by kind (`inet_conn`, `counter`, …).
    pub kinds: BTreeMap<&'static str, u64>,
    /// Captures (the most of any kind).
    pub captures: u32,
    /// Cut at the front.
    pub cut_front: bool,
    /// Lines not understood.
    pub malformed: u64,
}

/// Which source and capture a section describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct From {
    /// The source's name.
    pub source: String,
    /// The capture described (the last), and its time.
    pub point: Option<Point>,
    /// Captures in that source.
    pub captures: u32,
}

/// Listening sockets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listeners {
    /// Where they were read.
    pub from: From,
    /// The listeners, by program, protocol and port.
    pub rows: Vec<Listener>,
    /// Listeners beyond the report's limit.
    pub omitted: u64,
    /// Per program: its PIDs, its `proto/port`s and how many listen on all addresses.
    pub by_program: Vec<ProgramListeners>,
}

/// The listeners of one program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramListeners {
    /// The program (`-` hidden, `?` no program column).
    pub program: String,
    /// Its PIDs.
    pub pids: Vec<u32>,
    /// `tcp/22`, `udp6/53`, …
    pub ports: Vec<String>,
    /// Of them, bound to all addresses.
    pub all_addresses: u64,
}

/// A pile of sockets in one state, and where they gather.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pile {
    /// Sockets in the state.
    pub count: u64,
    /// The largest groups.
    pub top: Vec<(String, u64)>,
}

/// Connections of the capture described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connections {
    /// Where they were read.
    pub from: From,
    /// Internet sockets, listeners included.
    pub total: u64,
    /// Sockets by state, the largest first.
    pub by_state: Vec<(String, u64)>,
    /// Connected sockets by program, the largest first.
    pub by_program: Vec<(String, u64)>,
    /// Peer addresses with the most connections.
    pub top_peers: Vec<(String, u64)>,
    /// Sockets with the fullest queues, the largest first.
    pub queues: Vec<Queued>,
    /// Sockets with a non-zero queue.
    pub nonzero_queues: u64,
    /// TIME_WAIT sockets, by peer.
    pub time_wait: Pile,
    /// CLOSE_WAIT sockets, by program and local port.
    pub close_wait: Pile,
    /// The counts of peers and programs are upper bounds (more distinct keys than the
    /// report counts exactly).
    pub approximate: bool,
}

/// How a counter changed over a periodic log.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What it counted from the first capture to the last.
    pub increase: i128,
    /// Intervals (pairs of consecutive captures).
    pub intervals: u64,
    /// The mean increase per interval.
    pub mean: f64,
    /// The largest increase in one interval…
    pub max: i128,
    /// …and the capture that ended it.
    pub max_at: Option<Point>,
    /// Times it went down (reset).
    pub resets: u64,
}

/// One trouble counter.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterRow {
    /// `Section:Name`.
    pub key: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// The source it was read from.
    pub source: String,
    /// Its value in the last capture.
    pub value: i128,
    /// Its change over the captures, for a periodic log.
    pub change: Option<Change>,
    /// It rose during the log (or, for one capture, is not zero).
    pub attention: bool,
}

/// Retransmitted segments as a share of segments sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Retransmission {
    /// The source of both counters.
    pub source: String,
    /// `Tcp:RetransSegs`.
    pub retrans_segs: i128,
    /// `Tcp:OutSegs`.
    pub out_segs: i128,
    /// Since boot, in percent.
    pub percent: f64,
    /// Over the log (increase of one over increase of the other), in percent.
    pub log_percent: Option<f64>,
}

/// The trouble counters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Counters {
    /// The counters present and not zero (or that moved), in catalog order.
    pub rows: Vec<CounterRow>,
    /// The counters present and zero.
    pub zero: Vec<&'static str>,
    /// The counters of the catalog the input lacks.
    pub missing: Vec<&'static str>,
    /// Retransmissions as a share of segments sent.
    pub retransmission: Option<Retransmission>,
}

/// One interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfaceLine {
    /// Its name.
    pub name: String,
    /// Its MTU.
    pub mtu: Option<u64>,
    /// Its counters in the last capture.
    pub stats: Option<IfaceStats>,
    /// Their change since the first capture (a periodic log).
    pub change: Option<IfaceStats>,
    /// Errors, drops or overruns.
    pub attention: bool,
}

/// The interfaces of one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interfaces {
    /// Where they were read.
    pub from: From,
    /// The interfaces.
    pub rows: Vec<IfaceLine>,
}

/// Named series over the captures of one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// The source.
    pub source: String,
    /// The captures shown.
    pub points: Vec<Point>,
    /// Each point stands for 2^thinned captures (0: one point per capture).
    pub thinned: u32,
    /// Each series: its name, what its values are, and one value per point.
    pub lines: Vec<Line>,
}

/// One series of a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// A state, or `Section:Name`.
    pub name: String,
    /// What a value is (`sockets`, `increase since capture 1`, `value`).
    pub unit: &'static str,
    /// Whether it is a trouble counter.
    pub trouble: bool,
    /// One value per point.
    pub values: Vec<Option<i128>>,
}

/// How much a note matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Worth knowing.
    Info,
    /// Read the report with this in mind.
    Warning,
}

/// A remark on the sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// How much it matters.
    pub level: Level,
    /// What to know.
    pub text: String,
}

fn note(notes: &mut Vec<Note>, level: Level, text: String) {
    notes.push(Note { level, text });
}

/// Build the summary from the folded sources.
pub(super) fn summarise(sources: Vec<Source>, limits: Limits) -> Summary {
    let mut notes = Vec::new();
    let lines: Vec<SourceLine> = sources
        .iter()
        .map(|s| SourceLine {
            name: s.name.clone(),
            kinds: s.kinds.clone(),
            captures: s.captures,
            cut_front: s.cut_front,
            malformed: s.malformed,
        })
        .collect();
    for s in &sources {
        if s.cut_front {
            note(
                &mut notes,
                Level::Warning,
                format!("{} was cut at the front (the collector kept its tail): its first rows are missing", s.name),
            );
        }
        if s.malformed > 0 {
            note(
                &mut notes,
                Level::Warning,
                format!(
                    "{}: {} line(s) not understood (`netsift events` shows them as malformed)",
                    s.name, s.malformed
                ),
            );
        }
    }
    let (listeners, connections, states_over_time) = sockets(&sources, &mut notes);
    let (counters, counters_over_time) = counters(&sources, &mut notes);
    let interfaces = interfaces(&sources);
    if interfaces.is_empty() {
        note(
            &mut notes,
            Level::Info,
            "no interface table (netstat -i, /proc/net/dev): interface errors not checked".to_string(),
        );
    }
    let _ = limits;
    Summary {
        sources: lines,
        listeners,
        connections,
        counters,
        interfaces,
        states_over_time,
        counters_over_time,
        notes,
    }
}

fn from(s: &Source, point: Option<Point>, captures: u32) -> From {
    From { source: s.name.clone(), point, captures }
}

type SocketSections = (Option<Listeners>, Option<Connections>, Option<Timeline>);

fn sockets(sources: &[Source], notes: &mut Vec<Note>) -> SocketSections {
    let with_conns: Vec<&Source> = sources.iter().filter(|s| s.conns.last.is_some()).collect();
    // The source described: netstat before ss (it names programs and users), then the most
    // captures, then the most sockets, then input order.
    let Some(primary) = with_conns.iter().copied().min_by_key(|s| {
        let cap = s.conns.last.as_ref().map_or(0, |c| c.total);
        (s.conns.tool != Some("netstat"), std::cmp::Reverse(s.conns.captures), std::cmp::Reverse(cap))
    }) else {
        note(
            notes,
            Level::Info,
            "no socket table (netstat -neopa, ss -tupna, /proc/net/tcp): no listeners or connections".to_string(),
        );
        return (None, None, None);
    };
    let Some(cap) = primary.conns.last.as_ref() else { return (None, None, None) };
    let described = from(primary, cap.point.clone(), primary.conns.captures);

    // Listeners, grouped by program.
    let mut rows = cap.listeners.clone();
    let port_number = |p: &str| p.parse::<u32>().unwrap_or(u32::MAX);
    rows.sort_by(|a, b| {
        (a.program.as_str(), a.proto.as_str(), port_number(&a.port), a.address.as_str()).cmp(&(
            b.program.as_str(),
            b.proto.as_str(),
            port_number(&b.port),
            b.address.as_str(),
        ))
    });
    let mut grouped: BTreeMap<String, (BTreeSet<u32>, Vec<String>, u64)> = BTreeMap::new();
    for l in &rows {
        let entry = grouped.entry(l.program.clone()).or_default();
        entry.0.extend(l.pid);
        let port = format!("{}/{}", l.proto, l.port);
        if !entry.1.contains(&port) {
            entry.1.push(port);
        }
        entry.2 += u64::from(l.all_addresses);
    }
    let by_program = grouped
        .into_iter()
        .map(|(program, (pids, ports, all))| ProgramListeners {
            program,
            pids: pids.into_iter().collect(),
            ports,
            all_addresses: all,
        })
        .collect();
    let listeners = Listeners { from: described.clone(), rows, omitted: cap.listeners_omitted, by_program };

    let mut by_state: Vec<(String, u64)> = cap.by_state.iter().map(|(k, v)| (k.clone(), *v)).collect();
    by_state.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let pile = |k: &super::fold::TopK, state: &str| Pile {
        count: cap.by_state.get(state).copied().unwrap_or(0),
        top: k.top(TOP),
    };
    let connections = Connections {
        from: described,
        total: cap.total,
        by_state,
        by_program: cap.programs.top(TOP),
        top_peers: cap.peers.top(TOP),
        queues: cap.queues.clone(),
        nonzero_queues: cap.nonzero_queues,
        time_wait: pile(&cap.time_wait, "TIME_WAIT"),
        close_wait: pile(&cap.close_wait, "CLOSE_WAIT"),
        approximate: cap.programs.approximate || cap.peers.approximate,
    };

    if cap.no_program_column == cap.total && cap.total > 0 {
        note(notes, Level::Info, format!("{} has no program column (netstat without -p, or a /proc table): sockets are not attributed to programs", primary.name));
    } else if cap.hidden_program > 0 {
        let why = if primary.not_all_processes {
            "netstat said not all processes could be identified (run without root)"
        } else {
            "kernel sockets, or another user's"
        };
        note(
            notes,
            Level::Info,
            format!(
                "{}: the program of {} of {} sockets is not shown ({why})",
                primary.name, cap.hidden_program, cap.total
            ),
        );
    }
    compare_sockets(primary, &with_conns, notes);

    let states_over_time = (primary.conns.captures > 1).then(|| {
        let series = &primary.conns.states;
        Timeline {
            source: primary.name.clone(),
            points: series.points.clone(),
            thinned: series.thinned,
            lines: series
                .names
                .iter()
                .zip(&series.values)
                .map(|(name, values)| Line {
                    name: name.clone(),
                    unit: "sockets",
                    trouble: false,
                    // A state absent from a capture has no socket in it.
                    values: values.iter().map(|v| Some(v.unwrap_or(0))).collect(),
                })
                .collect(),
        }
    });
    (Some(listeners), Some(connections), states_over_time)
}

/// Compare the TCP sockets of every other socket table with the one described.
fn compare_sockets(primary: &Source, all: &[&Source], notes: &mut Vec<Note>) {
    let Some(p) = primary.conns.last.as_ref() else { return };
    for other in all.iter().filter(|s| s.name != primary.name) {
        let Some(o) = other.conns.last.as_ref() else { continue };
        let listening_only =
            |m: &BTreeMap<String, u64>| !m.is_empty() && m.keys().all(|k| k == "LISTEN" || k == "UNCONN");
        let only_listen = listening_only(&o.tcp_by_state) || listening_only(&p.tcp_by_state);
        let states: BTreeSet<&String> = p.tcp_by_state.keys().chain(o.tcp_by_state.keys()).collect();
        let mut differ = Vec::new();
        for state in states {
            if only_listen && state != "LISTEN" {
                continue;
            }
            let (a, b) =
                (p.tcp_by_state.get(state).copied().unwrap_or(0), o.tcp_by_state.get(state).copied().unwrap_or(0));
            if a != b {
                differ.push(format!("{state} {a} vs {b}"));
            }
        }
        let what = if only_listen { "TCP listeners" } else { "TCP sockets" };
        if differ.is_empty() {
            note(notes, Level::Info, format!("{} and {} agree on {what}", primary.name, other.name));
        } else {
            note(
                notes,
                Level::Warning,
                format!(
                    "{} and {} disagree on {what}: {} (captured at different moments; the report describes {})",
                    primary.name,
                    other.name,
                    differ.join(", "),
                    primary.name
                ),
            );
        }
    }
}

fn counters(sources: &[Source], notes: &mut Vec<Note>) -> (Option<Counters>, Option<Timeline>) {
    let with_counters: Vec<&Source> = sources.iter().filter(|s| !s.counters.stats.is_empty()).collect();
    if with_counters.is_empty() {
        note(
            notes,
            Level::Info,
            "no counters (netstat -s, /proc/net/netstat, /proc/net/snmp, nstat): trouble counters not checked"
                .to_string(),
        );
        return (None, None);
    }
    // Each counter from the source with the most captures that has it (then input order).
    let pick = |key: &str| -> Option<(&Source, &CounterStats)> {
        with_counters
            .iter()
            .filter_map(|s| s.counters.stats.get(key).map(|st| (*s, st)))
            .max_by_key(|(s, _)| (s.counters.captures, std::cmp::Reverse(s.name.clone())))
    };
    let mut out = Counters::default();
    for t in TROUBLE {
        let Some((s, st)) = pick(t.key) else {
            out.missing.push(t.key);
            continue;
        };
        // In a netstat -s log an absent counter was zero: every interval counts.
        let intervals =
            if s.counters.zero_when_absent { u64::from(s.counters.captures.saturating_sub(1)) } else { st.intervals };
        let change = (intervals > 0).then(|| Change {
            increase: st.increase,
            intervals,
            mean: st.increase as f64 / intervals as f64,
            max: st.max_delta,
            max_at: st.max_at.clone(),
            resets: st.resets,
        });
        let attention = match &change {
            Some(c) => c.increase > 0,
            None => st.last > 0,
        };
        if st.last == 0 && !st.moved {
            out.zero.push(t.key);
            continue;
        }
        out.rows.push(CounterRow {
            key: t.key,
            meaning: t.meaning,
            source: s.name.clone(),
            value: st.last,
            change,
            attention,
        });
    }
    if let Some((s, r)) = pick("Tcp:RetransSegs") {
        if let Some(o) = s.counters.stats.get("Tcp:OutSegs") {
            let percent = |a: i128, b: i128| (b > 0).then(|| a as f64 * 100.0 / b as f64);
            out.retransmission = percent(r.last, o.last).map(|p| Retransmission {
                source: s.name.clone(),
                retrans_segs: r.last,
                out_segs: o.last,
                percent: p,
                log_percent: if r.intervals > 0 { percent(r.increase, o.increase) } else { None },
            });
        }
    }
    if with_counters.iter().all(|s| s.counters.zero_when_absent) {
        // netstat -s prints no counter at zero: the missing ones are zero.
        out.zero.append(&mut out.missing);
    } else if !out.missing.is_empty() {
        note(
            notes,
            Level::Info,
            format!(
                "{} of {} trouble counters are not in the input: {}",
                out.missing.len(),
                TROUBLE.len(),
                out.missing.join(", ")
            ),
        );
    }
    for s in &with_counters {
        if s.counters.untracked > 0 {
            note(
                notes,
                Level::Warning,
                format!(
                    "{}: more distinct counter names than a kernel has; {} values of names past the first {} were not followed",
                    s.name, s.counters.untracked, s.counters.stats.len()
                ),
            );
        }
    }
    // Sources holding the same counters: do they agree?
    for (i, a) in with_counters.iter().enumerate() {
        for b in &with_counters[i + 1..] {
            let shared: Vec<(&String, i128, i128)> = a
                .counters
                .stats
                .iter()
                .filter_map(|(k, sa)| b.counters.stats.get(k).map(|sb| (k, sa.last, sb.last)))
                .collect();
            if shared.is_empty() {
                continue;
            }
            let differ: Vec<String> =
                shared.iter().filter(|(_, x, y)| x != y).map(|(k, x, y)| format!("{k} {x} vs {y}")).collect();
            if differ.is_empty() {
                note(
                    notes,
                    Level::Info,
                    format!("{} and {} agree on {} shared counters", a.name, b.name, shared.len()),
                );
            } else {
                let examples: Vec<&str> = differ.iter().take(3).map(String::as_str).collect();
                note(
                    notes,
                    Level::Warning,
                    format!(
                        "{} and {} differ on {} of {} shared counters (read at different moments), e.g. {}",
                        a.name,
                        b.name,
                        differ.len(),
                        shared.len(),
                        examples.join(", ")
                    ),
                );
            }
        }
    }
    // The timeline: the source with the most captures, its counters that moved.
    let periodic =
        with_counters.iter().copied().max_by_key(|s| (s.counters.captures, std::cmp::Reverse(s.name.clone())));
    let timeline = periodic.filter(|s| s.counters.captures > 1).map(|s| {
        let series = &s.counters.series;
        let mut lines: Vec<Line> = series
            .names
            .iter()
            .zip(&series.values)
            .filter(|(name, _)| s.counters.stats.get(*name).is_some_and(|st| st.moved))
            .map(|(name, values)| {
                let gauge = is_gauge(name);
                Line {
                    name: name.clone(),
                    unit: if gauge { "value" } else { "increase since the first capture" },
                    trouble: TROUBLE.iter().any(|t| t.key == name),
                    values: {
                        // netstat -s leaves out the counters at zero.
                        let values: Vec<Option<i128>> = if s.counters.zero_when_absent {
                            values.iter().map(|v| Some(v.unwrap_or(0))).collect()
                        } else {
                            values.clone()
                        };
                        if gauge {
                            values
                        } else {
                            increase(&values)
                        }
                    },
                }
            })
            .collect();
        // Trouble counters first, in catalog order; then the others by name.
        let rank = |l: &Line| TROUBLE.iter().position(|t| t.key == l.name).unwrap_or(TROUBLE.len());
        lines.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name)));
        Timeline { source: s.name.clone(), points: series.points.clone(), thinned: series.thinned, lines }
    });
    (Some(out), timeline)
}

/// A total's increase since the first capture, a reset adding its new value.
fn increase(values: &[Option<i128>]) -> Vec<Option<i128>> {
    let mut total = 0i128;
    let mut before: Option<i128> = None;
    values
        .iter()
        .map(|v| {
            let v = (*v)?;
            if let Some(b) = before {
                total += if v >= b { v - b } else { v };
            }
            before = Some(v);
            Some(total)
        })
        .collect()
}

fn interfaces(sources: &[Source]) -> Vec<Interfaces> {
    sources
        .iter()
        .filter(|s| !s.ifaces.last.is_empty())
        .map(|s| {
            let rows = s
                .ifaces
                .last
                .iter()
                .map(|row| {
                    let change = (s.ifaces.captures > 1)
                        .then(|| {
                            let first = s.ifaces.first.iter().find(|f| f.name == row.name)?.stats?;
                            let now = row.stats?;
                            Some(delta(&first, &now))
                        })
                        .flatten();
                    let bad =
                        |st: &IfaceStats| st.rx_err + st.rx_drp + st.rx_ovr + st.tx_err + st.tx_drp + st.tx_ovr > 0;
                    let attention = match &change {
                        Some(c) => bad(c),
                        None => row.stats.as_ref().is_some_and(bad),
                    };
                    IfaceLine { name: row.name.clone(), mtu: row.mtu, stats: row.stats, change, attention }
                })
                .collect();
            Interfaces { from: from(s, s.ifaces.last_point.clone(), s.ifaces.captures), rows }
        })
        .collect()
}

fn delta(a: &IfaceStats, b: &IfaceStats) -> IfaceStats {
    // A counter that went down was reset: its new value is what it counted since.
    let d = |x: u64, y: u64| if y >= x { y - x } else { y };
    IfaceStats {
        rx_ok: d(a.rx_ok, b.rx_ok),
        rx_err: d(a.rx_err, b.rx_err),
        rx_drp: d(a.rx_drp, b.rx_drp),
        rx_ovr: d(a.rx_ovr, b.rx_ovr),
        tx_ok: d(a.tx_ok, b.tx_ok),
        tx_err: d(a.tx_err, b.tx_err),
        tx_drp: d(a.tx_drp, b.tx_drp),
        tx_ovr: d(a.tx_ovr, b.tx_ovr),
    }
}
