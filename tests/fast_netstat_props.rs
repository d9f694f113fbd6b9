//! The hand-written netstat row readers (`fast_inet_row`, `fast_unix_row`) against the
//! grammar's readers (`inet_row`, `unix_row`), which stay the reference: on generated rows of
//! every layout, protocol, address form and value width, a row the fast reader returns is
//! the reference's row, field for field and span for span; a line it declines is the
//! reference's to read. Rows drawn from the forms netstat prints with `-n` in the C locale
//! must be accepted (else the fast path would quietly be the slow one).

use netsift::netsift_grammar::netstat::{
    check_inet_row_through, check_unix_row_through, fast_inet_row, fast_inet_row_through, fast_unix_row,
    fast_unix_row_through, inet_row, unix_row, InetLayout, InetRow, UnixLayout, UnixRow,
};
use netsift::netsift_grammar::LineError;
use proptest::prelude::*;

/// The eight layouts of the internet table (`-e`, `-p`, `-o` in every combination).
fn layouts() -> impl Strategy<Value = InetLayout> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(user_inode, program, timer)| InetLayout {
        user_inode,
        program,
        timer,
    })
}

/// Digits of a width from 1 to 20 (20 nines do not fit 64 bits).
fn digits() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0u64..100_000).prop_map(|v| v.to_string()),
        1 => "[0-9]{1,20}",
    ]
}

fn ipv4() -> impl Strategy<Value = String> {
    any::<u32>().prop_map(|v| std::net::Ipv4Addr::from(v).to_string())
}

/// IPv6 as netstat prints it (compressed, `::ffff:a.b.c.d`), and the forms the standard
/// parser also reads (full, upper case, a zero group kept).
fn ipv6() -> impl Strategy<Value = String> {
    prop_oneof![
        (any::<u16>(), any::<u16>())
            .prop_map(|(a, b)| std::net::Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, a, b).to_string()),
        any::<[u16; 8]>().prop_map(|g| std::net::Ipv6Addr::from(g).to_string()),
        any::<u32>().prop_map(|v| format!("::ffff:{}", std::net::Ipv4Addr::from(v))),
        Just("::".to_string()),
        Just("::1".to_string()),
        any::<[u16; 8]>().prop_map(|g| g.iter().map(|x| format!("{x:X}")).collect::<Vec<_>>().join(":")),
        (any::<u16>(), any::<u32>()).prop_map(|(a, v)| format!("{a:x}:0:0:0:0:0:{}", std::net::Ipv4Addr::from(v))),
    ]
}

/// Address forms the fast reader may decline: cut IPv6, brackets, leading zeros, odd bytes.
fn odd_host() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("fe80::fc:ff:fe00:".to_string()),
        Just("[::1]".to_string()),
        Just("010.0.0.1".to_string()),
        Just("1.2.3".to_string()),
        Just("1:2:3:4:5:6:7:8:9".to_string()),
        Just("1::2::3".to_string()),
        Just("".to_string()),
        // Scoped, embedded IPv4 in odd places, too many groups, a quad without room.
        Just("fe80::1%eth0".to_string()),
        Just("::ffff:1.2.3.4:5".to_string()),
        Just("1:2:3:4:5:6:7:1.2.3.4".to_string()),
        Just("1:2:3:4:5:6:7:8::".to_string()),
        Just(":::".to_string()),
        Just("::ffff:01.2.3.4".to_string()),
        // A control byte inside the word (words end only at a blank or `\n`).
        Just("1.2.3.4\r".to_string()),
        Just("::\u{1}1".to_string()),
        "[0-9a-fA-F:.]{1,24}",
        "([0-9a-fA-F]{1,5}|:|::|[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}){1,12}",
        "[ -~]{1,12}".prop_map(|s| s.replace([' ', '\t'], "")),
    ]
}

/// Host names as netstat prints them without `-n`.
fn host_name() -> impl Strategy<Value = String> {
    prop_oneof![Just("localhost".to_string()), Just("*".to_string()), "[a-z][a-z0-9.-]{0,18}"]
}

fn port(plain: bool) -> impl Strategy<Value = String> {
    let common = prop_oneof![
        4 => (0u32..=65535).prop_map(|p| p.to_string()),
        2 => Just("*".to_string()),
        1 => Just("ssh".to_string()),
        1 => Just("http-alt".to_string()),
    ];
    if plain {
        common.boxed()
    } else {
        prop_oneof![
            4 => common,
            1 => (65536u64..10_000_000).prop_map(|p| p.to_string()),
            1 => Just("00022".to_string()),
            1 => Just("0000022".to_string()),
            1 => Just("000000000000000000022".to_string()),
            1 => "[0-9]{6,10}",
            1 => Just("99999999999999999999999".to_string()),
            1 => Just("".to_string()),
            1 => Just("a:b".to_string()),
        ]
        .boxed()
    }
}

fn endpoint(v6: bool, plain: bool) -> impl Strategy<Value = String> {
    let host = if plain {
        if v6 {
            ipv6().boxed()
        } else {
            prop_oneof![4 => ipv4(), 1 => host_name()].boxed()
        }
    } else {
        prop_oneof![3 => ipv4(), 3 => ipv6(), 1 => host_name(), 2 => odd_host()].boxed()
    };
    (host, port(plain)).prop_map(|(h, p)| format!("{h}:{p}"))
}

fn state(plain: bool) -> impl Strategy<Value = String> {
    const WORDS: [&str; 12] = [
        "ESTABLISHED",
        "SYN_SENT",
        "SYN_RECV",
        "FIN_WAIT1",
        "FIN_WAIT2",
        "TIME_WAIT",
        "CLOSE",
        "CLOSE_WAIT",
        "LAST_ACK",
        "LISTEN",
        "CLOSING",
        "UNKNOWN",
    ];
    let c = proptest::sample::select(&WORDS[..]).prop_map(str::to_string);
    if plain {
        prop_oneof![4 => c, 1 => Just(String::new()), 1 => (0u32..12).prop_map(|n| n.to_string())].boxed()
    } else {
        prop_oneof![
            4 => c,
            1 => Just(String::new()),
            1 => (0u32..12).prop_map(|n| n.to_string()),
            1 => Just("SPOJENO".to_string()),
            1 => Just("POSLEDNÍ ACK".to_string()),
            1 => Just("UNKNOWN(9)".to_string()),
            1 => Just("root".to_string()),
        ]
        .boxed()
    }
}

fn user(plain: bool) -> impl Strategy<Value = String> {
    if plain {
        prop_oneof![3 => (0u32..70000).prop_map(|n| n.to_string()), 1 => Just("root".to_string())].boxed()
    } else {
        prop_oneof![
            2 => (0u32..70000).prop_map(|n| n.to_string()),
            1 => Just("systemd-resolve".to_string()),
            1 => Just("99999999999".to_string()),
            1 => Just("-".to_string()),
        ]
        .boxed()
    }
}

fn program(plain: bool) -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("sshd"),
        Just("nginx: worker"),
        Just("zoo worker: ac"),
        Just("python3"),
        Just("a b c d"),
        Just("x(y)"),
    ];
    let process = ((1u32..4_000_000), name).prop_map(|(pid, name)| {
        let mut s = format!("{pid}/{name}");
        s.truncate(19);
        s.trim_end().to_string()
    });
    if plain {
        prop_oneof![4 => process, 1 => Just("-".to_string())].boxed()
    } else {
        prop_oneof![
            4 => process,
            1 => Just("-".to_string()),
            1 => Just(String::new()),
            1 => Just("1279".to_string()),
            1 => Just("12345678901/x".to_string()),
            1 => Just("42/".to_string()),
            1 => Just("/x".to_string()),
            1 => Just("1234/a-really-quite-long-name x".to_string()),
            1 => Just("77/a\tb".to_string()),
        ]
        .boxed()
    }
}

fn timer(plain: bool) -> impl Strategy<Value = String> {
    let words = prop_oneof![
        Just("off"),
        Just("on"),
        Just("on1"),
        Just("on2"),
        Just("keepalive"),
        Just("timewait"),
        Just("probe"),
        Just("unkn-4"),
        Just("unkn-7"),
    ];
    let numbers =
        (0u64..100_000, 0u64..100, 0u64..20, 0u64..20).prop_map(|(s, c, r, p)| format!("({s}.{c:02}/{r}/{p})"));
    // `off (0.00/0/0)`, most sockets' timer, often (the reader compares it whole).
    let plain_timer = prop_oneof![
        3 => (words, numbers).prop_map(|(w, n)| format!("{w} {n}")),
        1 => Just("off (0.00/0/0)".to_string()),
    ];
    if plain {
        plain_timer.boxed()
    } else {
        prop_oneof![
            4 => plain_timer,
            1 => Just("off (-0.50/1/2)".to_string()),
            1 => Just("off (1/2)".to_string()),
            1 => Just("aus (43,27/0/0)".to_string()),
            1 => Just("off ((0.00/0/0)".to_string()),
            1 => Just("off(0.00/0/0)".to_string()),
            1 => Just("off (0.00/0/0".to_string()),
            1 => Just("off (0.1234/0/0)".to_string()),
            1 => Just("off (99999999999999999999.00/0/0)".to_string()),
            1 => Just("(0.00/0/0)".to_string()),
            1 => Just("off (0.00/0/0)x".to_string()),
            1 => Just("off (0.00/0/00)".to_string()),
            1 => Just("off (0.00/0/0))".to_string()),
            1 => Just("off (0.00/0/0)\t".to_string()),
            1 => Just("off  (0.00/0/0)".to_string()),
        ]
        .boxed()
    }
}

/// Blanks between two columns: netstat's padding to a column width, or any run.
fn gap() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (1usize..=20).prop_map(|n| " ".repeat(n)),
        1 => Just("\t".to_string()),
        1 => Just(" \t ".to_string()),
    ]
}

/// A row of the internet table: its layout and text. `plain`: drawn only from the forms
/// `netstat -n` prints in the C locale, and laid out as the layout says.
fn inet_line(plain: bool) -> impl Strategy<Value = (InetLayout, String)> {
    let proto = proptest::sample::select(&["tcp", "tcp6", "udp", "udp6", "udpl", "udpl6", "raw", "raw6", "sctp"][..]);
    let flags = (any::<bool>(), any::<bool>(), any::<bool>());
    (layouts(), proto, flags).prop_flat_map(move |(layout, proto, (v6, padded, in_columns))| {
        let values = (
            (digits(), digits(), endpoint(v6, plain), endpoint(v6, plain), state(plain)),
            (user(plain), digits(), program(plain), timer(plain)),
            proptest::collection::vec(gap(), 12),
            // Not plain: drop one column, or add a stray word, or leave blanks at the end.
            (0usize..16, prop_oneof![Just(""), Just("x"), Just("  "), Just("-")]),
        );
        values.prop_map(
            move |((recv, send, local, foreign, state), (user, inode, owner, timer), gaps, (drop, extra))| {
                // netstat's own columns for the protocol and the queues (`%-5s %6lu %6lu `),
                // where the fast reader reads the queues first; else the gaps are drawn.
                let mut cols: Vec<String> = if in_columns {
                    vec![format!("{proto:<5} {recv:>6} {send:>6}"), local, foreign, state]
                } else {
                    vec![proto.to_string(), recv, send, local, foreign, state]
                };
                if layout.user_inode {
                    cols.push(user);
                    cols.push(inode);
                }
                // netstat pads the program to 20 columns and a blank (where the fast reader
                // looks for the timer first); else the gaps are drawn.
                let padded = padded && layout.program && layout.timer;
                if layout.program {
                    cols.push(if padded { format!("{owner:<20} {timer}") } else { owner });
                }
                if layout.timer && !padded {
                    cols.push(timer);
                }
                if !plain {
                    if drop < cols.len() && drop % 2 == 1 {
                        cols.remove(drop);
                    }
                    if drop < cols.len() && drop % 2 == 0 {
                        cols.insert(drop, extra.to_string());
                    }
                }
                let mut line = String::new();
                for (k, col) in cols.iter().enumerate() {
                    if k > 0 {
                        line.push_str(&gaps[k % gaps.len()]);
                    }
                    line.push_str(col);
                }
                if !plain && drop == 15 {
                    line.push_str("   ");
                }
                (layout, line)
            },
        )
    })
}

fn check_inet(layout: InetLayout, line: &str) -> Result<Option<InetRow<'_>>, TestCaseError> {
    let fast = fast_inet_row(line.as_bytes(), layout);
    let reference: Result<InetRow<'_>, LineError> = inet_row(line.as_bytes(), layout);
    if let Some(row) = fast {
        prop_assert_eq!(Ok(row), reference, "{:?} {}", layout, line);
    }
    checked_as_read(layout, line.as_bytes())?;
    Ok(fast)
}

/// `line` read through from a chunk: followed by `\n` and another line, by `\r\n`, by
/// nothing, by `\n` alone.
fn through_texts(line: &[u8]) -> Vec<Vec<u8>> {
    [&b"\ntcp        0      0 1.2.3.4:5 "[..], b"\r\nx", b"", b"\n"]
        .iter()
        .map(|follow| [line, follow].concat())
        .collect()
}

/// `count`'s reading of an internet row, which checks it without building its values
/// (`check_inet_row_through`), answers as the full reading does (`fast_inet_row_through`)
/// for `line` read through from a chunk.
fn checked_as_read(layout: InetLayout, line: &[u8]) -> Result<(), TestCaseError> {
    for text in &through_texts(line) {
        let read = fast_inet_row_through(text, layout).map(|(_, n)| n);
        prop_assert_eq!(check_inet_row_through(text, layout), read, "{:?} {:?}", layout, String::from_utf8_lossy(text));
    }
    Ok(())
}

/// [`checked_as_read`] for a unix row (`check_unix_row_through`).
fn unix_checked_as_read(layout: UnixLayout, line: &[u8]) -> Result<(), TestCaseError> {
    for text in &through_texts(line) {
        let read = fast_unix_row_through(text, layout).map(|(_, n)| n);
        prop_assert_eq!(check_unix_row_through(text, layout), read, "{:?} {:?}", layout, String::from_utf8_lossy(text));
    }
    Ok(())
}

fn unix_line(plain: bool) -> impl Strategy<Value = (UnixLayout, String)> {
    let flags = prop_oneof![Just("[ ]"), Just("[ ACC ]"), Just("[ W ]"), Just("[ ACC W N ]"), Just("[ N ]")];
    let types =
        prop_oneof![Just("STREAM"), Just("DGRAM"), Just("SEQPACKET"), Just("RAW"), Just("RDM"), Just("UNKNOWN")];
    let states = prop_oneof![
        Just("LISTENING"),
        Just("CONNECTED"),
        Just(""),
        Just("CONNECTING"),
        Just("DISCONNECTING"),
        Just("FREE")
    ];
    let path = prop_oneof![
        Just(String::new()),
        "/run/[a-z/.-]{1,30}",
        "@[a-z0-9/-]{1,20}",
        Just("/tmp/with space".to_string()),
    ];
    let odd = prop_oneof![
        Just(""),
        Just("x"),
        Just("["),
        Just("[ ACC"),
        Just("[ X ]"),
        Just("-"),
        Just("99999999999999999999999")
    ];
    (
        any::<bool>(),
        (prop_oneof![3 => Just("unix"), 1 => Just("??")], digits(), flags, types, states),
        (prop_oneof![4 => digits(), 1 => Just("-".to_string())], program(plain), path),
        proptest::collection::vec(gap(), 8),
        (0usize..10, odd),
    )
        .prop_map(
            move |(program_column, (proto, refcnt, flags, ty, state), (inode, owner, path), gaps, (drop, odd))| {
                let layout = UnixLayout { program: program_column };
                let mut cols: Vec<String> =
                    vec![proto.to_string(), refcnt, flags.to_string(), ty.to_string(), state.to_string(), inode];
                if layout.program {
                    // netstat pads the program to 20 bytes, then the path; a longer one
                    // pushes the path on.
                    cols.push(format!("{owner:<20}{path}"));
                } else {
                    cols.push(path);
                }
                if !plain && drop < cols.len() {
                    cols[drop] = odd.to_string();
                }
                let mut line = String::new();
                for (k, col) in cols.iter().enumerate() {
                    if k > 0 && !(k == 5 && col.is_empty()) {
                        line.push_str(&gaps[k]);
                    }
                    line.push_str(col);
                }
                (layout, line)
            },
        )
}

fn check_unix(layout: UnixLayout, line: &str) -> Result<Option<UnixRow<'_>>, TestCaseError> {
    let fast = fast_unix_row(line.as_bytes(), layout);
    let reference: Result<UnixRow<'_>, LineError> = unix_row(line.as_bytes(), layout);
    if let Some(row) = fast {
        prop_assert_eq!(Ok(row), reference, "{:?} {}", layout, line);
    }
    unix_checked_as_read(layout, line.as_bytes())?;
    Ok(fast)
}

/// A row of the full layout as netstat prints it (`%-5s %6lu %6lu %-23s %-23s %-11s %-10s
/// %-10lu %-20s %s`: every value in its column, wider ones pushing the next on), where
/// `count`'s reader checks the columns after the addresses where they start; then, at
/// random, one byte replaced, inserted or removed, so that every column check fails once.
fn printed_inet_line() -> impl Strategy<Value = (String, bool)> {
    let proto = proptest::sample::select(&["tcp", "tcp6", "udp", "udp6", "udpl", "raw", "raw6"][..]);
    let user = prop_oneof![
        4 => (0u32..70000).prop_map(|n| n.to_string()),
        1 => Just("root".to_string()),
        1 => Just("systemd-resolve".to_string()),
        1 => "[0-9]{9,12}",
        1 => Just("-".to_string()),
    ];
    let inode = prop_oneof![3 => "[1-9][0-9]{0,9}", 1 => "[0-9]{1,21}"];
    // A program of digits only, which may be taken for the inode of a row without a state.
    let owner = prop_oneof![6 => program(true), 1 => "[0-9]{1,20}"];
    let edit = (0usize..3, any::<prop::sample::Index>(), proptest::sample::select(&EDIT_BYTES[..]));
    (
        (proto, any::<bool>(), digits(), digits(), endpoint(false, true), endpoint(true, true)),
        (state(true), user, inode, owner, timer(true)),
        proptest::option::weighted(0.7, edit),
    )
        .prop_map(|((proto, v6, recv, send, local4, local6), (state, user, inode, owner, timer), edit)| {
            let (local, foreign) = if v6 { (local6, local4) } else { (local4, local6) };
            let line = format!(
                "{proto:<5} {recv:>6} {send:>6} {local:<23} {foreign:<23} {state:<11} {user:<10} {inode:<10} {owner:<20} {timer}"
            );
            let mut bytes = line.into_bytes();
            let edited = edit.is_some();
            if let Some((op, at, byte)) = edit {
                let at = at.index(bytes.len());
                match op {
                    0 => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            (String::from_utf8_lossy(&bytes).into_owned(), edited)
        })
}

/// Bytes a column check must tell apart from what it expects.
const EDIT_BYTES: [u8; 14] = [b' ', b'\t', b'\n', b'\r', 0x01, b'0', b'9', b'x', b'(', b'/', b'.', b':', b'-', 0xc3];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Rows of the forms `netstat -n` prints: the fast reader takes them (sctp excepted),
    /// and gives the reference's row.
    #[test]
    fn plain_inet_rows_are_read_as_the_reference_reads_them((layout, line) in inet_line(true)) {
        let fast = check_inet(layout, &line)?;
        if !line.starts_with("sctp") && inet_row(line.as_bytes(), layout).is_ok() {
            prop_assert!(fast.is_some(), "declined {:?} {}", layout, line);
        }
    }

    /// Any mix of forms, columns dropped or added: what the fast reader returns is the
    /// reference's row; what the reference rejects, the fast reader declines.
    #[test]
    fn any_inet_row_is_the_reference_row_or_declined((layout, line) in inet_line(false)) {
        check_inet(layout, &line)?;
    }

    #[test]
    fn plain_unix_rows_are_read_as_the_reference_reads_them((layout, line) in unix_line(true)) {
        let fast = check_unix(layout, &line)?;
        if unix_row(line.as_bytes(), layout).is_ok() {
            prop_assert!(fast.is_some(), "declined {:?} {}", layout, line);
        }
    }

    #[test]
    fn any_unix_row_is_the_reference_row_or_declined((layout, line) in unix_line(false)) {
        check_unix(layout, &line)?;
    }

    /// Rows in netstat's own columns, one byte changed or not: `count`'s reading, which
    /// checks them where the columns start, answers as the full reading does; unchanged,
    /// both take the row.
    #[test]
    fn printed_inet_rows_are_checked_as_read((line, edited) in printed_inet_line()) {
        let row = check_inet(InetLayout::FULL, &line)?;
        if !edited && inet_row(line.as_bytes(), InetLayout::FULL).is_ok() {
            prop_assert!(row.is_some(), "declined {}", line);
        }
    }

    /// Arbitrary bytes around netstat's alphabet, cut into a row at random.
    #[test]
    fn arbitrary_lines_never_disagree(
        bytes in proptest::collection::vec(prop_oneof![
            8 => proptest::sample::select(&b" 0123456789.:*/-()abcdefABCDEFtcpudpunix[]"[..]),
            1 => any::<u8>(),
        ], 0..160),
        layout in layouts(),
        program in any::<bool>(),
    ) {
        let fast = fast_inet_row(&bytes, layout);
        if let Some(row) = fast {
            prop_assert_eq!(Ok(row), inet_row(&bytes, layout));
        }
        checked_as_read(layout, &bytes)?;
        let unix_layout = UnixLayout { program };
        if let Some(row) = fast_unix_row(&bytes, unix_layout) {
            prop_assert_eq!(Ok(row), unix_row(&bytes, unix_layout));
        }
        unix_checked_as_read(unix_layout, &bytes)?;
    }
}

/// The generated rows of the benchmark input (`examples/generate.rs`) and the rows of the
/// corpus fixtures: every one the reference reads, the fast reader reads the same.
#[test]
fn fixture_rows_agree() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut checked = 0;
    let mut accepted = 0;
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read(&path) else { continue };
            let mut start = 0;
            for line in text.split(|&b| b == b'\n') {
                // Read through from the line's start to the end of the file, as from a chunk.
                let rest = &text[start..];
                start += line.len() + 1;
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                for layout in [InetLayout::FULL, InetLayout { user_inode: false, program: true, timer: false }] {
                    let read = fast_inet_row_through(rest, layout).map(|(_, n)| n);
                    assert_eq!(check_inet_row_through(rest, layout), read, "{}", String::from_utf8_lossy(line));
                    if let Some(row) = fast_inet_row(line, layout) {
                        assert_eq!(Ok(row), inet_row(line, layout), "{}", String::from_utf8_lossy(line));
                        accepted += 1;
                    }
                    checked += 1;
                }
                for layout in [UnixLayout { program: true }, UnixLayout { program: false }] {
                    let read = fast_unix_row_through(rest, layout).map(|(_, n)| n);
                    assert_eq!(check_unix_row_through(rest, layout), read, "{}", String::from_utf8_lossy(line));
                    if let Some(row) = fast_unix_row(line, layout) {
                        assert_eq!(Ok(row), unix_row(line, layout), "{}", String::from_utf8_lossy(line));
                        accepted += 1;
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 10_000 && accepted > 1_000, "{checked} lines checked, {accepted} accepted");
}
