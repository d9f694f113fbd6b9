"""Speed of the Python package, in one process on one input (python/BENCHMARKS.md).

Usage: python examples/benchmark.py NETSTAT_FILE [LIMITS_BIN]
  - netsift.insights.Netstat vs insights-core's Netstat on the same lines (best of 3);
  - netsift.table(file, "inet_conn") vs `limits fields FILE` (the whitespace tokenizer);
  - netsift.events(file) iteration rate (every event, its kind read).
"""

import os
import subprocess
import sys
import time

import netsift
import netsift.insights as ni


def best(f, rounds=3):
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    path = sys.argv[1]
    limits = sys.argv[2] if len(sys.argv) > 2 else None
    size = os.path.getsize(path)
    mb = size / 1e6
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8", "surrogateescape").splitlines()
    print("input: %s, %.1f MB, %d lines" % (path, mb, len(lines)))

    from insights.parsers.netstat import Netstat as InsightsNetstat
    from insights.tests import context_wrap

    ctx = context_wrap(lines)
    t_ins = best(lambda: InsightsNetstat(ctx), rounds=2)
    t_ctor = best(lambda: ni.Netstat(lines))

    def full():
        ns = ni.Netstat(lines)
        ns.data, ns.datalist, ns.lines  # what insights builds in its constructor

    t_full = best(full)
    print("insights-core Netstat (constructor: data, datalist, lines): %.3f s  (%.1f MB/s)" % (t_ins, mb / t_ins))
    print("netsift Netstat constructor (parse, GIL released):        %.3f s  (%.1f MB/s)  %.1fx" % (t_ctor, mb / t_ctor, t_ins / t_ctor))
    print("netsift Netstat + data + datalist + lines built:          %.3f s  (%.1f MB/s)  %.1fx" % (t_full, mb / t_full, t_ins / t_full))

    t_table = best(lambda: netsift.table(path, "inet_conn"))
    print("netsift.table(inet_conn):                                  %.3f s  (%.1f MB/s)" % (t_table, mb / t_table))
    if limits:
        out = subprocess.run([limits, "fields", path], stdout=subprocess.PIPE, text=True, check=True).stdout
        secs = float(out.split("secs=")[1].split()[0])
        print("limits fields:                                             %.3f s  (%.1f MB/s)  -> table is %.2fx of it" % (secs, mb / secs, secs / t_table))

    def iterate():
        n = 0
        for e in netsift.events(path):
            e.kind
            n += 1
        return n

    t = time.perf_counter()
    n = iterate()
    t_ev = time.perf_counter() - t
    print("netsift.events: %d events in %.3f s: %.0f events/s, %.1f MB/s" % (n, t_ev, n / t_ev, mb / t_ev))

    def iterate_bare():
        return sum(1 for _ in netsift.events(path))

    t = time.perf_counter()
    n = iterate_bare()
    t_bare = time.perf_counter() - t
    print("netsift.events (not looked at): %.0f events/s, %.1f MB/s" % (n / t_bare, mb / t_bare))


if __name__ == "__main__":
    main()
