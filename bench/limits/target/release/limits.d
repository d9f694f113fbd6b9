/work/wt-kernel-tables/bench/limits/target/release/limits: /work/wt-kernel-tables/bench/limits/src/main.rs
