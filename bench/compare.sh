#!/usr/bin/env bash
# Side-by-side comparison: netsift vs insights-core 3.8.4 vs jc 1.26.1 vs the naive
# tokenizer of bench/limits, on generated inputs of SIZE_MB per format.
#   bench/compare.sh 100          # from the project root; prints a Markdown table
#   ROUNDS=1 SMALL=5 bench/compare.sh 20   # a quick look
#   PYTHON_TOOLS=0 ROUNDS=1 SMALL=5 bench/compare.sh 20   # netsift alone, without the venv
# Creates a virtual environment (target/bench-venv) with the pinned Python tools.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-100}"
rounds="${ROUNDS:-5}"
small="${SMALL:-20}"    # a second size, for netsift's peak RSS on two sizes
venv=target/bench-venv
python=python3
if [ "${PYTHON_TOOLS:-1}" != 0 ]; then
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q insights-core==3.8.4 jc==1.26.1
    fi
    python="$venv/bin/python"
fi
cargo build --release -q --bin netsift --example generate
(cd bench/limits && cargo build --release -q)
mkdir -p target/bench-inputs
for f in netstat ss netstat-s proc-netstat; do
    for s in "$size" "$small"; do
        out="target/bench-inputs/$f-$s.txt"
        [ -f "$out" ] || target/release/examples/generate "$f" "$s" > "$out"
    done
done
# jc's netstat parser raises on rows of real captures; it is timed on its own test output
# (real CentOS 7 netstat, tests/fixtures/corpus/jc) repeated to the same size.
jc_input="target/bench-inputs/netstat-jc-$size.txt"
if [ ! -f "$jc_input" ]; then
    sample=tests/fixtures/corpus/jc/centos-7.7_netstat-sudo-aeep.out
    reps=$(( size * 1000000 / $(stat -c %s "$sample") + 1 ))
    for _ in $(seq "$reps"); do cat "$sample"; done > "$jc_input"
fi
"$python" bench/compare.py "$size" "$rounds" "$small"
