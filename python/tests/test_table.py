"""netsift.table(): one event kind as a typed pyarrow.Table, usable from pandas and polars."""

import os

import pytest

pa = pytest.importorskip("pyarrow")

import netsift  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures")
SS = os.path.join(FIXTURES, "captured", "deb12_ss-tupna.txt")
NETSTAT = os.path.join(FIXTURES, "captured", "deb12_netstat-neopa.txt")
PROC = os.path.join(FIXTURES, "captured", "deb12_proc-net-netstat.txt")


def as_table_values(d, schema_type):
    """An event dict's value as the column holds it (numbers in a text column as text)."""
    if pa.types.is_string(schema_type) and isinstance(d, (int, float)) and not isinstance(d, bool):
        return str(d)
    if pa.types.is_struct(schema_type) and isinstance(d, dict):
        return {f.name: as_table_values(d.get(f.name), f.type) for f in schema_type}
    if pa.types.is_list(schema_type) and isinstance(d, list):
        return [as_table_values(x, schema_type.value_type) for x in d]
    return d


@pytest.mark.parametrize("path,kind", [(SS, "ss_socket"), (NETSTAT, "inet_conn"), (NETSTAT, "unix_socket"), (PROC, "counter")])
def test_rows_are_the_events(path, kind):
    events = [e.to_dict() for e in netsift.events(path) if e.kind == kind]
    t = netsift.table(path, kind)
    assert isinstance(t, pa.Table) and t.num_rows == len(events) > 0
    assert t.column_names == list(events[0].keys())
    rows = t.to_pylist()
    for row, ev in zip(rows, events):
        expected = {f.name: as_table_values(ev.get(f.name), f.type) for f in t.schema}
        assert row == expected


def test_types():
    t = netsift.table(SS, "ss_socket")
    s = t.schema
    assert s.field("line").type == pa.int64() and s.field("recv_q").type == pa.int64()
    assert s.field("local").type.field("address").type == pa.string()
    process = s.field("process").type
    assert pa.types.is_list(process) and pa.types.is_struct(process.value_type)
    assert process.value_type.field("pid").type == pa.int64()


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
