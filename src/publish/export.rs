//! The export directory: what static pages would serve, for git servers
//! that have none. Any web server can serve it:
//!
//! - `<dir>/crates/{name}-{version}.crate`: the crate files (point the
//!   index's `dl` at `<base>/crates/{crate}-{version}.crate`), under the
//!   same relative paths as in the crate repository: with a sharded
//!   layout `<dir>/crates/{lowerprefix}/{name}-{version}.crate` (`dl`
//!   `<base>/crates/{lowerprefix}/{crate}-{version}.crate`);
//! - `<dir>/index/`: the index tree with `config.json`, a sparse index
//!   (`sparse+<base>/index/`).
//!
//! Each update writes new crate files first, then the index files that
//! changed, and removes the files of deleted crates last, every file
//! through a temporary name and a rename: at no moment does the exported
//! index name a crate whose file is not there. Updates are incremental
//! (from the commits recorded in `<dir>/.crategate-export.toml`) and
//! serialized by a lock file.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{PublishError, is_crate_path};
use crate::git::{CrateRepo, Oid};
use crate::index::Index;

const STATE_FILE: &str = ".crategate-export.toml";
const LOCK_FILE: &str = ".crategate-export.lock";

/// What the export directory reflects.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct State {
    crate_commit: Option<String>,
    index_commit: Option<String>,
}

/// What one export update wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Exported {
    pub crates_written: usize,
    pub crates_removed: usize,
    pub index_files: usize,
}

/// Brings `dir` in step with `branch` of the crate repository and the index.
pub fn export(
    repo: &CrateRepo,
    branch: &str,
    index: &Index,
    dir: &Path,
) -> Result<Exported, PublishError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| PublishError::Io { path, source }
    };
    std::fs::create_dir_all(dir.join("crates")).map_err(io(dir))?;
    std::fs::create_dir_all(dir.join("index")).map_err(io(dir))?;
    let lock_path = dir.join(LOCK_FILE);
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io(&lock_path))?;
    lock.lock().map_err(io(&lock_path))?;
    let state = read_state(dir)?;
    let mut done = Exported::default();

    let tip = repo.tip(branch)?;
    let since = state
        .crate_commit
        .as_deref()
        .and_then(|hex| Oid::from_str(hex).ok())
        .filter(|old| tip.is_some_and(|tip| repo.is_ancestor(*old, tip).unwrap_or(false)));
    let mut removed = Vec::new();
    let layout = index.settings().crate_layout;
    if let Some(tip) = tip {
        for change in repo.changes(since, tip)? {
            if !is_crate_path(&change.path) || !layout.is_home(&change.path) {
                continue;
            }
            let target = dir.join("crates").join(&change.path);
            match change.new.filter(crate::git::BlobRef::is_regular_file) {
                Some(blob) => {
                    write_file(&target, &repo.blob(blob.id)?)?;
                    done.crates_written += 1;
                }
                None => removed.push(target),
            }
        }
    }

    let view = index.view()?;
    let index_since = state
        .index_commit
        .as_deref()
        .and_then(|hex| Oid::from_str(hex).ok());
    for (path, content) in view.changed_since(index_since)? {
        let target = dir.join("index").join(&path);
        match content {
            Some(bytes) => write_file(&target, &bytes)?,
            None => remove_file(&target)?,
        }
        done.index_files += 1;
    }
    for target in removed {
        remove_file(&target)?;
        done.crates_removed += 1;
    }
    let state = State {
        crate_commit: tip.map(|t| t.to_string()),
        index_commit: Some(view.commit().to_string()),
    };
    let text = toml::to_string(&state).expect("export state serializes");
    write_file(&dir.join(STATE_FILE), text.as_bytes())?;
    drop(lock);
    Ok(done)
}

fn read_state(dir: &Path) -> Result<State, PublishError> {
    let path = dir.join(STATE_FILE);
    match std::fs::read_to_string(&path) {
        // An unreadable state only costs a full export.
        Ok(text) => Ok(toml::from_str(&text).unwrap_or_default()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
        Err(source) => Err(PublishError::Io { path, source }),
    }
}

/// Writes a whole file under a temporary name, then renames it in place.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    let io = |path: PathBuf| move |source| PublishError::Io { path, source };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent.to_owned()))?;
    }
    let temp = path.with_extension("crategate-tmp");
    let mut file = File::create(&temp).map_err(io(temp.clone()))?;
    std::io::Write::write_all(&mut file, bytes).map_err(io(temp.clone()))?;
    file.sync_all().map_err(io(temp.clone()))?;
    std::fs::rename(&temp, path).map_err(io(path.to_owned()))
}

fn remove_file(path: &Path) -> Result<(), PublishError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(PublishError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}
