//! Localized netstat output (net-tools' own translations) is read into the same typed
//! values as the C locale. Captures: tests/fixtures/captured (README there).

use std::collections::BTreeMap;
use std::path::Path;

use netsift::events::{InetState, TcpState, TimerKind, UnixState, UnixType};
use netsift::netsift_grammar::netstat::words::Lang;
use netsift::views::NetstatView;
use netsift::{Event, EventKind, Format, PushParser};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/captured").join(name)).expect("capture")
}

#[derive(Debug, Default)]
struct Summary {
    langs: Vec<Lang>,
    inet: usize,
    unix: usize,
    malformed: usize,
    /// Typed states (C names) and how many rows have them.
    states: BTreeMap<String, usize>,
    timers: BTreeMap<String, usize>,
    unix_states: BTreeMap<String, usize>,
    untyped: Vec<String>,
}

fn summarize(name: &str) -> Summary {
    let mut s = Summary::default();
    let mut parser = PushParser::new(Format::Auto);
    let mut sink = |ev: Event<'_>| match ev.kind {
        EventKind::Section(sec) => s.langs.push(sec.lang),
        EventKind::InetConn(c) => {
            s.inet += 1;
            let state = match c.state {
                InetState::Known(t) => t.as_str().to_string(),
                InetState::Empty => "-".to_string(),
                InetState::Kernel(n) => n.to_string(),
                InetState::Other(w) => {
                    s.untyped.push(String::from_utf8_lossy(w).into_owned());
                    "?".to_string()
                }
            };
            *s.states.entry(state).or_default() += 1;
            let t = c.timer.expect("every -o row has a timer");
            if t.kind == TimerKind::Other {
                s.untyped.push(String::from_utf8_lossy(t.word).into_owned());
            }
            *s.timers.entry(format!("{:?}", t.kind)).or_default() += 1;
        }
        EventKind::UnixSocket(u) => {
            s.unix += 1;
            if let UnixState::Other(w) = u.state {
                s.untyped.push(String::from_utf8_lossy(w).into_owned());
            }
            if let UnixType::Other(w) = u.sock_type {
                s.untyped.push(String::from_utf8_lossy(w).into_owned());
            }
            *s.unix_states.entry(format!("{:?}", u.state)).or_default() += 1;
        }
        EventKind::Malformed(_) => s.malformed += 1,
        _ => {}
    };
    parser.feed(&read(name), &mut sink);
    parser.finish(&mut sink);
    s
}

#[test]
fn every_language_is_read_into_the_same_types() {
    let c = summarize("deb12_netstat-neopa.txt");
    assert_eq!(c.langs, vec![Lang::C, Lang::C]);
    for (file, lang) in [
        ("deb12_de_netstat-neopa.txt", Lang::De),
        ("deb12_fr_netstat-neopa.txt", Lang::Fr),
        ("deb12_ja_netstat-neopa.txt", Lang::Ja),
        ("deb12_cs_netstat-neopa.txt", Lang::Cs),
        ("deb12_et_netstat-neopa.txt", Lang::Et),
        ("deb12_ptBR_netstat-neopa.txt", Lang::PtBr),
    ] {
        let s = summarize(file);
        assert_eq!(s.langs, vec![lang, lang], "{file}");
        assert_eq!(s.malformed, 0, "{file}");
        assert!(s.untyped.is_empty(), "{file}: words not read: {:?}", s.untyped);
        // The captures ran seconds apart: the listeners and unix sockets are the same,
        // the short-lived TIME_WAITs may differ.
        assert_eq!(s.unix, c.unix, "{file}");
        assert_eq!(s.states.get("LISTEN"), c.states.get("LISTEN"), "{file}");
        assert_eq!(s.unix_states, c.unix_states, "{file}");
        assert!(s.timers.get("Off").is_some_and(|&n| n > 40), "{file}: {:?}", s.timers);
    }
}

#[test]
fn translated_words_seen_in_the_captures() {
    // German: ESTABLISHED and unix CONNECTED are both `VERBUNDEN`, SEQPACKET is `SEQPAKET`,
    // timers `aus`/`ein` with a decimal comma.
    let de = summarize("deb12_de_netstat-neopa.txt");
    assert!(de.states.get("ESTABLISHED").is_some_and(|&n| n > 10));
    assert!(de.timers.contains_key("On"));
    // Czech: LISTEN is `NASLOUCHÁ`; Japanese: timers `オフ`, `キープアライブ`, `時間待ち`.
    let cs = summarize("deb12_cs_netstat-neopa.txt");
    assert!(cs.states.get("LISTEN").is_some_and(|&n| n > 5));
    let ja = summarize("deb12_ja_netstat-neopa.txt");
    assert!(ja.timers.contains_key("Keepalive") && ja.timers.contains_key("TimeWait"), "{:?}", ja.timers);
}

#[test]
fn the_view_keys_are_the_c_locale_names() {
    for file in ["deb12_de_netstat-neopa.txt", "deb12_ja_netstat-neopa.txt", "deb12_fr_netstat-neopa.txt"] {
        let mut view = NetstatView::default();
        let mut parser = PushParser::new(Format::Auto);
        parser.feed(&read(file), &mut view);
        parser.finish(&mut view);
        let titles: Vec<&str> = view.tables().iter().map(|t| t.title).collect();
        assert_eq!(
            titles,
            vec![
                "Active Internet connections (servers and established)",
                "Active UNIX domain sockets (servers and established)"
            ],
            "{file}"
        );
        assert_eq!(view.tables()[0].columns[6], "User", "{file}");
        // listening_pid reads the typed state, so it works whatever the language.
        assert!(!view.listening_pid().is_empty(), "{file}");
    }
}

#[test]
fn multi_word_and_odd_translations() {
    use netsift::events::InetLayout;
    use netsift::netsift_grammar::netstat::inet_row;
    let cs = "tcp        0      0 127.0.0.1:40050         127.0.0.1:60498         POSLEDNÍ ACK 0          0          -                    vyp (0.00/0/0)";
    let r = inet_row(cs.as_bytes(), InetLayout::FULL).unwrap();
    assert_eq!(r.state, InetState::Known(TcpState::LastAck));
    assert_eq!(r.inode, Some(0));
    // Estonian prints `eikäi ((0.00/0/0)`.
    let et = "tcp        0      0 0.0.0.0:2024            0.0.0.0:*               LISTEN      0          647        -                    eikäi ((0.00/0/0)";
    let r = inet_row(et.as_bytes(), InetLayout::FULL).unwrap();
    assert_eq!(r.timer.unwrap().kind, TimerKind::Off);
}
