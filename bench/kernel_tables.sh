#!/usr/bin/env bash
# The speed of the kernel socket tables, by the method of compare.sh (median of 5 rounds,
# MB = 10^6 bytes, ratio to `limits fields` on the same file in the same round):
#   bench/kernel_tables.sh [SIZE_MB]      (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100}
cargo build --release --quiet --bin netsift --example generate
(cd bench/limits && cargo build --release --quiet)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for f in proc-net-tcp proc-net-tcp6; do
    target/release/examples/generate "$f" "$size" > "$dir/$f"
done
secs() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
median() { sort -g | sed -n 3p; }
for f in proc-net-tcp proc-net-tcp6; do
    file="$dir/$f"
    bytes=$(stat -c %s "$file")
    declare -A runs=()
    ratios_count=() ratios_events=()
    for round in 1 2 3 4 5; do
        c=$(secs target/release/netsift count -q -f "$f" "$file")
        e=$(secs target/release/netsift events -q -f "$f" "$file")
        l=$(secs bench/limits/target/release/limits fields "$file")
        n=$(secs bench/limits/target/release/limits lines "$file")
        runs[count]+="$c "; runs[events]+="$e "; runs[fields]+="$l "; runs[lines]+="$n "
        ratios_count+=("$(echo "$l / $c" | bc -l)"); ratios_events+=("$(echo "$l / $e" | bc -l)")
    done
    rss=$( { /usr/bin/time -f %M target/release/netsift count -q -f "$f" "$file" > /dev/null; } 2>&1 | tail -1)
    for tool in count events fields lines; do
        t=$(printf '%s\n' ${runs[$tool]} | median)
        printf '%s\t%s\t%.0f MB/s\n' "$f" "$tool" "$(echo "$bytes / $t / 1000000" | bc -l)"
    done
    printf '%s\tratio count/fields\t%.2f\n' "$f" "$(printf '%s\n' "${ratios_count[@]}" | median)"
    printf '%s\tratio events/fields\t%.2f\n' "$f" "$(printf '%s\n' "${ratios_events[@]}" | median)"
    printf '%s\tpeak RSS of count\t%s KB\n' "$f" "$rss"
    unset runs
done
