//! Reading the index as committed, without the write lock: what the
//! pre-receive hook judges against, and what a transaction builds on.

use semver::Version;

use super::config::CONFIG_JSON;
use super::line::{self, ParsedLine};
use super::path::IndexPath;
use super::registry::{Index, IndexError};
use crate::crate_name::{CrateName, canonical};
use crate::git::{FileAt, Oid, Snapshot};

/// The trailer naming the crate-repository commit an index commit reflects.
pub const CRATE_COMMIT_TRAILER: &str = "Crate-Commit";

/// How far back the history is searched for [`CRATE_COMMIT_TRAILER`].
const TRAILER_SEARCH_DEPTH: usize = 1000;

/// The index at one commit.
pub struct View<'i> {
    pub(super) index: &'i Index,
    pub(super) snapshot: Snapshot<'i>,
}

/// A crate as published, with every version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedCrate {
    /// The name as published.
    pub name: String,
    pub versions: Vec<ParsedLine>,
}

impl View<'_> {
    /// The crate-repository commit the index reflects, as recorded by the
    /// last publication (see [`CRATE_COMMIT_TRAILER`]).
    /// Commits written by `crategate index …` carry no trailer, so the
    /// history is searched back (a bounded number of commits; past that
    /// publication starts from the whole branch, which is slower but
    /// right).
    pub fn reflected_commit(&self) -> Result<Option<String>, IndexError> {
        Ok(self
            .index
            .store
            .find_in_history(&self.snapshot, TRAILER_SEARCH_DEPTH, |message| {
                trailer(message, CRATE_COMMIT_TRAILER).map(str::to_owned)
            })?)
    }

    /// Every published crate whose name equals `name` ignoring case and
    /// `-`/`_` (at most one in a healthy index). Reads only the
    /// directories such a name can be in.
    pub fn crates_like(&self, name: &CrateName) -> Result<Vec<PublishedCrate>, IndexError> {
        let mut out = Vec::new();
        for path in self.paths_like(name)? {
            let versions = self
                .text(&path)?
                .lines()
                .map(|raw| published(&path, raw))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(first) = versions.first() {
                out.push(PublishedCrate {
                    name: first.name.clone(),
                    versions,
                });
            }
        }
        Ok(out)
    }

    /// The committed index files of every name canonically equal to
    /// `name` (its own included): each spelling probed, or, for a name
    /// with very many separators, the directories listed.
    pub(super) fn paths_like(&self, name: &CrateName) -> Result<Vec<IndexPath>, IndexError> {
        if let Some(spellings) = IndexPath::spellings(name) {
            return Ok(spellings
                .into_iter()
                .filter(|p| self.index.store.has_file(&self.snapshot, p.as_str()))
                .collect());
        }
        let key = name.canonical();
        let mut out = Vec::new();
        for dir in IndexPath::collision_dirs(name) {
            for file in self.index.store.list(&self.snapshot, &dir)? {
                if canonical(&file) == key {
                    out.push(IndexPath::from_committed(format!("{dir}/{file}")));
                }
            }
        }
        Ok(out)
    }

    /// Every version of every crate in the index. Reads the whole index:
    /// for repair, not for hooks.
    pub fn all_versions(&self) -> Result<Vec<ParsedLine>, IndexError> {
        let mut out = Vec::new();
        for (path, id) in self.index.store.walk(&self.snapshot)? {
            if path.starts_with('.') || path == CONFIG_JSON {
                continue;
            }
            let path = IndexPath::from_committed(path);
            let text =
                String::from_utf8(self.index.store.blob(id)?).map_err(|_| IndexError::Corrupt {
                    path: path.to_string(),
                    message: "not UTF-8".into(),
                })?;
            for raw in text.lines() {
                out.push(published(&path, raw)?);
            }
        }
        Ok(out)
    }

    /// The commit this view reads.
    #[must_use]
    pub fn commit(&self) -> Oid {
        self.snapshot.commit
    }

    /// Index files changed since `from` (an earlier commit of this index;
    /// absent or unknown: every file), with their contents now.
    pub fn changed_since(&self, from: Option<Oid>) -> Result<Vec<FileAt>, IndexError> {
        let from = from.filter(|id| self.index.store.contains(&self.snapshot, *id));
        Ok(self.index.store.changed_files(from, &self.snapshot)?)
    }

    /// The text of an index file (empty when there is none).
    pub(super) fn text(&self, path: &IndexPath) -> Result<String, IndexError> {
        match self.index.store.read(&self.snapshot, path.as_str())? {
            Some(bytes) => decode(path, bytes),
            None => Ok(String::new()),
        }
    }
}

/// An index file's text; index files are UTF-8 JSON lines.
fn decode(path: &IndexPath, bytes: Vec<u8>) -> Result<String, IndexError> {
    String::from_utf8(bytes).map_err(|_| IndexError::Corrupt {
        path: path.to_string(),
        message: "not UTF-8".into(),
    })
}

/// The value of `key: value` among a commit message's trailer lines.
fn trailer<'m>(message: &'m str, key: &str) -> Option<&'m str> {
    message.lines().rev().find_map(|l| {
        l.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(": "))
            .map(str::trim)
    })
}

pub(super) fn published(path: &IndexPath, raw: &str) -> Result<ParsedLine, IndexError> {
    line::parse_line(raw).map_err(|e| IndexError::Corrupt {
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// Versions are unique ignoring build metadata.
#[must_use]
pub fn same_version(a: &Version, b: &Version) -> bool {
    a.major == b.major && a.minor == b.minor && a.patch == b.patch && a.pre == b.pre
}
