"""netsift's classes stand in for insights' own in insights' framework."""

import os

import pytest

pytest.importorskip("insights")

from insights.core.plugins import make_fail, make_pass, rule  # noqa: E402
from insights.parsers import netstat as insights_netstat  # noqa: E402
from insights.specs import Specs  # noqa: E402
from insights.tests import InputData, run_test  # noqa: E402

from netsift.insights import ParseError, plugins  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures")


def check_listeners(ns, ss):
    """A rule body written against insights' Netstat and SsTUPNA."""
    listening = ns.listening_pid
    names = sorted(v["name"] for v in listening.values())
    if "sshd" not in ns.running_processes:
        return make_fail("NO_SSHD", programs=names)
    ssh_ports = sorted({r["Local-Address-Port"] for r in ss.get_localport(22)})
    return make_pass("SSHD", programs=names, ssh=ssh_ports, dgram=len(ns.search(Type="DGRAM")))


@rule(insights_netstat.Netstat, insights_netstat.SsTUPNA)
def with_insights(ns, ss):
    return check_listeners(ns, ss)


@rule(plugins.Netstat, plugins.SsTUPNA)
def with_netsift(ns, ss):
    return check_listeners(ns, ss)


def read(name):
    with open(os.path.join(FIXTURES, "insights", "fixtures", name)) as f:
        return f.read()


def test_a_rule_runs_the_same_on_netsift():
    data = InputData("docs").add(Specs.netstat, read("netstat-neopa-docs.txt")).add(Specs.ss, read("ss-tupna-docs.txt"))
    theirs = run_test(with_insights, data)
    ours = run_test(with_netsift, data)
    assert theirs["type"] == "rule" and theirs["error_key"] == "NO_SSHD"
    assert {k: v for k, v in ours.items()} == {k: v for k, v in theirs.items()}


def test_parse_errors_are_insights_parse_exceptions():
    from insights.core.exceptions import ParseException, SkipComponent

    assert issubclass(ParseError, ParseException) and issubclass(ParseError, ValueError)
    with pytest.raises(ParseException):
        plugins.Netstat(read("netstat-neopa-local-address-without-colon.txt").splitlines())
    with pytest.raises(SkipComponent):
        plugins.ProcNsat([])
    with pytest.raises(SkipComponent):
        plugins.SsTUPNA(["/usr/sbin/ss: No such file or directory"])
