//! Every git2 call lives here.
//!
//! [`Store`] is a repository whose one branch is written by crategate: the
//! index repository. Writes follow one protocol, whatever the caller:
//! take the exclusive lock file, read the branch tip, build the new trees
//! in the object database touching only the changed paths, write the
//! commit, fsync the new objects, then compare-and-swap the branch ref
//! from the tip that was read. A process killed at any point leaves the
//! branch at its old commit or at the new one, never in between.

mod command;
mod crate_repo;
mod fsync;
mod history;
mod pack;
mod store;

pub use command::{git_command, git_scrubbed, update_server_info};
pub use crate_repo::{BlobRef, CommitTree, CrateRepo, FileChange};
pub use git2::Oid;
pub use history::CommitRecord;
pub use store::{Change, DEFAULT_BRANCH, FileAt, Snapshot, Store, WriteLock};

use std::path::PathBuf;

/// A git operation that failed, with what it was doing.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot open the git repository at {path}: {source}")]
    Open { path: PathBuf, source: git2::Error },
    #[error("cannot create a git repository at {path}: {source}")]
    Init { path: PathBuf, source: git2::Error },
    #[error(
        "{path} already holds a repository with commits on `{branch}`; refusing to initialize over it"
    )]
    NotEmpty { path: PathBuf, branch: String },
    #[error("{path} exists and is not an empty directory or git repository")]
    Occupied { path: PathBuf },
    #[error("HEAD of {path} does not point at a branch")]
    DetachedHead { path: PathBuf },
    #[error(
        "branch `{branch}` of {path} has no commit yet; create the index with `crategate init`"
    )]
    Unborn { path: PathBuf, branch: String },
    #[error("git error in {path} while {action}: {source}")]
    Op {
        path: PathBuf,
        action: &'static str,
        source: git2::Error,
    },
    #[error(
        "branch `{branch}` of {path} moved while crategate was writing (another writer ignored the lock); nothing was changed, run the command again"
    )]
    Raced { path: PathBuf, branch: String },
    #[error(
        "the pushed tree at {path} lists its entries out of git's order, or one twice: no git command writes such a tree"
    )]
    MalformedTree { path: String },
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}
