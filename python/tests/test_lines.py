"""The bytes parsed from a list of lines: `_netsift.join_lines` must give exactly what
`("\\n".join(lines) + "\\n").encode("utf-8", "surrogateescape")` gives, or None so that
the expression does it."""

import sys

import pytest

from netsift import _netsift
import netsift.insights as ni


def expected(lines):
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")


class Line(str):
    """A str subclass, as some callers hold lines."""


@pytest.mark.parametrize(
    "lines",
    [
        ["Proto Recv-Q", "tcp 0 0"],
        ("a tuple", "of lines"),
        ["", "blank lines", "", ""],
        ["non-ASCII: caf\u00e9 \u4e2d\u6587 \U0001f600", "x"],
        [Line("a subclass"), "of str"],
        ["one line"],
    ],
)
def test_same_bytes_as_the_python_expression(lines):
    got = _netsift.join_lines(lines)
    if sys.version_info < (3, 10):
        assert got is None
    else:
        assert got == expected(lines)


@pytest.mark.parametrize(
    "lines",
    [
        ["a lone surrogate \udcff from surrogateescape", "x"],  # strict UTF-8 refuses it
        [b"bytes", "str"],
        ["str", 3],
        iter(["an", "iterator"]),
    ],
)
def test_none_where_the_expression_must_do_it(lines):
    assert _netsift.join_lines(lines) is None


def test_netstat_from_lines_with_a_surrogate_reads_the_byte():
    """A line decoded with surrogateescape goes through the Python expression: the byte
    comes back as it was in the input."""
    data = (
        b"Active UNIX domain sockets (servers and established)\n"
        b"Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path\n"
        b"unix  2      [ ]         DGRAM                    17611    1/caf\xe9              /run/x\n"
    )
    lines = data.decode("utf-8", "surrogateescape").splitlines()
    from_lines = ni.Netstat(lines).datalist
    assert from_lines == ni.Netstat(data).datalist
    row = from_lines[ni.ACTIVE_UNIX_DOMAIN_SOCKETS][0]
    assert row["Program name"].encode("utf-8", "surrogateescape") == b"caf\xe9"
