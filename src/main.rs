//! The `netsift` command: events, views, searches and counts from netstat and ss outputs.
//!
//! Exit codes: 0 success; 2 an input problem (a file that cannot be read, input with no
//! recognisable table, or a malformed line under `--strict`); 1 any other failure (such as
//! a write error other than a closed pipe). A closed pipe (`netsift events big | head`)
//! ends the program quietly with 0.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
