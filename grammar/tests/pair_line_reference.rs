//! `pair_line` reads a /proc/net/{netstat,snmp} line's prefix and decides its kind by hand
//! (the hot path of every /proc input). Here a nom combinator reading of the same grammar,
//! written the plain way, is the reference it must agree with on any bytes: the prefix, the
//! colon, where the words start, the kind of line, and the column and wording of an error.

use netsift_grammar::lex::is_blank;
use netsift_grammar::proc_net::{pair_line, pair_line_lenient, PairKind};
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::digit1;
use nom::combinator::{all_consuming, opt};
use nom::multi::many0;
use nom::sequence::preceded;
use nom::{IResult, Parser};
use proptest::prelude::*;

type Out<'a, T> = IResult<&'a [u8], T>;

fn word(i: &[u8]) -> Out<'_, &[u8]> {
    take_while1(|b| !is_blank(b)).parse(i)
}

/// `-?[0-9]+`, the whole word.
fn counter_shaped(w: &[u8]) -> bool {
    let shape: Out<'_, _> = all_consuming((opt(tag(&b"-"[..])), digit1)).parse(w);
    shape.is_ok()
}

/// What the reference reads: (prefix, colon, body offset, kind), or (column, expected).
type Reading<'a> = Result<(&'a [u8], bool, usize, PairKind), (usize, &'static str)>;

fn reference(line: &[u8], need_colon: bool) -> Reading<'_> {
    let Ok((rest, first)) = word(line) else {
        return Err((0, "a section prefix such as `Tcp:`"));
    };
    let (prefix, colon) = match first.strip_suffix(b":") {
        Some(p) if !p.is_empty() => (p, true),
        _ if need_colon => {
            let at = first.iter().position(|&b| b == b':').unwrap_or(first.len());
            return Err((at, "`:` after the section name (e.g. `Tcp:`)"));
        }
        _ => (first, false),
    };
    let body = line.len() - rest.len();
    let words: Out<'_, Vec<&[u8]>> = many0(preceded(take_while(is_blank), word)).parse(rest);
    let words = words.map(|(_, w)| w).unwrap_or_default();
    let kind = if words.is_empty() {
        PairKind::Empty
    } else if words.iter().all(|w| counter_shaped(w)) {
        PairKind::Values
    } else {
        PairKind::Names
    };
    Ok((prefix, colon, body, kind))
}

fn hand_written(line: &[u8], need_colon: bool) -> Reading<'_> {
    let read = if need_colon { pair_line(line) } else { pair_line_lenient(line) };
    read.map(|l| (l.prefix, l.colon, l.body(), l.kind)).map_err(|e| (e.column, e.expected))
}

/// Bytes that matter to the grammar (blanks, `:`, `-`, digits, letters) and a few that do not.
fn any_line() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop::sample::select(b"Tcp: 019-\t-:x\xff+.\r".to_vec());
    prop::collection::vec(byte, 0..40)
}

/// Lines shaped like the kernel's: a prefix, then names or values, with stray bytes at times.
fn shaped_line() -> impl Strategy<Value = Vec<u8>> {
    let prefix = prop::sample::select(vec![&b"TcpExt:"[..], b"IpExt:", b"Tcp", b":", b"Ip:x", b""]);
    let word = prop::sample::select(vec![
        &b"0"[..],
        b"123",
        b"-1",
        b"18446744073709551615",
        b"99999999999999999999999",
        b"-",
        b"--1",
        b"1-",
        b"InSegs",
        b"a1",
        b"1a",
        b"",
    ]);
    let gap = prop::sample::select(vec![&b" "[..], b"  ", b"\t", b" \t "]);
    (prefix, prop::collection::vec((gap, word), 0..8), prop::sample::select(vec![&b""[..], b" ", b"\t"])).prop_map(
        |(prefix, words, tail)| {
            let mut line = prefix.to_vec();
            for (gap, word) in words {
                line.extend_from_slice(gap);
                line.extend_from_slice(word);
            }
            line.extend_from_slice(tail);
            line
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn pair_line_reads_what_the_combinators_read(line in prop_oneof![any_line(), shaped_line()]) {
        prop_assert_eq!(hand_written(&line, true), reference(&line, true));
        prop_assert_eq!(hand_written(&line, false), reference(&line, false));
    }
}

#[test]
fn the_reference_reads_the_kernels_lines() {
    assert_eq!(reference(b"TcpExt: SyncookiesSent ListenDrops", true), Ok((&b"TcpExt"[..], true, 7, PairKind::Names)));
    assert_eq!(reference(b"TcpExt: 0 -1 7", true), Ok((&b"TcpExt"[..], true, 7, PairKind::Values)));
    assert_eq!(reference(b"TcpExt: 0 1x", true), Ok((&b"TcpExt"[..], true, 7, PairKind::Names)));
    assert_eq!(reference(b"MPTcpExt:", true), Ok((&b"MPTcpExt"[..], true, 9, PairKind::Empty)));
    assert_eq!(reference(b"TcpExt 1", true), Err((6, "`:` after the section name (e.g. `Tcp:`)")));
    assert_eq!(reference(b" Tcp: 1", true), Err((0, "a section prefix such as `Tcp:`")));
    assert_eq!(reference(b"bar 1 2", false), Ok((&b"bar"[..], false, 3, PairKind::Values)));
}
