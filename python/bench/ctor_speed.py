"""netsift.insights.Netstat against insights-core's Netstat on the same lines, in one run
(python/BENCHMARKS.md).

Usage: python bench/ctor_speed.py NETSTAT_FILE [ROUNDS]

Each round builds insights-core's ``Netstat(context_wrap(lines))`` once and
``netsift.insights.Netstat(lines)`` three times; prints the best wall time
(``time.perf_counter``) and CPU time (``time.process_time``) of each and their ratios.

For a load-independent figure, the constructor's instructions under callgrind are the
difference between ``python bench/ctor_speed.py FILE --instructions 1`` (reads the lines,
builds one Netstat) and ``... --instructions 0`` (reads the lines only).
"""

import sys
import time

import netsift.insights as ni


def read_lines(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "surrogateescape").splitlines()


def main():
    path = sys.argv[1]
    lines = read_lines(path)
    if len(sys.argv) > 3 and sys.argv[2] == "--instructions":
        if sys.argv[3] == "1":
            ni.Netstat(lines)
        return
    from insights.parsers.netstat import Netstat as InsightsNetstat
    from insights.tests import context_wrap

    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    ctx = context_wrap(lines)

    def timed(f):
        w, c = time.perf_counter(), time.process_time()
        f()
        return time.perf_counter() - w, time.process_time() - c

    ins, ns = [], []
    for _ in range(rounds):
        ins.append(timed(lambda: InsightsNetstat(ctx)))
        for _ in range(3):
            ns.append(timed(lambda: ni.Netstat(lines)))
    iw, ic = min(x[0] for x in ins), min(x[1] for x in ins)
    nw, nc = min(x[0] for x in ns), min(x[1] for x in ns)
    print(
        "insights wall %.3f cpu %.3f | netsift wall %.3f cpu %.3f | ratio wall %.1fx cpu %.1fx"
        % (iw, ic, nw, nc, iw / nw, ic / nc)
    )


if __name__ == "__main__":
    main()
