//! The kernel's unix domain socket table, `/proc/net/unix`.
//!
//! ```text
//! Num       RefCount Protocol Flags    Type St Inode Path
//! ffff9b61ac49c400: 00000002 00000000 00010000 0001 01 42776 /var/snap/lxd/common/lxd/unix.socket
//! └socket address   └refcount└protocol└flags   └type└st └inode └path (absent, `@abstract`, any bytes)
//! ```
//!
//! Numbers are hex except the inode. The path is whatever follows the one blank after the
//! inode, to the end of the line: it may hold blanks and any byte. An abstract name starts
//! with `@` (and each NUL inside it is printed `@`). A path holding a newline continues on
//! the next line, as the kernel prints it; joining the two is the push parser's job.
//!
//! A row is typed into the same [`UnixRow`] as a netstat row, with the values netstat
//! derives from this file (flags, type and state words), and the kernel's own fields in
//! [`UnixRow::kernel`].

use nom::bytes::complete::{tag, take_while_m_n};
use nom::character::complete::digit1;
use nom::Parser;

use crate::lex::{blanks1, expect, span_of, PResult};
use crate::netstat::{UnixCol, UnixFlags, UnixLayout, UnixRow, UnixState, UnixType};
use crate::{LineError, Span};

/// The fields of a kernel row that netstat does not print, or prints decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KernelUnix {
    /// `Num`: the socket's kernel address (all zeros when the kernel hides it).
    pub pointer: u64,
    /// `Protocol`: always 0.
    pub protocol: u64,
    /// `Flags`: `__SO_ACCEPTCON` (0x10000) for a listener.
    pub flags: u64,
    /// `Type`: 1 stream, 2 dgram, 5 seqpacket.
    pub type_code: u64,
    /// `St`: the socket's state (1 unconnected, 2 connecting, 3 connected, 4 disconnecting).
    pub state_code: u64,
}

/// The header line's words.
const HEADER: [&[u8]; 8] = [b"Num", b"RefCount", b"Protocol", b"Flags", b"Type", b"St", b"Inode", b"Path"];

/// Recognise the header line.
///
/// ```
/// assert!(netsift_grammar::proc_unix::header(b"Num       RefCount Protocol Flags    Type St Inode Path"));
/// assert!(!netsift_grammar::proc_unix::header(b"Proto RefCnt Flags       Type       State         I-Node   Path"));
/// ```
pub fn header(line: &[u8]) -> bool {
    let mut words = crate::lex::words(line).map(|(_, w)| w);
    HEADER.iter().all(|w| words.next() == Some(w)) && words.next().is_none()
}

/// Does this line begin like a row (`ffff…: 00000002 `)? Used to tell a row from the rest
/// of a path that held a newline.
pub fn looks_like_row(line: &[u8]) -> bool {
    let hex = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    (1..=16).contains(&hex)
        && line[hex..].starts_with(b": ")
        && line.get(hex + 2..hex + 11).is_some_and(|w| w[..8].iter().all(u8::is_ascii_hexdigit) && w[8] == b' ')
}

/// Parse one row (for a path with a newline, both lines joined by `\n`).
///
/// ```
/// use netsift_grammar::proc_unix::row;
/// use netsift_grammar::netstat::{UnixState, UnixType};
/// let r = row(b"ffff9b61a77bb800: 00000002 00000000 00010000 0001 01 29777 @/org/kernel/linux/storage/multipathd").unwrap();
/// assert_eq!((r.sock_type, r.state, r.inode), (UnixType::Stream, UnixState::Listening, Some(29777)));
/// assert!(r.flags.accepting);
/// assert_eq!(r.path, b"@/org/kernel/linux/storage/multipathd");
/// ```
pub fn row(line: &[u8]) -> Result<UnixRow<'_>, LineError> {
    crate::lex::complete(line, parse_row(Span::new(line)))
}

/// 1 to `max` hex digits and their value.
fn hex<'a>(max: usize, what: &'static str) -> impl FnMut(Span<'a>) -> PResult<'a, (Span<'a>, u64)> {
    move |i: Span<'a>| {
        let (rest, digits) = expect(what, take_while_m_n(1, max, |b: u8| b.is_ascii_hexdigit())).parse(i)?;
        let value =
            digits.fragment().iter().fold(0u64, |v, &d| (v << 4) | u64::from((d as char).to_digit(16).unwrap_or(0)));
        Ok((rest, (digits, value)))
    }
}

fn parse_row(input: Span<'_>) -> PResult<'_, UnixRow<'_>> {
    let line: &[u8] = input.fragment();
    let mut spans = [(0u32, 0u32); 8];
    let (i, (_, pointer)) = hex(16, "the socket's address in hex (`Num`)")(input)?;
    let (i, _) = expect("`:` after the socket's address", tag(&b":"[..])).parse(i)?;
    let (i, _) = blanks1(i)?;
    let (i, (ref_text, refcnt)) = hex(16, "a reference count in hex")(i)?;
    spans[UnixCol::RefCnt as usize] = span_of(ref_text);
    let (i, _) = blanks1(i)?;
    let (i, (_, protocol)) = hex(16, "a protocol in hex")(i)?;
    let (i, _) = blanks1(i)?;
    let (i, (flags_text, flag_bits)) = hex(16, "flags in hex")(i)?;
    spans[UnixCol::Flags as usize] = span_of(flags_text);
    let (i, _) = blanks1(i)?;
    let (i, (type_text, type_code)) = hex(16, "a socket type in hex")(i)?;
    spans[UnixCol::Type as usize] = span_of(type_text);
    let (i, _) = blanks1(i)?;
    let (i, (st_text, state_code)) = hex(16, "a state in hex")(i)?;
    spans[UnixCol::State as usize] = span_of(st_text);
    let (i, _) = blanks1(i)?;
    let (i, inode_text) = expect("an inode number", digit1).parse(i)?;
    let Some(inode) = crate::lex::parse_u64(inode_text.fragment()) else {
        return Err(crate::lex::error_at(inode_text, "a number that fits in 64 bits"));
    };
    spans[UnixCol::Inode as usize] = span_of(inode_text);
    // No path: the line ends. A path: one blank, then every byte to the end, blanks
    // included (a path may be a blank).
    let (path, i) = match i.fragment().first() {
        None => (&line[line.len()..], i),
        Some(b' ') => {
            let start = i.location_offset() + 1;
            let (end, _) = nom::Input::take_split(&i, i.fragment().len());
            (&line[start..], end)
        }
        Some(_) => return Err(crate::lex::error_at(i, "a blank before the path, or the end of the row")),
    };
    let path_start = (line.len() - path.len()) as u32;
    spans[UnixCol::Path as usize] = (path_start, line.len() as u32);
    spans[UnixCol::Program as usize] = (path_start, path_start);
    const ACCEPTING: u64 = 1 << 16;
    let flags = UnixFlags {
        accepting: flag_bits & ACCEPTING != 0,
        wait_data: flag_bits & (1 << 17) != 0,
        no_space: flag_bits & (1 << 18) != 0,
    };
    let row = UnixRow {
        line,
        layout: UnixLayout { program: false },
        refcnt,
        flags,
        sock_type: sock_type(type_code),
        state: state(state_code, flags.accepting),
        inode: Some(inode),
        owner: None,
        path,
        spans,
        kernel: Some(KernelUnix { pointer, protocol, flags: flag_bits, type_code, state_code }),
    };
    Ok((i, row))
}

/// The type as netstat names it.
pub fn sock_type(code: u64) -> UnixType<'static> {
    match code {
        1 => UnixType::Stream,
        2 => UnixType::Dgram,
        3 => UnixType::Raw,
        4 => UnixType::Rdm,
        5 => UnixType::SeqPacket,
        _ => UnixType::Unknown,
    }
}

/// The state as netstat names it: an unconnected socket is `LISTENING` when it accepts
/// connections, and has no state word otherwise.
pub fn state(code: u64, accepting: bool) -> UnixState<'static> {
    match code {
        0 => UnixState::Free,
        1 if accepting => UnixState::Listening,
        1 => UnixState::Empty,
        2 => UnixState::Connecting,
        3 => UnixState::Connected,
        4 => UnixState::Disconnecting,
        _ => UnixState::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows() {
        let r = row(b"0000000000000000: 00000003 00000000 00000000 0001 03 5091797").unwrap();
        assert_eq!((r.refcnt, r.state, r.path), (3, UnixState::Connected, &b""[..]));
        let r = row(b"0000000000000000: 0000000a 00000000 00010000 0005 01 10061 /run/udev/control").unwrap();
        assert_eq!((r.refcnt, r.sock_type, r.state), (10, UnixType::SeqPacket, UnixState::Listening));
        assert_eq!(r.kernel.map(|k| k.flags), Some(0x10000));
        // Blanks, newlines and any byte belong to the path.
        let r = row(b"0000000000000000: 00000002 00000000 00000000 0002 01 7 /tmp/a b\nc\xff ").unwrap();
        assert_eq!(r.path, b"/tmp/a b\nc\xff ");
        assert_eq!(r.column(UnixCol::Path), b"/tmp/a b\nc\xff ");
        let r = row(b"0000000000000000: 00000002 00000000 00000000 0002 01 7  lead").unwrap();
        assert_eq!(r.path, b" lead");
    }

    #[test]
    fn errors() {
        let e = row(b"Num       RefCount Protocol").unwrap_err();
        assert_eq!(e.column, 0);
        let e = row(b"0000000000000000: 00000002 00000000 00000000 0002 01 x").unwrap_err();
        assert_eq!((e.column, e.expected), (53, "an inode number"));
        assert!(looks_like_row(b"ffff9b61ac49c400: 00000002 00000000"));
        assert!(!looks_like_row(b"rest/of/a/path"));
    }
}
