//! The hostile `.crate` reader.
//!
//! A `.crate` is a gzip-compressed tar of one directory `{name}-{version}/`
//! holding a normalized `Cargo.toml`. Every file is untrusted: it is read
//! in memory, streaming, never unpacked to disk, and anything that is not a
//! clean cargo package is refused with a [`Refusal`] that names a stable
//! rule id and the offending entry.
//!
//! One streaming pass: the bytes are inflated once (through a counter that
//! stops at [`Limits::max_unpacked_size`]), the tar headers are walked, file
//! contents are skipped through a fixed buffer except the first bytes of
//! each file, the manifest, the small [`KEPT_FILES`] and what
//! [`Limits::keep`] asks for (bounded per file and per package). Memory is bounded by
//! the limits, never by sizes the archive claims. When the tar looks broken,
//! the rest of the gzip member is read before refusing: a damaged member is
//! the finding, not what it made the tar inside look like.
//!
//! | rule | refused when |
//! |---|---|
//! | `tarball-not-gzip` | the file does not start with a gzip (deflate) header |
//! | `tarball-gzip-corrupt` | bad gzip header fields, bad deflate data, or a CRC/length trailer that does not match |
//! | `tarball-truncated` | the gzip stream or the tar archive ends early (also: no end-of-archive marker) |
//! | `tarball-trailing-data` | bytes after the gzip member (also a second member), or non-zero bytes after the tar end-of-archive marker |
//! | `tarball-not-tar` | the gzip stream holds nothing, or its first block is not a tar header |
//! | `tarball-bad-header` | a later tar header is malformed: checksum, number field, pax record, two extension headers for one entry, an extension header with no entry |
//! | `tarball-header-too-large` | a pax or GNU long-name header larger than [`MAX_EXTENSION_SIZE`] |
//! | `tarball-header-mismatch` | a pax `size` that differs from the header size, pax `path` records or a GNU long name that disagree, a directory with data |
//! | `tarball-unpacked-too-large` | more than [`Limits::max_unpacked_size`] bytes after inflating |
//! | `tarball-too-many-entries` | more than [`Limits::max_entries`] entries |
//! | `tarball-entry-type` | anything but a regular file or a directory: links, devices, FIFOs, sparse or contiguous files, global pax headers, unknown types |
//! | `tarball-path-not-utf8` | a path that is not UTF-8 |
//! | `tarball-path-absolute` | a path starting with `/` |
//! | `tarball-path-traversal` | a path with a `..` component |
//! | `tarball-path-invalid` | an empty path or component, a `.` component, a backslash or NUL, a file path ending in `/`, a path over [`MAX_PATH_LEN`] bytes |
//! | `tarball-path-outside-root` | an entry not under the one root directory all entries share, or a file at the top level |
//! | `tarball-duplicate-entry` | two entries with the same path (file or directory) |
//! | `tarball-path-conflict` | an entry below a path that is a file |
//! | `manifest-missing` | no file `{root}/Cargo.toml` |
//! | `manifest-duplicate` | more than one `{root}/Cargo.toml` |
//! | `manifest-too-large` | `Cargo.toml` larger than [`Limits::max_manifest_size`] |
//! | `manifest-not-utf8` | `Cargo.toml` is not UTF-8 |
//! | `manifest-invalid` | `Cargo.toml` is not TOML that cargo's schema reads |
//! | `manifest-no-package` | no `[package]` (nor old `[project]`) table |
//! | `manifest-no-name` / `manifest-bad-name` | no `package.name`, or not a crate name |
//! | `manifest-no-version` | no `package.version` |
//! | `manifest-unresolved` | a field still inherited from a workspace |
//! | `crate-name-mismatch` | the root directory or the file name names another crate than the manifest |
//! | `crate-version-mismatch` | the root directory or the file name names another version than the manifest |

mod entries;
mod extensions;
mod keep;
mod package;
mod paths;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod real;
mod stream;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::checksum::Checksum;
use crate::manifest::Manifest;

pub use keep::{Keep, MAX_KEPT_TOTAL};
pub use paths::MAX_PATH_LEN;

/// Resource limits for reading one `.crate`. Defaults are safe.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Total bytes after decompression (tar headers included).
    pub max_unpacked_size: u64,
    /// Number of tar entries.
    pub max_entries: usize,
    /// Size of the packaged `Cargo.toml`.
    pub max_manifest_size: u64,
    /// Further files whose contents to keep in [`CrateFile::kept`].
    pub keep: Keep,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_unpacked_size: 512 * 1024 * 1024,
            max_entries: 50_000,
            max_manifest_size: 4 * 1024 * 1024,
            keep: Keep::default(),
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
    /// Contents of the small files later checks read (see [`KEPT_FILES`])
    /// and of the files [`Limits::keep`] asks for (possibly truncated), by
    /// path relative to the package root.
    pub kept: BTreeMap<String, Vec<u8>>,
}

/// Files whose contents the reader keeps (when under `MAX_KEPT_SIZE`),
/// besides the file `package.license-file` names.
pub const KEPT_FILES: &[&str] = &["Cargo.toml.orig", ".cargo_vcs_info.json"];

/// Largest kept file; a larger one is listed but its contents are not kept.
pub const MAX_KEPT_SIZE: u64 = 64 * 1024;

/// Largest pax extension or GNU long-name header: room for any path a file
/// system accepts, and a bound on what one header may make the reader hold.
pub const MAX_EXTENSION_SIZE: u64 = 16 * 1024;

/// The help for everything only a broken or forged archive contains.
const REPACKAGE: &str = "re-create the file with `cargo package`";

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

impl Refusal {
    fn new(
        rule: &'static str,
        entry: Option<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            entry,
            message: message.into(),
            help: help.into(),
        }
    }

    /// A refusal whose fix is packaging the crate again with cargo.
    fn repackage(rule: &'static str, entry: Option<String>, message: impl Into<String>) -> Self {
        Self::new(rule, entry, message, REPACKAGE)
    }
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
    read_crate_from(bytes, file_name, limits)
}

/// [`read_crate`] from a stream (a file, without holding it in memory).
/// Read errors of the source are refusals: the file cannot be judged.
pub fn read_crate_from(
    source: impl std::io::BufRead,
    file_name: Option<&str>,
    limits: &Limits,
) -> Result<CrateFile, Refusal> {
    let inflated = stream::Inflated::open(source, limits.max_unpacked_size)?;
    let walk = entries::walk(inflated, limits)?;
    let (manifest, manifest_text) = package::check(&walk.root, walk.manifest, file_name)?;
    Ok(CrateFile {
        manifest,
        manifest_text,
        checksum: walk.compressed.checksum,
        compressed_size: walk.compressed.size,
        unpacked_size: walk.compressed.unpacked_size,
        entries: walk.entries,
        kept: walk.kept,
    })
}
