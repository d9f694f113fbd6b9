//! Render → view round trips: netstat tables of every column layout (`-e`, `-p`, `-o` in all
//! eight combinations, the unix table with and without `-p`) are printed with net-tools
//! 2.10's printf widths, values of every width (short, exactly the column, overflowing it),
//! and every value of the `NetstatView` (`data`/`datalist` cells, `search`) must be the
//! printed value without its padding, whichever column ends the line; `lines` and
//! `get_original_line` keep the line as printed, padding included.

use netsift::views::search::Term;
use netsift::views::NetstatView;
use netsift::{Format, PushParser};
use proptest::prelude::*;

const INET_TITLE: &str = "Active Internet connections (servers and established)";
const UNIX_TITLE: &str = "Active UNIX domain sockets (servers and established)";

/// Which optional columns a table has: `-e` (User, Inode), `-p` (PID/Program name), `-o`
/// (Timer).
#[derive(Debug, Clone, Copy)]
struct Layout {
    e: bool,
    p: bool,
    o: bool,
}

/// The values of one internet row, as printed (without padding).
#[derive(Debug, Clone)]
struct InetValues {
    proto: &'static str,
    recv_q: String,
    send_q: String,
    local_ip: String,
    port: String,
    foreign: String,
    state: String,
    user: String,
    inode: String,
    /// `None`: printed `-`.
    owner: Option<(String, String)>,
    timer: String,
}

impl InetValues {
    fn local(&self) -> String {
        format!("{}:{}", self.local_ip, self.port)
    }

    fn program(&self) -> String {
        self.owner.as_ref().map_or_else(|| "-".to_string(), |(pid, name)| format!("{pid}/{name}"))
    }

    /// The row as net-tools 2.10 prints it (`tcp_do_one`, `finish_this_one`, with `-W`:
    /// an address wider than 23 widens its column).
    fn render(&self, l: Layout) -> String {
        let head = if self.proto.len() <= 4 { format!("{:<4}  ", self.proto) } else { format!("{:<5} ", self.proto) };
        let mut line = format!(
            "{head}{:>6} {:>6} {:<23} {:<23} {:<11}",
            self.recv_q,
            self.send_q,
            self.local(),
            self.foreign,
            self.state
        );
        if l.e {
            line.push_str(&format!(" {:<10} {:<10}", self.user, self.inode));
        }
        if l.p {
            line.push_str(&format!(" {:<20}", self.program()));
        }
        if l.o {
            line.push_str(&format!(" {}", self.timer));
        }
        line
    }

    /// Every key of the insights row and the value it must have.
    fn expected(&self, l: Layout) -> Vec<(&'static str, String)> {
        let mut cells = vec![
            ("Proto", self.proto.to_string()),
            ("Recv-Q", self.recv_q.clone()),
            ("Send-Q", self.send_q.clone()),
            ("Local Address", self.local()),
            ("Foreign Address", self.foreign.clone()),
            ("State", self.state.clone()),
        ];
        if l.e {
            cells.push(("User", self.user.clone()));
            cells.push(("Inode", self.inode.clone()));
        }
        if l.p {
            cells.push(("PID/Program name", self.program()));
        }
        if l.o {
            cells.push(("Timer", self.timer.clone()));
        }
        // Then the derived keys.
        if let (true, Some((pid, name))) = (l.p, &self.owner) {
            cells.push(("PID", pid.clone()));
            cells.push(("Program name", name.clone()));
        }
        cells.push(("Local IP", self.local_ip.clone()));
        cells.push(("Port", self.port.clone()));
        cells
    }
}

fn inet_header(l: Layout) -> String {
    let mut h = "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ".to_string();
    if l.e {
        h.push_str(" User       Inode     ");
    }
    if l.p {
        h.push_str(" PID/Program name    ");
    }
    if l.o {
        h.push_str(" Timer");
    }
    h
}

/// A decimal number of 1 to 20 digits: every width a queue or inode can print.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![(0u64..10).prop_map(|n| n.to_string()), (1u32..=20).prop_flat_map(digits)]
}

fn digits(width: u32) -> impl Strategy<Value = String> {
    let low = if width == 1 { 0 } else { 10u128.pow(width - 1) };
    let high = 10u128.pow(width).min(u64::MAX as u128 + 1);
    (low..high.max(low + 1)).prop_map(|n| n.to_string())
}

/// Addresses from 7 to 39 characters, so that `addr:port` is shorter than, as wide as, and
/// wider than the 23-character column.
fn ip() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|b| std::net::Ipv4Addr::from(b).to_string()),
        any::<[u16; 8]>().prop_map(|w| std::net::Ipv6Addr::from(w).to_string()),
        Just("::".to_string()),
        Just("::1".to_string()),
    ]
}

/// A program name as netstat prints it: no blank at either end (the column's padding),
/// blanks inside allowed, `pid/name` at most 19 bytes.
fn owner() -> impl Strategy<Value = Option<(String, String)>> {
    let named = (1u32..4_000_000).prop_flat_map(|pid| {
        let room = 19 - (pid.to_string().len() + 1);
        proptest::string::string_regex(&format!(
            "[a-zA-Z0-9_.:-]([a-zA-Z0-9_.:\\[ -]{{0,{}}}[a-zA-Z0-9_.\\]-])?",
            room.saturating_sub(2)
        ))
        .expect("regex")
        .prop_map(move |name| Some((pid.to_string(), name)))
    });
    prop_oneof![Just(None), named]
}

fn inet_values() -> impl Strategy<Value = InetValues> {
    let proto = prop_oneof![Just("tcp"), Just("tcp6"), Just("udp"), Just("udp6"), Just("raw6")];
    let states = ["ESTABLISHED", "SYN_SENT", "TIME_WAIT", "CLOSE_WAIT", "LISTEN", "FIN_WAIT1", "LAST_ACK"];
    let user = prop_oneof![number(), "[a-z][a-z0-9_-]{0,13}"];
    let timer = prop_oneof![
        Just("off (0.00/0/0)".to_string()),
        (0u64..10_000_000, 0u32..20, 0u32..10).prop_map(|(c, r, p)| format!(
            "keepalive ({}.{:02}/{r}/{p})",
            c / 100,
            c % 100
        )),
        (0u64..100_000, 0u32..20, 0u32..10).prop_map(|(c, r, p)| format!("on ({}.{:02}/{r}/{p})", c / 100, c % 100)),
    ];
    (
        proto,
        (number(), number()),
        (ip(), any::<u16>()),
        (ip(), proptest::option::of(any::<u16>())),
        proptest::sample::select(states.to_vec()),
        (user, number()),
        owner(),
        timer,
    )
        .prop_map(
            |(proto, (recv_q, send_q), (local_ip, port), (fip, fport), state, (user, inode), owner, timer)| {
                let foreign = format!("{fip}:{}", fport.map_or("*".to_string(), |p| p.to_string()));
                let state = match proto {
                    "tcp" | "tcp6" => state.to_string(),
                    "raw6" => "7".to_string(),
                    _ => String::new(),
                };
                InetValues {
                    proto,
                    recv_q,
                    send_q,
                    local_ip,
                    port: port.to_string(),
                    foreign,
                    state,
                    user,
                    inode,
                    owner,
                    timer,
                }
            },
        )
}

/// The values of one unix row, as printed.
#[derive(Debug, Clone)]
struct UnixValues {
    refcnt: String,
    flags: &'static str,
    kind: &'static str,
    state: &'static str,
    inode: String,
    owner: Option<(String, String)>,
    path: String,
}

impl UnixValues {
    fn program(&self) -> String {
        self.owner.as_ref().map_or_else(|| "-".to_string(), |(pid, name)| format!("{pid}/{name}"))
    }

    /// As net-tools 2.10's `unix_do_one` prints it: the path after one blank, so an empty
    /// path leaves the line ending in the padded program column and a blank.
    fn render(&self, p: bool) -> String {
        let mut line = format!(
            "unix  {:<6} {:<11} {:<10} {:<13} {:<8}",
            self.refcnt, self.flags, self.kind, self.state, self.inode
        );
        if p {
            line.push_str(&format!(" {:<20}", self.program()));
        }
        line.push_str(&format!(" {}", self.path));
        line
    }

    fn expected(&self, p: bool) -> Vec<(&'static str, String)> {
        // insights' first unix column holds netstat's `Proto` too.
        let mut cells = vec![
            ("RefCnt", format!("unix  {}", self.refcnt)),
            ("Flags", self.flags.to_string()),
            ("Type", self.kind.to_string()),
            ("State", self.state.to_string()),
            ("I-Node", self.inode.clone()),
        ];
        if p {
            cells.push(("PID/Program name", self.program()));
        }
        cells.push(("Path", self.path.clone()));
        if p {
            if let Some((pid, name)) = &self.owner {
                cells.push(("PID", pid.clone()));
                cells.push(("Program name", name.clone()));
            }
        }
        cells
    }
}

fn unix_values() -> impl Strategy<Value = UnixValues> {
    (
        prop_oneof![(1u32..10).prop_map(|n| n.to_string()), (1u32..=7).prop_flat_map(digits)],
        proptest::sample::select(vec!["[ ]", "[ ACC ]", "[ W ]", "[ ACC W N ]"]),
        proptest::sample::select(vec!["STREAM", "DGRAM", "SEQPACKET"]),
        proptest::sample::select(vec!["", "LISTENING", "CONNECTED", "CONNECTING"]),
        number(),
        owner(),
        prop_oneof![Just(String::new()), "@?/[a-zA-Z0-9/._@-]{1,70}"],
    )
        .prop_map(|(refcnt, flags, kind, state, inode, owner, path)| UnixValues {
            refcnt,
            flags,
            kind,
            state,
            inode,
            owner,
            path,
        })
}

fn view_of(input: &str) -> NetstatView {
    let mut view = NetstatView::default();
    let mut parser = PushParser::new(Format::Netstat);
    let mut malformed = 0;
    let mut sink = |ev: netsift::Event<'_>| {
        if matches!(ev.kind, netsift::EventKind::Malformed(_)) {
            malformed += 1;
        }
        view.event(&ev);
    };
    parser.feed(input.as_bytes(), &mut sink);
    parser.finish(&mut sink);
    assert_eq!(malformed, 0, "malformed lines in\n{input}");
    view
}

/// Every row of `title` in `view` has exactly the expected cells, and its line as printed.
fn check_table(
    view: &NetstatView,
    title: &str,
    lines: &[String],
    expected: &[Vec<(&'static str, String)>],
) -> Result<(), TestCaseError> {
    let table = view.tables().iter().find(|t| t.title == title).expect("table");
    prop_assert_eq!(table.rows.len(), expected.len());
    for (i, (row, want)) in table.rows.iter().zip(expected).enumerate() {
        let got: Vec<(&str, String)> =
            row.cells().map(|(k, v)| (k, String::from_utf8(v.to_vec()).expect("utf-8"))).collect();
        let want: Vec<(&str, String)> = want.iter().map(|(k, v)| (*k, v.clone())).collect();
        prop_assert_eq!(&got, &want, "row {} of {}: {:?}", i, title, lines[i]);
        // `lines` and `get_original_line` keep the line as printed, padding and all.
        prop_assert_eq!(table.lines().nth(i), Some(lines[i].as_bytes()));
        prop_assert_eq!(view.get_original_line(title, i as i64), Some(lines[i].as_bytes()));
    }
    Ok(())
}

fn layout() -> impl Strategy<Value = Layout> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(e, p, o)| Layout { e, p, o })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_inet_view_value_is_the_printed_value(l in layout(), rows in proptest::collection::vec(inet_values(), 1..12)) {
        let lines: Vec<String> = rows.iter().map(|r| r.render(l)).collect();
        let input = format!("{INET_TITLE}\n{}\n{}\n", inet_header(l), lines.join("\n"));
        let view = view_of(&input);
        let expected: Vec<_> = rows.iter().map(|r| r.expected(l)).collect();
        check_table(&view, INET_TITLE, &lines, &expected)?;
        // A search on the column that ends the line finds the row by its printed value.
        let (key, value) = expected[0].iter().rev().find(|(k, _)| !matches!(*k, "Local IP" | "Port" | "PID" | "Program name")).expect("a column");
        let term: Term = format!("{}={value}", key.replace([' ', '-'], "_")).parse().expect("term");
        let found = view.search(&[], &[term]);
        prop_assert!(found.iter().any(|r| r.line() == lines[0].as_bytes()), "search {}={:?} misses {:?}", key, value, lines[0]);
    }

    #[test]
    fn every_unix_view_value_is_the_printed_value(p in any::<bool>(), rows in proptest::collection::vec(unix_values(), 1..12)) {
        let lines: Vec<String> = rows.iter().map(|r| r.render(p)).collect();
        let header = if p {
            "Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path"
        } else {
            "Proto RefCnt Flags       Type       State         I-Node   Path"
        };
        let input = format!("{UNIX_TITLE}\n{header}\n{}\n", lines.join("\n"));
        let view = view_of(&input);
        let expected: Vec<_> = rows.iter().map(|r| r.expected(p)).collect();
        check_table(&view, UNIX_TITLE, &lines, &expected)?;
        let term: Term = format!("Path={}", rows[0].path).parse().expect("term");
        let found = view.search(&[], &[term]);
        prop_assert!(found.iter().any(|r| r.line() == lines[0].as_bytes()));
    }
}
