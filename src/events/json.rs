//! Events as JSON objects: the `netsift events` contract.
//!
//! Every object has `kind` (snake_case), `line` (1-based), `offset` (bytes from the start of
//! the input) and `capture` (from 1), then the event's own fields. Typed values are typed
//! (numbers as numbers, `null` where nothing was printed); `raw` holds the line as printed.
//! Bytes that are not UTF-8 follow the convention of [`crate::json`].

use super::{
    Columns, Counter, Event, EventKind, InetConn, Interface, Malformed, Membership, Notice, Section, UnixSocket,
};
use crate::json::{self, Object};
use netsift_grammar::netstat::{
    Endpoint, Host, InetState, Owner, Port, Proto, Timer, TimerKind, UnixState, UnixType, User,
};
use netsift_grammar::netstat_agn::Group;
use netsift_grammar::proc_inet::{KernelExtra, KernelInet};

/// Append one event as a JSON object (no newline).
pub fn write_event(out: &mut Vec<u8>, event: &Event<'_>) {
    let mut o = Object::new(out);
    o.str("kind", event.kind.name());
    o.uint("line", event.at.line);
    o.uint("offset", event.at.offset);
    o.uint("capture", u64::from(event.capture));
    match &event.kind {
        EventKind::Section(s) => section(&mut o, s),
        EventKind::InetConn(c) => inet_conn(&mut o, c),
        EventKind::UnixSocket(u) => unix_socket(&mut o, u),
        EventKind::SsSocket(s) => super::json_ss::ss_socket(&mut o, s),
        EventKind::Counter(c) => counter(&mut o, c),
        EventKind::Interface(i) => interface(&mut o, i),
        EventKind::Membership(m) => membership(&mut o, m),
        EventKind::Notice(n) => notice(&mut o, n),
        EventKind::Malformed(m) => malformed(&mut o, m),
    }
    o.end();
}

fn section(o: &mut Object<'_>, s: &Section<'_>) {
    o.str("table", s.table.name());
    match s.netstat_title().and_then(|t| t.c_text()) {
        Some(t) => o.str("title", t),
        None => o.null("title"),
    }
    o.str("lang", s.lang.code());
    if !s.name.is_empty() {
        o.bytes("name", s.name);
    }
    match s.header {
        Some(h) => o.bytes("header", h),
        None => o.null("header"),
    }
    write_columns(o.member("columns"), s.columns);
}

/// The names of the columns a header announced, as the C tools print them, as a JSON array.
fn write_columns(out: &mut Vec<u8>, columns: Columns) {
    use netsift_grammar::{netstat::InetCol, netstat::UnixCol, netstat_i::IfaceCol, ss::SsCol};
    match columns {
        Columns::Inet(l) => string_list(out, InetCol::present(l).map(InetCol::c_name)),
        Columns::Unix(l) => string_list(
            out,
            UnixCol::ALL.into_iter().filter(|&c| l.program || c != UnixCol::Program).map(UnixCol::c_name),
        ),
        Columns::Interfaces(l) => string_list(
            out,
            IfaceCol::ALL.into_iter().filter(|&c| l.metric || c != IfaceCol::Met).map(IfaceCol::c_name),
        ),
        Columns::Memberships => string_list(out, ["Interface", "RefCnt", "Group"]),
        Columns::Ss(c) => {
            let shown = |col: &SsCol| match col {
                SsCol::Netid => c.netid,
                SsCol::State => c.state,
                SsCol::RecvQ | SsCol::SendQ => c.queues,
                _ => true,
            };
            string_list(out, SsCol::ALL.into_iter().filter(shown).map(SsCol::c_name))
        }
        Columns::Counters | Columns::Other => string_list(out, []),
        Columns::ProcNetDev(l) => string_list(out, std::iter::once("face").chain(l.columns().iter().map(|c| c.name()))),
    }
}

/// A JSON array of strings.
fn string_list<'s>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'s str>) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json::string(out, item.as_bytes());
    }
    out.push(b']');
}

/// `"address"` and its `"family"` (`ipv4`, `ipv6`, `any`, `name`, …), for every
/// endpoint form of every format.
pub(super) fn address(o: &mut Object<'_>, text: &[u8], family: &str) {
    o.bytes("address", text);
    o.str("family", family);
}

/// An IP address as `address`/`family`.
pub(super) fn ip_address(o: &mut Object<'_>, ip: std::net::IpAddr) {
    o.ip("address", ip);
    o.str("family", if ip.is_ipv4() { "ipv4" } else { "ipv6" });
}

fn endpoint(out: &mut Vec<u8>, e: &Endpoint<'_>) {
    let mut o = Object::new(out);
    match e.host {
        Host::Ip(ip) => ip_address(&mut o, ip),
        Host::Any => address(&mut o, b"*", "any"),
        Host::Name(n) => address(&mut o, n.as_bytes(), "name"),
        Host::Truncated(t) => address(&mut o, t.as_bytes(), "truncated"),
    }
    match e.port {
        Port::Number(n) => o.uint("port", u64::from(n)),
        Port::Any => o.str("port", "*"),
        Port::Name(n) => o.str("port", n),
    }
    if e.maybe_truncated {
        o.bool("maybe_truncated", true);
    }
    o.end();
}

fn owner(o: &mut Object<'_>, owner: Option<Owner<'_>>) {
    match owner {
        None => {}
        Some(Owner::Hidden) => {
            o.null("pid");
            o.null("program");
        }
        Some(Owner::Process { pid, name }) => {
            o.uint("pid", u64::from(pid));
            o.bytes("program", name);
        }
        Some(Owner::Other(text)) => {
            o.null("pid");
            o.null("program");
            o.bytes("owner_text", text);
        }
    }
}

fn timer(out: &mut Vec<u8>, t: &Timer<'_>) {
    let mut o = Object::new(out);
    let word = match t.kind {
        TimerKind::Off => "off",
        TimerKind::On => "on",
        TimerKind::On1 => "on1",
        TimerKind::On2 => "on2",
        TimerKind::Keepalive => "keepalive",
        TimerKind::TimeWait => "timewait",
        TimerKind::Probe => "probe",
        TimerKind::Other => "other",
        TimerKind::Unknown(_) => "",
    };
    match t.kind {
        TimerKind::Unknown(n) => o.display("kind", format_args!("unkn-{n}")),
        _ => o.str("kind", word),
    }
    if t.kind == TimerKind::Other {
        o.bytes("word", t.word);
    }
    o.int("expires_ms", t.expires_ms);
    o.uint("retransmits", t.retransmits);
    o.uint("probes", t.probes);
    o.end();
}

fn inet_conn(o: &mut Object<'_>, c: &InetConn<'_>) {
    match c.proto {
        // A kernel table read without its file's name: the protocol is not written anywhere.
        Proto::Unknown => o.null("proto"),
        p => o.str("proto", p.as_str()),
    }
    match c.recv_q {
        Some(q) => o.uint("recv_q", q),
        None => o.null("recv_q"),
    }
    match c.send_q {
        Some(q) => o.uint("send_q", q),
        None => o.null("send_q"),
    }
    endpoint(o.member("local"), &c.local);
    match &c.foreign {
        Some(f) => endpoint(o.member("foreign"), f),
        None => o.null("foreign"),
    }
    match c.state {
        InetState::Empty => o.null("state"),
        InetState::Known(s) => o.str("state", s.as_str()),
        InetState::Kernel(n) => o.uint("state", u64::from(n)),
        InetState::Other(w) => o.bytes("state", w),
    }
    match c.user {
        None => {}
        Some(User::Uid(uid)) => o.uint("user", u64::from(uid)),
        Some(User::Name(n)) => o.bytes("user", n),
    }
    if let Some(inode) = c.inode {
        o.uint("inode", inode);
    }
    owner(o, c.owner);
    if let Some(t) = &c.timer {
        timer(o.member("timer"), t);
    }
    if let Some(k) = &c.kernel {
        kernel_inet(o.member("kernel"), k);
    }
    // A multi-homed sctp row: the addresses of its continuation lines.
    if memchr::memchr(b'\n', c.line).is_some() {
        let list = o.member("more_addresses");
        list.push(b'[');
        for (i, (local, foreign)) in netsift_grammar::netstat::more_addresses(c).enumerate() {
            if i > 0 {
                list.push(b',');
            }
            let mut a = Object::new(list);
            match local {
                Some(l) => a.bytes("local", l),
                None => a.null("local"),
            }
            match foreign {
                Some(f) => a.bytes("foreign", f),
                None => a.null("foreign"),
            }
            a.end();
        }
        list.push(b']');
    }
    o.bytes("raw", c.line);
}

/// The fields of a `/proc/net/{tcp,udp,…}` row that netstat does not print.
fn kernel_inet(out: &mut Vec<u8>, k: &KernelInet) {
    let mut o = Object::new(out);
    o.uint("slot", k.slot);
    o.uint("state_code", u64::from(k.state_code));
    o.uint("timer_code", u64::from(k.timer_code));
    o.int("when_ticks", k.when_ticks);
    o.uint("retransmits", k.retransmits);
    o.uint("timeout", k.timeout);
    match k.refcount {
        Some(r) => o.uint("refcount", r),
        None => o.null("refcount"),
    }
    // A kernel address as the kernel prints it: a 64-bit number is not exact in JSON readers.
    match k.pointer {
        Some(p) => o.display("pointer", format_args!("{p:016x}")),
        None => o.null("pointer"),
    }
    match k.extra {
        KernelExtra::None => {}
        KernelExtra::Tcp { rto, ato, quick_pingpong, cwnd, ssthresh } => {
            o.uint("rto", rto);
            o.uint("ato", ato);
            o.uint("quick_pingpong", quick_pingpong);
            o.uint("cwnd", cwnd);
            o.int("ssthresh", ssthresh);
        }
        KernelExtra::Dgram { drops } => o.uint("drops", drops),
    }
    o.end();
}

fn unix_socket(o: &mut Object<'_>, u: &UnixSocket<'_>) {
    o.uint("refcnt", u.refcnt);
    let flags = [(u.flags.accepting, "ACC"), (u.flags.wait_data, "W"), (u.flags.no_space, "N")];
    string_list(o.member("flags"), flags.into_iter().filter(|(set, _)| *set).map(|(_, name)| name));
    let ty: &[u8] = match u.sock_type {
        UnixType::Stream => b"STREAM",
        UnixType::Dgram => b"DGRAM",
        UnixType::Raw => b"RAW",
        UnixType::Rdm => b"RDM",
        UnixType::SeqPacket => b"SEQPACKET",
        UnixType::Unknown => b"UNKNOWN",
        UnixType::Other(w) => w,
    };
    o.bytes("type", ty);
    let state: Option<&[u8]> = match u.state {
        UnixState::Empty => None,
        UnixState::Free => Some(b"FREE"),
        UnixState::Listening => Some(b"LISTENING"),
        UnixState::Connecting => Some(b"CONNECTING"),
        UnixState::Connected => Some(b"CONNECTED"),
        UnixState::Disconnecting => Some(b"DISCONNECTING"),
        UnixState::Unknown => Some(b"UNKNOWN"),
        UnixState::Other(w) => Some(w),
    };
    match state {
        Some(s) => o.bytes("state", s),
        None => o.null("state"),
    }
    match u.inode {
        Some(i) => o.uint("inode", i),
        None => o.null("inode"),
    }
    owner(o, u.owner);
    o.bytes("path", u.path);
    if let Some(k) = &u.kernel {
        let mut ko = Object::new(o.member("kernel"));
        ko.display("pointer", format_args!("{:016x}", k.pointer));
        ko.uint("protocol", k.protocol);
        ko.uint("flags", k.flags);
        ko.uint("type_code", k.type_code);
        ko.uint("state_code", k.state_code);
        ko.end();
    }
    o.bytes("raw", u.line);
}

fn counter(o: &mut Object<'_>, c: &Counter<'_>) {
    o.str("source", c.source.name());
    o.bytes("section", c.section);
    match c.name {
        Some(n) => o.bytes("name", n),
        None => o.null("name"),
    }
    if let Some(t) = c.subtable {
        o.bytes("subtable", t);
    }
    // Values beyond 2^53 stay exact: JSON numbers are text, and netsift writes every digit.
    json::int(o.member("value"), c.value);
    o.bytes("text", c.text);
    // A /proc values line holds every counter of its section: its position says which
    // value this is, where repeating the line for each counter would multiply the output.
    match c.position {
        Some(p) => o.uint("position", u64::from(p)),
        None => o.bytes("raw", c.line),
    }
    if let Some(rate) = c.rate {
        json::float(o.member("rate"), rate);
    }
}

fn interface(o: &mut Object<'_>, i: &Interface<'_>) {
    o.bytes("iface", i.iface);
    match i.mtu {
        Some(mtu) => o.uint("mtu", mtu),
        None => o.null("mtu"),
    }
    if let Some(m) = i.metric {
        o.uint("metric", m);
    }
    match &i.stats {
        Some(st) => {
            for (name, v) in [
                ("rx_ok", st.rx_ok),
                ("rx_err", st.rx_err),
                ("rx_drp", st.rx_drp),
                ("rx_ovr", st.rx_ovr),
                ("tx_ok", st.tx_ok),
                ("tx_err", st.tx_err),
                ("tx_drp", st.tx_drp),
                ("tx_ovr", st.tx_ovr),
            ] {
                o.uint(name, v);
            }
        }
        None => o.null("stats"),
    }
    // /proc/net/dev's counters beyond netstat -i's eight.
    if let Some(dev) = &i.dev {
        for (name, v) in [
            ("rx_bytes", dev.rx_bytes),
            ("rx_frame", dev.rx_frame),
            ("rx_compressed", dev.rx_compressed),
            ("rx_multicast", dev.rx_multicast),
            ("tx_bytes", dev.tx_bytes),
            ("tx_colls", dev.tx_colls),
            ("tx_carrier", dev.tx_carrier),
            ("tx_compressed", dev.tx_compressed),
        ] {
            match v {
                Some(v) => o.uint(name, v),
                None => o.null(name),
            }
        }
    }
    match i.flags {
        Some(flags) => {
            let list = o.member("flags");
            list.push(b'[');
            for (k, name) in flags.names().enumerate() {
                if k > 0 {
                    list.push(b',');
                }
                json::string(list, name.as_bytes());
            }
            list.push(b']');
        }
        None => o.null("flags"),
    }
    o.bytes("flags_text", i.flags_text);
    o.bytes("raw", i.line);
}

fn membership(o: &mut Object<'_>, m: &Membership<'_>) {
    o.bytes("interface", m.interface);
    o.uint("refcnt", m.refcnt);
    match m.group {
        Group::Ip(ip) => {
            o.ip("group", ip);
            o.str("family", if ip.is_ipv4() { "ipv4" } else { "ipv6" });
        }
        Group::Name(n) => {
            o.bytes("group", n);
            o.str("family", "name");
        }
    }
    o.bytes("raw", m.line);
}

fn notice(o: &mut Object<'_>, n: &Notice<'_>) {
    o.str("notice", n.kind.name());
    o.bytes("text", n.text);
}

fn malformed(o: &mut Object<'_>, m: &Malformed<'_>) {
    o.uint("column", m.column() as u64);
    o.str("reason", &m.reason());
    o.bytes("raw", m.raw);
}
