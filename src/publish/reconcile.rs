//! Full re-derivation: what the index must hold, from every `.crate` on
//! the tracked branch, compared with everything the index holds.
//!
//! This is `crategate sync` (apply the difference) and `sync --check`
//! (report it). It reads the whole crate repository and the whole index,
//! so it is for repair and for hosts without hooks; the hook publishes
//! incrementally with [`super::catch_up`].

use std::collections::{BTreeMap, BTreeSet};

use semver::Version;

use super::{PublishError, Report, Skipped, commit_message, is_crate_path, read_version};
use crate::crate_name::canonical;
use crate::git::CrateRepo;
use crate::index::line;
use crate::index::{Index, IndexError};

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
/// would be) added and yanked, and what cannot be reconciled.
pub fn reconcile(
    repo: &CrateRepo,
    branch: &str,
    index: &Index,
    pusher: Option<&str>,
    apply: bool,
) -> Result<Report, PublishError> {
    let mut tx = index.begin()?;
    let mut report = Report::default();
    let Some(tip) = repo.tip(branch)? else {
        return Ok(report);
    };
    let published: BTreeMap<Key, line::ParsedLine> = tx
        .all_versions()?
        .into_iter()
        .map(|p| (key(&p.name, &p.vers), p))
        .collect();
    let pubtime = line::pubtime_now();
    let mode = index.settings().line_mode();
    let mut present = BTreeSet::new();
    for (path, blob) in repo.files(tip)? {
        if !is_crate_path(&path) {
            continue;
        }
        let version = match read_version(repo, &path, blob, &mode, &pubtime)? {
            Ok(version) => version,
            Err(reason) => {
                report.skipped.push(Skipped { path, reason });
                continue;
            }
        };
        let id = key(version.name.as_str(), version.line.vers());
        present.insert(id.clone());
        match published.get(&id) {
            Some(existing) if existing.cksum == version.line.cksum() => {}
            Some(existing) => report.skipped.push(Skipped {
                path,
                reason: format!(
                    "the index holds {} {} with checksum {}, the file has {}",
                    existing.name,
                    existing.vers,
                    existing.cksum,
                    version.line.cksum()
                ),
            }),
            None => match tx.add(&version) {
                Ok(()) => report
                    .added
                    .push((version.name.to_string(), version.line.vers().clone())),
                Err(IndexError::Refused(conflicts)) => {
                    let reasons: Vec<String> = conflicts.into_iter().map(|c| c.message).collect();
                    report.skipped.push(Skipped {
                        path,
                        reason: reasons.join("; "),
                    });
                }
                Err(other) => return Err(other.into()),
            },
        }
    }
    for (id, existing) in &published {
        if existing.yanked || present.contains(id) {
            continue;
        }
        let name =
            crate::crate_name::CrateName::new(&existing.name).map_err(|e| IndexError::Corrupt {
                path: existing.name.clone(),
                message: e.to_string(),
            })?;
        if tx.set_yanked(&name, &existing.vers, true)? {
            report
                .yanked
                .push((existing.name.clone(), existing.vers.clone()));
        }
    }
    if apply {
        report.commit = tx.commit(&commit_message(&report, tip, pusher))?;
    }
    Ok(report)
}
