"""netsift.table() against `limits fields` on the same files, in one run (python/BENCHMARKS.md).

Usage: python bench/table_speed.py LIMITS_BIN [FORMAT=FILE ...]
  e.g. python bench/table_speed.py bench/limits/target/release/limits \
           netstat=/tmp/netstat-20.txt ss=/tmp/ss-20.txt netstat-s=/tmp/netstat-s-20.txt \
           proc-netstat=/tmp/proc-netstat-20.txt

For each file, alternately: `limits fields FILE` (its own `secs=`, the whitespace tokenizer
that bounds any parser) and netsift.table(FILE, KIND) timed in process with
time.perf_counter (the whole call: read, parse, build, hand-over to pyarrow). Reports the
best and the median of ROUNDS runs of each, and the ratio of the bests (limits / table:
the fraction of the tokenizer's speed the table reaches). CPU time (time.process_time,
all threads) is shown beside: on a busy machine the wall time also measures the load.
"""

import os
import statistics
import subprocess
import sys
import time

import netsift

KIND = {"netstat": "inet_conn", "ss": "ss_socket", "netstat-s": "counter", "proc-netstat": "counter"}
ROUNDS = int(os.environ.get("ROUNDS", "7"))


def limits_secs(limits, path):
    out = subprocess.run([limits, "fields", path], stdout=subprocess.PIPE, text=True, check=True).stdout
    return float(out.split("secs=")[1].split()[0])


def main():
    limits = sys.argv[1]
    files = [a.split("=", 1) for a in sys.argv[2:]]
    netsift.table(files[0][1], "notice")  # import pyarrow once, outside the timings
    print("| input | MB | rows | kind | table best / median (s) | table CPU best (s) | limits fields best / median (s) | table ÷ limits speed (best) |")
    print("|---|---|---|---|---|---|---|---|")
    for fmt, path in files:
        kind = KIND[fmt]
        mb = os.path.getsize(path) / 1e6
        walls, cpus, lims = [], [], []
        rows = 0
        for _ in range(ROUNDS):
            lims.append(limits_secs(limits, path))
            w, c = time.perf_counter(), time.process_time()
            t = netsift.table(path, kind)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
            rows = t.num_rows
            del t
        print("| %s | %.1f | %d | %s | %.3f / %.3f | %.3f | %.3f / %.3f | **%.2f×** |" % (
            fmt, mb, rows, kind, min(walls), statistics.median(walls), min(cpus), min(lims),
            statistics.median(lims), min(lims) / min(walls)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
