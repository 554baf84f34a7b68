//! The yank list: `yanked.toml` at the top of the crate repository.
//!
//! Deleting a `.crate` yanks it but also takes its bytes off the static
//! pages, which breaks every lockfile that pins the version. Listing the
//! version here instead yanks it and keeps the file downloadable; removing
//! the entry unyanks it. The file is reviewed like any other change and
//! judged by the hook (the owners rule applies to every entry that
//! changes).
//!
//! ```toml
//! # Versions yanked while their .crate stays downloadable.
//! [[yanked]]
//! name = "foo"
//! version = "1.2.3"
//! reason = "miscompiles on aarch64, use 1.2.4"
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;

use semver::Version;
use serde::{Deserialize, Serialize};

use crate::crate_name::CrateName;

/// The path of the yank list in the crate repository.
pub const YANK_LIST: &str = "yanked.toml";

/// One listed version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Yanked {
    pub name: String,
    pub version: Version,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The whole list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YankList {
    #[serde(default)]
    pub yanked: Vec<Yanked>,
}

/// Why a yank list cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum YankListError {
    #[error("{YANK_LIST} is not valid: {0}")]
    Invalid(String),
    #[error("{YANK_LIST} lists `{0}`, which is not a crate name")]
    BadName(String),
}

impl YankList {
    /// Parses the file's text (absent file: empty list).
    pub fn parse(text: &str) -> Result<Self, YankListError> {
        let list: Self = toml::from_str(text).map_err(|e| YankListError::Invalid(e.to_string()))?;
        if let Some(bad) = list
            .yanked
            .iter()
            .find(|y| CrateName::new(&y.name).is_err())
        {
            return Err(YankListError::BadName(bad.name.clone()));
        }
        Ok(list)
    }

    /// `(name, version)` of every entry, for comparing two lists.
    #[must_use]
    pub fn keys(&self) -> BTreeSet<(String, Version)> {
        self.yanked
            .iter()
            .map(|y| (y.name.clone(), y.version.clone()))
            .collect()
    }

    /// Whether the list names this version.
    #[must_use]
    pub fn contains(&self, name: &str, version: &Version) -> bool {
        self.yanked
            .iter()
            .any(|y| y.name == name && &y.version == version)
    }

    /// Adds a version (sorted, no duplicate); false if it was listed.
    pub fn add(&mut self, entry: Yanked) -> bool {
        if self.contains(&entry.name, &entry.version) {
            return false;
        }
        self.yanked.push(entry);
        self.yanked.sort();
        true
    }

    /// Removes a version; false if it was not listed.
    pub fn remove(&mut self, name: &str, version: &Version) -> bool {
        let before = self.yanked.len();
        self.yanked
            .retain(|y| !(y.name == name && &y.version == version));
        self.yanked.len() != before
    }

    /// The file's text, with a comment saying what it is.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# Versions yanked while their .crate stays downloadable.\n\
             # Add an entry to yank, remove it to unyank (`crategate yank`).\n",
        );
        for y in &self.yanked {
            let _ = write!(
                out,
                "\n[[yanked]]\nname = {}\nversion = \"{}\"\n",
                quote(&y.name),
                y.version
            );
            if let Some(reason) = &y.reason {
                let _ = writeln!(out, "reason = {}", quote(reason));
            }
        }
        out
    }
}

fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// What changed between two versions of the list: `(name, version, yanked)`.
#[must_use]
pub fn difference(old: &YankList, new: &YankList) -> Vec<(String, Version, bool)> {
    let (old, new) = (old.keys(), new.keys());
    let mut out: Vec<_> = new
        .difference(&old)
        .map(|(n, v)| (n.clone(), v.clone(), true))
        .collect();
    out.extend(
        old.difference(&new)
            .map(|(n, v)| (n.clone(), v.clone(), false)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_edit_and_difference() {
        let mut list = YankList::default();
        assert!(list.add(Yanked {
            name: "foo".into(),
            version: Version::new(1, 2, 3),
            reason: Some("broken \"build\"".into()),
        }));
        assert!(!list.add(Yanked {
            name: "foo".into(),
            version: Version::new(1, 2, 3),
            reason: None,
        }));
        let text = list.to_toml();
        let parsed = YankList::parse(&text).expect("round trip");
        assert_eq!(parsed, list);
        let mut later = parsed.clone();
        assert!(later.remove("foo", &Version::new(1, 2, 3)));
        assert!(later.add(Yanked {
            name: "bar".into(),
            version: Version::new(0, 1, 0),
            reason: None,
        }));
        assert_eq!(
            difference(&parsed, &later),
            [
                ("bar".to_owned(), Version::new(0, 1, 0), true),
                ("foo".to_owned(), Version::new(1, 2, 3), false)
            ]
        );
    }

    #[test]
    fn refuses_what_it_cannot_mean() {
        assert!(YankList::parse("[[yanked]]\nname = \"a\"\nversion = \"1\"\n").is_err());
        assert!(YankList::parse("[[yanked]]\nname = \"a/b\"\nversion = \"1.0.0\"\n").is_err());
        assert!(
            YankList::parse("[[yanked]]\nname = \"a\"\nversion = \"1.0.0\"\nwhy = 1\n").is_err()
        );
        assert_eq!(YankList::parse("").expect("empty"), YankList::default());
    }
}
