#!/usr/bin/env bash
# Speed of the counter formats of issue 13 (nstat, proc-snmp6, sockstat, proc-net-dev):
# `netsift count` and bench/limits' naive tokenizer (`limits fields`) on the same generated
# input, wall clock, median of ROUNDS rounds, with netsift's peak RSS.
#   bench/counters.sh 100            # from the project root; prints a Markdown table
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-100}"
rounds="${ROUNDS:-5}"
cargo build --release -q --bin netsift --example generate
(cd bench/limits && cargo build --release -q)
mkdir -p target/bench-inputs
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| format | netsift count MB/s | limits fields MB/s | ratio | netsift peak RSS |"
echo "|---|---|---|---|---|"
for f in nstat proc-snmp6 sockstat proc-net-dev; do
    input="target/bench-inputs/$f-$size.txt"
    [ -f "$input" ] || target/release/examples/generate "$f" "$size" > "$input"
    bytes=$(stat -c %s "$input")
    ours=() theirs=() rss=0
    for _ in $(seq "$rounds"); do
        start=$(date +%s.%N)
        /usr/bin/time -f %M -o target/bench-inputs/rss target/release/netsift count -q -f "$f" "$input" > /dev/null
        end=$(date +%s.%N)
        ours+=("$(echo "$bytes / 1000000 / ($end - $start)" | bc -l)")
        rss=$(cat target/bench-inputs/rss)
        theirs+=("$(bench/limits/target/release/limits fields "$input" | sed 's/.*MBps=//')")
    done
    o=$(printf '%s\n' "${ours[@]}" | median)
    t=$(printf '%s\n' "${theirs[@]}" | median)
    printf '| %s | %.0f | %.0f | %.2f | %.1f MB |\n' "$f" "$o" "$t" "$(echo "$o / $t" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done
