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
use crate::events::{CounterSource, Event, EventKind, Table};
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

/// The steps of one capture, their names one after the other in `text`.
#[derive(Debug, Clone, Default)]
struct KeptSteps {
    number: Option<u32>,
    text: Vec<u8>,
    /// A pair (`None`), or a counter: source, section and name ends in `text`, value.
    steps: Vec<Option<(CounterSource, usize, usize, i128)>>,
}

impl KeptSteps {
    fn push(&mut self, number: u32, step: Step<'_>) {
        if self.number != Some(number) {
            // Emptied, not freed: the next capture re-uses the memory.
            self.text.clear();
            self.steps.clear();
            self.number = Some(number);
        }
        self.steps.push(match step {
            Step::Pair => None,
            Step::Counter { source, section, name, value } => {
                self.text.extend_from_slice(section);
                let section_end = self.text.len();
                self.text.extend_from_slice(name);
                Some((source, section_end, self.text.len(), value))
            }
        });
    }

    /// The capture built, as if its steps had been applied one by one.
    fn build(&self) -> Option<Capture> {
        let number = self.number?;
        let mut capture = Capture { number, ..Capture::default() };
        let mut start = 0;
        for step in &self.steps {
            match *step {
                None => capture.apply(Step::Pair),
                Some((source, section_end, name_end, value)) => {
                    let section = &self.text[start..section_end];
                    let name = &self.text[section_end..name_end];
                    capture.apply(Step::Counter { source, section, name, value });
                    start = name_end;
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
    pub fn event(&mut self, event: &Event<'_>) {
        let step = match &event.kind {
            EventKind::Section(s) if s.table == Table::ProcSection => Step::Pair,
            EventKind::Counter(counter) => {
                let Some(name) = counter.name else { return };
                Step::Counter { source: counter.source, section: counter.section, name, value: counter.value }
            }
            _ => return,
        };
        match self.select {
            CaptureSelect::All => {
                let number = event.capture;
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
            CaptureSelect::Number(n) if n != event.capture => {}
            _ => {
                // Only a capture built before (an accessor was called) is dropped: taking
                // an empty cell still moves the whole (empty) capture out, counter after
                // counter.
                if self.built.get().is_some() {
                    self.built.take();
                }
                self.kept.push(event.capture, step);
            }
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
