//! Publication: bring the index in step with the crate repository.
//!
//! One function serves `post-receive` and `crategate sync`. Under the index
//! lock it reads the crate-repository commit the index last reflected (a
//! trailer of the index tip's commit) and the tracked branch's current
//! tip, diffs the two, and writes one index commit: a line for each added
//! `.crate`, `yanked: true` for each deleted one. Because it always starts
//! from what the index says it reflects, a killed or failed run is
//! repaired by the next one, and two racing runs publish each version
//! once: the second finds nothing left to do.

mod export;
mod reconcile;
pub mod yank_list;

use std::fmt::Write as _;

use semver::Version;

pub use export::{Exported, export};
pub use reconcile::reconcile;

use crate::crate_file::{self, Limits};
use crate::git::{BlobRef, CrateRepo, FileChange, GitError, Oid};
use crate::index::line::{self, IndexLine};
use crate::index::{CRATE_COMMIT_TRAILER, Index, IndexError, NewVersion, Transaction};

/// The largest `.crate` publication reads into memory. The policy's
/// compressed-size rule (10 MiB by default) refuses far smaller files
/// before they are accepted; this only bounds memory for a file that got
/// into the repository some other way.
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// The trailer naming who pushed.
pub const PUSHER_TRAILER: &str = "Pushed-By";

/// What one publication did.
#[derive(Debug, Default)]
pub struct Report {
    pub added: Vec<(String, Version)>,
    pub yanked: Vec<(String, Version)>,
    /// Files that could not be published, with why; `sync --check` and
    /// the hook's output show them.
    pub skipped: Vec<Skipped>,
    /// The index commit written, if anything changed.
    pub commit: Option<Oid>,
}

/// A changed file publication left alone.
#[derive(Debug)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Why publication could not run.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("cannot write {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Whether a path in the crate repository is a crate file.
#[must_use]
pub fn is_crate_path(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("crate"))
}

/// Publishes everything on `branch` of `repo` that the index does not
/// reflect yet. `pusher` is recorded in the index commit.
pub fn catch_up(
    repo: &CrateRepo,
    branch: &str,
    index: &Index,
    pusher: Option<&str>,
) -> Result<Report, PublishError> {
    let mut tx = index.begin()?;
    let Some(tip) = repo.tip(branch)? else {
        return Ok(Report::default());
    };
    let reflected = tx
        .view()
        .reflected_commit()?
        .and_then(|hex| Oid::from_str(&hex).ok())
        .filter(|id| repo.is_ancestor(*id, tip).unwrap_or(false));
    if reflected == Some(tip) {
        return Ok(Report::default());
    }
    let mut report = Report::default();
    let pubtime = line::pubtime_now();
    let mode = index.settings().line_mode();
    for change in repo.changes(reflected, tip)? {
        if !is_crate_path(&change.path) {
            continue;
        }
        if let Some(reason) = apply(repo, &mut tx, &change, &mode, &pubtime, &mut report)? {
            report.skipped.push(Skipped {
                path: change.path,
                reason,
            });
        }
    }
    let message = commit_message(&report, tip, pusher);
    report.commit = tx.commit(&message)?;
    Ok(report)
}

/// Applies one changed `.crate` to the transaction; a reason when it was
/// left alone.
fn apply(
    repo: &CrateRepo,
    tx: &mut Transaction<'_>,
    change: &FileChange,
    mode: &line::Mode,
    pubtime: &str,
    report: &mut Report,
) -> Result<Option<String>, PublishError> {
    match (&change.old, &change.new) {
        (None, Some(new)) => {
            let version = match read_version(repo, &change.path, *new, mode, pubtime)? {
                Ok(version) => version,
                Err(reason) => return Ok(Some(reason)),
            };
            match tx.add(&version) {
                Ok(()) => {
                    report
                        .added
                        .push((version.name.to_string(), version.line.vers().clone()));
                    Ok(None)
                }
                Err(IndexError::Refused(conflicts)) => {
                    let already = conflicts.iter().all(|c| {
                        c.rule == "version-exists" && c.message.contains("with the same contents")
                    });
                    let reasons: Vec<String> = conflicts.into_iter().map(|c| c.message).collect();
                    Ok((!already).then(|| reasons.join("; ")))
                }
                Err(other) => Err(other.into()),
            }
        }
        (Some(old), None) => {
            let version = match read_version(repo, &change.path, *old, mode, pubtime)? {
                Ok(version) => version,
                Err(reason) => return Ok(Some(reason)),
            };
            match tx.set_yanked(&version.name, version.line.vers(), true) {
                Ok(true) => {
                    report
                        .yanked
                        .push((version.name.to_string(), version.line.vers().clone()));
                    Ok(None)
                }
                Ok(false) | Err(IndexError::NotFound { .. }) => Ok(None),
                Err(other) => Err(other.into()),
            }
        }
        _ => Ok(Some(
            "a published .crate was changed in place; the index keeps the first contents".into(),
        )),
    }
}

/// Reads one blob of the crate repository into a new index version, or
/// says why it cannot be one.
fn read_version(
    repo: &CrateRepo,
    path: &str,
    blob: BlobRef,
    mode: &line::Mode,
    pubtime: &str,
) -> Result<Result<NewVersion, String>, PublishError> {
    if !blob.is_regular_file() {
        return Ok(Err("not a regular file (a link or submodule)".into()));
    }
    let size = repo.blob_size(blob.id)?;
    if size > MAX_FILE_SIZE {
        return Ok(Err(format!(
            "{size} bytes is over the {MAX_FILE_SIZE}-byte limit for publication"
        )));
    }
    let bytes = repo.blob(blob.id)?;
    let file_name = path.rsplit('/').next();
    let krate = match crate_file::read_crate(&bytes, file_name, &Limits::default()) {
        Ok(krate) => krate,
        Err(refusal) => return Ok(Err(format!("{} [{}]", refusal.message, refusal.rule))),
    };
    let line = match IndexLine::from_manifest(&krate.manifest, &krate.checksum, mode, pubtime) {
        Ok(line) => line,
        Err(e) => return Ok(Err(e.to_string())),
    };
    Ok(Ok(NewVersion {
        file: path.to_owned(),
        name: krate.manifest.name,
        line,
    }))
}

fn commit_message(report: &Report, tip: Oid, pusher: Option<&str>) -> String {
    let mut subject = Vec::new();
    if !report.added.is_empty() {
        subject.push(format!("publish {}", count(report.added.len(), "version")));
    }
    if !report.yanked.is_empty() {
        subject.push(format!("yank {}", count(report.yanked.len(), "version")));
    }
    let subject = if subject.is_empty() {
        "Record crate repository state".to_owned()
    } else {
        capitalize(&subject.join(", "))
    };
    let mut message = format!("{subject}\n\n");
    for (name, version) in &report.added {
        let _ = writeln!(message, "Add {name} {version}");
    }
    for (name, version) in &report.yanked {
        let _ = writeln!(message, "Yank {name} {version}");
    }
    if !report.added.is_empty() || !report.yanked.is_empty() {
        message.push('\n');
    }
    let _ = writeln!(message, "{CRATE_COMMIT_TRAILER}: {tip}");
    if let Some(pusher) = pusher {
        let _ = writeln!(
            message,
            "{PUSHER_TRAILER}: {}",
            pusher.replace(['\n', '\r'], " ")
        );
    }
    message
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
