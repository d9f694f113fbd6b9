//! ss sockets as JSON (see [`super::json`] for the common fields).
//!
//! ```text
//! {"kind":"ss_socket", …, "netid":"tcp","state":"ESTAB","recv_q":0,"send_q":0,
//!  "local":{"address":"127.0.0.1","family":"ipv4","port":40001},
//!  "peer":{"address":"127.0.0.1","family":"ipv4","port":51086},
//!  "process":[{"name":"sshd","pid":1231,"fd":3}],
//!  "extras":[{"key":"timer","value":{"kind":"keepalive","expires_ms":940,"retransmits":0}},
//!            {"key":"ino","value":8943},{"key":"<->","value":{"receive_shut":false,"send_shut":false}}],
//!  "info":["\t skmem:(r0,rb131072,…) ts sack …"],"info_extras":[…],
//!  "raw":"tcp   ESTAB …"}
//! ```
//!
//! - `netid`: the word ss prints (`tipc` for the four TIPC words); `null` without a Netid
//!   column and for an sctp association sub-row (which has `"sctp_assoc": true`).
//! - `state`: the word ss prints, `null` without a State column; `recv_q`, `send_q`:
//!   numbers, `null` without queue columns (`-Q`).
//! - `local`, `peer`: `address` and `family` (`ipv4`, `ipv6`, `any` for `*`, `name` for a
//!   host, netlink or packet protocol name, `path` for a unix path or abstract name,
//!   `other`), then `iface`, `port` (a number, `"*"`, or a name) and `inode` where printed.
//! - `process`: the `users:(…)` entries (`name` as bytes, `pid`, `fd`, and `tid`,
//!   `proc_ctx`, `sock_ctx` when printed); `null` when the row has no list;
//!   `"process_truncated": true` for a list cut by iproute2 < 3.14.
//! - `extras`, `info_extras`: `{"key", "value"}` in print order; a value is `true` for a
//!   bare flag, a number, `[a, b]` for a pair, `{"ms": n}` for a duration, `{"bps": x}`
//!   for a rate, an object for `timer:`, `skmem:`, a shutdown marker and other
//!   parenthesised groups, or the text as printed.
//! - `info`: the continuation lines as printed (each with its leading TAB).

use netsift_grammar::ss::{group_items, Endpoint, Extra, ExtraValue, Host, Port, TimerKind};

use super::json::{open_address, open_ip_address, put, uint_member};
use super::SsSocket;
use crate::json::{self, Object};
use crate::key;

/// The fields of an `ss_socket` event after the head, and its closing brace: written member
/// by member, the constant runs (`","state":"`) copied whole.
pub(super) fn ss_socket(out: &mut Vec<u8>, s: &SsSocket<'_>) {
    let r = &s.row;
    match r.netid {
        Some(n) => {
            put(out, br#","netid":""#);
            json::string_body(out, n.name());
            put(out, br#"""#);
        }
        None => put(out, br#","netid":null"#),
    }
    if r.sctp_assoc {
        put(out, br#","sctp_assoc":true"#);
    }
    match r.state {
        Some(st) => {
            put(out, br#","state":""#);
            json::string_body(out, st.name());
            put(out, br#"""#);
        }
        None => put(out, br#","state":null"#),
    }
    uint_member(out, br#","recv_q":"#, r.recv_q);
    uint_member(out, br#","send_q":"#, r.send_q);
    put(out, br#","local":"#);
    endpoint(out, &r.local);
    put(out, br#","peer":"#);
    endpoint(out, &r.peer);
    match r.process {
        Some(users) => {
            put(out, br#","process":["#);
            for (i, p) in users.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                put(out, br#"{"name":""#);
                json::string_body(out, p.name);
                put(out, br#"","pid":"#);
                json::uint(out, u64::from(p.pid));
                put(out, br#","fd":"#);
                json::uint(out, u64::from(p.fd));
                if let Some(tid) = p.tid {
                    put(out, br#","tid":"#);
                    json::uint(out, u64::from(tid));
                }
                if let Some(ctx) = p.proc_ctx {
                    put(out, br#","proc_ctx":""#);
                    json::string_body(out, ctx);
                    put(out, br#"""#);
                }
                if let Some(ctx) = p.sock_ctx {
                    put(out, br#","sock_ctx":""#);
                    json::string_body(out, ctx);
                    put(out, br#"""#);
                }
                out.push(b'}');
            }
            out.push(b']');
            if users.truncated() {
                put(out, br#","process_truncated":true"#);
            }
        }
        None => put(out, br#","process":null"#),
    }
    put(out, br#","extras":"#);
    // The extras start after the peer, where the users list usually is: it was read once
    // for `process`, and is not read again to be skipped.
    match r.process {
        Some(users) => extras(out, r.extras.skipping_users(&users)),
        None => extras(out, r.extras),
    }
    if !s.info.is_empty() {
        put(out, br#","info":["#);
        for (i, line) in s.info.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json::string(out, line);
        }
        put(out, br#"],"info_extras":"#);
        extras(out, s.info_extras().flatten());
    }
    put(out, br#","raw":""#);
    json::long_string_body(out, r.line);
    put(out, br#""}"#);
}

/// An endpoint as an object: `address`, `family`, then `iface`, `port`, `inode` where printed.
fn endpoint(out: &mut Vec<u8>, e: &Endpoint<'_>) {
    match e.host {
        Host::Ip(ip) => open_ip_address(out, ip),
        Host::Any => put(out, br#"{"address":"*","family":"any""#),
        Host::Name(n) => open_address(out, n, br#"","family":"name""#),
        Host::Path(p) => open_address(out, p, br#"","family":"path""#),
        Host::Other(t) => open_address(out, t, br#"","family":"other""#),
    }
    if let Some(iface) = e.iface {
        put(out, br#","iface":""#);
        json::string_body(out, iface);
        put(out, br#"""#);
    }
    match e.port {
        Some(Port::Number(n)) => {
            put(out, br#","port":"#);
            json::uint(out, u64::from(n));
        }
        Some(Port::Any) => put(out, br#","port":"*""#),
        Some(Port::Name(n)) => {
            put(out, br#","port":""#);
            json::string_body(out, n);
            put(out, br#"""#);
        }
        None => {}
    }
    if let Some(inode) = e.inode {
        put(out, br#","inode":"#);
        json::uint(out, inode);
    }
    out.push(b'}');
}

/// A list of extras as `[{"key": …, "value": …}, …]`.
pub(super) fn extras<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = Extra<'a>>) {
    out.push(b'[');
    for (i, e) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let mut o = Object::new(out);
        o.bytes(key!("key"), e.key);
        extra_value(o.member(key!("value")), &e);
        o.end();
    }
    out.push(b']');
}

fn float(out: &mut Vec<u8>, v: f64, text: &[u8]) {
    if v.is_finite() {
        use std::io::Write as _;
        // Writing into a Vec cannot fail.
        let _ = write!(out, "{v}");
    } else {
        json::string(out, text);
    }
}

fn extra_value(out: &mut Vec<u8>, e: &Extra<'_>) {
    match e.value {
        ExtraValue::Flag => out.extend_from_slice(b"true"),
        ExtraValue::Shutdown(s) => {
            let mut o = Object::new(out);
            o.bool(key!("receive_shut"), s.receive_shut);
            o.bool(key!("send_shut"), s.send_shut);
            o.end();
        }
        ExtraValue::Int(n) | ExtraValue::Hex(n) => json::uint(out, n),
        ExtraValue::Float(f) => float(out, f, e.text),
        ExtraValue::Pair(a, b) => {
            out.push(b'[');
            float(out, a, e.text);
            out.push(b',');
            float(out, b, e.text);
            out.push(b']');
        }
        ExtraValue::Duration(ms) => {
            let mut o = Object::new(out);
            o.uint(key!("ms"), ms);
            o.end();
        }
        ExtraValue::Rate(bps) => {
            let mut o = Object::new(out);
            float(o.member(key!("bps")), bps, e.text);
            o.end();
        }
        ExtraValue::Timer(t) => {
            let mut o = Object::new(out);
            let kind = match t.kind {
                TimerKind::Off => "off",
                TimerKind::On => "on",
                TimerKind::Keepalive => "keepalive",
                TimerKind::TimeWait => "timewait",
                TimerKind::Persist => "persist",
                TimerKind::Delack => "delack",
                TimerKind::T3Rtx => "T3_RTX",
                TimerKind::Unknown => "unknown",
                TimerKind::Other => "other",
            };
            o.str(key!("kind"), kind);
            if t.kind == TimerKind::Other {
                o.bytes(key!("name"), t.name);
            }
            match t.expires_ms {
                Some(ms) => o.uint(key!("expires_ms"), ms),
                None => o.null(key!("expires_ms")),
            }
            o.uint(key!("retransmits"), t.retransmits);
            o.end();
        }
        ExtraValue::SkMem(m) => {
            let mut o = Object::new(out);
            for (k, v) in [
                (key!("r"), m.rmem_alloc),
                (key!("rb"), m.rcvbuf),
                (key!("t"), m.wmem_alloc),
                (key!("tb"), m.sndbuf),
                (key!("f"), m.fwd_alloc),
                (key!("w"), m.wmem_queued),
                (key!("o"), m.optmem),
            ] {
                o.uint(k, v);
            }
            if let Some(bl) = m.backlog {
                o.uint(key!("bl"), bl);
            }
            if let Some(d) = m.drops {
                o.uint(key!("d"), d);
            }
            o.end();
        }
        ExtraValue::Group(inner) => {
            // `bbr:(bw:0bps,mrtt:0.005)`: the items as text; a repeated key keeps its first value.
            let mut o = Object::new(out);
            for (i, (k, v)) in group_items(inner).enumerate() {
                // A handful of items: looking back is cheaper than a set.
                if group_items(inner).take(i).any(|(earlier, _)| earlier == k) {
                    continue;
                }
                json::string(o.member_bytes(k), v);
            }
            o.end();
        }
        ExtraValue::Text(t) => json::string(out, t),
    }
}

#[cfg(test)]
mod tests {
    use crate::events::json::write_event;
    use crate::{Event, EventKind, Format, PushParser};

    fn events(input: &[u8]) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        let mut parser = PushParser::new(Format::Ss);
        let mut sink = |ev: Event<'_>| {
            if matches!(ev.kind, EventKind::SsSocket(_)) {
                let mut buf = Vec::new();
                write_event(&mut buf, &ev);
                // serde_json rejects lone surrogates: check that one as text.
                let text = String::from_utf8(buf).expect("UTF-8").replace(r"\udcff", "?");
                out.push(serde_json::from_str(&text).expect("valid JSON"));
            }
        };
        parser.feed(input, &mut sink);
        parser.finish(&mut sink);
        out
    }

    #[test]
    fn typed_fields() {
        let input = b"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n\
tcp ESTAB 12 0 [fe80::1]%eth0:45694 [::ffff:127.0.0.1]:22 users:((\"q\"u(o\",pid=9067,fd=4),(\"b\xff\",pid=1,tid=2,fd=8)) timer:(keepalive,119min,0) uid:1001 ino:8946 sk:1e <->\n\
\t skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) ts bbr:(bw:0bps,mrtt:0.005) wscale:7,7 send 1.5Mbps busy:4ms rto:201.5\n\
u_str LISTEN 0 8 /tmp/dir with space.sock 8730 * 0\n";
        let ev = events(input);
        assert_eq!(ev.len(), 2);
        let t = &ev[0];
        assert_eq!((t["netid"].as_str(), t["state"].as_str()), (Some("tcp"), Some("ESTAB")));
        assert_eq!((t["recv_q"].as_u64(), t["send_q"].as_u64()), (Some(12), Some(0)));
        assert_eq!(
            t["local"],
            serde_json::json!({"address": "fe80::1", "family": "ipv6", "iface": "eth0", "port": 45694})
        );
        assert_eq!(t["peer"]["address"], "::ffff:127.0.0.1");
        assert_eq!(t["process"][0], serde_json::json!({"name": "q\"u(o", "pid": 9067, "fd": 4}));
        assert_eq!(t["process"][1]["name"], "b?");
        assert_eq!(t["process"][1]["tid"], 2);
        let extras = t["extras"].as_array().unwrap();
        assert_eq!(
            extras[0],
            serde_json::json!({"key": "timer", "value": {"kind": "keepalive", "expires_ms": 7_140_000, "retransmits": 0}})
        );
        assert_eq!(extras[1], serde_json::json!({"key": "uid", "value": 1001}));
        assert_eq!(extras[3], serde_json::json!({"key": "sk", "value": 30}));
        assert_eq!(extras[4]["value"], serde_json::json!({"receive_shut": false, "send_shut": false}));
        assert_eq!(t["info"].as_array().unwrap().len(), 1);
        let info = t["info_extras"].as_array().unwrap();
        assert_eq!(info[0]["value"]["rb"], 131072);
        assert_eq!(info[1], serde_json::json!({"key": "ts", "value": true}));
        assert_eq!(info[2]["value"], serde_json::json!({"bw": "0bps", "mrtt": "0.005"}));
        assert_eq!(info[3]["value"], serde_json::json!([7, 7]));
        assert_eq!(info[4]["value"]["bps"].as_f64(), Some(1_500_000.0));
        assert_eq!(info[5]["value"], serde_json::json!({"ms": 4}));
        assert_eq!(info[6]["value"], serde_json::json!(201.5));
        let u = &ev[1];
        assert_eq!(
            u["local"],
            serde_json::json!({"address": "/tmp/dir with space.sock", "family": "path", "inode": 8730})
        );
        assert_eq!(u["peer"], serde_json::json!({"address": "*", "family": "any", "inode": 0}));
        assert!(u["process"].is_null());
        assert!(u.get("info").is_none());
    }
}
