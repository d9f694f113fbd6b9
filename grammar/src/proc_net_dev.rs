//! `/proc/net/dev`: what one line is.
//!
//! ```text
//! Inter-|   Receive                                                |  Transmit
//!  face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
//!     lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
//! ```
//!
//! Two header lines, then one row per interface: the name right-aligned in 6 bytes (a
//! longer one pushes the row right), a colon, then the counters. The second header line
//! names the columns of each direction between its `|` bars; kernels since 2.1 print the
//! 16 above, and rows are read against the header's columns, so a kernel that prints
//! another set is read by name. A row is an [`IfaceRow`], the same as a `netstat -i` row
//! (net-tools computes `netstat -i`'s `RX-OK`, `RX-ERR`, `RX-DRP`, `RX-OVR` and the `TX-`
//! ones from this file's `packets`, `errs`, `drop` and `fifo`), with the other counters in
//! [`DevCounters`] and no MTU or flags (this file has none).

use nom::bytes::complete::{tag, take_while1};
use nom::Parser;

use crate::lex::{blanks0, expect, is_blank, words, PResult};
use crate::netstat_i::{IfaceCol, IfaceRow, IfaceStats};
use crate::{LineError, Span};

/// A column of the file, by the header's name and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[allow(missing_docs)] // each is the header's word under Receive or Transmit
pub enum DevCol {
    RxBytes,
    RxPackets,
    RxErrs,
    RxDrop,
    RxFifo,
    RxFrame,
    RxCompressed,
    RxMulticast,
    TxBytes,
    TxPackets,
    TxErrs,
    TxDrop,
    TxFifo,
    TxColls,
    TxCarrier,
    TxCompressed,
}

impl DevCol {
    /// The header's word with its direction (`rx_bytes`, `tx_colls`).
    pub fn name(self) -> &'static str {
        use DevCol::*;
        match self {
            RxBytes => "rx_bytes",
            RxPackets => "rx_packets",
            RxErrs => "rx_errs",
            RxDrop => "rx_drop",
            RxFifo => "rx_fifo",
            RxFrame => "rx_frame",
            RxCompressed => "rx_compressed",
            RxMulticast => "rx_multicast",
            TxBytes => "tx_bytes",
            TxPackets => "tx_packets",
            TxErrs => "tx_errs",
            TxDrop => "tx_drop",
            TxFifo => "tx_fifo",
            TxColls => "tx_colls",
            TxCarrier => "tx_carrier",
            TxCompressed => "tx_compressed",
        }
    }

    fn of(transmit: bool, word: &[u8]) -> Option<DevCol> {
        Some(match (transmit, word) {
            (false, b"bytes") => DevCol::RxBytes,
            (false, b"packets") => DevCol::RxPackets,
            (false, b"errs") => DevCol::RxErrs,
            (false, b"drop") => DevCol::RxDrop,
            (false, b"fifo") => DevCol::RxFifo,
            (false, b"frame") => DevCol::RxFrame,
            (false, b"compressed") => DevCol::RxCompressed,
            (false, b"multicast") => DevCol::RxMulticast,
            (true, b"bytes") => DevCol::TxBytes,
            (true, b"packets") => DevCol::TxPackets,
            (true, b"errs") => DevCol::TxErrs,
            (true, b"drop") => DevCol::TxDrop,
            (true, b"fifo") => DevCol::TxFifo,
            (true, b"colls") => DevCol::TxColls,
            (true, b"carrier") => DevCol::TxCarrier,
            (true, b"compressed") => DevCol::TxCompressed,
            _ => return None,
        })
    }
}

/// The columns rows have, in order (from the second header line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DevLayout {
    cols: [DevCol; 16],
    len: u8,
}

impl Default for DevLayout {
    /// The 16 columns of every kernel since 2.1.
    fn default() -> Self {
        use DevCol::*;
        DevLayout {
            cols: [
                RxBytes,
                RxPackets,
                RxErrs,
                RxDrop,
                RxFifo,
                RxFrame,
                RxCompressed,
                RxMulticast,
                TxBytes,
                TxPackets,
                TxErrs,
                TxDrop,
                TxFifo,
                TxColls,
                TxCarrier,
                TxCompressed,
            ],
            len: 16,
        }
    }
}

impl DevLayout {
    /// The columns, in order.
    pub fn columns(&self) -> &[DevCol] {
        &self.cols[..usize::from(self.len)]
    }
}

/// The counters of a row beyond `netstat -i`'s eight; `None` where the header has no
/// such column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DevCounters {
    /// Bytes received.
    pub rx_bytes: Option<u64>,
    /// Receive frame alignment errors.
    pub rx_frame: Option<u64>,
    /// Compressed packets received.
    pub rx_compressed: Option<u64>,
    /// Multicast packets received.
    pub rx_multicast: Option<u64>,
    /// Bytes sent.
    pub tx_bytes: Option<u64>,
    /// Collisions.
    pub tx_colls: Option<u64>,
    /// Carrier losses.
    pub tx_carrier: Option<u64>,
    /// Compressed packets sent.
    pub tx_compressed: Option<u64>,
}

/// Is this the first header line (`Inter-|   Receive …|  Transmit`)?
///
/// ```
/// assert!(netsift_grammar::proc_net_dev::title(b"Inter-|   Receive                                                |  Transmit"));
/// assert!(!netsift_grammar::proc_net_dev::title(b"Iface   MTU"));
/// ```
pub fn title(line: &[u8]) -> bool {
    let mut w = words(line).map(|(_, w)| w);
    w.next() == Some(b"Inter-|") && w.next() == Some(b"Receive")
}

/// Read the second header line (` face |bytes packets …|bytes packets …`) into the
/// columns rows have. `None` when it is not one, or lacks a column `netstat -i` needs
/// (`packets`, `errs`, `drop`, `fifo` in each direction).
///
/// ```
/// use netsift_grammar::proc_net_dev::{header, DevLayout};
/// let h = header(b" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed");
/// assert_eq!(h, Some(DevLayout::default()));
/// assert_eq!(header(b" face |packets errs drop fifo frame|packets errs drop fifo colls carrier").unwrap().columns().len(), 11);
/// ```
pub fn header(line: &[u8]) -> Option<DevLayout> {
    let mut parts = line.split(|&b| b == b'|');
    if words(parts.next()?).map(|(_, w)| w).ne([&b"face"[..]]) {
        return None;
    }
    let mut layout = DevLayout { cols: [DevCol::RxBytes; 16], len: 0 };
    for transmit in [false, true] {
        for (_, word) in words(parts.next()?) {
            let col = DevCol::of(transmit, word)?;
            if layout.columns().contains(&col) || layout.len == 16 {
                return None;
            }
            layout.cols[usize::from(layout.len)] = col;
            layout.len += 1;
        }
    }
    if parts.next().is_some() {
        return None;
    }
    use DevCol::*;
    let needed = [RxPackets, RxErrs, RxDrop, RxFifo, TxPackets, TxErrs, TxDrop, TxFifo];
    needed.iter().all(|c| layout.columns().contains(c)).then_some(layout)
}

/// The interface name and its colon, after the padding.
fn name(i: Span<'_>) -> PResult<'_, Span<'_>> {
    let (i, _) = blanks0(i)?;
    let (i, n) = expect("an interface name", take_while1(|b: u8| b != b':' && !is_blank(b))).parse(i)?;
    let (i, _) = expect("`:` after the interface name", tag(&b":"[..])).parse(i)?;
    Ok((i, n))
}

/// Parse one row laid out as `layout`.
///
/// ```
/// use netsift_grammar::proc_net_dev::{row, DevLayout};
/// let r = row(b"  eth0: 686472400   14997    0    0    0     0          0         0   697090    8973    0    0    0     0       0          0", &DevLayout::default()).unwrap();
/// assert_eq!((r.iface, r.mtu), (&b"eth0"[..], None));
/// assert_eq!((r.stats.unwrap().rx_ok, r.stats.unwrap().tx_ok), (14997, 8973));
/// assert_eq!(r.dev.unwrap().rx_bytes, Some(686472400));
/// ```
pub fn row<'a>(line: &'a [u8], layout: &DevLayout) -> Result<IfaceRow<'a>, LineError> {
    let (rest, iface) = match name(Span::new(line)) {
        Ok(found) => found,
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => return Err(e),
        Err(nom::Err::Incomplete(_)) => return Err(LineError::new(line.len(), "more input")),
    };
    let mut spans = [(0u32, 0u32); 12];
    spans[IfaceCol::Iface as usize] = crate::lex::span_of(iface);
    let colon = rest.location_offset() as u32;
    spans[IfaceCol::Mtu as usize] = (colon, colon);
    spans[IfaceCol::Met as usize] = (colon, colon);
    let mut stats = IfaceStats::default();
    let mut dev = DevCounters::default();
    let mut values = words(&line[colon as usize..]);
    for &col in layout.columns() {
        let Some((at, word)) = values.next() else {
            return Err(LineError::new(
                crate::lex::trim_end_blanks(line).len(),
                "a counter for every column of the header",
            ));
        };
        let at = colon as usize + at;
        let value = crate::lex::parse_u64(word).ok_or_else(|| {
            let what = if crate::lex::all_digits(word) { "a number that fits in 64 bits" } else { "a decimal number" };
            LineError::new(at, what)
        })?;
        let span = (at as u32, (at + word.len()) as u32);
        use DevCol::*;
        let (slot, col) = match col {
            RxPackets => (&mut stats.rx_ok, IfaceCol::RxOk),
            RxErrs => (&mut stats.rx_err, IfaceCol::RxErr),
            RxDrop => (&mut stats.rx_drp, IfaceCol::RxDrp),
            RxFifo => (&mut stats.rx_ovr, IfaceCol::RxOvr),
            TxPackets => (&mut stats.tx_ok, IfaceCol::TxOk),
            TxErrs => (&mut stats.tx_err, IfaceCol::TxErr),
            TxDrop => (&mut stats.tx_drp, IfaceCol::TxDrp),
            TxFifo => (&mut stats.tx_ovr, IfaceCol::TxOvr),
            other => {
                let extra = match other {
                    RxBytes => &mut dev.rx_bytes,
                    RxFrame => &mut dev.rx_frame,
                    RxCompressed => &mut dev.rx_compressed,
                    RxMulticast => &mut dev.rx_multicast,
                    TxBytes => &mut dev.tx_bytes,
                    TxColls => &mut dev.tx_colls,
                    TxCarrier => &mut dev.tx_carrier,
                    _ => &mut dev.tx_compressed,
                };
                *extra = Some(value);
                continue;
            }
        };
        *slot = value;
        spans[col as usize] = span;
    }
    if let Some((at, _)) = values.next() {
        return Err(LineError::new(colon as usize + at, "the end of the row (more counters than the header has)"));
    }
    let end = crate::lex::trim_end_blanks(line).len() as u32;
    spans[IfaceCol::Flg as usize] = (end, end);
    Ok(IfaceRow {
        line,
        iface: iface.fragment(),
        mtu: None,
        metric: None,
        stats: Some(stats),
        no_stats: None,
        flags: None,
        flags_text: &line[end as usize..end as usize],
        spans,
        dev: Some(dev),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_and_spans() {
        // procfs's fixture: names longer than the 6-byte field.
        let line = b"vethf345468: 91192      1188    0    0    0     0          0         0   121244   1261    0    0    0     0       0          0";
        let r = row(line, &DevLayout::default()).unwrap();
        assert_eq!(r.iface, b"vethf345468");
        assert_eq!(r.column(IfaceCol::RxOk), b"1188");
        assert_eq!(r.column(IfaceCol::TxOk), b"1261");
        assert_eq!(r.dev.unwrap().tx_bytes, Some(121244));
    }

    #[test]
    fn errors_point_at_the_column() {
        let l = DevLayout::default();
        assert_eq!(row(b"", &l).unwrap_err().column, 0);
        assert_eq!(row(b"  lo 1 2", &l).unwrap_err().column, 4);
        assert_eq!(row(b"  lo: 1 2", &l).unwrap_err().column, 9);
        let many = format!("lo:{}", " 1".repeat(17));
        assert_eq!(row(many.as_bytes(), &l).unwrap_err().column, 36);
        let bad = format!("lo:{} x", " 1".repeat(15));
        assert_eq!(row(bad.as_bytes(), &l).unwrap_err().column, 34);
        assert_eq!(header(b" face |bytes|bytes"), None);
        assert_eq!(header(b" face |bytes packets errs drop fifo fifo|packets errs drop fifo"), None);
        assert!(!title(b"Inter-|"));
    }
}
