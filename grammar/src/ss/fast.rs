//! A hand-written reader for the commonest ss row: an inet socket (`tcp`, `udp`, …) in a
//! table with a Netid column, numeric endpoints and at most a `users:(…)` list and extras
//! after them, as `ss -tupna` prints it:
//!
//! ```text
//! tcp   ESTAB  0      0      [::ffff:10.0.0.1]%eth0:22    10.0.0.2:5000    users:(("sshd",pid=1,fd=3)) ino:1
//! └known netid, known state, two queues, addr[%iface]:port twice, users list, the rest as extras
//! ```
//!
//! It reads each byte of the row once, addresses and ports by hand (std's address parser
//! was the largest single cost of the grammar), and gives exactly the [`SsRow`] that
//! [`super::row_in`] gives, spans included, or `None` for any row it is not sure of: the
//! caller then asks the combinator grammar, which stays the reference (a proptest in this
//! module and the `ss_fast_row` fuzz target compare the two).

use std::net::IpAddr;

use super::endpoint::{Endpoint, Family, Host, Port};
use super::extras::Extras;
use super::row::{Netid, SsCol, SsRow, State};
use super::users::{self, Users, PREFIX as USERS_PREFIX};
use super::SsColumns;
use crate::ip::{ipv4_at, ipv4_prefix, ipv6};
use crate::lex::{digit_lanes, digit_run, eight_digits, is_blank, trim_end_blanks};

/// Read `line` as a row of a table with `columns`, if it has the common shape; `None`
/// means "ask [`super::row_in`]", never "malformed". A row read here reads the same with
/// any header geometry: the geometry is used only for rows whose words do not parse.
pub fn row(line: &[u8], columns: SsColumns) -> Option<SsRow<'_>> {
    // A framed line holds no `\n`: one that does is not a row this reader vouches for.
    match row_to(line, columns)? {
        (row, end) if end == line.len() => Some(row),
        _ => None,
    }
}

/// Read the row that starts `text` and ends at its first `\n`, as [`row`] reads that
/// line: the row and the length of the line with its `\n`. The columns up to the peer
/// are read word by word, and a row that ends there (with its padding) is ended by the
/// `\n` found where its padding ends; only the users list and extras after the peer, when
/// there are any, are searched for the `\n`. `None` when `text` holds no `\n`, when the
/// line ends `\r\n` (the framer strips the `\r`; such lines are left to it), and
/// wherever [`row`] says `None`.
#[inline(always)]
pub fn row_through(text: &[u8], columns: SsColumns) -> Option<(SsRow<'_>, usize)> {
    let (row, end) = row_to(text, columns)?;
    if text.get(end) != Some(&b'\n') || (end > 0 && text[end - 1] == b'\r') {
        return None;
    }
    Some((row, end + 1))
}

/// [`row`] over `text` up to its first `\n` (or its end): the row and where its line ends.
#[inline(always)]
fn row_to(text: &[u8], columns: SsColumns) -> Option<(SsRow<'_>, usize)> {
    if !columns.netid {
        // Without a Netid the family is guessed and the endpoints read leniently.
        return None;
    }
    // Words end at a blank, a `\n` or the end of `text`; the padding after the last word
    // is found when the cursor gets there (most rows end with their peer or users list).
    let line = text;
    let mut spans = [(0u32, 0u32); 8];
    let mut cursor = Cursor { line, pos: 0 };

    // Netid: a known inet word at the line's start (not an sctp sub-row, not blank-led);
    // `tcp` and `udp` and the space after them compared as one word.
    let (netid, ne) = match word8(line, 0).map(|word| word & 0xffff_ffff) {
        Some(TCP) => (Netid::Tcp, 3),
        Some(UDP) => (Netid::Udp, 3),
        _ => {
            let (_, ne) = cursor.word_here()?;
            let netid = Netid::known(&line[..ne])?;
            if netid.family() != Family::Inet {
                return None;
            }
            (netid, ne)
        }
    };
    cursor.pos = ne;
    spans[SsCol::Netid as usize] = span(0, ne);

    let mut state = None;
    let at = cursor.skip_blanks();
    spans[SsCol::State as usize] = span(at, at);
    if columns.state {
        let (known, s, e) = match common_state(line, at) {
            Some((known, len)) => (known, at, at + len),
            None => {
                let (s, e) = cursor.word_here()?;
                (State::known(&line[s..e])?, s, e)
            }
        };
        state = Some(known);
        spans[SsCol::State as usize] = span(s, e);
        cursor.pos = e;
        cursor.skip_blanks();
    }

    let (mut recv_q, mut send_q) = (None, None);
    let at = cursor.pos;
    spans[SsCol::RecvQ as usize] = span(at, at);
    spans[SsCol::SendQ as usize] = span(at, at);
    if columns.queues {
        let (value, s, e) = cursor.queue()?;
        recv_q = Some(value);
        spans[SsCol::RecvQ as usize] = span(s, e);
        cursor.skip_blanks();
        let (value, s, e) = cursor.queue()?;
        send_q = Some(value);
        spans[SsCol::SendQ as usize] = span(s, e);
        cursor.skip_blanks();
    }

    let ls = cursor.pos;
    let (local, le) = endpoint(line, ls)?;
    cursor.pos = le;
    let ps = cursor.skip_blanks();
    let (peer, pe) = endpoint(line, ps)?;
    cursor.pos = pe;
    spans[SsCol::Local as usize] = span(ls, le);
    spans[SsCol::Peer as usize] = span(ps, pe);

    // What follows the peer: a users list first, or extras with no list among them. (The
    // list is read in the whole line: past its last word there are only blanks, where
    // the grammar's reading of the list, which stops there, finds nothing either.)
    let first = cursor.skip_padding();
    // The line ends here when the padding after the peer runs to its `\n`. A users list
    // is read where it lies, before the line's end is known (its reader stops at a `\n`:
    // what it reads is what it would read in the line alone), and the line ends where the
    // padding after it runs to its `\n`; otherwise the line ends at the first `\n` after
    // the padding (users lists and extras hold any byte).
    let (line_end, process, extras_from, end) = match text.get(first) {
        None | Some(b'\n') => {
            spans[SsCol::Process as usize] = span(pe, pe);
            (first, None, pe, pe)
        }
        Some(b'u') if text[first..].starts_with(USERS_PREFIX) => {
            let scan = match scan_users(text, first) {
                Some(scan) => scan,
                // A list the reader could not vouch for before the line's end was known:
                // read it again in the line alone.
                None => scan_users(&text[..line_end_from(text, first)], first)?,
            };
            spans[SsCol::Process as usize] = span(first, scan.end);
            cursor.pos = scan.end;
            let after = cursor.skip_padding();
            let (line_end, extras_from, end) = match text.get(after) {
                None | Some(b'\n') => (after, scan.end, scan.end),
                Some(_) => {
                    let line_end = line_end_from(text, after);
                    (line_end, after, trim_end(&text[..line_end]))
                }
            };
            (line_end, Some(Users::from_scan(&text[first..scan.end], scan)), extras_from, end)
        }
        Some(_) => {
            let line_end = line_end_from(text, first);
            let end = trim_end(&text[..line_end]);
            // iproute2 < 3.14 may print the list after `timer:(…)`: leave those rows to the
            // grammar, which looks for it among the items.
            if memchr::memmem::find(&text[first..end], USERS_PREFIX).is_some() {
                return None;
            }
            spans[SsCol::Process as usize] = span(pe, pe);
            (line_end, None, first, end)
        }
    };
    let line = &text[..line_end];
    spans[SsCol::Extras as usize] = span(extras_from, end);

    let row = SsRow {
        line,
        columns,
        netid: Some(netid),
        sctp_assoc: false,
        state,
        recv_q,
        send_q,
        local,
        peer,
        process,
        extras: Extras::new(line, pe, end),
        spans,
    };
    Some((row, line_end))
}

fn span(start: usize, end: usize) -> (u32, u32) {
    (start as u32, end as u32)
}

/// The first bytes of `text` (at most eight) as a word, the first byte lowest: what
/// [`word8`] gives for eight bytes that start with `text`, masked to its length.
const fn key(text: &[u8]) -> u64 {
    let mut word = 0u64;
    let mut i = 0;
    while i < text.len() && i < 8 {
        word |= (text[i] as u64) << (8 * i);
        i += 1;
    }
    word
}

/// `tcp ` and `udp `: the commonest netids with the space after them.
const TCP: u64 = key(b"tcp ");
const UDP: u64 = key(b"udp ");

/// The commonest states, when one starts at `line[at..]` and a space follows it: the
/// state and the length of its word, found by comparing words (any other state, or one
/// followed by a TAB, is read as a word and looked up).
#[inline(always)]
fn common_state(line: &[u8], at: usize) -> Option<(State<'static>, usize)> {
    let word = word8(line, at)?;
    let first = |n: usize| word & (u64::MAX >> (64 - 8 * n));
    if first(6) == key(b"ESTAB ") {
        Some((State::Estab, 5))
    } else if first(7) == key(b"LISTEN ") {
        Some((State::Listen, 6))
    } else if first(7) == key(b"UNCONN ") {
        Some((State::Unconn, 6))
    } else if word == key(b"TIME-WAI") {
        (word8(line, at + 8)? & 0xffff == key(b"T ")).then_some((State::TimeWait, 9))
    } else if word == key(b"CLOSE-WA") {
        (word8(line, at + 8)? & 0xff_ffff == key(b"IT ")).then_some((State::CloseWait, 10))
    } else {
        None
    }
}

/// Where the line that holds `text[from]` ends: its `\n`, or the end of `text`.
#[inline]
fn line_end_from(text: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &text[from..]).map_or(text.len(), |i| from + i)
}

/// The eight bytes at `text[at..]` as one word, the first byte lowest; `None` when fewer
/// than eight are left (the callers then go on byte by byte).
#[inline(always)]
fn word8(text: &[u8], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = text.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// Eight copies of a byte, one per lane of a word.
const fn lanes(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of each lane of `word` whose byte is `b`, exactly (no carries across
/// lanes).
#[inline(always)]
fn lanes_eq(word: u64, b: u8) -> u64 {
    const LOW7: u64 = lanes(0x7f);
    let x = word ^ lanes(b);
    !(((x & LOW7).wrapping_add(LOW7)) | x) & !LOW7
}

/// The high bit of each lane of `word` whose byte is at most a space (the blanks and `\n`
/// among them, and the other control bytes, which the callers tell apart).
#[inline(always)]
fn low_lanes(word: u64) -> u64 {
    const LOW7: u64 = lanes(0x7f);
    !(((word & LOW7).wrapping_add(lanes(0x80 - 0x21))) | word) & !LOW7
}

/// The high bit of each lane of `word` whose byte is at most `)` (`"`, `)` and `\n` among
/// them).
#[inline(always)]
fn up_to_paren_lanes(word: u64) -> u64 {
    const LOW7: u64 = lanes(0x7f);
    !(((word & LOW7).wrapping_add(lanes(0x80 - (b')' + 1)))) | word) & !LOW7
}

/// The offset in its word of the first lane `found` marks.
#[inline(always)]
fn first_lane(found: u64) -> usize {
    found.trailing_zeros() as usize / 8
}

/// Whether the eight bytes at `at` are spaces: column padding is compared eight bytes at
/// a time.
#[inline]
fn is_spaces8(line: &[u8], at: usize) -> bool {
    line.get(at..at + 8).is_some_and(|w| w == b"        ")
}

/// The length of `line` without the blanks at its end ([`trim_end_blanks`], eight spaces
/// at a time).
#[inline]
fn trim_end(line: &[u8]) -> usize {
    let mut end = line.len();
    while end >= 8 && is_spaces8(line, end - 8) {
        end -= 8;
    }
    trim_end_blanks(&line[..end]).len()
}

/// The digit a byte is, if it is one.
#[inline]
fn digit(b: Option<&u8>) -> Option<u8> {
    let d = b?.wrapping_sub(b'0');
    (d <= 9).then_some(d)
}

/// The end of a word: a blank, a `\n` (which a framed line does not hold: a word never
/// runs into the next line when the reader reads through) or the line's end.
#[inline]
fn at_word_end(line: &[u8], at: usize) -> bool {
    line.get(at).is_none_or(|&b| is_blank(b) || b == b'\n')
}

/// A position in a row.
struct Cursor<'a> {
    line: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    /// The word that starts at the cursor (none when a blank or the end is there), and
    /// move past it.
    #[inline(always)]
    fn word_here(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        let mut end = start;
        // Eight bytes at a time to the first byte that is at most a space, then byte by
        // byte if that byte is a control byte inside the word.
        while let Some(word) = word8(self.line, end) {
            let low = low_lanes(word);
            if low == 0 {
                end += 8;
                continue;
            }
            end += first_lane(low);
            if at_word_end(self.line, end) {
                break;
            }
            end += 1;
        }
        while !at_word_end(self.line, end) {
            end += 1;
        }
        if end == start {
            return None;
        }
        self.pos = end;
        Some((start, end))
    }

    /// A queue: a word of at most 19 digits (no overflow check needed; longer ones are
    /// left to the grammar). Its value, start and end.
    #[inline(always)]
    fn queue(&mut self) -> Option<(u64, usize, usize)> {
        let start = self.pos;
        // Most queues are one digit (`0`).
        if let Some(&[b, end]) = self.line.get(start..start + 2) {
            let d = b.wrapping_sub(b'0');
            if d <= 9 && (is_blank(end) || end == b'\n') {
                self.pos = start + 1;
                return Some((u64::from(d), start, start + 1));
            }
        }
        // At most 19 digits read: a 20th is not a word's end.
        let (value, at) = digit_run(self.line, start);
        if at == start || !at_word_end(self.line, at) {
            return None;
        }
        self.pos = at;
        Some((value, start, at))
    }

    /// Move past blanks (eight bytes at a time); returns the new position.
    #[inline(always)]
    fn skip_blanks(&mut self) -> usize {
        self.skip_blanks_from(false)
    }

    /// [`Cursor::skip_blanks`] where the run may be the line's last padding (after the
    /// peer, after the users list): once eight spaces are seen, 32 and then 16 bytes at a
    /// time while they are all spaces.
    #[inline(always)]
    fn skip_padding(&mut self) -> usize {
        self.skip_blanks_from(true)
    }

    #[inline(always)]
    fn skip_blanks_from(&mut self, long: bool) -> usize {
        const SPACES: u64 = lanes(b' ');
        // Eight bytes at a time: the first byte that is not a space is the lowest lane
        // that differs from a space; a TAB there is skipped and the words go on.
        while let Some(word) = word8(self.line, self.pos) {
            let other = word ^ SPACES;
            if other == 0 {
                self.pos += 8;
                if long {
                    while let Some(block) = self.line.get(self.pos..self.pos + 32) {
                        if block != [b' '; 32] {
                            break;
                        }
                        self.pos += 32;
                    }
                    while let Some(pair) = self.line.get(self.pos..self.pos + 16) {
                        if pair != [b' '; 16] {
                            break;
                        }
                        self.pos += 16;
                    }
                }
                continue;
            }
            let lane = other.trailing_zeros() & !7;
            self.pos += lane as usize / 8;
            // That lane holds the byte XOR a space: a TAB is `\t ^ b' '` there.
            if (other >> lane) as u8 != b'\t' ^ b' ' {
                return self.pos;
            }
            self.pos += 1;
        }
        while self.line.get(self.pos).is_some_and(|&b| is_blank(b)) {
            self.pos += 1;
        }
        self.pos
    }
}

/// The endpoint word at `line[start..]`, when it is `host[%iface]:port` with a numeric or
/// `*` host and a numeric or `*` port, read as [`super::endpoint`] reads the word; and
/// where the word ends. `None` for any other shape (names, unbracketed IPv6, an interface
/// name with `:`, `[` or `*` in it).
#[inline(always)]
fn endpoint(line: &[u8], start: usize) -> Option<(Endpoint<'_>, usize)> {
    let (host, mut at) = match line.get(start)? {
        b'*' => (Host::Any, start + 1),
        b'[' => {
            let inner = start + 1;
            let close = bracket_end(line, inner)?;
            let bare = &line[inner..close];
            let ip = match ipv4_prefix(bare) {
                Some((v4, len)) if len == bare.len() => IpAddr::V4(v4),
                _ => IpAddr::V6(bracketed_ipv6(bare)?),
            };
            (Host::Ip(ip), close + 1)
        }
        _ => {
            let (v4, end) = ipv4_at(line, start)?;
            (Host::Ip(IpAddr::V4(v4)), end)
        }
    };
    let mut iface = None;
    if line.get(at) == Some(&b'%') {
        let from = at + 1;
        at = from;
        // Up to the colon; a `[` or `*` in it could start a glued peer (iproute2
        // 4.15–4.19), which the grammar splits.
        while !matches!(line.get(at)?, b':' | b' ' | b'\t' | b'[' | b'*' | b'\n') {
            at += 1;
        }
        if at == from {
            return None;
        }
        iface = Some(&line[from..at]);
    }
    if line.get(at) != Some(&b':') {
        return None;
    }
    at += 1;
    let port = if line.get(at) == Some(&b'*') {
        at += 1;
        Port::Any
    } else if let Some(word) = word8(line, at) {
        // One to five digits, read at once.
        let n = digit_lanes(word);
        if n == 0 || n > 5 {
            return None;
        }
        at += n;
        let value = eight_digits((word & lanes(0x0f)) << (8 * (8 - n)));
        Port::Number(u16::try_from(value).ok()?)
    } else {
        let from = at;
        let mut value = 0u32;
        while let Some(d) = digit(line.get(at)) {
            value = value * 10 + u32::from(d);
            at += 1;
            if at - from > 5 {
                return None;
            }
        }
        if at == from {
            return None;
        }
        Port::Number(u16::try_from(value).ok()?)
    };
    if !at_word_end(line, at) {
        return None;
    }
    Some((Endpoint { host, iface, port: Some(port), inode: None }, at))
}

/// Where the `]` that closes a bracketed address starting at `line[inner..]` is; `None`
/// when a `\n` or the end comes first.
#[inline(always)]
fn bracket_end(line: &[u8], inner: usize) -> Option<usize> {
    let mut at = inner;
    while let Some(word) = word8(line, at) {
        let found = lanes_eq(word, b']') | lanes_eq(word, b'\n');
        if found != 0 {
            at += first_lane(found);
            return (line[at] == b']').then_some(at);
        }
        at += 8;
    }
    while *line.get(at)? != b']' {
        if line[at] == b'\n' {
            return None;
        }
        at += 1;
    }
    Some(at)
}

/// The IPv6 address in brackets, as [`ipv6`] reads it: the forms ss prints most are
/// recognised first (loopback `::1`, the unspecified `::`, and the IPv4-mapped
/// `::ffff:a.b.c.d` of dual-stack sockets, read as its dotted quad).
#[inline(always)]
fn bracketed_ipv6(bare: &[u8]) -> Option<std::net::Ipv6Addr> {
    match bare {
        b"::1" => return Some(std::net::Ipv6Addr::LOCALHOST),
        b"::" => return Some(std::net::Ipv6Addr::UNSPECIFIED),
        _ => {}
    }
    if let Some(quad) = bare.strip_prefix(b"::ffff:") {
        if let Some((v4, len)) = ipv4_prefix(quad) {
            if len == quad.len() {
                return Some(v4.to_ipv6_mapped());
            }
        }
    }
    ipv6(bare)
}

/// [`users::scan`] for lists whose entries have the common shape `("name",pid=N,fd=N)`
/// (a name without `"` or `)`), each read in one pass; any other entry is read by the
/// grammar's entry reader, so the result is that of [`users::scan`]. `None` when the list
/// is not well formed (the grammar then reports it), and when it runs into a `\n`: `line`
/// may be the text from the row on, and a list read without crossing a `\n` is read as
/// in the line alone (any read at the `\n` fails as it would at the line's end).
#[inline(always)]
fn scan_users(line: &[u8], start: usize) -> Option<users::Scan> {
    let mut pos = start + USERS_PREFIX.len();
    let mut count = 0;
    loop {
        if line.get(pos) != Some(&b'(') {
            return None;
        }
        let close = match common_entry(line, pos + 1) {
            Some(close) => close,
            None => {
                let close = pos + 1 + memchr::memchr(b')', &line[pos + 1..])?;
                if memchr::memchr(b'\n', &line[pos + 1..close]).is_some() || !users::is_entry(&line[pos + 1..close]) {
                    // Broken, or cut by the old 4096-byte buffer: the grammar decides.
                    return None;
                }
                close
            }
        };
        count += 1;
        let after = close + 1;
        match line.get(after) {
            Some(b',') => pos = after + 1,
            Some(b')') => return Some(users::Scan { end: after + 1, count, truncated: false }),
            _ => return None,
        }
    }
}

/// `"name",pid=N,fd=N)` at `line[at..]`, with no `"`, `)` or `\n` in the name and numbers
/// that fit 32 bits: where its `)` is. The grammar's entry reader accepts the entry (its
/// last `",pid=` is the one after the name, and its first `)` the one at the end).
#[inline(always)]
fn common_entry(line: &[u8], at: usize) -> Option<usize> {
    if line.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    // The name's closing quote, eight bytes at a time: the bytes up to `)` (`"`, `)`,
    // `\n`, and the blanks and punctuation some names hold) are candidates, looked at one
    // by one.
    loop {
        let Some(word) = word8(line, i) else {
            loop {
                match *line.get(i)? {
                    b'"' => break,
                    b')' | b'\n' => return None,
                    _ => i += 1,
                }
            }
            break;
        };
        let mut found = up_to_paren_lanes(word);
        while found != 0 {
            let lane = found.trailing_zeros() & !7;
            match (word >> lane) as u8 {
                b'"' => break,
                b')' | b'\n' => return None,
                _ => found &= found - 1,
            }
        }
        if found != 0 {
            i += first_lane(found);
            break;
        }
        i += 8;
    }
    i += 1;
    if line.get(i..i + 5) != Some(b",pid=") {
        return None;
    }
    i = number_u32(line, i + 5)?;
    if line.get(i..i + 4) != Some(b",fd=") {
        return None;
    }
    i = number_u32(line, i + 4)?;
    (line.get(i) == Some(&b')')).then_some(i)
}

/// The end of the digits at `line[at..]`, when there are some and they fit 32 bits.
#[inline(always)]
fn number_u32(line: &[u8], at: usize) -> Option<usize> {
    // Up to seven digits always fit: counted eight bytes at once.
    if let Some(word) = word8(line, at) {
        match digit_lanes(word) {
            0 => return None,
            n @ 1..=7 => return Some(at + n),
            _ => {}
        }
    }
    let mut value = 0u64;
    let mut i = at;
    while let Some(d) = digit(line.get(i)) {
        value = value * 10 + u64::from(d);
        i += 1;
        if i - at > 10 {
            return None;
        }
    }
    (i > at && value <= u64::from(u32::MAX)).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ss::{row_in, SsGeometry};
    use proptest::prelude::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const FULL: SsColumns = SsColumns::FULL;

    /// What follows a row in the chunks `row_through` reads: nothing, the next row, a
    /// continuation line, the rest of a users list or a name, odd bytes.
    const NEXT: [&[u8]; 7] = [
        b"",
        b"tcp   ESTAB  0      0      1.2.3.4:5   6.7.8.9:10",
        b"\tskmem:(r0,rb369280,t0) cubic",
        br#"",pid=1,fd=2))"#,
        b")) ino:1",
        b"\n\n",
        b"  \t \x00\xff",
    ];

    /// `row_through` over `line`, a `\n` and `next` reads what [`row`] reads in the line
    /// up to its first `\n` (the rest of the text unread), and says where that line ends;
    /// nothing for a line that ends `\r`.
    fn through_agrees(line: &[u8], columns: SsColumns, next: &[u8]) {
        let mut text = line.to_vec();
        text.push(b'\n');
        text.extend_from_slice(next);
        let first = &line[..memchr::memchr(b'\n', line).unwrap_or(line.len())];
        let expected = match first.last() {
            Some(b'\r') => None,
            _ => row(first, columns).map(|r| (r, first.len() + 1)),
        };
        assert_eq!(row_through(&text, columns), expected, "{:?}", String::from_utf8_lossy(&text));
    }

    /// The fast reader either declines or gives the grammar's row, with any geometry; and
    /// reads the line the same through a `\n` and what follows it.
    fn same(line: &[u8], columns: SsColumns) -> bool {
        for next in NEXT {
            through_agrees(line, columns, next);
        }
        let Some(fast) = row(line, columns) else { return false };
        let geometries = [
            SsGeometry::default(),
            SsGeometry { send_q: Some(20), peer_colon: Some(59) },
            SsGeometry { send_q: Some(12), peer_colon: Some(30) },
        ];
        for geometry in geometries {
            let slow = row_in(line, columns, geometry);
            assert_eq!(Ok(fast), slow, "{}", String::from_utf8_lossy(line));
        }
        true
    }

    #[test]
    fn common_rows_are_read_here() {
        for line in [
            &br#"tcp   ESTAB  0      0      [::ffff:127.0.0.1]:45680 [::ffff:127.0.0.1]:33238 users:(("python3",pid=4479,fd=12)) ino:1 sk:2 <->"#[..],
            br#"udp   UNCONN 0      0        127.0.0.1:52462      0.0.0.0:*    users:(("z",pid=9069,fd=4),("q"u(o",pid=1,fd=2))    "#,
            b"tcp   LISTEN 0      128    [fe80::1]%eth0:22   [::]:*",
            b"tcp   LISTEN 0      128    127.0.0.53%lo:53   *:*      ",
            b"tcp   LISTEN 0      128    *%eth0:53   *:*  timer:(keepalive,1min,0)",
            b"tcp   TIME-WAIT 0   0      1.2.3.4:5   6.7.8.9:10",
            br#"tcp ESTAB 0 0 [::]:1 [1:2:3:4:5:6:7:8]:2 users:(("old",12,3))"#,
            br#"tcp   CLOSE-WAIT 0        0      [::1]:631 [::ffff:10.1.2.3]:9  users:(("Web Content",pid=12345678,fd=86),("a(b!#",pid=4294967295,fd=0))                  "#,
            b"udp\tUNCONN\t0\t0\t\t[::]:5353\t*:*\t\t\t",
            b"tcp   TIME-WAIT\t0 0 [fd00::85a:4164]:17118 [::ffff:56.147.123.207]:26981                                        ",
            b"tcp   ESTAB 1234567890123456789 0 1.2.3.4:65535 6.7.8.9:0",
        ] {
            assert!(same(line, FULL), "declined: {}", String::from_utf8_lossy(line));
        }
        let no_state = SsColumns { netid: true, state: false, queues: true };
        assert!(same(b"tcp 0 0 1.2.3.4:5 6.7.8.9:10", no_state));
        let no_queues = SsColumns { netid: true, state: true, queues: false };
        assert!(same(b"tcp ESTAB 1.2.3.4:5 6.7.8.9:10", no_queues));
    }

    #[test]
    fn other_rows_are_left_to_the_grammar() {
        for line in [
            &b"u_str LISTEN 0 8 /tmp/x.sock 8730 * 0"[..],
            b"      `- ESTAB 0 0 127.0.0.1%lo:5000 127.0.0.1:49512",
            b"tcp   ESTAB 0 0 localhost:ssh 6.7.8.9:10",
            b"tcp   ESTAB 0 0 :::22 6.7.8.9:10",
            b"tcp   ESTAB 0 0 1.2.3.4:5",
            b"tcp   ESTAB 0 0 1.2.3.4:70000 6.7.8.9:10",
            b"tcp   ESTAB x 0 1.2.3.4:5 6.7.8.9:10",
            b"tcp   LISTEN0 0 1.2.3.4:5 6.7.8.9:10",
            b"tcp   ESTAB 0 0 1.2.3.4:22*:* ",
            br#"tcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 timer:(on,1ms,0) users:(("a",pid=1,fd=2))"#,
            br#"tcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 users:(("a",pid=1,fd=2)"#,
            b" tcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10",
            // Longer than the 19 digits read without an overflow check.
            b"tcp   ESTAB 12345678901234567890 0 1.2.3.4:65535 6.7.8.9:0",
            b"tcp   ESTAB 0 0 1.2.3.4:655350 6.7.8.9:0",
        ] {
            assert!(row(line, FULL).is_none(), "{}", String::from_utf8_lossy(line));
        }
    }

    /// Real rows with bytes changed, cut or duplicated: whatever the reader accepts, it
    /// reads as the grammar does.
    #[test]
    fn mutated_rows_read_as_the_grammar_reads_them() {
        let seeds: [&[u8]; 6] = [
            br#"tcp   CLOSE-WAIT 0        0                   168.156.16.238:7777 163.98.178.65:10945            users:(("python3",pid=1972353,fd=61),("Web Content",pid=2085556,fd=86))                                   "#,
            b"tcp   TIME-WAIT  0        0                [fd00::85a:4164]:17118 [::1]:26981                                                                     ",
            br#"tcp   ESTAB  0      0      [::ffff:127.0.0.1]:45680 [::ffff:127.0.0.1]:33238 users:(("python3",pid=4479,fd=12),("b",2,3)) ino:1 sk:2 <->"#,
            br#"udp   UNCONN 0      0        127.0.0.53%lo:53      0.0.0.0:*    users:(("systemd-resolve",pid=9069,fd=4))     "#,
            b"tcp   LISTEN 0      4096   [fe80::fc:ff:fe00:1]%eth0:45694               [::]:*  timer:(keepalive,1min,0)",
            b"tcp   TIME-WAIT 0   0      10.0.0.1:22*:*   ",
        ];
        let alphabet = b" \t:()[]*%\".,=0123456789abcdefusers:((pid=fd=\xff\n\r!";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut read = 0;
        for _ in 0..20_000 {
            let mut line = seeds[next(seeds.len())].to_vec();
            for _ in 0..next(4) {
                let at = next(line.len() + 1);
                match next(4) {
                    0 => line.insert(at, alphabet[next(alphabet.len())]),
                    1 if at < line.len() => line[at] = alphabet[next(alphabet.len())],
                    2 => line.truncate(at),
                    _ => {
                        let piece = line[at..].to_vec();
                        line.extend_from_slice(&piece);
                    }
                }
            }
            read += usize::from(same(&line, FULL));
        }
        // Most changes leave a readable row: the comparison is not vacuous.
        assert!(read > 2_000, "{read} rows read");
    }

    proptest! {
        /// Rows of every column set and endpoint form ss prints, padded as ss pads them:
        /// the fast reader, when it reads one, gives the grammar's row.
        #[test]
        fn generated_rows_read_as_the_grammar_reads_them(
            netid in prop_oneof![Just("tcp"), Just("udp"), Just("raw"), Just("mptcp"), Just("sctp"), Just("u_str"), Just("nl"), Just("tcpx")],
            state in prop_oneof![Just("ESTAB"), Just("LISTEN"), Just("UNCONN"), Just("TIME-WAIT"), Just("CLOSE-WAIT"), Just("CLOSED"), Just("CLOSE"), Just("SYN-RECV"), Just("COOKIE_WAIT"), Just("TIME-WAITS"), Just("ESTABLISHED"), Just("LISTEN0")],
            queues in (0u64..100_000, prop_oneof![Just(0u64), any::<u64>()]),
            local in endpoint_text(),
            peer in endpoint_text(),
            users in users_text(),
            extras in prop_oneof![Just(""), Just("ino:1 sk:2 <->"), Just("timer:(keepalive,1min,0) uid:0"), Just("cgroup:/x users:((\"b\",pid=1,fd=2))")],
            pads in proptest::array::uniform6(0usize..12),
            tabs in proptest::array::uniform6(0usize..24),
            trailing in 0usize..160,
            next in 0..NEXT.len(),
            columns in (any::<bool>(), any::<bool>(), any::<bool>()),
        ) {
            let columns = SsColumns { netid: columns.0 || pads[0] > 2, state: columns.1, queues: columns.2 };
            // Runs of spaces, now and then with a TAB in them (at a place the run may not
            // reach).
            let mut which = 0;
            let mut pad = |n: usize| {
                let mut run = " ".repeat(n + 1);
                let tab = tabs[which % 6];
                which += 1;
                if tab <= n {
                    run.replace_range(tab..=tab, "\t");
                }
                run
            };
            let mut line = String::new();
            if columns.netid {
                line.push_str(&format!("{netid}{}", pad(pads[0])));
            }
            if columns.state {
                line.push_str(&format!("{state}{}", pad(pads[1])));
            }
            if columns.queues {
                line.push_str(&format!("{}{}{}{}", queues.0, pad(pads[2]), queues.1, pad(pads[3])));
            }
            line.push_str(&format!("{local}{}{peer}{}{users} {extras}{}", pad(pads[4]), pad(pads[5]), pad(trailing)));
            through_agrees(line.as_bytes(), columns, NEXT[next]);
            let fast = row(line.as_bytes(), columns);
            let slow = row_in(line.as_bytes(), columns, SsGeometry::default());
            if let Some(fast) = fast {
                prop_assert_eq!(Ok(fast), slow);
            }
        }
    }

    fn endpoint_text() -> impl Strategy<Value = String> {
        let host = prop_oneof![
            any::<u32>().prop_map(|v| Ipv4Addr::from(v).to_string()),
            any::<[u16; 8]>().prop_map(|s| format!("[{}]", Ipv6Addr::from(s))),
            any::<u32>().prop_map(|v| format!("[::ffff:{}]", Ipv4Addr::from(v))),
            Just("*".to_string()),
            Just("[::]".to_string()),
            Just("[::1]".to_string()),
            Just("[::ffff:1.2.3.04]".to_string()),
            Just("[::ffff:1.2.3]".to_string()),
            Just("[::ffff:1:2]".to_string()),
            Just("[::1:2:3]".to_string()),
            Just("0.0.0.0".to_string()),
            Just("::1".to_string()),
            Just("localhost".to_string()),
            Just("010.0.0.1".to_string()),
            Just("[zz]".to_string()),
        ];
        let iface = prop_oneof![Just(""), Just("%eth0"), Just("%lo"), Just("%"), Just("%br-1:2")];
        let port = prop_oneof![
            any::<u16>().prop_map(|p| p.to_string()),
            Just("*".to_string()),
            Just("http".to_string()),
            Just("65536".to_string()),
            Just(String::new())
        ];
        (host, iface, port).prop_map(|(h, i, p)| format!("{h}{i}:{p}"))
    }

    fn users_text() -> impl Strategy<Value = String> {
        let entry = prop_oneof![
            ("[a-z]{1,8}", any::<u32>(), 0u32..1000).prop_map(|(n, p, f)| format!("(\"{n}\",pid={p},fd={f})")),
            ("[ -~]{1,24}", prop_oneof![0u64..10_000_000, any::<u64>()], 0u32..1000)
                .prop_map(|(n, p, f)| format!("(\"{n}\",pid={p},fd={f})")),
            Just("(\"q\"u(o\",pid=9067,fd=4)".to_string()),
            Just("(\"a b\",1231,3)".to_string()),
            Just("(\"x\",pid=1,tid=2,fd=3)".to_string()),
            Just("(\"x\",pid=99999999999,fd=3)".to_string()),
            Just("(\"x\",pid=1,fd=)".to_string()),
        ];
        prop_oneof![
            Just(String::new()),
            proptest::collection::vec(entry, 1..4).prop_map(|e| format!("users:({})", e.join(","))),
            Just("users:((\"cut".to_string()),
        ]
    }
}
