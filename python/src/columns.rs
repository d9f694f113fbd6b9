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
use arrow_array::types::{ArrowPrimitiveType, Int64Type};
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

/// Copy `b` to the end of `v` when it is ASCII (so UTF-8), and say whether it was. A value
/// of up to 256 bytes (most of a table's: names, sections, ports, counter sentences, rows)
/// is copied a word at a time (16 bytes, the last word ending at its end; up to 64 bytes as
/// two or four overlapping words, under four bytes byte by byte) and checked on the words it was
/// copied with, instead of a check loop and a call to `memcpy`. A value that is not ASCII
/// leaves `v` as it was.
#[inline(always)]
fn push_ascii(v: &mut Vec<u8>, b: &[u8]) -> bool {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let n = b.len();
    if n > 256 {
        return push_long(v, b);
    }
    if v.capacity() - v.len() < n {
        make_room(v, n);
    }
    // SAFETY: the reads are inside `b` (each word read starts at or after 0 and ends at or
    // before `n`, as `n` is at least the widths read; the byte loop reads `b`'s own bytes);
    // the writes are inside `v`'s spare capacity (at least `n` bytes, and they end at or
    // before `n`). `set_len` is called only after the writes, which together cover `0..n`,
    // so the first `len + n` bytes of `v` are initialised.
    unsafe {
        let (src, dst) = (b.as_ptr(), v.as_mut_ptr().add(v.len()));
        let high = if n > 64 {
            let mut any = word::load(src);
            word::store(dst, any);
            let mut k = 16;
            while k + 16 < n {
                let w = word::load(src.add(k));
                word::store(dst.add(k), w);
                any = word::or(any, w);
                k += 16;
            }
            let w = word::load(src.add(n - 16));
            word::store(dst.add(n - 16), w);
            word::high(word::or(any, w))
        } else if n > 32 {
            let w =
                [word::load(src), word::load(src.add(16)), word::load(src.add(n - 32)), word::load(src.add(n - 16))];
            word::store(dst, w[0]);
            word::store(dst.add(16), w[1]);
            word::store(dst.add(n - 32), w[2]);
            word::store(dst.add(n - 16), w[3]);
            word::high(word::or(word::or(w[0], w[1]), word::or(w[2], w[3])))
        } else if n >= 16 {
            let (lo, hi) = (word::load(src), word::load(src.add(n - 16)));
            word::store(dst, lo);
            word::store(dst.add(n - 16), hi);
            word::high(word::or(lo, hi))
        } else if n >= 8 {
            let (lo, hi) = (src.cast::<u64>().read_unaligned(), src.add(n - 8).cast::<u64>().read_unaligned());
            dst.cast::<u64>().write_unaligned(lo);
            dst.add(n - 8).cast::<u64>().write_unaligned(hi);
            (lo | hi) & HIGH != 0
        } else if n >= 4 {
            let (lo, hi) = (src.cast::<u32>().read_unaligned(), src.add(n - 4).cast::<u32>().read_unaligned());
            dst.cast::<u32>().write_unaligned(lo);
            dst.add(n - 4).cast::<u32>().write_unaligned(hi);
            u64::from(lo | hi) & HIGH != 0
        } else {
            // Up to three bytes (`Tcp`, `Ip`, a port): one at a time.
            let mut any = 0u8;
            for (k, &byte) in b.iter().enumerate() {
                dst.add(k).write(byte);
                any |= byte;
            }
            any & 0x80 != 0
        };
        if high {
            return false;
        }
        v.set_len(v.len() + n);
    }
    true
}

/// 16-byte words for [`push_ascii`]: SSE2 registers on x86-64 (a load, a store and an OR
/// each, where a `u128` is two of each), `u128` elsewhere.
#[cfg(target_arch = "x86_64")]
mod word {
    use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_storeu_si128};

    pub type Word = __m128i;

    /// # Safety
    /// `p..p + 16` is readable.
    #[inline(always)]
    pub unsafe fn load(p: *const u8) -> Word {
        // SAFETY: the caller's; SSE2 is part of x86-64.
        unsafe { _mm_loadu_si128(p.cast()) }
    }

    /// # Safety
    /// `p..p + 16` is writable.
    #[inline(always)]
    pub unsafe fn store(p: *mut u8, w: Word) {
        // SAFETY: the caller's; SSE2 is part of x86-64.
        unsafe { _mm_storeu_si128(p.cast(), w) }
    }

    #[inline(always)]
    pub fn or(a: Word, b: Word) -> Word {
        // SAFETY: SSE2 is part of x86-64.
        unsafe { _mm_or_si128(a, b) }
    }

    /// Whether a byte has its high bit set (is not ASCII).
    #[inline(always)]
    pub fn high(w: Word) -> bool {
        // SAFETY: SSE2 is part of x86-64.
        unsafe { _mm_movemask_epi8(w) != 0 }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod word {
    pub type Word = u128;

    /// # Safety
    /// `p..p + 16` is readable.
    #[inline(always)]
    pub unsafe fn load(p: *const u8) -> Word {
        // SAFETY: the caller's.
        unsafe { p.cast::<u128>().read_unaligned() }
    }

    /// # Safety
    /// `p..p + 16` is writable.
    #[inline(always)]
    pub unsafe fn store(p: *mut u8, w: Word) {
        // SAFETY: the caller's.
        unsafe { p.cast::<u128>().write_unaligned(w) }
    }

    #[inline(always)]
    pub fn or(a: Word, b: Word) -> Word {
        a | b
    }

    /// Whether a byte has its high bit set (is not ASCII).
    #[inline(always)]
    pub fn high(w: Word) -> bool {
        w & u128::from_ne_bytes([0x80; 16]) != 0
    }
}

/// Room for `n` more bytes (the buffers are reserved up front: seldom needed).
#[cold]
#[inline(never)]
fn make_room(v: &mut Vec<u8>, n: usize) {
    v.reserve(n);
}

/// [`push_ascii`] of a long value.
#[inline(never)]
fn push_long(v: &mut Vec<u8>, b: &[u8]) -> bool {
    if !b.is_ascii() {
        return false;
    }
    v.extend_from_slice(b);
    true
}

/// Append `b`, which is not ASCII, as UTF-8 (other bytes as U+FFFD).
#[cold]
#[inline(never)]
fn push_lossy(v: &mut Vec<u8>, b: &[u8]) {
    v.extend_from_slice(String::from_utf8_lossy(b).as_bytes());
}

/// Append `b` as UTF-8: ASCII as is, other bytes through the lossy decoder.
#[inline(always)]
fn push_text(v: &mut Vec<u8>, b: &[u8]) {
    if !push_ascii(v, b) {
        push_lossy(v, b);
    }
}

/// Are `a` and `b` the same bytes? Short ones (a section's name) compared as two
/// overlapping words, without a call to `memcmp`.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| s.get(at..at + 8).map(|w| u64::from_ne_bytes(w.try_into().unwrap_or_default()));
    let half = |s: &[u8], at: usize| s.get(at..at + 4).map(|w| u32::from_ne_bytes(w.try_into().unwrap_or_default()));
    match n {
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => a == b,
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

    /// The row's end. The offset is the values' length cut to 32 bits: `finish_column`
    /// refuses values beyond `i32::MAX` bytes, and while the last length fits, every
    /// length before it (never larger) did too.
    #[inline(always)]
    fn end_row(&mut self) {
        self.offsets.push(self.values.len() as i32);
    }

    /// A value known to be text.
    #[inline(always)]
    pub fn append_value(&mut self, v: impl AsRef<str>) {
        self.start();
        let v = v.as_ref().as_bytes();
        if !push_ascii(&mut self.values, v) {
            // UTF-8 already.
            self.values.extend_from_slice(v);
        }
        self.nulls.append_non_null();
        self.end_row();
    }

    /// A value read from the input: UTF-8 as is, other bytes as U+FFFD.
    #[inline(always)]
    pub fn append_bytes(&mut self, b: &[u8]) {
        self.start();
        push_text(&mut self.values, b);
        self.nulls.append_non_null();
        self.end_row();
    }

    /// The rows so far, in a column of their own that goes on from here (a counter's
    /// `text`, the same as its `name` until a row where it is not).
    pub fn duplicate(&self) -> Text {
        let mut nulls = NullBufferBuilder::new(self.reserve.0);
        if !self.offsets.is_empty() {
            match self.nulls.finish_cloned() {
                Some(bits) => nulls.append_buffer(&bits),
                None => nulls.append_n_non_nulls(self.nulls.len()),
            }
        }
        let mut values = Vec::with_capacity(self.values.capacity());
        values.extend_from_slice(&self.values);
        let mut offsets = Vec::with_capacity(self.offsets.capacity());
        offsets.extend_from_slice(&self.offsets);
        Text { offsets, values, nulls, leading_nulls: self.leading_nulls, reserve: self.reserve }
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

    /// `n` more rows the same as the last one (a value or a null); none before the first row.
    pub fn repeat_last(&mut self, n: usize) {
        let rows = self.offsets.len().saturating_sub(1);
        if rows == 0 || !self.nulls.is_valid(rows - 1) {
            // Null rows (counted, before the first value).
            return self.append_nulls(n);
        }
        // (Beyond `i32::MAX` bytes the offsets are cut and `finish_column` refuses the
        // column: the bytes repeated then need only be in range.)
        let end = self.values.len();
        let start = (self.offsets[rows - 1] as u32 as usize).min(end);
        for _ in 0..n {
            self.values.extend_from_within(start..end);
            self.end_row();
        }
        self.nulls.append_n_non_nulls(n);
    }
}

impl Column for Text {
    fn finish_column(&mut self) -> Result<ArrayRef, ArrowError> {
        let (rows, bytes) = self.reserve;
        let t = std::mem::replace(self, Text::with_capacity(rows, bytes / rows.max(1)));
        if i32::try_from(t.values.len()).is_err() {
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

    /// `n` more rows of the last row's name (none before the first row).
    #[inline]
    pub fn repeat_last(&mut self, n: usize) {
        if let Some((_, rows)) = self.runs.last_mut() {
            *rows += n;
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

/// A text column of runs of the same value or of nulls (a counter's `section`, the same
/// for every counter of a /proc values line and of a `netstat -s` section; its `subtable`,
/// null outside a histogram): a row that repeats the one before is a count, and the rows
/// are written out at the end.
#[derive(Default)]
pub struct TextRuns {
    /// The text of each run with a value, one after another (UTF-8).
    values: Vec<u8>,
    runs: Vec<TextRun>,
    /// The bytes the last run was made from, when they are not its text (not UTF-8).
    last_raw: Vec<u8>,
}

/// Rows of one value (`values[start..end]`), or of nulls (`valid` false).
struct TextRun {
    start: usize,
    end: usize,
    valid: bool,
    rows: usize,
}

impl TextRuns {
    /// One more row.
    #[inline(always)]
    pub fn append(&mut self, v: Option<&[u8]>) {
        if let Some(last) = self.runs.last_mut() {
            let same = match v {
                None => !last.valid,
                // (A run made from bytes that are not UTF-8 compares its bytes as read.)
                // (The last run's text ends the values.)
                Some(b) => {
                    last.valid && same_bytes(self.values.get(last.start..).unwrap_or_default(), b)
                        || !self.last_raw.is_empty() && self.last_raw == b
                }
            };
            if same {
                last.rows += 1;
                return;
            }
        }
        self.start_run(v);
    }

    /// `n` more rows the same as the last one (none before the first row).
    #[inline]
    pub fn repeat_last(&mut self, n: usize) {
        if let Some(last) = self.runs.last_mut() {
            last.rows += n;
        }
    }

    #[inline(never)]
    fn start_run(&mut self, v: Option<&[u8]>) {
        let start = self.values.len();
        self.last_raw.clear();
        if let Some(b) = v {
            if !push_ascii(&mut self.values, b) {
                push_lossy(&mut self.values, b);
                self.last_raw.extend_from_slice(b);
            }
        }
        self.runs.push(TextRun { start, end: self.values.len(), valid: v.is_some(), rows: 1 });
    }
}

impl Column for TextRuns {
    fn finish_column(&mut self) -> Result<ArrayRef, ArrowError> {
        let TextRuns { values: texts, runs, .. } = std::mem::take(self);
        let rows: usize = runs.iter().map(|r| r.rows).sum();
        if runs.iter().all(|r| !r.valid) {
            return Ok(new_null_array(&DataType::Utf8, rows));
        }
        let bytes = runs.iter().try_fold(0usize, |sum, r| (r.end - r.start).checked_mul(r.rows)?.checked_add(sum));
        let too_long = || ArrowError::ComputeError("a text column holds more than 2 GiB in one part".into());
        // Every offset below is at most the total, so none overflows an i32.
        i32::try_from(bytes.ok_or_else(too_long)?).map_err(|_| too_long())?;
        i32::try_from(rows).map_err(|_| too_long())?;
        let mut offsets = Vec::with_capacity(rows + 1);
        let mut values = Vec::with_capacity(bytes.unwrap_or(0));
        let mut nulls = NullBufferBuilder::new(rows);
        offsets.push(0i32);
        for run in runs {
            let text = &texts[run.start..run.end];
            let (base, step) = (values.len() as i32, text.len() as i32);
            offsets.extend((1..=run.rows as i32).map(|k| base + k * step));
            // The run's bytes by doubling: one copy of the text, then copies of the copies.
            let (start, len) = (values.len(), text.len() * run.rows);
            values.extend_from_slice(text);
            while values.len() - start < len {
                let have = values.len() - start;
                values.extend_from_within(start..start + have.min(len - have));
            }
            match run.valid {
                true => nulls.append_n_non_nulls(run.rows),
                false => nulls.append_n_nulls(run.rows),
            }
        }
        // SAFETY: the offsets start at 0 and each is the previous plus the length of the
        // run's text, whose bytes were appended between them (a null run's text is empty),
        // so they are in order and end at the length of the values; each text is ASCII or
        // `from_utf8_lossy`'s output, so every row is whole UTF-8.
        let array = unsafe {
            StringArray::new_unchecked(OffsetBuffer::new_unchecked(offsets.into()), values.into(), nulls.finish())
        };
        Ok(Arc::new(array))
    }
}

/// An int64 column without nulls (a row's line, offset and capture).
#[derive(Default)]
pub struct Ints {
    values: Vec<i64>,
}

impl Ints {
    /// A column with room for `rows` rows.
    pub fn with_capacity(rows: usize) -> Self {
        Ints { values: Vec::with_capacity(rows) }
    }

    /// One more row.
    #[inline(always)]
    pub fn append(&mut self, v: i64) {
        self.values.push(v);
    }

    /// `n` more rows the same as the last one (none before the first row).
    #[inline]
    pub fn repeat_last(&mut self, n: usize) {
        if let Some(&last) = self.values.last() {
            self.values.extend(std::iter::repeat_n(last, n));
        }
    }
}

impl Column for Ints {
    fn finish_column(&mut self) -> Result<ArrayRef, ArrowError> {
        let values = std::mem::take(&mut self.values);
        Ok(Arc::new(PrimitiveArray::<Int64Type>::new(ScalarBuffer::from(values), None)))
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

    /// `n` more rows the same as the last one (a value or a null); none before the first row.
    pub fn repeat_last(&mut self, n: usize) {
        let rows = self.values.len();
        match self.values.last() {
            Some(&last) if self.nulls.is_valid(rows - 1) => {
                self.values.extend(std::iter::repeat_n(last, n));
                self.nulls.append_n_non_nulls(n);
            }
            _ => self.append_nulls(n),
        }
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
