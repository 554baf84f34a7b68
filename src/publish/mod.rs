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

mod catch_up;
mod export;
pub mod prepared;
mod reconcile;
pub mod yank_list;

use std::fmt::Write as _;

use semver::Version;

pub use catch_up::catch_up;
pub use export::{Exported, export};
pub use reconcile::reconcile;

use crate::crate_file::{self, Limits, Refusal};
use crate::crate_name::CrateName;
use crate::git::{BlobRef, CommitTree, CrateRepo, GitError, Oid};
use crate::index::line::{self, IndexLine};
use crate::index::{CRATE_COMMIT_TRAILER, CrateLayout, IndexError, NewVersion, Transaction};
use crate::parallel;
use prepared::Prepared;
use yank_list::{YANK_LIST, YankList};

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
    pub unyanked: Vec<(String, Version)>,
    /// Files that could not be published, with why; `sync --check` and
    /// the hook's output show them.
    pub skipped: Vec<Skipped>,
    /// The index commit written, if anything changed.
    pub commit: Option<Oid>,
}

impl Report {
    fn skip(&mut self, path: &str, reason: String) {
        self.skipped.push(Skipped {
            path: path.to_owned(),
            reason,
        });
    }

    /// Whether the index changed (or would change).
    #[must_use]
    pub fn changed_index(&self) -> bool {
        !(self.added.is_empty() && self.yanked.is_empty() && self.unyanked.is_empty())
    }
}

/// The yank list of a commit's tree (no commit or no file: empty); a
/// reason when it cannot be read.
pub fn yank_list_in(
    repo: &CrateRepo,
    tree: Option<&CommitTree<'_>>,
) -> Result<Result<YankList, String>, PublishError> {
    let Some(blob) = tree.and_then(|t| t.file(YANK_LIST)) else {
        return Ok(Ok(YankList::default()));
    };
    let bytes = repo.blob(blob.id)?;
    Ok(String::from_utf8(bytes)
        .map_err(|_| format!("{YANK_LIST} is not UTF-8"))
        .and_then(|text| YankList::parse(&text).map_err(|e| e.to_string())))
}

/// Sets a version's flag and records a change in the report.
fn set_yanked(
    tx: &mut Transaction<'_>,
    name: &CrateName,
    version: &semver::Version,
    yanked: bool,
    report: &mut Report,
) -> Result<(), PublishError> {
    match tx.set_yanked(name, version, yanked) {
        Ok(true) => {
            let entry = (name.to_string(), version.clone());
            if yanked {
                report.yanked.push(entry);
            } else {
                report.unyanked.push(entry);
            }
            Ok(())
        }
        Ok(false) | Err(IndexError::NotFound { .. }) => Ok(()),
        Err(other) => Err(other.into()),
    }
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

/// Whether a path in the crate repository is a crate file (`.crate`,
/// lowercase, as cargo names them and as the `dl` URL asks for them).
#[must_use]
pub fn is_crate_path(path: &str) -> bool {
    #[allow(clippy::case_sensitive_file_extension_comparisons)]
    path.ends_with(".crate")
}

/// Reads `.crate` blobs on every core: `read` runs for each item on a
/// thread with its own handle on `repo`, so a thread holds one blob at a
/// time, the largest blobs first (`blob` names an item's blob, `None` for
/// one that `read` will not read). Results come in the order of `items`;
/// the first git error is the error of the whole.
pub fn read_blobs<T: Sync, R: Send>(
    repo: &CrateRepo,
    items: &[T],
    blob: impl Fn(&T) -> Option<Oid>,
    read: impl Fn(&CrateRepo, &T) -> Result<R, GitError> + Sync,
) -> Result<Vec<R>, GitError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let handles = (0..parallel::workers(items.len()))
        .map(|_| repo.reopen())
        .collect::<Result<Vec<_>, _>>()?;
    let size = |item: &T| blob(item).map_or(0, |id| repo.blob_size(id).unwrap_or(0));
    parallel::map_with_costliest_first(items, handles, size, |repo, item| read(repo, item))
        .into_iter()
        .collect()
}

/// `f` of a `.crate` blob's size and bytes, or of why it is refused
/// without being read: a link or submodule in git, or more than
/// [`MAX_FILE_SIZE`].
pub fn with_crate_blob<R>(
    repo: &CrateRepo,
    blob: BlobRef,
    f: impl FnOnce(u64, Result<&[u8], Refusal>) -> R,
) -> Result<R, GitError> {
    let refusal = |rule, message: String, help: &str| Refusal {
        rule,
        entry: None,
        message,
        help: help.to_owned(),
    };
    let size = repo.blob_size(blob.id)?;
    if !blob.is_regular_file() {
        return Ok(f(
            size,
            Err(refusal(
                "tarball-not-a-file",
                "the .crate is a symbolic link or submodule in git, not a file".to_owned(),
                "commit the .crate file itself",
            )),
        ));
    }
    if size > MAX_FILE_SIZE {
        return Ok(f(
            size,
            Err(refusal(
                "tarball-over-hard-limit",
                format!("the file is {size} bytes, over the {MAX_FILE_SIZE}-byte hard limit"),
                "a crate this large cannot be accepted",
            )),
        ));
    }
    repo.with_blob(blob.id, |bytes| f(size, Ok(bytes)))
}

/// A reader refusal as a reason publication skipped a file.
fn refused(refusal: &Refusal) -> String {
    format!("{} [{}]", refusal.message, refusal.rule)
}

/// Reads `.crate` blobs of the crate repository into new index versions,
/// in order, or says why each cannot be one (unreadable, or not at the
/// path `layout` gives it, where cargo would download it from); a blob
/// `prepared` knows is not read again. `limits` are the policy's reader
/// limits: publication reads what the hook accepted with the same ones.
fn read_versions(
    repo: &CrateRepo,
    limits: &Limits,
    items: &[(String, BlobRef)],
    mode: &line::Mode,
    layout: CrateLayout,
    pubtime: &str,
    prepared: &Prepared,
) -> Result<Vec<Result<NewVersion, String>>, PublishError> {
    let unprepared = |(_, blob): &(String, BlobRef)| (!prepared.has(blob.id)).then_some(blob.id);
    let versions = read_blobs(repo, items, unprepared, |repo, (path, blob)| {
        if let Some(version) = prepared.version(blob.id, path, mode, pubtime) {
            return Ok(placed(version, layout));
        }
        with_crate_blob(repo, *blob, |_, bytes| {
            let bytes = bytes.map_err(|r| refused(&r))?;
            let krate = crate_file::read_crate(bytes, path.rsplit('/').next(), limits)
                .map_err(|r| refused(&r))?;
            let line = IndexLine::from_manifest(&krate.manifest, &krate.checksum, mode, pubtime)
                .map_err(|e| e.to_string())?;
            placed(
                NewVersion {
                    file: path.clone(),
                    name: krate.manifest.name,
                    line,
                },
                layout,
            )
        })
    })?;
    Ok(versions)
}

/// `version`, when its file is where `layout` puts it.
fn placed(version: NewVersion, layout: CrateLayout) -> Result<NewVersion, String> {
    let expected = layout.path(&version.name, version.line.vers());
    if version.file == expected {
        return Ok(version);
    }
    Err(format!(
        "{} {} belongs at {expected} in this crate repository, where cargo downloads it from; move the file there",
        version.name,
        version.line.vers()
    ))
}

fn commit_message(report: &Report, tip: Oid, pusher: Option<&str>) -> String {
    let groups = [
        ("publish", "Add", &report.added),
        ("yank", "Yank", &report.yanked),
        ("unyank", "Unyank", &report.unyanked),
    ];
    let subject: Vec<String> = groups
        .iter()
        .filter(|(_, _, list)| !list.is_empty())
        .map(|(verb, _, list)| format!("{verb} {}", count(list.len(), "version")))
        .collect();
    let subject = if subject.is_empty() {
        "Record crate repository state".to_owned()
    } else {
        capitalize(&subject.join(", "))
    };
    let mut message = format!("{subject}\n\n");
    for (_, verb, list) in groups {
        for (name, version) in list {
            let _ = writeln!(message, "{verb} {name} {version}");
        }
    }
    if report.changed_index() {
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
