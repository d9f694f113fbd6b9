//! The tokio decoder gives the events the push parser gives, however the stream is cut:
//! every fixture read through `FramedRead` from a reader that returns 1, 7 or 4096 bytes
//! at a time.
#![cfg(feature = "tokio")]

mod common;

use std::pin::Pin;
use std::task::{Context, Poll};

use common::fixtures::find;
use netsift::codec::EventDecoder;
use netsift::{Event, Format, OwnedEvent, PushParser};
use tokio::io::{AsyncRead, ReadBuf};
use tokio_stream::StreamExt as _;
use tokio_util::codec::FramedRead;

/// An `AsyncRead` that returns at most `size` bytes per read.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    size: usize,
}

impl AsyncRead for Trickle {
    fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let n = self.size.min(buf.remaining()).min(self.data.len() - self.at);
        let at = self.at;
        buf.put_slice(&self.data[at..at + n]);
        self.at += n;
        Poll::Ready(Ok(()))
    }
}

async fn decode(data: Vec<u8>, size: usize) -> Vec<OwnedEvent> {
    let mut framed = FramedRead::new(Trickle { data, at: 0, size }, EventDecoder::new(Format::Auto));
    let mut out = Vec::new();
    while let Some(ev) = framed.next().await {
        out.push(ev.unwrap());
    }
    out
}

#[tokio::test]
async fn decoder_equals_push_parser_for_chunk_sizes_1_7_4096() {
    // Text captures only: the archives are compressed tar files.
    let files = find(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "md" | "tsv" | "xz")));
    assert!(files.len() > 150, "fixtures not found");
    let mut total = 0;
    for file in files {
        let input = std::fs::read(&file).unwrap();
        for size in [1, 7, 4096] {
            let owned = decode(input.clone(), size).await;
            let mut parser = PushParser::new(Format::Auto);
            let mut i = 0;
            let mut check = |ev: Event<'_>| {
                assert_eq!(
                    owned.get(i).map(OwnedEvent::event),
                    Some(ev),
                    "{} in {size}-byte reads: event {i}",
                    file.display()
                );
                i += 1;
            };
            parser.feed(&input, &mut check);
            parser.finish(&mut check);
            assert_eq!(i, owned.len(), "{} in {size}-byte reads", file.display());
            total += i;
        }
    }
    assert!(total > 10_000, "{total}");
}

#[tokio::test]
async fn the_last_line_without_a_newline_is_flushed_at_eof() {
    let events = decode(b"Ip:\n    Forwarding: 1\n    DefaultTTL: 64".to_vec(), 5).await;
    let names: Vec<_> = events.iter().map(|e| e.kind().name()).collect();
    assert_eq!(names, ["section", "counter", "counter"]);
    let netsift::EventKind::Counter(c) = events[2].kind() else { panic!() };
    assert_eq!((c.name, c.value), (Some(&b"DefaultTTL"[..]), 64));
}
