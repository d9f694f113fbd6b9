#!/usr/bin/env bash
# Soak test: `netsift events -f ss` reading GB gigabytes (10^9 bytes; default 10) of
# generated `ss -tupna` output from a pipe, the generator's output relayed through a
# counter, with netsift's peak RSS (VmHWM) printed at every GB (1, 5 and 10 among them)
# and at the end.
#   bench/soak.sh        # 10 GB
#   bench/soak.sh 2      # a quicker look: marks at 1 GB and at the end
# The generator writes 1 MiB captures (a periodic log), so that it never holds more than
# one capture itself; the events go to /dev/null.
set -euo pipefail
cd "$(dirname "$0")/.."
gb="${1:-10}"
cargo build --release -q --bin netsift --example generate
python3 - "$gb" <<'PY'
import math, subprocess, sys, time

total = int(float(sys.argv[1]) * 1e9)
mib = math.ceil(total / 2**20)
gen = subprocess.Popen(["target/release/examples/generate", "ss", str(mib), "--captures", str(mib)],
                       stdout=subprocess.PIPE)
ns = subprocess.Popen(["target/release/netsift", "events", "-f", "ss"], stdin=subprocess.PIPE,
                      stdout=subprocess.DEVNULL)

def status(field):
    with open(f"/proc/{ns.pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # MB (kB / 1024)
    return float("nan")

# Every gigabyte (1, 5 and 10 among them), so that a run cut short still says something.
marks = [g * 1e9 for g in range(1, int(total // 1e9) + 1)]
print("| bytes read by netsift | elapsed | MB/s so far | peak RSS (VmHWM) | RSS now |")
print("|---|---|---|---|---|")
start = time.perf_counter()
sent = 0

def report():
    secs = time.perf_counter() - start
    print(f"| {sent / 1e9:.2f} GB | {secs:.0f} s | {sent / 1e6 / secs:.0f} | {status('VmHWM'):.1f} MB | {status('VmRSS'):.1f} MB |", flush=True)

while sent < total:
    chunk = gen.stdout.read1(1 << 20)
    if not chunk:
        break
    chunk = chunk[: total - sent]
    ns.stdin.write(chunk)
    sent += len(chunk)
    while marks and sent >= marks[0]:
        marks.pop(0)
        report()
ns.stdin.flush()
time.sleep(0.5)
if sent % int(1e9):
    report()
ns.stdin.close()
gen.kill()
gen.wait()
code = ns.wait()
print(f"netsift exit code {code}; generator stopped after {sent} bytes")
sys.exit(code)
PY
