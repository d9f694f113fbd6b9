//! Rows of the unix domain socket table.
//!
//! ```text
//! unix  2      [ ACC ]     STREAM     LISTENING     8727     4479/python3         /run/demo/a.sock
//! unix  2      [ ]         DGRAM                    8732     4479/python3         /run/demo/d.sock
//! └proto└refcnt└flags      └type      └state (may be empty)  └pid/program (20 wide) └path
//! ```
//!
//! The program name may hold blanks and the path may be empty, so the two cannot be told
//! apart by blanks. netstat prints the program into a fixed 20-byte field whose value is at
//! most 19 bytes: the path starts after that field, counted from where the program starts
//! (which absorbs any overflow of the columns before it).

use nom::Parser;

use super::owner::Owner;
use super::words;
use crate::lex::{
    blanks1, fail, is_blank, parse_u64, span_at, span_of, trim_end_blanks, trim_start_blanks, word, PResult,
};
use crate::{LineError, Span};

/// The socket flags in brackets: `[ ]`, `[ ACC ]`, `[ ACC W N ]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UnixFlags {
    /// `ACC`: the socket accepts connections (a listener).
    pub accepting: bool,
    /// `W`: waiting for data.
    pub wait_data: bool,
    /// `N`: no space left to send.
    pub no_space: bool,
}

/// The socket type column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum UnixType<'a> {
    /// `STREAM`.
    Stream,
    /// `DGRAM`.
    Dgram,
    /// `RAW`.
    Raw,
    /// `RDM`.
    Rdm,
    /// `SEQPACKET`.
    SeqPacket,
    /// `UNKNOWN`.
    Unknown,
    /// A word we do not know.
    Other(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

/// The state column of the unix table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum UnixState<'a> {
    /// Nothing printed: an unconnected, non-listening socket (typical for DGRAM).
    Empty,
    /// `FREE`.
    Free,
    /// `LISTENING`.
    Listening,
    /// `CONNECTING`.
    Connecting,
    /// `CONNECTED`.
    Connected,
    /// `DISCONNECTING`.
    Disconnecting,
    /// `UNKNOWN`.
    Unknown,
    /// A word we do not know.
    Other(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

impl<'a> UnixType<'a> {
    /// The word as printed (net-tools' C-locale word, or the unknown word itself): what
    /// the JSON, the views and the Python tables write.
    pub fn word(self) -> &'a [u8] {
        match self {
            UnixType::Stream => b"STREAM",
            UnixType::Dgram => b"DGRAM",
            UnixType::Raw => b"RAW",
            UnixType::Rdm => b"RDM",
            UnixType::SeqPacket => b"SEQPACKET",
            UnixType::Unknown => b"UNKNOWN",
            UnixType::Other(w) => w,
        }
    }
}

impl<'a> UnixState<'a> {
    /// The word as printed; `None` when nothing was printed.
    pub fn word(self) -> Option<&'a [u8]> {
        Some(match self {
            UnixState::Empty => return None,
            UnixState::Free => b"FREE",
            UnixState::Listening => b"LISTENING",
            UnixState::Connecting => b"CONNECTING",
            UnixState::Connected => b"CONNECTED",
            UnixState::Disconnecting => b"DISCONNECTING",
            UnixState::Unknown => b"UNKNOWN",
            UnixState::Other(w) => w,
        })
    }
}

/// Which optional columns the unix header announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UnixLayout {
    /// `-p`: `PID/Program name`.
    pub program: bool,
}

/// The columns of the unix table, in print order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnixCol {
    /// `Proto`: `unix`.
    Proto,
    /// `RefCnt`.
    RefCnt,
    /// `Flags`.
    Flags,
    /// `Type`.
    Type,
    /// `State`.
    State,
    /// `I-Node`.
    Inode,
    /// `PID/Program name` (`-p`).
    Program,
    /// `Path`.
    Path,
}

impl UnixCol {
    /// Every column, in print order.
    pub const ALL: [UnixCol; 8] = [
        UnixCol::Proto,
        UnixCol::RefCnt,
        UnixCol::Flags,
        UnixCol::Type,
        UnixCol::State,
        UnixCol::Inode,
        UnixCol::Program,
        UnixCol::Path,
    ];

    /// The header name net-tools prints in the C locale.
    pub fn c_name(self) -> &'static str {
        match self {
            UnixCol::Proto => "Proto",
            UnixCol::RefCnt => "RefCnt",
            UnixCol::Flags => "Flags",
            UnixCol::Type => "Type",
            UnixCol::State => "State",
            UnixCol::Inode => "I-Node",
            UnixCol::Program => "PID/Program name",
            UnixCol::Path => "Path",
        }
    }
}

/// One row of the unix table, typed, borrowing from its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UnixRow<'a> {
    /// The whole line, as printed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub line: &'a [u8],
    /// The columns its table has (from the header).
    pub layout: UnixLayout,
    /// `RefCnt`.
    pub refcnt: u64,
    /// `Flags`.
    pub flags: UnixFlags,
    /// `Type`.
    pub sock_type: UnixType<'a>,
    /// `State`.
    pub state: UnixState<'a>,
    /// `I-Node`; `None` when printed as `-` (kernels without the column).
    pub inode: Option<u64>,
    /// `PID/Program name`, when the table has it.
    pub owner: Option<Owner<'a>>,
    /// `Path`: a file path, `@name` for an abstract socket, or empty. Raw bytes: paths can
    /// hold any byte. netstat cuts it at the first blank.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
    pub path: &'a [u8],
    /// Byte range of each column's text within `line`, in [`UnixCol::ALL`] order.
    pub spans: [(u32, u32); 8],
    /// The kernel's own fields, for a row of `/proc/net/unix`; `None` for netstat.
    pub kernel: Option<crate::proc_unix::KernelUnix>,
}

impl<'a> UnixRow<'a> {
    /// The text of a column as printed, without surrounding blanks.
    pub fn column(&self, col: UnixCol) -> &'a [u8] {
        let (start, end) = self.spans[col as usize];
        &self.line[start as usize..end as usize]
    }

    /// Where a column's text starts in the line.
    pub fn column_start(&self, col: UnixCol) -> usize {
        self.spans[col as usize].0 as usize
    }
}

/// Width of the `PID/Program name` field; its value is at most one byte shorter.
pub(super) const PROGRAM_WIDTH: usize = 20;

/// Parse one row of the unix table laid out as `layout`.
///
/// ```
/// use netsift_grammar::netstat::{unix_row, UnixLayout, UnixState, UnixType};
/// let line = b"unix  2      [ ]         DGRAM                    11776    1/systemd            /run/systemd/shutdownd";
/// let row = unix_row(line, UnixLayout { program: true }).unwrap();
/// assert_eq!(row.sock_type, UnixType::Dgram);
/// assert_eq!(row.state, UnixState::Empty);
/// assert_eq!(row.path, b"/run/systemd/shutdownd");
/// ```
pub fn unix_row(line: &[u8], layout: UnixLayout) -> Result<UnixRow<'_>, LineError> {
    crate::lex::complete(line, row(Span::new(line), layout))
}

fn row(input: Span<'_>, layout: UnixLayout) -> PResult<'_, UnixRow<'_>> {
    let line: &[u8] = input.fragment();
    let mut spans = [(0u32, 0u32); 8];

    let (i, proto) = word(input)?;
    if !matches!(*proto.fragment(), b"unix" | b"??") {
        return fail(proto, "`unix`");
    }
    spans[UnixCol::Proto as usize] = span_of(proto);
    let (i, _) = blanks1(i)?;
    let (i, refcnt_text) = word(i)?;
    let Some(refcnt) = parse_u64(refcnt_text.fragment()) else {
        return fail(refcnt_text, "a reference count");
    };
    spans[UnixCol::RefCnt as usize] = span_of(refcnt_text);
    let (i, _) = blanks1(i)?;
    let (i, (flags_text, flags)) = flags(i)?;
    spans[UnixCol::Flags as usize] = span_of(flags_text);
    let (i, _) = blanks1(i)?;
    let (i, type_text) = word(i)?;
    let sock_type = words::unix_type(type_text.fragment()).unwrap_or(UnixType::Other(type_text.fragment()));
    spans[UnixCol::Type as usize] = span_of(type_text);
    let (i, _) = blanks1(i)?;

    // State is empty when the next word is already the inode (digits, or `-`).
    let (i, next) = word(i)?;
    let is_inode = |w: &[u8]| w == b"-" || parse_u64(w).is_some();
    let (i, state, inode_text) = if is_inode(next.fragment()) {
        let at = next.location_offset() as u32;
        spans[UnixCol::State as usize] = (at, at);
        (i, UnixState::Empty, next)
    } else {
        spans[UnixCol::State as usize] = span_of(next);
        let state = words::unix_state(next.fragment()).unwrap_or(UnixState::Other(next.fragment()));
        let (i, _) = blanks1(i)?;
        let (i, inode_text) = word(i)?;
        if !is_inode(inode_text.fragment()) {
            return fail(inode_text, "an inode number");
        }
        (i, state, inode_text)
    };
    let inode = parse_u64(inode_text.fragment());
    spans[UnixCol::Inode as usize] = span_of(inode_text);

    let after_inode = i.location_offset();
    let field_start = after_inode + (line.len() - after_inode - trim_start_blanks(&line[after_inode..]).len());
    let (owner, path_start) = if layout.program {
        let (program_end, path_start) = program_field(line, field_start);
        spans[UnixCol::Program as usize] = (field_start as u32, program_end as u32);
        (Some(Owner::parse(&line[field_start..program_end])), path_start)
    } else {
        if field_start == after_inode && field_start < line.len() {
            return fail(span_at(line, field_start), "a blank");
        }
        spans[UnixCol::Program as usize] = (field_start as u32, field_start as u32);
        (None, field_start)
    };
    let path = trim_end_blanks(&line[path_start..]);
    spans[UnixCol::Path as usize] = (path_start as u32, (path_start + path.len()) as u32);

    let row = UnixRow { line, layout, refcnt, flags, sock_type, state, inode, owner, path, spans, kernel: None };
    Ok((span_at(line, line.len()), row))
}

/// Split the program field from the path: returns the end of the program text and the
/// start of the path.
fn program_field(line: &[u8], start: usize) -> (usize, usize) {
    let field_end = start + PROGRAM_WIDTH;
    if line.len() <= field_end {
        // No path, and the padding was trimmed by whoever copied the output.
        return (start + trim_end_blanks(&line[start..]).len(), line.len());
    }
    if is_blank(line[field_end - 1]) {
        let program_end = start + trim_end_blanks(&line[start..field_end]).len();
        let path_start = line.len() - trim_start_blanks(&line[field_end..]).len();
        return (program_end, path_start);
    }
    // A program value longer than netstat ever prints: fall back to one word.
    let word_end = line[start..].iter().position(|&b| is_blank(b)).map_or(line.len(), |p| start + p);
    let path_start = line.len() - trim_start_blanks(&line[word_end..]).len();
    (word_end, path_start)
}

/// `[ ]`, `[ ACC ]`, `[ ACC W N ]`.
fn flags(i: Span<'_>) -> PResult<'_, (Span<'_>, UnixFlags)> {
    let what = "socket flags such as `[ ACC ]`";
    let text: &[u8] = i.fragment();
    if text.first() != Some(&b'[') {
        return fail(i, what);
    }
    let Some(close) = text.iter().position(|&b| b == b']') else {
        return fail(i, what);
    };
    let mut flags = UnixFlags::default();
    for (at, w) in crate::lex::words(&text[1..close]) {
        match w {
            b"ACC" => flags.accepting = true,
            b"W" => flags.wait_data = true,
            b"N" => flags.no_space = true,
            _ => return fail(span_at(text, 1 + at), "a socket flag (ACC, W, N)").map_err(|e| shift(e, i)),
        }
    }
    let (rest, taken) = nom::bytes::complete::take(close + 1).parse(i)?;
    Ok((rest, (taken, flags)))
}

/// Move an error found in a sub-slice to the position of that slice in the line.
fn shift(e: nom::Err<LineError>, base: Span<'_>) -> nom::Err<LineError> {
    e.map(|mut err| {
        err.column += base.location_offset();
        err
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: UnixLayout = UnixLayout { program: true };

    fn parse(line: &[u8]) -> UnixRow<'_> {
        unix_row(line, P).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(line)))
    }

    #[test]
    fn listening_with_path() {
        let r = parse(b"unix  2      [ ACC ]     STREAM     LISTENING     16411    738/NetworkManager   /var/run/NetworkManager/private");
        assert_eq!(r.refcnt, 2);
        assert!(r.flags.accepting);
        assert_eq!((r.sock_type, r.state), (UnixType::Stream, UnixState::Listening));
        assert_eq!(r.inode, Some(16411));
        assert_eq!(r.owner, Some(Owner::Process { pid: 738, name: b"NetworkManager" }));
        assert_eq!(r.path, b"/var/run/NetworkManager/private");
        assert_eq!(r.column(UnixCol::Flags), b"[ ACC ]");
    }

    #[test]
    fn empty_path_with_trailing_blank() {
        let r = parse(b"unix  3      [ ]         STREAM     CONNECTED     1574     -                    ");
        assert_eq!(r.owner, Some(Owner::Hidden));
        assert_eq!(r.path, b"");
        let r = parse(b"unix  3      [ ]         STREAM     CONNECTED     1574     -");
        assert_eq!(r.path, b"");
    }

    #[test]
    fn program_with_blanks_then_path() {
        let r =
            parse(b"unix  2      [ ACC ]     STREAM     LISTENING     19104    9064/zoo worker: ac  @zoo-child-9064");
        assert_eq!(r.owner, Some(Owner::Process { pid: 9064, name: b"zoo worker: ac" }));
        assert_eq!(r.path, b"@zoo-child-9064");
        let r = parse(b"unix  3      [ ]         STREAM     CONNECTED     19082    9020/python3         ");
        assert_eq!(r.path, b"");
        // A program name filling all 19 bytes, no path.
        let r = parse(b"unix  2      [ ACC ]     STREAM     LISTENING     19126    9066/a-really-quite  ");
        assert_eq!(r.owner, Some(Owner::Process { pid: 9066, name: b"a-really-quite" }));
        assert_eq!(r.path, b"");
    }

    #[test]
    fn non_utf8_bytes_are_kept() {
        let r = parse(
            b"unix  2      [ ]         DGRAM                    19073    9020/python3         @zoo-abs-\xc3(-bad-utf8",
        );
        assert_eq!(r.path, b"@zoo-abs-\xc3(-bad-utf8");
        let r =
            parse(b"unix  2      [ ACC ]     STREAM     LISTENING     535      4242/pr\xc3\xb6gram        /run/x.sock");
        assert_eq!(r.owner, Some(Owner::Process { pid: 4242, name: "prögram".as_bytes() }));
        assert_eq!(r.path, b"/run/x.sock");
    }

    #[test]
    fn inode_zero_and_flags() {
        let r = parse(
            b"unix  3      [ ]         STREAM     CONNECTING    0        -                    /tmp/zoo-backlog.sock",
        );
        assert_eq!((r.state, r.inode), (UnixState::Connecting, Some(0)));
        let r = parse(b"unix  2      [ ACC W N ]  STREAM     LISTENING     1     -                    /x");
        assert!(r.flags.accepting && r.flags.wait_data && r.flags.no_space);
    }

    #[test]
    fn without_program_column() {
        let l = UnixLayout { program: false };
        let r = unix_row(b"unix  2      [ ACC ]     STREAM     LISTENING     20902    /run/user/1000/bus", l).unwrap();
        assert_eq!(r.path, b"/run/user/1000/bus");
        assert_eq!(r.owner, None);
        let r = unix_row(b"unix  3      [ ]         STREAM     CONNECTED     20903    ", l).unwrap();
        assert_eq!(r.path, b"");
    }

    #[test]
    fn errors() {
        let e = unix_row(b"unix  2      [ ACC     STREAM", P).unwrap_err();
        assert_eq!(e, LineError::new(13, "socket flags such as `[ ACC ]`"));
        let e = unix_row(b"unix  2      [ XYZ ]     STREAM     LISTENING 1 - /x", P).unwrap_err();
        assert_eq!(e, LineError::new(15, "a socket flag (ACC, W, N)"));
        let e = unix_row(b"Active Bluetooth connections", P).unwrap_err();
        assert_eq!(e.column, 0);
    }
}
