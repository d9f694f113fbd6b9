//! `netstat -i`: what one line is.
//!
//! ```text
//! Kernel Interface table
//! Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg
//! eth0             1400     2646      0      0 0          2126      0      0      0 BMRU
//! ```
//!
//! The title is translated; the header is not in current versions (older ones translate it
//! along with the `Met` column they print). The interface column is 5 (1.60), 8 (upstream
//! 2012–2018), about 10 (RHEL 6) or 15 (2.10) wide and names are cut to it; counters wider
//! than their column push the rest of the row right, and `RX-OVR` is left-aligned. So rows
//! are read by the shape of their values: the name, the MTU, the metric when the header
//! announced `Met`, eight counters (or the `- no statistics available -` message), then the
//! flags. `netstat -ic` repeats the header, not the title, before each snapshot.

use crate::lex::{is_blank, parse_u64, trim_end_blanks, trim_start_blanks, words};
use crate::netstat::words::Lang;
use crate::LineError;

/// The titles of the table, in every language net-tools ships.
static TITLES: &[(&str, Lang)] = &[
    ("Kernel Interface table", Lang::C),
    ("Tabulka rozhraní v jádru", Lang::Cs),
    ("Kernel-Schnittstellentabelle", Lang::De),
    ("Tuuma liideste tabel", Lang::Et),
    ("Table d'interfaces noyau", Lang::Fr),
    ("カーネルインタフェーステーブル", Lang::Ja),
    ("Tabela de Interfaces do Kernel", Lang::PtBr),
];

/// The first header word (`Iface`) in every language that translates the header (Czech,
/// only in the old layout with `Met`).
static IFACE_WORDS: &[(&str, Lang)] = &[("Iface", Lang::C), ("Rozhr", Lang::Cs)];

/// `[NO FLAGS]`, in every language.
static NO_FLAGS: &[&str] = &[
    "[NO FLAGS]",
    "[ŽÁDNÉ PŘÍZNAKY]",
    "[KEINE FLAGS]",
    "[LIPPE POLE]",
    "[PAS INDICATEURS]",
    "[フラグなし]",
    "[SEM FLAGS]",
];

/// Recognise the title line, in any language.
///
/// ```
/// use netsift_grammar::netstat_i::title;
/// use netsift_grammar::netstat::words::Lang;
/// assert_eq!(title(b"Kernel Interface table"), Some(Lang::C));
/// assert_eq!(title("Kernel-Schnittstellentabelle".as_bytes()), Some(Lang::De));
/// assert_eq!(title(b"Iface   MTU"), None);
/// ```
pub fn title(line: &[u8]) -> Option<Lang> {
    let line = trim_end_blanks(trim_start_blanks(line));
    TITLES.iter().find(|(t, _)| t.as_bytes() == line).map(|&(_, lang)| lang)
}

/// Which columns rows have: the header says whether a `Met` (metric) column follows `MTU`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IfaceLayout {
    /// net-tools 1.60 and RHEL 6 print `Met` after `MTU`.
    pub metric: bool,
}

impl IfaceLayout {
    /// Guess the layout from a row when the header is missing (a cut capture): a row with
    /// statistics has ten numbers after the name with `Met`, nine without. `None` when the
    /// row does not tell (a `- no statistics available -` row, or not a row).
    ///
    /// ```
    /// use netsift_grammar::netstat_i::IfaceLayout;
    /// let old = b"eth0   1400   0    5972      0      0      0    4461      0      0      0 BMRU";
    /// assert_eq!(IfaceLayout::guess(old), Some(IfaceLayout { metric: true }));
    /// ```
    pub fn guess(line: &[u8]) -> Option<IfaceLayout> {
        let numbers = words(line).skip(1).take_while(|(_, w)| parse_u64(w).is_some()).count();
        match numbers {
            10 => Some(IfaceLayout { metric: true }),
            9 => Some(IfaceLayout { metric: false }),
            _ => None,
        }
    }
}

/// The header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfaceHeader<'a> {
    /// The whole line.
    pub line: &'a [u8],
    /// The columns the rows have.
    pub layout: IfaceLayout,
    /// The language of the header words.
    pub lang: Lang,
}

impl<'a> IfaceHeader<'a> {
    /// The column names as printed (`Iface`, `MTU`, `RX-OK`, …).
    pub fn names(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        words(self.line).map(|(_, w)| w)
    }
}

/// Recognise the header line: `Iface` (or its translation), then `MTU`, then `Met` or not.
///
/// ```
/// use netsift_grammar::netstat_i::header;
/// let h = header(b"Iface   MTU Met   RX-OK RX-ERR RX-DRP RX-OVR   TX-OK TX-ERR TX-DRP TX-OVR Flg").unwrap();
/// assert!(h.layout.metric);
/// let h = header(b"Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg").unwrap();
/// assert!(!h.layout.metric);
/// assert_eq!(h.names().nth(2), Some(&b"RX-OK"[..]));
/// ```
pub fn header(line: &[u8]) -> Option<IfaceHeader<'_>> {
    let mut w = words(line).map(|(_, w)| w);
    let first = w.next()?;
    let lang = IFACE_WORDS.iter().find(|(word, _)| word.as_bytes() == first)?.1;
    if w.next()? != b"MTU" {
        return None;
    }
    let metric = w.next() == Some(b"Met");
    Some(IfaceHeader { line, layout: IfaceLayout { metric }, lang })
}

/// The interface flags, as the letters of the `Flg` column.
///
/// Letters, in the order net-tools prints them: `A` allmulti, `B` broadcast, `D` debug,
/// `L` loopback, `M` multicast, `d` dynamic, `P` promisc, `N` notrailers, `O` noarp,
/// `p` point-to-point, `s` slave, `m` master, `R` running, `U` up. net-tools 1.60 printed
/// `P` for point-to-point as well as promisc; read there, `P` is [`IfaceFlags::PROMISC`].
/// `[NO FLAGS]` (in any language) is the empty set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IfaceFlags(u16);

impl IfaceFlags {
    /// `A`: receives all multicast.
    pub const ALLMULTI: IfaceFlags = IfaceFlags(1 << 0);
    /// `B`: broadcast address valid.
    pub const BROADCAST: IfaceFlags = IfaceFlags(1 << 1);
    /// `D`: debugging.
    pub const DEBUG: IfaceFlags = IfaceFlags(1 << 2);
    /// `L`: loopback.
    pub const LOOPBACK: IfaceFlags = IfaceFlags(1 << 3);
    /// `M`: multicast.
    pub const MULTICAST: IfaceFlags = IfaceFlags(1 << 4);
    /// `d`: dynamic addresses.
    pub const DYNAMIC: IfaceFlags = IfaceFlags(1 << 5);
    /// `P`: promiscuous.
    pub const PROMISC: IfaceFlags = IfaceFlags(1 << 6);
    /// `N`: no trailers.
    pub const NOTRAILERS: IfaceFlags = IfaceFlags(1 << 7);
    /// `O`: no ARP.
    pub const NOARP: IfaceFlags = IfaceFlags(1 << 8);
    /// `p`: point-to-point.
    pub const POINTOPOINT: IfaceFlags = IfaceFlags(1 << 9);
    /// `s`: bonding slave.
    pub const SLAVE: IfaceFlags = IfaceFlags(1 << 10);
    /// `m`: bonding master.
    pub const MASTER: IfaceFlags = IfaceFlags(1 << 11);
    /// `R`: running.
    pub const RUNNING: IfaceFlags = IfaceFlags(1 << 12);
    /// `U`: up.
    pub const UP: IfaceFlags = IfaceFlags(1 << 13);

    /// Every flag with its letter and name, in print order.
    pub const ALL: [(IfaceFlags, char, &'static str); 14] = [
        (IfaceFlags::ALLMULTI, 'A', "ALLMULTI"),
        (IfaceFlags::BROADCAST, 'B', "BROADCAST"),
        (IfaceFlags::DEBUG, 'D', "DEBUG"),
        (IfaceFlags::LOOPBACK, 'L', "LOOPBACK"),
        (IfaceFlags::MULTICAST, 'M', "MULTICAST"),
        (IfaceFlags::DYNAMIC, 'd', "DYNAMIC"),
        (IfaceFlags::PROMISC, 'P', "PROMISC"),
        (IfaceFlags::NOTRAILERS, 'N', "NOTRAILERS"),
        (IfaceFlags::NOARP, 'O', "NOARP"),
        (IfaceFlags::POINTOPOINT, 'p', "POINTOPOINT"),
        (IfaceFlags::SLAVE, 's', "SLAVE"),
        (IfaceFlags::MASTER, 'm', "MASTER"),
        (IfaceFlags::RUNNING, 'R', "RUNNING"),
        (IfaceFlags::UP, 'U', "UP"),
    ];

    /// The empty set.
    pub const fn empty() -> IfaceFlags {
        IfaceFlags(0)
    }

    /// Read the `Flg` column: letters of the set above, or `[NO FLAGS]` in any language.
    /// `None` when a byte is not one of the letters.
    ///
    /// ```
    /// use netsift_grammar::netstat_i::IfaceFlags;
    /// let f = IfaceFlags::parse(b"BMRU").unwrap();
    /// assert!(f.contains(IfaceFlags::UP) && f.contains(IfaceFlags::BROADCAST));
    /// assert!(!f.contains(IfaceFlags::LOOPBACK));
    /// assert_eq!(IfaceFlags::parse(b"[NO FLAGS]"), Some(IfaceFlags::empty()));
    /// assert_eq!(IfaceFlags::parse(b"BX"), None);
    /// ```
    pub fn parse(text: &[u8]) -> Option<IfaceFlags> {
        if NO_FLAGS.iter().any(|t| t.as_bytes() == text) {
            return Some(IfaceFlags::empty());
        }
        if text.is_empty() {
            return None;
        }
        let mut set = IfaceFlags::empty();
        for &b in text {
            let (flag, _, _) = IfaceFlags::ALL.iter().find(|(_, letter, _)| *letter as u32 == u32::from(b))?;
            set.0 |= flag.0;
        }
        Some(set)
    }

    /// True when every flag of `other` is set.
    pub const fn contains(self, other: IfaceFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// True for the empty set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The bits of the set.
    pub const fn bits(self) -> u16 {
        self.0
    }

    /// The set flags' names (`BROADCAST`, `UP`, …), in print order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        IfaceFlags::ALL.into_iter().filter(move |(f, _, _)| self.contains(*f)).map(|(_, _, name)| name)
    }

    /// The set flags' letters, in print order (`BMRU`).
    pub fn letters(self) -> impl Iterator<Item = char> {
        IfaceFlags::ALL.into_iter().filter(move |(f, _, _)| self.contains(*f)).map(|(_, letter, _)| letter)
    }
}

impl std::ops::BitOr for IfaceFlags {
    type Output = IfaceFlags;

    fn bitor(self, rhs: IfaceFlags) -> IfaceFlags {
        IfaceFlags(self.0 | rhs.0)
    }
}

/// The eight counters of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IfaceStats {
    /// `RX-OK`: packets received.
    pub rx_ok: u64,
    /// `RX-ERR`: receive errors (the kernel's rx errors, CRC and frame errors added up).
    pub rx_err: u64,
    /// `RX-DRP`: received packets dropped.
    pub rx_drp: u64,
    /// `RX-OVR`: receive FIFO overruns.
    pub rx_ovr: u64,
    /// `TX-OK`: packets sent.
    pub tx_ok: u64,
    /// `TX-ERR`: send errors.
    pub tx_err: u64,
    /// `TX-DRP`: sent packets dropped.
    pub tx_drp: u64,
    /// `TX-OVR`: send FIFO overruns.
    pub tx_ovr: u64,
}

/// The columns of the table, in print order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IfaceCol {
    /// `Iface`.
    Iface,
    /// `MTU`.
    Mtu,
    /// `Met` (old layout).
    Met,
    /// `RX-OK`.
    RxOk,
    /// `RX-ERR`.
    RxErr,
    /// `RX-DRP`.
    RxDrp,
    /// `RX-OVR`.
    RxOvr,
    /// `TX-OK`.
    TxOk,
    /// `TX-ERR`.
    TxErr,
    /// `TX-DRP`.
    TxDrp,
    /// `TX-OVR`.
    TxOvr,
    /// `Flg`.
    Flg,
}

impl IfaceCol {
    /// Every column, in print order.
    pub const ALL: [IfaceCol; 12] = [
        IfaceCol::Iface,
        IfaceCol::Mtu,
        IfaceCol::Met,
        IfaceCol::RxOk,
        IfaceCol::RxErr,
        IfaceCol::RxDrp,
        IfaceCol::RxOvr,
        IfaceCol::TxOk,
        IfaceCol::TxErr,
        IfaceCol::TxDrp,
        IfaceCol::TxOvr,
        IfaceCol::Flg,
    ];

    /// The header name net-tools prints in the C locale.
    pub fn c_name(self) -> &'static str {
        match self {
            IfaceCol::Iface => "Iface",
            IfaceCol::Mtu => "MTU",
            IfaceCol::Met => "Met",
            IfaceCol::RxOk => "RX-OK",
            IfaceCol::RxErr => "RX-ERR",
            IfaceCol::RxDrp => "RX-DRP",
            IfaceCol::RxOvr => "RX-OVR",
            IfaceCol::TxOk => "TX-OK",
            IfaceCol::TxErr => "TX-ERR",
            IfaceCol::TxDrp => "TX-DRP",
            IfaceCol::TxOvr => "TX-OVR",
            IfaceCol::Flg => "Flg",
        }
    }
}

/// One row of the interface table, typed, borrowing from its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IfaceRow<'a> {
    /// The whole line, as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub line: &'a [u8],
    /// The interface name as printed: cut to the column width (5, 8, 10 or 15 bytes), so
    /// two interfaces can print the same name.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub iface: &'a [u8],
    /// `MTU`; `None` for a row of `/proc/net/dev`, which has none.
    pub mtu: Option<u64>,
    /// `Met`, in the old layout.
    pub metric: Option<u64>,
    /// The counters; `None` for a `- no statistics available -` row.
    pub stats: Option<IfaceStats>,
    /// For a row without statistics, the message as printed (translated, dashes included).
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::opt_bytes"))]
    pub no_stats: Option<&'a [u8]>,
    /// The flags; `None` when the `Flg` text holds a letter we do not know (see `flags_text`).
    pub flags: Option<IfaceFlags>,
    /// The `Flg` column as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub flags_text: &'a [u8],
    /// Byte range of each column's text within `line`, in [`IfaceCol::ALL`] order; an absent
    /// or empty column has an empty range where it would be.
    pub spans: [(u32, u32); 12],
    /// For a row of `/proc/net/dev`, its counters beyond the eight of `netstat -i` (bytes,
    /// frame, compressed, multicast, collisions, carrier); `None` for `netstat -i`.
    pub dev: Option<crate::proc_net_dev::DevCounters>,
}

impl<'a> IfaceRow<'a> {
    /// The text of a column as printed, without surrounding blanks.
    pub fn column(&self, col: IfaceCol) -> &'a [u8] {
        let (start, end) = self.spans[col as usize];
        &self.line[start as usize..end as usize]
    }
}

/// Parse one row laid out as `layout` (from the header).
///
/// ```
/// use netsift_grammar::netstat_i::{row, IfaceFlags, IfaceLayout};
/// let r = row(b"eth0             1400     2646      0      0 0          2126      0      0      0 BMRU", IfaceLayout::default()).unwrap();
/// assert_eq!((r.iface, r.mtu), (&b"eth0"[..], Some(1400)));
/// let s = r.stats.unwrap();
/// assert_eq!((s.rx_ok, s.rx_ovr, s.tx_ok), (2646, 0, 2126));
/// assert!(r.flags.unwrap().contains(IfaceFlags::RUNNING));
/// ```
pub fn row(line: &[u8], layout: IfaceLayout) -> Result<IfaceRow<'_>, LineError> {
    let end = trim_end_blanks(line).len();
    let mut spans = [(0u32, 0u32); 12];
    let mut toks = words(&line[..end]).peekable();
    let span = |at: usize, w: &[u8]| (at as u32, (at + w.len()) as u32);

    let Some((at, iface)) = toks.next() else {
        return Err(LineError::new(0, "an interface name"));
    };
    if at != 0 && iface == b"Iface" {
        return Err(LineError::new(at, "an interface row, not a header"));
    }
    spans[IfaceCol::Iface as usize] = span(at, iface);

    let mut number = |col: IfaceCol, what| take_number(&mut toks, &mut spans, col, what, end);
    let mtu = Some(number(IfaceCol::Mtu, "the MTU")?);
    let metric = if layout.metric { Some(number(IfaceCol::Met, "the metric")?) } else { None };
    let after_fixed = spans[if layout.metric { IfaceCol::Met } else { IfaceCol::Mtu } as usize].1 as usize;
    if !layout.metric {
        spans[IfaceCol::Met as usize] = (after_fixed as u32, after_fixed as u32);
    }

    // `- no statistics available -`, translated, padded to 56 bytes; the flags follow it,
    // glued to its last dash when a translation is longer than the padding.
    let rest_start = after_fixed + line[after_fixed..end].iter().position(|&b| !is_blank(b)).unwrap_or(0);
    if line.get(rest_start) == Some(&b'-') && line.get(rest_start + 1).is_none_or(|&b| !b.is_ascii_digit()) {
        let last_dash = rest_start + line[rest_start..end].iter().rposition(|&b| b == b'-').unwrap_or(0);
        let message = &line[rest_start..=last_dash];
        let flags_start = last_dash + 1 + line[last_dash + 1..end].iter().position(|&b| !is_blank(b)).unwrap_or(0);
        let flags_start = flags_start.min(end);
        for col in &IfaceCol::ALL[3..11] {
            spans[*col as usize] = (rest_start as u32, rest_start as u32);
        }
        let flags_text = &line[flags_start..end];
        spans[IfaceCol::Flg as usize] = (flags_start as u32, end as u32);
        if flags_text.is_empty() {
            return Err(LineError::new(end, "the interface flags"));
        }
        let flags = IfaceFlags::parse(flags_text);
        return Ok(IfaceRow {
            line,
            iface,
            mtu,
            metric,
            stats: None,
            no_stats: Some(message),
            flags,
            flags_text,
            spans,
            dev: None,
        });
    }

    let mut number = |col: IfaceCol, what| take_number(&mut toks, &mut spans, col, what, end);
    let rx_ok = number(IfaceCol::RxOk, "the RX-OK counter")?;
    let rx_err = number(IfaceCol::RxErr, "the RX-ERR counter")?;
    let rx_drp = number(IfaceCol::RxDrp, "the RX-DRP counter")?;
    let rx_ovr = number(IfaceCol::RxOvr, "the RX-OVR counter")?;
    let tx_ok = number(IfaceCol::TxOk, "the TX-OK counter")?;
    let tx_err = number(IfaceCol::TxErr, "the TX-ERR counter")?;
    let tx_drp = number(IfaceCol::TxDrp, "the TX-DRP counter")?;
    let tx_ovr = number(IfaceCol::TxOvr, "the TX-OVR counter")?;
    let stats = IfaceStats { rx_ok, rx_err, rx_drp, rx_ovr, tx_ok, tx_err, tx_drp, tx_ovr };

    // The flags: the rest of the line (`[NO FLAGS]` holds a blank).
    let Some(&(flags_start, _)) = toks.peek() else {
        return Err(LineError::new(end, "the interface flags"));
    };
    let flags_text = &line[flags_start..end];
    spans[IfaceCol::Flg as usize] = (flags_start as u32, end as u32);
    let flags = IfaceFlags::parse(flags_text);
    if flags.is_none() && flags_text.iter().any(|&b| is_blank(b)) && !flags_text.starts_with(b"[") {
        return Err(LineError::new(flags_start, "the interface flags, then the end of the row"));
    }
    Ok(IfaceRow { line, iface, mtu, metric, stats: Some(stats), no_stats: None, flags, flags_text, spans, dev: None })
}

/// The next word as a number for column `col`, recording its span.
fn take_number<'a>(
    toks: &mut impl Iterator<Item = (usize, &'a [u8])>,
    spans: &mut [(u32, u32); 12],
    col: IfaceCol,
    what: &'static str,
    end: usize,
) -> Result<u64, LineError> {
    match toks.next() {
        Some((at, w)) => match parse_u64(w) {
            Some(v) => {
                spans[col as usize] = (at as u32, (at + w.len()) as u32);
                Ok(v)
            }
            None => Err(LineError::new(at, what)),
        },
        None => Err(LineError::new(end, what)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: IfaceLayout = IfaceLayout { metric: false };
    const OLD: IfaceLayout = IfaceLayout { metric: true };

    #[test]
    fn titles_and_headers() {
        assert_eq!(title(b"Kernel Interface table"), Some(Lang::C));
        assert_eq!(title("Table d'interfaces noyau".as_bytes()), Some(Lang::Fr));
        assert_eq!(title("Tabulka rozhraní v jádru".as_bytes()), Some(Lang::Cs));
        assert_eq!(title(b"Kernel IP routing table"), None);
        for (line, metric) in [
            // 2.10 (Debian 12) and the RHEL 7 backport (jc centos-7.7): 15-wide names.
            ("Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg", false),
            // Upstream 2012–2018 (jc ubuntu-18.04): 8-wide names.
            ("Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg", false),
            // net-tools 1.60.
            ("Iface   MTU Met   RX-OK RX-ERR RX-DRP RX-OVR   TX-OK TX-ERR TX-DRP TX-OVR Flg", true),
            // RHEL 6 (insights-core's fixture).
            ("Iface       MTU Met    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg", true),
            // insights' quirk: indented, few columns.
            ("  Iface      MTU    RX-OK Flg", false),
            // Czech catalogue, old layout.
            ("Rozhr   MTU Met  PŘ-OK PŘ-CHYB PŘ-ZAH PŘ-PŘT   OD-OK OD-CHYB OD-ZAH OD-PŘT Přízn", true),
        ] {
            let h = header(line.as_bytes()).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(h.layout.metric, metric, "{line}");
        }
        assert!(header(b"eth0 1400 0").is_none());
        assert!(header(b"Iface").is_none());
        assert!(header(b"Interface       RefCnt Group").is_none());
    }

    #[test]
    fn rows_of_every_layout() {
        let r =
            row(b"lo              65536     4296      0      0 0          4296      0      0      0 LRU", NEW).unwrap();
        assert_eq!((r.iface, r.mtu, r.metric), (&b"lo"[..], Some(65536), None));
        assert_eq!(r.flags, Some(IfaceFlags::LOOPBACK | IfaceFlags::RUNNING | IfaceFlags::UP));
        assert_eq!(r.column(IfaceCol::RxOvr), b"0");
        assert_eq!(r.column(IfaceCol::TxOk), b"4296");
        assert_eq!(r.column(IfaceCol::Met), b"");
        let r =
            row(b"ifb0             1500        0      0      0 0             0      0      0      0 BO", NEW).unwrap();
        assert_eq!(r.flags, Some(IfaceFlags::BROADCAST | IfaceFlags::NOARP));
        let r = row(b"ens33     1500      245      0      0 0           197      0      0      0 BMRU", NEW).unwrap();
        assert_eq!(r.stats.unwrap().tx_ok, 197);
        let r = row(b"lo    65536   0   16052      0      0      0   16052      0      0      0 LRU", OLD).unwrap();
        assert_eq!((r.mtu, r.metric), (Some(65536), Some(0)));
        assert_eq!(r.stats.unwrap().rx_ok, 16052);
        let r =
            row(b"bond0      1500   0   845265      0      0      0     1753      0      0      0 BMmRU", OLD).unwrap();
        assert!(r.flags.unwrap().contains(IfaceFlags::MASTER));
        let r =
            row(b"eth0       1500   0   422518      0      0      0     1703      0      0      0 BMsRU", OLD).unwrap();
        assert!(r.flags.unwrap().contains(IfaceFlags::SLAVE));
        assert_eq!(r.column(IfaceCol::Flg), b"BMsRU");
    }

    #[test]
    fn counters_wider_than_their_columns() {
        let r = row(
            b"enp0s20f0u1    1500 123456789012 0      0 98765432101234 12345678901234567      0      0      0 BMRU",
            NEW,
        )
        .unwrap();
        let s = r.stats.unwrap();
        assert_eq!((s.rx_ok, s.rx_ovr, s.tx_ok), (123_456_789_012, 98_765_432_101_234, 12_345_678_901_234_567));
        assert_eq!(r.column(IfaceCol::RxOk), b"123456789012");
    }

    #[test]
    fn rows_without_statistics_and_without_flags() {
        let line = b"dummy0           1500      - no statistics available -                        BOU";
        let r = row(line, NEW).unwrap();
        assert_eq!(r.stats, None);
        assert_eq!(r.no_stats, Some(&b"- no statistics available -"[..]));
        assert_eq!(r.flags, Some(IfaceFlags::BROADCAST | IfaceFlags::NOARP | IfaceFlags::UP));
        let r =
            row("tun0   1500   0     - keine Statistiken verfügbar -                    [KEINE FLAGS]".as_bytes(), OLD)
                .unwrap();
        assert_eq!(r.flags, Some(IfaceFlags::empty()));
        assert_eq!(r.metric, Some(0));
        // A translation longer than the 56-byte padding glues the flags to the last dash.
        let r =
            row("x 1500 - une très longue phrase sans statistiques disponibles pour cet appareil -MRU".as_bytes(), NEW)
                .unwrap();
        assert_eq!(r.flags_text, b"MRU");
        let r =
            row(b"sit0             1480        0      0      0 0             0      0      0      0 [NO FLAGS]", NEW)
                .unwrap();
        assert_eq!(r.flags, Some(IfaceFlags::empty()));
        assert_eq!(r.flags_text, b"[NO FLAGS]");
    }

    #[test]
    fn unknown_flag_letters_keep_the_text() {
        let r = row(b"eth0 1500 1 2 3 4 5 6 7 8 BMXRU", NEW).unwrap();
        assert_eq!((r.flags, r.flags_text), (None, &b"BMXRU"[..]));
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(row(b"", NEW).unwrap_err(), LineError::new(0, "an interface name"));
        assert_eq!(row(b"foo 1 2", NEW).unwrap_err(), LineError::new(7, "the RX-ERR counter"));
        assert_eq!(row(b"eth0 x", NEW).unwrap_err(), LineError::new(5, "the MTU"));
        assert_eq!(row(b"eth0 1500 1 2 3 4 5 6 7 8", NEW).unwrap_err(), LineError::new(25, "the interface flags"));
        assert_eq!(row(b"eth0 1500 1 2 3 4 5 6 7 8 BMRU", OLD).unwrap_err(), LineError::new(26, "the TX-OVR counter"));
        assert_eq!(row(b"x 1 2 3 4 5", NEW).unwrap_err().column, 11);
        assert_eq!(row(b"lo 1500 - no statistics available -", NEW).unwrap_err().expected, "the interface flags");
        assert!(row(b"eth0 1500 1 2 3 4 5 6 7 8 BMRU extra", NEW).is_err());
    }

    #[test]
    fn layout_from_a_row() {
        assert_eq!(
            IfaceLayout::guess(
                b"lo              65536     4296      0      0 0          4296      0      0      0 LRU"
            ),
            Some(NEW)
        );
        assert_eq!(IfaceLayout::guess(b"x 1500 - no statistics available - BMRU"), None);
    }

    #[test]
    fn flag_names_and_letters() {
        let f = IfaceFlags::parse(b"BMRU").unwrap();
        assert_eq!(f.names().collect::<Vec<_>>(), vec!["BROADCAST", "MULTICAST", "RUNNING", "UP"]);
        assert_eq!(f.letters().collect::<String>(), "BMRU");
        assert_eq!(IfaceFlags::parse(b"ABDLMdPNOpsmRU").unwrap().bits(), 0x3fff);
        assert_eq!(IfaceFlags::parse(b""), None);
        assert!(IfaceFlags::empty().is_empty());
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        for line in [&b"-"[..], b"x -", b"x 1 -", b"x 1 --", b"x 1 -\xff", b"\xff\xfe", b"x 1 - -", b" - "] {
            let _ = row(line, NEW);
            let _ = row(line, OLD);
            let _ = header(line);
            let _ = IfaceLayout::guess(line);
        }
    }
}
