//! A builder of `.crate` bytes for tests, clean or hostile: raw paths are
//! written as given (no normalisation), any entry type and pax records can
//! be added, and the tar or gzip layer can be taken as bytes to damage.

use std::io::Write;

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder};
use tar::{EntryType, Header};

/// Builds a tar archive entry by entry.
pub(crate) struct CrateBuilder {
    tar: tar::Builder<Vec<u8>>,
}

impl CrateBuilder {
    /// An empty archive.
    pub(super) fn empty() -> Self {
        Self {
            tar: tar::Builder::new(Vec::new()),
        }
    }

    /// A clean package `{name}-{version}/` with a manifest and a source file.
    pub(crate) fn package(name: &str, version: &str) -> Self {
        Self::empty()
            .dir(&format!("{name}-{version}/"))
            .file(
                &format!("{name}-{version}/Cargo.toml"),
                manifest(name, version).as_bytes(),
            )
            .file(&format!("{name}-{version}/src/lib.rs"), b"pub fn f() {}\n")
    }

    pub(super) fn file(self, path: &str, data: &[u8]) -> Self {
        self.raw(path.as_bytes(), EntryType::Regular, data)
    }

    pub(super) fn dir(self, path: &str) -> Self {
        self.raw(path.as_bytes(), EntryType::Directory, b"")
    }

    /// An entry with any path bytes and type; paths over 100 bytes get a
    /// GNU long-name header first.
    pub(super) fn raw(mut self, path: &[u8], kind: EntryType, data: &[u8]) -> Self {
        if path.len() > 100 {
            let mut name = path.to_vec();
            name.push(0);
            self = self.raw(b"././@LongLink", EntryType::GNULongName, &name);
        }
        let header = header(&path[..path.len().min(100)], kind, data.len() as u64);
        self.tar.append(&header, data).expect("writing to a Vec");
        self
    }

    /// A header whose size field is `size` followed by `data`, whatever its
    /// length (the tar crate pads `data` to a block).
    pub(super) fn with_size(
        mut self,
        path: &[u8],
        kind: EntryType,
        size: u64,
        data: &[u8],
    ) -> Self {
        let header = header(path, kind, size);
        self.tar.append(&header, data).expect("writing to a Vec");
        self
    }

    /// A pax header for the next entry.
    pub(super) fn pax(mut self, records: &[(&str, &[u8])]) -> Self {
        self.tar
            .append_pax_extensions(records.iter().copied())
            .expect("writing to a Vec");
        self
    }

    /// The tar bytes, with the end-of-archive marker.
    pub(super) fn tar(self) -> Vec<u8> {
        self.tar.into_inner().expect("writing to a Vec")
    }

    /// The gzip-compressed tar: a `.crate`.
    pub(crate) fn build(self) -> Vec<u8> {
        gzip(&self.tar())
    }
}

/// A minimal packaged manifest.
pub(super) fn manifest(name: &str, version: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n")
}

pub(super) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(data).expect("writing to a Vec");
    gz.finish().expect("writing to a Vec")
}

fn header(name: &[u8], kind: EntryType, size: u64) -> Header {
    let mut header = Header::new_gnu();
    header.as_old_mut().name[..name.len()].copy_from_slice(name);
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(0o644);
    header.set_cksum();
    header
}

/// A `.crate` of at least `compressed` bytes whose one file claims 1 TiB of
/// zeros: the deflate data of 1 MiB of zeros, repeated. Built without
/// compressing the gigabytes it inflates to.
pub(super) fn bomb(compressed: usize) -> Vec<u8> {
    let header = header(b"a-1.0.0/big", EntryType::Regular, 1 << 40);
    let mut deflate = DeflateEncoder::new(Vec::new(), Compression::fast());
    deflate
        .write_all(header.as_bytes())
        .expect("writing to a Vec");
    deflate.flush().expect("writing to a Vec");
    let start = deflate.get_ref().len();
    deflate
        .write_all(&vec![0; 1 << 20])
        .expect("writing to a Vec");
    deflate.flush().expect("writing to a Vec");
    let stream = deflate.get_ref();
    let (head, zeros) = stream.split_at(start);
    // gzip header: magic, deflate, no flags, no time, no extra flags, Unix.
    let mut out = vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3];
    out.extend_from_slice(head);
    while out.len() < compressed {
        out.extend_from_slice(zeros);
    }
    out
}
