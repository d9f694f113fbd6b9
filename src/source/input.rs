//! Reading input: compressed streams are recognised by their magic bytes (never by a file
//! name) and decompressed as they stream, so a 10 GB `.gz` log never touches the disk or
//! memory whole.

use std::io::{self, BufRead, BufReader, Read};

/// How an input is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// Plain text.
    None,
    /// gzip, one member or many (as `cat a.gz b.gz` makes).
    Gzip,
    /// zstd, one frame or many.
    Zstd,
    /// xz, one stream or many (as `cat a.xz b.xz` makes).
    Xz,
}

impl Compression {
    /// Recognise a compression by the first bytes of the input.
    ///
    /// ```
    /// use netsift::input::Compression;
    /// assert_eq!(Compression::detect(&[0x1f, 0x8b, 8, 0]), Compression::Gzip);
    /// assert_eq!(Compression::detect(&[0x28, 0xb5, 0x2f, 0xfd]), Compression::Zstd);
    /// assert_eq!(Compression::detect(&[0xfd, b'7', b'z', b'X', b'Z', 0]), Compression::Xz);
    /// assert_eq!(Compression::detect(b"Active Internet"), Compression::None);
    /// ```
    pub fn detect(prefix: &[u8]) -> Compression {
        if prefix.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if prefix.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if prefix.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Compression::Xz
        } else {
            Compression::None
        }
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "plain",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
        }
    }
}

/// Wrap `reader` so that it yields the decompressed bytes of a gzip, zstd or xz stream, or the
/// bytes as they are. A corrupt or truncated stream yields what it could decode, then an
/// error from `read`.
///
/// ```
/// use std::io::Read;
/// let mut gz = Vec::new();
/// {
///     let mut enc = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::default());
///     std::io::Write::write_all(&mut enc, b"Ip:\n").unwrap();
/// }
/// let (mut r, kind) = netsift::input::decompressed(&gz[..]).unwrap();
/// let mut text = String::new();
/// r.read_to_string(&mut text).unwrap();
/// assert_eq!((text.as_str(), kind), ("Ip:\n", netsift::input::Compression::Gzip));
/// ```
pub fn decompressed<R: Read>(reader: R) -> io::Result<(Decompressed<R>, Compression)> {
    let mut buffered = BufReader::with_capacity(1 << 16, reader);
    let kind = Compression::detect(buffered.fill_buf()?);
    let reader = match kind {
        Compression::None => Decompressed::Plain(buffered),
        Compression::Gzip => Decompressed::Gzip(flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::Zstd => Decompressed::Zstd(zstd::stream::read::Decoder::with_buffer(buffered)?),
        Compression::Xz => Decompressed::Xz(liblzma::bufread::XzDecoder::new_multi_decoder(buffered)),
    };
    Ok((reader, kind))
}

/// The decompressed bytes of a reader (see [`decompressed`]). An enum rather than a boxed
/// reader, so that it is `Send` whenever the reader is: a whole pipeline can move to
/// another thread.
pub enum Decompressed<R: Read> {
    /// Plain text, buffered.
    Plain(BufReader<R>),
    /// gzip, every member.
    Gzip(flate2::bufread::MultiGzDecoder<BufReader<R>>),
    /// zstd, every frame.
    Zstd(zstd::stream::read::Decoder<'static, BufReader<R>>),
    /// xz, every stream.
    Xz(liblzma::bufread::XzDecoder<BufReader<R>>),
}

impl<R: Read> Read for Decompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decompressed::Plain(r) => r.read(buf),
            Decompressed::Gzip(r) => r.read(buf),
            Decompressed::Zstd(r) => r.read(buf),
            Decompressed::Xz(r) => r.read(buf),
        }
    }
}

/// Parse everything `reader` yields, decompressing gzip, zstd or xz on the way, and give every
/// event to `sink`: the whole pipeline of the command line in one call, for embedders.
/// Returns how the lines were accounted for. Memory stays flat: the input is read in
/// 64 KiB chunks.
///
/// ```
/// use netsift::{EventKind, Format};
/// let capture = std::fs::File::open("examples/netstat-neopa.txt").unwrap();
/// let mut listeners = 0;
/// let stats = netsift::input::parse_reader(capture, Format::Auto, &mut |ev: netsift::Event<'_>| {
///     if let EventKind::InetConn(c) = ev.kind {
///         listeners += usize::from(c.state == netsift::events::InetState::Known(netsift::events::TcpState::Listen));
///     }
/// })
/// .unwrap();
/// assert_eq!(stats.rows, 293);
/// assert!(listeners > 0);
/// ```
pub fn parse_reader<R: Read, S: crate::push::Sink + ?Sized>(
    reader: R,
    format: crate::Format,
    sink: &mut S,
) -> io::Result<crate::push::LineStats> {
    let (mut reader, _) = decompressed(reader)?;
    let mut parser = crate::PushParser::new(format);
    feed_reader(&mut parser, &mut reader, sink, || false).map_err(|broken| broken.source)?;
    Ok(parser.stats())
}

/// A read that failed part way: how many bytes were parsed before it, and why.
#[derive(Debug)]
pub struct BrokenInput {
    /// Bytes read (and parsed) before the error.
    pub bytes: u64,
    /// The read error.
    pub source: io::Error,
}

/// Feed `parser` everything `reader` yields, 64 KiB at a time, and finish it; returns the
/// bytes read. `stop` is asked after every chunk: when it says so, reading ends there and
/// the parser is left unfinished (the caller has what it wanted). On a read error the
/// parser is finished first, so that every event decoded before the damage is given.
pub fn feed_reader<S: crate::push::Sink + ?Sized>(
    parser: &mut crate::PushParser,
    reader: &mut dyn Read,
    sink: &mut S,
    stop: impl Fn() -> bool,
) -> Result<u64, BrokenInput> {
    let mut chunk = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(source) => {
                if !stop() {
                    parser.finish(sink);
                }
                return Err(BrokenInput { bytes, source });
            }
        };
        bytes += n as u64;
        parser.feed(&chunk[..n], sink);
        if stop() {
            return Ok(bytes);
        }
    }
    parser.finish(sink);
    Ok(bytes)
}
