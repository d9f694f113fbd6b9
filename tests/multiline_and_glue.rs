//! Rows printed over several lines or with no blank between columns, rendered as the tools
//! print them: net-tools 2.10's multi-homed sctp rows (`sctp_eps_do_one`,
//! `sctp_assoc_do_one`, `finish_this_one` on the last line), and iproute2 4.15–4.19's ss
//! columns, padded to their width with no delimiter, so that a full Recv-Q touches the
//! Send-Q and a full local port the peer address.

use netsift::events::json::write_event;
use netsift::views::NetstatView;
use netsift::{Event, Format, PushParser};

/// Every event as its JSON text, and the line accounting.
fn events(input: &str, format: Format) -> (Vec<serde_json::Value>, netsift::push::LineStats) {
    let mut out = Vec::new();
    let mut parser = PushParser::new(format);
    let mut sink = |ev: Event<'_>| {
        let mut buf = Vec::new();
        write_event(&mut buf, &ev);
        out.push(serde_json::from_slice(&buf).expect("event JSON"));
    };
    parser.feed(input.as_bytes(), &mut sink);
    parser.finish(&mut sink);
    (out, parser.stats())
}

fn kinds(events: &[serde_json::Value], kind: &str) -> Vec<serde_json::Value> {
    events.iter().filter(|e| e["kind"] == kind).cloned().collect()
}

/// An sctp endpoint as `sctp_eps_do_one` prints it, then `finish_this_one`'s columns.
fn eps(addrs: &[&str], tail: &str) -> String {
    let mut s = String::new();
    for (i, a) in addrs.iter().enumerate() {
        s.push_str(if i == 0 { "sctp                " } else { "\n                    " });
        s.push_str(&format!("{a:<47} {:<11}", if i == 0 { "LISTEN" } else { "" }));
    }
    s + tail
}

/// An sctp association as `sctp_assoc_do_one` prints it.
fn assoc(pairs: &[(&str, &str)], tail: &str) -> String {
    let mut s = String::new();
    for (i, (l, r)) in pairs.iter().enumerate() {
        s.push_str(if i == 0 { "sctp       0      0 " } else { "\n                    " });
        s.push_str(&format!("{l:<23} {r:<23} {:<11}", if i == 0 { "ESTABLISHED" } else { "" }));
    }
    s + tail
}

const TITLE: &str = "Active Internet connections (servers and established)";

#[test]
fn multi_homed_sctp_rows_are_one_row_each() {
    // `netstat -neopa`: User, Inode, PID/Program name and an (empty, for sctp) Timer.
    let header = "Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer";
    let tail = |inode: u32| format!(" 0          {inode:<10} 812/sctp_darn         ");
    let input = [
        TITLE.to_string(),
        header.to_string(),
        eps(&["10.0.0.1:5000", "10.0.1.1:5000", "192.168.7.1:5000"], &tail(20457)),
        assoc(&[("10.0.0.1:5000", "10.0.0.2:41000"), ("10.0.1.1", "10.0.1.2"), ("", "10.0.2.2")], &tail(20458)),
        // One address each side: one line, as any row.
        assoc(&[("127.0.0.1:5001", "127.0.0.1:41001")], &tail(20459)),
        "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1001       900/sshd             off (0.00/0/0)".to_string(),
        // The last row of the input is a multi-homed one.
        eps(&["10.9.0.1:6000", "10.9.1.1:6000"], &tail(20460)),
    ]
    .join("\n");
    let (evs, stats) = events(&input, Format::Auto);
    assert!(kinds(&evs, "malformed").is_empty(), "{:?}", kinds(&evs, "malformed"));
    let rows = kinds(&evs, "inet_conn");
    assert_eq!(rows.len(), 5);
    // 2 + 2 + 0 + 0 + 1 continuation lines, each in its own bucket.
    assert_eq!((stats.rows, stats.continuations), (5, 5));
    assert_eq!(stats.lines, 2 + 5 + 5);
    let e = &rows[0];
    assert_eq!(
        (e["local"]["port"].as_u64(), e["foreign"].is_null(), e["state"].as_str()),
        (Some(5000), true, Some("LISTEN"))
    );
    assert_eq!(
        (e["inode"].as_u64(), e["pid"].as_u64(), e["program"].as_str()),
        (Some(20457), Some(812), Some("sctp_darn"))
    );
    assert_eq!(
        e["more_addresses"],
        serde_json::json!([{"local": "10.0.1.1:5000", "foreign": null}, {"local": "192.168.7.1:5000", "foreign": null}])
    );
    assert_eq!(e["line"], 3);
    let a = &rows[1];
    assert_eq!(a["foreign"]["port"], 41000);
    assert_eq!(a["inode"], 20458);
    assert_eq!(
        a["more_addresses"],
        serde_json::json!([{"local": "10.0.1.1", "foreign": "10.0.1.2"}, {"local": null, "foreign": "10.0.2.2"}])
    );
    assert_eq!(a["line"], 6);
    assert!(a["raw"].as_str().expect("raw").contains("\n                    10.0.1.1"));
    assert!(rows[2].get("more_addresses").is_none());
    assert_eq!(rows[3]["program"], "sshd");
    assert_eq!(rows[4]["more_addresses"][0]["local"], "10.9.1.1:6000");

    // The view: the row's first addresses, the program from the last line.
    let mut view = NetstatView::default();
    let mut parser = PushParser::new(Format::Netstat);
    parser.feed(input.as_bytes(), &mut view);
    parser.finish(&mut view);
    let table = &view.tables()[0];
    assert_eq!(table.rows.len(), 5);
    assert_eq!(table.rows.get(1).unwrap().get("Local Address"), Some(&b"10.0.0.1:5000"[..]));
    assert_eq!(table.rows.get(1).unwrap().get("PID/Program name"), Some(&b"812/sctp_darn"[..]));
    assert_eq!(table.rows.get(1).unwrap().get("Inode"), Some(&b"20458"[..]));
}

#[test]
fn multi_homed_sctp_without_extra_columns() {
    // `netstat -an`: the rows end at the State.
    let header = "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ";
    let input =
        [TITLE.to_string(), header.to_string(), assoc(&[("10.0.0.1:5000", "10.0.0.2:41000"), ("10.0.1.1", "")], "")]
            .join("\n");
    let (evs, stats) = events(&input, Format::Netstat);
    assert!(kinds(&evs, "malformed").is_empty());
    let rows = kinds(&evs, "inet_conn");
    assert_eq!((rows.len(), stats.continuations), (1, 1));
    assert_eq!(rows[0]["more_addresses"], serde_json::json!([{"local": "10.0.1.1", "foreign": null}]));
    // A continuation line with no sctp row above it is still malformed.
    let orphan = format!("{TITLE}\n{header}\n                    10.0.1.1                10.0.1.2\n");
    let (evs, _) = events(&orphan, Format::Netstat);
    assert_eq!(kinds(&evs, "malformed").len(), 1);
}

/// An ss table of iproute2 4.18: every column padded to the width of its longest value
/// (and header), no blank between columns, the addresses right-aligned.
#[test]
fn ss_glued_queues_and_ipv4_peer_are_read_by_the_header() {
    // Widths: Netid 5, State 6, Recv-Q 6 ("123456" fills it), Send-Q 6, local address 15
    // ("Local Address:" 14 + ":"), port 5, peer address 16 ("192.168.100.201:").
    let header = format!(
        "{:<5}{:<6}{:<6}{:<6}{:>15}{:<5}{:>16}{:<5}",
        "Netid", "State", "Recv-Q", "Send-Q", "Local Address:", "Port", "Peer Address:", "Port"
    );
    let mut lines = vec![header.clone()];
    // Row 1: Recv-Q 123456 glued to Send-Q 0.
    lines.push(format!(
        "{:<5}{:<6}{:<6}{:<6}{:>15}{:<5}{:>16}{:<5}",
        "tcp", "LISTEN", "0", "128", "0.0.0.0:", "22", "0.0.0.0:", "*"
    ));
    lines.push(format!(
        "{:<5}{:<6}{:<6}{:<6}{:>15}{:<5}{:>16}{:<5}",
        "tcp", "ESTAB", "123456", "0", "127.0.0.1:", "5432", "10.0.0.9:", "3306"
    ));
    // Row 3: a full local port glued to a full peer address.
    lines.push(format!(
        "{:<5}{:<6}{:<6}{:<6}{:>15}{:<5}{:>16}{:<5}",
        "tcp", "ESTAB", "0", "0", "10.20.30.40:", "54321", "192.168.100.200:", "443"
    ));
    lines.push(format!(
        "{:<5}{:<6}{:<6}{:<6}{:>15}{:<5}{:>16}{:<5}",
        "tcp", "ESTAB", "0", "0", "127.0.0.1:", "5432", "192.168.100.201:", "51234"
    ));
    let input = lines.join("\n");
    assert!(input.contains("1234560") && input.contains("54321192.168.100.200:443"), "{input}");
    let (evs, _) = events(&input, Format::Ss);
    assert!(kinds(&evs, "malformed").is_empty(), "{:?}\n{input}", kinds(&evs, "malformed"));
    let socks = kinds(&evs, "ss_socket");
    assert_eq!(socks.len(), 4);
    assert_eq!((socks[1]["recv_q"].as_u64(), socks[1]["send_q"].as_u64()), (Some(123_456), Some(0)));
    assert_eq!(socks[1]["peer"]["port"], 3306);
    assert_eq!(
        (socks[2]["local"]["port"].as_u64(), socks[2]["peer"]["address"].as_str()),
        (Some(54321), Some("192.168.100.200"))
    );
    assert_eq!(socks[2]["peer"]["port"], 443);
    assert_eq!(socks[3]["peer"]["address"], "192.168.100.201");
    // Without the header (`ss -H`) there is nothing to split by: the glued rows are
    // malformed, never guessed.
    let headerless = lines[1..].join("\n");
    let (evs, _) = events(&headerless, Format::Ss);
    assert_eq!(kinds(&evs, "malformed").len(), 2);
}

#[test]
fn a_held_sctp_row_comes_out_before_the_next_section() {
    // The multi-homed row is the last of its table; an ss table follows in the same log.
    let header = "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ";
    let input = [
        TITLE.to_string(),
        header.to_string(),
        eps(&["10.9.0.1:6000", "10.9.1.1:6000"], ""),
        "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port".to_string(),
        "udp   UNCONN 0      0          127.0.0.1:53        0.0.0.0:*".to_string(),
    ]
    .join("\n");
    let (evs, stats) = events(&input, Format::Auto);
    let order: Vec<(u64, String)> = evs
        .iter()
        .map(|e| (e["line"].as_u64().expect("line"), e["kind"].as_str().expect("kind").to_string()))
        .collect();
    let lines: Vec<u64> = order.iter().map(|(l, _)| *l).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "events out of order: {order:?}");
    assert_eq!(kinds(&evs, "inet_conn").len(), 1);
    assert_eq!(kinds(&evs, "ss_socket").len(), 1);
    assert_eq!((stats.rows, stats.continuations, stats.malformed), (2, 1, 0));
}
