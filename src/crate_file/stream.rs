//! The gzip layer: one gzip member, inflated once, counted against the
//! unpacked-size limit, with nothing after it.
//!
//! [`Inflated`] is the reader the tar walk reads from. It inflates into a
//! fixed buffer (the walk reads headers 512 bytes at a time; one inflate
//! call per header would cost more than the inflating) or, for large reads,
//! straight into the caller's buffer. It remembers why it last failed (a
//! gzip fault, the size limit, or the end of the stream), so an I/O error
//! surfacing from the tar layer can be turned into the refusal that names
//! its real cause.

use std::io::{self, BufRead, Read};

use flate2::bufread::GzDecoder;
use sha2::{Digest, Sha256};

use super::Refusal;
use crate::checksum::Checksum;

/// gzip magic and the deflate compression method.
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Size of the inflate buffer; reads at least this large bypass it.
const BUFFER: usize = 32 * 1024;

/// The compressed bytes as the decoder consumes them: hashed and counted,
/// so the checksum comes from the same single pass.
pub(super) struct Tee<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R: BufRead> Read for Tee<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tee<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        // The bytes `fill_buf` returned are still buffered: hash them.
        if let Ok(buffered) = self.inner.fill_buf() {
            self.hasher.update(&buffered[..n.min(buffered.len())]);
        }
        self.count += n as u64;
        self.inner.consume(n);
    }
}

/// The compressed file, once read to its end.
#[derive(Debug)]
pub(super) struct Compressed {
    pub checksum: Checksum,
    pub size: u64,
    pub unpacked_size: u64,
}

/// The decompressed stream of one `.crate`, counted and capped.
pub(super) struct Inflated<R> {
    gz: GzDecoder<io::Chain<io::Cursor<Vec<u8>>, Tee<R>>>,
    total: u64,
    limit: u64,
    fault: Option<Fault>,
    /// The reader returned end-of-file at least once.
    ended: bool,
    buffer: Box<[u8]>,
    /// The unread part of `buffer` is `buffer[pos..filled]`.
    pos: usize,
    filled: usize,
}

/// Why the inflated stream stopped short.
#[derive(Debug, Clone)]
enum Fault {
    TooLarge,
    Gzip {
        kind: io::ErrorKind,
        message: String,
    },
}

impl<R: BufRead> Inflated<R> {
    /// Checks the gzip magic and starts inflating.
    pub(super) fn open(source: R, limit: u64) -> Result<Self, Refusal> {
        let mut tee = Tee {
            inner: source,
            hasher: Sha256::new(),
            count: 0,
        };
        let mut head = Vec::with_capacity(GZIP_MAGIC.len());
        (&mut tee)
            .take(GZIP_MAGIC.len() as u64)
            .read_to_end(&mut head)
            .map_err(|e| {
                Refusal::repackage(
                    "tarball-truncated",
                    None,
                    format!("the file cannot be read: {e}"),
                )
            })?;
        if head != GZIP_MAGIC {
            return Err(Refusal::repackage(
                "tarball-not-gzip",
                None,
                format!(
                    "the file is not gzip-compressed: it starts with {head:02x?} instead of 1f 8b 08"
                ),
            ));
        }
        Ok(Self {
            gz: GzDecoder::new(io::Cursor::new(head).chain(tee)),
            total: 0,
            limit,
            fault: None,
            ended: false,
            buffer: vec![0; BUFFER].into_boxed_slice(),
            pos: 0,
            filled: 0,
        })
    }

    /// Whether the stream has reported its end (the tar walk stopped on
    /// end-of-file rather than on an end-of-archive marker).
    pub(super) fn ended(&self) -> bool {
        self.ended
    }

    /// Explains an I/O error that surfaced while walking the tar in or
    /// after `entry` (the last entry read, if any). `first` says the walk
    /// had not yet seen a valid header.
    pub(super) fn explain(&self, err: &io::Error, entry: Option<String>, first: bool) -> Refusal {
        match &self.fault {
            Some(fault) => self.refusal(fault, entry),
            None if self.ended => Refusal::repackage(
                "tarball-truncated",
                entry,
                format!(
                    "the tar archive ends in the middle of an entry after {} bytes",
                    self.total
                ),
            ),
            None if first => Refusal::repackage(
                "tarball-not-tar",
                entry,
                format!("the gzip stream does not hold a tar archive: {err}"),
            ),
            None => Refusal::repackage(
                "tarball-bad-header",
                None,
                match entry {
                    Some(entry) => format!("malformed tar header after entry {entry:?}: {err}"),
                    None => format!("malformed tar header: {err}"),
                },
            ),
        }
    }

    /// A damaged gzip member makes the tar inside look broken too: before
    /// refusing for what the tar shows, reads the rest of the stream and
    /// blames the gzip layer if its data or checksum is bad.
    pub(super) fn prefer_gzip_fault(&mut self, refusal: Refusal) -> Refusal {
        let mut sink = [0u8; 16 * 1024];
        while matches!(self.read(&mut sink), Ok(n) if n > 0) {}
        match &self.fault {
            Some(fault @ Fault::Gzip { .. }) => self.refusal(fault, refusal.entry),
            _ => refusal,
        }
    }

    fn refusal(&self, fault: &Fault, entry: Option<String>) -> Refusal {
        match fault {
            Fault::TooLarge => Refusal::new(
                "tarball-unpacked-too-large",
                entry,
                format!(
                    "the archive inflates to more than {} bytes, the limit",
                    self.limit
                ),
                "keep the package small: exclude large files with `package.exclude` in Cargo.toml",
            ),
            Fault::Gzip {
                kind: io::ErrorKind::UnexpectedEof,
                ..
            } => Refusal::repackage(
                "tarball-truncated",
                entry,
                format!(
                    "the gzip stream ends early, after {} inflated bytes",
                    self.total
                ),
            ),
            Fault::Gzip { message, .. } => Refusal::repackage(
                "tarball-gzip-corrupt",
                entry,
                format!("the gzip stream is corrupt: {message}"),
            ),
        }
    }

    /// Reads what follows the tar end-of-archive marker, which must be zero
    /// padding up to the end of the gzip member, checks the gzip trailer,
    /// and that nothing follows the member.
    pub(super) fn finish(mut self) -> Result<Compressed, Refusal> {
        let mut buf = [0u8; 16 * 1024];
        loop {
            let at = self.total;
            let n = match self.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => {
                    let fault = self.fault.clone().expect("read errors record a fault");
                    return Err(self.refusal(&fault, None));
                }
            };
            if let Some(i) = buf[..n].iter().position(|b| *b != 0) {
                return Err(Refusal::repackage(
                    "tarball-trailing-data",
                    None,
                    format!(
                        "non-zero bytes follow the tar end-of-archive marker, at inflated offset {}",
                        at + i as u64
                    ),
                ));
            }
        }
        let (_, mut tee) = self.gz.into_inner().into_inner();
        let rest = io::copy(&mut tee, &mut io::sink()).map_err(|e| {
            Refusal::repackage(
                "tarball-truncated",
                None,
                format!("the file cannot be read: {e}"),
            )
        })?;
        if rest > 0 {
            return Err(Refusal::repackage(
                "tarball-trailing-data",
                None,
                format!("{rest} bytes follow the gzip stream (garbage or a second gzip member)"),
            ));
        }
        Ok(Compressed {
            checksum: Checksum::from_digest(tee.hasher.finalize().into()),
            size: tee.count,
            unpacked_size: self.total,
        })
    }
}

impl<R: BufRead> Inflated<R> {
    /// Inflates into `buf`, counting against the limit and recording why
    /// it failed.
    fn inflate(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(fault) = &self.fault {
            return Err(io::Error::other(format!("{fault:?}")));
        }
        // Never inflate more than one byte past the limit.
        let room = self.limit.saturating_sub(self.total).saturating_add(1);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        match self.gz.read(&mut buf[..want]) {
            Ok(n) => {
                self.total += n as u64;
                if self.total > self.limit {
                    self.fault = Some(Fault::TooLarge);
                    return Err(io::Error::other("unpacked size limit exceeded"));
                }
                Ok(n)
            }
            Err(err) => {
                self.fault = Some(Fault::Gzip {
                    kind: err.kind(),
                    message: err.to_string(),
                });
                Err(err)
            }
        }
    }
}

impl<R: BufRead> Read for Inflated<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.filled {
            let n = if out.len() >= BUFFER {
                let n = self.inflate(out)?;
                if n > 0 {
                    return Ok(n);
                }
                n
            } else {
                let mut buffer = std::mem::take(&mut self.buffer);
                let n = self.inflate(&mut buffer);
                self.buffer = buffer;
                (self.pos, self.filled) = (0, n?);
                self.filled
            };
            if n == 0 {
                self.ended |= !out.is_empty();
                return Ok(0);
            }
        }
        let n = out.len().min(self.filled - self.pos);
        out[..n].copy_from_slice(&self.buffer[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
