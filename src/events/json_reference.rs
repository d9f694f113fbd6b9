//! The events' JSON written the plain way, member by member through [`Object`]: the
//! definition the writer of [`super::json`] is held to. That writer copies constant runs
//! whole (`","value":`), skips the escaping pass where a field's plainness is known from its
//! line's, and ([`super::json::EventWriter`]) copies the runs a values line's counters
//! share; tests (`tests/json_writer.rs`, the proptests there) and every fuzz target check
//! that it writes exactly these bytes. Slower; the CLI does not use it.

use super::json::{kernel_inet, more_addresses, other_members, string_list, timer, unix_kernel, HEADS};
use super::{Counter, Event, EventKind, InetConn, SsSocket, UnixSocket};
use crate::json::{self, Object};
use crate::key;
use netsift_grammar::netstat::{Endpoint, Host, InetState, Owner, Port, Proto, User};
use netsift_grammar::ss::{Endpoint as SsEndpoint, Host as SsHost, Port as SsPort};

/// Append one event as a JSON object (no newline): the bytes of
/// [`write_event`](super::json::write_event), written member by member.
///
/// ```
/// use netsift::events::json::write_event;
/// use netsift::events::json_reference::write_event_reference;
/// use netsift::{Event, Format, PushParser};
///
/// let mut parser = PushParser::new(Format::NetstatS);
/// let mut sink = |ev: Event<'_>| {
///     let (mut fast, mut plain) = (Vec::new(), Vec::new());
///     write_event(&mut fast, &ev);
///     write_event_reference(&mut plain, &ev);
///     assert_eq!(fast, plain);
/// };
/// parser.feed(b"Tcp:\n    9 active connection openings\n", &mut sink);
/// parser.finish(&mut sink);
/// ```
pub fn write_event_reference(out: &mut Vec<u8>, event: &Event<'_>) {
    out.extend_from_slice(HEADS[event.kind.index()].as_bytes());
    json::uint(out, event.at.line);
    out.extend_from_slice(key!("offset").with_comma());
    json::uint(out, event.at.offset);
    out.extend_from_slice(key!("capture").with_comma());
    json::uint(out, u64::from(event.capture));
    let mut o = Object::after_members(out);
    match &event.kind {
        EventKind::InetConn(c) => inet_conn(&mut o, c),
        EventKind::UnixSocket(u) => unix_socket(&mut o, u),
        EventKind::SsSocket(s) => ss_socket(&mut o, s),
        EventKind::Counter(c) => counter(&mut o, c),
        other => other_members(&mut o, other),
    }
    o.end();
}

fn address(o: &mut Object<'_>, text: &[u8], family: &'static str) {
    o.bytes(key!("address"), text);
    o.word(key!("family"), family);
}

/// An IP address as `address`/`family`.
fn ip_address(o: &mut Object<'_>, ip: std::net::IpAddr) {
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
        more_addresses(o, c);
    }
    o.bytes(key!("raw"), c.line);
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
        unix_kernel(o.member(key!("kernel")), k);
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

/// The fields of an `ss_socket` event.
fn ss_socket(o: &mut Object<'_>, s: &SsSocket<'_>) {
    let r = &s.row;
    match r.netid {
        Some(n) => o.bytes(key!("netid"), n.name()),
        None => o.null(key!("netid")),
    }
    if r.sctp_assoc {
        o.bool(key!("sctp_assoc"), true);
    }
    match r.state {
        Some(st) => o.bytes(key!("state"), st.name()),
        None => o.null(key!("state")),
    }
    for (name, q) in [(key!("recv_q"), r.recv_q), (key!("send_q"), r.send_q)] {
        match q {
            Some(q) => o.uint(name, q),
            None => o.null(name),
        }
    }
    ss_endpoint(o.member(key!("local")), &r.local);
    ss_endpoint(o.member(key!("peer")), &r.peer);
    match r.process {
        Some(users) => {
            let list = o.member(key!("process"));
            list.push(b'[');
            for (i, p) in users.iter().enumerate() {
                if i > 0 {
                    list.push(b',');
                }
                let mut e = Object::new(list);
                e.bytes(key!("name"), p.name);
                e.uint(key!("pid"), u64::from(p.pid));
                e.uint(key!("fd"), u64::from(p.fd));
                if let Some(tid) = p.tid {
                    e.uint(key!("tid"), u64::from(tid));
                }
                if let Some(ctx) = p.proc_ctx {
                    e.bytes(key!("proc_ctx"), ctx);
                }
                if let Some(ctx) = p.sock_ctx {
                    e.bytes(key!("sock_ctx"), ctx);
                }
                e.end();
            }
            list.push(b']');
            if users.truncated() {
                o.bool(key!("process_truncated"), true);
            }
        }
        None => o.null(key!("process")),
    }
    super::json_ss::extras(o.member(key!("extras")), r.extras);
    if !s.info.is_empty() {
        let list = o.member(key!("info"));
        list.push(b'[');
        for (i, line) in s.info.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                list.push(b',');
            }
            json::string(list, line);
        }
        list.push(b']');
        super::json_ss::extras(o.member(key!("info_extras")), s.info_extras().flatten());
    }
    o.bytes(key!("raw"), r.line);
}

/// An ss endpoint as an object.
fn ss_endpoint(out: &mut Vec<u8>, e: &SsEndpoint<'_>) {
    let mut o = Object::new(out);
    match e.host {
        SsHost::Ip(ip) => ip_address(&mut o, ip),
        SsHost::Any => address(&mut o, b"*", "any"),
        SsHost::Name(n) => address(&mut o, n, "name"),
        SsHost::Path(p) => address(&mut o, p, "path"),
        SsHost::Other(t) => address(&mut o, t, "other"),
    }
    if let Some(iface) = e.iface {
        o.bytes(key!("iface"), iface);
    }
    match e.port {
        Some(SsPort::Number(n)) => o.uint(key!("port"), u64::from(n)),
        Some(SsPort::Any) => o.str(key!("port"), "*"),
        Some(SsPort::Name(n)) => o.bytes(key!("port"), n),
        None => {}
    }
    if let Some(inode) = e.inode {
        o.uint(key!("inode"), inode);
    }
    o.end();
}
