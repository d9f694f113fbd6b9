"""examples/spark_fleet.py on a dozen archives made from the fixture sosreport, with
different host names, counters and listeners; Spark in local[2] mode."""

import io
import os
import re
import shutil
import sys
import tarfile

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.fail("PySpark needs Java 17 (apt-get install -y openjdk-17-jre-headless)")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))
import spark_fleet  # noqa: E402

FIXTURE = os.path.join(HERE, "..", "..", "tests", "fixtures", "archives", "sosreport-deb12.tar.xz")
SSHD = b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0          77001      9%02d/sshd             off (0.00/0/0)\n"
INET_HEADER = b"Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\n"


def overflows(i):
    return 0 if i % 3 else 1000 + i  # hosts 0, 3, 6, 9 overflow


def set_proc_counter(text, section, name, value):
    lines = text.split(b"\n")
    for j in range(0, len(lines) - 1):
        if lines[j].startswith(section + b":") and name in lines[j].split():
            names, values = lines[j].split(), lines[j + 1].split()
            values[names.index(name)] = b"%d" % value
            lines[j + 1] = b" ".join(values)
    return b"\n".join(lines)


def make_fleet(folder, hosts=12):
    with tarfile.open(FIXTURE) as src:
        members = [(m, src.extractfile(m).read() if m.isfile() else None) for m in src.getmembers()]
    for i in range(hosts):
        host = "web%02d" % i
        top = "sosreport-%s-2024-01-01-abcdef" % host
        with tarfile.open(os.path.join(folder, top + ".tar.gz"), "w:gz") as out:
            for m, data in members:
                m = tarfile.TarInfo.frombuf(m.tobuf(), "utf-8", "surrogateescape")
                m.name = re.sub(r"^sosreport-deb12-2024-01-01-abcdef", top, m.name)
                if data is not None:
                    if m.name.endswith("/etc/hostname"):
                        data = host.encode() + b"\n"
                    elif m.name.endswith("proc/net/netstat"):
                        data = set_proc_counter(data, b"TcpExt", b"ListenOverflows", overflows(i))
                    elif m.name.endswith("networking/netstat_-s"):
                        data = re.sub(rb"\d+ times the listen queue", b"%d times the listen queue" % overflows(i), data)
                    elif m.name.endswith("networking/netstat_-neopa") and i % 2 == 0:
                        data = data.replace(INET_HEADER, INET_HEADER + SSHD % i, 1)  # even hosts run sshd
                    m.size = len(data)
                    out.addfile(m, io.BytesIO(data))
                else:
                    out.addfile(m)


@pytest.fixture(scope="module")
def spark():
    s = spark_fleet.session("local[2]")
    yield s
    s.stop()


def test_fleet_answers(tmp_path, spark):
    make_fleet(str(tmp_path))
    assert len(spark_fleet.archives(str(tmp_path))) == 12
    answers = spark_fleet.fleet_answers(spark, str(tmp_path))
    assert answers["listen_overflows"] == {"web%02d" % i: overflows(i) for i in range(12) if overflows(i) > 0}
    sshd = {(r["host"], r["port"]) for r in answers["ssh_or_any"] if r["program"] == "sshd"}
    assert sshd == {("web%02d" % i, 22) for i in range(0, 12, 2)}
    # every host listens on 0.0.0.0 somewhere in the fixture capture; each appears
    hosts_any = {r["host"] for r in answers["ssh_or_any"] if r["address"] == "0.0.0.0"}
    assert hosts_any == {"web%02d" % i for i in range(12)}
