//! insights' `keyword_search`: find rows by `key=value` terms.
//!
//! A term is `field[__op]=value`. The field is a row key with every blank and `-` written
//! as `_` (`Local_Address`, `Recv_Q`, `PID/Program_name`); the operator is `equals` (the
//! default), `contains`, `startswith`, `endswith` or `lower_value` (compare lower-cased).
//! Terms are ANDed. Any other operator word makes the whole name the field.

use std::str::FromStr;

/// How a term compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Equal.
    Equals,
    /// Substring.
    Contains,
    /// Prefix.
    StartsWith,
    /// Suffix.
    EndsWith,
    /// Equal after lower-casing both sides.
    LowerValue,
}

/// One search term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The field, in search spelling (`Local_Address`).
    pub field: String,
    /// The comparison.
    pub op: Op,
    /// The value to compare with.
    pub value: String,
}

/// A term without `=`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("search term `{0}` has no `=` (write key=value, key__contains=value, …)")]
pub struct BadTerm(pub String);

impl FromStr for Term {
    type Err = BadTerm;

    /// ```
    /// use netsift::views::search::{Op, Term};
    /// let t: Term = "State__contains=LISTEN".parse().unwrap();
    /// assert_eq!((t.field.as_str(), t.op, t.value.as_str()), ("State", Op::Contains, "LISTEN"));
    /// let t: Term = "State__bogus=x".parse().unwrap();
    /// assert_eq!((t.field.as_str(), t.op), ("State__bogus", Op::Equals));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, value) = s.split_once('=').ok_or_else(|| BadTerm(s.to_string()))?;
        let (field, op) = match name.split_once("__") {
            Some((field, op)) => match op {
                "equals" => (field, Op::Equals),
                "contains" => (field, Op::Contains),
                "startswith" => (field, Op::StartsWith),
                "endswith" => (field, Op::EndsWith),
                "lower_value" => (field, Op::LowerValue),
                _ => (name, Op::Equals),
            },
            None => (name, Op::Equals),
        };
        Ok(Term { field: field.to_string(), op, value: value.to_string() })
    }
}

impl Term {
    /// A term whose key may also be written as printed (`PID/Program name=7615/mysqld`,
    /// `Recv-Q=0`), as the command line accepts it: the key is put in search spelling.
    /// [`FromStr`] keeps insights' rule, where only the search spelling names a key.
    ///
    /// ```
    /// use netsift::views::search::Term;
    /// let t = Term::parse_key_as_printed("PID/Program name__startswith=76").unwrap();
    /// assert_eq!(t.field, "PID/Program_name");
    /// assert_eq!("PID/Program name=x".parse::<Term>().unwrap().field, "PID/Program name");
    /// ```
    pub fn parse_key_as_printed(s: &str) -> Result<Term, BadTerm> {
        let term: Term = s.parse()?;
        Ok(Term { field: search_name(&term.field), ..term })
    }
}

impl Term {
    /// Does `value` pass this term?
    pub fn matches(&self, value: &[u8]) -> bool {
        let want = self.value.as_bytes();
        match self.op {
            Op::Equals => value == want,
            Op::Contains => want.is_empty() || value.windows(want.len()).any(|w| w == want),
            Op::StartsWith => value.starts_with(want),
            Op::EndsWith => value.ends_with(want),
            Op::LowerValue => String::from_utf8_lossy(value).to_lowercase() == self.value.to_lowercase(),
        }
    }
}

/// A row key in search spelling: blanks and `-` become `_`.
pub fn search_name(key: &str) -> String {
    key.replace([' ', '-'], "_")
}

/// Something with named text fields that can be searched.
pub trait Searchable {
    /// The row's keys, in their display spelling.
    fn keys(&self) -> Vec<&str>;
    /// The value of the key whose search spelling is `field`.
    fn get_by_search_name(&self, field: &str) -> Option<&[u8]>;
}

/// The rows of one table that match every term. A field that no row of the table has
/// makes the table contribute nothing (as in insights); the keys are those of *all* rows,
/// not of the first row only (insights' quirk, which hides PIDs when the first row has `-`).
pub fn keyword_search<R: Searchable>(rows: impl Iterator<Item = R> + Clone, terms: &[Term]) -> Vec<R> {
    if terms.is_empty() {
        return Vec::new();
    }
    let known = |field: &str| rows.clone().any(|r| r.get_by_search_name(field).is_some());
    if !terms.iter().all(|t| known(&t.field)) {
        return Vec::new();
    }
    rows.filter(|r| terms.iter().all(|t| r.get_by_search_name(&t.field).is_some_and(|v| t.matches(v)))).collect()
}

impl<T: Searchable> Searchable for &T {
    fn keys(&self) -> Vec<&str> {
        (**self).keys()
    }

    fn get_by_search_name(&self, field: &str) -> Option<&[u8]> {
        (**self).get_by_search_name(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R(Vec<(&'static str, &'static str)>);

    impl Searchable for R {
        fn keys(&self) -> Vec<&str> {
            self.0.iter().map(|(k, _)| *k).collect()
        }
        fn get_by_search_name(&self, field: &str) -> Option<&[u8]> {
            self.0.iter().find(|(k, _)| search_name(k) == field).map(|(_, v)| v.as_bytes())
        }
    }

    #[test]
    fn operators() {
        let rows = [R(vec![("State", "LISTEN"), ("Local Address", "0.0.0.0:22")]), R(vec![("State", "LISTENING")])];
        let t = |s: &str| s.parse::<Term>().unwrap();
        assert_eq!(keyword_search(rows.iter(), &[t("State__contains=LISTEN")]).len(), 2);
        assert_eq!(keyword_search(rows.iter(), &[t("State=LISTEN")]).len(), 1);
        assert_eq!(keyword_search(rows.iter(), &[t("State__lower_value=listen")]).len(), 1);
        assert_eq!(keyword_search(rows.iter(), &[t("State__endswith=ING")]).len(), 1);
        assert_eq!(keyword_search(rows.iter(), &[t("Local_Address=0.0.0.0:22")]).len(), 1);
        assert_eq!(keyword_search(rows.iter(), &[t("Local Address=0.0.0.0:22")]).len(), 0);
        let printed = Term::parse_key_as_printed("Local Address=0.0.0.0:22").unwrap();
        assert_eq!(keyword_search(rows.iter(), &[printed]).len(), 1);
        assert_eq!(keyword_search(rows.iter(), &[t("Type=DGRAM")]).len(), 0);
        assert_eq!(keyword_search(rows.iter(), &[]).len(), 0);
    }

    #[test]
    fn bad_term() {
        assert!("novalue".parse::<Term>().is_err());
        let t: Term = "a=b=c".parse().unwrap();
        assert_eq!(t.value, "b=c");
    }
}
