//! A small JSON writer that keeps bytes that are not UTF-8.
//!
//! Process names and socket paths are arbitrary bytes. netsift writes them as JSON strings
//! and encodes each byte that is not part of valid UTF-8 as a lone surrogate escape
//! `\udcXX` (U+DC80–U+DCFF), the convention of Python's `surrogateescape` error handler
//! (PEP 383). It is lossless: `json.loads(s).encode("utf-8", "surrogateescape")` in Python
//! gives back the exact bytes, and it is what insights-core itself holds when it reads an
//! archived file with such bytes. Valid UTF-8 is written as is.

/// Append a floating-point number (nstat's rates): the shortest text that reads back as
/// the same `f64`, with a fraction (`0.0`, not `0`); `null` for NaN and infinity, which
/// JSON cannot hold.
///
/// ```
/// let mut out = Vec::new();
/// netsift::json::float(&mut out, 1536.9);
/// netsift::json::float(&mut out, 0.0);
/// assert_eq!(out, b"1536.90.0");
/// ```
pub fn float(out: &mut Vec<u8>, n: f64) {
    use std::io::Write;
    if !n.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    // Writing into a Vec cannot fail; `{}` never writes an exponent.
    let _ = write!(out, "{n}");
    if n.fract() == 0.0 {
        out.extend_from_slice(b".0");
    }
}

/// Append `bytes` as a JSON string (with quotes).
///
/// ```
/// let mut out = Vec::new();
/// netsift::json::string(&mut out, b"caf\xc3\xa9 \xff\"");
/// assert_eq!(String::from_utf8(out).unwrap(), r#""café \udcff\"""#);
/// ```
#[inline]
pub fn string(out: &mut Vec<u8>, bytes: &[u8]) {
    // Most strings (keys, words, lines) are plain ASCII: copied whole.
    if is_plain(bytes) {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    out.push(b'"');
    escaped_body(out, bytes);
    out.push(b'"');
}

/// Append the text of a JSON string for `bytes`, without its quotes: for a writer that
/// copies the quotes together with the text around them (`","name":"`).
///
/// ```
/// let mut out = b"\"".to_vec();
/// netsift::json::string_body(&mut out, b"a\"b");
/// out.push(b'"');
/// assert_eq!(out, br#""a\"b""#);
/// ```
#[inline]
pub fn string_body(out: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.len() <= 16 {
        short_string_body(out, bytes);
    } else {
        longer_string_body(out, bytes);
    }
}

/// [`string_body`] of more than 16 bytes.
#[inline(never)]
fn longer_string_body(out: &mut Vec<u8>, bytes: &[u8]) {
    if is_plain(bytes) {
        out.extend_from_slice(bytes);
    } else {
        escaped_body(out, bytes);
    }
}

/// [`string_body`] of at most 16 bytes (names, sections, words, programs), inline and
/// without `memcpy`: the bytes are read as two overlapping words (or halves), looked at
/// for escaping in those words, and stored as the same two words into a window that is
/// then cut to their length.
#[inline]
fn short_string_body(out: &mut Vec<u8>, bytes: &[u8]) {
    let n = bytes.len();
    let at = out.len();
    if n >= 8 {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[i..i + 8]);
            w
        };
        let (head, tail) = (word(0), word(n - 8));
        if special_lanes(u64::from_le_bytes(head)) | special_lanes(u64::from_le_bytes(tail)) != 0 {
            return escaped_body(out, bytes);
        }
        out.extend_from_slice(&[0; 16]);
        let window = &mut out[at..at + 16];
        window[..8].copy_from_slice(&head);
        window[n - 8..n].copy_from_slice(&tail);
    } else if n >= 4 {
        let half = |i: usize| [bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]];
        let (head, tail) = (half(0), half(n - 4));
        let both = u64::from(u32::from_le_bytes(head)) | (u64::from(u32::from_le_bytes(tail)) << 32);
        if special_lanes(both) != 0 {
            return escaped_body(out, bytes);
        }
        out.extend_from_slice(&[0; 8]);
        let window = &mut out[at..at + 8];
        window[..4].copy_from_slice(&head);
        window[n - 4..n].copy_from_slice(&tail);
    } else if n > 0 {
        // 1 to 3 bytes: the first, middle and last are all of them, in place.
        let word = u32::from(bytes[0])
            | (u32::from(bytes[n / 2]) << (8 * (n / 2)))
            | (u32::from(bytes[n - 1]) << (8 * (n - 1)));
        let padded = u64::from_le_bytes([b'a'; 8]) & !((1u64 << (8 * n)) - 1) | u64::from(word);
        if special_lanes(padded) != 0 {
            return escaped_body(out, bytes);
        }
        out.extend_from_slice(&word.to_le_bytes());
    } else {
        return;
    }
    out.truncate(at + n);
}

/// [`string_body`] for long text that may need escaping (a row's line): the plain start is
/// found 32 bytes at a time ([`long_plain_prefix`]; eight at a time, it was 5 % of
/// `events -f ss`'s instructions) and copied in one pass, and escaping goes on from the
/// first byte that needs it, instead of asking first whether the whole line is plain.
///
/// A rest whose only bytes to escape are quotes (an ss row's `users:(("sshd",…))`) is
/// found so by one more pass of 32-byte blocks, and its quotes by `memchr`: the runs
/// between them are copied whole, where [`escaped_body`] looks at every run's bytes.
pub fn long_string_body(out: &mut Vec<u8>, bytes: &[u8]) {
    let plain = long_plain_prefix(bytes);
    out.extend_from_slice(&bytes[..plain]);
    let rest = &bytes[plain..];
    if rest.is_empty() {
        return;
    }
    if !special_but_quotes(rest) {
        let mut run = 0;
        for quote in memchr::memchr_iter(b'"', rest) {
            out.extend_from_slice(&rest[run..quote]);
            out.extend_from_slice(b"\\\"");
            run = quote + 1;
        }
        out.extend_from_slice(&rest[run..]);
    } else {
        escaped_body(out, rest);
    }
}

/// Whether `bytes` has a byte to escape other than a quote, a block of 32 at a time
/// without short-circuits (as [`block_special`]).
fn special_but_quotes(bytes: &[u8]) -> bool {
    let special = |b: u8| u8::from(b.wrapping_sub(0x20) >= 0x5f) | u8::from(b == b'\\');
    let mut blocks = bytes.chunks_exact(32);
    let mut any = 0;
    for block in &mut blocks {
        any |= block.iter().fold(0, |any, &b| any | special(b));
    }
    any |= blocks.remainder().iter().fold(0, |any, &b| any | special(b));
    any != 0
}

/// [`string_body`] of bytes that need escaping somewhere.
#[inline(never)]
fn escaped_body(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len());
    // One pass: runs of plain ASCII are copied whole; a byte that needs a look (a control
    // character, a quote, a backslash, or the lead of a multi-byte sequence) is handled on
    // its own. A multi-byte sequence that is valid UTF-8 stays in the run; each byte of an
    // invalid one becomes `\udcXX`.
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if PLAIN[usize::from(b)] {
            // A run may be long (an ss row's line after its users list's last quote):
            // looked at 32 bytes at a time.
            i += 1 + long_plain_prefix(&bytes[i + 1..]);
            continue;
        }
        if b >= 0x80 {
            let width = utf8_width(b);
            if width > 1 && bytes.get(i..i + width).is_some_and(|seq| std::str::from_utf8(seq).is_ok()) {
                i += width;
                continue;
            }
            out.extend_from_slice(&bytes[run..i]);
            out.extend_from_slice(b"\\udc");
            push_hex(out, b);
        } else {
            out.extend_from_slice(&bytes[run..i]);
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                _ => {
                    out.extend_from_slice(b"\\u00");
                    push_hex(out, b);
                }
            }
        }
        i += 1;
        run = i;
    }
    out.extend_from_slice(&bytes[run..]);
}

/// Append `src[s..e]` (nothing when that is not a range of `src`): the views' copy of a
/// value or a key, hundreds of megabytes of short pieces. A piece of at most 32 bytes with
/// 32 bytes of `src` from its start is copied as those 32 (a copy of a fixed length,
/// inlined, where one of a variable length is a call to `memcpy`) and the vector cut back.
#[inline(always)]
pub(crate) fn piece(out: &mut Vec<u8>, src: &[u8], s: usize, e: usize) {
    piece_within::<32>(out, src, s, e);
}

/// [`piece`] with copies of `N` bytes: for a writer that keeps runs of its own with `N`
/// bytes of padding after them (the events' remembered runs), copied without a call.
#[inline(always)]
pub(crate) fn piece_within<const N: usize>(out: &mut Vec<u8>, src: &[u8], s: usize, e: usize) {
    let n = e.wrapping_sub(s);
    if n <= N {
        if let Some(chunk) = src.get(s..s.saturating_add(N)).and_then(|c| <&[u8; N]>::try_from(c).ok()) {
            let keep = out.len() + n;
            out.extend_from_slice(chunk);
            out.truncate(keep);
            return;
        }
    }
    long_piece(out, src, s, e);
}

/// [`piece`] of a long one, or one at the end of `src`.
#[inline(never)]
fn long_piece(out: &mut Vec<u8>, src: &[u8], s: usize, e: usize) {
    if let Some(bytes) = src.get(s..e) {
        out.extend_from_slice(bytes);
    }
}

/// Append `"src[s..e]"` for a piece that needs no escaping (see [`piece`]): the quotes
/// and a short piece in one copy.
#[inline(always)]
pub(crate) fn quoted_piece(out: &mut Vec<u8>, src: &[u8], s: usize, e: usize) {
    let n = e.wrapping_sub(s);
    if n <= 32 {
        if let Some(chunk) = src.get(s..s.saturating_add(32)) {
            let mut cell = [b'"'; 34];
            cell[1..33].copy_from_slice(chunk);
            cell[1 + n] = b'"';
            let keep = out.len() + n + 2;
            out.extend_from_slice(&cell);
            out.truncate(keep);
            return;
        }
    }
    out.push(b'"');
    long_piece(out, src, s, e);
    out.push(b'"');
}

/// Append the text of the JSON string of `src[s..e]` (see [`string_body`]; nothing when
/// that is not a range of `src`), for a piece that needs escaping somewhere: as
/// [`escaped_body`], written into room made once rather than pushed a piece at a time.
pub(crate) fn escaped_piece(out: &mut Vec<u8>, src: &[u8], s: usize, e: usize) {
    let Some(bytes) = src.get(s..e) else { return };
    let at = out.len();
    out.resize(at + escape_room(bytes.len()), 0);
    let w = escape_into(&mut out[at..], bytes);
    out.truncate(at + w);
}

/// The room [`escape_into`] needs for `n` bytes: a byte becomes at most six (`\u00XX`,
/// `\udcXX`), and words are stored eight bytes at a time.
#[inline(always)]
pub(crate) fn escape_room(n: usize) -> usize {
    6 * n + 8
}

/// Write the text of the JSON string of `bytes` at the start of `room` (at least
/// [`escape_room`] bytes); how many bytes it takes.
#[inline(never)]
pub(crate) fn escape_into(room: &mut [u8], bytes: &[u8]) -> usize {
    let n = bytes.len();
    let mut w = 0;
    let mut i = 0;
    while i < n {
        // The next eight bytes (fewer at the end: the last word shifted down, or a short
        // piece padded with plain bytes) are stored whole and counted up to the first that
        // needs a look.
        let (word, valid) = next_word(bytes, i);
        room[w..w + 8].copy_from_slice(&word.to_le_bytes());
        let special = special_lanes(word);
        let plain = ((special.trailing_zeros() / 8) as usize).min(valid);
        i += plain;
        w += plain;
        if plain == valid {
            continue;
        }
        let b = bytes[i];
        match b {
            b'"' | b'\\' => {
                room[w] = b'\\';
                room[w + 1] = b;
                w += 2;
            }
            b'\n' | b'\r' | b'\t' => {
                room[w] = b'\\';
                room[w + 1] = match b {
                    b'\n' => b'n',
                    b'\r' => b'r',
                    _ => b't',
                };
                w += 2;
            }
            0x80.. => {
                let width = utf8_width(b);
                if width > 1 && bytes.get(i..i + width).is_some_and(|seq| std::str::from_utf8(seq).is_ok()) {
                    room[w..w + width].copy_from_slice(&bytes[i..i + width]);
                    w += width;
                    i += width;
                    continue;
                }
                room[w..w + 6].copy_from_slice(&unicode_escape(b"\\udc", b));
                w += 6;
            }
            _ => {
                room[w..w + 6].copy_from_slice(&unicode_escape(b"\\u00", b));
                w += 6;
            }
        }
        i += 1;
    }
    w
}

/// The eight bytes of `bytes` from `i` (< its length) as a little-endian word, and how
/// many of them are `bytes`' own: near the end, the last eight bytes shifted down (the
/// lanes past the end are then zero, which [`special_lanes`] marks; the count stops
/// before them), and for a piece shorter than eight, its bytes padded with plain ones.
#[inline(always)]
fn next_word(bytes: &[u8], i: usize) -> (u64, usize) {
    let n = bytes.len();
    let word = |at: usize| {
        let mut lane = [0u8; 8];
        lane.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(lane)
    };
    if i + 8 <= n {
        (word(i), 8)
    } else if n >= 8 {
        (word(n - 8) >> (8 * (i + 8 - n)), n - i)
    } else {
        let mut lane = [b'a'; 8];
        for (k, &b) in bytes[i..].iter().enumerate() {
            lane[k] = b;
        }
        (u64::from_le_bytes(lane), n - i)
    }
}

/// How many bytes at the start of `bytes` are plain, as [`plain_prefix`], for a long text
/// most of which is: 32-byte blocks are looked at as [`is_plain`] does (vector compares),
/// and only the first block with a byte to escape is searched eight bytes at a time.
pub(crate) fn long_plain_prefix(bytes: &[u8]) -> usize {
    let mut done = 0;
    for block in bytes.chunks_exact(32) {
        if !block_special(block) {
            done += 32;
            continue;
        }
        return done + plain_prefix(block);
    }
    done + plain_prefix(&bytes[done..])
}

/// Whether any byte of `block` is not plain, without short-circuits, so that the fold is
/// one of vector compares.
#[inline]
fn block_special(block: &[u8]) -> bool {
    let special = |b: u8| u8::from(b.wrapping_sub(0x20) >= 0x5f) | u8::from(b == b'"') | u8::from(b == b'\\');
    block.iter().fold(0, |any, &b| any | special(b)) != 0
}

/// Whether [`string`] copies `bytes` as they are (between quotes): printable ASCII without
/// a quote or a backslash. A view checks its rows once when it stores them, and then writes them
/// without looking again; the events' writer asks it of names and lines before copying them.
///
/// ```
/// assert!(netsift::json::is_plain(b"tcp 0.0.0.0:22"));
/// assert!(!netsift::json::is_plain(b"users:((\"sshd\",pid=1))"));
/// ```
#[inline]
pub fn is_plain(bytes: &[u8]) -> bool {
    let n = bytes.len();
    // Fewer than 8 bytes: one word from two overlapping loads.
    if n < 8 {
        return special_lanes(overlapping_word(bytes)) == 0;
    }
    // A short text (most values) a word at a time, without stopping early.
    if n < 32 {
        let word = |chunk: &[u8]| {
            let mut lane = [0u8; 8];
            lane.copy_from_slice(chunk);
            u64::from_le_bytes(lane)
        };
        let mut special = 0;
        let mut words = bytes.chunks_exact(8);
        for chunk in &mut words {
            special |= special_lanes(word(chunk));
        }
        // The last 1–7 bytes: the word ending at the end, overlapping bytes already looked at.
        if !words.remainder().is_empty() {
            special |= special_lanes(word(&bytes[n - 8..]));
        }
        return special == 0;
    }
    // A longer one (a line) with a branch-free fold per 32-byte block, which the compiler
    // turns into vector compares.
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        if block_special(block) {
            return false;
        }
    }
    // The last 1–31 bytes: the block ending at the end (n >= 32 here), overlapping bytes
    // already found plain, rather than a byte at a time.
    blocks.remainder().is_empty() || !block_special(&bytes[n - 32..])
}

/// How many bytes at the start of `bytes` are plain (see [`PLAIN`]), eight at a time:
/// most of what netsift writes is printable ASCII.
#[inline]
pub(crate) fn plain_prefix(bytes: &[u8]) -> usize {
    let word = |at: usize| {
        let mut lane = [0u8; 8];
        lane.copy_from_slice(&bytes[at..at + 8]);
        special_lanes(u64::from_le_bytes(lane))
    };
    let n = bytes.len();
    if n < 8 {
        return short_plain_prefix(bytes);
    }
    let mut done = 0;
    while done + 8 <= n {
        let special = word(done);
        if special != 0 {
            return done + special.trailing_zeros() as usize / 8;
        }
        done += 8;
    }
    // The last 1–7 bytes: the word ending at the end, overlapping bytes already found plain.
    if done < n {
        let special = word(n - 8);
        if special != 0 {
            return n - 8 + special.trailing_zeros() as usize / 8;
        }
    }
    n
}

/// [`plain_prefix`] of fewer than 8 bytes, in one word padded with a plain byte.
#[inline]
fn short_plain_prefix(rest: &[u8]) -> usize {
    let special = special_lanes(short_word(rest));
    if special != 0 {
        special.trailing_zeros() as usize / 8
    } else {
        rest.len()
    }
}

/// Every byte of `rest` (fewer than 8) somewhere in one word, the other lanes a plain byte:
/// two overlapping loads from the ends, for [`is_plain`], which asks only whether some
/// byte is special, not which.
#[inline]
fn overlapping_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    let pad = u64::from_le_bytes([b'a'; 8]);
    if n >= 4 {
        let head = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let tail = u32::from_le_bytes([rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]);
        u64::from(head) | (u64::from(tail) << 32)
    } else if n >= 2 {
        let head = u16::from_le_bytes([rest[0], rest[1]]);
        let tail = u16::from_le_bytes([rest[n - 2], rest[n - 1]]);
        (pad & !0xffff_ffff) | u64::from(head) | (u64::from(tail) << 16)
    } else if n == 1 {
        (pad & !0xff) | u64::from(rest[0])
    } else {
        pad
    }
}

/// Fewer than 8 bytes as one little-endian word, the lanes past them a plain byte.
#[inline]
fn short_word(rest: &[u8]) -> u64 {
    let mut w = u64::from_le_bytes([b'a'; 8]);
    let mut i = 0;
    if rest.len() >= 4 {
        w = (w & !0xffff_ffff) | u64::from(u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]));
        i = 4;
    }
    if rest.len() - i >= 2 {
        w = (w & !(0xffff << (8 * i))) | (u64::from(u16::from_le_bytes([rest[i], rest[i + 1]])) << (8 * i));
        i += 2;
    }
    if rest.len() > i {
        w = (w & !(0xff << (8 * i))) | (u64::from(rest[i]) << (8 * i));
    }
    w
}

/// The high bit of each lane (byte, little-endian) of `w` that is not plain, exactly: every
/// sum below stays inside its lane (the lanes are masked to 7 bits first), so no carry
/// crosses from one byte to the next.
#[inline]
fn special_lanes(w: u64) -> u64 {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    let lanes = |b: u8| u64::from_ne_bytes([b; 8]);
    let x = w & LOW7;
    // High bit set where x >= 0x20, where x is not `"`, where x is not `\`; where x is 0x7f.
    let printable = x + lanes(0x60);
    let not_quote = (x ^ lanes(b'"')) + LOW7;
    let not_backslash = (x ^ lanes(b'\\')) + LOW7;
    let delete = x + lanes(0x01);
    (w | delete | !(printable & not_quote & not_backslash)) & HIGH
}

/// Bytes copied as they are: printable ASCII but for `"` and `\`.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = b != b'"' as usize && b != b'\\' as usize;
        b += 1;
    }
    table
};

/// The length of the UTF-8 sequence a lead byte announces; 1 for a byte that cannot lead.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => 1,
    }
}

/// `prefix` (`\u00` or `\udc`) and the two hex digits of `b`.
fn unicode_escape(prefix: &[u8; 4], b: u8) -> [u8; 6] {
    let [a, u, c, d] = *prefix;
    [a, u, c, d, HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]
}

fn push_hex(out: &mut Vec<u8>, b: u8) {
    out.push(HEX[usize::from(b >> 4)]);
    out.push(HEX[usize::from(b & 0xf)]);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Append `"key":`.
pub fn key(out: &mut Vec<u8>, key: &str) {
    string(out, key.as_bytes());
    out.push(b':');
}

/// Append an unsigned number (without allocating: `netsift events` writes millions; most
/// are one digit: queues, retransmits, flags). Up to eight digits are made at once in a
/// word ([`digits8`]) and stored with one write, inline; longer ones out of line.
#[inline(always)]
pub fn uint(out: &mut Vec<u8>, n: u64) {
    if n < 10 {
        out.push(b'0' + n as u8);
    } else if n < 100_000_000 {
        let (word, len) = digits8(n as u32);
        push_word(out, word, len);
    } else {
        long_uint(out, n);
    }
}

/// [`uint`] of a number of nine digits or more: sixteen through two words, the rest through
/// `itoa`.
#[inline(never)]
fn long_uint(out: &mut Vec<u8>, n: u64) {
    if n < 10_000_000_000_000_000 {
        let (word, len) = digits8((n / 100_000_000) as u32);
        push_word(out, word, len);
        push_word(out, digits8_padded((n % 100_000_000) as u32), 8);
    } else {
        out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }
}

/// The text of [`uint`] written at the start of `window` (a `u64` has at most 20 digits):
/// how many bytes it is. The bytes after those are left as whatever was stored last (up
/// to 8 of them are written over), for a writer that builds a line in a window of its own
/// and copies it out whole.
#[inline(always)]
pub(crate) fn uint_into(window: &mut [u8; 24], n: u64) -> usize {
    if n < 10 {
        window[0] = b'0' + n as u8;
        1
    } else if n < 100_000_000 {
        let (word, len) = digits8(n as u32);
        window[..8].copy_from_slice(&word.to_le_bytes());
        len
    } else if n < 10_000_000_000_000_000 {
        let (word, len) = digits8((n / 100_000_000) as u32);
        window[..8].copy_from_slice(&word.to_le_bytes());
        // `len` is 1 to 8: the low eight digits follow the high ones.
        let len = len.min(8);
        window[len..len + 8].copy_from_slice(&digits8_padded((n % 100_000_000) as u32).to_le_bytes());
        len + 8
    } else {
        long_uint_into(window, n)
    }
}

/// [`uint_into`] of a number of seventeen digits or more.
#[inline(never)]
fn long_uint_into(window: &mut [u8; 24], n: u64) -> usize {
    let mut text = itoa::Buffer::new();
    let digits = text.format(n).as_bytes();
    let len = digits.len().min(window.len());
    window[..len].copy_from_slice(&digits[..len]);
    len
}

/// Append the first `len` bytes of `word` (little-endian): one 8-byte store, then the
/// length set back.
#[inline]
fn push_word(out: &mut Vec<u8>, word: u64, len: usize) {
    let at = out.len();
    out.extend_from_slice(&word.to_le_bytes());
    out.truncate(at + len);
}

/// The decimal digits of `n` (1 ≤ n < 10⁸) as ASCII in the low bytes of a word, most
/// significant first (little-endian: the first byte in memory), and how many there are.
#[inline]
fn digits8(n: u32) -> (u64, usize) {
    let word = digits8_padded(n);
    // The leading zero digits are the low zero lanes before the ASCII offset is added.
    let digits = word ^ ASCII_ZEROS;
    let zeros = (digits.trailing_zeros() / 8) as usize;
    (word >> (8 * zeros.min(7)), 8 - zeros.min(7))
}

/// `"00000000"` as a word.
const ASCII_ZEROS: u64 = u64::from_ne_bytes([b'0'; 8]);

/// The eight decimal digits of `n` (< 10⁸), leading zeros included, as ASCII in a word
/// (most significant first in memory). SWAR: the number is split in two halves of four
/// digits, each half in two pairs, each pair in two digits, every lane at once; the
/// multiplications by 10486/2²⁰ and 103/2¹⁰ are exact divisions by 100 and 10 in the ranges
/// the lanes hold (tested exhaustively).
#[inline]
fn digits8_padded(n: u32) -> u64 {
    let x = u64::from(n / 10_000) | (u64::from(n % 10_000) << 32);
    let hundreds = ((x * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let pairs = hundreds | ((x - hundreds * 100) << 16);
    let tens = ((pairs * 103) >> 10) & 0x000f_000f_000f_000f;
    let digits = tens | ((pairs - tens * 10) << 8);
    digits | ASCII_ZEROS
}

/// Append a signed number.
pub fn int(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Append a counter's value: through the 64-bit writer when it fits (nearly always;
/// 128-bit division is several times slower).
#[inline]
pub fn i128(out: &mut Vec<u8>, n: i128) {
    match u64::try_from(n) {
        Ok(small) => uint(out, small),
        Err(_) => int(out, n),
    }
}

/// Append a value's `Display` form as a JSON string, for values whose text never needs
/// escaping (IP addresses, numbers): formatted straight into `out`.
pub fn display_string(out: &mut Vec<u8>, value: impl std::fmt::Display) {
    use std::io::Write as _;
    out.push(b'"');
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{value}");
    out.push(b'"');
}

/// Append an IP address as a JSON string, written digit by digit (addresses are among the
/// commonest values, and `Display` goes through the formatting machinery): the same text
/// as `Display` (RFC 5952 for IPv6: lower-case hex, the first longest run of two or more
/// zero groups as `::`, an IPv4-mapped address as `::ffff:a.b.c.d`).
pub fn ip(out: &mut Vec<u8>, ip: std::net::IpAddr) {
    out.push(b'"');
    ip_text(out, ip);
    out.push(b'"');
}

/// Append an IP address's text as `Display` writes it, without quotes: what [`ip`] puts
/// between them, for writers of other forms (the Python package's Arrow text columns).
/// ASCII by construction (digits, `a`–`f`, `.`, `:`).
#[inline]
pub fn ip_text(out: &mut Vec<u8>, ip: std::net::IpAddr) {
    match ip {
        std::net::IpAddr::V4(v4) => ipv4(out, v4),
        std::net::IpAddr::V6(v6) => ipv6(out, v6),
    }
}

/// An IPv4 address in dotted decimal: each octet's digits and a dot copied as one 4-byte
/// word from a table into a 16-byte window, which is then cut to the address's length.
#[inline]
fn ipv4(out: &mut Vec<u8>, v4: std::net::Ipv4Addr) {
    let at = out.len();
    out.extend_from_slice(&[0; 16]);
    let mut len = 0;
    if let Some(window) = out.get_mut(at..at + 16) {
        for octet in v4.octets() {
            let (text, width) = OCTETS[usize::from(octet)];
            // len ≤ 12 here: three octets of at most four bytes each.
            if let Some(dst) = window.get_mut(len..len + 4) {
                dst.copy_from_slice(&text);
            }
            len += usize::from(width);
        }
    }
    // Without the dot after the last octet.
    out.truncate(at + len - 1);
}

/// Each octet's decimal digits followed by a dot (padded to four bytes), and how many of
/// the four bytes that is.
const OCTETS: [([u8; 4], u8); 256] = {
    let mut table = [([0u8; 4], 0u8); 256];
    let mut n = 0;
    while n < 256 {
        let (h, t, u) = ((n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8);
        table[n] = if n >= 100 {
            ([b'0' + h, b'0' + t, b'0' + u, b'.'], 4)
        } else if n >= 10 {
            ([b'0' + t, b'0' + u, b'.', 0], 3)
        } else {
            ([b'0' + u, b'.', 0, 0], 2)
        };
        n += 1;
    }
    table
};

/// An IPv6 address as RFC 5952 text, into a 48-byte window cut to length afterwards: each
/// group's hex digits and a colon made in one word ([`hex_group`]) and stored at once.
fn ipv6(out: &mut Vec<u8>, v6: std::net::Ipv6Addr) {
    // A listener's `::` and loopback's `::1`, two in five addresses of a netstat or ss
    // table, written whole.
    match u128::from(v6) {
        0 => return out.extend_from_slice(b"::"),
        1 => return out.extend_from_slice(b"::1"),
        _ => {}
    }
    if let Some(v4) = v6.to_ipv4_mapped() {
        out.extend_from_slice(b"::ffff:");
        ipv4(out, v4);
        return;
    }
    let groups = v6.segments();
    // The first longest run of zero groups.
    let (mut best_start, mut best_len, mut start, mut len) = (0, 0, 0, 0);
    for (i, &g) in groups.iter().enumerate() {
        if g == 0 {
            if len == 0 {
                start = i;
            }
            len += 1;
            if len > best_len {
                (best_start, best_len) = (start, len);
            }
        } else {
            len = 0;
        }
    }
    let at = out.len();
    out.extend_from_slice(&[0; 48]);
    let Some(window) = out.get_mut(at..at + 48) else { return };
    let mut pos = 0;
    // Each group followed by a colon: at most 8 × 5 bytes, each written as an 8-byte word
    // (so the window holds 40 + 8).
    let groups_then_colons = |window: &mut [u8], pos: &mut usize, groups: &[u16]| {
        for &g in groups {
            let (word, width) = hex_group(g);
            if let Some(dst) = window.get_mut(*pos..*pos + 8) {
                dst.copy_from_slice(&word.to_le_bytes());
            }
            *pos += width;
        }
    };
    if best_len > 1 {
        let (before, after) = (&groups[..best_start], &groups[best_start + best_len..]);
        groups_then_colons(window, &mut pos, before);
        // `a:b:` + `:`, or `::` when nothing comes before the run.
        let colons = if before.is_empty() { 2 } else { 1 };
        window[pos..pos + colons].fill(b':');
        pos += colons;
        groups_then_colons(window, &mut pos, after);
        if !after.is_empty() {
            pos -= 1;
        }
    } else {
        groups_then_colons(window, &mut pos, &groups);
        pos -= 1;
    }
    out.truncate(at + pos);
}

/// A group's lower-case hex digits without leading zeros, followed by a colon, in the low
/// bytes of a word (first in memory first), and how many bytes that is (2 to 5).
#[inline]
fn hex_group(g: u16) -> (u64, usize) {
    let g = u64::from(g);
    // One nibble per byte, the most significant first.
    let nibbles = (g >> 12) | ((g >> 8 & 0xf) << 8) | ((g >> 4 & 0xf) << 16) | ((g & 0xf) << 24);
    // Where a nibble is 10 or more, `a` - `0` - 10 more than `0` + the nibble.
    let letters = ((nibbles + 0x0606_0606) >> 4) & 0x0101_0101;
    let ascii = nibbles + 0x3030_3030 + letters * 39;
    let digits = ((16 - g.leading_zeros().saturating_sub(48)) as usize).div_ceil(4).max(1);
    let word = (ascii >> (8 * (4 - digits))) | (u64::from(b':') << (8 * digits));
    (word, digits + 1)
}

/// A member name known when netsift is compiled, pre-encoded as `,"name":` so that writing
/// it is one copy, without the escaping pass: made by [`key!`](crate::key), which checks
/// at compile time that the name needs no escaping.
#[derive(Debug, Clone, Copy)]
pub struct Key(&'static str);

impl Key {
    /// `,"name":` for `name`; fails to compile (in a `const`) for a name that needs escaping.
    pub const fn new(with_comma: &'static str) -> Key {
        let b = with_comma.as_bytes();
        assert!(b.len() >= 4 && b[0] == b',' && b[1] == b'"' && b[b.len() - 2] == b'"' && b[b.len() - 1] == b':');
        let mut i = 2;
        while i < b.len() - 2 {
            assert!(PLAIN[b[i] as usize], "a key! name must not need escaping");
            i += 1;
        }
        Key(with_comma)
    }

    /// `,"name":`.
    #[inline]
    pub fn with_comma(self) -> &'static [u8] {
        self.0.as_bytes()
    }

    /// `"name":`.
    #[inline]
    pub fn bare(self) -> &'static [u8] {
        &self.0.as_bytes()[1..]
    }
}

/// A [`Key`] for a literal member name: `key!("recv_q")` is `,"recv_q":`, checked and
/// built at compile time.
#[macro_export]
macro_rules! key {
    ($name:literal) => {
        const { $crate::json::Key::new(concat!(",\"", $name, "\":")) }
    };
}

/// What an [`Object`] member can be named by: text (escaped when it needs it) or a
/// pre-encoded [`Key`].
pub trait Name {
    /// Append the name and its colon, after a comma unless it is the object's `first` member.
    fn write_member(self, out: &mut Vec<u8>, first: bool);
}

impl<T: AsRef<str> + ?Sized> Name for &T {
    #[inline]
    fn write_member(self, out: &mut Vec<u8>, first: bool) {
        let name = self.as_ref().as_bytes();
        if !first {
            out.push(b',');
        }
        // Keys are nearly always plain: written in one go, without the escaping pass.
        if plain_prefix(name) != name.len() {
            string(out, name);
            out.push(b':');
            return;
        }
        out.reserve(name.len() + 3);
        out.push(b'"');
        out.extend_from_slice(name);
        out.extend_from_slice(b"\":");
    }
}

impl Name for Key {
    #[inline]
    fn write_member(self, out: &mut Vec<u8>, first: bool) {
        // One copy with its comma (measured: pushing the comma apart costs more than the
        // copy of a length chosen at run time).
        out.extend_from_slice(if first { self.bare() } else { self.with_comma() });
    }
}

/// Writes the members of one JSON object, placing the commas.
pub struct Object<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
}

impl<'o> Object<'o> {
    /// Open an object.
    pub fn new(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Object { out, first: true }
    }

    /// Go on with an object whose opening and first members the caller wrote into `out`
    /// (a fixed head written in one copy, as `events::json` does).
    pub fn after_members(out: &'o mut Vec<u8>) -> Self {
        Object { out, first: false }
    }

    /// Start a member: writes the comma and the key, and returns the buffer for the value.
    #[inline]
    pub fn member(&mut self, name: impl Name) -> &mut Vec<u8> {
        name.write_member(self.out, self.first);
        self.first = false;
        self.out
    }

    /// Start a member whose name comes from the input (escaped like any string).
    pub fn member_bytes(&mut self, name: &[u8]) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        string(self.out, name);
        self.out.push(b':');
        self.out
    }

    /// The buffer the object writes into, for a caller that hands it over as it fills
    /// (see `views::Spill`): the object's own state (its commas) is not in the buffer.
    pub fn member_buffer(&mut self) -> &mut Vec<u8> {
        self.out
    }

    /// A string member from bytes.
    pub fn bytes(&mut self, name: impl Name, value: &[u8]) {
        string(self.member(name), value);
    }

    /// A string member.
    pub fn str(&mut self, name: impl Name, value: &str) {
        string(self.member(name), value.as_bytes());
    }

    /// An unsigned number member.
    pub fn uint(&mut self, name: impl Name, value: u64) {
        uint(self.member(name), value);
    }

    /// A string member whose text is one of the program's own words (a kind, a family, a
    /// state name): written without the escaping pass.
    #[inline]
    pub fn word(&mut self, name: impl Name, value: &'static str) {
        debug_assert_eq!(plain_prefix(value.as_bytes()), value.len(), "{value:?} needs escaping");
        let out = self.member(name);
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    }

    /// A signed number member.
    pub fn int(&mut self, name: impl Name, value: impl itoa::Integer) {
        int(self.member(name), value);
    }

    /// An IP address member (see [`ip`]).
    pub fn ip(&mut self, name: impl Name, value: std::net::IpAddr) {
        ip(self.member(name), value);
    }

    /// A string member from a `Display` value that needs no escaping (see [`display_string`]).
    pub fn display(&mut self, name: impl Name, value: impl std::fmt::Display) {
        display_string(self.member(name), value);
    }

    /// A boolean member.
    pub fn bool(&mut self, name: impl Name, value: bool) {
        self.member(name).extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// A null member.
    pub fn null(&mut self, name: impl Name) {
        self.member(name).extend_from_slice(b"null");
    }

    /// Close the object.
    pub fn end(self) {
        self.out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_plain_is_what_string_copies_as_it_is() {
        // Every byte at every place of texts of every length up to past two blocks.
        for len in 0..80 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut text = vec![b'a'; len];
                    text[at] = b;
                    let mut out = Vec::new();
                    string(&mut out, &text);
                    let copied = out.len() == len + 2 && out[1..=len] == text[..];
                    assert_eq!(is_plain(&text), copied, "byte {b:#x} at {at} of {len}");
                }
            }
            assert!(is_plain(&vec![b'a'; len]));
        }
    }

    #[test]
    fn escapes_and_surrogates() {
        let mut out = Vec::new();
        string(&mut out, b"a\"b\\c\nd\x01\x7f\xce\xc3(");
        assert_eq!(String::from_utf8(out).unwrap(), r#""a\"b\\c\nd\u0001\u007f\udcce\udcc3(""#);
    }

    /// The definition: valid UTF-8 as is (escaped for JSON), each invalid byte as `\udcXX`.
    fn reference(bytes: &[u8]) -> String {
        let mut out = String::from("\"");
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\0'..='\x1f' | '\x7f' => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            for b in chunk.invalid() {
                out.push_str(&format!("\\udc{b:02x}"));
            }
        }
        out.push('"');
        out
    }

    proptest::proptest! {
        #[test]
        fn plain_prefix_agrees_with_a_byte_loop(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                8 => 0x20u8..0x7f,
                1 => proptest::prelude::any::<u8>(),
                1 => proptest::prop_oneof![proptest::prelude::Just(b'"'), proptest::prelude::Just(b'\\'), proptest::prelude::Just(0x7f), proptest::prelude::Just(0x1f)],
            ],
            0..48,
        )) {
            let expected = bytes.iter().take_while(|&&b| PLAIN[usize::from(b)]).count();
            proptest::prop_assert_eq!(plain_prefix(&bytes), expected);
        }

        #[test]
        fn string_matches_the_definition(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            let mut out = Vec::new();
            string(&mut out, &bytes);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), reference(&bytes));
        }

        #[test]
        fn pieces_match_the_definition(
            bytes in proptest::collection::vec(proptest::prop_oneof![
                3 => proptest::prelude::any::<u8>(),
                3 => proptest::prelude::Just(b'a'),
                1 => proptest::prop_oneof![proptest::prelude::Just(b'"'), proptest::prelude::Just(b'\\'), proptest::prelude::Just(b'\n')],
            ], 0..80),
            s in 0usize..90,
            len in 0usize..90,
        ) {
            // Any range of a source, with or without 32 bytes after it, and ranges that
            // are not ranges of it (nothing written).
            let e = s + len;
            let piece_of = |text: &[u8]| if s <= e && e <= text.len() { text[s..e].to_vec() } else { Vec::new() };
            let value = piece_of(&bytes);
            let mut out = b"x".to_vec();
            escaped_piece(&mut out, &bytes, s, e);
            let mut expected = b"x".to_vec();
            string(&mut expected, &value);
            proptest::prop_assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&expected[..expected.len() - 1]).replacen("x\"", "x", 1));
            let mut out = b"x".to_vec();
            piece(&mut out, &bytes, s, e);
            proptest::prop_assert_eq!(&out[1..], &value[..]);
            let mut out = b"x".to_vec();
            quoted_piece(&mut out, &bytes, s, e);
            proptest::prop_assert_eq!(out, [&b"x\""[..], &value, b"\""].concat());
        }

        #[test]
        fn string_matches_the_definition_on_mostly_text(text in "[a-zé€😀\"\\\\\n\u{1}]{0,40}", cut in 0usize..80) {
            // Valid text rotated at any byte: the sequences cut at both ends are the
            // interesting invalid bytes.
            let bytes = text.as_bytes();
            let cut = cut.min(bytes.len());
            let input = [&bytes[cut..], &bytes[..cut]].concat();
            let mut out = Vec::new();
            string(&mut out, &input);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), reference(&input));
        }
    }

    proptest::proptest! {
        #[test]
        fn is_plain_agrees_with_a_byte_loop(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                16 => 0x20u8..0x7f,
                1 => proptest::prelude::any::<u8>(),
                1 => proptest::prop_oneof![proptest::prelude::Just(b'"'), proptest::prelude::Just(b'\\'), proptest::prelude::Just(0x7f), proptest::prelude::Just(0x1f), proptest::prelude::Just(0x80)],
            ],
            0..40,
        )) {
            proptest::prop_assert_eq!(is_plain(&bytes), bytes.iter().all(|&b| PLAIN[usize::from(b)]));
        }

        #[test]
        fn string_body_is_the_text_of_string(bytes in proptest::collection::vec(
            proptest::prop_oneof![8 => 0x20u8..0x7f, 1 => proptest::prelude::any::<u8>(), 1 => proptest::prelude::Just(b'"')],
            0..24,
        )) {
            // Every length up to the short reader's 16 and past it.
            let mut body = b"x".to_vec();
            string_body(&mut body, &bytes);
            let mut quoted = b"x".to_vec();
            string(&mut quoted, &bytes);
            proptest::prop_assert_eq!(&body[1..], &quoted[2..quoted.len() - 1]);
        }

        #[test]
        fn long_string_body_is_string_body(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64), plain_head in 0usize..40) {
            // A plain head of any length, then anything.
            let input = [vec![b'a'; plain_head], bytes].concat();
            let (mut long, mut short) = (Vec::new(), Vec::new());
            long_string_body(&mut long, &input);
            string_body(&mut short, &input);
            proptest::prop_assert_eq!(long, short);
            proptest::prop_assert_eq!(long_plain_prefix(&input), plain_prefix(&input));
        }
    }

    proptest::proptest! {
        #[test]
        fn long_string_body_escapes_quotes_as_string_body(bytes in proptest::collection::vec(
            proptest::prop_oneof![16 => 0x20u8..0x7f, 4 => proptest::prelude::Just(b'"'), 1 => proptest::prelude::any::<u8>()],
            0..200,
        )) {
            // Lines such as an ss row's, with quotes and now and then another byte to escape.
            let (mut long, mut short) = (Vec::new(), Vec::new());
            long_string_body(&mut long, &bytes);
            string_body(&mut short, &bytes);
            proptest::prop_assert_eq!(long, short);
        }
    }

    #[test]
    fn special_lanes_are_exact_for_every_byte_in_every_lane() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                let mut w = [b'a'; 8];
                w[lane] = b;
                let special = special_lanes(u64::from_le_bytes(w));
                let expected = if PLAIN[usize::from(b)] { 0 } else { 0x80 << (8 * lane) };
                assert_eq!(special, expected, "byte {b:#x} in lane {lane}");
            }
        }
    }

    #[test]
    fn the_swar_divisions_are_exact_in_their_ranges() {
        // 10486/2^20 divides by 100 every four-digit half; 103/2^10 divides by 10 every pair.
        for v in 0..10_000u64 {
            assert_eq!((v * 10_486) >> 20, v / 100, "{v}");
        }
        for u in 0..100u64 {
            assert_eq!((u * 103) >> 10, u / 10, "{u}");
        }
        for n in (0..100_000_000u32).step_by(9_973).chain(0..100_000).chain([99_999_999]) {
            let text = digits8_padded(n).to_le_bytes();
            assert_eq!(text, format!("{n:08}").as_bytes(), "{n}");
            if n > 0 {
                let (word, len) = digits8(n);
                assert_eq!(&word.to_le_bytes()[..len], n.to_string().as_bytes(), "{n}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn ip_is_written_as_display(
            octets in proptest::prelude::any::<[u8; 4]>(),
            v6 in proptest::prelude::any::<[u16; 8]>(),
            // Mostly zero groups, so that runs of every length and place (and the mapped
            // and compatible forms) come up.
            sparse in proptest::collection::vec(proptest::prop_oneof![3 => proptest::prelude::Just(0u16), 1 => proptest::prelude::Just(0xffff), 1 => 1u16..0x1000], 8),
        ) {
            let sparse: [u16; 8] = sparse.try_into().expect("eight groups");
            let (any, loopback) = (std::net::Ipv6Addr::UNSPECIFIED.into(), std::net::Ipv6Addr::LOCALHOST.into());
            for addr in [std::net::IpAddr::from(octets), std::net::IpAddr::from(v6), std::net::IpAddr::from(sparse), any, loopback] {
                let mut out = Vec::new();
                ip(&mut out, addr);
                proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), format!("\"{addr}\""));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn uint_is_written_as_display(n in proptest::prelude::any::<u64>(), shift in 0u32..64) {
            for n in [n, n >> shift, u64::MAX, 0, 9, 10, 99, 100, 99_999_999, 100_000_000, 9_999_999_999_999_999, 10_000_000_000_000_000] {
                let mut out = b"x".to_vec();
                uint(&mut out, n);
                proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), format!("x{n}"));
                // The same text into a window that holds other bytes.
                let mut window = [b'#'; 24];
                let len = uint_into(&mut window, n);
                proptest::prop_assert_eq!(String::from_utf8(window[..len].to_vec()).unwrap(), n.to_string());
            }
        }
    }

    #[test]
    fn keys_are_written_with_their_commas() {
        let mut out = Vec::new();
        let mut o = Object::new(&mut out);
        o.uint(crate::key!("a_b"), 1);
        o.null(crate::key!("c"));
        o.str("d", "e");
        o.end();
        assert_eq!(out, br#"{"a_b":1,"c":null,"d":"e"}"#);
    }

    #[test]
    fn objects_place_commas() {
        let mut out = Vec::new();
        let mut o = Object::new(&mut out);
        o.str("a", "x");
        o.uint("b", 2);
        o.null("c");
        o.end();
        assert_eq!(out, br#"{"a":"x","b":2,"c":null}"#);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["b"], 2);
    }
}
