//! Index lines exactly as crates.io writes them.
//!
//! (Filled in by the index-line work: derivation from the packaged
//! manifest, crates.io's field order, `deps` sorting, `features2`.)

use serde::Serialize;

use crate::checksum::Checksum;
use crate::manifest::Manifest;

/// The URL under which crates.io's index is known to cargo: dependencies
/// from crates.io carry it as `registry` in an alternate registry's lines.
pub const CRATES_IO_INDEX: &str = "https://github.com/rust-lang/crates.io-index";

/// Which registry the index is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// An alternate registry reached at `index_url`: crates.io deps carry
    /// `registry`, deps on this registry carry none.
    Alternate { index_url: String },
    /// A replacement for crates.io: lines are crates.io's exactly.
    Mirror,
}

/// One line of the index: one version of a crate.
#[derive(Debug, Serialize)]
pub struct IndexLine {
    pub name: String,
    pub vers: String,
    pub cksum: String,
    pub yanked: bool,
    pub pubtime: String,
}

/// Why no line can be derived from a manifest.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("{0}")]
    Invalid(String),
}

impl IndexLine {
    /// The line for a `.crate` with this manifest and checksum, published
    /// at `pubtime` (`YYYY-MM-DDTHH:MM:SSZ`).
    pub fn from_manifest(
        manifest: &Manifest,
        checksum: &Checksum,
        mode: &Mode,
        pubtime: &str,
    ) -> Result<Self, LineError> {
        let _ = mode;
        Ok(Self {
            name: manifest.name.to_string(),
            vers: manifest.version.to_string(),
            cksum: checksum.to_string(),
            yanked: false,
            pubtime: pubtime.to_owned(),
        })
    }

    /// The JSON text of the line, without a newline.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("index lines serialize")
    }
}

/// Reads an existing index line with cargo's own schema.
pub fn parse_line(text: &str) -> Result<cargo_util_schemas::index::IndexPackage<'_>, LineError> {
    serde_json::from_str(text).map_err(|e| LineError::Invalid(e.to_string()))
}

/// The same line with only its `yanked` flag changed.
pub fn set_yanked(line: &str, yanked: bool) -> Result<String, LineError> {
    let (from, to) = if yanked {
        ("\"yanked\":false", "\"yanked\":true")
    } else {
        ("\"yanked\":true", "\"yanked\":false")
    };
    Ok(line.replacen(from, to, 1))
}

/// The current time as crates.io writes `pubtime`.
#[must_use]
pub fn pubtime_now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
