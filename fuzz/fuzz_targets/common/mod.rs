//! What every per-format fuzz target checks: any bytes through the parser, every event
//! written as JSON, no panic, the carry-over bounded by the line cap, every line accounted
//! for in exactly one bucket.

use netsift::events::json::{write_event, EventWriter};
use netsift::events::json_reference::write_event_reference;
use netsift::views::search::Term;
use netsift::views::{CaptureSelect, ViewSet};
use netsift::{Event, Format, PushParser};

/// The line cap the targets use: small, so that over-long lines are exercised too.
pub const CAP: usize = 4096;

/// Parse `data` as `format` and check the invariants; every event is written as JSON by the
/// fast writer, by `EventWriter` (which remembers runs from event to event) and by the
/// reference writer, which must agree byte for byte on valid JSON.
pub fn check_format(format: Format, data: &[u8]) {
    let mut parser = PushParser::with_line_cap(format, CAP);
    let (mut out, mut reference, mut remembered) = (Vec::new(), Vec::new(), Vec::new());
    let mut writer = EventWriter::new();
    let mut sink = |ev: Event<'_>| {
        out.clear();
        write_event(&mut out, &ev);
        reference.clear();
        write_event_reference(&mut reference, &ev);
        remembered.clear();
        writer.write(&mut remembered, &ev);
        assert_eq!(out, reference, "{ev:?}");
        assert_eq!(remembered, reference, "{ev:?}");
        assert_valid_json(&reference);
    };
    parser.feed(data, &mut sink);
    parser.finish(&mut sink);
    assert!(parser.carry_high_water() <= CAP);
    let s = parser.stats();
    assert_eq!(
        s.rows + s.titles + s.headers + s.notices + s.blank + s.skipped + s.continuations + s.malformed,
        s.lines
    );
    check_read_through(format, data);
}

/// The lines a machine reads through where the chunk holds them (`netstat -s`'s remembered
/// lines, netstat's and ss's rows) against the same input fed a byte at a time, where every line is framed and
/// classified in full: the same events.
pub fn check_read_through(format: Format, data: &[u8]) {
    // The input twice: the second copy's lines are the remembered ones.
    let twice = [data, b"\n", data].concat();
    let events = |chunk: usize| {
        let mut out = Vec::new();
        let mut parser = PushParser::with_line_cap(format, CAP);
        let mut sink = |ev: Event<'_>| {
            let mut buf = Vec::new();
            write_event(&mut buf, &ev);
            out.push(buf);
        };
        twice.chunks(chunk.max(1)).for_each(|c| parser.feed(c, &mut sink));
        parser.finish(&mut sink);
        (out, parser.stats())
    };
    assert!(events(twice.len()) == events(1), "{format:?}: one feed and a byte at a time differ");
}

/// `json` is one JSON object. serde_json refuses lone surrogates, which the writer uses for
/// bytes that are not UTF-8 (`\udcXX`): they are read as `\u00XX` here.
fn assert_valid_json(json: &[u8]) {
    let text = std::str::from_utf8(json).expect("the writer writes UTF-8").replace(r"\udc", r"\u00");
    if let Err(e) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
        panic!("{e}: {text}");
    }
}

/// Any bytes, auto-detected, through every view, each written as JSON, and the lookups
/// insights offers: no panic.
pub fn check_views(data: &[u8]) {
    let mut views = ViewSet::new(Format::Auto, CaptureSelect::Last);
    let mut parser = PushParser::with_line_cap(Format::Auto, CAP);
    parser.feed(data, &mut views);
    parser.finish(&mut views);
    let mut out = Vec::new();
    views.write_json(&mut out);
    let terms: Vec<Term> = ["State=LISTEN", "Local_Address__contains=:", "PID__startswith=1", "Process__lower_value=x"]
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    if let Some(v) = &views.netstat {
        let _ = v.search(&[], &terms);
        let _ = v.listening_pid();
        let _ = v.running_processes();
    }
    if let Some(v) = &views.ss {
        let _ = v.search(&terms);
        for port in ["22", "0022", "-1", "ssh", "99999999999999999999999", ""] {
            let _ = v.get_port(port);
        }
        let _ = v.get_service("sshd");
    }
    if let Some(v) = &views.proc {
        for name in ["TCPTimeouts", "Tcp:ActiveOpens", ":", "Tcp:", ":x"] {
            let _ = v.get_stats(name);
        }
    }
    if let Some(v) = &views.iface {
        let _ = v.group_by_iface();
    }
    if let Some(v) = &views.agn {
        let _ = v.group_by_iface();
    }
}

/// The fuzzer chooses where the input is cut (its first 8 bytes): the events must equal
/// those of one feed.
pub fn check_chunking(input: &[u8]) {
    let (head, data) = input.split_at(input.len().min(8));
    let mut cuts: Vec<usize> = head.iter().map(|&b| usize::from(b) * data.len() / 256).collect();
    cuts.sort_unstable();
    assert_eq!(events(data, &cuts), events(data, &[]));
}

fn events(data: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut parser = PushParser::with_line_cap(Format::Auto, 256);
    let mut sink = |ev: Event<'_>| {
        let mut buf = Vec::new();
        write_event(&mut buf, &ev);
        out.push(buf);
    };
    let mut start = 0;
    for &cut in cuts {
        let cut = cut.clamp(start, data.len());
        parser.feed(&data[start..cut], &mut sink);
        start = cut;
    }
    parser.feed(&data[start..], &mut sink);
    parser.finish(&mut sink);
    out
}

/// One input parsed in two parts (what `netsift count/events --jobs N FILE` do): the
/// fuzzer chooses the format (byte 0), the cut (byte 1, moved to the next line start), the
/// warm-up before it (byte 2, ×16 bytes, moved to a line start) and whether capture
/// numbers count (byte 3). When the guessed state of the second part `agrees` with the
/// first part's end state, the events from the guess must be those of one parse.
pub fn check_split(input: &[u8]) {
    use netsift::push::Position;
    let (head, data) = input.split_at(input.len().min(4));
    let [f, c, w, k] = [0, 1, 2, 3].map(|i| head.get(i).copied().unwrap_or(0));
    let formats = [
        Format::Auto,
        Format::Netstat,
        Format::Ss,
        Format::NetstatS,
        Format::ProcNetstat,
        Format::NetstatI,
        Format::NetstatAgn,
    ];
    let format = formats[usize::from(f) % formats.len()];
    let captures = k & 1 == 1;
    let line_start = |at: usize| at + data[at..].iter().position(|&b| b == b'\n').map_or(data.len() - at, |i| i + 1);
    let cut = usize::from(c) * data.len() / 256;
    let cut = if cut == 0 { 0 } else { line_start(cut - 1) };
    let from = cut.saturating_sub(usize::from(w) * 16);
    let from = if from == 0 { 0 } else { line_start(from - 1).min(cut) };
    let collect = |out: &mut Vec<Vec<u8>>, ev: Event<'_>| {
        let ev = if captures { ev } else { Event { capture: 0, ..ev } };
        let mut buf = Vec::new();
        write_event(&mut buf, &ev);
        out.push(buf);
    };
    let mut whole = Vec::new();
    let mut parser = PushParser::new(format);
    parser.feed(data, &mut |ev: Event<'_>| collect(&mut whole, ev));
    parser.finish(&mut |ev: Event<'_>| collect(&mut whole, ev));

    let mut split = Vec::new();
    let mut first = PushParser::new(format);
    first.feed(&data[..cut], &mut |ev: Event<'_>| collect(&mut split, ev));
    let mut sniff = PushParser::new(format);
    sniff.feed(&data[..data.len().min(4096)], &mut |_: Event<'_>| {});
    let lines = data[..cut].iter().filter(|&&b| b == b'\n').count() as u64;
    let at = Position { line: 1 + lines, offset: cut as u64 };
    let mut guess = PushParser::guess_for_part(format, sniff.section_format(), &data[from..cut], at);
    if !guess.agrees(&first, captures) {
        return;
    }
    guess.feed(&data[cut..], &mut |ev: Event<'_>| collect(&mut split, ev));
    guess.finish(&mut |ev: Event<'_>| collect(&mut split, ev));
    assert_eq!(split, whole, "{format:?} cut at {cut} after a warm-up from {from}");
}

/// Every line of `data` through the hand-written netstat row readers and the grammar's,
/// in every layout: a row the fast reader returns must be the grammar's row, field for
/// field and span for span (it may decline any line; the grammar then reads it); a row
/// checked for `count` (`check_inet_row_through`, `check_unix_row_through`) must be taken
/// or declined with the same length as the row read in full from the same place.
pub fn check_fast_netstat(data: &[u8]) {
    use netsift::netsift_grammar::netstat::{
        check_inet_row_through, check_unix_row_through, fast_inet_row, fast_inet_row_through, fast_unix_row,
        fast_unix_row_through, inet_row, unix_row, InetLayout, UnixLayout,
    };
    let mut start = 0;
    for line in data.split(|&b| b == b'\n') {
        // What follows the line, read through as from a chunk.
        let rest = &data[start..];
        start += line.len() + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        for bits in 0..8u8 {
            let layout = InetLayout { user_inode: bits & 1 != 0, program: bits & 2 != 0, timer: bits & 4 != 0 };
            if let Some(row) = fast_inet_row(line, layout) {
                assert_eq!(Ok(row), inet_row(line, layout), "{layout:?} {:?}", String::from_utf8_lossy(line));
            }
            // `count`'s reading (the row checked, its addresses not built) answers as the
            // full reading does.
            let read = fast_inet_row_through(rest, layout).map(|(_, n)| n);
            assert_eq!(check_inet_row_through(rest, layout), read, "{layout:?} {:?}", String::from_utf8_lossy(rest));
        }
        for program in [false, true] {
            let layout = UnixLayout { program };
            if let Some(row) = fast_unix_row(line, layout) {
                assert_eq!(Ok(row), unix_row(line, layout), "{layout:?} {:?}", String::from_utf8_lossy(line));
            }
            let read = fast_unix_row_through(rest, layout).map(|(_, n)| n);
            assert_eq!(check_unix_row_through(rest, layout), read, "{layout:?} {:?}", String::from_utf8_lossy(rest));
        }
    }
}

/// The hand-written ss row reader against the combinator grammar (`ss::fast_row` vs
/// `ss::row_in`): the first byte picks the column set and a header geometry, the rest
/// (up to a newline) is the line, behind a real row's prefix unless the high bit is set.
/// The reader may decline; a row it gives must be the grammar's under any geometry. What
/// follows the newline is the rest of the chunk `fast_row_through` reads the line in.
pub fn check_ss_fast_row(data: &[u8]) {
    use netsift::netsift_grammar::ss::{self, SsColumns, SsGeometry};
    let Some((&flags, rest)) = data.split_first() else { return };
    let mut line = match flags & 0x80 {
        0 => b"tcp   ESTAB  0      0      ".to_vec(),
        _ => Vec::new(),
    };
    line.extend(rest.iter().copied().take_while(|&b| b != b'\n'));
    let columns = SsColumns { netid: flags & 1 != 0, state: flags & 2 != 0, queues: flags & 4 != 0 };
    // Read through (the row reader finding the line's end in a chunk): whatever follows
    // the `\n`, the row of the line alone, and where it ends; nothing for a `\r\n` line.
    if let Some(nl) = rest.iter().position(|&b| b == b'\n') {
        let mut text = line.clone();
        text.extend_from_slice(&rest[nl..]);
        let expected = match line.last() {
            Some(b'\r') => None,
            _ => ss::fast_row(&line, columns).map(|row| (row, line.len() + 1)),
        };
        assert_eq!(ss::fast_row_through(&text, columns), expected, "{}", String::from_utf8_lossy(&text));
    }
    let Some(fast) = ss::fast_row(&line, columns) else { return };
    let geometry = SsGeometry { send_q: Some(u32::from(flags >> 3 & 0xf) * 4), peer_colon: Some(u32::from(flags) * 2) };
    for geometry in [SsGeometry::default(), geometry] {
        assert_eq!(Ok(fast), ss::row_in(&line, columns, geometry), "{}", String::from_utf8_lossy(&line));
    }
    // The lazily read parts agree too.
    let slow = ss::row_in(&line, columns, SsGeometry::default()).expect("compared above");
    assert!(fast.extras.eq(slow.extras));
    assert!(fast.process.map(|u| u.iter().collect::<Vec<_>>()) == slow.process.map(|u| u.iter().collect::<Vec<_>>()));
}

/// The fast values reader of /proc/net/netstat (`proc_net::fast_pairs`) against its
/// reference (`pairs_with_spans` over `pair_line`), on every two neighbouring lines of
/// `data` as a names line and its values line: same pairs, same error.
pub fn check_proc_net_fast(data: &[u8]) {
    use netsift::netsift_grammar::proc_net::{fast_pairs, name_spans, pair_line, pairs_with_spans, values_body};
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    for pair in lines.windows(2) {
        let (names_line, values_line) = (pair[0], pair[1]);
        let (Ok(names), Ok(values)) = (pair_line(names_line), pair_line(values_line)) else { continue };
        let spans: Vec<(u32, u32)> = name_spans(&names).collect();
        let reference: Vec<_> = pairs_with_spans(&names, &spans, &values).collect();
        let (body, same) = match values_body(values_line, names.prefix) {
            Some(body) => (body, true),
            None => (values.body(), values.prefix == names.prefix),
        };
        let fast: Vec<_> = fast_pairs(&names, &spans, values_line, body, same).collect();
        assert_eq!(fast, reference);
        // The plain pairs in one loop, then the rest: the same items.
        let mut looped = Vec::new();
        let mut items = fast_pairs(&names, &spans, values_line, body, same);
        items.for_each_plain(|_, name, value| looped.push(Ok((name, value))));
        looped.extend(items);
        assert_eq!(looped, reference);
    }
}

/// Run the check of the fuzz target named `target` on `data` (for the stable replay test).
pub fn check_target(target: &str, data: &[u8]) {
    match target {
        "netstat" => check_format(Format::Netstat, data),
        "ss" => check_format(Format::Ss, data),
        "netstat_s" => check_format(Format::NetstatS, data),
        "proc_net" => check_format(Format::ProcNetstat, data),
        "netstat_i" => check_format(Format::NetstatI, data),
        "netstat_agn" => check_format(Format::NetstatAgn, data),
        // Issue 13, counters.
        "nstat" => check_format(Format::Nstat, data),
        "snmp6" => check_format(Format::ProcSnmp6, data),
        "sockstat" => check_format(Format::Sockstat, data),
        "proc_net_dev" => check_format(Format::ProcNetDev, data),
        "auto" => check_format(Format::Auto, data),
        // The kernel's socket tables: the protocol changes how states and timers are named.
        "proc_inet" => {
            use netsift::netsift_grammar::netstat::Proto;
            for proto in [Proto::Tcp, Proto::Udp6, Proto::Raw, Proto::Unknown] {
                check_format(Format::ProcNetInet(proto), data);
            }
        }
        "proc_unix" => check_format(Format::ProcNetUnix, data),
        "views" => check_views(data),
        "chunked" => check_chunking(data),
        "split" => check_split(data),
        "fast_netstat" => check_fast_netstat(data),
        "ss_fast_row" => check_ss_fast_row(data),
        "proc_net_fast" => check_proc_net_fast(data),
        "owned" => check_owned(data),
        "auto_values" => check_auto_values(data),
        other => panic!("unknown fuzz target {other}"),
    }
}

/// Every fuzz target's name.
pub const TARGETS: [&str; 21] = [
    "netstat",
    "ss",
    "netstat_s",
    "proc_net",
    "netstat_i",
    "netstat_agn",
    "auto",
    "views",
    "chunked",
    // The kernel's socket tables.
    "proc_inet",
    "proc_unix",
    // Issue 13, counters.
    "nstat",
    "snmp6",
    "sockstat",
    "proc_net_dev",
    // Issue 11, one input in parts.
    "split",
    // Issue 11, the hand-written netstat row readers against the grammar's.
    "fast_netstat",
    // Issue 11, the hand-written ss and /proc readers against the grammar's.
    "ss_fast_row",
    "proc_net_fast",
    // Issue 11, owned events made a batch at a time against the borrowed ones.
    "owned",
    // Issue 11, auto leaves /proc values lines to the /proc machine only when no format claims them.
    "auto_values",
];

/// The fuzzer chooses where the input is cut (its first 8 bytes) and the format (byte 9):
/// the owned events, each kept until every chunk has been fed, must write the same JSON as
/// the borrowed events of one feed, in the same order.
pub fn check_owned(input: &[u8]) {
    use netsift::OwnedEvents;
    let (head, rest) = input.split_at(input.len().min(8));
    let (choice, data) = rest.split_at(rest.len().min(1));
    let format = [Format::Auto, Format::Netstat, Format::Ss, Format::NetstatS, Format::ProcNetstat]
        [usize::from(choice.first().copied().unwrap_or(0)) % 5];
    let mut cuts: Vec<usize> = head.iter().map(|&b| usize::from(b) * data.len() / 256).collect();
    cuts.sort_unstable();

    let mut borrowed = Vec::new();
    let mut parser = PushParser::new(format);
    let mut sink = |ev: Event<'_>| {
        let mut buf = Vec::new();
        write_event(&mut buf, &ev);
        borrowed.push(buf);
    };
    parser.feed(data, &mut sink);
    parser.finish(&mut sink);

    let mut kept = Vec::new();
    let mut owned = OwnedEvents::new(format);
    let mut start = 0;
    for cut in cuts.into_iter().chain([data.len()]) {
        let cut = cut.clamp(start, data.len());
        // A fresh copy of each chunk, dropped by this loop: the events must keep their bytes.
        owned.feed(bytes::Bytes::copy_from_slice(&data[start..cut]), |ev| kept.push(ev));
        start = cut;
    }
    owned.finish(|ev| kept.push(ev));
    let written: Vec<Vec<u8>> = kept
        .iter()
        .map(|ev| {
            let mut buf = Vec::new();
            write_event(&mut buf, &ev.event());
            buf
        })
        .collect();
    assert_eq!(written, borrowed, "{format:?}");
}

/// `auto` does not ask the formats about a /proc values line: each input line, as it is
/// and made into a values line (its first word as the prefix, every other byte mapped to a
/// digit, a blank or a sign), is either no such line or one that no format claims under
/// any current format.
pub fn check_auto_values(data: &[u8]) {
    use netsift::push::auto_skips_only_unclaimed;
    for line in data.split(|&b| b == b'\n') {
        assert_ne!(auto_skips_only_unclaimed(line), Some(false), "{:?}", String::from_utf8_lossy(line));
        let word = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
        let mut made = line[..word].to_vec();
        made.push(b':');
        made.extend(line[word..].iter().map(|&b| match b % 15 {
            0..=2 => b' ',
            3 => b'\t',
            4 => b'-',
            d => b'0' + (d - 5),
        }));
        assert_ne!(auto_skips_only_unclaimed(&made), Some(false), "{:?}", String::from_utf8_lossy(&made));
    }
}
