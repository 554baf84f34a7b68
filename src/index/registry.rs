//! The index repository: create it, add versions, yank them.
//!
//! Invariants kept here, whatever the caller checked before:
//! - a version is never added twice (build metadata ignored), so a line,
//!   once written, only ever changes its `yanked` flag;
//! - a crate name never collides canonically (lowercase, `-` = `_`) with
//!   another crate's name;
//! - a batch is all or nothing: one refused version adds nothing.
//!
//! Every write is one commit made under the store's lock and
//! compare-and-swap (see [`crate::git`]).

use std::collections::BTreeMap;
use std::path::Path;

use semver::Version;

use super::config::{CONFIG_JSON, CargoConfig, ConfigError, NOJEKYLL, SETTINGS_FILE, Settings};
use super::line::{self, IndexLine, ParsedLine};
use super::path::IndexPath;
use super::view::{View, published, same_version};
use crate::crate_name::{CrateName, canonical};
use crate::git::{Change, GitError, Oid, Store, WriteLock};

/// A registry index backed by a git repository.
pub struct Index {
    pub(super) store: Store,
    settings: Settings,
}

/// The refusal of a version the index holds with the same checksum: the
/// file was published already (publication treats it as done).
pub const ALREADY_PUBLISHED: &str = "version-already-published";

/// A version the index refuses, with how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The `.crate` file (or `name@version`) it concerns.
    pub subject: String,
    /// Stable rule id: `version-exists`, `name-collision`.
    pub rule: &'static str,
    pub message: String,
    pub help: String,
}

/// Why the index was not changed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{path} in the index is not a valid index file: {message}")]
    Corrupt { path: String, message: String },
    #[error("{} version(s) refused; nothing was added", .0.len())]
    Refused(Vec<Conflict>),
    #[error("{name} {version} is not in the index")]
    NotFound { name: String, version: String },
}

/// One version to add: its line and the file it came from.
#[derive(Debug)]
pub struct NewVersion {
    pub file: String,
    pub name: CrateName,
    pub line: IndexLine,
}

impl Index {
    /// Creates the index repository at `path` with its first commit.
    pub fn init(path: &Path, config: &CargoConfig, settings: Settings) -> Result<Self, IndexError> {
        config.validate()?;
        settings.crate_layout.check_dl(&config.dl)?;
        let files = [
            Change {
                path: CONFIG_JSON.into(),
                content: config.to_json().into_bytes(),
            },
            Change {
                path: NOJEKYLL.into(),
                content: Vec::new(),
            },
            Change {
                path: SETTINGS_FILE.into(),
                content: settings.to_toml().into_bytes(),
            },
        ];
        let store = Store::init(path, &files, "Create the registry index")?;
        Ok(Self { store, settings })
    }

    /// Opens an index created by `crategate init`.
    pub fn open(path: &Path) -> Result<Self, IndexError> {
        let store = Store::open(path)?;
        let snapshot = store.snapshot()?;
        let text = store
            .read(&snapshot, SETTINGS_FILE)?
            .ok_or(ConfigError::Missing(SETTINGS_FILE))?;
        let text = String::from_utf8(text).map_err(|_| ConfigError::Invalid {
            file: SETTINGS_FILE,
            message: "not UTF-8".into(),
        })?;
        let settings = Settings::parse(&text)?;
        drop(snapshot);
        Ok(Self { store, settings })
    }

    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Begins a write: takes the index lock and reads the branch tip.
    /// Nothing is written until [`Transaction::commit`].
    pub fn begin(&self) -> Result<Transaction<'_>, IndexError> {
        let lock = self.store.lock()?;
        Ok(Transaction {
            view: self.view()?,
            lock,
            staged: BTreeMap::new(),
        })
    }

    /// The index as it is now, for reading without the lock.
    pub fn view(&self) -> Result<View<'_>, IndexError> {
        Ok(View {
            index: self,
            snapshot: self.store.snapshot()?,
        })
    }

    /// Adds every version in one commit, or none of them.
    pub fn add(&self, versions: &[NewVersion], message: &str) -> Result<(), IndexError> {
        let mut tx = self.begin()?;
        let mut conflicts = Vec::new();
        for new in versions {
            match tx.add(new) {
                Ok(()) => {}
                Err(IndexError::Refused(mut found)) => conflicts.append(&mut found),
                Err(other) => return Err(other),
            }
        }
        if !conflicts.is_empty() {
            return Err(IndexError::Refused(conflicts));
        }
        tx.commit(message)?;
        Ok(())
    }

    /// Sets the `yanked` flag of one version (build metadata ignored).
    /// Returns false when it already had that value (nothing written).
    pub fn set_yanked(
        &self,
        name: &CrateName,
        version: &Version,
        yanked: bool,
    ) -> Result<bool, IndexError> {
        let mut tx = self.begin()?;
        let changed = tx.set_yanked(name, version, yanked)?;
        let verb = if yanked { "Yank" } else { "Unyank" };
        tx.commit(&format!("{verb} {name} {version}"))?;
        Ok(changed)
    }
}

/// An open write to the index: the lock is held until it is dropped.
pub struct Transaction<'i> {
    view: View<'i>,
    lock: WriteLock,
    /// Index files changed so far, whole, by path.
    staged: BTreeMap<String, String>,
}

impl<'i> Transaction<'i> {
    /// Every version of `name` (any spelling of its case), as staged.
    pub fn versions(&self, name: &CrateName) -> Result<Vec<ParsedLine>, IndexError> {
        let path = IndexPath::of(name);
        let text = self.text(&path)?;
        text.lines().map(|raw| published(&path, raw)).collect()
    }

    /// The committed index this transaction builds on.
    #[must_use]
    pub fn view(&self) -> &View<'i> {
        &self.view
    }

    /// Stages one new version. Refused (nothing staged) if the version
    /// exists ignoring build metadata, or the name collides with another
    /// crate's.
    pub fn add(&mut self, new: &NewVersion) -> Result<(), IndexError> {
        let name = &new.name;
        let path = IndexPath::of(name);
        self.check_collisions(name, new)?;
        let mut text = self.text(&path)?;
        for raw in text.lines() {
            let existing = published(&path, raw)?;
            if existing.name != name.as_str() {
                return Err(refused(
                    new,
                    "name-collision",
                    format!("`{name}` is already published as `{}`", existing.name),
                    "publish under the existing spelling, or choose another name",
                ));
            }
            if same_version(&existing.vers, new.line.vers()) {
                let (rule, how) = if existing.cksum == new.line.cksum() {
                    (ALREADY_PUBLISHED, "with the same contents")
                } else {
                    ("version-exists", "with different contents")
                };
                return Err(refused(
                    new,
                    rule,
                    format!(
                        "{name} {} is already published as {} ({how}); a published version is never replaced",
                        new.line.vers(),
                        existing.vers
                    ),
                    "bump the version in Cargo.toml and package again",
                ));
            }
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&new.line.to_json());
        text.push('\n');
        self.staged.insert(path.to_string(), text);
        Ok(())
    }

    /// Stages a change of one version's `yanked` flag; false when it
    /// already had that value.
    pub fn set_yanked(
        &mut self,
        name: &CrateName,
        version: &Version,
        yanked: bool,
    ) -> Result<bool, IndexError> {
        let path = IndexPath::of(name);
        let text = self.text(&path)?;
        let mut found = None;
        let mut out = String::with_capacity(text.len());
        for (i, raw) in text.lines().enumerate() {
            let existing = published(&path, raw)?;
            if existing.name.eq_ignore_ascii_case(name.as_str())
                && same_version(&existing.vers, version)
            {
                found = Some(existing.yanked);
                let changed = line::set_yanked(raw, yanked).map_err(|e| IndexError::Corrupt {
                    path: format!("{path}:{}", i + 1),
                    message: e.to_string(),
                })?;
                out.push_str(&changed);
            } else {
                out.push_str(raw);
            }
            out.push('\n');
        }
        match found {
            None => Err(IndexError::NotFound {
                name: name.to_string(),
                version: version.to_string(),
            }),
            Some(was) if was == yanked => Ok(false),
            Some(_) => {
                self.staged.insert(path.to_string(), out);
                Ok(true)
            }
        }
    }

    /// Whether anything is staged.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Writes what is staged as one commit and moves the branch; nothing
    /// when nothing is staged.
    pub fn commit(self, message: &str) -> Result<Option<Oid>, IndexError> {
        if self.staged.is_empty() {
            return Ok(None);
        }
        let changes: Vec<Change> = self
            .staged
            .into_iter()
            .map(|(path, text)| Change {
                path,
                content: text.into_bytes(),
            })
            .collect();
        let id = self.view.index.store.commit(
            &self.lock,
            Some(&self.view.snapshot),
            &changes,
            message,
        )?;
        Ok(Some(id))
    }

    /// Refuses a name equal to another crate's under crates.io's canonical
    /// form, looking only in the directories such a name can be in.
    fn check_collisions(&self, name: &CrateName, new: &NewVersion) -> Result<(), IndexError> {
        let own = IndexPath::of(name);
        let mut paths = self.view.paths_like(name)?;
        if let Some(spellings) = IndexPath::spellings(name) {
            paths.extend(
                spellings
                    .into_iter()
                    .filter(|p| self.staged.contains_key(p.as_str())),
            );
        } else {
            let key = name.canonical();
            paths.extend(
                self.staged
                    .keys()
                    .filter(|p| canonical(p.rsplit('/').next().unwrap_or(p)) == key)
                    .map(|p| IndexPath::from_committed(p.clone())),
            );
        }
        if let Some(other) = paths.iter().find(|p| **p != own) {
            let other = other.as_str().rsplit('/').next().unwrap_or(other.as_str());
            return Err(refused(
                new,
                "name-collision",
                format!(
                    "`{name}` collides with the published crate `{other}` (crate names are unique ignoring case and `-`/`_`)"
                ),
                "choose another name, or publish under the existing crate's name",
            ));
        }
        Ok(())
    }

    /// The text of an index file as staged (empty when there is none).
    fn text(&self, path: &IndexPath) -> Result<String, IndexError> {
        match self.staged.get(path.as_str()) {
            Some(staged) => Ok(staged.clone()),
            None => self.view.text(path),
        }
    }
}

fn refused(new: &NewVersion, rule: &'static str, message: String, help: &str) -> IndexError {
    IndexError::Refused(vec![Conflict {
        subject: new.file.clone(),
        rule,
        message,
        help: help.to_owned(),
    }])
}
