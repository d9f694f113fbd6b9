//! `netsift report`: a summary for a person of any input netsift reads: what listens, what
//! is connected and stuck, which trouble counters moved and when, which interfaces drop.
//!
//! Built on event kinds, not formats: `inet_conn` and `ss_socket` rows, `counter`s,
//! `interface` rows and `notice`s, from whichever source produced them. The work is split:
//!
//! - [`Report`] (this module) folds events as they stream: one [`Source`] per file or
//!   archive member; memory is bounded whatever the input's size (top-K tables, capped
//!   lists, time series thinned when they grow long);
//! - [`Report::finish`] turns it into a [`Summary`] ([`summary`]): the sections, and notes
//!   where the sources disagree or are missing;
//! - [`text`], [`json`] and [`html`] render a summary.

pub mod catalog;
mod fold;
pub mod html;
pub mod json;
pub mod summary;
pub mod text;

pub use fold::{Report, Source};
pub use summary::Summary;

/// How much the report keeps, whatever the input's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Distinct keys a top-K table (peers, programs) counts exactly; beyond it the counts
    /// are approximate (space-saving), and the summary says so.
    pub top_keys: usize,
    /// Listeners listed (the others are counted).
    pub listeners: usize,
    /// Sockets with non-zero queues listed, the largest first (the others are counted).
    pub queues: usize,
    /// Points of a time series before it is thinned to half (every other capture).
    pub points: usize,
    /// Distinct counter names followed per source (a kernel has a few hundred).
    pub counters: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { top_keys: 4096, listeners: 1000, queues: 25, points: 512, counters: 1024 }
    }
}
