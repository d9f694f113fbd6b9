#!/usr/bin/env bash
# Side-by-side comparison: netsift vs insights-core 3.8.4 vs jc 1.26.1 vs the naive
# tokenizer of bench/limits, on generated inputs of SIZE_MB per format.
#   bench/compare.sh 100          # from the project root; prints a Markdown table
# Creates a virtual environment (target/bench-venv) with the pinned Python tools.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-100}"
rounds="${ROUNDS:-5}"
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q insights-core==3.8.4 jc==1.26.1
fi
cargo build --release -q --bin netsift --example generate
(cd bench/limits && cargo build --release -q)
mkdir -p target/bench-inputs
for f in netstat ss netstat-s proc-netstat; do
    out="target/bench-inputs/$f-$size.txt"
    [ -f "$out" ] || target/release/examples/generate "$f" "$size" > "$out"
done
"$venv/bin/python" bench/compare.py "$size" "$rounds"
