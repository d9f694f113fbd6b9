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
use crate::key;
use netsift_grammar::netstat::{Endpoint, Host, InetState, Owner, Port, Proto, Timer, TimerKind, User};
use netsift_grammar::netstat_agn::Group;
use netsift_grammar::proc_inet::{KernelExtra, KernelInet};

/// Append one event as a JSON object (no newline).
pub fn write_event(out: &mut Vec<u8>, event: &Event<'_>) {
    // The fixed head of every event, then its position, in as few copies as it takes.
    out.extend_from_slice(HEADS[event.kind.index()].as_bytes());
    json::uint(out, event.at.line);
    out.extend_from_slice(key!("offset").with_comma());
    json::uint(out, event.at.offset);
    out.extend_from_slice(key!("capture").with_comma());
    json::uint(out, u64::from(event.capture));
    let mut o = Object::after_members(out);
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

/// `{"kind":"…","line":` for each kind, in the order of [`EventKind::NAMES`].
const HEADS: [&str; 9] = [
    r#"{"kind":"section","line":"#,
    r#"{"kind":"inet_conn","line":"#,
    r#"{"kind":"unix_socket","line":"#,
    r#"{"kind":"ss_socket","line":"#,
    r#"{"kind":"counter","line":"#,
    r#"{"kind":"interface","line":"#,
    r#"{"kind":"membership","line":"#,
    r#"{"kind":"notice","line":"#,
    r#"{"kind":"malformed","line":"#,
];

fn section(o: &mut Object<'_>, s: &Section<'_>) {
    o.word(key!("table"), s.table.name());
    match s.netstat_title().and_then(|t| t.c_text()) {
        Some(t) => o.str(key!("title"), t),
        None => o.null(key!("title")),
    }
    o.word(key!("lang"), s.lang.code());
    if !s.name.is_empty() {
        o.bytes(key!("name"), s.name);
    }
    match s.header {
        Some(h) => o.bytes(key!("header"), h),
        None => o.null(key!("header")),
    }
    write_columns(o.member(key!("columns")), s.columns);
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
pub(super) fn address(o: &mut Object<'_>, text: &[u8], family: &'static str) {
    o.bytes(key!("address"), text);
    o.word(key!("family"), family);
}

/// An IP address as `address`/`family`.
pub(super) fn ip_address(o: &mut Object<'_>, ip: std::net::IpAddr) {
    o.ip(key!("address"), ip);
    o.word(key!("family"), if ip.is_ipv4() { "ipv4" } else { "ipv6" });
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
        Port::Number(n) => o.uint(key!("port"), u64::from(n)),
        Port::Any => o.str(key!("port"), "*"),
        Port::Name(n) => o.str(key!("port"), n),
    }
    if e.maybe_truncated {
        o.bool(key!("maybe_truncated"), true);
    }
    o.end();
}

fn owner(o: &mut Object<'_>, owner: Option<Owner<'_>>) {
    match owner {
        None => {}
        Some(Owner::Hidden) => {
            o.null(key!("pid"));
            o.null(key!("program"));
        }
        Some(Owner::Process { pid, name }) => {
            o.uint(key!("pid"), u64::from(pid));
            o.bytes(key!("program"), name);
        }
        Some(Owner::Other(text)) => {
            o.null(key!("pid"));
            o.null(key!("program"));
            o.bytes(key!("owner_text"), text);
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
        TimerKind::Unknown(n) => o.display(key!("kind"), format_args!("unkn-{n}")),
        _ => o.word(key!("kind"), word),
    }
    if t.kind == TimerKind::Other {
        o.bytes(key!("word"), t.word);
    }
    o.int(key!("expires_ms"), t.expires_ms);
    o.uint(key!("retransmits"), t.retransmits);
    o.uint(key!("probes"), t.probes);
    o.end();
}

fn inet_conn(o: &mut Object<'_>, c: &InetConn<'_>) {
    match c.proto {
        // A kernel table read without its file's name: the protocol is not written anywhere.
        Proto::Unknown => o.null(key!("proto")),
        p => o.word(key!("proto"), p.as_str()),
    }
    match c.recv_q {
        Some(q) => o.uint(key!("recv_q"), q),
        None => o.null(key!("recv_q")),
    }
    match c.send_q {
        Some(q) => o.uint(key!("send_q"), q),
        None => o.null(key!("send_q")),
    }
    endpoint(o.member(key!("local")), &c.local);
    match &c.foreign {
        Some(f) => endpoint(o.member(key!("foreign")), f),
        None => o.null(key!("foreign")),
    }
    match c.state {
        InetState::Empty => o.null(key!("state")),
        InetState::Known(s) => o.word(key!("state"), s.as_str()),
        InetState::Kernel(n) => o.uint(key!("state"), u64::from(n)),
        InetState::Other(w) => o.bytes(key!("state"), w),
    }
    match c.user {
        None => {}
        Some(User::Uid(uid)) => o.uint(key!("user"), u64::from(uid)),
        Some(User::Name(n)) => o.bytes(key!("user"), n),
    }
    if let Some(inode) = c.inode {
        o.uint(key!("inode"), inode);
    }
    owner(o, c.owner);
    if let Some(t) = &c.timer {
        timer(o.member(key!("timer")), t);
    }
    if let Some(k) = &c.kernel {
        kernel_inet(o.member(key!("kernel")), k);
    }
    // A multi-homed sctp row: the addresses of its continuation lines.
    if memchr::memchr(b'\n', c.line).is_some() {
        let list = o.member(key!("more_addresses"));
        list.push(b'[');
        for (i, (local, foreign)) in netsift_grammar::netstat::more_addresses(c).enumerate() {
            if i > 0 {
                list.push(b',');
            }
            let mut a = Object::new(list);
            match local {
                Some(l) => a.bytes(key!("local"), l),
                None => a.null(key!("local")),
            }
            match foreign {
                Some(f) => a.bytes(key!("foreign"), f),
                None => a.null(key!("foreign")),
            }
            a.end();
        }
        list.push(b']');
    }
    o.bytes(key!("raw"), c.line);
}

/// The fields of a `/proc/net/{tcp,udp,…}` row that netstat does not print.
fn kernel_inet(out: &mut Vec<u8>, k: &KernelInet) {
    let mut o = Object::new(out);
    o.uint(key!("slot"), k.slot);
    o.uint(key!("state_code"), u64::from(k.state_code));
    o.uint(key!("timer_code"), u64::from(k.timer_code));
    o.int(key!("when_ticks"), k.when_ticks);
    o.uint(key!("retransmits"), k.retransmits);
    o.uint(key!("timeout"), k.timeout);
    match k.refcount {
        Some(r) => o.uint(key!("refcount"), r),
        None => o.null(key!("refcount")),
    }
    // A kernel address as the kernel prints it: a 64-bit number is not exact in JSON readers.
    match k.pointer {
        Some(p) => o.display(key!("pointer"), format_args!("{p:016x}")),
        None => o.null(key!("pointer")),
    }
    match k.extra {
        KernelExtra::None => {}
        KernelExtra::Tcp { rto, ato, quick_pingpong, cwnd, ssthresh } => {
            o.uint(key!("rto"), rto);
            o.uint(key!("ato"), ato);
            o.uint(key!("quick_pingpong"), quick_pingpong);
            o.uint(key!("cwnd"), cwnd);
            o.int(key!("ssthresh"), ssthresh);
        }
        KernelExtra::Dgram { drops } => o.uint(key!("drops"), drops),
    }
    o.end();
}

fn unix_socket(o: &mut Object<'_>, u: &UnixSocket<'_>) {
    o.uint(key!("refcnt"), u.refcnt);
    let flags = [(u.flags.accepting, "ACC"), (u.flags.wait_data, "W"), (u.flags.no_space, "N")];
    string_list(o.member(key!("flags")), flags.into_iter().filter(|(set, _)| *set).map(|(_, name)| name));
    o.bytes(key!("type"), u.sock_type.word());
    let state = u.state.word();
    match state {
        Some(s) => o.bytes(key!("state"), s),
        None => o.null(key!("state")),
    }
    match u.inode {
        Some(i) => o.uint(key!("inode"), i),
        None => o.null(key!("inode")),
    }
    owner(o, u.owner);
    o.bytes(key!("path"), u.path);
    if let Some(k) = &u.kernel {
        let mut ko = Object::new(o.member(key!("kernel")));
        ko.display(key!("pointer"), format_args!("{:016x}", k.pointer));
        ko.uint(key!("protocol"), k.protocol);
        ko.uint(key!("flags"), k.flags);
        ko.uint(key!("type_code"), k.type_code);
        ko.uint(key!("state_code"), k.state_code);
        ko.end();
    }
    o.bytes(key!("raw"), u.line);
}

fn counter(o: &mut Object<'_>, c: &Counter<'_>) {
    o.word(key!("source"), c.source.name());
    o.bytes(key!("section"), c.section);
    match c.name {
        Some(n) => o.bytes(key!("name"), n),
        None => o.null(key!("name")),
    }
    if let Some(t) = c.subtable {
        o.bytes(key!("subtable"), t);
    }
    // Values beyond 2^53 stay exact: JSON numbers are text, and netsift writes every digit.
    json::i128(o.member(key!("value")), c.value);
    o.bytes(key!("text"), c.text);
    // A /proc values line holds every counter of its section: its position says which
    // value this is, where repeating the line for each counter would multiply the output.
    match c.position {
        Some(p) => o.uint(key!("position"), u64::from(p)),
        None => o.bytes(key!("raw"), c.line),
    }
    if let Some(rate) = c.rate {
        json::float(o.member(key!("rate")), rate);
    }
}

fn interface(o: &mut Object<'_>, i: &Interface<'_>) {
    o.bytes(key!("iface"), i.iface);
    match i.mtu {
        Some(mtu) => o.uint(key!("mtu"), mtu),
        None => o.null(key!("mtu")),
    }
    if let Some(m) = i.metric {
        o.uint(key!("metric"), m);
    }
    match &i.stats {
        Some(st) => {
            for (name, v) in [
                (key!("rx_ok"), st.rx_ok),
                (key!("rx_err"), st.rx_err),
                (key!("rx_drp"), st.rx_drp),
                (key!("rx_ovr"), st.rx_ovr),
                (key!("tx_ok"), st.tx_ok),
                (key!("tx_err"), st.tx_err),
                (key!("tx_drp"), st.tx_drp),
                (key!("tx_ovr"), st.tx_ovr),
            ] {
                o.uint(name, v);
            }
        }
        None => o.null(key!("stats")),
    }
    // /proc/net/dev's counters beyond netstat -i's eight.
    if let Some(dev) = &i.dev {
        for (name, v) in [
            (key!("rx_bytes"), dev.rx_bytes),
            (key!("rx_frame"), dev.rx_frame),
            (key!("rx_compressed"), dev.rx_compressed),
            (key!("rx_multicast"), dev.rx_multicast),
            (key!("tx_bytes"), dev.tx_bytes),
            (key!("tx_colls"), dev.tx_colls),
            (key!("tx_carrier"), dev.tx_carrier),
            (key!("tx_compressed"), dev.tx_compressed),
        ] {
            match v {
                Some(v) => o.uint(name, v),
                None => o.null(name),
            }
        }
    }
    match i.flags {
        Some(flags) => {
            let list = o.member(key!("flags"));
            list.push(b'[');
            for (k, name) in flags.names().enumerate() {
                if k > 0 {
                    list.push(b',');
                }
                json::string(list, name.as_bytes());
            }
            list.push(b']');
        }
        None => o.null(key!("flags")),
    }
    o.bytes(key!("flags_text"), i.flags_text);
    o.bytes(key!("raw"), i.line);
}

fn membership(o: &mut Object<'_>, m: &Membership<'_>) {
    o.bytes(key!("interface"), m.interface);
    o.uint(key!("refcnt"), m.refcnt);
    match m.group {
        Group::Ip(ip) => {
            o.ip(key!("group"), ip);
            o.word(key!("family"), if ip.is_ipv4() { "ipv4" } else { "ipv6" });
        }
        Group::Name(n) => {
            o.bytes(key!("group"), n);
            o.word(key!("family"), "name");
        }
    }
    o.bytes(key!("raw"), m.line);
}

fn notice(o: &mut Object<'_>, n: &Notice<'_>) {
    o.word(key!("notice"), n.kind.name());
    o.bytes(key!("text"), n.text);
}

fn malformed(o: &mut Object<'_>, m: &Malformed<'_>) {
    o.uint(key!("column"), m.column() as u64);
    o.str(key!("reason"), &m.reason());
    o.bytes(key!("raw"), m.raw);
}

#[cfg(test)]
mod tests {
    use super::{EventKind, HEADS};

    #[test]
    fn heads_name_every_kind() {
        assert_eq!(HEADS.len(), EventKind::NAMES.len());
        for (head, name) in HEADS.iter().zip(EventKind::NAMES) {
            assert_eq!(*head, format!(r#"{{"kind":"{name}","line":"#));
        }
    }
}
