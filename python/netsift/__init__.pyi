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
    """The events of one kind as a typed ``pyarrow.Table`` (pyarrow needed)."""
