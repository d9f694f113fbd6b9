//! The sentence table: which kernel counter each `netstat -s` sentence shows.
//!
//! net-tools prints a counter it knows as a sentence with the value substituted
//! (`%llu active connection openings`), and the wording changed across versions and
//! languages. The table maps every template of statistics.c in net-tools 1.60, the
//! 2013-09-30 snapshot (RHEL 7), the 2016-09-12 snapshot (RHEL 8/9) and 2.10, plus the
//! translations of net-tools' catalogues, to its kernel counter `(section, name)`, the key
//! `/proc/net/snmp` and `/proc/net/netstat` use.
//!
//! A template is looked up by the sentence with its number cut out: the text before the
//! number and the text after it, compared with the template around its `%`. The templates
//! are kept in one static table, searched through a sorted index built once on first use;
//! a lookup allocates nothing.

use std::cmp::Ordering;
use std::sync::OnceLock;

use super::sentences_data as data;
use crate::netstat::words::Lang;

/// Which ICMP histogram a `name: value` line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Under `ICMP input histogram:`: `In…` counters.
    Input,
    /// Under `ICMP output histogram:`: `Out…` counters.
    Output,
}

/// A set of the net-tools versions found in the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Versions(u8);

impl Versions {
    /// No version (translated templates: a catalogue's wording is not tied to one release).
    pub const NONE: Versions = Versions(0);
    /// net-tools 1.60 (2001; RHEL 6 and older, with patches).
    pub const V1_60: Versions = Versions(1);
    /// The upstream snapshot of 2013-09-30 that RHEL/CentOS 7 ship as net-tools 2.0.
    pub const V2013: Versions = Versions(2);
    /// The upstream snapshot of 2016-09-12 that RHEL 8 and 9 ship.
    pub const V2016: Versions = Versions(4);
    /// net-tools 2.10 (2021; Debian 12, current distributions).
    pub const V2_10: Versions = Versions(8);
    /// Every version above.
    pub const ALL: Versions = Versions(0b1111);

    /// The set from its bits (1.60 = 1, 2013 = 2, 2016 = 4, 2.10 = 8); other bits are dropped.
    pub const fn from_bits(bits: u8) -> Versions {
        Versions(bits & 0b1111)
    }

    /// The bits of the set.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// True when every version of `other` is in `self`.
    pub const fn contains(self, other: Versions) -> bool {
        self.0 & other.0 == other.0
    }

    /// True for the empty set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// One sentence template and the counter it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// The sentence as net-tools prints it, with `%` where the number goes and without
    /// indentation or trailing blanks (`% active connection openings`,
    /// `Quick ack mode was activated % times`, `destination unreachable: %`).
    pub text: &'static str,
    /// The language of the wording.
    pub lang: Lang,
    /// The kernel section the counter is in (`Tcp`, `TcpExt`; `Ip6`, `Icmp6` and `Udp6`
    /// for the `netstat -s -6` tables of /proc/net/snmp6; `Sctp` for /proc/net/sctp/snmp).
    pub section: &'static str,
    /// The kernel's name of the counter (`ActiveOpens`).
    pub name: &'static str,
    /// For histogram lines, which histogram; `None` for every other sentence.
    pub histogram: Option<Direction>,
    /// The English versions that print exactly this text (empty for translations).
    pub versions: Versions,
}

/// Every template of the table: English first (in statistics.c order), then each language.
pub fn templates() -> &'static [Template] {
    data::TEMPLATES
}

/// The two sentences printed with a word instead of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WordSentence {
    /// `Forwarding is enabled` (`Ip` `Forwarding` = 1) or `… disabled` (2).
    Forwarding,
    /// `RTO algorithm is vanj` (`Tcp` `RtoAlgorithm`: other 1, constant 2, rsre 3, vanj 4).
    RtoAlgorithm,
}

impl WordSentence {
    /// The counter the sentence shows.
    pub fn counter(self) -> (&'static str, &'static str) {
        match self {
            WordSentence::Forwarding => ("Ip", "Forwarding"),
            WordSentence::RtoAlgorithm => ("Tcp", "RtoAlgorithm"),
        }
    }

    /// The counter value a printed word stands for.
    pub(super) fn value(self, word: &[u8]) -> Option<i128> {
        match self {
            WordSentence::Forwarding => {
                data::FORWARDING_WORDS.iter().find(|(w, _)| w.as_bytes() == word).map(|&(_, v)| v)
            }
            // RFC 2012 tcpRtoAlgorithm; net-tools prints the MIB's names.
            WordSentence::RtoAlgorithm => match word {
                b"other" => Some(1),
                b"constant" => Some(2),
                b"rsre" => Some(3),
                b"vanj" => Some(4),
                _ => None,
            },
        }
    }
}

/// `Forwarding is …` / `RTO algorithm is …`: the sentence, the printed word and its value.
pub(super) fn word_sentence(text: &[u8]) -> Option<(WordSentence, Lang, usize, usize, i128)> {
    for &(template, which, lang) in data::WORD_SENTENCES {
        let (head, tail) = split_template(template);
        if text.len() > head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail) {
            let (start, end) = (head.len(), text.len() - tail.len());
            if let Some(value) = which.value(&text[start..end]) {
                return Some((which, lang, start, end, value));
            }
        }
    }
    None
}

fn split_template(template: &str) -> (&[u8], &[u8]) {
    let t = template.as_bytes();
    match t.iter().position(|&b| b == b'%') {
        Some(p) => (&t[..p], &t[p + 1..]),
        None => (t, b""),
    }
}

/// The histogram sub-title `text` is, in any language.
pub(super) fn histogram_title(text: &[u8]) -> Option<(Direction, Lang)> {
    data::HISTOGRAMS.iter().find(|(t, _, _)| t.as_bytes() == text).map(|&(_, d, l)| (d, l))
}

/// The notice an error line of netstat -s starts with, in any language.
pub(super) fn notice_prefix(line: &[u8]) -> Option<super::NoticeKind> {
    data::NOTICES.iter().find(|(p, _)| line.starts_with(p.as_bytes())).map(|&(_, k)| k)
}

/// Compare a template with `before` + `%` + `after`, byte by byte.
fn cmp_key(template: &str, before: &[u8], after: &[u8]) -> Ordering {
    // Compare slice by slice (memcmp), not byte by byte through chained iterators.
    let mut t = template.as_bytes();
    for segment in [before, b"%", after] {
        let n = t.len().min(segment.len());
        match t[..n].cmp(&segment[..n]) {
            Ordering::Equal => {}
            other => return other,
        }
        if n < segment.len() {
            // The template ended inside the key: it is a prefix of it.
            return Ordering::Less;
        }
        t = &t[n..];
    }
    if t.is_empty() {
        Ordering::Equal
    } else {
        Ordering::Greater
    }
}

/// The templates, as indices into [`templates`], sorted by text.
fn index() -> &'static [u16] {
    static INDEX: OnceLock<Box<[u16]>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let table = data::TEMPLATES;
        let mut index: Vec<u16> = (0..table.len()).filter_map(|i| u16::try_from(i).ok()).collect();
        index.sort_by(|&a, &b| table[usize::from(a)].text.cmp(table[usize::from(b)].text));
        index.into_boxed_slice()
    })
}

/// The templates that print a sentence: a range of the sorted index, all with the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Matches {
    lo: u16,
    hi: u16,
}

impl Matches {
    /// The matching templates (one text; several counters when the same words are printed for
    /// several of them, e.g. `destination unreachable: %` in both histograms).
    pub fn iter(self) -> impl Iterator<Item = &'static Template> + Clone {
        let index = index();
        let (lo, hi) = (usize::from(self.lo).min(index.len()), usize::from(self.hi).min(index.len()));
        index[lo..hi].iter().map(|&i| &data::TEMPLATES[usize::from(i)])
    }

    /// The template text.
    pub fn text(self) -> &'static str {
        self.iter().next().map_or("", |t| t.text)
    }
}

/// Find the templates whose text is `before` + `%` + `after`: the sentence with its number
/// cut out, without indentation or trailing blanks.
///
/// ```
/// use netsift_grammar::netstat_s::lookup;
/// let m = lookup(b"Quick ack mode was activated ", b" times").unwrap();
/// let t = m.iter().next().unwrap();
/// assert_eq!((t.section, t.name), ("TcpExt", "DelayedACKLost"));
/// assert!(lookup(b"", b" things").is_none());
/// ```
pub fn lookup(before: &[u8], after: &[u8]) -> Option<Matches> {
    // Hash the key without building it, probe the table from the slot the hash names,
    // confirm the text.
    let hash = key_hash(before, after);
    let table = table();
    let mask = table.len() - 1;
    let mut slot = (hash >> 32) as usize & mask;
    loop {
        let (h, m) = table[slot]?;
        if h == hash && cmp_key(m.text(), before, after) == Ordering::Equal {
            return Some(m);
        }
        slot = (slot + 1) & mask;
    }
}

/// The reference [`lookup`]: the sorted list of hashes searched by bisection, as before
/// the open-addressed table. Tests compare the two.
#[cfg(test)]
fn lookup_sorted(before: &[u8], after: &[u8]) -> Option<Matches> {
    let hash = fnv1a(fnv1a(fnv1a(FNV_OFFSET, before), b"%"), after);
    let by_hash = hashed();
    let first = by_hash.partition_point(|&(h, _)| h < hash);
    by_hash[first..].iter().take_while(|&&(h, _)| h == hash).map(|&(_, m)| m).find(|m| {
        let text = m.text();
        cmp_key(text, before, after) == Ordering::Equal
    })
}

/// [`hashed`] as an open-addressed table (linear probing, a power of two at least four
/// times the texts, so that a probe ends within a slot or two): one multiply-free index
/// instead of a bisection of a thousand hashes per sentence.
fn table() -> &'static [Slot] {
    static TABLE: OnceLock<Box<[Slot]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let entries = hashed();
        let size = (entries.len() * 4).next_power_of_two().max(8);
        let mut table = vec![None; size];
        for &(_, m) in entries {
            let (before, after) = split_template(m.text());
            let h = key_hash(before, after);
            let mut slot = (h >> 32) as usize & (size - 1);
            while table[slot].is_some() {
                slot = (slot + 1) & (size - 1);
            }
            table[slot] = Some((h, m));
        }
        table.into_boxed_slice()
    })
}

/// A slot of [`table`]: empty, or a text's hash and its templates.
type Slot = Option<(u64, Matches)>;

/// The hash of the key `before` + `%` + `after` for [`table`]: each part eight bytes at a
/// time (FNV-1a, byte by byte, was a fifth of a sentence's instructions).
#[inline]
fn key_hash(before: &[u8], after: &[u8]) -> u64 {
    word_hash(word_hash(0x9e37_79b9_7f4a_7c15, before) ^ 0x25, after)
}

/// A multiplicative hash of `bytes` fed eight at a time, the length mixed in last.
#[inline]
fn word_hash(mut hash: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x2545_f491_4f6c_dd1d;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = (hash ^ u64::from_le_bytes(word)).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = (hash ^ u64::from_le_bytes(tail)).wrapping_mul(K).rotate_left(29);
    (hash ^ bytes.len() as u64).wrapping_mul(K)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, fed piece by piece: the hash of a concatenation without concatenating.
fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Each distinct template text's hash and its range in [`index`], sorted by hash.
fn hashed() -> &'static [(u64, Matches)] {
    static HASHED: OnceLock<Box<[(u64, Matches)]>> = OnceLock::new();
    HASHED.get_or_init(|| {
        let index = index();
        let table = data::TEMPLATES;
        let mut ranges: Vec<(u64, Matches)> = Vec::new();
        let mut lo = 0;
        while lo < index.len() {
            let text = table[usize::from(index[lo])].text;
            let hi = lo + index[lo..].iter().take_while(|&&i| table[usize::from(i)].text == text).count();
            if let (Ok(l), Ok(h)) = (u16::try_from(lo), u16::try_from(hi)) {
                ranges.push((fnv1a(FNV_OFFSET, text.as_bytes()), Matches { lo: l, hi: h }));
            }
            lo = hi;
        }
        ranges.sort_by_key(|&(h, _)| h);
        ranges.into_boxed_slice()
    })
}

/// Where a sentence is: the section it was printed under and, inside `Icmp`, the histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context<'s> {
    /// The title of the current section, without its colon (`Tcp`), if any.
    pub section: Option<&'s [u8]>,
    /// The histogram whose sub-title was seen last in this section, if any.
    pub histogram: Option<Direction>,
}

/// The kernel counter a counter line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping<'a> {
    /// A sentence of the table: the counter it prints.
    Known {
        /// Kernel section (`Tcp`).
        section: &'static str,
        /// Kernel name (`ActiveOpens`).
        name: &'static str,
    },
    /// `Name: value`: a counter net-tools has no sentence for, printed with the kernel's own
    /// name; its section is the current section.
    Named(&'a [u8]),
    /// A known sentence that several counters print and the context does not settle (a
    /// histogram line whose sub-title is missing, a mistranslation that gives two counters the
    /// same words).
    Ambiguous,
    /// A sentence no known net-tools version prints (or printed in a section it does not
    /// belong to). Its text and value are still a counter.
    Unknown,
}

/// Sections of /proc/net/snmp, /proc/net/netstat, /proc/net/snmp6 and /proc/net/sctp/snmp
/// as netstat -s titles them. Under any of these the section decides between templates;
/// under another title (a translated one) it is not used.
pub const KERNEL_SECTIONS: &[&str] = &[
    "Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite", "TcpExt", "IpExt", "MPTcpExt", "Sctp", "Ip6", "Icmp6", "Udp6",
    "UdpLite6", "Tcp6",
];

fn is_v6(section: &str) -> bool {
    section.ends_with('6')
}

/// Pick the counter among the templates that print a sentence, using the context.
pub(super) fn resolve<'a>(matches: Matches, ctx: Context<'_>) -> Mapping<'a> {
    // One template (most sentences): the filters below come down to its section. Its
    // histogram never excludes it (the context's direction counts only when one of the
    // templates has it), and without a kernel section it is kept whatever its section.
    if let (Some(t), true) = (matches.iter().next(), matches.hi.saturating_sub(matches.lo) == 1) {
        let kept = match ctx.section {
            Some(s) if t.section.as_bytes() != s => !KERNEL_SECTIONS.iter().any(|k| k.as_bytes() == s),
            _ => true,
        };
        return match kept {
            true => Mapping::Known { section: t.section, name: t.name },
            false => Mapping::Unknown,
        };
    }
    resolve_all(matches, ctx)
}

/// [`resolve`] by its definition, for any number of templates.
fn resolve_all<'a>(matches: Matches, ctx: Context<'_>) -> Mapping<'a> {
    let section = ctx.section.filter(|s| KERNEL_SECTIONS.iter().any(|k| k.as_bytes() == *s));
    let any_v4 = matches.iter().any(|t| !is_v6(t.section));
    let any_in_dir = |d: Direction| matches.iter().any(|t| t.histogram == Some(d));
    let dir = ctx.histogram.filter(|&d| any_in_dir(d));
    let keep = |t: &&Template| {
        let section_ok = match section {
            Some(s) => t.section.as_bytes() == s,
            None => !any_v4 || !is_v6(t.section),
        };
        let dir_ok = match (dir, t.histogram) {
            (Some(d), Some(h)) => d == h,
            _ => true,
        };
        section_ok && dir_ok
    };
    let mut found: Option<(&'static str, &'static str)> = None;
    for t in matches.iter().filter(keep) {
        match found {
            None => found = Some((t.section, t.name)),
            Some(f) if f == (t.section, t.name) => {}
            Some(_) => return Mapping::Ambiguous,
        }
    }
    match found {
        Some((section, name)) => Mapping::Known { section, name },
        None => Mapping::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_lookup_finds_every_template() {
        for t in templates() {
            let (before, after) = t.text.split_once('%').expect("every template has a number");
            let m = lookup(before.as_bytes(), after.as_bytes()).expect("found");
            assert_eq!(m.text(), t.text);
            assert!(m.iter().any(|x| std::ptr::eq(x, t)));
        }
        assert!(lookup(b"no such ", b" sentence").is_none());
    }

    #[test]
    fn the_table_finds_what_the_sorted_list_finds() {
        let mut keys: Vec<(String, String)> = templates()
            .iter()
            .map(|t| t.text.split_once('%').map(|(b, a)| (b.to_string(), a.to_string())).unwrap_or_default())
            .collect();
        // Near misses: a byte more, a byte less, the number moved.
        let near: Vec<(String, String)> = keys
            .iter()
            .flat_map(|(b, a)| {
                [
                    (format!("{b}x"), a.clone()),
                    (b.clone(), format!("{a} ")),
                    (b.chars().skip(1).collect(), a.clone()),
                    (format!("{b}{a}"), String::new()),
                ]
            })
            .collect();
        keys.extend(near);
        for (before, after) in &keys {
            assert_eq!(lookup(before.as_bytes(), after.as_bytes()), lookup_sorted(before.as_bytes(), after.as_bytes()));
        }
    }

    #[test]
    fn resolve_equals_its_definition() {
        let mut sections: Vec<Option<&[u8]>> = KERNEL_SECTIONS.iter().map(|s| Some(s.as_bytes())).collect();
        sections.extend([None, Some(&b"Tcp-Statistik"[..]), Some(b"")]);
        let mut seen = std::collections::HashSet::new();
        for t in templates() {
            let (before, after) = split_template(t.text);
            let Some(m) = lookup(before, after) else { continue };
            if !seen.insert(m) {
                continue;
            }
            for &section in &sections {
                for histogram in [None, Some(Direction::Input), Some(Direction::Output)] {
                    let ctx = Context { section, histogram };
                    assert_eq!(resolve(m, ctx), resolve_all(m, ctx), "{} {ctx:?}", t.text);
                }
            }
        }
    }

    #[test]
    fn cmp_key_orders_as_the_concatenation() {
        let samples = ["", "%", "a%", "a%b", "ab%", "ab", "b", "a", "%b", "a% times", "a%times"];
        for t in samples {
            for (before, after) in [("", ""), ("a", ""), ("a", "b"), ("ab", ""), ("", "b"), ("a", " times")] {
                let key = format!("{before}%{after}");
                assert_eq!(cmp_key(t, before.as_bytes(), after.as_bytes()), t.cmp(key.as_str()), "{t:?} vs {key:?}");
            }
        }
    }

    fn known(before: &str, after: &str, ctx: Context<'_>) -> Mapping<'static> {
        match lookup(before.as_bytes(), after.as_bytes()) {
            Some(m) => resolve(m, ctx),
            None => Mapping::Unknown,
        }
    }

    fn k(section: &'static str, name: &'static str) -> Mapping<'static> {
        Mapping::Known { section, name }
    }

    #[test]
    fn every_template_has_exactly_one_placeholder_and_no_edge_blanks() {
        for t in templates() {
            assert_eq!(t.text.matches('%').count(), 1, "{t:?}");
            assert_eq!(t.text.trim(), t.text, "{t:?}");
            assert!(!t.name.is_empty() && KERNEL_SECTIONS.contains(&t.section), "{t:?}");
            assert_eq!(t.versions.is_empty(), t.lang != Lang::C, "{t:?}");
            assert!(lookup(split_template(t.text).0, split_template(t.text).1).is_some(), "{t:?}");
        }
        assert!(templates().len() < usize::from(u16::MAX));
    }

    #[test]
    fn old_and_new_wordings_map_to_the_same_counter() {
        let none = Context::default();
        for (before, after, section, name) in [
            ("", " active connections openings", "Tcp", "ActiveOpens"),
            ("", " active connection openings", "Tcp", "ActiveOpens"),
            ("", " segments send out", "Tcp", "OutSegs"),
            ("", " segments sent out", "Tcp", "OutSegs"),
            ("", " segments retransmited", "Tcp", "RetransSegs"),
            ("", " segments retransmitted", "Tcp", "RetransSegs"),
            ("", " bad segments received.", "Tcp", "InErrs"),
            ("", " bad segments received", "Tcp", "InErrs"),
            ("", " fragments received ok", "Ip", "FragOKs"),
            ("", " outgoing packets fragmented ok", "Ip", "FragOKs"),
            ("", " fragments failed", "Ip", "FragFails"),
            ("", " outgoing packets failed fragmentation", "Ip", "FragFails"),
            ("", " packets header predicted and directly queued to user", "TcpExt", "TCPHPHitsToUser"),
            ("", " packet headers predicted and directly queued to user", "TcpExt", "TCPHPHitsToUser"),
            ("Quick ack mode was activated ", " times", "TcpExt", "DelayedACKLost"),
            ("Detected reordering ", " times using SACK", "TcpExt", "TCPSACKReorder"),
            ("TCP ran low on memory ", " times", "TcpExt", "TCPMemoryPressures"),
            ("", " times unabled to send RST due to no memory", "TcpExt", "TCPAbortFailed"),
        ] {
            assert_eq!(known(before, after, none), k(section, name), "{before}%{after}");
        }
    }

    #[test]
    fn histogram_lines_need_their_direction() {
        let input = Context { section: Some(b"Icmp"), histogram: Some(Direction::Input) };
        let output = Context { section: Some(b"Icmp"), histogram: Some(Direction::Output) };
        let lost = Context { section: Some(b"Icmp"), histogram: None };
        assert_eq!(known("destination unreachable: ", "", input), k("Icmp", "InDestUnreachs"));
        assert_eq!(known("destination unreachable: ", "", output), k("Icmp", "OutDestUnreachs"));
        assert_eq!(known("destination unreachable: ", "", lost), Mapping::Ambiguous);
        // Only one direction ever printed `echo request:` (the output one, before 2.10).
        assert_eq!(known("echo request: ", "", input), k("Icmp", "OutEchos"));
        assert_eq!(known("timestamp request: ", "", lost), k("Icmp", "InTimestamps"));
    }

    #[test]
    fn the_section_settles_shared_wordings() {
        let ctx = |s: &'static [u8]| Context { section: Some(s), histogram: None };
        assert_eq!(known("", " total packets received", Context::default()), k("Ip", "InReceives"));
        assert_eq!(known("", " total packets received", ctx(b"Ip6")), k("Ip6", "Ip6InReceives"));
        assert_eq!(known("", " packets received", ctx(b"Udp")), k("Udp", "InDatagrams"));
        // A sentence under a section it never appears in is not guessed.
        assert_eq!(known("", " packets received", ctx(b"Tcp")), Mapping::Unknown);
        // A title we do not know (a translation) does not filter.
        assert_eq!(known("", " resets sent", ctx(b"Tcp-Statistik")), k("Tcp", "OutRsts"));
        // pt_BR gives SYN cookies and UDP datagrams the same words.
        assert_eq!(known("", " pacotes recebidos", ctx(b"Udp")), k("Udp", "InDatagrams"));
        assert_eq!(known("", " pacotes recebidos", ctx(b"TcpExt")), Mapping::Ambiguous);
    }

    #[test]
    fn translations() {
        let none = Context::default();
        assert_eq!(known("", " Segmente abgeschickt", none), k("Tcp", "OutSegs"));
        assert_eq!(known("", " segments envoyés", none), k("Tcp", "OutSegs"));
        assert_eq!(known("クイックackモードが", "回稼働", none), k("TcpExt", "DelayedACKLost"));
        assert_eq!(known("kokku võeti vastu ", " paketti", none), k("Ip", "InReceives"));
        assert_eq!(known("Kolikrát TCP zpomalilo kvůli paměti: ", "", none), k("TcpExt", "TCPMemoryPressures"));
    }

    #[test]
    fn word_sentences() {
        assert_eq!(word_sentence(b"Forwarding is enabled").map(|w| w.4), Some(1));
        assert_eq!(
            word_sentence(b"Weiterleitung ist deaktiviert").map(|w| (w.0, w.4)),
            Some((WordSentence::Forwarding, 2))
        );
        assert_eq!(word_sentence(b"RTO algorithm is vanj").map(|w| (w.2, w.3, w.4)), Some((17, 21, 4)));
        assert_eq!(word_sentence(b"Forwarding is maybe"), None);
        assert_eq!(WordSentence::RtoAlgorithm.counter(), ("Tcp", "RtoAlgorithm"));
    }

    #[test]
    fn versions() {
        let v = Versions::from_bits(0b1010);
        assert!(v.contains(Versions::V2013) && v.contains(Versions::V2_10) && !v.contains(Versions::V1_60));
        assert!(Versions::ALL.contains(v) && Versions::NONE.is_empty());
        assert_eq!(Versions::from_bits(0xff).bits(), 0b1111);
    }
}
