//! Where the bytes come from, before any parsing: compressed streams recognised by their
//! magic bytes ([`input`]), and the members of sosreport and insights archives ([`archive`]).

pub mod archive;
pub mod input;
