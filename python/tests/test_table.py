"""netsift.table(): one event kind as a typed pyarrow.Table, usable from pandas and polars.

Every row is checked against the same event from netsift.events(), through the documented
mapping from the CLI's JSON object to the table's fixed columns (`expected_row`)."""

import glob
import os

import pytest

pa = pytest.importorskip("pyarrow")

import netsift  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures")
SS = os.path.join(FIXTURES, "captured", "deb12_ss-tupna.txt")
NETSTAT = os.path.join(FIXTURES, "captured", "deb12_netstat-neopa.txt")
PROC = os.path.join(FIXTURES, "captured", "deb12_proc-net-netstat.txt")

KINDS = ["section", "inet_conn", "unix_socket", "ss_socket", "counter", "interface", "membership", "notice", "malformed"]
INT64_MAX = 2**63 - 1


def fixtures():
    files = []
    for pattern in ("captured/*.txt", "corpus/*/*", "insights/fixtures/*.txt", "insights/fixtures/quirks/*.txt"):
        files += sorted(glob.glob(os.path.join(FIXTURES, pattern)))
    return [f for f in files if not f.endswith(".md")]


FILES = fixtures()


def text(v):
    """A JSON string as an Arrow string holds it: bytes that were not UTF-8 (kept by the
    events as surrogate escapes) become U+FFFD."""
    if isinstance(v, str):
        return v.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return v


def port(v):
    """(port, port_name): a number, or the text printed (`*`, a service name)."""
    if v is None:
        return None, None
    if isinstance(v, int):
        return v, None
    return None, text(v)


def netstat_endpoint(e):
    if e is None:
        return None
    p, name = port(e.get("port"))
    return {
        "address": text(e["address"]),
        "family": e["family"],
        "port": p,
        "port_name": name,
        "maybe_truncated": e.get("maybe_truncated", False),
    }


def ss_endpoint(e):
    p, name = port(e.get("port"))
    return {
        "address": text(e["address"]),
        "family": e["family"],
        "iface": text(e.get("iface")),
        "port": p,
        "port_name": name,
        "inode": e.get("inode"),
    }


def owner(d):
    return {"pid": d.get("pid"), "program": text(d.get("program")), "owner_text": text(d.get("owner_text"))}


KERNEL_INET = ["slot", "state_code", "timer_code", "when_ticks", "retransmits", "timeout", "refcount", "pointer",
               "rto", "ato", "quick_pingpong", "cwnd", "ssthresh", "drops"]
IFACE_COUNTERS = ["rx_ok", "rx_err", "rx_drp", "rx_ovr", "tx_ok", "tx_err", "tx_drp", "tx_ovr",
                  "rx_bytes", "rx_frame", "rx_compressed", "rx_multicast", "tx_bytes", "tx_colls", "tx_carrier",
                  "tx_compressed"]


def extras(items):
    """ss extras as the table keeps them: the key and the item as printed. The events give
    the parsed value; the printed item is found in the row's text."""
    if items is None:
        return None
    return [{"key": text(x["key"])} for x in items]


def expected_row(d):
    """The table row of an event, as python/README and netsift.table's docstring say."""
    row = {"kind": d["kind"], "line": d["line"], "offset": d["offset"], "capture": d["capture"]}
    kind = d["kind"]
    if kind == "section":
        row.update(table=d["table"], title=d["title"], lang=d["lang"], name=text(d.get("name")),
                   header=text(d["header"]), columns=d["columns"])
    elif kind == "inet_conn":
        state = d["state"]
        user = d.get("user")
        t = d.get("timer")
        k = d.get("kernel")
        row.update(
            proto=d["proto"], recv_q=d["recv_q"], send_q=d["send_q"],
            local=netstat_endpoint(d["local"]), foreign=netstat_endpoint(d["foreign"]),
            state=str(state) if isinstance(state, int) else text(state),
            user=None if isinstance(user, int) else text(user),
            uid=user if isinstance(user, int) else None,
            inode=d.get("inode"), **owner(d),
            timer=None if t is None else {"kind": t["kind"], "word": text(t.get("word")), "expires_ms": t["expires_ms"],
                                          "retransmits": t["retransmits"], "probes": t["probes"]},
            kernel=None if k is None else {f: k.get(f) for f in KERNEL_INET},
            more_addresses=None if "more_addresses" not in d else [
                {"local": text(a["local"]), "foreign": text(a["foreign"])} for a in d["more_addresses"]],
            raw=text(d["raw"]),
        )
    elif kind == "unix_socket":
        k = d.get("kernel")
        row.update(refcnt=d["refcnt"], flags=d["flags"], type=text(d["type"]), state=text(d["state"]),
                   inode=d["inode"], **owner(d), path=text(d["path"]), kernel=k, raw=text(d["raw"]))
    elif kind == "ss_socket":
        procs = d["process"]
        row.update(
            netid=text(d["netid"]), sctp_assoc=d.get("sctp_assoc", False), state=text(d["state"]),
            recv_q=d["recv_q"], send_q=d["send_q"], local=ss_endpoint(d["local"]), peer=ss_endpoint(d["peer"]),
            process=None if procs is None else [
                {"name": text(p["name"]), "pid": p["pid"], "fd": p["fd"], "tid": p.get("tid"),
                 "proc_ctx": text(p.get("proc_ctx")), "sock_ctx": text(p.get("sock_ctx"))} for p in procs],
            process_truncated=d.get("process_truncated", False),
            extras=extras(d["extras"]),
            info=None if "info" not in d else [text(x) for x in d["info"]],
            info_extras=extras(d.get("info_extras")),
            raw=text(d["raw"]),
        )
    elif kind == "counter":
        v = d["value"]
        fits = -INT64_MAX - 1 <= v <= INT64_MAX
        row.update(source=d["source"], section=text(d["section"]), name=text(d["name"]),
                   subtable=text(d.get("subtable")), value=v if fits else None,
                   value_decimal=None if fits else str(v), text=text(d["text"]), position=d.get("position"),
                   raw=text(d.get("raw")), rate=d.get("rate"))
    elif kind == "interface":
        row.update(iface=text(d["iface"]), mtu=d["mtu"], metric=d.get("metric"),
                   **{c: d.get(c) for c in IFACE_COUNTERS}, flags=d["flags"], flags_text=text(d["flags_text"]),
                   raw=text(d["raw"]))
    elif kind == "membership":
        row.update(interface=text(d["interface"]), refcnt=d["refcnt"], group=text(d["group"]), family=d["family"],
                   raw=text(d["raw"]))
    elif kind == "notice":
        row.update(notice=d["notice"], text=text(d["text"]))
    elif kind == "malformed":
        row.update(column=d["column"], reason=d["reason"], raw=text(d["raw"]))
    return row


def without_extra_text(row):
    """A table row with the printed text of its ss extras set aside (checked separately)."""
    for key in ("extras", "info_extras"):
        if row.get(key) is not None:
            row[key] = [{"key": x["key"]} for x in row[key]]
    return row


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, FIXTURES) for p in FILES])
def test_every_kind_of_every_fixture_is_its_events(path):
    by_kind = {k: [] for k in KINDS}
    for e in netsift.events(path):
        by_kind[e.kind].append(e.to_dict())
    for kind in KINDS:
        t = netsift.table(path, kind)
        assert isinstance(t, pa.Table) and t.num_rows == len(by_kind[kind]), kind
        rows = t.to_pylist()
        for row, ev in zip(rows, by_kind[kind]):
            assert without_extra_text(dict(row)) == expected_row(ev), (kind, ev["line"])
            for key in ("extras", "info_extras"):
                for item in row.get(key) or []:
                    # The item as printed: in the row's line (or its continuation lines), starting with its key.
                    assert item["text"].startswith(item["key"]) and item["text"] in row["raw"] + "\n".join(
                        row["info"] or []), (ev["line"], item)


def test_fixtures_cover_every_kind():
    seen = {k: 0 for k in KINDS}
    for path in FILES:
        for kind in KINDS:
            seen[kind] += netsift.table(path, kind).num_rows
    assert all(seen[k] > 0 for k in KINDS if k not in ("notice",)), seen


def test_schema_is_fixed_and_typed():
    t = netsift.table(SS, "ss_socket")
    s = t.schema
    assert s.field("line").type == pa.int64() and s.field("recv_q").type == pa.int64()
    local = s.field("local").type
    assert local.field("address").type == pa.string()
    assert local.field("port").type == pa.int64() and local.field("port_name").type == pa.string()
    process = s.field("process").type
    assert pa.types.is_list(process) and pa.types.is_struct(process.value_type)
    assert process.value_type.field("pid").type == pa.int64()
    # The same columns with no rows: a fixed schema per kind, whatever the input holds.
    empty = netsift.table(NETSTAT, "ss_socket")
    assert empty.num_rows == 0 and empty.schema == s
    inet = netsift.table(NETSTAT, "inet_conn").schema
    assert inet == netsift.table(SS, "inet_conn").schema
    assert inet.field("local").type.field("port").type == pa.int64()
    assert inet.field("uid").type == pa.int64() and inet.field("pid").type == pa.int64()
    counter = netsift.table(PROC, "counter").schema
    assert counter.field("value").type == pa.int64() and counter.field("value_decimal").type == pa.string()


def test_ports_keep_numbers_and_words():
    data = (
        b"Active Internet connections (servers and established)\n"
        b"Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n"
        b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     \n"
        b"tcp        0      0 10.0.0.1:ssh            10.0.0.2:51234          ESTABLISHED\n"
    )
    t = netsift.table(data, "inet_conn")
    local = t.column("local").to_pylist()
    foreign = t.column("foreign").to_pylist()
    assert [(e["port"], e["port_name"]) for e in local] == [(22, None), (None, "ssh")]
    assert [(e["port"], e["port_name"]) for e in foreign] == [(None, "*"), (51234, None)]


def test_counter_beyond_int64_keeps_its_digits():
    data = b"TcpExt: ListenOverflows TCPBig\nTcpExt: 3 18446744073709551615\n"
    t = netsift.table(data, "counter", format="proc-netstat")
    rows = {r["name"]: (r["value"], r["value_decimal"]) for r in t.to_pylist()}
    assert rows == {"ListenOverflows": (3, None), "TCPBig": (None, "18446744073709551615")}


def test_columns_null_first_then_filled_and_never_filled():
    """A column null on its first rows and filled later (`user` here), filled then null
    (`uid`, `pid`, `program`), or null on every row (`timer`'s children, `rate`): each row
    keeps its own value, and a column never filled is all nulls of its type."""
    data = (
        b"Active Internet connections (servers and established)\n"
        b"Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name\n"
        b"tcp        0      0 127.0.0.1:631           0.0.0.0:*               LISTEN      0          20071      1/cupsd\n"
        b"tcp        0      0 127.0.0.1:632           0.0.0.0:*               LISTEN      root       20072      -\n"
        b"tcp        0      0 127.0.0.1:633           0.0.0.0:*               LISTEN      lp         20073      7/lpd\n"
    )
    t = netsift.table(data, "inet_conn")
    assert t.column("kind").to_pylist() == ["inet_conn"] * 3
    assert t.column("user").to_pylist() == [None, "root", "lp"]
    assert t.column("uid").to_pylist() == [0, None, None]
    assert t.column("pid").to_pylist() == [1, None, 7]
    assert t.column("program").to_pylist() == ["cupsd", None, "lpd"]
    assert t.column("timer").to_pylist() == [None] * 3
    counters = netsift.table(b"TcpExt: A B\nTcpExt: 1 2\n", "counter", format="proc-netstat")
    assert counters.column("rate").type == pa.float64() and counters.column("rate").to_pylist() == [None, None]
    assert counters.column("value_decimal").type == pa.string()
    assert counters.column("value_decimal").null_count == 2


def test_non_utf8_bytes_become_replacement_characters():
    data = b"TcpExt: Caf\xe9 Ok\nTcpExt: 1 2\n"
    t = netsift.table(data, "counter", format="proc-netstat")
    assert t.column("name").to_pylist() == ["Caf\ufffd", "Ok"]


def test_big_input_in_parts_is_one_parse():
    """An input larger than a part is parsed on several threads from guessed states: the
    table must still be that of one parse (the same rows as the events, in order)."""
    with open(NETSTAT, "rb") as f:
        capture = f.read()
    data = capture * (9 * (1 << 20) // len(capture) + 1)  # > 8 MiB: more than one window
    t = netsift.table(data, "inet_conn")
    lines = [e.line for e in netsift.events(data) if e.kind == "inet_conn"]
    assert t.column("line").to_pylist() == lines
    captures = [e.capture for e in netsift.events(data) if e.kind == "inet_conn"]
    assert t.column("capture").to_pylist() == captures


def test_pandas_and_polars():
    t = netsift.table(NETSTAT, "inet_conn")
    df = t.to_pandas()
    assert len(df) == t.num_rows and set(df["kind"]) == {"inet_conn"}
    pl = pytest.importorskip("polars")
    frame = pl.from_arrow(t)
    assert frame.height == t.num_rows
    listening = frame.filter(pl.col("state") == "LISTEN")
    assert listening.height == sum(1 for e in netsift.events(NETSTAT) if e.kind == "inet_conn" and e.state == "LISTEN")


def test_empty_and_bad_kind():
    t = netsift.table(SS, "interface")
    assert t.num_rows == 0
    with pytest.raises(ValueError):
        netsift.table(SS, "no_such_kind")


def test_a_value_beyond_int64_is_an_error_with_its_line():
    data = (
        b"Active Internet connections (servers and established)\n"
        b"Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n"
        b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     \n"
        b"tcp   9223372036854775808 0 0.0.0.0:23      0.0.0.0:*               LISTEN     \n"
    )
    recv_q = [e.recv_q for e in netsift.events(data) if e.kind == "inet_conn"]
    assert recv_q == [0, 9223372036854775808]
    with pytest.raises(ValueError, match="line 4"):
        netsift.table(data, "inet_conn")


def test_big_single_capture_in_parts_is_one_parse():
    """One capture whose rows fill several parts: the guessed parts are kept (they agree
    with the true state), and the rows are still those of one parse."""
    with open(NETSTAT, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if line.startswith(b"Proto"))
    rows = [line for line in lines[header + 1 :] if line.startswith((b"tcp", b"udp"))]
    body = b"".join(rows)
    data = b"".join(lines[: header + 1]) + body * (9 * (1 << 20) // len(body) + 1)
    t = netsift.table(data, "inet_conn")
    events = [e for e in netsift.events(data) if e.kind == "inet_conn"]
    assert t.num_rows == len(events) > 50000
    assert t.column("line").to_pylist() == [e.line for e in events]
    assert t.column("raw").to_pylist() == [e.raw for e in events]
    assert [p["port"] for p in t.column("local").to_pylist()] == [e.local.port for e in events]


IPV6 = ["::", "::1", "fe80::1", "2001:db8:0:0:1:0:0:1", "1:0:0:2:0:0:0:3", "::ffff:1.2.3.4", "::1.2.3.4",
        "0:0:1::", "1::", "1:2:3:4:5:6:7:8", "1:0:3:4:5:6:7:8", "abcd:ef01:0:0:0:0:0:ff", "0:0:0:0:0:1:0:0",
        "::ffff:0:1.2.3.4", "64:ff9b::10.0.0.1", "fe80:0:0:0:a:b:0:0"]


def test_ipv6_addresses_are_written_as_the_events_write_them():
    head = (b"Active Internet connections (servers and established)\n"
            b"Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n")
    rows = b"".join(b"tcp6       0      0 %s:22 :::*                    LISTEN     \n" % a.encode() for a in IPV6)
    data = head + rows
    expected = [e.local.address for e in netsift.events(data) if e.kind == "inet_conn"]
    assert len(expected) == len(IPV6)
    assert [p["address"] for p in netsift.table(data, "inet_conn").column("local").to_pylist()] == expected


def test_windows_read_ahead_carry_long_lines_from_every_source(tmp_path):
    """The input is read a window at a time on a thread of its own while the window before
    is parsed; the unfinished line at a window's end begins the next (copied in front of
    it, or joined when longer than the room kept for it, 64 KiB), and a line longer than a
    window is fed as it is. Over 9 MiB of ss rows with lines of 100 KB, 1.5 MB (beyond the
    1 MiB line cap) and 9 MiB (beyond a window of two 4 MiB parts) among them, from a path,
    bytes and a file object: the rows and the malformed lines are the events'."""
    import io

    with open(SS, "rb") as f:
        capture = f.read()
    rows = capture.split(b"\n", 1)[1]
    pieces = [capture]
    for i in range(9 * (1 << 20) // len(rows) + 1):
        pieces.append(rows)
        if i % 97 == 13:
            pieces.append(b"tcp   ESTAB 0 0 " + b"1" * 100_000 + b"\n")
        if i % 1500 == 700:
            pieces.append(b"udp " + b"x" * 1_500_000 + b"\n")
    pieces.insert(len(pieces) // 2, b"z" * (9 << 20) + b"\n")
    data = b"".join(pieces)
    path = tmp_path / "ss-long-lines.txt"
    path.write_bytes(data)
    events = list(netsift.events(data))
    for kind, column in (("ss_socket", "raw"), ("malformed", "raw")):
        expected = [e for e in events if e.kind == kind]
        assert expected, kind
        for source in (str(path), data, io.BytesIO(data)):
            t = netsift.table(source, kind)
            assert t.column("line").to_pylist() == [e.line for e in expected]
            assert t.column("offset").to_pylist() == [e.offset for e in expected]
            got = t.column(column).to_pylist()
            assert got == [getattr(e, column) for e in expected], (kind, type(source))


def test_random_addresses_are_written_as_the_events_write_them():
    """IPv4 and IPv6 addresses (zero groups in runs of every length and place, IPv4-mapped
    and -compatible ones) written by the table's own formatter: as the events write them."""
    import ipaddress
    import random

    rng = random.Random(12)
    addresses = []
    for _ in range(4000):
        groups = [0 if rng.random() < 0.4 else rng.getrandbits(rng.choice((4, 8, 12, 16))) for _ in range(8)]
        v6 = ipaddress.IPv6Address(b"".join(g.to_bytes(2, "big") for g in groups))
        v4 = ipaddress.IPv4Address(rng.getrandbits(32) >> rng.choice((0, 8, 16, 24)))
        addresses += [v6.exploded, v6.compressed, "::ffff:%s" % v4, str(v4)]
    head = (b"Active Internet connections (servers and established)\n"
            b"Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n")
    rows = b"".join(b"%s       0      0 %s:22 :::*                    LISTEN     \n"
                    % (b"tcp" if "." in a and ":" not in a else b"tcp6", a.encode()) for a in addresses)
    data = head + rows
    expected = [e.local.address for e in netsift.events(data) if e.kind == "inet_conn"]
    assert len(expected) == len(addresses)
    assert [p["address"] for p in netsift.table(data, "inet_conn").column("local").to_pylist()] == expected
    ss = b"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\n" + b"".join(
        b"tcp ESTAB 0 0 %s:1 [::1]:2\n" % (("[%s]" % a if ":" in a else a).encode()) for a in addresses)
    expected = [e.local.address for e in netsift.events(ss) if e.kind == "ss_socket"]
    assert len(expected) == len(addresses)
    assert [p["address"] for p in netsift.table(ss, "ss_socket").column("local").to_pylist()] == expected


NETSTAT_S = os.path.join(FIXTURES, "captured", "deb12_netstat-s.txt")
NSTAT = os.path.join(FIXTURES, "captured", "deb12_nstat-a.txt")


def counters_are_their_events(data, **kw):
    """Every row of the counter table of `data` is its event (see `expected_row`)."""
    t = netsift.table(data, "counter", **kw)
    events = [e.to_dict() for e in netsift.events(data, **kw) if e.kind == "counter"]
    assert t.num_rows == len(events) > 0
    for row, ev in zip(t.to_pylist(), events):
        assert row == expected_row(ev), ev["line"]
    return t


def test_counter_rows_of_one_line_and_of_many():
    """The counters of a /proc values line share their line's columns (written once for the
    line); netstat -s and nstat give one counter a line; a /proc counter's text is its name
    (one column for both) until a counter whose text is not. Mixed in one input, in every
    order, each row is its event."""
    with open(PROC, "rb") as f:
        proc = f.read()
    with open(NETSTAT_S, "rb") as f:
        netstat_s = f.read()
    with open(NSTAT, "rb") as f:
        nstat = f.read()
    cases = [
        (proc + netstat_s, ["proc", "netstat_s"]),
        (netstat_s + proc, ["netstat_s", "proc"]),
        (proc + nstat + proc, ["proc", "nstat", "proc"]),
        (nstat + netstat_s + proc * 2, ["nstat", "netstat_s", "proc"]),
    ]
    for data, sources in cases:
        t = counters_are_their_events(data)
        runs = [s for k, s in enumerate(t.column("source").to_pylist()) if k == 0 or s != t.column("source")[k - 1].as_py()]
        assert runs == sources


def test_counter_sections_of_one_length_and_not_utf8():
    """Runs of sections and sub-tables: same-length sections one after the other (`Tcp`,
    `Udp`), a section that is not UTF-8 repeated over a line and over lines, names not UTF-8."""
    data = (b"Tcp: A B\nTcp: 1 2\nUdp: A B\nUdp: 3 4\nT\xe9p: C D\nT\xe9p: 5 6\nT\xe9p: E\nT\xe9p: 7\n"
            b"Tcp: A\xff B\nTcp: 8 9\n")
    t = counters_are_their_events(data, format="proc-netstat")
    assert t.column("section").to_pylist() == ["Tcp"] * 2 + ["Udp"] * 2 + ["T\ufffdp"] * 3 + ["Tcp"] * 2
    assert t.column("text").to_pylist() == t.column("name").to_pylist()


def test_big_counter_inputs_in_parts_are_one_parse():
    """Counter inputs larger than a window (several windows, two parts each) against their
    events, row by row: /proc alone, netstat -s alone, and the two alternating."""
    with open(PROC, "rb") as f:
        proc = f.read()
    with open(NETSTAT_S, "rb") as f:
        netstat_s = f.read()
    for capture in (proc, netstat_s, proc + netstat_s):
        counters_are_their_events(capture * (9 * (1 << 20) // len(capture) + 1))


def test_text_of_every_length_with_a_byte_not_ascii_anywhere():
    """Names of every length class the columns copy in words (under 4, 4-7, 8-15, 16-32,
    33-64, 65-256, longer), with one byte that is not ASCII first, in the middle or last,
    and without: each is its event (U+FFFD for the byte)."""
    names, values = [], []
    for n in (1, 3, 4, 7, 8, 15, 16, 17, 32, 33, 48, 64, 65, 100, 256, 257, 300):
        for at in (None, 0, n // 2, n - 1):
            name = bytearray(b"N" + b"x" * (n - 1))
            if at is not None:
                name[at] = 0xE9
            names.append(bytes(name))
            values.append(str(len(values)).encode())
    data = b"TcpExt: " + b" ".join(names) + b"\nTcpExt: " + b" ".join(values) + b"\n"
    t = counters_are_their_events(data, format="proc-netstat")
    assert t.column("name").to_pylist() == [n.decode("utf-8", "replace") for n in names]
