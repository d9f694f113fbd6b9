"""netsift.insights against insights-core 3.8.4, over every capture in tests/fixtures.

Each capture goes through the insights parser(s) its name says, and through netsift's
class of the same name. Where insights raises, the capture is not compared. Everywhere
else the answers must be equal, except where quirks.json says insights is wrong ("fix"):
those differences are recognised from the input itself (a value cut by a column boundary,
an IPv6 listener, an ss process list holding a blank, …), never from the answers.
"""

import glob
import os
import re

import pytest

insights_netstat = pytest.importorskip("insights.parsers.netstat")
from insights.tests import context_wrap  # noqa: E402

import netsift.insights as ni  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures")


def captures():
    files = []
    for pattern in ("captured/*.txt", "corpus/*/*", "insights/fixtures/*.txt"):
        files += sorted(glob.glob(os.path.join(ROOT, pattern)))
    return [f for f in files if not f.endswith((".md", "LICENSE.jc.md"))]


def parsers_for(path):
    name = os.path.basename(path).lower()
    if re.search(r"netstat[-_]s([._]|$)", name):
        return ["NetstatS"]
    if "netstat-agn" in name:
        return ["NetstatAGN"]
    if re.search(r"netstat-i", name):
        return ["Netstat_I"]
    if "proc-net-netstat" in name or "proc_net_netstat" in name or "proc-netstat" in name:
        return ["ProcNsat"]
    if re.search(r"ss-(tupna|tulpn)(_[a-z0-9]+)?\.(txt|out)$", name):
        # insights reads `ss -tupna` (the spec of both classes); captures with other
        # options (-e, -i, -m extras, -x) are not what it parses
        return ["SsTUPNA", "SsTULPN"]
    if "ss-" in name or "ss_" in name:
        return []
    if "netstat" in name:
        return ["Netstat"]
    return []


CASES = [(p, c) for p in captures() for c in parsers_for(p)]


def read_lines(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "surrogateescape").splitlines()


def test_every_capture_has_a_parser():
    # the mapping above covers the captures of every format (not a vacuous loop)
    assert len(CASES) >= 60


# --- what quirks.json marks as insights' mistakes, recognised from the input ----------------


def cut_by_columns(line, header_offsets):
    """insights slices a row at the header's offsets: a value crossing one is cut
    (netstat/value-wider-than-column), and a non-ASCII character before one shifts it
    (netstat/non-ascii-shifts-columns)."""
    if any(ord(ch) > 127 for ch in line):
        return True
    if any(0 < o < len(line) and not line[o - 1].isspace() and not line[o].isspace() for o in header_offsets):
        return True
    # a value wider than its slot that still ends on a blank pushes the rest right: the
    # last (left-aligned, unstripped) column then starts with a blank
    last = header_offsets[-1] if header_offsets else len(line)
    return last < len(line) and line[last].isspace() and bool(line[last:].strip())


def netstat_offsets(lines):
    """title → the column offsets insights computes from the header line."""
    out, title = {}, None
    for i, line in enumerate(lines):
        if line in ni.NETSTAT_SECTION_ID and i + 1 < len(lines):
            header = lines[i + 1]
            out[line] = sorted(header.index(c) for c in ni.NETSTAT_SECTION_ID[line] if c in header)
    return out


def compare_netstat(lines, ours, theirs):
    offsets = netstat_offsets(lines)
    assert sorted(ours.data) == sorted(theirs.data)
    compared = 0
    for title in theirs.data:
        assert ours.lines[title] == theirs.lines[title][: len(ours.lines[title])]
        theirs_rows = theirs.datalist[title]
        foreign = [i for i, l in enumerate(theirs.lines[title]) if l.startswith("Active ") and l not in ni.NETSTAT_SECTION_ID]
        if foreign:
            # quirk unknown-section-rows-join-previous-table (fix): a Bluetooth (or other)
            # table after this one is read by insights as its rows; netsift skips it
            theirs_rows = theirs_rows[: foreign[0]]
        if len(ours.datalist[title]) == len(theirs_rows) - 1 and len(theirs.lines[title][-1].split()) < len(offsets[title]):
            # a truncated capture: the cut last row is left out (netsift), not a row of
            # empty strings (insights): the README's "row cut short"
            theirs_rows = theirs_rows[:-1]
        assert len(ours.datalist[title]) == len(theirs_rows)
        for mine, row, line in zip(ours.datalist[title], theirs_rows, theirs.lines[title]):
            if cut_by_columns(line, offsets[title]):
                continue  # quirk: value-wider-than-column / non-ascii-shifts-columns (fix)
            assert mine == row, line
            compared += 1
        assert ours.get_original_line(title, 0) == theirs.get_original_line(title, 0) if theirs.lines[title] else True
    inet = theirs.datalist.get(ni.ACTIVE_INTERNET_CONNECTIONS, [])
    if not any(cut_by_columns(l, offsets.get(ni.ACTIVE_INTERNET_CONNECTIONS, [])) for l in theirs.lines.get(ni.ACTIVE_INTERNET_CONNECTIONS, [])):
        assert ours.running_processes == theirs.running_processes
        mine_pids, their_pids = ours.listening_pid, theirs.listening_pid
        ipv6 = {r.get("PID") for r in inet if r.get("Local Address", "").count(":") > 1}
        # quirk: listening-pid-splits-ipv6-on-first-colon (fix): IPv6 listeners differ
        assert {k: v for k, v in mine_pids.items() if k not in ipv6} == {
            k: v for k, v in their_pids.items() if k not in ipv6
        }
        assert set(mine_pids) == set(their_pids)
    # search(): both tables present, keys of the first row known (quirk search-uses-first-row-keys)
    any_cut = any(cut_by_columns(l, offsets[t]) for t in theirs.lines for l in theirs.lines[t])
    if len(theirs.data) == 2 and inet and "PID" in inet[0] and not any_cut:
        for terms in ({"State": "LISTEN"}, {"Proto__startswith": "udp"}, {"Type": "DGRAM"}):
            assert ours.search(**terms) == theirs.search(**terms), terms
    return compared


def compare_ss(lines, ours, theirs):
    compared = 0
    assert len(ours) == len(theirs) or any(" " in r.get("Process", "") for r in ours)
    for mine, row in zip(ours, theirs):
        if " " in mine.get("Process", ""):
            break  # quirk: whitespace-split-truncates-process (fix); later rows may shift
        assert mine == row
        compared += 1
    if not any(" " in r.get("Process", "") for r in ours):
        for port in ("22", "53", "631"):
            assert ours.get_localport(port) == theirs.get_localport(port)
            assert ours.get_peerport(port) == theirs.get_peerport(port)
        assert ours.get_service("sshd") == theirs.get_service("sshd")
    return compared


@pytest.mark.parametrize("path,parser", CASES, ids=[f"{os.path.basename(p)}-{c}" for p, c in CASES])
def test_same_answers_as_insights(path, parser):
    lines = read_lines(path)
    theirs_cls = getattr(insights_netstat, parser)
    try:
        with pytest.warns(DeprecationWarning) if parser == "SsTULPN" else _nothing():
            theirs = theirs_cls(context_wrap(lines))
    except Exception as e:  # noqa: BLE001 - insights raises many kinds; those captures are not compared
        pytest.skip("insights raises %s" % type(e).__name__)
    if parser == "SsTULPN":
        with pytest.warns(DeprecationWarning):
            ours = getattr(ni, parser)(lines)
    else:
        ours = getattr(ni, parser)(lines)
    if parser == "Netstat":
        compare_netstat(lines, ours, theirs)
    elif parser in ("SsTUPNA", "SsTULPN"):
        if parser == "SsTULPN" and any(("LISTEN" in l or "UNCONN" in l) and not re.search(r"\b(LISTEN|UNCONN)\b", l.split("users:")[0]) for l in lines):
            pytest.skip("quirk ss-tulpn/state-filter-is-substring (fix)")
        if lines and lines[0].split()[:1] != ["Netid"]:
            pytest.skip("quirk ss/first-line-always-dropped (fix): no header line")
        compare_ss(lines, ours, theirs)
    elif parser == "NetstatS":
        # quirk netstat-s/empty-input, error-line-last (fix): no None key; a `date` line
        # of a periodic log is a time stamp, not a section (insights: a section of it)
        stamps = {l.split(":")[0].lower() for l in lines if re.match(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d", l)}
        expected = {k: v for k, v in theirs.data.items() if k is not None and k not in stamps}
        assert ours.data == expected
    elif parser == "Netstat_I":
        assert ours.data == theirs.data
        assert ours.group_by_iface == theirs.group_by_iface
    elif parser == "NetstatAGN":
        assert ours.data == theirs.data
        assert ours.group_by_iface() == theirs.group_by_iface()
    elif parser == "ProcNsat":
        assert ours.data == theirs.data
        for name in list(theirs.data)[:20] + ["NoSuchCounter"]:
            assert ours.get_stats(name) == theirs.get_stats(name)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False
