"""netsift.events() and netsift.scan() give what `netsift events` / `netsift scan` print."""

import glob
import gzip
import io
import json
import os
import resource
import subprocess

import pytest

import netsift

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(REPO, "tests", "fixtures")
ARCHIVE = os.path.join(FIXTURES, "archives", "sosreport-deb12.tar.xz")


def cli():
    path = os.environ.get("NETSIFT_BIN") or os.path.join(REPO, "target", "release", "netsift")
    if not os.path.exists(path):
        pytest.fail("build the CLI first: cargo build --release --bin netsift (or set NETSIFT_BIN)")
    return path


def fixtures():
    files = []
    for pattern in ("captured/*.txt", "corpus/*/*", "insights/fixtures/*.txt", "insights/fixtures/quirks/*.txt"):
        files += sorted(glob.glob(os.path.join(FIXTURES, pattern)))
    return [f for f in files if not f.endswith(".md")]


def cli_events(path, stdin=None):
    """`netsift events FILE`, or with `stdin` the same bytes on standard input (no name)."""
    args = [cli(), "events", "-q"] + ([] if stdin is not None else [path])
    out = subprocess.run(args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    return [json.loads(line) for line in out.splitlines()]


FILES = fixtures()


def test_fixtures_found():
    assert len(FILES) > 80


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, FIXTURES) for p in FILES])
def test_same_events_as_the_cli(path):
    expected = cli_events(path)
    assert [e.to_dict() for e in netsift.events(path)] == expected
    with open(path, "rb") as f:
        data = f.read()
    # bytes have no file name (a kernel table's protocol comes from it): as standard input
    assert [e.to_dict() for e in netsift.events(data)] == cli_events(path, stdin=data)


class Trickle(io.RawIOBase):
    """A binary file object that gives at most `step` bytes per read."""

    def __init__(self, data, step):
        self.data, self.pos, self.step = data, 0, step

    def readable(self):
        return True

    def read(self, n=-1):
        n = self.step if n < 0 else min(n, self.step)
        chunk = self.data[self.pos : self.pos + n]
        self.pos += len(chunk)
        return chunk


def test_file_objects_and_compression():
    path = os.path.join(FIXTURES, "captured", "deb12_ss-tupna.txt")
    expected = cli_events(path)
    with open(path, "rb") as f:
        data = f.read()
    assert [e.to_dict() for e in netsift.events(Trickle(data, 7))] == expected
    assert [e.to_dict() for e in netsift.events(io.BytesIO(gzip.compress(data)))] == expected
    assert [e.to_dict() for e in netsift.events(gzip.compress(data), format="ss")] == expected


def test_attributes_are_the_json_keys():
    path = os.path.join(FIXTURES, "captured", "deb12_netstat-neopa.txt")
    conns = [e for e in netsift.events(path) if e.kind == "inet_conn"]
    assert conns
    first = conns[0]
    d = first.to_dict()
    assert first.line == d["line"] and first.local.port == d["local"]["port"]
    assert first.local.address == d["local"]["address"] and first.timer.kind == d["timer"]["kind"]
    assert first["raw"] == d["raw"] and "pid" in first
    with pytest.raises(AttributeError):
        first.no_such_field
    ss = [e for e in netsift.events(os.path.join(FIXTURES, "captured", "deb12_ss-tupna.txt")) if e.kind == "ss_socket"]
    with_process = [e for e in ss if e.to_dict()["process"]]
    assert with_process and with_process[0].process[0].pid == with_process[0].to_dict()["process"][0]["pid"]


def test_bad_arguments():
    with pytest.raises(ValueError):
        netsift.events(b"", format="nope")
    with pytest.raises(TypeError):
        netsift.events(42)
    with pytest.raises(OSError):
        netsift.events("/no/such/file")
    with pytest.raises(ValueError, match="tar archive"):
        netsift.events(ARCHIVE)


def test_scan_gives_the_cli_scan():
    out = subprocess.run([cli(), "scan", "-q", ARCHIVE], stdout=subprocess.PIPE, check=True).stdout
    expected = [json.loads(l) for l in out.splitlines()]
    assert expected[-1]["kind"] == "scan_summary"
    expected = expected[:-1]
    got = [(m, e.to_dict()) for m, e in netsift.scan(ARCHIVE)]
    assert [e for _, e in got] == expected
    assert all(m == e["member"] for m, e in got)
    assert len({m for m, _ in got}) >= 3


def test_scan_errors():
    with pytest.raises(OSError):
        list(netsift.scan("/no/such/archive"))
    path = os.path.join(FIXTURES, "captured", "deb12_ss-tupna.txt")
    with pytest.raises(OSError, match="not a tar archive"):
        list(netsift.scan(path))


ROW = (
    b"tcp        0      0 10.0.0.1:22             10.0.0.2:50000          ESTABLISHED 0          12345      "
    b"900/sshd             keepalive (7100.00/0/0)\n"
)
HEAD = (
    b"Active Internet connections (servers and established)\n"
    b"Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      "
    b"PID/Program name     Timer\n"
)


class Endless(io.RawIOBase):
    """`total` bytes of netstat rows, generated as they are read: nothing is held."""

    def __init__(self, total):
        self.left = total
        self.head = HEAD
        self.block = ROW * (65536 // len(ROW))

    def readable(self):
        return True

    def read(self, n=-1):
        if self.head:
            out, self.head = self.head, b""
            return out
        if self.left <= 0:
            return b""
        out = self.block[: min(len(self.block), self.left)]
        self.left -= len(out)
        return out


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_memory_stays_flat_on_a_multi_gigabyte_stream():
    total = int(os.environ.get("NETSIFT_FLAT_BYTES", 2 * 1024**3))
    # warm up (the module, the first chunk), then measure the peak over the whole stream
    sum(1 for _ in netsift.events(Endless(1 << 20)))
    before = max_rss_mb()
    count = 0
    for e in netsift.events(Endless(total)):
        count += 1
        if count % 1_000_000 == 0:
            assert e.kind == "inet_conn" and e.local.port == 22
    grown = max_rss_mb() - before
    assert count > total // len(ROW)  # every row became an event (plus the section)
    assert grown < 64, "peak RSS grew by %.1f MB over %d bytes" % (grown, total)
