"""Drop-in replacements for the parsers of insights-core's ``insights.parsers.netstat``.

``Netstat``, ``NetstatS``, ``NetstatAGN``, ``Netstat_I``, ``SsTUPNA``, ``SsTULPN`` and
``ProcNsat`` have the attributes, methods and Python types of insights-core 3.8.4's classes
of those names. Each is built from an insights context (any object with ``.content``, a
list of lines), a list of ``str`` lines, a ``str`` or ``bytes``. The input is parsed in
Rust with the GIL released; ``data``, ``datalist``, ``lines`` and the other attributes are
built into Python objects on first use, then kept.

Errors raise :class:`ParseError`, a ``ValueError`` (and, when insights-core is importable,
a subclass of its ``ParseException``); an empty ``ProcNsat`` input and insights'
CommandParser gate (a lone ``No such file or directory`` line, a ``missing
dependencies:`` line) raise :class:`ContentError`, also insights' ``SkipComponent`` then.

``Netstat``, ``SsTUPNA``/``SsTULPN`` and ``ProcNsat`` raise on a line they cannot read
(with its line and column); pass ``strict=False`` to keep what is readable instead.

Where insights-core is wrong on real output, these classes answer as the ``netsift`` CLI
does (the README's "Differences from insights-core" has the list):

- ``Netstat.listening_pid`` splits an IPv6 ``Local Address`` at its last colon
  (``:::22`` → addr ``::``, port ``22``; insights gives ``''`` and ``'::22'``);
- a value wider than its column (``-W`` addresses, long queues or inodes), a non-ASCII
  program name: the columns are read whole and in place (insights cuts or shifts them);
- ``Netstat.search()`` searches the tables present (insights raises KeyError when one of
  the two tables is missing), and knows the keys of all rows (insights only those of the
  first row, which hides ``PID`` when the first row has ``-``);
- a Bluetooth (or other) table after the unix table is skipped, not read as unix rows;
- a row cut short raises ParseError (``strict=False``: the rows before it are kept);
  a title without its header gives an empty table; a table printed without ``-p`` is read;
- localized output (``LANG=de_DE…``) is read, keyed by the C-locale names;
- ``NetstatAGN`` finds its header by content when the title line is missing;
- ``Netstat_I`` turns ``- no statistics available -`` rows into ``Iface``, ``MTU``, ``Flg``;
  input without an ``Iface`` header raises ParseError (insights: a bare ValueError);
- ``SsTUPNA`` keeps a whole process list holding blanks (``users:(("Web Content",…))``),
  reads the first row of ``ss -H`` output, and a non-numeric port matches nothing
  (insights raises ValueError);
- ``SsTULPN`` keeps the sockets whose State is LISTEN or UNCONN (insights: any line
  holding either word, even in a process name);
- ``NetstatS`` keeps a histogram that ends the input and has no ``None`` key;
- ``ProcNsat`` reads inputs of fewer than four lines; ``get_stats("Section:Name")``
  reaches every counter (``MPTcpExt``), while ``data`` stays insights' first two pairs.
"""

from __future__ import annotations

import gc
import os
import warnings
from functools import cached_property
from typing import Any, Dict, List, Optional, Set

from .. import _netsift

__all__ = [
    "ACTIVE_INTERNET_CONNECTIONS",
    "ACTIVE_UNIX_DOMAIN_SOCKETS",
    "NETSTAT_SECTION_ID",
    "ParseError",
    "ContentError",
    "Netstat",
    "NetstatS",
    "NetstatAGN",
    "Netstat_I",
    "SsTUPNA",
    "SsTULPN",
    "ProcNsat",
]

ACTIVE_INTERNET_CONNECTIONS = "Active Internet connections (servers and established)"
"""str: The key in Netstat data of the internet connections table."""
ACTIVE_UNIX_DOMAIN_SOCKETS = "Active UNIX domain sockets (servers and established)"
"""str: The key in Netstat data of the unix domain sockets table."""
NETSTAT_SECTION_ID = {
    ACTIVE_INTERNET_CONNECTIONS: [
        "Proto", "Recv-Q", "Send-Q", "Local Address", "Foreign Address", "State", "User", "Inode",
        "PID/Program name", "Timer",
    ],
    ACTIVE_UNIX_DOMAIN_SOCKETS: ["RefCnt", "Flags", "Type", "State", "I-Node", "PID/Program name", "Path"],
}
"""dict: The two netstat table titles and the columns insights expects in each."""

try:  # insights-core is optional: when present, our errors are also its errors.
    from insights.core.exceptions import ParseException as _ParseException
    from insights.core.exceptions import SkipComponent as _SkipComponent

    _PARSE_BASES: tuple = (ValueError, _ParseException)
    _SKIP_BASES: tuple = (_SkipComponent,)
except ImportError:  # pragma: no cover - depends on the environment
    _PARSE_BASES = (ValueError,)
    _SKIP_BASES = ()


class ParseError(*_PARSE_BASES):  # type: ignore[misc]
    """The input cannot be parsed: no table of the format, or (strict) a line that cannot
    be read, named with its line and column. A ``ValueError``; also insights-core's
    ``ParseException`` when insights-core is installed."""


class ContentError(ParseError, *_SKIP_BASES):  # type: ignore[misc]
    """The input holds no content to parse: an empty ``/proc/net/netstat``, or a command's
    error message instead of its output (insights' ``ContentException`` gate). Also
    insights-core's ``SkipComponent`` when insights-core is installed."""


_BAD_SINGLE_LINES = (
    "no such file or directory",
    "not a directory",
    "command not found",
    "no module named",
    "no files found for",
)


def _content(context: Any):
    """(bytes, lines or None, context or None) of any accepted input."""
    if isinstance(context, (bytes, bytearray, memoryview)):
        return bytes(context), None, None
    if isinstance(context, str):
        return context.encode("utf-8", "surrogateescape"), None, None
    if isinstance(context, (list, tuple)):
        lines, ctx = context, None
    elif hasattr(context, "content"):
        lines, ctx = context.content, context
        if isinstance(lines, (bytes, str)):
            return _content(lines)[0], None, ctx
    else:
        raise TypeError(
            "expected an insights context (an object with .content), a list of lines, str or bytes, not %s"
            % type(context).__name__
        )
    if not lines:
        return b"", lines, ctx
    # The same bytes as the expression below, in one copy (None: the expression does it).
    data = _netsift.join_lines(lines)
    if data is None:
        text = "\n".join(lines)
        data = (text + "\n").encode("utf-8", "surrogateescape")
    return data, lines, ctx


class _Parser(object):
    """What every insights parser has: ``file_path``, ``file_name``, ``args``,
    ``last_client_run`` (from the context, else ``None``)."""

    _command = True  # insights' CommandParser gate applies

    def __init__(self, context: Any) -> None:
        data, lines, ctx = _content(context)
        rel = getattr(ctx, "relative_path", None)
        path = getattr(ctx, "path", None)
        self.file_path: Optional[str] = os.path.join("/", rel) if rel is not None else None
        self.file_name: Optional[str] = os.path.basename(path) if path is not None else None
        self.last_client_run = getattr(ctx, "last_client_run", None)
        self.args = getattr(ctx, "args", None)
        if self._command:
            self._gate(data, lines)
        self._parse(data)

    def _gate(self, data: bytes, lines: Optional[List[str]]) -> None:
        """insights' CommandParser check: a lone error line, or a 'missing dependencies:' line."""
        if lines is not None:
            count, first = len(lines), (lines[0] if lines else "")
        else:
            count = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
            first = data.split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
        if count == 1:
            bad = any(b in first.lower() for b in _BAD_SINGLE_LINES)
        elif count > 1:
            bad = _netsift.missing_dependencies(data)
        else:
            bad = False
        if bad:
            raise ContentError("%s: %s" % (type(self).__name__, first if count else "<no content>"))

    def _parse(self, data: bytes) -> None:  # pragma: no cover - every class overrides it
        raise NotImplementedError

    def _check(self, core: Any) -> Any:
        if core.problem is not None:
            raise ParseError("%s: %s" % (type(self).__name__, core.problem))
        return core


class Netstat(_Parser):
    """``netstat -neopa`` output: ``data``, ``datalist``, ``lines``,
    ``get_original_line``, ``running_processes``, ``listening_pid`` and ``search``, keyed
    by the table titles :data:`ACTIVE_INTERNET_CONNECTIONS` and
    :data:`ACTIVE_UNIX_DOMAIN_SOCKETS`.

    ``strict=False`` keeps the readable rows of a table with a line that cannot be read.
    """

    def __init__(self, context: Any, strict: bool = True) -> None:
        self._strict = strict
        super().__init__(context)

    def _parse(self, data: bytes) -> None:
        # Only newlines (or nothing): tested without copying the input when it starts
        # with anything else.
        if not data or (data[0] == 0x0A and not data.strip(b"\n")):
            raise ParseError("Netstat: Input content is empty")
        self._core = self._check(_netsift.parse_netstat(data, self._strict))

    @cached_property
    def _tables(self):
        # Hundreds of thousands of new dicts and lists, with no cycle among them: the
        # cyclic GC would walk them again and again while they are built, so it waits.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._core.data_and_datalist()
        finally:
            if enabled:
                gc.enable()

    @property
    def data(self) -> Dict[str, Dict[str, List[str]]]:
        """dict: title → column name → the column's values, in row order."""
        return self._tables[0]

    @property
    def datalist(self) -> Dict[str, List[Dict[str, str]]]:
        """dict: title → rows, each a dict of column name → value, plus ``PID`` and
        ``Program name`` (when ``PID/Program name`` holds a ``/``) and, for internet
        rows, ``Local IP`` and ``Port``."""
        return self._tables[1]

    @cached_property
    def lines(self) -> Dict[str, List[str]]:
        """dict: title → each row's line exactly as read."""
        return self._core.lines()

    @property
    def running_processes(self) -> Set[str]:
        """set: the program names of the internet table."""
        return self._core.running_processes()

    @property
    def listening_pid(self) -> Dict[str, Dict[str, str]]:
        """dict: PID → ``{'addr', 'port', 'name'}`` of each LISTEN socket's program (the
        last row of a PID wins; an IPv6 address is split at its last colon)."""
        return self._core.listening_pid()

    def get_original_line(self, section_id: str, index: int) -> Optional[str]:
        """The line of row ``index`` of table ``section_id`` exactly as read; ``None`` for
        a table that is not there; IndexError for a row that is not."""
        return self._core.get_original_line(section_id, index)

    def search(self, **kwargs: Any) -> List[Dict[str, str]]:
        """Rows matching every ``key=value`` term (insights' ``keyword_search``: keys with
        blanks and ``-`` written ``_``, operators ``__contains``, ``__startswith``,
        ``__endswith``, ``__lower_value``, ``__equals``). ``search_list`` (a title or a
        list of titles) chooses the tables; by default both, internet first. Returns the
        row dicts of ``datalist`` themselves."""
        if "search_list" in kwargs:
            sl = kwargs.pop("search_list")
            if isinstance(sl, list):
                titles = [t for t in sl if t in NETSTAT_SECTION_ID]
            elif isinstance(sl, str) and sl in NETSTAT_SECTION_ID:
                titles = [sl]
            else:
                titles = []
        else:
            titles = [ACTIVE_INTERNET_CONNECTIONS, ACTIVE_UNIX_DOMAIN_SOCKETS]
        if not titles or not kwargs:
            return []
        terms = []
        for key, value in kwargs.items():
            if not isinstance(value, str):
                op = key.partition("__")[2]
                if op in ("contains", "startswith", "endswith", "lower_value"):
                    raise TypeError("search term %s needs a str value, not %s" % (key, type(value).__name__))
                return []  # insights compares with ==: no str value equals it
            terms.append((key, value))
        present = set(self._core.titles())
        found: List[Dict[str, str]] = []
        for title in titles:
            if title not in present:
                continue
            hits = self._core.search(title, terms)
            if hits:
                rows = self.datalist[title]
                found.extend(rows[i] for i in hits)
        return found


class NetstatS(_Parser):
    """``netstat -s`` output: ``data`` maps each section (``ip``, ``tcp``, ``tcpext``, …)
    to its counters, keyed as insights keys them, values as strings (a histogram is a
    nested dict). Item access reads ``data``: ``ns['tcp']``, ``'ip' in ns``,
    ``ns.get('udp')``."""

    def _parse(self, data: bytes) -> None:
        lines = data.split(b"\n")
        if len(lines) == 2 and lines[1] == b"" or len(lines) == 1 and lines[0]:
            raise ParseError("NetstatS: Corrupt netstat -s file: %s" % lines[0].decode("utf-8", "surrogateescape"))
        self._core = self._check(_netsift.parse_netstat_s(data, False))
        self.data: Dict[str, Any] = self._core.data()

    def __getitem__(self, item: str) -> Any:
        return self.data[item]

    def __contains__(self, item: object) -> bool:
        return item in self.data

    def get(self, item: str, default: Any = None) -> Any:
        """``data.get(item, default)``."""
        return self.data.get(item, default)


class NetstatAGN(_Parser):
    """``netstat -agn`` output: ``data``, the rows (``interface``, ``refcnt``,
    ``group``), and ``group_by_iface()``."""

    def _parse(self, data: bytes) -> None:
        self._core = self._check(_netsift.parse_netstat_agn(data, False))

    @cached_property
    def data(self) -> List[Dict[str, str]]:
        """list: the rows, each a dict of ``interface``, ``refcnt``, ``group``."""
        return self._core.data()

    def group_by_iface(self) -> Dict[str, List[Dict[str, str]]]:
        """dict: interface → its rows (``refcnt``, ``group``), in input order."""
        return self._core.group_by_iface()


class Netstat_I(_Parser):
    """``netstat -i`` output: ``data``, the rows keyed by the header's words (``Iface``,
    ``MTU``, ``RX-OK``, …), and the property ``group_by_iface``."""

    def _parse(self, data: bytes) -> None:
        self._core = self._check(_netsift.parse_netstat_i(data, False))

    @cached_property
    def data(self) -> List[Dict[str, str]]:
        """list: the rows, each a dict of header word → value."""
        return self._core.data()

    @cached_property
    def group_by_iface(self) -> Dict[str, Dict[str, str]]:
        """dict: interface → its row without ``Iface`` (a repeated name keeps the last)."""
        return self._core.group_by_iface()


class SsTUPNA(_Parser, list):
    """``ss -tupna`` output. The object *is* the list of rows (``data`` returns it), each
    a dict of ``Netid``, ``State``, ``Recv-Q``, ``Send-Q``, ``Local-Address-Port``,
    ``Peer-Address-Port`` and ``Process`` (absent without a process); with
    ``get_service``, ``get_localport``, ``get_peerport`` and ``get_port``.

    ``strict=False`` keeps the readable rows of a table with a line that cannot be read.
    """

    _tulpn = False

    def __init__(self, context: Any, strict: bool = True) -> None:
        list.__init__(self)
        self._strict = strict
        _Parser.__init__(self, context)

    def _parse(self, data: bytes) -> None:
        self._core = self._check(_netsift.parse_ss(data, self._tulpn, self._strict))
        self.extend(self._core.rows())

    def __hash__(self) -> int:  # a list is not hashable; a parser object is
        return id(self)

    def __eq__(self, other: object) -> bool:
        return list.__eq__(self, other) if isinstance(other, list) else NotImplemented

    def get_service(self, service: str) -> List[Dict[str, str]]:
        """The rows whose ``Process`` contains ``service``."""
        return [self[i] for i in self._core.get_service(service)]

    def get_localport(self, port: Any) -> List[Dict[str, str]]:
        """The rows whose local port equals ``port`` as an integer (``'0022'`` is 22);
        wildcard (``:*``) addresses are skipped; a non-numeric port matches nothing."""
        return [self[i] for i in self._core.get_localport(str(port))]

    def get_peerport(self, port: Any) -> List[Dict[str, str]]:
        """As :meth:`get_localport`, on the peer address."""
        return [self[i] for i in self._core.get_peerport(str(port))]

    def get_port(self, port: Any) -> List[Dict[str, str]]:
        """``get_localport(port) + get_peerport(port)``: a row matching both is listed twice."""
        return [self[i] for i in self._core.get_port(str(port))]

    @property
    def data(self) -> "SsTUPNA":
        """The object itself (insights deprecates ``data``: the parser is the list)."""
        return self


class SsTULPN(SsTUPNA):
    """The LISTEN and UNCONN sockets of ``ss -tupna`` output (insights' deprecated
    ``SsTULPN``; constructing it warns as insights does)."""

    _tulpn = True

    def __init__(self, context: Any, strict: bool = True) -> None:
        warnings.warn(
            "The 'SsTULPN' is deprecated and will be removed; use 'SsTUPNA' instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(context, strict)


class ProcNsat(_Parser):
    """``/proc/net/netstat``: ``data`` (counter name → value text, the ``TcpExt`` and
    ``IpExt`` pairs) and ``get_stats(name)``."""

    _command = False

    def __init__(self, context: Any, strict: bool = True) -> None:
        self._strict = strict
        super().__init__(context)

    def _parse(self, data: bytes) -> None:
        if not data.strip(b"\n"):
            raise ContentError("ProcNsat: No Contents")
        self._core = self._check(_netsift.parse_proc_netstat(data, self._strict))
        self.data: Dict[str, str] = self._core.data()

    def get_stats(self, key_stats: str) -> Optional[int]:
        """The counter's value as an int, ``None`` when absent. A bare name is looked up
        in ``data`` (as insights); ``Section:Name`` reaches any counter of any section."""
        return self._core.get_stats(key_stats)
