//! `pre-receive`: judge every push before git accepts it.
//!
//! git gives the ref updates on stdin while the pushed objects wait in a
//! quarantine directory; a non-zero exit refuses every ref of the push.
//! The tracked branch's net change (old tip → new tip, however many
//! commits) is judged file by file: each added, changed or deleted
//! `.crate` with the policy's rules, every other path against the paths
//! the policy lets change. The registry it is judged against is the index
//! plus the `.crate` files already accepted on the branch but not yet
//! published, so immutability and name collisions hold while a
//! publication is in flight. The policy comes from the server's
//! configuration, never from the push. Nothing is written anywhere.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::config::HookConfig;
use super::push::{PushOptions, PushRules};
use super::updates::parse_updates;
use super::{HookError, tracked_branch};
use crate::crate_file::{self, Refusal};
use crate::crate_name::canonical;
use crate::diag::{Finding, Severity, Verdict};
use crate::git::{BlobRef, CrateRepo, Oid};
use crate::index::{Index, View};
use crate::policy::{Change, PublishedCrate, PublishedVersion, RegistryState, Upload, decide};
use crate::publish::yank_list::YANK_LIST;
use crate::publish::{MAX_FILE_SIZE, is_crate_path};

/// What the hook was given besides stdin.
#[derive(Debug, Clone, Default)]
pub struct HookEnv {
    /// Where git keeps the pushed objects until the hook accepts them.
    pub quarantine: Option<PathBuf>,
    /// `git push -o` values.
    pub options: PushOptions,
}

/// The decision on one push.
#[derive(Debug)]
pub struct Judgement {
    pub verdict: Verdict,
    /// `name@version` of every crate the push adds, for verbose output.
    pub accepted: Vec<String>,
}

/// Judges one push.
pub fn run(git_dir: &Path, stdin: &str, env: &HookEnv) -> Result<Judgement, HookError> {
    let config = HookConfig::load(git_dir)?;
    let policy = super::load_policy(&config)?;
    let rules = PushRules::from_policy(&policy);
    let repo = CrateRepo::open_in_hook(git_dir, env.quarantine.as_deref())?;
    let branch = tracked_branch(&config, &repo)?;
    let updates = parse_updates(stdin)?;
    let mut findings = Vec::new();
    let mut uploads = Vec::new();
    for update in &updates {
        if update.refname == branch {
            findings.extend(rules.check_branch_update(&repo, update)?);
            if let Some(new) = update.new {
                collect(&repo, &rules, update.old, new, &mut uploads, &mut findings)?;
            }
        } else {
            findings.extend(rules.check_other_ref(update, &branch));
        }
    }
    let index = Index::open(&config.index)?;
    let view = index.view()?;
    let mut state = registry_state(&view, &repo, policy.limits(), &branch, &uploads)?;
    state.index_url = Some(index.settings().index_url.clone());
    state.pusher = config.identity().or_else(|| {
        policy
            .identity_env()
            .and_then(|var| std::env::var(var).ok())
    });
    let mut verdict = decide(&policy, &state, &uploads);
    verdict.findings.splice(0..0, findings);
    verdict.accepted = !verdict
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    let accepted = uploads
        .iter()
        .filter(|u| u.change == Change::Added)
        .filter_map(|u| u.read.as_ref().ok())
        .map(|k| format!("{}@{}", k.manifest.name, k.manifest.version))
        .collect();
    Ok(Judgement { verdict, accepted })
}

/// Turns the branch's net change into uploads (crates) and findings
/// (other paths).
fn collect(
    repo: &CrateRepo,
    rules: &PushRules,
    old: Option<Oid>,
    new: Oid,
    uploads: &mut Vec<Upload>,
    findings: &mut Vec<Finding>,
) -> Result<(), HookError> {
    for change in repo.changes(old, new)? {
        if change.path == YANK_LIST {
            super::yank_list::judge(repo, rules, old, new, uploads, findings)?;
            continue;
        }
        let is_crate = is_crate_path(&change.path);
        findings.extend(rules.check_path(&change, is_crate));
        if !is_crate {
            continue;
        }
        let (kind, blob) = match (&change.old, &change.new) {
            (None, Some(new)) => (Change::Added, *new),
            (Some(old), None) => (Change::Deleted, *old),
            (Some(_), Some(new)) => (Change::Modified, *new),
            (None, None) => continue,
        };
        let file_name = change.path.rsplit('/').next().unwrap_or(&change.path);
        uploads.push(upload(
            repo,
            rules.limits(),
            &change.path,
            file_name,
            kind,
            blob,
        )?);
    }
    Ok(())
}

/// Reads one pushed (or deleted) `.crate` blob for judging. `path` is
/// what findings name; `file_name` what the reader checks the manifest
/// against.
pub(super) fn upload(
    repo: &CrateRepo,
    limits: &crate_file::Limits,
    path: &str,
    file_name: &str,
    kind: Change,
    blob: BlobRef,
) -> Result<Upload, HookError> {
    let size = repo.blob_size(blob.id)?;
    let read = if !blob.is_regular_file() {
        Err(refusal(
            "tarball-not-a-file",
            "the .crate is a symbolic link or submodule in git, not a file",
            "commit the .crate file itself",
        ))
    } else if size > MAX_FILE_SIZE {
        Err(refusal(
            "tarball-over-hard-limit",
            &format!("the file is {size} bytes, over the {MAX_FILE_SIZE}-byte hard limit"),
            "a crate this large cannot be accepted",
        ))
    } else {
        crate_file::read_crate(&repo.blob(blob.id)?, Some(file_name), limits)
    };
    Ok(Upload {
        path: path.to_owned(),
        size,
        change: kind,
        read,
    })
}

fn refusal(rule: &'static str, message: &str, help: &str) -> Refusal {
    Refusal {
        rule,
        entry: None,
        message: message.to_owned(),
        help: help.to_owned(),
    }
}

/// The registry as the push must see it: the index for every name the
/// push touches, plus versions accepted on the branch but not published
/// yet (between the commit the index reflects and the branch tip).
fn registry_state(
    view: &View<'_>,
    repo: &CrateRepo,
    limits: &crate_file::Limits,
    branch: &str,
    uploads: &[Upload],
) -> Result<RegistryState, HookError> {
    let mut state = RegistryState::default();
    let names: BTreeSet<String> = uploads
        .iter()
        .filter_map(|u| u.read.as_ref().ok())
        .map(|k| k.manifest.name.canonical())
        .collect();
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
    let Some(tip) = repo.tip(branch)? else {
        return Ok(state);
    };
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
        let bytes = repo.blob(blob.id)?;
        let Ok(krate) = crate_file::read_crate(&bytes, None, limits) else {
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
    Ok(state)
}

/// Whether a `.crate` path can hold a crate whose canonical name is
/// `key`: its file name, canonicalized, starts with `key-`.
fn file_may_name(path: &str, key: &str) -> bool {
    let file = canonical(path.rsplit('/').next().unwrap_or(path));
    file.strip_prefix(key)
        .is_some_and(|rest| rest.starts_with('_'))
}
