"""A fleet of sosreports on Spark: one task per archive runs ``netsift.scan``; the events
become DataFrames of listeners and counters, and Spark answers fleet questions.

    python spark_fleet.py FOLDER [--master local[2]]

FOLDER holds sosreport or insights archives (tar files, plain or compressed, or unpacked
directories). Prints one JSON object:

- ``listen_overflows``: hosts whose ``TcpExt:ListenOverflows`` counter is above 0, with it;
- ``ssh_or_any``: the programs listening on port 22 or on 0.0.0.0, by host.

PySpark needs Java 17 (``apt-get install -y openjdk-17-jre-headless``) and netsift
installed in the Python the executors run (``PYSPARK_PYTHON``; set to this one here).
"""

import json
import os
import re
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType

LISTENERS = StructType(
    [
        StructField("host", StringType()),
        StructField("proto", StringType()),
        StructField("address", StringType()),
        StructField("port", LongType()),
        StructField("program", StringType()),
        StructField("pid", LongType()),
    ]
)
COUNTERS = StructType(
    [
        StructField("host", StringType()),
        StructField("source", StringType()),
        StructField("section", StringType()),
        StructField("name", StringType()),
        StructField("value", LongType()),
    ]
)
ARCHIVE = re.compile(r"\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.zst|tzst)$")
TOP = re.compile(r"^(?:sosreport-|insights-)?(?P<host>.+?)(?:-\d{4}-\d{2}-\d{2}-.*)?$")


def host_of(member):
    """The host, from the archive's top directory (``sosreport-HOST-DATE-ID``)."""
    top = member.split("/", 1)[0]
    return TOP.match(top).group("host")


def as_int(v):
    """An int column value (``'*'`` ports and counters past 64 bits are null)."""
    return v if isinstance(v, int) and -(2**63) <= v < 2**63 else None


def get(record, name):
    """A field of an event's nested object, or None (a unix socket's address has no port)."""
    return record[name] if record is not None and not isinstance(record, str) and name in record else None


def scan_archive(path):
    """One task: every listener and counter of one archive, as ("L", row) and ("C", row)."""
    import netsift  # imported on the executor

    for member, e in netsift.scan(path):
        kind = e.kind
        if kind == "inet_conn" and e.state == "LISTEN":
            local = e.local
            yield ("L", (host_of(member), e.proto, get(local, "address"), as_int(get(local, "port")), e.program, as_int(e.pid)))
        elif kind == "ss_socket" and e.state == "LISTEN":
            procs = e.process or []
            first = procs[0] if procs else None
            yield (
                "L",
                (
                    host_of(member),
                    e.netid,
                    get(e.local, "address"),
                    as_int(get(e.local, "port")),
                    first.name if first else None,
                    as_int(first.pid) if first else None,
                ),
            )
        elif kind == "counter" and e.name is not None:
            yield ("C", (host_of(member), e.source, e.section, e.name, as_int(e.value)))


def archives(folder):
    found = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isdir(path) or ARCHIVE.search(name):
            found.append(path)
    return found


def fleet_frames(spark, folder):
    """(listeners, counters) DataFrames of every archive in ``folder``, one task each."""
    paths = archives(folder)
    # The executors unpickle scan_archive by reference to this module: ship it to them.
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    rows = spark.sparkContext.parallelize(paths, numSlices=max(1, len(paths))).flatMap(scan_archive).cache()
    listeners = spark.createDataFrame(rows.filter(lambda r: r[0] == "L").map(lambda r: r[1]), LISTENERS).distinct()
    counters = spark.createDataFrame(rows.filter(lambda r: r[0] == "C").map(lambda r: r[1]), COUNTERS)
    return listeners, counters


def fleet_answers(spark, folder):
    listeners, counters = fleet_frames(spark, folder)
    overflows = (
        counters.filter((F.col("section") == "TcpExt") & (F.col("name") == "ListenOverflows"))
        .groupBy("host")
        .agg(F.max("value").alias("value"))
        .filter(F.col("value") > 0)
        .orderBy("host")
        .collect()
    )
    ssh_or_any = (
        listeners.filter((F.col("port") == 22) | (F.col("address") == "0.0.0.0"))
        .select("host", "program", "address", "port")
        .distinct()
        .orderBy("host", "program", "address", "port")
        .collect()
    )
    return {
        "listen_overflows": {r["host"]: r["value"] for r in overflows},
        "ssh_or_any": [r.asDict() for r in ssh_or_any],
    }


def session(master="local[2]"):
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return SparkSession.builder.master(master).appName("netsift-fleet").config("spark.ui.enabled", "false").getOrCreate()


def main(argv):
    folder = argv[0]
    master = argv[argv.index("--master") + 1] if "--master" in argv else "local[2]"
    spark = session(master)
    try:
        print(json.dumps(fleet_answers(spark, folder), indent=1, sort_keys=True))
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
