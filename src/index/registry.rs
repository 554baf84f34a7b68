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
use super::line::{self, IndexLine};
use super::path::IndexPath;
use crate::checksum::Checksum;
use crate::crate_name::{CrateName, canonical};
use crate::git::{Change, GitError, Snapshot, Store};

/// A registry index backed by a git repository.
pub struct Index {
    store: Store,
    settings: Settings,
}

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
    pub version: Version,
    pub checksum: Checksum,
    pub line: IndexLine,
}

impl Index {
    /// Creates the index repository at `path` with its first commit.
    pub fn init(path: &Path, config: &CargoConfig, settings: Settings) -> Result<Self, IndexError> {
        config.validate()?;
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

    /// Adds every version in one commit, or none of them.
    pub fn add(&self, versions: &[NewVersion], message: &str) -> Result<(), IndexError> {
        let lock = self.store.lock()?;
        let snapshot = self.store.snapshot()?;
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        let mut conflicts = Vec::new();
        for new in versions {
            match self.check_new(&snapshot, &mut files, new) {
                Ok(()) => {}
                Err(IndexError::Refused(mut found)) => conflicts.append(&mut found),
                Err(other) => return Err(other),
            }
        }
        if !conflicts.is_empty() {
            return Err(IndexError::Refused(conflicts));
        }
        let changes = to_changes(files);
        self.store
            .commit(&lock, Some(&snapshot), &changes, message)?;
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
        let lock = self.store.lock()?;
        let snapshot = self.store.snapshot()?;
        let path = IndexPath::of(name);
        let text = self.file_text(&snapshot, &path)?.unwrap_or_default();
        let mut found = None;
        let mut out = String::with_capacity(text.len());
        for (i, raw) in text.lines().enumerate() {
            let parsed = parse(&path, raw)?;
            if parsed.name.eq_ignore_ascii_case(name.as_str())
                && same_version(&parsed.vers, version)
            {
                found = Some(parsed.yanked.unwrap_or(false));
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
                let verb = if yanked { "Yank" } else { "Unyank" };
                let changes = [Change {
                    path: path.to_string(),
                    content: out.into_bytes(),
                }];
                self.store.commit(
                    &lock,
                    Some(&snapshot),
                    &changes,
                    &format!("{verb} {name} {version}"),
                )?;
                Ok(true)
            }
        }
    }

    /// Checks one new version against the snapshot plus what this batch
    /// already added (`files`), and appends its line to `files`.
    fn check_new(
        &self,
        snapshot: &Snapshot<'_>,
        files: &mut BTreeMap<String, String>,
        new: &NewVersion,
    ) -> Result<(), IndexError> {
        let name = &new.name;
        let path = IndexPath::of(name);
        self.check_collisions(snapshot, files, name, new)?;
        let text = match files.get(path.as_str()) {
            Some(pending) => pending.clone(),
            None => self.file_text(snapshot, &path)?.unwrap_or_default(),
        };
        for raw in text.lines() {
            let existing = parse(&path, raw)?;
            if existing.name != name.as_str() {
                return Err(refused(
                    new,
                    "name-collision",
                    format!("`{name}` is already published as `{}`", existing.name),
                    "publish under the existing spelling, or choose another name",
                ));
            }
            if same_version(&existing.vers, &new.version) {
                let how = if existing.cksum == new.checksum.to_string() {
                    "with the same contents"
                } else {
                    "with different contents"
                };
                return Err(refused(
                    new,
                    "version-exists",
                    format!(
                        "{name} {} is already published as {} ({how}); a published version is never replaced",
                        new.version, existing.vers
                    ),
                    "bump the version in Cargo.toml and package again",
                ));
            }
        }
        let mut text = text;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&new.line.to_json());
        text.push('\n');
        files.insert(path.to_string(), text);
        Ok(())
    }

    /// Refuses a name equal to another crate's under crates.io's canonical
    /// form, looking only in the directories such a name can be in.
    fn check_collisions(
        &self,
        snapshot: &Snapshot<'_>,
        files: &BTreeMap<String, String>,
        name: &CrateName,
        new: &NewVersion,
    ) -> Result<(), IndexError> {
        let own = name.as_str().to_ascii_lowercase();
        let key = name.canonical();
        for dir in IndexPath::collision_dirs(name) {
            let mut names = self.store.list(snapshot, &dir)?;
            names.extend(
                files
                    .keys()
                    .filter_map(|p| p.strip_prefix(&format!("{dir}/")).map(str::to_owned)),
            );
            if let Some(other) = names.iter().find(|n| **n != own && canonical(n) == key) {
                return Err(refused(
                    new,
                    "name-collision",
                    format!(
                        "`{name}` collides with the published crate `{other}` (crate names are unique ignoring case and `-`/`_`)"
                    ),
                    "choose another name, or publish under the existing crate's name",
                ));
            }
        }
        Ok(())
    }

    fn file_text(
        &self,
        snapshot: &Snapshot<'_>,
        path: &IndexPath,
    ) -> Result<Option<String>, IndexError> {
        self.store
            .read(snapshot, path.as_str())?
            .map(|bytes| {
                String::from_utf8(bytes).map_err(|_| IndexError::Corrupt {
                    path: path.to_string(),
                    message: "not UTF-8".into(),
                })
            })
            .transpose()
    }
}

fn parse<'a>(
    path: &IndexPath,
    raw: &'a str,
) -> Result<cargo_util_schemas::index::IndexPackage<'a>, IndexError> {
    line::parse_line(raw).map_err(|e| IndexError::Corrupt {
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// Versions are unique ignoring build metadata.
fn same_version(a: &Version, b: &Version) -> bool {
    a.major == b.major && a.minor == b.minor && a.patch == b.patch && a.pre == b.pre
}

fn refused(new: &NewVersion, rule: &'static str, message: String, help: &str) -> IndexError {
    IndexError::Refused(vec![Conflict {
        subject: new.file.clone(),
        rule,
        message,
        help: help.to_owned(),
    }])
}

fn to_changes(files: BTreeMap<String, String>) -> Vec<Change> {
    files
        .into_iter()
        .map(|(path, text)| Change {
            path,
            content: text.into_bytes(),
        })
        .collect()
}
