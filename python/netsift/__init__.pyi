import os
from typing import IO, Iterator, Tuple, Union

from ._netsift import Event as Event, Record as Record

__version__: str
FORMATS: Tuple[str, ...]
Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]

def events(source: Source, format: str = "auto") -> Iterator[Event]:
    """Iterate over the events of ``source`` (a path, bytes or a binary file object), as
    ``netsift events`` prints them; compressed input is recognised; memory stays flat."""

def scan(archive: Union[str, "os.PathLike[str]"], format: str = "auto") -> Iterator[Tuple[str, Event]]:
    """``(member, event)`` for every output netsift reads in a sosreport or insights archive."""

def table(source: Source, kind: str, format: str = "auto") -> "pyarrow.Table":  # type: ignore[name-defined] # noqa: F821
    """The events of one kind as a typed ``pyarrow.Table`` with a fixed schema per kind
    (pyarrow needed). Ports are ``port`` (int64, null when not a number) and ``port_name``
    (``*`` or a service name as printed); netstat's ``user`` is ``uid`` (int64) or
    ``user`` (a name); a counter beyond int64 has ``value`` null and ``value_decimal`` its
    digits; ss extras are ``list<struct<key, text>>`` as printed. See ``netsift.table``."""
