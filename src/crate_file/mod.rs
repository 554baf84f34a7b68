//! The hostile `.crate` reader.
//!
//! A `.crate` is a gzip-compressed tar of one directory `{name}-{version}/`
//! holding a normalized `Cargo.toml`. Every file is untrusted: it is read
//! in memory, streaming, never unpacked to disk, and anything that is not a
//! clean cargo package is refused with a [`Refusal`] that names a stable
//! rule id and the offending entry.

use std::collections::BTreeMap;

use crate::checksum::Checksum;
use crate::manifest::Manifest;

/// Resource limits for reading one `.crate`. Defaults are safe.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Total bytes after decompression (tar headers included).
    pub max_unpacked_size: u64,
    /// Number of tar entries.
    pub max_entries: usize,
    /// Size of the packaged `Cargo.toml`.
    pub max_manifest_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_unpacked_size: 512 * 1024 * 1024,
            max_entries: 50_000,
            max_manifest_size: 4 * 1024 * 1024,
        }
    }
}

/// What a tar entry is. Anything else is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
}

/// One entry of the package, its path relative to `{name}-{version}/`.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: String,
    pub kind: EntryKind,
    pub size: u64,
    /// Up to the first four bytes of a file: enough to tell ELF, PE and
    /// Mach-O executables by their header.
    pub magic: Vec<u8>,
}

/// A `.crate` that passed every check of the reader.
#[derive(Debug)]
pub struct CrateFile {
    pub manifest: Manifest,
    /// The packaged `Cargo.toml` as written, for diagnostics that point
    /// at a line.
    pub manifest_text: String,
    /// sha256 of the exact file bytes: the index `cksum`.
    pub checksum: Checksum,
    pub compressed_size: u64,
    pub unpacked_size: u64,
    pub entries: Vec<Entry>,
    /// Contents of the small files later checks read
    /// (see [`KEPT_FILES`]), by path relative to the package root.
    pub kept: BTreeMap<String, Vec<u8>>,
}

/// Files whose contents the reader keeps (when under `MAX_KEPT_SIZE`).
pub const KEPT_FILES: &[&str] = &["Cargo.toml.orig", ".cargo_vcs_info.json"];

/// Why a `.crate` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Stable kebab-case rule id, e.g. `tarball-path-traversal`.
    pub rule: &'static str,
    /// The offending tar entry, as written in the archive (lossy UTF-8).
    pub entry: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The file name the registry expects for a version: `{name}-{version}.crate`.
#[must_use]
pub fn file_name(name: &str, version: &semver::Version) -> String {
    format!("{name}-{version}.crate")
}

/// Reads and checks one `.crate`. `file_name` is the name it was pushed
/// or given under (without directories), checked against the manifest.
pub fn read_crate(
    bytes: &[u8],
    file_name: Option<&str>,
    limits: &Limits,
) -> Result<CrateFile, Refusal> {
    let _ = (bytes, file_name, limits);
    unimplemented!("the crate_file helper fills this in")
}
