//! Folding events into a report as they stream, source by source, in bounded memory.

use std::collections::{BTreeMap, HashMap};

use netsift_grammar::netstat_i::IfaceStats;
use netsift_grammar::ss::{Netid, State as SsState};

use super::catalog::is_gauge;
use super::Limits;
use crate::events::{EventKind, Host, InetConn, InetState, NoticeKind, Owner, Port, Problem, Proto, SsSocket, User};
use crate::push::CUT_LINE;
use crate::Event;

/// A report being built: feed it every event with the name of the file or archive member
/// it came from ([`Report::event`]), then [`Report::finish`].
#[derive(Debug, Default)]
pub struct Report {
    limits: Limits,
    sources: Vec<Source>,
    /// The source of the last event (events come in runs from one source).
    last: usize,
}

/// Everything kept about one file or archive member.
#[derive(Debug)]
pub struct Source {
    /// The file name, or the member's path in its archive.
    pub name: String,
    /// Events seen, by kind.
    pub kinds: BTreeMap<&'static str, u64>,
    /// Its front was cut off (sosreport keeps the tail of an oversized output).
    pub cut_front: bool,
    /// netstat said not all processes could be identified (run without root).
    pub not_all_processes: bool,
    /// Malformed lines (other than a cut first line).
    pub malformed: u64,
    /// The highest capture number of its events.
    pub captures: u32,
    /// Sockets: the last capture in full, and the counts by state of every capture.
    pub conns: ConnFold,
    /// Counters: their statistics over the captures and their series.
    pub counters: CounterFold,
    /// `netstat -i` rows: the first and the last capture.
    pub ifaces: IfaceFold,
    pending_time: Option<String>,
    last_time: Option<(u32, String)>,
}

/// When a capture was taken: its number in its source, and the time stamp printed before
/// it, when the log has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// The capture's number, from 1.
    pub capture: u32,
    /// The time stamp line (`date` output) that preceded it.
    pub time: Option<String>,
}

/// Named values per capture (counters, or sockets by state). When it reaches twice
/// [`Limits::points`] it is thinned to every other point, and from then on only every
/// other capture is kept (every fourth after a second thinning, …), so that the points
/// stay evenly spread; the last capture is always the last point.
#[derive(Debug, Clone, Default)]
pub struct Series {
    /// The captures kept, in order.
    pub points: Vec<Point>,
    /// The names, in the order they first appeared.
    pub names: Vec<String>,
    /// `values[name][point]`: `None` where a capture lacked that name.
    pub values: Vec<Vec<Option<i128>>>,
    /// How many times the series was halved (each point then stands for 2^thinned captures).
    pub thinned: u32,
    index: HashMap<String, usize>,
    /// Captures offered so far.
    seen: u64,
    /// The latest capture when it falls between kept points: the last point at the end.
    pending: Option<(Point, Vec<(String, i128)>)>,
}

impl Series {
    fn push<'k>(&mut self, point: Point, values: impl Iterator<Item = (&'k str, i128)>, cap: usize) {
        let stride = 1u64 << self.thinned.min(63);
        self.seen += 1;
        if (self.seen - 1) % stride != 0 {
            self.pending = Some((point, values.map(|(k, v)| (k.to_string(), v)).collect()));
            return;
        }
        self.pending = None;
        self.append(point, values);
        if self.points.len() >= 2 * cap.max(1) {
            self.halve();
        }
    }

    fn append<'k>(&mut self, point: Point, values: impl Iterator<Item = (&'k str, i128)>) {
        let at = self.points.len();
        self.points.push(point);
        for (name, value) in values {
            let i = match self.index.get(name) {
                Some(&i) => i,
                None => {
                    self.index.insert(name.to_string(), self.names.len());
                    self.names.push(name.to_string());
                    self.values.push(Vec::new());
                    self.names.len() - 1
                }
            };
            let column = &mut self.values[i];
            column.resize(at, None);
            column.push(Some(value));
        }
        for column in &mut self.values {
            column.resize(at + 1, None);
        }
    }

    /// Keep every other point.
    fn halve(&mut self) {
        let keep = |i: usize| i % 2 == 0;
        let mut i = 0;
        self.points.retain(|_| {
            i += 1;
            keep(i - 1)
        });
        for column in &mut self.values {
            let mut i = 0;
            column.retain(|_| {
                i += 1;
                keep(i - 1)
            });
        }
        self.thinned += 1;
    }

    /// The end of the input: the latest capture becomes the last point.
    fn finish(&mut self) {
        if let Some((point, values)) = self.pending.take() {
            self.append(point, values.iter().map(|(k, v)| (k.as_str(), *v)));
        }
    }

    /// The values of `name`, one per point.
    pub fn get(&self, name: &str) -> Option<&[Option<i128>]> {
        self.index.get(name).map(|&i| self.values[i].as_slice())
    }
}

/// Counts per key, exact up to a number of distinct keys, then approximate (the
/// space-saving algorithm: a new key replaces the smallest, inheriting its count). Each
/// step costs a logarithm of the cap, whatever the number of distinct keys.
#[derive(Debug, Clone, Default)]
pub struct TopK {
    counts: HashMap<String, u64>,
    /// The same counts, ordered, to find the smallest.
    order: std::collections::BTreeSet<(u64, String)>,
    /// True once a key had to replace another: the counts are upper bounds.
    pub approximate: bool,
}

impl TopK {
    fn add(&mut self, key: &str, cap: usize) {
        if let Some(n) = self.counts.get_mut(key) {
            self.order.remove(&(*n, key.to_string()));
            *n += 1;
            self.order.insert((*n, key.to_string()));
            return;
        }
        let mut n = 1;
        if self.counts.len() >= cap.max(1) {
            self.approximate = true;
            if let Some((smallest, old)) = self.order.pop_first() {
                self.counts.remove(&old);
                n = smallest + 1;
            }
        }
        self.counts.insert(key.to_string(), n);
        self.order.insert((n, key.to_string()));
    }

    /// The `n` largest, largest first (ties by key).
    pub fn top(&self, n: usize) -> Vec<(String, u64)> {
        let mut all: Vec<(String, u64)> = self.counts.iter().map(|(k, v)| (k.clone(), *v)).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }

    /// The sum of the counts.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }
}

/// A listening socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// `tcp`, `udp6`, …
    pub proto: String,
    /// The local address (`0.0.0.0`, `::`, `*`, `127.0.0.1`).
    pub address: String,
    /// The local port.
    pub port: String,
    /// The program, `-` when hidden, `?` when the capture has no program column.
    pub program: String,
    /// Its PID, when shown.
    pub pid: Option<u32>,
    /// Its owner (uid or name), when shown.
    pub user: Option<String>,
    /// Bound to every address (`0.0.0.0`, `::`, `*`): reachable from any network.
    pub all_addresses: bool,
}

/// A socket with bytes waiting in a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// `tcp`, `udp6`, …
    pub proto: String,
    /// `address:port`.
    pub local: String,
    /// `address:port`.
    pub foreign: String,
    /// The state word.
    pub state: String,
    /// Bytes received and not yet read by the application (for a listener: connections
    /// waiting to be accepted).
    pub recv_q: u64,
    /// Bytes sent and not yet acknowledged by the peer.
    pub send_q: u64,
    /// The program, `-` when hidden.
    pub program: String,
}

/// The sockets of one capture.
#[derive(Debug, Clone, Default)]
pub struct ConnCapture {
    /// Where it stands.
    pub point: Option<Point>,
    /// Internet sockets.
    pub total: u64,
    /// Sockets by state (`ESTABLISHED`, `UNCONN` for unconnected datagram sockets, …).
    pub by_state: BTreeMap<String, u64>,
    /// TCP sockets by state (to compare netstat with ss).
    pub tcp_by_state: BTreeMap<String, u64>,
    /// Connected (not listening) sockets by program.
    pub programs: TopK,
    /// Connected sockets by peer address.
    pub peers: TopK,
    /// Listeners, up to [`Limits::listeners`].
    pub listeners: Vec<Listener>,
    /// Listeners beyond the limit.
    pub listeners_omitted: u64,
    /// The sockets with the fullest queues, the largest first.
    pub queues: Vec<Queued>,
    /// Sockets with a non-zero queue.
    pub nonzero_queues: u64,
    /// TIME_WAIT sockets by peer `address:port`.
    pub time_wait: TopK,
    /// CLOSE_WAIT sockets by program and local port (the application has not closed them).
    pub close_wait: TopK,
    /// Sockets whose program is not shown (`-`).
    pub hidden_program: u64,
    /// Sockets read from a table without a program column.
    pub no_program_column: u64,
}

/// Sockets of a source: the capture being read (at the end: the last one) and the counts by
/// state of each capture.
#[derive(Debug, Default)]
pub struct ConnFold {
    /// The tool whose table it is: `netstat` or `ss`.
    pub tool: Option<&'static str>,
    /// The current (at the end: last) capture.
    pub last: Option<ConnCapture>,
    /// Captures seen.
    pub captures: u32,
    /// Sockets by state, per capture.
    pub states: Series,
    current: Option<u32>,
}

/// What a counter did over the captures of a source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterStats {
    /// Its value in the first capture that had it.
    pub first: i128,
    /// Its value in the last capture that had it.
    pub last: i128,
    /// What it counted over the log: the sum of the increases (a reset adds its new value).
    pub increase: i128,
    /// Pairs of consecutive captures that both had it.
    pub intervals: u64,
    /// The largest increase in one interval.
    pub max_delta: i128,
    /// The capture that ended that interval.
    pub max_at: Option<Point>,
    /// Times it went down (a reboot, a counter re-created).
    pub resets: u64,
    /// Whether it ever changed.
    pub moved: bool,
}

/// The counters of a source.
#[derive(Debug, Default)]
pub struct CounterFold {
    /// Captures seen.
    pub captures: u32,
    /// Each counter's statistics, by `Section:Name`.
    pub stats: BTreeMap<String, CounterStats>,
    /// Every counter per capture.
    pub series: Series,
    /// Distinct counter names beyond [`Limits::counters`], not followed.
    pub untracked: u64,
    /// A counter absent from a capture was zero: `netstat -s` and nstat leave out the
    /// counters at zero (the /proc files print every one).
    pub zero_when_absent: bool,
    current: Option<(Point, HashMap<String, i128>)>,
}

/// One `netstat -i` row, kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfaceRow {
    /// The interface.
    pub name: String,
    /// Its MTU (`/proc/net/dev` has none).
    pub mtu: Option<u64>,
    /// Its counters (`None`: `- no statistics available -`).
    pub stats: Option<IfaceStats>,
}

/// The interfaces of a source: the first capture (for the change over a log) and the last.
#[derive(Debug, Default)]
pub struct IfaceFold {
    /// Captures seen.
    pub captures: u32,
    /// The rows of the first capture.
    pub first: Vec<IfaceRow>,
    /// The rows of the last capture.
    pub last: Vec<IfaceRow>,
    /// Where the last capture stands.
    pub last_point: Option<Point>,
    current: Option<u32>,
}

/// Rows of an interface table kept per capture (a table has a handful).
const IFACE_ROWS: usize = 4096;

impl Report {
    /// An empty report with the default [`Limits`].
    pub fn new() -> Self {
        Report::default()
    }

    /// An empty report keeping at most `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        Report { limits, ..Report::default() }
    }

    /// The sources seen so far.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Fold one event of `source` (a file name or archive member path).
    pub fn event(&mut self, source: &str, ev: &Event<'_>) {
        let i = match self.sources.get(self.last) {
            Some(s) if s.name == source => self.last,
            _ => match self.sources.iter().position(|s| s.name == source) {
                Some(i) => i,
                None => {
                    self.sources.push(Source::new(source));
                    self.sources.len() - 1
                }
            },
        };
        self.last = i;
        let limits = self.limits;
        self.sources[i].event(ev, limits);
    }

    /// Close the last captures and summarise.
    pub fn finish(mut self) -> super::Summary {
        let limits = self.limits;
        for s in &mut self.sources {
            s.close(limits);
        }
        super::summary::summarise(self.sources, limits)
    }
}

impl Source {
    fn new(name: &str) -> Self {
        Source {
            name: name.to_string(),
            kinds: BTreeMap::new(),
            cut_front: false,
            not_all_processes: false,
            malformed: 0,
            captures: 0,
            conns: ConnFold::default(),
            counters: CounterFold::default(),
            ifaces: IfaceFold::default(),
            pending_time: None,
            last_time: None,
        }
    }

    /// Where capture `n` stands: the time stamp printed before it, if one was.
    fn point(&mut self, n: u32) -> Point {
        if let Some(t) = self.pending_time.take() {
            self.last_time = Some((n, t));
        }
        let time = self.last_time.as_ref().filter(|(c, _)| *c == n).map(|(_, t)| t.clone());
        Point { capture: n, time }
    }

    fn event(&mut self, ev: &Event<'_>, limits: Limits) {
        *self.kinds.entry(ev.kind.name()).or_insert(0) += 1;
        if !matches!(ev.kind, EventKind::Notice(_) | EventKind::Malformed(_)) {
            self.captures = self.captures.max(ev.capture);
        }
        match &ev.kind {
            EventKind::InetConn(c) => {
                self.start_conn_capture(ev.capture, "netstat", limits);
                if let Some(cap) = &mut self.conns.last {
                    cap.add(&Sock::from_netstat(c), limits);
                }
            }
            EventKind::SsSocket(s) => {
                if let Some(sock) = Sock::from_ss(s) {
                    self.start_conn_capture(ev.capture, "ss", limits);
                    if let Some(cap) = &mut self.conns.last {
                        cap.add(&sock, limits);
                    }
                }
            }
            EventKind::Counter(c) => {
                let Some(name) = c.name else { return };
                // netstat -s and nstat (without -z) print no counter at zero.
                self.counters.zero_when_absent |=
                    matches!(c.source, crate::events::CounterSource::NetstatS | crate::events::CounterSource::Nstat);
                if self.counters.current.as_ref().is_none_or(|(p, _)| p.capture != ev.capture) {
                    self.counters.close(limits);
                    let point = self.point(ev.capture);
                    self.counters.captures += 1;
                    self.counters.current = Some((point, HashMap::new()));
                }
                let key = format!("{}:{}", String::from_utf8_lossy(c.section), String::from_utf8_lossy(name));
                if let Some((_, values)) = &mut self.counters.current {
                    values.insert(key, c.value);
                }
            }
            EventKind::Interface(row) => {
                if self.ifaces.current != Some(ev.capture) {
                    self.ifaces.current = Some(ev.capture);
                    self.ifaces.captures += 1;
                    if self.ifaces.captures > 1 {
                        self.ifaces.last.clear();
                    }
                    self.ifaces.last_point = Some(self.point(ev.capture));
                }
                let kept =
                    IfaceRow { name: String::from_utf8_lossy(row.iface).into_owned(), mtu: row.mtu, stats: row.stats };
                if self.ifaces.captures == 1 && self.ifaces.first.len() < IFACE_ROWS {
                    self.ifaces.first.push(kept.clone());
                }
                if self.ifaces.last.len() < IFACE_ROWS {
                    self.ifaces.last.push(kept);
                }
            }
            EventKind::Notice(n) => match n.kind {
                NoticeKind::Timestamp => {
                    self.pending_time = Some(String::from_utf8_lossy(n.text).trim().to_string());
                }
                NoticeKind::NotAllProcesses | NoticeKind::NoProcessInfo => self.not_all_processes = true,
                _ => {}
            },
            EventKind::Malformed(m) => {
                if m.problem == (Problem::Grammar { column: 0, expected: CUT_LINE }) {
                    self.cut_front = true;
                } else {
                    self.malformed += 1;
                }
            }
            _ => {}
        }
    }

    fn start_conn_capture(&mut self, capture: u32, tool: &'static str, limits: Limits) {
        if self.conns.current == Some(capture) {
            return;
        }
        self.conns.close(limits);
        let point = self.point(capture);
        self.conns.tool.get_or_insert(tool);
        self.conns.current = Some(capture);
        self.conns.captures += 1;
        self.conns.last = Some(ConnCapture { point: Some(point), ..ConnCapture::default() });
    }

    fn close(&mut self, limits: Limits) {
        self.conns.close(limits);
        self.counters.close(limits);
        self.conns.states.finish();
        self.counters.series.finish();
    }
}

impl ConnFold {
    /// Put the current capture's counts by state into the series (the capture itself stays
    /// as `last` until the next one replaces it).
    fn close(&mut self, limits: Limits) {
        if self.current.take().is_none() {
            return;
        }
        if let Some(cap) = &self.last {
            let point = cap.point.clone().unwrap_or(Point { capture: 0, time: None });
            self.states.push(point, cap.by_state.iter().map(|(k, v)| (k.as_str(), i128::from(*v))), limits.points);
        }
    }
}

impl CounterFold {
    fn close(&mut self, limits: Limits) {
        let Some((point, values)) = self.current.take() else { return };
        let mut kept: Vec<(&str, i128)> = Vec::with_capacity(values.len());
        for (key, &value) in &values {
            if !self.stats.contains_key(key) {
                if self.stats.len() >= limits.counters {
                    // A kernel has a few hundred counters: past the limit, a name is
                    // garbage or hostile, and is not followed.
                    self.untracked += 1;
                    continue;
                }
                // The first capture that has it; after the first capture of a `netstat -s`
                // log, it was zero before (and this is an interval from zero).
                let first = if self.zero_when_absent && self.captures > 1 { 0 } else { value };
                self.stats.insert(key.clone(), CounterStats { first, last: first, ..CounterStats::default() });
                if first == value {
                    continue;
                }
            }
            let Some(stats) = self.stats.get_mut(key) else { continue };
            let before = stats.last;
            if is_gauge(key) {
                stats.moved |= value != before;
            } else {
                // A counter that went down was reset: what it counted since is its value.
                let delta = if value >= before {
                    value - before
                } else {
                    stats.resets += 1;
                    value
                };
                stats.increase += delta;
                stats.moved |= delta != 0;
                if delta > stats.max_delta {
                    stats.max_delta = delta;
                    stats.max_at = Some(point.clone());
                }
            }
            stats.intervals += 1;
            stats.last = value;
        }
        for (key, &value) in &values {
            if self.stats.contains_key(key) {
                kept.push((key.as_str(), value));
            }
        }
        kept.sort_unstable();
        self.series.push(point, kept.into_iter(), limits.points);
    }
}

/// A socket, from either tool, as the report sees it.
struct Sock {
    proto: String,
    tcp: bool,
    state: String,
    local_host: String,
    local_port: String,
    foreign_host: Option<String>,
    foreign_port: String,
    /// Bound to every address.
    any_local: bool,
    /// No peer (`0.0.0.0:*`, `*:*`).
    no_peer: bool,
    recv_q: Option<u64>,
    send_q: Option<u64>,
    /// `None`: the table has no program column.
    program: Option<String>,
    pid: Option<u32>,
    user: Option<String>,
}

impl Sock {
    fn from_netstat(c: &InetConn<'_>) -> Sock {
        let tcp = matches!(c.proto, Proto::Tcp | Proto::Tcp6);
        let state = match c.state {
            InetState::Empty => "UNCONN".to_string(),
            InetState::Known(s) => s.as_str().to_string(),
            // Raw sockets print the kernel's number: 7 is TCP_CLOSE (bound, no peer), 1
            // TCP_ESTABLISHED (connected).
            InetState::Kernel(7) => "UNCONN".to_string(),
            InetState::Kernel(1) => "ESTABLISHED".to_string(),
            InetState::Kernel(n) => format!("state {n}"),
            InetState::Other(w) => String::from_utf8_lossy(w).into_owned(),
        };
        let (program, pid) = match c.owner {
            None => (None, None),
            Some(Owner::Hidden) => (Some("-".to_string()), None),
            Some(Owner::Process { pid, name }) => (Some(String::from_utf8_lossy(name).trim().to_string()), Some(pid)),
            Some(Owner::Other(text)) => (Some(String::from_utf8_lossy(text).into_owned()), None),
        };
        let user = c.user.map(|u| match u {
            User::Uid(n) => n.to_string(),
            User::Name(n) => String::from_utf8_lossy(n).into_owned(),
        });
        let proto_word = String::from_utf8_lossy(c.column(crate::events::InetCol::Proto)).into_owned();
        let (foreign_host, foreign_port, no_peer) = match &c.foreign {
            None => (None, "*".to_string(), true),
            Some(f) => {
                let unspecified = host_is_any(&f.host);
                (Some(host_text(&f.host)), port_text(&f.port), unspecified && matches!(f.port, Port::Any))
            }
        };
        Sock {
            proto: if proto_word.is_empty() { c.proto.as_str().to_string() } else { proto_word },
            tcp,
            state,
            local_host: host_text(&c.local.host),
            local_port: port_text(&c.local.port),
            any_local: host_is_any(&c.local.host),
            foreign_host,
            foreign_port,
            no_peer,
            recv_q: c.recv_q,
            send_q: c.send_q,
            program,
            pid,
            user,
        }
    }

    /// An internet socket of an ss table (`None` for unix, netlink, packet… sockets).
    fn from_ss(s: &SsSocket<'_>) -> Option<Sock> {
        let row = &s.row;
        let netid = row.netid?;
        let proto = match netid {
            Netid::Tcp | Netid::Udp | Netid::Raw | Netid::Sctp | Netid::Mptcp | Netid::Dccp | Netid::Icmp6 => {
                String::from_utf8_lossy(netid.name()).into_owned()
            }
            _ => return None,
        };
        let tcp = netid == Netid::Tcp;
        let state = match row.state {
            None => "-".to_string(),
            Some(st) => match st {
                SsState::Estab => "ESTABLISHED",
                SsState::SynSent => "SYN_SENT",
                SsState::SynRecv => "SYN_RECV",
                SsState::FinWait1 => "FIN_WAIT1",
                SsState::FinWait2 => "FIN_WAIT2",
                SsState::TimeWait => "TIME_WAIT",
                SsState::Unconn => "UNCONN",
                SsState::Close => "CLOSE",
                SsState::CloseWait => "CLOSE_WAIT",
                SsState::LastAck => "LAST_ACK",
                SsState::Listen => "LISTEN",
                SsState::Closing => "CLOSING",
                SsState::Other(w) => {
                    return Some(Sock::ss_rest(row, proto, tcp, String::from_utf8_lossy(w).into_owned()))
                }
            }
            .to_string(),
        };
        Some(Sock::ss_rest(row, proto, tcp, state))
    }

    fn ss_rest(row: &netsift_grammar::ss::SsRow<'_>, proto: String, tcp: bool, state: String) -> Sock {
        use netsift_grammar::ss::{Host as SsHost, Port as SsPort};
        let host = |h: &SsHost<'_>| match h {
            SsHost::Ip(ip) => ip.to_string(),
            SsHost::Any => "*".to_string(),
            SsHost::Name(n) | SsHost::Path(n) | SsHost::Other(n) => String::from_utf8_lossy(n).into_owned(),
        };
        let any = |h: &SsHost<'_>| match h {
            SsHost::Ip(ip) => ip.is_unspecified(),
            SsHost::Any => true,
            _ => false,
        };
        let port = |p: &Option<SsPort<'_>>| match p {
            Some(SsPort::Number(n)) => n.to_string(),
            Some(SsPort::Any) | None => "*".to_string(),
            Some(SsPort::Name(n)) => String::from_utf8_lossy(n).into_owned(),
        };
        let first = row.process.and_then(|u| u.iter().next());
        let program = Some(first.map_or_else(|| "-".to_string(), |p| String::from_utf8_lossy(p.name).into_owned()));
        let user = uid_of(row.extras.text());
        let no_peer = any(&row.peer.host) && matches!(row.peer.port, Some(SsPort::Any) | None);
        Sock {
            proto,
            tcp,
            local_host: host(&row.local.host),
            local_port: port(&row.local.port),
            any_local: any(&row.local.host),
            foreign_host: Some(host(&row.peer.host)),
            foreign_port: port(&row.peer.port),
            no_peer,
            // ss shows a listener's maximum backlog as its Send-Q: not bytes waiting.
            send_q: if state == "LISTEN" { Some(0) } else { row.send_q },
            state,
            recv_q: row.recv_q,
            program,
            pid: first.map(|p| p.pid),
            user,
        }
    }

    fn is_listener(&self) -> bool {
        self.state == "LISTEN" || (self.state == "UNCONN" && !self.tcp && self.no_peer && self.proto.starts_with("udp"))
    }
}

/// The `uid:N` of ss's extras.
fn uid_of(extras: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(extras, b"uid:")?;
    if at > 0 && !extras[at - 1].is_ascii_whitespace() {
        return None;
    }
    let digits: Vec<u8> = extras[at + 4..].iter().take_while(|b| b.is_ascii_digit()).copied().collect();
    (!digits.is_empty()).then(|| String::from_utf8_lossy(&digits).into_owned())
}

fn host_text(h: &Host<'_>) -> String {
    match h {
        Host::Ip(ip) => ip.to_string(),
        Host::Any => "*".to_string(),
        Host::Name(n) | Host::Truncated(n) => (*n).to_string(),
    }
}

fn host_is_any(h: &Host<'_>) -> bool {
    match h {
        Host::Ip(ip) => ip.is_unspecified(),
        Host::Any => true,
        _ => false,
    }
}

fn port_text(p: &Port<'_>) -> String {
    match p {
        Port::Number(n) => n.to_string(),
        Port::Any => "*".to_string(),
        Port::Name(n) => (*n).to_string(),
    }
}

/// `address:port`, with brackets around an IPv6 address.
pub(super) fn join(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

impl ConnCapture {
    fn add(&mut self, s: &Sock, limits: Limits) {
        self.total += 1;
        *self.by_state.entry(s.state.clone()).or_insert(0) += 1;
        if s.tcp {
            *self.tcp_by_state.entry(s.state.clone()).or_insert(0) += 1;
        }
        let program = s.program.clone().unwrap_or_else(|| "?".to_string());
        match s.program.as_deref() {
            None => self.no_program_column += 1,
            // A TIME_WAIT socket belongs to no process any more.
            Some("-") if s.state != "TIME_WAIT" => self.hidden_program += 1,
            Some(_) => {}
        }
        if s.is_listener() {
            if self.listeners.len() < limits.listeners {
                self.listeners.push(Listener {
                    proto: s.proto.clone(),
                    address: s.local_host.clone(),
                    port: s.local_port.clone(),
                    program: program.clone(),
                    pid: s.pid,
                    user: s.user.clone(),
                    all_addresses: s.any_local,
                });
            } else {
                self.listeners_omitted += 1;
            }
        } else if !s.no_peer {
            self.programs.add(&program, limits.top_keys);
            if let Some(peer) = &s.foreign_host {
                self.peers.add(peer, limits.top_keys);
            }
        }
        match s.state.as_str() {
            "TIME_WAIT" => {
                let peer = join(s.foreign_host.as_deref().unwrap_or("*"), &s.foreign_port);
                self.time_wait.add(&peer, limits.top_keys);
            }
            "CLOSE_WAIT" => {
                let key = format!("{program} (local port {})", s.local_port);
                self.close_wait.add(&key, limits.top_keys);
            }
            _ => {}
        }
        let (recv_q, send_q) = (s.recv_q.unwrap_or(0), s.send_q.unwrap_or(0));
        if recv_q > 0 || send_q > 0 {
            self.nonzero_queues += 1;
            let size = recv_q.max(send_q);
            let at = self.queues.partition_point(|q| q.recv_q.max(q.send_q) >= size);
            if at < limits.queues {
                self.queues.insert(
                    at,
                    Queued {
                        proto: s.proto.clone(),
                        local: join(&s.local_host, &s.local_port),
                        foreign: join(s.foreign_host.as_deref().unwrap_or("*"), &s.foreign_port),
                        state: s.state.clone(),
                        recv_q,
                        send_q,
                        program,
                    },
                );
                self.queues.truncate(limits.queues);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_is_exact_below_its_cap_and_says_when_it_is_not() {
        let mut k = TopK::default();
        for key in ["a", "b", "a", "c", "a", "b"] {
            k.add(key, 3);
        }
        assert_eq!(k.top(2), vec![("a".to_string(), 3), ("b".to_string(), 2)]);
        assert!(!k.approximate);
        k.add("d", 3);
        assert!(k.approximate);
        assert_eq!(k.total(), 7);
    }

    #[test]
    fn a_capture_of_many_sockets_keeps_only_what_the_limits_allow() {
        use crate::{Format, PushParser};
        let mut input = String::from(
            "Active Internet connections (servers and established)\n\
             Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n",
        );
        for i in 0..3000u32 {
            let (a, b) = (i / 250, i % 250);
            input.push_str(&format!(
                "tcp        0      0 0.0.0.0:{}            0.0.0.0:*               LISTEN     \n",
                1000 + i
            ));
            input.push_str(&format!(
                "tcp        {}      0 10.0.0.1:22             10.{a}.{b}.1:40000         ESTABLISHED\n",
                i + 1
            ));
        }
        let limits = Limits { top_keys: 100, listeners: 10, queues: 5, points: 4, counters: 10 };
        let mut report = Report::with_limits(limits);
        let mut parser = PushParser::new(Format::Netstat);
        let mut sink = |ev: Event<'_>| report.event("big", &ev);
        parser.feed(input.as_bytes(), &mut sink);
        parser.finish(&mut sink);
        let summary = report.finish();
        let l = summary.listeners.expect("listeners");
        assert_eq!((l.rows.len(), l.omitted), (10, 2990));
        let c = summary.connections.expect("connections");
        assert_eq!(c.total, 6000);
        // 3000 distinct peers counted in 100 slots: approximate, and said so.
        assert!(c.approximate);
        assert_eq!(c.nonzero_queues, 3000);
        let recv: Vec<u64> = c.queues.iter().map(|q| q.recv_q).collect();
        assert_eq!(recv, vec![3000, 2999, 2998, 2997, 2996]);
    }

    #[test]
    fn a_long_series_is_halved_and_keeps_its_last_point() {
        let mut s = Series::default();
        for n in 1..=9u32 {
            s.push(Point { capture: n, time: None }, [("x", i128::from(n))].into_iter(), 4);
        }
        s.finish();
        // 8 points reached twice the cap of 4: halved to captures 1 3 5 7, then every other
        // capture (9); the last capture is the last point.
        let kept: Vec<u32> = s.points.iter().map(|p| p.capture).collect();
        assert_eq!(kept, vec![1, 3, 5, 7, 9]);
        assert_eq!(s.get("x").unwrap(), &[Some(1), Some(3), Some(5), Some(7), Some(9)]);
        assert_eq!(s.thinned, 1);
        // Thinned again at 8 points (captures 1 … 15), then every fourth; 18 ends it.
        for n in 10..=18u32 {
            s.push(Point { capture: n, time: None }, [("x", i128::from(n))].into_iter(), 4);
        }
        s.finish();
        let kept: Vec<u32> = s.points.iter().map(|p| p.capture).collect();
        assert_eq!(kept, vec![1, 5, 9, 13, 17, 18]);
        assert_eq!(s.thinned, 2);
    }
}
