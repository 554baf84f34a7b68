//! One code path decides, for the hook and for the dry run.
//!
//! A [`Case`] is what is judged: the `.crate` files a change adds,
//! changes or deletes (as policy [`Upload`]s) and the findings about the
//! change itself (paths, where its `.crate` files sit in the index's
//! crate layout, the yank list, refs). [`registry_state`] is the
//! registry it is judged against: the index for the names involved, plus
//! versions accepted on the branch but not yet published. [`verdict`]
//! runs the policy. `pre-receive` builds the case from a push,
//! `crategate check` from files or from a clone's unpushed commits.

pub mod push;
mod yank_list;

use std::collections::BTreeSet;

use crate::crate_file::{self, CrateFile, Limits};
use crate::crate_name::canonical;
use crate::diag::{Finding, Severity, Verdict};
use crate::git::{BlobRef, CrateRepo, GitError, Oid};
use crate::index::{IndexError, View};
use crate::policy::{
    Change, Policy, PublishedCrate, PublishedVersion, RegistryState, Upload, decide,
};
use crate::publish::yank_list::YANK_LIST;
use crate::publish::{MAX_FILE_SIZE, PublishError, is_crate_path, read_blobs, with_crate_blob};
use push::PushRules;

/// A `.crate` blob to read: `path` is what findings name, `file_name`
/// what the reader checks the manifest against.
struct Pending {
    path: String,
    file_name: String,
    kind: Change,
    blob: BlobRef,
}

/// Why a change could not be judged.
#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Publish(#[from] PublishError),
}

/// What is being judged.
#[derive(Debug, Default)]
pub struct Case {
    pub uploads: Vec<Upload>,
    /// Findings about the change rather than about one crate.
    pub findings: Vec<Finding>,
    /// The upload (by position) and git blob of each added `.crate`
    /// that was read from a repository.
    pub(crate) added_blobs: Vec<(usize, Oid)>,
}

impl Case {
    /// Adds the net change of a branch from `old` to `new`: every
    /// `.crate` added, changed or deleted, the yank list, other paths.
    pub fn add_branch_change(
        &mut self,
        repo: &CrateRepo,
        rules: &PushRules<'_>,
        old: Option<Oid>,
        new: Oid,
    ) -> Result<(), JudgeError> {
        let mut blobs = Vec::new();
        let new = repo.tree(new)?;
        let old = old.map(|id| repo.tree(id)).transpose()?;
        for change in repo.changes_between(old.as_ref(), &new)? {
            if change.path == YANK_LIST {
                yank_list::judge(repo, rules, old.as_ref(), &new, self)?;
                continue;
            }
            let is_crate = is_crate_path(&change.path);
            self.findings.extend(rules.check_path(&change, is_crate));
            if !is_crate {
                continue;
            }
            let (kind, blob) = match (&change.old, &change.new) {
                (None, Some(new)) => (Change::Added, *new),
                (Some(old), None) => (Change::Deleted, *old),
                (Some(_), Some(new)) => (Change::Modified, *new),
                (None, None) => continue,
            };
            let file_name = change
                .path
                .rsplit('/')
                .next()
                .unwrap_or(&change.path)
                .to_owned();
            blobs.push(Pending {
                path: change.path,
                file_name,
                kind,
                blob,
            });
        }
        self.add_blobs(repo, rules, blobs)
    }

    /// Reads `.crate` blobs into uploads, in order, on every core, and
    /// judges where each added or changed `.crate` holding a readable
    /// crate sits.
    fn add_blobs(
        &mut self,
        repo: &CrateRepo,
        rules: &PushRules<'_>,
        blobs: Vec<Pending>,
    ) -> Result<(), JudgeError> {
        let limits = rules.limits();
        let reads = read_blobs(
            repo,
            &blobs,
            |p| Some(p.blob.id),
            |repo, pending| {
                with_crate_blob(repo, pending.blob, |size, bytes| {
                    let read = bytes
                        .and_then(|b| crate_file::read_crate(b, Some(&pending.file_name), limits));
                    (size, read)
                })
            },
        )?;
        for (pending, (size, read)) in blobs.into_iter().zip(reads) {
            if let Ok(krate) = &read {
                // Deleting a misplaced file publishes nothing: it may go.
                if pending.kind != Change::Deleted && is_crate_path(&pending.path) {
                    self.findings
                        .extend(rules.check_location(&pending.path, krate));
                }
                if pending.kind == Change::Added {
                    self.added_blobs.push((self.uploads.len(), pending.blob.id));
                }
            }
            self.uploads.push(Upload {
                path: pending.path,
                size,
                change: pending.kind,
                read,
            });
        }
        Ok(())
    }

    /// Every crate the change adds that could be read, with its blob.
    pub fn added_crates(&self) -> impl Iterator<Item = (Oid, &CrateFile)> {
        self.added_blobs.iter().filter_map(|(i, blob)| {
            let krate = self.uploads.get(*i)?.read.as_ref().ok()?;
            Some((*blob, krate))
        })
    }

    /// `name@version` of every crate the change adds.
    #[must_use]
    pub fn added(&self) -> Vec<String> {
        self.uploads
            .iter()
            .filter(|u| u.change == Change::Added)
            .filter_map(|u| u.read.as_ref().ok())
            .map(|k| format!("{}@{}", k.manifest.name, k.manifest.version))
            .collect()
    }
}

/// A `.crate` file's bytes as an added upload, named `path` in findings.
#[must_use]
pub fn upload_from_bytes(path: &str, bytes: &[u8], limits: &Limits) -> Upload {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    Upload {
        path: path.to_owned(),
        size: bytes.len() as u64,
        change: Change::Added,
        read: crate_file::read_crate(bytes, Some(file_name), limits),
    }
}

/// The policy's verdict on a case: the case's own findings first, then
/// every crate's.
#[must_use]
pub fn verdict(policy: &Policy, state: &RegistryState, case: &Case) -> Verdict {
    let mut verdict = decide(policy, state, &case.uploads);
    verdict.findings.splice(0..0, case.findings.iter().cloned());
    verdict.accepted = !verdict
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    verdict
}

/// The registry as a change must see it: the index (when there is one)
/// for every name the change touches, plus versions accepted on `branch`
/// of `repo` but not yet published (between the commit the index
/// reflects and the branch tip).
pub fn registry_state(
    view: Option<&View<'_>>,
    in_flight: Option<(&CrateRepo, &str)>,
    limits: &Limits,
    uploads: &[Upload],
) -> Result<RegistryState, JudgeError> {
    let mut state = RegistryState::default();
    let Some(view) = view else {
        return Ok(state);
    };
    for krate in uploads.iter().filter_map(|u| u.read.as_ref().ok()) {
        for published in view.crates_like(&krate.manifest.name)? {
            let versions = published
                .versions
                .iter()
                .map(|l| PublishedVersion {
                    version: l.vers.clone(),
                    checksum: l.cksum,
                    yanked: l.yanked,
                })
                .collect();
            state.crates.insert(
                canonical(&published.name),
                PublishedCrate {
                    name: published.name,
                    versions,
                },
            );
        }
    }
    if let Some((repo, branch)) = in_flight {
        add_in_flight(&mut state, view, repo, branch, limits, uploads)?;
    }
    Ok(state)
}

fn add_in_flight(
    state: &mut RegistryState,
    view: &View<'_>,
    repo: &CrateRepo,
    branch: &str,
    limits: &Limits,
    uploads: &[Upload],
) -> Result<(), JudgeError> {
    let Some(tip) = repo.tip(branch)? else {
        return Ok(());
    };
    let names: BTreeSet<String> = uploads
        .iter()
        .filter_map(|u| u.read.as_ref().ok())
        .map(|k| k.manifest.name.canonical())
        .collect();
    let reflected = view
        .reflected_commit()?
        .and_then(|hex| Oid::from_str(&hex).ok())
        .filter(|id| repo.is_ancestor(*id, tip).unwrap_or(false));
    for change in repo.changes(reflected, tip)? {
        let Some(blob) = change
            .new
            .filter(|b| b.is_regular_file() && is_crate_path(&change.path))
        else {
            continue;
        };
        if !names.iter().any(|n| file_may_name(&change.path, n))
            || repo.blob_size(blob.id)? > MAX_FILE_SIZE
        {
            continue;
        }
        let Ok(krate) = crate_file::read_crate(&repo.blob(blob.id)?, None, limits) else {
            continue;
        };
        let entry = state
            .crates
            .entry(krate.manifest.name.canonical())
            .or_insert_with(|| PublishedCrate {
                name: krate.manifest.name.to_string(),
                versions: Vec::new(),
            });
        if !entry
            .versions
            .iter()
            .any(|v| v.version == krate.manifest.version)
        {
            entry.versions.push(PublishedVersion {
                version: krate.manifest.version.clone(),
                checksum: krate.checksum,
                yanked: false,
            });
        }
    }
    Ok(())
}

/// Whether a `.crate` path can hold a crate whose canonical name is
/// `key`: its file name, canonicalized, starts with `key-`.
fn file_may_name(path: &str, key: &str) -> bool {
    let file = canonical(path.rsplit('/').next().unwrap_or(path));
    file.strip_prefix(key)
        .is_some_and(|rest| rest.starts_with('_'))
}
