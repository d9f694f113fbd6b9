//! The line grammar of the outputs netsift reads: what one line *is*.
//!
//! This crate knows nothing about files, chunks or state across lines. Each function takes
//! one complete line (without its line ending) and says what it holds: a title, a header,
//! a typed row, a notice. The push parser in the `netsift` crate decides which function to
//! call for which line; this crate only answers "what does this line say".
//!
//! Rows are tokenised by the *shape* of their values, anchored from the left and from the
//! right, never by the header's column offsets: real rows overflow their columns.
//!
//! Every parser works on bytes, because process names and socket paths are arbitrary bytes,
//! and borrows from the line it was given: nothing allocates on the happy path.
//!
//! ```
//! use netsift_grammar::netstat::{self, InetLayout, Proto};
//!
//! let line = b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          1578       900/sshd             off (0.00/0/0)";
//! let row = netstat::inet_row(line, InetLayout::FULL).unwrap();
//! assert_eq!(row.proto, Proto::Tcp);
//! assert_eq!(row.local.port.number(), Some(22));
//! ```

// Every public item says what it is for: CI (clippy -D warnings) holds it.
#![warn(missing_docs)]

pub mod error;
pub mod flat_name;
mod ip;
pub mod lex;
pub mod map_bytes;
pub mod netstat;
pub mod netstat_agn;
pub mod netstat_i;
pub mod netstat_s;
pub mod nstat;
pub mod proc_inet;
pub mod proc_net;
pub mod proc_net_dev;
pub mod proc_unix;
#[cfg(feature = "serde")]
pub mod ser;
pub mod snmp6;
pub mod sockstat;
pub mod ss;

pub use error::LineError;
pub use map_bytes::MapBytes;

/// A line (or part of one) with its byte offset from the start of the line, so that an
/// error can point at the column where the grammar stopped.
pub type Span<'a> = nom_locate::LocatedSpan<&'a [u8]>;
