"""netsift: netstat, ss and /proc/net outputs parsed in Rust.

- :mod:`netsift.insights` — drop-in replacements for insights-core's
  ``insights.parsers.netstat`` classes (``Netstat``, ``SsTUPNA``, ``NetstatS``, …).
- :func:`events` — a streaming iterator of typed events (the CLI's ``netsift events``).
- :func:`scan` — (member, event) pairs of a sosreport or insights archive (``netsift scan``).
- :func:`table` — the events of one kind as a ``pyarrow.Table``.

Parsing happens in Rust with the GIL released; Python objects are built only for what is
asked for.
"""

from __future__ import annotations

import os
from typing import IO, Iterator, Tuple, Union

from . import _netsift
from ._netsift import Event, Record

__all__ = ["events", "scan", "table", "Event", "Record", "FORMATS", "__version__"]
__version__: str = _netsift.__version__

#: The format names, as the CLI spells them.
FORMATS = ("auto", "netstat", "ss", "ss-tulpn", "netstat-s", "proc-netstat", "netstat-i", "netstat-agn")

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]


def events(source: Source, format: str = "auto") -> Iterator[Event]:
    """Iterate over the events of ``source``, as ``netsift events`` prints them.

    ``source`` is a path (``str`` or ``os.PathLike``), ``bytes``, or a binary file object
    (read with ``.read(n)``, 64 KiB at a time). gzip, zstd and xz input is recognised by its
    bytes and decompressed as it streams. Memory stays flat whatever the input size.

    Each :class:`Event` has the CLI's JSON keys as attributes (``e.kind``, ``e.line``,
    ``e.local.port``); ``e.to_dict()`` is the CLI's JSON object.
    """
    return _netsift.events(source, format)


def scan(archive: Union[str, "os.PathLike[str]"], format: str = "auto") -> Iterator[Tuple[str, Event]]:
    """Iterate over ``(member, event)`` for every output netsift reads in a sosreport or
    insights archive (a tar file, plain, gzip, zstd or xz, or an unpacked directory), as
    ``netsift scan`` does. Each event's ``to_dict()`` is the CLI's object, ``member``
    included. Raises ``OSError`` when no member holds such an output.
    """
    return _netsift.scan(archive, format)


def table(source: Source, kind: str, format: str = "auto"):  # -> pyarrow.Table
    """The events of one ``kind`` (``inet_conn``, ``unix_socket``, ``ss_socket``,
    ``counter``, ``interface``, ``membership``, …) of ``source`` as a ``pyarrow.Table``.

    Each kind has a fixed schema: the same columns, named as the CLI's JSON keys, whatever
    the input holds (an empty table too). Integers are int64, addresses strings, nested
    objects structs and process lists ``list<struct>``. Where a JSON value mixes types the
    table splits it, so that nothing is lost:

    - a port (``local``, ``foreign``, ``peer``): ``port`` (int64, null when the port is not
      a number) and ``port_name`` (the port as printed when it is not: ``*`` or a service
      name; null otherwise);
    - netstat's ``user``: ``uid`` (int64) when numeric, else ``user`` (the name);
    - netstat's ``state``: text; a kernel table's state number is its decimal text;
    - a counter's ``value``: int64, null when beyond int64; its digits are then in
      ``value_decimal``;
    - ss ``extras`` and ``info_extras``: ``list<struct<key, text>>``, each item as printed
      (``netsift.events`` gives their parsed values);
    - ``maybe_truncated``, ``sctp_assoc``, ``process_truncated`` (written only when true
      in JSON): booleans on every row; any field the JSON object omits is null.

    Bytes that are not UTF-8 become U+FFFD (Arrow strings are UTF-8). The table is built
    in Rust (arrow-rs builders filled from the typed events; inputs of a few MB and more on
    every core, with exactly the rows of one parse) and handed to pyarrow through the
    Arrow C stream interface; pyarrow is needed for this function only
    (``pip install 'netsift[arrow]'``).
    """
    try:
        import pyarrow as pa
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("netsift.table() needs pyarrow: pip install pyarrow") from e
    stream = _netsift.table_stream(source, kind, format)
    return pa.RecordBatchReader._import_from_c_capsule(stream.__arrow_c_stream__()).read_all()
