//! What ss prints after the addresses and the Process column: the fields of `-e -o -m -i`
//! (sosreport runs `ss -peaonmi`), on the row itself or on a TAB-led continuation line.
//!
//! ```text
//! users:((…)) timer:(keepalive,118min,0) uid:1001 ino:8946 sk:101e cgroup:/ v6only:0 <->
//! ⇥ skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) ts sack cubic wscale:7,7 rto:204
//! ⇥ rtt:0.017/0.008 bbr:(bw:0bps,mrtt:0.005) send 524288000000bps busy:4ms …
//! ```
//!
//! (`⇥` is the TAB that starts a continuation line; real info lines are one long line.)
//!
//! An item is a blank-separated word, except that a parenthesised group is one item even
//! when it holds blanks (`stats(rx dropped:0,…)`), that a few keys print their value after
//! a blank (`send 12Mbps`, `pacing_rate …`, `delivery_rate …`, `peers: 8902 8903`,
//! `inet-sockopt: ( recverr)`), and that a `users:(…)` list is skipped (it is the Process
//! column, read by [`super::users`]). Items are never an error: a value whose shape we
//! do not know is kept as text.

use super::users::{self, PREFIX as USERS_PREFIX};
use crate::lex::{all_digits, is_blank, parse_u64, trim_end_blanks, trim_start_blanks};

/// The extra items of one row or continuation line, read lazily, in the order printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extras<'a> {
    line: &'a [u8],
    pos: usize,
    end: usize,
    /// A `users:(` that was not a well-formed list was seen: later ones are read as plain
    /// items, so that a line full of broken lists is still read in linear time.
    users_failed: bool,
}

impl<'a> Extras<'a> {
    /// The items of `line[start..end]`.
    #[inline]
    pub(super) fn new(line: &'a [u8], start: usize, end: usize) -> Self {
        let end = end.min(line.len());
        Extras { line, pos: start.min(end), end, users_failed: false }
    }

    /// The text not yet read, without the blanks at its ends.
    pub fn text(&self) -> &'a [u8] {
        trim_end_blanks(trim_start_blanks(&self.line[self.pos..self.end]))
    }

    /// The same items, without reading `list` again when it is the next item: `list` is
    /// the row's Process column, which its reader has already read there (the row's
    /// `process`). A writer of every row's extras skips the list's entries this way; any
    /// other `list` (or one elsewhere) changes nothing.
    ///
    /// ```
    /// use netsift_grammar::ss::{row, SsColumns};
    /// let line = br#"tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 users:(("sshd",pid=9,fd=3)) ino:77 sk:1"#;
    /// let row = row(line, SsColumns::FULL).unwrap();
    /// let skipping = row.extras.skipping_users(&row.process.unwrap());
    /// assert_eq!(skipping.text(), b"ino:77 sk:1");
    /// assert!(skipping.eq(row.extras));
    /// ```
    pub fn skipping_users(mut self, list: &users::Users<'a>) -> Self {
        let rest = &self.line[self.pos..self.end];
        let first = self.pos + crate::lex::first_non_blank(rest).unwrap_or(rest.len());
        let text = list.text();
        // The same bytes at the same place of the same line: what `next` would read there,
        // and find to be this list.
        let here = &self.line[first..self.end];
        if here.as_ptr() == text.as_ptr() && text.len() <= here.len() && !self.users_failed {
            self.pos = first + text.len();
        }
        self
    }

    /// True when no item is left.
    pub fn is_empty(&self) -> bool {
        let mut rest = *self;
        rest.next().is_none()
    }
}

impl<'a> Iterator for Extras<'a> {
    type Item = Extra<'a>;

    fn next(&mut self) -> Option<Extra<'a>> {
        loop {
            while self.pos < self.end && is_blank(self.line[self.pos]) {
                self.pos += 1;
            }
            if self.pos >= self.end {
                return None;
            }
            let within = &self.line[..self.end];
            if !self.users_failed && within[self.pos..].starts_with(USERS_PREFIX) {
                match users::scan(within, self.pos) {
                    Ok(scan) => {
                        self.pos = scan.end;
                        continue;
                    }
                    Err(_) => self.users_failed = true,
                }
            }
            let start = self.pos;
            self.pos = item_end(within, start);
            return Some(classify(&within[start..self.pos], start));
        }
    }
}

/// One extra item.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Extra<'a> {
    /// The key: the text before `:`, `=`, `(` or the blank of a two-word item; the whole
    /// word for a bare flag (`ts`, `cubic`, `app_limited`) or a shutdown marker (`<->`).
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub key: &'a [u8],
    /// The value, typed when its shape says what it is.
    pub value: ExtraValue<'a>,
    /// The item as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub text: &'a [u8],
    /// Byte offset of the item in its line.
    pub offset: usize,
}

/// The value of an extra item.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ExtraValue<'a> {
    /// No value: a bare word (`ts`, `sack`, `ecn`, `cubic`, `bbr`, `app_limited`).
    Flag,
    /// `<->`, `-->`, `<--`, `---` (`-e`): which directions are shut down.
    Shutdown(Shutdown),
    /// A decimal integer (`uid:0`, `ino:8946`, `v6only:1`, `cwnd:10`, `lastsnd:584`).
    Int(u64),
    /// A hexadecimal number: `sk:` and netlink `sk=`/`cb=` (printed without `0x`), and any
    /// value printed with `0x` (`fwmark:0x1`, `groups=0x00000000`, `tos:0x2`).
    Hex(u64),
    /// A decimal with a fraction (`rto:201.5`, `minrtt:0.005`); ss prints these with `%g`,
    /// so the same key is an [`ExtraValue::Int`] when the value happens to be whole.
    Float(f64),
    /// Two numbers: `wscale:7,7`, `rtt:0.017/0.008`, `retrans:0/3`, `dev:0/65024`.
    Pair(f64, f64),
    /// A duration, in milliseconds (`busy:19192ms`).
    Duration(u64),
    /// A rate in bits per second (`send 327680.0Mbps`, `pacing_rate 1498337280000bps`).
    Rate(f64),
    /// `timer:(name,expires,retransmits)` (`-o`).
    Timer(Timer<'a>),
    /// `skmem:(r…,rb…,t…,tb…,f…,w…,o…[,bl…][,d…])` (`-m`).
    SkMem(SkMem),
    /// Another parenthesised value (`bbr:(bw:0bps,mrtt:0.005)`, `dctcp:(…)`, `stats(…)`):
    /// the text between the parentheses; see [`group_items`].
    Group(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
    /// Anything else, as printed (`cgroup:/system.slice/x.service`, `peers: 8902 8903`,
    /// `rwnd_limited:18456ms(96.2%)`, an empty value).
    Text(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

/// The shutdown marker of `-e`: `<->` open both ways, `-->` receive side shut down,
/// `<--` send side shut down, `---` both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Shutdown {
    /// The socket will receive no more data (`SHUT_RD`).
    pub receive_shut: bool,
    /// The socket will send no more data (`SHUT_WR`).
    pub send_shut: bool,
}

impl Shutdown {
    /// Read a marker.
    pub fn parse(text: &[u8]) -> Option<Shutdown> {
        match text {
            [first @ (b'<' | b'-'), b'-', last @ (b'>' | b'-')] => {
                Some(Shutdown { receive_shut: *first == b'-', send_shut: *last == b'-' })
            }
            _ => None,
        }
    }
}

/// What kind of timer a socket has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TimerKind {
    /// `off`.
    Off,
    /// `on`: retransmission.
    On,
    /// `keepalive`.
    Keepalive,
    /// `timewait`.
    TimeWait,
    /// `persist`: zero-window probe.
    Persist,
    /// `delack`: delayed ACK (iproute2 ≥ 7.1).
    Delack,
    /// `T3_RTX`: SCTP retransmission.
    T3Rtx,
    /// `unknown`: ss has no name for it.
    Unknown,
    /// A word we do not know.
    Other,
}

/// `timer:(keepalive,118min,0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Timer<'a> {
    /// The timer kind.
    pub kind: TimerKind,
    /// Its name as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub name: &'a [u8],
    /// Time until it fires, in milliseconds; `None` when ss printed nothing (`on,,0`).
    pub expires_ms: Option<u64>,
    /// Retransmissions (or probes) so far.
    pub retransmits: u64,
}

impl<'a> Timer<'a> {
    /// Read `(name,expires,retransmits)`.
    ///
    /// ```
    /// use netsift_grammar::ss::{Timer, TimerKind};
    /// let t = Timer::parse(b"(on,2.300ms,7)").unwrap();
    /// assert_eq!((t.kind, t.expires_ms, t.retransmits), (TimerKind::On, Some(2300), 7));
    /// ```
    pub fn parse(text: &'a [u8]) -> Option<Timer<'a>> {
        let inner = text.strip_prefix(b"(")?.strip_suffix(b")")?;
        let mut parts = inner.split(|&b| b == b',');
        let name = parts.next()?;
        let expires = parts.next()?;
        let retransmits = parse_u64(parts.next()?)?;
        if parts.next().is_some() {
            return None;
        }
        let expires_ms = if expires.is_empty() { None } else { Some(duration_ms(expires)?) };
        let kind = match name {
            b"off" => TimerKind::Off,
            b"on" => TimerKind::On,
            b"keepalive" => TimerKind::Keepalive,
            b"timewait" => TimerKind::TimeWait,
            b"persist" => TimerKind::Persist,
            b"delack" => TimerKind::Delack,
            b"T3_RTX" => TimerKind::T3Rtx,
            b"unknown" => TimerKind::Unknown,
            _ => TimerKind::Other,
        };
        Some(Timer { kind, name, expires_ms, retransmits })
    }
}

/// `skmem:(…)`: socket memory, in bytes (`-m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SkMem {
    /// `r`: receive memory allocated.
    pub rmem_alloc: u64,
    /// `rb`: receive buffer size.
    pub rcvbuf: u64,
    /// `t`: transmit memory allocated.
    pub wmem_alloc: u64,
    /// `tb`: send buffer size.
    pub sndbuf: u64,
    /// `f`: memory allocated but not used yet.
    pub fwd_alloc: u64,
    /// `w`: memory of queued data not yet sent.
    pub wmem_queued: u64,
    /// `o`: option memory.
    pub optmem: u64,
    /// `bl`: backlog (newer kernels).
    pub backlog: Option<u64>,
    /// `d`: drops (newer kernels).
    pub drops: Option<u64>,
}

impl SkMem {
    /// Read `(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)`. Keys ss may add later are ignored;
    /// the seven of every version are required.
    pub fn parse(text: &[u8]) -> Option<SkMem> {
        let inner = text.strip_prefix(b"(")?.strip_suffix(b")")?;
        let mut v: [Option<u64>; 9] = [None; 9];
        for part in inner.split(|&b| b == b',') {
            let digits_at = part.iter().position(u8::is_ascii_digit)?;
            let value = parse_u64(&part[digits_at..])?;
            let slot = match &part[..digits_at] {
                b"r" => 0,
                b"rb" => 1,
                b"t" => 2,
                b"tb" => 3,
                b"f" => 4,
                b"w" => 5,
                b"o" => 6,
                b"bl" => 7,
                b"d" => 8,
                _ => continue,
            };
            v[slot] = Some(value);
        }
        Some(SkMem {
            rmem_alloc: v[0]?,
            rcvbuf: v[1]?,
            wmem_alloc: v[2]?,
            sndbuf: v[3]?,
            fwd_alloc: v[4]?,
            wmem_queued: v[5]?,
            optmem: v[6]?,
            backlog: v[7],
            drops: v[8],
        })
    }
}

/// The `key:value` items of a group's text (`bw:0bps,mrtt:0.005` → `(bw, 0bps)`,
/// `(mrtt, 0.005)`), split at the commas that are not inside parentheses. An item
/// without `:` has an empty value.
pub fn group_items(inner: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = Some(inner);
    std::iter::from_fn(move || {
        let text = rest?;
        let mut depth = 0usize;
        let cut = text.iter().position(|&b| {
            match b {
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            b == b',' && depth == 0
        });
        let item = match cut {
            Some(c) => {
                rest = Some(&text[c + 1..]);
                &text[..c]
            }
            None => {
                rest = None;
                text
            }
        };
        Some(match item.iter().position(|&b| b == b':') {
            Some(colon) => (&item[..colon], &item[colon + 1..]),
            None => (item, &b""[..]),
        })
    })
    .filter(|(k, v)| !k.is_empty() || !v.is_empty())
}

/// Keys whose value follows a blank.
const TWO_WORD_KEYS: [&[u8]; 3] = [b"send", b"pacing_rate", b"delivery_rate"];

/// Where the item starting at `line[start]` ends (`line` ends where the items end).
pub(super) fn item_end(line: &[u8], start: usize) -> usize {
    let end = word_end(line, start);
    let word = &line[start..end];
    if TWO_WORD_KEYS.contains(&word) {
        return next_word(line, end).map_or(end, |(_, e)| e);
    }
    if word == b"peers:" {
        let mut last = end;
        while let Some((_, e)) = next_word(line, last).filter(|&(s, e)| all_digits(&line[s..e])) {
            last = e;
        }
        return last;
    }
    if word.ends_with(b":") {
        if let Some((s, e)) = next_word(line, end) {
            if line[s] == b'(' {
                return e;
            }
        }
    }
    end
}

/// The end of the word at `start`: up to a blank outside parentheses and quotes. An
/// unbalanced `(` or `"` runs to the end of the line.
fn word_end(line: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < line.len() {
        match line[i] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'"' => match line[i + 1..].iter().position(|&b| b == b'"') {
                Some(p) => i += p + 1,
                None => return line.len(),
            },
            b if is_blank(b) && depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    i
}

/// The next word after `from`, skipping blanks: its start and end.
fn next_word(line: &[u8], from: usize) -> Option<(usize, usize)> {
    let start = from + line.get(from..)?.iter().position(|&b| !is_blank(b))?;
    Some((start, word_end(line, start)))
}

/// Type one item.
fn classify(text: &[u8], offset: usize) -> Extra<'_> {
    if let Some(s) = Shutdown::parse(text) {
        return Extra { key: text, value: ExtraValue::Shutdown(s), text, offset };
    }
    let sep = text.iter().position(|&b| matches!(b, b':' | b'=' | b'(') || is_blank(b));
    let Some(sep) = sep.filter(|&s| s > 0) else {
        return Extra { key: text, value: ExtraValue::Flag, text, offset };
    };
    let key = &text[..sep];
    let raw = if text[sep] == b'(' { &text[sep..] } else { trim_start_blanks(&text[sep + 1..]) };
    Extra { key, value: value(key, raw), text, offset }
}

fn value<'a>(key: &[u8], raw: &'a [u8]) -> ExtraValue<'a> {
    if raw.is_empty() {
        return ExtraValue::Text(raw);
    }
    match key {
        b"timer" => {
            if let Some(t) = Timer::parse(raw) {
                return ExtraValue::Timer(t);
            }
        }
        b"skmem" => {
            if let Some(m) = SkMem::parse(raw) {
                return ExtraValue::SkMem(m);
            }
        }
        _ => {}
    }
    if let Some(inner) = raw.strip_prefix(b"(").and_then(|r| r.strip_suffix(b")")) {
        return ExtraValue::Group(inner);
    }
    let hex_digits = raw.strip_prefix(b"0x").or(matches!(key, b"sk" | b"cb").then_some(raw));
    if let Some(digits) = hex_digits {
        return hex(digits).map_or(ExtraValue::Text(raw), ExtraValue::Hex);
    }
    if all_digits(raw) {
        return parse_u64(raw).map_or(ExtraValue::Text(raw), ExtraValue::Int);
    }
    if let Some(ms) = duration_ms(raw) {
        return ExtraValue::Duration(ms);
    }
    if let Some(bps) = rate(raw) {
        return ExtraValue::Rate(bps);
    }
    if let Some(f) = float(raw) {
        return ExtraValue::Float(f);
    }
    if let Some((a, b)) = pair(raw) {
        return ExtraValue::Pair(a, b);
    }
    ExtraValue::Text(raw)
}

/// A duration as ss prints it, in milliseconds: `118min`, `1min30sec`, `42sec`, `123ms`,
/// `080ms`, and `5.123sec` or (before iproute2 6.x) `5.123ms`, both 5 s 123 ms.
pub fn duration_ms(text: &[u8]) -> Option<u64> {
    let mut rest = text;
    let mut total: u64 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let len = rest.iter().position(|b| !b.is_ascii_digit()).unwrap_or(rest.len());
        let whole = parse_u64(&rest[..len])?;
        rest = &rest[len..];
        let part = if let Some(after_dot) = rest.strip_prefix(b".") {
            let flen = after_dot.iter().position(|b| !b.is_ascii_digit()).unwrap_or(after_dot.len());
            let frac = &after_dot[..flen];
            if frac.is_empty() {
                return None;
            }
            rest = &after_dot[flen..];
            rest = rest.strip_prefix(b"sec").or_else(|| rest.strip_prefix(b"ms"))?;
            let mut ms = 0u64;
            for (k, &d) in frac.iter().take(3).enumerate() {
                ms += u64::from(d - b'0') * [100, 10, 1][k];
            }
            whole.checked_mul(1000)?.checked_add(ms)?
        } else if let Some(r) = rest.strip_prefix(b"min") {
            rest = r;
            whole.checked_mul(60_000)?
        } else if let Some(r) = rest.strip_prefix(b"sec") {
            rest = r;
            whole.checked_mul(1000)?
        } else if let Some(r) = rest.strip_prefix(b"ms") {
            rest = r;
            whole
        } else {
            return None;
        };
        total = total.checked_add(part)?;
    }
    Some(total)
}

/// `0bps`, `327680.0Mbps`, `1.2Gbps`, `10.5Kbps`: bits per second.
fn rate(text: &[u8]) -> Option<f64> {
    let number = text.strip_suffix(b"bps")?;
    let (number, scale) = match number.last() {
        Some(b'K') => (&number[..number.len() - 1], 1e3),
        Some(b'M') => (&number[..number.len() - 1], 1e6),
        Some(b'G') => (&number[..number.len() - 1], 1e9),
        Some(b'T') => (&number[..number.len() - 1], 1e12),
        _ => (number, 1.0),
    };
    Some(float(number)? * scale)
}

/// A plain decimal number (`%g` output: digits, a fraction, an exponent).
fn float(text: &[u8]) -> Option<f64> {
    if !text.first().is_some_and(u8::is_ascii_digit)
        || !text.iter().all(|&b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// `a,b` or `a/b`, both numbers.
fn pair(text: &[u8]) -> Option<(f64, f64)> {
    let sep = text.iter().position(|&b| b == b',' || b == b'/')?;
    Some((float(&text[..sep])?, float(&text[sep + 1..])?))
}

fn hex(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in digits {
        let d = char::from(b).to_digit(16)?;
        v = (v << 4) | u64::from(d);
    }
    Some(v)
}

impl<'a> crate::MapBytes<'a> for Extras<'a> {
    type Mapped<'b> = Extras<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Extras<'b> {
        Extras { line: f(self.line), pos: self.pos, end: self.end, users_failed: self.users_failed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &[u8]) -> Vec<Extra<'_>> {
        Extras::new(text, 0, text.len()).collect()
    }

    fn values(text: &[u8]) -> Vec<(&[u8], ExtraValue<'_>)> {
        items(text).into_iter().map(|e| (e.key, e.value)).collect()
    }

    #[test]
    fn skipping_the_users_list_gives_the_same_items() {
        use crate::ss::{row, SsColumns};
        let lines: [&[u8]; 6] = [
            br#"tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 users:(("sshd",pid=9,fd=3)) ino:77 sk:1 <->"#,
            br#"tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000      users:(("a",pid=1,fd=2),("b",pid=2,fd=3))    "#,
            // Two lists: the second is read (skipped) by the iterator either way.
            br#"tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 users:(("a",pid=1,fd=2)) users:(("b",pid=2,fd=3)) uid:0"#,
            // iproute2 < 3.14 -o: the list after the timer, not skipped.
            br#"tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 timer:(keepalive,1min,0) users:(("z",15090,8)) uid:0"#,
            // A broken list after the first one: read as items.
            br#"tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 users:(("a",pid=1,fd=2)) users:((broken uid:0"#,
            br#"tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 users:(("q"u(o",pid=9067,fd=4))"#,
        ];
        for line in lines {
            let r = row(line, SsColumns::FULL).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(line)));
            let list = r.process.expect("a users list");
            let skipped: Vec<Extra<'_>> = r.extras.skipping_users(&list).collect();
            assert_eq!(skipped, r.extras.collect::<Vec<_>>(), "{}", String::from_utf8_lossy(line));
        }
        // A list of another line is no reason to skip anything.
        let r = row(lines[0], SsColumns::FULL).unwrap();
        let other = row(lines[1], SsColumns::FULL).unwrap().process.unwrap();
        assert_eq!(r.extras.skipping_users(&other).text(), r.extras.text());
    }

    #[test]
    fn e_fields_after_the_process() {
        // jc/ubuntu-18.04_ss-sudo-tulpen.out and r1_ss-tupnae.txt
        let got = values(br#"users:(("avahi-daemon",pid=1510,fd=12)) uid:112 ino:25147 sk:2 <->             "#);
        let open = Shutdown { receive_shut: false, send_shut: false };
        assert_eq!(
            got,
            vec![
                (&b"uid"[..], ExtraValue::Int(112)),
                (b"ino", ExtraValue::Int(25147)),
                (b"sk", ExtraValue::Hex(2)),
                (b"<->", ExtraValue::Shutdown(open)),
            ]
        );
        let got = values(b"ino:19128 sk:7c cgroup:/ <->");
        assert_eq!(got[1], (&b"sk"[..], ExtraValue::Hex(0x7c)));
        assert_eq!(got[2], (&b"cgroup"[..], ExtraValue::Text(b"/")));
        let got = values(b"ino:8884 sk:1007 cgroup:/system.slice/x.service v6only:1 fwmark:0x2a -->");
        assert_eq!(got[2].1, ExtraValue::Text(b"/system.slice/x.service"));
        assert_eq!(got[3], (&b"v6only"[..], ExtraValue::Int(1)));
        assert_eq!(got[4], (&b"fwmark"[..], ExtraValue::Hex(42)));
        assert_eq!(got[5].1, ExtraValue::Shutdown(Shutdown { receive_shut: true, send_shut: false }));
        assert_eq!(Shutdown::parse(b"<--"), Some(Shutdown { receive_shut: false, send_shut: true }));
        assert_eq!(Shutdown::parse(b"---"), Some(Shutdown { receive_shut: true, send_shut: true }));
        assert_eq!(Shutdown::parse(b"<>"), None);
    }

    #[test]
    fn timers() {
        // old/ss-4.15_tupnaoie.txt, deb12_ss-peaonmi.txt
        for (text, kind, ms, re) in [
            (&b"(keepalive,119min,0)"[..], TimerKind::Keepalive, Some(7_140_000), 0),
            (b"(on,516ms,0)", TimerKind::On, Some(516), 0),
            (b"(on,080ms,0)", TimerKind::On, Some(80), 0),
            (b"(timewait,58sec,0)", TimerKind::TimeWait, Some(58_000), 0),
            (b"(on,2.300ms,7)", TimerKind::On, Some(2_300), 7),
            (b"(persist,5.123sec,1)", TimerKind::Persist, Some(5_123), 1),
            (b"(keepalive,1min30sec,2)", TimerKind::Keepalive, Some(90_000), 2),
            (b"(on,,0)", TimerKind::On, None, 0),
            (b"(T3_RTX,42sec,3)", TimerKind::T3Rtx, Some(42_000), 3),
            (b"(delack,40ms,0)", TimerKind::Delack, Some(40), 0),
        ] {
            let t = Timer::parse(text).unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(text)));
            assert_eq!((t.kind, t.expires_ms, t.retransmits), (kind, ms, re));
        }
        assert_eq!(Timer::parse(b"(on,5,0)"), None);
        assert_eq!(Timer::parse(b"(on,5ms)"), None);
        let got = values(b"timer:(timewait,43sec,0) ino:0 sk:1017");
        assert!(matches!(got[0].1, ExtraValue::Timer(Timer { kind: TimerKind::TimeWait, .. })));
    }

    #[test]
    fn tcp_info_continuation_content() {
        // deb12_ss-peaonmi.txt, after its leading TAB
        let line = b" skmem:(r0,rb131072,t0,tb16777216,f86,w16826282,o0,bl0,d0) ts sack bbr wscale:9,10 rto:228 backoff:6 rtt:27.99/6.324 mss:65483 bbr:(bw:10074283672bps,mrtt:0.003,pacing_gain:1,cwnd_gain:2) send 561483387bps pacing_rate 9973540832bps delivery_rate 10074307688bps busy:19192ms rwnd_limited:18456ms(96.2%) retrans:1/7 minrtt:0.003 app_limited ";
        let got = values(line);
        let mem = SkMem {
            rmem_alloc: 0,
            rcvbuf: 131_072,
            wmem_alloc: 0,
            sndbuf: 16_777_216,
            fwd_alloc: 86,
            wmem_queued: 16_826_282,
            optmem: 0,
            backlog: Some(0),
            drops: Some(0),
        };
        assert_eq!(got[0], (&b"skmem"[..], ExtraValue::SkMem(mem)));
        assert_eq!(got[1], (&b"ts"[..], ExtraValue::Flag));
        assert_eq!(got[3], (&b"bbr"[..], ExtraValue::Flag));
        assert_eq!(got[4], (&b"wscale"[..], ExtraValue::Pair(9.0, 10.0)));
        assert_eq!(got[5], (&b"rto"[..], ExtraValue::Int(228)));
        assert_eq!(got[7], (&b"rtt"[..], ExtraValue::Pair(27.99, 6.324)));
        let ExtraValue::Group(bbr) = got[9].1 else { panic!("{:?}", got[9]) };
        assert_eq!(group_items(bbr).nth(1), Some((&b"mrtt"[..], &b"0.003"[..])));
        assert_eq!(got[10], (&b"send"[..], ExtraValue::Rate(561_483_387.0)));
        assert_eq!(got[11], (&b"pacing_rate"[..], ExtraValue::Rate(9_973_540_832.0)));
        assert_eq!(got[12].0, b"delivery_rate");
        assert_eq!(got[13], (&b"busy"[..], ExtraValue::Duration(19_192)));
        assert_eq!(got[14], (&b"rwnd_limited"[..], ExtraValue::Text(b"18456ms(96.2%)")));
        assert_eq!(got[15], (&b"retrans"[..], ExtraValue::Pair(1.0, 7.0)));
        assert_eq!(got[16], (&b"minrtt"[..], ExtraValue::Float(0.003)));
        assert_eq!(got[17], (&b"app_limited"[..], ExtraValue::Flag));
        assert_eq!(got.len(), 18);
        // 4.15 prints rates with units.
        assert_eq!(values(b"send 327680.0Mbps")[0].1, ExtraValue::Rate(327_680_000_000.0));
        assert_eq!(values(b"bbr:(bw:0bps,mrtt:0.008,pacing_gain:1,cwnd_gain:1)")[0].0, b"bbr");
    }

    #[test]
    fn items_with_blanks_inside() {
        // ss -xe: `peers:` then the inodes; netlink -e: key=value, a TAB before skmem.
        let got = items(b"ino:10010745 dev:0/65024 peers: 8902 8903 ");
        assert_eq!(got[1].value, ExtraValue::Pair(0.0, 65024.0));
        assert_eq!((got[2].key, got[2].value), (&b"peers"[..], ExtraValue::Text(b"8902 8903")));
        assert_eq!(got.len(), 3);
        let got = items(b"<-> ino:1 dev:0/1 peers: ");
        assert_eq!((got[3].key, got[3].value), (&b"peers"[..], ExtraValue::Text(b"")));
        let got = values(b"sk=0 cb=0 groups=0x00000000\t skmem:(r832,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)");
        assert_eq!(got[0], (&b"sk"[..], ExtraValue::Hex(0)));
        assert_eq!(got[2], (&b"groups"[..], ExtraValue::Hex(0)));
        assert!(matches!(got[3].1, ExtraValue::SkMem(SkMem { rmem_alloc: 832, .. })));
        let got = items(b"stats(rx dropped:0,rx invalid:0) inet-sockopt: ( recverr is_icsk) x");
        assert_eq!((got[0].key, got[0].value), (&b"stats"[..], ExtraValue::Group(b"rx dropped:0,rx invalid:0")));
        assert_eq!((got[1].key, got[1].value), (&b"inet-sockopt"[..], ExtraValue::Group(b" recverr is_icsk")));
        assert_eq!(got[2].key, b"x");
    }

    #[test]
    fn odd_input_is_text_never_a_panic() {
        for text in [
            &b"timer:(on"[..],
            b"(((",
            b")))",
            b"a:\"unterminated",
            b"sk:zz",
            b"sk:",
            b"uid:99999999999999999999999",
            b"x:1e999999",
            b": = (",
            b"send",
            b"peers:",
            b"\xff\xfe:\xff",
        ] {
            let got = items(text);
            assert!(!got.is_empty(), "{}", String::from_utf8_lossy(text));
        }
        assert_eq!(values(b"sk:zz")[0].1, ExtraValue::Text(b"zz"));
        assert_eq!(values(b"uid:99999999999999999999999")[0].1, ExtraValue::Text(b"99999999999999999999999"));
        assert_eq!(items(b"timer:(on x y").len(), 1);
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ms(b"118min"), Some(7_080_000));
        assert_eq!(duration_ms(b"1min30sec"), Some(90_000));
        assert_eq!(duration_ms(b"42sec"), Some(42_000));
        assert_eq!(duration_ms(b"5.123sec"), Some(5_123));
        assert_eq!(duration_ms(b"5.1ms"), Some(5_100));
        assert_eq!(duration_ms(b"123ms"), Some(123));
        assert_eq!(duration_ms(b""), None);
        assert_eq!(duration_ms(b"5"), None);
        assert_eq!(duration_ms(b"5.sec"), None);
        assert_eq!(duration_ms(b"99999999999999999999min"), None);
    }
}
