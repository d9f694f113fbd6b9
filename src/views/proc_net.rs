//! The lookup view of insights' `ProcNsat` parser (`/proc/net/netstat`), built from events,
//! and the `(section, name)` lookup of every counter, which `netsift stat` answers from.
//!
//! - `data` is insights' answer: name → value (a string) of the first two pairs of the
//!   capture (`TcpExt` and `IpExt` in /proc/net/netstat), the second pair winning on a
//!   name both have. [`ProcNetstatView::get_stats`] with a bare name looks there, as
//!   insights' `get_stats` does.
//! - Beyond insights, every counter of every section (`MPTcpExt`, all of /proc/net/snmp) is
//!   kept by `(section, name)`: `get_stats("MPTcpExt:MPCapableSYNRX")`.
//!
//! The view also reads `netstat -s` events: there `data` holds the `TcpExt` and `IpExt`
//! counters by kernel name, and `Section:Name` reaches every counter the sentence table
//! maps (`Tcp:ActiveOpens` from `236 active connection openings`). Unmapped sentences have
//! no name and are not reachable.
//!
//! # insights' documented example, reproduced
//!
//! The sample of insights' `ProcNsat` docstring, and what its doctest asserts:
//!
//! ```
//! use netsift::views::{netstat::CaptureSelect, proc_net::ProcNetstatView};
//! use netsift::Format;
//! let input = std::fs::read("tests/fixtures/insights/fixtures/proc-netstat-docs-sample.txt").unwrap();
//! let mut pnstat = ProcNetstatView::new(CaptureSelect::Last);
//! netsift::input::parse_reader(&input[..], Format::ProcNetstat, &mut pnstat).unwrap();
//! assert_eq!(pnstat.data_len(), 132); // len(pnstat.data) == 132
//! assert_eq!(pnstat.get_stats("ReasmOverlaps"), Some(100));
//! assert_eq!(pnstat.get_stats("EmbryonicRsts"), Some(40));
//! ```

use super::netstat::CaptureSelect;
use super::netstat_s::OrderedMap;
use super::{Spill, Spool};
use crate::events::{Counter, CounterSource, Event, EventKind, Table};
use crate::json::{self, Object};

/// The counters of one capture.
#[derive(Debug, Clone, Default)]
struct Capture {
    number: u32,
    /// insights' `data`: name → value.
    data: OrderedMap<i128>,
    /// /proc pairs (sections) seen so far in this capture.
    pairs: u32,
    /// Every named counter: section → name → value.
    sections: OrderedMap<OrderedMap<i128>>,
}

/// The `ProcNsat` view: `data`, `get_stats`, and every counter by `(section, name)`.
///
/// ```
/// use netsift::views::proc_net::ProcNetstatView;
/// use netsift::{Format, PushParser};
/// let input = b"TcpExt: SyncookiesSent EmbryonicRsts\nTcpExt: 0 40\nIpExt: ReasmOverlaps\nIpExt: 100\n\
/// MPTcpExt: MPCapableSYNRX\nMPTcpExt: 7\n";
/// let mut view = ProcNetstatView::default();
/// let mut parser = PushParser::new(Format::ProcNetstat);
/// parser.feed(input, &mut view);
/// parser.finish(&mut view);
/// assert_eq!(view.get_stats("EmbryonicRsts"), Some(40));
/// assert_eq!(view.get_stats("MPCapableSYNRX"), None); // insights reads two pairs only
/// assert_eq!(view.get_stats("MPTcpExt:MPCapableSYNRX"), Some(7));
/// ```
#[derive(Debug, Clone, Default)]
pub struct ProcNetstatView {
    select: CaptureSelect,
    /// With `CaptureSelect::All`: every capture, built as it comes.
    captures: Vec<Capture>,
    /// Otherwise: the steps of the one capture that may be described, built into its
    /// maps only when asked (an earlier capture of a periodic log costs a copy of its
    /// names, no more), and that capture once built.
    kept: KeptSteps,
    built: std::cell::OnceCell<Option<Capture>>,
}

/// What a capture's maps are built from: a /proc pair starts, or a named counter.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Pair,
    Counter { source: CounterSource, section: &'a [u8], name: &'a [u8], value: i128 },
}

impl Capture {
    fn apply(&mut self, step: Step<'_>) {
        match step {
            Step::Pair => self.pairs = self.pairs.saturating_add(1),
            Step::Counter { source, section, name, value } => {
                let in_data = match source {
                    CounterSource::Proc => (1..=2).contains(&self.pairs),
                    CounterSource::NetstatS | CounterSource::Nstat => section == b"TcpExt" || section == b"IpExt",
                    CounterSource::Snmp6 | CounterSource::Sockstat => false,
                };
                if in_data {
                    self.data.insert(name.to_vec(), value);
                }
                self.sections.entry_or_insert_with(section, OrderedMap::new).insert(name.to_vec(), value);
            }
        }
    }
}

/// The steps of one capture. A /proc pair keeps its two lines, copied once, and how many
/// of the counters they hold came as events: its counters are read again from the lines
/// when the capture is built (`push::read_pair`), so that a counter of a periodic log's
/// earlier capture costs a few compares, nothing more. Any other counter keeps copies of
/// its section and name.
#[derive(Debug, Clone, Default)]
struct KeptSteps {
    number: Option<u32>,
    text: Vec<u8>,
    steps: Vec<KeptStep>,
    /// The pair of the last step while its counters come.
    open: Option<OpenPair>,
}

/// The pair whose counters are coming: its values line as their events hold it (address
/// and length, compared, never read), its capture, and the position of the counter that
/// would be its next.
#[derive(Debug, Clone, Copy)]
struct OpenPair {
    addr: usize,
    len: usize,
    capture: u32,
    next: u32,
}

/// A step of [`KeptSteps`]: ranges of its `text`.
#[derive(Debug, Clone, Copy)]
enum KeptStep {
    /// A /proc pair starts: its names line; its values line once its first counter came,
    /// and the counters at positions `1..=taken` of those lines are the ones that came
    /// (while the pair is open, [`OpenPair::next`] counts them).
    Pair { names: Option<(usize, usize)>, values: Option<(usize, usize)>, taken: u32 },
    /// Any other named counter.
    Counter { source: CounterSource, section: (usize, usize), name: (usize, usize), value: i128 },
}

impl KeptSteps {
    /// Start capture `number` unless it is the one kept.
    fn at(&mut self, number: u32) {
        self.close();
        if self.number != Some(number) {
            // Emptied, not freed: the next capture re-uses the memory.
            self.text.clear();
            self.steps.clear();
            self.number = Some(number);
        }
    }

    /// The open pair's counters have all come: their count goes to its step.
    fn close(&mut self) {
        if let (Some(open), Some(KeptStep::Pair { taken, .. })) = (self.open.take(), self.steps.last_mut()) {
            *taken = open.next - 1;
        }
    }

    /// Copy `bytes` to the end of `text`: their range there.
    fn copy(&mut self, bytes: &[u8]) -> (usize, usize) {
        let start = self.text.len();
        self.text.extend_from_slice(bytes);
        (start, self.text.len())
    }

    /// A /proc pair of capture `number` starts, with its names line.
    fn pair(&mut self, number: u32, names: Option<&[u8]>) {
        self.at(number);
        let names = names.map(|n| self.copy(n));
        self.steps.push(KeptStep::Pair { names, values: None, taken: 0 });
    }

    /// Whether `counter`, of capture `number`, is the open pair's next (then counted).
    #[inline(always)]
    fn next_of_pair(&mut self, number: u32, counter: &Counter<'_>) -> bool {
        let Some(open) = &mut self.open else { return false };
        let next = counter.line.as_ptr() as usize == open.addr
            && counter.line.len() == open.len
            && number == open.capture
            && counter.position == Some(open.next)
            && open.next < u32::MAX;
        open.next += u32::from(next);
        next
    }

    /// A named counter of capture `number` that is not the open pair's next.
    fn counter(&mut self, number: u32, counter: &Counter<'_>, name: &[u8]) {
        self.at(number);
        // The first counter of a pair: its values line is kept, and the pair opened.
        if counter.source == CounterSource::Proc && counter.position == Some(1) {
            if let Some(&KeptStep::Pair { names: Some(names), values: None, taken: 0 }) = self.steps.last() {
                let values = Some(self.copy(counter.line));
                if let Some(last) = self.steps.last_mut() {
                    *last = KeptStep::Pair { names: Some(names), values, taken: 0 };
                }
                let addr = counter.line.as_ptr() as usize;
                self.open = Some(OpenPair { addr, len: counter.line.len(), capture: number, next: 2 });
                return;
            }
        }
        let section = self.copy(counter.section);
        let name = self.copy(name);
        self.steps.push(KeptStep::Counter { source: counter.source, section, name, value: counter.value });
    }

    /// The capture built, as if its steps had been applied one by one.
    fn build(&self) -> Option<Capture> {
        let number = self.number?;
        let mut capture = Capture { number, ..Capture::default() };
        let text = |(start, end): (usize, usize)| self.text.get(start..end).unwrap_or_default();
        for (i, step) in self.steps.iter().enumerate() {
            match *step {
                KeptStep::Pair { names, values, taken } => {
                    capture.apply(Step::Pair);
                    let (Some(names), Some(values)) = (names, values) else { continue };
                    let taken = match self.open {
                        Some(open) if i + 1 == self.steps.len() => open.next - 1,
                        _ => taken,
                    };
                    crate::push::read_pair(text(names), text(values), &mut |ev: Event<'_>| {
                        if let EventKind::Counter(c) = &ev.kind {
                            if let (Some(name), Some(1..)) = (c.name, c.position) {
                                if c.position <= Some(taken) {
                                    let step =
                                        Step::Counter { source: c.source, section: c.section, name, value: c.value };
                                    capture.apply(step);
                                }
                            }
                        }
                    });
                }
                KeptStep::Counter { source, section, name, value } => {
                    capture.apply(Step::Counter { source, section: text(section), name: text(name), value });
                }
            }
        }
        Some(capture)
    }
}

impl ProcNetstatView {
    /// A view of the captures chosen by `select`.
    pub fn new(select: CaptureSelect) -> Self {
        ProcNetstatView { select, ..ProcNetstatView::default() }
    }

    /// Take one event: /proc sections and counters of either source.
    #[inline]
    pub fn event(&mut self, event: &Event<'_>) {
        // Most events are the next counter of a /proc pair being kept: counted here.
        if let EventKind::Counter(c) = &event.kind {
            if self.built.get().is_none() && self.kept.next_of_pair(event.capture, c) {
                return;
            }
        }
        self.other_event(event);
    }

    /// An event that [`ProcNetstatView::event`] does not take at once.
    #[inline(never)]
    fn other_event(&mut self, event: &Event<'_>) {
        match &event.kind {
            EventKind::Counter(counter) => {
                let Some(name) = counter.name else { return };
                if self.keeps_steps(event.capture) {
                    self.kept.counter(event.capture, counter, name);
                } else {
                    let step =
                        Step::Counter { source: counter.source, section: counter.section, name, value: counter.value };
                    self.take(event.capture, step);
                }
            }
            EventKind::Section(s) if s.table == Table::ProcSection => {
                if self.keeps_steps(event.capture) {
                    self.kept.pair(event.capture, s.header);
                } else {
                    self.take(event.capture, Step::Pair);
                }
            }
            _ => {}
        }
    }

    /// Whether a step of capture `number` goes to `kept` (the one capture that may be
    /// described, unbuilt); a capture built before (an accessor was called) is dropped
    /// first. Taking an empty cell would still move the whole (empty) capture out, counter
    /// after counter, hence the check.
    #[inline(always)]
    fn keeps_steps(&mut self, number: u32) -> bool {
        match self.select {
            CaptureSelect::All => false,
            CaptureSelect::Number(n) if n != number => false,
            _ => {
                if self.built.get().is_some() {
                    self.built.take();
                }
                true
            }
        }
    }

    /// A step that does not go to `kept`: built into its capture with
    /// `CaptureSelect::All`, dropped otherwise.
    fn take(&mut self, number: u32, step: Step<'_>) {
        if self.select != CaptureSelect::All {
            return;
        }
        if let Some(c) = super::capture_entry(
            &mut self.captures,
            self.select,
            number,
            |c| c.number,
            || Capture { number, ..Capture::default() },
        ) {
            c.apply(step);
        }
    }

    fn described(&self) -> Option<&Capture> {
        match self.select {
            CaptureSelect::All => self.captures.last(),
            _ => self.built.get_or_init(|| self.kept.build()).as_ref(),
        }
    }

    /// insights' `data` of the described capture (the last one held): name → value, in
    /// input order. insights holds the values as strings; `data_text` gives them so.
    pub fn data(&self) -> impl Iterator<Item = (&[u8], i128)> {
        self.described().into_iter().flat_map(|c| c.data.iter().map(|(k, &v)| (k, v)))
    }

    /// A value of `data` as insights holds it: the decimal text.
    pub fn data_text(&self, name: &str) -> Option<String> {
        self.described()?.data.get(name).map(i128::to_string)
    }

    /// How many names `data` holds (`len(pnstat.data)`).
    pub fn data_len(&self) -> usize {
        self.described().map_or(0, |c| c.data.len())
    }

    /// `get_stats(name)`: a bare name is looked up in `data`, as insights does;
    /// `Section:Name` (`Tcp:ActiveOpens`, `MPTcpExt:MPCapableSYNRX`, `TCP:inuse`) in any
    /// section. A bare name not in `data` is then read as the kernel's flat name, as nstat
    /// and /proc/net/snmp6 print it (`TcpExtListenOverflows` is `TcpExt:ListenOverflows`,
    /// `Ip6InReceives` is `Ip6:InReceives`), so one name answers from every source.
    /// `None` when absent.
    ///
    /// ```
    /// use netsift::views::proc_net::ProcNetstatView;
    /// use netsift::{Format, PushParser};
    /// let mut view = ProcNetstatView::default();
    /// let mut parser = PushParser::new(Format::ProcNetstat);
    /// parser.feed(b"TcpExt: ListenOverflows\nTcpExt: 7\n", &mut view);
    /// parser.finish(&mut view);
    /// assert_eq!(view.get_stats("ListenOverflows"), Some(7));
    /// assert_eq!(view.get_stats("TcpExt:ListenOverflows"), Some(7));
    /// assert_eq!(view.get_stats("TcpExtListenOverflows"), Some(7));
    /// ```
    pub fn get_stats(&self, name: &str) -> Option<i128> {
        let c = self.described()?;
        match name.split_once(':') {
            Some((section, name)) => c.sections.get(section)?.get(name).copied(),
            None => c.data.get(name).copied().or_else(|| {
                let (section, rest) =
                    netsift_grammar::flat_name::split(name.as_bytes()).unwrap_or((b"", name.as_bytes()));
                c.sections.get(section)?.get(rest).copied()
            }),
        }
    }

    /// Every named counter of the described capture: (section, name, value), in input order
    /// of the sections' first appearance.
    pub fn counters(&self) -> impl Iterator<Item = (&[u8], &[u8], i128)> {
        self.described()
            .into_iter()
            .flat_map(|c| c.sections.iter().flat_map(|(s, names)| names.iter().map(move |(n, &v)| (s, n, v))))
    }

    /// Whether no counter was seen.
    pub fn is_empty(&self) -> bool {
        match self.select {
            CaptureSelect::All => self.captures.iter().all(|c| c.sections.is_empty()),
            _ => self.described().is_none_or(|c| c.sections.is_empty()),
        }
    }

    /// Write the view as `{"data": {name: "value", …}, "sections": {"TcpExt": {name: value,
    /// …}, …}}` (`data` values are strings, as insights has them; `sections` values are JSON
    /// numbers, exact to the last digit); with `CaptureSelect::All`,
    /// `{"captures": [{"capture": N, "data": …, "sections": …}, …]}`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.write_json_spill(out, &mut Spill::none(), None);
    }

    /// [`ProcNetstatView::write_json`] after the captures in `spooled`, handing `out` to
    /// `spill` as it fills.
    pub(crate) fn write_json_spill(&self, out: &mut Vec<u8>, spill: &mut Spill<'_>, spooled: Option<&Spool>) {
        if self.select == CaptureSelect::All {
            super::write_captures(out, spooled, &self.captures, spill, |list, c, spill| {
                write_capture(list, Some(c.number), Some(c));
                spill.check(list);
            });
        } else {
            write_capture(out, None, self.described());
        }
    }

    /// Spool the finished captures (see [`Spool`]).
    pub(crate) fn retire(&mut self, spool: &mut Spool) {
        spool.retire(&mut self.captures, |out, c, _| write_capture(out, Some(c.number), Some(c)));
    }
}

fn write_capture(out: &mut Vec<u8>, number: Option<u32>, capture: Option<&Capture>) {
    let mut o = Object::new(out);
    if let Some(n) = number {
        o.uint("capture", u64::from(n));
    }
    let data = o.member("data");
    data.push(b'{');
    if let Some(c) = capture {
        for (i, (name, value)) in c.data.iter().enumerate() {
            if i > 0 {
                data.push(b',');
            }
            json::string(data, name);
            data.push(b':');
            json::string(data, value.to_string().as_bytes());
        }
    }
    data.push(b'}');
    let sections = o.member("sections");
    sections.push(b'{');
    if let Some(c) = capture {
        for (i, (section, names)) in c.sections.iter().enumerate() {
            if i > 0 {
                sections.push(b',');
            }
            json::string(sections, section);
            sections.push(b':');
            sections.push(b'{');
            for (j, (name, value)) in names.iter().enumerate() {
                if j > 0 {
                    sections.push(b',');
                }
                json::string(sections, name);
                sections.push(b':');
                sections.extend_from_slice(value.to_string().as_bytes());
            }
            sections.push(b'}');
        }
    }
    sections.push(b'}');
    o.end();
}

impl crate::push::Sink for ProcNetstatView {
    fn event(&mut self, event: Event<'_>) {
        ProcNetstatView::event(self, &event);
    }

    fn event_ref(&mut self, event: &Event<'_>) {
        ProcNetstatView::event(self, event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, PushParser};

    fn view(input: &[u8], format: Format, select: CaptureSelect) -> ProcNetstatView {
        let mut view = ProcNetstatView::new(select);
        let mut parser = PushParser::new(format);
        parser.feed(input, &mut view);
        parser.finish(&mut view);
        view
    }

    fn json(v: &ProcNetstatView) -> String {
        let mut out = Vec::new();
        v.write_json(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn data_is_the_first_two_pairs_and_sections_everything() {
        let input = b"TcpExt: A B\nTcpExt: 1 18446744073709551615\nIpExt: A C\nIpExt: 3 -4\nMPTcpExt: X\nMPTcpExt: 9\n";
        let v = view(input, Format::ProcNetstat, CaptureSelect::Last);
        assert_eq!(
            json(&v),
            r#"{"data":{"A":"3","B":"18446744073709551615","C":"-4"},"sections":{"TcpExt":{"A":1,"B":18446744073709551615},"IpExt":{"A":3,"C":-4},"MPTcpExt":{"X":9}}}"#
        );
        assert_eq!(v.data_len(), 3);
        assert_eq!(v.data_text("A").as_deref(), Some("3"));
        assert_eq!(v.get_stats("B"), Some(i128::from(u64::MAX)));
        assert_eq!(v.get_stats("TcpExt:A"), Some(1));
        assert_eq!(v.get_stats("X"), None);
        assert_eq!(v.get_stats("Nope:X"), None);
        assert_eq!(v.counters().count(), 5);
        assert_eq!(
            v.data().collect::<Vec<_>>(),
            vec![(&b"A"[..], 3), (&b"B"[..], i128::from(u64::MAX)), (&b"C"[..], -4)]
        );
    }

    #[test]
    fn captures() {
        let input = b"TcpExt: A\nTcpExt: 1\nIpExt: B\nIpExt: 2\nTcpExt: A\nTcpExt: 5\n";
        assert_eq!(view(input, Format::ProcNetstat, CaptureSelect::Last).get_stats("A"), Some(5));
        assert_eq!(view(input, Format::ProcNetstat, CaptureSelect::Number(1)).get_stats("A"), Some(1));
        let all = view(input, Format::ProcNetstat, CaptureSelect::All);
        assert_eq!(
            json(&all),
            r#"{"captures":[{"capture":1,"data":{"A":"1","B":"2"},"sections":{"TcpExt":{"A":1},"IpExt":{"B":2}}},{"capture":2,"data":{"A":"5"},"sections":{"TcpExt":{"A":5}}}]}"#
        );
        let none = ProcNetstatView::default();
        assert!(none.is_empty());
        assert_eq!(json(&none), r#"{"data":{},"sections":{}}"#);
    }

    #[test]
    fn from_netstat_s() {
        let input = b"Tcp:\n    236 active connection openings\n    7 made-up things\nTcpExt:\n    Quick ack mode was activated 4 times\n    TCPLossProbes: 22\nIpExt:\n    InOctets: 5\n";
        let v = view(input, Format::NetstatS, CaptureSelect::Last);
        assert_eq!(v.get_stats("DelayedACKLost"), Some(4));
        assert_eq!(v.get_stats("TCPLossProbes"), Some(22));
        assert_eq!(v.get_stats("InOctets"), Some(5));
        assert_eq!(v.get_stats("ActiveOpens"), None);
        assert_eq!(v.get_stats("Tcp:ActiveOpens"), Some(236));
        assert_eq!(v.counters().count(), 4);
    }
}
