//! Hand-written readers for the rows netstat prints most: the hot path of the push parser.
//!
//! [`inet_row`](super::inet_row) and [`unix_row`](super::unix_row) stay the reference: they
//! accept every row, report where a bad one stops, and read every language. The readers
//! here give *exactly* the same row (every field and every span) for the lines they accept,
//! and `None` for anything else, which the caller then hands to the reference: a line they
//! decline costs a second parse, never a different answer. `tests/fast_netstat_props.rs`
//! and the `fast_netstat` fuzz target hold them to that.
//!
//! They are faster because they touch each byte about once and parse it where it lies:
//!
//! - the fixed columns (protocol, queues, addresses) are read left to right, numbers and
//!   addresses straight from the bytes (no `from_utf8`, no `std` address parser, which was
//!   the largest single cost of the reference); a numeric endpoint, IPv4 or IPv6, is read
//!   once from the left with its port (`crate::ip`), other forms cut at their last colon;
//! - column padding is skipped eight bytes at a time; where netstat's own columns hold
//!   the values (the protocol, the queues, and for `count`'s check the state, user, inode
//!   and program of a `-e -p -o` row), each is compared or checked in a word or two where
//!   its column starts, and a row whose values do not fit their columns is read word by
//!   word instead;
//! - the rest of an internet row is cut into its words once, and the decisions the
//!   reference takes on those words (is there a state? where does the program end?) are
//!   taken on the same words with the same functions.
//!
//! What they decline (the reference reads it): sctp rows, a state phrase of several words
//! (translated output), a timer glued to its parenthesis, addresses that are not canonical
//! (cut IPv6 values, bracketed ones, IPv4 with leading zeros), more words than any layout
//! prints, and any line the reference rejects.

use std::net::IpAddr;

use super::addr::{Endpoint, Host, Port};
use super::inet::{
    state_present, state_value, timer_numbers, InetCol, InetLayout, InetRow, InetState, Proto, TcpState, Timer,
};
use super::owner::{Owner, User};
use super::unix::{UnixCol, UnixFlags, UnixLayout, UnixRow, UnixState, UnixType, PROGRAM_WIDTH};
use super::words;
use crate::ip::{ipv4, ipv4_at, ipv6, ipv6_port_at};
use crate::lex::{is_blank, parse_u64};

/// The width netstat cuts `addr:port` to without `-W` (see `addr.rs`).
const CUT_WIDTH: usize = 23;

/// The most words an internet row has after its addresses: state, user, inode, a program
/// name of up to four words, the timer's word and its numbers.
const MAX_REST_WORDS: usize = 12;

/// Read one row of the internet table laid out as `layout`, or `None` when the line is not
/// one this reader handles (see the module documentation). A row it returns is equal to
/// the one [`inet_row`](super::inet_row) returns for the same line.
///
/// ```
/// use netsift_grammar::netstat::{fast_inet_row, inet_row, InetLayout};
/// let line = b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)";
/// assert_eq!(fast_inet_row(line, InetLayout::FULL), inet_row(line, InetLayout::FULL).ok());
/// ```
#[inline(always)]
pub fn fast_inet_row(line: &[u8], layout: InetLayout) -> Option<InetRow<'_>> {
    // A framed line holds no `\n`: one that does is not a row this reader vouches for.
    inet_row_to::<true>(line, layout, LineEnd::Text).map(|(row, _)| row)
}

/// Read the row that starts `text` and ends at its first `\n`, as [`fast_inet_row`] reads
/// that line, and find that `\n` on the way (the framer's newline search is not needed):
/// the row and the length of the line with its `\n`. `None` when `text` holds no `\n`,
/// when the line ends `\r\n` (the framer strips the `\r`; this reader leaves such lines
/// to it), and wherever `fast_inet_row` says `None`.
///
/// ```
/// use netsift_grammar::netstat::{fast_inet_row, fast_inet_row_through, InetLayout};
/// let text = b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)\nudp ...";
/// let (row, n) = fast_inet_row_through(text, InetLayout::FULL).unwrap();
/// assert_eq!(text[n - 1], b'\n');
/// assert_eq!(Some(row), fast_inet_row(&text[..n - 1], InetLayout::FULL));
/// ```
#[inline(always)]
pub fn fast_inet_row_through(text: &[u8], layout: InetLayout) -> Option<(InetRow<'_>, usize)> {
    inet_row_to::<true>(text, layout, LineEnd::Newline)
}

/// [`fast_inet_row_through`] for a reader that needs no values, only whether the line is a
/// row and where it ends (`count`): every field is read and checked as that one checks it,
/// and the answer is the length it gives, `None` wherever it says `None`; but the
/// addresses' values (the largest part of reading a row) are not computed.
///
/// ```
/// use netsift_grammar::netstat::{check_inet_row_through, fast_inet_row_through, InetLayout};
/// let text = b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)\nudp ...";
/// let read = fast_inet_row_through(text, InetLayout::FULL).map(|(_, n)| n);
/// assert_eq!(check_inet_row_through(text, InetLayout::FULL), read);
/// ```
#[inline(always)]
pub fn check_inet_row_through(text: &[u8], layout: InetLayout) -> Option<usize> {
    // The row, built with stand-in endpoints, goes no further than here: only its length
    // is used, and the compiler drops the rest.
    inet_row_to::<false>(text, layout, LineEnd::Newline).map(|(_, n)| n)
}

/// How a row's line must end where its last column does.
#[derive(Clone, Copy)]
enum LineEnd {
    /// At the end of the text: a framed line (which holds no `\n`).
    Text,
    /// At a `\n`, not after a `\r` (the framer strips that; these lines are left to it).
    Newline,
}

impl LineEnd {
    /// The length of the line that ends at `end`, with its `\n` if it has one, when it
    /// ends as `self` says. Checked before the row is built: the row is then built where
    /// the caller takes it, not moved once more.
    #[inline(always)]
    fn length(self, text: &[u8], end: usize) -> Option<usize> {
        match self {
            LineEnd::Text => (end == text.len()).then_some(end),
            LineEnd::Newline => {
                if text.get(end) != Some(&b'\n') || (end > 0 && text[end - 1] == b'\r') {
                    return None;
                }
                Some(end + 1)
            }
        }
    }
}

/// [`fast_inet_row`] over `text` up to its first `\n` (or its end), the line ending as
/// `ends` says: the row and the line's length (see [`LineEnd::length`]). Every word stops
/// at a `\n`, so the line's end is found where its last word ends. Without `VALUES`,
/// the endpoints are checked by [`endpoint_end_at`], the rest by [`rest_end_at`], and the
/// row holds stand-ins for their values (see [`check_inet_row_through`]).
#[inline(always)]
fn inet_row_to<const VALUES: bool>(text: &[u8], layout: InetLayout, ends: LineEnd) -> Option<(InetRow<'_>, usize)> {
    let mut spans = [(0u32, 0u32); 10];
    let line = text;

    // Proto: a word, then a blank; in its column (`%-5s` and a blank), one comparison.
    let (proto, proto_end) = match proto_in_column(line) {
        Some(found) => found,
        None => {
            let proto_end = word_end(line, 0);
            match Proto::parse(&line[..proto_end]) {
                // sctp (no queues, continuation lines) and anything else: the reference.
                Some(Proto::Sctp) | None => return None,
                Some(proto) => (proto, proto_end),
            }
        }
    };
    spans[InetCol::Proto as usize] = (0, proto_end as u32);

    // The queues: digits, each followed by blanks; where netstat's columns hold them,
    // read there.
    let (recv_q, recv_span, send_q, send_span, pos) = match queues_in_columns(line, proto_end) {
        Some(queues) => queues,
        None => {
            let (recv_q, recv_span, pos) = queue(line, blanks1(line, proto_end)?)?;
            let (send_q, send_span, pos) = queue(line, pos)?;
            (recv_q, recv_span, send_q, send_span, pos)
        }
    };
    spans[InetCol::RecvQ as usize] = recv_span;
    spans[InetCol::SendQ as usize] = send_span;

    // The addresses: the local one is followed by blanks, the foreign one may end the line.
    let (local, local_end) = endpoint_or_end::<VALUES>(line, pos)?;
    if local_end == line.len() || line[local_end] == b'\n' {
        return None;
    }
    spans[InetCol::Local as usize] = (pos as u32, local_end as u32);
    let foreign_start = skip_blanks(line, local_end);
    let (foreign, foreign_end) = endpoint_or_end::<VALUES>(line, foreign_start)?;
    spans[InetCol::Foreign as usize] = (foreign_start as u32, foreign_end as u32);

    // The rest: read in place where the row has the `-neopa` shape, else cut into words.
    let rest_start = skip_blanks(line, foreign_end);
    let rest = if VALUES {
        match full_rest::<true>(text, proto, layout, rest_start) {
            Some(rest) => rest,
            None => words_rest::<true>(text, proto, layout, rest_start)?,
        }
    } else {
        Rest::stand_in(rest_end_at(text, proto, layout, rest_start)?)
    };
    let Rest { state, user, inode, owner, timer, line_end, .. } = rest;
    spans[InetCol::State as usize] = rest.spans[0];
    spans[InetCol::User as usize] = rest.spans[1];
    spans[InetCol::Inode as usize] = rest.spans[2];
    spans[InetCol::Program as usize] = rest.spans[3];
    spans[InetCol::Timer as usize] = rest.spans[4];
    let length = ends.length(text, line_end)?;
    let line = &text[..line_end];

    let row = InetRow {
        line,
        layout,
        proto,
        recv_q: Some(recv_q),
        send_q: Some(send_q),
        local,
        foreign: Some(foreign),
        state,
        user,
        inode,
        owner,
        timer,
        spans,
        kernel: None,
    };
    Some((row, length))
}

/// What follows an internet row's addresses, read: the values, the spans of the state,
/// user, inode, program and timer columns (in that order), and where the line ends.
struct Rest<'a> {
    state: InetState<'a>,
    user: Option<User<'a>>,
    inode: Option<u64>,
    owner: Option<Owner<'a>>,
    timer: Option<Timer<'a>>,
    spans: [(u32, u32); 5],
    line_end: usize,
}

impl Rest<'_> {
    /// Stand-in values for a rest that was only checked ([`rest_end_at`]).
    fn stand_in(line_end: usize) -> Self {
        Rest {
            state: InetState::Empty,
            user: None,
            inode: None,
            owner: None,
            timer: None,
            spans: [(0, 0); 5],
            line_end,
        }
    }
}

/// Where the line ends when the rest of a row (after its addresses) reads as
/// [`full_rest`] or else [`words_rest`] read it: those readings compiled without their
/// values, out of line (the row reader around them then keeps its positions in registers).
#[inline(never)]
fn rest_end_at(text: &[u8], proto: Proto, layout: InetLayout, rest_start: usize) -> Option<usize> {
    if layout == InetLayout::FULL {
        if let Some(line_end) = rest_end_in_columns(text, proto, rest_start) {
            return Some(line_end);
        }
    }
    match full_rest::<false>(text, proto, layout, rest_start) {
        Some(rest) => Some(rest.line_end),
        None => words_rest::<false>(text, proto, layout, rest_start).map(|rest| rest.line_end),
    }
}

/// The rest of a row of the full layout (`-neopa`: state, user, inode, program, timer)
/// read in place, value after value, when it has the shape netstat prints in the C
/// locale: a C state word or none (a user's digits first, on a protocol that is not raw),
/// digits or a name for the user, an inode, a program, a plain timer. `None` for anything
/// else, which [`words_rest`] then reads: this reader gives what that one gives, taking
/// the same decisions (the state first, as `c_state`; the program to the timer's word,
/// the last but one word of the line) on the values where they lie. Without `VALUES`, the
/// program's owner (which cannot fail) is not read.
#[inline(always)]
fn full_rest<'a, const VALUES: bool>(
    text: &'a [u8],
    proto: Proto,
    layout: InetLayout,
    rest_start: usize,
) -> Option<Rest<'a>> {
    if layout != InetLayout::FULL {
        return None;
    }
    let line = text;
    let w0_end = word_end(line, rest_start);
    let w0 = &line[rest_start..w0_end];
    let (state, state_span, user_at) = if let Some(state) = c_state(w0) {
        (InetState::Known(state), (rest_start as u32, w0_end as u32), blanks1(line, w0_end)?)
    } else if w0.first().is_some_and(u8::is_ascii_digit) && !proto.is_raw() {
        // No state: the user's digits (no state word of any language starts with a digit;
        // a raw socket's state is a number). Whether the words after it are the user and
        // inode of a row without a state is decided below, on the program's first word.
        (InetState::Empty, (rest_start as u32, rest_start as u32), rest_start)
    } else {
        return None;
    };
    let user_end = word_end(line, user_at);
    if user_end == user_at {
        return None;
    }
    let inode_at = blanks1(line, user_end)?;
    let inode_end = word_end(line, inode_at);
    let inode = number(&line[inode_at..inode_end])?;
    let program_at = blanks1(line, inode_end)?;
    let program_word_end = word_end(line, program_at);
    if program_word_end == program_at {
        return None;
    }
    // Without a state, a program whose first word is digits may make the reference take
    // the first word as a state (`state_present`): its decision, not this one.
    if matches!(state, InetState::Empty) && line[program_at..program_word_end].iter().all(u8::is_ascii_digit) {
        return None;
    }

    // The timer: netstat pads the program to 20 columns and a blank, so its word is
    // looked for there first; else the line's last two words are found one by one.
    let (timer, timer_span, middle_end, line_end) =
        match timer_at(line, program_at + PROGRAM_COLUMN, program_at, program_word_end) {
            Some(found) => found,
            None => timer_of_last_words(line, inode_end, program_at)?,
        };
    let program_start = if middle_end > inode_end { program_at } else { middle_end };
    let user_text = &line[user_at..user_end];
    Some(Rest {
        state,
        user: Some(user(user_text)),
        inode: Some(inode),
        owner: if VALUES { Some(owner(&line[program_start..middle_end])) } else { None },
        timer: Some(timer),
        spans: [
            state_span,
            (user_at as u32, user_end as u32),
            (inode_at as u32, inode_end as u32),
            (program_start as u32, middle_end as u32),
            timer_span,
        ],
        line_end,
    })
}

/// Where the line ends when the rest of a row of the full layout lies in netstat's own
/// columns (`%-11s %-10s %-10lu %-20s %s`: the state or its blanks, the user, the inode
/// and the program each padded to its width and a blank), as [`full_rest`] finds it: each
/// column is checked in one or two words where it must start, without looking for the
/// end of one value and the start of the next. `None` (the caller then reads the rest as
/// `full_rest` does) where a column is not so: a value wider than its column, a tab or a
/// control byte, a state `full_rest` does not take, a line that ends early.
#[inline(always)]
fn rest_end_in_columns(line: &[u8], proto: Proto, rest_start: usize) -> Option<usize> {
    // The columns up to the timer's word, taken at once: the words in it are read without
    // a bounds check each.
    let columns: &[u8; COLUMNS] = line.get(rest_start..rest_start + COLUMNS)?.try_into().ok()?;
    // The state, or none: the user's digits first, as `full_rest` decides.
    let (stated, user_at) = if padded_c_state(word_in(columns, 0), word_in(columns, 4)) {
        (true, STATE_COLUMN)
    } else if columns[0].is_ascii_digit() && !proto.is_raw() {
        (false, 0)
    } else {
        return None;
    };
    // The user and the inode: a word (digits for the inode), blanks to the column's end.
    let inode_at = user_at + USER_COLUMN;
    let program_at = inode_at + INODE_COLUMN;
    if !padded_word(word_in(columns, user_at), word_in(columns, inode_at - 8), lanes_above_blank)
        || !padded_word(word_in(columns, inode_at), word_in(columns, program_at - 8), digit_lanes)
    {
        return None;
    }
    // The program starts with a word byte; without a state, its first word is not digits
    // only (else `full_rest` leaves the row to the reference's decision).
    let program = word_in(columns, program_at);
    if lanes_above_blank(program) & 0x80 == 0 {
        return None;
    }
    if !stated {
        let other = !digit_lanes(program) & lanes(0x80);
        let shift = other.trailing_zeros();
        if shift == 64 || matches!((program >> (shift & !7)) as u8, b' ' | b'\t' | b'\n') {
            return None;
        }
    }
    // The program's column, then the timer, as `timer_at` reads them: the program's text
    // holds no `\n` (`timer_at` looks in the text after its first word, which holds none,
    // to its last non-blank, followed by blanks only); a space ends the column.
    let timer_at = program_at + PROGRAM_COLUMN;
    let newlines = [program, word_in(columns, program_at + 8), word_in(columns, timer_at - 8)]
        .iter()
        .fold(0, |found, &w| found | !nonzero_lanes(w ^ lanes(b'\n')));
    if newlines & lanes(0x80) != 0 || columns[timer_at - 1] != b' ' || !is_word_byte(columns[timer_at]) {
        return None;
    }
    timer_word_at::<false>(line, rest_start + timer_at).map(|(.., line_end)| line_end)
}

/// The bytes [`rest_end_in_columns`] reads at once: up to the timer's first byte when
/// every column before it is its width.
const COLUMNS: usize = STATE_COLUMN + USER_COLUMN + INODE_COLUMN + PROGRAM_COLUMN + 1;

/// The eight bytes of `window` at `at`, little-endian.
#[inline(always)]
fn word_in<const N: usize>(window: &[u8; N], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&window[at..at + 8]);
    u64::from_le_bytes(bytes)
}

/// A byte a word holds: no blank, no `\n`, no other control byte.
#[inline(always)]
fn is_word_byte(b: u8) -> bool {
    b > b' '
}

/// The state column's width with its blank (`%-11s `), the user's (`%-10s `), the
/// inode's (`%-10lu `).
const STATE_COLUMN: usize = 12;
const USER_COLUMN: usize = 11;
const INODE_COLUMN: usize = 11;

/// Whether twelve bytes, given as the word at their start and the word that ends with
/// them, are a state as the C locale prints it, padded to its column with spaces (`%-11s`
/// and a blank): the word [`c_state`] takes, then blanks.
#[inline(always)]
fn padded_c_state(head: u64, tail: u64) -> bool {
    const fn head_tail(padded: &[u8; 12]) -> (u64, u64) {
        let mut head = [0u8; 8];
        let mut tail = [0u8; 8];
        let mut k = 0;
        while k < 8 {
            head[k] = padded[k];
            tail[k] = padded[k + 4];
            k += 1;
        }
        (u64::from_le_bytes(head), u64::from_le_bytes(tail))
    }
    const STATES: [(u64, u64); 12] = [
        head_tail(b"ESTABLISHED "),
        head_tail(b"LISTEN      "),
        head_tail(b"TIME_WAIT   "),
        head_tail(b"SYN_SENT    "),
        head_tail(b"SYN_RECV    "),
        head_tail(b"FIN_WAIT1   "),
        head_tail(b"FIN_WAIT2   "),
        head_tail(b"LAST_ACK    "),
        head_tail(b"UNKNOWN     "),
        head_tail(b"CLOSE_WAIT  "),
        head_tail(b"CLOSE       "),
        head_tail(b"CLOSING     "),
    ];
    // The first four bytes tell the states apart but for those that share them: they
    // choose the few to compare whole.
    const fn key(prefix: &[u8; 4]) -> u32 {
        u32::from_le_bytes(*prefix)
    }
    const ESTA: u32 = key(b"ESTA");
    const LIST: u32 = key(b"LIST");
    const TIME: u32 = key(b"TIME");
    const SYN_: u32 = key(b"SYN_");
    const FIN_: u32 = key(b"FIN_");
    const LAST: u32 = key(b"LAST");
    const UNKN: u32 = key(b"UNKN");
    const CLOS: u32 = key(b"CLOS");
    let candidates = match head as u32 {
        ESTA => &STATES[0..1],
        LIST => &STATES[1..2],
        TIME => &STATES[2..3],
        SYN_ => &STATES[3..5],
        FIN_ => &STATES[5..7],
        LAST => &STATES[7..8],
        UNKN => &STATES[8..9],
        CLOS => &STATES[9..12],
        _ => return false,
    };
    candidates.contains(&(head, tail))
}

/// Whether eleven bytes, given as the word at their start and the word that ends with
/// them (they overlap), are a word whose bytes `word_lanes` marks, then one blank or more
/// (spaces only): `%-10s` and a blank holding a value of one to ten bytes.
#[inline(always)]
fn padded_word(first: u64, last: u64, word_lanes: fn(u64) -> u64) -> bool {
    // Each word: word bytes then spaces, every byte one or the other. The first byte is a
    // word byte, the last a space; the two words share five bytes, so together they are
    // one run of each.
    let word_then_spaces = |w: u64| {
        let word = word_lanes(w);
        let spaces = !nonzero_lanes(w ^ lanes(b' ')) & lanes(0x80);
        word | spaces == lanes(0x80) && (spaces << 8) & word == 0
    };
    word_lanes(first) & 0x80 != 0 && last >> 56 == u64::from(b' ') && word_then_spaces(first) && word_then_spaces(last)
}

/// The high bit of each lane of `w` above `0x20`: no blank, no `\n`, no control byte.
#[inline(always)]
fn lanes_above_blank(w: u64) -> u64 {
    const LOW7: u64 = lanes(0x7f);
    (((w & LOW7).wrapping_add(lanes(0x5f))) | w) & !LOW7
}

/// The high bit of each lane of `w` that is an ASCII digit.
#[inline(always)]
fn digit_lanes(w: u64) -> u64 {
    let x = w ^ lanes(b'0');
    !(((x & lanes(0x7f)).wrapping_add(lanes(0x76))) | x) & lanes(0x80)
}

/// Where netstat starts the timer's word, from the program column's start: the program is
/// printed `%-20s` and followed by a blank.
const PROGRAM_COLUMN: usize = PROGRAM_WIDTH + 1;

/// The timer of a row whose word starts at `at` (after the program, which starts at
/// `program_at < at`, its first word ending at `first_word_end`), when the line ends with
/// it: `word (secs.cc/n/n)`, the word not ending `(`, the numbers in the plain form, then
/// blanks or nothing up to the line's end. The timer, its span, the end of the program
/// before it (its text without trailing blanks) and the line's end; `None` when the line
/// is not so, or the word does not start at `at`.
#[inline(always)]
fn timer_at(
    line: &[u8],
    at: usize,
    program_at: usize,
    first_word_end: usize,
) -> Option<(Timer<'_>, (u32, u32), usize, usize)> {
    if !matches!(line.get(at - 1), Some(&b' ')) || !line.get(at).is_some_and(|&b| !is_blank(b) && b != b'\n') {
        return None;
    }
    // The program's text ends at its last non-blank before `at`; a `\n` in it (the line
    // ended before `at`) is looked for where the text has more than one word.
    let middle_end = trim_end_in(line, program_at, at);
    if middle_end > first_word_end && has_newline(line, first_word_end, middle_end) {
        return None;
    }
    let (timer, span, line_end) = timer_word_at::<true>(line, at)?;
    Some((timer, span, middle_end, line_end))
}

/// The timer whose word starts at `at` (a byte that is no blank) when the line ends with
/// it, as [`timer_at`] reads it: the timer, its span and the line's end.
#[inline(always)]
fn timer_word_at<const VALUES: bool>(line: &[u8], at: usize) -> Option<(Timer<'_>, (u32, u32), usize)> {
    // The commonest timer, `off (0.00/0/0)` at the line's end, compared as two words.
    if let (Some(head), Some(tail)) = (word_at(line, at), word_at(line, at + OFF_TIMER.len() - 8)) {
        let end = at + OFF_TIMER.len();
        if head == OFF_TIMER_HEAD && tail == OFF_TIMER_TAIL && matches!(line.get(end), None | Some(b'\n')) {
            let off = Timer {
                kind: super::TimerKind::Off,
                word: &line[at..at + 3],
                expires_ms: 0,
                retransmits: 0,
                probes: 0,
            };
            return Some((off, (at as u32, end as u32), end));
        }
    }
    let word_stop = word_end(line, at);
    if line[word_stop - 1] == b'(' {
        return None;
    }
    let open = blanks1(line, word_stop)?;
    if line.get(open) != Some(&b'(') {
        return None;
    }
    let ((expires_ms, retransmits, probes), close) = plain_timer_at(line, open + 1)?;
    let line_end = match line.get(close) {
        None | Some(b'\n') => close,
        Some(_) => match skip_blanks(line, close) {
            end if end == line.len() || line[end] == b'\n' => end,
            _ => return None,
        },
    };
    let word = &line[at..word_stop];
    // Without values, the word (which cannot fail) is not looked up.
    let kind = if VALUES { timer_kind(word) } else { super::TimerKind::Other };
    Some((Timer { kind, word, expires_ms, retransmits, probes }, (at as u32, close as u32), line_end))
}

/// The timer of most sockets, as netstat prints it.
const OFF_TIMER: &[u8; 14] = b"off (0.00/0/0)";
/// Its first eight bytes and its last eight, little-endian.
const OFF_TIMER_HEAD: u64 = u64::from_le_bytes(*b"off (0.0");
const OFF_TIMER_TAIL: u64 = u64::from_le_bytes(*b".00/0/0)");

/// [`plain_timer_numbers`] read where they lie, from `at` (after the `(`) to the `)` that
/// ends the word: the numbers and the end of the word.
#[inline(always)]
fn plain_timer_at(line: &[u8], at: usize) -> Option<((i64, u64, u64), usize)> {
    let (whole, i) = digit_run(line, at, 15)?;
    let (c, d) = match line.get(i..i + 4) {
        Some(&[b'.', c, d, b'/']) if c.is_ascii_digit() && d.is_ascii_digit() => (c - b'0', d - b'0'),
        _ => return None,
    };
    let (retransmits, i) = digit_run(line, i + 4, 18)?;
    if line.get(i) != Some(&b'/') {
        return None;
    }
    let (probes, i) = digit_run(line, i + 1, 18)?;
    if line.get(i) != Some(&b')') || line.get(i + 1).is_some_and(|&b| !matches!(b, b' ' | b'\t' | b'\n')) {
        return None;
    }
    let ms = whole as i64 * 1000 + i64::from(c) * 100 + i64::from(d) * 10;
    Some(((ms, retransmits, probes), i + 1))
}

/// The timer of a row read from its last two words (the program's words before them,
/// from `program_at`, the inode ending at `inode_end`): as [`timer_at`] gives it.
#[inline(always)]
fn timer_of_last_words(
    line: &[u8],
    inode_end: usize,
    program_at: usize,
) -> Option<(Timer<'_>, (u32, u32), usize, usize)> {
    // The last two words and the end of the word before them.
    let (mut before_end, mut s1, mut e1, mut s2, mut e2) = (inode_end, 0, inode_end, 0, inode_end);
    let mut n = 0;
    let mut pos = program_at;
    while pos < line.len() && line[pos] != b'\n' {
        let end = word_end(line, pos);
        (before_end, s1, e1, s2, e2) = (e1, s2, e2, pos, end);
        n += 1;
        pos = skip_blanks(line, end);
    }
    if n < 2 {
        return None;
    }
    let timer = timer_of_words(line, (s1, e1), (s2, e2))?;
    Some((timer, (s1 as u32, e2 as u32), before_end, pos))
}

/// The timer whose word is `line[word.0..word.1]` and whose numbers are the next word,
/// `line[numbers.0..numbers.1]`, as the reference reads them from the right; `None`
/// where the reference would strip a `(` or the numbers are not of a form read here.
#[inline(always)]
fn timer_of_words<'a>(line: &'a [u8], word: (usize, usize), numbers: (usize, usize)) -> Option<Timer<'a>> {
    let (word_start, word_stop) = word;
    let text = &line[numbers.0..numbers.1];
    // `(` starts the last word and is its only one; `)` ends it; the word before does
    // not end with `(` (the reference strips those): anything else, the reference.
    if text.first() != Some(&b'(') || text.last() != Some(&b')') || text.len() < 2 || line[word_stop - 1] == b'(' {
        return None;
    }
    let inner = &text[1..text.len() - 1];
    // The plain form holds digits, `.` and `/` only, so no other `(`.
    let (expires_ms, retransmits, probes) = match plain_timer_numbers(inner) {
        Some(numbers) => numbers,
        None if inner.contains(&b'(') => return None,
        None => timer_numbers(inner)?,
    };
    let word = &line[word_start..word_stop];
    Some(Timer { kind: timer_kind(word), word, expires_ms, retransmits, probes })
}

/// A timer's word as [`words::timer_kind`] reads it, the C locale's words first.
#[inline(always)]
fn timer_kind(word: &[u8]) -> super::TimerKind {
    match word {
        b"off" => super::TimerKind::Off,
        b"on" => super::TimerKind::On,
        b"keepalive" => super::TimerKind::Keepalive,
        _ => words::timer_kind(word).unwrap_or(super::TimerKind::Other),
    }
}

/// Whether `line[from..to]` holds a `\n`: a word at a time where there are eight bytes.
#[inline(always)]
fn has_newline(line: &[u8], from: usize, to: usize) -> bool {
    let mut at = from;
    while at + 8 <= to {
        if let Some(w) = word_at(line, at) {
            if !nonzero_lanes(w ^ lanes(b'\n')) & lanes(0x80) != 0 {
                return true;
            }
        }
        at += 8;
    }
    line[at..to].contains(&b'\n')
}

/// The end of `line[from..to]` without its trailing blanks: spaces eight at a time from
/// the right, a tab byte by byte.
#[inline(always)]
fn trim_end_in(line: &[u8], from: usize, mut to: usize) -> usize {
    while to >= from + 8 {
        let Some(w) = word_at(line, to - 8) else { break };
        let other = nonzero_lanes(w ^ lanes(b' '));
        if other != 0 {
            // The last byte that is no space: its lane is the highest marked one.
            let lane = (63 - other.leading_zeros()) as usize / 8;
            to = to - 8 + lane + 1;
            if line[to - 1] != b'\t' {
                return to;
            }
            break;
        }
        to -= 8;
    }
    while to > from && is_blank(line[to - 1]) {
        to -= 1;
    }
    to
}

/// The rest of a row of any layout (after its addresses, from `rest_start`), cut into
/// words once and decided on them as the reference decides. Without `VALUES`, the
/// program's owner (which cannot fail) is not read.
#[inline(always)]
fn words_rest<'a, const VALUES: bool>(
    text: &'a [u8],
    proto: Proto,
    layout: InetLayout,
    rest_start: usize,
) -> Option<Rest<'a>> {
    let line = text;
    let mut spans = [(0u32, 0u32); 10];
    // The rest, cut into words once.
    let mut words_at = [(0usize, 0usize); MAX_REST_WORDS];
    let mut n = 0;
    let mut pos = rest_start;
    while pos < line.len() && line[pos] != b'\n' {
        if n == MAX_REST_WORDS {
            return None;
        }
        let end = word_end(line, pos);
        words_at[n] = (pos, end);
        n += 1;
        pos = skip_blanks(line, end);
    }
    // The line ends here, at its `\n` or at the end of `text`.
    let line_end = pos;
    let line = &text[..line_end];
    let mut middle_end = if n == 0 { rest_start } else { words_at[n - 1].1 };

    // The timer, from the right: `word (secs/retransmits/probes)`, the last two words.
    let timer = if layout.timer {
        if n < 2 {
            return None;
        }
        let (open, close) = words_at[n - 1];
        let (word_start, word_stop) = words_at[n - 2];
        let numbers = &line[open..close];
        // `(` starts the last word and is its only one; `)` ends it; the word before does
        // not end with `(` (the reference strips those): anything else, the reference.
        if numbers.first() != Some(&b'(') || numbers.last() != Some(&b')') || line[word_stop - 1] == b'(' {
            return None;
        }
        let inner = &numbers[1..numbers.len() - 1];
        // The plain form holds digits, `.` and `/` only, so no other `(`.
        let (expires_ms, retransmits, probes) = match plain_timer_numbers(inner) {
            Some(numbers) => numbers,
            None if inner.contains(&b'(') => return None,
            None => timer_numbers(inner)?,
        };
        let word = &line[word_start..word_stop];
        let kind = words::timer_kind(word).unwrap_or(super::TimerKind::Other);
        spans[InetCol::Timer as usize] = (word_start as u32, close as u32);
        n -= 2;
        middle_end = if n == 0 { rest_start } else { words_at[n - 1].1 };
        Some(Timer { kind, word, expires_ms, retransmits, probes })
    } else {
        spans[InetCol::Timer as usize] = (middle_end as u32, middle_end as u32);
        None
    };

    // The middle: [state] [user inode] [program], decided on its first four words as the
    // reference decides. A state of several words (translated) is the reference's.
    let mut toks: [(usize, &[u8]); 4] = [(middle_end, b""); 4];
    let count = n.min(4);
    for (slot, &(start, end)) in toks.iter_mut().zip(&words_at[..count]) {
        *slot = (start, &line[start..end]);
    }
    let c_state = if count > 0 { c_state(toks[0].1) } else { None };
    if count > 0 && c_state.is_none() {
        let w0 = toks[0].1;
        if !(w0[0].is_ascii_digit() || w0[0] == b'-') {
            let middle = &line[rest_start..middle_end];
            if words::tcp_state_phrase(middle).is_some_and(|(_, len)| middle[..len].contains(&b' ')) {
                return None;
            }
        }
    }
    let mut next = 0;
    // A state word of the C locale is a state, as the reference decides (`state_present`
    // asks `words::tcp_state` first); any other word is decided by its function.
    let state = if let Some(state) = c_state {
        let (at, w) = toks[0];
        next = 1;
        spans[InetCol::State as usize] = (at as u32, (at + w.len()) as u32);
        InetState::Known(state)
    } else if state_present(proto, layout, &toks, count) {
        let (at, w) = toks[0];
        next = 1;
        spans[InetCol::State as usize] = (at as u32, (at + w.len()) as u32);
        state_value(proto, w)
    } else {
        spans[InetCol::State as usize] = (rest_start as u32, rest_start as u32);
        InetState::Empty
    };

    let (user, inode) = if layout.user_inode {
        if next + 1 >= count {
            return None;
        }
        let (at, u) = toks[next];
        spans[InetCol::User as usize] = (at as u32, (at + u.len()) as u32);
        let (at, digits) = toks[next + 1];
        let inode = number(digits)?;
        spans[InetCol::Inode as usize] = (at as u32, (at + digits.len()) as u32);
        next += 2;
        (Some(user(u)), Some(inode))
    } else {
        (None, None)
    };

    let owner = if layout.program {
        let start = if next < count { toks[next].0 } else { middle_end };
        spans[InetCol::Program as usize] = (start as u32, middle_end as u32);
        if VALUES {
            Some(owner(&line[start..middle_end]))
        } else {
            None
        }
    } else {
        if next < count {
            return None;
        }
        None
    };

    Some(Rest {
        state,
        user,
        inode,
        owner,
        timer,
        spans: [
            spans[InetCol::State as usize],
            spans[InetCol::User as usize],
            spans[InetCol::Inode as usize],
            spans[InetCol::Program as usize],
            spans[InetCol::Timer as usize],
        ],
        line_end,
    })
}

/// Read one row of the unix table laid out as `layout`, or `None` when the line is not one
/// this reader handles. A row it returns is equal to the one
/// [`unix_row`](super::unix_row) returns for the same line.
///
/// ```
/// use netsift_grammar::netstat::{fast_unix_row, unix_row, UnixLayout};
/// let line = b"unix  2      [ ACC ]     STREAM     LISTENING     16411    738/NetworkManager   /var/run/NetworkManager/private";
/// let layout = UnixLayout { program: true };
/// assert_eq!(fast_unix_row(line, layout), unix_row(line, layout).ok());
/// ```
#[inline(always)]
pub fn fast_unix_row(line: &[u8], layout: UnixLayout) -> Option<UnixRow<'_>> {
    // A framed line holds no `\n`: one that does is not a row this reader vouches for.
    unix_row_to::<true>(line, layout, LineEnd::Text).map(|(row, _)| row)
}

/// Read the row that starts `text` and ends at its first `\n`, as [`fast_unix_row`] reads
/// that line: the row and the length of the line with its `\n`. The columns up to the
/// inode are read word by word up to the line's end; the free-form path after them is
/// searched for the `\n` (the bytes before it are not searched again). `None` when
/// `text` holds no `\n`, when the line ends `\r\n`, and wherever `fast_unix_row` says
/// `None`.
#[inline(always)]
pub fn fast_unix_row_through(text: &[u8], layout: UnixLayout) -> Option<(UnixRow<'_>, usize)> {
    unix_row_to::<true>(text, layout, LineEnd::Newline)
}

/// [`fast_unix_row_through`] for a reader that needs no values, only whether the line is
/// a row and where it ends (`count`), as [`check_inet_row_through`] is for internet rows:
/// every column up to the inode read and checked as that one checks it; the program and
/// path after it, which cannot fail, not read.
///
/// ```
/// use netsift_grammar::netstat::{check_unix_row_through, fast_unix_row_through, UnixLayout};
/// let text = b"unix  2      [ ACC ]     STREAM     LISTENING     16411    738/NetworkManager   /var/run/x\nunix ...";
/// let layout = UnixLayout { program: true };
/// assert_eq!(check_unix_row_through(text, layout), fast_unix_row_through(text, layout).map(|(_, n)| n));
/// ```
#[inline(always)]
pub fn check_unix_row_through(text: &[u8], layout: UnixLayout) -> Option<usize> {
    unix_row_to::<false>(text, layout, LineEnd::Newline).map(|(_, n)| n)
}

/// [`fast_unix_row`] over `text` up to its first `\n` (or its end), the line ending as
/// `ends` says: the row and the line's length. Without `VALUES`, the words that cannot
/// fail (a type or state of another language, the program, the path) are not read, and
/// the row holds stand-ins for them.
#[inline(always)]
fn unix_row_to<const VALUES: bool>(text: &[u8], layout: UnixLayout, ends: LineEnd) -> Option<(UnixRow<'_>, usize)> {
    let line = text;
    let mut spans = [(0u32, 0u32); 8];
    let proto_end = word_end(line, 0);
    if !matches!(&line[..proto_end], b"unix" | b"??") {
        return None;
    }
    spans[UnixCol::Proto as usize] = (0, proto_end as u32);

    let pos = blanks1(line, proto_end)?;
    let refcnt_end = word_end(line, pos);
    let refcnt = number(&line[pos..refcnt_end])?;
    spans[UnixCol::RefCnt as usize] = (pos as u32, refcnt_end as u32);

    let pos = blanks1(line, refcnt_end)?;
    let (flags, flags_end) = unix_flags(line, pos)?;
    spans[UnixCol::Flags as usize] = (pos as u32, flags_end as u32);

    let pos = blanks1(line, flags_end)?;
    let type_end = word_end(line, pos);
    let type_text = &line[pos..type_end];
    let sock_type = match type_text {
        b"STREAM" => UnixType::Stream,
        b"DGRAM" => UnixType::Dgram,
        _ if VALUES => words::unix_type(type_text).unwrap_or(UnixType::Other(type_text)),
        _ => UnixType::Other(type_text),
    };
    spans[UnixCol::Type as usize] = (pos as u32, type_end as u32);

    // State is empty when the next word is already the inode (digits, or `-`).
    let pos = blanks1(line, type_end)?;
    let next_end = word_end(line, pos);
    let next = &line[pos..next_end];
    // An inode is `-` (none) or a number (`parse_u64`'s, read once, as `number` reads it).
    let as_inode = |w: &[u8]| if w == b"-" { Some(None) } else { number(w).map(Some) };
    let (state, inode, inode_at, inode_end) = if let Some(inode) = as_inode(next) {
        spans[UnixCol::State as usize] = (pos as u32, pos as u32);
        (UnixState::Empty, inode, pos, next_end)
    } else {
        spans[UnixCol::State as usize] = (pos as u32, next_end as u32);
        let state = match next {
            b"CONNECTED" => UnixState::Connected,
            b"LISTENING" => UnixState::Listening,
            _ if VALUES => words::unix_state(next).unwrap_or(UnixState::Other(next)),
            _ => UnixState::Other(next),
        };
        let at = blanks1(line, next_end)?;
        let end = word_end(line, at);
        (state, as_inode(&line[at..end])?, at, end)
    };
    spans[UnixCol::Inode as usize] = (inode_at as u32, inode_end as u32);

    // The program and the path may hold any byte but `\n`: the line ends at the first.
    let line_end = memchr::memchr(b'\n', &text[inode_end..]).map_or(text.len(), |i| inode_end + i);
    let line = &text[..line_end];
    if !VALUES {
        let length = ends.length(text, line_end)?;
        let (owner, path) = (None, &line[..0]);
        let row = UnixRow { line, layout, refcnt, flags, sock_type, state, inode, owner, path, spans, kernel: None };
        return Some((row, length));
    }

    let field_start = skip_blanks(line, inode_end);
    let (owner, path_start) = if layout.program {
        let (program_end, path_start) = program_field(line, field_start);
        spans[UnixCol::Program as usize] = (field_start as u32, program_end as u32);
        (Some(owner(&line[field_start..program_end])), path_start)
    } else {
        spans[UnixCol::Program as usize] = (field_start as u32, field_start as u32);
        (None, field_start)
    };
    let path_end = trim_end(line, path_start);
    let path = &line[path_start..path_end];
    spans[UnixCol::Path as usize] = (path_start as u32, path_end as u32);

    let length = ends.length(text, line_end)?;
    let row = UnixRow { line, layout, refcnt, flags, sock_type, state, inode, owner, path, spans, kernel: None };
    Some((row, length))
}

/// A TCP state as the C locale prints it (the words [`words::tcp_state`] matches first).
#[inline(always)]
fn c_state(word: &[u8]) -> Option<TcpState> {
    Some(match word {
        b"ESTABLISHED" => TcpState::Established,
        b"LISTEN" => TcpState::Listen,
        b"TIME_WAIT" => TcpState::TimeWait,
        b"CLOSE_WAIT" => TcpState::CloseWait,
        b"SYN_SENT" => TcpState::SynSent,
        b"SYN_RECV" => TcpState::SynRecv,
        b"FIN_WAIT1" => TcpState::FinWait1,
        b"FIN_WAIT2" => TcpState::FinWait2,
        b"CLOSE" => TcpState::Close,
        b"LAST_ACK" => TcpState::LastAck,
        b"CLOSING" => TcpState::Closing,
        b"UNKNOWN" => TcpState::Unknown,
        _ => return None,
    })
}

/// A queue size at `start`: digits that fit in 64 bits, then at least one blank. Returns
/// the value, its span and where the next value starts.
#[inline(always)]
fn queue(line: &[u8], start: usize) -> Option<(u64, (u32, u32), usize)> {
    let mut end = start;
    let mut value: u64 = 0;
    while let Some(&b) = line.get(end) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        value = value.wrapping_mul(10).wrapping_add(u64::from(d));
        end += 1;
    }
    // Up to 19 digits cannot overflow; longer runs are checked the slow way.
    if end == start || (end - start > 19 && parse_u64(&line[start..end]).is_none()) {
        return None;
    }
    // A right-aligned queue is followed by one blank when it fits its column: no word
    // to load for that.
    let next = match line.get(end..end + 2) {
        Some(&[b' ', b]) if !is_blank(b) => end + 1,
        _ => blanks1(line, end)?,
    };
    Some((value, (start as u32, end as u32), next))
}

/// The protocol as netstat prints it in its column, padded with spaces to six bytes
/// (`%-5s` and a blank), and where its word ends: the protocols [`inet_row_to`] reads.
/// `None` for any other six bytes, which are then read as a word.
#[inline(always)]
fn proto_in_column(line: &[u8]) -> Option<(Proto, usize)> {
    const fn column(padded: &[u8; 6]) -> u64 {
        let mut bytes = [0u8; 8];
        let mut k = 0;
        while k < 6 {
            bytes[k] = padded[k];
            k += 1;
        }
        u64::from_le_bytes(bytes)
    }
    const TCP: u64 = column(b"tcp   ");
    const TCP6: u64 = column(b"tcp6  ");
    const UDP: u64 = column(b"udp   ");
    const UDP6: u64 = column(b"udp6  ");
    const UDPL: u64 = column(b"udpl  ");
    const UDPL6: u64 = column(b"udpl6 ");
    const RAW: u64 = column(b"raw   ");
    const RAW6: u64 = column(b"raw6  ");
    Some(match word_at(line, 0)? & 0xffff_ffff_ffff {
        TCP => (Proto::Tcp, 3),
        TCP6 => (Proto::Tcp6, 4),
        UDP => (Proto::Udp, 3),
        UDP6 => (Proto::Udp6, 4),
        UDPL => (Proto::Udpl, 4),
        UDPL6 => (Proto::Udpl6, 5),
        RAW => (Proto::Raw, 3),
        RAW6 => (Proto::Raw6, 4),
        _ => return None,
    })
}

/// The two queues where netstat prints them (`%-5s %6lu %6lu `: the protocol padded to
/// five bytes and a blank, each queue right-aligned in six bytes and followed by a
/// blank), read from two words: what [`queue`] reads from the first blank after the
/// protocol on, twice (values, spans, where the next value starts). `None` when the
/// columns do not hold them so (a queue of seven digits or more, other padding).
#[inline(always)]
fn queues_in_columns(line: &[u8], proto_end: usize) -> Option<Queues> {
    // Bytes 5 to 12 and 12 to 19: a blank, a right-aligned queue, a blank.
    let (recv, recv_at) = queue_in_column(word_at(line, 5)?)?;
    let (send, send_at) = queue_in_column(word_at(line, 12)?)?;
    if proto_end > 5 || line[proto_end..5].iter().any(|&b| b != b' ') {
        return None;
    }
    let next = match line.get(19..21) {
        Some(&[b' ', b]) if !is_blank(b) => 20,
        _ => blanks1(line, 19)?,
    };
    Some((recv, (5 + recv_at as u32, 12), send, (12 + send_at as u32, 19), next))
}

/// [`right_aligned`] for a queue's column, an empty queue (most are) compared whole.
#[inline(always)]
fn queue_in_column(w: u64) -> Option<(u64, usize)> {
    const EMPTY: u64 = u64::from_le_bytes(*b"      0 ");
    if w == EMPTY {
        return Some((0, 6));
    }
    right_aligned(w)
}

/// The receive queue and its span, the send queue and its span, where the next value starts.
type Queues = (u64, (u32, u32), u64, (u32, u32), usize);

/// A number right-aligned between two spaces in the eight bytes `w` (little-endian):
/// spaces, then one to six digits up to the seventh byte, then a space. Its value and
/// the byte its first digit is in.
#[inline(always)]
fn right_aligned(w: u64) -> Option<(u64, usize)> {
    const HIGH: u64 = lanes(0x80);
    // The high bit of each byte that is a digit, of each that is a space.
    let x = w ^ lanes(b'0');
    let digits = !(((x & lanes(0x7f)).wrapping_add(lanes(0x76))) | x) & HIGH;
    let spaces = !nonzero_lanes(w ^ lanes(b' ')) & HIGH;
    // Every byte a digit or a space; the first and last ones spaces; the digits one run
    // that ends at the seventh byte.
    let first = digits.trailing_zeros() as usize / 8;
    if digits | spaces != HIGH || spaces & 0x8000_0000_0000_0080 != 0x8000_0000_0000_0080 || digits == 0 {
        return None;
    }
    let run = (HIGH << (8 * first)) & 0x0080_8080_8080_8080;
    if digits != run {
        return None;
    }
    // The digits moved up one byte to the top, zeros below: the eight-digit sum.
    let v = (x & ((run >> 7) * 0xff)) << 8;
    let v = (v.wrapping_mul(10) + (v >> 8)) & 0x00ff_00ff_00ff_00ff;
    let v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_ffff_0000_ffff;
    Some(((v.wrapping_mul(10_000) + (v >> 32)) & 0xffff_ffff, first))
}

/// A decimal number that fits in 64 bits (the whole of `digits`), as [`parse_u64`] reads
/// it; eight digits at a time (inodes run to ten digits).
#[inline(always)]
fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 {
        return parse_u64(digits);
    }
    let mut value: u64 = 0;
    let mut rest = digits;
    if let Some((eight, tail)) = rest.split_first_chunk::<8>() {
        value = eight_digits(u64::from_le_bytes(*eight))?;
        rest = tail;
        if let Some((eight, tail)) = rest.split_first_chunk::<8>() {
            value = value * 100_000_000 + eight_digits(u64::from_le_bytes(*eight))?;
            rest = tail;
        }
    }
    for &b in rest {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value * 10 + u64::from(d);
    }
    Some(value)
}

/// The value of eight ASCII digits read little-endian (the first digit in the lowest
/// byte), or `None` when one is not a digit.
#[inline(always)]
fn eight_digits(word: u64) -> Option<u64> {
    // Each byte is 0x30..=0x39: its high nibble is 3, and adding 6 does not carry into it.
    let high = word & lanes(0xf0);
    let carried = word.wrapping_add(lanes(0x06)) & lanes(0xf0);
    if high != lanes(0x30) || carried != lanes(0x30) {
        return None;
    }
    let v = word & lanes(0x0f);
    let v = (v.wrapping_mul(10) + (v >> 8)) & 0x00ff_00ff_00ff_00ff;
    let v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_ffff_0000_ffff;
    Some((v.wrapping_mul(10_000) + (v >> 32)) & 0xffff_ffff)
}

/// The `User` column, as [`User::parse`] reads it.
#[inline]
fn user(text: &[u8]) -> User<'_> {
    match number(text).and_then(|v| u32::try_from(v).ok()) {
        Some(uid) => User::Uid(uid),
        None => User::Name(text),
    }
}

/// The `PID/Program name` column, as [`Owner::parse`] reads it: `-`, or digits up to the
/// first `/`, or anything else as it is. A pid of ten digits or more (it may not fit 32
/// bits) is left to `Owner::parse`.
#[inline(always)]
fn owner(text: &[u8]) -> Owner<'_> {
    if text == b"-" {
        return Owner::Hidden;
    }
    let mut pid: u32 = 0;
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        if i == 9 {
            return Owner::parse(text);
        }
        pid = pid * 10 + u32::from(d);
        i += 1;
    }
    if i > 0 && text.get(i) == Some(&b'/') {
        Owner::Process { pid, name: &text[i + 1..] }
    } else {
        Owner::Other(text)
    }
}

/// The timer's numbers in the form net-tools prints them, `secs.cc/retransmits/probes`
/// (at most 15 digits of seconds, 18 of each count): the same value as [`timer_numbers`],
/// read in one pass; `None` for any other form, which `timer_numbers` then reads.
#[inline(always)]
fn plain_timer_numbers(inner: &[u8]) -> Option<(i64, u64, u64)> {
    let (whole, i) = digit_run(inner, 0, 15)?;
    let (c, d) = match inner.get(i..i + 4) {
        Some(&[b'.', c, d, b'/']) if c.is_ascii_digit() && d.is_ascii_digit() => (c - b'0', d - b'0'),
        _ => return None,
    };
    let (retransmits, i) = digit_run(inner, i + 4, 18)?;
    if inner.get(i) != Some(&b'/') {
        return None;
    }
    let (probes, i) = digit_run(inner, i + 1, 18)?;
    if i != inner.len() {
        return None;
    }
    let ms = whole as i64 * 1000 + i64::from(c) * 100 + i64::from(d) * 10;
    Some((ms, retransmits, probes))
}

/// One to `max` digits at `start`: their value and where they end.
#[inline(always)]
fn digit_run(text: &[u8], start: usize, max: usize) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    let mut i = start;
    while i < text.len() {
        let d = text[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        value = value * 10 + u64::from(d);
        i += 1;
        if i - start > max {
            return None;
        }
    }
    (i > start).then_some((value, i))
}

/// `[ ]`, `[ ACC ]`, `[ ACC W N ]` at `pos`: the flags and where they end (after `]`).
fn unix_flags(line: &[u8], pos: usize) -> Option<(UnixFlags, usize)> {
    let rest = &line[pos..];
    if rest.first() != Some(&b'[') {
        return None;
    }
    if rest.starts_with(b"[ ]") {
        return Some((UnixFlags::default(), pos + 3));
    }
    if rest.starts_with(b"[ ACC ]") {
        return Some((UnixFlags { accepting: true, ..UnixFlags::default() }, pos + 7));
    }
    // The flags end at `]`, on the same line.
    let close = rest.iter().position(|&b| b == b']' || b == b'\n')?;
    if rest[close] == b'\n' {
        return None;
    }
    let mut flags = UnixFlags::default();
    for (_, w) in crate::lex::words(&rest[1..close]) {
        match w {
            b"ACC" => flags.accepting = true,
            b"W" => flags.wait_data = true,
            b"N" => flags.no_space = true,
            _ => return None,
        }
    }
    Some((flags, pos + close + 1))
}

/// Split the unix program field from the path, as the reference does: returns the end of
/// the program text and the start of the path.
fn program_field(line: &[u8], start: usize) -> (usize, usize) {
    let field_end = start + PROGRAM_WIDTH;
    if line.len() <= field_end {
        return (trim_end(line, start), line.len());
    }
    if is_blank(line[field_end - 1]) {
        let program_end = start + crate::lex::trim_end_blanks(&line[start..field_end]).len();
        return (program_end, skip_blanks(line, field_end));
    }
    let word_stop = word_end(line, start);
    (word_stop, skip_blanks(line, word_stop))
}

/// [`endpoint_at`] with `VALUES`, else [`endpoint_end_at`] and a stand-in endpoint
/// (`*:*`), which only [`check_inet_row_through`]'s dropped row holds.
#[inline(always)]
fn endpoint_or_end<const VALUES: bool>(line: &[u8], pos: usize) -> Option<(Endpoint<'_>, usize)> {
    if VALUES {
        endpoint_at(line, pos)
    } else {
        let end = endpoint_end_at(line, pos)?;
        Some((Endpoint { host: Host::Any, port: Port::Any, maybe_truncated: false }, end))
    }
}

/// The endpoint that starts at `pos` and where it ends (at a blank or the line's end).
#[inline]
fn endpoint_at(line: &[u8], pos: usize) -> Option<(Endpoint<'_>, usize)> {
    endpoint_in(line, pos)
}

/// Where the endpoint that starts at `pos` ends, when [`endpoint_at`] reads one there: the
/// same reading, compiled without the values (an address's value was ~40 of the ~275
/// instructions an endpoint took). Out of line as `endpoint_at` is: inlined, both calls
/// made the row reader spill more than the call costs.
#[inline(never)]
fn endpoint_end_at(line: &[u8], pos: usize) -> Option<usize> {
    endpoint_in(line, pos).map(|(_, end)| end)
}

/// [`endpoint_at`]'s body, inlined into it and into [`endpoint_end_at`]. The commonest
/// forms, `a.b.c.d:port` and numeric IPv6 `addr:port` (or `:*`), are read in one pass
/// from the left; any other goes through [`endpoint`] once its end is known.
#[inline(always)]
fn endpoint_in(line: &[u8], pos: usize) -> Option<(Endpoint<'_>, usize)> {
    if let Some(found) = ipv4_endpoint_at(line, pos) {
        return Some(found);
    }
    if let Some((v6, port, end)) = ipv6_port_at(line, pos) {
        let port = port.map_or(Port::Any, Port::Number);
        let host = Host::Ip(IpAddr::V6(v6));
        return Some((Endpoint { host, port, maybe_truncated: end - pos == CUT_WIDTH }, end));
    }
    let end = word_end(line, pos);
    if end == pos {
        return None;
    }
    Some((endpoint(&line[pos..end])?, end))
}

/// `a.b.c.d:port` (one to five digits) or `a.b.c.d:*` at `pos`, canonical, followed by a
/// blank or the line's end: the same endpoint as [`endpoint`] reads (its IPv4 fast path).
#[inline]
fn ipv4_endpoint_at(line: &[u8], pos: usize) -> Option<(Endpoint<'_>, usize)> {
    let digit = |i: usize| line.get(i).map(|&b| b.wrapping_sub(b'0')).filter(|&d| d <= 9);
    let (v4, mut i) = ipv4_at(line, pos)?;
    if line.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let port = if line.get(i) == Some(&b'*') {
        i += 1;
        Port::Any
    } else if let Some(window) = line.get(i..i + 6).and_then(|w| <&[u8; 6]>::try_from(w).ok()) {
        // Where the line holds six bytes: no length check per digit.
        let (value, len) = port_digits(window)?;
        i += len;
        Port::Number(u16::try_from(value).ok()?)
    } else {
        let start = i;
        let mut value: u32 = 0;
        while let Some(d) = digit(i) {
            if i - start == 5 {
                return None;
            }
            value = value * 10 + u32::from(d);
            i += 1;
        }
        if i == start {
            return None;
        }
        Port::Number(u16::try_from(value).ok()?)
    };
    if line.get(i).is_some_and(|&b| !is_blank(b) && b != b'\n') {
        return None;
    }
    let host = Host::Ip(IpAddr::V4(v4));
    Some((Endpoint { host, port, maybe_truncated: false }, i))
}

/// The one to five digits that start `window`, and how many: `None` when it starts with
/// no digit or with six.
#[inline(always)]
fn port_digits(window: &[u8; 6]) -> Option<(u32, usize)> {
    let mut value = 0u32;
    for (k, &b) in window.iter().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return (k > 0).then_some((value, k));
        }
        value = value * 10 + u32::from(d);
    }
    None
}

/// Read `address:port` exactly as [`endpoint`](super::endpoint) does, for the forms this
/// reader handles: numeric IPv4 and IPv6 (embedded IPv4 included), `*`, host and service
/// names. `None` for the rest (cut or bracketed IPv6, non-canonical IPv4, bad bytes).
#[inline]
fn endpoint(text: &[u8]) -> Option<Endpoint<'_>> {
    let colon = text.iter().rposition(|&b| b == b':')?;
    let (host_text, port_text) = (&text[..colon], &text[colon + 1..]);
    let port = match port_text {
        b"*" => Port::Any,
        [] => return None,
        _ => match digits_value(port_text) {
            Some(value) if port_text.len() <= 5 => Port::Number(u16::try_from(value).ok()?),
            Some(_) => Port::Number(u16::try_from(number(port_text)?).ok()?),
            None if port_text.iter().all(|&b| is_name_byte(b)) => Port::Name(std::str::from_utf8(port_text).ok()?),
            None => return None,
        },
    };
    // Only a host with a colon can be read as IPv6 (eight groups, or `::`).
    let (host, v6_like) = if let Some(v6) = ipv6(host_text) {
        (Host::Ip(IpAddr::V6(v6)), true)
    } else if host_text.contains(&b':') {
        return None;
    } else {
        (endpoint_v4_or_name(host_text)?, false)
    };
    Some(Endpoint { host, port, maybe_truncated: v6_like && text.len() == CUT_WIDTH })
}

/// `None` when a byte of `text` is no decimal digit, else their value, exact for up to
/// nine digits (a port has five; longer runs wrap, and the caller reads them again with
/// [`number`]): one short loop that both checks and reads.
#[inline(always)]
fn digits_value(text: &[u8]) -> Option<u32> {
    let mut value = 0u32;
    for &b in text {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value.wrapping_mul(10).wrapping_add(u32::from(d));
    }
    Some(value)
}

/// A host without a colon: `*`, a dotted quad, or a name.
fn endpoint_v4_or_name(host_text: &[u8]) -> Option<Host<'_>> {
    Some(if host_text == b"*" {
        Host::Any
    } else if let Some(v4) = ipv4(host_text) {
        Host::Ip(IpAddr::V4(v4))
    } else if host_text.iter().all(|&b| is_name_byte(b)) && !host_text.iter().all(|&b| b.is_ascii_digit() || b == b'.')
    {
        // Not digits and dots only, so no IPv4 address (the only address without a colon).
        Host::Name(std::str::from_utf8(host_text).ok()?)
    } else {
        return None;
    })
}

/// Bytes of host and service names as resolvers print them (as in `addr.rs`).
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+' | b'/')
}

/// Eight copies of a byte, one per lane of a `u64`.
const fn lanes(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of each lane of `x` that is not zero (exact: no carry crosses lanes).
#[inline]
fn nonzero_lanes(x: u64) -> u64 {
    const LOW7: u64 = lanes(0x7f);
    ((x & LOW7).wrapping_add(LOW7) | x) & !LOW7
}

/// The eight bytes of `line` at `pos`, little-endian, if there are eight.
#[inline]
fn word_at(line: &[u8], pos: usize) -> Option<u64> {
    let chunk = line.get(pos..pos + 8)?;
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(chunk);
    Some(u64::from_le_bytes(bytes))
}

/// The first byte at or after `pos` that is not a blank (or the line's end). Padding is
/// spaces: eight of them are skipped at once, a tab byte by byte.
#[inline(always)]
fn skip_blanks(line: &[u8], mut pos: usize) -> usize {
    while let Some(w) = word_at(line, pos) {
        let other = nonzero_lanes(w ^ lanes(b' '));
        if other != 0 {
            let shift = other.trailing_zeros() & !7;
            pos += shift as usize / 8;
            // Padding is spaces: only a tab is looked at byte by byte. The byte is taken
            // from the word already loaded.
            if (w >> shift) as u8 != b'\t' {
                return pos;
            }
            break;
        }
        pos += 8;
    }
    while pos < line.len() && is_blank(line[pos]) {
        pos += 1;
    }
    pos
}

/// At least one blank at `pos`, then any more: where the next value starts.
#[inline]
fn blanks1(line: &[u8], pos: usize) -> Option<usize> {
    if pos < line.len() && is_blank(line[pos]) {
        Some(skip_blanks(line, pos + 1))
    } else {
        None
    }
}

/// The first blank or `\n` at or after `pos` (or the line's end): a word never runs into
/// the next line when the readers read through (a framed line has no `\n`).
#[inline(always)]
fn word_end(line: &[u8], mut pos: usize) -> usize {
    while let Some(w) = word_at(line, pos) {
        // The lanes below 0x21 (exact up to the first one: a borrow only leaves a lane
        // that is itself below): the blanks, `\n`, and other control bytes, which are
        // rare inside a word and looked at one by one.
        let low = w.wrapping_sub(lanes(0x21)) & !w & lanes(0x80);
        if low != 0 {
            let shift = low.trailing_zeros() & !7;
            pos += shift as usize / 8;
            if matches!((w >> shift) as u8, b' ' | b'\t' | b'\n') {
                return pos;
            }
            break;
        }
        pos += 8;
    }
    while pos < line.len() && !is_blank(line[pos]) && line[pos] != b'\n' {
        pos += 1;
    }
    pos
}

/// The end of `line[from..]` without its trailing blanks.
fn trim_end(line: &[u8], from: usize) -> usize {
    from + crate::lex::trim_end_blanks(&line[from..]).len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netstat::{inet_row, unix_row};
    use std::net::Ipv6Addr;

    fn same_inet(line: &str, layout: InetLayout) {
        let fast = fast_inet_row(line.as_bytes(), layout);
        assert!(fast.is_some(), "declined: {line}");
        assert_eq!(fast, inet_row(line.as_bytes(), layout).ok(), "{line}");
    }

    #[test]
    fn the_rows_of_the_reference_tests() {
        for line in [
            "tcp        0      0 192.168.0.1:53          192.168.0.53:53         ESTABLISHED 0          1817       12/dnsd              off (0.00/0/0)",
            "tcp        0      0 127.0.0.1:34645         0.0.0.0:*               LISTEN      0          19097      9064/zoo worker: ac  on (0.79/3/1)",
            "udpl6      0      0 ::1:45990               :::*                                0          19041      9020/python3         off (0.00/0/0)",
            "raw6   43520      0 :::58                   :::*                    7           0          8726       4479/python3         off (0.00/0/0)",
            "tcp   25229664      0 127.0.0.1:45678         127.0.0.1:35660         ESTABLISHED 0          19001      9020/python3         keepalive (7197.56/0/0)",
            "tcp        0      0 2001:db8:1234:5678:9abc::1:22 0.0.0.0:*         LISTEN      0          1003       901/foo              off (0.00/0/0)",
            "tcp        0      0 10.24.1.245:80          10.24.36.145:32790      SYN_RECV    0          0          -                    on (0.79/0/0)",
            "tcp        0      0 ::1:5432                :::*                    LISTEN      26         14071                           off (0.00/0/0)",
            "tcp6       0      0 ::ffff:127.0.0.1:7403   ::ffff:10.1.2.3:51234   ESTABLISHED 1000       555        77/java              keepalive (1.00/0/0)",
            "tcp        0      0 localhost:smtp          *:*                     LISTEN      root       14071      -                    off (0.00/0/0)",
        ] {
            same_inet(line, InetLayout::FULL);
        }
        let tulpn = InetLayout { user_inode: false, program: true, timer: false };
        same_inet(
            "udp        0      0 0.0.0.0:68              0.0.0.0:*                           611/dhclient        ",
            tulpn,
        );
        let an = InetLayout { user_inode: false, program: false, timer: false };
        same_inet("tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     ", an);
        same_inet("udp        0      0 0.0.0.0:68              0.0.0.0:*                          ", an);
    }

    #[test]
    fn the_timer_is_looked_for_where_netstat_puts_it_and_only_on_its_line() {
        let row = "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)";
        let text = format!("{row}\nx");
        let (fast, n) = fast_inet_row_through(text.as_bytes(), InetLayout::FULL).unwrap();
        assert_eq!(n, row.len() + 1);
        assert_eq!(Ok(fast), inet_row(row.as_bytes(), InetLayout::FULL));
        // A program of several words, and one cut by the line's end: the next line holds
        // a timer where this row's would be, which must not be taken.
        same_inet("tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       9/zoo worker: ac     on (0.79/3/1)", InetLayout::FULL);
        let cut = "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       9/a\n                 off (0.00/0/0)\n";
        assert_eq!(fast_inet_row_through(cut.as_bytes(), InetLayout::FULL), None);
        let cut = "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       9/a b\n               off (0.00/0/0)\n";
        assert_eq!(fast_inet_row_through(cut.as_bytes(), InetLayout::FULL), None);
        // Trailing blanks after the timer, a tab before it.
        same_inet("tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)   ", InetLayout::FULL);
        same_inet("tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd\t            off (0.00/0/0)", InetLayout::FULL);
    }

    #[test]
    fn no_state_word_starts_with_a_digit() {
        // `full_rest` takes a first word of digits for the user, not a state.
        for (word, _) in crate::netstat::words_data::TCP_STATES {
            assert!(!word.as_bytes()[0].is_ascii_digit(), "{word}");
        }
    }

    #[test]
    fn declines_what_it_does_not_handle() {
        let sctp = "sctp       0      0 127.0.0.1:5000          127.0.0.1:41000         ESTABLISHED 0          20458      812/sctp_darn        off (0.00/0/0)";
        assert_eq!(fast_inet_row(sctp.as_bytes(), InetLayout::FULL), None);
        let cut = "tcp6       0      0 fe80::fc:ff:fe00::45694 :::*                    LISTEN      0          1          -                    off (0.00/0/0)";
        assert!(inet_row(cut.as_bytes(), InetLayout::FULL).is_ok());
        assert_eq!(fast_inet_row(cut.as_bytes(), InetLayout::FULL), None);
        let bad = "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off";
        assert_eq!(fast_inet_row(bad.as_bytes(), InetLayout::FULL), None);
        assert_eq!(fast_inet_row(b"", InetLayout::FULL), None);
        assert_eq!(fast_unix_row(b"", UnixLayout { program: true }), None);
    }

    #[test]
    fn unix_rows_equal_the_reference() {
        let p = UnixLayout { program: true };
        for line in [
            &b"unix  2      [ ACC ]     STREAM     LISTENING     16411    738/NetworkManager   /var/run/NetworkManager/private"[..],
            b"unix  2      [ ]         DGRAM                    11776    1/systemd            /run/systemd/shutdownd",
            b"unix  3      [ ]         SEQPACKET  CONNECTED     9435317  50560/python3        ",
            b"unix  2      [ ACC W N ] STREAM     LISTENING     -        -                    @/tmp/x",
            b"unix  2      [ ]         STREAM     CONNECTED     1234     12345/a-really-quite-long /p",
        ] {
            let fast = fast_unix_row(line, p);
            assert!(fast.is_some(), "declined: {}", String::from_utf8_lossy(line));
            assert_eq!(fast, unix_row(line, p).ok());
        }
    }

    #[test]
    fn ipv6_forms_agree_with_the_standard_parser() {
        for text in [
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "fd00::ab:cd",
            "::ffff:127.0.0.1",
            "1:2:3:4:5:6:1.2.3.4",
            "1::2:3",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            ":1::",
            "1:",
            "12345::",
            "::1.2.3",
            "::01.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "1:2:3:4:5:6::1.2.3.4",
            "::1:2:3:4:5:6:1.2.3.4",
            "ABCD::Ef",
        ] {
            let std = text.parse::<Ipv6Addr>().ok();
            let fast = ipv6(text.as_bytes());
            assert!(fast.is_none() || fast == std, "{text}: {fast:?} vs {std:?}");
        }
    }
}
