//! Full re-derivation: what the index must hold, from every `.crate` on
//! the tracked branch, compared with everything the index holds.
//!
//! This is `crategate sync` (apply the difference) and `sync --check`
//! (report it). It reads the whole crate repository and the whole index,
//! so it is for repair and for hosts without hooks; the hook publishes
//! incrementally with [`super::catch_up`].

use std::collections::{BTreeMap, BTreeSet};

use semver::Version;

use super::prepared::Prepared;
use super::yank_list::{YANK_LIST, YankList};
use super::{
    PublishError, Report, commit_message, is_crate_path, read_versions, set_yanked, yank_list_in,
};
use crate::crate_file::Limits;
use crate::crate_name::CrateName;
use crate::crate_name::canonical;
use crate::git::CrateRepo;
use crate::index::line;
use crate::index::{Index, IndexError};

/// Crate files read between two progress reports.
const PROGRESS_STEP: usize = 500;

/// A version's identity in the index: canonical name and version without
/// build metadata.
type Key = (String, Version);

fn key(name: &str, version: &Version) -> Key {
    let mut v = version.clone();
    v.build = semver::BuildMetadata::EMPTY;
    (canonical(name), v)
}

/// Compares the index with every `.crate` on `branch`; with `apply`,
/// writes the difference as one commit. The report lists what was (or
/// would be) added and yanked, and what cannot be reconciled. `progress`
/// hears `(files read, files)` as the crate files are read.
pub fn reconcile(
    repo: &CrateRepo,
    branch: &str,
    index: &Index,
    limits: &Limits,
    pusher: Option<&str>,
    apply: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, PublishError> {
    let mut tx = index.begin()?;
    let mut report = Report::default();
    let Some(tip) = repo.tip(branch)? else {
        return Ok(report);
    };
    let listed = yank_list_in(repo, Some(&repo.tree(tip)?))?.unwrap_or_else(|reason| {
        report.skip(YANK_LIST, reason);
        YankList::default()
    });
    let published: BTreeMap<Key, line::ParsedLine> = tx
        .view()
        .all_versions()?
        .into_iter()
        .map(|p| (key(&p.name, &p.vers), p))
        .collect();
    let pubtime = line::pubtime_now();
    let mode = index.settings().line_mode();
    let mut present = BTreeSet::new();
    let files: Vec<_> = repo
        .files(tip)?
        .into_iter()
        .filter(|(path, _)| is_crate_path(path))
        .collect();
    let total = files.len();
    let mut versions = Vec::with_capacity(total);
    let prepared = Prepared::load(repo.git_dir());
    for chunk in files.chunks(PROGRESS_STEP) {
        versions.extend(read_versions(
            repo,
            limits,
            chunk,
            &mode,
            index.settings().crate_layout,
            &pubtime,
            &prepared,
        )?);
        progress(versions.len(), total);
    }
    for ((path, _), version) in files.into_iter().zip(versions) {
        let version = match version {
            Ok(version) => version,
            Err(reason) => {
                report.skip(&path, reason);
                continue;
            }
        };
        let (name, vers) = (version.name.clone(), version.line.vers().clone());
        let id = key(name.as_str(), &vers);
        present.insert(id.clone());
        let yanked = listed.contains(name.as_str(), &vers);
        match published.get(&id) {
            Some(existing) if existing.cksum == version.line.cksum() => {
                if existing.yanked != yanked {
                    set_yanked(&mut tx, &name, &existing.vers, yanked, &mut report)?;
                }
            }
            Some(existing) => report.skip(
                &path,
                format!(
                    "the index holds {} {} with checksum {}, the file has {}",
                    existing.name,
                    existing.vers,
                    existing.cksum,
                    version.line.cksum()
                ),
            ),
            None => match tx.add(&version) {
                Ok(()) => {
                    report.added.push((name.to_string(), vers.clone()));
                    if yanked {
                        set_yanked(&mut tx, &name, &vers, true, &mut report)?;
                    }
                }
                Err(IndexError::Refused(conflicts)) => {
                    let reasons: Vec<String> = conflicts.into_iter().map(|c| c.message).collect();
                    report.skip(&path, reasons.join("; "));
                }
                Err(other) => return Err(other.into()),
            },
        }
    }
    // A version whose file is gone is yanked.
    for (id, existing) in &published {
        if existing.yanked || present.contains(id) {
            continue;
        }
        let name = CrateName::new(&existing.name).map_err(|e| IndexError::Corrupt {
            path: existing.name.clone(),
            message: e.to_string(),
        })?;
        set_yanked(&mut tx, &name, &existing.vers, true, &mut report)?;
    }
    if apply {
        report.commit = tx.commit(&commit_message(&report, tip, pusher))?;
    }
    Ok(report)
}
