//! netsift reads what `netstat` and `ss` print, and the `/proc/net` counter files, as a
//! streaming push parser: bytes in, in chunks of any size; typed events out; memory flat
//! whatever the input size.
//!
//! The layers, in the order data flows through them:
//!
//! - [`netsift_grammar`] — what one line is (nom combinators, no I/O);
//! - [`push`] — framing bytes into lines, and the per-format state machine;
//! - [`events`] — the typed events, and their JSON form;
//! - [`views`] — the insights-compatible lookup views built from events;
//!
//! and beside them [`source`] (decompression, archive members) and [`embed`] (owned
//! events, `read_events`, the tokio codec, serde).
//!
//! ```
//! use netsift::{EventKind, Format, PushParser};
//!
//! let capture = std::fs::read("examples/netstat-neopa.txt").unwrap();
//! let mut parser = PushParser::new(Format::Auto);
//! let mut listeners = 0;
//! let mut count = |ev: netsift::Event<'_>| {
//!     if let EventKind::InetConn(c) = ev.kind {
//!         if c.state == netsift::events::InetState::Known(netsift::events::TcpState::Listen) {
//!             listeners += 1;
//!         }
//!     }
//! };
//! for chunk in capture.chunks(4096) {
//!     parser.feed(chunk, &mut count);
//! }
//! parser.finish(&mut count);
//! assert!(listeners > 0);
//! ```

// Every public item says what it is for: CI (clippy -D warnings) holds it.
#![warn(missing_docs)]

pub mod embed;
pub mod events;
pub mod format;
pub mod json;
pub mod push;
pub mod report;
pub mod source;
pub mod views;

// The paths that programs already use.
#[cfg(feature = "tokio")]
pub use embed::codec;
#[cfg(feature = "serde")]
pub use embed::ser;
pub use embed::{owned, read};
pub use source::{archive, input};

pub use events::{Event, EventKind};
pub use format::Format;
pub use netsift_grammar;
pub use owned::{OwnedEvent, OwnedEvents};
pub use push::{PushParser, Sink};
pub use read::{read_events, ReadEvents};
