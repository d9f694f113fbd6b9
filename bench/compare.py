"""Run every tool on every generated input, alternating tools over ROUNDS rounds, and print
the median MB/s (MB = 10^6 bytes), the peak RSS (/usr/bin/time -f %M), and the ratio to the
naive tokenizer (`limits fields`) on the same file in the same round (median of the
rounds' ratios). Called by bench/compare.sh, which makes the inputs.

Where a Python tool reads one capture per call (insights' ProcNsat, jc's /proc parser), the
input is split into captures before the clock starts and the parse times are summed. jc's
netstat parser raises on rows real netstat prints (an empty State with an IPv4-mapped
address, columns pushed right by a wide field), so it is timed on a capture it can read:
jc's own CentOS 7 test output repeated to the same size (`netstat-jc-SIZE.txt`).

A second, smaller size (SMALL_MB) gives netsift's peak RSS on two sizes: memory is flat
when the two are the same.

`events` writes 2-9x its input as JSON, and writing that many bytes into a fresh file is
not free on every machine: the "write ceiling" writes as many bytes as `events` wrote (in
the same round, to the same place, removed first as `events`' output is), 128 KiB at a
time, and `limits fields` / that time is the best ratio `events` could have with a parser
and a JSON writer that took no time.

`count --jobs 1` and `--jobs 2` on the one file are short runs (50-150 ms on 100 MB): each
round runs them JOBS_REPEATS times (default 5), alternating, and takes the median of each;
their ratio is then the median of the rounds' ratios as for the others. They are timed
without /usr/bin/time, whose own exec would be a fixed 1.3 ms in both (see `timed`).

With PYTHON_TOOLS=0, insights-core and jc are not run (a quick check of netsift alone)."""
import os
import re
import statistics
import subprocess
import sys
import time

SIZE, ROUNDS, SMALL = sys.argv[1], int(sys.argv[2]), sys.argv[3]
PY = sys.executable
PYTHON_TOOLS = os.environ.get("PYTHON_TOOLS", "1") != "0"
# Runs of `count --jobs 1` and `--jobs 2` per round (see the rounds' loop).
JOBS_REPEATS = int(os.environ.get("JOBS_REPEATS", "5"))

# Python tools: the file is read (and split into captures) before the clock starts.
INSIGHTS = r'''
import re, sys, time
from insights.tests import context_wrap
from insights.parsers import netstat as n
fmt, path = sys.argv[1], sys.argv[2]
cls = {"netstat": n.Netstat, "ss": n.SsTUPNA, "netstat-s": n.NetstatS, "proc-netstat": n.ProcNsat}[fmt]
text = open(path, encoding="utf-8", errors="surrogateescape").read()
if fmt == "proc-netstat":
    # A capture starts at its TcpExt names line (the values line starts with a digit).
    parts = re.split(r"\n(?=TcpExt: [A-Za-z])", text)
else:
    parts = [text]
contexts = [context_wrap(p) for p in parts]
t = time.perf_counter()
for ctx in contexts:
    cls(ctx)
print(time.perf_counter() - t)
'''
JC = r'''
import re, sys, time, jc
fmt, path = sys.argv[1], sys.argv[2]
name = {"netstat": "netstat", "ss": "ss", "proc-netstat": "proc_net_netstat"}[fmt]
text = open(path, encoding="utf-8", errors="replace").read()
if fmt == "proc-netstat":
    # A capture starts at its TcpExt names line (the values line starts with a digit).
    parts = re.split(r"\n(?=TcpExt: [A-Za-z])", text)
else:
    parts = [text]
t = time.perf_counter()
for p in parts:
    jc.parse(name, p, quiet=True)
print(time.perf_counter() - t)
'''


# The write ceiling of `events`: BYTES written into a fresh file, a prebuilt 128 KiB block
# at a time (as `events` writes its chunks); the time from opening to closing the file.
WRITE = r'''
import os, sys, time
path, size = sys.argv[1], int(sys.argv[2])
block = b"x" * (128 << 10)
t = time.perf_counter()
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
left = size
while left > 0:
    left -= os.write(fd, block[:min(left, len(block))])
os.close(fd)
print(time.perf_counter() - t)
'''


def timed(cmd, rss=True):
    """Seconds (wall, or what the tool printed as its parse time) and peak RSS in KB.

    Without `rss`, the command is not run under /usr/bin/time, whose own exec (1.3 ms a
    run here) would be in the wall clock: the pair of `count --jobs 1` and `--jobs 2`,
    short runs whose ratio that fixed cost lowers. Their peak RSS is then not measured
    (that of `count`, run under /usr/bin/time, is): the child's own peak, as wait4 gives
    it, starts from that of this process, which forked it."""
    if rss:
        cmd = ["/usr/bin/time", "-f", "%e %M"] + cmd
    start = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.stderr.write(f"failed: {' '.join(cmd[:4])}…: {r.stderr.strip().splitlines()[-2:]}\n")
        return None
    # The wall clock of this process: /usr/bin/time's %e only has 10 ms steps.
    peak = int(r.stderr.strip().splitlines()[-1].split()[1]) if rss else None
    secs = elapsed
    out = r.stdout.strip().splitlines()
    if out:
        try:
            secs = float(out[-1])
        except ValueError:
            pass
    return max(secs, 1e-3), peak


# Where `events` writes. Removed before and after each timed run, outside the timing: `>`
# onto the last run's output (up to 930 MB) truncates it first, which charged the freeing of
# its page cache to the run.
EVENTS_OUT = "target/bench-inputs/events.out"


def remove_events_out():
    try:
        os.remove(EVENTS_OUT)
    except FileNotFoundError:
        pass


def write_ceiling(size):
    return [PY, "-c", WRITE, EVENTS_OUT, str(size)]


def netsift(mode, fmt, path):
    if mode.startswith("count"):
        return ["target/release/netsift"] + mode.split() + ["-f", fmt, path]
    if mode == "events":
        # JSON Lines to a file, as a user keeps them (removed before each run: see EVENTS_OUT).
        return ["sh", "-c", f"target/release/netsift events -f {fmt} {path} > {EVENTS_OUT}"]
    return ["sh", "-c", f"target/release/netsift {mode} -f {fmt} {path} > /dev/null"]


# Where the last capture of a generated input starts (`view` describes the last capture):
# netstat and ss inputs are one capture; netstat -s starts a capture at `Ip:`, the /proc
# log at its TcpExt names line.
CAPTURE_START = {"netstat": rb"^Active Internet", "ss": rb"^Netid", "netstat-s": rb"^Ip:$", "proc-netstat": rb"^TcpExt: [A-Za-z]"}


def last_capture_bytes(fmt, path):
    data = open(path, "rb").read()
    starts = [m.start() for m in re.finditer(CAPTURE_START[fmt], data, re.M)]
    return len(data) - (starts[-1] if starts else 0)


rows = []
summary = []
for fmt in ["netstat", "ss", "netstat-s", "proc-netstat"]:
    path = f"target/bench-inputs/{fmt}-{SIZE}.txt"
    small = f"target/bench-inputs/{fmt}-{SMALL}.txt"
    jc_path = f"target/bench-inputs/netstat-jc-{SIZE}.txt" if fmt == "netstat" and PYTHON_TOOLS else path
    # tool name -> (command, file it reads)
    tools = {
        "netsift count": (netsift("count", fmt, path), path),
        "netsift events": (netsift("events", fmt, path), path),
        "netsift view": (netsift("view", fmt, path), path),
        "netsift count --jobs 1": (netsift("count --jobs 1", fmt, path), path),
        "netsift count --jobs 2": (netsift("count --jobs 2", fmt, path), path),
        f"netsift count ({SMALL} MB input)": (netsift("count", fmt, small), small),
        f"netsift events ({SMALL} MB input)": (netsift("events", fmt, small), small),
        # Its command is made in each round, once `events` has written (see WRITE).
        "write ceiling (events output)": (None, path),
        "limits fields": (["bench/limits/target/release/limits", "fields", path], path),
        "limits lines": (["bench/limits/target/release/limits", "lines", path], path),
    }
    if PYTHON_TOOLS:
        tools["insights-core 3.8.4"] = ([PY, "-c", INSIGHTS, fmt, path], path)
    if PYTHON_TOOLS and fmt != "netstat-s":
        tools["jc 1.26.1"] = ([PY, "-c", JC, fmt, jc_path], jc_path)
    # Anchors for the other files read: the tokenizer on each of them, every round.
    for extra in {small, jc_path} - {path}:
        tools[f"limits fields ({os.path.basename(extra)})"] = (["bench/limits/target/release/limits", "fields", extra], extra)
    # The ratios of issue 11, each taken per round and the median reported.
    def round_ratio(num, den):
        pairs = [d[0] / n[0] for n, d in zip(results.get(num, []), results.get(den, [])) if n and d]
        return statistics.median(pairs) if pairs else float("nan")

    results = {name: [] for name in tools}
    events_bytes = []
    for _ in range(ROUNDS):
        for name, (cmd, _) in tools.items():
            if name == "netsift count --jobs 2":
                continue  # timed with `--jobs 1`, below
            if name == "netsift count --jobs 1":
                # The pair of the jobs ratio: runs of 50-150 ms, whose wall a scheduling
                # hiccup moves by a tenth; alternated JOBS_REPEATS times in the round, and
                # the round's figure of each is the median of its runs.
                pair = {"netsift count --jobs 1": [], "netsift count --jobs 2": []}
                for _ in range(JOBS_REPEATS):
                    for each in pair:
                        pair[each].append(timed(tools[each][0], rss=False))
                for each, runs in pair.items():
                    ok = [r for r in runs if r]
                    results[each].append((statistics.median(r[0] for r in ok), None) if ok else None)
                continue
            if name.startswith("write ceiling"):
                cmd = write_ceiling(events_bytes[-1]) if events_bytes else None
            if name.startswith("netsift events") or name.startswith("write ceiling"):
                remove_events_out()
            results[name].append(timed(cmd) if cmd else None)
            if name == "netsift events" and results[name][-1]:
                events_bytes.append(os.path.getsize(EVENTS_OUT))
            if name.startswith("netsift events") or name.startswith("write ceiling"):
                # Removed at once: left there, its dirty pages (up to 930 MB) could be written
                # back to disk while the next tools run.
                remove_events_out()

    def anchor_runs(file):
        key = "limits fields" if file == path else f"limits fields ({os.path.basename(file)})"
        return results[key]

    for name, runs in results.items():
        if name.startswith("limits fields ("):
            continue
        file = tools[name][1]
        size = os.path.getsize(file)
        ok = [r for r in runs if r]
        if not ok:
            rows.append((fmt, name, "failed", "", "", ""))
            continue
        mbs = size / 1e6 / statistics.median(r[0] for r in ok)
        ratios = [a[0] / r[0] for r, a in zip(runs, anchor_runs(file)) if r and a]
        peaks = [r[1] for r in ok if r[1] is not None]
        rss = f"{max(peaks) / 1024:.1f} MB" if peaks else "not measured"
        note = "" if file == path else os.path.basename(file)
        if name.startswith("write ceiling") and events_bytes:
            note = f"{statistics.median(events_bytes) / 1e6:.0f} MB written"
        rows.append((fmt, name, f"{mbs:.0f}", rss, f"{statistics.median(ratios):.2f}", note))

    capture = last_capture_bytes(fmt, path)
    view_rss = max(r[1] for r in results["netsift view"] if r) * 1024 if any(results["netsift view"]) else float("nan")
    summary.append((
        fmt,
        f"{round_ratio('netsift count', 'limits fields'):.2f}",
        f"{round_ratio('netsift events', 'limits fields'):.2f}",
        f"{round_ratio('write ceiling (events output)', 'limits fields'):.2f}"
        + (f" ({statistics.median(events_bytes) / 1e6:.0f} MB)" if events_bytes else ""),
        f"{round_ratio('netsift view', 'limits fields'):.2f}",
        f"{view_rss / 1e6:.0f} MB / {capture / 1e3:.0f} kB"
        + (f" = {view_rss / capture:.2f}×" if capture > 1e6 else "")
        + " "
        f"({'within' if view_rss <= 1.5 * capture + 16 * 2**20 else 'over'} 1.5× + 16 MB)",
        f"{round_ratio('netsift count', 'insights-core 3.8.4'):.1f}",
        f"{round_ratio('netsift view', 'insights-core 3.8.4'):.1f}",
        f"{round_ratio('netsift count --jobs 2', 'netsift count --jobs 1'):.2f}",
    ))

remove_events_out()

print(f"| format | tool | MB/s (median of {ROUNDS}) | peak RSS | ratio to `limits fields` (same file, same round) | input, when not the {SIZE} MB one |")
print("|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print(f"Issue 11's ratios (median over the {ROUNDS} rounds of the per-round ratio; speed ratios are the tool's MB/s over the other's):")
print()
print("| input | count ÷ fields | events ÷ fields | events' write ceiling: fields ÷ write (bytes written) | view ÷ fields | view peak RSS ÷ last capture's bytes | count ÷ insights | view ÷ insights | count --jobs 2 ÷ --jobs 1 (one file) |")
print("|---|---|---|---|---|---|---|---|---|")
for r in summary:
    print("| " + " | ".join(r) + " |")
