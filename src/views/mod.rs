//! Thin aggregators over the event stream: the lookup views of insights'
//! `insights.parsers.netstat`, with the same names and answers, typed and fast.
//!
//! A view keeps owned copies of only what it answers with; the small ones
//! ([`ListeningPids`], [`RunningProcesses`]) keep just their answer, so a multi-gigabyte
//! input needs no more memory than that.

pub mod netstat;
pub mod netstat_agn;
pub mod netstat_i;
pub mod netstat_s;
pub mod proc_net;
pub mod search;
pub mod ss;

pub use netstat::{CaptureSelect, ListeningPids, NetstatView, RunningProcesses};
