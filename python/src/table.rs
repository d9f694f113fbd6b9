//! `netsift.table()`: the events of one kind as typed Arrow columns, built straight from
//! the borrowed events in the push parser's sink (with the builders of `columns`, and
//! arrow-rs's for lists and booleans), and handed to pyarrow through the Arrow C stream
//! interface (`__arrow_c_stream__`).
//!
//! Each kind has a fixed schema (the same columns whatever the input holds, even with no
//! rows), named as the CLI's JSON keys. Where a JSON value mixes types, the table splits it
//! into a typed column and a text column, so that no information is lost:
//!
//! - a port (`22`, `*`, `ssh`): `port` (int64, null when not a number) and `port_name`
//!   (the port as printed when it is not a number: `*` or a service name; else null);
//! - netstat's `user` (a uid or a name): `uid` (int64) and `user` (the name);
//! - netstat's `state` is text; a kernel table's state number is written in decimal;
//! - a counter's `value` (int64, null beyond its range) and `value_decimal` (the digits
//!   when the value does not fit int64, else null);
//! - ss `extras` / `info_extras`: list<struct<key, text>>, each item as printed
//!   (`netsift.events` gives the parsed values);
//! - flags written only when true in JSON (`maybe_truncated`, `sctp_assoc`,
//!   `process_truncated`) are booleans on every row; fields written only for some rows are
//!   null where absent.
//!
//! Bytes that are not UTF-8 become U+FFFD (Arrow strings are UTF-8). An unsigned value
//! beyond int64 in any other column is an error naming its line, not a wrong number.

use std::fmt::Write as _;
use std::io::Read;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, ListBuilder, StringBuilder};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{ArrayRef, ListArray, RecordBatch, RecordBatchIterator, StructArray};
use arrow_buffer::{NullBuffer, NullBufferBuilder, OffsetBuffer};
use arrow_schema::{ArrowError, Field, Fields, Schema};
use netsift::events::{
    Columns, Counter, CounterSource, Endpoint, Host, InetCol, InetConn, InetState, Interface, Malformed, Membership,
    Notice, Owner, Port, Proto, Section, SsSocket, TimerKind, UnixCol, UnixSocket, User,
};
use netsift::netsift_grammar::netstat_agn::Group;
use netsift::netsift_grammar::netstat_i::IfaceCol;
use netsift::netsift_grammar::proc_inet::KernelExtra;
use netsift::netsift_grammar::ss;
use netsift::{Event, EventKind, PushParser};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::ahead;
use crate::columns::{Column, Flags, Ints, Num, Runs, Text, TextRuns};
use crate::parts;
use crate::stream::{format_of, Source};

/// Register `table_stream`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TableStream>()?;
    m.add_function(wrap_pyfunction!(table_stream, m)?)?;
    Ok(())
}

/// Why a table cannot be built: a value that does not fit its column.
type Res<T> = Result<T, String>;

/// Rows of a nullable struct column whose children are not started yet: a struct that is
/// null on every row (`kernel` outside /proc tables, `timer` without `-o`) costs one count
/// per row, and its children are filled with nulls in one go when a value arrives or at
/// the end.
#[derive(Default)]
struct Deferred {
    started: bool,
    pending: usize,
}

impl Deferred {
    /// A null row: counted while nothing has started, else `null_row` adds it now.
    fn null(&mut self, null_row: impl FnOnce()) {
        if self.started {
            null_row();
        } else {
            self.pending += 1;
        }
    }

    /// A row with a value: the nulls counted so far go in first (`nulls(n)`).
    fn value(&mut self, nulls: impl FnOnce(usize)) {
        if !self.started {
            self.started = true;
            nulls(std::mem::take(&mut self.pending));
        }
    }

    /// At the end: the nulls not yet added.
    fn finish(&mut self, nulls: impl FnOnce(usize)) {
        nulls(std::mem::take(&mut self.pending));
        self.started = false;
    }
}

/// An unsigned value as int64, or an error: never a wrong number.
fn int(v: u64) -> Res<i64> {
    i64::try_from(v).map_err(|_| format!("the value {v} is beyond the range of an int64 column"))
}

fn opt_int(v: Option<u64>) -> Res<Option<i64>> {
    v.map(int).transpose()
}

/// An int64 column.
type Int = Num<Int64Type>;

/// Named finished columns, in schema order.
type Named = Vec<(&'static str, ArrayRef)>;

/// The finished array of a builder.
fn done(b: &mut impl Column) -> Result<ArrayRef, ArrowError> {
    b.finish_column()
}

/// A struct column of named children; `valid` says which rows are not null.
fn struct_array(children: Named, valid: Option<Vec<bool>>) -> Result<ArrayRef, ArrowError> {
    let fields: Fields = children.iter().map(|(name, a)| Field::new(*name, a.data_type().clone(), true)).collect();
    let arrays = children.into_iter().map(|(_, a)| a).collect();
    Ok(Arc::new(StructArray::try_new(fields, arrays, valid.map(NullBuffer::from))?))
}

/// The offsets and validity of a list column whose items are built elsewhere. Null rows
/// before the first list cost one count each (a column null on every row, as `info` without
/// `ss -i`, is made at the end), and the rows write no validity while none is null.
#[derive(Default)]
struct ListShape {
    /// The offsets from the first list on (empty before it).
    offsets: Vec<i32>,
    nulls: Option<NullBufferBuilder>,
    /// Null rows before the first list.
    leading_nulls: usize,
    items: i32,
}

impl ListShape {
    fn item(&mut self) -> Res<()> {
        self.items = self.items.checked_add(1).ok_or("a list column holds more than 2^31 items")?;
        Ok(())
    }

    #[inline(always)]
    fn end_row(&mut self, valid: bool) {
        let Some(nulls) = &mut self.nulls else {
            if valid {
                self.begin();
            } else {
                self.leading_nulls += 1;
            }
            return;
        };
        self.offsets.push(self.items);
        nulls.append(valid);
    }

    /// The first list: the null rows before it, then its offsets.
    #[cold]
    #[inline(never)]
    fn begin(&mut self) {
        let mut nulls = NullBufferBuilder::new(0);
        if self.leading_nulls > 0 {
            nulls.append_n_nulls(self.leading_nulls);
        }
        nulls.append_non_null();
        self.offsets = vec![0; self.leading_nulls + 1];
        self.offsets.push(self.items);
        self.nulls = Some(nulls);
    }

    fn finish(&mut self, values: ArrayRef) -> Result<ArrayRef, ArrowError> {
        let shape = std::mem::take(self);
        let (offsets, nulls) = match shape.nulls {
            Some(mut nulls) => (shape.offsets, nulls.finish()),
            None => (vec![0; shape.leading_nulls + 1], Some(NullBuffer::new_null(shape.leading_nulls))),
        };
        let field = Arc::new(Field::new("item", values.data_type().clone(), true));
        Ok(Arc::new(ListArray::try_new(field, OffsetBuffer::new(offsets.into()), values, nulls)?))
    }
}

/// The columns every kind starts with.
struct Common {
    /// The table's kind, the same on every row.
    kind: Runs,
    /// The name of the table's kind.
    kind_name: &'static str,
    line: Ints,
    offset: Ints,
    capture: Ints,
}

impl Common {
    /// The columns of a table of `kind`, with room for `rows` rows.
    fn new(kind: &'static str, rows: usize) -> Self {
        Common {
            kind: Runs::default(),
            kind_name: kind,
            line: Ints::with_capacity(rows),
            offset: Ints::with_capacity(rows),
            capture: Ints::with_capacity(rows),
        }
    }

    #[inline(always)]
    fn push(&mut self, ev: &Event<'_>) -> Res<()> {
        self.kind.append(self.kind_name);
        self.line.append(int(ev.at.line)?);
        self.offset.append(int(ev.at.offset)?);
        self.capture.append(i64::from(ev.capture));
        Ok(())
    }

    /// `n` more rows the same as the last one.
    fn repeat_last(&mut self, n: usize) {
        self.kind.repeat_last(n);
        self.line.repeat_last(n);
        self.offset.repeat_last(n);
        self.capture.repeat_last(n);
    }

    fn finish(&mut self) -> Result<Named, ArrowError> {
        Ok(vec![
            ("kind", done(&mut self.kind)?),
            ("line", done(&mut self.line)?),
            ("offset", done(&mut self.offset)?),
            ("capture", done(&mut self.capture)?),
        ])
    }
}

/// `pid`, `program`, `owner_text`: the PID/Program column (null when hidden or absent).
#[derive(Default)]
struct OwnerCols {
    pid: Int,
    program: Text,
    owner_text: Text,
}

impl OwnerCols {
    fn push(&mut self, owner: Option<Owner<'_>>) {
        match owner {
            Some(Owner::Process { pid, name }) => {
                self.pid.append_value(i64::from(pid));
                self.program.append_bytes(name);
                self.owner_text.append_null();
            }
            Some(Owner::Other(t)) => {
                self.pid.append_null();
                self.program.append_null();
                self.owner_text.append_bytes(t);
            }
            Some(Owner::Hidden) | None => {
                self.pid.append_null();
                self.program.append_null();
                self.owner_text.append_null();
            }
        }
    }

    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("pid", done(&mut self.pid)?));
        out.push(("program", done(&mut self.program)?));
        out.push(("owner_text", done(&mut self.owner_text)?));
        Ok(())
    }
}

// --- section, notice, malformed ---------------------------------------------------------

#[derive(Default)]
struct SectionCols {
    table: Text,
    title: Text,
    lang: Text,
    name: Text,
    header: Text,
    columns: ListBuilder<StringBuilder>,
}

impl SectionCols {
    fn push(&mut self, s: &Section<'_>) {
        use netsift::netsift_grammar::ss::SsCol;
        self.table.append_value(s.table.name());
        self.title.append_option(s.netstat_title().and_then(|t| t.c_text()));
        self.lang.append_value(s.lang.code());
        self.name.append_opt_bytes((!s.name.is_empty()).then_some(s.name));
        self.header.append_opt_bytes(s.header);
        // The names of the columns the header announced, as the C tools print them.
        let names = self.columns.values();
        match s.columns {
            Columns::Inet(l) => InetCol::present(l).for_each(|c| names.append_value(c.c_name())),
            Columns::Unix(l) => UnixCol::ALL
                .into_iter()
                .filter(|&c| l.program || c != UnixCol::Program)
                .for_each(|c| names.append_value(c.c_name())),
            Columns::Interfaces(l) => IfaceCol::ALL
                .into_iter()
                .filter(|&c| l.metric || c != IfaceCol::Met)
                .for_each(|c| names.append_value(c.c_name())),
            Columns::Memberships => ["Interface", "RefCnt", "Group"].into_iter().for_each(|c| names.append_value(c)),
            Columns::Ss(c) => SsCol::ALL
                .into_iter()
                .filter(|col| match col {
                    SsCol::Netid => c.netid,
                    SsCol::State => c.state,
                    SsCol::RecvQ | SsCol::SendQ => c.queues,
                    _ => true,
                })
                .for_each(|col| names.append_value(col.c_name())),
            Columns::ProcNetDev(l) => {
                names.append_value("face");
                l.columns().iter().for_each(|c| names.append_value(c.name()));
            }
            Columns::Counters | Columns::Other => {}
        }
        self.columns.append(true);
    }

    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("table", done(&mut self.table)?));
        out.push(("title", done(&mut self.title)?));
        out.push(("lang", done(&mut self.lang)?));
        out.push(("name", done(&mut self.name)?));
        out.push(("header", done(&mut self.header)?));
        out.push(("columns", done(&mut self.columns)?));
        Ok(())
    }
}

#[derive(Default)]
struct NoticeCols {
    notice: Text,
    text: Text,
}

impl NoticeCols {
    fn push(&mut self, n: &Notice<'_>) {
        self.notice.append_value(n.kind.name());
        self.text.append_bytes(n.text);
    }

    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("notice", done(&mut self.notice)?));
        out.push(("text", done(&mut self.text)?));
        Ok(())
    }
}

#[derive(Default)]
struct MalformedCols {
    column: Int,
    reason: Text,
    raw: Text,
}

impl MalformedCols {
    fn push(&mut self, m: &Malformed<'_>) -> Res<()> {
        self.column.append_value(int(m.column() as u64)?);
        self.reason.append_value(m.reason());
        self.raw.append_bytes(m.raw);
        Ok(())
    }

    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("column", done(&mut self.column)?));
        out.push(("reason", done(&mut self.reason)?));
        out.push(("raw", done(&mut self.raw)?));
        Ok(())
    }
}

// --- inet_conn --------------------------------------------------------------------------

/// netstat's `local` / `foreign`: struct<address, family, port, port_name, maybe_truncated>.
#[derive(Default)]
struct NetstatEndpoints {
    address: Text,
    family: Text,
    port: Int,
    port_name: Text,
    maybe_truncated: BooleanBuilder,
    valid: Vec<bool>,
}

impl NetstatEndpoints {
    fn push(&mut self, e: Option<&Endpoint<'_>>) {
        let Some(e) = e else {
            self.address.append_null();
            self.family.append_null();
            self.port.append_null();
            self.port_name.append_null();
            self.maybe_truncated.append_null();
            self.valid.push(false);
            return;
        };
        let family = match e.host {
            Host::Ip(ip) => {
                self.address.append_ip(ip);
                if ip.is_ipv4() {
                    "ipv4"
                } else {
                    "ipv6"
                }
            }
            Host::Any => {
                self.address.append_value("*");
                "any"
            }
            Host::Name(n) => {
                self.address.append_value(n);
                "name"
            }
            Host::Truncated(t) => {
                self.address.append_value(t);
                "truncated"
            }
        };
        self.family.append_value(family);
        match e.port {
            Port::Number(n) => {
                self.port.append_value(i64::from(n));
                self.port_name.append_null();
            }
            Port::Any => {
                self.port.append_null();
                self.port_name.append_value("*");
            }
            Port::Name(n) => {
                self.port.append_null();
                self.port_name.append_value(n);
            }
        }
        self.maybe_truncated.append_value(e.maybe_truncated);
        self.valid.push(true);
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        struct_array(
            vec![
                ("address", done(&mut self.address)?),
                ("family", done(&mut self.family)?),
                ("port", done(&mut self.port)?),
                ("port_name", done(&mut self.port_name)?),
                ("maybe_truncated", done(&mut self.maybe_truncated)?),
            ],
            Some(std::mem::take(&mut self.valid)),
        )
    }
}

/// netstat `-o`'s `timer`: struct<kind, word, expires_ms, retransmits, probes>.
#[derive(Default)]
struct TimerCols {
    kind: Text,
    word: Text,
    expires_ms: Int,
    retransmits: Int,
    probes: Int,
    valid: Vec<bool>,
    deferred: Deferred,
}

impl TimerCols {
    fn nulls(&mut self, n: usize) {
        self.kind.append_nulls(n);
        self.word.append_nulls(n);
        self.expires_ms.append_nulls(n);
        self.retransmits.append_nulls(n);
        self.probes.append_nulls(n);
    }
}

/// `/proc/net/{tcp,udp,…}`'s fields that netstat does not print: `kernel`.
#[derive(Default)]
struct KernelInetCols {
    slot: Int,
    state_code: Int,
    timer_code: Int,
    when_ticks: Int,
    retransmits: Int,
    timeout: Int,
    refcount: Int,
    pointer: Text,
    rto: Int,
    ato: Int,
    quick_pingpong: Int,
    cwnd: Int,
    ssthresh: Int,
    drops: Int,
    valid: Vec<bool>,
    deferred: Deferred,
}

impl KernelInetCols {
    fn nulls(&mut self, n: usize) {
        for b in [
            &mut self.slot,
            &mut self.state_code,
            &mut self.timer_code,
            &mut self.when_ticks,
            &mut self.retransmits,
            &mut self.timeout,
            &mut self.refcount,
            &mut self.rto,
            &mut self.ato,
            &mut self.quick_pingpong,
            &mut self.cwnd,
            &mut self.ssthresh,
            &mut self.drops,
        ] {
            b.append_nulls(n);
        }
        self.pointer.append_nulls(n);
    }
}

#[derive(Default)]
struct InetCols {
    proto: Text,
    recv_q: Int,
    send_q: Int,
    local: NetstatEndpoints,
    foreign: NetstatEndpoints,
    state: Text,
    user: Text,
    uid: Int,
    inode: Int,
    owner: OwnerCols,
    timer: TimerCols,
    kernel: KernelInetCols,
    more_local: Text,
    more_foreign: Text,
    more: ListShape,
    raw: Text,
    buf: String,
}

impl InetCols {
    fn push(&mut self, c: &InetConn<'_>) -> Res<()> {
        self.proto.append_option(match c.proto {
            // A kernel table read without its file's name: the protocol is not written anywhere.
            Proto::Unknown => None,
            p => Some(p.as_str()),
        });
        self.recv_q.append_option(opt_int(c.recv_q)?);
        self.send_q.append_option(opt_int(c.send_q)?);
        self.local.push(Some(&c.local));
        self.foreign.push(c.foreign.as_ref());
        match c.state {
            InetState::Empty => self.state.append_null(),
            InetState::Known(s) => self.state.append_value(s.as_str()),
            InetState::Kernel(n) => {
                self.buf.clear();
                let _ = write!(self.buf, "{n}");
                self.state.append_value(&self.buf);
            }
            InetState::Other(w) => self.state.append_bytes(w),
        }
        match c.user {
            Some(User::Uid(uid)) => {
                self.uid.append_value(i64::from(uid));
                self.user.append_null();
            }
            Some(User::Name(n)) => {
                self.uid.append_null();
                self.user.append_bytes(n);
            }
            None => {
                self.uid.append_null();
                self.user.append_null();
            }
        }
        self.inode.append_option(opt_int(c.inode)?);
        self.owner.push(c.owner);
        self.push_timer(c)?;
        self.push_kernel(c)?;
        // A multi-homed sctp row: the addresses of its continuation lines.
        if memchr::memchr(b'\n', c.line).is_some() {
            for (local, foreign) in netsift::netsift_grammar::netstat::more_addresses(c) {
                self.more_local.append_opt_bytes(local);
                self.more_foreign.append_opt_bytes(foreign);
                self.more.item()?;
            }
            self.more.end_row(true);
        } else {
            self.more.end_row(false);
        }
        self.raw.append_bytes(c.line);
        Ok(())
    }

    fn push_timer(&mut self, c: &InetConn<'_>) -> Res<()> {
        let t = &mut self.timer;
        let Some(timer) = &c.timer else {
            let mut deferred = std::mem::take(&mut t.deferred);
            deferred.null(|| t.nulls(1));
            t.deferred = deferred;
            t.valid.push(false);
            return Ok(());
        };
        let mut deferred = std::mem::take(&mut t.deferred);
        deferred.value(|n| t.nulls(n));
        t.deferred = deferred;
        match timer.kind {
            TimerKind::Unknown(n) => {
                self.buf.clear();
                let _ = write!(self.buf, "unkn-{n}");
                t.kind.append_value(&self.buf);
            }
            k => t.kind.append_value(match k {
                TimerKind::Off => "off",
                TimerKind::On => "on",
                TimerKind::On1 => "on1",
                TimerKind::On2 => "on2",
                TimerKind::Keepalive => "keepalive",
                TimerKind::TimeWait => "timewait",
                TimerKind::Probe => "probe",
                _ => "other",
            }),
        }
        t.word.append_opt_bytes((timer.kind == TimerKind::Other).then_some(timer.word));
        t.expires_ms.append_value(timer.expires_ms);
        t.retransmits.append_value(int(timer.retransmits)?);
        t.probes.append_value(int(timer.probes)?);
        t.valid.push(true);
        Ok(())
    }

    fn push_kernel(&mut self, c: &InetConn<'_>) -> Res<()> {
        let k = &mut self.kernel;
        let Some(kernel) = &c.kernel else {
            let mut deferred = std::mem::take(&mut k.deferred);
            deferred.null(|| k.nulls(1));
            k.deferred = deferred;
            k.valid.push(false);
            return Ok(());
        };
        let mut deferred = std::mem::take(&mut k.deferred);
        deferred.value(|n| k.nulls(n));
        k.deferred = deferred;
        let (tcp, drops) = match kernel.extra {
            KernelExtra::Tcp { rto, ato, quick_pingpong, cwnd, ssthresh } => {
                (Some((int(rto)?, int(ato)?, int(quick_pingpong)?, int(cwnd)?, ssthresh)), None)
            }
            KernelExtra::Dgram { drops } => (None, Some(int(drops)?)),
            KernelExtra::None => (None, None),
        };
        k.rto.append_option(tcp.map(|t| t.0));
        k.ato.append_option(tcp.map(|t| t.1));
        k.quick_pingpong.append_option(tcp.map(|t| t.2));
        k.cwnd.append_option(tcp.map(|t| t.3));
        k.ssthresh.append_option(tcp.map(|t| t.4));
        k.drops.append_option(drops);
        k.slot.append_value(int(kernel.slot)?);
        k.state_code.append_value(i64::from(kernel.state_code));
        k.timer_code.append_value(i64::from(kernel.timer_code));
        k.when_ticks.append_value(kernel.when_ticks);
        k.retransmits.append_value(int(kernel.retransmits)?);
        k.timeout.append_value(int(kernel.timeout)?);
        k.refcount.append_option(opt_int(kernel.refcount)?);
        // A kernel address as the kernel prints it.
        match kernel.pointer {
            Some(p) => {
                self.buf.clear();
                let _ = write!(self.buf, "{p:016x}");
                k.pointer.append_value(&self.buf);
            }
            None => k.pointer.append_null(),
        }
        k.valid.push(true);
        Ok(())
    }

    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("proto", done(&mut self.proto)?));
        out.push(("recv_q", done(&mut self.recv_q)?));
        out.push(("send_q", done(&mut self.send_q)?));
        out.push(("local", self.local.finish()?));
        out.push(("foreign", self.foreign.finish()?));
        out.push(("state", done(&mut self.state)?));
        out.push(("user", done(&mut self.user)?));
        out.push(("uid", done(&mut self.uid)?));
        out.push(("inode", done(&mut self.inode)?));
        self.owner.finish(out)?;
        let t = &mut self.timer;
        let mut deferred = std::mem::take(&mut t.deferred);
        deferred.finish(|n| t.nulls(n));
        let timer = struct_array(
            vec![
                ("kind", done(&mut t.kind)?),
                ("word", done(&mut t.word)?),
                ("expires_ms", done(&mut t.expires_ms)?),
                ("retransmits", done(&mut t.retransmits)?),
                ("probes", done(&mut t.probes)?),
            ],
            Some(std::mem::take(&mut t.valid)),
        )?;
        out.push(("timer", timer));
        let k = &mut self.kernel;
        let mut deferred = std::mem::take(&mut k.deferred);
        deferred.finish(|n| k.nulls(n));
        let kernel = struct_array(
            vec![
                ("slot", done(&mut k.slot)?),
                ("state_code", done(&mut k.state_code)?),
                ("timer_code", done(&mut k.timer_code)?),
                ("when_ticks", done(&mut k.when_ticks)?),
                ("retransmits", done(&mut k.retransmits)?),
                ("timeout", done(&mut k.timeout)?),
                ("refcount", done(&mut k.refcount)?),
                ("pointer", done(&mut k.pointer)?),
                ("rto", done(&mut k.rto)?),
                ("ato", done(&mut k.ato)?),
                ("quick_pingpong", done(&mut k.quick_pingpong)?),
                ("cwnd", done(&mut k.cwnd)?),
                ("ssthresh", done(&mut k.ssthresh)?),
                ("drops", done(&mut k.drops)?),
            ],
            Some(std::mem::take(&mut k.valid)),
        )?;
        out.push(("kernel", kernel));
        let pairs = struct_array(
            vec![("local", done(&mut self.more_local)?), ("foreign", done(&mut self.more_foreign)?)],
            None,
        )?;
        out.push(("more_addresses", self.more.finish(pairs)?));
        out.push(("raw", done(&mut self.raw)?));
        Ok(())
    }
}

// --- unix_socket ------------------------------------------------------------------------

#[derive(Default)]
struct UnixCols {
    refcnt: Int,
    flags: ListBuilder<StringBuilder>,
    sock_type: Text,
    state: Text,
    inode: Int,
    owner: OwnerCols,
    path: Text,
    k_pointer: Text,
    k_protocol: Int,
    k_flags: Int,
    k_type_code: Int,
    k_state_code: Int,
    k_valid: Vec<bool>,
    k_deferred: Deferred,
    raw: Text,
    buf: String,
}

impl UnixCols {
    fn kernel_nulls(&mut self, n: usize) {
        self.k_pointer.append_nulls(n);
        for b in [&mut self.k_protocol, &mut self.k_flags, &mut self.k_type_code, &mut self.k_state_code] {
            b.append_nulls(n);
        }
    }

    fn push(&mut self, u: &UnixSocket<'_>) -> Res<()> {
        self.refcnt.append_value(int(u.refcnt)?);
        for (set, name) in [(u.flags.accepting, "ACC"), (u.flags.wait_data, "W"), (u.flags.no_space, "N")] {
            if set {
                self.flags.values().append_value(name);
            }
        }
        self.flags.append(true);
        self.sock_type.append_bytes(u.sock_type.word());
        let state = u.state.word();
        self.state.append_opt_bytes(state);
        self.inode.append_option(opt_int(u.inode)?);
        self.owner.push(u.owner);
        self.path.append_bytes(u.path);
        match &u.kernel {
            Some(k) => {
                let mut deferred = std::mem::take(&mut self.k_deferred);
                deferred.value(|n| self.kernel_nulls(n));
                self.k_deferred = deferred;
                self.buf.clear();
                let _ = write!(self.buf, "{:016x}", k.pointer);
                self.k_pointer.append_value(&self.buf);
                self.k_protocol.append_value(int(k.protocol)?);
                self.k_flags.append_value(int(k.flags)?);
                self.k_type_code.append_value(int(k.type_code)?);
                self.k_state_code.append_value(int(k.state_code)?);
                self.k_valid.push(true);
            }
            None => {
                let mut deferred = std::mem::take(&mut self.k_deferred);
                deferred.null(|| self.kernel_nulls(1));
                self.k_deferred = deferred;
                self.k_valid.push(false);
            }
        }
        self.raw.append_bytes(u.line);
        Ok(())
    }

    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("refcnt", done(&mut self.refcnt)?));
        out.push(("flags", done(&mut self.flags)?));
        out.push(("type", done(&mut self.sock_type)?));
        out.push(("state", done(&mut self.state)?));
        out.push(("inode", done(&mut self.inode)?));
        self.owner.finish(out)?;
        out.push(("path", done(&mut self.path)?));
        let mut deferred = std::mem::take(&mut self.k_deferred);
        deferred.finish(|n| self.kernel_nulls(n));
        let kernel = struct_array(
            vec![
                ("pointer", done(&mut self.k_pointer)?),
                ("protocol", done(&mut self.k_protocol)?),
                ("flags", done(&mut self.k_flags)?),
                ("type_code", done(&mut self.k_type_code)?),
                ("state_code", done(&mut self.k_state_code)?),
            ],
            Some(std::mem::take(&mut self.k_valid)),
        )?;
        out.push(("kernel", kernel));
        out.push(("raw", done(&mut self.raw)?));
        Ok(())
    }
}

// --- ss_socket --------------------------------------------------------------------------

/// ss's `local` / `peer`: struct<address, family, iface, port, port_name, inode>.
#[derive(Default)]
struct SsEndpoints {
    address: Text,
    family: Text,
    iface: Text,
    port: Int,
    port_name: Text,
    inode: Int,
}

impl SsEndpoints {
    /// With room for `rows` rows.
    fn new(rows: usize) -> Self {
        SsEndpoints {
            address: Text::with_capacity(rows, 24),
            family: Text::with_capacity(rows, 4),
            port: Int::with_capacity(rows),
            ..SsEndpoints::default()
        }
    }

    fn push(&mut self, e: &ss::Endpoint<'_>) -> Res<()> {
        let family = match e.host {
            ss::Host::Ip(ip) => {
                self.address.append_ip(ip);
                if ip.is_ipv4() {
                    "ipv4"
                } else {
                    "ipv6"
                }
            }
            ss::Host::Any => {
                self.address.append_value("*");
                "any"
            }
            ss::Host::Name(n) => {
                self.address.append_bytes(n);
                "name"
            }
            ss::Host::Path(p) => {
                self.address.append_bytes(p);
                "path"
            }
            ss::Host::Other(t) => {
                self.address.append_bytes(t);
                "other"
            }
        };
        self.family.append_value(family);
        self.iface.append_opt_bytes(e.iface);
        match e.port {
            Some(ss::Port::Number(n)) => {
                self.port.append_value(i64::from(n));
                self.port_name.append_null();
            }
            Some(ss::Port::Any) => {
                self.port.append_null();
                self.port_name.append_value("*");
            }
            Some(ss::Port::Name(n)) => {
                self.port.append_null();
                self.port_name.append_bytes(n);
            }
            None => {
                self.port.append_null();
                self.port_name.append_null();
            }
        }
        self.inode.append_option(opt_int(e.inode)?);
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        struct_array(
            vec![
                ("address", done(&mut self.address)?),
                ("family", done(&mut self.family)?),
                ("iface", done(&mut self.iface)?),
                ("port", done(&mut self.port)?),
                ("port_name", done(&mut self.port_name)?),
                ("inode", done(&mut self.inode)?),
            ],
            None,
        )
    }
}

/// A list<struct<key, text>> of ss extras, each item as printed.
#[derive(Default)]
struct ExtrasCols {
    key: Text,
    text: Text,
    shape: ListShape,
}

impl ExtrasCols {
    fn push<'a>(&mut self, items: Option<impl IntoIterator<Item = ss::Extra<'a>>>) -> Res<()> {
        let Some(items) = items else {
            self.shape.end_row(false);
            return Ok(());
        };
        for e in items {
            self.key.append_bytes(e.key);
            self.text.append_bytes(e.text);
            self.shape.item()?;
        }
        self.shape.end_row(true);
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let items = struct_array(vec![("key", done(&mut self.key)?), ("text", done(&mut self.text)?)], None)?;
        self.shape.finish(items)
    }
}

#[derive(Default)]
struct SsCols {
    netid: Text,
    sctp_assoc: Flags,
    state: Text,
    recv_q: Int,
    send_q: Int,
    local: SsEndpoints,
    peer: SsEndpoints,
    p_name: Text,
    p_pid: Int,
    p_fd: Int,
    p_tid: Int,
    p_proc_ctx: Text,
    p_sock_ctx: Text,
    process: ListShape,
    process_truncated: Flags,
    extras: ExtrasCols,
    /// The continuation lines (`ss -i`, `-m`): a list of their texts.
    info: ListShape,
    info_lines: Text,
    info_extras: ExtrasCols,
    raw: Text,
}

impl SsCols {
    /// With room for `rows` rows (each with one process).
    fn new(rows: usize) -> Self {
        SsCols {
            netid: Text::with_capacity(rows, 4),
            state: Text::with_capacity(rows, 8),
            recv_q: Int::with_capacity(rows),
            send_q: Int::with_capacity(rows),
            local: SsEndpoints::new(rows),
            peer: SsEndpoints::new(rows),
            p_name: Text::with_capacity(rows, 16),
            p_pid: Int::with_capacity(rows),
            p_fd: Int::with_capacity(rows),
            raw: Text::with_capacity(rows, 256),
            ..SsCols::default()
        }
    }

    fn push(&mut self, s: &SsSocket<'_>) -> Res<()> {
        let r = &s.row;
        self.netid.append_opt_bytes(r.netid.map(|n| n.name()));
        self.sctp_assoc.append(r.sctp_assoc);
        self.state.append_opt_bytes(r.state.map(|st| st.name()));
        self.recv_q.append_option(opt_int(r.recv_q)?);
        self.send_q.append_option(opt_int(r.send_q)?);
        self.local.push(&r.local)?;
        self.peer.push(&r.peer)?;
        match r.process {
            Some(users) => {
                for p in users.iter() {
                    self.p_name.append_bytes(p.name);
                    self.p_pid.append_value(i64::from(p.pid));
                    self.p_fd.append_value(i64::from(p.fd));
                    self.p_tid.append_option(p.tid.map(i64::from));
                    self.p_proc_ctx.append_opt_bytes(p.proc_ctx);
                    self.p_sock_ctx.append_opt_bytes(p.sock_ctx);
                    self.process.item()?;
                }
                self.process.end_row(true);
                self.process_truncated.append(users.truncated());
            }
            None => {
                self.process.end_row(false);
                self.process_truncated.append(false);
            }
        }
        // The extras after the users list: the list was read already (it is `process`),
        // so it is skipped, not read a second time to be stepped over.
        let extras = match r.process {
            Some(users) => r.extras.skipping_users(&users),
            None => r.extras,
        };
        self.extras.push(Some(extras))?;
        if s.info.is_empty() {
            self.info.end_row(false);
            self.info_extras.push(None::<[ss::Extra<'_>; 0]>)?;
        } else {
            for line in s.info.split(|&b| b == b'\n') {
                self.info_lines.append_bytes(line);
                self.info.item()?;
            }
            self.info.end_row(true);
            self.info_extras.push(Some(s.info_extras().flatten()))?;
        }
        self.raw.append_bytes(r.line);
        Ok(())
    }

    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("netid", done(&mut self.netid)?));
        out.push(("sctp_assoc", done(&mut self.sctp_assoc)?));
        out.push(("state", done(&mut self.state)?));
        out.push(("recv_q", done(&mut self.recv_q)?));
        out.push(("send_q", done(&mut self.send_q)?));
        out.push(("local", self.local.finish()?));
        out.push(("peer", self.peer.finish()?));
        let entries = struct_array(
            vec![
                ("name", done(&mut self.p_name)?),
                ("pid", done(&mut self.p_pid)?),
                ("fd", done(&mut self.p_fd)?),
                ("tid", done(&mut self.p_tid)?),
                ("proc_ctx", done(&mut self.p_proc_ctx)?),
                ("sock_ctx", done(&mut self.p_sock_ctx)?),
            ],
            None,
        )?;
        out.push(("process", self.process.finish(entries)?));
        out.push(("process_truncated", done(&mut self.process_truncated)?));
        out.push(("extras", self.extras.finish()?));
        let lines = done(&mut self.info_lines)?;
        out.push(("info", self.info.finish(lines)?));
        out.push(("info_extras", self.info_extras.finish()?));
        out.push(("raw", done(&mut self.raw)?));
        Ok(())
    }
}

// --- counter, interface, membership -----------------------------------------------------

/// What the counters of one line share, as the event gives it: a /proc values line's
/// counters (a hundred on a line) differ only in their name, value and position. Compared
/// by address: the same line at the same offset, read by the same machine, gives its
/// counters the same section and sub-table bytes, so a row whose key is the last row's
/// repeats the last row's shared columns.
#[derive(Clone, Copy)]
struct LineKey {
    offset: u64,
    line: u64,
    capture: u32,
    source: CounterSource,
    text: (usize, usize),
    positioned: bool,
    rate: Option<u64>,
    section: (usize, usize),
    subtable: Option<(usize, usize)>,
}

impl LineKey {
    #[inline(always)]
    fn of(ev: &Event<'_>, c: &Counter<'_>) -> Self {
        let span = |b: &[u8]| (b.as_ptr() as usize, b.len());
        LineKey {
            offset: ev.at.offset,
            line: ev.at.line,
            capture: ev.capture,
            source: c.source,
            text: span(c.line),
            positioned: c.position.is_some(),
            rate: c.rate.map(f64::to_bits),
            section: span(c.section),
            subtable: c.subtable.map(span),
        }
    }

    /// Whether `ev` is of this line: [`LineKey::of`] compared a field at a time, without
    /// building the key (the offset first: it differs on every other line).
    #[inline(always)]
    fn holds(&self, ev: &Event<'_>, c: &Counter<'_>) -> bool {
        let span = |b: &[u8]| (b.as_ptr() as usize, b.len());
        self.offset == ev.at.offset
            && self.text == span(c.line)
            && self.line == ev.at.line
            && self.capture == ev.capture
            && self.source == c.source
            && self.positioned == c.position.is_some()
            && self.section == span(c.section)
            && self.subtable == c.subtable.map(span)
            && self.rate == c.rate.map(f64::to_bits)
    }
}

struct CounterCols {
    // The columns a line's counters share (with `kind`, `line`, `offset` and `capture`).
    source: Runs,
    /// The same on every counter of a /proc values line or a `netstat -s` section.
    section: TextRuns,
    /// Null outside a `netstat -s` histogram.
    subtable: TextRuns,
    raw: Text,
    rate: Num<Float64Type>,
    /// The last row's line, whose shared columns `repeats` more rows repeat (written when
    /// another line comes, or at the end).
    last: Option<LineKey>,
    repeats: usize,
    // Each row's own.
    name: Text,
    /// `None` while every row's text is its name, the same bytes (/proc, snmp6, nstat):
    /// the `text` column is then the `name` column. A row where it is not gives `text` a
    /// column of its own, a copy of `name` so far.
    text: Option<Text>,
    value: Int,
    value_decimal: Text,
    position: Int,
    buf: String,
}

impl CounterCols {
    /// With room for `rows` rows.
    fn new(rows: usize) -> Self {
        CounterCols {
            source: Runs::default(),
            section: TextRuns::default(),
            subtable: TextRuns::default(),
            raw: Text::with_capacity(rows, 48),
            rate: Num::default(),
            last: None,
            repeats: 0,
            name: Text::with_capacity(rows, 24),
            text: None,
            value: Int::with_capacity(rows),
            value_decimal: Text::default(),
            position: Int::with_capacity(rows),
            buf: String::new(),
        }
    }

    #[inline(always)]
    fn push(&mut self, common: &mut Common, ev: &Event<'_>, c: &Counter<'_>) -> Res<()> {
        if self.last.as_ref().is_some_and(|last| last.holds(ev, c)) {
            self.repeats += 1;
        } else {
            self.line(common, ev, c)?;
        }
        self.name_and_text(c.name, c.text);
        match i64::try_from(c.value) {
            Ok(v) => {
                self.value.append_value(v);
                self.value_decimal.append_null();
            }
            Err(_) => self.value_beyond_int64(c.value),
        }
        // A /proc values line holds every counter of its section: its position says which
        // value this is (the JSON then has no `raw` either).
        match c.position {
            Some(p) => self.position.append_value(i64::from(p)),
            None => self.position.append_null(),
        }
        Ok(())
    }

    /// The first row of a line: the rows of the line before are written out, then this
    /// row's shared columns.
    #[inline(always)]
    fn line(&mut self, common: &mut Common, ev: &Event<'_>, c: &Counter<'_>) -> Res<()> {
        self.flush(common);
        common.push(ev)?;
        self.last = Some(LineKey::of(ev, c));
        self.source.append(c.source.name());
        self.section.append(Some(c.section));
        self.subtable.append(c.subtable);
        match c.position {
            Some(_) => self.raw.append_null(),
            None => self.raw.append_bytes(c.line),
        }
        self.rate.append_option(c.rate);
        Ok(())
    }

    /// The shared columns of the rows that repeat the last row's line.
    #[inline(always)]
    fn flush(&mut self, common: &mut Common) {
        if self.repeats > 0 {
            self.write_repeats(common);
        }
    }

    #[inline(never)]
    fn write_repeats(&mut self, common: &mut Common) {
        let n = std::mem::take(&mut self.repeats);
        common.repeat_last(n);
        self.source.repeat_last(n);
        self.section.repeat_last(n);
        self.subtable.repeat_last(n);
        self.raw.repeat_last(n);
        self.rate.repeat_last(n);
    }

    /// A row's `name` and `text`: while every text is its name, only `name` is written.
    #[inline(always)]
    fn name_and_text(&mut self, name: Option<&[u8]>, text: &[u8]) {
        if self.text.is_none() {
            match name {
                Some(name) if std::ptr::eq(name, text) => return self.name.append_bytes(name),
                _ => self.text_apart(),
            }
        }
        if let Some(column) = &mut self.text {
            column.append_bytes(text);
        }
        self.name.append_opt_bytes(name);
    }

    /// The first row whose text is not its name: `text` becomes a column of its own.
    #[cold]
    #[inline(never)]
    fn text_apart(&mut self) {
        self.text = Some(self.name.duplicate());
    }

    #[cold]
    #[inline(never)]
    fn value_beyond_int64(&mut self, value: i128) {
        self.value.append_null();
        self.buf.clear();
        let _ = write!(self.buf, "{value}");
        self.value_decimal.append_value(&self.buf);
    }

    /// The columns after the common ones (which `flush` completes first).
    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("source", done(&mut self.source)?));
        out.push(("section", done(&mut self.section)?));
        let name = done(&mut self.name)?;
        out.push(("name", Arc::clone(&name)));
        out.push(("subtable", done(&mut self.subtable)?));
        out.push(("value", done(&mut self.value)?));
        out.push(("value_decimal", done(&mut self.value_decimal)?));
        let text = match self.text.take() {
            Some(mut text) => done(&mut text)?,
            None => name,
        };
        out.push(("text", text));
        out.push(("position", done(&mut self.position)?));
        out.push(("raw", done(&mut self.raw)?));
        out.push(("rate", done(&mut self.rate)?));
        Ok(())
    }
}

/// netstat -i's eight counters, then /proc/net/dev's eight more.
const IFACE_COUNTERS: [&str; 16] = [
    "rx_ok",
    "rx_err",
    "rx_drp",
    "rx_ovr",
    "tx_ok",
    "tx_err",
    "tx_drp",
    "tx_ovr",
    "rx_bytes",
    "rx_frame",
    "rx_compressed",
    "rx_multicast",
    "tx_bytes",
    "tx_colls",
    "tx_carrier",
    "tx_compressed",
];

#[derive(Default)]
struct InterfaceCols {
    iface: Text,
    mtu: Int,
    metric: Int,
    counters: [Int; 16],
    flags: ListBuilder<StringBuilder>,
    flags_text: Text,
    raw: Text,
}

impl InterfaceCols {
    fn push(&mut self, i: &Interface<'_>) -> Res<()> {
        self.iface.append_bytes(i.iface);
        self.mtu.append_option(opt_int(i.mtu)?);
        self.metric.append_option(opt_int(i.metric)?);
        let st = i.stats.map(|s| [s.rx_ok, s.rx_err, s.rx_drp, s.rx_ovr, s.tx_ok, s.tx_err, s.tx_drp, s.tx_ovr]);
        let dev = i.dev.map(|d| {
            [
                d.rx_bytes,
                d.rx_frame,
                d.rx_compressed,
                d.rx_multicast,
                d.tx_bytes,
                d.tx_colls,
                d.tx_carrier,
                d.tx_compressed,
            ]
        });
        for (k, b) in self.counters.iter_mut().enumerate() {
            let v = if k < 8 { st.map(|s| s[k]) } else { dev.and_then(|d| d[k - 8]) };
            b.append_option(opt_int(v)?);
        }
        match i.flags {
            Some(flags) => {
                flags.names().for_each(|n| self.flags.values().append_value(n));
                self.flags.append(true);
            }
            None => self.flags.append(false),
        }
        self.flags_text.append_bytes(i.flags_text);
        self.raw.append_bytes(i.line);
        Ok(())
    }

    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("iface", done(&mut self.iface)?));
        out.push(("mtu", done(&mut self.mtu)?));
        out.push(("metric", done(&mut self.metric)?));
        for (name, b) in IFACE_COUNTERS.into_iter().zip(self.counters.iter_mut()) {
            out.push((name, done(b)?));
        }
        out.push(("flags", done(&mut self.flags)?));
        out.push(("flags_text", done(&mut self.flags_text)?));
        out.push(("raw", done(&mut self.raw)?));
        Ok(())
    }
}

#[derive(Default)]
struct MembershipCols {
    interface: Text,
    refcnt: Int,
    group: Text,
    family: Text,
    raw: Text,
}

impl MembershipCols {
    fn push(&mut self, m: &Membership<'_>) -> Res<()> {
        self.interface.append_bytes(m.interface);
        self.refcnt.append_value(int(m.refcnt)?);
        match m.group {
            Group::Ip(ip) => {
                self.group.append_ip(ip);
                self.family.append_value(if ip.is_ipv4() { "ipv4" } else { "ipv6" });
            }
            Group::Name(n) => {
                self.group.append_bytes(n);
                self.family.append_value("name");
            }
        }
        self.raw.append_bytes(m.line);
        Ok(())
    }

    fn finish(&mut self, out: &mut Named) -> Result<(), ArrowError> {
        out.push(("interface", done(&mut self.interface)?));
        out.push(("refcnt", done(&mut self.refcnt)?));
        out.push(("group", done(&mut self.group)?));
        out.push(("family", done(&mut self.family)?));
        out.push(("raw", done(&mut self.raw)?));
        Ok(())
    }
}

// --- one kind's table -------------------------------------------------------------------

/// The columns of the requested kind.
enum KindCols {
    Section(Box<SectionCols>),
    InetConn(Box<InetCols>),
    UnixSocket(Box<UnixCols>),
    SsSocket(Box<SsCols>),
    Counter(Box<CounterCols>),
    Interface(Box<InterfaceCols>),
    Membership(Box<MembershipCols>),
    Notice(Box<NoticeCols>),
    Malformed(Box<MalformedCols>),
}

/// The table of one event kind being built.
struct Table {
    kind: usize,
    common: Common,
    cols: KindCols,
}

impl Table {
    /// The builders of the kind named `kind` (one of `EventKind::NAMES`), with room for
    /// the rows that `bytes` of input usually hold (more rows grow the buffers; fewer
    /// leave room that was never touched).
    fn new(kind: &str, bytes: usize) -> Option<Table> {
        let index = EventKind::NAMES.iter().position(|k| *k == kind)?;
        // Bytes of input per row, at the least, in the outputs these kinds come from.
        let rows = |bytes_per_row: usize| bytes / bytes_per_row;
        let (cols, rows) = match kind {
            "section" => (KindCols::Section(Box::default()), 0),
            "inet_conn" => (KindCols::InetConn(Box::default()), 0),
            "unix_socket" => (KindCols::UnixSocket(Box::default()), 0),
            "ss_socket" => (KindCols::SsSocket(Box::new(SsCols::new(rows(128)))), rows(128)),
            "counter" => (KindCols::Counter(Box::new(CounterCols::new(rows(16)))), rows(16)),
            "interface" => (KindCols::Interface(Box::default()), 0),
            "membership" => (KindCols::Membership(Box::default()), 0),
            "notice" => (KindCols::Notice(Box::default()), 0),
            "malformed" => (KindCols::Malformed(Box::default()), 0),
            _ => return None,
        };
        Some(Table { kind: index, common: Common::new(EventKind::NAMES[index], rows), cols })
    }

    /// Add the event when it is of the table's kind.
    fn push(&mut self, ev: &Event<'_>) -> Res<()> {
        if ev.kind.index() != self.kind {
            return Ok(());
        }
        // Counters first: most rows of the tables that are slow to build are counters.
        if let (KindCols::Counter(t), EventKind::Counter(c)) = (&mut self.cols, &ev.kind) {
            return t.push(&mut self.common, ev, c);
        }
        self.common.push(ev)?;
        match (&mut self.cols, &ev.kind) {
            (KindCols::Section(t), EventKind::Section(s)) => t.push(s),
            (KindCols::InetConn(t), EventKind::InetConn(c)) => t.push(c)?,
            (KindCols::UnixSocket(t), EventKind::UnixSocket(u)) => t.push(u)?,
            (KindCols::SsSocket(t), EventKind::SsSocket(s)) => t.push(s)?,
            (KindCols::Interface(t), EventKind::Interface(i)) => t.push(i)?,
            (KindCols::Membership(t), EventKind::Membership(m)) => t.push(m)?,
            (KindCols::Notice(t), EventKind::Notice(n)) => t.push(n),
            (KindCols::Malformed(t), EventKind::Malformed(m)) => t.push(m)?,
            _ => return Err(format!("an event of kind {} does not match its table", ev.kind.name())),
        }
        Ok(())
    }

    fn finish(mut self) -> Result<RecordBatch, ArrowError> {
        if let KindCols::Counter(t) = &mut self.cols {
            t.flush(&mut self.common);
        }
        let mut out = self.common.finish()?;
        match &mut self.cols {
            KindCols::Section(t) => t.finish(&mut out)?,
            KindCols::InetConn(t) => t.finish(&mut out)?,
            KindCols::UnixSocket(t) => t.finish(&mut out)?,
            KindCols::SsSocket(t) => t.finish(&mut out)?,
            KindCols::Counter(t) => t.finish(&mut out)?,
            KindCols::Interface(t) => t.finish(&mut out)?,
            KindCols::Membership(t) => t.finish(&mut out)?,
            KindCols::Notice(t) => t.finish(&mut out)?,
            KindCols::Malformed(t) => t.finish(&mut out)?,
        }
        let schema =
            Schema::new(out.iter().map(|(name, a)| Field::new(*name, a.data_type().clone(), true)).collect::<Fields>());
        RecordBatch::try_new(Arc::new(schema), out.into_iter().map(|(_, a)| a).collect())
    }
}

/// Bytes of input parsed by one thread at a time; a window holds one part per worker.
const PART: usize = 4 << 20;

/// Parse `bytes` with `parser` (finishing it when `last`) into a table of `kind`.
fn parse_part(parser: &mut PushParser, bytes: &[u8], last: bool, kind: &str) -> Result<RecordBatch, String> {
    let mut table = Table::new(kind, bytes.len()).ok_or_else(|| format!("unknown event kind {kind:?}"))?;
    let mut failed: Option<String> = None;
    let mut sink = |ev: Event<'_>| {
        if failed.is_none() {
            if let Err(e) = table.push(&ev) {
                failed = Some(format!("line {}: {e}", ev.at.line));
            }
        }
    };
    parser.feed(bytes, &mut sink);
    if last {
        parser.finish(&mut sink);
    }
    if let Some(e) = failed {
        return Err(e);
    }
    table.finish().map_err(|e| e.to_string())
}

/// The events of one kind of a source, as record batches in input order.
///
/// The input is read a window at a time (one part of a few MB per core, cut at line
/// starts), the next one on a thread of its own while this one is parsed (`ahead`). The
/// first part of a window is parsed by the true parser; each other part, on
/// its own thread, by a parser whose state is guessed from the bytes just before it
/// (`PushParser::guess_for_part_under`, with the capture state and table header found by a
/// first quick pass over the parts, as the CLI's `--jobs`). When the true parser reaches the
/// part, a guess that agrees with it keeps its rows; one that does not is thrown away
/// and the part is parsed again by the true parser. So the table is exactly that of one
/// parse, and memory holds one window whatever the input's size.
///
/// `name` is the file's name, from which a kernel socket table (`/proc/net/tcp6`) takes its
/// protocol, as in `netsift.events()`; such a table is parsed by one thread (a guessed
/// parser would not know the name).
fn build(
    reader: &mut (dyn Read + Send),
    format: netsift::Format,
    name: Option<&str>,
    kind: &str,
) -> PyResult<Vec<RecordBatch>> {
    let (mut truth, workers) = match name {
        Some(name) if netsift::Format::kernel_table(name).is_some() => (PushParser::named(format, name), 1),
        _ => (PushParser::new(format), parts::workers()),
    };
    ahead::windows(reader, workers * PART, |windows| {
        let mut batches = Vec::new();
        // Where the window starts: a line start, except after a line longer than a window
        // (then every part is parsed by the true parser).
        let mut at = netsift::push::Position { line: 1, offset: 0 };
        let mut aligned = true;
        let mut inside = None;
        // The last table header read so far (an ss table can go on over several windows).
        let mut header: Vec<u8> = Vec::new();
        let mut have_header = false;
        loop {
            let window = windows.next().map_err(|e| PyOSError::new_err(e.to_string()))?;
            let (bytes, ended) = (window.bytes(), window.ended);
            // The window's whole lines; the rest waits for the next window.
            let end = if ended { bytes.len() } else { memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1) };
            if end == 0 && !ended {
                // A line longer than the window: fed as is, and no guessing from here on.
                batches.push(parse_part(&mut truth, bytes, false, kind).map_err(PyValueError::new_err)?);
                let fed = bytes.len();
                windows.done(window, fed);
                aligned = false;
                continue;
            }
            let bytes = &bytes[..end];
            if aligned && inside.is_none() && at.offset == 0 {
                inside = Some(parts::sniff(format, bytes));
            }
            let span = parts::Span {
                format,
                bytes,
                at,
                ended,
                inside: inside.flatten(),
                workers: if aligned { workers } else { 1 },
                header: have_header.then_some(&header[..]),
            };
            let (results, parsed) =
                parts::parse(&mut truth, span, &|parser, part, last| parse_part(parser, part, last, kind));
            let end_line = parsed.end_line;
            if let Some(h) = parsed.header.map(<[u8]>::to_vec) {
                header = h;
                have_header = true;
            }
            for batch in results {
                // A value that does not fit its column (named with its line).
                batches.push(batch.map_err(PyValueError::new_err)?);
            }
            if ended {
                return Ok(batches);
            }
            at.line = end_line;
            at.offset += end as u64;
            windows.done(window, end);
        }
    })
}

/// The batch behind `netsift.table()`, exported once through the Arrow C stream interface.
#[pyclass(module = "netsift._netsift")]
pub struct TableStream {
    batches: Option<(Vec<RecordBatch>, Arc<Schema>)>,
}

#[pymethods]
impl TableStream {
    /// The Arrow C stream of the table (a PyCapsule named `arrow_array_stream`).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &mut self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema; // the table is given in its own schema
        let (batches, schema) =
            self.batches.take().ok_or_else(|| PyValueError::new_err("the table was already exported"))?;
        let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new(py, stream, Some(c"arrow_array_stream".to_owned()))
    }

    /// Rows in the table (before export).
    fn num_rows(&self) -> usize {
        self.batches.as_ref().map_or(0, |(b, _)| b.iter().map(RecordBatch::num_rows).sum())
    }
}

/// Parse `source` and build the table of the events of `kind`; the GIL is released.
#[pyfunction]
#[pyo3(signature = (source, kind, format = "auto"))]
fn table_stream(py: Python<'_>, source: &Bound<'_, PyAny>, kind: &str, format: &str) -> PyResult<TableStream> {
    if !EventKind::NAMES.contains(&kind) {
        return Err(PyValueError::new_err(format!(
            "unknown event kind {kind:?} (one of: {})",
            EventKind::NAMES.join(", ")
        )));
    }
    let format = format_of(format)?;
    let source = Source::from_py(source)?;
    let name = match &source {
        Source::Path(p) => Some(p.display().to_string()),
        _ => None,
    };
    let kind = kind.to_string();
    let batches = py.allow_threads(move || -> PyResult<Vec<RecordBatch>> {
        let mut reader = source.open()?;
        build(&mut reader, format, name.as_deref(), &kind)
    })?;
    // Every batch has the kind's fixed schema; the first says what it is.
    let schema = batches.first().map(RecordBatch::schema).ok_or_else(|| PyOSError::new_err("no table was built"))?;
    Ok(TableStream { batches: Some((batches, schema)) })
}
