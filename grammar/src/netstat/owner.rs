//! The `User` and `PID/Program name` columns.

use crate::lex::{all_digits, parse_u64};

/// The `User` column (`-e`): a uid with `-n`, a user name without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum User<'a> {
    /// Numeric user id.
    Uid(u32),
    /// A user name (output taken without `-n`).
    Name(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

impl<'a> User<'a> {
    /// Read a `User` value.
    pub fn parse(text: &'a [u8]) -> User<'a> {
        match parse_u64(text).and_then(|v| u32::try_from(v).ok()) {
            Some(uid) => User::Uid(uid),
            None => User::Name(text),
        }
    }
}

/// The `PID/Program name` column (`-p`).
///
/// netstat builds it as `pid/name` in a 20-byte buffer, so the name is cut at 19 bytes in
/// total, possibly inside a UTF-8 character, and may hold blanks, colons and slashes
/// (`5312/nginx: master`, `600/sshd: /usr/sbin`). It splits at the *first* slash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Owner<'a> {
    /// `-`: the owner is not visible (not root, kernel socket, TIME_WAIT).
    Hidden,
    /// `pid/name`.
    Process {
        /// The process id.
        pid: u32,
        /// The program name as printed: raw bytes, possibly cut, possibly empty.
        #[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))]
        name: &'a [u8],
    },
    /// Anything else that was printed there (a bare number, a bare name, nothing).
    Other(#[cfg_attr(feature = "serde", serde(serialize_with = "crate::ser::bytes"))] &'a [u8]),
}

impl<'a> Owner<'a> {
    /// Read a `PID/Program name` value (already trimmed).
    ///
    /// ```
    /// use netsift_grammar::netstat::Owner;
    /// assert_eq!(Owner::parse(b"12387/Passenger Rac"), Owner::Process { pid: 12387, name: b"Passenger Rac" });
    /// assert_eq!(Owner::parse(b"-"), Owner::Hidden);
    /// ```
    pub fn parse(text: &'a [u8]) -> Owner<'a> {
        if text == b"-" {
            return Owner::Hidden;
        }
        if let Some(slash) = text.iter().position(|&b| b == b'/') {
            let pid = &text[..slash];
            if all_digits(pid) {
                if let Some(pid) = parse_u64(pid).and_then(|p| u32::try_from(p).ok()) {
                    return Owner::Process { pid, name: &text[slash + 1..] };
                }
            }
        }
        Owner::Other(text)
    }

    /// True when `word` can begin a `PID/Program name` value: `-` or `digits/…`.
    pub fn starts(word: &[u8]) -> bool {
        if word == b"-" {
            return true;
        }
        match word.iter().position(|&b| b == b'/') {
            Some(slash) => all_digits(&word[..slash]),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners() {
        assert_eq!(Owner::parse(b"600/sshd: /usr/sbin"), Owner::Process { pid: 600, name: b"sshd: /usr/sbin" });
        assert_eq!(
            Owner::parse(b"9068/zoo-\xc3\xbcnicode-\xcf"),
            Owner::Process { pid: 9068, name: b"zoo-\xc3\xbcnicode-\xcf" }
        );
        assert_eq!(Owner::parse(b"42/"), Owner::Process { pid: 42, name: b"" });
        assert_eq!(Owner::parse(b"1279"), Owner::Other(b"1279"));
        assert_eq!(Owner::parse(b"mongod"), Owner::Other(b"mongod"));
        assert_eq!(Owner::parse(b""), Owner::Other(b""));
        assert_eq!(Owner::parse(b"99999999999/x"), Owner::Other(b"99999999999/x"));
    }

    #[test]
    fn owner_starts() {
        assert!(Owner::starts(b"-"));
        assert!(Owner::starts(b"12/dnsd"));
        assert!(!Owner::starts(b"LISTEN"));
        assert!(!Owner::starts(b"7"));
        assert!(!Owner::starts(b"/x"));
    }

    #[test]
    fn users() {
        assert_eq!(User::parse(b"996"), User::Uid(996));
        assert_eq!(User::parse(b"systemd-resolve"), User::Name(b"systemd-resolve"));
    }
}
