//! `netstat -agn`: what one line is.
//!
//! ```text
//! IPv6/IPv4 Group Memberships
//! Interface       RefCnt Group
//! --------------- ------ ---------------------
//! lo              1      224.0.0.1
//! eth0            1      ff02::1:ff00:2
//! ```
//!
//! `-g` lists multicast group memberships: IPv4 rows (from /proc/net/igmp) first, then IPv6
//! rows (/proc/net/igmp6). The title is `IPv4 Group Memberships` on builds without IPv6 and
//! is translated (the `IPv6/` before it is not). Rows are `%-15s %-6d %s`: a name longer than
//! 15 bytes pushes the rest right, so a row is read as three words. Without `-n` the group is
//! a resolved name (`all-systems.mcast.net`, `ip6-allnodes`).

use std::net::IpAddr;

use crate::lex::{parse_u64, trim_end_blanks, trim_start_blanks, words};
use crate::netstat::words::Lang;
use crate::LineError;

/// The title after the optional `IPv6/`, in every language net-tools ships (pt_BR keeps the
/// English one).
static TITLES: &[(&str, Lang)] = &[
    ("IPv4 Group Memberships", Lang::C),
    ("Členství v IPv4 skupinách", Lang::Cs),
    ("IPv4-Gruppenmitgliedschaften", Lang::De),
    ("IPv4 grupikuuluvused", Lang::Et),
    ("IPv4グループメンバシップ", Lang::Ja),
];

/// The header words (`Interface RefCnt Group`) in every language.
static HEADERS: &[([&str; 3], Lang)] = &[
    (["Interface", "RefCnt", "Group"], Lang::C),
    (["Rozhraní", "Čítač", "Skupina"], Lang::Cs),
    (["Schnittstelle", "RefZäh", "Grupp"], Lang::De),
    (["Liides", "Mitu", "Grupp"], Lang::Et),
    (["インタフェース", "参照Cnt", "グループ"], Lang::Ja),
    (["Interface", "CntRef", "Grupo"], Lang::PtBr),
];

/// `warning, got bogus igmp line %d.` and `… igmp6 …`, split around the number, in every
/// language: (before, after, which file, language). French uses the `igmp6` words for both files.
static BOGUS: &[(&str, &str, Option<IgmpFile>, Lang)] = &[
    ("warning, got bogus igmp line ", ".", Some(IgmpFile::Igmp), Lang::C),
    ("warning, got bogus igmp6 line ", ".", Some(IgmpFile::Igmp6), Lang::C),
    ("varování, nesmyslný igmp řádek ", ".", Some(IgmpFile::Igmp), Lang::Cs),
    ("varování, nesmyslný igmp6 řádek ", ".", Some(IgmpFile::Igmp6), Lang::Cs),
    ("Warnung, fehlerhafte igmp-Zeile ", ".", Some(IgmpFile::Igmp), Lang::De),
    ("Warnung, fehlerhafte igmp6 line ", ".", Some(IgmpFile::Igmp6), Lang::De),
    ("Hoiatus - sain imeliku igmp rea (nr. ", ")", Some(IgmpFile::Igmp), Lang::Et),
    ("Hoiatus - sain imeliku igmp6 rea (nr. ", ")", Some(IgmpFile::Igmp6), Lang::Et),
    ("attention, ligne igmp6 en erreur ", ".", None, Lang::Fr),
    ("警告, 偽のigmpライン", "を得ました.", Some(IgmpFile::Igmp), Lang::Ja),
    ("警告, 偽のigmp6ライン", "を得ました.", Some(IgmpFile::Igmp6), Lang::Ja),
    ("atenção, recebi linha igmp inválida ", ".", Some(IgmpFile::Igmp), Lang::PtBr),
    ("atenção, recebi linha igmp6 inválida ", ".", Some(IgmpFile::Igmp6), Lang::PtBr),
];

/// The title line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgnTitle {
    /// True for `IPv6/IPv4 …` (the build reads /proc/net/igmp6 too).
    pub ipv6: bool,
    /// The language of the title.
    pub lang: Lang,
}

/// Recognise the title line, in any language.
///
/// ```
/// use netsift_grammar::netstat_agn::title;
/// let t = title(b"IPv6/IPv4 Group Memberships").unwrap();
/// assert!(t.ipv6);
/// assert!(!title(b"IPv4 Group Memberships").unwrap().ipv6);
/// assert!(title(b"Interface       RefCnt Group").is_none());
/// ```
pub fn title(line: &[u8]) -> Option<AgnTitle> {
    let line = trim_end_blanks(trim_start_blanks(line));
    let (ipv6, rest) = match line.strip_prefix(b"IPv6/") {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    TITLES.iter().find(|(t, _)| t.as_bytes() == rest).map(|&(_, lang)| AgnTitle { ipv6, lang })
}

/// Recognise the header line (`Interface       RefCnt Group`), in any language.
///
/// ```
/// use netsift_grammar::netstat_agn::header;
/// use netsift_grammar::netstat::words::Lang;
/// assert_eq!(header(b"Interface       RefCnt Group"), Some(Lang::C));
/// assert_eq!(header("Schnittstelle   RefZäh Grupp".as_bytes()), Some(Lang::De));
/// ```
pub fn header(line: &[u8]) -> Option<Lang> {
    let mut w = words(line).map(|(_, w)| w);
    // The first word alone rules out nearly every line (auto-detection asks this of many).
    let first = w.next()?;
    if !HEADERS.iter().any(|(names, _)| names[0].as_bytes() == first) {
        return None;
    }
    let got = [first, w.next()?, w.next()?];
    if w.next().is_some() {
        return None;
    }
    HEADERS.iter().find(|(names, _)| names.iter().zip(got).all(|(n, g)| n.as_bytes() == g)).map(|&(_, lang)| lang)
}

/// True for the line of dashes under the header (`--------------- ------ -----…`).
///
/// ```
/// use netsift_grammar::netstat_agn::is_dashes;
/// assert!(is_dashes(b"--------------- ------ ---------------------"));
/// assert!(!is_dashes(b"   "));
/// ```
pub fn is_dashes(line: &[u8]) -> bool {
    line.contains(&b'-') && line.iter().all(|&b| b == b'-' || crate::lex::is_blank(b))
}

/// The multicast group of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Group<'a> {
    /// A numeric group (`-n`).
    Ip(IpAddr),
    /// A resolved name (`all-systems.mcast.net`, `ip6-allnodes`), as printed.
    Name(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

/// One membership row, borrowing from its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Membership<'a> {
    /// The whole line, as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub line: &'a [u8],
    /// The interface. Before 2018 netstat read IPv4 names with a 10-byte field, so a longer
    /// name is cut in IPv4 rows and whole in IPv6 rows.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub interface: &'a [u8],
    /// How many sockets (or the kernel) joined the group on this interface.
    pub refcnt: u64,
    /// The group.
    pub group: Group<'a>,
    /// The group as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub group_text: &'a [u8],
    /// Byte ranges of the interface, refcount and group within `line`.
    pub spans: [(u32, u32); 3],
}

/// Parse one membership row: interface, reference count, group.
///
/// ```
/// use netsift_grammar::netstat_agn::{row, Group};
/// let r = row(b"eth0            1      ff02::1:ff00:2").unwrap();
/// assert_eq!((r.interface, r.refcnt), (&b"eth0"[..], 1));
/// assert_eq!(r.group, Group::Ip("ff02::1:ff00:2".parse().unwrap()));
/// let r = row(b"lo              1      all-systems.mcast.net").unwrap();
/// assert_eq!(r.group, Group::Name(b"all-systems.mcast.net"));
/// ```
pub fn row(line: &[u8]) -> Result<Membership<'_>, LineError> {
    let end = trim_end_blanks(line).len();
    let mut toks = words(&line[..end]);
    let span = |at: usize, w: &[u8]| (at as u32, (at + w.len()) as u32);
    let Some((i_at, interface)) = toks.next() else {
        return Err(LineError::new(0, "an interface name"));
    };
    let Some((r_at, refcnt_text)) = toks.next() else {
        return Err(LineError::new(end, "a reference count"));
    };
    let Some(refcnt) = parse_u64(refcnt_text) else {
        return Err(LineError::new(r_at, "a reference count"));
    };
    let Some((g_at, group_text)) = toks.next() else {
        return Err(LineError::new(end, "a multicast group"));
    };
    if let Some((at, _)) = toks.next() {
        return Err(LineError::new(at, "the end of the row"));
    }
    let group = match std::str::from_utf8(group_text).ok().and_then(|s| s.parse::<IpAddr>().ok()) {
        Some(ip) => Group::Ip(ip),
        None => Group::Name(group_text),
    };
    let spans = [span(i_at, interface), span(r_at, refcnt_text), span(g_at, group_text)];
    Ok(Membership { line, interface, refcnt, group, group_text, spans })
}

/// Which file a bogus-line warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IgmpFile {
    /// /proc/net/igmp.
    Igmp,
    /// /proc/net/igmp6.
    Igmp6,
}

/// `warning, got bogus igmp line 3.`: netstat could not read a line of /proc/net/igmp(6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BogusLine {
    /// Which file; `None` when the language does not say (French prints the same words).
    pub file: Option<IgmpFile>,
    /// The line number netstat reports.
    pub line_number: Option<u64>,
    /// The language of the message.
    pub lang: Lang,
}

/// Recognise a bogus-line warning, in any language.
///
/// ```
/// use netsift_grammar::netstat_agn::{notice, IgmpFile};
/// let n = notice(b"warning, got bogus igmp6 line 7.").unwrap();
/// assert_eq!((n.file, n.line_number), (Some(IgmpFile::Igmp6), Some(7)));
/// ```
pub fn notice(line: &[u8]) -> Option<BogusLine> {
    let line = trim_end_blanks(line);
    for &(before, after, file, lang) in BOGUS {
        if let Some(rest) = line.strip_prefix(before.as_bytes()) {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let tail = &rest[digits..];
            if tail == after.as_bytes() || tail.is_empty() {
                return Some(BogusLine { file, line_number: parse_u64(&rest[..digits]), lang });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_headers_dashes() {
        assert_eq!(title(b"IPv6/IPv4 Group Memberships"), Some(AgnTitle { ipv6: true, lang: Lang::C }));
        assert_eq!(
            title("IPv6/IPv4-Gruppenmitgliedschaften".as_bytes()),
            Some(AgnTitle { ipv6: true, lang: Lang::De })
        );
        assert_eq!(title("Členství v IPv4 skupinách".as_bytes()), Some(AgnTitle { ipv6: false, lang: Lang::Cs }));
        assert_eq!(title(b"Kernel Interface table"), None);
        assert_eq!(header(b"Interface       RefCnt Group"), Some(Lang::C));
        assert_eq!(header("インタフェース 参照Cnt グループ".as_bytes()), Some(Lang::Ja));
        assert_eq!(header(b"Interface       CntRef Grupo"), Some(Lang::PtBr));
        assert_eq!(header(b"lo              1      224.0.0.1"), None);
        assert_eq!(header(b"Interface RefCnt Group extra"), None);
        assert!(is_dashes(b"--------------- ------ ---------------------"));
        assert!(!is_dashes(b"lo 1 -"));
    }

    #[test]
    fn rows_from_the_captures() {
        // tests/fixtures/corpus/real/r1_netstat-agn.txt and tests/fixtures/captured/deb12_netstat-agn.txt.
        for (line, iface, group) in [
            ("lo              1      224.0.0.251", "lo", "224.0.0.251"),
            ("eth0            1      239.1.2.3", "eth0", "239.1.2.3"),
            ("lo              1      ff15::1:2:3", "lo", "ff15::1:2:3"),
            ("ifb1            1      ff01::1", "ifb1", "ff01::1"),
            ("eth0            1      ff02::1:ff00:1", "eth0", "ff02::1:ff00:1"),
        ] {
            let r = row(line.as_bytes()).unwrap();
            assert_eq!(r.interface, iface.as_bytes());
            assert_eq!(r.refcnt, 1);
            assert_eq!(r.group, Group::Ip(group.parse().unwrap()));
            assert_eq!(r.group_text, group.as_bytes());
        }
        // insights-core's fixture: reference counts above 1.
        let r = row(b"eth0            4      ff02::1").unwrap();
        assert_eq!(r.refcnt, 4);
        assert_eq!(r.spans, [(0, 4), (16, 17), (23, 30)]);
    }

    #[test]
    fn long_names_and_resolved_groups() {
        let r = row(b"a-very-long-interface-name 12 ip6-allnodes").unwrap();
        assert_eq!((r.interface, r.refcnt), (&b"a-very-long-interface-name"[..], 12));
        assert_eq!(r.group, Group::Name(b"ip6-allnodes"));
    }

    #[test]
    fn row_errors() {
        assert_eq!(row(b"").unwrap_err(), LineError::new(0, "an interface name"));
        assert_eq!(row(b"lo              1").unwrap_err(), LineError::new(17, "a multicast group"));
        assert_eq!(row(b"lo 1 224.0.0.1 extra").unwrap_err(), LineError::new(15, "the end of the row"));
        assert_eq!(row(b"eth0").unwrap_err(), LineError::new(4, "a reference count"));
        assert_eq!(row(b"eth0 x 224.0.0.1").unwrap_err(), LineError::new(5, "a reference count"));
    }

    #[test]
    fn bogus_line_warnings() {
        let n = notice(b"warning, got bogus igmp line 3.").unwrap();
        assert_eq!((n.file, n.line_number, n.lang), (Some(IgmpFile::Igmp), Some(3), Lang::C));
        let n = notice("Warnung, fehlerhafte igmp-Zeile 2.".as_bytes()).unwrap();
        assert_eq!((n.file, n.lang), (Some(IgmpFile::Igmp), Lang::De));
        let n = notice("attention, ligne igmp6 en erreur 4.".as_bytes()).unwrap();
        assert_eq!((n.file, n.line_number, n.lang), (None, Some(4), Lang::Fr));
        let n = notice("Hoiatus - sain imeliku igmp6 rea (nr. 9)".as_bytes()).unwrap();
        assert_eq!((n.file, n.line_number, n.lang), (Some(IgmpFile::Igmp6), Some(9), Lang::Et));
        let n = notice("警告, 偽のigmp6ライン5を得ました.".as_bytes()).unwrap();
        assert_eq!((n.file, n.line_number, n.lang), (Some(IgmpFile::Igmp6), Some(5), Lang::Ja));
        let n = notice("atenção, recebi linha igmp inválida 1.".as_bytes()).unwrap();
        assert_eq!(n.lang, Lang::PtBr);
        assert_eq!(notice(b"warning, got bogus tcp line."), None);
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        for line in [&b"\xff"[..], b"lo 1 \xff\xfe", b"- - -", b"IPv6/", b"warning, got bogus igmp line "] {
            let _ = (title(line), header(line), is_dashes(line), row(line), notice(line));
        }
    }
}
