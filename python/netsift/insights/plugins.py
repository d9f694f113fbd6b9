"""netsift's parsers as insights-core components: the classes of :mod:`netsift.insights`
registered as parsers of the same specs as insights' own (``Specs.netstat``,
``Specs.netstat_s``, ``Specs.netstat_agn``, ``Specs.netstat_i``, ``Specs.ss``,
``Specs.proc_netstat``), so that a rule can depend on them in insights' framework and test
machinery (``insights.tests.run_test`` / ``InputData``) as on insights' classes.

Importing this module needs insights-core.
"""

from insights.core.plugins import parser
from insights.specs import Specs

from netsift import insights as _ni

__all__ = ["Netstat", "NetstatS", "NetstatAGN", "Netstat_I", "SsTUPNA", "SsTULPN", "ProcNsat"]


@parser(Specs.netstat)
class Netstat(_ni.Netstat):
    """:class:`netsift.insights.Netstat`, the parser of ``Specs.netstat``."""


@parser(Specs.netstat_s)
class NetstatS(_ni.NetstatS):
    """:class:`netsift.insights.NetstatS`, the parser of ``Specs.netstat_s``."""


@parser(Specs.netstat_agn)
class NetstatAGN(_ni.NetstatAGN):
    """:class:`netsift.insights.NetstatAGN`, the parser of ``Specs.netstat_agn``."""


@parser(Specs.netstat_i)
class Netstat_I(_ni.Netstat_I):
    """:class:`netsift.insights.Netstat_I`, the parser of ``Specs.netstat_i``."""


@parser(Specs.ss)
class SsTUPNA(_ni.SsTUPNA):
    """:class:`netsift.insights.SsTUPNA`, the parser of ``Specs.ss``."""


@parser(Specs.ss)
class SsTULPN(_ni.SsTULPN):
    """:class:`netsift.insights.SsTULPN`, the parser of ``Specs.ss``."""


@parser(Specs.proc_netstat)
class ProcNsat(_ni.ProcNsat):
    """:class:`netsift.insights.ProcNsat`, the parser of ``Specs.proc_netstat``."""
