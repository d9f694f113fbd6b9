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
    if plain_prefix(bytes) == bytes.len() {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    escaped(out, bytes);
}

/// Whether [`string`] copies `bytes` as they are (between quotes): printable ASCII without
/// a quote or a backslash. A view checks its rows once when it stores them, and then writes them
/// without looking again.
///
/// ```
/// assert!(netsift::json::is_plain(b"tcp 0.0.0.0:22"));
/// assert!(!netsift::json::is_plain(b"users:((\"sshd\",pid=1))"));
/// ```
#[inline]
pub fn is_plain(bytes: &[u8]) -> bool {
    // A short text (most values) a word at a time; a longer one (a line) with a
    // branch-free fold per 32-byte block, which the compiler turns into vector compares.
    if bytes.len() < 32 {
        return plain_prefix(bytes) == bytes.len();
    }
    let special = |b: u8| b.wrapping_sub(0x20) >= 0x5f || b == b'"' || b == b'\\';
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        if block.iter().fold(false, |any, &b| any | special(b)) {
            return false;
        }
    }
    !blocks.remainder().iter().fold(false, |any, &b| any | special(b))
}

/// [`string`] of bytes that need escaping somewhere.
fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // One pass: runs of plain ASCII are copied whole; a byte that needs a look (a control
    // character, a quote, a backslash, or the lead of a multi-byte sequence) is handled on
    // its own. A multi-byte sequence that is valid UTF-8 stays in the run; each byte of an
    // invalid one becomes `\udcXX`.
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if PLAIN[usize::from(b)] {
            i += 1 + plain_prefix(&bytes[i + 1..]);
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
    out.push(b'"');
}

/// How many bytes at the start of `bytes` are plain (see [`PLAIN`]), eight at a time:
/// most of what netsift writes is printable ASCII.
#[inline]
fn plain_prefix(bytes: &[u8]) -> usize {
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
    let special = special_lanes(w);
    if special != 0 {
        special.trailing_zeros() as usize / 8
    } else {
        rest.len()
    }
}

/// The high bit of each lane (byte, little-endian) of `w` that is not plain; exact for the
/// lowest such lane (lanes above it may be flagged falsely, which never matters: only the
/// first one is used).
#[inline]
fn special_lanes(w: u64) -> u64 {
    const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let zero_lanes = |x: u64| x.wrapping_sub(LOW) & !x & HIGH;
    let lanes = |b: u8| u64::from_ne_bytes([b; 8]);
    let below_space = w.wrapping_sub(lanes(0x20)) & !w & HIGH;
    below_space | (w & HIGH) | zero_lanes(w ^ lanes(b'"')) | zero_lanes(w ^ lanes(b'\\')) | zero_lanes(w ^ lanes(0x7f))
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
/// are one digit: queues, retransmits, flags).
#[inline]
pub fn uint(out: &mut Vec<u8>, n: u64) {
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
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
    match ip {
        std::net::IpAddr::V4(v4) => ipv4(out, v4),
        std::net::IpAddr::V6(v6) => ipv6(out, v6),
    }
    out.push(b'"');
}

fn ipv4(out: &mut Vec<u8>, v4: std::net::Ipv4Addr) {
    for (i, octet) in v4.octets().into_iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        if octet >= 100 {
            out.push(b'0' + octet / 100);
        }
        if octet >= 10 {
            out.push(b'0' + octet / 10 % 10);
        }
        out.push(b'0' + octet % 10);
    }
}

fn ipv6(out: &mut Vec<u8>, v6: std::net::Ipv6Addr) {
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
    let hex_groups = |out: &mut Vec<u8>, groups: &[u16]| {
        for (i, &g) in groups.iter().enumerate() {
            if i > 0 {
                out.push(b':');
            }
            let digits = (16 - g.leading_zeros() as usize).div_ceil(4).max(1);
            for d in (0..digits).rev() {
                out.push(HEX[usize::from((g >> (4 * d)) & 0xf)]);
            }
        }
    };
    if best_len > 1 {
        hex_groups(out, &groups[..best_start]);
        out.extend_from_slice(b"::");
        hex_groups(out, &groups[best_start + best_len..]);
    } else {
        hex_groups(out, &groups);
    }
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
        fn ip_is_written_as_display(
            octets in proptest::prelude::any::<[u8; 4]>(),
            v6 in proptest::prelude::any::<[u16; 8]>(),
            // Mostly zero groups, so that runs of every length and place (and the mapped
            // and compatible forms) come up.
            sparse in proptest::collection::vec(proptest::prop_oneof![3 => proptest::prelude::Just(0u16), 1 => proptest::prelude::Just(0xffff), 1 => 1u16..0x1000], 8),
        ) {
            let sparse: [u16; 8] = sparse.try_into().expect("eight groups");
            for addr in [std::net::IpAddr::from(octets), std::net::IpAddr::from(v6), std::net::IpAddr::from(sparse)] {
                let mut out = Vec::new();
                ip(&mut out, addr);
                proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), format!("\"{addr}\""));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn uint_is_written_as_display(n in proptest::prelude::any::<u64>(), shift in 0u32..64) {
            for n in [n, n >> shift, u64::MAX, 0, 9, 10, 99, 100] {
                let mut out = b"x".to_vec();
                uint(&mut out, n);
                proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), format!("x{n}"));
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
