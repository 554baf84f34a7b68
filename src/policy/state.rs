//! What [`super::decide`] judges: the pushed files and the registry as it
//! stands. Both are plain values the caller fills (the hook from the git
//! repositories, the dry run from files and an optional index).

use std::collections::BTreeMap;

use crate::checksum::Checksum;
use crate::crate_file::{CrateFile, Refusal};

/// What a push does to one file of the crate repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Modified,
    /// A deletion: the version is yanked. The upload carries the deleted
    /// file as it was.
    Deleted,
}

/// One pushed `.crate` file.
#[derive(Debug)]
pub struct Upload {
    /// Path in the crate repository.
    pub path: String,
    /// Size of the file in bytes.
    pub size: u64,
    pub change: Change,
    /// What the reader made of the file.
    pub read: Result<CrateFile, Refusal>,
}

/// One published version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedVersion {
    pub version: semver::Version,
    pub checksum: Checksum,
    pub yanked: bool,
}

/// One crate of the registry, with its name as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedCrate {
    pub name: String,
    pub versions: Vec<PublishedVersion>,
}

/// The registry the push is judged against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryState {
    /// Published crates by canonical name (`crate::crate_name::canonical`).
    pub crates: BTreeMap<String, PublishedCrate>,
    /// This registry's index URL (as in cargo's config), if known.
    pub index_url: Option<String>,
    /// Who pushes, if the server said.
    pub pusher: Option<String>,
}
