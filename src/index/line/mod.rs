//! Index lines exactly as crates.io writes them.
//!
//! A line is one compact JSON object (no newline) whose fields come in
//! crates.io's order: `name`, `vers`, `deps`, `cksum`, `features`,
//! `features2` (only when some feature uses `dep:` or `?/`), `yanked`,
//! `links` and `rust_version` (only when set), `pubtime`, and `v` (only
//! `2`, together with `features2`). Everything except `cksum`, `yanked` and
//! `pubtime` is derived from the packaged (normalized) `Cargo.toml`, the
//! same values cargo sends to crates.io when publishing: see [`deps`] for
//! dependencies and [`features`] for the feature split.
//!
//! Invariant: once written, a line never changes except its `yanked` flag,
//! which [`set_yanked`] flips without touching any other byte.

mod deps;
mod existing;
mod features;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};

use crate::checksum::Checksum;
use crate::manifest::Manifest;

pub use deps::{DepKind, IndexDep};
pub use existing::{ParsedLine, parse_line, set_yanked};

/// The URL under which crates.io's index is known to cargo: dependencies
/// from crates.io carry it as `registry` in an alternate registry's lines.
pub const CRATES_IO_INDEX: &str = "https://github.com/rust-lang/crates.io-index";

/// Which registry the index is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// An alternate registry reached at `index_url`: crates.io deps carry
    /// `registry`, deps on this registry carry none.
    Alternate { index_url: String },
    /// A replacement for crates.io: lines are crates.io's exactly.
    Mirror,
}

/// One line of the index: one version of a crate. It deserializes from
/// what it serializes to (for lines kept between two processes); lines
/// read from an index are [`parse_line`]'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexLine {
    name: String,
    vers: semver::Version,
    deps: Vec<IndexDep>,
    #[serde(serialize_with = "display")]
    cksum: Checksum,
    features: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    features2: Option<BTreeMap<String, Vec<String>>>,
    yanked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rust_version: Option<String>,
    pubtime: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    v: Option<u32>,
}

/// Why no line can be derived from a manifest, or an existing line cannot
/// be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error(
        "dependency `{dep}` is inherited from a workspace (`workspace = true`): \
         a packaged manifest must be normalized by `cargo package`"
    )]
    InheritedDependency { dep: String },
    #[error(
        "`package.{0}` is inherited from a workspace: \
         a packaged manifest must be normalized by `cargo package`"
    )]
    InheritedField(&'static str),
    #[error("dependency `{dep}` has version requirement `{req}` that cargo cannot parse: {reason}")]
    BadRequirement {
        dep: String,
        req: String,
        reason: String,
    },
    #[error(
        "dependency `{dep}` comes from a {via} with no `version`: \
         no registry can resolve it (crates.io refuses it too)"
    )]
    NoVersion { dep: String, via: &'static str },
    #[error(
        "dependency `{dep}` names registry `{registry}` but no `registry-index`: \
         a packaged manifest carries the index URL"
    )]
    RegistryName { dep: String, registry: String },
    #[error("target `{target}` is not a platform cargo understands: {reason}")]
    BadTarget { target: String, reason: String },
    #[error("pubtime `{0}` is not of the form YYYY-MM-DDTHH:MM:SSZ")]
    BadPubtime(String),
    #[error("index line is not valid for cargo: {0}")]
    Unparsable(String),
    #[error("index line has cksum `{0}`, not 64 hex digits")]
    BadChecksum(String),
}

impl IndexLine {
    /// The line for a `.crate` with this manifest and checksum, published
    /// at `pubtime` (`YYYY-MM-DDTHH:MM:SSZ`), not yanked.
    pub fn from_manifest(
        manifest: &Manifest,
        checksum: &Checksum,
        mode: &Mode,
        pubtime: &str,
    ) -> Result<Self, LineError> {
        check_pubtime(pubtime)?;
        let package = manifest.package();
        let rust_version = match &package.rust_version {
            None => None,
            Some(field) => Some(
                field
                    .as_value()
                    .ok_or(LineError::InheritedField("rust-version"))?
                    .to_string(),
            ),
        };
        let (features, features2) = features::split(manifest.toml.features.as_ref());
        let v = features2.as_ref().map(|_| 2);
        Ok(Self {
            name: manifest.name.to_string(),
            vers: manifest.version.clone(),
            deps: deps::collect(&manifest.toml, mode)?,
            cksum: *checksum,
            features,
            features2,
            yanked: false,
            links: package.links.clone(),
            rust_version,
            pubtime: pubtime.to_owned(),
            v,
        })
    }

    /// The same line published at `pubtime`.
    pub fn with_pubtime(self, pubtime: &str) -> Result<Self, LineError> {
        check_pubtime(pubtime)?;
        Ok(Self {
            pubtime: pubtime.to_owned(),
            ..self
        })
    }

    /// The JSON text of the line, compact, without a newline.
    ///
    /// # Panics
    ///
    /// Never: a line holds only strings, booleans, maps and lists.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("index lines hold only strings, maps and lists")
    }

    /// The crate name as the manifest spells it.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The version, build metadata included.
    #[must_use]
    pub fn vers(&self) -> &semver::Version {
        &self.vers
    }

    /// The sha256 of the `.crate` file.
    #[must_use]
    pub fn cksum(&self) -> Checksum {
        self.cksum
    }

    #[must_use]
    pub fn yanked(&self) -> bool {
        self.yanked
    }

    /// The dependencies in crates.io's order.
    #[must_use]
    pub fn deps(&self) -> &[IndexDep] {
        &self.deps
    }
}

fn check_pubtime(pubtime: &str) -> Result<(), LineError> {
    cargo_util_schemas::index::parse_pubtime(pubtime)
        .map(|_| ())
        .map_err(|_| LineError::BadPubtime(pubtime.to_owned()))
}

/// The current time as crates.io writes `pubtime`: `YYYY-MM-DDTHH:MM:SSZ`.
#[must_use]
pub fn pubtime_now() -> String {
    cargo_util_schemas::index::format_pubtime(jiff::Timestamp::now())
}

fn display<T: std::fmt::Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}
