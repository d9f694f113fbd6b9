//! The Process column: `users:(("name",pid=N,fd=N),…)`.
//!
//! ```text
//! users:(("sshd",1231,3))                                     iproute2 < 3.14
//! users:(("rpcbind",pid=1139,fd=5),("systemd",pid=1,fd=41))   3.14 and later
//! users:(("x",pid=1,tid=7,fd=3))                              -T
//! users:(("x",pid=1,proc_ctx=system_u:system_r:x_t:s0,fd=3,sock_ctx=…))   -Z / -z
//! ```
//!
//! The name is the kernel `comm`, printed between quotes but not escaped (before iproute2
//! 7.0): it may hold quotes, `(`, commas, blanks, `=`, any byte, even a newline. It never
//! holds `)`, because ss reads it from `/proc/<pid>/stat` up to the first `)` (comm
//! `q"u(o)t,e=s x` prints as `"q"u(o"`). Neither do the contexts. So an entry runs from
//! `(` to the next `)`, and inside it the name ends at the *last* `",pid=` (or `",N,` in the
//! old form): everything after that boundary has a closed grammar.
//!
//! Before 3.14 ss built the list in a 4096-byte buffer and cut it there: a list of at
//! least [`TRUNCATED_AT`] bytes whose last entry is broken is read as truncated, not as an
//! error.

use crate::lex::is_blank;
use crate::LineError;

/// What every Process value starts with.
pub(super) const PREFIX: &[u8] = b"users:(";

/// A users list at least this long (from `users:(` to its last `)`) whose last entry is
/// broken was cut by the 4096-byte buffer of iproute2 < 3.14.
pub const TRUNCATED_AT: usize = 4000;

/// One process holding the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Process<'a> {
    /// The `comm` as printed between the quotes: raw bytes, possibly cut at a `)`.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub name: &'a [u8],
    /// The process id.
    pub pid: u32,
    /// The file descriptor in that process.
    pub fd: u32,
    /// The thread id (`-T`).
    pub tid: Option<u32>,
    /// The SELinux context of the process (`-Z`), as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::opt_bytes"))]
    pub proc_ctx: Option<&'a [u8]>,
    /// The SELinux context of the socket (`-z`), as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::opt_bytes"))]
    pub sock_ctx: Option<&'a [u8]>,
}

/// A parsed `users:(…)` list: its text as printed and, lazily, its entries.
///
/// ```
/// use netsift_grammar::ss::users;
/// let u = users(br#"users:(("q"u(o",pid=9067,fd=4),("z",pid=1,fd=8))"#).unwrap();
/// assert_eq!(u.len(), 2);
/// let first = u.iter().next().unwrap();
/// assert_eq!((first.name, first.pid, first.fd), (&br#"q"u(o"#[..], 9067, 4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Users<'a> {
    text: &'a [u8],
    count: usize,
    truncated: bool,
}

impl<'a> Users<'a> {
    /// A list already scanned: `text` runs from `users:(` to its closing `)`.
    pub(super) fn from_scan(text: &'a [u8], scan: Scan) -> Self {
        Users { text, count: scan.count, truncated: scan.truncated }
    }

    /// The list as printed, from `users:(` to its closing `)`.
    pub fn text(&self) -> &'a [u8] {
        self.text
    }

    /// How many entries were read (a broken last entry of a truncated list not counted).
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when no entry could be read (only possible for a truncated list).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// True when ss cut the list at its 4096-byte buffer (iproute2 < 3.14).
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The entries, in the order printed.
    pub fn iter(&self) -> UsersIter<'a> {
        UsersIter { rest: self.text.get(PREFIX.len()..).unwrap_or_default(), remaining: self.count }
    }
}

impl<'a> IntoIterator for Users<'a> {
    type Item = Process<'a>;
    type IntoIter = UsersIter<'a>;

    fn into_iter(self) -> UsersIter<'a> {
        self.iter()
    }
}

/// The entries of a [`Users`] list.
#[derive(Debug, Clone)]
pub struct UsersIter<'a> {
    rest: &'a [u8],
    remaining: usize,
}

impl<'a> Iterator for UsersIter<'a> {
    type Item = Process<'a>;

    fn next(&mut self) -> Option<Process<'a>> {
        if self.remaining == 0 {
            return None;
        }
        let body = self.rest.strip_prefix(b"(")?;
        let (process, close) = match common_entry(body, 0) {
            Some(common) => common,
            None => {
                let close = memchr::memchr(b')', body)?;
                (entry(&body[..close])?, close)
            }
        };
        let after = &body[close + 1..];
        self.rest = after.strip_prefix(b",").unwrap_or(after);
        self.remaining -= 1;
        Some(process)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

/// Parse the users list at the start of `text` (which must start with `users:(`); what
/// follows the list is ignored. Error columns count from the start of `text`.
pub fn users(text: &[u8]) -> Result<Users<'_>, LineError> {
    if !text.starts_with(PREFIX) {
        return Err(LineError::new(0, "a users list `users:((…))`"));
    }
    match scan(text, 0) {
        Ok(scan) => Ok(Users::from_scan(&text[..scan.end], scan)),
        Err(Stop::Incomplete) => Err(LineError::new(text.len(), "the rest of the users list")),
        Err(Stop::Error(column, expected)) => Err(LineError::new(column, expected)),
    }
}

/// True when `line` ends inside a `users:(…)` list: a process name held a newline, and
/// the rest of the row is on the next line. The push parser should then join the next line
/// (with the `\n` between them) and parse the two as one row.
///
/// ```
/// use netsift_grammar::ss::users_incomplete;
/// assert!(users_incomplete(br#"tcp   LISTEN 0      1      127.0.0.1:45701      0.0.0.0:*    users:(("nl"#));
/// assert!(!users_incomplete(br#"tcp   LISTEN 0      1      127.0.0.1:45701      0.0.0.0:*    users:(("a",pid=1,fd=3))"#));
/// ```
pub fn users_incomplete(line: &[u8]) -> bool {
    let start = line
        .windows(PREFIX.len() + 1)
        .position(|w| w.starts_with(PREFIX) && w[PREFIX.len()] == b'(')
        .filter(|&p| p == 0 || is_blank(line[p - 1]));
    match start {
        Some(start) => matches!(scan(line, start), Err(Stop::Incomplete)),
        None => false,
    }
}

/// Where a well-formed users list ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Scan {
    /// Offset just after the closing `)`.
    pub(super) end: usize,
    /// Entries read.
    pub(super) count: usize,
    /// The 4096-byte cut of iproute2 < 3.14.
    pub(super) truncated: bool,
}

/// Why a users list is not well formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// The line ends inside an entry.
    Incomplete,
    /// Something else is wrong at this offset.
    Error(usize, &'static str),
}

/// Read the users list that starts at `line[start..]` with `users:(`. One pass, left to
/// right, each byte looked at a bounded number of times: linear in the list's length.
pub(super) fn scan(line: &[u8], start: usize) -> Result<Scan, Stop> {
    let mut pos = start + PREFIX.len();
    let mut count = 0;
    loop {
        if line.get(pos) != Some(&b'(') {
            return Err(Stop::Error(pos, "a process entry such as `(\"name\",pid=1,fd=3)`"));
        }
        let Some(len) = line[pos + 1..].iter().position(|&b| b == b')') else {
            return Err(Stop::Incomplete);
        };
        let close = pos + 1 + len;
        let after = close + 1;
        let inner = &line[pos + 1..close];
        if entry(inner).is_none() {
            // A cut entry is the start of a real one, after at least one whole entry.
            let cut = count > 0 && line.get(after) != Some(&b',') && matches!(inner.first(), None | Some(b'"'));
            if cut && after - start >= TRUNCATED_AT {
                return Ok(Scan { end: after, count, truncated: true });
            }
            return Err(Stop::Error(pos + 1, "a process entry such as `(\"name\",pid=1,fd=3)`"));
        }
        count += 1;
        match line.get(after) {
            Some(b',') => pos = after + 1,
            Some(b')') => return Ok(Scan { end: after + 1, count, truncated: false }),
            _ => return Err(Stop::Error(after, "`,` or the `)` that closes the users list")),
        }
    }
}

/// The commonest entry, `"name",pid=N,fd=N)` with no `"` or `)` in its name, read in one
/// forward pass at `text[at..]` (just after its `(`): the process and where its `)` is.
/// That `)` is the entry's first, and [`entry`] reads the entry up to it the same way (the
/// name ends at its only quote); any other entry is `None`, left to [`entry`]. The row
/// reader checks a list with it, the list's iterator reads it again.
#[inline]
pub(super) fn common_entry(text: &[u8], at: usize) -> Option<(Process<'_>, usize)> {
    let body = text.get(at..)?.strip_prefix(b"\"")?;
    let quote = quote_or_close(body)?;
    if body[quote] != b'"' {
        return None;
    }
    let (pid, rest) = number(body[quote + 1..].strip_prefix(b",pid=")?)?;
    let (fd, rest) = number(rest.strip_prefix(b",fd=")?)?;
    if rest.first() != Some(&b')') {
        return None;
    }
    let process = Process { name: &body[..quote], pid, fd, tid: None, proc_ctx: None, sock_ctx: None };
    Some((process, text.len() - rest.len()))
}

/// The offset of the first `"` or `)` in `bytes`, eight bytes at a time (a process name
/// is a few to fifteen bytes).
#[inline]
fn quote_or_close(bytes: &[u8]) -> Option<usize> {
    const fn lanes(b: u8) -> u64 {
        u64::from_ne_bytes([b; 8])
    }
    const LOW7: u64 = lanes(0x7f);
    // High bit set in each lane whose byte is zero, exactly (no carries across lanes).
    let zero = |x: u64| !(((x & LOW7).wrapping_add(LOW7) | x) | LOW7);
    let mut at = 0;
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*word);
        let found = zero(word ^ lanes(b'"')) | zero(word ^ lanes(b')'));
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b == b'"' || b == b')').map(|i| at + i)
}

/// Whether `inner` (an entry without its parentheses) is one the list reader accepts.
pub(super) fn is_entry(inner: &[u8]) -> bool {
    entry(inner).is_some()
}

/// One entry without its parentheses: `"name",pid=N,…` or `"name",N,N`.
fn entry(inner: &[u8]) -> Option<Process<'_>> {
    let body = inner.strip_prefix(b"\"")?;
    plain_entry(body).or_else(|| any_entry(body))
}

/// [`entry`] after the opening quote, of any form: the name ends at the last `",pid=`, or
/// in the old form at the last `",`.
fn any_entry(body: &[u8]) -> Option<Process<'_>> {
    if let Some(q) = rfind(body, b"\",pid=") {
        if let Some(p) = new_fields(&body[..q], &body[q + 2..]) {
            return Some(p);
        }
    }
    let q = rfind(body, b"\",")?;
    old_fields(&body[..q], &body[q + 2..])
}

/// The commonest entry, `name",pid=N,fd=N` (after the opening quote) with no other quote,
/// in one forward pass. Its first quote is then also its last, so this is the entry the
/// general reader below finds (which looks for the last `",pid=`); anything else is left
/// to it.
fn plain_entry(body: &[u8]) -> Option<Process<'_>> {
    let quote = memchr::memchr(b'"', body)?;
    let (pid, rest) = number(body[quote + 1..].strip_prefix(b",pid=")?)?;
    let (fd, rest) = number(rest.strip_prefix(b",fd=")?)?;
    rest.is_empty().then_some(Process { name: &body[..quote], pid, fd, tid: None, proc_ctx: None, sock_ctx: None })
}

/// `pid=N[,tid=N][,proc_ctx=C],fd=N[,sock_ctx=C]`; a context may hold commas.
fn new_fields<'a>(name: &'a [u8], fields: &'a [u8]) -> Option<Process<'a>> {
    let (pid, mut rest) = number(fields.strip_prefix(b"pid=")?)?;
    let mut tid = None;
    if let Some(after) = rest.strip_prefix(b",tid=") {
        let (t, after) = number(after)?;
        tid = Some(t);
        rest = after;
    }
    let fd_at = rfind(rest, b",fd=")?;
    let proc_ctx = match &rest[..fd_at] {
        b"" => None,
        before => Some(before.strip_prefix(b",proc_ctx=")?),
    };
    let (fd, after) = number(&rest[fd_at + 4..])?;
    let sock_ctx = match after {
        b"" => None,
        after => Some(after.strip_prefix(b",sock_ctx=")?),
    };
    Some(Process { name, pid, fd, tid, proc_ctx, sock_ctx })
}

/// `N,N`: pid and fd, iproute2 < 3.14.
fn old_fields<'a>(name: &'a [u8], fields: &'a [u8]) -> Option<Process<'a>> {
    let comma = fields.iter().position(|&b| b == b',')?;
    let (pid, rest) = number(&fields[..comma])?;
    let (fd, tail) = number(&fields[comma + 1..])?;
    (rest.is_empty() && tail.is_empty()).then_some(Process { name, pid, fd, tid: None, proc_ctx: None, sock_ctx: None })
}

/// Leading digits as a `u32`, and what follows them: one pass (a list's entries are read
/// once by the row reader and again by each writer of the processes).
#[inline]
fn number(text: &[u8]) -> Option<(u32, &[u8])> {
    const TOO_BIG: u64 = u32::MAX as u64 + 1;
    let mut value = 0u64;
    let mut len = 0;
    while let Some(&b) = text.get(len) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        // Past `u32::MAX` the value stays just above it (leading zeros still count as 0).
        value = (value * 10 + u64::from(d)).min(TOO_BIG);
        len += 1;
    }
    if len == 0 {
        return None;
    }
    let value = u32::try_from(value).ok()?;
    Some((value, &text[len..]))
}

/// Where the last `needle` in `hay` starts: the candidates are the places of its first byte,
/// found from the end with `memrchr` (the needles here start with a byte that is rare in an
/// entry, `"` or `,`).
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    memchr::memrchr_iter(first, hay).find(|&at| hay[at..].starts_with(needle))
}

impl<'a> crate::MapBytes<'a> for Users<'a> {
    type Mapped<'b> = Users<'b>;

    fn map_bytes<'b>(&self, f: &mut dyn FnMut(&'a [u8]) -> &'b [u8]) -> Users<'b> {
        Users { text: f(self.text), count: self.count, truncated: self.truncated }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &[u8]) -> Vec<Process<'_>> {
        users(text).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(text))).iter().collect()
    }

    fn p(name: &[u8], pid: u32, fd: u32) -> Process<'_> {
        Process { name, pid, fd, tid: None, proc_ctx: None, sock_ctx: None }
    }

    proptest::proptest! {
        #[test]
        fn the_plain_entry_reader_agrees_with_the_general_one(
            name in proptest::collection::vec(proptest::prop_oneof![
                6 => 0x20u8..0x7f,
                1 => proptest::prelude::Just(b'"'),
                1 => proptest::prelude::Just(b','),
                1 => proptest::prelude::Just(b'='),
                1 => proptest::prelude::any::<u8>(),
            ], 0..16),
            pid in proptest::prelude::any::<u64>(),
            fd in 0u32..100,
            tail in proptest::sample::select(vec!["", ",tid=5", ",sock_ctx=x", "x", ",fd=3", "\",pid=1,fd=2"]),
        ) {
            let body = [name.as_slice(), format!("\",pid={pid},fd={fd}{tail}").as_bytes()].concat();
            if let Some(p) = plain_entry(&body) {
                proptest::prop_assert_eq!(Some(p), any_entry(&body));
            }
        }
    }

    proptest::proptest! {
        /// A pid or fd: the leading digits read as `u32` reads them (leading zeros and all),
        /// none when they are absent or beyond its range.
        #[test]
        fn numbers_read_as_u32_reads_their_digits(text in "[0-9]{0,24}[,)a-z0-9]{0,2}", zeros in 0usize..12) {
            let text = format!("{}{text}", "0".repeat(zeros));
            let len = text.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(text.len());
            let expected = text[..len].parse::<u32>().ok().map(|v| (v, &text.as_bytes()[len..]));
            proptest::prop_assert_eq!(number(text.as_bytes()), expected);
        }
    }

    proptest::proptest! {
        /// The one-pass reader of the common entry, where it reads one, reads what the
        /// entry reader reads up to the first `)`.
        #[test]
        fn the_common_entry_reader_agrees_with_the_entry_reader(
            name in proptest::collection::vec(proptest::prop_oneof![
                8 => 0x20u8..0x7f,
                1 => proptest::prelude::Just(b'"'),
                1 => proptest::prelude::Just(b')'),
                1 => proptest::prelude::any::<u8>(),
            ], 0..16),
            pid in proptest::prop_oneof![proptest::prelude::Just("9".to_string()), "[0-9]{0,12}"],
            fd in "[0-9]{0,4}",
            tail in proptest::sample::select(vec![")", "),(", ",tid=5)", ")x", "", ",fd=3)", "\",pid=1,fd=2)"]),
        ) {
            let text = [b"\"".as_slice(), &name, format!("\",pid={pid},fd={fd}{tail}").as_bytes()].concat();
            if let Some((process, close)) = common_entry(&text, 0) {
                proptest::prop_assert_eq!(Some(close), memchr::memchr(b')', &text));
                proptest::prop_assert_eq!(Some(process), entry(&text[..close]));
            }
        }
    }

    proptest::proptest! {
        /// The word-wise search finds the byte-wise one's answer.
        #[test]
        fn quote_or_close_is_the_first_of_either(bytes in proptest::collection::vec(proptest::prop_oneof![
            6 => proptest::prelude::any::<u8>(),
            1 => proptest::prelude::Just(b'"'),
            1 => proptest::prelude::Just(b')'),
            1 => proptest::prelude::Just(0u8),
            1 => proptest::prelude::Just(0x80u8),
        ], 0..40)) {
            let expected = bytes.iter().position(|&b| b == b'"' || b == b')');
            proptest::prop_assert_eq!(quote_or_close(&bytes), expected);
        }
    }

    #[test]
    fn the_common_entry_reader_reads_the_common_entries() {
        let text = br#"("sshd",pid=900,fd=3),("x",pid=1,tid=7,fd=3))"#;
        assert_eq!(common_entry(text, 1), Some((p(b"sshd", 900, 3), 20)));
        // A thread id, another quote in the name, the old form: left to the entry reader.
        assert_eq!(common_entry(text, 23), None);
        assert_eq!(common_entry(br#""q"u(o",pid=9067,fd=4)"#, 0), None);
        assert_eq!(common_entry(br#""sshd",15085,4)"#, 0), None);
    }

    #[test]
    fn numbers_at_the_edge_of_u32() {
        assert_eq!(number(b"4294967295,"), Some((u32::MAX, &b","[..])));
        assert_eq!(number(b"4294967296,"), None);
        assert_eq!(number(b"99999999999999999999999)"), None);
        assert_eq!(number(b"0004294967295"), Some((u32::MAX, &b""[..])));
        assert_eq!(number(b",1"), None);
    }

    #[test]
    fn the_plain_entry_reader_reads_the_common_entries() {
        assert_eq!(plain_entry(br#"sshd",pid=900,fd=3"#), Some(p(b"sshd", 900, 3)));
        // Another quote in the name, a thread id, the old form: left to the general reader.
        assert_eq!(plain_entry(br#"q"u(o",pid=9067,fd=4"#), None);
        assert_eq!(plain_entry(br#"x",pid=1,tid=7,fd=3"#), None);
        assert_eq!(plain_entry(br#"sshd",15085,4"#), None);
    }

    #[test]
    fn new_form_with_several_entries() {
        // r1_ss-tupna.txt
        let list = br#"users:(("zoo-forked-kid",pid=9074,fd=4),("zoo-forker",pid=9070,fd=4))"#;
        assert_eq!(all(list), vec![p(b"zoo-forked-kid", 9074, 4), p(b"zoo-forker", 9070, 4)]);
        let u = users(list).unwrap();
        assert_eq!((u.len(), u.truncated(), u.text()), (2, false, &list[..]));
    }

    #[test]
    fn old_form() {
        // old/ss-3.10_tupna.txt
        assert_eq!(all(br#"users:(("zoo worker: acc",15085,4))"#), vec![p(b"zoo worker: acc", 15085, 4)]);
        assert_eq!(all(br#"users:(("z",15090,8),("z",15090,3))"#), vec![p(b"z", 15090, 8), p(b"z", 15090, 3)]);
    }

    #[test]
    fn names_with_quotes_parens_commas_blanks_and_bytes() {
        // comm `q"u(o)t,e=s x`, cut by ss at its first `)` (r1_ss-tupna.txt, ss-3.10_tupna.txt).
        assert_eq!(all(br#"users:(("q"u(o",pid=9067,fd=4))"#), vec![p(br#"q"u(o"#, 9067, 4)]);
        assert_eq!(all(br#"users:(("q"u(o",15088,4))"#), vec![p(br#"q"u(o"#, 15088, 4)]);
        assert_eq!(all(br#"users:(("my comm sp",pid=5312,fd=3))"#), vec![p(b"my comm sp", 5312, 3)]);
        assert_eq!(all(b"users:((\"zoo-\xcf\x80-\xc3\x9f\",pid=9068,fd=4))"), vec![p("zoo-π-ß".as_bytes(), 9068, 4)]);
        assert_eq!(all(b"users:((\"zoo-\xcf\x80\",15089,4))"), vec![p(b"zoo-\xcf\x80", 15089, 4)]);
        // A name that looks like fields, and one with `=` and commas.
        assert_eq!(all(br#"users:(("x",pid=1,fd=2",pid=99,fd=3))"#), vec![p(br#"x",pid=1,fd=2"#, 99, 3)]);
        assert_eq!(all(br#"users:(("a,b=c",pid=7,fd=1))"#), vec![p(b"a,b=c", 7, 1)]);
        assert_eq!(all(b"users:((\"nl\nname\",pid=13679,fd=3))"), vec![p(b"nl\nname", 13679, 3)]);
    }

    #[test]
    fn threads_and_contexts() {
        let got = all(br#"users:(("x",pid=1,tid=7,fd=3))"#);
        assert_eq!(got[0].tid, Some(7));
        let got = all(br#"users:(("x",pid=1,proc_ctx=u:r:t:s0:c0,c5,fd=3,sock_ctx=u:r:s:s0))"#);
        assert_eq!(got[0].proc_ctx, Some(&b"u:r:t:s0:c0,c5"[..]));
        assert_eq!(got[0].sock_ctx, Some(&b"u:r:s:s0"[..]));
        assert_eq!((got[0].pid, got[0].fd), (1, 3));
        let got = all(br#"users:(("x",pid=1,tid=2,proc_ctx=unavailable,fd=3))"#);
        assert_eq!((got[0].tid, got[0].proc_ctx), (Some(2), Some(&b"unavailable"[..])));
    }

    #[test]
    fn what_follows_the_list_is_not_read() {
        let u = users(br#"users:(("a",pid=1,fd=2)) ino:5 sk:1"#).unwrap();
        assert_eq!(u.text(), br#"users:(("a",pid=1,fd=2))"#);
    }

    #[test]
    fn errors_not_panics() {
        for (text, column) in [
            (&br#"users:(("a",pid=1,fd=2)"#[..], 23),
            (br#"users:(("a",pid=1,fd=2)x"#, 23),
            (br#"users:(("a",pid=x,fd=2))"#, 8),
            (br#"users:(("a",pid=1))"#, 8),
            (br#"users:(("a",1))"#, 8),
            (br#"users:((a,pid=1,fd=2))"#, 8),
            (br#"users:()"#, 7),
            (br#"users:("a",pid=1,fd=2)"#, 7),
            (br#"users:(("a",pid=99999999999,fd=2))"#, 8),
            (br#"users:(("a",pid=1,fd=2),)"#, 24),
            (b"users:", 0),
        ] {
            let e = users(text).unwrap_err();
            assert_eq!(e.column, column, "{}", String::from_utf8_lossy(text));
        }
        assert_eq!(users(br#"users:(("a"#).unwrap_err().expected, "the rest of the users list");
    }

    #[test]
    fn incomplete_lines() {
        assert!(users_incomplete(br#"tcp LISTEN 0 1 127.0.0.1:1 0.0.0.0:* users:(("nl"#));
        assert!(users_incomplete(br#"tcp LISTEN 0 1 127.0.0.1:1 0.0.0.0:* users:(("a",pid=1,fd=3),("nl"#));
        assert!(users_incomplete(br#"u_str ESTAB 0 0 * 1 * 2 users:(("a""#));
        assert!(!users_incomplete(br#"tcp LISTEN 0 1 127.0.0.1:1 0.0.0.0:* users:(("a",pid=1,fd=3)) ino:1"#));
        assert!(!users_incomplete(b"tcp LISTEN 0 1 127.0.0.1:1 0.0.0.0:*"));
        assert!(!users_incomplete(br#"tcp LISTEN 0 1 127.0.0.1:1 0.0.0.0:* users:(("a",pid=1,fd=3)"#));
    }

    #[test]
    fn truncated_by_the_old_4096_byte_buffer() {
        let mut list = b"users:(".to_vec();
        while list.len() < 4080 {
            list.extend_from_slice(br#"("apache2",12345,10),"#);
        }
        list.extend_from_slice(br#"("apach"#);
        list.push(b')');
        let u = users(&list).unwrap();
        assert!(u.truncated());
        assert_eq!(u.iter().count(), u.len());
        assert_eq!(u.iter().last().unwrap().name, b"apache2");
        // The same broken entry in a short list is an error.
        assert!(users(br#"users:(("a",1,2),("apach)"#).is_err());
    }

    #[test]
    fn a_hundred_thousand_entries_in_linear_time() {
        let mut list = b"users:(".to_vec();
        for i in 0..100_000u32 {
            if i > 0 {
                list.push(b',');
            }
            list.extend_from_slice(format!("(\"w(or\"ker\",pid={i},fd={})", i % 1000).as_bytes());
        }
        list.push(b')');
        let started = std::time::Instant::now();
        let u = users(&list).unwrap();
        assert_eq!(u.len(), 100_000);
        assert_eq!(u.iter().count(), 100_000);
        assert_eq!(u.iter().nth(99_999).map(|p| p.pid), Some(99_999));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn unbalanced_parentheses_never_panic() {
        for text in
            [&b"users:((((((("[..], b"users:(()))))", b"users:(\")", b"users:((\"\",)", b"users:((\"\",pid=,fd=))"]
        {
            assert!(users(text).is_err(), "{}", String::from_utf8_lossy(text));
        }
    }
}
