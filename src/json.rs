//! A small JSON writer that keeps bytes that are not UTF-8.
//!
//! Process names and socket paths are arbitrary bytes. netsift writes them as JSON strings
//! and encodes each byte that is not part of valid UTF-8 as a lone surrogate escape
//! `\udcXX` (U+DC80–U+DCFF), the convention of Python's `surrogateescape` error handler
//! (PEP 383). It is lossless: `json.loads(s).encode("utf-8", "surrogateescape")` in Python
//! gives back the exact bytes, and it is what insights-core itself holds when it reads an
//! archived file with such bytes. Valid UTF-8 is written as is.

/// Append `bytes` as a JSON string (with quotes).
///
/// ```
/// let mut out = Vec::new();
/// netsift::json::string(&mut out, b"caf\xc3\xa9 \xff\"");
/// assert_eq!(String::from_utf8(out).unwrap(), r#""café \udcff\"""#);
/// ```
pub fn string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for chunk in bytes.utf8_chunks() {
        escape_valid(out, chunk.valid());
        for &b in chunk.invalid() {
            out.extend_from_slice(b"\\udc");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        }
    }
    out.push(b'"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn escape_valid(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f | 0x7f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Append `"key":`.
pub fn key(out: &mut Vec<u8>, key: &str) {
    string(out, key.as_bytes());
    out.push(b':');
}

/// Append an unsigned number.
pub fn uint(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(n.to_string().as_bytes());
}

/// Append a signed number.
pub fn int(out: &mut Vec<u8>, n: i64) {
    out.extend_from_slice(n.to_string().as_bytes());
}

/// Writes the members of one JSON object, placing the commas.
pub struct Object<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
}

impl<'o> Object<'o> {
    /// Open an object.
    pub fn new(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Object { out, first: true }
    }

    /// Start a member: writes the comma and the key, and returns the buffer for the value.
    pub fn member(&mut self, name: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        key(self.out, name);
        self.out
    }

    /// A string member from bytes.
    pub fn bytes(&mut self, name: &str, value: &[u8]) {
        string(self.member(name), value);
    }

    /// A string member.
    pub fn str(&mut self, name: &str, value: &str) {
        string(self.member(name), value.as_bytes());
    }

    /// An unsigned number member.
    pub fn uint(&mut self, name: &str, value: u64) {
        uint(self.member(name), value);
    }

    /// A signed number member.
    pub fn int(&mut self, name: &str, value: i64) {
        int(self.member(name), value);
    }

    /// A boolean member.
    pub fn bool(&mut self, name: &str, value: bool) {
        self.member(name).extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// A null member.
    pub fn null(&mut self, name: &str) {
        self.member(name).extend_from_slice(b"null");
    }

    /// Close the object.
    pub fn end(self) {
        self.out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_surrogates() {
        let mut out = Vec::new();
        string(&mut out, b"a\"b\\c\nd\x01\x7f\xce\xc3(");
        assert_eq!(String::from_utf8(out).unwrap(), r#""a\"b\\c\nd\u0001\u007f\udcce\udcc3(""#);
    }

    #[test]
    fn objects_place_commas() {
        let mut out = Vec::new();
        let mut o = Object::new(&mut out);
        o.str("a", "x");
        o.uint("b", 2);
        o.null("c");
        o.end();
        assert_eq!(out, br#"{"a":"x","b":2,"c":null}"#);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["b"], 2);
    }
}
