//! Print who listens where, from a `netstat -neopa` capture of any size, read in chunks.
//!
//! ```sh
//! cargo run --example listening -- examples/netstat-neopa.txt
//! ```

use std::io::Read;

use netsift::views::ListeningPids;
use netsift::{Format, PushParser};

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "examples/netstat-neopa.txt".to_string());
    let mut file = std::fs::File::open(&path)?;
    let mut parser = PushParser::new(Format::Auto);
    // Keeps only the answer: memory grows with the number of listeners, not the input.
    let mut listeners = ListeningPids::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        parser.feed(&buf[..n], &mut listeners);
    }
    parser.finish(&mut listeners);
    for (pid, (addr, port, name)) in listeners.get() {
        println!("{pid:>8}  {:<20} {addr}:{port}", String::from_utf8_lossy(name));
    }
    Ok(())
}
