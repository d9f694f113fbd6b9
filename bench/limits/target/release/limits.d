/work/wt-counters/bench/limits/target/release/limits: /work/wt-counters/bench/limits/src/main.rs
