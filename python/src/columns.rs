//! Column builders for `netsift.table()` cheaper per row than arrow-rs's generic ones, for
//! the columns every row fills: text appended as bytes (checked as ASCII, the common case,
//! in a few instructions, other bytes through the lossy decoder, so that a column is UTF-8
//! by construction and is not validated again), nulls that cost one count while a column
//! has held nothing else (a `rate` or `subtable` column null on every row of an input
//! becomes a null array at the end), `kind` and `source` kept as runs of a name and
//! written at the end, and room reserved up front for the rows a part is expected to hold,
//! so that the buffers do not grow by copying. The column types are those of arrow-rs's
//! builders (`Utf8`, `Int64`, `Float64`): a dictionary-encoded text column would cost less
//! still, but pyarrow's string functions and polars' `.str` do not take one.

use std::net::IpAddr;
use std::sync::Arc;

use arrow_array::builder::ArrayBuilder;
use arrow_array::types::ArrowPrimitiveType;
use arrow_array::{new_null_array, ArrayRef, BooleanArray, PrimitiveArray, StringArray};
use arrow_buffer::{BooleanBuffer, BooleanBufferBuilder, NullBufferBuilder, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType};

/// A builder that can be turned into a finished column.
pub trait Column {
    /// The column built so far; the builder starts again empty.
    fn finish_column(&mut self) -> Result<ArrayRef, ArrowError>;
}

impl<B: ArrayBuilder> Column for B {
    fn finish_column(&mut self) -> Result<ArrayRef, ArrowError> {
        Ok(self.finish())
    }
}

/// Bytes checked to be ASCII (so UTF-8): checked once, they can be appended to several
/// columns (a /proc counter's `name` and `text` are the same bytes).
#[derive(Clone, Copy)]
pub struct Ascii<'a>(&'a [u8]);

impl<'a> Ascii<'a> {
    /// `b`, when it is ASCII.
    #[inline(always)]
    pub fn new(b: &'a [u8]) -> Option<Self> {
        b.is_ascii().then_some(Ascii(b))
    }

    /// `part`, when it lies inside these bytes (a counter's text inside its line): no
    /// second check.
    #[inline(always)]
    pub fn part(self, part: &'a [u8]) -> Option<Self> {
        let whole = self.0.as_ptr_range();
        let inside = whole.start <= part.as_ptr() && part.as_ptr_range().end <= whole.end;
        inside.then_some(Ascii(part))
    }
}

/// Append `b` to `v`. A short value (most of a table's: names, sections, ports, counter
/// sentences) is copied as two overlapping words (or, under four bytes, byte by byte) when
/// there is room, instead of through a call to `memcpy`.
#[inline(always)]
fn push_bytes(v: &mut Vec<u8>, b: &[u8]) {
    let n = b.len();
    if n <= 32 && v.capacity() - v.len() >= 32 {
        // SAFETY: the reads are inside `b` (`n` is at least the width read, and a second
        // read ends at `n`; the byte loop reads `b`'s own bytes); the writes are inside
        // `v`'s spare capacity (at least 32 bytes, and they end at `n` ≤ 32); after them
        // the first `len + n` bytes of `v` are initialised (the writes together cover
        // `0..n`), so `set_len` is sound.
        unsafe {
            let (src, dst) = (b.as_ptr(), v.as_mut_ptr().add(v.len()));
            if n >= 16 {
                let (lo, hi) = (src.cast::<u128>().read_unaligned(), src.add(n - 16).cast::<u128>().read_unaligned());
                dst.cast::<u128>().write_unaligned(lo);
                dst.add(n - 16).cast::<u128>().write_unaligned(hi);
            } else if n >= 8 {
                let (lo, hi) = (src.cast::<u64>().read_unaligned(), src.add(n - 8).cast::<u64>().read_unaligned());
                dst.cast::<u64>().write_unaligned(lo);
                dst.add(n - 8).cast::<u64>().write_unaligned(hi);
            } else if n >= 4 {
                let (lo, hi) = (src.cast::<u32>().read_unaligned(), src.add(n - 4).cast::<u32>().read_unaligned());
                dst.cast::<u32>().write_unaligned(lo);
                dst.add(n - 4).cast::<u32>().write_unaligned(hi);
            } else {
                // Up to three bytes (`Tcp`, `Ip`, a port): one at a time.
                for (k, &byte) in b.iter().enumerate() {
                    dst.add(k).write(byte);
                }
            }
            v.set_len(v.len() + n);
        }
    } else {
        v.extend_from_slice(b);
    }
}

/// A UTF-8 text column (Arrow `Utf8`).
pub struct Text {
    /// Offsets of the rows since the first value (empty before it).
    offsets: Vec<i32>,
    values: Vec<u8>,
    nulls: NullBufferBuilder,
    /// Null rows before the first value: not written anywhere yet.
    leading_nulls: usize,
    /// Rows and bytes to make room for at the first value.
    reserve: (usize, usize),
    /// The values passed 2 GiB (the offsets' range): an error at `finish_column`.
    overflow: bool,
}

impl Default for Text {
    fn default() -> Self {
        Text::with_capacity(0, 0)
    }
}

impl Text {
    /// A column with room for `rows` rows of about `bytes_per_row` bytes.
    pub fn with_capacity(rows: usize, bytes_per_row: usize) -> Self {
        Text {
            offsets: Vec::new(),
            values: Vec::new(),
            nulls: NullBufferBuilder::new(0),
            leading_nulls: 0,
            reserve: (rows, rows.saturating_mul(bytes_per_row)),
            overflow: false,
        }
    }

    /// Before the first value: the offsets of the null rows so far, and the room reserved.
    #[inline(always)]
    fn start(&mut self) {
        if self.offsets.is_empty() {
            self.begin();
        }
    }

    #[cold]
    #[inline(never)]
    fn begin(&mut self) {
        let (rows, bytes) = self.reserve;
        self.offsets.reserve(rows.max(self.leading_nulls) + 1);
        self.values.reserve(bytes);
        self.offsets.resize(self.leading_nulls + 1, 0);
        self.nulls = NullBufferBuilder::new(rows);
        // (Any call, even for no nulls, would make the builder keep a bitmap.)
        if self.leading_nulls > 0 {
            self.nulls.append_n_nulls(self.leading_nulls);
        }
        self.leading_nulls = 0;
    }

    #[inline(always)]
    fn end_row(&mut self) {
        match i32::try_from(self.values.len()) {
            Ok(end) => self.offsets.push(end),
            Err(_) => {
                self.overflow = true;
                self.offsets.push(i32::MAX);
            }
        }
    }

    /// A value known to be text.
    #[inline(always)]
    pub fn append_value(&mut self, v: impl AsRef<str>) {
        self.start();
        push_bytes(&mut self.values, v.as_ref().as_bytes());
        self.nulls.append_non_null();
        self.end_row();
    }

    /// A value read from the input: UTF-8 as is, other bytes as U+FFFD.
    #[inline(always)]
    pub fn append_bytes(&mut self, b: &[u8]) {
        self.start();
        if b.is_ascii() {
            push_bytes(&mut self.values, b);
        } else {
            self.values.extend_from_slice(String::from_utf8_lossy(b).as_bytes());
        }
        self.nulls.append_non_null();
        self.end_row();
    }

    /// Bytes already checked to be ASCII.
    #[inline(always)]
    pub fn append_ascii(&mut self, a: Ascii<'_>) {
        self.start();
        push_bytes(&mut self.values, a.0);
        self.nulls.append_non_null();
        self.end_row();
    }

    /// An IP address as `Display` writes it, by the CLI's JSON writer of addresses
    /// (ASCII by construction).
    #[inline(always)]
    pub fn append_ip(&mut self, ip: IpAddr) {
        self.start();
        netsift::json::ip_text(&mut self.values, ip);
        self.nulls.append_non_null();
        self.end_row();
    }

    /// [`Text::append_bytes`], or a null.
    #[inline]
    pub fn append_opt_bytes(&mut self, b: Option<&[u8]>) {
        match b {
            Some(b) => self.append_bytes(b),
            None => self.append_null(),
        }
    }

    /// A value known to be text, or a null.
    #[inline]
    pub fn append_option(&mut self, v: Option<impl AsRef<str>>) {
        match v {
            Some(v) => self.append_value(v),
            None => self.append_null(),
        }
    }

    /// A null row.
    #[inline(always)]
    pub fn append_null(&mut self) {
        match self.offsets.last() {
            None => self.leading_nulls += 1,
            Some(&end) => {
                self.offsets.push(end);
                self.nulls.append_null();
            }
        }
    }

    /// `n` null rows.
    #[inline]
    pub fn append_nulls(&mut self, n: usize) {
        if self.offsets.is_empty() {
            self.leading_nulls += n;
            return;
        }
        let end = self.offsets.last().copied().unwrap_or(0);
        self.offsets.extend(std::iter::repeat_n(end, n));
        self.nulls.append_n_nulls(n);
    }
}

impl Column for Text {
    fn finish_column(&mut self) -> Result<ArrayRef, ArrowError> {
        let (rows, bytes) = self.reserve;
        let t = std::mem::replace(self, Text::with_capacity(rows, bytes / rows.max(1)));
        if t.overflow {
            return Err(ArrowError::ComputeError("a text column holds more than 2 GiB in one part".into()));
        }
        if t.offsets.is_empty() {
            return Ok(new_null_array(&DataType::Utf8, t.leading_nulls));
        }
        let mut nulls = t.nulls;
        // SAFETY: the offsets start at 0 and never decrease (each is the length of the
        // values after a row, checked to fit an i32 above), so they are a valid offset
        // buffer; every row appended is a `&str` or ASCII bytes or `from_utf8_lossy`'s
        // output, so the values are UTF-8 and each offset falls between two characters.
        let array = unsafe {
            StringArray::new_unchecked(OffsetBuffer::new_unchecked(t.offsets.into()), t.values.into(), nulls.finish())
        };
        Ok(Arc::new(array))
    }
}

/// A column of names known when the program is built (`kind`: one in a table; a
/// counter's `source`: one per input, almost always), kept as runs of the same name and
/// written at the end.
#[derive(Default)]
pub struct Runs {
    runs: Vec<(&'static str, usize)>,
}

impl Runs {
    /// One more row of `value`.
    #[inline(always)]
    pub fn append(&mut self, value: &'static str) {
        match self.runs.last_mut() {
            Some((last, rows)) if std::ptr::eq(*last, value) || *last == value => *rows += 1,
            _ => self.runs.push((value, 1)),
        }
    }
}

impl Column for Runs {
    fn finish_column(&mut self) -> Result<ArrayRef, ArrowError> {
        let runs = std::mem::take(&mut self.runs);
        let rows: usize = runs.iter().map(|(_, n)| n).sum();
        let bytes = runs.iter().try_fold(0usize, |sum, (v, n)| v.len().checked_mul(*n)?.checked_add(sum));
        let too_long = || ArrowError::ComputeError("a text column holds more than 2 GiB in one part".into());
        // Every offset and count below is at most the total, so none overflows an i32.
        i32::try_from(bytes.ok_or_else(too_long)?).map_err(|_| too_long())?;
        i32::try_from(rows).map_err(|_| too_long())?;
        let mut offsets = Vec::with_capacity(rows + 1);
        let mut values = Vec::with_capacity(bytes.unwrap_or(0));
        offsets.push(0i32);
        for (value, n) in runs {
            let (base, step) = (values.len() as i32, value.len() as i32);
            offsets.extend((1..=n as i32).map(|k| base + k * step));
            // The run's bytes by doubling: one copy of `value`, then copies of the copies.
            let (start, run) = (values.len(), value.len() * n);
            values.extend_from_slice(value.as_bytes());
            while values.len() - start < run {
                let have = values.len() - start;
                values.extend_from_within(start..start + have.min(run - have));
            }
        }
        // SAFETY: the offsets start at 0 and each is the previous plus the length of the
        // `&str` whose bytes were appended between them, so they are in order, end at the
        // length of the values, and each row is one whole `&str`.
        let array =
            unsafe { StringArray::new_unchecked(OffsetBuffer::new_unchecked(offsets.into()), values.into(), None) };
        Ok(Arc::new(array))
    }
}

/// A numeric column (`Int64`, `Float64`).
pub struct Num<T: ArrowPrimitiveType> {
    values: Vec<T::Native>,
    nulls: NullBufferBuilder,
    /// Null rows before the first value: not written anywhere yet.
    leading_nulls: usize,
    started: bool,
    /// Rows to make room for at the first value.
    reserve: usize,
}

impl<T: ArrowPrimitiveType> Default for Num<T> {
    fn default() -> Self {
        Num::with_capacity(0)
    }
}

impl<T: ArrowPrimitiveType> Num<T> {
    /// A column with room for `rows` rows.
    pub fn with_capacity(rows: usize) -> Self {
        Num { values: Vec::new(), nulls: NullBufferBuilder::new(0), leading_nulls: 0, started: false, reserve: rows }
    }

    #[inline(always)]
    fn start(&mut self) {
        if !self.started {
            self.begin();
        }
    }

    #[cold]
    #[inline(never)]
    fn begin(&mut self) {
        self.started = true;
        self.values.reserve(self.reserve.max(self.leading_nulls + 1));
        self.values.resize(self.leading_nulls, T::Native::default());
        self.nulls = NullBufferBuilder::new(self.reserve);
        if self.leading_nulls > 0 {
            self.nulls.append_n_nulls(self.leading_nulls);
        }
        self.leading_nulls = 0;
    }

    /// A value.
    #[inline(always)]
    pub fn append_value(&mut self, v: T::Native) {
        self.start();
        self.values.push(v);
        self.nulls.append_non_null();
    }

    /// A value or a null.
    #[inline]
    pub fn append_option(&mut self, v: Option<T::Native>) {
        match v {
            Some(v) => self.append_value(v),
            None => self.append_null(),
        }
    }

    /// A null row.
    #[inline(always)]
    pub fn append_null(&mut self) {
        if self.started {
            self.values.push(T::Native::default());
            self.nulls.append_null();
        } else {
            self.leading_nulls += 1;
        }
    }

    /// `n` null rows.
    #[inline]
    pub fn append_nulls(&mut self, n: usize) {
        if !self.started {
            self.leading_nulls += n;
            return;
        }
        self.values.extend(std::iter::repeat_n(T::Native::default(), n));
        self.nulls.append_n_nulls(n);
    }
}

impl<T: ArrowPrimitiveType> Column for Num<T> {
    fn finish_column(&mut self) -> Result<ArrayRef, ArrowError> {
        let mut t = std::mem::replace(self, Num::with_capacity(self.reserve));
        if !t.started {
            return Ok(new_null_array(&T::DATA_TYPE, t.leading_nulls));
        }
        let array = PrimitiveArray::<T>::try_new(ScalarBuffer::from(t.values), t.nulls.finish())?;
        Ok(Arc::new(array))
    }
}

/// A boolean column without nulls that is false on most rows (ss's `sctp_assoc` and
/// `process_truncated`): a count until the first true, then a bitmap.
#[derive(Default)]
pub struct Flags {
    /// The rows' bits, from the first true on.
    bits: Option<BooleanBufferBuilder>,
    /// Rows before the first true.
    falses: usize,
}

impl Flags {
    /// One more row.
    #[inline(always)]
    pub fn append(&mut self, v: bool) {
        match &mut self.bits {
            Some(bits) => bits.append(v),
            None if !v => self.falses += 1,
            None => self.first_true(),
        }
    }

    #[cold]
    #[inline(never)]
    fn first_true(&mut self) {
        let mut bits = BooleanBufferBuilder::new(self.falses + 1);
        bits.append_n(self.falses, false);
        bits.append(true);
        self.bits = Some(bits);
    }
}

impl Column for Flags {
    fn finish_column(&mut self) -> Result<ArrayRef, ArrowError> {
        let t = std::mem::take(self);
        let values = match t.bits {
            Some(mut bits) => bits.finish(),
            None => BooleanBuffer::new_unset(t.falses),
        };
        Ok(Arc::new(BooleanArray::new(values, None)))
    }
}
