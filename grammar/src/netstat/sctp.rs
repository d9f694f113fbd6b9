//! Multi-homed sctp rows: one row printed on several lines.
//!
//! net-tools prints an sctp endpoint or association with several addresses as its first
//! line, then one line per further address: 20 blanks, then (endpoint) the next
//! `address:port` in a 47-wide field, or (association) the next local address in a 23-wide
//! field, a blank and the next remote address in another (either may be blank when one side
//! has fewer addresses). The `User`/`Inode`/`PID/Program name` columns (`finish_this_one`)
//! come once, at the end of the *last* line; the Timer is always empty for sctp.
//!
//! ```text
//! sctp       0      0 10.0.0.1:5000           10.0.0.2:41000          ESTABLISHED
//!                     10.0.1.1                10.0.1.2                            0          20458      812/sctp_darn
//! ```
//!
//! The lines are read together as one row whose `line` is all of them joined by `\n`, as
//! printed; [`more_addresses`] lists the addresses of the continuation lines.

use super::inet::{inet_row, InetCol, InetLayout, InetRow};
use super::owner::{Owner, User};
use crate::lex::{parse_u64, trim_end_blanks};
use crate::LineError;

/// The blanks that start a continuation line.
const INDENT: usize = 20;

/// Is `line` a continuation line of a multi-homed sctp row: 20 blanks, then an address?
///
/// ```
/// use netsift_grammar::netstat::sctp_continuation;
/// assert!(sctp_continuation(b"                    10.0.1.1                10.0.1.2"));
/// assert!(!sctp_continuation(b"sctp       0      0 10.0.0.1:5000           10.0.0.2:41000          ESTABLISHED"));
/// assert!(!sctp_continuation(b"                         "));
/// ```
pub fn sctp_continuation(line: &[u8]) -> bool {
    line.len() > INDENT && line[..INDENT].iter().all(|&b| b == b' ') && line[INDENT..].iter().any(|&b| b != b' ')
}

/// Parse an sctp row: its first line, and its continuation lines after `\n`s (none for a
/// row with one address each side, which is read as any row of the table).
///
/// ```
/// use netsift_grammar::netstat::{sctp_row, more_addresses, InetLayout, Owner};
/// let row = "sctp       0      0 10.0.0.1:5000           10.0.0.2:41000          ESTABLISHED\n                    10.0.1.1                10.0.1.2                            0          20458      812/sctp_darn        ";
/// let layout = InetLayout { user_inode: true, program: true, timer: false };
/// let r = sctp_row(row.as_bytes(), layout).unwrap();
/// assert_eq!((r.inode, r.owner), (Some(20458), Some(Owner::Process { pid: 812, name: b"sctp_darn" })));
/// let more: Vec<_> = more_addresses(&r).collect();
/// assert_eq!(more, [(Some(&b"10.0.1.1"[..]), Some(&b"10.0.1.2"[..]))]);
/// ```
pub fn sctp_row(text: &[u8], layout: InetLayout) -> Result<InetRow<'_>, LineError> {
    let Some(first_end) = text.iter().position(|&b| b == b'\n') else {
        // net-tools prints an empty Timer for sctp, even with `-o`.
        return inet_row(text, layout).or_else(|error| {
            if !layout.timer {
                return Err(error);
            }
            let untimed = inet_row(text, InetLayout { timer: false, ..layout }).map_err(|_| error)?;
            Ok(InetRow { layout, ..untimed })
        });
    };
    // The first line holds the columns up to the State, nothing after it.
    let bare = InetLayout { user_inode: false, program: false, timer: false };
    let first = inet_row(&text[..first_end], bare)?;
    let mut row = InetRow { line: text, layout, ..first };
    let last_start = text.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    for (start, line) in continuation_lines(text) {
        if !sctp_continuation(line) {
            return Err(LineError::new(start, "a continuation line of the sctp row (20 blanks, an address)"));
        }
    }
    let last = &text[last_start..];
    let (_, after_addresses) = addresses_of(last, row.foreign.is_none());
    let tail_start = last_start + after_addresses;
    let mut words = split(&text[tail_start..]).map(|(at, w)| (tail_start + at, w));
    let end_of_tail = last_start + trim_end_blanks(last).len();
    if layout.user_inode {
        let (at, u) = words.next().ok_or_else(|| LineError::new(end_of_tail, "a user"))?;
        row.user = Some(User::parse(u));
        row.spans[InetCol::User as usize] = (at as u32, (at + u.len()) as u32);
        let (at, n) = words.next().ok_or_else(|| LineError::new(end_of_tail, "an inode number"))?;
        row.inode = Some(parse_u64(n).ok_or_else(|| LineError::new(at, "an inode number"))?);
        row.spans[InetCol::Inode as usize] = (at as u32, (at + n.len()) as u32);
    } else {
        row.spans[InetCol::User as usize] = (end_of_tail as u32, end_of_tail as u32);
        row.spans[InetCol::Inode as usize] = (end_of_tail as u32, end_of_tail as u32);
    }
    if layout.program {
        let start = words.next().map_or(end_of_tail, |(at, _)| at);
        row.owner = Some(Owner::parse(&text[start..end_of_tail]));
        row.spans[InetCol::Program as usize] = (start as u32, end_of_tail as u32);
    } else if let Some((at, _)) = words.next() {
        return Err(LineError::new(at, "the end of the row"));
    } else {
        row.spans[InetCol::Program as usize] = (end_of_tail as u32, end_of_tail as u32);
    }
    // sctp prints an empty timer.
    row.timer = None;
    row.spans[InetCol::Timer as usize] = (end_of_tail as u32, end_of_tail as u32);
    Ok(row)
}

/// The further addresses of a multi-homed sctp row, one pair per continuation line: (local,
/// remote) for an association, (address with its port, `None`) for an endpoint; a side is
/// `None` when it has no more addresses.
pub fn more_addresses<'a>(row: &InetRow<'a>) -> impl Iterator<Item = AddressPair<'a>> + 'a {
    let endpoint = row.foreign.is_none();
    continuation_lines(row.line).map(move |(_, line)| addresses_of(line, endpoint).0)
}

/// The lines after the first, with where each starts.
fn continuation_lines(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let rest_start = text.iter().position(|&b| b == b'\n').map(|p| p + 1);
    let rest = rest_start.map_or(&[][..], |s| &text[s..]);
    let mut at = rest_start.unwrap_or(0);
    rest.split(|&b| b == b'\n').filter(move |_| rest_start.is_some()).map(move |line| {
        let start = at;
        at += line.len() + 1;
        (start, line)
    })
}

/// The further (local, remote) addresses of one continuation line of a multi-homed sctp
/// row (see [`more_addresses`]).
pub type AddressPair<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

/// The addresses of one continuation line, and where what follows them starts. An
/// endpoint's line has one address (with its port) at column 20; an association's has the
/// local address at column 20 and the remote one after the 23-wide local field, either of
/// them blank.
fn addresses_of(line: &[u8], endpoint: bool) -> (AddressPair<'_>, usize) {
    let mut words = split(line).peekable();
    let mut local = None;
    let mut end = INDENT.min(line.len());
    if let Some(&(at, w)) = words.peek() {
        if at == INDENT {
            local = Some(w);
            end = at + w.len();
            words.next();
        }
    }
    if endpoint {
        return ((local, None), end);
    }
    let mut remote = None;
    if let Some(&(at, w)) = words.peek() {
        if looks_like_address(w) {
            remote = Some(w);
            end = at + w.len();
        }
    }
    ((local, remote), end)
}

/// An address as netstat prints it: an IP literal or a host name, with a dot or a colon
/// (a user name, an inode or a `pid/program` has neither, or a slash).
fn looks_like_address(w: &[u8]) -> bool {
    w.iter().any(|&b| b == b'.' || b == b':') && !w.contains(&b'/')
}

/// Blank-separated words with their offsets.
fn split(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < text.len() && text[pos] == b' ' {
            pos += 1;
        }
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        while pos < text.len() && text[pos] != b' ' {
            pos += 1;
        }
        Some((start, &text[start..pos]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netstat::{InetState, TcpState};

    /// net-tools 2.10's `sctp_eps_do_one` / `sctp_assoc_do_one` and `finish_this_one`.
    fn eps(addrs: &[&str], tail: &str) -> String {
        let mut s = String::new();
        for (i, a) in addrs.iter().enumerate() {
            s.push_str(if i == 0 { "sctp                " } else { "\n                    " });
            s.push_str(&format!("{a:<47}"));
            s.push_str(&format!(" {:<11}", if i == 0 { "LISTEN" } else { "" }));
        }
        s + tail
    }

    fn assoc(pairs: &[(&str, &str)], tail: &str) -> String {
        let mut s = String::new();
        for (i, (l, r)) in pairs.iter().enumerate() {
            s.push_str(if i == 0 { "sctp       0      0 " } else { "\n                    " });
            s.push_str(&format!("{l:<23} {r:<23}"));
            s.push_str(&format!(" {:<11}", if i == 0 { "ESTABLISHED" } else { "" }));
        }
        s + tail
    }

    const FULL: InetLayout = InetLayout { user_inode: true, program: true, timer: true };

    #[test]
    fn multi_homed_endpoint() {
        let text = eps(
            &["10.0.0.1:5000", "10.0.1.1:5000", "192.168.7.1:5000"],
            " 0          20457      812/sctp_darn        ",
        );
        let r = sctp_row(text.as_bytes(), FULL).unwrap();
        assert_eq!(r.state, InetState::Known(TcpState::Listen));
        assert_eq!((r.foreign, r.inode, r.timer), (None, Some(20457), None));
        assert_eq!(r.owner, Some(Owner::Process { pid: 812, name: b"sctp_darn" }));
        assert_eq!(r.column(InetCol::Local), b"10.0.0.1:5000");
        assert_eq!(r.column(InetCol::Program), b"812/sctp_darn");
        let more: Vec<_> = more_addresses(&r).collect();
        assert_eq!(more, [(Some(&b"10.0.1.1:5000"[..]), None), (Some(&b"192.168.7.1:5000"[..]), None)]);
    }

    #[test]
    fn multi_homed_association_with_uneven_sides() {
        let text = assoc(
            &[("10.0.0.1:5000", "10.0.0.2:41000"), ("10.0.1.1", "10.0.1.2"), ("", "10.0.2.2")],
            " 0          20458      812/sctp_darn        ",
        );
        let r = sctp_row(text.as_bytes(), FULL).unwrap();
        assert_eq!((r.recv_q, r.send_q, r.inode), (Some(0), Some(0), Some(20458)));
        assert_eq!(r.user, Some(User::Uid(0)));
        let more: Vec<_> = more_addresses(&r).collect();
        assert_eq!(more, [(Some(&b"10.0.1.1"[..]), Some(&b"10.0.1.2"[..])), (None, Some(&b"10.0.2.2"[..]))]);
        // Without -e/-p: nothing follows the addresses.
        let text = assoc(&[("10.0.0.1:5000", "10.0.0.2:41000"), ("10.0.1.1", "")], "");
        let bare = InetLayout { user_inode: false, program: false, timer: false };
        let r = sctp_row(text.as_bytes(), bare).unwrap();
        assert_eq!(more_addresses(&r).collect::<Vec<_>>(), [(Some(&b"10.0.1.1"[..]), None)]);
        assert!(sctp_row(text.as_bytes(), FULL).is_err(), "the user is missing");
    }

    #[test]
    fn one_line_rows_are_plain_rows() {
        let line = "sctp       0      0 127.0.0.1:5000          127.0.0.1:41000         ESTABLISHED 0          20458      812/sctp_darn        ";
        let layout = InetLayout { user_inode: true, program: true, timer: false };
        assert_eq!(sctp_row(line.as_bytes(), layout), inet_row(line.as_bytes(), layout));
        assert_eq!(more_addresses(&sctp_row(line.as_bytes(), layout).unwrap()).count(), 0);
    }
}
