//! Forged `.crate` bytes, clean or hostile, built in memory without cargo:
//! tar headers are written as given (no path normalisation, any entry
//! type, any size field, pax records, link targets), and the gzip layer
//! can be damaged afterwards. Clean forgeries pass the default policy, so
//! a test can publish them and then attack what it published.

use std::io::Write;

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder};
use tar::{EntryType, Header};

/// A tar archive built entry by entry.
pub struct Forge {
    tar: tar::Builder<Vec<u8>>,
}

impl Forge {
    /// An empty archive.
    pub fn empty() -> Self {
        Self {
            tar: tar::Builder::new(Vec::new()),
        }
    }

    /// A clean package `{name}-{version}/` with `manifest` and a library.
    pub fn package_with(name: &str, version: &str, manifest: &str) -> Self {
        let root = format!("{name}-{version}");
        Self::empty()
            .file(&format!("{root}/Cargo.toml"), manifest.as_bytes())
            .file(
                &format!("{root}/src/lib.rs"),
                b"pub fn answer() -> u32 { 1 }\n",
            )
    }

    /// A clean package whose manifest the default policy accepts.
    pub fn package(name: &str, version: &str) -> Self {
        Self::package_with(name, version, &manifest(name, version))
    }

    pub fn file(self, path: &str, data: &[u8]) -> Self {
        self.raw(path.as_bytes(), EntryType::Regular, data)
    }

    pub fn dir(self, path: &str) -> Self {
        self.raw(path.as_bytes(), EntryType::Directory, b"")
    }

    /// An entry with any path bytes and type; a path over 100 bytes gets a
    /// GNU long-name header first, as cargo's tar writer does.
    pub fn raw(mut self, path: &[u8], kind: EntryType, data: &[u8]) -> Self {
        if path.len() > 100 {
            let mut long = path.to_vec();
            long.push(0);
            self = self.raw(b"././@LongLink", EntryType::GNULongName, &long);
        }
        let header = header(&path[..path.len().min(100)], kind, data.len() as u64);
        self.tar.append(&header, data).expect("writing to a Vec");
        self
    }

    /// A symbolic or hard link (`kind`) at `path` pointing at `target`
    /// (at most 100 bytes).
    pub fn link(mut self, path: &str, kind: EntryType, target: &str) -> Self {
        let mut header = header(path.as_bytes(), kind, 0);
        // Written raw: the tar crate refuses to write some hostile targets.
        header.as_old_mut().linkname[..target.len()].copy_from_slice(target.as_bytes());
        header.set_cksum();
        self.tar
            .append(&header, &b""[..])
            .expect("writing to a Vec");
        self
    }

    /// A header whose size field says `size`, followed by `data` (padded
    /// to a block), whatever its real length.
    pub fn with_size(mut self, path: &str, size: u64, data: &[u8]) -> Self {
        let header = header(path.as_bytes(), EntryType::Regular, size);
        self.tar.append(&header, data).expect("writing to a Vec");
        self
    }

    /// A pax extension header for the next entry.
    pub fn pax(mut self, records: &[(&str, &[u8])]) -> Self {
        self.tar
            .append_pax_extensions(records.iter().copied())
            .expect("writing to a Vec");
        self
    }

    /// The tar bytes, with the end-of-archive marker.
    pub fn tar(self) -> Vec<u8> {
        self.tar.into_inner().expect("writing to a Vec")
    }

    /// The gzip-compressed tar: a `.crate`.
    pub fn build(self) -> Vec<u8> {
        gzip(&self.tar())
    }
}

/// A packaged manifest under `license` with `extra` appended (more
/// `[package]` keys first, then tables).
pub fn manifest_with(name: &str, version: &str, license: &str, extra: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n\
         description = \"Forged by crategate's hostile tests\"\nlicense = \"{license}\"\n{extra}"
    )
}

/// A manifest the default policy accepts.
pub fn manifest(name: &str, version: &str) -> String {
    manifest_with(name, version, "MIT", "")
}

/// `data` as one gzip member.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    gzip_at(data, Compression::fast())
}

/// `data` as one gzip member compressed at `level`.
pub fn gzip_at(data: &[u8], level: Compression) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), level);
    gz.write_all(data).expect("writing to a Vec");
    gz.finish().expect("writing to a Vec")
}

/// A `.crate` of about `compressed` bytes holding one file `{root}/big`
/// that claims 1 TiB of zeros: a stored tar header, then the deflate
/// encoding of 1 MiB of zeros repeated. Built without compressing what it
/// inflates to.
pub fn bomb(root: &str, compressed: usize) -> Vec<u8> {
    let path = format!("{root}/big");
    let header = header(path.as_bytes(), EntryType::Regular, 1 << 40);
    let mut deflate = DeflateEncoder::new(Vec::new(), Compression::best());
    deflate
        .write_all(header.as_bytes())
        .expect("writing to a Vec");
    deflate.flush().expect("writing to a Vec");
    let start = deflate.get_ref().len();
    deflate
        .write_all(&vec![0; 1 << 20])
        .expect("writing to a Vec");
    deflate.flush().expect("writing to a Vec");
    let (head, zeros) = deflate.get_ref().split_at(start);
    // gzip header: magic, deflate, no flags, no time, no extra flags, Unix.
    let mut out = vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3];
    out.extend_from_slice(head);
    while out.len() < compressed {
        out.extend_from_slice(zeros);
    }
    out
}

/// A GNU header for `name` (at most 100 bytes) of `kind` and `size`.
fn header(name: &[u8], kind: EntryType, size: u64) -> Header {
    let mut header = Header::new_gnu();
    header.as_old_mut().name[..name.len()].copy_from_slice(name);
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(0o644);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    header
}
