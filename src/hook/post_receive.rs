//! `post-receive`: publish what git accepted.
//!
//! git runs it after the refs moved and the client got its answer; its
//! exit code is ignored. It publishes only when the tracked branch is
//! among the refs that really moved, and then catches the index up with
//! the branch as it is now (not as stdin says: a later push may already
//! have moved it), so publication is exactly-once however pushes race.
//! The crates `pre-receive` accepted are taken from what it prepared
//! rather than read again.

use std::path::Path;

use super::HookError;
use super::config::HookConfig;
use super::updates::parse_updates;
use crate::git::{CrateRepo, Oid};
use crate::publish::prepared::Prepared;
use crate::publish::{self, Report};

/// Publishes after a push; returns what was published, or `None` when
/// the push did not move the tracked branch.
pub fn run(git_dir: &Path, stdin: &str) -> Result<Option<Report>, HookError> {
    let config = HookConfig::load(git_dir)?;
    let repo = CrateRepo::open(git_dir)?;
    let branch = super::tracked_branch(&config, &repo)?;
    let updates = parse_updates(stdin)?;
    if !updates.iter().any(|u| u.refname == branch) {
        return Ok(None);
    }
    let pusher = config.identity();
    let policy = super::load_policy(&config)?;
    // A remote index: published in its cache and pushed with a lease,
    // again on the new tip when another writer won the race.
    let options = config.remote_options(git_dir);
    let prepared = Prepared::load(git_dir);
    let (report, _) = config.index.write(&options, |index| {
        publish::catch_up(
            &repo,
            &branch,
            index,
            policy.limits(),
            pusher.as_deref(),
            &prepared,
        )
        .map_err(HookError::from)
    })?;
    let index = config.index.local(&options)?;
    if let Some(reflected) = index
        .view()?
        .reflected_commit()?
        .and_then(|hex| Oid::from_str(&hex).ok())
    {
        prepared.retire(&repo, reflected);
    }
    super::refresh_served(&config, &repo, &branch, &index)?;
    Ok(Some(report))
}
