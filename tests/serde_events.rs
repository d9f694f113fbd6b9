//! Events, owned events and views serialise with serde to the values the captures hold.
#![cfg(feature = "serde")]

use netsift::{Event, Format, OwnedEvent, PushParser};
use serde_json::{json, Value};

/// Every event of a fixture, as serde_json values, through owned events.
fn values(path: &str) -> Vec<Value> {
    let file = std::fs::File::open(path).unwrap();
    netsift::read_events(file, Format::Auto).map(|e| serde_json::to_value(e.unwrap()).unwrap()).collect()
}

fn at_line(events: &[Value], line: u64) -> &Value {
    events.iter().find(|e| e["at"]["line"] == line).unwrap_or_else(|| panic!("no event at line {line}"))
}

#[test]
fn a_netstat_row_serialises_with_its_typed_fields() {
    let events = values("examples/netstat-neopa.txt");
    let row = at_line(&events, 25);
    assert_eq!(row["kind"], "inet_conn");
    assert_eq!(row["capture"], 1);
    let data = &row["data"];
    assert_eq!(data["proto"], "tcp");
    assert_eq!(data["local"]["host"], json!({"ip": "127.0.0.1"}));
    assert_eq!(data["local"]["port"], json!({"number": 45693}));
    assert_eq!(data["foreign"]["port"], "any");
    assert_eq!(data["state"], json!({"known": "listen"}));
    assert_eq!(data["user"], json!({"uid": 0}));
    assert_eq!(data["inode"], 10641);
    assert_eq!(data["owner"], json!({"process": {"pid": 5312, "name": "nginx: master"}}));
    assert_eq!(data["timer"]["kind"], "off");
    assert_eq!(data["recv_q"], 0);
    assert!(data["line"].as_str().unwrap().starts_with("tcp        0      0 127.0.0.1:45693"));
    // The section before it carries its columns.
    assert_eq!(events[0]["kind"], "section");
    assert_eq!(events[0]["data"]["columns"], json!({"inet": {"user_inode": true, "program": true, "timer": true}}));
}

#[test]
fn bytes_that_are_not_utf8_serialise_as_byte_arrays() {
    let events = values("examples/netstat-neopa.txt");
    // unix  2      [ ]         DGRAM   19069    9020/python3   /tmp/zoo-zggbz6p1/zoo-bad-\xff\xfe-utf8.sock
    let row = &at_line(&events, 242)["data"];
    assert_eq!(row["sock_type"], "dgram");
    assert_eq!(row["inode"], 19069);
    let path: Vec<u8> = serde_json::from_value(row["path"].clone()).unwrap();
    assert_eq!(path, b"/tmp/zoo-zggbz6p1/zoo-bad-\xff\xfe-utf8.sock");
    // A program name cut inside a UTF-8 character.
    let owner = &at_line(&events, 12)["data"]["owner"]["process"];
    let name: Vec<u8> = serde_json::from_value(owner["name"].clone()).unwrap();
    assert_eq!(name, "zoo-ünicode-\u{3c0}".as_bytes()[..14].to_vec());
}

#[test]
fn ss_interfaces_and_counters_serialise() {
    let ss = values("tests/fixtures/captured/deb12_ss-tupna.txt");
    let socket = &at_line(&ss, 3)["data"];
    assert_eq!(ss[2]["kind"], "ss_socket");
    assert_eq!(socket["row"]["netid"], "udp");
    assert_eq!(socket["row"]["state"], "unconn");
    assert_eq!(socket["row"]["local"]["port"], json!({"number": 40101}));
    assert_eq!(
        socket["row"]["process"]["processes"],
        json!([{"name": "python3.11", "pid": 5165, "fd": 7, "tid": null, "proc_ctx": null, "sock_ctx": null}])
    );
    assert_eq!(socket["info"], "");

    let ifaces = values("tests/fixtures/captured/deb12_netstat-i.txt");
    let lo = &at_line(&ifaces, 4)["data"];
    assert_eq!(lo["iface"], "lo");
    assert_eq!(lo["mtu"], 65536);
    assert_eq!(lo["stats"]["rx_ok"], 5574);
    assert_eq!(lo["flags"], json!(["LOOPBACK", "RUNNING", "UP"]));

    let counters = values("tests/fixtures/captured/deb12_proc-net-snmp.txt");
    let forwarding = counters.iter().find(|e| e["kind"] == "counter").unwrap();
    assert_eq!(forwarding["data"]["source"], "proc");
    assert_eq!(forwarding["data"]["section"], "Ip");
    assert_eq!(forwarding["data"]["name"], "Forwarding");
}

#[test]
fn borrowed_and_owned_events_serialise_alike() {
    let input = std::fs::read("tests/fixtures/captured/deb12_netstat-s.txt").unwrap();
    let owned: Vec<OwnedEvent> = netsift::read_events(&input[..], Format::Auto).map(Result::unwrap).collect();
    let mut parser = PushParser::new(Format::Auto);
    let mut i = 0;
    let mut check = |ev: Event<'_>| {
        assert_eq!(serde_json::to_value(ev).unwrap(), serde_json::to_value(&owned[i]).unwrap());
        i += 1;
    };
    parser.feed(&input, &mut check);
    parser.finish(&mut check);
    assert!(i > 70, "{i}");
}

#[test]
fn views_serialise_their_data() {
    let input = std::fs::read("examples/netstat-neopa.txt").unwrap();
    let mut view = netsift::views::NetstatView::default();
    netsift::input::parse_reader(&input[..], Format::Netstat, &mut view).unwrap();
    let v = serde_json::to_value(&view).unwrap();
    let tables = &v["captures"][0]["tables"];
    assert_eq!(tables[0]["title"], "Active Internet connections (servers and established)");
    assert_eq!(tables[0]["rows"].as_array().unwrap().len(), 237);
    assert_eq!(tables[0]["rows"][22]["Local Address"], "127.0.0.1:45693");
    assert_eq!(tables[0]["rows"][22]["PID/Program name"], "5312/nginx: master");
    assert_eq!(v["listening_pid"]["5312"], json!({"addr": "127.0.0.1", "port": "45693", "name": "nginx: master"}));

    let snmp = std::fs::read("tests/fixtures/captured/deb12_proc-net-snmp.txt").unwrap();
    let mut view = netsift::views::proc_net::ProcNetstatView::default();
    netsift::input::parse_reader(&snmp[..], Format::ProcNetstat, &mut view).unwrap();
    let v = serde_json::to_value(&view).unwrap();
    assert_eq!(v["sections"]["Ip"]["Forwarding"], json!(view.get_stats("Ip:Forwarding").unwrap() as i64));
    assert_eq!(v["sections"]["Tcp"]["MaxConn"], -1);
}
