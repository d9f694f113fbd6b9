//! Count the listening sockets of each program in a `netstat -neopa` capture, reading it
//! asynchronously: `tokio::fs::File` → `FramedRead` with netsift's `EventDecoder` → a
//! stream of owned events.
//!
//! ```sh
//! cargo run --example tokio_pipeline --features tokio [-- FILE]
//! ```

use std::collections::BTreeMap;

use netsift::codec::EventDecoder;
use netsift::events::{InetState, Owner, TcpState, UnixState};
use netsift::{EventKind, Format};
use tokio_stream::StreamExt as _;
use tokio_util::codec::FramedRead;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "examples/netstat-neopa.txt".to_string());
    let file = tokio::fs::File::open(&path).await?;
    let mut events = FramedRead::new(file, EventDecoder::new(Format::Auto));
    // program → (inet listeners, unix listeners)
    let mut listeners: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    while let Some(event) = events.next().await {
        let event = event?;
        let (owner, inet) = match event.kind() {
            EventKind::InetConn(c) if c.state == InetState::Known(TcpState::Listen) => (c.owner, true),
            EventKind::UnixSocket(u) if u.state == UnixState::Listening => (u.owner, false),
            _ => continue,
        };
        let program = match owner {
            Some(Owner::Process { name, .. }) => String::from_utf8_lossy(name).into_owned(),
            _ => "-".to_string(),
        };
        let counts = listeners.entry(program).or_default();
        if inet {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
    }
    println!("{:<24} {:>5} {:>5}", "program", "inet", "unix");
    for (program, (inet, unix)) in &listeners {
        println!("{program:<24} {inet:>5} {unix:>5}");
    }
    let lines = events.decoder().stats().lines;
    println!("{} programs listening, {lines} lines read from {path}", listeners.len());
    Ok(())
}
