"""Run every tool on every generated input, alternating tools over ROUNDS rounds, and print
the median MB/s (MB = 10^6 bytes), the peak RSS (/usr/bin/time -f %M), and the ratio to the
naive tokenizer (`limits fields`) of the same round. Called by bench/compare.sh."""
import statistics
import subprocess
import sys

SIZE, ROUNDS = sys.argv[1], int(sys.argv[2])
PY = sys.executable

# insights-core, parse only: the file is read and split before the clock starts.
INSIGHTS = r'''
import sys, time
from insights.tests import context_wrap
from insights.parsers import netstat as n
cls = {"netstat": n.Netstat, "ss": n.SsTUPNA, "netstat-s": n.NetstatS, "proc-netstat": n.ProcNsat}[sys.argv[1]]
text = open(sys.argv[2], encoding="utf-8", errors="surrogateescape").read()
ctx = context_wrap(text)
t = time.perf_counter()
cls(ctx)
print(time.perf_counter() - t)
'''
JC = r'''
import sys, time, jc
name = {"netstat": "netstat", "ss": "ss", "proc-netstat": "proc_net_netstat"}[sys.argv[1]]
text = open(sys.argv[2], encoding="utf-8", errors="replace").read()
t = time.perf_counter()
jc.parse(name, text, quiet=True)
print(time.perf_counter() - t)
'''


def timed(cmd):
    """Wall seconds (or the seconds the tool printed) and peak RSS in KB."""
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return None
    wall, rss = r.stderr.strip().splitlines()[-1].split()
    secs = float(wall)
    out = r.stdout.strip().splitlines()
    if out:
        last = out[-1]
        if last.startswith("mode="):
            secs = float(dict(kv.split("=") for kv in last.split())["secs"])
        else:
            try:
                secs = float(last)
            except ValueError:
                pass
    return secs, int(rss)


rows = []
for fmt in ["netstat", "ss", "netstat-s", "proc-netstat"]:
    path = f"target/bench-inputs/{fmt}-{SIZE}.txt"
    size = sum(1 for _ in open(path, "rb").read(0) or [0]) and __import__("os").path.getsize(path)
    tools = {
        "netsift count": ["target/release/netsift", "count", "-f", fmt, path],
        "netsift events": ["sh", "-c", f"target/release/netsift events -f {fmt} {path} > /dev/null"],
        "netsift view": ["sh", "-c", f"target/release/netsift view -f {fmt} {path} > /dev/null"],
        "insights-core": [PY, "-c", INSIGHTS, fmt, path],
        "limits fields": ["bench/limits/target/release/limits", "fields", path],
        "limits lines": ["bench/limits/target/release/limits", "lines", path],
    }
    if fmt != "netstat-s":
        tools["jc"] = [PY, "-c", JC, fmt, path]
    results = {name: [] for name in tools}
    for _ in range(ROUNDS):
        for name, cmd in tools.items():
            results[name].append(timed(cmd))
    anchors = [r[0] for r in results["limits fields"] if r]
    anchor = size / 1e6 / statistics.median(anchors)
    for name, runs in results.items():
        ok = [r for r in runs if r]
        if not ok:
            rows.append((fmt, name, "failed", "", ""))
            continue
        mbs = size / 1e6 / statistics.median(r[0] for r in ok)
        rss = max(r[1] for r in ok) / 1024
        rows.append((fmt, name, f"{mbs:.0f}", f"{rss:.0f} MB", f"{mbs / anchor:.2f}"))

print(f"| format | tool | MB/s (median of {ROUNDS}) | peak RSS | ratio to `limits fields` |")
print("|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
