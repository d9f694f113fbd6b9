/work/main/bench/limits/target/release/limits: /work/main/bench/limits/src/main.rs
