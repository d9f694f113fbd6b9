//! `serde` support (cargo feature `serde`): the row types derive `Serialize`; this module
//! holds how byte slices are written, and the hand-written impls of the types whose shape
//! is not their fields (lazily read lists, a bit set).
//!
//! Byte slices are written as a string when they are valid UTF-8 (nearly always), and as
//! bytes otherwise (`serialize_bytes`: an array of numbers in JSON, a byte string in
//! binary formats), so that nothing is lost: a reader tells the two apart by type. (The
//! command line's JSON writer uses `\udcXX` escapes instead, which serde cannot express.)
//!
//! ```
//! use netsift_grammar::netstat::{unix_row, UnixLayout};
//! let row = unix_row(b"unix  2      [ ]         DGRAM                    13844    /run/x\xff", UnixLayout { program: false }).unwrap();
//! let json = serde_json::to_value(row).unwrap();
//! assert_eq!(json["sock_type"], "dgram");
//! assert_eq!(json["path"], serde_json::json!([47, 114, 117, 110, 47, 120, 255]));
//! assert_eq!(json["line"].as_array().map(Vec::len), Some(row.line.len()));
//! ```

use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::netstat_i::IfaceFlags;
use crate::ss::{Extras, Users};

/// Write bytes as a string when they are UTF-8, as bytes otherwise.
pub fn bytes<S: Serializer, T: AsRef<[u8]> + ?Sized>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let value = value.as_ref();
    match std::str::from_utf8(value) {
        Ok(text) => serializer.serialize_str(text),
        Err(_) => serializer.serialize_bytes(value),
    }
}

/// [`bytes`] for an optional slice (`null` when absent).
pub fn opt_bytes<S: Serializer>(value: &Option<&[u8]>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.serialize_some(&Text(v)),
        None => serializer.serialize_none(),
    }
}

/// Bytes that serialise as [`bytes`] does: for types built outside this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<'a>(pub &'a [u8]);

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        bytes(self.0, serializer)
    }
}

/// `{"text": "users:((…))", "truncated": false, "processes": [{"name", "pid", "fd", …}]}`.
impl Serialize for Users<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Users", 3)?;
        s.serialize_field("text", &Text(self.text()))?;
        s.serialize_field("truncated", &self.truncated())?;
        s.serialize_field("processes", &Seq(*self))?;
        s.end()
    }
}

/// The items, in the order printed: `[{"key", "value", "text", "offset"}, …]`.
impl Serialize for Extras<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Seq(*self).serialize(serializer)
    }
}

/// The names of the flags set (`["BROADCAST", "RUNNING", "UP"]`), in `IfaceFlags::ALL`
/// order.
impl Serialize for IfaceFlags {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let set = IfaceFlags::ALL.iter().filter(|(flag, _, _)| self.contains(*flag));
        let mut seq = serializer.serialize_seq(Some(set.clone().count()))?;
        for (_, _, name) in set {
            seq.serialize_element(name)?;
        }
        seq.end()
    }
}

/// An iterable written as a sequence.
struct Seq<I>(I);

impl<I> Serialize for Seq<I>
where
    I: IntoIterator + Copy,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0)
    }
}
