#!/usr/bin/env bash
# Refresh fuzz/replay/<target>/ (committed, replayed on stable by tests/fuzz_replay.rs)
# from the minimised corpus: `cargo +nightly fuzz cmin <target>` first, then this. Keeps
# the 150 smallest inputs of at most 4 KiB per target, and every crash artifact.
set -eu
cd "$(dirname "$0")"
# Every target in fuzz_targets/ (the list cannot drift from common::TARGETS' files).
for t in $(ls fuzz_targets/*.rs | xargs -n1 basename | sed 's/\.rs$//'); do
    [ -d "corpus/$t" ] || continue
    rm -rf "replay/$t"
    mkdir -p "replay/$t"
    find "corpus/$t" -type f -size -4097c -printf '%s %p\n' | sort -n -k1,1 -k2,2 | head -150 | cut -d' ' -f2- |
        while read -r f; do cp "$f" "replay/$t/"; done
    if [ -d "artifacts/$t" ]; then
        find "artifacts/$t" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) -exec cp {} "replay/$t/" \;
    fi
    echo "$t: $(ls "replay/$t" | wc -l) inputs"
done
