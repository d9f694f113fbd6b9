/work/main/bench/limits/target/release/deps/limits-53f292d5e7cf81f9.d: src/main.rs

/work/main/bench/limits/target/release/deps/limits-53f292d5e7cf81f9: src/main.rs

src/main.rs:
