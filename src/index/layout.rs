//! Where a crate's file lives in the crate repository.
//!
//! The layout is recorded in the index's `.crategate.toml`
//! (`crate-layout`, `flat` when absent) and answers one question for
//! every command: at which path of the crate repository does
//! `{name}-{version}.crate` belong. `flat` keeps every file at the top;
//! `sharded` puts it under the directory cargo's index uses for the
//! lowercased name (`1/`, `2/`, `3/{c}/`, `{n[0..2]}/{n[2..4]}/`), which
//! the `dl` marker `{lowerprefix}` names, so that a tree diff skips every
//! directory a push does not touch. A `.crate` anywhere else cannot be
//! downloaded by cargo, so it is neither accepted nor published.

use serde::{Deserialize, Serialize};

use super::config::ConfigError;
use super::path::IndexPath;
use crate::crate_file;
use crate::crate_name::CrateName;

/// The `dl` markers that name a crate's index directory.
const PREFIX_MARKERS: [&str; 2] = ["{prefix}", LOWER_PREFIX];
/// The one of them that names its shard: the directory of the
/// lowercased name.
const LOWER_PREFIX: &str = "{lowerprefix}";
/// The `dl` marker that names a file by its contents, wherever it is.
const CHECKSUM_MARKER: &str = "{sha256-checksum}";

/// How the crate repository arranges `.crate` files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum CrateLayout {
    /// `{name}-{version}.crate` at the top of the repository.
    #[default]
    Flat,
    /// `{lowerprefix}/{name}-{version}.crate`: the directory of the
    /// lowercased name in cargo's index layout.
    Sharded,
}

impl CrateLayout {
    /// The path of `name` `version`'s file in the crate repository.
    #[must_use]
    pub fn path(self, name: &CrateName, version: &semver::Version) -> String {
        let file = crate_file::file_name(name.as_str(), version);
        match self {
            Self::Flat => file,
            Self::Sharded => format!("{}/{file}", IndexPath::of(name).dir()),
        }
    }

    /// Whether `path` is where the layout puts the crate its file name
    /// names (`{name}-{version}.crate`, the name ending at the last `-`
    /// before the version's first `.`). What cargo can download.
    #[must_use]
    pub fn is_home(self, path: &str) -> bool {
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        match self {
            Self::Flat => dir.is_empty(),
            Self::Sharded => {
                name_in_file(file).is_some_and(|name| dir == IndexPath::of(&name).dir())
            }
        }
    }

    /// `false` for the default, which `.crategate.toml` leaves unwritten.
    #[must_use]
    pub fn is_flat(&self) -> bool {
        *self == Self::Flat
    }

    /// Refuses a `dl` template that would send cargo to the wrong place:
    /// a sharded layout needs the shard directory in the URL (or a
    /// download by checksum), a flat one must not have it.
    pub fn check_dl(self, dl: &str) -> Result<(), ConfigError> {
        let has_prefix = PREFIX_MARKERS.iter().any(|m| dl.contains(m));
        match self {
            Self::Sharded if dl.contains(LOWER_PREFIX) || dl.contains(CHECKSUM_MARKER) => Ok(()),
            // `{prefix}` keeps the name's case; shards are lowercase.
            Self::Sharded if has_prefix => Err(ConfigError::DlCasedPrefix(dl.to_owned())),
            Self::Sharded => Err(ConfigError::DlWithoutPrefix(dl.to_owned())),
            Self::Flat if has_prefix => Err(ConfigError::DlWithPrefix(dl.to_owned())),
            Self::Flat => Ok(()),
        }
    }
}

/// The crate name a `{name}-{version}.crate` file name starts with: names
/// hold no `.` and a version's major number no `-`, so the name ends at
/// the last `-` before the first `.`.
fn name_in_file(file: &str) -> Option<CrateName> {
    let stem = file.strip_suffix(".crate")?;
    let before_dot = &stem[..stem.find('.')?];
    let (name, _) = before_dot.rsplit_once('-')?;
    CrateName::new(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sharded(name: &str, version: &str) -> String {
        let name = CrateName::new(name).expect("valid");
        CrateLayout::Sharded.path(&name, &version.parse().expect("valid"))
    }

    #[test]
    fn sharded_paths_follow_the_index_directories_of_the_lowercased_name() {
        assert_eq!(sharded("a", "1.0.0"), "1/a-1.0.0.crate");
        assert_eq!(sharded("Ab", "0.1.0"), "2/Ab-0.1.0.crate");
        assert_eq!(sharded("Cat", "2.0.0-rc.1"), "3/c/Cat-2.0.0-rc.1.crate");
        assert_eq!(sharded("abcd", "1.0.0"), "ab/cd/abcd-1.0.0.crate");
        assert_eq!(
            sharded("Serde_Json", "1.0.0+build"),
            "se/rd/Serde_Json-1.0.0+build.crate"
        );
    }

    #[test]
    fn flat_paths_are_file_names() {
        let name = CrateName::new("Serde").expect("valid");
        let version = "1.0.0".parse().expect("valid");
        assert_eq!(CrateLayout::Flat.path(&name, &version), "Serde-1.0.0.crate");
    }

    #[test]
    fn home_is_where_the_file_name_belongs() {
        let sharded = CrateLayout::Sharded;
        for home in [
            "1/a-1.0.0.crate",
            "2/Ab-0.1.0.crate",
            "3/c/Cat-2.0.0-rc.1.crate",
            "fo/o-/foo-2-1.0.0-beta-2.crate",
        ] {
            assert!(sharded.is_home(home), "{home}");
        }
        for stray in [
            "a-1.0.0.crate",
            "3/a/a-1.0.0.crate",
            "ab/cd/abc-1.0.0.crate",
            "x/ab/cd/abcd-1.0.0.crate",
            "ab/cd/no-version.crate",
        ] {
            assert!(!sharded.is_home(stray), "{stray}");
        }
        assert!(CrateLayout::Flat.is_home("a-1.0.0.crate"));
        assert!(!CrateLayout::Flat.is_home("1/a-1.0.0.crate"));
    }

    #[test]
    fn dl_templates_must_agree_with_the_layout() {
        let by_prefix = "https://x/{lowerprefix}/{crate}-{version}.crate";
        let by_name = "https://x/{crate}-{version}.crate";
        let by_sum = "https://x/{sha256-checksum}";
        assert!(CrateLayout::Sharded.check_dl(by_prefix).is_ok());
        // `{prefix}` keeps the case of `Serde`: cargo would ask for `Se/rd/`.
        assert!(matches!(
            CrateLayout::Sharded.check_dl("https://x/{prefix}/{crate}"),
            Err(ConfigError::DlCasedPrefix(_))
        ));
        assert!(CrateLayout::Sharded.check_dl(by_sum).is_ok());
        assert!(matches!(
            CrateLayout::Sharded.check_dl(by_name),
            Err(ConfigError::DlWithoutPrefix(_))
        ));
        assert!(CrateLayout::Flat.check_dl(by_name).is_ok());
        assert!(matches!(
            CrateLayout::Flat.check_dl(by_prefix),
            Err(ConfigError::DlWithPrefix(_))
        ));
    }
}
