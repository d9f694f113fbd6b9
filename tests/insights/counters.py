"""Print insights-core's answer for a counter file as JSON: the data of TcpIpStats
(/proc/net/snmp), TcpIpStatsIPV6 (/proc/net/snmp6) or SockStats (/proc/net/sockstat).

    python counters.py PARSER FILE     # PARSER: TcpIpStats, TcpIpStatsIPV6, SockStats

The parser's own parse_content is run on the file's lines, as insights gives them to it
(the file split into lines, without their line ends). A parser that raises prints
{"error": "ExceptionName"}. Used by tests/insights_counters.rs.
"""
import json
import sys

from insights.parsers.snmp import TcpIpStats, TcpIpStatsIPV6
from insights.parsers.sockstat import SockStats


def answer(name, lines):
    cls = {"TcpIpStats": TcpIpStats, "TcpIpStatsIPV6": TcpIpStatsIPV6, "SockStats": SockStats}[name]
    parser = cls.__new__(cls)
    if cls is SockStats:
        dict.__init__(parser)
        parser.parse_content(lines)
        return dict(parser)
    parser.parse_content(lines)
    return parser.data


def main():
    name, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8", "surrogateescape").splitlines()
    try:
        data = answer(name, lines)
    except Exception as e:  # the test compares the failure too
        data = {"error": type(e).__name__}
    json.dump({"data": data}, sys.stdout, sort_keys=False)


if __name__ == "__main__":
    main()
