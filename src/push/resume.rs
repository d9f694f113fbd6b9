//! Reading an output whose front was cut off.
//!
//! sosreport keeps only the tail of a command's output when it is larger than its size
//! limit, so the file starts in the middle of a line, and the title and header that say
//! what the rows are were never written. The command is known from the file's name; what
//! is unknown is whether the first line is whole. [`Front`] answers that for the first
//! line (and the continuation lines of a cut ss socket after it), then steps aside:
//!
//! - a first line that opens the format (a title, a header, a notice), that is blank, or
//!   that reads as a whole row of the command's table is kept, as in any input;
//! - any other first line is the cut one: it becomes one [`Malformed`] event whose
//!   `expected` is [`CUT_LINE`], and is not parsed;
//! - for ss, the TAB-led continuation lines right after a cut line belong to the cut
//!   socket: they are accounted as continuations, without events.
//!
//! The machines then read the rows as they do in headerless output (ss sniffs the first
//! row's columns, netstat -s reads counters outside a section); the netstat machine is
//! told to accept rows before any title (see `NetstatMachine::resumed`).

use netsift_grammar::netstat::{self as netstat_grammar, InetLayout, TableKind, UnixLayout};
use netsift_grammar::{netstat_s, ss};

use super::{LineStats, Position, Sink};
use crate::events::{Event, EventKind, Malformed, Problem};
use crate::format::Format;

/// What a [`Malformed`] event for the cut first line of a resumed input expects: a
/// consumer can tell the cut line from a line that did not parse by comparing with this.
pub const CUT_LINE: &str = "a whole line (the input begins inside this one: its front was cut off)";

/// Where a resumed input's parser is in its first lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Front {
    /// Nothing to decide: a whole input, or past the first line.
    Settled,
    /// The first line of a resumed input of this format has not arrived yet.
    FirstLine(Format),
    /// The first line was cut: TAB-led lines still belong to it (ss).
    AfterCut,
}

impl Front {
    /// Look at `line` before the machine does; true when it was taken (the cut line or a
    /// continuation of it), false when the machine should read it.
    pub(super) fn take<S: Sink + ?Sized>(
        &mut self,
        line: &[u8],
        at: Position,
        stats: &mut LineStats,
        sink: &mut S,
    ) -> bool {
        match *self {
            Front::Settled => false,
            Front::FirstLine(format) => {
                if is_whole_first_line(format, line) {
                    *self = Front::Settled;
                    return false;
                }
                *self = if matches!(format, Format::Ss | Format::SsTulpn) { Front::AfterCut } else { Front::Settled };
                stats.malformed += 1;
                let problem = Problem::Grammar { column: 0, expected: CUT_LINE };
                sink.event(Event { at, capture: 1, kind: EventKind::Malformed(Malformed { raw: line, problem }) });
                true
            }
            Front::AfterCut => {
                if line.first() == Some(&b'\t') {
                    stats.continuations += 1;
                    return true;
                }
                *self = Front::Settled;
                false
            }
        }
    }
}

/// Is the first line of a resumed input whole: an opening line of the format, a blank
/// line, or a whole row of the command's table?
fn is_whole_first_line(format: Format, line: &[u8]) -> bool {
    if line.iter().all(|&b| b == b' ' || b == b'\t') {
        return true;
    }
    match format {
        Format::Auto => true,
        Format::Netstat => {
            super::netstat::NetstatMachine::starts(line)
                || netstat_grammar::header(TableKind::Inet, line).is_some()
                || netstat_grammar::header(TableKind::Unix, line).is_some()
                || netstat_grammar::notice(line).is_some()
                || netstat_grammar::inet_row(line, InetLayout::FULL).is_ok()
                || netstat_grammar::unix_row(line, UnixLayout { program: true }).is_ok()
        }
        // Both commands whose outputs are cut print the Netid column: a row without one
        // is the tail of a row whose netid was cut off.
        Format::Ss | Format::SsTulpn => {
            super::ss::SsMachine::starts(line) || ss::notice(line).is_some() || ss::sniff(line).is_some_and(|c| c.netid)
        }
        // Counter lines are indented by four blanks (histogram lines by eight), and words
        // are one blank apart: a line that begins with two blanks lost only blanks.
        Format::NetstatS => {
            line.starts_with(b"  ")
                || super::netstat_s::NetstatSMachine::starts(line)
                || matches!(netstat_s::classify(line), Ok(netstat_s::StatLine::Notice(n)) if n.kind != netstat_s::NoticeKind::Other)
        }
        // A cut row of these still reads as a row (`eth0` cut to `th0`): only an opening
        // line is whole.
        Format::ProcNetstat | Format::ProcSnmp => super::proc_net::ProcNetMachine::starts(line),
        Format::NetstatI => super::netstat_i::NetstatIMachine::starts(line),
        Format::NetstatAgn => super::netstat_agn::NetstatAgnMachine::starts(line),
        // A whole kernel row starts with its slot right-aligned in four or five columns
        // (so with a blank below slot 1000), or with a pointer of 8 or 16 hex digits.
        Format::ProcNetInet(proto) => {
            netsift_grammar::proc_inet::header(line).is_some()
                || ((line.starts_with(b" ") || line.iter().take_while(|b| b.is_ascii_digit()).count() >= 4)
                    && netsift_grammar::proc_inet::row(line, proto).is_ok())
        }
        Format::ProcNetUnix => {
            let pointer = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
            netsift_grammar::proc_unix::header(line)
                || (matches!(pointer, 8 | 16) && netsift_grammar::proc_unix::row(line).is_ok())
        }
        // Issue 13, counters. A cut name still reads as a name (`tExtTW`): a row is whole
        // when its name begins with a kernel section.
        Format::Nstat => {
            super::nstat::NstatMachine::starts(line)
                || netsift_grammar::nstat::row(line).is_ok_and(|r| r.split().is_some())
        }
        Format::ProcSnmp6 => netsift_grammar::snmp6::row(line).is_ok_and(|r| r.split().is_some()),
        Format::Sockstat => super::sockstat::SockstatMachine::starts(line),
        Format::ProcNetDev => super::proc_net_dev::ProcNetDevMachine::starts(line),
    }
}
